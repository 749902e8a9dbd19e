"""Formatting of rows for people and programs: table, CSV, TSV, JSON, Markdown.

This is the only place where results become text; every command that prints rows uses
:func:`render` through the shared ``--format`` option of the CLI.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import shutil
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from kg.prefixes import compact

FORMATS = ("table", "csv", "tsv", "json", "markdown")
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?([eE][+-]?\d+)?")
# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_MIN_WIDTH = 8


def text(value: Any, *, short: bool = False) -> str:
    """One value as text: IRIs in full (or as prefix:local when ``short``), literals as is."""
    if value is None:
        return ""
    if isinstance(value, URIRef):
        return compact(str(value)) if short else str(value)
    if isinstance(value, BNode):
        return f"_:{value}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        parts = [text(v, short=short) for v in value]
        return "; ".join(dict.fromkeys(p for p in parts if p))  # each once, in order
    if isinstance(value, Mapping):  # a source or claim: its short label
        if "label" in value:
            return text(value["label"], short=short)
        return " ".join(text(v, short=short) for v in value.values() if v)
    return str(value)


def json_value(value: Any) -> Any:
    """One value as JSON: numbers and booleans stay numbers, IRIs and dates become strings."""
    if isinstance(value, Literal):
        python = value.toPython()
        if isinstance(python, bool | int) and not isinstance(python, Literal):
            return python
        if isinstance(python, float) and math.isfinite(python):
            return python
        return str(value)  # decimals keep every digit; NaN and INF stay text, as JSON wants
    if isinstance(value, Node):
        return text(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    if isinstance(value, Mapping):
        return {k: json_value(v) for k, v in value.items()}
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


def safe_cell(cell: str) -> str:
    """Keep a spreadsheet from running a cell as a formula: prefix ' where it starts so."""
    if cell.startswith(_FORMULA_START) and not _NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def _one_line(cell: str) -> str:
    return " ".join(cell.split())


def _fit(widths: list[int], total: int) -> list[int]:
    """Shrink the widest columns until the table fits ``total`` characters."""
    widths = list(widths)
    gaps = 2 * (len(widths) - 1)
    while sum(widths) + gaps > total:
        widest = max(range(len(widths)), key=lambda i: widths[i])
        if widths[widest] <= _MIN_WIDTH:
            break
        widths[widest] -= 1
    return widths


def _clip(cell: str, width: int) -> str:
    return cell if len(cell) <= width else cell[: max(width - 1, 0)] + "…"


def render(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    fmt: str,
    *,
    width: int | None = None,
    headings: Sequence[str] | None = None,
) -> str:
    """Render ``rows`` (dicts keyed by column) in ``fmt``; the text ends with a newline.

    ``headings`` name the columns in a table or Markdown (default: the column keys).
    """
    if fmt == "json":
        return (
            json.dumps(
                [{c: json_value(r.get(c)) for c in columns} for r in rows],
                ensure_ascii=False,
                indent=2,
            )
            + "\n"
        )
    if fmt in ("csv", "tsv"):
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            cells = [text(row.get(c)) for c in columns]
            if fmt == "tsv":
                cells = [_one_line(c) for c in cells]
            writer.writerow([safe_cell(c) for c in cells])
        return buffer.getvalue()
    grid = [[_one_line(text(r.get(c), short=True)) for c in columns] for r in rows]
    columns = list(headings) if headings is not None else list(columns)
    if fmt == "markdown":

        def md(cell: str) -> str:
            return cell.replace("\\", "\\\\").replace("|", "\\|")

        lines = [
            "| " + " | ".join(md(c) for c in columns) + " |",
            "| " + " | ".join("---" for _ in columns) + " |",
        ]
        lines += ["| " + " | ".join(md(c) for c in row) + " |" for row in grid]
        return "\n".join(lines) + "\n"
    if fmt == "table":
        if not rows:
            return "(no rows)\n"
        total = width or shutil.get_terminal_size((120, 24)).columns
        natural = [max([len(c)] + [len(row[i]) for row in grid]) for i, c in enumerate(columns)]
        widths = _fit(natural, total)
        header = "  ".join(_clip(c, w).ljust(w) for c, w in zip(columns, widths, strict=True))
        rule = "  ".join("-" * w for w in widths)
        body = [
            "  ".join(_clip(cell, w).ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            for row in grid
        ]
        return "\n".join([header.rstrip(), rule, *body]) + "\n"
    raise ValueError(f"unknown output format {fmt!r}")
