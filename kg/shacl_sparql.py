"""SHACL validation at scale: the shapes compiled into SPARQL SELECT queries.

pySHACL (:mod:`kg.validation`) is the reference for what the shapes mean, but it walks the
graph focus node by focus node in Python and takes minutes on a million triples. Here each
constraint of each shape becomes one SELECT query that finds all its violations at once, for
a fast engine (Oxigraph, in memory or on disk) to run over the union of ontology and data:

    checks = compile_shapes(shapes_graph())
    results = run_checks(oxigraph_select(store), checks)

The rows of a check's query are its results: ``?focus`` always, ``?value`` where the
constraint reports a value (and, for SPARQL-based constraints, the variables their message
names). The results are those pySHACL gives: focus node, path, shape, constraint component,
severity, value and message, as :mod:`kg.validation` reports them.

How the queries are written (measured on Oxigraph, a million triples): a constraint on each
value (sh:class, sh:datatype, sh:in, ...) first finds the values that fail, in a subquery,
and only then asks whether their subject is a focus node (``FILTER EXISTS``); enumerating
the focus nodes first and looking up their values is several times slower. sh:maxCount
groups the values by subject the same way; sh:minCount and sh:hasValue, which are about
values that are missing, enumerate the focus nodes (``FILTER NOT EXISTS``). sh:class is a
``MINUS`` of the instances of the class (its subclasses found in a subquery with a LIMIT, for
Virtuoso: see SUBCLASS_LIMIT); a SPARQL-based constraint runs once over the graph
and keeps the rows whose ``$this`` is a focus node, as kg.validation does.

Two rules of pySHACL's cannot be written in SPARQL exactly, because they follow rdflib's
reading of a literal: whether a literal matches its ``sh:datatype`` (an ill-typed
``"15/03/2011"^^xsd:date`` does not, nor does a date rdflib cannot read, such as
"2017-02-29") and how ``sh:minInclusive`` and its kin compare values. For those the query
returns every value that may fail (all but the plainly valid ones, which a regular
expression recognises in the query) and :class:`ValueTest` decides each in Python with
pySHACL's own rule.

Oxigraph stores a valid literal as its value: ``8.0`` comes back as "8"^^xsd:decimal, and
"3"^^xsd:int (any type derived from xsd:integer) as "3"^^xsd:integer, so over Oxigraph such
a literal passes ``sh:datatype xsd:integer`` where pySHACL reports it, and a ``sh:value``
shows the canonical form. Everything else is the same over rdflib and Oxigraph.

A construct that is not compiled raises :class:`UnsupportedShape`, naming the shape and the
construct, rather than being skipped (kg.validation then refuses the shape with ShapeError,
or runs it with pySHACL). Not compiled: sh:lessThan and sh:lessThanOrEquals, SPARQL-based
constraint components, sh:select queries whose ``$this`` is bound only by pre-binding
(kg.shacl_prebinding), and, in a shape that sh:node or a logical constraint refers to, the
constraints decided in Python. The string constraints (sh:minLength, sh:maxLength,
sh:pattern, sh:languageIn) return every value and are decided by pySHACL's rules, like
sh:datatype. Literal constants that Oxigraph would fold ("1"^^xsd:int) are compared by
lexical form and datatype, so that the results over a store are pySHACL's over what the
store holds. tests/test_w3c_shacl.py runs the W3C SHACL test suite on every engine.
"""

from __future__ import annotations

import functools
import itertools
import logging
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from time import perf_counter
from typing import Literal as TypingLiteral

import pyoxigraph
from pyshacl.rdfutil.compare import compare_literal
from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, SH
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import ResultRow
from rdflib.term import Node

from kg import terms
from kg.errors import ShapeError
from kg.queries import PREFIXES, guard
from kg.shacl_prebinding import prebinding_problem
from kg.validation_report import ValidationResult, named_shape

# Converting an ill-typed literal (such as "15/03/2011"^^xsd:date) logs a traceback in rdflib;
# the checks report those literals, so the log is noise (as in kg.graph).
logging.getLogger("rdflib.term").setLevel(logging.ERROR)

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
# which Virtuoso also gets right, took 2.2 s.
SUBCLASS_LIMIT = 1_000_000_000

# pySHACL's comparison of two literals (-1, 0, 1), for sh:minInclusive and its kin.
_compare_literal: Callable[[Literal, Literal], int] = compare_literal


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


# ---------------------------------------------------------------------------------------------
# Literals as pySHACL reads them
# ---------------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------------
# Writing SPARQL
# ---------------------------------------------------------------------------------------------

_SAFE_LOCAL = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


class _Writer:
    """Turns terms into SPARQL, with prefixed names where the shapes graph binds a prefix,
    and hands out fresh variable names."""

    def __init__(self, shapes: Graph) -> None:
        bound = {str(ns): prefix for prefix, ns in shapes.namespaces() if prefix}
        bound.setdefault(str(RDF), "rdf")
        bound.setdefault(str(RDFS), "rdfs")
        bound.setdefault(str(XSD), "xsd")
        taken = set(bound.values())
        for prefix, namespace in PREFIXES.items():  # the project's usual prefixes, if free
            if namespace not in bound and prefix not in taken:
                bound[namespace] = prefix
                taken.add(prefix)
        # Longest namespace first, so that a prefixed name takes the most specific prefix.
        self.namespaces = sorted(bound.items(), key=lambda item: -len(item[0]))
        self.counter = itertools.count()
        self.prefixed = True  # False: every IRI written in full

    def fresh(self, stem: str) -> str:
        """A variable name no other part of a query uses (without the ?)."""
        return f"_{stem}{next(self.counter)}"

    def term(self, node: Node) -> str:
        if isinstance(node, URIRef):
            text = str(node)
            for namespace, prefix in self.namespaces if self.prefixed else ():
                if text.startswith(namespace) and _SAFE_LOCAL.match(text[len(namespace) :]):
                    return f"{prefix}:{text[len(namespace) :]}"
            return node.n3()
        if isinstance(node, Literal):
            return node.n3()
        raise TypeError(f"no SPARQL constant for {node!r}")

    def same(self, v: str, node: Node) -> str:
        """A test that ``?v`` is the very term ``node``. A literal that Oxigraph would keep
        in another form ("1"^^xsd:int as "1"^^xsd:integer, "01"^^xsd:integer as "1") is
        compared by its lexical form and datatype: Oxigraph folds such a constant in a query
        too, so that sameTerm would also match what the store holds as "1"^^xsd:integer,
        which pySHACL, over what the store holds, tells apart from "1"^^xsd:int."""
        if isinstance(node, Literal) and not oxigraph_keeps(node):
            kind = (
                f'LANG(?{v}) = "{node.language}"'
                if node.language
                else f"DATATYPE(?{v}) = {self.term(node.datatype or XSD.string)}"
            )
            lexical = Literal(str(node)).n3()
            return f"(isLiteral(?{v}) && STR(?{v}) = {lexical} && {kind})"
        return f"sameTerm(?{v}, {self.term(node)})"

    def absent(self, v: str, path: str, node: Node) -> str:
        """A test that ``node`` is not among the values of ``?v`` along ``path``."""
        if isinstance(node, Literal) and not oxigraph_keeps(node):
            h = self.fresh("h")
            return _not_exists(f"?{v} {path} ?{h} . FILTER {self.same(h, node)}")
        return _not_exists(f"?{v} {path} {self.term(node)}")

    def query(self, body: str) -> str:
        """Prefix declarations for the prefixed names ``body`` uses, then ``body``."""
        used = set(re.findall(r"(?<![\w?$:<\"'])([A-Za-z][\w-]*):(?=[A-Za-z_])", body))
        lines = [
            f"PREFIX {prefix}: <{namespace}>"
            for namespace, prefix in sorted(self.namespaces, key=lambda item: item[1])
            if prefix in used
        ]
        return "\n".join([*lines, body])


