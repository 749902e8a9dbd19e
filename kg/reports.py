"""Relationship reports: who backs whom, allies, adversaries, mediators, agreements, actor
profiles, timelines and disputed relations, each as of any date.

Every report asks the bundled SPARQL queries (``relations.rq``, ``talks-roles.rq``, ...) and
returns a :class:`kg.results.Result` of typed rows (``kg.results``), which also renders
them; the claim model and the ``--as-of`` rule are ``kg.claims``'s. Claims that
state the same relation with the same period and status are one row with several sources;
claims that differ stay apart (and ``disputed`` lists them). The time rules are those of
``kg.periods``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from rdflib import URIRef
from rdflib.term import Identifier, Node

from kg import actors
from kg.claims import (
    Claim,
    Relation,
    Source,
    claims,
    relations,
    spans_of,
    text_of,
    time_of,
    value_of,
)
from kg.errors import KGError, TooBig
from kg.graph import KnowledgeGraph
from kg.names import normalise
from kg.periods import CERTAINTY, Standing, TimePoint, When, as_when, period_text, standing
from kg.prefixes import compact
from kg.results import (
    ActorProfile,
    ActorRelation,
    Agreement,
    Alliance,
    Backing,
    Dispute,
    DisputedClaim,
    Event,
    Office,
    Opposition,
    Proxy,
    Result,
    ThirdParty,
    held,
    held_between,
)
from kg.selection import Filter, LeftOut, Scope, notes_of, scoped
from kg.vocab import CKG
from kg.vocabulary import Vocabulary

# The role of a claim about an agreement's parties that names the agreement.
CKG_AGREEMENT_ROLE = URIRef(str(CKG) + "agreement")

AS_OF_RULE = (
    "as of a date, a relation that ended within a month or year containing that date is "
    "listed and flagged 'may have ended'; one whose month or year of start contains it, "
    "'may not have started'"
)


def selection_notes(
    as_of: When | date | str | None,
    rows: Sequence[Any],
    left: LeftOut | None = None,
    scope: Filter | None = None,
) -> list[str]:
    """The notes under a report: the date or period asked, the filters, the rule of
    flagged rows, and how many relations were left out and why."""
    when = as_when(as_of)
    notes = []
    if when is not None:
        notes.append(when.phrase)
    if scope is not None:
        notes.append(scope.describe())
    if when is not None and any(
        r.standing in (Standing.MAY_HAVE_ENDED.value, Standing.MAY_NOT_HAVE_STARTED.value)
        for r in rows
    ):
        notes.append(AS_OF_RULE)
    if left is not None:
        notes.extend(notes_of(left))
    return notes


def _select(
    kg: KnowledgeGraph,
    kind: URIRef | None,
    subject: URIRef | None = None,
    object: URIRef | None = None,
    *,
    as_of: When | date | str | None,
    include_ended: bool,
    scope: Scope | Filter | None,
) -> tuple[list[Relation], LeftOut, Filter | None]:
    """The relations of ``kind`` from ``subject`` to ``object`` in ``scope`` that hold as
    of ``as_of``, what was left out, and the resolved filter."""
    chosen = scoped(kg, scope)
    found = claims(kg, kind, subject, object, context=chosen is not None and chosen.needs_context)
    left = LeftOut()
    kept = relations(
        found, as_of=as_when(as_of), include_ended=include_ended, scope=chosen, left=left
    )
    return kept, left, chosen


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
    as_of: When | date | str | None = None,
    include_ended: bool = False,
    indirect: bool = False,
    max_hops: int = MAX_HOPS,
    max_chains: int = MAX_CHAINS,
    scope: Scope | Filter | None = None,
) -> Result[Backing]:
    """Who backs whom: ``of`` names the recipient, ``by`` the backer (any name or IRI);
    ``as_of`` a day, a month, a year (held at some time in it) or a :class:`When`;
    ``scope`` the conflicts, places, sources and kinds to keep.

    With ``indirect``, chains of backing (A backs B, B backs C) of up to ``max_hops``
    links are added with their path: one chain per path of actors, whose links held at
    the same time (their periods overlap), the period they all held as its period. More
    than ``max_chains`` chains raise TooBig rather than list some of them.
    """
    recipient = actors.resolve(kg, of).iri if of is not None else None
    backer = actors.resolve(kg, by).iri if by is not None else None
    kind = URIRef(str(CKG.SupportClaim))
    if indirect:
        every, left, chosen = _reachable(
            kg, kind, backer, recipient, max_hops, as_of, include_ended, scope
        )
        found = _chains(every, backer, recipient, max_hops, max_chains)
        left = LeftOut()  # of the pairs read on the way: not a count about these chains
    else:
        direct, left, chosen = _select(
            kg, kind, backer, recipient, as_of=as_of, include_ended=include_ended, scope=scope
        )
        found = [[[r]] for r in direct]
    rows = [_backing_row(chain) for chain in found]
    notes = selection_notes(as_of, rows, left, chosen)
    notes.extend(_opponent_note(rows))
    if indirect:
        return Result(tuple(rows), Backing.CHAIN_COLUMNS, Backing.CHAIN_TABLE, tuple(notes))
    return Result.of(rows, Backing, notes)


def _reachable(
    kg: KnowledgeGraph,
    kind: URIRef,
    backer: URIRef | None,
    recipient: URIRef | None,
    max_hops: int,
    as_of: When | date | str | None,
    include_ended: bool,
    scope: Scope | Filter | None,
) -> tuple[list[Relation], LeftOut, Filter | None]:
    """The relations a chain from ``backer`` (or to ``recipient``) may use: read a link at
    a time from the actors reached so far, by bound queries, rather than every backing of
    the store (Iran on the whole ESD reaches a third of it in four links). With neither
    or both given, every relation."""
    if (backer is None) == (recipient is None):
        return _select(kg, kind, as_of=as_of, include_ended=include_ended, scope=scope)
    chosen = scoped(kg, scope)
    context = chosen is not None and chosen.needs_context
    forward = backer is not None
    start = backer if forward else recipient
    assert start is not None
    seen = {str(start)}
    frontier = [start]
    found: list[Claim] = []
    for _hop in range(max_hops):
        if not frontier:
            break
        read = (
            claims(kg, kind, frontier, context=context)
            if forward
            else claims(kg, kind, None, frontier, context=context)
        )
        found.extend(read)
        reached = {c.object if forward else c.subject for c in read} - seen
        seen |= reached
        frontier = [URIRef(a) for a in sorted(reached)]
    left = LeftOut()
    kept = relations(
        found, as_of=as_when(as_of), include_ended=include_ended, scope=chosen, left=left
    )
    return kept, left, chosen


def _opponent_note(rows: Sequence[Backing]) -> list[str]:
    """Say when one backer and recipient are several rows that differ in the opponent."""
    against: dict[tuple[str, str], set[tuple[str, ...]]] = defaultdict(set)
    for r in rows:
        if r.hops == 1:
            against[(r.backer, r.recipient)].add(r.against)
    pairs = sum(1 for found in against.values() if len(found) > 1)
    if not pairs:
        return []
    word = "pair is" if pairs == 1 else "pairs are"
    return [f"{pairs:,} backer–recipient {word} listed once per opponent (the against column)"]


def _backing_row(links: list[list[Relation]]) -> Backing:
    """The row of a direct relation (one link of one relation) or of a chain (links of one
    or more relations of one pair each)."""
    chain = [link[0] for link in links]
    head, tail = chain[0].first, chain[-1].first
    path = (head.subject_label, *(r.first.object_label for r in chain))
    if len(chain) == 1:
        return Backing(
            backer=head.subject,
            backer_label=head.subject_label,
            recipient=head.object,
            recipient_label=head.object_label,
            support=chain[0].support,
            against=head.against,
            via=tuple(sorted({v for c in chain[0].claims for v in c.via})),
            hops=1,
            path=path,
            support_by_period=chain[0].support_by_period,
            **held(chain[0]),
        )
    # A chain's links may each be several relations (one pair, several periods): the
    # chain held from the latest start to the earliest end of its links.
    starts = [min(_starts(link), key=_first) for link in links]
    ends = [max(_ends(link), key=_last) for link in links]
    return Backing(
        backer=head.subject,
        backer_label=head.subject_label,
        recipient=tail.object,
        recipient_label=tail.object_label,
        support=(),
        against=(),
        via=(),
        hops=len(chain),
        path=path,
        **held_between(
            max(starts, key=_first),
            min(ends, key=_last),
            status="indirect",
            standing=min(
                (r for link in links for r in link), key=lambda r: CERTAINTY.index(r.standing)
            ).standing_text,
            sources=tuple(s for link in links for r in link for s in r.sources),
        ),
    )


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
    as_of: When | date | str | None,
    include_ended: bool,
    scope: Scope | Filter | None,
) -> tuple[list[tuple[Claim, Relation]], LeftOut, Filter | None]:
    subject = actors.resolve(kg, actor).iri if actor is not None else None
    found, left, chosen = _select(
        kg, kind, subject, as_of=as_of, include_ended=include_ended, scope=scope
    )
    pairs = []
    for r in found:
        c = r.first
        if (
            subject is None
            and c.symmetric
            and c.subject_label.casefold() > c.object_label.casefold()
        ):
            continue  # each pair once when no actor is given
        pairs.append((c, r))
    return pairs, left, chosen


def allies(
    kg: KnowledgeGraph,
    actor: str,
    *,
    as_of: When | date | str | None = None,
    include_ended: bool = False,
    scope: Scope | Filter | None = None,
) -> Result[Alliance]:
    """The allies of ``actor``; alliance is symmetric."""
    pairs, left, chosen = _partners(kg, CKG.AllianceClaim, actor, as_of, include_ended, scope)
    rows = [
        Alliance(
            actor=c.subject,
            actor_label=c.subject_label,
            ally=c.object,
            ally_label=c.object_label,
            **held(r),
        )
        for c, r in pairs
    ]
    return Result.of(rows, Alliance, selection_notes(as_of, rows, left, chosen))


def adversaries(
    kg: KnowledgeGraph,
    actor: str | None = None,
    *,
    as_of: When | date | str | None = None,
    include_ended: bool = False,
    scope: Scope | Filter | None = None,
) -> Result[Opposition]:
    """Who fights or opposes ``actor`` (or every hostile pair, once each)."""
    pairs, left, chosen = _partners(kg, CKG.OppositionClaim, actor, as_of, include_ended, scope)
    rows = [
        Opposition(
            actor=c.subject,
            actor_label=c.subject_label,
            adversary=c.object,
            adversary_label=c.object_label,
            **held(r),
        )
        for c, r in pairs
    ]
    return Result.of(rows, Opposition, selection_notes(as_of, rows, left, chosen))


# --- mediators, guarantors and hosts ------------------------------------------------------


def mediators(
    kg: KnowledgeGraph,
    *,
    process: str | None = None,
    as_of: When | date | str | None = None,
    include_ended: bool = False,
) -> Result[ThirdParty]:
    """Mediators, guarantors and hosts of each peace process, with the rounds they took part in
    (as mediator, host, guarantor or participant, themselves or through a delegation).

    With ``as_of``, only the roles whose claims hold on that day (claims without dates
    always do); ended roles only with ``include_ended``."""
    bindings: dict[str, Identifier] = {}
    if process is not None:
        bindings["process"] = actors.resolve(kg, process, CKG.PeaceProcess, "peace process").iri
    rows_in = kg.select("talks-roles", bindings).rows
    from kg.vocabulary import Vocabulary  # here: the other reports do not need it

    # The roles listed, in the order the ontology gives them (mediator, guarantor, host).
    order = {role: n for n, role in enumerate(Vocabulary.of(kg).third_party_roles)}
    rounds: dict[tuple[str, str], set[tuple[int, str]]] = defaultdict(set)
    groups: dict[tuple[str, str, str], list[dict[str, Node | None]]] = defaultdict(list)
    ended_roles: set[tuple[str, str, str]] = set()
    for row in rows_in:
        where = compact(str(row["claim"]))
        state = standing(
            time_of(row["start"], row["start_precision"], where),
            time_of(row["end"], row["end_precision"], where),
            ended=str(row["status"]) == "ended",
            source_date=None,
            as_of=as_when(as_of),
        )
        if str(row["status"]) == "denied" or not (
            state.listed or (include_ended and state is Standing.ENDED)
        ):
            if str(row["status"]) != "denied" and state is Standing.ENDED:
                ended_roles.add((str(row["actor"]), str(row["process"]), str(row["role"])))
            continue
        actor, proc = str(row["actor"]), str(row["process"])
        if row["round"] is not None:
            number = row["round_number"]
            rounds[(proc, actor)].add(
                (int(value_of(number)) if number is not None else 0, str(row["round_label"]))
            )
        if str(row["role"]) in order:
            groups[(proc, actor, str(row["role"]))].append(row)
    rows: list[ThirdParty] = []
    for (proc, actor, role), group in groups.items():
        first = group[0]
        sources: dict[str, Source] = {}
        for g in group:
            source = Source(
                str(g["source"]),
                text_of(g["source_title"]),
                text_of(g["source_date"]),
                text_of(g["quote"]),
                str(g["claim"]),
            )
            sources.setdefault(source.claim, source)
        rows.append(
            ThirdParty(
                actor=actor,
                actor_label=text_of(first["actor_label"]) or compact(actor),
                role=role,
                process=proc,
                process_label=text_of(first["process_label"]) or compact(proc),
                talks=tuple(
                    sorted({text_of(g["talks_label"]) or compact(str(g["talks"])) for g in group})
                ),
                rounds=tuple(label for _n, label in sorted(rounds.get((proc, actor), set()))),
                sources=tuple(sorted(sources.values(), key=lambda s: (s.date or "", s.claim))),
            )
        )
    rows.sort(key=lambda r: (r.process_label, order[r.role], r.actor_label))
    notes = selection_notes(as_of, [])
    gone = len(ended_roles - set(groups))
    if gone:
        word = "role" if gone == 1 else "roles"
        notes.append(f"{gone:,} {word} left out: ended (--include-ended lists them)")
    return Result.of(rows, ThirdParty, notes)


# --- agreements ---------------------------------------------------------------------------


def agreements(kg: KnowledgeGraph, *, scope: Scope | Filter | None = None) -> Result[Agreement]:
    """Each agreement with its date, place, parties, guarantors and the round that made it;
    with ``scope``, those of its conflicts and countries (the agreement's own, PA-X's
    UcdpCon and Loc1GWNO) that a source in it states."""
    parties = _by_object(claims(kg, CKG.SignatoryClaim))
    guarantors = _by_object(claims(kg, CKG.GuaranteeClaim))
    rows: list[Agreement] = []
    found = kg.select("agreements").rows
    chosen = scoped(kg, scope)
    if chosen is not None:
        found = _agreements_in(kg, chosen, found, parties, guarantors)
    # The documents an agreement itself is derived from (prov:wasDerivedFrom), then the
    # sources of the claims that name its parties and guarantors.
    documents: dict[str, dict[str, Source]] = defaultdict(dict)
    for row in found:
        if row["document"] is not None:
            source = Source(
                str(row["document"]),
                text_of(row["document_title"]),
                text_of(row["document_date"]),
                None,
                str(row["agreement"]),
            )
            documents[str(row["agreement"])].setdefault(source.document, source)
    seen: set[str] = set()
    for row in found:
        iri = str(row["agreement"])
        if iri in seen:
            continue
        seen.add(iri)
        when = time_of(row["date"], row["date_precision"], compact(iri))
        signed = parties.get(iri, [])
        guaranteed = guarantors.get(iri, [])
        sources = dict(documents.get(iri, {}))
        for c in signed + guaranteed:
            sources.setdefault(c.iri, c.source)
        rows.append(
            Agreement(
                agreement=iri,
                agreement_label=text_of(row["agreement_label"]) or compact(iri),
                type=str(row["type_label"]),
                date=str(when) if when else None,
                date_precision=when.precision.value if when else None,
                place=text_of(row["place_label"]),
                round=text_of(row["round"]),
                round_label=text_of(row["round_label"]),
                process=text_of(row["process_label"]),
                proposed_by=text_of(row["proposer_label"]),
                zones=value_of(row["zones"]),
                parties=_labels(c.subject_label for c in signed),
                guarantors=_labels(c.subject_label for c in guaranteed),
                sources=tuple(sources.values()),
            )
        )
    notes = [chosen.describe()] if chosen is not None else []
    return Result.of(rows, Agreement, notes)


def _agreements_in(
    kg: KnowledgeGraph,
    chosen: Filter,
    found: list[dict[str, Node | None]],
    parties: Mapping[str, list[Claim]],
    guarantors: Mapping[str, list[Claim]],
) -> list[dict[str, Node | None]]:
    """The rows of agreements.rq whose agreement is in ``chosen``: its conflict, its
    country (a state or the place's name) and a source (its document or a party's claim);
    a kind of relation or support says nothing of an agreement and is refused."""
    if chosen.scope.kinds:
        raise KGError("kg report agreements takes no --kind: an agreement has no kind of support")
    context: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    if chosen.needs_context:
        for row in kg.select("agreement-context").rows:
            for detail in ("conflict", "location_state", "location"):
                if row[detail] is not None:
                    context[str(row["agreement"])][detail].add(str(row[detail]))
    kept = []
    for row in found:
        iri = str(row["agreement"])
        here = context[iri]
        if chosen.scope.conflicts and not chosen.conflicts & here["conflict"]:
            continue
        places = here["location_state"] | here["location"]
        if chosen.scope.countries and not any(
            p in chosen.states or normalise(p) in chosen.countries for p in places
        ):
            continue
        sources = {c.source.document for c in parties.get(iri, []) + guarantors.get(iri, [])}
        if row["document"] is not None:
            sources.add(str(row["document"]))
        if chosen.scope.sources and not chosen.sources & sources:
            continue
        kept.append(row)
    return kept


def _by_object(found: Iterable[Claim]) -> dict[str, list[Claim]]:
    grouped: dict[str, list[Claim]] = defaultdict(list)
    for c in found:
        if c.status != "denied":
            grouped[c.object].append(c)
    return grouped


def _by_name(name: str) -> tuple[str, str]:
    """Names in the order a person reads them, regardless of case; names equal but for
    case ("de Mistura", "De Mistura") in a set order, not the order of Python's hashes."""
    return (name.casefold(), name)


