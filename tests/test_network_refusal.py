"""No query reaches the network unless the user asks, on the memory and Oxigraph stores.

rdflib checked a query that Oxigraph then ran, and the two read some texts differently (a
comment ended by a carriage return, a \\u escape before a string's closing quote), so
SERVICE reached a listener from ``--store``. Each spelling below runs against a listener on
127.0.0.1 on both stores: none may connect, and each is refused with exit code 4, or runs
without the network (exit 0), or is a syntax error (exit 3), as its row says.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Literal, URIRef

from kg.cli import cli
from kg.graph import StoreSpec
from kg.loading import load_store
from kg.queries import guard
from tests.conftest import TESTS, Listener

REFUSED, RAN, SYNTAX = 4, 0, 3
S = "SERVICE <{url}a> {{ ?s ?p ?o }}"

# (name, query template with {url}, expected exit code)
CORPUS: list[tuple[str, str, int]] = [
    ("plain", "SELECT * WHERE {{ " + S + " }}", REFUSED),
    ("lower", "select * where {{ service <{url}a> {{ ?s ?p ?o }} }}", REFUSED),
    ("mixed case", "SELECT * WHERE {{ SeRvIcE <{url}a> {{ ?s ?p ?o }} }}", REFUSED),
    ("\\u in the middle", "SELECT * {{ SERV\\u0049CE <{url}a> {{ ?s ?p ?o }} }}", REFUSED),
    ("\\u first letter", "SELECT * {{ \\u0053ERVICE <{url}a> {{ ?s ?p ?o }} }}", REFUSED),
    ("\\u lower hex", "SELECT * {{ servic\\u0065 <{url}a> {{ ?s ?p ?o }} }}", REFUSED),
    ("\\U eight digits", "SELECT * {{ \\U00000053ERVICE <{url}a> {{ ?s ?p ?o }} }}", REFUSED),
    (
        "every letter escaped",
        "SELECT * {{ "
        + "".join(f"\\u{ord(c):04X}" for c in "SERVICE")
        + " <{url}a> {{ ?s ?p ?o }} }}",
        REFUSED,
    ),
    ("SILENT", "SELECT * {{ SERVICE SILENT <{url}a> {{ ?s ?p ?o }} }}", REFUSED),
    ("silent lower", "SELECT * {{ service silent <{url}a> {{ ?s ?p ?o }} }}", REFUSED),
    ("variable", "SELECT * {{ VALUES ?e {{ <{url}a> }} SERVICE ?e {{ ?s ?p ?o }} }}", REFUSED),
    ("$variable", "SELECT * {{ VALUES $e {{ <{url}a> }} SERVICE $e {{ ?s ?p ?o }} }}", REFUSED),
    ("subquery", "SELECT * {{ {{ SELECT * {{ " + S + " }} }} }}", REFUSED),
    ("OPTIONAL", "SELECT * {{ ?a ?b ?c OPTIONAL {{ " + S + " }} }}", REFUSED),
    ("UNION", "SELECT * {{ {{ ?a ?b ?c }} UNION {{ " + S + " }} }}", REFUSED),
    ("MINUS", "SELECT * {{ ?a ?b ?c MINUS {{ " + S + " }} }}", REFUSED),
    ("FILTER EXISTS", "SELECT * {{ ?a ?b ?c FILTER EXISTS {{ " + S + " }} }}", REFUSED),
    ("BIND EXISTS", "SELECT * {{ BIND(EXISTS {{ " + S + " }} AS ?x) }}", REFUSED),
    ("GRAPH", "SELECT * {{ GRAPH ?g {{ " + S + " }} }}", REFUSED),
    ("no spaces", "SELECT*{{SERVICE<{url}a>{{?s ?p ?o}}}}", REFUSED),
    ("after a dot", "SELECT * {{ ?a ?b ?c .SERVICE <{url}a> {{ ?s ?p ?o }} }}", REFUSED),
    ("tabs and newlines", "SELECT * {{\n\tSERVICE\n\t<{url}a>\n{{ ?s ?p ?o }} }}", REFUSED),
    ("PREFIX", "PREFIX e: <{url}> SELECT * WHERE {{ SERVICE e:x {{ ?s ?p ?o }} }}", REFUSED),
    ("BASE", "BASE <{url}> SELECT * {{ SERVICE <a> {{ ?s ?p ?o }} }}", REFUSED),
    ("BASE, empty IRI", "BASE <{url}> SELECT * {{ SERVICE <> {{ ?s ?p ?o }} }}", REFUSED),
    ("escaped IRI", "SELECT * {{ SERVICE \\u003C{url}a\\u003E {{ ?s ?p ?o }} }}", REFUSED),
    ("CONSTRUCT", "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ " + S + " }}", REFUSED),
    ("ASK", "ASK {{ " + S + " }}", REFUSED),
    ("DESCRIBE", "DESCRIBE ?s WHERE {{ " + S + " }}", REFUSED),
    # comments: SPARQL ends one at a line feed or a carriage return, nothing else
    ("comment ended by \\r", "SELECT * WHERE {{ # x\r " + S + " \n}}", REFUSED),
    ("comment ended by \\r\\n", "SELECT * WHERE {{ # x\r\n " + S + " \n}}", REFUSED),
    ("comment ended by \\n", "SELECT * WHERE {{ # x\n " + S + " \n}}", REFUSED),
    ("comment not ended by \\f", "SELECT * WHERE {{ # x\f " + S + " \n}}", RAN),
    ("comment not ended by \\v", "SELECT * WHERE {{ # x\v " + S + " \n}}", RAN),
    ("comment not ended by U+2028", "SELECT * WHERE {{ # x\u2028 " + S + " \n}}", RAN),
    ("comment ended by \\u000D", "SELECT * WHERE {{ # x\\u000D " + S + " \n}}", REFUSED),
    ("comment ended by \\u000A", "SELECT * WHERE {{ # x\\u000A " + S + " \n}}", REFUSED),
    ("comment begun by \\u0023", "SELECT * WHERE {{ ?s ?p ?o \\u0023 " + S + " \n}}", RAN),
    ("only in a comment", "SELECT * WHERE {{ ?s ?p ?o }} # " + S, RAN),
    # strings that hide braces, quotes and '#'
    (
        "\\u005C before a closing quote",
        'SELECT * WHERE {{ VALUES ?x {{ "A\\u005C" }} SERVICE <{url}b> {{ ?s ?p ?o }} '
        'VALUES ?y {{ "}} # " }}\n}}',
        RAN,
    ),
    ("\\u0022 opening a string", "SELECT * {{ BIND(\\u0022 " + S + " \\u0022 AS ?x) }}", RAN),
    ("brace in a string", 'SELECT * {{ BIND("}}" AS ?x) ' + S + " }}", REFUSED),
    ("'#' in a string", 'SELECT * {{ BIND("#" AS ?x) ' + S + " }}", REFUSED),
    ("'#' in a single-quoted string", "SELECT * {{ BIND('#' AS ?x) " + S + " }}", REFUSED),
    ("escaped quote in a string", 'SELECT * {{ BIND("\\"#" AS ?x) ' + S + " }}", REFUSED),
    ("in a string", 'SELECT * {{ BIND("' + S + '" AS ?x) }}', RAN),
    ("in a long string", 'SELECT * {{ BIND("""\n' + S + '\n""" AS ?x) }}', RAN),
    ("in a long single-quoted string", "SELECT * {{ BIND('''" + S + "''' AS ?x) }}", RAN),
    ("long string with '#'", 'SELECT * {{ BIND("""#\n""" AS ?x) ' + S + " }}", REFUSED),
    ("\\ before \u0022", 'SELECT * {{ BIND("\\\\u0022" AS ?x) ' + S + " }}", REFUSED),
    ("backslash-u lookalike", 'SELECT * {{ BIND("\\\\u005Cu0041" AS ?x) ' + S + " }}", SYNTAX),
    ("in an IRI", "SELECT * {{ ?s <{url}SERVICE> ?o }}", RAN),
    ("a variable named ?service", "SELECT ?service {{ ?service ?p ?o }}", RAN),
    ("non-breaking space", "SELECT * {{\u00a0" + S + " }}", SYNTAX),
    ("escape naming no character", "SELECT * {{ \\uD800 " + S + " }}", SYNTAX),
    # found by a red team: no space after the keyword, a digit before it, and SERVICE in
    # an EXISTS inside a function's arguments (which rdflib keeps apart from its tree)
    ("SILENT glued on", "SELECT * {{ ?s ?p ?o SERVICESILENT <{url}a> {{ ?a ?b ?c }} }}", REFUSED),
    (
        "a prefixed name glued on",
        "PREFIX : <{url}> SELECT * {{ ?s ?p ?o SERVICE:x {{ ?a ?b ?c }} }}",
        REFUSED,
    ),
    ("a digit before", "SELECT * {{ ?s ?p 1SERVICE <{url}a> {{ ?a ?b ?c }} }}", REFUSED),
    (
        "EXISTS in COALESCE",
        'PREFIX : <{url}> SELECT * {{ BIND("SERVICE <{url}> {{ ?a ?b ?c }}" AS ?z) ?s ?p ?o '
        "FILTER(COALESCE(EXISTS{{ SERVICE :x {{ ?a ?b ?c }} }})) }} LIMIT 1",
        REFUSED,
    ),
    ("EXISTS in IN", "SELECT * {{ ?s ?p ?o FILTER(true IN (EXISTS {{ " + S + " }})) }}", REFUSED),
    ("EXISTS in CONCAT", "SELECT * {{ BIND(CONCAT(STR(EXISTS {{ " + S + " }})) AS ?x) }}", REFUSED),
    ("byte order mark", "\ufeffSELECT * {{ ?s ?p ?o }} LIMIT 1", RAN),
    # datasets and updates
    ("FROM", "SELECT * FROM <{url}g> WHERE {{ ?s ?p ?o }}", REFUSED),
    ("from lower", "select * from <{url}g> where {{ ?s ?p ?o }}", REFUSED),
    ("FROM NAMED", "SELECT * FROM NAMED <{url}g> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", REFUSED),
    ("F\\u0052OM", "SELECT * F\\u0052OM <{url}g> WHERE {{ ?s ?p ?o }}", REFUSED),
    ("FROM with BASE", "BASE <{url}> SELECT * FROM <g> WHERE {{ ?s ?p ?o }}", REFUSED),
    ("FROM with PREFIX", "PREFIX e: <{url}> SELECT * FROM e:g WHERE {{ ?s ?p ?o }}", REFUSED),
    ("FROM after a comment ended by \\r", "SELECT * # x\rFROM <{url}g> {{ ?s ?p ?o }}", REFUSED),
    ("LOAD", "LOAD <{url}g>", REFUSED),
    ("LOAD SILENT INTO", "load silent <{url}g> into graph <urn:g>", REFUSED),
    ("L\\u004FAD", "L\\u004FAD <{url}g>", REFUSED),
]


