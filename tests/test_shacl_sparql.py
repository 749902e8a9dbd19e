"""The SHACL shapes compiled into SPARQL (kg.shacl_sparql) give exactly pySHACL's results.

The reference is kg.validation.validate (pySHACL, with the SPARQL-based constraints run once
over the graph), without the integrity queries ``kg/queries/*-violation.rq``, which are no
shapes. The compiled checks run over the very graph that validate() handed to pySHACL (so
blank nodes keep their ids) twice: through rdflib's SPARQL engine, and through Oxigraph.
Results are compared as lists (so a duplicate would show) on focus node, path, shape,
constraint component, severity, value and message.

Oxigraph keeps a valid literal as its value, so it gives back ``8.0``^^xsd:decimal as "8":
for Oxigraph the expected values are written as Oxigraph writes the same literal.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from unittest import mock

import pyoxigraph
import pyshacl
import pytest
from rdflib import RDF, BNode, Graph, Literal
from rdflib.namespace import SH
from rdflib.term import Node

import kg.validation as validation
from kg.shacl_sparql import (
    Check,
    UnsupportedShape,
    compile_shapes,
    from_oxigraph,
    oxigraph_select,
    oxigraph_store,
    rdflib_select,
    run_checks,
    to_oxigraph,
)
from kg.validation import ValidationResult

TESTS = Path(__file__).resolve().parent
VALID_FILES = sorted((TESTS / "shapes" / "valid").glob("*.ttl"))
INVALID_FILES = sorted((TESTS / "shapes" / "invalid").glob("*.ttl"))

Key = tuple[str, str | None, str, str, str, str | None, str]

HEAD = """
@prefix ckg: <https://w3id.org/conflict-kg/ontology#> .
@prefix ck: <https://w3id.org/conflict-kg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix time: <http://www.w3.org/2006/time#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
"""

# Corners of pySHACL's reading of literals and of SHACL instances: dates rdflib reads or
# does not (a time zone, 29 February, 31 April), integers with spaces, a boolean and a
# decimal as round numbers, language-tagged and typed text, literals where IRIs belong, a
# blank-node claim, and a class of claims and a class of actors declared in the data.
EDGE_CASES = """
ck:round-a a ckg:TalksRound ; rdfs:label "A" ; ckg:partOfProcess ck:process ;
    ckg:roundNumber " 5"^^xsd:integer ;
    ckg:start "2017-07-01Z"^^xsd:date ; ckg:startPrecision time:unitDay ;
    ckg:end "2017-02-29"^^xsd:date ; ckg:endPrecision time:unitDay .
ck:round-b a ckg:TalksRound ; rdfs:label "B"@en ; ckg:partOfProcess ck:process ;
    ckg:roundNumber "true"^^xsd:boolean ;
    ckg:start "2016-02-29"^^xsd:date ; ckg:startPrecision time:unitDay ;
    ckg:end "2017-04-31"^^xsd:date ; ckg:endPrecision time:unitDay .
ck:round-c a ckg:TalksRound ; rdfs:label "C"^^xsd:string ; ckg:partOfProcess ck:process ;
    ckg:roundNumber "3"^^xsd:decimal , -2 ;
    ckg:start "0900-01-01"^^xsd:date ; ckg:startPrecision time:unitYear ;
    ckg:end "2017-1-1"^^xsd:date ; ckg:endPrecision time:unitYear .
ck:process a ckg:PeaceProcess ; rdfs:label "P" ; skos:altLabel ck:not-text .

ck:BackingClaim rdfs:subClassOf ckg:SupportClaim .
ck:Warlord rdfs:subClassOf ck:Strongman .
ck:Strongman rdfs:subClassOf ckg:Person .
ck:lord a ck:Warlord ; rdfs:label "Lord" .

