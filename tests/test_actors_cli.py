"""`kg actors`: search by any part of any name, candidate merges with a score and why, and
a person's decisions (merge, distinct) kept as data in a store or a file."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import OWL, RDF, SKOS, Graph, Literal, URIRef

from kg import matching
from kg.cli import cli
from kg.graph import KnowledgeGraph, StoreSpec
from kg.vocab import CKG

CK = "https://w3id.org/conflict-kg/id/"
# Two sources name one group two ways, and a state and a UCDP government share an id.
TWO_NAMES = """\
@prefix ckg:  <https://w3id.org/conflict-kg/ontology#> .
@prefix ck:   <https://w3id.org/conflict-kg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .

ck:al-qaida a ckg:ArmedGroup ; rdfs:label "al-Qaida"@en .
ck:al-qaeda a ckg:ArmedGroup ; rdfs:label "Al Qaeda"@en .
ck:the-jazeera a ckg:MediaOutlet ; rdfs:label "Al Jazeera"@en .
ck:saudi-arabia a ckg:State ; rdfs:label "Saudi Arabia"@en ; ckg:ucdpGovernmentId 122 ;
    ckg:cowCode 670 .
ck:ucdp-actor-122 a ckg:Government ; rdfs:label "Government of Saudi Arabia"@en ;
    ckg:ucdpActorId 122 .
ck:actor-saudi-arabia a ckg:Actor ; rdfs:label "The Saudi Arabia"@en .
ck:mali a ckg:State ; rdfs:label "Mali"@en ; ckg:cowCode 432 .
ck:malta a ckg:State ; rdfs:label "Malta"@en ; ckg:cowCode 338 .
ck:erp-1 a ckg:RebelGroup ; rdfs:label "ERP"@en ; ckg:ucdpActorId 738 .
ck:erp-2 a ckg:RebelGroup ; rdfs:label "ERP"@en ; ckg:ucdpActorId 753 .
"""
CLAIM = """\
@prefix ckg:  <https://w3id.org/conflict-kg/ontology#> .
@prefix ck:   <https://w3id.org/conflict-kg/id/> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
@prefix time: <http://www.w3.org/2006/time#> .

ck:claim-1 a ckg:SupportClaim ; ckg:backer ck:al-qaeda ; ckg:recipient ck:syrian-armed-opposition ;
    ckg:source ck:article-000 ; ckg:quote "Al Qaeda backs the rebels." ;
    ckg:supportKind ckg:UnspecifiedSupport ; ckg:status ckg:Asserted ;
    ckg:start "2013-01-01"^^xsd:date ; ckg:startPrecision time:unitYear .
