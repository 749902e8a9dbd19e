"""The claim model: what a source says (:class:`Claim`), where it says it (:class:`Source`),
and the relations that agreeing claims make (:class:`Relation`), read from any store.

Every report, the network and the metrics start here: :func:`claims` reads the claims of
one kind (or all) through ``relations.rq``, one claim class at a time, and
:func:`relations` groups the claims that state the same relation with the same status and
kinds of support into relations, joining consecutive periods (the years 2011, 2012, ...
of a dataset) into one span while each claim keeps its source.

**Where ``--as-of`` is applied.** Here, in :func:`relations`, and nowhere earlier: the
claims are read whole, with their periods, and each relation's standing on the day
(``kg.periods.standing``) decides whether it is kept. Dates are known to a day, a month or
a year, so whether a relation held on a day is often "may have ended" or "may not have
started", which SPARQL cannot say with a FILTER on xsd:dates (a relation that ended "in
July 2017" is stored as 2017-07-01 with month precision and still held on 2017-07-15).
Deciding in one Python function keeps every report, the network, the metrics and the
pictures on the same rule; the talks roles of the mediators report, which are not
relations between actors, apply the same ``standing`` to each claim.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from rdflib import Literal, URIRef
from rdflib.term import Identifier, Node

from kg.graph import KnowledgeGraph
from kg.periods import Standing, TimePoint, When, period_text, standing
from kg.prefixes import compact
from kg.selection import Filter, LeftOut
from kg.vocab import CKG


@dataclass(frozen=True)
class Source:
    """Where a claim comes from: the document and the sentence quoted."""

    document: str
    title: str | None
    date: str | None
    quote: str | None
    claim: str

    @property
    def label(self) -> str:
        """The source's short name in a table: the document, with its date."""
        return compact(self.document) + (f" ({self.date})" if self.date else "")

    def to_record(self) -> dict[str, Any]:
        """The source as in JSON output: its label, then every field."""
        return {
            "label": self.label,
            "document": self.document,
            "title": self.title,
            "date": self.date,
            "quote": self.quote,
            "claim": self.claim,
        }


@dataclass(frozen=True)
class Claim:
    """One claim read in one direction (a symmetric claim is read in both)."""

    iri: str
    kind: str
    kind_label: str
    direct_label: str
    inverse_label: str | None
    symmetric: bool
    subject: str
    subject_label: str
    object: str
    object_label: str
    status: str
    start: TimePoint | None
    end: TimePoint | None
    source: Source
    office: str | None
    according_to: str | None
    support: tuple[str, ...] = ()
    against: tuple[str, ...] = ()
    via: tuple[str, ...] = ()
    #: The end is the last year the dataset covers, where it was still recorded.
    open_at_coverage_end: bool = False
    #: The armed conflicts it belongs to and where it took place (location texts and state
    #: IRIs): read only when a filter asks (``claims(..., context=True)``).
    conflicts: tuple[str, ...] = ()
    places: tuple[str, ...] = ()

    @property
    def source_day(self) -> date | None:
        """The publication date of the source, if known (and a valid date)."""
        try:
            return date.fromisoformat(self.source.date[:10]) if self.source.date else None
        except ValueError:
            return None


@dataclass
class Relation:
    """Claims that state the same relation with the same status and opponents, over one
    period: the same period, or consecutive periods (the years 2011, 2012, ... 2017 of a
    dataset) that join into one span while each claim keeps its own source and kinds of
    support."""

    claims: list[Claim]
    standing: Standing
    start: TimePoint | None
    end: TimePoint | None
    #: The span's end is the last year its dataset covers (``ckg:openAtCoverageEnd``).
    open_at_coverage_end: bool = False

    @property
    def first(self) -> Claim:
        """A representative claim (they agree on all but their source and kinds of
        support)."""
        return self.claims[0]

    @property
    def sources(self) -> tuple[Source, ...]:
        """The sources of the claims, in order."""
        return tuple(c.source for c in self.claims)

    @property
    def support(self) -> tuple[str, ...]:
        """Every kind of support any claim names, sorted."""
        return tuple(sorted({k for c in self.claims for k in c.support}))

    @property
    def support_by_period(self) -> tuple[dict[str, Any], ...]:
        """The kinds of support of each period the claims give (the years of a dataset),
        in order: ``{"period": "2013", "support": ["troops", "weapons"]}``."""
        periods: dict[tuple[TimePoint | None, TimePoint | None], set[str]] = {}
        for c in self.claims:
            periods.setdefault((c.start, c.end), set()).update(c.support)
        ordered = sorted(periods, key=lambda p: (p[0].first if p[0] else date.min, str(p[1])))
        return tuple(
            {"period": period_text(s, e), "support": sorted(periods[(s, e)])} for s, e in ordered
        )

    @property
    def standing_text(self) -> str:
        """The standing as a report shows it (``last recorded 2017 (end of coverage)``)."""
        return self.standing.text(self.end)


