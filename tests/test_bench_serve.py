"""The load test of `kg serve` (bench/serve.py), run for real on the bundled data with two
clients for two seconds: every kind of request is asked and answered, and a store that is
not there is one line and exit 2. No timing is asserted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "bench" / "serve.py"
KINDS = ["actor", "backers", "search", "who-backs-whom", "sparql", "all"]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
    )


def test_two_clients_on_the_bundled_data_get_every_kind_answered() -> None:
    done = _run("--bundled", "--clients", "2", "--seconds", "2")
    assert done.stderr == ""
    lines = done.stdout.splitlines()
    assert lines[0].startswith("kg serve on the bundled data: ")
    assert lines[1].split() == [
        "kind", "clients", "requests", "errors", "p50", "s", "p90", "s", "p99", "s",
        "max", "s", "req/s", "target",
    ]  # fmt: skip
    rows = [line.split() for line in lines[2 : 2 + 2 * len(KINDS)]]
    # each kind with one client, then with two
    assert [(r[0], r[1]) for r in rows] == [(k, n) for k in KINDS for n in ("1", "2")]
    for row in rows:
        assert int(row[2].replace(",", "")) > 0, row
        assert row[3] == "0", row
    assert "kg serve stopped by SIGTERM: exit 0" in lines
    verdicts = {row[-1] for row in rows}
    assert verdicts <= {"PASS", "FAIL"}
    assert done.returncode == (1 if "FAIL" in verdicts else 0)


def test_a_store_that_is_not_there_is_one_line_and_exit_2(tmp_path: Path) -> None:
    done = _run("--store", str(tmp_path / "nowhere"), "--seconds", "1")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith(f"bench/serve.py: no store at {tmp_path / 'nowhere'}; ")
    assert "bench/synthetic.py" in done.stderr and "kg load" in done.stderr


def test_a_folder_that_is_no_store_gives_kg_serves_line_and_exit_2(tmp_path: Path) -> None:
    done = _run("--store", str(tmp_path), "--seconds", "1")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith("bench/serve.py: kg serve did not start (exit 11): Error: ")
    assert "not a conflict-kg store" in done.stderr
