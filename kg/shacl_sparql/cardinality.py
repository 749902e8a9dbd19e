"""Cardinality constraints (SHACL 4.2, https://www.w3.org/TR/shacl/#core-components-count):
sh:minCount and sh:maxCount, and sh:hasValue (SHACL 4.8.2,
https://www.w3.org/TR/shacl/#HasValueConstraintComponent), which like them is about the
values a focus node has or lacks rather than about each value: these enumerate the focus
nodes and look up their values (sh:maxCount groups them by subject first), also along a path
that may take no step."""

from __future__ import annotations

from rdflib import BNode, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from kg.shacl_sparql.base import _CompilerBase
from kg.shacl_sparql.model import UnsupportedShape, _count
from kg.shacl_sparql.vocabulary import FOCUS, _local
from kg.shacl_sparql.writer import Focus, _not_exists


class CardinalityMixin(_CompilerBase):
    """sh:minCount, sh:maxCount (SHACL 4.2) and sh:hasValue (4.8.2)."""

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

    def _counted(
        self, shape: Node, parameter: URIRef, argument: Node, focus: Focus, path: str | None
    ) -> str | None:
        """sh:minCount or sh:maxCount: the focus nodes with too few values (enumerating
        them) or too many (grouping the values by subject, then keeping focus nodes)."""
        w = self.writer
        f = FOCUS
        if path is None:
            raise UnsupportedShape(shape, f"sh:{_local(parameter)} on a node shape")
        count = _count(shape, parameter, argument)
        v = w.fresh("v")
        if parameter == SH.minCount:
            if count == 0:
                return None
            if count == 1:
                body = f"{focus.enumerate(f)} FILTER {_not_exists(f'?{f} {path} ?{v}')}"
                return f"SELECT DISTINCT ?{f} WHERE {{ {body} }}"
            return (
                f"SELECT ?{f} WHERE {{ {focus.enumerate(f)} OPTIONAL {{ ?{f} {path} ?{v} }} }} "
                f"GROUP BY ?{f} HAVING (COUNT(DISTINCT ?{v}) < {count})"
            )
        if count == 0:
            found = f"SELECT DISTINCT ?{f} WHERE {{ ?{f} {path} ?{v} }}"
        else:
            # A predicate gives each value once: no need to count distinct values.
            counted = f"DISTINCT ?{v}" if path.startswith("(") else "*"
            found = (
                f"SELECT ?{f} WHERE {{ ?{f} {path} ?{v} }} "
                f"GROUP BY ?{f} HAVING (COUNT({counted}) > {count})"
            )
        return f"SELECT ?{f} WHERE {{ {{ {found} }} FILTER ({focus.test(f)}) }}"

    def _has_value(self, shape: Node, argument: Node, focus: Focus, path: str | None) -> str:
        """sh:hasValue (SHACL 4.8.2): the focus nodes that lack the value."""
        w = self.writer
        f = FOCUS
        if isinstance(argument, BNode):
            raise UnsupportedShape(shape, "sh:hasValue with a blank node")
        if path is None:
            body = f"{focus.enumerate(f)} FILTER (!{w.same(f, argument)})"
            return f"SELECT DISTINCT ?{f} WHERE {{ {body} }}"  # no value, as pySHACL
        absent = w.absent(f, path, argument)
        body = f"{focus.enumerate(f)} FILTER {absent}"
        return f"SELECT DISTINCT ?{f} WHERE {{ {body} }}"
