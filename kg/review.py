"""A person's review of the claims ``kg extract`` proposed: accept, reject, edit or skip each,
then write the decisions into a file or store, validated, all or nothing.

- :func:`read_candidates` reads one or more candidates files (Turtle, in the data's own
  model: claims of the ordinary classes with ``ckg:candidateKey``, the article, the actors
  the graph did not know) into a :class:`Candidates`;
- a :class:`Reviewer` shows each :class:`Candidate` with its actors' labels and applies
  edits (kind, actors by any name the graph knows or a new one, dates, status); the CLI's
  terminal review and :func:`read_decisions` (a CSV of decisions) both go through it;
- :func:`write_review` writes the accepted claims (marked ``ckg:reviewedBy`` and
  ``ckg:reviewedAt``, keeping ``ckg:foundBy``, ``ckg:confidence`` and
  ``ckg:candidateKey``), the new actors, talks, agreements and article they name, and a
  ``ckg:Rejection`` for each rejected claim, through the importers' write path
  (:mod:`kg.importers.target`): validated by the shapes with the target, all or nothing;
- :func:`rejected_keys` is what ``kg extract`` asks so as not to propose a rejected claim
  again.

An accepted claim keeps its candidate IRI (``ck:candidate-KEY``): accepting it again
replaces it, and rejecting it later removes it. A proposed actor keeps
``ckg:proposedActor true``: a person accepted a claim that names it, not its label and
class on their own, which ``kg actors`` can still correct.
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.namespace import TIME
from rdflib.term import Node

from kg import queries
from kg.actors import resolve
from kg.errors import AmbiguousName, BadImport, BadValue, InvalidData, UnknownName
from kg.graph import ONTOLOGY_GRAPH, KnowledgeGraph, StoreSpec
from kg.importers import target_for
from kg.importers.model import slug
from kg.locks import LOCK_WAIT
from kg.names import normalise
from kg.periods import Precision, TimePoint, When
from kg.prefixes import compact
from kg.reading import read_triples
from kg.terms import to_oxigraph
from kg.validation_report import ValidationReport
from kg.vocab import CKG, ID
from kg.vocabulary import ClaimKind, Vocabulary

Triple = tuple[Node, Node, Node]

#: The precision of a date, as the data states it and as kg.periods reads it.
UNITS = {
    Precision.DAY: TIME.unitDay,
    Precision.MONTH: TIME.unitMonth,
    Precision.YEAR: TIME.unitYear,
}
PRECISIONS = {unit: precision for precision, unit in UNITS.items()}

#: The decisions a review makes; a candidate not decided is skipped.
DECISIONS = ("accept", "reject", "skip")

#: Properties of a claim that say something only of some kinds: kept when the kind is
#: edited only where the new kind is their domain (ckg:against of a support claim).
KIND_EXTRAS = (CKG.against, CKG.via, CKG.supportKind)

#: What the review sets on a claim itself, replacing what the candidate said.
_OWNED = (RDF.type, CKG.status, CKG.start, CKG.startPrecision, CKG.end, CKG.endPrecision)


@dataclass(frozen=True)
class Candidate:
    """A proposed claim as the review sees it (and as an edit changes it)."""

    iri: URIRef
    key: str
    kind: URIRef  # the claim class
    roles: tuple[tuple[URIRef, URIRef], ...]  # (role property, actor or talks...) in order
    status: URIRef | None
    start: TimePoint | None
    end: TimePoint | None
    confidence: Decimal | None
    found_by: str | None
    quote: str
    source: URIRef | None
    label: str
    path: Path  # the candidates file it came from
    edited: bool = False

    def values(self, role: URIRef) -> list[URIRef]:
        """The actors (or talks, agreement) in ``role``."""
        return [value for r, value in self.roles if r == role]


@dataclass(frozen=True)
class Slot:
    """One place of a claim a value can be edited in: a role, and which of its values
    (the two parties of an alliance are ``party 1`` and ``party 2``)."""

    role: URIRef
    index: int
    name: str  # "backer", "party 2"
    range: URIRef  # ckg:Actor, ckg:Talks, ckg:Agreement, ckg:Person...


@dataclass
class Candidates:
    """The candidates files read: their triples, and the claims proposed in them, in the
    order of the files and of their sentences."""

    graph: Graph
    claims: list[Candidate]
    paths: list[Path]

    def by_key(self, text: str) -> Candidate | None:
        """The candidate with this key, or this IRI (in full or ``ck:candidate-...``)."""
        wanted = text.strip()
        for claim in self.claims:
            if wanted in (claim.key, str(claim.iri), compact(str(claim.iri))):
                return claim
        return None


@dataclass(frozen=True)
class Decision:
    """What a person decided on one candidate: accept (as edited), reject or skip."""

    verdict: str  # one of DECISIONS
    claim: Candidate


@dataclass
class ReviewResult:
    """What a review wrote: the counts, and where."""

    accepted: int
    rejected: int
    skipped: int
    written_to: str | None
    new_actors: list[str] = field(default_factory=list)
    before: int = 0  # of the skipped: decided in an earlier review, not asked again

    def summary(self) -> str:
        """``2 accepted, 1 rejected, 3 skipped, 4 reviewed before; written to out.ttl``."""
        counts = (
            f"{self.accepted} accepted, {self.rejected} rejected, "
            f"{self.skipped - self.before} skipped"
        )
        if self.before:
            counts += f", {self.before} reviewed before"
        if self.written_to is None:
            return f"{counts}; nothing written"
        return f"{counts}; written to {self.written_to}"


class ReviewRefused(InvalidData):
    """The accepted claims would make the target violate the shapes; nothing was written.
    ``problems`` holds one line per violation."""

    def __init__(self, message: str, report: ValidationReport, problems: list[str]) -> None:
        super().__init__(message, report)
        self.problems = problems


# --- reading candidates --------------------------------------------------------------------


def read_candidates(paths: Sequence[Path], kg: KnowledgeGraph) -> Candidates:
    """Read the candidates files ``paths`` (Turtle, as ``kg extract`` writes them): every
    node of a claim class of ``kg``'s ontology that has a ``ckg:candidateKey``. A key that
    two files give is read once, from the first. Raises DataLoadError for a file that will
    not load (naming the file and line), BadValue for an ill-typed date or confidence."""
    graph = Graph()
    owner: dict[Node, Path] = {}
    for path in paths:
        for triple in read_triples(Path(path)):
            graph.add(triple)
            owner.setdefault(triple[0], Path(path))
    kinds = {kind.iri for kind in Vocabulary.of(kg).kinds}
    role_properties = _role_properties(kg)
    found: dict[str, Candidate] = {}
    for node, key in sorted(graph.subject_objects(CKG.candidateKey), key=lambda n: str(n[0])):
        if not isinstance(node, URIRef) or (node, RDF.type, CKG.Rejection) in graph:
            continue
        types = [t for t in graph.objects(node, RDF.type) if t in kinds]
        if not types:
            continue
        where = f"{owner.get(node, Path(paths[0]))}: {compact(str(node))}"
        _check_offsets(graph, node, where)
        claim = Candidate(
            iri=node,
            key=str(key),
            kind=sorted(URIRef(str(t)) for t in types)[0],
            roles=tuple(
                (URIRef(str(p)), o)
                for p, o in sorted(graph.predicate_objects(node), key=lambda po: str(po))
                if p in role_properties and isinstance(o, URIRef)
            ),
            status=_iri(graph.value(node, CKG.status)),
            start=_point(graph, node, CKG.start, CKG.startPrecision, where),
            end=_point(graph, node, CKG.end, CKG.endPrecision, where),
            confidence=_decimal(graph.value(node, CKG.confidence), where),
            found_by=_text(graph.value(node, CKG.foundBy)),
            quote=_text(graph.value(node, CKG.quote)) or "",
            source=_iri(graph.value(node, CKG.source)),
            label=_text(graph.value(node, RDFS.label)) or compact(str(node)),
            path=owner.get(node, Path(paths[0])),
        )
        found.setdefault(claim.key, claim)
    order = {Path(p): i for i, p in enumerate(paths)}
    claims = sorted(
        found.values(),
        key=lambda c: (order.get(c.path, 0), _offset(graph, c.iri), c.key),
    )
    return Candidates(graph, claims, [Path(p) for p in paths])


def _offset(graph: Graph, node: URIRef) -> int:
    value = graph.value(node, CKG.quoteStart)
    try:
        return int(str(value)) if value is not None else 0
    except ValueError:
        return 0


def _iri(value: Node | None) -> URIRef | None:
    return value if isinstance(value, URIRef) else None


def _text(value: Node | None) -> str | None:
    return None if value is None else str(value)


def _decimal(value: Node | None, where: str) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise BadValue(
            f"{where} has a confidence that is not a number ({str(value)[:40]!r})"
        ) from None


def _check_offsets(graph: Graph, node: URIRef, where: str) -> None:
    """The quote offsets, where given, must span the quote: end - start is its length (a
    file edited by hand may say otherwise, and the shapes check only that they are whole
    numbers from 0)."""
    start, end = graph.value(node, CKG.quoteStart), graph.value(node, CKG.quoteEnd)
    if start is None and end is None:
        return
    quote = str(graph.value(node, CKG.quote) or "")
    try:
        first, last = int(str(start)), int(str(end))
    except ValueError:
        raise BadValue(
            f"{where}: its quote offsets are not whole numbers ({start}, {end})"
        ) from None
    if first < 0 or last - first != len(quote):
        raise BadValue(
            f"{where}: its quote offsets {first}..{last} do not span its quote "
            f"({len(quote)} characters); give the quote's place in the article or neither"
        )


def _point(graph: Graph, node: URIRef, date_p: URIRef, precision_p: URIRef, where: str) -> Any:
    value = graph.value(node, date_p)
    if value is None:
        return None
    unit = PRECISIONS.get(URIRef(str(graph.value(node, precision_p))), Precision.DAY)
    return TimePoint.of(
        value.toPython() if isinstance(value, Literal) else value, unit, where=where
    )


def _role_properties(kg: KnowledgeGraph) -> set[URIRef]:
    kinds = Vocabulary.of(kg).kinds
    return {r for k in kinds for r in (k.from_role, k.to_role)} | {CKG.against, CKG.via}


# --- the reviewer: labels, names, edits ----------------------------------------------------


class Reviewer:
    """The review of ``candidates`` against ``kg`` (the graph the claims go into): the
    labels to show, the names to find actors by, and the edits of a candidate."""

    def __init__(self, kg: KnowledgeGraph, candidates: Candidates) -> None:
        self.kg = kg
        self.candidates = candidates
        self.vocabulary = Vocabulary.of(kg)
        self.ranges = _ranges(kg)
        #: Actors, talks and agreements the review proposed (an edit naming a new one),
        #: by IRI: their triples, written with the claims that name them.
        self.proposed: dict[URIRef, list[Triple]] = {}
        # What the graph was asked once: labels, whether it has a node, a property's domain.
        self._labels: dict[URIRef, str] = {}
        self._known: dict[URIRef, bool] = {}
        self._domains: dict[URIRef, URIRef | None] = {}

    def use(self, kg: KnowledgeGraph) -> None:
        """Look names and labels up in ``kg`` from now on (the target, when writing)."""
        self.kg = kg
        self._known.clear()
        self._labels.clear()

    # kinds and roles

    @functools.cached_property
    def kinds_by_name(self) -> dict[str, ClaimKind]:
        """Every kind of claim by its short name (``support``, ``mediation``), its label
        and its class's local name, folded."""
        found: dict[str, ClaimKind] = {}
        for kind in self.vocabulary.kinds:
            local = str(kind.iri).rsplit("#", 1)[-1]
            for name in (self.short_kind(kind.iri), kind.label, local, compact(str(kind.iri))):
                found.setdefault(normalise(name), kind)
        return found

    def short_kind(self, iri: URIRef) -> str:
        """``support`` for ckg:SupportClaim."""
        kind = self.vocabulary.claim_kind(iri)
        return kind.label.removesuffix(" claim") if kind is not None else compact(str(iri))

    def kind_named(self, text: str) -> ClaimKind:
        """The kind of claim ``text`` names; BadValue listing the kinds otherwise."""
        kind = self.kinds_by_name.get(normalise(text))
        if kind is None:
            names = ", ".join(sorted(self.short_kind(k.iri) for k in self.vocabulary.kinds))
            raise BadValue(f"{text!r} is no kind of claim; the kinds: {names}")
        return kind

    def status_named(self, text: str) -> URIRef:
        """The status ``text`` names (asserted, alleged, denied, ended)."""
        status = self.vocabulary.statuses.get(normalise(text))
        if status is None:
            names = ", ".join(self.vocabulary.status_labels.values())
            raise BadValue(f"{text!r} is no status; the statuses: {names}")
        return status

    def status_label(self, status: URIRef | None) -> str:
        """``asserted`` for ckg:Asserted."""
        if status is None:
            return "(none)"
        return self.vocabulary.status_labels.get(status, compact(str(status)))

    def slots(self, claim: Candidate) -> list[Slot]:
        """The places of ``claim`` an actor (or talks, agreement) can be edited in."""
        kind = self.vocabulary.claim_kind(claim.kind)
        if kind is None:
            return []
        if kind.symmetric:
            name = kind.from_role_label
            return [
                Slot(kind.from_role, i, f"{name} {i + 1}", self._range(kind.from_role))
                for i in range(2)
            ]
        slots = [
            Slot(kind.from_role, 0, kind.from_role_label, self._range(kind.from_role)),
            Slot(kind.to_role, 0, kind.to_role_label, self._range(kind.to_role)),
        ]
        for extra in (CKG.against, CKG.via):
            if self._domain(extra) == claim.kind:
                slots.append(Slot(extra, 0, self._role_label(extra), self._range(extra)))
        return slots

    def role_names(self) -> set[str]:
        """Every role's name (folded) a slot of any kind of claim has: ``backer``,
        ``party``, ``mediator``..."""
        names = set()
        for kind in self.vocabulary.kinds:
            names |= {normalise(kind.from_role_label), normalise(kind.to_role_label)}
        return names | {normalise(self._role_label(p)) for p in (CKG.against, CKG.via)}

    def slot_named(self, claim: Candidate, text: str) -> Slot:
        """The slot ``text`` names (``backer``, ``party 2``; ``party`` is ``party 1``)."""
        wanted = normalise(text)
        for slot in self.slots(claim):
            if wanted in (normalise(slot.name), normalise(slot.name.removesuffix(" 1"))):
                return slot
        names = ", ".join(s.name for s in self.slots(claim))
        raise BadValue(f"{text!r} is no role of a {self.short_kind(claim.kind)} claim: {names}")

    def _range(self, role: URIRef) -> URIRef:
        return self.ranges.get(role, CKG.Actor)

    def _domain(self, prop: URIRef) -> URIRef | None:
        if prop not in self._domains:
            self._domains[prop] = _iri(self.kg.graph(ONTOLOGY_GRAPH).value(prop, RDFS.domain))
        return self._domains[prop]

    def _role_label(self, role: URIRef) -> str:
        for kind in self.vocabulary.kinds:
            if kind.from_role == role:
                return kind.from_role_label
            if kind.to_role == role:
                return kind.to_role_label
        return str(role).rsplit("#", 1)[-1]

    # labels

    def label(self, iri: Node) -> str:
        """The label to show for an actor, talks or agreement: the candidates file's (for
        one proposed there), the review's (proposed by an edit), or the graph's."""
        if not isinstance(iri, URIRef):
            return str(iri)
        if iri not in self._labels:
            self._labels[iri] = self._label(iri)
        return self._labels[iri]

    def _label(self, iri: URIRef) -> str:
        for s, p, o in self.proposed.get(iri, []):
            if s == iri and p == RDFS.label:
                return str(o)
        given = self.candidates.graph.value(iri, RDFS.label)
        if given is not None:
            return str(given)
        for cls in (CKG.Actor, CKG.Talks, CKG.Agreement, CKG.SourceDocument):
            try:
                return resolve(self.kg, str(iri), cls=cls).label
            except (UnknownName, AmbiguousName):
                continue
        return compact(str(iri))

    def is_new(self, iri: URIRef) -> bool:
        """Whether ``iri`` is proposed (by the candidates file or an edit), not known."""
        if iri in self.proposed:
            return True
        return (iri, CKG.proposedActor, Literal(True)) in self.candidates.graph or (
            (iri, None, None) in self.candidates.graph and not self.known(iri)
        )

    def known(self, iri: URIRef) -> bool:
        """Whether the graph has ``iri`` (an actor, talks, agreement or source document)."""
        if iri not in self._known:
            self._known[iri] = any(
                self.kg.select("names", {"class": cls, "thing": iri}).rows
                for cls in (CKG.Actor, CKG.Talks, CKG.Agreement, CKG.SourceDocument)
            )
        return self._known[iri]

    def new_class(self, iri: URIRef) -> str | None:
        """The class a proposed thing is given, for display (``armed group``)."""
        triples = self.proposed.get(iri) or list(self.candidates.graph.triples((iri, None, None)))
        types = [o for _s, p, o in triples if p == RDF.type and isinstance(o, URIRef)]
        if not types:
            return None
        names: dict[URIRef, list[str]] = {}
        for name, cls in self.vocabulary.actor_classes.items():
            names.setdefault(cls, []).append(name)
        # "armed group" rather than "armedgroup", its class's local name folded
        shown = [
            min(names[t], key=lambda n: (" " not in n, n)) if t in names else _words(t)
            for t in types
        ]
        return ", ".join(sorted(shown))

    # names

    def find(self, text: str, slot: Slot) -> URIRef:
        """The actor (or talks, agreement) that ``text`` names: any name the graph knows,
        or the label of one proposed in the candidates files or by this review. Raises
        UnknownName (with close names) or AmbiguousName."""
        what = "actor" if slot.range != CKG.Talks and slot.range != CKG.Agreement else "thing"
        cls = CKG.Actor if what == "actor" else slot.range
        try:
            return resolve(self.kg, text, cls=cls, what=what).iri
        except UnknownName:
            wanted = normalise(text)
            proposed = self._proposed_names().get(wanted)
            if proposed is not None:
                return proposed
            capital = self._capital(text) if what == "actor" else None
            if capital is not None:
                return capital
            raise

    def _capital(self, text: str) -> URIRef | None:
        """A capital typed for its state, as kg extract reads it ("Doha" is Qatar): the
        state's government where the graph has one, else the state, if the graph knows it."""
        from kg.metonyms import load_metonyms

        wanted = normalise(text)
        state = next(
            (s for name, s in load_metonyms().capitals.items() if normalise(name) == wanted),
            None,
        )
        if state is None or not self.known(state):
            return None
        for row in self.kg.select("state-governments").rows:
            if row["state"] == state and isinstance(row["government"], URIRef):
                return row["government"]
        return state

    def _proposed_names(self) -> dict[str, URIRef]:
        names: dict[str, URIRef] = {}
        graph = self.candidates.graph
        for node, label in graph.subject_objects(RDFS.label):
            if isinstance(node, URIRef) and (node, CKG.candidateKey, None) not in graph:
                names.setdefault(normalise(str(label)), node)
        for node, triples in self.proposed.items():
            for _s, p, o in triples:
                if p == RDFS.label:
                    names[normalise(str(o))] = node
        return names

    def propose(self, label: str, cls: URIRef) -> URIRef:
        """A new actor (or talks, agreement) called ``label`` of class ``cls``, proposed by
        this review: ``ck:<slug of label>``, or with a number where the graph or the
        candidates have that IRI."""
        base = slug(label) or "actor"
        iri, n = ID[base], 1
        while self.known(iri) or (iri, None, None) in self.candidates.graph or iri in self.proposed:
            n += 1
            iri = ID[f"{base}-{n}"]
        triples: list[Triple] = [
            (iri, RDF.type, cls),
            (iri, RDFS.label, Literal(label, lang="en")),
            (iri, CKG.foundBy, Literal("kg review: a name given by the reviewer")),
        ]
        if cls != CKG.Talks and cls != CKG.Agreement:
            triples.append((iri, CKG.proposedActor, Literal(True)))
        self.proposed[iri] = triples
        return iri

    # edits

    def with_kind(self, claim: Candidate, kind: ClaimKind) -> Candidate:
        """``claim`` as a claim of ``kind``: the old first role's actors fill the new first
        role, the second's the second (the two parties of a symmetric kind, in order);
        ckg:against and ckg:via stay only on a kind they belong to."""
        old = self.vocabulary.claim_kind(claim.kind)
        if old is None or old.iri == kind.iri:
            return claim
        firsts = claim.values(old.from_role)
        seconds = claim.values(old.to_role) if not old.symmetric else firsts[1:]
        firsts = firsts[:1] if old.symmetric else firsts
        roles: list[tuple[URIRef, URIRef]] = []
        if kind.symmetric:
            roles += [(kind.from_role, v) for v in [*firsts, *seconds]]
        else:
            roles += [(kind.from_role, v) for v in firsts]
            roles += [(kind.to_role, v) for v in seconds]
        for role, value in claim.roles:
            if role in (CKG.against, CKG.via) and self._domain(role) == kind.iri:
                roles.append((role, value))
        return replace(claim, kind=kind.iri, roles=tuple(roles), edited=True)

    def with_value(self, claim: Candidate, slot: Slot, value: URIRef) -> Candidate:
        """``claim`` with ``value`` in ``slot`` (the slot's old value replaced)."""
        roles = list(claim.roles)
        seen = 0
        for i, (role, _old) in enumerate(roles):
            if role == slot.role:
                if seen == slot.index:
                    roles[i] = (role, value)
                    return replace(claim, roles=tuple(roles), edited=True)
                seen += 1
        roles.append((slot.role, value))
        return replace(claim, roles=tuple(roles), edited=True)

    def with_dates(self, claim: Candidate, start: str | None, end: str | None) -> Candidate:
        """``claim`` with a start and end given as ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``
        ('' or '-' for none; None to keep it). BadValue for any other text."""
        return replace(
            claim,
            start=claim.start if start is None else parse_point(start),
            end=claim.end if end is None else parse_point(end),
            edited=True,
        )

    def with_status(self, claim: Candidate, text: str) -> Candidate:
        """``claim`` with the status ``text`` names."""
        return replace(claim, status=self.status_named(text), edited=True)

    # the triples written

    def claim_triples(self, claim: Candidate, reviewer: str, at: datetime) -> list[Triple]:
        """The triples of an accepted claim: the candidate's own, with the review's kind,
        roles, status and dates, a label made again if it was edited, and who reviewed it
        and when."""
        graph = self.candidates.graph
        owned = set(_OWNED) | _role_properties(self.kg) | set(KIND_EXTRAS)
        triples: list[Triple] = [
            (s, p, o)
            for s, p, o in graph.triples((claim.iri, None, None))
            if p not in owned
            and p not in (CKG.reviewedBy, CKG.reviewedAt)
            and not (claim.edited and p == RDFS.label)
        ]
        node = claim.iri
        triples.append((node, RDF.type, claim.kind))
        triples += [(node, role, value) for role, value in claim.roles]
        for prop in KIND_EXTRAS:
            if prop in (CKG.against, CKG.via):
                continue
            if self._domain(prop) == claim.kind:
                triples += [(node, prop, o) for o in graph.objects(node, prop)]
        if claim.status is not None:
            triples.append((node, CKG.status, claim.status))
        for point, date_p, unit_p in (
            (claim.start, CKG.start, CKG.startPrecision),
            (claim.end, CKG.end, CKG.endPrecision),
        ):
            if point is not None:
                triples.append((node, date_p, Literal(point.first.isoformat(), datatype=XSD.date)))
                triples.append((node, unit_p, UNITS[point.precision]))
        if claim.edited:
            triples.append((node, RDFS.label, Literal(self.made_label(claim), lang="en")))
        triples += _review_marks(node, reviewer, at)
        return triples

    def made_label(self, claim: Candidate) -> str:
        """``France backs Malian government`` for an edited claim."""
        kind = self.vocabulary.claim_kind(claim.kind)
        if kind is None:
            return claim.label
        firsts = [self.label(v) for v in claim.values(kind.from_role)]
        if kind.symmetric:
            return f" {kind.direct_label} ".join(firsts) or claim.label
        seconds = [self.label(v) for v in claim.values(kind.to_role)]
        return f"{' and '.join(firsts)} {kind.direct_label} {' and '.join(seconds)}".strip()

    def rejection_triples(self, claim: Candidate, reviewer: str, at: datetime) -> list[Triple]:
        """The ckg:Rejection that remembers a rejected claim."""
        node = rejection_iri(claim.key)
        triples: list[Triple] = [
            (node, RDF.type, CKG.Rejection),
            (node, RDFS.label, Literal(f"rejected: {claim.label}", lang="en")),
            (node, CKG.candidateKey, Literal(claim.key)),
        ]
        if claim.source is not None:
            triples.append((node, CKG.source, claim.source))
        if claim.quote:
            triples.append((node, CKG.quote, Literal(claim.quote)))
        return triples + _review_marks(node, reviewer, at)

    def related(self, nodes: Iterable[Node]) -> list[Triple]:
        """The triples of what ``nodes`` point at that the candidates files or this review
        propose (actors, talks, agreements, the article and its publisher), followed as far
        as they go; not those of a node the graph has already."""
        graph = self.candidates.graph
        out: list[Triple] = []
        seen: set[Node] = set()
        frontier = list(nodes)
        while frontier:
            node = frontier.pop()
            if node in seen:
                continue
            seen.add(node)
            if isinstance(node, URIRef) and (node, CKG.candidateKey, None) in graph:
                owned: Iterable[Triple] = []  # another claim: written only if accepted
            elif isinstance(node, URIRef) and node in self.proposed:
                owned = self.proposed[node]
            elif isinstance(node, URIRef) and self.known(node):
                owned = []
            else:
                owned = list(graph.triples((node, None, None)))
            for triple in owned:
                out.append(triple)
                if isinstance(triple[2], URIRef | BNode) and triple[1] != RDF.type:
                    frontier.append(triple[2])
        return out


