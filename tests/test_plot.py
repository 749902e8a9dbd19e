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

from kg import plot
from kg.cli_common import KGGroup
from kg.cli_network import plot_command
from kg.errors import OutputError
from kg.graph import KnowledgeGraph
from kg.metrics import Camp, camps
from kg.network import project, signed_graph

SVG = "{http://www.w3.org/2000/svg}"
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
) -> None:
    """An edge with every attribute that kg.network.project gives one."""
    documents = [f"https://example.org/doc/{i}" for i in range(len(quotes))]
    network.add_edge(
        u,
        v,
        kind=kind,
        claim_class=f"https://w3id.org/conflict-kg/ontology#{kind.title().replace(' ', '')}",
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
    add_relation(network, "ck:gamma", "ck:beta", "backs", directed=True, quotes=("Gamma helps.",))
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
    # one group of nodes per camp, one edge group per relation
    found = camps_of(astana_network)
    ids = {g.get("id") for g in root.iter(f"{SVG}g")}
    assert {f"camp-{c.number}" for c in found} <= ids
    assert len(svg_edges(content)) == astana_network.number_of_edges()


def test_svg_styles_each_edge_from_its_data() -> None:
    network = hand_network()
    edges = svg_edges(plot.draw(network, camps_of(network), "svg"))
    by_style: dict[str, list[str]] = {}
    for gid in edges:
        by_style.setdefault(gid.split("-")[2], []).append(gid)
    # two hostile relations, dashed red; no other line is red or dashed
    assert len(by_style["hostile"]) == 2
    for gid, group in edges.items():
        line = styles(group)[0]
        if gid.split("-")[2] == "hostile":
            assert "stroke: #d62728" in line and "stroke-dasharray" in line, line
        else:
            assert "#d62728" not in line and "stroke-dasharray" not in line, line
    # the structural link is lighter and thinner than the cooperative ones
    [structural] = by_style["structural"]
    assert f"stroke: {plot.STRUCTURAL_COLOUR}" in styles(edges[structural])[0]
    assert "stroke-width: 1.6" not in styles(edges[structural])[0]
    for gid in by_style["cooperative"]:
        assert f"stroke: {plot.COOPERATIVE_COLOUR}" in styles(edges[gid])[0]
        assert "stroke-width: 1.6" in styles(edges[gid])[0]
    # backing has an arrow head (a second path); alliance and hostility are plain lines
    shapes = {gid: gid.split("-")[3] for gid in edges}
    assert sorted(shapes.values()).count("arrow") == 2
    for gid, shape in shapes.items():
        assert len(styles(edges[gid])) == (2 if shape == "arrow" else 1), gid


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
    assert [c["number"] for c in data["camps"]] == [c.number for c in found]
    [turkey_backs] = [
        e for e in data["edges"] if e["source"].endswith("/turkey") and e["kind"] == "backs"
    ]
    assert turkey_backs["directed"] is True and turkey_backs["style"] == "cooperative"
    assert [s["title"] for s in turkey_backs["sources"]] == [
        "ck:article-000",
        titles["https://w3id.org/conflict-kg/id/article-004"],
    ]
    assert (
        "Turkey supports several anti-Damascus armed groups" in turkey_backs["sources"][1]["quote"]
    )
    hostile = [e for e in data["edges"] if e["sign"] < 0]
    assert hostile and all(e["style"] == "hostile" for e in hostile)


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
        rf"wrote {re.escape(str(target))} \({suffix[1:]}, \d+ bytes: 27 actors, 24 relations\)\n",
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

    monkeypatch.setattr(plot, "draw", broken)
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
    monkeypatch.setattr(plot, "render", lambda *args, **kwargs: b"<not a picture")
    result = runner.invoke(plot_cli, ["plot", "-o", str(target)])
    assert result.exit_code == 5, result.output
    assert result.stderr.startswith(f"Error: {target}: the written copy did not parse back")
    assert target.read_bytes() == b"old picture"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]
