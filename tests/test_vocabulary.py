"""kg.vocabulary: what Python knows of the ontology, read once per graph from the ontology
itself, so that a changed ontology changes the network and the importers without code."""

from __future__ import annotations

import gc
import weakref
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef

from kg import resources
from kg.errors import BadValue
from kg.graph import DATA_GRAPH, ONTOLOGY_GRAPH, KnowledgeGraph, StoreSpec
from kg.importers.resolve import ActorIndex
from kg.loading import load_store
from kg.names import normalise
from kg.network import project, talks_ties
from kg.vocab import CKG, ID
from kg.vocabulary import _READ, Vocabulary

NS = str(CKG._NS)
RIVALRY = URIRef(NS + "RivalryClaim")


def test_the_kinds_of_claim_of_the_bundled_ontology(astana_graph: KnowledgeGraph) -> None:
    vocabulary = Vocabulary.of(astana_graph)
    kinds = {k.iri: k for k in vocabulary.kinds}
    assert len(kinds) == 12
    support = kinds[CKG.SupportClaim]
    assert (support.label, support.direct, support.direct_label, support.inverse_label) == (
        "support claim",
        CKG.backs,
        "backs",
        "backed by",
    )
    assert (support.from_role_label, support.to_role_label) == ("backer", "recipient")
    assert support.between_actors and not support.symmetric
    assert support.edge is not None and (support.edge.directed, support.edge.sign) == (True, 1)
    alliance = kinds[CKG.AllianceClaim]
    assert alliance.symmetric and alliance.inverse_label is None
    assert alliance.edge is not None and (alliance.edge.name, alliance.edge.directed) == (
        "allied with",
        False,
    )
    opposition = kinds[CKG.OppositionClaim]
    assert opposition.edge is not None and opposition.edge.sign == -1
    mediation = kinds[CKG.MediationClaim]
    assert mediation.edge is None  # it ties an actor to talks, not to an actor
    assert not mediation.between_actors and mediation.list_order == 1
    assert vocabulary.claim_kind(str(CKG.MediationClaim)) is mediation
    assert vocabulary.claim_kind(str(CKG.Actor)) is None


def test_third_party_roles_in_the_order_of_the_ontology(astana_graph: KnowledgeGraph) -> None:
    assert Vocabulary.of(astana_graph).third_party_roles == (
        "mediator",
        "guarantor",
        "host",
        "witness",
    )


def test_plain_properties_that_are_edges(astana_graph: KnowledgeGraph) -> None:
    edges = Vocabulary.of(astana_graph).edge_kinds
    structural = {iri for iri in edges if Vocabulary.of(astana_graph).claim_kind(iri) is None}
    assert structural == {NS + "partOf", NS + "delegationOf", NS + "governmentOf"}
    part_of = edges[NS + "partOf"]
    assert (part_of.name, part_of.directed, part_of.sign) == ("part of", False, 1)


def test_names_a_table_may_use(astana_graph: KnowledgeGraph) -> None:
    vocabulary = Vocabulary.of(astana_graph)
    by_name = vocabulary.claim_kinds
    for name in ("support", "Support claim", "backs", "SupportClaim"):
        assert by_name[normalise(name)].iri == CKG.SupportClaim, name
    assert by_name[normalise("allied with")].iri == CKG.AllianceClaim
    assert by_name[normalise("opposition")].iri == CKG.OppositionClaim
    # Kinds whose roles are not both ckg:Actor (talks, agreements, persons) are not named.
    assert {k.iri for k in by_name.values()} == {
        CKG.SupportClaim,
        CKG.AllianceClaim,
        CKG.OppositionClaim,
    }
    assert vocabulary.support["x"] == vocabulary.support["troops"] == URIRef(NS + "TroopsSupport")
    assert vocabulary.support_labels[URIRef(NS + "TroopsSupport")] == "troops"
    assert vocabulary.statuses["alleged"] == CKG.Alleged
    assert list(vocabulary.status_labels.values()) == ["asserted", "alleged", "denied", "ended"]
    assert vocabulary.actor_classes[normalise("rebel group")] == CKG.RebelGroup
    assert vocabulary.most_specific({CKG.Actor, CKG.ArmedGroup, CKG.RebelGroup}) == {CKG.RebelGroup}
    # in the order an unknown source type's error lists them
    assert list(vocabulary.source_classes.items()) == [
        ("dataset", CKG.Dataset),
        ("article", CKG.NewsArticle),
        ("news article", CKG.NewsArticle),
        ("document", CKG.SourceDocument),
        ("source document", CKG.SourceDocument),
    ]


# --- a changed ontology: no code changes -------------------------------------------------

RIVALRY_DATA = """
@prefix ckg: <https://w3id.org/conflict-kg/ontology#> .
@prefix ck:  <https://w3id.org/conflict-kg/id/> .
ck:rivalry-1 a ckg:RivalryClaim ;
    ckg:party ck:turkey, ck:iran ;
    ckg:status ckg:Asserted ;
    ckg:source ck:article-000 ;
    ckg:quote "Turkey and Iran are rivals." .
"""