@pytest.fixture(scope="module")
def tiny_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("refusal") / "store"
    load_store(StoreSpec(folder=folder), [TESTS / "data" / "tiny.ttl"])
    return folder


def _run(store: str, where: Path, args: list[str]) -> tuple[int, str]:
    place = ["--data", str(TESTS / "data" / "tiny.ttl")] if store == "memory" else []
    env = {"KG_STORE": str(where)} if store == "oxigraph" else {}
    result = CliRunner().invoke(cli, ["query", *args, *place], env=env)
    return result.exit_code, result.output


def test_the_corpus_is_big_enough() -> None:
    assert len(CORPUS) >= 50
    assert len({name for name, _, _ in CORPUS}) == len(CORPUS)


@pytest.mark.parametrize("store", ["memory", "oxigraph"])
@pytest.mark.parametrize(("name", "template", "expected"), CORPUS, ids=[c[0] for c in CORPUS])
def test_no_spelling_reaches_the_network(
    store: str,
    name: str,
    template: str,
    expected: int,
    listener: Listener,
    tiny_store: Path,
    tmp_path: Path,
) -> None:
    text = template.format(url=listener.url)
    code, output = _run(store, tiny_store, ["-e", text])
    assert listener.connections == 0, f"{name}: connected ({output})"
    assert code == expected, f"{name}: exit {code}: {output}"
    if expected == REFUSED:
        assert "refused" in output and "--allow-network" in output
    if expected != RAN:
        assert output.startswith("Error: ") and output.count("\n") == 1, output
    if not any(mark in text for mark in ("\r", "\\", '"', "'")):
        return
    # the same text from a .rq file, which is read without translating its line ends
    query_file = tmp_path / "q.rq"
    query_file.write_text(text, encoding="utf-8", newline="")
    code, output = _run(store, tiny_store, [str(query_file)])
    assert listener.connections == 0, f"{name} (file): connected ({output})"
    assert code == expected, f"{name} (file): exit {code}: {output}"


