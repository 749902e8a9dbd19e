"""``kg import pax``: the PA-X peace agreements, a thin layer over ``kg.importers.pax``."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli_common import GraphSource, data_options, quiet_option
from kg.cli_import_common import (
    output_option,
    readable_file,
    run_import,
    summary_format,
    wait_option,
)


@click.command("pax")
@click.argument(
    "csv_path",
    metavar="FILE.csv",
    type=click.Path(path_type=Path, dir_okay=False),
    callback=readable_file,
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

    \b
        kg import pax pax_all_agreements_data_v6.csv --conflict Syria -o pax-syria.ttl
    """
    from kg.importers.pax import import_pax

    run_import(
        import_pax, [csv_path], output_path, source, quiet=quiet, fmt=fmt, wait=wait,
        conflict=conflict, process=process,
    )  # fmt: skip
