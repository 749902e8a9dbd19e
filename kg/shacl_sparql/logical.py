"""Logical constraints (SHACL 4.6, https://www.w3.org/TR/shacl/#core-components-logical):
sh:not, sh:and, sh:or and sh:xone, as conditions on whether each value conforms to the
member shapes (kg.shacl_sparql.shape_based writes conformance)."""

from __future__ import annotations

from rdflib import URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from kg.shacl_sparql.base import _CompilerBase
from kg.shacl_sparql.model import UnsupportedShape
from kg.shacl_sparql.vocabulary import _local


class LogicalMixin(_CompilerBase):
    """sh:not, sh:and, sh:or, sh:xone (SHACL 4.6)."""

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
