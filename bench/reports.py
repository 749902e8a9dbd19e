"""Benchmark: the reports, the picture and the network export on the real record (issue 16),
beside the same commands at a baseline commit, in the same run.

    .venv/bin/python bench/reports.py [--cache DIR] [--baseline COMMIT] [--no-baseline]

The store is the bundled data with the whole UCDP ESD 18.1 triad-year file and the UCDP
Dyadic and Armed Conflict files (25.1) imported (``kg load``, ``kg import ucdp-esd``,
``kg import ucdp-conflicts``), made once into the cache and reused (bench/metrics.py's
``esd-ucdp`` store, with its git worktree of the baseline). Each command is a `kg`
process of its own (bench/imports.py's launcher: its seconds and its own peak resident
set); its rows are counted from its JSON. The baseline runs the same command with the
code of ``--baseline`` (default fce2e15, the last commit before issue 16), checked out
into a git worktree in the cache, on the same store; a command the baseline does not
have (a filter it lacks) shows "-".
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from imports import run_kg  # noqa: E402
from metrics import store, with_code, worktree  # noqa: E402

BASELINE = "fce2e15"

#: (name, kg arguments after the store, whether the output is JSON rows)
COMMANDS: list[tuple[str, list[str], bool]] = [
    (
        "backers of the Syrian government",
        ["report", "backers", "--of", "Syrian government", "--format", "json"],
        True,
    ),
    (
        "backers of the Syrian government, as of 2016",
        ["report", "backers", "--of", "Syrian government", "--as-of", "2016", "--format", "json"],
        True,
    ),
    (
        "Iran --indirect --include-ended",
        ["report", "backers", "--by", "Iran", "--indirect", "--include-ended", "--format", "json"],
        True,
    ),
    ("timeline of Iran", ["report", "timeline", "--actor", "Iran", "--format", "json"], True),
    ("disputed", ["report", "disputed", "--format", "json"], True),
    (
        "backers in Syria as of 2016",
        ["report", "backers", "--conflict", "Syria", "--as-of", "2016", "--format", "json"],
        True,
    ),
    ("plot all years", ["plot", "-o", "{work}/all.png", "--include-ended"], False),
    (
        "plot Syria as of 2016",
        ["plot", "-o", "{work}/syria.png", "--conflict", "Syria", "--as-of", "2016"],
        False,
    ),
    ("export GEXF", ["export", "--format", "gexf", "-o", "{work}/net.gexf"], False),
]


def measure(arguments: list[str], folder: Path, work: Path, code: Path | None) -> dict[str, Any]:
    """One command on the store, with this checkout's code or ``code``'s."""
    args = [a.replace("{work}", str(work)) for a in arguments] + ["--store", str(folder)]
    return with_code(code, lambda: run_kg(args, 600))


def _rows(outcome: dict[str, Any], json_rows: bool) -> str:
    if outcome["status"] != "ok":
        return "-"
    if not json_rows:
        return ""
    return f"{len(json.loads(outcome['stdout'])):,}"


def _cell(outcome: dict[str, Any] | None) -> str:
    if outcome is None or outcome["status"] != "ok":
        return "-" if outcome is None else outcome["status"]
    return f"{outcome['seconds']} s, {outcome['peak_mib']} MiB"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "conflict-kg")
    parser.add_argument("--baseline", default=BASELINE)
    parser.add_argument("--no-baseline", action="store_true")
    options = parser.parse_args()
    options.cache.mkdir(parents=True, exist_ok=True)
    folder = store("esd-ucdp", options.cache)
    work = options.cache / "reports-work"
    work.mkdir(exist_ok=True)
    code = None if options.no_baseline else worktree(options.cache, options.baseline)
    print(f"store: {folder} (bundled data, UCDP ESD 18.1, UCDP Dyadic and ACD 25.1)")
    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    print()
    print(f"| command | rows | now | rows at {options.baseline} | at {options.baseline} |")
    print("|---|---|---|---|---|")
    for name, arguments, json_rows in COMMANDS:
        now = measure(arguments, folder, work, None)
        before = measure(arguments, folder, work, code) if code is not None else None
        rows_before = _rows(before, json_rows) if before is not None else "-"
        print(
            f"| {name} | {_rows(now, json_rows)} | {_cell(now)} | {rows_before} | "
            f"{_cell(before)} |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
