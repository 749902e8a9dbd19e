"""The JSON the page of `kg serve` reads (/api/...) gives the CLI's answers: the same rows
for the same filters, in memory and on an Oxigraph store; bad values get one line."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import StoreRig

from kg import resources
from kg.cli import cli
from kg.graph import KnowledgeGraph, StoreSpec
from kg.loading import load_store
from kg.web.server import running


def get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture(scope="module")
def store_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("serve-store") / "store"
    load_store(StoreSpec(folder=folder), list(resources.data_files()), reference=False)
    return folder


@pytest.fixture(scope="module", params=["memory", "oxigraph"])
def served(
    request: pytest.FixtureRequest, store_folder: Path
) -> Iterator[tuple[str, dict[str, str]]]:
    """(the server's URL, the environment that points the CLI at the same graph)."""
    if request.param == "memory":
        graph, env = KnowledgeGraph.open(), {}
    else:
        spec = StoreSpec(folder=store_folder)
        graph, env = KnowledgeGraph.open(store=spec), {"KG_STORE": str(store_folder)}
    try:
        with running(graph, plot_top=4) as url:
            yield url, env
    finally:
        graph.close()


def cli_text(env: dict[str, str], *args: str) -> str:
    done = CliRunner().invoke(cli, list(args), env=env)
    assert done.exit_code == 0, done.output
    return done.stdout


def api(url: str, path: str, **params: Any) -> Any:
    query = urllib.parse.urlencode(params, doseq=True)
    status, _headers, body = get(f"{url}{path}?{query}")
    assert status == 200, body
    return json.loads(body)


# --- the same answers as the CLI ------------------------------------------------------------

BACKER_FILTERS = [
    ({}, []),
    ({"include_ended": "1"}, ["--include-ended"]),
    ({"as_of": "2017-09-01"}, ["--as-of", "2017-09-01"]),
    ({"as_of": "2017-12", "include_ended": "true"}, ["--as-of", "2017-12", "--include-ended"]),
    ({"during": "2016..2017-06", "include_ended": "1"},
     ["--during", "2016..2017-06", "--include-ended"]),
    ({"of": "rebel groups"}, ["--of", "rebel groups"]),
    ({"by": "Türkiye"}, ["--by", "Türkiye"]),
    ({"kind": "troops", "include_ended": "1"}, ["--kind", "troops", "--include-ended"]),
    ({"source": "article-000"}, ["--source", "article-000"]),
    ({"source": ["article-000", "article-004"]},
     ["--source", "article-000", "--source", "article-004"]),
]  # fmt: skip


@pytest.mark.parametrize(("params", "options"), BACKER_FILTERS)
def test_backers_are_the_rows_of_the_cli(
    served: tuple[str, dict[str, str]], params: dict[str, Any], options: list[str]
) -> None:
    url, env = served
    page = api(url, "/api/backers", **params)
    expected = json.loads(cli_text(env, "report", "backers", *options, "--format", "json"))
    assert page["rows"] == expected
    assert isinstance(page["notes"], list)


def test_the_filters_change_the_rows(served: tuple[str, dict[str, str]]) -> None:
    url, _env = served
    now = api(url, "/api/backers")["rows"]
    every = api(url, "/api/backers", include_ended="1")["rows"]
    troops = api(url, "/api/backers", kind="troops", include_ended="1")["rows"]
    assert len(every) > len(now) > 0
    assert 0 < len(troops) < len(every)
    assert all("troops" in row["support"] for row in troops)
    # the note says what was left out, as under the CLI's table
    assert any("--include-ended" in note for note in api(url, "/api/backers")["notes"])


def test_downloads_are_the_cli_text(served: tuple[str, dict[str, str]]) -> None:
    url, env = served
    for fmt in ("csv", "json"):
        status, headers, body = get(f"{url}/api/backers.{fmt}?as_of=2017-09-01&include_ended=1")
        assert status == 200
        assert headers["Content-Disposition"] == f'attachment; filename="who-backs-whom.{fmt}"'
        assert headers["Content-Type"].startswith(
            "text/csv" if fmt == "csv" else "application/json"
        )
        expected = cli_text(
            env, "report", "backers", "--as-of", "2017-09-01", "--include-ended", "--format", fmt
        )
        assert body.decode("utf-8") == expected


@pytest.mark.parametrize(
    ("name", "options"), [("Damascus", []), ("de Mistura", []), ("Iran", ["--as-of", "2017-09"])]
)
def test_actor_is_the_cli_profile(
    served: tuple[str, dict[str, str]], name: str, options: list[str]
) -> None:
    url, env = served
    params = {"actor": name} | ({"as_of": options[1]} if options else {})
    profile = api(url, "/api/actor", **params)
    assert profile == json.loads(
        cli_text(env, "report", "actor", name, *options, "--format", "json")
    )
    assert profile["relations"], "every actor asked here has relations"


def test_damascus_is_the_syrian_government_with_its_quotes(
    served: tuple[str, dict[str, str]],
) -> None:
    url, _env = served
    found = api(url, "/api/search", q="Damascus")
    assert "Syrian government" in [row["label"] for row in found["rows"]]
    profile = api(url, "/api/actor", actor="ck:syrian-government")
    assert profile["label"] == "Syrian government"
    quotes = [s["quote"] for r in profile["relations"] for s in r["sources"] if s.get("quote")]
    assert any("Bouthaina Shaaban" in quote for quote in quotes)
    directions = {r["direction"] for r in profile["relations"]}
    assert directions == {"in", "out"}


def test_search_is_the_cli_search(served: tuple[str, dict[str, str]]) -> None:
    url, env = served
    for text in ("Damascus", "türk", "government of"):
        page = api(url, "/api/search", q=text)
        assert page["rows"] == json.loads(
            cli_text(env, "actors", "search", text, "--format", "json")
        )
    assert len(api(url, "/api/search", q="a", limit="2")["rows"]) == 2


def test_validation_and_stats_are_the_cli_documents(served: tuple[str, dict[str, str]]) -> None:
    url, env = served
    checked = api(url, "/api/validation")
    assert checked.pop("checked_at") and checked.pop("seconds") >= 0
    assert checked == json.loads(cli_text(env, "validate", "--format", "json"))
    assert checked["conforms"] is True
    assert api(url, "/api/stats") == json.loads(cli_text(env, "stats", "--format", "json"))


def test_info_fills_the_filters(served: tuple[str, dict[str, str]]) -> None:
    url, _env = served
    info = api(url, "/api/info")
    assert info["store"] in ("memory", "oxigraph")
    assert info["triples"] > 1000 and info["token"] is False
    assert {
        "id": "ck:article-000",
        "label": "Sixth round of Syria peace talks opens in Astana",
    } in info["sources"]
    assert {"support", "alliance", "opposition"} <= set(info["kinds"])
    assert "troops" in info["support_kinds"]
    # every kind and source offered is one the backers filter takes
    for kind in [*info["kinds"], *info["support_kinds"]][:6]:
        status, _h, body = get(f"{url}/api/backers?kind={urllib.parse.quote(kind)}")
        assert status == 200, body


def _plot_nodes(page: bytes) -> list[str]:
    match = re.search(rb'<script type="application/json" id="kg-data">(.*?)</script>', page, re.S)
    assert match, page[:300]
    data = json.loads(match.group(1).decode("utf-8").replace("\\u003c", "<"))
    return [node["iri"] for node in data["nodes"]]


def test_plot_is_the_page_of_kg_plot_cut_to_the_most_central(
    served: tuple[str, dict[str, str]],
) -> None:
    url, _env = served
    status, headers, page = get(f"{url}/api/plot?include_ended=1")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert b"Content-Security-Policy" in page  # the page's own policy, as kg plot writes it
    assert len(_plot_nodes(page)) == 4  # the server's plot_top: the 4 most central
    assert b"the 4 actors with the most partners" in page
    status, _h, wide = get(f"{url}/api/plot?include_ended=1&top=12")
    assert status == 200 and len(_plot_nodes(wide)) == 12
    status, _h, iran = get(f"{url}/api/plot?actor=Iran&hops=1&top=50&include_ended=1")
    assert status == 200 and "https://w3id.org/conflict-kg/id/iran" in _plot_nodes(iran)


# --- one line for a bad value ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "status", "words"),
    [
        ("/api/actor?actor=Nobody%20at%20all", 404, "no actor is called 'Nobody at all'"),
        ("/api/actor", 400, "actor: give an actor"),
        ("/api/backers?as_of=20xx", 400, "as_of: '20xx' is not a date"),
        ("/api/backers?as_of=2017&during=2016..2017", 400, "give as_of or during, not both"),
        ("/api/backers?include_ended=perhaps", 400, "include_ended='perhaps'"),
        ("/api/backers?of=Narnia", 404, "no actor is called 'Narnia'"),
        ("/api/backers?kind=kisses", 404, "kind of relation or support"),
        ("/api/backers?of=a&of=b", 400, "give the parameter 'of' once"),
        ("/api/plot?hops=many", 400, "hops='many' is not a whole number"),
        ("/api/plot?top=0", 400, "top=0: give a number from 1"),
        ("/api/search?q=", 400, "q: give some letters"),
        ("/api/nothing", 404, "nothing is served at /api/nothing"),
    ],
)
def test_bad_values_get_one_json_line(
    served: tuple[str, dict[str, str]], path: str, status: int, words: str
) -> None:
    url, _env = served
    got, headers, body = get(url + path)
    assert got == status, body
    assert headers["Content-Type"].startswith("application/json")
    message = json.loads(body)["error"]
    assert words in message and "\n" not in message and "Traceback" not in message


