"""Reading a graph from a SPARQL server page by page: Virtuoso 7.2.5 gave overlapping pages
(a triple twice, another never) with the right count, which passed as the whole graph."""

from __future__ import annotations

from typing import Any

import pytest
from rdflib import Literal, URIRef

from kg.errors import StoreError
from kg.stores.endpoint import EndpointStore

GRAPH = URIRef("urn:test:graph")


def _rows(numbers: list[int]) -> list[dict[str, Any]]:
    return [{"s": URIRef(f"urn:s{n}"), "p": URIRef("urn:p"), "o": Literal(n)} for n in numbers]


def _server(pages: list[list[int]], monkeypatch: pytest.MonkeyPatch) -> EndpointStore:
    store = EndpointStore("http://127.0.0.1:9/sparql")  # never reached: answers are faked
    answers = iter(pages)
    monkeypatch.setattr(store, "count", lambda graph: sum(len(p) for p in pages))
    monkeypatch.setattr(store, "server_max_rows", lambda: 2)
    monkeypatch.setattr(store, "_query", lambda *args, **kwargs: next(answers))
    monkeypatch.setattr(
        store, "_json", lambda numbers, where: {"results": {"bindings": _rows(numbers)}}
    )
    return store


def test_pages_that_give_each_triple_once_are_the_graph(monkeypatch: pytest.MonkeyPatch) -> None:
    store = _server([[1, 2], [3, 4], [5]], monkeypatch)
    assert [int(o) for _s, _p, o in store.triples(GRAPH)] == [1, 2, 3, 4, 5]  # type: ignore[call-overload]


def test_overlapping_pages_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    # Five counted, five read, but triple 3 twice and triple 4 never.
    store = _server([[1, 2], [3, 3], [5]], monkeypatch)
    with pytest.raises(StoreError, match=r"twice while it was read page by page"):
        list(store.triples(GRAPH))
