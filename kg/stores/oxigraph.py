"""Oxigraph (through pyoxigraph): a persistent store in a folder, or an embedded one in memory.

The folder holds Oxigraph's database (``oxigraph/``) and a manifest (``kg-store.json``) that
says what was loaded and whether a load was cut short. Commands that only read open the
database read-only, so any number of them can run while ``kg load`` writes.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import itertools
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO

import pyoxigraph as ox
from rdflib import XSD, BNode, Graph, Literal, URIRef
from rdflib.term import Identifier, Node

from kg import queries
from kg.errors import QueryError, StoreError
from kg.reading import OX_FORMATS as READ_FORMATS
from kg.reading import _Counting, rdf_format, read_quads  # noqa: F401 - names kept for callers
from kg.stores.base import QueryRows, Store, Triple
from kg.stores.values import with_values

MANIFEST = "kg-store.json"
DATABASE = "oxigraph"
STORE_FORMAT = 2  # 2: the names graph (ckg:nameKey)
OPEN_ATTEMPTS = 5
BATCH = 100_000  # quads per bulk write: about 180 MB at most (a single batch of 1M: 940 MB)
OWL_IMPORTS = ox.NamedNode("http://www.w3.org/2002/07/owl#imports")
_XSD_STRING = str(XSD.string)
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

OX_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
}


# --- terms ------------------------------------------------------------------------------


def to_rdflib(term: Any) -> Node | None:
    """A pyoxigraph term as the rdflib term the memory store would give."""
    try:
        return _CONVERT[type(term)](term)
    except KeyError:
        raise QueryError(f"unsupported term in an answer: {term!r}") from None


def _from_literal(term: ox.Literal) -> Literal:
    language = term.language
    return _literal(term.value, None if language else term.datatype.value, language)


@functools.lru_cache(maxsize=100_000)
def _iri(value: str) -> URIRef:
    """An rdflib URIRef, made once per distinct IRI: answers repeat kinds, statuses,
    sources and the actor asked about, and rdflib checks every IRI it is given."""
    return URIRef(value)


@functools.lru_cache(maxsize=100_000)
def _literal(value: str, datatype: str | None, language: str | None) -> Literal:
    """An rdflib Literal, made once per distinct literal: answers repeat labels, statuses and
    dates, and rdflib parses the value of every typed Literal it makes (3.3 s of a 10 s
    report at 1M triples before this)."""
    if language:
        return Literal(value, lang=language)
    if datatype is None or datatype == _XSD_STRING:
        return Literal(value)
    return Literal(value, datatype=URIRef(datatype))


# By the exact type of the term: one dict lookup instead of a chain of isinstance tests
# (converting the rows of an answer took half the time so).
_CONVERT: dict[type, Callable[[Any], Node | None]] = {
    ox.NamedNode: lambda term: _iri(term.value),
    ox.Literal: _from_literal,
    ox.BlankNode: lambda term: BNode(term.value),
    type(None): lambda _term: None,
}


def triple_to_rdflib(subject: Any, predicate: Any, object_: Any) -> Triple:
    """A pyoxigraph triple's terms as an rdflib triple."""
    s, p, o = to_rdflib(subject), to_rdflib(predicate), to_rdflib(object_)
    assert s is not None and p is not None and o is not None
    return s, p, o


