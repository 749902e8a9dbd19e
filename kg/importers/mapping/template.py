"""Templates and mapped values: how one value of a mapping turns into text for one row.

A *template* (``"{sponsor}"``, ``"My table"``, ``"{first} {last}"``) reads cells of the row; a
*value* is a template, optionally looked up in a map with a default. This is the mapping's
property level (followthemoney's ``PropertyMapping``): the spec is made of values, and the row
readers ask them for text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from kg.importers.mapping.lookup import Lookup
from kg.importers.table import Problems, Row, normal_number

_REFERENCE = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


@dataclass(frozen=True)
class Template:
    """Text with ``{column}`` references; ``{{`` and ``}}`` stand for braces."""

    parts: tuple[tuple[str, str | None], ...]  # (literal text, column or None)

    @property
    def columns(self) -> list[str]:
        """The columns the template reads, in order."""
        return [column for _text, column in self.parts if column is not None]

    def expand(self, cells: Mapping[str, str], *, numbers: bool = False) -> str | None:
        """The text for one row; None when every column it reads is empty (or, for a
        constant, when the constant is empty). ``numbers`` reads "57.0" as "57"."""
        values = []
        empty = True
        for literal, column in self.parts:
            if column is None:
                values.append(literal)
                continue
            cell = cells[column].strip()
            if numbers:
                cell = normal_number(cell)
            if cell:
                empty = False
            values.append(cell)
        text = "".join(values).strip()
        # `columns` makes a list: asked only of a row whose cells were all empty.
        if (empty and self.columns) or not text:
            return None
        return text


#: A reference to a column, left in a value after expansion (from a map's text or a cell).
UNEXPANDED = re.compile(r"\{[^{}]*\}")


def parse_template(text: str) -> Template:
    """Split ``text`` into literal text and column references; ValueError if malformed."""
    parts: list[tuple[str, str | None]] = []
    literal = ""
    position = 0
    for m in _REFERENCE.finditer(text):
        literal += text[position : m.start()]
        position = m.end()
        token = m.group(0)
        if token in ("{{", "}}"):
            literal += token[0]
        elif token in ("{", "}"):
            raise ValueError(f"unbalanced {token!r} in {text!r} (write {token * 2} for a brace)")
        else:
            column = (m.group(1) or "").strip()
            if not column:
                raise ValueError(f"empty {{}} in {text!r}")
            parts.append((literal, None))
            literal = ""
            parts.append(("", column))
    literal += text[position:]
    parts.append((literal, None))
    return Template(tuple((t, c) for t, c in parts if c is not None or t))


@dataclass(frozen=True)
class Value:
    """A mapped value: a template, optionally looked up in a map (with a default, itself a
    template: ``default = "{sponsor}"`` is the row's sponsor, not an actor of that name)."""

    key: str  # where in the mapping, for messages: "[claim] status"
    template: Template
    lookup: dict[str, str] | None = None
    default: Template | None = None
    table: Lookup | None = None  # ``lookup = "NAME"``: the text looked up in a second table

    @property
    def column(self) -> str | None:
        """The first column the value reads, to name in a message."""
        columns = self.template.columns
        return columns[0] if columns else None

    def get(self, row: Row, problems: Problems, *, numbers: bool = False) -> str | None:
        """The value for ``row``; a missing map entry is a problem (and None)."""
        text = self.template.expand(row.cells, numbers=numbers or self.lookup is not None)
        default = self.default.expand(row.cells) if self.default is not None else None
        if text is not None and self.table is not None:
            found = self.table.find(text)
            if found is None:
                if self.default is not None:
                    return default
                if self.table.default is None:
                    problems.add(row, self.column, self.table.missing(text))
                    return None
                found = self.table.default
            text = found or None
        if self.lookup is None:
            return text
        if text is None:
            return default
        for candidate in (text, normal_number(text), text.casefold()):
            if candidate in self.lookup:
                return self.lookup[candidate]
        if self.default is not None:
            return default
        known = ", ".join(repr(k) for k in self.lookup)
        problems.add(row, self.column, f"{text!r} is not in the map of {self.key} ({known})")
        return None


_COMPARISON = re.compile(r"^\s*(>=|<=|>|<)\s*(\S.*)$")
_RANGE = re.compile(r"^\s*(\S+?)\s*\.\.\s*(\S+)\s*$")


@dataclass(frozen=True)
class Condition:
    """What a column's cell must be for ``[rows] keep_if`` (or must not be, ``skip_if``):
    one of ``values`` (text, numbers read as numbers: "57.0" is "57"), or a number within
    one of ``intervals`` (``">=2010"``, ``"<5"``, ``"2010..2015"`` with both ends in). A
    cell that is not a number is within no interval."""

    values: frozenset[str]
    intervals: tuple[tuple[float | None, float | None, bool, bool], ...] = ()

    def holds(self, cell: str) -> bool:
        text = normal_number(cell)
        if text in self.values:
            return True
        if not self.intervals:
            return False
        try:
            number = float(text)
        except ValueError:
            return False
        for low, high, low_in, high_in in self.intervals:
            if low is not None and (number < low or (number == low and not low_in)):
                continue
            if high is not None and (number > high or (number == high and not high_in)):
                continue
            return True
        return False


def parse_condition(items: list[str]) -> Condition:
    """A Condition from a mapping's texts; ValueError naming a bound that is no number."""

    def number(text: str) -> float:
        try:
            return float(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a number to compare with") from None

    values: set[str] = set()
    intervals: list[tuple[float | None, float | None, bool, bool]] = []
    for item in items:
        compared, ranged = _COMPARISON.match(item), _RANGE.match(item)
        if compared:
            operator, bound = compared.group(1), number(compared.group(2))
            if operator.startswith(">"):
                intervals.append((bound, None, operator == ">=", True))
            else:
                intervals.append((None, bound, True, operator == "<="))
        elif ranged:
            low, high = number(ranged.group(1)), number(ranged.group(2))
            if low > high:
                raise ValueError(f"{item!r} runs from a larger number to a smaller one")
            intervals.append((low, high, True, True))
        else:
            values.add(normal_number(item))
    return Condition(frozenset(values), tuple(intervals))
