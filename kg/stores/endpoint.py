"""A SPARQL 1.1 server as a store: queries over the SPARQL 1.1 Protocol, writes over the
Graph Store HTTP Protocol (or SPARQL Update), with the standard library's urllib only.

This module holds :class:`EndpointStore`: which graphs a query sees, bound values and
prefixes put into its text, answers checked for being whole, and writes in chunks. HTTP and
authentication are in :mod:`kg.stores.endpoint_http`, the reading of answers in
:mod:`kg.stores.endpoint_results`, the query-shape tokenizer and the N-Triples writer in
:mod:`kg.stores.endpoint_text`. Written and tested against Virtuoso 7.2.5; what that server
does to values, partial answers and big writes, and why the store works as it does, is in
``docs/sparql-servers.md``.
"""

from __future__ import annotations

import copy
import threading
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Identifier, Node

from kg import queries
from kg.errors import PartialResult, QueryError, StoreError
from kg.stores import values
from kg.stores.base import GRAPHS, QueryRows, Store, Triple
from kg.stores.endpoint_http import (
    CONTENT_TYPES,
    N_TRIPLES,
    RDF_ACCEPT,
    SPARQL_JSON,
    TURTLE,
    HttpClient,
    _Challenge,
    _NoRedirect,
    _Response,
)
from kg.stores.endpoint_results import (
    _leading_variables,
    json_answer,
    rdf_answer,
    term_from_json,
)
from kg.stores.endpoint_text import (
    NTriplesWriter,
    QueryShape,
    _has_bnode,
    _named_graphs,
    _write_page,
    nt_line,
    query_shape,
    values_block,
    with_bindings,
    with_prefixes,
)
from kg.terms import triple_to_rdflib

# Names other modules and tests import from here, wherever they are defined now.
__all__ = [
    "CHUNK_TRIPLES",
    "CONTENT_TYPES",
    "DEADLOCK_RETRIES",
    "DUMP_TRIPLES",
    "MAX_ANSWER_BYTES",
    "N_TRIPLES",
    "PAGE_ROWS",
    "RDF_ACCEPT",
    "SPARQL_JSON",
    "TURTLE",
    "UPDATE_CHUNK",
    "EndpointStore",
    "NTriplesWriter",
    "QueryShape",
    "nt_line",
    "query_shape",
    "quote_iri",
    "sparql_term",
    "term_from_json",
    "values_block",
    "with_bindings",
    "with_prefixes",
]

#: Triples per request when adding: about 10 MB of N-Triples.
CHUNK_TRIPLES = 100_000
#: Triples per SPARQL INSERT DATA when there is no Graph Store URL.
UPDATE_CHUNK = 2_000
#: How often a chunk that deadlocked on the server is sent again.
DEADLOCK_RETRIES = 2
#: Rows per page when reading a graph, unless the server's own row limit is lower.
PAGE_ROWS = 100_000
#: Triples per page when writing a graph as Turtle or N-Triples (kg export).
DUMP_TRIPLES = 50_000
#: The largest answer read from the server, in bytes; past it TooBig (exit 10). An answer
#: takes five to eight times its size once converted (a 210 MB answer took 1.2-1.7 GB, and
#: 2.7 GB before its terms were converted while parsed), so the CLI sets this to a
#: sixteenth of its memory ceiling (kg.limits).
MAX_ANSWER_BYTES = 512 << 20
#: Subjects per query when an import reads the triples it replaces (a claim has about 20).
SUBJECTS_PER_QUERY = 100

# rdflib's SPARQL parser (pyparsing) is not safe to run in two threads at once: kg validate
# sends two checks at a time, and a parse then failed now and then with "SPARQL syntax
# error: Param.postParse2() missing 1 required positional argument: 'tokenList'". Queries
# are parsed one at a time; the server still answers two at once.
_PARSING = threading.Lock()

# Bound values and the IRIs the store writes into queries go through the one guard of
# kg.stores.values; these names stay for code that imported them from here.
sparql_term = values.term
quote_iri = values.iri


