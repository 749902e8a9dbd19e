"""One actor across sources, reviewed by a person: find actors by any part of any name,
list the pairs that may be one actor (near names, a shared id), and record the decision
on a pair as data.

- :func:`search` finds actors whose name contains a text (``kg actors search``);
- :func:`candidates` lists the pairs that may be one actor, each with a score and why
  (``kg actors match``); a pair decided on is not proposed again;
- :func:`decide` records that two actors are one (``owl:sameAs``, the first merged into
  the second) or two (``owl:differentFrom``), with a ``ckg:MatchDecision`` that says who
  and when (``kg actors merge``, ``kg actors distinct``), in a store folder or a file, all
  or nothing. In a store a merge also moves the claims that name the merged actor to the
  actor it is merged into, as an import would write them; its names become the actor's
  other names, and it is no longer listed as an actor. Imports follow the merge from then
  on (kg.importers.resolve reads every owl:sameAs).
"""

from __future__ import annotations

import difflib
import getpass
import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal as Verdict

from rdflib import OWL, RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef
from rdflib.term import Node

from kg.actors import resolve
from kg.errors import DecisionRefused, StoreError, UnknownName
from kg.graph import DATA_GRAPH, KnowledgeGraph, StoreSpec
from kg.locks import LOCK_WAIT
from kg.names import normalise
from kg.queries import PREFIXES, compact
from kg.results import Result, Row
from kg.vocab import CKG, ID

Any3 = tuple[Node, Node, Node]
PROV_ENDED = URIRef("http://www.w3.org/ns/prov#endedAtTime")

#: The codes shown and matched, with the words a reason uses for each.
CODE_NAMES = {
    "ucdp": "UCDP actor id",
    "ucdp-government": "UCDP government id",
    "gw": "Gleditsch-Ward number",
    "cow": "COW code",
    "iso2": "ISO 3166-1 alpha-2",
    "iso3": "ISO 3166-1 alpha-3",
}

#: Scores: a shared id, the same name once normalised; names alike score from 0.76 (85 %
#: alike, difflib's ratio of the normalised names, the least proposed) to 0.8.
SAME_ID, SAME_NAME = 1.0, 0.9
LIKENESS = 0.85
BARE_LIKENESS = 0.8
#: Names shorter than this (normalised) are not compared for likeness: "IS" and "AIS".
SHORTEST = 5
DEFAULT_MIN_SCORE = 0.7
#: Words that say nothing of who an actor is: two names that share only these are not
#: compared, and names are put in order without them to find neighbours.
_FILLER = frozenset(
    "of the and for de del la le al el in on to government forces republic kingdom state "
    "federal democratic islamic people's peoples socialist union principality commonwealth "
    "grand duchy independent plurinational bolivarian united arab delegation".split()
)


@dataclass(frozen=True, kw_only=True)
class ActorHit(Row):
    """An actor found by a part of one of its names."""

    actor: str
    label: str
    types: str
    names: str  # the names that hold the text
    codes: str

    COLUMNS = ("actor", "label", "types", "names", "codes")
    TABLE = (
        ("label", "actor"),
        ("actor", "IRI"),
        ("types", "type"),
        ("names", "names that match"),
        ("codes", "codes"),
    )


@dataclass(frozen=True, kw_only=True)
class Candidate(Row):
    """Two actors that may be one, with a score (1.0: a shared id) and why."""

    score: float
    a: str
    a_label: str
    b: str
    b_label: str
    why: str

    COLUMNS = ("score", "a", "a_label", "b", "b_label", "why")
    TABLE = (
        ("score", "score"),
        ("a_label", "actor A"),
        ("a", "IRI A"),
        ("b_label", "actor B"),
        ("b", "IRI B"),
        ("why", "why"),
    )


