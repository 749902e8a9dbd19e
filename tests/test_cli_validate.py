"""`kg validate`: exit 0 conforms, 1 violations, 2 a file would not load, 13 a shape cannot
run; three formats; --shapes and --add-shapes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.namespace import SH

from kg import crosswalk, resources
from kg.cli import cli

TESTS = Path(__file__).resolve().parent
BACKS_ITSELF = TESTS / "shapes" / "invalid" / "SupportClaimShape-backs-itself.ttl"


def test_bundled_data_conforms(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["validate"])
    assert result.exit_code == 0, result.output
    assert result.output == "conforms: 0 violation(s), 0 warning(s)\n"


def test_violations_exit_1_and_name_focus_path_and_message(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["validate", str(BACKS_ITSELF)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[-1] == "does not conform: 1 violation(s), 0 warning(s)"
    assert lines[0].startswith("Violation: ck:")
    assert "ckg:backer" in lines[0]
    assert "backer and the recipient must be different actors" in lines[0]
    assert "[ckgsh:SupportClaimShape]" in lines[0]


def test_warnings_alone_exit_0(runner: CliRunner, tmp_path: Path, tiny_path: Path) -> None:
    text = (
        tiny_path.read_text(encoding="utf-8")
        .replace('ckg:quote "Gamma supports Beta." .', ".")
        .replace("ckg:source ck:doc ; .", "ckg:source ck:doc .")
    )
    data = tmp_path / "no-quote.ttl"
    data.write_text(text, encoding="utf-8")
    result = runner.invoke(cli, ["validate", str(data)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        "Warning: ck:claim-gamma-backs-beta ckg:quote: quotes no sentence"
    )
    assert result.output.endswith("conforms: 0 violation(s), 1 warning(s)\n")


def test_json_format(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["validate", str(BACKS_ITSELF), "--format", "json"])
    assert result.exit_code == 1
    body = json.loads(result.stdout)
    assert body["conforms"] is False
    assert body["violations"] == 1
    [finding] = body["results"]
    assert finding["severity"] == "Violation"
    assert finding["path"] == "https://w3id.org/conflict-kg/ontology#backer"
    assert finding["shape"] == "https://w3id.org/conflict-kg/shapes#SupportClaimShape"
    assert set(finding) == {
        "focus_node",
        "path",
        "message",
        "severity",
        "shape",
        "constraint",
        "value",
    }


def test_turtle_format_is_a_shacl_report(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["validate", str(BACKS_ITSELF), "--format", "turtle"])
    assert result.exit_code == 1
    graph = Graph().parse(data=result.output, format="turtle")
    assert len(list(graph.subjects(None, SH.ValidationResult))) == 1


def test_missing_file_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    missing = tmp_path / "nope.ttl"
    result = runner.invoke(cli, ["validate", str(missing)])
    assert result.exit_code == 2
    assert result.output == f"Error: {missing}: no such file\n"


def test_malformed_turtle_names_the_line(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        "@prefix ck: <https://w3id.org/conflict-kg/id/> .\n"
        "ck:a ck:b ck:c .\n"
        "ck:d ck:e ck:f\n"
        "ck:g ck:h ck:i .\n",
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["validate", str(bad)])
    assert result.exit_code == 2
    # The reason is the parser's own wording; the file and line are kg's.
    assert result.output.startswith(f"Error: {bad}, line 4: bad syntax (")
    assert result.output.count("\n") == 1
    assert "Traceback" not in result.output


def test_unknown_extension_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    odd = tmp_path / "data.xlsx"
    odd.write_text("x", encoding="utf-8")
    result = runner.invoke(cli, ["validate", str(odd)])
    assert result.exit_code == 2
    assert "unknown file extension '.xlsx'" in result.output


def test_the_sparql_engine_and_a_store_report_what_pyshacl_reports(tmp_path: Path) -> None:
    from kg.graph import StoreSpec
    from kg.loading import load_store

    runner = CliRunner()
    # One fault file of each of 12 shapes: files of one shape may share their nodes (the
    # same agreement with another fault), so that together they give fewer results.
    by_shape: dict[str, Path] = {}
    for path in sorted((Path(__file__).parent / "shapes" / "invalid").glob("*.ttl")):
        by_shape.setdefault(path.name.split("-")[0], path)
    broken = list(by_shape.values())[:12]
    data = [str(p) for f in broken for p in ("--data", f)]

    def results(*args: str) -> list[tuple[str, str, str, str]]:
        done = runner.invoke(cli, ["validate", *args, "--format", "json"])
        assert done.exit_code == 1, done.output
        body = json.loads(done.stdout)
        found = [
            (r["focus_node"], r["path"] or "", r["shape"], r["severity"]) for r in body["results"]
        ]
        return sorted(found)

    reference = results(*data, "--engine", "pyshacl")
    assert len(reference) >= len(broken)
    assert results(*data, "--engine", "sparql") == reference
    load_store(StoreSpec(folder=tmp_path / "store"), broken)
    assert results("--store", str(tmp_path / "store")) == reference


# --- --shapes, --add-shapes, and shapes the SPARQL engine does not compile ------------------

SHAPES_HEAD = """
@prefix ckg: <https://w3id.org/conflict-kg/ontology#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/shapes#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""

