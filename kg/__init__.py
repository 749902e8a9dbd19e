"""conflict-kg: a knowledge graph of conflict actors and their relations.

Open the bundled data (the 2017 Astana talks on Syria) and ask it who backs whom::

    import kg
    with kg.open() as graph:
        backers = graph.backers(of="Syrian armed opposition", as_of="2017-09-01")
        backers.to_records()  # or .to_dataframe() with pandas installed

``kg.open`` takes the CLI's options (``store=``, ``endpoint=``, ``data=``, ``add=``) and
its ``KG_*`` variables; docs/python-api.md shows every report. ``KnowledgeGraph`` is the
layer below, for SPARQL on any store.

The names below are imported when first used, so that a command of the CLI (which
imports this package first) does not pay for the parts it does not use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from kg import xsd_dates
from kg.errors import DataLoadError, InvalidData, KGError, NetworkRefused, OutputError, QueryError

xsd_dates.install()  # valid xsd:dates before year 1 or after 9999 are dates, not errors

if TYPE_CHECKING:
    from kg.api import ConflictGraph, open
    from kg.claims import Source
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

# Each name, and the module that holds it.
_LAZY = {
    "ConflictGraph": "kg.api",
    "open": "kg.api",
    "Source": "kg.claims",
    "KnowledgeGraph": "kg.graph",
    "QueryRows": "kg.graph",
    "StoreSpec": "kg.graph",
    **dict.fromkeys(
        (
            "ActorProfile",
            "ActorRelation",
            "Agreement",
            "Alias",
            "Alliance",
            "Backing",
            "Dispute",
            "DisputedClaim",
            "Event",
            "MissingExtra",
            "Office",
            "Opposition",
            "Proxy",
            "Result",
            "ThirdParty",
        ),
        "kg.results",
    ),
    "ValidationReport": "kg.validation",
    "ValidationResult": "kg.validation",
    "validate": "kg.validation",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'kg' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # once found, an attribute like any other
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


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
