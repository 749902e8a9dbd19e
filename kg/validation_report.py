"""What a validation finds, as both engines write it: pySHACL's results read back by
:mod:`kg.validation`, and the compiled shapes of :mod:`kg.shacl_sparql`.

Kept apart from the validation itself so that the compiler, the validator and the errors
that carry a report all stand on it without importing one another.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rdflib import BNode, Graph
from rdflib.namespace import SH
from rdflib.term import Node

from kg.prefixes import compact


@dataclass(frozen=True)
class ValidationResult:
    """One finding: what is wrong (message), where (focus node and path), and how badly."""

    focus_node: str
    path: str | None
    message: str
    severity: str
    shape: str
    constraint: str
    value: str | None = None


@dataclass
class ValidationReport:
    """The outcome of validation: conforms when there is no Violation (warnings are allowed)."""

    conforms: bool
    results: list[ValidationResult]
    #: Makes the SHACL validation report graph (``--format turtle``) when it is first asked
    #: for: an import of 136,648 claims that each drew a warning spent 1 GB on a graph
    #: nobody read.
    make_graph: Callable[[], Graph] = field(repr=False)
    #: What the user should know of how the results were found (a shape that ran with
    #: pySHACL on a store, for instance), one sentence each.
    notes: list[str] = field(default_factory=list)
    _graph: Graph | None = field(default=None, init=False, repr=False)

    @property
    def graph(self) -> Graph:
        """The SHACL validation report as RDF (made once, when first asked for)."""
        if self._graph is None:
            self._graph = self.make_graph()
        return self._graph

    @graph.setter
    def graph(self, graph: Graph) -> None:
        self._graph = graph

    @property
    def violations(self) -> int:
        """How many results are violations."""
        return sum(1 for r in self.results if r.severity == "Violation")

    @property
    def warnings(self) -> int:
        """How many results are warnings."""
        return sum(1 for r in self.results if r.severity == "Warning")

    def to_record(self) -> dict[str, Any]:
        """The outcome as the JSON document of ``kg validate``."""
        return {
            "conforms": self.conforms,
            "violations": self.violations,
            "warnings": self.warnings,
            "results": [vars(r) for r in self.results],
        }

    def render(self, fmt: str) -> str:
        """The outcome as text (one line per result, then the verdict), JSON, or the SHACL
        validation report graph in Turtle."""
        if fmt == "json":
            return json.dumps(self.to_record(), ensure_ascii=False, indent=2) + "\n"
        if fmt == "turtle":
            return self.graph.serialize(format="turtle")
        lines = []
        for result in self.results:
            where = compact(result.focus_node)
            if result.path:
                where += f" {compact(result.path)}"
            lines.append(f"{result.severity}: {where}: {result.message} [{compact(result.shape)}]")
        verdict = "conforms" if self.conforms else "does not conform"
        lines.append(f"{verdict}: {self.violations} violation(s), {self.warnings} warning(s)")
        return "\n".join(lines) + "\n"


def named_shape(shapes: Graph, shape: Node) -> str:
    """The named node shape that holds a (blank) property shape, or the shape itself."""
    seen: set[Node] = set()
    while isinstance(shape, BNode) and shape not in seen:
        seen.add(shape)
        parent = shapes.value(None, SH.property, shape) or shapes.value(None, SH.sparql, shape)
        if parent is None:
            break
        shape = parent
    return str(shape)
