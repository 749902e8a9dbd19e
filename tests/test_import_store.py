"""Imports straight into a store folder (issue 14, items 1, 6 and 7), as real processes of
the installed `kg`: an import lands in the store and answers the reports, the same file
again adds nothing and leaves the store untouched, the same rows into a file give the same
claims; a bad row, a result that would not conform, a kill -9 and a Ctrl-C each leave the
store byte for byte as it was and readable; two imports at once never lose one; readers
see the old state or the new one, never half; and the wrong combinations of options are
refused in one line.

The long import is tests/data/esd-excerpt.csv repeated with new ids (BIG_ROWS rows, a few
seconds), so that a kill or a reader lands in the middle of it.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rdflib import RDF, Graph, URIRef

from kg.cli_import import import_group
from kg.named_graphs import DATA_GRAPH
from kg.stores.oxigraph import MANIFEST, OxigraphStore

TESTS = Path(__file__).resolve().parent
KG = str(Path(sys.executable).parent / "kg")  # the console script installed in the venv
EXCERPT = TESTS / "data" / "esd-excerpt.csv"
TABLE = TESTS / "data" / "claims-table.csv"
MAPPING = TESTS / "data" / "claims-table.toml"
CK = "https://w3id.org/conflict-kg/id/"
ROW_CLAIM = CK + "ucdp-esd-18-1-row-"
BIG_ROWS = 5_000  # about 2.5 s into a store on this machine: long enough to land in
ROUNDS = 4
AT_ONCE = 4  # rounds side by side, each with a store of its own
# The backers UCDP gives the Syrian insurgents in 2017 (rows 9096, 9097, 9100-9102), beside
# the articles' Turkey and United States; see tests/test_import_esd.py (states by the crosswalk).
INSURGENTS = ["report", "backers", "--of", "Syrian insurgents", "--as-of", "2017-06-30"]
ESD_2017 = {
    "United States",
    "United Kingdom",
    "Turkey",
    "Saudi Arabia",
    "al-Qaida",
}


def environment() -> dict[str, str]:
    """This process's environment without a store or server of the user's."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("KG_STORE", "KG_ENDPOINT"))}