def _labels(labels: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(labels), key=_by_name))


# --- actor profile ------------------------------------------------------------------------


def actor_profile(
    kg: KnowledgeGraph,
    actor: str,
    *,
    as_of: When | date | str | None = None,
    include_ended: bool = True,
    scope: Scope | Filter | None = None,
) -> ActorProfile:
    """The profile of ``actor``: types, names, links, offices held, and every relation."""
    who = actors.resolve(kg, actor)
    types: list[str] = []
    links: list[str] = []
    for row in kg.select("actor-types", {"actor": who.iri}).rows:
        types.append(str(row["type_label"]))
    for row in kg.select("actor-links", {"actor": who.iri}).rows:
        other = text_of(row["other_label"]) or compact(str(row["other"]))
        link = str(row["link_label"])
        links.append(
            f"{link} {other}" if str(row["direction"]) == "out" else f"{other} is {link} it"
        )
    names = sorted(
        {str(r["name"]) for r in kg.select("names", {"class": CKG.Actor, "thing": who.iri}).rows}
        - {who.label},
        key=_by_name,
    )
    chosen = scoped(kg, scope)
    context = chosen is not None and chosen.needs_context
    outgoing = claims(kg, subject=who.iri, context=context)
    incoming = [c for c in claims(kg, object=who.iri, context=context) if not c.symmetric]
    left = LeftOut()
    found = relations(
        outgoing + incoming,
        as_of=as_when(as_of),
        include_ended=include_ended,
        scope=chosen,
        left=left,
    )
    rows: list[ActorRelation] = []
    office_rows: list[Office] = []
    for r in found:
        c = r.first
        out = c.subject == str(who.iri)
        if out:
            relation, other, other_label = c.direct_label, c.object, c.object_label
        else:
            relation = c.inverse_label or f"{c.direct_label} (reverse)"
            other, other_label = c.subject, c.subject_label
        detail = c.office or ", ".join(r.support) or None
        if c.against:
            detail = (detail + " " if detail else "") + "against " + ", ".join(c.against)
        statement = f"{c.subject_label} {c.direct_label} {c.object_label}"
        if c.office:
            statement += f" ({c.office})"
        if c.against:  # two rows of one pair may differ in the opponent alone
            statement += " against " + ", ".join(c.against)
        rows.append(
            ActorRelation(
                direction="out" if out else "in",
                relation=relation,
                other=other,
                other_label=other_label,
                detail=detail,
                statement=statement,
                kind=c.kind_label,
                **held(r),
            )
        )
        if out and c.kind == str(CKG.OfficeClaim):
            office_rows.append(
                Office(
                    office=c.office,
                    organisation=c.object,
                    organisation_label=c.object_label,
                    **held(r),
                )
            )
    return ActorProfile(
        actor=str(who.iri),
        label=who.label,
        types=tuple(sorted(set(types))),
        names=tuple(names),
        links=tuple(sorted(links)),
        offices=Result.of(office_rows, Office),
        relations=Result.of(rows, ActorRelation, selection_notes(as_of, rows, left, chosen)),
    )


