"""Counts that describe a knowledge graph: actors by type, claims by kind, sources, triples."""

from __future__ import annotations

from dataclasses import dataclass

from kg.graph import KnowledgeGraph, QueryRows


@dataclass(frozen=True)
class Stats:
    """The answers of the four stats-*.rq queries."""

    actors_by_type: QueryRows
    claims_by_kind: QueryRows
    sources: QueryRows
    triples: QueryRows

    def sections(self) -> dict[str, QueryRows]:
        """The sections in the order they are shown, keyed by title."""
        return {
            "actors by type": self.actors_by_type,
            "claims by kind": self.claims_by_kind,
            "sources": self.sources,
            "triples": self.triples,
        }


def graph_stats(kg: KnowledgeGraph) -> Stats:
    """Count actors by type, claims by kind, claims by source, and triples by graph."""
    return Stats(
        actors_by_type=kg.select("stats-actors-by-type"),
        claims_by_kind=kg.select("stats-claims-by-kind"),
        sources=kg.select("stats-sources"),
        triples=kg.select("stats-triples"),
    )
