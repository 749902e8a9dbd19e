"""The text the endpoint store writes and reads: triples as N-Triples lines for the Graph
Store, and the shape of a SPARQL query (its form, its outermost WHERE group, its LIMIT and
prefixes) found by a tokenizer, so bound values can go in as a VALUES block."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, BinaryIO

from rdflib import XSD, BNode, Graph, Literal, URIRef
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Identifier, Node

from kg import queries
from kg.errors import QueryError, StoreError
from kg.stores import values
from kg.stores.base import Triple

_XSD_STRING = str(XSD.string)
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

# --- RDF terms as N-Triples text ----------------------------------------------------------

_BNODE_ID = re.compile(r"[A-Za-z0-9_-]+")
# N-Triples is data, read by the Graph Store's N-Triples parser (or inside INSERT DATA),
# not a bound value: a control character without an ECHAR escape is written as a code point
# escape there, which names no syntax (no quote, backslash or line end), so every reading of
# it gives the same string.
_NT_NEEDS_ESCAPE = re.compile('["\\\\\x00-\x1f\x7f\ud800-\udfff]')


def _nt_escape(match: re.Match[str]) -> str:
    char = match.group(0)
    if "\ud800" <= char <= "\udfff":
        raise QueryError("a lone surrogate (half of a UTF-16 pair) is not text and cannot be sent")
    return values.ECHAR.get(char) or f"\\u{ord(char):04X}"


def _nt_literal(term: Literal) -> str:
    text = '"' + _NT_NEEDS_ESCAPE.sub(_nt_escape, str(term)) + '"'
    if term.language:
        return f"{text}@{values.language(term.language)}"
    if term.datatype is not None and str(term.datatype) not in (_XSD_STRING, _RDF_LANG_STRING):
        return f"{text}^^{values.iri(str(term.datatype))}"
    return text


def _nt_term(term: Node) -> str:
    if isinstance(term, BNode):
        if not _BNODE_ID.fullmatch(str(term)):
            raise StoreError(f"blank node {str(term)[:40]!r} cannot be written as N-Triples")
        return f"_:{term}"
    if not isinstance(term, Identifier):
        raise StoreError(f"{term!r} cannot be written as N-Triples")
    try:
        if isinstance(term, Literal):
            return _nt_literal(term)
        return values.iri(str(term)) if isinstance(term, URIRef) else values.term(term)
    except QueryError as error:
        raise StoreError(f"cannot write a triple: {error}") from None


class NTriplesWriter:
    """Triples as lines of N-Triples, remembering the text of IRIs already written (the
    same predicates and classes come back on every line)."""

    def __init__(self, remember: int = 200_000) -> None:
        self._iris: dict[str, str] = {}
        self._remember = remember

    def term(self, term: Node) -> str:
        if type(term) is URIRef:
            text = self._iris.get(term)
            if text is None:
                text = _nt_term(term)
                if len(self._iris) < self._remember:
                    self._iris[term] = text
            return text
        return _nt_term(term)

    def line(self, triple: Triple) -> str:
        s, p, o = triple
        return f"{self.term(s)} {self.term(p)} {self.term(o)} .\n"


def _write_page(page: Graph, fmt: str, out: BinaryIO) -> None:
    if len(page):
        for prefix, namespace in queries.PREFIXES.items():
            page.bind(prefix, namespace)
        out.write(page.serialize(format=fmt, encoding="utf-8"))


def _has_bnode(triple: Triple) -> bool:
    return any(isinstance(t, BNode) for t in triple)


def nt_line(triple: Triple) -> str:
    """One triple as a line of N-Triples."""
    return NTriplesWriter(0).line(triple)


# --- SPARQL text: the query form, its outermost WHERE group, its LIMIT --------------------

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
    | (?P<comment>\#[^\n\r]*)
    | (?P<string>'''(?:(?:'|'')?(?:[^'\\]|\\.))*''' | \"\"\"(?:(?:"|"")?(?:[^"\\]|\\.))*\"\"\"
                 | '(?:[^'\\\n\r]|\\.)*' | "(?:[^"\\\n\r]|\\.)*")
    | (?P<iri><[^\x00-\x20<>"{}|^`\\]*>)
    | (?P<var>[?$][\w\u00b7]+)
    | (?P<pname>(?:[^\W\d][\w.\-\u00b7]*)?:(?:[\w.\-:%\u00b7]|\\.)*)
    | (?P<word>[^\W\d]\w*)
    | (?P<number>\d+)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    start: int
    end: int

    @property
    def word(self) -> str:
        return self.text.upper() if self.kind == "word" else ""


def _tokens(text: str) -> list[_Token]:
    found: list[_Token] = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "other"
        if kind not in ("ws", "comment"):
            found.append(_Token(kind, m.group(0), m.start(), m.end()))
    return found


@dataclass(frozen=True)
class QueryShape:
    """What the store needs to know of a query's text."""

    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE
    group_start: int | None  # offset just after the "{" of the outermost WHERE group
    group_end: int | None  # offset of its closing "}"
    short_construct: bool  # CONSTRUCT WHERE { ... }: no group to put VALUES in
    limit: int | None  # the LIMIT after the group, if any
    tail_words: frozenset[str]  # the keywords after the group (LIMIT, OFFSET, VALUES, ...)
    prefixes: frozenset[str]  # the prefixes the query declares
    form_start: int = 0  # offset of the form keyword: the prologue is the text before it
    template: tuple[int, int] | None = None  # CONSTRUCT { ... }: the offsets inside braces