"""


def ck(name: str) -> URIRef:
    return URIRef(CK + name)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


@pytest.fixture
def two_names(tmp_path: Path) -> Path:
    path = tmp_path / "two-names.ttl"
    path.write_text(TWO_NAMES, encoding="utf-8")
    return path


@pytest.fixture
def store(tmp_path: Path, two_names: Path) -> Path:
    """A store of the bundled data, two names of al-Qaeda and a claim by one of them."""
    claim = tmp_path / "claim.ttl"
    claim.write_text(CLAIM, encoding="utf-8")
    folder = tmp_path / "store"
    code, out = run("load", "--bundled", str(two_names), str(claim), "--store", str(folder))
    assert code == 0, out
    return folder


def pairs(rows: list[dict[str, object]]) -> dict[frozenset[str], dict[str, object]]:
    return {frozenset((str(r["a"]), str(r["b"]))): r for r in rows}


# --- search --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "actors"),
    [
        ("saudi", {"ck:saudi-arabia", "ck:ucdp-actor-122", "ck:actor-saudi-arabia"}),
        ("QAED", {"ck:al-qaeda"}),  # any part, any case
        ("türk", {"ck:turkey", "ck:turkish-delegation"}),  # "Türkiye", "Turkey": accents
        ("Government of Tur", {"ck:turkey"}),  # a name UCDP gives it
        ("Syrian insurgents", {"ck:syrian-armed-opposition"}),  # merged IRI's name
    ],
)
def test_search_finds_by_any_part_of_any_name(two_names: Path, text: str, actors: set[str]) -> None:
    code, out = run("actors", "search", text, "--add", str(two_names), "--format", "json")
    assert code == 0, out
    assert {r["actor"] for r in json.loads(out)} == actors


def test_search_shows_the_codes_and_says_when_nothing_matches(two_names: Path) -> None:
    code, out = run("actors", "search", "Arabia", "--add", str(two_names), "--format", "json")
    assert code == 0
    [saudi] = [r for r in json.loads(out) if r["actor"] == "ck:saudi-arabia"]
    assert saudi["codes"] == "UCDP government id 122; COW code 670"
    code, out = run("actors", "search", "Atlantis")
    assert (code, out) == (0, "(no rows)\n(no actor has a name that contains 'Atlantis')\n")
    code, out = run("actors", "search", "  ")
    assert code == 6 and out.startswith("Error: give a part of a name")


def test_search_text_is_a_bound_value_not_query_text(two_names: Path) -> None:
    code, out = run("actors", "search", '") } UNION { ?s ?p ?o } #', "--add", str(two_names))
    assert code == 0 and "(no rows)" in out


# --- match ---------------------------------------------------------------------------------


def test_match_lists_near_names_and_shared_ids_with_why(two_names: Path) -> None:
    code, out = run("actors", "match", "--add", str(two_names), "--format", "json")
    assert code == 0, out
    found = pairs(json.loads(out))
    ucdp = found[frozenset(("ck:saudi-arabia", "ck:ucdp-actor-122"))]
    assert ucdp["score"] == 1.0 and "same UCDP actor id 122" in str(ucdp["why"])
    same = found[frozenset(("ck:actor-saudi-arabia", "ck:saudi-arabia"))]
    assert same["score"] == 0.9 and "same name once normalised" in str(same["why"])
    alike = found[frozenset(("ck:al-qaeda", "ck:al-qaida"))]
    assert 0.7 <= float(str(alike["score"])) < 0.8 and "% alike" in str(alike["why"])
    # Not proposed: two states with their own codes (Mali, Malta), two UCDP actors with
    # two ids (both called ERP), a government and its state linked in the data.
    assert frozenset(("ck:mali", "ck:malta")) not in found
    assert frozenset(("ck:erp-1", "ck:erp-2")) not in found
    assert frozenset(("ck:syria", "ck:syrian-government")) not in found
    assert [r["score"] for r in json.loads(out)] == sorted(
        (r["score"] for r in json.loads(out)), reverse=True
    )


def test_min_score_keeps_the_best(two_names: Path) -> None:
    code, out = run("actors", "match", "--add", str(two_names), "--min-score", "0.95")
    assert code == 0
    assert out.splitlines()[0].split()[:3] == ["score", "actor", "A"]
    assert [line.split()[0] for line in out.splitlines()[2:]] == ["1.0"]
    code, out = run("actors", "match", "--min-score", "2")
    assert code == 2 and out.startswith("Error: Invalid value for '--min-score'")


# --- decisions -----------------------------------------------------------------------------


def test_merge_in_a_store_moves_the_claims_and_is_kept(store: Path) -> None:
    code, out = run(
        "actors", "merge", "Al Qaeda", "al-Qaida", "--store", str(store), "--by", "A. Analyst"
    )
    assert code == 0, out
    assert out == (
        f"{store}: merged Al Qaeda (ck:al-qaeda) into al-Qaida (ck:al-qaida); "
        "1 claim(s) moved to al-Qaida\n"
    )
    code, out = run("report", "backers", "--by", "al-Qaida", "--store", str(store))
    assert code == 0 and "Syrian armed opposition" in out
    code, out = run("report", "backers", "--by", "Al Qaeda", "--store", str(store))
    assert code == 0 and "al-Qaida" in out  # its name now finds the actor it is merged into
    code, out = run("actors", "match", "--store", str(store), "--format", "json")
    assert frozenset(("ck:al-qaeda", "ck:al-qaida")) not in pairs(json.loads(out))
    kg = KnowledgeGraph.open(store=StoreSpec(folder=store))
    try:
        rows = kg.select("actor-decisions").rows
        [row] = [r for r in rows if r["a"] == ck("al-qaeda")]
        assert (row["b"], row["verdict"], row["reviewer"]) == (
            ck("al-qaida"),
            OWL.sameAs,
            Literal("A. Analyst"),
        )
    finally:
        kg.close()
    code, out = run("validate", "--store", str(store))
    assert code == 0, out


def test_distinct_undoes_a_merge_and_is_not_proposed_again(store: Path) -> None:
    assert run("actors", "merge", "Al Qaeda", "al-Qaida", "--store", str(store))[0] == 0
    code, out = run(
        "actors", "distinct", "Al Qaeda", "al-Qaida", "--store", str(store), "--by", "B"
    )
    assert code == 0, out
    assert out == (
        f"{store}: kept Al Qaeda (ck:al-qaeda) and al-Qaida (ck:al-qaida) apart: they are "
        "not proposed again; 1 claim(s) moved back to Al Qaeda; the earlier decision on the "
        "pair is replaced\n"
    )
    code, out = run("report", "backers", "--by", "Al Qaeda", "--store", str(store))
    assert code == 0 and "Al Qaeda" in out and "al-Qaida" not in out
    code, out = run("actors", "match", "--store", str(store), "--format", "json")
    assert frozenset(("ck:al-qaeda", "ck:al-qaida")) not in pairs(json.loads(out))
    code, out = run("actors", "distinct", "Al Qaeda", "al-Qaida", "--store", str(store))
    assert code == 0 and out.endswith("already decided so; nothing was written\n")


def test_merges_follow_into_later_imports(store: Path, tmp_path: Path) -> None:
    # A reviewed merge is data: an import that names the merged IRI writes the actor's.
    assert run("actors", "merge", "ck:ucdp-actor-769", "al-Qaida", "--store", str(store))[0] == 6
    code, out = run("actors", "merge", "Al Qaeda", "al-Qaida", "--store", str(store))
    assert code == 0, out
    table = tmp_path / "claims.csv"
    table.write_text(
        "id,backer,recipient,year\nn1,Al Qaeda,Syrian armed opposition,2014\n", encoding="utf-8"
    )
    mapping = tmp_path / "claims.toml"
    mapping.write_text(
        '[source]\ntitle = "My notes"\ntype = "article"\ndate = "2020-01-01"\n'
        '[claim]\nid = "{id}"\nrelation = "support"\nbacker = "{backer}"\n'
        'recipient = "{recipient}"\nstart = "{year}"\nquote = "{backer} backs {recipient}"\n',
        encoding="utf-8",
    )
    code, out = run("import", "csv", str(table), "--mapping", str(mapping), "--store", str(store))
    assert code == 0, out
    kg = KnowledgeGraph.open(store=StoreSpec(folder=store))
    try:
        rows = kg.select("who-backs-whom", {"backer": ck("al-qaida")}).rows
        assert len(rows) >= 1
        assert not kg.select("who-backs-whom", {"backer": ck("al-qaeda")}).rows
    finally:
        kg.close()


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["merge", "Turkey", "ck:turkey", "-o", "d.ttl"], 14, "ck:turkey and ck:turkey are one"),
        (["merge", "Atlantis", "Turkey", "-o", "d.ttl"], 6, "no actor is called 'Atlantis'"),
        (["merge", "Turkey", "Iran"], 11, "say where to record the decision"),
        (["distinct", "Turkey", "Iran", "-o", "d.nt"], 5, "written as Turtle (.ttl)"),
    ],
)
def test_a_decision_refused_is_one_line(
    args: list[str], code: int, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KG_STORE", raising=False)
    got, out = run("actors", *args)
    assert got == code and out.startswith("Error: ") and message in out, out
    assert len(out.splitlines()) == 1
    assert not list(tmp_path.iterdir())  # nothing written


def test_a_decision_into_a_file_is_added_to_later_commands(tmp_path: Path) -> None:
    decisions = tmp_path / "decisions.ttl"
    at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    done = matching.decide(
        "Syria", "Syrian government", "different", output=decisions, reviewer="A", at=at
    )
    assert (done.verdict, done.a, done.b, done.where) == (
        "different",
        ck("syria"),
        ck("syrian-government"),
        str(decisions),
    )
    graph = Graph().parse(decisions)
    node = matching.decision_iri(ck("syria"), ck("syrian-government"))
    assert (ck("syria"), OWL.differentFrom, ck("syrian-government")) in graph
    assert (node, RDF.type, CKG.MatchDecision) in graph
    assert str(graph.value(node, URIRef("http://www.w3.org/ns/prov#endedAtTime"))) == (
        "2026-01-02T03:04:05+00:00"
    )
    # The same file, a merge of another pair: both decisions are kept.
    matching.decide("Iranian delegation", "Iran", "same", output=decisions, reviewer="A", at=at)
    graph = Graph().parse(decisions)
    assert (ck("iranian-delegation"), OWL.sameAs, ck("iran")) in graph
    assert (ck("iran"), SKOS.altLabel, Literal("Iranian delegation", lang="en")) in graph
    assert len(set(graph.subjects(RDF.type, CKG.MatchDecision))) == 2
    code, out = run("validate", "--add", str(decisions))
    assert code == 0, out
