"""`kg export`: round trips compared as graphs, and files replaced atomically."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from kg import export
from kg.cli import cli
from kg.graph import DATA_GRAPH, DERIVED_GRAPH, ONTOLOGY_GRAPH, KnowledgeGraph

# Every test here runs on each store: rdflib in memory, Oxigraph, and Virtuoso (conftest).
pytestmark = pytest.mark.usefixtures("any_store")


def expected(kg: KnowledgeGraph, *names: object) -> Graph:
    graph = Graph()
    for name in names:
        graph += kg.graph(name)  # type: ignore[arg-type]
    return graph


@pytest.mark.parametrize(
    ("fmt", "rdflib_format"), [("turtle", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")]
)
def test_round_trip(
    runner: CliRunner, astana_graph: KnowledgeGraph, tmp_path: Path, fmt: str, rdflib_format: str
) -> None:
    target = tmp_path / f"out.{fmt}"
    result = runner.invoke(cli, ["export", "--format", fmt, "-o", str(target)])
    assert result.exit_code == 0, result.output
    back = Graph().parse(target, format=rdflib_format)
    assert isomorphic(back, expected(astana_graph, DATA_GRAPH, DERIVED_GRAPH))


def test_trig_keeps_the_parts_as_named_graphs(
    runner: CliRunner, astana_graph: KnowledgeGraph, tmp_path: Path
) -> None:
    target = tmp_path / "out.trig"
    result = runner.invoke(cli, ["export", "-o", str(target), "--include-ontology"])
    assert result.exit_code == 0, result.output
    back = Dataset()
    back.parse(target, format="trig")
    for name in (ONTOLOGY_GRAPH, DATA_GRAPH, DERIVED_GRAPH):
        assert isomorphic(back.graph(name), astana_graph.graph(name)), name


def test_stdout_and_no_derived(runner: CliRunner, astana_graph: KnowledgeGraph) -> None:
    result = runner.invoke(cli, ["export", "--no-derived"])
    assert result.exit_code == 0
    back = Graph().parse(data=result.output, format="turtle")
    assert isomorphic(back, expected(astana_graph, DATA_GRAPH))


def test_a_failed_write_leaves_the_old_file(
    tmp_path: Path, astana_graph: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.ttl"
    target.write_text("old content\n", encoding="utf-8")

    def broken(path: Path, rdflib_format: str) -> None:
        raise ValueError("simulated failure")

    monkeypatch.setattr(export, "_check_parses", broken)
    with pytest.raises(export.OutputError, match="did not parse back"):
        export.export_to_file(astana_graph, target, "turtle")
    assert target.read_text(encoding="utf-8") == "old content\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.ttl"]


def test_missing_folder_exits_5(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "out.ttl"
    result = runner.invoke(cli, ["export", "-o", str(target)])
    assert result.exit_code == 5
    assert result.output.startswith(f"Error: {target}: the folder")


def test_existing_file_keeps_its_permissions(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "out.ttl"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o640)
    result = runner.invoke(cli, ["export", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.stat().st_mode & 0o777 == 0o640
    assert len(Graph().parse(target)) > 0


@pytest.mark.parametrize("name", ["out.ttl", "out.trig", "out.jsonld", "out.nq", "out.nt"])
def test_an_export_validates_and_loads_back_the_same(
    runner: CliRunner, astana_graph: KnowledgeGraph, tmp_path: Path, name: str
) -> None:
    target = tmp_path / name
    assert runner.invoke(cli, ["export", "-o", str(target)]).exit_code == 0
    checked = runner.invoke(cli, ["validate", str(target)])
    assert checked.exit_code == 0, checked.output
    again = KnowledgeGraph.open([target])

    def data_and_derived(kg: KnowledgeGraph) -> Graph:
        return kg.graph(DATA_GRAPH) + kg.graph(DERIVED_GRAPH)

    assert isomorphic(data_and_derived(again), data_and_derived(astana_graph))
    # Relations that the file states are not derived a second time (one graph holds a triple).
    if name not in ("out.trig", "out.nq"):  # these keep the derived graph apart
        assert len(again.graph(DERIVED_GRAPH)) == 0


def test_export_through_a_symlink_keeps_the_link(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "real.ttl"
    target.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.ttl"
    link.symlink_to(target)
    assert runner.invoke(cli, ["export", "-o", str(link)]).exit_code == 0
    assert link.is_symlink()
    assert len(Graph().parse(target)) > 0


@pytest.mark.parametrize(("fmt", "rdflib_format"), [("turtle", "turtle"), ("nt", "nt")])
def test_written_a_page_at_a_time_the_export_is_whole(
    runner: CliRunner,
    astana_graph: KnowledgeGraph,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fmt: str,
    rdflib_format: str,
) -> None:
    # A server's graphs are written in pages (kg.stores.endpoint.DUMP_TRIPLES); with pages of
    # 50 triples the bundled data takes some twenty, and the file must still hold each triple.
    monkeypatch.setattr("kg.stores.endpoint.DUMP_TRIPLES", 50)
    target = tmp_path / f"paged.{fmt}"
    result = runner.invoke(cli, ["export", "--format", fmt, "-o", str(target)])
    assert result.exit_code == 0, result.output
    back = Graph().parse(target, format=rdflib_format)
    assert isomorphic(back, expected(astana_graph, DATA_GRAPH, DERIVED_GRAPH))


@pytest.fixture(scope="module")
def astana_network() -> Any:
    from kg.network_files import export_graph

    return export_graph(KnowledgeGraph.open())


def test_network_files_are_the_same_from_every_store(
    runner: CliRunner, tmp_path: Path, astana_network: Any
) -> None:
    # actor-facts.rq and the relations read alike from memory, Oxigraph and a server
    import networkx as nx

    wanted = astana_network
    target = tmp_path / "network.gexf"
    result = runner.invoke(cli, ["export", "-o", str(target), "--all-directed"])
    assert result.exit_code == 0, result.output
    back = nx.read_gexf(target)
    assert dict(back.nodes(data=True)) == dict(wanted.nodes(data=True))
    edges = sorted(
        (u, v, d["kind"], d["period"], d["against"]) for u, v, d in back.edges(data=True)
    )
    assert edges == sorted(
        (
            u,
            v,
            d["kind"],
            ";".join(s.text() for s in d["spans"] if s.start or s.end),
            ";".join(d["against"]),
        )
        for u, v, d in wanted.edges(data=True)
    )


def test_network_export_picks_relations_and_says_what_it_left_out(runner: CliRunner) -> None:
    import csv
    import io

    result = runner.invoke(
        cli, ["export", "--format", "edges-csv", "--as-of", "2017-09", "--kind", "support"]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert sorted((r["source_label"], r["target_label"]) for r in rows) == [
        ("Turkey", "Syrian armed opposition"),
        ("United States", "Kurdish-led militias"),
    ]
    assert "of other kinds (--kind)" in result.stderr
    assert result.stdout.startswith("source,")  # the note stays off the file


def test_relation_options_are_refused_for_rdf(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "out.ttl"
    result = runner.invoke(cli, ["export", "-o", str(target), "--conflict", "Syria"])
    assert result.exit_code == 2
    assert result.output.startswith("Error: --as-of, --during, --include-ended, --conflict")
    assert len(result.output.splitlines()) == 1
    assert not target.exists()
