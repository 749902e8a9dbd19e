"""Importers: claims read from tables into a store of the user's, validated, all or nothing.

- :func:`import_esd` reads the UCDP External Support Dataset (triad-year file) as UCDP
  publishes it (``kg import ucdp-esd``);
- :func:`import_csv` reads a user's own table through a mapping file (``kg import csv``);
- :func:`kg.importers.aliases.aliases` lists the merges of actors across sources
  (``kg report aliases``).

Each returns plain values (an :class:`ImportResult`, a report); the CLI in
``kg.cli_import`` only formats them. Both imports go through :mod:`kg.importers.store`,
which merges into the store, validates the result against the shapes with the bundled data,
and only then replaces the store.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from kg.errors import BadImport
from kg.importers.esd import read_esd
from kg.importers.mapping import bundled_mapping, load_mapping, read_with_mapping
from kg.importers.model import Batch
from kg.importers.resolve import ActorIndex
from kg.importers.store import ImportResult, Store, write_batch
from kg.locks import LOCK_WAIT

__all__ = [
    "ImportResult",
    "Store",
    "bundled_mapping",
    "import_csv",
    "import_esd",
]


def _run(store: Store, read: Callable[[ActorIndex], Batch]) -> ImportResult:
    with store.locked():  # from reading the store to replacing it: no import is lost
        return _merge(store, read)


def _merge(store: Store, read: Callable[[ActorIndex], Batch]) -> ImportResult:
    kg, existing = store.open()
    index = ActorIndex.read(kg)
    known = set(index.labels)
    del kg  # free the base graph before validation opens its own
    batch = read(index)
    if not batch.claims and not batch.no_support:
        skipped = f" ({batch.skipped} skipped by the mapping's [rows])" if batch.skipped else ""
        raise BadImport(
            f"{batch.path}: no row to import: {batch.rows} row(s) read{skipped}; "
            "nothing was written"
        )
    return write_batch(batch, store, existing, known_actors=known, same_as=index.same_as)


def import_esd(
    path: Path,
    output: Path,
    *,
    data: Sequence[Path] = (),
    add: Sequence[Path] = (),
    allow_network: bool = False,
    version: str = "18.1",
    wait: float = LOCK_WAIT,
) -> ImportResult:
    """Import an ESD triad-year CSV file into the store ``output`` (Turtle or N-Triples).

    ``data`` replaces the bundled data as the graph the store sits on, ``add`` goes on top.
    Raises BadImport (a bad row or column), InvalidData (the result would not conform),
    DataLoadError or OutputError; the store is then left as it was. An import that finds
    another writing ``output`` waits up to ``wait`` seconds, then raises WriterBusy.
    """
    store = Store(Path(output), tuple(data), tuple(add), allow_network, wait)
    return _run(store, lambda index: read_esd(Path(path), index, version=version))


def import_csv(
    path: Path,
    mapping: Path,
    output: Path,
    *,
    data: Sequence[Path] = (),
    add: Sequence[Path] = (),
    allow_network: bool = False,
    wait: float = LOCK_WAIT,
) -> ImportResult:
    """Import a table of claims through the mapping file ``mapping`` into ``output``.

    Raises as :func:`import_esd` does; a bad mapping is a BadImport naming its key.
    """
    store = Store(Path(output), tuple(data), tuple(add), allow_network, wait)

    def read(index: ActorIndex) -> Batch:
        spec = load_mapping(Path(mapping), index.vocabulary)
        return read_with_mapping(Path(path), spec, index)

    return _run(store, read)
