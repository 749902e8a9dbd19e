"""The vocabulary of the knowledge graph, read once from its ontology: the one place where
Python learns what the ontology says.

A :class:`Vocabulary` holds the kinds of claim (class, label, direct property and its
inverse, the two roles, whether the relation is symmetric, what it becomes in the actor
network and in which order reports list it), the plain properties that are network edges
(``ckg:partOf``, ``ckg:delegationOf``, ``ckg:governmentOf``), the statuses and kinds of
support by every name (labels, other labels, ESD letters), the classes of actor with
their broader classes, and the kinds of source document by name. Everything comes from the
bundled queries (``claim-kinds.rq``, ``network-kinds.rq``, ``third-party-kinds.rq``,
``concept-names.rq``, ``actor-classes.rq``, ``source-classes.rq``), so that a new kind of
claim, a changed edge sign or a new name of a kind of support is a change of the ontology,
not of code.

:meth:`Vocabulary.of` reads it the first time a graph is asked and keeps it for the life of
that :class:`~kg.graph.KnowledgeGraph`: the claim model, reports, network, metrics and
importers all take it from there. A change made to the ontology of an open graph after that
is not seen; open the graph again.
"""

from __future__ import annotations

import re
import weakref
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from rdflib import URIRef
from rdflib.term import Node

from kg.errors import BadValue
from kg.graph import KnowledgeGraph
from kg.names import normalise
from kg.prefixes import compact
from kg.vocab import CKG


@dataclass(frozen=True)
class EdgeKind:
    """What a kind of relation becomes in the actor network (``ckg:networkEdge`` and
    ``ckg:edgeSign`` on a claim class or a plain property between actors)."""

    iri: str  # the claim class or property, as the network's ``claim_class`` holds it
    name: str  # the label of its direct property: "backs", "allied with", ...
    directed: bool
    sign: int  # +1 cooperative, -1 hostile


@dataclass(frozen=True)
class ClaimKind:
    """A kind of claim: its class, the direct property it stands for, and its two roles."""

    iri: URIRef
    label: str  # "support claim"
    direct: URIRef  # ckg:backs
    direct_label: str  # "backs"
    inverse_label: str | None  # "backed by"; None when the ontology names no inverse
    from_role: URIRef  # the role whose value is the subject of the direct property
    from_role_label: str  # "backer"
    to_role: URIRef
    to_role_label: str  # "recipient"
    between_actors: bool  # both roles have the range ckg:Actor (a table may name the kind)
    edge: EdgeKind | None  # None: no edge of the actor network (mediation, signing, ...)
    list_order: int | None  # ckg:listOrder: where reports list it among its kin

    @property
    def symmetric(self) -> bool:
        """Both sides play the same role (ckg:party): the relation holds both ways."""
        return self.from_role == self.to_role


@dataclass(frozen=True)
class Vocabulary:
    """The vocabulary read from the ontology of one graph; see the module docstring."""

    kinds: tuple[ClaimKind, ...]  # every kind of claim, by IRI
    edge_kinds: Mapping[str, EdgeKind]  # claim classes and plain properties, by IRI
    third_party_roles: tuple[str, ...]  # "mediator", "guarantor", "host": in listOrder
    claim_kinds: Mapping[str, ClaimKind]  # the kinds between two actors, by every name
    support: Mapping[str, URIRef]  # kinds of support by every name and ESD letter
    support_labels: Mapping[URIRef, str]
    statuses: Mapping[str, URIRef]  # statuses by every name
    status_labels: Mapping[URIRef, str]  # in the order lists give them (ckg:listOrder)
    actor_classes: Mapping[str, URIRef]  # ckg:Actor and its subclasses by every name
    broader: Mapping[URIRef, frozenset[URIRef]]  # the actor classes each is a kind of
    source_classes: Mapping[str, URIRef]  # kinds of source document by label and other label

    @classmethod
    def of(cls, kg: KnowledgeGraph) -> Vocabulary:
        """The vocabulary of ``kg``, read from its ontology the first time it is asked."""
        found = _READ.get(kg)
        if found is None:
            found = _READ[kg] = cls.read(kg)
        return found

    @classmethod
    def read(cls, kg: KnowledgeGraph) -> Vocabulary:
        """Read the vocabulary from the ontology of ``kg`` now (:meth:`of` keeps it).

        Raises BadValue when an edge sign or list order is not an integer."""
        edges = _edge_kinds(kg)
        rows: dict[URIRef, Mapping[str, Node | None]] = {}
        ranges: dict[URIRef, tuple[set[str], set[str]]] = defaultdict(lambda: (set(), set()))
        for row in kg.select("claim-kinds").rows:
            iri = URIRef(str(row["kind"]))
            rows.setdefault(iri, row)  # another row: a second label or range
            from_ranges, to_ranges = ranges[iri]
            from_ranges.add(str(row["from_range"]))
            to_ranges.add(str(row["to_range"]))
        actor = str(CKG.Actor)
        kinds: dict[URIRef, ClaimKind] = {}
        for iri, first in rows.items():
            from_role, to_role = URIRef(str(first["from_role"])), URIRef(str(first["to_role"]))
            kinds[iri] = ClaimKind(
                iri,
                str(first["kind_label"]),
                URIRef(str(first["direct"])),
                str(first["direct_label"]),
                _text(first["inverse_label"]),
                from_role,
                _text(first["from_role_label"]) or _words(_local(from_role)),
                to_role,
                _text(first["to_role_label"]) or _words(_local(to_role)),
                actor in ranges[iri][0] and actor in ranges[iri][1],
                edges.get(str(iri)),
                _integer(first["list_order"], iri, "list order"),
            )
        third_party = [
            kinds[URIRef(str(row["kind"]))]
            for row in kg.select("third-party-kinds").rows
            if URIRef(str(row["kind"])) in kinds
        ]
        third_party.sort(key=lambda k: (k.list_order is None, k.list_order or 0, str(k.iri)))
        by_name: dict[str, ClaimKind] = {}
        for kind in kinds.values():
            if kind.between_actors:
                local = _local(kind.iri)
                names = {kind.label, kind.label.removesuffix(" claim"), kind.direct_label}
                names |= {local, _words(local.removesuffix("Claim"))}
                for name in names:
                    by_name[normalise(name)] = kind
        support, support_labels = _concepts(kg, CKG.SupportKinds)
        statuses, status_labels = _concepts(kg, CKG.ClaimStatuses)
        actor_classes: dict[str, URIRef] = {}
        broader: dict[URIRef, set[URIRef]] = defaultdict(set)
        for row in kg.select("actor-classes").rows:
            iri = URIRef(str(row["class"]))
            for name in (str(row["label"]), _local(iri), _words(_local(iri))):
                actor_classes[normalise(name)] = iri
            if row["broader"] is not None:
                broader[iri].add(URIRef(str(row["broader"])))
        return cls(
            tuple(kinds.values()),
            MappingProxyType(edges),
            # once each: an agreement's mediator and talks' mediator are one role
            tuple(dict.fromkeys(k.from_role_label for k in third_party)),
            MappingProxyType(by_name),
            MappingProxyType(support),
            MappingProxyType(support_labels),
            MappingProxyType(statuses),
            MappingProxyType(status_labels),
            MappingProxyType(actor_classes),
            MappingProxyType({k: frozenset(v) for k, v in broader.items()}),
            MappingProxyType(_source_classes(kg)),
        )

    def claim_kind(self, iri: str) -> ClaimKind | None:
        """The kind of claim whose class is ``iri``; None if it is none."""
        for kind in self.kinds:
            if str(kind.iri) == str(iri):
                return kind
        return None

    def most_specific(self, types: Iterable[URIRef]) -> set[URIRef]:
        """Keep only the types that no other of ``types`` is a kind of (RebelGroup, not
        ArmedGroup and Actor as well)."""
        given = set(types)
        return {t for t in given if not any(t in self.broader.get(o, ()) for o in given)}


