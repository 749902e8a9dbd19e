"""Synthetic instance data for benchmarks: a conflict knowledge graph of any size, in N-Triples.

    .venv/bin/python bench/synthetic.py --triples 1000000 [--seed 1] -o synthetic-1m.nt

or, from Python, ``generate(triples, out, seed)``, which returns figures (triples written,
actors, claims, the label of the top recipient of support, ...). The CLI prints them with
the seconds taken and the peak memory of the process.

The data is modelled like the bundled Astana data (``data/*.ttl``) and conforms to the
shapes: actors of every actor class of the ontology, with ``rdfs:label``, ``skos:altLabel``
and ``rdfs:comment``, governments, agencies and delegations tied to their states; places;
peace processes with numbered rounds and meetings, military events, agreements of every
kind; news articles (title, publisher, date with precision) and dataset releases in the
manner of the UCDP ESD import (with ``ckg:recordId``, coalition and both-sides flags, and
no-known-support records); and claims of every claim class, each with one source, a quote,
a status (asserted, alleged, denied, ended) and, where the source gives them, a start and
an end known to the day, month or year. Some claims restate an earlier claim from another
source: most agree, some give another start, say it has ended or goes on, or deny it.

Actor degrees follow a Zipf-like law: each actor anchors one claim of its own (media outlets
and research organisations publish instead), and the other parties of every claim are
drawn with probability proportional to 1/rank, so that a few hubs are in thousands of
claims and most actors in one or two. Actors are called
``ck:synthetic-actor-N`` with ``rdfs:label "Synthetic Actor N"@en`` (N = rank, 1 the
largest hub), so that benchmark queries can name them; the names a text would use are
their ``skos:altLabel``s. Actor 1 is always the actor with the most support claims as
recipient.

The file is written as it is generated (memory does not grow with its size), through a
temporary file renamed over the target at the end. The same size and seed give the same
bytes. The number of triples is within 1% of the size asked for (at least 1,000).
"""

from __future__ import annotations

import argparse
import bisect
import json
import os
import random
import resource
import sys
import tempfile
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, TextIO

MIN_TRIPLES = 1_000

CK = "https://w3id.org/conflict-kg/id/"
CKG = "https://w3id.org/conflict-kg/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"
TIME = "http://www.w3.org/2006/time#"


def ck(local: str) -> str:
    """An IRI of the instance data, written as N-Triples."""
    return f"<{CK}{local}>"


def ckg(local: str) -> str:
    """An IRI of the ontology, written as N-Triples."""
    return f"<{CKG}{local}>"


TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
COMMENT = "<http://www.w3.org/2000/01/rdf-schema#comment>"
ALT_LABEL = "<http://www.w3.org/2004/02/skos/core#altLabel>"
TITLE = "<http://purl.org/dc/terms/title>"
DATE = "<http://purl.org/dc/terms/date>"
PUBLISHER = "<http://purl.org/dc/terms/publisher>"
LANGUAGE = "<http://purl.org/dc/terms/language>"
CITATION = "<http://purl.org/dc/terms/bibliographicCitation>"
VERSION = "<https://schema.org/version>"
SUPER_EVENT = "<https://schema.org/superEvent>"
DERIVED_FROM = "<http://www.w3.org/ns/prov#wasDerivedFrom>"
PRIMARY_SOURCE = "<http://www.w3.org/ns/prov#hadPrimarySource>"

# Precisions (OWL-Time units) by the name used here.
DAY, MONTH, YEAR = "day", "month", "year"
UNIT = {DAY: f"<{TIME}unitDay>", MONTH: f"<{TIME}unitMonth>", YEAR: f"<{TIME}unitYear>"}

ASSERTED, ALLEGED, DENIED, ENDED = (ckg(s) for s in ("Asserted", "Alleged", "Denied", "Ended"))

# The actor classes of the ontology, with how many of each a graph of A actors has. States,
# organisations, outlets and research organisations are capped (there are only so many
# states); the rest of the actors are shared out by the weights of the long tail.
CAPPED = {
    "State": (0.08, 2, 200),
    "Government": (0.03, 1, 80),
    "GovernmentAgency": (0.05, 1, 400),
    "InternationalOrganisation": (0.02, 1, 60),
    "MediaOutlet": (0.03, 2, 300),
    "ResearchOrganisation": (0.004, 1, 12),
}
TAIL = {
    "Person": 0.40,
    "Delegation": 0.12,
    "RebelGroup": 0.20,
    "Militia": 0.12,
    "ArmedGroup": 0.08,
    "DesignatedTerroristGroup": 0.08,
}
# How far up the ranking each class tends to come (smaller: more often a hub).
PROMINENCE = {
    "State": 0.25,
    "InternationalOrganisation": 0.3,
    "Government": 0.35,
    "RebelGroup": 0.5,
    "DesignatedTerroristGroup": 0.6,
    "Militia": 0.7,
    "ArmedGroup": 0.7,
    "GovernmentAgency": 0.9,
    "MediaOutlet": 1.0,
    "Person": 1.0,
    "Delegation": 1.0,
    "ResearchOrganisation": 1.0,
}
CLASS_LABEL = {
    "State": "state",
    "Government": "government",
    "GovernmentAgency": "government agency",
    "Delegation": "delegation",
    "Person": "person",
    "InternationalOrganisation": "international organisation",
    "ArmedGroup": "armed group",
    "RebelGroup": "rebel group",
    "Militia": "militia",
    "DesignatedTerroristGroup": "designated terrorist group",
    "MediaOutlet": "media outlet",
    "ResearchOrganisation": "research organisation",
}

# Who can fill which role, by actor class.
ARMED = ("RebelGroup", "Militia", "ArmedGroup", "DesignatedTerroristGroup")
ROLE_CLASSES: dict[str, tuple[str, ...]] = {
    "backer": ("State", "Government", "InternationalOrganisation", "ArmedGroup"),
    "recipient": ("RebelGroup", "Militia", "ArmedGroup", "Government", "DesignatedTerroristGroup"),
    "against": ("Government", "State", *ARMED),
    "ally": ("State", "Government", "RebelGroup", "Militia", "ArmedGroup"),
    "adversary": ("State", "Government", *ARMED),
    "mediator": ("State", "InternationalOrganisation"),
    "host": ("State", "InternationalOrganisation", "Government"),
    "guarantor": ("State", "InternationalOrganisation"),
    "witness": ("State", "InternationalOrganisation"),
    "signatory": ("State", "Government", "RebelGroup", "Militia", "ArmedGroup"),
    "participant": (
        "Delegation",
        "Person",
        "State",
        "Government",
        "RebelGroup",
        "Militia",
        "InternationalOrganisation",
    ),
    "person": ("Person",),
    "principal": ("State", "InternationalOrganisation", "Government", "RebelGroup"),
    "organisation": ("State", "Government", "InternationalOrganisation", "RebelGroup"),
    "attribution": ("GovernmentAgency", "Person", "InternationalOrganisation", "Government"),
    "delegator": ("State", "Government", "RebelGroup", "InternationalOrganisation"),
    "outlet": ("MediaOutlet",),
    "research": ("ResearchOrganisation",),
}

# The claim classes, the verb of their IRIs, and how often a claim is of each.
CLAIM_VERBS = {
    "SupportClaim": "backs",
    "OppositionClaim": "opposes",
    "AllianceClaim": "allied-with",
    "ParticipationClaim": "participates-in",
    "OfficeClaim": "office-in",
    "EnvoyClaim": "envoy-of",
    "MediationClaim": "mediates",
    "HostingClaim": "hosts",
    "GuaranteeClaim": "guarantees",
    "SignatoryClaim": "signs",
    "WitnessClaim": "witnesses",
    "AgreementMediationClaim": "mediates-agreement",
}
CLAIM_CLASSES = list(CLAIM_VERBS)
# What another source says of a relation already stated: the same, another start, that it has
# ended, that it goes on, or a denial; how often each.
# The claims that tie an actor to an agreement: the role property, the pool the actor is
# drawn from, and the verb of the claim's label.
AGREEMENT_ROLES = {
    "GuaranteeClaim": ("guarantor", "guarantor", "guarantees"),
    "SignatoryClaim": ("signatory", "signatory", "signed"),
    "WitnessClaim": ("witness", "witness", "witnessed"),
    "AgreementMediationClaim": ("mediator", "mediator", "mediated"),
}
RESTATEMENTS = ("agree", "start", "ended", "goes on", "denied")
RESTATEMENT_WEIGHTS = (40, 20, 15, 10, 15)
CLAIM_WEIGHTS = (28, 14, 8, 20, 8, 5, 6, 3, 3, 5, 1, 1)
# The claims an actor of each class anchors: (claim class, the role it takes).
ANCHORED: dict[str, tuple[tuple[str, str], ...]] = {
    "State": (
        ("SupportClaim", "backer"),
        ("SupportClaim", "backer"),
        ("AllianceClaim", "ally"),
        ("OppositionClaim", "adversary"),
        ("MediationClaim", "mediator"),
        ("HostingClaim", "host"),
        ("GuaranteeClaim", "guarantor"),
        ("SignatoryClaim", "signatory"),
    ),
    "Government": (
        ("SupportClaim", "recipient"),
        ("AllianceClaim", "ally"),
        ("OppositionClaim", "adversary"),
        ("SignatoryClaim", "signatory"),
    ),
    "GovernmentAgency": (("SupportClaim", "via"),),
    "Delegation": (("ParticipationClaim", "participant"),),
    "Person": (
        ("OfficeClaim", "person"),
        ("OfficeClaim", "person"),
        ("EnvoyClaim", "person"),
        ("ParticipationClaim", "participant"),
    ),
    "InternationalOrganisation": (
        ("MediationClaim", "mediator"),
        ("HostingClaim", "host"),
        ("GuaranteeClaim", "guarantor"),
        ("SupportClaim", "backer"),
    ),
    "ArmedGroup": (
        ("SupportClaim", "backer"),
        ("SupportClaim", "recipient"),
        ("OppositionClaim", "adversary"),
        ("AllianceClaim", "ally"),
    ),
    "RebelGroup": (
        ("SupportClaim", "recipient"),
        ("SupportClaim", "recipient"),
        ("OppositionClaim", "adversary"),
        ("SignatoryClaim", "signatory"),
        ("ParticipationClaim", "participant"),
    ),
    "Militia": (
        ("SupportClaim", "recipient"),
        ("OppositionClaim", "adversary"),
        ("AllianceClaim", "ally"),
    ),
    "DesignatedTerroristGroup": (
        ("OppositionClaim", "adversary"),
        ("SupportClaim", "recipient"),
    ),
}

