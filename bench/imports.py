"""Benchmark: imports into a store and into a file, beside `kg load` of what they produce.

    .venv/bin/python bench/stores.py --imports-only      (or: make bench, with --esd)
    .venv/bin/python bench/imports.py [--cache DIR] [--only esd,atop]

For each table (the whole UCDP ESD triad-year file; ATOP 5.1's undirected dyad-years),
each step is a `kg` process of its own, started by a small launcher that reports the
child's peak resident set (not the driver's):

    store   `kg load --store S` (the bundled data; not timed), then
            `kg import ... --store S`: the import alone is timed
    again   the same import again into S (nothing new: it must be quick)
    small   a 7-row CSV (tests/data/claims-table.csv) into S, which holds the whole table:
            what validating and deriving around what an import touches costs
    file    `kg import ... -o out.ttl` (a new file, on top of the bundled data)
    load    `kg load out.ttl --store T` into a new store: the baseline of the ratio

With ``--endpoint`` (Virtuoso installed: bench/virtuoso.py starts a throwaway one per table):

    endpoint        `kg load --endpoint` (the bundled data; not timed), then
                    `kg import ... --endpoint`: the import alone is timed
    endpoint-load   `kg load out.ttl --replace --endpoint` on the same server: its baseline

ATOP's file has every pair in both directions (273,296 rows); the undirected table
(136,648 rows, ccode1 < ccode2) and the mapping (its two 217-entry maps from COW code to
state name, generated from cow-states.csv) are written into the cache: the mapping language
has no comparison of columns to keep one direction, and the data files stay out of the
repository. ATOP runs twice: with the mapping as a user would write it (no quote: every
claim gets the shapes' warning "quotes no sentence"), and with the row's values as a quote,
as the bundled ESD mapping has (no warning per claim).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data"
ESD_CSV = DATA / "ucdp-esd" / "ucdp-esd-ty-181.csv"
#: The small import into the store that holds a whole table: 5 claims of 7 rows, in the
#: repository (the issue's 38-row CSV on top of ESD took 1 min 40 s and 490 MB).
SMALL = [
    "csv",
    str(REPO / "tests" / "data" / "claims-table.csv"),
    "--mapping",
    str(REPO / "tests" / "data" / "claims-table.toml"),
]
ATOP_DIR = DATA / "atop"

# Starts kg, then prints its child's peak resident set (KiB) on the last line of stderr.
LAUNCHER = (
    "import resource, subprocess, sys; "
    "code = subprocess.run(sys.argv[1:]).returncode; "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
    "sys.exit(code)"
)

#: Figures measured before issue 14, shown beside the new ones (BENCHMARKS.md says where
#: each comes from).
BEFORE = {
    ("esd", "file"): "82 s, 0.91 GB (issue); 31.6 s, 698 MB (last session)",
    ("atop", "file"): "15 min 16 s, 7.09 GB (issue, `kg import csv`)",
    ("atop", "load"): "84 s, 210 MB (issue, 1.5M triples)",
    ("esd", "small"): "1 min 40 s, 490 MB (issue, 38 rows, `--add esd.ttl`)",
}

ATOP_CITATION = (
    "Leeds, Brett Ashley, Jeffrey M. Ritter, Sara McLaughlin Mitchell and Andrew G. Long "
    '(2002) "Alliance Treaty Obligations and Provisions, 1815-1944", International '
    "Interactions 28: 237-260; ATOP version 5.1. Dyad-year form and COW state names as "
    'distributed with peacesciencer (Miller, Steven V. (2022) "peacesciencer: An R Package '
    'for Quantitative Peace Science Research", Conflict Management and Peace Science 39(6): '
    "755-779)."
)


@dataclass
class Table:
    """One table to import: its name, the `kg import` arguments before the target."""

    name: str
    rows_label: str
    command: list[str]


# --- ATOP's inputs, made in the cache -----------------------------------------------------


def write_undirected(directed: Path, target: Path) -> int:
    """Keep one row per pair and year (ccode1 < ccode2); return the rows written."""
    kept = 0
    partial = target.with_suffix(".partial")
    with (
        directed.open(newline="", encoding="utf-8") as source,
        partial.open("w", newline="", encoding="utf-8") as out,
    ):
        reader = csv.reader(source)
        writer = csv.writer(out, lineterminator="\n")
        header = next(reader)
        first, second = header.index("ccode1"), header.index("ccode2")
        writer.writerow(header)
        for row in reader:
            if int(row[first]) < int(row[second]):
                writer.writerow(row)
                kept += 1
    partial.replace(target)
    return kept


def atop_mapping(states: Path, *, quote: bool = False) -> str:
    """The mapping of ATOP's dyad-years: one alliance claim a row between the two states,
    named through a map from COW code to COW name (read from ``states``). A dataset row
    has no sentence to quote: each claim then gets the shapes' warning "quotes no
    sentence"; ``quote`` writes the row's values as its quote, as the bundled ESD mapping
    does (the codes, not the names: a mapped value cannot be part of a longer text)."""
    with states.open(newline="", encoding="utf-8") as source:
        names = {row["ccode"].strip(): row["statenme"].strip() for row in csv.DictReader(source)}
    # JSON's string escapes are TOML's basic-string escapes.
    table = ", ".join(f"{json.dumps(code)} = {json.dumps(name)}" for code, name in names.items())

    def party(column: str) -> str:
        return f'{{ name = {{ value = "{{{column}}}", map = {{ {table} }} }}, type = "state" }}'

    return "\n".join(
        [
            f"# Generated by bench/imports.py from {states.name} ({len(names)} states): ATOP 5.1",
            "# undirected dyad-years (ccode1 < ccode2), one alliance claim a row.",
            "",
            "[source]",
            'id = "atop-5-1"',
            'type = "dataset"',
            'title = "Alliance Treaty Obligations and Provisions (ATOP) 5.1, dyad-year"',
            'version = "5.1"',
            f"citation = {json.dumps(ATOP_CITATION)}",
            "",
            "[claim]",
            "# The file has no ATOP alliance id: the pair and the year are the row's id.",
            'id = "{ccode1}-{ccode2}-{year}"',
            'record = "{ccode1}-{ccode2}-{year}"',
            'relation = "alliance"',
            'during = "{year}"',
            f"backer = {party('ccode1')}",
            f"recipient = {party('ccode2')}",
            'note = "ATOP obligations (0/1): defense {atop_defense}, offense {atop_offense}, '
            "neutrality {atop_neutral}, non-aggression {atop_nonagg}, "
            'consultation {atop_consul}"',
            *(
                [
                    'quote = "{year}: the states of COW codes {ccode1} and {ccode2} were '
                    'allied (ATOP 5.1 dyad-year)"'
                ]
                if quote
                else []
            ),
            "",
        ]
    )


def atop_inputs(
    cache: Path, atop_dir: Path = ATOP_DIR, *, quote: bool = False
) -> tuple[Path, Path]:
    """The undirected table (written into ``cache`` once) and the mapping."""
    cache.mkdir(parents=True, exist_ok=True)
    table = cache / "atop-5.1-undirected.csv"
    if not table.exists():
        write_undirected(atop_dir / "atop-5.1-ddy.csv", table)
    mapping = cache / ("atop-5.1-quoted.toml" if quote else "atop-5.1.toml")
    mapping.write_text(atop_mapping(atop_dir / "cow-states.csv", quote=quote), encoding="utf-8")
    return table, mapping


def tables(
    cache: Path,
    only: set[str] | None = None,
    *,
    esd: Path = ESD_CSV,
    atop_dir: Path = ATOP_DIR,
) -> list[Table]:
    """The tables this machine has (ESD, ATOP), as `kg import` arguments."""
    found: list[Table] = []
    if esd.exists() and (only is None or "esd" in only):
        found.append(Table("esd", "UCDP ESD 18.1", ["ucdp-esd", str(esd)]))
    if (atop_dir / "atop-5.1-ddy.csv").exists() and (only is None or "atop" in only):
        table, mapping = atop_inputs(cache, atop_dir)
        found.append(Table("atop", "ATOP 5.1", ["csv", str(table), "--mapping", str(mapping)]))
    if (atop_dir / "atop-5.1-ddy.csv").exists() and (only is None or "atop-quoted" in only):
        table, mapping = atop_inputs(cache, atop_dir, quote=True)
        command = ["csv", str(table), "--mapping", str(mapping)]
        found.append(Table("atop-quoted", "ATOP 5.1, quoted", command))
    return found


# --- measuring ------------------------------------------------------------------------------


def kg_command() -> str:
    """The `kg` script beside this Python."""
    return str(Path(sys.executable).with_name("kg"))


def run_kg(arguments: list[str], timeout: float) -> dict[str, Any]:
    """Run `kg ARGUMENTS` as its own process: seconds, its peak MiB, its standard output."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    load = os.getloadavg()[0]
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-c", LAUNCHER, kg_command(), *arguments],
            capture_output=True,
            text=True,
            env=environment,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return {"status": "timeout", "seconds": timeout, "peak_mib": None, "load": load}
    seconds = time.perf_counter() - started
    lines = done.stderr.strip().splitlines()
    outcome: dict[str, Any] = {
        "seconds": round(seconds, 2),
        "peak_mib": round(int(lines[-1]) / 1024, 1) if lines else None,
        "load": round(load, 2),
        "stdout": done.stdout,
    }
    if done.returncode != 0:
        outcome["status"] = "error"
        outcome["error"] = f"exit {done.returncode}: {' '.join(lines[:-1])[-300:]}"
    else:
        outcome["status"] = "ok"
    return outcome


