"""Validation of what a change touches (kg.validation_scope) against the whole store's.

Each case changes a store holding the bundled data, validates what the change touched, and
validates the whole store before and after: every result the change brought is found, and
nothing is found that the whole does not find. The reach of shapes is checked on its own.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import pyoxigraph as ox
import pytest
from rdflib import RDF, XSD, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from kg import resources
from kg.graph import DATA_GRAPH, ONTOLOGY_GRAPH, KnowledgeGraph
from kg.stores.oxigraph import OxigraphStore
from kg.terms import to_oxigraph, to_rdflib
from kg.validation import validate_kg
from kg.validation_report import ValidationResult
from kg.validation_scope import SCOPE_LIMIT, Touched, bundled_reach, reach, validate_change
from kg.vocab import CKG

CK = "https://w3id.org/conflict-kg/data/"
Change = Callable[[ox.Store, random.Random], set[Node]]


def _store() -> KnowledgeGraph:
    kg = KnowledgeGraph(OxigraphStore(None))
    kg.load(resources.ontology_files(), graph=ONTOLOGY_GRAPH)
    # The bundled data, not the crosswalk of states that stores hold beside it: its 1,684
    # triples of codes would make most random changes below touch nothing a shape checks.
    kg.load(resources.data_files())
    return kg


def _key(result: ValidationResult) -> tuple[str | None, ...]:
    return (result.focus_node, result.path, result.shape, result.message, result.value)


def _data(store: ox.Store) -> list[ox.Quad]:
    return sorted(store.quads_for_pattern(None, None, None, ox.NamedNode(str(DATA_GRAPH))), key=str)


def _remove(store: ox.Store, quad: ox.Quad) -> set[Node]:
    store.remove(quad)
    return {to_rdflib(quad.subject)}  # type: ignore[arg-type]


def _add(store: ox.Store, s: Node, p: Node, o: Node) -> set[Node]:
    store.add(ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), to_oxigraph(DATA_GRAPH)))
    return {s}


def _of(store: ox.Store, predicate: URIRef) -> list[ox.Quad]:
    quads = store.quads_for_pattern(None, to_oxigraph(predicate), None, to_oxigraph(DATA_GRAPH))
    return sorted(quads, key=str)


def _untype(store: ox.Store, node: ox.NamedNode) -> set[Node]:
    """``node`` loses every rdf:type: what names it fails sh:class, one step back."""
    touched: set[Node] = set()
    for quad in list(store.quads_for_pattern(node, to_oxigraph(RDF.type), None, None)):
        touched |= _remove(store, quad)
    return touched


def untyped_backer(store: ox.Store, rng: random.Random) -> set[Node]:
    """An actor that backs someone loses its type: the claims that name it fail sh:class,
    one step back from the triple that changed."""
    return _untype(store, rng.choice(_of(store, CKG.backer)).object)


def backs_itself(store: ox.Store, rng: random.Random) -> set[Node]:
    quad = rng.choice(_of(store, CKG.recipient))
    backer = next(iter(store.quads_for_pattern(quad.subject, to_oxigraph(CKG.backer), None)))
    _remove(store, quad)
    return _add(store, to_rdflib(quad.subject), CKG.recipient, to_rdflib(backer.object))  # type: ignore[arg-type]


def claim_without_source(store: ox.Store, rng: random.Random) -> set[Node]:
    claim = URIRef(CK + "claim-new-1")
    actor = to_rdflib(rng.choice(_of(store, CKG.backer)).object)
    touched = _add(store, claim, RDF.type, CKG.SupportClaim)
    _add(store, claim, CKG.backer, actor)  # type: ignore[arg-type]
    _add(store, claim, CKG.recipient, URIRef(CK + "no-such-actor"))
    return touched


def ends_before_start(store: ox.Store, rng: random.Random) -> set[Node]:
    quad = rng.choice(_of(store, CKG.start))
    claim = to_rdflib(quad.subject)
    for old in list(store.quads_for_pattern(quad.subject, to_oxigraph(CKG.end), None)):
        _remove(store, old)
    return _add(store, claim, CKG.end, Literal("1900-01-01", datatype=XSD.date))  # type: ignore[arg-type]


def source_loses_type(store: ox.Store, rng: random.Random) -> set[Node]:
    return _untype(store, rng.choice(_of(store, CKG.source)).object)


def random_removals(store: ox.Store, rng: random.Random) -> set[Node]:
    """Three triples of the data, any, removed."""
    touched: set[Node] = set()
    for quad in rng.sample(_data(store), 3):
        touched |= _remove(store, quad)
    return touched


def random_rewiring(store: ox.Store, rng: random.Random) -> set[Node]:
    """An object of one triple replaced by a node of another triple: a claim's backer
    becomes a source, a source's publisher a claim, and so on."""
    quads = [q for q in _data(store) if not isinstance(q.object, ox.Literal)]
    quad, other = rng.sample(quads, 2)
    _remove(store, quad)
    subject, predicate = to_rdflib(quad.subject), to_rdflib(quad.predicate)
    return _add(store, subject, predicate, to_rdflib(other.subject))  # type: ignore[arg-type]