@dataclass(frozen=True)
class Decision:
    """A decision recorded: ``a`` and ``b`` are one actor (``same``: ``a`` merged into
    ``b``) or two; where it went, and what changed."""

    verdict: Verdict["same", "different"]
    a: URIRef
    a_label: str
    b: URIRef
    b_label: str
    reviewer: str | None
    at: datetime
    where: str
    replaced: bool  # an earlier decision on the pair was replaced
    claims_moved: int
    unchanged: bool = False  # the same decision was there already: nothing written
    moved_to: URIRef | None = None  # where the claims moved (to b; back to a when undone)

    def message(self) -> str:
        """One line for the user."""
        a, b = f"{self.a_label} ({compact(self.a)})", f"{self.b_label} ({compact(self.b)})"
        if self.unchanged:
            return f"{self.where}: already decided so; nothing was written"
        what = (
            f"merged {a} into {b}"
            if self.verdict == "same"
            else f"kept {a} and {b} apart: they are not proposed again"
        )
        parts = [f"{self.where}: {what}"]
        if self.claims_moved:
            to = self.b_label if self.moved_to == self.b else self.a_label
            back = " back" if self.verdict == "different" else ""
            parts.append(f"{self.claims_moved} claim(s) moved{back} to {to}")
        if self.replaced:
            parts.append("the earlier decision on the pair is replaced")
        return "; ".join(parts)


# --- search ---------------------------------------------------------------------------------


def _actor_types(kg: KnowledgeGraph) -> set[Node | None]:
    return {row["type"] for row in kg.select("subclasses", {"class": CKG.Actor}).rows}


def _card(kg: KnowledgeGraph, actor: URIRef) -> tuple[list[str], dict[str, set[str]]]:
    """An actor's names (sorted, once each) and codes by kind."""
    names: set[str] = set()
    codes: dict[str, set[str]] = defaultdict(set)
    for row in kg.select("actor-card", {"actor": actor}).rows:
        if row["name"] is not None:
            names.add(str(row["name"]))
        if row["kind"] is not None and row["code"] is not None:
            codes[str(row["kind"])].add(str(row["code"]))
    return sorted(names, key=lambda n: (n.casefold(), n)), codes


def _codes_text(codes: dict[str, set[str]]) -> str:
    return "; ".join(
        f"{CODE_NAMES[kind]} {', '.join(sorted(codes[kind]))}" for kind in CODE_NAMES if codes[kind]
    )


@dataclass(frozen=True)
class NameIndex:
    """Every actor's folded names with its types and label, read once (kg serve makes one
    when it starts, and its requests' processes share it): a search then looks through it
    in Python instead of asking the store to scan every name (0.2-0.5 s a search on a
    store of a million triples, a few milliseconds here)."""

    #: (key, actor, type, label) as text: a third of the memory of rdflib's terms
    rows: tuple[tuple[str, str, str, str | None], ...]

    @classmethod
    def of(cls, kg: KnowledgeGraph) -> NameIndex:
        kinds: dict[str, str] = {}  # each type's text once
        rows = []
        for r in kg.select("actor-name-keys").rows:
            if isinstance(r["actor"], URIRef) and r["type"] is not None and r["key"] is not None:
                kind = kinds.setdefault(str(r["type"]), str(r["type"]))
                label = str(r["label"]) if r["label"] is not None else None
                rows.append((str(r["key"]), str(r["actor"]), kind, label))
        return cls(tuple(rows))

    def matching(self, needle: str) -> list[dict[str, Node | None]]:
        """The rows of actors-search.rq for ``needle`` (folded)."""
        return [
            {
                "actor": URIRef(actor),
                "type": URIRef(kind),
                "label": Literal(label) if label is not None else None,
            }
            for key, actor, kind, label in self.rows
            if needle in key
        ]


