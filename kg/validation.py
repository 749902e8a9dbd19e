"""SHACL validation of instance data against the bundled shapes and ontology.

The data is validated together with the ontology, so that ``sh:class ckg:Actor`` accepts a
ckg:State through ``rdfs:subClassOf``. Integrity queries named ``*-violation.rq`` run as
well; each row they return is reported like a SHACL violation.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from kg import queries, resources
from kg.errors import KGError, ShapeError
from kg.graph import DATA_GRAPH, ONTOLOGY_GRAPH, KnowledgeGraph, parse_file
from kg.validation_report import ValidationReport as ValidationReport
from kg.validation_report import ValidationResult as ValidationResult
from kg.validation_report import named_shape as _named_shape

SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}
VIOLATION_QUERY_NS = "urn:conflict-kg:query:"


def _local(node: Node | str) -> str:
    text = str(node)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _path_text(node: Node | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, URIRef):
        return str(node)
    return f"complex path {node.n3()}"  # a sequence, inverse or alternative path


def shapes_graph(
    files: Sequence[Path] = (), *, bundled: bool = True, allow_network: bool = False
) -> Graph:
    """The bundled SHACL shapes (unless ``bundled`` is false) and those of ``files``.

    Raises DataLoadError naming the file and line of a shapes file that would not load."""
    graph = Graph()
    for path in [*(resources.shapes_files() if bundled else ()), *files]:
        graph += parse_file(path, allow_network=allow_network)
    return graph


# The SPARQL that shapes carry, for constraints, targets and constraint components.
SPARQL_TEXTS = (SH.select, SH.ask, SH.construct, SH.update)


def refuse_network_in_shapes(shapes: Graph, *, allow_network: bool = False) -> None:
    """Refuse shapes whose SPARQL would reach the network (SERVICE, FROM, LOAD), however it
    is spelled, before any engine runs them: pySHACL checks for SERVICE with a pattern that
    ``SERV\\u0049CE`` passes, and Oxigraph reads a comment ended by a carriage return
    as rdflib does not (kg.queries.guard reads every text by the SPARQL 1.1 rules)."""
    from kg.errors import NetworkRefused, QueryError
    from kg.queries import guard

    for predicate in SPARQL_TEXTS:
        for shape, text in shapes.subject_objects(predicate):
            try:
                guard.checked(str(text), allow_network=allow_network)
            except NetworkRefused as error:
                raise NetworkRefused(f"shape {_named_shape(shapes, shape)}: {error}") from None
            except QueryError as error:
                raise ShapeError(f"shape {_named_shape(shapes, shape)}: {error}") from None


ENGINES = ("auto", "pyshacl", "sparql")
TARGET_PREDICATES = (
    SH.targetClass,
    SH.targetNode,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
    SH.target,
)


def validate(
    paths: Sequence[Path] | None = None,
    *,
    add: Sequence[Path] = (),
    allow_network: bool = False,
    engine: str = "pyshacl",
    shapes: Graph | None = None,
    integrity: bool | None = None,
) -> ValidationReport:
    """Validate ``paths`` (default: the bundled data), with ``add`` on top, against
    ``shapes`` (default: the bundled shapes; see :func:`validate_kg`).

    Raises DataLoadError when a file would not load, ShapeError when a shape cannot run;
    returns a report otherwise.
    """
    kg = KnowledgeGraph.open(paths, add=add, derive=False, allow_network=allow_network)
    return validate_kg(kg, engine=engine, shapes=shapes, integrity=integrity)


def validate_kg(
    kg: KnowledgeGraph,
    *,
    engine: str = "auto",
    shapes: Graph | None = None,
    integrity: bool | None = None,
    data_graphs: Sequence[URIRef] = (DATA_GRAPH,),
    violations_only: bool = False,
) -> ValidationReport:
    """Validate the ontology and data of ``kg`` (not the derived relations) against
    ``shapes`` (default: the bundled shapes, from :func:`shapes_graph`). ``integrity``
    (default: when the bundled shapes are used) also runs the bundled integrity queries
    ``kg/queries/*-violation.rq``. ``data_graphs`` are the graphs that hold the data (an
    import into a file keeps the file's triples in a graph of their own beside the data
    it sits on).

    Two engines give the same results: "pyshacl", the reference, and "sparql", each shape
    compiled to one SPARQL query per constraint (kg.shacl_sparql) and run by Oxigraph or the
    server, which takes seconds where pySHACL takes minutes (1M triples: 4-8 s against
    pySHACL's 80-126 s). On a store the reference is pySHACL over what the store holds
    (Oxigraph keeps "1"^^xsd:int as "1"^^xsd:integer). "sparql" raises ShapeError, before
    anything runs, for a shape it cannot compile exactly (naming the shape and the
    construct). "auto" is pySHACL in memory; on a store, the compiled shapes, and pySHACL
    over what the store holds for the shapes that do not compile (said in the report's
    notes).
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown validation engine {engine!r}")
    if integrity is None:
        integrity = shapes is None
    shapes = shapes if shapes is not None else shapes_graph()
    refuse_network_in_shapes(shapes, allow_network=kg.allow_network)
    in_memory = kg.store.dataset is not None
    if engine == "auto" and in_memory:
        engine = "pyshacl"
    if engine == "pyshacl":
        return _pyshacl(_content(kg, data_graphs), shapes, integrity=integrity)
    if in_memory:
        union = _content(kg, data_graphs)
        return _run_compiled(
            shapes, lambda: union, _memory_select(union), engine, integrity, violations_only
        )
    return _run_compiled(
        shapes,
        lambda: _content(kg, data_graphs),
        _store_select(kg, data_graphs),
        engine,
        integrity,
        violations_only,
    )


def validate_graph(
    content: Graph,
    *,
    allow_network: bool = False,
    integrity: bool = True,
    violations_only: bool = False,
) -> ValidationReport:
    """The bundled shapes (and with ``integrity`` the integrity queries) over ``content``
    (ontology and data in one rdflib graph) as validate_kg runs them on a store: compiled
    to SPARQL, run in memory, with pySHACL for any shape that does not compile. For a part
    of a store held in memory (kg.validation_scope: the neighbourhood of what an import
    changed)."""
    shapes = shapes_graph()
    refuse_network_in_shapes(shapes, allow_network=allow_network)
    return _run_compiled(
        shapes, lambda: content, _memory_select(content), "auto", integrity, violations_only
    )


def integrity_report(
    kg: KnowledgeGraph, data_graphs: Sequence[URIRef] = (DATA_GRAPH,)
) -> ValidationReport:
    """The integrity queries (``kg/queries/*-violation.rq``) alone, over the store of ``kg``."""
    return _compiled(_store_select(kg, data_graphs), [], integrity=True)


def _store_select(
    kg: KnowledgeGraph, data_graphs: Sequence[URIRef]
) -> Callable[[str], list[dict[str, Node | None]]]:
    """Rows of a query over the ontology and ``data_graphs`` of the store of ``kg``."""
    store = kg.store

    def select(text: str) -> list[dict[str, Node | None]]:
        return store.select(text, {}, graphs=(ONTOLOGY_GRAPH, *data_graphs)).rows

    return select


def _memory_select(union: Graph) -> Callable[[str], Iterable[Mapping[str, Node | None]]]:
    from kg import shacl_sparql

    if shacl_sparql.oxigraph_keeps_all(o for o in union.objects() if isinstance(o, Literal)):
        return shacl_sparql.oxigraph_select(shacl_sparql.oxigraph_store(union))
    # Oxigraph would change some literal ("1"^^xsd:int), and with it the results.
    return shacl_sparql.rdflib_select(union)


def _run_compiled(
    shapes: Graph,
    content: Callable[[], Graph],
    select: Callable[[str], Iterable[Mapping[str, Node | None]]],
    engine: str,
    integrity: bool,
    violations_only: bool = False,
) -> ValidationReport:
    """The compiled shapes run by ``select``; with ``engine`` "auto", the shapes that do not
    compile run with pySHACL over ``content()``, with "sparql" they are refused. With
    ``violations_only``, checks of a lesser severity do not run (an import, which shows
    only what refuses it: 136,649 warnings of ATOP took 4.5 s and 200 MB to find and drop)."""
    from kg import shacl_sparql

    checks, refused = shacl_sparql.compile_what_can_be(shapes)
    if violations_only:
        checks = [check for check in checks if check.severity == "Violation"]
    if refused and engine == "sparql":
        more = f" (and {len(refused) - 1} more shape(s))" if len(refused) > 1 else ""
        raise ShapeError(
            f"{refused[0]}{more}: the sparql engine cannot run it exactly; "
            "--engine pyshacl (or auto on a store) runs it with pySHACL"
        )
    fallback: ValidationReport | None = None
    notes: list[str] = []
    if refused:
        # Run first, so that pySHACL's refusal of a malformed shape comes before any query.
        held = content()
        tops = [error.top for error in refused]
        fallback = _pyshacl(held, only_shapes(shapes, tops), integrity=False)
        if violations_only:
            kept = [r for r in fallback.results if r.severity == "Violation"]
            fallback = _report(kept, fallback.make_graph)
        for error in refused:
            notes.append(
                f"{error.where} ran with pySHACL over what the store holds "
                f"({len(held)} triples): {error.construct} is not compiled to SPARQL"
            )
    report = _compiled(select, checks, integrity=integrity)
    if fallback is not None:
        report.results.extend(fallback.results)
        report.graph += fallback.graph  # two reports: see --format turtle
        report = _report(report.results, report.graph)
    report.notes.extend(notes)
    return report


def _content(kg: KnowledgeGraph, data_graphs: Sequence[URIRef] = (DATA_GRAPH,)) -> Graph:
    """The ontology and data of ``kg`` in one rdflib graph (a copy from a store)."""
    data = Graph()
    data += kg.graph(ONTOLOGY_GRAPH)
    for name in data_graphs:
        data += kg.graph(name)
    return data


def only_shapes(shapes: Graph, keep: Sequence[Node]) -> Graph:
    """A copy of ``shapes`` in which only the targeted shapes ``keep`` have targets (the
    others stay, for sh:node and the logical constraints to refer to)."""
    from kg.shacl_sparql import targeted_shapes

    copy = _copy(shapes)
    class_types = {RDFS.Class, *shapes.subjects(RDFS.subClassOf, RDFS.Class)}
    for shape in targeted_shapes(shapes):
        if shape in keep:
            continue
        for predicate in TARGET_PREDICATES:
            copy.remove((shape, predicate, None))
        for kind in class_types:
            copy.remove((shape, RDF.type, kind))
    return copy


def _compiled(
    select: Callable[[str], Iterable[Mapping[str, Node | None]]],
    checks: Sequence[Any],
    *,
    integrity: bool,
) -> ValidationReport:
    """Validation by the shapes compiled to SPARQL, plus the *-violation.rq queries."""
    from kg import shacl_sparql

    # What the report graph says of each result, kept as terms: the graph itself is made
    # only if asked for (ValidationReport.graph).
    found: list[tuple[Node, Node | None, str, URIRef, Node]] = []
    # Two checks at a time: Oxigraph answers without holding the GIL (6.8 s instead of 7.9 s
    # at 1M triples on two cores), and a server answers two requests at once.
    results = shacl_sparql.run_checks(select, checks, workers=2)
    for result in results:
        found.append(
            (
                URIRef(result.focus_node),
                URIRef(result.path)
                if result.path and not result.path.startswith("complex")
                else None,
                result.message,
                _severity_iri(result.severity),
                URIRef(result.shape),
            )
        )
    for name in queries.bundled_names() if integrity else ():
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
            found.append((cast(Node, focus), path, query.message, SH.Violation, shape))

    def make_graph() -> Graph:
        results_graph = Graph()
        report = BNode()
        results_graph.add((report, RDF.type, SH.ValidationReport))
        results_graph.add((report, SH.conforms, Literal(True)))
        for entry in found:
            _add_result(results_graph, *entry)
        return results_graph

    return _report(results, make_graph)


def _pyshacl(data: Graph, shapes: Graph, *, integrity: bool) -> ValidationReport:
    """Validation by pySHACL (the reference), with the SPARQL-based constraints that may
    run once over the graph run so."""
    import pyshacl  # imported when needed: it takes a fifth of a second
    from pyshacl.errors import (
        ConstraintLoadError,
        ReportableRuntimeError,
        ShapeLoadError,
        ValidationFailure,
    )

    from kg.shacl_sparql import severity_name

    checks, core_shapes = split_sparql_constraints(shapes)
    # pySHACL runs a SPARQL-based constraint with the data graph's prefixes as well as
    # those the constraint declares: the shapes' own prefixes count, as in their file.
    for prefix, namespace in shapes.namespaces():
        if prefix not in dict(data.namespaces()):
            data.bind(prefix, namespace)
    try:
        _conforms, results_graph, _text = pyshacl.validate(
            data,
            shacl_graph=core_shapes,
            inference="none",
            allow_warnings=True,
            meta_shacl=False,
        )
    except (
        ConstraintLoadError,
        ShapeLoadError,
        ReportableRuntimeError,
        ValidationFailure,
        NotImplementedError,
    ) as e:
        reason = " ".join(str(getattr(e, "message", e)).split())
        raise ShapeError(f"pySHACL refuses the shapes: {reason}") from None
    except (KGError, MemoryError):
        raise
    except Exception as e:  # noqa: BLE001 - pySHACL fails on some shapes in its own ways
        # A bad sh:pattern (re.error), a sh:select that does not parse or is no SELECT:
        # pySHACL stops with an exception of its own; the shapes cannot be run.
        reason = " ".join(str(e).split()) or type(e).__name__
        raise ShapeError(f"pySHACL cannot run the shapes: {reason}") from None
    if isinstance(results_graph, ValidationFailure):  # handed back, not raised
        reason = " ".join(str(results_graph.message).split())
        raise ShapeError(f"pySHACL refuses the shapes: {reason}")
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
                severity=severity_name(
                    results_graph.value(node, SH.resultSeverity) or SH.Violation
                ),
                shape=_named_shape(shapes, source_shape) if source_shape is not None else "",
                constraint=_local(results_graph.value(node, SH.sourceConstraintComponent) or ""),
                value=str(value) if value is not None else None,
            )
        )
    results.extend(_run_sparql_constraints(checks, data, results_graph))
    if integrity:
        results.extend(_violation_queries(data, results_graph))
    return _report(results, results_graph)


def _severity_iri(name: str) -> URIRef:
    return SH[name] if name in SEVERITY_ORDER else URIRef(name)


def _report(
    results: list[ValidationResult], results_graph: Graph | Callable[[], Graph]
) -> ValidationReport:
    results.sort(
        key=lambda r: (SEVERITY_ORDER.get(r.severity, 3), r.focus_node, r.path or "", r.message)
    )
    conforms = not any(r.severity == "Violation" for r in results)
    if isinstance(results_graph, Graph):
        made = results_graph
        return ValidationReport(conforms=conforms, results=results, make_graph=lambda: made)
    return ValidationReport(conforms=conforms, results=results, make_graph=results_graph)


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
    from kg.shacl_sparql import prefix_declarations

    core = _copy(shapes)
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
        prefixes = prefix_declarations(shapes, constraint)
        query = prefixes + re.sub(r"\$this\b", "?this", str(select))
        if not _runs_once(query) or (shape, SH.path, None) in shapes:
            continue  # pySHACL runs it per focus node, pre-binding $this
        severity = shapes.value(constraint, SH.severity) or shapes.value(shape, SH.severity)
        checks.append(
            SparqlCheck(
                shape=shape,
                constraint=constraint,
                query=query,
                message=str(shapes.value(constraint, SH.message) or "does not conform"),
                severity=URIRef(str(severity or SH.Violation)),
                target_properties=tuple(URIRef(str(t)) for t in targets),
            )
        )
        core.remove((shape, SH.sparql, constraint))
    return (checks, core) if checks else (checks, shapes)


def _copy(graph: Graph) -> Graph:
    """A copy of ``graph`` with its prefixes (pySHACL reads prefixes not declared with
    sh:declare from the shapes graph's own)."""
    copy = Graph()
    for prefix, namespace in graph.namespaces():
        copy.bind(prefix, namespace, override=True, replace=True)
    copy += graph
    return copy


def _runs_once(query: str) -> bool:
    """Whether a SPARQL-based constraint's query gives the same rows run once over the
    graph as run per focus node with $this pre-bound (kg.shacl_prebinding)."""
    from rdflib.plugins.sparql import prepareQuery

    from kg.shacl_prebinding import prebinding_problem

    try:
        algebra = prepareQuery(query).algebra
    except Exception:  # noqa: BLE001 - pySHACL then reports the query itself
        return False
    return algebra.name == "SelectQuery" and prebinding_problem(algebra) is None


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