@functools.lru_cache(maxsize=1024)
def oxigraph_keeps(literal: Literal) -> bool:
    """Whether Oxigraph keeps ``literal`` as it is written (it stores some as their value:
    "1"^^xsd:int as "1"^^xsd:integer, "8.0"^^xsd:decimal as "8")."""
    store = pyoxigraph.Store()
    node = pyoxigraph.NamedNode("urn:x:x")
    store.add(pyoxigraph.Quad(node, node, to_oxigraph(literal)))
    kept = from_oxigraph(next(iter(store)).object)
    return isinstance(kept, Literal) and (str(kept), kept.datatype, kept.language) == (
        str(literal),
        literal.datatype,
        literal.language,
    )


# A pattern maker: given the name of a variable (without ?), SPARQL text about it.
Pattern = Callable[[str], str]


@dataclass(frozen=True)
class Focus:
    """The focus nodes of a shape, two ways: ``enumerate(v)`` is a group graph pattern that
    binds ``?v`` to each of them (possibly more than once), ``test(v)`` an expression that is
    true when the bound ``?v`` is one. A query that finds few candidates first and then
    tests them (value-first) runs far faster on Oxigraph than one that enumerates every
    focus node and looks up its values, so constraints on values use ``test``."""

    enumerate: Pattern
    test: Pattern


