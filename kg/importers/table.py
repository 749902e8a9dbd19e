"""Reading a table to import: rows with their numbers, cells read strictly, problems named.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first data row is
row 2. A quoted cell may hold a newline, so a row can span several lines of the file; a
problem then names the line where its row starts too. Every problem names the file, the
row and the column, and all of them are gathered before the import is refused, so that a
user can fix a file in one pass.

A row is at most MAX_ROW_CHARS characters (1 MiB) of text, however many lines it spans:
a longer one stops the import (BadImport, exit 8) naming its row and the column where the
limit was passed, before any more of it is read. (A 100 MB cell ran for more than five
minutes.)
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from kg.errors import BadImport, DataLoadError
from kg.periods import Precision, TimePoint

#: The longest row of a table, in characters: a cell may be long (a quote; the csv
#: module's own limit is 128 KiB), but not without end.
MAX_ROW_CHARS = 1 << 20
csv.field_size_limit(MAX_ROW_CHARS)

# How many problems an error message lists before it says how many more there are.
SHOWN_PROBLEMS = 5
# How many problems are gathered before reading stops.
MAX_PROBLEMS = 1000

_INTEGER = re.compile(r"[+-]?\d+")
_WHOLE_FLOAT = re.compile(r"([+-]?\d+)\.0*")
_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


@dataclass(frozen=True)
class Row:
    """One data row: its number as a spreadsheet shows it, the line it starts on, its cells."""

    number: int
    line: int
    cells: dict[str, str]


@dataclass
class Problems:
    """The problems found in one file, each naming row and column; raised as BadImport."""

    path: Path
    found: list[str] = field(default_factory=list)
    count: int = 0

    def add(self, row: Row | None, column: str | None, message: str) -> None:
        """Note a problem at ``row`` (None: the file as a whole) and ``column``."""
        self.count += 1
        if len(self.found) < MAX_PROBLEMS:
            self.found.append(where(self.path, row, column) + message)

    @property
    def full(self) -> bool:
        """Whether enough problems are gathered to stop reading."""
        return self.count >= MAX_PROBLEMS

    def raise_if_any(self) -> None:
        """Raise BadImport listing the first problems, if there are any."""
        if not self.found:
            return
        shown = "; ".join(self.found[:SHOWN_PROBLEMS])
        more = self.count - min(len(self.found), SHOWN_PROBLEMS)
        if more:
            shown += f"; and {more} more problem(s) ({self.count} in all)"
        raise BadImport(shown, self.found)


def where(path: Path, row: Row | None, column: str | None) -> str:
    """``FILE, row 5 (line 6), column year: `` — the place a message is about."""
    text = str(path)
    if row is not None:
        text += f", row {row.number}"
        if row.line != row.number:
            text += f" (line {row.line})"
    if column is not None:
        text += f", column {column}"
    return text + ": "


class _LongRow(Exception):
    """A row passed MAX_ROW_CHARS; ``text`` is what was read of it."""

    def __init__(self, text: str) -> None:
        super().__init__(text[:80])
        self.text = text


@dataclass
class _Lines:
    """The lines of a file as the csv reader takes them, each read at most up to what is
    left of MAX_ROW_CHARS, remembering those of the row being read."""

    handle: TextIO
    row: list[str] = field(default_factory=list)
    size: int = 0

    def __iter__(self) -> Iterator[str]:
        while True:
            line = self.handle.readline(MAX_ROW_CHARS - self.size + 1)
            if not line:
                return
            self.row.append(line)
            self.size += len(line)
            if self.size > MAX_ROW_CHARS:
                raise _LongRow("".join(self.row))
            yield line

    def next_row(self) -> None:
        """The csv reader has given a whole row: the next lines are another's."""
        self.row.clear()
        self.size = 0


def _long_column(columns: list[str], text: str, delimiter: str) -> str | None:
    """The column whose cell passed the limit: the last one begun in ``text``."""
    begun = next(csv.reader(io.StringIO(text), delimiter=delimiter), [""])
    index = len(begun) - 1
    return columns[index] if 0 <= index < len(columns) else None


LONG_ROW = f"the row is longer than {MAX_ROW_CHARS:,} characters (the most a row may hold)"


@dataclass
class Table:
    """A CSV file opened for import: its columns, and its rows read one at a time."""

    path: Path
    columns: list[str]
    _rows: Iterator[Row]
    problems: Problems

    def rows(self) -> Iterator[Row]:
        """The data rows; malformed ones are noted as problems and left out."""
        return self._rows


def open_table(path: Path, *, delimiter: str = ",") -> Table:
    """Open a UTF-8 CSV file (a byte-order mark is skipped) and read its header.

    Raises DataLoadError when the file cannot be read, BadImport when it has no header or
    the header repeats a column.
    """
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except FileNotFoundError:
        raise DataLoadError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DataLoadError(f"{path}: is a folder, not a file") from None
    except OSError as error:
        raise DataLoadError(f"{path}: cannot be read ({error.strerror})") from None
    problems = Problems(path)
    lines = _Lines(handle)
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    try:
        header = next(reader)
        lines.next_row()
    except _LongRow:
        handle.close()
        raise BadImport(
            f"{path}, row 1: the header row is longer than {MAX_ROW_CHARS:,} characters"
        ) from None
    except StopIteration:
        handle.close()
        raise BadImport(f"{path}: the file is empty (no header row)") from None
    except UnicodeDecodeError as error:
        handle.close()
        raise BadImport(f"{path}, row 1: not UTF-8 text (byte {error.start})") from None
    except csv.Error as error:
        handle.close()
        raise BadImport(f"{path}, row 1: not valid CSV ({error})") from None
    columns = [name.strip() for name in header]
    seen: set[str] = set()
    for name in columns:
        if not name:
            problems.add(None, None, "the header row has an empty column name")
        elif name in seen:
            problems.add(None, name, "the header row names this column twice")
        seen.add(name)
    if problems.found:
        handle.close()
        problems.raise_if_any()
    return Table(path, columns, _read_rows(handle, lines, reader, columns, problems), problems)


def _read_rows(
    handle: TextIO, lines: _Lines, reader: Any, columns: list[str], problems: Problems
) -> Iterator[Row]:
    number = 1
    line = reader.line_num + 1
    try:
        while True:
            try:
                cells = next(reader)
                lines.next_row()
            except StopIteration:
                return
            except _LongRow as long:
                # Which cell passed the limit; reading stops there.
                column = _long_column(columns, long.text, reader.dialect.delimiter)
                problems.add(Row(number + 1, line, {}), column, LONG_ROW)
                return
            except UnicodeDecodeError as error:
                problems.add(
                    Row(number + 1, line, {}), None, f"not UTF-8 text (byte {error.start})"
                )
                return
            except csv.Error as error:
                problems.add(Row(number + 1, line, {}), None, f"not valid CSV ({error})")
                return
            number += 1
            row = Row(number, line, {})
            line = reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue  # a blank line between rows: nothing to import
            if len(cells) != len(columns):
                problems.add(
                    row, None, f"has {len(cells)} cells where the header has {len(columns)}"
                )
                continue
            yield Row(row.number, row.line, dict(zip(columns, cells, strict=True)))
    finally:
        handle.close()


def count_rows(path: Path, *, delimiter: str = ",") -> int:
    """The data rows of the table at ``path`` as :func:`open_table` gives them (blank
    lines left out; a row may span lines), for a progress bar: what is counted up to a
    problem when the file has one (the import itself names it)."""
    count = 0
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle, delimiter=delimiter, strict=True)
            next(reader, None)  # the header
            for cells in reader:
                if any(cell.strip() for cell in cells):
                    count += 1
    except (OSError, UnicodeDecodeError, csv.Error):
        pass
    return count


# --- cells -------------------------------------------------------------------------------


def normal_number(text: str) -> str:
    """A whole number written as a float ("623.0") as an integer ("623"); other text as is."""
    text = text.strip()
    if m := _WHOLE_FLOAT.fullmatch(text):
        return str(int(m.group(1)))
    return text


def read_integer(text: str) -> int | None:
    """An integer cell, also when written as a float ("623.0"); None if it is not one."""
    text = normal_number(text)
    return int(text) if _INTEGER.fullmatch(text) else None


FLAG_VALUES = {"0": False, "1": True}
BOOLEAN_VALUES = {
    "0": False,
    "1": True,
    "false": False,
    "true": True,
    "no": False,
    "yes": True,
    "n": False,
    "y": True,
}


def read_flag(text: str) -> bool | None:
    """A 0/1 cell (also "0.0" and "1.0"); None if it is neither."""
    return FLAG_VALUES.get(normal_number(text))


def read_boolean(text: str) -> bool | None:
    """A yes/no cell: 1/0, true/false, yes/no (any case); None if it is none of them."""
    return BOOLEAN_VALUES.get(normal_number(text).casefold())


def read_period(text: str) -> TimePoint | None:
    """A period: ``2017`` (a year), ``2017-07`` (a month) or ``2017-07-14`` (a day).

    None if the text is not one of these or not a real date. Years are read from 1000 on.
    """
    m = _DATE.fullmatch(normal_number(text))
    if not m:
        return None
    year, month, day = (int(g) if g else None for g in m.groups())
    assert year is not None
    if year < 1000:
        return None
    try:
        if month is None:
            return TimePoint(date(year, 1, 1), Precision.YEAR)
        if day is None:
            return TimePoint(date(year, month, 1), Precision.MONTH)
        return TimePoint(date(year, month, day), Precision.DAY)
    except ValueError:
        return None
