"""Golden outputs of the CLI: every command that prints rows or documents, in every format it
offers, compared byte for byte (standard output, standard error and exit code) with the file
in tests/golden/ named after its command line.

They were recorded from the code before issue 13 redesigned the reports, the output layer
and the CLI, so that the redesign can prove that nothing a user sees has changed. A case
that fails here is a change of output: fix the code, not the golden file. Regenerate the
files only for a deliberate change of output, and review the diff before committing it:

    .venv/bin/python tests/golden/regenerate.py

Each case runs from the repository's top folder with relative paths to the fixtures under
tests/, with COLUMNS=120 (tables are fitted to the terminal's width) and without any KG_*
variable. The only thing rewritten before the comparison is a temporary folder (where
`kg import` writes its store and which its summary names), shown as {tmp}.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kg.cli import cli

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
GOLDEN = TESTS / "golden"
TMP = "{tmp}"

# Tables are as wide as the terminal; without a fixed width a golden file would depend on it.
ENV: dict[str, str | None] = {
    "COLUMNS": "120",
    "KG_STORE": None,
    "KG_ENDPOINT": None,
    "KG_UPDATE_ENDPOINT": None,
    "KG_STORE_ENDPOINT": None,
    "KG_ENDPOINT_USER": None,
    "KG_ENDPOINT_PASSWORD": None,
    "KG_ENDPOINT_TIMEOUT": None,
}

CHAIN = "tests/data/chain-and-disputes.ttl"
TINY = "tests/data/tiny.ttl"
BACKS_ITSELF = "tests/shapes/invalid/SupportClaimShape-backs-itself.ttl"
ESD = "tests/data/esd-excerpt.csv"
TABLE = "tests/data/claims-table.csv"
MAPPING = "tests/data/claims-table.toml"

REPORT_FORMATS = ("table", "csv", "json", "markdown")
QUERY_FORMATS = ("table", "csv", "tsv", "json", "markdown")


@dataclass(frozen=True)
class Case:
    """One command line (without `kg`); {tmp} stands for a fresh empty folder."""

    args: tuple[str, ...]

    @property
    def command(self) -> str:
        return shlex.join(["kg", *self.args])

    @property
    def name(self) -> str:
        """The file name: `report backers --format json` gives report-backers--format-json."""
        parts = []
        for arg in self.args:
            if arg.startswith("--"):
                parts.append(arg)
            else:
                arg = arg.replace(TMP + "/", "").rsplit("/", 1)[-1]
                parts.append("-" + arg)
        slug = "".join(parts).lstrip("-")
        return re.sub(r"[^A-Za-z0-9._-]", "_", slug)

    @property
    def path(self) -> Path:
        return GOLDEN / f"{self.name}.txt"


def _formats(args: tuple[str, ...], formats: tuple[str, ...]) -> list[Case]:
    return [Case((*args, "--format", f)) for f in formats]


def _cases() -> list[Case]:
    reports: list[tuple[str, ...]] = [
        ("report", "backers"),
        ("report", "backers", "--as-of", "2017-09-01"),
        ("report", "backers", "--as-of", "2017-07-15"),
        ("report", "backers", "--include-ended"),
        ("report", "backers", "--as-of", "2017-09-01", "--include-ended"),
        ("report", "backers", "--indirect"),
        ("report", "backers", "--of", "Syrian armed opposition"),
        ("report", "backers", "--by", "United States", "--include-ended"),
        ("report", "backers", "--data", CHAIN, "--indirect"),
        ("report", "allies", "Damascus"),
        ("report", "allies", "Russia", "--as-of", "2017-09-01"),
        ("report", "allies", "Iran", "--include-ended"),
        ("report", "adversaries"),
        ("report", "adversaries", "Turkey"),
        ("report", "adversaries", "--as-of", "2017-09-01", "--include-ended"),
        ("report", "mediators"),
        ("report", "mediators", "--process", "Astana"),
        ("report", "mediators", "--as-of", "2017-09-01"),
        ("report", "agreements"),
        ("report", "actor", "Russia"),
        ("report", "actor", "United States", "--as-of", "2017-09-01"),
        ("report", "actor", "United States", "--as-of", "2017-09-01", "--include-ended"),
        # Not "de Mistura": its other names "de Mistura" and "De Mistura" fold to one key,
        # and their order follows Python's string hashing, which changes from run to run.
        ("report", "actor", "Lavrov"),
        ("report", "actor", "Turkey", "--include-ended"),
        ("report", "timeline"),
        ("report", "timeline", "--actor", "Russia"),
        ("report", "disputed"),
        ("report", "disputed", "--data", CHAIN),
        ("report", "proxies"),
        ("report", "proxies", "United States"),
        ("report", "proxies", "--as-of", "2017-09-01", "--include-ended"),
        ("report", "aliases"),
        ("metrics",),
        ("metrics", "--top", "3"),
        ("metrics", "--as-of", "2017-09-01"),
        ("metrics", "--include-ended", "--data", CHAIN),
    ]
    cases = [case for args in reports for case in _formats(args, REPORT_FORMATS)]
    for args in [("stats",), ("stats", "--data", TINY)]:
        cases += _formats(args, QUERY_FORMATS)
    for args in [("validate",), ("validate", BACKS_ITSELF), ("validate", TINY)]:
        cases += _formats(args, ("text", "json"))
    for name in ["who-backs-whom", "talks-roles", "agreements", "stats-sources"]:
        cases += _formats(("query", name), QUERY_FORMATS)
    cases += _formats(("query", "who-backs-whom", "--param", "backer=ck:turkey"), ("table", "json"))
    cases += _formats(("query", "--list"), ("table", "csv", "json"))
    cases += [
        Case(("query", "-e", "SELECT ?actor WHERE { ?actor a ckg:State } ORDER BY ?actor")),
    ]
    importers: list[tuple[str, ...]] = [
        ("import", "ucdp-esd", ESD, "-o", f"{TMP}/esd.ttl"),
        ("import", "csv", TABLE, "--mapping", MAPPING, "-o", f"{TMP}/claims.ttl"),
    ]
    for args in importers:
        cases += _formats(args, ("table", "json"))
    # One-line errors of a user's mistakes: standard error and the exit code.
    cases += [
        Case(args)
        for args in [
            ("report", "allies", "Atlantis"),
            ("report", "actor", "Atlantis"),
            ("report", "backers", "--of", "Atlantis"),
            ("report", "actor", "delegation"),
            ("report", "mediators", "--process", "Atlantis"),
            ("report", "backers", "--as-of", "2017-13-45"),
            ("report", "backers", "--as-of", "yesterday"),
            ("metrics", "--as-of", "2017-02-30"),
            ("report", "backers", "--format", "xml"),
            ("report", "backers", "--data", "tests/data/nope.ttl"),
            ("metrics", "--top", "0"),
            ("query", "no-such-query"),
            ("query", "who-backs-whom", "--param", "nope"),
            ("validate", "tests/bad_inputs/missing-dot.ttl"),
            ("stats", "--x"),
        ]
    ]
    return cases


CASES = _cases()


def run(case: Case, tmp: Path) -> Result:
    """Run the case in-process; the caller has made the repository the working folder."""
    args = [arg.replace(TMP, str(tmp)) for arg in case.args]
    return CliRunner().invoke(cli, args, env=ENV, prog_name="kg")


def render(case: Case, result: Result, tmp: Path) -> str:
    """The golden file's text: the command line, exit code, standard output and error."""
    text = (
        f"$ {case.command}\n"
        f"exit code: {result.exit_code}\n"
        f"--- stdout\n{result.stdout}"
        f"--- stderr\n{result.stderr}"
    )
    return text.replace(str(tmp), TMP)


def test_the_cases_have_distinct_files() -> None:
    assert len({case.name for case in CASES}) == len(CASES)


def test_every_golden_file_has_a_case() -> None:
    assert sorted(GOLDEN.glob("*.txt")) == sorted(case.path for case in CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_output_is_the_golden_one(
    case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    assert case.path.exists(), f"no golden file for {case.command}"
    expected = case.path.read_bytes().decode("utf-8")
    assert render(case, run(case, tmp_path), tmp_path) == expected


@pytest.fixture(scope="module")
def astana_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("golden") / "store"
    loaded = CliRunner().invoke(cli, ["load", "--store", str(folder)], env=ENV)
    assert loaded.exit_code == 0, loaded.output
    yield folder


@pytest.mark.parametrize(
    "args",
    [("report", "backers", "--format", "json"), ("report", "actor", "Russia", "--format", "json")],
    ids=lambda args: "-".join(args),
)
def test_an_oxigraph_store_prints_the_golden_output(
    args: tuple[str, ...], astana_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    case = Case(args)
    on_store = CliRunner().invoke(
        cli, [*args, "--store", str(astana_store)], env=ENV, prog_name="kg"
    )
    assert render(case, on_store, tmp_path) == case.path.read_bytes().decode("utf-8")
