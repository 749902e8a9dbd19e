"""The Oxigraph store in a folder: `kg load`, its manifest, all-or-nothing loads, read-only
readers beside a writer, and the refusals that keep files and stores apart."""

from __future__ import annotations

import importlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph
import pytest
from click.testing import CliRunner
from rdflib import Literal, URIRef

from kg import crosswalk, resources
from kg.cli import cli
from kg.errors import StoreError
from kg.graph import DATA_GRAPH, DERIVED_GRAPH, KnowledgeGraph, StoreSpec
from kg.loading import load_store
from kg.reading import read_triples
from kg.stores.base import NAMES_GRAPH
from kg.stores.oxigraph import OxigraphStore

TESTS = Path(__file__).resolve().parent
TINY = TESTS / "data" / "tiny.ttl"
#: The triples of the bundled data, and those the crosswalk of states (a reference file)
#: adds to a store of it.
_BUNDLED = set().union(*(read_triples(p) for p in resources.data_files()))
BUNDLED = len(_BUNDLED)
STATES = len(set(read_triples(crosswalk.bundled_file())) - _BUNDLED)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def counts(folder: Path) -> tuple[int, int]:
    kg = KnowledgeGraph.open(store=StoreSpec(folder=folder))
    try:
        return kg.store.count(DATA_GRAPH), kg.store.count(DERIVED_GRAPH)
    finally:
        kg.close()


def test_load_then_report(tmp_path: Path) -> None:
    store = tmp_path / "store"
    code, out = run("load", "--store", str(store))
    assert code == 0, out
    # The bundled data, as tests/test_astana_data.py counts it, and the crosswalk of states.
    assert f"{BUNDLED + STATES:,} new triples" in out
    manifest = json.loads((store / "kg-store.json").read_text())
    assert manifest["state"] == "ready"
    assert len(manifest["loads"]) == 1
    assert len(manifest["loads"][0]["files"]) == len(resources.data_files())
    assert counts(store) == (BUNDLED + STATES, 100)
    memory = CliRunner().invoke(cli, ["report", "backers", "--format", "json"])
    stored = CliRunner().invoke(
        cli, ["report", "backers", "--format", "json", "--store", str(store)]
    )
    assert memory.exit_code == stored.exit_code == 0
    assert json.loads(stored.stdout) == json.loads(memory.stdout)
    assert stored.stderr == memory.stderr  # the notes, the same


