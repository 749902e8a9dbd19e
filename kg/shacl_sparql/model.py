"""What compiling yields: a Check (one constraint of one shape as a SELECT query, with the
fields of its validation results, SHACL 3.6, https://www.w3.org/TR/shacl/#results), the
ValueTest that finishes a check in Python, and UnsupportedShape for what is not compiled."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal as TypingLiteral

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from kg.shacl_sparql.literals import STRING_TESTS, datatype_matches, in_range
from kg.shacl_sparql.vocabulary import _local


class UnsupportedShape(ValueError):
    """A shape uses a SHACL construct that this compiler does not turn into SPARQL."""

    def __init__(self, shape: Node, construct: str, where: str | None = None) -> None:
        where = where or f"shape {shape.n3()}"
        super().__init__(f"{where}: {construct} is not supported by kg.shacl_sparql")
        self.shape = shape
        self.construct = construct
        self.where = where
        self.top: Node = shape  # the targeted shape that holds it


@dataclass(frozen=True)
class ValueTest:
    """pySHACL's own test of one value node, for the constraints whose outcome depends on
    rdflib's reading of a literal: ``kind`` is ``datatype`` or a range parameter's local
    name (``minInclusive``, ...), ``argument`` the datatype or the bound."""

    kind: TypingLiteral[
        "datatype",
        "minInclusive",
        "minExclusive",
        "maxInclusive",
        "maxExclusive",
        "minLength",
        "maxLength",
        "pattern",
        "languageIn",
    ]
    argument: Node
    #: sh:flags of a sh:pattern; the languages of sh:languageIn, in lower case.
    options: tuple[str, ...] = ()

    def fails(self, value: Node | None) -> bool:
        """Whether pySHACL reports ``value`` for this constraint."""
        if value is None:
            return False
        if self.kind == "datatype":
            assert isinstance(self.argument, URIRef)
            return not datatype_matches(value, self.argument)
        if self.kind in STRING_TESTS:
            return not STRING_TESTS[self.kind](value, self.argument, self.options)
        return not in_range(value, SH[self.kind], self.argument)


@dataclass(frozen=True)
class Check:
    """One constraint of one shape, as a SELECT query over the union of ontology and data.

    Each row of ``query`` is a result: ``?focus``, and ``?value`` where the constraint
    reports one. ``shape`` is the named node shape that holds the constraint, ``path`` its
    property path (an IRI; a complex path as ``complex path`` and its SPARQL form; None on a
    node shape), ``constraint`` the IRI of the constraint component. ``value_test``, when
    set, keeps only the rows whose ``?value`` fails it. For a SPARQL-based constraint the
    message is a template: ``{?name}`` stands for the row's value of ``?name``, and a row's
    ``?path`` and ``?value`` are its result's path and value."""

    query: str
    shape: str
    path: str | None
    constraint: str
    severity: str
    message: str
    value_test: ValueTest | None = None
    sparql_based: bool = False
    #: The result's path is the row's ``?path`` (sh:closed: the property not allowed).
    row_path: bool = False

    @property
    def label(self) -> str:
        """A short name for timings and messages: shape, path and constraint component."""
        path = _local(self.path) if self.path else "-"
        return f"{_local(self.shape)} {path} {_local(self.constraint)}"


def severity_name(severity: Node) -> str:
    """sh:Violation, sh:Warning and sh:Info by their local name, any other severity (SHACL
    allows one's own) by its IRI."""
    text = str(severity)
    return text[len(str(SH)) :] if text.startswith(str(SH)) else text


def _count(shape: Node, parameter: URIRef, argument: Node) -> int:
    if not isinstance(argument, Literal) or not isinstance(argument.value, int):
        raise UnsupportedShape(shape, f"sh:{_local(parameter)} {argument.n3()} (not an integer)")
    return int(argument.value)


def _default_message(parameter: URIRef, argument: Node, path: str | None) -> str:
    where = f" of {path}" if path else ""
    what = argument.n3() if not isinstance(argument, BNode) else "the list given"
    wording = {
        SH.minCount: f"has fewer than {argument} values{where}",
        SH.maxCount: f"has more than {argument} values{where}",
        SH["class"]: f"has a value{where} that is not an instance of {what}",
        SH.datatype: f"has a value{where} that is not a literal of datatype {what}",
        SH["in"]: f"has a value{where} that is not one of those allowed",
        SH.nodeKind: f"has a value{where} that is not of node kind {what}",
        SH.disjoint: f"has a value{where} that is also a value of {what}",
        SH.hasValue: f"does not have the value {what}{where}",
        SH.node: f"has a value{where} that does not conform to the shape {what}",
        SH.minInclusive: f"has a value{where} that is not at least {what}",
        SH.minExclusive: f"has a value{where} that is not above {what}",
        SH.maxInclusive: f"has a value{where} that is not at most {what}",
        SH.maxExclusive: f"has a value{where} that is not below {what}",
        SH.minLength: f"has a value{where} shorter than {what} characters",
        SH.maxLength: f"has a value{where} longer than {what} characters",
        SH.pattern: f"has a value{where} that does not match {what}",
        SH.languageIn: f"has a value{where} that is not in one of the languages allowed",
        SH["not"]: f"has a value{where} that conforms to the shape {what}",
        SH["and"]: f"has a value{where} that does not conform to all of the shapes given",
        SH["or"]: f"has a value{where} that conforms to none of the shapes given",
        SH.xone: f"has a value{where} that does not conform to exactly one of the shapes given",
        SH.equals: f"has a value{where} that is not also a value of {what}, or the reverse",
        SH.uniqueLang: f"has more than one value{where} in one language",
        SH.closed: "has a property that the shape does not allow",
        SH.qualifiedMinCount: f"has fewer than {argument} values{where} of the qualified shape",
        SH.qualifiedMaxCount: f"has more than {argument} values{where} of the qualified shape",
    }
    return wording.get(parameter, "does not conform")
