"""What an import produces, as plain records, and the one place they become RDF.

Every importer (the ESD reader, the mapping engine) reads rows into these records; the
store (``kg.importers.store``) turns a :class:`Batch` into triples with :meth:`Batch.graph`,
merges it into the user's store, validates and writes. IRIs are deterministic (from the
source and the row's id), so that importing the same rows again gives the same triples.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
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


@dataclass
class Batch:
    """Everything one import read from one file, before it is merged into a store."""

    path: Path
    rows: int = 0
    skipped: int = 0
    claims: list[ClaimRecord] = field(default_factory=list)
    no_support: list[NoSupportRecord] = field(default_factory=list)
    actors: dict[URIRef, ActorRecord] = field(default_factory=dict)
    sources: dict[URIRef, SourceRecord] = field(default_factory=dict)
    clashes: list[tuple[str, str, str]] = field(default_factory=list)

    def origins(self) -> dict[str, Origin]:
        """Where each claim and record was read, by IRI."""
        found = {str(c.iri): c.origin for c in self.claims}
        found.update((str(r.iri), r.origin) for r in self.no_support)
        return found

    def replaced_subjects(self) -> set[URIRef]:
        """The nodes this import writes whole: an earlier import of the same rows is
        replaced by this one (so that a corrected alias moves its claims)."""
        return {c.iri for c in self.claims} | {r.iri for r in self.no_support}

    def graph(self) -> Graph:
        """The triples of this import."""
        graph = Graph()
        for prefix, namespace in PREFIXES.items():
            graph.bind(prefix, namespace)
        add = graph.add
        for actor in self.actors.values():
            for cls in sorted(actor.types):
                add((actor.iri, RDF.type, cls))
            add((actor.iri, RDFS.label, Literal(actor.label, lang="en")))
            if actor.ucdp_id is not None:
                add((actor.iri, CKG.ucdpActorId, Literal(actor.ucdp_id)))
            if actor.comment:
                add((actor.iri, RDFS.comment, Literal(actor.comment, lang="en")))
        for source in self.sources.values():
            _add_source(graph, source)
        for claim in self.claims:
            _add_claim(graph, claim)
        for record in self.no_support:
            _add_no_support(graph, record)
        return graph


def _add_period(graph: Graph, node: URIRef, start: TimePoint | None, end: TimePoint | None) -> None:
    if start is not None:
        graph.add((node, CKG.start, Literal(start.first.isoformat(), datatype=XSD.date)))
        graph.add((node, CKG.startPrecision, PRECISION[start.precision]))
    if end is not None:
        graph.add((node, CKG.end, Literal(end.first.isoformat(), datatype=XSD.date)))
        graph.add((node, CKG.endPrecision, PRECISION[end.precision]))


def _add_source(graph: Graph, source: SourceRecord) -> None:
    add = graph.add
    add((source.iri, RDF.type, source.cls))
    add((source.iri, DCTERMS.title, Literal(source.title, lang="en")))
    if source.publisher is not None:
        add((source.iri, DCTERMS.publisher, source.publisher))
    if source.date is not None:
        add((source.iri, DCTERMS.date, Literal(source.date.first.isoformat(), datatype=XSD.date)))
        add((source.iri, CKG.datePrecision, PRECISION[source.date.precision]))
    if source.version:
        add((source.iri, SCHEMA.version, Literal(source.version)))
    if source.citation:
        add((source.iri, DCTERMS.bibliographicCitation, Literal(source.citation)))
    if source.url:
        add((source.iri, SCHEMA.url, Literal(source.url, datatype=XSD.anyURI)))
    if source.comment:
        add((source.iri, RDFS.comment, Literal(source.comment, lang="en")))


def _add_claim(graph: Graph, claim: ClaimRecord) -> None:
    add = graph.add
    node = claim.iri
    add((node, RDF.type, claim.kind))
    add((node, claim.from_role, claim.subject))
    add((node, claim.to_role, claim.object))
    for kind in claim.support:
        add((node, CKG.supportKind, kind))
    if claim.against is not None:
        add((node, CKG.against, claim.against))
    if claim.via is not None:
        add((node, CKG.via, claim.via))
    add((node, CKG.status, claim.status))
    _add_period(graph, node, claim.start, claim.end)
    add((node, CKG.source, claim.source))
    if claim.quote:
        add((node, CKG.quote, Literal(claim.quote)))
    if claim.label:
        add((node, RDFS.label, Literal(claim.label, lang="en")))
    if claim.comment:
        add((node, RDFS.comment, Literal(claim.comment, lang="en")))
    if claim.according_to is not None:
        add((node, CKG.accordingTo, claim.according_to))
    if claim.record_id is not None:
        add((node, CKG.recordId, Literal(claim.record_id)))
    if claim.in_coalition is not None:
        add((node, CKG.inCoalition, Literal(claim.in_coalition)))
    if claim.coalition:
        add((node, CKG.coalitionName, Literal(claim.coalition)))
    if claim.both_sides is not None:
        add((node, CKG.supportsBothSides, Literal(claim.both_sides)))


def _add_no_support(graph: Graph, record: NoSupportRecord) -> None:
    add = graph.add
    node = record.iri
    add((node, RDF.type, CKG.NoKnownSupport))
    add((node, CKG.unsupportedParty, record.party))
    if record.opponent is not None:
        add((node, CKG.opponent, record.opponent))
    _add_period(graph, node, record.period, record.period)
    add((node, PROV.hadPrimarySource, record.source))
    add((node, RDFS.label, Literal(record.label, lang="en")))
    if record.record_id is not None:
        add((node, CKG.recordId, Literal(record.record_id)))


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
