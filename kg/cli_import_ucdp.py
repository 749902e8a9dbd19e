"""``kg import ucdp-conflicts``: a thin layer over
:func:`kg.importers.ucdp_conflicts.import_ucdp_conflicts`."""

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


@click.command("ucdp-conflicts")
@click.argument(
    "dyadic_path",
    metavar="DYADIC.csv",
    type=click.Path(path_type=Path, dir_okay=False),
    callback=readable_file,
)
@click.argument(
    "acd_path",
    metavar="[ACD.csv]",
    required=False,
    type=click.Path(path_type=Path, dir_okay=False),
    callback=optional_file,
)
@output_option
@click.option(
    "--dataset-version",
    default=None,
    help="The UCDP release the files are (names the datasets and their claims; the last "
    "year covered is the year before the release's: 25.1 covers 1946-2024). Default: the "
    "file's version column, else 25.1.",
)
@wait_option
@quiet_option
@data_options
@summary_format
def ucdp_conflicts_command(
    dyadic_path: Path,
    acd_path: Path | None,
    output_path: Path | None,
    dataset_version: str | None,
    wait: float,
    quiet: bool,
    source: GraphSource,
    fmt: str,
) -> None:
    """Import the UCDP Dyadic Dataset (and the UCDP/PRIO Armed Conflict Dataset, if given):
    who fought whom, where and when.

    Each dyad gives one opposition claim per span of consecutive active years, with its
    highest intensity, conflict and dyad; each state that sent troops to fight beside a
    side (side_a_2nd, side_b_2nd) a support claim of the kind troops for those years,
    against the other side. Conflicts (name, location, incompatibility, territory, type,
    intensity by year, from the ACD) and dyads are kept too. A claim still recorded in the
    last covered year is open at the end of coverage. Actors are those of `kg import
    ucdp-esd`: the same UCDP ids, merged by the alias table (kg report aliases).

    \b
        kg import ucdp-conflicts ucdp-dyadic-251.csv ucdp-prio-acd-251.csv -o ucdp.ttl
        kg report backers --add ucdp.ttl --of "Syrian government" --as-of 2016-06-30
    """
    from kg.importers.ucdp_conflicts import import_ucdp_conflicts

    run_import(
        import_ucdp_conflicts, [dyadic_path, acd_path], output_path, source, quiet=quiet,
        fmt=fmt, wait=wait, version=dataset_version,
    )  # fmt: skip