def search(
    kg: KnowledgeGraph, text: str, *, limit: int = 50, index: NameIndex | None = None
) -> Result[ActorHit]:
    """The actors one of whose names (label, other names, names of IRIs merged into them)
    contains ``text``, whatever the case and accents ("saudi", "Türk", "government of"),
    with the names that hold it and the actor's codes; at most ``limit`` of them (a note
    says how many more). With ``index`` (made of the same ``kg``), the names are looked
    up there."""
    needle = normalise(text)
    if not needle:
        raise UnknownName("give a part of a name to search for (the text is empty)")
    types = _actor_types(kg)
    found: dict[URIRef, tuple[set[str], str | None]] = {}
    rows = (
        index.matching(needle)
        if index is not None
        else kg.select("actors-search", {"needle": Literal(needle)}).rows
    )
    for row in rows:
        actor = row["actor"]
        if row["type"] in types and isinstance(actor, URIRef):
            kinds, label = found.setdefault(actor, (set(), None))
            if row["label"] is not None and (label is None or str(row["label"]) < label):
                label = str(row["label"])
            kinds.add(compact(str(row["type"])))
            found[actor] = (kinds, label)
    hits = []
    for actor, (kinds, label) in found.items():
        names, codes = _card(kg, actor)
        matching = [n for n in names if needle in normalise(n)]
        hits.append(
            ActorHit(
                actor=compact(actor),
                label=label or (names[0] if names else compact(actor)),
                types=", ".join(sorted(kinds)),
                names="; ".join(matching),
                codes=_codes_text(codes),
            )
        )
    hits.sort(key=lambda h: (h.label.casefold(), h.actor))
    notes = []
    if len(hits) > limit:
        notes.append(f"{len(hits) - limit} more actor(s) match; give more of the name")
        hits = hits[:limit]
    if not hits:
        notes.append(f"no actor has a name that contains {text!r}")
    return Result.of(hits, ActorHit, notes)


# --- candidates -----------------------------------------------------------------------------


def match_key(name: str) -> str:
    """A name as matching compares it: folded as kg.names.normalise folds names, without
    a leading "the" or "Government of", brackets kept as words, punctuation as spaces."""
    key = normalise(name)
    key = re.sub(r"^(the )?government of (the )?", "", key)
    key = re.sub(r"[^\w\s]", " ", key)
    return " ".join(key.split())


#: How many names before and after each, in order and in order of their reversed text,
#: a name is compared with ("al qaida" and "al qaeda" share no word but sort side by side).
WINDOW = 4


def _neighbours(
    by_key: dict[str, list[URIRef]], by_word: dict[str, set[str]]
) -> Iterator[tuple[str, str]]:
    """The pairs of names worth comparing, each once: names that share a word that is not
    filler, and names that sort near each other (by their text without filler, and by it
    reversed). Comparing every pair took too long on stores of thousands of actors."""
    seen: set[tuple[str, str]] = set()

    def pair(one: str, other: str) -> Iterator[tuple[str, str]]:
        if one > other:
            one, other = other, one
        if (one, other) in seen or min(len(one), len(other)) < SHORTEST:
            return  # compared, or too short to tell a typo from another name (SDF, SSDF)
        seen.add((one, other))
        yield one, other

    for shared in by_word.values():
        ordered = sorted(shared)
        for i, one in enumerate(ordered):
            for other in ordered[i + 1 :]:
                yield from pair(one, other)
    for order in (_bare, lambda key: _bare(key)[::-1]):
        ordered = sorted(by_key, key=order)
        for i, one in enumerate(ordered):
            for other in ordered[i + 1 : i + 1 + WINDOW]:
                yield from pair(one, other)


def _bare(key: str) -> str:
    return " ".join(w for w in key.split() if w not in _FILLER)


def _apart(one: _Actor, other: _Actor) -> bool:
    """Whether two actors have different ids of one kind (two UCDP actors both called ERP,
    Mali and Malta): then near names are no reason to think them one."""
    assert one.codes is not None and other.codes is not None
    return any(
        one.codes.get(kind) and other.codes.get(kind) and not one.codes[kind] & other.codes[kind]
        for kind in ("ucdp", "gw", "cow", "iso3")
    )


