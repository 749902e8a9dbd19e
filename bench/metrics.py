"""Benchmark: `kg metrics` on the real record and on synthetic data (issue 16, "metrics at
scale"), beside the same command at a baseline commit, in the same run.

    .venv/bin/python bench/metrics.py [--cache DIR] [--baseline COMMIT] [--no-baseline]
                                      [--only NAME ...] [--store NAME=DIR ...]

The stores are made once into the cache (``kg load`` of the bundled data, then the imports)
and reused:

    esd        the bundled data and the whole UCDP ESD 18.1 triad-year file
    esd-ucdp   the same and the UCDP Dyadic and Armed Conflict files 25.1
    atop       the bundled data and the whole ATOP 5.1 dyad-year file
    synthetic  1,000,000 synthetic triples (bench/synthetic.py), without the bundled data

Each row is one `kg metrics --format json` process (bench/imports.py's launcher: its wall
seconds and its own peak resident set), with the store's triples (``kg stats``) and the
relations the metrics measured (``kg.network.project`` run once more in this process, with
this checkout's code, for the count only). The baseline runs the same command with the code
of ``--baseline`` (default 3b28618, the commit before this work), checked out into a git
worktree in the cache, on the same store.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from imports import ATOP_DIR, DATA, ESD_CSV, REPO, run_kg  # noqa: E402

DYADIC = DATA / "ucdp-conflicts" / "ucdp-dyadic-251.csv"
ACD = DATA / "ucdp-conflicts" / "ucdp-prio-acd-251.csv"
ATOP_CSV = ATOP_DIR / "atop-5.1-ddy.csv"
BASELINE = "3b28618"
SYNTHETIC_TRIPLES = 1_000_000

#: (store, kg metrics arguments after the store)
ROWS: list[tuple[str, list[str]]] = [
    ("esd", []),
    ("esd", ["--as-of", "2016-06-01"]),
    ("esd-ucdp", ["--as-of", "2016-06-01"]),
    ("atop", []),
    ("atop", ["--as-of", "2015-01-01"]),
    ("synthetic", []),
]


def _steps(name: str, folder: Path, cache: Path) -> list[list[str]]:
    """The kg commands that make store ``name`` in ``folder``."""
    bundled = ["load", "--store", str(folder), "-q", "--replace"]
    if name == "esd":
        return [bundled, ["import", "ucdp-esd", str(ESD_CSV), "--store", str(folder), "-q"]]
    if name == "esd-ucdp":
        return [
            *_steps("esd", folder, cache),
            ["import", "ucdp-conflicts", str(DYADIC), str(ACD), "--store", str(folder), "-q"],
        ]
    if name == "atop":
        states = ATOP_DIR / "cow-states.csv"
        return [
            bundled,
            ["import", "atop", str(ATOP_CSV), "--states", str(states), "--store", str(folder)]
            + ["-q"],
        ]
    if name == "synthetic":
        import synthetic

        data = cache / f"synthetic-{SYNTHETIC_TRIPLES}.nt"
        if not data.exists():
            synthetic.generate(SYNTHETIC_TRIPLES, data)
        return [["load", str(data), "--store", str(folder), "-q", "--replace"]]
    raise SystemExit(f"no store called {name}")


def store(name: str, cache: Path) -> Path:
    """Store ``name``, made once into the cache."""
    folder = cache / f"metrics-{name}"
    if (folder / "done").exists():
        return folder
    needs = {
        "esd": [ESD_CSV],
        "esd-ucdp": [ESD_CSV, DYADIC, ACD],
        "atop": [ATOP_CSV],
        "synthetic": [],
    }
    for path in needs[name]:
        if not path.exists():
            raise SystemExit(f"{path} is missing")
    for step in _steps(name, folder, cache):
        outcome = run_kg(step, 1800)
        if outcome["status"] != "ok":
            raise SystemExit(f"kg {' '.join(step)}: {outcome.get('error')}")
    (folder / "done").write_text("", encoding="utf-8")
    return folder


def worktree(cache: Path, commit: str) -> Path:
    """The code of ``commit``, checked out once into the cache."""
    folder = cache / f"code-{commit}"
    if not (folder / "kg").exists():
        subprocess.run(
            ["git", "-C", str(REPO), "worktree", "add", "--detach", "--force", str(folder), commit],
            check=True,
            capture_output=True,
        )
    return folder


def with_code(code: Path | None, run: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """``run`` with the kg of ``code`` (PYTHONPATH) or this checkout's."""
    saved = os.environ.get("PYTHONPATH")
    if code is not None:
        os.environ["PYTHONPATH"] = str(code)
    try:
        return run()
    finally:
        if code is not None:
            if saved is None:
                del os.environ["PYTHONPATH"]
            else:
                os.environ["PYTHONPATH"] = saved


def triples(folder: Path) -> int:
    """Every triple of the store: data, derived and ontology (``kg stats``)."""
    outcome = run_kg(["stats", "--store", str(folder), "--format", "json"], 600)
    if outcome["status"] != "ok":
        return 0
    body = json.loads(outcome["stdout"])
    return int(sum(row["triples"] for row in body["triples"]))


def relations(folder: Path, arguments: list[str]) -> int:
    """How many relations (edges of the actor network) `kg metrics ARGUMENTS` measures."""
    from kg.graph import KnowledgeGraph, StoreSpec
    from kg.network import project

    as_of = (
        date.fromisoformat(arguments[arguments.index("--as-of") + 1])
        if "--as-of" in arguments
        else None
    )
    kg = KnowledgeGraph.open(store=StoreSpec(folder=folder))
    try:
        return int(project(kg, as_of=as_of).number_of_edges())
    finally:
        kg.close()


def _cell(outcome: dict[str, Any] | None) -> str:
    if outcome is None:
        return "-"
    if outcome["status"] != "ok":
        return str(outcome["status"])
    return f"{outcome['seconds']} s, {outcome['peak_mib']:.0f} MiB"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "conflict-kg")
    parser.add_argument("--baseline", default=BASELINE)
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--only", action="append", help="only this store (esd, atop, ...)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds per command")
    parser.add_argument(
        "--store",
        action="append",
        default=[],
        metavar="NAME=DIR",
        help="use this store for NAME (made as above) instead of making one in the cache",
    )
    options = parser.parse_args()
    given = dict(spec.split("=", 1) for spec in options.store)
    options.cache.mkdir(parents=True, exist_ok=True)
    code = None if options.no_baseline else worktree(options.cache, options.baseline)
    rows = [(name, args) for name, args in ROWS if not options.only or name in options.only]
    folders = {
        name: Path(given[name]) if name in given else store(name, options.cache)
        for name in dict.fromkeys(n for n, _ in rows)
    }
    counts = {name: triples(folder) for name, folder in folders.items()}
    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    print()
    print(f"| store | options | triples | relations | now | at {options.baseline} |")
    print("|---|---|---|---|---|---|")
    for name, arguments in rows:
        folder = folders[name]
        command = ["metrics", *arguments, "--format", "json", "--store", str(folder)]
        now = run_kg(command, options.timeout)
        before = (
            with_code(code, lambda: run_kg(command, options.timeout)) if code is not None else None
        )
        print(
            f"| {name} | {' '.join(arguments) or '-'} | {counts[name]:,} | "
            f"{relations(folder, arguments):,} | {_cell(now)} | {_cell(before)} |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
