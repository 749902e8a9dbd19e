"""What the ``kg`` commands share: error handling, --data, --format, --as-of, report output.

Feature modules (``kg.cli_report``, ...) build their commands from these; ``kg.cli`` puts
them together.
"""

from __future__ import annotations

import functools
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, cast

import click

from kg import limits, output
from kg.errors import BadValue, KGError, StoreError
from kg.graph import STORE_ENV, KnowledgeGraph, StoreSpec
from kg.results import Result

F = TypeVar("F", bound=Callable[..., Any])


def wait_option(whom: str) -> Callable[[F], F]:
    """``--wait SECONDS``: how long a writer waits for ``whom`` before exit 11."""
    from kg.locks import LOCK_WAIT

    return click.option(
        "--wait",
        type=click.FloatRange(min=0),
        default=LOCK_WAIT,
        show_default=True,
        metavar="SECONDS",
        help=f"How long to wait for {whom} (then exit 11).",
    )


#: The exit code of a command stopped by Ctrl-C (SIGINT), as shells give it.
INTERRUPTED = 130


class KGGroup(click.Group):
    """A group that turns library errors, a ceiling passed (time, memory) and a bad option
    into one line on stderr and their exit code."""

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as error:
            raise one_line(error) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KGError as error:
            click.echo(f"Error: {error}", err=True)
            ctx.exit(error.exit_code)
        except click.UsageError as error:
            raise one_line(error) from None
        except KeyboardInterrupt:
            # Not click's "Aborted!" (after an empty line) with exit 1, the code of data
            # that does not conform: one line, and the shells' code for Ctrl-C. Every
            # writer has cleaned up on the way out (a load's or import's copy is gone).
            click.echo("Error: interrupted; nothing was changed", err=True)
            ctx.exit(INTERRUPTED)
        except BaseException as error:
            stop = limits.stop_reason(error)  # the time limit's SIGALRM, a MemoryError
            if stop is None:
                raise
            click.echo(f"Error: {stop}", err=True)
            ctx.exit(stop.exit_code)


def one_line(error: click.UsageError) -> click.ClickException:
    """A usage error (a bad option, a missing argument) as one ``Error:`` line, exit 2,
    instead of click's usage block; a group called with nothing still shows its help."""
    if isinstance(error, _NO_ARGS_IS_HELP):
        return error
    where = error.ctx.command_path if error.ctx is not None else "kg"
    line = " ".join(error.format_message().split()).rstrip(".")
    return _UsageLine(f"{line} (see '{where} --help')")


# click 8.2 raises this (a UsageError that shows the help) for `kg` or `kg report` alone.
_NO_ARGS_IS_HELP: tuple[type[Exception], ...] = tuple(
    getattr(click.exceptions, name)
    for name in ("NoArgsIsHelpError",)
    if hasattr(click.exceptions, name)
)


class _UsageLine(click.ClickException):
    """A usage error shown as one line (ClickException.show prints ``Error: message``)."""

    exit_code = 2


@dataclass(frozen=True)
class GraphSource:
    """Where a command's graph comes from: the options of :func:`data_options`."""

    data: tuple[Path, ...] = ()
    add: tuple[Path, ...] = ()
    allow_network: bool = False
    store: StoreSpec = StoreSpec()

    def open(self) -> KnowledgeGraph:
        """Open the graph these options describe."""
        return KnowledgeGraph.open(
            list(self.data) or None,
            add=self.add,
            allow_network=self.allow_network,
            store=self.store,
        )

    def in_memory(self) -> None:
        """Refuse --store and --endpoint for a command that works on files in memory."""
        if self.store.kind != "memory":
            raise StoreError(
                f"this command reads files into memory and cannot use the {self.store.kind} "
                f"store {self.store.where()}; unset --store/--endpoint (or KG_STORE/KG_ENDPOINT)"
            )


