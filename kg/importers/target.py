"""Where an import writes: an Oxigraph store folder, or a file through a store of its own.

An import always works in an Oxigraph database that no reader sees until it is complete:

- **into a store folder** (``--store DIR``): a new database of the folder, made of hard
  links to the current one in milliseconds, which :meth:`StoreTarget.commit` makes the
  store's with its manifest (see :mod:`kg.stores.oxigraph`); readers go on reading the
  current one meanwhile, and an import that fails or is killed leaves it as it was;
- **into a file** (``-o FILE.ttl``): a store in a temporary folder beside the file holding
  the ontology and the data the file sits on (the bundled data, or ``--data``, with
  ``--add``) in the data graph, and the file's own triples in a graph of their own; at the
  end that graph replaces the file in one step (:func:`kg.export.write_atomically`).

Rows come in chunks (:data:`kg.importers.model.CHUNK`): each chunk's claims replace the
same rows' claims of an earlier import and are written at once, so that memory holds one
chunk, not the table. Validation runs at the end on the store, with the shapes compiled to
SPARQL (``kg.validation.validate_kg``), over everything the store's data holds: the same
results as validating the whole, at the cost of a query per shape.
"""

from __future__ import annotations

import glob
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from rdflib import RDF, RDFS, URIRef

from kg import resources
from kg.errors import OutputError, StoreError
from kg.export import output_target, refuse_bundled, write_atomically, writer_lock
from kg.graph import DATA_GRAPH, ONTOLOGY_GRAPH, KnowledgeGraph, rdf_format
from kg.importers.model import Batch
from kg.locks import LOCK_WAIT
from kg.stores.oxigraph import MANIFEST, OxigraphStore
from kg.validation import ValidationReport, validate_kg
from kg.vocab import CKG

#: The graph of a temporary store that holds the file an import writes (``-o``).
FILE_GRAPH = URIRef("urn:conflict-kg:graph:import")
#: Store file extension -> format name (kg.reading's and Oxigraph's).
FILE_FORMATS = {".ttl": "turtle", ".nt": "nt"}
#: What an import writes about an actor it mints; removed when the alias table has since
#: merged that actor into another.
MINTED_PREDICATES = (RDF.type, RDFS.label, RDFS.comment, CKG.ucdpActorId)


@dataclass
class Session:
    """An import under way in a writable store: the graph the import resolves names
    against, the graph it writes, and what it changed so far."""

    store: OxigraphStore
    kg: KnowledgeGraph
    graph: URIRef
    data_graphs: tuple[URIRef, ...]
    added: int = 0
    removed: int = 0
    written_subjects: set[URIRef] = field(default_factory=set)

    def write(self, batch: Batch) -> None:
        """Write the claims and records ``batch`` holds, replacing the same rows' claims."""
        quads = batch.quads(self.graph, rest=False)
        added, removed = self.store.replace_subjects(batch.replaced_subjects(), quads)
        self.added += added
        self.removed += removed

    def write_rest(self, batch: Batch, same_as: dict[URIRef, URIRef]) -> None:
        """Write what ``batch`` still holds, its actors and sources, and drop what earlier
        imports wrote about actors the alias table has since merged into others."""
        self.write(batch)
        added, removed = self.store.replace_subjects((), batch.quads(self.graph, records=False))
        self.added += added
        self.removed += removed
        for alias in same_as:
            if not self.store.has_type(self.graph, alias):
                continue  # not minted by an import: the alias table's own statements
            # In a file, every statement of a minted actor is the import's; in a store,
            # the alias table states the same name and id in the same graph: the type
            # alone makes the IRI an actor, and goes.
            predicates = MINTED_PREDICATES if self.graph == FILE_GRAPH else (RDF.type,)
            self.removed += self.store.remove_values(self.graph, alias, predicates)

    def count(self) -> int:
        """The triples of the graph the import writes."""
        return self.store.count(self.graph)

    def validate(self) -> ValidationReport:
        """The shapes, compiled to SPARQL, over the ontology and the data."""
        return validate_kg(self.kg, engine="auto", data_graphs=self.data_graphs)


