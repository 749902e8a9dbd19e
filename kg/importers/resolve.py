"""Finding the actors a table names in the graph: by name, IRI or alias.

The actors are read from the graph the import goes into (the bundled data, the alias
table, the user's store) through the bundled queries, so that a new name or alias is a
change of data, not of code. Kinds of support, statuses, kinds of claim and classes of
actor come from the graph's :class:`kg.vocabulary.Vocabulary`.

States are one actor whichever source names them (:mod:`kg.crosswalk`): UCDP's
"Government of X" (``ck:ucdp-actor-ID``, or the name) is the state X unless the data has
a separate government of X, and a state's other names and codes find it; a state the
graph does not have yet is added from the crosswalk with its label.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypeVar, cast

from rdflib import Literal, URIRef
from rdflib.term import Node

from kg import crosswalk
from kg.crosswalk import Crosswalk, StateEntry
from kg.graph import KnowledgeGraph
from kg.importers.aliases import alias_targets
from kg.importers.model import ActorRecord, Batch
from kg.names import normalise
from kg.queries import PREFIXES
from kg.vocab import CKG
from kg.vocabulary import Vocabulary


def expand_iri(text: str) -> URIRef | None:
    """``ck:turkey`` or a full ``https://`` IRI as an IRI; None for other text."""
    text = text.strip()
    if text.startswith(("http://", "https://", "urn:")) and " " not in text:
        return URIRef(text)
    prefix, sep, local = text.partition(":")
    if sep and prefix in PREFIXES and local and " " not in local and "/" not in local:
        return URIRef(PREFIXES[prefix] + local)
    return None


#: How many names an import looks up one query each before it reads every key of the names
#: index instead: PA-X's prose asked 19,704 names of a store that knew few of them (7.5 s),
#: while seven rows into a store of 1M triples ask a handful and read no keys.
KEYS_AFTER = 1_000


_Read = TypeVar("_Read", bound=Batch)


