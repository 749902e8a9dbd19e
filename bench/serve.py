"""Benchmark: `kg serve` under load (issue 18, item 6): many clients at once on loopback
against one client, per kind of request, on one store.

    .venv/bin/python bench/serve.py [--store DIR | --data FILE ... | --bundled]
                                    [--clients 20] [--seconds 30] [--markdown]

The default store (``DEFAULT_STORE``, 1M synthetic triples) is not made by this script;
make it once (about 2 minutes) with

    .venv/bin/python bench/synthetic.py --triples 1000000 -o synthetic-1m.nt
    .venv/bin/kg load synthetic-1m.nt --store ~/.cache/conflict-kg/serve-synthetic-1m

as bench/metrics.py makes its synthetic store. The script starts ``kg serve --port 0``
on the store as a process of its own, reads the address it prints, and asks it, through
its own SPARQL endpoint, for what to request:

- actor: the JSON of an actor's page (/api/actor), each actor asked once in the whole run
  (cold: no answer of the server can have been kept for it). The actors are drawn at
  random (fixed seed) among those whose number of relations (direct relation triples,
  both directions) lies between the first and third quartiles over all actors: a typical
  actor, not a hub;
- backers: /api/backers?of=X, X drawn among the recipients of support claims;
- search: /api/search?q=the label of an actor drawn at random;
- who-backs-whom: the bundled query /queries/who-backs-whom?backer=X, X drawn among the
  backers of support claims;
- sparql: a small SELECT at /sparql (the first 50 statements about an actor).

After one request of each kind (not counted: the server reads its vocabulary on first
use), one client asks for ``--seconds`` (the baseline), then ``--clients`` clients at once
for ``--seconds``. Each client is a thread with its own keep-alive connection and asks the
kinds in turn (client i starts at kind i), so every kind is asked about as often. A
request still under way at the end is waited for and counted. Errors: any answer that is
not 2xx, or a socket error. The server's memory is sampled from /proc: every 0.2 s the
VmHWM of each of its processes (`kg serve`'s watcher, the server, the processes the server
forks for SPARQL queries), and once a second the Pss of them all (smaps_rollup: a page a
forked process shares with the server counts once, not once per process). Its CPU is read
from /proc/PID/stat (each process's own and its waited-for children's); the rest of the
machine's from /proc/stat.

The target is the issue's: no errors, and for the cold actor page a p99 under 2 s. The
table says PASS or FAIL per row (the p99 part is judged on actor rows only).

Exit codes: 0 the run finished and every row passes; 1 a row fails, or the server did not
stop with exit 0 on SIGTERM; 2 nothing could be measured (no such store, the server did
not start).
"""

from __future__ import annotations

import argparse
import csv
import http.client
import io
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
KG = REPO / ".venv" / "bin" / "kg"
DEFAULT_STORE = Path.home() / ".cache" / "conflict-kg" / "serve-synthetic-1m"
KINDS = ("actor", "backers", "search", "who-backs-whom", "sparql")
TARGET_P99 = 2.0
CLK_TCK = os.sysconf("SC_CLK_TCK")

MAKE_STORE = (
    "make one with: .venv/bin/python bench/synthetic.py --triples 1000000 -o synthetic-1m.nt"
    " && .venv/bin/kg load synthetic-1m.nt --store {store}"
)

_RELATION_COUNTS = """
PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>
SELECT ?actor (COUNT(*) AS ?relations)
WHERE {
    ?kind ckg:directProperty ?property .
    { ?actor ?property ?other } UNION { ?other ?property ?actor }
}
GROUP BY ?actor
"""

_ACTORS = """
PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?actor (SAMPLE(?name) AS ?label)
WHERE {
    ?type rdfs:subClassOf* ckg:Actor .
    ?actor a ?type ;
           rdfs:label ?name .
}
GROUP BY ?actor
"""

_SUPPORT = """
PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>
SELECT DISTINCT ?backer ?recipient
WHERE { ?claim a ckg:SupportClaim ; ckg:backer ?backer ; ckg:recipient ?recipient }
"""

#: The small SELECT of the sparql kind; the IRI comes from the store (checked below).
_ABOUT = "SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }} LIMIT 50"


class BenchError(Exception):
    """Nothing can be measured: the message says why, in one line."""


# --- the server ----------------------------------------------------------------------------


