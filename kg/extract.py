"""`kg extract` (issue 17): candidate claims from a news article's text, in the data's own
model, for a person to review (`kg review`).

Rules on tokens, no statistical model: each sentence's actors are found by
kg.extract_text (names the graph knows, capitals and demonyms, proper names it does not
know), then words that signal a relation ("backs", "fought", "mediated", "hosted",
"President", "envoy") take the actors nearest before and after them, or the actors after
"between", or a group of actors joined by "and" (one claim each). The sentence gives the
status (an accusation is alleged; a denial alone is denied; "former", "ended", "withdrew"
end a relation) and its dates (kg.text_dates, read against the article's date). Each claim
keeps its sentence verbatim with its offsets, the rule that found it and a confidence.

The rules are general English patterns of news on conflicts, not tuned to single
sentences; bench/eval_extract.py measures them on gold articles (BENCHMARKS.md).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from pathlib import Path

from rdflib import XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from kg.crosswalk import StateEntry
from kg.extract_text import (
    ARMED_GROUP_HEADS,
    TITLES,
    Gazetteer,
    Known,
    Mention,
    Sentence,
    Token,
    capitalised_elsewhere,
    fold_words,
    mentions,
    sentences,
)
from kg.names import normalise
from kg.periods import Precision, TimePoint
from kg.text_dates import dates_in
from kg.vocab import CKG, ID

TIME = Namespace("http://www.w3.org/2006/time#")
_PRECISION = {
    Precision.DAY: TIME.unitDay,
    Precision.MONTH: TIME.unitMonth,
    Precision.YEAR: TIME.unitYear,
}


@dataclass(frozen=True)
class Article:
    """One article to read: its text and what the user said about it."""

    text: str
    name: str  # the file it came from, for messages
    day: date | None = None
    title: str | None = None
    publisher: str | None = None
    url: str | None = None

    @property
    def iri(self) -> URIRef:
        digest = hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:12]
        return ID[f"article-{digest}"]


@dataclass(frozen=True)
class Actor:
    """An actor of a claim: one the graph knows (``iri``), or one proposed from the text."""

    iri: str
    label: str
    proposed: bool = False
    type: str = "Actor"
    names: tuple[str, ...] = ()
    government_of: str | None = None
    part_of: str | None = None


@dataclass
class Candidate:
    kind: str  # local name of the claim class
    roles: list[tuple[str, Actor]]  # role property local name, actor
    sentence: Sentence
    rule: str
    confidence: float
    status: str = "Asserted"
    support: set[str] = field(default_factory=set)
    office: str | None = None
    start: TimePoint | None = None
    end: TimePoint | None = None
    talks: str | None = None  # "talks" or "agreement": the article's node in that role
    at: int = -1  # the token the rule started from, for the clause its dates are in

    def key(self) -> str:
        roles = "|".join(f"{r}={a.iri}" for r, a in sorted(self.roles, key=_role_key))
        text = f"{self.kind}|{roles}|{self.talks or ''}|{self.sentence.text}"
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _role_key(pair: tuple[str, Actor]) -> tuple[str, str]:
    return pair[0], pair[1].iri


@dataclass
class Extraction:
    """What `kg extract` found in some articles."""

    graph: Graph
    claims: int = 0
    proposed: int = 0
    sentences: int = 0
    skipped_rejected: int = 0
    notes: list[str] = field(default_factory=list)


# ----------------------------------------------------------------------------------------
# The words that signal a relation

_SUPPORT_VERBS = frozenset(
    """back backs backed backing support supports supported supporting sponsor sponsors
    sponsored sponsoring arm arms armed arming fund funds funded funding finance finances
    financed financing bankroll bankrolls bankrolled train trains trained training equip
    equips equipped equipping supply supplies supplied supplying provide provides provided
    providing send sends sent sending deploy deploys deployed deploying help helps helped
    helping shelter shelters sheltered sheltering harbour harbours harboured harbouring
    harbor harbors harbored harboring""".split()
)
_RECEIVING = frozenset("receives receive received receiving gets got obtains obtained".split())

_ARMS_NOUNS = frozenset(
    "embargo embargoes deal deals sales sale trade control race supplies shipments "
    "dealer dealers".split()
)

#: Words after which a verb's object is no longer looked for.
_OBJECT_ENDS = frozenset("as when while after before because but ; whereas".split())

#: The relations a sentence can say have ended ("ending 50 years of war" ends no signature).
_CAN_END = frozenset({"SupportClaim", "AllianceClaim", "OppositionClaim"})

#: Words that begin another clause or relation: an object is not looked for past them.
_STOPS = frozenset("that who which whose fighting fight fought to while but against".split())
#: Nouns of backing: "the main backer of Y", "Y's sponsor", "a proxy of X", "support from X".
_BACKER_NOUNS = frozenset(
    "backer backers sponsor sponsors patron patrons supporter supporters proxy proxies "
    "support backing help assistance aid".split()
)
_SUPPORT_HYPHEN = re.compile(r"^(.+)-(backed|supported|sponsored|armed|funded|trained)$", re.I)
_THIRD_HYPHEN = re.compile(r"^(.+)-(brokered|mediated|facilitated|hosted|led)$", re.I)
_ALLIANCE = frozenset("ally allies allied alliance partner partners partnered".split())
#: After a verb of fighting, these make it fighting on a side, not against it.
_ON_THE_SIDE = frozenset({"alongside", "for", "beside"})
_OPPOSITION = frozenset(
    """fight fights fought fighting battle battles battled battling clash clashes clashed
    clashing attack attacks attacked attacking war offensive struck bombed bombing raid
    raided ambushed besieged shelled shelling insurgency rebellion defeated strikes
    airstrikes""".split()
)
_MEDIATION = frozenset(
    """mediate mediates mediated mediating mediation mediator mediators broker brokers
    brokered brokering facilitate facilitates facilitated facilitating facilitator""".split()
)
_HOSTING = frozenset("host hosts hosted hosting convened convene convenes".split())
_PARTICIPATION = frozenset(
    "attend attends attended attending participated participate participating delegation "
    "delegations".split()
)
_SIGNING = frozenset("sign signs signed signing signatory signatories".split())
_GUARANTEE = frozenset("guarantor guarantors guarantee guarantees guaranteed".split())
_TALKS_WORDS = frozenset(
    "talks negotiations conference summit meeting meetings consultations dialogue".split()
)
_AGREEMENT_WORDS = frozenset("agreement deal ceasefire truce accord accords pact".split())

_SUPPORT_KINDS: list[tuple[frozenset[str], str]] = [
    (
        frozenset(
            "weapons arms missiles missile drones drone rockets munitions ammunition "
            "weaponry armed arming".split()
        ),
        "WeaponsSupport",
    ),
    (
        frozenset(
            "troops soldiers fighters mercenaries deployed deploy deploys deploying "
            "airstrikes strikes".split()
        ),
        "TroopsSupport",
    ),
    (
        frozenset("funding money funds fund funded finance financed financing cash".split()),
        "FundingSupport",
    ),
    (frozenset("train trains trained training instructors".split()), "TrainingSupport"),
    (frozenset(["intelligence"]), "IntelligenceSupport"),
    (
        frozenset("refuelling refueling logistics fuel materiel equipment vehicles".split()),
        "MaterielSupport",
    ),
]

_ALLEGED = frozenset(
    "accuse accuses accused accusing accusation accusations allegedly alleged alleges "
    "allege reportedly suspected".split()
)
_DENIED = frozenset("deny denies denied denying denial denials".split())
#: "rejected" is a denial where the sentence speaks of a charge.
_REJECTED = frozenset("reject rejects rejected rejecting dismissed dismisses".split())
_CHARGES = frozenset("charge charges accusation accusations claims allegations reports".split())
_ENDED = frozenset(
    "ended ending withdrew withdrawn withdrawal halted stopped ceased defeated".split()
)
_ENDED_PHRASES = (("pulled", "out"), ("no", "longer"), ("broke", "down"), ("left",))
_START_CUES = frozenset(
    "began begun begin started start launched intervened erupted since broke".split()
)
_END_CUES = frozenset("ended ending left withdrew until stopped halted ceased defeated".split())
#: Words that end a clause, for the cues that hold in their clause only ("ended ... but
#: still trains").
_CLAUSE_ENDS = frozenset({";", "but", "while", "whereas", "although", "though", "yet"})

#: Offices by the words of a title, longest first.
_OFFICES: list[tuple[tuple[str, ...], str]] = [
    (("secretary", "of", "state"), "ForeignMinister"),
    (("head", "of", "state"), "HeadOfState"),
    (("foreign", "minister"), "ForeignMinister"),
    (("foreign", "secretary"), "ForeignMinister"),
    (("defence", "minister"), "DefenceMinister"),
    (("defense", "minister"), "DefenceMinister"),
    (("defense", "secretary"), "DefenceMinister"),
    (("prime", "minister"), "Minister"),
    (("minister",), "Minister"),
    (("president",), "HeadOfState"),
    (("chancellor",), "Minister"),
    (("premier",), "Minister"),
    (("king",), "HeadOfState"),
    (("emir",), "HeadOfState"),
    (("ambassador",), "Ambassador"),
    (("adviser",), "Adviser"),
    (("advisor",), "Adviser"),
]
_ENVOY_WORDS = frozenset("envoy envoys representative emissary".split())
_TITLE_FILLER = frozenset(
    "former interim acting special the a an 's , de facto self-declared then newly "
    "elected new deputy vice top chief political military".split()
)
_PERSON_TYPES = frozenset({"Person"})


# ----------------------------------------------------------------------------------------
# Actors of one article


class _Resolver:
    """Turns the mentions of one article into actors, the same actor for the same words."""

    def __init__(self, gazetteer: Gazetteer, governments: dict[str, str]) -> None:
        self.gazetteer = gazetteer
        self.governments = governments  # state IRI -> the graph's government of it
        self.proposed: dict[str, Actor] = {}
        self.article_governments: set[str] = set()
        self.persons: dict[str, str] = {}  # a person's last name -> the proposed IRI
        self.short: dict[str, str] = {}  # an abbreviation in parentheses -> IRI
        self.article_states: set[str] = set()
        self.state_counts: Counter[str] = Counter()
        # the actors of the article so far, each once, the one named last at the end (a
        # long article names the same few actors thousands of times)
        self.seen: dict[str, Actor] = {}
        self.seen_before: list[Actor] = []  # those of the sentences before this one
        self._labels: dict[str, str] | None = None
        self._demonyms: dict[str, str] | None = None

    def prepare(self, found: Sequence[tuple[Sentence, list[Mention]]]) -> None:
        """Look at every mention of the article before resolving any: a capital is the
        government if the article speaks of that government; an ambiguous demonym
        ("Congolese") is the state of the two that the article names; a last name alone is
        the person the article names in full."""
        for _sentence, ms in found:
            for m in ms:
                if m.how == "government" and m.state and "|" not in m.state:
                    self.article_governments.add(m.state)
                if m.how in {"name", "place"}:
                    named = {k.iri for k in m.known if k.type == "State"}
                    self.article_states.update(named)
                    if m.how == "name":  # a venue ("talks in Sweden") is not the subject
                        self.state_counts.update(named)
                elif m.how in {"government", "army", "troops"} and m.state and "|" not in m.state:
                    self.state_counts[m.state] += 1
                if m.how == "new" and m.type == "Person" and len(m.text.split()) > 1:
                    last = m.text.split()[-1]
                    self.persons.setdefault(normalise(last), m.text)

    def main_state(self) -> str | None:
        """The state the article is about: the one it names most, if named at least twice
        and more than any other."""
        ranked = self.state_counts.most_common(2)
        if not ranked or ranked[0][1] < 2 or (len(ranked) > 1 and ranked[1][1] >= ranked[0][1]):
            return None
        return ranked[0][0]

    def state(self, state: str | None) -> str | None:
        """One state from a demonym's states: the only one, or the one the article names."""
        if not state:
            return None
        states = state.split("|")
        if len(states) == 1:
            return states[0]
        named = [s for s in states if s in self.article_states]
        return named[0] if len(named) == 1 else None

    def actor(self, m: Mention) -> Actor | None:
        found = self._actor(m)
        if found is not None:
            self.seen.pop(found.iri, None)
            self.seen[found.iri] = found
        return found

    def _actor(self, m: Mention) -> Actor | None:
        if m.how == "new":
            return self.new(m)
        if m.how == "name":
            known = sorted(m.known, key=_known_order)[0]
            return Actor(known.iri, known.label, type=known.type)
        if m.how == "definite":
            head = m.text.split()[-1].lower()
            if head in ARMED_GROUP_HEADS:
                groups = [a for a in self.seen_before if a.type in _ARMED_TYPES]
                if groups:
                    return groups[-1]  # the group named last
            if head == "government":
                governments = [a for a in self.seen.values() if a.type == "Government"]
                if governments:
                    return governments[-1]
                main = self.main_state()
                government = self.governments.get(main) if main else None
                if government:
                    return Actor(government, self.label(government), type="Government")
                return self._government(main, m.text) if main else None
            heads = {head, head.rstrip("s")}
            earlier = {
                a.iri: a
                for a in self.seen.values()
                if normalise(a.label).split()[-1].rstrip("s") in heads
                or any(normalise(n).split()[-1].rstrip("s") in heads for n in a.names)
            }
            return next(iter(earlier.values())) if len(earlier) == 1 else None
        state = self.state(m.state)
        if state is None:
            return None
        if m.how == "state":
            return Actor(state, self.label(state), type="State")
        if m.how == "troops":
            if state == self.main_state() and m.text.split()[0] in self.gazetteer.demonyms:
                # "Mozambican soldiers" in a story on Mozambique are its army; "Eritrean
                # troops" in a story on Ethiopia are Eritrea acting
                return self._propose(
                    f"{self._demonym(state)} armed forces",
                    "GovernmentAgency",
                    m.text,
                    part_of=state,
                )
            return Actor(state, self.label(state), type="State")
        if m.how == "seat":
            government = self.governments.get(state)
            if government:
                return Actor(government, self.label(government), type="Government")
            return self._propose(m.text, "Government", m.text, government_of=state)
        if m.how == "capital":
            government = self.governments.get(state)
            if government:
                return Actor(government, self.label(government), type="Government")
            if state in self.article_governments:
                return self._government(state, m.text)
            return Actor(state, self.label(state), type="State")
        if m.how == "government":
            government = self.governments.get(state)
            if government:
                return Actor(government, self.label(government), type="Government")
            return self._government(state, m.text)
        if m.how == "army":
            return self._propose(
                f"{self._demonym(state) or self.label(state)} armed forces",
                "GovernmentAgency",
                m.text,
                part_of=state,
            )
        return None

    def new(self, m: Mention) -> Actor | None:
        text = m.text
        key = normalise(text)
        if key in self.short:
            return self.proposed.get(self.short[key])
        if len(text.split()) == 1 and key in self.persons:
            full = self.persons[key]
            return self.proposed.get(normalise(full)) or self._propose(full, "Person", text)
        return self._propose(text, m.type, text)

    def abbreviation(self, m: Mention, sentence: Sentence, actor: Actor) -> None:
        """ "Rapid Support Forces (RSF)", "National Liberation Army, or ELN,": the RSF and
        the ELN later are the same actor."""
        toks = sentence.tokens
        after = [t.text for t in toks[m.last + 1 : m.last + 4]]
        if len(after) == 3 and (
            (after[0] == "(" and after[2] == ")") or (after[0] == "," and after[1] == "or")
        ):
            short = (
                after[1]
                if after[0] == "("
                else (toks[m.last + 3].text if m.last + 3 < len(toks) else "")
            )
            if short.isupper() and actor.proposed:
                self.short[normalise(short)] = normalise(actor.label)
                self.proposed[normalise(actor.label)] = replace(
                    actor, names=tuple(sorted({*actor.names, short}))
                )

    def label(self, iri: str) -> str:
        if self._labels is None:
            self._labels = {
                known.iri: known.label
                for entries in self.gazetteer.names.values()
                for known in entries
            }
        return self._labels.get(iri) or iri.rsplit("/", 1)[-1]

    def _demonym(self, state: str) -> str | None:
        if self._demonyms is None:  # the first demonym of each state, found once
            self._demonyms = {}
            for word, states in sorted(self.gazetteer.demonyms.items()):
                if len(states) == 1:
                    self._demonyms.setdefault(states[0], word)
        return self._demonyms.get(state)

    def _government(self, state: str, text: str) -> Actor:
        demonym = self._demonym(state)
        label = f"{demonym} government" if demonym else f"government of {self.label(state)}"
        return self._propose(label, "Government", text, government_of=state)

    def _propose(
        self,
        label: str,
        type_: str,
        said: str,
        *,
        government_of: str | None = None,
        part_of: str | None = None,
    ) -> Actor:
        key = normalise(label)
        said = re.sub(r"^(?:the|The)\s+", "", said)
        old = self.proposed.get(key)
        if old is not None:
            names = tuple(sorted({*old.names, said} - {old.label}))
            actor = replace(old, names=names)
        else:
            slug = _slug(key, "actor")
            names = tuple(sorted({said} - {label}))
            actor = Actor(
                str(ID[slug]),
                label,
                proposed=True,
                type=type_,
                names=names,
                government_of=government_of,
                part_of=part_of,
            )
        self.proposed[key] = actor
        return actor


