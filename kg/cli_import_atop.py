"""``kg import atop``: a thin layer over :func:`kg.importers.atop.import_atop`."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli_common import GraphSource, data_options, quiet_option
from kg.cli_common import wait_option as cli_wait_option

# Only functions from kg.cli_import: it imports this module to register the command, and
# mypy cannot type its option decorators across that cycle (they are made here alike).
from kg.cli_import import _readable_file, _rows_bar, _show, _store_folder

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


@click.command("atop")
@click.argument(
    "csv_path",
    metavar="FILE.csv",
    type=click.Path(path_type=Path, dir_okay=False),
    callback=_readable_file,
)
@click.option(
    "--states",
    "states_path",
    type=click.Path(path_type=Path, dir_okay=False),
    callback=lambda ctx, param, path: None if path is None else _readable_file(ctx, param, path),
    metavar="COW.csv",
    help="A COW state list (ccode, statenme: cow-states.csv) naming the states the crosswalk "
    "of states lacks; needed only for such codes.",
)
@output_option
@click.option(
    "--dataset-version",
    default="5.1",
    show_default=True,
    help="The ATOP release the file is (names the dataset and its claims; 5.1 and 5.0 cover "
    "1815-2018, another release the years its file has).",
)
@wait_option
@quiet_option
@data_options
@summary_format
def atop_command(
    csv_path: Path,
    states_path: Path | None,
    output_path: Path | None,
    dataset_version: str,
    wait: float,
    quiet: bool,
    source: GraphSource,
    fmt: str,
) -> None:
    """Import ATOP alliances (the directed dyad-year file: ccode1, ccode2, year and the
    five obligation flags).

    The two rows of a pair are one alliance, and its consecutive years with the same
    obligations one alliance claim, with a kind of alliance for each obligation (defence,
    offence, neutrality, non-aggression, consultation). An alliance still in force in the
    last year the release covers (2018) is open at the end of coverage, not ended. States
    are found by COW code in the crosswalk of states, else by their name in --states.

        kg import atop atop-5.1-ddy.csv --states cow-states.csv -o atop.ttl
    """
    from kg.importers.atop import import_atop

    folder = _store_folder(output_path, source)
    with _rows_bar(csv_path, quiet) as progress:
        result = import_atop(
            csv_path,
            output_path,
            states=states_path,
            store=folder,
            data=source.data,
            add=source.add,
            allow_network=source.allow_network,
            version=dataset_version,
            wait=wait,
            progress=progress,
            stage=progress.stage if progress is not None else None,
        )
    _show(result, fmt, quiet)
