"""The WSGI application of ``kg serve``: routes, the checks every request passes, and the
answers of the SPARQL endpoint, the bundled queries and the page's JSON.

Every request is checked before it is routed:

- its ``Host`` must be one of the server's own names (a page on another site that a DNS
  name re-pointed at 127.0.0.1 sends that name: DNS rebinding), or an IP address;
- with a token, it must carry it (``Authorization: Bearer TOKEN``, or the cookie the page
  gets from ``/?token=TOKEN``);
- its body is read only up to the largest query text (kg.limits.MAX_QUERY_BYTES, encoded).

Answers are written whole before they are sent, so a query stopped by the time or row
limit sends an error, never half an answer. The SPARQL endpoint and the bundled queries run
as ``kg query`` does (kg.limits.answer_within: a forked process, stopped at ``timeout``,
refused past ``limit`` rows); the reports of the page run in the server's threads, one at
a time on a store that cannot be read from two threads at once (rdflib in memory, a SPARQL
server's connection).
"""

from __future__ import annotations

import hmac
import json
import mimetypes
import os
import re
import sys
import threading
import time
import traceback
import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from ipaddress import ip_address
from pathlib import Path
from typing import Any, TypeVar

from rdflib import Graph, Literal
from rdflib.term import Identifier

from kg import queries, reports
from kg.errors import (
    BadValue,
    KGError,
    NetworkRefused,
    QueryTimeout,
    StoreError,
    TimeLimit,
    TooBig,
    TooManyRows,
    UnknownName,
)
from kg.graph import KnowledgeGraph
from kg.limits import DEFAULT_LIMIT, DEFAULT_TIMEOUT, MAX_QUERY_BYTES, answer_within, run_within
from kg.matching import NameIndex
from kg.periods import When
from kg.prefixes import compact
from kg.results import Result
from kg.selection import Scope
from kg.stores.values import query_form
from kg.web import results

