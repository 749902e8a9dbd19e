"""Network metrics on small hand-made graphs with answers worked out by hand, and on the
Astana data."""

from __future__ import annotations

import networkx as nx
import pytest

from kg.graph import KnowledgeGraph
from kg.metrics import compute, measure

SUPPORT = "https://w3id.org/conflict-kg/ontology#SupportClaim"
ALLIANCE = "https://w3id.org/conflict-kg/ontology#AllianceClaim"
OPPOSITION = "https://w3id.org/conflict-kg/ontology#OppositionClaim"


def network(*ties: tuple[str, str, str]) -> nx.MultiDiGraph:
    """Ties as (a, kind, b) with kind one of backs, ally, enemy."""
    graph = nx.MultiDiGraph()
    for a, kind, b in ties:
        graph.add_node(a, label=a)
        graph.add_node(b, label=b)
        claim_class, directed, sign = {
            "backs": (SUPPORT, True, 1),
            "ally": (ALLIANCE, False, 1),
            "enemy": (OPPOSITION, False, -1),
        }[kind]
        graph.add_edge(a, b, claim_class=claim_class, directed=directed, sign=sign)
    return graph


def test_balanced_triangle() -> None:
    # A and B are allies, both fight C: the enemy of my friend is my enemy.
    found = compute(network(("A", "ally", "B"), ("B", "enemy", "C"), ("A", "enemy", "C")))
    [triad] = found.triads
    assert triad.balanced
    assert found.balanced_share == 1.0
    assert [c.actors for c in found.camps] == [["A", "B"], ["C"]]
    assert found.frustration == 0


def test_unbalanced_triangle() -> None:
    # A-B allies, B-C allies, but A fights C: no partition avoids a frustrated tie.
    found = compute(network(("A", "ally", "B"), ("B", "ally", "C"), ("A", "enemy", "C")))
    [triad] = found.triads
    assert not triad.balanced
    assert triad.signs == [1, 1, -1]
    assert triad.why == "A and B cooperate, B and C cooperate, A and C are hostile"
    assert found.balanced_share == 0.0
    assert found.frustration == 1


def test_three_enemies_are_three_camps_but_an_unbalanced_triad() -> None:
    found = compute(network(("A", "enemy", "B"), ("B", "enemy", "C"), ("A", "enemy", "C")))
    assert sorted(len(c.actors) for c in found.camps) == [1, 1, 1]
    assert found.frustration == 0
    [triad] = found.triads
    assert not triad.balanced  # the product of three hostile signs is negative


def test_mixed_ties_are_counted_apart() -> None:
    found = compute(
        network(("A", "ally", "B"), ("A", "enemy", "B"), ("B", "ally", "C"), ("A", "ally", "C"))
    )
    assert found.triads == []
    assert found.ambiguous_triads == 1


def test_backing_chain() -> None:
    # A backs B, B backs C. Reversed for PageRank: C -> B -> A, A dangling. With d = 0.85:
    # x_C = 0.05 + 0.85 x_A / 3, x_B = x_C + 0.85 x_C, x_A = 0.05 + 0.85 x_A / 3 + 0.85 x_B
    # give x_A = 0.4744, x_B = 0.3412, x_C = 0.1844.
    found = compute(network(("A", "backs", "B"), ("B", "backs", "C")))
    by_actor = {r.actor: r for r in found.influence}
    assert [r.actor for r in found.influence] == ["A", "B", "C"]
    assert by_actor["A"].pagerank == pytest.approx(0.4744, abs=1e-3)
    assert by_actor["B"].pagerank == pytest.approx(0.3412, abs=1e-3)
    assert by_actor["C"].pagerank == pytest.approx(0.1844, abs=1e-3)
    assert [(r.actor, r.reach, r.backs, r.backed_by) for r in found.influence] == [
        ("A", 2, 1, 0),
        ("B", 1, 1, 1),
        ("C", 0, 0, 1),
    ]


def test_two_camps_joined_by_one_broker() -> None:
    # A-B allies, C-D allies, no tie between the camps; M mediates talks where A and C
    # take part. Every shortest path between the camps runs through M: 4 of the 6 pairs
    # of the other four actors, so M's normalised betweenness is 4/6. A lies on B-M, B-C,
    # B-D: 3/6.
    talks = nx.DiGraph([("M", "A"), ("M", "C")])
    talks.nodes["M"]["label"] = "M"
    found = compute(network(("A", "ally", "B"), ("C", "ally", "D")), talks)
    rows = {r.actor: r for r in found.brokerage}
    assert rows["M"].betweenness == pytest.approx(4 / 6)
    assert rows["A"].betweenness == pytest.approx(3 / 6)
    assert rows["B"].betweenness == 0
    assert found.brokerage[0].actor == "M"
    assert rows["M"].broker and rows["M"].camps == [1, 2]
    assert not rows["A"].broker
    assert [c.actors for c in found.camps] == [["A", "B"], ["C", "D"]]


@pytest.fixture(scope="module")
def astana() -> KnowledgeGraph:
    return KnowledgeGraph.open()


def camp_of(found: object, label: str) -> int:
    return next(c.number for c in found.camps if label in c.labels)  # type: ignore[attr-defined]


def test_astana_camps(astana: KnowledgeGraph) -> None:
    found = measure(astana)
    # 004: Iran and Russia are allies of the Syrian government.
    assert camp_of(found, "Iran") == camp_of(found, "Russia") == camp_of(found, "Syrian government")
    # Turkey backs the rebels, who fight the government; the US backs the Kurdish-led
    # militias whom Turkey opposes; Islamic State fights the militias.
    assert camp_of(found, "Turkey") == camp_of(found, "Syrian armed opposition")
    assert camp_of(found, "United States") == camp_of(found, "Kurdish-led militias")
    assert (
        len(
            {
                camp_of(found, a)
                for a in ("Turkey", "United States", "Syrian government", "Islamic State")
            }
        )
        == 4
    )
    assert found.frustration == 0
    assert found.triads == []  # no three actors in the articles are all tied to each other


def test_astana_influence_and_brokers(astana: KnowledgeGraph) -> None:
    found = measure(astana)
    assert [(r.label, r.reach) for r in found.influence[:2]] == [
        ("Turkey", 1),
        ("United States", 1),
    ]
    brokers = {r.label for r in found.brokerage if r.broker}
    # mediators and hosts of the Astana and Geneva talks
    assert brokers == {"Iran", "Kazakhstan", "Russia", "Turkey", "United Nations"}


def test_astana_as_of_drops_the_ended_cia_support(astana: KnowledgeGraph) -> None:
    with_ended = measure(astana, include_ended=True)
    us = next(r for r in with_ended.influence if r.label == "United States")
    assert us.backs == 2
    now = measure(astana, as_of=__import__("datetime").date(2017, 9, 1))
    us = next(r for r in now.influence if r.label == "United States")
    assert us.backs == 1


def test_betweenness_is_sampled_only_on_large_networks() -> None:
    from kg.metrics import BETWEENNESS_SAMPLE, EXACT_BETWEENNESS, betweenness_sampling

    assert betweenness_sampling(EXACT_BETWEENNESS) == {}
    sampled = betweenness_sampling(EXACT_BETWEENNESS + 1)
    assert sampled == {"k": BETWEENNESS_SAMPLE, "seed": 0}
    # A large star: the hub stands between every pair, sampled or not; the note says so.
    found = compute(network(*((f"leaf{i}", "backs", "hub") for i in range(EXACT_BETWEENNESS + 5))))
    assert found.brokerage[0].actor == "hub"
    assert found.notes and "estimated" in found.notes[0]
