"""What an import produces, as plain records, and the one place they become RDF.

Every importer (the ESD reader, the mapping engine) reads rows into these records; the
store (``kg.importers.store``) turns a :class:`Batch` into triples with :meth:`Batch.graph`,
merges it into the user's store, validates and writes. IRIs are deterministic (from the
source and the row's id), so that importing the same rows again gives the same triples.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import RDF, RDFS, XSD, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, TIME

from kg.periods import Precision, TimePoint
from kg.queries import PREFIXES
from kg.vocab import CKG

ID = Namespace(PREFIXES["ck"])
SCHEMA = Namespace(PREFIXES["schema"])

PRECISION = {
    Precision.DAY: TIME.unitDay,
    Precision.MONTH: TIME.unitMonth,
    Precision.YEAR: TIME.unitYear,
}


def slug(text: str) -> str:
    """A piece of an IRI made from text: lower case ASCII letters, digits and hyphens."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return re.sub(r"[^a-z0-9]+", "-", bare).strip("-")


@dataclass(frozen=True)
class Origin:
    """Where a record was read: the row (and line) of the file, and which column gave which
    property, so that a validation message can name them."""

    row: int
    line: int
    columns: dict[str, str] = field(default_factory=dict)

    def place(self, path: Path, prop: str | None) -> str:
        """``FILE, row 5, column ext_w`` for the column that gave ``prop`` (if known)."""
        text = f"{path}, row {self.row}"
        if self.line != self.row:
            text += f" (line {self.line})"
        column = self.columns.get(prop or "")
        return text + (f", column {column}" if column else "")


@dataclass
class ActorRecord:
    """An actor that the import adds to the store (one it did not find in the data)."""

    iri: URIRef
    label: str
    types: set[URIRef]
    ucdp_id: int | None = None
    comment: str | None = None


@dataclass(frozen=True)
class SourceRecord:
    """The document or dataset that claims come from."""

    iri: URIRef
    cls: URIRef
    title: str
    publisher: URIRef | None = None
    date: TimePoint | None = None
    version: str | None = None
    citation: str | None = None
    url: str | None = None
    comment: str | None = None
    #: The first and last year the dataset covers (ckg:coverageStart, ckg:coverageEnd).
    coverage: tuple[int, int] | None = None


#: A value of a property: another node or a literal.
Value = URIRef | Literal
#: Property and value pairs written on a node beyond a record's own fields.
Properties = tuple[tuple[URIRef, Value], ...]


@dataclass(frozen=True)
class EntityRecord:
    """A node that is neither actor, claim nor source: an armed conflict, a dyad, a year of
    a conflict, an agreement, a peace process. An import adds its triples to what the store
    has (it does not replace the node: two datasets describe the same conflict)."""

    iri: URIRef
    types: tuple[URIRef, ...]
    label: str | None = None
    properties: Properties = ()

    def merged(self, other: EntityRecord) -> EntityRecord:
        """This node with the types and properties of ``other`` (the same node read again
        from another row) added, each once, in the order first read."""
        types = self.types + tuple(t for t in other.types if t not in self.types)
        properties = self.properties + tuple(
            p for p in other.properties if p not in self.properties
        )
        return EntityRecord(self.iri, types, self.label or other.label, properties)


@dataclass(frozen=True)
class ClaimRecord:
    """One claim read from one row: a relation between two actors, with its source."""

    iri: URIRef
    kind: URIRef
    from_role: URIRef
    to_role: URIRef
    subject: URIRef
    object: URIRef
    status: URIRef
    source: URIRef
    origin: Origin
    support: tuple[URIRef, ...] = ()
    against: URIRef | None = None
    via: URIRef | None = None
    start: TimePoint | None = None
    end: TimePoint | None = None
    quote: str | None = None
    label: str | None = None
    comment: str | None = None
    according_to: URIRef | None = None
    record_id: str | None = None
    in_coalition: bool | None = None
    coalition: str | None = None
    both_sides: bool | None = None
    #: Still recorded in the last year the source covers (ckg:openAtCoverageEnd).
    open_at_coverage_end: bool = False
    #: What else the claim says: its conflict, dyad, location, intensity, kinds of alliance.
    extra: Properties = ()


@dataclass(frozen=True)
class NoSupportRecord:
    """A row saying that a party had no known support in a period: not a claim of support."""

    iri: URIRef
    party: URIRef
    opponent: URIRef | None
    period: TimePoint
    source: URIRef
    label: str
    origin: Origin
    record_id: str | None = None
    #: What else the record says: its conflict, dyad and location (ESD).
    extra: Properties = ()


