"""Benchmark: every store side by side with the plain rdflib in-memory baseline.

    .venv/bin/python bench/stores.py [--sizes 10000,100000,1000000] [--engines ...] [--esd]

For each size, synthetic data (bench/synthetic.py: actors of every type, sourced and dated
claims, a long tail of minor actors) is generated once, then each engine runs the steps in
a process of its own:

    load            read the file (and the ontology) and derive the direct relations
    validate        all the shapes (pySHACL for rdflib; the shapes compiled to SPARQL for
                    the stores; Jena's shacl.shacl as a peer)
    who-backs-whom  who backs whom: the bundled who-backs-whom.rq, every support claim
    backers-of      the same query with ?recipient bound to the biggest hub
    report-backers  `kg report backers --of "Synthetic Actor 1"` through the library
    count-backers   backers-per-recipient.rq: a count of backers per recipient
    metrics         kg.metrics.measure: PageRank, betweenness, camps, balance
    export-turtle   the data and derived relations written as Turtle
    cold-cli        `kg report backers --of ... --store DIR` as a new process (start included)

With --esd (and alone with --imports-only), the import rows of bench/imports.py: ESD and
ATOP each imported into a store and into a file, and `kg load` of what they produced.

Engines: rdflib (the baseline: kg in memory), oxigraph (kg --store DIR), pyoxigraph (the
same work with pyoxigraph directly, no kg code, on disk as kg --store DIR is),
pyoxigraph-memory (the same in an in-memory Oxigraph store: what pyoxigraph does without
RocksDB, for reference; kg has no such store), virtuoso (kg --endpoint, a throwaway
Virtuoso 7 from bench/virtuoso.py), jena (validation only, bench/peers.py).

Seconds are wall time. Peak memory is the step's own peak resident set: the worker resets
its high-water mark (/proc/self/clear_refs) before each step, so it includes what the worker
already holds (the graph) but not earlier steps' peaks. A step that runs past --step-timeout
is shown as "timeout": the worker stops it if Python can (SIGALRM), else the driver kills
the worker (a query running in Oxigraph's Rust code does not see the signal) and starts a
new one, which loads again and goes on with the next step.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
sys.path.insert(0, str(BENCH))

STEPS = (
    "load",
    "validate",
    "who-backs-whom",
    "backers-of",
    "report-backers",
    "count-backers",
    "metrics",
    "export-turtle",
    "cold-cli",
)
ENGINES = ("rdflib", "oxigraph", "pyoxigraph", "pyoxigraph-memory", "virtuoso", "jena")
ACTOR = "Synthetic Actor 1"
ACTOR_IRI = "https://w3id.org/conflict-kg/id/synthetic-actor-1"
DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
ESD_CSV = REPO.parent / "shared" / "data" / "ucdp-esd" / "ucdp-esd-ty-181.csv"


class StepTimeout(Exception):
    """A step ran past its time."""


# --- measuring, inside a worker -----------------------------------------------------------


def _status(field: str) -> float:
    """A memory figure of this process from /proc/self/status, in MiB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def _reset_peak() -> None:
    with contextlib.suppress(OSError), open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")


def _alarm(_signum: int, _frame: Any) -> None:
    raise StepTimeout


def measure(name: str, work: Callable[[], Any], timeout: float) -> dict[str, Any]:
    """Run ``work``; return the step's seconds, peak MiB and what it counted (rows...)."""
    _reset_peak()
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    started = time.perf_counter()
    own_peak: float | None = None
    try:
        found = work()
        if isinstance(found, tuple):  # (count, the peak of the process the step started)
            found, own_peak = found
        outcome: dict[str, Any] = {"status": "ok"}
        if found is not None:
            outcome["count"] = found
    except StepTimeout:
        outcome = {"status": "timeout"}
    except Exception as error:  # a benchmark reports a failing step and goes on
        outcome = {"status": "error", "error": f"{type(error).__name__}: {error}"[:200]}
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    outcome.update(
        step=name,
        seconds=round(time.perf_counter() - started, 3),
        peak_mib=round(own_peak if own_peak is not None else _status("VmHWM"), 1),
    )
    return outcome