CHANGES: list[Change] = [
    untyped_backer,
    backs_itself,
    claim_without_source,
    ends_before_start,
    source_loses_type,
    *[random_removals] * 4,
    *[random_rewiring] * 4,
]


@pytest.mark.parametrize("case", range(len(CHANGES)))
def test_what_a_change_touches_gives_the_whole_stores_results(case: int) -> None:
    change = CHANGES[case]
    kg = _store()
    before = {_key(r) for r in validate_kg(kg, engine="auto").results}
    touched = Touched()
    touched.add(change(kg.store.store, random.Random(case)))  # type: ignore[attr-defined]
    after = {_key(r) for r in validate_kg(kg, engine="auto").results}
    scoped = validate_change(kg, touched, data_graphs=(DATA_GRAPH,))
    assert any("validated what the change touches" in note for note in scoped.notes)
    found = {_key(r) for r in scoped.results}
    assert after - before, f"{change.__name__} changed no result: the case tests nothing"
    assert after - before <= found, f"{change.__name__}: missed {sorted(after - before - found)}"
    assert found <= after, f"{change.__name__}: not in the whole: {sorted(found - after)}"
    # The report graph says the same as the results.
    graph = scoped.graph
    assert len(set(graph.subjects(RDF.type, SH.ValidationResult))) == len(scoped.results)
    assert (Literal(False) in set(graph.objects(None, SH.conforms))) == (not scoped.conforms)


def test_a_change_past_the_limit_validates_the_whole() -> None:
    kg = _store()
    touched = Touched()
    touched.add(URIRef(f"{CK}n{i}") for i in range(SCOPE_LIMIT + 1))
    assert touched.nodes is None
    report = validate_change(kg, touched, data_graphs=(DATA_GRAPH,))
    assert not any("touches" in note for note in report.notes)
    assert {_key(r) for r in report.results} == {
        _key(r) for r in validate_kg(kg, engine="auto").results
    }


SH_PREFIX = "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .\n"


def _reach(text: str) -> int | None:
    return reach(Graph().parse(data=SH_PREFIX + text, format="turtle"))


def test_the_bundled_shapes_reach_two_steps() -> None:
    # sh:class ckg:Actor on a claim's backer reads the backer's type: two steps.
    assert bundled_reach() == 2


@pytest.mark.parametrize(
    ("shape", "expected"),
    [
        ("ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .", 1),
        ("ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:class ex:D ] .", 2),
        ("ex:S sh:targetClass ex:C ; sh:property [ sh:path ( ex:p ex:q ) ; sh:class ex:D ] .", 3),
        (
            "ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:node ex:T ] . "
            "ex:T sh:property [ sh:path ex:q ; sh:class ex:D ] .",
            3,
        ),
        ("ex:S sh:targetClass ex:C ; sh:property [ sh:path [ sh:inversePath ex:p ] ] .", None),
        ("ex:S sh:targetClass ex:C ; sh:property [ sh:path [ sh:zeroOrMorePath ex:p ] ] .", None),
        ("ex:S sh:targetObjectsOf ex:p ; sh:class ex:D .", None),
        ("ex:S sh:targetClass ex:C ; sh:node ex:S .", None),
        (
            'ex:S sh:targetClass ex:C ; sh:sparql [ sh:select "SELECT $this WHERE '
            '{ $this <http://example.org/p> ?x }" ] .',
            1,
        ),
        (
            'ex:S sh:targetClass ex:C ; sh:sparql [ sh:select "SELECT $this WHERE '
            '{ $this <http://example.org/p> ?x . ?x <http://example.org/q> ?y }" ] .',
            None,
        ),
    ],
)
def test_reach_of_a_shape(shape: str, expected: int | None) -> None:
    assert _reach(shape) == expected


