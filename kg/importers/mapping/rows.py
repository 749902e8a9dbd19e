"""Reading a table through a mapping: the rows kept, each read into a claim, all or nothing.

This is the mapping's source level (followthemoney's ``Source``): it opens the table, checks
that it has every column the mapping reads, skips the rows ``[rows]`` leaves out, reads the
others with :class:`.claim.ClaimReader` and keeps a claim given twice once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import URIRef

from kg.errors import BadImport
from kg.graph import KnowledgeGraph
from kg.importers.mapping.actor import ActorReader
from kg.importers.mapping.claim import ClaimReader
from kg.importers.mapping.kinds import local
from kg.importers.mapping.lookup import Cells
from kg.importers.mapping.node import NodeReader
from kg.importers.mapping.source import SourceReader
from kg.importers.mapping.spec import MappingSpec, UnpivotSpec, check_columns
from kg.importers.model import Batch
from kg.importers.resolve import ActorIndex
from kg.importers.table import Problems, Row, open_table
from kg.names import normalise
from kg.vocab import CKG


def read_with_mapping(
    path: Path,
    spec: MappingSpec,
    index: ActorIndex,
    *,
    sink: Callable[[Batch], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> Batch:
    """Read the table at ``path`` through ``spec`` into claims, sources and new actors;
    with ``sink``, the claims go to it every CHUNK of them (Batch.flush).

    Raises BadImport naming file, row and column for every bad cell.
    """
    table = open_table(path, delimiter=spec.delimiter)
    check_columns(spec, path, table.columns)
    for lookup in spec.lookups.values():
        if lookup.table is None:
            lookup.load()
    problems = _Problems(path, unpivot=spec.unpivot)
    batch = Batch(path, sink=sink, progress=progress)
    seen: dict[URIRef, int] = {}
    references = spec.references()

    def reread(row: Row) -> Row:
        if not references:
            return row
        cells = {k: v for k, v in row.cells.items() if k not in references}
        return Row(row.number, row.line, Cells(cells, references, problems, (row.number, row.line)))

    actors = ActorReader(index, problems, spec.unknown_actors, reread)
    sources = SourceReader(spec, actors, problems, batch)
    nodes = NodeReader(index.kg, problems, batch, spec.node, index.canonical)
    nodes.prepare(index.actor_types)
    check_node(spec, nodes)
    kinds_of_alliance = alliance_kinds(index.kg)
    for _column, name in spec.alliance_flags:
        if normalise(name) not in kinds_of_alliance:
            known = ", ".join(sorted({local(c) for c in kinds_of_alliance.values()}))
            raise BadImport(
                f"{spec.path}: [claim] alliance_kind flags: {name!r} is no kind of alliance "
                f"(known: {known}, by label or ATOP name)"
            )
    reader = ClaimReader(
        spec, index.vocabulary, actors, sources, problems, nodes, kinds_of_alliance
    )
    matrix = spec.unpivot.resolve(table.columns) if spec.unpivot is not None else []
    for whole in table.rows():
        batch.row_read()
        if problems.full or table.problems.full:
            break
        for row in map(reread, _unpivoted(spec, whole, matrix)):
            _read_row(spec, row, reader, batch, seen, problems)
    # The table's own problems (a malformed row) and the mapping's, in one refusal.
    found = Problems(path, table.problems.found + problems.found)
    found.count = table.problems.count + problems.count
    found.raise_if_any()
    batch.actors = dict(index.minted)
    batch.clashes = index.clashes()
    return batch


@dataclass
class _Problems(Problems):
    """The problems of the rows read through the mapping: the cell of an unpivoted matrix
    is named by its column in the file ("column Russia"), not the new column's name."""

    unpivot: UnpivotSpec | None = None

    def add(self, row: Row | None, column: str | None, message: str) -> None:
        unpivot = self.unpivot
        if unpivot is not None and row is not None and column == unpivot.value:
            column = row.cells.get(unpivot.name, column)
        super().add(row, column, message)


def _unpivoted(spec: MappingSpec, row: Row, matrix: list[str]) -> Iterator[Row]:
    """The row, or with ``[table] unpivot`` one row per column of the matrix whose cell
    is kept: the other columns, the column's header and its cell."""
    unpivot = spec.unpivot
    if unpivot is None:
        yield row
        return
    rest = {k: v for k, v in row.cells.items() if k not in matrix}
    for column in matrix:
        cell = row.cells[column]
        if unpivot.kept(cell):
            yield Row(row.number, row.line, {**rest, unpivot.name: column, unpivot.value: cell})


def _read_row(
    spec: MappingSpec,
    row: Row,
    reader: ClaimReader,
    batch: Batch,
    seen: dict[URIRef, int],
    problems: Problems,
) -> None:
    if not _kept(spec, row):
        batch.skipped += 1
        return
    for claim in reader.claims(row):
        if claim.iri in seen:
            if "id" in spec.claim:
                again = "again" if seen[claim.iri] != row.number else "twice"
                problems.add(
                    row,
                    spec.claim["id"].column,
                    f"gives the id of row {seen[claim.iri]} {again} (an id must tell apart "
                    "every claim: read the unpivoted column in it)",
                )
            else:
                batch.skipped += 1  # the same claim again: kept once
            continue
        seen[claim.iri] = row.number
        batch.claims.append(claim)
        if batch.full():
            batch.flush()


def _kept(spec: MappingSpec, row: Row) -> bool:
    for column, wanted in spec.keep_if.items():
        if not wanted.holds(row.cells[column]):
            return False
    for column, unwanted in spec.skip_if.items():
        if unwanted.holds(row.cells[column]):
            return False
    return True


def alliance_kinds(kg: KnowledgeGraph) -> dict[str, URIRef]:
    """The kinds of alliance (ckg:AllianceKinds) by label, other label and ATOP name."""
    rows = kg.select("concept-names", {"scheme": CKG.AllianceKinds}).rows
    return {normalise(str(row["name"])): URIRef(str(row["concept"])) for row in rows}


def check_node(spec: MappingSpec, nodes: NodeReader) -> None:
    """``[agreement]`` or ``[talks]`` must fill a role some claim has, with a class that is
    one of that role's (for a constant class); BadImport names the key."""
    node = spec.node
    if node is None:
        return
    if node.section not in nodes.bases:
        raise BadImport(f"{spec.path}: [{node.section}]: no kind of claim has a role of that name")
    if node.cls is not None and not node.cls.template.columns:
        text = node.cls.template.expand({}) or ""
        if normalise(text) not in nodes.classes[node.section]:
            known = ", ".join(sorted({local(c) for c in nodes.classes[node.section].values()}))
            raise BadImport(
                f"{spec.path}: [{node.section}] class: {text!r} is no kind of "
                f"{node.section} (known: {known})"
            )