@dataclass
class _Compiler:
    shapes: Graph
    writer: _Writer
    checks: list[Check] = field(default_factory=list)
    refused: list[UnsupportedShape] = field(default_factory=list)

    # -- shapes -----------------------------------------------------------------------------

    def compile(self, *, partial: bool = False) -> list[Check]:
        """The checks of every targeted shape. A shape that uses a construct not compiled
        raises UnsupportedShape, or with ``partial`` is left out whole (none of its checks
        kept) and its error added to ``refused``."""
        for shape in self._targeted_shapes():
            if self._deactivated(shape):
                continue
            before = len(self.checks)
            try:
                self._shape(shape, self._focus(shape))
            except UnsupportedShape as error:
                # Name the shape as results do: the named node shape, and the property shape.
                where = self._describe(error.shape, shape)
                named = UnsupportedShape(error.shape, error.construct, where)
                named.top = shape
                if not partial:
                    raise named from None
                del self.checks[before:]
                self.refused.append(named)
        return self.checks

    def _describe(self, shape: Node, top: Node) -> str:
        named = named_shape(self.shapes, shape)
        if named == str(shape) and isinstance(shape, BNode):
            named = str(top)  # a blank shape in a list (sh:or, ...): named by the targeted one
        text = f"shape <{named}>"
        if isinstance(shape, BNode):
            path = self.shapes.value(shape, SH.path)
            if isinstance(path, URIRef):
                return f"{text}, its property shape on <{path}>"
            return f"{text}, one of its shapes"
        return text

    def _targeted_shapes(self) -> list[Node]:
        shapes: set[Node] = set()
        for predicate in (*TARGETS, SH.target):
            shapes.update(self.shapes.subjects(predicate, None))
        class_types = {RDFS.Class, *self.shapes.subjects(RDFS.subClassOf, RDFS.Class)}
        for shape in self.shapes.subjects(RDF.type, SH.NodeShape):
            if any(t in class_types for t in self.shapes.objects(shape, RDF.type)):
                shapes.add(shape)  # an implicit class target, as pySHACL reads one
        return sorted(shapes, key=lambda s: (isinstance(s, BNode), str(s)))

    def _deactivated(self, shape: Node) -> bool:
        values = list(self.shapes.objects(shape, SH.deactivated))
        if len(values) > 1:
            raise UnsupportedShape(shape, "more than one sh:deactivated")
        return bool(values) and isinstance(values[0], Literal) and values[0].value is True

    def _focus(self, shape: Node) -> Focus:
        """The focus nodes of a shape's targets: sh:targetClass (SHACL instances, through
        rdfs:subClassOf* in the data graph), sh:targetNode, sh:targetSubjectsOf,
        sh:targetObjectsOf, and the implicit class target of a shape that is a class."""
        if self.shapes.value(shape, SH.target) is not None:
            raise UnsupportedShape(shape, "sh:target (a SPARQL-based or custom target)")
        w = self.writer
        parts: list[Focus] = []
        class_types = {RDFS.Class, *self.shapes.subjects(RDFS.subClassOf, RDFS.Class)}
        classes = list(self.shapes.objects(shape, SH.targetClass))
        if any(t in class_types for t in self.shapes.objects(shape, RDF.type)):
            classes.append(shape)
        for cls in sorted(set(classes), key=str):
            if not isinstance(cls, URIRef):
                raise UnsupportedShape(shape, f"sh:targetClass {cls.n3()} (not an IRI)")
            parts.append(self._instances_of(cls))
        nodes = sorted(self.shapes.objects(shape, SH.targetNode), key=str)
        for node in nodes:
            if isinstance(node, BNode):
                raise UnsupportedShape(shape, "sh:targetNode with a blank node")
        if nodes:

            def listed(v: str) -> str:
                # In a subquery of its own: rdflib drops the rows of a VALUES block that an
                # OPTIONAL after it does not match (sh:minCount results went missing).
                values = f"VALUES ?{v} {{ {' '.join(w.term(n) for n in nodes)} }}"
                return f"{{ SELECT ?{v} WHERE {{ {values} }} }}"

            def is_listed(v: str) -> str:
                return " || ".join(f"sameTerm(?{v}, {w.term(n)})" for n in nodes)

            parts.append(Focus(listed, is_listed))
        for predicate, inverse in ((SH.targetSubjectsOf, False), (SH.targetObjectsOf, True)):
            for prop in sorted(self.shapes.objects(shape, predicate), key=str):
                if not isinstance(prop, URIRef):
                    raise UnsupportedShape(shape, f"{_local(predicate)} {prop.n3()}")
                parts.append(self._subjects_of(prop, inverse))
        if len(parts) == 1:
            return parts[0]

        def union(v: str) -> str:
            return " UNION ".join(f"{{ {part.enumerate(v)} }}" for part in parts)

        def any_of(v: str) -> str:
            return " || ".join(f"({part.test(v)})" for part in parts)

        return Focus(union, any_of)

    def _instances_of(self, cls: URIRef) -> Focus:
        w = self.writer

        def instances(v: str) -> str:
            c = w.fresh("class")
            sub, a = w.term(RDFS.subClassOf), w.term(RDF.type)
            return f"?{c} {sub}* {w.term(cls)} . ?{v} {a} ?{c} ."

        def is_instance(v: str) -> str:
            sub, a = w.term(RDFS.subClassOf), w.term(RDF.type)
            return f"EXISTS {{ ?{v} {a}/{sub}* {w.term(cls)} }}"

        return Focus(instances, is_instance)

    def _subjects_of(self, prop: URIRef, inverse: bool) -> Focus:
        w = self.writer

        def triple(v: str) -> str:
            other = w.fresh("o")
            if inverse:
                return f"?{other} {w.term(prop)} ?{v} ."
            return f"?{v} {w.term(prop)} ?{other} ."

        def subjects(v: str) -> str:
            return f"{{ SELECT DISTINCT ?{v} WHERE {{ {triple(v)} }} }}"

        def is_subject(v: str) -> str:
            return f"EXISTS {{ {triple(v)} }}"

        return Focus(subjects, is_subject)

    def _shape(self, shape: Node, focus: Focus) -> None:
        """Compile the constraints of ``shape`` (a node or property shape) on the focus
        nodes that ``focus`` binds."""
        self._refuse_unknown_parameters(shape)
        path = self._path(shape)
        path_text = self._path_text(shape)
        severity = self._severity(shape)
        message = self._message(shape)
        for parameter in CONSTRAINTS:
            values = sorted(self.shapes.objects(shape, parameter), key=str)
            if parameter == SH.property:
                for prop in values:
                    if self._deactivated(prop):
                        continue
                    self._shape(prop, self._values_as_focus(focus, shape, path))
                continue
            if parameter == SH.sparql:
                for constraint in values:
                    self._sparql(shape, constraint, focus, path_text)
                continue
            if parameter in (
                SH.minCount,
                SH.maxCount,
                SH.datatype,
                SH.nodeKind,
                SH["in"],
                SH.minLength,
                SH.maxLength,
                SH.languageIn,
            ):
                if len(values) > 1:
                    raise UnsupportedShape(shape, f"more than one {_local(parameter)}")
            for value in values:
                query, test = self._constraint(shape, parameter, value, focus, path)
                if query is None:
                    continue
                self.checks.append(
                    Check(
                        query=self.writer.query(query),
                        shape=named_shape(self.shapes, shape),
                        path=path_text,
                        constraint=str(COMPONENT[parameter]),
                        severity=severity,
                        message=message or _default_message(parameter, value, path_text),
                        value_test=test,
                        row_path=parameter == SH.closed,
                    )
                )

    def _list(self, shape: Node, node: Node, what: str) -> list[Node]:
        """The members of an RDF list, or UnsupportedShape for a node that is not a
        well-formed list (rdflib would read it as an empty list, pySHACL refuses it or
        reads it otherwise)."""
        members: list[Node] = []
        seen: set[Node] = set()
        while node != RDF.nil:
            firsts = list(self.shapes.objects(node, RDF.first))
            rests = list(self.shapes.objects(node, RDF.rest))
            if len(firsts) != 1 or len(rests) != 1 or node in seen or len(seen) > 100_000:
                raise UnsupportedShape(shape, f"{what} {node.n3()}, not a well-formed list")
            seen.add(node)
            members.append(firsts[0])
            node = rests[0]
        return members

    def _refuse_unknown_parameters(self, shape: Node) -> None:
        known = {*TARGETS, *CONSTRAINTS, *DESCRIPTIVE, *NOT_PARAMETERS}
        components = self._components
        for predicate in sorted(set(self.shapes.predicates(shape, None)), key=str):
            if str(predicate).startswith(str(SH)) and predicate not in known:
                raise UnsupportedShape(shape, f"sh:{_local(predicate)}")
            if predicate in components:
                raise UnsupportedShape(
                    shape,
                    f"the SPARQL-based constraint component {components[predicate].n3()} "
                    f"(its parameter {predicate.n3()})",
                )

    @functools.cached_property
    def _components(self) -> dict[Node, Node]:
        """The parameters of the constraint components the shapes graph declares, each
        with its component: a shape that uses one is checked by that component's
        validators (SHACL 6), which are not compiled."""
        found: dict[Node, Node] = {}
        # Any node with parameters: a component may be typed by a subclass of
        # sh:ConstraintComponent, and reading it as one errs on the safe side.
        for component in set(self.shapes.subjects(SH.parameter, None)):
            for parameter in self.shapes.objects(component, SH.parameter):
                for path in self.shapes.objects(parameter, SH.path):
                    found[path] = component
        return found

    def _severity(self, shape: Node) -> str:
        values = list(self.shapes.objects(shape, SH.severity))
        if len(values) > 1:
            raise UnsupportedShape(shape, "more than one sh:severity")
        return severity_name(values[0]) if values else "Violation"

    def _message(self, shape: Node) -> str | None:
        messages = sorted(
            (m for m in self.shapes.objects(shape, SH.message) if isinstance(m, Literal)),
            key=lambda m: (m.language not in (None, "en"), m.language or "", str(m)),
        )
        return str(messages[0]) if messages else None

    # -- paths ------------------------------------------------------------------------------

    def _path(self, shape: Node) -> str | None:
        """The SPARQL form of the shape's sh:path, or None for a node shape."""
        values = list(self.shapes.objects(shape, SH.path))
        if not values:
            return None
        if len(values) > 1:
            raise UnsupportedShape(shape, "more than one sh:path")
        return self._path_expression(shape, values[0], depth=0)

    def _path_text(self, shape: Node) -> str | None:
        path = self.shapes.value(shape, SH.path)
        if path is None:
            return None
        if isinstance(path, URIRef):
            return str(path)
        return f"complex path {self._path_expression(shape, path, depth=0)}"

    def _path_expression(self, shape: Node, path: Node, depth: int) -> str:
        if depth > 50:
            raise UnsupportedShape(shape, "a property path nested too deeply")
        if isinstance(path, URIRef):
            return self.writer.term(path)
        if not isinstance(path, BNode):
            raise UnsupportedShape(shape, f"sh:path {path.n3()}")
        if self.shapes.value(path, RDF.first) is not None:
            steps = [
                self._path_expression(shape, s, depth + 1) for s in Collection(self.shapes, path)
            ]
            if len(steps) < 2:
                raise UnsupportedShape(shape, "a sequence path of fewer than two steps")
            return "(" + " / ".join(steps) + ")"
        unary = {
            SH.inversePath: "^{}",
            SH.zeroOrMorePath: "{}*",
            SH.oneOrMorePath: "{}+",
            SH.zeroOrOnePath: "{}?",
        }
        for predicate, form in unary.items():
            inner = self.shapes.value(path, predicate)
            if inner is not None:
                return "(" + form.format(self._path_expression(shape, inner, depth + 1)) + ")"
        alternatives = self.shapes.value(path, SH.alternativePath)
        if alternatives is not None:
            steps = [
                self._path_expression(shape, s, depth + 1)
                for s in Collection(self.shapes, alternatives)
            ]
            return "(" + " | ".join(steps) + ")"
        raise UnsupportedShape(shape, "a property path of an unknown form")

    def _zero_length(self, shape: Node) -> bool:
        """Whether the shape's path may take no step, so that each focus node is one of its
        own values (sh:zeroOrMorePath, sh:zeroOrOnePath)."""

        def empty(path: Node | None, depth: int) -> bool:
            if path is None or isinstance(path, URIRef) or depth > 50:
                return False
            if self.shapes.value(path, RDF.first) is not None:
                return all(empty(step, depth + 1) for step in Collection(self.shapes, path))
            if (path, SH.zeroOrMorePath, None) in self.shapes:
                return True
            if (path, SH.zeroOrOnePath, None) in self.shapes:
                return True
            for predicate in (SH.inversePath, SH.oneOrMorePath):
                inner = self.shapes.value(path, predicate)
                if inner is not None:
                    return empty(inner, depth + 1)
            alternatives = self.shapes.value(path, SH.alternativePath)
            if alternatives is not None:
                return any(empty(step, depth + 1) for step in Collection(self.shapes, alternatives))
            return False

        return empty(self.shapes.value(shape, SH.path), 0)

    def _with_self(self, focus: Focus, path: str, f: str, v: str) -> str:
        """A pattern binding ``?f`` to each focus node and ``?v`` to each of its values along
        a path that may take no step, the focus node itself included: SPARQL joins give a
        zero-length path only from nodes of the graph, and a focus node may be in none."""
        return (
            f"{{ {focus.enumerate(f)} ?{f} {path} ?{v} . }} "
            f"UNION {{ {focus.enumerate(f)} BIND (?{f} AS ?{v}) }}"
        )

    def _counted_with_self(
        self, shape: Node, parameter: URIRef, argument: Node, focus: Focus, path: str
    ) -> str | None:
        """sh:minCount, sh:maxCount or sh:hasValue along a path that may take no step."""
        w = self.writer
        f, v = FOCUS, w.fresh("v")
        if parameter == SH.hasValue:
            if isinstance(argument, BNode):
                raise UnsupportedShape(shape, "sh:hasValue with a blank node")
            absent = f"!{w.same(f, argument)} && {w.absent(f, path, argument)}"
            return f"SELECT DISTINCT ?{f} WHERE {{ {focus.enumerate(f)} FILTER ({absent}) }}"
        count = _count(shape, parameter, argument)
        if parameter == SH.minCount and count <= 1:
            return None  # the focus node is always one value
        compare = "<" if parameter == SH.minCount else ">"
        return (
            f"SELECT ?{f} WHERE {{ {self._with_self(focus, path, f, v)} }} "
            f"GROUP BY ?{f} HAVING (COUNT(DISTINCT ?{v}) {compare} {count})"
        )

    def _values_as_focus(self, focus: Focus, shape: Node, path: str | None) -> Focus:
        """The value nodes of a shape with ``path`` as focus nodes (for its sh:property)."""
        if path is None:
            return focus
        w = self.writer
        zero = self._zero_length(shape)

        def values(v: str) -> str:
            parent = w.fresh("parent")
            if zero:
                inner = self._with_self(focus, path, parent, v)
            else:
                inner = f"{focus.enumerate(parent)} ?{parent} {path} ?{v} ."
            return f"{{ SELECT DISTINCT ?{v} WHERE {{ {inner} }} }}"

        def is_value(v: str) -> str:
            parent = w.fresh("parent")
            test = f"EXISTS {{ ?{parent} {path} ?{v} . FILTER ({focus.test(parent)}) }}"
            return f"{test} || ({focus.test(v)})" if zero else test

        return Focus(values, is_value)

    # -- constraints ------------------------------------------------------------------------

    def _constraint(
        self, shape: Node, parameter: URIRef, argument: Node, focus: Focus, path: str | None
    ) -> tuple[str | None, ValueTest | None]:
        """The query (``SELECT ?focus ?value``) of one constraint, and its ValueTest.

        Constraints on the number of values and sh:hasValue enumerate the focus nodes and
        look up their values; the others find the values that fail first, and then keep
        those of focus nodes."""
        w = self.writer
        f = FOCUS
        if path is not None and self._zero_length(shape) and parameter in COUNTED:
            return self._counted_with_self(shape, parameter, argument, focus, path), None
        if parameter in (SH.minCount, SH.maxCount):
            if path is None:
                raise UnsupportedShape(shape, f"sh:{_local(parameter)} on a node shape")
            count = _count(shape, parameter, argument)
            v = w.fresh("v")
            if parameter == SH.minCount:
                if count == 0:
                    return None, None
                if count == 1:
                    body = f"{focus.enumerate(f)} FILTER {_not_exists(f'?{f} {path} ?{v}')}"
                    return f"SELECT DISTINCT ?{f} WHERE {{ {body} }}", None
                return (
                    f"SELECT ?{f} WHERE {{ {focus.enumerate(f)} OPTIONAL {{ ?{f} {path} ?{v} }} }} "
                    f"GROUP BY ?{f} HAVING (COUNT(DISTINCT ?{v}) < {count})"
                ), None
            if count == 0:
                found = f"SELECT DISTINCT ?{f} WHERE {{ ?{f} {path} ?{v} }}"
            else:
                # A predicate gives each value once: no need to count distinct values.
                counted = f"DISTINCT ?{v}" if path.startswith("(") else "*"
                found = (
                    f"SELECT ?{f} WHERE {{ ?{f} {path} ?{v} }} "
                    f"GROUP BY ?{f} HAVING (COUNT({counted}) > {count})"
                )
            return f"SELECT ?{f} WHERE {{ {{ {found} }} FILTER ({focus.test(f)}) }}", None

        if parameter in (SH.qualifiedMinCount, SH.qualifiedMaxCount):
            return self._qualified(shape, parameter, argument, focus, path), None
        if parameter in TOP_LEVEL_ONLY:
            return self._top_level(shape, parameter, argument, focus, path), None
        if parameter == SH.hasValue:
            if isinstance(argument, BNode):
                raise UnsupportedShape(shape, "sh:hasValue with a blank node")
            if path is None:
                body = f"{focus.enumerate(f)} FILTER (!{w.same(f, argument)})"
                return f"SELECT DISTINCT ?{f} WHERE {{ {body} }}", None  # no value, as pySHACL
            absent = w.absent(f, path, argument)
            body = f"{focus.enumerate(f)} FILTER {absent}"
            return f"SELECT DISTINCT ?{f} WHERE {{ {body} }}", None

        # The remaining constraints test each value node on its own: on a property shape the
        # values that fail are found first, on a node shape the focus nodes are the values.
        value = VALUE if path is not None else f
        test: ValueTest | None = None
        if parameter == SH["class"]:
            if not isinstance(argument, URIRef):
                raise UnsupportedShape(shape, f"sh:class {argument.n3()} (not an IRI)")
            c = w.fresh("class")
            sub, a, cls = w.term(RDFS.subClassOf), w.term(RDF.type), w.term(argument)
            # The classes in a subquery of their own, with a LIMIT no class hierarchy
            # reaches: see SUBCLASS_LIMIT for why.
            classes = f"SELECT ?{c} WHERE {{ ?{c} {sub}* {cls} }} LIMIT {SUBCLASS_LIMIT}"
            failing = f"MINUS {{ {{ {classes} }} ?{value} {a} ?{c} . }}"
        elif parameter == SH.disjoint:
            if not isinstance(argument, URIRef):
                raise UnsupportedShape(shape, f"sh:disjoint {argument.n3()} (not an IRI)")
            failing = f"?{f} {w.term(argument)} ?{value} ."
        elif parameter == SH.node:
            failing = f"FILTER ({self._nonconforming(shape, argument, value, stack=(shape,))})"
        elif parameter in LOGICAL:
            failing = f"FILTER ({self._logical(shape, parameter, argument, value, (shape,))})"
        elif parameter == SH.datatype:
            if not isinstance(argument, URIRef):
                raise UnsupportedShape(shape, f"sh:datatype {argument.n3()} (not an IRI)")
            condition, exact = self._datatype_violation(argument, value)
            test = None if exact else ValueTest("datatype", argument)
            failing = f"FILTER ({condition})"
        elif parameter in RANGE_TESTS:
            if not isinstance(argument, Literal):
                raise UnsupportedShape(shape, f"sh:{_local(parameter)} {argument.n3()}")
            test = ValueTest(_local(parameter), argument)  # type: ignore[arg-type]
            failing = f"FILTER ({self._range_candidate(parameter, argument, value)})"
        elif parameter in STRING_CONSTRAINTS:
            test = self._string_test(shape, parameter, argument)
            failing = ""
        else:
            failing = f"FILTER ({self._value_violation(shape, parameter, argument, value)})"
        if path is None:
            body = f"{focus.enumerate(f)} {failing}"
            return f"SELECT DISTINCT ?{f} (?{f} AS ?{VALUE}) WHERE {{ {body} }}", test
        if self._zero_length(shape):
            body = f"{self._with_self(focus, path, f, VALUE)} {failing}"
            return f"SELECT DISTINCT ?{f} ?{VALUE} WHERE {{ {body} }}", test
        found = f"SELECT ?{f} ?{VALUE} WHERE {{ ?{f} {path} ?{VALUE} . {failing} }}"
        query = f"SELECT DISTINCT ?{f} ?{VALUE} WHERE {{ {{ {found} }} FILTER ({focus.test(f)}) }}"
        return query, test

    def _qualified(
        self, shape: Node, parameter: URIRef, argument: Node, focus: Focus, path: str | None
    ) -> str:
        """sh:qualifiedMinCount or sh:qualifiedMaxCount: the focus nodes whose number of
        values that conform to the sh:qualifiedValueShape (and, with
        sh:qualifiedValueShapesDisjoint, to none of the sibling shapes) is out of bounds;
        one result per qualified value shape, as pySHACL gives them."""
        w = self.writer
        f = FOCUS
        name = _local(parameter)
        if path is None:
            raise UnsupportedShape(shape, f"sh:{name} on a node shape")
        if self._zero_length(shape):
            raise UnsupportedShape(shape, f"sh:{name} on a path that may take no step")
        count = _count(shape, parameter, argument)
        value_shapes = sorted(self.shapes.objects(shape, SH.qualifiedValueShape), key=str)
        if not value_shapes:
            raise UnsupportedShape(shape, f"sh:{name} without sh:qualifiedValueShape")
        disjoint = any(
            isinstance(d, Literal) and d.value is True
            for d in self.shapes.objects(shape, SH.qualifiedValueShapesDisjoint)
        )
        branches: list[str] = []
        for value_shape in value_shapes:
            siblings: set[Node] = set()
            if disjoint:
                for parent in self.shapes.subjects(SH.property, shape):
                    for other in self.shapes.objects(parent, SH.property):
                        siblings.update(self.shapes.objects(other, SH.qualifiedValueShape))
                siblings.discard(value_shape)
            v = w.fresh("v")
            stack = (shape,)
            counted = [f"!({self._member_nonconforming(shape, value_shape, v, stack)})"]
            counted += [
                f"({self._member_nonconforming(shape, s, v, stack)})"
                for s in sorted(siblings, key=str)
            ]
            n = w.fresh("n")
            compare = "<" if parameter == SH.qualifiedMinCount else ">"
            per_focus = (
                f"SELECT ?{f} (COUNT(DISTINCT ?{v}) AS ?{n}) WHERE {{ {focus.enumerate(f)} "
                f"OPTIONAL {{ ?{f} {path} ?{v} . FILTER ({' && '.join(counted)}) }} }} "
                f"GROUP BY ?{f}"
            )
            branches.append(f"{{ {{ {per_focus} }} FILTER (?{n} {compare} {count}) }}")
        return f"SELECT ?{f} WHERE {{ {' UNION '.join(branches)} }}"

    def _top_level(
        self, shape: Node, parameter: URIRef, argument: Node, focus: Focus, path: str | None
    ) -> str | None:
        """The query of sh:equals, sh:uniqueLang or sh:closed (pySHACL's results: the
        values of one set missing from the other; one result per language tag used twice;
        each triple of the focus node whose predicate the shape does not name)."""
        w = self.writer
        f = FOCUS
        name = _local(parameter)
        if path is not None and self._zero_length(shape):
            raise UnsupportedShape(shape, f"sh:{name} on a path that may take no step")
        if not isinstance(argument, URIRef | Literal):
            raise UnsupportedShape(shape, f"sh:{name} {argument.n3()}")
        if parameter == SH.equals:
            if not isinstance(argument, URIRef):
                raise UnsupportedShape(shape, f"sh:equals {argument.n3()} (not an IRI)")
            other = w.term(argument)
            if path is None:
                missing = f"{focus.enumerate(f)} FILTER NOT EXISTS {{ ?{f} {other} ?{f} }} "
                extra = f"{focus.enumerate(f)} ?{f} {other} ?{VALUE} . "
                return (
                    f"SELECT DISTINCT ?{f} ?{VALUE} WHERE {{ "
                    f"{{ {missing} BIND (?{f} AS ?{VALUE}) }} UNION "
                    f"{{ {extra} FILTER (!sameTerm(?{VALUE}, ?{f})) }} }}"
                )
            found = (
                f"SELECT ?{f} ?{VALUE} WHERE {{ "
                f"{{ ?{f} {path} ?{VALUE} . FILTER NOT EXISTS {{ ?{f} {other} ?{VALUE} }} }} "
                f"UNION {{ ?{f} {other} ?{VALUE} . FILTER NOT EXISTS {{ ?{f} {path} ?{VALUE} }} }}"
                " }"
            )
            return (
                f"SELECT DISTINCT ?{f} ?{VALUE} WHERE {{ {{ {found} }} "
                f"FILTER ({focus.test(f)}) }}"
            )
        if not (isinstance(argument, Literal) and isinstance(argument.value, bool)):
            raise UnsupportedShape(shape, f"sh:{name} {argument.n3()} (not a boolean)")
        if argument.value is False:
            return None
        if parameter == SH.uniqueLang:
            if path is None:
                raise UnsupportedShape(shape, "sh:uniqueLang on a node shape")
            a, b = w.fresh("a"), w.fresh("b")
            twice = (
                f"SELECT DISTINCT ?{f} (LCASE(LANG(?{a})) AS ?{w.fresh('lang')}) WHERE {{ "
                f"?{f} {path} ?{a} . ?{f} {path} ?{b} . "
                f'FILTER (LANG(?{a}) != "" && !sameTerm(?{a}, ?{b}) '
                f"&& LCASE(LANG(?{a})) = LCASE(LANG(?{b}))) }}"
            )
            return f"SELECT ?{f} WHERE {{ {{ {twice} }} FILTER ({focus.test(f)}) }}"
        if path is not None:
            raise UnsupportedShape(shape, "sh:closed on a property shape")
        allowed: list[Node] = []
        for prop in self.shapes.objects(shape, SH.property):
            allowed.extend(p for p in self.shapes.objects(prop, SH.path) if isinstance(p, URIRef))
        for ignored in self.shapes.objects(shape, SH.ignoredProperties):
            allowed.extend(self._list(shape, ignored, "sh:ignoredProperties"))
        if any(not isinstance(p, URIRef) for p in allowed):
            raise UnsupportedShape(shape, "sh:ignoredProperties with a member that is no IRI")
        names = ", ".join(w.term(p) for p in sorted(set(allowed), key=str))
        outside = f"FILTER (?path NOT IN ({names}))" if names else ""
        return (
            f"SELECT DISTINCT ?{f} ?path ?{VALUE} WHERE {{ "
            f"{focus.enumerate(f)} ?{f} ?path ?{VALUE} . {outside} }}"
        )

    def _string_test(self, shape: Node, parameter: URIRef, argument: Node) -> ValueTest:
        """The ValueTest of sh:minLength, sh:maxLength, sh:pattern or sh:languageIn, or
        UnsupportedShape for an argument pySHACL would refuse or read otherwise."""
        name = _local(parameter)
        if parameter in (SH.minLength, SH.maxLength):
            if not (isinstance(argument, Literal) and isinstance(argument.value, int)):
                raise UnsupportedShape(shape, f"sh:{name} {argument.n3()} (not an integer)")
            if argument.value < 0:
                raise UnsupportedShape(shape, f"sh:{name} below zero")
            return ValueTest(name, argument)  # type: ignore[arg-type]
        if parameter == SH.pattern:
            flags = sorted(self.shapes.objects(shape, SH.flags), key=str)
            if len(list(self.shapes.objects(shape, SH.pattern))) > 1 or len(flags) > 1:
                raise UnsupportedShape(shape, "more than one sh:pattern or sh:flags")
            if not isinstance(argument, Literal) or any(not isinstance(f, Literal) for f in flags):
                raise UnsupportedShape(shape, "sh:pattern or sh:flags that is not a literal")
            options = (str(flags[0]).lower(),) if flags else ()
            try:
                _regex(str(argument), options[0] if options else "")
            except re.error as error:
                raise UnsupportedShape(shape, f"sh:pattern {argument.n3()} ({error})") from None
            return ValueTest("pattern", argument, options)
        members = self._list(shape, argument, "sh:languageIn")
        if any(not (isinstance(m, Literal) and isinstance(m.value, str)) for m in members):
            raise UnsupportedShape(shape, "sh:languageIn with a member that is not a string")
        return ValueTest("languageIn", argument, tuple(str(m).lower() for m in members))

    def _datatype_violation(self, datatype: URIRef, v: str) -> tuple[str, bool]:
        """A SPARQL condition true of every value node that fails sh:datatype, and whether
        it is exact (else it is true of some that pass too, and ValueTest decides)."""
        if datatype == RDFS.Literal:
            return f"!isLiteral(?{v})", True
        if datatype == RDFS.Datatype:
            return "true", False
        wrong = f"!isLiteral(?{v}) || DATATYPE(?{v}) != {self.writer.term(datatype)}"
        if datatype in ALWAYS_VALID:
            return wrong, True
        pattern = PLAINLY_VALID.get(datatype)
        if pattern is None:
            return "true", False  # every value: ValueTest decides
        return f'{wrong} || !REGEX(STR(?{v}), "{pattern}")', False

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

    def _value_violation(self, shape: Node, parameter: URIRef, argument: Node, v: str) -> str:
        """A SPARQL condition on ``?v`` that is exactly pySHACL's failure of the constraint
        (for sh:in and sh:nodeKind)."""
        w = self.writer
        if parameter == SH.nodeKind:
            if not isinstance(argument, URIRef) or argument not in NODE_KINDS:
                raise UnsupportedShape(shape, f"sh:nodeKind {argument.n3()}")
            return "!" + NODE_KINDS[argument].format(v=v)
        if parameter == SH["in"]:
            members = self._list(shape, argument, "sh:in")
            if any(isinstance(m, BNode) for m in members):
                raise UnsupportedShape(shape, "sh:in with a blank node member")
            if not members:
                return "true"
            if all(isinstance(m, URIRef) for m in members):
                return f"?{v} NOT IN ({', '.join(w.term(m) for m in members)})"
            return "!(" + " || ".join(w.same(v, m) for m in members) + ")"
        raise UnsupportedShape(shape, f"sh:{_local(parameter)}")

    # -- nested shapes (sh:node) -------------------------------------------------------------

    def _nonconforming(self, owner: Node, shape: Node, v: str, stack: tuple[Node, ...]) -> str:
        """A SPARQL condition true when the term in ``?v`` does not conform to ``shape``:
        when some constraint of it would give a result, of any severity."""
        if shape in stack[1:]:
            raise UnsupportedShape(owner, f"sh:node {shape.n3()} (a recursive shape)")
        if len(stack) > 20:
            raise UnsupportedShape(owner, "shapes nested more than 20 deep")
        if self._deactivated(shape):
            return "false"
        self._refuse_unknown_parameters(shape)
        if self.shapes.value(shape, SH.sparql) is not None:
            raise UnsupportedShape(owner, f"sh:node {shape.n3()} with a SPARQL-based constraint")
        if self.shapes.value(shape, SH.path) is not None:
            raise UnsupportedShape(owner, f"sh:node {shape.n3()}, a property shape")
        return self._nonconforming_parts(owner, shape, v, None, stack + (shape,))

    def _logical(
        self, owner: Node, parameter: URIRef, argument: Node, v: str, stack: tuple[Node, ...]
    ) -> str:
        """A SPARQL condition true when ``?v`` fails sh:not, sh:and, sh:or or sh:xone."""
        if parameter == SH["not"]:
            return f"!({self._member_nonconforming(owner, argument, v, stack)})"
        members = self._list(owner, argument, f"sh:{_local(parameter)}")
        failing = [self._member_nonconforming(owner, m, v, stack) for m in members]
        if parameter == SH["and"]:
            return " || ".join(f"({c})" for c in failing) or "false"
        if parameter == SH["or"]:
            return " && ".join(f"({c})" for c in failing) or "true"
        conforming = " + ".join(f"IF({c}, 0, 1)" for c in failing) or "0"
        return f"({conforming}) != 1"

    def _member_nonconforming(
        self, owner: Node, member: Node, v: str, stack: tuple[Node, ...]
    ) -> str:
        """A SPARQL condition true when ``?v`` does not conform to ``member``, a node shape
        or a property shape (about the values of ``?v`` along its path)."""
        if self.shapes.value(member, SH.path) is None:
            return self._nonconforming(owner, member, v, stack)
        if member in stack:
            raise UnsupportedShape(owner, f"shape {member.n3()} (a recursive shape)")
        if len(stack) > 20:
            raise UnsupportedShape(owner, "shapes nested more than 20 deep")
        if self._deactivated(member):
            return "false"
        self._refuse_unknown_parameters(member)
        if self.shapes.value(member, SH.sparql) is not None:
            raise UnsupportedShape(owner, "sh:sparql inside a shape of a logical constraint")
        if self._zero_length(member):
            raise UnsupportedShape(
                owner, "a path that may take no step inside a shape of a logical constraint"
            )
        return self._nonconforming_parts(owner, member, v, self._path(member), stack + (member,))

    def _nonconforming_parts(
        self, owner: Node, shape: Node, v: str, path: str | None, stack: tuple[Node, ...]
    ) -> str:
        w = self.writer
        parts: list[str] = []
        for parameter in CONSTRAINTS:
            for argument in sorted(self.shapes.objects(shape, parameter), key=str):
                if parameter == SH.property:
                    if self._deactivated(argument):
                        continue
                    self._refuse_unknown_parameters(argument)
                    if self.shapes.value(argument, SH.sparql) is not None:
                        raise UnsupportedShape(owner, "sh:sparql inside a shape used by sh:node")
                    inner_path = self._path(argument)
                    if self._zero_length(argument):
                        raise UnsupportedShape(
                            owner, "a path that may take no step inside a shape used by sh:node"
                        )
                    if path is None:
                        parts.append(
                            self._nonconforming_parts(owner, argument, v, inner_path, stack)
                        )
                    else:
                        x = w.fresh("x")
                        nested = self._nonconforming_parts(owner, argument, x, inner_path, stack)
                        parts.append(f"EXISTS {{ ?{v} {path} ?{x} . FILTER ({nested}) }}")
                    continue
                parts.append(self._nonconforming_one(owner, parameter, argument, v, path, stack))
        return " || ".join(f"({p})" for p in parts) if parts else "false"

    def _nonconforming_one(
        self,
        owner: Node,
        parameter: URIRef,
        argument: Node,
        v: str,
        path: str | None,
        stack: tuple[Node, ...],
    ) -> str:
        """One constraint's failure on the focus term ``?v`` as a SPARQL condition."""
        w = self.writer
        if parameter in (SH.minCount, SH.maxCount):
            if path is None:
                raise UnsupportedShape(owner, f"sh:{_local(parameter)} on a node shape")
            count = _count(owner, parameter, argument)
            if count > 5:
                raise UnsupportedShape(owner, f"sh:{_local(parameter)} above 5 in sh:node")
            need = count if parameter == SH.minCount else count + 1
            if need == 0:
                return (
                    "false"
                    if parameter == SH.minCount
                    else f"EXISTS {{ ?{v} {path} ?{w.fresh('y')} }}"
                )
            ys = [w.fresh("y") for _ in range(need)]
            triples = " ".join(f"?{v} {path} ?{y} ." for y in ys)
            distinct = " ".join(
                f"FILTER (!sameTerm(?{a}, ?{b}))" for a, b in itertools.combinations(ys, 2)
            )
            exists = f"EXISTS {{ {triples} {distinct} }}"
            if parameter == SH.minCount:
                return _not_exists(f"{triples} {distinct}")
            return exists
        if parameter == SH.hasValue:
            if isinstance(argument, BNode):
                raise UnsupportedShape(owner, "sh:hasValue with a blank node")
            if path is None:
                return f"!{w.same(v, argument)}"
            return w.absent(v, path, argument)
        if path is None:
            return self._value_nonconforming(owner, parameter, argument, v, v, stack)
        x = w.fresh("x")
        failing = self._value_nonconforming(owner, parameter, argument, x, v, stack)
        return f"EXISTS {{ ?{v} {path} ?{x} . FILTER ({failing}) }}"

    def _value_nonconforming(
        self,
        owner: Node,
        parameter: URIRef,
        argument: Node,
        x: str,
        focus: str,
        stack: tuple[Node, ...],
    ) -> str:
        """A value node ``?x`` (of focus node ``?focus``) failing one value constraint."""
        w = self.writer
        if parameter == SH["class"]:
            sub, a, cls = w.term(RDFS.subClassOf), w.term(RDF.type), w.term(argument)
            return _not_exists(f"?{x} {a}/{sub}* {cls}")
        if parameter == SH.disjoint:
            return f"EXISTS {{ ?{focus} {w.term(argument)} ?{x} }}"
        if parameter == SH.node:
            return self._nonconforming(owner, argument, x, stack)
        if parameter in LOGICAL:
            return self._logical(owner, parameter, argument, x, stack)
        if parameter == SH.datatype:
            assert isinstance(argument, URIRef)
            condition, exact = self._datatype_violation(argument, x)
            if not exact:
                raise UnsupportedShape(
                    owner, f"sh:datatype {argument.n3()} inside a shape used by sh:node"
                )
            return condition
        if parameter in RANGE_TESTS or parameter in STRING_CONSTRAINTS or (
            parameter in TOP_LEVEL_ONLY
        ):
            raise UnsupportedShape(owner, f"sh:{_local(parameter)} inside a shape used by sh:node")
        return self._value_violation(owner, parameter, argument, x)

    # -- SPARQL-based constraints -----------------------------------------------------------

    def _sparql(self, shape: Node, constraint: Node, focus: Focus, path: str | None) -> None:
        if self._deactivated(constraint):
            return
        selects = list(self.shapes.objects(constraint, SH.select))
        if len(selects) != 1:
            raise UnsupportedShape(shape, "sh:sparql without exactly one sh:select")
        text = str(selects[0])
        for variable in ("$currentShape", "$shapesGraph", "?currentShape", "?shapesGraph"):
            if variable in text:
                raise UnsupportedShape(shape, f"sh:sparql using {variable}")
        if path is not None:
            # SHACL 5.3.1: $PATH stands for the property shape's path, as SPARQL text.
            self.writer.prefixed = False
            try:
                path_sparql = self._path(shape)
            finally:
                self.writer.prefixed = True
            assert path_sparql is not None
            text = re.sub(r"\$PATH\b", lambda _m: path_sparql, text)
        elif re.search(r"\$PATH\b", text):
            raise UnsupportedShape(shape, "sh:sparql using $PATH on a node shape")
        prefixes = prefix_declarations(self.shapes, constraint)
        inner = re.sub(r"\$this\b", "?this", text)
        try:
            parsed = prepareQuery(prefixes + inner)
        except Exception as error:
            raise UnsupportedShape(shape, f"sh:select that does not parse ({error})") from None
        if parsed.algebra.name != "SelectQuery":
            raise UnsupportedShape(shape, "sh:select that is not a SELECT query")
        algebra = parsed.algebra
        problem = prebinding_problem(algebra)
        if problem is not None:
            # Run once over the graph, such a query finds other rows than per focus node.
            raise UnsupportedShape(shape, f"sh:select with {problem}")
        used = {str(var) for var in (algebra["_vars"] if "_vars" in algebra else ())}
        projected = [str(var) for var in (algebra["PV"] if "PV" in algebra else ())]
        if "this" not in projected:
            raise UnsupportedShape(shape, "sh:select that does not project $this")
        if FOCUS in used:
            raise UnsupportedShape(shape, f"sh:select using ?{FOCUS}")
        body = _strip_prologue(inner)
        outer = " ".join(f"?{v}" for v in projected if v != "this")
        self.writer.prefixed = False  # the shape's own prefixes may mean other namespaces
        try:
            targeted = focus.test("this")
        finally:
            self.writer.prefixed = True
        # The query runs once over the whole graph; its rows are kept for focus nodes only.
        query = (
            f"{prefixes}SELECT (?this AS ?{FOCUS}) {outer} WHERE {{\n"
            f"  {{ {body} }}\n"
            f"  FILTER ({targeted})\n}}"
        )
        message = self._message(constraint) or self._message(shape) or "does not conform"
        self.checks.append(
            Check(
                query=query,
                shape=named_shape(self.shapes, shape),
                path=path,
                constraint=str(SH.SPARQLConstraintComponent),
                severity=self._severity(shape),  # the shape's, as in pySHACL
                message=message,
                sparql_based=True,
            )
        )


