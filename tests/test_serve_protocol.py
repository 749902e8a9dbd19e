"""`kg serve` speaks the SPARQL 1.1 Protocol: tested with a plain HTTP client (http.client),
as YASGUI, a notebook or curl would talk to it.

The requests of the protocol's own examples (SPARQL 1.1 Protocol, section 3: query via GET,
via a POST form, via a POST of the query itself; datasets named in the request; a malformed
query; updates) are sent with our data in them; each answer is parsed (json, xml.etree,
csv, rdflib) and compared with the same query run by the library. Then: content negotiation,
the bundled queries at /queries, CORS, the time, row and size limits, and the network
refusal on the memory and Oxigraph stores.
"""

from __future__ import annotations

import csv
import io
import json
import urllib.parse
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from click.testing import CliRunner
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.term import Node

from kg import queries
from kg.cli import cli
from kg.graph import KnowledgeGraph, QueryRows, StoreSpec
from kg.loading import load_store
from kg.web.server import running
from tests.conftest import TESTS, Listener
from tests.serve_http import Answer, get, post_form, request

PREFIXES = """\
PREFIX ck:      <https://w3id.org/conflict-kg/id/>
PREFIX ckg:     <https://w3id.org/conflict-kg/ontology#>
PREFIX rdfs:    <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""

# One SELECT whose answer holds every kind of term (tests/data/serve/terms.ttl): IRIs,
# literals with a language (en, ar), a simple literal with the characters CSV and TSV must
# escape, typed literals, blank nodes and an unbound value.
TERMS = """\
PREFIX ex: <https://example.org/serve/>
SELECT ?thing ?p ?value ?nothing WHERE {
    { BIND(ex:thing AS ?thing) } UNION { ex:thing ex:node ?thing }
    ?thing ?p ?value .
    FILTER(?p != <https://w3id.org/conflict-kg/ontology#nameKey>)  # kg's own, derived
    OPTIONAL { ?thing ex:missing ?nothing }
}
ORDER BY ?p ?value
"""
TERMS_FILE = TESTS / "data" / "serve" / "terms.ttl"
TEXT = 'say "hi", then\ttab\nnew line, back\\slash'

# Who backs whom: IRIs and English labels, three rows.
BACKERS = (
    PREFIXES
    + """
SELECT ?backer ?label ?recipient WHERE {
    ?backer ckg:backs ?recipient ; rdfs:label ?label .
}
ORDER BY ?label ?recipient
"""
)

ASK_TRUE = PREFIXES + "ASK { ck:turkey ckg:backs ck:syrian-armed-opposition }"
ASK_FALSE = PREFIXES + "ASK { ck:syrian-armed-opposition ckg:backs ck:turkey }"

# A graph with language-tagged and typed literals and blank nodes.
CONSTRUCT = (
    PREFIXES
    + """
CONSTRUCT {
    ?source dcterms:date ?date ; dcterms:title ?title ;
            rdfs:seeAlso [ rdfs:label ?title ; dcterms:date ?date ] .
    ck:turkey rdfs:label ?name .
}
WHERE {
    { ?source dcterms:date ?date ; dcterms:title ?title }
    UNION
    { ck:turkey ?label ?name FILTER(isLiteral(?name) && LANG(?name) != "") }
}
"""
)

INSERT = PREFIXES + 'INSERT DATA { ck:turkey rdfs:label "Inserted over HTTP"@en }'
INSERTED = PREFIXES + 'ASK { ck:turkey rdfs:label "Inserted over HTTP"@en }'

# A cross product: 1,800 triples of bundled data give 3.2 million answers (tests/test_limits.py).
CROSS = "CONSTRUCT { ?a ?b ?x } WHERE { ?a ?b ?c . ?d ?e ?f . BIND(CONCAT(STR(?c),STR(?f)) AS ?x) }"

RESULTS_NS = "{http://www.w3.org/2005/sparql-results#}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
JSON_TYPE = "application/sparql-results+json"
XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
XML_TYPE = "application/sparql-results+xml"


# --- servers ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(astana_graph: KnowledgeGraph) -> Iterator[str]:
    with running(astana_graph) as url:
        yield url


@pytest.fixture(scope="module")
def terms_graph() -> KnowledgeGraph:
    return KnowledgeGraph.open([TESTS / "data" / "tiny.ttl", TERMS_FILE])


@pytest.fixture(scope="module")
def terms_server(terms_graph: KnowledgeGraph) -> Iterator[str]:
    with running(terms_graph) as url:
        yield url


@pytest.fixture(scope="module")
def oxigraph_graph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeGraph]:
    folder = tmp_path_factory.mktemp("serve-oxigraph") / "store"
    load_store(StoreSpec(folder=folder), [TESTS / "data" / "tiny.ttl"])
    graph = KnowledgeGraph.open(store=StoreSpec(folder=folder))
    yield graph
    graph.close()


@pytest.fixture(scope="module")
def tiny_memory_graph() -> KnowledgeGraph:
    return KnowledgeGraph.open([TESTS / "data" / "tiny.ttl"])


# --- reading answers ----------------------------------------------------------------------


Cell = tuple[str, ...] | None


def cell(term: Node | None) -> Cell:
    """A term as a comparable tuple: a blank node's label is not compared (a server may
    name them as it likes), nor xsd:string on a literal (a simple literal is one)."""
    if term is None:
        return None
    if isinstance(term, BNode):
        return ("bnode",)
    if isinstance(term, URIRef):
        return ("uri", str(term))
    assert isinstance(term, Literal), term
    datatype = "" if term.datatype in (None, URIRef(XSD_STRING)) else str(term.datatype)
    return ("literal", str(term), term.language or "", datatype)


def library_rows(graph: KnowledgeGraph, text: str) -> tuple[list[str], list[list[Cell]]]:
    answer = graph.answer(queries.from_text(text))
    assert isinstance(answer, QueryRows)
    return answer.columns, [[cell(row.get(c)) for c in answer.columns] for row in answer.rows]


def library_graph(graph: KnowledgeGraph, text: str) -> Graph:
    answer = graph.answer(queries.from_text(text))
    assert isinstance(answer, Graph)
    return answer


def json_term(binding: dict[str, str]) -> Node:
    kind = binding["type"]
    assert kind in ("uri", "literal", "bnode"), binding  # SPARQL 1.1 JSON, section 3.2.2
    if kind == "uri":
        return URIRef(binding["value"])
    if kind == "bnode":
        return BNode(binding["value"])
    assert not ("xml:lang" in binding and "datatype" in binding), binding
    if "xml:lang" in binding:
        return Literal(binding["value"], lang=binding["xml:lang"])
    datatype = binding.get("datatype")
    return Literal(binding["value"], datatype=URIRef(datatype) if datatype else None)


def json_rows(answer: Answer) -> tuple[list[str], list[list[Cell]]]:
    document = answer.json()
    columns = document["head"]["vars"]
    rows = [
        [cell(json_term(b[c])) if c in b else None for c in columns]
        for b in document["results"]["bindings"]
    ]
    return columns, rows


def xml_term(element: ET.Element) -> Node:
    tag = element.tag.removeprefix(RESULTS_NS)
    assert tag in ("uri", "literal", "bnode"), tag
    text = element.text or ""
    if tag == "uri":
        return URIRef(text)
    if tag == "bnode":
        return BNode(text)
    if element.get(XML_LANG):
        return Literal(text, lang=element.get(XML_LANG))
    datatype = element.get("datatype")
    return Literal(text, datatype=URIRef(datatype) if datatype else None)


def xml_rows(answer: Answer) -> tuple[list[str], list[list[Cell]]]:
    root = ET.fromstring(answer.body)
    assert root.tag == RESULTS_NS + "sparql", root.tag
    columns = [v.get("name") or "" for v in root.iter(RESULTS_NS + "variable")]
    rows = []
    for result in root.iter(RESULTS_NS + "result"):
        bound = {b.get("name"): xml_term(b[0]) for b in result.iter(RESULTS_NS + "binding")}
        rows.append([cell(bound.get(c)) for c in columns])
    return columns, rows


def csv_text(term: Cell) -> str:
    """What SPARQL 1.1 CSV writes of a term: no types, no languages, no escapes but CSV's."""
    if term is None:
        return ""
    if term[0] == "bnode":
        return "_:"
    return term[1]