T = TypeVar("T")
ASSETS = Path(__file__).parent / "assets"
#: The largest request body: a query of MAX_QUERY_BYTES, percent-encoded in a form (each
#: byte may become three), and the form's other fields.
MAX_BODY_BYTES = 3 * MAX_QUERY_BYTES + 64 * 1024
#: The page's policy: its own scripts and styles only, nothing from elsewhere.
PAGE_POLICY = (
    "default-src 'self'; img-src 'self' data:; frame-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
)
TOKEN_COOKIE = "kg_token"
#: What a token may hold: the characters of a bearer token (RFC 6750), which go into a
#: header and a cookie as they are.
TOKEN_TEXT = re.compile(r"[A-Za-z0-9._~+/-]+=*")
_LOCAL_PATH = re.compile(r"/(?![/\\])[A-Za-z0-9._~!$&'()*+,;=:@%/-]*")
_UPDATE_WORD = re.compile(
    r"(?i)(?<![\w?$:])(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)(?![\w:])"
)
_STATUS = {
    200: "OK",
    204: "No Content",
    303: "See Other",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


class HTTPError(Exception):
    """A request refused: the status and the one line that says why."""

    def __init__(self, status: int, message: str, headers: Sequence[tuple[str, str]] = ()):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = list(headers)


def status_of(error: KGError) -> int:
    """The HTTP status of one of kg's errors: the user's mistake (4xx) or the store's."""
    if isinstance(error, UnknownName):
        return 404
    if isinstance(error, NetworkRefused):
        return 403
    if isinstance(error, QueryTimeout | TimeLimit):
        return 503
    if isinstance(error, TooManyRows):
        return 422
    if isinstance(error, TooBig):
        return 413
    if isinstance(error, StoreError):
        return 502
    return 400  # BadValue, QueryError, AmbiguousName and the others: the request's fault


@dataclass
class Request:
    """What the application reads of one WSGI request."""

    method: str
    path: str
    params: dict[str, list[str]]
    headers: Mapping[str, str]
    environ: Mapping[str, Any]
    _body: bytes | None = None

    @classmethod
    def of(cls, environ: Mapping[str, Any]) -> Request:
        try:
            params = urllib.parse.parse_qs(
                environ.get("QUERY_STRING", ""),
                keep_blank_values=True,
                encoding="utf-8",
                errors="strict",
                max_num_fields=1000,
            )
        except (UnicodeDecodeError, ValueError) as error:
            raise HTTPError(400, f"the query string cannot be read ({error})") from None
        headers = {
            key[5:].replace("_", "-").lower(): str(value)
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            if environ.get(key):
                headers[key.replace("_", "-").lower()] = str(environ[key])
        # PEP 3333: PATH_INFO is the decoded path, as latin-1 text; the path is UTF-8
        raw = str(environ.get("PATH_INFO", "/"))
        try:
            path = raw.encode("latin-1").decode("utf-8")
        except UnicodeError:
            path = raw
        method = str(environ.get("REQUEST_METHOD", "GET")).upper()
        return cls(method, path, params, headers, environ)

    def body(self) -> bytes:
        """The request's body, refused past MAX_BODY_BYTES (413)."""
        if self._body is None:
            try:
                length = int(self.headers.get("content-length") or 0)
            except ValueError:
                raise HTTPError(400, "Content-Length is not a number") from None
            if length > MAX_BODY_BYTES:
                raise HTTPError(
                    413,
                    f"the request body has {length:,} bytes; at most {MAX_BODY_BYTES:,} are read",
                )
            self._body = self.environ["wsgi.input"].read(length) if length > 0 else b""
        return self._body

    def one(self, name: str, default: str | None = None) -> str | None:
        """The one value of parameter ``name`` (400 if it is given twice)."""
        values = self.params.get(name, [])
        if len(values) > 1:
            raise HTTPError(400, f"give the parameter {name!r} once, not {len(values)} times")
        return values[0] if values else default

    def flag(self, name: str) -> bool:
        value = (self.one(name) or "").strip().lower()
        if value in ("", "0", "false", "no", "off"):
            return False
        if value in ("1", "true", "yes", "on"):
            return True
        raise HTTPError(400, f"{name}={value!r}: give true or false")

    def number(self, name: str, default: int | None, least: int, most: int) -> int | None:
        value = self.one(name)
        if value is None or not value.strip():
            return default
        try:
            number = int(value)
        except ValueError:
            raise HTTPError(400, f"{name}={value!r} is not a whole number") from None
        if not least <= number <= most:
            raise HTTPError(400, f"{name}={number}: give a number from {least} to {most}")
        return number


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str = "application/json; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)


def _json(value: Any, status: int = 200) -> Response:
    return Response(status, json.dumps(value, ensure_ascii=False).encode("utf-8"))


def _text(status: int, message: str) -> Response:
    return Response(status, f"{message}\n".encode(), "text/plain; charset=utf-8")


@dataclass(frozen=True)
class Settings:
    """How the server answers: its names, token and limits."""

    host: str = "127.0.0.1"
    port: int = 8000
    allowed_hosts: tuple[str, ...] = ()
    token: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    limit: int = DEFAULT_LIMIT
    #: the origins whose pages may query the server (CORS); "*": any
    cors: tuple[str, ...] = ()
    #: the picture of the network shows at most this many actors unless asked for more
    plot_top: int = 150
    #: how many requests read the graph at once, each in its own process
    workers: int = (os.cpu_count() or 1) + 1


@dataclass(eq=False)
class _Served:
    """One opened graph, what has been worked out of it, and how many requests read it."""

    graph: KnowledgeGraph
    version: object = None
    info: dict[str, Any] | None = None
    validation: dict[str, Any] | None = None
    stats: Response | None = None
    names: NameIndex | None = None
    users: int = 0
    retired: bool = False


def store_version(folder: Path) -> Callable[[], object]:
    """What tells one state of the store in ``folder`` from the next: its manifest, which
    ``kg load`` and ``kg import`` replace (a new file) when they make a new database the
    store's."""

    def version() -> object:
        try:
            found = (folder / "kg-store.json").stat()
        except OSError:
            return None
        return (found.st_ino, found.st_mtime_ns, found.st_size)

    return version


class App:
    """The WSGI application over one opened knowledge graph.

    With ``reopen`` and ``version`` (kg serve --store), a request that finds the store
    changed since the graph was opened (``version()`` differs: a ``kg load`` or ``kg
    import`` finished) opens it again with ``reopen()``; requests already answering keep
    the graph they began with, which is closed (releasing its database) when the last of
    them ends. A request sees one state of the store, never part of a load."""

    def __init__(
        self,
        graph: KnowledgeGraph,
        settings: Settings | None = None,
        *,
        reopen: Callable[[], KnowledgeGraph] | None = None,
        version: Callable[[], object] | None = None,
    ) -> None:
        self.settings = settings or Settings()
        self._reopen = reopen
        self._version = version if reopen is not None else None
        self._current = _Served(graph, self._version() if self._version else None)
        self._swapping = threading.Lock()
        self._local = threading.local()
        # Every request that reads the graph does so in a process of its own; forking it is
        # done by one thread at a time.
        self._forking = threading.Lock()
        # At most `workers` such processes at once (one more than the cores): twenty
        # reading side by side on two cores made each slow, and a few three times the
        # others (p99 2.3 s against 1.1 s for the cold actor page; BENCHMARKS.md)
        self._slots = threading.BoundedSemaphore(self.settings.workers)
        self._validating = threading.Lock()
        self._queries: list[dict[str, Any]] | None = None
        self.assets = _assets(ASSETS)
        self._routes: dict[str, Callable[[Request], Response]] = {
            "/sparql": self.sparql,
            "/queries": self.query_list,
            "/api/info": self.info,
            "/api/search": self.search,
            "/api/actor": self.actor,
            "/api/backers": self.backers,
            "/api/backers.csv": self.backers_file,
            "/api/backers.json": self.backers_file,
            "/api/plot": self.plot,
            "/api/validation": self.validation,
            "/api/stats": self.stats,
        }

    # --- WSGI ------------------------------------------------------------------------------

    def __call__(
        self, environ: Mapping[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        try:
            request = Request.of(environ)
            response = self.handle(request)
        except HTTPError as error:
            response = self._error(environ, error)
        headers = [
            ("Content-Type", response.content_type),
            ("Content-Length", str(len(response.body))),
            ("X-Content-Type-Options", "nosniff"),
            ("Referrer-Policy", "no-referrer"),
            ("Cache-Control", "no-store"),
            *self._cors(environ),
            *response.headers,
        ]
        start_response(f"{response.status} {_STATUS.get(response.status, '')}".strip(), headers)
        return [b"" if environ.get("REQUEST_METHOD") == "HEAD" else response.body]

    def _cors(self, environ: Mapping[str, Any]) -> list[tuple[str, str]]:
        """The CORS headers: a page of an origin given by --cors may read the answer."""
        allowed = self.settings.cors
        if not allowed:
            return []
        if "*" in allowed:
            return [("Access-Control-Allow-Origin", "*")]
        origin = str(environ.get("HTTP_ORIGIN", ""))
        if origin in allowed:
            return [("Access-Control-Allow-Origin", origin), ("Vary", "Origin")]
        return [("Vary", "Origin")]

    def _error(self, environ: Mapping[str, Any], error: HTTPError) -> Response:
        path = str(environ.get("PATH_INFO", ""))
        if path.startswith("/api/") or path in ("/", ""):
            response = _json({"error": error.message}, error.status)
        else:
            response = _text(error.status, error.message)
        response.headers += error.headers
        return response

    @property
    def served(self) -> _Served:
        """The graph the request being answered reads (outside a request: the current)."""
        served: _Served | None = getattr(self._local, "served", None)
        return served if served is not None else self._current

    @property
    def graph(self) -> KnowledgeGraph:
        return self.served.graph

    @contextmanager
    def _lease(self) -> Iterator[_Served]:
        """The current graph for one request, opened again first if the store changed."""
        with self._swapping:
            served = self._current
            if self._version is not None and self._reopen is not None:
                now = self._version()
                if now is not None and now != served.version:
                    try:
                        # no request's process is forked while the store is being opened:
                        # it would copy a lock the opening holds, and wait on it for ever
                        with self._forking:
                            fresh = self._reopen()
                    except KGError as error:  # a load half-way: keep answering from before
                        print(f"kg serve: the store changed but cannot be opened ({error})",
                              file=sys.stderr)  # fmt: skip
                    else:
                        served.retired = True
                        if served.users == 0:
                            served.graph.close()
                        served = self._current = _Served(fresh, now)
            served.users += 1
        self._local.served = served
        try:
            yield served
        finally:
            self._local.served = None
            with self._swapping:
                served.users -= 1
                if served.retired and served.users == 0:
                    served.graph.close()

    def close(self) -> None:
        """Close the graph being served."""
        with self._swapping:
            self._current.graph.close()

    def handle(self, request: Request) -> Response:
        """Check ``request`` (Host, token), then answer it."""
        self._check_host(request)
        self._check_site(request)
        cookie = self._check_token(request)
        if cookie is not None:
            return cookie
        if request.method == "OPTIONS":  # a CORS preflight: any page may ask, read only
            return Response(
                204,
                b"",
                "text/plain",
                [
                    ("Access-Control-Allow-Methods", "GET, POST, OPTIONS"),
                    ("Access-Control-Allow-Headers", "Accept, Authorization, Content-Type"),
                    ("Access-Control-Max-Age", "600"),
                    # Chrome asks this before a page elsewhere may reach a loopback server
                    ("Access-Control-Allow-Private-Network", "true"),
                ],
            )
        path = request.path
        if path in ("/", "/index.html"):
            self._only(request, "GET", "HEAD")
            return self._asset("index.html")
        if path.startswith("/assets/"):
            self._only(request, "GET", "HEAD")
            return self._asset(path.removeprefix("/assets/"))
        if path.startswith("/queries/"):
            self._only(request, "GET", "HEAD", "POST")
            with self._lease():
                return self.named(request, path.removeprefix("/queries/"))
        route = self._routes.get(path)
        if route is None:
            raise HTTPError(404, f"nothing is served at {path}")
        if path == "/sparql":
            self._only(request, "GET", "HEAD", "POST")
        else:
            self._only(request, "GET", "HEAD")
        try:
            with self._lease():
                return route(request)
        except HTTPError:
            raise
        except KGError as error:
            raise HTTPError(status_of(error), str(error)) from None
        except Exception as error:  # a fault of ours: said in one line, told in the log
            traceback.print_exc(file=sys.stderr)
            raise HTTPError(500, f"internal error ({type(error).__name__}); see the server's log")

    @staticmethod
    def _only(request: Request, *methods: str) -> None:
        if request.method not in methods:
            raise HTTPError(
                405, f"{request.method} is not answered here", [("Allow", ", ".join(methods))]
            )

    def _check_host(self, request: Request) -> None:
        host = request.headers.get("host")
        if host is None:
            if str(request.environ.get("SERVER_PROTOCOL", "")).upper() == "HTTP/1.0":
                return  # HTTP/1.0 has no Host; no browser sends that, so no rebinding
            raise HTTPError(400, "an HTTP/1.1 request needs a Host header")
        name = _host_name(host)
        if name is None:
            raise HTTPError(400, f"the Host header {host!r} cannot be read")
        try:
            ip_address(name)
            return  # an address: a page on another site cannot make a browser send it
        except ValueError:
            pass
        allowed = {"localhost", self.settings.host.lower(), *self.settings.allowed_hosts}
        if name.lower() not in allowed:
            raise HTTPError(
                403,
                f"the Host {name!r} is not one of this server's names "
                "(kg serve --allow-host NAME adds one)",
            )

    def _check_site(self, request: Request) -> None:
        """Refuse what a page of another site makes a browser ask (its Origin, or the
        browser's Sec-Fetch-Site, says so) unless --cors allows that origin: another site
        can neither read the graph nor keep the server busy with queries. Following a
        link to the page itself is allowed, and clients that are no browser send
        neither header."""
        origin = request.headers.get("origin")
        site = request.headers.get("sec-fetch-site", "").lower()
        own = f"http://{request.headers.get('host', '')}"
        foreign = (origin is not None and origin != own) or site in ("cross-site", "same-site")
        if not foreign:
            return
        allowed = self.settings.cors
        if "*" in allowed or (origin is not None and origin in allowed):
            return
        navigation = request.headers.get("sec-fetch-mode", "").lower() == "navigate"
        if navigation and request.method == "GET" and request.path in ("/", "/index.html"):
            return
        raise HTTPError(
            403,
            f"a page of another site ({origin or site}) may not ask this server; "
            "kg serve --cors ORIGIN allows one (--cors '*' any)",
        )

    def _check_token(self, request: Request) -> Response | None:
        token = self.settings.token
        if token is None:
            return None
        given = request.one("token")
        if given is not None and request.method == "GET" and _same(given, token):
            # the page's address with ?token=: a cookie for its next requests, and the
            # address again without the token (not left in the history or the logs)
            rest = {k: v for k, v in request.params.items() if k != "token"}
            # only a path of this server's own (no '//host', no '\\', no line break)
            path = request.path if _LOCAL_PATH.fullmatch(request.path) else "/"
            location = path + ("?" + urllib.parse.urlencode(rest, doseq=True) if rest else "")
            cookie = f"{TOKEN_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict"
            moved = [("Location", location), ("Set-Cookie", cookie)]
            return Response(303, b"", "text/plain", moved)
        bearer = request.headers.get("authorization", "")
        if bearer.lower().startswith("bearer ") and _same(bearer[7:].strip(), token):
            return None
        cookies = _cookies(request.headers.get("cookie", ""))
        if TOKEN_COOKIE in cookies and _same(cookies[TOKEN_COOKIE], token):
            return None
        if request.method == "OPTIONS":  # preflights carry no credentials
            return None
        raise HTTPError(
            401,
            "this server wants its token: 'Authorization: Bearer TOKEN', or open /?token=TOKEN",
            [("WWW-Authenticate", 'Bearer realm="kg"')],
        )

    def _asset(self, name: str) -> Response:
        found = self.assets.get(name)
        if found is None:
            raise HTTPError(404, f"no such file: {name}")
        data, content_type = found
        headers = [("Content-Security-Policy", PAGE_POLICY)] if name == "index.html" else []
        return Response(200, data, content_type, headers)

    # --- SPARQL ---------------------------------------------------------------------------

    def sparql(self, request: Request) -> Response:
        """The SPARQL 1.1 Protocol's query operation."""
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if "update" in request.params or content_type == "application/sparql-update":
            raise HTTPError(403, "this endpoint is read-only: updates are refused")
        texts = request.params.get("query", [])
        form_fields: dict[str, list[str]] = {}
        if request.method == "POST":
            body = request.body()
            if content_type == "application/sparql-query":
                texts = [*texts, _utf8(body, "the query")]
            elif content_type == "application/x-www-form-urlencoded":
                form_fields = _form(body)
                if "update" in form_fields:
                    raise HTTPError(403, "this endpoint is read-only: updates are refused")
                texts = [*texts, *form_fields.get("query", [])]
            else:
                raise HTTPError(
                    415,
                    "send the query as application/sparql-query or as a form "
                    "(application/x-www-form-urlencoded) with query=",
                )
        for name in ("default-graph-uri", "named-graph-uri"):
            if name in request.params or name in form_fields:
                raise HTTPError(
                    400,
                    f"{name}: this endpoint answers over its one dataset (the union of its "
                    "graphs); name graphs with GRAPH in the query",
                )
        if len(texts) != 1:
            raise HTTPError(400, "give exactly one query (query=, or the body as "
                            "application/sparql-query)" if not texts else
                            f"give one query, not {len(texts)}")  # fmt: skip
        text = texts[0]
        if len(text.encode("utf-8", "surrogatepass")) > MAX_QUERY_BYTES:
            raise HTTPError(413, f"the query text is longer than {MAX_QUERY_BYTES:,} bytes")
        if not query_form(text) and _UPDATE_WORD.search(_code(text)):
            raise HTTPError(403, "this endpoint is read-only: updates are refused")
        fmt_name = request.one("format") or form_fields.get("format", [None])[0]
        return self._answer(queries.from_text(text, "query"), {}, request, fmt_name)

    def query_list(self, request: Request) -> Response:
        if self._queries is None:
            self._queries = self._list_queries()
        return _json(self._queries)

    @staticmethod
    def _list_queries() -> list[dict[str, Any]]:
        rows = []
        for name in queries.bundled_names():
            query = queries.named_query(name)
            rows.append(
                {
                    "name": name,
                    "question": query.question,
                    "parameters": sorted(queries.required_variables(query.text)),
                }
            )
        return rows

    def named(self, request: Request, name: str) -> Response:
        """A bundled query with the request's parameters bound to its variables."""
        if name not in queries.bundled_names():
            raise HTTPError(404, f"no bundled query is called {name!r} (GET /queries lists them)")
        query = queries.named_query(name)
        params = {k: v for k, v in request.params.items() if k != "format"}
        if request.method == "POST":
            if request.headers.get("content-type", "").split(";")[0].strip().lower() != (
                "application/x-www-form-urlencoded"
            ):
                raise HTTPError(415, "send the parameters as a form or in the query string")
            for key, values in _form(request.body()).items():
                params.setdefault(key, []).extend(values)
        pairs = []
        for key, values in params.items():
            if len(values) != 1:
                raise HTTPError(400, f"give the parameter {key!r} once")
            pairs.append(f"{key}={values[0]}")
        try:
            bindings = queries.parse_params(pairs, query)
        except KGError as error:
            raise HTTPError(400, str(error).replace("--param ", "parameter ")) from None
        return self._answer(query, bindings, request, request.one("format"))

    def _answer(
        self,
        query: queries.NamedQuery,
        bindings: Mapping[str, Identifier],
        request: Request,
        fmt_name: str | None,
    ) -> Response:
        form = query_form(query.text)
        kind = results.GRAPH if form in ("CONSTRUCT", "DESCRIBE") else (
            results.BOOLEAN if form == "ASK" else results.ROWS
        )  # fmt: skip
        if fmt_name:
            fmt = results.BY_NAME.get(fmt_name.lower())
            if fmt is None or kind not in fmt.kinds:
                raise HTTPError(
                    400, f"format={fmt_name!r}: this answer is written as {results.offered(kind)}"
                )
        else:
            # Nothing the client accepts fits this answer (rdflib's SPARQLStore asks every
            # query for its one format, JSON results for a CONSTRUCT too): the default format
            # is sent, as RFC 9110 allows instead of 406, and the Content-Type says which.
            fmt = results.negotiate(request.headers.get("accept"), kind) or results.negotiate(
                None, kind
            )
            assert fmt is not None
        try:
            with self._slots:
                answer = answer_within(
                    self.graph,
                    query,
                    bindings,
                    timeout=self.settings.timeout,
                    limit=self.settings.limit,
                    forking=self._forking,
                )
        except KGError as error:
            raise HTTPError(status_of(error), _server_words(str(error))) from None
        if isinstance(answer, Graph):
            body = results.write_graph(answer, fmt)
        elif kind == results.BOOLEAN:
            value = answer.rows[0].get("ask") if answer.rows else None
            body = results.write_boolean(isinstance(value, Literal) and bool(value.toPython()), fmt)
        else:
            body = results.write_rows(answer, fmt)
        return Response(200, body, fmt.content_type, [("Vary", "Accept")])

    # --- the page's JSON -------------------------------------------------------------------

    def warm(self) -> int:
        """Read once, before threads share them, what requests need (the vocabulary, the
        lists of the page's filters); the number of triples served."""
        if self.graph.store.dataset is not None:
            # rdflib parses each query the first time it is asked; parsed here, the parse
            # is shared by every request's process instead of done again in each
            for name in queries.bundled_names():
                queries.prepare(queries.named_query(name).text)
        info = self._current.info = self._describe()
        self._current.names = NameIndex.of(self.graph)
        return int(info["triples"])

    def info(self, request: Request) -> Response:
        served = self.served
        if served.info is None:
            served.info = self._isolated("the description of the graph", self._describe)
        return _json(served.info)

    def _describe(self) -> dict[str, Any]:
        from kg.vocabulary import Vocabulary

        kg = self.graph
        vocabulary = Vocabulary.of(kg)
        conflicts = sorted(
            {
                (str(r["label"] or compact(str(r["conflict"]))), compact(str(r["conflict"])))
                for r in kg.select("conflicts").rows
            }
        )
        sources = sorted(
            {
                (str(r["title"] or compact(str(r["source"]))), compact(str(r["source"])))
                for r in kg.select("claim-sources").rows
            }
        )
        relation_kinds = sorted({k.label.removesuffix(" claim") for k in vocabulary.kinds})
        return {
            "version": version("conflict-kg"),
            "store": kg.store.kind,
            "triples": len(kg),
            "token": self.settings.token is not None,
            "timeout": self.settings.timeout,
            "limit": self.settings.limit,
            "conflicts": [{"id": i, "label": label} for label, i in conflicts],
            "sources": [{"id": i, "label": label} for label, i in sources],
            "kinds": relation_kinds,
            "support_kinds": sorted(set(vocabulary.support_labels.values())),
        }

    def search(self, request: Request) -> Response:
        from kg.matching import search  # noqa: I001

        text = request.one("q") or ""
        if not text.strip():
            raise HTTPError(400, "q: give some letters of a name")
        limit = request.number("limit", 50, 1, 500) or 50
        served = self.served
        if served.names is None:  # a store opened again: its names read once, for every search
            served.names = self._isolated("the names", lambda: NameIndex.of(served.graph))
        graph, names = served.graph, served.names
        return self._isolated(
            "the search", lambda: _rows(search(graph, text, limit=limit, index=names))
        )

    def actor(self, request: Request) -> Response:
        name = request.one("actor")
        if not name or not name.strip():
            raise HTTPError(400, "actor: give an actor's name or IRI")
        as_of = _when(request, "as_of")
        graph = self.graph

        def profile() -> Response:
            found = reports.actor_profile(graph, name, as_of=as_of, include_ended=as_of is None)
            return Response(200, found.render("json").encode("utf-8"))

        return self._isolated("the actor's report", profile)

    def _backers(self, request: Request) -> Callable[[], Result[Any]]:
        """The backers report the request asks for, to run where :meth:`_isolated` runs it
        (the request's values are read and checked here, before)."""
        as_of = _when(request, "as_of")
        during = _when(request, "during", period=True)
        if as_of is not None and during is not None:
            raise HTTPError(400, "give as_of or during, not both")
        of, by = request.one("of") or None, request.one("by") or None
        include_ended = request.flag("include_ended")
        scope = _scope(request)
        graph = self.graph
        return lambda: reports.backers(
            graph,
            of=of,
            by=by,
            as_of=as_of if as_of is not None else during,
            include_ended=include_ended,
            scope=scope,
        )

    def backers(self, request: Request) -> Response:
        report = self._backers(request)
        return self._isolated("the backers report", lambda: _rows(report()))

    def backers_file(self, request: Request) -> Response:
        fmt = "csv" if request.path.endswith(".csv") else "json"
        report = self._backers(request)
        content_type = f"{'text/csv' if fmt == 'csv' else 'application/json'}; charset=utf-8"
        disposition = [("Content-Disposition", f'attachment; filename="who-backs-whom.{fmt}"')]
        return self._isolated(
            "the backers report",
            lambda: Response(200, report().render(fmt).encode("utf-8"), content_type, disposition),
        )

    def plot(self, request: Request) -> Response:
        from kg import plot

        as_of = _when(request, "as_of")
        during = _when(request, "during", period=True)
        if as_of is not None and during is not None:
            raise HTTPError(400, "give as_of or during, not both")
        actor = request.one("actor") or None
        hops = request.number("hops", 1, 1, 5) or 1
        top = request.number("top", None, 1, 5000)
        include_ended = request.flag("include_ended")
        scope = _scope(request)
        graph = self.graph
        most = self.settings.plot_top if top is None else None

        def page() -> Response:
            drawing, _shown, _whole = plot.picture(
                graph,
                "html",
                as_of=as_of if as_of is not None else during,
                include_ended=include_ended,
                scope=scope,
                actor=actor,
                hops=hops,
                top=top,
                most=most,
            )
            return Response(200, drawing.content, "text/html; charset=utf-8")

        return self._isolated("the network picture", page)

    def validation(self, request: Request) -> Response:
        served = self.served
        with self._validating:  # one check at a time; the answer is kept with its graph
            if served.validation is None:
                graph = served.graph

                def check() -> dict[str, Any]:
                    from kg.validation import validate_kg

                    began = time.perf_counter()
                    report = validate_kg(graph)
                    return report.to_record() | {
                        "checked_at": datetime.now(UTC).isoformat(timespec="seconds"),
                        "seconds": round(time.perf_counter() - began, 2),
                    }

                # the shapes over a whole store take longer than a query: ten times as long
                served.validation = self._isolated(
                    "the validation", check, timeout=10 * self.settings.timeout
                )
        return _json(served.validation)

    def stats(self, request: Request) -> Response:
        from kg.stats import graph_stats

        served = self.served
        if served.stats is None:  # the same until the store changes
            graph = served.graph
            served.stats = self._isolated(
                "the counts",
                lambda: Response(200, graph_stats(graph).render("json").encode("utf-8")),
            )
        return served.stats

    def _isolated(self, name: str, work: Callable[[], T], *, timeout: float | None = None) -> T:
        """``work()`` in a process of its own (kg.limits.run_within, as kg query runs a
        query): stopped at the server's --timeout (503), and reading the graph beside the
        other requests' processes, on a store that one process reads one thread at a time
        too (rdflib in memory)."""
        with self._slots:
            return run_within(
                work,
                timeout=self.settings.timeout if timeout is None else timeout,
                name=name,
                forking=self._forking,
            )


# --- helpers --------------------------------------------------------------------------------


def _assets(folder: Path) -> dict[str, tuple[bytes, str]]:
    """The page's files, read once: only regular files directly in ``folder`` (not links),
    so no request names anything else."""
    found: dict[str, tuple[bytes, str]] = {}
    if not folder.is_dir():
        return found
    for path in sorted(folder.iterdir()):
        if path.is_symlink() or not path.is_file():
            continue
        kind = {".js": "text/javascript", ".css": "text/css", ".html": "text/html"}.get(
            path.suffix, mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        )
        if kind.startswith("text/") or kind.endswith(("json", "svg+xml")):
            kind += "; charset=utf-8"
        found[path.name] = (path.read_bytes(), kind)
    return found


def _host_name(host: str) -> str | None:
    """The name or address of a Host header, without its port ('[::1]:8000' is '::1')."""
    host = host.strip()
    if host.startswith("["):
        end = host.find("]")
        rest = host[end + 1 :] if end > 0 else ""
        if end <= 0 or (rest and not (rest[0] == ":" and rest[1:].isdigit())):
            return None
        return host[1:end]
    name, _, port = host.partition(":")
    if port and not port.isdigit():
        return None
    return name or None


def _same(given: str, token: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8", "replace"), token.encode("utf-8"))


def _cookies(header: str) -> dict[str, str]:
    found = {}
    for part in header.split(";"):
        key, sep, value = part.strip().partition("=")
        if sep:
            found[key] = value
    return found


def _utf8(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise HTTPError(400, f"{what} is not UTF-8 text (byte {error.start})") from None


def _form(body: bytes) -> dict[str, list[str]]:
    try:
        return urllib.parse.parse_qs(
            _utf8(body, "the form"), keep_blank_values=True, errors="strict", max_num_fields=1000
        )
    except (UnicodeDecodeError, ValueError) as error:
        raise HTTPError(400, f"the form cannot be read ({error})") from None


def _code(text: str) -> str:
    """``text`` without comments, strings and IRIs: where the words of an update are."""
    text = re.sub(r"<[^<>\"{}|^`\\\s]*>", " ", text)
    text = re.sub(r"\"\"\".*?\"\"\"|'''.*?'''|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'", " ",
                  text, flags=re.S)  # fmt: skip
    return re.sub(r"#[^\n\r]*", " ", text)


def _server_words(message: str) -> str:
    """The CLI's message with the server's words: its options are the server's too."""
    return message.replace("no answer was printed", "no answer was sent")


def _rows(found: Result[Any]) -> Response:
    """A report's rows as the CLI's JSON gives them, with its notes."""
    return _json({"rows": json.loads(found.render("json")), "notes": list(found.notes)})


def _scope(request: Request) -> Scope:
    """The filters of the CLI's --conflict, --country, --source and --kind (repeatable)."""
    return Scope(
        tuple(request.params.get("conflict", [])),
        tuple(request.params.get("country", [])),
        tuple(request.params.get("source", [])),
        tuple(request.params.get("kind", [])),
    )


def _when(request: Request, name: str, *, period: bool = False) -> When | None:
    value = request.one(name)
    if value is None or not value.strip():
        return None
    try:
        return When.between(value) if period else When.parse(value)
    except BadValue as error:
        raise HTTPError(400, f"{name}: {error}") from None