def prefix_declarations(shapes: Graph, constraint: Node) -> str:
    """PREFIX lines for the sh:declare of the constraint's sh:prefixes, and of what those
    import (owl:imports, within the shapes graph), as SHACL 5.2.1 reads them."""
    owners: list[Node] = []
    todo = sorted(shapes.objects(constraint, SH.prefixes), key=str)
    while todo:
        owner = todo.pop(0)
        if owner not in owners:
            owners.append(owner)
            todo.extend(sorted(shapes.objects(owner, OWL.imports), key=str))
    return "".join(
        f"PREFIX {shapes.value(d, SH.prefix)}: <{shapes.value(d, SH.namespace)}>\n"
        for owner in owners
        for d in sorted(shapes.objects(owner, SH.declare), key=str)
    )


def severity_name(severity: Node) -> str:
    """sh:Violation, sh:Warning and sh:Info by their local name, any other severity (SHACL
    allows one's own) by its IRI."""
    text = str(severity)
    return text[len(str(SH)) :] if text.startswith(str(SH)) else text


def _not_exists(pattern: str) -> str:
    """``NOT EXISTS { pattern }`` as a SPARQL expression, or, when ``pattern`` may hold a
    transitive path (``*`` or ``+``), ``IF(EXISTS { pattern }, false, true)``, which means
    the same.

    Virtuoso 7.2.5 answers a negation of a pattern with a transitive path that starts from
    a variable of the outer query (``FILTER NOT EXISTS { ?value rdf:type/rdfs:subClassOf*
    ckg:Actor }``, ``!EXISTS``, ``MINUS``, also with the class in a subquery) right for the
    first outer row only and as if nothing matched for all the others: every later value
    failed sh:class (840 false results over the 10k-triple synthetic data). ``EXISTS`` as
    a value, in ``IF``, is right; the test ``EXISTS = false`` is not (a Virtuoso boolean is
    an integer). Oxigraph takes the IF form as a test of each row, much slower than an
    anti-join (sh:class at 100k triples: 2.2 s against 0.02 s for a MINUS), so it is kept
    to transitive paths: sh:minCount, sh:hasValue and sh:class inside sh:node."""
    if re.search(r"[*+]", pattern):
        return f"(IF(EXISTS {{ {pattern} }}, false, true))"
    return f"NOT EXISTS {{ {pattern} }}"