# Kinds of support: (concept, ESD letter or "", weight, words for a quote).
SUPPORT_KINDS = (
    ("UnspecifiedSupport", "U", 25, "support"),
    ("WeaponsSupport", "W", 15, "weapons and ammunition"),
    ("FundingSupport", "F", 12, "funding"),
    ("TrainingSupport", "T", 10, "military training"),
    ("TroopsSupport", "X", 8, "troops"),
    ("MaterielSupport", "M", 8, "vehicles and logistics"),
    ("PoliticalSupport", "", 8, "political backing"),
    ("IntelligenceSupport", "I", 5, "intelligence"),
    ("OtherSupport", "O", 3, "assistance"),
    ("InfrastructureSupport", "P", 2, "access to its bases"),
    ("JointOperationsSupport", "Y", 2, "joint operations"),
    ("TerritorySupport", "L", 2, "sanctuary on its territory"),
)
SUPPORT_WEIGHTS = tuple(k[2] for k in SUPPORT_KINDS)
AGENCIES = (
    "Foreign Ministry",
    "Defence Ministry",
    "Intelligence Service",
    "Interior Ministry",
    "General Staff",
    "Border Guard",
)
AGREEMENT_KINDS = (
    ("Ceasefire", "ceasefire"),
    ("DeEscalationAgreement", "de-escalation memorandum"),
    ("Initiative", "congress initiative"),
)
OFFICES = (
    ("HeadOfState", "President"),
    ("ForeignMinister", "Foreign Minister"),
    ("DefenceMinister", "Defence Minister"),
    ("Minister", "Interior Minister"),
    ("Ambassador", "Ambassador"),
    ("Adviser", "Adviser"),
    ("SpecialEnvoy", "Special Envoy"),
)

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
FIRST_NAMES = (
    "Amir", "Sergei", "Fatima", "John", "Leila", "Omar", "Anna", "Mehmet", "Nadia", "Pierre",
    "Yusuf", "Olga", "Hassan", "Maria", "Ibrahim", "Elena", "Khalid", "Sofia", "Ahmad", "Irina",
    "José", "Jürgen", "Zoë", "Émile", "Şükrü", "Aïcha", "Bashir", "Catherine", "Dmitri", "Farah",
)  # fmt: skip
SYLLABLES = (
    "ka", "ra", "ve", "lo", "mi", "ta", "sa", "na", "do", "ri", "be", "zu", "el", "an", "or",
    "is", "ul", "ha", "ne", "ko", "ma", "te", "li", "ar", "qu", "so", "di", "fa", "go", "ya",
    "za", "ju",
)  # fmt: skip
ARABIC = dict(zip("abcdefghijklmnopqrstuvwxyz", "ابكديفغهيجكلمنوبقرستوفوكيز", strict=True))

ORDINALS = ("", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
            "ninth", "tenth")  # fmt: skip
FIRST_DAY, LAST_DAY = date(1990, 1, 1), date(2024, 12, 31)

Point = tuple[date, str]  # a date with its precision: the first day of the period


def word(n: int, salt: int) -> str:
    """A pronounceable capitalised word, different for each ``n`` under one ``salt``."""
    k = 3
    while len(SYLLABLES) ** k <= n:
        k += 1
    size = len(SYLLABLES) ** k
    # An odd multiplier modulo a power of two is a bijection: no two n share a word.
    x = (n * 0x9E3779B1 + salt * 0x85EBCA77) % size
    syllables = []
    for _ in range(k):
        syllables.append(SYLLABLES[x % len(SYLLABLES)])
        x //= len(SYLLABLES)
    return "".join(syllables).capitalize()


def arabic(name: str) -> str:
    """The name spelled in Arabic letters, as a text in Arabic would print it (roughly)."""
    return "".join(ARABIC.get(c, c) for c in name.lower())


def acronym(name: str) -> str:
    """FVA for "Free Velomi Army"."""
    return "".join(w[0] for w in name.split() if w[0].isupper())


_ESCAPES = {ord("\\"): "\\\\", ord('"'): '\\"', ord("\n"): "\\n", ord("\r"): "\\r"}
_ESCAPES.update({c: f"\\u{c:04X}" for c in range(0x20) if c not in _ESCAPES})
_ESCAPES[0x7F] = "\\u007F"


def text(value: str, lang: str | None = None) -> str:
    """A string literal in N-Triples, with a language tag if given."""
    quoted = '"' + value.translate(_ESCAPES) + '"'
    return f"{quoted}@{lang}" if lang else quoted


def typed(value: str, datatype: str) -> str:
    """A typed literal (``datatype`` is the local name of an XSD type)."""
    return f'"{value}"^^<{XSD}{datatype}>'


def in_words(point: Point, preposition: bool = False) -> str:
    """14 March 2013, March 2013 or 2013, as a text gives the date; with its preposition,
    on 14 March 2013, in March 2013 or in 2013."""
    day, precision = point
    if precision == DAY:
        return ("on " if preposition else "") + f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    words = f"{MONTHS[day.month - 1]} {day.year}" if precision == MONTH else str(day.year)
    return ("in " if preposition else "") + words


def truncate(day: date, precision: str) -> Point:
    """The first day of the day, month or year that ``day`` falls in."""
    if precision == MONTH:
        return day.replace(day=1), precision
    if precision == YEAR:
        return date(day.year, 1, 1), precision
    return day, precision


@dataclass(slots=True)
class Actor:
    rank: int
    cls: str
    name: str
    parent: int | None = None
    alt: list[tuple[str, str]] = field(default_factory=list)
    agencies: list[int] = field(default_factory=list)
    places: list[int] = field(default_factory=list)
    delegations: int = 0

    @property
    def iri(self) -> str:
        return ck(f"synthetic-actor-{self.rank}")

    @property
    def label(self) -> str:
        return f"Synthetic Actor {self.rank}"


@dataclass(slots=True)
class Place:
    number: int
    name: str
    state: int

    @property
    def iri(self) -> str:
        return ck(f"synthetic-place-{self.number}")


@dataclass(slots=True)
class Talks:
    iri: str
    name: str  # the label
    spoken: str  # as a sentence names them: "the third round of the Velomi talks"
    place: Place
    start: Point | None


@dataclass(slots=True)
class Agreement:
    iri: str
    name: str
    start: Point  # the date of the agreement


@dataclass(slots=True)
class Relation:
    """A support, alliance or opposition claim as stated, kept to be restated by another source."""

    cls: str
    first: int
    second: int
    kinds: tuple[int, ...]
    against: int | None
    start: Point | None
    end: Point | None
    status: str
    source: int
    via: int | None = None


@dataclass(slots=True)
class Claim:
    """The claim being built: its IRI, class and source."""

    iri: str
    cls: str
    source: str
    article: int
    published: Point


@dataclass(slots=True)
class Built:
    """A claim (or record) built but not yet written, with what it adds to the figures."""

    lines: Lines
    cls: str
    status: str
    headline: str
    recipient: int | None = None
    relation: Relation | None = None
    restated: bool = False


class ZipfPool:
    """Draws items with probability proportional to 1/rank**exponent."""

    def __init__(self, items: Sequence[int], ranks: Sequence[int], exponent: float) -> None:
        self.items = list(items)
        self.cumulative: list[float] = []
        total = 0.0
        for rank in ranks:
            total += rank**-exponent
            self.cumulative.append(total)
        self.total = total

    def draw(self, rng: random.Random) -> int:
        return self.items[bisect.bisect_right(self.cumulative, rng.random() * self.total)]

    def draw_other(self, rng: random.Random, *taken: int | None) -> int | None:
        """A draw that is none of ``taken``, or None if the pool holds nothing else."""
        for _ in range(64):
            item = self.draw(rng)
            if item not in taken:
                return item
        others = [item for item in self.items if item not in taken]
        return others[0] if others else None


