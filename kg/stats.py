"""Counts that describe a knowledge graph: actors by type, claims by kind, sources, triples."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kg.graph import KnowledgeGraph, QueryRows
from kg.results import Result, document


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

    def tables(self) -> dict[str, Result[Mapping[str, Any]]]:
        """The sections as tables (every column shown), keyed by title."""
        return {
            title: Result(tuple(found.rows), tuple(found.columns), tuple(zip(*[found.columns] * 2)))
            for title, found in self.sections().items()
        }

    def to_record(self) -> dict[str, Any]:
        """The counts as the JSON document of ``kg stats``."""
        return {title.replace(" ", "_"): t.to_records() for title, t in self.tables().items()}

    def render(self, fmt: str, *, width: int | None = None) -> str:
        """The counts as text: one table per section, titled in a table or Markdown."""
        if fmt == "json":
            return document(self.to_record())
        parts = [
            f"# {title}\n{t.render(fmt, width=width)}"
            if fmt in ("table", "markdown")
            else t.render(fmt, width=width)
            for title, t in self.tables().items()
        ]
        return "\n".join(parts)


def graph_stats(kg: KnowledgeGraph) -> Stats:
    """Count actors by type, claims by kind, claims by source, and triples by graph."""
    return Stats(
        actors_by_type=kg.select("stats-actors-by-type"),
        claims_by_kind=kg.select("stats-claims-by-kind"),
        sources=kg.select("stats-sources"),
        triples=kg.select("stats-triples"),
    )
