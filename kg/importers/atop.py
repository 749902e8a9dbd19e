"""ATOP, the Alliance Treaty Obligations and Provisions dataset, as directed dyad-years.

Cite as: Leeds, Brett Ashley, Jeffrey M. Ritter, Sara McLaughlin Mitchell and Andrew G. Long
(2002) "Alliance Treaty Obligations and Provisions, 1815–1944", International Interactions
28: 237–260. The dyad-year form read here (``ccode1``, ``ccode2``, ``year`` and the five 0/1
obligation columns ``atop_defense``, ``atop_offense``, ``atop_neutral``, ``atop_nonagg``,
``atop_consul``) is the one distributed with the R package peacesciencer (Miller 2022).

One row is one ordered pair of allied states (COW codes) in one year, and every pair comes
in both directions. An analyst asks who was allied with whom, when, and how; so the rows of
a pair are folded into one ckg:AllianceClaim per unordered pair and span of consecutive
years in which both rows keep the same obligations: a gap of a year, or a change of an
obligation on either row, starts a new claim, so that every kind of alliance a claim names
(ckg:allianceKind, the concepts of ckg:AllianceKinds by their ATOP notation) holds for its
whole period. A claim still recorded in the last year the release covers is open at the end
of coverage (ckg:openAtCoverageEnd): 2018 is where ATOP stops looking, not where the alliance
ended. The claim's quote renders its rows readably (the two rows differ in 62 pairs of
ATOP 5.1: one state's obligation toward the other is flagged on its row only), and its
record id is the pair and the years.

States are found by COW code in the crosswalk of states (:mod:`kg.crosswalk`), and a code
it lacks by its name in a COW state list (``cow-states.csv``: ``ccode``, ``statenme``)
among the names the data knows; a state found neither way is added under
``ck:cow-state-CODE`` with its COW name and code. An alliance is a pact between states: the
party is the state itself, not the government the crosswalk stands a UCDP "Government of X"
for.

The rows are not kept: each directed row is remembered as one small integer (year,
direction and flags) in an array per pair, so that the file need not be sorted and the
memory stays a few megabytes for the whole file; the claims are handed on every CHUNK.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import XSD, Literal, URIRef

from kg.errors import DataLoadError
from kg.graph import StoreSpec
from kg.importers.model import ID, Batch, ClaimRecord, EntityRecord, Origin, SourceRecord, slug
from kg.importers.resolve import ActorIndex
from kg.importers.store import ImportResult
from kg.importers.table import Problems, Row, open_table, read_flag, read_integer
from kg.locks import LOCK_WAIT
from kg.periods import Precision, TimePoint
from kg.vocab import CKG

if TYPE_CHECKING:
    from kg.importers import Progress, Stage

#: The obligations, one 0/1 column each, in the order the quote lists them; the column
#: without its ``atop_`` is the concept's skos:notation in ckg:AllianceKinds.
OBLIGATION_COLUMNS = (
    "atop_defense",
    "atop_offense",
    "atop_neutral",
    "atop_nonagg",
    "atop_consul",
)
REQUIRED_COLUMNS = ("ccode1", "ccode2", "year", *OBLIGATION_COLUMNS)
#: The columns of a COW state list that name a state.
STATE_COLUMNS = ("ccode", "statenme")

#: The first and last year each release covers.
COVERAGE = {"5.0": (1815, 2018), "5.1": (1815, 2018)}

PUBLISHER = ID["atop-project"]
CITATION = (
    "Leeds, Brett Ashley, Jeffrey M. Ritter, Sara McLaughlin Mitchell and Andrew G. Long "
    '(2002) "Alliance Treaty Obligations and Provisions, 1815–1944", International '
    "Interactions 28: 237–260. Directed dyad-year form as distributed with peacesciencer "
    '(Miller, Steven V. (2022) "peacesciencer: An R Package for Quantitative Peace Science '
    'Research", Conflict Management and Peace Science 39(6): 755–779).'
)

# One directed row as an integer: year * _YEAR + direction * 32 + the five flags (bit i for
# OBLIGATION_COLUMNS[i]); direction 0 is the row from the lower code to the higher.
_YEAR = 64
_DIRECTION = 32
_FLAGS = 31


def dataset_iri(version: str) -> URIRef:
    """The IRI of a release of ATOP: ck:atop-5-1."""
    return ID[f"atop-{slug(version)}"]


def claim_iri(version: str, low: int, high: int, start: int) -> URIRef:
    """The IRI of the claim of a pair from a year on: ck:atop-5-1-2-20-1942."""
    return ID[f"atop-{slug(version)}-{low}-{high}-{start}"]


def cow_state_iri(code: int) -> URIRef:
    """The IRI of a state added by its COW code: ck:cow-state-365."""
    return ID[f"cow-state-{code}"]


def dataset_source(version: str, coverage: tuple[int, int]) -> SourceRecord:
    """The source node of an ATOP release."""
    first, last = coverage
    return SourceRecord(
        iri=dataset_iri(version),
        cls=CKG.Dataset,
        title=f"Alliance Treaty Obligations and Provisions (ATOP) {version}, directed dyad-year",
        publisher=PUBLISHER,
        version=version,
        citation=CITATION,
        comment=(
            f"Which states were allied with which, with what obligations, each year {first}–"
            f"{last}: one row per ordered pair of allied states (COW codes) and year. Each "
            "alliance claim imported from it is one pair over a span of years with the same "
            "obligations; its record id is the pair and the years, its quote the rows."
        ),
        coverage=coverage,
    )


def read_states(path: Path) -> dict[int, str]:
    """The COW state list at ``path``: name by code. Raises BadImport naming the row and
    column of a bad cell, DataLoadError if the file cannot be read."""
    table = open_table(path)
    problems = table.problems
    header = Row(1, 1, {})
    for column in STATE_COLUMNS:
        if column not in table.columns:
            problems.add(
                header,
                column,
                "the header has no such column (a COW state list has ccode, stateabb, statenme)",
            )
    problems.raise_if_any()
    names: dict[int, str] = {}
    rows: dict[int, int] = {}
    for row in table.rows():
        if problems.full:
            break
        text = row.cells["ccode"].strip()
        code = read_integer(text)
        name = " ".join(row.cells["statenme"].split())
        if code is None:
            problems.add(row, "ccode", f"{text!r} is not a whole number")
        if not name:
            problems.add(row, "statenme", "is empty; the state needs a name")
        if code is None or not name:
            continue
        if code in names and names[code] != name:
            problems.add(
                row, "ccode", f"{code} is also the code of {names[code]!r} (row {rows[code]})"
            )
            continue
        names.setdefault(code, name)
        rows.setdefault(code, row.number)
    problems.raise_if_any()
    return names


@dataclass
class _Pair:
    """The rows of one unordered pair, each as one integer, with where it was read."""

    rows: array[int] = field(default_factory=lambda: array("q"))
    numbers: array[int] = field(default_factory=lambda: array("q"))
    lines: array[int] = field(default_factory=lambda: array("q"))


@dataclass
class _Span:
    """Consecutive years of a pair with the same rows: the claim to be."""

    start: int
    end: int
    low: int  # the flags of the row from the lower code, with _DIRECTION if the row is there
    high: int  # the same of the row from the higher code
    number: int  # the first row read
    line: int
    rows: int


@dataclass
class _States:
    """The actor of each COW code, found once, and the name the quote gives it: the actor's
    own, whether a state list was given or not, so that importing again without one
    rewrites nothing."""

    index: ActorIndex
    names: dict[int, str]
    path: Path | None  # the state list, if one was given
    actors: dict[int, URIRef | None] = field(default_factory=dict)
    added: dict[URIRef, int] = field(default_factory=dict)

    def actor(self, code: int) -> URIRef | None:
        if code not in self.actors:
            self.actors[code] = self._find(code)
        return self.actors[code]

    def name(self, code: int) -> str:
        actor = self.actors.get(code)
        return str(code) if actor is None else self.index.label(actor)

    def _find(self, code: int) -> URIRef | None:
        index = self.index
        entry = index.crosswalk.by_code("cow", code)
        name = self.names.get(code)
        if entry is not None:
            actor = index.canonical(entry.iri)
            if not index.known(actor):
                index.mint(actor, entry.label, [CKG.State])
            return actor
        if name is None:
            return None
        found = sorted({index.canonical(a) for a in index.find(name)})
        if found:
            return found[0]
        actor = cow_state_iri(code)
        index.mint(actor, name, [CKG.State])
        self.added[actor] = code
        return actor


def read_atop(
    path: Path,
    index: ActorIndex,
    *,
    states: Path | None = None,
    version: str = "5.1",
    sink: Callable[[Batch], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> Batch:
    """Read an ATOP directed dyad-year file into alliance claims (one per unordered pair
    and span of years with the same obligations) and the states it adds; with ``sink``,
    the claims go to it every CHUNK of them (Batch.flush). ``states`` is a COW state list,
    needed for codes the crosswalk of states lacks.

    Raises BadImport naming file, row and column for every bad cell, DataLoadError when
    a file cannot be read.
    """
    names = read_states(states) if states is not None else {}
    table = open_table(path)
    problems = table.problems
    header = Row(1, 1, {})
    for column in REQUIRED_COLUMNS:
        if column not in table.columns:
            problems.add(
                header,
                column,
                "the header has no such column (is this ATOP's directed dyad-year file?)",
            )
    problems.raise_if_any()
    coverage = COVERAGE.get(version)
    kinds = _kinds(index)
    found = _States(index, names, states)
    pairs: dict[tuple[int, int], _Pair] = {}
    batch = Batch(path, sink=sink, progress=progress)
    first_year, last_year = 10_000, 0
    for row in table.rows():
        batch.row_read()
        if problems.full:
            break
        read = _read_row(row, problems, found, coverage)
        if read is None:
            continue
        first, second, year, flags = read
        first_year, last_year = min(first_year, year), max(last_year, year)
        key = (first, second) if first < second else (second, first)
        pair = pairs.get(key)
        if pair is None:
            pair = pairs[key] = _Pair()
        pair.rows.append(year * _YEAR + (0 if first < second else _DIRECTION) + flags)
        pair.numbers.append(row.number)
        pair.lines.append(row.line)
    spans = {key: _spans(key, pair, problems) for key, pair in pairs.items()}
    problems.raise_if_any()
    del pairs
    if coverage is None:  # a release this module does not know: the years the file has
        coverage = (first_year, last_year) if last_year else (0, 0)
    source = dataset_source(version, coverage)
    batch.sources[source.iri] = source
    for (low, high), pair_spans in sorted(spans.items()):
        subject, obj = found.actor(low), found.actor(high)
        assert subject is not None and obj is not None
        for span in pair_spans:
            if subject == obj:  # two codes the data gives one actor
                batch.skipped += span.rows
                continue
            claim = _claim(span, (low, high), (subject, obj), found, kinds, version, coverage)
            batch.claims.append(claim)
            if batch.full():
                batch.flush()
    for actor, code in found.added.items():
        batch.add_entity(
            EntityRecord(actor, (), None, ((CKG.cowCode, Literal(code, datatype=XSD.integer)),))
        )
    return index.finish(batch, PUBLISHER, "Alliance Treaty Obligations and Provisions project")


def _read_row(
    row: Row, problems: Problems, states: _States, coverage: tuple[int, int] | None
) -> tuple[int, int, int, int] | None:
    """The two codes, the year and the flags of a row; None, each fault noted, if bad."""
    before = problems.count
    cells = row.cells
    codes: list[int] = []
    for column in ("ccode1", "ccode2"):
        text = cells[column].strip()
        code = read_integer(text)
        if code is None:
            problems.add(row, column, f"{text!r} is not a COW state code (a whole number)")
            continue
        codes.append(code)
        if states.actor(code) is None:
            given = states.path
            where = f"in {given} nor " if given is not None else ""
            hint = "" if given is not None else " (give a COW state list: --states cow-states.csv)"
            problems.add(
                row, column, f"COW code {code} is neither {where}in the crosswalk of states{hint}"
            )
    text = cells["year"].strip()
    year = read_integer(text)
    if year is None or not 0 < year < 10_000:
        problems.add(row, "year", f"{text!r} is not a year")
    elif coverage is not None and not coverage[0] <= year <= coverage[1]:
        first, last = coverage
        problems.add(
            row,
            "year",
            f"{year} is outside the years this release covers, {first}–{last} (another "
            "release? give its --dataset-version)",
        )
    flags = 0
    for bit, column in enumerate(OBLIGATION_COLUMNS):
        value = read_flag(cells[column])
        if value is None:
            problems.add(row, column, f"{cells[column].strip()!r} is not 0 or 1")
        elif value:
            flags |= 1 << bit
    if len(codes) == 2 and codes[0] == codes[1]:
        problems.add(row, "ccode2", f"is ccode1 ({codes[0]}): a state is not its own ally")
    if problems.count > before:
        return None
    assert year is not None
    return codes[0], codes[1], year, flags


def _spans(key: tuple[int, int], pair: _Pair, problems: Problems) -> list[_Span]:
    """The spans of consecutive years with the same rows of one pair, in order of years;
    a directed pair and year given twice with other flags is noted as a problem."""
    years: list[_Span] = []  # first one span a year, then merged
    seen: dict[tuple[int, int], int] = {}  # (year, direction) -> its row
    for i in sorted(range(len(pair.rows)), key=pair.rows.__getitem__):
        value, number, line = pair.rows[i], pair.numbers[i], pair.lines[i]
        year, direction = value // _YEAR, value & _DIRECTION
        flags = (value & _FLAGS) | _DIRECTION  # the bit now says "the row is there"
        earlier = seen.get((year, direction))
        if earlier is not None:
            span = years[-1]
            if (span.low if direction == 0 else span.high) != flags:
                first, second = key if direction == 0 else key[::-1]
                problems.add(
                    Row(number, line, {}),
                    None,
                    f"ccode1 {first}, ccode2 {second} and year {year} are also those of row "
                    f"{earlier}, with other obligations",
                )
            continue
        seen[(year, direction)] = number
        if not years or years[-1].start != year:
            years.append(_Span(year, year, 0, 0, number, line, 0))
        span = years[-1]
        if direction == 0:
            span.low = flags
        else:
            span.high = flags
        span.rows += 1
        if number < span.number:
            span.number, span.line = number, line
    merged: list[_Span] = []
    for span in years:
        last = merged[-1] if merged else None
        same = last is not None and (last.low, last.high) == (span.low, span.high)
        if last is not None and same and last.end == span.start - 1:
            last.end, last.rows = span.start, last.rows + span.rows
        else:
            merged.append(span)
    return merged


@dataclass(frozen=True)
class _Kind:
    concept: URIRef
    label: str


def _kinds(index: ActorIndex) -> list[_Kind]:
    """The kind of alliance of each obligation column, read from the ontology by its
    notation (the column without ``atop_``), with its label."""
    by_notation: dict[str, _Kind] = {}
    for row in index.kg.select("concept-names", {"scheme": CKG.AllianceKinds}).rows:
        by_notation[str(row["name"])] = _Kind(URIRef(str(row["concept"])), str(row["label"]))
    notations = [c.removeprefix("atop_") for c in OBLIGATION_COLUMNS]
    missing = [n for n in notations if n not in by_notation]
    if missing:  # the ontology is the package's: a broken installation, not a user's file
        raise DataLoadError(f"the ontology has no kind of alliance of notation {missing[0]!r}")
    return [by_notation[n] for n in notations]


def _claim(
    span: _Span,
    codes: tuple[int, int],
    actors: tuple[URIRef, URIRef],
    states: _States,
    kinds: list[_Kind],
    version: str,
    coverage: tuple[int, int],
) -> ClaimRecord:
    low, high = codes
    last_year = coverage[1]
    # The role of both sides, as the ontology names it (ckg:fromRole of the claim class).
    role = next(k.from_role for k in states.index.vocabulary.kinds if k.iri == CKG.AllianceClaim)
    flags = (span.low | span.high) & _FLAGS
    return ClaimRecord(
        iri=claim_iri(version, low, high, span.start),
        kind=CKG.AllianceClaim,
        from_role=role,
        to_role=role,
        subject=actors[0],
        object=actors[1],
        status=CKG.Asserted,
        source=dataset_iri(version),
        origin=Origin(
            span.number,
            span.line,
            {str(role): "ccode1", str(CKG.start): "year", str(CKG.end): "year"},
        ),
        start=TimePoint(date(span.start, 1, 1), Precision.YEAR),
        end=TimePoint(date(span.end, 1, 1), Precision.YEAR),
        quote=_quote(span, codes, states, kinds, version, last_year),
        record_id=f"{low}-{high}-{span.start}-{span.end}",
        open_at_coverage_end=span.end == last_year,
        extra=tuple((CKG.allianceKind, k.concept) for b, k in enumerate(kinds) if flags >> b & 1),
    )


def _quote(
    span: _Span,
    codes: tuple[int, int],
    states: _States,
    kinds: list[_Kind],
    version: str,
    last_year: int,
) -> str:
    """The rows of a span in words: ``1949–2018: United States of America and Canada,
    allied (ATOP 5.1, COW 2 and 20): defence, non-aggression and consultation; ...``."""
    low, high = codes
    a, b = states.name(low), states.name(high)

    def words(flags: int) -> str:
        return _and([k.label for bit, k in enumerate(kinds) if flags >> bit & 1])

    years = str(span.start) if span.start == span.end else f"{span.start}–{span.end}"
    if span.low and span.high:
        parts = [words(span.low & span.high & _FLAGS)]
        for flags, other, first, second in (
            (span.low, span.high, a, b),
            (span.high, span.low, b, a),
        ):
            if only := flags & ~other & _FLAGS:
                parts.append(f"{words(only)} on the row of {first} to {second} only")
        text = "; ".join(p for p in parts if p) or "no obligation flagged"
    else:
        flags, first, second = (span.low, a, b) if span.low else (span.high, b, a)
        text = (words(flags & _FLAGS) or "no obligation flagged") + (
            f" (only the row of {first} to {second}: the file has none of {second} to {first})"
        )
    quote = f"{years}: {a} and {b}, allied (ATOP {version}, COW {low} and {high}): {text}"
    if span.end == last_year:
        quote += f"; still in force in {last_year}, the last year ATOP {version} covers"
    return quote


def _and(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def import_atop(
    path: Path,
    output: Path | None = None,
    *,
    states: Path | None = None,
    store: Path | StoreSpec | None = None,
    data: Sequence[Path] = (),
    add: Sequence[Path] = (),
    allow_network: bool = False,
    version: str = "5.1",
    wait: float = LOCK_WAIT,
    progress: Progress = None,
    stage: Stage = None,
) -> ImportResult:
    """Import an ATOP directed dyad-year CSV file into the file ``output`` or the store
    ``store``, as :func:`kg.importers.import_esd` does; ``states`` is a COW state list
    (``cow-states.csv``) naming the codes the crosswalk of states lacks.

    Raises BadImport (a bad row or column, a code no state list names), InvalidData,
    DataLoadError, StoreError or OutputError; the file or store is then left as it was.
    """
    from kg.importers import run, target_for

    target = target_for(output, store, data=data, add=add, wait=wait)
    return run(
        target,
        lambda index, sink, told: read_atop(
            Path(path),
            index,
            states=Path(states) if states is not None else None,
            version=version,
            sink=sink,
            progress=told,
        ),
        allow_network=allow_network,
        progress=progress,
        stage=stage,
    )