def _strip_prologue(text: str) -> str:
    """A SELECT query without its PREFIX and BASE lines, to nest it as a subquery."""
    return re.sub(r"^\s*(PREFIX\s+\S*:\s*<[^>]*>|BASE\s+<[^>]*>)\s*", "", text, flags=re.I | re.M)


def _count(shape: Node, parameter: URIRef, argument: Node) -> int:
    if not isinstance(argument, Literal) or not isinstance(argument.value, int):
        raise UnsupportedShape(shape, f"sh:{_local(parameter)} {argument.n3()} (not an integer)")
    return int(argument.value)


def _local(node: Node | str) -> str:
    text = str(node)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


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


def compile_shapes(shapes: Graph) -> list[Check]:
    """Compile every targeted shape of ``shapes`` into checks, one per constraint.

    Raises UnsupportedShape for a construct that is not compiled."""
    return _Compiler(shapes, _Writer(shapes)).compile()


def compile_what_can_be(shapes: Graph) -> tuple[list[Check], list[UnsupportedShape]]:
    """The checks of the targeted shapes that compile exactly, and the errors of those
    that do not (each names its shape, through ``top``, and the construct)."""
    compiler = _Compiler(shapes, _Writer(shapes))
    checks = compiler.compile(partial=True)
    return checks, compiler.refused


