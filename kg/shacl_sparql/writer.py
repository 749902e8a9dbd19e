"""The query writer: RDF terms and the fresh variables of the queries, the PREFIX prologue,
and Focus, the focus nodes of a shape as a pattern and as a test (SHACL 2.1,
https://www.w3.org/TR/shacl/#focusNodes). Term comparisons here follow SPARQL's sameTerm, as
SHACL's value node comparisons do (https://www.w3.org/TR/shacl/#value-nodes)."""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph
from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.term import Node

from kg import terms
from kg.queries import PREFIXES

# The terms cross between rdflib and pyoxigraph as the Oxigraph store converts them.
from_oxigraph = terms.to_rdflib


to_oxigraph = terms.to_oxigraph


_SAFE_LOCAL = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


class _Writer:
    """Turns terms into SPARQL, with prefixed names where the shapes graph binds a prefix,
    and hands out fresh variable names."""

    def __init__(self, shapes: Graph) -> None:
        bound = {str(ns): prefix for prefix, ns in shapes.namespaces() if prefix}
        bound.setdefault(str(RDF), "rdf")
        bound.setdefault(str(RDFS), "rdfs")
        bound.setdefault(str(XSD), "xsd")
        taken = set(bound.values())
        for prefix, namespace in PREFIXES.items():  # the project's usual prefixes, if free
            if namespace not in bound and prefix not in taken:
                bound[namespace] = prefix
                taken.add(prefix)
        # Longest namespace first, so that a prefixed name takes the most specific prefix.
        self.namespaces = sorted(bound.items(), key=lambda item: -len(item[0]))
        self.counter = itertools.count()
        self.prefixed = True  # False: every IRI written in full

    def fresh(self, stem: str) -> str:
        """A variable name no other part of a query uses (without the ?)."""
        return f"_{stem}{next(self.counter)}"

    def term(self, node: Node) -> str:
        if isinstance(node, URIRef):
            text = str(node)
            for namespace, prefix in self.namespaces if self.prefixed else ():
                if text.startswith(namespace) and _SAFE_LOCAL.match(text[len(namespace) :]):
                    return f"{prefix}:{text[len(namespace) :]}"
            return node.n3()
        if isinstance(node, Literal):
            return node.n3()
        raise TypeError(f"no SPARQL constant for {node!r}")

    def same(self, v: str, node: Node) -> str:
        """A test that ``?v`` is the very term ``node``. A literal that Oxigraph would keep
        in another form ("1"^^xsd:int as "1"^^xsd:integer, "01"^^xsd:integer as "1") is
        compared by its lexical form and datatype: Oxigraph folds such a constant in a query
        too, so that sameTerm would also match what the store holds as "1"^^xsd:integer,
        which pySHACL, over what the store holds, tells apart from "1"^^xsd:int."""
        if isinstance(node, Literal) and not oxigraph_keeps(node):
            kind = (
                f'LANG(?{v}) = "{node.language}"'
                if node.language
                else f"DATATYPE(?{v}) = {self.term(node.datatype or XSD.string)}"
            )
            lexical = Literal(str(node)).n3()
            return f"(isLiteral(?{v}) && STR(?{v}) = {lexical} && {kind})"
        return f"sameTerm(?{v}, {self.term(node)})"

    def absent(self, v: str, path: str, node: Node) -> str:
        """A test that ``node`` is not among the values of ``?v`` along ``path``."""
        if isinstance(node, Literal) and not oxigraph_keeps(node):
            h = self.fresh("h")
            return _not_exists(f"?{v} {path} ?{h} . FILTER {self.same(h, node)}")
        return _not_exists(f"?{v} {path} {self.term(node)}")

    def query(self, body: str) -> str:
        """Prefix declarations for the prefixed names ``body`` uses, then ``body``."""
        used = set(re.findall(r"(?<![\w?$:<\"'])([A-Za-z][\w-]*):(?=[A-Za-z_])", body))
        lines = [
            f"PREFIX {prefix}: <{namespace}>"
            for namespace, prefix in sorted(self.namespaces, key=lambda item: item[1])
            if prefix in used
        ]
        return "\n".join([*lines, body])


@functools.lru_cache(maxsize=1024)
def oxigraph_keeps(literal: Literal) -> bool:
    """Whether Oxigraph keeps ``literal`` as it is written (it stores some as their value:
    "1"^^xsd:int as "1"^^xsd:integer, "8.0"^^xsd:decimal as "8")."""
    store = pyoxigraph.Store()
    node = pyoxigraph.NamedNode("urn:x:x")
    store.add(pyoxigraph.Quad(node, node, to_oxigraph(literal)))
    kept = from_oxigraph(next(iter(store)).object)
    return isinstance(kept, Literal) and (str(kept), kept.datatype, kept.language) == (
        str(literal),
        literal.datatype,
        literal.language,
    )


# A pattern maker: given the name of a variable (without ?), SPARQL text about it.
Pattern = Callable[[str], str]


@dataclass(frozen=True)
class Focus:
    """The focus nodes of a shape, two ways: ``enumerate(v)`` is a group graph pattern that
    binds ``?v`` to each of them (possibly more than once), ``test(v)`` an expression that is
    true when the bound ``?v`` is one. A query that finds few candidates first and then
    tests them (value-first) runs far faster on Oxigraph than one that enumerates every
    focus node and looks up its values, so constraints on values use ``test``."""

    enumerate: Pattern
    test: Pattern


def _not_exists(pattern: str) -> str:
    """``NOT EXISTS { pattern }`` as a SPARQL expression, or, when ``pattern`` may hold a
    transitive path (``*`` or ``+``), ``IF(EXISTS { pattern }, false, true)``, which means
    the same.

    Virtuoso 7.2.5 answers a negation of a pattern with a transitive path that starts from
    a variable of the outer query (``FILTER NOT EXISTS { ?value rdf:type/rdfs:subClassOf*
    ckg:Actor }``, ``!EXISTS``, ``MINUS``, also with the class in a subquery) right for the
    first outer row only and as if nothing matched for all the others: every later value
    failed sh:class (840 false results over the 10k-triple synthetic data). ``EXISTS`` as
    a value, in ``IF``, is right; the test ``EXISTS = false`` is not (a Virtuoso boolean is
    an integer). Oxigraph takes the IF form as a test of each row, much slower than an
    anti-join (sh:class at 100k triples: 2.2 s against 0.02 s for a MINUS), so it is kept
    to transitive paths: sh:minCount, sh:hasValue and sh:class inside sh:node."""
    if re.search(r"[*+]", pattern):
        return f"(IF(EXISTS {{ {pattern} }}, false, true))"
    return f"NOT EXISTS {{ {pattern} }}"


def _strip_prologue(text: str) -> str:
    """A SELECT query without its PREFIX and BASE lines, to nest it as a subquery."""
    return re.sub(r"^\s*(PREFIX\s+\S*:\s*<[^>]*>|BASE\s+<[^>]*>)\s*", "", text, flags=re.I | re.M)