LIVE = ["plain", "comment ended by \\r", "\\u in the middle", "escaped IRI"]


@pytest.mark.parametrize(
    ("store", "name"),
    [("memory", n) for n in LIVE]
    + [("oxigraph", n) for n in [*LIVE, "no spaces", "PREFIX", "BASE"]],
)
def test_the_refused_spellings_do_connect_when_allowed(
    store: str, name: str, listener: Listener, tiny_store: Path
) -> None:
    # Proves the corpus is not vacuous: these spellings are live SERVICE calls.
    template = next(t for n, t, _ in CORPUS if n == name)
    _run(store, tiny_store, ["-e", template.format(url=listener.url), "--allow-network"])
    assert listener.connections >= 1


def test_the_engine_gets_the_text_the_check_read() -> None:
    # Oxigraph ends a comment at \r: so does the text it is given, which holds no comment.
    text = "SELECT * WHERE { # x\r ?s ?p ?o \n}"
    assert guard.canonical(text) == "SELECT * WHERE {\n?s ?p ?o\n}"
    # a \u escape before a string's quote escapes the quote, by SPARQL 1.1's rules
    assert guard.canonical('SELECT * { BIND("A\\u005C" AS ?x) " AS ?y) }') == (
        'SELECT * { BIND("A\\" AS ?x) " AS ?y) }'
    )
    assert guard.network_words('SELECT * { BIND("SERVICE" AS ?service) }') == []
    # what a store runs with no rdflib parse (OxigraphStore._query) is refused by the guard
    for glued in ("SERVICESILENT <x> {}", "1SERVICE <x> {}", "SERVICE:x {}", "SERVICE<x>{}"):
        assert guard.network_words("SELECT * { ?s ?p " + glued + " }") == ["SERVICE"]
    for name in ("?from", "$service", "ex:wasDerivedFrom", "ex:service", '"x"@en-from'):
        assert guard.network_words("SELECT * { ?s ?p " + name + " }") == []
    assert guard.network_words("SELECT * { ?s ?p ?o .service <x> {} }") == ["service"]