def tsv_term(text: str) -> Node | None:
    """A TSV cell read as the Turtle term it is (SPARQL 1.1 TSV, section 4)."""
    if text == "":
        return None
    graph = Graph()
    graph.parse(data=f"<urn:s> <urn:p> {text} .", format="turtle")
    (term,) = graph.objects()
    return term


def ask_value(answer: Answer) -> bool:
    if answer.media_type == JSON_TYPE:
        document = answer.json()
        assert "results" not in document, document
        value = document["boolean"]
    else:
        assert answer.media_type == XML_TYPE, answer
        root = ET.fromstring(answer.body)
        (element,) = root.iter(RESULTS_NS + "boolean")
        assert element.text in ("true", "false"), element.text
        value = element.text == "true"
    assert isinstance(value, bool), value
    return value


def one_line(answer: Answer) -> str:
    """The text of an error of /sparql or /queries: text/plain, one line."""
    assert answer.media_type == "text/plain", answer
    lines = answer.text.strip("\n").split("\n")
    assert len(lines) == 1 and lines[0].strip(), answer
    return lines[0]


# --- the protocol's examples (SPARQL 1.1 Protocol, section 3.1 and 3.2) --------------------


def test_select_via_get(server: str, astana_graph: KnowledgeGraph) -> None:
    # 3.1.1: SELECT with the service's own dataset, answered as XML by Accept.
    answer = get(server, "/sparql", {"query": BACKERS}, headers={"Accept": XML_TYPE})
    assert answer.status == 200, answer
    assert answer.media_type == XML_TYPE
    columns, rows = xml_rows(answer)
    assert (columns, rows) == library_rows(astana_graph, BACKERS)
    assert ("literal", "Turkey", "en", "") in [r[1] for r in rows]