# Every actor of the bundled data lacks ex:nothing: one result per actor.
EVERY_ACTOR = (
    SHAPES_HEAD
    + """
ex:EveryActor a sh:NodeShape ; sh:targetClass ckg:Actor ;
    sh:property [ sh:path ex:nothing ; sh:minCount 1 ; sh:message "no ex:nothing" ] .
"""
)

# SPARQL-based constraints whose $this is bound only by pre-binding: run once over the
# graph (as kg ran them before, on both engines) they find nothing; run per focus node (the
# 39 subjects of rdfs:subClassOf in the bundled ontology), one row each.
PREBOUND = {
    "filter": "SELECT $this WHERE { FILTER (isIRI($this)) }",
    "bind": "SELECT $this ?value WHERE { BIND ($this AS ?value) }",
    "exists": "SELECT $this WHERE { FILTER NOT EXISTS { $this ex:nothing ?x } }",
    "optional": "SELECT $this WHERE { OPTIONAL { $this ex:nothing ?x } FILTER (!BOUND(?x)) }",
    "subquery": "SELECT $this WHERE { { SELECT $this WHERE { FILTER (isIRI($this)) } } }",
}
# Forbidden by SHACL with pre-bound variables (pySHACL refuses them too): exit 13 everywhere.
FORBIDDEN = {
    "values": "SELECT $this WHERE { VALUES ?k { 1 } FILTER (isIRI($this)) }",
    "minus": "SELECT $this WHERE { $this ?p ?o MINUS { $this ex:nothing ?o } }",
}


def subclass_count() -> int:
    """How many IRIs of the bundled ontology (and data) are subjects of rdfs:subClassOf."""
    from rdflib import RDFS, Graph, URIRef

    graph = Graph()
    for path in [*resources.ontology_files(), *resources.data_files()]:
        graph.parse(path)
    return len({s for s in graph.subjects(RDFS.subClassOf) if isinstance(s, URIRef)})


def sparql_shape(select: str) -> str:
    return SHAPES_HEAD + f'''
ex: sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/shapes#" ] .
ex:Prebound a sh:NodeShape ; sh:targetSubjectsOf rdfs:subClassOf ;
    sh:sparql [ sh:prefixes ex: ; sh:message "pre-bound" ; sh:select """{select}""" ] .
'''


@pytest.fixture(scope="module")
def bundled_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from kg.graph import StoreSpec
    from kg.loading import load_store

    folder = tmp_path_factory.mktemp("validate") / "store"
    load_store(StoreSpec(folder=folder), [])
    return folder


def counts(output: str) -> tuple[int, int]:
    body = json.loads(output)
    return body["violations"], body["warnings"]


def test_shapes_replaces_the_bundled_shapes(runner: CliRunner, tmp_path: Path) -> None:
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(EVERY_ACTOR, encoding="utf-8")
    done = runner.invoke(cli, ["validate", "--shapes", str(shapes), "--format", "json"])
    assert done.exit_code == 1, done.output
    body = json.loads(done.stdout)
    assert {r["shape"] for r in body["results"]} == {"http://example.org/shapes#EveryActor"}
    assert body["violations"] > 10


def test_add_shapes_keeps_the_bundled_shapes(runner: CliRunner, tmp_path: Path) -> None:
    shapes = tmp_path / "shapes.ttl"
    warning = EVERY_ACTOR.replace("sh:minCount 1 ;", "sh:minCount 1 ; sh:severity sh:Warning ;")
    shapes.write_text(warning, encoding="utf-8")
    only = runner.invoke(cli, ["validate", "--shapes", str(shapes), "--format", "json"])
    added = runner.invoke(cli, ["validate", "--add-shapes", str(shapes), "--format", "json"])
    # The bundled data conforms to the bundled shapes: the added shape's warnings alone.
    assert added.exit_code == 0, added.output
    assert counts(added.output) == counts(only.output)
    assert counts(added.output)[1] > 10
    # With broken data, both sets of shapes report.
    broken = sorted((Path(__file__).parent / "shapes" / "invalid").glob("*.ttl"))[0]
    bundled = [str(p) for p in resources.data_files()]
    mixed = runner.invoke(
        cli, ["validate", *bundled, str(broken), "--add-shapes", str(shapes), "--format", "json"]
    )
    shapes_seen = {r["shape"].split("#")[0] for r in json.loads(mixed.stdout)["results"]}
    assert shapes_seen == {"http://example.org/shapes", "https://w3id.org/conflict-kg/shapes"}