_ARMED_TYPES = frozenset({"ArmedGroup", "RebelGroup", "Militia", "DesignatedTerroristGroup"})

_TYPE_ORDER = [
    "Person",
    "Government",
    "GovernmentAgency",
    "Delegation",
    "State",
    "InternationalOrganisation",
    "DesignatedTerroristGroup",
    "RebelGroup",
    "Militia",
    "ArmedGroup",
    "MediaOutlet",
    "ResearchOrganisation",
]


def _known_order(known: Known) -> tuple[int, str]:
    rank = _TYPE_ORDER.index(known.type) if known.type in _TYPE_ORDER else len(_TYPE_ORDER)
    return rank, known.iri


# ----------------------------------------------------------------------------------------
# Rules on one sentence


@dataclass(frozen=True)
class _Slot:
    """An actor mention of the sentence with the actor it stands for."""

    mention: Mention
    actor: Actor

    @property
    def first(self) -> int:
        return self.mention.first

    @property
    def last(self) -> int:
        return self.mention.last


_GROUP_GLUE = frozenset({",", "and", "as", "well", "both", "the"})
#: Words between a subject and its verb that do not change the subject.
_AUXILIARIES = frozenset(
    "has have had is are was were be been being also still reportedly allegedly long "
    "repeatedly already now then both jointly not never".split()
)
#: First words of a clause set off by commas after a subject: "X, which ..., backs Y".
_PARENTHETICAL = frozenset(
    "who which whose a an the one once led backed commanded founded its his her their".split()
)


