"""One actor, many names: the alias table (data/aliases.ttl) merges UCDP's actors into the
data's, imports write claims with the data's IRIs, `kg report aliases` lists the merges, and
a wrong merge is fixed by editing data and importing again."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rdflib import OWL, RDF, Graph, URIRef

from kg import actors, reports
from kg.cli_common import KGGroup
from kg.cli_import import aliases_command
from kg.graph import KnowledgeGraph
from kg.importers import import_esd
from kg.importers.aliases import alias_targets, aliases
from kg.importers.resolve import ActorIndex
from kg.validation import validate
from kg.vocab import CKG

TESTS = Path(__file__).resolve().parent
EXCERPT = TESTS / "data" / "esd-excerpt.csv"
CK = "https://w3id.org/conflict-kg/id/"
ESD = CK + "ucdp-esd-18-1"
# (A state's government needs no such merge: the crosswalk of states merges UCDP's
# "Government of Saudi Arabia" into Saudi Arabia by rule; tests/test_crosswalk.py.)
QAIDA_ALIAS = """\
@prefix ckg:  <https://w3id.org/conflict-kg/ontology#> .
@prefix ck:   <https://w3id.org/conflict-kg/id/> .
@prefix owl:  <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

ck:al-qaeda a ckg:ArmedGroup ; rdfs:label "al-Qaeda"@en .
ck:ucdp-actor-769 owl:sameAs ck:al-qaeda ;
    ckg:ucdpActorId 769 ;
    rdfs:label "al-Qaida"@en ;
    rdfs:comment "The group the user's other sources name."@en .
