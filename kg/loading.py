"""``kg load``: fill a persistent store (an Oxigraph folder or a SPARQL server) with files.

The bundled ontology is put into the store's ontology graph (replacing what an older version
of kg put there), the files into its data graph with the bundled actors and alias table
(:func:`kg.resources.reference_files`, so that the store knows every actor's names whatever
the files are), and the direct relations are derived again.
Every file is checked (syntax, owl:imports, JSON-LD contexts) before anything is written,
so a file at fault leaves the store as it was.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from kg import resources
from kg.errors import DataLoadError, KGError, OutputError, StoreError
from kg.graph import (
    DATA_GRAPH,
    ONTOLOGY_GRAPH,
    KnowledgeGraph,
    StoreSpec,
    parse_file,
    rdf_format,
)
from kg.locks import LOCK_WAIT
from kg.stores.base import Store
from kg.stores.oxigraph import OxigraphStore

BULK_FORMATS = ("turtle", "nt", "nquads", "trig")


@dataclass(frozen=True)
class LoadSummary:
    """What a load did, for the command's last line and for benchmarks."""

    files: int  # the files asked for (and the bundled data), not the reference files
    added: int
    data: int
    derived: int
    ontology: int
    seconds: float


def _check_paths(paths: Sequence[Path]) -> None:
    for path in paths:
        if path.suffix.lower() in (".rdf", ".xml", ".owl"):
            raise DataLoadError(
                f"{path}: RDF/XML is not read (an XML parser may expand entities or fetch "
                "DTDs); convert it to Turtle first"
            )
        rdf_format(path)  # an unknown extension is refused by name
        if not path.exists():
            if path.is_symlink():
                raise DataLoadError(
                    f"{path}: cannot be read (a symbolic link to nothing, or a loop of links)"
                )
            raise DataLoadError(f"{path}: no such file")
        if path.is_dir():
            raise DataLoadError(f"{path}: is a folder, not a file")
        if not path.is_file():
            raise DataLoadError(f"{path}: not a regular file (a device, pipe or socket)")


def files_to_load(
    paths: Sequence[Path], *, bundled: bool = False, reference: bool = True
) -> tuple[list[Path], list[Path]]:
    """The files a load reads: (the files asked for, the reference files besides them).

    No ``paths``, or ``bundled``, puts the whole bundled data set first; ``reference`` adds
    the bundled actors and alias table (:func:`kg.resources.reference_files`) unless the
    files already name them.
    """
    files = list(paths)
    if bundled or not files:
        named = {_real(p) for p in files}
        files = [p for p in resources.data_files() if _real(p) not in named] + files
    if not reference:
        return files, []
    chosen = {_real(p) for p in files}
    return files, [p for p in resources.reference_files() if _real(p) not in chosen]


def _real(path: Path) -> str:
    # os.path.realpath, unlike Path.resolve, does not raise on a loop of links (refused later).
    return os.path.realpath(path)


def bytes_to_read(paths: Sequence[Path], *, bundled: bool = False, reference: bool = True) -> int:
    """How many bytes a load of ``paths`` reports to its ``progress`` callback (each file
    that is bulk-loaded is read twice: checked, then loaded), for a progress bar's length."""
    files, extra = files_to_load(paths, bundled=bundled, reference=reference)
    return 2 * sum(p.stat().st_size for p in [*extra, *files] if p.is_file() and _bulk(p))


def _bulk(path: Path) -> bool:
    try:  # a file of unknown kind is refused by the load itself, by name
        return rdf_format(path) in BULK_FORMATS
    except KGError:
        return False


