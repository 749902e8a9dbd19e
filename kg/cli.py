"""The ``kg`` command: a thin click layer over the library.

Each command parses its options, calls one library function and formats what it returns.
Errors of the library (``KGError``) become one line on standard error and the exit code the
error carries; the codes are listed in the README.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click
from rdflib import Graph

from kg import output, queries, reports
from kg.errors import KGError
from kg.export import EXPORT_FORMATS, export_to_file, format_for_path, serialize
from kg.graph import KnowledgeGraph
from kg.stats import graph_stats
from kg.validation import ValidationReport, validate

F = TypeVar("F", bound=Callable[..., Any])


class KGGroup(click.Group):
    """A group that turns library errors into one line on stderr and their exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KGError as error:
            click.echo(f"Error: {error}", err=True)
            ctx.exit(error.exit_code)


def data_options(command: F) -> F:
    """``--data PATH`` (repeatable) and ``--allow-network``, shared by every command."""
    command = click.option(
        "--data",
        "data",
        multiple=True,
        type=click.Path(path_type=Path, dir_okay=False),
        metavar="PATH",
        help="Use this RDF file instead of the bundled data (repeatable; the format comes "
        "from the extension: .ttl .nt .nq .trig .jsonld).",
    )(command)
    command = click.option(
        "--allow-network",
        is_flag=True,
        help="Allow what would reach the network: SERVICE and FROM in queries, JSON-LD "
        "@context URLs, owl:imports. Off by default.",
    )(command)
    return command


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


def open_graph(data: Sequence[Path], allow_network: bool) -> KnowledgeGraph:
    """Open the bundled data, or the files given with --data."""
    return KnowledgeGraph.open(list(data) or None, allow_network=allow_network)


@click.group(cls=KGGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="conflict-kg")
def cli() -> None:
    """conflict-kg: who backs whom in a war, who mediates, who is allied with or fights
    whom, which agreements were made, since when, and according to which source.

    Without --data every command works on the bundled data set (the 2017 Astana talks on
    Syria). Example:

        kg query who-backs-whom
    """


@cli.command("validate")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@data_options
@format_option(("text", "json", "turtle"), default="text")
def validate_command(
    files: tuple[Path, ...], data: tuple[Path, ...], allow_network: bool, fmt: str
) -> None:
    """Check data against the SHACL shapes.

    Validates FILES (and any --data files), or the bundled data when none are given.
    Exit code 0: conforms (warnings allowed); 1: violations; 2: a file would not load.

        kg validate mydata.ttl --format json
    """
    report = validate(list(files) + list(data) or None, allow_network=allow_network)
    if fmt == "json":
        body = {
            "conforms": report.conforms,
            "violations": report.violations,
            "warnings": report.warnings,
            "results": [vars(r) for r in report.results],
        }
        click.echo(json.dumps(body, ensure_ascii=False, indent=2))
    elif fmt == "turtle":
        click.echo(report.graph.serialize(format="turtle"), nl=False)
    else:
        click.echo(_validation_text(report), nl=False)
    sys.exit(0 if report.conforms else 1)


def _validation_text(report: ValidationReport) -> str:
    lines = []
    for result in report.results:
        where = output.compact(result.focus_node)
        if result.path:
            where += f" {output.compact(result.path)}"
        lines.append(
            f"{result.severity}: {where}: {result.message} [{output.compact(result.shape)}]"
        )
    verdict = "conforms" if report.conforms else "does not conform"
    lines.append(f"{verdict}: {report.violations} violation(s), {report.warnings} warning(s)")
    return "\n".join(lines) + "\n"


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
@data_options
@format_option(("table", "csv", "tsv", "json", "markdown"))
def query_command(
    query_spec: str | None,
    expression: str | None,
    params: tuple[str, ...],
    list_queries: bool,
    data: tuple[Path, ...],
    allow_network: bool,
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
    query = (
        queries.from_text(expression) if expression is not None else queries.load(query_spec or "")
    )
    bindings = queries.parse_params(list(params), query)
    kg = open_graph(data, allow_network)
    answer = kg.answer(query, bindings)
    if isinstance(answer, Graph):
        click.echo(answer.serialize(format="turtle"), nl=False)
        return
    click.echo(output.render(answer.rows, answer.columns, fmt), nl=False)


@cli.command("export")
@data_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(EXPORT_FORMATS)),
    default=None,
    help="RDF format [default: from the -o extension, else turtle].",
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
def export_command(
    data: tuple[Path, ...],
    allow_network: bool,
    fmt: str | None,
    output_path: Path | None,
    include_ontology: bool,
    no_derived: bool,
) -> None:
    """Export the data with its derived direct relations as RDF.

    TriG keeps data, derived relations and (with --include-ontology) the ontology as
    separate named graphs; the other formats merge them.

        kg export --format trig -o astana.trig
    """
    fmt = fmt or (format_for_path(output_path) if output_path else None) or "turtle"
    kg = open_graph(data, allow_network)
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
def stats_command(data: tuple[Path, ...], allow_network: bool, fmt: str) -> None:
    """Count actors by type, claims by kind, claims per source, and triples.

    kg stats --format json
    """
    stats = graph_stats(open_graph(data, allow_network))
    sections = stats.sections()
    if fmt == "json":
        body = {
            title.replace(" ", "_"): json.loads(output.render(rows.rows, rows.columns, "json"))
            for title, rows in sections.items()
        }
        click.echo(json.dumps(body, ensure_ascii=False, indent=2))
        return
    parts = []
    for title, rows in sections.items():
        rendered = output.render(rows.rows, rows.columns, fmt)
        parts.append(f"# {title}\n{rendered}" if fmt in ("table", "markdown") else rendered)
    click.echo("\n".join(parts), nl=False)


