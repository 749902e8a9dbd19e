"""What an import did (:class:`ImportResult`) and why it was refused (:func:`refusal`).

Where it writes, and how all or nothing, is :mod:`kg.importers.target`'s. Claims and
records have IRIs made from their source and row, and an import rewrites the nodes of the
rows it reads: importing the same file again adds nothing, and importing it after an alias
was corrected moves its claims to the right actor.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg import output
from kg.errors import InvalidData
from kg.importers.model import Origin
from kg.queries import compact
from kg.results import document
from kg.validation import ValidationReport

# How many violations the refusal message names.
SHOWN_VIOLATIONS = 5


#: How many new actors and name clashes the table summary of an import lists.
SHOWN_ACTORS = 10


@dataclass
class ImportResult:
    """What an import did, in numbers, with the actors it added and the names to check."""

    input: str
    output: str
    rows: int
    claims: int
    no_known_support: int
    skipped: int
    triples_added: int
    triples_removed: int
    triples_in_store: int
    written: bool
    new_actors: list[tuple[str, str]] = field(default_factory=list)
    clashes: list[tuple[str, str, str]] = field(default_factory=list)
    #: Actors an earlier import of the same rows added that nothing names any more.
    removed_actors: list[str] = field(default_factory=list)

    def counts(self) -> list[dict[str, Any]]:
        """The numbers as rows of (what, count), for a table."""
        return [
            {"what": "rows read", "count": self.rows},
            {"what": "claims", "count": self.claims},
            {"what": "no known support", "count": self.no_known_support},
            {"what": "rows skipped", "count": self.skipped},
            {"what": "new actors", "count": len(self.new_actors)},
            {"what": "triples added", "count": self.triples_added},
            {"what": "triples removed", "count": self.triples_removed},
            {"what": "triples in store", "count": self.triples_in_store},
        ]

    def render(self, fmt: str) -> str:
        """The summary ``kg import`` prints: JSON every field; a table the counts, the
        first new actors and the first names a new actor shares with an old one."""
        if fmt == "json":
            return document(self.as_dict())
        done = "imported" if self.written else "nothing new from"
        text = f"{done} {self.input} into {self.output}\n"
        text += output.render(self.counts(), ["what", "count"], "table")
        lines = []
        if self.new_actors:
            shown = ", ".join(
                f"{label} ({compact(iri)})" for iri, label in self.new_actors[:SHOWN_ACTORS]
            )
            more = len(self.new_actors) - SHOWN_ACTORS
            lines.append(f"new actors: {shown}" + (f", and {more} more" if more > 0 else ""))
        if self.removed_actors:
            shown = ", ".join(compact(iri) for iri in self.removed_actors[:SHOWN_ACTORS])
            more = len(self.removed_actors) - SHOWN_ACTORS
            lines.append(
                "removed actors that nothing names any more: "
                + shown
                + (f", and {more} more" if more > 0 else "")
            )
        for new, name, old in self.clashes[:SHOWN_ACTORS]:
            lines.append(
                f"check: the new actor {compact(new)} has the name {name!r} of "
                f"{compact(old)}; if they are one actor: kg actors merge {compact(new)} "
                f"{compact(old)}"
            )
        if len(self.clashes) > SHOWN_ACTORS:
            lines.append(
                f"check: {len(self.clashes) - SHOWN_ACTORS} more name clashes (--format json)"
            )
        return text + "".join(f"{line}\n" for line in lines)

    def as_dict(self) -> dict[str, Any]:
        """Every field, as JSON would show it."""
        return {
            "input": self.input,
            "output": self.output,
            "rows": self.rows,
            "claims": self.claims,
            "no_known_support": self.no_known_support,
            "skipped": self.skipped,
            "triples_added": self.triples_added,
            "triples_removed": self.triples_removed,
            "triples_in_store": self.triples_in_store,
            "written": self.written,
            "new_actors": [{"actor": iri, "label": label} for iri, label in self.new_actors],
            "removed_actors": list(self.removed_actors),
            "name_clashes": [
                {"new_actor": new, "name": name, "existing_actor": old}
                for new, name, old in self.clashes
            ],
        }


def refusal(
    path: Path, origins: Mapping[str, Origin], where: str, report: ValidationReport
) -> InvalidData:
    """The error of an import of ``path`` whose result would not conform: the first
    violations, each at the row and column it was read from (``origins``, by IRI) where
    the focus node is a claim of the table."""
    found = []
    for result in report.results:
        if result.severity != "Violation":
            continue
        origin = origins.get(result.focus_node)
        path_text = compact(result.path) if result.path else None
        if origin is not None:
            place = origin.place(path, result.path)
            found.append(f"{place}: {compact(result.focus_node)} {result.message.rstrip('.')}")
        else:
            spot = compact(result.focus_node) + (f" {path_text}" if path_text else "")
            found.append(f"{spot}: {result.message.rstrip('.')}")
    shown = "; ".join(found[:SHOWN_VIOLATIONS])
    more = len(found) - SHOWN_VIOLATIONS
    tail = f"; and {more} more" if more > 0 else ""
    return InvalidData(
        f"{path}: refused, the store {where} would not conform "
        f"({report.violations} violation(s)); nothing was written: {shown}{tail}",
        report,
    )
