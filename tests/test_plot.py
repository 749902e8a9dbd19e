"""`kg plot`: PNG and SVG pictures and the self-contained HTML page of the actor network.

The page is opened in a real browser by tests/test_plot_browser.py; here it is read as text.
"""

from __future__ import annotations

import json
import re
import struct
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import networkx as nx
import pytest
from click.testing import CliRunner

from kg import plot, plot_focus
from kg.cli_common import KGGroup
from kg.cli_network import plot_command
from kg.errors import OutputError
from kg.graph import KnowledgeGraph
from kg.metrics import Camp, camps
from kg.network import project, signed_graph

SVG = "{http://www.w3.org/2000/svg}"
ONT = "https://w3id.org/conflict-kg/ontology#"
# the claim class (or property) kg.network.project gives each kind of relation
CLASSES = {
    "backs": "SupportClaim",
    "allied with": "AllianceClaim",
    "opposes": "OppositionClaim",
    "envoy of": "EnvoyClaim",
    "holds office in": "OfficeClaim",
    "part of": "partOf",
}
EVIL_LABEL = "<img src=x onerror=alert(1)>"
EVIL_QUOTE = '</script><script>alert(2)</script> & "<!--" $x$'
DOLLAR_LABEL = "Fund $5 and $6"


def add_relation(
    network: nx.MultiDiGraph,
    u: str,
    v: str,
    kind: str,
    *,
    directed: bool = False,
    sign: int = 1,
    status: str = "asserted",
    start: str | None = None,
    start_day: str | None = None,
    end: str | None = None,
    end_day: str | None = None,
    quotes: tuple[str, ...] = (),
    support: tuple[str, ...] = (),
    against: tuple[str, ...] = (),
) -> None:
    """An edge with every attribute that kg.network.project gives one."""
    documents = [f"https://example.org/doc/{i}" for i in range(len(quotes))]
    network.add_edge(
        u,
        v,
        kind=kind,
        claim_class=ONT + CLASSES[kind],
        directed=directed,
        sign=sign,
        start=start,
        end=end,
        start_day=start_day,
        end_day=end_day,
        status=status,
        standing="ended" if status == "ended" else "current",
        sources=len(quotes),
        documents=documents,
        quotes=list(quotes),
        support=list(support),
        against=list(against),
    )


def hand_network() -> nx.MultiDiGraph:
    """Six relations among five actors: one of each style, two hostile, one ended, one
    starting later, a pair with two edges, and labels that try to be markup or TeX."""
    network = nx.MultiDiGraph()
    for iri, label in [
        ("ck:alpha", "Alpha"),
        ("ck:beta", "Beta Front"),
        ("ck:gamma", "Gamma"),
        ("ck:delta", DOLLAR_LABEL),
        ("ck:evil", EVIL_LABEL),
    ]:
        network.add_node(iri, label=label)
    add_relation(
        network,
        "ck:alpha",
        "ck:beta",
        "backs",
        directed=True,
        status="ended",
        start="2016",
        start_day="2016-01-01",
        end="2017-07",
        end_day="2017-07-31",
        quotes=("Alpha ended its support to Beta in July.",),
    )
    add_relation(network, "ck:alpha", "ck:gamma", "allied with", quotes=("Allies.", "Still."))
    add_relation(
        network,
        "ck:beta",
        "ck:gamma",
        "opposes",
        sign=-1,
        start="2018-03",
        start_day="2018-03-01",
        quotes=("Beta fights Gamma.",),
    )
    add_relation(
        network,
        "ck:gamma",
        "ck:beta",
        "backs",
        directed=True,
        quotes=("Gamma helps.",),
        support=("training", "weapons"),
        against=("Alpha",),
    )
    add_relation(network, "ck:evil", "ck:gamma", "opposes", sign=-1, quotes=(EVIL_QUOTE,))
    add_relation(network, "ck:delta", "ck:alpha", "part of", status="structural")
    return network


def camps_of(network: nx.MultiDiGraph) -> list[Camp]:
    return camps(signed_graph(network))[0]


@pytest.fixture(scope="module")
def astana_network(astana_graph: KnowledgeGraph) -> nx.MultiDiGraph:
    return project(astana_graph, include_ended=True)


@pytest.fixture
def plot_cli() -> KGGroup:
    """`kg plot` inside a group that turns library errors into exit codes, as kg.cli does."""
    group = KGGroup(name="kg")
    group.add_command(plot_command)
    return group


def svg_edges(content: bytes) -> dict[str, ElementTree.Element]:
    root = ElementTree.fromstring(content)
    return {g.get("id", ""): g for g in root.iter(f"{SVG}g") if g.get("id", "").startswith("edge-")}


def styles(group: ElementTree.Element) -> list[str]:
    return [path.get("style", "") for path in group.iter(f"{SVG}path")]