"""


def ck(name: str) -> URIRef:
    return URIRef(CK + name)


@pytest.fixture(scope="module")
def esd_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("aliases") / "esd.ttl"
    import_esd(EXCERPT, store)
    return store


def run_aliases(*args: str) -> Any:
    """`kg report aliases` as the report group will run it (errors become exit codes)."""
    group = KGGroup("report")
    group.add_command(aliases_command)
    return CliRunner().invoke(group, ["aliases", *args])


def test_the_bundled_data_with_the_alias_table_conforms() -> None:
    report = validate()
    assert report.conforms
    assert (report.violations, report.warnings) == (0, 0)


@pytest.mark.parametrize(
    ("name", "actor"),
    [
        ("Government of Turkey", "turkey"),
        ("Government of Russia (Soviet Union)", "russia"),
        ("Government of United States of America", "united-states"),
        ("Government of Iran", "iran"),
        ("Government of Syria", "syrian-government"),
        ("Syrian insurgents", "syrian-armed-opposition"),
    ],
)
def test_every_command_finds_an_actor_by_its_ucdp_name(
    astana_graph: KnowledgeGraph, name: str, actor: str
) -> None:
    assert actors.resolve(astana_graph, name).iri == ck(actor)
    # A state's government by the crosswalk's rule, the insurgents by the alias table.
    index = ActorIndex.read(astana_graph)
    assert index.canonical(ck(f"ucdp-actor-{_ucdp_id(name)}")) == ck(actor)


def _ucdp_id(name: str) -> int:
    return {
        "Government of Turkey": 115,
        "Government of Russia (Soviet Union)": 57,
        "Government of United States of America": 3,
        "Government of Iran": 114,
        "Government of Syria": 118,
        "Syrian insurgents": 4456,
    }[name]


def test_the_state_and_its_government_are_one_backer(esd_store: Path) -> None:
    # The articles say "Turkey" backs the rebels, ESD "Government of Turkey": one row set.
    kg = KnowledgeGraph.open(add=[esd_store])
    rows = reports.backers(kg, of="Syrian armed opposition", as_of=date(2017, 6, 30)).to_records()
    turkey = [r for r in rows if r["backer"] == CK + "turkey"]
    documents = {s["document"] for r in turkey for s in r["sources"]}
    assert documents == {CK + "article-000", CK + "article-004", ESD}
    assert not any(r["backer_label"] == "Government of Turkey" for r in rows)


def test_merged_ucdp_iris_are_not_in_the_store(esd_store: Path) -> None:
    graph = Graph().parse(esd_store)
    for ucdp_id in (3, 57, 114, 115, 118, 234, 4456):
        alias = ck(f"ucdp-actor-{ucdp_id}")
        assert (alias, None, None) not in graph
        assert (None, None, alias) not in graph


def test_the_aliases_report_lists_the_merges() -> None:
    result = run_aliases("--format", "json")
    assert result.exit_code == 0, result.output
    rows = {r["name"]: r for r in json.loads(result.stdout)}
    assert rows["Syrian insurgents"]["actor"] == CK + "syrian-armed-opposition"
    assert rows["Syrian insurgents"]["source_id"] == "UCDP 4456"
    assert rows["IS"]["actor_label"] == "Islamic State"
    # States' governments are merged by the crosswalk's rule, not by the table.
    targets = alias_targets(KnowledgeGraph.open())
    assert "Government of Turkey" not in rows and ck("ucdp-actor-115") not in targets
    assert {
        ck(f"ucdp-actor-{i}"): ck(a)
        for i, a in (
            (234, "islamic-state"),
            (4456, "syrian-armed-opposition"),
            (6288, "kurdish-led-militias"),
        )
    }.items() <= targets.items()
    assert all(r["note"] for r in rows.values())  # each merge says why
    assert all(r["stale_claims"] == 0 for r in rows.values())
    table = run_aliases()
    assert table.exit_code == 0
    assert table.output.splitlines()[0].split()[:4] == ["name", "in", "source", "id"]


def test_the_aliases_report_names_a_missing_file(tmp_path: Path) -> None:
    result = run_aliases("--add", str(tmp_path / "nope.ttl"))
    assert result.exit_code == 2
    assert result.output == f"Error: {tmp_path / 'nope.ttl'}: no such file\n"


def test_a_merge_is_added_and_removed_by_editing_data(esd_store: Path, tmp_path: Path) -> None:
    store = tmp_path / "esd.ttl"
    store.write_bytes(esd_store.read_bytes())
    qaida = ck("ucdp-actor-769")
    claims_by_qaida = set(Graph().parse(store).subjects(CKG.backer, qaida))
    assert len(claims_by_qaida) == 1  # row 9102

    # The user adds a merge (a data file of aliases); the claims imported before it still
    # name the UCDP IRI, and the report says so.
    alias = tmp_path / "my-aliases.ttl"
    alias.write_text(QAIDA_ALIAS, encoding="utf-8")
    report = aliases(KnowledgeGraph.open(add=[alias, store], derive=False))
    [row] = [r for r in report.to_records() if r["alias"] == str(qaida)]
    assert (row["actor_label"], row["stale_claims"]) == ("al-Qaeda", 1)
    assert report.notes

    # Importing again applies it: the claims move, the minted actor goes.
    again = import_esd(EXCERPT, store, add=[alias])
    assert again.written and again.triples_removed > 0
    graph = Graph().parse(store)
    assert set(graph.subjects(CKG.backer, ck("al-qaeda"))) == claims_by_qaida
    assert (qaida, None, None) not in graph and (None, None, qaida) not in graph
    kg = KnowledgeGraph.open(add=[alias, store])
    backers = reports.backers(kg, of="Syrian insurgents", as_of=date(2017, 6, 30)).to_records()
    assert "al-Qaeda" in {r["backer_label"] for r in backers}
    assert aliases(kg).notes == ()

    # The merge was wrong after all: without it, importing again puts the UCDP actor back.
    undone = import_esd(EXCERPT, store)
    assert undone.written
    graph = Graph().parse(store)
    assert set(graph.subjects(CKG.backer, qaida)) == claims_by_qaida
    assert (qaida, RDF.type, CKG.ArmedGroup) in graph
    assert (qaida, OWL.sameAs, None) not in graph
