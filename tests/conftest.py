"""Shared fixtures: paths, a CLI runner, graphs, and a listener that records connections."""

from __future__ import annotations

import os
import pty
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kg import resources
from kg.errors import KGError
from kg.graph import KnowledgeGraph, StoreSpec
from kg.loading import load_store

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent

# Tables are as wide as kg makes them without a terminal (120 columns), in this process and
# in the `kg` processes the tests start, whoever runs the tests: pytest-xdist's workers
# inherit a COLUMNS of their own.
os.environ["COLUMNS"] = "120"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def tiny_path() -> Path:
    return TESTS / "data" / "tiny.ttl"


@pytest.fixture(scope="session")
def tiny_graph() -> KnowledgeGraph:
    return KnowledgeGraph.open([TESTS / "data" / "tiny.ttl"])


@pytest.fixture(scope="session")
def astana_graph() -> KnowledgeGraph:
    return KnowledgeGraph.open()


class Listener:
    """A TCP server on 127.0.0.1 that counts the connections made to it."""

    def __init__(self) -> None:
        self.server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(16)
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self.server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            connection.close()  # answer nothing: the client sees an error

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.server.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


# --- the same tests on every store ------------------------------------------------------

STORE_KINDS = ("memory", "oxigraph", "endpoint")


class StoreRig:
    """Runs ``kg`` commands of a test on one store kind.

    With "oxigraph" or "endpoint", the files a command names with --data/--add (or the
    bundled data) are first put into a store by ``kg load`` (once per set of files), and the
    command runs with KG_STORE or KG_ENDPOINT set instead of those options. A command whose
    files do not load at all (a test of a broken file) runs in memory, where that is tested.
    """

    def __init__(self, kind: str, folder: Path, server: Any = None) -> None:
        self.kind = kind
        self.folder = folder
        self.server = server
        self.stores: dict[tuple[str, ...], Path] = {}
        self.loaded: tuple[str, ...] | None = None

    def spec(self, files: tuple[str, ...]) -> StoreSpec:
        if self.kind == "endpoint":
            return self.server.spec()
        if files not in self.stores:
            self.stores[files] = self.folder / f"store-{len(self.stores)}"
        return StoreSpec(folder=self.stores[files])

    def environment(self, args: list[str]) -> tuple[list[str], dict[str, str]] | None:
        """The arguments without --data/--add and the environment naming the store holding
        those files, or None to run in memory."""
        rest: list[str] = []
        data: list[str] = []
        add: list[str] = []
        it = iter(args)
        for arg in it:
            if arg in ("--data", "--add"):
                (data if arg == "--data" else add).append(next(it))
            else:
                rest.append(arg)
        files = tuple(data or [str(p) for p in resources.data_files()]) + tuple(add)
        spec = self.spec(files)
        try:
            # reference=False: the store holds the same files as memory does, no more
            # (kg load adds the bundled actors and aliases; tests/test_store_names.py).
            if self.kind == "oxigraph" and not (spec.folder and spec.folder.exists()):
                load_store(spec, [Path(f) for f in files], reference=False)
            elif self.kind == "endpoint" and self.loaded != files:
                self.loaded = None
                load_store(spec, [Path(f) for f in files], replace=True, reference=False)
                self.loaded = files
        except KGError:
            return None
        if self.kind == "endpoint":
            env = {
                "KG_ENDPOINT": spec.endpoint or "",
                "KG_UPDATE_ENDPOINT": spec.update_endpoint or "",
                "KG_STORE_ENDPOINT": spec.store_endpoint or "",
                "KG_ENDPOINT_USER": spec.user or "",
                "KG_ENDPOINT_PASSWORD": spec.password or "",
            }
        else:
            env = {"KG_STORE": str(spec.folder)}
        return rest, env


@pytest.fixture(scope="session")
def virtuoso_server() -> Iterator[Any]:
    """A throwaway Virtuoso on 127.0.0.1 (bench/virtuoso.py); in CI its absence fails."""
    sys.path.insert(0, str(REPO / "bench"))
    import virtuoso

    if virtuoso.find_virtuoso() is None:
        message = f"Virtuoso is not installed: {virtuoso.INSTALL_HINT}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    with virtuoso.running_virtuoso() as server:
        yield server


@pytest.fixture(scope="session")
def store_rigs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, StoreRig]:
    return {}


@pytest.fixture(params=STORE_KINDS)
def any_store(
    request: pytest.FixtureRequest,
    store_rigs: dict[str, StoreRig],
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> str:
    """Run the test once per store kind: every CliRunner.invoke of kg in it goes to that
    store (see StoreRig). Use with ``pytestmark = pytest.mark.usefixtures("any_store")``."""
    kind: str = request.param
    if kind == "memory":
        return kind
    if kind not in store_rigs:
        server = request.getfixturevalue("virtuoso_server") if kind == "endpoint" else None
        store_rigs[kind] = StoreRig(kind, tmp_path_factory.mktemp(kind), server)
    rig = store_rigs[kind]
    invoke = CliRunner.invoke

    def on_store(self: CliRunner, cli: Any, args: Any = None, **kwargs: Any) -> Any:
        # validate with files reads them into memory (tests/test_store.py and
        # tests/test_cli_validate.py validate stores); load and import write files.
        if (
            isinstance(args, list | tuple)
            and args
            and args[0] not in ("load", "import", "validate")
        ):
            found = rig.environment([str(a) for a in args])
            if found is not None:
                args, env = found
                kwargs["env"] = {**env, **(kwargs.get("env") or {})}
        return invoke(self, cli, args, **kwargs)

    monkeypatch.setattr(CliRunner, "invoke", on_store)
    return kind


def on_a_terminal(*args: str | Path, timeout: float = 120) -> tuple[str, str]:
    """`kg ARGS` with stderr on a pseudo-terminal, as a user sees it (no KG_* settings of
    the test run); (stdout, what the terminal got). The command must succeed."""
    main, other = pty.openpty()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    kg = str(Path(sys.executable).parent / "kg")
    try:
        process = subprocess.Popen(
            [kg, *map(str, args)], stdout=subprocess.PIPE, stderr=other, env=environment
        )
    finally:
        os.close(other)
    shown = bytearray()
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the terminal's other end is closed: the process has exited
            break
        if not chunk:
            break
        shown += chunk
    os.close(main)
    out = process.stdout.read().decode() if process.stdout else ""
    assert process.wait(timeout=timeout) == 0, (out, shown)
    return out, shown.decode()


# --- a real browser (the page of kg plot, the page of kg serve) ---------------------------


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's chromium (.ci/install-chromium puts it there): skips without it, fails
    under CI."""
    found = find_chromium()
    if found is None:
        message = "chromium is not installed (Debian: apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI must install it (see .ci/run)")
        pytest.skip(message)
    return found
