"""Relationship reports: who backs whom, allies, adversaries, mediators, agreements, actor
profiles, timelines and disputed relations, each as of any date.

Every report asks the bundled SPARQL queries (``relations.rq``, ``talks-roles.rq``, ...) and
returns a :class:`Report` of plain rows; formatting happens in ``kg.output``. Claims that
state the same relation with the same period and status are one row with several sources;
claims that differ stay apart (and ``disputed`` lists them). The time rules are those of
``kg.periods``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rdflib import Literal, URIRef
from rdflib.term import Identifier, Node

from kg import actors
from kg.errors import TooBig
from kg.graph import KnowledgeGraph
from kg.output import compact
from kg.periods import Standing, TimePoint, period_text, standing, weakest
from kg.vocab import CKG

ALLIANCE = URIRef(str(CKG._NS) + "AllianceClaim")
OPPOSITION = URIRef(str(CKG._NS) + "OppositionClaim")
OFFICE = URIRef(str(CKG._NS) + "OfficeClaim")
PEACE_PROCESS = URIRef(str(CKG._NS) + "PeaceProcess")

AS_OF_RULE = (
    "as of a date, a relation that ended within a month or year containing that date is "
    "listed and flagged 'may have ended'; one whose month or year of start contains it, "
    "'may not have started'"
)


@dataclass
class Report:
    """Rows of a report: ``columns`` are the keys of each row (JSON and CSV), and
    ``table`` the (key, heading) pairs shown in a table or Markdown."""

    rows: list[dict[str, Any]]
    columns: list[str]
    table: list[tuple[str, str]]
    notes: list[str] = field(default_factory=list)


# The keys of Relation.common(), which every row of a relation carries.
RELATION_COLUMNS = [
    "start",
    "start_precision",
    "end",
    "end_precision",
    "period",
    "status",
    "standing",
    "sources",
]


@dataclass(frozen=True)
class Source:
    """Where a claim comes from: the document and the sentence quoted."""

    document: str
    title: str | None
    date: str | None
    quote: str | None
    claim: str

    def as_dict(self) -> dict[str, Any]:
        """The source as a JSON object; ``label`` is its short name for tables."""
        label = compact(self.document) + (f" ({self.date})" if self.date else "")
        return {
            "label": label,
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

    @property
    def source_day(self) -> date | None:
        """The publication date of the source, if known (and a valid date)."""
        try:
            return date.fromisoformat(self.source.date[:10]) if self.source.date else None
        except ValueError:
            return None


@dataclass
class Relation:
    """Claims that state the same relation with the same status, over one period: the
    same period, or consecutive periods (the years 2011, 2012, ... 2017 of a dataset) that
    join into one span while each claim keeps its own source."""

    claims: list[Claim]
    standing: Standing
    start: TimePoint | None
    end: TimePoint | None

    @property
    def first(self) -> Claim:
        """A representative claim (they agree on all but their source)."""
        return self.claims[0]

    def sources(self) -> list[dict[str, Any]]:
        """The sources of the claims, in order."""
        return [c.source.as_dict() for c in self.claims]

    def common(self) -> dict[str, Any]:
        """The keys every relation row shares: period, status, standing, sources."""
        return {
            "start": str(self.start) if self.start else None,
            "start_precision": self.start.precision.value if self.start else None,
            "end": str(self.end) if self.end else None,
            "end_precision": self.end.precision.value if self.end else None,
            "period": period_text(self.start, self.end),
            "status": self.first.status,
            "standing": self.standing.value,
            "sources": self.sources(),
        }


def _text(value: Node | None) -> str | None:
    return None if value is None else str(value)


def _python(value: Node | None) -> Any:
    """The Python value of a literal (an int, a date...), the text of anything else."""
    return value.toPython() if isinstance(value, Literal) else _text(value)


def _time(value: Node | None, precision: Node | None, where: str = "") -> TimePoint | None:
    return TimePoint.of(_python(value), precision, where=where)


def claims(
    kg: KnowledgeGraph,
    kind: URIRef | None = None,
    subject: URIRef | None = None,
    object: URIRef | None = None,
) -> list[Claim]:
    """The claims of ``kind`` (all kinds if None) read from ``subject`` to ``object``.

    relations.rq is asked one claim class at a time (the store's working memory stays that
    of one class), with support-kinds.rq beside it; rows are kept as tuples until the
    claims are made."""
    narrow: dict[str, Identifier] = {}
    if subject is not None:
        narrow["from"] = subject
    if object is not None:
        narrow["to"] = object
    kinds = (
        [kind]
        if kind is not None
        else [URIRef(str(r["kind"])) for r in kg.select("relation-kinds").rows]
    )
    asked: list[tuple[str, Mapping[str, Identifier]]] = [
        ("relations", {"kind": k, **narrow}) for k in kinds
    ]
    if kind is None or kind == CKG.SupportClaim:
        asked.append(("support-kinds", narrow))
    details: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    columns: list[str] = []
    stated: list[tuple[Node | None, ...]] = []
    for name, answer in kg.select_each(asked):
        if name == "relations":
            columns = answer.columns
            stated.extend(tuple(row[c] for c in columns) for row in answer.rows)
            continue
        for row in answer.rows:
            for detail in ("kind", "against", "via"):
                value = _text(row[detail])
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
            inverse_label=_text(row["inverse_label"]),
            symmetric=bool(_python(row["symmetric"])),
            subject=key[1],
            subject_label=_text(row["from_label"]) or compact(key[1]),
            object=key[2],
            object_label=_text(row["to_label"]) or compact(key[2]),
            status=str(row["status"]),
            start=_time(row["start"], row["start_precision"], compact(key[0])),
            end=_time(row["end"], row["end_precision"], compact(key[0])),
            source=Source(
                document=str(row["source"]),
                title=_text(row["source_title"]),
                date=_text(row["source_date"]),
                quote=_text(row["quote"]),
                claim=key[0],
            ),
            office=_text(row["office"]),
            according_to=_text(row["according_to"]),
            support=tuple(sorted(extra.get("kind", []))),
            against=tuple(sorted(extra.get("against", []))),
            via=tuple(sorted(extra.get("via", []))),
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


def relations(found: Iterable[Claim], *, as_of: date | None, include_ended: bool) -> list[Relation]:
    """Group agreeing claims into relations and keep those that hold as of ``as_of``.

    Denied claims are left out (``disputed`` shows them); ended relations only with
    ``include_ended``; relations not yet started as of the date never.
    """
    groups: dict[tuple[Any, ...], list[Claim]] = defaultdict(list)
    for c in found:
        if c.status == "denied":
            continue
        key = (c.kind, c.subject, c.object, c.status, c.support, c.office)
        groups[key].append(c)
    kept: list[Relation] = []
    for group in groups.values():
        for span, start, end in _spans(group):
            span.sort(key=lambda c: (c.source.date or "", c.source.document, c.iri))
            days = [c.source_day for c in span if c.source_day is not None]
            state = standing(
                start,
                end,
                ended=span[0].status == "ended",
                source_date=min(days) if days else None,
                as_of=as_of,
            )
            if state.listed or (include_ended and state is Standing.ENDED):
                kept.append(Relation(span, state, start, end))
    kept.sort(
        key=lambda r: (
            r.first.subject_label.casefold(),
            r.first.object_label.casefold(),
            r.start.first if r.start else date.min,
            r.first.status,
        )
    )
    return kept


def _spans(
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


def _as_of_notes(as_of: date | None, rows: Sequence[dict[str, Any]]) -> list[str]:
    if as_of is None:
        return []
    notes = [f"as of {as_of.isoformat()}"]
    if any(r.get("standing") not in ("current", "ended") for r in rows):
        notes.append(AS_OF_RULE)
    return notes


# --- who backs whom -----------------------------------------------------------------------

#: The longest chain of backing followed by default, and the most chains listed: past it
#: the report is refused (TooBig) rather than cut. 20 actors that all back each other
#: have 1.9 million chains of at most 4 links; real data at 1M triples some hundreds.
MAX_HOPS = 4
MAX_CHAINS = 10_000
#: Paths tried per chain allowed, at most, before the search is given up (TooBig): paths
#: that lead nowhere (to --of, in time) cost work too.
_STEPS_PER_CHAIN = 20


def backers(
    kg: KnowledgeGraph,
    *,
    of: str | None = None,
    by: str | None = None,
    as_of: date | None = None,
    include_ended: bool = False,
    indirect: bool = False,
    max_hops: int = MAX_HOPS,
    max_chains: int = MAX_CHAINS,
) -> Report:
    """Who backs whom: ``of`` names the recipient, ``by`` the backer (any name or IRI).

    With ``indirect``, chains of backing (A backs B, B backs C) of up to ``max_hops``
    links are added with their path: one chain per path of actors, whose links held at
    the same time (their periods overlap), the period they all held as its period. More
    than ``max_chains`` chains raise TooBig rather than list some of them.
    """
    recipient = actors.resolve(kg, of).iri if of is not None else None
    backer = actors.resolve(kg, by).iri if by is not None else None
    kind = URIRef(str(CKG.SupportClaim))
    if indirect:
        every = relations(claims(kg, kind), as_of=as_of, include_ended=include_ended)
        found = _chains(every, backer, recipient, max_hops, max_chains)
    else:
        direct = relations(
            claims(kg, kind, backer, recipient), as_of=as_of, include_ended=include_ended
        )
        found = [[[r]] for r in direct]
    rows = [_backing_row(chain) for chain in found]
    columns = [
        "backer",
        "backer_label",
        "recipient",
        "recipient_label",
        "support",
        "against",
        "via",
        *RELATION_COLUMNS,
    ]
    table = [
        ("backer_label", "backer"),
        ("recipient_label", "recipient"),
        ("support", "support"),
        ("period", "period"),
        ("status", "status"),
        ("standing", "as of"),
        ("sources", "sources"),
    ]
    if indirect:
        columns += ["hops", "path"]
        table.insert(2, ("route", "path"))
    return Report(rows, columns, table, _as_of_notes(as_of, rows))


def _backing_row(links: list[list[Relation]]) -> dict[str, Any]:
    """The row of a direct relation (one link of one relation) or of a chain (links of one
    or more relations of one pair each)."""
    chain = [link[0] for link in links]
    head, tail = chain[0].first, chain[-1].first
    if len(chain) == 1:
        row = {
            "backer": head.subject,
            "backer_label": head.subject_label,
            "recipient": head.object,
            "recipient_label": head.object_label,
            "support": list(head.support),
            "against": list(head.against),
            "via": list(head.via),
            **chain[0].common(),
        }
    else:
        # A chain's links may each be several relations (one pair, several periods):
        # the chain held from the latest start to the earliest end of its links.
        starts = [min(_starts(link), key=_first) for link in links]
        ends = [max(_ends(link), key=_last) for link in links]
        start = max(starts, key=_first)
        end = min(ends, key=_last)
        row = {
            "backer": head.subject,
            "backer_label": head.subject_label,
            "recipient": tail.object,
            "recipient_label": tail.object_label,
            "support": [],
            "against": [],
            "via": [],
            "start": str(start) if start else None,
            "start_precision": start.precision.value if start else None,
            "end": str(end) if end else None,
            "end_precision": end.precision.value if end else None,
            "period": period_text(start, end),
            "status": "indirect",
            "standing": weakest(r.standing for link in links for r in link).value,
            "sources": [s for link in links for r in link for s in r.sources()],
        }
    row["hops"] = len(chain)
    row["path"] = [head.subject_label] + [r.first.object_label for r in chain]
    row["route"] = " → ".join(row["path"])  # the path as the table shows it
    return row


def _first(point: TimePoint | None) -> date:
    return point.first if point is not None else date.min


def _last(point: TimePoint | None) -> date:
    return point.last if point is not None else date.max


def _starts(link: list[Relation]) -> list[TimePoint | None]:
    return [r.start for r in link]


def _ends(link: list[Relation]) -> list[TimePoint | None]:
    return [r.end for r in link]


def _span(relation: Relation) -> tuple[date, date]:
    """The days a relation may have held: from the first day of its start period (or
    always, when unknown) to the last day of its end period (or its source's date when it
    ended at an unknown date, or for ever when it has not ended)."""
    end = _last(relation.end)
    if relation.end is None and relation.first.status == "ended":
        days = [c.source_day for c in relation.claims if c.source_day is not None]
        end = min(days) if days else date.max
    return _first(relation.start), end


def _meet(
    window: list[tuple[date, date]], spans: list[tuple[date, date]]
) -> list[tuple[date, date]]:
    """The days in both ``window`` and ``spans`` (lists of day ranges)."""
    return sorted(
        {(max(a, c), min(b, d)) for a, b in window for c, d in spans if max(a, c) <= min(b, d)}
    )


def _chains(
    found: list[Relation],
    backer: URIRef | None,
    recipient: URIRef | None,
    max_hops: int,
    max_chains: int = MAX_CHAINS,
) -> list[list[list[Relation]]]:
    """The chains of backing of at most ``max_hops`` links, from ``backer`` and to
    ``recipient``: paths of actors without repeats whose links held at one time (one
    relation of each link at least overlaps one of every other). Each path is one chain
    (its links listing the relations of each pair that fit), direct relations included.
    More than ``max_chains`` chains, or a search that tries more than _STEPS_PER_CHAIN
    paths per chain allowed, raise TooBig."""
    pairs: dict[tuple[str, str], list[Relation]] = defaultdict(list)
    for r in found:
        pairs[(r.first.subject, r.first.object)].append(r)
    out: dict[str, list[str]] = defaultdict(list)
    for a, b in pairs:
        out[a].append(b)
    spans = {pair: [_span(r) for r in link] for pair, link in pairs.items()}
    # How far each actor is from the recipient: a path that cannot reach it in the links
    # left is not followed.
    near: dict[str, int] | None = None
    if recipient is not None:
        into: dict[str, list[str]] = defaultdict(list)
        for a, b in pairs:
            into[b].append(a)
        near = {str(recipient): 0}
        todo = [str(recipient)]
        for step in range(1, max_hops + 1):
            todo = [a for b in todo for a in into[b] if a not in near]
            for a in todo:
                near.setdefault(a, step)
    chains: list[tuple[list[str], list[tuple[date, date]]]] = []
    rows = 0  # a direct pair is a row for each of its relations, a longer path one row
    steps = 0
    budget = max_chains * _STEPS_PER_CHAIN

    def too_many() -> TooBig:
        return TooBig(
            f"more than {max_chains:,} chains of backing of at most {max_hops} links "
            "(--max-chains); narrow the report with --of, --by, --as-of or --max-hops, "
            "or raise --max-chains"
        )

    def walk(path: list[str], window: list[tuple[date, date]]) -> None:
        nonlocal steps, rows
        steps += 1
        if steps > budget:
            raise too_many()
        if len(path) > 1 and (recipient is None or path[-1] == str(recipient)):
            chains.append((path, window))
            rows += len(pairs[(path[0], path[1])]) if len(path) == 2 else 1
            if rows > max_chains:
                raise too_many()
            if recipient is not None:
                return  # on from the recipient, a path could only come back to it
        left = max_hops - (len(path) - 1)  # links that may still be added
        if left <= 0:
            return
        for nxt in out.get(path[-1], []):
            if nxt in path or (near is not None and near.get(nxt, left + 1) > left - 1):
                continue
            meet = _meet(window, spans[(path[-1], nxt)])
            if meet:
                walk(path + [nxt], meet)

    starts = sorted({a for a, _b in pairs if backer is None or a == str(backer)})
    for a in starts:
        walk([a], [(date.min, date.max)])
    result: list[list[list[Relation]]] = []
    for path, window in chains:
        if len(path) == 2:  # a direct relation: each is a row of its own, as without chains
            result.extend([[r]] for r in pairs[(path[0], path[1])])
            continue
        links = [
            [r for r in pairs[(a, b)] if _meet(window, [_span(r)])]
            for a, b in zip(path, path[1:], strict=False)
        ]
        result.append(links)
    result.sort(
        key=lambda links: (
            len(links),
            [link[0].first.subject_label for link in links],
            links[-1][0].first.object_label,
            [_first(link[0].start) for link in links],
        )
    )
    return result


# --- allies and adversaries ---------------------------------------------------------------


def _partners(
    kg: KnowledgeGraph,
    kind: URIRef,
    actor: str | None,
    other_key: str,
    as_of: date | None,
    include_ended: bool,
) -> Report:
    subject = actors.resolve(kg, actor).iri if actor is not None else None
    found = relations(claims(kg, kind, subject), as_of=as_of, include_ended=include_ended)
    rows = []
    for r in found:
        c = r.first
        if (
            subject is None
            and c.symmetric
            and c.subject_label.casefold() > c.object_label.casefold()
        ):
            continue  # each pair once when no actor is given
        rows.append(
            {
                "actor": c.subject,
                "actor_label": c.subject_label,
                other_key: c.object,
                f"{other_key}_label": c.object_label,
                **r.common(),
            }
        )
    columns = [
        "actor",
        "actor_label",
        other_key,
        f"{other_key}_label",
        *RELATION_COLUMNS,
    ]
    table = [
        ("actor_label", "actor"),
        (f"{other_key}_label", other_key),
        ("period", "period"),
        ("status", "status"),
        ("standing", "as of"),
        ("sources", "sources"),
    ]
    return Report(rows, columns, table, _as_of_notes(as_of, rows))


def allies(
    kg: KnowledgeGraph, actor: str, *, as_of: date | None = None, include_ended: bool = False
) -> Report:
    """The allies of ``actor``; alliance is symmetric."""
    return _partners(kg, ALLIANCE, actor, "ally", as_of, include_ended)


def adversaries(
    kg: KnowledgeGraph,
    actor: str | None = None,
    *,
    as_of: date | None = None,
    include_ended: bool = False,
) -> Report:
    """Who fights or opposes ``actor`` (or every hostile pair, once each)."""
    return _partners(kg, OPPOSITION, actor, "adversary", as_of, include_ended)


# --- mediators, guarantors and hosts ------------------------------------------------------

ROLE_ORDER = {"mediator": 0, "guarantor": 1, "host": 2}


def mediators(
    kg: KnowledgeGraph,
    *,
    process: str | None = None,
    as_of: date | None = None,
    include_ended: bool = False,
) -> Report:
    """Mediators, guarantors and hosts of each peace process, with the rounds they took part in
    (as mediator, host, guarantor or participant, themselves or through a delegation).

    With ``as_of``, only the roles whose claims hold on that day (claims without dates
    always do); ended roles only with ``include_ended``."""
    bindings: dict[str, Identifier] = {}
    if process is not None:
        bindings["process"] = actors.resolve(kg, process, PEACE_PROCESS, "peace process").iri
    rows_in = kg.select("talks-roles", bindings).rows
    rounds: dict[tuple[str, str], set[tuple[int, str]]] = defaultdict(set)
    groups: dict[tuple[str, str, str], list[dict[str, Node | None]]] = defaultdict(list)
    for row in rows_in:
        where = compact(str(row["claim"]))
        state = standing(
            _time(row["start"], row["start_precision"], where),
            _time(row["end"], row["end_precision"], where),
            ended=str(row["status"]) == "ended",
            source_date=None,
            as_of=as_of,
        )
        if str(row["status"]) == "denied" or not (
            state.listed or (include_ended and state is Standing.ENDED)
        ):
            continue
        actor, proc = str(row["actor"]), str(row["process"])
        if row["round"] is not None:
            number = row["round_number"]
            rounds[(proc, actor)].add(
                (int(_python(number)) if number is not None else 0, str(row["round_label"]))
            )
        if str(row["role"]) in ROLE_ORDER:
            groups[(proc, actor, str(row["role"]))].append(row)
    rows: list[dict[str, Any]] = []
    for (proc, actor, role), group in groups.items():
        first = group[0]
        sources: dict[str, dict[str, Any]] = {}
        for g in group:
            source = Source(
                str(g["source"]),
                _text(g["source_title"]),
                _text(g["source_date"]),
                _text(g["quote"]),
                str(g["claim"]),
            )
            sources.setdefault(source.claim, source.as_dict())
        rows.append(
            {
                "actor": actor,
                "actor_label": _text(first["actor_label"]) or compact(actor),
                "role": role,
                "process": proc,
                "process_label": _text(first["process_label"]) or compact(proc),
                "talks": sorted(
                    {_text(g["talks_label"]) or compact(str(g["talks"])) for g in group}
                ),
                "rounds": [label for _n, label in sorted(rounds.get((proc, actor), set()))],
                "sources": sorted(sources.values(), key=lambda s: (s["date"] or "", s["claim"])),
            }
        )
    rows.sort(key=lambda r: (r["process_label"], ROLE_ORDER[r["role"]], r["actor_label"]))
    columns = [
        "process",
        "process_label",
        "actor",
        "actor_label",
        "role",
        "talks",
        "rounds",
        "sources",
    ]
    table = [
        ("process_label", "process"),
        ("actor_label", "actor"),
        ("role", "role"),
        ("talks", "talks"),
        ("rounds", "rounds"),
        ("sources", "sources"),
    ]
    return Report(rows, columns, table)


# --- agreements ---------------------------------------------------------------------------


def agreements(kg: KnowledgeGraph) -> Report:
    """Each agreement with its date, place, parties, guarantors and the round that made it."""
    parties = _by_object(claims(kg, URIRef(str(CKG._NS) + "SignatoryClaim")))
    guarantors = _by_object(claims(kg, URIRef(str(CKG._NS) + "GuaranteeClaim")))
    rows: list[dict[str, Any]] = []
    found = kg.select("agreements").rows
    # The documents an agreement itself is derived from (prov:wasDerivedFrom), then the
    # sources of the claims that name its parties and guarantors.
    documents: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for row in found:
        if row["document"] is not None:
            source = Source(
                str(row["document"]),
                _text(row["document_title"]),
                _text(row["document_date"]),
                None,
                str(row["agreement"]),
            )
            documents[str(row["agreement"])].setdefault(source.document, source.as_dict())
    seen: set[str] = set()
    for row in found:
        iri = str(row["agreement"])
        if iri in seen:
            continue
        seen.add(iri)
        when = _time(row["date"], row["date_precision"], compact(iri))
        signed = parties.get(iri, [])
        guaranteed = guarantors.get(iri, [])
        sources = dict(documents.get(iri, {}))
        for c in signed + guaranteed:
            sources.setdefault(c.iri, c.source.as_dict())
        rows.append(
            {
                "agreement": iri,
                "agreement_label": _text(row["agreement_label"]) or compact(iri),
                "type": str(row["type_label"]),
                "date": str(when) if when else None,
                "date_precision": when.precision.value if when else None,
                "place": _text(row["place_label"]),
                "round": _text(row["round"]),
                "round_label": _text(row["round_label"]),
                "process": _text(row["process_label"]),
                "proposed_by": _text(row["proposer_label"]),
                "zones": _python(row["zones"]),
                "parties": _labels(c.subject_label for c in signed),
                "guarantors": _labels(c.subject_label for c in guaranteed),
                "sources": list(sources.values()),
            }
        )
    columns = [
        "agreement",
        "agreement_label",
        "type",
        "date",
        "date_precision",
        "place",
        "round",
        "round_label",
        "process",
        "proposed_by",
        "zones",
        "parties",
        "guarantors",
        "sources",
    ]
    table = [
        ("agreement_label", "agreement"),
        ("date", "date"),
        ("place", "place"),
        ("round_label", "round"),
        ("parties", "parties"),
        ("guarantors", "guarantors"),
        ("proposed_by", "proposed by"),
        ("sources", "sources"),
    ]
    return Report(rows, columns, table)


def _by_object(found: Iterable[Claim]) -> dict[str, list[Claim]]:
    grouped: dict[str, list[Claim]] = defaultdict(list)
    for c in found:
        if c.status != "denied":
            grouped[c.object].append(c)
    return grouped


def _labels(labels: Iterable[str]) -> list[str]:
    return sorted(set(labels), key=str.casefold)


# --- actor profile ------------------------------------------------------------------------


@dataclass
class Profile:
    """One actor: who it is, and every relation it has, in both directions."""

    actor: str
    label: str
    types: list[str]
    names: list[str]
    links: list[str]
    offices: Report
    relations: Report


def actor_profile(
    kg: KnowledgeGraph, actor: str, *, as_of: date | None = None, include_ended: bool = True
) -> Profile:
    """The profile of ``actor``: types, names, links, offices held, and every relation."""
    who = actors.resolve(kg, actor)
    types: list[str] = []
    links: list[str] = []
    for row in kg.select("actor-types", {"actor": who.iri}).rows:
        if row["type_label"] is not None:
            types.append(str(row["type_label"]))
        elif row["link_label"] is not None:
            other = _text(row["other_label"]) or compact(str(row["other"]))
            link = str(row["link_label"])
            links.append(
                f"{link} {other}" if str(row["direction"]) == "out" else f"{other} is {link} it"
            )
    names = sorted(
        {str(r["name"]) for r in kg.select("names", {"class": CKG.Actor, "thing": who.iri}).rows}
        - {who.label},
        key=str.casefold,
    )
    outgoing = claims(kg, subject=who.iri)
    incoming = [c for c in claims(kg, object=who.iri) if not c.symmetric]
    found = relations(outgoing + incoming, as_of=as_of, include_ended=include_ended)
    rows = []
    office_rows = []
    for r in found:
        c = r.first
        out = c.subject == str(who.iri)
        if out:
            relation, other, other_label = c.direct_label, c.object, c.object_label
        else:
            relation = c.inverse_label or f"{c.direct_label} (reverse)"
            other, other_label = c.subject, c.subject_label
        detail = c.office or ", ".join(c.support) or None
        statement = f"{c.subject_label} {c.direct_label} {c.object_label}"
        if c.office:
            statement += f" ({c.office})"
        rows.append(
            {
                "direction": "out" if out else "in",
                "relation": relation,
                "other": other,
                "other_label": other_label,
                "detail": detail,
                "statement": statement,
                "kind": c.kind_label,
                **r.common(),
            }
        )
        if out and c.kind == str(OFFICE):
            office_rows.append(
                {
                    "office": c.office,
                    "organisation": c.object,
                    "organisation_label": c.object_label,
                    **r.common(),
                }
            )
    columns = [
        "direction",
        "relation",
        "other",
        "other_label",
        "detail",
        "statement",
        "kind",
        *RELATION_COLUMNS,
    ]
    table = [
        ("statement", "relation"),
        ("period", "period"),
        ("status", "status"),
        ("standing", "as of"),
        ("sources", "sources"),
    ]
    office_columns = [
        "office",
        "organisation",
        "organisation_label",
        *RELATION_COLUMNS,
    ]
    office_table = [
        ("office", "office"),
        ("organisation_label", "in"),
        ("period", "period"),
        ("status", "status"),
        ("sources", "sources"),
    ]
    return Profile(
        actor=str(who.iri),
        label=who.label,
        types=sorted(set(types)),
        names=names,
        links=sorted(links),
        offices=Report(office_rows, office_columns, office_table),
        relations=Report(rows, columns, table, _as_of_notes(as_of, rows)),
    )


# --- timeline -----------------------------------------------------------------------------


def timeline(kg: KnowledgeGraph, *, actor: str | None = None) -> Report:
    """Dated events, agreements, and the starts and ends of relations, in order of date.

    With ``actor``: the talks it took part in (itself or by delegation), mediated or hosted,
    the agreements it signed, guaranteed or proposed, and its relations.
    """
    who = actors.resolve(kg, actor) if actor is not None else None
    found = claims(kg)
    involved: set[str] | None = None
    if who is not None:
        involved = {c.object for c in found if c.subject == str(who.iri)}
        involved |= {
            str(r["talks"])
            for r in kg.select("talks-roles").rows
            if str(r["actor"]) == str(who.iri)
        }
        involved |= {
            str(r["agreement"])
            for r in kg.select("agreements").rows
            if r["proposer"] is not None and str(r["proposer"]) == str(who.iri)
        }
        found = [c for c in found if str(who.iri) in (c.subject, c.object)]
    rows: list[dict[str, Any]] = []
    seen_events: set[str] = set()
    for row in kg.select("timeline-events").rows:
        thing = str(row["thing"])
        if thing in seen_events or (involved is not None and thing not in involved):
            continue
        seen_events.add(thing)
        start = _time(row["start"], row["start_precision"], compact(thing))
        end = _time(row["end"], row["end_precision"], compact(thing))
        when = start or end
        assert when is not None
        label = _text(row["label"]) or compact(thing)
        rows.append(
            _timeline_row(
                when,
                f"{label} ends" if start is None else label,
                str(row["type_label"]),
                thing,
                period_text(start, end),
                _text(row["place_label"]),
                [],
            )
        )
    relation_points: dict[tuple[str, str, str, str], list[Claim]] = defaultdict(list)
    for c in found:
        if c.status == "denied" or (c.symmetric and c.subject > c.object):
            continue
        for which, point in (("begins", c.start), ("ends", c.end)):
            if point is not None:
                relation_points[(which, str(point), c.kind, f"{c.subject}|{c.object}")].append(c)
    for (which, _p, _k, _pair), group in relation_points.items():
        c = group[0]
        point = c.start if which == "begins" else c.end
        assert point is not None
        text = f"{c.subject_label} {c.direct_label} {c.object_label}"
        rows.append(
            _timeline_row(
                point,
                f"{text}: {which}",
                f"relation {which}",
                c.iri,
                period_text(c.start, c.end),
                None,
                [g.source.as_dict() for g in group],
            )
        )
    rows.sort(key=lambda r: (r["sort_date"], r["event"].casefold()))
    columns = [
        "date",
        "date_precision",
        "sort_date",
        "event",
        "kind",
        "subject",
        "period",
        "place",
        "sources",
    ]
    table = [
        ("date", "date"),
        ("event", "what"),
        ("kind", "kind"),
        ("place", "place"),
        ("sources", "sources"),
    ]
    return Report(rows, columns, table)


def _timeline_row(
    when: TimePoint,
    event: str,
    kind: str,
    subject: str,
    period: str,
    place: str | None,
    sources: list[dict[str, Any]],
) -> dict[str, Any]:
    return {
        "date": str(when),
        "date_precision": when.precision.value,
        "sort_date": when.first.isoformat(),
        "event": event,
        "kind": kind,
        "subject": subject,
        "period": period,
        "place": place,
        "sources": sources,
    }


# --- disputed relations -------------------------------------------------------------------


def disputed(kg: KnowledgeGraph) -> Report:
    """Relations on which sources disagree: different starts or ends, ended versus going on,
    or asserted or alleged versus denied."""
    by_relation: dict[tuple[str, str, str], list[Claim]] = defaultdict(list)
    for c in claims(kg):
        if c.symmetric and c.subject > c.object:
            continue
        by_relation[(c.kind, c.subject, c.object)].append(c)
    rows: list[dict[str, Any]] = []
    for group in by_relation.values():
        issues = _disagreements(group)
        if not issues:
            continue
        c = group[0]
        rows.append(
            {
                "relation": f"{c.subject_label} {c.direct_label} {c.object_label}",
                "kind": c.kind_label,
                "subject": c.subject,
                "object": c.object,
                "issues": issues,
                "claims": [
                    {
                        "label": _claim_label(g),
                        "status": g.status,
                        "period": period_text(g.start, g.end),
                        **{k: v for k, v in g.source.as_dict().items() if k != "label"},
                    }
                    for g in sorted(group, key=lambda g: (g.source.date or "", g.iri))
                ],
            }
        )
    rows.sort(key=lambda r: r["relation"].casefold())
    columns = ["relation", "kind", "subject", "object", "issues", "claims"]
    table = [("relation", "relation"), ("issues", "disagreement"), ("claims", "claims")]
    return Report(rows, columns, table)


def _claim_label(claim: Claim) -> str:
    period = period_text(claim.start, claim.end)
    return f"{compact(claim.source.document)}: {claim.status} {period}".strip()


def _disagreements(group: list[Claim]) -> list[str]:
    issues: list[str] = []
    documents = {c.source.document for c in group}
    if len(documents) < 2:
        return issues
    starts = {str(c.start) for c in group if c.start}
    ends = {str(c.end) for c in group if c.end}
    if len(starts) > 1:
        issues.append(f"start differs ({', '.join(sorted(starts))})")
    if len(ends) > 1:
        issues.append(f"end differs ({', '.join(sorted(ends))})")
    ended = [c for c in group if c.status == "ended" or c.end is not None]
    going_on = [c for c in group if c.status in ("asserted", "alleged") and c.end is None]
    for e in ended:
        end_day = e.end.first if e.end else e.source_day
        later = [
            g
            for g in going_on
            if end_day is None or g.source_day is None or g.source_day >= end_day
        ]
        if later:
            issues.append("one source says it ended, another that it goes on")
            break
    statuses = {c.status for c in group}
    if "denied" in statuses and statuses & {"asserted", "alleged", "ended"}:
        issues.append("denied by one source, stated by another")
    return issues


# --- proxy conflicts ----------------------------------------------------------------------


def proxies(
    kg: KnowledgeGraph,
    actor: str | None = None,
    *,
    as_of: date | None = None,
    include_ended: bool = False,
) -> Report:
    """Proxy conflicts: A backs B and B fights C, so A is in an indirect conflict with C.

    With ``actor``, only the chains where it is the backer or the target.
    """
    who = actors.resolve(kg, actor).iri if actor is not None else None
    support = relations(
        claims(kg, URIRef(str(CKG.SupportClaim))), as_of=as_of, include_ended=include_ended
    )
    hostile = relations(claims(kg, OPPOSITION), as_of=as_of, include_ended=include_ended)
    fights: dict[str, list[Relation]] = defaultdict(list)
    for h in hostile:
        fights[h.first.subject].append(h)
    rows: list[dict[str, Any]] = []
    for s in support:
        backer, proxy = s.first, s.first.object
        for h in fights.get(proxy, []):
            target = h.first
            if target.object == backer.subject:
                continue
            if who is not None and str(who) not in (backer.subject, target.object):
                continue
            chain = (
                f"{backer.subject_label} {backer.direct_label} {backer.object_label} → "
                f"{target.subject_label} {target.direct_label} {target.object_label}"
            )
            rows.append(
                {
                    "backer": backer.subject,
                    "backer_label": backer.subject_label,
                    "proxy": proxy,
                    "proxy_label": backer.object_label,
                    "target": target.object,
                    "target_label": target.object_label,
                    "chain": chain,
                    "standing": weakest((s.standing, h.standing)).value,
                    "sources": s.sources() + h.sources(),
                }
            )
    rows.sort(
        key=lambda r: (
            r["backer_label"].casefold(),
            r["target_label"].casefold(),
            r["proxy_label"].casefold(),
        )
    )
    columns = [
        "backer",
        "backer_label",
        "proxy",
        "proxy_label",
        "target",
        "target_label",
        "chain",
        "standing",
        "sources",
    ]
    table = [
        ("backer_label", "backer"),
        ("proxy_label", "backs (proxy)"),
        ("target_label", "which fights"),
        ("standing", "as of"),
        ("sources", "sources"),
    ]
    return Report(rows, columns, table, _as_of_notes(as_of, rows))
