"""The one guard for bound values: :func:`term` turns an RDF term into the SPARQL text of a
bound value, with the same rules on every store, and :func:`with_values` puts such terms in
a ``VALUES`` block first in the query's outermost WHERE group, for engines without a
bindings API (Oxigraph here, SPARQL servers in :mod:`kg.stores.endpoint`). The memory store
binds with rdflib's ``initBindings`` and calls :func:`term` only for its rules, so the same
value gets the same answer (or the same refusal) on every store.

The rules, each refused with a one-line QueryError:

- IRIs are absolute (``scheme:...``), with no character outside the grammar's IRIREF
  (controls, space, ``<>"{}|^`\\``), no DEL or C1 control and no lone surrogate.
- Literals: ``"``, ``\\``, line feed and carriage return are written as ECHAR escapes, tab,
  backspace and form feed too; any other control character is refused, and so is a
  backslash followed by ``u`` or ``U`` and four hex digits, since rdflib expands ``\\u``
  escapes in the whole text before parsing and Oxigraph only inside strings
  (:mod:`kg.queries.guard`): the output never holds a code point escape, so no parser reads
  a bound value two ways.
- Language tags have the shape of BCP 47 (letters, then subtags of letters and digits, each
  of one to eight characters); datatypes are absolute IRIs; ``xsd:string`` is left out, as
  it is the same term in RDF 1.1.
- Blank nodes are refused: they name nothing outside the file or answer they came from.
- Lone surrogates (half a UTF-16 pair, from bytes that were not UTF-8) are not text.

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

from kg.errors import QueryError

# The SPARQL grammar's IRIREF: no controls, spaces or <>"{}|^`\ inside the brackets.
_IRIREF = re.compile(r'[^\x00-\x20<>"{}|^`\\]*')
# An absolute IRI that every parser reads as one: a scheme, then IRIREF's characters without
# DEL, C1 controls or lone surrogates.
_ABSOLUTE_IRI = re.compile(r'[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>"{}|^`\\\x7f-\x9f\ud800-\udfff]*')
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_LANGTAG = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")
_VARNAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
ECHAR = {  # SPARQL's and N-Triples' escapes of one character
    '"': '\\"',
    "\\": "\\\\",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
}
_NEEDS_CARE = re.compile('["\\\\\x00-\x1f\x7f-\x9f\ud800-\udfff]')
# What rdflib would read as a code point escape in the text it is given.
_CODEPOINT_LOOKALIKE = re.compile(r"\\[uU][0-9A-Fa-f]{4}")
_NO_STRING = frozenset({"http://www.w3.org/2001/XMLSchema#string"})
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def _shown(text: str) -> str:
    """``text`` (cut short) on one line of ASCII, for an error message."""
    cut = text if len(text) <= 60 else text[:60] + "..."
    return "'" + cut.encode("unicode_escape", "backslashreplace").decode("ascii") + "'"


def iri(value: str) -> str:
    """``<value>`` for an absolute IRI that every SPARQL parser reads as the same IRI, or
    QueryError."""
    if _ABSOLUTE_IRI.fullmatch(value):
        return f"<{value}>"
    if not _SCHEME.match(value):
        raise QueryError(
            f"{_shown(value)} cannot be bound: not an absolute IRI (write scheme:..., "
            "such as https://...)"
        )
    raise QueryError(
        f"{_shown(value)} cannot be bound as an IRI: it holds a space, a control character, "
        'a lone surrogate or one of <>"{}|^`\\'
    )


def _escape(match: re.Match[str]) -> str:
    char = match.group(0)
    if char in ECHAR:
        return ECHAR[char]
    if "\ud800" <= char <= "\udfff":
        raise QueryError("a lone surrogate (half of a UTF-16 pair) is not text and cannot be bound")
    raise QueryError(
        f"the control character U+{ord(char):04X} cannot be bound in a string (SPARQL has "
        "no escape for it that every parser reads the same way)"
    )


def string(value: str) -> str:
    """``value`` as a SPARQL string in double quotes, written with ECHAR escapes only, or
    QueryError (see the module's rules)."""
    written = '"' + _NEEDS_CARE.sub(_escape, value) + '"'
    if _CODEPOINT_LOOKALIKE.search(written):
        raise QueryError(
            f"{_shown(value)} cannot be bound: it holds a backslash followed by u and hex "
            "digits, which SPARQL parsers read in two ways"
        )
    return written


def language(tag: str) -> str:
    """``tag`` if it has the shape of a BCP 47 language tag, else QueryError."""
    if not _LANGTAG.fullmatch(tag):
        raise QueryError(f"{_shown(tag)} cannot be bound: not a language tag (such as en-GB)")
    return tag


def term(value: object) -> str:
    """One RDF term as the SPARQL text of a bound value: the only way a bound value becomes
    query text, on every store; QueryError with a one-line message if it breaks a rule."""
    if isinstance(value, URIRef):
        return iri(str(value))
    if isinstance(value, Literal):
        text = string(str(value))
        if value.language:
            return f"{text}@{language(value.language)}"
        datatype = value.datatype
        if datatype is not None and str(datatype) not in _NO_STRING:
            if str(datatype) == _LANG_STRING:
                raise QueryError(f"{text[:60]} cannot be bound: rdf:langString needs a tag")
            return f"{text}^^{iri(str(datatype))}"
        return text
    if isinstance(value, BNode):
        raise QueryError(
            f"the blank node _:{_shown(str(value))[1:-1]} cannot be bound: it names nothing "
            "outside the file or answer it came from"
        )
    raise QueryError(f"{_shown(repr(value))} cannot be bound (only IRIs and literals)")


def check_bindings(bindings: Mapping[str, object]) -> None:
    """Apply the rules of :func:`term` and of variable names to ``bindings``, for a store
    that binds terms itself (rdflib's initBindings) and needs no text."""
    for name, value in bindings.items():
        variable(name)
        term(value)


def variable(name: str) -> str:
    """``?name`` for a variable name that can be bound, else QueryError."""
    if not _VARNAME.fullmatch(name):
        raise QueryError(f"{_shown(name)} is not a variable name that can be bound")
    return f"?{name}"


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


def with_values(text: str, bindings: Mapping[str, object]) -> str:
    """``text`` with ``bindings`` as a VALUES block first in its outermost WHERE group."""
    if not bindings:
        return text
    names = [variable(name) for name in bindings]
    row = " ".join(term(value) for value in bindings.values())
    at = _scan(text)[1]
    if at < 0:
        raise QueryError("cannot bind values: the query has no WHERE group")
    block = f" VALUES ({' '.join(names)}) {{ ({row}) }} "
    return text[:at] + block + text[at:]
