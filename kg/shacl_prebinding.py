"""SHACL 5.3.1, pre-bound variables: when a SPARQL-based constraint may run once over the
whole graph instead of once per focus node.

SHACL runs the ``sh:select`` of a SPARQL-based constraint once per focus node with ``$this``
pre-bound to it. kg.shacl_sparql (and kg.validation, for pySHACL) run it once, with ``?this``
free, and keep the rows whose ``?this`` is a focus node. The two agree only when every
solution binds ``?this`` and binding it first would change no part of the query: a
``FILTER ($this = ex:a)`` alone, ``BIND ($this AS ?x)``, ``VALUES $this {...}`` or a
subquery that uses ``$this`` all find nothing when run once (each is evaluated before, or
apart from, the pattern that binds ``?this``).

:func:`prebinding_problem` reads rdflib's algebra of the query and says why a query cannot
run once, or None when it can: ``?this`` must be bound in every solution by triple patterns
(in joins, unions of such, OPTIONAL parts that do not unbind it), with FILTER, BIND and
OPTIONAL conditions on top, and must not appear in VALUES, a subquery, MINUS, GRAPH, SERVICE
or a LIMIT/OFFSET query, nor may the query aggregate.
"""

from __future__ import annotations

from typing import Any

from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Variable

THIS = Variable("this")
# What SHACL forbids in a query with pre-bound variables (SHACL 5.3.1.1): VALUES and
# subqueries (which pySHACL refuses unless they project $this, and kg.shacl_sparql would
# evaluate apart from $this), MINUS and SERVICE.
FORBIDDEN = {
    "ToMultiSet": "VALUES or a subquery",
    "SubSelect": "VALUES or a subquery",
    "InlineData": "VALUES or a subquery",
    "Minus": "MINUS",
    "MinusGraphPattern": "MINUS",
    "ServiceGraphPattern": "SERVICE",
}
# Parts of a query evaluated apart from the solution at hand, as algebra and (inside EXISTS,
# which rdflib leaves as parsed) as parse tree.
SEPARATE = (
    "ToMultiSet",
    "values",
    "Minus",
    "Graph",
    "Slice",
    "SubSelect",
    "InlineData",
    "MinusGraphPattern",
    "GraphGraphPattern",
    "ServiceGraphPattern",
)


def mentions(node: Any, variable: Variable = THIS) -> bool:
    """Whether ``variable`` appears anywhere in an algebra node or expression."""
    if node == variable:
        return True
    if isinstance(node, CompValue):
        return any(mentions(value, variable) for value in node.values())
    if isinstance(node, dict):
        return any(mentions(value, variable) for value in node.values())
    if isinstance(node, list | tuple | set):
        return any(mentions(item, variable) for item in node)
    return False


def _contains(node: Any, name: str) -> bool:
    if isinstance(node, CompValue):
        return node.name == name or any(_contains(value, name) for value in node.values())
    if isinstance(node, dict):
        return any(_contains(value, name) for value in node.values())
    if isinstance(node, list | tuple | set):
        return any(_contains(item, name) for item in node)
    return False


def _in_subquery(node: Any) -> bool:
    """Whether ``?this`` appears in a subquery or VALUES block anywhere under ``node``
    (also inside EXISTS and NOT EXISTS, which a FILTER may hold)."""
    if isinstance(node, CompValue):
        if node.name in SEPARATE and mentions(node):
            return True
        return any(_in_subquery(value) for value in node.values())
    if isinstance(node, dict):
        return any(_in_subquery(value) for value in node.values())
    if isinstance(node, list | tuple | set):
        return any(_in_subquery(item) for item in node)
    return False


def prebinding_problem(algebra: CompValue) -> str | None:
    """Why the SELECT query ``algebra`` (rdflib's translation, with ``$this`` read as
    ``?this``) gives other rows when run once than when run per focus node; None if none."""
    pattern = algebra["p"]
    while isinstance(pattern, CompValue) and pattern.name in (
        "Project",
        "Distinct",
        "Reduced",
        "OrderBy",
    ):
        pattern = pattern["p"]
    if _contains(pattern, "AggregateJoin"):
        return "an aggregate (GROUP BY, COUNT, ...)"
    if isinstance(pattern, CompValue) and pattern.name == "Slice":
        return "LIMIT or OFFSET (applied per focus node when $this is pre-bound)"
    for name, what in FORBIDDEN.items():
        if _contains(pattern, name):
            return what
    problem = _problem(pattern)
    if problem is None and not _binds(pattern):
        problem = "$this is not bound by a triple pattern in every solution"
    return problem


def _problem(node: Any) -> str | None:
    """Why ``node`` would see ``?this`` unbound where the per-focus run sees it bound."""
    if not isinstance(node, CompValue) or not mentions(node):
        return None  # a part that does not use $this joins the same either way
    name = node.name
    if name == "BGP":
        return None
    if name in ("Filter", "Extend", "LeftJoin"):
        if _in_subquery(node.get("expr")):
            return "$this inside a subquery or VALUES within EXISTS"
        if name == "Extend" and node["var"] == THIS:
            return "BIND (... AS $this)"
        inner = node["p1"] if name == "LeftJoin" else node["p"]
        if mentions(node.get("expr")) and not _binds(inner):
            what = {"Filter": "FILTER", "Extend": "BIND", "LeftJoin": "OPTIONAL"}[name]
            return f"$this in a {what} of a group that does not bind it"
        if name == "LeftJoin":
            return _side(node["p1"]) or _side(node["p2"])
        return _side(inner)
    if name in ("Join", "Union"):
        return _side(node["p1"]) or _side(node["p2"])
    return f"$this inside {name}"


def _side(node: Any) -> str | None:
    """A part of a join, union or OPTIONAL: if it uses ?this it must bind it itself."""
    if not mentions(node):
        return None
    return _problem(node) or (None if _binds(node) else "$this in a group that does not bind it")


def _binds(node: Any) -> bool:
    """Whether every solution of ``node`` binds ?this (by a triple pattern or a join)."""
    if not isinstance(node, CompValue):
        return False
    name = node.name
    if name == "BGP":
        return any(THIS in triple for triple in node["triples"])
    if name == "Filter":
        return _binds(node["p"])
    if name == "Extend":
        return _binds(node["p"])
    if name == "Join":
        return _binds(node["p1"]) or _binds(node["p2"])
    if name == "LeftJoin":
        return _binds(node["p1"])
    if name == "Union":
        return _binds(node["p1"]) and _binds(node["p2"])
    return False
