"""The one place that opens a knowledge graph: ontology, data and derived direct relations.

Every command reaches the graph through :class:`KnowledgeGraph`. Reports and statistics ask
it SPARQL (``KnowledgeGraph.select``) instead of walking triples, so the same code runs on
every store behind it (:mod:`kg.stores`): rdflib in memory, Oxigraph in a folder, or a
SPARQL 1.1 server.
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Identifier, Node

from kg import queries, resources
from kg.errors import BadValue, QueryError, StoreError
from kg.names import normalise
from kg.reading import FORMATS, parse_file, rdf_format, read_triples
from kg.stores import values
from kg.stores.base import (
    DATA_GRAPH,
    DERIVED_GRAPH,
    NAMES_GRAPH,
    ONTOLOGY_GRAPH,
    QueryRows,
    Store,
)
from kg.stores.memory import MemoryStore
from kg.stores.values import query_form

NAME_KEY = URIRef("https://w3id.org/conflict-kg/ontology#nameKey")

__all__ = [
    "FORMATS",
    "DATA_GRAPH",
    "DERIVED_GRAPH",
    "ONTOLOGY_GRAPH",
    "KnowledgeGraph",
    "QueryRows",
    "STORE_ENV",
    "StoreSpec",
    "parse_file",
    "rdf_format",
]

# rdflib logs a traceback for every ill-typed literal (such as "15/03/2011"^^xsd:date); the
# shapes report those as violations, so the log is noise for a user.
logging.getLogger("rdflib.term").setLevel(logging.ERROR)


#: The environment variable of each setting of :class:`StoreSpec`, read by the CLI's store
#: options and by :meth:`StoreSpec.from_env` alike.
STORE_ENV: dict[str, str] = {
    "folder": "KG_STORE",
    "endpoint": "KG_ENDPOINT",
    "update_endpoint": "KG_UPDATE_ENDPOINT",
    "store_endpoint": "KG_STORE_ENDPOINT",
    "user": "KG_ENDPOINT_USER",
    "password": "KG_ENDPOINT_PASSWORD",
    "timeout": "KG_ENDPOINT_TIMEOUT",
}


def _timeout(value: Any, variable: str) -> float:
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds > 0):
        raise BadValue(f"{variable}: {value!r} is not a number of seconds above 0")
    return seconds


def _with_values(text: str, variable: str, listed: str) -> str:
    """``text`` with ``VALUES ?variable { listed }`` first in its WHERE clause (``listed``:
    terms written by kg.stores.values.term)."""
    head, found, rest = text.partition("WHERE {")
    if not found:
        raise QueryError(f"no WHERE clause to bind ?{variable} in")
    return f"{head}WHERE {{\n    VALUES ?{variable} {{ {listed} }}{rest}"


@dataclass(frozen=True)
class StoreSpec:
    """Which store holds the graph: rdflib in memory (the default), an Oxigraph folder
    (``folder``), or a SPARQL 1.1 server (``endpoint``, with the URLs and credentials its
    writes and its authentication need)."""

    folder: Path | None = None
    endpoint: str | None = None
    update_endpoint: str | None = None
    store_endpoint: str | None = None
    user: str | None = None
    password: str | None = None
    timeout: float = 60.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **given: Any) -> StoreSpec:
        """The store named by ``given`` settings (the fields of this class), each one not
        given read from its environment variable (:data:`STORE_ENV`) as the CLI does, so
        that Python code opens the store a command would open.

        Raises BadValue for a timeout that is not a positive number, and StoreError when
        both a folder and an endpoint are named."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for name, variable in STORE_ENV.items():
            value = given.get(name)
            if value is None and env.get(variable):
                value = env[variable]
            if value is not None:
                values[name] = value
        if "folder" in values:
            values["folder"] = Path(values["folder"])
        if "timeout" in values:
            values["timeout"] = _timeout(values["timeout"], STORE_ENV["timeout"])
        if "folder" in values and "endpoint" in values:
            raise StoreError(
                "give a store folder or an endpoint, not both "
                f"(--store/{STORE_ENV['folder']}, --endpoint/{STORE_ENV['endpoint']})"
            )
        return cls(**values)

    @property
    def kind(self) -> str:
        """ "memory", "oxigraph" or "endpoint"."""
        if self.endpoint is not None:
            return "endpoint"
        return "oxigraph" if self.folder is not None else "memory"

    def where(self) -> str:
        """The folder or URL, for messages."""
        return str(self.folder) if self.folder is not None else (self.endpoint or "memory")

    def connect(self, *, writable: bool = False, allow_network: bool = False) -> Store:
        """Open the store these settings name."""
        if self.endpoint is not None:
            from kg.stores.endpoint import EndpointStore

            return EndpointStore(
                self.endpoint,
                update_url=self.update_endpoint,
                gsp_url=self.store_endpoint,
                user=self.user,
                password=self.password,
                timeout=self.timeout,
                allow_network=allow_network,
            )
        if self.folder is not None:
            from kg.stores.oxigraph import OxigraphStore

            store = OxigraphStore(self.folder, read_only=not writable)
            store.allow_network = allow_network
            return store
        return MemoryStore(allow_network=allow_network)