def text_of(value: Node | None) -> str | None:
    """The text of a term, or None."""
    return None if value is None else str(value)


def value_of(value: Node | None) -> Any:
    """The Python value of a literal (an int, a date...), the text of anything else."""
    return value.toPython() if isinstance(value, Literal) else text_of(value)


def time_of(value: Node | None, precision: Node | None, where: str = "") -> TimePoint | None:
    """A date and its precision, as read from a query row (``where`` names it in errors)."""
    return TimePoint.of(value_of(value), precision, where=where)


def claims(
    kg: KnowledgeGraph,
    kind: URIRef | None = None,
    subject: URIRef | Sequence[URIRef] | None = None,
    object: URIRef | Sequence[URIRef] | None = None,
    *,
    context: bool = False,
) -> list[Claim]:
    """The claims of ``kind`` (all kinds if None) read from ``subject`` to ``object``
    (each an actor or several: one bound query each); with ``context``, with their
    conflicts and places too (claim-context.rq).

    relations.rq is asked one claim class at a time (the store's working memory stays that
    of one class), with support-kinds.rq beside it; rows are kept as tuples until the
    claims are made."""
    narrowed: list[dict[str, Identifier]] = []
    for role, sides in (("from", subject), ("to", object)):
        if sides is None:
            continue
        many = [sides] if isinstance(sides, URIRef) else list(sides)
        narrowed = [{**n, role: side} for n in narrowed or [{}] for side in many]
    if (subject is not None or object is not None) and not narrowed:
        return []  # no actor to read from
    kinds = (
        [kind]
        if kind is not None
        else [URIRef(str(r["kind"])) for r in kg.select("relation-kinds").rows]
    )
    asked: list[tuple[str, Mapping[str, Identifier]]] = [
        ("relations", {"kind": k, **narrow}) for k in kinds for narrow in narrowed or [{}]
    ]
    if kind is None or kind == CKG.SupportClaim:
        asked.extend(("support-kinds", narrow) for narrow in narrowed or [{}])
    if context:
        asked.extend(("claim-context", {"kind": k}) for k in kinds)
    details: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    columns: list[str] = []
    stated: list[tuple[Node | None, ...]] = []
    for name, answer in kg.select_each(asked):
        if name == "relations":
            columns = answer.columns
            stated.extend(tuple(row[c] for c in columns) for row in answer.rows)
            continue
        if name == "claim-context":
            for row in answer.rows:
                claim = details[str(row["claim"])]
                for detail in ("conflict", "location", "location_state"):
                    value = text_of(row[detail])
                    if value is not None and value not in claim[detail]:
                        claim[detail].append(value)
            continue
        for row in answer.rows:
            for detail in ("kind", "against", "via"):
                value = text_of(row[detail])
                if value is not None and value not in details[str(row["claim"])][detail]:
                    details[str(row["claim"])][detail].append(value)
    found: dict[tuple[str, str, str], Claim] = {}
    # The query gives its rows in no set order; every store gives them in this one.
    stated.sort(key=_relation_order(columns))
    for values in stated:
        row = dict(zip(columns, values, strict=True))
        key = (str(row["claim"]), str(row["from"]), str(row["to"]))
        if key in found:  # a second label or quote: keep the first
            continue
        extra = details.get(key[0], {})
        found[key] = Claim(
            iri=key[0],
            kind=str(row["kind"]),
            kind_label=str(row["kind_label"]),
            direct_label=str(row["direct_label"]),
            inverse_label=text_of(row["inverse_label"]),
            symmetric=bool(value_of(row["symmetric"])),
            subject=key[1],
            subject_label=text_of(row["from_label"]) or compact(key[1]),
            object=key[2],
            object_label=text_of(row["to_label"]) or compact(key[2]),
            status=str(row["status"]),
            start=time_of(row["start"], row["start_precision"], compact(key[0])),
            end=time_of(row["end"], row["end_precision"], compact(key[0])),
            source=Source(
                document=str(row["source"]),
                title=text_of(row["source_title"]),
                date=text_of(row["source_date"]),
                quote=text_of(row["quote"]),
                claim=key[0],
            ),
            office=text_of(row["office"]),
            according_to=text_of(row["according_to"]),
            support=tuple(sorted(extra.get("kind", []))),
            against=tuple(sorted(extra.get("against", []))),
            via=tuple(sorted(extra.get("via", []))),
            open_at_coverage_end=bool(value_of(row["open"])),
            conflicts=tuple(sorted(extra.get("conflict", []))),
            places=tuple(
                sorted(
                    {p.strip() for text in extra.get("location", []) for p in text.split(",")}
                    | set(extra.get("location_state", []))
                )
            ),
        )
    return list(found.values())


