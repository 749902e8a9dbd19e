"""Start and stop a throwaway Virtuoso 7 (Debian's virtuoso-opensource) on 127.0.0.1.

For the tests of :class:`kg.stores.endpoint.EndpointStore` and for benchmarks::

    from virtuoso import running_virtuoso

    with running_virtuoso() as server:
        store = EndpointStore(server.sparql_url, gsp_url=server.gsp_url,
                              update_url=server.update_url,
                              user=server.user, password=server.password)

Each server lives in a new temporary folder: its own virtuoso.ini, database files and log,
free ports for SQL and HTTP, ``ResultSetMaxRows`` raised from 10,000 to 1,000,000, buffers
sized for about 2 GB, and the folder in ``DirsAllowed`` (so ``ld_dir`` may bulk-load files
put there). Writes go through the ``-auth`` endpoints (``/sparql-auth``,
``/sparql-graph-crud-auth``) as ``dba``/``dba`` (HTTP Digest); the open ``/sparql`` endpoint
only reads. :meth:`Virtuoso.stop` kills the server (its own process id only) and removes the
folder; servers still running when Python exits are stopped too, on Linux a server dies
with the process that started it even if that process is killed, and the next start removes
the folders such killed runs left behind.

    .venv/bin/python bench/virtuoso.py [--seconds N]

starts one, prints its URLs and waits (default: until Ctrl-C).
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kg.graph import StoreSpec

VIRTUOSO_BINARY = "virtuoso-t"
ISQL_BINARY = "isql-vt"
INSTALL_HINT = (
    "apt-get install virtuoso-opensource (Debian/Ubuntu; as root), or run .ci/install-virtuoso"
)
USER = "dba"
PASSWORD = "dba"  # the password of a new Virtuoso database; the server only listens on 127.0.0.1
VAD_DIR = "/usr/share/virtuoso-opensource-7/vad"

# Debian's virtuoso.ini keeps 10,000 rows and 60 s; a test server lifts the row limit and
# keeps the time limits (a query that hits them is a PartialResult for the store).
DEFAULT_SPARQL: dict[str, str] = {
    "ResultSetMaxRows": "1000000",
    "MaxQueryExecutionTime": "120",  # seconds; past it an "anytime" query answers in part
    "MaxQueryCostEstimationTime": "0",  # seconds; 0: never refuse a query on its estimate
}


class VirtuosoMissing(RuntimeError):
    """virtuoso-t is not installed."""


class VirtuosoFailed(RuntimeError):
    """The server did not start (the message ends with the tail of its log)."""


def find_virtuoso() -> str | None:
    """The path of virtuoso-t, or None."""
    found = shutil.which(VIRTUOSO_BINARY)
    if found:
        return found
    for candidate in ("/usr/bin/virtuoso-t", "/usr/local/bin/virtuoso-t"):
        if Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _ini(
    folder: Path,
    sql_port: int,
    http_port: int,
    sparql: Mapping[str, str],
    buffers: int,
    dirty_buffers: int,
) -> str:
    db = folder / "db"
    sparql_lines = "\n".join(f"{key} = {value}" for key, value in sparql.items())
    return f"""\
; Written by bench/virtuoso.py for a throwaway server; removed with its folder.
[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
LiteMode = 0
DisableUnixSocket = 1
DisableTcpSocket = 0
MaxClientConnections = 20
CheckpointInterval = 60
O_DIRECT = 0
CaseMode = 2
MaxStaticCursorRows = 5000
CheckpointAuditTrail = 0
AllowOSCalls = 0
SchedulerInterval = 10
DirsAllowed = ., {folder}, {VAD_DIR}
ThreadCleanupInterval = 0
ThreadThreshold = 10
ResourcesCleanupInterval = 0
FreeTextBatchSize = 100000
SingleCPU = 0
VADInstallDir = {VAD_DIR}/
PrefixResultNames = 0
RdfFreeTextRulesSize = 100
IndexTreeMaps = 64
MaxMemPoolSize = 200000000
MaxQueryMem = 1G
VectorSize = 1000
MaxVectorSize = 1000000
AdjustVectorSize = 0
ThreadsPerQuery = 4
AsyncQueueMaxThreads = 10
; About 2 GB of memory for the database: 8 kB pages.
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty_buffers}

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {folder}/www
MaxClientConnections = 20
DavRoot = DAV
EnabledDavVSP = 0
HTTPProxyEnabled = 0
TempASPXDir = 0
ServerThreads = 20
MaxKeepAlives = 10
KeepAliveTimeout = 10
HTTPThreadSize = 280000
HttpPrintWarningsInOutput = 0
Charset = UTF-8
EnabledGzipContent = 0

[Client]
SQL_PREFETCH_ROWS = 100
SQL_PREFETCH_BYTES = 16000
SQL_QUERY_TIMEOUT = 0
SQL_TXN_TIMEOUT = 0

[SPARQL]
{sparql_lines}
"""


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: the server gets SIGKILL when the process that started it dies."""
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)


_RUNNING: list[Virtuoso] = []


@dataclass
class Virtuoso:
    """One running server: its folder, ports, URLs and credentials."""

    folder: Path
    sql_port: int
    http_port: int
    process: subprocess.Popen[bytes]
    user: str = USER
    password: str = PASSWORD
    started_in: float = 0.0
    _stopped: bool = field(default=False, repr=False)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def sparql_url(self) -> str:
        """The open SPARQL endpoint: queries only (its SPARQL user may not write)."""
        return f"{self.base_url}/sparql"

    @property
    def update_url(self) -> str:
        """SPARQL queries and updates as ``dba`` (HTTP Digest)."""
        return f"{self.base_url}/sparql-auth"

    @property
    def gsp_url(self) -> str:
        """The Graph Store HTTP Protocol as ``dba`` (HTTP Digest); takes ``?graph=`` (and
        Virtuoso's own ``?graph-uri=``)."""
        return f"{self.base_url}/sparql-graph-crud-auth"

    def spec(self, timeout: float = 60.0) -> StoreSpec:
        """The kg.graph.StoreSpec that points kg at this server (queries, updates, Graph
        Store Protocol, credentials)."""
        from kg.graph import StoreSpec

        return StoreSpec(
            endpoint=self.sparql_url,
            update_endpoint=self.update_url,
            store_endpoint=self.gsp_url,
            user=self.user,
            password=self.password,
            timeout=timeout,
        )

    @property
    def log_file(self) -> Path:
        return self.folder / "db" / "virtuoso.log"

    def log_tail(self, lines: int = 15) -> str:
        try:
            text = self.log_file.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def alive(self) -> bool:
        return self.process.poll() is None

    def isql(self, sql: str, timeout: float = 120.0) -> str:
        """Run SQL (statements ending in ';') as dba through isql-vt; return its output."""
        binary = shutil.which(ISQL_BINARY)
        if binary is None:
            raise VirtuosoMissing(f"{ISQL_BINARY} is missing: {INSTALL_HINT}")
        done = subprocess.run(
            [binary, f"127.0.0.1:{self.sql_port}", self.user, self.password],
            input=sql.encode("utf-8"),
            capture_output=True,
            timeout=timeout,
            check=False,
        )
        out = done.stdout.decode("utf-8", errors="replace")
        if done.returncode != 0 or "*** Error" in out:
            raise VirtuosoFailed(f"isql failed: {out.strip()} {done.stderr.decode().strip()}")
        return out

    def stop(self) -> None:
        """Kill the server (this process id only) and remove its folder."""
        if self._stopped:
            return
        self._stopped = True
        if self.process.poll() is None:
            self.process.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=30)
        shutil.rmtree(self.folder, ignore_errors=True)
        with contextlib.suppress(ValueError):
            _RUNNING.remove(self)

    def __enter__(self) -> Virtuoso:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _stop_all() -> None:
    for server in list(_RUNNING):
        server.stop()


atexit.register(_stop_all)


OWNER_FILE = "owner.pid"