def _skip_back(tokens: Sequence[Token], at: int) -> int:
    """Where the subject of the verb at ``at`` ends: before the auxiliaries, and before a
    clause set off by commas ("The UAE, a leading member of the coalition, has trained")."""
    j = at - 1
    while j >= 0 and tokens[j].lower in _AUXILIARIES:
        j -= 1
    if j >= 0 and tokens[j].text == ",":
        opening = next(
            (k for k in range(j - 1, max(-1, j - 25), -1) if tokens[k].text == ","), None
        )
        if opening is not None and opening + 1 < j and tokens[opening + 1].lower in _PARENTHETICAL:
            return opening
    return j + 1


def _before(slots: Sequence[_Slot], at: int, tokens: Sequence[Token]) -> list[_Slot]:
    """The actor nearest before token ``at``, with the actors joined to it by "and" (and
    by commas in a list that "and" closes: "Russia, Iran and Turkey", not the apposition
    "the UN envoy for Libya, Ghassan Salame")."""
    limit, pronoun = _clause_start(tokens, at)
    earlier = [s for s in slots if s.last < at and s.first >= limit]
    if pronoun or not earlier:
        before_that = [s for s in slots if s.last < limit]
        if not pronoun or not before_that:
            return []
        earlier = before_that  # "X rejected accusations that it supplied ...": X
    skip = _skip_back(tokens, at)
    earlier = [s for s in earlier if s.last < skip] or []
    if not earlier:
        return []
    group = [earlier[-1]]
    closed = False
    for s in reversed(earlier[:-1]):
        gap = [t.lower for t in tokens[s.last + 1 : group[0].first]]
        if not gap or not all(w in _GROUP_GLUE for w in gap):
            break
        if "and" in gap:
            if closed:
                break  # "X and Y and Z" is read as two lists
            closed = True
        elif not closed:
            break  # a comma with no "and" after it: an apposition
        group.insert(0, s)
    return group


#: Words that open a clause of its own, whose subject is inside it.
_SUBORDINATE = frozenset({"that", "whether"})
_PRONOUNS = frozenset({"it", "they", "he", "she", "its", "their"})


def _clause_start(tokens: Sequence[Token], at: int) -> tuple[int, bool]:
    """Where the clause of the verb at ``at`` begins (after "that"), and whether its
    subject is a pronoun, which stands for the subject before "that"."""
    for k in range(at - 1, max(-1, at - 15), -1):
        word = tokens[k].lower
        if word in _SUBORDINATE:
            pronoun = k + 1 < at and tokens[k + 1].lower in _PRONOUNS
            return k + 1, pronoun
        if word in {"accuse", "accuses", "accused", "accusing"} and not (
            k > 0 and tokens[k - 1].lower in {"is", "are", "was", "were", "been", "being"}
        ):
            return k + 1, False  # "X accuses Y of backing Z": Y backs
    return 0, False


def _after(
    slots: Sequence[_Slot], at: int, tokens: Sequence[Token], reach: int = 12
) -> list[_Slot]:
    """The actor nearest after token ``at`` (within ``reach`` tokens), with the actors
    joined to it by "and" (and by commas in a list that "and" closes)."""
    later = [s for s in slots if s.first > at and s.first - at <= reach]
    if not later:
        return []
    group = [later[0]]
    pending: list[_Slot] = []
    for s in [s for s in slots if s.first > later[0].last]:
        tail = (pending or group)[-1]
        gap = [t.lower for t in tokens[tail.last + 1 : s.first]]
        if not gap or not all(w in _GROUP_GLUE for w in gap):
            break
        if "and" in gap:
            if gap[0] == "," and not pending and len(group) == 1:
                break  # ", and the EU agreed": a second clause, not a list
            group.extend([*pending, s])
            pending = []
            break
        pending.append(s)  # joined by a comma: kept if an "and" closes the list
    return group


def _inside(slots: Sequence[_Slot], at: int) -> bool:
    return any(s.first <= at <= s.last for s in slots)


def _support_kinds(tokens: Sequence[Token], at: int, slots: Sequence[_Slot] = ()) -> set[str]:
    # the words of names are no kinds of support ("the Sudanese Armed Forces")
    named = {k for s in slots for k in range(s.first, s.last + 1)}
    window = {
        t.lower
        for k, t in enumerate(tokens[max(0, at - 3) : at + 8], max(0, at - 3))
        if k not in named
    }
    found = {kind for words, kind in _SUPPORT_KINDS if window & words}
    if "air" in window and ("strikes" in window or "support" in window):
        found.add("TroopsSupport")
    return found or {"UnspecifiedSupport"}


def _reported(words: Sequence[str]) -> bool:
    """An accusation or a report the sentence does not make its own."""
    return bool(set(words) & _ALLEGED) or any(
        _phrase(words, p)
        for p in (
            ("is", "said", "to"),
            ("are", "said", "to"),
            ("they", "say"),
            ("reported", "to"),
            ("believed", "to"),
            ("may", "be"),
            ("might", "be"),
            ("could", "be"),
            ("may", "have"),
            ("might", "have"),
        )
    )


def _status(words: Sequence[str]) -> str:
    """Alleged or denied, from the whole sentence (a report frames all it says): a denial
    of a charge ("rejected accusations that ...") is denied; a charge and its denial
    ("is accused of ..., which Tehran denies") are alleged."""
    bag = set(words)
    denials = [i for i, w in enumerate(words) if w in _DENIED]
    if bag & _CHARGES:
        denials += [i for i, w in enumerate(words) if w in _REJECTED]
    charges = [i for i, w in enumerate(words) if w in _ALLEGED or w in _CHARGES]
    if denials and (not charges or min(denials) < min(charges)):
        return "Denied"
    if charges or _reported(words):
        return "Alleged"
    return "Asserted"


def _ended(words: Sequence[str], at: int) -> bool:
    """Whether the clause of the word at ``at`` says the relation ended."""
    begin = max((k + 1 for k in range(at) if words[k] in _CLAUSE_ENDS), default=0)
    end = next((k for k in range(at, len(words)) if words[k] in _CLAUSE_ENDS), len(words))
    clause = words[begin:end]
    if "former" in words[max(0, at - 2) : at] or "formerly" in words[max(0, at - 3) : at]:
        return True  # "a former ally": "former" on a person is read with the office
    return bool(set(clause) & _ENDED) or any(_phrase(clause, p) for p in _ENDED_PHRASES)


def _phrase(words: Sequence[str], phrase: Sequence[str]) -> bool:
    n = len(phrase)
    return any(tuple(words[i : i + n]) == tuple(phrase) for i in range(len(words) - n + 1))