# The vocabulary of each open graph; an entry goes with its graph.
_READ: weakref.WeakKeyDictionary[KnowledgeGraph, Vocabulary] = weakref.WeakKeyDictionary()


def _edge_kinds(kg: KnowledgeGraph) -> dict[str, EdgeKind]:
    kinds: dict[str, EdgeKind] = {}
    for row in kg.select("network-kinds").rows:
        iri = str(row["kind"])
        if iri in kinds:
            continue
        name = row["direct_label"] or row["label"] or compact(iri)
        sign = _integer(row["sign"], iri, "edge sign")
        assert sign is not None  # network-kinds.rq requires it
        kinds[iri] = EdgeKind(iri, str(name), str(row["edge"]) == str(CKG.DirectedEdge), sign)
    return kinds


def _concepts(kg: KnowledgeGraph, scheme: URIRef) -> tuple[dict[str, URIRef], dict[URIRef, str]]:
    """The concepts of ``scheme`` by every name (folded), and the label of each, in the
    order of ckg:listOrder (then by IRI)."""
    by_name: dict[str, URIRef] = {}
    labels: dict[URIRef, str] = {}
    order: dict[URIRef, int | None] = {}
    for row in kg.select("concept-names", {"scheme": scheme}).rows:
        concept = URIRef(str(row["concept"]))
        by_name[normalise(str(row["name"]))] = concept
        labels.setdefault(concept, str(row["label"]))
        order.setdefault(concept, _integer(row["order"], concept, "list order"))
    listed = sorted(labels, key=lambda c: (order[c] is None, order[c] or 0, str(c)))
    return by_name, {c: labels[c] for c in listed}


def _source_classes(kg: KnowledgeGraph) -> dict[str, URIRef]:
    """The kinds of source document by every name: for each class (by IRI), its other
    labels, then its label, which is the order an error lists them in."""
    others: dict[URIRef, list[str]] = defaultdict(list)
    labels: dict[URIRef, str] = {}
    for row in kg.select("source-classes").rows:
        iri = URIRef(str(row["class"]))
        labels.setdefault(iri, str(row["label"]))
        if row["other"] is not None and str(row["other"]) not in others[iri]:
            others[iri].append(str(row["other"]))
    by_name: dict[str, URIRef] = {}
    for iri in sorted(labels):
        for name in [*others[iri], labels[iri]]:
            by_name.setdefault(normalise(name), iri)
    return by_name


def _integer(value: Node | None, iri: str, what: str) -> int | None:
    if value is None:
        return None
    try:
        return int(str(value))
    except ValueError:
        raise BadValue(f"{compact(iri)}: its {what} is not an integer ({value!r:.60})") from None


def _text(value: Node | None) -> str | None:
    return None if value is None else str(value)


def _words(name: str) -> str:
    """``RebelGroup`` as ``rebel group``."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).lower()


def _local(iri: str) -> str:
    return str(iri).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
