"""A plain HTTP client for the tests of `kg serve`: http.client and sockets, nothing else,
so that what the tests send is exactly what a tool (curl, YASGUI, a notebook) would send."""

from __future__ import annotations

import http.client
import json
import socket
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass
class Answer:
    """One HTTP response, read to its end."""

    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    @property
    def media_type(self) -> str:
        """The Content-Type without its parameters, lower case ("" when there is none)."""
        return (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()

    def json(self) -> Any:
        return json.loads(self.body)

    def header(self, name: str) -> str:
        return self.headers.get(name) or ""

    def __repr__(self) -> str:  # what a failed assertion shows
        return f"<{self.status} {self.media_type} {self.body[:300]!r}>"


def address(url: str) -> tuple[str, int]:
    parts = urllib.parse.urlsplit(url)
    assert parts.hostname and parts.port, url
    return parts.hostname, parts.port


def request(
    url: str,
    path: str = "/",
    *,
    method: str = "GET",
    headers: Mapping[str, str] | None = None,
    body: bytes | str | None = None,
    timeout: float = 60,
) -> Answer:
    """Send one request to the server at ``url`` (http://HOST:PORT); ``path`` is sent as
    given (with its query string). A Host in ``headers`` replaces the one http.client
    would send."""
    host, port = address(url)
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        if isinstance(body, str):
            body = body.encode("utf-8")
        connection.request(method, path, body=body, headers=dict(headers or {}))
        response = connection.getresponse()
        return Answer(response.status, response.headers, response.read())
    finally:
        connection.close()


Params = Mapping[str, str] | list[tuple[str, str]]


def get(url: str, path: str, params: Params, **kw: Any) -> Answer:
    """GET ``path`` with ``params`` form-encoded in its query string."""
    return request(url, f"{path}?{urllib.parse.urlencode(params)}", **kw)


def post_form(url: str, path: str, params: Params, **kw: Any) -> Answer:
    """POST ``params`` as application/x-www-form-urlencoded."""
    headers = {"Content-Type": "application/x-www-form-urlencoded", **kw.pop("headers", {})}
    return request(
        url, path, method="POST", headers=headers, body=urllib.parse.urlencode(params), **kw
    )


def raw(url: str, data: bytes, *, timeout: float = 30) -> bytes:
    """Send ``data`` as it is on a new connection and read until the server closes it (or
    until ``timeout`` seconds pass without a byte: then what came so far)."""
    with socket.create_connection(address(url), timeout=timeout) as connection:
        try:
            connection.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server refused before reading all: its answer may still be there
        received = bytearray()
        while True:
            try:
                chunk = connection.recv(65536)
            except (TimeoutError, ConnectionResetError):
                break
            if not chunk:
                break
            received += chunk
        return bytes(received)


def status_of(response: bytes) -> int:
    """The status code of a raw HTTP response (0 when there is none)."""
    first = response.split(b"\r\n", 1)[0].split()
    return int(first[1]) if len(first) >= 2 and first[1].isdigit() else 0