def query_shape(text: str) -> QueryShape:
    """Find the query form, the outermost WHERE group and the solution modifiers after it.

    Comments, strings and <IRIs> are tokens of their own, so a brace or a keyword inside
    them does not count. The group is the first "{" at the top level after the form keyword
    (after a WHERE keyword or not: ``SELECT * {``, ``ASK {``), outside the parentheses of a
    projection such as ``(EXISTS { ... } AS ?e)``; in CONSTRUCT, the first "{" after the
    template.
    """
    tokens = _tokens(text)
    prefixes: set[str] = set()
    form = ""
    i = 0
    while i < len(tokens):
        word = tokens[i].word
        if word == "PREFIX" and i + 1 < len(tokens) and tokens[i + 1].kind == "pname":
            prefixes.add(tokens[i + 1].text.split(":", 1)[0])
        if word in _FORMS:
            form = word
            break
        i += 1
    if not form:
        raise QueryError("not a SPARQL query: no SELECT, ASK, CONSTRUCT or DESCRIBE")
    form_start = tokens[i].start
    i += 1

    def skip_group(at: int) -> int:
        """From the index of a "{", the index of its matching "}" (or the end)."""
        depth = 0
        for j in range(at, len(tokens)):
            if tokens[j].text == "{":
                depth += 1
            elif tokens[j].text == "}":
                depth -= 1
                if depth == 0:
                    return j
        return len(tokens)

    short_construct = False
    template: tuple[int, int] | None = None
    if form == "CONSTRUCT":
        while i < len(tokens) and tokens[i].text != "{" and tokens[i].word != "WHERE":
            i += 1  # FROM <...> clauses
        if i < len(tokens) and tokens[i].word == "WHERE":
            short_construct = True
        elif i < len(tokens):
            end = skip_group(i)
            if end < len(tokens):
                template = (tokens[i].end, tokens[end].start)
            i = end + 1
    parens = 0
    open_at: int | None = None
    while i < len(tokens):
        token = tokens[i]
        if token.text == "(":
            parens += 1
        elif token.text == ")":
            parens -= 1
        elif token.text == "{" and parens <= 0:
            open_at = i
            break
        i += 1
    if open_at is None:
        return QueryShape(
            form, None, None, short_construct, None, frozenset(), frozenset(prefixes), form_start
        )
    close_at = skip_group(open_at)
    tail = tokens[close_at + 1 :]
    limit = None
    for j, token in enumerate(tail[:-1]):
        if token.word == "LIMIT" and tail[j + 1].kind == "number":
            limit = int(tail[j + 1].text)
    group_end = tokens[close_at].start if close_at < len(tokens) else len(text)
    return QueryShape(
        form=form,
        group_start=tokens[open_at].end,
        group_end=group_end,
        short_construct=short_construct,
        limit=limit,
        tail_words=frozenset(t.word for t in tail if t.word),
        prefixes=frozenset(prefixes),
        form_start=form_start,
        template=template,
    )


def values_block(bindings: Mapping[str, Identifier]) -> str:
    """``VALUES (?a ?b) { (<iri> "lit") }`` for the bindings, or "" for none."""
    if not bindings:
        return ""
    names = [values.variable(name) for name in bindings]
    row = " ".join(values.term(value) for value in bindings.values())
    return f"VALUES ({' '.join(names)}) {{ ({row}) }}"


def with_bindings(text: str, bindings: Mapping[str, Identifier], shape: QueryShape) -> str:
    """``text`` with ``bindings`` as a VALUES block first in its outermost WHERE group."""
    block = values_block(bindings)
    if not block:
        return text
    if shape.short_construct:
        raise QueryError(
            "values cannot be bound in the short form CONSTRUCT WHERE { ... }: "
            "write the template out (CONSTRUCT { ... } WHERE { ... })"
        )
    if shape.group_start is None:
        raise QueryError("values cannot be bound: the query has no WHERE group")
    at = shape.group_start
    return f"{text[:at]}\n{block}\n{text[at:]}"


def with_prefixes(text: str, shape: QueryShape) -> str:
    """``text`` with the project's prefixes (kg.queries.PREFIXES) that it does not declare
    itself declared in front, as rdflib has them as initNs."""
    missing = [
        f"PREFIX {name}: {values.iri(namespace)}"
        for name, namespace in queries.PREFIXES.items()
        if name not in shape.prefixes
    ]
    return "\n".join([*missing, text]) if missing else text


def _named_graphs(node: Any) -> Iterator[URIRef]:
    """The IRIs that GRAPH patterns of a parsed query name."""
    if isinstance(node, CompValue):
        if node.name == "Graph" and isinstance(node.get("term"), URIRef):
            yield node["term"]
        for value in node.values():
            yield from _named_graphs(value)
    elif isinstance(node, list | tuple):
        for item in node:
            yield from _named_graphs(item)