def test_loads_add_up_and_replace_empties(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert run("load", "--store", str(store))[0] == 0
    code, out = run("load", str(TINY), "--store", str(store))
    assert code == 0, out
    both = counts(store)[0]
    assert both > BUNDLED
    assert run("load", str(TINY), "--store", str(store))[1].count("0 new triples") == 1
    assert run("load", str(TINY), "--replace", "--store", str(store))[0] == 0
    # The Astana claims are gone; the bundled actors and alias table come back with TINY.
    reference = len(set().union(*(read_triples(p) for p in resources.reference_files())))
    assert counts(store)[0] == both - BUNDLED - STATES + reference
    assert len(json.loads((store / "kg-store.json").read_text())["loads"]) == 1


@pytest.mark.parametrize(
    ("content", "name", "code", "words"),
    [
        ("<http://a> <http://b> .\n", "bad.nt", 2, "line 1"),
        ("@prefix : <http://x/> .\n:a :b :c .\n:d :e", "bad.ttl", 2, "line 3"),
        (
            "<http://a> <http://www.w3.org/2002/07/owl#imports> <http://x/o> .\n",
            "i.nt",
            4,
            "owl:imports",
        ),
        ('<http://a> <http://b> "\\uD800" .\n', "s.nt", 2, "s.nt"),
    ],
)
def test_a_file_at_fault_leaves_the_store_as_it_was(
    tmp_path: Path, content: str, name: str, code: int, words: str
) -> None:
    store = tmp_path / "store"
    assert run("load", "--store", str(store))[0] == 0
    before = counts(store)
    bad = tmp_path / name
    bad.write_text(content, encoding="utf-8")
    # The good file first: nothing of it may be written either.
    exit_code, out = run("load", str(TINY), str(bad), "--store", str(store))
    assert exit_code == code, out
    assert words in out and "Traceback" not in out
    assert counts(store) == before
    assert json.loads((store / "kg-store.json").read_text())["state"] == "ready"


def test_a_writer_that_does_not_commit_leaves_the_store_as_it_was(
    tmp_path: Path, tiny_store: Path
) -> None:
    store = tmp_path / "store"
    shutil.copytree(tiny_store, store)
    before = counts(store)
    writer = OxigraphStore(store, read_only=False)
    writer.add(DATA_GRAPH, [(URIRef("http://x/a"), URIRef("http://x/p"), Literal("v"))])
    assert counts(store) == before  # readers see the last complete state meanwhile
    writer.close()  # what a failed or killed `kg load` does: no commit
    assert counts(store) == before
    assert sorted(p.name for p in store.iterdir()) == ["kg-store.json", "oxigraph-1"]


def test_a_load_cut_short_by_an_older_kg_is_refused_by_readers(
    tmp_path: Path, tiny_store: Path
) -> None:
    # Versions of kg that loaded in place marked the store "loading" while they wrote.
    store = tmp_path / "store"
    shutil.copytree(tiny_store, store)
    manifest = json.loads((store / "kg-store.json").read_text())
    (store / "kg-store.json").write_text(json.dumps({**manifest, "state": "loading"}))
    code, out = run("report", "backers", "--store", str(store))
    assert code == 11
    assert "cut short" in out
    assert run("load", str(TINY), "--replace", "--store", str(store))[0] == 0
    assert run("report", "backers", "--store", str(store))[0] == 0


def test_readers_run_beside_a_writer_and_a_second_writer_waits(
    tmp_path: Path, tiny_store: Path
) -> None:
    store = tmp_path / "store"
    shutil.copytree(tiny_store, store)
    writer = OxigraphStore(store, read_only=False)
    try:
        assert run("report", "backers", "--store", str(store))[0] == 0
        code, out = run("load", str(TINY), "--wait", "0.3", "--store", str(store))
        assert code == 11, out
        assert "Waiting: another load or import is writing the store" in out
        assert "another load or import is writing to it (waited 0.3 s)" in out
    finally:
        writer.close()
    assert run("load", str(TINY), "--wait", "0.3", "--store", str(store))[0] == 0


def test_no_store_and_files_with_a_store_are_refused(tmp_path: Path) -> None:
    code, out = run("report", "backers", "--store", str(tmp_path / "none"))
    assert code == 11 and "kg load" in out
    (tmp_path / "empty").mkdir()
    code, out = run("report", "backers", "--store", str(tmp_path / "empty"))
    assert code == 11 and "not a conflict-kg store" in out
    assert run("load", "--store", str(tmp_path / "s"))[0] == 0
    code, out = run("report", "backers", "--store", str(tmp_path / "s"), "--add", str(TINY))
    assert code == 11 and "kg load" in out
    code, out = run("load", str(TINY))
    assert code == 11 and "--store" in out
    with pytest.raises(StoreError):
        OxigraphStore(tmp_path / "none")


def test_the_store_comes_from_the_environment(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert run("load", str(TINY), "--store", str(store))[0] == 0
    result = CliRunner().invoke(cli, ["stats", "--format", "json"], env={"KG_STORE": str(store)})
    assert result.exit_code == 0, result.output
    # A store holds the bundled actors and alias table besides what was loaded into it.
    data = [a for p in [*resources.reference_files(), TINY] for a in ("--data", str(p))]
    memory = CliRunner().invoke(cli, ["stats", "--format", "json", *data])
    assert json.loads(result.stdout) == json.loads(memory.stdout)


def test_blank_nodes_of_two_files_stay_apart(tmp_path: Path) -> None:
    one, two = tmp_path / "one.nt", tmp_path / "two.nt"
    one.write_text('_:b <http://x/p> "1" .\n', encoding="utf-8")
    two.write_text('_:b <http://x/p> "2" .\n', encoding="utf-8")
    load_store(StoreSpec(folder=tmp_path / "s"), [one, two])
    database = json.loads((tmp_path / "s" / "kg-store.json").read_text())["database"]
    store = pyoxigraph.Store.read_only(str(tmp_path / "s" / database))
    subjects = {
        q.subject for q in store.quads_for_pattern(None, pyoxigraph.NamedNode("http://x/p"), None)
    }
    assert len(subjects) == 2
    memory = KnowledgeGraph.open([one, two], derive=False)
    assert len(set(memory.graph(DATA_GRAPH).subjects())) == 2


def test_an_export_loaded_back_answers_each_triple_once(tmp_path: Path) -> None:
    # The export holds the derived relations; loaded into a store they are data, and are
    # not derived a second time (Oxigraph would then answer each twice).
    exported = tmp_path / "all.ttl"
    assert run("export", "-o", str(exported))[0] == 0
    store = tmp_path / "store"
    assert run("load", str(exported), "--store", str(store))[0] == 0
    data, derived = counts(store)
    assert derived == 0 and data == BUNDLED + 100 + STATES  # the crosswalk: a reference file
    query = "SELECT ?a ?b WHERE { ?a ckg:backs ?b }"
    code, memory = run("query", "-e", query, "--format", "json")
    code2, stored = run("query", "-e", query, "--format", "json", "--store", str(store))
    assert code == code2 == 0
    assert sorted(map(str, json.loads(stored))) == sorted(map(str, json.loads(memory)))


def test_the_folded_names_are_those_kept_in_memory(tmp_path: Path) -> None:
    # Oxigraph folds the names with its own terms (OxigraphStore.add_folded): the keys must
    # be the memory store's, diacritics, dots, hyphens, language tags and all.
    names = tmp_path / "names.ttl"
    names.write_text(
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        '<http://x/t> rdfs:label "Türkiye"@tr, "The U.S.-backed  Front" ;\n'
        '    skos:altLabel "Ahrar al-Sham", "ÉTAT islamique"@fr ; rdfs:comment "not a name" .\n'
        "<http://x/u> rdfs:label <http://x/not-a-literal> .\n",
        encoding="utf-8",
    )
    load_store(StoreSpec(folder=tmp_path / "s"), [names])
    stored = KnowledgeGraph.open(store=StoreSpec(folder=tmp_path / "s"))
    memory = KnowledgeGraph.open([*resources.reference_files(), names])  # as every store
    try:
        found = set(stored.graph(NAMES_GRAPH))
        assert found == set(memory.graph(NAMES_GRAPH))
        keys = {str(o) for s, _, o in found if str(s).startswith("http://x/")}
        assert keys == {"turkiye", "us backed front", "ahrar al sham", "etat islamique"}
    finally:
        stored.close()


# --- a load that fails at any point leaves the store as it was ----------------------------


@pytest.fixture(scope="module")
def tiny_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding tests/data/tiny.ttl, for tests to copy."""
    store = tmp_path_factory.mktemp("tiny") / "store"
    assert run("load", str(TINY), "--store", str(store))[0] == 0
    return store


def state(store: Path) -> tuple[list[str], str, tuple[int, int]]:
    """What a reader can see of a store: its folder, its manifest and its counts."""
    names = sorted(p.name for p in store.iterdir())
    return names, (store / "kg-store.json").read_text(), counts(store)


def fail(error: BaseException, original: Callable[..., Any]) -> Callable[..., Any]:
    """``original`` made to raise ``error`` (to_oxigraph: only for the term "v" of the
    JSON-LD file, as Oxigraph would for a term it refuses)."""

    def failing(*args: Any, **kwargs: Any) -> Any:
        if original.__name__ == "to_oxigraph" and str(args[0]) != "v":
            return original(*args, **kwargs)
        raise error

    return failing


JSON_LD = '{"@id": "http://x/a", "http://x/p": {"@value": "v", "@language": "en"}}'

# (what fails, how, the exit code, words of the message): the engine refusing a term of a
# file a reader took, the disk, and anything the engine raises in any step of a load.
FAILURES = [
    ("kg.stores.oxigraph.to_oxigraph", ValueError("bad language tag"), 2, "a.jsonld"),
    ("kg.stores.oxigraph.to_oxigraph", SyntaxError("bad IRI"), 2, "a.jsonld"),
    ("kg.stores.oxigraph.OxigraphStore._bulk", OSError(28, "No space left on device"), 5, "space"),
    ("kg.stores.oxigraph.OxigraphStore.load_files", SyntaxError("bad IRI"), 2, "tiny.ttl"),
    ("kg.stores.oxigraph.OxigraphStore.drop_overlap", RuntimeError("RocksDB"), 11, "RocksDB"),
    ("kg.graph.KnowledgeGraph.derive", ValueError("an engine's mistake"), 11, "ValueError"),
    ("kg.stores.oxigraph.OxigraphStore.optimize", OSError(5, "I/O error"), 5, "(I/O error)"),
    ("kg.stores.oxigraph._write_json", OSError(28, "No space left on device"), 5, "space"),
    ("kg.stores.oxigraph.OxigraphStore.count", KeyError("n"), 11, "KeyError"),
]


@pytest.mark.parametrize(("target", "error", "code", "words"), FAILURES)
def test_a_load_that_fails_anywhere_leaves_the_store_as_it_was(
    tmp_path: Path,
    tiny_store: Path,
    monkeypatch: pytest.MonkeyPatch,
    target: str,
    error: BaseException,
    code: int,
    words: str,
) -> None:
    store = tmp_path / "store"
    shutil.copytree(tiny_store, store)
    before = state(store)
    extra = tmp_path / "a.jsonld"
    extra.write_text(JSON_LD, encoding="utf-8")
    more = tmp_path / "more.nt"
    more.write_text('<http://x/b> <http://x/p> "w" .\n', encoding="utf-8")
    module, _, name = target.rpartition(".")
    owner: Any = None
    if module.endswith(("OxigraphStore", "KnowledgeGraph")):
        module, _, class_name = module.rpartition(".")
        owner = getattr(importlib.import_module(module), class_name)
    else:
        owner = importlib.import_module(module)
    monkeypatch.setattr(owner, name, fail(error, getattr(owner, name)))
    exit_code, out = run("load", str(TINY), str(more), str(extra), "--store", str(store))
    monkeypatch.undo()
    assert exit_code == code, out
    [line] = [line for line in out.splitlines() if line.startswith("Error:")]
    assert words in line and "Traceback" not in out
    assert state(store) == before
    assert run("stats", "--store", str(store))[0] == 0


def test_bad_manifests_are_refused_before_anything_is_written(
    tmp_path: Path, tiny_store: Path
) -> None:
    store = tmp_path / "store"
    shutil.copytree(tiny_store, store)
    good = json.loads((store / "kg-store.json").read_text())
    bad = [
        ({"format": 2, "state": "ready", "loads": 5}, "'loads' is 5"),
        ({**good, "loads": [1, 2]}, "'loads'"),
        ({**good, "state": "done"}, "'state' is \"done\""),
        ({**good, "state": None}, "'state'"),
        ({**good, "database": "../../elsewhere"}, "'database'"),
        ({**good, "database": "/tmp"}, "'database'"),
        ({**good, "database": 3}, "'database' is 3"),
    ]
    for manifest, words in bad:
        (store / "kg-store.json").write_text(json.dumps(manifest))
        listing = sorted(p.name for p in store.iterdir())
        for command in (["load", str(TINY)], ["stats"]):
            code, out = run(*command, "--store", str(store))
            assert code == 11, (manifest, out)
            [line] = out.strip().splitlines()[-1:]
            assert line.startswith("Error:") and "kg-store.json" in line and words in line, line
        assert sorted(p.name for p in store.iterdir()) == listing
    (store / "kg-store.json").write_text("[" * 100_000 + "]" * 100_000)
    for command in (["load", str(TINY)], ["stats"]):
        code, out = run(*command, "--store", str(store))
        assert code == 11 and "kg-store.json: cannot be read (nested too deeply)" in out, out
    (store / "kg-store.json").write_text(json.dumps({**good, "database": "oxigraph-5"}))
    code, out = run("stats", "--store", str(store))
    assert code == 11 and "its database oxigraph-5 is missing" in out, out
    code, out = run("load", str(TINY), "--store", str(store))
    assert code == 11 and "oxigraph-5 is missing" in out and "--replace" in out, out
    (store / "kg-store.json").write_text(json.dumps(good))
    assert run("stats", "--store", str(store))[0] == 0


def test_a_load_removes_only_the_databases_it_made(tmp_path: Path, tiny_store: Path) -> None:
    store = tmp_path / "store"
    shutil.copytree(tiny_store, store)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep").write_text("mine")
    (store / "oxigraph-7").symlink_to(elsewhere)  # put there by hand
    (store / "notes.txt").write_text("mine")
    assert run("load", str(TINY), "--store", str(store))[0] == 0
    assert (elsewhere / "keep").read_text() == "mine"
    assert sorted(p.name for p in store.iterdir()) == [
        "kg-store.json",
        "notes.txt",
        "oxigraph-7",
        "oxigraph-8",
    ]


def test_a_store_made_before_loads_were_staged_is_read_and_loaded(
    tmp_path: Path, tiny_store: Path
) -> None:
    # Stores made before kept their database in oxigraph/ and named none in the manifest.
    store = tmp_path / "store"
    shutil.copytree(tiny_store, store)
    manifest = json.loads((store / "kg-store.json").read_text())
    (store / manifest.pop("database")).rename(store / "oxigraph")
    (store / "kg-store.json").write_text(json.dumps(manifest))
    before = counts(store)
    more = tmp_path / "more.nt"
    more.write_text('<http://x/b> <http://x/p> "w" .\n', encoding="utf-8")
    assert run("load", str(more), "--store", str(store))[0] == 0
    assert counts(store)[0] == before[0] + 1
    assert sorted(p.name for p in store.iterdir()) == ["kg-store.json", "oxigraph-1"]
