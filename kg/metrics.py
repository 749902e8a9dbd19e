"""Network metrics for conflict analysts: influence, brokerage, camps and structural balance.

Everything here works on a NetworkX graph built by :func:`kg.network.project` (or by hand,
in the tests), so each measure can be checked on small graphs worked out on paper; the
work grows with the relations of that graph, not with the store.

- **Ties** (:func:`signed_ties`): one per pair of actors, cooperative or hostile by most of
  the relations between them. Hostile relations are opposition claims (a source's, or a
  warring pair of UCDP or the ESD) and backing *against* an enemy: X backing A against B
  is hostile to B.
- **Influence**: PageRank over the backing edges turned round (recipient -> backer), so that
  rank flows to backers, and most to those who back actors who are themselves backers.
  **Reach** (:func:`patronage_reach`): a backer's clients and their clients backed against
  the same enemy at the same time.
- **Brokerage**: betweenness centrality over every tie between actors plus "talks ties"
  (a mediator, host or guarantor of a peace process is tied to its other actors), and the
  camps each actor is tied to: a broker is tied to two camps or more.
- **Camps** (:func:`camps`): a partition of the actors that puts cooperative ties inside
  camps and hostile ties between them, as far as the ties allow: the least *frustration*
  (cooperative ties between camps plus hostile ties inside a camp) a greedy start and local
  search find.
- **Structural balance**: a triad of three actors tied to each other is balanced when the
  product of its signs is positive (a friend of a friend is a friend, the enemy of an enemy
  is a friend); the share of balanced triads, and the unbalanced ones.
"""

from __future__ import annotations

import heapq
import random
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
from scipy import sparse

from kg.claims import time_of
from kg.graph import KnowledgeGraph
from kg.network import project, support_graph
from kg.prefixes import compact
from kg.results import Result, document
from kg.selection import Filter, LeftOut, Scope
from kg.vocab import CKG
from kg.vocabulary import Vocabulary


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
                    # A table cell shows a list's items once each: -1, -1, -1 would be "-1".
                    {
                        "actors": t.labels,
                        "signs": " ".join(f"{s:+d}" for s in t.signs),
                        "why": t.why,
                    }
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
        unbalanced = [t for t in self.triads if not t.balanced]
        for record, triad in zip(body["unbalanced_triads"], unbalanced, strict=True):
            record["signs"] = list(triad.signs)
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


def _order(graph: nx.Graph) -> list[str]:
    """The actors by label, then IRI: the order every loop here follows, so that the same
    network gives the same figures whatever order a store gave its rows in."""
    return sorted(graph, key=lambda n: (_label(graph, n).casefold(), n))


# --- the signed ties ------------------------------------------------------------------------


def _enemies(network: nx.MultiDiGraph) -> dict[str, str]:
    """The actors an ``against`` entry of a backing edge can name: by IRI, and by label where
    the label is one actor's alone (the claim model gives an enemy's label)."""
    named: dict[str, str] = {n: n for n in network}
    by_label: dict[str, set[str]] = {}
    for node in network:
        by_label.setdefault(_label(network, node).casefold(), set()).add(node)
    for label, nodes in by_label.items():
        if len(nodes) == 1 and label not in named:
            named[label] = next(iter(nodes))
    return named


def signed_ties(network: nx.MultiDiGraph) -> nx.Graph:
    """One undirected tie per pair of actors, counting the relations between them:
    ``cooperative`` (edges of sign +1: backing, alliance, office, a delegation...) and
    ``hostile`` (edges of sign -1, the opposition claims of the sources and the warring
    pairs of UCDP and the ESD; and one for each backing of A by X *against* B: X is hostile
    to B). ``sign`` is the side with more relations: +1, -1, or 0 when as many of each.

    An enemy named by a backing edge but absent from the network (no relation of its own in
    the selection) adds no tie: the camps and balance are of the actors selected."""
    ties = nx.Graph()
    ties.add_nodes_from(network.nodes(data=True))
    counts: dict[tuple[str, str], list[int]] = {}

    def add(u: str, v: str, hostile: bool) -> None:
        if u == v:
            return
        pair = (u, v) if u < v else (v, u)
        counts.setdefault(pair, [0, 0])[hostile] += 1

    enemies: dict[str, str] | None = None
    support = str(CKG.SupportClaim)
    for u, v, data in network.edges(data=True):
        add(u, v, int(data["sign"]) < 0)
        against = (data.get("against") or ()) if data.get("claim_class") == support else ()
        if against:
            enemies = enemies if enemies is not None else _enemies(network)
            for enemy in against:
                found = enemies.get(enemy) or enemies.get(str(enemy).casefold())
                if found is not None:
                    add(u, found, True)
    for (u, v), (cooperative, hostile) in sorted(counts.items()):
        sign = (cooperative > hostile) - (cooperative < hostile)
        ties.add_edge(u, v, sign=sign, cooperative=cooperative, hostile=hostile)
    return ties


