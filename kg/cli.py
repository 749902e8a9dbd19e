"""The ``kg`` command: a thin click layer over the library.

Each command parses its options, calls one library function and formats what it returns.
Errors of the library (``KGError``) become one line on standard error and the exit code the
error carries; the codes are listed in the README.
"""

from __future__ import annotations

import math
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from rdflib import Graph

from kg import output, queries
from kg.cli_actors import actors_group
from kg.cli_common import (
    GraphSource,
    KGGroup,
    as_of_options,
    data_options,
    format_option,
    scope_options,
)
from kg.cli_extract import extract_command
from kg.cli_import import import_group
from kg.cli_network import metrics_command, plot_command
from kg.cli_report import report_group
from kg.cli_review import review_command
from kg.cli_serve import serve_command
from kg.cli_store import load_command
from kg.errors import OutputError
from kg.export import (
    EXPORT_FORMATS,
    NETWORK_FORMATS,
    export_to_file,
    format_for_path,
    network_export,
    network_export_to_file,
    serialize,
)
from kg.graph import KnowledgeGraph
from kg.limits import (
    DEFAULT_LIMIT,
    DEFAULT_MAX_MEMORY,
    DEFAULT_TIME_LIMIT,
    DEFAULT_TIMEOUT,
    Ceiling,
    answer_within,
    parse_size,
    query_file_size,
    query_text_size,
    set_ceiling,
    size_text,
    stop_reason,
    supervise,
)
from kg.selection import LeftOut, Scope, notes_of
from kg.stats import graph_stats

# kg.validation's engines, named here so that a command other than validate need not
# import it (tests/test_cli_validate.py checks the two lists agree).
VALIDATION_ENGINES = ("auto", "pyshacl", "sparql")


@click.group(cls=KGGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="conflict-kg")
@click.option(
    "--time-limit",
    envvar="KG_TIME_LIMIT",
    type=click.FloatRange(min=0, max=365 * 24 * 3600),
    callback=lambda _ctx, _param, value: _finite(value),
    default=DEFAULT_TIME_LIMIT,
    show_default=True,
    metavar="SECONDS",
    help="Stop any command that runs longer than this (exit 9); 0: no limit. [env: KG_TIME_LIMIT]",
)
@click.option(
    "--max-memory",
    envvar="KG_MAX_MEMORY",
    callback=lambda _ctx, _param, value: _size(value),
    default=size_text(DEFAULT_MAX_MEMORY).replace(" ", "").removesuffix("iB"),
    show_default=True,
    metavar="SIZE",
    help="Stop any command that needs more memory than this (exit 10): 512M, 4G; 0: no "
    "limit. [env: KG_MAX_MEMORY]",
)
@click.pass_context
def cli(ctx: click.Context, time_limit: float, max_memory: int | None) -> None:
    """conflict-kg: who backs whom in a war, who mediates, who is allied with or fights
    whom, which agreements were made, since when, and according to which source.

    Without --data every command works on the bundled data set (the 2017 Astana talks on
    Syria). Every command is stopped past --time-limit (exit 9) or --max-memory (exit 10).
    Example:

        kg query who-backs-whom
    """
    if (
        ctx.invoked_subcommand == "serve"
        and ctx.get_parameter_source("time_limit") == click.core.ParameterSource.DEFAULT
    ):
        time_limit = 0  # a server runs until it is stopped; each query has its --timeout
    ceiling = Ceiling(seconds=time_limit or None, memory=max_memory)
    if isinstance(ctx.obj, _Run) and ctx.obj.watched:
        # Only the console script forks a watcher: not a test's CliRunner, nor a library.
        supervise(ceiling)
    else:
        set_ceiling(ceiling)


@dataclass(frozen=True)
class _Run:
    """How ``main`` runs the group: ``watched`` under the ceilings of kg.limits."""

    watched: bool = False


