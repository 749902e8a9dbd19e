"""The UCDP External Support Dataset (ESD), triad-year file, as UCDP publishes it.

Cite as: Meier, Vanessa, Niklas Karlén, Therése Pettersson and Mihai Croicu (2023)
"External support in armed conflicts: Introducing the UCDP external support dataset (ESD),
1975–2017", Journal of Peace Research 60(3). doi:10.1177/00223433221079864.

One row is a warring party (the recipient, ``actor_*``), the party it fights (``oppo_*``),
an external supporter (``ext_*``) and a year. Each row with a supporter becomes one
ckg:SupportClaim for that year (start and end the year, known to the year), with the kinds
of support from the flag columns, alleged or asserted, the coalition and both-sides flags,
and the dataset as its source; the row's ``id`` is kept (ckg:recordId) and the row rendered
readably as the claim's quote, since a row has no sentence. A row without a supporter
(``ext_sup`` 0) says that the party had no known support that year: it becomes a
ckg:NoKnownSupport record, which is no claim of support and derives no relation, so that
"no support known" stays apart from "not in the data".

Each row keeps its conflict, dyad and location (ckg:conflict, ckg:dyad, ckg:location: the
place of ESD's ``location``, which names the conflict, "Iran: Kurdistan"); the conflicts and
dyads are the nodes the UCDP Dyadic importer (``kg.importers.ucdp_conflicts``) writes too.
The warring pairs fight: one ckg:OppositionClaim per dyad and span of consecutive years it
was active (``active`` 1). The dataset covers 1975 to the year before its release (2017):
a claim of that year is open at the end of coverage.

Actors are resolved by UCDP id: ``ck:ucdp-actor-ID``, unless the alias table merges that IRI
into an actor of the data (``owl:sameAs``). The others are added, named as ESD names them
and typed from the dataset's own flags and names: a party flagged non-state is a rebel
group if it fights in some row (recipient or opponent) and an armed group if it only
supports; "Government of ..." is a government; other state parties ("Thai elements") are
actors of no narrower class. A cell that lists several names ("Interahamwe, ex-FAR") is one
actor, as UCDP gives it one id.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from rdflib import Literal, URIRef

from kg.importers.model import (
    ID,
    Batch,
    ClaimRecord,
    NoSupportRecord,
    Origin,
    Properties,
    SourceRecord,
    slug,
)
from kg.importers.resolve import ActorIndex
from kg.importers.table import Problems, Row, open_table, read_flag, read_integer, read_period
from kg.importers.ucdp import (
    PUBLISHER,
    PUBLISHER_NAME,
    conflict_entity,
    conflict_iri,
    dyad_entity,
    dyad_iri,
    last_covered_year,
    location_of,
    spans,
    ucdp_actor_iri,
    year_point,
    years_text,
)
from kg.periods import Precision, TimePoint
from kg.vocab import CKG

# The kinds of support, one 0/1 column each; the letter is the concept's skos:notation.
FLAG_COLUMNS = [
    "ext_x",
    "ext_p",
    "ext_y",
    "ext_w",
    "ext_m",
    "ext_t",
    "ext_f",
    "ext_i",
    "ext_l",
    "ext_o",
    "ext_u",
]
REQUIRED_COLUMNS = [
    "id",
    "year",
    "actor_id",
    "actor_name",
    "actor_nonstate",
    "oppo_id",
    "oppo_name",
    "ext_id",
    "ext_name",
    "ext_nonstate",
    "ext_alleged",
    "ext_coalition",
    "ext_coalition_name",
    "ext_bothsides",
    "ext_sup",
    *FLAG_COLUMNS,
]

#: The columns of UCDP's dyad and conflict: read where the file has them.
CONFLICT_COLUMNS = ["dyad_id", "dyad_name", "conflict_id", "location", "active"]
#: The years the ESD covers: 1975 to the year before its release (2017 for 18.1).
FIRST_YEAR, LAST_YEAR = 1975, 2017
CITATION = (
    'Meier, Vanessa, Niklas Karlén, Therése Pettersson and Mihai Croicu (2023) "External '
    "support in armed conflicts: Introducing the UCDP external support dataset (ESD), "
    '1975–2017", Journal of Peace Research 60(3). doi:10.1177/00223433221079864.'
)
# The year of a release, where known: UCDP numbers its releases YY.N (18.1: 2018).
RELEASE_YEARS = {"18.1": 2018}


def dataset_iri(version: str) -> URIRef:
    """The IRI of a release of the ESD: ck:ucdp-esd-18-1."""
    return ID[f"ucdp-esd-{slug(version)}"]


def row_iri(version: str, row_id: int) -> URIRef:
    """The IRI of the claim (or record) read from one row: ck:ucdp-esd-18-1-row-9098."""
    return ID[f"ucdp-esd-{slug(version)}-row-{row_id}"]


def dataset_source(version: str) -> SourceRecord:
    """The source node of an ESD release."""
    year = RELEASE_YEARS.get(version)
    comment = (
        "The triad-year file of the UCDP External Support Dataset: one row per warring party, "
        "opponent, external supporter and year, 1975–2017. Each support claim imported from it "
        "keeps the row's id (ckg:recordId) and a rendering of the row as its quote."
    )
    if year is not None:
        comment += (
            f" The date is the year of the release, read from its number ({version}: UCDP "
            "numbers its releases by year and release)."
        )
    return SourceRecord(
        iri=dataset_iri(version),
        cls=CKG.Dataset,
        title=f"UCDP External Support Dataset {version}",
        publisher=PUBLISHER,
        date=TimePoint(date(year, 1, 1), Precision.YEAR) if year is not None else None,
        version=version,
        citation=CITATION,
        comment=comment,
        coverage=(FIRST_YEAR, last_covered_year(version, LAST_YEAR)),
    )


@dataclass(frozen=True)
class _Cells:
    """The cells of one row read as ESD defines them; a bad one is noted as a problem."""

    row: Row
    problems: Problems

    def integer(self, column: str) -> int | None:
        """A whole number (also written as a float, "57.0"); None, noted, if it is not one."""
        text = self.row.cells[column].strip()
        if not text:
            self.problems.add(self.row, column, "is empty; a whole number is needed")
            return None
        value = read_integer(text)
        if value is None:
            self.problems.add(self.row, column, f"{text!r} is not a whole number")
        return value

    def optional_integer(self, column: str) -> int | None:
        """A whole number in a column the file may lack or leave empty; None then."""
        text = self.row.cells.get(column, "").strip()
        if not text:
            return None
        value = read_integer(text)
        if value is None:
            self.problems.add(self.row, column, f"{text!r} is not a whole number")
        return value

    def flag(self, column: str) -> bool:
        """A 0/1 flag (also "0.0", "1.0"); False, noted, if it is neither."""
        value = read_flag(self.row.cells[column])
        if value is None:
            text = self.row.cells[column].strip()
            self.problems.add(self.row, column, f"{text!r} is not 0 or 1")
            return False
        return value


@dataclass
class _Fight:
    """A warring pair of the file (a dyad, or a recipient and its opponent where the file
    gives no dyad), side A first, with the years it was active."""

    side_a: tuple[int, str]  # UCDP id and name
    side_b: tuple[int, str]
    dyad: int | None
    place: str  # the conflict as ESD names it ("Iran: Kurdistan"), or ""
    context: Properties
    years: dict[int, Row] = field(default_factory=dict)  # the first row of each active year


@dataclass
class _Party:
    """What the file says about one UCDP actor id, gathered over every row."""

    name: str
    nonstate: set[bool] = field(default_factory=set)
    fights: bool = False  # a warring party (recipient or opponent) in some row
    supports: bool = False
    unnamed: bool = False


def read_esd(
    path: Path,
    index: ActorIndex,
    *,
    version: str = "18.1",
    sink: Callable[[Batch], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> Batch:
    """Read an ESD triad-year file into claims, no-known-support records and new actors;
    with ``sink``, the claims and records go to it every CHUNK of them (Batch.flush).

    Raises BadImport naming file, row and column for every bad cell, DataLoadError when
    the file cannot be read.
    """
    table = open_table(path)
    problems = table.problems
    header = Row(1, 1, {})
    for column in REQUIRED_COLUMNS:
        if column not in table.columns:
            problems.add(
                header, column, "the header has no such column (is this the ESD triad-year file?)"
            )
    problems.raise_if_any()
    vocabulary = index.vocabulary
    letters = {column: column.removeprefix("ext_").upper() for column in FLAG_COLUMNS}
    kinds = {column: vocabulary.support[letter.casefold()] for column, letter in letters.items()}
    source = dataset_source(version)
    batch = Batch(path, sources={source.iri: source}, sink=sink, progress=progress)
    parties: dict[int, _Party] = {}
    seen_ids: dict[int, int] = {}
    fights: dict[tuple[int, ...], _Fight] = {}
    last = last_covered_year(version, LAST_YEAR)
    for row in table.rows():
        batch.row_read()
        if problems.full:
            break
        before = problems.count
        cells = row.cells
        read = _Cells(row, problems)
        integer, flag = read.integer, read.flag
        row_id = integer("id")
        if row_id is not None:
            if row_id in seen_ids:
                problems.add(row, "id", f"id {row_id} is also the id of row {seen_ids[row_id]}")
            seen_ids.setdefault(row_id, row.number)
        period = read_period(cells["year"])
        if period is None or period.precision is not Precision.YEAR:
            problems.add(row, "year", f"{cells['year'].strip()!r} is not a year")
        actor_id = integer("actor_id")
        oppo_id = integer("oppo_id")
        actor_name = " ".join(cells["actor_name"].split())
        oppo_name = " ".join(cells["oppo_name"].split())
        for column, name in (("actor_name", actor_name), ("oppo_name", oppo_name)):
            if not name:
                problems.add(row, column, "is empty; the warring party needs a name")
        actor_nonstate = flag("actor_nonstate")
        supported = flag("ext_sup")
        flags = {column: flag(column) for column in FLAG_COLUMNS}
        alleged = flag("ext_alleged")
        if supported:
            ext_id = integer("ext_id")
            ext_nonstate = flag("ext_nonstate")
            coalition = flag("ext_coalition")
            both_sides = flag("ext_bothsides")
        else:
            ext_id = None
            ext_nonstate = coalition = both_sides = False
            for column in ("ext_id", "ext_name"):
                if cells[column].strip():
                    problems.add(row, column, "names a supporter, but ext_sup is 0 (no supporter)")
            for column, value in flags.items():
                if value:
                    problems.add(row, column, "is 1, but ext_sup is 0 (no supporter)")
        dyad_id = read.optional_integer("dyad_id")
        conflict_id = read.optional_integer("conflict_id")
        active = "active" not in cells or not cells["active"].strip() or flag("active")
        if actor_id is not None and actor_id == oppo_id:
            problems.add(row, "oppo_id", "is the id of the warring party itself")
        if ext_id is not None and ext_id in (actor_id, oppo_id):
            problems.add(row, "ext_id", "is the id of a warring party of the row")
        if problems.count > before:
            continue
        assert row_id is not None and period is not None
        assert actor_id is not None and oppo_id is not None
        _note(parties, actor_id, actor_name, nonstate=actor_nonstate, fights=True)
        _note(parties, oppo_id, oppo_name, nonstate=None, fights=True)
        recipient = index.canonical(ucdp_actor_iri(actor_id))
        opponent = index.canonical(ucdp_actor_iri(oppo_id))
        location = " ".join(cells.get("location", "").split())
        where = f" in {location}" if location else ""
        reference = f"UCDP ESD {version}, row id {row_id}"
        node = row_iri(version, row_id)
        fight = _fight(fights, row, (actor_id, actor_name), (oppo_id, oppo_name), dyad_id)
        context = _context(conflict_id, dyad_id, location)
        if not fight.years and not fight.place:  # the pair's first row
            fight.place, fight.context = location, context
        if active:
            fight.years.setdefault(period.first.year, row)
        if conflict_id is not None and conflict_iri(conflict_id) not in batch.entities:
            batch.add_entity(
                conflict_entity(
                    conflict_id,
                    location or f"UCDP conflict {conflict_id}",
                    location_of(location) if location else None,
                )
            )
        columns = {
            str(CKG.conflict): "conflict_id",
            str(CKG.dyad): "dyad_id",
            str(CKG.location): "location",
        }
        if not supported:
            batch.no_support.append(
                NoSupportRecord(
                    iri=node,
                    party=recipient,
                    opponent=opponent,
                    period=period,
                    source=source.iri,
                    label=f"{period}: {actor_name} had no known external support against "
                    f"{oppo_name}{where} ({reference})",
                    origin=Origin(row.number, row.line, columns),
                    record_id=str(row_id),
                    extra=context,
                )
            )
            if batch.full():
                batch.flush()
            continue
        assert ext_id is not None
        ext_name = " ".join(cells["ext_name"].split())
        _note(parties, ext_id, ext_name, nonstate=ext_nonstate, supports=True)
        backer = index.canonical(ucdp_actor_iri(ext_id))
        given = [column for column in FLAG_COLUMNS if flags[column]]
        support = tuple(kinds[c] for c in given) or (CKG.UnspecifiedSupport,)
        kinds_text = _and(
            [_kind_text(vocabulary.support_labels[kinds[c]], letters[c]) for c in given]
        )
        coalition_name = " ".join(cells["ext_coalition_name"].split()) or None
        quote = (
            f"{period}: {ext_name or f'UCDP actor {ext_id}'} supported {actor_name} against "
            f"{oppo_name}{where} with {kinds_text or 'support of an unknown kind'}"
        )
        if alleged:
            quote += " (alleged)"
        if coalition:
            quote += ", as part of a coalition" + (f" ({coalition_name})" if coalition_name else "")
        elif coalition_name:
            quote += f", not as part of a coalition (coalition name given: {coalition_name})"
        if both_sides:
            quote += ", supporting both sides"
        quote += f" ({reference})"
        batch.claims.append(
            ClaimRecord(
                iri=node,
                kind=CKG.SupportClaim,
                from_role=CKG.backer,
                to_role=CKG.recipient,
                subject=backer,
                object=recipient,
                status=CKG.Alleged if alleged else CKG.Asserted,
                source=source.iri,
                origin=Origin(
                    row.number,
                    row.line,
                    {
                        str(CKG.backer): "ext_id",
                        str(CKG.recipient): "actor_id",
                        str(CKG.against): "oppo_id",
                        str(CKG.start): "year",
                        str(CKG.end): "year",
                        str(CKG.status): "ext_alleged",
                        **columns,
                    },
                ),
                support=support,
                against=opponent,
                start=period,
                end=period,
                quote=quote,
                record_id=str(row_id),
                in_coalition=coalition,
                coalition=coalition_name,
                both_sides=both_sides,
                open_at_coverage_end=period.first.year >= last,
                extra=context,
            )
        )
        if batch.full():
            batch.flush()
    problems.raise_if_any()
    for fight in fights.values():
        _add_fight(batch, index, fight, source.iri, version, last)
    _mint_parties(parties, index)
    return index.finish(batch, PUBLISHER, PUBLISHER_NAME)


def _context(conflict_id: int | None, dyad_id: int | None, location: str) -> Properties:
    """What a row's claim or record says of where it belongs: its conflict, dyad and place
    (ESD's ``location`` is the conflict's name, "Iran: Kurdistan": the place is Iran)."""
    context: Properties = ()
    if conflict_id is not None:
        context += ((CKG.conflict, conflict_iri(conflict_id)),)
    if dyad_id is not None:
        context += ((CKG.dyad, dyad_iri(dyad_id)),)
    if location:
        context += ((CKG.location, Literal(location_of(location))),)
    return context


def _fight(
    fights: dict[tuple[int, ...], _Fight],
    row: Row,
    actor: tuple[int, str],
    oppo: tuple[int, str],
    dyad_id: int | None,
) -> _Fight:
    """The warring pair of a row: its dyad, or the recipient and opponent where the file
    gives no dyad. Side A is the one the dyad's name gives first ("Government of Iran -
    KDPI"), else a government, else the recipient of the first row."""
    key = (dyad_id,) if dyad_id is not None else tuple(sorted((actor[0], oppo[0])))
    fight = fights.get(key)
    if fight is None:
        name = " ".join(row.cells.get("dyad_name", "").split())
        if name.startswith(f"{oppo[1]} - ") and not name.startswith(f"{actor[1]} - "):
            actor, oppo = oppo, actor
        elif not name and oppo[1].startswith("Government of"):
            if not actor[1].startswith("Government of"):
                actor, oppo = oppo, actor
        fight = fights[key] = _Fight(actor, oppo, dyad_id, "", ())
    return fight