def kg(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [KG, *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env or environment(),
    )


def start(*args: str | Path) -> subprocess.Popen[str]:
    """A `kg` command in a process group of its own (for a kill or a Ctrl-C to all of it:
    the watcher and the command it runs)."""
    return subprocess.Popen(
        [KG, *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment(),
        start_new_session=True,
    )


def esd_table(path: Path, rows: int, *, bad_last: bool = False) -> Path:
    """``rows`` rows of the excerpt repeated with ids of their own; with ``bad_last``, one
    more row at the end whose ext_w is 2."""
    with EXCERPT.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        columns = list(reader.fieldnames or [])
        excerpt = list(reader)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, columns)
        writer.writeheader()
        for number in range(rows):
            writer.writerow({**excerpt[number % len(excerpt)], "id": str(100_000 + number)})
        if bad_last:
            supported = next(r for r in excerpt if r["ext_sup"] == "1")
            writer.writerow({**supported, "id": str(100_000 + rows), "ext_w": "2"})
    return path


def snapshot(folder: Path) -> dict[str, str]:
    """Every entry of ``folder``: a file's SHA-256, or 'folder'."""
    found = {}
    for path in sorted(folder.rglob("*")):
        name = str(path.relative_to(folder))
        found[name] = "folder" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def current(folder: Path) -> dict[str, str]:
    """The snapshot of the manifest and the database it names (what readers read)."""
    database = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["database"]
    return {
        name: digest
        for name, digest in snapshot(folder).items()
        if name == MANIFEST or name.split(os.sep)[0] == database
    }


def stats(folder: Path) -> str:
    done = kg("stats", "--store", folder, "--format", "json")
    assert done.returncode == 0, done.stderr
    return done.stdout


def data_triples(folder: Path) -> Graph:
    """The data graph of the store (read in this process, read-only)."""
    store = OxigraphStore(folder)
    try:
        graph = Graph()
        for triple in store.triples(DATA_GRAPH):
            graph.add(triple)
        return graph
    finally:
        store.close()


def row_claims(graph: Graph) -> set[tuple[Any, Any, Any]]:
    """The triples about ESD rows (claims and no-known-support records)."""
    return {t for t in graph if str(t[0]).startswith(ROW_CLAIM)}


def backers(folder: Path) -> set[str]:
    done = kg(*INSURGENTS, "--store", folder, "--format", "json")
    assert done.returncode == 0, done.stderr
    return {row["backer_label"] for row in json.loads(done.stdout)}


@pytest.fixture(scope="module")
def bundled_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of the bundled data, made by `kg load` once; tests work on copies."""
    folder = tmp_path_factory.mktemp("bundled") / "store"
    done = kg("load", "--store", folder)
    assert done.returncode == 0, done.stderr
    return folder


@pytest.fixture
def store(bundled_store: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(bundled_store, tmp_path / "store"))


@pytest.fixture(scope="module")
def big_table(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return esd_table(tmp_path_factory.mktemp("big") / "big.csv", BIG_ROWS)


# --- 1. into a store ---------------------------------------------------------------------


def test_an_import_goes_into_the_store_and_the_same_again_adds_nothing(
    store: Path, tmp_path: Path
) -> None:
    assert backers(store) == {"Turkey", "United States"}  # the articles alone
    done = kg("import", "ucdp-esd", EXCERPT, "--store", store)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"imported {EXCERPT} into {store}"
    # 100 support claims and 22 opposition claims (tests/test_import_esd_conflicts.py)
    assert ["claims", "122"] in [line.split() for line in lines]
    assert backers(store) == ESD_2017 | {"Turkey", "United States"}

    checked = kg("validate", "--store", store)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.startswith("conforms: 0 violation(s)")
    merges = kg("report", "aliases", "--store", store, "--format", "json")
    assert merges.returncode == 0, merges.stderr
    rows = {row["name"]: row for row in json.loads(merges.stdout)}
    # UCDP's Government of Syria is the data's Syrian government by the crosswalk's rule,
    # not by an alias: found by that name, it is the one actor ESD's claims name.
    found = kg("actors", "search", "Government of Syria", "--store", store, "--format", "json")
    assert [row["actor"] for row in json.loads(found.stdout)] == ["ck:syrian-government"]
    assert rows["Syrian insurgents"]["actor"] == CK + "syrian-armed-opposition"
    assert {row["stale_claims"] for row in rows.values()} == {0}

    before = snapshot(store)
    again = kg("import", "ucdp-esd", EXCERPT, "--store", store)
    assert again.returncode == 0, again.stderr
    lines = again.stdout.splitlines()
    assert lines[0] == f"nothing new from {EXCERPT} into {store}"
    counts = [line.split() for line in lines]
    assert ["claims", "122"] in counts
    assert ["triples", "added", "0"] in counts and ["triples", "removed", "0"] in counts
    assert snapshot(store) == before  # the same manifest, the same database, byte for byte

    # The same rows into a file: the same claims, triple for triple.
    file = tmp_path / "esd.ttl"
    into_file = kg("import", "ucdp-esd", EXCERPT, "-o", file)
    assert into_file.returncode == 0, into_file.stderr
    in_file = row_claims(Graph().parse(file))
    in_store = row_claims(data_triples(store))
    assert len({t[0] for t in in_file}) == 118
    assert in_file == in_store


# --- 2. all or nothing -------------------------------------------------------------------


def test_a_bad_row_after_many_leaves_the_store_as_it_was(store: Path, tmp_path: Path) -> None:
    # The bad row comes after the first chunks were written into the new database.
    bad = esd_table(tmp_path / "bad.csv", BIG_ROWS, bad_last=True)
    before, counted = snapshot(store), stats(store)
    done = kg("import", "ucdp-esd", bad, "--store", store)
    assert done.returncode == 8, done.stderr
    [line] = done.stderr.splitlines()
    row = BIG_ROWS + 2  # the header is row 1
    assert re.match(
        rf"Error: {re.escape(str(bad))}, row {row}( \(line \d+\))?, column ext_w: ", line
    )
    assert "'2' is not 0 or 1" in line
    assert snapshot(store) == before
    assert stats(store) == counted


def test_an_import_that_would_not_conform_leaves_the_store_as_it_was(
    store: Path, tmp_path: Path
) -> None:
    # A wrong merge of the United Kingdom (UCDP 28) into the Syrian insurgents makes the
    # rows of UK support say that the insurgents back themselves.
    wrong = tmp_path / "wrong-alias.ttl"
    wrong.write_text(
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "@prefix ck: <https://w3id.org/conflict-kg/id/> .\n"
        "ck:ucdp-actor-28 owl:sameAs ck:syrian-armed-opposition .\n",
        encoding="utf-8",
    )
    loaded = kg("load", wrong, "--store", store)
    assert loaded.returncode == 0, loaded.stderr
    before, counted = snapshot(store), stats(store)
    done = kg("import", "ucdp-esd", EXCERPT, "--store", store)
    assert done.returncode == 1, done.stderr
    [line] = done.stderr.splitlines()
    assert line.startswith(f"Error: {EXCERPT}: refused, the store {store} would not conform ")
    assert "nothing was written" in line and "backs itself" in line
    assert snapshot(store) == before
    assert stats(store) == counted


def staged(store: Path, process: subprocess.Popen[str], databases: set[str]) -> None:
    """Wait until ``process`` writes a new database into ``store``, and a little more."""
    deadline = time.monotonic() + 120
    while {p.name for p in store.iterdir()} <= databases:
        assert process.poll() is None, "the import ended before it wrote"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    time.sleep(0.4)  # into the rows
    assert process.poll() is None, "the import ended before it could be stopped"


def test_an_import_killed_with_9_leaves_the_store_readable_as_it_was(
    store: Path, big_table: Path
) -> None:
    before, counted = current(store), stats(store)
    process = start("import", "ucdp-esd", big_table, "--store", store)
    staged(store, process, set(snapshot(store)))
    os.killpg(process.pid, signal.SIGKILL)
    process.communicate()
    assert current(store) == before
    assert stats(store) == counted
    assert backers(store) == {"Turkey", "United States"}

    done = kg("import", "ucdp-esd", EXCERPT, "--store", store)
    assert done.returncode == 0, done.stderr
    manifest = json.loads((store / MANIFEST).read_text(encoding="utf-8"))
    assert sorted(p.name for p in store.iterdir()) == sorted([MANIFEST, manifest["database"]])
    assert backers(store) == ESD_2017 | {"Turkey", "United States"}


@pytest.fixture(scope="module")
def interrupted(
    bundled_store: Path, big_table: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[subprocess.Popen[str], str, dict[str, str], Path]:
    """An import into a store stopped by Ctrl-C (SIGINT to its process group, as a terminal
    sends it): the process, its standard error, the store's snapshot before, the store."""
    folder = Path(shutil.copytree(bundled_store, tmp_path_factory.mktemp("sigint") / "store"))
    before = snapshot(folder)
    process = start("import", "ucdp-esd", big_table, "--store", folder)
    staged(folder, process, set(before))
    os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=120)
    return process, err, before, folder


