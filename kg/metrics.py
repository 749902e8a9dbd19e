"""Network metrics for conflict analysts: influence, brokerage, camps and structural balance.

Everything here works on a NetworkX graph built by :func:`kg.network.project` (or by hand,
in the tests), so each measure can be checked on small graphs worked out on paper.

- **Influence**: PageRank over the backing edges turned round (recipient -> backer), so that
  rank flows to backers, and most to those who back actors who are themselves backers.
  **Reach**: how many actors a backer reaches through chains of backing.
- **Brokerage**: betweenness centrality over every tie between actors plus "talks ties"
  (a mediator or host of a peace process is tied to the process's participants), and the
  camps each actor is tied to: a broker is tied to two camps or more.
- **Camps**: a partition of the actors that puts cooperative ties inside camps and hostile
  ties between them, as far as the ties allow: start from the groups joined by cooperative
  ties, then move single actors while that lowers the *frustration* (cooperative ties
  between camps plus hostile ties inside a camp).
- **Structural balance**: a triad of three actors tied to each other is balanced when the
  product of its signs is positive (a friend of a friend is a friend, the enemy of an enemy
  is a friend); the share of balanced triads, and the unbalanced ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import networkx as nx

from kg.graph import KnowledgeGraph
from kg.network import project, signed_graph, support_graph, talks_ties
from kg.results import Result, document


@dataclass(frozen=True)
class Influence:
    """How much an actor shapes the support network."""

    actor: str
    label: str
    pagerank: float
    reach: int
    backs: int
    backed_by: int


@dataclass(frozen=True)
class Brokerage:
    """How much an actor stands between others, and which camps it ties together."""

    actor: str
    label: str
    betweenness: float
    camps: list[int]  # the other camps it reaches
    broker: bool


@dataclass(frozen=True)
class Camp:
    """Actors held together by cooperative ties and apart from others by hostile ones."""

    number: int
    actors: list[str]
    labels: list[str]


@dataclass(frozen=True)
class Triad:
    """Three actors tied to each other, with the sign of each tie."""

    actors: list[str]
    labels: list[str]
    signs: list[int]  # of the ties (0,1), (1,2), (0,2)
    balanced: bool
    why: str


@dataclass(frozen=True)
class Metrics:
    """All measures of one network."""

    influence: list[Influence]
    brokerage: list[Brokerage]
    camps: list[Camp]
    frustration: int
    triads: list[Triad]
    ambiguous_triads: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def balanced_share(self) -> float | None:
        """The share of balanced triads, or None when there is no triad."""
        if not self.triads:
            return None
        return sum(t.balanced for t in self.triads) / len(self.triads)

    def tables(self, top: int | None = None) -> dict[str, Result[dict[str, Any]]]:
        """The measures as tables, keyed by title: influence and brokerage (the first
        ``top`` actors), camps, balance (one row) and the unbalanced triads. A table shows
        every column but the IRIs; JSON and CSV show them too."""
        share = self.balanced_share
        sections: dict[str, tuple[list[dict[str, Any]], tuple[str, ...]]] = {
            "influence": (
                [vars(r) for r in self.influence[:top]],
                ("label", "pagerank", "reach", "backs", "backed_by", "actor"),
            ),
            "brokerage": (
                [{**vars(r), "camps": [str(c) for c in r.camps]} for r in self.brokerage[:top]],
                ("label", "betweenness", "broker", "camps", "actor"),
            ),
            "camps": (
                [
                    {
                        "camp": c.number,
                        "size": len(c.actors),
                        "actors": c.labels,
                        "actor_iris": c.actors,
                    }  # fmt: skip
                    for c in self.camps
                ],
                ("camp", "size", "actors", "actor_iris"),
            ),
            "balance": (
                [
                    {
                        "triads": len(self.triads),
                        "balanced": sum(t.balanced for t in self.triads),
                        "balanced_share": round(share, 4) if share is not None else None,
                        "mixed_sign_triads": self.ambiguous_triads,
                        "frustration": self.frustration,
                    }
                ],
                ("triads", "balanced", "balanced_share", "mixed_sign_triads", "frustration"),
            ),
            "unbalanced triads": (
                [
                    {"actors": t.labels, "signs": t.signs, "why": t.why}
                    for t in self.triads
                    if not t.balanced
                ],
                ("actors", "signs", "why"),
            ),
        }
        return {
            title: Result(
                tuple(rows),
                columns,
                tuple((c, c) for c in columns if c not in ("actor", "actor_iris")),
            )
            for title, (rows, columns) in sections.items()
        }

    def to_record(self, top: int | None = None) -> dict[str, Any]:
        """The measures as the JSON document of ``kg metrics``."""
        body: dict[str, Any] = {
            title.replace(" ", "_"): table.to_records() for title, table in self.tables(top).items()
        }
        body["balance"] = body["balance"][0]
        body["notes"] = [{"note": note} for note in self.notes]
        return body

    def render(self, fmt: str, *, top: int | None = None, width: int | None = None) -> str:
        """The measures as text: one table per section with its title (CSV: the tables
        alone), then the notes; JSON one document."""
        if fmt == "json":
            return document(self.to_record(top))
        heading = "## " if fmt == "markdown" else "# "
        parts = [
            table.render(fmt, width=width)
            if fmt == "csv"
            else f"{heading}{title}\n{table.render(fmt, width=width)}"
            for title, table in self.tables(top).items()
        ]
        notes = "".join(f"({note})\n" for note in self.notes) if fmt != "csv" else ""
        return "\n".join(parts) + notes


def _label(graph: nx.Graph, node: str) -> str:
    return str(graph.nodes[node].get("label", node))


def influence(network: nx.MultiDiGraph) -> list[Influence]:
    """PageRank on the reversed backing edges, and patronage reach, for every backer or
    backed actor; highest first."""
    backing = support_graph(network)
    active = [n for n in backing if backing.degree(n) > 0]
    sub = backing.subgraph(active)
    ranks = nx.pagerank(sub.reverse(copy=True)) if sub.number_of_edges() else {}
    rows = [
        Influence(
            actor=n,
            label=_label(network, n),
            pagerank=round(ranks.get(n, 0.0), 6),
            reach=len(nx.descendants(sub, n)),
            backs=sub.out_degree(n),
            backed_by=sub.in_degree(n),
        )
        for n in active
    ]
    rows.sort(key=lambda r: (-r.pagerank, -r.reach, r.label.casefold()))
    return rows


def frustration(signed: nx.Graph, camp_of: dict[str, int]) -> int:
    """Cooperative ties between camps plus hostile ties inside a camp."""
    total = 0
    for u, v, data in signed.edges(data=True):
        same = camp_of[u] == camp_of[v]
        if (data["sign"] > 0 and not same) or (data["sign"] < 0 and same):
            total += 1
    return total


def camps(signed: nx.Graph) -> tuple[list[Camp], dict[str, int], int]:
    """Partition the actors of a signed graph into camps; returns the camps (largest first),
    each actor's camp number, and the frustration left."""
    positive = nx.Graph()
    positive.add_nodes_from(signed)
    positive.add_edges_from((u, v) for u, v, d in signed.edges(data=True) if d["sign"] > 0)
    camp_of: dict[str, int] = {}
    for number, component in enumerate(
        sorted(nx.connected_components(positive), key=lambda c: sorted(c))
    ):
        for node in component:
            camp_of[node] = number
    order = sorted(signed, key=lambda n: _label(signed, n).casefold())

    def cost_at(node: str, camp: int) -> int:
        cost = 0
        for other in signed[node]:
            sign = signed[node][other]["sign"]
            same = camp_of[other] == camp
            cost += (sign > 0 and not same) or (sign < 0 and same)
        return cost

    for _round in range(len(order) + 1):  # each move lowers frustration: this ends
        moved = False
        for node in order:
            here = camp_of[node]
            options = {camp_of[o] for o in signed[node]} | {max(camp_of.values()) + 1}
            best = min(sorted(options), key=lambda c: cost_at(node, c))
            if cost_at(node, best) < cost_at(node, here):
                camp_of[node] = best
                moved = True
        if not moved:
            break
    members: dict[int, list[str]] = {}
    for node, camp in camp_of.items():
        members.setdefault(camp, []).append(node)
    ranked = sorted(
        members.values(),
        key=lambda ms: (-len(ms), min(_label(signed, m).casefold() for m in ms)),
    )
    result: list[Camp] = []
    numbering: dict[str, int] = {}
    for number, ms in enumerate(ranked, start=1):
        ms.sort(key=lambda m: _label(signed, m).casefold())
        result.append(Camp(number, ms, [_label(signed, m) for m in ms]))
        for m in ms:
            numbering[m] = number
    return result, numbering, frustration(signed, numbering)


