"""The timeline names each dated thing once, under its most specific class, on every local
store: kg.reports drops a thing's broader classes itself (timeline-events.rq is asked one
class at a time, since Virtuoso 7.2 loses rows on the transitive path that did it)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import kg
from kg.graph import StoreSpec
from kg.loading import load_store

# A round typed with its broader classes too, a ceasefire typed as an agreement too, and a
# meeting known only by its end.
DATA = """\
@prefix ckg:     <https://w3id.org/conflict-kg/ontology#> .
@prefix ck:      <https://w3id.org/conflict-kg/id/> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
@prefix time:    <http://www.w3.org/2006/time#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

ck:round-1 a ckg:TalksRound, ckg:Talks, ckg:Event ;
    rdfs:label "Round 1"@en ;
    ckg:start "2017-05-03"^^xsd:date ; ckg:startPrecision time:unitDay .

ck:truce a ckg:Ceasefire, ckg:Agreement ;
    rdfs:label "Truce"@en ;
    dcterms:date "2017-06-01"^^xsd:date ; ckg:datePrecision time:unitMonth .

ck:meeting a ckg:Meeting ;
    rdfs:label "Meeting"@en ;
    ckg:end "2017-04-01"^^xsd:date ; ckg:endPrecision time:unitMonth .
"""


@pytest.fixture(scope="module", params=["memory", "oxigraph"])
def graph(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[kg.ConflictGraph]:
    folder = tmp_path_factory.mktemp("timeline-classes")
    data = folder / "data.ttl"
    data.write_text(DATA, encoding="utf-8")
    if request.param == "memory":
        with kg.open(data, environ={}) as opened:
            yield opened
        return
    load_store(StoreSpec(folder=folder / "store"), [data])
    with kg.open(store=folder / "store", environ={}) as opened:
        yield opened


def test_each_thing_once_under_its_most_specific_class(graph: kg.ConflictGraph) -> None:
    shown = [(row.date, row.event, row.kind) for row in graph.timeline()]
    assert shown == [
        ("2017-04", "Meeting ends", "meeting"),
        ("2017-05-03", "Round 1", "round of talks"),
        ("2017-06", "Truce", "ceasefire"),
    ]
