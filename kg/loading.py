"""``kg load``: fill a persistent store (an Oxigraph folder or a SPARQL server) with files.

The bundled ontology is put into the store's ontology graph (replacing what an older version
of kg put there), the files into its data graph, and the direct relations are derived again.
Every file is checked (syntax, owl:imports, JSON-LD contexts) before anything is written,
so a file at fault leaves the store as it was.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kg import resources
from kg.errors import DataLoadError
from kg.graph import (
    DATA_GRAPH,
    ONTOLOGY_GRAPH,
    KnowledgeGraph,
    StoreSpec,
    parse_file,
    rdf_format,
)
from kg.stores.oxigraph import OxigraphStore

BULK_FORMATS = ("turtle", "nt", "nquads", "trig")


@dataclass(frozen=True)
class LoadSummary:
    """What a load did, for the command's last line and for benchmarks."""

    files: int
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
            raise DataLoadError(f"{path}: no such file")
        if path.is_dir():
            raise DataLoadError(f"{path}: is a folder, not a file")
        if not path.is_file():
            raise DataLoadError(f"{path}: not a regular file (a device, pipe or socket)")


def load_store(
    spec: StoreSpec,
    paths: Sequence[Path],
    *,
    replace: bool = False,
    allow_network: bool = False,
    progress: Callable[[int], None] | None = None,
) -> LoadSummary:
    """Load ``paths`` (default: the bundled data set) into the store ``spec`` names."""
    started = time.perf_counter()
    files = list(paths) or resources.data_files()
    _check_paths(files)
    bulk = [p for p in files if rdf_format(p) in BULK_FORMATS]
    others = [p for p in files if p not in bulk]
    # Files rdflib reads (JSON-LD) are parsed whole, and checked, before anything is written.
    parsed = [parse_file(p, allow_network=allow_network) for p in others]
    store = spec.connect(writable=True, allow_network=allow_network)
    try:
        kg = KnowledgeGraph(store, allow_network=allow_network)
        folder = store if isinstance(store, OxigraphStore) else None
        store.check_files(bulk, allow_network=allow_network, progress=progress)
        if folder is not None:  # from here on, a cut-short load is seen by the next reader
            folder.mark("loading")
        store.clear(ONTOLOGY_GRAPH)
        kg.load(resources.ontology_files(), graph=ONTOLOGY_GRAPH)
        if replace:
            store.clear(DATA_GRAPH)
        before = store.count(DATA_GRAPH)
        store.load_files(DATA_GRAPH, bulk, allow_network=allow_network, progress=progress)
        for graph in parsed:
            store.add(DATA_GRAPH, graph.triples((None, None, None)))
        store.drop_overlap(DATA_GRAPH, ONTOLOGY_GRAPH)
        data = store.count(DATA_GRAPH)
        derived = kg.derive()
        if folder is not None:
            folder.optimize()
        summary = LoadSummary(
            files=len(files),
            added=data - before,
            data=data,
            derived=derived,
            ontology=store.count(ONTOLOGY_GRAPH),
            seconds=time.perf_counter() - started,
        )
        if folder is not None:
            folder.mark(
                "ready",
                files=[str(p) for p in files],
                added=summary.added,
                replace=replace,
            )
        return summary
    finally:
        store.close()