@dataclass
class _Actor:
    iri: URIRef
    label: str | None = None
    names: set[str] | None = None
    codes: dict[str, set[str]] | None = None


def _decided(kg: KnowledgeGraph) -> tuple[set[frozenset[URIRef]], dict[URIRef, URIRef]]:
    """The pairs decided on (either way), and each merged IRI with the IRI it is merged
    into."""
    pairs: set[frozenset[URIRef]] = set()
    merged: dict[URIRef, URIRef] = {}
    for row in kg.select("actor-decisions").rows:
        a, b = row["a"], row["b"]
        if isinstance(a, URIRef) and isinstance(b, URIRef):
            pairs.add(frozenset((a, b)))
            if row["verdict"] == OWL.sameAs:
                merged.setdefault(a, b)
    return pairs, merged


def _root(iri: URIRef, merged: dict[URIRef, URIRef]) -> URIRef:
    seen = {iri}
    while iri in merged and merged[iri] not in seen:
        iri = merged[iri]
        seen.add(iri)
    return iri


def candidates(kg: KnowledgeGraph, *, min_score: float = DEFAULT_MIN_SCORE) -> Result[Candidate]:
    """The pairs of actors that may be one, best first: a shared id (UCDP actor id, also a
    state's government's; Gleditsch-Ward, COW, ISO 3166-1 alpha-3), the same name once
    "the", "Government of", punctuation, accents and case are set aside, or names alike.

    A pair a person decided on (owl:sameAs or owl:differentFrom, ``kg actors merge`` or
    ``distinct``) is not proposed, nor two IRIs already one actor through merges, nor a
    pair the data links (a government and its state, an agency and its state)."""
    types = _actor_types(kg)
    actors: dict[URIRef, _Actor] = {}
    for row in kg.select("actors-to-match").rows:
        iri = row["actor"]
        if row["type"] not in types or not isinstance(iri, URIRef):
            continue
        actor = actors.setdefault(iri, _Actor(iri, names=set(), codes=defaultdict(set)))
        assert actor.names is not None and actor.codes is not None
        if row["name"] is not None:
            actor.names.add(str(row["name"]))
        if row["kind"] is not None and row["code"] is not None:
            actor.codes[str(row["kind"])].add(str(row["code"]).upper())
    for row in kg.select("names", {"class": CKG.Actor}).rows:
        thing, label = row["thing"], row["label"]
        if isinstance(thing, URIRef) and thing in actors and label is not None:
            current = actors[thing].label
            if current is None or str(label) < current:
                actors[thing].label = str(label)
    decided, merged = _decided(kg)
    linked = {
        frozenset((row["from"], row["to"]))
        for row in kg.select("structural-links").rows
        if isinstance(row["from"], URIRef) and isinstance(row["to"], URIRef)
    }
    reasons: dict[frozenset[URIRef], dict[str, float]] = defaultdict(dict)

    def note(a: URIRef, b: URIRef, why: str, score: float) -> None:
        if a == b:
            return
        pair = frozenset((a, b))
        if pair in decided or pair in linked or _root(a, merged) == _root(b, merged):
            return
        reasons[pair][why] = max(score, reasons[pair].get(why, 0.0))

    by_code: dict[tuple[str, str], list[URIRef]] = defaultdict(list)
    for actor in actors.values():
        assert actor.codes is not None
        for kind, codes in actor.codes.items():
            for code in codes:
                by_code[(kind, code)].append(actor.iri)
    for (kind, code), iris in sorted(by_code.items()):
        for i, a in enumerate(iris):
            for b in iris[i + 1 :]:
                note(a, b, f"same {CODE_NAMES[kind]} {code}", SAME_ID)

    keys: dict[URIRef, dict[str, str]] = {}
    by_key: dict[str, list[URIRef]] = defaultdict(list)
    by_word: dict[str, set[str]] = defaultdict(set)
    for actor in actors.values():
        assert actor.names is not None
        found: dict[str, str] = {}
        for name in sorted(actor.names):
            key = match_key(name)
            if key:
                found.setdefault(key, name)
        keys[actor.iri] = found
        for key in found:
            by_key[key].append(actor.iri)
            for word in key.split():
                if len(word) > 2 and word not in _FILLER:
                    by_word[word].add(key)
    for key, iris in by_key.items():
        for i, a in enumerate(iris):
            for b in iris[i + 1 :]:
                note(
                    a,
                    b,
                    f"same name once normalised: {keys[a][key]!r} and {keys[b][key]!r}",
                    SAME_NAME,
                )
    for one, other in _neighbours(by_key, by_word):
        ratio = difflib.SequenceMatcher(None, one, other).ratio()
        if ratio < LIKENESS:
            continue
        # Alike without their filler words too: "delegation from Iran" and "delegation
        # from Russia" are alike only in what says nothing of who they are.
        bare_one, bare_other = _bare(one), _bare(other)
        if (bare_one or bare_other) and difflib.SequenceMatcher(
            None, bare_one, bare_other
        ).ratio() < BARE_LIKENESS:
            continue
        for a in by_key[one]:
            for b in by_key[other]:
                note(
                    a,
                    b,
                    f"names {round(ratio * 100)} % alike: {keys[a][one]!r} and {keys[b][other]!r}",
                    round(0.5 + 0.3 * ratio, 2),
                )
    rows = []
    for pair, why in reasons.items():
        score = max(why.values())
        a, b = sorted(pair)
        if score < min_score or (score < SAME_ID and _apart(actors[a], actors[b])):
            continue
        rows.append(
            Candidate(
                score=round(score, 2),
                a=compact(a),
                a_label=actors[a].label or compact(a),
                b=compact(b),
                b_label=actors[b].label or compact(b),
                why="; ".join(sorted(why, key=lambda w: (-why[w], w))),
            )
        )
    rows.sort(key=lambda r: (-r.score, r.a_label.casefold(), r.b_label.casefold(), r.a, r.b))
    return Result.of(rows, Candidate)