# --- timeline -----------------------------------------------------------------------------


def timeline(
    kg: KnowledgeGraph, *, actor: str | None = None, scope: Scope | Filter | None = None
) -> Result[Event]:
    """Dated events, agreements, and the starts and ends of relations, in order of date.

    A relation recorded year by year (a dataset's 2011, 2012, ... 2017) begins once and
    ends once: consecutive periods join as in the reports, and a relation still recorded
    in the last year of its dataset's coverage is "last recorded" there, not ended. With
    ``actor``: the talks it took part in (itself or by delegation), mediated or hosted,
    the agreements it signed, guaranteed or proposed, and its relations. With ``scope``,
    only the relations in it (events and agreements belong to no conflict or source).
    """
    who = actors.resolve(kg, actor) if actor is not None else None
    chosen = scoped(kg, scope)
    found = claims(kg, context=chosen is not None and chosen.needs_context)
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
    rows = (
        []
        if chosen is not None
        else [row for row in _dated_things(kg) if involved is None or row.subject in involved]
    )
    found = [c for c in found if not (c.symmetric and c.subject > c.object)]
    left = LeftOut()
    spans = relations(found, as_of=None, include_ended=True, scope=chosen, left=left)
    points: dict[tuple[str, str, str, str], tuple[Relation, TimePoint, list[Source]]] = {}
    for r in spans:
        c = r.first
        for which, point in (("begins", r.start), ("ends", r.end)):
            if point is None:
                continue
            if which == "ends" and r.open_at_coverage_end:
                which = "last recorded"
            key = (which, str(point), c.kind, f"{c.subject}|{c.object}|{c.against}")
            if key not in points:
                points[key] = (r, point, [])
            sources = points[key][2]
            sources.extend(s for s in r.sources if s not in sources)
    for (which, _p, _k, _pair), (r, point, sources) in points.items():
        c = r.first
        text = f"{c.subject_label} {c.direct_label} {c.object_label}"
        if c.against:
            text += " against " + ", ".join(c.against)
        event = f"{text}: {which}"
        if which == "last recorded":
            event = f"{text}: last recorded (end of coverage)"
        rows.append(
            _timeline_row(
                point,
                event,
                f"relation {'ends' if which == 'last recorded' else which}",
                c.iri,
                period_text(r.start, r.end),
                None,
                tuple(sources),
            )
        )
    rows.sort(key=lambda r: (r.sort_date, r.event.casefold()))
    notes = (
        [chosen.describe(), "only relations: events and agreements have no such filter"]
        if chosen
        else []
    )
    left.reasons.pop("denied", None)
    notes.extend(notes_of(left))
    return Result.of(rows, Event, notes)


