"""Running the checks: the rows of each check as validation results (SHACL 3.6,
https://www.w3.org/TR/shacl/#results), run_checks over threads, and the engines a check
runs on (rdflib, Oxigraph) as a Select function."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from time import perf_counter

import pyoxigraph
from rdflib import XSD, Graph, Literal, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import ResultRow
from rdflib.term import Node

from kg.errors import ShapeError
from kg.queries import guard
from kg.shacl_sparql.model import Check
from kg.shacl_sparql.vocabulary import FOCUS, VALUE, Row, Select, _local
from kg.shacl_sparql.writer import from_oxigraph, to_oxigraph
from kg.validation_report import ValidationResult


def _message_for(check: Check, row: Row) -> str:
    if not check.sparql_based:
        return check.message
    return re.sub(
        r"\{[?$](\w+)\}",
        lambda m: str(row.get(m.group(1)) if row.get(m.group(1)) is not None else ""),
        check.message,
    )


def results_of(check: Check, rows: Iterable[Row]) -> Iterator[ValidationResult]:
    """The results that the rows of ``check``'s query stand for."""
    constraint = _local(check.constraint)
    for row in rows:
        focus = row.get(FOCUS)
        if focus is None:
            continue
        value = row.get(VALUE)
        if check.value_test is not None and not check.value_test.fails(value):
            continue
        path = check.path
        if check.row_path and isinstance(row.get("path"), URIRef):
            path = str(row.get("path"))
        if check.sparql_based:
            path_value = row.get("path")
            if isinstance(path_value, URIRef):
                path = str(path_value)
            if value is None:
                value = focus
        yield ValidationResult(
            focus_node=str(focus),
            path=path,
            message=_message_for(check, row),
            severity=check.severity,
            shape=check.shape,
            constraint=constraint,
            value=str(value) if value is not None else None,
        )


def run_checks(
    select: Select,
    checks: Sequence[Check],
    *,
    workers: int = 1,
    timings: dict[str, float] | None = None,
) -> list[ValidationResult]:
    """Run every check through ``select`` (a query over the union of ontology and data) and
    return the results, in the order of the checks.

    With ``workers`` above 1, that many checks run at once in threads (worth it for a store
    that releases the GIL while it answers, like Oxigraph; ``select`` must then be safe to
    call from several threads). With ``timings``, the seconds each check took are recorded
    under its :attr:`Check.label` (summed when labels repeat)."""

    def run(check: Check) -> tuple[list[ValidationResult], float]:
        start = perf_counter()
        found = list(results_of(check, select(check.query)))
        return found, perf_counter() - start

    if workers > 1:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            outcomes = list(pool.map(run, checks))
    else:
        outcomes = [run(check) for check in checks]
    results: list[ValidationResult] = []
    for check, (found, seconds) in zip(checks, outcomes, strict=True):
        results.extend(found)
        if timings is not None:
            timings[check.label] = timings.get(check.label, 0.0) + seconds
    return results


@functools.lru_cache(maxsize=4096)
def _prepared(text: str) -> Query:
    """rdflib's parsed form of a query, kept: parsing takes longer than running a check
    over a small graph."""
    return prepareQuery(text)


def rdflib_select(graph: Graph) -> Select:
    """A ``select`` over an rdflib Graph (or a Dataset whose default graph is the union)."""

    def select(text: str) -> list[dict[str, Node | None]]:
        result = graph.query(_prepared(text))
        names = [str(v) for v in (result.vars or [])]
        rows: list[dict[str, Node | None]] = []
        for row in result:
            assert isinstance(row, ResultRow)
            rows.append(dict(zip(names, row, strict=True)))
        return rows

    return select


def oxigraph_select(store: pyoxigraph.Store) -> Select:
    """A ``select`` over a pyoxigraph Store, whose default graph is taken as the union of
    its graphs; terms come back as rdflib terms."""

    def select(text: str) -> list[dict[str, Node | None]]:
        # The text the network check read (kg.validation.refuse_network_in_shapes): Oxigraph
        # reads a \\u escape or a comment otherwise than the SPARQL 1.1 rules do.
        canonical = guard.canonical(text)
        try:
            solutions = store.query(canonical, use_default_graph_as_union=True)
        except (SyntaxError, OSError, RuntimeError, ValueError) as error:
            first = str(error).splitlines()[0] if str(error) else type(error).__name__
            raise ShapeError(f"a shape's SPARQL failed on Oxigraph: {first}") from None
        assert isinstance(solutions, pyoxigraph.QuerySolutions)
        names = [v.value for v in solutions.variables]
        return [{name: from_oxigraph(solution[name]) for name in names} for solution in solutions]

    return select


def oxigraph_store(graph: Graph, store: pyoxigraph.Store | None = None) -> pyoxigraph.Store:
    """A pyoxigraph Store (new, in memory, unless given) holding the triples of ``graph``
    in its default graph."""
    store = store if store is not None else pyoxigraph.Store()
    store.extend(
        pyoxigraph.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o))
        for s, p, o in graph
    )
    return store


def oxigraph_keeps_all(literals: Iterable[Literal]) -> bool:
    """Whether Oxigraph keeps each of ``literals`` as it is written (see
    :func:`oxigraph_keeps`), tried at once in a store of their own."""
    distinct = sorted({lit for lit in literals if lit.datatype not in (None, XSD.string)}, key=str)
    if not distinct:
        return True
    store = pyoxigraph.Store()
    predicate = pyoxigraph.NamedNode("urn:x:p")
    store.extend(
        pyoxigraph.Quad(pyoxigraph.NamedNode(f"urn:x:{i}"), predicate, to_oxigraph(lit))
        for i, lit in enumerate(distinct)
    )
    for quad in store:
        kept = from_oxigraph(quad.object)
        lit = distinct[int(quad.subject.value[len("urn:x:") :])]
        if not isinstance(kept, Literal) or (str(kept), kept.datatype, kept.language) != (
            str(lit),
            lit.datatype,
            lit.language,
        ):
            return False
    return True