def store_options(command: F) -> F:
    """``--store``, ``--endpoint`` and the endpoint's settings; the command receives them as
    one ``store: StoreSpec`` argument. Each option can also come from its environment
    variable (KG_STORE, KG_ENDPOINT, ...)."""

    @functools.wraps(command)
    def wrapper(
        *args: Any,
        store_folder: Path | None,
        endpoint: str | None,
        update_endpoint: str | None,
        store_endpoint: str | None,
        endpoint_user: str | None,
        endpoint_password: str | None,
        endpoint_timeout: float,
        **kwargs: Any,
    ) -> Any:
        if store_folder is not None and endpoint is not None:
            raise click.UsageError("give --store or --endpoint, not both")
        spec = StoreSpec(
            folder=store_folder,
            endpoint=endpoint,
            update_endpoint=update_endpoint,
            store_endpoint=store_endpoint,
            user=endpoint_user,
            password=endpoint_password,
            timeout=endpoint_timeout,
        )
        return command(*args, store=spec, **kwargs)

    options = [
        click.option(
            "--store",
            "store_folder",
            envvar=STORE_ENV["folder"],
            type=click.Path(path_type=Path, file_okay=False),
            metavar="DIR",
            help="Use the Oxigraph store in this folder (filled by `kg load`) instead of "
            "reading files into memory. [env: "
            f"{STORE_ENV['folder']}]",
        ),
        click.option(
            "--endpoint",
            envvar=STORE_ENV["endpoint"],
            metavar="URL",
            help="Use the SPARQL 1.1 server at this query URL (filled by `kg load "
            "--endpoint`). [env: "
            f"{STORE_ENV['endpoint']}]",
        ),
        click.option(
            "--update-endpoint",
            envvar=STORE_ENV["update_endpoint"],
            metavar="URL",
            help="The server's SPARQL Update URL (default: the --endpoint URL). "
            "[env: "
            f"{STORE_ENV['update_endpoint']}]",
        ),
        click.option(
            "--store-endpoint",
            envvar=STORE_ENV["store_endpoint"],
            metavar="URL",
            help="The server's Graph Store Protocol URL, for `kg load` (default: SPARQL "
            "Update). [env: "
            f"{STORE_ENV['store_endpoint']}]",
        ),
        click.option(
            "--endpoint-user",
            envvar=STORE_ENV["user"],
            metavar="NAME",
            help=f"User name for the server (HTTP Digest or Basic). [env: {STORE_ENV['user']}]",
        ),
        click.option(
            "--endpoint-password",
            envvar=STORE_ENV["password"],
            metavar="TEXT",
            help="Password for the server; prefer the environment variable. "
            "[env: "
            f"{STORE_ENV['password']}]",
        ),
        click.option(
            "--endpoint-timeout",
            envvar=STORE_ENV["timeout"],
            type=click.FloatRange(min=0, min_open=True),
            default=60.0,
            show_default=True,
            metavar="SECONDS",
            help=f"How long to wait for the server. [env: {STORE_ENV['timeout']}]",
        ),
    ]
    decorated: Any = wrapper
    for option in reversed(options):
        decorated = option(decorated)
    return cast(F, decorated)


def data_options(command: F) -> F:
    """``--data``, ``--add``, ``--allow-network`` and the store options, shared by every
    command; the command receives them as one ``source: GraphSource`` argument."""

    @functools.wraps(command)
    def wrapper(
        *args: Any,
        data: tuple[Path, ...],
        add: tuple[Path, ...],
        allow_network: bool,
        store: StoreSpec,
        **kwargs: Any,
    ) -> Any:
        return command(*args, source=GraphSource(data, add, allow_network, store), **kwargs)

    options = [
        click.option(
            "--data",
            "data",
            multiple=True,
            type=click.Path(path_type=Path, dir_okay=False),
            metavar="PATH",
            help="Use this RDF file instead of the bundled data (repeatable; the format "
            "comes from the extension: .ttl .nt .nq .trig .jsonld).",
        ),
        click.option(
            "--add",
            "add",
            multiple=True,
            type=click.Path(path_type=Path, dir_okay=False),
            metavar="PATH",
            help="Load this RDF file on top of the bundled data (or the --data files), "
            "for example an import (repeatable).",
        ),
        click.option(
            "--allow-network",
            is_flag=True,
            help="Allow what would reach the network: SERVICE and FROM in queries, JSON-LD "
            "@context URLs, owl:imports. Off by default.",
        ),
    ]
    decorated: Any = wrapper
    for option in reversed(options):
        decorated = option(decorated)
    return store_options(cast(F, decorated))