def _dated_things(kg: KnowledgeGraph) -> list[Event]:
    """The timeline's dated events and agreements, each once, under its most specific class.

    timeline-events.rq is asked once for each class under ckg:Event, timeline-agreements.rq
    for each under ckg:Agreement (subclasses.rq, ?class bound), and a thing's broader
    classes are dropped here, from the classes it was found under: a transitive path from
    each class of a thing loses rows on Virtuoso 7.2, as the query's header says. Bound,
    the ten classes of the ontology cost Oxigraph 0.02 s at 100k triples (the unbound
    query, 0.75 s)."""
    asked: list[tuple[str, Mapping[str, Identifier]]] = []
    for root, query in ((CKG.Event, "timeline-events"), (CKG.Agreement, "timeline-agreements")):
        classes = {row["type"] for row in kg.select("subclasses", {"class": root}).rows}
        asked += [(query, {"type": c}) for c in sorted(classes, key=str) if isinstance(c, URIRef)]
    found: list[dict[str, Node | None]] = []
    classes_of: dict[str, set[str]] = defaultdict(set)
    for _name, answer in kg.select_each(asked):
        for row in answer.rows:
            found.append(row)
            classes_of[str(row["thing"])].add(str(row["type"]))
    narrower: dict[str, set[str]] = {}  # the classes under a class, asked only when needed
    for types in classes_of.values():
        if len(types) > 1:
            for t in types - narrower.keys():
                under = kg.select("subclasses", {"class": URIRef(t)}).rows
                narrower[t] = {str(row["type"]) for row in under} - {t}
    chosen: dict[str, tuple[tuple[str, str, str, str], Event]] = {}
    for row in found:
        thing, type_ = str(row["thing"]), str(row["type"])
        if classes_of[thing] & narrower.get(type_, set()):
            continue
        start = time_of(row["start"], row["start_precision"], compact(thing))
        end = time_of(row["end"], row["end_precision"], compact(thing))
        when = start or end
        assert when is not None
        label = text_of(row["label"])
        place = text_of(row["place_label"])
        # The row that ORDER BY ?start ?label would give first, whatever order the classes
        # were answered in.
        key = (when.first.isoformat(), label or "", place or "", str(row["type_label"]))
        if thing in chosen and chosen[thing][0] <= key:
            continue
        event = _timeline_row(
            when,
            (label or compact(thing)) + (" ends" if start is None else ""),
            str(row["type_label"]),
            thing,
            period_text(start, end),
            place,
            (),
        )
        chosen[thing] = (key, event)
    return [event for _key, event in sorted(chosen.values(), key=lambda pair: pair[0])]


