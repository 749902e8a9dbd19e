"""A store always knows its names (issue 14, item 4), and `kg load` shows progress only on a
terminal (item 5).

Every `kg load` puts the bundled actors and alias table beside the files, so a store filled
with an import alone (tests/data/esd-like.ttl, claims as `kg import ucdp-esd` writes them)
answers by the bundled names and shows labels; --bundled adds the Astana claims too.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import on_a_terminal

from kg import crosswalk, resources
from kg.cli import cli
from kg.graph import DATA_GRAPH, KnowledgeGraph, StoreSpec
from kg.reading import read_triples

TESTS = Path(__file__).resolve().parent
IMPORT = TESTS / "data" / "esd-like.ttl"
KG = str(Path(sys.executable).parent / "kg")
SUMMARY = re.compile(
    r"^\S+: 1 file\(s\), [\d,]+ new triples; the store holds [\d,]+ data, [\d,]+ derived "
    r"and [\d,]+ ontology triples \(\d+\.\d s\)\n$"
)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def data_triples(folder: Path) -> set[object]:
    kg = KnowledgeGraph.open(store=StoreSpec(folder=folder))
    try:
        return set(kg.store.triples(DATA_GRAPH))
    finally:
        kg.close()


def file_triples(*paths: Path) -> set[object]:
    return set().union(*(set(read_triples(p)) for p in paths))


@pytest.fixture(scope="module")
def import_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store loaded with the import-like file alone."""
    store = tmp_path_factory.mktemp("names") / "store"
    code, out = run("load", str(IMPORT), "--store", str(store))
    assert code == 0, out
    return store


def backers(store: Path, *args: str) -> list[dict[str, object]]:
    code, out = run(
        "report", "backers", *args, "--include-ended", "--format", "json", "--store", str(store)
    )
    assert code == 0, out
    rows: list[dict[str, object]] = json.loads(out)
    return rows


@pytest.mark.parametrize("name", ["Government of Syria", "Damascus", "Syrian government"])
def test_a_store_of_an_import_alone_answers_by_the_bundled_names(
    import_store: Path, name: str
) -> None:
    # "Government of Syria" is the alias table's, "Damascus" an altLabel of data/actors.ttl.
    [row] = backers(import_store, "--of", name)
    assert (row["backer_label"], row["recipient_label"]) == (
        "Government of Iraq",
        "Syrian government",
    )


def test_actors_the_import_resolved_show_their_labels(import_store: Path) -> None:
    [row] = backers(import_store, "--by", "Government of Turkey")
    assert row["backer_label"] == "Turkey"
    assert row["recipient_label"] == "Syrian armed opposition"
    assert row["against"] == ["Syrian government"]
    code, out = run("validate", "--store", str(import_store))
    assert code == 0, out  # the file alone does not conform: its actors are not in it


def test_the_store_holds_the_file_and_the_reference_files(
    import_store: Path, tmp_path: Path
) -> None:
    assert data_triples(import_store) == file_triples(IMPORT, *resources.reference_files())
    manifest = json.loads((import_store / "kg-store.json").read_text())
    [load] = manifest["loads"]
    assert load["files"] == [str(IMPORT)]
    assert load["reference"] == ["actors.ttl", "aliases.ttl", "states.ttl"]
    # The reference part comes back after --replace, and a second load adds nothing.
    store = tmp_path / "store"
    assert run("load", "--store", str(store))[0] == 0
    code, out = run("load", str(IMPORT), "--replace", "--store", str(store))
    assert code == 0 and "1 file(s)" in out, out
    assert data_triples(store) == data_triples(import_store)
    code, out = run("load", str(IMPORT), "--store", str(store))
    assert code == 0 and " 0 new triples" in out, out


def test_bundled_adds_the_astana_claims(import_store: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    code, out = run("load", str(IMPORT), "--bundled", "--store", str(store))
    files = len(resources.data_files()) + 1  # and IMPORT
    assert code == 0 and out.startswith(f"{store}: {files} file(s), "), out
    assert data_triples(store) == file_triples(
        IMPORT, *resources.data_files(), crosswalk.bundled_file()
    )
    assert not backers(import_store, "--by", "United States")
    assert {row["recipient_label"] for row in backers(store, "--by", "United States")} == {
        "Kurdish-led militias",
        "Syrian armed opposition",
    }
    manifest = json.loads((store / "kg-store.json").read_text())
    # The bundled data holds the actors and aliases; the crosswalk of states is apart.
    assert manifest["loads"][0]["reference"] == ["states.ttl"]


def test_without_files_the_bundled_data_as_before(tmp_path: Path) -> None:
    store = tmp_path / "store"
    code, out = run("load", "--store", str(store))
    expected = file_triples(*resources.data_files(), crosswalk.bundled_file())
    files = len(resources.data_files())
    assert code == 0 and out.startswith(f"{store}: {files} file(s), {len(expected):,} new"), out
    assert data_triples(store) == expected


# --- progress -----------------------------------------------------------------------------


def test_not_on_a_terminal_only_the_summary_and_quiet_nothing(tmp_path: Path) -> None:
    # CliRunner's streams are not terminals: no bar, no label, just the summary line.
    code, out = run("load", str(IMPORT), "--store", str(tmp_path / "a"))
    assert code == 0 and SUMMARY.match(out), out
    code, out = run("load", str(IMPORT), "--quiet", "--store", str(tmp_path / "b"))
    assert (code, out) == (0, "")
    assert data_triples(tmp_path / "b") == data_triples(tmp_path / "a")
    code, out = run("load", str(tmp_path / "none.ttl"), "-q", "--store", str(tmp_path / "b"))
    assert code == 2 and "none.ttl: no such file" in out  # errors are not silenced


def load_on_a_terminal(*args: str) -> tuple[str, str]:
    """`kg load ARGS` with stderr on a pseudo-terminal; (stdout, what the terminal got)."""
    return on_a_terminal("load", *args, timeout=60)


def test_on_a_terminal_a_progress_bar_then_the_summary(tmp_path: Path) -> None:
    out, shown = load_on_a_terminal(str(IMPORT), "--store", str(tmp_path / "a"))
    assert SUMMARY.match(out), out
    assert f"Loading into {tmp_path / 'a'}" in shown
    assert "100%" in shown and re.search(r"[\d.]+ kB/[\d.]+ kB  [\d.]+ [kM]?B/s", shown), shown
    out, shown = load_on_a_terminal(str(IMPORT), "--quiet", "--store", str(tmp_path / "b"))
    assert (out, shown) == ("", "")
