"""The Python API: open a knowledge graph the way the CLI does and ask it every report.

``kg.open()`` takes the options of the CLI (``--data``, ``--add``, ``--store``,
``--endpoint`` and the endpoint's settings, ``--allow-network``) as keyword arguments and,
for each store setting not given, its ``KG_*`` environment variable, as a command would.
The :class:`ConflictGraph` it returns is a context manager (a store folder is released on
leaving the ``with``) whose methods are the reports of ``kg report``, ``kg metrics`` and
``kg stats``: each returns typed rows (``kg.results``) with ``to_records()`` and
``to_dataframe()``, and the same fields and meanings as the JSON output of the command.

docs/python-api.md shows it in use; the tests run its examples as written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from os import PathLike
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

from rdflib.term import Identifier

from kg import reports
from kg.errors import BadValue
from kg.graph import KnowledgeGraph, QueryRows, StoreSpec
from kg.periods import When, as_when
from kg.queries import parse_value
from kg.results import (
    ActorProfile,
    Agreement,
    Alias,
    Alliance,
    Backing,
    Dispute,
    Event,
    Opposition,
    Proxy,
    Result,
    ThirdParty,
)
from kg.selection import Scope
from kg.stats import Stats, graph_stats

if TYPE_CHECKING:
    import networkx as nx

    from kg.metrics import Metrics
    from kg.validation_report import ValidationReport

Day = date | str | When | None


def _day(value: Day) -> When | None:
    """The date or period asked: a date, a When, or text as the CLI's --as-of takes it
    (``2016``, ``2016-03``, ``2016-03-01``) or --during (``2011..2014``)."""
    try:
        return as_when(value)
    except BadValue:
        raise BadValue(
            f"as_of: {value!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD) or a period (FROM..TO)"
        ) from None


class Filters(TypedDict, total=False):
    """The filters every report, the metrics and the network take, as the CLI's options:
    one text or several for each (``conflict="Syria"``, ``kind=["troops", "weapons"]``)."""

    conflict: str | Sequence[str]
    country: str | Sequence[str]
    source: str | Sequence[str]
    kind: str | Sequence[str]


def _scope(filters: Filters) -> Scope:
    return Scope.of(**filters)


def _paths(files: str | PathLike[str] | Sequence[str | PathLike[str]] | None) -> list[Path]:
    if files is None:
        return []
    if isinstance(files, str | PathLike):
        return [Path(files)]
    return [Path(f) for f in files]


def open(  # noqa: A001 - kg.open, as a user reads it
    data: str | PathLike[str] | Sequence[str | PathLike[str]] | None = None,
    *,
    add: str | PathLike[str] | Sequence[str | PathLike[str]] = (),
    store: str | PathLike[str] | None = None,
    endpoint: str | None = None,
    update_endpoint: str | None = None,
    store_endpoint: str | None = None,
    user: str | None = None,
    password: str | None = None,
    timeout: float | None = None,
    allow_network: bool = False,
    environ: Mapping[str, str] | None = None,
) -> ConflictGraph:
    """Open a knowledge graph: the bundled data (the default), ``data`` files instead of
    it, ``add`` files on top, an Oxigraph ``store`` folder filled by ``kg load``, or a
    SPARQL ``endpoint``. A store setting not given is read from its ``KG_*`` variable in
    ``environ`` (default: the process's environment), as the CLI reads it.

    Raises the errors of the CLI (``kg.KGError`` and its kinds: a file that does not
    load, a store that cannot be opened), each with the message the CLI prints.
    """
    spec = StoreSpec.from_env(
        environ,
        folder=store,
        endpoint=endpoint,
        update_endpoint=update_endpoint,
        store_endpoint=store_endpoint,
        user=user,
        password=password,
        timeout=timeout,
    )
    graph = KnowledgeGraph.open(
        _paths(data) or None, add=_paths(add), allow_network=allow_network, store=spec
    )
    return ConflictGraph(graph)


class ConflictGraph:
    """A knowledge graph and the questions people ask of it.

    Each report takes actors by any name the data gives them (``"Damascus"``,
    ``"Türkiye"``) or by IRI (``"ck:turkey"``), and a day as a ``date`` or a
    ``"YYYY-MM-DD"`` text.
    """

    def __init__(self, graph: KnowledgeGraph) -> None:
        self.graph = graph

    def __enter__(self) -> ConflictGraph:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Release the store (a store folder's lock and files)."""
        self.graph.close()

    def __repr__(self) -> str:
        return f"<ConflictGraph on {self.graph.store.kind} store>"

    # --- relations ----------------------------------------------------------------------

    def backers(
        self,
        of: str | None = None,
        *,
        by: str | None = None,
        as_of: Day = None,
        include_ended: bool = False,
        indirect: bool = False,
        max_hops: int = reports.MAX_HOPS,
        max_chains: int = reports.MAX_CHAINS,
        **filters: Unpack[Filters],
    ) -> Result[Backing]:
        """Who backs whom (``kg report backers``): ``of`` the recipient, ``by`` the backer;
        with ``indirect``, chains of backing too. ``as_of`` is a day, month or year
        (``"2016"``: at any time in 2016) or a period (``"2011..2014"``); ``conflict``,
        ``country``, ``source`` and ``kind`` filter as the CLI's options do."""
        return reports.backers(
            self.graph,
            of=of,
            by=by,
            as_of=_day(as_of),
            include_ended=include_ended,
            indirect=indirect,
            max_hops=max_hops,
            max_chains=max_chains,
            scope=_scope(filters),
        )

    def allies(
        self,
        actor: str,
        *,
        as_of: Day = None,
        include_ended: bool = False,
        **filters: Unpack[Filters],
    ) -> Result[Alliance]:
        """The allies of ``actor`` (``kg report allies``)."""
        return reports.allies(
            self.graph,
            actor,
            as_of=_day(as_of),
            include_ended=include_ended,
            scope=_scope(filters),
        )

    def adversaries(
        self,
        actor: str | None = None,
        *,
        as_of: Day = None,
        include_ended: bool = False,
        **filters: Unpack[Filters],
    ) -> Result[Opposition]:
        """Who fights or opposes ``actor``, or every hostile pair (``kg report
        adversaries``)."""
        return reports.adversaries(
            self.graph,
            actor,
            as_of=_day(as_of),
            include_ended=include_ended,
            scope=_scope(filters),
        )

    def mediators(
        self, process: str | None = None, *, as_of: Day = None, include_ended: bool = False
    ) -> Result[ThirdParty]:
        """Mediators, guarantors and hosts of talks (``kg report mediators``)."""
        return reports.mediators(
            self.graph, process=process, as_of=_day(as_of), include_ended=include_ended
        )

    def agreements(self) -> Result[Agreement]:
        """Each agreement with its parties and guarantors (``kg report agreements``)."""
        return reports.agreements(self.graph)

    def actor(
        self, actor: str, *, as_of: Day = None, include_ended: bool | None = None
    ) -> ActorProfile:
        """One actor's profile (``kg report actor``); ended relations are included unless
        ``as_of`` is given, as in the CLI."""
        day = _day(as_of)
        ended = include_ended if include_ended is not None else day is None
        return reports.actor_profile(self.graph, actor, as_of=day, include_ended=ended)

    def timeline(
        self,
        actor: str | None = None,
        **filters: Unpack[Filters],
    ) -> Result[Event]:
        """Dated events in order (``kg report timeline``)."""
        return reports.timeline(self.graph, actor=actor, scope=_scope(filters))

    def disputed(
        self,
        **filters: Unpack[Filters],
    ) -> Result[Dispute]:
        """Relations on which sources disagree (``kg report disputed``)."""
        return reports.disputed(self.graph, scope=_scope(filters))

    def proxies(
        self,
        actor: str | None = None,
        *,
        as_of: Day = None,
        include_ended: bool = False,
        **filters: Unpack[Filters],
    ) -> Result[Proxy]:
        """Proxy conflicts: A backs B, B fights C (``kg report proxies``)."""
        return reports.proxies(
            self.graph,
            actor,
            as_of=_day(as_of),
            include_ended=include_ended,
            scope=_scope(filters),
        )

    def aliases(self) -> Result[Alias]:
        """The merges of actors across sources (``kg report aliases``)."""
        from kg.importers.aliases import aliases

        return aliases(self.graph)

    # --- the network, counts, queries, validation ---------------------------------------

    def metrics(
        self,
        *,
        as_of: Day = None,
        include_ended: bool = False,
        **filters: Unpack[Filters],
    ) -> Metrics:
        """Influence, brokerage, camps and balance of the actor network (``kg metrics``),
        of the relations the date and filters select; ``.tables()`` gives each as rows."""
        from kg.metrics import measure

        return measure(
            self.graph,
            as_of=_day(as_of),
            include_ended=include_ended,
            scope=_scope(filters),
        )

    def network(
        self,
        *,
        as_of: Day = None,
        include_ended: bool = False,
        **filters: Unpack[Filters],
    ) -> nx.MultiDiGraph:
        """The actor network as a NetworkX multigraph (what ``kg metrics`` measures), of
        the relations the date and filters select."""
        from kg.network import project

        return project(
            self.graph,
            as_of=_day(as_of),
            include_ended=include_ended,
            scope=_scope(filters),
        )

    def stats(self) -> Stats:
        """Actors by type, claims by kind, claims per source, triples (``kg stats``)."""
        return graph_stats(self.graph)

    def select(self, query: str, params: Mapping[str, Any] | None = None) -> QueryRows:
        """Ask a bundled query by name (``who-backs-whom``) with bound values: rdflib
        terms, or text read as the CLI's ``--param`` reads it (``ck:turkey``, ``2017``,
        ``"text"@en``)."""
        bound = {
            name: value if isinstance(value, Identifier) else parse_value(str(value))
            for name, value in (params or {}).items()
        }
        return self.graph.select(query, bound)

    def validate(self, *, engine: str = "auto") -> ValidationReport:
        """Check the graph against the bundled shapes (``kg validate``)."""
        from kg.validation import validate_kg

        return validate_kg(self.graph, engine=engine)
