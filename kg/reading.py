"""Reading RDF files: the one reader behind every store.

Turtle, N-Triples, N-Quads, TriG and JSON-LD are all read by Oxigraph's parsers (Rust,
through pyoxigraph): streaming, linear in the size of the input, and an error names the
line. The memory store gets the same quads as rdflib terms, so a file is accepted or
refused alike by ``kg stats --data``, ``kg validate`` and ``kg load --store``.

What a file holds goes into the one graph it is loaded into: the quads of its named graphs
too (TriG, N-Quads, a JSON-LD ``@graph`` with an ``@id``), except the graphs kg itself
writes in ``kg export --format trig`` (ontology, derived relations, names), which come from
kg anyway. Nothing is dropped in silence: JSON-LD that the JSON-LD algorithms would skip
(an IRI or a language tag that is not valid) is refused naming the value.

Nothing is fetched: Oxigraph's JSON-LD parser has no way to load a remote context, and
``owl:imports`` is refused unless the network is allowed. With ``--allow-network``, JSON-LD
that names a remote context is read by rdflib, which fetches it.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, cast

import pyoxigraph as ox
from rdflib import OWL, Graph, Literal, URIRef

from kg.errors import DataLoadError, NetworkRefused
from kg.named_graphs import GRAPHS
from kg.terms import Triple, to_oxigraph, triple_to_rdflib

# The format of a file comes from its extension (rdflib's names for the formats).
FORMATS: dict[str, str] = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".nt": "nt",
    ".ntriples": "nt",
    ".nq": "nquads",
    ".trig": "trig",
    ".jsonld": "json-ld",
    ".json": "json-ld",
}
OX_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "json-ld": ox.RdfFormat.JSON_LD,
}
RDF_XML = (".rdf", ".xml", ".owl")

OWL_IMPORTS = ox.NamedNode(str(OWL.imports))
_XSD_DOUBLE = "http://www.w3.org/2001/XMLSchema#double"
# The graphs of a `kg export --format trig` file that kg fills itself (not the data graph).
_KG_GRAPHS = {ox.NamedNode(str(name)) for name in GRAPHS if name != GRAPHS[1]}
# JSON nested deeper than this is refused before Oxigraph reads it (Python's json module
# recurses once per level; Oxigraph itself stops at 65,536).
JSON_DEPTH_LIMIT = 20_000
_SURROGATE = re.compile("[\ud800-\udfff]")
# Oxigraph's message when a JSON-LD context would have to be fetched.
_REMOTE_CONTEXT = "LoadDocumentCallback"
# Oxigraph's parsers hold one token (a literal, an IRI) of at most 16 MiB, and say so with
# a MemoryError: a limit of the input, not of the machine.
_BUFFER_LIMIT = "buffer maximal size"


def rdf_format(path: Path) -> str:
    """Return rdflib's name for the format of ``path``, from its extension."""
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        known = ", ".join(sorted(FORMATS))
        raise DataLoadError(
            f"{path}: unknown file extension {path.suffix!r} (known: {known})"
        ) from None


def check_path(path: Path) -> str:
    """Refuse what is never read (RDF/XML, an unknown extension, a missing file, a folder,
    a device or pipe) without opening it; return the file's format."""
    if path.suffix.lower() in RDF_XML:
        raise DataLoadError(
            f"{path}: RDF/XML is not read (an XML parser may expand entities or fetch DTDs); "
            "convert it to Turtle first"
        )
    fmt = rdf_format(path)
    if not path.exists():
        raise DataLoadError(f"{path}: no such file")
    if path.is_dir():
        raise DataLoadError(f"{path}: is a folder, not a file")
    if not path.is_file():
        raise DataLoadError(f"{path}: not a regular file (a device, pipe or socket)")
    return fmt


@contextlib.contextmanager
def _recursion_limit(limit: int) -> Iterator[None]:
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous, limit))
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)


