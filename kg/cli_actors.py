"""``kg actors ...``: find actors by any part of any name, list the pairs that may be one
actor, and record a person's decision on a pair; a thin layer over ``kg.matching``."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli_common import (
    REPORT_FORMATS,
    GraphSource,
    KGGroup,
    data_options,
    format_option,
    show_report,
    wait_option,
)
from kg.errors import StoreError


@click.group("actors", cls=KGGroup)
def actors_group() -> None:
    """Find actors by any part of any name, and review the pairs that may be one actor.

    \b
        kg actors search saudi
        kg actors match --store kg-store
        kg actors merge "Al Qaeda" "al-Qaida" --store kg-store --by "A. Analyst"
        kg actors distinct "Syria" "Syrian government" --store kg-store
    """


@actors_group.command("search")
@click.argument("text")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=50,
    show_default=True,
    help="List at most this many actors (a note says how many more match).",
)
@data_options
@format_option(REPORT_FORMATS)
def search_command(text: str, limit: int, source: GraphSource, fmt: str) -> None:
    """Find actors whose name contains TEXT: their label, other names, or a name of an IRI
    merged into them, whatever the case and accents; with their codes (UCDP, COW, GW, ISO).

        kg actors search "arabia" --store kg-store
    """
    from kg.matching import search

    show_report(search(source.open(), text, limit=limit), fmt)


@actors_group.command("match")
@click.option(
    "--min-score",
    type=click.FloatRange(min=0, max=1),
    default=0.7,
    show_default=True,
    help="List only pairs of at least this score (1: a shared id; 0.9: the same name once "
    "normalised; 0.76 to 0.8: names alike).",
)
@data_options
@format_option(REPORT_FORMATS)
def match_command(min_score: float, source: GraphSource, fmt: str) -> None:
    """List the pairs of actors that may be one, best first, with a score and why: a shared
    id (UCDP actor id, also that of a state's government; Gleditsch-Ward, COW, ISO code),
    the same name once "the", "Government of", punctuation, accents and case are set aside,
    or names alike. Pairs decided on with `kg actors merge` or `distinct` are not listed.

        kg actors match --store kg-store --min-score 0.9 --format json
    """
    from kg.matching import candidates

    show_report(candidates(source.open(), min_score=min_score), fmt)


def _decision_options(command: click.decorators.FC) -> click.decorators.FC:
    command = wait_option("another process writing the same store or file")(command)
    command = click.option(
        "--note", metavar="TEXT", help="Why: kept with the decision (rdfs:comment)."
    )(command)
    command = click.option(
        "--by",
        "reviewer",
        metavar="NAME",
        help="Who decides, kept with the decision [default: your login name].",
    )(command)
    command = click.option(
        "-o",
        "--output",
        "output_path",
        type=click.Path(path_type=Path, dir_okay=False),
        metavar="FILE.ttl",
        help="Record the decision in this Turtle file of decisions (created if missing; "
        "give it with --add to later commands and imports), instead of a store.",
    )(command)
    return data_options(command)


def _decide(
    verdict: str,
    a: str,
    b: str,
    output_path: Path | None,
    reviewer: str | None,
    note: str | None,
    wait: float,
    source: GraphSource,
) -> None:
    from kg.matching import decide

    store = source.store if source.store.kind != "memory" else None
    if store is not None and (source.data or source.add):
        raise StoreError(
            f"--data and --add name files a decision in a file (-o) sits on; the store "
            f"{store.where()} holds its own data"
        )
    done = decide(
        a,
        b,
        "same" if verdict == "same" else "different",
        store=store,
        output=output_path,
        data=source.data,
        add=source.add,
        reviewer=reviewer,
        note=note,
        wait=wait,
    )
    click.echo(done.message())


@actors_group.command("merge")
@click.argument("a")
@click.argument("b")
@_decision_options
def merge_command(
    a: str,
    b: str,
    output_path: Path | None,
    reviewer: str | None,
    note: str | None,
    wait: float,
    source: GraphSource,
) -> None:
    """Record that A and B are one actor: A is merged into B (owl:sameAs), with who decided
    and when. In a store (--store) the claims that name A move to B and A's names become
    B's other names; imports follow the merge from then on. Replaces an earlier decision on
    the pair. Exit 6: no actor has the name; 7: the name fits several; 14: A and B are one
    IRI, or B is merged into A.

        kg actors merge "Al Qaeda" "al-Qaida" --store kg-store --note "one group"
        kg actors merge ck:actor-kurdish-forces ck:kurdish-led-militias -o decisions.ttl
    """
    _decide("same", a, b, output_path, reviewer, note, wait, source)


@actors_group.command("distinct")
@click.argument("a")
@click.argument("b")
@_decision_options
def distinct_command(
    a: str,
    b: str,
    output_path: Path | None,
    reviewer: str | None,
    note: str | None,
    wait: float,
    source: GraphSource,
) -> None:
    """Record that A and B are two actors (owl:differentFrom), with who decided and when:
    `kg actors match` does not propose the pair again. Replaces an earlier decision on the
    pair (a merge: claims it moved stay until their file is imported again). Exit 14: A and
    B are one actor through other merges.

        kg actors distinct "Syria" "Syrian government" --store kg-store --by "A. Analyst"
    """
    _decide("different", a, b, output_path, reviewer, note, wait, source)