def _counts(outcome: dict[str, Any], triples_key: str) -> None:
    """rows, claims, triples from a `kg import --format json` summary."""
    if outcome["status"] != "ok":
        return
    summary = json.loads(outcome["stdout"])
    outcome.update(rows=summary["rows"], claims=summary["claims"], triples=summary[triples_key])


def measure(
    table: Table, work: Path, timeout: float, *, endpoint: bool = False
) -> Iterator[dict[str, Any]]:
    """The three steps of one table (five with ``endpoint``); yields each outcome as it
    ends."""
    store, fresh, output = work / "store", work / "fresh", work / "out.ttl"
    made = run_kg(["load", "--store", str(store), "-q"], timeout)
    if made["status"] != "ok":
        raise RuntimeError(f"kg load --store (the bundled data): {made.get('error')}")
    into_store = run_kg(
        ["import", *table.command, "--store", str(store), "--format", "json"], timeout
    )
    _counts(into_store, "triples_added")
    yield {"table": table.name, "step": "store", **into_store}
    if into_store["status"] == "ok":
        again = run_kg(
            ["import", *table.command, "--store", str(store), "--format", "json"], timeout
        )
        _counts(again, "triples_added")
        yield {"table": table.name, "step": "again", **again}
        small = run_kg(["import", *SMALL, "--store", str(store), "--format", "json"], timeout)
        _counts(small, "triples_added")
        yield {"table": table.name, "step": "small", **small}
    into_file = run_kg(["import", *table.command, "-o", str(output), "--format", "json"], timeout)
    _counts(into_file, "triples_in_store")
    yield {"table": table.name, "step": "file", **into_file}
    if into_file["status"] == "ok":
        loaded = run_kg(["load", str(output), "--store", str(fresh), "-q"], timeout)
        loaded["triples"] = into_file.get("triples")
        yield {"table": table.name, "step": "load", **loaded}
    if endpoint and into_file["status"] == "ok":
        yield from measure_endpoint(table, output, into_file.get("triples"), timeout)


