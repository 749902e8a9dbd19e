"""The PA-X Peace Agreements Dataset, version 6 (``pax_all_agreements_data_v6.csv``).

Cite as: Bell, Christine and Sanja Badanjak (2019) "Introducing PA-X: A new peace agreement
database and dataset", Journal of Peace Research 56(3): 452–466; and PA-X Peace Agreements
Database and Dataset, Version 6 (www.peaceagreements.org), Political Settlements Research
Programme, University of Edinburgh.

One row is one agreement. It becomes a ckg:Agreement (a ckg:Ceasefire at the ceasefire
stage) ``ck:pax-agreement-ID`` with its name, date (to the day), stage, type, signing
status, conflict (UCDP ``UcdpCon`` as ``ck:ucdp-conflict-ID``), peace process
(``ck:pax-process-PP``), location state (``Loc1GWNO``/``Loc1ISO`` through the crosswalk of
states, where the data has it) and PA-X id. An agreement the alias table sends elsewhere
(``data/agreement-aliases.ttl``: ``ck:pax-agreement-2093 owl:sameAs
ck:de-escalation-memorandum-2017``) is written as that one: its claims name it, and it
gains PA-X's id, stage and process, but keeps its own name and date.

The parties come from the prose of ``Part`` (signatories) and ``ThrdPart`` (guarantors,
mediators, witnesses), cut into pieces by :mod:`kg.importers.pax_parties`. A piece names
an actor the data has (by any of its names, a state by its name, its "Government of ...",
"the ... side"), or is clearly the name of a group or a person, which becomes a new actor;
a person named with an office of a state ("Sergey Lavrov, Minister of Foreign Affairs of
the Russian Federation") is that person, holding that office (a ckg:OfficeClaim). Anything
else ("[Signed]", "the parties", an office without a name) is kept on the agreement as
ckg:unresolvedParty, never made into an actor. Each claim quotes its piece as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import XSD, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS, TIME

from kg import output
from kg.crosswalk import StateEntry
from kg.errors import BadImport
from kg.graph import StoreSpec
from kg.importers.model import (
    ID,
    Batch,
    ClaimRecord,
    EntityRecord,
    Origin,
    Properties,
    SourceRecord,
    slug,
)
from kg.importers.pax_parties import (
    ARMED_WORDS,
    GUARANTOR,
    HONORIFIC,
    INTERNATIONAL_WORDS,
    MEDIATOR,
    OFFICE_WORDS,
    ORGANISATION_WORDS,
    SIGNATORY,
    VAGUE_WORDS,
    WITNESS,
    Piece,
    is_person_name,
    list_parts,
    plain,
    signatory_pieces,
    third_party_pieces,
)
from kg.importers.resolve import ActorIndex
from kg.importers.store import ImportResult
from kg.importers.table import Row, open_table, read_integer, read_period
from kg.importers.ucdp import conflict_entity, conflict_iri
from kg.locks import LOCK_WAIT
from kg.names import normalise
from kg.periods import Precision, TimePoint
from kg.queries import PREFIXES, compact
from kg.results import document
from kg.vocab import CKG

_O = PREFIXES["ckg"]
# Terms of the ontology (ontology/conflict-kg.ttl) that kg.vocab.CKG does not list.
_T = {
    name: URIRef(_O + name)
    for name in (
        "signatory guarantor mediator agreement holder organisation office SignatoryClaim "
        "GuaranteeClaim OfficeClaim Ceasefire Person InternationalOrganisation "
        "GovernmentAgency Agreement PeaceProcess ArmedGroup"
    ).split()
}

REQUIRED_COLUMNS = ["AgtId", "Agt", "Dat", "Con", "PP", "PPName", "Status", "Agtp", "Stage",
                    "Part", "ThrdPart"]  # fmt: skip
VERSION = "6"
COVERAGE = (1990, 2021)
PUBLISHER = ID["psrp"]
PUBLISHER_NAME = "Political Settlements Research Programme, University of Edinburgh"
CITATION = (
    'Bell, Christine and Sanja Badanjak (2019) "Introducing PA-X: A new peace agreement '
    'database and dataset", Journal of Peace Research 56(3): 452–466; PA-X Peace Agreements '
    "Database and Dataset, Version 6 (www.peaceagreements.org)."
)

#: Each role of a party: its word in a claim's IRI, and the verb of the claim's label.
ROLES = {
    SIGNATORY: ("signatory", "signed"),
    GUARANTOR: ("guarantor", "guarantees"),
    MEDIATOR: ("mediator", "mediated"),
    WITNESS: ("witness", "witnessed"),
}
#: The class of the claim and the property naming the actor, for each role.
_ROLE_CLASS = {
    SIGNATORY: (_T["SignatoryClaim"], _T["signatory"]),
    GUARANTOR: (_T["GuaranteeClaim"], _T["guarantor"]),
    MEDIATOR: (CKG.AgreementMediationClaim, _T["mediator"]),
    WITNESS: (CKG.WitnessClaim, CKG.witness),
}

# What PA-X writes for a state in place of its name: "the Russian side", "the Egyptian
# Government". The crosswalk of states gives names and codes, not these adjectives.
DEMONYMS = {
    "american": "United States", "british": "United Kingdom", "chinese": "China",
    "egyptian": "Egypt", "french": "France", "german": "Germany", "iranian": "Iran",
    "iraqi": "Iraq", "israeli": "Israel", "jordanian": "Jordan", "lebanese": "Lebanon",
    "qatari": "Qatar", "russian": "Russia", "saudi": "Saudi Arabia", "syrian": "Syria",
    "turkish": "Turkey", "us": "United States", "u.s.": "United States",
    "kazakh": "Kazakhstan", "emirati": "United Arab Emirates", "yemeni": "Yemen",
    "libyan": "Libya", "sudanese": "Sudan", "ethiopian": "Ethiopia", "kenyan": "Kenya",
    "ugandan": "Uganda", "rwandan": "Rwanda", "colombian": "Colombia", "afghan": "Afghanistan",
    "pakistani": "Pakistan", "indian": "India", "algerian": "Algeria", "moroccan": "Morocco",
    "ukrainian": "Ukraine", "georgian": "Georgia", "armenian": "Armenia",
    "azerbaijani": "Azerbaijan", "serbian": "Serbia", "croatian": "Croatia",
    "somali": "Somalia", "nigerian": "Nigeria", "philippine": "Philippines",
}  # fmt: skip
_STATE_FORMS = (
    re.compile(
        r"^(?:the\s+)?(?:government|govt\.?|authorities)\s+of\s+(?:the\s+)?(?P<x>.+)$", re.I
    ),
    re.compile(
        r"^(?:the\s+)?(?P<x>.+?)\s+(?:government|govt\.?|side|regime|authorities|guarantor"
        r"|delegation|party)$",
        re.I,
    ),
)
_OFFICE_PHRASES = (
    (re.compile(r"minist(?:er|ry)\s+(?:of|for)\s+foreign\s+affairs|foreign\s+minister", re.I),
     "foreign minister"),
    (re.compile(r"minist(?:er|ry)\s+of\s+defen[cs]e|defen[cs]e\s+minister", re.I),
     "defence minister"),
    (re.compile(r"\benvoy\b|special\s+representative", re.I), "special envoy"),
    (re.compile(r"\bpresident\b|\bhead\s+of\s+state\b|\bking\b|\bemir\b", re.I), "president"),
    (re.compile(r"\bminister\b", re.I), "minister"),
    (re.compile(r"\bambassador\b", re.I), "ambassador"),
    (re.compile(r"\badvi[sz]er\b|\badvisor\b", re.I), "adviser"),
)  # fmt: skip


def dataset_iri() -> URIRef:
    """The IRI of PA-X version 6: ck:pax-v6."""
    return ID[f"pax-v{VERSION}"]


def agreement_iri(agt_id: int) -> URIRef:
    """ck:pax-agreement-2093."""
    return ID[f"pax-agreement-{agt_id}"]


def process_iri(pp: int) -> URIRef:
    """ck:pax-process-115."""
    return ID[f"pax-process-{pp}"]


def dataset_source() -> SourceRecord:
    """The source node of PA-X version 6, with its coverage (1990–2021)."""
    return SourceRecord(
        iri=dataset_iri(),
        cls=CKG.Dataset,
        title=f"PA-X Peace Agreements Database and Dataset, Version {VERSION}",
        publisher=PUBLISHER,
        version=VERSION,
        citation=CITATION,
        url="https://www.peaceagreements.org",
        comment=(
            "Every peace agreement signed 1990–2021 in a peace or transition process, one row "
            "each, with its parties and third parties as the agreement writes them. Each claim "
            "imported from it quotes the party as written (ckg:quote) and keeps the agreement's "
            "id (ckg:recordId); party text that names no actor is kept on the agreement "
            "(ckg:unresolvedParty)."
        ),
        coverage=COVERAGE,
    )


@dataclass
class PartyCounts:
    """How the party strings of an import were read."""

    known: int = 0  # named an actor the data has
    minted: int = 0  # named an actor this import added
    text: int = 0  # named no actor: kept as text
    agreements: int = 0
    merged: list[tuple[int, str]] = field(default_factory=list)  # (PA-X id, agreement IRI)

    @property
    def total(self) -> int:
        return self.known + self.minted + self.text


@dataclass
class PaxBatch(Batch):
    """A batch with the counts of party strings."""

    parties: PartyCounts = field(default_factory=PartyCounts)


@dataclass(frozen=True)
class _Found:
    actor: URIRef
    new: bool


class _States:
    """States by name, adjective and code, through the crosswalk of states (kg.crosswalk)."""

    def __init__(self, index: ActorIndex) -> None:
        self.index = index
        self._by_iri: dict[URIRef, StateEntry] | None = None

    def located(self, gw: str, iso: str) -> URIRef | None:
        """The state a location's Gleditsch-Ward number (else ISO alpha-3 code) names: the
        state itself, not its government (ckg:locationState is a state)."""
        crosswalk = self.index.crosswalk
        entry = crosswalk.by_code("gw", gw) if gw.strip() else None
        if entry is None and iso.strip():
            entry = crosswalk.by_code("iso3", iso)
        if entry is None:
            return None
        if not self.index.known(entry.iri):
            self.index.mint(entry.iri, entry.label, [CKG.State])
        return entry.iri

    def party(self, name: str) -> URIRef | None:
        """The actor that "Government of X", "the X side", "X Government", "the Russian
        side" stands for: the government of X where the data keeps one apart, else X."""
        for form in _STATE_FORMS:
            match = form.match(name)
            if match:
                x = match.group("x").strip()
                for text in (x, DEMONYMS.get(x.casefold().removeprefix("the ").strip(), "")):
                    entry = self._entry(text) if text else None
                    if entry is not None:
                        return self.index.state_actor(entry)
        return None

    def _entry(self, name: str) -> StateEntry | None:
        """The crosswalk's state that ``name`` names, by the crosswalk's names or by any
        name the data gives the state ("Syrian Arab Republic")."""
        entry = self.index.crosswalk.by_name(name)
        if entry is not None:
            return entry
        if self._by_iri is None:
            self._by_iri = {e.iri: e for e in self.index.crosswalk.states}
        for iri in sorted(self.index.find(name)):
            found = self._by_iri.get(self.index.canonical(iri))
            if found is not None:
                return found
        return None


