"""Writers and readers at the same time, as real processes of the installed `kg`: two imports
into one file lose nothing (the second waits for the first), readers during a `kg load` see
the last complete state and are never refused, and a load killed with -9 leaves the store
as it was."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

from rdflib import RDF, Graph, URIRef

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
KG = str(Path(sys.executable).parent / "kg")  # the console script installed in the venv
TABLE = TESTS / "data" / "claims-table.csv"
MAPPING = TESTS / "data" / "claims-table.toml"
TINY = TESTS / "data" / "tiny.ttl"
ROUNDS = 20
AT_ONCE = 5  # rounds run side by side, each with its own target file in its own folder
LOAD_SIZE = 120_000  # triples: a load of a few seconds
PIPES: dict[str, Any] = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True}


def one_row_tables(folder: Path) -> dict[str, tuple[Path, str]]:
    """Two tables of one claim each (rows t3 and t1 of tests/data/claims-table.csv, with
    refs of their own), and the claim each makes."""
    rows = list(csv.reader(io.StringIO(TABLE.read_text(encoding="utf-8-sig"))))
    tables = {}
    for name, index, source in (("A", 3, "b"), ("B", 1, "a")):
        ref = f"r{name.lower()}"
        path = folder / f"{name}.csv"
        with path.open("w", encoding="utf-8", newline="") as out:
            csv.writer(out).writerows([rows[0], [ref, *rows[index][1:]]])
        tables[name] = (path, f"https://w3id.org/conflict-kg/id/source-example-report-{source}-{ref}")
    return tables


def test_two_imports_into_one_file_lose_nothing(tmp_path: Path) -> None:
    tables = one_row_tables(tmp_path)
    lost, waited, refused = 0, 0, 0
    for first in range(0, ROUNDS, AT_ONCE):
        running = []
        for round_ in range(first, first + AT_ONCE):
            folder = tmp_path / f"round-{round_}"
            folder.mkdir()
            target = folder / "shared.ttl"
            for name, (table, claim) in tables.items():
                command = [KG, "import", "csv", str(table), "--mapping", str(MAPPING)]
                command += ["-o", str(target), "--data", str(TINY)]
                running.append((target, name, claim, subprocess.Popen(command, **PIPES)))
        for target, name, claim, process in running:
            out, err = process.communicate(timeout=300)
            if process.returncode == 0:
                assert out.startswith("imported ") and f"{name}.csv into" in out, out
                if (URIRef(claim), RDF.type, None) not in Graph().parse(target):
                    lost += 1
            else:  # the one way allowed to fail: the other kept writing past the wait
                assert process.returncode == 11, err
                assert "another process is writing" in err
                refused += 1
            waited += "Waiting: another process is writing" in err
    print(f"{ROUNDS} rounds: {lost} imports lost, {waited} waited, {refused} gave up")
    assert lost == 0
    assert waited > 0  # the imports did meet: the test saw writers take turns


def load_synthetic() -> ModuleType:
    spec = importlib.util.spec_from_file_location("synthetic", REPO / "bench" / "synthetic.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being made
    spec.loader.exec_module(module)
    return module


def counts(store: Path) -> tuple[int, str]:
    """(exit code, the per-graph triple counts or the error) of `kg stats --store`."""
    done = subprocess.run(
        [KG, "stats", "--store", str(store), "--format", "json"], **PIPES, timeout=300
    )
    if done.returncode != 0:
        return done.returncode, str(done.stderr)
    rows = json.loads(str(done.stdout))["triples"]
    return 0, " ".join(f"{row['graph'].rpartition(':')[2]}={row['triples']}" for row in rows)


def test_readers_beside_a_load_see_a_complete_state_and_a_killed_load_loses_nothing(
    tmp_path: Path,
) -> None:
    big = tmp_path / "big.nt"
    load_synthetic().generate(LOAD_SIZE, big, seed=5)
    store = tmp_path / "store"
    subprocess.run([KG, "load", str(TINY), "--store", str(store)], **PIPES, check=True)
    code, old = counts(store)
    assert code == 0, old

    # A load of a few seconds, with readers polling all along.
    writer = subprocess.Popen([KG, "load", str(big), "--store", str(store)], **PIPES)
    seen: list[tuple[int, str]] = []
    while writer.poll() is None:
        seen.append(counts(store))
    out, err = writer.communicate()
    assert writer.returncode == 0, err
    code, new = counts(store)
    assert code == 0 and new != old
    refused = [text for code, text in seen if code != 0]
    between = [text for code, text in seen if code == 0 and text not in (old, new)]
    print(f"{len(seen)} reads during the load: {len(refused)} refused, {len(between)} partial")
    assert refused == [] and between == []
    assert len(seen) >= 2  # the readers did run while the load did

    # A load killed with -9 in the middle: readers and the next load find the store as it
    # was, and the next load clears away what the killed one left.
    writer = subprocess.Popen(
        [KG, "load", str(big), "--replace", "--store", str(store)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while not list(store.glob("oxigraph-3/*.sst")) and time.monotonic() < deadline:
        assert writer.poll() is None, "the load ended before it could be killed"
        time.sleep(0.02)
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    assert counts(store) == (0, new)
    done = subprocess.run([KG, "load", str(TINY), "--store", str(store)], **PIPES)
    assert done.returncode == 0, done.stderr
    manifest = json.loads((store / "kg-store.json").read_text(encoding="utf-8"))
    assert sorted(p.name for p in store.iterdir()) == ["kg-store.json", manifest["database"]]
    assert counts(store)[0] == 0


def test_two_loads_into_one_store_take_turns(tmp_path: Path) -> None:
    store = tmp_path / "store"
    files = []
    for name in ("one", "two"):
        path = tmp_path / f"{name}.nt"
        path.write_text(f'<http://x/{name}> <http://x/p> "{name}" .\n', encoding="utf-8")
        files.append(path)
    subprocess.run([KG, "load", str(TINY), "--store", str(store)], **PIPES, check=True)
    code, before = counts(store)
    loads = [
        subprocess.Popen([KG, "load", str(path), "--store", str(store)], **PIPES) for path in files
    ]
    results = [load.communicate(timeout=300) for load in loads]
    assert [load.returncode for load in loads] == [0, 0], results
    code, after = counts(store)
    assert code == 0 and after.startswith(f"data={int(before.split()[0][5:]) + 2} ")
    manifest = json.loads((store / "kg-store.json").read_text(encoding="utf-8"))
    assert len(manifest["loads"]) == 3
