"""User values reach SPARQL only as bound terms: hostile strings and names in Arabic
script, with and without a language tag, in NFC and NFD forms."""

from __future__ import annotations

import json
import unicodedata

import pytest
from click.testing import CliRunner

from kg.cli import cli

IRAN_AR = "إيران"  # alef with hamza below: NFD splits it in two code points
ASSAD_AR = "بشار الأسد"


def test_the_arabic_name_really_differs_between_forms() -> None:
    assert unicodedata.normalize("NFD", IRAN_AR) != unicodedata.normalize("NFC", IRAN_AR)


@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_arabic_actor_names_in_both_forms(form: str) -> None:
    name = unicodedata.normalize(form, IRAN_AR)
    result = CliRunner().invoke(cli, ["report", "allies", name, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert [r["ally_label"] for r in json.loads(result.output)] == ["Syrian government"]


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
    assert [r["actor"].rsplit("/", 1)[-1] for r in json.loads(result.output)] == found


@pytest.mark.parametrize(
    "value",
    [
        'x" || "1"="1',
        "\\u0022",
        "} ; DROP ALL ; {",
        '"} UNION { ?actor ?p ?name }"',
        "ck:turkey> . ?actor ?p ?o . <x",
        "<https://x/> } ; CLEAR ALL",
    ],
)
def test_hostile_values_match_nothing_and_change_nothing(value: str) -> None:
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
    assert result.exit_code in (0, 3), result.output
    if result.exit_code == 0:
        assert json.loads(result.output) == []
    assert runner.invoke(cli, ["stats", "--format", "json"]).output == before
