"""rdflib in memory: the default store, with nothing to set up. The reference for answers."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.query import Result, ResultRow
from rdflib.term import Identifier, Node

from kg import queries
from kg.errors import QueryError
from kg.stores import values
from kg.stores.base import GRAPHS, QueryRows, Store, Triple


def _rows(result: Result, max_rows: int | None) -> QueryRows:
    if result.type == "ASK":
        return QueryRows(columns=["ask"], rows=[{"ask": Literal(bool(result.askAnswer))}])
    if result.type != "SELECT":
        raise QueryError(f"expected a SELECT or ASK query, not {result.type}")
    columns = [str(v) for v in (result.vars or [])]
    rows: list[dict[str, Node | None]] = []
    for row in result:
        assert isinstance(row, ResultRow)
        rows.append(dict(zip(columns, row, strict=True)))
        if max_rows is not None and len(rows) >= max_rows:
            break
    return QueryRows(columns=columns, rows=rows)


class MemoryStore(Store):
    """The three graphs in one rdflib Dataset whose default graph is their union."""

    kind = "memory"
    dataset: Dataset

    def __init__(self, *, allow_network: bool = False) -> None:
        import rdflib.plugins.sparql

        # rdflib would fetch the graph named in FROM <...> over the network; never unless
        # asked (and then only while a query of this store runs).
        rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False
        self.dataset = Dataset(default_union=True)
        self.allow_network = allow_network
        for prefix, namespace in queries.PREFIXES.items():
            self.dataset.bind(prefix, namespace)

    def _run(self, text: str, bindings: Mapping[str, Identifier]) -> Result:
        import rdflib.plugins.sparql

        # rdflib binds the terms themselves; the guard's rules still apply, so that a value
        # refused on Oxigraph or a server is refused here too.
        values.check_bindings(bindings)
        prepared = queries.prepare(text, allow_network=self.allow_network)
        rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = self.allow_network
        try:
            return self.dataset.query(prepared, initBindings=dict(bindings))
        finally:
            rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False

    def select(
        self,
        text: str,
        bindings: Mapping[str, Identifier],
        *,
        max_rows: int | None = None,
        graphs: Sequence[URIRef] | None = None,
    ) -> QueryRows:
        if graphs is not None and set(graphs) != set(GRAPHS):
            view = Graph()
            for name in graphs:
                view += self.dataset.graph(name)
            return _rows(view.query(queries.prepare(text)), max_rows)
        return _rows(self._run(text, bindings), max_rows)

    def construct(
        self, text: str, bindings: Mapping[str, Identifier], *, max_triples: int | None = None
    ) -> Graph:
        result = self._run(text, bindings)
        graph = Graph()
        if result.graph is not None:
            graph += result.graph
        return graph

    def add(self, graph: URIRef, triples: Iterable[Triple]) -> int:
        target = self.dataset.graph(graph)
        before = len(target)
        for triple in triples:
            target.add(triple)
        return len(target) - before

    def clear(self, graph: URIRef) -> None:
        self.dataset.graph(graph).remove((None, None, None))

    def count(self, graph: URIRef) -> int:
        return len(self.dataset.graph(graph))

    def triples(self, graph: URIRef) -> Iterator[Triple]:
        yield from self.dataset.graph(graph).triples((None, None, None))

    def update(self, text: str) -> None:
        self.dataset.update(text)

    def drop_overlap(self, graph: URIRef, other: URIRef) -> None:
        # The same as the SPARQL Update, without rdflib's slow evaluation of it.
        mine, theirs = self.dataset.graph(graph), self.dataset.graph(other)
        small, large = (mine, theirs) if len(mine) <= len(theirs) else (theirs, mine)
        for triple in [t for t in small if t in large]:
            mine.remove(triple)
