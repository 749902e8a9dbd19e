"""The ontology: every term labelled and commented, claim classes annotated, vocab defined."""

from __future__ import annotations

import pytest
from rdflib import OWL, RDF, RDFS, Graph, URIRef

from kg import resources
from kg.vocab import CKG

NS = str(CKG._NS)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    graph = Graph()
    for path in resources.ontology_files():
        graph.parse(path)
    return graph


def ckg_terms(ontology: Graph) -> set[URIRef]:
    return {s for s in ontology.subjects() if isinstance(s, URIRef) and str(s).startswith(NS)}


def test_every_term_has_label_and_comment(ontology: Graph) -> None:
    terms = ckg_terms(ontology)
    assert len(terms) > 100
    missing = sorted(
        str(t)
        for t in terms
        if ontology.value(t, RDFS.label) is None or ontology.value(t, RDFS.comment) is None
    )
    assert missing == []


def test_every_vocab_term_is_defined_in_the_ontology(ontology: Graph) -> None:
    names = [n for n in CKG.__annotations__ if not n.startswith("_")]
    assert names
    undefined = [n for n in names if (URIRef(NS + n), RDFS.label, None) not in ontology]
    assert undefined == []


def test_every_claim_class_names_its_direct_property_and_roles(ontology: Graph) -> None:
    # The kinds of claim are the classes under ckg:Claim without subclasses of their own;
    # ckg:ThirdPartyClaim only groups mediation, guarantee, hosting and witnessing, and the
    # mediation of an agreement (ontology/records.ttl).
    under = set(ontology.transitive_subjects(RDFS.subClassOf, CKG.Claim)) - {CKG.Claim}
    claim_classes = {c for c in under if (None, RDFS.subClassOf, c) not in ontology}
    assert len(claim_classes) == 12
    assert under - claim_classes == {CKG.ThirdPartyClaim}
    for cls in claim_classes:
        direct = ontology.value(cls, CKG.directProperty)
        assert direct is not None, cls
        assert (direct, RDF.type, OWL.ObjectProperty) in ontology
        assert ontology.value(cls, CKG.fromRole) is not None, cls
        assert ontology.value(cls, CKG.toRole) is not None, cls


def test_backs_has_the_inverse_backed_by(ontology: Graph) -> None:
    assert (CKG.backs, OWL.inverseOf, CKG.backedBy) in ontology


@pytest.mark.parametrize(
    ("term", "parent"),
    [
        ("Actor", "http://www.w3.org/ns/prov#Agent"),
        ("Person", "http://xmlns.com/foaf/0.1/Person"),
        ("Government", "http://www.w3.org/ns/org#Organization"),
        ("Claim", "http://www.w3.org/ns/prov#Entity"),
        ("Event", "https://schema.org/Event"),
        ("MediaOutlet", "https://schema.org/NewsMediaOrganization"),
    ],
)
def test_classes_are_aligned_with_standard_vocabularies(
    ontology: Graph, term: str, parent: str
) -> None:
    assert (URIRef(NS + term), RDFS.subClassOf, URIRef(parent)) in ontology


def test_the_ontology_imports_nothing(ontology: Graph) -> None:
    assert list(ontology.objects(None, OWL.imports)) == []
