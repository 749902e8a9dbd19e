"""Parsing big inputs: wall seconds and peak memory of ``kg stats --data FILE`` (the memory
store) and ``kg load FILE --store DIR`` (Oxigraph) on inputs whose parsing used to be
quadratic or worse (issue 12, item 5), and on an ordinary file of synthetic claims.

    .venv/bin/python bench/parsing.py [--cache DIR] [--only NAME] [--timeout 600]

Each command runs in a process of its own; the figures are its wall time and its peak
resident memory (the child's ru_maxrss). A run past ``--timeout`` is printed as such.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
KG = [sys.executable, "-m", "kg"]


def prefixes(n: int) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        with path.open("w", encoding="utf-8") as out:
            for i in range(n):
                out.write(f"@prefix p{i}: <http://example.org/ns/{i}/with/a/long/path#> .\n")
            out.write("<http://example.org/a> <http://example.org/p> p1:x .\n")

    return write


def long_list(n: int) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        with path.open("w", encoding="utf-8") as out:
            out.write("<http://example.org/a> <http://example.org/p> (")
            out.write(" ".join(str(i % 10) for i in range(n)))
            out.write(") .\n")

    return write


def synthetic(n: int) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        sys.path.insert(0, str(HERE))
        import synthetic as generator

        generator.generate(n, path)

    return write


INPUTS: dict[str, tuple[str, Callable[[Path], None]]] = {
    "prefixes-10k": ("prefixes-10k.ttl", prefixes(10_000)),
    "prefixes-40k": ("prefixes-40k.ttl", prefixes(40_000)),
    "list-200k": ("list-200k.ttl", long_list(200_000)),
    "synthetic-100k": ("synthetic-100k.nt", synthetic(100_000)),
}


def run(args: list[str], timeout: float) -> tuple[str, str]:
    """Wall seconds and peak MB of one command in a process of its own."""
    started = time.perf_counter()
    child = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    timer = threading.Timer(timeout, child.kill)
    timer.start()
    try:
        stderr = child.stderr.read().decode("utf-8", "replace") if child.stderr else ""
        _pid, status, usage = os.wait4(child.pid, 0)
    finally:
        timer.cancel()
    child.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    memory = f"{usage.ru_maxrss / 1024:.0f} MB"
    if seconds >= timeout:
        return f"timeout ({timeout:.0f} s)", memory
    if child.returncode != 0:
        last = (stderr.strip().splitlines() or ["?"])[-1][:100]
        return f"{seconds:.1f} s, exit {child.returncode}: {last}", memory
    return f"{seconds:.1f} s", memory


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "kg-parsing")
    parser.add_argument("--only", action="append", choices=sorted(INPUTS))
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("--store", action="store_true", help="also time `kg load --store`")
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    print("| input | size | kg stats --data | peak | kg load --store | peak |")
    print("|---|---|---|---|---|---|")
    for name in args.only or INPUTS:
        filename, write = INPUTS[name]
        path = args.cache / filename
        if not path.exists():
            write(path)
        size = f"{path.stat().st_size / 1e6:.1f} MB"
        stats = run([*KG, "stats", "--data", str(path)], args.timeout)
        load: tuple[str, str] = ("-", "-")
        if args.store:
            folder = Path(tempfile.mkdtemp(prefix="kg-parsing-store-"))
            try:
                load = run([*KG, "load", str(path), "--store", str(folder)], args.timeout)
            finally:
                shutil.rmtree(folder, ignore_errors=True)
        print(f"| {name} | {size} | {stats[0]} | {stats[1]} | {load[0]} | {load[1]} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