#: Claims and records a reader gives its sink at a time (:meth:`Batch.flush`): an import
#: holds at most this many in memory, whatever the size of the table. Not more: ATOP's bulk
#: writes took 15 % less in chunks of 10,000 claims, but the whole ESD file's peak went from
#: 192 MB to 306 MB (its target: 300 MB).
CHUNK = 5_000


@dataclass
class Batch:
    """What one import read from one file: the claims and records not yet written (an
    importer that streams hands them on every :data:`CHUNK` with :meth:`flush`), with the
    counts, the actors it adds, its sources, and where each claim was read."""

    path: Path
    rows: int = 0
    skipped: int = 0
    claims: list[ClaimRecord] = field(default_factory=list)
    no_support: list[NoSupportRecord] = field(default_factory=list)
    actors: dict[URIRef, ActorRecord] = field(default_factory=dict)
    sources: dict[URIRef, SourceRecord] = field(default_factory=dict)
    entities: dict[URIRef, EntityRecord] = field(default_factory=dict)
    clashes: list[tuple[str, str, str]] = field(default_factory=list)
    done_claims: int = 0
    done_no_support: int = 0
    sink: Callable[[Batch], None] | None = field(default=None, repr=False)
    #: Told how many more rows were read, every few hundred (a progress bar).
    progress: Callable[[int], None] | None = field(default=None, repr=False)

    def add_entity(self, entity: EntityRecord) -> None:
        """Keep ``entity``, merged with what was read of the same node before."""
        known = self.entities.get(entity.iri)
        self.entities[entity.iri] = entity if known is None else known.merged(entity)

    def row_read(self) -> None:
        """Count a row read (and tell ``progress`` every 500)."""
        self.rows += 1
        if self.progress is not None and self.rows % 500 == 0:
            self.progress(500)

    @property
    def claim_count(self) -> int:
        """Claims read, handed on or not."""
        return self.done_claims + len(self.claims)

    @property
    def no_support_count(self) -> int:
        """No-known-support records read, handed on or not."""
        return self.done_no_support + len(self.no_support)

    def full(self) -> bool:
        """Whether the claims and records held reach :data:`CHUNK`."""
        return len(self.claims) + len(self.no_support) >= CHUNK

    def flush(self) -> None:
        """Hand the claims and records held to the sink (if any) and forget them."""
        if self.sink is None or not (self.claims or self.no_support):
            return
        self.sink(self)
        self.done_claims += len(self.claims)
        self.done_no_support += len(self.no_support)
        self.claims = []
        self.no_support = []

    def origins(self) -> dict[str, Origin]:
        """Where each claim and record held was read, by IRI (those handed on are not
        kept: memory would grow with the rows; a refusal reads the table again for them)."""
        found = {str(c.iri): c.origin for c in self.claims}
        found.update((str(r.iri), r.origin) for r in self.no_support)
        return found

    def replaced_subjects(self) -> set[URIRef]:
        """The nodes this import writes whole: an earlier import of the same rows is
        replaced by this one (so that a corrected alias moves its claims)."""
        return {c.iri for c in self.claims} | {r.iri for r in self.no_support}

    def quads(self, graph: URIRef, *, records: bool = True, rest: bool = True) -> list[ox.Quad]:
        """The triples of this import in ``graph``, as Oxigraph quads: the claims and
        records held (``records``), the actors and sources (``rest``). Written straight
        as Oxigraph's terms: through an rdflib Graph, the ESD file took 5 s more."""
        out = _Quads(ox.NamedNode(str(graph)))
        if rest:
            for actor in self.actors.values():
                node = out.iri(actor.iri)
                for cls in sorted(actor.types):
                    out.add(node, _TYPE, out.iri(cls))
                out.add(node, _LABEL, ox.Literal(actor.label, language="en"))
                if actor.ucdp_id is not None:
                    out.add(node, _UCDP_ID, ox.Literal(str(actor.ucdp_id), datatype=_INTEGER))
                if actor.comment:
                    out.add(node, _COMMENT, ox.Literal(actor.comment, language="en"))
            for source in self.sources.values():
                _add_source(out, source)
            for entity in self.entities.values():
                _add_entity(out, entity)
        if records:
            for claim in self.claims:
                _add_claim(out, claim)
            for record in self.no_support:
                _add_no_support(out, record)
        return out.quads


def _named(term: URIRef) -> ox.NamedNode:
    return ox.NamedNode(str(term))


