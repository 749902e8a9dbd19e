"""`kg import atop`: ATOP's directed dyad-years read into one alliance claim per unordered
pair and span of consecutive years with the same obligations, the obligations as kinds of
alliance, open at the end of coverage when still in force in 2018.

The excerpt (tests/fixtures/atop, cited in its README) holds 108 real rows of three pairs;
the claims expected from it are read off those rows by hand, below. The whole file in
../shared/data/atop is imported once, into a store as an analyst would, and its answers are
checked against what independent code computes from the raw CSV.
"""

from __future__ import annotations

import csv
import os
from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from kg import reports, resources
from kg.cli import cli
from kg.errors import BadImport
from kg.graph import KnowledgeGraph, StoreSpec
from kg.importers import ImportResult
from kg.importers.atop import import_atop, read_atop
from kg.importers.resolve import ActorIndex
from kg.loading import load_store
from kg.queries import NamedQuery
from kg.vocab import CKG

TESTS = Path(__file__).resolve().parent
FIXTURES = TESTS / "fixtures" / "atop"
EXCERPT = FIXTURES / "atop-excerpt.csv"
STATES = FIXTURES / "cow-states-excerpt.csv"
ATOP_DIR = TESTS.parent.parent / "shared" / "data" / "atop"
CK = "https://w3id.org/conflict-kg/id/"
ATOP = URIRef(CK + "atop-5-1")
XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")
HEADER = "ccode1,ccode2,year,atop_defense,atop_offense,atop_neutral,atop_nonagg,atop_consul\n"
ONTOLOGY = "https://w3id.org/conflict-kg/ontology#"
PARTY = URIRef(ONTOLOGY + "party")  # the role of both sides of an alliance claim
DEFENCE, OFFENCE, NEUTRALITY, NONAGG, CONSULT = (
    URIRef(ONTOLOGY + name)
    for name in (
        "DefencePact",
        "OffencePact",
        "NeutralityPact",
        "NonAggressionPact",
        "ConsultationPact",
    )
)
FLAG_KINDS = {
    "atop_defense": DEFENCE,
    "atop_offense": OFFENCE,
    "atop_neutral": NEUTRALITY,
    "atop_nonagg": NONAGG,
    "atop_consul": CONSULT,
}


def ck(name: str) -> URIRef:
    return URIRef(CK + name)


# --- the excerpt --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def excerpt(tmp_path_factory: pytest.TempPathFactory) -> tuple[Graph, ImportResult]:
    out = tmp_path_factory.mktemp("atop") / "atop.ttl"
    result = import_atop(EXCERPT, out, states=STATES)
    return Graph().parse(out), result


def claims_of(graph: Graph) -> dict[str, URIRef]:
    return {
        str(graph.value(c, CKG.recordId)): c for c in graph.subjects(RDF.type, CKG.AllianceClaim)
    }


# Read off the rows: both directions of a pair are one claim; a gap (2-20, 1946-1948) or a
# change of obligations starts another; the kinds are those flagged on either row.
EXPECTED = {
    "2-20-1942-1945": ({"united-states", "canada"}, {DEFENCE, OFFENCE}, False),
    "2-20-1949-1952": ({"united-states", "canada"}, {DEFENCE, NONAGG, CONSULT}, False),
    "200-235-1834-1839": ({"united-kingdom", "portugal"}, {DEFENCE, CONSULT}, False),
    "200-235-1847-1847": ({"united-kingdom", "portugal"}, {DEFENCE}, False),
    "365-652-1980-2018": ({"russia", "syria"}, {NONAGG, CONSULT}, True),
}


def test_one_claim_per_pair_and_span(excerpt: tuple[Graph, ImportResult]) -> None:
    graph, result = excerpt
    assert result.rows == 108 and result.claims == 5 and result.written
    found = claims_of(graph)
    assert set(found) == set(EXPECTED)
    for record, (parties, kinds, open_end) in EXPECTED.items():
        claim = found[record]
        low, high, start, end = record.split("-")
        assert claim == ck(f"atop-5-1-{low}-{high}-{start}")
        assert set(graph.objects(claim, PARTY)) == {ck(p) for p in parties}, record
        assert set(graph.objects(claim, CKG.allianceKind)) == kinds, record
        assert graph.value(claim, CKG.start) == Literal(f"{start}-01-01", datatype=XSD_DATE)
        assert graph.value(claim, CKG.end) == Literal(f"{end}-01-01", datatype=XSD_DATE)
        assert graph.value(claim, CKG.source) == ATOP
        opened = graph.value(claim, CKG.openAtCoverageEnd)
        assert (opened == Literal(True)) is open_end, record


