"""Value type constraints (SHACL 4.1, https://www.w3.org/TR/shacl/#core-components-value-type):
the SPARQL side of sh:datatype and sh:nodeKind, and sh:in (SHACL 4.8.3,
https://www.w3.org/TR/shacl/#InConstraintComponent), which is written the same way: one
condition on each value."""

from __future__ import annotations

from rdflib import RDF, RDFS, BNode, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from kg.shacl_sparql.base import _CompilerBase
from kg.shacl_sparql.model import UnsupportedShape
from kg.shacl_sparql.vocabulary import (
    ALWAYS_VALID,
    NODE_KINDS,
    PLAINLY_VALID,
    SUBCLASS_LIMIT,
    _local,
)


class ValueTypeMixin(_CompilerBase):
    """sh:class, sh:datatype, sh:nodeKind (SHACL 4.1) and sh:in (4.8.3)."""

    def _class_violation(self, shape: Node, argument: Node, value: str) -> str:
        """sh:class (SHACL 4.1.1): a pattern that removes the values that are SHACL instances
        of the class, as a MINUS of its instances."""
        w = self.writer
        if not isinstance(argument, URIRef):
            raise UnsupportedShape(shape, f"sh:class {argument.n3()} (not an IRI)")
        c = w.fresh("class")
        sub, a, cls = w.term(RDFS.subClassOf), w.term(RDF.type), w.term(argument)
        # The classes in a subquery of their own, with a LIMIT no class hierarchy
        # reaches: see SUBCLASS_LIMIT for why.
        classes = f"SELECT ?{c} WHERE {{ ?{c} {sub}* {cls} }} LIMIT {SUBCLASS_LIMIT}"
        return f"MINUS {{ {{ {classes} }} ?{value} {a} ?{c} . }}"

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
