"""`kg metrics`: sections, --top, formats."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kg.cli import cli

# Every test here runs on each store: rdflib in memory, Oxigraph, and Virtuoso (conftest).
pytestmark = pytest.mark.usefixtures("any_store")


def test_metrics_json(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["metrics", "--format", "json", "--top", "3"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert set(body) == {
        "influence",
        "brokerage",
        "camps",
        "balance",
        "unbalanced_triads",
        "notes",
    }
    assert body["notes"] == []  # betweenness is exact on small networks
    assert len(body["influence"]) == 3
    assert len(body["brokerage"]) == 3
    # One triad: the US backs the Kurdish-led militias against Islamic State, which fights
    # them (tests/test_metrics.py).
    assert body["balance"] == {
        "triads": 1,
        "balanced": 1,
        "balanced_share": 1.0,
        "mixed_sign_triads": 0,
        "frustration": 0,
    }
    assert sum(c["size"] for c in body["camps"]) == 27  # every actor with a tie, once


def test_metrics_table(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["metrics", "--as-of", "2017-09-01"])
    assert result.exit_code == 0, result.output
    headings = [line for line in result.output.splitlines() if line.startswith("# ")]
    assert headings == ["# influence", "# brokerage", "# camps", "# balance", "# unbalanced triads"]


def test_metrics_json_stays_pure_when_something_is_said_on_stderr(runner: CliRunner) -> None:
    # As of 2017-09-01 the CIA's support has ended and is left out; whatever kg says about
    # it goes to stderr, and stdout is one JSON document.
    result = runner.invoke(cli, ["metrics", "--format", "json", "--as-of", "2017-09-01"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)  # fails if anything else is on stdout
    assert body["balance"]["triads"] == 1