def _timeline_row(
    when: TimePoint,
    event: str,
    kind: str,
    subject: str,
    period: str,
    place: str | None,
    sources: tuple[Source, ...],
) -> Event:
    return Event(
        date=str(when),
        date_precision=when.precision.value,
        sort_date=when.first.isoformat(),
        event=event,
        kind=kind,
        subject=subject,
        period=period,
        place=place,
        sources=sources,
    )


# --- disputed relations -------------------------------------------------------------------


def disputed(kg: KnowledgeGraph, *, scope: Scope | Filter | None = None) -> Result[Dispute]:
    """Relations on which sources disagree: different starts or ends, ended versus going on,
    or asserted or alleged versus denied; and agreements whose parties sources give
    differently. With ``scope``, only the claims in it are compared."""
    by_relation: dict[tuple[str, str, str], list[Claim]] = defaultdict(list)
    chosen = scoped(kg, scope)
    all_claims = claims(kg, context=chosen is not None and chosen.needs_context)
    if chosen is not None:
        all_claims = [c for c in all_claims if chosen.outside(c) is None]
    for c in all_claims:
        if c.symmetric and c.subject > c.object:
            continue
        by_relation[(c.kind, c.subject, c.object)].append(c)
    rows: list[Dispute] = []
    for group in by_relation.values():
        issues = _disagreements(group)
        if not issues:
            continue
        c = group[0]
        rows.append(
            Dispute(
                relation=f"{c.subject_label} {c.direct_label} {c.object_label}",
                kind=c.kind_label,
                subject=c.subject,
                object=c.object,
                issues=tuple(issues),
                claims=tuple(
                    DisputedClaim(
                        label=_claim_label(g),
                        status=g.status,
                        period=period_text(g.start, g.end),
                        source=g.source,
                    )
                    for g in sorted(group, key=lambda g: (g.source.date or "", g.iri))
                ),
            )
        )
    rows.extend(_party_disputes(kg, all_claims))
    rows.sort(key=lambda r: r.relation.casefold())
    return Result.of(rows, Dispute, [chosen.describe()] if chosen is not None else [])


