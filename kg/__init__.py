"""conflict-kg: a knowledge graph of conflict actors and their relations.

Open the bundled data (the 2017 Astana talks on Syria) and ask it a question::

    from kg import KnowledgeGraph
    kg = KnowledgeGraph.open()
    rows = kg.select("who-backs-whom").rows
"""

from kg import xsd_dates
from kg.errors import DataLoadError, InvalidData, KGError, NetworkRefused, OutputError, QueryError
from kg.graph import KnowledgeGraph, QueryRows
from kg.validation import ValidationReport, ValidationResult, validate

xsd_dates.install()  # valid xsd:dates before year 1 or after 9999 are dates, not errors

__all__ = [
    "DataLoadError",
    "InvalidData",
    "KGError",
    "KnowledgeGraph",
    "NetworkRefused",
    "OutputError",
    "QueryError",
    "QueryRows",
    "ValidationReport",
    "ValidationResult",
    "validate",
]
