"""User values reach SPARQL only as bound terms: hostile strings and names in Arabic
script, with and without a language tag, in NFC and NFD forms. Every test runs on every
store (memory, Oxigraph, a SPARQL server: the any_store fixture), and each value gets the
same answer, or the same refusal, on all three (the rules: kg.stores.values)."""

from __future__ import annotations

import json
import unicodedata

import pytest
from click.testing import CliRunner

from kg.cli import cli

pytestmark = pytest.mark.usefixtures("any_store")

IRAN_AR = "إيران"  # alef with hamza below: NFD splits it in two code points
ASSAD_AR = "بشار الأسد"


def test_the_arabic_name_really_differs_between_forms() -> None:
    assert unicodedata.normalize("NFD", IRAN_AR) != unicodedata.normalize("NFC", IRAN_AR)


@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_arabic_actor_names_in_both_forms(form: str) -> None:
    name = unicodedata.normalize(form, IRAN_AR)
    result = CliRunner().invoke(cli, ["report", "allies", name, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert [r["ally_label"] for r in json.loads(result.stdout)] == ["Syrian government"]


@pytest.mark.parametrize(
    ("value", "found"),
    [
        (f'"{ASSAD_AR}"@ar', ["bashar-al-assad"]),  # as the data has it: NFC, tagged ar
        (f'"{ASSAD_AR}"', []),  # a plain string is another RDF term than the tagged one
        (f'"{unicodedata.normalize("NFD", IRAN_AR)}"@ar', []),  # SPARQL compares code points
        (f'"{IRAN_AR}"@ar', ["iran"]),
    ],
)
def test_arabic_values_are_bound_as_terms(value: str, found: list[str]) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "query",
            "-e",
            "SELECT ?actor WHERE { ?actor skos:altLabel ?name }",
            "--param",
            f"name={value}",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    assert [r["actor"].rsplit("/", 1)[-1] for r in json.loads(result.stdout)] == found


# Values that are bound and match nothing (exit 0, no rows), and values the guard refuses
# (exit 3, one line) because some parser would read their text two ways.
HOSTILE = [
    ('x" || "1"="1', 0),
    ("} ; DROP ALL ; {", 0),
    ('"} UNION { ?actor ?p ?name }"', 0),
    ("ck:turkey> . ?actor ?p ?o . <x", 0),
    ("<https://x/> } ; CLEAR ALL", 0),
    ("# comment } UNION { ?actor ?p ?name", 0),
    ("new\nline } UNION { ?actor ?p ?name } #", 0),
    ("return\r} UNION { ?actor ?p ?name } #", 0),
    ("tab\tand\bform\ffeed", 0),
    ("''' } UNION { ?actor ?p ?name } '''", 0),
    ('"x"@en } UNION { ?actor ?p ?name } #', 0),  # not a tagged literal: a plain string
    ('"x"^^<http://ex/t> } DROP ALL #', 0),
    ('back\\slash \\" quote', 0),
    ("\\u0022", 3),  # rdflib would read a quote, Oxigraph a backslash and u0022
    ('A\\u005C" } UNION { ?actor ?p ?name } #', 3),
    ("\\U00000022", 3),
    ("control \x01 } #", 3),
    ("nul \x00", 3),
    ('"x"^^<relative>', 3),  # a datatype must be an absolute IRI
    ("<relative>", 3),
]


@pytest.mark.parametrize(("value", "exit_code"), HOSTILE)
def test_hostile_values_match_nothing_and_change_nothing(value: str, exit_code: int) -> None:
    runner = CliRunner()
    before = runner.invoke(cli, ["stats", "--format", "json"]).output
    result = runner.invoke(
        cli,
        [
            "query",
            "-e",
            "SELECT ?actor WHERE { ?actor rdfs:label ?name }",
            "--param",
            f"name={value}",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == exit_code, result.output
    if exit_code == 0:
        assert json.loads(result.stdout) == []
    else:
        assert result.output.startswith("Error: ") and result.output.count("\n") == 1
    assert runner.invoke(cli, ["stats", "--format", "json"]).output == before
