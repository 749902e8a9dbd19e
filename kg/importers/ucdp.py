"""What the UCDP datasets share: the IRIs of their actors, conflicts and dyads, their coded
values as the ontology's concepts, their names of conflicts and places, spans of years.

The ESD (``kg.importers.esd``) and the Dyadic and Armed Conflict datasets
(``kg.importers.ucdp_conflicts``) name the same actors, conflicts and dyads by the same
UCDP ids, so both write them under the same IRIs: a store holding both has one conflict 299,
one dyad 11973 and one Government of Syria, described by each.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import XSD

from kg.graph import KnowledgeGraph
from kg.importers.model import ID, EntityRecord, Properties
from kg.periods import Precision, TimePoint
from kg.queries import PREFIXES
from kg.vocab import CKG

#: The concept schemes of UCDP's codes (ontology/records.ttl); kg.vocab does not list them.
_SCHEMES = Namespace(PREFIXES["ckg"])
INTENSITIES = _SCHEMES["Intensities"]
INCOMPATIBILITIES = _SCHEMES["Incompatibilities"]
CONFLICT_TYPES = _SCHEMES["ConflictTypes"]

#: The organisation that publishes the datasets.
PUBLISHER = ID["ucdp"]
PUBLISHER_NAME = "Uppsala Conflict Data Program"


def ucdp_actor_iri(ucdp_id: int) -> URIRef:
    """The IRI that a UCDP actor id gives an actor: ck:ucdp-actor-57."""
    return ID[f"ucdp-actor-{ucdp_id}"]


def conflict_iri(conflict_id: int) -> URIRef:
    """The IRI of a UCDP armed conflict: ck:ucdp-conflict-299."""
    return ID[f"ucdp-conflict-{conflict_id}"]


def dyad_iri(dyad_id: int) -> URIRef:
    """The IRI of a UCDP dyad: ck:ucdp-dyad-11973."""
    return ID[f"ucdp-dyad-{dyad_id}"]


def year_iri(node: URIRef, year: int) -> URIRef:
    """The IRI of a year of a conflict or dyad: ck:ucdp-conflict-299-year-2015."""
    return URIRef(f"{node}-year-{year}")


def integer(value: int) -> Literal:
    """An xsd:integer literal."""
    return Literal(str(value), datatype=XSD.integer)


def year_point(year: int) -> TimePoint:
    """A year as a period known to the year."""
    return TimePoint(date(year, 1, 1), Precision.YEAR)


def spans(years: Iterable[int]) -> list[tuple[int, int]]:
    """The runs of consecutive years, first and last of each: 2011-2014, 2016 gives
    [(2011, 2014), (2016, 2016)]. A dataset lists only the years a dyad was active, so a
    gap is a year without fighting recorded."""
    runs: list[tuple[int, int]] = []
    for year in sorted(set(years)):
        if runs and runs[-1][1] == year - 1:
            runs[-1] = (runs[-1][0], year)
        else:
            runs.append((year, year))
    return runs


def last_covered_year(version: str, default: int) -> int:
    """The last year a UCDP release covers: UCDP numbers its releases YY.N, each up to the
    year before (ESD 18.1: 2017; Dyadic 25.1: 2024); ``default`` for another number."""
    major = version.split(".", 1)[0]
    if major.isdigit() and len(major) == 2:
        return 2000 + int(major) - 1
    return default


def years_text(first: int, last: int) -> str:
    """``2015`` or ``2015-2024``."""
    return str(first) if first == last else f"{first}-{last}"


def split_names(text: str) -> list[str]:
    """A cell naming several parties, cut at the commas outside brackets: "Government of
    Iran, Government of Russia (Soviet Union)" is two; "Military faction (forces of Honasan,
    Abenina & Zumel)" is one."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for char in text:
        if char in "([":
            depth += 1
        elif char in ")]" and depth:
            depth -= 1
        if char == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [" ".join(p.split()) for p in parts if p.strip()]


_LIST_ITEM = re.compile(r"\s*,\s*")


def split_codes(text: str) -> list[str]:
    """A cell of codes or ids: "365, 630" (UCDP also writes "200,  2"); [] when empty."""
    text = text.strip()
    return _LIST_ITEM.split(text) if text else []


