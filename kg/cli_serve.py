"""``kg serve``: the SPARQL endpoint and the web page, over HTTP (kg.web)."""

from __future__ import annotations

import math
import re
from ipaddress import ip_address

import click

from kg.cli_common import GraphSource, data_options
from kg.limits import DEFAULT_LIMIT, DEFAULT_TIMEOUT


def _loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _seconds(_ctx: click.Context, _param: click.Parameter, value: float) -> float:
    if not math.isfinite(value):
        raise click.BadParameter(f"{value} is not a number of seconds")
    return value


@click.command("serve")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="The address to listen on. Anything but a loopback address needs --token.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="The port to listen on (0: any free port; the address printed says which).",
)
@click.option(
    "--token",
    envvar="KG_SERVE_TOKEN",
    metavar="TEXT",
    help="Answer only requests that carry this token ('Authorization: Bearer TEXT', or a "
    "page opened at /?token=TEXT). [env: KG_SERVE_TOKEN]",
)
@click.option(
    "--no-token",
    is_flag=True,
    help="Listen on an address other than loopback without a token: anyone who reaches "
    "it can read the whole graph.",
)
@click.option(
    "--allow-host",
    "allowed_hosts",
    multiple=True,
    metavar="NAME",
    help="Also answer requests whose Host header is NAME (the server's DNS name behind a "
    "proxy). Repeatable. localhost and IP addresses are always answered.",
)
@click.option(
    "--cors",
    "cors",
    multiple=True,
    metavar="ORIGIN",
    help="Let pages of ORIGIN (https://yasgui.example) query the server from a browser "
    "(CORS); '*' any origin. Repeatable. Without it, requests a page of another site makes "
    "are refused.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    callback=_seconds,
    default=DEFAULT_TIMEOUT,
    show_default=True,
    metavar="SECONDS",
    help="Stop a query or report that runs longer than this (503, nothing sent).",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=DEFAULT_LIMIT,
    show_default=True,
    help="Refuse an answer of more rows (or CONSTRUCT triples) than this (422).",
)
@click.option(
    "--threads",
    type=click.IntRange(1, 64),
    default=8,
    show_default=True,
    help="How many requests waitress takes at once (those that read the graph then wait "
    "for one of --workers).",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    metavar="N",
    help="How many requests read the graph at once, each in a process of its own "
    "[default: the cores + 1]; the others wait their turn.",
)
@click.option(
    "--idle-timeout",
    type=click.IntRange(1, 3600),
    default=30,
    show_default=True,
    metavar="SECONDS",
    help="Close a connection that sends nothing for this long (a slow or stalled client).",
)
@data_options
def serve_command(
    host: str,
    port: int,
    token: str | None,
    no_token: bool,
    allowed_hosts: tuple[str, ...],
    cors: tuple[str, ...],
    timeout: float,
    limit: int,
    threads: int,
    workers: int | None,
    idle_timeout: int,
    source: GraphSource,
) -> None:
    """Serve the graph over HTTP until Ctrl-C (or SIGTERM): a SPARQL 1.1 endpoint at
    /sparql for tools, the bundled queries at /queries/NAME, and a page at / to find an
    actor, read who backs it and the sentence each relation rests on.

    The endpoint is read-only (updates get 403); queries have the limits of kg query
    (--timeout, --limit) and reach no network unless --allow-network is given.

        kg serve

        kg serve --store kg-store --port 8080

        kg serve --store kg-store --host 0.0.0.0 --token "$(openssl rand -hex 16)"
    """
    from kg.web.app import TOKEN_TEXT, App, Settings, store_version
    from kg.web.server import address, create, serve_forever

    if token is not None and not TOKEN_TEXT.fullmatch(token):
        raise click.BadParameter(
            "a token is letters, digits and . _ ~ + / - (as openssl rand -hex 16 makes); "
            "it goes into a header and a cookie as it is",
            param_hint="--token",
        )
    for origin in cors:
        if origin != "*" and not re.fullmatch(r"https?://[^/\s]+", origin):
            raise click.BadParameter(
                f"{origin!r} is not an origin (https://host or http://host:port, or '*')",
                param_hint="--cors",
            )
    if not _loopback(host) and token is None and not no_token:
        raise click.UsageError(
            f"--host {host} listens beyond this machine: give --token TEXT (or --no-token to "
            "let anyone who reaches it read the graph)"
        )
    kg = source.open()
    settings = Settings(
        host=host,
        port=port,
        allowed_hosts=tuple(h.lower() for h in allowed_hosts),
        token=token,
        cors=tuple(cors),
        timeout=timeout,
        limit=limit,
        workers=workers if workers is not None else Settings().workers,
    )
    folder = source.store.folder if kg.store.kind == "oxigraph" else None
    # a store folder that kg load or kg import changes is opened again by the next request
    app = App(
        kg,
        settings,
        reopen=source.open if folder is not None else None,
        version=store_version(folder) if folder is not None else None,
    )
    triples = app.warm()
    try:
        server = create(app, threads=threads, idle_timeout=idle_timeout)
    except OSError as error:
        raise click.ClickException(
            f"cannot listen on {host}:{port}: {error.strerror or error}"
        ) from None
    what = {"memory": "in memory", "oxigraph": f"store {source.store.where()}"}.get(
        kg.store.kind, f"endpoint {source.store.where()}"
    )
    protected = "; token required" if token else ""
    click.echo(
        f"kg serve: {address(server)}/ ({what}, {triples:,} triples{protected}; Ctrl-C stops)",
        err=True,
    )
    try:
        serve_forever(server)
    finally:
        app.close()
    click.echo("kg serve: stopped", err=True)