class NTriples:
    """Lines of N-Triples written in large chunks; a unit of lines is kept or dropped whole."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.chunk: list[str] = []
        self.count = 0

    def write(self, lines: list[str]) -> None:
        self.chunk.extend(lines)
        self.count += len(lines)
        if len(self.chunk) >= 50_000:
            self.flush()

    def flush(self) -> None:
        self.stream.write("".join(self.chunk))
        self.chunk.clear()


class Lines(list[str]):
    """The triples of one unit (an actor, a claim, ...), built before they are written."""

    def add(self, subject: str, predicate: str, obj: str) -> None:
        self.append(f"{subject} {predicate} {obj} .\n")

    def point(self, subject: str, which: str, point: Point | None) -> None:
        """ckg:start (or ckg:end) with its precision."""
        if point is not None:
            self.add(subject, ckg(which), typed(point[0].isoformat(), "date"))
            self.add(subject, ckg(f"{which}Precision"), UNIT[point[1]])


class Generator:
    """One run: the fixed part (actors, places, talks, agreements) sized from the target,
    then articles and dataset releases with their claims until the target is reached."""

    EXPONENT = 1.05

    def __init__(self, triples: int, seed: int, out: NTriples) -> None:
        self.target = triples
        self.rng = random.Random(seed)
        self.out = out
        self.actors: list[Actor] = [Actor(0, "", "")]  # index = rank; 0 is a placeholder
        self.places: list[Place] = []
        self.talks: list[Talks] = []
        self.agreements: list[Agreement] = []
        self.pools: dict[str, ZipfPool] = {}
        self.claims: dict[str, int] = dict.fromkeys(CLAIM_VERBS, 0)
        self.statuses: dict[str, int] = {}
        self.received: dict[int, int] = {}  # support claims (not denied) per recipient
        self.history: deque[Relation] = deque(maxlen=4096)
        self.anchors: list[int] = []  # ranks, in the order they anchor a claim
        self.anchor_chance = 0.0
        self.articles = 0
        self.datasets = 0
        self.no_support = 0
        self.events = 0
        self.cursors: dict[str, int] = {}
        self.restated = 0
        self.done = False

    # ----------------------------------------------------------------- the fixed part

    def run(self) -> dict[str, Any]:
        rng = self.rng
        actors = max(24, round(self.target / 52))
        self._make_actors(actors)
        self._write_actors()
        self._make_places()
        self._make_talks(max(2, min(400, round(self.target / 12_000))))
        self.anchors = [a.rank for a in self.actors[1:] if a.cls in ANCHORED]
        rng.shuffle(self.anchors)
        # Spread the anchored claims over the run: the chance that a claim is anchored.
        expected_claims = max(1.0, (self.target - self.out.count) / 12.5)
        self.anchor_chance = min(1.0, len(self.anchors) / (0.85 * expected_claims))
        self._showcase()
        while not self.done:
            if rng.random() < 0.03:
                self._dataset()
            else:
                self._article()
        top = max(self.received, key=lambda r: (self.received[r], -r))
        return {
            "triples": self.out.count,
            "target": self.target,
            "actors": len(self.actors) - 1,
            "actors_by_class": self._count_classes(),
            "places": len(self.places),
            "talks": len(self.talks),
            "agreements": len(self.agreements),
            "articles": self.articles,
            "datasets": self.datasets,
            "claims": sum(self.claims.values()),
            "claims_by_class": dict(self.claims),
            "claims_by_status": {k.split("#")[1][:-1]: v for k, v in self.statuses.items()},
            "restated_claims": self.restated,
            "no_known_support_records": self.no_support,
            "top_recipient": self.actors[top].label,
            "top_recipient_iri": self.actors[top].iri[1:-1],
            "top_recipient_support_claims": self.received[top],
        }

    def _count_classes(self) -> dict[str, int]:
        found = dict.fromkeys(CLASS_LABEL, 0)
        for actor in self.actors[1:]:
            found[actor.cls] += 1
        return found

    def _make_actors(self, total: int) -> None:
        rng = self.rng
        counts = {
            cls: min(cap, max(low, round(share * total)))
            for cls, (share, low, cap) in CAPPED.items()
        }
        counts["Government"] = min(counts["Government"], counts["State"])
        rest = total - sum(counts.values())
        for cls, share in TAIL.items():
            counts[cls] = max(1, round(share * rest))
        # Actor 1, the largest recipient of support, is a rebel group (the "rebels" of a war).
        counts["RebelGroup"] -= 1
        tokens = [cls for cls, n in counts.items() for _ in range(n)]
        keyed = sorted((rng.random() * PROMINENCE[cls], i, cls) for i, cls in enumerate(tokens))
        classes = ["RebelGroup", *(cls for _k, _i, cls in keyed)]
        for rank, cls in enumerate(classes, start=1):
            self.actors.append(Actor(rank, cls, ""))
        by_class = self._by_class()
        for cls, members in by_class.items():
            self.pools[cls] = self._pool(members)
        for role, classes_of_role in ROLE_CLASSES.items():
            members = sorted(r for c in classes_of_role for r in by_class.get(c, []))
            self.pools[role] = self._pool(members)
        for actor in self.actors[1:]:
            self._name(actor)

    def _by_class(self) -> dict[str, list[int]]:
        found: dict[str, list[int]] = {}
        for actor in self.actors[1:]:
            found.setdefault(actor.cls, []).append(actor.rank)
        return found

    def _pool(self, members: Sequence[int]) -> ZipfPool:
        return ZipfPool(members, members, self.EXPONENT)

    def _draw(self, role: str, *taken: int | None) -> int | None:
        return self.pools[role].draw_other(self.rng, *taken)

    def _name(self, actor: Actor) -> None:
        """The names a text would use for the actor, and its parent where it has one."""
        rng, n, root = self.rng, actor.rank, word(actor.rank, 1)
        pick = rng.randrange(4)
        alt: list[tuple[str, str]] = []
        if actor.cls == "State":
            name = root + ("ia", "stan", "land", "a")[pick]
            alt = [(f"Republic of {name}", "en"), (arabic(name), "ar")]
        elif actor.cls == "Government":
            state = self._orphan_state()
            actor.parent = state
            name = f"{self.actors[state].name} government"
            alt = [(f"Government of {self.actors[state].name}", "en"), (word(state, 7), "en")]
        elif actor.cls == "GovernmentAgency":
            state = self.pools["State"].draw(rng)
            actor.parent = state
            owner = self.actors[state]
            body = AGENCIES[len(owner.agencies) % len(AGENCIES)]
            name = f"{owner.name} {body}"
            if len(owner.agencies) >= len(AGENCIES):
                name += f" ({root} directorate)"
            owner.agencies.append(n)
            alt = [(f"{body} of {owner.name}", "en"), (acronym(name), "en")]
        elif actor.cls == "Delegation":
            parent = self.pools["delegator"].draw(rng)
            actor.parent = parent
            owner = self.actors[parent]
            kind = ("", "military ", "technical ", "negotiating ", "humanitarian ", "expert ")
            qualifier = kind[owner.delegations] if owner.delegations < len(kind) else f"{n} "
            owner.delegations += 1
            name = f"{owner.name} {qualifier}delegation"
            alt = [(f"{qualifier}delegation from {owner.name}".strip(), "en")]
        elif actor.cls == "Person":
            surname = root + ("ov", "i", "ez", "an")[pick]
            first = FIRST_NAMES[rng.randrange(len(FIRST_NAMES))]
            name = f"{first} {surname}"
            alt = [(surname, "en"), (f"{first[0]}. {surname}", "en")]
            if rng.random() < 0.3:
                alt.append((arabic(name), "ar"))
        else:
            patterns = {
                "InternationalOrganisation": (
                    "{} Union", "Organisation of {} States", "{} Cooperation Council",
                    "League of {} Nations",
                ),
                "RebelGroup": (
                    "{} Liberation Front", "Free {} Army", "{} Revolutionary Movement",
                    "National Front for the Liberation of {}",
                ),
                "Militia": (
                    "{} Self-Defence Units", "{} Popular Guard", "{} Tribal Militia",
                    "{} Protection Forces",
                ),
                "ArmedGroup": ("{} Brigades", "Sons of {}", "{} Battalion", "{} Volunteers"),
                "DesignatedTerroristGroup": (
                    "{} Jihad Network", "Army of the {} Emirate", "{} Martyrs Brigade",
                    "Islamic Movement of {}",
                ),
                "MediaOutlet": ("{} News", "{} TV", "al-{}", "{} Press Agency"),
                "ResearchOrganisation": (
                    "{} Conflict Data Programme", "Institute for Peace Research {}",
                    "{} Centre for Security Studies", "{} Armed Conflict Observatory",
                ),
            }  # fmt: skip
            name = patterns[actor.cls][pick].format(root)
            alt = [(acronym(name), "en")]
            if actor.cls in ARMED and rng.random() < 0.4:
                alt.append((arabic(name), "ar"))
        actor.name = name
        actor.alt = [(name, "en"), *alt]

    def _orphan_state(self) -> int:
        """A state without a government of its own yet (the hubs first)."""
        taken = {a.parent for a in self.actors[1:] if a.cls == "Government" and a.parent}
        for rank in self.pools["State"].items:
            if rank not in taken:
                return rank
        return self.pools["State"].items[0]

    def _write_actors(self) -> None:
        for actor in self.actors[1:]:
            lines = Lines()
            s = actor.iri
            lines.add(s, TYPE, ckg(actor.cls))
            lines.add(s, LABEL, text(actor.label, "en"))
            for name, lang in dict.fromkeys(actor.alt):  # once each
                if len(name) > 1:
                    lines.add(s, ALT_LABEL, text(name, lang))
            what = CLASS_LABEL[actor.cls]
            comment = f"Synthetic {what} for benchmarks, called {actor.name} in the texts."
            if actor.parent is not None:
                link = {
                    "Government": "governmentOf",
                    "GovernmentAgency": "partOf",
                    "Delegation": "delegationOf",
                }[actor.cls]
                lines.add(s, ckg(link), self.actors[actor.parent].iri)
                comment += f" It belongs to {self.actors[actor.parent].name}."
            lines.add(s, COMMENT, text(comment, "en"))
            self.out.write(lines)

    def _make_places(self) -> None:
        rng = self.rng
        for state in self.pools["State"].items:
            owner = self.actors[state]
            territory = self._place(owner.name, state, None, [(f"territory of {owner.name}", "en")])
            for k in range(rng.randint(1, 3)):
                # The first city is the capital, whose name its government goes by too.
                city = word(state, 7) if k == 0 else word(len(self.places) + 1, 3)
                alt = [(f"{city} city", "en")]
                if rng.random() < 0.4:
                    alt.append((arabic(city), "ar"))
                self._place(city, state, territory, alt)

    def _place(
        self, name: str, state: int, within: Place | None, alt: list[tuple[str, str]]
    ) -> Place:
        place = Place(len(self.places) + 1, name, state)
        self.places.append(place)
        self.actors[state].places.append(place.number)
        lines = Lines()
        s = place.iri
        lines.add(s, TYPE, ckg("Place"))
        lines.add(s, LABEL, text(name, "en"))
        for other, lang in alt:
            lines.add(s, ALT_LABEL, text(other, lang))
        if within is not None:
            lines.add(s, ckg("locatedIn"), within.iri)
        lines.add(s, ckg("territoryOf"), self.actors[state].iri)
        self.out.write(lines)
        return place

    def _city(self, state: int) -> Place:
        numbers = self.actors[state].places
        cities = numbers[1:] or numbers
        return self.places[cities[self.rng.randrange(len(cities))] - 1]

    def _day(self, first: date, last: date) -> date:
        return date.fromordinal(self.rng.randint(first.toordinal(), max(first, last).toordinal()))

    def _recent(self, before: date, years: float) -> date:
        """A day before ``before``, ``years`` back on average (news is mostly of recent
        events, and there is more news of recent years), not before 1990."""
        back = min(int(self.rng.expovariate(1 / (years * 365))), 25 * 365)
        return max(FIRST_DAY, date.fromordinal(before.toordinal() - back))

    def _precision(self, day: float, month: float) -> str:
        roll = self.rng.random()
        return DAY if roll < day else MONTH if roll < day + month else YEAR

    def _make_talks(self, processes: int) -> None:
        """Peace processes with their rounds and meetings, military events, agreements, and
        the report each process is described in."""
        rng = self.rng
        for p in range(1, processes + 1):
            theatre = self.pools["State"].draw(rng)
            host = self.pools["host"].draw(rng)
            host_state = host if self.actors[host].cls == "State" else self.actors[host].parent
            venue = self._city(host_state or theatre)
            name = word(p, 5)
            report = ck(f"synthetic-report-{p}")
            publisher = self.pools["InternationalOrganisation"].draw(rng)
            started = truncate(self._day(date(1995, 1, 1), date(2021, 12, 31)), MONTH)
            iri = ck(f"synthetic-process-{p}")
            process = Talks(iri, f"{name} process", f"{name} talks", venue, started)
            self.talks.append(process)
            lines = Lines()
            s = process.iri
            lines.add(s, TYPE, ckg("PeaceProcess"))
            lines.add(s, LABEL, text(process.name, "en"))
            lines.add(s, ALT_LABEL, text(f"{name} talks", "en"))
            lines.add(s, ALT_LABEL, text(f"{name} peace talks", "en"))
            lines.add(
                s,
                COMMENT,
                text(f"Synthetic peace process on the war in {self.actors[theatre].name}.", "en"),
            )
            lines.point(s, "start", started)
            lines.add(s, ckg("place"), venue.iri)
            if rng.random() < 0.5:
                outcome = ("failed to achieve results", "a fragile truce", "no tangible progress")
                lines.add(s, ckg("outcome"), text(outcome[rng.randrange(3)]))
            lines.add(s, DERIVED_FROM, report)
            # The report the process and its rounds are derived from.
            lines.add(report, TYPE, ckg("SourceDocument"))
            lines.add(report, TITLE, text(f"Report on the {name} peace process", "en"))
            lines.add(report, PUBLISHER, self.actors[publisher].iri)
            published = self._day(date(2022, 1, 1), date(2024, 12, 31))
            lines.add(report, DATE, typed(published.isoformat(), "date"))
            lines.add(report, ckg("datePrecision"), UNIT[DAY])
            self.out.write(lines)
            day = started[0]
            rounds: list[Talks] = []
            for number in range(1, rng.randint(2, 10) + 1):
                day = self._day(
                    date.fromordinal(day.toordinal() + 30), date.fromordinal(day.toordinal() + 200)
                )
                if day > LAST_DAY and rounds:
                    break  # no rounds in the future
                rounds.append(self._round(process, name, number, day, report))
            for m in range(1, rng.randint(0, 2) + 1):
                self._meeting(process, rounds[rng.randrange(len(rounds))], p, m, report)
            for _ in range(rng.randint(1, 2)):
                self._battle(theatre, report)
            for k in range(rng.randint(1, 3)):
                self._agreement(p, k, theatre, rounds[rng.randrange(len(rounds))], report)

    def _round(self, process: Talks, name: str, number: int, day: date, report: str) -> Talks:
        rng = self.rng
        precision = DAY if rng.random() < 0.6 else MONTH
        start = truncate(day, precision)
        end = truncate(date.fromordinal(day.toordinal() + rng.randint(0, 3)), precision)
        place = process.place
        spoken = f"{ORDINALS[number]} round of the {name} talks"
        round_ = Talks(
            f"{process.iri[:-1]}-round-{number}>", f"{name} {number}", spoken, place, start
        )
        self.talks.append(round_)
        lines = Lines()
        s = round_.iri
        lines.add(s, TYPE, ckg("TalksRound"))
        lines.add(s, LABEL, text(round_.name, "en"))
        lines.add(s, ALT_LABEL, text(f"round {number} of the {name} talks", "en"))
        lines.add(s, ckg("partOfProcess"), process.iri)
        lines.add(s, ckg("roundNumber"), typed(str(number), "integer"))
        lines.point(s, "start", start)
        lines.point(s, "end", end)
        lines.add(s, ckg("place"), place.iri)
        if rng.random() < 0.4:
            topics = (
                "prisoner exchanges",
                "humanitarian corridors",
                "a new constitution",
                "buffer zones",
            )
            lines.add(s, ckg("topic"), text(topics[rng.randrange(len(topics))]))
        lines.add(s, DERIVED_FROM, report)
        self.out.write(lines)
        return round_

    def _meeting(self, process: Talks, within: Talks, p: int, m: int, report: str) -> None:
        meeting = Talks(
            ck(f"synthetic-meeting-{p}-{m}"),
            f"{process.name} expert meeting {m}",
            f"expert meeting of the {process.spoken}",
            within.place,
            within.start,
        )
        self.talks.append(meeting)
        lines = Lines()
        s = meeting.iri
        lines.add(s, TYPE, ckg("Meeting"))
        lines.add(s, LABEL, text(meeting.name, "en"))
        lines.add(s, ckg("partOfProcess"), process.iri)
        lines.add(s, SUPER_EVENT, within.iri)
        lines.point(s, "start", within.start)
        lines.add(s, ckg("place"), within.place.iri)
        lines.add(s, DERIVED_FROM, report)
        self.out.write(lines)

    def _battle(self, theatre: int, report: str) -> None:
        rng = self.rng
        city = self._city(theatre)
        self.events += 1
        kind = ("Battle of", "Siege of", "Offensive on", "Recapture of")[rng.randrange(4)]
        s = ck(f"synthetic-event-{self.events}")
        start = truncate(self._day(date(1995, 1, 1), date(2024, 6, 30)), MONTH)
        end = truncate(date.fromordinal(start[0].toordinal() + rng.randint(0, 400)), MONTH)
        lines = Lines()
        lines.add(s, TYPE, ckg("MilitaryEvent"))
        lines.add(s, LABEL, text(f"{kind} {city.name}", "en"))
        lines.point(s, "start", start)
        lines.point(s, "end", end)
        lines.add(s, ckg("place"), city.iri)
        if rng.random() < 0.5:
            lines.add(s, ckg("outcome"), text("a major victory against militants"))
        lines.add(s, DERIVED_FROM, report)
        self.out.write(lines)

    def _agreement(self, p: int, k: int, theatre: int, produced_by: Talks, report: str) -> None:
        rng = self.rng
        cls, kind = AGREEMENT_KINDS[(p + k) % len(AGREEMENT_KINDS)]
        where = self.actors[theatre].name
        start = produced_by.start or truncate(date(2010, 1, 1), YEAR)
        agreement = Agreement(
            ck(f"synthetic-agreement-{p}-{k + 1}"), f"{produced_by.name} {kind}", start
        )
        self.agreements.append(agreement)
        lines = Lines()
        s = agreement.iri
        lines.add(s, TYPE, ckg(cls))
        lines.add(s, LABEL, text(agreement.name, "en"))
        lines.add(s, ALT_LABEL, text(f"{kind} for {where}", "en"))
        if cls == "DeEscalationAgreement":
            lines.add(s, ckg("zoneCount"), typed(str(rng.randint(1, 6)), "integer"))
        lines.add(s, ckg("producedBy"), produced_by.iri)
        if rng.random() < 0.5:
            lines.add(s, ckg("proposedBy"), self.actors[self.pools["mediator"].draw(rng)].iri)
        lines.add(s, DATE, typed(start[0].isoformat(), "date"))
        lines.add(s, ckg("datePrecision"), UNIT[start[1]])
        lines.add(s, ckg("place"), self.places[self.actors[theatre].places[0] - 1].iri)
        lines.add(s, DERIVED_FROM, report)
        self.out.write(lines)

    # ----------------------------------------------------------------- claims

    def _status(self, relation: bool) -> str:
        roll = self.rng.random()
        asserted, alleged, ended = (0.78, 0.08, 0.11) if relation else (0.94, 0.02, 0.02)
        if roll < asserted:
            return ASSERTED
        if roll < asserted + alleged:
            return ALLEGED
        if roll < asserted + alleged + ended:
            return ENDED
        return DENIED

    def _span(self, status: str, published: Point) -> tuple[Point | None, Point | None]:
        """A start (two claims in three) and, for an ended claim, mostly an end, at most as
        late as the source's date; an end is never before the start."""
        rng, day = self.rng, published[0]
        start = None
        if status != DENIED and rng.random() < 0.7:
            start = truncate(self._recent(day, 3), self._precision(0.25, 0.40))
        end = None
        closed = status == ASSERTED and start is not None and rng.random() < 0.06
        if (status == ENDED and rng.random() < 0.85) or closed:
            first = start[0] if start else date.fromordinal(day.toordinal() - 10 * 365)
            end = truncate(self._day(first, day), self._precision(0.30, 0.45))
        return start, end

    def _kinds(self, esd: bool = False) -> tuple[int, ...]:
        rng = self.rng
        chosen: list[int] = []
        for _ in range(1 + (rng.random() < 0.3) + (rng.random() < 0.1)):
            k = rng.choices(range(len(SUPPORT_KINDS)), SUPPORT_WEIGHTS)[0]
            if esd and not SUPPORT_KINDS[k][1]:
                k = 0
            if k not in chosen:
                chosen.append(k)
        if len(chosen) > 1 and 0 in chosen:  # "unspecified" goes alone
            chosen.remove(0)
        return tuple(sorted(chosen))

    def _recipient(self, backer: int, counted: bool) -> int:
        """A recipient of support; actor 1 takes the draw that would tie it, so that it stays
        the largest recipient."""
        recipient = self._draw("recipient", backer) or 1
        top = self.received.get(1, 0)
        if (
            counted
            and recipient != 1
            and backer != 1
            and self.received.get(recipient, 0) + 1 >= top
        ):
            return 1
        return recipient

    def _would_tie(self, recipient: int) -> bool:
        return recipient != 1 and self.received.get(recipient, 0) + 1 >= self.received.get(1, 0)

    def _next_anchor(self) -> tuple[str, tuple[int, str]] | None:
        """The next actor that anchors a claim, if this claim is to be anchored: the class of
        the claim, and the actor with its role."""
        if not self.anchors or self.rng.random() >= self.anchor_chance:
            return None
        rank = self.anchors.pop()
        options = ANCHORED[self.actors[rank].cls]
        cls, role = options[self.rng.randrange(len(options))]
        return cls, (rank, role)

    def _publisher(self, role: str) -> int:
        """Each outlet (or research organisation) publishes once before any publishes twice."""
        pool = self.pools[role]
        cursor = self.cursors.get(role, 0)
        if cursor < len(pool.items):
            self.cursors[role] = cursor + 1
            return pool.items[cursor]
        return pool.draw(self.rng)

    def _article(
        self,
        plan: Sequence[tuple[str, str | None]] = (),
        restate: str = "",
        published: Point | None = None,
    ) -> None:
        """A news article and the claims it makes (a planned list, or drawn)."""
        rng = self.rng
        self.articles += 1
        number = self.articles
        if published is None:
            precision = DAY if rng.random() < 0.95 else MONTH
            published = truncate(self._recent(LAST_DAY, 6), precision)
        source = ck(f"synthetic-article-{number}")
        pending = Lines()
        size = len(plan) or min(20, 1 + int(rng.expovariate(1 / 6)))
        for index in range(1, size + 1):
            if plan:
                cls, status = plan[index - 1]
                built = self._claim(
                    cls, None, status, number, index, published, restate if index == 1 else ""
                )
            else:
                anchored = self._next_anchor()
                if anchored is not None:
                    cls, anchor = anchored
                    built = self._claim(cls, anchor, None, number, index, published, "")
                else:
                    cls = rng.choices(CLAIM_CLASSES, CLAIM_WEIGHTS)[0]
                    built = self._claim(cls, None, None, number, index, published, "")
            lines = built.lines
            if index == 1:
                lines = Lines(
                    self._article_lines(source, number, built.headline, published) + lines
                )
            if not self._fits(pending, lines):
                break
            pending.extend(lines)
            self._commit(built)
            if self.done:
                break
        self.out.write(pending)
        self.articles -= not pending  # the target was reached before its first claim

    def _article_lines(self, source: str, number: int, headline: str, published: Point) -> Lines:
        lines = Lines()
        lines.add(source, TYPE, ckg("NewsArticle"))
        lines.add(source, TITLE, text(headline, "en"))
        lines.add(source, PUBLISHER, self.actors[self._publisher("outlet")].iri)
        lines.add(source, DATE, typed(published[0].isoformat(), "date"))
        lines.add(source, ckg("datePrecision"), UNIT[published[1]])
        lines.add(source, LANGUAGE, text("en"))
        lines.add(
            source,
            COMMENT,
            text(f"Synthetic news article {number}, generated for benchmarks.", "en"),
        )
        return lines

    def _fits(self, pending: Sequence[str], lines: Sequence[str]) -> bool:
        """Whether to write one more unit; at the target, the nearer of the two totals wins."""
        remaining = self.target - self.out.count - len(pending)
        if len(lines) < remaining:
            return True
        self.done = True
        return len(lines) - remaining <= remaining

    def _commit(self, built: Built) -> None:
        if built.cls in CLAIM_VERBS:
            self.claims[built.cls] += 1
            self.statuses[built.status] = self.statuses.get(built.status, 0) + 1
        if built.recipient is not None:
            self.received[built.recipient] = self.received.get(built.recipient, 0) + 1
        if built.relation is not None:
            self.history.append(built.relation)
        self.restated += built.restated
        self.no_support += built.cls == "NoKnownSupport"

    def _claim(
        self,
        cls: str,
        anchor: tuple[int, str] | None,
        status: str | None,
        article: int,
        index: int,
        published: Point,
        restate: str,
    ) -> Built:
        iri = ck(f"claim-synthetic-{article}-{index}-{CLAIM_VERBS[cls]}")
        source = ck(f"synthetic-article-{article}")
        claim = Claim(iri, cls, source, article, published)
        if cls in ("SupportClaim", "AllianceClaim", "OppositionClaim"):
            return self._relation(claim, anchor, status, restate)
        if cls in ("MediationClaim", "HostingClaim", "ParticipationClaim"):
            return self._talks_claim(claim, anchor, status)
        if cls in AGREEMENT_ROLES:
            return self._agreement_claim(claim, anchor, status)
        return self._person_claim(claim, anchor, status)

    def _relation(
        self, claim: Claim, anchor: tuple[int, str] | None, status: str | None, restate: str
    ) -> Built:
        """A support, alliance or opposition claim: new, or another source's word on an old one."""
        rng = self.rng
        old = self._restatable(claim)
        if restate or (
            old is not None and anchor is None and status is None and rng.random() < 0.15
        ):
            if old is None:
                old = next(r for r in reversed(self.history) if self._could_restate(r, claim))
            relation = self._restated(old, claim, restate)
            if relation is not None:
                return self._write_relation(claim, relation, restated=True)
        status = status or self._status(True)
        start, end = self._span(status, claim.published)
        against = None
        role = anchor[1] if anchor else ""
        if claim.cls == "SupportClaim":
            via = None
            if role == "via":
                via = anchor[0] if anchor else None
                backer = self.actors[via].parent if via else None
                backer = backer or self.pools["backer"].draw(rng)
            else:
                backer = (
                    anchor[0] if anchor and role == "backer" else self.pools["backer"].draw(rng)
                )
            if anchor and role == "recipient" and anchor[0] != backer:
                recipient = anchor[0]
                if status != DENIED and self._would_tie(recipient):
                    status, start, end = DENIED, None, None
            else:
                recipient = self._recipient(backer, status != DENIED)
            if rng.random() < 0.5:
                against = self._draw("against", backer, recipient)
            if via is None and self.actors[backer].agencies and rng.random() < 0.1:
                agencies = self.actors[backer].agencies
                via = agencies[rng.randrange(len(agencies))]
            relation = Relation(
                claim.cls,
                backer,
                recipient,
                self._kinds(),
                against,
                start,
                end,
                status,
                claim.article,
                via,
            )
        else:
            role_pool = "ally" if claim.cls == "AllianceClaim" else "adversary"
            first = anchor[0] if anchor else self.pools[role_pool].draw(rng)
            second = self._draw(role_pool, first) or self._draw("adversary", first) or 1
            relation = Relation(
                claim.cls, first, second, (), None, start, end, status, claim.article
            )
        return self._write_relation(claim, relation, restated=False)

    def _restatable(self, claim: Claim) -> Relation | None:
        """An earlier relation of the same class from another source, if the draw finds one
        that this source could know of (it does not start or end after the source's date)."""
        if not self.history:
            return None
        old = self.history[self.rng.randrange(len(self.history))]
        return old if self._could_restate(old, claim) else None

    def _could_restate(self, old: Relation, claim: Claim) -> bool:
        latest = max((p[0] for p in (old.start, old.end) if p is not None), default=FIRST_DAY)
        return old.cls == claim.cls and old.source != claim.article and latest <= claim.published[0]

    def _restated(self, old: Relation, claim: Claim, variant: str) -> Relation | None:
        """What another source says of ``old``: the same, another start, ended, goes on, or
        denied. None if it would make another actor than actor 1 the top recipient."""
        rng = self.rng
        variant = variant or rng.choices(RESTATEMENTS, RESTATEMENT_WEIGHTS)[0]
        new = replace(old, source=claim.article)
        if variant == "start" and old.status != DENIED:
            base = old.start[0] if old.start else (old.end[0] if old.end else claim.published[0])
            new.start = (date(base.year - rng.randint(1, 3), 1, 1), YEAR)
        elif variant == "ended" and old.status != ENDED:
            new.status = ENDED
            first = (
                old.start[0]
                if old.start
                else date.fromordinal(claim.published[0].toordinal() - 5 * 365)
            )
            new.end = truncate(self._day(first, claim.published[0]), self._precision(0.2, 0.5))
        elif variant in ("ended", "goes on"):
            new.status, new.end = ASSERTED, None
        elif variant == "denied":
            new.status, new.start, new.end = DENIED, None, None
        counted = new.cls == "SupportClaim" and new.status != DENIED
        if counted and self._would_tie(new.second):
            return None
        return new

    def _write_relation(self, claim: Claim, relation: Relation, restated: bool) -> Built:
        rng = self.rng
        a, b = self.actors[relation.first], self.actors[relation.second]
        fields = {"A": a.name, "B": b.name, **self._date_fields(relation.start, relation.end)}
        roles: list[tuple[str, str]]
        if relation.cls == "SupportClaim":
            fields["K"] = " and ".join(SUPPORT_KINDS[k][3] for k in relation.kinds)
            if relation.against is not None:
                fields["X"] = self.actors[relation.against].name
            roles = [("backer", a.iri), ("recipient", b.iri)]
            if relation.via is not None:
                roles.append(("via", self.actors[relation.via].iri))
                fields["V"] = self.actors[relation.via].name
            if relation.against is not None:
                roles.append(("against", self.actors[relation.against].iri))
            roles += [("supportKind", ckg(SUPPORT_KINDS[k][0])) for k in relation.kinds]
            verb, headline = "backs", self._pick(HEADLINES["SupportClaim"], fields)
        elif relation.cls == "AllianceClaim":
            roles = [("party", a.iri), ("party", b.iri)]
            verb, headline = "is an ally of", self._pick(HEADLINES["AllianceClaim"], fields)
        else:
            roles = [("party", a.iri), ("party", b.iri)]
            fields["C"] = self.places[rng.randrange(len(self.places))].name
            verb, headline = "fights", self._pick(HEADLINES["OppositionClaim"], fields)
        quote = self._pick(QUOTES[relation.cls][relation.status], fields)
        label = f"{a.label} {verb} {b.label} (synthetic article {claim.article})"
        lines = self._claim_lines(
            claim, label, roles, relation.status, relation.start, relation.end, quote
        )
        counted = relation.cls == "SupportClaim" and relation.status != DENIED
        return Built(
            lines,
            claim.cls,
            relation.status,
            headline,
            relation.second if counted else None,
            relation,
            restated,
        )

    def _date_fields(self, start: Point | None, end: Point | None) -> dict[str, str]:
        fields = {}
        if start is not None:
            fields["S"] = in_words(start)
            fields["SO"] = in_words(start, preposition=True)
        if end is not None:
            fields["E"] = in_words(end)
            fields["EO"] = in_words(end, preposition=True)
        return fields

    def _pick(self, templates: Sequence[str], fields: dict[str, str]) -> str:
        """A template whose every field is known, filled in."""
        usable = [
            t for t in templates if all(f"{{{name}}}" not in t or name in fields for name in FIELDS)
        ]
        filled = usable[self.rng.randrange(len(usable))].format_map(fields)
        return filled[0].upper() + filled[1:]

    def _claim_lines(
        self,
        claim: Claim,
        label: str,
        roles: Sequence[tuple[str, str]],
        status: str,
        start: Point | None,
        end: Point | None,
        quote: str,
    ) -> Lines:
        rng = self.rng
        lines = Lines()
        s = claim.iri
        lines.add(s, TYPE, ckg(claim.cls))
        lines.add(s, LABEL, text(label, "en"))
        for role, value in roles:
            lines.add(s, ckg(role), value)
        lines.add(s, ckg("status"), status)
        lines.point(s, "start", start)
        lines.point(s, "end", end)
        if rng.random() < 0.05:
            lines.add(s, ckg("accordingTo"), self.actors[self.pools["attribution"].draw(rng)].iri)
        if rng.random() < 0.15:
            lines.add(s, COMMENT, text(COMMENTS[rng.randrange(len(COMMENTS))], "en"))
        lines.add(s, ckg("source"), claim.source)
        lines.add(s, ckg("quote"), text(quote))
        return lines

    def _talks_claim(
        self, claim: Claim, anchor: tuple[int, str] | None, status: str | None
    ) -> Built:
        rng = self.rng
        role = {
            "MediationClaim": "mediator",
            "HostingClaim": "host",
            "ParticipationClaim": "participant",
        }[claim.cls]
        actor = self.actors[anchor[0] if anchor else self.pools[role].draw(rng)]
        talks = self.talks[self._known_by(self.pools["talks"], self.talks, claim.published)]
        status = status or self._status(False)
        start = end = None
        if (
            claim.cls == "ParticipationClaim"
            and talks.start
            and talks.start[1] == DAY
            and rng.random() < 0.3
        ):
            start = end = talks.start
        if status == ENDED:
            end = truncate(
                self._day(talks.start[0] if talks.start else date(2010, 1, 1), claim.published[0]),
                MONTH,
            )
            start = None
        fields = {
            "A": actor.name,
            "T": talks.spoken,
            "C": talks.place.name,
            **self._date_fields(start, end),
        }
        verb = {
            "MediationClaim": "mediates",
            "HostingClaim": "hosts",
            "ParticipationClaim": "takes part in",
        }
        label = f"{actor.label} {verb[claim.cls]} {talks.name} (synthetic article {claim.article})"
        quote = self._pick(QUOTES[claim.cls][status], fields)
        lines = self._claim_lines(
            claim, label, [(role, actor.iri), ("talks", talks.iri)], status, start, end, quote
        )
        return Built(lines, claim.cls, status, self._pick(HEADLINES[claim.cls], fields))

    def _known_by(self, pool: ZipfPool, things: Sequence[Talks | Agreement], day: Point) -> int:
        """A draw of talks or an agreement that had begun by ``day`` (a source's date), if a few
        draws find one."""
        for _ in range(8):
            index = pool.draw(self.rng)
            began = things[index].start
            if began is None or began[0] <= day[0]:
                break
        return index

    def _agreement_claim(
        self, claim: Claim, anchor: tuple[int, str] | None, status: str | None
    ) -> Built:
        rng = self.rng
        role, pool, verb = AGREEMENT_ROLES[claim.cls]
        actor = self.actors[anchor[0] if anchor else self.pools[pool].draw(rng)]
        agreement = self.agreements[
            self._known_by(self.pools["agreements"], self.agreements, claim.published)
        ]
        status = status or self._status(False)
        start = agreement.start if status != DENIED and rng.random() < 0.5 else None
        end = None
        if status == ENDED:
            first = start[0] if start else agreement.start[0]
            end = truncate(self._day(first, max(first, claim.published[0])), MONTH)
        fields = {"A": actor.name, "G": agreement.name, "DO": in_words(agreement.start, True)}
        fields.update(self._date_fields(start, end))
        label = f"{actor.label} {verb} the {agreement.name} (synthetic article {claim.article})"
        quote = self._pick(QUOTES[claim.cls][status], fields)
        lines = self._claim_lines(
            claim,
            label,
            [(role, actor.iri), ("agreement", agreement.iri)],
            status,
            start,
            end,
            quote,
        )
        return Built(lines, claim.cls, status, self._pick(HEADLINES[claim.cls], fields))

    def _person_claim(
        self, claim: Claim, anchor: tuple[int, str] | None, status: str | None
    ) -> Built:
        """An envoy claim or an office claim: a person and whom they serve."""
        rng = self.rng
        person = self.actors[anchor[0] if anchor else self.pools["person"].draw(rng)]
        status = status or self._status(True)
        start, end = self._span(status, claim.published)
        target_role = "principal" if claim.cls == "EnvoyClaim" else "organisation"
        other = self.actors[self._draw(target_role, person.rank) or 1]
        fields = {
            "A": person.name,
            "P": other.name,
            "C": self._city(self.pools["State"].draw(rng)).name,
        }
        fields.update(self._date_fields(start, end))
        if claim.cls == "EnvoyClaim":
            roles = [("envoy", person.iri), ("principal", other.iri)]
            label = (
                f"{person.label} is the envoy of {other.label} (synthetic article {claim.article})"
            )
        else:
            offices = {
                "State": range(len(OFFICES)),
                "Government": (1, 2, 3, 5),
                "InternationalOrganisation": (5, 6),
                "RebelGroup": (5, 6),
            }[other.cls]
            concept, title = OFFICES[offices[rng.randrange(len(offices))]]
            fields["O"] = title
            roles = [("holder", person.iri), ("organisation", other.iri), ("office", ckg(concept))]
            label = (
                f"{person.label} is {title} of {other.label} (synthetic article {claim.article})"
            )
        quote = self._pick(QUOTES[claim.cls][status], fields)
        lines = self._claim_lines(claim, label, roles, status, start, end, quote)
        return Built(lines, claim.cls, status, self._pick(HEADLINES[claim.cls], fields))

    # ----------------------------------------------------------------- datasets

    def _dataset(self) -> None:
        """A dataset release in the manner of the UCDP ESD: one support claim (or one record of
        no known support) per row, each year known to the year."""
        rng = self.rng
        self.datasets += 1
        number = self.datasets
        publisher = self.actors[self._publisher("research")]
        released = rng.randint(2005, 2024)
        version = f"{released % 100:02d}.{rng.randint(1, 2)}"
        title = f"{publisher.name} External Support Dataset {version}"
        source = ck(f"synthetic-dataset-{number}")
        head = Lines()
        head.add(source, TYPE, ckg("Dataset"))
        head.add(source, TITLE, text(title, "en"))
        head.add(source, PUBLISHER, publisher.iri)
        head.add(source, DATE, typed(f"{released}-01-01", "date"))
        head.add(source, ckg("datePrecision"), UNIT[YEAR])
        head.add(source, VERSION, text(version))
        head.add(
            source,
            CITATION,
            text(f'{publisher.name} ({released}), "{title}". Synthetic data for benchmarks.'),
        )
        head.add(
            source,
            COMMENT,
            text(
                "A synthetic triad-year dataset: a row per recipient, opponent, supporter, year.",
                "en",
            ),
        )
        pending = Lines()
        for row in range(1, rng.randint(5, 40) + 1):
            built = self._dataset_row(source, number, title, row, released)
            lines = Lines(head + built.lines) if row == 1 else built.lines
            if not self._fits(pending, lines):
                break
            pending.extend(lines)
            self._commit(built)
            if self.done:
                break
        self.out.write(pending)
        self.datasets -= not pending

    def _dataset_row(self, source: str, number: int, title: str, row: int, released: int) -> Built:
        rng = self.rng
        s = ck(f"synthetic-dataset-{number}-row-{row}")
        year = rng.randint(1990, released - 1)
        period = (date(year, 1, 1), YEAR)
        lines = Lines()
        backer = self.pools["backer"].draw(rng)
        where = self.actors[self.pools["State"].draw(rng)].name
        if rng.random() < 0.15:
            party = self.pools["recipient"].draw(rng)
            opponent = self._draw("against", party) or 1
            lines.add(s, TYPE, ckg("NoKnownSupport"))
            lines.add(s, ckg("unsupportedParty"), self.actors[party].iri)
            lines.add(s, ckg("opponent"), self.actors[opponent].iri)
            lines.point(s, "start", period)
            lines.point(s, "end", period)
            lines.add(s, PRIMARY_SOURCE, source)
            label = (
                f"{year}: {self.actors[party].name} had no known external support against "
                f"{self.actors[opponent].name} in {where} ({title}, row id {row})"
            )
            lines.add(s, LABEL, text(label, "en"))
            lines.add(s, ckg("recordId"), text(str(row)))
            return Built(lines, "NoKnownSupport", ASSERTED, "")
        status = ALLEGED if rng.random() < 0.15 else ASSERTED
        recipient = self._recipient(backer, True)
        against = self._draw("against", backer, recipient)
        kinds = self._kinds(esd=True)
        lines.add(s, TYPE, ckg("SupportClaim"))
        lines.add(s, ckg("backer"), self.actors[backer].iri)
        lines.add(s, ckg("recipient"), self.actors[recipient].iri)
        for k in kinds:
            lines.add(s, ckg("supportKind"), ckg(SUPPORT_KINDS[k][0]))
        if against is not None:
            lines.add(s, ckg("against"), self.actors[against].iri)
        lines.add(s, ckg("status"), status)
        lines.point(s, "start", period)
        lines.point(s, "end", period)
        lines.add(s, ckg("source"), source)
        words = ", ".join(f"{SUPPORT_KINDS[k][3]} ({SUPPORT_KINDS[k][1]})" for k in kinds)
        versus = f" against {self.actors[against].name}" if against is not None else ""
        quote = (
            f"{year}: {self.actors[backer].name} supported {self.actors[recipient].name}"
            f"{versus} in {where} with {words} ({title}, row id {row})"
        )
        lines.add(s, ckg("quote"), text(quote))
        lines.add(s, ckg("recordId"), text(str(row)))
        coalition = rng.random() < 0.1
        lines.add(s, ckg("inCoalition"), typed("true" if coalition else "false", "boolean"))
        if coalition:
            lines.add(s, ckg("coalitionName"), text(f"{word(rng.randrange(64), 9)} Coalition"))
        both = rng.random() < 0.03
        lines.add(s, ckg("supportsBothSides"), typed("true" if both else "false", "boolean"))
        return Built(lines, "SupportClaim", status, "", recipient)

    # ----------------------------------------------------------------- the first articles

    def _showcase(self) -> None:
        """The first two articles, so that even a small graph has every claim class and
        status, and two sources that disagree on one relation."""
        self.pools["talks"] = ZipfPool(range(len(self.talks)), range(1, len(self.talks) + 1), 1.0)
        self.pools["agreements"] = ZipfPool(
            range(len(self.agreements)), range(1, len(self.agreements) + 1), 1.0
        )
        plan: list[tuple[str, str | None]] = [(cls, ASSERTED) for cls in CLAIM_VERBS]
        plan += [("SupportClaim", ENDED), ("SupportClaim", DENIED), ("SupportClaim", ALLEGED)]
        self._article(plan)
        self._article([("SupportClaim", None)], restate="start", published=(LAST_DAY, DAY))