# --- influence ------------------------------------------------------------------------------

# Reach follows backing at most this many links: a backer's clients, and their clients.
REACH_STEPS = 2


@dataclass(frozen=True)
class _Link:
    """One backing edge as reach follows it."""

    client: str
    against: frozenset[str]
    first: str | None  # the first and last day it may have held, ISO
    last: str | None


def _follows(link: _Link, after: _Link) -> bool:
    """Whether ``after`` (the client's own backing) carries on ``link``: against an enemy of
    ``link`` (when both name enemies) and at a time ``link`` held (when both are dated)."""
    if link.against and after.against and not link.against & after.against:
        return False
    if link.last and after.first and after.first > link.last:
        return False
    return not (after.last and link.first and after.last < link.first)


def patronage_reach(network: nx.MultiDiGraph) -> dict[str, int]:
    """For every backer, how many actors its backing reaches: its clients, and the clients
    of those clients backed against the same enemy at the same time (see :func:`_follows`;
    :data:`REACH_STEPS` links at most).

    Following every chain of backing said nothing: on the whole ESD nearly every backer
    "reached" the same 329 of 550 actors, through the few recipients that back others in
    wars of their own (a backer of the Afghan government against the Taleban does not
    reach those the Afghan government backs against Pakistan). Chains that keep their enemy
    and their time, two links long, tell the patrons of many fronts (the United States,
    Russia) from those of one."""
    support = str(CKG.SupportClaim)
    links: dict[str, list[_Link]] = {}
    for u, v, data in network.edges(data=True):
        if data["claim_class"] == support and u != v:
            links.setdefault(u, []).append(
                _Link(
                    v,
                    frozenset(data.get("against") or ()),
                    data.get("start_day"),
                    data.get("end_day"),
                )
            )
    found: dict[str, int] = {}
    for backer, first in links.items():
        reached = {link.client for link in first}
        frontier = first
        for _step in range(REACH_STEPS - 1):
            frontier = [
                after
                for link in frontier
                for after in links.get(link.client, ())
                if after.client not in reached and _follows(link, after)
            ]
            reached.update(after.client for after in frontier)
        reached.discard(backer)
        found[backer] = len(reached)
    return found


def influence(network: nx.MultiDiGraph) -> list[Influence]:
    """PageRank on the reversed backing edges, and patronage reach
    (:func:`patronage_reach`), for every backer or backed actor; highest first."""
    backing = support_graph(network)
    active = [n for n in backing if backing.degree(n) > 0]
    sub = backing.subgraph(active)
    ranks = nx.pagerank(sub.reverse(copy=True)) if sub.number_of_edges() else {}
    reach = patronage_reach(network)
    rows = [
        Influence(
            actor=n,
            label=_label(network, n),
            pagerank=round(ranks.get(n, 0.0), 6),
            reach=reach.get(n, 0),
            backs=sub.out_degree(n),
            backed_by=sub.in_degree(n),
        )
        for n in active
    ]
    rows.sort(key=lambda r: (-r.pagerank, -r.reach, r.label.casefold(), r.actor))
    return rows


# --- camps ----------------------------------------------------------------------------------


