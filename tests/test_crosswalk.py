"""The crosswalk of states (data/reference/states.ttl, kg.crosswalk) and its rule: UCDP's
"Government of X" and the state X are one actor for who backs whom, unless the data has a
separate government of X; a state is found by its codes and by the names other sources
give it."""

from __future__ import annotations

import csv
import json
import os
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rdflib import RDF, RDFS, Graph, URIRef

from kg import crosswalk, reports
from kg.cli import cli
from kg.graph import KnowledgeGraph, StoreSpec
from kg.importers import import_esd
from kg.importers.resolve import ActorIndex
from kg.validation import validate
from kg.vocab import CKG

TESTS = Path(__file__).resolve().parent
EXCERPT = TESTS / "data" / "esd-excerpt.csv"
ESD_FILE = TESTS.parents[1] / "shared" / "data" / "ucdp-esd" / "ucdp-esd-ty-181.csv"
CK = "https://w3id.org/conflict-kg/id/"
ESD = URIRef(CK + "ucdp-esd-18-1")
SYRIA_AND_ITS_GOVERNMENT = """\
@prefix ckg:  <https://w3id.org/conflict-kg/ontology#> .
@prefix ck:   <https://w3id.org/conflict-kg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

ck:syria a ckg:State ; rdfs:label "Syria"@en ; ckg:ucdpGovernmentId 118 ; ckg:cowCode 652 .
ck:saudi-arabia a ckg:State ; rdfs:label "Saudi Arabia"@en ; ckg:ucdpGovernmentId 122 .
"""
DAMASCUS = """\
@prefix ckg:  <https://w3id.org/conflict-kg/ontology#> .
@prefix ck:   <https://w3id.org/conflict-kg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

ck:damascus a ckg:Government ; rdfs:label "Damascus"@en ; ckg:governmentOf ck:syria .
"""


def ck(name: str) -> URIRef:
    return URIRef(CK + name)


@pytest.fixture(scope="module")
def states() -> Graph:
    return Graph().parse(crosswalk.bundled_file())


def tiny(tmp_path: Path, *texts: str) -> KnowledgeGraph:
    """A graph of the ontology and the given Turtle texts, without the bundled data."""
    paths = []
    for i, text in enumerate(texts):
        path = tmp_path / f"part-{i}.ttl"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return KnowledgeGraph.open(paths)


# --- the file ----------------------------------------------------------------------------


def test_each_code_names_one_state(states: Graph) -> None:
    for code in (CKG.cowCode, CKG.gwCode, CKG.isoAlpha2, CKG.isoAlpha3, CKG.ucdpGovernmentId):
        values = Counter(str(o) for o in states.objects(None, code))
        assert values and max(values.values()) == 1, code
    # Every state of the Correlates of War list the file was built from (217, as ATOP 5.1
    # ships it), and Hyderabad, which UCDP codes (GW 751) and that list does not.
    assert len(set(states.objects(None, CKG.cowCode))) == 217
    assert len(set(states.subjects(RDF.type, CKG.State))) == 218
    for state in states.subjects(RDF.type, CKG.State):
        assert len(list(states.objects(state, RDFS.label))) == 1, state


@pytest.mark.parametrize(
    ("state", "codes"),
    [
        # COW ccode 670, SAU (cow-states.csv); gwno 670 and side id 122 for "Government of
        # Saudi Arabia" (UCDP Dyadic 25.1; ESD 18.1 ext_id 122); SA/SAU (ISO 3166-1).
        (
            "saudi-arabia",
            {"cowCode": 670, "gwCode": 670, "isoAlpha2": "SA", "ucdpGovernmentId": 122},
        ),
        # GW 260 is COW 255 (Gleditsch and Ward 1999); UCDP's Government of Germany is 37.
        ("germany", {"cowCode": 255, "gwCode": 260, "isoAlpha3": "DEU", "ucdpGovernmentId": 37}),
        # GW 678 (which continues the Yemen Arab Republic) is COW 679, Yemen since 1990.
        ("yemen", {"cowCode": 679, "gwCode": 678, "isoAlpha2": "YE", "ucdpGovernmentId": 123}),
        # data/actors.ttl's states keep their IRIs.
        ("syria", {"cowCode": 652, "gwCode": 652, "isoAlpha3": "SYR", "ucdpGovernmentId": 118}),
        ("russia", {"cowCode": 365, "gwCode": 365, "isoAlpha2": "RU", "ucdpGovernmentId": 57}),
    ],
)
def test_a_state_has_the_codes_of_its_sources(
    states: Graph, state: str, codes: dict[str, Any]
) -> None:
    for name, value in codes.items():
        assert states.value(ck(state), CKG[name]).toPython() == value


