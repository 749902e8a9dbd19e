"""The README's commands are the ones the project runs, and its examples work."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")


def quickstart_commands() -> list[str]:
    section = README.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    [block] = re.findall(r"```sh\n(.*?)```", section, re.DOTALL)
    return [line.strip() for line in block.splitlines() if line.strip()]


def test_quickstart_is_two_make_commands() -> None:
    assert quickstart_commands() == ["make demo", "make test"]


def test_makefile_has_the_quickstart_targets() -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    for command in quickstart_commands():
        target = command.split()[1]
        assert re.search(rf"^{target}:", makefile, re.MULTILINE), target
    demo = re.search(r"^demo:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert demo and "kg report backers" in demo.group(1)


def test_ci_runs_the_readme_test_command() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    commands = [
        line.strip() for line in ci.splitlines() if line.strip() and not line.startswith("#")
    ]
    assert quickstart_commands()[1] in commands


EXAMPLES = [
    line[2:]
    for block in re.findall(r"```console\n(.*?)```", README, re.DOTALL)
    for line in block.splitlines()
    if line.startswith("$ kg ")
]


def test_readme_has_examples() -> None:
    assert len(EXAMPLES) >= 5


@pytest.mark.parametrize("example", EXAMPLES)
def test_readme_example_runs(example: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, shlex.split(example)[1:])
    assert result.exit_code == 0, result.output
    assert "Error" not in result.output
