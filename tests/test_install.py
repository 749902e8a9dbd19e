"""A non-editable install carries the ontology, shapes and data and finds them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the wheel (no network: hatchling comes with the test extras) and install it."""
    wheels = tmp_path_factory.mktemp("wheels")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "--wheel-dir",
            str(wheels),
            str(REPO),
        ],
        check=True,
    )
    [wheel] = wheels.glob("conflict_kg-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "kg/_bundled/ontology/conflict-kg.ttl" in names
    assert "kg/_bundled/shapes/conflict-kg-shapes.ttl" in names
    assert "kg/queries/who-backs-whom.rq" in names
    for page_file in ("page.html", "plot.css", "plot.js"):  # the page of `kg plot`
        assert f"kg/plot_page/{page_file}" in names
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--quiet",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
    )
    return target


def run_installed(target: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(target)}
    return subprocess.run(
        [sys.executable, *args], cwd=target.parent, env=env, capture_output=True, text=True
    )


def test_installed_copy_uses_its_bundled_files(installed: Path) -> None:
    probe = run_installed(
        installed,
        "-c",
        "import kg, kg.resources as r; print(kg.__file__); print(r.bundled_dir('data'))",
    )
    assert probe.returncode == 0, probe.stderr
    module_file, data_dir = probe.stdout.splitlines()
    assert module_file.startswith(str(installed))
    assert data_dir == str(installed / "kg" / "_bundled" / "data")


def test_installed_kg_answers(installed: Path) -> None:
    result = run_installed(installed, "-m", "kg", "query", "who-backs-whom", "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert {r["backer_label"] for r in rows} >= {"Turkey", "United States"}
    validation = run_installed(installed, "-m", "kg", "validate")
    assert validation.returncode == 0, validation.stdout + validation.stderr
