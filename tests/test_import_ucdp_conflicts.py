"""`kg import ucdp-conflicts`: the UCDP Dyadic Dataset (and the UCDP/PRIO Armed Conflict
Dataset) read into opposition claims per dyad and span of active years, troop-support claims
for the secondary warring parties, conflicts and dyads, validated and written all or nothing.

The excerpts in tests/fixtures/ucdp-conflicts/ (cited in its README) hold every row of seven
dyads and of their conflicts; the whole files are in ../shared/data/ucdp-conflicts (CI has
them: there a missing file fails the test). Every expected answer is computed from the CSV
rows by the code of this file, not by the importer's.
"""

from __future__ import annotations

import csv
import json
import os
from collections import defaultdict
from itertools import groupby
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.term import Node

from kg.cli_import import import_group
from kg.errors import BadImport
from kg.graph import KnowledgeGraph
from kg.importers import ImportResult, import_esd
from kg.importers.resolve import ActorIndex
from kg.importers.ucdp_conflicts import import_ucdp_conflicts, read_ucdp_conflicts
from kg.vocab import CKG

TESTS = Path(__file__).resolve().parent
FIXTURES = TESTS / "fixtures" / "ucdp-conflicts"
DYADIC = FIXTURES / "dyadic-excerpt.csv"
ACD = FIXTURES / "acd-excerpt.csv"
DATA = TESTS.parents[1] / "shared" / "data" / "ucdp-conflicts"
CK = "https://w3id.org/conflict-kg/id/"
ONT = "https://w3id.org/conflict-kg/ontology#"
PARTY = URIRef(ONT + "party")
SOURCE = URIRef(CK + "ucdp-dyadic-25-1")
LAST = 2024  # the last year release 25.1 covers


def ck(name: str) -> URIRef:
    return URIRef(CK + name)


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def runs(years: set[int]) -> list[tuple[int, int]]:
    """Consecutive years, grouped by year minus rank."""
    ordered = sorted(years)
    found = []
    for _key, group in groupby(enumerate(ordered), key=lambda pair: pair[1] - pair[0]):
        block = [year for _i, year in group]
        found.append((block[0], block[-1]))
    return found


def ids(cell: str) -> list[int]:
    return [int(part) for part in cell.replace(" ", "").split(",") if part]


def seconds(cell: str) -> list[str]:
    """The secondary parties of a cell: no name in these files holds a comma of its own."""
    return [part.strip() for part in cell.split(",") if part.strip()]


def expected_oppositions(rows: list[dict[str, str]]) -> dict[tuple[int, int, int], int]:
    """(dyad, first, last) of each span of active years, with the pairs of parties it gives."""
    years: dict[int, set[int]] = defaultdict(set)
    pairs: dict[int, int] = {}
    for row in rows:
        dyad = int(row["dyad_id"])
        years[dyad].add(int(row["year"]))
        pairs[dyad] = len(ids(row["side_a_id"])) * len(ids(row["side_b_id"]))
    return {(d, f, last): pairs[d] for d, ys in years.items() for f, last in runs(ys)}


def expected_troops(
    rows: list[dict[str, str]],
) -> dict[tuple[int, str, str], list[tuple[int, int]]]:
    """(dyad, side, name) of each secondary warring party, with its spans of years."""
    years: dict[tuple[int, str, str], set[int]] = defaultdict(set)
    for row in rows:
        for side in "ab":
            for name in seconds(row[f"side_{side}_2nd"]):
                years[int(row["dyad_id"]), side, name].add(int(row["year"]))
    return {key: runs(ys) for key, ys in years.items()}


def year_of(graph: Graph, node: Node, prop: URIRef) -> int:
    value = graph.value(node, prop)
    assert isinstance(value, Literal)
    return int(str(value)[:4])


def troop_name(quote: str) -> str:
    """The secondary party a troop claim's quote names: "2015-2024: NAME fought beside ..."."""
    return quote.split(": ", 1)[1].split(" fought beside ", 1)[0]


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ImportResult]:
    out = tmp_path_factory.mktemp("ucdp") / "ucdp.ttl"
    return out, import_ucdp_conflicts(DYADIC, ACD, out)