# --- the engines' steps -------------------------------------------------------------------


def _kg_steps(kg_open: Callable[[], Any], cold: list[str] | None) -> dict[str, Callable[[], Any]]:
    """The steps through kg's library, on whatever store ``kg_open`` gives."""
    from rdflib import URIRef

    from kg import export, metrics, reports, validation

    state: dict[str, Any] = {}

    def load() -> int:
        state["kg"] = kg_open()
        return len(state["kg"])

    def validate() -> int:
        report = validation.validate_kg(state["kg"])
        return len(report.results)

    def who_backs_whom() -> int:
        return len(state["kg"].select("who-backs-whom").rows)

    def backers_of() -> int:
        rows = state["kg"].select("who-backs-whom", {"recipient": URIRef(ACTOR_IRI)}).rows
        return len(rows)

    def report_backers() -> int:
        return len(reports.backers(state["kg"], of=ACTOR).rows)

    def count_backers() -> int:
        return len(state["kg"].select("backers-per-recipient").rows)

    def run_metrics() -> int:
        return len(metrics.measure(state["kg"]).influence)

    def export_turtle() -> int:
        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder) / "out.ttl"
            export.export_to_file(state["kg"], target, "turtle")
            return target.stat().st_size

    steps = {
        "load": load,
        "validate": validate,
        "who-backs-whom": who_backs_whom,
        "backers-of": backers_of,
        "report-backers": report_backers,
        "count-backers": count_backers,
        "metrics": run_metrics,
        "export-turtle": export_turtle,
    }
    if cold is not None:

        def cold_cli() -> tuple[int, float]:
            # The new process's own peak. Not this worker's wait4(): a child forked from the
            # worker counts the worker's memory (the graph) in its peak. A small launcher
            # starts kg and reports its child's peak on the last line of standard error.
            done = subprocess.run(
                [sys.executable, "-c", _LAUNCHER, *cold], capture_output=True, text=True
            )
            if done.returncode != 0:
                raise RuntimeError(f"{' '.join(cold)}: exit {done.returncode}")
            peak_kib = int(done.stderr.strip().splitlines()[-1])
            return max(0, len(done.stdout.splitlines()) - 2), peak_kib / 1024

        steps["cold-cli"] = cold_cli
    return steps


_LAUNCHER = (
    "import resource, subprocess, sys; "
    "code = subprocess.run(sys.argv[1:]).returncode; "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
    "sys.exit(code)"
)


def rdflib_steps(data: Path, _work: Path) -> dict[str, Callable[[], Any]]:
    from kg.graph import KnowledgeGraph

    return _kg_steps(lambda: KnowledgeGraph.open([data]), None)


def oxigraph_steps(data: Path, work: Path) -> dict[str, Callable[[], Any]]:
    from kg.graph import KnowledgeGraph, StoreSpec
    from kg.loading import load_store

    folder = work / "oxigraph-store"
    spec = StoreSpec(folder=folder)

    def kg_open() -> Any:
        shutil.rmtree(folder, ignore_errors=True)
        load_store(spec, [data])
        return KnowledgeGraph.open(store=spec)

    kg = str(Path(sys.executable).with_name("kg"))
    return _kg_steps(kg_open, [kg, "report", "backers", "--of", ACTOR, "--store", str(folder)])


def virtuoso_steps(data: Path, _work: Path) -> dict[str, Callable[[], Any]]:
    import virtuoso

    from kg.graph import KnowledgeGraph
    from kg.loading import load_store

    server = virtuoso.start()
    spec = server.spec(timeout=3600)

    def kg_open() -> Any:
        load_store(spec, [data], replace=True)
        return KnowledgeGraph.open(store=spec)

    kg = str(Path(sys.executable).with_name("kg"))
    cold = [kg, "report", "backers", "--of", ACTOR, "--endpoint", server.sparql_url]
    return _kg_steps(kg_open, cold)