class _Sentence:
    """The rules applied to one sentence."""

    def __init__(self, sentence: Sentence, slots: list[_Slot], day: date | None) -> None:
        self.sentence = sentence
        self.tokens = sentence.tokens
        self.words = [t.lower for t in self.tokens]
        self.slots = slots
        self.found: list[Candidate] = []
        self.status = _status(self.words)
        self.datings = dates_in(sentence.text, day)
        self.at = 0  # the word the rule at work started from
        self.offices: dict[str, Actor] = {}  # head of state -> state, from this sentence
        named = {s.actor.iri for s in slots if s.mention.how != "definite"}
        self.described = {
            s.actor.iri for s in slots if s.mention.how == "definite" and s.actor.iri not in named
        }

    def add(
        self,
        kind: str,
        roles: list[tuple[str, Actor]],
        rule: str,
        confidence: float,
        **extra: object,
    ) -> None:
        actors = [a for _r, a in roles]
        if len({a.iri for a in actors}) < len(actors):
            return  # an actor in two roles of one claim is a misreading
        if any(a.iri in self.described for a in actors):
            confidence -= 0.2  # "the group", "the militia": read as the one named before
        if any(a.proposed for a in actors):
            confidence -= 0.15
        candidate = Candidate(kind, roles, self.sentence, rule, round(max(0.1, confidence), 2))
        candidate.at = self.at
        for name, value in extra.items():
            setattr(candidate, name, value)
        if "status" not in extra:
            candidate.status = self.status
            if candidate.status == "Asserted" and kind in _CAN_END and _ended(self.words, self.at):
                candidate.status = "Ended"
        self.found.append(candidate)

    def run(self) -> list[Candidate]:
        words = self.words
        self._offices()
        # "Uganda's President Yoweri Museveni ... sent troops": the state sends them
        self.offices = {
            c.roles[0][1].iri: c.roles[1][1]
            for c in self.found
            if c.kind == "OfficeClaim"
            and c.office == "HeadOfState"
            and c.roles[1][1].type == "State"
            and c.status == "Asserted"
        }
        for i, word in enumerate(words):
            self.at = i
            if _inside(self.slots, i):
                self._hyphenated(i)
                continue
            if word in _BACKER_NOUNS:
                self._backer_noun(i)
            elif word in _SUPPORT_VERBS or word in {"intervened", "intervene", "intervenes"}:
                self._support(i)
            elif word in _ALLIANCE:
                nxt = words[i + 1] if i + 1 < len(words) else ""
                prev = words[i - 1] if i else ""
                if (
                    nxt in {"of", "with", "to", "between"}
                    or word in {"allied", "partnered"}
                    or prev in {"'s", "are", "were", "been", "remain", "became"}
                ):
                    # not the description "CMA, a Tuareg-led rebel alliance"
                    self._symmetric(i, "AllianceClaim", "alliance")
            elif word in _OPPOSITION:
                nxt = words[i + 1] if i + 1 < len(words) else ""
                if nxt == "to":
                    pass  # "groups fighting to topple Assad": the fighters are unnamed
                elif nxt in _ON_THE_SIDE:
                    if nxt != "for":  # "fighting for X" is read as support where a verb says
                        self._symmetric(i, "AllianceClaim", "alliance", skip=1)
                else:
                    self._symmetric(i, "OppositionClaim", "opposition")
            elif word in _MEDIATION:
                self._third(i, "MediationClaim", "mediator", "talks", "mediation")
            elif word in _HOSTING:
                if set(words[max(0, i - 6) : i + 7]) & (_TALKS_WORDS | {"round", "rounds"}):
                    # "Qatar has hosted the Taliban since 2013" hosts no talks
                    self._third(i, "HostingClaim", "host", "talks", "hosting")
            elif (
                word in {"delegation", "delegations"}
                and i + 1 < len(words)
                and words[i + 1] in {"from", "of"}
            ):
                self._each(
                    _after(self.slots, i + 1, self.tokens, reach=3),
                    ("ParticipationClaim", "participant", "talks"),
                    "participation: delegations from X",
                    0.6,
                )
            elif word in _PARTICIPATION:
                self._third(i, "ParticipationClaim", "participant", "talks", "participation")
            elif word in _SIGNING:
                self._third(i, "SignatoryClaim", "signatory", "agreement", "signing")
            elif word in {"agreed", "agree", "agrees", "reached", "accepted", "approved"} and set(
                words[i + 1 : i + 7]
            ) & (_AGREEMENT_WORDS | {"cessation"}):
                self._third(i, "SignatoryClaim", "signatory", "agreement", "signing", before=True)
            elif word in _GUARANTEE:
                self._third(i, "GuaranteeClaim", "guarantor", "agreement", "guarantee")
            elif word == "between":
                self._between(i)
            elif (
                word in {"leads", "leading", "led", "lead", "chairs", "chaired", "chairing"}
                and (set(words[i + 1 : i + 5]) & (_TALKS_WORDS | {"process", "mediation"}))
                and not (i + 1 < len(words) and words[i + 1] == "by")
            ):
                self._third(i, "MediationClaim", "mediator", "talks", "mediation", before=True)
            elif word == "auspices" and i + 1 < len(words) and words[i + 1] == "of":
                self._each(
                    [self._speaker(s) for s in _after(self.slots, i + 1, self.tokens, reach=3)],
                    ("MediationClaim", "mediator", "talks"),
                    "mediation: under the auspices of X",
                    0.75,
                )
            else:
                self._hyphenated(i)
        self._hosting_place()
        return self._dated(self._merged())

    def _object(self, i: int, reach: int = 8) -> list[_Slot]:
        """The actors after the verb at ``i``, up to the next verb of a relation or clause
        ("ended CIA support to rebel groups fighting to topple Assad": not Assad)."""
        words = self.words
        stop = next(
            (
                k
                for k in range(i + 1, min(len(words), i + reach + 1))
                if words[k] in _STOPS and not _inside(self.slots, k)
            ),
            i + reach + 1,
        )
        return [s for s in _after(self.slots, i, self.tokens, reach=reach) if s.first < stop]

    # -- the person an organisation speaks through -------------------------------------

    def _speaker(self, slot: _Slot) -> _Slot:
        """ "the UN special envoy for Yemen, Martin Griffiths": the person, not the UN, is
        who acts; also "US special envoy Zalmay Khalilzad", "the Taliban's political chief,
        Mullah Abdul Ghani Baradar"."""
        if slot.actor.type in _PERSON_TYPES:
            return slot
        words = self.words
        j = slot.last + 1
        saw_title = False
        while j < len(words) and j - slot.last <= 14:
            nxt = next((s for s in self.slots if s.first == j), None)
            if nxt is not None:
                if nxt.actor.type in _PERSON_TYPES and (saw_title or nxt.mention.title):
                    return nxt
                if not (j > 0 and words[j - 1] in {"for", "to", "the"} and saw_title):
                    return slot
                j = nxt.last + 1
                continue
            w = words[j]
            if w in TITLES or w in _ENVOY_WORDS or _office_at(words, j)[0]:
                saw_title = True
            elif (
                w in _TITLE_FILLER
                or w in {"for", "to", "on", "of"}
                or (self.tokens[j].text in _RESOLVE.gazetteer.demonyms)
            ):
                pass
            elif self.tokens[j].capitalised and saw_title:
                pass  # "for the Horn of Africa"
            else:
                return slot
            j += 1
        return slot

    # -- support ---------------------------------------------------------------------

    def _support(self, i: int) -> None:
        tokens, words = self.tokens, self.words
        word = words[i]
        if (
            i > 1
            and words[i - 1] == "to"
            and any(w in _SUPPORT_VERBS for w in words[max(0, i - 8) : i - 1])
        ):
            return  # "sent special forces to train Y": read at "sent"
        if word in {"arms", "arm"} and (
            (i + 1 < len(words) and words[i + 1] in _ARMS_NOUNS)
            or (i and words[i - 1] in {"the", "of", "and", "with", "un", "heavy"})
        ):
            return  # "the UN arms embargo", "arms and drones": a noun
        by = i + 1
        while by + 1 < len(words) and words[by] == "and" and words[by + 1] in _SUPPORT_VERBS:
            by += 2  # "trained and equipped by X"
        passive = by < len(tokens) and words[by] == "by"
        received = (
            any(w in _RECEIVING for w in words[max(0, i - 6) : i])
            and "from" in words[i + 1 : i + 4]
        )
        if received:
            # "Y, which receives its equipment and training from X"
            start = next(k for k in range(i - 1, max(-1, i - 7), -1) if words[k] in _RECEIVING)
            giver = next(k for k in range(i + 1, i + 4) if words[k] == "from")
            backers = [self._speaker(s) for s in _after(self.slots, giver, tokens, reach=3)]
            recipients = _before(self.slots, start, tokens)[-1:]
            rule, confidence = "support: Y receives support from X", 0.75
        elif passive:
            i_by = by
            backers = [self._speaker(s) for s in _after(self.slots, i_by, tokens)]
            recipients = _before(self.slots, i, tokens)[-1:]
            rule, confidence = f"support: Y {word} by X", 0.8
        else:
            backers = _before(self.slots, i, tokens)
            recipients = self._object(i)
            rule, confidence = f"support: X {word} Y", 0.8
            if word.startswith("interven"):
                # "intervened to support / restore / back Y"
                to = next(
                    (k for k in range(i + 1, min(i + 9, len(tokens))) if words[k] == "to"), None
                )
                if (
                    to is None
                    or to + 1 >= len(words)
                    or words[to + 1]
                    not in {"support", "restore", "back", "help", "defend", "protect", "aid"}
                ):
                    return
                recipients = _after(self.slots, to + 1, tokens, reach=4)
                rule, confidence = "support: X intervened to support Y", 0.75
            elif word in {
                "send",
                "sends",
                "sent",
                "sending",
                "deploy",
                "deploys",
                "deployed",
                "deploying",
                "provide",
                "provides",
                "provided",
                "providing",
                "supply",
                "supplies",
                "supplied",
                "supplying",
            }:
                # "sent troops to Y", "supplied drones to Y", "provided Y with arms"
                to = next(
                    (
                        k
                        for k in range(i + 1, min(i + 10, len(tokens)))
                        if words[k] in {"to", "for"}
                    ),
                    None,
                )
                direct = [
                    s
                    for s in recipients
                    if s.first == i + 1 or (s.first == i + 2 and words[i + 1] == "the")
                ]
                if to is not None:
                    recipients = _after(self.slots, to, tokens, reach=5)
                    verb = words[to + 1] if to + 1 < len(words) else ""
                    if verb == "fight" and to + 2 < len(words) and words[to + 2] != "for":
                        # "sent troops to fight the militants": against them, not for them
                        for backer in backers:
                            for enemy in _after(self.slots, to + 1, tokens, reach=4)[:1]:
                                self.add(
                                    "OppositionClaim",
                                    [("party", backer.actor), ("party", enemy.actor)],
                                    "opposition: X sent troops to fight Y",
                                    0.7,
                                )
                        return
                    if verb in {"fight", "support", "back", "help", "defend", "protect"}:
                        recipients = _after(self.slots, to + 1, tokens, reach=4)
                elif direct and "with" in words[i + 1 : i + 8]:
                    recipients = direct
                else:
                    return
                confidence = 0.7
        kinds = _support_kinds(tokens, i, self.slots)
        backers = [
            _Slot(b.mention, self.offices[b.actor.iri]) if b.actor.iri in self.offices else b
            for b in backers
        ]
        for backer in backers:
            for recipient in recipients:
                self.add(
                    "SupportClaim",
                    [("backer", backer.actor), ("recipient", recipient.actor)],
                    rule,
                    confidence,
                    support=set(kinds),
                )

    def _backer_noun(self, i: int) -> None:
        """ "X, the main backer of Y", "Y's backer X", "X is a sponsor of Y", "Y, a proxy of
        X"; and "support from X", "with the backing of X" after the recipient."""
        tokens, words = self.tokens, self.words
        word = words[i]
        proxy = word in {"proxy", "proxies"}
        if word in {"support", "backing", "help", "assistance", "aid"}:
            if (
                i + 1 < len(words)
                and words[i + 1] == "from"
                or (words[i - 1 : i] == ["the"] and i + 1 < len(words) and words[i + 1] == "of")
            ):
                backers = [self._speaker(s) for s in _after(self.slots, i + 1, tokens, reach=3)]
                recipients = _before(self.slots, i, tokens)[-1:]
                rule = f"support: Y with {word} from X"
            else:
                if word not in {"aid", "assistance"}:  # "aid to Y" is no backing of a side
                    self._support(i)
                return
        elif i + 1 < len(words) and words[i + 1] in {"of", "to"}:
            others = _after(self.slots, i + 1, tokens, reach=3)
            subject = _before(self.slots, i, tokens)
            backers, recipients = (others, subject) if proxy else (subject, others)
            rule = f"support: X, a {word} of Y"
        else:
            owner = [
                s
                for s in self.slots
                if s.last == i - 1
                or (s.last == i - 2 and words[i - 1] in {"'s", "main", "key", "chief"})
            ]
            owner = owner or [s for s in self.slots if s.last == i - 2 and words[i - 1] == "'s"]
            named = _after(self.slots, i, tokens, reach=3)
            if not owner or not named:
                return
            backers, recipients = (owner, named[:1]) if proxy else (named[:1], owner)
            rule = f"support: Y's {word} X"
        for backer in backers:
            for recipient in recipients:
                self.add(
                    "SupportClaim",
                    [("backer", backer.actor), ("recipient", recipient.actor)],
                    rule,
                    0.7,
                    support={"UnspecifiedSupport"},
                )

    def _hyphenated(self, i: int) -> None:
        """ "Iran-backed Houthis", "Russian-brokered talks": the prefix is the actor."""
        token = self.tokens[i]
        m = _SUPPORT_HYPHEN.match(token.text)
        nxt = self.words[i + 1] if i + 1 < len(self.words) else ""
        if m and m.group(2).lower() == "sponsored" and nxt in _TALKS_WORDS | {"process"}:
            m = _THIRD_HYPHEN.match(token.text.replace("-sponsored", "-brokered"))
        elif m:
            backer = self._named(m.group(1))
            recipients = _after(self.slots, i, self.tokens, reach=3)
            if not recipients:
                here = [s for s in self.slots if s.first <= i <= s.last and s.last > i]
                recipients = here
            if backer is not None and recipients:
                self.add(
                    "SupportClaim",
                    [("backer", backer), ("recipient", recipients[0].actor)],
                    f"support: X-{m.group(2).lower()} Y",
                    0.8,
                    support=_support_kinds(self.tokens, i),
                )
            return
        m = m or _THIRD_HYPHEN.match(token.text)
        if m and m.group(2).lower() in {"brokered", "mediated", "facilitated"}:
            mediator = self._named(m.group(1))
            if mediator is not None:
                # "Iran, Russia, Turkey-brokered talks": the list before brokers them too
                listed: list[Actor] = []
                k = i - 1
                while k >= 0 and self.words[k] in {",", "and"}:
                    slot = next((s for s in self.slots if s.last == k - 1), None)
                    if slot is None:
                        break
                    listed.insert(0, slot.actor)
                    k = slot.first - 1
                for actor in [*listed, mediator]:
                    self.add(
                        "MediationClaim",
                        [("mediator", actor)],
                        "mediation: X-brokered",
                        0.75,
                        talks="talks",
                    )
        elif m and m.group(2).lower() == "hosted":
            host = self._named(m.group(1))
            if host is not None:
                self.add("HostingClaim", [("host", host)], "hosting: X-hosted", 0.75, talks="talks")

    def _named(self, text: str) -> Actor | None:
        """The actor a hyphen's prefix names: a known name, a capital or a demonym's state."""
        for slot in self.slots:
            if normalise(slot.mention.text) == normalise(text):
                return slot.actor
        return _RESOLVE.word(text)

    # -- alliance and opposition -------------------------------------------------------

    def _symmetric(self, i: int, kind: str, name: str, skip: int = 0) -> None:
        tokens, words = self.tokens, self.words
        if name == "opposition" and i + 1 < len(tokens) and words[i + 1] == "between":
            return  # "fighting between X and Y": read at "between"
        passive = i + 1 < len(tokens) and words[i + 1] == "by"
        before = _before(self.slots, i, tokens)
        stop = next(
            (k for k in range(i + 1, len(words)) if words[k] in _OBJECT_ENDS), len(words)
        )  # "Turkey attacked Kurdish positions as Russia watched": not Russia
        after = [
            s
            for s in _after(self.slots, i + skip + (1 if passive else 0), tokens, reach=6)
            if s.first < stop
        ]
        if (
            name == "alliance"
            and words[i] in {"ally", "partner"}
            and i + 1 < len(words)
            and words[i + 1] == "of"
        ):
            after = _after(self.slots, i + 1, tokens, reach=4)  # "X, a close ally of Y"
        if words[i] in {"allies", "partners"} and not after and len(before) >= 2:
            self._pairs(before, kind, f"{name}: X and Y are {words[i]}", 0.75)
            return
        if not after and len(before) >= 2:
            self._pairs(before, kind, f"{name}: X and Y {words[i]}", 0.65)
            return
        if before and after:
            for a in before[-1:] if len(after) > 1 else before:
                for b in after:
                    self.add(
                        kind,
                        [("party", a.actor), ("party", b.actor)],
                        f"{name}: X {words[i]}{' ' + words[i + 1] if skip else ''} Y",
                        0.75,
                    )

    def _pairs(self, group: Sequence[_Slot], kind: str, rule: str, confidence: float) -> None:
        for x in range(len(group)):
            for y in range(x + 1, len(group)):
                self.add(
                    kind, [("party", group[x].actor), ("party", group[y].actor)], rule, confidence
                )

    def _between(self, i: int) -> None:
        """ "war between X and Y", "talks between X and Y", "a ceasefire between X and Y"."""
        head = next(
            (
                w
                for w in reversed(self.words[max(0, i - 4) : i])
                if w
                in _OPPOSITION
                | _TALKS_WORDS
                | _AGREEMENT_WORDS
                | {"conflict", "fighting", "hostilities", "war"}
            ),
            None,
        )
        group = _after(self.slots, i, self.tokens, reach=3)
        if head is None or len(group) < 2:
            return
        if head in _TALKS_WORDS:
            self._each(
                group,
                ("ParticipationClaim", "participant", "talks"),
                "participation: talks between X and Y",
                0.7,
            )
        elif head in _AGREEMENT_WORDS:
            self._each(
                group,
                ("SignatoryClaim", "signatory", "agreement"),
                "signing: agreement between X and Y",
                0.6,
            )
            if head in {"ceasefire", "truce", "armistice"}:
                # the sides of a ceasefire fought each other
                self._pairs(group, "OppositionClaim", f"opposition: {head} between X and Y", 0.6)
        else:
            self._pairs(group, "OppositionClaim", f"opposition: {head} between X and Y", 0.8)

    # -- third parties, participants, signatories -----------------------------------

    def _third(
        self, i: int, kind: str, role: str, node: str, name: str, before: bool = False
    ) -> None:
        tokens, words = self.tokens, self.words
        word = words[i]
        if i + 1 < len(tokens) and words[i + 1] == "by":
            actors = [self._speaker(s) for s in _after(self.slots, i + 1, tokens)]
            rule = f"{name}: {word} by X"
        elif i >= 2 and words[i - 1] == "the" and i + 1 < len(tokens) and words[i + 1] == "of":
            actors = [self._speaker(s) for s in _after(self.slots, i + 1, tokens, reach=3)]
            rule = f"{name}: the {word} of X"
        else:
            actors = _before(self.slots, i, tokens)
            rule = f"{name}: X {word}"
            if (not actors or i - actors[-1].last > 8) and not before:
                actors = [self._speaker(s) for s in _after(self.slots, i, tokens, reach=3)]
                rule = f"{name}: {word} X"
        self._each(actors, (kind, role, node), rule, 0.7)

    def _each(
        self, slots: Sequence[_Slot], claim: tuple[str, str, str], rule: str, confidence: float
    ) -> None:
        """One claim of ``claim`` (class, the actor's role, talks or agreement) per actor of
        ``slots``: the role an actor plays in the article's talks or agreement."""
        kind, role, node = claim
        for slot in slots:
            self.add(kind, [(role, slot.actor)], rule, confidence, talks=node)

    def _hosting_place(self) -> None:
        """ "talks in Stockholm", "talks held in Sweden", "negotiations organised in
        Kazakhstan's capital", "meetings held at UN headquarters": the state of the place,
        or the organisation of the headquarters, hosts them."""
        words = self.words
        for k, word in enumerate(words):
            if word not in _TALKS_WORDS | {"held", "organized", "organised", "convened"}:
                continue
            for j in range(k + 1, min(k + 8, len(self.tokens) - 1)):
                if words[j] in _STOPS | {".", ";"}:
                    break
                if words[j] not in {"in", "at"}:
                    continue
                host = _RESOLVE.capital_at(self.tokens, j + 1)
                rule = "hosting: talks in PLACE"
                if host is None:
                    slot = next((s for s in self.slots if s.first == j + 1), None)
                    if slot is None:
                        place = _RESOLVE.state_at(self.tokens, j + 1)
                        host = place
                    elif slot.last + 1 < len(words) and words[slot.last + 1] in {
                        "headquarters",
                        "hq",
                    }:
                        host, rule = slot.actor, "hosting: talks at X headquarters"
                if host is not None:
                    self.at = k
                    self.add("HostingClaim", [("host", host)], rule, 0.55, talks="talks")
                break

    # -- offices and envoys ------------------------------------------------------------

    def _offices(self) -> None:
        words = self.words
        known = [s for s in self.slots if s.mention.how != "new" and not s.mention.title]
        last_organisation: Actor | None = None
        k = 0
        while k < len(words):
            if _inside(known, k):
                k += 1
                continue
            office, size = _office_at(words, k)
            envoy = words[k] in _ENVOY_WORDS
            if office is None and not envoy:
                k += 1
                continue
            end = k + (size if office else 1)
            if (
                (envoy or office == "Ambassador")
                and end + 1 < len(words)
                and words[end] in {"for", "to", "on"}
            ):
                # "envoy for Yemen", "envoy for the Horn of Africa"
                j = end + 1
                if words[j] == "the":
                    j += 1
                while j < len(words) and (self.tokens[j].capitalised or words[j] == "of"):
                    j += 1
                end = j
            start = k
            while start > 0 and words[start - 1] in _TITLE_FILLER - {","}:
                start -= 1
            former = "former" in words[max(0, start - 2) : end]
            organisation, org_first = self._organisation(start, end)
            if organisation is None and start > 0 and words[start - 1] == "and":
                organisation = last_organisation  # "Foreign Minister X and Defence Minister Y"
            last_organisation = organisation
            unqualified = False
            qualified = start > 0 and (
                self.tokens[start - 1].text in _RESOLVE.gazetteer.demonyms
                or words[start - 1] in {"'s", "of"}
            )
            if organisation is None and office and not qualified and _RESOLVE.resolver:
                # "President Filipe Nyusi" in a story on Mozambique: news names the
                # president of the country it is about without the country
                # or of the state that is the subject before it ("Malaysia ... sent Prime
                # Minister Najib Razak")
                first = self.slots[0] if self.slots else None
                subject = (
                    [first.actor]
                    if first is not None
                    and first.last < start
                    and first.actor.type == "State"
                    and "and" not in words[first.last + 1 : start]
                    else []
                )
                main = subject[0].iri if subject else _RESOLVE.resolver.main_state()
                if main:
                    organisation = Actor(main, _RESOLVE.resolver.label(main), type="State")
                    unqualified = True
            person = self._person_after(end) or self._person_before(
                org_first if org_first is not None else start
            )
            self.at = k
            if unqualified and person is not None and not person.proposed:
                person = None  # a person the graph knows: their office is known there
            if person is not None and organisation is not None and organisation.iri != person.iri:
                status = "Ended" if former else "Asserted"
                if envoy:
                    self.add(
                        "EnvoyClaim",
                        [("envoy", person), ("principal", organisation)],
                        "envoy: ORG envoy PERSON",
                        0.8,
                        status=status,
                    )
                elif office:
                    if (
                        office == "ForeignMinister"
                        and words[k] == "secretary"
                        and organisation.label != "United States"
                    ):
                        office = "Minister"
                    self.add(
                        "OfficeClaim",
                        [("holder", person), ("organisation", organisation)],
                        f"office: {'' if unqualified else 'ORG '}"
                        f"{' '.join(words[k : k + size])} PERSON",
                        0.5 if unqualified else 0.8,
                        office=office,
                        status=status,
                    )
            k = end

    def _person_after(self, at: int) -> Actor | None:
        for s in self.slots:
            if s.last < at:
                continue
            if s.first <= at <= s.last and s.mention.title and s.actor.type in _PERSON_TYPES:
                return s.actor  # the title is inside the mention: "President Paul Kagame"
            gap = self.words[at : s.first]
            if (
                s.actor.type in _PERSON_TYPES
                and len(gap) <= 5
                and all(
                    w in TITLES
                    or w in _TITLE_FILLER
                    or w in {","}
                    or self.tokens[at + n].text in _RESOLVE.gazetteer.demonyms
                    for n, w in enumerate(gap)
                )
            ):
                return s.actor
            return None
        return None

    def _person_before(self, at: int) -> Actor | None:
        earlier = [s for s in self.slots if s.last < at]
        if not earlier:
            return None
        s = earlier[-1]
        gap = self.words[s.last + 1 : at]
        if (
            s.actor.type in _PERSON_TYPES
            and gap
            and gap[0] == ","
            and all(w in {",", "the", "a", "an", "'s"} or w in _TITLE_FILLER for w in gap)
        ):
            return s.actor
        return None

    def _organisation(self, start: int, end: int) -> tuple[Actor | None, int | None]:
        """The state or organisation of a title and where it begins: right before it
        ("Rwandan President", "Mali's interim president", "the UN envoy"), the state of a
        government before "of" ("the Afghan government of President Ashraf Ghani"), or after
        "of" ("President of Angola")."""
        words = self.words
        j = start - 1
        while j >= 0 and words[j] in {"'s", "the"}:
            j -= 1
        if j >= 0:
            for s in self.slots:
                if s.last == j and s.actor.type not in _PERSON_TYPES:
                    return s.actor, s.first
                if s.first <= j <= s.last and s.mention.title and s.first < start:
                    break  # the demonym of "Rwandan President Paul Kagame"
            state = _RESOLVE.word(self.tokens[j].text)
            if state is not None:
                return state, j
            if words[j] == "of" and j > 0:
                for s in self.slots:
                    if s.last == j - 1 and s.mention.how == "government":
                        state_iri = (
                            _RESOLVE.resolver.state(s.mention.state) if _RESOLVE.resolver else None
                        )
                        if state_iri:
                            return Actor(
                                state_iri,
                                _RESOLVE.resolver.label(state_iri)
                                if _RESOLVE.resolver
                                else state_iri,
                                type="State",
                            ), None
        if end < len(words) and words[end] == "of":
            for s in self.slots:
                if s.first == end + 1 and s.actor.type not in _PERSON_TYPES:
                    return s.actor, None
        return None, None

    # -- merging and dates -------------------------------------------------------------

    def _merged(self) -> list[Candidate]:
        merged: dict[tuple[str, str, str | None, str], Candidate] = {}
        for c in self.found:
            roles = tuple(sorted((r, a.iri) for r, a in c.roles))
            key = (c.kind, repr(roles), c.office, c.status)
            old = merged.get(key)
            if old is None:
                merged[key] = c
            else:
                old.support |= c.support
                if len(old.support) > 1:
                    old.support.discard("UnspecifiedSupport")
                old.confidence = max(old.confidence, c.confidence)
        return list(merged.values())

    def _clause(self, at: int) -> tuple[int, int]:
        """The characters of the clause of token ``at`` (the whole sentence if unknown)."""
        words, tokens = self.words, self.tokens
        if at < 0 or not tokens:
            return 0, len(self.sentence.text)
        begin = max((k + 1 for k in range(at) if words[k] in _CLAUSE_ENDS), default=0)
        end = next((k for k in range(at, len(words)) if words[k] in _CLAUSE_ENDS), len(words))
        first = tokens[begin].begin if begin < len(tokens) else 0
        last = tokens[end - 1].end if end > 0 else len(self.sentence.text)
        return first, last

    def _dated(self, found: list[Candidate]) -> list[Candidate]:
        for c in found:
            if c.kind in {"OfficeClaim", "EnvoyClaim"}:
                continue
            first, last = self._clause(c.at)
            for dating in self.datings:
                if dating.when is None or not first <= dating.begin < last:
                    continue  # "X backs Y, while Z began ... this month": not X's date
                role = dating.role
                if role == "point":
                    lead = set(
                        re.findall(r"[a-z]+", self.sentence.text[: dating.begin].lower())[-4:]
                    )
                    if lead & _START_CUES:
                        role = "start"
                    elif lead & _END_CUES or c.status == "Ended":
                        role = "end"
                    else:
                        role = "start"
                if role == "start" and c.start is None:
                    c.start = dating.when
                elif role == "end" and c.end is None:
                    c.end = dating.when
            if c.start and c.end and c.end.first < c.start.first:
                c.end = None
        return found


