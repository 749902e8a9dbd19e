"""SPARQL-based constraints (SHACL 5, https://www.w3.org/TR/shacl/#sparql-constraints):
sh:sparql with sh:select, its sh:prefixes declarations (SHACL 5.2.1,
https://www.w3.org/TR/shacl/#sparql-prefixes) and the pre-bound $this, $currentShape and
$shapesGraph (SHACL 5.3.1, https://www.w3.org/TR/shacl/#pre-binding)."""

from __future__ import annotations

import re

from rdflib import Graph
from rdflib.namespace import OWL, SH
from rdflib.plugins.sparql import prepareQuery
from rdflib.term import Node

from kg.shacl_prebinding import prebinding_problem
from kg.shacl_sparql.base import _CompilerBase
from kg.shacl_sparql.model import Check, UnsupportedShape
from kg.shacl_sparql.vocabulary import FOCUS
from kg.shacl_sparql.writer import Focus, _strip_prologue
from kg.validation_report import named_shape


class SparqlBasedMixin(_CompilerBase):
    """sh:sparql with sh:select (SHACL 5)."""

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
                path_sparql = self._path(shape, as_written=True)  # as pySHACL puts it in
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