# --- texts built to be read two ways: whatever the guard passes, no engine takes out -------

# Each opener may start a comment or a string for one parser and not for another; each
# closer may end it. A SERVICE clause sits between them.
OPENERS = [
    "# x\r",
    "# x\f",
    "# x\u2028",
    "# x\\u000D",
    "# x\u0085",
    "#\r\n",
    'BIND("A\\u005C" AS ?a) ',
    "BIND('A\\u005C' AS ?a) ",
    'BIND("""A\\u005C""" AS ?a) ',
    'BIND("A\\U0000005C" AS ?a) ',
    "\\u0023 ",
    "BIND(\\u0022 ",
    "BIND(\\u0027 ",
    "BIND('''",
    'BIND("""',
    'BIND("\\\\u0022" AS ?a) ',
    'BIND("\\\\" AS ?a) ',
    "<http://x\\u003E ",
    "?a <?b#> ",
]
CLOSERS = [
    "\n",
    "\r",
    "",
    ' BIND("} # " AS ?b)\n',
    " BIND('} # ' AS ?b)\n",
    " \\u0022 AS ?b)",
    " \\u0027 AS ?b)",
    "''' AS ?b)",
    '""" AS ?b)',
    ' " AS ?b)',
    " ' AS ?b)",
    "\n#\n",
]


def _two_way_texts(url: str) -> list[str]:
    service = f"SERVICE <{url}a> {{ ?s ?p ?o }}"
    return [
        "SELECT * WHERE { ?s ?p ?o . " + opener + sep + service + sep + closer + " }"
        for opener in OPENERS
        for closer in CLOSERS
        for sep in (" ", "\n", "\r")
    ]