def to_oxigraph(term: Node) -> Any:
    """An rdflib term as a pyoxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None and str(term.datatype) != _RDF_LANG_STRING:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    raise QueryError(f"unsupported term: {term!r}")


def _graph(name: URIRef) -> ox.NamedNode:
    return ox.NamedNode(str(name))


# --- the manifest -------------------------------------------------------------------------


def _write_json(path: Path, content: dict[str, Any]) -> None:
    """Replace ``path`` atomically: a temporary file, fsynced, renamed into place."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(content, out, indent=2)
            out.write("\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def read_manifest(folder: Path) -> dict[str, Any]:
    """The manifest of the store in ``folder``, or StoreError saying why there is none."""
    path = folder / MANIFEST
    if not folder.exists():
        raise StoreError(
            f"{folder}: no such store; create it with `kg load FILES --store {folder}`"
        )
    if not folder.is_dir():
        raise StoreError(f"{folder}: not a folder, so not a store")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StoreError(
            f"{folder}: not a conflict-kg store (no {MANIFEST}); "
            f"create one with `kg load FILES --store {folder}` in an empty or new folder"
        ) from None
    except (OSError, ValueError) as error:
        raise StoreError(f"{path}: cannot be read ({error})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != STORE_FORMAT:
        raise StoreError(
            f"{path}: a store made by another version of kg; load the files again into a new "
            "folder with `kg load`"
        )
    return manifest


# --- the store ----------------------------------------------------------------------------


class OxigraphStore(Store):
    """The three graphs in Oxigraph: in a folder (``path``), or in memory (``path=None``)."""

    kind = "oxigraph"
    concurrent = True  # pyoxigraph evaluates a query without the GIL
    # Oxigraph runs SERVICE itself: off unless the user asks (kg.graph.StoreSpec.connect).
    allow_network = False

    def __init__(self, path: Path | None = None, *, read_only: bool = True) -> None:
        self.path = path
        self.read_only = read_only and path is not None
        if path is None:
            self.store = ox.Store()
            return
        if read_only:
            manifest = read_manifest(path)
            if manifest.get("state") != "ready":
                raise StoreError(
                    f"{path}: a `kg load` into this store was cut short, so it may hold part "
                    "of a file; load the files again with `kg load --replace ... --store` "
                    f"{path}"
                )
        database = path / DATABASE
        if not read_only:
            path.mkdir(parents=True, exist_ok=True)
        # A reader that opens while a writer starts may find the writer deleting old files
        # ("Corruption: ... No such file"): that passes in a moment, so try a few times.
        for attempt in range(OPEN_ATTEMPTS):
            try:
                self.store = (
                    ox.Store.read_only(str(database)) if read_only else ox.Store(str(database))
                )
                return
            except (OSError, RuntimeError) as error:
                reason = str(error).splitlines()[0] if str(error) else type(error).__name__
                if "lock" in reason.lower():
                    raise StoreError(
                        f"{path}: the store cannot be opened (another `kg load` is writing "
                        "to it; try again when it is done)"
                    ) from None
                if attempt + 1 == OPEN_ATTEMPTS:
                    raise StoreError(f"{path}: the store cannot be opened ({reason})") from None
                time.sleep(0.2 * (attempt + 1))

    # -- reading

    def _query(
        self,
        text: str,
        bindings: Mapping[str, Identifier],
        graphs: Sequence[URIRef] | None = None,
    ) -> Any:
        scope: dict[str, Any] = (
            {"use_default_graph_as_union": True}
            if graphs is None
            else {"default_graph": [_graph(g) for g in graphs]}
        )
        try:
            # The canonical text: the one the network check read (kg.queries.guard).
            text = queries.engine_text(text, allow_network=self.allow_network)
            return self.store.query(with_values(text, bindings), prefixes=queries.PREFIXES, **scope)
        except SyntaxError as error:
            raise QueryError(f"Oxigraph cannot parse the query: {error}") from None
        except (OSError, RuntimeError, ValueError) as error:
            raise QueryError(f"Oxigraph: {str(error).splitlines()[0]}") from None

    def select(
        self,
        text: str,
        bindings: Mapping[str, Identifier],
        *,
        max_rows: int | None = None,
        graphs: Sequence[URIRef] | None = None,
    ) -> QueryRows:
        result = self._query(text, bindings, graphs)
        if isinstance(result, ox.QueryBoolean):
            return QueryRows(columns=["ask"], rows=[{"ask": Literal(bool(result))}])
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError("expected a SELECT or ASK query, not CONSTRUCT or DESCRIBE")
        columns = [v.value for v in result.variables]
        rows: list[dict[str, Node | None]] = []
        for solution in result:  # a solution gives its values in the order of the columns
            rows.append(dict(zip(columns, map(to_rdflib, solution), strict=True)))
            if max_rows is not None and len(rows) >= max_rows:
                break
        return QueryRows(columns=columns, rows=rows)

    def construct(self, text: str, bindings: Mapping[str, Identifier]) -> Graph:
        result = self._query(text, bindings)
        if not isinstance(result, ox.QueryTriples):
            raise QueryError("expected a CONSTRUCT or DESCRIBE query")
        graph = Graph()
        for triple in result:
            graph.add(triple_to_rdflib(triple.subject, triple.predicate, triple.object))
        return graph

    def count(self, graph: URIRef) -> int:
        result = self.store.query(
            f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        )
        assert isinstance(result, ox.QuerySolutions)
        return int(next(iter(result))["n"].value)

    def triples(self, graph: URIRef) -> Iterator[Triple]:
        for quad in self.store.quads_for_pattern(None, None, None, _graph(graph)):
            yield triple_to_rdflib(quad.subject, quad.predicate, quad.object)

    def dump(self, graphs: Sequence[URIRef], fmt: str, out: BinaryIO) -> bool:
        """Turtle and N-Triples straight from Oxigraph, one graph after the other (two Turtle
        documents one after the other are one Turtle document)."""
        if fmt not in ("turtle", "nt"):
            return False
        prefixes = dict(queries.PREFIXES) if fmt == "turtle" else None
        for name in graphs:
            self.store.dump(out, OX_FORMATS[fmt], from_graph=_graph(name), prefixes=prefixes)
        return True

    # -- writing

    def _writable(self) -> None:
        if self.read_only:
            raise StoreError(f"{self.path}: opened read-only; only `kg load` writes to a store")

    def add(self, graph: URIRef, triples: Iterable[Triple]) -> int:
        self._writable()
        before = self.count(graph)
        target = _graph(graph)
        quads = (
            ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), target) for s, p, o in triples
        )
        self._bulk(quads)
        return self.count(graph) - before

    def _bulk(self, quads: Iterable[ox.Quad]) -> None:
        iterator = iter(quads)
        while batch := list(itertools.islice(iterator, BATCH)):
            self.store.bulk_extend(batch)

    def insert_constructed(self, graph: URIRef, text: str) -> int:
        """The constructed triples go from Oxigraph to Oxigraph, never through rdflib."""
        self._writable()
        before = self.count(graph)
        target = _graph(graph)
        result = self._query(text, {})
        self._bulk(ox.Quad(t.subject, t.predicate, t.object, target) for t in result)
        return self.count(graph) - before

    def add_folded(
        self, graph: URIRef, text: str, predicate: URIRef, fold: Callable[[str], str]
    ) -> int:
        """As the base method, with Oxigraph's terms throughout: at 1M triples (149k names)
        this took 2.6 s, against 6 s through rdflib terms and back."""
        self._writable()
        before = self.count(graph)
        target, property_ = _graph(graph), ox.NamedNode(str(predicate))
        found = {
            ox.Quad(row["thing"], property_, ox.Literal(fold(row["name"].value)), target)
            for row in self._query(text, {})
            if row["thing"] is not None and isinstance(row["name"], ox.Literal)
        }
        self._bulk(found)
        return self.count(graph) - before

    def update(self, text: str) -> None:
        self._writable()
        self.store.update(text)

    def clear(self, graph: URIRef) -> None:
        self._writable()
        self.store.clear_graph(_graph(graph))

    def load_files(
        self,
        graph: URIRef,
        paths: Sequence[Path],
        *,
        allow_network: bool = False,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        """Bulk-load files already passed by :meth:`check_files` into ``graph``, in batches
        of BATCH quads (one bulk write of 1M quads peaks at 940 MB; batches at 180 MB)."""
        self._writable()
        target = _graph(graph)
        for path in paths:
            quads = read_quads(path, allow_network=allow_network, progress=progress, checked=True)
            self._bulk(ox.Quad(q.subject, q.predicate, q.object, target) for q in quads)
        self.store.flush()

    def optimize(self) -> None:
        """Compact the database after a load: the batches leave many small files, which
        every read must merge (who-backs-whom over 1M triples took 7.8 s before and 6.3 s
        after the 1.5 s this takes)."""
        self._writable()
        self.store.optimize()

    def mark(self, state: str, **details: Any) -> None:
        """Record in the manifest whether the store is being loaded or ready."""
        assert self.path is not None
        path = self.path / MANIFEST
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            manifest = {"format": STORE_FORMAT, "loads": []}
        manifest["state"] = state
        if state == "ready" and details:
            details["at"] = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
            manifest.setdefault("loads", []).append(details)
        if details.get("replace"):
            manifest["loads"] = [details]
        _write_json(path, manifest)

    def close(self) -> None:
        if not self.read_only and self.path is not None:
            self.store.flush()
        del self.store


def _ox_format(path: Path) -> ox.RdfFormat:
    """Oxigraph's format for ``path`` (the reader itself is kg.reading.read_quads)."""
    return READ_FORMATS[rdf_format(path)]
