"""The one place that opens a knowledge graph: ontology, data and derived direct relations.

Every command reaches the graph through :class:`KnowledgeGraph`. Reports and statistics ask
it SPARQL (``KnowledgeGraph.select``) instead of walking triples, so that another store can
be put behind this class later without touching them.
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

import rdflib.plugins.sparql
from rdflib import OWL, Dataset, Graph, Literal, URIRef
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.query import Result, ResultRow
from rdflib.term import Identifier, Node

from kg import queries, resources
from kg.errors import DataLoadError, NetworkRefused, QueryError

# rdflib would fetch the graph named in FROM <...> over the network; never let it.
rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False

ONTOLOGY_GRAPH = URIRef("urn:conflict-kg:graph:ontology")
DATA_GRAPH = URIRef("urn:conflict-kg:graph:data")
DERIVED_GRAPH = URIRef("urn:conflict-kg:graph:derived")

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
class QueryRows:
    """The answer to a SELECT or ASK query: column names and one dict per row."""

    columns: list[str]
    rows: list[dict[str, Node | None]]


class KnowledgeGraph:
    """The ontology, the instance data and the direct relations derived from the claims.

    The ontology, the data and the derived triples are kept in three named graphs of one
    rdflib Dataset whose default graph is their union, so queries see everything.
    """

    def __init__(self, *, allow_network: bool = False) -> None:
        self.dataset = Dataset(default_union=True)
        self.allow_network = allow_network
        for prefix, namespace in queries.PREFIXES.items():
            self.dataset.bind(prefix, namespace)

    @classmethod
    def open(
        cls,
        data: Sequence[Path] | None = None,
        *,
        add: Sequence[Path] = (),
        derive: bool = True,
        allow_network: bool = False,
    ) -> KnowledgeGraph:
        """Open the ontology with ``data`` (default: the bundled Astana data set) and the
        files in ``add`` on top of it.

        Raises DataLoadError (or NetworkRefused) before anything is added if a file would
        not load, so a failed open never leaves a half-filled graph.
        """
        kg = cls(allow_network=allow_network)
        kg.load(resources.ontology_files(), graph=ONTOLOGY_GRAPH)
        kg.load([*(data or resources.data_files()), *add], graph=DATA_GRAPH)
        if derive:
            kg.derive()
        return kg

    def load(self, paths: Iterable[Path], *, graph: URIRef = DATA_GRAPH) -> int:
        """Parse ``paths`` and add them to ``graph``; all or nothing. Returns triples added."""
        parsed = [parse_file(Path(p), allow_network=self.allow_network) for p in paths]
        target = self.dataset.graph(graph)
        before = len(target)
        for part in parsed:
            if isinstance(part, Dataset):
                for s, p, o, name in part.quads((None, None, None, None)):
                    # A file written by `kg export --format trig` carries the ontology and the
                    # derived relations as graphs of their own: those come from here anyway.
                    if name not in (ONTOLOGY_GRAPH, DERIVED_GRAPH) and getattr(
                        name, "identifier", None
                    ) not in (ONTOLOGY_GRAPH, DERIVED_GRAPH):
                        target.add((s, p, o))
            else:
                target += part
        return len(target) - before

    def derive(self) -> int:
        """(Re)build the direct relations from the claims by the rule in derive-direct-relations.rq.

        Returns the number of derived triples.
        """
        derived = self.dataset.graph(DERIVED_GRAPH)
        derived.remove((None, None, None))
        result = self.run(queries.named_query("derive-direct-relations").text)
        if result.graph is not None:
            for triple in result.graph:
                derived.add(triple)
        return len(derived)

    def graph(self, name: URIRef) -> Graph:
        """One of the named graphs (ONTOLOGY_GRAPH, DATA_GRAPH, DERIVED_GRAPH)."""
        return self.dataset.graph(name)

    def run(self, text: str, bindings: Mapping[str, Identifier] | None = None) -> Result:
        """Run SPARQL ``text`` with ``bindings`` as bound values, after the safety checks."""
        prepared = queries.prepare(text, allow_network=self.allow_network)
        # rdflib fetches the graph a FROM names only when this is on: only if asked.
        rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = self.allow_network
        return self.dataset.query(prepared, initBindings=dict(bindings or {}))

    def select(
        self,
        query: queries.NamedQuery | str,
        bindings: Mapping[str, Identifier] | None = None,
    ) -> QueryRows:
        """Run a SELECT or ASK query (a NamedQuery, or a bundled query's name); return its rows."""
        if isinstance(query, str):
            query = queries.named_query(query)
        return self._rows(query, self.run(query.text, bindings))

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
        result = self.run(query.text, bindings)
        if result.type in ("CONSTRUCT", "DESCRIBE"):
            graph = Graph()
            if result.graph is not None:
                graph += result.graph
            for prefix, namespace in self.dataset.namespaces():
                graph.bind(prefix, namespace)
            return graph
        return self._rows(query, result, max_rows)

    def _rows(
        self, query: queries.NamedQuery, result: Result, max_rows: int | None = None
    ) -> QueryRows:
        if result.type == "ASK":
            return QueryRows(columns=["ask"], rows=[{"ask": Literal(bool(result.askAnswer))}])
        if result.type != "SELECT":
            raise QueryError(f"{query.name}: expected a SELECT or ASK query, not {result.type}")
        columns = [str(v) for v in (result.vars or [])]
        rows: list[dict[str, Node | None]] = []
        for row in result:
            assert isinstance(row, ResultRow)
            rows.append(dict(zip(columns, row, strict=True)))
            if max_rows is not None and len(rows) >= max_rows:
                break
        return QueryRows(columns=columns, rows=rows)

    def __len__(self) -> int:
        return sum(len(self.dataset.graph(g)) for g in (ONTOLOGY_GRAPH, DATA_GRAPH, DERIVED_GRAPH))
