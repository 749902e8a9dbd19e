"""The capitals and demonyms that stand for a state in news text: "Damascus" and "the Syrian
government" for Syria, "Kigali" and "Rwandan troops" for Rwanda.

They are data, in data/reference/metonyms.tsv (its header says where the facts come from,
which capitals were left out as ambiguous and why, and the rule for a demonym two states
share). The extractor of claims from news text looks names up here; the graph's own names
(rdfs:label, skos:altLabel) are not repeated here and come first.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from rdflib import URIRef

from kg import resources
from kg.errors import DataLoadError
from kg.vocab import ID

METONYMS_FILE = Path("reference") / "metonyms.tsv"
COLUMNS = ("state", "capital", "demonym", "shared")
# The local names of states.ttl: ck:syria, ck:democratic-republic-of-the-congo.
_STATE_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class Metonyms:
    """The names that stand for a state: each capital names one state; a demonym names one
    state, or several where states share it ("Congolese"), and then names none by itself."""

    capitals: Mapping[str, URIRef]
    demonyms: Mapping[str, tuple[URIRef, ...]]
    #: The states of the file, in its order.
    states: tuple[URIRef, ...]

    @property
    def shared_demonyms(self) -> frozenset[str]:
        """The demonyms that more than one state has ("Congolese", "Korean")."""
        return frozenset(name for name, states in self.demonyms.items() if len(states) > 1)


@dataclass(frozen=True)
class _Row:
    line: int
    state: str
    capitals: tuple[str, ...]
    demonyms: tuple[str, ...]
    shared: tuple[str, ...]


def load_metonyms(path: Path | None = None) -> Metonyms:
    """The capitals and demonyms of ``path``, by default the bundled
    data/reference/metonyms.tsv (read once per process).

    >>> metonyms = load_metonyms()
    >>> metonyms.capitals["Damascus"]
    rdflib.term.URIRef('https://w3id.org/conflict-kg/id/syria')

    Raises DataLoadError, naming the file and line, if the file is missing, not UTF-8, or a
    row is malformed: not four tab-separated columns, a state that is no IRI's local name, a
    state or a capital given twice, an empty name, or a shared column that does not list
    exactly the row's demonyms that another row gives too.
    """
    if path is None:
        return _bundled()
    return _read(path)


@functools.cache
def _bundled() -> Metonyms:
    return _read(resources.bundled_dir("data") / METONYMS_FILE)


def _read(path: Path) -> Metonyms:
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise DataLoadError(f"{path}: no such file") from None
    except UnicodeDecodeError as error:
        raise DataLoadError(f"{path}: not UTF-8 text (byte {error.start})") from None
    except OSError as error:
        raise DataLoadError(f"{path}: cannot be read ({error.strerror})") from None
    rows = _rows(path, text)
    _check_shared(path, rows)
    demonyms: dict[str, list[URIRef]] = {}
    for row in rows:
        for name in row.demonyms:
            demonyms.setdefault(name, []).append(ID[row.state])
    return Metonyms(
        capitals=MappingProxyType(
            {name: ID[row.state] for row in rows for name in row.capitals}
        ),
        demonyms=MappingProxyType({name: tuple(states) for name, states in demonyms.items()}),
        states=tuple(ID[row.state] for row in rows),
    )


def _rows(path: Path, text: str) -> list[_Row]:
    rows: list[_Row] = []
    header_seen = False
    state_lines: dict[str, int] = {}
    capital_lines: dict[str, tuple[str, int]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        where = f"{path}, line {number}"
        cells = line.split("\t")
        if not header_seen:
            if tuple(cells) != COLUMNS:
                raise DataLoadError(
                    f"{where}: the header row must be {'<TAB>'.join(COLUMNS)!r}, "
                    f"not {line[:80]!r}"
                )
            header_seen = True
            continue
        if len(cells) != len(COLUMNS):
            raise DataLoadError(
                f"{where}: {len(cells)} tab-separated columns where {len(COLUMNS)} are "
                f"expected ({', '.join(COLUMNS)})"
            )
        state = cells[0]
        if not _STATE_NAME.fullmatch(state):
            raise DataLoadError(
                f"{where}: {state[:80]!r} is not a state's local name (as 'syria' in ck:syria)"
            )
        if state in state_lines:
            raise DataLoadError(f"{where}: state {state!r} is also on line {state_lines[state]}")
        state_lines[state] = number
        capitals = _names(where, "capital", cells[1])
        demonyms = _names(where, "demonym", cells[2])
        shared = _names(where, "shared", cells[3])
        if not capitals and not demonyms:
            raise DataLoadError(f"{where}: state {state!r} has neither a capital nor a demonym")
        for name in capitals:
            if name in capital_lines:
                other, other_line = capital_lines[name]
                raise DataLoadError(
                    f"{where}: capital {name!r} is also {other}'s (line {other_line}); "
                    "a capital names one state"
                )
            capital_lines[name] = (state, number)
        rows.append(_Row(number, state, capitals, demonyms, shared))
    if not header_seen:
        raise DataLoadError(f"{path}: no header row ({'<TAB>'.join(COLUMNS)}) and no rows")
    return rows


def _names(where: str, column: str, cell: str) -> tuple[str, ...]:
    if not cell:
        return ()
    names = tuple(cell.split("|"))
    for name in names:
        if not name or name != name.strip():
            raise DataLoadError(
                f"{where}: {cell[:80]!r} in the {column} column has an empty name or spaces "
                "around a name (names are separated by '|')"
            )
    if len(set(names)) != len(names):
        raise DataLoadError(f"{where}: {cell[:80]!r} in the {column} column repeats a name")
    return names


def _check_shared(path: Path, rows: list[_Row]) -> None:
    # The shared column restates what the rows show, so that a reader of the file sees the
    # ambiguity on the row itself; checking it keeps the two from drifting apart.
    counts = Counter(name for row in rows for name in row.demonyms)
    for row in rows:
        where = f"{path}, line {row.line}"
        for name in row.demonyms:
            if counts[name] > 1 and name not in row.shared:
                raise DataLoadError(
                    f"{where}: demonym {name!r} is another state's too; name it in the "
                    "shared column"
                )
        for name in row.shared:
            if name not in row.demonyms:
                raise DataLoadError(
                    f"{where}: {name!r} in the shared column is not a demonym of this row"
                )
            if counts[name] < 2:
                raise DataLoadError(
                    f"{where}: {name!r} in the shared column is no other state's demonym"
                )
