"""RDF terms between rdflib and pyoxigraph, converted one way for every store and reader.

The Oxigraph store, the file reader (which parses with Oxigraph's parsers and gives the
memory store rdflib terms) and the SHACL compiler all cross between the two libraries; the
conversion lives here, below all three, so that a literal comes out the same whichever
way it came in.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import pyoxigraph as ox
from rdflib import XSD, BNode, Literal, URIRef
from rdflib.term import Node

from kg.errors import QueryError

Triple = tuple[Node, Node, Node]

_XSD_STRING = str(XSD.string)
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


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