# --- decisions ------------------------------------------------------------------------------


def decision_iri(a: URIRef, b: URIRef) -> URIRef:
    """The IRI of the decision on a pair (either order): ck:match-decision-<hash>."""
    digest = hashlib.sha256("\n".join(sorted((str(a), str(b)))).encode()).hexdigest()[:16]
    return ID[f"match-decision-{digest}"]


def _named(kg: KnowledgeGraph, text: str) -> tuple[URIRef, str]:
    """The actor ``text`` names; an IRI merged into another (no longer an actor) too, so
    that a merge can be undone by naming the pair as before."""
    try:
        found = resolve(kg, text)
        return found.iri, found.label
    except UnknownName:
        iri = _as_iri(text)
        if iri is not None:
            rows = kg.select("actor-decisions").rows
            if any(iri in (row["a"], row["b"]) for row in rows):
                names, _codes = _card(kg, iri)
                return iri, _label_of(kg, iri) or (names[0] if names else compact(iri))
        raise


def _pair(kg: KnowledgeGraph, a_text: str, b_text: str) -> tuple[URIRef, str, URIRef, str]:
    """The two actors a decision names. A name that a merge gave the actor it merged into
    names the merged IRI when the other name is that actor (`distinct "Russian delegation"
    "Iranian delegation"` after the one was merged into the other)."""
    (a, a_label), (b, b_label) = _named(kg, a_text), _named(kg, b_text)
    if a == b:
        for text, other in ((a_text, b_text), (b_text, a_text)):
            alias = _merged_by_name(kg, text, a)
            if alias is not None and _merged_by_name(kg, other, a) is None:
                names, _codes = _card(kg, alias)
                label = _label_of(kg, alias) or (names[0] if names else compact(alias))
                if text == a_text:
                    return alias, label, b, b_label
                return a, a_label, alias, label
    return a, a_label, b, b_label


