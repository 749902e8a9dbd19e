"""Literals as pySHACL reads them: the rules that decide, in Python, a value that a query
cannot decide exactly: sh:datatype (SHACL 4.1.2,
https://www.w3.org/TR/shacl/#DatatypeConstraintComponent), the value range constraints
(SHACL 4.3, https://www.w3.org/TR/shacl/#core-components-range) and the string-based ones
(SHACL 4.4, https://www.w3.org/TR/shacl/#core-components-string)."""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable

from pyshacl.rdfutil.compare import compare_literal
from rdflib import RDF, RDFS, XSD, BNode, Literal, URIRef
from rdflib.term import Node

from kg.shacl_sparql.vocabulary import RANGE_TESTS, VALUE_CLASSES

# Converting an ill-typed literal (such as "15/03/2011"^^xsd:date) logs a traceback in rdflib;
# the checks report those literals, so the log is noise (as in kg.graph).
logging.getLogger("rdflib.term").setLevel(logging.ERROR)


# pySHACL's comparison of two literals (-1, 0, 1), for sh:minInclusive and its kin.
_compare_literal: Callable[[Literal, Literal], int] = compare_literal


def datatype_matches(value: Node, datatype: URIRef) -> bool:
    """pySHACL's sh:datatype test (DatatypeConstraintComponent.evaluate), on rdflib terms."""
    if not isinstance(value, Literal):
        return False
    if value.datatype == datatype:
        if getattr(value, "ill_typed", None) is True:
            return False
        return _value_has_class(value, datatype)
    if datatype == RDFS.Literal:
        return True
    if datatype == RDFS.Datatype and value.datatype:
        return True
    if value.datatype is None and value.language is None and datatype == XSD.string:
        return _value_has_class(value, datatype)
    if datatype == RDF.langString and value.language:
        return _value_has_class(value, datatype)
    return False


def _as_string(value: Node) -> str:
    """A value node as pySHACL's string constraints read it (value_node_to_string)."""
    if isinstance(value, Literal) and value.value is not None:
        if value.datatype in (None, RDF.langString, XSD.string):
            return str(value.value)
    return str(value)


def _long_enough(value: Node, bound: Node, _options: tuple[str, ...]) -> bool:
    assert isinstance(bound, Literal)
    if bound.value == 0:
        return True
    return not isinstance(value, BNode) and len(_as_string(value)) >= int(bound.value)


def _short_enough(value: Node, bound: Node, _options: tuple[str, ...]) -> bool:
    assert isinstance(bound, Literal)
    return not isinstance(value, BNode) and len(_as_string(value)) <= int(bound.value)


@functools.lru_cache(maxsize=256)
def _regex(pattern: str, flags: str) -> re.Pattern[str]:
    # pySHACL reads two flags of XPath's (i, m) and the pattern as a Python regex.
    return re.compile(pattern, (re.I if "i" in flags else 0) | (re.M if "m" in flags else 0))


def _matches(value: Node, pattern: Node, options: tuple[str, ...]) -> bool:
    if isinstance(value, BNode):
        return False
    assert isinstance(pattern, Literal)
    text = str(pattern.value) if pattern.value is not None and len(pattern.value) > 1 else str(
        pattern
    )
    return _regex(text, options[0] if options else "").search(_as_string(value)) is not None


def _language_in(value: Node, _argument: Node, languages: tuple[str, ...]) -> bool:
    if not isinstance(value, Literal) or not value.language:
        return False
    tag = str(value.language).lower()
    return "*" in languages or tag in languages or tag.split("-")[0] in languages


# pySHACL's string-based constraints (string_based_constraints.py): whether a value passes.
STRING_TESTS: dict[str, Callable[[Node, Node, tuple[str, ...]], bool]] = {
    "minLength": _long_enough,
    "maxLength": _short_enough,
    "pattern": _matches,
    "languageIn": _language_in,
}


def _value_has_class(value: Literal, datatype: URIRef) -> bool:
    expected = VALUE_CLASSES.get(datatype)
    return expected is None or isinstance(value.value, expected)


def in_range(value: Node, parameter: URIRef, bound: Node) -> bool:
    """pySHACL's test for sh:minInclusive and its kin (value_range_constraints.py)."""
    if not isinstance(value, Literal):
        return False  # IRIs and blank nodes never pass
    assert isinstance(bound, Literal)
    bound_is_string = isinstance(bound.value, str)
    value_is_string = isinstance(value.value, str)
    if bound_is_string != value_is_string:
        return False
    try:
        order = _compare_literal(value, bound)
    except (TypeError, NotImplementedError):
        return False
    return RANGE_TESTS[parameter][1](order)