def _office_at(words: Sequence[str], k: int) -> tuple[str | None, int]:
    for phrase, office in _OFFICES:
        if tuple(words[k : k + len(phrase)]) == phrase:
            if (
                k > 0
                and words[k - 1] in {"prime", "foreign", "defence", "defense"}
                and len(phrase) == 1
            ):
                return None, 0
            return office, len(phrase)
    return None, 0


class _Words:
    """Single words that name a state: a capital, a demonym, a known name."""

    gazetteer: Gazetteer = Gazetteer()
    resolver: _Resolver | None = None

    def word(self, text: str) -> Actor | None:
        key = fold_words(text)
        g = self.gazetteer
        if key in g.names:
            known = sorted(g.names[key], key=_known_order)[0]
            return Actor(known.iri, known.label, type=known.type)
        if key in g.capitals:
            state = g.capitals[key]
            return Actor(
                state, self.resolver.label(state) if self.resolver else state, type="State"
            )
        states = g.demonyms.get(text)
        if states and self.resolver is not None:
            one = self.resolver.state("|".join(states))
            if one:
                return Actor(one, self.resolver.label(one), type="State")
        return None

    def state_at(self, tokens: Sequence[Token], j: int) -> Actor | None:
        """A state named at ``j`` as a place: "in Sweden", "in Kazakhstan's capital"."""
        for size in (4, 3, 2, 1):
            words = tokens[j : j + size]
            if len(words) < size or not words[0].capitalised:
                continue
            key = fold_words(" ".join(t.text for t in words))
            known = [k for k in self.gazetteer.names.get(key, []) if k.type == "State"]
            if known:
                return Actor(known[0].iri, known[0].label, type="State")
        return None

    def capital_at(self, tokens: Sequence[Token], j: int) -> Actor | None:
        for size in (3, 2, 1):
            words = tokens[j : j + size]
            if len(words) < size or not words[0].capitalised:
                continue
            key = fold_words(" ".join(t.text for t in words))
            state = self.gazetteer.capitals.get(key)
            if state:
                label = self.resolver.label(state) if self.resolver else state
                return Actor(state, label, type="State")
        return None