@dataclass
class Server:
    """A running `kg serve` process and what it printed."""

    process: subprocess.Popen[str]
    url: str
    triples: int
    lines: list[str] = field(default_factory=list)

    @property
    def host_port(self) -> tuple[str, int]:
        parsed = urllib.parse.urlsplit(self.url)
        return parsed.hostname or "127.0.0.1", parsed.port or 80

    def stop(self, timeout: float = 30) -> int | None:
        """SIGTERM, then the exit code (None: it had to be killed)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            return None


def start_server(source: list[str], threads: int | None, wait: float = 300) -> Server:
    """Start `kg serve` on ``source`` and return once it answers."""
    command = [str(KG), "serve", *source, "--port", "0"]
    if threads is not None:
        command += ["--threads", str(threads)]
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    assert process.stderr is not None
    lines: list[str] = []
    found: list[tuple[str, int]] = []
    ready = threading.Event()

    def drain() -> None:
        # Read stderr to its end, so that a server writing tracebacks never blocks on a
        # full pipe; the first line with the address is what we wait for.
        assert process.stderr is not None
        for line in process.stderr:
            lines.append(line.rstrip("\n"))
            match = re.match(r"kg serve: (http://\S+?)/? \(.*?([\d,]+) triples", line)
            if match and not found:
                found.append((match.group(1), int(match.group(2).replace(",", ""))))
                ready.set()
        ready.set()

    threading.Thread(target=drain, daemon=True).start()
    ready.wait(wait)
    if not found:
        try:
            code: int | None = process.wait(10)  # its stderr is closed: it is ending
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            code = None
        said = next((line for line in reversed(lines) if line.strip()), "no message")
        raise BenchError(f"kg serve did not start (exit {code}): {said}")
    server = Server(process, found[0][0], found[0][1], lines)
    deadline = time.monotonic() + 30
    while True:
        try:
            status, _ = get(server, "/api/info")
            if status == 200:
                return server
        except OSError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            server.stop()
            raise BenchError(f"kg serve printed {server.url} but does not answer there")
        time.sleep(0.2)


def get(server: Server, path: str, accept: str = "application/json") -> tuple[int, bytes]:
    """One request on a connection of its own."""
    host, port = server.host_port
    connection = http.client.HTTPConnection(host, port, timeout=300)
    try:
        connection.request("GET", path, headers={"Accept": accept})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def select(server: Server, text: str) -> list[dict[str, str]]:
    """The rows of a SELECT, as CSV text values, through the server's own endpoint."""
    status, body = get(server, "/sparql?" + urllib.parse.urlencode({"query": text}), "text/csv")
    if status != 200:
        raise BenchError(f"/sparql answered {status}: {body.decode('utf-8', 'replace')[:200]}")
    return list(csv.DictReader(io.StringIO(body.decode("utf-8"))))


# --- what to ask ---------------------------------------------------------------------------


@dataclass
class Plan:
    """The requests of each kind; cold actors are handed out once each."""

    cold: list[str]
    typical: tuple[int, int]
    actors: int
    labels: list[str]
    recipients: list[str]
    backers: list[str]
    rng: random.Random
    typical_iris: list[str]
    lock: threading.Lock = field(default_factory=threading.Lock)
    exhausted: int = 0

    def path(self, kind: str) -> str | None:
        with self.lock:
            if kind == "actor":
                if not self.cold:
                    self.exhausted += 1
                    return None
                return "/api/actor?" + urllib.parse.urlencode({"actor": self.cold.pop()})
            if kind == "backers":
                return "/api/backers?" + urllib.parse.urlencode(
                    {"of": self.rng.choice(self.recipients)}
                )
            if kind == "search":
                return "/api/search?" + urllib.parse.urlencode({"q": self.rng.choice(self.labels)})
            if kind == "who-backs-whom":
                return "/queries/who-backs-whom?" + urllib.parse.urlencode(
                    {"backer": "<" + self.rng.choice(self.backers) + ">"}
                )
            iri = self.rng.choice(self.typical_iris)
            return "/sparql?" + urllib.parse.urlencode({"query": _ABOUT.format(iri=iri)})


