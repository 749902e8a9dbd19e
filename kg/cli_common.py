"""What the ``kg`` commands share: error handling, --data, --format, --as-of, report output.

Feature modules (``kg.cli_report``, ...) build their commands from these; ``kg.cli`` puts
them together.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import click

from kg import output, reports
from kg.errors import KGError
from kg.graph import KnowledgeGraph

F = TypeVar("F", bound=Callable[..., Any])


class KGGroup(click.Group):
    """A group that turns library errors into one line on stderr and their exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KGError as error:
            click.echo(f"Error: {error}", err=True)
            ctx.exit(error.exit_code)


def data_options(command: F) -> F:
    """``--data PATH`` (repeatable) and ``--allow-network``, shared by every command."""
    command = click.option(
        "--data",
        "data",
        multiple=True,
        type=click.Path(path_type=Path, dir_okay=False),
        metavar="PATH",
        help="Use this RDF file instead of the bundled data (repeatable; the format comes "
        "from the extension: .ttl .nt .nq .trig .jsonld).",
    )(command)
    command = click.option(
        "--allow-network",
        is_flag=True,
        help="Allow what would reach the network: SERVICE and FROM in queries, JSON-LD "
        "@context URLs, owl:imports. Off by default.",
    )(command)
    return command


def format_option(
    choices: Sequence[str] = output.FORMATS, default: str = "table"
) -> Callable[[F], F]:
    """The shared ``--format`` option of the commands that print rows."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default=default,
        show_default=True,
        help="Output format.",
    )


def open_graph(data: Sequence[Path], allow_network: bool) -> KnowledgeGraph:
    """Open the bundled data, or the files given with --data."""
    return KnowledgeGraph.open(list(data) or None, allow_network=allow_network)


REPORT_FORMATS = ("table", "csv", "json", "markdown")


def as_of_options(command: F) -> F:
    """``--as-of DATE`` and ``--include-ended``, shared by the reports that list relations."""
    command = click.option(
        "--include-ended",
        is_flag=True,
        help="Also list relations that have ended (with their end).",
    )(command)
    command = click.option(
        "--as-of",
        "as_of",
        type=click.DateTime(formats=["%Y-%m-%d"]),
        default=None,
        metavar="YYYY-MM-DD",
        help="List the relations that held on this day. A relation that ended in a month or "
        "year containing the day is listed, flagged 'may have ended'.",
    )(command)
    return command


def as_day(value: datetime | None) -> date | None:
    """The day of a click DateTime value."""
    return value.date() if value is not None else None


def show_report(report: reports.Report, fmt: str) -> None:
    """Print a report in ``fmt``: tables show the compact columns, JSON and CSV every key."""
    if fmt in ("table", "markdown"):
        keys = [key for key, _heading in report.table]
        headings = [heading for _key, heading in report.table]
        click.echo(output.render(report.rows, keys, fmt, headings=headings), nl=False)
        for note in report.notes:
            click.echo(f"({note})")
    else:
        click.echo(output.render(report.rows, report.columns, fmt), nl=False)