def _sign_word(sign: int) -> str:
    return "cooperate" if sign > 0 else "are hostile"


def triads(signed: nx.Graph) -> tuple[list[Triad], int]:
    """Every triangle of signed ties, balanced or not; and how many triangles had a tie of
    mixed sign (left out)."""
    found: list[Triad] = []
    ambiguous = 0
    for clique in nx.enumerate_all_cliques(signed):
        if len(clique) < 3:
            continue
        if len(clique) > 3:
            break
        a, b, c = sorted(clique, key=lambda n: _label(signed, n).casefold())
        signs = [signed[a][b]["sign"], signed[b][c]["sign"], signed[a][c]["sign"]]
        if 0 in signs:
            ambiguous += 1
            continue
        balanced = signs[0] * signs[1] * signs[2] > 0
        labels = [_label(signed, n) for n in (a, b, c)]
        why = (
            f"{labels[0]} and {labels[1]} {_sign_word(signs[0])}, "
            f"{labels[1]} and {labels[2]} {_sign_word(signs[1])}, "
            f"{labels[0]} and {labels[2]} {_sign_word(signs[2])}"
        )
        found.append(Triad([a, b, c], labels, signs, balanced, why))
    found.sort(key=lambda t: [label.casefold() for label in t.labels])
    return found, ambiguous


