"""Where an import writes: an Oxigraph store folder, or a file through a store of its own.

An import always works in an Oxigraph database that no reader sees until it is complete:

- **into a store folder** (``--store DIR``): a new database of the folder, made of hard
  links to the current one in milliseconds, which :meth:`StoreTarget.commit` makes the
  store's with its manifest (see :mod:`kg.stores.oxigraph`); readers go on reading the
  current one meanwhile, and an import that fails or is killed leaves it as it was;
- **into a file** (``-o FILE.ttl``): a store in a temporary folder beside the file holding
  the ontology and the data the file sits on (the bundled data, or ``--data``, with
  ``--add``) in the data graph, and the file's own triples in a graph of their own; at the
  end that graph replaces the file in one step (:func:`kg.export.write_atomically`);
- **into a SPARQL server** (``--endpoint URL``): a copy of the data graph in a staging
  graph of its own (``COPY``), which readers do not see (a query names kg's graphs only),
  written and validated there, its derived graphs built beside it, and the three moved
  over the live ones at the end (``MOVE``); see :class:`EndpointTarget` for the lock that
  keeps two writers apart.

Rows come in chunks (:data:`kg.importers.model.CHUNK`): each chunk's claims replace the
same rows' claims of an earlier import and are written at once, so that memory holds one
chunk, not the table. Validation runs at the end on the store, with the shapes compiled to
SPARQL (``kg.validation.validate_kg``), over everything the store's data holds: the same
results as validating the whole, at the cost of a query per shape.
"""

from __future__ import annotations

import functools
import glob
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Protocol, cast

from rdflib import RDF, RDFS, URIRef
from rdflib.term import Node

from kg import resources
from kg.errors import OutputError, StoreError
from kg.export import output_target, refuse_bundled, write_atomically, writer_lock
from kg.graph import DATA_GRAPH, ONTOLOGY_GRAPH, KnowledgeGraph, StoreSpec, rdf_format
from kg.importers.model import Batch
from kg.locks import LOCK_WAIT
from kg.named_graphs import DERIVED_GRAPH, NAMES_GRAPH
from kg.stores import values
from kg.stores.endpoint import EndpointStore
from kg.stores.endpoint_lock import LOCK_GRAPH, server_lock, will_make
from kg.stores.oxigraph import MANIFEST, OxigraphStore
from kg.terms import to_rdflib
from kg.validation import ValidationReport
from kg.validation_scope import SCOPE_LIMIT, Touched, validate_change
from kg.vocab import CKG
from kg.vocabulary import Vocabulary

#: Past this many triples written or removed, the store's database is compacted after an
#: import (at 1M triples, 3.8 s: not worth it for a few rows).
OPTIMIZE_AFTER = 10_000

#: The graph of a temporary store that holds the file an import writes (``-o``).
FILE_GRAPH = URIRef("urn:conflict-kg:graph:import")
#: Store file extension -> format name (kg.reading's and Oxigraph's).
FILE_FORMATS = {".ttl": "turtle", ".nt": "nt"}
#: What an import writes about an actor it mints; removed when the alias table has since
#: merged that actor into another.
MINTED_PREDICATES = (RDF.type, RDFS.label, RDFS.comment, CKG.ucdpActorId)


class ImportStore(Protocol):
    """What a session writes with: an Oxigraph store or a SPARQL server."""

    def replace_subjects(
        self,
        subjects: Iterable[Node],
        quads: Sequence[Any],
        *,
        gone_objects: set[Node] | None = None,
    ) -> tuple[int, int]: ...

    def has_type(self, graph: URIRef, subject: Node) -> bool: ...

    def remove_values(self, graph: URIRef, subject: Node, predicates: Iterable[Node]) -> int: ...

    def count(self, graph: URIRef) -> int: ...

    def triples_with(
        self, graphs: Sequence[URIRef], nodes: Iterable[Node], *, as_object: bool = False
    ) -> Iterator[tuple[Node, Node, Node]]: ...


