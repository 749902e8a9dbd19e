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
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import RDF, RDFS, XSD, Namespace, URIRef
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


#: Claims and records a reader gives its sink at a time (:meth:`Batch.flush`): an import
#: holds at most this many in memory, whatever the size of the table.
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
    clashes: list[tuple[str, str, str]] = field(default_factory=list)
    done_claims: int = 0
    done_no_support: int = 0
    sink: Callable[[Batch], None] | None = field(default=None, repr=False)
    #: Told how many more rows were read, every few hundred (a progress bar).
    progress: Callable[[int], None] | None = field(default=None, repr=False)

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
        if records:
            for claim in self.claims:
                _add_claim(out, claim)
            for record in self.no_support:
                _add_no_support(out, record)
        return out.quads


def _named(term: URIRef) -> ox.NamedNode:
    return ox.NamedNode(str(term))


_TYPE, _LABEL, _COMMENT = _named(RDF.type), _named(RDFS.label), _named(RDFS.comment)
_UCDP_ID = _named(CKG.ucdpActorId)
_INTEGER, _BOOLEAN, _DATE, _STRING = (
    _named(XSD.integer), _named(XSD.boolean), _named(XSD.date), _named(XSD.string)
)  # fmt: skip
_UNITS = {precision: _named(unit) for precision, unit in PRECISION.items()}


class _Quads:
    """Quads of one graph, with the IRIs of the records made once each."""

    def __init__(self, graph: ox.NamedNode) -> None:
        self.graph = graph
        self.quads: list[ox.Quad] = []
        self._iris: dict[str, ox.NamedNode] = {}

    def iri(self, term: URIRef) -> ox.NamedNode:
        text = str(term)
        node = self._iris.get(text)
        if node is None:
            node = self._iris[text] = ox.NamedNode(text)
        return node

    def add(self, subject: ox.NamedNode, predicate: ox.NamedNode, obj: Any) -> None:
        self.quads.append(ox.Quad(subject, predicate, obj, self.graph))

    def text(self, subject: ox.NamedNode, predicate: URIRef, value: str, *, lang: bool) -> None:
        literal = ox.Literal(value, language="en") if lang else ox.Literal(value)
        self.add(subject, self.iri(predicate), literal)

    def flag(self, subject: ox.NamedNode, predicate: URIRef, value: bool) -> None:
        literal = ox.Literal("true" if value else "false", datatype=_BOOLEAN)
        self.add(subject, self.iri(predicate), literal)

    def day(self, subject: ox.NamedNode, predicate: URIRef, point: TimePoint) -> None:
        self.add(subject, self.iri(predicate), ox.Literal(point.first.isoformat(), datatype=_DATE))


def _add_period(
    out: _Quads, node: ox.NamedNode, start: TimePoint | None, end: TimePoint | None
) -> None:
    if start is not None:
        out.day(node, CKG.start, start)
        out.add(node, out.iri(CKG.startPrecision), _UNITS[start.precision])
    if end is not None:
        out.day(node, CKG.end, end)
        out.add(node, out.iri(CKG.endPrecision), _UNITS[end.precision])


def _add_source(out: _Quads, source: SourceRecord) -> None:
    node = out.iri(source.iri)
    out.add(node, _TYPE, out.iri(source.cls))
    out.text(node, DCTERMS.title, source.title, lang=True)
    if source.publisher is not None:
        out.add(node, out.iri(DCTERMS.publisher), out.iri(source.publisher))
    if source.date is not None:
        out.day(node, DCTERMS.date, source.date)
        out.add(node, out.iri(CKG.datePrecision), _UNITS[source.date.precision])
    if source.version:
        out.text(node, SCHEMA.version, source.version, lang=False)
    if source.citation:
        out.text(node, DCTERMS.bibliographicCitation, source.citation, lang=False)
    if source.url:
        url = ox.Literal(source.url, datatype=_named(XSD.anyURI))
        out.add(node, out.iri(SCHEMA.url), url)
    if source.comment:
        out.text(node, RDFS.comment, source.comment, lang=True)


def _add_claim(out: _Quads, claim: ClaimRecord) -> None:
    node = out.iri(claim.iri)
    iri = out.iri
    out.add(node, _TYPE, iri(claim.kind))
    out.add(node, iri(claim.from_role), iri(claim.subject))
    out.add(node, iri(claim.to_role), iri(claim.object))
    for kind in claim.support:
        out.add(node, iri(CKG.supportKind), iri(kind))
    if claim.against is not None:
        out.add(node, iri(CKG.against), iri(claim.against))
    if claim.via is not None:
        out.add(node, iri(CKG.via), iri(claim.via))
    out.add(node, iri(CKG.status), iri(claim.status))
    _add_period(out, node, claim.start, claim.end)
    out.add(node, iri(CKG.source), iri(claim.source))
    if claim.quote:
        out.text(node, CKG.quote, claim.quote, lang=False)
    if claim.label:
        out.text(node, RDFS.label, claim.label, lang=True)
    if claim.comment:
        out.text(node, RDFS.comment, claim.comment, lang=True)
    if claim.according_to is not None:
        out.add(node, iri(CKG.accordingTo), iri(claim.according_to))
    if claim.record_id is not None:
        out.text(node, CKG.recordId, claim.record_id, lang=False)
    if claim.in_coalition is not None:
        out.flag(node, CKG.inCoalition, claim.in_coalition)
    if claim.coalition:
        out.text(node, CKG.coalitionName, claim.coalition, lang=False)
    if claim.both_sides is not None:
        out.flag(node, CKG.supportsBothSides, claim.both_sides)


def _add_no_support(out: _Quads, record: NoSupportRecord) -> None:
    node = out.iri(record.iri)
    out.add(node, _TYPE, out.iri(CKG.NoKnownSupport))
    out.add(node, out.iri(CKG.unsupportedParty), out.iri(record.party))
    if record.opponent is not None:
        out.add(node, out.iri(CKG.opponent), out.iri(record.opponent))
    _add_period(out, node, record.period, record.period)
    out.add(node, out.iri(PROV.hadPrimarySource), out.iri(record.source))
    out.text(node, RDFS.label, record.label, lang=True)
    if record.record_id is not None:
        out.text(node, CKG.recordId, record.record_id, lang=False)


__all__ = [
    "ActorRecord",
    "Batch",
    "ClaimRecord",
    "ID",
    "NoSupportRecord",
    "Origin",
    "SourceRecord",
    "slug",
]
