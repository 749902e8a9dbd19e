"""A SPARQL 1.1 server as a store: queries over the SPARQL 1.1 Protocol, writes over the
Graph Store HTTP Protocol (or SPARQL Update), with the standard library's urllib only.

Written and tested against Virtuoso 7.2.5 (Debian's virtuoso-opensource); any SPARQL 1.1
server should do, minus the Virtuoso-only checks noted below.

**The dataset.** Every query names the three graphs of :mod:`kg.stores.base` as
``default-graph-uri`` and ``named-graph-uri``, so its default graph is their union, ``GRAPH
?g`` sees those three, and nothing else the server holds (Virtuoso keeps system graphs of
its own: ``virtrdf:``, ``owl:``, ...) is seen. A query that names another graph (``GRAPH
<x>``) is refused: Virtuoso would read that graph whatever the dataset says, and with
``named-graph-uri`` answers ``ASK`` true (and COUNT 1) for a graph outside it.

**Bound values.** A server has no bindings API, so bindings go in as a ``VALUES`` block put
first in the query's outermost WHERE group (found by a tokenizer that skips comments,
strings and ``<IRIs>``), each term written by the one guard of :mod:`kg.stores.values`,
with the rules every store applies (absolute IRIs, ECHAR escapes only, BCP 47 tags, no
blank nodes). Queries pass :func:`kg.queries.prepare` first (SERVICE and FROM refused
unless ``allow_network``).

**Prefixes.** The prefixes of :data:`kg.queries.PREFIXES` that a query does not declare
(rdflib has them as ``initNs``) are declared in front of it: Virtuoso's own predeclared
``schema:`` is ``http://schema.org/``, not the ``https://`` this project uses.

**Answers as rdflib terms.** ``uri``, ``bnode``, ``literal`` and Virtuoso's older
``typed-literal`` become URIRef, BNode and Literal; ``xsd:string`` a plain Literal. What
Virtuoso 7.2 does to values, and what comes back:

- xsd:date (with or without a zone), xsd:gYear, xsd:gYearMonth, xsd:dateTime and ill-typed
  values such as ``"15/03/2011"^^xsd:date`` come back as loaded.
- A stored xsd:boolean is sent as ``"1"``/``"0"`` in JSON (``true``/``false`` in XML and
  N-Triples): read as ``"true"``/``"false"``, which is what rdflib makes of any boolean. A
  boolean the query computes (``?a = ?b``, ``isIRI()``, even the constant ``true``) is
  ``"1"^^xsd:integer``: write ``xsd:boolean(...)`` around it to get a boolean.
- xsd:integer comes back in canonical form (``"007"`` as ``"7"``), as rdflib also
  normalises it; an integer beyond 64 bits comes back as **xsd:decimal**, decimals and
  doubles in Virtuoso's canonical form (``"1.50"`` and ``"1.5E0"`` as ``"1.5"``).
- Language tags come back in lower case (``en-GB`` as ``en-gb``); rdflib compares tags
  regardless of case, so the Literals are equal.
- Virtuoso matches literals **by value**: a pattern or a bound ``"2017-07-01"^^xsd:date``
  also matches ``"2017-07"^^xsd:gYearMonth`` and ``"2017-07-01T00:00:00"^^xsd:dateTime``
  (and the answer shows the bound term), ``"2017"^^xsd:gYear`` matches the date
  2017-01-01, 7 matches 7.0e0, true matches 1. No filter tells them apart on the server.
- A string may be cut at a NUL character (U+0000) on its way through a join.

**Partial answers.** Virtuoso's "anytime" queries (the ``timeout`` protocol parameter,
``server_timeout`` here) stop at the time limit and answer HTTP 200 with whatever they had,
flagged only by the header ``X-SQL-State: S1TAT``: a COUNT that is too small, an empty
SELECT, ``ASK`` false. Those (and any HTTP 206) raise PartialResult. A query stopped by the
server's own ``MaxQueryExecutionTime`` gets HTTP 500 ``S1T00 ... SR171: Transaction timed
out`` instead: QueryTimeout. Virtuoso also cuts every answer at ``ResultSetMaxRows`` (10,000
by default) and says so only for SELECT, with a header ``X-SPARQL-MaxRows: N`` sent when the
answer has exactly N rows: that raises PartialResult, unless the query's own LIMIT (or
``max_rows``) is what stopped it. CONSTRUCT, DESCRIBE and the Graph Store's GET are cut at
N + 1 triples with no sign at all; the store asks Virtuoso for N once
(``bif:virtuoso_ini_item_value``, which its anonymous SPARQL user may call) and raises
PartialResult when an answer reaches it. ``triples`` reads a graph in pages below N (an
OFFSET without LIMIT fails past N, SR350; ORDER BY with OFFSET + LIMIT over 10,000 fails,
SR353; so the pages are unordered, and their total is checked against the count).

**Writes.** ``add`` and ``load_file`` POST N-Triples in chunks of ``chunk_triples`` (100,000
by default): Virtuoso's Graph Store deadlocks (SR172) on a single POST of a million triples
after keeping part of them, and its SPARQL compiler runs out of memory on an INSERT DATA of
10,000. Each chunk is one transaction; a failure leaves the chunks before it in the graph.
One Graph Store POST holding both an xsd:date and an xsd:dateTime with a time zone
(``"2017-07-01Z"``, ``"...T10:00:00Z"``), sent to a database that already held the bundled
data, failed with ``COL..: Insert stopped because out of seg data`` and left every later
insert failing the same way until the server was restarted (rdflib drops the zone of a
date when it parses one, so ``add`` never sends it; ``load_file`` sends the file as it is).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import http.client
import json
import os
import re
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import Any, BinaryIO

from rdflib import XSD, BNode, Graph, Literal, URIRef
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Identifier, Node

from kg import queries
from kg.errors import PartialResult, QueryError, QueryTimeout, StoreError, TooBig
from kg.stores import values
from kg.stores.base import GRAPHS, QueryRows, Store, Triple

SPARQL_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
TURTLE = "text/turtle"
RDF_ACCEPT = f"{N_TRIPLES}, {TURTLE};q=0.8, text/plain;q=0.5"
CONTENT_TYPES = {"nt": N_TRIPLES, "ntriples": N_TRIPLES, "turtle": TURTLE, "ttl": TURTLE}

#: Triples per request when adding: about 10 MB of N-Triples.
CHUNK_TRIPLES = 100_000
#: Triples per SPARQL INSERT DATA when there is no Graph Store URL.
UPDATE_CHUNK = 2_000
#: How often a chunk that deadlocked on the server is sent again.
DEADLOCK_RETRIES = 2
#: Rows per page when reading a graph, unless the server's own row limit is lower.
PAGE_ROWS = 100_000
#: Triples per page when writing a graph as Turtle or N-Triples (kg export).
DUMP_TRIPLES = 50_000
#: The largest answer read from the server, in bytes; past it TooBig (exit 10). An answer
#: takes five to eight times its size once converted (a 210 MB answer took 1.2-1.7 GB, and
#: 2.7 GB before its terms were converted while parsed), so the CLI sets this to a
#: sixteenth of its memory ceiling (kg.limits).
MAX_ANSWER_BYTES = 512 << 20
#: Bytes read from the server at a time.
_READ_BYTES = 1 << 20

# rdflib's SPARQL parser (pyparsing) is not safe to run in two threads at once: kg validate
# sends two checks at a time, and a parse then failed now and then with "SPARQL syntax
# error: Param.postParse2() missing 1 required positional argument: 'tokenList'". Queries
# are parsed one at a time; the server still answers two at once.
_PARSING = threading.Lock()

_XSD_STRING = str(XSD.string)
_XSD_BOOLEAN = str(XSD.boolean)
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_NODE_ID = "nodeID://"

# --- RDF terms as SPARQL (and N-Triples) text --------------------------------------------

# Bound values and the IRIs the store writes into queries go through the one guard of
# kg.stores.values; these names stay for code that imported them from here.
sparql_term = values.term
quote_iri = values.iri

_LANGTAG = re.compile(r"[A-Za-z]+(?:-[A-Za-z0-9]+)*")
_BNODE_ID = re.compile(r"[A-Za-z0-9_-]+")
# N-Triples is data, read by the Graph Store's N-Triples parser (or inside INSERT DATA),
# not a bound value: a control character without an ECHAR escape is written as a code point
# escape there, which names no syntax (no quote, backslash or line end), so every reading of
# it gives the same string.
_NT_ECHAR = {
    '"': '\\"',
    "\\": "\\\\",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
}
_NT_NEEDS_ESCAPE = re.compile('["\\\\\x00-\x1f\x7f\ud800-\udfff]')


def _nt_escape(match: re.Match[str]) -> str:
    char = match.group(0)
    if "\ud800" <= char <= "\udfff":
        raise QueryError("a lone surrogate (half of a UTF-16 pair) is not text and cannot be sent")
    return _NT_ECHAR.get(char) or f"\\u{ord(char):04X}"


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
        f"PREFIX {name}: {quote_iri(namespace)}"
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


# --- answers as rdflib terms --------------------------------------------------------------


def term_from_json(value: Mapping[str, Any]) -> Node:
    """A term of a SPARQL JSON answer as the rdflib term the memory store would give."""
    kind = value.get("type")
    text = value.get("value")
    if not isinstance(text, str):
        raise StoreError(f"the server sent a term without a value: {dict(value)!r:.80}")
    if not text.isascii():
        _unicode(text)
    if kind == "uri":
        return URIRef(text)
    if kind == "bnode":
        return BNode(text.removeprefix(_NODE_ID).removeprefix("_:"))
    if kind in ("literal", "typed-literal"):
        lang = value.get("xml:lang") or value.get("lang")
        if lang:
            if not isinstance(lang, str) or not _LANGTAG.fullmatch(lang):
                raise StoreError(f"the server sent a bad language tag {lang!r:.40}")
            return Literal(text, lang=lang)
        datatype = value.get("datatype")
        if datatype is not None and not isinstance(datatype, str):
            raise StoreError(f"the server sent a bad datatype {datatype!r:.40}")
        if isinstance(datatype, str) and not datatype.isascii():
            _unicode(datatype)
        if not datatype or datatype in (_XSD_STRING, _RDF_LANG_STRING):
            return Literal(text)
        if datatype == _XSD_BOOLEAN:  # Virtuoso sends booleans as 1 and 0 in JSON
            text = {"1": "true", "0": "false"}.get(text, text)
        return Literal(text, datatype=URIRef(datatype))
    raise StoreError(f"the server sent a term of unknown type {kind!r:.40}")


def _unicode(text: str) -> None:
    """Refuse text that is not Unicode (a lone surrogate such as ``\\ud800`` from a JSON
    escape): it could be neither printed nor written."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise StoreError(
            f"the server sent a value that is not Unicode text (a lone surrogate): {text!r:.60}"
        ) from None


