"""Importers: claims read from tables into a store of the user's, validated, all or nothing.

- :func:`import_esd` reads the UCDP External Support Dataset (triad-year file) as UCDP
  publishes it (``kg import ucdp-esd``);
- :func:`import_csv` reads a user's own table through a mapping file (``kg import csv``);
- :func:`kg.importers.aliases.aliases` lists the merges of actors across sources
  (``kg report aliases``).

Each returns plain values (an :class:`ImportResult`, a report); the CLI in
``kg.cli_import`` only formats them. Both imports go through :func:`run`: the rows are
read in chunks into a writable copy of the target (:mod:`kg.importers.target`: a store
folder, a SPARQL server's data graph, or a file through a temporary store), validated
there with the shapes compiled to SPARQL, and only then does the copy become the store, or
replace the file.
"""

from __future__ import annotations

import ctypes
import functools
import tomllib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import cast

from kg.errors import BadImport, StoreError
from kg.graph import StoreSpec
from kg.importers.esd import read_esd
from kg.importers.mapping import bundled_mapping, load_mapping, read_with_mapping
from kg.importers.model import Batch, Origin
from kg.importers.resolve import ActorIndex
from kg.importers.store import ImportResult, refusal
from kg.importers.table import count_rows
from kg.importers.target import EndpointTarget, FileTarget, Session, StoreTarget
from kg.locks import LOCK_WAIT
from kg.validation_report import ValidationReport

__all__ = [
    "EndpointTarget",
    "FileTarget",
    "ImportResult",
    "StoreTarget",
    "bundled_mapping",
    "import_csv",
    "import_esd",
    "table_rows",
    "target_for",
]

Target = FileTarget | StoreTarget | EndpointTarget
#: A reader: the table read with the names of the graph, its claims handed to the sink
#: as it goes (every CHUNK of them), the rows read told to the progress hook, what is left
#: returned.
Progress = Callable[[int], None] | None
Reader = Callable[[ActorIndex, Callable[[Batch], None], Progress], Batch]
#: Told each step of an import after its rows are read: "validating", then "writing".
Stage = Callable[[str], None] | None


def target_for(
    output: Path | None,
    store: Path | StoreSpec | None,
    *,
    data: Sequence[Path] = (),
    add: Sequence[Path] = (),
    wait: float = LOCK_WAIT,
) -> Target:
    """Where an import goes: the file ``output`` (on top of ``data`` and ``add``), or the
    store ``store`` (a folder, or the settings of a folder or a SPARQL server); StoreError
    for both or neither, or files given for a store."""
    endpoint: StoreSpec | None = None
    if isinstance(store, StoreSpec):
        endpoint = store if store.endpoint is not None else None
        store = store.folder
    named = f"--endpoint {endpoint.endpoint}" if endpoint is not None else f"--store {store}"
    if output is not None and (store is not None or endpoint is not None):
        raise StoreError(
            f"give one place to import into: -o {output} (a file) or {named}, not both"
        )
    if store is not None or endpoint is not None:
        if data or add:
            raise StoreError(
                f"--data and --add name files an import into a file sits on; the store "
                f"{named.split(' ', 1)[1]} holds its own data (put files into it with `kg load`)"
            )
        if endpoint is not None:
            return EndpointTarget(endpoint, wait=wait)
        assert store is not None
        return StoreTarget(store, wait=wait)
    if output is None:
        raise StoreError(
            "say where to import into: -o FILE.ttl, or --store DIR (`kg load` makes one)"
        )
    return FileTarget(output, data=data, add=add, wait=wait)


def run(
    target: Target,
    read: Reader,
    *,
    allow_network: bool = False,
    progress: Progress = None,
    stage: Stage = None,
) -> ImportResult:
    """Read a table into ``target``, all or nothing (see :mod:`kg.importers.target`);
    ``progress`` is told the rows read as they are, ``stage`` each step after the rows
    ("validating", then "writing")."""
    with target.session(allow_network=allow_network) as session:
        index = ActorIndex.read(session.kg)
        batch = read(index, session.write, progress)
        # Before write_rest writes the actors: which of them the graph had already.
        known = {a.iri for a in batch.actors.values() if index.in_graph(a.iri)}
        if progress is not None:
            progress(batch.rows % 500)
        if not batch.claim_count and not batch.no_support_count:
            skipped = f" ({batch.skipped} skipped by the mapping's [rows])" if batch.skipped else ""
            raise BadImport(
                f"{batch.path}: no row to import: {batch.rows} row(s) read{skipped}; "
                "nothing was written"
            )
        session.write_rest(batch, index.same_as)
        result = ImportResult(
            input=str(batch.path),
            output=str(target),
            rows=batch.rows,
            claims=batch.claim_count,
            no_known_support=batch.no_support_count,
            skipped=batch.skipped,
            triples_added=session.added,
            triples_removed=session.removed,
            triples_in_store=session.count(),
            written=False,
            new_actors=sorted(
                (str(a.iri), a.label) for a in batch.actors.values() if a.iri not in known
            ),
            clashes=batch.clashes,
            removed_actors=sorted(str(a) for a in session.orphaned),
        )
        if session.added == 0 and session.removed == 0 and target.exists:
            return result  # nothing new: the store stays as it is
        path = batch.path
        del batch  # the last chunk's claims, written: validation needs the memory more
        release_freed_memory()
        if stage is not None:
            stage("validating")
        report = session.validate()
        if not report.conforms:
            raise refusal(path, _origins(read, session, report), str(target), report)
        del report
        release_freed_memory()
        if stage is not None:
            stage("writing")
        target.commit(session, source=path)
        result.written = True
        return result


