"""Benchmark: import the whole UCDP ESD triad-year file into a new store.

    .venv/bin/python bench/import_esd.py [FILE.csv]

FILE defaults to ../shared/data/ucdp-esd/ucdp-esd-ty-181.csv beside the repository. The store
is written to a temporary folder and removed afterwards. Prints rows, claims, no-known-support
records, triples, seconds (the whole import: read, resolve, merge, validate, write), and peak
memory (the process's maximum resident set size, from resource.getrusage); then the seconds
of a second import of the same file into the same store, which must add nothing.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

from kg.importers import import_esd

REPO = Path(__file__).resolve().parent.parent
DEFAULT = REPO.parent / "shared" / "data" / "ucdp-esd" / "ucdp-esd-ty-181.csv"


def peak_mib() -> float:
    """The peak resident memory of this process so far, in MiB (ru_maxrss is KiB on Linux)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT, help="the ESD CSV file")
    args = parser.parse_args()
    if not args.file.is_file():
        print(f"error: {args.file}: no such file", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as folder:
        store = Path(folder) / "esd.ttl"
        started = time.perf_counter()
        first = import_esd(args.file, store)
        seconds = time.perf_counter() - started
        size = store.stat().st_size
        started = time.perf_counter()
        again = import_esd(args.file, store)
        seconds_again = time.perf_counter() - started
    print(f"file              {args.file}")
    print(f"rows              {first.rows}")
    print(f"claims            {first.claims}")
    print(f"no known support  {first.no_known_support}")
    print(f"new actors        {len(first.new_actors)}")
    print(f"triples           {first.triples_in_store}")
    print(f"store size        {size / 1e6:.1f} MB")
    print(f"seconds           {seconds:.1f}")
    print(f"peak memory       {peak_mib():.0f} MiB")
    print(f"again: added      {again.triples_added} triples in {seconds_again:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
