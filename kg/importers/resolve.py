"""Finding the actors a table names in the graph: by name, IRI or alias.

The actors are read from the graph the import goes into (the bundled data, the alias
table, the user's store) through the bundled queries, so that a new name or alias is a
change of data, not of code. Kinds of support, statuses, kinds of claim and classes of
actor come from the graph's :class:`kg.vocabulary.Vocabulary`.
"""

from __future__ import annotations

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
    def read(cls, kg: KnowledgeGraph) -> ActorIndex:
        """Index the actors of ``kg`` by every name, and its owl:sameAs merges."""
        names: dict[str, set[URIRef]] = defaultdict(set)
        labels: dict[URIRef, str] = {}
        for row in kg.select("names", {"class": CKG.Actor}).rows:
            thing = URIRef(str(row["thing"]))
            labels.setdefault(thing, str(row["label"] or row["name"]))
            names[normalise(str(row["name"]))].add(thing)
        return cls(Vocabulary.of(kg), dict(names), labels, alias_targets(kg))

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
