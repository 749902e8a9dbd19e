"""`kg serve` is safe by default: it answers only to its own names (DNS rebinding), serves
no file outside its assets, wants its token when it has one, cuts off huge and stalled
requests, binds 127.0.0.1, and stops cleanly on SIGTERM and on Ctrl-C.

Everything is sent with a plain HTTP client (http.client), or as raw bytes on a socket
where http.client would refuse to send it. No test asserts a time: the timeouts below only
keep a broken server from hanging the test run.
"""

from __future__ import annotations

import http.cookies
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

import kg.web.app
from kg.graph import KnowledgeGraph
from kg.web.server import running
from tests.conftest import REPO, TESTS
from tests.serve_http import Answer, address, get, raw, request, status_of

ASK = "ASK { ?s ?p ?o }"
TOKEN = "s3cret"


@pytest.fixture(scope="module")
def graph() -> KnowledgeGraph:
    return KnowledgeGraph.open([TESTS / "data" / "tiny.ttl"])


@pytest.fixture(scope="module")
def server(graph: KnowledgeGraph) -> Iterator[str]:
    with running(graph) as url:
        yield url


@pytest.fixture(scope="module")
def guarded(graph: KnowledgeGraph) -> Iterator[str]:
    """A server with a token, which pages of one other origin may query."""
    with running(graph, token=TOKEN, cors=("https://yasgui.example",)) as url:
        yield url


def port_of(url: str) -> int:
    return address(url)[1]


def assert_safe_headers(answer: Answer) -> None:
    assert answer.header("X-Content-Type-Options") == "nosniff", answer
    assert answer.header("Referrer-Policy") == "no-referrer", answer


# --- the Host header ----------------------------------------------------------------------


def test_a_foreign_host_is_refused(server: str) -> None:
    port = port_of(server)
    for host in (
        f"evil.example:{port}",
        "evil.example",
        f"localhost.evil.example:{port}",
        f"127.0.0.1.evil.example:{port}",
    ):
        for path in ("/", "/sparql?query=ASK%7B%7D", "/api/info", "/queries"):
            answer = request(server, path, headers={"Host": host})
            assert answer.status == 403, (host, path, answer)
            assert_safe_headers(answer)


def test_its_own_names_are_answered(server: str) -> None:
    port = port_of(server)
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LocalHost:{port}", "localhost"):
        answer = request(server, "/api/info", headers={"Host": host})
        assert answer.status == 200, (host, answer)
        assert_safe_headers(answer)


def test_allow_host_adds_a_name(graph: KnowledgeGraph) -> None:
    with running(graph, allowed_hosts=("kg.lan",)) as url:
        port = port_of(url)
        assert request(url, "/api/info", headers={"Host": f"kg.lan:{port}"}).status == 200
        assert request(url, "/api/info", headers={"Host": f"evil.example:{port}"}).status == 403
        assert request(url, "/api/info", headers={"Host": f"localhost:{port}"}).status == 200


def test_http_1_0_without_a_host_is_answered(server: str) -> None:
    # HTTP/1.0 has no Host: answered, since no browser sends such a request (a rebinding
    # page's request always names the attacker's host).
    old = raw(server, b"GET /api/info HTTP/1.0\r\n\r\n")
    assert status_of(old) == 200, old[:300]


def test_http_1_1_without_a_host_is_400(server: str) -> None:
    # HTTP/1.1 requires Host: a request without it is malformed (RFC 9112, section 3.2:
    # "A server MUST respond with a 400 (Bad Request)").
    new = raw(server, b"GET /api/info HTTP/1.1\r\nConnection: close\r\n\r\n")
    assert status_of(new) == 400, new[:300]


# --- paths --------------------------------------------------------------------------------