class ScriptReader(HTMLParser):
    """The text of each <script> and <style>, and the page with the data element left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.open: dict[str, str] | None = None
        self.blocks: list[tuple[dict[str, str], str]] = []
        self.outside_data: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.open = {"tag": tag, **{k: v or "" for k, v in attrs}}
            self.blocks.append((self.open, ""))
        self.outside_data.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        self.open = None
        self.outside_data.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if self.open is not None:
            attrs, text = self.blocks[-1]
            self.blocks[-1] = (attrs, text + data)
        if not (self.open and self.open.get("id") == "kg-data"):
            self.outside_data.append(data)

    def handle_comment(self, data: str) -> None:
        self.outside_data.append(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.outside_data.append(f"<!{decl}>")


def read_page(page: str) -> ScriptReader:
    reader = ScriptReader()
    reader.feed(page)
    reader.close()
    return reader


def embedded_data(page: str) -> dict[str, Any]:
    [data] = [text for attrs, text in read_page(page).blocks if attrs.get("id") == "kg-data"]
    body: dict[str, Any] = json.loads(data)
    return body


# --- formats ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("a.png", "png"),
        ("A.SVG", "svg"),
        ("x/y.html", "html"),
        ("page.htm", "html"),
        ("svg", "svg"),
    ],
)
def test_the_format_comes_from_the_extension(name: str, fmt: str) -> None:
    assert plot.picture_format(Path(name)) == fmt


@pytest.mark.parametrize("name", ["astana.pdf", "astana", "astana.png.txt"])
def test_an_unknown_extension_is_a_clear_error(name: str) -> None:
    with pytest.raises(OutputError, match=r"cannot tell the picture format .* \.png, \.svg"):
        plot.picture_format(Path(name))


# --- PNG and SVG -----------------------------------------------------------------------


def test_png_has_the_signature_and_a_sensible_size(astana_network: nx.MultiDiGraph) -> None:
    content = plot.draw(astana_network, camps_of(astana_network), "png")
    assert content.startswith(plot.PNG_SIGNATURE)
    width, height = struct.unpack(">II", content[16:24])  # the IHDR chunk
    assert 600 < width < 4000 and 400 < height < 4000
    assert len(content) > 10_000


def test_svg_parses_and_shows_every_actor_label(astana_network: nx.MultiDiGraph) -> None:
    content = plot.draw(astana_network, camps_of(astana_network), "astana.svg", title="Astana")
    root = ElementTree.fromstring(content)
    texts = {"".join(t.itertext()) for t in root.iter(f"{SVG}text")}
    labels = {data["label"] for _n, data in astana_network.nodes(data=True)}
    assert labels <= texts
    assert "Russia" in labels and "Astana" in texts
    # one group of nodes per coloured camp (the largest, of two actors or more), the others
    # together; one edge group per pair, family and line, whose title holds its relations
    found = camps_of(astana_network)
    ids = {g.get("id") for g in root.iter(f"{SVG}g")}
    coloured = [c for c in found if len(c.actors) >= 2][: len(plot.CAMP_COLOURS)]
    assert {f"camp-{c.number}" for c in coloured} <= ids
    assert ("camp-other" in ids) == (len(coloured) < len(found))
    edges = svg_edges(content)
    assert len(edges) == len(plot.drawn_edges(astana_network))
    titles = ["".join(g.find(f"{SVG}title").itertext()) for g in edges.values()]  # type: ignore[union-attr]
    assert sum(len(t.splitlines()) for t in titles) == astana_network.number_of_edges()
    # every actor has a tooltip with its name
    tips = [t.text or "" for t in root.iter(f"{SVG}title")]
    assert all(any(tip.startswith(label + " (") for tip in tips) for label in labels)


def every_family_network() -> nx.MultiDiGraph:
    """One relation of each family, and one backing of each line: current, alleged, ended."""
    network = nx.MultiDiGraph()
    for name in "abcdefghij":
        network.add_node(f"ck:{name}", label=name.upper())
    add_relation(network, "ck:a", "ck:b", "backs", directed=True, support=("troops",))
    add_relation(network, "ck:a", "ck:c", "backs", directed=True, status="alleged")
    add_relation(network, "ck:a", "ck:d", "backs", directed=True, status="ended", end="2014")
    add_relation(network, "ck:e", "ck:a", "envoy of", directed=True)
    add_relation(network, "ck:f", "ck:a", "holds office in", directed=True)
    add_relation(network, "ck:a", "ck:g", "allied with")
    add_relation(network, "ck:a", "ck:h", "opposes", sign=-1)
    add_relation(network, "ck:i", "ck:a", "part of", status="structural")
    add_relation(network, "ck:j", "ck:a", "backs", directed=True, against=("H",))
    return network


def test_svg_draws_each_family_and_line_its_own_way() -> None:
    network = every_family_network()
    edges = svg_edges(plot.draw(network, camps_of(network), "svg"))
    # edge-N-FAMILY-LINE-SHAPE
    found = sorted(tuple(gid.split("-")[2:]) for gid in edges)
    assert found == [
        ("alliance", "current", "line"),
        ("backing", "alleged", "arrow"),
        ("backing", "current", "arrow"),
        ("backing", "current", "arrow"),
        ("backing", "ended", "arrow"),
        ("envoy", "current", "arrow"),
        ("hostility", "current", "line"),
        ("office", "current", "arrow"),
        ("structural", "current", "line"),
    ]
    look: dict[str, list[str]] = {
        "-".join(gid.split("-")[2:4]): styles(group) for gid, group in edges.items()
    }
    colour = {name: f"stroke: {f.colour.lower()}" for name, f in plot.FAMILIES.items()}
    for key, paths in look.items():
        family, line = key.split("-")
        assert colour[family] in paths[0], (key, paths[0])
        # dashes: alleged dashed, ended dotted (shorter dashes) and faded, current solid
        assert ("stroke-dasharray" in paths[0]) == (line != "current"), key
    assert plot.HOSTILE_COLOUR.lower() in look["hostility-current"][0]
    dashes = {k: re.search(r"stroke-dasharray: ([\d.]+)", v[0]) for k, v in look.items()}
    assert float(dashes["backing-ended"][1]) < float(dashes["backing-alleged"][1])  # type: ignore[index]
    opacity = {k: float(re.search(r"opacity: ([\d.]+)", v[0])[1]) for k, v in look.items()}  # type: ignore[index]
    assert opacity["backing-ended"] < opacity["backing-current"] / 2
    # heads: backing a filled triangle, envoy an open one, office a bracket: three shapes
    heads = {k: v[1] for k, v in look.items() if len(v) > 1}
    assert set(heads) == {
        "backing-current",
        "backing-alleged",
        "backing-ended",
        "envoy-current",
        "office-current",
    }
    assert "fill: none" not in heads["backing-current"]
    assert "fill: none" in heads["envoy-current"] and "fill: none" in heads["office-current"]
    # the head's outline: its path's commands with the numbers left out
    shapes = {
        k: re.sub(r"[\d.\s-]+", "", [p.get("d", "") for p in group.iter(f"{SVG}path")][1])
        for gid, group in edges.items()
        if (k := "-".join(gid.split("-")[2:4])) in heads
    }
    assert len({shapes["backing-current"], shapes["envoy-current"], shapes["office-current"]}) == 3


def test_svg_titles_name_the_kinds_of_support_and_the_opponents() -> None:
    network = every_family_network()
    content = plot.draw(network, camps_of(network), "svg")
    titles = [t.text or "" for t in ElementTree.fromstring(content).iter(f"{SVG}title")]
    assert "A backs B, no dates given; support: troops" in titles
    assert "J backs A, no dates given; against: H" in titles
    assert "A backs D, until 2014 (ended)" in titles
    assert "A backs C, no dates given (alleged)" in titles


def test_parallel_relations_of_one_family_and_line_are_one_drawn_edge() -> None:
    network = nx.MultiDiGraph()
    network.add_node("ck:r", label="Russia")
    network.add_node("ck:s", label="Syria")
    for year in ("2011", "2012", "2013"):
        add_relation(
            network, "ck:r", "ck:s", "backs", directed=True, status="ended", start=year, end=year
        )
    add_relation(network, "ck:r", "ck:s", "backs", directed=True, start="2015", end="2017")
    add_relation(network, "ck:s", "ck:r", "allied with")
    drawn = plot.drawn_edges(network)
    assert [(e.family, e.line, len(e.relations)) for e in drawn] == [
        ("backing", "current", 1),
        ("backing", "ended", 3),
        ("alliance", "current", 1),
    ]
    edges = svg_edges(plot.draw(network, camps_of(network), "svg"))
    [ended] = [g for gid, g in edges.items() if "-ended-" in gid]
    assert ended.find(f"{SVG}title").text.splitlines() == [  # type: ignore[union-attr]
        f"Russia backs Syria, {year} (ended)" for year in ("2011", "2012", "2013")
    ]


def test_camps_past_the_palette_are_grey_and_one_legend_entry() -> None:
    # twelve camps: pairs of allies, each pair hostile to the next
    network = nx.MultiDiGraph()
    for i in range(12):
        network.add_node(f"ck:a{i:02}", label=f"A{i}")
        network.add_node(f"ck:b{i:02}", label=f"B{i}")
        add_relation(network, f"ck:a{i:02}", f"ck:b{i:02}", "allied with")
        add_relation(network, f"ck:b{i:02}", f"ck:a{(i + 1) % 12:02}", "opposes", sign=-1)
    network.add_node("ck:lone", label="Lone")
    add_relation(network, "ck:lone", "ck:a00", "opposes", sign=-1)
    found = camps_of(network)
    assert len(found) >= 12
    colours = plot.camp_colours(found, network)
    coloured = [c for c in colours.values() if c != plot.OTHER_CAMP_COLOUR]
    assert sorted(coloured) == sorted(plot.CAMP_COLOURS)  # six camps, six distinct colours
    keys = plot.camp_keys(found, network)
    assert [k.colour for k in keys] == [*plot.CAMP_COLOURS, plot.OTHER_CAMP_COLOUR]
    assert keys[-1].head.startswith("other camps (")
    assert len(keys[-1].actors) == network.number_of_nodes() - 12
    root = ElementTree.fromstring(plot.draw(network, found, "svg"))
    ids = [g.get("id") for g in root.iter(f"{SVG}g") if g.get("id", "").startswith("camp-")]
    assert len(ids) == 7 and ids[-1] == "camp-other"
    legend = " ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))
    assert "other camps (" in legend and "camp 7 " not in legend


def star_network(leaves: int) -> nx.MultiDiGraph:
    """A hub backing ``leaves`` actors, each of the first ten of them backing three more."""
    network = nx.MultiDiGraph()
    network.add_node("ck:hub", label="The hub")
    for i in range(leaves):
        network.add_node(f"ck:l{i:03}", label=f"Client number {i}")
        add_relation(network, "ck:hub", f"ck:l{i:03}", "backs", directed=True)
    for i in range(min(leaves, 10)):
        for j in range(3):
            network.add_node(f"ck:m{i}{j}", label=f"Militia {i}.{j}")
            add_relation(network, f"ck:l{i:03}", f"ck:m{i}{j}", "backs", directed=True)
    return network


def test_a_large_network_names_at_most_forty_actors_the_most_central_first() -> None:
    network = star_network(120)
    drawing = plot.draw_picture(network, camps_of(network), "svg")
    assert 10 < len(drawing.labelled) <= 40 < network.number_of_nodes()
    assert drawing.labelled[0] == "ck:hub"
    assert set(drawing.labelled[1:11]) == {f"ck:l{i:03}" for i in range(10)}  # 4 partners each
    root = ElementTree.fromstring(drawing.content)
    named = [g for g in root.iter(f"{SVG}g") if g.get("id", "").startswith("label-")]
    assert len(named) == len(drawing.labelled)
    # no two labels overlap: their text anchors are apart by more than a line's height
    # or a short label's width
    spots = [
        (float(t.get("x", 0)), float(t.get("y", 0))) for g in named for t in g.iter(f"{SVG}text")
    ]
    for i, (x, y) in enumerate(spots):
        for u, v in spots[i + 1 :]:
            assert abs(y - v) >= 7 or abs(x - u) >= 20, ((x, y), (u, v))


def test_labels_are_moved_or_left_out_rather_than_overlapping() -> None:
    network = nx.MultiDiGraph()
    # four actors on one spot as far as labels go: long names, tied in a ring
    names = [f"The very long name of actor number {i}" for i in range(4)]
    for i, name in enumerate(names):
        network.add_node(f"ck:{i}", label=name)
    for i in range(4):
        add_relation(network, f"ck:{i}", f"ck:{(i + 1) % 4}", "allied with")
    drawing = plot.draw_picture(network, camps_of(network), "png")
    assert 1 <= len(drawing.labelled) <= 4
    assert drawing.content.startswith(plot.PNG_SIGNATURE)


def test_labels_are_text_not_markup_or_tex() -> None:
    network = hand_network()
    content = plot.draw(network, camps_of(network), "svg")
    root = ElementTree.fromstring(content)  # an unescaped "<" would not parse
    texts = {"".join(t.itertext()) for t in root.iter(f"{SVG}text")}
    assert EVIL_LABEL in texts
    assert DOLLAR_LABEL in texts  # not typeset as TeX
    assert plot.draw(network, camps_of(network), "png").startswith(plot.PNG_SIGNATURE)


def test_the_same_network_gives_the_same_svg() -> None:
    network = hand_network()
    first = plot.draw(network, camps_of(network), "svg")
    assert plot.draw(network, camps_of(network), "svg") == first
    assert plot.layout(network) == plot.layout(hand_network())


def test_layout_keeps_every_actor_inside_the_square(astana_network: nx.MultiDiGraph) -> None:
    positions = plot.layout(astana_network)
    assert set(positions) == set(astana_network)
    assert all(-1.0 <= c <= 1.0 for p in positions.values() for c in p)
    assert len(set(positions.values())) == len(positions)  # no two actors on one spot


def test_an_empty_network_still_draws() -> None:
    empty = nx.MultiDiGraph()
    ElementTree.fromstring(plot.draw(empty, [], "svg"))
    assert embedded_data(plot.html_page(empty, []))["nodes"] == []


def test_draw_refuses_html() -> None:
    with pytest.raises(OutputError, match="html_page"):
        plot.draw(hand_network(), [], "page.html")


# --- the HTML page ---------------------------------------------------------------------

FORBIDDEN_OUTSIDE_DATA = [
    r"https?:",
    r"//[a-z0-9.-]+\.[a-z]{2,}",  # a protocol-relative URL
    r"\bsrc\s*=",
    r"\bhref\s*=",
    r"@import",
    r"url\(\s*(?!['\"]?#)",  # url(#marker) points inside the page
    r"\bfetch\s*\(",
    r"XMLHttpRequest",
    r"WebSocket",
    r"EventSource",
    r"sendBeacon",
    r"\bimport\s*\(",
    r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\s*\(",
]


def test_page_is_self_contained(astana_network: nx.MultiDiGraph) -> None:
    page = plot.html_page(astana_network, camps_of(astana_network), note="as of 2017-09-01")
    reader = read_page(page)
    outside = "".join(reader.outside_data)
    assert "Russia" not in outside and "Alexander Lavrentiev" not in outside  # data left out
    for pattern in FORBIDDEN_OUTSIDE_DATA:
        assert not re.search(pattern, outside, re.IGNORECASE), pattern
    tags = [attrs["tag"] for attrs, _text in reader.blocks]
    assert tags == ["style", "script", "script"]  # one style, the data, one script
    assert not re.search(r"<link\b|<iframe\b|<object\b|<embed\b|<img\b", page, re.IGNORECASE)


def test_page_policy_forbids_requests_and_runs_only_its_own_script(
    astana_network: nx.MultiDiGraph,
) -> None:
    page = plot.html_page(astana_network, camps_of(astana_network))
    [policy] = re.findall(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page)
    policy = policy.replace("&#x27;", "'")
    assert "default-src 'none'" in policy and "connect-src 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    reader = read_page(page)
    [script] = [
        text for attrs, text in reader.blocks if attrs["tag"] == "script" and not attrs.get("type")
    ]
    [style] = [text for attrs, text in reader.blocks if attrs["tag"] == "style"]
    assert plot._csp_hash(script) in policy  # the browser runs exactly this script
    assert plot._csp_hash(style) in policy


def test_page_embeds_the_network(astana_network: nx.MultiDiGraph) -> None:
    found = camps_of(astana_network)
    titles = {"https://w3id.org/conflict-kg/id/article-004": "Eighth round (2017-12-21)"}
    data = embedded_data(plot.html_page(astana_network, found, titles=titles))
    assert {n["iri"] for n in data["nodes"]} == set(astana_network)
    assert len(data["edges"]) == astana_network.number_of_edges()
    # the camps' legend: the coloured camps, then the others together (Islamic State alone)
    assert [c["number"] for c in data["camps"]] == [c.number for c in found[:5]] + [None]
    assert [c["numbers"] for c in data["camps"]][-1] == [found[5].number]
    assert data["camps"][-1]["head"] == "other camps (1 camp, 1 actor)"
    assert data["camps"][-1]["colour"] == plot.OTHER_CAMP_COLOUR
    assert len({c["colour"] for c in data["camps"]}) == len(data["camps"])
    colour = {n["iri"]: n["colour"] for n in data["nodes"]}
    assert colour["https://w3id.org/conflict-kg/id/russia"] == plot.CAMP_COLOURS[0]
    assert all(n["labelled"] for n in data["nodes"])  # 27 actors: every one named
    [turkey_backs] = [
        e for e in data["edges"] if e["source"].endswith("/turkey") and e["kind"] == "backs"
    ]
    assert turkey_backs["directed"] is True and turkey_backs["family"] == "backing"
    assert turkey_backs["line"] == "current" and turkey_backs["support"] == ["unspecified"]
    assert [s["title"] for s in turkey_backs["sources"]] == [
        "ck:article-000",
        titles["https://w3id.org/conflict-kg/id/article-004"],
    ]
    assert (
        "Turkey supports several anti-Damascus armed groups" in turkey_backs["sources"][1]["quote"]
    )
    hostile = [e for e in data["edges"] if e["sign"] < 0]
    assert hostile and all(e["family"] == "hostility" for e in hostile)
    assert set(data["families"]) == {e["family"] for e in data["edges"]}


def test_markup_in_the_data_cannot_leave_the_data_element() -> None:
    network = hand_network()
    page = plot.html_page(network, camps_of(network))
    assert "<img" not in page and "alert(2)</script>" not in page and "<!--" not in page
    data = embedded_data(page)  # and the JSON still reads back exactly
    assert EVIL_LABEL in {n["label"] for n in data["nodes"]}
    quotes = [s["quote"] for e in data["edges"] for s in e["sources"]]
    assert EVIL_QUOTE in quotes


def test_title_and_note_are_escaped() -> None:
    page = plot.html_page(hand_network(), [], title="<b>T</b>", note="a & <i>b</i>")
    assert "<b>T</b>" not in page and "&lt;b&gt;T&lt;/b&gt;" in page
    assert "a &amp; &lt;i&gt;b&lt;/i&gt;" in page


def test_check_page_refuses_external_references(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    good = plot.html_page(hand_network(), [])
    page.write_text(good, encoding="utf-8")
    plot.check_page(page)
    page.write_text(good.replace("<body>", '<body><img src="https://example.org/x.png">'))
    with pytest.raises(ValueError, match="refers outside"):
        plot.check_page(page)


def test_the_page_inlines_its_files_without_their_header_comments() -> None:
    page = plot.html_page(hand_network(), [])
    reader = read_page(page)
    [script] = [
        text for attrs, text in reader.blocks if attrs["tag"] == "script" and not attrs.get("type")
    ]
    [style] = [text for attrs, text in reader.blocks if attrs["tag"] == "style"]
    for name, inlined in (("plot.js", script), ("plot.css", style)):
        text = (plot.PAGE_FILES / name).read_text(encoding="utf-8")
        assert text.startswith("/* conflict-kg: ")  # the file says its job...
        assert text.endswith(inlined) and "conflict-kg:" not in inlined  # ...the page does not
    template = (plot.PAGE_FILES / "page.html").read_text(encoding="utf-8")
    assert template.startswith("<!-- conflict-kg: ") and page.startswith("<!DOCTYPE html>\n")
    assert "conflict-kg:" not in page


@pytest.fixture
def page_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of kg/plot_page that a test may break; the files read are not cached past it."""
    folder = tmp_path / "plot_page"
    folder.mkdir()
    for name in ("page.html", "plot.css", "plot.js"):
        (folder / name).write_bytes((plot.PAGE_FILES / name).read_bytes())
    monkeypatch.setattr(plot, "PAGE_FILES", folder)
    plot.page_file.cache_clear()
    yield folder
    plot.page_file.cache_clear()