class StoreTarget:
    """An import into the Oxigraph store in ``folder`` (made by ``kg load``)."""

    def __init__(self, folder: Path, *, wait: float = LOCK_WAIT) -> None:
        self.folder = folder
        self.wait = wait

    def __str__(self) -> str:
        return str(self.folder)

    @property
    def exists(self) -> bool:
        """Whether the store holds anything yet (an import that adds nothing to it is not
        written)."""
        return True

    @contextmanager
    def session(self, *, allow_network: bool = False) -> Iterator[Session]:
        """A writable copy of the store's database; closed without :meth:`commit`, it is
        removed and the store stays as it was."""
        if not (self.folder / MANIFEST).exists():
            raise StoreError(
                f"{self.folder}: no such store; make it with `kg load --store {self.folder}` "
                "(the bundled data) or `kg load FILES --store ...` first"
            )
        store = OxigraphStore(self.folder, read_only=False, wait=self.wait)
        store.allow_network = allow_network
        try:
            kg = KnowledgeGraph(store, allow_network=allow_network)
            # The ontology of this version of kg, as `kg load` puts it (the vocabulary the
            # import resolves names with comes from it).
            store.clear(ONTOLOGY_GRAPH)
            kg.load(resources.ontology_files(), graph=ONTOLOGY_GRAPH)
            yield Session(store, kg, DATA_GRAPH, (DATA_GRAPH,))
        finally:
            store.close()

    def commit(self, session: Session, *, source: Path) -> None:
        """Derive the direct relations and names again and make the new database the
        store's, in one step."""
        session.kg.derive()
        session.store.optimize()
        session.store.commit(files=[str(source)], added=session.added, imported=True)


class FileTarget:
    """An import into the Turtle or N-Triples file ``path``, on top of ``data`` (default:
    the bundled data) and ``add``."""

    def __init__(
        self,
        path: Path,
        *,
        data: Sequence[Path] = (),
        add: Sequence[Path] = (),
        wait: float = LOCK_WAIT,
    ) -> None:
        self.path = path
        self.data = tuple(data)
        self.add = tuple(add)
        self.wait = wait

    def __str__(self) -> str:
        return str(self.path)

    @property
    def format(self) -> str:
        """The file's format name (turtle or nt)."""
        return FILE_FORMATS[self.path.suffix.lower()]

    @property
    def exists(self) -> bool:
        """Whether the file exists (an import that adds nothing to it leaves it alone)."""
        return self.path.exists()

    def check(self) -> None:
        """Refuse a file that is not .ttl or .nt, or that lies in the bundled folders."""
        if self.path.suffix.lower() not in FILE_FORMATS:
            raise OutputError(
                f"{self.path}: a store is a Turtle or N-Triples file ({', '.join(FILE_FORMATS)}), "
                f"not {self.path.suffix or 'a file without extension'}"
            )
        refuse_bundled(self.path, who="an import")

    @contextmanager
    def session(self, *, allow_network: bool = False) -> Iterator[Session]:
        """A temporary store with the ontology, the base data and the file, locked against
        other writers of the file until the session ends."""
        self.check()
        target = output_target(self.path)
        with writer_lock(target, self.wait):
            prefix = f".{target.name}.import."
            # What a killed import of this file left: no other writer of it runs now.
            for left in target.parent.glob(f"{glob.escape(prefix)}*"):
                if left.is_dir() and not left.is_symlink():
                    shutil.rmtree(left, ignore_errors=True)
            folder = Path(tempfile.mkdtemp(prefix=prefix, dir=target.parent))
            try:
                store = OxigraphStore(folder / "store", read_only=False)
                store.allow_network = allow_network
                try:
                    kg = KnowledgeGraph(store, allow_network=allow_network)
                    self._fill(kg, store, target, allow_network)
                    yield Session(store, kg, FILE_GRAPH, (DATA_GRAPH, FILE_GRAPH))
                finally:
                    store.close()
            finally:
                shutil.rmtree(folder, ignore_errors=True)

    def _fill(
        self, kg: KnowledgeGraph, store: OxigraphStore, target: Path, allow_network: bool
    ) -> None:
        mine = _resolved(target)
        files = [
            p for p in [*(self.data or resources.data_files()), *self.add] if _resolved(p) != mine
        ]
        existing = [target] if target.exists() else []
        # Every file is read once before anything is written: a bad one is named first.
        store.check_files([*files, *existing], allow_network=allow_network)
        kg.load(resources.ontology_files(), graph=ONTOLOGY_GRAPH)
        store.load_files(DATA_GRAPH, files, allow_network=allow_network)
        store.drop_overlap(DATA_GRAPH, ONTOLOGY_GRAPH)
        store.load_files(FILE_GRAPH, existing, allow_network=allow_network)
        kg.derive()  # the names index the actors are found by

    def commit(self, session: Session, *, source: Path) -> None:
        """Write the file's graph to the file, replacing it in one step (parsed back
        before it is put in place)."""
        fmt = self.format

        def dump(out: BinaryIO) -> None:
            session.store.dump([FILE_GRAPH], fmt, out)

        write_atomically(self.path, dump, rdf_format=fmt, locked=True)


def _resolved(path: Path) -> Path:
    """``path`` made absolute with its links followed; as it is where a loop of links or
    an unreadable folder stops that (the file is then refused where it is opened)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()


__all__ = ["FILE_GRAPH", "FileTarget", "Session", "StoreTarget", "rdf_format"]
