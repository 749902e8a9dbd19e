"""An import writes its rows chunk by chunk (issue 14, item 2): what each chunk replaces and
adds in the store (OxigraphStore.replace_subjects), and an import cut into many small
chunks gives the same triples as one in a few big ones, and leaves the store as it was when
its last row is bad."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import URIRef

from kg.errors import BadImport
from kg.graph import StoreSpec
from kg.importers import import_esd, model
from kg.loading import load_store
from kg.named_graphs import DATA_GRAPH
from kg.stores.oxigraph import OxigraphStore

TESTS = Path(__file__).resolve().parent
EXCERPT = TESTS / "data" / "esd-excerpt.csv"

G = ox.NamedNode("urn:test:graph")
P = ox.NamedNode("urn:test:p")


def node(name: str) -> ox.NamedNode:
    return ox.NamedNode(f"urn:test:{name}")


def quad(subject: str, value: str) -> ox.Quad:
    return ox.Quad(node(subject), P, ox.Literal(value), G)


def held(store: OxigraphStore) -> set[str]:
    return {
        f"{q.subject.value[9:]} {q.object.value}"
        for q in store.store.quads_for_pattern(None, None, None, G)
    }


# --- replace_subjects -----------------------------------------------------------------------


def test_a_chunk_replaces_its_subjects_whole_and_adds_the_rest_where_missing() -> None:
    store = OxigraphStore(None, read_only=False)
    claim = URIRef("urn:test:claim")
    # A claim and an actor beside it; a quad given twice counts once.
    first = [quad("claim", "a"), quad("claim", "b"), quad("claim", "b"), quad("actor", "x")]
    assert store.replace_subjects([claim], first) == (3, 0)
    assert held(store) == {"claim a", "claim b", "actor x"}
    # The same again: nothing added, nothing removed.
    assert store.replace_subjects([claim], first) == (0, 0)
    # The claim read again with one value changed: the old value goes, the actor stays.
    assert store.replace_subjects([claim], [quad("claim", "a"), quad("claim", "c")]) == (1, 1)
    assert held(store) == {"claim a", "claim c", "actor x"}
    # Quads of subjects not replaced: only the missing ones are added, none removed.
    assert store.replace_subjects([], [quad("actor", "x"), quad("actor", "y")]) == (1, 0)
    assert held(store) == {"claim a", "claim c", "actor x", "actor y"}
    # Replaced in the graph of the quads given: a claim read with one value less.
    assert store.replace_subjects([claim], [quad("claim", "c")]) == (0, 1)
    assert held(store) == {"claim c", "actor x", "actor y"}


def test_only_the_replaced_subjects_in_the_graphs_of_the_quads_are_replaced() -> None:
    store = OxigraphStore(None, read_only=False)
    other = ox.NamedNode("urn:test:other")
    store.store.add(ox.Quad(node("claim"), P, ox.Literal("elsewhere"), other))
    assert store.replace_subjects([URIRef("urn:test:claim")], [quad("claim", "a")]) == (1, 0)
    assert ox.Quad(node("claim"), P, ox.Literal("elsewhere"), other) in store.store


# --- many small chunks ----------------------------------------------------------------------


def bad_last(path: Path) -> Path:
    """The excerpt with one more row whose ext_w is 2."""
    with EXCERPT.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        columns = list(reader.fieldnames or [])
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, columns)
        writer.writeheader()
        writer.writerows(rows)
        supported = next(r for r in rows if r["ext_sup"] == "1")
        writer.writerow({**supported, "id": "999999", "ext_w": "2"})
    return path


def data_quads(folder: Path) -> set[str]:
    store = OxigraphStore(folder)
    try:
        return {
            str(q)
            for q in store.store.quads_for_pattern(None, None, None, ox.NamedNode(str(DATA_GRAPH)))
        }
    finally:
        store.close()


def files(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_many_small_chunks_give_the_triples_of_a_few_big_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big, small = tmp_path / "big", tmp_path / "small"
    for folder in (big, small):
        load_store(StoreSpec(folder=folder), [])
    import_esd(EXCERPT, store=big)
    monkeypatch.setattr(model, "CHUNK", 7)  # 118 rows: 17 chunks
    chunks: list[int] = []
    write = OxigraphStore.replace_subjects

    def counted(
        self: OxigraphStore, subjects: object, quads: object, **options: Any
    ) -> tuple[int, int]:
        chunks.append(1)
        return write(self, subjects, quads, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(OxigraphStore, "replace_subjects", counted)
    import_esd(EXCERPT, store=small)
    assert len(chunks) >= 17
    assert data_quads(small) == data_quads(big)


def test_a_bad_last_row_after_many_chunks_leaves_the_store_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "store"
    load_store(StoreSpec(folder=store), [])
    before = files(store)
    monkeypatch.setattr(model, "CHUNK", 7)
    with pytest.raises(BadImport, match=r"row 120\b.*column ext_w"):
        import_esd(bad_last(tmp_path / "bad.csv"), store=store)
    assert files(store) == before