def frustration(signed: nx.Graph, camp_of: dict[str, int]) -> int:
    """Cooperative ties between camps plus hostile ties inside a camp."""
    total = 0
    for u, v, data in signed.edges(data=True):
        same = camp_of[u] == camp_of[v]
        if (data["sign"] > 0 and not same) or (data["sign"] < 0 and same):
            total += 1
    return total


def _tie_table(signed: nx.Graph, order: list[str]) -> list[dict[int, int]]:
    """Each actor's signed ties, by position in ``order``; mixed ties (sign 0) left out."""
    index = {n: i for i, n in enumerate(order)}
    table: list[dict[int, int]] = [{} for _ in order]
    for u, v, data in signed.edges(data=True):
        sign = int(data["sign"])
        if u != v and sign:
            sign = 1 if sign > 0 else -1
            table[index[u]][index[v]] = sign
            table[index[v]][index[u]] = sign
    return table


def _agglomerate(table: list[dict[int, int]]) -> list[int]:
    """Greedy agglomeration: every actor alone, then again and again join the two camps
    whose join lowers the frustration most (the cooperative ties between them less the
    hostile ones), until no join lowers it. Ties between camps are kept summed, so each
    join costs the ties of the smaller camp; equal gains go to the lowest positions."""
    camp = list(range(len(table)))
    members: dict[int, list[int]] = {i: [i] for i in range(len(table))}
    weight: dict[int, dict[int, int]] = {i: dict(ties) for i, ties in enumerate(table)}
    heap = [(-w, a, b) for a, ties in weight.items() for b, w in ties.items() if a < b and w > 0]
    heapq.heapify(heap)
    while heap:
        gain, a, b = heapq.heappop(heap)
        if a not in members or b not in members or weight[a].get(b) != -gain:
            continue  # a camp has since been joined to another: the entry is stale
        keep, gone = (a, b) if (len(members[a]), b) >= (len(members[b]), a) else (b, a)
        for other, w in weight.pop(gone).items():
            del weight[other][gone]
            if other == keep:
                continue
            total = weight[keep].get(other, 0) + w
            weight[keep][other] = weight[other][keep] = total
            if total > 0:
                heapq.heappush(heap, (-total, min(keep, other), max(keep, other)))
        for node in members[gone]:
            camp[node] = keep
        members[keep].extend(members.pop(gone))
    return camp