def test_a_page_file_without_its_header_is_refused(page_files: Path) -> None:
    script = page_files / "plot.js"
    script.write_text(script.read_text(encoding="utf-8").partition("*/\n")[2], encoding="utf-8")
    with pytest.raises(OutputError, match=r"plot\.js: does not open with its header comment"):
        plot.html_page(hand_network(), [])


# --- the command -----------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".png", ".svg", ".html"])
def test_command_writes_each_format(
    runner: CliRunner, plot_cli: KGGroup, tmp_path: Path, suffix: str
) -> None:
    target = tmp_path / f"astana{suffix}"
    result = runner.invoke(plot_cli, ["plot", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert re.fullmatch(
        rf"wrote {re.escape(str(target))} \({suffix[1:]}, \d+ bytes: 27 actors, 24 relations\)\n"
        r"\(1 relation left out: 1 ended \(--include-ended lists them\)\)\n",
        result.stderr,
    )
    plot.CHECKS[suffix[1:]](target)
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no temporary file left


def test_command_as_of_and_include_ended(
    runner: CliRunner, plot_cli: KGGroup, tmp_path: Path
) -> None:
    def edges(*options: str) -> list[dict[str, Any]]:
        target = tmp_path / "page.html"
        result = runner.invoke(plot_cli, ["plot", "-o", str(target), *options])
        assert result.exit_code == 0, result.output
        return list(embedded_data(target.read_text(encoding="utf-8"))["edges"])

    every = edges("--include-ended")
    ended = [e for e in every if e["status"] == "ended"]
    assert [(e["source"][-13:], e["kind"], e["end"]) for e in ended] == [
        ("united-states", "backs", "2017-07")
    ]
    assert len(every) == 25
    assert len(edges()) == 24
    assert len(edges("--as-of", "2017-08-01")) == 24
    assert len(edges("--as-of", "2017-07-15")) == 25  # may have ended: still drawn


def test_command_with_other_data(
    runner: CliRunner, plot_cli: KGGroup, tmp_path: Path, tiny_path: Path
) -> None:
    target = tmp_path / "tiny.svg"
    result = runner.invoke(plot_cli, ["plot", "--data", str(tiny_path), "-o", str(target)])
    assert result.exit_code == 0, result.output
    texts = {"".join(t.itertext()) for t in ElementTree.parse(target).iter(f"{SVG}text")}
    assert {"Alpha", "Beta Front", "Gamma"} <= texts


def test_command_refuses_an_unknown_extension(
    runner: CliRunner, plot_cli: KGGroup, tmp_path: Path
) -> None:
    target = tmp_path / "astana.pdf"
    result = runner.invoke(plot_cli, ["plot", "-o", str(target)])
    assert result.exit_code == 5
    assert result.stderr == (
        f"Error: {target}: cannot tell the picture format from the extension '.pdf' "
        "(use .png, .svg, .html)\n"
    )
    assert not target.exists()


def test_command_needs_an_output(runner: CliRunner, plot_cli: KGGroup) -> None:
    result = runner.invoke(plot_cli, ["plot"])
    assert result.exit_code == 2
    assert "Missing option '-o' / '--output'" in result.stderr


def test_command_reports_a_missing_folder(
    runner: CliRunner, plot_cli: KGGroup, tmp_path: Path
) -> None:
    target = tmp_path / "nowhere" / "astana.svg"
    result = runner.invoke(plot_cli, ["plot", "-o", str(target)])
    assert result.exit_code == 5
    assert result.stderr.startswith(f"Error: {target}: the folder ")


def test_a_failing_render_leaves_the_old_file(
    runner: CliRunner, plot_cli: KGGroup, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "astana.svg"
    target.write_bytes(b"old picture")

    def broken(*args: object, **kwargs: object) -> bytes:
        raise RuntimeError("the renderer broke")

    monkeypatch.setattr(plot, "draw_picture", broken)
    result = runner.invoke(plot_cli, ["plot", "-o", str(target)])
    assert isinstance(result.exception, RuntimeError)
    assert target.read_bytes() == b"old picture"
    assert [p.name for p in tmp_path.iterdir()] == ["astana.svg"]


def test_a_missing_page_file_is_one_line_and_writes_nothing(
    runner: CliRunner, plot_cli: KGGroup, tmp_path: Path, page_files: Path
) -> None:
    (page_files / "plot.css").unlink()
    target = tmp_path / "astana.html"
    target.write_bytes(b"old page")
    result = runner.invoke(plot_cli, ["plot", "-o", str(target)])
    assert result.exit_code == 5, result.output
    assert result.stderr == (
        f"Error: {page_files / 'plot.css'}: missing from this installation "
        "(No such file or directory)\n"
    )
    assert target.read_bytes() == b"old page"


@pytest.mark.parametrize("suffix", [".png", ".svg", ".html"])
def test_a_bad_rendering_is_not_put_in_place(
    runner: CliRunner,
    plot_cli: KGGroup,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    suffix: str,
) -> None:
    target = tmp_path / f"astana{suffix}"
    target.write_bytes(b"old picture")
    monkeypatch.setattr(
        plot, "render_picture", lambda *args, **kwargs: plot.Drawing(b"<not a picture", ())
    )
    result = runner.invoke(plot_cli, ["plot", "-o", str(target)])
    assert result.exit_code == 5, result.output
    assert result.stderr.startswith(f"Error: {target}: the written copy did not parse back")
    assert target.read_bytes() == b"old picture"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


# --- one actor's neighbourhood, the most central actors ----------------------------------


def test_a_neighbourhood_follows_ties_both_ways() -> None:
    network = star_network(5)  # hub -> l000..l004; l000 -> m00, m01, m02
    assert set(plot_focus.neighbourhood(network, "ck:l000", 0)) == {"ck:l000"}
    assert set(plot_focus.neighbourhood(network, "ck:l000", 1)) == {
        "ck:hub",  # it backs l000: an edge into it
        "ck:l000",
        "ck:m00",
        "ck:m01",
        "ck:m02",
    }
    two = plot_focus.neighbourhood(network, "ck:l000", 2)
    assert set(two) == {"ck:hub", "ck:m00", "ck:m01", "ck:m02"} | {f"ck:l{i:03}" for i in range(5)}
    assert two.number_of_edges() == 8  # every relation among them
    alone = plot_focus.neighbourhood(network, "ck:elsewhere", 2)
    assert list(alone) == ["ck:elsewhere"] and alone.number_of_edges() == 0


def test_the_most_central_have_the_most_partners() -> None:
    network = star_network(20)
    ranked = plot_focus.ranking(network)
    assert ranked[0] == "ck:hub"
    assert ranked[1:11] == [f"ck:l{i:03}" for i in range(10)]  # four partners each
    top = plot_focus.most_central(network, 3)
    assert set(top) == {"ck:hub", "ck:l000", "ck:l001"}
    assert top.number_of_edges() == 2  # the hub's backing of both; nothing else among them
    assert plot_focus.to_label(network, 40) == ranked[:40]


def test_command_draws_one_actors_neighbourhood(
    runner: CliRunner,
    plot_cli: KGGroup,
    tmp_path: Path,
    astana_graph: KnowledgeGraph,
) -> None:
    target = tmp_path / "turkey.html"
    result = runner.invoke(plot_cli, ["plot", "-o", str(target), "--actor", "turkey"])
    assert result.exit_code == 0, result.output
    whole = project(astana_graph)
    turkey = "https://w3id.org/conflict-kg/id/turkey"
    expected = {turkey} | set(whole.successors(turkey)) | set(whole.predecessors(turkey))
    data = embedded_data(target.read_text(encoding="utf-8"))
    assert {n["iri"] for n in data["nodes"]} == expected
    kept = whole.subgraph(expected).number_of_edges()
    assert len(data["edges"]) == kept
    assert result.stderr.splitlines() == [
        f"wrote {target} (html, {target.stat().st_size} bytes: "
        f"{len(expected)} actors, {kept} relations)",
        f"--actor/--hops left out {27 - len(expected)} actors and "
        f"{whole.number_of_edges() - kept} relations",
        "(1 relation left out: 1 ended (--include-ended lists them))",
    ]
    assert "Turkey and the actors within 1 tie" in target.read_text(encoding="utf-8")
    # two hops reach further; --top keeps the most central of them
    result = runner.invoke(
        plot_cli, ["plot", "-o", str(target), "--actor", "Turkey", "--hops", "2", "--top", "4"]
    )
    assert result.exit_code == 0, result.output
    assert "4 actors" in result.stderr
    assert "--actor/--hops and --top left out 23 actors" in result.stderr
    # no hops: the actor alone
    result = runner.invoke(
        plot_cli, ["plot", "-o", str(target), "--actor", "Sergei Lavrov", "--hops", "0"]
    )
    assert result.exit_code == 0, result.output
    assert f"(html, {target.stat().st_size} bytes: 1 actor, 0 relations)" in result.stderr
    [alone] = embedded_data(target.read_text(encoding="utf-8"))["nodes"]
    assert alone["label"] == "Sergei Lavrov"


def test_command_top(runner: CliRunner, plot_cli: KGGroup, tmp_path: Path) -> None:
    target = tmp_path / "top.svg"
    result = runner.invoke(plot_cli, ["plot", "-o", str(target), "--top", "5"])
    assert result.exit_code == 0, result.output
    texts = {"".join(t.itertext()) for t in ElementTree.parse(target).iter(f"{SVG}text")}
    current = project(KnowledgeGraph.open())
    top = {current.nodes[n]["label"] for n in plot_focus.ranking(current)[:5]}
    assert {"Russia", "Syrian government"} <= top <= texts
    assert "Sergei Lavrov" not in texts
    assert "--top left out 22 actors" in result.stderr


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--actor", "Atlantis"], 6, "Error: no actor is called 'Atlantis'"),
        (["--hops", "-1"], 2, "Invalid value for '--hops'"),
        (["--top", "0"], 2, "Invalid value for '--top'"),
        (["--hops", "2"], 2, "Error: --hops counts ties from the actor of --actor; give --actor"),
    ],
)
def test_command_refuses_a_bad_focus(
    runner: CliRunner,
    plot_cli: KGGroup,
    tmp_path: Path,
    args: list[str],
    code: int,
    message: str,
) -> None:
    target = tmp_path / "x.png"
    result = runner.invoke(plot_cli, ["plot", "-o", str(target), *args])
    assert result.exit_code == code, result.output
    assert message in result.stderr and "Traceback" not in result.output
    assert not target.exists()


def test_command_names_the_date_or_period_as_given(
    runner: CliRunner, plot_cli: KGGroup, tmp_path: Path
) -> None:
    target = tmp_path / "page.html"
    for options, note in (
        (["--as-of", "2017"], "as of 2017"),
        (["--as-of", "2017-08"], "as of 2017-08"),
        (["--during", "2016..2017-07"], "during 2016..2017-07"),
    ):
        result = runner.invoke(plot_cli, ["plot", "-o", str(target), *options])
        assert result.exit_code == 0, result.output
        assert f'<p id="note">{note}</p>' in target.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("status", "standing", "line"),
    [
        ("asserted", "current", "current"),
        ("asserted", "last recorded", "current"),
        ("alleged", "current", "alleged"),
        ("ended", "ended", "ended"),
        ("asserted", "ended", "ended"),
        ("alleged", "ended", "ended"),
        ("asserted", "may have ended", "uncertain"),
        ("asserted", "not known after", "uncertain"),
        ("asserted", "may not have started", "uncertain"),
    ],
)
def test_each_standing_has_its_line(status: str, standing: str, line: str) -> None:
    assert plot.edge_line({"status": status, "standing": standing}) == line


def test_a_label_that_turns_text_around_is_isolated_in_longer_texts() -> None:
    """U+202E in a label would turn the rest of a caption or a camp's summary right to
    left; between U+2068 and U+2069 it turns only the label."""
    assert plot.isolated("Syrian government") == "Syrian government"
    assert plot.isolated("\u202egnp.exe") == "\u2068\u202egnp.exe\u2069"
    network = nx.MultiDiGraph()
    network.add_node("ck:a", label="\u202egnp.exe")
    network.add_node("ck:b", label="Beta")
    network.add_edge("ck:a", "ck:b", kind="backs")
    from kg.metrics import Camp

    summary = plot._camp_summary(Camp(1, ["ck:a", "ck:b"], []), network)
    assert "\u2068\u202egnp.exe\u2069" in summary and "Beta" in summary