def test_government_of_syria_is_not_a_name_of_the_state(states: Graph) -> None:
    # data/actors.ttl has the Syrian government apart: the name is the government's.
    names = {str(o) for o in states.objects(ck("syria"), None)}
    assert "Government of Syria" not in names
    saudi = {str(o) for o in states.objects(ck("saudi-arabia"), None)}
    assert {"Government of Saudi Arabia", "Kingdom of Saudi Arabia"} <= saudi
    # The states of actors.ttl get codes, not names: a store answers as memory does.
    assert "Soviet Union" not in {str(o) for o in states.objects(ck("russia"), None)}


def test_stores_get_the_crosswalk_and_it_conforms() -> None:
    report = validate(None, add=[crosswalk.bundled_file()])
    assert (report.violations, report.warnings) == (0, 0)


# --- the crosswalk --------------------------------------------------------------------------


def test_a_state_is_found_by_any_code_and_name() -> None:
    walk = crosswalk.bundled()
    saudi = ck("saudi-arabia")
    for kind, code in [
        ("cow", 670),
        ("gw", "670.0"),
        ("iso2", "sa"),
        ("iso3", "SAU"),
        ("ucdp", 122),
    ]:
        entry = walk.by_code(kind, code)
        assert entry is not None and entry.iri == saudi, (kind, code)
    assert walk.by_code("cow", 9999) is None
    with pytest.raises(ValueError, match="no kind of state code"):
        walk.by_code("fips", "SA")
    for name in (
        "Saudi Arabia",
        "Government of Saudi Arabia",
        "kingdom of saudi arabia",
        "the Government of Saudi Arabia",
    ):
        assert (entry := walk.by_name(name)) is not None and entry.iri == saudi, name
    assert (burma := walk.by_name("Burma")) is not None and burma.iri == ck("myanmar")
    assert walk.by_name("Government of Atlantis") is None
    assert (found := walk.for_iri(ck("ucdp-actor-122"))) is not None and found.iri == saudi
    assert walk.for_iri(ck("ucdp-actor-4456")) is None  # Syrian insurgents: no state


def test_the_government_of_a_state_is_the_state(tmp_path: Path) -> None:
    index = ActorIndex.read(tiny(tmp_path, SYRIA_AND_ITS_GOVERNMENT))
    assert index.canonical(ck("ucdp-actor-122")) == ck("saudi-arabia")
    assert index.canonical(ck("ucdp-actor-118")) == ck("syria")
    assert index.find("Government of Saudi Arabia") == {ck("saudi-arabia")}
    assert not index.minted  # both states are in the graph


def test_unless_the_data_has_a_separate_government(tmp_path: Path) -> None:
    index = ActorIndex.read(tiny(tmp_path, SYRIA_AND_ITS_GOVERNMENT, DAMASCUS))
    assert index.canonical(ck("ucdp-actor-118")) == ck("damascus")
    assert index.find("Government of Syria") == {ck("damascus")}
    assert index.by_code("cow", 652) == ck("damascus")
    assert index.canonical(ck("ucdp-actor-122")) == ck("saudi-arabia")


