"""Which relations a report, the metrics, a picture or an export is about, and what it
left out.

A :class:`Scope` holds the filters as a user gives them (``--conflict Syria --kind
troops``); :meth:`Scope.resolve` reads what they name from the graph (the UCDP conflicts
called "Syria: ...", the claim class or kind of support called "troops") into a
:class:`Filter`, which says of each claim whether it is in scope and, if not, which
option left it out. :class:`LeftOut` counts the relations left out by each reason
(ended, not yet started, denied, outside a filter), so that every command can say how
many there were and which option shows them, under its table or on stderr.

Filters of one option are alternatives (``--conflict 299 --conflict 13604``: either);
filters of different options all apply.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from kg.errors import KGError, UnknownName
from kg.names import normalise
from kg.prefixes import compact

if TYPE_CHECKING:
    from kg.graph import KnowledgeGraph


class Claim(Protocol):
    """What a filter reads of a claim (kg.claims.Claim, which imports this module)."""

    @property
    def kind(self) -> str: ...
    @property
    def subject(self) -> str: ...
    @property
    def object(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def symmetric(self) -> bool: ...
    @property
    def support(self) -> tuple[str, ...]: ...
    @property
    def against(self) -> tuple[str, ...]: ...
    @property
    def conflicts(self) -> tuple[str, ...]: ...
    @property
    def places(self) -> tuple[str, ...]: ...
    @property
    def source(self) -> Any: ...


def _texts(value: str | Sequence[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


@dataclass(frozen=True)
class Scope:
    """Filters as given: a conflict (UCDP id or name), a country where the relation took
    place, a source (dataset or document) and a kind (of relation or of support)."""

    conflicts: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()

    @classmethod
    def of(
        cls,
        *,
        conflict: str | Sequence[str] | None = None,
        country: str | Sequence[str] | None = None,
        source: str | Sequence[str] | None = None,
        kind: str | Sequence[str] | None = None,
    ) -> Scope:
        """A scope from one text or several for each filter."""
        return cls(_texts(conflict), _texts(country), _texts(source), _texts(kind))

    def __bool__(self) -> bool:
        return bool(self.conflicts or self.countries or self.sources or self.kinds)

    def resolve(self, kg: KnowledgeGraph) -> Filter:
        """What the filters name in ``kg``; UnknownName (exit 6) for a conflict, source or
        kind that names nothing, with the closest names."""
        conflicts: dict[str, str] = {}
        for text in self.conflicts:
            conflicts.update(_conflicts(kg, text))
        sources = {d for text in self.sources for d in _sources(kg, text)}
        classes: set[str] = set()
        support: set[str] = set()
        for text in self.kinds:
            found_classes, found_support = _kinds(kg, text)
            classes |= found_classes
            support |= found_support
        countries: set[str] = set()
        states: set[str] = set()
        places: set[str] | None = None
        for text in self.countries:
            found = _states(kg, text, countries)
            if not found:
                if places is None:
                    places = {
                        p.strip()
                        for row in kg.select("locations").rows
                        for p in str(row["location"]).split(",")
                    }
                if normalise(text) not in {normalise(p) for p in places}:
                    raise UnknownName(_unknown("country or place", text, sorted(places)))
            countries.add(normalise(text))
            states |= found
        return Filter(
            scope=self,
            conflicts=frozenset(conflicts),
            conflict_labels=tuple(sorted(conflicts.values())),
            countries=frozenset(countries),
            states=frozenset(states),
            sources=frozenset(sources),
            classes=frozenset(classes),
            support=frozenset(support),
        )


@dataclass(frozen=True)
class Filter:
    """A :class:`Scope` resolved: the IRIs and folded names each claim is compared with."""

    scope: Scope
    conflicts: frozenset[str] = frozenset()
    conflict_labels: tuple[str, ...] = ()
    countries: frozenset[str] = frozenset()  # folded location names
    states: frozenset[str] = frozenset()  # the IRIs of those states
    sources: frozenset[str] = frozenset()  # document and dataset IRIs
    classes: frozenset[str] = frozenset()  # claim classes
    support: frozenset[str] = frozenset()  # kinds of support, by label

    @property
    def needs_context(self) -> bool:
        """Whether claims must be read with their conflict and location."""
        return bool(self.scope.conflicts or self.scope.countries)

    def outside(self, claim: Claim) -> str | None:
        """The option that leaves ``claim`` out (``--conflict``), or None if it is in."""
        scope = self.scope
        if scope.conflicts and not self.conflicts.intersection(claim.conflicts):
            return "--conflict"
        if scope.countries and not any(
            place in self.states or normalise(place) in self.countries for place in claim.places
        ):
            return "--country"
        if scope.sources and claim.source.document not in self.sources:
            return "--source"
        if (
            scope.kinds
            and claim.kind not in self.classes
            and not self.support.intersection(claim.support)
        ):
            return "--kind"
        return None

    def describe(self) -> str:
        """The filters in a note: ``conflict Syria: Government, Syria: Islamic State``."""
        parts = []
        if self.scope.conflicts:
            parts.append("conflict " + ", ".join(self.conflict_labels))
        for name, values in (
            ("country", self.scope.countries),
            ("source", self.scope.sources),
            ("kind", self.scope.kinds),
        ):
            if values:
                parts.append(f"{name} " + ", ".join(values))
        return "; ".join(parts)


def scoped(kg: KnowledgeGraph, scope: Scope | Filter | None) -> Filter | None:
    """The resolved filter of ``scope`` (None when it filters nothing)."""
    if scope is None:
        return None
    found = scope if isinstance(scope, Filter) else scope.resolve(kg) if scope else None
    return found if found is not None and found.scope else None


# --- what each filter names -----------------------------------------------------------


def _conflicts(kg: KnowledgeGraph, text: str) -> dict[str, str]:
    """The conflicts ``text`` names, by IRI with their label: a UCDP id; a name; or a
    location, which names every conflict called "LOCATION: ..." (UCDP's names: "Syria"
    gives "Syria: Government", "Syria: Islamic State", ...)."""
    rows = [
        (str(r["conflict"]), str(r["label"] or compact(str(r["conflict"]))), r["id"])
        for r in kg.select("conflicts").rows
    ]
    wanted = text.strip()
    if re.fullmatch(r"\d+", wanted):
        found = {c: label for c, label, cid in rows if cid is not None and str(cid) == wanted}
    else:
        key = normalise(wanted)
        found = {c: label for c, label, _cid in rows if normalise(label) == key}
        if not found:
            found = {
                c: label
                for c, label, _cid in rows
                if ":" in label and normalise(label.split(":", 1)[0]) == key
            }
        if not found:
            found = {c: label for c, label, _cid in rows if wanted in (c, compact(c))}
    if not found:
        raise UnknownName(_unknown("conflict", text, sorted({label for _c, label, _i in rows})))
    return found


def _sources(kg: KnowledgeGraph, text: str) -> set[str]:
    """The documents and datasets ``text`` names: an IRI, or words of a title or of the
    IRI's name ("ESD" for ck:ucdp-esd-18-1, "Astana" for the articles on the talks)."""
    rows = [(str(r["source"]), str(r["title"] or "")) for r in kg.select("claim-sources").rows]
    wanted = text.strip()
    found = {d for d, _title in rows if wanted in (d, compact(d))}
    if not found:
        words = set(_words(wanted))
        found = {
            d
            for d, title in rows
            if words
            and (words <= set(_words(title)) or words <= set(_words(compact(d).split(":")[-1])))
        }
    if not found:
        names = sorted({title or compact(d) for d, title in rows})
        raise UnknownName(_unknown("source", text, names))
    return found