def _party_disputes(kg: KnowledgeGraph, found: list[Claim]) -> list[Dispute]:
    """Agreements whose parties two sources give differently: each source's signatories,
    guarantors, mediators and witnesses of one agreement (PA-X and an article on the same
    memorandum, merged by data/agreement-aliases.ttl), where the sets are not the same."""
    agreement = str(CKG_AGREEMENT_ROLE)
    kinds = {str(k.iri): k for k in Vocabulary.of(kg).kinds if str(k.to_role) == agreement}
    by_agreement: dict[str, dict[str, list[Claim]]] = defaultdict(lambda: defaultdict(list))
    for c in found:
        if c.kind in kinds:
            by_agreement[c.object][c.source.document].append(c)
    rows: list[Dispute] = []
    for group in by_agreement.values():
        if len(group) < 2:
            continue
        named = {
            document: {(kinds[c.kind].from_role_label, c.subject_label) for c in cs}
            for document, cs in group.items()
        }
        if len({frozenset(v) for v in named.values()}) < 2:
            continue
        says = "; ".join(
            f"{compact(document)} names "
            + ", ".join(f"{who} ({role})" for role, who in sorted(parties, key=lambda p: p[1]))
            for document, parties in sorted(named.items())
        )
        claims_ = [c for cs in group.values() for c in cs]
        first = claims_[0]
        rows.append(
            Dispute(
                relation=f"parties of {first.object_label}",
                kind="parties of an agreement",
                subject=first.object,
                object=first.object,
                issues=(f"parties differ: {says}",),
                claims=tuple(
                    DisputedClaim(
                        label=f"{c.subject_label}, {kinds[c.kind].from_role_label}: "
                        f"{_claim_label(c)}",
                        status=c.status,
                        period=period_text(c.start, c.end),
                        source=c.source,
                    )
                    for c in sorted(claims_, key=lambda g: (g.source.date or "", g.iri))
                ),
            )
        )
    return rows