def load_store(
    spec: StoreSpec,
    paths: Sequence[Path],
    *,
    bundled: bool = False,
    reference: bool = True,
    replace: bool = False,
    allow_network: bool = False,
    progress: Callable[[int], None] | None = None,
    wait: float = LOCK_WAIT,
) -> LoadSummary:
    """Load ``paths`` (default: the bundled data set; ``bundled``: the bundled data set
    too) into the store ``spec`` names, with the bundled actors and alias table
    (``reference``; off only for a store that must hold nothing but the files).

    All or nothing in an Oxigraph folder: the load goes into a new database that becomes
    the store's only at the end (see :mod:`kg.stores.oxigraph`); a failure at any point
    leaves the store as it was, and is raised as DataLoadError naming the file Oxigraph
    would not take, or StoreError. A second writer waits up to ``wait`` seconds.
    """
    started = time.perf_counter()
    files, extra = files_to_load(paths, bundled=bundled, reference=reference)
    _check_paths(files)
    bulk = [*(p for p in files if rdf_format(p) in BULK_FORMATS), *extra]
    others = [p for p in files if p not in bulk]
    # Files rdflib reads (JSON-LD) are parsed whole, and checked, before anything is written.
    parsed = [(p, parse_file(p, allow_network=allow_network)) for p in others]
    store: Store
    folder: OxigraphStore | None = None
    if spec.folder is not None and spec.endpoint is None:
        store = folder = OxigraphStore(spec.folder, read_only=False, empty=replace, wait=wait)
        folder.allow_network = allow_network
    else:
        store = spec.connect(writable=True, allow_network=allow_network)
    try:
        with _server_lock(store, spec, wait):
            return _load(
                store, folder, files, extra, bulk, parsed, replace, allow_network, progress, started
            )
    except KGError:
        raise
    except Exception as error:  # anything Oxigraph or the disk raises: the store is as it was
        kept = "; the store is as it was" if folder is not None else ""
        if isinstance(error, OSError):
            raise OutputError(
                f"{spec.where()}: the store could not be written "
                f"({error.strerror or _first_line(error)}){kept}"
            ) from error
        raise StoreError(
            f"{spec.where()}: the load failed ({type(error).__name__}: {_first_line(error)}){kept}"
        ) from error
    finally:
        store.close()


def _server_lock(
    store: Store, spec: StoreSpec, wait: float
) -> contextlib.AbstractContextManager[object]:
    """A SPARQL server's writers' lock, which imports take too (an Oxigraph folder is locked
    by its store)."""
    if spec.endpoint is None:
        return contextlib.nullcontext()
    from kg.stores.endpoint import EndpointStore  # here: a load into a folder need not load it
    from kg.stores.endpoint_lock import server_lock

    if not isinstance(store, EndpointStore):
        return contextlib.nullcontext()
    return server_lock(store, wait, command="kg load", where=spec.where())


def _load(
    store: Store,
    folder: OxigraphStore | None,
    files: list[Path],
    extra: list[Path],
    bulk: list[Path],
    parsed: list[tuple[Path, Graph]],
    replace: bool,
    allow_network: bool,
    progress: Callable[[int], None] | None,
    started: float,
) -> LoadSummary:
    kg = KnowledgeGraph(store, allow_network=allow_network)
    store.check_files(bulk, allow_network=allow_network, progress=progress)
    store.clear(ONTOLOGY_GRAPH)
    kg.load(resources.ontology_files(), graph=ONTOLOGY_GRAPH)
    if replace and folder is None:  # a folder's new database starts empty instead
        store.clear(DATA_GRAPH)
    before = store.count(DATA_GRAPH)
    for path in bulk:
        with _refused_by_store(path):
            store.load_files(DATA_GRAPH, [path], allow_network=allow_network, progress=progress)
    for path, graph in parsed:
        with _refused_by_store(path):
            store.add(DATA_GRAPH, graph.triples((None, None, None)))
    store.drop_overlap(DATA_GRAPH, ONTOLOGY_GRAPH)
    data = store.count(DATA_GRAPH)
    derived = kg.derive()
    if folder is not None:
        folder.optimize()
    ontology = store.count(ONTOLOGY_GRAPH)
    if folder is not None:
        # The reference files are named apart: `files` stays the list of what the user loaded.
        folder.commit(
            files=[str(p) for p in files],
            reference=[p.name for p in extra],
            added=data - before,
            replace=replace,
        )
    return LoadSummary(
        files=len(files),
        added=data - before,
        data=data,
        derived=derived,
        ontology=ontology,
        seconds=time.perf_counter() - started,
    )


@contextlib.contextmanager
def _refused_by_store(path: Path) -> Iterator[None]:
    """A term of ``path`` that the store will not take (a reader accepted the file, the
    store's engine refuses a term of it) is the file's fault: DataLoadError, exit 2."""
    try:
        yield
    except (ValueError, SyntaxError, UnicodeError) as error:
        raise DataLoadError(
            f"{path}: the store refuses a term of it ({_first_line(error)}); nothing was loaded"
        ) from None


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
