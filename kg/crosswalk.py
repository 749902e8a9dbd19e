"""The crosswalk of states: one state, one actor, whichever code or name a source gives it.

``data/reference/states.ttl`` (built by ``tools/build_states.py`` from the Correlates of
War list, the UCDP datasets and ISO 3166-1, each cited there) gives every state its COW
code, Gleditsch-Ward number, ISO 3166-1 codes, the UCDP actor id of its government and its
other names. The rule that uses it: UCDP's "Government of X" (an id, or the name) is the
state X for who backs whom, unless the data has a separate government of X (a
``ckg:Government`` with ``ckg:governmentOf`` X, as ``ck:syrian-government`` for
``ck:syria``), which it then is.

The states are read from the graph (every store holds the file, and a user may add codes
of their own) on top of the bundled file, so that an import into a file on data without
the crosswalk resolves the same way.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from rdflib import URIRef
from rdflib.term import Node

from kg import resources
from kg.graph import KnowledgeGraph
from kg.names import normalise
from kg.vocab import ID

#: The bundled crosswalk, relative to the data folder (kg.resources.reference_files).
STATES_FILE = "reference/states.ttl"

#: The kinds of code a state can be found by: the crosswalk-states.rq variable of each.
CODE_KINDS = ("cow", "gw", "iso2", "iso3", "ucdp")

_UCDP_ACTOR = re.compile(re.escape(str(ID)) + r"ucdp-actor-(\d+)")
_GOVERNMENT_OF = re.compile(r"^government of (.+)$")


@dataclass(frozen=True)
class StateEntry:
    """One state of the crosswalk: its IRI, names, codes, and the data's separate
    government of it (None: the state is its own government for who backs whom)."""

    iri: URIRef
    label: str
    names: frozenset[str] = frozenset()
    codes: Mapping[str, str] = field(default_factory=dict)
    government: URIRef | None = None

    @property
    def actor(self) -> URIRef:
        """The actor that UCDP's government of this state is: the data's government of it,
        else the state."""
        return self.government if self.government is not None else self.iri


@dataclass(frozen=True)
class Crosswalk:
    """The states by code and by name."""

    states: tuple[StateEntry, ...] = ()

    @functools.cached_property
    def _by_code(self) -> dict[tuple[str, str], StateEntry]:
        found: dict[tuple[str, str], StateEntry] = {}
        for entry in self.states:
            for kind, code in entry.codes.items():
                found.setdefault((kind, code.upper()), entry)
        return found

    @functools.cached_property
    def _by_name(self) -> dict[str, StateEntry | None]:
        found: dict[str, StateEntry | None] = {}
        for entry in self.states:
            for name in {entry.label, *entry.names}:
                key = normalise(name)
                if key and found.get(key, entry) is not entry:
                    found[key] = None  # two states share the name: it names neither
                else:
                    found[key] = entry
        return found

    def by_code(self, kind: str, code: object) -> StateEntry | None:
        """The state with this code: ``kind`` is one of :data:`CODE_KINDS` (cow, gw, iso2,
        iso3, ucdp: the UCDP id of its government); ``code`` 670, "670", "SA" or "sau"."""
        if kind not in CODE_KINDS:
            raise ValueError(f"{kind!r} is no kind of state code ({', '.join(CODE_KINDS)})")
        text = str(code).strip()
        if kind in ("cow", "gw", "ucdp"):
            text = text.removesuffix(".0")  # 670.0: a spreadsheet's number
        return self._by_code.get((kind, text.upper()))

    def by_name(self, name: str) -> StateEntry | None:
        """The state ``name`` names: its label, another name ("Burma", "Government of Saudi
        Arabia"), or "Government of X" for a state X the crosswalk knows."""
        key = normalise(name)
        entry = self._by_name.get(key)
        if entry is None and (match := _GOVERNMENT_OF.match(key)):
            entry = self._by_name.get(normalise(match.group(1)))
        return entry

    def for_iri(self, iri: URIRef) -> StateEntry | None:
        """The state whose government UCDP gives this IRI's id (ck:ucdp-actor-122), if any."""
        match = _UCDP_ACTOR.fullmatch(str(iri))
        return self.by_code("ucdp", match.group(1)) if match else None

    def with_governments(self, governments: Mapping[URIRef, URIRef]) -> Crosswalk:
        """The crosswalk with each state's separate government (state -> government)."""
        return Crosswalk(
            tuple(
                replace(e, government=governments[e.iri]) if e.iri in governments else e
                for e in self.states
            )
        )


def _text(value: Node | None) -> str | None:
    return None if value is None else str(value)


def entries(rows: Iterable[Mapping[str, Node | None]]) -> list[StateEntry]:
    """The states of crosswalk-states.rq's rows that have a code, by IRI."""
    labels: dict[URIRef, list[str]] = {}
    names: dict[URIRef, set[str]] = {}
    codes: dict[URIRef, dict[str, str]] = {}
    for row in rows:
        state = row["state"]
        if not isinstance(state, URIRef):
            continue
        if (label := _text(row.get("label"))) is not None:
            labels.setdefault(state, []).append(label)
        if (name := _text(row.get("name"))) is not None:
            names.setdefault(state, set()).add(name)
        for kind in CODE_KINDS:
            if (code := _text(row.get(kind))) is not None:
                codes.setdefault(state, {}).setdefault(kind, code)
    return [
        StateEntry(
            iri,
            min(labels.get(iri, [])) if labels.get(iri) else str(iri).rsplit("/", 1)[-1],
            frozenset(names.get(iri, ())),
            found,
        )
        for iri, found in sorted(codes.items())
    ]


@functools.cache
def bundled() -> Crosswalk:
    """The crosswalk of the bundled file, read once per process."""
    kg = KnowledgeGraph()
    kg.load([bundled_file()])
    return Crosswalk(tuple(entries(kg.select("crosswalk-states").rows)))


def bundled_file() -> Path:
    """The bundled crosswalk file (data/reference/states.ttl)."""
    return resources.bundled_dir("data") / STATES_FILE


def read(kg: KnowledgeGraph) -> Crosswalk:
    """The crosswalk an import into ``kg`` resolves with: the bundled states, with what
    ``kg`` says of them (a state's codes and names there win) and of the separate
    governments it has."""
    in_graph = {e.iri: e for e in entries(kg.select("crosswalk-states").rows)}
    states = [in_graph.pop(e.iri, e) for e in bundled().states]
    states.extend(in_graph.values())
    governments: dict[URIRef, URIRef] = {}
    for row in kg.select("state-governments").rows:
        state, government = row["state"], row["government"]
        if isinstance(state, URIRef) and isinstance(government, URIRef):
            # A minted UCDP government (ck:ucdp-actor-ID) is what the rule merges, not a
            # separate government; of several, the least IRI, so every run picks the same.
            if not _UCDP_ACTOR.fullmatch(str(government)):
                governments.setdefault(state, government)
    return Crosswalk(tuple(states)).with_governments(governments)