def _words(iri: URIRef) -> str:
    """``ckg:PeaceProcess`` as ``peace process``."""
    local = str(iri).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return "".join(f" {c.lower()}" if c.isupper() else c for c in local).strip()


def _review_marks(node: URIRef, reviewer: str, at: datetime) -> list[Triple]:
    return [
        (node, CKG.reviewedBy, Literal(reviewer)),
        (
            node,
            CKG.reviewedAt,
            Literal(f"{at.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}", datatype=XSD.dateTime),
        ),
    ]


def _ranges(kg: KnowledgeGraph) -> dict[URIRef, URIRef]:
    """The range of each role of a kind of claim (claim-kinds.rq), Talks and Agreement
    before Actor where a role has two."""
    ranges: dict[URIRef, URIRef] = {}
    for row in kg.select("claim-kinds").rows:
        for role, rng in (("from_role", "from_range"), ("to_role", "to_range")):
            if row[role] is None or row[rng] is None:
                continue
            ranges.setdefault(URIRef(str(row[role])), URIRef(str(row[rng])))
    return ranges


def parse_point(text: str) -> TimePoint | None:
    """A date as given to the review: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; '' or '-'
    for none. BadValue naming the text otherwise."""
    if text.strip() in ("", "-"):
        return None
    when = When.parse(text)
    precision = (
        Precision.DAY
        if len(when.text) == 10
        else Precision.MONTH
        if len(when.text) == 7
        else Precision.YEAR
    )
    return TimePoint(when.first, precision)


