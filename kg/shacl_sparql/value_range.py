"""Value range constraints (SHACL 4.3, https://www.w3.org/TR/shacl/#core-components-range):
sh:minInclusive, sh:minExclusive, sh:maxInclusive and sh:maxExclusive, the values that may
fail found in SPARQL and decided in Python (kg.shacl_sparql.literals.in_range)."""

from __future__ import annotations

from rdflib import XSD, Literal, URIRef

from kg.shacl_sparql.base import _CompilerBase
from kg.shacl_sparql.vocabulary import PLAINLY_VALID, RANGE_TESTS


class ValueRangeMixin(_CompilerBase):
    """sh:minInclusive and its kin (SHACL 4.3)."""

    def _range_candidate(self, parameter: URIRef, bound: Literal, v: str) -> str:
        """A SPARQL condition true of every value node that fails the range constraint:
        all but integers written plainly that compare as they must with an integer bound."""
        if bound.datatype != XSD.integer or getattr(bound, "ill_typed", None):
            return "true"
        operator = RANGE_TESTS[parameter][0]
        plain = f'REGEX(STR(?{v}), "{PLAINLY_VALID[XSD.integer]}")'
        passes = (
            f"isLiteral(?{v}) && DATATYPE(?{v}) = xsd:integer && {plain} "
            f"&& ?{v} {operator} {self.writer.term(bound)}"
        )
        return f"!COALESCE({passes}, false)"