OUTSIDE = [
    "/assets/../pyproject.toml",
    "/assets/../../pyproject.toml",
    "/assets/%2e%2e/%2e%2e/pyproject.toml",
    "/assets/%2E%2E/%2E%2E/%2E%2E/pyproject.toml",
    "/assets/..%2fkg%2fcli.py",
    "/assets/..%2f..%2fcli.py",
    "/assets/..%2F..%2F..%2Fpyproject.toml",
    "/assets/..%5c..%5cpyproject.toml",
    "/assets/%252e%252e/%252e%252e/pyproject.toml",
    "/assets//etc/passwd",
    "/assets/%2fetc%2fpasswd",
    "/assets/" + str(REPO / "pyproject.toml"),
    "/assets/" + "%2f".join(str(REPO / "pyproject.toml").split("/")),
    "//etc/passwd",
    "/etc/passwd",
    "/../../../../etc/passwd",
    "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/assets/index.html%00.js",
    "/assets/%00",
    "/assets/",
    "/assets/.",
    "/assets/..",
    "/assets/index.html/",
    "/assets/index.html/../../app.py",
    "/assets/../app.py",
    "/assets/../__init__.py",
    "/pyproject.toml",
    "/kg/web/app.py",
]
# What a leaked file would hold.
LEAKS = (b"[project]", b"root:", b"import ", b"from __future__")


@pytest.mark.parametrize("path", OUTSIDE)
def test_no_path_outside_the_assets_is_served(server: str, path: str) -> None:
    answer = request(server, path)
    assert answer.status == 404, (path, answer)
    assert not any(leak in answer.body for leak in LEAKS), answer


@pytest.mark.parametrize(
    "line",
    [
        b"GET /assets/\x00 HTTP/1.0",
        b"GET /assets/..\x00/pyproject.toml HTTP/1.0",
        b"GET /assets/../pyproject.toml\x00index.html HTTP/1.0",
        b"GET /assets\\..\\pyproject.toml HTTP/1.0",
        b"GET ../pyproject.toml HTTP/1.0",
        b"GET /assets/../../pyproject.toml HTTP/1.0",
        b"GET http://127.0.0.1/assets/../../pyproject.toml HTTP/1.0",
        b"GET http://127.0.0.1/../../../etc/passwd HTTP/1.0",
    ],
    ids=["NUL", "NUL in a segment", "NUL after the name", "backslashes", "relative",
         "dot segments", "absolute form", "absolute form, /etc"],
)  # fmt: skip
def test_raw_paths_outside_the_assets(server: str, line: bytes) -> None:
    # Bytes http.client will not send: a bad request (400) or nothing here (404), never a file.
    answer = raw(server, line + b"\r\n\r\n")
    assert status_of(answer) in (400, 404), answer[:300]
    assert not any(leak in answer for leak in LEAKS), answer[:300]


def test_the_page_and_its_assets_are_served(server: str) -> None:
    page = request(server, "/")
    assert page.status == 200, page
    assert page.media_type == "text/html"
    assert "default-src 'self'" in page.header("Content-Security-Policy")
    assert_safe_headers(page)
    assets = REPO / "kg" / "web" / "assets"
    for path in sorted(p for p in assets.iterdir() if p.is_file()):
        answer = request(server, f"/assets/{path.name}")
        assert answer.status == 200, (path.name, answer)
        assert answer.body == path.read_bytes()
        assert_safe_headers(answer)