def plan(server: Server, seed: int) -> Plan:
    """What to ask, read from the store through the server."""
    counts = {r["actor"]: int(r["relations"]) for r in select(server, _RELATION_COUNTS)}
    labels = {r["actor"]: r["label"] for r in select(server, _ACTORS)}
    support = select(server, _SUPPORT)
    # Every actor counts, those with no relation too (0), for the quartiles.
    numbers = sorted(counts.get(actor, 0) for actor in labels)
    if not numbers or not support:
        raise BenchError("the store has no actors or no support claims to ask about")
    low, high = numbers[len(numbers) // 4], numbers[(3 * len(numbers)) // 4]
    safe = re.compile(r"^[^\s<>\"{}|\\^`]+$")
    typical = sorted(a for a in labels if low <= counts.get(a, 0) <= high and safe.match(a))
    rng = random.Random(seed)
    rng.shuffle(typical)
    return Plan(
        cold=list(typical),
        typical=(low, high),
        actors=len(labels),
        labels=sorted(labels.values()),
        recipients=sorted({r["recipient"] for r in support}),
        backers=sorted({r["backer"] for r in support if safe.match(r["backer"])}),
        rng=rng,
        typical_iris=list(typical),
    )


# --- the load ------------------------------------------------------------------------------


@dataclass
class Sample:
    kind: str
    seconds: float
    ok: bool
    what: str  # the status, or the socket error


def client(
    server: Server,
    chosen: Plan,
    kinds: tuple[str, ...],
    first: int,
    deadline: float,
    out: list[Sample],
) -> None:
    """Ask the kinds in turn on one keep-alive connection until ``deadline``."""
    host, port = server.host_port
    connection = http.client.HTTPConnection(host, port, timeout=300)
    turn = first
    while time.monotonic() < deadline:
        kind = kinds[turn % len(kinds)]
        turn += 1
        path = chosen.path(kind)
        if path is None:
            if kinds == ("actor",):
                break  # nothing else to ask
            continue
        began = time.perf_counter()
        try:
            connection.request("GET", path, headers={"Accept": "application/json"})
            response = connection.getresponse()
            response.read()
            ok, what = 200 <= response.status < 300, str(response.status)
        except (OSError, http.client.HTTPException) as error:
            ok, what = False, type(error).__name__
            connection.close()
            connection = http.client.HTTPConnection(host, port, timeout=300)
        out.append(Sample(kind, time.perf_counter() - began, ok, what))
    connection.close()


@dataclass
class Watch:
    """The memory of the server's processes, sampled while a phase runs: `kg serve` (a
    watcher), the server it forks, and the processes the server forks for SPARQL."""

    pid: int
    peak_pss: int = 0  # kB, all of them at one moment, a shared page counted once
    hwm: dict[int, int] = field(default_factory=dict)  # kB, VmHWM of each process seen
    stop: threading.Event = field(default_factory=threading.Event)

    def sample(self, pss: bool = True) -> None:
        total = 0
        for pid in _tree(self.pid):
            if pss:
                total += _pss(pid)
            self.hwm[pid] = max(self.hwm.get(pid, 0), _status(pid).get("VmHWM", 0))
        if pss:
            self.peak_pss = max(self.peak_pss, total)

    def run(self) -> None:
        # Pss once a second: reading smaps_rollup of a process that maps a large store
        # costs the kernel time (a few percent of a core at five times a second).
        turn = 0
        self.sample()
        while not self.stop.wait(0.2):
            turn += 1
            self.sample(pss=turn % 5 == 0)


def _status(pid: int) -> dict[str, int]:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {}
    values = {}
    for line in text.splitlines():
        name, _, rest = line.partition(":")
        if name == "VmHWM":
            values[name] = int(rest.split()[0])
    return values


def _pss(pid: int) -> int:
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    found = re.search(r"^Pss:\s+(\d+) kB", text, re.MULTILINE)
    return int(found.group(1)) if found else 0


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants alive now."""
    found = [pid]
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return found
    for task in tasks:
        try:
            children = [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
        for child in children:
            found += _tree(child)
    return found


def machine_busy() -> float:
    """CPU seconds the whole machine has spent busy (not idle, not waiting on a disk)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(values) - values[3] - values[4]) / CLK_TCK


def cpu_seconds(pid: int) -> float:
    """CPU used by ``pid`` and its descendants: each live one's utime and stime, and the
    cutime and cstime of the children it has waited for (a finished query process)."""
    total = 0
    for each in _tree(pid):
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(v) for v in fields[11:15])
    return total / CLK_TCK


@dataclass
class Phase:
    clients: int
    samples: list[Sample]
    seconds: float
    server_cpu: float
    client_cpu: float
    peak_pss: int
    server_hwm: int
    query_hwm: int
    queued: list[int]  # waitress's "Task queue depth is N" warnings during the phase
    others_cpu: float  # what the rest of the machine used meanwhile (other agents)