FIELDS = ("A", "B", "C", "DO", "E", "EO", "G", "K", "O", "P", "S", "SO", "T", "V", "X")
# Quotes by claim class and status. Fields: A and B the two parties (backer and recipient),
# K kinds of support, X the opponent, V the agency, S and E start and end in words (EO
# with its preposition: "in July 2017", "on 4 May 2017"), C a city, T talks, G an agreement
# and DO its date, O an office, P a principal or organisation.
QUOTES: dict[str, dict[str, tuple[str, ...]]] = {
    "SupportClaim": {
        ASSERTED: (
            "{A} has been providing {K} to {B} since {S}, officials said.",
            "Diplomats say {A} continues to supply {K} to {B} in its fight against {X}.",
            "{A}, a longtime backer of {B}, has stepped up its {K} in recent months.",
            "According to a senior commander, fighters of {B} received {K} from {A}.",
            "“We will not abandon our brothers,” a spokesman for {A} said of {B}.",
            "{A} channelled {K} to {B} through {V}, two officials familiar with the plan said.",
            'The {K} from {A} was "decisive" for {B}, an analyst said.',
            "Between {S} and {E}, {A} supplied {K} to {B}, the report found.",
        ),
        ALLEGED: (
            "{B} is widely believed to receive {K} from {A}, though neither side has confirmed it.",
            "Reports that {A} smuggled {K} to {B} could not be independently verified.",
            "Opposition activists accused {A} of sending {K} to {B} since {S}.",
        ),
        DENIED: (
            '{A} denied reports that it had armed {B}, calling them "baseless fabrications".',
            "A spokesman for {A} rejected claims of any support to {B}.",
            "“We have never given a single bullet to {B},” the foreign ministry of {A} said.",
        ),
        ENDED: (
            "{EO}, {A} ended its support to {B}.",
            "{A} cut off {K} to {B}, the group’s leaders complained.",
            "{A} halted {EO} the {K} it had given {B} since {S}.",
        ),
    },
    "AllianceClaim": {
        ASSERTED: (
            "{A} and {B} announced an alliance against their common enemies.",
            "{A}, a close ally of {B}, sent a delegation to the front {SO}.",
            "Fighters of {A} and {B} have coordinated their operations since {S}.",
        ),
        ALLEGED: ("{A} is said to have struck a secret pact with {B}, sources said.",),
        DENIED: ("{A} denied any alliance with {B}, saying it “acts alone”.",),
        ENDED: (
            "The alliance between {A} and {B} collapsed {EO}.",
            "{A} broke with its former ally {B} after months of disputes.",
        ),
    },
    "OppositionClaim": {
        ASSERTED: (
            "Fighting between {A} and {B} intensified around {C}.",
            "{A} has been at war with {B} since {S}.",
            "Clashes between {A} and {B} left dozens dead near {C}, a monitor said.",
        ),
        ALLEGED: ("{A} was blamed for an attack on positions of {B} near {C}.",),
        DENIED: ("{A} denied that its forces had clashed with {B} near {C}.",),
        ENDED: (
            "{A} and {B} agreed to halt hostilities {EO}.",
            "The fighting between {A} and {B}, which began in {S}, ended {EO}.",
            "{A} and {B} have observed a truce around {C} since the fighting ended.",
        ),
    },
    "MediationClaim": {
        ASSERTED: (
            "{A} is mediating the {T} between the warring parties.",
            "The {T} are brokered by {A}, which has hosted several rounds in {C}.",
        ),
        ALLEGED: ("{A} is quietly mediating the {T}, according to diplomats.",),
        DENIED: ("{A} denied it was acting as a mediator in the {T}.",),
        ENDED: ("{A} withdrew as a mediator of the {T} {EO}.",),
    },
    "HostingClaim": {
        ASSERTED: ("{A} hosted the {T} in {C}.", "{A} will host the {T} in {C}."),
        ALLEGED: ("{A} is expected to host the {T}, diplomats said.",),
        DENIED: ("{A} denied that it would host the {T}.",),
        ENDED: ("{A} stopped hosting the {T} {EO}.",),
    },
    "ParticipationClaim": {
        ASSERTED: (
            "Delegations including {A} attended the {T} in {C}.",
            "{A} took part in the {T}, which opened in {C} {SO}.",
            "{A} joined the {T} for the first time.",
        ),
        ALLEGED: ("{A} reportedly sent observers to the {T}.",),
        DENIED: ("{A} denied that it had attended the {T}.",),
        ENDED: ("{A} walked out of the {T} {EO}.",),
    },
    "GuaranteeClaim": {
        ASSERTED: (
            "{A} will act as a guarantor of the {G}.",
            "The {G}, guaranteed by {A}, took effect {DO}.",
        ),
        ALLEGED: ("{A} is said to have offered guarantees for the {G}.",),
        DENIED: ("{A} denied that it had guaranteed the {G}.",),
        ENDED: ("{A} withdrew its guarantee of the {G} {EO}.",),
    },
    "WitnessClaim": {
        ASSERTED: ("The {G} was signed {DO} in the presence of {A}.",),
        ALLEGED: ("{A} is said to have observed the signing of the {G}.",),
        DENIED: ("{A} denied that it had witnessed the {G}.",),
        ENDED: ("{A} withdrew as a witness of the {G} {EO}.",),
    },
    "AgreementMediationClaim": {
        ASSERTED: ("The {G} was reached {DO} with the mediation of {A}.",),
        ALLEGED: ("{A} reportedly brokered the {G}.",),
        DENIED: ("{A} denied that it had brokered the {G}.",),
        ENDED: ("{A} ended its mediation of the {G} {EO}.",),
    },
    "SignatoryClaim": {
        ASSERTED: ("{A} signed the {G} {DO}.", "{A} agreed to the {G}, a spokesman confirmed."),
        ALLEGED: ("{A} is reported to have accepted the {G}.",),
        DENIED: ("{A} denied that it had signed the {G}.",),
        ENDED: ("{A} pulled out of the {G} {EO}.",),
    },
    "EnvoyClaim": {
        ASSERTED: (
            "{A}, the special envoy of {P}, arrived in {C} for talks.",
            "{P} appointed {A} as its envoy in {S}.",
        ),
        ALLEGED: ("{A} is acting as an unofficial envoy of {P}, diplomats said.",),
        DENIED: ("{P} denied that {A} speaks on its behalf.",),
        ENDED: (
            "{A} stepped down as envoy of {P} {EO}.",
            "{A}, the former envoy of {P}, said talks had stalled.",
        ),
    },
    "OfficeClaim": {
        ASSERTED: (
            "{O} of {P} {A} told reporters in {C} that talks would resume.",
            "{A} has served as {O} of {P} since {S}.",
        ),
        ALLEGED: ("{A} is believed to be the new {O} of {P}.",),
        DENIED: ("{P} denied that {A} had been named {O}.",),
        ENDED: (
            "{A}, who was {O} of {P} until {E}, criticised the agreement.",
            "{A} resigned as {O} of {P}.",
        ),
    },
}
HEADLINES: dict[str, tuple[str, ...]] = {
    "SupportClaim": ("{A} steps up support for {B}", "{B} fighters say they rely on {A}"),
    "AllianceClaim": ("{A} and {B} close ranks",),
    "OppositionClaim": ("Fighting flares between {A} and {B}", "{A} and {B} clash near {C}"),
    "MediationClaim": ("{A} offers to mediate in {T}",),
    "HostingClaim": ("{C} to host {T}",),
    "ParticipationClaim": ("{T} open in {C}", "{A} joins {T}"),
    "GuaranteeClaim": ("{A} to guarantee {G}",),
    "SignatoryClaim": ("{A} signs {G}",),
    "WitnessClaim": ("{A} witnesses {G}",),
    "AgreementMediationClaim": ("{A} brokers {G}",),
    "EnvoyClaim": ("{P} sends envoy {A} to {C}",),
    "OfficeClaim": ("{A} speaks for {P}",),
}
COMMENTS = (
    "The source gives no date for the start; the period is left open.",
    "The relative date in the text is read against the article's date.",
    "The source attributes the statement to unnamed officials.",
    "The text names the group only by its short name.",
)


