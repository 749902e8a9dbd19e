"""Reading a table through a mapping: the rows kept, each read into a claim, all or nothing.

This is the mapping's source level (followthemoney's ``Source``): it opens the table, checks
that it has every column the mapping reads, skips the rows ``[rows]`` leaves out, reads the
others with :class:`.claim.ClaimReader` and keeps a claim given twice once.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rdflib import URIRef

from kg.importers.mapping.actor import ActorReader
from kg.importers.mapping.claim import ClaimReader
from kg.importers.mapping.source import SourceReader
from kg.importers.mapping.spec import MappingSpec, check_columns
from kg.importers.model import Batch
from kg.importers.resolve import ActorIndex
from kg.importers.table import Row, open_table


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
    problems = table.problems
    batch = Batch(path, sink=sink, progress=progress)
    seen: dict[URIRef, int] = {}
    actors = ActorReader(index, problems, spec.unknown_actors)
    sources = SourceReader(spec, actors, problems, batch)
    reader = ClaimReader(spec, index.vocabulary, actors, sources, problems)
    for row in table.rows():
        batch.row_read()
        if problems.full:
            break
        if not _kept(spec, row):
            batch.skipped += 1
            continue
        for claim in reader.claims(row):
            if claim.iri in seen:
                if "id" in spec.claim:
                    problems.add(
                        row,
                        spec.claim["id"].column,
                        f"gives the id of row {seen[claim.iri]} again",
                    )
                else:
                    batch.skipped += 1  # the same claim again: kept once
                continue
            seen[claim.iri] = row.number
            batch.claims.append(claim)
            if batch.full():
                batch.flush()
    problems.raise_if_any()
    batch.actors = dict(index.minted)
    batch.clashes = index.clashes()
    return batch


def _kept(spec: MappingSpec, row: Row) -> bool:
    for column, wanted in spec.keep_if.items():
        if not wanted.holds(row.cells[column]):
            return False
    for column, unwanted in spec.skip_if.items():
        if unwanted.holds(row.cells[column]):
            return False
    return True