def run_phase(
    server: Server, chosen: Plan, kinds: tuple[str, ...], clients: int, seconds: float
) -> Phase:
    pid = server.process.pid
    watch = Watch(pid)
    watcher = threading.Thread(target=watch.run, daemon=True)
    watcher.start()
    out: list[list[Sample]] = [[] for _ in range(clients)]
    said = len(server.lines)
    busy0 = machine_busy()
    cpu0, mine0, began = cpu_seconds(pid), time.process_time(), time.monotonic()
    deadline = began + seconds
    threads = [
        threading.Thread(target=client, args=(server, chosen, kinds, i, deadline, out[i]))
        for i in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    cpu, mine = cpu_seconds(pid) - cpu0, time.process_time() - mine0
    others = max(0.0, machine_busy() - busy0 - cpu - mine)
    watch.stop.set()
    watcher.join()
    watch.sample()
    # The server is the process that holds the store, the largest; `kg serve`'s watcher
    # and the query processes (forked from the server) are the others.
    tree = _tree(pid)
    serving = max(tree[1:] or tree, key=lambda p: watch.hwm.get(p, 0))
    queries = [kb for p, kb in watch.hwm.items() if p not in (pid, serving)]
    samples = [s for part in out for s in part]
    depths = [re.search(r"Task queue depth is (\d+)", line) for line in server.lines[said:]]
    return Phase(
        clients,
        samples,
        elapsed,
        cpu,
        mine,
        watch.peak_pss,
        watch.hwm.get(serving, 0),
        max(queries, default=0),
        [int(m.group(1)) for m in depths if m],
        others,
    )


# --- the table -----------------------------------------------------------------------------


def quantile(sorted_values: list[float], q: float) -> float:
    """The nearest-rank quantile."""
    if not sorted_values:
        return float("nan")
    rank = max(1, -(-int(q * 1000) * len(sorted_values) // 1000))
    return sorted_values[min(rank, len(sorted_values)) - 1]


@dataclass
class Row:
    kind: str
    clients: int
    requests: int
    errors: int
    p50: float
    p90: float
    p99: float
    max: float
    rate: float
    verdict: str


def rows_of(phase: Phase, kinds: tuple[str, ...]) -> list[Row]:
    rows = []
    for kind in (*kinds, "all"):
        mine = [s for s in phase.samples if kind in ("all", s.kind)]
        times = sorted(s.seconds for s in mine)
        errors = sum(not s.ok for s in mine)
        p99 = quantile(times, 0.99)
        passes = errors == 0 and bool(mine) and (kind != "actor" or p99 < TARGET_P99)
        rows.append(
            Row(
                kind,
                phase.clients,
                len(mine),
                errors,
                quantile(times, 0.5),
                quantile(times, 0.9),
                p99,
                times[-1] if times else float("nan"),
                len(mine) / phase.seconds,
                "PASS" if passes else "FAIL",
            )
        )
    return rows


HEADERS = (
    "kind",
    "clients",
    "requests",
    "errors",
    "p50 s",
    "p90 s",
    "p99 s",
    "max s",
    "req/s",
    "target",
)


def cells(row: Row) -> list[str]:
    return [
        row.kind,
        str(row.clients),
        f"{row.requests:,}",
        str(row.errors),
        f"{row.p50:.3f}",
        f"{row.p90:.3f}",
        f"{row.p99:.3f}",
        f"{row.max:.3f}",
        f"{row.rate:.1f}",
        row.verdict,
    ]


def table(rows: list[Row], markdown: bool) -> str:
    body = [cells(r) for r in rows]
    if markdown:
        lines = ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
        return "\n".join([*lines, *("| " + " | ".join(c) + " |" for c in body)])
    widths = [max(len(h), *(len(c[i]) for c in body)) for i, h in enumerate(HEADERS)]
    line: Callable[[list[str] | tuple[str, ...]], str] = lambda cs: "  ".join(  # noqa: E731
        c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cs, widths))
    )
    return "\n".join([line(HEADERS), *(line(c) for c in body)])


def mib(kb: int) -> str:
    return f"{kb / 1024:.0f} MiB"


def describe(phase: Phase, cores: int) -> str:
    share = phase.server_cpu / (phase.seconds * cores)
    per = phase.server_cpu / max(1, len(phase.samples))
    queued = (
        f"waitress queued a request {len(phase.queued)} times (deepest {max(phase.queued)})"
        if phase.queued
        else "waitress queued no request"
    )
    return (
        f"{phase.clients} client(s): {phase.seconds:.1f} s; server CPU {phase.server_cpu:.1f} s"
        f" ({share:.0%} of {cores} cores, {per:.2f} s a request); {queued};"
        f" the clients' own CPU {phase.client_cpu:.2f} s; the rest of the machine"
        f" {phase.others_cpu / phase.seconds:.2f} cores;"
        f" server VmHWM {mib(phase.server_hwm)}; largest query process seen"
        f" {mib(phase.query_hwm) if phase.query_hwm else '-'};"
        f" all its processes at one moment at most {mib(phase.peak_pss)} (Pss)"
    )


# --- the command ---------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="A store to measure: " + MAKE_STORE.format(store=DEFAULT_STORE),
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--store", type=Path, help=f"the Oxigraph store to serve (default {DEFAULT_STORE})"
    )
    source.add_argument(
        "--data", type=Path, action="append", help="serve this RDF file in memory (repeatable)"
    )
    source.add_argument("--bundled", action="store_true", help="serve the bundled data")
    parser.add_argument("--clients", type=int, default=20, help="clients at once (default 20)")
    parser.add_argument("--seconds", type=float, default=30, help="per phase (default 30)")
    parser.add_argument("--threads", type=int, help="kg serve --threads (default: its own, 8)")
    parser.add_argument(
        "--kinds",
        default=",".join(KINDS),
        help=f"the kinds of request to ask, comma-separated (default {','.join(KINDS)})",
    )
    parser.add_argument("--seed", type=int, default=1, help="for drawing what to ask")
    parser.add_argument("--markdown", action="store_true", help="the rows as a Markdown table")
    args = parser.parse_args(argv)
    if args.clients < 1 or args.seconds <= 0:
        parser.error("--clients must be at least 1 and --seconds more than 0")
    kinds = tuple(k.strip() for k in args.kinds.split(",") if k.strip())
    if not kinds or any(k not in KINDS for k in kinds):
        parser.error(f"--kinds: choose among {', '.join(KINDS)}")
    args.kinds = kinds
    if args.bundled:
        served, what = [], "the bundled data"
    elif args.data:
        served = [part for path in args.data for part in ("--data", str(path))]
        what = ", ".join(str(p) for p in args.data)
    else:
        store = args.store or DEFAULT_STORE
        if not store.exists():
            print(
                f"bench/serve.py: no store at {store}; " + MAKE_STORE.format(store=store),
                file=sys.stderr,
            )
            return 2
        served, what = ["--store", str(store)], f"store {store}"
    try:
        return measure(served, what, args)
    except BenchError as error:
        print(f"bench/serve.py: {error}", file=sys.stderr)
        return 2


