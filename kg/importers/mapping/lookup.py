"""Lookups in a second table by key (``[lookups.NAME]``): a code list such as COW's state
codes, read once, that a template reads with ``{lookup.NAME:COLUMN}`` or a value with
``lookup = "NAME"``.

A lookup's table is read when the import starts (its path is relative to the mapping file);
a key it lacks is a problem naming the row, the column and the value, unless the lookup (or
the value) has a default. Keys are compared as cells are elsewhere: "2.0" is "2".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import BadImport
from kg.importers.table import Problems, Row, normal_number, open_table

#: ``{lookup.cow:ccode1}``: the lookup ``cow`` of the cell of the column ``ccode1``.
REFERENCE = re.compile(r"^lookup\.([^:]+):(.+)$")


def parse_reference(column: str) -> tuple[str, str] | None:
    """(lookup name, column) of a template's ``lookup.NAME:COLUMN``; None for a column."""
    m = REFERENCE.match(column)
    return (m.group(1).strip(), m.group(2).strip()) if m else None


@dataclass
class Lookup:
    """One ``[lookups.NAME]`` table: ``key`` column -> ``value`` column of ``path``."""

    name: str
    path: Path
    key: str
    value: str
    delimiter: str = ","
    default: str | None = None
    table: dict[str, str] | None = field(default=None, repr=False)

    def load(self) -> None:
        """Read the table; BadImport names a missing column, and a key given two values."""
        where = f"[lookups.{self.name}]"
        if not self.path.is_file():
            raise BadImport(f"{where} file: {self.path}: no such file")
        table = open_table(self.path, delimiter=self.delimiter)
        for key in ("key", "value"):
            column = getattr(self, key)
            if column not in table.columns:
                raise BadImport(
                    f"{where} {key}: {self.path} has no column {column!r} "
                    f"(it has: {', '.join(table.columns)})"
                )
        found: dict[str, str] = {}
        rows: dict[str, int] = {}
        problems = table.problems
        for row in table.rows():
            key, value = normal_number(row.cells[self.key]), row.cells[self.value].strip()
            if not key:
                continue
            if key in found and found[key] != value:
                problems.add(
                    row,
                    self.value,
                    f"gives the key {key!r} the value {value!r}, where row {rows[key]} gives "
                    f"{found[key]!r} ({where})",
                )
                continue
            found.setdefault(key, value)
            rows.setdefault(key, row.number)
        problems.raise_if_any()
        self.table = found

    def find(self, text: str) -> str | None:
        """The value for the key ``text``; None if the table has no such key."""
        assert self.table is not None, "Lookup.load first"
        return self.table.get(normal_number(text))

    def missing(self, text: str) -> str:
        """The message for a key the table lacks."""
        return (
            f"{text.strip()!r} is not a {self.key} of {self.path.name} "
            f"([lookups.{self.name}]; give it a default to accept that)"
        )


class Cells(dict[str, str]):
    """A row's cells, and the lookups its templates read (``lookup.NAME:COLUMN``), each
    looked up when first read: a cell that a split cuts into parts is looked up part by
    part, never whole."""

    def __init__(
        self,
        cells: Mapping[str, str],
        references: Mapping[str, tuple[Lookup, str]],
        problems: Problems,
        row: tuple[int, int],
    ) -> None:
        super().__init__(cells)
        self.references = references
        self.problems = problems
        self.row = row

    def __missing__(self, column: str) -> str:
        if column not in self.references:
            raise KeyError(column)
        lookup, source = self.references[column]
        cell = self[source]
        value = lookup.find(cell) if cell.strip() else ""
        if value is None:
            if lookup.default is not None:
                value = lookup.default
            else:
                row = Row(self.row[0], self.row[1], dict(self))
                self.problems.add(row, source, lookup.missing(cell))
                value = ""
        self[column] = value
        return value

    def raw(self) -> dict[str, str]:
        """The cells, each lookup as the cell of its key (not looked up): what a row's
        fingerprint reads, which must not stop at a key the table lacks."""
        found = {k: v for k, v in self.items() if k not in self.references}
        for column, (_lookup, source) in self.references.items():
            found[column] = self[source]
        return found
