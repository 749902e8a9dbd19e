"""Agreements and talks as targets: the ``[agreement]`` or ``[talks]`` section mints the
node a row is about (its id, name, class, date), and a claim's role of that name (the
agreement of a signatory claim, the talks of a mediation claim) points at it; or a role key
names an agreement or talks the data has, by IRI or by name.

A node is added to what the store has, not replaced (two tables may describe the same
agreement): :class:`kg.importers.model.EntityRecord`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from rdflib import RDFS, XSD, Literal, URIRef
from rdflib.namespace import DCTERMS
from rdflib.term import Node

from kg.graph import KnowledgeGraph
from kg.importers.mapping.kinds import local, words
from kg.importers.mapping.spec import ActorSpec, NodeSpec
from kg.importers.mapping.template import UNEXPANDED, Value
from kg.importers.model import ID, PRECISION, Batch, EntityRecord, slug
from kg.importers.resolve import expand_iri
from kg.importers.table import Problems, Row, read_period
from kg.names import normalise
from kg.periods import TimePoint
from kg.vocab import CKG


def role_ranges(kg: KnowledgeGraph) -> dict[str, URIRef]:
    """The class each role of a claim (``signatory``, ``agreement``) takes: its rdfs:range
    in the ontology, by the role's name."""
    found: dict[str, URIRef] = {}
    for row in kg.select("claim-kinds").rows:
        for side in ("from", "to"):
            if row[f"{side}_range"] is not None:
                role = local(str(row[f"{side}_role"]))
                found.setdefault(role, URIRef(str(row[f"{side}_range"])))
    return found


def class_names(kg: KnowledgeGraph, base: URIRef) -> dict[str, URIRef]:
    """``base`` and its subclasses by their names (``ceasefire``, ``DeEscalationAgreement``,
    ``de escalation agreement``, ``ckg:Ceasefire``)."""
    found: dict[str, URIRef] = {}
    for row in kg.select("subclasses", {"class": base}).rows:
        iri = URIRef(str(row["type"]))
        name = local(iri)
        for text in (name, words(name), f"ckg:{name}", str(iri)):
            found.setdefault(normalise(text), iri)
    return found


@dataclass
class NodeReader:
    """Reads the node of each row (the mapping's ``[agreement]`` or ``[talks]``) into
    ``batch.entities``, and finds the agreements and talks that role keys name."""

    kg: KnowledgeGraph
    problems: Problems
    batch: Batch
    spec: NodeSpec | None
    #: The IRI an alias table (owl:sameAs) merges an IRI into: the same as itself if none.
    canonical: Callable[[URIRef], URIRef] = field(default=lambda iri: iri)
    classes: dict[str, dict[str, URIRef]] = field(default_factory=dict)  # role -> names
    bases: dict[str, URIRef] = field(default_factory=dict)  # role -> its range, no actor
    ranges: dict[str, URIRef] = field(default_factory=dict)  # every role -> its range

    def prepare(self, actor_classes: Collection[Node]) -> None:
        """Read the roles whose values are no actors (``agreement``, ``talks``: their
        range is none of ``actor_classes``), with the classes each takes by name."""
        self.ranges = role_ranges(self.kg)
        for role, base in self.ranges.items():
            if base not in actor_classes:
                self.bases[role] = base
                self.classes[role] = class_names(self.kg, base)

    def read(self, row: Row) -> URIRef | None:
        """The node of the row, minted from the section (None, with a problem, if the row
        cannot give it)."""
        spec = self.spec
        assert spec is not None
        before = self.problems.count
        key = spec.id.get(row, self.problems)
        name = spec.name.get(row, self.problems)
        for value, text in ((spec.id, key), (spec.name, name)):
            if text is None and self.problems.count == before:
                self.problems.add(row, value.column, f"is empty; every {spec.section} needs it")
            elif text is not None and UNEXPANDED.search(text):
                self.problems.add(row, value.column, f"{text!r} still holds a {{column}} reference")
        if self.problems.count > before or key is None or name is None:
            return None
        iri = expand_iri(key) if ":" in key else (ID[slug(key)] if slug(key) else None)
        if iri is None:
            self.problems.add(row, spec.id.column, f"{key!r} gives no usable id")
            return None
        names = self.classes.get(spec.section, {})
        cls_text = spec.cls.get(row, self.problems) if spec.cls is not None else None
        cls = names.get(normalise(cls_text or spec.section))
        if cls is None:
            known = sorted({local(c) for c in names.values()})
            self.problems.add(
                row,
                spec.cls.column if spec.cls is not None else None,
                f"{cls_text!r} is no kind of {spec.section} ({', '.join(known)})",
            )
            return None
        properties: list[tuple[URIRef, URIRef | Literal]] = []
        for prop, precision, given in (
            (DCTERMS.date, CKG.datePrecision, spec.date),
            (CKG.start, CKG.startPrecision, spec.start),
            (CKG.end, CKG.endPrecision, spec.end),
        ):
            point = self.period(row, given)
            if point is not None:
                properties.append((prop, Literal(point.first.isoformat(), datatype=XSD.date)))
                properties.append((precision, PRECISION[point.precision]))
        note = spec.note.get(row, self.problems) if spec.note is not None else None
        if note:
            properties.append((RDFS.comment, Literal(note, lang="en")))
        if self.problems.count > before:
            return None
        merged = self.canonical(iri)
        if merged != iri:
            # One the data has already (PA-X 2093 is the bundled Astana memorandum): its
            # claims go to it, and it keeps its own name and date.
            return merged
        self.batch.add_entity(EntityRecord(iri, (cls,), name, tuple(properties)))
        return iri

    def period(self, row: Row, value: Value | None) -> TimePoint | None:
        if value is None:
            return None
        text = value.get(row, self.problems)
        if text is None:
            return None
        point = read_period(text)
        if point is None:
            self.problems.add(
                row, value.column, f"{text!r} is not a date: write 2017, 2017-07 or 2017-07-14"
            )
        return point

    def find(self, row: Row, spec: ActorSpec, role: str) -> URIRef | None:
        """The agreement or talks a role key names: by IRI, or by a name of the data."""
        value = spec.iri or spec.name
        assert value is not None
        text = value.get(row, self.problems)
        if text is None:
            return None
        names = self.classes.get(role, {})
        iri = expand_iri(text) if ":" in text else None
        if iri is not None:
            iri = self.canonical(iri)
            if iri in self.batch.entities:
                return iri
            base = self.bases.get(role)
            if base is not None and self.kg.select("names", {"class": base, "thing": iri}).rows:
                return iri
            found = set()
        else:
            rows = self.kg.select("name-lookup", {"key": Literal(normalise(text))}).rows
            found = {URIRef(str(r["thing"])) for r in rows if r["type"] in names.values()}
            found |= {
                e.iri
                for e in self.batch.entities.values()
                if e.label and normalise(e.label) == normalise(text)
            }
            if len(found) == 1:
                return found.pop()
        what = f"{text!r} names {'more than one' if found else 'no'} {role} of the data"
        self.problems.add(row, value.column, what + (": write its IRI" if found else ""))
        return None