class _Search:
    """A partition of actors (positions in a tie table) into camps, changed one move at a
    time, with its frustration kept up to date and every change logged so it can be undone.

    Moving actor ``a`` from camp ``h`` to camp ``t`` changes the frustration by
    ``pull[h] - pull[t]``, where ``pull[c]`` is the sum of the signs of a's ties to members
    of ``c`` (a camp of its own: 0): each move costs the actor's ties, not the network's."""

    def __init__(self, table: list[dict[int, int]], camp: list[int]) -> None:
        self.table = table
        self.camp = camp
        self.size: dict[int, int] = {}
        for c in camp:
            self.size[c] = self.size.get(c, 0) + 1
        self.fresh = max(camp, default=-1) + 1
        self.frustration = sum(
            1
            for a, ties in enumerate(table)
            for b, sign in ties.items()
            if a < b and (sign > 0) != (camp[a] == camp[b])
        )
        self.log: list[tuple[int, int]] = []  # (actor, the camp it left)
        self.work = 0  # ties read

    def pull(self, actor: int) -> dict[int, int]:
        self.work += len(self.table[actor])
        found: dict[int, int] = {}
        for other, sign in self.table[actor].items():
            c = self.camp[other]
            found[c] = found.get(c, 0) + sign
        return found

    def move(self, actor: int, target: int | None, pull: dict[int, int]) -> None:
        """Move ``actor`` to camp ``target`` (None: a camp of its own)."""
        here = self.camp[actor]
        if target is None:
            target = self.fresh
            self.fresh += 1
        self.frustration += pull.get(here, 0) - pull.get(target, 0)
        self.size[here] -= 1
        self.size[target] = self.size.get(target, 0) + 1
        self.camp[actor] = target
        self.log.append((actor, here))

    def undo(self, mark: int) -> None:
        """Undo the moves logged after ``mark``."""
        while len(self.log) > mark:
            actor, before = self.log.pop()
            pull = self.pull(actor)
            here = self.camp[actor]
            self.frustration += pull.get(here, 0) - pull.get(before, 0)
            self.size[here] -= 1
            self.size[before] = self.size.get(before, 0) + 1
            self.camp[actor] = before

    def descend(self, actors: Iterable[int], join: bool = True) -> None:
        """Local search: take actors from a queue (first ``actors``, then the neighbours of
        each that moved) and move each to the camp that pulls it hardest, while that lowers
        the frustration (the relocation of Doreian and Mrvar); then join whole camps whose
        ties are cooperative on balance (unless not ``join``: that reads every tie), and
        search again, until nothing lowers it."""
        queue = deque(actors)
        queued = set(queue)
        while queue:
            while queue:
                actor = queue.popleft()
                queued.discard(actor)
                pull = self.pull(actor)
                here = self.camp[actor]
                best, best_pull = here, pull.get(here, 0)
                for c in sorted(pull):
                    if pull[c] > best_pull:
                        best, best_pull = c, pull[c]
                if best_pull < 0:  # its own camp is hostile: a camp of its own is better
                    self.move(actor, None, pull)
                elif best != here:
                    self.move(actor, best, pull)
                else:
                    continue
                for other in self.table[actor]:
                    if other not in queued:
                        queued.add(other)
                        queue.append(other)
            for actor in self._join() if join else ():
                if actor not in queued:
                    queued.add(actor)
                    queue.append(actor)

    def _join(self) -> list[int]:
        """Join pairs of camps with more cooperative than hostile ties between them (each
        camp once, the strongest pairs first); the actors moved."""
        between: dict[tuple[int, int], int] = {}
        for a, ties in enumerate(self.table):
            for b, sign in ties.items():
                ca, cb = self.camp[a], self.camp[b]
                if ca < cb:
                    between[(ca, cb)] = between.get((ca, cb), 0) + sign
        into: dict[int, int] = {}
        for (ca, cb), weight in sorted(between.items(), key=lambda item: (-item[1], item[0])):
            if weight > 0 and ca not in into and cb not in into:
                into[ca] = ca
                into[cb] = ca
        moved = [a for a, c in enumerate(self.camp) if into.get(c, c) != c]
        for actor in moved:
            self.move(actor, into[self.camp[actor]], self.pull(actor))
        return moved

    def kick(self, rng: random.Random, actors: list[int]) -> None:
        """Perturb: move a few actors (drawn from ``actors``) to a neighbour's camp or a
        camp of their own."""
        for _kick in range(rng.randint(1, 3)):
            actor = actors[rng.randrange(len(actors))]
            options = sorted({self.camp[o] for o in self.table[actor]} - {self.camp[actor]})
            target = (
                options[rng.randrange(len(options))] if options and rng.random() < 0.8 else None
            )
            self.move(actor, target, self.pull(actor))


# Iterated local search: this many perturbations per actor with ties, and at most this
# many ties read per tie of the network (an actor's move reads its ties; kicks next to a
# hub of thousands of ties cost that much), at least ILS_MIN_WORK and at most ILS_MAX_WORK
# (about 5 s). On the whole ESD (3,852 ties) 1,000 per tie left 468 ties frustrated in
# 0.4 s, 100 per tie 473, 3,000 per tie 456 in 1.4 s: each more costs more for less.
KICKS_PER_ACTOR = 20
ILS_WORK_PER_TIE = 1_000
ILS_MIN_WORK = 200_000
ILS_MAX_WORK = 10_000_000


