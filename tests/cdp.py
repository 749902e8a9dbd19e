"""A small Chrome DevTools Protocol client for the browser tests, over a pipe.

``chromium --remote-debugging-pipe`` reads commands on its file descriptor 3 and writes
answers and events on 4, each message one JSON text followed by a NUL byte. No port is
opened, and nothing but the standard library is needed. One :class:`Browser` is one
chromium process with a fresh profile; each :class:`Tab` is a page attached with
``flatten=True``, so its commands and events travel on the same pipe with its session id.

A tab records what should never happen on a page: console messages, uncaught exceptions,
log entries of level warning or error (a request the Content-Security-Policy refused, a
resource that failed), requests that failed or were answered 4xx/5xx, and dialogs (which
it dismisses, so that an ``alert`` cannot hang the test). :meth:`Tab.problems` lists them.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any


class CDPError(Exception):
    """The browser refused a command, or did not answer it in time."""


# Input.dispatchKeyEvent needs the key's name, code and Windows key code.
KEYS = {
    "Enter": ("Enter", 13, "\r"),
    "Tab": ("Tab", 9, None),
    "ArrowDown": ("ArrowDown", 40, None),
    "ArrowUp": ("ArrowUp", 38, None),
    "Escape": ("Escape", 27, None),
}


class Browser:
    """A headless chromium driven over a pipe; use as a context manager."""

    def __init__(self, chromium: str, flags: list[str]) -> None:
        self._folder = tempfile.mkdtemp(prefix="kg-cdp-")
        profile = Path(self._folder) / "profile"
        self.log_path = Path(self._folder) / "chromium.log"
        to_browser, self._write_fd = os.pipe()
        self._read_fd, from_browser = os.pipe()
        # The browser's ends, moved to 5 or above so that putting them on 3 and 4 cannot
        # overwrite one with the other. A small Python puts them there and execs chromium:
        # no preexec_fn, as the test process runs the server's threads, and no shell, as
        # dash redirects only one-digit descriptors.
        child_in = fcntl.fcntl(to_browser, fcntl.F_DUPFD_CLOEXEC, 5)
        child_out = fcntl.fcntl(from_browser, fcntl.F_DUPFD_CLOEXEC, 5)
        os.close(to_browser)
        os.close(from_browser)
        trampoline = (
            "import os, sys\n"
            f"os.dup2({child_in}, 3)\nos.dup2({child_out}, 4)\n"
            f"os.close({child_in})\nos.close({child_out})\n"
            "os.execv(sys.argv[1], sys.argv[1:])\n"
        )
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    trampoline,
                    chromium,
                    *flags,
                    f"--user-data-dir={profile}",
                    "--remote-debugging-pipe",
                ],
                pass_fds=(child_in, child_out),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
            )
        os.close(child_in)
        os.close(child_out)
        self._lock = threading.Condition()
        self._answers: dict[int, dict[str, Any]] = {}
        self._next_id = 0
        self._tabs: dict[str, Tab] = {}
        self._closed = False
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    # --- the pipe ----------------------------------------------------------------------

    def _send(self, message: dict[str, Any]) -> int:
        with self._lock:
            self._next_id += 1
            message = {"id": self._next_id, **message}
            data = json.dumps(message).encode("utf-8") + b"\0"
            while data:
                written = os.write(self._write_fd, data)
                data = data[written:]
            return self._next_id

    def _read(self) -> None:
        buffer = b""
        while True:
            try:
                chunk = os.read(self._read_fd, 1 << 16)
            except OSError:
                chunk = b""
            if not chunk:
                with self._lock:
                    self._closed = True
                    self._lock.notify_all()
                return
            buffer += chunk
            *messages, buffer = buffer.split(b"\0")
            for raw in messages:
                self._dispatch(json.loads(raw))

    def _dispatch(self, message: dict[str, Any]) -> None:
        if "id" in message:
            with self._lock:
                self._answers[message["id"]] = message
                self._lock.notify_all()
            return
        tab = self._tabs.get(message.get("sessionId", ""))
        if tab is not None:
            tab._event(message["method"], message.get("params", {}))

    def call(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        *,
        session: str | None = None,
        timeout: float = 20,
    ) -> dict[str, Any]:
        """Send one command and wait for its answer."""
        message: dict[str, Any] = {"method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        number = self._send(message)
        deadline = time.monotonic() + timeout
        with self._lock:
            while number not in self._answers:
                left = deadline - time.monotonic()
                if self._closed or left <= 0:
                    why = "the browser stopped" if self._closed else f"no answer in {timeout} s"
                    raise CDPError(f"{method}: {why}; its log: {self.log_tail()}")
                self._lock.wait(left)
            answer = self._answers.pop(number)
        if "error" in answer:
            raise CDPError(f"{method}: {answer['error'].get('message')}")
        result: dict[str, Any] = answer.get("result", {})
        return result

    def notify(self, method: str, params: dict[str, Any], session: str) -> None:
        """Send a command without waiting for its answer (from the reader thread)."""
        self._send({"method": method, "params": params, "sessionId": session})

    def log_tail(self, size: int = 2000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-size:]
        except OSError:
            return ""

    # --- tabs --------------------------------------------------------------------------

    def new_tab(self) -> Tab:
        """A new blank page, attached, with its console, log and network watched."""
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        tab = Tab(self, target, session)
        self._tabs[session] = tab
        for domain in ("Page", "Runtime", "Log", "Network"):
            tab.call(f"{domain}.enable")
        return tab

    def close(self) -> None:
        try:
            if self.process.poll() is None:
                self.call("Browser.close", timeout=5)
        except CDPError:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self._reader.join(timeout=5)
        os.close(self._write_fd)
        os.close(self._read_fd)
        shutil.rmtree(self._folder, ignore_errors=True)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


class Tab:
    """One page of the browser."""

    def __init__(self, browser: Browser, target: str, session: str) -> None:
        self.browser = browser
        self.target = target
        self.session = session
        self._events: list[tuple[str, dict[str, Any]]] = []
        self._urls: dict[str, str] = {}
        self._problems: list[str] = []
        self._seen = threading.Condition()

    def call(self, method: str, params: dict[str, Any] | None = None, **kw: Any) -> dict[str, Any]:
        return self.browser.call(method, params, session=self.session, **kw)

    # --- what happened on the page -------------------------------------------------------

    def _event(self, method: str, params: dict[str, Any]) -> None:
        problem = None
        if method == "Runtime.consoleAPICalled":
            said = " ".join(
                str(a.get("value", a.get("description", a.get("type")))) for a in params["args"]
            )
            problem = f"console.{params['type']}: {said}"
        elif method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            thrown = details.get("exception", {}).get("description", "")
            problem = f"exception: {details.get('text')} {thrown}".strip()
        elif method == "Log.entryAdded":
            entry = params["entry"]
            if entry["level"] in ("warning", "error"):
                problem = f"log {entry['level']}: {entry['text']} {entry.get('url', '')}".strip()
        elif method == "Network.requestWillBeSent":
            self._urls[params["requestId"]] = params["request"]["url"]
        elif method == "Network.loadingFailed":
            url = self._urls.get(params["requestId"], "?")
            problem = f"request failed: {url}: {params.get('errorText')}"
        elif method == "Network.responseReceived":
            status = params["response"]["status"]
            if status >= 400:
                problem = f"HTTP {status}: {params['response']['url']}"
        elif method == "Page.javascriptDialogOpening":
            problem = f"dialog {params['type']}: {params['message']}"
            self.browser.notify("Page.handleJavaScriptDialog", {"accept": False}, self.session)
        with self._seen:
            self._events.append((method, params))
            if problem is not None:
                self._problems.append(problem)
            self._seen.notify_all()

    def requests(self) -> list[str]:
        """The URL of every request the page made so far."""
        with self._seen:
            return [
                p["request"]["url"] for m, p in self._events if m == "Network.requestWillBeSent"
            ]

    def problems(self) -> list[str]:
        """What went wrong on the page so far (see the module's docstring)."""
        with self._seen:
            return list(self._problems)

    def wait_event(self, method: str, since: int, timeout: float = 20) -> dict[str, Any]:
        """The first event ``method`` after the first ``since`` events."""
        deadline = time.monotonic() + timeout
        with self._seen:
            while True:
                for name, params in self._events[since:]:
                    if name == method:
                        return params
                left = deadline - time.monotonic()
                if left <= 0:
                    raise CDPError(f"no {method} in {timeout} s")
                self._seen.wait(left)

    # --- doing things --------------------------------------------------------------------

    def open(self, url: str, timeout: float = 20) -> None:
        """Load ``url`` and wait for its load event."""
        with self._seen:
            since = len(self._events)
        answer = self.call("Page.navigate", {"url": url})
        if answer.get("errorText"):
            raise CDPError(f"{url}: {answer['errorText']}")
        if "loaderId" in answer:  # none when only the fragment changed: nothing loads
            self.wait_event("Page.loadEventFired", since, timeout)

    def evaluate(self, expression: str, timeout: float = 20) -> Any:
        """The value of a JavaScript expression (a promise is awaited)."""
        answer = self.call(
            "Runtime.evaluate",
            {
                "expression": expression,
                "awaitPromise": True,
                "returnByValue": True,
                "userGesture": True,
            },
            timeout=timeout,
        )
        if "exceptionDetails" in answer:
            details = answer["exceptionDetails"]
            thrown = details.get("exception", {}).get("description", details.get("text"))
            raise CDPError(f"{expression[:80]!r} threw {thrown}")
        return answer["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 15) -> Any:
        """Evaluate ``expression`` until it is truthy; its value. Fails with the last value
        and the page's problems."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"still {value!r} after {timeout} s: {expression}; problems: {self.problems()}"
                )
            time.sleep(0.05)

    def click(self, selector: str) -> None:
        """A real left click in the middle of the first element ``selector`` matches."""
        box = self.evaluate(
            f"""(() => {{
              const element = document.querySelector({json.dumps(selector)});
              if (!element) return null;
              element.scrollIntoView({{block: "center"}});
              const r = element.getBoundingClientRect();
              return [r.left + r.width / 2, r.top + r.height / 2];
            }})()"""
        )
        if box is None:
            raise AssertionError(f"nothing on the page matches {selector}")
        x, y = box
        for kind in ("mousePressed", "mouseReleased"):
            self.call(
                "Input.dispatchMouseEvent",
                {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1},
            )

    def type(self, text: str) -> None:
        """Type ``text`` where the focus is, a character at a time (an input event each),
        as a keyboard would."""
        for character in text:
            self.call("Input.insertText", {"text": character})

    def press(self, key: str) -> None:
        """Press and release a key of :data:`KEYS`."""
        code, number, text = KEYS[key]
        down: dict[str, Any] = {
            "type": "keyDown",
            "key": key,
            "code": code,
            "windowsVirtualKeyCode": number,
        }
        if text:
            down["text"] = text
        self.call("Input.dispatchKeyEvent", down)
        self.call(
            "Input.dispatchKeyEvent",
            {"type": "keyUp", "key": key, "code": code, "windowsVirtualKeyCode": number},
        )

    def close(self) -> None:
        self.browser.call("Target.closeTarget", {"targetId": self.target})
        self.browser._tabs.pop(self.session, None)
