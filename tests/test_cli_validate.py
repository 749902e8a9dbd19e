"""`kg validate`: exit 0 conforms, 1 violations, 2 a file would not load; three formats."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from rdflib import Graph
from rdflib.namespace import SH

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
    body = json.loads(result.output)
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
    assert result.output.startswith(f"Error: {bad}, line 4: bad syntax (expected '.'")
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
    broken = sorted((Path(__file__).parent / "shapes" / "invalid").glob("*.ttl"))[:12]
    data = [str(p) for f in broken for p in ("--data", f)]

    def results(*args: str) -> list[tuple[str, str, str, str]]:
        done = runner.invoke(cli, ["validate", *args, "--format", "json"])
        assert done.exit_code == 1, done.output
        body = json.loads(done.output)
        found = [
            (r["focus_node"], r["path"] or "", r["shape"], r["severity"]) for r in body["results"]
        ]
        return sorted(found)

    reference = results(*data, "--engine", "pyshacl")
    assert len(reference) >= len(broken)
    assert results(*data, "--engine", "sparql") == reference
    load_store(StoreSpec(folder=tmp_path / "store"), broken)
    assert results("--store", str(tmp_path / "store")) == reference