@dataclass
class Session:
    """An import under way in a writable store: the graph the import resolves names
    against, the graph it writes, and what it changed so far."""

    store: ImportStore
    kg: KnowledgeGraph
    graph: URIRef
    data_graphs: tuple[URIRef, ...]
    added: int = 0
    removed: int = 0
    #: The subjects the import wrote or replaced, for validating what it touches.
    touched: Touched = field(default_factory=Touched)
    seen: int = 0  # subjects written so far
    #: What the replaced subjects pointed at before the import: the actors an earlier
    #: import of the same rows named, which may name nothing any more (:meth:`remove_orphans`).
    former: set[Node] = field(default_factory=set)
    #: The actors removed because nothing names them any more.
    orphaned: list[URIRef] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not isinstance(self.store, OxigraphStore):
            # A server derives the whole (EndpointTarget): the actors are not needed, and
            # reading them would cost a query per chunk.
            self.touched.objects = None

    @functools.cached_property
    def roles(self) -> frozenset[URIRef]:
        """The properties whose values a direct relation is derived between."""
        kinds = Vocabulary.of(self.kg).kinds
        return frozenset(role for k in kinds for role in (k.from_role, k.to_role))

    def write(self, batch: Batch) -> None:
        """Write the claims and records ``batch`` holds, replacing the same rows' claims."""
        self._write(batch.replaced_subjects(), batch.quads(self.graph, rest=False))

    def write_nodes(self, subjects: Iterable[Node], quads: Sequence[Any]) -> None:
        """Write ``quads`` (in :attr:`graph`), replacing every triple of ``subjects``: the
        claims and rejections of ``kg review``, which are not rows of a table."""
        self._write(subjects, quads)

    def _write(self, subjects: Iterable[Node], quads: Sequence[Any]) -> None:
        subjects = list(subjects)
        before: list[Node] = []
        roles = self.roles
        if self.touched.objects is not None:
            # Who the subjects' roles named before: the actors of a replaced claim, whose
            # derived relations may go (read only while the import stays small: a large
            # one, or the same large file again, is derived whole if it changed anything).
            concerned = {*subjects, *(cast(Node, to_rdflib(q.subject)) for q in quads)}
            self.seen += len(concerned)
            if self.seen > SCOPE_LIMIT:
                self.touched.objects = None
            else:
                triples = self.store.triples_with([self.graph], concerned)
                before = [o for _s, p, o in triples if p in roles]
        added, removed = self.store.replace_subjects(subjects, quads, gone_objects=self.former)
        if added or removed:
            self.touched.add(subjects)
            self.touched.add(cast(Node, to_rdflib(quad.subject)) for quad in quads)
            self.touched.add_objects(before)
            self.touched.add_objects(
                cast(Node, to_rdflib(q.object)) for q in quads if q.predicate.value in roles
            )
        self.added += added
        self.removed += removed

    def write_rest(self, batch: Batch, same_as: dict[URIRef, URIRef]) -> None:
        """Write what ``batch`` still holds, its actors and sources, and drop what earlier
        imports wrote about actors the alias table has since merged into others."""
        self.write(batch)
        self._write((), batch.quads(self.graph, records=False))
        for alias in same_as:
            if not self.store.has_type(self.graph, alias):
                continue  # not minted by an import: the alias table's own statements
            # In a file, every statement of a minted actor is the import's; in a store,
            # the alias table states the same name and id in the same graph: the type
            # alone makes the IRI an actor, and goes.
            predicates = MINTED_PREDICATES if self.graph == FILE_GRAPH else (RDF.type,)
            self.removed += self.store.remove_values(self.graph, alias, predicates)
            self.touched.add((alias,))
        self.remove_orphans(batch)

    def remove_orphans(self, batch: Batch) -> None:
        """Remove the actors that an earlier import of the same rows minted and that
        nothing names any more (a mapping corrected since: its wrong default's actor):
        each of :attr:`former` that the graph gives nothing but what an import writes of
        an actor (class, name, comment, UCDP id) and that no triple of the data points at.
        An actor another source's claim still names stays, as does one the data describes
        further (an alias, another name)."""
        actor_classes = set(Vocabulary.of(self.kg).actor_classes.values())
        minted = set(MINTED_PREDICATES)
        for node in sorted(n for n in self.former - set(batch.actors) if isinstance(n, URIRef)):
            if not self.store.has_type(self.graph, node):
                continue
            own = list(self.store.triples_with([self.graph], [node]))
            if any(p not in minted for _s, p, _o in own):
                continue
            if not any(p == RDF.type and o in actor_classes for _s, p, o in own):
                continue
            if next(iter(self.store.triples_with(self.data_graphs, [node], as_object=True)), None):
                continue
            self.removed += self.store.remove_values(self.graph, node, MINTED_PREDICATES)
            self.orphaned.append(node)
            self.touched.add((node,))
            self.touched.add_objects((node,))

    def count(self) -> int:
        """The triples of the graph the import writes."""
        return self.store.count(self.graph)

    def validate(self) -> ValidationReport:
        """The shapes, compiled to SPARQL, over what the import touched and what is around
        it, or over the whole data where that is not bounded (kg.validation_scope)."""
        return validate_change(
            self.kg, self.touched, data_graphs=self.data_graphs, violations_only=True
        )


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
            ontology = set(store.triples(ONTOLOGY_GRAPH))
            store.clear(ONTOLOGY_GRAPH)
            kg.load(resources.ontology_files(), graph=ONTOLOGY_GRAPH)
            session = Session(store, kg, DATA_GRAPH, (DATA_GRAPH,))
            if set(store.triples(ONTOLOGY_GRAPH)) != ontology:
                # Another version of kg made the store: its vocabulary changed, and with
                # it what validation finds and what is derived anywhere in the store.
                session.touched = Touched(nodes=None, objects=None)
            yield session
        finally:
            store.close()

    def commit(self, session: Session, *, source: Path) -> None:
        """Derive the direct relations and names again (around what the import touched,
        or everything) and make the new database the store's, in one step."""
        store = session.store
        assert isinstance(store, OxigraphStore)
        touched = session.touched
        if not (
            touched.nodes is not None
            and touched.objects is not None
            and session.kg.derive_around(touched.nodes, touched.objects)
        ):
            session.kg.derive()
        if session.added + session.removed > OPTIMIZE_AFTER:
            store.optimize()
        store.commit(files=[str(source)], added=session.added, imported=True)


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

        store = session.store
        assert isinstance(store, OxigraphStore)

        def dump(out: BinaryIO) -> None:
            store.dump([FILE_GRAPH], fmt, out)

        write_atomically(self.path, dump, rdf_format=fmt, locked=True)