def _search(table: list[dict[int, int]], camp: list[int]) -> list[int]:
    """The greedy start improved by local search, then by iterated local search: kick a few
    actors, search again, keep the result unless it is more frustrated (equal is kept, so
    the search can cross plateaus); the least frustrated partition seen is returned. The
    kicks come from a generator with a fixed seed, and their number is bounded by the ties
    they read, not by time: the same network, the same camps."""
    search = _Search(table, camp)
    search.descend(range(len(table)))
    best, best_camp = search.frustration, list(search.camp)
    tied = [a for a, ties in enumerate(table) if ties]
    rng = random.Random(0)
    kicks = KICKS_PER_ACTOR * len(tied) if best else 0
    work = ILS_WORK_PER_TIE * sum(map(len, table)) // 2
    budget = search.work + min(ILS_MAX_WORK, max(ILS_MIN_WORK, work))
    for _kick in range(kicks):
        if search.work > budget:
            break
        search.log.clear()
        before = search.frustration
        search.kick(rng, tied)
        kicked = [a for a, _c in search.log]
        search.descend([n for a in kicked for n in (a, *table[a])], join=False)
        if search.frustration > before:
            search.undo(0)
        elif search.frustration < best:
            best, best_camp = search.frustration, list(search.camp)
            if not best:
                break
    if best_camp != search.camp:  # a last search with joins from the best seen
        search = _Search(table, best_camp)
        search.descend(range(len(table)))
        best_camp = search.camp
    return best_camp


def camps(signed: nx.Graph) -> tuple[list[Camp], dict[str, int], int]:
    """Partition the actors of a signed graph into camps; returns the camps (largest first),
    each actor's camp number, and the frustration left.

    The camps are the partition with the least *frustration* that the search finds:
    cooperative ties between camps plus hostile ties inside a camp, the measure of how far
    a signed network is from a balanced one (Doreian and Mrvar, "A partitioning approach
    to structural balance", Social Networks 1996). Finding the least is NP-hard (it is
    correlation clustering: Bansal, Blum and Chawla 2004), and the number of camps is not
    known beforehand. The search: greedy agglomeration from single actors, joining the two
    camps with the most net cooperative ties between them while that lowers the
    frustration (the greedy start Elsner and Schudy, "Bounding and comparing methods for
    correlation clustering beyond ILP", 2009, found best before local search); then local
    search, moving single actors to the camp that frustrates fewest of their ties (Doreian
    and Mrvar's relocation) and joining camps whose ties turned cooperative; then iterated
    local search (a few actors moved at random, with a fixed seed, and the search run
    again around them; :data:`ILS_WORK_PER_TIE` bounds it), which escapes the local minima
    where moving one actor at a time cannot split a group.

    Groups of cooperative ties (the earlier start) put 535 of the ESD's 550 actors in one
    camp, since nearly every actor is some backer's client; here a hostile tie keeps two
    actors apart from the start. A spectral start (the signed Laplacian's eigenvectors)
    needs the number of camps beforehand and splits in two at best; this needs neither.

    A mixed tie (as many hostile relations as cooperative ones, sign 0) counts for
    neither. Deterministic: actors are visited in order of label and IRI, equal choices go
    to the first, and the kicks are seeded; the work grows with the ties (each move costs
    one actor's ties), not with the actors squared."""
    order = _order(signed)
    table = _tie_table(signed, order)
    camp = _search(table, _agglomerate(table))
    members: dict[int, list[int]] = {}
    for position, c in enumerate(camp):
        members.setdefault(c, []).append(position)  # in order: the first is the lowest
    ranked = [
        [order[p] for p in ps] for ps in sorted(members.values(), key=lambda ps: (-len(ps), ps[0]))
    ]
    result: list[Camp] = []
    numbering: dict[str, int] = {}
    for number, ms in enumerate(ranked, start=1):
        result.append(Camp(number, ms, [_label(signed, m) for m in ms]))
        for m in ms:
            numbering[m] = number
    return result, numbering, frustration(signed, numbering)


def network_camps(network: nx.MultiDiGraph) -> tuple[list[Camp], dict[str, int], int]:
    """The camps of an actor network as ``kg metrics`` finds them: :func:`camps` of its
    :func:`signed_ties` (hostility from backing against an enemy included), for the
    pictures and exports that colour or label actors by camp."""
    return camps(signed_ties(network))


def _sign_word(sign: int) -> str:
    return "cooperate" if sign > 0 else "are hostile"