def test_select_via_post_form(server: str, astana_graph: KnowledgeGraph) -> None:
    # 3.1.10 / 2.1.2: the query URL-encoded in the body of a POST.
    answer = post_form(server, "/sparql", {"query": BACKERS}, headers={"Accept": JSON_TYPE})
    assert answer.status == 200, answer
    assert answer.media_type == JSON_TYPE
    assert json_rows(answer) == library_rows(astana_graph, BACKERS)


def test_select_via_post_directly(server: str, astana_graph: KnowledgeGraph) -> None:
    # 2.1.3: the query itself as the body, application/sparql-query.
    answer = request(
        server,
        "/sparql",
        method="POST",
        headers={"Content-Type": "application/sparql-query", "Accept": JSON_TYPE},
        body=BACKERS,
    )
    assert answer.status == 200, answer
    assert json_rows(answer) == library_rows(astana_graph, BACKERS)


def test_media_types_with_a_charset(server: str, astana_graph: KnowledgeGraph) -> None:
    # as browsers and YASGUI send them
    for content_type, body in (
        ("application/sparql-query; charset=UTF-8", BACKERS),
        (
            "application/x-www-form-urlencoded; charset=UTF-8",
            urllib.parse.urlencode({"query": BACKERS}),
        ),
    ):
        answer = request(
            server, "/sparql", method="POST", headers={"Content-Type": content_type}, body=body
        )
        assert answer.status == 200, (content_type, answer)
        assert json_rows(answer) == library_rows(astana_graph, BACKERS)


def test_text_beyond_ascii(server: str) -> None:
    # UTF-8, percent-encoded in a URL or a form, and as it is in a POST of the query.
    text = PREFIXES + 'ASK { ck:turkey ?p "تركيا"@ar }'
    for answer in (
        get(server, "/sparql", {"query": text}),
        post_form(server, "/sparql", {"query": text}),
        request(
            server,
            "/sparql",
            method="POST",
            headers={"Content-Type": "application/sparql-query"},
            body=text.encode("utf-8"),
        ),
    ):
        assert answer.status == 200, answer
        assert ask_value(answer) is True


def test_several_clients_at_once(server: str, astana_graph: KnowledgeGraph) -> None:
    # Each answer is its own query's, whichever thread answered it.
    texts = [PREFIXES + f"SELECT ?n WHERE {{ BIND({n} AS ?n) }}" for n in range(12)] + [BACKERS]
    with ThreadPoolExecutor(max_workers=len(texts)) as pool:
        answers = list(pool.map(lambda t: get(server, "/sparql", {"query": t}), texts))
    for text, answer in zip(texts, answers, strict=True):
        assert answer.status == 200, answer
        assert json_rows(answer) == library_rows(astana_graph, text)


def test_ask_via_get(server: str) -> None:
    # 3.1.3 without its dataset: ASK answered as a boolean.
    for text, expected in ((ASK_TRUE, True), (ASK_FALSE, False)):
        answer = get(server, "/sparql", {"query": text})
        assert answer.status == 200, answer
        assert ask_value(answer) is expected


def test_describe_via_get(server: str, astana_graph: KnowledgeGraph) -> None:
    # 3.1.4 without its dataset: DESCRIBE answered as an RDF graph (Turtle by default).
    text = PREFIXES + "DESCRIBE ck:turkey"
    answer = get(server, "/sparql", {"query": text})
    assert answer.status == 200, answer
    assert answer.media_type == "text/turtle"
    served = Graph().parse(data=answer.text, format="turtle")
    assert len(served) > 5
    assert isomorphic(served, library_graph(astana_graph, text))


def test_construct_with_content_negotiation(server: str, astana_graph: KnowledgeGraph) -> None:
    # 3.1.5 without its dataset: the Accept header of the example, Turtle preferred.
    answer = get(
        server,
        "/sparql",
        {"query": CONSTRUCT},
        headers={"Accept": "text/turtle, application/rdf+xml;q=0.9, */*;q=0.1"},
    )
    assert answer.status == 200, answer
    assert answer.media_type == "text/turtle"
    assert isomorphic(Graph().parse(data=answer.text, format="turtle"),
                      library_graph(astana_graph, CONSTRUCT))  # fmt: skip


@pytest.mark.parametrize(
    "params",
    [
        # 3.1.2 SELECT with a simple RDF dataset
        [("query", BACKERS), ("default-graph-uri", "http://www.example/data.rdf")],
        # 3.1.3 ASK with a simple RDF dataset
        [("query", ASK_TRUE), ("default-graph-uri", "http://www.example/data.rdf")],
        # 3.1.4 DESCRIBE with a simple RDF dataset
        [("query", PREFIXES + "DESCRIBE ck:turkey"), ("default-graph-uri", "http://x/g")],
        # 3.1.6 SELECT with a complex RDF dataset
        [
            ("query", BACKERS),
            ("default-graph-uri", "http://www.example/a.rdf"),
            ("default-graph-uri", "http://www.example/b.rdf"),
            ("named-graph-uri", "http://www.example/c.rdf"),
        ],
        [("query", BACKERS), ("named-graph-uri", "http://www.example/c.rdf")],
    ],
    ids=["select", "ask", "describe", "complex", "named"],
)
def test_a_dataset_in_the_request_is_refused(server: str, params: list[tuple[str, str]]) -> None:
    # One dataset is served: naming graphs in the request is answered 400, by GET, by a
    # POST form, and by a POST of the query with the graphs in the URL.
    answers = [
        get(server, "/sparql", params),
        post_form(server, "/sparql", params),
        request(
            server,
            "/sparql?" + urllib.parse.urlencode([p for p in params if p[0] != "query"]),
            method="POST",
            headers={"Content-Type": "application/sparql-query"},
            body=params[0][1],
        ),
    ]
    for answer in answers:
        assert answer.status == 400, answer
        assert "graph-uri" in one_line(answer)