def _merged_by_name(kg: KnowledgeGraph, text: str, actor: URIRef) -> URIRef | None:
    key = normalise(text)
    for row in kg.select("actor-decisions").rows:
        alias = row["a"]
        if row["b"] == actor and row["verdict"] == OWL.sameAs and isinstance(alias, URIRef):
            names, _codes = _card(kg, alias)
            if any(normalise(n) == key for n in names):
                return alias
    return None


def _label_of(kg: KnowledgeGraph, iri: URIRef) -> str | None:
    labels = sorted(str(o) for _s, p, o in _triples_of(kg, iri) if p == RDFS.label)
    return labels[0] if labels else None


def _as_iri(text: str) -> URIRef | None:
    text = text.strip().removeprefix("<").removesuffix(">")
    if re.fullmatch(r"https?://\S+|urn:\S+", text):
        return URIRef(text)
    prefix, sep, local = text.partition(":")
    if sep and prefix in PREFIXES and local and not re.search(r"\s", local):
        return URIRef(PREFIXES[prefix] + local)
    return None


@dataclass
class _Plan:
    """The triples a decision removes and adds, by subject."""

    remove: set[tuple[Node, Node, Node]]
    add: set[tuple[Node, Node, Node]]
    claims_moved: int = 0
    moved_to: URIRef | None = None
    replaced: bool = False
    unchanged: bool = False


def _triples_of(kg: KnowledgeGraph, node: Node, *, as_object: bool = False) -> set[Any3]:
    store = kg.store
    reader = getattr(store, "triples_with", None)
    if reader is not None:
        return set(reader([DATA_GRAPH], [node], as_object=as_object))
    graph = kg.graph(DATA_GRAPH)
    pattern = (None, None, node) if as_object else (node, None, None)
    return set(graph.triples(pattern))


#: Links a merge does not move: they are about the pair itself.
_NOT_MOVED = {OWL.sameAs, OWL.differentFrom, CKG.decisionAbout}


