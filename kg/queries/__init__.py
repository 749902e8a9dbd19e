"""SPARQL queries kept as files, and the checks every query passes before it runs.

Each bundled query is ``kg/queries/NAME.rq``; its first comment paragraph states the
question it answers. User values reach a query only as bound values (``initBindings``),
never pasted into its text. Before a query runs, its parsed form is inspected and refused
if it would reach the network (SERVICE, or FROM/FROM NAMED, which could name a remote graph).
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import XSD, Literal, URIRef
from rdflib.term import Identifier, Variable

from kg.errors import NetworkRefused, QueryError
from kg.prefixes import PREFIXES as PREFIXES  # every query is read with them
from kg.prefixes import compact as compact  # the short IRIs of tables and messages

if TYPE_CHECKING:
    from rdflib.plugins.sparql.sparql import Query

QUERIES_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class NamedQuery:
    """A SPARQL query with the question it answers (its first comment paragraph)."""

    name: str
    question: str
    text: str
    bundled: bool = False  # one of kg's own queries (kg/queries/*.rq), not the user's

    @property
    def message(self) -> str:
        """For an integrity query: its ``# message:`` line, else its question."""
        for line in self.text.splitlines():
            stripped = line.strip().lstrip("#").strip()
            if stripped.lower().startswith("message:"):
                return stripped.split(":", 1)[1].strip()
        return self.question

    @property
    def variables(self) -> set[str]:
        """The names of the variables that appear in the query text."""
        return set(re.findall(r"[?$]([A-Za-z_][A-Za-z0-9_]*)", _strip_comments(self.text)))


def _strip_comments(text: str) -> str:
    # Drops '#' comments outside IRIs and strings well enough to list variables.
    return re.sub(r"(?m)^\s*#.*$", "", text)


def _question(text: str) -> str:
    lines: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("#"):
            break
        body = stripped.lstrip("#").strip()
        if not body:
            if lines:
                break
            continue
        lines.append(body)
    return " ".join(lines)


def from_text(text: str, name: str = "query (-e)") -> NamedQuery:
    """Wrap query text given by the user."""
    return NamedQuery(name=name, question=_question(text), text=text)


def bundled_names() -> list[str]:
    """The names of the bundled queries."""
    return sorted(p.stem for p in QUERIES_DIR.glob("*.rq"))


