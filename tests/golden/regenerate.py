"""Write the golden outputs of tests/test_golden_output.py from the code as it is.

Only for a deliberate change of output: the golden files are what proves that a refactoring
changed nothing a user sees, so a file rewritten to make a failing case pass proves nothing.
Review `git diff tests/golden` before committing. Run from anywhere:

    .venv/bin/python tests/golden/regenerate.py

Files of cases that no longer exist are removed.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(TESTS))

from test_golden_output import CASES, GOLDEN, REPO, render, run  # noqa: E402


def main() -> None:
    os.chdir(REPO)
    wanted = {case.path for case in CASES}
    for stale in sorted(set(GOLDEN.glob("*.txt")) - wanted):
        stale.unlink()
        print(f"removed {stale.name}")
    for case in CASES:
        with tempfile.TemporaryDirectory() as folder:
            tmp = Path(folder)
            case.path.write_bytes(render(case, run(case, tmp), tmp).encode("utf-8"))
    print(f"{len(CASES)} golden files in {GOLDEN}")


if __name__ == "__main__":
    main()
