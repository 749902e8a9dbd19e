"""Loading files: formats from extensions, clear errors, nothing fetched, all or nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import Listener

from kg.cli import cli
from kg.errors import DataLoadError, NetworkRefused
from kg.graph import DATA_GRAPH, KnowledgeGraph, parse_file


def test_a_failed_load_leaves_the_graph_as_it_was(tmp_path: Path, tiny_path: Path) -> None:
    kg = KnowledgeGraph.open([tiny_path])
    before = len(kg.graph(DATA_GRAPH))
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle", encoding="utf-8")
    with pytest.raises(DataLoadError):
        kg.load([tiny_path, bad])
    assert len(kg.graph(DATA_GRAPH)) == before


def test_jsonld_with_inline_context_loads(tmp_path: Path) -> None:
    doc = tmp_path / "inline.jsonld"
    doc.write_text(
        json.dumps(
            {
                "@context": {"rdfs": "http://www.w3.org/2000/01/rdf-schema#"},
                "@id": "https://w3id.org/conflict-kg/id/x",
                "rdfs:label": "X",
            }
        ),
        encoding="utf-8",
    )
    assert len(parse_file(doc)) == 1


@pytest.mark.parametrize("context_kind", ["http", "file", "list", "nested", "import"])
def test_jsonld_remote_context_is_refused(
    runner: CliRunner, listener: Listener, tmp_path: Path, context_kind: str
) -> None:
    remote = listener.url + "context.jsonld"
    local_file = (tmp_path / "ctx.jsonld").as_uri()
    context = {
        "http": remote,
        "file": local_file,
        "list": [{"rdfs": "http://www.w3.org/2000/01/rdf-schema#"}, remote],
        "nested": {"rdfs": "http://www.w3.org/2000/01/rdf-schema#"},
        "import": {"@import": remote},
    }[context_kind]
    node: dict[str, object] = {"@context": context, "@id": "https://w3id.org/conflict-kg/id/x"}
    if context_kind == "nested":
        node["https://example.org/p"] = {"@context": remote, "@id": "https://w3id.org/y"}
    doc = tmp_path / "remote.jsonld"
    doc.write_text(json.dumps(node), encoding="utf-8")
    result = runner.invoke(cli, ["stats", "--data", str(doc)])
    assert result.exit_code == 4, result.output
    assert "would be fetched" in result.output
    assert listener.connections == 0


def test_owl_imports_is_refused(runner: CliRunner, listener: Listener, tmp_path: Path) -> None:
    doc = tmp_path / "imports.ttl"
    doc.write_text(
        f"<https://w3id.org/x> <http://www.w3.org/2002/07/owl#imports> <{listener.url}o.ttl> .\n",
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["validate", str(doc)])
    assert result.exit_code == 4
    assert "owl:imports" in result.output
    assert listener.connections == 0


def test_not_utf8_is_a_load_error(tmp_path: Path) -> None:
    doc = tmp_path / "latin1.ttl"
    doc.write_bytes('<https://w3id.org/x> <https://w3id.org/p> "Résistance" .\n'.encode("latin-1"))
    with pytest.raises(DataLoadError, match="not UTF-8"):
        parse_file(doc)


def test_ntriples_error_names_the_file(tmp_path: Path) -> None:
    doc = tmp_path / "bad.nt"
    doc.write_text("<https://w3id.org/x> <https://w3id.org/p> .\n", encoding="utf-8")
    with pytest.raises(DataLoadError, match=r"bad\.nt, line 1: bad syntax"):
        parse_file(doc)


def test_refusal_is_a_network_error(tmp_path: Path) -> None:
    doc = tmp_path / "r.jsonld"
    doc.write_text(json.dumps({"@context": "https://schema.org/"}), encoding="utf-8")
    with pytest.raises(NetworkRefused):
        parse_file(doc)