def triads(signed: nx.Graph) -> tuple[list[Triad], int]:
    """Every triangle of signed ties, balanced or not; and how many triangles had a tie of
    mixed sign (left out). Each triangle is found once, from its first actor in label order
    through two ties to later actors: the work grows with the ties and their triangles."""
    order = _order(signed)
    position = {n: i for i, n in enumerate(order)}
    later = [sorted(position[o] for o in signed[n] if position[o] > i) for i, n in enumerate(order)]
    following = [set(ps) for ps in later]
    found: list[Triad] = []
    ambiguous = 0
    for i, ps in enumerate(later):
        for x, j in enumerate(ps):
            for k in ps[x + 1 :]:
                if k not in following[j]:
                    continue
                a, b, c = order[i], order[j], order[k]
                signs = [signed[a][b]["sign"], signed[b][c]["sign"], signed[a][c]["sign"]]
                if 0 in signs:
                    ambiguous += 1
                    continue
                labels = [_label(signed, n) for n in (a, b, c)]
                why = (
                    f"{labels[0]} and {labels[1]} {_sign_word(signs[0])}, "
                    f"{labels[1]} and {labels[2]} {_sign_word(signs[1])}, "
                    f"{labels[0]} and {labels[2]} {_sign_word(signs[2])}"
                )
                balanced = signs[0] * signs[1] * signs[2] > 0
                found.append(Triad([a, b, c], labels, signs, balanced, why))
    return found, ambiguous


# --- brokerage ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Talks:
    """Peace processes as channels of brokerage: for each, the actors that mediate, host or
    guarantee it (its third parties) and those that take part; a third party is tied to
    every other actor of its process."""

    processes: tuple[tuple[frozenset[str], frozenset[str]], ...]  # (third parties, others)
    labels: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of_ties(cls, ties: nx.DiGraph) -> Talks:
        """Ties given one by one (from a third party to another actor), as
        :func:`kg.network.talks_ties` gives them."""
        return cls(
            tuple((frozenset((u,)), frozenset((v,))) for u, v in ties.edges() if u != v),
            {n: str(d["label"]) for n, d in ties.nodes(data=True) if "label" in d},
        )

    def actors(self) -> set[str]:
        """Every actor of every process."""
        return {a for middle, others in self.processes for a in middle | others}

    def matrix(self, index: Mapping[str, int]) -> Any:
        """The ties as a sparse matrix over ``index`` (row: a third party, column: an actor of
        its process), built as the product of two process-by-actor incidence matrices, so
        that a process of a thousand actors costs no Python loop over its million pairs."""
        middle_rows, middle_cols, all_rows, all_cols = [], [], [], []
        for number, (middle, others) in enumerate(self.processes):
            for actor in middle:
                middle_rows.append(number)
                middle_cols.append(index[actor])
            for actor in middle | others:
                all_rows.append(number)
                all_cols.append(index[actor])
        shape = (len(self.processes), len(index))
        middle = sparse.csr_array(
            (np.ones(len(middle_rows)), (middle_rows, middle_cols)), shape=shape
        )
        every = sparse.csr_array((np.ones(len(all_rows)), (all_rows, all_cols)), shape=shape)
        pairs = (middle.T @ every).tocsr()
        pairs.setdiag(0)
        pairs.eliminate_zeros()
        return pairs


def talks_channels(
    kg: KnowledgeGraph, *, as_of: Any = None, within: set[str] | None = None
) -> Talks:
    """The peace processes of ``kg`` and their actors (talks-channels.rq; a delegation counts
    for its sender). Denied roles are left out, and with ``as_of`` the roles that had not
    begun by then (a mediator of talks in 2017 was no channel in 2015); ended roles are
    kept, as channels once opened. ``as_of`` is a day or a period asked about (with
    ``first`` and ``last`` days, as ``kg.periods.When``). With ``within``, a process ties
    its third parties only to its participants in that set, and one with none there is
    left out."""
    latest = getattr(as_of, "last", as_of)
    third_party = Vocabulary.of(kg).third_party_roles
    middle: dict[str, set[str]] = {}
    others: dict[str, set[str]] = {}
    labels: dict[str, str] = {}
    for row in kg.select("talks-channels").rows:
        if str(row["status"]) == "denied":
            continue
        if latest is not None:
            where = compact(str(row["claim"]))
            begun = time_of(row["start"], row["start_precision"], where)
            if begun is not None and begun.first > latest:
                continue
        actor, process = str(row["actor"]), str(row["process"])
        labels[actor] = str(row["actor_label"] or compact(actor))
        side = middle if str(row["role"]) in third_party else others
        side.setdefault(process, set()).add(actor)
    processes = []
    for process in sorted(middle):  # a process without third parties ties no one
        brokers, rest = middle[process], others.get(process, set())
        if within is not None:
            rest = rest & within
            if not rest:
                continue
        processes.append((frozenset(brokers), frozenset(rest)))
    return Talks(tuple(processes), labels)


