"""Shape-based constraints (SHACL 4.7, https://www.w3.org/TR/shacl/#core-components-shape):
whether a value conforms to a shape (sh:node, and the members of the logical constraints),
and sh:qualifiedValueShape with sh:qualifiedMinCount and sh:qualifiedMaxCount. sh:property
(4.7.2) is compiled by _Compiler._shape, on the value nodes as focus nodes."""

from __future__ import annotations

import itertools

from rdflib import RDF, RDFS, BNode, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from kg.shacl_sparql.base import _CompilerBase
from kg.shacl_sparql.model import UnsupportedShape, _count
from kg.shacl_sparql.vocabulary import (
    CONSTRAINTS,
    FOCUS,
    LOGICAL,
    RANGE_TESTS,
    STRING_CONSTRAINTS,
    TOP_LEVEL_ONLY,
    _local,
)
from kg.shacl_sparql.writer import Focus, _not_exists


class ShapeBasedMixin(_CompilerBase):
    """Conformance to a shape: sh:node and the qualified counts (SHACL 4.7)."""

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
