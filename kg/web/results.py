"""Answers of the SPARQL endpoint in the formats of the SPARQL 1.1 recommendations, chosen
by the request's ``Accept`` header.

Rows (SELECT) as SPARQL 1.1 Query Results JSON, XML, CSV and TSV; a boolean (ASK) as JSON
or XML (the CSV and TSV formats define no boolean); a graph (CONSTRUCT, DESCRIBE) as
Turtle, N-Triples, JSON-LD or RDF/XML. The writers are ours rather than rdflib's result
serializers because rdflib has no TSV writer, and these work on kg's own ``QueryRows``
(from any store) without building an rdflib ``Result`` first.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.stores.base import QueryRows


@dataclass(frozen=True)
class Format:
    """One way to write an answer: its short name (``?format=``), the media types that ask
    for it (the first is the one sent), and what it writes (rows, boolean or graph)."""

    name: str
    media: tuple[str, ...]
    kinds: frozenset[str]

    @property
    def content_type(self) -> str:
        return f"{self.media[0]}; charset=utf-8"


ROWS, BOOLEAN, GRAPH = "rows", "boolean", "graph"

#: In the order preferred when the client accepts any (the first of a kind is the default).
_ANSWER, _GRAPH = frozenset({ROWS, BOOLEAN}), frozenset({GRAPH})
FORMATS = (
    Format("json", ("application/sparql-results+json", "application/json"), _ANSWER),
    Format("xml", ("application/sparql-results+xml", "application/xml", "text/xml"), _ANSWER),
    Format("csv", ("text/csv",), frozenset({ROWS})),
    Format("tsv", ("text/tab-separated-values",), frozenset({ROWS})),
    Format("turtle", ("text/turtle", "application/x-turtle"), _GRAPH),
    Format("nt", ("application/n-triples", "text/plain"), _GRAPH),
    Format("jsonld", ("application/ld+json", "application/json"), _GRAPH),
    Format("rdfxml", ("application/rdf+xml", "application/xml", "text/xml"), _GRAPH),
)
BY_NAME = {f.name: f for f in FORMATS} | {"ttl": FORMATS[4], "ntriples": FORMATS[5]}


def _accepted(header: str) -> list[tuple[str, float, int]]:
    """The media ranges of an Accept header with their quality and position."""
    ranges = []
    for position, part in enumerate(header.split(",")):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if not media:
            continue
        quality = 1.0
        for parameter in pieces[1:]:
            key, _, value = parameter.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = max(0.0, min(1.0, float(value)))
                except ValueError:
                    quality = 0.0
        ranges.append((media, quality, position))
    return ranges


def _quality(media: str, ranges: Sequence[tuple[str, float, int]]) -> tuple[float, int, int]:
    """How much the client wants ``media``: the quality of the most specific range that
    matches it (an exact type over type/*, over */*), then that range's specificity and
    (negated) position, to break ties in the client's own order."""
    kind = media.split("/")[0]
    best: tuple[float, int, int] = (0.0, -1, 0)
    for accepted, quality, position in ranges:
        if accepted == media:
            specific = 2
        elif accepted == f"{kind}/*":
            specific = 1
        elif accepted == "*/*":
            specific = 0
        else:
            continue
        if specific > best[1]:
            best = (quality, specific, -position)
    return best


def negotiate(accept: str | None, kind: str) -> Format | None:
    """The format of ``kind`` (rows, boolean, graph) the Accept header asks for most (its
    default without a header), or None when it accepts none of them (406)."""
    offered = [f for f in FORMATS if kind in f.kinds]
    if not accept or not accept.strip():
        return offered[0]
    ranges = _accepted(accept)
    best: tuple[tuple[float, int, int], int, Format] | None = None
    for rank, fmt in enumerate(offered):
        for media in fmt.media:
            quality = _quality(media, ranges)
            if quality[0] <= 0:
                continue
            key = (quality, -rank, fmt)
            if best is None or key[:2] > best[:2]:
                best = key
    return best[2] if best else None


def offered(kind: str) -> str:
    """The media types of ``kind``, for a 406 message."""
    return ", ".join(f.media[0] for f in FORMATS if kind in f.kinds)


# --- rows -----------------------------------------------------------------------------------