def _add_fight(
    batch: Batch, index: ActorIndex, fight: _Fight, source: URIRef, version: str, last: int
) -> None:
    """The dyad of a warring pair, and one opposition claim per span of the consecutive
    years it was active (ESD's ``active``: 25 battle deaths or more that year)."""
    kind = index.vocabulary.claim_kind(str(CKG.OppositionClaim))
    assert kind is not None
    party = kind.from_role  # ckg:party, both sides
    side_a = index.canonical(ucdp_actor_iri(fight.side_a[0]))
    side_b = index.canonical(ucdp_actor_iri(fight.side_b[0]))
    if fight.dyad is not None:
        # No ckg:inConflict: ESD 18.1 puts dyad 14273 in conflict 13349, UCDP 25.1 in 222;
        # the claims say their conflict, and the Dyadic Dataset says the dyad's.
        name = f"{fight.side_a[1]} - {fight.side_b[1]}"
        batch.add_entity(dyad_entity(fight.dyad, [side_a], [side_b], label=name))
    if side_a == side_b:
        return  # one actor after the alias table's merges: no one to oppose
    where = f" in {fight.place}" if fight.place else ""
    which = f"dyad {fight.dyad}" if fight.dyad is not None else "the pair"
    ids = f"{fight.side_a[0]}-{fight.side_b[0]}"
    key = f"dyad-{fight.dyad}" if fight.dyad is not None else f"opposition-{ids}"
    for first, end in spans(fight.years):
        row = fight.years[first]
        active = end - first + 1
        batch.claims.append(
            ClaimRecord(
                iri=ID[f"ucdp-esd-{slug(version)}-{key}-{first}"],
                kind=CKG.OppositionClaim,
                from_role=party,
                to_role=party,
                subject=side_a,
                object=side_b,
                status=CKG.Asserted,
                source=source,
                origin=Origin(row.number, row.line, {str(CKG.start): "year"}),
                start=year_point(first),
                end=year_point(end),
                quote=f"{years_text(first, end)}: {fight.side_a[1]} fought {fight.side_b[1]}"
                f"{where} (UCDP ESD {version}, {which}: {active} active year(s), first row id "
                f"{row.cells['id'].strip()})",
                open_at_coverage_end=end >= last,
                extra=fight.context,
            )
        )
        if batch.full():
            batch.flush()


