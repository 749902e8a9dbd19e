"""The `kg plot` HTML page in a real headless browser (Debian's `chromium` package).

Chromium runs the page and prints the DOM as it stands after the script has run
(``--dump-dom``, with virtual time so that timers and animation frames run at once). With
``--enable-logging=stderr`` every console message of a page, whatever its level, is a line
``...:INFO:CONSOLE(LINE)] "MESSAGE", source: URL (LINE)``; uncaught exceptions and requests
refused by the page's Content-Security-Policy are console messages too. The page itself
logs nothing, so any console line from it fails the test.

Without chromium these tests skip, except under CI (``CI`` set), where they fail: .ci/run
installs chromium before ``make test``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import subprocess
import tempfile
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from test_plot import EVIL_LABEL, EVIL_QUOTE, camps_of, hand_network, star_network

from kg import plot
from kg.cli_common import KGGroup
from kg.cli_network import plot_command
from kg.graph import KnowledgeGraph
from kg.network import project

FLAGS = [
    "--headless",
    "--no-sandbox",  # the tests may run as root, where the sandbox refuses to start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
    "--virtual-time-budget=5000",
    "--window-size=1200,800",
]


@dataclass
class Visit:
    """What the browser made of a page."""

    dom: str
    console: list[str]  # console lines of the page, and any "Uncaught" line

    def body(self) -> dict[str, str]:
        match = re.search(r"<body([^>]*)>", self.dom)
        assert match, self.dom[:500]
        return {k: unescape(v) for k, v in re.findall(r'([\w-]+)="([^"]*)"', match.group(1))}


def visit(chromium: str, page: Path) -> Visit:
    """Open ``page`` in a fresh headless chromium profile; the DOM after its scripts ran."""
    with tempfile.TemporaryDirectory(prefix="kg-chromium-") as profile:
        done = subprocess.run(
            [chromium, *FLAGS, f"--user-data-dir={profile}", "--dump-dom", page.as_uri()],
            capture_output=True,
            text=True,
            timeout=120,
            stdin=subprocess.DEVNULL,
        )
    assert done.returncode == 0, done.stderr[-3000:]
    console = [
        line
        for line in done.stderr.splitlines()
        if ":CONSOLE" in line or "Uncaught" in line or "Refused to" in line
    ]
    return Visit(done.stdout, console)


def node_iris(dom: str) -> list[str]:
    tags = re.findall(r'<g [^>]*class="node[^"]*"[^>]*>', dom)
    return [unescape(re.search(r'data-iri="([^"]*)"', tag).group(1)) for tag in tags]  # type: ignore[union-attr]


# --- the checks themselves can fail ------------------------------------------------------


def test_the_console_check_sees_errors(chromium: str, tmp_path: Path) -> None:
    page = tmp_path / "broken.html"
    page.write_text(
        "<!DOCTYPE html><html><head>"
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "script-src 'unsafe-inline'\"></head><body>"
        "<script>console.error('said by console.error');"
        "fetch('http://127.0.0.1:9/').catch(() => {});"
        "document.body.dataset.rendered = 'true'; notAFunction();</script></body></html>",
        encoding="utf-8",
    )
    seen = visit(chromium, page)
    assert seen.body()["data-rendered"] == "true"
    text = "\n".join(seen.console)
    assert "said by console.error" in text
    assert "Uncaught ReferenceError: notAFunction is not defined" in text
    assert "127.0.0.1:9" in text  # the request the policy refused


# --- the Astana page -------------------------------------------------------------------


def test_astana_page_loads_cleanly_with_one_node_per_actor(
    chromium: str, astana_graph: KnowledgeGraph, tmp_path: Path
) -> None:
    target = tmp_path / "astana.html"
    group = KGGroup(name="kg")
    group.add_command(plot_command)
    result = CliRunner().invoke(group, ["plot", "-o", str(target)])
    assert result.exit_code == 0, result.output
    seen = visit(chromium, target)
    assert seen.console == []
    network = project(astana_graph)
    body = seen.body()
    assert body["data-rendered"] == "true"
    assert body["data-node-count"] == str(network.number_of_nodes())
    assert body["data-edge-count"] == str(network.number_of_edges())
    assert body["data-requests"] == "0"  # the page loaded nothing
    assert "data-error" not in body
    iris = node_iris(seen.dom)
    assert len(iris) == network.number_of_nodes()
    assert set(iris) == set(network)
    assert len(re.findall(r'<g [^>]*class="edge', seen.dom)) == network.number_of_edges()
    # the legend lists each coloured camp, then the others together
    keys = plot.camp_keys(camps_of(network), network)
    listed = re.findall(r'<li data-camp="(\d+|other)"', seen.dom)
    assert listed == [str(k.numbers[0]) for k in keys[:-1]] + ["other"]
    assert keys[-1].colour == plot.OTHER_CAMP_COLOUR


def test_markup_in_labels_and_quotes_stays_text(chromium: str, tmp_path: Path) -> None:
    network = hand_network()
    target = tmp_path / "evil.html"
    target.write_text(plot.html_page(network, camps_of(network)), encoding="utf-8")
    seen = visit(chromium, target)
    # An <img> made from the label would try to load "x": the policy would refuse it, on
    # the console; an inline handler would be refused too.
    assert seen.console == []
    assert seen.body()["data-node-count"] == "5"
    assert "<img" not in seen.dom and "<script>alert" not in seen.dom
    assert "&lt;img src=x onerror=alert(1)&gt;</text>" in seen.dom
    assert EVIL_LABEL in [unescape(t) for t in re.findall(r"<title>([^<]*)</title>", seen.dom)]


# --- interaction, driven by a script added to a copy of the page ---------------------------

HARNESS = r"""
(function () {
  const out = {};
  const body = document.body;
  const rect = (element) => element.getBoundingClientRect();
  // hover over the hostile edge whose quote holds markup
  const target = document.querySelector('.edge[data-source="ck:evil"]');
  const box = rect(target);
  target.dispatchEvent(new PointerEvent("pointerenter", {
    clientX: box.left + box.width / 2, clientY: box.top + box.height / 2 }));
  const tip = document.getElementById("tooltip");
  out.tipShown = !tip.hidden;
  out.tipText = tip.textContent;
  out.tipHasElementsFromData = tip.querySelectorAll("img, script").length;
  // hover over a backing: its kinds of support and its enemy
  const backing = document.querySelector('.edge[data-source="ck:gamma"][data-kind="backs"]');
  backing.dispatchEvent(new PointerEvent("pointerenter", { clientX: 10, clientY: 10 }));
  out.backingTip = [...tip.querySelectorAll("dt")].map((dt) =>
    dt.textContent + ": " + dt.nextElementSibling.textContent);
  // every hostile line is dashed red; arrows only on directed relations
  out.lines = [...document.querySelectorAll(".edge")].map((g) => {
    const line = g.querySelector(".line");
    return [g.dataset.kind, g.dataset.line, line.getAttribute("stroke"),
            line.getAttribute("stroke-dasharray"), line.getAttribute("marker-end")];
  });
  // filter by kind
  const backs = document.querySelector('input[data-kind="backs"]');
  backs.checked = false;
  backs.dispatchEvent(new Event("change"));
  const hidden = () => [...document.querySelectorAll(".edge.hidden")];
  out.hiddenWithoutBacks = hidden().map((g) => g.dataset.kind);
  out.visibleWithoutBacks = body.dataset.visibleEdges;
  backs.checked = true;
  backs.dispatchEvent(new Event("change"));
  // filter by date
  const day = document.getElementById("as-of");
  day.value = "2017-08-01";
  day.dispatchEvent(new Event("input"));
  out.visibleOnDay = body.dataset.visibleEdges;
  out.hiddenOnDay = hidden().map((g) => g.dataset.kind + " " + g.dataset.source);
  out.idleOnDay = [...document.querySelectorAll(".node.idle")].map((g) => g.dataset.iri);
  document.getElementById("all-dates").click();
  out.visibleAllDates = body.dataset.visibleEdges;
  // zoom with the wheel
  const svg = document.getElementById("canvas");
  const viewport = document.getElementById("viewport");
  const before = viewport.getAttribute("transform");
  svg.dispatchEvent(new WheelEvent("wheel", {
    deltaY: -300, clientX: 500, clientY: 300, bubbles: true, cancelable: true }));
  out.zoomed = viewport.getAttribute("transform") !== before;
  // drag a node
  const node = document.querySelector('.node[data-iri="ck:gamma"]');
  const from = node.getAttribute("transform");
  const at = rect(node.querySelector("circle"));
  const options = (dx) => ({ bubbles: true, pointerId: 1, button: 0,
    clientX: at.left + at.width / 2 + dx, clientY: at.top + at.height / 2 + dx });
  node.dispatchEvent(new PointerEvent("pointerdown", options(0)));
  svg.dispatchEvent(new PointerEvent("pointermove", options(80)));
  svg.dispatchEvent(new PointerEvent("pointerup", options(80)));
  out.dragged = node.getAttribute("transform") !== from;
  out.pinned = node.classList.contains("pinned");
  const result = document.createElement("pre");
  result.id = "harness-result";
  result.textContent = JSON.stringify(out);
  body.appendChild(result);
})();
"""


def with_harness(page: str, harness: str = HARNESS) -> str:
    """The page with ``harness`` run after its own script, allowed by its hash in the
    policy."""
    digest = base64.b64encode(hashlib.sha256(harness.encode("utf-8")).digest()).decode()
    page = page.replace("script-src ", f"script-src &#x27;sha256-{digest}&#x27; ", 1)
    return page.replace("</body>", f"<script>{harness}</script>\n</body>", 1)


def harness_result(seen: Visit) -> dict[str, Any]:
    match = re.search(r'<pre id="harness-result">(.*?)</pre>', seen.dom, re.DOTALL)
    assert match, "the harness did not run"
    found: dict[str, Any] = json.loads(unescape(match.group(1)))
    return found


def test_hover_filters_zoom_and_drag(chromium: str, tmp_path: Path) -> None:
    network = hand_network()
    target = tmp_path / "harness.html"
    target.write_text(with_harness(plot.html_page(network, camps_of(network))), encoding="utf-8")
    seen = visit(chromium, target)
    assert seen.console == []
    out = harness_result(seen)
    # the tooltip names the relation, its status and sources, markup left as text
    assert out["tipShown"] is True
    assert f"{EVIL_LABEL} opposes Gamma" in out["tipText"]
    assert "status" in out["tipText"] and "asserted" in out["tipText"]
    assert EVIL_QUOTE in out["tipText"] and "doc/0" in out["tipText"]
    assert out["tipHasElementsFromData"] == 0
    assert "support: training, weapons" in out["backingTip"]
    assert "against: Alpha" in out["backingTip"]
    # vermilion for hostility, arrows for backing only, dots for the ended backing alone
    for kind, line, stroke, dashes, marker in out["lines"]:
        assert (stroke == plot.HOSTILE_COLOUR) == (kind == "opposes")
        assert (dashes is not None) == (line == "ended")
        assert (marker is not None) == (kind == "backs")
    assert [line[:2] for line in out["lines"] if line[3]] == [["backs", "ended"]]
    # unticking "backs" hides both backing edges and nothing else
    assert sorted(out["hiddenWithoutBacks"]) == ["backs", "backs"]
    assert out["visibleWithoutBacks"] == "4"
    # on 2017-08-01 the backing that ended in July 2017 and the hostility that starts in
    # March 2018 are hidden; unknown starts and ends count as open
    assert sorted(out["hiddenOnDay"]) == ["backs ck:alpha", "opposes ck:beta"]
    assert out["visibleOnDay"] == "4"
    assert out["idleOnDay"] == []
    assert out["visibleAllDates"] == "6"
    assert out["zoomed"] is True
    assert out["dragged"] is True and out["pinned"] is True


# --- the search box ----------------------------------------------------------------------

SEARCH = r"""
(function () {
  const out = {};
  const body = document.body;
  const box = document.getElementById("search");
  const shown = (iri) => {
    const text = document.querySelector('.node[data-iri="' + iri + '"] text');
    return getComputedStyle(text).display !== "none";
  };
  const state = () => ({
    matches: body.dataset.matches,
    match: [...document.querySelectorAll(".node.match")].map((g) => g.dataset.iri),
    near: [...document.querySelectorAll(".node.near")].map((g) => g.dataset.iri).sort(),
    ties: document.querySelectorAll(".edge.tie").length,
    searching: document.getElementById("canvas").classList.contains("searching"),
    result: document.getElementById("search-result").textContent,
    listed: [...document.querySelectorAll("#matches button")].map((b) => b.textContent),
    faded: getComputedStyle(document.querySelector('.node[data-iri="ck:l005"]')).opacity,
  });
  out.labelledBefore = document.querySelector('.node[data-iri="ck:m32"]').classList
    .contains("labelled");
  out.shownBefore = shown("ck:m32");
  out.hubShown = shown("ck:hub");
  const type = (text) => { box.value = text; box.dispatchEvent(new Event("input")); };
  type("militia 3.2");  // any part of the name, in any case
  out.one = state();
  out.shownAfter = shown("ck:m32");
  out.transform = document.getElementById("viewport").getAttribute("transform");
  type("MILITIA 3.");
  out.three = state();
  type("nobody");
  out.none = state();
  type("");
  out.cleared = state();
  const result = document.createElement("pre");
  result.id = "harness-result";
  result.textContent = JSON.stringify(out);
  body.appendChild(result);
})();
"""


def test_the_search_box_finds_an_actor_and_highlights_it_and_its_ties(
    chromium: str, tmp_path: Path
) -> None:
    network = star_network(60)  # 91 actors: 40 are named, the militias are not
    target = tmp_path / "search.html"
    target.write_text(
        with_harness(plot.html_page(network, camps_of(network)), SEARCH), encoding="utf-8"
    )
    seen = visit(chromium, target)
    assert seen.console == []
    out = harness_result(seen)
    # Militia 3.2 is not named until it is found
    assert out["labelledBefore"] is False and out["shownBefore"] is False
    assert out["hubShown"] is True
    one = out["one"]
    assert one["matches"] == "1" and one["match"] == ["ck:m32"]
    assert one["near"] == ["ck:l003"]  # its backer
    assert one["ties"] == 1 and one["searching"] is True
    assert one["result"] == "1 actor" and one["listed"] == ["Militia 3.2"]
    assert float(one["faded"]) < 0.5  # an actor neither found nor tied to it fades
    assert out["shownAfter"] is True
    assert "scale(" in out["transform"]  # the view moved to it
    three = out["three"]
    assert three["match"] == ["ck:m30", "ck:m31", "ck:m32"] and three["ties"] == 3
    assert three["listed"] == ["Militia 3.0", "Militia 3.1", "Militia 3.2"]
    none = out["none"]
    assert none["matches"] == "0" and none["match"] == [] and none["ties"] == 0
    assert none["result"] == "no actor's name holds \u201cnobody\u201d"
    cleared = out["cleared"]
    assert cleared["searching"] is False and cleared["match"] == [] and cleared["result"] == ""
    assert float(cleared["faded"]) == 1.0


# --- a relation still recorded where its dataset stops -------------------------------------

COVERAGE = r"""
(function () {
  const out = {};
  const day = document.getElementById("as-of");
  const visible = () => [...document.querySelectorAll(".edge:not(.hidden)")]
    .map((g) => g.dataset.kind + " " + g.dataset.source).sort();
  out.max = day.max;
  day.value = "2019-06-01";
  day.dispatchEvent(new Event("input"));
  out.in2019 = visible();
  const result = document.createElement("pre");
  result.id = "harness-result";
  result.textContent = JSON.stringify(out);
  document.body.appendChild(result);
})();
"""


def test_a_relation_open_at_the_end_of_coverage_stays_on_the_page_after_it(
    chromium: str, tmp_path: Path
) -> None:
    """Alpha and Gamma allied until 2017, the last year their dataset covers (open at its
    end); Gamma's backing of Beta ended in 2017. As of 2019 the alliance is still drawn
    (the reports say "not known after 2017"), the backing is not."""
    network = hand_network()
    for _u, _v, data in network.edges(data=True):
        if data["kind"] == "allied with":
            data.update(end="2017", end_day="2017-12-31", open_at_coverage_end=True)
        if data["kind"] == "backs" and data.get("support"):
            data.update(end="2017", end_day="2017-12-31")
    target = tmp_path / "coverage.html"
    page = plot.html_page(network, camps_of(network))
    target.write_text(with_harness(page, COVERAGE), encoding="utf-8")
    seen = visit(chromium, target)
    assert seen.console == []
    out = harness_result(seen)
    assert out["max"] == ""  # the date may go past the coverage
    assert "allied with ck:alpha" in out["in2019"]
    assert "backs ck:gamma" not in out["in2019"]