def rejection_iri(key: str) -> URIRef:
    """The IRI of the rejection of the candidate with ``key``: one per key, so that
    rejecting a claim again replaces the first rejection."""
    return ID[f"rejection-{slug(key) or 'candidate'}"]


# --- decisions from a CSV file -------------------------------------------------------------

#: The columns a decisions file may have besides the role columns (``backer``, ``party``...).
CSV_COLUMNS = ("key", "claim", "decision", "status", "start", "end", "kind")


def read_decisions(path: Path, reviewer: Reviewer) -> list[Decision]:
    """The decisions of the CSV file ``path``: a column ``key`` (or ``claim``, its IRI), a
    column ``decision`` (accept, reject or skip), and optional edits: ``kind``, ``status``,
    ``start``, ``end`` (YYYY, YYYY-MM, YYYY-MM-DD; ``-`` for none) and a column per role
    (``backer``, ``recipient``, ``against``, ``party`` with two names split by ``;``...)
    naming actors the graph or the candidates files know. An empty cell edits nothing.
    Raises BadImport naming the file, line and column of the first bad row."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise BadImport(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise BadImport(f"{path}: cannot be read as UTF-8 text ({error})") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader, [])]
    except csv.Error as error:
        raise BadImport(f"{path}, line 1: {error}") from None
    if not ({"key", "claim"} & set(header)) or "decision" not in header:
        raise BadImport(
            f"{path}, line 1: the header needs a column 'key' (or 'claim') and a column 'decision'"
        )
    roles = reviewer.role_names()
    for column in header:
        if column not in CSV_COLUMNS and normalise(column) not in roles:
            raise BadImport(
                f"{path}, line 1: unknown column {column!r}; the columns: "
                f"{', '.join(CSV_COLUMNS)} and the roles ({', '.join(sorted(roles))})"
            )
    decisions: dict[str, Decision] = {}
    while True:
        place = f"{path}, line {reader.line_num + 1}"
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            raise BadImport(f"{place}: {error}") from None
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header):
            raise BadImport(f"{place}: {len(cells)} cells, the header has {len(header)}")
        row = {h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(header)}
        given = row.get("key") or row.get("claim") or ""
        claim = reviewer.candidates.by_key(given)
        if claim is None:
            raise BadImport(f"{place}: no candidate has the key or IRI {given!r}")
        verdict = row["decision"].lower()
        if verdict not in DECISIONS:
            raise BadImport(
                f"{place}, column decision: {row['decision']!r} is not accept, reject or skip"
            )
        if claim.key in decisions:
            raise BadImport(f"{place}: a second decision on {claim.key!r}")
        try:
            claim = _edited(reviewer, claim, row)
        except _CellError as error:
            raise BadImport(f"{place}, column {error.column}: {error.message}") from None
        decisions[claim.key] = Decision(verdict, claim)
    return list(decisions.values())


class _CellError(Exception):
    """A cell of a decisions file that cannot be applied."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