_RESOLVE = _Words()


# ----------------------------------------------------------------------------------------
# Articles to a graph


def extract(
    articles: Sequence[Article],
    gazetteer: Gazetteer,
    governments: dict[str, str],
    *,
    rejected: Iterable[str] = (),
) -> Extraction:
    """Candidate claims of ``articles`` as a graph in the data's model."""
    graph = _new_graph()
    result = Extraction(graph)
    skip = set(rejected)
    _RESOLVE.gazetteer = gazetteer
    for article in articles:
        resolver = _Resolver(gazetteer, governments)
        _RESOLVE.resolver = resolver
        proper = capitalised_elsewhere(article.text)
        found = [(s, mentions(s, gazetteer, proper)) for s in sentences(article.text)]
        result.sentences += len(found)
        resolver.prepare(found)
        candidates: list[Candidate] = []
        for sentence, ms in found:
            slots = []
            resolver.seen_before = list(resolver.seen.values())  # "the group": named earlier
            for m in ms:
                actor = resolver.actor(m)
                if actor is not None:
                    resolver.abbreviation(m, sentence, actor)
                    slots.append(_Slot(m, actor))
            candidates.extend(_Sentence(sentence, slots, article.day).run())
        unique = _one_each(candidates)
        kept = [c for c in unique if c.key() not in skip]
        result.skipped_rejected += len(unique) - len(kept)
        if kept:
            _article_node(graph, article)
        used: dict[str, Actor] = {}
        for c in kept:
            _claim(graph, article, c)
            for _r, a in c.roles:
                if a.proposed:
                    used[a.iri] = resolver.proposed.get(normalise(a.label), a)
        for actor in sorted(used.values(), key=lambda a: a.iri):
            _actor_node(graph, actor)
        result.claims += len(kept)
        result.proposed += len(used)
        if article.day is None:
            undated = [d.text for s, _ms in found for d in dates_in(s.text, None) if d.when is None]
            if undated:
                shown = ", ".join(f"'{t}'" for t in dict.fromkeys(undated[:4]))
                more = ", ..." if len(undated) > 4 else ""
                plural = "s" if len(undated) > 1 else ""
                result.notes.append(
                    f"{article.name}: {len(undated)} relative date{plural} ({shown}{more}) "
                    "left undated: give --date YYYY-MM-DD, the article's date"
                )
    return result