def changed_ontology(folder: Path) -> list[Path]:
    """The bundled ontology with a new kind of claim (rivalry: a hostile, undirected edge),
    support as a hostile tie, and hosts listed first among third parties."""
    graph = Graph()
    for path in resources.ontology_files():
        graph.parse(path)
    rival_of = URIRef(NS + "rivalOf")
    graph.add((RIVALRY, RDF.type, OWL.Class))
    graph.add((RIVALRY, RDFS.subClassOf, CKG.Claim))
    graph.add((RIVALRY, RDFS.label, Literal("rivalry claim", lang="en")))
    graph.add((RIVALRY, CKG.directProperty, rival_of))
    graph.add((RIVALRY, CKG.fromRole, URIRef(NS + "party")))
    graph.add((RIVALRY, CKG.toRole, URIRef(NS + "party")))
    graph.add((RIVALRY, CKG.networkEdge, CKG.UndirectedEdge))
    graph.add((RIVALRY, CKG.edgeSign, Literal(-1)))
    graph.add((rival_of, RDF.type, OWL.ObjectProperty))
    graph.add((rival_of, RDFS.label, Literal("rival of", lang="en")))
    graph.set((CKG.SupportClaim, CKG.edgeSign, Literal(-1)))
    graph.set((CKG.HostingClaim, CKG.listOrder, Literal(0)))
    path = folder / "ontology.ttl"
    graph.serialize(path, format="turtle")
    data = folder / "rivalry.ttl"
    data.write_text(RIVALRY_DATA, encoding="utf-8")
    return [path, data]


def open_with(ontology: Path, add: list[Path]) -> KnowledgeGraph:
    kg = KnowledgeGraph()
    kg.load([ontology], graph=ONTOLOGY_GRAPH)
    kg.load([*resources.data_files(), *add], graph=DATA_GRAPH)
    kg.derive()
    return kg


def test_a_changed_ontology_changes_what_the_code_sees(tmp_path: Path) -> None:
    ontology, data = changed_ontology(tmp_path)
    kg = open_with(ontology, [data])
    vocabulary = Vocabulary.of(kg)
    rivalry = vocabulary.claim_kind(str(RIVALRY))
    assert rivalry is not None and rivalry.symmetric and rivalry.between_actors
    assert rivalry.edge is not None and (rivalry.edge.name, rivalry.edge.sign) == ("rival of", -1)
    assert vocabulary.third_party_roles == ("host", "mediator", "guarantor", "witness")
    # the network: a new kind of edge, and support as a hostile tie
    network = project(kg, include_ended=True)
    [rival] = [(u, v, d) for u, v, d in network.edges(data=True) if d["kind"] == "rival of"]
    assert {rival[0], rival[1]} == {str(ID.turkey), str(ID.iran)}
    assert (rival[2]["directed"], rival[2]["sign"], rival[2]["claim_class"]) == (
        False,
        -1,
        str(RIVALRY),
    )
    assert {d["sign"] for _u, _v, d in network.edges(data=True) if d["kind"] == "backs"} == {-1}
    assert talks_ties(kg).number_of_edges() == talks_ties(KnowledgeGraph.open()).number_of_edges()
    # the importers: a table may name the new kind
    index = ActorIndex.read(kg)
    assert index.vocabulary is vocabulary
    assert index.vocabulary.claim_kinds[normalise("rivalry")] is rivalry
    assert index.vocabulary.claim_kinds[normalise("rival of")] is rivalry


def test_an_edge_sign_that_is_no_integer_names_the_class(tmp_path: Path) -> None:
    graph = Graph()
    for path in resources.ontology_files():
        graph.parse(path)
    graph.set((CKG.AllianceClaim, CKG.edgeSign, Literal("friendly")))
    ontology = tmp_path / "ontology.ttl"
    graph.serialize(ontology, format="turtle")
    with pytest.raises(BadValue, match=r"^ckg:AllianceClaim: its edge sign is not an integer"):
        Vocabulary.of(open_with(ontology, []))


# --- read once ----------------------------------------------------------------------------


def counting(kg: KnowledgeGraph) -> Counter[str]:
    """Count the bundled queries ``kg`` is asked, by name."""
    asked: Counter[str] = Counter()
    select: Callable[..., Any] = kg.select

    def counted(query: Any, bindings: Any = None) -> Any:
        asked[query if isinstance(query, str) else query.name] += 1
        return select(query, bindings)

    kg.select = counted  # type: ignore[method-assign]
    return asked


def test_read_once_per_graph() -> None:
    kg = KnowledgeGraph.open()
    asked = counting(kg)
    first = Vocabulary.of(kg)
    read = dict(asked)
    assert read == {
        "claim-kinds": 1,
        "network-kinds": 1,
        "third-party-kinds": 1,
        "concept-names": 2,  # kinds of support, statuses
        "actor-classes": 1,
        "source-classes": 1,
    }
    project(kg)
    project(kg, include_ended=True)
    talks_ties(kg)
    ActorIndex.read(kg)
    assert Vocabulary.of(kg) is first
    assert {name: asked[name] for name in read} == read
    other = KnowledgeGraph.open()
    assert Vocabulary.of(other) is not first and Vocabulary.of(other) == first


def test_the_vocabulary_goes_with_its_graph() -> None:
    kg = KnowledgeGraph.open()
    Vocabulary.of(kg)
    assert kg in _READ
    gone = weakref.ref(kg)
    del kg
    gc.collect()
    assert gone() is None  # the kept vocabulary does not keep its graph alive


def test_the_same_vocabulary_from_an_oxigraph_store(
    astana_graph: KnowledgeGraph, tmp_path: Path
) -> None:
    spec = StoreSpec(folder=tmp_path / "store")
    load_store(spec, resources.data_files())
    kg = KnowledgeGraph.open(store=spec)
    try:
        assert Vocabulary.of(kg) == Vocabulary.of(astana_graph)
    finally:
        kg.close()
