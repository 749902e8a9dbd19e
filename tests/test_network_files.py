"""The network files for network tools (kg.network_files): one edge per relation with a
GEXF spell for each span, symmetric relations as undirected edges, actors with type, camp,
codes and country; NetworkX reads every attribute back, and the GEXF keeps to the structure
of GEXF 1.2 that Gephi reads.

Real data: tests/data/esd-excerpt.csv (118 rows of UCDP ESD 18.1, cited in its README),
and the whole ESD file in ../shared/data/ucdp-esd (CI has it: there a missing file fails).
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from click.testing import CliRunner

from kg import export
from kg.cli import cli
from kg.errors import OutputError
from kg.graph import KnowledgeGraph, StoreSpec
from kg.importers import import_esd
from kg.network import project
from kg.network_files import (
    GEXF_NS,
    Span,
    check_gexf,
    export_graph,
    fold_relations,
    merge_spans,
    to_gexf,
    to_graphml,
)
from kg.vocab import ID

TESTS = Path(__file__).resolve().parent
EXCERPT = TESTS / "data" / "esd-excerpt.csv"
WHOLE = TESTS.parents[1] / "shared" / "data" / "ucdp-esd" / "ucdp-esd-ty-181.csv"
G = f"{{{GEXF_NS}}}"
RUSSIA, SYRIAN_GOVERNMENT = str(ID.russia), str(ID["syrian-government"])
NODE_ATTRIBUTES = {"camp", "type", "ucdp_ids", "gw_code", "cow_code", "iso3", "country"}
EDGE_ATTRIBUTES = {
    "kind",
    "claim_class",
    "directed",
    "sign",
    "status",
    "standing",
    "sources",
    "documents",
    "support",
    "against",
    "period",
}


def attributes(root: ET.Element) -> dict[str, tuple[str, str]]:
    """GEXF attribute id -> (class, title)."""
    return {
        str(a.get("id")): (str(group.get("class")), str(a.get("title")))
        for group in root.iter(f"{G}attributes")
        for a in group.iter(f"{G}attribute")
    }


def values(element: ET.Element, declared: dict[str, tuple[str, str]]) -> dict[str, str]:
    return {
        declared[str(v.get("for"))][1]: str(v.get("value")) for v in element.iter(f"{G}attvalue")
    }


def edge_element(root: ET.Element, source: str, target: str, kind: str) -> list[ET.Element]:
    declared = attributes(root)
    return [
        e
        for e in root.iter(f"{G}edge")
        if (e.get("source"), e.get("target")) == (source, target)
        and values(e, declared)["kind"] == kind
    ]


def spells(element: ET.Element) -> list[tuple[str | None, str | None]]:
    return [(s.get("start"), s.get("end")) for s in element.iter(f"{G}spell")]


def expected_edges(graph: nx.MultiDiGraph) -> dict[tuple[str, str, str, str], dict[str, Any]]:
    """The attributes each file must carry per relation, as the library gives them."""
    found: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    for u, v, d in graph.edges(data=True):
        spans: list[Span] = d["spans"]
        found[(u, v, d["kind"], d["status"])] = {
            "kind": d["kind"],
            "claim_class": d["claim_class"],
            "directed": d["directed"],
            "sign": d["sign"],
            "status": d["status"],
            "standing": d["standing"],
            "sources": d["sources"],
            "documents": ";".join(d["documents"]),
            "support": ";".join(d["support"]),
            "against": ";".join(d["against"]),
            "period": ";".join(s.text() for s in spans if s.start or s.end),
            "spells": [(s.first, s.last) for s in spans if s.first or s.last],
        }
    return found


def assert_read_back(graph: nx.MultiDiGraph, back: nx.MultiDiGraph, *, with_spells: bool) -> None:
    """Every node and edge attribute of ``graph`` is in ``back`` (read by NetworkX)."""
    assert set(back.nodes) == set(graph.nodes)
    for node, data in graph.nodes(data=True):
        read = back.nodes[node]
        assert read["label"] == data["label"]
        for name in NODE_ATTRIBUTES:
            assert read.get(name) == data.get(name), (node, name)
    wanted = expected_edges(graph)
    got: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    for u, v, d in back.edges(data=True):
        key = (u, v, d["kind"], d["status"])
        assert key not in got, key  # one edge per relation
        got[key] = {name: d.get(name) for name in EDGE_ATTRIBUTES}
        if with_spells:
            got[key]["spells"] = [
                (None if s == "None" else s, None if e == "None" else e)
                for s, e in d.get("spells", [])
            ]
        dated = wanted[key]["spells"]
        assert d.get("start") == (dated[0][0] if dated else None)
        assert d.get("end") == (dated[-1][1] if dated else None)
    if not with_spells:
        for found in wanted.values():
            del found["spells"]
    assert got == wanted


# --- spans and relations --------------------------------------------------------------------


def test_overlapping_spans_merge_and_gaps_stay() -> None:
    spans = [
        Span("2015-01-01", "2017-12-31", "2015", "2017"),
        Span("2011-01-01", "2017-12-31", "2011", "2017"),
        Span("1979-01-01", "1982-12-31", "1979", "1982"),
        Span("2016-01-01", "2018-12-31", "2016", "2018"),
        Span("2019-01-01", "2019-12-31", "2019", "2019"),  # the next day: no gap
        Span("2021-01-01", "2021-12-31", "2021", "2021"),
    ]
    assert merge_spans(spans) == [
        Span("1979-01-01", "1982-12-31", "1979", "1982"),
        Span("2011-01-01", "2019-12-31", "2011", "2019"),
        Span("2021-01-01", "2021-12-31", "2021", "2021"),
    ]
    open_end = [
        Span("2011-01-01", None, "2011", None),
        Span("2015-01-01", "2015-12-31", "2015", "2015"),
    ]
    assert merge_spans(open_end) == [Span("2011-01-01", None, "2011", None)]
    no_start = [
        Span(None, "2012-12-31", None, "2012"),
        Span("2012-06-01", "2013-12-31", "2012-06", "2013"),
    ]
    assert merge_spans(no_start) == [Span(None, "2013-12-31", None, "2013")]
    # two sources that say only when it ended (the 1M synthetic store has such relations)
    two_ends = [Span(None, "2020-12-31", None, "2020"), Span(None, "2018-10-31", None, "2018-10")]
    assert merge_spans(two_ends) == [Span(None, "2020-12-31", None, "2020")]


def test_one_edge_per_relation_with_its_spans() -> None:
    yearly = TESTS / "data" / "yearly.ttl"
    network = project(KnowledgeGraph.open([yearly]), include_ended=True)
    assert network.number_of_edges() == 3  # asserted 2011-2013 and 2015, alleged 2012
    folded = fold_relations(network)
    edges = sorted(folded.edges(data=True), key=lambda e: e[2]["status"])
    assert [(d["status"], d["sources"]) for _u, _v, d in edges] == [("alleged", 1), ("asserted", 4)]
    asserted = edges[1][2]
    assert [s.text() for s in asserted["spans"]] == ["2011–2013", "2015"]
    assert [(s.first, s.last) for s in asserted["spans"]] == [
        ("2011-01-01", "2013-12-31"),
        ("2015-01-01", "2015-12-31"),
    ]


# --- the bundled data -------------------------------------------------------------------------


def test_gexf_of_the_bundled_data(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "astana.gexf"
    result = runner.invoke(cli, ["export", "-o", str(target)])
    assert result.exit_code == 0, result.output
    check_gexf(target)
    root = ET.parse(target).getroot()
    assert (root.tag, root.get("version")) == (f"{G}gexf", "1.2")
    graph = root.find(f"{G}graph")
    assert graph is not None
    assert (graph.get("defaultedgetype"), graph.get("mode"), graph.get("timeformat")) == (
        "directed",
        "dynamic",
        "date",
    )
    declared = attributes(root)
    assert NODE_ATTRIBUTES - {"ucdp_ids", "gw_code", "cow_code", "iso3"} <= {
        title for kind, title in declared.values() if kind == "node"
    }
    edge_titles = {title for kind, title in declared.values() if kind == "edge"}
    assert EDGE_ATTRIBUTES <= edge_titles and "networkx_key" not in edge_titles
    types = Counter(
        (values(e, declared)["kind"], e.get("type", "directed")) for e in root.iter(f"{G}edge")
    )
    wanted = Counter(
        (d["kind"], "directed" if d["directed"] else "undirected")
        for *_ends, d in export_graph(KnowledgeGraph.open()).edges(data=True)
    )
    assert types == wanted
    assert (types[("backs", "directed")], types[("opposes", "undirected")]) == (3, 3)
    assert types[("allied with", "undirected")] == 2
    [ended] = edge_element(
        root, str(ID["united-states"]), str(ID["syrian-armed-opposition"]), "backs"
    )
    assert spells(ended) == [(None, "2017-07-31")]  # "In July": the last possible day
    assert values(ended, declared)["period"] == "–2017-07"
    russia = next(n for n in root.iter(f"{G}node") if n.get("id") == RUSSIA)
    node = values(russia, declared)
    assert (node["type"], node["country"]) == ("state", "Russia")
    assert node["camp"].isdigit()


def test_networkx_reads_every_attribute_back(runner: CliRunner, tmp_path: Path) -> None:
    graph = export_graph(KnowledgeGraph.open())
    gexf, graphml = tmp_path / "a.gexf", tmp_path / "a.graphml"
    for target, extra in ((gexf, ["--all-directed"]), (graphml, [])):
        result = runner.invoke(cli, ["export", "-o", str(target), *extra])
        assert result.exit_code == 0, result.output
    assert_read_back(graph, nx.read_gexf(gexf), with_spells=True)
    assert_read_back(graph, nx.read_graphml(graphml), with_spells=False)
    assert 'attr.name="id"' not in graphml.read_text(encoding="utf-8")  # the edge's id
    check_gexf(gexf)
    # the default GEXF is mixed, which NetworkX's reader refuses (and Gephi reads)
    mixed = tmp_path / "mixed.gexf"
    mixed.write_bytes(to_gexf(graph))
    with pytest.raises(nx.NetworkXError, match="Undirected edge found in directed graph"):
        nx.read_gexf(mixed)


def test_edges_csv_has_one_row_per_relation(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["export", "--format", "edges-csv"])
    assert result.exit_code == 0, result.output
    header, *rows = result.output.splitlines()
    assert header.endswith(",support,against")
    assert len(rows) == export_graph(KnowledgeGraph.open()).number_of_edges()


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ('<spell start="2011-01-01" end="2013-12-31"/><spell start="2013-01-01"/>', "overlapping"),
        ('<spell start="2014-01-01" end="2013-12-31"/>', "ends before it starts"),
        ('<spell start="2014-13-01"/>', "month"),
    ],
)
def test_check_gexf_refuses_bad_spells(tmp_path: Path, fault: str, message: str) -> None:
    path = tmp_path / "bad.gexf"
    path.write_text(
        f'<gexf xmlns="{GEXF_NS}" version="1.2"><graph defaultedgetype="directed" '
        'mode="dynamic" timeformat="date"><nodes><node id="a"/><node id="b"/></nodes>'
        f'<edges><edge id="0" source="a" target="b"><spells>{fault}</spells></edge></edges>'
        "</graph></gexf>",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match=message):
        check_gexf(path)


def test_check_gexf_refuses_an_undeclared_attribute_and_a_static_dated_graph(
    tmp_path: Path,
) -> None:
    good = tmp_path / "good.gexf"
    good.write_bytes(to_gexf(export_graph(KnowledgeGraph.open())))
    check_gexf(good)
    text = good.read_text(encoding="utf-8")
    for name, fault, message in (
        ("static", ('mode="dynamic"', 'mode="static"'), "mode='dynamic'"),
        ("undeclared", ('<attvalue for="0"', '<attvalue for="99"'), "undeclared 99"),
        ("namespace", ("1.2draft", "1.1draft"), "not GEXF 1.2"),
    ):
        assert fault[0] in text
        bad = tmp_path / f"{name}.gexf"
        bad.write_text(text.replace(*fault, 1), encoding="utf-8")
        with pytest.raises(ValueError, match=message):
            check_gexf(bad)


def test_a_bad_gexf_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out.gexf"
    target.write_text("old content\n", encoding="utf-8")

    def overlapping(graph: nx.MultiDiGraph, *, mixed: bool = True) -> bytes:
        return (
            f'<gexf xmlns="{GEXF_NS}" version="1.2"><graph defaultedgetype="directed" '
            'mode="dynamic" timeformat="date"><nodes><node id="a"/><node id="b"/></nodes>'
            '<edges><edge id="0" source="a" target="b"><spells><spell start="2011-01-01"/>'
            '<spell start="2012-01-01"/></spells></edge></edges></graph></gexf>'
        ).encode()

    monkeypatch.setattr("kg.network_files.to_gexf", overlapping)
    with pytest.raises(OutputError, match="did not parse back"):
        export.network_export_to_file(KnowledgeGraph.open(), target, "gexf")
    assert target.read_text(encoding="utf-8") == "old content\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.gexf"]


# --- real data: the ESD excerpt and the whole file ------------------------------------------


@pytest.fixture(scope="module")
def excerpt_graph(tmp_path_factory: pytest.TempPathFactory) -> nx.MultiDiGraph:
    out = tmp_path_factory.mktemp("esd-excerpt") / "esd.ttl"
    import_esd(EXCERPT, out)
    return export_graph(KnowledgeGraph.open(add=[out]))


def relation_keys(graph: nx.MultiDiGraph) -> Counter[tuple[str, str, str, str]]:
    return Counter((u, v, d["kind"], d["status"]) for u, v, d in graph.edges(data=True))


def test_excerpt_one_edge_per_relation_against_both_enemies(
    excerpt_graph: nx.MultiDiGraph, tmp_path: Path
) -> None:
    assert max(relation_keys(excerpt_graph).values()) == 1
    [backing] = [
        d
        for d in excerpt_graph.get_edge_data(RUSSIA, SYRIAN_GOVERNMENT).values()
        if d["kind"] == "backs"
    ]
    # 2011-2017 against the insurgents, 2015-2017 against IS: one spell, both enemies
    assert [(s.first, s.last) for s in backing["spans"]] == [("2011-01-01", "2017-12-31")]
    assert backing["against"] == ["Islamic State", "Syrian armed opposition"]
    assert backing["sources"] == 10
    path = tmp_path / "excerpt.gexf"
    path.write_bytes(to_gexf(excerpt_graph, mixed=False))
    assert_read_back(excerpt_graph, nx.read_gexf(path), with_spells=True)
    kdpi = excerpt_graph.nodes[str(ID["ucdp-actor-164"])]
    assert (kdpi["type"], kdpi["ucdp_ids"], kdpi["country"]) == (
        "rebel or opposition armed group",
        "164",
        "Iran",
    )


@pytest.fixture(scope="module")
def whole_graph(tmp_path_factory: pytest.TempPathFactory) -> nx.MultiDiGraph:
    if not WHOLE.exists():
        message = f"{WHOLE} is missing (the UCDP ESD 18.1 triad-year file)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    folder = tmp_path_factory.mktemp("esd-whole-store") / "store"
    runner = CliRunner()
    loaded = runner.invoke(cli, ["load", "--store", str(folder), "-q"])
    assert loaded.exit_code == 0, loaded.output
    imported = runner.invoke(cli, ["import", "ucdp-esd", str(WHOLE), "--store", str(folder), "-q"])
    assert imported.exit_code == 0, imported.output
    return export_graph(KnowledgeGraph.open(store=StoreSpec(folder=folder)))


def test_whole_esd_one_edge_per_relation_with_spells(
    whole_graph: nx.MultiDiGraph, tmp_path: Path
) -> None:
    assert max(relation_keys(whole_graph).values()) == 1
    [backing] = [
        d
        for d in whole_graph.get_edge_data(RUSSIA, SYRIAN_GOVERNMENT).values()
        if d["kind"] == "backs" and d["status"] == "asserted"
    ]
    assert [(s.first, s.last) for s in backing["spans"]] == [
        ("1979-01-01", "1982-12-31"),
        ("2011-01-01", "2017-12-31"),
    ]
    assert backing["against"] == ["Islamic State", "Muslim Brotherhood", "Syrian armed opposition"]
    gexf = tmp_path / "esd.gexf"
    gexf.write_bytes(to_gexf(whole_graph))
    check_gexf(gexf)
    root = ET.parse(gexf).getroot()
    [element] = edge_element(root, RUSSIA, SYRIAN_GOVERNMENT, "backs")
    assert spells(element) == [("1979-01-01", "1982-12-31"), ("2011-01-01", "2017-12-31")]
    undirected = [e for e in root.iter(f"{G}edge") if e.get("type") == "undirected"]
    assert len(undirected) == sum(1 for *_e, d in whole_graph.edges(data=True) if not d["directed"])
    assert len(undirected) > 100  # ESD's opponents: warring pairs as hostility


def test_whole_esd_read_back_by_networkx(whole_graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    gexf, graphml = tmp_path / "esd.gexf", tmp_path / "esd.graphml"
    gexf.write_bytes(to_gexf(whole_graph, mixed=False))
    graphml.write_bytes(to_graphml(whole_graph))
    assert_read_back(whole_graph, nx.read_gexf(gexf), with_spells=True)
    assert_read_back(whole_graph, nx.read_graphml(graphml), with_spells=False)
    russia = whole_graph.nodes[RUSSIA]
    assert {
        k: russia[k] for k in ("type", "ucdp_ids", "gw_code", "cow_code", "iso3", "country")
    } == {
        "type": "state",
        "ucdp_ids": "57",
        "gw_code": "365",
        "cow_code": "365",
        "iso3": "RUS",
        "country": "Russia",
    }