def _one_each(candidates: Sequence[Candidate]) -> list[Candidate]:
    """One candidate per relation and status in an article: the surest, the first of
    equals (a relation said twice is one claim for the review)."""
    best: dict[tuple[str, str, str | None, str], Candidate] = {}
    for c in candidates:
        key = (c.kind, repr(sorted((r, a.iri) for r, a in c.roles)), c.office, c.status)
        if key not in best or c.confidence > best[key].confidence:
            best[key] = c
    chosen = {id(c) for c in best.values()}
    return [c for c in candidates if id(c) in chosen]


def _slug(key: str, kind: str) -> str:
    """An IRI's last part for a new actor: its name in ASCII, or (a name in another script,
    "新华社") the kind with a fingerprint of the name, so two names never share one."""
    slug = re.sub(r"[^a-z0-9]+", "-", key).strip("-")
    if slug:
        return slug
    return f"{kind}-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:10]}"


def _new_graph() -> Graph:
    graph = Graph()
    graph.bind("ckg", CKG._NS)
    graph.bind("ck", ID)
    graph.bind("dcterms", DCTERMS)
    graph.bind("skos", SKOS)
    graph.bind("time", TIME)
    return graph


def _article_node(graph: Graph, article: Article) -> None:
    node = article.iri
    graph.add((node, RDF.type, CKG.NewsArticle))
    title = article.title or f"Article {article.name}"
    graph.add((node, DCTERMS.title, Literal(title, lang="en")))
    if article.day is not None:
        graph.add((node, DCTERMS.date, Literal(article.day.isoformat(), datatype=XSD.date)))
        graph.add((node, CKG.datePrecision, TIME.unitDay))
    if article.url:
        graph.add((node, RDFS.seeAlso, URIRef(article.url)))
    if article.publisher:
        graph.add((node, DCTERMS.publisher, URIRef(_publisher(graph, article.publisher))))
    graph.add((node, DCTERMS.language, Literal("en")))
    graph.add((node, RDFS.comment, Literal(f"Read by kg extract from {article.name}.", lang="en")))


