"""Serialising the knowledge graph, and writing files so that a failure loses nothing.

Every file the tool writes goes through :func:`write_atomically`: the bytes go to a
temporary file in the same folder, are read back and parsed, flushed to disk, and only then
renamed over the target. An existing file is either replaced whole or left untouched.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import pyoxigraph
from rdflib import Dataset, Graph, URIRef

from kg import queries
from kg.errors import OutputError
from kg.graph import DATA_GRAPH, DERIVED_GRAPH, ONTOLOGY_GRAPH, KnowledgeGraph
from kg.locks import LOCK_WAIT, lock_folder
from kg.output import safe_cell
from kg.stores.oxigraph import OX_FORMATS

if TYPE_CHECKING:
    import networkx as nx

    from kg.periods import When
    from kg.selection import Filter, LeftOut, Scope

# export format name -> (rdflib format, usual extension)
EXPORT_FORMATS: dict[str, tuple[str, str]] = {
    "turtle": ("turtle", ".ttl"),
    "nt": ("nt", ".nt"),
    "jsonld": ("json-ld", ".jsonld"),
    "trig": ("trig", ".trig"),
    "nquads": ("nquads", ".nq"),
}
# other extensions the loader reads, and the export format they mean
EXTRA_EXTENSIONS = {".json": "jsonld", ".turtle": "turtle", ".ntriples": "nt"}


# network export format -> usual extension; see kg.network_files for the attributes
NETWORK_FORMATS: dict[str, str] = {"graphml": ".graphml", "gexf": ".gexf", "edges-csv": ".csv"}

EDGE_COLUMNS = [
    "source",
    "source_label",
    "target",
    "target_label",
    "kind",
    "claim_class",
    "directed",
    "sign",
    "start",
    "end",
    "period",
    "status",
    "standing",
    "sources",
    "documents",
    "support",
    "against",
]


def format_for_path(path: Path) -> str | None:
    """The export format that the extension of ``path`` names, if any."""
    suffix = path.suffix.lower()
    for name, (_rdflib_format, extension) in EXPORT_FORMATS.items():
        if suffix == extension:
            return name
    if suffix in EXTRA_EXTENSIONS:
        return EXTRA_EXTENSIONS[suffix]
    for name, extension in NETWORK_FORMATS.items():
        if suffix == extension:
            return name
    return None


def serialize_network(network: nx.MultiDiGraph, fmt: str, *, mixed: bool = True) -> bytes:
    """The actor network (from kg.network_files.export_graph) as GEXF, GraphML or a CSV
    edge list (one row per relation); ``mixed`` as in :func:`kg.network_files.to_gexf`."""
    from kg.network_files import edge_rows, to_gexf, to_graphml

    if fmt == "graphml":
        return to_graphml(network)
    if fmt == "gexf":
        return to_gexf(network, mixed=mixed)
    if fmt == "edges-csv":
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(EDGE_COLUMNS)
        for row in edge_rows(network):
            writer.writerow([safe_cell(str(row.get(c, ""))) for c in EDGE_COLUMNS])
        return text.getvalue().encode("utf-8")
    raise OutputError(f"unknown network format {fmt!r} (known: {', '.join(NETWORK_FORMATS)})")


def _read_network(fmt: str, path: Path, *, mixed: bool = True) -> object:
    """Read a network export back (the check before it replaces the target): GEXF against
    the structure of GEXF 1.2, and by NetworkX unless it is mixed (which NetworkX refuses)."""
    import networkx as nx  # imported when needed: it takes a third of a second

    from kg.network_files import check_gexf

    if fmt == "graphml":
        return nx.read_graphml(path)
    if fmt == "gexf":
        check_gexf(path)
        return None if mixed else nx.read_gexf(path)
    return list(csv.reader(path.open(encoding="utf-8")))


def serialize(
    kg: KnowledgeGraph,
    fmt: str = "turtle",
    *,
    include_ontology: bool = False,
    include_derived: bool = True,
) -> bytes:
    """The data (with derived relations and, if asked, the ontology) in ``fmt``.

    TriG keeps the parts apart as named graphs; the other formats merge them.
    """
    if fmt not in EXPORT_FORMATS:
        raise OutputError(f"unknown export format {fmt!r} (known: {', '.join(EXPORT_FORMATS)})")
    names = [DATA_GRAPH]
    if include_derived:
        names.append(DERIVED_GRAPH)
    if include_ontology:
        names.insert(0, ONTOLOGY_GRAPH)
    native = io.BytesIO()
    if kg.store.dump(names, EXPORT_FORMATS[fmt][0], native):  # Oxigraph writes it itself
        return native.getvalue()
    target: Graph
    if fmt in ("trig", "nquads"):
        dataset = Dataset()
        for name in names:
            part = dataset.graph(name)
            part += kg.graph(name)
        target = dataset
    else:
        target = Graph()
        for name in names:
            target += kg.graph(name)
    for prefix, namespace in queries.PREFIXES.items():
        target.bind(prefix, namespace)
    rdflib_format = EXPORT_FORMATS[fmt][0]
    try:
        return target.serialize(format=rdflib_format, encoding="utf-8")
    except RecursionError:
        # rdflib's Turtle and JSON-LD writers recurse into nested blank nodes (a file of
        # [ :p [ :p [ ... ] ] ] 500 deep); Oxigraph's writers label them and do not.
        return _serialize_flat(target, rdflib_format)


def _serialize_flat(target: Graph, rdflib_format: str) -> bytes:
    """``target`` written by Oxigraph's writer, which needs no recursion for blank nodes."""
    import pyoxigraph as ox

    from kg.reading import OX_FORMATS as READ_FORMATS
    from kg.stores.oxigraph import to_oxigraph

    def quads() -> Iterator[ox.Quad]:
        if isinstance(target, Dataset):
            for s, p, o, g in target.quads((None, None, None, None)):
                graph = to_oxigraph(g) if isinstance(g, URIRef) else ox.DefaultGraph()
                yield ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), graph)
        else:
            for s, p, o in target:
                yield ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o))

    fmt = READ_FORMATS[rdflib_format]
    items: Iterable[Any] = (
        quads() if fmt in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS) else (q.triple for q in quads())
    )
    written = ox.serialize(items, format=fmt, prefixes=dict(queries.PREFIXES))
    assert written is not None
    return written


