"""The direct properties follow from the claims by the one rule, and only from it."""

from __future__ import annotations

from pathlib import Path

from rdflib import URIRef

from kg.graph import DATA_GRAPH, DERIVED_GRAPH, KnowledgeGraph
from kg.validation import validate
from kg.vocab import CKG, ID


def test_support_claims_give_backs_and_backed_by(tiny_graph: KnowledgeGraph) -> None:
    derived = tiny_graph.graph(DERIVED_GRAPH)
    assert (ID.alpha, CKG.backs, ID.beta) in derived
    assert (ID.beta, CKG.backedBy, ID.alpha) in derived
    assert (ID.gamma, CKG.backs, ID.beta) in derived


def test_alliance_is_symmetric(tiny_graph: KnowledgeGraph) -> None:
    allied = URIRef(str(CKG._NS) + "alliedWith")
    derived = tiny_graph.graph(DERIVED_GRAPH)
    assert (ID.alpha, allied, ID.gamma) in derived
    assert (ID.gamma, allied, ID.alpha) in derived


def test_a_denied_claim_derives_nothing(tiny_graph: KnowledgeGraph) -> None:
    assert (ID.gamma, CKG.backs, ID.alpha) not in tiny_graph.graph(DERIVED_GRAPH)


def test_derived_triples_are_kept_apart_from_the_data(tiny_graph: KnowledgeGraph) -> None:
    assert (ID.alpha, CKG.backs, ID.beta) not in tiny_graph.graph(DATA_GRAPH)
    # exactly: 2 backs + 2 backedBy + 2 alliedWith
    assert len(tiny_graph.graph(DERIVED_GRAPH)) == 6


def test_a_direct_relation_written_by_hand_is_a_violation(tmp_path: Path, tiny_path: Path) -> None:
    extra = tmp_path / "hand.ttl"
    extra.write_text(
        "@prefix ckg: <https://w3id.org/conflict-kg/ontology#> .\n"
        "@prefix ck: <https://w3id.org/conflict-kg/id/> .\n"
        "ck:gamma ckg:backs ck:alpha .\n",
        encoding="utf-8",
    )
    report = validate([tiny_path, extra])
    assert not report.conforms
    [result] = report.results
    assert result.focus_node == str(ID.gamma)
    assert result.path == str(CKG.backs)
    assert "no claim supports" in result.message


def test_astana_us_backs_rebels_is_derived(astana_graph: KnowledgeGraph) -> None:
    derived = astana_graph.graph(DERIVED_GRAPH)
    assert (ID["united-states"], CKG.backs, ID["syrian-armed-opposition"]) in derived