# Exact betweenness runs a search from every actor. Above this many actors it is estimated
# from a fixed sample of source actors (seeded: the same network gives the same figures).
EXACT_BETWEENNESS = 1_000
BETWEENNESS_SAMPLE = 300
# Searches run side by side, this many at once (a matrix of actors x searches).
SEARCHES_AT_ONCE = 64


def betweenness_sampling(actors: int) -> dict[str, int]:
    """The sampling of betweenness for a network of ``actors``: none (exact) for small
    networks, ``k`` sources chosen with ``seed`` above EXACT_BETWEENNESS."""
    if actors <= EXACT_BETWEENNESS:
        return {}
    return {"k": BETWEENNESS_SAMPLE, "seed": 0}


def _dependencies(adjacency: Any, sources: np.ndarray) -> Any:
    """Brandes's accumulated dependencies of every actor on the shortest paths from each of
    ``sources``, summed: the searches run side by side as columns of dense matrices, a level
    at a time, each level one product of the sparse adjacency matrix with the frontier (the
    algebraic form of Brandes's algorithm, as in GraphBLAS's betweenness)."""
    n = adjacency.shape[0]
    total = np.zeros(n)
    for begin in range(0, len(sources), SEARCHES_AT_ONCE):
        chunk = sources[begin : begin + SEARCHES_AT_ONCE]
        columns = np.arange(len(chunk))
        paths = np.zeros((n, len(chunk)))  # sigma: shortest paths from the source
        paths[chunk, columns] = 1
        depth = np.full((n, len(chunk)), -1, dtype=np.int32)
        depth[chunk, columns] = 0
        frontier = paths.copy()
        level = 0
        while True:
            reached = adjacency @ frontier
            reached[depth >= 0] = 0
            found = reached > 0
            if not found.any():
                break
            level += 1
            depth[found] = level
            paths += reached
            frontier = reached
        dependency = np.zeros((n, len(chunk)))
        for at in range(level, 0, -1):
            here = depth == at
            share = np.zeros((n, len(chunk)))
            share[here] = (1 + dependency[here]) / paths[here]
            back = adjacency @ share
            before = depth == at - 1
            dependency[before] += paths[before] * back[before]
        dependency[chunk, columns] = 0
        total += dependency.sum(axis=1)
    return total


def betweenness(adjacency: Any, *, k: int | None = None, seed: int = 0) -> Any:
    """Normalised betweenness of every actor of an undirected graph given as a symmetric
    sparse 0/1 matrix: exact, or estimated from ``k`` sources drawn with ``seed``, scaled
    as networkx's ``betweenness_centrality`` (endpoints excluded) scales them, which gives
    the same figures from the same sources (tests/test_metrics.py compares them).

    networkx ran one search at a time in Python: 300 sampled searches over the 15,883
    actors and 780,000 ties (most of them talks ties) of the 1M-triple synthetic store took
    over 150 s; here each level of 64 searches is one sparse product."""
    n = adjacency.shape[0]
    if n < 3:
        return np.zeros(n)
    if k is None or k >= n:
        sources = np.arange(n)
        return _dependencies(adjacency, sources) / ((n - 1) * (n - 2))
    sources = np.array(sorted(random.Random(seed).sample(range(n), k)))
    found = _dependencies(adjacency, sources)
    scale = np.full(n, 1 / (k * (n - 2)))
    scale[sources] = 1 / ((k - 1) * (n - 2))
    return found * scale


