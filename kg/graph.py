"""The one place that opens a knowledge graph: ontology, data and derived direct relations.

Every command reaches the graph through :class:`KnowledgeGraph`. Reports and statistics ask
it SPARQL (``KnowledgeGraph.select``) instead of walking triples, so the same code runs on
every store behind it (:mod:`kg.stores`): rdflib in memory, Oxigraph in a folder, or a
SPARQL 1.1 server.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import OWL, Dataset, Graph, Literal, URIRef
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.term import Identifier, Node

from kg import queries, resources
from kg.errors import DataLoadError, NetworkRefused, QueryError, StoreError
from kg.names import normalise
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
    "DATA_GRAPH",
    "DERIVED_GRAPH",
    "ONTOLOGY_GRAPH",
    "KnowledgeGraph",
    "QueryRows",
    "StoreSpec",
    "parse_file",
]

# The format of a file comes from its extension.
FORMATS: dict[str, str] = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".nt": "nt",
    ".ntriples": "nt",
    ".nq": "nquads",
    ".trig": "trig",
    ".jsonld": "json-ld",
    ".json": "json-ld",
}

# rdflib logs a traceback for every ill-typed literal (such as "15/03/2011"^^xsd:date); the
# shapes report those as violations, so the log is noise for a user.
logging.getLogger("rdflib.term").setLevel(logging.ERROR)


def rdf_format(path: Path) -> str:
    """Return rdflib's name for the format of ``path``, from its extension."""
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        known = ", ".join(sorted(FORMATS))
        raise DataLoadError(
            f"{path}: unknown file extension {path.suffix!r} (known: {known})"
        ) from None


