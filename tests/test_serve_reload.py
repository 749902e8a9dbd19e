"""kg serve --store: a `kg load` that finishes while the server runs is seen by the next
request, in full; a request that began before it reads the store as it was; the database
the load replaced is released."""

from __future__ import annotations

import json
import threading
import urllib.parse
import urllib.request
from pathlib import Path

from kg import resources
from kg.graph import KnowledgeGraph, StoreSpec
from kg.loading import load_store
from kg.web.app import store_version
from kg.web.server import running

ZORK = """@prefix ck: <https://w3id.org/conflict-kg/id/> .
@prefix ckg: <https://w3id.org/conflict-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ck:zork-front a ckg:RebelGroup ; rdfs:label "Zork Liberation Front"@en .
"""


def search(url: str, text: str) -> list[str]:
    query = urllib.parse.urlencode({"q": text})
    with urllib.request.urlopen(f"{url}/api/search?{query}", timeout=60) as answer:
        return [row["label"] for row in json.loads(answer.read())["rows"]]


def databases(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("oxigraph"))


def test_a_load_while_serving_is_seen_whole_by_the_next_request(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    spec = StoreSpec(folder=folder)
    load_store(spec, list(resources.data_files()), reference=False)
    extra = tmp_path / "zork.ttl"
    extra.write_text(ZORK, encoding="utf-8")
    graph = KnowledgeGraph.open(store=spec)
    opened: list[KnowledgeGraph] = []

    def reopen() -> KnowledgeGraph:
        opened.append(KnowledgeGraph.open(store=spec))
        return opened[-1]

    try:
        with running(graph, reopen=reopen, version=store_version(folder)) as url:
            assert search(url, "Zork") == []
            assert opened == []  # the store did not change: nothing opened again
            before = databases(folder)
            load_store(spec, [extra], reference=False)
            assert search(url, "Zork") == ["Zork Liberation Front"]
            assert search(url, "Damascus")  # the rest of the store is still there
            assert len(opened) == 1
            # the first graph was closed when the store changed (no request held it), so
            # the next load may remove the database it read
            load_store(spec, [extra], reference=False)
            assert search(url, "Zork") == ["Zork Liberation Front"]
            assert len(opened) == 2
            after = databases(folder)
            assert not set(before) & set(after), (before, after)
    finally:
        graph.close()
        for other in opened:
            other.close()


def test_a_request_under_way_keeps_the_store_it_began_with(tmp_path: Path) -> None:
    """The graph a request reads is not closed under it when the store changes."""
    folder = tmp_path / "store"
    spec = StoreSpec(folder=folder)
    load_store(spec, list(resources.data_files()), reference=False)
    extra = tmp_path / "zork.ttl"
    extra.write_text(ZORK, encoding="utf-8")
    graph = KnowledgeGraph.open(store=spec)
    from kg.web.app import App, Settings

    app = App(
        graph,
        Settings(),
        reopen=lambda: KnowledgeGraph.open(store=spec),
        version=store_version(folder),
    )
    inside = threading.Event()
    go_on = threading.Event()
    seen: list[int] = []

    def long_request() -> None:
        with app._lease() as served:
            inside.set()
            go_on.wait(30)
            # the store changed meanwhile: this request still reads its own graph
            seen.append(len(served.graph))

    worker = threading.Thread(target=long_request)
    worker.start()
    assert inside.wait(30)
    size = len(graph)
    load_store(spec, [extra], reference=False)
    with app._lease() as fresh:
        assert fresh.graph is not graph and len(fresh.graph) > size
    go_on.set()
    worker.join(30)
    assert seen == [size]
    app.close()
