"""What the reports return: typed rows, and one container that renders them.

Each kind of row is a frozen dataclass that declares, once, its ``COLUMNS`` (the keys of
JSON and CSV, in order) and its ``TABLE`` (the columns a table or Markdown shows, with
their headings). A :class:`Result` holds rows of one kind with the notes that go with
them (``as of 2017-09-01``) and is the only way rows become text: :meth:`Result.render`
(table, CSV, TSV, JSON, Markdown, through ``kg.output``), :meth:`Result.to_records` (the
JSON objects as Python values) and :meth:`Result.to_dataframe` (pandas, an optional
extra). The CLI prints what ``render`` gives and builds nothing itself.

A value keeps the meaning it has in the JSON output: IRIs as text, dates as ISO text at
their precision (``2017-07`` for July 2017), sources as :class:`kg.claims.Source`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from kg import output
from kg.claims import Relation, Source
from kg.errors import KGError
from kg.periods import TimePoint, period_text
from kg.prefixes import compact

Columns = tuple[str, ...]
Table = tuple[tuple[str, str], ...]

#: The fields every row about a relation carries, last, in this order.
HELD: Columns = (
    "start",
    "start_precision",
    "end",
    "end_precision",
    "period",
    "status",
    "standing",
    "sources",
)


class MissingExtra(KGError):
    """An optional dependency is not installed (``pip install 'conflict-kg[NAME]'``)."""

    exit_code = 1


def plain(value: Any) -> Any:
    """A value as in the JSON output, before it is written: tuples become lists, a source
    or another typed value its record; everything else stays as it is."""
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    to_record = getattr(value, "to_record", None)
    if to_record is not None:
        return to_record()
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    return value


class Row:
    """A typed row: a frozen dataclass with ``COLUMNS`` and ``TABLE``."""

    COLUMNS: ClassVar[Columns] = ()
    TABLE: ClassVar[Table] = ()

    def to_record(self, columns: Sequence[str] | None = None) -> dict[str, Any]:
        """The row as a JSON object (Python values), keyed by ``columns`` (default:
        ``COLUMNS``)."""
        return {c: plain(getattr(self, c)) for c in columns or self.COLUMNS}


def _held(start: TimePoint | None, end: TimePoint | None) -> dict[str, Any]:
    return {
        "start": str(start) if start else None,
        "start_precision": start.precision.value if start else None,
        "end": str(end) if end else None,
        "end_precision": end.precision.value if end else None,
        "period": period_text(start, end),
    }


def held(relation: Relation) -> dict[str, Any]:
    """The fields of :data:`HELD` for a relation, as keyword arguments of a row."""
    return {
        **_held(relation.start, relation.end),
        "status": relation.first.status,
        "standing": relation.standing_text,
        "sources": relation.sources,
    }


def held_between(
    start: TimePoint | None,
    end: TimePoint | None,
    *,
    status: str,
    standing: str,
    sources: tuple[Source, ...],
) -> dict[str, Any]:
    """The fields of :data:`HELD` for a period that is not one relation's (a chain's)."""
    return {**_held(start, end), "status": status, "standing": standing, "sources": sources}


@dataclass(frozen=True, kw_only=True)
class Held(Row):
    """The period, status, standing as of the date asked, and sources of a relation."""

    start: str | None
    start_precision: str | None
    end: str | None
    end_precision: str | None
    period: str
    status: str
    standing: str
    sources: tuple[Source, ...]


R = TypeVar("R")


@dataclass(frozen=True)
class Result(Generic[R]):
    """The rows of a report, in order, with the columns its JSON and CSV show, the
    (column, heading) pairs of its table, and notes (shown under a table)."""

    rows: tuple[R, ...]
    columns: Columns
    table: Table
    notes: tuple[str, ...] = ()

    @classmethod
    def of(cls, rows: Sequence[R], kind: type[Row], notes: Sequence[str] = ()) -> Result[R]:
        """Rows of one typed kind, with its declared columns and table."""
        return cls(tuple(rows), kind.COLUMNS, kind.TABLE, tuple(notes))

    def __iter__(self) -> Iterator[R]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, index: int) -> R:
        return self.rows[index]

    def _records(self, keys: Sequence[str]) -> list[dict[str, Any]]:
        out = []
        for row in self.rows:
            if isinstance(row, Mapping):
                out.append({k: plain(row.get(k)) for k in keys})
            else:
                out.append({k: plain(getattr(row, k)) for k in keys})
        return out

    def to_records(self) -> list[dict[str, Any]]:
        """The rows as dicts keyed by :attr:`columns`, with the values of the JSON output
        (text for IRIs and dates, numbers, lists for sequences, a dict for each source)."""
        return [
            {k: output.json_value(v) for k, v in record.items()}
            for record in self._records(self.columns)
        ]

    def to_dataframe(self) -> Any:
        """The rows as a pandas DataFrame (``pip install 'conflict-kg[pandas]'``), one
        column per key of :attr:`columns`."""
        pandas = require_pandas()
        return pandas.DataFrame(self.to_records(), columns=list(self.columns))

    def render(self, fmt: str, *, width: int | None = None) -> str:
        """The rows as text in ``fmt``: a table or Markdown shows the table's columns and
        the notes under it, JSON and CSV every column."""
        if fmt in ("table", "markdown"):
            keys = [key for key, _heading in self.table]
            headings = [heading for _key, heading in self.table]
            text = output.render(self._records(keys), keys, fmt, width=width, headings=headings)
            return text + "".join(f"({note})\n" for note in self.notes)
        return output.render(self._records(self.columns), self.columns, fmt, width=width)


def require_pandas() -> Any:
    """The pandas module, or a clear error naming the extra that installs it."""
    try:
        import pandas  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        raise MissingExtra(
            "to_dataframe() needs pandas, which conflict-kg does not install by default: "
            "pip install 'conflict-kg[pandas]'"
        ) from None
    return pandas


def document(body: Any) -> str:
    """A JSON document (an object of several parts) as the CLI prints it."""
    return json.dumps(output.json_value(plain(body)), ensure_ascii=False, indent=2) + "\n"


# --- the rows of each report --------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Backing(Held):
    """Who backs whom: one relation, or with ``indirect`` a chain of backing (``hops`` links
    along ``path``, status "indirect", the period all its links held)."""

    backer: str
    backer_label: str
    recipient: str
    recipient_label: str
    support: tuple[str, ...]
    against: tuple[str, ...]
    via: tuple[str, ...]
    hops: int
    path: tuple[str, ...]
    #: The kinds of support of each period its claims give (``{"period": "2013",
    #: "support": [...]}``): the span joins years whose kinds differ.
    support_by_period: tuple[dict[str, Any], ...] = ()

    COLUMNS = ("backer", "backer_label", "recipient", "recipient_label", "support", "against",
               "via", "support_by_period", *HELD)  # fmt: skip
    TABLE = (
        ("backer_label", "backer"),
        ("recipient_label", "recipient"),
        ("support", "support"),
        ("against", "against"),
        ("period", "period"),
        ("status", "status"),
        ("standing", "as of"),
        ("sources", "sources"),
    )
    #: With chains of backing: their length and path too, and the path in the table.
    CHAIN_COLUMNS = (*COLUMNS, "hops", "path")
    CHAIN_TABLE = (*TABLE[:2], ("route", "path"), *TABLE[2:])

    @property
    def route(self) -> str:
        """The path as the table shows it: ``Iran → Hezbollah → ...``."""
        return " → ".join(self.path)


_PARTNER_TABLE = (("period", "period"), ("status", "status"), ("standing", "as of"),
                  ("sources", "sources"))  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class Alliance(Held):
    """An ally of an actor (alliance is symmetric: each pair is read both ways)."""

    actor: str
    actor_label: str
    ally: str
    ally_label: str

    COLUMNS = ("actor", "actor_label", "ally", "ally_label", *HELD)
    TABLE = (("actor_label", "actor"), ("ally_label", "ally"), *_PARTNER_TABLE)


@dataclass(frozen=True, kw_only=True)
class Opposition(Held):
    """An adversary of an actor: they fight or oppose each other."""

    actor: str
    actor_label: str
    adversary: str
    adversary_label: str

    COLUMNS = ("actor", "actor_label", "adversary", "adversary_label", *HELD)
    TABLE = (("actor_label", "actor"), ("adversary_label", "adversary"), *_PARTNER_TABLE)


@dataclass(frozen=True, kw_only=True)
class ThirdParty(Row):
    """A mediator, guarantor or host of a peace process, with the talks and rounds it took
    part in."""

    process: str
    process_label: str
    actor: str
    actor_label: str
    role: str
    talks: tuple[str, ...]
    rounds: tuple[str, ...]
    sources: tuple[Source, ...]

    COLUMNS = ("process", "process_label", "actor", "actor_label", "role", "talks", "rounds",
               "sources")  # fmt: skip
    TABLE = (
        ("process_label", "process"),
        ("actor_label", "actor"),
        ("role", "role"),
        ("talks", "talks"),
        ("rounds", "rounds"),
        ("sources", "sources"),
    )


@dataclass(frozen=True, kw_only=True)
class Agreement(Row):
    """An agreement with its date, place, parties, guarantors and the round that made it."""

    agreement: str
    agreement_label: str
    type: str
    date: str | None
    date_precision: str | None
    place: str | None
    round: str | None
    round_label: str | None
    process: str | None
    proposed_by: str | None
    zones: Any
    parties: tuple[str, ...]
    guarantors: tuple[str, ...]
    sources: tuple[Source, ...]

    COLUMNS = ("agreement", "agreement_label", "type", "date", "date_precision", "place",
               "round", "round_label", "process", "proposed_by", "zones", "parties",
               "guarantors", "sources")  # fmt: skip
    TABLE = (
        ("agreement_label", "agreement"),
        ("date", "date"),
        ("place", "place"),
        ("round_label", "round"),
        ("parties", "parties"),
        ("guarantors", "guarantors"),
        ("proposed_by", "proposed by"),
        ("sources", "sources"),
    )


@dataclass(frozen=True, kw_only=True)
class ActorRelation(Held):
    """One relation of an actor's profile, outgoing (``direction`` "out") or incoming."""

    direction: str
    relation: str
    other: str
    other_label: str
    detail: str | None
    statement: str
    kind: str

    COLUMNS = ("direction", "relation", "other", "other_label", "detail", "statement", "kind",
               *HELD)  # fmt: skip
    TABLE = (("statement", "relation"), *_PARTNER_TABLE)


