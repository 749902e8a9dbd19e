"""``kg report ...``: the relationship reports, a thin layer over ``kg.reports``."""

from __future__ import annotations

from typing import Any

import click

from kg import reports
from kg.cli_common import (
    REPORT_FORMATS,
    GraphSource,
    KGGroup,
    as_of_options,
    data_options,
    format_option,
    scope_options,
    show_report,
)
from kg.selection import Scope


@click.group("report", cls=KGGroup)
def report_group() -> None:
    """Relationship reports: who backs whom, allies, adversaries, mediators, agreements,
    actor profiles, timelines and disputed relations.

    An ACTOR is an IRI (ck:turkey), a name or any other name the data gives ("Türkiye",
    "Damascus"), matched regardless of case and accents.

        kg report backers --of "Syrian armed opposition" --as-of 2017-09-01
    """


@report_group.command("backers")
@click.option("--of", "of", metavar="ACTOR", help="Who backs this actor.")
@click.option("--by", "by", metavar="ACTOR", help="Whom this actor backs.")
@click.option("--indirect", is_flag=True, help="Also follow chains of backing, with the path.")
@click.option(
    "--max-hops",
    type=click.IntRange(min=1, max=10),
    default=reports.MAX_HOPS,
    show_default=True,
    help="With --indirect: the longest chain followed.",
)
@click.option(
    "--max-chains",
    type=click.IntRange(min=1),
    default=reports.MAX_CHAINS,
    show_default=True,
    help="With --indirect: refuse (exit 10) rather than list more chains than this.",
)
@as_of_options
@scope_options
@data_options
@format_option(REPORT_FORMATS)
def backers_command(
    of: str | None,
    by: str | None,
    indirect: bool,
    max_hops: int,
    max_chains: int,
    as_of: Any,
    include_ended: bool,
    scope: Scope,
    source: GraphSource,
    fmt: str,
) -> None:
    """Who backs whom: backer, recipient, kind of support, period, status and sources.

    With --indirect, chains of backing too (A backs B while B backs C): one row per path
    of actors whose links held at the same time, with the period they all held.

    kg report backers --by "United States" --as-of 2017-09-01 --include-ended
    """
    kg = source.open()
    show_report(
        reports.backers(
            kg,
            of=of,
            by=by,
            as_of=as_of,
            include_ended=include_ended,
            indirect=indirect,
            max_hops=max_hops,
            max_chains=max_chains,
            scope=scope,
        ),
        fmt,
    )


@report_group.command("allies")
@click.argument("actor")
@as_of_options
@scope_options
@data_options
@format_option(REPORT_FORMATS)
def allies_command(
    actor: str,
    as_of: Any,
    include_ended: bool,
    scope: Scope,
    source: GraphSource,
    fmt: str,
) -> None:
    """The allies of ACTOR (alliance is symmetric).

    kg report allies Damascus
    """
    kg = source.open()
    show_report(
        reports.allies(kg, actor, as_of=as_of, include_ended=include_ended, scope=scope),
        fmt,
    )


@report_group.command("adversaries")
@click.argument("actor", required=False)
@as_of_options
@scope_options
@data_options
@format_option(REPORT_FORMATS)
def adversaries_command(
    actor: str | None,
    as_of: Any,
    include_ended: bool,
    scope: Scope,
    source: GraphSource,
    fmt: str,
) -> None:
    """Who fights or opposes ACTOR, or every hostile pair when no ACTOR is given.

    kg report adversaries Turkey
    """
    kg = source.open()
    show_report(
        reports.adversaries(kg, actor, as_of=as_of, include_ended=include_ended, scope=scope),
        fmt,
    )


@report_group.command("mediators")
@click.option("--process", metavar="NAME", help="Only this peace process (e.g. 'Astana talks').")
@as_of_options
@data_options
@format_option(REPORT_FORMATS)
def mediators_command(
    process: str | None, as_of: Any, include_ended: bool, source: GraphSource, fmt: str
) -> None:
    """Mediators, guarantors and hosts of talks, with the rounds they took part in.

    kg report mediators --process Astana
    """
    kg = source.open()
    show_report(
        reports.mediators(kg, process=process, as_of=as_of, include_ended=include_ended),
        fmt,
    )


@report_group.command("agreements")
@scope_options
@data_options
@format_option(REPORT_FORMATS)
def agreements_command(scope: Scope, source: GraphSource, fmt: str) -> None:
    """Each agreement: date, place, parties, guarantors, the round that produced it;
    --conflict, --country and --source choose agreements (--kind does not apply).

    kg report agreements --format markdown

    kg report agreements --conflict Syria --store kg-store
    """
    show_report(reports.agreements(source.open(), scope=scope), fmt)


@report_group.command("actor")
@click.argument("actor")
@as_of_options
@scope_options
@data_options
@format_option(REPORT_FORMATS)
def actor_command(
    actor: str,
    as_of: Any,
    include_ended: bool,
    scope: Scope,
    source: GraphSource,
    fmt: str,
) -> None:
    """One actor's profile: types, names, offices held, and every relation in both
    directions, with sources. Ended relations are shown unless --as-of is given.

        kg report actor "de Mistura"
    """
    kg = source.open()
    profile = reports.actor_profile(
        kg,
        actor,
        as_of=as_of,
        include_ended=include_ended or as_of is None,
        scope=scope,
    )
    click.echo(profile.render(fmt), nl=False)


@report_group.command("timeline")
@click.option("--actor", metavar="ACTOR", help="Only what involves this actor.")
@scope_options
@data_options
@format_option(REPORT_FORMATS)
def timeline_command(actor: str | None, scope: Scope, source: GraphSource, fmt: str) -> None:
    """Dated events, agreements, and the starts and ends of relations, in order.

    kg report timeline --actor Russia
    """
    show_report(reports.timeline(source.open(), actor=actor, scope=scope), fmt)


@report_group.command("disputed")
@scope_options
@data_options
@format_option(REPORT_FORMATS)
def disputed_command(scope: Scope, source: GraphSource, fmt: str) -> None:
    """Relations on which sources disagree: dates, ended versus going on, denied.

    kg report disputed
    """
    show_report(reports.disputed(source.open(), scope=scope), fmt)


@report_group.command("proxies")
@click.argument("actor", required=False)
@as_of_options
@scope_options
@data_options
@format_option(REPORT_FORMATS)
def proxies_command(
    actor: str | None,
    as_of: Any,
    include_ended: bool,
    scope: Scope,
    source: GraphSource,
    fmt: str,
) -> None:
    """Proxy conflicts: A backs B, B fights C, so A is in an indirect conflict with C;
    with ACTOR, only the chains where it is the backer or the target.

        kg report proxies "United States"
    """
    kg = source.open()
    show_report(
        reports.proxies(kg, actor, as_of=as_of, include_ended=include_ended, scope=scope),
        fmt,
    )


# `kg report aliases` lives with the importers that use the alias table.
from kg.cli_import import aliases_command  # noqa: E402

report_group.add_command(aliases_command)