def test_a_malformed_query_is_400(server: str) -> None:
    # 3.1.9: SELECT with a malformed query.
    answer = get(server, "/sparql", {"query": "SELECT ?s WHERE { ?s ?p ?o "})
    assert answer.status == 400, answer
    one_line(answer)


@pytest.mark.parametrize(
    "send",
    [
        # the W3C protocol tests' negative cases: a query operation the protocol does not
        # define must be answered with a 4xx status, never run.
        ("PUT", "/sparql?" + urllib.parse.urlencode({"query": ASK_TRUE}), {}, None),
        ("GET", "/sparql?" + urllib.parse.urlencode([("query", ASK_TRUE)] * 2), {}, None),
        ("GET", "/sparql", {}, None),
        ("POST", "/sparql", {"Content-Type": "text/plain"}, ASK_TRUE),
        ("POST", "/sparql", {}, urllib.parse.urlencode({"query": ASK_TRUE})),
        ("POST", "/sparql", {"Content-Type": "application/sparql-query"}, b"ASK { \xff }"),
        ("GET", "/sparql?query=ASK%20%7B%20%FF%20%7D", {}, None),
    ],
    ids=[
        "PUT",
        "two queries",
        "no query",
        "wrong media type",
        "form without its type",
        "not UTF-8",
        "not UTF-8 in the URL",
    ],
)
def test_requests_outside_the_protocol_are_4xx(
    server: str, send: tuple[str, str, dict[str, str], str | bytes | None]
) -> None:
    method, path, headers, body = send
    answer = request(server, path, method=method, headers=headers, body=body)
    assert 400 <= answer.status < 500, answer


@pytest.mark.parametrize(
    "send",
    [
        # 3.2.1 UPDATE using URL-encoded parameters
        ("form", INSERT),
        # 3.2.2 UPDATE using POST directly
        ("direct", INSERT),
        # an update sent as a query
        ("query=", INSERT),
        ("query= by POST", INSERT),
        ("query=", "CLEAR ALL"),
        ("query=", PREFIXES + "DELETE WHERE { ck:turkey ?p ?o }"),
        ("update= by GET", INSERT),
    ],
    ids=["form", "direct", "as a query", "as a query by POST", "CLEAR", "DELETE", "GET update"],
)
def test_updates_are_refused(server: str, send: tuple[str, str]) -> None:
    how, text = send
    if how == "form":
        answer = post_form(server, "/sparql", {"update": text})
    elif how == "direct":
        answer = request(
            server,
            "/sparql",
            method="POST",
            headers={"Content-Type": "application/sparql-update"},
            body=text,
        )
    elif how == "query=":
        answer = get(server, "/sparql", {"query": text})
    elif how == "query= by POST":
        answer = post_form(server, "/sparql", {"query": text})
    else:
        answer = get(server, "/sparql", {"update": text})
    assert answer.status == 403, answer
    one_line(answer)
    # and nothing was written
    assert ask_value(get(server, "/sparql", {"query": INSERTED})) is False
    assert ask_value(get(server, "/sparql", {"query": ASK_TRUE})) is True


def test_a_tab_written_in_a_query_string_comes_back(server: str) -> None:
    answer = get(server, "/sparql", {"query": r'SELECT ?t WHERE { BIND("a\tb" AS ?t) }'})
    assert answer.status == 200, answer
    assert json_rows(answer)[1] == [[("literal", "a\tb", "", "")]]


def test_update_words_in_strings_and_iris_are_no_update(server: str) -> None:
    text = PREFIXES + (
        'SELECT ?x WHERE { BIND("INSERT DATA { <a> <b> <c> }" AS ?x) '
        "FILTER(?x != <urn:delete:clear>) }"
    )
    answer = get(server, "/sparql", {"query": text})
    assert answer.status == 200, answer
    assert json_rows(answer)[1] == [[("literal", "INSERT DATA { <a> <b> <c> }", "", "")]]


# --- content negotiation ------------------------------------------------------------------


def test_select_as_json(terms_server: str, terms_graph: KnowledgeGraph) -> None:
    for accept in (None, JSON_TYPE, "application/json", "*/*", "application/*"):
        headers = {"Accept": accept} if accept else {}
        answer = get(terms_server, "/sparql", {"query": TERMS}, headers=headers)
        assert answer.status == 200, (accept, answer)
        assert answer.media_type in (JSON_TYPE, "application/json"), (accept, answer)
        assert json_rows(answer) == library_rows(terms_graph, TERMS), accept