class _Parties:
    """Resolves pieces of party text to actors, minting only clear names."""

    def __init__(self, index: ActorIndex, counts: PartyCounts) -> None:
        self.index = index
        self.states = _States(index)
        self.counts = counts
        self.offices = _concepts(index, CKG_OFFICES)
        self.alt_labels: dict[URIRef, set[str]] = {}
        self.created: set[URIRef] = set()  # the actors this import adds from party text
        # Whether an import of PA-X was here before (its publisher is in the graph): only
        # then can a name's actor be in the graph under ck:pax-NAME, and asking costs a
        # query per name (18,000 for the whole file, half its time).
        self.earlier = index.in_graph(PUBLISHER)

    def known(self, name: str, *, own: bool = True) -> URIRef | None:
        """The actor the data has by ``name``. An actor an import of PA-X added is found
        only by its own name (``own``), and only where the name is clearly one, as when it
        was added: found by another way (an acronym, "for the national" for "National",
        the organisation of an office) it would depend on which rows came first, or were
        imported before, and a second import would not give what the first gave."""
        name = _TYPOS.sub("America", name.strip())
        if not name:
            return None
        own = own and self.is_clear_name(name)
        mine = self.iri_for(name)
        # No actor's name is a sentence: prose is not looked up (a query each, 3,000 of
        # them in the whole file). kg.names.normalise drops a leading "the" itself.
        prose = len(name) > 120 or len(name.split()) > 12
        for iri in [] if prose else sorted(self.index.find(name)):
            actor = self.index.canonical(iri)
            if not str(actor).startswith(_PAX) or own and actor == mine:
                return actor
        if own and (mine in self.created or self.earlier and self.index.in_graph(mine)):
            return mine
        return self.states.party(name)

    @staticmethod
    def iri_for(name: str) -> URIRef:
        """The IRI of the actor a name gives when an import of PA-X adds it."""
        return ID[f"pax-{slug(_fold(name)) or 'actor'}"]

    def is_clear_name(self, name: str) -> bool:
        """Whether ``name`` is clearly the name of a group, organisation or person."""
        if not name or len(name) > 80 or not re.search(r"[A-Za-z]", name):
            return False
        words = name.split()
        if len(words) > 9 or VAGUE_WORDS.search(name):
            return False
        if re.search(r"[()\[\]:/,;]|\s(?:by|of|and|the)$", name) or (
            re.search(r"\.\s", name) and not HONORIFIC.match(name)
        ):
            return False
        if _GENERIC.fullmatch(_fold(name)):
            return False
        first = re.sub(r"^(?:the|al|el|an|ad)[\s-]+", "", name, flags=re.I).lstrip("‘’'ʼ\"")
        if not first or not first[0].isupper():
            return False
        if OFFICE_WORDS.search(name) and not HONORIFIC.match(name):
            return False  # a title without a name: "Governor of Aleppo"
        if HONORIFIC.fullmatch(name.strip()) or len(words) == 1 and len(name) < 3:
            return False
        return True

    def mint(self, name: str, acronyms: tuple[str, ...] = (), *, person: bool = False) -> URIRef:
        iri = self.iri_for(name)
        if iri not in self.created:
            if self.earlier and self.index.in_graph(iri):
                # An earlier import of PA-X added it: the same name is the same actor, and
                # keeps the name it was added with (another spelling is no second label).
                return self._add_acronyms(iri, acronyms)
            self.created.add(iri)
            if person or not _org_like(name) and (HONORIFIC.match(name) or is_person_name(name)):
                types = [_T["Person"]]
            elif INTERNATIONAL_WORDS.search(name):
                types = [_T["InternationalOrganisation"]]
            elif re.search(r"\bminist(?:ry|er)\b", name, re.I):
                types = [_T["GovernmentAgency"]]
            elif ARMED_WORDS.search(name):
                types = [_T["ArmedGroup"]]
            else:
                types = [CKG.Actor]
            self.index.mint(
                iri, name, types,
                comment="Named as a party of a peace agreement in PA-X version 6.",
            )  # fmt: skip
        return self._add_acronyms(iri, acronyms)

    def _add_acronyms(self, iri: URIRef, acronyms: tuple[str, ...]) -> URIRef:
        for acronym in acronyms:
            if self.known(acronym, own=False) is None:
                self.alt_labels.setdefault(iri, set()).add(acronym)
        return iri

    def resolve(self, name: str, acronyms: tuple[str, ...] = ()) -> _Found | None:
        """The actor ``name`` names, minted if it is clearly a name; None for text."""
        actor = self.known(name)
        if actor is None:
            for acronym in acronyms:
                actor = self.known(acronym, own=False)
                if actor is not None:
                    break
        if actor is not None:
            return _Found(actor, actor in self.created)
        if self.is_clear_name(name):
            return _Found(self.mint(name, acronyms), True)
        return None

    def office_holder_of(self, title: str, given: str | None) -> URIRef | None:
        """The state or organisation an office is held in: ``given``, or the actor the
        data knows named after an "of" of the title ("Minister of Foreign Affairs of the
        Russian Federation"); None if it names none."""
        if given:
            return self.known(given, own=False)
        for match in re.finditer(r"\s+(?:of|for|in)\s+(?:the\s+)?", title, re.I):
            actor = self.known(title[match.end() :], own=False)
            if actor is not None:
                return actor
        return None

    def office(self, text: str) -> URIRef | None:
        """The concept of ckg:Offices an office's text names."""
        for pattern, label in _OFFICE_PHRASES:
            if pattern.search(text) and label in self.offices:
                return self.offices[label]
        return None


