"""What every store behind :class:`kg.graph.KnowledgeGraph` does.

A store holds four named graphs (the ontology, the instance data, the direct relations
derived from the claims, and the folded names of things) and answers SPARQL over their
union. Queries arrive already checked
by :func:`kg.queries.prepare` (no SERVICE, no FROM unless allowed); user input arrives only as
``bindings``, bound values that the store substitutes as RDF terms, never as text.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.term import Identifier, Node

from kg.named_graphs import DATA_GRAPH as DATA_GRAPH
from kg.named_graphs import DERIVED_GRAPH as DERIVED_GRAPH
from kg.named_graphs import GRAPHS as GRAPHS
from kg.named_graphs import NAMES_GRAPH as NAMES_GRAPH
from kg.named_graphs import ONTOLOGY_GRAPH as ONTOLOGY_GRAPH
from kg.reading import read_quads
from kg.terms import Triple as Triple
from kg.terms import triple_to_rdflib


@dataclass(frozen=True)
class QueryRows:
    """The answer to a SELECT or ASK query: column names and one dict per row (rdflib terms;
    None for an unbound value)."""

    columns: list[str]
    rows: list[dict[str, Node | None]]


class Store(abc.ABC):
    """One place where the three graphs live: rdflib in memory, Oxigraph in a folder, or a
    SPARQL 1.1 server."""

    #: "memory", "oxigraph" or "endpoint": for messages and benchmark tables.
    kind: str = ""
    #: Whether queries may run in threads side by side (the store releases the GIL and is
    #: safe to share): KnowledgeGraph.select_each then runs two at once.
    concurrent: bool = False
    #: The rdflib Dataset that holds the graphs, when the store is rdflib itself (in memory);
    #: None otherwise. Code that needs rdflib's own objects, or may skip work rdflib does
    #: anyway, asks this rather than the store's class.
    dataset: Dataset | None = None

    @abc.abstractmethod
    def select(
        self,
        text: str,
        bindings: Mapping[str, Identifier],
        *,
        max_rows: int | None = None,
        graphs: Sequence[URIRef] | None = None,
    ) -> QueryRows:
        """Run a SELECT or ASK query over the union of the three graphs (or of ``graphs``).
        ``bindings`` maps variable names (without ?) to the RDF terms they are bound to. ASK
        gives one row ``{"ask": Literal(bool)}`` with column ``ask``. With ``max_rows``,
        stop reading after that many rows."""

    @abc.abstractmethod
    def construct(
        self, text: str, bindings: Mapping[str, Identifier], *, max_triples: int | None = None
    ) -> Graph:
        """Run a CONSTRUCT or DESCRIBE query over the union of the three graphs. With
        ``max_triples``, stop reading after that many triples (rdflib builds the whole
        graph first: kg.limits bounds it)."""

    @abc.abstractmethod
    def add(self, graph: URIRef, triples: Iterable[Triple]) -> int:
        """Add ``triples`` to ``graph``; return how many triples the graph gained."""

    @abc.abstractmethod
    def clear(self, graph: URIRef) -> None:
        """Remove every triple of ``graph``."""

    @abc.abstractmethod
    def count(self, graph: URIRef) -> int:
        """How many triples ``graph`` holds."""

    @abc.abstractmethod
    def triples(self, graph: URIRef) -> Iterator[Triple]:
        """Every triple of ``graph`` as rdflib terms."""

    def insert_constructed(self, graph: URIRef, text: str) -> int:
        """Add to ``graph`` what the CONSTRUCT query ``text`` builds; return how many."""
        return self.add(graph, self.construct(text, {}))

    def add_folded(
        self, graph: URIRef, text: str, predicate: URIRef, fold: Callable[[str], str]
    ) -> int:
        """Add ``?thing predicate fold(?name)`` to ``graph`` for every row of the SELECT query
        ``text`` (columns ?thing and ?name): the folded names by which things are found.
        Returns how many triples ``graph`` gained."""
        rows = self.select(text, {}).rows
        return self.add(
            graph,
            {
                (row["thing"], predicate, Literal(fold(str(row["name"]))))
                for row in rows
                if row["thing"] is not None and row["name"] is not None
            },
        )

    def update(self, text: str) -> None:
        """Run a SPARQL 1.1 Update written by kg itself (never one from user input)."""
        raise NotImplementedError(f"the {self.kind} store takes no SPARQL Update")

    def drop_overlap(self, graph: URIRef, other: URIRef) -> None:
        """Remove from ``graph`` the triples that ``other`` holds too, so that the union of
        the graphs holds each triple once (Oxigraph and Virtuoso answer a triple once per
        graph holding it). The smaller graph is read first: the ontology, or the derived
        relations, never the whole data."""
        small, large = (other, graph) if other == GRAPHS[0] else (graph, other)
        self.update(
            f"DELETE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} "
            f"WHERE {{ GRAPH <{small}> {{ ?s ?p ?o }} GRAPH <{large}> {{ ?s ?p ?o }} }}"
        )

    def check_files(
        self,
        paths: Sequence[Path],
        *,
        allow_network: bool = False,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        """Read Turtle, N-Triples, N-Quads, TriG or JSON-LD files once (by
        :func:`kg.reading.read_quads`) without writing anything: DataLoadError for bad
        syntax, NetworkRefused for owl:imports or a remote context unless allowed."""
        for path in paths:
            for _quad in read_quads(path, allow_network=allow_network, progress=progress):
                pass

    def load_files(
        self,
        graph: URIRef,
        paths: Sequence[Path],
        *,
        allow_network: bool = False,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        """Add files already passed by :meth:`check_files` to ``graph``, in bulk."""
        for path in paths:
            quads = read_quads(path, allow_network=allow_network, progress=progress)
            self.add(graph, (triple_to_rdflib(q.subject, q.predicate, q.object) for q in quads))

    def dump(self, graphs: Sequence[URIRef], fmt: str, out: BinaryIO) -> bool:
        """Write ``graphs`` in ``fmt`` (rdflib's format name) to ``out`` natively, if the
        store can do that faster than rdflib; return False to let the caller serialize."""
        return False

    def close(self) -> None:  # noqa: B027 - most stores hold nothing to release
        """Release files, locks or connections."""