def test_an_import_stopped_by_ctrl_c_leaves_the_store_as_it_was(
    interrupted: tuple[subprocess.Popen[str], str, dict[str, str], Path],
) -> None:
    process, err, before, folder = interrupted
    assert process.returncode != 0, err
    assert "Traceback" not in err
    assert snapshot(folder) == before  # its new database removed, too
    done = kg("import", "ucdp-esd", EXCERPT, "--store", folder)
    assert done.returncode == 0, done.stderr


def test_an_import_stopped_by_ctrl_c_says_so_with_exit_130(
    interrupted: tuple[subprocess.Popen[str], str, dict[str, str], Path],
) -> None:
    process, err, _, _ = interrupted
    assert process.returncode == 130
    [line] = err.splitlines()
    assert line.startswith("Error: ")


@pytest.fixture(scope="module")
def killed_into_file(
    big_table: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, bytes, subprocess.CompletedProcess[str]]:
    """An import into a file (-o) killed with -9 while its temporary store is written, then
    the excerpt imported into the same file: the file, its content before, the second."""
    folder = tmp_path_factory.mktemp("killed-o")
    file = folder / "esd.ttl"
    first = kg("import", "ucdp-esd", EXCERPT, "-o", file)
    assert first.returncode == 0, first.stderr
    before = file.read_bytes()
    process = start("import", "ucdp-esd", big_table, "-o", file)
    staged(folder, process, {file.name})
    os.killpg(process.pid, signal.SIGKILL)
    process.communicate()
    assert file.read_bytes() == before
    return file, before, kg("import", "ucdp-esd", EXCERPT, "-o", file)


