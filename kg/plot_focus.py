"""Which part of the actor network a picture shows, and which of its actors it names.

A picture of hundreds of actors is readable only if it names few of them and lets the reader
ask for less: :func:`neighbourhood` keeps one actor and those within N ties of it (in either
direction), :func:`most_central` the N most central actors and the relations among them.

Centrality here is the number of **partners**: the distinct actors an actor has a relation
with, whatever its kind or direction (ties broken by the number of relations, then by
label). It is what a reader sees as a busy node, costs nothing on any network, and names
the actors of a conflict that others turn around (the Syrian government, Russia, Iran, the
United States in Syria); betweenness, which `kg metrics` reports, would favour the rare
go-betweens instead.
"""

from __future__ import annotations

from collections import Counter

import networkx as nx

from kg.prefixes import compact

# At most this many actors are named in a picture; the others are named on hover (the HTML
# page, an SVG's titles) and found with the page's search box.
LABEL_LIMIT = 40


def label_of(network: nx.Graph, node: str) -> str:
    """The actor's label, or its compact IRI."""
    return str(network.nodes[node].get("label") or compact(node))


def partners(network: nx.Graph) -> dict[str, int]:
    """How many distinct actors each actor has a relation with."""
    found: dict[str, set[str]] = {n: set() for n in network}
    for u, v in network.edges():
        if u != v:
            found[u].add(v)
            found[v].add(u)
    return {n: len(others) for n, others in found.items()}


def ranking(network: nx.Graph) -> list[str]:
    """Every actor, the most central first (most partners, then most relations, then by
    label): the same network always gives the same order."""
    count = partners(network)
    relations: Counter[str] = Counter()
    for u, v in network.edges():
        relations[u] += 1
        relations[v] += 1
    return sorted(
        network,
        key=lambda n: (-count[n], -relations[n], label_of(network, n).casefold(), n),
    )


def to_label(network: nx.Graph, limit: int = LABEL_LIMIT) -> list[str]:
    """The actors a picture names, most central first: every actor of a network of at most
    ``limit``, else the ``limit`` most central."""
    return ranking(network)[:limit]


def neighbourhood(network: nx.MultiDiGraph, actor: str, hops: int = 1) -> nx.MultiDiGraph:
    """``actor``, the actors within ``hops`` ties of it in either direction, and every
    relation among them (a copy). An actor not in the network is returned alone, with the
    label ``network`` gives it if any."""
    if actor not in network:
        alone = nx.MultiDiGraph()
        alone.add_node(actor)
        return alone
    ties = network.to_undirected(as_view=True)
    kept = nx.single_source_shortest_path_length(ties, actor, cutoff=max(hops, 0))
    return nx.MultiDiGraph(network.subgraph(kept))


def most_central(network: nx.MultiDiGraph, top: int) -> nx.MultiDiGraph:
    """The ``top`` most central actors (see :func:`ranking`) and the relations among them
    (a copy)."""
    return nx.MultiDiGraph(network.subgraph(ranking(network)[: max(top, 0)]))