def _check_parses(path: Path, rdflib_format: str) -> None:
    """Parse the written copy back: with Oxigraph's parser where it reads the format (1M
    triples of Turtle in about 2 s; rdflib takes a minute), else with rdflib."""
    if rdflib_format in OX_FORMATS:
        for _quad in pyoxigraph.parse(path=str(path), format=OX_FORMATS[rdflib_format]):
            pass
        return
    graph: Graph = Dataset() if rdflib_format in ("trig", "nquads") else Graph()
    graph.parse(path, format=rdflib_format)


@contextlib.contextmanager
def writer_lock(path: Path, wait: float = LOCK_WAIT) -> Iterator[None]:
    """Lock the folder of ``path`` so that two writers take turns (see :mod:`kg.locks`):
    the second says on standard error that it waits, and gives up with WriterBusy (exit
    11) after ``wait`` seconds. Writers of other files in the same folder take turns too.
    An import holds it from reading its target to replacing it, so that no writer works
    from a copy that another is about to replace."""
    try:
        descriptor = lock_folder(
            _folder(path),
            wait,
            waiting=f"Waiting: another process is writing {path}; waiting up to {wait:g} s "
            "for it to finish",
            busy=f"{path}: another process is writing it (waited {wait:g} s); "
            "try again when it is done",
        )
    except OSError as error:
        raise OutputError(f"{path}: cannot open its folder ({error.strerror})") from None
    try:
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


def _folder(path: Path) -> Path:
    return path.parent if str(path.parent) else Path(".")


def output_target(path: Path) -> Path:
    """The file that writing ``path`` replaces: a symbolic link is followed (the link is
    kept and the file it points to replaced). OutputError for a loop of links, a folder
    that does not exist, or a folder or device in the way."""
    try:
        if path.is_symlink():
            path = path.resolve(strict=False)
        folder = _folder(path)
        folder_exists = folder.is_dir()
        is_dir, exists, is_file = path.is_dir(), path.exists(), path.is_file()
    except RuntimeError:  # what Python 3.11 raises for a loop of symbolic links
        raise OutputError(f"{path}: a loop of symbolic links; nothing was written") from None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise OutputError(f"{path}: a loop of symbolic links; nothing was written") from None
        raise OutputError(f"{path}: cannot be written ({error.strerror or error})") from None
    if not folder_exists:
        raise OutputError(f"{path}: the folder {folder} does not exist")
    if is_dir:
        raise OutputError(f"{path}: is a folder")
    if exists and not is_file:
        raise OutputError(f"{path}: not a regular file (a device, pipe or socket); not replaced")
    return path