def pyoxigraph_steps(
    data: Path, work: Path, *, in_memory: bool = False
) -> dict[str, Callable[[], Any]]:
    """The same work with pyoxigraph alone: bulk load, derive by the same CONSTRUCT, the
    same query texts (bound values written into them), a native Turtle dump. On disk, or
    ``in_memory``."""
    import pyoxigraph as ox

    from kg import queries, resources

    state: dict[str, Any] = {}
    data_graph = ox.NamedNode("urn:conflict-kg:graph:data")
    prefixes = dict(queries.PREFIXES)

    def load() -> int:
        folder = work / "pyoxigraph-store"
        shutil.rmtree(folder, ignore_errors=True)
        store = ox.Store() if in_memory else ox.Store(str(folder))
        store.bulk_load(path=str(data), format=ox.RdfFormat.N_TRIPLES, to_graph=data_graph)
        for path in resources.ontology_files():
            store.bulk_load(
                path=str(path),
                format=ox.RdfFormat.TURTLE,
                to_graph=ox.NamedNode("urn:conflict-kg:graph:ontology"),
            )
        rule = queries.named_query("derive-direct-relations").text
        derived = store.query(rule, use_default_graph_as_union=True)
        graph = ox.NamedNode("urn:conflict-kg:graph:derived")
        store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in derived)
        store.flush()
        state["store"] = store
        return len(store)

    def select(text: str) -> int:
        result = state["store"].query(text, use_default_graph_as_union=True, prefixes=prefixes)
        return sum(1 for _ in result)

    def backers_of() -> int:
        text = queries.named_query("who-backs-whom").text
        at = text.index("WHERE {") + len("WHERE {")
        return select(f"{text[:at]} VALUES ?recipient {{ <{ACTOR_IRI}> }} {text[at:]}")

    def export_turtle() -> int:
        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder) / "out.ttl"
            with target.open("wb") as out:
                for name in ("data", "derived"):
                    state["store"].dump(
                        out,
                        ox.RdfFormat.TURTLE,
                        from_graph=ox.NamedNode(f"urn:conflict-kg:graph:{name}"),
                        prefixes=prefixes,
                    )
            return target.stat().st_size

    return {
        "load": load,
        "who-backs-whom": lambda: select(queries.named_query("who-backs-whom").text),
        "backers-of": backers_of,
        "count-backers": lambda: select(queries.named_query("backers-per-recipient").text),
        "export-turtle": export_turtle,
    }


def jena_steps(data: Path, _work: Path) -> dict[str, Callable[[], Any]]:
    import peers

    from kg import resources

    figures: dict[str, Any] = {}

    def validate() -> int:
        found = peers.jena_shacl([data, *resources.ontology_files()], timeout=3600)
        figures.update(seconds=found.seconds, peak=found.peak_mib)
        if found.results is None:
            raise RuntimeError(f"Jena failed: {found.stderr[-150:]}")
        return found.results

    return {"validate": validate, "_figures": lambda: figures}


def selftest_steps(_data: Path, _work: Path) -> dict[str, Callable[[], Any]]:
    """For tests/test_bench.py: a step that no signal stops, between two that work."""

    def stuck() -> int:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        time.sleep(3600)
        return 0

    return {"load": lambda: 1, "stuck": stuck, "after": lambda: 2}


WORKERS: dict[str, Callable[[Path, Path], dict[str, Callable[[], Any]]]] = {
    "rdflib": rdflib_steps,
    "oxigraph": oxigraph_steps,
    "pyoxigraph": pyoxigraph_steps,
    "pyoxigraph-memory": lambda data, work: pyoxigraph_steps(data, work, in_memory=True),
    "virtuoso": virtuoso_steps,
    "jena": jena_steps,
    "selftest": selftest_steps,
}


