"""Benchmark: the reports, the picture and the network export on the real record (issue 16),
beside the same commands at a baseline commit, in the same run.

    .venv/bin/python bench/reports.py [--cache DIR] [--baseline COMMIT] [--no-baseline]

The store is the bundled data with the whole UCDP ESD 18.1 triad-year file and the UCDP
Dyadic and Armed Conflict files (25.1) imported (``kg load``, ``kg import ucdp-esd``,
``kg import ucdp-conflicts``), made once into the cache and reused. Each command is a `kg`
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
import subprocess
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from imports import DATA, ESD_CSV, REPO, run_kg  # noqa: E402

DYADIC = DATA / "ucdp-conflicts" / "ucdp-dyadic-251.csv"
ACD = DATA / "ucdp-conflicts" / "ucdp-prio-acd-251.csv"
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


def store(cache: Path) -> Path:
    """The store of the bundled data, ESD and UCDP, made once."""
    folder = cache / "esd-ucdp-store"
    if (folder / "done").exists():
        return folder
    for path in (ESD_CSV, DYADIC, ACD):
        if not path.exists():
            raise SystemExit(f"{path} is missing")
    steps = [
        ["load", "--store", str(folder), "-q", "--replace"],
        ["import", "ucdp-esd", str(ESD_CSV), "--store", str(folder), "-q"],
        ["import", "ucdp-conflicts", str(DYADIC), str(ACD), "--store", str(folder), "-q"],
    ]
    for step in steps:
        outcome = run_kg(step, 900)
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


def measure(arguments: list[str], folder: Path, work: Path, code: Path | None) -> dict[str, Any]:
    """One command on the store, with this checkout's code or ``code``'s."""
    args = [a.replace("{work}", str(work)) for a in arguments] + ["--store", str(folder)]
    saved = os.environ.get("PYTHONPATH")
    if code is not None:
        os.environ["PYTHONPATH"] = str(code)
    try:
        outcome = run_kg(args, 600)
    finally:
        if code is not None:
            if saved is None:
                del os.environ["PYTHONPATH"]
            else:
                os.environ["PYTHONPATH"] = saved
    return outcome


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
    folder = store(options.cache)
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