def test_a_link_in_the_assets_is_not_followed(
    graph: KnowledgeGraph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("the secret outside the assets\n")
    assets = tmp_path / "assets"
    assets.mkdir()
    (assets / "page.css").write_text("body { margin: 0 }\n")
    (assets / "link.css").symlink_to(secret)
    (assets / "folder").mkdir()
    (assets / "folder" / "inner.css").write_text("p { margin: 0 }\n")
    (assets / "up").symlink_to(tmp_path, target_is_directory=True)
    monkeypatch.setattr(kg.web.app, "ASSETS", assets)
    with running(graph) as url:
        # the folder is the one served: its file is there
        assert request(url, "/assets/page.css").body == b"body { margin: 0 }\n"
        for path in ("/assets/link.css", "/assets/folder/inner.css", "/assets/folder",
                     "/assets/up/secret.txt", "/assets/up"):  # fmt: skip
            answer = request(url, path)
            assert answer.status == 404, (path, answer)
            assert b"the secret outside" not in answer.body


# --- the token ----------------------------------------------------------------------------


def test_no_token_or_a_wrong_one_is_401(guarded: str) -> None:
    for headers in (
        {},
        {"Authorization": "Bearer wrong"},
        {"Authorization": f"Bearer {TOKEN}x"},
        {"Authorization": f"Basic {TOKEN}"},
        {"Authorization": "Bearer "},
        {"Cookie": "kg_token=wrong"},
    ):
        for path in ("/", "/api/info", f"/sparql?query={ASK}".replace(" ", "%20"), "/queries",
                     "/assets/index.html", "/?token=wrong"):  # fmt: skip
            answer = request(guarded, path, headers=headers)
            assert answer.status == 401, (headers, path, answer)
            assert answer.header("WWW-Authenticate").lower().startswith("bearer"), answer
            assert_safe_headers(answer)
            assert TOKEN.encode() not in answer.body


def test_the_token_lets_in(guarded: str) -> None:
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    assert request(guarded, "/api/info", headers=bearer).status == 200
    assert request(guarded, "/api/info", headers=bearer).json()["token"] is True
    answer = get(guarded, "/sparql", {"query": ASK}, headers=bearer)
    assert answer.status == 200, answer


def test_the_token_in_the_address_sets_a_cookie(guarded: str) -> None:
    answer = request(guarded, f"/?token={TOKEN}")
    assert answer.status in (200, 302, 303, 307), answer
    if answer.status != 200:
        # sent on to the page's address without the token in it
        assert TOKEN not in answer.header("Location"), answer.header("Location")
    cookies = http.cookies.SimpleCookie()
    cookies.load(answer.header("Set-Cookie"))
    assert len(cookies) == 1, answer.header("Set-Cookie")
    (morsel,) = cookies.values()
    assert morsel["httponly"], answer.header("Set-Cookie")
    assert morsel["samesite"].lower() in ("strict", "lax"), answer.header("Set-Cookie")
    jar = {"Cookie": f"{morsel.key}={morsel.value}"}
    # the page's next requests, with the cookie and nothing else
    for path in ("/", "/api/info", "/queries", "/sparql?query=ASK%7B%7D"):
        answer = request(guarded, path, headers=jar)
        assert answer.status == 200, (path, answer)


def test_a_preflight_needs_no_token(guarded: str) -> None:
    # Browsers send a CORS preflight without credentials: refusing it would refuse every
    # page that sends its token in an Authorization header.
    answer = request(
        guarded,
        "/sparql",
        method="OPTIONS",
        headers={"Origin": "https://yasgui.example", "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "authorization"},
    )  # fmt: skip
    assert answer.status == 204, answer
    assert "authorization" in answer.header("Access-Control-Allow-Headers").lower()
    # and the preflight gives nothing away
    assert answer.body == b""


def _kg(*args: str, new_session: bool = False) -> subprocess.Popen[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    return subprocess.Popen(
        [sys.executable, "-m", "kg", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
        start_new_session=new_session,
    )


def test_any_address_without_a_token_refuses_to_start() -> None:
    process = _kg("serve", "--host", "0.0.0.0", "--port", "0")
    try:
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:  # it serves: the test fails, the server goes
            process.kill()
            process.communicate()
    assert process.returncode == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "token" in lines[0].lower(), err
    assert "Traceback" not in err
    assert out == ""


# --- huge and slow requests ---------------------------------------------------------------


def _next_request_is_answered(url: str) -> None:
    answer = get(url, "/sparql", {"query": ASK})
    assert answer.status == 200, answer


def test_a_body_over_the_limit_is_413(server: str) -> None:
    host = f"127.0.0.1:{port_of(server)}"
    head = (
        f"POST /sparql HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/sparql-query\r\n"
        f"Content-Length: {100 << 20}\r\nConnection: close\r\n\r\n"
    ).encode()
    answer = raw(server, head + b"SELECT * WHERE { ?s ?p ?o }" + b" " * 65536)
    assert status_of(answer) == 413, answer[:300]
    _next_request_is_answered(server)
    # the same without a length: a chunked body that grows past the limit
    chunk = b" " * (1 << 20)
    chunked = head.replace(f"Content-Length: {100 << 20}".encode(), b"Transfer-Encoding: chunked")
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(8)) + b"0\r\n\r\n"
    answer = raw(server, chunked + body)
    assert status_of(answer) == 413, answer[:300]
    _next_request_is_answered(server)


def test_a_header_block_over_the_limit_is_refused(server: str) -> None:
    host = f"127.0.0.1:{port_of(server)}"
    big = "x" * (1 << 20)
    answer = raw(server, f"GET / HTTP/1.1\r\nHost: {host}\r\nX-Big: {big}\r\n\r\n".encode())
    assert status_of(answer) in (431, 400), answer[:300]
    # many small headers that add up
    many = "".join(f"X-H{i}: {'y' * 100}\r\n" for i in range(5000))
    answer = raw(server, f"GET / HTTP/1.1\r\nHost: {host}\r\n{many}\r\n".encode())
    assert status_of(answer) in (431, 400), answer[:300]
    _next_request_is_answered(server)


def test_a_stalled_request_is_cut_off(graph: KnowledgeGraph) -> None:
    with running(graph, idle_timeout=2) as url:
        host = f"127.0.0.1:{port_of(url)}"
        with socket.create_connection(address(url), timeout=30) as connection:
            connection.sendall(f"GET /api/info HTTP/1.1\r\nHost: {host}\r\n".encode())
            # then nothing: the server closes the connection (the 30 s only keep a server
            # that never does from hanging the test run)
            received = b""
            try:
                while chunk := connection.recv(65536):
                    received += chunk
            except TimeoutError:
                pytest.fail("the server kept a stalled request open for 30 s")
            except ConnectionResetError:
                pass
        assert status_of(received) in (0, 400, 408), received[:300]
        _next_request_is_answered(url)


def test_idle_connections_do_not_block_a_request(server: str) -> None:
    host = f"127.0.0.1:{port_of(server)}"
    idle: list[socket.socket] = []
    try:
        for i in range(30):
            connection = socket.create_connection(address(server), timeout=30)
            if i % 2:  # half of them stall half way through a request
                connection.sendall(f"POST /sparql HTTP/1.1\r\nHost: {host}\r\n".encode())
            idle.append(connection)
        for _ in range(3):
            _next_request_is_answered(server)
    finally:
        for connection in idle:
            connection.close()


# --- the process --------------------------------------------------------------------------


def _start_serving(new_session: bool = False) -> tuple[subprocess.Popen[str], str]:
    """`python -m kg serve --port 0` on the tiny data; (the process, its URL)."""
    process = _kg(
        "serve", "--port", "0", "--data", str(TESTS / "data" / "tiny.ttl"), new_session=new_session
    )
    stderr = process.stderr
    assert stderr is not None
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: lines.put(stderr.readline()), daemon=True).start()
    try:
        line = lines.get(timeout=60)  # only keeps a server that never says so from hanging
    except queue.Empty:
        line = ""
    found = re.search(r"kg serve: (http://127\.0\.0\.1:(\d+)/)", line)
    if found is None:
        process.kill()
        pytest.fail(f"no address on stderr: {line!r} {process.communicate()}")
    return process, found.group(1).rstrip("/")


def _listening(port: int) -> list[str]:
    """The local addresses of the sockets listening on ``port`` (/proc/net/tcp and tcp6)."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as lines:
            next(lines)
            for line in lines:
                fields = line.split()
                local, state = fields[1], fields[3]
                where, _, hex_port = local.partition(":")
                if state == "0A" and int(hex_port, 16) == port:
                    found.append(where)
    return found


def _stops(process: subprocess.Popen[str], url: str) -> None:
    try:
        out, err = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail(f"still running 30 s after the signal: {process.communicate()}")
    assert process.returncode == 0, err
    assert "kg serve: stopped" in err, err
    assert "Traceback" not in err, err
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(address(url), timeout=5).close()


def test_serve_binds_loopback_answers_and_stops_on_sigterm() -> None:
    process, url = _start_serving()
    try:
        answer = get(url, "/sparql", {"query": ASK})
        assert answer.status == 200, answer
        # 127.0.0.1 only (0100007F in /proc/net/tcp), not every address
        assert _listening(port_of(url)) == ["0100007F"]
        process.send_signal(signal.SIGTERM)
        _stops(process, url)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


def test_serve_stops_on_ctrl_c() -> None:
    # Ctrl-C sends SIGINT to every process of the terminal's foreground group.
    process, url = _start_serving(new_session=True)
    try:
        assert get(url, "/api/info", {}).status == 200
        os.killpg(process.pid, signal.SIGINT)
        _stops(process, url)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()


def test_running_binds_loopback(server: str) -> None:
    assert address(server)[0] == "127.0.0.1"
    assert _listening(port_of(server)) == ["0100007F"]
