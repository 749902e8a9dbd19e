"""``kg metrics`` and ``kg plot``: measures and pictures of the actor network, thin layers
over ``kg.metrics`` and ``kg.plot``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from kg.cli_common import (
    REPORT_FORMATS,
    GraphSource,
    as_day,
    as_of_options,
    data_options,
    format_option,
)


@click.command("metrics")
@click.option(
    "--top",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Show only the first N actors of the influence and brokerage lists.",
)
@as_of_options
@data_options
@format_option(REPORT_FORMATS)
def metrics_command(
    top: int | None, as_of: Any, include_ended: bool, source: GraphSource, fmt: str
) -> None:
    """Measures of the actor network: influence and patronage reach, brokerage, camps
    (alliance blocs) and structural balance. The README says what each means.

        kg metrics --top 5 --as-of 2017-09-01
    """
    from kg import metrics

    found = metrics.measure(source.open(), as_of=as_day(as_of), include_ended=include_ended)
    click.echo(found.render(fmt, top=top), nl=False)


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
@as_of_options
@data_options
def plot_command(output_path: Path, as_of: Any, include_ended: bool, source: GraphSource) -> None:
    """Draw the actor network, coloured by camp: backing as arrows, alliances as lines,
    hostility as dashed red lines, structural links (a delegation, an agency) lighter.

    FILE.png and FILE.svg are pictures; FILE.html is one self-contained page (it loads
    nothing from the network) where you can drag actors, zoom, read the sources of a
    relation by hovering over it, and filter by kind of relation and by date.

        kg plot -o astana.html --include-ended

        kg plot -o astana.svg --as-of 2017-09-01
    """
    from kg import plot

    plot.picture_format(output_path)  # an unknown extension fails before any work
    picture = plot.plot_to_file(
        source.open(), output_path, as_of=as_day(as_of), include_ended=include_ended
    )
    click.echo(
        f"wrote {picture.path} ({picture.format}, {picture.size} bytes: "
        f"{picture.actors} actors, {picture.relations} relations)",
        err=True,
    )
