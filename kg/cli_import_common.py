"""What every ``kg import`` command shares: the options, the checks of input files, the
store an import goes into, the progress bar and the summary.

Its own module so that the commands of each dataset (kg.cli_import_atop, _pax, _ucdp)
import it, and kg.cli_import imports them to register them, without a cycle.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol

import click

from kg.cli_common import GraphSource, ProgressBar, progress_bar
from kg.cli_common import wait_option as cli_wait_option
from kg.errors import DataLoadError
from kg.graph import StoreSpec


class Summary(Protocol):
    """What an import tells: kg.importers.ImportResult, or an importer's own kind of it."""

    def render(self, fmt: str) -> str: ...


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


def readable_file(_ctx: click.Context, _param: click.Parameter, path: Path) -> Path:
    """Refuse an input that is no regular file here, where it is named: a pipe or a device
    would make the import wait for input that may never come."""
    if path.exists() and not path.is_file():
        raise DataLoadError(f"{path}: not a regular file (a device, pipe or socket)")
    if path.is_symlink() and not path.exists():
        raise DataLoadError(f"{path}: cannot be read (a symbolic link to nothing, or a loop)")
    return path


def optional_file(ctx: click.Context, param: click.Parameter, path: Path | None) -> Path | None:
    """:func:`readable_file` for an input that may be left out."""
    return None if path is None else readable_file(ctx, param, path)


def store_folder(output_path: Path | None, source: GraphSource) -> StoreSpec | None:
    """The store an import goes into: --store (or KG_STORE, unless -o names a file on the
    command line), or the server --endpoint names (with its update URL and credentials)."""
    spec = source.store
    if spec.endpoint is not None:
        if output_path is not None:
            given = click.get_current_context().get_parameter_source("endpoint")
            if given is click.core.ParameterSource.ENVIRONMENT:
                return None  # -o on the command line wins over KG_ENDPOINT in the environment
        return spec
    folder = spec.folder
    if folder is not None and output_path is not None:
        given = click.get_current_context().get_parameter_source("store_folder")
        if given is click.core.ParameterSource.ENVIRONMENT:
            return None  # -o on the command line wins over KG_STORE in the environment
    return spec if folder is not None else None


def rows_bar(
    quiet: bool, *paths: Path | None, mapping: Path | None = None
) -> AbstractContextManager[ProgressBar | None]:
    """A bar of the rows of the files read, on a terminal only, then of the steps after
    them."""
    from kg.importers import table_rows

    files = [p for p in paths if p is not None]
    shown = not quiet and sys.stderr.isatty()
    total = sum(table_rows(p, mapping) for p in files) if shown else 0
    return progress_bar(f"Importing {files[0].name}", total, shown, unit="rows")


def show_result(result: Summary, fmt: str, quiet: bool = False) -> None:
    """The import's summary, unless ``quiet``."""
    if not quiet:
        click.echo(result.render(fmt), nl=False)


def run_import(
    importer: Callable[..., Summary],
    inputs: Sequence[Path | None],
    output_path: Path | None,
    source: GraphSource,
    *,
    quiet: bool,
    fmt: str,
    wait: float,
    mapping: Path | None = None,
    **options: Any,
) -> None:
    """Run ``importer(*inputs, output_path, ...)`` into the store or file the options name,
    with the bar of the rows of the tables (``inputs`` but a mapping), and show the summary.
    ``options`` are the importer's own (a release, a filter)."""
    tables = [p for p in inputs if p is not None and p != mapping]
    folder = store_folder(output_path, source)
    with rows_bar(quiet, *tables, mapping=mapping) as progress:
        result = importer(
            *inputs,
            output_path,
            store=folder,
            data=source.data,
            add=source.add,
            allow_network=source.allow_network,
            wait=wait,
            progress=progress,
            stage=progress.stage if progress is not None else None,
            **options,
        )
    show_result(result, fmt, quiet)