def _refuse_remote_contexts(path: Path, text: str) -> None:
    """Refuse JSON-LD whose @context (or @import) names a document to fetch."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise DataLoadError(f"{path}, line {error.lineno}: not valid JSON ({error.msg})") from None

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("@context", "@import"):
                    for item in value if isinstance(value, list) else [value]:
                        if isinstance(item, str):
                            raise NetworkRefused(
                                f"{path}: JSON-LD {key} {item!r} would be fetched; "
                                "inline the context, or pass --allow-network"
                            )
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(document)


# Deeply nested blank nodes ("[ :p [ :p [ ... ] ] ]") make rdflib's parsers recurse; give
# them room for ordinary depths, and turn anything deeper into a clear error.
PARSE_RECURSION_LIMIT = 20_000
_SURROGATE = re.compile("[\ud800-\udfff]")


@contextlib.contextmanager
def _recursion_limit(limit: int) -> Iterator[None]:
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous, limit))
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)


def _statements(graph: Graph) -> Iterator[tuple[Node, Node, Node]]:
    """Every triple of a graph, or of every graph of a dataset (TriG, N-Quads)."""
    if isinstance(graph, Dataset):
        for s, p, o, _name in graph.quads((None, None, None, None)):
            yield s, p, o
    else:
        yield from graph.triples((None, None, None))


def _refuse_lone_surrogates(path: Path, graph: Graph) -> None:
    """A lone surrogate (from an escape such as \\uD800) is not Unicode: no output could
    be written with it, so refuse it where it comes in."""
    for triple in _statements(graph):
        for term in triple:
            if isinstance(term, Literal | URIRef) and _SURROGATE.search(term):
                where = term.n3().encode("utf-8", "backslashreplace").decode("ascii")[:60]
                raise DataLoadError(
                    f"{path}: a lone surrogate (an escape like \\uD800 without its pair) "
                    f"is not valid Unicode, in {where}"
                )


def parse_file(path: Path, *, allow_network: bool = False) -> Graph:
    """Parse one RDF file into a new graph, or raise DataLoadError naming file and line."""
    if path.suffix.lower() in (".rdf", ".xml", ".owl"):
        raise DataLoadError(
            f"{path}: RDF/XML is not read (an XML parser may expand entities or fetch DTDs); "
            "convert it to Turtle first"
        )
    fmt = rdf_format(path)
    if path.exists() and not path.is_dir() and not path.is_file():
        raise DataLoadError(f"{path}: not a regular file (a device, pipe or socket)")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataLoadError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DataLoadError(f"{path}: is a folder, not a file") from None
    except UnicodeDecodeError as error:
        raise DataLoadError(f"{path}: not UTF-8 text (byte {error.start})") from None
    except OSError as error:
        raise DataLoadError(f"{path}: cannot be read ({error.strerror})") from None
    if fmt == "json-ld" and not allow_network:
        _refuse_remote_contexts(path, text)
    graph = Graph() if fmt not in ("trig", "nquads") else Dataset()
    try:
        with _recursion_limit(PARSE_RECURSION_LIMIT):
            graph.parse(data=text, format=fmt, publicID=path.resolve().as_uri())
    except RecursionError:
        raise DataLoadError(f"{path}: nested too deeply to parse (blank nodes or lists)") from None
    except BadSyntax as error:
        why = getattr(error, "_why", str(error))
        raise DataLoadError(f"{path}, line {error.lines + 1}: bad syntax ({why})") from None
    except IndexError:  # rdflib's Turtle parser runs off the end of a truncated statement
        raise DataLoadError(f"{path}: not valid {fmt} (the file ends inside a statement)") from None
    except Exception as error:  # whatever else the parser raises, the file is at fault
        message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise DataLoadError(f"{path}: not valid {fmt} ({message})") from None
    _refuse_lone_surrogates(path, graph)
    imports = sorted({str(o) for _s, p, o in _statements(graph) if p == OWL.imports})
    if imports and not allow_network:
        raise NetworkRefused(
            f"{path}: owl:imports <{imports[0]}> would fetch another document and is refused; "
            "load that file with --data instead, or pass --allow-network to follow it"
        )
    for iri in imports:
        _follow_import(path, graph, iri)
    return graph


def _follow_import(path: Path, graph: Graph, iri: str) -> None:
    """Fetch one owl:imports document (only with --allow-network)."""
    try:
        graph.parse(iri)
    except Exception as error:  # any network or parse failure of a document we fetched
        raise DataLoadError(f"{path}: owl:imports <{iri}> could not be loaded ({error})") from None


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
        if not isinstance(self.store, MemoryStore):
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
        """Parse ``paths`` and add them to ``graph``; all or nothing. Returns triples added."""
        parsed = [parse_file(Path(p), allow_network=self.allow_network) for p in paths]
        triples: list[tuple[Node, Node, Node]] = []
        for part in parsed:
            if isinstance(part, Dataset):
                for s, p, o, name in part.quads((None, None, None, None)):
                    # A file written by `kg export --format trig` carries the ontology and the
                    # derived relations as graphs of their own: those come from here anyway.
                    if name not in (ONTOLOGY_GRAPH, DERIVED_GRAPH) and getattr(
                        name, "identifier", None
                    ) not in (ONTOLOGY_GRAPH, DERIVED_GRAPH):
                        triples.append((s, p, o))
            else:
                triples.extend(part.triples((None, None, None)))
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
        self.store.insert_constructed(
            DERIVED_GRAPH, queries.named_query("derive-direct-relations").text
        )
        self.store.drop_overlap(DERIVED_GRAPH, DATA_GRAPH)
        self.store.clear(NAMES_GRAPH)
        self.store.add_folded(
            NAMES_GRAPH, queries.named_query("names-to-index").text, NAME_KEY, normalise
        )
        return self.store.count(DERIVED_GRAPH)

    def graph(self, name: URIRef) -> Graph:
        """One of the named graphs (ONTOLOGY_GRAPH, DATA_GRAPH, DERIVED_GRAPH) as an rdflib
        Graph: the live graph in memory, a copy from any other store."""
        if isinstance(self.store, MemoryStore):
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
        if query.bundled and not isinstance(self.store, MemoryStore):
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

        With ``max_rows``, stop reading a SELECT answer after that many rows.
        """
        if self._form(query) in ("CONSTRUCT", "DESCRIBE"):
            graph = self.store.construct(query.text, dict(bindings or {}))
            for prefix, namespace in queries.PREFIXES.items():
                graph.bind(prefix, namespace)
            return graph
        return self.store.select(query.text, dict(bindings or {}), max_rows=max_rows)

    def close(self) -> None:
        """Release the store (files, locks, connections)."""
        self.store.close()

    def __len__(self) -> int:
        return sum(self.store.count(g) for g in (ONTOLOGY_GRAPH, DATA_GRAPH, DERIVED_GRAPH))