def brokerage(
    network: nx.MultiDiGraph,
    camp_of: dict[str, int],
    talks: Talks | nx.DiGraph | None = None,
    signed: nx.Graph | None = None,
) -> list[Brokerage]:
    """Betweenness over every tie plus the talks ties; and for each actor, the camps other
    than its own that it reaches through cooperative ties or as a third party of talks.
    A broker reaches two such camps or more."""
    if talks is None:
        talks = Talks(())
    elif isinstance(talks, nx.DiGraph):
        talks = Talks.of_ties(talks)
    labels: dict[str, str] = {**talks.labels, **{n: _label(network, n) for n in network}}
    for actor in talks.actors():
        labels.setdefault(actor, actor)
    order = sorted(labels, key=lambda n: (labels[n].casefold(), n))
    index = {n: i for i, n in enumerate(order)}
    n = len(order)
    pairs = [(index[u], index[v]) for u, v in network.edges() if u != v]
    rows_of = np.array([p[0] for p in pairs], dtype=np.int64)
    cols_of = np.array([p[1] for p in pairs], dtype=np.int64)
    direct = sparse.csr_array((np.ones(len(pairs)), (rows_of, cols_of)), shape=(n, n))
    channels = talks.matrix(index)
    adjacency = (direct + direct.T + channels + channels.T).tocsr()
    adjacency.data[:] = 1.0
    between = betweenness(adjacency, **betweenness_sampling(n))
    signed = signed if signed is not None else signed_ties(network)
    camp = np.array([camp_of.get(a, 0) for a in order])  # camps are numbered from 1
    result: list[Brokerage] = []
    for position, node in enumerate(order):
        reached = channels.indices[channels.indptr[position] : channels.indptr[position + 1]]
        found = set(camp[reached].tolist())
        if node in signed:
            found |= {camp_of[o] for o in signed[node] if signed[node][o]["sign"] > 0}
        found -= {0, camp_of.get(node, 0)}
        bridged = sorted(found)
        result.append(
            Brokerage(
                actor=node,
                label=labels[node],
                betweenness=round(float(between[position]), 6),
                camps=bridged,
                broker=len(bridged) >= 2,
            )
        )
    result.sort(key=lambda r: (-r.betweenness, r.label.casefold(), r.actor))
    return result


def compute(network: nx.MultiDiGraph, talks: Talks | nx.DiGraph | None = None) -> Metrics:
    """Every measure of ``network``; ``talks`` ties the third parties of peace processes to
    their other actors (:func:`talks_channels`, or ties one by one as
    :func:`kg.network.talks_ties` gives them)."""
    signed = signed_ties(network)
    camp_list, camp_of, left = camps(signed)
    found, ambiguous = triads(signed)
    notes = []
    if isinstance(talks, nx.DiGraph):
        talks = Talks.of_ties(talks)
    actors = len(set(network) | (talks.actors() if talks is not None else set()))
    if betweenness_sampling(actors):
        notes.append(
            f"betweenness estimated from {BETWEENNESS_SAMPLE} sampled actors of {actors:,} "
            f"(exact up to {EXACT_BETWEENNESS:,} actors)"
        )
    return Metrics(
        influence=influence(network),
        brokerage=brokerage(network, camp_of, talks, signed),
        camps=camp_list,
        frustration=left,
        triads=found,
        ambiguous_triads=ambiguous,
        notes=notes,
    )


def measure(
    kg: KnowledgeGraph,
    *,
    as_of: Any = None,
    include_ended: bool = False,
    scope: Scope | Filter | None = None,
    left: LeftOut | None = None,
) -> Metrics:
    """Every measure of the actor network of ``kg`` as of ``as_of`` (a day or a
    :class:`kg.periods.When`), of the relations in ``scope`` (``left`` counts those left
    out, as :func:`kg.network.project` does). With a scope, the talks count only as
    channels to the actors it selected: the Astana talks tie their mediators to the
    Syrian government and the insurgents in the Syrian conflicts, and to no one elsewhere."""
    network = project(kg, as_of=as_of, include_ended=include_ended, scope=scope, left=left)
    within = set(network) if scope else None
    return compute(network, talks_channels(kg, as_of=as_of, within=within))
