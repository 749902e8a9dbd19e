"""Property-based tests: random Turtle, names and parameter values give a result or a clean
error (a KGError), never another exception."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg import actors, queries
from kg.errors import KGError
from kg.graph import KnowledgeGraph, parse_file
from kg.stores.oxigraph import to_oxigraph

TINY = Path(__file__).resolve().parent / "data" / "tiny.ttl"
GRAPH = KnowledgeGraph.open([TINY])
PREFIXES = (
    "@prefix ckg: <https://w3id.org/conflict-kg/ontology#> .\n"
    "@prefix ck: <https://w3id.org/conflict-kg/id/> .\n"
    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
)
TOKENS = st.sampled_from(
    [
        "ck:a",
        "ck:b",
        "ckg:State",
        "rdfs:label",
        "a",
        '"x"',
        '"x"@en',
        '"1"^^<http://www.w3.org/2001/XMLSchema#date>',
        "<https://x/y>",
        "_:b",
        "[",
        "]",
        "(",
        ")",
        ";",
        ",",
        ".",
        "@prefix",
        "foo:",
        "\\u0000",
        '"""',
        "#",
        "\n",
        " ",
        "42",
        "-1.5e3",
        "true",
        "^^",
        "@",
        "<",
        ">",
        "\\",
        "'",
        '"\\uD800"',
    ]
)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.lists(TOKENS, max_size=40), st.text(max_size=20))
def test_random_turtle_loads_or_fails_cleanly(tokens: list[str], noise: str) -> None:
    text = PREFIXES + " ".join(tokens) + noise
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.ttl"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            parse_file(path)
        except KGError as error:
            assert str(error).startswith(str(path))
            assert "\n" not in str(error)


@SETTINGS
@given(st.text(max_size=40))
def test_any_actor_name_resolves_or_fails_cleanly(name: str) -> None:
    try:
        found = actors.resolve(GRAPH, name)
    except KGError as error:
        assert error.exit_code in (6, 7)
    else:
        assert found.label


@SETTINGS
@given(st.text(max_size=40))
def test_any_param_value_is_bound_or_refused(value: str) -> None:
    query = queries.from_text("SELECT ?actor WHERE { ?actor rdfs:label ?name }")
    try:
        bindings = queries.parse_params([f"name={value}"], query)
        rows = GRAPH.select(query, bindings).rows  # the bound-value guard may refuse it
    except KGError as error:
        assert error.exit_code == 3
        return
    assert all(set(row) == {"actor"} for row in rows)


HEADER = [
    "ref",
    "backer",
    "recipient",
    "relation",
    "kinds",
    "from",
    "to",
    "status",
    "source",
    "published",
    "url",
    "quote",
]
CELLS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "Turkey",
            "Damascus",
            "rebels",
            "backs",
            "allied with",
            "weapons; T",
            "2017",
            "2017-07",
            "2017-13",
            "alleged",
            "=1+1",
            "",
            "\n",
            '"',
        ]
    ),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(CELLS, min_size=12, max_size=12), min_size=1, max_size=3))
def test_random_csv_rows_import_or_fail_cleanly(rows: list[list[str]]) -> None:
    import csv

    from kg.importers import import_csv

    mapping = Path(__file__).resolve().parent / "data" / "claims-table.toml"
    with tempfile.TemporaryDirectory() as folder:
        table = Path(folder) / "table.csv"
        with table.open("w", encoding="utf-8", errors="surrogatepass", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(HEADER)
            writer.writerows(rows)
        store = Path(folder) / "store.ttl"
        try:
            import_csv(table, mapping, store)
        except KGError as error:
            assert "\n" not in str(error)
            assert not store.exists()  # all or nothing


# JSON-LD made of the keywords and values that reach the reader's corners: contexts (local
# and remote), graphs, lists, language tags, numbers, IRIs that are and are not valid.
JSON_KEYS = st.sampled_from(
    ["@id", "@type", "@value", "@language", "@graph", "@list", "@context", "@vocab", "@base",
     "@reverse", "@index", "@set", "@import", "rdfs:label", "http://x/p", "p", "a b", ""]
)
JSON_SCALARS = st.one_of(
    st.sampled_from(
        ["http://x/a", "http://x/a b", "_:b", "_:a b", "rdfs:label", "en", "abcdefghi",
         "http://127.0.0.1:9/c.jsonld", "\ud800", "", "@id", "xsd:integer"]
    ),
    st.integers(),
    st.floats(allow_nan=False),
    st.booleans(),
    st.none(),
    st.text(max_size=8),
)
JSON_LD = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(JSON_KEYS, inner, max_size=4),
    max_leaves=20,
)


@SETTINGS
@given(JSON_LD)
def test_random_jsonld_loads_or_fails_cleanly(document: object) -> None:
    import json

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.jsonld"
        path.write_text(json.dumps(document), encoding="utf-8", errors="surrogatepass")
        try:
            graph = parse_file(path)
        except KGError as error:
            assert str(error).startswith(str(path))
            assert "\n" not in str(error)
        else:
            for triple in graph:  # every term is one Oxigraph would hold
                for term in triple:
                    to_oxigraph(term)
