"""kg serve keeps serving past a request that goes too far: a query that needs more memory
than the ceiling is stopped alone; SIGTERM ends long queries at once; a token or origin
that cannot travel in a header is refused at start; the token's redirect stays home."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from kg.graph import KnowledgeGraph
from kg.limits import helpers
from kg.web.server import running

DOUBLINGS = " ".join(f"BIND(CONCAT(?x{i},?x{i}) AS ?x{i + 1})" for i in range(32))
GREEDY = f'SELECT (STRLEN(?x32) AS ?n) WHERE {{ BIND("aaaaaaaaaaaaaaaa" AS ?x0) {DOUBLINGS} }}'
FOREVER = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@contextmanager
def serving(*options: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """`kg [OPTIONS] serve --port 0` as a user starts it; (the process, its URL)."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "kg", *options, "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
    )
    try:
        assert process.stderr is not None
        line = process.stderr.readline()
        found = re.search(r"(http://127\.0\.0\.1:\d+)/", line)
        assert found, line + process.stderr.read()
        yield process, found.group(1)
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=30)


def ask(url: str, query: str, timeout: float = 120) -> tuple[int, str]:
    address = f"{url}/sparql?{urllib.parse.urlencode({'query': query})}"
    try:
        with urllib.request.urlopen(address, timeout=timeout) as answer:
            return answer.status, answer.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def test_a_query_past_the_memory_ceiling_is_stopped_and_the_server_goes_on() -> None:
    with serving("--max-memory", "300M") as (process, url):
        status, text = ask(url, GREEDY)
        assert status == 413, text
        assert "needed more than 300 MiB of memory" in text and text.count("\n") == 1
        assert process.poll() is None  # still serving
        status, text = ask(url, "ASK { ?s ?p ?o }")
        assert status == 200 and json.loads(text)["boolean"] is True


def test_sigterm_ends_the_queries_under_way_at_once() -> None:
    with serving() as (process, url):
        answers: list[tuple[int, str]] = []
        asking = threading.Thread(target=lambda: answers.append(ask(url, FOREVER)))
        asking.start()
        deadline = time.monotonic() + 30
        while not helpers(process.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        running = helpers(process.pid)
        assert running, "the query's process never started"
        began = time.monotonic()
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        took = time.monotonic() - began
        asking.join(30)
        assert process.returncode == 0
        assert took < 10, f"{took:.1f} s: the server waited for the query (--timeout is 60 s)"
        assert not any(os.path.exists(f"/proc/{pid}") for pid in running)


@pytest.mark.parametrize(
    ("options", "words"),
    [
        (["--host", "0.0.0.0", "--token", "a b;c=d"], "a token is letters, digits"),
        (["--token", "\u00e9\u20ac"], "a token is letters, digits"),
        (["--token", ""], "a token is letters, digits"),
        (["--cors", "yasgui.example"], "is not an origin"),
        (["--cors", "https://x.example/path"], "is not an origin"),
    ],
)
def test_what_cannot_travel_in_a_header_is_refused_at_start(options: list[str], words: str) -> None:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    done = subprocess.run(
        [sys.executable, "-m", "kg", "serve", "--port", "0", *options],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert words in done.stderr and "Traceback" not in done.stderr


@pytest.fixture(scope="module")
def guarded() -> Iterator[str]:
    graph = KnowledgeGraph.open()
    with running(graph, token="s3cret") as url:
        yield url


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("/?token=s3cret", "/"),
        ("/?token=s3cret&x=1", "/?x=1"),
        ("/%5C%5Cevil.example/x?token=s3cret", "/"),  # '/\\evil.example/x': another host
        ("//evil.example/?token=s3cret", "/evil.example/"),  # waitress reads '/evil.example/'
        ("/%0d%0aX-Injected:%201/?token=s3cret", "/"),
    ],
)
def test_the_token_s_redirect_stays_on_this_server(guarded: str, path: str, location: str) -> None:
    import http.client

    host, port = guarded.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.request("GET", path)
        answer = connection.getresponse()
        answer.read()
    finally:
        connection.close()
    assert answer.status == 303
    assert answer.getheader("Location") == location
    assert answer.getheader("X-Injected") is None
    assert answer.getheader("Set-Cookie", "").startswith("kg_token=s3cret;")