def _sweep_stale(parent: Path | None) -> None:
    """Remove the folders of servers whose starting process died without stopping them (a
    killed test run): the server itself died with it (Linux), its folder did not."""
    for folder in Path(parent or tempfile.gettempdir()).glob("kg-virtuoso-*"):
        try:
            owner = int((folder / OWNER_FILE).read_text(encoding="ascii"))
        except (OSError, ValueError):
            continue  # not ours, or being written
        try:
            os.kill(owner, 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except PermissionError:
            pass  # alive, another user's


def _answers(url: str) -> bool:
    query = urllib.parse.urlencode({"query": "ASK { }"})
    request = urllib.request.Request(
        f"{url}?{query}", headers={"Accept": "application/sparql-results+json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=2) as response:
            return bool(response.status == 200)
    except (OSError, urllib.error.URLError):
        return False


def start(
    *,
    sparql: Mapping[str, str | int] | None = None,
    buffers: int = 170_000,
    dirty_buffers: int = 130_000,
    startup_timeout: float = 90.0,
    parent: Path | None = None,
) -> Virtuoso:
    """Start a server in a new temporary folder and wait until its HTTP endpoint answers.

    ``sparql`` overrides keys of the ``[SPARQL]`` section (``MaxQueryExecutionTime``,
    ``ResultSetMaxRows``, ...). Raises VirtuosoMissing (with the fix) when virtuoso-t is not
    installed, VirtuosoFailed when the server does not come up.
    """
    binary = find_virtuoso()
    if binary is None:
        raise VirtuosoMissing(f"{VIRTUOSO_BINARY} is missing: {INSTALL_HINT}")
    settings = {**DEFAULT_SPARQL, **{k: str(v) for k, v in (sparql or {}).items()}}
    _sweep_stale(parent)
    last_error = ""
    for _attempt in range(3):  # a free port may be taken between the probe and the start
        folder = Path(tempfile.mkdtemp(prefix="kg-virtuoso-", dir=parent))
        (folder / "db").mkdir()
        (folder / "www").mkdir()
        (folder / OWNER_FILE).write_text(str(os.getpid()), encoding="ascii")
        sql_port, http_port = free_port(), free_port()
        while http_port == sql_port:
            http_port = free_port()
        ini = folder / "virtuoso.ini"
        ini.write_text(
            _ini(folder, sql_port, http_port, settings, buffers, dirty_buffers), encoding="utf-8"
        )
        began = time.monotonic()
        with open(folder / "stdout.log", "wb") as out:
            process = subprocess.Popen(
                [binary, "+foreground", "+configfile", str(ini)],
                cwd=folder / "db",
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C in a terminal reaches Python, not the server
                preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
            )
        server = Virtuoso(folder, sql_port, http_port, process)
        _RUNNING.append(server)
        while time.monotonic() - began < startup_timeout:
            if process.poll() is not None:
                break
            if _answers(server.sparql_url):
                server.started_in = time.monotonic() - began
                return server
            time.sleep(0.2)
        if process.poll() is None:
            last_error = f"did not answer on port {http_port} within {startup_timeout:.0f} s"
        else:
            last_error = f"exited with code {process.returncode}"
        last_error += f"; its log ends:\n{server.log_tail()}"
        server.stop()
    raise VirtuosoFailed(f"Virtuoso {last_error}")


@contextlib.contextmanager
def running_virtuoso(
    *,
    sparql: Mapping[str, str | int] | None = None,
    buffers: int = 170_000,
    dirty_buffers: int = 130_000,
    startup_timeout: float = 90.0,
    parent: Path | None = None,
) -> Iterator[Virtuoso]:
    """A server for the duration of a ``with`` block; options as for :func:`start`."""
    server = start(
        sparql=sparql,
        buffers=buffers,
        dirty_buffers=dirty_buffers,
        startup_timeout=startup_timeout,
        parent=parent,
    )
    try:
        yield server
    finally:
        server.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=None, help="stop after N seconds")
    args = parser.parse_args()
    try:
        server = start()
    except (VirtuosoMissing, VirtuosoFailed) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    with server:
        print(f"started in      {server.started_in:.1f} s (pid {server.process.pid})")
        print(f"folder          {server.folder}")
        print(f"sparql (read)   {server.sparql_url}")
        print(f"sparql-auth     {server.update_url}")
        print(f"graph store     {server.gsp_url}")
        print(f"credentials     {server.user}/{server.password} (HTTP Digest)")
        print(f"isql            isql-vt 127.0.0.1:{server.sql_port} dba dba", flush=True)
        try:
            if args.seconds is None:
                while server.alive():
                    time.sleep(1)
            else:
                time.sleep(args.seconds)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