CKG_OFFICES = URIRef(_O + "Offices")
_PAX = str(ID["pax-"])
# Words that name a kind of party, not a party: "Government" (of which side?), "Opposition".
_GENERIC = re.compile(
    r"(?:the )?(?:government|opposition|regime|army|rebels?|rebel groups|military|state|"
    r"authorities|civil society|community|communities|local council|council|committee)"
)


def _concepts(index: ActorIndex, scheme: URIRef) -> dict[str, URIRef]:
    """The concepts of ``scheme`` by every label and notation."""
    found: dict[str, URIRef] = {}
    for row in index.kg.select("concept-names", {"scheme": scheme}).rows:
        found.setdefault(str(row["name"]), URIRef(str(row["concept"])))
    return found


# PA-X's typos in names of states (its README: "United States of American").
_TYPOS = re.compile(r"(?<=States of )American$")


def _fold(name: str) -> str:
    """A name folded harder than kg.names.normalise for matching PA-X's spellings: apostrophes
    and brackets gone ("Hayʼat Tahrīr al-Shām" is "Hayat Tahrir Al Sham")."""
    return re.sub(r"[’'ʼ‘`\"“”()\[\]]", "", normalise(name)).strip()


def _org_like(name: str) -> bool:
    return bool(
        ARMED_WORDS.search(name)
        or INTERNATIONAL_WORDS.search(name)
        or ORGANISATION_WORDS.search(name)
    )