def targeted_shapes(shapes: Graph) -> list[Node]:
    """The shapes that have targets (explicit, or the implicit class target)."""
    return _Compiler(shapes, _Writer(shapes))._targeted_shapes()


# ---------------------------------------------------------------------------------------------
# Running the checks
# ---------------------------------------------------------------------------------------------


def _message_for(check: Check, row: Row) -> str:
    if not check.sparql_based:
        return check.message
    return re.sub(
        r"\{[?$](\w+)\}",
        lambda m: str(row.get(m.group(1)) if row.get(m.group(1)) is not None else ""),
        check.message,
    )


def results_of(check: Check, rows: Iterable[Row]) -> Iterator[ValidationResult]:
    """The results that the rows of ``check``'s query stand for."""
    constraint = _local(check.constraint)
    for row in rows:
        focus = row.get(FOCUS)
        if focus is None:
            continue
        value = row.get(VALUE)
        if check.value_test is not None and not check.value_test.fails(value):
            continue
        path = check.path
        if check.row_path and isinstance(row.get("path"), URIRef):
            path = str(row.get("path"))
        if check.sparql_based:
            path_value = row.get("path")
            if isinstance(path_value, URIRef):
                path = str(path_value)
            if value is None:
                value = focus
        yield ValidationResult(
            focus_node=str(focus),
            path=path,
            message=_message_for(check, row),
            severity=check.severity,
            shape=check.shape,
            constraint=constraint,
            value=str(value) if value is not None else None,
        )


