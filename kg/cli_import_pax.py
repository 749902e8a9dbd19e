"""``kg import pax``: the PA-X peace agreements, a thin layer over ``kg.importers.pax``."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli_common import GraphSource, data_options, quiet_option
from kg.cli_common import wait_option as cli_wait_option

# Only functions from kg.cli_import: it imports this module to register the command, and
# mypy cannot type its option decorators across that cycle (they are made here alike, as
# kg.cli_import_atop does).
from kg.cli_import import _readable_file, _rows_bar, _store_folder

output_option = click.option(
    "-o",
    "--output",
    "output_path",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE.ttl",
    help="Import into this Turtle (.ttl) or N-Triples (.nt) file, created if missing and "
    "merged into if not; replaced atomically after validation; never the bundled data. "
    "Or import into a store folder with --store, or a server with --endpoint.",
)
wait_option = cli_wait_option("another process writing the same store")
summary_format = click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="Output format of the summary.",
)


@click.command("pax")
@click.argument(
    "csv_path",
    metavar="FILE.csv",
    type=click.Path(path_type=Path, dir_okay=False),
    callback=_readable_file,
)
@output_option
@click.option(
    "--conflict",
    metavar="NAME",
    help='Only the agreements of this country or entity (PA-X Con, such as "Syria"; an '
    'agreement of "Russia/Syria/Turkey" is one of Syria\'s).',
)
@click.option(
    "--process",
    metavar="NAME",
    help='Only the agreements of this peace process (PA-X PPName, such as "Syrian peace '
    'process", or its PP id).',
)
@wait_option
@quiet_option
@data_options
@summary_format
def pax_command(
    csv_path: Path,
    output_path: Path | None,
    conflict: str | None,
    process: str | None,
    wait: float,
    quiet: bool,
    source: GraphSource,
    fmt: str,
) -> None:
    """Import the PA-X peace agreements (pax_all_agreements_data_v6.csv, as published).

    Each agreement with its name, date, stage, type, conflict, peace process and PA-X id;
    its signatories (Part) and third parties (ThrdPart: guarantors, mediators, witnesses) as
    claims, found by any name the data gives them. Party text that names no actor
    ("[Signed]", "the parties", a title without a name) is kept on the agreement, never
    made into an actor; the summary counts how the party strings read.

        kg import pax pax_all_agreements_data_v6.csv --conflict Syria -o pax-syria.ttl
    """
    from kg.importers.pax import import_pax

    folder = _store_folder(output_path, source)
    with _rows_bar(csv_path, quiet) as progress:
        result = import_pax(
            csv_path,
            output_path,
            store=folder,
            data=source.data,
            add=source.add,
            conflict=conflict,
            process=process,
            allow_network=source.allow_network,
            wait=wait,
            progress=progress,
            stage=progress.stage if progress is not None else None,
        )
    if not quiet:
        click.echo(result.render(fmt), nl=False)