def _claim_label(claim: Claim) -> str:
    period = period_text(claim.start, claim.end)
    return f"{compact(claim.source.document)}: {claim.status} {period}".strip()


def _disagreements(group: list[Claim]) -> list[str]:
    issues: list[str] = []
    documents = {c.source.document for c in group}
    if len(documents) < 2:
        return issues
    # A source may give a relation as several spans (a dataset's active years: 1996-2002,
    # 2007, 2010-2011): dates differ only where the sources that date it give other spans,
    # not where one source gives several.
    # Each source's periods are joined first (a dataset's 2011, 2012, ... 2017 are one
    # span, as another dataset gives it), and a span still open where its dataset stops
    # (2017 in ESD) agrees with one that goes on past that year (2011-2024 in UCDP).
    dated: dict[str, list[Claim]] = defaultdict(list)
    for c in group:
        if c.start or c.end:
            dated[c.source.document].append(c)
    spans = {document: _joined(found) for document, found in dated.items()}
    given = list(spans.values())
    if any(not _same_spans(a, b) for a, b in zip(given, given[1:], strict=False)):
        starts = {str(start) for found in given for start, _e, _o in found if start}
        ends = {str(end) for found in given for _s, end, _o in found if end}
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


Span = tuple[TimePoint | None, TimePoint | None, bool]