[] a ck:BackingClaim ;
    ckg:backer ck:lord ; ckg:recipient "the rebels" ;
    ckg:supportKind "weapons" , ckg:WeaponsSupport ;
    ckg:status "Asserted" ;
    ckg:source ck:doc ; ckg:quote "Quoted"@en , ck:not-text ;
    ckg:start "2017-07"^^xsd:gYearMonth ; ckg:startPrecision time:unitMonth .
ck:doc a ckg:NewsArticle ; dcterms:title "Doc" ;
    dcterms:date "2017-12-21T10:00:00"^^xsd:dateTime , "2017-12-21"^^xsd:date ;
    ckg:datePrecision time:unitDay .
"""


def key(result: ValidationResult) -> Key:
    return (
        result.focus_node,
        result.path,
        result.shape,
        result.constraint,
        result.severity,
        result.value,
        result.message,
    )


@functools.cache
def bundled_checks() -> list[Check]:
    return compile_shapes(validation.shapes_graph())


@functools.cache
def reference(paths: tuple[Path, ...] | None) -> tuple[list[Key], Graph]:
    """kg.validation's results for ``paths`` (None: the bundled data) from the shapes, and
    the data graph (ontology and data) that pySHACL validated."""
    captured: list[Graph] = []
    real = pyshacl.validate

    def spy(data: Graph, **options: Any) -> Any:
        captured.append(data)
        return real(data, **options)

    with mock.patch.object(pyshacl, "validate", spy):
        report = validation.validate(list(paths) if paths is not None else None)
    assert len(captured) == 1
    results = [
        key(r) for r in report.results if not r.shape.startswith(validation.VIOLATION_QUERY_NS)
    ]
    return sorted(results, key=repr), captured[0]


def oxigraph_values(data: Graph) -> dict[str, str]:
    """For each literal of ``data`` that Oxigraph writes another way, its text -> Oxigraph's."""
    literals = {o for o in data.objects() if isinstance(o, Literal)}
    store = pyoxigraph.Store()
    by_text: dict[str, set[str]] = {}
    for n, literal in enumerate(sorted(literals, key=repr)):
        subject = pyoxigraph.NamedNode(f"urn:x:{n}")
        store.add(pyoxigraph.Quad(subject, subject, to_oxigraph(literal)))
        stored = next(iter(store.quads_for_pattern(subject, None, None))).object
        by_text.setdefault(str(literal), set()).add(str(from_oxigraph(stored)))
    changed = {text: found for text, found in by_text.items() if found != {text}}
    assert all(len(found) == 1 for found in changed.values()), f"ambiguous: {changed}"
    return {text: found.pop() for text, found in changed.items()}


def compiled(data: Graph, engine: str, checks: Sequence[Check]) -> list[Key]:
    if engine == "rdflib":
        results = run_checks(rdflib_select(data), checks)
    else:
        results = run_checks(oxigraph_select(oxigraph_store(data)), checks)
    return sorted(map(key, results), key=repr)


def expected_for(engine: str, expected: list[Key], data: Graph) -> list[Key]:
    if engine == "rdflib":
        return expected
    values = oxigraph_values(data)
    return sorted(
        ((*k[:5], values.get(k[5], k[5]) if k[5] is not None else None, k[6]) for k in expected),
        key=repr,
    )


def describe(keys: Sequence[Key]) -> str:
    return "\n".join(f"  {k}" for k in keys) or "  (none)"


def assert_same(engine: str, paths: tuple[Path, ...] | None) -> list[Key]:
    expected, data = reference(paths)
    got = compiled(data, engine, bundled_checks())
    want = expected_for(engine, expected, data)
    assert got == want, (
        f"{engine} differs from pySHACL\nmissing:\n{describe([k for k in want if k not in got])}"
        f"\nextra:\n{describe([k for k in got if k not in want])}"
    )
    return got


ENGINES = ("rdflib", "oxigraph")


