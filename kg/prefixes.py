"""The prefixes every query and every table uses, and IRIs written short with them.

At the bottom of the package (it imports rdflib alone), so that the errors, the validation
report and the claim model can write ``ck:turkey`` without importing the queries.
"""

from __future__ import annotations

import re

from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, TIME, XSD

PREFIXES: dict[str, str] = {
    "ckg": "https://w3id.org/conflict-kg/ontology#",
    "ck": "https://w3id.org/conflict-kg/id/",
    "ckgsh": "https://w3id.org/conflict-kg/shapes#",
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "prov": str(PROV),
    "org": str(ORG),
    "foaf": str(FOAF),
    "schema": "https://schema.org/",
    "time": str(TIME),
    "dcterms": str(DCTERMS),
}


def compact(iri: str) -> str:
    """Write an IRI as prefix:local when one of :data:`PREFIXES` covers it."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and re.fullmatch(r"[\w.-]*", iri[len(namespace) :]):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri
