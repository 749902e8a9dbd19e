"""Targets (SHACL 2.1.3, https://www.w3.org/TR/shacl/#targets): the shapes that have
targets, sh:deactivated (SHACL 2.1.5, https://www.w3.org/TR/shacl/#deactivated), and the
focus nodes of sh:targetClass, sh:targetNode, sh:targetSubjectsOf, sh:targetObjectsOf and
the implicit class target (https://www.w3.org/TR/shacl/#implicit-targetClass)."""

from __future__ import annotations

from rdflib import RDF, RDFS, BNode, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from kg.shacl_sparql.base import _CompilerBase
from kg.shacl_sparql.model import UnsupportedShape
from kg.shacl_sparql.vocabulary import SUBCLASS_LIMIT, TARGETS, _local
from kg.shacl_sparql.writer import Focus


class TargetsMixin(_CompilerBase):
    """The targeted shapes and their focus nodes (SHACL 2.1)."""

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
            # The classes in a LIMITed subquery of their own, as sh:class has them (see
            # SUBCLASS_LIMIT): Virtuoso 7.2.5 answers `EXISTS { ?v rdf:type/rdfs:subClassOf*
            # C }`, and `EXISTS { ?c rdfs:subClassOf* C . ?v rdf:type ?c }` too, for the first
            # ?v at most (none over the ontology and data graphs), so results went missing.
            c = w.fresh("class")
            sub, a = w.term(RDFS.subClassOf), w.term(RDF.type)
            classes = f"SELECT ?{c} WHERE {{ ?{c} {sub}* {w.term(cls)} }} LIMIT {SUBCLASS_LIMIT}"
            return f"EXISTS {{ {{ {classes} }} ?{v} {a} ?{c} . }}"

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