def worker(engine: str, data: Path, steps: list[str], timeout: float) -> None:
    """Run one engine's steps in this process; print one JSON line per step."""
    with tempfile.TemporaryDirectory(prefix=f"bench-{engine}-") as work:
        available = WORKERS[engine](data, Path(work))
        for step in steps:
            if step not in available:
                continue
            print(json.dumps({"start": step}), flush=True)
            outcome = measure(step, available[step], timeout)
            if engine == "jena" and outcome["status"] == "ok":
                # Jena runs as its own process: its figures, not this worker's.
                figures = available["_figures"]()
                outcome.update(seconds=round(figures["seconds"], 3), peak_mib=figures["peak"])
            print(json.dumps(outcome), flush=True)
            if outcome["status"] != "ok" and step == "load":
                break  # the other steps need the graph


# --- the driver ---------------------------------------------------------------------------


def run_engine(
    engine: str, data: Path, steps: list[str], timeout: float, grace: float = 60.0
) -> Iterator[dict[str, Any]]:
    """Run ``engine``'s steps in worker processes; yield each step's outcome.

    The worker says when it starts a step. A step that runs ``timeout`` seconds (and a
    minute's grace) past its start (``grace``) is reported as a timeout and its worker killed; a new
    worker loads again and goes on with the steps after it."""
    remaining = list(steps)
    reported: set[str] = set()
    while remaining:
        todo = remaining if remaining[0] == "load" or "load" not in steps else ["load", *remaining]
        command = [
            sys.executable,
            __file__,
            "--worker",
            engine,
            "--data",
            str(data),
            "--steps",
            ",".join(todo),
            "--step-timeout",
            str(timeout),
        ]
        with tempfile.TemporaryFile("w+") as errors:
            process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, bufsize=0)
            assert process.stdout is not None
            current: str | None = None
            started, deadline = time.monotonic(), time.monotonic() + max(timeout, 600.0)
            killed = False
            for line in _lines(process.stdout, lambda: deadline):
                if line is None:  # past the deadline
                    process.kill()
                    killed = True
                    break
                try:
                    message = json.loads(line)
                except ValueError:
                    continue
                if "start" in message:
                    current, started = message["start"], time.monotonic()
                    deadline = started + timeout + grace
                    continue
                current = None
                step = message["step"]
                if step in remaining:
                    remaining.remove(step)
                if step not in reported:
                    reported.add(step)
                    yield message
                if step == "load" and message["status"] != "ok":
                    remaining = []
            process.wait()
            if process.returncode not in (0, None) and not killed:
                errors.seek(0)
                sys.stderr.write(f"[{engine}] exit {process.returncode}: {errors.read()[-400:]}\n")
        if killed and current is not None:
            if current not in reported:
                reported.add(current)
                yield {
                    "step": current,
                    "status": "timeout",
                    "seconds": round(time.monotonic() - started, 3),
                    "peak_mib": None,
                }
            remaining = [step for step in remaining if step != current]
            continue
        break  # the worker ended: steps it did not report are steps this engine lacks


def _lines(stream: Any, deadline: Callable[[], float]) -> Iterator[bytes | None]:
    """The lines a worker writes, as they come (read unbuffered, so that a line is never
    left waiting in a buffer); None once ``deadline()`` has passed with no line."""
    pending = b""
    while True:
        ready, _, _ = select.select([stream], [], [], 1.0)
        if not ready:
            if time.monotonic() > deadline():
                yield None
                return
            continue
        chunk = os.read(stream.fileno(), 65536)
        if not chunk:
            return
        pending += chunk
        *lines, pending = pending.split(b"\n")
        yield from lines


def _cell(outcome: dict[str, Any] | None, baseline: dict[str, Any] | None) -> str:
    if outcome is None:
        return "—"
    if outcome["status"] != "ok":
        return outcome["status"]
    text = f"{outcome['seconds']:.2f} s, {outcome['peak_mib']:.0f} MiB"
    if baseline is not None and baseline.get("status") == "ok" and outcome["seconds"] > 0:
        text += f" ({baseline['seconds'] / outcome['seconds']:.1f}x)"
    return text


