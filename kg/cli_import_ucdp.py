"""``kg import ucdp-conflicts``: a thin layer over
:func:`kg.importers.ucdp_conflicts.import_ucdp_conflicts`."""

from __future__ import annotations

import sys
from contextlib import AbstractContextManager
from pathlib import Path

import click

from kg.cli_common import GraphSource, ProgressBar, data_options, progress_bar, quiet_option
from kg.cli_common import wait_option as cli_wait_option

# Only functions from kg.cli_import: it imports this module to register the command, and
# mypy cannot type its option decorators across that cycle (they are made here alike).
from kg.cli_import import _readable_file, _show, _store_folder

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


def _optional_file(ctx: click.Context, param: click.Parameter, path: Path | None) -> Path | None:
    return None if path is None else _readable_file(ctx, param, path)


@click.command("ucdp-conflicts")
@click.argument(
    "dyadic_path",
    metavar="DYADIC.csv",
    type=click.Path(path_type=Path, dir_okay=False),
    callback=_readable_file,
)
@click.argument(
    "acd_path",
    metavar="[ACD.csv]",
    required=False,
    type=click.Path(path_type=Path, dir_okay=False),
    callback=_optional_file,
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

    folder = _store_folder(output_path, source)
    with _rows_bar(dyadic_path, acd_path, quiet) as progress:
        result = import_ucdp_conflicts(
            dyadic_path,
            acd_path,
            output_path,
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


def _rows_bar(
    dyadic: Path, acd: Path | None, quiet: bool
) -> AbstractContextManager[ProgressBar | None]:
    """A bar of the rows of both files, on a terminal only, then of the steps after them."""
    from kg.importers import table_rows

    shown = not quiet and sys.stderr.isatty()
    total = table_rows(dyadic) + (table_rows(acd) if acd is not None else 0) if shown else 0
    return progress_bar(f"Importing {dyadic.name}", total, shown, unit="rows")
