"""Running the application of kg.web.app in waitress, and stopping it.

Waitress (Pylons) is the server: a production WSGI server in pure Python with no
dependencies of its own, maintained since 2011, that reads requests in one thread
(asyncore) and answers them in a pool of threads. It cuts off what the issue asks to cut
off without code of ours: a request body over ``max_request_body_size`` (413), headers over
``max_request_header_size`` (431), a connection idle longer than ``channel_timeout``, more
than ``connection_limit`` connections at once; and it sends no traceback to a client. An
ASGI server (uvicorn) would bring an event loop that the graph's synchronous reads and the
query processes of kg.limits do not use; the standard library's http.server is meant for
development only (no limits on a slow or huge request).
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from types import FrameType
from typing import Any

from kg.graph import KnowledgeGraph
from kg.limits import helpers
from kg.web.app import MAX_BODY_BYTES, App, Settings

#: How many connections are held at once; more wait to be accepted.
CONNECTION_LIMIT = 500
#: Request headers larger than this are refused (431): a long query goes in a POST body.
MAX_HEADER_BYTES = 256 * 1024


def create(app: App, *, threads: int = 8, idle_timeout: int = 30) -> Any:
    """A waitress server for ``app`` bound to its settings' host and port (0: any free
    port; the server's ``effective_port`` tells which)."""
    from waitress.server import create_server

    return create_server(
        app,
        host=app.settings.host,
        port=app.settings.port,
        threads=threads,
        channel_timeout=idle_timeout,
        cleanup_interval=max(1, min(30, idle_timeout // 2 or 1)),
        max_request_body_size=MAX_BODY_BYTES,
        max_request_header_size=MAX_HEADER_BYTES,
        # poll(), not select(): past 1,024 descriptors select() fails; and many idle or
        # slow connections (each holds one until --idle-timeout) must not lock others out
        asyncore_use_poll=True,
        connection_limit=CONNECTION_LIMIT,
        ident="kg serve",
        expose_tracebacks=False,
        clear_untrusted_proxy_headers=True,
    )


def address(server: Any) -> str:
    """The URL the server answers at (an IPv6 address in brackets)."""
    host = str(server.effective_host)
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{server.effective_port}"


def _stop(_signum: int, _frame: FrameType | None) -> None:
    # The requests' processes end now (their threads then answer at once, and waitress's
    # thread pool stops without waiting out a long query); waitress's run() closes the
    # server on SystemExit.
    for pid in helpers(os.getpid()):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    raise SystemExit(0)


def serve_forever(server: Any) -> None:
    """Answer until SIGINT or SIGTERM, then close every connection and the thread pool
    (each request being answered may finish; waitress waits up to 5 s for them)."""
    # SIGINT too: a shell starts a background job (`kg serve &`) with SIGINT ignored, and
    # Python then leaves it so
    previous = {s: signal.signal(s, _stop) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        server.run()
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


@contextmanager
def running(
    graph: KnowledgeGraph,
    *,
    threads: int = 4,
    idle_timeout: int = 30,
    reopen: Callable[[], KnowledgeGraph] | None = None,
    version: Callable[[], object] | None = None,
    **settings: Any,
) -> Iterator[str]:
    """Serve ``graph`` on a free port of 127.0.0.1 in a thread while the ``with`` lasts,
    for tests and notebooks; yields the server's URL (``http://127.0.0.1:PORT``).
    ``settings`` are those of :class:`kg.web.app.Settings` (token, timeout, limit...);
    ``reopen`` and ``version`` those of :class:`kg.web.app.App` (a graph the store's
    change replaced is closed by the server; the caller closes ``graph`` too)."""
    base = Settings(port=0)
    app = App(graph, replace(base, **settings), reopen=reopen, version=version)
    server = create(app, threads=threads, idle_timeout=idle_timeout)
    thread = threading.Thread(target=server.run, name="kg-serve", daemon=True)
    thread.start()
    try:
        yield address(server)
    finally:
        stop(server)
        thread.join(timeout=10)


def stop(server: Any) -> None:
    """Close the server and every connection it holds (an idle keep-alive one too), from
    its own loop's thread (the trigger runs the closing there), and its thread pool."""
    from waitress import wasyncore

    server.task_dispatcher.shutdown()
    try:
        server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map, ignore_all=True))
    except OSError:  # the loop closed its trigger already (it is ending): close the rest here
        wasyncore.close_all(server._map, ignore_all=True)
