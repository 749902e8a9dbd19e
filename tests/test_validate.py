"""The library's validate(): cases that need more than one finding per file."""

from __future__ import annotations

from pathlib import Path

from kg.validation import validate

SHAPES = "https://w3id.org/conflict-kg/shapes#"

HEAD = """
@prefix ckg: <https://w3id.org/conflict-kg/ontology#> .
@prefix ck: <https://w3id.org/conflict-kg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix time: <http://www.w3.org/2006/time#> .
"""


def test_end_before_start_is_found_even_without_a_precision(tmp_path: Path) -> None:
    data = tmp_path / "d.ttl"
    data.write_text(
        HEAD
        + """
ck:r a ckg:TalksRound ; rdfs:label "R" ; ckg:partOfProcess ck:p ;
    ckg:start "2017-07-15"^^xsd:date ;
    ckg:end "2016-01-01"^^xsd:date ; ckg:endPrecision time:unitDay .
ck:p a ckg:PeaceProcess ; rdfs:label "P" .
""",
        encoding="utf-8",
    )
    shapes = {r.shape.removeprefix(SHAPES) for r in validate([data]).results}
    assert shapes == {"StartPrecisionShape", "EndNotBeforeStartShape"}


def test_the_bundled_data_conforms_without_warnings() -> None:
    report = validate()
    assert report.conforms
    assert report.results == []