def run_checks(
    select: Select,
    checks: Sequence[Check],
    *,
    workers: int = 1,
    timings: dict[str, float] | None = None,
) -> list[ValidationResult]:
    """Run every check through ``select`` (a query over the union of ontology and data) and
    return the results, in the order of the checks.

    With ``workers`` above 1, that many checks run at once in threads (worth it for a store
    that releases the GIL while it answers, like Oxigraph; ``select`` must then be safe to
    call from several threads). With ``timings``, the seconds each check took are recorded
    under its :attr:`Check.label` (summed when labels repeat)."""

    def run(check: Check) -> tuple[list[ValidationResult], float]:
        start = perf_counter()
        found = list(results_of(check, select(check.query)))
        return found, perf_counter() - start

    if workers > 1:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            outcomes = list(pool.map(run, checks))
    else:
        outcomes = [run(check) for check in checks]
    results: list[ValidationResult] = []
    for check, (found, seconds) in zip(checks, outcomes, strict=True):
        results.extend(found)
        if timings is not None:
            timings[check.label] = timings.get(check.label, 0.0) + seconds
    return results


# ---------------------------------------------------------------------------------------------
# Adapters: rdflib and Oxigraph
# ---------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def _prepared(text: str) -> Query:
    """rdflib's parsed form of a query, kept: parsing takes longer than running a check
    over a small graph."""
    return prepareQuery(text)