#: The prefix of a staging graph: an import's copy of the data graph until it is moved back
#: (then the import's lock token, then a suffix: EndpointTarget.staged).
STAGING_PREFIX = "urn:conflict-kg:graph:import-"


class EndpointTarget:
    """An import into the data graph of a SPARQL server (``kg load --endpoint`` filled it).

    The session copies the data graph into a staging graph (``COPY``), and the import
    writes and validates there. :meth:`commit` derives the direct relations and names of
    the staging graph into two more staging graphs, then moves the three over the data,
    derived and names graphs (``MOVE``, one request): readers query kg's own graphs, so
    they see the old state until the moves, and the new data with its own derived graphs
    after them. A failure before the moves drops the staging graphs and leaves the server
    as it was; a failure of the moves puts back the copies of the three graphs taken just
    before them.

    Two writers of one server (``kg import``, ``kg load --endpoint``) take turns through
    the lock of :mod:`kg.stores.endpoint_lock`: the second waits ``wait`` seconds, saying
    who holds the lock (command, pid, host, since when), then raises WriterBusy (exit 11).
    An import that is killed (kill -9) leaves its lock and its staging graphs behind; the
    next writer on the same host finds that process gone and removes both. From another
    host, remove them with the SPARQL Update ``DROP GRAPH <urn:conflict-kg:graph:lock>``
    (and ``DROP GRAPH <urn:conflict-kg:graph:import-TOKEN...>``) once no import runs.
    """

    #: What the staging graphs of an import hold, by the suffix of their IRI: the new
    #: data graph has none, the derived graphs are built beside it, and the live graphs
    #: are copied aside before the moves (put back if the moves fail).
    DERIVED_SUFFIX = "-derived"
    NAMES_SUFFIX = "-names"
    ASIDE_SUFFIX = "-old"

    def __init__(self, spec: StoreSpec, *, wait: float = LOCK_WAIT) -> None:
        self.spec = spec
        self.wait = wait

    def __str__(self) -> str:
        return self.spec.where()

    @property
    def exists(self) -> bool:
        """A server always holds a data graph (an import that adds nothing is not written)."""
        return True

    @classmethod
    def staged(cls, staging: URIRef) -> dict[URIRef, URIRef]:
        """kg's graph -> the staging graph that replaces it at the end of an import."""
        return {
            DATA_GRAPH: staging,
            DERIVED_GRAPH: URIRef(staging + cls.DERIVED_SUFFIX),
            NAMES_GRAPH: URIRef(staging + cls.NAMES_SUFFIX),
        }

    @classmethod
    def _staging_graphs(cls, staging: URIRef) -> list[URIRef]:
        new = list(cls.staged(staging).values())
        return [*new, *(URIRef(g + cls.ASIDE_SUFFIX) for g in new)]

    @contextmanager
    def session(self, *, allow_network: bool = False) -> Iterator[Session]:
        """The data graph copied into a staging graph, under the server's import lock;
        the staging graphs are dropped and the lock taken away however the session ends."""
        store = self.spec.connect(writable=True, allow_network=allow_network)
        if not isinstance(store, EndpointStore):
            raise StoreError(f"{self}: not a SPARQL server")
        with server_lock(store, self.wait, command="kg import", where=str(self)) as token:
            staging = URIRef(STAGING_PREFIX + token)
            will_make(store, token, self._staging_graphs(staging))
            try:
                data, copy = values.iri(str(DATA_GRAPH)), values.iri(str(staging))
                store.update(f"COPY {data} TO {copy}")
                kg = KnowledgeGraph(store, allow_network=allow_network)
                yield Session(store, kg, staging, (staging,))
            finally:
                self._drop(store, staging)

    def _drop(self, store: EndpointStore, staging: URIRef) -> None:
        store.update(
            " ;\n".join(
                f"DROP SILENT GRAPH {values.iri(str(g))}" for g in self._staging_graphs(staging)
            )
        )

    def commit(self, session: Session, *, source: Path) -> None:
        """Derive the direct relations and names of the staging graph into staging graphs
        of their own (as ``KnowledgeGraph.derive`` does for the live graphs), then move the
        three over the data, derived and names graphs.

        Deriving before the moves means a derivation that fails (Virtuoso stopped one at
        its time limit over the whole ESD file) leaves the server as it was, and readers
        never see the new claims with the old derived relations for longer than the moves
        take. The live graphs are copied aside just before the moves: Virtuoso does not
        run the operations of one request as one transaction, so the copies are what puts
        the old state back if the moves fail half way."""
        store = session.store
        assert isinstance(store, EndpointStore)
        staged = self.staged(session.graph)
        view = store.with_graphs(staged)
        KnowledgeGraph(view, allow_network=session.kg.allow_network).derive()
        held = {live: store.count(live) for live in staged}
        aside = {live: URIRef(staged[live] + self.ASIDE_SUFFIX) for live in staged}
        iri = values.iri

        def replace(sources: dict[URIRef, URIRef], filled: dict[URIRef, int]) -> str:
            # A MOVE from a graph that does not exist is an error in SPARQL 1.1 (Virtuoso
            # clears the target instead): an empty source is a CLEAR of the target.
            return " ;\n".join(
                f"MOVE {iri(str(sources[live]))} TO {iri(str(live))}"
                if filled[live]
                else f"CLEAR SILENT GRAPH {iri(str(live))}"
                for live in sources
            )

        copies = [
            f"COPY {iri(str(live))} TO {iri(str(aside[live]))}" for live in staged if held[live]
        ]
        if copies:
            store.update(" ;\n".join(copies))
        new = {live: store.count(staged[live]) for live in staged}
        try:
            store.update(replace(staged, new))
        except BaseException:
            store.update(replace(aside, held))
            raise


def _resolved(path: Path) -> Path:
    """``path`` made absolute with its links followed; as it is where a loop of links or
    an unreadable folder stops that (the file is then refused where it is opened)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()


__all__ = [
    "FILE_GRAPH",
    "LOCK_GRAPH",
    "EndpointTarget",
    "FileTarget",
    "ImportStore",
    "Session",
    "StoreTarget",
    "rdf_format",
]
