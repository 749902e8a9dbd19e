"""kg.stores.endpoint.EndpointStore against a real Virtuoso 7 (Debian's virtuoso-opensource).

The servers are throwaway ones started by bench/virtuoso.py on 127.0.0.1 (free ports, a
temporary folder, killed and removed at the end of the module). Without virtuoso-t these
tests skip, except under CI (CI=true), where they fail: .ci/install-virtuoso installs it.

The tests of the query text (where the VALUES block goes, how terms are written) and of
HTTP Basic, partial answers and errors against a small fake server need no Virtuoso.
"""

from __future__ import annotations

import contextlib
import http.server
import importlib.util
import json
import os
import socket
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Identifier, Node

from kg import queries, resources
from kg.errors import PartialResult, QueryError, QueryTimeout, StoreError
from kg.graph import KnowledgeGraph
from kg.stores.base import DATA_GRAPH, GRAPHS, ONTOLOGY_GRAPH, QueryRows, Triple
from kg.stores.endpoint import (
    EndpointStore,
    nt_line,
    query_shape,
    quote_iri,
    sparql_term,
    with_bindings,
)

REPO = Path(__file__).resolve().parent.parent
CK = "https://w3id.org/conflict-kg/id/"
CKG = "https://w3id.org/conflict-kg/ontology#"
RDFS_LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")


