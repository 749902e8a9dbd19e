"""Where the bundled ontology, shapes, data and queries are.

An installed wheel carries them under ``kg/_bundled``; a source checkout (or an editable
install) reads them from the top of the repository, where they are edited.
"""

from __future__ import annotations

from pathlib import Path

from kg.errors import DataLoadError

PACKAGE_DIR = Path(__file__).resolve().parent
QUERIES_DIR = PACKAGE_DIR / "queries"


def bundled_dir(name: str) -> Path:
    """Return the folder of bundled files called ``name`` (ontology, shapes or data)."""
    for candidate in (PACKAGE_DIR / "_bundled" / name, PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise DataLoadError(f"the bundled {name}/ folder is missing from this installation")


def _turtle_files(name: str) -> list[Path]:
    return sorted(bundled_dir(name).glob("*.ttl"))


def ontology_files() -> list[Path]:
    """The Turtle files of the ontology."""
    return _turtle_files("ontology")


def shapes_files() -> list[Path]:
    """The Turtle files of the SHACL shapes."""
    return _turtle_files("shapes")


def data_files() -> list[Path]:
    """The Turtle files of the bundled data set (the 2017 Astana talks)."""
    return _turtle_files("data")
