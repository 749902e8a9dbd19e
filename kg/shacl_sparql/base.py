"""The base of the compiler's constraint families (one mixin per family of SHACL 4,
https://www.w3.org/TR/shacl/#core-components): the state they share and the methods one
family calls on another, declared so that each module type-checks on its own."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from kg.shacl_sparql.model import Check, ValueTest
from kg.shacl_sparql.writer import Focus, _Writer


class _CompilerBase:
    """What the constraint families share: the shapes graph, the query writer, and the
    methods one family calls on another (each defined in its own module, which
    _Compiler, inheriting them all, puts before this class in its MRO)."""

    shapes: Graph
    writer: _Writer
    checks: list[Check]

    def _targeted_shapes(self) -> list[Node]:
        raise NotImplementedError

    def _deactivated(self, shape: Node) -> bool:
        raise NotImplementedError

    def _focus(self, shape: Node) -> Focus:
        raise NotImplementedError

    def _list(self, shape: Node, node: Node, what: str) -> list[Node]:
        raise NotImplementedError

    def _refuse_unknown_parameters(self, shape: Node) -> None:
        raise NotImplementedError

    def _severity(self, shape: Node) -> str:
        raise NotImplementedError

    def _message(self, shape: Node) -> str | None:
        raise NotImplementedError

    def _path(self, shape: Node, *, as_written: bool = False) -> str | None:
        raise NotImplementedError

    def _path_text(self, shape: Node) -> str | None:
        raise NotImplementedError

    def _zero_length(self, shape: Node) -> bool:
        raise NotImplementedError

    def _with_self(self, focus: Focus, path: str, f: str, v: str) -> str:
        raise NotImplementedError

    def _counted_with_self(
        self, shape: Node, parameter: URIRef, argument: Node, focus: Focus, path: str
    ) -> str | None:
        raise NotImplementedError

    def _values_as_focus(self, focus: Focus, shape: Node, path: str | None) -> Focus:
        raise NotImplementedError

    def _qualified(
        self, shape: Node, parameter: URIRef, argument: Node, focus: Focus, path: str | None
    ) -> str:
        raise NotImplementedError

    def _top_level(
        self, shape: Node, parameter: URIRef, argument: Node, focus: Focus, path: str | None
    ) -> str | None:
        raise NotImplementedError

    def _string_test(self, shape: Node, parameter: URIRef, argument: Node) -> ValueTest:
        raise NotImplementedError

    def _datatype_violation(self, datatype: URIRef, v: str) -> tuple[str, bool]:
        raise NotImplementedError

    def _range_candidate(self, parameter: URIRef, bound: Literal, v: str) -> str:
        raise NotImplementedError

    def _value_violation(self, shape: Node, parameter: URIRef, argument: Node, v: str) -> str:
        raise NotImplementedError

    def _nonconforming(self, owner: Node, shape: Node, v: str, stack: tuple[Node, ...]) -> str:
        raise NotImplementedError

    def _logical(
        self, owner: Node, parameter: URIRef, argument: Node, v: str, stack: tuple[Node, ...]
    ) -> str:
        raise NotImplementedError

    def _member_nonconforming(
        self, owner: Node, member: Node, v: str, stack: tuple[Node, ...]
    ) -> str:
        raise NotImplementedError

    def _nonconforming_parts(
        self, owner: Node, shape: Node, v: str, path: str | None, stack: tuple[Node, ...]
    ) -> str:
        raise NotImplementedError

    def _sparql(self, shape: Node, constraint: Node, focus: Focus, path: str | None) -> None:
        raise NotImplementedError