def test_quote_renders_the_rows(excerpt: tuple[Graph, ImportResult]) -> None:
    graph, _ = excerpt
    found = claims_of(graph)
    assert str(graph.value(found["200-235-1834-1839"], CKG.quote)) == (
        "1834–1839: United Kingdom and Portugal, allied (ATOP 5.1, COW 200 and 235): "
        "consultation; defence on the row of United Kingdom to Portugal only"
    )
    assert str(graph.value(found["365-652-1980-2018"], CKG.quote)) == (
        "1980–2018: Russia and Syria, allied (ATOP 5.1, COW 365 and 652): non-aggression and "
        "consultation; still in force in 2018, the last year ATOP 5.1 covers"
    )


def test_the_dataset_and_its_coverage(excerpt: tuple[Graph, ImportResult]) -> None:
    graph, _ = excerpt
    assert (ATOP, RDF.type, CKG.Dataset) in graph
    assert graph.value(ATOP, CKG.coverageStart) == Literal(1815)
    assert graph.value(ATOP, CKG.coverageEnd) == Literal(2018)
    assert "Leeds, Brett Ashley" in str(graph.value(ATOP, DCTERMS.bibliographicCitation))


def test_importing_again_adds_nothing_with_a_state_list_or_without(tmp_path: Path) -> None:
    out = tmp_path / "atop.ttl"
    first = import_atop(EXCERPT, out, states=STATES)
    again = import_atop(EXCERPT, out)  # the crosswalk knows these six codes
    assert first.triples_added > 0
    assert (again.triples_added, again.triples_removed) == (0, 0)


# --- codes the crosswalk lacks, and bad rows ----------------------------------------------


def test_a_state_list_names_a_code_the_crosswalk_lacks(tmp_path: Path) -> None:
    table = tmp_path / "atop.csv"
    table.write_text(HEADER + "2,999,2001,1,0,0,0,0\n999,2,2001,1,0,0,0,0\n", encoding="utf-8")
    states = tmp_path / "states.csv"
    states.write_text("ccode,stateabb,statenme\n999,FRE,Freedonia\n", encoding="utf-8")
    out = tmp_path / "out.ttl"
    result = import_atop(table, out, states=states)
    graph = Graph().parse(out)
    added = ck("cow-state-999")
    assert (str(added), "Freedonia") in result.new_actors
    assert (added, RDF.type, CKG.State) in graph
    assert graph.value(added, RDFS.label) == Literal("Freedonia", lang="en")
    assert graph.value(added, CKG.cowCode) == Literal(999)
    (claim,) = graph.subjects(RDF.type, CKG.AllianceClaim)
    assert set(graph.objects(claim, PARTY)) == {ck("united-states"), added}


def test_a_code_no_list_names_is_refused_naming_row_and_column(
    tmp_path: Path, runner: CliRunner
) -> None:
    table = tmp_path / "atop.csv"
    table.write_text(HEADER + "2,999,2001,1,0,0,0,0\n", encoding="utf-8")
    out = tmp_path / "out.ttl"
    done = runner.invoke(cli, ["import", "atop", str(table), "-o", str(out)])
    assert done.exit_code == 8
    assert done.output == (
        f"Error: {table}, row 2, column ccode2: COW code 999 is neither in the crosswalk of "
        "states (give a COW state list: --states cow-states.csv)\n"
    )
    assert not out.exists()


@pytest.fixture(scope="module")
def bundled_kg() -> KnowledgeGraph:
    """The bundled data in memory: the graph a reader resolves its codes in."""
    return KnowledgeGraph.open()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("2,20,1950,2,0,0,0,0", "row 2, column atop_defense: '2' is not 0 or 1"),
        ("2,20,19x0,1,0,0,0,0", "row 2, column year: '19x0' is not a year"),
        ("2,20,2019,1,0,0,0,0", "row 2, column year: 2019 is outside the years"),
        ("2,2,1950,1,0,0,0,0", "row 2, column ccode2: is ccode1 (2)"),
        ("2,20,1950,1,0,0,0,0\n2,20,1950,0,0,0,0,1", "row 3: ccode1 2, ccode2 20 and year 1950"),
    ],
)
def test_bad_rows_are_refused(
    bundled_kg: KnowledgeGraph, tmp_path: Path, row: str, message: str
) -> None:
    table = tmp_path / "atop.csv"
    table.write_text(HEADER + row + "\n", encoding="utf-8")
    with pytest.raises(BadImport) as raised:
        read_atop(table, ActorIndex.read(bundled_kg))
    assert f"{table}, {message}" in str(raised.value)


def test_a_file_of_other_columns_is_refused(bundled_kg: KnowledgeGraph, tmp_path: Path) -> None:
    table = tmp_path / "other.csv"
    table.write_text("ccode1,ccode2,year\n2,20,1950\n", encoding="utf-8")
    with pytest.raises(BadImport, match="row 1, column atop_defense: the header has no such"):
        read_atop(table, ActorIndex.read(bundled_kg))


# --- the whole file -----------------------------------------------------------------------


def need_atop() -> Path:
    path = ATOP_DIR / "atop-5.1-ddy.csv"
    if not path.exists():
        message = f"{path} is not here (../shared/data/atop)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="module")