@dataclass(frozen=True)
class Codes:
    """The concepts that UCDP's coded values stand for, read from the graph's ontology by
    their skos:notation: intensity_level, incompatibility and type_of_conflict."""

    intensity: dict[int, URIRef]
    incompatibility: dict[int, URIRef]
    conflict_type: dict[int, URIRef]

    @classmethod
    def read(cls, kg: KnowledgeGraph) -> Codes:
        """The codes of ``kg``'s ontology."""
        return cls(
            _notations(kg, INTENSITIES),
            _notations(kg, INCOMPATIBILITIES),
            _notations(kg, CONFLICT_TYPES),
        )


def _notations(kg: KnowledgeGraph, scheme: URIRef) -> dict[int, URIRef]:
    found: dict[int, URIRef] = {}
    for row in kg.select("concept-names", {"scheme": scheme}).rows:
        name = str(row["name"])
        if name.isdigit():  # the notation; the other names are words
            found[int(name)] = URIRef(str(row["concept"]))
    return found


def conflict_entity(
    conflict_id: int,
    label: str,
    location: str | None,
    properties: Properties = (),
) -> EntityRecord:
    """An armed conflict with its id, name and location (and what else is known of it)."""
    props: Properties = ((CKG.ucdpConflictId, integer(conflict_id)),)
    if location:
        props += ((CKG.location, Literal(location)),)
    return EntityRecord(conflict_iri(conflict_id), (CKG.ArmedConflict,), label, props + properties)


def dyad_entity(
    dyad_id: int,
    side_a: Iterable[URIRef],
    side_b: Iterable[URIRef],
    *,
    label: str | None = None,
    conflict: int | None = None,
    properties: Properties = (),
) -> EntityRecord:
    """A dyad with its id, its sides (several actors where UCDP lists a coalition) and,
    where given, its name and conflict."""
    props: Properties = ((CKG.ucdpDyadId, integer(dyad_id)),)
    props += tuple((CKG.sideA, a) for a in side_a)
    props += tuple((CKG.sideB, b) for b in side_b)
    if conflict is not None:
        props += ((CKG.inConflict, conflict_iri(conflict)),)
    return EntityRecord(dyad_iri(dyad_id), (CKG.Dyad,), label, props + properties)


def year_entity(node: URIRef, year: int, intensity: URIRef) -> EntityRecord:
    """A year of a conflict or dyad, with its intensity."""
    return EntityRecord(
        year_iri(node, year),
        (CKG.ConflictYear,),
        None,
        ((CKG.year, integer(year)), (CKG.intensity, intensity)),
    )


def location_of(conflict_name: str) -> str:
    """The place of a conflict as ESD names the conflict: "Iran: Kurdistan" is in Iran,
    "India - Pakistan" in India, Pakistan (UCDP's way of listing several)."""
    place = conflict_name.split(":", 1)[0]
    return ", ".join(part.strip() for part in place.split(" - ") if part.strip())


def conflict_name(
    location: str, incompatibility: int | None, territory: str, kind: int | None
) -> str:
    """A conflict's name as UCDP writes it: "Syria: Government", "India: Kashmir",
    "Syria: Government/Rojava Kurdistan" (both), "India - Pakistan" (between states)."""
    if kind == 2:
        return " - ".join(split_names(location))
    what = territory or "Government"
    if incompatibility == 3 and territory:
        what = f"Government/{territory}"
    return f"{location}: {what}"


def actor_class(name: str) -> URIRef:
    """The class of a UCDP party that the data does not have: "Government of ..." is a
    government; any other warring party of UCDP's (a side B in a conflict within a state)
    is a rebel group."""
    return CKG.Government if name.startswith("Government of") else CKG.RebelGroup


__all__ = [
    "CONFLICT_TYPES",
    "Codes",
    "INCOMPATIBILITIES",
    "INTENSITIES",
    "PUBLISHER",
    "PUBLISHER_NAME",
    "actor_class",
    "conflict_entity",
    "conflict_iri",
    "conflict_name",
    "dyad_entity",
    "dyad_iri",
    "integer",
    "last_covered_year",
    "location_of",
    "spans",
    "split_codes",
    "split_names",
    "ucdp_actor_iri",
    "year_entity",
    "year_iri",
    "year_point",
    "years_text",
]