def _json_terms(found: dict[str, Any]) -> Any:
    """json's object hook: a SPARQL JSON term becomes its rdflib term as soon as it is
    read, so a big answer never exists as Python dicts as well (a 210 MB answer took
    2.7 GB so). A term is an object whose "type" and "value" are both plain strings; a
    row whose variables are named ?type and ?value holds terms there, not strings."""
    if type(found.get("type")) is str and type(found.get("value")) is str:
        return term_from_json(found)
    return found


# --- HTTP ---------------------------------------------------------------------------------


@dataclass
class _Response:
    status: int
    headers: Message
    body: bytes

    def header(self, name: str) -> str | None:
        value = self.headers.get(name)
        return value.strip() if isinstance(value, str) else None


@dataclass
class _Challenge:
    scheme: str  # "basic" or "digest"
    params: dict[str, str] = field(default_factory=dict)
    count: int = 0


def _parse_challenges(values: Sequence[str]) -> list[_Challenge]:
    found: list[_Challenge] = []
    for value in values:
        scheme, _, rest = value.strip().partition(" ")
        params: dict[str, str] = {}
        for item in urllib.request.parse_http_list(rest):
            key, eq, val = item.partition("=")
            if eq:
                params[key.strip().lower()] = val.strip().strip('"')
        found.append(_Challenge(scheme.lower(), params))
    return found