@dataclass
class ActorIndex:
    """The actors of the graph by every name, the merges of the alias table, and the
    actors an import adds (minted), so that each name is resolved the same way throughout.

    A name is looked up when a row first uses it, by its folded key (ckg:nameKey, the
    names index every load and import derives), and kept: reading every name of a store
    of 1M triples first took 8.4 s and 900 MB for an import of seven rows."""

    vocabulary: Vocabulary
    kg: KnowledgeGraph
    same_as: dict[URIRef, URIRef]
    actor_types: frozenset[Node]
    minted: dict[URIRef, ActorRecord] = field(default_factory=dict)
    _by_name: dict[str, dict[URIRef, str]] = field(default_factory=dict, repr=False)
    _by_iri: dict[URIRef, str | None] = field(default_factory=dict, repr=False)
    _minted_names: dict[str, set[URIRef]] = field(default_factory=dict, repr=False)
    _crosswalk: Crosswalk | None = field(default=None, repr=False)
    _ruled: set[URIRef] = field(default_factory=set, repr=False)
    #: The keys of every name of the graph, read once the import has asked for
    #: :data:`KEYS_AFTER` names (None before): from then on a name whose key is not among
    #: them costs no query.
    _keys: frozenset[str] | None = field(default=None, repr=False)

    @classmethod
    def read(cls, kg: KnowledgeGraph) -> ActorIndex:
        """The index of the actors of ``kg``, and its owl:sameAs merges."""
        types = frozenset(row["type"] for row in kg.select("subclasses", {"class": CKG.Actor}).rows)
        return cls(Vocabulary.of(kg), kg, alias_targets(kg), cast(frozenset[Node], types))

    @property
    def crosswalk(self) -> Crosswalk:
        """The crosswalk of states, read when first needed (kg.crosswalk)."""
        if self._crosswalk is None:
            self._crosswalk = crosswalk.read(self.kg)
        return self._crosswalk

    def canonical(self, iri: URIRef) -> URIRef:
        """The actor that ``iri`` stands for, following owl:sameAs merges; UCDP's IRI of
        a state's government (ck:ucdp-actor-122) where no merge names it, by the rule of
        the crosswalk."""
        if iri not in self.same_as and iri not in self._ruled:
            self._ruled.add(iri)
            entry = self.crosswalk.for_iri(iri)
            if entry is not None and entry.actor != iri:
                # Kept with the merges: an import then drops what an earlier one minted
                # under this IRI (Session.write_rest), as for a merge of the alias table.
                self.same_as[iri] = self.state_actor(entry)
        seen = {iri}
        while iri in self.same_as and self.same_as[iri] not in seen:
            iri = self.same_as[iri]
            seen.add(iri)
        return iri

    def in_graph(self, iri: URIRef) -> bool:
        """Whether the graph (before this import's actors are written) has this actor."""
        return self._graph_label(iri) is not None

    def known(self, iri: URIRef) -> bool:
        """Whether the graph, or this import, already has this actor."""
        return iri in self.minted or self.in_graph(iri)

    def find(self, name: str) -> set[URIRef]:
        """The actors (in the graph or minted by this import) that have ``name``; else the
        state of the crosswalk it names ("Burma", "Government of Saudi Arabia"), added if
        the graph does not have it."""
        key = normalise(name)
        found = set(self._graph_named(key)) | self._minted_names.get(key, set())
        if not found and key:
            entry = self.crosswalk.by_name(name)
            if entry is not None:
                found = {self.state_actor(entry)}
        return found

    def by_code(self, kind: str, code: object) -> URIRef | None:
        """The actor of the state with this code (``kind``: cow, gw, iso2, iso3, or ucdp
        for the UCDP id of its government; kg.crosswalk.CODE_KINDS), added if the graph
        does not have it; None if no state has the code."""
        entry = self.crosswalk.by_code(kind, code)
        return None if entry is None else self.state_actor(entry)

    def state_actor(self, entry: StateEntry) -> URIRef:
        """The actor that stands for a state of the crosswalk (its separate government, or
        the state), minted with the state's label if neither the graph nor this import
        has it."""
        actor = self.canonical(entry.actor) if entry.actor in self.same_as else entry.actor
        if not self.known(actor):
            self.mint(actor, entry.label, [CKG.State])
        return actor

    def label(self, iri: URIRef) -> str:
        """The name to show for an actor."""
        if iri in self.minted:
            return self.minted[iri].label
        return self._graph_label(iri) or str(iri)

    def _graph_named(self, key: str) -> dict[URIRef, str]:
        """The actors of the graph whose folded name is ``key``, with their labels."""
        found = self._by_name.get(key)
        if found is None:
            found = {}
            # Not from a server: it may cut a long answer short (Virtuoso's ResultSetMaxRows),
            # and a key missing from the set would be a name not found.
            local = self.kg.store.kind != "endpoint"
            if self._keys is None and local and len(self._by_name) >= KEYS_AFTER:
                rows = self.kg.select("name-keys").rows
                self._keys = frozenset(str(row["key"]) for row in rows)
            if key and (self._keys is None or key in self._keys):
                rows = self.kg.select("name-lookup", {"key": Literal(key)}).rows
                for row in rows:
                    if row["type"] in self.actor_types:
                        thing = URIRef(str(row["thing"]))
                        if row["label"] is None:  # no rdfs:label: its other name
                            found.setdefault(thing, self._graph_label(thing) or key)
                        else:
                            label = str(row["label"])
                            found[thing] = min(found.get(thing, label), label)
                for thing, label in found.items():
                    self._by_iri.setdefault(thing, label)
            self._by_name[key] = found
        return found

    def _graph_label(self, iri: URIRef) -> str | None:
        """The label of the graph's actor ``iri`` (its least rdfs:label, else its other
        name), or None if the graph has no such actor."""
        if iri not in self._by_iri:
            rows = self.kg.select("names", {"class": CKG.Actor, "thing": iri}).rows
            labels = sorted(str(r["label"]) for r in rows if r["label"] is not None)
            names = sorted(str(r["name"]) for r in rows if r["name"] is not None)
            chosen = labels or names
            self._by_iri[iri] = chosen[0] if chosen else None
        return self._by_iri[iri]

    def mint(
        self,
        iri: URIRef,
        label: str,
        types: Iterable[URIRef],
        *,
        ucdp_id: int | None = None,
        comment: str | None = None,
    ) -> ActorRecord:
        """Add an actor that the data does not have (or add types to one added before)."""
        record = self.minted.get(iri)
        if record is None:
            record = ActorRecord(iri, label, set(), ucdp_id, comment)
            self.minted[iri] = record
            self._minted_names.setdefault(normalise(label), set()).add(iri)
        record.types = self.vocabulary.most_specific(record.types | set(types))
        return record

    def finish(self, batch: _Read, publisher: URIRef, name: str) -> _Read:
        """``batch`` with the actors this import adds, the dataset's publisher among them
        (a research organisation named ``name``) unless the graph has it, and the name
        clashes to warn of: the last step of every dataset's reader."""
        batch.actors = dict(self.minted)
        if not self.in_graph(publisher):
            batch.actors[publisher] = self.mint(publisher, name, [CKG.ResearchOrganisation])
        batch.clashes = self.clashes()
        return batch

    def clashes(self) -> list[tuple[str, str, str]]:
        """Minted actors whose name is also a name of an actor of the data: (new actor,
        name, existing actor). Each may be one actor under two IRIs: check, and add an
        alias if so."""
        found = []
        for iri, record in sorted(self.minted.items()):
            for other in sorted(self._graph_named(normalise(record.label))):
                if other != iri and other not in self.minted:
                    found.append((str(iri), record.label, str(other)))
        return found