def test_no_text_read_two_ways_reaches_the_network(listener: Listener) -> None:
    import pyoxigraph as ox
    from rdflib.plugins.sparql.parser import parseQuery

    from kg.errors import KGError
    from kg.queries import prepare
    from kg.stores.memory import MemoryStore

    one = ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.Literal("o"))
    oxigraph = ox.Store()
    oxigraph.add(one)  # a row for ?s ?p ?o, so that the SERVICE after it is evaluated
    memory = MemoryStore()
    memory.dataset.add((URIRef("urn:s"), URIRef("urn:p"), Literal("o")))
    texts = _two_way_texts(listener.url)
    ran = 0
    for text in texts:
        try:
            engine = guard.checked(text)
        except KGError:
            continue
        try:  # Oxigraph runs the text the guard gave it, as OxigraphStore does
            answer = oxigraph.query(engine)
            ran += 1
            list(answer)  # type: ignore[call-overload]
        except (SyntaxError, OSError, RuntimeError, ValueError, TypeError):
            pass
        try:  # rdflib runs the query it parsed from that text, as MemoryStore does
            list(memory.dataset.query(prepare(text)))
        except Exception:  # noqa: BLE001 - only the connection count matters here
            pass
        assert listener.connections == 0, repr(text)
    assert ran >= 30  # Oxigraph parsed and ran that many of the texts the guard let through
    # Not vacuous: run as written, with rdflib's check alone (the old way), texts of this
    # set did reach the listener.
    for text in texts:
        try:
            if "ServiceGraphPattern" in repr(parseQuery(text)):
                continue
            list(oxigraph.query(text))  # type: ignore[call-overload]
        except Exception:  # noqa: BLE001
            pass
    assert listener.connections > 0


# --- the SPARQL that shapes carry: pySHACL and the compiled engine run it -----------------

SHAPE = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
ex:S a sh:NodeShape ; sh:targetClass <https://w3id.org/conflict-kg/ontology#State> ;
  sh:sparql [ sh:select \"\"\"{query}\"\"\" ] .
"""
TARGET = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
ex:S a sh:NodeShape ; sh:target [ a sh:SPARQLTarget ; sh:select \"\"\"{query}\"\"\" ] ;
  sh:property [ sh:path ex:p ; sh:minCount 0 ] .
"""
SHAPE_QUERIES = [
    # found by a hostile review: pySHACL's own SERVICE check is a pattern that \u passes, and
    # the compiled engine in memory ran the text on an Oxigraph that ends comments at \r
    (
        "\\u in a constraint",
        SHAPE,
        "SELECT $this WHERE {{ $this a ?c . OPTIONAL {{ SERV"
        "\\\\u0049CE <{url}s> {{ ?a ?b ?c }} }} }}",
        REFUSED,
    ),
    (
        "comment ended by \\r",
        SHAPE,
        "SELECT $this WHERE {{ $this ?p ?o # c\rSERVICE <{url}s> {{ ?a ?b ?c }} \n }}",
        REFUSED,
    ),
    ("FROM", SHAPE, "SELECT $this FROM <{url}g> WHERE {{ $this ?p ?o }}", REFUSED),
    ("FROM NAMED", SHAPE, "SELECT $this FROM NAMED <{url}g> WHERE {{ $this ?p ?o }}", REFUSED),
    ("a target", TARGET, "SELECT ?this WHERE {{ SERVICE <{url}t> {{ ?this ?b ?c }} }}", REFUSED),
    (
        "\\u005C before a quote",
        SHAPE,
        'SELECT $this WHERE {{ $this a ?c . BIND("A\\\\u005C" AS ?x)'
        ' SERVICE <{url}s> {{ ?a ?b ?c }} BIND(" AS ?y) FILTER(false) }}',
        RAN,  # no SERVICE by the SPARQL 1.1 rules; pySHACL's own pattern refuses it (13)
    ),
]


@pytest.mark.parametrize("store", ["memory", "oxigraph"])
@pytest.mark.parametrize("engine", ["auto", "pyshacl", "sparql"])
@pytest.mark.parametrize(
    ("name", "template", "query", "expected"), SHAPE_QUERIES, ids=[q[0] for q in SHAPE_QUERIES]
)
def test_no_shape_reaches_the_network(
    store: str,
    engine: str,
    name: str,
    template: str,
    query: str,
    expected: int,
    listener: Listener,
    tiny_store: Path,
    tmp_path: Path,
) -> None:
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(template.format(query=query.format(url=listener.url)), newline="")
    where = (
        ["--store", str(tiny_store)] if store == "oxigraph" else [str(TESTS / "data" / "tiny.ttl")]
    )
    args = ["validate", "--engine", engine, "--shapes", str(shapes), *where]
    result = CliRunner().invoke(cli, args)
    assert listener.connections == 0, f"{name}: connected ({result.output})"
    assert "Traceback" not in result.output
    runs_pyshacl = engine == "pyshacl" or (engine == "auto" and store == "memory")
    if expected == RAN and runs_pyshacl:
        assert result.exit_code == 13 and "federated query" in result.output, result.output
    else:
        assert result.exit_code == expected, result.output
    if expected == REFUSED:
        assert result.output.startswith("Error: shape ") and "refused" in result.output
