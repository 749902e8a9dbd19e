"""HTTP for the endpoint store: one request with urllib (no redirects followed), HTTP Digest
or Basic authentication answering the server's challenge, error pages read down to one line,
and answers read with a ceiling on their size."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import http.client
import os
import re
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import Any, BinaryIO

from kg.errors import QueryTimeout, StoreError, TooBig

SPARQL_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
TURTLE = "text/turtle"
RDF_ACCEPT = f"{N_TRIPLES}, {TURTLE};q=0.8, text/plain;q=0.5"
CONTENT_TYPES = {"nt": N_TRIPLES, "ntriples": N_TRIPLES, "turtle": TURTLE, "ttl": TURTLE}

#: Bytes read from the server at a time.
_READ_BYTES = 1 << 20


@dataclass
class _Response:
    status: int
    headers: Message
    body: bytes

    def header(self, name: str) -> str | None:
        value = self.headers.get(name)
        return value.strip() if isinstance(value, str) else None


@dataclass
class _Challenge:
    scheme: str  # "basic" or "digest"
    params: dict[str, str] = field(default_factory=dict)
    count: int = 0


def _parse_challenges(values: Sequence[str]) -> list[_Challenge]:
    found: list[_Challenge] = []
    for value in values:
        scheme, _, rest = value.strip().partition(" ")
        params: dict[str, str] = {}
        for item in urllib.request.parse_http_list(rest):
            key, eq, val = item.partition("=")
            if eq:
                params[key.strip().lower()] = val.strip().strip('"')
        found.append(_Challenge(scheme.lower(), params))
    return found


def _first_line(body: bytes) -> str:
    """The first line of a server's error page that says something."""
    text = body.decode("utf-8", errors="replace")
    if m := re.search(r"<xmp>(.*?)</xmp>", text, re.DOTALL | re.IGNORECASE):
        text = m.group(1)
    elif "<" in text and ">" in text:
        text = re.sub(r"<(script|style|head)\b.*?</\1>", " ", text, flags=re.DOTALL | re.I)
        text = re.sub(r"<[^>]*>", "\n", text)
    for line in text.splitlines():
        line = " ".join(line.split())
        if line and not line.lower().startswith(("<!doctype", "http/1")):
            return line[:300]
    return ""


def _read(answer: Any, where: str, most: int) -> bytes:
    """The body of an answer, refused (TooBig) past ``most`` bytes."""
    length = answer.headers.get("Content-Length")
    if length and length.strip().isdigit() and int(length) > most:
        raise _too_big(where, most)
    parts: list[bytes] = []
    size = 0
    while part := answer.read(_READ_BYTES):
        size += len(part)
        if size > most:
            raise _too_big(where, most)
        parts.append(part)
    return b"".join(parts)


def _too_big(where: str, most: int) -> TooBig:
    return TooBig(
        f"{where}: the server's answer is larger than {most >> 20} MiB (a sixteenth of "
        "--max-memory); ask for less (a LIMIT, a narrower report) or raise --max-memory"
    )


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect would resend a POST as a GET without its body; report it instead."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class HttpClient:
    """Requests to one server, with its credentials: the part of EndpointStore that speaks
    HTTP. The store sets the attributes below and says how large an answer may be."""

    user: str | None
    password: str | None
    timeout: float
    _challenges: dict[str, _Challenge]
    _opener: urllib.request.OpenerDirector

    def _max_answer_bytes(self) -> int:
        """The largest answer read, in bytes; past it TooBig."""
        raise NotImplementedError

    @staticmethod
    def _where(url: str) -> str:
        parts = urllib.parse.urlsplit(url)
        return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))

    def _authorization(self, method: str, url: str) -> str | None:
        challenge = self._challenges.get(self._where(url))
        if challenge is None or self.user is None or self.password is None:
            return None
        if challenge.scheme == "basic":
            token = base64.b64encode(f"{self.user}:{self.password}".encode()).decode("ascii")
            return f"Basic {token}"
        params = challenge.params
        algorithm = params.get("algorithm", "MD5")
        name = algorithm.upper().removesuffix("-SESS")
        hashes = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}
        if name not in hashes:
            raise StoreError(f"{self._where(url)}: unsupported digest algorithm {algorithm}")

        def digest(text: str) -> str:
            return hashes[name](text.encode("utf-8")).hexdigest()

        parts = urllib.parse.urlsplit(url)
        uri = parts.path + (f"?{parts.query}" if parts.query else "")
        realm, nonce = params.get("realm", ""), params.get("nonce", "")
        challenge.count += 1
        nc = f"{challenge.count:08x}"
        cnonce = os.urandom(8).hex()
        ha1 = digest(f"{self.user}:{realm}:{self.password}")
        if algorithm.upper().endswith("-SESS"):
            ha1 = digest(f"{ha1}:{nonce}:{cnonce}")
        ha2 = digest(f"{method}:{uri}")
        qops = [q.strip() for q in params.get("qop", "").split(",") if q.strip()]
        fields = {
            "username": self.user,
            "realm": realm,
            "nonce": nonce,
            "uri": uri,
            "algorithm": algorithm,
        }
        if "auth" in qops:
            fields.update(qop="auth", nc=nc, cnonce=cnonce)
            fields["response"] = digest(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}")
        else:
            fields["response"] = digest(f"{ha1}:{nonce}:{ha2}")
        if "opaque" in params:
            fields["opaque"] = params["opaque"]
        unquoted = ("algorithm", "qop", "nc")
        return "Digest " + ", ".join(
            f"{key}={value}" if key in unquoted else f'{key}="{value}"'
            for key, value in fields.items()
        )

    def _learn_challenge(self, url: str, headers: Message) -> bool:
        """Keep the server's Digest (preferred) or Basic challenge; False if it sent none."""
        offered = _parse_challenges(headers.get_all("WWW-Authenticate") or [])
        for scheme in ("digest", "basic"):
            for challenge in offered:
                if challenge.scheme == scheme:
                    self._challenges[self._where(url)] = challenge
                    return True
        return False

    def _open(
        self,
        method: str,
        url: str,
        data: bytes | BinaryIO | None,
        headers: Mapping[str, str],
    ) -> _Response:
        """One request; HTTP errors come back as responses, failures to talk as StoreError."""
        request = urllib.request.Request(url, data=data, method=method, headers=dict(headers))
        if (auth := self._authorization(method, url)) is not None:
            request.add_header("Authorization", auth)
        where = self._where(url)
        try:
            with self._opener.open(request, timeout=self.timeout) as answer:
                return _Response(
                    answer.status,
                    answer.headers,
                    _read(answer, where, self._max_answer_bytes()),
                )
        except urllib.error.HTTPError as error:
            with contextlib.closing(error):
                try:
                    body = error.read(64 << 10)  # an error page: its first line is shown
                except (OSError, http.client.HTTPException):
                    body = b""
                return _Response(error.code, error.headers, body)
        except urllib.error.URLError as error:
            reason = error.reason
            if isinstance(reason, ConnectionRefusedError):
                raise StoreError(f"{where}: connection refused (is the server running?)") from None
            if isinstance(reason, TimeoutError | socket.timeout):
                raise StoreError(f"{where}: no answer within {self.timeout:g} s") from None
            if isinstance(reason, socket.gaierror):
                raise StoreError(f"{where}: unknown host ({reason.strerror})") from None
            text = getattr(reason, "strerror", None) or str(reason)
            raise StoreError(f"{where}: cannot connect ({text})") from None
        except TimeoutError:
            raise StoreError(f"{where}: no answer within {self.timeout:g} s") from None
        except (OSError, http.client.HTTPException) as error:
            text = getattr(error, "strerror", None) or str(error) or type(error).__name__
            raise StoreError(f"{where}: the connection failed ({text})") from None

    def _send(
        self,
        method: str,
        url: str,
        *,
        data: bytes | Path | None = None,
        headers: Mapping[str, str] | None = None,
        allow: Sequence[int] = (),
    ) -> _Response:
        """A request with authentication, answering one challenge; StoreError for an error
        status other than those in ``allow``."""
        headers = dict(headers or {})
        where = self._where(url)
        if isinstance(data, Path) and self.user is not None and where not in self._challenges:
            # A file is sent once: ask for the challenge first, with a HEAD that sends nothing.
            probe = self._open("HEAD", url, None, {})
            if probe.status == 401:
                self._learn_challenge(url, probe.headers)
        for attempt in range(2):
            if isinstance(data, Path):
                try:
                    stream = data.open("rb")
                except OSError as error:
                    raise StoreError(f"{data}: cannot be read ({error.strerror})") from None
                with stream:
                    headers["Content-Length"] = str(os.fstat(stream.fileno()).st_size)
                    response = self._open(method, url, stream, headers)
            else:
                response = self._open(method, url, data, headers)
            if response.status != 401:
                break
            if self.user is None:
                raise StoreError(
                    f"{where}: the server asks for credentials (HTTP 401); give a user and password"
                )
            if attempt == 0 and self._learn_challenge(url, response.headers):
                continue
            raise StoreError(f"{where}: the server refused the user and password (HTTP 401)")
        if response.status >= 300 and response.status not in allow:
            line = _first_line(response.body)
            if re.search(r"\bS1T00\b|\bSR171\b", line):
                raise QueryTimeout(
                    f"{where}: the server stopped the query at its time limit: {line}"
                )
            reason = http.client.responses.get(response.status, "")
            detail = f": {line}" if line else ""
            raise StoreError(f"{where}: HTTP {response.status} {reason}{detail}")
        return response