def test_terms_are_typed_right_in_json(terms_server: str) -> None:
    answer = get(terms_server, "/sparql", {"query": TERMS}, headers={"Accept": JSON_TYPE})
    document = answer.json()
    assert document["head"]["vars"] == ["thing", "p", "value", "nothing"]
    bindings = document["results"]["bindings"]
    values = [
        {k: v for k, v in b["value"].items() if not (k == "datatype" and v == XSD_STRING)}
        for b in bindings
    ]
    assert {"type": "uri", "value": "https://example.org/serve/other"} in values
    assert {"type": "literal", "value": "Thing", "xml:lang": "en"} in values
    assert {"type": "literal", "value": "شيء", "xml:lang": "ar"} in values
    assert {"type": "literal", "value": "2017-09-14", "datatype": XSD_DATE} in values
    assert {"type": "literal", "value": "42", "datatype": XSD_INTEGER} in values
    custom = "https://example.org/serve/custom"
    assert {"type": "literal", "value": "x-1", "datatype": custom} in values
    assert {"type": "literal", "value": TEXT} in values
    # one blank node, as the object of ex:node and the subject of its label: one label
    (node,) = [v for v in values if v["type"] == "bnode"]
    assert [b["thing"] for b in bindings if b["thing"]["type"] == "bnode"] == [node]
    assert all("nothing" not in b for b in bindings)  # unbound: left out of the row


def test_select_as_xml(terms_server: str, terms_graph: KnowledgeGraph) -> None:
    for accept in (XML_TYPE, "text/csv;q=0.5, application/sparql-results+xml"):
        answer = get(terms_server, "/sparql", {"query": TERMS}, headers={"Accept": accept})
        assert answer.status == 200, (accept, answer)
        assert answer.media_type == XML_TYPE, (accept, answer)
        assert xml_rows(answer) == library_rows(terms_graph, TERMS), accept
    root = ET.fromstring(answer.body)
    literals = list(root.iter(RESULTS_NS + "literal"))
    assert any(e.get(XML_LANG) == "ar" and e.text == "شيء" for e in literals)
    assert any(e.get("datatype") == XSD_DATE and e.text == "2017-09-14" for e in literals)
    assert TEXT in [e.text for e in literals]
    assert len(list(root.iter(RESULTS_NS + "bnode"))) == 2


def test_select_as_csv(terms_server: str, terms_graph: KnowledgeGraph) -> None:
    answer = get(terms_server, "/sparql", {"query": TERMS}, headers={"Accept": "text/csv"})
    assert answer.status == 200, answer
    assert answer.media_type == "text/csv"
    # SPARQL 1.1 CSV (section 3): RFC 4180, lines ended by CRLF, the header the variables
    # without '?', each value its lexical form only, a blank node as _:label.
    assert answer.text.endswith("\r\n")
    table = list(csv.reader(io.StringIO(answer.text, newline="")))
    columns, rows = library_rows(terms_graph, TERMS)
    assert table[0] == columns
    expected = [[csv_text(c) for c in row] for row in rows]
    got = [[v if not v.startswith("_:") else "_:" for v in row] for row in table[1:]]
    assert got == expected
    assert TEXT in [row[2] for row in table]


def test_select_as_tsv(terms_server: str, terms_graph: KnowledgeGraph) -> None:
    answer = get(
        terms_server, "/sparql", {"query": TERMS}, headers={"Accept": "text/tab-separated-values"}
    )
    assert answer.status == 200, answer
    assert answer.media_type == "text/tab-separated-values"
    # SPARQL 1.1 TSV (section 4): the variables with '?', each term in Turtle's syntax
    # (IRIs in <>, literals quoted with their language or datatype, tabs and new lines
    # escaped), a tab between terms, one line a row.
    lines = [line.removesuffix("\r") for line in answer.text.removesuffix("\n").split("\n")]
    columns, rows = library_rows(terms_graph, TERMS)
    assert lines[0].split("\t") == [f"?{c}" for c in columns]
    table = [line.split("\t") for line in lines[1:]]
    assert all(len(r) == len(columns) for r in table), table
    assert [[cell(tsv_term(v)) for v in row] for row in table] == rows
    cells = [v for row in table for v in row]
    assert "<https://example.org/serve/thing>" in cells
    assert '"Thing"@en' in cells
    assert any(v.startswith('"2017-09-14"^^') for v in cells)
    assert '"x-1"^^<https://example.org/serve/custom>' in cells


def test_format_parameter_overrides_accept(terms_server: str, terms_graph: KnowledgeGraph) -> None:
    answer = get(
        terms_server, "/sparql", {"query": TERMS, "format": "csv"}, headers={"Accept": XML_TYPE}
    )
    assert answer.status == 200, answer
    assert answer.media_type == "text/csv"
    assert next(csv.reader(io.StringIO(answer.text))) == library_rows(terms_graph, TERMS)[0]


