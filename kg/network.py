"""The actor network: a NetworkX projection of the knowledge graph.

:func:`project` turns the relations between actors into a ``networkx.MultiDiGraph`` with one
edge per relation (claims that agree on the relation, period and status are one edge with
several sources). What each kind of relation becomes is the graph's
:class:`kg.vocabulary.Vocabulary`, read from the ontology: the annotations
``ckg:networkEdge`` (directed or undirected edge, or none) and ``ckg:edgeSign`` (+1
cooperative, -1 hostile) on the claim classes, and on plain properties such as
``ckg:partOf`` (an agency belongs with its state). Kinds without ``ckg:networkEdge``
(mediation, participation in talks, signing) are not edges between actors; the third
parties of talks (``ckg:ThirdPartyClaim``: mediators, guarantors, hosts) tie to their
participants in :func:`talks_ties`.

Undirected relations are stored once, as an edge with ``directed=False``.
"""

from __future__ import annotations

from datetime import date

import networkx as nx

from kg.claims import claims, relations
from kg.graph import KnowledgeGraph
from kg.periods import When, as_when
from kg.prefixes import compact
from kg.selection import Filter, LeftOut, Scope, scoped
from kg.vocab import CKG
from kg.vocabulary import Vocabulary


def project(
    kg: KnowledgeGraph,
    *,
    as_of: When | date | None = None,
    include_ended: bool = False,
    scope: Scope | Filter | None = None,
    left: LeftOut | None = None,
) -> nx.MultiDiGraph:
    """The actor network as of ``as_of`` (a day or a :class:`kg.periods.When`; ended
    relations only with ``include_ended``), of the relations in ``scope``; what was left
    out, and why, is counted in ``left``.

    Nodes are actor IRIs with ``label``. Edges carry ``kind`` (the direct property's label,
    such as "backs"), ``claim_class``, ``directed``, ``sign``, ``start``, ``end`` (ISO dates
    at their precision, or None), ``status``, ``standing``, ``sources`` (how many) and
    ``documents``, ``quotes``, ``support`` (kinds of support) and ``against`` (the enemies
    the backing was against), lists; ``open_at_coverage_end`` when the end is the last year
    its dataset covers, where it was still recorded.
    """
    kinds = Vocabulary.of(kg).edge_kinds
    graph = nx.MultiDiGraph()
    chosen = scoped(kg, scope)
    found = [
        c
        for c in claims(kg, context=chosen is not None and chosen.needs_context)
        if c.kind in kinds
    ]
    every = relations(
        found, as_of=as_when(as_of), include_ended=include_ended, scope=chosen, left=left
    )
    for relation in every:
        c = relation.first
        kind = kinds[c.kind]
        if not kind.directed and c.subject > c.object:
            continue  # a symmetric relation is read in both directions: keep one
        graph.add_node(c.subject, label=c.subject_label)
        graph.add_node(c.object, label=c.object_label)
        graph.add_edge(
            c.subject,
            c.object,
            kind=kind.name,
            claim_class=c.kind,
            directed=kind.directed,
            sign=kind.sign,
            start=str(relation.start) if relation.start else None,
            end=str(relation.end) if relation.end else None,
            start_day=relation.start.first.isoformat() if relation.start else None,
            end_day=relation.end.last.isoformat() if relation.end else None,
            status=c.status,
            standing=relation.standing.value,
            standing_text=relation.standing_text,
            open_at_coverage_end=relation.open_at_coverage_end,
            sources=len(relation.claims),
            documents=[s.document for s in relation.sources],
            quotes=[s.quote or "" for s in relation.sources],
            support=sorted({k for claim in relation.claims for k in claim.support}),
            against=sorted({a for claim in relation.claims for a in claim.against}),
        )
    # Structural links (an agency of a state, a delegation) belong to no conflict or
    # source: with a filter, only those between actors it kept.
    for row in kg.select("structural-links").rows:
        prop = str(row["property"])
        kind = kinds[prop]
        subject, obj = str(row["from"]), str(row["to"])
        if chosen is not None and not (subject in graph and obj in graph):
            continue
        graph.add_node(subject, label=str(row["from_label"] or compact(subject)))
        graph.add_node(obj, label=str(row["to_label"] or compact(obj)))
        graph.add_edge(
            subject,
            obj,
            kind=kind.name,
            claim_class=prop,
            directed=kind.directed,
            sign=kind.sign,
            start=None,
            end=None,
            start_day=None,
            end_day=None,
            status="structural",
            standing="current",
            standing_text="current",
            open_at_coverage_end=False,
            sources=0,
            documents=[],
            quotes=[],
            support=[],
            against=[],
        )
    return graph


def talks_ties(kg: KnowledgeGraph) -> nx.DiGraph:
    """Ties from the mediators, hosts and guarantors of each peace process to the actors
    that take part in it or share its mediation (a delegation counts for its sender): the
    channels brokers work through."""
    third_party = Vocabulary.of(kg).third_party_roles
    brokers: dict[str, set[str]] = {}
    participants: dict[str, set[str]] = {}
    labels: dict[str, str] = {}
    for row in kg.select("talks-roles").rows:
        actor, process, role = str(row["actor"]), str(row["process"]), str(row["role"])
        labels[actor] = str(row["actor_label"] or compact(actor))
        if role in third_party:
            brokers.setdefault(process, set()).add(actor)
        else:
            participants.setdefault(process, set()).add(actor)
    ties = nx.DiGraph()
    # In sorted order, not the sets' (which follows Python's string hashes): the order of
    # the nodes decides which sources sampled betweenness starts from at 1,000 actors and
    # more, and with it the figures `kg metrics` prints.
    for process, middle in brokers.items():
        for broker in sorted(middle):
            for other in sorted(participants.get(process, set()) | middle):
                if other != broker:
                    ties.add_node(broker, label=labels[broker])
                    ties.add_node(other, label=labels[other])
                    ties.add_edge(broker, other)
    return ties


def signed_graph(network: nx.MultiDiGraph) -> nx.Graph:
    """Collapse the network to one undirected tie per pair of actors, with a sign: +1 when
    every tie between them is cooperative, -1 when every tie is hostile, 0 when mixed."""
    simple = nx.Graph()
    simple.add_nodes_from(network.nodes(data=True))
    signs: dict[frozenset[str], set[int]] = {}
    for u, v, data in network.edges(data=True):
        if u != v:
            signs.setdefault(frozenset((u, v)), set()).add(int(data["sign"]))
    for pair, found in signs.items():
        u, v = sorted(pair)
        sign = found.pop() if len(found) == 1 else 0
        simple.add_edge(u, v, sign=sign)
    return simple


def support_graph(network: nx.MultiDiGraph) -> nx.DiGraph:
    """Only the backing edges (backer -> recipient), one per pair."""
    backing = nx.DiGraph()
    backing.add_nodes_from(network.nodes(data=True))
    for u, v, data in network.edges(data=True):
        if data["claim_class"] == str(CKG.SupportClaim):
            backing.add_edge(u, v)
    return backing