def _publisher(graph: Graph, name: str) -> str:
    """The actor the graph knows by ``name``, or a media outlet proposed under it."""
    known = _RESOLVE.gazetteer.names.get(fold_words(name))
    if known:
        return sorted(known, key=_known_order)[0].iri
    slug = _slug(normalise(name), "publisher")
    actor = Actor(str(ID[slug]), name, proposed=True, type="MediaOutlet")
    _actor_node(graph, actor)
    return actor.iri


def _talks_node(graph: Graph, article: Article, what: str) -> URIRef:
    digest = str(article.iri).rsplit("-", 1)[-1]
    node = ID[f"{what}-{digest}"]
    if (node, RDF.type, None) not in graph:
        cls = CKG.Talks if what == "talks" else CKG.Agreement
        title = article.title or Path(article.name).name
        graph.add((node, RDF.type, cls))
        graph.add((node, RDFS.label, Literal(f"{what} reported in {title}", lang="en")))
        graph.add((node, CKG.foundBy, Literal(f"{what} named in the article")))
    return node


def _claim(graph: Graph, article: Article, c: Candidate) -> None:
    key = c.key()
    node = ID[f"candidate-{key}"]
    graph.add((node, RDF.type, CKG._NS[c.kind]))
    names = ", ".join(f"{role} {actor.label}" for role, actor in c.roles)
    graph.add((node, RDFS.label, Literal(f"{c.kind[:-5]}: {names}", lang="en")))
    for role, actor in c.roles:
        graph.add((node, CKG._NS[role], URIRef(actor.iri)))
    if c.talks:
        graph.add((node, CKG._NS[c.talks], _talks_node(graph, article, c.talks)))
    if c.kind == "SupportClaim":
        for kind in sorted(c.support or {"UnspecifiedSupport"}):
            graph.add((node, CKG.supportKind, CKG._NS[kind]))
    if c.office:
        graph.add((node, CKG.office, CKG._NS[c.office]))
    graph.add((node, CKG.status, CKG._NS[c.status]))
    for point, prop, precision in (
        (c.start, CKG.start, CKG.startPrecision),
        (c.end, CKG.end, CKG.endPrecision),
    ):
        if point is not None:
            graph.add((node, prop, Literal(point.first.isoformat(), datatype=XSD.date)))
            graph.add((node, precision, _PRECISION[point.precision]))
    graph.add((node, CKG.source, article.iri))
    graph.add((node, CKG.quote, Literal(c.sentence.text)))
    graph.add((node, CKG.quoteStart, Literal(c.sentence.begin, datatype=XSD.nonNegativeInteger)))
    graph.add((node, CKG.quoteEnd, Literal(c.sentence.end, datatype=XSD.nonNegativeInteger)))
    graph.add((node, CKG.foundBy, Literal(c.rule)))
    graph.add((node, CKG.confidence, Literal(Decimal(str(c.confidence)), datatype=XSD.decimal)))
    graph.add((node, CKG.candidateKey, Literal(key)))


def _actor_node(graph: Graph, actor: Actor) -> None:
    node = URIRef(actor.iri)
    graph.add((node, RDF.type, CKG._NS[actor.type]))
    graph.add((node, RDFS.label, Literal(actor.label, lang="en")))
    for name in actor.names:
        if name != actor.label:
            graph.add((node, SKOS.altLabel, Literal(name, lang="en")))
    if actor.government_of:
        graph.add((node, CKG.governmentOf, URIRef(actor.government_of)))
    if actor.part_of:
        graph.add((node, CKG.partOf, URIRef(actor.part_of)))
    graph.add((node, CKG.proposedActor, Literal(True)))
    graph.add((node, CKG.foundBy, Literal("a name the graph does not know")))
    graph.add((node, CKG.confidence, Literal(Decimal("0.5"), datatype=XSD.decimal)))


# ----------------------------------------------------------------------------------------
# The gazetteer of a graph

_LOCAL = re.compile(r"[^/#]+$")


def gazetteer_of(
    rows: Iterable[dict[str, object]], states: Iterable[StateEntry] = ()
) -> tuple[Gazetteer, dict[str, str]]:
    """The names of the graph's actors (rows of extract-names.rq), the bundled crosswalk of
    states (``states``, for the states a graph of other things does not list) and the
    capitals and demonyms of kg.metonyms; and each state's government in the graph."""
    from kg.metonyms import load_metonyms

    gazetteer = Gazetteer()
    types: dict[str, list[str]] = {}
    labels: dict[str, str] = {}
    states_of: dict[str, str] = {}
    names: dict[str, set[str]] = {}
    for row in rows:
        if row.get("place") is not None and row.get("name") is not None:
            gazetteer.add_place(str(row["name"]))
            continue
        actor, name = row.get("actor"), row.get("name")
        if actor is None or name is None:
            continue
        iri = str(actor)
        match = _LOCAL.search(str(row.get("type") or ""))
        types.setdefault(iri, [])
        if match and match.group(0) not in types[iri]:
            types[iri].append(match.group(0))
        if row.get("label") is not None:
            labels.setdefault(iri, str(row["label"]))
        if row.get("state") is not None:
            states_of.setdefault(iri, str(row["state"]))
        names.setdefault(iri, set()).add(str(name))
    for state in states:
        iri = str(state.iri)
        types.setdefault(iri, ["State"])
        names.setdefault(iri, set()).update({state.label, *state.names})
        labels.setdefault(iri, state.label)
    governments: dict[str, str] = {}
    for iri in sorted(names):
        kinds = sorted(
            types.get(iri) or ["Actor"],
            key=lambda t: (_TYPE_ORDER.index(t) if t in _TYPE_ORDER else len(_TYPE_ORDER), t),
        )
        known = Known(iri, kinds[0], labels.get(iri, sorted(names[iri])[0]), states_of.get(iri))
        if known.type == "Government" and known.state:
            governments.setdefault(known.state, iri)
        for name in sorted(names[iri]):
            gazetteer.add(name, known)
    metonyms = load_metonyms()
    for capital, seat_of in sorted(metonyms.capitals.items()):
        gazetteer.add_capital(capital, str(seat_of))
    for demonym, of in sorted(metonyms.demonyms.items()):
        gazetteer.demonyms[demonym] = tuple(str(s) for s in of)
    return gazetteer, governments
