"""``kg load``: fill a persistent store, an Oxigraph folder or a SPARQL server."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kg.cli_common import progress_bar, store_options, wait_option
from kg.errors import StoreError
from kg.graph import StoreSpec


@click.command("load")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--replace",
    is_flag=True,
    help="Empty the store's data first (default: add the files to what it holds).",
)
@click.option(
    "--allow-network",
    is_flag=True,
    help="Allow owl:imports and JSON-LD @context URLs in the files (refused by default).",
)
@click.option(
    "--bundled",
    is_flag=True,
    help="Load the bundled Astana data set too (what `kg load` with no FILES loads).",
)
@click.option(
    "--quiet",
    "-q",
    is_flag=True,
    help="Print nothing when all goes well: no progress bar, no summary (errors still).",
)
@wait_option("another load or import into the same store")
@store_options
def load_command(
    files: tuple[Path, ...],
    replace: bool,
    allow_network: bool,
    bundled: bool,
    quiet: bool,
    wait: float,
    store: StoreSpec,
) -> None:
    """Load RDF files into a persistent store: --store DIR or --endpoint URL.

    FILES (.ttl .nt .nq .trig .jsonld; default: the bundled Astana data; --bundled: that
    too) are checked, then bulk-loaded into the store's data. Every load also puts in the
    bundled ontology, actors (with their other names) and alias table, so that the store
    answers by every name an import resolved; the direct relations are derived again.
    All or nothing: a file at fault (exit 2), refused for reaching the network (exit 4),
    or any other failure leaves the store as it was, and readers see the last complete
    state until the load is done. A second `kg load` into the same store waits for the
    first (--wait). Exit 11: the store cannot be opened. On a terminal a progress bar
    shows the bytes read; a one-line summary ends the load.

    \b
        kg load esd.ttl --bundled --store kg-store
        kg report backers --of "Government of Syria" --store kg-store
    """
    from kg.loading import bytes_to_read, load_store  # here: no other command needs it

    if store.kind == "memory":
        raise StoreError("kg load needs a store to fill: --store DIR or --endpoint URL")
    shown = not quiet and sys.stderr.isatty()
    total = bytes_to_read(list(files), bundled=bundled) if shown else 0
    with progress_bar(f"Loading into {store.where()}", total, shown, unit="bytes") as progress:
        summary = load_store(
            store,
            list(files),
            bundled=bundled,
            replace=replace,
            allow_network=allow_network,
            progress=progress,
            wait=wait,
        )
    if quiet:
        return
    click.echo(
        f"{store.where()}: {summary.files} file(s), {summary.added:,} new triples; the store "
        f"holds {summary.data:,} data, {summary.derived:,} derived and {summary.ontology:,} "
        f"ontology triples ({summary.seconds:.1f} s)"
    )
