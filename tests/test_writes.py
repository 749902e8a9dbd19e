"""No data lost: a killed export leaves the old file, and writers take turns."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg.errors import WriterBusy
from kg.export import write_atomically, writer_lock


def big_turtle(path: Path, claims: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write(
            "@prefix ckg: <https://w3id.org/conflict-kg/ontology#> .\n"
            "@prefix ck: <https://w3id.org/conflict-kg/id/> .\n"
            "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        )
        for i in range(claims):
            out.write(
                f'ck:a{i} a ckg:State ; rdfs:label "Actor {i}"@en .\n'
                f"ck:c{i} a ckg:SupportClaim ; ckg:backer ck:a{i} ; ckg:recipient ck:a{i + 1} ;"
                f' ckg:status ckg:Asserted ; ckg:quote "Claim number {i}." .\n'
            )


def test_a_killed_export_leaves_the_old_file(tmp_path: Path) -> None:
    data = tmp_path / "big.ttl"
    big_turtle(data, 10_000)  # 60,000 triples, plus 20,000 derived
    target = tmp_path / "out.ttl"
    target.write_text("old content\n", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "kg", "export", "--data", str(data), "-o", str(target)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 300
        temporary: list[Path] = []
        while not temporary and process.poll() is None and time.monotonic() < deadline:
            temporary = list(tmp_path.glob(".out.ttl.*.tmp"))
            time.sleep(0.005)
        assert temporary, "the export never got to writing its temporary file"
        os.kill(process.pid, signal.SIGKILL)  # in the middle: written, not yet checked
        process.wait()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == -signal.SIGKILL
    assert target.read_text(encoding="utf-8") == "old content\n"


def test_a_second_writer_waits_then_gives_up(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out.txt"
    target.write_bytes(b"old\n")
    with writer_lock(target, wait=1):
        with pytest.raises(WriterBusy, match="another process is writing it") as refused:
            write_atomically(target, b"new\n", lock_wait=0.2)
        assert refused.value.exit_code == 11
        assert target.read_bytes() == b"old\n"
    assert "Waiting: another process is writing" in capsys.readouterr().err
    write_atomically(target, b"new\n", lock_wait=0.2)
    assert target.read_bytes() == b"new\n"


def test_concurrent_writers_never_interleave(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    contents = [bytes([65 + i]) * 2_000_000 for i in range(4)]
    script = (
        "import sys; from pathlib import Path; from kg.export import write_atomically; "
        "write_atomically(Path(sys.argv[1]), bytes([int(sys.argv[2])]) * 2_000_000)"
    )
    writers = [
        subprocess.Popen([sys.executable, "-c", script, str(target), str(65 + i)]) for i in range(4)
    ]
    assert [w.wait() for w in writers] == [0, 0, 0, 0]
    assert target.read_bytes() in contents
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_a_full_disk_on_standard_output_is_one_line_and_exit_5() -> None:
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "kg", "report", "backers"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
        )
    assert result.returncode == 5
    assert result.stderr == "Error: could not write the output (No space left on device)\n"


def test_exit_codes_of_the_console_script() -> None:
    # The console script (not click's test runner) must pass on the library's exit codes.
    unknown = subprocess.run(
        [sys.executable, "-m", "kg", "report", "allies", "Narnia"], capture_output=True, text=True
    )
    assert (unknown.returncode, unknown.stderr) == (6, "Error: no actor is called 'Narnia'\n")
    usage = subprocess.run(
        [sys.executable, "-m", "kg", "report", "backers", "--as-of", "x"],
        capture_output=True,
        text=True,
    )
    assert usage.returncode == 2


MAPPING = Path(__file__).resolve().parent / "data" / "claims-table.toml"
TABLE = Path(__file__).resolve().parent / "data" / "claims-table.csv"


@pytest.mark.parametrize(
    ("command", "code", "words"),
    [
        # An output that cannot be written: exit 5, naming it.
        (["export", "-o", "{loop}"], 5, "a loop of symbolic links"),
        (["import", "csv", "{table}", "--mapping", "{mapping}", "-o", "{loop}"], 5, "loop"),
        (["export", "-o", "{dangling}"], 5, "does not exist"),
        (["import", "csv", "{table}", "--mapping", "{mapping}", "-o", "{fifo}.ttl"], 5, "pipe"),
        # An input that cannot be read: exit 2, naming it (never "could not write").
        (["import", "csv", "{fifo}.csv", "--mapping", "{mapping}", "-o", "{out}"], 2, "pipe"),
        (["import", "csv", "{table}", "--mapping", "{fifo}.csv", "-o", "{out}"], 2, "pipe"),
        (["import", "ucdp-esd", "{loop}", "-o", "{out}"], 2, "cannot be read"),
        (["load", "{loop}", "--store", "{store}"], 2, "cannot be read"),
        (["load", "{fifo}.ttl", "--store", "{store}"], 2, "not a regular file"),
    ],
)
def test_files_that_cannot_be_written_or_read_are_one_line(
    tmp_path: Path, command: list[str], code: int, words: str
) -> None:
    from click.testing import CliRunner

    from kg.cli import cli

    loop = tmp_path / "loop.ttl"
    loop.symlink_to(loop)
    (tmp_path / "dangling.ttl").symlink_to(tmp_path / "nowhere" / "x.ttl")
    for suffix in (".csv", ".ttl"):
        os.mkfifo(tmp_path / f"fifo{suffix}")
    names = {
        "loop": loop,
        "dangling": tmp_path / "dangling.ttl",
        "fifo": tmp_path / "fifo",
        "table": TABLE,
        "mapping": MAPPING,
        "out": tmp_path / "out.ttl",
        "store": tmp_path / "store",
    }
    args = [part.format(**names) for part in command]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == code, result.output
    [line] = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert words in line and "Traceback" not in result.output
    assert "could not write" not in line or code == 5
    assert not (tmp_path / "out.ttl").exists() and not (tmp_path / "store").exists()


def test_an_import_waits_for_another_writer_then_gives_up(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from kg.cli import cli

    target = tmp_path / "store.ttl"
    target.write_text("", encoding="utf-8")
    args = ["import", "csv", str(TABLE), "--mapping", str(MAPPING), "-o", str(target)]
    with writer_lock(target):
        result = CliRunner().invoke(cli, [*args, "--wait", "0.2"])
    assert result.exit_code == 11, result.output
    assert "Waiting: another process is writing" in result.output
    assert "another process is writing it (waited 0.2 s)" in result.output
    assert target.read_text(encoding="utf-8") == ""
    assert CliRunner().invoke(cli, [*args, "--wait", "0.2"]).exit_code == 0
    assert "Example report A" in target.read_text(encoding="utf-8")