def named_query(name: str) -> NamedQuery:
    """The bundled query ``name``; QueryError, with the closest names, if there is none."""
    path = QUERIES_DIR / f"{name}.rq"
    if not re.fullmatch(r"[A-Za-z0-9_-]+", name) or not path.is_file():
        close = difflib.get_close_matches(name, bundled_names(), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else "; `kg query --list` shows them"
        raise QueryError(f"no bundled query named {name!r}{hint}")
    text = path.read_text(encoding="utf-8")
    return NamedQuery(name=name, question=_question(text), text=text, bundled=True)


def load(spec: str) -> NamedQuery:
    """A query given as a bundled name or as the path of a .rq/.sparql file."""
    path = Path(spec)
    if path.suffix.lower() in (".rq", ".sparql") or path.is_file():
        if path.exists() and not path.is_dir() and not path.is_file():
            raise QueryError(f"{spec}: not a regular file (a device, pipe or socket)")
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise QueryError(f"{spec}: no such query file") from None
        except (OSError, UnicodeDecodeError) as error:
            raise QueryError(f"{spec}: cannot be read ({error})") from None
        return from_text(text, name=spec)
    return named_query(spec)


def _walk(node: Any) -> Any:
    """Every CompValue in a parsed query or its algebra, however deep: in lists, in tuples,
    and in pyparsing's results (the arguments of COALESCE, IN and CONCAT are kept in those,
    and an EXISTS there may hold a SERVICE)."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [node]
    while stack:  # no recursion: a query nested deep must not exhaust the stack
        item = stack.pop()
        if isinstance(item, CompValue):
            yield item
            stack.extend(item.values())
        elif isinstance(item, list | tuple | ParseResults):
            stack.extend(item)


@functools.lru_cache(maxsize=256)
def engine_text(text: str, *, allow_network: bool = False) -> str:
    """The text an engine runs for the query ``text``: its canonical form, in which no parser
    can find a comment, string or escape another reads otherwise; NetworkRefused if it has
    SERVICE, FROM or LOAD outside strings and IRIs, unless ``allow_network``."""
    from kg.queries import guard

    return guard.checked(text, allow_network=allow_network)


@functools.lru_cache(maxsize=256)
def prepare(text: str, *, allow_network: bool = False) -> Query:
    """Parse a SPARQL query and refuse what would reach the network, unless allowed.

    The text is first written in the one form every engine reads the same way
    (:func:`kg.queries.guard.checked`, which refuses SERVICE, FROM and LOAD outside strings
    and IRIs); rdflib then parses that text, and the parsed query is checked again, so
    spellings such as ``SERV\\u0049CE`` are caught twice. Engines other than rdflib run the
    same canonical text (:func:`engine_text`). Prepared queries are kept (rdflib runs one
    many times), so each text is parsed once. Raises QueryError for a syntax error or an
    update, NetworkRefused for SERVICE, FROM or LOAD.
    """
    # rdflib's SPARQL parser is imported when a query is first checked: importing it takes
    # a third of a second that a report on a store does not need.
    import rdflib.plugins.sparql
    from pyparsing import ParseException
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    # rdflib would fetch the graph named in FROM <...>; MemoryStore turns it on only if asked.
    rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False
    safe = engine_text(text, allow_network=allow_network)
    try:
        parsed = parseQuery(safe)
    except ParseException as error:
        raise QueryError(
            f"SPARQL syntax error at line {error.lineno}, column {error.col}: {error.msg}"
        ) from None
    except Exception as error:  # rdflib raises bare Exceptions for some malformed input
        raise QueryError(f"SPARQL syntax error: {error}") from None
    if not allow_network:
        body = parsed[1]
        if "datasetClause" in body:
            raise NetworkRefused(
                "FROM / FROM NAMED in a query may fetch a remote graph and is refused; "
                "pass --allow-network to allow it"
            )
        for node in _walk(body):
            if node.name == "ServiceGraphPattern":
                raise NetworkRefused(
                    "SERVICE in a query would reach the network and is refused; pass "
                    "--allow-network to allow it"
                )
    try:
        prepared: Query = translateQuery(parsed, initNs=PREFIXES)
    except Exception as error:  # e.g. an undeclared prefix
        raise QueryError(f"SPARQL error: {error}") from None
    if not allow_network and any(
        node.name == "ServiceGraphPattern" for node in _walk(prepared.algebra)
    ):
        raise NetworkRefused(
            "SERVICE in a query would reach the network and is refused; pass "
            "--allow-network to allow it"
        )
    return prepared


_IRI = re.compile(r"<([^<>\"{}|^`\\\s]*)>")
_ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_CURIE = re.compile(r"([A-Za-z][\w.-]*)?:([\w.-]*)")
_QUOTED = re.compile(r'"(.*)"(?:@([A-Za-z]+(?:-[A-Za-z0-9]+)*)|\^\^(\S+))?', re.DOTALL)


def parse_value(value: str) -> Identifier:
    """Turn the text of ``--param NAME=VALUE`` into an RDF term, never into query text.

    ``<IRI>`` and ``prefix:local`` (with a known prefix) give IRIs; ``"text"``,
    ``"text"@lang`` and ``"text"^^xsd:type`` give literals; a bare integer, decimal or
    ISO date (2017-09-01) gives a typed literal; anything else a plain string.
    """
    if any("\ud800" <= ch <= "\udfff" for ch in value):  # bytes that were not UTF-8
        shown = value.encode("utf-8", "surrogateescape").decode("ascii", "backslashreplace")
        raise QueryError(f"--param {shown}: the value is not valid UTF-8 text")
    if m := _IRI.fullmatch(value):
        if not _ABSOLUTE.match(m.group(1)):  # no base to resolve it against, on any store
            raise QueryError(f"--param {value}: not an absolute IRI (write <scheme:...>)")
        return URIRef(m.group(1))
    if m := _QUOTED.fullmatch(value):
        lexical, lang, datatype = m.groups()
        if datatype:
            return Literal(lexical, datatype=_datatype(datatype))
        return Literal(lexical, lang=lang)
    if (m := _CURIE.fullmatch(value)) and (m.group(1) or "") in PREFIXES:
        return URIRef(PREFIXES[m.group(1) or ""] + m.group(2))
    if re.fullmatch(r"[+-]?\d+", value):
        return Literal(int(value))
    if re.fullmatch(r"[+-]?\d+\.\d+", value):
        return Literal(value, datatype=XSD.decimal)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return Literal(date.fromisoformat(value))
        except ValueError:
            raise QueryError(f"{value!r} looks like a date but is not a valid one") from None
    return Literal(value)


def _datatype(text: str) -> URIRef:
    if m := _IRI.fullmatch(text):
        return URIRef(m.group(1))
    if (m := _CURIE.fullmatch(text)) and (m.group(1) or "") in PREFIXES:
        return URIRef(PREFIXES[m.group(1) or ""] + m.group(2))
    raise QueryError(f"unknown datatype {text!r}: write it as <IRI> or xsd:NAME")


def required_variables(text: str) -> set[str]:
    """The variables that a required triple pattern of the query matches: not only inside
    OPTIONAL or MINUS, nor computed by BIND, VALUES or an aggregate. Binding one of these
    narrows the answer; binding any other would change the answer without filtering it."""
    from rdflib.plugins.sparql.parserutils import CompValue

    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, CompValue):
            if node.name == "BGP":
                for triple in node.get("triples") or []:
                    found.update(str(t) for t in triple if isinstance(t, Variable))
                return
            if node.name == "LeftJoin":  # OPTIONAL: only its left side is required
                walk(node.get("p1"))
                return
            if node.name == "Minus":
                walk(node.get("p1"))
                return
            for key, value in node.items():
                if key in ("expr", "A", "res"):  # expressions and aggregates bind nothing
                    continue
                walk(value)
        elif isinstance(node, list | tuple):
            for item in node:
                walk(item)

    walk(prepare(text, allow_network=True).algebra)
    return found


def parse_params(pairs: list[str], query: NamedQuery) -> dict[str, Identifier]:
    """Parse ``NAME=VALUE`` pairs into bindings; each NAME must be a variable that a
    required pattern of ``query`` matches (see :func:`required_variables`)."""
    bindings: dict[str, Identifier] = {}
    variables = query.variables
    required: set[str] | None = None
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip().lstrip("?$")
        if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise QueryError(f"--param {pair!r}: write it as NAME=VALUE")
        if name not in variables:
            known = ", ".join(sorted(variables)) or "none"
            raise QueryError(f"--param {name}: the query has no variable ?{name} (it has: {known})")
        required = required_variables(query.text) if required is None else required
        if name not in required:
            can = ", ".join(sorted(required)) or "none"
            raise QueryError(
                f"--param {name}: ?{name} is optional, computed or only selected in this "
                f"query, so binding it would not narrow the answer (bindable: {can})"
            )
        bindings[name] = parse_value(value)
    return bindings
