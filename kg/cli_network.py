"""``kg metrics`` and ``kg plot``: measures and pictures of the actor network, thin layers
over ``kg.metrics`` and ``kg.plot``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from kg.cli_common import (
    REPORT_FORMATS,
    GraphSource,
    as_of_options,
    data_options,
    format_option,
    scope_options,
)
from kg.selection import Scope


@click.command("metrics")
@click.option(
    "--top",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Show only the first N actors of the influence and brokerage lists.",
)
@as_of_options
@scope_options
@data_options
@format_option(REPORT_FORMATS)
def metrics_command(
    top: int | None,
    as_of: Any,
    include_ended: bool,
    scope: Scope,
    source: GraphSource,
    fmt: str,
) -> None:
    """Measures of the actor network: influence and patronage reach, brokerage, camps
    (alliance blocs) and structural balance. The README says what each means.

        kg metrics --top 5 --as-of 2017-09-01

        kg metrics --conflict Syria --as-of 2016 --store kg-store
    """
    from kg import metrics
    from kg.reports import selection_notes
    from kg.selection import LeftOut, scoped

    kg = source.open()
    chosen = scoped(kg, scope)
    left = LeftOut()
    found = metrics.measure(kg, as_of=as_of, include_ended=include_ended, scope=chosen, left=left)
    said = selection_notes(as_of, [], left, chosen)
    if fmt in ("table", "markdown"):
        found.notes.extend(said)
    click.echo(found.render(fmt, top=top), nl=False)
    if fmt not in ("table", "markdown"):  # JSON and CSV stay pure
        for note in said:
            click.echo(f"({note})", err=True)


@click.command("plot")
@click.option(
    "-o",
    "--output",
    "output_path",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE",
    help="Write to this file: .png or .svg for a picture, .html for an interactive page "
    "(replaced atomically: a failure leaves it as it was).",
)
@click.option(
    "--actor",
    default=None,
    metavar="NAME",
    help="Draw only this actor (a name or IRI, as the reports take it) and the actors within "
    "--hops ties of it, whichever way the relations point.",
)
@click.option(
    "--hops",
    type=click.IntRange(min=0),
    default=None,
    metavar="N",
    help="With --actor: how many ties away an actor may be (default 1).",
)
@click.option(
    "--top",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Draw only the N actors with the most partners (distinct actors they have "
    "relations with) and the relations among them.",
)
@as_of_options
@scope_options
@data_options
def plot_command(
    output_path: Path,
    actor: str | None,
    hops: int | None,
    top: int | None,
    as_of: Any,
    include_ended: bool,
    scope: Scope,
    source: GraphSource,
) -> None:
    """Draw the actor network, coloured by camp (the largest six camps in colours a
    colour-blind reader tells apart, the others grey). Backing is a dark arrow, holding
    office a line ending in a bracket, an envoy an open arrow, an alliance a blue line,
    hostility a vermilion line, a structural link (a delegation, an agency) a light one;
    ended relations are dotted and faded, alleged ones dashed, those that may have ended
    (or are not known after their dataset's coverage) dash-dotted. At most 40 actors are
    named, those with the most partners, and no two names overlap.

    FILE.png and FILE.svg are pictures (the SVG names every actor and relation in a
    tooltip); FILE.html is one self-contained page (it loads nothing from the network)
    where you can find an actor by any part of its name, drag actors, zoom, read a
    relation's kinds of support, opponents and sources by hovering over it, and filter by
    kind of relation and by date.

        kg plot -o astana.html --include-ended

        kg plot -o astana.svg --as-of 2017-09-01

        kg plot -o iran.png --actor Iran --hops 1 --top 40

        kg plot -o syria.png --conflict Syria --as-of 2016 --store kg-store
    """
    from kg import plot
    from kg.selection import LeftOut

    if hops is not None and actor is None:
        raise click.UsageError("--hops counts ties from the actor of --actor; give --actor too")
    plot.picture_format(output_path)  # an unknown extension fails before any work
    left = LeftOut()
    picture = plot.plot_to_file(
        source.open(),
        output_path,
        as_of=as_of,
        include_ended=include_ended,
        scope=scope,
        left=left,
        actor=actor,
        hops=1 if hops is None else hops,
        top=top,
    )
    named = f"; {picture.labelled} named" if picture.labelled < picture.actors else ""
    click.echo(
        f"wrote {picture.path} ({picture.format}, {picture.size} bytes: "
        f"{_count(picture.actors, 'actor')}, {_count(picture.relations, 'relation')}{named})",
        err=True,
    )
    if picture.left_out_actors or picture.left_out_relations:
        options = " and ".join(
            o for o, used in (("--actor/--hops", actor is not None), ("--top", top)) if used
        )
        click.echo(
            f"{options} left out {_count(picture.left_out_actors, 'actor')} and "
            f"{_count(picture.left_out_relations, 'relation')}",
            err=True,
        )
    note = left.note()
    if note:
        click.echo(f"({note})", err=True)


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"
