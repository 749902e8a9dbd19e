"""`kg import ucdp-esd` keeps each row's conflict, dyad and location, records the dataset's
coverage, and turns the warring pairs (recipient against opponent) into opposition claims:
one per pair and span of consecutive active years, so that camps and balance see who fights
whom.

The excerpt is tests/data/esd-excerpt.csv (118 rows of ESD 18.1, cited in its README); the
whole file is ../shared/data/ucdp-esd (CI has it: there a missing file fails the test).
Every expected answer is computed from the CSV rows by the code of this file.
"""

from __future__ import annotations

import csv
import os
from collections import defaultdict
from datetime import date
from itertools import groupby
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import BadImport
from kg.graph import KnowledgeGraph
from kg.importers import ImportResult, import_esd
from kg.metrics import camps
from kg.network import project, signed_graph
from kg.vocab import CKG

TESTS = Path(__file__).resolve().parent
EXCERPT = TESTS / "data" / "esd-excerpt.csv"
WHOLE = TESTS.parents[1] / "shared" / "data" / "ucdp-esd" / "ucdp-esd-ty-181.csv"
CK = "https://w3id.org/conflict-kg/id/"
ONT = "https://w3id.org/conflict-kg/ontology#"
ESD = URIRef(CK + "ucdp-esd-18-1")
PARTY = URIRef(ONT + "party")


def ck(name: str) -> URIRef:
    return URIRef(CK + name)


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def number(cell: str) -> int:
    return int(float(cell))


def runs(years: set[int]) -> list[tuple[int, int]]:
    """Consecutive years, grouped by year minus rank."""
    ordered = sorted(years)
    found = []
    for _key, group in groupby(enumerate(ordered), key=lambda pair: pair[1] - pair[0]):
        block = [year for _i, year in group]
        found.append((block[0], block[-1]))
    return found


def expected_fights(rows: list[dict[str, str]]) -> set[tuple[int, int, int]]:
    """(dyad, first, last) of each span of the years a dyad was active (``active`` 1)."""
    years: dict[int, set[int]] = defaultdict(set)
    for row in rows:
        if row["active"].strip() == "1":
            years[number(row["dyad_id"])].add(int(row["year"]))
    return {(dyad, first, last) for dyad, ys in years.items() for first, last in runs(ys)}


def place(conflict_name: str) -> str:
    """ESD names a conflict "Iran: Kurdistan" or "India - Pakistan": the place before the
    colon, the states of a " - " list."""
    before = " ".join(conflict_name.split()).partition(":")[0]
    return ", ".join(before.split(" - "))


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ImportResult]:
    store = tmp_path_factory.mktemp("esd-conflicts") / "esd.ttl"
    return store, import_esd(EXCERPT, store)


@pytest.fixture(scope="module")
def graph(imported: tuple[Path, ImportResult]) -> Graph:
    return Graph().parse(imported[0])


def year_of(graph: Graph, node: Node, prop: URIRef) -> int:
    return int(str(graph.value(node, prop))[:4])


# --- the excerpt ---------------------------------------------------------------------------


def test_every_row_keeps_its_conflict_dyad_and_location(graph: Graph) -> None:
    rows = read_rows(EXCERPT)
    for row in rows:
        node = ck(f"ucdp-esd-18-1-row-{row['id']}")
        assert graph.value(node, CKG.conflict) == ck(f"ucdp-conflict-{number(row['conflict_id'])}")
        assert graph.value(node, CKG.dyad) == ck(f"ucdp-dyad-{number(row['dyad_id'])}")
        assert graph.value(node, CKG.location) == Literal(place(row["location"]))
    kinds = {graph.value(ck(f"ucdp-esd-18-1-row-{r['id']}"), RDF.type) for r in rows}
    assert kinds == {CKG.SupportClaim, CKG.NoKnownSupport}  # both kinds of row


def test_conflicts_and_dyads_are_named_as_esd_names_them(graph: Graph) -> None:
    conflict = ck("ucdp-conflict-299")
    assert (conflict, RDF.type, CKG.ArmedConflict) in graph
    assert str(graph.value(conflict, RDFS.label)) == "Syria: Government"
    assert graph.value(conflict, CKG.ucdpConflictId) == Literal(299)
    assert graph.value(conflict, CKG.location) == Literal("Syria")
    interstate = ck("ucdp-conflict-420")
    assert graph.value(interstate, CKG.location) == Literal(
        "Australia, United Kingdom, United States, Iraq"
    )
    dyad = ck("ucdp-dyad-11973")
    assert str(graph.value(dyad, RDFS.label)) == "Government of Syria - Syrian insurgents"
    assert graph.value(dyad, CKG.ucdpDyadId) == Literal(11973)
    # Side A is the one the dyad's name gives first, whichever is the recipient of a row.
    assert graph.value(dyad, CKG.sideA) == ck("syrian-government")
    assert graph.value(dyad, CKG.sideB) == ck("syrian-armed-opposition")
    names = {str(graph.value(d, RDFS.label)) for d in graph.subjects(RDF.type, CKG.Dyad)}
    assert names == {" ".join(r["dyad_name"].split()) for r in read_rows(EXCERPT)}


