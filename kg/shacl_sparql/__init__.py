"""SHACL validation at scale: the shapes compiled into SPARQL SELECT queries.

pySHACL (:mod:`kg.validation`) is the reference for what the shapes mean, but it walks the
graph focus node by focus node in Python and takes minutes on a million triples. Here each
constraint of each shape becomes one SELECT query that finds all its violations at once, for
a fast engine (Oxigraph, in memory or on disk) to run over the union of ontology and data:

    checks = compile_shapes(shapes_graph())
    results = run_checks(oxigraph_select(store), checks)

The rows of a check's query are its results: ``?focus`` always, ``?value`` where the
constraint reports a value (and, for SPARQL-based constraints, the variables their message
names). The results are those pySHACL gives: focus node, path, shape, constraint component,
severity, value and message, as :mod:`kg.validation` reports them.

How the queries are written (measured on Oxigraph, a million triples): a constraint on each
value (sh:class, sh:datatype, sh:in, ...) first finds the values that fail, in a subquery,
and only then asks whether their subject is a focus node (``FILTER EXISTS``); enumerating
the focus nodes first and looking up their values is several times slower. sh:maxCount
groups the values by subject the same way; sh:minCount and sh:hasValue, which are about
values that are missing, enumerate the focus nodes (``FILTER NOT EXISTS``). sh:class is a
``MINUS`` of the instances of the class (its subclasses found in a subquery with a LIMIT, for
Virtuoso, as in the test of a class target: see SUBCLASS_LIMIT); a SPARQL-based constraint
runs once over the graph and keeps the rows whose ``$this`` is a focus node, as kg.validation does.

Two rules of pySHACL's cannot be written in SPARQL exactly, because they follow rdflib's
reading of a literal: whether a literal matches its ``sh:datatype`` (an ill-typed
``"15/03/2011"^^xsd:date`` does not, nor does a date rdflib cannot read, such as
"2017-02-29") and how ``sh:minInclusive`` and its kin compare values. For those the query
returns every value that may fail (all but the plainly valid ones, which a regular
expression recognises in the query) and :class:`ValueTest` decides each in Python with
pySHACL's own rule.

Oxigraph stores a valid literal as its value: ``8.0`` comes back as "8"^^xsd:decimal, and
"3"^^xsd:int (any type derived from xsd:integer) as "3"^^xsd:integer, so over Oxigraph such
a literal passes ``sh:datatype xsd:integer`` where pySHACL reports it, and a ``sh:value``
shows the canonical form. Everything else is the same over rdflib and Oxigraph.

A construct that is not compiled raises :class:`UnsupportedShape`, naming the shape and the
construct, rather than being skipped (kg.validation then refuses the shape with ShapeError,
or runs it with pySHACL). Not compiled: sh:lessThan and sh:lessThanOrEquals, SPARQL-based
constraint components, sh:select queries whose ``$this`` is bound only by pre-binding
(kg.shacl_prebinding), and, in a shape that sh:node or a logical constraint refers to, the
constraints decided in Python. The string constraints (sh:minLength, sh:maxLength,
sh:pattern, sh:languageIn) return every value and are decided by pySHACL's rules, like
sh:datatype. Literal constants that Oxigraph would fold ("1"^^xsd:int) are compared by
lexical form and datatype, so that the results over a store are pySHACL's over what the
store holds. tests/test_w3c_shacl.py runs the W3C SHACL test suite on every engine.

The package, by what each part does (each module's docstring cites its SHACL section):
vocabulary (the parameters read), literals (pySHACL's rules for literals, decided in Python),
model (Check, ValueTest, UnsupportedShape), writer (terms, variables, the query text, Focus),
targets (SHACL 2.1), paths (2.3), one mixin per constraint family of SHACL 4: value_type
(4.1, with sh:in of 4.8), cardinality (4.2), value_range (4.3), string_based (4.4),
top_level (sh:equals 4.5, sh:uniqueLang 4.4, sh:closed 4.8), logical (4.6), shape_based
(4.7), and sparql_based (SHACL 5); compiler (_Compiler, which inherits the mixins through
base), and runner (results, run_checks, the rdflib and Oxigraph engines).
"""

from kg.shacl_sparql.compiler import (
    compile_shapes,
    compile_what_can_be,
    targeted_shapes,
)
from kg.shacl_sparql.literals import (
    STRING_TESTS,
    datatype_matches,
    in_range,
)
from kg.shacl_sparql.model import (
    Check,
    UnsupportedShape,
    ValueTest,
    severity_name,
)
from kg.shacl_sparql.runner import (
    oxigraph_keeps_all,
    oxigraph_select,
    oxigraph_store,
    rdflib_select,
    results_of,
    run_checks,
)
from kg.shacl_sparql.sparql_based import (
    prefix_declarations,
)
from kg.shacl_sparql.vocabulary import (
    ALWAYS_VALID,
    COMPONENT,
    CONSTRAINTS,
    COUNTED,
    DESCRIPTIVE,
    FOCUS,
    LOGICAL,
    NODE_KINDS,
    NOT_PARAMETERS,
    PLAINLY_VALID,
    RANGE_TESTS,
    STRING_CONSTRAINTS,
    SUBCLASS_LIMIT,
    TARGETS,
    TOP_LEVEL_ONLY,
    VALUE,
    VALUE_CLASSES,
    Row,
    Select,
)
from kg.shacl_sparql.writer import (
    Focus,
    Pattern,
    from_oxigraph,
    oxigraph_keeps,
    to_oxigraph,
)

__all__ = [
    "ALWAYS_VALID",
    "COMPONENT",
    "CONSTRAINTS",
    "COUNTED",
    "Check",
    "DESCRIPTIVE",
    "FOCUS",
    "Focus",
    "LOGICAL",
    "NODE_KINDS",
    "NOT_PARAMETERS",
    "PLAINLY_VALID",
    "Pattern",
    "RANGE_TESTS",
    "Row",
    "STRING_CONSTRAINTS",
    "STRING_TESTS",
    "SUBCLASS_LIMIT",
    "Select",
    "TARGETS",
    "TOP_LEVEL_ONLY",
    "UnsupportedShape",
    "VALUE",
    "VALUE_CLASSES",
    "ValueTest",
    "compile_shapes",
    "compile_what_can_be",
    "datatype_matches",
    "from_oxigraph",
    "in_range",
    "oxigraph_keeps",
    "oxigraph_keeps_all",
    "oxigraph_select",
    "oxigraph_store",
    "prefix_declarations",
    "rdflib_select",
    "results_of",
    "run_checks",
    "severity_name",
    "targeted_shapes",
    "to_oxigraph",
]