def measure(served: list[str], what: str, args: argparse.Namespace) -> int:
    began = time.monotonic()
    server = start_server(served, args.threads)
    try:
        started = time.monotonic() - began
        chosen = plan(server, args.seed)
        for kind in args.kinds:
            path = chosen.path(kind)
            if path is not None:
                get(server, path)
        baseline = run_phase(server, chosen, args.kinds, 1, args.seconds)
        loaded = run_phase(server, chosen, args.kinds, args.clients, args.seconds)
    finally:
        code = server.stop()
    cores = os.cpu_count() or 1
    rows = [
        r for pair in zip(rows_of(baseline, args.kinds), rows_of(loaded, args.kinds)) for r in pair
    ]
    low, high = chosen.typical
    lines = [
        f"kg serve on {what}: {server.triples:,} triples, started in {started:.1f} s;"
        f" {chosen.actors:,} actors, {len(chosen.typical_iris):,} typical"
        f" ({low}-{high} relations); {len(chosen.typical_iris) - len(chosen.cold):,}"
        " asked cold" + (f" (none left {chosen.exhausted} times)" if chosen.exhausted else ""),
        table(rows, args.markdown),
        describe(baseline, cores),
        describe(loaded, cores),
        f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
        f"kg serve stopped by SIGTERM: exit {code if code is not None else 'none (killed)'}",
    ]
    if args.markdown:
        lines[2:] = [f"- {line}" for line in lines[2:]]
    print("\n".join(lines))
    failed = any(r.verdict == "FAIL" for r in rows) or code != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
