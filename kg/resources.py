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


# The bundled files every store holds besides the ontology, whatever was loaded into it:
# the actors with their names (skos:altLabel: "Damascus", "Syrian government"), the alias
# table that sends other sources' ids to them (ck:ucdp-actor-ID owl:sameAs ...,
# "Government of Syria") and the crosswalk of states with their codes (kg.crosswalk).
# Importers resolve names against them and write the actors' IRIs, so a store without them
# would show those claims' actors as bare IRIs and refuse the names the import read. The
# rest of data/ (the Astana claims, talks, sources, places) is instance data a user may
# leave out.
REFERENCE_DATA = ("actors.ttl", "aliases.ttl", "reference/states.ttl")


def reference_files() -> list[Path]:
    """The bundled data files every store holds beside the ontology: the actors with their
    names (data/actors.ttl), the alias table (data/aliases.ttl) and the crosswalk of states
    (data/reference/states.ttl).

    ``kg load`` puts them into the data graph on every load (and back after ``--replace``),
    so that a store filled only with imports answers by the names the imports resolved. They
    add the same triples each time, so a second load adds nothing. The ontology is loaded
    apart, into its own graph (:func:`ontology_files`). Raises DataLoadError if one is missing.
    """
    folder = bundled_dir("data")
    files = [folder / name for name in REFERENCE_DATA]
    for path in files:
        if not path.is_file():
            raise DataLoadError(f"the bundled {path.name} is missing from this installation")
    return files