def test_an_import_into_a_file_killed_with_9_leaves_the_file_as_it_was(
    killed_into_file: tuple[Path, bytes, subprocess.CompletedProcess[str]],
) -> None:
    file, before, again = killed_into_file
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith(f"nothing new from {EXCERPT} into {file}")
    assert file.read_bytes() == before


def test_the_next_import_into_a_file_clears_what_a_killed_one_left(
    killed_into_file: tuple[Path, bytes, subprocess.CompletedProcess[str]],
) -> None:
    file, _, again = killed_into_file
    assert again.returncode == 0, again.stderr
    assert [p.name for p in file.parent.iterdir()] == [file.name]


# --- 3. beside others --------------------------------------------------------------------


def one_claim_tables(folder: Path) -> dict[str, tuple[Path, URIRef]]:
    """Two tables of one claim each (rows t3 and t1 of the claims table, refs of their
    own), and the claim each makes."""
    rows = list(csv.reader(TABLE.read_text(encoding="utf-8-sig").splitlines(keepends=True)))
    tables = {}
    for name, index, report in (("A", 3, "b"), ("B", 1, "a")):
        ref = f"r{name.lower()}"
        path = folder / f"{name}.csv"
        with path.open("w", encoding="utf-8", newline="") as out:
            csv.writer(out).writerows([rows[0], [ref, *rows[index][1:]]])
        tables[name] = (path, URIRef(f"{CK}source-example-report-{report}-{ref}"))
    return tables


def test_two_imports_into_one_store_lose_nothing(bundled_store: Path, tmp_path: Path) -> None:
    tables = one_claim_tables(tmp_path)
    lost, waited, refused = 0, 0, 0
    for first in range(0, ROUNDS, AT_ONCE):
        running = []
        for round_ in range(first, first + AT_ONCE):
            folder = Path(shutil.copytree(bundled_store, tmp_path / f"round-{round_}"))
            for name, (table, claim) in tables.items():
                process = start("import", "csv", table, "--mapping", MAPPING, "--store", folder)
                running.append((folder, name, claim, process))
        for folder, name, claim, process in running:
            out, err = process.communicate(timeout=300)
            if process.returncode == 0:
                assert out.startswith(f"imported {tables[name][0]} into {folder}"), out
                if (claim, RDF.type, None) not in data_triples(folder):
                    lost += 1
            else:  # the one way allowed to fail: the other kept writing past the wait
                assert process.returncode == 11, err
                assert "another" in err and "is writing to it" in err, err
                refused += 1
            waited += "Waiting: another" in err and f"is writing the store {folder}" in err
    print(f"{ROUNDS} rounds: {lost} imports lost, {waited} waited, {refused} gave up")
    assert lost == 0
    assert waited > 0  # the imports did meet: the second waited for the first


def test_a_second_import_that_will_not_wait_exits_11_and_loses_nothing(
    store: Path, big_table: Path
) -> None:
    (table, claim), _ = one_claim_tables(store.parent).values()
    first = start("import", "ucdp-esd", big_table, "--store", store)
    staged(store, first, set(snapshot(store)))  # the first holds the store from here on
    second = kg("import", "csv", table, "--mapping", MAPPING, "--store", store, "--wait", "0")
    assert second.returncode == 11, second.stderr
    last = second.stderr.splitlines()[-1]
    assert last.startswith(f"Error: {store}: another ") and "(waited 0 s)" in last, last
    _, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    graph = data_triples(store)
    assert (claim, RDF.type, None) not in graph
    assert (URIRef(ROW_CLAIM + str(100_000 + BIG_ROWS - 1)), RDF.type, None) in graph


def test_an_import_waiting_for_another_writer_does_not_call_it_a_load(store: Path) -> None:
    holder = OxigraphStore(store, read_only=False)  # another writer, neither load nor import
    try:
        code, output = invoke("csv", TABLE, "--mapping", MAPPING, "--store", store, "--wait", "0")
    finally:
        holder.close()
    assert code == 11, output
    assert "`kg load`" not in output


