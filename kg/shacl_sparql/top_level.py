"""The constraints compiled only on a targeted shape or its sh:property: sh:equals (SHACL
4.5.1, https://www.w3.org/TR/shacl/#core-components-property-pairs), sh:uniqueLang (SHACL
4.4.6, https://www.w3.org/TR/shacl/#UniqueLangConstraintComponent) and sh:closed (SHACL
4.8.1, https://www.w3.org/TR/shacl/#ClosedConstraintComponent). sh:disjoint (4.5.2) is
written by _Compiler._constraint; sh:lessThan and sh:lessThanOrEquals are not compiled."""

from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from kg.shacl_sparql.base import _CompilerBase
from kg.shacl_sparql.model import UnsupportedShape
from kg.shacl_sparql.vocabulary import FOCUS, VALUE, _local
from kg.shacl_sparql.writer import Focus


class TopLevelMixin(_CompilerBase):
    """sh:equals (SHACL 4.5.1), sh:uniqueLang (4.4.6), sh:closed (4.8.1)."""

    def _top_level(
        self, shape: Node, parameter: URIRef, argument: Node, focus: Focus, path: str | None
    ) -> str | None:
        """The query of sh:equals, sh:uniqueLang or sh:closed (pySHACL's results: the
        values of one set missing from the other; one result per language tag used twice;
        each triple of the focus node whose predicate the shape does not name)."""
        w = self.writer
        f = FOCUS
        name = _local(parameter)
        if path is not None and self._zero_length(shape):
            raise UnsupportedShape(shape, f"sh:{name} on a path that may take no step")
        if not isinstance(argument, URIRef | Literal):
            raise UnsupportedShape(shape, f"sh:{name} {argument.n3()}")
        if parameter == SH.equals:
            if not isinstance(argument, URIRef):
                raise UnsupportedShape(shape, f"sh:equals {argument.n3()} (not an IRI)")
            other = w.term(argument)
            if path is None:
                missing = f"{focus.enumerate(f)} FILTER NOT EXISTS {{ ?{f} {other} ?{f} }} "
                extra = f"{focus.enumerate(f)} ?{f} {other} ?{VALUE} . "
                return (
                    f"SELECT DISTINCT ?{f} ?{VALUE} WHERE {{ "
                    f"{{ {missing} BIND (?{f} AS ?{VALUE}) }} UNION "
                    f"{{ {extra} FILTER (!sameTerm(?{VALUE}, ?{f})) }} }}"
                )
            found = (
                f"SELECT ?{f} ?{VALUE} WHERE {{ "
                f"{{ ?{f} {path} ?{VALUE} . FILTER NOT EXISTS {{ ?{f} {other} ?{VALUE} }} }} "
                f"UNION {{ ?{f} {other} ?{VALUE} . FILTER NOT EXISTS {{ ?{f} {path} ?{VALUE} }} }}"
                " }"
            )
            return (
                f"SELECT DISTINCT ?{f} ?{VALUE} WHERE {{ {{ {found} }} "
                f"FILTER ({focus.test(f)}) }}"
            )
        if not (isinstance(argument, Literal) and isinstance(argument.value, bool)):
            raise UnsupportedShape(shape, f"sh:{name} {argument.n3()} (not a boolean)")
        if argument.value is False:
            return None
        if parameter == SH.uniqueLang:
            if path is None:
                raise UnsupportedShape(shape, "sh:uniqueLang on a node shape")
            a, b = w.fresh("a"), w.fresh("b")
            twice = (
                f"SELECT DISTINCT ?{f} (LCASE(LANG(?{a})) AS ?{w.fresh('lang')}) WHERE {{ "
                f"?{f} {path} ?{a} . ?{f} {path} ?{b} . "
                f'FILTER (LANG(?{a}) != "" && !sameTerm(?{a}, ?{b}) '
                f"&& LCASE(LANG(?{a})) = LCASE(LANG(?{b}))) }}"
            )
            return f"SELECT ?{f} WHERE {{ {{ {twice} }} FILTER ({focus.test(f)}) }}"
        if path is not None:
            raise UnsupportedShape(shape, "sh:closed on a property shape")
        allowed: list[Node] = []
        for prop in self.shapes.objects(shape, SH.property):
            allowed.extend(p for p in self.shapes.objects(prop, SH.path) if isinstance(p, URIRef))
        for ignored in self.shapes.objects(shape, SH.ignoredProperties):
            allowed.extend(self._list(shape, ignored, "sh:ignoredProperties"))
        if any(not isinstance(p, URIRef) for p in allowed):
            raise UnsupportedShape(shape, "sh:ignoredProperties with a member that is no IRI")
        names = ", ".join(w.term(p) for p in sorted(set(allowed), key=str))
        outside = f"FILTER (?path NOT IN ({names}))" if names else ""
        return (
            f"SELECT DISTINCT ?{f} ?path ?{VALUE} WHERE {{ "
            f"{focus.enumerate(f)} ?{f} ?path ?{VALUE} . {outside} }}"
        )
