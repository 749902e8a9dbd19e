"""Validation of what a change touches: the results of the whole store's validation for the
focus nodes a change can affect, found from a small part of the store.

An import into a store of a million triples should cost what its rows cost, not what the
store holds. A shape looks at the triples a bounded number of steps from its focus node:
``sh:targetClass`` and ``sh:minCount`` at the focus node's own triples (one step),
``sh:class`` at the type of a value (two steps), ``sh:node`` as far as the shape it names.
That bound is the shapes' *reach* (:func:`reach`). A triple whose subject is ``n`` can then
change the results of a focus node only if ``n`` is at most ``reach - 1`` steps from it,
following triples forward; so the focus nodes whose results may change are the subjects the
change wrote or removed, and what points at them, ``reach - 1`` steps back
(:func:`candidates`). Their results need only the triples up to ``reach`` steps forward
from them (:func:`neighbourhood`), which are read from the store and validated in memory by
the same compiled shapes (kg.validation.validate_graph); the results for those focus nodes
are kept. The results of every other focus node are the same as before the change.

Where the reach is not bounded or not known (a path with ``*`` or ``+``, an inverse path, a
target of the objects of a property, a SPARQL-based constraint that reads more than its
``$this``'s own triples, a parameter this module does not know), or where the change
touches more than SCOPE_LIMIT nodes, the whole store is validated: the same results, found
the long way. The integrity queries (``*-violation.rq``) always run over the whole store:
they are single queries that find nothing quickly, and their reach is a query's to say.
tests/test_validation_scope.py checks the rule against whole validations.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef, Variable
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.paths import Path as RdflibPath
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Node

from kg.named_graphs import ONTOLOGY_GRAPH
from kg.validation import (
    _report,
    integrity_report,
    shapes_graph,
    validate_graph,
    validate_kg,
)
from kg.validation_report import ValidationReport

if TYPE_CHECKING:
    from kg.graph import KnowledgeGraph

#: Past this many nodes touched, or triples around them, the change is validated with the
#: whole store, which is then as quick: an import of a whole dataset touches everything
#: (ESD's 9,316 claims, ATOP's 136,648), and the part of the store around it, read into
#: memory, would cost more than validating the store where it is (ESD: 21.5 s and 462 MB
#: instead of 10.9 s and 188 MB).
SCOPE_LIMIT = 5_000
AROUND_LIMIT = 50_000

Triple = tuple[Node, Node, Node]

# Parameters that look no further than the value nodes themselves.
_AT_VALUES = {
    SH.datatype, SH.nodeKind, SH.minExclusive, SH.minInclusive, SH.maxExclusive,
    SH.maxInclusive, SH.minLength, SH.maxLength, SH.pattern, SH.flags, SH.languageIn,
    SH["in"], SH.hasValue, SH.minCount, SH.maxCount, SH.uniqueLang,
}  # fmt: skip
# Parameters that say nothing about the data.
_DESCRIPTIVE = {
    SH.message, SH.severity, SH.name, SH.description, SH.order, SH.group, SH.defaultValue,
    SH.deactivated, SH.path, SH.ignoredProperties, SH.qualifiedMinCount, SH.qualifiedMaxCount,
    SH.targetClass, SH.targetNode, SH.targetSubjectsOf,
}  # fmt: skip
# Parameters whose value is one shape, or a list of shapes, that the value nodes must meet.
_ONE_SHAPE = {SH.node, SH["not"], SH.qualifiedValueShape, SH.property}
_SHAPE_LIST = {SH["and"], SH["or"], SH.xone}
_PEERS = {SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals}


class _Unbounded(Exception):
    """The shapes may look arbitrarily far from a focus node, or in a way not analysed."""


@functools.cache
def bundled_reach() -> int | None:
    """How far from a focus node the bundled shapes read."""
    return reach(shapes_graph())


def reach(shapes: Graph) -> int | None:
    """How many steps forward from a focus node the shapes read triples (1: the focus
    node's own triples), or None when that is not bounded or not known."""
    try:
        return max((_shape_reach(shapes, s, ()) for s in _targeted(shapes)), default=0)
    except _Unbounded:
        return None


def _targeted(shapes: Graph) -> list[Node]:
    from kg.shacl_sparql import targeted_shapes

    found = targeted_shapes(shapes)
    if any(shapes.subjects(SH.targetObjectsOf, None)) or any(shapes.subjects(SH.target, None)):
        raise _Unbounded  # focus nodes found from triples that point at them
    return list(found)


def _shape_reach(shapes: Graph, shape: Node, seen: tuple[Node, ...]) -> int:
    if shape in seen:
        raise _Unbounded  # a recursive shape
    seen = (*seen, shape)
    path = shapes.value(shape, SH.path)
    steps = _path_steps(shapes, path) if path is not None else 0
    # Targets read the focus node's own triples (its type, the property it is a subject of).
    deepest = 1
    for predicate, value in shapes.predicate_objects(shape):
        if predicate in _DESCRIPTIVE or predicate in _AT_VALUES:
            deepest = max(deepest, steps)
        elif predicate == SH["class"]:
            deepest = max(deepest, steps + 1)  # the type of each value
        elif predicate in _PEERS:
            deepest = max(deepest, steps, 1)  # the focus node's values of another property
        elif predicate == SH.closed:
            deepest = max(deepest, 1)
        elif predicate in _ONE_SHAPE:
            deepest = max(deepest, steps + _shape_reach(shapes, value, seen))
        elif predicate in _SHAPE_LIST:
            for member in Collection(shapes, value):
                deepest = max(deepest, steps + _shape_reach(shapes, member, seen))
        elif predicate == SH.sparql:
            deepest = max(deepest, steps + _sparql_reach(shapes, value))
        elif predicate == SH.qualifiedValueShapesDisjoint:
            raise _Unbounded  # the sibling shapes of the parent count too
        elif str(predicate).startswith(str(SH)):
            raise _Unbounded  # a parameter not analysed (a SPARQL-based component, ...)
    return deepest


def _path_steps(shapes: Graph, path: Node) -> int:
    """The steps of a path that goes forward only, a bounded number of times."""
    if isinstance(path, URIRef):
        return 1
    if not isinstance(path, BNode):
        raise _Unbounded
    if shapes.value(path, RDF.first) is not None:
        return sum(_path_steps(shapes, step) for step in Collection(shapes, path))
    inner = shapes.value(path, SH.zeroOrOnePath)
    if inner is not None:
        return _path_steps(shapes, inner)
    alternatives = shapes.value(path, SH.alternativePath)
    if alternatives is not None:
        return max(_path_steps(shapes, a) for a in Collection(shapes, alternatives))
    raise _Unbounded  # inverse (reads what points at the focus node), `*`, `+`


def _sparql_reach(shapes: Graph, constraint: Node) -> int:
    """The reach of a SPARQL-based constraint whose triple patterns all have ``$this`` as
    their subject and a fixed predicate: one step. Any other query is not analysed."""
    from kg.shacl_sparql import prefix_declarations

    select = shapes.value(constraint, SH.select)
    if select is None:
        raise _Unbounded
    try:
        text = prefix_declarations(shapes, constraint) + str(select).replace("$", "?")
        prepared = prepareQuery(text)
    except Exception:  # rdflib raises many kinds; a query it cannot read is not analysed
        raise _Unbounded from None
    this = Variable("this")
    for s, p, _o in _triple_patterns(prepared.algebra):
        if s != this or isinstance(p, Variable | RdflibPath):
            raise _Unbounded
    return 1


def _triple_patterns(node: object) -> Iterator[Triple]:
    if isinstance(node, CompValue):
        if node.name == "BGP":
            yield from node["triples"] if "triples" in node else ()
        for value in node.values():
            yield from _triple_patterns(value)
    elif isinstance(node, list | tuple):
        for item in node:
            yield from _triple_patterns(item)


@runtime_checkable
class NeighbourStore(Protocol):
    """What a store answers for the scope: the triples of ``graphs`` with one of ``nodes``
    as subject (or, ``as_object``, as object)."""

    def triples_with(
        self, graphs: Sequence[URIRef], nodes: Iterable[Node], *, as_object: bool = False
    ) -> Iterator[Triple]: ...

    def triples_with_predicate(
        self, graphs: Sequence[URIRef], predicate: URIRef
    ) -> Iterator[Triple]: ...


@dataclass
class Touched:
    """The subjects a change wrote or removed triples of (``nodes``: what validation
    looks around), and the nodes their role properties named before or after it
    (``objects``: the actors whose derived relations may change), up to SCOPE_LIMIT each.
    Past it, or where not kept (a server derives the whole), None: validate or derive the
    whole, and keep nothing more."""

    nodes: set[Node] | None = field(default_factory=set)
    objects: set[Node] | None = field(default_factory=set)

    def add(self, nodes: Iterable[Node]) -> None:
        if self.nodes is None:
            return
        self.nodes.update(n for n in nodes if not isinstance(n, Literal))
        if len(self.nodes) > SCOPE_LIMIT:
            self.nodes = self.objects = None  # deriving around needs the subjects too

    def add_objects(self, nodes: Iterable[Node]) -> None:
        if self.objects is None:
            return
        self.objects.update(n for n in nodes if not isinstance(n, Literal))
        if len(self.objects) > SCOPE_LIMIT:
            self.objects = None


def candidates(
    store: NeighbourStore, graphs: Sequence[URIRef], touched: set[Node], steps: int
) -> set[Node] | None:
    """The focus nodes whose results a change of the triples of ``touched`` may change:
    ``touched`` and what points at it, ``steps`` steps back; None past SCOPE_LIMIT."""
    found, frontier = set(touched), set(touched)
    for _ in range(steps):
        _askable(store, frontier)
        frontier = {s for s, _p, _o in store.triples_with(graphs, frontier, as_object=True)}
        frontier -= found
        found |= frontier
        if len(found) > SCOPE_LIMIT:
            return None
    return found


def _askable(store: NeighbourStore, nodes: set[Node]) -> None:
    """A SPARQL server cannot be asked about a blank node it answered: the scope is not
    known, and the whole is validated."""
    if not getattr(store, "stable_blank_nodes", True) and any(isinstance(n, BNode) for n in nodes):
        raise _Unbounded


def neighbourhood(
    store: NeighbourStore, graphs: Sequence[URIRef], nodes: set[Node], steps: int
) -> Graph | None:
    """The triples of ``graphs`` up to ``steps`` steps forward from ``nodes``; None past
    AROUND_LIMIT triples."""
    graph = Graph()
    seen, frontier = set(nodes), set(nodes)
    for _ in range(steps):
        reached: set[Node] = set()
        _askable(store, frontier)
        for triple in store.triples_with(graphs, frontier):
            graph.add(triple)
            if not isinstance(triple[2], Literal):
                reached.add(triple[2])
            if len(graph) > AROUND_LIMIT:
                return None
        frontier = reached - seen
        seen |= frontier
    return graph


def validate_touched(
    store: NeighbourStore,
    graphs: Sequence[URIRef],
    touched: Touched,
    *,
    ontology: Graph,
    steps: int | None,
    whole: Callable[[], ValidationReport],
    integrity: Callable[[], ValidationReport],
    allow_network: bool = False,
    violations_only: bool = False,
) -> ValidationReport:
    """The results of validating the whole store for the focus nodes the change ``touched``
    may affect (see the module's docstring), or ``whole()`` where that is not bounded.
    ``steps`` is the shapes' :func:`reach`, ``integrity()`` the integrity queries' report
    over the whole store."""
    if touched.nodes is None or steps is None:
        return whole()
    try:
        focus = candidates(store, graphs, touched.nodes, steps - 1)
        if focus is None:
            return whole()
        around = neighbourhood(store, graphs, focus, steps)
    except _Unbounded:
        return whole()
    if around is None:
        return whole()
    # sh:class and sh:targetClass follow rdfs:subClassOf however far: all of it comes along.
    around += store_subclasses(store, graphs)
    content = Graph()
    content += ontology
    content += around
    scoped = validate_graph(
        content, allow_network=allow_network, integrity=False, violations_only=violations_only
    )
    kept = {str(node) for node in focus}
    results = [r for r in scoped.results if r.focus_node in kept]
    checked = integrity()
    results.extend(checked.results)
    report = _report(results, _filtered(scoped.make_graph, kept, checked))
    report.notes.extend(scoped.notes)
    report.notes.append(
        f"validated what the change touches: {len(focus):,} focus node(s) and the "
        f"{len(around):,} triple(s) around them"
    )
    return report


def store_subclasses(store: NeighbourStore, graphs: Sequence[URIRef]) -> Graph:
    """The rdfs:subClassOf triples of ``graphs``."""
    graph = Graph()
    for triple in store.triples_with_predicate(graphs, RDFS.subClassOf):
        graph.add(triple)
    return graph


def _filtered(
    make_graph: Callable[[], Graph], kept: set[str], integrity: ValidationReport
) -> Callable[[], Graph]:
    """The report graph of the scoped validation with only the results of ``kept`` focus
    nodes, and the integrity queries' results."""

    def make() -> Graph:
        graph = make_graph()
        for result in list(graph.subjects(RDF.type, SH.ValidationResult)):
            if str(graph.value(result, SH.focusNode)) not in kept:
                for triple in list(graph.triples((result, None, None))):
                    graph.remove(triple)
                for report in list(graph.subjects(SH.result, result)):
                    graph.remove((report, SH.result, result))
        for report in graph.subjects(RDF.type, SH.ValidationReport):
            violated = any(
                graph.value(result, SH.resultSeverity) == SH.Violation
                for result in graph.objects(report, SH.result)
            )
            graph.set((report, SH.conforms, Literal(not violated)))
        graph += integrity.graph
        return graph

    return make


def validate_change(
    kg: KnowledgeGraph,
    touched: Touched,
    *,
    data_graphs: Sequence[URIRef],
    violations_only: bool = False,
) -> ValidationReport:
    """Validate, after a change to the store of ``kg`` (an import), what the change
    ``touched``: the whole store's results for the focus nodes it may affect, with the
    bundled shapes, and the integrity queries over the whole store. ``violations_only``:
    no check of a lesser severity runs (an import shows only what refuses it)."""

    def whole() -> ValidationReport:
        return validate_kg(
            kg, engine="auto", data_graphs=data_graphs, violations_only=violations_only
        )

    store = kg.store
    if not isinstance(store, NeighbourStore):
        return whole()
    return validate_touched(
        store,
        data_graphs,
        touched,
        ontology=kg.graph(ONTOLOGY_GRAPH),
        steps=bundled_reach(),
        whole=whole,
        integrity=lambda: integrity_report(kg, data_graphs),
        allow_network=kg.allow_network,
        violations_only=violations_only,
    )