@pytest.fixture(scope="module")
def graph(imported: tuple[Path, ImportResult]) -> Graph:
    return Graph().parse(imported[0])


def claims(graph: Graph, kind: URIRef, dyad: int) -> dict[tuple[int, int], list[Node]]:
    found: dict[tuple[int, int], list[Node]] = defaultdict(list)
    for node in graph.subjects(CKG.dyad, ck(f"ucdp-dyad-{dyad}")):
        if (node, RDF.type, kind) in graph:
            found[year_of(graph, node, CKG.start), year_of(graph, node, CKG.end)].append(node)
    return found


# --- the excerpt ---------------------------------------------------------------------------


def test_counts_follow_the_rows(imported: tuple[Path, ImportResult]) -> None:
    rows = read_rows(DYADIC)
    oppositions = sum(expected_oppositions(rows).values())
    troops = expected_troops(rows)
    spans = 0
    for (dyad, side, _name), found in troops.items():
        side_ids = next(r[f"side_{side}_id"] for r in rows if int(r["dyad_id"]) == dyad)
        spans += len(found) * len(ids(side_ids))
    result = imported[1]
    assert result.rows == len(rows) + len(read_rows(ACD)) == 87
    assert result.claims == oppositions + spans
    assert result.written and result.triples_added == result.triples_in_store > 0


def test_the_syria_dyad_is_one_opposition_claim_open_at_the_end(graph: Graph) -> None:
    found = claims(graph, CKG.OppositionClaim, 11973)
    assert list(found) == [(2011, 2024)]  # rows of 2011 to 2024, every year active
    claim = found[2011, 2024][0]
    assert set(graph.objects(claim, PARTY)) == {
        ck("syrian-government"),
        ck("syrian-armed-opposition"),
    }
    assert graph.value(claim, CKG.intensity) == URIRef(ONT + "WarIntensity")
    assert graph.value(claim, CKG.openAtCoverageEnd) == Literal(True)
    assert graph.value(claim, CKG.conflict) == ck("ucdp-conflict-299")
    assert graph.value(claim, CKG.location) == Literal("Syria")
    assert graph.value(claim, CKG.locationState) == ck("syria")  # gwno_loc 652: the state
    assert graph.value(claim, CKG.source) == SOURCE


def test_iran_and_russia_beside_the_government_turkey_beside_the_insurgents(
    graph: Graph,
) -> None:
    found = claims(graph, CKG.SupportClaim, 11973)
    got = {
        (span, troop_name(str(graph.value(c, CKG.quote))), graph.value(c, CKG.recipient))
        for span, nodes in found.items()
        for c in nodes
    }
    # UCDP's 118 and 4456, merged by the alias table into the data's actors:
    government, insurgents = ck("syrian-government"), ck("syrian-armed-opposition")
    assert got == {
        ((2015, 2024), "Government of Iran", government),
        ((2015, 2024), "Government of Russia (Soviet Union)", government),
        ((2020, 2024), "Government of Turkey", insurgents),
    }
    for nodes in found.values():
        for claim in nodes:
            assert graph.value(claim, CKG.supportKind) == URIRef(ONT + "TroopsSupport")
            assert graph.value(claim, CKG.openAtCoverageEnd) == Literal(True)
            recipient = graph.value(claim, CKG.recipient)
            assert graph.value(claim, CKG.against) == (
                insurgents if recipient == government else government
            )


def test_a_dyad_that_skips_years_gives_a_claim_per_span(graph: Graph) -> None:
    rows = [r for r in read_rows(DYADIC) if r["dyad_id"] == "11377"]
    expected = runs({int(r["year"]) for r in rows})
    assert len(expected) == 3
    found = claims(graph, CKG.OppositionClaim, 11377)
    assert sorted(found) == expected
    for (first, last), nodes in found.items():
        levels = {int(r["intensity_level"]) for r in rows if first <= int(r["year"]) <= last}
        highest = "WarIntensity" if max(levels) == 2 else "MinorIntensity"
        assert graph.value(nodes[0], CKG.intensity) == URIRef(ONT + highest)
        assert (nodes[0], CKG.openAtCoverageEnd, None) not in graph  # 2022 is the last


