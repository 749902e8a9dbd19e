"""The one guard for bound values (kg.stores.values.term): each rule, the same refusal on
every store's query path, and no code point escape in anything it writes."""

from __future__ import annotations

import re

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.term import Identifier

from kg.errors import QueryError
from kg.stores.endpoint import query_shape, sparql_term, with_bindings
from kg.stores.memory import MemoryStore
from kg.stores.oxigraph import OxigraphStore
from kg.stores.values import term, with_values

XSD = "http://www.w3.org/2001/XMLSchema#"
CODEPOINT_ESCAPE = re.compile(r"\\[uU]")

WRITTEN = [
    (
        URIRef("https://w3id.org/conflict-kg/id/türkiye"),
        "<https://w3id.org/conflict-kg/id/türkiye>",
    ),
    (URIRef("urn:x:1"), "<urn:x:1>"),
    (Literal("plain"), '"plain"'),
    (Literal('q"b\\n\nr\rt\tb\bf\f'), '"q\\"b\\\\n\\nr\\rt\\tb\\bf\\f"'),
    (Literal("x", lang="en-GB"), '"x"@en-GB'),
    (Literal("x", lang="zh-Hant-TW"), '"x"@zh-Hant-TW'),
    (Literal(5), f'"5"^^<{XSD}integer>'),
    (Literal("a", datatype=URIRef(XSD + "string")), '"a"'),  # the same term in RDF 1.1
    (Literal("بشار الأسد", lang="ar"), '"بشار الأسد"@ar'),
    (Literal("line\u2028sep 😀"), '"line\u2028sep 😀"'),
    (Literal("\\uZZZZ and \\u12"), '"\\\\uZZZZ and \\\\u12"'),  # not hex digits: no escape
]


@pytest.mark.parametrize(("value", "written"), WRITTEN)
def test_what_the_guard_writes(value: Identifier, written: str) -> None:
    assert term(value) == written
    assert sparql_term(value) == written  # the endpoint's name is the same function
    assert not re.search(r"\\[uU][0-9A-Fa-f]{4}", written)


def _literal_with_tag(tag: str) -> Literal:
    literal = Literal("x")
    literal._language = tag  # rdflib checks tags too; this one got past it
    return literal


REFUSED = [
    (URIRef("relative/iri"), "absolute IRI"),
    (URIRef(""), "absolute IRI"),
    (URIRef("#frag"), "absolute IRI"),
    (URIRef("http://ex/a b"), "as an IRI"),
    (URIRef("http://ex/> . } DROP ALL #"), "as an IRI"),
    (URIRef('http://ex/"a'), "as an IRI"),
    (URIRef("http://ex/{a}|^`"), "as an IRI"),
    (URIRef("http://ex/a\\u0022"), "as an IRI"),
    (URIRef("http://ex/a\nb"), "as an IRI"),
    (URIRef("http://ex/a\x7fb"), "as an IRI"),
    (URIRef("http://ex/a\x85b"), "as an IRI"),
    (URIRef("http://ex/a\ud800"), "as an IRI"),
    (Literal("\\u0022"), "backslash followed by u"),
    (Literal('A\\u005C" } ; DROP ALL #'), "backslash followed by u"),
    (Literal("\\U00000022"), "backslash followed by u"),
    (Literal("\\\\u0041"), "backslash followed by u"),
    (Literal("nul \x00"), "U\\+0000"),
    (Literal("c \x01"), "U\\+0001"),
    (Literal("c \x1f"), "U\\+001F"),
    (Literal("del \x7f"), "U\\+007F"),
    (Literal("c1 \x85"), "U\\+0085"),
    (Literal("half \ud83d"), "lone surrogate"),
    (Literal("x", datatype=URIRef("integer")), "absolute IRI"),
    (Literal("x", datatype=URIRef("http://ex/a>b")), "as an IRI"),
    (_literal_with_tag("en } DROP"), "language tag"),
    (_literal_with_tag("en\n"), "language tag"),
    (_literal_with_tag("en-"), "language tag"),
    (_literal_with_tag("-en"), "language tag"),
    (_literal_with_tag("toolongtag"), "language tag"),
    (_literal_with_tag("en-abcdefghi"), "language tag"),
    (_literal_with_tag("1en"), "language tag"),
    (BNode("b10003"), "blank node"),
    (BNode("fresh"), "blank node"),  # named: an id drawn at random differs between processes
]


@pytest.mark.parametrize(("value", "message"), REFUSED)
def test_what_the_guard_refuses(value: Identifier, message: str) -> None:
    with pytest.raises(QueryError, match=message) as caught:
        term(value)
    assert "\n" not in str(caught.value) and "\r" not in str(caught.value)


@pytest.mark.parametrize(("value", "message"), REFUSED)
def test_every_store_refuses_the_same_values(
    value: Identifier, message: str, oxigraph: OxigraphStore, memory: MemoryStore
) -> None:
    ask = "ASK { ?s ?p ?o }"
    for bind in (
        lambda: memory.select(ask, {"s": value}),
        lambda: oxigraph.select(ask, {"s": value}),
        lambda: with_bindings(ask, {"s": value}, query_shape(ask)),  # the endpoint's text
    ):
        with pytest.raises(QueryError, match=message):
            bind()


def test_variable_names_are_checked_on_every_store(
    oxigraph: OxigraphStore, memory: MemoryStore
) -> None:
    bad = {"x) { } #": Literal(1)}
    for bind in (
        lambda: memory.select("ASK { ?x ?p ?o }", bad),
        lambda: with_values("ASK { ?x ?p ?o }", bad),
        lambda: with_bindings("ASK { ?x ?p ?o }", bad, query_shape("ASK {}")),
    ):
        with pytest.raises(QueryError, match="variable name"):
            bind()


def test_no_code_point_escape_in_any_output() -> None:
    """Every character a string can hold, in runs: what is written has no \\u or \\U."""
    written = 0
    for start in range(0, 0x3000, 64):
        text = "".join(chr(c) for c in range(start, start + 64))
        for value in (Literal(text), Literal("\\" + text), Literal(text + "\\u")):
            try:
                out = term(value)
            except QueryError:
                continue
            written += 1
            assert not CODEPOINT_ESCAPE.search(out.replace("\\\\", "")), out
    assert written > 100  # most runs hold no control character and are written


def test_the_endpoint_writes_with_the_same_guard() -> None:
    assert sparql_term is term


@pytest.fixture(scope="module")
def memory() -> MemoryStore:
    return MemoryStore()


@pytest.fixture(scope="module")
def oxigraph() -> OxigraphStore:
    return OxigraphStore(None)