def test_every_bundled_message_comes_from_the_shapes() -> None:
    """So that comparing messages compares the shapes' words, not two default wordings."""
    shapes = validation.shapes_graph()
    messages = {str(m) for m in shapes.objects(None, SH.message)}
    checks = bundled_checks()
    assert len(checks) > 50
    assert all(check.message in messages for check in checks)
    assert {check.severity for check in checks} == {"Violation", "Warning"}
    assert any(check.value_test is not None for check in checks)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    "path", [*VALID_FILES, *INVALID_FILES], ids=[p.name for p in [*VALID_FILES, *INVALID_FILES]]
)
def test_shape_fixture_gives_pyshacls_results(engine: str, path: Path) -> None:
    got = assert_same(engine, (path,))
    if path in INVALID_FILES:
        assert got, f"{path.name}: an invalid fixture must give a result"
    else:
        assert not got


@pytest.mark.parametrize("engine", ENGINES)
def test_bundled_data_gives_pyshacls_results(engine: str) -> None:
    assert assert_same(engine, None) == []


@pytest.mark.parametrize("engine", ENGINES)
def test_all_invalid_fixtures_at_once(engine: str) -> None:
    """One graph with every fault: the fixtures share IRIs, so counts add up across files."""
    got = assert_same(engine, tuple(INVALID_FILES))
    assert len(got) > 100
    assert len({k[2] for k in got}) > 15  # results of many shapes
    assert {k[4] for k in got} == {"Violation", "Warning"}


@pytest.fixture(scope="module")
def edge_case_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("edge") / "edge-cases.ttl"
    path.write_text(HEAD + EDGE_CASES, encoding="utf-8")
    return path


@pytest.mark.parametrize("engine", ENGINES)
def test_edge_cases_give_pyshacls_results(engine: str, edge_case_file: Path) -> None:
    got = assert_same(engine, (edge_case_file,))
    components = {k[3] for k in got}
    # The corners above do reach the constraints they are about.
    assert {
        "DatatypeConstraintComponent",
        "MinInclusiveConstraintComponent",
        "ClassConstraintComponent",
        "NodeConstraintComponent",
        "InConstraintComponent",
        "NodeKindConstraintComponent",
        "MaxCountConstraintComponent",
    } <= components
    assert any(k[0].startswith("http") is False for k in got)  # the blank-node claim


# ---------------------------------------------------------------------------------------------
# Shapes other than the bundled ones: what else the compiler claims to support, against pySHACL
# ---------------------------------------------------------------------------------------------

OTHER_SHAPES = """
ex:Thing a sh:NodeShape ;
    sh:targetNode ex:a , ex:b , ex:absent ;
    sh:targetObjectsOf ex:knows ;
    sh:nodeKind sh:IRI ;
    sh:class ex:Kind ;
    sh:property [ sh:path ex:name ; sh:minCount 2 ; sh:maxCount 3 ; sh:severity sh:Info ] ,
        [ sh:path ( ex:knows ex:name ) ; sh:maxCount 1 ] ,
        [ sh:path [ sh:inversePath ex:knows ] ; sh:maxCount 0 ] ,
        [ sh:path [ sh:zeroOrMorePath ex:knows ] ; sh:class ex:Kind ; sh:maxCount 2 ] ,
        [ sh:path [ sh:zeroOrMorePath ex:knows ] ; sh:minCount 3 ; sh:hasValue ex:b ;
          sh:property [ sh:path ex:tag ; sh:minCount 1 ; sh:severity sh:Warning ] ] ,
        [ sh:path [ sh:zeroOrOnePath ex:friend ] ; sh:maxCount 0 ; sh:nodeKind sh:IRI ] ,
        [ sh:path [ sh:alternativePath ( ex:name ex:alias ) ] ; sh:datatype xsd:string ] ,
        [ sh:path ex:age ; sh:maxExclusive 150 ; sh:minInclusive 0.5 ] ,
        [ sh:path ex:tag ; sh:in ( "x" "y"@en 3 ) ; sh:hasValue "x" ] ,
        [ sh:path ex:friend ; sh:node ex:Friendly ;
          sh:property [ sh:path ex:name ; sh:minCount 1 ] ] ,
        [ sh:path ex:name ; sh:disjoint ex:alias ; sh:deactivated true ] .
ex:Friendly a sh:NodeShape ;
    sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:maxCount 1 ] ,
        [ sh:path ex:knows ; sh:class ex:Kind ] ,
        [ sh:path ex:tag ; sh:nodeKind sh:Literal ; sh:datatype xsd:string ] .
ex:Kind a sh:NodeShape , rdfs:Class ;
    sh:property [ sh:path ex:age ; sh:datatype xsd:integer ] .
ex:Off a sh:NodeShape ; sh:targetClass ex:Kind ; sh:deactivated true ; sh:closed true .
"""

