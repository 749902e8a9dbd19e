"""kg.importers.resolve.ActorIndex: after many names, one read of every key of the names
index instead of a query per name (PA-X's prose asked 19,704 names, most in no store)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

import pytest
from rdflib.term import Identifier

from kg.api import KnowledgeGraph
from kg.importers import resolve
from kg.importers.resolve import ActorIndex
from kg.stores.base import QueryRows


def counted(kg: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How often each bundled query is asked of ``kg`` from now on."""
    asked: Counter[str] = Counter()
    select = kg.select

    def counting(query: object, bindings: Mapping[str, Identifier] | None = None) -> QueryRows:
        asked[str(query)] += 1
        return select(query, bindings)  # type: ignore[arg-type]

    monkeypatch.setattr(kg, "select", counting)
    return asked


def test_after_many_names_only_known_keys_are_asked(
    astana_graph: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(resolve, "KEYS_AFTER", 3)
    index = ActorIndex.read(astana_graph)
    asked = counted(astana_graph, monkeypatch)
    for name in ("no such group 1", "no such group 2", "no such group 3"):
        assert index.find(name) == set()
    assert asked["name-lookup"] == 3 and asked["name-keys"] == 0
    for name in ("no such group 4", "no such group 5"):
        assert index.find(name) == set()
    assert asked["name-keys"] == 1 and asked["name-lookup"] == 3  # no query for these
    # A name the data has is still found by its key, with its actor and label.
    assert {str(a) for a in index.find("Damascus")} == {
        "https://w3id.org/conflict-kg/id/syrian-government"
    }
    assert asked["name-lookup"] == 4 and asked["name-keys"] == 1


def test_a_few_names_read_no_keys(
    astana_graph: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = ActorIndex.read(astana_graph)
    asked = counted(astana_graph, monkeypatch)
    assert index.find("Damascus") and index.find("no such group") == set()
    assert asked["name-keys"] == 0
