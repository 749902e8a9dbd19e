"""``kg import csv FILE --mapping MAP``: a user's own table of claims, read through a small
mapping file that says which column is what.

The mapping is TOML (read by the standard library). Every value in it is a *template*, as
in RML's ``rr:template`` and CSV on the Web's URI templates: ``"{sponsor}"`` is the cell of
the column ``sponsor``, ``"My table"`` a constant, ``"{first} {last}"`` both. A value may
instead be a table ``{ value = "{col}", map = { "1" = "alleged" }, default = "asserted" }``
that looks the expanded text up. A minimal mapping::

    [source]
    title = "Backers of Syrian factions, compiled by hand"

    [claim]
    backer = "{sponsor}"
    recipient = "{group}"
    support = "{kinds}"
    start = "{from}"
    quote = "{quote}"

The README's "Importing tables" section documents every key; ``mappings/ucdp-esd.toml``
reads the whole ESD file with it. Nothing here knows a column name: they all come from the
mapping, and the kinds, statuses, relations and classes of actor from the ontology.

The reader is split as followthemoney splits its mapping (source, query, entity, property):

- :mod:`.document` reads and checks the TOML document into a :class:`.spec.MappingSpec`;
- :mod:`.spec` is that parsed mapping, and the keys of the language;
- :mod:`.template` is one mapped value: a template, a map, a default;
- :mod:`.rows` reads a table with a spec: the rows kept, one claim each;
- :mod:`.claim`, :mod:`.actor` and :mod:`.source` read one row's claim, actors and source.
"""

from __future__ import annotations

from pathlib import Path

from kg.importers.mapping.document import load_mapping
from kg.importers.mapping.rows import read_with_mapping
from kg.importers.mapping.spec import MappingSpec, check_columns
from kg.importers.mapping.template import Template, Value, parse_template

__all__ = [
    "MAPPINGS_DIR",
    "MappingSpec",
    "Template",
    "Value",
    "bundled_mapping",
    "check_columns",
    "load_mapping",
    "parse_template",
    "read_with_mapping",
]

MAPPINGS_DIR = Path(__file__).resolve().parent.parent / "mappings"


def bundled_mapping(name: str) -> Path:
    """The path of a mapping shipped with the package (``ucdp-esd``)."""
    return MAPPINGS_DIR / f"{name}.toml"