# Every predicate and constant as an Oxigraph term made once: looking a term up on the
# namespace (a DefinedNamespace checks each name) and making it again, for each of the
# 1.5M triples of ATOP's alliances, took about 2 s.
_TYPE, _LABEL, _COMMENT = _named(RDF.type), _named(RDFS.label), _named(RDFS.comment)
_UCDP_ID = _named(CKG.ucdpActorId)
_INTEGER, _BOOLEAN, _DATE, _STRING = (
    _named(XSD.integer), _named(XSD.boolean), _named(XSD.date), _named(XSD.string)
)  # fmt: skip
_ANY_URI = _named(XSD.anyURI)
_UNITS = {precision: _named(unit) for precision, unit in PRECISION.items()}
_TRUE, _FALSE = ox.Literal("true", datatype=_BOOLEAN), ox.Literal("false", datatype=_BOOLEAN)
_SUPPORT_KIND, _AGAINST, _VIA, _STATUS = (
    _named(CKG.supportKind), _named(CKG.against), _named(CKG.via), _named(CKG.status)
)  # fmt: skip
_START, _START_PRECISION = _named(CKG.start), _named(CKG.startPrecision)
_END, _END_PRECISION = _named(CKG.end), _named(CKG.endPrecision)
_SOURCE, _QUOTE, _ACCORDING_TO = _named(CKG.source), _named(CKG.quote), _named(CKG.accordingTo)
_RECORD_ID, _IN_COALITION = _named(CKG.recordId), _named(CKG.inCoalition)
_COALITION_NAME, _BOTH_SIDES = _named(CKG.coalitionName), _named(CKG.supportsBothSides)
_NO_KNOWN_SUPPORT = _named(CKG.NoKnownSupport)
_UNSUPPORTED_PARTY, _OPPONENT = _named(CKG.unsupportedParty), _named(CKG.opponent)
_PRIMARY_SOURCE = _named(PROV.hadPrimarySource)
_TITLE, _PUBLISHER = _named(DCTERMS.title), _named(DCTERMS.publisher)
_DC_DATE = _named(DCTERMS.date)
_CITATION, _DATE_PRECISION = _named(DCTERMS.bibliographicCitation), _named(CKG.datePrecision)
_VERSION, _URL = _named(SCHEMA.version), _named(SCHEMA.url)
_COVERAGE_START, _COVERAGE_END = _named(CKG.coverageStart), _named(CKG.coverageEnd)
_OPEN_AT_COVERAGE_END = _named(CKG.openAtCoverageEnd)


class _Quads:
    """Quads of one graph, with the IRIs of the records, the days and the texts made once
    each (a table repeats its actors, years and notes from row to row)."""

    def __init__(self, graph: ox.NamedNode) -> None:
        self.graph = graph
        self.quads: list[ox.Quad] = []
        self._iris: dict[str, ox.NamedNode] = {}
        self._days: dict[date, ox.Literal] = {}
        self._texts: dict[tuple[str, bool], ox.Literal] = {}

    def iri(self, term: URIRef) -> ox.NamedNode:
        text = str(term)
        node = self._iris.get(text)
        if node is None:
            node = self._iris[text] = ox.NamedNode(text)
        return node

    def add(self, subject: ox.NamedNode, predicate: ox.NamedNode, obj: Any) -> None:
        self.quads.append(ox.Quad(subject, predicate, obj, self.graph))

    def literal(self, value: str, *, lang: bool) -> ox.Literal:
        """A plain (xsd:string) or English literal."""
        literal = self._texts.get((value, lang))
        if literal is None:
            literal = ox.Literal(value, language="en") if lang else ox.Literal(value)
            self._texts[(value, lang)] = literal
        return literal

    def value(self, value: Value) -> ox.NamedNode | ox.Literal:
        """An rdflib node or literal as Oxigraph's."""
        if isinstance(value, URIRef):
            return self.iri(value)
        if value.language:
            return ox.Literal(str(value), language=value.language)
        if value.datatype is not None and value.datatype != XSD.string:
            return ox.Literal(str(value), datatype=self.iri(value.datatype))
        return self.literal(str(value), lang=False)

    def properties(self, node: ox.NamedNode, properties: Properties) -> None:
        for prop, value in properties:
            self.add(node, self.iri(prop), self.value(value))

    def day(self, point: TimePoint) -> ox.Literal:
        """The first day of ``point`` as an xsd:date."""
        first = point.first
        literal = self._days.get(first)
        if literal is None:
            literal = self._days[first] = ox.Literal(first.isoformat(), datatype=_DATE)
        return literal


def _add_period(
    out: _Quads, node: ox.NamedNode, start: TimePoint | None, end: TimePoint | None
) -> None:
    if start is not None:
        out.add(node, _START, out.day(start))
        out.add(node, _START_PRECISION, _UNITS[start.precision])
    if end is not None:
        out.add(node, _END, out.day(end))
        out.add(node, _END_PRECISION, _UNITS[end.precision])


