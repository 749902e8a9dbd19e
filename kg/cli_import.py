"""``kg import ...`` and ``kg report aliases``: a thin layer over ``kg.importers``."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli_common import (
    REPORT_FORMATS,
    GraphSource,
    KGGroup,
    data_options,
    format_option,
    quiet_option,
    show_report,
)
from kg.cli_import_atop import atop_command
from kg.cli_import_common import (
    output_option,
    readable_file,
    run_import,
    summary_format,
    wait_option,
)
from kg.cli_import_pax import pax_command
from kg.cli_import_ucdp import ucdp_conflicts_command


@click.group("import", cls=KGGroup)
def import_group() -> None:
    """Import claims from tables into a store folder (--store), a SPARQL server (--endpoint)
    or a file of your own (-o).

    The import is checked against the shapes together with the data it joins before
    anything is kept; a bad row is refused naming its row and column, and the store, server
    or file is left as it was. Importing the same file again adds nothing; two imports into one
    store take turns (the second waits, --wait).

    \b
        kg load --store kg-store
        kg import ucdp-esd ucdp-esd-ty-181.csv --store kg-store
        kg report backers --store kg-store --of "Syrian government" --as-of 2017-06-30
    \b
        kg import ucdp-esd ucdp-esd-ty-181.csv -o esd.ttl
        kg report backers --add esd.ttl --of "Syrian government" --as-of 2017-06-30
    """


@import_group.command("ucdp-esd")
@click.argument(
    "csv_path",
    metavar="FILE.csv",
    type=click.Path(path_type=Path, dir_okay=False),
    callback=readable_file,
)
@output_option
@click.option(
    "--dataset-version",
    default="18.1",
    show_default=True,
    help="The ESD release the file is (names the dataset node and its claims).",
)
@wait_option
@quiet_option
@data_options
@summary_format
def esd_command(
    csv_path: Path,
    output_path: Path | None,
    dataset_version: str,
    wait: float,
    quiet: bool,
    source: GraphSource,
    fmt: str,
) -> None:
    """Import the UCDP External Support Dataset (the triad-year file, as published).

    Each row with a supporter becomes a support claim for its year, with the kinds of
    support, alleged or not, coalition and both-sides flags, and the row's id; a row
    without one records that the party had no known support that year. UCDP actors are
    merged into the data's actors by the alias table (kg report aliases).

        kg import ucdp-esd ucdp-esd-ty-181.csv -o esd.ttl
    """
    from kg.importers import import_esd

    run_import(
        import_esd, [csv_path], output_path, source, quiet=quiet, fmt=fmt, wait=wait,
        version=dataset_version,
    )  # fmt: skip


@import_group.command("csv")
@click.argument(
    "csv_path",
    metavar="FILE",
    type=click.Path(path_type=Path, dir_okay=False),
    callback=readable_file,
)
@click.option(
    "--mapping",
    "mapping_path",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    callback=readable_file,
    metavar="MAP.toml",
    help="The mapping file: which column is the backer, the recipient, the kind of "
    "relation, dates, source and quote (see the README).",
)
@output_option
@wait_option
@quiet_option
@data_options
@summary_format
def csv_command(
    csv_path: Path,
    mapping_path: Path,
    output_path: Path | None,
    wait: float,
    quiet: bool,
    source: GraphSource,
    fmt: str,
) -> None:
    """Import a table of claims (CSV) through a mapping file.

    Actors are found by any name the data gives them (or by IRI); a name the data does not
    have adds a new actor, listed in the summary.

        kg import csv backers.csv --mapping backers.toml -o mine.ttl
    """
    from kg.importers import import_csv

    run_import(
        import_csv, [csv_path, mapping_path], output_path, source, quiet=quiet, fmt=fmt,
        wait=wait, mapping=mapping_path,
    )  # fmt: skip


@click.command("aliases")
@data_options
@format_option(REPORT_FORMATS)
def aliases_command(source: GraphSource, fmt: str) -> None:
    """The merges of actors across sources: the name and id another source (UCDP) gives an
    actor, the actor of the data it is merged into, and why. A wrong merge is fixed in
    data/aliases.ttl; then import the file again.

        kg report aliases --add esd.ttl
    """
    from kg.importers.aliases import aliases

    show_report(aliases(source.open()), fmt)


for _command in (atop_command, pax_command, ucdp_conflicts_command):
    import_group.add_command(_command)