def polls(process: subprocess.Popen[str], folder: Path) -> Iterator[tuple[int, str, str]]:
    """`kg report backers` on ``folder`` every 0.2 s while ``process`` runs."""
    while process.poll() is None:
        done = kg(*INSURGENTS, "--store", folder, "--format", "json")
        yield done.returncode, done.stdout, done.stderr
        time.sleep(0.2)


def test_readers_see_the_old_state_or_the_new_never_half(store: Path, big_table: Path) -> None:
    old = kg(*INSURGENTS, "--store", store, "--format", "json").stdout
    process = start("import", "ucdp-esd", big_table, "--store", store)
    seen = list(polls(process, store))
    _, err = process.communicate()
    assert process.returncode == 0, err
    new = kg(*INSURGENTS, "--store", store, "--format", "json").stdout
    assert len(json.loads(old)) < len(json.loads(new))
    refused = [err for code, _, err in seen if code != 0]
    between = [len(json.loads(out)) for code, out, _ in seen if code == 0 and out not in (old, new)]
    print(f"{len(seen)} reads during the import: {len(refused)} refused, {between} rows between")
    assert refused == [] and between == []
    assert len(seen) >= 2  # the readers did run while the import did


# --- 4. argument errors ------------------------------------------------------------------


def invoke(*args: str | Path, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(import_group, [str(a) for a in args], env=env)
    return result.exit_code, result.output


@pytest.mark.parametrize("command", [["ucdp-esd", EXCERPT], ["csv", TABLE, "--mapping", MAPPING]])
def test_a_file_and_a_store_both_are_refused(
    command: list[str | Path], store: Path, tmp_path: Path
) -> None:
    file = tmp_path / "mine.ttl"
    before = snapshot(store)
    code, output = invoke(*command, "-o", file, "--store", store)
    assert code == 11, output
    [line] = output.splitlines()
    assert line == (
        f"Error: give one place to import into: -o {file} (a file) or --store {store}, not both"
    )
    assert not file.exists() and snapshot(store) == before


def test_a_server_that_does_not_answer_is_named_in_one_line() -> None:
    # Imports into a server: tests/test_import_endpoint.py.
    code, output = invoke("ucdp-esd", EXCERPT, "--endpoint", "http://127.0.0.1:9/sparql")
    assert code == 11, output
    [line] = output.splitlines()
    assert line == "Error: http://127.0.0.1:9/sparql: connection refused (is the server running?)"


@pytest.mark.parametrize("option", ["--data", "--add"])
def test_files_under_an_import_into_a_store_are_refused(option: str, store: Path) -> None:
    before = snapshot(store)
    code, output = invoke(
        "ucdp-esd", EXCERPT, "--store", store, option, TESTS / "data" / "tiny.ttl"
    )
    assert code == 11, output
    [line] = output.splitlines()
    assert line.startswith("Error: --data and --add name files an import into a file sits on;")
    assert snapshot(store) == before


@pytest.mark.parametrize("made", [False, True], ids=["missing", "empty"])
def test_a_folder_that_is_no_store_is_refused_telling_to_load_it(
    made: bool, tmp_path: Path
) -> None:
    folder = tmp_path / "nowhere"
    if made:
        folder.mkdir()
    code, output = invoke("csv", TABLE, "--mapping", MAPPING, "--store", folder)
    assert code == 11, output
    [line] = output.splitlines()
    assert line.startswith(
        f"Error: {folder}: no such store; make it with `kg load --store {folder}`"
    )
    assert folder.exists() == made and (not made or list(folder.iterdir()) == [])


def test_a_file_on_the_command_line_wins_over_kg_store(store: Path, tmp_path: Path) -> None:
    file = tmp_path / "esd.ttl"
    before = snapshot(store)
    done = kg(
        "import", "ucdp-esd", EXCERPT, "-o", file, env={**environment(), "KG_STORE": str(store)}
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == f"imported {EXCERPT} into {file}"
    assert len({t[0] for t in row_claims(Graph().parse(file))}) == 118
    assert snapshot(store) == before