def _edited(reviewer: Reviewer, claim: Candidate, row: Mapping[str, str]) -> Candidate:
    """``claim`` with the edits of one row of a decisions file."""
    for column in ("kind", "status", "start", "end"):
        cell = row.get(column)
        if not cell:
            continue
        try:
            if column == "kind":
                claim = reviewer.with_kind(claim, reviewer.kind_named(cell))
            elif column == "status":
                claim = reviewer.with_status(claim, cell)
            elif column == "start":
                claim = reviewer.with_dates(claim, cell, None)
            else:
                claim = reviewer.with_dates(claim, None, cell)
        except (BadValue, UnknownName, AmbiguousName) as error:
            raise _CellError(column, str(error)) from None
    for column, cell in row.items():
        if column in CSV_COLUMNS or not cell:
            continue
        names = [n.strip() for n in cell.split(";") if n.strip()]
        for i, name in enumerate(names):
            try:
                slot = reviewer.slot_named(claim, f"{column} {i + 1}" if len(names) > 1 else column)
                claim = reviewer.with_value(claim, slot, reviewer.find(name, slot))
            except (BadValue, UnknownName, AmbiguousName) as error:
                raise _CellError(column, str(error)) from None
    return claim


def decide_above(
    candidates: Candidates,
    decided: Sequence[Decision],
    *,
    accept_above: float | None = None,
    reject_below: float | None = None,
    reviewed: Iterable[str] = (),
) -> list[Decision]:
    """``decided`` with a decision for each candidate it leaves undecided and that is not
    ``reviewed`` already (keys): accept where its confidence is at least ``accept_above``,
    reject where it is below ``reject_below``; the rest stay undecided (skipped)."""
    out = list(decided)
    done = {d.claim.key for d in decided} | set(reviewed)
    for claim in candidates.claims:
        if claim.key in done or claim.confidence is None:
            continue
        if accept_above is not None and claim.confidence >= Decimal(str(accept_above)):
            out.append(Decision("accept", claim))
        elif reject_below is not None and claim.confidence < Decimal(str(reject_below)):
            out.append(Decision("reject", claim))
    return out


