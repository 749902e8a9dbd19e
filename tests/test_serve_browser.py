"""The page of `kg serve` in a real headless browser (Debian's `chromium` package).

The server runs in this process (``kg.web.server.running``) on the bundled Astana data; one
chromium, driven over the DevTools protocol (tests/cdp.py), types, clicks and reads the page
as a reader would, and what it reads is compared with what the CLI and the library answer.
Every console message, uncaught exception, refused or failed request and dialog of the page
fails a test (the first test shows that the watch sees them).

Without chromium these tests skip, except under CI (``CI`` set), where they fail: .ci/run
installs chromium before ``make test``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from cdp import Browser, Tab
from click.testing import CliRunner
from rdflib import Literal
from test_plot import EVIL_LABEL, EVIL_QUOTE
from test_plot_browser import FLAGS

from kg import reports
from kg.cli import cli
from kg.graph import KnowledgeGraph
from kg.matching import search
from kg.network import project
from kg.periods import as_when
from kg.selection import Scope
from kg.stats import graph_stats
from kg.web.server import running

TESTS = Path(__file__).resolve().parent

# --dump-dom's virtual time would run the page's timers at once and then stop the clock:
# here the page runs in real time, driven from outside.
BROWSER_FLAGS = [flag for flag in FLAGS if not flag.startswith("--virtual-time-budget")]

TOKEN = "not-so-secret"
SETTLED = "document.body.dataset.busy === '0'"


@pytest.fixture(scope="module")
def servers(astana_graph: KnowledgeGraph, evil_graph: KnowledgeGraph) -> Iterator[dict[str, str]]:
    """The URLs of a server on the Astana data, of one on markup-laden data and of one on
    the Astana data that asks for a token."""
    with (
        running(astana_graph, token=None) as astana,
        running(evil_graph, token=None) as evil,
        running(astana_graph, token=TOKEN) as with_token,
    ):
        yield {"astana": astana, "evil": evil, "token": with_token}


@pytest.fixture(scope="module")
def browser(chromium: str, servers: dict[str, str]) -> Iterator[Browser]:
    # Started after the servers and so closed before them: its open connections do not
    # keep a server waiting to stop.
    with Browser(chromium, BROWSER_FLAGS) as started:
        yield started


@pytest.fixture(scope="module")
def astana_url(servers: dict[str, str]) -> str:
    return servers["astana"]


@pytest.fixture
def tab(browser: Browser) -> Iterator[Tab]:
    opened = browser.new_tab()
    yield opened
    opened.close()


def settle(tab: Tab, view: str) -> None:
    """Wait until the page shows ``view`` with nothing under way."""
    tab.wait_for(f"document.body.dataset.view === {json.dumps(view)} && {SETTLED}")


def arrive(tab: Tab, route: str) -> None:
    """Wait until the page shows the view of ``route`` (a hash) with nothing under way."""
    tab.wait_for(f"document.body.dataset.route === {json.dumps(route)} && {SETTLED}")


def texts(tab: Tab, selector: str) -> list[str]:
    found: list[str] = tab.evaluate(
        f"[...document.querySelectorAll({json.dumps(selector)})].map((e) => e.textContent)"
    )
    return found


def table_rows(tab: Tab) -> list[dict[str, Any]]:
    """The rows of the who-backs-whom table: the IRIs, the labels shown and the standing."""
    found: list[dict[str, Any]] = tab.evaluate(
        """[...document.querySelectorAll("#backers tbody tr")].map((tr) => ({
             backer: tr.dataset.backer, recipient: tr.dataset.recipient,
             labels: [...tr.querySelectorAll("a.actor-link")].map((a) => a.textContent),
             standing: tr.cells[7].textContent,
             quotes: [...tr.querySelectorAll("blockquote")].map((q) => q.textContent)}))"""
    )
    return found


def expected_rows(graph: KnowledgeGraph, **options: Any) -> list[dict[str, Any]]:
    return [
        {
            "backer": row["backer"],
            "recipient": row["recipient"],
            "labels": [row["backer_label"], row["recipient_label"]],
            "standing": row["standing"],
            "quotes": [source["quote"] for source in row["sources"]],
        }
        for row in reports.backers(graph, **options).to_records()
    ]


def kg_stdout(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def set_as_of(tab: Tab, value: str) -> None:
    """Empty the as-of field and type ``value`` in it, as a reader would."""
    tab.click("#as-of")
    tab.evaluate("document.getElementById('as-of').select()")
    tab.type(value)


# --- the watch itself can fail -----------------------------------------------------------


def test_the_watch_sees_console_errors_exceptions_failed_requests_and_dialogs(
    tab: Tab, astana_url: str
) -> None:
    tab.open(
        "data:text/html,<p id=done>x</p><script>console.error('said by console.error');"
        f"fetch('{astana_url}/api/nothing-here').catch(() => {{}});"
        "alert('an alert'); notAFunction();</script>"
    )
    assert tab.evaluate("document.getElementById('done').textContent") == "x"
    deadline = time.monotonic() + 10
    while len(tab.problems()) < 4 and time.monotonic() < deadline:
        time.sleep(0.05)
    problems = "\n".join(tab.problems())
    assert "console.error: said by console.error" in problems
    assert "ReferenceError: notAFunction is not defined" in problems
    assert "dialog alert: an alert" in problems
    assert f"{astana_url}/api/nothing-here" in problems  # refused by the page's origin rules


# --- the scenario of the issue -----------------------------------------------------------


def test_find_damascus_read_a_quote_and_see_who_backs_whom_change_with_the_date(
    tab: Tab, astana_url: str, astana_graph: KnowledgeGraph
) -> None:
    tab.open(astana_url + "/")
    settle(tab, "search")
    assert "triples" in tab.evaluate("document.getElementById('info').textContent")
    # what the data holds, as `kg stats` counts it
    counted = graph_stats(astana_graph).to_record()["actors_by_type"]
    assert texts(tab, "#stats-actors tbody td") == [
        text for r in counted for text in (r["type_label"], str(r["actors"]))
    ]

    # search "Damascus" as one types it: the actors any of whose names holds it
    tab.click("#search")
    tab.type("Damascus")
    arrive(tab, "#/search?q=Damascus")
    listed = texts(tab, "#matches a")
    assert "Syrian government" in listed
    assert listed == [row["label"] for row in search(astana_graph, "Damascus").to_records()]

    # open the Syrian government: its names, and each relation with its sources' quotes
    tab.click('#matches a[href="#/actor/ck:syrian-government"]')
    settle(tab, "actor")
    assert tab.evaluate("location.hash") == "#/actor/ck:syrian-government"
    assert tab.evaluate("document.getElementById('actor-label').textContent") == (
        "Syrian government"
    )
    profile = json.loads(kg_stdout("report", "actor", "ck:syrian-government", "--format", "json"))
    facts = " ".join(texts(tab, "#actor-facts dd"))
    assert "Damascus" in facts and "دمشق" in facts
    shown = tab.evaluate(
        """[...document.querySelectorAll("#relations tbody tr")].map((tr) => [
             tr.dataset.other, tr.querySelector("a.actor-link").textContent,
             [...tr.querySelectorAll("blockquote")].map((q) => q.textContent)])"""
    )
    assert shown == [
        [r["other"], r["other_label"], [s["quote"] for s in r["sources"]]]
        for r in profile["relations"]
    ]
    quote = (
        "Iran and Russia are allies of the Syrian government, while Turkey supports several "
        "anti-Damascus armed groups."
    )
    assert quote in texts(tab, "#relations blockquote")
    assert tab.evaluate(
        "document.querySelector('#relations blockquote').getBoundingClientRect().height > 0"
    )

    # who backs whom: with no date the relations holding now; as of June 2017 also the
    # backing that ended in July 2017; as of September 2017 not it, unless ended ones are
    # asked for
    tab.click("#nav-backers")
    settle(tab, "backers")
    assert table_rows(tab) == expected_rows(astana_graph)
    assert len(table_rows(tab)) == 2

    set_as_of(tab, "2017-06")
    arrive(tab, "#/backers?as_of=2017-06")
    in_june = table_rows(tab)
    assert in_june == expected_rows(astana_graph, as_of="2017-06")
    assert len(in_june) == 3

    set_as_of(tab, "2017-09-01")
    tab.press("Enter")
    arrive(tab, "#/backers?as_of=2017-09-01")
    assert table_rows(tab) == expected_rows(astana_graph, as_of="2017-09-01")
    assert len(table_rows(tab)) == 2

    tab.click("#include-ended")
    arrive(tab, "#/backers?as_of=2017-09-01&include_ended=1")
    with_ended = table_rows(tab)
    assert with_ended == expected_rows(astana_graph, as_of="2017-09-01", include_ended=True)
    assert [row["standing"] for row in with_ended].count("ended") == 1
    notes = reports.backers(astana_graph, as_of="2017-09-01", include_ended=True).notes
    assert texts(tab, "#backers-notes li") == list(notes)

    # the downloads carry the same filters and answer what the CLI writes
    for link, fmt in (("download-csv", "csv"), ("download-json", "json")):
        href = tab.evaluate(f"document.getElementById('{link}').href")
        parts = urlsplit(href)
        assert parts.path == f"/api/backers.{fmt}"
        assert parse_qs(parts.query) == {"as_of": ["2017-09-01"], "include_ended": ["1"]}
        downloaded = tab.evaluate(f"fetch({json.dumps(href)}).then((r) => r.text())")
        cli_said = kg_stdout(
            "report", "backers", "--as-of", "2017-09-01", "--include-ended", "--format", fmt
        )
        assert downloaded == cli_said

    # the network of the same selection, in its frame
    tab.click("#nav-network")
    settle(tab, "network")
    frame = "document.getElementById('network-frame')"
    source = urlsplit(tab.evaluate(f"{frame}.src"))
    assert source.path == "/api/plot"
    assert parse_qs(source.query) == {"as_of": ["2017-09-01"], "include_ended": ["1"]}
    tab.wait_for(f"{frame}.contentDocument.body.dataset.rendered === 'true'")
    network = project(astana_graph, as_of=as_when("2017-09-01"), include_ended=True)
    assert tab.evaluate(f"{frame}.contentDocument.body.dataset.nodeCount") == str(
        network.number_of_nodes()
    )

    # who backs an actor: its network is drawn around it
    tab.evaluate("location.hash = '#/backers?of=Syrian%20government'")
    arrive(tab, "#/backers?of=Syrian%20government")
    settle(tab, "backers")
    link = urlsplit(tab.evaluate("document.getElementById('nav-network').href"))
    assert parse_qs(link.fragment.split("?", 1)[1]) == {
        "of": ["Syrian government"],
        "actor": ["Syrian government"],
    }

    # the validation of the bundled data
    tab.click("#nav-validation")
    settle(tab, "validation")
    summary = tab.evaluate("document.getElementById('validation-summary').textContent")
    assert summary.startswith("The data conforms to the shapes")
    assert tab.evaluate("document.body.dataset.conforms") == "true"
    assert tab.evaluate("document.getElementById('violations').hidden") is True

    assert tab.evaluate("document.body.dataset.error") is None
    assert tab.problems() == []
    # everything came from the server: the page works without any network
    asked = tab.requests()
    elsewhere = [u for u in asked if not u.startswith((astana_url + "/", "data:"))]
    assert elsewhere == []
    assert {urlsplit(u).path for u in asked} >= {
        "/",
        "/assets/app.js",
        "/assets/app.css",
        "/api/info",
        "/api/stats",
        "/api/search",
        "/api/actor",
        "/api/backers",
        "/api/backers.csv",
        "/api/backers.json",
        "/api/plot",
        "/api/validation",
    }


def test_a_shared_link_opens_the_same_selection_and_the_lists_filter_it(
    tab: Tab, astana_url: str, astana_graph: KnowledgeGraph
) -> None:
    tab.open(astana_url + "/#/backers?by=ck:united-states&as_of=2017-06")
    settle(tab, "backers")
    assert tab.evaluate("document.getElementById('by').value") == "ck:united-states"
    assert tab.evaluate("document.getElementById('as-of').value") == "2017-06"
    rows = table_rows(tab)
    assert rows == expected_rows(astana_graph, by="ck:united-states", as_of="2017-06")
    assert len(rows) == 2

    # the lists come from the server (api/info): a source and a kind of support
    tab.open(astana_url + "/#/backers?source=ck:article-000")
    settle(tab, "backers")
    chosen = "[...document.getElementById('source').selectedOptions].map((o) => o.value)"
    tab.wait_for(f"{chosen}.length === 1")
    assert tab.evaluate(chosen) == ["ck:article-000"]
    assert table_rows(tab) == expected_rows(astana_graph, scope=Scope.of(source="ck:article-000"))
    tab.click('#kind option[value="troops"]')
    arrive(tab, "#/backers?kind=troops&source=ck:article-000")
    rows = table_rows(tab)
    assert rows == expected_rows(
        astana_graph, scope=Scope.of(source="ck:article-000", kind="troops")
    )
    assert [row["labels"] for row in rows] == [["United States", "Kurdish-led militias"]]
    assert tab.problems() == []


def test_with_a_token_the_page_opened_with_it_works(
    tab: Tab, servers: dict[str, str], astana_graph: KnowledgeGraph
) -> None:
    url = servers["token"]
    tab.open(url + f"/?token={TOKEN}")
    assert tab.evaluate("location.href") == url + "/"  # the token is not left in the address
    settle(tab, "search")
    tab.evaluate("location.hash = '#/backers'")
    arrive(tab, "#/backers")
    assert table_rows(tab) == expected_rows(astana_graph)
    assert tab.problems() == []


def test_an_error_of_the_server_is_one_line_on_the_page(tab: Tab, astana_url: str) -> None:
    tab.open(astana_url + "/#/backers")
    settle(tab, "backers")
    set_as_of(tab, "2017-02-30")  # looks like a date; the server says it is none
    tab.press("Enter")
    message = tab.wait_for(f"{SETTLED} && document.body.dataset.error")
    assert "2017-02-30" in message and "\n" not in message
    line = tab.evaluate(
        "(() => { const e = document.getElementById('error');"
        " return [e.hidden, e.textContent, e.getClientRects().length]; })()"
    )
    assert line == [False, message, 1]
    # an actor no name finds: the server's 404, said the same way
    tab.evaluate("location.hash = '#/actor/Atlantis'")
    arrive(tab, "#/actor/Atlantis")
    said = tab.wait_for("document.body.dataset.error")
    assert "Atlantis" in said and said == tab.evaluate(
        "document.getElementById('error').textContent"
    )
    # the server's answers are the only things that went wrong: no dialog, no exception
    problems = tab.problems()
    answers = [p for p in problems if p.startswith("HTTP ")]
    assert answers == [
        f"HTTP 400: {astana_url}/api/backers?as_of=2017-02-30",
        f"HTTP 404: {astana_url}/api/actor?actor=Atlantis",
    ]
    others = [p for p in problems if not p.startswith("HTTP ")]
    assert len(others) == 2, problems
    assert all(p.startswith("log error: Failed to load resource") for p in others), problems


def test_keyboard_alone_and_a_narrow_screen(tab: Tab, astana_url: str) -> None:
    tab.call(
        "Emulation.setDeviceMetricsOverride",
        {"width": 360, "height": 740, "deviceScaleFactor": 1, "mobile": True},
    )
    tab.open(astana_url + "/")
    settle(tab, "search")
    tab.evaluate("document.getElementById('search').focus()")
    tab.type("turk")
    arrive(tab, "#/search?q=turk")
    tab.press("ArrowDown")
    assert tab.evaluate("document.activeElement.textContent") == "Turkey"
    tab.press("Enter")
    settle(tab, "actor")
    assert tab.evaluate("location.hash") == "#/actor/ck:turkey"
    assert tab.evaluate("document.activeElement.id") == "actor-label"
    tab.evaluate("history.back()")  # the browser's Back: the matches again
    arrive(tab, "#/search?q=turk")
    assert "Turkey" in texts(tab, "#matches a")
    # nothing wider than the screen: the tables stack their cells
    for hash_ in ("#/actor/ck:syrian-government", "#/backers?include_ended=1", "#/validation"):
        tab.evaluate(f"location.hash = {json.dumps(hash_)}")
        arrive(tab, hash_)
        assert tab.evaluate("document.documentElement.scrollWidth") <= 360, hash_
    assert tab.problems() == []


# --- markup in the data stays text -------------------------------------------------------


SPOOF = Literal("\u202egnp.exe", lang="en")


@pytest.fixture(scope="module")
def evil_graph(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeGraph:
    """tiny.ttl with Beta's name, a quote and the document's title made of markup."""
    text = (TESTS / "data" / "tiny.ttl").read_text(encoding="utf-8")
    beta = Literal(EVIL_LABEL, lang="en").n3()
    text = text.replace('"Beta Front"@en', f'{beta} ; skos:altLabel {SPOOF.n3()}, "Beta"@en')
    text = text.replace('"Gamma supports Beta."', Literal(EVIL_QUOTE).n3())
    text = text.replace('"A test article"@en', Literal(EVIL_LABEL + " title", lang="en").n3())
    path = tmp_path_factory.mktemp("evil") / "evil.ttl"
    path.write_text(text, encoding="utf-8")
    return KnowledgeGraph.open([path])


def test_markup_in_labels_and_quotes_stays_text(tab: Tab, servers: dict[str, str]) -> None:
    url = servers["evil"]
    tab.open(url + "/")
    settle(tab, "search")
    tab.click("#search")
    tab.type("onerror")
    arrive(tab, "#/search?q=onerror")
    assert texts(tab, "#matches a") == [EVIL_LABEL]
    tab.click("#matches a")
    settle(tab, "actor")
    assert tab.evaluate("document.getElementById('actor-label').textContent") == EVIL_LABEL
    assert tab.evaluate("document.title") == EVIL_LABEL + " \u2014 conflict-kg"
    # a name that turns text right to left (U+202E) is isolated: it turns no other name
    names = tab.evaluate("document.getElementById('actor-facts').textContent")
    assert f"\u2068{SPOOF}\u2069" in names and "Beta" in names, names
    assert EVIL_QUOTE in texts(tab, "#relations blockquote")
    assert EVIL_LABEL + " title" in texts(tab, "#relations cite")
    tab.click("#nav-backers")
    settle(tab, "backers")
    assert EVIL_QUOTE in texts(tab, "#backers blockquote")
    assert EVIL_LABEL in texts(tab, "#backers a.actor-link")
    # nothing from the data became an element: no <img> tried to load "x", no script ran
    assert tab.evaluate("document.querySelectorAll('img, main script').length") == 0
    assert tab.problems() == []
