"""Property paths (SHACL 2.3.1, https://www.w3.org/TR/shacl/#property-paths) as SPARQL paths,
and the value nodes of a property shape (SHACL 2.3.2,
https://www.w3.org/TR/shacl/#property-shapes), the focus node included when the path may take
no step."""

from __future__ import annotations

from rdflib import RDF, BNode, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.term import Node

from kg.shacl_sparql.base import _CompilerBase
from kg.shacl_sparql.model import UnsupportedShape
from kg.shacl_sparql.writer import Focus


class PathsMixin(_CompilerBase):
    """Property paths and the value nodes along them (SHACL 2.3)."""

    def _path(self, shape: Node, *, as_written: bool = False) -> str | None:
        """The SPARQL form of the shape's sh:path, or None for a node shape: as the compiled
        queries use it, or ``as_written`` (sh:oneOrMorePath as ``+``, for $PATH)."""
        values = list(self.shapes.objects(shape, SH.path))
        if not values:
            return None
        if len(values) > 1:
            raise UnsupportedShape(shape, "more than one sh:path")
        return self._path_expression(shape, values[0], depth=0, as_written=as_written)

    def _path_text(self, shape: Node) -> str | None:
        path = self.shapes.value(shape, SH.path)
        if path is None:
            return None
        if isinstance(path, URIRef):
            return str(path)
        return f"complex path {self._path_expression(shape, path, depth=0, as_written=True)}"

    def _path_expression(
        self, shape: Node, path: Node, depth: int, *, as_written: bool = False
    ) -> str:
        """The path in SPARQL. Unless ``as_written``, sh:oneOrMorePath X is ``(X / X*)``,
        which means the same pairs (the queries count or keep values DISTINCT): Virtuoso
        7.2.5 refuses ``?s X+ ?o`` with both ends free ("transitive start not given"), and
        got a start bound from row to row wrong (OPTIONAL { ?focus X+ ?v }: 6 focus nodes
        of 23 counted right), where ``X / X*`` was right in every form tried."""
        if depth > 50:
            raise UnsupportedShape(shape, "a property path nested too deeply")
        if isinstance(path, URIRef):
            return self.writer.term(path)
        if not isinstance(path, BNode):
            raise UnsupportedShape(shape, f"sh:path {path.n3()}")
        if self.shapes.value(path, RDF.first) is not None:
            steps = [
                self._path_expression(shape, s, depth + 1, as_written=as_written)
                for s in Collection(self.shapes, path)
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
                step = self._path_expression(shape, inner, depth + 1, as_written=as_written)
                if predicate == SH.oneOrMorePath and not as_written:
                    return f"({step} / {step}*)"
                return "(" + form.format(step) + ")"
        alternatives = self.shapes.value(path, SH.alternativePath)
        if alternatives is not None:
            steps = [
                self._path_expression(shape, s, depth + 1, as_written=as_written)
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