def format_option(
    choices: Sequence[str] = output.FORMATS, default: str = "table"
) -> Callable[[F], F]:
    """The shared ``--format`` option of the commands that print rows."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default=default,
        show_default=True,
        help="Output format.",
    )


REPORT_FORMATS = ("table", "csv", "json", "markdown")


class WhenType(click.ParamType[Any]):
    """A date as people give it: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (``--as-of``), or
    a period ``FROM..TO`` of such dates (``--during``)."""

    name = "date"

    def __init__(self, period: bool = False) -> None:
        self.period = period

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from kg.periods import When

        if isinstance(value, When):
            return value
        try:
            return When.between(str(value)) if self.period else When.parse(str(value))
        except BadValue as error:
            self.fail(str(error), param, ctx)


def as_of_options(command: F) -> F:
    """``--as-of DATE``, ``--during FROM..TO`` and ``--include-ended``, shared by the
    commands that list relations; the command receives ``as_of`` (a kg.periods.When or
    None, from either option) and ``include_ended``."""

    @functools.wraps(command)
    def wrapper(*args: Any, as_of: Any, during: Any, **kwargs: Any) -> Any:
        if as_of is not None and during is not None:
            raise click.UsageError("give --as-of or --during, not both")
        return command(*args, as_of=as_of if as_of is not None else during, **kwargs)

    decorated: Any = wrapper
    decorated = click.option(
        "--include-ended",
        is_flag=True,
        help="Also list relations that have ended (with their end).",
    )(decorated)
    decorated = click.option(
        "--during",
        "during",
        type=WhenType(period=True),
        default=None,
        metavar="FROM..TO",
        help="List the relations that held at any time in this period (2011..2014, "
        "2016-03..2017; an open side, 2011.., reaches any date).",
    )(decorated)
    decorated = click.option(
        "--as-of",
        "as_of",
        type=WhenType(),
        default=None,
        metavar="DATE",
        help="List the relations that held on this day, in this month or in this year "
        "(YYYY-MM-DD, YYYY-MM, YYYY: 'as of 2016' is any time in 2016). A relation that "
        "ended in a month or year containing the day is listed, flagged 'may have ended'; "
        "one recorded until its dataset's last year, 'not known after' that year.",
    )(decorated)
    return cast(F, decorated)


def scope_options(command: F) -> F:
    """``--conflict``, ``--country``, ``--source`` and ``--kind`` (each repeatable): the
    command receives them as one ``scope: kg.selection.Scope`` argument."""
    from kg.selection import Scope

    @functools.wraps(command)
    def wrapper(
        *args: Any,
        conflict: tuple[str, ...],
        country: tuple[str, ...],
        source_filter: tuple[str, ...],
        kind: tuple[str, ...],
        **kwargs: Any,
    ) -> Any:
        return command(*args, scope=Scope(conflict, country, source_filter, kind), **kwargs)

    options = [
        click.option(
            "--conflict",
            multiple=True,
            metavar="ID|NAME",
            help="Only relations of this armed conflict: a UCDP id (299) or name; a place "
            "names every conflict UCDP calls 'PLACE: ...' (Syria). Repeatable.",
        ),
        click.option(
            "--country",
            "--location",
            "country",
            multiple=True,
            metavar="NAME",
            help="Only relations that took place in this country (the dataset's location). "
            "Repeatable.",
        ),
        click.option(
            "--source",
            "source_filter",
            multiple=True,
            metavar="NAME",
            help="Only relations this dataset or document states: an IRI or words of its "
            "title or name (ESD, 'UCDP Dyadic', article-000). Repeatable.",
        ),
        click.option(
            "--kind",
            multiple=True,
            metavar="KIND",
            help="Only relations of this kind (support, alliance, opposition, backs...) "
            "or with this kind of support (troops, weapons, funding...). Repeatable.",
        ),
    ]
    decorated: Any = wrapper
    for option in reversed(options):
        decorated = option(decorated)
    return cast(F, decorated)


def show_report(report: Result[Any], fmt: str) -> None:
    """Print a report in ``fmt``: tables show the compact columns and the notes under
    them; JSON and CSV every key, pure, with the notes on stderr."""
    click.echo(report.render(fmt), nl=False)
    if fmt not in ("table", "markdown"):
        for note in report.notes:
            click.echo(f"({note})", err=True)


class ProgressBar:
    """What :func:`progress_bar` yields: called with how many more bytes or rows are done;
    :meth:`stage` names the step that follows them (validating, writing), which would
    otherwise sit at 100 % without a word."""

    def __init__(self, bar: Any, label: str, total: int, unit: str) -> None:
        self._bar = bar
        self._label = label
        self._total = total
        self._size = _size if unit == "bytes" else _rows
        self._started = time.monotonic()
        self._ended: float | None = None
        self.done = 0

    def __call__(self, count: int) -> None:
        self.done += count
        if self.done >= self._total and self._ended is None:
            self._ended = time.monotonic()  # the rate stays that of the rows
        self._bar.update(count)

    def figures(self, _item: object) -> str:
        """Done and total, and the rate (until the next stage begins)."""
        seconds = (self._ended or time.monotonic()) - self._started
        rate = self.done / max(seconds, 1e-3)
        return f"{self._size(self.done)}/{self._size(self._total)}  {self._size(rate)}/s"

    def stage(self, name: str) -> None:
        """Say that ``name`` ("validating") has begun: the bar, full, shows it after its
        label ("Importing esd.csv: validating")."""
        if self._ended is None:
            self._ended = time.monotonic()
        if self.done != self._total:  # a count made beforehand may differ: the bar ends full
            self._total = self.done
            self._bar.length = max(self.done, 1)
            self._bar.pos = self._bar.length
        self._bar.label = f"{self._label}: {name}"
        self._bar.render_progress()


@contextmanager
def progress_bar(
    label: str, total: int, shown: bool, *, unit: str = "bytes"
) -> Iterator[ProgressBar | None]:
    """A progress bar on stderr counting ``total`` bytes or rows (done and total, rate,
    time left), or None when it is not ``shown``: piped, or --quiet. Not click's own hidden
    bar, which still prints its label when stderr is not a terminal (and needs click 8.2)."""
    if not shown:
        yield None
        return
    holder: list[ProgressBar] = []

    def figures(item: int | None) -> str | None:
        return holder[0].figures(item) if holder else None

    with click.progressbar(
        length=total or 1,
        label=label,
        file=sys.stderr,
        show_eta=True,
        item_show_func=figures,
    ) as bar:
        holder.append(ProgressBar(bar, label, total, unit))
        yield holder[0]


def _size(count: float) -> str:
    """Bytes in the unit a reader takes in at a glance: 512 B, 81.2 kB, 12.5 MB, 1.4 GB."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if count >= scale:
            return f"{count / scale:,.1f} {unit}"
    return f"{count:,.0f} B"


def _rows(count: float) -> str:
    return f"{count:,.0f} rows"


def quiet_option(command: F) -> F:
    """``--quiet``: no progress bar and no summary when all goes well (errors still)."""
    return click.option(
        "--quiet",
        "-q",
        is_flag=True,
        help="Print nothing when all goes well: no progress bar, no summary (errors still).",
    )(command)