def measure_endpoint(
    table: Table, output: Path, triples: Any, timeout: float
) -> Iterator[dict[str, Any]]:
    """The import into a throwaway Virtuoso, and the load of what it writes to a file."""
    from virtuoso import running_virtuoso  # bench/virtuoso.py, beside this file

    with running_virtuoso() as server:
        options = [
            *("--endpoint", server.sparql_url, "--update-endpoint", server.update_url),
            *("--store-endpoint", server.gsp_url),
            *("--endpoint-user", server.user, "--endpoint-password", server.password),
        ]
        made = run_kg(["load", "--replace", *options, "-q"], timeout)
        if made["status"] != "ok":
            raise RuntimeError(f"kg load --endpoint (the bundled data): {made.get('error')}")
        into_server = run_kg(["import", *table.command, *options, "--format", "json"], timeout)
        _counts(into_server, "triples_added")
        yield {"table": table.name, "step": "endpoint", **into_server}
        loaded = run_kg(["load", str(output), "--replace", *options, "-q"], timeout)
        loaded["triples"] = triples
        yield {"table": table.name, "step": "endpoint-load", **loaded}


def run(
    cache: Path,
    *,
    only: set[str] | None = None,
    timeout: float = 3600.0,
    progress: Callable[[str], None] | None = None,
    endpoint: bool = False,
) -> list[dict[str, Any]]:
    """Every row of every table this machine has."""
    found: list[dict[str, Any]] = []
    for table in tables(cache, only):
        with tempfile.TemporaryDirectory(prefix=f"bench-import-{table.name}-") as work:
            for outcome in measure(table, Path(work), timeout, endpoint=endpoint):
                outcome.pop("stdout", None)
                found.append(outcome)
                if progress is not None:
                    progress(f"  [imports] {table.name} {outcome['step']}: {_figures(outcome)}")
    return found