def whole(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[KnowledgeGraph, ImportResult]]:
    path = need_atop()
    spec = StoreSpec(folder=tmp_path_factory.mktemp("atop-whole") / "store")
    load_store(spec, [], bundled=True)
    result = import_atop(path, store=spec, states=ATOP_DIR / "cow-states.csv")
    kg = KnowledgeGraph.open(store=spec)
    yield kg, result
    kg.close()


def raw_years() -> dict[tuple[int, int], dict[int, dict[int, int]]]:
    """Pair (lower code first) -> year -> {ccode1 of the row: its flags as 5 bits}."""
    found: dict[tuple[int, int], dict[int, dict[int, int]]] = defaultdict(dict)
    with (ATOP_DIR / "atop-5.1-ddy.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            a, b, year = int(row["ccode1"]), int(row["ccode2"]), int(row["year"])
            flags = sum(int(row[c]) << i for i, c in enumerate(FLAG_KINDS))
            found[(min(a, b), max(a, b))].setdefault(year, {})[a] = flags
    return found


def bundled_cow_codes() -> dict[int, URIRef]:
    """The actor of each COW code, as the bundled crosswalk of states gives it."""
    states = Graph().parse(resources.bundled_dir("data") / "reference" / "states.ttl")
    return {int(code): URIRef(str(state)) for state, code in states.subject_objects(CKG.cowCode)}


def kinds_of(flags: int) -> set[URIRef]:
    return {kind for i, kind in enumerate(FLAG_KINDS.values()) if flags >> i & 1}


PARTNERS = NamedQuery(
    "atop-partners",
    "The ATOP alliance claims of an actor, with the other party, years, kinds and flag.",
    """
    PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>
    SELECT ?claim ?ally ?start ?end ?kind ?open WHERE {
        ?claim a ckg:AllianceClaim ; ckg:source ?source ; ckg:party ?actor, ?ally ;
               ckg:start ?start ; ckg:end ?end .
        FILTER(?ally != ?actor)
        OPTIONAL { ?claim ckg:allianceKind ?kind }
        OPTIONAL { ?claim ckg:openAtCoverageEnd ?open }
    }
    """,
)


ENDS = NamedQuery(
    "atop-ends",
    "The end of each claim of a source, and whether it is open at the end of coverage.",
    """
    PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>
    SELECT ?claim ?end ?open WHERE {
        ?claim ckg:source ?source ; ckg:end ?end .
        OPTIONAL { ?claim ckg:openAtCoverageEnd ?open }
    }
    """,
)


def test_whole_file_claims_are_the_spans_of_the_rows(
    whole: tuple[KnowledgeGraph, ImportResult],
) -> None:
    _, result = whole
    pairs = raw_years()
    spans = 0
    for years in pairs.values():
        last: tuple[int, tuple[tuple[int, int], ...]] | None = None
        for year in sorted(years):
            rows = tuple(sorted(years[year].items()))
            if last is None or last != (year - 1, rows):
                spans += 1
            last = (year, rows)
    assert result.rows == 273_296
    assert result.claims == spans


def test_whole_file_allies_of_russia_in_2010(whole: tuple[KnowledgeGraph, ImportResult]) -> None:
    kg, _ = whole
    codes = bundled_cow_codes()
    russia = codes[365]
    expected: dict[URIRef, set[URIRef]] = {}
    for (low, high), years in raw_years().items():
        if 365 in (low, high) and 2010 in years:
            other = high if low == 365 else low
            flags = 0
            for row_flags in years[2010].values():
                flags |= row_flags
            expected[codes[other]] = kinds_of(flags)
    assert len(expected) == 88
    # The report an analyst reads:
    report = reports.allies(kg, str(russia), as_of=date(2010, 6, 30)).to_records()
    assert {URIRef(r["ally"]) for r in report} >= set(expected)
    # The claims whose period covers 2010, with their kinds:
    kinds: dict[URIRef, set[URIRef]] = defaultdict(set)
    rows = kg.select(PARTNERS, {"actor": russia, "source": ATOP}).rows
    for row in rows:
        start, end = row["start"].toPython(), row["end"].toPython()
        if start.year <= 2010 <= end.year:
            kinds[URIRef(str(row["ally"]))].add(URIRef(str(row["kind"])))
    assert dict(kinds) == expected


def test_whole_file_no_alliance_ends_in_2018(whole: tuple[KnowledgeGraph, ImportResult]) -> None:
    kg, _ = whole
    in_2018 = sum(1 for years in raw_years().values() if 2018 in years)
    ending, flagged = set(), set()
    for row in kg.select(ENDS, {"source": ATOP}).rows:
        if row["end"].toPython().year == 2018:
            ending.add(row["claim"])
        if row["open"] is not None and row["open"].toPython() is True:
            flagged.add(row["claim"])
    assert ending == flagged
    assert len(ending) == in_2018