def test_the_api_only_reads(served: tuple[str, dict[str, str]]) -> None:
    url, _env = served
    request = urllib.request.Request(f"{url}/api/backers", data=b"x=1", method="POST")
    try:
        urllib.request.urlopen(request, timeout=10)
        raise AssertionError("POST was answered")
    except urllib.error.HTTPError as error:
        assert error.code == 405 and error.headers["Allow"] == "GET, HEAD"


def test_on_a_sparql_server_the_same_answers(
    store_rigs: dict[str, StoreRig],
    tmp_path_factory: pytest.TempPathFactory,
    virtuoso_server: Any,
) -> None:
    """kg serve --endpoint: the reports read one at a time through the server's connection,
    the queries in their own processes; the answers are the CLI's on the same server."""
    if "endpoint" not in store_rigs:
        store_rigs["endpoint"] = StoreRig(
            "endpoint", tmp_path_factory.mktemp("endpoint"), virtuoso_server
        )
    rig = store_rigs["endpoint"]
    found = rig.environment(["report", "backers"])  # the bundled data, loaded once
    assert found is not None
    _args, env = found
    graph = KnowledgeGraph.open(store=rig.spec(()))
    try:
        with running(graph) as url:
            page = api(url, "/api/backers", include_ended="1")
            expected = cli_text(env, "report", "backers", "--include-ended", "--format", "json")
            assert page["rows"] == json.loads(expected) and page["rows"]
            profile = api(url, "/api/actor", actor="Damascus")
            assert profile == json.loads(
                cli_text(env, "report", "actor", "Damascus", "--format", "json")
            )
            status, headers, body = get(
                f"{url}/queries/who-backs-whom?backer=ck:turkey", Accept="text/csv"
            )
            assert status == 200 and headers["Content-Type"].startswith("text/csv")
            assert "Syrian armed opposition" in body.decode("utf-8")
    finally:
        graph.close()
