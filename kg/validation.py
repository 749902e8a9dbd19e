"""SHACL validation of instance data against the bundled shapes and ontology.

The data is validated together with the ontology, so that ``sh:class ckg:Actor`` accepts a
ckg:State through ``rdfs:subClassOf``. Integrity queries named ``*-violation.rq`` run as
well; each row they return is reported like a SHACL violation.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from kg import queries, resources
from kg.graph import DATA_GRAPH, ONTOLOGY_GRAPH, KnowledgeGraph, parse_file
from kg.stores.memory import MemoryStore

SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}
VIOLATION_QUERY_NS = "urn:conflict-kg:query:"


@dataclass(frozen=True)
class ValidationResult:
    """One finding: what is wrong (message), where (focus node and path), and how badly."""

    focus_node: str
    path: str | None
    message: str
    severity: str
    shape: str
    constraint: str
    value: str | None = None


@dataclass
class ValidationReport:
    """The outcome of validation: conforms when there is no Violation (warnings are allowed)."""

    conforms: bool
    results: list[ValidationResult]
    graph: Graph = field(repr=False)

    @property
    def violations(self) -> int:
        """How many results are violations."""
        return sum(1 for r in self.results if r.severity == "Violation")

    @property
    def warnings(self) -> int:
        """How many results are warnings."""
        return sum(1 for r in self.results if r.severity == "Warning")


def _local(node: Node | str) -> str:
    text = str(node)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _path_text(node: Node | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, URIRef):
        return str(node)
    return f"complex path {node.n3()}"  # a sequence, inverse or alternative path


def _named_shape(shapes: Graph, shape: Node) -> str:
    """The named node shape that holds a (blank) property shape, or the shape itself."""
    seen: set[Node] = set()
    while isinstance(shape, BNode) and shape not in seen:
        seen.add(shape)
        parent = shapes.value(None, SH.property, shape) or shapes.value(None, SH.sparql, shape)
        if parent is None:
            break
        shape = parent
    return str(shape)


def shapes_graph() -> Graph:
    """The bundled SHACL shapes."""
    graph = Graph()
    for path in resources.shapes_files():
        graph += parse_file(path)
    return graph


ENGINES = ("auto", "pyshacl", "sparql")


def validate(
    paths: Sequence[Path] | None = None,
    *,
    add: Sequence[Path] = (),
    allow_network: bool = False,
    engine: str = "pyshacl",
) -> ValidationReport:
    """Validate ``paths`` (default: the bundled data), with ``add`` on top, against the
    bundled shapes.

    Raises DataLoadError when a file would not load; returns a report otherwise.
    """
    kg = KnowledgeGraph.open(paths, add=add, derive=False, allow_network=allow_network)
    return validate_kg(kg, engine=engine)


def validate_kg(kg: KnowledgeGraph, *, engine: str = "auto") -> ValidationReport:
    """Validate the ontology and data of ``kg`` (not the derived relations) against the
    bundled shapes.

    Two engines give the same results (tests/test_shacl_sparql.py compares them on every
    shape fixture): "pyshacl", the reference, and "sparql", the shapes compiled to one SPARQL
    query per constraint (kg.shacl_sparql) and run by Oxigraph or the server, which takes
    seconds where pySHACL takes minutes (1M triples: 4-8 s against pySHACL's 80-126 s).
    "auto" is pySHACL in memory and SPARQL on a store.
    """
    from kg import shacl_sparql  # it builds on this module's results

    if engine not in ENGINES:
        raise ValueError(f"unknown validation engine {engine!r}")
    in_memory = isinstance(kg.store, MemoryStore)
    if engine == "auto":
        engine = "pyshacl" if in_memory else "sparql"
    if engine == "pyshacl":
        data = Graph()
        data += kg.graph(ONTOLOGY_GRAPH)
        data += kg.graph(DATA_GRAPH)
        return _pyshacl(data)
    if in_memory:
        select = shacl_sparql.oxigraph_select(
            shacl_sparql.oxigraph_store(kg.graph(ONTOLOGY_GRAPH) + kg.graph(DATA_GRAPH))
        )
    else:
        store = kg.store

        def select(text: str) -> list[dict[str, Node | None]]:
            return store.select(text, {}, graphs=(ONTOLOGY_GRAPH, DATA_GRAPH)).rows

    return _compiled(select)


def _compiled(select: Callable[[str], Iterable[Mapping[str, Node | None]]]) -> ValidationReport:
    """Validation by the shapes compiled to SPARQL, plus the *-violation.rq queries."""
    from kg import shacl_sparql

    results_graph = Graph()
    report = BNode()
    results_graph.add((report, RDF.type, SH.ValidationReport))
    results_graph.add((report, SH.conforms, Literal(True)))
    checks = shacl_sparql.compile_shapes(shapes_graph())
    # Two checks at a time: Oxigraph answers without holding the GIL (6.8 s instead of 7.9 s
    # at 1M triples on two cores), and a server answers two requests at once.
    results = shacl_sparql.run_checks(select, checks, workers=2)
    for result in results:
        _add_result(
            results_graph,
            URIRef(result.focus_node),
            URIRef(result.path) if result.path and not result.path.startswith("complex") else None,
            result.message,
            SH[result.severity],
            URIRef(result.shape),
        )
    for name in queries.bundled_names():
        if not name.endswith("-violation"):
            continue
        query = queries.named_query(name)
        shape = URIRef(VIOLATION_QUERY_NS + name)
        for row in select(query.text):
            focus, path, value = (row.get(v) for v in ("focus", "path", "value"))
            results.append(
                ValidationResult(
                    focus_node=str(focus),
                    path=str(path) if path is not None else None,
                    message=query.message,
                    severity="Violation",
                    shape=str(shape),
                    constraint="SPARQLQuery",
                    value=str(value) if value is not None else None,
                )
            )
            _add_result(results_graph, cast(Node, focus), path, query.message, SH.Violation, shape)
    return _report(results, results_graph)


def _pyshacl(data: Graph) -> ValidationReport:
    """Validation by pySHACL (the reference), with the SPARQL-based constraints run once."""
    import pyshacl  # imported when needed: it takes a fifth of a second

    shapes = shapes_graph()
    checks, core_shapes = split_sparql_constraints(shapes)
    _conforms, results_graph, _text = pyshacl.validate(
        data,
        shacl_graph=core_shapes,
        inference="none",
        allow_warnings=True,
        meta_shacl=False,
    )
    assert isinstance(results_graph, Graph)
    results: list[ValidationResult] = []
    # Only the report's own results: the nested sh:detail results that pySHACL adds under an
    # sh:node failure repeat it in pySHACL's default wording.
    report_node = results_graph.value(None, RDF.type, SH.ValidationReport)
    for node in results_graph.objects(report_node, SH.result):
        message = results_graph.value(node, SH.resultMessage)
        source_shape = results_graph.value(node, SH.sourceShape)
        value = results_graph.value(node, SH.value)
        results.append(
            ValidationResult(
                focus_node=str(results_graph.value(node, SH.focusNode)),
                path=_path_text(results_graph.value(node, SH.resultPath)),
                message=str(message) if message is not None else "does not conform",
                severity=_local(results_graph.value(node, SH.resultSeverity) or SH.Violation),
                shape=_named_shape(shapes, source_shape) if source_shape is not None else "",
                constraint=_local(results_graph.value(node, SH.sourceConstraintComponent) or ""),
                value=str(value) if value is not None else None,
            )
        )
    results.extend(_run_sparql_constraints(checks, data, results_graph))
    results.extend(_violation_queries(data, results_graph))
    return _report(results, results_graph)


def _report(results: list[ValidationResult], results_graph: Graph) -> ValidationReport:
    results.sort(
        key=lambda r: (SEVERITY_ORDER.get(r.severity, 3), r.focus_node, r.path or "", r.message)
    )
    conforms = not any(r.severity == "Violation" for r in results)
    return ValidationReport(conforms=conforms, results=results, graph=results_graph)


@dataclass(frozen=True)
class SparqlCheck:
    """A SPARQL-based constraint of a shape, run once over the whole data graph."""

    shape: URIRef
    constraint: Node
    query: str
    message: str
    severity: URIRef
    target_properties: tuple[URIRef, ...]  # the shape's sh:targetSubjectsOf


def split_sparql_constraints(shapes: Graph) -> tuple[list[SparqlCheck], Graph]:
    """Take the SPARQL-based constraints of shapes that target the subjects of a property
    out of ``shapes``, to run each once over the whole graph (:func:`_run_sparql_constraints`)
    instead of once per focus node as pySHACL does, which takes minutes on large imports.
    The answers are the same: each query matches ``$this`` on the targeted property.
    Returns the checks and the shapes left for pySHACL."""
    core = Graph()
    core += shapes
    checks: list[SparqlCheck] = []
    for shape, constraint in list(shapes.subject_objects(SH.sparql)):
        targets = list(shapes.objects(shape, SH.targetSubjectsOf))
        other_targets = any(
            shapes.value(shape, t) is not None
            for t in (SH.targetClass, SH.targetNode, SH.targetObjectsOf, SH.target)
        )
        select = shapes.value(constraint, SH.select)
        if not targets or other_targets or select is None or not isinstance(shape, URIRef):
            continue  # anything else stays with pySHACL
        prefixes = "".join(
            f"PREFIX {shapes.value(d, SH.prefix)}: <{shapes.value(d, SH.namespace)}>\n"
            for owner in shapes.objects(constraint, SH.prefixes)
            for d in shapes.objects(owner, SH.declare)
        )
        severity = shapes.value(constraint, SH.severity) or shapes.value(shape, SH.severity)
        checks.append(
            SparqlCheck(
                shape=shape,
                constraint=constraint,
                query=prefixes + str(select).replace("$this", "?this"),
                message=str(shapes.value(constraint, SH.message) or "does not conform"),
                severity=URIRef(str(severity or SH.Violation)),
                target_properties=tuple(URIRef(str(t)) for t in targets),
            )
        )
        core.remove((shape, SH.sparql, constraint))
    return checks, core


def _run_sparql_constraints(
    checks: list[SparqlCheck], data: Graph, results_graph: Graph
) -> list[ValidationResult]:
    found: list[ValidationResult] = []
    for check in checks:
        for row in data.query(check.query):
            values = row.asdict()  # type: ignore[union-attr]
            focus = values["this"]
            if not any((focus, p, None) in data for p in check.target_properties):
                continue
            message = re.sub(
                r"\{[?$](\w+)\}", lambda m: str(values.get(m.group(1), "")), check.message
            )
            value = values.get("value", focus)
            found.append(
                ValidationResult(
                    focus_node=str(focus),
                    path=None,
                    message=message,
                    severity=_local(check.severity),
                    shape=str(check.shape),
                    constraint="SPARQLConstraintComponent",
                    value=str(value),
                )
            )
            _add_result(results_graph, focus, None, message, check.severity, check.shape)
    return found


def _add_result(
    results_graph: Graph,
    focus: Node,
    path: Node | None,
    message: str,
    severity: URIRef,
    shape: Node,
) -> None:
    """Record a result found outside pySHACL in its report graph, for --format turtle."""
    report = results_graph.value(None, RDF.type, SH.ValidationReport)
    node = BNode()
    if report is not None:
        results_graph.add((report, SH.result, node))
        if severity == SH.Violation:
            results_graph.set((report, SH.conforms, Literal(False)))
    results_graph.add((node, RDF.type, SH.ValidationResult))
    results_graph.add((node, SH.focusNode, focus))
    if path is not None:
        results_graph.add((node, SH.resultPath, path))
    results_graph.add((node, SH.resultMessage, Literal(message)))
    results_graph.add((node, SH.resultSeverity, severity))
    results_graph.add((node, SH.sourceShape, shape))


def _violation_queries(data: Graph, results_graph: Graph) -> list[ValidationResult]:
    """Run the bundled ``*-violation.rq`` integrity queries over the data (not the derived)."""
    found: list[ValidationResult] = []
    for name in queries.bundled_names():
        if not name.endswith("-violation"):
            continue
        query = queries.named_query(name)
        shape = URIRef(VIOLATION_QUERY_NS + name)
        for row in data.query(queries.prepare(query.text)):
            focus, path, value = (row.get(v) for v in ("focus", "path", "value"))  # type: ignore[union-attr]
            result = ValidationResult(
                focus_node=str(focus),
                path=str(path) if path is not None else None,
                message=query.message,
                severity="Violation",
                shape=str(shape),
                constraint="SPARQLQuery",
                value=str(value) if value is not None else None,
            )
            found.append(result)
            _add_result(results_graph, cast(Node, focus), path, query.message, SH.Violation, shape)
    return found