@dataclass(frozen=True, kw_only=True)
class Office(Held):
    """An office an actor holds, in an organisation or state."""

    office: str | None
    organisation: str
    organisation_label: str

    COLUMNS = ("office", "organisation", "organisation_label", *HELD)
    TABLE = (
        ("office", "office"),
        ("organisation_label", "in"),
        ("period", "period"),
        ("status", "status"),
        ("sources", "sources"),
    )


@dataclass(frozen=True)
class ActorProfile:
    """One actor: who it is, and every relation it has, in both directions."""

    actor: str
    label: str
    types: tuple[str, ...]
    names: tuple[str, ...]
    links: tuple[str, ...]
    offices: Result[Office]
    relations: Result[ActorRelation]

    def to_record(self) -> dict[str, Any]:
        """The profile as its JSON document."""
        return {
            "actor": self.actor,
            "label": self.label,
            "types": list(self.types),
            "names": list(self.names),
            "links": list(self.links),
            "offices": self.offices.to_records(),
            "relations": self.relations.to_records(),
        }

    def render(self, fmt: str, *, width: int | None = None) -> str:
        """The profile as text: JSON the whole document, CSV the relations, a table or
        Markdown a heading, the names and links, then the offices and relations."""
        if fmt == "json":
            return document(self)
        if fmt == "csv":
            return self.relations.render(fmt, width=width)
        heading = "## " if fmt == "markdown" else "# "
        lines = [f"{self.label} ({compact(self.actor)})", f"types: {', '.join(self.types)}"]
        if self.names:
            lines.append(f"other names: {', '.join(self.names)}")
        lines += self.links
        text = "".join(f"{line}\n" for line in lines)
        if self.offices.rows:
            text += f"\n{heading}offices\n" + self.offices.render(fmt, width=width)
        return text + f"\n{heading}relations\n" + self.relations.render(fmt, width=width)