# Exact betweenness visits every actor from every actor: 45 s for the 1,744 actors of a
# 100k-triple graph, hours at 1M. Above this many actors it is estimated from a fixed sample
# of source actors (networkx's k, with a fixed seed, so the same graph gives the same figures).
EXACT_BETWEENNESS = 1_000
BETWEENNESS_SAMPLE = 300


def betweenness_sampling(actors: int) -> dict[str, int]:
    """networkx's betweenness arguments for a network of ``actors``: none (exact) for small
    networks, a sample of BETWEENNESS_SAMPLE sources above EXACT_BETWEENNESS."""
    if actors <= EXACT_BETWEENNESS:
        return {}
    return {"k": BETWEENNESS_SAMPLE, "seed": 0}


def brokerage(
    network: nx.MultiDiGraph, camp_of: dict[str, int], talks: nx.DiGraph | None = None
) -> list[Brokerage]:
    """Betweenness over every tie plus the talks ties; and for each actor, the camps other
    than its own that it reaches through cooperative ties or as mediator or host of talks.
    A broker reaches two such camps or more."""
    talks = talks if talks is not None else nx.DiGraph()
    ties = nx.Graph()
    ties.add_nodes_from(network.nodes(data=True))
    ties.add_nodes_from(talks.nodes(data=True))
    ties.add_edges_from((u, v) for u, v in network.edges() if u != v)
    ties.add_edges_from((u, v) for u, v in talks.edges() if u != v)
    between = nx.betweenness_centrality(ties, **betweenness_sampling(len(ties)), normalized=True)
    signed = signed_graph(network)
    rows: list[Brokerage] = []
    for node in ties:
        reached = (
            {o for o in signed[node] if signed[node][o]["sign"] > 0} if node in signed else set()
        )
        reached |= set(talks.successors(node)) if node in talks else set()
        own = camp_of.get(node)
        bridged = sorted({camp_of[o] for o in reached if o in camp_of and camp_of[o] != own})
        rows.append(
            Brokerage(
                actor=node,
                label=_label(ties, node),
                betweenness=round(between[node], 6),
                camps=bridged,
                broker=len(bridged) >= 2,
            )
        )
    rows.sort(key=lambda r: (-r.betweenness, r.label.casefold()))
    return rows


def compute(network: nx.MultiDiGraph, talks: nx.DiGraph | None = None) -> Metrics:
    """Every measure of ``network``; ``talks`` ties mediators and hosts to participants
    (see :func:`kg.network.talks_ties`)."""
    signed = signed_graph(network)
    camp_list, camp_of, left = camps(signed)
    found, ambiguous = triads(signed)
    notes = []
    actors = len(set(network) | set(talks or ()))
    if betweenness_sampling(actors):
        notes.append(
            f"betweenness estimated from {BETWEENNESS_SAMPLE} sampled actors of {actors:,} "
            f"(exact up to {EXACT_BETWEENNESS:,} actors)"
        )
    return Metrics(
        influence=influence(network),
        brokerage=brokerage(network, camp_of, talks),
        camps=camp_list,
        frustration=left,
        triads=found,
        ambiguous_triads=ambiguous,
        notes=notes,
    )


def measure(
    kg: KnowledgeGraph, *, as_of: date | None = None, include_ended: bool = False
) -> Metrics:
    """Every measure of the actor network of ``kg`` as of ``as_of``."""
    return compute(project(kg, as_of=as_of, include_ended=include_ended), talks_ties(kg))