# --- writing -------------------------------------------------------------------------------


def review_graph(
    *,
    output: Path | None = None,
    store: StoreSpec | None = None,
    data: Sequence[Path] = (),
    add: Sequence[Path] = (),
    allow_network: bool = False,
) -> KnowledgeGraph:
    """The graph a review finds names in and shows labels from: the store (read-only), or
    the data a file sits on (``data``, default the bundled data, and ``add``) with the
    file itself if it exists, so that what earlier reviews wrote into it is known."""
    if store is not None and store.kind != "memory":
        return KnowledgeGraph.open(store=store, allow_network=allow_network)
    extra = [output] if output is not None and output.is_file() else []
    return KnowledgeGraph.open(list(data) or None, add=[*add, *extra], allow_network=allow_network)


def reviewed_keys(kg_or_graph: KnowledgeGraph | Graph) -> dict[str, str]:
    """Candidate key -> "accepted" or "rejected", for every claim a review decided on in
    ``kg_or_graph`` (a KnowledgeGraph on any store, or an rdflib Graph such as a file
    read). A key both accepted and rejected (in two files) counts as rejected."""
    query = queries.named_query("reviewed-keys")
    if isinstance(kg_or_graph, KnowledgeGraph):
        rows: Iterable[Mapping[str, Node | None]] = kg_or_graph.select(query).rows
    else:
        rows = [
            {"key": row[0], "verdict": row[1]}  # type: ignore[index]
            for row in kg_or_graph.query(query.text)
        ]
    found: dict[str, str] = {}
    for row in rows:
        key, verdict = str(row["key"]), str(row["verdict"])
        if found.get(key) != "rejected":
            found[key] = verdict
    return found