class EndpointStore(Store, HttpClient):
    """The three graphs on a SPARQL 1.1 server.

    ``url`` answers queries; ``update_url`` takes SPARQL Update (``clear``, and ``add`` when
    there is no ``gsp_url``); ``gsp_url`` is the Graph Store HTTP Protocol (``add``,
    ``load_file``; Virtuoso's takes ``?graph=`` as the standard says, and also its own
    ``?graph-uri=``). ``user`` and ``password`` answer HTTP Digest or Basic challenges
    (Virtuoso asks Digest on ``/sparql-auth`` and ``/sparql-graph-crud-auth``).

    ``timeout`` is the client's: seconds of silence from the server before the request is
    given up (StoreError). ``server_timeout`` (seconds) is sent as the protocol parameter
    ``timeout`` that Virtuoso reads: it then stops the query itself and the store raises
    PartialResult. ``server_max_rows`` tells the store the server's row limit where it
    cannot ask (not Virtuoso). ``allow_network`` lets SERVICE and FROM through, as for the
    other stores.
    """

    kind = "endpoint"
    # The HTTP requests (authentication, redirects, error pages) are HttpClient's.
    #: kg's graphs that this store reads and writes under other names (see with_graphs).
    _renamed: Mapping[URIRef, URIRef] = {}

    def __init__(
        self,
        url: str,
        *,
        update_url: str | None = None,
        gsp_url: str | None = None,
        user: str | None = None,
        password: str | None = None,
        timeout: float = 60.0,
        server_timeout: float | None = None,
        server_max_rows: int | None = None,
        chunk_triples: int = CHUNK_TRIPLES,
        allow_network: bool = False,
    ) -> None:
        self.url = self._check_url(url)
        self.update_url = self._check_url(update_url) if update_url else None
        self.gsp_url = self._check_url(gsp_url) if gsp_url else None
        if (user is None) != (password is None):
            raise StoreError(f"{self.url}: give both a user and a password, or neither")
        self.user = user
        self.password = password
        self.timeout = timeout
        self.server_timeout = server_timeout
        self.chunk_triples = max(1, chunk_triples)
        self.allow_network = allow_network
        self._server_max_rows = server_max_rows
        self._asked_max_rows = server_max_rows is not None
        self._challenges: dict[str, _Challenge] = {}
        self._opener = urllib.request.build_opener(_NoRedirect())

    def __repr__(self) -> str:
        return f"EndpointStore({self.url!r})"

    def with_graphs(self, renamed: Mapping[URIRef, URIRef]) -> EndpointStore:
        """This store with some of kg's graphs read and written under other names: a query's
        default graph (and ``graphs``), ``add``, ``clear``, ``count``, ``drop_overlap`` and
        ``insert_constructed`` use ``renamed[g]`` for each ``g`` it names. An import derives
        the relations and names of its staging graph so (``KnowledgeGraph(view).derive()``),
        into staging graphs that readers do not see. A ``GRAPH <g>`` written in a query's
        text or in an update is not renamed."""
        view = copy.copy(self)
        view._renamed = {**self._renamed, **renamed}
        return view

    def _graph(self, graph: URIRef) -> URIRef:
        return self._renamed.get(graph, graph)

    @staticmethod
    def _check_url(url: str) -> str:
        try:
            parts = urllib.parse.urlsplit(url)
            host = parts.hostname
            credentials = parts.username or parts.password
        except ValueError:  # such as a bad [IPv6] host
            raise StoreError(f"{url[:80]!r} is not a URL") from None
        if credentials:
            raise StoreError(f"{host}: put the user and password in their options, not in the URL")
        if parts.scheme not in ("http", "https") or not host:
            raise StoreError(f"{url[:80]}: not an http:// or https:// URL")
        return url

    def _max_answer_bytes(self) -> int:
        # Read at each request: kg.limits sets this module's MAX_ANSWER_BYTES at run time.
        return MAX_ANSWER_BYTES

    def _query(
        self,
        text: str,
        accept: str,
        graphs: Sequence[URIRef] = GRAPHS,
        *,
        anytime: bool = True,
    ) -> _Response:
        """POST a query (form-encoded) with the graphs as its default graph."""
        graphs = [self._graph(g) for g in graphs]
        form: list[tuple[str, str]] = [("query", text)]
        form += [("default-graph-uri", str(g)) for g in graphs]
        form += [("named-graph-uri", str(g)) for g in graphs]  # GRAPH ?g sees these only
        if anytime and self.server_timeout is not None:
            form.append(("timeout", str(max(1, round(self.server_timeout * 1000)))))
        response = self._send(
            "POST",
            self.url,
            data=urllib.parse.urlencode(form).encode("utf-8"),
            headers={
                "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
                "Accept": accept,
            },
        )
        state = response.header("X-SQL-State")
        if response.status == 206 or (state and state.upper().startswith("S1T")):
            why = f"X-SQL-State {state}" if state else "HTTP 206 Partial Content"
            raise PartialResult(
                f"{self._where(self.url)}: the server stopped the query at its time limit and "
                f"sent only part of the answer ({why}); it is not used"
            )
        return response

    def update(self, text: str) -> None:
        """Run a SPARQL 1.1 Update written by kg itself (never one from user input) on
        ``update_url``."""
        self._update(text)

    def _update(self, text: str) -> None:
        if self.update_url is None:
            raise StoreError(f"{self._where(self.url)}: no update URL was given for writes")
        self._send(
            "POST",
            self.update_url,
            data=urllib.parse.urlencode([("update", text)]).encode("utf-8"),
            headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
        )

    def _gsp(self, graph: URIRef) -> str:
        if self.gsp_url is None:
            raise StoreError(f"{self._where(self.url)}: no Graph Store URL was given for writes")
        graph = self._graph(graph)
        quote_iri(str(graph))
        separator = "&" if urllib.parse.urlsplit(self.gsp_url).query else "?"
        return f"{self.gsp_url}{separator}{urllib.parse.urlencode({'graph': str(graph)})}"

    # The answer as SPARQL JSON (its terms rdflib terms already), and as an RDF graph.
    _json = staticmethod(json_answer)
    _parse_rdf = staticmethod(rdf_answer)

    # -- the server's row limit -------------------------------------------------------------

    def server_max_rows(self) -> int | None:
        """The most rows (or triples) the server sends in one answer, if it can be known:
        given, or asked of Virtuoso (its ResultSetMaxRows); None otherwise."""
        if not self._asked_max_rows:
            self._asked_max_rows = True
            probe = (
                'SELECT (bif:virtuoso_ini_item_value("SPARQL", "ResultSetMaxRows") AS ?rows) '
                "WHERE { }"
            )
            try:
                answer = self._json(self._query(probe, SPARQL_JSON, anytime=False), self.url)
                value = str(answer["results"]["bindings"][0]["rows"])
                self._server_max_rows = int(value) if int(value) > 0 else None
            except (StoreError, KeyError, IndexError, TypeError, ValueError):
                self._server_max_rows = None  # not Virtuoso, or it has no limit set
        return self._server_max_rows

    def _learn_max_rows(self, response: _Response) -> int | None:
        value = response.header("X-SPARQL-MaxRows")
        if value and value.isdigit():
            self._server_max_rows = int(value)
            self._asked_max_rows = True
            return int(value)
        return None

    # -- queries ----------------------------------------------------------------------------

    def _prepare(
        self,
        text: str,
        bindings: Mapping[str, Identifier],
        graphs: Sequence[URIRef] = GRAPHS,
    ) -> tuple[str, QueryShape]:
        # The server gets the canonical text, the one the network check read.
        text = queries.engine_text(text, allow_network=self.allow_network)
        with _PARSING:
            prepared = queries.prepare(text, allow_network=self.allow_network)  # SERVICE, FROM
        for name in _named_graphs(prepared.algebra):
            if name not in graphs:
                # Virtuoso reads any graph a query names, and with named-graph-uri it answers
                # ASK true (COUNT 1) for a graph outside them: let only the store's through.
                raise QueryError(
                    f"GRAPH <{name}> is not one of the graphs queried "
                    f"({', '.join(f'<{g}>' for g in graphs)})"
                )
        shape = query_shape(text)
        return with_prefixes(with_bindings(text, bindings, shape), shape), shape

    def select(
        self,
        text: str,
        bindings: Mapping[str, Identifier],
        *,
        max_rows: int | None = None,
        graphs: Sequence[URIRef] | None = None,
    ) -> QueryRows:
        """Run a SELECT or ASK query over the union of ``graphs`` (default: all of the
        store's); see docs/sparql-servers.md on partial answers."""
        graphs = tuple(graphs) if graphs is not None else GRAPHS
        query, shape = self._prepare(text, bindings, graphs)
        if shape.form not in ("SELECT", "ASK"):
            raise QueryError(f"expected a SELECT or ASK query, not {shape.form}")
        limit = shape.limit
        if (
            shape.form == "SELECT"
            and max_rows is not None
            and not shape.tail_words & {"LIMIT", "VALUES", "ORDER"}
        ):
            # Not after ORDER BY: Virtuoso refuses a sorted LIMIT over MaxSortedTopRows
            # (10,000 by default: SR353), which an unsorted one, or none, never meets.
            query += f"\nLIMIT {max_rows}"
            limit = max_rows
        response = self._query(query, SPARQL_JSON, graphs)
        where = self._where(self.url)
        if shape.form == "SELECT":
            # The head comes first (in every server's answer seen): a big answer to another
            # query is refused before it is parsed.
            self._check_variables(text, _leading_variables(response.body), where)
        answer = self._json(response, where)
        if shape.form == "ASK":
            if not isinstance(answer.get("boolean"), bool):
                raise StoreError(f"{where}: the answer to an ASK query is not true or false")
            return QueryRows(columns=["ask"], rows=[{"ask": Literal(answer["boolean"])}])
        try:
            columns = [str(v) for v in answer["head"].get("vars", [])]
            found = answer["results"]["bindings"]
        except (KeyError, AttributeError, TypeError):
            raise StoreError(f"{where}: the answer is not SPARQL JSON results") from None
        if not isinstance(found, list):
            raise StoreError(f"{where}: the answer is not SPARQL JSON results")
        self._check_variables(text, columns, where)
        if max_rows is not None and len(found) >= max_rows:
            found = found[:max_rows]  # the first rows are right even if the server cut later
        else:
            server_limit = self._learn_max_rows(response)
            if server_limit is None and self._server_max_rows is not None:
                server_limit = self._server_max_rows
            if (
                server_limit is not None
                and len(found) >= server_limit
                and (limit is None or limit > server_limit)
            ):
                raise PartialResult(
                    f"{where}: the server stopped at its row limit of {server_limit:,} rows "
                    "(Virtuoso's ResultSetMaxRows) and the answer may have more; it is not used"
                )
        rows: list[dict[str, Node | None]] = []
        for number, binding in enumerate(found, start=1):
            if not isinstance(binding, dict):
                raise StoreError(f"{where}: row {number} of the answer is not a JSON object")
            row = {name: binding.get(name) for name in columns}
            for name, value in row.items():
                if value is not None and not isinstance(value, Node):
                    raise StoreError(
                        f"{where}: row {number} of the answer has ?{name} = {value!r:.60}, "
                        "not an RDF term"
                    )
            rows.append(row)
        return QueryRows(columns=columns, rows=rows)

    def _check_variables(self, text: str, columns: list[str] | None, where: str) -> None:
        """Refuse an answer that lacks a variable of the query (None: not known yet)."""
        if columns is None:
            return
        if missing := [name for name in self._projected(text) if name not in columns]:
            raise StoreError(
                f"{where}: the answer lacks the variable(s) "
                f"{', '.join('?' + name for name in missing)} of the query"
            )

    def _projected(self, text: str) -> list[str]:
        """The variables a SELECT query's answer must name (the query is parsed already:
        this is the parser's cache)."""
        with _PARSING:
            prepared = queries.prepare(
                queries.engine_text(text, allow_network=self.allow_network),
                allow_network=self.allow_network,
            )
        return [str(name) for name in prepared.algebra.get("PV") or []]

    def construct(
        self, text: str, bindings: Mapping[str, Identifier], *, max_triples: int | None = None
    ) -> Graph:
        # max_triples: the answer is read whole (it is bounded by MAX_ANSWER_BYTES).
        graph, cut_at = self._construct(text, bindings)
        if cut_at is not None:
            raise PartialResult(
                f"{self._where(self.url)}: the server stopped at its limit of {cut_at:,} "
                f"triples (Virtuoso's ResultSetMaxRows) and the answer may have more; "
                "it is not used"
            )
        return graph

    def _construct(
        self, text: str, bindings: Mapping[str, Identifier], *, anytime: bool = True
    ) -> tuple[Graph, int | None]:
        """Run a CONSTRUCT or DESCRIBE query; return the graph and, if the answer reached the
        server's row limit (so it may be cut), that limit; None when the answer is whole."""
        query, shape = self._prepare(text, bindings)
        if shape.form not in ("CONSTRUCT", "DESCRIBE"):
            raise QueryError(f"expected a CONSTRUCT or DESCRIBE query, not {shape.form}")
        response = self._query(query, RDF_ACCEPT, anytime=anytime)
        graph, sent = self._parse_rdf(response, self._where(self.url))
        limit = self.server_max_rows()
        for prefix, namespace in queries.PREFIXES.items():
            graph.bind(prefix, namespace)
        if limit is not None and sent > limit and (shape.limit is None or shape.limit > limit):
            return graph, limit
        return graph, None

    def insert_constructed(self, graph: URIRef, text: str) -> int:
        """Add to ``graph`` what the CONSTRUCT query ``text`` builds: read with the query,
        then added in chunks as by ``add``.

        A query is read-only, and Virtuoso 7.2 runs it several times faster than the same
        pattern as the WHERE of one ``INSERT { GRAPH <graph> { template } } USING <each
        graph> WHERE { ... }``, which is one transaction and timed out at 1M triples
        (BENCHMARKS.md, "Measured apart from make bench"). The triples travel twice.

        The update on the server is still used where the answer cannot be used: when it
        reached the server's row limit (Virtuoso's ResultSetMaxRows: it may be cut), or when
        it holds blank nodes (added again they would be new nodes, not the ones the data
        holds). Without an update URL, or for a CONSTRUCT with solution modifiers, as
        CONSTRUCT then ``add`` only."""
        shape = query_shape(text)
        if (
            self.update_url is None
            or shape.form != "CONSTRUCT"
            or shape.template is None
            or shape.group_start is None
            or shape.group_end is None
            or shape.tail_words
        ):
            return super().insert_constructed(graph, text)
        built, cut_at = self._construct(text, {}, anytime=False)
        if cut_at is None and not any(_has_bnode(triple) for triple in built):
            return self.add(graph, built)
        del built
        start, end = shape.template
        read = [self._graph(g) for g in GRAPHS]
        using = " ".join(f"USING {quote_iri(str(g))}" for g in read)
        using += " " + " ".join(f"USING NAMED {quote_iri(str(g))}" for g in read)
        update = (
            f"{text[: shape.form_start]}"
            f"INSERT {{ GRAPH {quote_iri(str(self._graph(graph)))} {{ {text[start:end]} }} }}\n"
            f"{using}\n"
            f"WHERE {{ {text[shape.group_start : shape.group_end]} }}"
        )
        before = self.count(graph)
        self._update(with_prefixes(update, shape))
        return self.count(graph) - before

    # -- graphs -----------------------------------------------------------------------------

    def count(self, graph: URIRef) -> int:
        response = self._query(
            "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", SPARQL_JSON, [graph], anytime=False
        )
        answer = self._json(response, self._where(self.url))
        try:
            return int(str(answer["results"]["bindings"][0]["n"]))
        except (KeyError, IndexError, TypeError, ValueError):
            raise StoreError(f"{self._where(self.url)}: the count is not a number") from None

    def triples(self, graph: URIRef) -> Iterator[Triple]:
        """Every triple of ``graph``, read in pages (LIMIT/OFFSET) below the server's row
        limit, so no answer is cut. The number read must match the count taken first."""
        expected = self.count(graph)
        page = min(PAGE_ROWS, self.server_max_rows() or PAGE_ROWS)
        offset = 0
        where = self._where(self.url)
        # Pages have no ORDER BY (Virtuoso sorts at most 10,000 rows for an OFFSET), and
        # Virtuoso 7.2.5 gave overlapping ones: 301,001 rows read, 251,854 distinct. A
        # triple read twice means another was never read: refused, not passed on.
        seen: set[int] = set()
        while offset < expected:
            response = self._query(
                f"SELECT ?s ?p ?o WHERE {{ ?s ?p ?o }} LIMIT {page} OFFSET {offset}",
                SPARQL_JSON,
                [graph],
                anytime=False,
            )
            try:
                found = self._json(response, where)["results"]["bindings"]
            except (KeyError, TypeError):
                raise StoreError(f"{where}: the answer is not SPARQL JSON results") from None
            if not found:
                break
            for row in found:
                s, p, o = _row_triple(row, where)
                key = hash((s, p, o))  # 8 bytes a triple; two triples alike: 1 in 10^7 at 1M
                if key in seen:
                    raise StoreError(
                        f"{where}: the server gave the triple ({s.n3()} {p.n3()} {o.n3()}) "
                        f"of <{graph}> twice while it was read page by page, so some other "
                        "triple was not given: try again, or read the graph another way "
                        "(kg export of a store loaded from files)"
                    )
                seen.add(key)
                yield s, p, o
            offset += len(found)
        if offset != expected:
            raise StoreError(
                f"{where}: read {offset:,} triples of <{graph}> where it counted {expected:,} "
                "(did it change while being read?)"
            )

    def dump(self, graphs: Sequence[URIRef], fmt: str, out: BinaryIO) -> bool:
        """Turtle and N-Triples written a page at a time (DUMP_TRIPLES triples in an rdflib
        graph, serialized, then dropped), not the whole dataset in rdflib at once: 1M
        triples took 2.5 GiB so. Two Turtle documents one after the other are one Turtle
        document. Triples with blank nodes are written last, together, so that a node
        written in one page is the same node in another."""
        if fmt not in ("turtle", "nt"):
            return False
        with_blank = Graph()
        for name in graphs:
            page = Graph()
            for triple in self.triples(name):
                (with_blank if _has_bnode(triple) else page).add(triple)
                if len(page) >= DUMP_TRIPLES:
                    _write_page(page, fmt, out)
                    page = Graph()
            _write_page(page, fmt, out)
        _write_page(with_blank, fmt, out)
        return True

    def add(self, graph: URIRef, triples: Iterable[Triple]) -> int:
        """Add ``triples`` in chunks of ``chunk_triples`` (Graph Store POST of N-Triples; SPARQL
        INSERT DATA of ``UPDATE_CHUNK`` triples without a Graph Store URL). A blank node is
        one node only within one request, so the triples with blank nodes go together in the
        last one. Returns how many triples ``graph`` gained. A failure leaves the chunks
        already sent in the graph."""
        before = self.count(graph)
        chunk: list[str] = []
        with_blank: list[str] = []
        writer = NTriplesWriter()
        for triple in triples:
            line = writer.line(triple)
            (with_blank if "_:" in line and _has_bnode(triple) else chunk).append(line)
            if len(chunk) >= self.chunk_triples:
                self._post_lines(graph, chunk)
                chunk = []
        if chunk:
            self._post_lines(graph, chunk)
        if with_blank:
            self._post_lines(graph, with_blank)
        return self.count(graph) - before

    def _post_lines(self, graph: URIRef, lines: Sequence[str]) -> None:
        if self.gsp_url is not None:
            self._post_chunk(graph, "".join(lines).encode("utf-8"))
            return
        # Virtuoso's SPARQL compiler runs out of memory on an INSERT DATA of 10,000 triples.
        for at in range(0, len(lines), UPDATE_CHUNK):
            body = "".join(lines[at : at + UPDATE_CHUNK])
            self._update(
                f"INSERT DATA {{ GRAPH {quote_iri(str(self._graph(graph)))} {{\n{body}}} }}"
            )

    def _post_chunk(self, graph: URIRef, body: bytes, content_type: str = N_TRIPLES) -> None:
        """POST one chunk to the Graph Store; a deadlock (Virtuoso's SR172, which its
        parallel loader runs into) is tried again: adding the same triples twice adds them
        once."""
        for attempt in range(DEADLOCK_RETRIES + 1):
            try:
                self._send(
                    "POST", self._gsp(graph), data=body, headers={"Content-Type": content_type}
                )
                return
            except StoreError as error:
                if "deadlock" not in str(error).lower() or attempt == DEADLOCK_RETRIES:
                    raise

    def load_file(self, graph: URIRef, path: Path, fmt: str = "nt") -> int:
        """Load an N-Triples or Turtle file into ``graph`` through the Graph Store; return how
        many triples the graph gained.

        N-Triples is read line by line and sent in chunks of ``chunk_triples`` lines (lines
        with blank nodes together in the last one), never whole into memory: Virtuoso's
        Graph Store deadlocks (SR172) on one POST of a million triples, after keeping part
        of them. Turtle cannot be cut between lines, so it is sent whole, streamed from the
        file (convert a big one to N-Triples first). A failure leaves what was sent in the
        graph.
        """
        content_type = CONTENT_TYPES.get(fmt.lower())
        if content_type is None:
            raise StoreError(f"{path}: can load N-Triples (nt) or Turtle (turtle), not {fmt}")
        path = Path(path)
        if not path.is_file():
            raise StoreError(f"{path}: no such file")
        self._gsp(graph)  # refuse at once without a Graph Store URL
        before = self.count(graph)
        if content_type == TURTLE:
            self._send("POST", self._gsp(graph), data=path, headers={"Content-Type": TURTLE})
            return self.count(graph) - before
        chunk: list[bytes] = []
        with_blank: list[bytes] = []
        first = 1
        try:
            with path.open("rb") as stream:
                for number, line in enumerate(stream, start=1):
                    if not line.endswith(b"\n"):
                        line += b"\n"
                    (with_blank if b"_:" in line else chunk).append(line)
                    if len(chunk) >= self.chunk_triples:
                        self._post_file_chunk(graph, path, chunk, first, number)
                        chunk, first = [], number + 1
                if chunk:
                    self._post_file_chunk(graph, path, chunk, first, number)
        except OSError as error:
            raise StoreError(f"{path}: cannot be read ({error.strerror})") from None
        if with_blank:
            self._post_file_chunk(graph, path, with_blank, 0, 0)
        return self.count(graph) - before

    def _post_file_chunk(
        self, graph: URIRef, path: Path, lines: list[bytes], first: int, last: int
    ) -> None:
        try:
            self._post_chunk(graph, b"".join(lines))
        except StoreError as error:
            where = f"lines {first:,}-{last:,}" if first else "the lines with blank nodes"
            raise StoreError(f"{path}, {where}: {error}") from None

    def clear(self, graph: URIRef) -> None:
        if self.update_url is not None:
            self._update(f"CLEAR SILENT GRAPH {quote_iri(str(self._graph(graph)))}")
            return
        self._send("DELETE", self._gsp(graph), allow=(404,))  # 404: no such graph, nothing to do

    def drop_overlap(self, graph: URIRef, other: URIRef) -> None:
        super().drop_overlap(self._graph(graph), self._graph(other))

    # -- what an import writes (kg.importers.target.Session) --------------------------------

    def replace_subjects(
        self,
        subjects: Iterable[Node],
        quads: Sequence[Any],
        *,
        gone_objects: set[Node] | None = None,
    ) -> tuple[int, int]:
        """Give each of ``subjects`` exactly the triples of ``quads`` (pyoxigraph quads) it
        is the subject of, in their graph, and add the other quads where missing; returns
        how many triples were added and removed (and the IRIs the removed ones pointed at,
        into ``gone_objects``), as OxigraphStore.replace_subjects does.
        The triples already there are read for the subjects concerned only, a chunk of
        subjects per query."""
        by_graph: dict[URIRef, set[Triple]] = {}
        for quad in quads:
            graph = URIRef(quad.graph_name.value)
            by_graph.setdefault(graph, set()).add(
                triple_to_rdflib(quad.subject, quad.predicate, quad.object)
            )
        replaced = set(subjects)
        added = removed = 0
        for graph, new in by_graph.items():
            concerned = replaced | {triple[0] for triple in new}
            old = self._triples_of(graph, concerned)
            gone = {triple for triple in old - new if triple[0] in replaced}
            fresh = new - old
            self._delete_triples(graph, gone)
            if gone_objects is not None:
                gone_objects.update(t[2] for t in gone if isinstance(t[2], URIRef))
            if fresh:
                writer = NTriplesWriter()
                self._post_lines(graph, [writer.line(triple) for triple in fresh])
            added += len(fresh)
            removed += len(gone)
        return added, removed

    def has_type(self, graph: URIRef, subject: Node) -> bool:
        """Whether ``graph`` gives ``subject`` an rdf:type."""
        if not isinstance(subject, URIRef):
            return False  # imports mint IRIs only
        rows = self.select("ASK { ?s a ?type }", {"s": subject}, graphs=[graph]).rows
        return bool(rows and rows[0]["ask"] == Literal(True))

    def remove_values(self, graph: URIRef, subject: Node, predicates: Iterable[Node]) -> int:
        """Remove the triples of ``subject`` with any of ``predicates`` from ``graph``;
        returns how many there were."""
        wanted = set(predicates)
        found = {t for t in self._triples_of(graph, {subject}) if t[1] in wanted}
        self._delete_triples(graph, found)
        return len(found)

    def _triples_of(self, graph: URIRef, subjects: Iterable[Node]) -> set[Triple]:
        """The triples of ``graph`` whose subject is one of ``subjects``."""
        return set(self.triples_with([graph], subjects))

    #: A blank node of an answer cannot be asked about again (kg.validation_scope).
    stable_blank_nodes = False

    def triples_with(
        self, graphs: Sequence[URIRef], nodes: Iterable[Node], *, as_object: bool = False
    ) -> Iterator[Triple]:
        """The triples of ``graphs`` (their union) with one of ``nodes`` as subject (or,
        ``as_object``, as object), a chunk of nodes per query."""
        key = "o" if as_object else "s"
        ordered = sorted(
            (n for n in nodes if as_object or not isinstance(n, Literal)), key=lambda n: n.n3()
        )
        for at in range(0, len(ordered), SUBJECTS_PER_QUERY):
            listed = " ".join(values.term(n) for n in ordered[at : at + SUBJECTS_PER_QUERY])
            yield from self._select_triples(
                f"SELECT ?s ?p ?o WHERE {{ VALUES ?{key} {{ {listed} }} ?s ?p ?o }}", graphs
            )

    def triples_with_predicate(
        self, graphs: Sequence[URIRef], predicate: URIRef
    ) -> Iterator[Triple]:
        """The triples of ``graphs`` (their union) with ``predicate``."""
        return self._select_triples(
            f"SELECT ?s ?p ?o WHERE {{ ?s ?p ?o FILTER (?p = {values.term(predicate)}) }}",
            graphs,
        )

    def _select_triples(self, text: str, graphs: Sequence[URIRef]) -> Iterator[Triple]:
        """The rows ?s ?p ?o of ``text`` as triples; a row limit reached is an error."""
        where = self._where(self.url)
        response = self._query(text, SPARQL_JSON, list(graphs), anytime=False)
        try:
            rows = self._json(response, where)["results"]["bindings"]
        except (KeyError, TypeError):
            raise StoreError(f"{where}: the answer is not SPARQL JSON results") from None
        limit = self._learn_max_rows(response) or self._server_max_rows
        if limit is not None and len(rows) >= limit:
            raise PartialResult(
                f"{where}: the server stopped at its row limit of {limit:,} rows while "
                "reading the triples an import changes; nothing more is written"
            )
        for row in rows:
            yield _row_triple(row, where)

    def _delete_triples(self, graph: URIRef, triples: Iterable[Triple]) -> None:
        """DELETE DATA of ``triples`` (no blank nodes: DELETE DATA cannot name one), in
        chunks of UPDATE_CHUNK."""
        writer = NTriplesWriter()
        lines: list[str] = []
        for triple in triples:
            if _has_bnode(triple):
                raise StoreError(
                    f"{self._where(self.url)}: cannot remove a triple with a blank node "
                    f"from <{graph}> by DELETE DATA"
                )
            lines.append(writer.line(triple))
        for at in range(0, len(lines), UPDATE_CHUNK):
            body = "".join(lines[at : at + UPDATE_CHUNK])
            self._update(
                f"DELETE DATA {{ GRAPH {quote_iri(str(self._graph(graph)))} {{\n{body}}} }}"
            )


def _row_triple(row: Any, where: str) -> Triple:
    """A row ?s ?p ?o of an answer as a triple; StoreError if it is not one."""
    try:
        s, p, o = (row[name] for name in ("s", "p", "o"))
    except (KeyError, TypeError):
        raise StoreError(f"{where}: a row of the graph lacks ?s, ?p or ?o") from None
    if not (isinstance(s, URIRef | BNode) and isinstance(p, URIRef) and isinstance(o, Node)):
        raise StoreError(f"{where}: a row of the graph is not a triple: {row!r:.80}")
    return s, p, o