def test_a_state_the_graph_lacks_is_added_with_its_label(astana_graph: KnowledgeGraph) -> None:
    index = ActorIndex.read(astana_graph)
    assert index.find("Burma") == {ck("myanmar")}
    assert index.minted[ck("myanmar")].label == "Myanmar"
    assert index.minted[ck("myanmar")].types == {CKG.State}
    assert index.by_code("iso3", "SAU") == ck("saudi-arabia")
    assert index.canonical(ck("ucdp-actor-115")) == ck("turkey")  # in the data: not minted
    assert index.canonical(ck("ucdp-actor-118")) == ck("syrian-government")
    assert ck("turkey") not in index.minted and ck("syrian-government") not in index.minted
    assert index.by_code("cow", 12345) is None


# --- imports -----------------------------------------------------------------------------


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_saudi_arabia_backs_by_every_source(tmp_path: Path) -> None:
    # ESD's "Government of Saudi Arabia" (ck:ucdp-actor-122) and a store's "Saudi Arabia"
    # are one actor: the backers report by the state's name lists ESD's claims.
    store = tmp_path / "store"
    assert run("load", "--store", str(store))[0] == 0
    assert run("import", "ucdp-esd", str(EXCERPT), "--store", str(store), "-q")[0] == 0
    code, out = run(
        "report",
        "backers",
        "--by",
        "Saudi Arabia",
        "--store",
        str(store),
        "--include-ended",
        "--format",
        "json",
    )
    assert code == 0, out
    claims = {s["claim"] for r in json.loads(out) for s in r["sources"]}
    assert len(claims) == 7  # 2011-2017 (rows 9040, 9052, ...), one a year
    kg = KnowledgeGraph.open(store=StoreSpec(folder=store))
    try:
        assert not kg.select("names", {"class": CKG.Actor, "thing": ck("ucdp-actor-122")}).rows
        by_ucdp_name = reports.backers(kg, by="Government of Saudi Arabia", include_ended=True)
        assert {r.backer for r in by_ucdp_name} == {CK + "saudi-arabia"}
    finally:
        kg.close()


def need_esd() -> Path:
    if not ESD_FILE.exists():
        message = f"{ESD_FILE} is not here (../shared/data/ucdp-esd)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return ESD_FILE


def test_the_whole_esd_gives_saudi_arabia_every_row_it_backs(tmp_path: Path) -> None:
    path = need_esd()
    # What the raw file says, read here without kg: the rows where UCDP actor 122 (the
    # Government of Saudi Arabia) is the external supporter.
    with path.open(encoding="utf-8", newline="") as f:
        rows = {
            row["id"]
            for row in csv.DictReader(f)
            if row["ext_sup"] == "1" and row["ext_id"] and float(row["ext_id"]) == 122
        }
    assert len(rows) > 50
    store = tmp_path / "store"
    assert run("load", "--store", str(store))[0] == 0
    assert import_esd(path, store=store).written
    kg = KnowledgeGraph.open(store=StoreSpec(folder=store))
    try:
        found = reports.backers(kg, by="Saudi Arabia", include_ended=True)
    finally:
        kg.close()
    claims = {s.claim for r in found for s in r.sources if s.document == str(ESD)}
    assert {str(c).rsplit("-row-", 1)[1] for c in claims} == rows
    assert {r.backer for r in found} == {CK + "saudi-arabia"}


def test_backers_by_the_state_in_memory(tmp_path: Path) -> None:
    output = tmp_path / "esd.ttl"
    import_esd(EXCERPT, output)
    graph = Graph().parse(output)
    assert (ck("saudi-arabia"), RDF.type, CKG.State) in graph  # added: the data lacks it
    assert (ck("ucdp-actor-122"), None, None) not in graph
    kg = KnowledgeGraph.open(add=[output])
    rows = reports.backers(kg, by="Saudi Arabia", as_of=date(2017, 6, 30)).to_records()
    assert {r["recipient_label"] for r in rows} == {"Syrian armed opposition"}