def read_quads(
    path: Path,
    *,
    allow_network: bool = False,
    progress: Callable[[int], None] | None = None,
    checked: bool = False,
) -> Iterator[ox.Quad]:
    """The quads of a Turtle, N-Triples, N-Quads, TriG or JSON-LD file, as pyoxigraph quads.

    Raises DataLoadError naming the file (and the line, where the parser knows it), or
    NetworkRefused for owl:imports or a remote JSON-LD context unless the network is
    allowed. The graphs kg writes itself are left out. A file that has been ``checked``
    (read whole once already, without error) is read again without validating IRIs and
    language tags a second time, in half the time.
    """
    fmt = check_path(path)
    try:
        if fmt == "json-ld":
            quads = _json_ld(path, allow_network=allow_network, progress=progress)
        else:
            quads = _parse(path, OX_FORMATS[fmt], progress, lenient=checked)
        for quad in quads:
            if quad.predicate == OWL_IMPORTS and not allow_network:
                raise NetworkRefused(
                    f"{path}: owl:imports {quad.object} would fetch another document "
                    "and is refused; load that file with --data instead, or pass "
                    "--allow-network to follow it"
                )
            if quad.graph_name in _KG_GRAPHS:
                continue
            yield quad
    except SyntaxError as error:
        where = f"{path}, line {error.lineno}" if error.lineno else str(path)
        if _REMOTE_CONTEXT in str(error.msg):
            raise NetworkRefused(
                f"{where}: a JSON-LD context would be fetched; "
                "inline the context, or pass --allow-network"
            ) from None
        if "Invalid UTF-8" in str(error.msg):
            raise DataLoadError(f"{where}: not UTF-8 text") from None
        # one line: Oxigraph's message may quote the text it stopped at, line breaks too
        raise DataLoadError(f"{where}: bad syntax ({' '.join(str(error.msg).split())})") from None
    except MemoryError as error:
        if _BUFFER_LIMIT not in str(error):
            raise  # the command's own memory ceiling (kg.limits)
        raise DataLoadError(
            f"{path}: a single term (a literal or an IRI) is longer than 16 MiB, the most "
            "the parser holds at once"
        ) from None
    except FileNotFoundError:
        raise DataLoadError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DataLoadError(f"{path}: is a folder, not a file") from None
    except UnicodeDecodeError as error:
        raise DataLoadError(f"{path}: not UTF-8 text (byte {error.start})") from None
    except OSError as error:
        raise DataLoadError(f"{path}: cannot be read ({error.strerror or error})") from None


def _parse(
    path: Path,
    fmt: ox.RdfFormat,
    progress: Callable[[int], None] | None,
    *,
    lenient: bool,
    source: IO[bytes] | None = None,
) -> Iterator[ox.Quad]:
    with _Counting(source or path.open("rb"), progress) as stream:
        # Blank nodes get new names, as rdflib gives them: _:b1 of two files is two nodes.
        yield from ox.parse(
            cast(IO[bytes], stream),
            fmt,
            base_iri=path.resolve().as_uri(),
            rename_blank_nodes=True,
            lenient=lenient,
        )


# --- JSON-LD ------------------------------------------------------------------------------


def _json_ld(
    path: Path, *, allow_network: bool, progress: Callable[[int], None] | None
) -> Iterator[ox.Quad]:
    """JSON-LD, checked first as JSON (remote contexts, lone surrogates, numbers beyond
    xsd:double), then read by Oxigraph leniently, so that an invalid IRI or language tag
    reaches us to be refused instead of being skipped in silence."""
    data = path.read_bytes()
    text = data.decode("utf-8")  # UnicodeDecodeError: not UTF-8, said by read_quads
    remote = _check_json(path, text)
    if remote is not None:
        if not allow_network:
            raise NetworkRefused(
                f"{path}: JSON-LD {remote[0]} {remote[1]!r} would be fetched; "
                "inline the context, or pass --allow-network"
            )
        yield from _json_ld_by_rdflib(path, text)
        return
    valid: set[str] = set()
    quads = _parse(path, ox.RdfFormat.JSON_LD, progress, lenient=True, source=io.BytesIO(data))
    for quad in quads:
        for term in (quad.subject, quad.predicate, quad.object, quad.graph_name):
            _check_term(path, term, valid)
        yield quad


def _check_json(path: Path, text: str) -> tuple[str, str] | None:
    """Read ``text`` as JSON and walk it: the first remote context ("@context" or "@import",
    URL) if there is one. Raises DataLoadError for what Oxigraph would take badly."""

    def number(lexical: str) -> float:
        # JSON-LD reads a number that is not a small integer as an xsd:double: one beyond
        # its range would become infinity, losing the number.
        value = float(lexical)
        if math.isinf(value):
            shown = lexical if len(lexical) <= 24 else f"{lexical[:12]}... ({len(lexical)} chars)"
            raise DataLoadError(
                f"{path}: the JSON number {shown} is beyond the range of xsd:double, which "
                "JSON-LD reads it as; write it as a string with an @type"
            )
        return value

    try:
        with _recursion_limit(JSON_DEPTH_LIMIT + 100):
            document = json.loads(text, parse_int=number, parse_float=number)
    except json.JSONDecodeError as error:
        raise DataLoadError(f"{path}, line {error.lineno}: not valid JSON ({error.msg})") from None
    except RecursionError:
        raise DataLoadError(
            f"{path}: nested too deeply to read (more than {JSON_DEPTH_LIMIT:,} levels)"
        ) from None
    remote: tuple[str, str] | None = None
    stack: list[Any] = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                _check_string(path, key)
                if key in ("@context", "@import") and remote is None:
                    for item in value if isinstance(value, list) else [value]:
                        if isinstance(item, str):
                            remote = (key, item)
                            break
                stack.append(value)
        elif isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, str):
            _check_string(path, node)
    return remote