def _graph_set(kg: KnowledgeGraph, name: URIRef) -> set[tuple[Node, Node, Node]]:
    return set(kg.store.triples(name))


@pytest.mark.parametrize("case", range(len(CHANGES)))
def test_deriving_around_a_change_gives_what_deriving_everything_gives(case: int) -> None:
    from kg.named_graphs import DERIVED_GRAPH, NAMES_GRAPH

    kg = _store()
    kg.derive()
    before = _graph_set(kg, DATA_GRAPH)
    CHANGES[case](kg.store.store, random.Random(case))  # type: ignore[attr-defined]
    after = _graph_set(kg, DATA_GRAPH)
    changed = before ^ after
    subjects = {s for s, _p, _o in changed}
    # As an import keeps them: what the changed subjects pointed at, before and after.
    objects = {o for s, _p, o in before | after if s in subjects and not isinstance(o, Literal)}
    assert kg.derive_around(subjects, objects)
    around = {name: _graph_set(kg, name) for name in (DERIVED_GRAPH, NAMES_GRAPH)}
    kg.derive()
    for name, found in around.items():
        expected = _graph_set(kg, name)
        assert found == expected, (
            f"{name}: {len(found - expected)} extra, {len(expected - found)} missing"
        )


def test_deriving_around_a_changed_claim_drops_the_relation_it_alone_gave() -> None:
    from kg.named_graphs import DERIVED_GRAPH

    kg = _store()
    kg.derive()
    derived = _graph_set(kg, DERIVED_GRAPH)
    store: ox.Store = kg.store.store  # type: ignore[attr-defined]
    # A claim whose backer backs its recipient by no other claim: its backer is replaced.
    for quad in _of(store, CKG.backer):
        claim, backer = quad.subject, to_rdflib(quad.object)
        recipient = to_rdflib(
            next(iter(store.quads_for_pattern(claim, to_oxigraph(CKG.recipient), None))).object
        )
        others = [
            q
            for q in store.quads_for_pattern(None, to_oxigraph(CKG.backer), quad.object)
            if q.subject != claim
            and any(
                store.quads_for_pattern(
                    q.subject, to_oxigraph(CKG.recipient), to_oxigraph(recipient)
                )
            )  # type: ignore[arg-type]
        ]
        if (backer, CKG.backs, recipient) in derived and not others:
            break
    else:
        pytest.fail("no claim alone gives its backs relation in the bundled data")
    newcomer = URIRef(CK + "someone-else")
    store.remove(quad)
    store.add(ox.Quad(claim, quad.predicate, to_oxigraph(newcomer), quad.graph_name))
    assert kg.derive_around({to_rdflib(claim)}, {backer, newcomer, recipient})  # type: ignore[arg-type]
    now = _graph_set(kg, DERIVED_GRAPH)
    assert (backer, CKG.backs, recipient) not in now
    assert (newcomer, CKG.backs, recipient) in now


def test_an_import_validates_violations_only_and_finds_every_one() -> None:
    kg = _store()
    touched = Touched()
    touched.add(claim_without_source(kg.store.store, random.Random(0)))  # type: ignore[attr-defined]
    every = validate_change(kg, touched, data_graphs=(DATA_GRAPH,))
    only = validate_change(kg, touched, data_graphs=(DATA_GRAPH,), violations_only=True)
    violations = {_key(r) for r in every.results if r.severity == "Violation"}
    assert violations and len(violations) < len(every.results), "no warning to leave out"
    assert {_key(r) for r in only.results} == violations
    whole = validate_kg(kg, engine="auto", violations_only=True)
    assert {r.severity for r in whole.results} == {"Violation"}
