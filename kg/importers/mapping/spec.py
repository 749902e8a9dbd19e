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

from kg.errors import BadImport
from kg.importers.mapping.lookup import Lookup, parse_reference
from kg.importers.mapping.template import Condition, Value
from kg.importers.table import Problems, normal_number

SECTIONS = {"table", "rows", "actors", "source", "claim", "lookups", "agreement", "talks"}
TABLE_KEYS = {"delimiter", "unpivot"}
UNPIVOT_KEYS = {"columns", "columns_from", "name", "value", "skip"}
LOOKUP_KEYS = {"file", "key", "value", "delimiter", "default"}
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
    "alliance_kind",
    "conflict",
}
CLAIM_ACTOR_KEYS = {"backer", "recipient", "against", "via", "according_to"}
CLAIM_KEYS = CLAIM_TEXT_KEYS | CLAIM_ACTOR_KEYS | {"support"}
#: The keys of ``[agreement]`` and of ``[talks]``: the node a row is about.
NODE_KEYS = {
    "agreement": {"id", "name", "class", "date", "note"},
    "talks": {"id", "name", "class", "start", "end", "note"},
}
ACTOR_SPEC_KEYS = {"name", "iri", "type", "ucdp_id", "split"}
VALUE_SPEC_KEYS = {"value", "map", "default", "lookup"}


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
        """The columns a split cuts into parts: those the name, IRI and id read (each part
        is then looked up, where a lookup reads the column)."""
        found: list[str] = []
        for value in (self.name, self.iri, self.ucdp_id):
            if value is not None:
                for column in value.template.columns:
                    reference = parse_reference(column)  # a lookup's: its key's column
                    column = column if reference is None else reference[1]
                    if column not in found:
                        found.append(column)
        return found


@dataclass(frozen=True)
class NodeSpec:
    """``[agreement]`` or ``[talks]``: the agreement or talks each row mints, which fills
    the claim's role of that name (``section``) where no key gives it."""

    section: str
    id: Value
    name: Value
    cls: Value | None = None
    date: Value | None = None
    start: Value | None = None
    end: Value | None = None
    note: Value | None = None

    def values(self) -> list[Value]:
        given = (self.id, self.name, self.cls, self.date, self.start, self.end, self.note)
        return [v for v in given if v is not None]


@dataclass(frozen=True)
class SupportSpec:
    """The kinds of support: names or letters in a cell, or one 0/1 column per kind."""

    value: Value | None = None
    flags: tuple[tuple[str, URIRef], ...] = ()


@dataclass(frozen=True)
class UnpivotSpec:
    """``[table] unpivot``: a matrix read as one row per (row, column): the header of each
    of ``columns`` (or of the span ``first..last``) in the new column ``name``, its cell in
    ``value``; an empty cell, or one of ``skip``, gives no row."""

    name: str
    value: str
    columns: tuple[str, ...] = ()
    span: tuple[str, str | None] | None = None
    skip: frozenset[str] = frozenset()

    def resolve(self, header: list[str]) -> list[str]:
        """The columns unpivoted, in the table's order; ValueError naming a missing one."""
        if self.span is None:
            missing = [c for c in self.columns if c not in header]
            if missing:
                raise ValueError(
                    f"columns: the table has no column {missing[0]!r} (it has: {', '.join(header)})"
                )
            return list(self.columns)
        first, last = self.span
        for column in (first, last):
            if column is not None and column not in header:
                raise ValueError(
                    f"columns_from: the table has no column {column!r} "
                    f"(it has: {', '.join(header)})"
                )
        start = header.index(first)
        end = header.index(last) if last is not None else len(header) - 1
        if end < start:
            raise ValueError(f"columns_from: {last!r} comes before {first!r} in the table")
        return header[start : end + 1]

    def kept(self, cell: str) -> bool:
        """Whether a cell gives a row."""
        return bool(cell.strip()) and normal_number(cell) not in self.skip


@dataclass
class MappingSpec:
    """A parsed mapping file, checked against the columns of the table it is used with."""

    path: Path
    delimiter: str = ","
    unpivot: UnpivotSpec | None = None
    lookups: dict[str, Lookup] = field(default_factory=dict)
    keep_if: dict[str, Condition] = field(default_factory=dict)
    skip_if: dict[str, Condition] = field(default_factory=dict)
    unknown_actors: str = "add"
    source: dict[str, Value] = field(default_factory=dict)
    publisher: ActorSpec | None = None
    claim: dict[str, Value] = field(default_factory=dict)
    actors: dict[str, ActorSpec] = field(default_factory=dict)
    support: SupportSpec = field(default_factory=SupportSpec)
    node: NodeSpec | None = None
    #: ``alliance_kind = { flags = { atop_defense = "defense", ... } }``: (column, kind).
    alliance_flags: tuple[tuple[str, str], ...] = ()

    def values(self) -> list[Value]:
        """Every value of the mapping."""
        values: list[Value] = [*self.source.values(), *self.claim.values()]
        actors = [*self.actors.values(), *([self.publisher] if self.publisher else [])]
        for actor in actors:
            values += [v for v in (actor.name, actor.iri, actor.type, actor.ucdp_id) if v]
        if self.support.value is not None:
            values.append(self.support.value)
        if self.node is not None:
            values += self.node.values()
        return values

    def references(self) -> dict[str, tuple[Lookup, str]]:
        """The ``lookup.NAME:COLUMN`` its templates read: (the lookup, the column)."""
        found: dict[str, tuple[Lookup, str]] = {}
        for value in self.values():
            templates = [value.template, *([value.default] if value.default else [])]
            for column in (c for t in templates for c in t.columns):
                reference = parse_reference(column)
                if reference is not None and reference[0] in self.lookups:
                    found[column] = (self.lookups[reference[0]], reference[1])
        return found

    def columns(self) -> list[tuple[str, str]]:
        """Every (mapping key, column) the mapping reads (a lookup's: the column of its key)."""
        found: list[tuple[str, str]] = []

        def column_of(column: str) -> str:
            reference = parse_reference(column)
            return column if reference is None else reference[1]

        for value in self.values():
            found += [(value.key, column_of(column)) for column in value.template.columns]
            if value.default is not None:
                found += [
                    (f"{value.key} default", column_of(column)) for column in value.default.columns
                ]
        found += [("[claim] support", column) for column, _kind in self.support.flags]
        found += [("[claim] alliance_kind", column) for column, _kind in self.alliance_flags]
        found += [("[rows] keep_if", column) for column in self.keep_if]
        found += [("[rows] skip_if", column) for column in self.skip_if]
        return found


def check_columns(spec: MappingSpec, table_path: Path, columns: list[str]) -> None:
    """Every column the mapping reads must be in the table (after ``[table] unpivot``);
    BadImport names each one."""
    problems = Problems(spec.path)
    if spec.unpivot is not None:
        unpivot = spec.unpivot
        try:
            matrix = unpivot.resolve(columns)
        except ValueError as error:
            raise BadImport(f"{spec.path}: [table] unpivot {error}") from None
        rest = [c for c in columns if c not in matrix]
        for key in ("name", "value"):
            if getattr(unpivot, key) in rest:
                problems.add(
                    None,
                    None,
                    f"[table] unpivot {key}: {getattr(unpivot, key)!r} is a column of "
                    f"{table_path} already: give the new column another name",
                )
        columns = [*rest, unpivot.name, unpivot.value]
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