def test_a_shapes_file_that_does_not_load_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "shapes.ttl"
    bad.write_text(SHAPES_HEAD + "ex:a ex:b\n", encoding="utf-8")
    done = runner.invoke(cli, ["validate", "--shapes", str(bad)])
    assert done.exit_code == 2
    assert done.output.startswith(f"Error: {bad}")
    assert done.output.count("\n") == 1
    missing = runner.invoke(cli, ["validate", "--add-shapes", str(tmp_path / "none.ttl")])
    assert missing.exit_code == 2
    assert "no such file" in missing.output


@pytest.mark.parametrize("kind", sorted(PREBOUND))
def test_this_bound_by_pre_binding_is_never_silently_lost(
    runner: CliRunner, tmp_path: Path, bundled_store: Path, kind: str
) -> None:
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(sparql_shape(PREBOUND[kind]), encoding="utf-8")
    args = ["validate", "--shapes", str(shapes), "--format", "json"]
    # The store holds the crosswalk of states beside the bundled data (a reference file).
    states = ["--add", str(crosswalk.bundled_file())]
    reference = runner.invoke(cli, [*args, *states, "--engine", "pyshacl"])
    assert reference.exit_code == 1, reference.output
    expected = counts(reference.output)
    # The case: every class of the ontology that has a superclass (39 before
    # ckg:ThirdPartyClaim), counted from the ontology rather than written down.
    assert expected[0] == subclass_count(), kind
    # The SPARQL engine cannot run it once over the graph: refused, naming shape and why.
    refused = runner.invoke(cli, [*args, "--engine", "sparql"])
    assert refused.exit_code == 13, refused.output
    assert refused.output.startswith("Error: shape <http://example.org/shapes#Prebound>")
    assert "sh:select with" in refused.output
    assert refused.output.count("\n") == 1
    refused = runner.invoke(cli, [*args, "--engine", "sparql", "--store", str(bundled_store)])
    assert refused.exit_code == 13, refused.output
    # auto on a store runs it with pySHACL over what the store holds, and says so.
    on_store = runner.invoke(cli, [*args, "--store", str(bundled_store)])
    assert on_store.exit_code == 1, on_store.output
    assert counts(on_store.stdout) == expected
    assert "Note: shape <http://example.org/shapes#Prebound> ran with pySHACL" in on_store.stderr


@pytest.mark.parametrize("kind", sorted(FORBIDDEN))
@pytest.mark.parametrize("engine", ["pyshacl", "sparql", "auto"])
def test_a_query_shacl_forbids_is_refused_by_every_engine(
    runner: CliRunner, tmp_path: Path, bundled_store: Path, kind: str, engine: str
) -> None:
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(sparql_shape(FORBIDDEN[kind]), encoding="utf-8")
    for where in ([], ["--store", str(bundled_store)]):
        done = runner.invoke(
            cli, ["validate", "--shapes", str(shapes), "--engine", engine, *where]
        )
        assert done.exit_code == 13, (where, done.output)
        assert done.output.startswith("Error: ")
        assert done.output.count("\n") == 1


# A SPARQL-based constraint component (SHACL 6): each value of ex:needs must be an rdfs:label
# of the focus node. The bundled actors have no such label: one violation per actor.
COMPONENT = (
    SHAPES_HEAD
    + '''
ex: sh:declare [ sh:prefix "rdfs" ; sh:namespace "http://www.w3.org/2000/01/rdf-schema#" ] .
ex:LabelComponent a sh:ConstraintComponent ;
    sh:parameter [ sh:path ex:label ] ;
    sh:validator [ a sh:SPARQLAskValidator ; sh:prefixes ex: ;
        sh:ask "ASK { $value rdfs:label $label }" ] .
ex:LabelledActor a sh:NodeShape ; sh:targetClass ckg:Actor ; ex:label "no such label" .
'''
)