def _plan(
    kg: KnowledgeGraph,
    a: URIRef,
    b: URIRef,
    verdict: Verdict["same", "different"],
    *,
    reviewer: str | None,
    at: datetime,
    note: str | None,
    move_claims: bool,
) -> _Plan:
    if a == b:
        raise DecisionRefused(f"{compact(a)} and {compact(b)} are one IRI: nothing to decide")
    decided = {
        (row["a"], row["b"], row["verdict"]): row["decision"]
        for row in kg.select("actor-decisions").rows
    }
    wanted = OWL.sameAs if verdict == "same" else OWL.differentFrom
    if (a, b, wanted) in decided or (verdict == "different" and (b, a, wanted) in decided):
        return _Plan(set(), set(), unchanged=True)
    _pairs, merged = _decided(kg)
    direct = {k[:2] for k in decided if k[2] == OWL.sameAs}
    if verdict == "different" and _root(a, merged) == _root(b, merged):
        if (a, b) not in direct and (b, a) not in direct:
            raise DecisionRefused(
                f"{compact(a)} and {compact(b)} are one actor through other merges "
                f"(into {compact(_root(a, merged))}): undo those with `kg actors distinct` first"
            )
    if verdict == "same" and _root(b, merged) == a:
        raise DecisionRefused(
            f"{compact(b)} is merged into {compact(a)}: merging {compact(a)} into it would "
            "make a loop; run `kg actors distinct` on that pair first"
        )
    plan = _Plan(set(), set())
    # The earlier decision on the pair, either way, goes; a merge made in a store is undone:
    # the claims it moved go back, the merged IRI gets its types back.
    for (x, y, v), old in decided.items():
        if {x, y} != {a, b} or x is None or y is None or v is None:
            continue
        plan.remove.add((x, v, y))
        plan.replaced = True
        if not isinstance(old, URIRef):
            continue
        recorded = _triples_of(kg, old)
        plan.remove |= recorded
        if v == OWL.sameAs and move_claims and verdict == "different":
            names = {n for _s, p, n in _triples_of(kg, x) if p in (RDFS.label, SKOS.altLabel)}
            plan.remove |= {(y, SKOS.altLabel, n) for n in names}
            for _s, p, o in recorded:
                if p == CKG.formerType:
                    plan.add.add((x, RDF.type, o))
                elif p == CKG.movedClaim and isinstance(o, URIRef):
                    for s, role, value in _triples_of(kg, o):
                        if value == y and role not in _NOT_MOVED:
                            plan.remove.add((s, role, value))
                            plan.add.add((s, role, x))
                            plan.claims_moved += 1
                            plan.moved_to = URIRef(str(x))
    node = decision_iri(a, b)
    plan.add |= {
        (node, RDF.type, CKG.MatchDecision),
        (node, CKG.decisionAbout, a),
        (node, CKG.decisionAbout, b),
        (node, CKG.verdict, wanted),
        (node, PROV_ENDED, Literal(at.isoformat(timespec="seconds"), datatype=XSD.dateTime)),
        (a, wanted, b),
    }
    if reviewer:
        plan.add.add((node, CKG.reviewedBy, Literal(reviewer)))
    if note:
        plan.add.add((node, RDFS.comment, Literal(note, lang="en")))
    if verdict == "same":
        for _s, p, name in _triples_of(kg, a):
            if p in (RDFS.label, SKOS.altLabel):
                plan.add.add((b, SKOS.altLabel, name))
        if move_claims:
            moved: set[Node] = set()
            for s, p, o in _triples_of(kg, a, as_object=True):
                if p in _NOT_MOVED or s == node or (s, p, o) in plan.remove:
                    continue
                plan.remove.add((s, p, o))
                plan.add.add((s, p, b))
                moved.add(s)
            plan.claims_moved = len(moved)
            plan.moved_to = b
            plan.add |= {(node, CKG.movedClaim, s) for s in moved}
            for triple in _triples_of(kg, a):
                if triple[1] == RDF.type:  # the IRI is no actor of its own from now on
                    plan.remove.add(triple)
                    plan.add.add((node, CKG.formerType, triple[2]))
    plan.remove -= plan.add
    return plan


def decide(
    a: str,
    b: str,
    verdict: Verdict["same", "different"],
    *,
    store: Path | StoreSpec | None = None,
    output: Path | None = None,
    data: Sequence[Path] = (),
    add: Sequence[Path] = (),
    reviewer: str | None = None,
    at: datetime | None = None,
    note: str | None = None,
    wait: float = LOCK_WAIT,
) -> Decision:
    """Record that the actors ``a`` and ``b`` name (names or IRIs) are one (``same``:
    ``a`` is merged into ``b``) or two (``different``), with who decided (``reviewer``,
    default the login name) and when, replacing an earlier decision on the pair.

    Into a store folder (``store``: the merge also moves the claims that name ``a`` to
    ``b``, and derives their relations again), or into the Turtle file ``output`` on top
    of ``data`` (default: the bundled data) and ``add`` (a file of decisions to give with
    ``--add``: imports follow its merges). All or nothing. Raises UnknownName,
    AmbiguousName, DecisionRefused, StoreError, OutputError, DataLoadError."""
    when = at or datetime.now(UTC)
    who = reviewer if reviewer is not None else _login()
    if (store is None) == (output is None):
        raise StoreError(
            "say where to record the decision: --store DIR (a store made by `kg load`) or "
            "-o FILE.ttl (a file of decisions to --add), one of them"
        )
    if store is not None:
        spec = store if isinstance(store, StoreSpec) else StoreSpec(folder=store)
        if spec.endpoint is not None or spec.folder is None:
            raise StoreError(
                "decisions are recorded in a store folder (--store) or a file (-o), not on "
                f"a SPARQL server ({spec.where()}): record them in a file and load it"
            )
        return _decide_in_store(spec.folder, a, b, verdict, who, when, note, wait)
    assert output is not None
    return _decide_in_file(output, a, b, verdict, who, when, note, data, add, wait)


