"""Bound values for engines without a bindings API: a ``VALUES`` block, written from RDF
terms (never from user text), put first in the query's outermost WHERE group.

Only variables that a required pattern of the query matches are ever bound (see
:func:`kg.queries.parse_params`), and for those a VALUES block at the start of the group
means the same as rdflib's ``initBindings``. Oxigraph and Virtuoso also plan it well: the
bound value is where the join starts (0.05 s instead of 36 s for relations.rq with ?to bound
over 1M triples on Oxigraph; ``substitutions`` took 1.7 s there).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from rdflib import BNode, Literal, URIRef
from rdflib.term import Identifier

from kg.errors import QueryError

# The SPARQL grammar's IRIREF: no controls, spaces or <>"{}|^`\ inside the brackets.
_IRIREF = re.compile(r'[^\x00-\x20<>"{}|^`\\]*')
_LANGTAG = re.compile(r"[A-Za-z]+(?:-[A-Za-z0-9]+)*")
_VARNAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
}


def iri(value: str) -> str:
    """``<value>``, or QueryError if the text cannot be an IRI."""
    if not _IRIREF.fullmatch(value):
        raise QueryError(f'{value!r} cannot be bound as an IRI (it holds a space or <>"{{}}|^`\\)')
    return f"<{value}>"


def _string(value: str) -> str:
    out = []
    for ch in value:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def term(value: Identifier) -> str:
    """One RDF term in SPARQL syntax; the only way a bound value becomes query text."""
    if isinstance(value, URIRef):
        return iri(str(value))
    if isinstance(value, Literal):
        text = _string(str(value))
        if value.language:
            if not _LANGTAG.fullmatch(value.language):
                raise QueryError(f"{value.language!r} is not a language tag")
            return f"{text}@{value.language}"
        if value.datatype is not None:
            return f"{text}^^{iri(str(value.datatype))}"
        return text
    if isinstance(value, BNode):
        raise QueryError("a blank node cannot be bound: it names nothing outside its file")
    raise QueryError(f"{value!r} cannot be bound")


def _scan(text: str) -> tuple[str, int]:
    """The query form (SELECT, CONSTRUCT, ASK, DESCRIBE) of ``text``, and the offset just
    after the ``{`` that opens its outermost WHERE group (-1 if it has none).

    Comments, strings and <IRIs> are skipped, so a brace or the word WHERE inside them
    does not count. Without a WHERE keyword (``SELECT * { ... }``, ``ASK { ... }``) the
    first brace opens the group, except in CONSTRUCT, whose first brace opens its template.
    """
    i, n = 0, len(text)
    seen_where = False
    form = ""
    while i < n:
        ch = text[i]
        if ch == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
            continue
        if ch in "\"'":
            long = text.startswith(ch * 3, i)
            quote = ch * 3 if long else ch
            j = i + len(quote)
            while j < n and not text.startswith(quote, j):
                j += 2 if text[j] == "\\" else 1
            i = j + len(quote)
            continue
        if ch == "<":
            m = _IRIREF.match(text, i + 1)
            end = m.end() if m else i + 1
            if end < n and text[end] == ">":  # an IRI; otherwise the operator <
                i = end + 1
                continue
        if ch == "{":
            if seen_where or form != "CONSTRUCT":
                return form, i + 1
            # the template of CONSTRUCT { ... } WHERE { ... }: skip to its end
            depth, i = 1, i + 1
            while i < n and depth:
                depth += {"{": 1, "}": -1}.get(text[i], 0)
                i += 1
            continue
        if ch.isalpha():
            m = _VARNAME.match(text, i)
            assert m is not None
            word = m.group(0).upper()
            if text[i - 1 : i] not in ("?", "$", ":") and not text[m.end() : m.end() + 1] == ":":
                if word == "WHERE":
                    seen_where = True
                elif word in ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE") and not form:
                    form = word
            i = m.end()
            continue
        i += 1
    return form, -1


def query_form(text: str) -> str:
    """SELECT, CONSTRUCT, ASK or DESCRIBE: what ``text`` asks for ("" if none of them)."""
    return _scan(text)[0]


def with_values(text: str, bindings: Mapping[str, Identifier]) -> str:
    """``text`` with ``bindings`` as a VALUES block first in its outermost WHERE group."""
    if not bindings:
        return text
    names = []
    for name in bindings:
        if not _VARNAME.fullmatch(name):
            raise QueryError(f"{name!r} is not a variable name")
        names.append(f"?{name}")
    row = " ".join(term(value) for value in bindings.values())
    at = _scan(text)[1]
    if at < 0:
        raise QueryError("cannot bind values: the query has no WHERE group")
    block = f" VALUES ({' '.join(names)}) {{ ({row}) }} "
    return text[:at] + block + text[at:]