def test_a_sparql_based_constraint_component_is_never_skipped(
    runner: CliRunner, tmp_path: Path, bundled_store: Path
) -> None:
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(COMPONENT, encoding="utf-8")
    args = ["validate", "--shapes", str(shapes), "--format", "json"]
    # The store holds the crosswalk of states beside the bundled data (a reference file).
    states = ["--add", str(crosswalk.bundled_file())]
    reference = runner.invoke(cli, [*args, *states, "--engine", "pyshacl"])
    assert reference.exit_code == 1, reference.output
    assert counts(reference.output)[0] > 10
    refused = runner.invoke(cli, [*args, "--engine", "sparql", "--store", str(bundled_store)])
    assert refused.exit_code == 13, refused.output
    assert "SPARQL-based constraint component <http://example.org/shapes#LabelComponent>" in (
        refused.output
    )
    on_store = runner.invoke(cli, [*args, "--store", str(bundled_store)])
    assert on_store.exit_code == 1, on_store.output
    assert counts(on_store.stdout) == counts(reference.output)
    assert "ran with pySHACL over what the store holds" in on_store.stderr


# Shapes a hostile or careless user may write: each engine gives pySHACL's answer or refuses
# with one line (exit 13; 4 for a shapes file that would reach the network), never a
# traceback, never another answer.
TARGET = "ex:S a sh:NodeShape ; sh:targetClass ckg:Actor ;"
MALFORMED = {
    "select-syntax": TARGET + ' sh:sparql [ sh:select "SELECT $this WHERE { $this ?p " ] .',
    "select-construct": TARGET
    + ' sh:sparql [ sh:select "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }" ] .',
    "select-service": TARGET + ' sh:sparql [ sh:select "SELECT $this WHERE { $this ?p ?o '
    'SERVICE <http://127.0.0.1:9/> { ?a ?b ?c } }" ] .',
    "min-count-text": TARGET + ' sh:property [ sh:path ex:p ; sh:minCount "x" ] .',
    "bad-regex": TARGET + ' sh:property [ sh:path ex:p ; sh:pattern "(" ] .',
    "no-path": TARGET + " sh:property [ sh:minCount 1 ] .",
    "recursive": TARGET + " sh:node ex:S ; sh:property [ sh:path ex:p ; sh:node ex:S ] .",
    "in-not-a-list": TARGET + " sh:property [ sh:path ex:p ; sh:in ex:x ] .",
    "language-number": TARGET + " sh:property [ sh:path ex:p ; sh:languageIn ( 1 ) ] .",
    "datatype-literal": TARGET + ' sh:property [ sh:path ex:p ; sh:datatype "x" ] .',
    "max-length-negative": TARGET + " sh:property [ sh:path ex:p ; sh:maxLength -1 ] .",
    "ignored-not-a-list": TARGET + " sh:closed true ; sh:ignoredProperties ex:notalist .",
    "qualified-without-shape": TARGET
    + " sh:property [ sh:path ex:p ; sh:qualifiedMinCount 1 ] .",
    "xone-not-a-list": TARGET + " sh:xone ex:nothing .",
    "not-300-deep": TARGET + " sh:not [ " * 300 + " sh:minCount 1 " + "] " * 300 + ".",
    "imports-remote": "<http://example.org/s> owl:imports <http://127.0.0.1:9/x.ttl> . "
    + TARGET
    + " sh:property [ sh:path ex:p ; sh:minCount 0 ] .",
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_shapes_get_pyshacls_answer_or_one_line(
    runner: CliRunner, tmp_path: Path, bundled_store: Path, name: str
) -> None:
    shapes = tmp_path / "shapes.ttl"
    head = SHAPES_HEAD + "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
    shapes.write_text(head + MALFORMED[name] + "\n", encoding="utf-8")
    data = str(TESTS / "data" / "tiny.ttl")
    args = ["validate", "--shapes", str(shapes), "--format", "json"]
    runs = {
        "pyshacl": runner.invoke(cli, [*args, data, "--engine", "pyshacl"]),
        "sparql": runner.invoke(cli, [*args, data, "--engine", "sparql"]),
        "store": runner.invoke(cli, [*args, "--store", str(bundled_store), "--engine", "sparql"]),
    }
    reference = runs["pyshacl"]
    for engine, done in runs.items():
        assert done.exception is None or isinstance(done.exception, SystemExit), (engine, name)
        assert "Traceback" not in done.output
        if done.exit_code in (4, 13):
            assert done.output.startswith("Error: ") and done.output.count("\n") == 1
            if name == "imports-remote":
                assert done.exit_code == 4
        else:
            assert done.exit_code == reference.exit_code, (engine, done.output)
            if engine != "store":
                assert counts(done.output) == counts(reference.output), engine


def test_the_cli_offers_the_engines_validation_has() -> None:
    from kg import cli, validation

    assert cli.VALIDATION_ENGINES == validation.ENGINES