def table(label: str, found: dict[str, dict[str, dict[str, Any]]], engines: list[str]) -> str:
    """One Markdown table: a row per step, a column per engine, ratios against rdflib."""
    lines = [
        f"### {label}",
        "",
        "| step | " + " | ".join(engines) + " |",
        "|---|" + "---|" * len(engines),
    ]
    for step in STEPS:
        cells = []
        for engine in engines:
            outcome = found.get(engine, {}).get(step)
            baseline = found.get("rdflib", {}).get(step) if engine != "rdflib" else None
            cells.append(_cell(outcome, baseline))
        if any(cell != "—" for cell in cells):
            lines.append(f"| {step} | " + " | ".join(cells) + " |")
    counts = {
        step: sorted(
            {str(o.get("count")) for e in engines if (o := found.get(e, {}).get(step))} - {"None"}
        )
        for step in STEPS
    }
    lines += ["", "Counts (rows, triples, results or bytes) per step, over the engines: "]
    lines += [f"{step}: {', '.join(values)}; " for step, values in counts.items() if values]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(str(s) for s in DEFAULT_SIZES))
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--steps", default=",".join(STEPS))
    parser.add_argument("--step-timeout", type=float, default=600.0, metavar="SECONDS")
    parser.add_argument(
        "--esd",
        action="store_true",
        help="also the full UCDP ESD import, and the import rows (bench/imports.py)",
    )
    parser.add_argument(
        "--imports-only",
        action="store_true",
        help="only the import rows: ESD and ATOP into a store and a file, beside kg load",
    )
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "kg-bench")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    steps = args.steps.split(",")
    if args.worker:
        worker(args.worker, args.data, steps, args.step_timeout)
        return 0

    import imports
    import synthetic

    engines = args.engines.split(",")
    args.cache.mkdir(parents=True, exist_ok=True)
    if args.imports_only:
        print(_machine())
        found_imports = imports.run(args.cache, progress=_stderr)
        print(imports.table_text(found_imports))
        if args.json:
            args.json.write_text(json.dumps(found_imports, indent=2), encoding="utf-8")
        return 0
    datasets: list[tuple[str, Path]] = []
    for size in (int(s) for s in args.sizes.split(",") if s):
        path = args.cache / f"synthetic-{size}.nt"
        if not path.exists():
            synthetic.generate(size, path)
        datasets.append((f"synthetic, {size:,} triples", path))
    if args.esd:
        datasets.append(_esd(args.cache))
    print(_machine())
    everything: dict[str, Any] = {}
    for label, path in datasets:
        found: dict[str, dict[str, dict[str, Any]]] = {}
        for engine in engines:
            for outcome in run_engine(engine, path, steps, args.step_timeout):
                found.setdefault(engine, {})[outcome["step"]] = outcome
                print(
                    f"  [{label}] {engine} {outcome['step']}: {_cell(outcome, None)}",
                    file=sys.stderr,
                )
        print(table(label, found, engines))
        everything[label] = found
    if args.esd:
        everything["imports"] = imports.run(args.cache, progress=_stderr)
        print(imports.table_text(everything["imports"]))
    if args.json:
        args.json.write_text(json.dumps(everything, indent=2), encoding="utf-8")
    return 0


def _stderr(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _esd(cache: Path) -> tuple[str, Path]:
    """The full ESD import as N-Triples with the bundled data (import once, then cached)."""
    target = cache / "esd-with-astana.nt"
    if not target.exists():
        from rdflib import Graph

        from kg import resources
        from kg.importers import import_esd

        store = cache / "esd.ttl"
        import_esd(ESD_CSV, store)
        graph = Graph()
        for path in [*resources.data_files(), store]:
            graph.parse(path)
        graph.serialize(target, format="nt", encoding="utf-8")
    return ("UCDP ESD 18.1 import + Astana", target)


def _machine() -> str:
    cpu = "?"
    with contextlib.suppress(OSError), open("/proc/cpuinfo", encoding="utf-8") as info:
        cpu = next((line.split(":", 1)[1].strip() for line in info if "model name" in line), "?")
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    python = sys.version.split()[0]
    return f"Machine: {os.cpu_count()} cores ({cpu}), {memory:.0f} GiB, Python {python}\n"


if __name__ == "__main__":
    sys.exit(main())