def test_warring_pairs_become_opposition_claims_per_span(
    graph: Graph, imported: tuple[Path, ImportResult]
) -> None:
    expected = expected_fights(read_rows(EXCERPT))
    found = set()
    for claim in graph.subjects(RDF.type, CKG.OppositionClaim):
        assert graph.value(claim, CKG.source) == ESD
        assert len(set(graph.objects(claim, PARTY))) == 2
        dyad = graph.value(claim, CKG.dyad)
        dyad_id = int(str(graph.value(dyad, CKG.ucdpDyadId)))
        found.add((dyad_id, year_of(graph, claim, CKG.start), year_of(graph, claim, CKG.end)))
    assert found == expected
    assert len(expected) == 22  # test_import_esd.py counts them among the claims
    support = sum(1 for _ in graph.subjects(RDF.type, CKG.SupportClaim))
    assert imported[1].claims == support + len(expected)
    syria = ck("ucdp-esd-18-1-dyad-11973-2011")
    assert set(graph.objects(syria, PARTY)) == {
        ck("syrian-government"),
        ck("syrian-armed-opposition"),
    }
    assert (year_of(graph, syria, CKG.start), year_of(graph, syria, CKG.end)) == (2011, 2017)


def test_coverage_ends_in_2017_and_its_claims_are_open(graph: Graph) -> None:
    assert graph.value(ESD, CKG.coverageStart) == Literal(1975)
    assert graph.value(ESD, CKG.coverageEnd) == Literal(2017)
    for claim in graph.subjects(CKG.source, ESD):
        last = year_of(graph, claim, CKG.end)
        is_open = graph.value(claim, CKG.openAtCoverageEnd) == Literal(True)
        assert is_open == (last == 2017), claim
    assert (ck("ucdp-esd-18-1-row-9096"), CKG.openAtCoverageEnd, Literal(True)) in graph


def test_camps_now_see_who_fights_whom(imported: tuple[Path, ImportResult]) -> None:
    kg = KnowledgeGraph.open([imported[0]])  # the ESD alone, without the bundled data
    signed = signed_graph(project(kg, as_of=date(2017, 6, 30)))
    hostile = {(u, v) for u, v, d in signed.edges(data=True) if d["sign"] < 0}
    government, insurgents = CK + "syrian-government", CK + "syrian-armed-opposition"
    assert (government, insurgents) in hostile or (insurgents, government) in hostile
    _found, camp_of, _frustration = camps(signed)
    assert camp_of[government] != camp_of[insurgents]
    assert camp_of[CK + "russia"] == camp_of[government]


def test_a_file_without_the_conflict_columns_still_imports(tmp_path: Path) -> None:
    rows = read_rows(EXCERPT)
    dropped = ["dyad_id", "dyad_name", "conflict_id", "location", "active"]
    slim = tmp_path / "slim.csv"
    with slim.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, [c for c in rows[0] if c not in dropped])
        writer.writeheader()
        writer.writerows({k: v for k, v in r.items() if k not in dropped} for r in rows)
    store = tmp_path / "slim.ttl"
    result = import_esd(slim, store)
    g = Graph().parse(store)
    assert (None, CKG.conflict, None) not in g and (None, RDF.type, CKG.Dyad) not in g
    pairs = {frozenset((number(r["actor_id"]), number(r["oppo_id"]))) for r in rows}
    oppositions = set(g.subjects(RDF.type, CKG.OppositionClaim))
    assert result.claims == sum(r["ext_sup"] == "1" for r in rows) + len(oppositions)
    assert len(oppositions) >= len(pairs)  # every pair fights, in one span or more


def test_a_bad_conflict_id_is_refused_naming_row_column_and_value(tmp_path: Path) -> None:
    text = EXCERPT.read_text(encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text(text.replace(",205,Iran: Kurdistan,", ",2o5,Iran: Kurdistan,", 1))
    with pytest.raises(BadImport) as refused:
        import_esd(bad, tmp_path / "out.ttl")
    assert str(refused.value) == f"{bad}, row 2, column conflict_id: '2o5' is not a whole number"
    assert not (tmp_path / "out.ttl").exists()


# --- the whole file ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def whole(tmp_path_factory: pytest.TempPathFactory) -> tuple[ox.Store, list[dict[str, str]]]:
    if not WHOLE.exists():
        message = f"{WHOLE} is missing (the UCDP ESD 18.1 triad-year file)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    out = tmp_path_factory.mktemp("esd-whole") / "esd.nt"
    import_esd(WHOLE, out)
    store = ox.Store()
    store.bulk_load(path=str(out), format=ox.RdfFormat.N_TRIPLES)
    return store, read_rows(WHOLE)


def select(store: ox.Store, query: str) -> list[tuple[str, ...]]:
    solutions = store.query(f"PREFIX ckg: <{ONT}>\nPREFIX ck: <{CK}>\n" + query)
    assert isinstance(solutions, ox.QuerySolutions)
    return [tuple(t.value if t is not None else "" for t in s) for s in solutions]


def test_whole_every_row_keeps_its_conflict(
    whole: tuple[ox.Store, list[dict[str, str]]],
) -> None:
    store, rows = whole
    found = select(
        store,
        """SELECT ?id ?conflict WHERE {
            ?row ckg:recordId ?id ; ckg:conflict ?conflict }""",
    )
    got = {int(i): int(c.rsplit("-", 1)[1]) for i, c in found}
    assert len(got) == len(found) == len(rows)  # support claims and no-support records
    assert got == {number(r["id"]): number(r["conflict_id"]) for r in rows}


def test_whole_the_spans_of_every_dyad(whole: tuple[ox.Store, list[dict[str, str]]]) -> None:
    store, rows = whole
    found = select(
        store,
        """SELECT ?id ?start ?end WHERE {
            ?c a ckg:OppositionClaim ; ckg:source ck:ucdp-esd-18-1 ; ckg:dyad ?d ;
               ckg:start ?start ; ckg:end ?end .
            ?d ckg:ucdpDyadId ?id }""",
    )
    got = {(int(i), int(s[:4]), int(e[:4])) for i, s, e in found}
    assert len(got) == len(found)
    # A pair the alias table makes one actor opposes no one: none in ESD 18.1.
    assert got == expected_fights(rows)
    syria = {(f, last) for d, f, last in got if d == 11973}
    assert syria == {(2011, 2017)}
