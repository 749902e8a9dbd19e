"""The UCDP Dyadic Dataset and the UCDP/PRIO Armed Conflict Dataset, as UCDP publishes them.

Cite as: Harbom, Lotta, Erik Melander and Peter Wallensteen (2008) "Dyadic Dimensions of
Armed Conflict, 1946–2007", Journal of Peace Research 45(5): 697–710; and Gleditsch, Nils
Petter, Peter Wallensteen, Mikael Eriksson, Margareta Sollenberg and Håvard Strand (2002)
"Armed Conflict 1946–2001: A New Dataset", Journal of Peace Research 39(5): 615–637.

The dyadic file has one row per pair of warring parties (``side_a`` against ``side_b``)
and year with at least 25 battle deaths. Each dyad becomes:

- one ckg:OppositionClaim per span of consecutive active years, its two parties the sides
  (a side that lists several governments, a coalition, gives one claim per pair), with the
  highest intensity of the span, its conflict, dyad and location, the dataset as source;
- one ckg:SupportClaim of the kind troops (ESD's X) per secondary warring party
  (``side_a_2nd``, ``side_b_2nd``: states that sent troops to fight beside a side), side it
  fought beside, and span of consecutive years, against the other side;
- a ckg:Dyad (its id, sides, conflict and intensity by year) and, from the Armed Conflict
  Dataset when it is given (else from the dyadic rows), a ckg:ArmedConflict (id, name,
  location, incompatibility, territory, the type of its last year, intensity by year).

A claim still recorded in the last year the release covers (2024 for 25.1) is open at the
end of coverage: its end is where the dataset stops looking.

Actors are those of the ESD importer: ``ck:ucdp-actor-ID`` by ``side_a_id`` and
``side_b_id``, merged through the alias table into the data's actors. The secondary parties
have no UCDP id in the file: they are found by name among the file's own primary parties
(whose names carry ids: "Government of Iran" is 114 where Iran fights), then among the
data's actors by any name; only a name found nowhere adds an actor.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from rdflib import Literal, URIRef

from kg.graph import StoreSpec
from kg.importers.model import ID, Batch, ClaimRecord, Origin, Properties, SourceRecord, slug
from kg.importers.resolve import ActorIndex
from kg.importers.store import ImportResult
from kg.importers.table import Problems, Row, open_table, read_integer
from kg.importers.ucdp import (
    PUBLISHER,
    PUBLISHER_NAME,
    Codes,
    actor_class,
    conflict_entity,
    conflict_iri,
    conflict_name,
    dyad_entity,
    dyad_iri,
    last_covered_year,
    spans,
    split_codes,
    split_names,
    ucdp_actor_iri,
    year_entity,
    year_point,
    years_text,
)
from kg.locks import LOCK_WAIT
from kg.periods import Precision, TimePoint
from kg.vocab import CKG

DYADIC_COLUMNS = [
    "dyad_id",
    "conflict_id",
    "location",
    "side_a",
    "side_a_id",
    "side_a_2nd",
    "side_b",
    "side_b_id",
    "side_b_2nd",
    "incompatibility",
    "territory_name",
    "year",
    "intensity_level",
    "type_of_conflict",
    "gwno_a_2nd",
    "gwno_b_2nd",
]
ACD_COLUMNS = [
    "conflict_id",
    "location",
    "incompatibility",
    "territory_name",
    "year",
    "intensity_level",
    "type_of_conflict",
]
#: The first year the datasets cover.
FIRST_YEAR = 1946
DYADIC_CITATION = (
    'Harbom, Lotta, Erik Melander and Peter Wallensteen (2008) "Dyadic Dimensions of Armed '
    'Conflict, 1946–2007", Journal of Peace Research 45(5): 697–710.'
)
ACD_CITATION = (
    "Gleditsch, Nils Petter, Peter Wallensteen, Mikael Eriksson, Margareta Sollenberg and "
    'Håvard Strand (2002) "Armed Conflict 1946–2001: A New Dataset", Journal of Peace '
    "Research 39(5): 615–637."
)


def dyadic_iri(version: str) -> URIRef:
    """The IRI of a release of the Dyadic Dataset: ck:ucdp-dyadic-25-1."""
    return ID[f"ucdp-dyadic-{slug(version)}"]


def acd_iri(version: str) -> URIRef:
    """The IRI of a release of the Armed Conflict Dataset: ck:ucdp-prio-acd-25-1."""
    return ID[f"ucdp-prio-acd-{slug(version)}"]


def _source(
    iri: URIRef, title: str, version: str, citation: str, coverage: tuple[int, int], what: str
) -> SourceRecord:
    major = version.split(".", 1)[0]
    released = 2000 + int(major) if major.isdigit() and len(major) == 2 else None
    return SourceRecord(
        iri=iri,
        cls=CKG.Dataset,
        title=f"{title} {version}",
        publisher=PUBLISHER,
        date=TimePoint(date(released, 1, 1), Precision.YEAR) if released else None,
        version=version,
        citation=citation,
        comment=what,
        coverage=coverage,
    )


@dataclass
class _Party:
    """A primary party: its UCDP id and name."""

    ucdp_id: int
    name: str


@dataclass(frozen=True)
class _Second:
    """A secondary warring party as a row names it: its name, and the Gleditsch-Ward
    numbers of all the secondary parties of its side in that row."""

    name: str
    codes: frozenset[int]


@dataclass
class _DyadYear:
    year: int
    intensity: int
    row: Row
    seconds: dict[str, list[_Second]]  # "a" and "b": the states beside each side


@dataclass
class _Dyad:
    dyad_id: int
    conflict_id: int
    location: str
    sides: dict[str, list[_Party]]
    first_row: Row
    years: dict[int, _DyadYear] = field(default_factory=dict)
    places: tuple[int, ...] = ()  # gwno_loc: the Gleditsch-Ward numbers of the location


@dataclass
class _Conflict:
    conflict_id: int
    location: str
    incompatibility: int
    territory: str
    types: dict[int, int] = field(default_factory=dict)  # by year
    intensities: dict[int, int] = field(default_factory=dict)  # by year (ACD only)
    row: Row | None = None
    places: tuple[int, ...] = ()  # gwno_loc


class _Cells:
    """The cells of one row read as UCDP defines them; a bad one is noted as a problem."""

    def __init__(self, row: Row, problems: Problems) -> None:
        self.row, self.problems = row, problems

    def text(self, column: str) -> str:
        return " ".join(self.row.cells[column].split())

    def integer(self, column: str, allowed: dict[int, URIRef] | None = None) -> int | None:
        text = self.row.cells[column].strip()
        if not text:
            self.problems.add(self.row, column, "is empty; a whole number is needed")
            return None
        value = read_integer(text)
        if value is None:
            self.problems.add(self.row, column, f"{text!r} is not a whole number")
        elif allowed is not None and value not in allowed:
            codes = ", ".join(str(c) for c in sorted(allowed))
            self.problems.add(self.row, column, f"{value} is no code of UCDP's ({codes})")
            return None
        return value

    def integers(self, column: str) -> list[int] | None:
        values = []
        for part in split_codes(self.row.cells[column]):
            value = read_integer(part)
            if value is None:
                self.problems.add(self.row, column, f"{part!r} is not a whole number")
                return None
            values.append(value)
        return values

    def parties(self, side: str) -> list[_Party] | None:
        names = split_names(self.row.cells[f"side_{side}"])
        ids = self.integers(f"side_{side}_id")
        if ids is None:
            return None
        if not ids:
            self.problems.add(self.row, f"side_{side}_id", "is empty; the side needs a UCDP id")
            return None
        if len(ids) == 1:  # one party: its name whole, commas and all
            names = [self.text(f"side_{side}")]
        if len(names) != len(ids) or not all(names):
            self.problems.add(
                self.row,
                f"side_{side}",
                f"names {len(names)} part(ies) but side_{side}_id gives {len(ids)} id(s)",
            )
            return None
        return [_Party(i, n) for i, n in zip(ids, names, strict=True)]

    def seconds(self, side: str) -> list[_Second] | None:
        names = split_names(self.row.cells[f"side_{side}_2nd"])
        codes = self.integers(f"gwno_{side}_2nd")
        if codes is None:
            return None
        if len(names) != len(codes):
            self.problems.add(
                self.row,
                f"gwno_{side}_2nd",
                f"gives {len(codes)} code(s) for the {len(names)} secondary part(ies) of "
                f"side_{side}_2nd",
            )
            return None
        # The names are in alphabetical order and the codes in numerical order ("Malawi,
        # South Africa, Tanzania" with "510, 553, 560": Tanzania is 510): they are paired
        # later, by the codes the file gives each government where it is a primary party.
        return [_Second(n, frozenset(codes)) for n in names]

    def places(self) -> tuple[int, ...]:
        """The Gleditsch-Ward numbers of the location (gwno_loc), where the file has it."""
        if "gwno_loc" not in self.row.cells:
            return ()
        return tuple(self.integers("gwno_loc") or ())

    def gw_codes(self, side: str) -> list[int]:
        """The Gleditsch-Ward numbers of a side (gwno_a, gwno_b), where the file has the
        column and the cell reads; [] otherwise (they only pair names with codes)."""
        column = f"gwno_{side}"
        if column not in self.row.cells:
            return []
        codes = [read_integer(part) for part in split_codes(self.row.cells[column])]
        return [c for c in codes if c is not None]


def _check_columns(problems: Problems, columns: list[str], wanted: list[str], what: str) -> None:
    header = Row(1, 1, {})
    for column in wanted:
        if column not in columns:
            problems.add(header, column, f"the header has no such column (is this {what}?)")
    problems.raise_if_any()


def _read_dyads(
    path: Path, codes: Codes, batch: Batch, gw_codes: dict[str, int]
) -> tuple[dict[int, _Dyad], dict[int, _Conflict], str | None]:
    """The dyads and conflicts of the dyadic file, its release; ``gw_codes`` is given the
    Gleditsch-Ward number of each primary party that is alone on its side."""
    table = open_table(path)
    problems = table.problems
    _check_columns(problems, table.columns, DYADIC_COLUMNS, "the UCDP Dyadic Dataset")
    dyads: dict[int, _Dyad] = {}
    conflicts: dict[int, _Conflict] = {}
    version: str | None = None
    for row in table.rows():
        batch.row_read()
        if problems.full:
            break
        before = problems.count
        read = _Cells(row, problems)
        dyad_id = read.integer("dyad_id")
        conflict_id = read.integer("conflict_id")
        year = read.integer("year")
        intensity = read.integer("intensity_level", codes.intensity)
        incompatibility = read.integer("incompatibility", codes.incompatibility)
        kind = read.integer("type_of_conflict", codes.conflict_type)
        sides = {"a": read.parties("a"), "b": read.parties("b")}
        seconds = {"a": read.seconds("a"), "b": read.seconds("b")}
        location = read.text("location")
        places = read.places()
        if version is None and "version" in row.cells:
            version = read.text("version") or None
        if problems.count > before:
            continue
        assert dyad_id is not None and conflict_id is not None and year is not None
        assert intensity is not None and incompatibility is not None and kind is not None
        parties = {s: p for s, p in sides.items() if p is not None}
        for side, side_parties in parties.items():
            side_codes = read.gw_codes(side)
            if len(side_parties) == 1 and len(side_codes) == 1:
                gw_codes.setdefault(side_parties[0].name, side_codes[0])
        dyad = dyads.get(dyad_id)
        if dyad is None:
            dyad = dyads[dyad_id] = _Dyad(dyad_id, conflict_id, location, parties, row)
            dyad.places = places
        elif dyad.conflict_id != conflict_id or _ids(dyad.sides) != _ids(parties):
            problems.add(
                row,
                "dyad_id",
                f"dyad {dyad_id} has other sides or another conflict in row "
                f"{dyad.first_row.number}",
            )
            continue
        if year in dyad.years:
            problems.add(
                row, "year", f"dyad {dyad_id} has {year} in row {dyad.years[year].row.number} too"
            )
            continue
        dyad.years[year] = _DyadYear(
            year, intensity, row, {s: v for s, v in seconds.items() if v is not None}
        )
        conflict = conflicts.get(conflict_id)
        if conflict is None:
            territory = read.text("territory_name")
            conflict = _Conflict(conflict_id, location, incompatibility, territory, row=row)
            conflict.places = places
            conflicts[conflict_id] = conflict
        conflict.types[year] = kind
    problems.raise_if_any()
    return dyads, conflicts, version


def _ids(sides: dict[str, list[_Party]]) -> dict[str, list[int]]:
    return {s: [p.ucdp_id for p in parties] for s, parties in sides.items()}


def _read_conflicts(
    path: Path, codes: Codes, batch: Batch
) -> tuple[dict[int, _Conflict], dict[str, int]]:
    """The conflicts of the Armed Conflict Dataset, and the UCDP ids of the primary parties
    it names (every government and group of each side)."""
    table = open_table(path)
    problems = table.problems
    _check_columns(problems, table.columns, ACD_COLUMNS, "the UCDP/PRIO Armed Conflict Dataset")
    has_sides = all(f"side_{s}{x}" in table.columns for s in "ab" for x in ("", "_id"))
    conflicts: dict[int, _Conflict] = {}
    names: dict[str, int] = {}
    for row in table.rows():
        batch.row_read()
        if problems.full:
            break
        before = problems.count
        read = _Cells(row, problems)
        conflict_id = read.integer("conflict_id")
        year = read.integer("year")
        intensity = read.integer("intensity_level", codes.intensity)
        incompatibility = read.integer("incompatibility", codes.incompatibility)
        kind = read.integer("type_of_conflict", codes.conflict_type)
        parties = [read.parties(s) for s in "ab"] if has_sides else []
        places = read.places()
        if problems.count > before:
            continue
        assert conflict_id is not None and year is not None and kind is not None
        assert intensity is not None and incompatibility is not None
        for side in parties:
            for party in side or []:
                names.setdefault(party.name, party.ucdp_id)
        conflict = conflicts.get(conflict_id)
        if conflict is None:
            conflict = _Conflict(
                conflict_id,
                read.text("location"),
                incompatibility,
                read.text("territory_name"),
                row=row,
                places=places,
            )
            conflicts[conflict_id] = conflict
        if year in conflict.intensities:
            problems.add(row, "year", f"conflict {conflict_id} has {year} in another row too")
            continue
        conflict.types[year] = kind
        conflict.intensities[year] = intensity
    problems.raise_if_any()
    return conflicts, names


def read_ucdp_conflicts(
    dyadic: Path,
    index: ActorIndex,
    acd: Path | None = None,
    *,
    version: str | None = None,
    sink: Callable[[Batch], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> Batch:
    """Read the UCDP Dyadic Dataset (and, if given, the Armed Conflict Dataset) into
    opposition and troop-support claims, dyads, conflicts and the actors the data lacks;
    with ``sink``, the claims go to it every CHUNK of them (Batch.flush).

    ``version`` is the release (default: the file's ``version`` column, else 25.1). Raises
    BadImport naming file, row and column for every bad cell, DataLoadError when a file
    cannot be read.
    """
    codes = Codes.read(index.kg)
    batch = Batch(dyadic, sink=sink, progress=progress)
    gw_codes: dict[str, int] = {}
    dyads, dyad_conflicts, file_version = _read_dyads(dyadic, codes, batch, gw_codes)
    acd_conflicts: dict[int, _Conflict] = {}
    names: dict[str, int] = {}
    if acd is not None:
        acd_conflicts, names = _read_conflicts(acd, codes, batch)
    version = version or file_version or "25.1"
    years = [y for d in dyads.values() for y in d.years]
    last = last_covered_year(version, max(years, default=FIRST_YEAR))
    source = _source(
        dyadic_iri(version),
        "UCDP Dyadic Dataset",
        version,
        DYADIC_CITATION,
        (FIRST_YEAR, last),
        "One row per pair of warring parties and year with at least 25 battle-related "
        "deaths. Each opposition claim imported from it spans consecutive active years of "
        "one dyad; each troop-support claim, the years a state fought beside a side as a "
        "secondary warring party.",
    )
    batch.sources[source.iri] = source
    if acd is not None:
        acd_source = _source(
            acd_iri(version),
            "UCDP/PRIO Armed Conflict Dataset",
            version,
            ACD_CITATION,
            (FIRST_YEAR, last),
            "One row per armed conflict and year: the conflicts' names, incompatibilities, "
            "territories, types and intensities by year.",
        )
        batch.sources[acd_source.iri] = acd_source
    for dyad in dyads.values():
        for parties in dyad.sides.values():
            for party in parties:
                names.setdefault(party.name, party.ucdp_id)
    reader = _Writer(batch, index, codes, source.iri, version, last, names, gw_codes)
    for conflict_id in sorted(set(dyad_conflicts) | set(acd_conflicts)):
        reader.conflict(acd_conflicts.get(conflict_id) or dyad_conflicts[conflict_id])
    for dyad_id in sorted(dyads):
        reader.dyad(dyads[dyad_id])
    reader.mint_parties()
    return index.finish(batch, PUBLISHER, PUBLISHER_NAME)


class _Writer:
    """Turns the dyads and conflicts read into records, resolving the actors once each."""

    def __init__(
        self,
        batch: Batch,
        index: ActorIndex,
        codes: Codes,
        source: URIRef,
        version: str,
        last: int,
        names: dict[str, int],
        gw_codes: dict[str, int],
    ) -> None:
        self.batch, self.index, self.codes = batch, index, codes
        self.source, self.version, self.last = source, version, last
        self.names = names  # the primary parties' UCDP ids, by name
        self.gw_codes = gw_codes  # the primary parties' Gleditsch-Ward numbers, by name
        self.parties: dict[int, str] = {}  # the UCDP ids used, with their names
        self.seconds: dict[str, URIRef] = {}
        kind = index.vocabulary.claim_kind(str(CKG.OppositionClaim))
        assert kind is not None
        self.party_role = kind.from_role
        self.troops = index.vocabulary.support["x"]
        self.reference = f"UCDP Dyadic Dataset {version}"

    def conflict(self, conflict: _Conflict) -> None:
        last_year = max(conflict.types)
        props: Properties = (
            (CKG.incompatibility, self.codes.incompatibility[conflict.incompatibility]),
            (CKG.conflictType, self.codes.conflict_type[conflict.types[last_year]]),
        )
        if conflict.territory:
            props += ((CKG.territoryName, Literal(conflict.territory)),)
        props += self.states(conflict.places)
        node = conflict_iri(conflict.conflict_id)
        for year, level in sorted(conflict.intensities.items()):
            entity = year_entity(node, year, self.codes.intensity[level])
            self.batch.add_entity(entity)
            props += ((CKG.conflictYear, entity.iri),)
        name = conflict_name(
            conflict.location,
            conflict.incompatibility,
            conflict.territory,
            conflict.types[last_year],
        )
        self.batch.add_entity(conflict_entity(conflict.conflict_id, name, conflict.location, props))

    def states(self, codes: tuple[int, ...]) -> Properties:
        """ckg:locationState for each Gleditsch-Ward number of a location that the
        crosswalk of states knows: the state itself (ck:syria), not a separate government
        of it; a code it lacks names no state."""
        found: Properties = ()
        for code in codes:
            entry = self.index.crosswalk.by_code("gw", code)
            if entry is None:
                continue
            if not self.index.known(entry.iri):
                self.index.mint(entry.iri, entry.label, [CKG.State])
            found += ((CKG.locationState, entry.iri),)
        return found

    def actor(self, party: _Party) -> URIRef:
        self.parties.setdefault(party.ucdp_id, party.name)
        return self.index.canonical(ucdp_actor_iri(party.ucdp_id))

    def second(self, second: _Second, siblings: list[_Second]) -> URIRef:
        """The actor a secondary party's name stands for (``siblings``: the secondary
        parties of the same side and row, whose codes tell its own by elimination)."""
        found = self.seconds.get(second.name)
        if found is None:
            found = self.seconds[second.name] = self._resolve(second, siblings)
        return found

    def _gw(self, second: _Second, siblings: list[_Second]) -> int | None:
        known = self.gw_codes.get(second.name)
        if known is not None:
            return known
        others = {self.gw_codes.get(s.name) for s in siblings if s.name != second.name}
        left = second.codes - others
        return next(iter(left)) if len(left) == 1 else None

    def _resolve(self, second: _Second, siblings: list[_Second]) -> URIRef:
        ucdp_id = self.names.get(second.name)
        if ucdp_id is not None:
            return self.actor(_Party(ucdp_id, second.name))
        named = sorted(self.index.canonical(a) for a in self.index.find(second.name))
        if named:
            return named[0]
        gw = self._gw(second, siblings)
        iri = ID[f"ucdp-gw-{gw}"] if gw is not None else ID[f"ucdp-{slug(second.name)}"]
        number = f": its Gleditsch-Ward number is {gw}" if gw is not None else ""
        if not self.index.known(iri):
            self.index.mint(
                iri,
                second.name,
                [actor_class(second.name)],
                comment=f"A secondary warring party of the {self.reference}, which gives it "
                f"no UCDP id{number}.",
            )
        return iri

    def dyad(self, dyad: _Dyad) -> None:
        sides = {s: [(p, self.actor(p)) for p in parties] for s, parties in dyad.sides.items()}
        node = dyad_iri(dyad.dyad_id)
        props: Properties = ()
        for year, active in sorted(dyad.years.items()):
            entity = year_entity(node, year, self.codes.intensity[active.intensity])
            self.batch.add_entity(entity)
            props += ((CKG.conflictYear, entity.iri),)
        label = " - ".join(", ".join(p.name for p in parties) for parties in dyad.sides.values())
        self.batch.add_entity(
            dyad_entity(
                dyad.dyad_id,
                [a for _p, a in sides["a"]],
                [b for _p, b in sides["b"]],
                label=label,
                conflict=dyad.conflict_id,
                properties=props,
            )
        )
        context: Properties = (
            (CKG.conflict, conflict_iri(dyad.conflict_id)),
            (CKG.dyad, node),
        )
        if dyad.location:
            context += ((CKG.location, Literal(dyad.location)),)
        context += self.states(dyad.places)
        where = f" in {dyad.location}" if dyad.location else ""
        several = len(sides["a"]) * len(sides["b"]) > 1
        for first, last in spans(dyad.years):
            run = [dyad.years[y] for y in range(first, last + 1)]
            level = max(y.intensity for y in run)
            for party_a, actor_a in sides["a"]:
                for party_b, actor_b in sides["b"]:
                    if actor_a == actor_b:
                        continue  # one actor after the alias table's merges
                    suffix = f"-{party_a.ucdp_id}-{party_b.ucdp_id}" if several else ""
                    quote = (
                        f"{years_text(first, last)}: {party_a.name} fought {party_b.name}{where} "
                        f"(conflict {dyad.conflict_id}, dyad {dyad.dyad_id}; highest intensity "
                        f"{_intensity_text(level)}) ({self.reference}, dyad {dyad.dyad_id}, "
                        f"{_rows_text(run)})"
                    )
                    self._claim(
                        ClaimRecord(
                            iri=ID[
                                f"ucdp-dyadic-{slug(self.version)}-dyad-{dyad.dyad_id}-{first}"
                                + suffix
                            ],
                            kind=CKG.OppositionClaim,
                            from_role=self.party_role,
                            to_role=self.party_role,
                            subject=actor_a,
                            object=actor_b,
                            status=CKG.Asserted,
                            source=self.source,
                            origin=_origin(run[0].row, {str(self.party_role): "side_a_id"}),
                            start=year_point(first),
                            end=year_point(last),
                            quote=quote,
                            record_id=str(dyad.dyad_id),
                            open_at_coverage_end=last >= self.last,
                            extra=((CKG.intensity, self.codes.intensity[level]), *context),
                        )
                    )
        for side, other in (("a", "b"), ("b", "a")):
            self._seconds(dyad, side, sides[side], sides[other], context, where)

    def _seconds(
        self,
        dyad: _Dyad,
        side: str,
        beside: list[tuple[_Party, URIRef]],
        facing: list[tuple[_Party, URIRef]],
        context: Properties,
        where: str,
    ) -> None:
        years: dict[URIRef, dict[int, _DyadYear]] = {}
        named: dict[URIRef, _Second] = {}
        for year, active in sorted(dyad.years.items()):
            siblings = active.seconds.get(side, [])
            for second in siblings:
                backer = self.second(second, siblings)
                years.setdefault(backer, {})[year] = active
                named.setdefault(backer, second)
        against = facing[0][1] if len(facing) == 1 else None
        against_name = ", ".join(p.name for p, _a in facing)
        for backer, active_years in sorted(years.items()):
            second = named[backer]
            for first, last in spans(active_years):
                run = [active_years[y] for y in range(first, last + 1)]
                for party, recipient in beside:
                    if backer in (recipient, against):
                        continue  # one actor after the alias table's merges
                    suffix = f"-to-{party.ucdp_id}" if len(beside) > 1 else ""
                    quote = (
                        f"{years_text(first, last)}: {second.name} fought beside {party.name} "
                        f"against {against_name}{where} as a secondary warring party, with "
                        f"troops (conflict {dyad.conflict_id}, dyad {dyad.dyad_id}) "
                        f"({self.reference}, dyad {dyad.dyad_id}, side_{side}_2nd, "
                        f"{_rows_text(run)})"
                    )
                    self._claim(
                        ClaimRecord(
                            iri=ID[
                                f"ucdp-dyadic-{slug(self.version)}-dyad-{dyad.dyad_id}-{first}"
                                f"-troops-{slug(second.name)}{suffix}"
                            ],
                            kind=CKG.SupportClaim,
                            from_role=CKG.backer,
                            to_role=CKG.recipient,
                            subject=backer,
                            object=recipient,
                            status=CKG.Asserted,
                            source=self.source,
                            origin=_origin(
                                run[0].row,
                                {
                                    str(CKG.backer): f"side_{side}_2nd",
                                    str(CKG.recipient): f"side_{side}_id",
                                    str(CKG.against): f"side_{'b' if side == 'a' else 'a'}_id",
                                },
                            ),
                            support=(self.troops,),
                            against=against,
                            start=year_point(first),
                            end=year_point(last),
                            quote=quote,
                            record_id=str(dyad.dyad_id),
                            open_at_coverage_end=last >= self.last,
                            extra=context,
                        )
                    )

    def _claim(self, claim: ClaimRecord) -> None:
        self.batch.claims.append(claim)
        if self.batch.full():
            self.batch.flush()

    def mint_parties(self) -> None:
        """Add the primary parties that the alias table does not merge into an actor of
        the data (as the ESD importer does, by UCDP id)."""
        for ucdp_id, name in sorted(self.parties.items()):
            iri = ucdp_actor_iri(ucdp_id)
            if self.index.canonical(iri) == iri:
                self.index.mint(iri, name, [actor_class(name)], ucdp_id=ucdp_id)


def _origin(row: Row, columns: dict[str, str]) -> Origin:
    return Origin(row.number, row.line, {**columns, str(CKG.start): "year", str(CKG.end): "year"})


def _intensity_text(level: int) -> str:
    return "war (1,000 or more battle deaths)" if level >= 2 else "minor (25-999 battle deaths)"


def _rows_text(run: list[_DyadYear]) -> str:
    """The rows a span was read from: "row 75", "rows 75-88", "rows 3, 9"."""
    rows = [y.row.number for y in run]
    if len(rows) == 1:
        return f"row {rows[0]}"
    if rows == list(range(rows[0], rows[0] + len(rows))):
        return f"rows {rows[0]}-{rows[-1]}"
    return "rows " + ", ".join(str(r) for r in rows)


def import_ucdp_conflicts(
    dyadic: Path,
    acd: Path | None = None,
    output: Path | None = None,
    *,
    store: Path | StoreSpec | None = None,
    data: Sequence[Path] = (),
    add: Sequence[Path] = (),
    allow_network: bool = False,
    version: str | None = None,
    wait: float = LOCK_WAIT,
    progress: Callable[[int], None] | None = None,
    stage: Callable[[str], None] | None = None,
) -> ImportResult:
    """Import the UCDP Dyadic Dataset (``dyadic``, CSV) and, if given, the UCDP/PRIO Armed
    Conflict Dataset (``acd``) into the file ``output`` or the store ``store``, all or
    nothing, as :func:`kg.importers.import_esd` does (the same options, errors and hooks).
    """
    from kg.importers import run, target_for

    target = target_for(output, store, data=data, add=add, wait=wait)
    return run(
        target,
        lambda index, sink, told: read_ucdp_conflicts(
            Path(dyadic),
            index,
            Path(acd) if acd is not None else None,
            version=version,
            sink=sink,
            progress=told,
        ),
        allow_network=allow_network,
        progress=progress,
        stage=stage,
    )


__all__ = ["import_ucdp_conflicts", "read_ucdp_conflicts"]