def rejected_keys(kg_or_graph: KnowledgeGraph | Graph) -> set[str]:
    """The candidate keys of the claims a person rejected in ``kg_or_graph`` (a
    KnowledgeGraph on any store, or an rdflib Graph): ``kg extract`` proposes none of
    them again."""
    return {key for key, verdict in reviewed_keys(kg_or_graph).items() if verdict == "rejected"}


def write_review(
    reviewer: Reviewer,
    decisions: Sequence[Decision],
    *,
    output: Path | None = None,
    store: StoreSpec | None = None,
    data: Sequence[Path] = (),
    add: Sequence[Path] = (),
    by: str,
    at: datetime | None = None,
    allow_network: bool = False,
    wait: float = LOCK_WAIT,
    progress: Callable[[int], None] | None = None,
    stage: Callable[[str], None] | None = None,
) -> ReviewResult:
    """Write ``decisions`` into the file ``output`` (merged with what it holds, on top of
    ``data`` and ``add``) or the ``store``, all or nothing, through the importers' write
    path: accepted claims with their proposed actors, talks, agreements and article, and a
    ckg:Rejection per rejected claim, each marked as reviewed by ``by`` at ``at``
    (default: now, UTC). Validated with the target by the shapes first: ReviewRefused,
    one problem a line, and nothing written, where they would not conform. ``progress``
    is told each decision written, ``stage`` "validating", then "writing"."""
    when = (at or datetime.now(UTC)).astimezone(UTC)
    accepted = [d.claim for d in decisions if d.verdict == "accept"]
    rejected = [d.claim for d in decisions if d.verdict == "reject"]
    skipped = len(reviewer.candidates.claims) - len(accepted) - len(rejected)
    if not accepted and not rejected:
        return ReviewResult(0, 0, skipped, None)
    target = target_for(output, store, data=data, add=add, wait=wait)
    new_actors: list[str] = []
    with target.session(allow_network=allow_network) as session:
        # The target as it is now (another review may have written it since this one
        # began): what it has already is not written again.
        reviewer.use(session.kg)
        graph = session.graph
        for claim in accepted:
            triples = reviewer.claim_triples(claim, by, when)
            triples += reviewer.related(v for _r, v in claim.roles)
            triples += reviewer.related([claim.source] if claim.source else [])
            if output is not None:
                triples += _states_named(triples)
            for s, p, _o in triples:
                if p == CKG.proposedActor and str(s) not in new_actors:
                    new_actors.append(str(s))
            session.write_nodes([claim.iri, rejection_iri(claim.key)], _quads(triples, graph))
            if progress is not None:
                progress(1)
        for claim in rejected:
            triples = reviewer.rejection_triples(claim, by, when)
            triples += reviewer.related([claim.source] if claim.source else [])
            session.write_nodes([rejection_iri(claim.key), claim.iri], _quads(triples, graph))
            if progress is not None:
                progress(1)
        if stage is not None:
            stage("validating")
        report = session.validate()
        if not report.conforms:
            raise _refusal(reviewer, report, str(target))
        if stage is not None:
            stage("writing")
        target.commit(session, source=reviewer.candidates.paths[0])
    return ReviewResult(len(accepted), len(rejected), skipped, str(target), new_actors)