def _size(value: str) -> int | None:
    try:
        return parse_size(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


@cli.command("validate")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--engine",
    type=click.Choice(VALIDATION_ENGINES),
    default="auto",
    show_default=True,
    help="pyshacl (the reference) or sparql (the shapes compiled to SPARQL: seconds where "
    "pySHACL takes minutes on big graphs; the same results). auto: pyshacl in memory, "
    "sparql on --store or --endpoint, with pySHACL over what the store holds for any shape "
    "that does not compile (said in a note). sparql refuses such a shape (exit 13).",
)
@click.option(
    "--shapes",
    "shapes_files",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE",
    help="Validate against the shapes in FILE instead of the bundled shapes (repeatable; "
    "the bundled integrity queries do not run then).",
)
@click.option(
    "--add-shapes",
    "added_shapes",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE",
    help="Validate against the shapes in FILE as well as the bundled ones (repeatable).",
)
@data_options
@format_option(("text", "json", "turtle"), default="text")
def validate_command(
    files: tuple[Path, ...],
    engine: str,
    shapes_files: tuple[Path, ...],
    added_shapes: tuple[Path, ...],
    source: GraphSource,
    fmt: str,
) -> None:
    """Check data against the SHACL shapes.

    Validates FILES (and any --data files), or the bundled data when none are given; with
    --store or --endpoint, the data in that store. --shapes replaces the bundled shapes,
    --add-shapes adds to them. Exit code 0: conforms (warnings allowed); 1: violations;
    2: a file would not load; 11: the store cannot be used; 13: a shape cannot be run
    (malformed, or not compiled by --engine sparql).

    \b
        kg validate mydata.ttl --format json
        kg validate --store kg-store
        kg validate mydata.ttl --shapes myshapes.ttl
        kg validate --store kg-store --add-shapes extra-shapes.ttl
    """
    from kg.validation import shapes_graph, validate, validate_kg  # only for this command

    shapes = None
    if shapes_files or added_shapes:
        shapes = shapes_graph(
            [*shapes_files, *added_shapes],
            bundled=not shapes_files,
            allow_network=source.allow_network,
        )
    integrity = not shapes_files
    if source.store.kind != "memory":
        report = validate_kg(
            KnowledgeGraph.open(
                list(files) + list(source.data), add=source.add, store=source.store
            ),
            engine=engine,
            shapes=shapes,
            integrity=integrity,
        )
    else:
        report = validate(
            list(files) + list(source.data) or None,
            add=source.add,
            allow_network=source.allow_network,
            engine="pyshacl" if engine == "auto" else engine,
            shapes=shapes,
            integrity=integrity,
        )
    for note in report.notes:
        click.echo(f"Note: {note}", err=True)
    click.echo(report.render(fmt), nl=False)
    sys.exit(0 if report.conforms else 1)


@cli.command("query")
@click.argument("query_spec", metavar="[NAME|FILE]", required=False)
@click.option("-e", "--expression", metavar="TEXT", help="The SPARQL query text itself.")
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help='Bind ?NAME to VALUE (repeatable): <IRI>, prefix:local, "text"@lang, '
    '"text"^^xsd:type, a number, a date (2017-09-01), or plain text.',
)
@click.option("--list", "list_queries", is_flag=True, help="List the bundled queries and stop.")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, max=7 * 24 * 3600, min_open=True),
    callback=lambda _ctx, _param, value: _finite(value),
    default=DEFAULT_TIMEOUT,
    show_default=True,
    metavar="SECONDS",
    help="Stop the query, parsing included, after this long (exit 9, nothing printed).",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=DEFAULT_LIMIT,
    show_default=True,
    metavar="ROWS",
    help="Refuse an answer of more rows (or CONSTRUCT triples) than this (exit 10, nothing "
    "printed).",
)
@data_options
@format_option(("table", "csv", "tsv", "json", "markdown"))
def query_command(
    query_spec: str | None,
    expression: str | None,
    params: tuple[str, ...],
    list_queries: bool,
    timeout: float,
    limit: int,
    source: GraphSource,
    fmt: str,
) -> None:
    """Run a SPARQL query: a bundled one by NAME, one from FILE, or -e TEXT.

    Values from --param are bound to the query's variables, never pasted into its text.
    CONSTRUCT and DESCRIBE queries print Turtle. Prefixes such as ckg:, ck:, rdfs: and
    skos: are predeclared.

        kg query who-backs-whom --param backer=ck:turkey --format json

        kg query -e 'SELECT ?actor WHERE { ?actor a ckg:State }'
    """
    if list_queries:
        rows = [
            {"name": name, "question": queries.named_query(name).question}
            for name in queries.bundled_names()
        ]
        click.echo(output.render(rows, ["name", "question"], fmt), nl=False)
        return
    if (query_spec is None) == (expression is None):
        raise click.UsageError("give either a query NAME or FILE, or -e TEXT (one of them)")
    if expression is not None:
        query_text_size(expression, "query (-e)")
        query = queries.from_text(expression)
    else:
        query_file_size(Path(query_spec or ""))
        query = queries.load(query_spec or "")
    bindings = queries.parse_params(list(params), query)
    kg = source.open()
    answer = answer_within(kg, query, bindings, timeout=timeout, limit=limit)
    if isinstance(answer, Graph):
        click.echo(answer.serialize(format="turtle"), nl=False)
        return
    click.echo(output.render(answer.rows, answer.columns, fmt), nl=False)


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise click.BadParameter(f"{value} is not a number of seconds")
    return value