def _first_line(body: bytes) -> str:
    """The first line of a server's error page that says something."""
    text = body.decode("utf-8", errors="replace")
    if m := re.search(r"<xmp>(.*?)</xmp>", text, re.DOTALL | re.IGNORECASE):
        text = m.group(1)
    elif "<" in text and ">" in text:
        text = re.sub(r"<(script|style|head)\b.*?</\1>", " ", text, flags=re.DOTALL | re.I)
        text = re.sub(r"<[^>]*>", "\n", text)
    for line in text.splitlines():
        line = " ".join(line.split())
        if line and not line.lower().startswith(("<!doctype", "http/1")):
            return line[:300]
    return ""


def _read(answer: Any, where: str) -> bytes:
    """The body of an answer, refused (TooBig) past MAX_ANSWER_BYTES."""
    most = MAX_ANSWER_BYTES
    length = answer.headers.get("Content-Length")
    if length and length.strip().isdigit() and int(length) > most:
        raise _too_big(where, most)
    parts: list[bytes] = []
    size = 0
    while part := answer.read(_READ_BYTES):
        size += len(part)
        if size > most:
            raise _too_big(where, most)
        parts.append(part)
    return b"".join(parts)


def _too_big(where: str, most: int) -> TooBig:
    return TooBig(
        f"{where}: the server's answer is larger than {most >> 20} MiB (a sixteenth of "
        "--max-memory); ask for less (a LIMIT, a narrower report) or raise --max-memory"
    )


# An escaped UTF-16 surrogate: not a character (N-Triples and Turtle UCHAR name code points).
# After an even run of backslashes only (``\\uD800`` is a backslash and the text "uD800").
_SURROGATE_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\(?:u|U0000)[dD][89a-fA-F][0-9a-fA-F]{2}")
_HEAD_VARS = re.compile(rb'"head"\s*:\s*\{[^{}]*?"vars"\s*:\s*(\[[^\]]*\])')