def main() -> None:
    """Entry point of the ``kg`` console script."""
    try:
        cli(prog_name="kg")
    except BrokenPipeError:  # `kg ... | head` closed the pipe: not an error of ours
        sys.stderr.close()
        sys.exit(0)


# --- reports ------------------------------------------------------------------------------

REPORT_FORMATS = ("table", "csv", "json", "markdown")


def as_of_options(command: F) -> F:
    """``--as-of DATE`` and ``--include-ended``, shared by the reports that list relations."""
    command = click.option(
        "--include-ended",
        is_flag=True,
        help="Also list relations that have ended (with their end).",
    )(command)
    command = click.option(
        "--as-of",
        "as_of",
        type=click.DateTime(formats=["%Y-%m-%d"]),
        default=None,
        metavar="YYYY-MM-DD",
        help="List the relations that held on this day. A relation that ended in a month or "
        "year containing the day is listed, flagged 'may have ended'.",
    )(command)
    return command


def _day(value: Any) -> Any:
    return value.date() if value is not None else None


def show_report(report: reports.Report, fmt: str) -> None:
    """Print a report in ``fmt``: tables show the compact columns, JSON and CSV every key."""
    if fmt in ("table", "markdown"):
        keys = [key for key, _heading in report.table]
        headings = [heading for _key, heading in report.table]
        click.echo(output.render(report.rows, keys, fmt, headings=headings), nl=False)
        for note in report.notes:
            click.echo(f"({note})")
    else:
        click.echo(output.render(report.rows, report.columns, fmt), nl=False)


@cli.group("report", cls=KGGroup)
def report_group() -> None:
    """Relationship reports: who backs whom, allies, adversaries, mediators, agreements,
    actor profiles, timelines and disputed relations.

    An ACTOR is an IRI (ck:turkey), a name or any other name the data gives ("Türkiye",
    "Damascus"), matched regardless of case and accents.

        kg report backers --of "Syrian armed opposition" --as-of 2017-09-01
    """


@report_group.command("backers")
@click.option("--of", "of", metavar="ACTOR", help="Who backs this actor.")
@click.option("--by", "by", metavar="ACTOR", help="Whom this actor backs.")
@click.option("--indirect", is_flag=True, help="Also follow chains of backing, with the path.")
@as_of_options
@data_options
@format_option(REPORT_FORMATS)
def backers_command(
    of: str | None,
    by: str | None,
    indirect: bool,
    as_of: Any,
    include_ended: bool,
    data: tuple[Path, ...],
    allow_network: bool,
    fmt: str,
) -> None:
    """Who backs whom: backer, recipient, kind of support, period, status and sources.

    kg report backers --by "United States" --as-of 2017-09-01 --include-ended
    """
    kg = open_graph(data, allow_network)
    show_report(
        reports.backers(
            kg, of=of, by=by, as_of=_day(as_of), include_ended=include_ended, indirect=indirect
        ),
        fmt,
    )