OTHER_DATA = """
ex:a a ex:Kind ; ex:name "A" ; ex:knows ex:b , ex:c ; ex:age 20 , "old" , 200 ;
    ex:tag "x" , "y"@en , 3 , "3" ; ex:friend ex:b , ex:c , "lit" .
ex:b ex:name "B" , "Bee" , "Be" , "Bea"@en ; ex:alias 7 ; ex:age 0.25 ;
    ex:knows ex:a ; ex:tag "y" .
ex:c a ex:Kind ; ex:name "C" , "See" ; ex:knows "d" ; ex:tag 3 ; ex:age "12"^^xsd:integer .
ex:SubKind rdfs:subClassOf ex:Kind .
ex:e a ex:SubKind ; ex:age 1.5 .
"""


def pyshacl_results(data: Graph, shapes: Graph) -> list[Key]:
    """pySHACL's results, read as kg.validation reads them (message left out: pySHACL's
    default wording is not ours; complex paths as one word: their blank nodes differ)."""
    _conforms, report, _text = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", allow_warnings=True, meta_shacl=False
    )
    assert isinstance(report, Graph)
    found: list[Key] = []
    for node in report.objects(report.value(None, RDF.type, SH.ValidationReport), SH.result):

        def get(predicate: Node, node: Node = node) -> Node | None:
            return report.value(node, predicate)

        path = get(SH.resultPath)
        value = get(SH.value)
        source = get(SH.sourceShape)
        assert source is not None
        found.append(
            (
                str(get(SH.focusNode)),
                "complex" if isinstance(path, BNode) else None if path is None else str(path),
                validation._named_shape(shapes, source),
                validation._local(get(SH.sourceConstraintComponent) or ""),
                validation._local(get(SH.resultSeverity) or ""),
                str(value) if value is not None else None,
                "",
            )
        )
    return sorted(found, key=repr)


def without_message(results: Sequence[ValidationResult]) -> Iterator[Key]:
    for r in results:
        path = "complex" if r.path and r.path.startswith("complex path") else r.path
        yield (*key(r)[:1], path, *key(r)[2:6], "")


@pytest.mark.parametrize("engine", ENGINES)
def test_other_constructs_give_pyshacls_results(engine: str) -> None:
    """Compared as sets: pySHACL repeats a result of a property shape nested in a property
    shape once for each focus node whose value it is ("d" below, four times)."""
    shapes = Graph().parse(data=HEAD + OTHER_SHAPES, format="turtle")
    data = Graph().parse(data=HEAD + OTHER_DATA, format="turtle")
    expected = set(pyshacl_results(data, shapes))
    checks = compile_shapes(shapes)
    if engine == "rdflib":
        results = run_checks(rdflib_select(data), checks)
    else:
        results = run_checks(oxigraph_select(oxigraph_store(data)), checks)
        values = oxigraph_values(data)
        expected = {(*k[:5], values.get(k[5], k[5]) if k[5] else k[5], k[6]) for k in expected}
    assert len(results) == len(set(results)), "a result given twice"
    got = list(without_message(results))
    assert len(expected) > 20
    assert {k[3] for k in expected} >= {f"{c}ConstraintComponent" for c in ("Class", "HasValue")}
    assert set(got) == expected, (
        f"missing:\n{describe(sorted(expected - set(got)))}"
        f"\nextra:\n{describe(sorted(set(got) - expected))}"
    )