@dataclass(frozen=True)
class _Party:
    """One party of one agreement, resolved: an actor and its role, or text."""

    piece: Piece
    role: str
    actor: URIRef | None
    part: str  # the part of the piece that named it (the piece, or one of a list)
    column: str
    office: tuple[URIRef, URIRef, URIRef] | None = None  # (person, office, organisation)


def read_pax(
    path: Path,
    index: ActorIndex,
    *,
    conflict: str | None = None,
    process: str | None = None,
    sink: Callable[[Batch], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> PaxBatch:
    """Read the PA-X agreements file into agreements, peace processes, conflicts, party
    claims and new actors; with ``conflict`` (a country or entity of ``Con``, such as
    "Syria") or ``process`` (a ``PPName`` or ``PP`` id), only the agreements it names.

    Raises BadImport naming file, row and column for every bad cell (and for a filter that
    keeps no agreement, in the caller), DataLoadError when the file cannot be read.
    """
    table = open_table(path)
    problems = table.problems
    header = Row(1, 1, {})
    for column in REQUIRED_COLUMNS:
        if column not in table.columns:
            problems.add(
                header, column, "the header has no such column (is this the PA-X agreements file?)"
            )
    problems.raise_if_any()
    source = dataset_source()
    batch = PaxBatch(path, sources={source.iri: source}, sink=sink, progress=progress)
    parties = _Parties(index, batch.parties)
    stages = _concepts(index, URIRef(_O + "AgreementStages"))
    types = _concepts(index, URIRef(_O + "AgreementTypes"))
    seen: dict[int, int] = {}
    for row in table.rows():
        batch.row_read()
        cells = row.cells
        if not _kept(cells, conflict, process):
            batch.skipped += 1
            continue
        before = problems.count
        agt_id = read_integer(cells["AgtId"].strip())
        if agt_id is None:
            problems.add(row, "AgtId", f"{cells['AgtId'].strip()!r} is not a whole number")
        elif agt_id in seen:
            problems.add(row, "AgtId", f"id {agt_id} is also the id of row {seen[agt_id]}")
        else:
            seen[agt_id] = row.number
        day = read_period(cells["Dat"].strip())
        if day is None or day.precision is not Precision.DAY:
            problems.add(row, "Dat", f"{cells['Dat'].strip()!r} is not a date (YYYY-MM-DD)")
        name = plain(cells["Agt"])
        if not name:
            problems.add(row, "Agt", "is empty; the agreement needs a name")
        stage = stages.get(cells["Stage"].strip())
        if stage is None:
            problems.add(row, "Stage", f"{cells['Stage'].strip()!r} is no stage of PA-X")
        kind = types.get(cells["Agtp"].strip())
        if kind is None:
            problems.add(row, "Agtp", f"{cells['Agtp'].strip()!r} is no agreement type of PA-X")
        pp = read_integer(cells["PP"].strip())
        if pp is None:
            problems.add(row, "PP", f"{cells['PP'].strip()!r} is not a whole number")
        if problems.count > before or problems.full:
            continue
        assert agt_id is not None and day is not None and pp is not None
        assert stage is not None and kind is not None
        _read_agreement(batch, parties, row, agt_id, day, name, stage, kind, pp, source)
        if batch.full():
            batch.flush()
    problems.raise_if_any()
    for iri, names in parties.alt_labels.items():
        batch.add_entity(
            EntityRecord(iri, (), None, tuple((SKOS.altLabel, Literal(n, lang="en"))
                                              for n in sorted(names)))
        )  # fmt: skip
    return index.finish(batch, PUBLISHER, PUBLISHER_NAME)


def _kept(cells: dict[str, str], conflict: str | None, process: str | None) -> bool:
    if conflict is not None:
        wanted = normalise(conflict)
        entities = {normalise(c) for c in cells["Con"].split("/")}
        if wanted not in entities and wanted != normalise(cells["Con"]):
            return False
    if process is not None:
        wanted = normalise(process)
        if wanted not in (normalise(cells["PPName"]), normalise(cells["PP"])):
            return False
    return True


def _read_agreement(
    batch: PaxBatch,
    parties: _Parties,
    row: Row,
    agt_id: int,
    day: TimePoint,
    name: str,
    stage: URIRef,
    kind: URIRef,
    pp: int,
    source: SourceRecord,
) -> None:
    cells = row.cells
    index = parties.index
    own = agreement_iri(agt_id)
    agreement = index.canonical(own)
    merged = agreement != own
    batch.parties.agreements += 1
    props: list[tuple[URIRef, URIRef | Literal]] = [
        (CKG.paxId, Literal(agt_id, datatype=XSD.integer)),
        (CKG.agreementStage, stage),
        (CKG.agreementType, kind),
        (CKG.signingStatus, Literal(plain(cells["Status"]))),
        (CKG.peaceProcess, process_iri(pp)),
    ]
    if merged:
        # The agreement the data has keeps its own name and date: PA-X's are other names
        # and the day, on the claims.
        props.append((SKOS.altLabel, Literal(name, lang="en")))
        batch.parties.merged.append((agt_id, str(agreement)))
    else:
        props += [
            (DCTERMS.date, Literal(day.first.isoformat(), datatype=XSD.date)),
            (CKG.datePrecision, TIME.unitDay),
        ]
    ucdp_agreement = read_integer(cells.get("UcdpAgr", "").strip())
    if ucdp_agreement is not None:
        props.append((CKG.ucdpAgreementId, Literal(ucdp_agreement, datatype=XSD.integer)))
    conflicts = []
    for text in re.split(r"[,;/ ]+", cells.get("UcdpCon", "")):
        number = read_integer(text)
        if number is not None:
            conflicts.append(conflict_iri(number))
            # Named as ESD names a conflict it knows no place of; the UCDP conflicts
            # import gives it its name.
            batch.add_entity(conflict_entity(number, f"UCDP conflict {number}", None))
            props.append((CKG.conflict, conflict_iri(number)))
    for gw_column, iso_column in (("Loc1GWNO", "Loc1ISO"), ("Loc2GWNO", "Loc2ISO")):
        state = parties.states.located(cells.get(gw_column, ""), cells.get(iso_column, ""))
        if state is not None:
            props.append((CKG.locationState, state))
    batch.add_entity(
        EntityRecord(
            process_iri(pp),
            (_T["PeaceProcess"],),
            plain(cells["PPName"]) or f"PA-X peace process {pp}",
            ((CKG.paxProcessId, Literal(pp, datatype=XSD.integer)),),
        )
    )
    found = _parties_of(parties, cells)
    texts = []
    claims: dict[tuple[str, URIRef], _Party] = {}
    for party in found:
        if party.actor is None:
            texts.append(party.part)
            continue
        claims.setdefault((party.role, party.actor), party)
    for text in dict.fromkeys(texts):
        props.append((CKG.unresolvedParty, Literal(text)))
    types = (_T["Ceasefire"],) if stage == URIRef(_O + "CeasefireStage") else (_T["Agreement"],)
    batch.add_entity(
        EntityRecord(agreement, () if merged else types, None if merged else name, tuple(props))
    )
    extra: Properties = tuple((CKG.conflict, c) for c in conflicts)
    for (role, actor), party in claims.items():
        cls, from_role = _ROLE_CLASS[role]
        verb = ROLES[role][1]
        local = str(actor).rsplit("/", 1)[-1]
        batch.claims.append(
            ClaimRecord(
                iri=ID[f"pax-{agt_id}-{ROLES[role][0]}-{slug(local)}"],
                kind=cls,
                from_role=from_role,
                to_role=_T["agreement"],
                subject=actor,
                object=agreement,
                status=CKG.Asserted,
                source=source.iri,
                origin=Origin(row.number, row.line, {str(from_role): party.column}),
                start=day,
                quote=party.piece.text,
                label=f"{index.label(actor)} {verb} {name} (PA-X {agt_id})",
                record_id=str(agt_id),
                extra=extra,
            )
        )
        if party.office is not None:
            person, office, organisation = party.office
            batch.claims.append(
                ClaimRecord(
                    iri=ID[f"pax-{agt_id}-office-{slug(local)}"],
                    kind=_T["OfficeClaim"],
                    from_role=_T["holder"],
                    to_role=_T["organisation"],
                    subject=person,
                    object=organisation,
                    status=CKG.Asserted,
                    source=source.iri,
                    origin=Origin(row.number, row.line, {str(_T["holder"]): party.column}),
                    start=day,
                    quote=party.piece.text,
                    label=f"{index.label(person)} holds an office in {index.label(organisation)}"
                    f" (PA-X {agt_id})",
                    record_id=str(agt_id),
                    extra=((_T["office"], office),),
                )
            )


def _parties_of(parties: _Parties, cells: dict[str, str]) -> list[_Party]:
    found: list[_Party] = []
    for column, pieces in (
        ("Part", signatory_pieces(cells["Part"])),
        ("ThrdPart", third_party_pieces(cells["ThrdPart"])),
    ):
        for piece in pieces:
            found.extend(_resolve_piece(parties, piece, column))
    return found


def _resolve_piece(parties: _Parties, piece: Piece, column: str) -> list[_Party]:
    counts = parties.counts
    if piece.office is not None and piece.person:
        # A person named by an office: the person is the party, holding the office.
        person = parties.known(piece.person)
        new = person is None or person in parties.created
        if person is None:
            person = parties.mint(piece.person, person=True)
        organisation = parties.office_holder_of(piece.office, piece.office_of)
        office = parties.office(piece.office)
        held = None
        if organisation is not None and office is not None:
            held = (person, office, organisation)
        if new:
            counts.minted += 1
        else:
            counts.known += 1
        return [_Party(piece, piece.role, person, piece.text, column, held)]
    whole = parties.known(piece.name) if piece.name else None
    names = [piece.name] if whole is not None or not piece.name else _split(parties, piece.name)
    out = []
    for name in names:
        found = parties.resolve(name, piece.acronyms if len(names) == 1 else ())
        if found is None:
            counts.text += 1
            shown = piece.text if len(names) == 1 else name
            out.append(_Party(piece, piece.role, None, plain(shown), column))
            continue
        if found.new:
            counts.minted += 1
        else:
            counts.known += 1
        out.append(_Party(piece, piece.role, found.actor, name, column))
    return out


def parties_named(parties: _Parties, parts: list[str]) -> list[bool]:
    """For each part, whether it names an actor of the data (not one an import of PA-X
    added) or is plainly a group."""
    found = []
    for part in parts:
        found.append(_org_like(part) or parties.known(part, own=False) is not None)
    return found


def _split(parties: _Parties, name: str) -> list[str]:
    """A list of parties in one piece, where its parts are names (most of them known
    actors, states or plainly groups); else the piece whole."""
    parts = list_parts(name, lambda part: parties.known(part, own=False) is not None)
    if len(parts) < 2:
        return parts
    # Not by the actors an import of PA-X added: a second import would cut otherwise.
    good = [p for p in parties_named(parties, parts) if p]
    if 2 * len(good) > len(parts):
        return parts
    return [name]


@dataclass
class PaxImportResult:
    """What ``kg import pax`` did: the import's numbers, and how its party strings read."""

    result: ImportResult
    parties: PartyCounts

    def counts(self) -> list[dict[str, Any]]:
        """The numbers as rows of (what, count), for a table."""
        p = self.parties
        return [
            {"what": "agreements", "count": p.agreements},
            {"what": "party strings", "count": p.total},
            {"what": "  named an actor the data has", "count": p.known},
            {"what": "  named a new actor", "count": p.minted},
            {"what": "  kept as text (no actor)", "count": p.text},
        ]

    def render(self, fmt: str) -> str:
        """The import's summary, then how the party strings read (and merged agreements)."""
        if fmt == "json":
            return document(self.as_dict())
        text = self.result.render(fmt)
        text += output.render(self.counts(), ["what", "count"], "table")
        for agt_id, iri in self.parties.merged:
            text += f"PA-X {agt_id} is {compact(iri)} of the data (data/agreement-aliases.ttl)\n"
        return text

    def as_dict(self) -> dict[str, Any]:
        """Every field, as JSON would show it."""
        p = self.parties
        return {
            **self.result.as_dict(),
            "agreements": p.agreements,
            "party_strings": {"total": p.total, "known_actor": p.known,
                              "new_actor": p.minted, "text": p.text},
            "merged_agreements": [{"pax_id": a, "agreement": iri} for a, iri in p.merged],
        }  # fmt: skip


def import_pax(
    path: Path,
    output_path: Path | None = None,
    *,
    store: Path | StoreSpec | None = None,
    data: Sequence[Path] = (),
    add: Sequence[Path] = (),
    conflict: str | None = None,
    process: str | None = None,
    allow_network: bool = False,
    wait: float = LOCK_WAIT,
    progress: Callable[[int], None] | None = None,
    stage: Callable[[str], None] | None = None,
) -> PaxImportResult:
    """Import the PA-X agreements file into the file ``output_path`` or the store
    ``store``, as :func:`kg.importers.import_esd` does (all or nothing); ``conflict``
    ("Syria") or ``process`` (a peace process's name or id) imports only their agreements.
    Raises BadImport when a filter keeps no agreement, and as import_esd does otherwise.
    """
    from kg.importers import run, target_for

    target = target_for(output_path, store, data=data, add=add, wait=wait)
    read: list[PaxBatch] = []

    def reader(
        index: ActorIndex, sink: Callable[[Batch], None], told: Callable[[int], None] | None
    ) -> Batch:
        batch = read_pax(
            Path(path), index, conflict=conflict, process=process, sink=sink, progress=told
        )
        wanted = " and ".join(
            f"{name} {value!r}" for name, value in (("--conflict", conflict),
                                                     ("--process", process)) if value
        )  # fmt: skip
        if wanted and not batch.parties.agreements:  # a file of no rows: run() says so
            raise BadImport(
                f"{path}: no agreement matches {wanted}: {batch.rows} row(s) read; nothing "
                "was written"
            )
        read.append(batch)
        return batch

    result = run(target, reader, allow_network=allow_network, progress=progress, stage=stage)
    return PaxImportResult(result, read[0].parties)


__all__ = [
    "COVERAGE",
    "PaxImportResult",
    "import_pax",
    "PaxBatch",
    "PartyCounts",
    "agreement_iri",
    "conflict_iri",
    "dataset_source",
    "process_iri",
    "read_pax",
]