def _kinds(kg: KnowledgeGraph, text: str) -> tuple[set[str], set[str]]:
    """The claim classes and kinds of support ``text`` names ("support", "backs",
    "alliance", "troops", "weapons", "mediation")."""
    from kg.vocabulary import Vocabulary

    vocabulary = Vocabulary.of(kg)
    key = normalise(text)
    classes = {
        str(kind.iri)
        for kind in vocabulary.kinds
        if key
        in {
            normalise(kind.label),
            normalise(kind.label.removesuffix(" claim")),
            normalise(kind.direct_label),
            normalise(str(kind.iri).rsplit("#", 1)[-1]),
        }
    }
    classes |= {
        str(k.iri) for k in vocabulary.kinds if text.strip() in (str(k.iri), compact(str(k.iri)))
    }
    support = set()
    if key in vocabulary.support:
        support.add(vocabulary.support_labels[vocabulary.support[key]])
    if not classes and not support:
        names = sorted(
            {k.label.removesuffix(" claim") for k in vocabulary.kinds}
            | set(vocabulary.support_labels.values())
        )
        raise UnknownName(_unknown("kind of relation or support", text, names))
    return classes, support


def _states(kg: KnowledgeGraph, text: str, names: set[str]) -> set[str]:
    """The IRI of the state ``text`` names, if it names one (its other names are added to
    ``names``); nothing for a place the data knows only as text."""
    from kg import actors

    try:
        state = actors.resolve(kg, text)
    except KGError:  # an ambiguous or unknown name: a place known as text only
        return set()
    names.add(normalise(state.label))
    return {str(state.iri)}


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[^0-9a-z]+", normalise(text)) if w]