@report_group.command("allies")
@click.argument("actor")
@as_of_options
@data_options
@format_option(REPORT_FORMATS)
def allies_command(
    actor: str,
    as_of: Any,
    include_ended: bool,
    data: tuple[Path, ...],
    allow_network: bool,
    fmt: str,
) -> None:
    """The allies of ACTOR (alliance is symmetric).

    kg report allies Damascus
    """
    kg = open_graph(data, allow_network)
    show_report(reports.allies(kg, actor, as_of=_day(as_of), include_ended=include_ended), fmt)


@report_group.command("adversaries")
@click.argument("actor", required=False)
@as_of_options
@data_options
@format_option(REPORT_FORMATS)
def adversaries_command(
    actor: str | None,
    as_of: Any,
    include_ended: bool,
    data: tuple[Path, ...],
    allow_network: bool,
    fmt: str,
) -> None:
    """Who fights or opposes ACTOR, or every hostile pair when no ACTOR is given.

    kg report adversaries Turkey
    """
    kg = open_graph(data, allow_network)
    show_report(reports.adversaries(kg, actor, as_of=_day(as_of), include_ended=include_ended), fmt)


@report_group.command("mediators")
@click.option("--process", metavar="NAME", help="Only this peace process (e.g. 'Astana talks').")
@data_options
@format_option(REPORT_FORMATS)
def mediators_command(
    process: str | None, data: tuple[Path, ...], allow_network: bool, fmt: str
) -> None:
    """Mediators, guarantors and hosts of talks, with the rounds they took part in.

    kg report mediators --process Astana
    """
    kg = open_graph(data, allow_network)
    show_report(reports.mediators(kg, process=process), fmt)


@report_group.command("agreements")
@data_options
@format_option(REPORT_FORMATS)
def agreements_command(data: tuple[Path, ...], allow_network: bool, fmt: str) -> None:
    """Each agreement: date, place, parties, guarantors, the round that produced it.

    kg report agreements --format markdown
    """
    show_report(reports.agreements(open_graph(data, allow_network)), fmt)


@report_group.command("actor")
@click.argument("actor")
@as_of_options
@data_options
@format_option(REPORT_FORMATS)
def actor_command(
    actor: str,
    as_of: Any,
    include_ended: bool,
    data: tuple[Path, ...],
    allow_network: bool,
    fmt: str,
) -> None:
    """One actor's profile: types, names, offices held, and every relation in both
    directions, with sources. Ended relations are shown unless --as-of is given.

        kg report actor "de Mistura"
    """
    kg = open_graph(data, allow_network)
    profile = reports.actor_profile(
        kg, actor, as_of=_day(as_of), include_ended=include_ended or as_of is None
    )
    if fmt == "json":
        body = {
            "actor": profile.actor,
            "label": profile.label,
            "types": profile.types,
            "names": profile.names,
            "links": profile.links,
            "offices": [
                {k: output.json_value(r.get(k)) for k in profile.offices.columns}
                for r in profile.offices.rows
            ],
            "relations": [
                {k: output.json_value(r.get(k)) for k in profile.relations.columns}
                for r in profile.relations.rows
            ],
        }
        click.echo(json.dumps(body, ensure_ascii=False, indent=2))
        return
    if fmt == "csv":
        show_report(profile.relations, fmt)
        return
    heading = "## " if fmt == "markdown" else "# "
    click.echo(f"{profile.label} ({output.compact(profile.actor)})")
    click.echo(f"types: {', '.join(profile.types)}")
    if profile.names:
        click.echo(f"other names: {', '.join(profile.names)}")
    for link in profile.links:
        click.echo(link)
    if profile.offices.rows:
        click.echo(f"\n{heading}offices")
        show_report(profile.offices, fmt)
    click.echo(f"\n{heading}relations")
    show_report(profile.relations, fmt)


@report_group.command("timeline")
@click.option("--actor", metavar="ACTOR", help="Only what involves this actor.")
@data_options
@format_option(REPORT_FORMATS)
def timeline_command(
    actor: str | None, data: tuple[Path, ...], allow_network: bool, fmt: str
) -> None:
    """Dated events, agreements, and the starts and ends of relations, in order.

    kg report timeline --actor Russia
    """
    show_report(reports.timeline(open_graph(data, allow_network), actor=actor), fmt)


@report_group.command("disputed")
@data_options
@format_option(REPORT_FORMATS)
def disputed_command(data: tuple[Path, ...], allow_network: bool, fmt: str) -> None:
    """Relations on which sources disagree: dates, ended versus going on, denied.

    kg report disputed
    """
    show_report(reports.disputed(open_graph(data, allow_network)), fmt)