def _note(
    parties: dict[int, _Party],
    ucdp_id: int,
    name: str,
    *,
    nonstate: bool | None,
    fights: bool = False,
    supports: bool = False,
) -> None:
    party = parties.get(ucdp_id)
    if party is None:
        party = parties[ucdp_id] = _Party(name or f"UCDP actor {ucdp_id}", unnamed=not name)
    elif party.unnamed and name:
        party.name, party.unnamed = name, False
    if nonstate is not None:
        party.nonstate.add(nonstate)
    party.fights |= fights
    party.supports |= supports


def _mint_parties(parties: dict[int, _Party], index: ActorIndex) -> None:
    """Add the UCDP actors that the alias table does not merge into an actor of the data."""
    for ucdp_id, party in sorted(parties.items()):
        iri = ucdp_actor_iri(ucdp_id)
        if index.canonical(iri) != iri:
            continue
        government = party.name.startswith("Government of")
        comment = None
        if True in party.nonstate:
            cls = CKG.RebelGroup if party.fights else CKG.ArmedGroup
        elif government:
            cls = CKG.Government
        elif False in party.nonstate:
            cls = CKG.Actor
            comment = "A state party that is not its government (ESD codes it as a state actor)."
        else:  # only an opponent, whose flag ESD does not give: a government or a rebel group
            cls = CKG.RebelGroup
        if party.unnamed:
            comment = f"ESD gives the UCDP id {ucdp_id} of this supporter but no name."
        index.mint(iri, party.name, [cls], ucdp_id=ucdp_id, comment=comment)


def _kind_text(label: str, letter: str) -> str:
    return label if f"ESD {letter}" in label else f"{label} ({letter})"


def _and(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