def test_ask_as_json_and_xml(server: str) -> None:
    for accept, media in ((JSON_TYPE, JSON_TYPE), (XML_TYPE, XML_TYPE), (None, JSON_TYPE)):
        headers = {"Accept": accept} if accept else {}
        for text, expected in ((ASK_TRUE, True), (ASK_FALSE, False)):
            answer = get(server, "/sparql", {"query": text}, headers=headers)
            assert answer.status == 200, answer
            assert answer.media_type == media
            assert ask_value(answer) is expected
    document = get(server, "/sparql", {"query": ASK_TRUE}).json()
    assert document == {"head": {}, "boolean": True}


@pytest.mark.parametrize(
    "accept, media, rdf_format",
    [
        (None, "text/turtle", "turtle"),
        ("text/turtle", "text/turtle", "turtle"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/ld+json", "application/ld+json", "json-ld"),
    ],
)
def test_construct_formats(
    server: str, astana_graph: KnowledgeGraph, accept: str | None, media: str, rdf_format: str
) -> None:
    headers = {"Accept": accept} if accept else {}
    answer = get(server, "/sparql", {"query": CONSTRUCT}, headers=headers)
    assert answer.status == 200, answer
    assert answer.media_type == media
    served = Graph().parse(data=answer.text, format=rdf_format)
    expected = library_graph(astana_graph, CONSTRUCT)
    assert len(expected) > 10
    assert isomorphic(served, expected)
    assert Literal("تركيا", lang="ar") in set(served.objects())


@pytest.mark.parametrize(
    "text, accept",
    [
        (TERMS, "image/png"),
        (TERMS, "text/turtle"),
        (ASK_TRUE, "text/csv"),
        (CONSTRUCT, "text/csv"),
        (CONSTRUCT, XML_TYPE),
        (TERMS, "application/sparql-results+json;q=0"),
    ],
    ids=["png", "turtle for rows", "csv for a boolean", "csv for a graph", "rows for a graph",
         "q=0"],
)  # fmt: skip
def test_nothing_acceptable_gets_the_default_format(server: str, text: str, accept: str) -> None:
    """RFC 9110 lets a server send its default instead of 406; rdflib's SPARQLStore, which
    asks every query for its one format, then reads the answer by its Content-Type."""
    answer = get(server, "/sparql", {"query": text}, headers={"Accept": accept})
    assert answer.status == 200, answer
    default = "text/turtle" if text == CONSTRUCT else JSON_TYPE
    assert answer.media_type == default, answer


def test_rdflib_s_sparql_store_reads_every_form_in_every_format(server: str) -> None:
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    for fmt in ("xml", "json", "csv"):
        graph = Graph(store=SPARQLStore(f"{server}/sparql", returnFormat=fmt))
        assert graph.query(ASK_TRUE).askAnswer is True, fmt
        assert len(graph.query(CONSTRUCT).graph) > 0, fmt


# --- the bundled queries ------------------------------------------------------------------


def test_queries_are_listed(server: str) -> None:
    answer = request(server, "/queries")
    assert answer.status == 200, answer
    assert answer.media_type == "application/json"
    listed = answer.json()
    assert [q["name"] for q in listed] == queries.bundled_names()
    who = next(q for q in listed if q["name"] == "who-backs-whom")
    assert who["question"] == queries.named_query("who-backs-whom").question
    assert {"backer", "recipient"} <= set(who["parameters"])


def _as_cli_json(answer: Answer) -> list[dict[str, Any]]:
    """The rows of a SPARQL JSON answer as `kg query --format json` writes them."""
    document = answer.json()
    rows = []
    for binding in document["results"]["bindings"]:
        row: dict[str, Any] = {}
        for column in document["head"]["vars"]:
            if column not in binding:
                row[column] = None
                continue
            term = json_term(binding[column])
            value = term.toPython() if isinstance(term, Literal) else None
            row[column] = value if isinstance(value, bool | int | float) else str(term)
        rows.append(row)
    return rows


def test_a_bundled_query_with_a_bound_value(server: str, runner: CliRunner) -> None:
    answer = request(server, "/queries/who-backs-whom?backer=ck:turkey")
    assert answer.status == 200, answer
    assert answer.media_type == JSON_TYPE
    result = runner.invoke(
        cli, ["query", "who-backs-whom", "--param", "backer=ck:turkey", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    expected = json.loads(result.stdout)
    assert len(expected) >= 2
    assert _as_cli_json(answer) == expected
    # the same by a POST form, and as CSV by Accept
    posted = post_form(server, "/queries/who-backs-whom", {"backer": "ck:turkey"})
    assert posted.status == 200, posted
    assert _as_cli_json(posted) == expected
    table = get(server, "/queries/who-backs-whom", {"backer": "ck:turkey"},
                headers={"Accept": "text/csv"})  # fmt: skip
    assert table.media_type == "text/csv"
    assert len(list(csv.reader(io.StringIO(table.text)))) == len(expected) + 1


def test_values_are_read_as_the_cli_reads_them(server: str) -> None:
    for value in ("ck:turkey", "<https://w3id.org/conflict-kg/id/turkey>"):
        answer = get(server, "/queries/who-backs-whom", {"backer": value})
        assert answer.status == 200, answer
        assert {r["backer_label"] for r in _as_cli_json(answer)} == {"Turkey"}
    # a value that is no actor is bound as it is: no rows, no error
    answer = get(server, "/queries/who-backs-whom", {"backer": '"} } SELECT * { ?s ?p ?o'})
    assert answer.status == 200, answer
    assert _as_cli_json(answer) == []


def test_a_bundled_query_in_each_format(server: str) -> None:
    params = {"backer": "ck:turkey"}
    for fmt, media in (("csv", "text/csv"), ("tsv", "text/tab-separated-values"),
                       ("xml", XML_TYPE), ("json", JSON_TYPE)):  # fmt: skip
        answer = get(server, "/queries/who-backs-whom", {**params, "format": fmt})
        assert answer.status == 200, (fmt, answer)
        assert answer.media_type == media, fmt
    answer = get(server, "/queries/who-backs-whom", [("backer", "ck:turkey")] * 2)
    assert answer.status == 400, answer
    one_line(answer)


def test_an_unknown_query_is_404(server: str) -> None:
    for path in ("/queries/who-backs", "/queries/..%2fcli", "/queries/who-backs-whom.rq"):
        answer = request(server, path)
        assert answer.status == 404, (path, answer)
        one_line(answer)


def test_a_parameter_the_query_has_not_is_400(server: str) -> None:
    answer = request(server, "/queries/who-backs-whom?sponsor=ck:turkey")
    assert answer.status == 400, answer
    assert "sponsor" in one_line(answer)


# --- CORS ---------------------------------------------------------------------------------


YASGUI = "https://yasgui.example"


@pytest.fixture(scope="module")
def open_server(astana_graph: KnowledgeGraph) -> Iterator[str]:
    """A server that pages of YASGUI's origin may query (kg serve --cors ORIGIN)."""
    with running(astana_graph, cors=(YASGUI,)) as url:
        yield url


def test_cors_preflight(open_server: str) -> None:
    answer = request(
        open_server,
        "/sparql",
        method="OPTIONS",
        headers={
            "Origin": "https://yasgui.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, accept",
        },
    )
    assert answer.status == 204, answer
    assert answer.body == b""
    assert answer.header("Access-Control-Allow-Origin") == YASGUI
    methods = {m.strip() for m in answer.header("Access-Control-Allow-Methods").split(",")}
    assert {"GET", "POST"} <= methods
    allowed = {h.strip().lower() for h in answer.header("Access-Control-Allow-Headers").split(",")}
    assert {"content-type", "accept"} <= allowed


def test_cors_on_answers(open_server: str) -> None:
    origin = {"Origin": YASGUI}
    for answer in (
        get(open_server, "/sparql", {"query": ASK_TRUE}, headers=origin),
        post_form(open_server, "/sparql", {"query": ASK_TRUE}, headers=origin),
        get(open_server, "/sparql", {"query": "SELECT"}, headers=origin),  # an error too
    ):
        assert answer.header("Access-Control-Allow-Origin") == YASGUI
    # another origin is refused, and told nothing
    other = get(
        open_server, "/sparql", {"query": ASK_TRUE}, headers={"Origin": "https://x.example"}
    )
    assert other.status == 403 and other.header("Access-Control-Allow-Origin") == ""


def test_cors_for_any_origin(astana_graph: KnowledgeGraph) -> None:
    with running(astana_graph, cors=("*",)) as url:
        answer = get(url, "/sparql", {"query": ASK_TRUE}, headers={"Origin": "https://x.example"})
        assert answer.status == 200 and answer.header("Access-Control-Allow-Origin") == "*"


@pytest.mark.parametrize(
    ("path", "headers", "status"),
    [
        # a page of another site reading the endpoint, or making it run a query it cannot
        # read (an <img src>): refused without --cors
        ("/sparql?query=ASK%7B%7D", {"Origin": "https://evil.example"}, 403),
        ("/api/backers", {"Origin": "http://localhost:18999"}, 403),
        (
            "/sparql?query=ASK%7B%7D",
            {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors"},
            403,
        ),
        ("/sparql?query=ASK%7B%7D", {"Sec-Fetch-Site": "same-site", "Sec-Fetch-Mode": "cors"}, 403),
        (
            "/sparql?query=ASK%7B%7D",
            {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"},
            403,
        ),
        ("/api/info", {"Origin": "null"}, 403),
        # following a link to the page itself, the page's own requests, and clients that are
        # no browser: answered
        ("/", {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"}, 200),
        ("/api/info", {"Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "cors"}, 200),
        ("/api/info", {"Sec-Fetch-Site": "none", "Sec-Fetch-Mode": "navigate"}, 200),
        ("/sparql?query=ASK%7B%7D", {}, 200),
    ],
)
def test_without_cors_other_sites_are_refused(
    server: str, path: str, headers: dict[str, str], status: int
) -> None:
    answer = request(server, path, headers=headers)
    assert answer.status == status, answer
    assert answer.header("Access-Control-Allow-Origin") == ""
    if status == 403:
        assert b"--cors ORIGIN allows one" in answer.body


def test_the_server_s_own_origin_is_no_other_site(server: str) -> None:
    answer = request(server, "/api/info", headers={"Origin": server})
    assert answer.status == 200, answer


# --- limits -------------------------------------------------------------------------------


def test_more_rows_than_the_limit_is_422(astana_graph: KnowledgeGraph) -> None:
    assert len(library_rows(astana_graph, BACKERS)[1]) == 3
    with running(astana_graph, limit=2) as url:
        answer = get(url, "/sparql", {"query": BACKERS})
        assert answer.status == 422, answer
        assert "more than 2 rows or triples" in one_line(answer)
        answer = get(url, "/sparql", {"query": CONSTRUCT})
        assert answer.status == 422, answer
        # within the limit: answered
        answer = get(url, "/sparql", {"query": BACKERS + "LIMIT 2"})
        assert answer.status == 200, answer
        assert len(json_rows(answer)[1]) == 2


def test_a_query_past_the_time_limit_is_503(astana_graph: KnowledgeGraph) -> None:
    with running(astana_graph, timeout=1) as url:
        answer = get(url, "/sparql", {"query": CROSS}, headers={"Accept": "application/n-triples"})
        assert answer.status == 503, answer
        assert "stopped after 1 s" in one_line(answer)
        # the server answers the next query
        assert ask_value(get(url, "/sparql", {"query": ASK_TRUE})) is True


def test_a_query_over_1_mib_is_413(server: str) -> None:
    literal = "a" * (1 << 20)
    big = f'SELECT * WHERE {{ BIND("{literal}" AS ?x) }}'
    direct = request(
        server,
        "/sparql",
        method="POST",
        headers={"Content-Type": "application/sparql-query"},
        body=big,
    )
    assert direct.status == 413, direct
    form = post_form(server, "/sparql", {"query": big})
    assert form.status == 413, form
    # just under it: read and run
    small = f'SELECT (STRLEN(?x) AS ?n) WHERE {{ BIND("{literal[:100_000]}" AS ?x) }}'
    answer = request(
        server,
        "/sparql",
        method="POST",
        headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"},
        body=small,
    )
    assert answer.status == 200, answer
    assert answer.text.split() == ["n", "100000"]


# --- no network ---------------------------------------------------------------------------


def _network_requests(url: str) -> list[tuple[str, str]]:
    """(what, query) pairs that would reach ``url`` if the server let them."""
    return [
        ("SERVICE", f"SELECT * WHERE {{ SERVICE <{url}sparql> {{ ?s ?p ?o }} }}"),
        ("SERVICE SILENT", f"SELECT * WHERE {{ SERVICE SILENT <{url}sparql> {{ ?s ?p ?o }} }}"),
        ("FROM", f"SELECT * FROM <{url}x> WHERE {{ ?s ?p ?o }}"),
        ("FROM NAMED", f"SELECT * FROM NAMED <{url}x> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"),
        ("LOAD", f"LOAD <{url}x>"),
        ("CONSTRUCT", f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}s> {{ ?s ?p ?o }} }}"),
    ]


@pytest.mark.parametrize("store", ["memory", "oxigraph"])
def test_the_network_is_refused(
    store: str,
    listener: Listener,
    tiny_memory_graph: KnowledgeGraph,
    oxigraph_graph: KnowledgeGraph,
) -> None:
    graph = tiny_memory_graph if store == "memory" else oxigraph_graph
    with running(graph) as url:
        for what, text in _network_requests(listener.url):
            for answer in (
                get(url, "/sparql", {"query": text}),
                post_form(url, "/sparql", {"query": text}),
                request(
                    url,
                    "/sparql",
                    method="POST",
                    headers={"Content-Type": "application/sparql-query"},
                    body=text,
                ),
            ):
                assert answer.status == 403, (what, answer)
                one_line(answer)
        # a value bound to a bundled query's variable is a value, never a place to go
        for value in (f"<{listener.url}x>", listener.url, f'"SERVICE <{listener.url}>"'):
            answer = get(url, "/queries/who-backs-whom", {"backer": value})
            assert answer.status == 200, (value, answer)
            assert answer.json()["results"]["bindings"] == []
    assert listener.connections == 0


def test_allow_network_does_reach_the_listener(listener: Listener) -> None:
    # Proves the listener sees what the server sends, so the refusals above are not vacuous
    # (kg serve --allow-network opens the graph so).
    graph = KnowledgeGraph.open([TESTS / "data" / "tiny.ttl"], allow_network=True)
    with running(graph) as url:
        get(url, "/sparql", {"query": _network_requests(listener.url)[0][1]})
    assert listener.connections >= 1


def test_tiny_store_answers(oxigraph_graph: KnowledgeGraph) -> None:
    # The Oxigraph store of the refusal test answers at all (a refusal of everything would
    # pass the test above).
    with running(oxigraph_graph) as url:
        answer = get(url, "/sparql", {"query": PREFIXES + "ASK { ck:alpha a ckg:State }"})
        assert answer.status == 200, answer
        assert ask_value(answer) is True