def _check_string(path: Path, text: str) -> None:
    if _SURROGATE.search(text):
        where = text.encode("utf-8", "backslashreplace").decode("ascii")[:60]
        raise DataLoadError(
            f"{path}: a lone surrogate (an escape like \\uD800 without its pair) "
            f"is not valid Unicode, in {where!r}"
        )


def _check_term(path: Path, term: Any, valid: set[str]) -> None:
    """Refuse a term Oxigraph's strict parser would not make (it skips them in JSON-LD)."""
    try:
        if isinstance(term, ox.NamedNode):
            if term.value not in valid:
                ox.NamedNode(term.value)
                valid.add(term.value)
        elif isinstance(term, ox.Literal):
            if term.language is not None:
                ox.Literal(term.value, language=term.language)
            elif term.datatype.value not in valid:
                ox.NamedNode(term.datatype.value)
                valid.add(term.datatype.value)
        elif isinstance(term, ox.BlankNode):
            ox.BlankNode(term.value)
    except ValueError as error:
        shown = str(term)
        shown = shown if len(shown) <= 80 else shown[:77] + "..."
        raise DataLoadError(f"{path}: {shown} is not valid RDF ({error})") from None


def _json_ld_by_rdflib(path: Path, text: str) -> Iterator[ox.Quad]:
    """JSON-LD whose context is fetched (only with --allow-network): rdflib reads it; every
    term is checked as Oxigraph's parser would."""
    from rdflib import Dataset
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    dataset = Dataset()
    try:
        with _recursion_limit(JSON_DEPTH_LIMIT + 100):
            dataset.parse(data=text, format="json-ld", publicID=path.resolve().as_uri())
    except RecursionError:
        raise DataLoadError(f"{path}: nested too deeply to read") from None
    except Exception as error:  # whatever the fetch or the parser raises, the file is at fault
        raise DataLoadError(f"{path}: not valid JSON-LD ({_first_line(error)})") from None
    for s, p, o, g in dataset.quads((None, None, None, None)):
        terms = []
        for term in (s, p, o) if g is None or g == DATASET_DEFAULT_GRAPH_ID else (s, p, o, g):
            try:
                terms.append(to_oxigraph(term))
            except ValueError as error:
                shown = term.n3()
                shown = shown if len(shown) <= 80 else shown[:77] + "..."
                raise DataLoadError(f"{path}: {shown} is not valid RDF ({error})") from None
        graph = terms[3] if len(terms) == 4 else ox.DefaultGraph()
        yield ox.Quad(terms[0], terms[1], terms[2], graph)


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


# --- rdflib terms, for the memory store ----------------------------------------------------


def read_triples(path: Path, *, allow_network: bool = False) -> Iterator[Triple]:
    """The triples of a file as rdflib terms (named graphs included, as :func:`read_quads`
    says); with ``allow_network``, the documents its owl:imports name are read too."""
    imports: list[str] = []
    for quad in read_quads(path, allow_network=allow_network):
        if quad.predicate == OWL_IMPORTS and isinstance(quad.object, ox.NamedNode):
            imports.append(quad.object.value)
        yield triple_to_rdflib(quad.subject, quad.predicate, quad.object)
    for iri in sorted(set(imports)):
        yield from _follow_import(path, iri)


def parse_file(path: Path, *, allow_network: bool = False) -> Graph:
    """Parse one RDF file into a new rdflib graph (the triples of all its graphs), or raise
    DataLoadError naming the file and line (NetworkRefused for what would be fetched)."""
    graph = Graph()
    for triple in read_triples(Path(path), allow_network=allow_network):
        graph.add(triple)
    return graph


def _follow_import(path: Path, iri: str) -> Iterator[Triple]:
    """Fetch one owl:imports document (only with --allow-network)."""
    graph = Graph()
    try:
        graph.parse(iri)
    except Exception as error:  # any network or parse failure of a document we fetched
        raise DataLoadError(
            f"{path}: owl:imports <{iri}> could not be loaded ({_first_line(error)})"
        ) from None
    for triple in graph:
        for term in triple:
            if isinstance(term, Literal | URIRef) and _SURROGATE.search(term):
                raise DataLoadError(
                    f"{path}: owl:imports <{iri}> holds a lone surrogate, which is not Unicode"
                )
        yield triple


class _Counting(io.RawIOBase):
    """A binary file that reports how many bytes have been read, for a progress bar."""

    def __init__(self, stream: IO[bytes], progress: Callable[[int], None] | None) -> None:
        self.stream = stream
        self.progress = progress

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = self.stream.readinto(buffer)  # type: ignore[attr-defined]
        if n and self.progress is not None:
            self.progress(n)
        return int(n or 0)

    def close(self) -> None:
        self.stream.close()
        super().close()