def _bench_module(name: str) -> ModuleType:
    """bench/NAME.py (bench/ is not a package), as the module bench_NAME."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", REPO / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[f"bench_{name}"] = module
    spec.loader.exec_module(module)
    return module


virtuoso = _bench_module("virtuoso")


def _start(**options: Any) -> Any:
    """A server, or skip (fail under CI) without virtuoso-t."""
    if virtuoso.find_virtuoso() is None:
        message = f"virtuoso-t is missing: {virtuoso.INSTALL_HINT}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return virtuoso.start(**options)


@contextlib.contextmanager
def running(**options: Any) -> Iterator[Any]:
    started = _start(**options)
    try:
        yield started
    finally:
        started.stop()


def _store(server: Any, **options: Any) -> EndpointStore:
    return EndpointStore(
        server.sparql_url,
        update_url=server.update_url,
        gsp_url=server.gsp_url,
        user=server.user,
        password=server.password,
        **options,
    )


class LiveServer:
    """The module's server with the bundled data, started again (and loaded again) when a
    query has crashed it: Virtuoso 7.2 dies on some queries (see the report in
    test_bundled_queries_give_rdflibs_answer), and one crash must not fail every test after."""

    def __init__(self) -> None:
        self.server: Any = None
        self.store: EndpointStore | None = None

    def get(self) -> tuple[Any, EndpointStore]:
        if self.server is None or not self.server.alive() or self.store is None:
            self.stop()
            self.server = _start()
            self.store = _store(self.server)
            kg = KnowledgeGraph(self.store)  # as on any store: added, overlap dropped, derived
            kg.load(resources.ontology_files(), graph=ONTOLOGY_GRAPH)
            kg.load(resources.data_files(), graph=DATA_GRAPH)
            kg.derive()
        return self.server, self.store

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            assert not self.server.alive() and not self.server.folder.exists()
        self.server = self.store = None


@pytest.fixture(scope="module")
def live() -> Iterator[LiveServer]:
    holder = LiveServer()
    try:
        yield holder
    finally:
        holder.stop()


@pytest.fixture
def server(live: LiveServer) -> Any:
    return live.get()[0]


@pytest.fixture
def store(live: LiveServer) -> EndpointStore:
    """The bundled data on the server, loaded by KnowledgeGraph as on any store: the files
    added, the overlap dropped, the relations derived on the server (insert_constructed)."""
    return live.get()[1]


@pytest.fixture(scope="module")
def reference() -> KnowledgeGraph:
    """The bundled data in rdflib, in memory: the answers the endpoint must give."""
    return KnowledgeGraph.open()


@contextlib.contextmanager
def added_to_data(store: EndpointStore, triples: Sequence[Triple]) -> Iterator[None]:
    """``triples`` in the data graph for the ``with`` block, then taken out again."""
    store.add(DATA_GRAPH, triples)
    try:
        yield
    finally:
        lines = "".join(map(nt_line, triples))
        store.update(f"DELETE DATA {{ GRAPH <{DATA_GRAPH}> {{ {lines} }} }}")


def xsd(name: str) -> URIRef:
    return URIRef("http://www.w3.org/2001/XMLSchema#" + name)


def _reference_graph(kg: KnowledgeGraph, text: str) -> set[Triple]:
    answer = kg.answer(queries.from_text(text, name="test"))
    assert isinstance(answer, Graph)
    return set(answer)


def _rows(answer: QueryRows) -> Counter[tuple[tuple[str, Node | None], ...]]:
    return Counter(tuple((c, row.get(c)) for c in answer.columns) for row in answer.rows)


def _reference_rows(
    kg: KnowledgeGraph, text: str, bindings: Mapping[str, Identifier] | None = None
) -> QueryRows:
    answer = kg.select(queries.from_text(text, name="test"), dict(bindings or {}))
    return QueryRows(columns=answer.columns, rows=answer.rows)


# --- the query text: no server needed ------------------------------------------------------

VALUE = {"x": URIRef("http://example.org/a")}
BLOCK = "VALUES (?x) { (<http://example.org/a>) }"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SELECT ?x WHERE { ?x ?p ?o }", "SELECT ?x WHERE {\n" + BLOCK + "\n ?x ?p ?o }"),
        ("SELECT * { ?x ?p ?o }", "SELECT * {\n" + BLOCK + "\n ?x ?p ?o }"),
        ("ASK{?x ?p ?o}", "ASK{\n" + BLOCK + "\n?x ?p ?o}"),
        ("ask where { ?x ?p ?o }", "ask where {\n" + BLOCK + "\n ?x ?p ?o }"),
        (  # a projection with EXISTS { } is not the WHERE group
            "SELECT ?x (EXISTS { ?x ?q ?r } AS ?e) WHERE { ?x ?p ?o }",
            "SELECT ?x (EXISTS { ?x ?q ?r } AS ?e) WHERE {\n" + BLOCK + "\n ?x ?p ?o }",
        ),
        (  # CONSTRUCT: the template is not the WHERE group, with or without WHERE
            "CONSTRUCT { ?x ?p ?o } WHERE { ?x ?p ?o }",
            "CONSTRUCT { ?x ?p ?o } WHERE {\n" + BLOCK + "\n ?x ?p ?o }",
        ),
        (
            "CONSTRUCT { ?x ?p ?o } { ?x ?p ?o }",
            "CONSTRUCT { ?x ?p ?o } {\n" + BLOCK + "\n ?x ?p ?o }",
        ),
        (  # braces and WHERE inside comments, strings and IRIs do not count
            "# { WHERE }\nPREFIX where: <http://ex/where#>\nSELECT ?where # WHERE {\n"
            'WHERE { ?where where:p "} WHERE {", """{""", <http://ex/where> }',
            "# { WHERE }\nPREFIX where: <http://ex/where#>\nSELECT ?where # WHERE {\n"
            "WHERE {\n" + BLOCK + '\n ?where where:p "} WHERE {", """{""", <http://ex/where> }',
        ),
        (  # a subquery: the outer group
            "SELECT ?x WHERE { { SELECT * WHERE { ?x ?p ?o } ORDER BY ?o } }",
            "SELECT ?x WHERE {\n" + BLOCK + "\n { SELECT * WHERE { ?x ?p ?o } ORDER BY ?o } }",
        ),
    ],
)
def test_values_go_first_in_the_outermost_where_group(text: str, expected: str) -> None:
    assert with_bindings(text, VALUE, query_shape(text)) == expected


def test_query_shape_reads_the_tail() -> None:
    shape = query_shape("SELECT ?x WHERE { { SELECT ?x WHERE {} LIMIT 3 } } ORDER BY ?x LIMIT 7")
    assert (shape.form, shape.limit) == ("SELECT", 7)
    assert "VALUES" in query_shape("SELECT ?x WHERE { } VALUES ?x { 1 }").tail_words
    assert query_shape("PREFIX ckg: <x:> PREFIX ck: <y:> ASK {}").prefixes == {"ckg", "ck"}


def test_values_cannot_go_where_there_is_no_group() -> None:
    with pytest.raises(QueryError, match="short form"):
        with_bindings("CONSTRUCT WHERE { ?x ?p ?o }", VALUE, query_shape("CONSTRUCT WHERE {}"))
    with pytest.raises(QueryError, match="no WHERE group"):
        with_bindings("DESCRIBE <http://ex/a>", VALUE, query_shape("DESCRIBE <http://ex/a>"))


HOSTILE_TEXT = [
    "quote \" and ' single",
    "brace } closes { and } again",
    "# not a comment",
    "new\nline and \r return and \t tab",
    '> . } ; DROP ALL ; INSERT DATA { <a> <b> "c" } #',
    '"} } UNION { ?s ?p ?o } #',
    'back\\slash \\" and \\"u0022',  # \u0022 itself is refused: tests/test_bound_values.py
    "controls \t\b\f and \u2028",  # other controls are refused: tests/test_bound_values.py
    "unicode Türkiye العربية 😀",
    "\"\"\"triple\"\"\" and '''single'''",
]


@pytest.mark.parametrize("text", HOSTILE_TEXT)
def test_a_hostile_literal_is_one_escaped_string(text: str) -> None:
    written = sparql_term(Literal(text))
    assert written.startswith('"') and written.endswith('"')
    inner = written[1:-1]
    assert "\n" not in inner and "\r" not in inner
    # every quote inside is escaped: removing escape pairs leaves no quote or backslash
    assert '"' not in inner.replace("\\\\", "").replace('\\"', "")


@pytest.mark.parametrize(
    "iri",
    [
        "http://ex/a b",
        "http://ex/a>",
        "http://ex/<a",
        'http://ex/"a',
        "http://ex/{a}",
        "http://ex/a|b",
        "http://ex/a^b",
        "http://ex/a`b",
        "http://ex/a\\b",
        "http://ex/a\nb",
        "http://ex/a\x00",
        "http://ex/> . } DROP ALL #",
        "relative/iri",
        "",
    ],
)
def test_a_bad_iri_is_refused(iri: str) -> None:
    with pytest.raises(QueryError):
        sparql_term(URIRef(iri))


@pytest.mark.parametrize("lang", ["en } DROP", "en\n", "en-", "-en", "e n", "en@x"])
def test_a_bad_language_tag_is_refused(lang: str) -> None:
    literal = Literal("x")
    literal._language = lang  # rdflib checks tags too; this one got past it
    with pytest.raises(QueryError, match="language tag"):
        sparql_term(literal)


def test_bad_variable_names_are_refused() -> None:
    with pytest.raises(QueryError, match="variable"):
        with_bindings("ASK { ?x ?p ?o }", {"x) { } #": Literal(1)}, query_shape("ASK {}"))


def test_terms_in_sparql() -> None:
    assert sparql_term(Literal(5)) == '"5"^^<http://www.w3.org/2001/XMLSchema#integer>'
    assert sparql_term(Literal("a", lang="en-GB")) == '"a"@en-GB'
    assert sparql_term(Literal("a", datatype=xsd("string"))) == '"a"'
    with pytest.raises(QueryError, match="blank node"):  # the one guard's rule on every store
        sparql_term(BNode("b10003"))
    assert quote_iri("https://w3id.org/conflict-kg/id/türkiye") == (
        "<https://w3id.org/conflict-kg/id/türkiye>"
    )
    line = nt_line((URIRef("http://ex/s"), URIRef("http://ex/p"), Literal('a"\n')))
    assert line == '<http://ex/s> <http://ex/p> "a\\"\\n" .\n'


# --- a fake server: Basic authentication, partial answers, errors --------------------------


class FakeSparql(http.server.BaseHTTPRequestHandler):
    """Answers every POST with the JSON, status and headers in ``behaviour``."""

    behaviour: dict[str, Any] = {}
    requests: list[dict[str, str]] = []

    def log_message(self, *args: Any) -> None:
        pass

    def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length).decode("utf-8")
        FakeSparql.requests.append({"auth": self.headers.get("Authorization", ""), "body": body})
        want = self.behaviour
        if want.get("basic") and self.headers.get("Authorization") != want["basic"]:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="test"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if want.get("hang"):
            time.sleep(want["hang"])
        payload = json.dumps(want.get("json", {"head": {"vars": []}, "results": {"bindings": []}}))
        data = want.get("body", payload).encode("utf-8")
        self.send_response(want.get("status", 200))
        self.send_header("Content-Type", want.get("type", "application/sparql-results+json"))
        for key, value in want.get("headers", {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def fake() -> Iterator[tuple[str, dict[str, Any]]]:
    FakeSparql.behaviour = {}
    FakeSparql.requests = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeSparql)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/sparql", FakeSparql.behaviour
    finally:
        httpd.shutdown()
        httpd.server_close()


ROWS = {
    "head": {"vars": ["x"]},
    "results": {"bindings": [{"x": {"type": "literal", "value": str(i)}} for i in range(3)]},
}


def test_basic_authentication(fake: tuple[str, dict[str, Any]]) -> None:
    url, behaviour = fake
    behaviour.update(basic="Basic dTpw", json=ROWS)  # u:p
    assert len(EndpointStore(url, user="u", password="p").select("SELECT ?x {}", {}).rows) == 3
    assert FakeSparql.requests[-1]["auth"] == "Basic dTpw"
    with pytest.raises(StoreError, match=r"refused the user and password \(HTTP 401\)"):
        EndpointStore(url, user="u", password="wrong").select("SELECT ?x {}", {})
    with pytest.raises(StoreError, match="asks for credentials"):
        EndpointStore(url).select("SELECT ?x {}", {})


def test_the_request_names_the_three_graphs(fake: tuple[str, dict[str, Any]]) -> None:
    url, behaviour = fake
    behaviour.update(json=ROWS)
    EndpointStore(url).select("SELECT ?x WHERE { ?x a ckg:State }", {"x": URIRef(CK + "iran")})
    body = FakeSparql.requests[-1]["body"]
    for graph in GRAPHS:
        assert f"default-graph-uri={graph}".replace(":", "%3A") in body
        assert f"named-graph-uri={graph}".replace(":", "%3A") in body
    assert "PREFIX+ckg%3A" in body  # the project's prefixes are declared for the server


@pytest.mark.parametrize(
    "headers",
    [{"X-SQL-State": "S1TAT", "X-SQL-Message": "RC...: Returning incomplete results"}],
)
def test_an_anytime_answer_is_partial(
    fake: tuple[str, dict[str, Any]], headers: dict[str, str]
) -> None:
    url, behaviour = fake
    behaviour.update(json=ROWS, headers=headers)
    with pytest.raises(PartialResult, match="S1TAT"):
        EndpointStore(url).select("SELECT ?x {}", {})
    behaviour.update(headers={}, status=206)
    with pytest.raises(PartialResult, match="206"):
        EndpointStore(url).select("SELECT ?x {}", {})


def test_a_row_limit_header_means_partial(fake: tuple[str, dict[str, Any]]) -> None:
    url, behaviour = fake
    behaviour.update(json=ROWS, headers={"X-SPARQL-MaxRows": "3"})
    with pytest.raises(PartialResult, match="row limit of 3 rows"):
        EndpointStore(url).select("SELECT ?x {}", {})
    # the query's own LIMIT, or max_rows, stopped it: the answer is whole
    assert len(EndpointStore(url).select("SELECT ?x {} LIMIT 3", {}).rows) == 3
    assert len(EndpointStore(url).select("SELECT ?x {}", {}, max_rows=2).rows) == 2
    assert FakeSparql.requests[-1]["body"].split("&")[0].endswith("LIMIT+2")


def test_errors_are_one_line_naming_the_url(fake: tuple[str, dict[str, Any]]) -> None:
    url, behaviour = fake
    behaviour.update(
        status=500,
        type="text/plain",
        body="Virtuoso 37000 Error SP030: SPARQL compiler, line 3: syntax error\n\nSPARQL query:\n",
    )
    with pytest.raises(StoreError) as caught:
        EndpointStore(url).select("SELECT ?x {}", {})
    message = str(caught.value)
    assert message == f"{url}: HTTP 500 Internal Server Error: Virtuoso 37000 Error SP030: " + (
        "SPARQL compiler, line 3: syntax error"
    )
    behaviour.update(body="Virtuoso S1T00 Error SR171: Transaction timed out\n")
    with pytest.raises(QueryTimeout, match="SR171"):
        EndpointStore(url).select("SELECT ?x {}", {})
    behaviour.update(status=200, type="text/html", body="<html>not json</html>")
    with pytest.raises(StoreError, match="not SPARQL JSON"):
        EndpointStore(url).select("SELECT ?x {}", {})


def test_a_silent_server_times_out(fake: tuple[str, dict[str, Any]]) -> None:
    url, behaviour = fake
    behaviour.update(hang=3, json=ROWS)
    began = time.monotonic()
    with pytest.raises(StoreError, match=r"no answer within 0\.5 s"):
        EndpointStore(url, timeout=0.5).select("SELECT ?x {}", {})
    assert time.monotonic() - began < 2.5


def test_unreachable_urls() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/sparql"
    with pytest.raises(StoreError, match=f"^{url}: connection refused"):
        EndpointStore(url).count(DATA_GRAPH)
    with pytest.raises(StoreError, match="not an http"):
        EndpointStore("ftp://example.org/sparql")
    with pytest.raises(StoreError, match="not in the URL"):
        EndpointStore("http://dba:dba@127.0.0.1/sparql")


def test_a_server_that_hangs_up(listener: Any) -> None:
    with pytest.raises(StoreError, match=listener.url.rstrip("/")):
        EndpointStore(listener.url, timeout=5).count(DATA_GRAPH)
    assert listener.connections >= 1


def test_virtuoso_missing_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(virtuoso, "find_virtuoso", lambda: None)
    with pytest.raises(virtuoso.VirtuosoMissing, match="apt-get install virtuoso-opensource"):
        virtuoso.start()


# --- against Virtuoso ---------------------------------------------------------------------


def test_the_graphs_hold_what_rdflib_holds(store: EndpointStore, reference: KnowledgeGraph) -> None:
    for graph in GRAPHS:
        assert store.count(graph) == len(reference.graph(graph)), graph
        assert set(store.triples(graph)) == set(reference.graph(graph)), graph


def test_select_with_bindings(store: EndpointStore, reference: KnowledgeGraph) -> None:
    cases: list[tuple[str, dict[str, Identifier]]] = [
        ("who-backs-whom", {"backer": URIRef(CK + "turkey")}),
        ("who-backs-whom", {"recipient": URIRef(CK + "syrian-armed-opposition")}),
        ("names", {"class": URIRef(CKG + "Actor")}),
        ("names", {"class": URIRef(CKG + "Actor"), "thing": URIRef(CK + "turkey")}),
        ("talks-roles", {"process": URIRef(CK + "astana-process")}),
        ("agreements", {"agreement": URIRef(CK + "de-escalation-memorandum-2017")}),
    ]
    for name, bindings in cases:
        text = queries.named_query(name).text
        got = store.select(text, bindings)
        want = _reference_rows(reference, text, bindings)
        assert got.columns == want.columns
        assert set(_rows(got)) == set(_rows(want)), (name, bindings)
        assert got.rows, (name, bindings)


def test_a_bound_literal_matches_its_value(store: EndpointStore) -> None:
    found = store.select(
        "SELECT ?thing WHERE { ?thing rdfs:label ?name }", {"name": Literal("Turkey", lang="en")}
    )
    assert [row["thing"] for row in found.rows] == [URIRef(CK + "turkey")]
    date = Literal("2017-12-21", datatype=xsd("date"))
    found = store.select("SELECT ?source WHERE { ?source dcterms:date ?date }", {"date": date})
    assert URIRef(CK + "article-004") in {row["source"] for row in found.rows}


def test_ask(store: EndpointStore) -> None:
    text = "ASK { ?state a ckg:State ; rdfs:label ?name }"
    assert store.select(text, {"name": Literal("Iran", lang="en")}).rows == [{"ask": Literal(True)}]
    assert store.select(text, {"name": Literal("Atlantis", lang="en")}).rows == [
        {"ask": Literal(False)}
    ]


def test_load_file_turtle(store: EndpointStore, reference: KnowledgeGraph) -> None:
    graph = URIRef("urn:test:ontology")
    store.clear(graph)
    try:
        added = sum(store.load_file(graph, path, "turtle") for path in resources.ontology_files())
        assert added == len(reference.graph(ONTOLOGY_GRAPH))
        assert set(store.triples(graph)) == set(reference.graph(ONTOLOGY_GRAPH))
    finally:
        store.clear(graph)


def test_insert_constructed_builds_on_the_server(store: EndpointStore) -> None:
    text = queries.named_query("derive-direct-relations").text
    graph = URIRef("urn:test:derived")
    store.clear(graph)
    try:
        assert store.insert_constructed(graph, text) == len(store.construct(text, {}))
        assert set(store.triples(graph)) == set(store.construct(text, {}))
    finally:
        store.clear(graph)


def test_construct(store: EndpointStore, reference: KnowledgeGraph) -> None:
    text = queries.named_query("derive-direct-relations").text
    derived = store.construct(text, {})
    assert len(derived) > 50
    assert set(derived) == _reference_graph(reference, text)
    one = store.construct(
        "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s rdfs:label ?l }", {"s": URIRef(CK + "iran")}
    )
    assert set(one) == {(URIRef(CK + "iran"), RDFS_LABEL, Literal("Iran", lang="en"))}
    with pytest.raises(QueryError, match="CONSTRUCT or DESCRIBE"):
        store.construct("SELECT * { ?s ?p ?o }", {})
    with pytest.raises(QueryError, match="SELECT or ASK"):
        store.select("CONSTRUCT { ?s ?p ?o } { ?s ?p ?o }", {})


def test_max_rows(store: EndpointStore) -> None:
    assert len(store.select("SELECT ?s ?p ?o WHERE { ?s ?p ?o }", {}, max_rows=7).rows) == 7


@pytest.mark.parametrize("text", HOSTILE_TEXT)
def test_hostile_values_are_bound_values_and_change_nothing_else(
    store: EndpointStore, text: str
) -> None:
    before = [store.count(g) for g in GRAPHS]
    query = """
        SELECT ?value ?marker ?thing WHERE {
            BIND ("unchanged" AS ?marker)
            OPTIONAL { ?thing rdfs:label ?value }
        }"""
    found = store.select(query, {"value": Literal(text)})
    assert found.columns == ["value", "marker", "thing"]
    assert found.rows == [{"value": Literal(text), "marker": Literal("unchanged"), "thing": None}]
    # bound in a real query, it finds nothing and breaks nothing
    names = queries.named_query("names").text
    assert store.select(names, {"class": URIRef(CKG + "Actor"), "name": Literal(text)}).rows == []
    assert [store.count(g) for g in GRAPHS] == before


def test_hostile_iris_never_reach_the_server(store: EndpointStore) -> None:
    for iri in ("http://ex/> . } DROP ALL #", "http://ex/a b", 'http://ex/"'):
        with pytest.raises(QueryError):
            store.select("SELECT ?s WHERE { ?s ?p ?o }", {"s": URIRef(iri)})


def test_literals_come_back_as_loaded(store: EndpointStore) -> None:
    """What Virtuoso does to values (booleans as 1/0 in JSON, integers and language tags
    normalised) is undone or is what rdflib does too."""
    graph = URIRef("urn:test:literals")
    subject = URIRef("http://example.org/s")
    values = [  # no two equal in value: Virtuoso would match them both (see below)
        Literal("2017-07-01", datatype=xsd("date")),
        Literal("2017-07-02Z", datatype=xsd("date")),
        Literal("15/03/2011", datatype=xsd("date")),  # ill-typed: kept as written
        Literal("2016", datatype=xsd("gYear")),
        Literal("2015-03", datatype=xsd("gYearMonth")),
        Literal("007", datatype=xsd("integer")),
        Literal("-5", datatype=xsd("integer")),
        Literal("true", datatype=xsd("boolean")),
        Literal("false", datatype=xsd("boolean")),
        Literal("1", datatype=xsd("boolean")),
        Literal("colour", lang="en-GB"),
        Literal("Türkiye", lang="tr"),
        Literal("plain"),
        Literal('a "quoted"\nline\\ with \x01 control and 😀'),
        Literal("abc", datatype=URIRef("http://example.org/datatype")),
    ]
    triples = [(subject, URIRef(f"http://example.org/p{i}"), v) for i, v in enumerate(values)]
    store.clear(graph)
    try:
        assert store.add(graph, triples) == len(triples)
        assert set(store.triples(graph)) == set(triples)
        for triple in triples:
            found = store.select(
                "SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o } }",
                {"s": subject, "p": triple[1]},
            )
            assert found.rows == [], "the store's own graphs only"
        # through the default graph: bind the value and find it back
        with added_to_data(store, triples):
            for _s, p, o in triples:
                if "\x01" in o:  # loaded and read back, but refused as a bound value
                    with pytest.raises(QueryError, match="U\\+0001"):
                        store.select("SELECT ?p WHERE { ?s ?p ?o }", {"s": subject, "o": o})
                    continue
                found = store.select("SELECT ?p WHERE { ?s ?p ?o }", {"s": subject, "o": o})
                assert {row["p"] for row in found.rows} == {q for _, q, v in triples if v == o}
                found = store.select("SELECT ?o WHERE { ?s ?p ?o }", {"s": subject, "p": p})
                assert [row["o"] for row in found.rows] == [o], o
    finally:
        store.clear(graph)
    assert store.count(graph) == 0


def test_virtuoso_matches_literals_by_value(store: EndpointStore) -> None:
    """Virtuoso 7.2 keeps a date, a gYearMonth and a dateTime of the same instant as one
    value, and so the numbers 7 and 7.0e0: a pattern or a bound value matches them all,
    whatever the datatype, and the answer shows the bound term. rdflib and Oxigraph match
    terms. Nothing in a query (sameTerm, datatype()) tells them apart."""
    subject = URIRef("http://example.org/by-value")
    values = [
        Literal("2017-07-01", datatype=xsd("date")),
        Literal("2017-07", datatype=xsd("gYearMonth")),
        Literal("2017-07-01T00:00:00", datatype=xsd("dateTime")),
        Literal("7", datatype=xsd("integer")),
        Literal("7.0", datatype=xsd("double")),
    ]
    triples: list[Triple] = [
        (subject, URIRef(f"http://example.org/p{i}"), v) for i, v in enumerate(values)
    ]
    with added_to_data(store, triples):
        found = store.select("SELECT ?p ?o WHERE { ?s ?p ?o }", {"s": subject})
        assert {(subject, r["p"], r["o"]) for r in found.rows} == set(triples)  # as loaded
        for value, matches in ((values[0], 3), (values[1], 3), (values[3], 2)):
            found = store.select("SELECT ?p WHERE { ?s ?p ?o }", {"s": subject, "o": value})
            assert len(found.rows) == matches, value


def test_blank_nodes_stay_one_node_across_chunks(server: Any) -> None:
    endpoint = _store(server, chunk_triples=1_000)
    graph = URIRef("urn:test:blank")
    node = BNode()
    p = URIRef("http://example.org/p")
    triples: list[Triple] = [(node, p, Literal("first"))]
    triples += [(URIRef(f"http://example.org/n{i}"), p, Literal(i)) for i in range(2_500)]
    triples += [(node, p, Literal("last"))]
    endpoint.clear(graph)
    try:
        assert endpoint.add(graph, triples) == len(triples)
        blank = [s for s, _p, _o in endpoint.triples(graph) if isinstance(s, BNode)]
        assert len(blank) == 2 and blank[0] == blank[1]
    finally:
        endpoint.clear(graph)


def test_load_file_in_chunks(server: Any, tmp_path: Path) -> None:
    endpoint = _store(server, chunk_triples=1_000)
    graph = URIRef("urn:test:file")
    path = tmp_path / "many.nt"
    with path.open("w", encoding="utf-8") as out:
        for i in range(2_500):
            out.write(f'<http://example.org/n{i}> <http://example.org/p> "{i}" .\n')
    endpoint.clear(graph)
    try:
        assert endpoint.load_file(graph, path, "nt") == 2_500
        assert endpoint.load_file(graph, path, "nt") == 0  # twice is once
        broken = tmp_path / "broken.nt"
        broken.write_text("<http://example.org/a> <http://example.org/b> .\n", encoding="utf-8")
        with pytest.raises(StoreError, match="broken.nt, lines 1-1: .*HTTP"):
            endpoint.load_file(graph, broken, "nt")
        with pytest.raises(StoreError, match="N-Triples"):
            endpoint.load_file(graph, path, "rdfxml")
    finally:
        endpoint.clear(graph)


def test_named_graph_isolation(store: EndpointStore, server: Any) -> None:
    """A triple someone else put in another graph of the server is not seen; nor are
    Virtuoso's own system graphs."""
    other = URIRef("urn:someone-else")
    secret = (URIRef("http://example.org/secret"), URIRef(CKG + "backer"), Literal("hidden"))
    store.add(other, [secret])
    try:
        assert store.count(other) == 1
        everything = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
        assert secret not in {(r["s"], r["p"], r["o"]) for r in store.select(everything, {}).rows}
        graphs = store.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", {})
        assert {row["g"] for row in graphs.rows} == set(GRAPHS)
        virtrdf = URIRef("http://www.openlinksw.com/schemas/virtrdf#QuadMapFormat")
        assert store.select("ASK { ?s a ?type }", {"type": virtrdf}).rows == [
            {"ask": Literal(False)}
        ]
        # naming another graph is refused: Virtuoso would read it, or answer ASK true
        with pytest.raises(QueryError, match="not one of the graphs queried"):
            store.select("ASK { GRAPH <urn:someone-else> { ?s ?p ?o } }", {})
    finally:
        store.clear(other)


def test_bad_credentials(server: Any) -> None:
    wrong = EndpointStore(
        server.sparql_url,
        gsp_url=server.gsp_url,
        update_url=server.update_url,
        user="dba",
        password="wrong",
    )
    with pytest.raises(StoreError, match=r"refused the user and password \(HTTP 401\)"):
        wrong.clear(URIRef("urn:test:nothing"))
    with pytest.raises(StoreError, match=r"refused the user and password \(HTTP 401\)"):
        wrong.add(
            URIRef("urn:test:nothing"),
            [(URIRef("http://ex/a"), URIRef("http://ex/b"), Literal("c"))],
        )
    none = EndpointStore(server.sparql_url, gsp_url=server.gsp_url)
    with pytest.raises(StoreError, match="asks for credentials"):
        none.add(
            URIRef("urn:test:nothing"),
            [(URIRef("http://ex/a"), URIRef("http://ex/b"), Literal("c"))],
        )


def test_server_errors_are_one_line(store: EndpointStore) -> None:
    # rdflib takes it; Virtuoso refuses a transitive path with neither end given
    with pytest.raises(StoreError) as caught:
        store.select("SELECT ?a ?b WHERE { ?a rdfs:subClassOf+ ?b }", {})
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{store.url}: HTTP 500")
    assert "transitive start not given" in message


# --- the bundled queries: Virtuoso against rdflib -------------------------------------------

#: Bundled queries whose answer on Virtuoso 7.2 is not rdflib's (on some data or some load
#: of it: Virtuoso's plan decides), and how.
DIFFERENT = {
    "actor-classes": "Virtuoso drops ?broader ckg:Actor when two transitive paths meet "
    "(kg.vocabulary reads it on every store; only Vocabulary.most_specific uses ?broader, "
    "and only imports into files call that, in memory)",
    "names": "unbound ?class: no row (the code always binds ?class, and then it is right)",
    "subclasses": "unbound ?class: Virtuoso needs one end of a transitive path bound (the "
    "code always binds ?class)",
    "timeline-events": "unbound ?type: once the server has answered queries on other data, "
    "the class tests (a path from each row's class) can lose rows, 1 of 14 (kg.reports "
    "binds ?type, and then it is right: tests/test_library.py)",
}
# Fixed in the queries themselves, and so compared here like the others: agreements and
# stats-claims-by-kind (a transitive class test joined to other patterns lost rows: now
# FILTER EXISTS), direct-relation-without-claim-violation (false violations: now the
# direct type), relations (?symmetric came back as 1/0: now a cast to xsd:boolean),
# talks-roles (a row per path of a * path: now DISTINCT).


def _compare(store: EndpointStore, reference: KnowledgeGraph, text: str) -> tuple[Any, Any]:
    shape = query_shape(text)
    if shape.form == "CONSTRUCT":
        return set(store.construct(text, {})), _reference_graph(reference, text)
    ours_rows = store.select(text, {})
    theirs_rows = _reference_rows(reference, text)
    assert ours_rows.columns == theirs_rows.columns
    return _rows(ours_rows), _rows(theirs_rows)


@pytest.mark.parametrize("name", queries.bundled_names())
def test_bundled_queries_give_rdflibs_answer(
    live: LiveServer, store: EndpointStore, reference: KnowledgeGraph, name: str
) -> None:
    """Every bundled query: rdflib's answer (rows as a multiset), or a known difference.

    Virtuoso 7.2.5 died (its process exited, nothing in its log) on a version of
    actor-types.rq with ``FILTER (!BOUND(?type) || NOT EXISTS { ... })`` after a UNION; a
    crash fails here by name, and the next test gets a new server."""
    text = queries.named_query(name).text
    try:
        ours, theirs = _compare(store, reference, text)
    except StoreError as error:
        if live.server is not None and not live.server.alive():
            pytest.fail(f"Virtuoso crashed (its process died) on {name}.rq: {error}")
        if name in DIFFERENT:
            pytest.xfail(f"{DIFFERENT[name]}: {error}")
        raise
    if ours != theirs and name in DIFFERENT:
        pytest.xfail(DIFFERENT[name])
    assert ours == theirs


# --- validation: the compiled shapes on the server -----------------------------------------


def test_validation_on_the_server_gives_pyshacls_results(tmp_path: Path) -> None:
    """Synthetic data (bench/synthetic.py) with two faults added, validated by the shapes compiled
    to SPARQL on Virtuoso and by pySHACL in memory: the same results.

    Virtuoso 7.2.5 answers the negation of a transitive path from a variable of the outer
    query (``MINUS { ?c rdfs:subClassOf* C . ?value a ?c }``, NOT EXISTS) right for the
    first row only: with sh:class so compiled, it reported 840 false results over 10k
    triples where pySHACL found none. The two checks run at a time also parse their queries
    at once, which rdflib's parser cannot (an error now and then)."""
    from kg import validation
    from kg.loading import load_store

    data = tmp_path / "synthetic.nt"
    _bench_module("synthetic").generate(3000, data)
    claim = URIRef(CK + "claim-synthetic-1-1-backs")
    faults = [
        (claim, URIRef(CKG + "source"), URIRef(CK + "synthetic-actor-1")),  # sh:class
        (claim, URIRef(CKG + "backer"), URIRef(CK + "synthetic-article-1")),  # sh:class
    ]
    reference = KnowledgeGraph.open([data], derive=False)
    for triple in faults:
        reference.store.add(DATA_GRAPH, [triple])
    expected = validation.validate_kg(reference, engine="pyshacl").results

    with running() as started:
        spec = started.spec()
        load_store(spec, [data], replace=True)
        on_server = KnowledgeGraph.open(store=spec)
        on_server.store.add(DATA_GRAPH, faults)
        got = validation.validate_kg(on_server).results

    def keys(results: Sequence[validation.ValidationResult]) -> list[tuple[Any, ...]]:
        return sorted(
            (r.focus_node, r.path, r.shape, r.constraint, r.severity, r.message, r.value)
            for r in results
        )

    # The faults give sh:class results (and sh:maxCount ones: a second source, backer).
    classes = [r for r in expected if r.constraint == "ClassConstraintComponent"]
    assert len(classes) == 2
    assert keys([r for r in got if r.constraint == "ClassConstraintComponent"]) == keys(classes)
    # No false result. Not yet all of them: on a server just started, the sh:maxCount result
    # on ckg:backer is missing (the same query on a server that has run others finds it).
    assert set(keys(got)) <= set(keys(expected))
    assert len(got) >= len(expected) - 1


# --- limits: a second server with small ones ------------------------------------------------


@pytest.fixture(scope="module")
def small() -> Iterator[EndpointStore]:
    """A server that sends at most 1,000 rows and stops queries after 2 s, holding 6,000
    labelled nodes in the data graph."""
    started = _start(sparql={"ResultSetMaxRows": 1000, "MaxQueryExecutionTime": 2})
    try:
        endpoint = _store(started, timeout=60)
        label = URIRef(str(queries.PREFIXES["rdfs"]) + "label")
        endpoint.add(
            DATA_GRAPH,
            (
                (URIRef(f"http://example.org/n{i}"), label, Literal(f"node {i}"))
                for i in range(6000)
            ),
        )
        yield endpoint
    finally:
        started.stop()


EXPENSIVE = """SELECT (COUNT(*) AS ?n) WHERE {
    ?a rdfs:label ?x . ?b rdfs:label ?y . ?c rdfs:label ?z .
    FILTER (STRLEN(?x) + STRLEN(?y) < STRLEN(?z) + 1)
}"""


def test_row_limit_is_a_partial_result(small: EndpointStore) -> None:
    everything = "SELECT ?s ?o WHERE { ?s rdfs:label ?o }"
    with pytest.raises(PartialResult, match="row limit of 1,000 rows"):
        small.select(everything, {})
    assert len(small.select(everything + " LIMIT 1000", {}).rows) == 1000
    assert len(small.select(everything, {}, max_rows=999).rows) == 999
    assert len(small.select(everything, {}, max_rows=1000).rows) == 1000
    with pytest.raises(PartialResult):
        small.select(everything, {}, max_rows=1001)
    assert small.server_max_rows() == 1000
    with pytest.raises(PartialResult, match="limit of 1,000 triples"):
        small.construct("CONSTRUCT { ?s rdfs:label ?o } WHERE { ?s rdfs:label ?o }", {})
    assert len(small.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 10", {})) == 10


def test_triples_are_read_whole_past_the_row_limit(small: EndpointStore) -> None:
    assert small.count(DATA_GRAPH) == 6000
    read = set(small.triples(DATA_GRAPH))
    assert len(read) == 6000
    assert (
        URIRef("http://example.org/n5999"),
        URIRef(str(queries.PREFIXES["rdfs"]) + "label"),
        Literal("node 5999"),
    ) in read


def test_anytime_timeout_is_a_partial_result(small: EndpointStore) -> None:
    """With Virtuoso's ``timeout`` parameter the server stops and answers HTTP 200 with a
    count that is too small, flagged only by X-SQL-State: S1TAT."""
    hurried = EndpointStore(small.url, server_timeout=0.5)
    began = time.monotonic()
    with pytest.raises(PartialResult, match="S1TAT"):
        hurried.select(EXPENSIVE, {})
    assert time.monotonic() - began < 10


def test_server_time_limit_is_a_timeout(small: EndpointStore) -> None:
    """Past MaxQueryExecutionTime (without the timeout parameter) Virtuoso answers HTTP 500
    S1T00 SR171: nothing comes back."""
    with pytest.raises(QueryTimeout, match="SR171"):
        small.select(EXPENSIVE, {})


def test_a_server_is_stopped_and_removed_even_on_error() -> None:
    with pytest.raises(RuntimeError, match="boom"):
        with running() as started:
            assert started.alive()
            raise RuntimeError("boom")
    assert not started.alive()
    assert not started.folder.exists()
    assert started not in virtuoso._RUNNING


@pytest.fixture(scope="module", autouse=True)
def no_server_left() -> Iterator[None]:
    """Set up first, torn down last: every server this module started has been stopped."""
    yield
    leftover = list(virtuoso._RUNNING)
    virtuoso._stop_all()
    assert leftover == [], "a Virtuoso was left running"
