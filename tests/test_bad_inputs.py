"""The catalogue of bad inputs (tests/bad_inputs/cases.tsv): each case runs one command and
must end with its exit code and a message containing the expected text, in one line for
errors, and never with a traceback."""

from __future__ import annotations

import csv
import os
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.importers import import_csv

TESTS = Path(__file__).resolve().parent
HERE = TESTS / "bad_inputs"
with (HERE / "cases.tsv").open(encoding="utf-8", newline="") as handle:
    CASES = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))

PREFIXES = (
    "@prefix ckg: <https://w3id.org/conflict-kg/ontology#> .\n"
    "@prefix ck: <https://w3id.org/conflict-kg/id/> .\n"
    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
)


def generated(tmp: Path) -> None:
    """Inputs too big (or too special) to keep in the repository."""
    os.mkfifo(tmp / "pipe.ttl")
    # A store holding a claim whose backer's name starts with "=", for the CSV output case.
    import_csv(HERE / "formula-cells.csv", TESTS / "data" / "claims-table.toml",
               tmp / "formula-store.ttl")
    (tmp / "zero.ttl").symlink_to("/dev/zero")
    (tmp / "zero.rq").symlink_to("/dev/zero")
    with (tmp / "big-literal.ttl").open("w", encoding="utf-8") as out:
        out.write(PREFIXES + 'ck:a a ckg:State ; rdfs:label "')
        out.write("x" * 50_000_000)
        out.write('" .\n')
    # Inputs that one store took and the other refused, or that took minutes (issue 12).
    (tmp / "integer-100k-digits.ttl").write_text(
        PREFIXES + 'ck:a a ckg:State ; rdfs:label "A" ; rdfs:comment ' + "1" * 100_000 + " .\n",
        encoding="utf-8",
    )
    (tmp / "number-5001-digits.jsonld").write_text(
        '{"@id": "https://w3id.org/conflict-kg/id/a", "https://example.org/n": '
        + "1" * 5001 + "}\n",
        encoding="utf-8",
    )
    (tmp / "nested-100k.jsonld").write_text(
        '{"@id": "https://w3id.org/conflict-kg/id/a", "https://example.org/p": '
        + "[" * 100_000 + "]" * 100_000 + "}\n",
        encoding="utf-8",
    )
    with (tmp / "prefixes-40k.ttl").open("w", encoding="utf-8") as out:
        out.write(PREFIXES)
        for i in range(40_000):
            out.write(f"@prefix p{i}: <https://example.org/ns/{i}#> .\n")
        out.write('ck:a a ckg:State ; rdfs:label "A" .\n')


@pytest.fixture(scope="module")
def tmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bad")
    generated(folder)
    return folder


def test_catalogue_is_complete() -> None:
    assert len(CASES) >= 30
    files = {p.name for p in HERE.iterdir()} - {"cases.tsv"}
    used = {name for case in CASES for name in files if name in case["args"]}
    assert files == used  # every file in the catalogue is exercised


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_bad_input(case: dict[str, str], tmp: Path) -> None:
    text = case["args"].replace("{dir}", str(HERE)).replace("{tests}", str(TESTS))
    args = shlex.split(text.replace("{tmp}", str(tmp)))
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == int(case["exit"]), result.output
    assert case["expect"] in result.output
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), repr(result.exception)
    if result.exit_code not in (0, 1):
        errors = [line for line in result.output.splitlines() if line.startswith("Error")]
        assert len(errors) == 1