def rdflib_select(graph: Graph) -> Select:
    """A ``select`` over an rdflib Graph (or a Dataset whose default graph is the union)."""

    def select(text: str) -> list[dict[str, Node | None]]:
        result = graph.query(_prepared(text))
        names = [str(v) for v in (result.vars or [])]
        rows: list[dict[str, Node | None]] = []
        for row in result:
            assert isinstance(row, ResultRow)
            rows.append(dict(zip(names, row, strict=True)))
        return rows

    return select


def oxigraph_select(store: pyoxigraph.Store) -> Select:
    """A ``select`` over a pyoxigraph Store, whose default graph is taken as the union of
    its graphs; terms come back as rdflib terms."""

    def select(text: str) -> list[dict[str, Node | None]]:
        # The text the network check read (kg.validation.refuse_network_in_shapes): Oxigraph
        # reads a \\u escape or a comment otherwise than the SPARQL 1.1 rules do.
        canonical = guard.canonical(text)
        try:
            solutions = store.query(canonical, use_default_graph_as_union=True)
        except (SyntaxError, OSError, RuntimeError, ValueError) as error:
            first = str(error).splitlines()[0] if str(error) else type(error).__name__
            raise ShapeError(f"a shape's SPARQL failed on Oxigraph: {first}") from None
        assert isinstance(solutions, pyoxigraph.QuerySolutions)
        names = [v.value for v in solutions.variables]
        return [{name: from_oxigraph(solution[name]) for name in names} for solution in solutions]

    return select


# The terms cross between rdflib and pyoxigraph as the Oxigraph store converts them.
from_oxigraph = terms.to_rdflib
to_oxigraph = terms.to_oxigraph


def oxigraph_store(graph: Graph, store: pyoxigraph.Store | None = None) -> pyoxigraph.Store:
    """A pyoxigraph Store (new, in memory, unless given) holding the triples of ``graph``
    in its default graph."""
    store = store if store is not None else pyoxigraph.Store()
    store.extend(
        pyoxigraph.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o))
        for s, p, o in graph
    )
    return store


def oxigraph_keeps_all(literals: Iterable[Literal]) -> bool:
    """Whether Oxigraph keeps each of ``literals`` as it is written (see
    :func:`oxigraph_keeps`), tried at once in a store of their own."""
    distinct = sorted({lit for lit in literals if lit.datatype not in (None, XSD.string)}, key=str)
    if not distinct:
        return True
    store = pyoxigraph.Store()
    predicate = pyoxigraph.NamedNode("urn:x:p")
    store.extend(
        pyoxigraph.Quad(pyoxigraph.NamedNode(f"urn:x:{i}"), predicate, to_oxigraph(lit))
        for i, lit in enumerate(distinct)
    )
    for quad in store:
        kept = from_oxigraph(quad.object)
        lit = distinct[int(quad.subject.value[len("urn:x:") :])]
        if not isinstance(kept, Literal) or (str(kept), kept.datatype, kept.language) != (
            str(lit),
            lit.datatype,
            lit.language,
        ):
            return False
    return True
