"""Where imported data lives: the store the user names, changed all or nothing.

An import reads the store (a Turtle or N-Triples file; it may not exist yet), merges what it
read into it, and validates the result together with the bundled data (or the ``--data``
files) against the shapes before anything is kept: the candidate is written to a temporary
file beside the store, validated, and only then does :func:`kg.export.write_atomically`
replace the store. A violation, a bad row or a failed write leaves the store exactly as it
was. The bundled data is never a store: an import refuses to write into its folders.

Claims and records have IRIs made from their source and row, and an import rewrites the
nodes of the rows it reads: importing the same file again adds nothing, and importing it
after an alias was corrected moves its claims to the right actor.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.term import Node

from kg import output
from kg.errors import InvalidData, OutputError
from kg.export import output_target, refuse_bundled, write_atomically, writer_lock
from kg.graph import DATA_GRAPH, KnowledgeGraph, parse_file
from kg.importers.model import Batch
from kg.locks import LOCK_WAIT
from kg.queries import PREFIXES, compact
from kg.results import document
from kg.validation import ValidationReport, validate
from kg.vocab import CKG

# store extension -> rdflib format
STORE_FORMATS = {".ttl": "turtle", ".nt": "nt"}
# How many violations the refusal message names.
SHOWN_VIOLATIONS = 5


@dataclass(frozen=True)
class Store:
    """The file an import writes to, and the graph it sits on (the bundled data unless
    ``data`` is given, with ``add`` on top); ``wait``: how long an import waits for another
    writer of the file."""

    path: Path
    data: tuple[Path, ...] = ()
    add: tuple[Path, ...] = ()
    allow_network: bool = False
    wait: float = LOCK_WAIT

    @property
    def rdf_format(self) -> str:
        """rdflib's name for the store's format."""
        return STORE_FORMATS[self.path.suffix.lower()]

    def check(self) -> None:
        """Refuse a store that is not .ttl or .nt, or that lies in the bundled folders."""
        if self.path.suffix.lower() not in STORE_FORMATS:
            known = ", ".join(STORE_FORMATS)
            raise OutputError(
                f"{self.path}: a store is a Turtle or N-Triples file ({known}), "
                f"not {self.path.suffix or 'a file without extension'}"
            )
        refuse_bundled(self.path, who="an import")

    def locked(self) -> AbstractContextManager[None]:
        """Hold the store's writer lock from reading it to replacing it (an import that
        read it before another replaced it would write the other's claims away); a second
        import waits, saying so, and gives up after ``wait`` seconds (exit 11)."""
        self.check()
        return writer_lock(output_target(self.path), self.wait)

    def _others(self, paths: Sequence[Path]) -> list[Path]:
        """``paths`` without the store itself (it is read once, as the store)."""
        mine = _resolved(self.path)
        return [p for p in paths if _resolved(p) != mine]

    def open(self) -> tuple[KnowledgeGraph, Graph]:
        """The graph to resolve names against (base data, ontology and store, without
        derived relations), and the store's own triples (empty if it does not exist)."""
        self.check()
        existing = Graph()
        if self.path.exists():
            existing = parse_file(self.path, allow_network=self.allow_network)
        kg = KnowledgeGraph.open(
            self._others(self.data) or None,
            add=self._others(self.add),
            derive=False,
            allow_network=self.allow_network,
        )
        data = kg.graph(DATA_GRAPH)
        data += existing
        return kg, existing

    def validate(self, candidate: Path) -> ValidationReport:
        """Validate the base data with ``candidate`` (the store as it would be) on top."""
        return validate(
            self._others(self.data) or None,
            add=[*self._others(self.add), candidate],
            allow_network=self.allow_network,
        )


#: How many new actors and name clashes the table summary of an import lists.
SHOWN_ACTORS = 10


@dataclass
class ImportResult:
    """What an import did, in numbers, with the actors it added and the names to check."""

    input: str
    output: str
    rows: int
    claims: int
    no_known_support: int
    skipped: int
    triples_added: int
    triples_removed: int
    triples_in_store: int
    written: bool
    new_actors: list[tuple[str, str]] = field(default_factory=list)
    clashes: list[tuple[str, str, str]] = field(default_factory=list)

    def counts(self) -> list[dict[str, Any]]:
        """The numbers as rows of (what, count), for a table."""
        return [
            {"what": "rows read", "count": self.rows},
            {"what": "claims", "count": self.claims},
            {"what": "no known support", "count": self.no_known_support},
            {"what": "rows skipped", "count": self.skipped},
            {"what": "new actors", "count": len(self.new_actors)},
            {"what": "triples added", "count": self.triples_added},
            {"what": "triples removed", "count": self.triples_removed},
            {"what": "triples in store", "count": self.triples_in_store},
        ]

    def render(self, fmt: str) -> str:
        """The summary ``kg import`` prints: JSON every field; a table the counts, the
        first new actors and the first names a new actor shares with an old one."""
        if fmt == "json":
            return document(self.as_dict())
        done = "imported" if self.written else "nothing new from"
        text = f"{done} {self.input} into {self.output}\n"
        text += output.render(self.counts(), ["what", "count"], "table")
        lines = []
        if self.new_actors:
            shown = ", ".join(
                f"{label} ({compact(iri)})" for iri, label in self.new_actors[:SHOWN_ACTORS]
            )
            more = len(self.new_actors) - SHOWN_ACTORS
            lines.append(f"new actors: {shown}" + (f", and {more} more" if more > 0 else ""))
        for new, name, old in self.clashes[:SHOWN_ACTORS]:
            lines.append(
                f"check: the new actor {compact(new)} has the name {name!r} of "
                f"{compact(old)}; if they are one actor, add an alias (data/aliases.ttl)"
            )
        if len(self.clashes) > SHOWN_ACTORS:
            lines.append(
                f"check: {len(self.clashes) - SHOWN_ACTORS} more name clashes (--format json)"
            )
        return text + "".join(f"{line}\n" for line in lines)

    def as_dict(self) -> dict[str, Any]:
        """Every field, as JSON would show it."""
        return {
            "input": self.input,
            "output": self.output,
            "rows": self.rows,
            "claims": self.claims,
            "no_known_support": self.no_known_support,
            "skipped": self.skipped,
            "triples_added": self.triples_added,
            "triples_removed": self.triples_removed,
            "triples_in_store": self.triples_in_store,
            "written": self.written,
            "new_actors": [{"actor": iri, "label": label} for iri, label in self.new_actors],
            "name_clashes": [
                {"new_actor": new, "name": name, "existing_actor": old}
                for new, name, old in self.clashes
            ],
        }