def test_every_secondary_party_and_span_is_a_troop_claim(graph: Graph) -> None:
    rows = read_rows(DYADIC)
    expected = {
        (dyad, name, span)
        for (dyad, _side, name), spans in expected_troops(rows).items()
        if dyad not in (454, 883)  # coalition sides: one claim per recipient (below)
        for span in spans
    }
    got = set()
    for dyad in {d for d, _n, _s in expected}:
        for span, nodes in claims(graph, CKG.SupportClaim, dyad).items():
            for node in nodes:
                got.add((dyad, troop_name(str(graph.value(node, CKG.quote))), span))
    assert got == expected
    # Malawi is beside the government of DR Congo in 2014, 2017-2020 and 2022 (dyad 11377):
    assert sorted(s for d, n, s in got if (d, n) == (11377, "Government of Malawi")) == [
        (2014, 2014),
        (2017, 2020),
        (2022, 2022),
    ]


def test_a_coalition_side_gives_one_claim_per_pair(graph: Graph) -> None:
    row = next(r for r in read_rows(DYADIC) if r["dyad_id"] == "883")
    side_a = ids(row["side_a_id"])
    assert len(side_a) == 3
    found = claims(graph, CKG.OppositionClaim, 883)
    assert list(found) == [(2003, 2003)] and len(found[2003, 2003]) == 3
    dyad = ck("ucdp-dyad-883")
    assert len(set(graph.objects(dyad, CKG.sideA))) == 3
    assert len(set(graph.objects(dyad, CKG.sideB))) == 1
    # side_b_2nd of 2003: none; side_a_2nd: none either: no troop claim for this dyad
    assert not claims(graph, CKG.SupportClaim, 883)


def test_conflicts_come_from_the_acd_with_intensity_by_year(graph: Graph) -> None:
    acd = [r for r in read_rows(ACD) if r["conflict_id"] == "299"]
    conflict = ck("ucdp-conflict-299")
    assert (conflict, RDF.type, CKG.ArmedConflict) in graph
    assert str(graph.value(conflict, RDFS.label)) == "Syria: Government"
    assert graph.value(conflict, CKG.ucdpConflictId) == Literal(299)
    assert graph.value(conflict, CKG.incompatibility) == URIRef(ONT + "GovernmentIncompatibility")
    assert set(graph.objects(conflict, CKG.locationState)) == {ck("syria")}
    coalition = set(graph.objects(ck("ucdp-conflict-420"), CKG.locationState))
    assert coalition == {ck(s) for s in ("australia", "iraq", "united-kingdom", "united-states")}
    last = max(acd, key=lambda r: int(r["year"]))
    assert last["type_of_conflict"] == "4"
    assert graph.value(conflict, CKG.conflictType) == URIRef(
        ONT + "InternationalisedIntrastateConflict"
    )
    years = {
        year_of(graph, node, CKG.year): graph.value(node, CKG.intensity)
        for node in graph.objects(conflict, CKG.conflictYear)
    }
    names = {"1": "MinorIntensity", "2": "WarIntensity"}
    assert years == {int(r["year"]): URIRef(ONT + names[r["intensity_level"]]) for r in acd}
    dyad = ck("ucdp-dyad-11973")
    assert graph.value(dyad, CKG.inConflict) == conflict
    assert graph.value(dyad, CKG.ucdpDyadId) == Literal(11973)
    assert len(set(graph.objects(dyad, CKG.conflictYear))) == 14


def test_the_sources_record_their_coverage(graph: Graph) -> None:
    assert graph.value(SOURCE, CKG.coverageStart) == Literal(1946)
    assert graph.value(SOURCE, CKG.coverageEnd) == Literal(LAST)
    acd = ck("ucdp-prio-acd-25-1")
    assert graph.value(acd, CKG.coverageEnd) == Literal(LAST)