def _json_term(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    assert isinstance(term, Literal)
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype is not None:
        out["datatype"] = str(term.datatype)
    return out


def _xml_term(term: Node) -> str:
    if isinstance(term, URIRef):
        return f"<uri>{escape(str(term))}</uri>"
    if isinstance(term, BNode):
        return f"<bnode>{escape(str(term))}</bnode>"
    assert isinstance(term, Literal)
    attributes = ""
    if term.language:
        attributes = f" xml:lang={quoteattr(term.language)}"
    elif term.datatype is not None:
        attributes = f" datatype={quoteattr(str(term.datatype))}"
    return f"<literal{attributes}>{escape(str(term))}</literal>"


def _csv_term(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _tsv_term(term: Node | None) -> str:
    """A term as SPARQL 1.1 TSV writes it: in Turtle syntax, with tabs and line ends
    escaped (a TSV field holds neither)."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    assert isinstance(term, Literal)
    text = (
        str(term)
        .replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
    )
    if term.language:
        return f'"{text}"@{term.language}'
    if term.datatype is not None:
        return f'"{text}"^^<{term.datatype}>'
    return f'"{text}"'


def write_rows(answer: QueryRows, fmt: Format) -> bytes:
    """The rows of a SELECT in ``fmt`` (json, xml, csv, tsv)."""
    columns, rows = answer.columns, answer.rows
    if fmt.name == "json":
        bindings = [
            {name: _json_term(value) for name, value in row.items() if value is not None}
            for row in rows
        ]
        document = {"head": {"vars": columns}, "results": {"bindings": bindings}}
        return json.dumps(document, ensure_ascii=False).encode("utf-8")
    if fmt.name == "xml":
        parts = [
            '<?xml version="1.0" encoding="utf-8"?>\n'
            '<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>'
        ]
        parts += [f"<variable name={quoteattr(name)}/>" for name in columns]
        parts.append("</head><results>")
        for row in rows:
            parts.append("<result>")
            for name in columns:
                value = row.get(name)
                if value is not None:
                    parts.append(f"<binding name={quoteattr(name)}>{_xml_term(value)}</binding>")
            parts.append("</result>")
        parts.append("</results></sparql>\n")
        return "".join(parts).encode("utf-8")
    buffer = io.StringIO()
    if fmt.name == "csv":
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_csv_term(row.get(name)) for name in columns])
        return buffer.getvalue().encode("utf-8")
    if fmt.name == "tsv":
        lines = ["\t".join(f"?{name}" for name in columns)]
        lines += ["\t".join(_tsv_term(row.get(name)) for name in columns) for row in rows]
        return ("\n".join(lines) + "\n").encode("utf-8")
    raise ValueError(f"{fmt.name} does not write rows")


def write_boolean(value: bool, fmt: Format) -> bytes:
    """The answer of an ASK in ``fmt`` (json, xml)."""
    if fmt.name == "json":
        return json.dumps({"head": {}, "boolean": value}).encode("utf-8")
    if fmt.name == "xml":
        return (
            '<?xml version="1.0" encoding="utf-8"?>\n'
            '<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/>'
            f"<boolean>{'true' if value else 'false'}</boolean></sparql>\n"
        ).encode()
    raise ValueError(f"{fmt.name} does not write a boolean")


_RDFLIB_FORMAT = {"turtle": "turtle", "nt": "nt", "jsonld": "json-ld", "rdfxml": "xml"}


def write_graph(graph: Graph, fmt: Format) -> bytes:
    """A CONSTRUCT or DESCRIBE graph in ``fmt`` (turtle, nt, jsonld, rdfxml)."""
    from kg.queries import PREFIXES

    for prefix, namespace in PREFIXES.items():  # lost on the way from the query's process
        graph.bind(prefix, namespace, override=False)
    options: dict[str, Any] = {}
    if fmt.name == "jsonld":
        # kg's prefixes as the document's own @context: nothing to fetch for a reader
        options["context"] = {p: str(n) for p, n in PREFIXES.items()}
        options["auto_compact"] = True
    data: bytes = graph.serialize(format=_RDFLIB_FORMAT[fmt.name], encoding="utf-8", **options)
    return data