@dataclass(frozen=True, kw_only=True)
class Event(Row):
    """A dated event of the timeline: talks, an agreement, a relation beginning or ending."""

    date: str
    date_precision: str
    sort_date: str
    event: str
    kind: str
    subject: str
    period: str
    place: str | None
    sources: tuple[Source, ...]

    COLUMNS = ("date", "date_precision", "sort_date", "event", "kind", "subject", "period",
               "place", "sources")  # fmt: skip
    TABLE = (
        ("date", "date"),
        ("event", "what"),
        ("kind", "kind"),
        ("place", "place"),
        ("sources", "sources"),
    )


@dataclass(frozen=True, kw_only=True)
class DisputedClaim:
    """One source's claim about a disputed relation."""

    label: str
    status: str
    period: str
    source: Source

    def to_record(self) -> dict[str, Any]:
        """The claim as in JSON: its label, status and period, then its source's fields."""
        fields_ = {k: v for k, v in self.source.to_record().items() if k != "label"}
        return {"label": self.label, "status": self.status, "period": self.period, **fields_}


@dataclass(frozen=True, kw_only=True)
class Dispute(Row):
    """A relation on which sources disagree, what they disagree on, and each claim."""

    relation: str
    kind: str
    subject: str
    object: str
    issues: tuple[str, ...]
    claims: tuple[DisputedClaim, ...]

    COLUMNS = ("relation", "kind", "subject", "object", "issues", "claims")
    TABLE = (("relation", "relation"), ("issues", "disagreement"), ("claims", "claims"))


@dataclass(frozen=True, kw_only=True)
class Proxy(Row):
    """A proxy conflict: the backer backs the proxy, which fights the target."""

    backer: str
    backer_label: str
    proxy: str
    proxy_label: str
    target: str
    target_label: str
    chain: str
    standing: str
    sources: tuple[Source, ...]

    COLUMNS = ("backer", "backer_label", "proxy", "proxy_label", "target", "target_label",
               "chain", "standing", "sources")  # fmt: skip
    TABLE = (
        ("backer_label", "backer"),
        ("proxy_label", "backs (proxy)"),
        ("target_label", "which fights"),
        ("standing", "as of"),
        ("sources", "sources"),
    )


@dataclass(frozen=True, kw_only=True)
class Alias(Row):
    """A merge of the alias table: the IRI and name another source gives an actor, and the
    actor of the data it stands for."""

    alias: str
    name: str | None
    source_id: str | None
    actor: str
    actor_label: str | None
    note: str | None
    stale_claims: int

    COLUMNS = ("alias", "name", "source_id", "actor", "actor_label", "note", "stale_claims")
    TABLE = (
        ("name", "name in source"),
        ("source_id", "id"),
        ("actor_label", "actor"),
        ("actor", "IRI"),
        ("stale_claims", "claims to re-import"),
        ("note", "why"),
    )