def release_freed_memory() -> None:
    """Give the memory freed so far back to the system, where the C library can (glibc's
    malloc_trim): it keeps the pages the chunks' quads were freed from otherwise, and
    validation's memory came on top of them (ATOP: a peak of 476 MB, 415-433 MB so).
    Once, before validation: after each chunk it cost ATOP about 1 s more, as the next
    chunk took the pages back, for no lower peak."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        return cast(Callable[[int], int], ctypes.CDLL(None).malloc_trim)
    except (OSError, AttributeError):  # not glibc (macOS, musl): nothing to give back
        return None


def _origins(read: Reader, session: Session, report: ValidationReport) -> dict[str, Origin]:
    """Where the claims a refusal names were read: the table read again (the first reading
    kept no origins, so that its memory did not grow with the rows), keeping only those."""
    wanted = {r.focus_node for r in report.results if r.severity == "Violation"}
    found: dict[str, Origin] = {}

    def keep(batch: Batch) -> None:
        found.update((iri, o) for iri, o in batch.origins().items() if iri in wanted)

    last = read(ActorIndex.read(session.kg), keep, None)
    keep(last)
    return found


def table_rows(path: Path, mapping: Path | None = None) -> int:
    """The rows an import of the table ``path`` (through ``mapping``, whose ``[table]
    delimiter`` it reads) will read, for a progress bar; 0 when it cannot tell."""
    delimiter = ","
    if mapping is not None:
        try:
            table = tomllib.loads(mapping.read_text(encoding="utf-8")).get("table", {})
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError):
            table = {}  # the import names what is wrong with the mapping
        given = table.get("delimiter") if isinstance(table, dict) else None
        if isinstance(given, str) and len(given) == 1:
            delimiter = given
    return count_rows(path, delimiter=delimiter)


def import_esd(
    path: Path,
    output: Path | None = None,
    *,
    store: Path | StoreSpec | None = None,
    data: Sequence[Path] = (),
    add: Sequence[Path] = (),
    allow_network: bool = False,
    version: str = "18.1",
    wait: float = LOCK_WAIT,
    progress: Progress = None,
    stage: Stage = None,
) -> ImportResult:
    """Import an ESD triad-year CSV file into the file ``output`` (Turtle or N-Triples)
    or the store ``store``: a store folder, or the settings of a store (a folder or a
    SPARQL server, :class:`kg.graph.StoreSpec`).

    ``data`` replaces the bundled data as the graph a file sits on, ``add`` goes on top.
    Raises BadImport (a bad row or column), InvalidData (the result would not conform),
    DataLoadError, StoreError or OutputError; the file or store is then left as it was.
    An import that finds another writing there waits up to ``wait`` seconds, then raises
    WriterBusy. ``progress`` is told the rows read, every 500, and ``stage`` each step
    after them ("validating", "writing").
    """
    target = target_for(output, store, data=data, add=add, wait=wait)
    return run(
        target,
        lambda index, sink, told: read_esd(
            Path(path), index, version=version, sink=sink, progress=told
        ),
        allow_network=allow_network,
        progress=progress,
        stage=stage,
    )


def import_csv(
    path: Path,
    mapping: Path,
    output: Path | None = None,
    *,
    store: Path | StoreSpec | None = None,
    data: Sequence[Path] = (),
    add: Sequence[Path] = (),
    allow_network: bool = False,
    wait: float = LOCK_WAIT,
    progress: Progress = None,
    stage: Stage = None,
) -> ImportResult:
    """Import a table of claims through the mapping file ``mapping`` into ``output`` or
    ``store``. Raises as :func:`import_esd` does; a bad mapping is a BadImport naming its key.
    """
    target = target_for(output, store, data=data, add=add, wait=wait)

    def read(index: ActorIndex, sink: Callable[[Batch], None], told: Progress) -> Batch:
        spec = load_mapping(Path(mapping), index.vocabulary)
        return read_with_mapping(Path(path), spec, index, sink=sink, progress=told)

    return run(target, read, allow_network=allow_network, progress=progress, stage=stage)