# What an import writes about an actor it mints; removed from the store when the alias table
# has since merged that actor into another.
_MINTED_PREDICATES = (RDF.type, RDFS.label, RDFS.comment, CKG.ucdpActorId)


def write_batch(
    batch: Batch,
    store: Store,
    existing: Graph,
    *,
    known_actors: set[URIRef],
    same_as: dict[URIRef, URIRef],
) -> ImportResult:
    """Merge ``batch`` into the store, validate, and write; all or nothing. Call it inside
    ``store.locked()``, held since ``existing`` was read.

    ``existing`` is the store's content (it is changed in place), ``known_actors`` the actors
    the base data and store had before, ``same_as`` the merges of the alias table. Raises
    InvalidData (nothing written) when the result would not conform, OutputError when the
    store cannot be written.
    """
    new = batch.graph()
    added = sum(1 for triple in new if triple not in existing)
    dropped: list[tuple[Node, Node, Node]] = []
    for subject in batch.replaced_subjects():
        dropped.extend(existing.triples((subject, None, None)))
    for alias in same_as:  # actors minted before the alias table merged them
        if (alias, RDF.type, None) in existing:
            for predicate in _MINTED_PREDICATES:
                dropped.extend(existing.triples((alias, predicate, None)))
    removed = sum(1 for triple in set(dropped) if triple not in new)
    result = ImportResult(
        input=str(batch.path),
        output=str(store.path),
        rows=batch.rows,
        claims=len(batch.claims),
        no_known_support=len(batch.no_support),
        skipped=batch.skipped,
        triples_added=added,
        triples_removed=removed,
        triples_in_store=0,
        written=False,
        new_actors=sorted(
            (str(a.iri), a.label) for a in batch.actors.values() if a.iri not in known_actors
        ),
        clashes=batch.clashes,
    )
    if added == 0 and removed == 0 and store.path.exists():
        result.triples_in_store = len(existing)
        return result  # nothing new: the store stays as it is
    for triple in dropped:
        existing.remove(triple)
    existing += new
    for prefix, namespace in PREFIXES.items():
        existing.bind(prefix, namespace, replace=True)
    result.triples_in_store = len(existing)
    _validate(batch, store, existing)
    content = existing.serialize(format=store.rdf_format, encoding="utf-8")
    # The caller holds store.locked() since it read the store.
    write_atomically(store.path, content, rdf_format=store.rdf_format, locked=True)
    result.written = True
    return result


def _resolved(path: Path) -> Path:
    """``path`` made absolute with its links followed; as it is where a loop of links or
    an unreadable folder stops that (the file is then refused where it is opened)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()


def _validate(batch: Batch, store: Store, candidate: Graph) -> None:
    folder = store.path.parent if str(store.path.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"{store.path}: the folder {folder} does not exist")
    try:
        descriptor, name = tempfile.mkstemp(
            dir=folder, prefix=f".{store.path.name}.candidate.", suffix=".nt"
        )
    except OSError as error:
        raise OutputError(f"{store.path}: cannot write in {folder} ({error.strerror})") from None
    path = Path(name)
    try:
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(candidate.serialize(format="nt", encoding="utf-8"))
        except OSError as error:
            raise OutputError(
                f"{store.path}: the candidate could not be written in {folder} "
                f"({error.strerror or error}); nothing was written"
            ) from None
        report = store.validate(path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
    if report.conforms:
        return
    origins = batch.origins()
    found = []
    for result in report.results:
        if result.severity != "Violation":
            continue
        origin = origins.get(result.focus_node)
        path_text = compact(result.path) if result.path else None
        if origin is not None:
            place = origin.place(batch.path, result.path)
            found.append(f"{place}: {compact(result.focus_node)} {result.message.rstrip('.')}")
        else:
            where = compact(result.focus_node) + (f" {path_text}" if path_text else "")
            found.append(f"{where}: {result.message.rstrip('.')}")
    shown = "; ".join(found[:SHOWN_VIOLATIONS])
    more = len(found) - SHOWN_VIOLATIONS
    tail = f"; and {more} more" if more > 0 else ""
    raise InvalidData(
        f"{batch.path}: refused, the store {store.path} would not conform "
        f"({report.violations} violation(s)); nothing was written: {shown}{tail}",
        report,
    )