def generate(triples: int, out: Path, seed: int = 1) -> dict[str, Any]:
    """Write about ``triples`` triples of synthetic data to ``out`` (N-Triples); return figures.

    The same ``triples`` and ``seed`` give the same bytes. The file is written to a temporary
    file beside ``out`` and renamed over it at the end.
    """
    if triples < MIN_TRIPLES:
        raise ValueError(f"--triples must be at least {MIN_TRIPLES:,}, not {triples:,}")
    out = Path(out)
    handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            writer = NTriples(stream)
            figures = Generator(triples, seed, writer).run()
            writer.flush()
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    figures["seed"] = seed
    figures["bytes"] = out.stat().st_size
    return figures


def peak_mib() -> float:
    """The peak resident memory of this process so far, in MiB (ru_maxrss is KiB on Linux)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--triples", type=int, required=True, help="how many triples (about)")
    parser.add_argument("--seed", type=int, default=1, help="the random seed (default 1)")
    parser.add_argument("-o", "--output", type=Path, required=True, help="the file to write (.nt)")
    args = parser.parse_args(argv)
    if args.output.suffix != ".nt":
        parser.error(f"{args.output}: the output is N-Triples; name it with .nt")
    if args.triples < MIN_TRIPLES:
        parser.error(f"--triples must be at least {MIN_TRIPLES:,}")
    started = time.perf_counter()
    figures = generate(args.triples, args.output, args.seed)
    figures["seconds"] = round(time.perf_counter() - started, 2)
    figures["peak_memory_mib"] = round(peak_mib(), 1)
    print(json.dumps(figures, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
