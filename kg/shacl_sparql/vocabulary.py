"""The SHACL vocabulary the compiler reads: the parameters of targets (SHACL 2.1.3,
https://www.w3.org/TR/shacl/#targets), of the core constraint components (SHACL 4,
https://www.w3.org/TR/shacl/#core-components) and the descriptive ones, each component's
IRI, and the tables the constraint families share."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, time
from decimal import Decimal

from rdflib import RDF, XSD, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

Row = Mapping[str, Node | None]


Select = Callable[[str], Iterable[Row]]


FOCUS = "focus"


VALUE = "value"


# The parameters this module compiles, and those it reads as mere description.
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)


CONSTRAINTS = (
    SH.minCount,
    SH.maxCount,
    SH["class"],
    SH.datatype,
    SH["in"],
    SH.nodeKind,
    SH.disjoint,
    SH.hasValue,
    SH.node,
    SH.minInclusive,
    SH.minExclusive,
    SH.maxInclusive,
    SH.maxExclusive,
    SH.minLength,
    SH.maxLength,
    SH.pattern,
    SH.languageIn,
    SH["not"],
    SH["and"],
    SH["or"],
    SH.xone,
    SH.equals,
    SH.uniqueLang,
    SH.closed,
    SH.qualifiedMinCount,
    SH.qualifiedMaxCount,
    SH.property,
    SH.sparql,
)


DESCRIPTIVE = (
    SH.path,
    SH.severity,
    SH.message,
    SH.deactivated,
    SH.name,
    SH.description,
    SH.order,
    SH.group,
    SH.defaultValue,
    SH.flags,  # read with sh:pattern
    SH.ignoredProperties,  # read with sh:closed
    SH.qualifiedValueShape,  # read with sh:qualifiedMinCount and sh:qualifiedMaxCount
    SH.qualifiedValueShapesDisjoint,
)


# SHACL terms that are no shape parameters at all (rdf:type values, prefix declarations).
NOT_PARAMETERS = (SH.declare, SH.prefixes, SH.prefix, SH.namespace, SH.select)


COMPONENT = {
    SH.minCount: SH.MinCountConstraintComponent,
    SH.maxCount: SH.MaxCountConstraintComponent,
    SH["class"]: SH.ClassConstraintComponent,
    SH.datatype: SH.DatatypeConstraintComponent,
    SH["in"]: SH.InConstraintComponent,
    SH.nodeKind: SH.NodeKindConstraintComponent,
    SH.disjoint: SH.DisjointConstraintComponent,
    SH.hasValue: SH.HasValueConstraintComponent,
    SH.node: SH.NodeConstraintComponent,
    SH.minInclusive: SH.MinInclusiveConstraintComponent,
    SH.minExclusive: SH.MinExclusiveConstraintComponent,
    SH.maxInclusive: SH.MaxInclusiveConstraintComponent,
    SH.maxExclusive: SH.MaxExclusiveConstraintComponent,
    SH.sparql: SH.SPARQLConstraintComponent,
    SH.minLength: SH.MinLengthConstraintComponent,
    SH.maxLength: SH.MaxLengthConstraintComponent,
    SH.pattern: SH.PatternConstraintComponent,
    SH.languageIn: SH.LanguageInConstraintComponent,
    SH["not"]: SH.NotConstraintComponent,
    SH["and"]: SH.AndConstraintComponent,
    SH["or"]: SH.OrConstraintComponent,
    SH.xone: SH.XoneConstraintComponent,
    SH.equals: SH.EqualsConstraintComponent,
    SH.uniqueLang: SH.UniqueLangConstraintComponent,
    SH.closed: SH.ClosedConstraintComponent,
    SH.qualifiedMinCount: SH.QualifiedMinCountConstraintComponent,
    SH.qualifiedMaxCount: SH.QualifiedMaxCountConstraintComponent,
}


# Constraints compiled only where a targeted shape (or its sh:property) holds them: not in a
# shape that sh:node or a logical constraint refers to.
TOP_LEVEL_ONLY = (SH.equals, SH.uniqueLang, SH.closed, SH.qualifiedMinCount, SH.qualifiedMaxCount)


# The logical constraints (SHACL 4.6): whether each value conforms to other shapes.
LOGICAL = (SH["not"], SH["and"], SH["or"], SH.xone)


# Constraints decided in Python for each value, by pySHACL's rule (STRING_TESTS): the query
# returns every value.
STRING_CONSTRAINTS = (SH.minLength, SH.maxLength, SH.pattern, SH.languageIn)


# The constraints on a property shape's whole set of values, not on each value.
COUNTED = (SH.minCount, SH.maxCount, SH.hasValue)


# sh:nodeKind value -> the SPARQL test a matching value node passes.
NODE_KINDS = {
    SH.IRI: "isIRI(?{v})",
    SH.BlankNode: "isBlank(?{v})",
    SH.Literal: "isLiteral(?{v})",
    SH.BlankNodeOrIRI: "(isIRI(?{v}) || isBlank(?{v}))",
    SH.BlankNodeOrLiteral: "(isBlank(?{v}) || isLiteral(?{v}))",
    SH.IRIOrLiteral: "(isIRI(?{v}) || isLiteral(?{v}))",
}


# Lexical forms that rdflib certainly reads as a valid value of the datatype (a subset of
# the valid ones: the query leaves the rest to ValueTest). Days 29 to 31 are left out, since
# not every month has them; years from 1000, since rdflib reads no year 0 or above 9999.
PLAINLY_VALID = {
    XSD.date: r"^[1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])$",
    XSD.integer: r"^-?[0-9]{1,15}$",
    XSD.decimal: r"^-?[0-9]{1,15}(\\.[0-9]{1,15})?$",
    XSD.boolean: r"^(true|false)$",
}


# Datatypes whose every literal of that datatype passes pySHACL's test.
ALWAYS_VALID = (XSD.string, RDF.langString)


# The Python class of a valid literal's value, as pySHACL checks it (others: any value).
VALUE_CLASSES: dict[URIRef, type | tuple[type, ...]] = {
    XSD.string: (str, bytes),
    RDF.langString: (str, bytes),
    XSD.integer: int,
    XSD.float: float,
    XSD.decimal: Decimal,
    XSD.boolean: bool,
    XSD.date: date,
    XSD.time: time,
    XSD.dateTime: datetime,
}


RANGE_TESTS: dict[URIRef, tuple[str, Callable[[int], bool]]] = {
    SH.minInclusive: (">=", lambda c: c >= 0),
    SH.minExclusive: (">", lambda c: c > 0),
    SH.maxInclusive: ("<=", lambda c: c <= 0),
    SH.maxExclusive: ("<", lambda c: c < 0),
}


# sh:class is a MINUS of the instances of the class's subclasses, found in a subquery with
# this LIMIT (far above any class hierarchy), which makes Virtuoso 7.2.5 find them once.
# Without it Virtuoso answers ``MINUS { ?c rdfs:subClassOf* C . ?value rdf:type ?c }`` (and
# NOT EXISTS, with the path written in any way) right for the first ?value only, as if no
# other value were an instance: over the 10k-triple synthetic data set 840 false sh:class
# results where pySHACL gives none. Oxigraph takes the MINUS as fast as before (0.02 s for
# every sh:class check at 100k triples), where a test of each value (IF(EXISTS ...)),
# which Virtuoso also gets right, took 2.2 s. The test of a class target (targets.py,
# ``EXISTS { ?v rdf:type/rdfs:subClassOf* C }``) needs the same subquery: Virtuoso answered
# it for the first row at most, and for none with two default graphs.
SUBCLASS_LIMIT = 1_000_000_000


def _local(node: Node | str) -> str:
    text = str(node)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