def _leading_variables(body: bytes) -> list[str] | None:
    """The variables of a SPARQL JSON answer whose head comes before its results, read
    from its first bytes; None when they are not found there."""
    start = body[:65536]
    results = start.find(b'"results"')
    found = _HEAD_VARS.search(start, 0, results if results >= 0 else len(start))
    if found is None:
        return None
    try:
        names = json.loads(found.group(1))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    return [str(name) for name in names] if isinstance(names, list) else None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect would resend a POST as a GET without its body; report it instead."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class EndpointStore(Store):
    """The three graphs on a SPARQL 1.1 server.

    ``url`` answers queries; ``update_url`` takes SPARQL Update (``clear``, and ``add`` when
    there is no ``gsp_url``); ``gsp_url`` is the Graph Store HTTP Protocol (``add``,
    ``load_file``; Virtuoso's takes ``?graph=`` as the standard says, and also its own
    ``?graph-uri=``). ``user`` and ``password`` answer HTTP Digest or Basic challenges
    (Virtuoso asks Digest on ``/sparql-auth`` and ``/sparql-graph-crud-auth``).

    ``timeout`` is the client's: seconds of silence from the server before the request is
    given up (StoreError). ``server_timeout`` (seconds) is sent as the protocol parameter
    ``timeout`` that Virtuoso reads: it then stops the query itself and the store raises
    PartialResult. ``server_max_rows`` tells the store the server's row limit where it
    cannot ask (not Virtuoso). ``allow_network`` lets SERVICE and FROM through, as for the
    other stores.
    """

    kind = "endpoint"

    def __init__(
        self,
        url: str,
        *,
        update_url: str | None = None,
        gsp_url: str | None = None,
        user: str | None = None,
        password: str | None = None,
        timeout: float = 60.0,
        server_timeout: float | None = None,
        server_max_rows: int | None = None,
        chunk_triples: int = CHUNK_TRIPLES,
        allow_network: bool = False,
    ) -> None:
        self.url = self._check_url(url)
        self.update_url = self._check_url(update_url) if update_url else None
        self.gsp_url = self._check_url(gsp_url) if gsp_url else None
        if (user is None) != (password is None):
            raise StoreError(f"{self.url}: give both a user and a password, or neither")
        self.user = user
        self.password = password
        self.timeout = timeout
        self.server_timeout = server_timeout
        self.chunk_triples = max(1, chunk_triples)
        self.allow_network = allow_network
        self._server_max_rows = server_max_rows
        self._asked_max_rows = server_max_rows is not None
        self._challenges: dict[str, _Challenge] = {}
        self._opener = urllib.request.build_opener(_NoRedirect())

    def __repr__(self) -> str:
        return f"EndpointStore({self.url!r})"

    @staticmethod
    def _check_url(url: str) -> str:
        try:
            parts = urllib.parse.urlsplit(url)
            host = parts.hostname
            credentials = parts.username or parts.password
        except ValueError:  # such as a bad [IPv6] host
            raise StoreError(f"{url[:80]!r} is not a URL") from None
        if credentials:
            raise StoreError(f"{host}: put the user and password in their options, not in the URL")
        if parts.scheme not in ("http", "https") or not host:
            raise StoreError(f"{url[:80]}: not an http:// or https:// URL")
        return url

    # -- HTTP requests ----------------------------------------------------------------------

    @staticmethod
    def _where(url: str) -> str:
        parts = urllib.parse.urlsplit(url)
        return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))

    def _authorization(self, method: str, url: str) -> str | None:
        challenge = self._challenges.get(self._where(url))
        if challenge is None or self.user is None or self.password is None:
            return None
        if challenge.scheme == "basic":
            token = base64.b64encode(f"{self.user}:{self.password}".encode()).decode("ascii")
            return f"Basic {token}"
        params = challenge.params
        algorithm = params.get("algorithm", "MD5")
        name = algorithm.upper().removesuffix("-SESS")
        hashes = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}
        if name not in hashes:
            raise StoreError(f"{self._where(url)}: unsupported digest algorithm {algorithm}")

        def digest(text: str) -> str:
            return hashes[name](text.encode("utf-8")).hexdigest()

        parts = urllib.parse.urlsplit(url)
        uri = parts.path + (f"?{parts.query}" if parts.query else "")
        realm, nonce = params.get("realm", ""), params.get("nonce", "")
        challenge.count += 1
        nc = f"{challenge.count:08x}"
        cnonce = os.urandom(8).hex()
        ha1 = digest(f"{self.user}:{realm}:{self.password}")
        if algorithm.upper().endswith("-SESS"):
            ha1 = digest(f"{ha1}:{nonce}:{cnonce}")
        ha2 = digest(f"{method}:{uri}")
        qops = [q.strip() for q in params.get("qop", "").split(",") if q.strip()]
        fields = {
            "username": self.user,
            "realm": realm,
            "nonce": nonce,
            "uri": uri,
            "algorithm": algorithm,
        }
        if "auth" in qops:
            fields.update(qop="auth", nc=nc, cnonce=cnonce)
            fields["response"] = digest(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}")
        else:
            fields["response"] = digest(f"{ha1}:{nonce}:{ha2}")
        if "opaque" in params:
            fields["opaque"] = params["opaque"]
        unquoted = ("algorithm", "qop", "nc")
        return "Digest " + ", ".join(
            f"{key}={value}" if key in unquoted else f'{key}="{value}"'
            for key, value in fields.items()
        )

    def _learn_challenge(self, url: str, headers: Message) -> bool:
        """Keep the server's Digest (preferred) or Basic challenge; False if it sent none."""
        offered = _parse_challenges(headers.get_all("WWW-Authenticate") or [])
        for scheme in ("digest", "basic"):
            for challenge in offered:
                if challenge.scheme == scheme:
                    self._challenges[self._where(url)] = challenge
                    return True
        return False

    def _open(
        self,
        method: str,
        url: str,
        data: bytes | BinaryIO | None,
        headers: Mapping[str, str],
    ) -> _Response:
        """One request; HTTP errors come back as responses, failures to talk as StoreError."""
        request = urllib.request.Request(url, data=data, method=method, headers=dict(headers))
        if (auth := self._authorization(method, url)) is not None:
            request.add_header("Authorization", auth)
        where = self._where(url)
        try:
            with self._opener.open(request, timeout=self.timeout) as answer:
                return _Response(answer.status, answer.headers, _read(answer, where))
        except urllib.error.HTTPError as error:
            with contextlib.closing(error):
                try:
                    body = error.read(64 << 10)  # an error page: its first line is shown
                except (OSError, http.client.HTTPException):
                    body = b""
                return _Response(error.code, error.headers, body)
        except urllib.error.URLError as error:
            reason = error.reason
            if isinstance(reason, ConnectionRefusedError):
                raise StoreError(f"{where}: connection refused (is the server running?)") from None
            if isinstance(reason, TimeoutError | socket.timeout):
                raise StoreError(f"{where}: no answer within {self.timeout:g} s") from None
            if isinstance(reason, socket.gaierror):
                raise StoreError(f"{where}: unknown host ({reason.strerror})") from None
            text = getattr(reason, "strerror", None) or str(reason)
            raise StoreError(f"{where}: cannot connect ({text})") from None
        except TimeoutError:
            raise StoreError(f"{where}: no answer within {self.timeout:g} s") from None
        except (OSError, http.client.HTTPException) as error:
            text = getattr(error, "strerror", None) or str(error) or type(error).__name__
            raise StoreError(f"{where}: the connection failed ({text})") from None

    def _send(
        self,
        method: str,
        url: str,
        *,
        data: bytes | Path | None = None,
        headers: Mapping[str, str] | None = None,
        allow: Sequence[int] = (),
    ) -> _Response:
        """A request with authentication, answering one challenge; StoreError for an error
        status other than those in ``allow``."""
        headers = dict(headers or {})
        where = self._where(url)
        if isinstance(data, Path) and self.user is not None and where not in self._challenges:
            # A file is sent once: ask for the challenge first, with a HEAD that sends nothing.
            probe = self._open("HEAD", url, None, {})
            if probe.status == 401:
                self._learn_challenge(url, probe.headers)
        for attempt in range(2):
            if isinstance(data, Path):
                try:
                    stream = data.open("rb")
                except OSError as error:
                    raise StoreError(f"{data}: cannot be read ({error.strerror})") from None
                with stream:
                    headers["Content-Length"] = str(os.fstat(stream.fileno()).st_size)
                    response = self._open(method, url, stream, headers)
            else:
                response = self._open(method, url, data, headers)
            if response.status != 401:
                break
            if self.user is None:
                raise StoreError(
                    f"{where}: the server asks for credentials (HTTP 401); give a user and password"
                )
            if attempt == 0 and self._learn_challenge(url, response.headers):
                continue
            raise StoreError(f"{where}: the server refused the user and password (HTTP 401)")
        if response.status >= 300 and response.status not in allow:
            line = _first_line(response.body)
            if re.search(r"\bS1T00\b|\bSR171\b", line):
                raise QueryTimeout(
                    f"{where}: the server stopped the query at its time limit: {line}"
                )
            reason = http.client.responses.get(response.status, "")
            detail = f": {line}" if line else ""
            raise StoreError(f"{where}: HTTP {response.status} {reason}{detail}")
        return response

    def _query(
        self,
        text: str,
        accept: str,
        graphs: Sequence[URIRef] = GRAPHS,
        *,
        anytime: bool = True,
    ) -> _Response:
        """POST a query (form-encoded) with the graphs as its default graph."""
        form: list[tuple[str, str]] = [("query", text)]
        form += [("default-graph-uri", str(g)) for g in graphs]
        form += [("named-graph-uri", str(g)) for g in graphs]  # GRAPH ?g sees these only
        if anytime and self.server_timeout is not None:
            form.append(("timeout", str(max(1, round(self.server_timeout * 1000)))))
        response = self._send(
            "POST",
            self.url,
            data=urllib.parse.urlencode(form).encode("utf-8"),
            headers={
                "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
                "Accept": accept,
            },
        )
        state = response.header("X-SQL-State")
        if response.status == 206 or (state and state.upper().startswith("S1T")):
            why = f"X-SQL-State {state}" if state else "HTTP 206 Partial Content"
            raise PartialResult(
                f"{self._where(self.url)}: the server stopped the query at its time limit and "
                f"sent only part of the answer ({why}); it is not used"
            )
        return response

    def update(self, text: str) -> None:
        """Run a SPARQL 1.1 Update written by kg itself (never one from user input) on
        ``update_url``."""
        self._update(text)

    def _update(self, text: str) -> None:
        if self.update_url is None:
            raise StoreError(f"{self._where(self.url)}: no update URL was given for writes")
        self._send(
            "POST",
            self.update_url,
            data=urllib.parse.urlencode([("update", text)]).encode("utf-8"),
            headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
        )

    def _gsp(self, graph: URIRef) -> str:
        if self.gsp_url is None:
            raise StoreError(f"{self._where(self.url)}: no Graph Store URL was given for writes")
        quote_iri(str(graph))
        separator = "&" if urllib.parse.urlsplit(self.gsp_url).query else "?"
        return f"{self.gsp_url}{separator}{urllib.parse.urlencode({'graph': str(graph)})}"

    @staticmethod
    def _json(response: _Response, where: str) -> dict[str, Any]:
        """The SPARQL JSON answer, its terms already rdflib terms (see _json_terms)."""
        try:
            answer = json.loads(response.body, object_hook=_json_terms)
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            kind = response.header("Content-Type") or "no content type"
            raise StoreError(f"{where}: the answer is not SPARQL JSON ({kind})") from None
        except StoreError as error:
            raise StoreError(f"{where}: {error}") from None
        if not isinstance(answer, dict):
            raise StoreError(f"{where}: the answer is not SPARQL JSON")
        return answer

    # -- the server's row limit -------------------------------------------------------------

    def server_max_rows(self) -> int | None:
        """The most rows (or triples) the server sends in one answer, if it can be known:
        given, or asked of Virtuoso (its ResultSetMaxRows); None otherwise."""
        if not self._asked_max_rows:
            self._asked_max_rows = True
            probe = (
                'SELECT (bif:virtuoso_ini_item_value("SPARQL", "ResultSetMaxRows") AS ?rows) '
                "WHERE { }"
            )
            try:
                answer = self._json(self._query(probe, SPARQL_JSON, anytime=False), self.url)
                value = str(answer["results"]["bindings"][0]["rows"])
                self._server_max_rows = int(value) if int(value) > 0 else None
            except (StoreError, KeyError, IndexError, TypeError, ValueError):
                self._server_max_rows = None  # not Virtuoso, or it has no limit set
        return self._server_max_rows

    def _learn_max_rows(self, response: _Response) -> int | None:
        value = response.header("X-SPARQL-MaxRows")
        if value and value.isdigit():
            self._server_max_rows = int(value)
            self._asked_max_rows = True
            return int(value)
        return None

    # -- queries ----------------------------------------------------------------------------

    def _prepare(
        self,
        text: str,
        bindings: Mapping[str, Identifier],
        graphs: Sequence[URIRef] = GRAPHS,
    ) -> tuple[str, QueryShape]:
        # The server gets the canonical text, the one the network check read.
        text = queries.engine_text(text, allow_network=self.allow_network)
        with _PARSING:
            prepared = queries.prepare(text, allow_network=self.allow_network)  # SERVICE, FROM
        for name in _named_graphs(prepared.algebra):
            if name not in graphs:
                # Virtuoso reads any graph a query names, and with named-graph-uri it answers
                # ASK true (COUNT 1) for a graph outside them: let only the store's through.
                raise QueryError(
                    f"GRAPH <{name}> is not one of the graphs queried "
                    f"({', '.join(f'<{g}>' for g in graphs)})"
                )
        shape = query_shape(text)
        return with_prefixes(with_bindings(text, bindings, shape), shape), shape

    def select(
        self,
        text: str,
        bindings: Mapping[str, Identifier],
        *,
        max_rows: int | None = None,
        graphs: Sequence[URIRef] | None = None,
    ) -> QueryRows:
        """Run a SELECT or ASK query over the union of ``graphs`` (default: all of the
        store's); see the module's notes on partial answers."""
        graphs = tuple(graphs) if graphs is not None else GRAPHS
        query, shape = self._prepare(text, bindings, graphs)
        if shape.form not in ("SELECT", "ASK"):
            raise QueryError(f"expected a SELECT or ASK query, not {shape.form}")
        limit = shape.limit
        if (
            shape.form == "SELECT"
            and max_rows is not None
            and not shape.tail_words & {"LIMIT", "VALUES", "ORDER"}
        ):
            # Not after ORDER BY: Virtuoso refuses a sorted LIMIT over MaxSortedTopRows
            # (10,000 by default: SR353), which an unsorted one, or none, never meets.
            query += f"\nLIMIT {max_rows}"
            limit = max_rows
        response = self._query(query, SPARQL_JSON, graphs)
        where = self._where(self.url)
        if shape.form == "SELECT":
            # The head comes first (in every server's answer seen): a big answer to another
            # query is refused before it is parsed.
            self._check_variables(text, _leading_variables(response.body), where)
        answer = self._json(response, where)
        if shape.form == "ASK":
            if not isinstance(answer.get("boolean"), bool):
                raise StoreError(f"{where}: the answer to an ASK query is not true or false")
            return QueryRows(columns=["ask"], rows=[{"ask": Literal(answer["boolean"])}])
        try:
            columns = [str(v) for v in answer["head"].get("vars", [])]
            found = answer["results"]["bindings"]
        except (KeyError, AttributeError, TypeError):
            raise StoreError(f"{where}: the answer is not SPARQL JSON results") from None
        if not isinstance(found, list):
            raise StoreError(f"{where}: the answer is not SPARQL JSON results")
        self._check_variables(text, columns, where)
        if max_rows is not None and len(found) >= max_rows:
            found = found[:max_rows]  # the first rows are right even if the server cut later
        else:
            server_limit = self._learn_max_rows(response)
            if server_limit is None and self._server_max_rows is not None:
                server_limit = self._server_max_rows
            if (
                server_limit is not None
                and len(found) >= server_limit
                and (limit is None or limit > server_limit)
            ):
                raise PartialResult(
                    f"{where}: the server stopped at its row limit of {server_limit:,} rows "
                    "(Virtuoso's ResultSetMaxRows) and the answer may have more; it is not used"
                )
        rows: list[dict[str, Node | None]] = []
        for number, binding in enumerate(found, start=1):
            if not isinstance(binding, dict):
                raise StoreError(f"{where}: row {number} of the answer is not a JSON object")
            row = {name: binding.get(name) for name in columns}
            for name, value in row.items():
                if value is not None and not isinstance(value, Node):
                    raise StoreError(
                        f"{where}: row {number} of the answer has ?{name} = {value!r:.60}, "
                        "not an RDF term"
                    )
            rows.append(row)
        return QueryRows(columns=columns, rows=rows)

    def _check_variables(self, text: str, columns: list[str] | None, where: str) -> None:
        """Refuse an answer that lacks a variable of the query (None: not known yet)."""
        if columns is None:
            return
        if missing := [name for name in self._projected(text) if name not in columns]:
            raise StoreError(
                f"{where}: the answer lacks the variable(s) "
                f"{', '.join('?' + name for name in missing)} of the query"
            )

    def _projected(self, text: str) -> list[str]:
        """The variables a SELECT query's answer must name (the query is parsed already:
        this is the parser's cache)."""
        with _PARSING:
            prepared = queries.prepare(
                queries.engine_text(text, allow_network=self.allow_network),
                allow_network=self.allow_network,
            )
        return [str(name) for name in prepared.algebra.get("PV") or []]

    def construct(
        self, text: str, bindings: Mapping[str, Identifier], *, max_triples: int | None = None
    ) -> Graph:
        # max_triples: the answer is read whole (it is bounded by MAX_ANSWER_BYTES).
        graph, cut_at = self._construct(text, bindings)
        if cut_at is not None:
            raise PartialResult(
                f"{self._where(self.url)}: the server stopped at its limit of {cut_at:,} "
                f"triples (Virtuoso's ResultSetMaxRows) and the answer may have more; "
                "it is not used"
            )
        return graph

    def _construct(
        self, text: str, bindings: Mapping[str, Identifier], *, anytime: bool = True
    ) -> tuple[Graph, int | None]:
        """Run a CONSTRUCT or DESCRIBE query; return the graph and, if the answer reached the
        server's row limit (so it may be cut), that limit; None when the answer is whole."""
        query, shape = self._prepare(text, bindings)
        if shape.form not in ("CONSTRUCT", "DESCRIBE"):
            raise QueryError(f"expected a CONSTRUCT or DESCRIBE query, not {shape.form}")
        response = self._query(query, RDF_ACCEPT, anytime=anytime)
        graph, sent = self._parse_rdf(response, self._where(self.url))
        limit = self.server_max_rows()
        for prefix, namespace in queries.PREFIXES.items():
            graph.bind(prefix, namespace)
        if limit is not None and sent > limit and (shape.limit is None or shape.limit > limit):
            return graph, limit
        return graph, None

    def insert_constructed(self, graph: URIRef, text: str) -> int:
        """Add to ``graph`` what the CONSTRUCT query ``text`` builds: read with the query,
        then added in chunks as by ``add``.

        A query is read-only, and Virtuoso 7.2 runs it some times faster than the same
        pattern as the WHERE of one ``INSERT { GRAPH <graph> { template } } USING <each
        graph> WHERE { ... }``, which is one transaction: with the 1M-triple synthetic data
        set, the CONSTRUCT of the direct relations (108,048 triples) took 27 s and the
        INSERT more than 120 s, stopped at MaxQueryExecutionTime (SR171, "Transaction timed
        out"); at 100k triples 2.3 s against 20 s. The triples travel twice (about 15 MB
        each way at 1M).

        The update on the server is still used where the answer cannot be used: when it
        reached the server's row limit (Virtuoso's ResultSetMaxRows: it may be cut), or when
        it holds blank nodes (added again they would be new nodes, not the ones the data
        holds). Without an update URL, or for a CONSTRUCT with solution modifiers, as
        CONSTRUCT then ``add`` only."""
        shape = query_shape(text)
        if (
            self.update_url is None
            or shape.form != "CONSTRUCT"
            or shape.template is None
            or shape.group_start is None
            or shape.group_end is None
            or shape.tail_words
        ):
            return super().insert_constructed(graph, text)
        built, cut_at = self._construct(text, {}, anytime=False)
        if cut_at is None and not any(_has_bnode(triple) for triple in built):
            return self.add(graph, built)
        del built
        start, end = shape.template
        using = " ".join(f"USING {quote_iri(str(g))}" for g in GRAPHS)
        using += " " + " ".join(f"USING NAMED {quote_iri(str(g))}" for g in GRAPHS)
        update = (
            f"{text[: shape.form_start]}"
            f"INSERT {{ GRAPH {quote_iri(str(graph))} {{ {text[start:end]} }} }}\n"
            f"{using}\n"
            f"WHERE {{ {text[shape.group_start : shape.group_end]} }}"
        )
        before = self.count(graph)
        self._update(with_prefixes(update, shape))
        return self.count(graph) - before

    @staticmethod
    def _parse_rdf(response: _Response, where: str) -> tuple[Graph, int]:
        """Parse an N-Triples or Turtle answer; also return how many triples were sent."""
        kind = (response.header("Content-Type") or "").split(";")[0].strip().lower()
        fmt = {N_TRIPLES: "nt", "text/plain": "nt", TURTLE: "turtle"}.get(kind)
        if fmt is None:
            raise StoreError(f"{where}: the answer is {kind or 'untyped'}, not N-Triples or Turtle")
        graph = Graph()
        try:
            text = response.body.decode("utf-8")
            if _SURROGATE_ESCAPE.search(text):
                # It would parse, and fail only when printed or written.
                raise StoreError(
                    f"{where}: the server sent a value that is not Unicode text (a lone "
                    "surrogate escaped as \\uD800-\\uDFFF)"
                )
            graph.parse(data=text, format=fmt)
        except StoreError:
            raise
        except Exception as error:  # any parser error: the server sent something broken
            first = str(error).strip().splitlines()[0][:120] if str(error).strip() else ""
            raise StoreError(f"{where}: the answer is not valid {fmt} ({first})") from None
        if fmt == "nt":
            sent = sum(1 for line in text.splitlines() if line.strip() and line[0] != "#")
        else:
            sent = len(graph)
        return graph, sent

    # -- graphs -----------------------------------------------------------------------------

    def count(self, graph: URIRef) -> int:
        response = self._query(
            "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", SPARQL_JSON, [graph], anytime=False
        )
        answer = self._json(response, self._where(self.url))
        try:
            return int(str(answer["results"]["bindings"][0]["n"]))
        except (KeyError, IndexError, TypeError, ValueError):
            raise StoreError(f"{self._where(self.url)}: the count is not a number") from None

    def triples(self, graph: URIRef) -> Iterator[Triple]:
        """Every triple of ``graph``, read in pages (LIMIT/OFFSET) below the server's row
        limit, so no answer is cut. The number read must match the count taken first."""
        expected = self.count(graph)
        page = min(PAGE_ROWS, self.server_max_rows() or PAGE_ROWS)
        offset = 0
        where = self._where(self.url)
        while offset < expected:
            response = self._query(
                f"SELECT ?s ?p ?o WHERE {{ ?s ?p ?o }} LIMIT {page} OFFSET {offset}",
                SPARQL_JSON,
                [graph],
                anytime=False,
            )
            try:
                found = self._json(response, where)["results"]["bindings"]
            except (KeyError, TypeError):
                raise StoreError(f"{where}: the answer is not SPARQL JSON results") from None
            if not found:
                break
            for row in found:
                try:
                    s, p, o = (row[name] for name in ("s", "p", "o"))
                except (KeyError, TypeError):
                    raise StoreError(f"{where}: a row of the graph lacks ?s, ?p or ?o") from None
                if not (
                    isinstance(s, URIRef | BNode) and isinstance(p, URIRef) and isinstance(o, Node)
                ):
                    raise StoreError(f"{where}: a row of the graph is not a triple: {row!r:.80}")
                yield s, p, o
            offset += len(found)
        if offset != expected:
            raise StoreError(
                f"{where}: read {offset:,} triples of <{graph}> where it counted {expected:,} "
                "(did it change while being read?)"
            )

    def dump(self, graphs: Sequence[URIRef], fmt: str, out: BinaryIO) -> bool:
        """Turtle and N-Triples written a page at a time (DUMP_TRIPLES triples in an rdflib
        graph, serialized, then dropped), not the whole dataset in rdflib at once: 1M
        triples took 2.5 GiB so. Two Turtle documents one after the other are one Turtle
        document. Triples with blank nodes are written last, together, so that a node
        written in one page is the same node in another."""
        if fmt not in ("turtle", "nt"):
            return False
        with_blank = Graph()
        for name in graphs:
            page = Graph()
            for triple in self.triples(name):
                (with_blank if _has_bnode(triple) else page).add(triple)
                if len(page) >= DUMP_TRIPLES:
                    _write_page(page, fmt, out)
                    page = Graph()
            _write_page(page, fmt, out)
        _write_page(with_blank, fmt, out)
        return True

    def add(self, graph: URIRef, triples: Iterable[Triple]) -> int:
        """Add ``triples`` in chunks of ``chunk_triples`` (Graph Store POST of N-Triples; SPARQL
        INSERT DATA of ``UPDATE_CHUNK`` triples without a Graph Store URL). A blank node is
        one node only within one request, so the triples with blank nodes go together in the
        last one. Returns how many triples ``graph`` gained. A failure leaves the chunks
        already sent in the graph."""
        before = self.count(graph)
        chunk: list[str] = []
        with_blank: list[str] = []
        writer = NTriplesWriter()
        for triple in triples:
            line = writer.line(triple)
            (with_blank if "_:" in line and _has_bnode(triple) else chunk).append(line)
            if len(chunk) >= self.chunk_triples:
                self._post_lines(graph, chunk)
                chunk = []
        if chunk:
            self._post_lines(graph, chunk)
        if with_blank:
            self._post_lines(graph, with_blank)
        return self.count(graph) - before

    def _post_lines(self, graph: URIRef, lines: Sequence[str]) -> None:
        if self.gsp_url is not None:
            self._post_chunk(graph, "".join(lines).encode("utf-8"))
            return
        # Virtuoso's SPARQL compiler runs out of memory on an INSERT DATA of 10,000 triples.
        for at in range(0, len(lines), UPDATE_CHUNK):
            body = "".join(lines[at : at + UPDATE_CHUNK])
            self._update(f"INSERT DATA {{ GRAPH {quote_iri(str(graph))} {{\n{body}}} }}")

    def _post_chunk(self, graph: URIRef, body: bytes, content_type: str = N_TRIPLES) -> None:
        """POST one chunk to the Graph Store; a deadlock (Virtuoso's SR172, which its
        parallel loader runs into) is tried again: adding the same triples twice adds them
        once."""
        for attempt in range(DEADLOCK_RETRIES + 1):
            try:
                self._send(
                    "POST", self._gsp(graph), data=body, headers={"Content-Type": content_type}
                )
                return
            except StoreError as error:
                if "deadlock" not in str(error).lower() or attempt == DEADLOCK_RETRIES:
                    raise

    def load_file(self, graph: URIRef, path: Path, fmt: str = "nt") -> int:
        """Load an N-Triples or Turtle file into ``graph`` through the Graph Store; return how
        many triples the graph gained.

        N-Triples is read line by line and sent in chunks of ``chunk_triples`` lines (lines
        with blank nodes together in the last one), never whole into memory: Virtuoso's
        Graph Store deadlocks (SR172) on one POST of a million triples, after keeping part
        of them. Turtle cannot be cut between lines, so it is sent whole, streamed from the
        file (convert a big one to N-Triples first). A failure leaves what was sent in the
        graph.
        """
        content_type = CONTENT_TYPES.get(fmt.lower())
        if content_type is None:
            raise StoreError(f"{path}: can load N-Triples (nt) or Turtle (turtle), not {fmt}")
        path = Path(path)
        if not path.is_file():
            raise StoreError(f"{path}: no such file")
        self._gsp(graph)  # refuse at once without a Graph Store URL
        before = self.count(graph)
        if content_type == TURTLE:
            self._send("POST", self._gsp(graph), data=path, headers={"Content-Type": TURTLE})
            return self.count(graph) - before
        chunk: list[bytes] = []
        with_blank: list[bytes] = []
        first = 1
        try:
            with path.open("rb") as stream:
                for number, line in enumerate(stream, start=1):
                    if not line.endswith(b"\n"):
                        line += b"\n"
                    (with_blank if b"_:" in line else chunk).append(line)
                    if len(chunk) >= self.chunk_triples:
                        self._post_file_chunk(graph, path, chunk, first, number)
                        chunk, first = [], number + 1
                if chunk:
                    self._post_file_chunk(graph, path, chunk, first, number)
        except OSError as error:
            raise StoreError(f"{path}: cannot be read ({error.strerror})") from None
        if with_blank:
            self._post_file_chunk(graph, path, with_blank, 0, 0)
        return self.count(graph) - before

    def _post_file_chunk(
        self, graph: URIRef, path: Path, lines: list[bytes], first: int, last: int
    ) -> None:
        try:
            self._post_chunk(graph, b"".join(lines))
        except StoreError as error:
            where = f"lines {first:,}-{last:,}" if first else "the lines with blank nodes"
            raise StoreError(f"{path}, {where}: {error}") from None

    def clear(self, graph: URIRef) -> None:
        if self.update_url is not None:
            self._update(f"CLEAR SILENT GRAPH {quote_iri(str(graph))}")
            return
        self._send("DELETE", self._gsp(graph), allow=(404,))  # 404: no such graph, nothing to do