def _joined(found: list[Claim]) -> list[Span]:
    """One source's claims of a relation as joined spans, each with whether it is still
    open where the dataset stops, in order."""
    return sorted(
        (
            (start, end, any(c.open_at_coverage_end and c.end == end for c in span))
            for span, start, end in spans_of(found)
        ),
        key=lambda s: (_first(s[0]), _last(s[1])),
    )


def _same_spans(a: list[Span], b: list[Span]) -> bool:
    """Whether two sources give a relation the same spans, where an end open at one
    dataset's last year agrees with an end at or after it."""
    if len(a) != len(b):
        return False
    for (start_a, end_a, open_a), (start_b, end_b, open_b) in zip(a, b, strict=True):
        if str(start_a) != str(start_b):
            return False
        if str(end_a) == str(end_b):
            continue
        if end_a is None or end_b is None:
            return False
        if not (open_a and end_b.last >= end_a.last or open_b and end_a.last >= end_b.last):
            return False
    return True


# --- proxy conflicts ----------------------------------------------------------------------


def proxies(
    kg: KnowledgeGraph,
    actor: str | None = None,
    *,
    as_of: When | date | str | None = None,
    include_ended: bool = False,
    scope: Scope | Filter | None = None,
) -> Result[Proxy]:
    """Proxy conflicts: A backs B and B fights C, so A is in an indirect conflict with C.

    With ``actor``, only the chains where it is the backer or the target.
    """
    who = actors.resolve(kg, actor).iri if actor is not None else None
    support, left, chosen = _select(
        kg, URIRef(str(CKG.SupportClaim)), as_of=as_of, include_ended=include_ended, scope=scope
    )
    hostile, left_hostile, _chosen = _select(
        kg, CKG.OppositionClaim, as_of=as_of, include_ended=include_ended, scope=chosen
    )
    left.update(left_hostile)
    fights: dict[str, list[Relation]] = defaultdict(list)
    for h in hostile:
        fights[h.first.subject].append(h)
    rows: list[Proxy] = []
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
                Proxy(
                    backer=backer.subject,
                    backer_label=backer.subject_label,
                    proxy=proxy,
                    proxy_label=backer.object_label,
                    target=target.object,
                    target_label=target.object_label,
                    chain=chain,
                    standing=min((s, h), key=lambda r: CERTAINTY.index(r.standing)).standing_text,
                    sources=s.sources + h.sources,
                )
            )
    rows.sort(
        key=lambda r: (
            r.backer_label.casefold(),
            r.target_label.casefold(),
            r.proxy_label.casefold(),
        )
    )
    return Result.of(rows, Proxy, selection_notes(as_of, rows, left, chosen))