def _login() -> str | None:
    try:
        return getpass.getuser() or None
    except (KeyError, OSError):  # no login name in a container without a passwd entry
        return None


def _decide_in_store(
    folder: Path,
    a_text: str,
    b_text: str,
    verdict: Verdict["same", "different"],
    reviewer: str | None,
    at: datetime,
    note: str | None,
    wait: float,
) -> Decision:
    from kg.stores.oxigraph import MANIFEST, OxigraphStore

    if not (folder / MANIFEST).exists():
        raise StoreError(f"{folder}: no such store; make it with `kg load --store {folder}` first")
    store = OxigraphStore(folder, read_only=False, wait=wait)
    try:
        kg = KnowledgeGraph(store)
        a, a_label, b, b_label = _pair(kg, a_text, b_text)
        plan = _plan(kg, a, b, verdict, reviewer=reviewer, at=at, note=note, move_claims=True)
        if not plan.unchanged:
            subjects = {t[0] for t in plan.remove | plan.add}
            kept = {t for s in subjects for t in _triples_of(kg, s)}
            after = (kept - plan.remove) | plan.add
            left = {t[0] for t in after}
            gone = subjects - left
            if gone:
                store.remove_touching(DATA_GRAPH, gone)
            _replace(store, left, after)
            if not kg.derive_around(subjects, {a, b}):
                kg.derive()
            store.commit(files=[], added=len(plan.add), decision=verdict)
    finally:
        store.close()
    return Decision(
        verdict,
        a,
        a_label,
        b,
        b_label,
        reviewer,
        at,
        str(folder),
        plan.replaced,
        plan.claims_moved,
        plan.unchanged,
        plan.moved_to,
    )


def _replace(store: object, subjects: Iterable[Node], triples: Iterable[Any3]) -> None:
    import pyoxigraph as ox

    from kg.terms import to_oxigraph

    graph = ox.NamedNode(str(DATA_GRAPH))
    quads = [ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), graph) for s, p, o in triples]
    store.replace_subjects(list(subjects), quads)  # type: ignore[attr-defined]


def _decide_in_file(
    output: Path,
    a_text: str,
    b_text: str,
    verdict: Verdict["same", "different"],
    reviewer: str | None,
    at: datetime,
    note: str | None,
    data: Sequence[Path],
    add: Sequence[Path],
    wait: float,
) -> Decision:
    from kg.errors import OutputError
    from kg.export import output_target, refuse_bundled, write_atomically, writer_lock
    from kg.reading import read_triples

    if output.suffix.lower() != ".ttl":
        raise OutputError(f"{output}: decisions are written as Turtle (.ttl), not {output.suffix}")
    target = output_target(output)
    refuse_bundled(target, who="kg actors")
    with writer_lock(target, wait):
        mine = Graph()
        if target.exists():
            for triple in read_triples(target):
                mine.add(triple)
        others = [p for p in add if Path(p).resolve() != target.resolve()]
        kg = KnowledgeGraph.open(list(data) or None, add=others)
        for triple in mine:
            kg.store.add(DATA_GRAPH, [triple])
        if len(mine):
            kg.derive()
        a, a_label, b, b_label = _pair(kg, a_text, b_text)
        plan = _plan(kg, a, b, verdict, reviewer=reviewer, at=at, note=note, move_claims=False)
        if not plan.unchanged:
            for triple in plan.remove:
                mine.remove(triple)
            for triple in plan.add:
                mine.add(triple)
            for prefix, namespace in PREFIXES.items():
                mine.bind(prefix, namespace)
            write_atomically(
                target,
                mine.serialize(format="turtle", encoding="utf-8"),
                rdf_format="turtle",
                locked=True,
            )
    return Decision(
        verdict,
        a,
        a_label,
        b,
        b_label,
        reviewer,
        at,
        str(output),
        plan.replaced,
        0,
        plan.unchanged,
    )
