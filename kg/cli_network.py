"""``kg metrics`` and ``kg plot``: measures and pictures of the actor network, thin layers
over ``kg.metrics`` and ``kg.plot``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from kg import output
from kg.cli_common import (
    REPORT_FORMATS,
    GraphSource,
    as_day,
    as_of_options,
    data_options,
    format_option,
)

if TYPE_CHECKING:
    from kg import metrics


def metric_sections(
    found: metrics.Metrics, top: int | None
) -> dict[str, tuple[list[dict[str, Any]], list[str]]]:
    """The sections of the metrics output: rows and their columns, keyed by title."""
    influence = [vars(r) for r in found.influence[:top]]
    brokerage = [{**vars(r), "camps": [str(c) for c in r.camps]} for r in found.brokerage[:top]]
    camps = [
        {"camp": c.number, "size": len(c.actors), "actors": c.labels, "actor_iris": c.actors}
        for c in found.camps
    ]
    share = found.balanced_share
    balance = [
        {
            "triads": len(found.triads),
            "balanced": sum(t.balanced for t in found.triads),
            "balanced_share": round(share, 4) if share is not None else None,
            "mixed_sign_triads": found.ambiguous_triads,
            "frustration": found.frustration,
        }
    ]
    unbalanced = [
        {"actors": t.labels, "signs": t.signs, "why": t.why} for t in found.triads if not t.balanced
    ]
    return {
        "influence": (influence, ["label", "pagerank", "reach", "backs", "backed_by", "actor"]),
        "brokerage": (brokerage, ["label", "betweenness", "broker", "camps", "actor"]),
        "camps": (camps, ["camp", "size", "actors", "actor_iris"]),
        "balance": (
            balance,
            ["triads", "balanced", "balanced_share", "mixed_sign_triads", "frustration"],
        ),
        "unbalanced triads": (unbalanced, ["actors", "signs", "why"]),
    }


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
    sections = metric_sections(found, top)
    if fmt == "json":
        body = {
            title.replace(" ", "_"): [
                {k: output.json_value(r.get(k)) for k in columns} for r in rows
            ]
            for title, (rows, columns) in sections.items()
        }
        body["balance"] = body["balance"][0]  # type: ignore[assignment]
        body["notes"] = [{"note": note} for note in found.notes]
        click.echo(json.dumps(body, ensure_ascii=False, indent=2))
        return
    parts = []
    for title, (rows, columns) in sections.items():
        shown = (
            [c for c in columns if c not in ("actor", "actor_iris")] if fmt != "csv" else columns
        )
        rendered = output.render(rows, shown, fmt)
        heading = "## " if fmt == "markdown" else "# "
        parts.append(f"{heading}{title}\n{rendered}" if fmt != "csv" else rendered)
    click.echo("\n".join(parts), nl=False)
    for note in found.notes if fmt != "csv" else []:
        click.echo(f"({note})")


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
