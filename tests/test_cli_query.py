"""`kg query`: bundled names, files, -e text, bound parameters, formats, errors, refusals."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import Listener
from rdflib import Graph

from kg import queries
from kg.cli import cli

# Every test here runs on each store: rdflib in memory, Oxigraph, and Virtuoso (conftest).
pytestmark = pytest.mark.usefixtures("any_store")

STATES = "SELECT ?state WHERE { ?state a ckg:State } ORDER BY ?state"


def test_named_query_on_tiny_data(runner: CliRunner, tiny_path: Path) -> None:
    result = runner.invoke(
        cli, ["query", "who-backs-whom", "--data", str(tiny_path), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    # the denied claim is a claim too: who-backs-whom lists every support claim with its status
    assert [(r["backer_label"], r["recipient_label"], r["status"]) for r in rows] == [
        ("Alpha", "Beta Front", "ended"),
        ("Gamma", "Alpha", "denied"),
        ("Gamma", "Beta Front", "asserted"),
    ]
    ended = rows[0]
    # the kinds of support of a claim, in no set order (who-backs-whom.rq says why)
    assert sorted(ended["support"].split(", ")) == ["funding", "weapons"]
    assert ended["end"] == "2017-07-01"
    assert ended["end_precision"] == "month"
    assert ended["quote"] == "Alpha ended its support to Beta in July."


def test_param_binds_a_variable(runner: CliRunner, tiny_path: Path) -> None:
    result = runner.invoke(
        cli,
        [
            "query",
            "who-backs-whom",
            "--data",
            str(tiny_path),
            "--param",
            "backer=ck:alpha",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    assert [r["recipient_label"] for r in json.loads(result.stdout)] == ["Beta Front"]


def test_param_as_full_iri(runner: CliRunner, tiny_path: Path) -> None:
    result = runner.invoke(
        cli,
        [
            "query",
            "who-backs-whom",
            "--data",
            str(tiny_path),
            "--format",
            "json",
            "--param",
            "recipient=<https://w3id.org/conflict-kg/id/beta>",
        ],
    )
    assert result.exit_code == 0, result.output
    assert [r["backer_label"] for r in json.loads(result.stdout)] == ["Alpha", "Gamma"]


@pytest.mark.parametrize(
    "value",
    ['x" || "1"="1', "\\u0022", "} ; DROP ALL ; {", '"Alpha"@en } UNION { ?s ?p ?o'],
)
def test_hostile_values_are_bound_not_pasted(
    runner: CliRunner, tiny_path: Path, value: str
) -> None:
    result = runner.invoke(
        cli,
        [
            "query",
            "-e",
            "SELECT ?actor WHERE { ?actor rdfs:label ?name }",
            "--data",
            str(tiny_path),
            "--param",
            f"name={value}",
            "--format",
            "json",
        ],
    )
    if value == "\\u0022":  # read as a quote by parsers that expand \u before parsing
        assert result.exit_code == 3, result.output
        assert "backslash followed by u" in result.output
        return
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == []


def test_a_bound_label_matches_exactly(runner: CliRunner, tiny_path: Path) -> None:
    result = runner.invoke(
        cli,
        [
            "query",
            "-e",
            "SELECT ?actor WHERE { ?actor rdfs:label ?name }",
            "--data",
            str(tiny_path),
            "--param",
            'name="Gamma"@en',
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [{"actor": "https://w3id.org/conflict-kg/id/gamma"}]


def test_expression_and_csv(runner: CliRunner, tiny_path: Path) -> None:
    result = runner.invoke(
        cli, ["query", "-e", STATES, "--data", str(tiny_path), "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    assert list(csv.reader(io.StringIO(result.output))) == [
        ["state"],
        ["https://w3id.org/conflict-kg/id/alpha"],
        ["https://w3id.org/conflict-kg/id/gamma"],
    ]


def test_tsv_and_table(runner: CliRunner, tiny_path: Path) -> None:
    tsv = runner.invoke(cli, ["query", "-e", STATES, "--data", str(tiny_path), "--format", "tsv"])
    assert tsv.output.splitlines()[1] == "https://w3id.org/conflict-kg/id/alpha"
    table = runner.invoke(cli, ["query", "-e", STATES, "--data", str(tiny_path)])
    assert table.output == "state\n--------\nck:alpha\nck:gamma\n"


def test_query_from_file(runner: CliRunner, tiny_path: Path, tmp_path: Path) -> None:
    query_file = tmp_path / "states.rq"
    query_file.write_text("# Which states are there?\n" + STATES, encoding="utf-8")
    result = runner.invoke(cli, ["query", str(query_file), "--data", str(tiny_path)])
    assert result.exit_code == 0, result.output
    assert "ck:gamma" in result.output


def test_construct_prints_turtle(runner: CliRunner, tiny_path: Path) -> None:
    result = runner.invoke(
        cli,
        [
            "query",
            "-e",
            "CONSTRUCT { ?a ckg:backs ?b } WHERE { ?a ckg:backs ?b }",
            "--data",
            str(tiny_path),
        ],
    )
    assert result.exit_code == 0, result.output
    assert len(Graph().parse(data=result.output, format="turtle")) == 2


def test_list_shows_each_query_with_its_question(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["query", "--list", "--format", "json"])
    listed = {row["name"]: row["question"] for row in json.loads(result.stdout)}
    assert listed["who-backs-whom"].startswith("Who backs whom?")
    assert all(question.endswith(("?", ".")) for question in listed.values())


def test_unknown_query_name_exits_3_with_a_suggestion(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["query", "who-backs-who"])
    assert result.exit_code == 3
    assert result.output == (
        "Error: no bundled query named 'who-backs-who'; did you mean who-backs-whom?\n"
    )


def test_syntax_error_exits_3(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["query", "-e", "SELECT ?x WHERE { ?x ?y }"])
    assert result.exit_code == 3
    assert result.output.startswith("Error: SPARQL syntax error at line 1")


def test_param_for_a_missing_variable_exits_3(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["query", "who-backs-whom", "--param", "actor=ck:turkey"])
    assert result.exit_code == 3
    assert result.output.startswith("Error: --param actor: the query has no variable ?actor")


def test_update_is_not_run(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["query", "-e", "DROP ALL"])
    assert result.exit_code == 3


def test_neither_name_nor_expression_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["query"])
    assert result.exit_code == 2
    assert "give either a query NAME or FILE, or -e TEXT" in result.output


@pytest.mark.parametrize(
    "template",
    [
        "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ SERV\\u0049CE <{url}> {{ ?s ?p ?o }} }}",
        "SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}",
        "SELECT * FROM NAMED <{url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    ],
)
def test_network_reaching_queries_are_refused(
    runner: CliRunner, listener: Listener, tiny_path: Path, template: str
) -> None:
    query = template.format(url=listener.url)
    result = runner.invoke(cli, ["query", "-e", query, "--data", str(tiny_path)])
    assert result.exit_code == 4, result.output
    assert "refused" in result.output
    assert listener.connections == 0


def test_allow_network_does_reach_the_listener(
    runner: CliRunner, listener: Listener, tiny_path: Path, any_store: str
) -> None:
    # Proves the listener sees requests, so the refusals above are not vacuous. On a SPARQL
    # server, SERVICE is the server's to run or refuse (Virtuoso's own settings), not kg's.
    query = f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"
    runner.invoke(cli, ["query", "-e", query, "--data", str(tiny_path), "--allow-network"])
    if any_store != "endpoint":
        assert listener.connections >= 1


def test_allow_network_lets_from_fetch(
    runner: CliRunner, listener: Listener, tiny_path: Path, any_store: str
) -> None:
    query = f"SELECT * FROM <{listener.url}g.nt> WHERE {{ ?s ?p ?o }}"
    runner.invoke(cli, ["query", "-e", query, "--data", str(tiny_path), "--allow-network"])
    # rdflib fetches the graph a FROM names; Oxigraph and Virtuoso read it from the store.
    assert (listener.connections >= 1) == (any_store == "memory")


def test_no_bundled_query_reaches_the_network() -> None:
    # Bundled queries skip rdflib's second parse on Oxigraph and servers (KnowledgeGraph._form):
    # this is the check they would have had.
    for name in queries.bundled_names():
        queries.prepare(queries.named_query(name).text, allow_network=False)
        assert queries.named_query(name).bundled
    assert not queries.from_text("SELECT * { ?s ?p ?o }").bundled


def test_escapes_in_a_query_string_keep_their_characters(
    runner: CliRunner, tiny_path: Path
) -> None:
    """The query text is written again (kg.queries.guard) before rdflib parses it: a tab,
    backspace and form feed stay those characters (a tab came back as a space)."""
    text = r'SELECT ?t WHERE { BIND("a\tb\bc\fd\ne" AS ?t) }'
    result = runner.invoke(cli, ["query", "--data", str(tiny_path), "-e", text, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [{"t": "a\tb\bc\fd\ne"}]