@cli.command("export")
@as_of_options
@scope_options
@data_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice([*EXPORT_FORMATS, *NETWORK_FORMATS]),
    default=None,
    help="RDF format, or the actor network as graphml, gexf or edges-csv "
    "[default: from the -o extension, else turtle].",
)
@click.option(
    "-o",
    "--output",
    "output_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write to this file (replaced atomically: a failure leaves it as it was).",
)
@click.option("--include-ontology", is_flag=True, help="Add the ontology to the export.")
@click.option("--no-derived", is_flag=True, help="Leave out the derived direct relations.")
@click.option(
    "--all-directed",
    is_flag=True,
    help="GEXF: write alliances and hostility as directed edges marked directed=false, "
    "for readers that refuse mixed graphs (NetworkX); Gephi draws them as lines without it.",
)
def export_command(
    as_of: Any,
    include_ended: bool,
    scope: Scope,
    source: GraphSource,
    fmt: str | None,
    output_path: Path | None,
    include_ontology: bool,
    no_derived: bool,
    all_directed: bool,
) -> None:
    """Export the data with its derived direct relations as RDF, or the actor network for
    network tools.

    TriG keeps data, derived relations and (with --include-ontology) the ontology as
    separate named graphs; the other RDF formats merge them. GraphML, GEXF and edges-csv
    have one edge per relation (pair of actors, kind, status) with its kind, sign, status,
    standing, sources, kinds of support and opponents, and actors with their type, camp,
    codes and country; GEXF gives each span of a relation as a spell so that Gephi shows
    the network over time, and alliances and hostility as lines without arrows. The
    network has every relation, ended ones too, unless --as-of or --during picks those
    that held then; --conflict, --country, --source and --kind pick some relations.

        kg export --format trig -o astana.trig

        kg export -o network.gexf

        kg export -o syria-2016.graphml --conflict Syria --as-of 2016
    """
    if fmt is None and output_path is not None:
        fmt = format_for_path(output_path)
        if fmt is None:
            raise OutputError(
                f"{output_path}: cannot tell the format from the extension "
                f"{output_path.suffix!r}; give --format"
            )
    fmt = fmt or "turtle"
    if fmt not in NETWORK_FORMATS and (as_of is not None or include_ended or scope):
        raise click.UsageError(
            "--as-of, --during, --include-ended, --conflict, --country, --source and --kind "
            "pick relations of the network formats (graphml, gexf, edges-csv), not of RDF"
        )
    kg = source.open()
    if fmt in NETWORK_FORMATS:
        left = LeftOut()
        selection: dict[str, Any] = {
            "as_of": as_of,
            "include_ended": include_ended or as_of is None,
            "scope": scope,
            "left": left,
        }
        if output_path is None:
            sys.stdout.buffer.write(network_export(kg, fmt, mixed=not all_directed, **selection))
            sys.stdout.buffer.flush()
        else:
            size = network_export_to_file(kg, output_path, fmt, mixed=not all_directed, **selection)
            click.echo(f"wrote {output_path} ({fmt}, {size} bytes)", err=True)
        for note in notes_of(left):
            click.echo(f"({note})", err=True)
        return
    options = {"include_ontology": include_ontology, "include_derived": not no_derived}
    if output_path is None:
        sys.stdout.buffer.write(serialize(kg, fmt, **options))
        sys.stdout.buffer.flush()
        return
    size = export_to_file(kg, output_path, fmt, **options)
    click.echo(f"wrote {output_path} ({fmt}, {size} bytes)", err=True)


@cli.command("stats")
@data_options
@format_option()
def stats_command(source: GraphSource, fmt: str) -> None:
    """Count actors by type, claims by kind, claims per source, and triples.

    kg stats --format json
    """
    click.echo(graph_stats(source.open()).render(fmt), nl=False)


cli.add_command(report_group)
cli.add_command(import_group)
cli.add_command(metrics_command)
cli.add_command(plot_command)
cli.add_command(load_command)
cli.add_command(actors_group)
cli.add_command(review_command)
cli.add_command(extract_command)
cli.add_command(serve_command)


def main() -> None:
    """Entry point of the ``kg`` console script."""
    try:
        try:
            # Not standalone: an OSError while writing standard output reaches us below.
            code = cli(prog_name="kg", standalone_mode=False, obj=_Run(watched=True))
        finally:
            sys.stdout.flush()
        if isinstance(code, int) and code:
            sys.exit(code)
    except BrokenPipeError:  # `kg ... | head` closed the pipe: not an error of ours
        _quiet_stdout()
        sys.exit(0)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except click.Abort:
        click.echo("Aborted!", err=True)
        sys.exit(1)
    except OSError as error:  # standard output could not be written (a full disk, /dev/full)
        _quiet_stdout()
        click.echo(f"Error: could not write the output ({error.strerror or error})", err=True)
        sys.exit(OutputError.exit_code)
    except BaseException as error:
        # A ceiling passed outside a command's own code (while writing its output).
        stop = stop_reason(error)
        if stop is None:
            raise
        _quiet_stdout()
        click.echo(f"Error: {stop}", err=True)
        sys.exit(stop.exit_code)


def _quiet_stdout() -> None:
    # Point stdout at /dev/null so that the interpreter's last flush cannot fail again.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