def refuse_bundled(path: Path, who: str = "kg") -> None:
    """No output goes into the bundled data, ontology or shapes folders: `kg export -o
    data/actors.ttl` replaced a bundled file with a whole export (exit 0)."""
    from kg import resources
    from kg.errors import DataLoadError

    try:
        target = path.resolve()
    except (OSError, RuntimeError):
        target = path.absolute()
    for name in ("data", "ontology", "shapes"):
        try:
            folder = resources.bundled_dir(name).resolve()
        except DataLoadError:
            continue
        if target.is_relative_to(folder):
            raise OutputError(
                f"{path}: is in the bundled {name} folder, which {who} never writes into; "
                "name a file of your own with -o"
            )


def write_atomically(
    path: Path,
    content: bytes | Callable[[BinaryIO], object],
    *,
    rdf_format: str | None = None,
    check: Callable[[Path], object] | None = None,
    lock_wait: float = LOCK_WAIT,
    locked: bool = False,
) -> None:
    """Replace ``path`` with ``content`` in one step; on any failure the old file stays.
    ``content`` is the bytes, or a function that writes them to the file it is given (an
    export of a large store streams so).

    With ``rdf_format`` (an rdflib format name), the written copy is parsed back before it
    replaces the target, so a file that would not load is never put in place; ``check`` is
    any other reader to run on the written copy (it raises if the copy is bad). Writers of
    the same file take turns (see :func:`writer_lock`); ``locked`` says that the caller
    holds that lock already, for the file :func:`output_target` gives.
    """
    path = output_target(path)
    refuse_bundled(path)
    if locked:
        _replace(path, _folder(path), content, rdf_format, check)
        return
    with writer_lock(path, lock_wait):
        _replace(path, _folder(path), content, rdf_format, check)


def _replace(
    path: Path,
    folder: Path,
    content: bytes | Callable[[BinaryIO], object],
    rdf_format: str | None,
    check: Callable[[Path], object] | None,
) -> None:
    try:
        descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise OutputError(f"{path}: cannot write in {folder} ({error.strerror})") from None
    temp_path = Path(temporary)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            if isinstance(content, bytes):
                handle.write(content)
            else:
                content(handle)
            handle.flush()
            os.fsync(handle.fileno())
        if rdf_format is not None:
            _check_parses(temp_path, rdf_format)
        if check is not None:
            check(temp_path)
        if path.exists():
            os.chmod(temp_path, path.stat().st_mode & 0o7777)
        else:
            os.chmod(temp_path, 0o666 & ~_umask())
        os.replace(temp_path, path)
    except OSError as error:
        raise OutputError(f"{path}: could not be written ({error.strerror or error})") from None
    except Exception as error:
        raise OutputError(f"{path}: the written copy did not parse back ({error})") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp_path.unlink()
    with contextlib.suppress(OSError):  # make the rename itself durable where the OS allows
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def export_to_file(kg: KnowledgeGraph, path: Path, fmt: str, **options: bool) -> int:
    """Write the export to ``path`` atomically; returns the number of bytes written."""
    content = serialize(kg, fmt, **options)
    write_atomically(path, content, rdf_format=EXPORT_FORMATS[fmt][0])
    return len(content)


def network_export(
    kg: KnowledgeGraph,
    fmt: str,
    *,
    as_of: When | date | None = None,
    include_ended: bool | None = None,
    scope: Scope | Filter | None = None,
    left: LeftOut | None = None,
    mixed: bool = True,
) -> bytes:
    """The actor network in ``fmt`` (graphml, gexf, edges-csv): one edge per relation of
    ``scope`` with its spans, or only the relations that hold as of ``as_of`` (see
    :func:`kg.network_files.export_graph`). With ``mixed`` false a GEXF file has only
    directed edges (symmetric ones marked ``directed`` false), for readers that refuse
    mixed graphs, such as NetworkX's."""
    from kg.network_files import export_graph

    graph = export_graph(kg, as_of=as_of, include_ended=include_ended, scope=scope, left=left)
    return serialize_network(graph, fmt, mixed=mixed)


def network_export_to_file(
    kg: KnowledgeGraph, path: Path, fmt: str, *, mixed: bool = True, **selection: Any
) -> int:
    """Write the network export to ``path`` atomically, read back first; returns bytes.
    ``selection`` is that of :func:`network_export` (as_of, include_ended, scope, left)."""
    content = network_export(kg, fmt, mixed=mixed, **selection)
    write_atomically(path, content, check=lambda written: _read_network(fmt, written, mixed=mixed))
    return len(content)