def test_oxigraph_keeps_derived_integers_as_xsd_integer(tmp_path: Path) -> None:
    """A known difference, from the store and not the queries: Oxigraph stores a valid
    "3"^^xsd:int (or xsd:long, xsd:nonNegativeInteger, ...) as "3"^^xsd:integer, so over
    Oxigraph it passes sh:datatype xsd:integer, which pySHACL reports it fails."""
    data = tmp_path / "int.ttl"
    data.write_text(
        HEAD + 'ck:r a ckg:TalksRound ; rdfs:label "R" ; ckg:partOfProcess ck:p ;\n'
        '    ckg:roundNumber "3"^^xsd:int .\nck:p a ckg:PeaceProcess ; rdfs:label "P" .\n',
        encoding="utf-8",
    )
    expected, graph = reference((data,))
    assert [k[3] for k in expected] == ["DatatypeConstraintComponent"]
    assert compiled(graph, "rdflib", bundled_checks()) == expected
    assert compiled(graph, "oxigraph", bundled_checks()) == []


def test_checks_run_in_parallel_give_the_same_results() -> None:
    _expected, data = reference(tuple(INVALID_FILES))
    select = oxigraph_select(oxigraph_store(data))
    timings: dict[str, float] = {}
    one = run_checks(select, bundled_checks())
    two = run_checks(select, bundled_checks(), workers=2, timings=timings)
    assert one == two
    assert len(timings) == len({c.label for c in bundled_checks()})


# ---------------------------------------------------------------------------------------------
# Refusals
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shape", "construct"),
    [
        (
            "ex:S a sh:NodeShape ; sh:targetClass ex:C ; "
            "sh:property [ sh:path ex:p ; sh:closed true ] .",
            "sh:closed on a property shape",
        ),
        (
            "ex:S a sh:NodeShape ; sh:targetClass ex:C ; "
            "sh:property [ sh:path ex:p ; sh:lessThan ex:q ] .",
            "sh:lessThan",
        ),
        (
            "ex:S a sh:NodeShape ; sh:targetClass ex:C ; "
            "sh:or ( [ sh:path ex:p ; sh:equals ex:q ] ) .",
            "sh:equals inside a shape used by sh:node",
        ),
        (
            "ex:S a sh:NodeShape ; sh:target [ a sh:SPARQLTarget ; "
            'sh:select "SELECT ?this WHERE { ?this a ?c }" ] .',
            "sh:target",
        ),
        (
            "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; "
            "sh:node ex:T ] . ex:T a sh:NodeShape ; sh:property [ sh:path ex:q ; "
            "sh:datatype xsd:date ] .",
            "sh:datatype",
        ),
        (
            "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; "
            "sh:node ex:S ] .",
            "recursive",
        ),
        (
            "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select "
            '"SELECT $this WHERE { $this ?p $currentShape }" ] .',
            "$currentShape",
        ),
    ],
)
def test_an_unsupported_construct_is_refused_by_name(shape: str, construct: str) -> None:
    shapes = Graph().parse(data=HEAD + shape, format="turtle")
    with pytest.raises(UnsupportedShape) as caught:
        compile_shapes(shapes)
    assert construct in str(caught.value)
    assert "http://example.org/S" in str(caught.value)


# --- rows rdflib drops, literals Oxigraph folds ---------------------------------------------

NODES_SHAPE = """
ex:Listed a sh:NodeShape ; sh:targetNode ex:a , ex:b , ex:none ;
    sh:property [ sh:path ex:tag ; sh:minCount 2 ] .
"""


