"""``kg import atop``: a thin layer over :func:`kg.importers.atop.import_atop`."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli_common import GraphSource, data_options, quiet_option
from kg.cli_import_common import (
    optional_file,
    output_option,
    readable_file,
    run_import,
    summary_format,
    wait_option,
)


@click.command("atop")
@click.argument(
    "csv_path",
    metavar="FILE.csv",
    type=click.Path(path_type=Path, dir_okay=False),
    callback=readable_file,
)
@click.option(
    "--states",
    "states_path",
    type=click.Path(path_type=Path, dir_okay=False),
    callback=optional_file,
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

    run_import(
        import_atop, [csv_path], output_path, source, quiet=quiet, fmt=fmt, wait=wait,
        states=states_path, version=dataset_version,
    )  # fmt: skip