def _add_source(out: _Quads, source: SourceRecord) -> None:
    node = out.iri(source.iri)
    out.add(node, _TYPE, out.iri(source.cls))
    out.add(node, _TITLE, out.literal(source.title, lang=True))
    if source.publisher is not None:
        out.add(node, _PUBLISHER, out.iri(source.publisher))
    if source.date is not None:
        out.add(node, _DC_DATE, out.day(source.date))
        out.add(node, _DATE_PRECISION, _UNITS[source.date.precision])
    if source.version:
        out.add(node, _VERSION, out.literal(source.version, lang=False))
    if source.citation:
        out.add(node, _CITATION, out.literal(source.citation, lang=False))
    if source.url:
        out.add(node, _URL, ox.Literal(source.url, datatype=_ANY_URI))
    if source.comment:
        out.add(node, _COMMENT, out.literal(source.comment, lang=True))
    if source.coverage is not None:
        first, last = source.coverage
        out.add(node, _COVERAGE_START, ox.Literal(str(first), datatype=_INTEGER))
        out.add(node, _COVERAGE_END, ox.Literal(str(last), datatype=_INTEGER))


def _add_entity(out: _Quads, entity: EntityRecord) -> None:
    node = out.iri(entity.iri)
    for cls in entity.types:
        out.add(node, _TYPE, out.iri(cls))
    if entity.label:
        out.add(node, _LABEL, out.literal(entity.label, lang=True))
    out.properties(node, entity.properties)


def _add_claim(out: _Quads, claim: ClaimRecord) -> None:
    # Bound once: this runs for every row of a table, and each lookup counts there.
    iri, literal, graph, append, quad = out.iri, out.literal, out.graph, out.quads.append, ox.Quad
    node = iri(claim.iri)
    append(quad(node, _TYPE, iri(claim.kind), graph))
    append(quad(node, iri(claim.from_role), iri(claim.subject), graph))
    append(quad(node, iri(claim.to_role), iri(claim.object), graph))
    for kind in claim.support:
        append(quad(node, _SUPPORT_KIND, iri(kind), graph))
    if claim.against is not None:
        append(quad(node, _AGAINST, iri(claim.against), graph))
    if claim.via is not None:
        append(quad(node, _VIA, iri(claim.via), graph))
    append(quad(node, _STATUS, iri(claim.status), graph))
    _add_period(out, node, claim.start, claim.end)
    append(quad(node, _SOURCE, iri(claim.source), graph))
    if claim.quote:
        append(quad(node, _QUOTE, literal(claim.quote, lang=False), graph))
    if claim.label:
        append(quad(node, _LABEL, literal(claim.label, lang=True), graph))
    if claim.comment:
        append(quad(node, _COMMENT, literal(claim.comment, lang=True), graph))
    if claim.according_to is not None:
        append(quad(node, _ACCORDING_TO, iri(claim.according_to), graph))
    if claim.record_id is not None:
        append(quad(node, _RECORD_ID, ox.Literal(claim.record_id), graph))
    if claim.in_coalition is not None:
        append(quad(node, _IN_COALITION, _TRUE if claim.in_coalition else _FALSE, graph))
    if claim.coalition:
        append(quad(node, _COALITION_NAME, literal(claim.coalition, lang=False), graph))
    if claim.both_sides is not None:
        append(quad(node, _BOTH_SIDES, _TRUE if claim.both_sides else _FALSE, graph))
    if claim.open_at_coverage_end:
        append(quad(node, _OPEN_AT_COVERAGE_END, _TRUE, graph))
    if claim.extra:
        out.properties(node, claim.extra)


def _add_no_support(out: _Quads, record: NoSupportRecord) -> None:
    node = out.iri(record.iri)
    out.add(node, _TYPE, _NO_KNOWN_SUPPORT)
    out.add(node, _UNSUPPORTED_PARTY, out.iri(record.party))
    if record.opponent is not None:
        out.add(node, _OPPONENT, out.iri(record.opponent))
    _add_period(out, node, record.period, record.period)
    out.add(node, _PRIMARY_SOURCE, out.iri(record.source))
    out.add(node, _LABEL, out.literal(record.label, lang=True))
    if record.record_id is not None:
        out.add(node, _RECORD_ID, ox.Literal(record.record_id))
    if record.extra:
        out.properties(node, record.extra)


__all__ = [
    "ActorRecord",
    "Batch",
    "ClaimRecord",
    "EntityRecord",
    "ID",
    "NoSupportRecord",
    "Origin",
    "Properties",
    "SourceRecord",
    "Value",
    "slug",
]
