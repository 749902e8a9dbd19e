"""`kg stats`: actors by type, claims by kind, sources and triples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli

# Every test here runs on each store: rdflib in memory, Oxigraph, and Virtuoso (conftest).
pytestmark = pytest.mark.usefixtures("any_store")


def test_stats_of_tiny_data(runner: CliRunner, tiny_path: Path) -> None:
    result = runner.invoke(cli, ["stats", "--data", str(tiny_path), "--format", "json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    actors = {r["type_label"]: r["actors"] for r in body["actors_by_type"]}
    assert actors == {"state": 2, "rebel or opposition armed group": 1}
    claims = {
        r["kind_label"]: (r["claims"], r["ended"], r["denied"]) for r in body["claims_by_kind"]
    }
    assert claims == {"support claim": (3, 1, 1), "alliance claim": (1, 0, 0)}
    [source] = body["sources"]
    assert (source["title"], source["claims"]) == ("A test article", 4)
    triples = {r["graph"]: r["triples"] for r in body["triples"]}
    assert triples["urn:conflict-kg:graph:derived"] == 6


def test_stats_table_has_a_section_each(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["stats"])
    assert result.exit_code == 0, result.output
    headings = [line for line in result.output.splitlines() if line.startswith("# ")]
    assert headings == ["# actors by type", "# claims by kind", "# sources", "# triples"]


def test_add_loads_a_file_on_top_of_the_bundled_data(runner: CliRunner, tiny_path: Path) -> None:
    bundled = json.loads(runner.invoke(cli, ["stats", "--format", "json"]).output)
    both = json.loads(
        runner.invoke(cli, ["stats", "--add", str(tiny_path), "--format", "json"]).output
    )

    def count(body: dict[str, list[dict[str, int]]], label: str) -> int:
        return next(r["actors"] for r in body["actors_by_type"] if r["type_label"] == label)

    assert count(both, "state") == count(bundled, "state") + 2
    assert len(both["sources"]) == len(bundled["sources"]) + 1
