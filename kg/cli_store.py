"""``kg load``: fill a persistent store, an Oxigraph folder or a SPARQL server."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kg.cli_common import store_options, wait_option
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
@wait_option("another `kg load` into the same store")
@store_options
def load_command(
    files: tuple[Path, ...], replace: bool, allow_network: bool, wait: float, store: StoreSpec
) -> None:
    """Load RDF files into a persistent store: --store DIR or --endpoint URL.

    FILES (.ttl .nt .nq .trig .jsonld; default: the bundled Astana data) are checked, then
    bulk-loaded into the store's data; the bundled ontology is put beside them and the
    direct relations are derived again. All or nothing: a file at fault (exit 2), refused
    for reaching the network (exit 4), or any other failure leaves the store as it was,
    and readers see the last complete state until the load is done. A second `kg load`
    into the same store waits for the first (--wait). Exit 11: the store cannot be opened.

    \b
        kg load data/*.ttl esd.ttl --store kg-store
        kg report backers --of "Syrian government" --store kg-store
    """
    from kg.loading import load_store  # here: no other command needs it

    if store.kind == "memory":
        raise StoreError("kg load needs a store to fill: --store DIR or --endpoint URL")
    total = sum(p.stat().st_size for p in files if p.is_file()) * 2
    with click.progressbar(
        length=total or 1,
        label=f"Loading into {store.where()}",
        file=sys.stderr,
        show_eta=False,
    ) as bar:
        summary = load_store(
            store,
            list(files),
            replace=replace,
            allow_network=allow_network,
            progress=bar.update,
            wait=wait,
        )
    click.echo(
        f"{store.where()}: {summary.files} file(s), {summary.added:,} new triples; the store "
        f"holds {summary.data:,} data, {summary.derived:,} derived and {summary.ontology:,} "
        f"ontology triples ({summary.seconds:.1f} s)"
    )
