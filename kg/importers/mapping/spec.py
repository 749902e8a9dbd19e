"""The parsed mapping: what each key of the TOML document means once it has been checked.

A :class:`MappingSpec` is the mapping's query level (followthemoney's ``QueryMapping``): which
rows to keep, how to name the source, the claim's actors and the rest of its values. The key
sets below are the language's keys; :mod:`.document` reads a file into a spec, :mod:`.rows`
reads a table with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import URIRef

from kg.importers.mapping.template import Condition, Value
from kg.importers.table import Problems

SECTIONS = {"table", "rows", "actors", "source", "claim"}
TABLE_KEYS = {"delimiter"}
ROWS_KEYS = {"keep_if", "skip_if"}
ACTORS_KEYS = {"unknown"}
SOURCE_TEXT_KEYS = {"id", "type", "title", "date", "version", "citation", "url", "note"}
SOURCE_ACTOR_KEYS = {"publisher"}
CLAIM_TEXT_KEYS = {
    "id",
    "relation",
    "status",
    "start",
    "end",
    "during",
    "quote",
    "label",
    "note",
    "record",
    "in_coalition",
    "coalition",
    "both_sides",
}
CLAIM_ACTOR_KEYS = {"backer", "recipient", "against", "via", "according_to"}
CLAIM_KEYS = CLAIM_TEXT_KEYS | CLAIM_ACTOR_KEYS | {"support"}
ACTOR_SPEC_KEYS = {"name", "iri", "type", "ucdp_id", "split"}
VALUE_SPEC_KEYS = {"value", "map", "default"}


@dataclass(frozen=True)
class ActorSpec:
    """How a row names an actor: a name, or an IRI (such as a UCDP id's), and the class to
    give the actor if the data does not have it yet."""

    key: str
    name: Value | None
    iri: Value | None = None
    type: Value | None = None
    ucdp_id: Value | None = None
    #: Separators of a cell that names several actors ("Qatar, Turkey"): one claim each.
    split: tuple[str, ...] = ()

    @property
    def column(self) -> str | None:
        """The first column the actor is read from."""
        for value in (self.iri, self.name):
            if value is not None and value.column is not None:
                return value.column
        return None

    def split_columns(self) -> list[str]:
        """The columns a split cuts into parts: those the name, IRI and id read."""
        found: list[str] = []
        for value in (self.name, self.iri, self.ucdp_id):
            if value is not None:
                found += [c for c in value.template.columns if c not in found]
        return found


@dataclass(frozen=True)
class SupportSpec:
    """The kinds of support: names or letters in a cell, or one 0/1 column per kind."""

    value: Value | None = None
    flags: tuple[tuple[str, URIRef], ...] = ()


@dataclass
class MappingSpec:
    """A parsed mapping file, checked against the columns of the table it is used with."""

    path: Path
    delimiter: str = ","
    keep_if: dict[str, Condition] = field(default_factory=dict)
    skip_if: dict[str, Condition] = field(default_factory=dict)
    unknown_actors: str = "add"
    source: dict[str, Value] = field(default_factory=dict)
    publisher: ActorSpec | None = None
    claim: dict[str, Value] = field(default_factory=dict)
    actors: dict[str, ActorSpec] = field(default_factory=dict)
    support: SupportSpec = field(default_factory=SupportSpec)

    def columns(self) -> list[tuple[str, str]]:
        """Every (mapping key, column) the mapping reads."""
        found: list[tuple[str, str]] = []
        values: list[Value] = [*self.source.values(), *self.claim.values()]
        actors = [*self.actors.values(), *([self.publisher] if self.publisher else [])]
        for actor in actors:
            values += [v for v in (actor.name, actor.iri, actor.type, actor.ucdp_id) if v]
        if self.support.value is not None:
            values.append(self.support.value)
        for value in values:
            found += [(value.key, column) for column in value.template.columns]
            if value.default is not None:
                found += [(f"{value.key} default", column) for column in value.default.columns]
        found += [("[claim] support", column) for column, _kind in self.support.flags]
        found += [("[rows] keep_if", column) for column in self.keep_if]
        found += [("[rows] skip_if", column) for column in self.skip_if]
        return found


def check_columns(spec: MappingSpec, table_path: Path, columns: list[str]) -> None:
    """Every column the mapping reads must be in the table; BadImport names each one."""
    problems = Problems(spec.path)
    header = set(columns)
    for key, column in spec.columns():
        if column not in header:
            problems.add(
                None,
                None,
                f"{key}: reads the column {column!r}, which {table_path} does not have "
                f"(it has: {', '.join(columns)})",
            )
    problems.raise_if_any()
