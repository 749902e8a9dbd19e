"""Finding what a table names in the graph: actors (by name, IRI or alias), kinds of
support, statuses, kinds of claim and classes of actor.

Everything is read from the graph the import goes into (the bundled data and ontology, the
alias table, the user's store), through the bundled queries, so that a new name, alias or
kind of support is a change of data, not of code.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import URIRef

from kg.graph import KnowledgeGraph
from kg.importers.aliases import alias_targets
from kg.importers.model import ActorRecord
from kg.names import normalise
from kg.queries import PREFIXES
from kg.vocab import CKG


@dataclass(frozen=True)
class ClaimKind:
    """A kind of claim between two actors: its class, roles and label."""

    iri: URIRef
    from_role: URIRef
    to_role: URIRef
    label: str


@dataclass
class Vocabulary:
    """The names by which a table may give kinds of support, statuses, kinds of claim and
    classes of actor, each read from the ontology (labels, other labels, ESD letters)."""

    support: dict[str, URIRef]
    support_labels: dict[URIRef, str]
    statuses: dict[str, URIRef]
    claim_kinds: dict[str, ClaimKind]
    actor_classes: dict[str, URIRef]
    broader: dict[URIRef, set[URIRef]]

    @classmethod
    def read(cls, kg: KnowledgeGraph) -> Vocabulary:
        """Read the vocabulary from the ontology of ``kg``."""
        support: dict[str, URIRef] = {}
        support_labels: dict[URIRef, str] = {}
        for row in kg.select("concept-names", {"scheme": CKG.SupportKinds}).rows:
            concept = URIRef(str(row["concept"]))
            support[_key(str(row["name"]))] = concept
            support_labels.setdefault(concept, str(row["label"]))
        statuses = {
            _key(str(row["name"])): URIRef(str(row["concept"]))
            for row in kg.select("concept-names", {"scheme": CKG.ClaimStatuses}).rows
        }
        claim_kinds: dict[str, ClaimKind] = {}
        for row in kg.select("claim-kinds").rows:
            kind = ClaimKind(
                URIRef(str(row["kind"])),
                URIRef(str(row["from_role"])),
                URIRef(str(row["to_role"])),
                str(row["kind_label"]),
            )
            label = str(row["kind_label"])
            names = {label, label.removesuffix(" claim"), str(row["direct_label"])}
            names.add(_local(kind.iri))
            names.add(_words(_local(kind.iri).removesuffix("Claim")))
            for name in names:
                claim_kinds[_key(name)] = kind
        actor_classes: dict[str, URIRef] = {}
        broader: dict[URIRef, set[URIRef]] = defaultdict(set)
        for row in kg.select("actor-classes").rows:
            iri = URIRef(str(row["class"]))
            for name in (str(row["label"]), _local(iri), _words(_local(iri))):
                actor_classes[_key(name)] = iri
            if row["broader"] is not None:
                broader[iri].add(URIRef(str(row["broader"])))
        return cls(support, support_labels, statuses, claim_kinds, actor_classes, dict(broader))

    def most_specific(self, types: Iterable[URIRef]) -> set[URIRef]:
        """Keep only the types that no other of ``types`` is a kind of (RebelGroup, not
        ArmedGroup and Actor as well)."""
        given = set(types)
        return {t for t in given if not any(t in self.broader.get(o, ()) for o in given)}


def _key(name: str) -> str:
    return normalise(name)


def _words(name: str) -> str:
    """``RebelGroup`` as ``rebel group``."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).lower()


def _local(iri: URIRef) -> str:
    text = str(iri)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def expand_iri(text: str) -> URIRef | None:
    """``ck:turkey`` or a full ``https://`` IRI as an IRI; None for other text."""
    text = text.strip()
    if text.startswith(("http://", "https://", "urn:")) and " " not in text:
        return URIRef(text)
    prefix, sep, local = text.partition(":")
    if sep and prefix in PREFIXES and local and " " not in local and "/" not in local:
        return URIRef(PREFIXES[prefix] + local)
    return None


@dataclass
class ActorIndex:
    """The actors of the graph by every name, the merges of the alias table, and the
    actors an import adds (minted), so that each name is resolved the same way throughout."""

    vocabulary: Vocabulary
    names: dict[str, set[URIRef]]
    labels: dict[URIRef, str]
    same_as: dict[URIRef, URIRef]
    minted: dict[URIRef, ActorRecord] = field(default_factory=dict)

    @classmethod
    def read(cls, kg: KnowledgeGraph, vocabulary: Vocabulary) -> ActorIndex:
        """Index the actors of ``kg`` by every name, and its owl:sameAs merges."""
        names: dict[str, set[URIRef]] = defaultdict(set)
        labels: dict[URIRef, str] = {}
        for row in kg.select("names", {"class": CKG.Actor}).rows:
            thing = URIRef(str(row["thing"]))
            labels.setdefault(thing, str(row["label"] or row["name"]))
            names[normalise(str(row["name"]))].add(thing)
        return cls(vocabulary, dict(names), labels, alias_targets(kg))

    def canonical(self, iri: URIRef) -> URIRef:
        """The actor that ``iri`` stands for, following owl:sameAs merges."""
        seen = {iri}
        while iri in self.same_as and self.same_as[iri] not in seen:
            iri = self.same_as[iri]
            seen.add(iri)
        return iri

    def known(self, iri: URIRef) -> bool:
        """Whether the graph, or this import, already has this actor."""
        return iri in self.labels or iri in self.minted

    def find(self, name: str) -> set[URIRef]:
        """The actors (in the graph or minted by this import) that have ``name``."""
        return set(self.names.get(normalise(name), set()))

    def label(self, iri: URIRef) -> str:
        """The name to show for an actor."""
        if iri in self.minted:
            return self.minted[iri].label
        return self.labels.get(iri, str(iri))

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
            self.names.setdefault(normalise(label), set()).add(iri)
        record.types = self.vocabulary.most_specific(record.types | set(types))
        return record

    def clashes(self) -> list[tuple[str, str, str]]:
        """Minted actors whose name is also a name of an actor of the data: (new actor,
        name, existing actor). Each may be one actor under two IRIs: check, and add an
        alias if so."""
        found = []
        for iri, record in sorted(self.minted.items()):
            for other in sorted(self.names.get(normalise(record.label), set())):
                if other != iri and other not in self.minted:
                    found.append((str(iri), record.label, str(other)))
        return found