def test_the_cli_without_the_acd_takes_the_conflicts_from_the_dyads(tmp_path: Path) -> None:
    out = tmp_path / "u.nt"
    result = CliRunner().invoke(
        import_group, ["ucdp-conflicts", str(DYADIC), "-o", str(out), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert (body["rows"], body["written"]) == (37, True)
    g = Graph().parse(out)
    conflict = ck("ucdp-conflict-299")
    assert str(g.value(conflict, RDFS.label)) == "Syria: Government"
    assert (conflict, CKG.conflictYear, None) not in g  # intensity by year is the ACD's
    assert (ck("ucdp-prio-acd-25-1"), None, None) not in g


def test_importing_again_adds_nothing(imported: tuple[Path, ImportResult], tmp_path: Path) -> None:
    out = tmp_path / "again.ttl"
    out.write_bytes(imported[0].read_bytes())
    again = import_ucdp_conflicts(DYADIC, ACD, out)
    assert (again.triples_added, again.written) == (0, False)


def test_esd_and_ucdp_share_conflicts_dyads_and_actors(tmp_path: Path) -> None:
    out = tmp_path / "both.ttl"
    import_esd(TESTS / "data" / "esd-excerpt.csv", out)
    result = import_ucdp_conflicts(DYADIC, ACD, out)
    assert result.written  # the two conform together
    g = Graph().parse(out)
    dyad = ck("ucdp-dyad-11973")
    sources = {g.value(c, CKG.source) for c in g.subjects(CKG.dyad, dyad)}
    assert sources == {SOURCE, ck("ucdp-esd-18-1")}
    assert set(g.objects(dyad, CKG.sideA)) == {ck("syrian-government")}  # one, from both
    oppositions = {
        g.value(c, CKG.source)
        for c in g.subjects(RDF.type, CKG.OppositionClaim)
        if (c, CKG.dyad, dyad) in g
    }
    assert oppositions == {SOURCE, ck("ucdp-esd-18-1")}  # each kept, with its source


# --- bad files -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def index(astana_graph: KnowledgeGraph) -> ActorIndex:
    return ActorIndex.read(astana_graph)


@pytest.mark.parametrize(
    ("file", "old", "new", "says"),
    [
        ("dyadic", ",2015,2,4,", ",2O15,2,4,", "column year: '2O15' is not a whole number"),
        ("dyadic", ",2015,2,4,", ",2015,3,4,", "column intensity_level: 3 is no code"),
        ("dyadic", '"365, 630"', '"365"', "column gwno_a_2nd: gives 1 code(s) for the 2"),
        ("dyadic", ",118,", ",118x,", "column side_a_id: '118x' is not a whole number"),
        ("acd", ",2015,2,1,4,", ",2015,2,1,9,", "column type_of_conflict: 9 is no code"),
    ],
)
def test_a_bad_cell_is_refused_naming_file_row_column_and_value(
    tmp_path: Path, index: ActorIndex, file: str, old: str, new: str, says: str
) -> None:
    dyadic, acd = tmp_path / "dyadic.csv", tmp_path / "acd.csv"
    dyadic.write_text(DYADIC.read_text(encoding="utf-8"), encoding="utf-8")
    acd.write_text(ACD.read_text(encoding="utf-8"), encoding="utf-8")
    bad = dyadic if file == "dyadic" else acd
    text = bad.read_text(encoding="utf-8")
    line = next(n for n, t in enumerate(text.splitlines(), 1) if old in t)
    bad.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(BadImport) as refused:
        read_ucdp_conflicts(dyadic, index, acd)
    message = str(refused.value)
    assert message.startswith(f"{bad}, row {line}, ") and says in message
    assert "; " not in message  # one cell, one problem


def test_the_cli_refuses_a_file_without_a_column_with_exit_code_8(tmp_path: Path) -> None:
    dyadic = tmp_path / "dyadic.csv"
    dyadic.write_text(DYADIC.read_text(encoding="utf-8").replace("dyad_id,", "dyad,", 1))
    out = tmp_path / "out.ttl"
    result = CliRunner().invoke(import_group, ["ucdp-conflicts", str(dyadic), "-o", str(out)])
    assert result.exit_code == 8, result.output
    assert result.output == (
        f"Error: {dyadic}, row 1, column dyad_id: the header has no such column (is this the "
        "UCDP Dyadic Dataset?)\n"
    )
    assert not out.exists()


# --- the whole files -----------------------------------------------------------------------


def need(path: Path) -> Path:
    if not path.exists():
        message = f"{path} is missing (the UCDP Dyadic and ACD 25.1 files)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="module")
def whole(tmp_path_factory: pytest.TempPathFactory) -> tuple[ox.Store, list[dict[str, str]]]:
    dyadic = need(DATA / "ucdp-dyadic-251.csv")
    acd = need(DATA / "ucdp-prio-acd-251.csv")
    out = tmp_path_factory.mktemp("ucdp-whole") / "ucdp.nt"
    import_ucdp_conflicts(dyadic, acd, out)
    store = ox.Store()
    store.bulk_load(path=str(out), format=ox.RdfFormat.N_TRIPLES)
    return store, read_rows(dyadic)


def select(store: ox.Store, query: str) -> list[tuple[str, ...]]:
    prefixes = f"PREFIX ckg: <{ONT}>\nPREFIX ck: <{CK}>\n"
    solutions = store.query(prefixes + query)
    assert isinstance(solutions, ox.QuerySolutions)
    return [
        tuple(term.value if term is not None else "" for term in solution) for solution in solutions
    ]


def test_whole_syria_secondary_parties_per_year(
    whole: tuple[ox.Store, list[dict[str, str]]],
) -> None:
    store, rows = whole
    expected = {
        (int(r["year"]), side, name)
        for r in rows
        if r["dyad_id"] == "11973"
        for side in "ab"
        for name in seconds(r[f"side_{side}_2nd"])
    }
    found = select(
        store,
        """SELECT ?quote ?start ?end ?recipient WHERE {
            ?c a ckg:SupportClaim ; ckg:dyad ck:ucdp-dyad-11973 ; ckg:quote ?quote ;
               ckg:start ?start ; ckg:end ?end ; ckg:recipient ?recipient }""",
    )
    side_a = select(store, "SELECT ?a WHERE { ck:ucdp-dyad-11973 ckg:sideA ?a }")[0][0]
    got = {
        (year, "a" if recipient == side_a else "b", troop_name(quote))
        for quote, start, end, recipient in found
        for year in range(int(start[:4]), int(end[:4]) + 1)
    }
    assert got == expected
    assert {(y, n) for y, s, n in expected if y == 2016} == {
        (2016, "Government of Iran"),
        (2016, "Government of Russia (Soviet Union)"),
    }


def test_whole_the_dyads_of_conflict_299_and_their_spans(
    whole: tuple[ox.Store, list[dict[str, str]]],
) -> None:
    store, rows = whole
    years: dict[int, set[int]] = defaultdict(set)
    for row in rows:
        if row["conflict_id"] == "299":
            years[int(row["dyad_id"])].add(int(row["year"]))
    expected = {(dyad, span) for dyad, ys in years.items() for span in runs(ys)}
    found = select(
        store,
        """SELECT ?id ?start ?end WHERE {
            ?d ckg:inConflict ck:ucdp-conflict-299 ; ckg:ucdpDyadId ?id .
            ?c a ckg:OppositionClaim ; ckg:dyad ?d ; ckg:start ?start ; ckg:end ?end }""",
    )
    got = {(int(i), (int(s[:4]), int(e[:4]))) for i, s, e in found}
    assert got == expected


def test_whole_every_span_is_a_claim_and_open_only_at_the_end(
    whole: tuple[ox.Store, list[dict[str, str]]],
) -> None:
    store, rows = whole
    expected = expected_oppositions(rows)
    found = select(
        store,
        """SELECT ?id ?start ?end (COUNT(?c) AS ?n) (SAMPLE(?open) AS ?o) WHERE {
            ?c a ckg:OppositionClaim ; ckg:dyad ?d ; ckg:start ?start ; ckg:end ?end .
            ?d ckg:ucdpDyadId ?id .
            OPTIONAL { ?c ckg:openAtCoverageEnd ?open } }
           GROUP BY ?id ?start ?end""",
    )
    got = {(int(i), int(s[:4]), int(e[:4])): int(n) for i, s, e, n, _o in found}
    assert got == expected
    assert {(int(e[:4]) == LAST) == (o == "true") for _i, _s, e, _n, o in found} == {True}