@functools.cache
def _reference_states() -> Graph:
    from kg.crosswalk import bundled_file

    graph = Graph()
    graph.parse(bundled_file(), format="turtle")
    return graph


def _states_named(triples: Sequence[Triple]) -> list[Triple]:
    """The crosswalk's description of each state the triples name. A file of reviewed
    claims is read later on top of the bundled data, which lists only the states of the
    Astana talks (a store holds the whole crosswalk), so it carries the states it names:
    the same triples as data/reference/states.ttl, harmless where they are there too."""
    states = _reference_states()
    out: list[Triple] = []
    for _s, _p, o in triples:
        if isinstance(o, URIRef) and (o, RDF.type, CKG.State) in states:
            out.extend(states.triples((o, None, None)))
    return out


def _quads(triples: Iterable[Triple], graph: URIRef) -> list[Any]:
    import pyoxigraph as ox

    named = ox.NamedNode(str(graph))
    return [
        ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), named)
        for s, p, o in dict.fromkeys(triples)
    ]


def _refusal(reviewer: Reviewer, report: ValidationReport, where: str) -> ReviewRefused:
    """The error of a review whose result would not conform: one line per violation,
    naming the candidates file of the claim at fault where it is one."""
    files = {c.iri: c.path for c in reviewer.candidates.claims}
    problems = []
    for result in report.results:
        if result.severity != "Violation":
            continue
        focus = URIRef(str(result.focus_node))
        place = f"{files[focus]}: " if focus in files else ""
        path = f" {compact(str(result.path))}" if result.path else ""
        problems.append(f"{place}{compact(str(focus))}{path}: {result.message.rstrip('.')}")
    problems = list(dict.fromkeys(problems))
    return ReviewRefused(
        f"refused: {where} would not conform ({len(problems)} problem(s)); nothing was written",
        report,
        problems,
    )
