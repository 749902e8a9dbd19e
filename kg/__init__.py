"""conflict-kg: a knowledge graph of conflict actors and their relations.

Open the bundled data (the 2017 Astana talks on Syria) and ask it who backs whom::

    import kg
    with kg.open() as graph:
        backers = graph.backers(of="Syrian armed opposition", as_of="2017-09-01")
        backers.to_records()  # or .to_dataframe() with pandas installed

``kg.open`` takes the CLI's options (``store=``, ``endpoint=``, ``data=``, ``add=``) and
its ``KG_*`` variables; docs/python-api.md shows every report. ``KnowledgeGraph`` is the
layer below, for SPARQL on any store.
"""

from kg import xsd_dates
from kg.api import ConflictGraph, open
from kg.claims import Source
from kg.errors import DataLoadError, InvalidData, KGError, NetworkRefused, OutputError, QueryError
from kg.graph import KnowledgeGraph, QueryRows, StoreSpec
from kg.results import (
    ActorProfile,
    ActorRelation,
    Agreement,
    Alias,
    Alliance,
    Backing,
    Dispute,
    DisputedClaim,
    Event,
    MissingExtra,
    Office,
    Opposition,
    Proxy,
    Result,
    ThirdParty,
)
from kg.validation import ValidationReport, ValidationResult, validate

xsd_dates.install()  # valid xsd:dates before year 1 or after 9999 are dates, not errors

__all__ = [
    "ActorProfile",
    "ActorRelation",
    "Agreement",
    "Alias",
    "Alliance",
    "Backing",
    "ConflictGraph",
    "DataLoadError",
    "Dispute",
    "DisputedClaim",
    "Event",
    "InvalidData",
    "KGError",
    "KnowledgeGraph",
    "MissingExtra",
    "NetworkRefused",
    "Office",
    "Opposition",
    "OutputError",
    "Proxy",
    "QueryError",
    "QueryRows",
    "Result",
    "Source",
    "StoreSpec",
    "ThirdParty",
    "ValidationReport",
    "ValidationResult",
    "open",
    "validate",
]