class KnowledgeGraph:
    """The ontology, the instance data and the direct relations derived from the claims.

    They are kept as three named graphs in a :class:`~kg.stores.base.Store` (rdflib in
    memory by default; Oxigraph in a folder; or a SPARQL server) whose default graph is
    their union, so queries see everything. A triple is kept in one of the three graphs
    only: data that repeats the ontology, and derived relations that the data already
    states, are not stored twice (Oxigraph and Virtuoso would then answer twice).
    """

    def __init__(self, store: Store | None = None, *, allow_network: bool = False) -> None:
        self.store = store if store is not None else MemoryStore(allow_network=allow_network)
        self.allow_network = allow_network

    @property
    def dataset(self) -> Dataset:
        """The rdflib Dataset of an in-memory graph (for code that needs rdflib itself)."""
        if self.store.dataset is None:
            raise StoreError(f"this needs the in-memory store, not {self.store.kind}")
        return self.store.dataset

    @classmethod
    def open(
        cls,
        data: Sequence[Path] | None = None,
        *,
        add: Sequence[Path] = (),
        derive: bool = True,
        allow_network: bool = False,
        store: StoreSpec | None = None,
    ) -> KnowledgeGraph:
        """Open the ontology with ``data`` (default: the bundled Astana data set) and the
        files in ``add`` on top of it, in memory; or open the persistent ``store`` as it was
        filled by ``kg load`` (files cannot be added to it here).

        Raises DataLoadError (or NetworkRefused) before anything is added if a file would
        not load, so a failed open never leaves a half-filled graph.
        """
        if store is not None and store.kind != "memory":
            if data or add:
                raise StoreError(
                    f"files (and --data, --add) are read into memory, not into the "
                    f"{store.kind} store {store.where()}: put them into it with `kg load`"
                )
            return cls(store.connect(allow_network=allow_network), allow_network=allow_network)
        kg = cls(allow_network=allow_network)
        kg.load(resources.ontology_files(), graph=ONTOLOGY_GRAPH)
        kg.load([*(data or resources.data_files()), *add], graph=DATA_GRAPH)
        if derive:
            kg.derive()
        return kg

    def load(self, paths: Iterable[Path], *, graph: URIRef = DATA_GRAPH) -> int:
        """Read ``paths`` (every triple of every graph of each, by :mod:`kg.reading`) and add
        them to ``graph``; all or nothing. Returns triples added."""
        triples: list[tuple[Node, Node, Node]] = []
        for path in paths:
            triples.extend(read_triples(Path(path), allow_network=self.allow_network))
        added = self.store.add(graph, triples)
        if graph != ONTOLOGY_GRAPH:
            self.store.drop_overlap(graph, ONTOLOGY_GRAPH)
        return added

    def derive(self) -> int:
        """(Re)build the direct relations from the claims by the rule in derive-direct-relations.rq,
        and the folded names of things (ckg:nameKey) by which kg.actors finds them.

        Returns the number of derived relation triples.
        """
        self.store.clear(DERIVED_GRAPH)
        for rule in self._rules():
            self.store.insert_constructed(DERIVED_GRAPH, rule)
        self.store.drop_overlap(DERIVED_GRAPH, DATA_GRAPH)
        self.store.clear(NAMES_GRAPH)
        self.store.add_folded(
            NAMES_GRAPH, queries.named_query("names-to-index").text, NAME_KEY, normalise
        )
        return self.store.count(DERIVED_GRAPH)

    def derive_around(self, subjects: Collection[Node], actors: Collection[Node]) -> bool:
        """Derive again only what a change of the triples of ``subjects`` can change: the
        direct relations of ``actors`` (every node the changed claims pointed at, before or
        after the change) from every claim they fill a role of, and the names of
        ``subjects``. The same graphs as :meth:`derive` (tests/test_validation_scope.py
        compares them); an import of 7 rows into a store of 1M triples spent 24 s deriving
        everything. Returns False, having done nothing, where only :meth:`derive` can: a
        store other than Oxigraph, or a blank node (which a query cannot name)."""
        from kg.stores.oxigraph import OxigraphStore  # here: `import kg` need not load it

        store = self.store
        if not isinstance(store, OxigraphStore) or any(
            isinstance(n, BNode) for n in (*subjects, *actors)
        ):
            return False
        listed = " ".join(values.term(n) for n in actors if not isinstance(n, Literal))
        store.remove_touching(DERIVED_GRAPH, actors)
        for rule in self._rules():
            for variable in ("subject", "object"):
                store.insert_constructed(DERIVED_GRAPH, _with_values(rule, variable, listed))
        for variable in ("s", "o"):
            store.update(
                f"DELETE {{ GRAPH <{DERIVED_GRAPH}> {{ ?s ?p ?o }} }} WHERE {{ "
                f"VALUES ?{variable} {{ {listed} }} "
                f"GRAPH <{DERIVED_GRAPH}> {{ ?s ?p ?o }} GRAPH <{DATA_GRAPH}> {{ ?s ?p ?o }} }}"
            )
        store.remove_touching(NAMES_GRAPH, subjects)
        things = " ".join(values.term(n) for n in subjects)
        names = queries.named_query("names-to-index").text
        store.add_folded(NAMES_GRAPH, _with_values(names, "thing", things), NAME_KEY, normalise)
        return True

    def _rules(self) -> list[str]:
        """The rule of derive-direct-relations.rq as it is run here: whole in memory
        (rdflib: 0.1 s over the bundled data), and in Oxigraph or on a SPARQL server once
        for each row of claim-rules.rq bound (each claim type with its direct property and
        roles; the rule's text says why for Virtuoso). Oxigraph took the rule whole in
        16.2 s over ATOP's 1.5M triples, bound row by row in 5.5 s (3.0 s at 1M synthetic
        triples, 0.3 s on ESD)."""
        text = queries.named_query("derive-direct-relations").text
        if self.store.kind == "memory":
            return [text]
        rows = self.store.select(queries.named_query("claim-rules").text, {}).rows
        return [
            values.with_values(text, {k: row[k] for k in ("type", "direct", "fromRole", "toRole")})
            for row in rows
        ]

    def graph(self, name: URIRef) -> Graph:
        """One of the named graphs (ONTOLOGY_GRAPH, DATA_GRAPH, DERIVED_GRAPH) as an rdflib
        Graph: the live graph in memory, a copy from any other store."""
        if self.store.dataset is not None:
            return self.store.dataset.graph(name)
        graph = Graph()
        for triple in self.store.triples(name):
            graph.add(triple)
        return graph

    def _form(self, query: queries.NamedQuery) -> str:
        """The form of a query (SELECT, CONSTRUCT...), after the safety checks.

        A query the user wrote is parsed by rdflib first (no SERVICE, no FROM unless
        allowed). A bundled query is kg's own (a test in tests/test_cli_query.py checks
        that none reaches the network): on Oxigraph or a server it is not parsed a second time by
        rdflib, which took longer than running it (0.1-0.3 s each, in every new process).
        """
        if query.bundled and self.store.dataset is None:
            return query_form(query.text)
        prepared = queries.prepare(query.text, allow_network=self.allow_network)
        return str(prepared.algebra.name).removesuffix("Query").upper()

    def select(
        self,
        query: queries.NamedQuery | str,
        bindings: Mapping[str, Identifier] | None = None,
    ) -> QueryRows:
        """Run a SELECT or ASK query (a NamedQuery, or a bundled query's name); return its rows."""
        if isinstance(query, str):
            query = queries.named_query(query)
        answer = self.answer(query, bindings)
        if not isinstance(answer, QueryRows):
            raise QueryError(f"{query.name}: expected a SELECT or ASK query, not CONSTRUCT")
        return answer

    def select_each(
        self, asked: Sequence[tuple[str, Mapping[str, Identifier]]]
    ) -> Iterator[tuple[str, QueryRows]]:
        """Several bundled SELECT queries (name, bindings); yields (name, rows) for each, as
        each is answered. On a store that allows it (Oxigraph) two run side by side: the
        two queries of a report on an actor with 4,380 claims at 1M triples took 1.0 s so,
        and 1.6 s one by one. An answer is dropped once the caller has it."""
        if len(asked) < 2 or not self.store.concurrent:
            for name, bindings in asked:
                yield name, self.select(name, bindings)
            return
        from concurrent.futures import ThreadPoolExecutor, as_completed

        with ThreadPoolExecutor(max_workers=2) as pool:
            running = {pool.submit(self.select, name, bindings): name for name, bindings in asked}
            for future in as_completed(running):
                name = running.pop(future)
                yield name, future.result()

    def answer(
        self,
        query: queries.NamedQuery,
        bindings: Mapping[str, Identifier] | None = None,
        *,
        max_rows: int | None = None,
    ) -> QueryRows | Graph:
        """Run any query: rows for SELECT and ASK, a graph for CONSTRUCT and DESCRIBE.

        With ``max_rows``, stop reading the answer after that many rows (or triples).
        """
        if self._form(query) in ("CONSTRUCT", "DESCRIBE"):
            graph = self.store.construct(query.text, dict(bindings or {}), max_triples=max_rows)
            for prefix, namespace in queries.PREFIXES.items():
                graph.bind(prefix, namespace)
            return graph
        return self.store.select(query.text, dict(bindings or {}), max_rows=max_rows)

    def close(self) -> None:
        """Release the store (files, locks, connections)."""
        self.store.close()

    def __len__(self) -> int:
        return sum(self.store.count(g) for g in (ONTOLOGY_GRAPH, DATA_GRAPH, DERIVED_GRAPH))