# --- the table ----------------------------------------------------------------------------


def _figures(outcome: dict[str, Any]) -> str:
    if outcome["status"] != "ok":
        return f"{outcome['status']} {outcome.get('error', '')}".strip()
    return f"{outcome['seconds']:.1f} s, {outcome['peak_mib']:.0f} MiB"


STEP_LABELS = {
    "store": "kg import --store S",
    "again": "the same again (nothing new)",
    "small": "then a 7-row CSV into S",
    "file": "kg import -o FILE",
    "load": "kg load FILE --store T",
    "endpoint": "kg import --endpoint URL",
    "endpoint-load": "kg load FILE --endpoint URL",
}
#: The step each step's ratio is taken to.
BASELINES = {"store": "load", "file": "load", "endpoint": "endpoint-load"}
LABELS = {
    "esd": "UCDP ESD 18.1 (whole)",
    "atop": "ATOP 5.1 undirected",
    "atop-quoted": "ATOP 5.1 undirected, with a quote",
}
PEAK_TARGETS = {"esd": 300.0, "atop": 500.0, "atop-quoted": 500.0}


def table_text(found: list[dict[str, Any]]) -> str:
    """One Markdown table: a row per table and step, the ratio of each import to the load
    of what it produced, and the figures before."""
    lines = [
        "### Imports (issue 14)",
        "",
        "| table | step | rows | claims | triples | seconds | peak MiB | ratio to load | "
        "load avg | before |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    loads = {(o["table"], o["step"]): o for o in found if o["status"] == "ok"}
    for o in found:
        load = loads.get((o["table"], BASELINES.get(o["step"], "")))
        ratio = "—"
        if o["status"] == "ok" and load and load["seconds"] > 0:
            ratio = f"{o['seconds'] / load['seconds']:.2f}x"
        if o["status"] == "ok":
            seconds, peak = f"{o['seconds']:.1f}", f"{o['peak_mib']:.0f}"
            if o["step"] in BASELINES and o["peak_mib"] > PEAK_TARGETS.get(o["table"], 1e9):
                peak += " (over target)"
        else:
            seconds, peak = o["status"], o.get("error", "")
        lines.append(
            f"| {LABELS.get(o['table'], o['table'])} | {STEP_LABELS[o['step']]} | "
            f"{_n(o.get('rows'))} | {_n(o.get('claims'))} | {_n(o.get('triples'))} | "
            f"{seconds} | {peak} | {ratio} | {o['load']} | "
            f"{BEFORE.get((o['table'], o['step']), '')} |"
        )
    lines += [
        "",
        "Targets: an import at most 2x the load; ESD under 300 MB peak, ATOP under 500 MB.",
    ]
    return "\n".join(lines) + "\n"


def _n(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) else "—"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "kg-bench")
    parser.add_argument(
        "--only", help="esd, atop, atop-quoted, separated by commas (default: all it has)"
    )
    parser.add_argument("--timeout", type=float, default=3600.0, metavar="SECONDS")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument(
        "--endpoint", action="store_true", help="also import into a throwaway Virtuoso"
    )
    args = parser.parse_args()
    only = set(args.only.split(",")) if args.only else None
    found = run(
        args.cache, only=only, timeout=args.timeout, progress=_stderr, endpoint=args.endpoint
    )
    print(table_text(found))
    if args.json:
        args.json.write_text(json.dumps(found, indent=2), encoding="utf-8")
    return 0


def _stderr(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
