"""Running a user's query under a time limit and a row limit that actually stop the work.

rdflib has no query timeout, and a SPARQL engine in the same process cannot be interrupted
safely, so the query runs in a child process (forked: it shares the opened graph without
copying) that is killed when the time is up. The child stops reading results one row past
the limit. Either way the answer is all or nothing: a stopped query prints nothing and
ends with its own exit code (9 for the time limit, 10 for the row limit).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Mapping
from multiprocessing.connection import Connection
from typing import Any

from rdflib import Graph
from rdflib.term import Identifier

from kg.errors import KGError, QueryError, QueryTimeout, TooManyRows
from kg.graph import KnowledgeGraph, QueryRows
from kg.queries import NamedQuery

DEFAULT_TIMEOUT = 60.0
DEFAULT_LIMIT = 100_000


def _child(
    kg: KnowledgeGraph,
    query: NamedQuery,
    bindings: Mapping[str, Identifier],
    limit: int,
    pipe: Connection,
) -> None:
    try:
        answer = kg.answer(query, bindings, max_rows=limit + 1)
        if isinstance(answer, Graph):
            if len(answer) > limit:
                pipe.send(("too-many", len(answer)))
            else:
                pipe.send(("graph", answer.serialize(format="nt")))
        elif len(answer.rows) > limit:
            pipe.send(("too-many", None))
        else:
            pipe.send(("rows", answer))
    except KGError as error:
        pipe.send(("error", error))
    except Exception as error:  # an engine failure: report it as a query error
        pipe.send(("error", QueryError(f"{query.name}: the query failed ({error})")))
    finally:
        pipe.close()


def answer_within(
    kg: KnowledgeGraph,
    query: NamedQuery,
    bindings: Mapping[str, Identifier] | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    limit: int = DEFAULT_LIMIT,
) -> QueryRows | Graph:
    """Run ``query`` like :meth:`KnowledgeGraph.answer`, stopped after ``timeout`` seconds
    (QueryTimeout) or when the answer passes ``limit`` rows or triples (TooManyRows)."""
    # Parse and check (network refusal, syntax) here, so those errors need no child.
    from kg.queries import prepare

    prepare(query.text, allow_network=kg.allow_network)
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=_child, args=(kg, query, dict(bindings or {}), limit, sender), daemon=True
    )
    process.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise QueryTimeout(
                f"{query.name}: stopped after {timeout:g} s (--timeout); no answer was printed"
            )
        try:
            kind, payload = receiver.recv()
        except EOFError:
            raise QueryError(f"{query.name}: the query process ended without an answer") from None
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        receiver.close()
    return _result(query, kind, payload, limit)


def _result(query: NamedQuery, kind: str, payload: Any, limit: int) -> QueryRows | Graph:
    if kind == "error":
        raise payload
    if kind == "too-many":
        raise TooManyRows(
            f"{query.name}: the answer has more than {limit} rows (--limit); add LIMIT to "
            "the query or raise --limit; no answer was printed"
        )
    if kind == "graph":
        graph = Graph()
        graph.parse(data=payload, format="nt")
        return graph
    assert isinstance(payload, QueryRows)
    return payload