def test_min_count_on_target_nodes_is_not_lost_on_rdflib() -> None:
    """rdflib drops the rows of ``VALUES ?f {...}`` that an OPTIONAL after it does not match:
    ex:none, which has no ex:tag at all, lost its sh:minCount result (ex:b, with one, kept)."""
    shapes = Graph().parse(data=HEAD + NODES_SHAPE, format="turtle")
    data = Graph().parse(data=HEAD + "ex:a ex:tag 1 , 2 .\nex:b ex:tag 1 .\n", format="turtle")
    expected = {k[0] for k in pyshacl_results(data, shapes)}
    assert expected == {"http://example.org/b", "http://example.org/none"}
    for select in (rdflib_select(data), oxigraph_select(oxigraph_store(data))):
        assert {r.focus_node for r in run_checks(select, compile_shapes(shapes))} == expected


INT_SHAPES = """
ex:InList a sh:NodeShape ; sh:targetSubjectsOf ex:n ;
    sh:property [ sh:path ex:n ; sh:in ( "1"^^xsd:int ) ] .
ex:Has a sh:NodeShape ; sh:targetSubjectsOf ex:n ;
    sh:property [ sh:path ex:n ; sh:hasValue "1"^^xsd:int ] .
ex:AtMostOne a sh:NodeShape ; sh:targetSubjectsOf ex:n ;
    sh:property [ sh:path ex:n ; sh:maxCount 1 ] .
"""
# ex:int holds the xsd:int the shapes name, ex:integer the same number as xsd:integer (which
# pySHACL tells apart), ex:both both of them (two values, or one once Oxigraph folds them).
INT_DATA = """
ex:int ex:n "1"^^xsd:int .
ex:integer ex:n "1"^^xsd:integer .
ex:both ex:n "1"^^xsd:int , "1"^^xsd:integer .
ex:other ex:n "01"^^xsd:int .
"""


def keys_of(results: Sequence[ValidationResult]) -> set[tuple[str, str, str | None]]:
    return {(r.focus_node, r.constraint, r.value) for r in results}


def test_derived_integers_give_pyshacls_results_in_memory_and_on_oxigraph() -> None:
    """In memory the sparql engine gives pySHACL's results over the file: it leaves Oxigraph
    aside when Oxigraph would fold a literal of the data ("1"^^xsd:int to xsd:integer), and
    compares the shapes' constants by lexical form and datatype. On an Oxigraph store the
    results are pySHACL's over what the store holds (where "1"^^xsd:int is gone)."""
    from kg.graph import DATA_GRAPH, KnowledgeGraph
    from kg.stores.memory import MemoryStore
    from kg.stores.oxigraph import OxigraphStore
    from kg.validation import validate_kg

    shapes = Graph().parse(data=HEAD + INT_SHAPES, format="turtle")
    data = Graph().parse(data=HEAD + INT_DATA, format="turtle")

    def on(store: Any, engine: str) -> set[tuple[str, str, str | None]]:
        store.add(DATA_GRAPH, data)
        return keys_of(validate_kg(KnowledgeGraph(store), engine=engine, shapes=shapes).results)

    def pyshacl_over(graph: Graph) -> set[tuple[str, str, str | None]]:
        return {(k[0], k[3], k[5]) for k in pyshacl_results(graph, shapes)}

    expected = pyshacl_over(data)
    assert ("http://example.org/both", "MaxCountConstraintComponent", None) in expected
    assert ("http://example.org/integer", "InConstraintComponent", "1") in expected
    assert ("http://example.org/integer", "HasValueConstraintComponent", None) in expected
    assert on(MemoryStore(), "sparql") == expected
    assert on(MemoryStore(), "pyshacl") == expected

    oxigraph = OxigraphStore(None, read_only=False)
    held = Graph()
    oxigraph.add(DATA_GRAPH, data)
    for triple in oxigraph.triples(DATA_GRAPH):
        held.add(triple)
    assert ("http://example.org/both", "MaxCountConstraintComponent", None) not in (
        pyshacl_over(held)
    )
    assert on(oxigraph, "sparql") == pyshacl_over(held)
    assert on(oxigraph, "pyshacl") == pyshacl_over(held)