_ORDER = ("kind", "from_label", "to_label", "start", "source", "claim")


def _relation_order(
    columns: Sequence[str],
) -> Callable[[tuple[Node | None, ...]], tuple[str, ...]]:
    """The sort key of a row of relations.rq (a tuple in the order of ``columns``): by kind,
    sides, start, source and claim, then by every other value (which of two labels or
    quotes of one claim is kept must not depend on the store)."""
    first = [columns.index(name) for name in _ORDER]
    rest = [columns.index(name) for name in sorted(columns)]

    def key(values: tuple[Node | None, ...]) -> tuple[str, ...]:
        return tuple("" if values[i] is None else str(values[i]) for i in first + rest)

    return key


def relations(
    found: Iterable[Claim],
    *,
    as_of: When | date | None,
    include_ended: bool,
    scope: Filter | None = None,
    left: LeftOut | None = None,
) -> list[Relation]:
    """Group agreeing claims into relations and keep those in ``scope`` that hold as of
    ``as_of`` (a day or a period: held at some time in it).

    Denied claims are left out (``disputed`` shows them); ended relations only with
    ``include_ended``; relations not yet started as of the date never. Claims of one
    relation that differ only in their kinds of support join (the kinds of each period
    stay with their claims); claims that differ in their opponents (``against``) stay
    apart. What is left out, and why, is counted in ``left``.
    """
    groups: dict[tuple[Any, ...], list[Claim]] = defaultdict(list)
    for c in found:
        if c.status == "denied":
            if left is not None:
                left.add("denied", c)
            continue
        if scope is not None:
            outside = scope.outside(c)
            if outside is not None:
                if left is not None:
                    left.add(outside, c)
                continue
        key = (c.kind, c.subject, c.object, c.status, c.against, c.office)
        groups[key].append(c)
    kept: list[Relation] = []
    for group in groups.values():
        for span, start, end in spans_of(group):
            span.sort(key=lambda c: (c.source.date or "", c.source.document, c.iri))
            days = [c.source_day for c in span if c.source_day is not None]
            still = end is not None and any(c.open_at_coverage_end and c.end == end for c in span)
            state = standing(
                start,
                end,
                ended=span[0].status == "ended",
                source_date=min(days) if days else None,
                as_of=as_of,
                open_at_coverage_end=still,
            )
            if state.listed or (include_ended and state is Standing.ENDED):
                kept.append(Relation(span, state, start, end, still))
            elif left is not None:
                reason = "ended" if state is Standing.ENDED else "not started"
                left.add(reason, span[0], period_text(start, end))
    kept.sort(
        key=lambda r: (
            r.first.subject_label.casefold(),
            r.first.object_label.casefold(),
            r.start.first if r.start else date.min,
            r.first.status,
            r.first.against,
        )
    )
    return kept


def spans_of(
    group: list[Claim],
) -> list[tuple[list[Claim], TimePoint | None, TimePoint | None]]:
    """Split claims of one relation by period, joining periods that follow each other
    without a gap (2011, 2012, 2013 give 2011–2013); a period with an unknown start or
    end is never joined."""
    by_period: dict[tuple[TimePoint | None, TimePoint | None], list[Claim]] = defaultdict(list)
    for c in group:
        by_period[(c.start, c.end)].append(c)
    closed = sorted(
        ((s, e) for s, e in by_period if s is not None and e is not None),
        key=lambda p: (p[0].first, p[1].last),
    )
    spans: list[tuple[list[Claim], TimePoint | None, TimePoint | None]] = [
        (claims_, s, e) for (s, e), claims_ in by_period.items() if s is None or e is None
    ]
    current: tuple[list[Claim], TimePoint, TimePoint] | None = None
    for s, e in closed:
        assert s is not None and e is not None
        if current is not None and (s.first - current[2].last).days <= 1:
            end = e if e.last > current[2].last else current[2]
            current = (current[0] + by_period[(s, e)], current[1], end)
        else:
            if current is not None:
                spans.append(current)
            current = (list(by_period[(s, e)]), s, e)
    if current is not None:
        spans.append(current)
    return spans