def _unknown(what: str, text: str, names: Sequence[str]) -> str:
    import difflib

    close = difflib.get_close_matches(text, list(names), n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(repr(n) for n in close)}?" if close else ""
    return f"no {what} is called {text!r}{hint}"


# --- what was left out --------------------------------------------------------------------

#: Why a relation is left out, and what shows it.
REASONS = {
    "ended": "ended (--include-ended lists them)",
    "not started": "not yet begun",
    "denied": "denied (kg report disputed)",
    "--conflict": "in other conflicts or none (--conflict)",
    "--country": "elsewhere (--country)",
    "--source": "from other sources (--source)",
    "--kind": "of other kinds (--kind)",
}


@dataclass
class LeftOut:
    """The relations left out, by reason: each relation (kind, pair, status) once."""

    reasons: dict[str, set[tuple[str, ...]]] = field(default_factory=lambda: defaultdict(set))

    def add(self, reason: str, claim: Claim, period: str = "") -> None:
        """Count the relation of ``claim`` (over ``period``, one of its spans) as left out
        for ``reason``."""
        sides = (
            sorted((claim.subject, claim.object))
            if claim.symmetric
            else [claim.subject, claim.object]
        )
        self.reasons[reason].add((claim.kind, *sides, claim.status, period, *claim.against))

    def update(self, other: LeftOut) -> None:
        """Add the counts of ``other``."""
        for reason, keys in other.reasons.items():
            self.reasons[reason] |= keys

    def counts(self) -> dict[str, int]:
        """How many relations were left out for each reason, in the order of REASONS; a
        relation left out for several (one source's claim outside --source, another's
        outside --kind) counts for the first."""
        counted: set[tuple[str, ...]] = set()
        found = {}
        for reason in REASONS:
            keys = self.reasons.get(reason, set()) - counted
            if keys:
                found[reason] = len(keys)
                counted |= keys
        return found

    def note(self) -> str | None:
        """``3,399 relations left out: 3,390 ended (--include-ended lists them), 9 denied
        (kg report disputed)``; None when nothing was."""
        counts = self.counts()
        if not counts:
            return None
        total = sum(counts.values())
        parts = [f"{n:,} {REASONS[r]}" for r, n in counts.items()]
        word = "relation" if total == 1 else "relations"
        return f"{total:,} {word} left out: " + ", ".join(parts)


def notes_of(left: LeftOut) -> list[str]:
    """The left-out note of ``left`` as a list (empty when nothing was left out)."""
    note = left.note()
    return [note] if note else []
