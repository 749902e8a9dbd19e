"""The compiler: each targeted shape (SHACL 2.1, https://www.w3.org/TR/shacl/#shapes) and
its constraints (SHACL 4, https://www.w3.org/TR/shacl/#core-components) into checks. _Compiler
inherits one mixin per constraint family; _constraint dispatches a parameter to its family
and writes the whole query around the family's condition on each value."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from kg.shacl_sparql.cardinality import CardinalityMixin
from kg.shacl_sparql.logical import LogicalMixin
from kg.shacl_sparql.model import (
    Check,
    UnsupportedShape,
    ValueTest,
    _default_message,
    severity_name,
)
from kg.shacl_sparql.paths import PathsMixin
from kg.shacl_sparql.shape_based import ShapeBasedMixin
from kg.shacl_sparql.sparql_based import SparqlBasedMixin
from kg.shacl_sparql.string_based import StringBasedMixin
from kg.shacl_sparql.targets import TargetsMixin
from kg.shacl_sparql.top_level import TopLevelMixin
from kg.shacl_sparql.value_range import ValueRangeMixin
from kg.shacl_sparql.value_type import ValueTypeMixin
from kg.shacl_sparql.vocabulary import (
    COMPONENT,
    CONSTRAINTS,
    COUNTED,
    DESCRIPTIVE,
    FOCUS,
    LOGICAL,
    NOT_PARAMETERS,
    RANGE_TESTS,
    STRING_CONSTRAINTS,
    TARGETS,
    TOP_LEVEL_ONLY,
    VALUE,
    _local,
)
from kg.shacl_sparql.writer import Focus, _Writer
from kg.validation_report import named_shape


@dataclass
class _Compiler(
    TargetsMixin,
    PathsMixin,
    CardinalityMixin,
    ValueTypeMixin,
    ValueRangeMixin,
    StringBasedMixin,
    TopLevelMixin,
    LogicalMixin,
    ShapeBasedMixin,
    SparqlBasedMixin,
):
    shapes: Graph
    writer: _Writer
    checks: list[Check] = field(default_factory=list)
    refused: list[UnsupportedShape] = field(default_factory=list)

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
            return self._counted(shape, parameter, argument, focus, path), None
        if parameter in (SH.qualifiedMinCount, SH.qualifiedMaxCount):
            return self._qualified(shape, parameter, argument, focus, path), None
        if parameter in TOP_LEVEL_ONLY:
            return self._top_level(shape, parameter, argument, focus, path), None
        if parameter == SH.hasValue:
            return self._has_value(shape, argument, focus, path), None

        # The remaining constraints test each value node on its own: on a property shape the
        # values that fail are found first, on a node shape the focus nodes are the values.
        value = VALUE if path is not None else f
        test: ValueTest | None = None
        if parameter == SH["class"]:
            failing = self._class_violation(shape, argument, value)
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
