"""`kg import ucdp-esd`: the ESD triad-year file as UCDP publishes it, read into support
claims (one per row and year), no-known-support records and typed actors, validated and
written all or nothing.

The fixture tests/data/esd-excerpt.csv holds 118 real rows of ESD 18.1 (every Syrian row from
2011 on, and rows for each quirk of the file; see esd-excerpt.README.md for the citation).
The expected answers below are read from the rows themselves (the Syria 2017 rows, ids
9096–9102 and 10423–10426), not from the tool.
"""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, PROV, SKOS

from kg import reports, resources
from kg.cli_import import import_group
from kg.errors import BadImport, InvalidData
from kg.graph import KnowledgeGraph
from kg.importers import ImportResult, import_esd
from kg.validation import validate
from kg.vocab import CKG

TESTS = Path(__file__).resolve().parent
EXCERPT = TESTS / "data" / "esd-excerpt.csv"
CK = "https://w3id.org/conflict-kg/id/"
ESD = URIRef(CK + "ucdp-esd-18-1")
FLAGS = ["ext_x", "ext_p", "ext_y", "ext_w", "ext_m", "ext_t", "ext_f", "ext_i", "ext_l"]
FLAGS += ["ext_o", "ext_u"]
UNIT_YEAR = URIRef("http://www.w3.org/2006/time#unitYear")
#: The opposition claims the excerpt gives besides its support claims.
OPPOSITION = 22


def ck(name: str) -> URIRef:
    return URIRef(CK + name)


def row_claim(row_id: int | str) -> URIRef:
    return ck(f"ucdp-esd-18-1-row-{row_id}")


def excerpt_rows() -> list[dict[str, str]]:
    with EXCERPT.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ImportResult]:
    store = tmp_path_factory.mktemp("esd") / "esd.ttl"
    return store, import_esd(EXCERPT, store)


@pytest.fixture(scope="module")
def store_graph(imported: tuple[Path, ImportResult]) -> Graph:
    return Graph().parse(imported[0])


@pytest.fixture(scope="module")
def esd_kg(imported: tuple[Path, ImportResult]) -> KnowledgeGraph:
    return KnowledgeGraph.open(add=[imported[0]])


def esd_backers(kg: KnowledgeGraph, of: str, as_of: date) -> dict[str, list[dict[str, Any]]]:
    """The backers of ``of`` as of a day, by label, from the report users see."""
    found: dict[str, list[dict[str, Any]]] = {}
    for row in reports.backers(kg, of=of, as_of=as_of).to_records():
        found.setdefault(row["backer_label"], []).append(row)
    return found


def from_esd(rows: list[dict[str, Any]]) -> bool:
    return any(s["document"] == str(ESD) for r in rows for s in r["sources"])


# --- what is read ------------------------------------------------------------------------


def test_counts_follow_the_rows(imported: tuple[Path, ImportResult]) -> None:
    rows = excerpt_rows()
    result = imported[1]
    assert result.rows == len(rows) == 118
    # and one opposition claim per warring pair and span of active years (22: checked in
    # tests/test_import_esd_conflicts.py)
    assert result.claims - OPPOSITION == sum(1 for r in rows if r["ext_sup"] == "1") == 100
    assert result.no_known_support == sum(1 for r in rows if r["ext_sup"] == "0") == 18
    assert result.written and result.triples_added == result.triples_in_store > 0


def test_syria_2017_the_government_is_backed_by_russia_iran_and_iraq(
    esd_kg: KnowledgeGraph,
) -> None:
    # Rows 9098, 9099 (against the insurgents), 10423–10425 (against IS).
    found = esd_backers(esd_kg, "Government of Syria", date(2017, 6, 30))
    assert {b for b, rows in found.items() if from_esd(rows)} == {
        "Russia",
        "Iran",
        "Iraq",
    }
    iraq = found["Iraq"]  # UCDP's Government of Iraq (116): the state, by the crosswalk
    assert {r["backer"] for r in iraq} == {CK + "iraq"}


def test_syria_2017_the_insurgents_are_backed_by_five(esd_kg: KnowledgeGraph) -> None:
    # Rows 9096, 9097, 9100, 9101, 9102; the articles add Turkey and the United States.
    found = esd_backers(esd_kg, "Syrian insurgents", date(2017, 6, 30))
    assert {b for b, rows in found.items() if from_esd(rows)} == {
        "United States",
        "United Kingdom",
        "Turkey",
        "Saudi Arabia",
        "al-Qaida",
    }
    documents = {s["document"] for r in found["Turkey"] for s in r["sources"]}
    assert {str(ESD), CK + "article-000"} <= documents  # one actor, both sources


def test_the_2012_backers_differ_from_2017(esd_kg: KnowledgeGraph) -> None:
    # Rows 9040–9052: in 2012 Qatar, Libya (alleged) and others, but not al-Qaida yet.
    found = esd_backers(esd_kg, "Syrian insurgents", date(2012, 6, 30))
    esd = {b for b, rows in found.items() if from_esd(rows)}
    assert {"Qatar", "Libya", "Turkey"} <= esd
    assert "al-Qaida" not in esd


def test_rows_without_a_supporter_are_records_not_claims(store_graph: Graph) -> None:
    for row_id in (1, 2, 3, 4, 7391, 7392):
        node = row_claim(row_id)
        assert (node, RDF.type, CKG.NoKnownSupport) in store_graph
        assert (node, RDF.type, CKG.SupportClaim) not in store_graph
        assert store_graph.value(node, CKG.backer) is None
        assert store_graph.value(node, PROV.hadPrimarySource) == ESD
    record = row_claim(1)  # 1986: KDPI, against the Government of Iran, no supporter
    assert store_graph.value(record, CKG.unsupportedParty) == ck("ucdp-actor-164")
    assert store_graph.value(record, CKG.opponent) == ck("iran")
    assert store_graph.value(record, CKG.start) == Literal(date(1986, 1, 1))
    assert store_graph.value(record, CKG.recordId) == Literal("1")


def test_a_party_without_support_backs_nobody(esd_kg: KnowledgeGraph) -> None:
    assert reports.backers(esd_kg, of="KDPI", include_ended=True).rows == ()


def test_each_year_is_its_own_claim_with_year_precision(store_graph: Graph) -> None:
    rows = [
        r
        for r in excerpt_rows()
        if r["ext_name"] == "Government of United States of America"
        and r["actor_name"] == "Syrian insurgents"
    ]
    assert sorted(int(r["year"]) for r in rows) == list(range(2011, 2018))
    for r in rows:
        claim = row_claim(r["id"])
        first = Literal(date(int(r["year"]), 1, 1))
        assert store_graph.value(claim, CKG.start) == first
        assert store_graph.value(claim, CKG.end) == first
        assert store_graph.value(claim, CKG.startPrecision) == UNIT_YEAR
        assert store_graph.value(claim, CKG.endPrecision) == UNIT_YEAR
        assert store_graph.value(claim, CKG.backer) == ck("united-states")
        assert store_graph.value(claim, CKG.recordId) == Literal(r["id"])
        assert f"row id {r['id']}" in str(store_graph.value(claim, CKG.quote))


def test_kinds_of_support_come_from_the_flags(store_graph: Graph, esd_kg: KnowledgeGraph) -> None:
    ontology = esd_kg.dataset
    checked = 0
    for r in excerpt_rows():
        if r["ext_sup"] != "1":
            continue
        letters = {flag.removeprefix("ext_").upper() for flag in FLAGS if r[flag] == "1"}
        kinds = store_graph.objects(row_claim(r["id"]), CKG.supportKind)
        assert {str(ontology.value(k, SKOS.notation)) for k in kinds} == (letters or {"U"})
        checked += 1
    assert checked == 100


def test_the_esd_letters_p_y_l_stay_visible(esd_kg: KnowledgeGraph) -> None:
    labels = {
        str(esd_kg.dataset.value(c, RDFS.label))
        for c in esd_kg.dataset.subjects(SKOS.notation, None)
        if str(esd_kg.dataset.value(c, SKOS.notation)) in ("P", "Y", "L")
    }
    assert len(labels) == 3
    assert all(any(f"ESD {letter}" in label for label in labels) for letter in "PYL")


def test_alleged_coalition_and_both_sides(store_graph: Graph) -> None:
    rows = {r["id"]: r for r in excerpt_rows() if r["ext_sup"] == "1"}
    for row_id, r in rows.items():
        claim = row_claim(row_id)
        alleged = r["ext_alleged"] == "1"
        assert store_graph.value(claim, CKG.status) == (CKG.Alleged if alleged else CKG.Asserted)
        coalition = store_graph.value(claim, CKG.inCoalition)
        assert coalition == Literal(r["ext_coalition"] == "1.0")
        both = store_graph.value(claim, CKG.supportsBothSides)
        assert both == Literal(r["ext_bothsides"] == "1.0")
    assert sum(1 for r in rows.values() if r["ext_alleged"] == "1") >= 4
    assert store_graph.value(row_claim(8464), CKG.coalitionName) == Literal("US-led coalition")
    # A coalition name given while the row says "not in a coalition": both kept as given.
    assert store_graph.value(row_claim(2466), CKG.inCoalition) == Literal(False)
    assert store_graph.value(row_claim(2466), CKG.coalitionName) == Literal("CNG")
    assert store_graph.value(row_claim(516), CKG.supportsBothSides) == Literal(True)


def test_provenance_points_at_the_dataset_its_version_and_the_row(store_graph: Graph) -> None:
    claim = row_claim(9098)
    assert store_graph.value(claim, CKG.source) == ESD
    assert (ESD, RDF.type, CKG.Dataset) in store_graph
    assert str(store_graph.value(ESD, DCTERMS.title)) == "UCDP External Support Dataset 18.1"
    assert str(store_graph.value(ESD, URIRef("https://schema.org/version"))) == "18.1"
    citation = str(store_graph.value(ESD, DCTERMS.bibliographicCitation))
    assert "doi:10.1177/00223433221079864" in citation
    publisher = store_graph.value(ESD, DCTERMS.publisher)
    assert (publisher, RDF.type, CKG.ResearchOrganisation) in store_graph
    assert str(store_graph.value(publisher, RDFS.label)) == "Uppsala Conflict Data Program"
    quote = str(store_graph.value(claim, CKG.quote))
    assert quote.startswith("2017: Government of Russia (Soviet Union) supported Government of")
    assert "troops (X)" in quote and "UCDP ESD 18.1, row id 9098" in quote


def test_actors_are_typed_from_the_flags_and_names(store_graph: Graph) -> None:
    def types(name: str) -> set[URIRef]:
        return {URIRef(str(t)) for t in store_graph.objects(ck(name), RDF.type)}

    def label(name: str) -> str:
        return str(store_graph.value(ck(name), RDFS.label))

    assert types("united-kingdom") == {CKG.State}  # Government of United Kingdom (crosswalk)
    assert types("ucdp-actor-164") == {CKG.RebelGroup}  # KDPI, a non-state warring party
    assert types("ucdp-actor-769") == {CKG.ArmedGroup}  # al-Qaida, here only a supporter
    thai = next(r for r in excerpt_rows() if r["ext_name"] == "Thai elements")
    elements = "ucdp-actor-" + thai["ext_id"].removesuffix(".0")
    assert types(elements) == {CKG.Actor}  # a state party that is not its government
    assert label("ucdp-actor-769") == "al-Qaida"  # the trailing space is gone
    assert store_graph.value(ck("ucdp-actor-769"), CKG.ucdpActorId) == Literal(769)


def test_quirky_names_and_ids(store_graph: Graph) -> None:
    labels = {str(o) for o in store_graph.objects(None, RDFS.label)}
    assert "Résistance Armée Tunisienne" in labels  # non-ASCII, kept
    assert "Military faction (forces of Raol Cédras)" in labels  # trailing space gone
    assert "Interahamwe, ex-FAR" in labels  # a list in one cell is one actor (one UCDP id)
    factions = [label for label in labels if label.startswith("al-Moutasem Brigade, ")]
    assert len(factions) == 1 and factions[0].endswith("Liwa al-Sultan Murad, Sham Legion")
    assert "UCDP actor 11545" in labels  # an id without a name
    # Ids written as floats ("28.0") give the integer IRI, and merged ones the data's actor.
    assert (ck("ucdp-actor-28"), None, None) not in store_graph  # 28.0: the UK (crosswalk)
    assert not any("." in str(s).rsplit("/", 1)[-1] for s in store_graph.subjects())
    assert store_graph.value(row_claim(9096), CKG.backer) == ck("united-states")
    # Two parties called ERP keep their two UCDP ids.
    erps = set(store_graph.subjects(RDFS.label, Literal("ERP", lang="en")))
    assert len(erps) == 2


def test_a_quoted_cell_may_hold_a_newline(store_graph: Graph) -> None:
    label = str(store_graph.value(row_claim(9080), RDFS.label))
    assert "in China: East Turkestan (UCDP ESD 18.1, row id 9080)" in label
    assert (row_claim(9458), RDF.type, CKG.NoKnownSupport) not in store_graph  # not in excerpt


def test_the_store_conforms_with_the_bundled_data(imported: tuple[Path, ImportResult]) -> None:
    report = validate(add=[imported[0]])
    assert report.conforms, [r.message for r in report.results[:3]]
    assert report.warnings == 0


# --- all or nothing, and twice is once ------------------------------------------------------


def test_importing_the_same_file_again_adds_nothing(
    imported: tuple[Path, ImportResult], tmp_path: Path
) -> None:
    store = tmp_path / "again.ttl"
    store.write_bytes(imported[0].read_bytes())
    before = Graph().parse(store)
    again = import_esd(EXCERPT, store)
    assert (again.triples_added, again.triples_removed, again.written) == (0, 0, False)
    assert again.triples_in_store == len(before)
    assert isomorphic(Graph().parse(store), before)


def test_a_byte_order_mark_and_crlf_lines_read_the_same(
    imported: tuple[Path, ImportResult], tmp_path: Path
) -> None:
    text = EXCERPT.read_text(encoding="utf-8")
    lines = text.split("\n")
    bom = tmp_path / "bom.csv"
    bom.write_bytes(("\ufeff" + "\r\n".join(lines)).encode("utf-8"))
    store = tmp_path / "bom.ttl"
    result = import_esd(bom, store)
    assert (result.rows, result.claims) == (118, 100 + OPPOSITION)
    assert isomorphic(Graph().parse(store), Graph().parse(imported[0]))


def rewrite(tmp_path: Path, change: dict[str, dict[str, str]], drop: str | None = None) -> Path:
    """The excerpt with cells changed ({id: {column: value}}) or a column dropped."""
    with EXCERPT.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        columns = [c for c in reader.fieldnames or [] if c != drop]
        rows = list(reader)
    path = tmp_path / "bad.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for row in rows:
            row.update(change.get(row["id"], {}))
            writer.writerow(row)
    return path


def row_number(row_id: str) -> int:
    """The spreadsheet row of an ESD id in the excerpt (header = row 1)."""
    return 2 + [r["id"] for r in excerpt_rows()].index(row_id)


def place(row_id: str) -> str:
    """How a message names the row of an ESD id: its row, and its line where that differs
    (after row 9080, whose location cell holds a newline)."""
    rows = excerpt_rows()
    number = row_number(row_id)
    line = number + sum(v.count("\n") for r in rows[: number - 2] for v in r.values())
    return f"row {number}" + (f" (line {line})" if line != number else "")


@pytest.mark.parametrize(
    ("change", "drop", "column", "says"),
    [
        ({"9098": {"ext_w": "yes"}}, None, "ext_w", "'yes' is not 0 or 1"),
        ({"9098": {"year": "20x7"}}, None, "year", "'20x7' is not a year"),
        ({"9098": {"ext_id": "Russia"}}, None, "ext_id", "'Russia' is not a whole number"),
        ({"1": {"ext_w": "1"}}, None, "ext_w", "is 1, but ext_sup is 0"),
        ({"9098": {"id": "9097"}}, None, "id", "id 9097 is also the id of row"),
        ({"9098": {"actor_name": " "}}, None, "actor_name", "is empty"),
        ({}, "ext_w", "ext_w", "the header has no such column"),
    ],
)
def test_a_bad_file_is_refused_naming_row_and_column(
    imported: tuple[Path, ImportResult],
    tmp_path: Path,
    change: dict[str, dict[str, str]],
    drop: str | None,
    column: str,
    says: str,
) -> None:
    bad = rewrite(tmp_path, change, drop)
    store = tmp_path / "store.ttl"
    store.write_bytes(imported[0].read_bytes())
    before = store.read_bytes()
    with pytest.raises(BadImport) as raised:
        import_esd(bad, store)
    message = str(raised.value)
    row = "row 1" if drop else place(next(iter(change)))
    assert message.startswith(f"{bad}, {row}, column {column}: ")
    assert says in message
    assert store.read_bytes() == before
    assert {p.name for p in tmp_path.iterdir()} == {"bad.csv", "store.ttl"}  # no leftovers


def test_the_cli_refuses_a_bad_file_with_exit_code_8(tmp_path: Path) -> None:
    bad = rewrite(tmp_path, {"9098": {"ext_w": "2"}, "9099": {"year": "later"}})
    store = tmp_path / "store.ttl"
    result = CliRunner().invoke(import_group, ["ucdp-esd", str(bad), "-o", str(store)])
    assert result.exit_code == 8
    [line] = result.output.splitlines()
    assert line.startswith(f"Error: {bad}, {place('9098')}, column ext_w: '2' is not 0 or 1; ")
    assert f"{place('9099')}, column year: 'later' is not a year" in line
    assert "Traceback" not in result.output
    assert not store.exists()


def test_a_row_after_a_multiline_cell_is_named_by_row_and_line(tmp_path: Path) -> None:
    after = excerpt_rows()[[r["id"] for r in excerpt_rows()].index("9080") + 1]["id"]
    bad = rewrite(tmp_path, {after: {"ext_sup": "maybe"}})
    with pytest.raises(BadImport) as raised:
        import_esd(bad, tmp_path / "store.ttl")
    number = row_number(after)
    assert place(after) == f"row {number} (line {number + 1})"
    assert f"row {number} (line {number + 1}), column ext_sup" in str(raised.value)


def test_a_violation_of_the_shapes_is_refused_and_nothing_written(
    imported: tuple[Path, ImportResult], tmp_path: Path
) -> None:
    # A (wrong) merge of the United Kingdom into the Syrian insurgents makes the rows of UK
    # support (9033 for 2011, ..., 9097 for 2017) say that the insurgents back themselves:
    # the shapes refuse them, and the message names the rows.
    wrong = tmp_path / "wrong-alias.ttl"
    wrong.write_text(
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "@prefix ck: <https://w3id.org/conflict-kg/id/> .\n"
        "ck:ucdp-actor-28 owl:sameAs ck:syrian-armed-opposition .\n",
        encoding="utf-8",
    )
    store = tmp_path / "store.ttl"
    store.write_bytes(imported[0].read_bytes())
    before = store.read_bytes()
    with pytest.raises(InvalidData) as raised:
        import_esd(EXCERPT, store, add=[wrong])
    message = str(raised.value)
    assert (
        f"(7 violation(s)); nothing was written: {EXCERPT}, {place('9033')}, column ext_id: "
        in message
    )
    assert "backs itself" in message
    assert store.read_bytes() == before
    assert {p.name for p in tmp_path.iterdir()} == {"wrong-alias.ttl", "store.ttl"}
    result = CliRunner().invoke(
        import_group, ["ucdp-esd", str(EXCERPT), "-o", str(store), "--add", str(wrong)]
    )
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and len(result.output.splitlines()) == 1


@pytest.mark.parametrize("name", ["data", "ontology", "shapes"])
def test_the_bundled_data_is_never_a_store(name: str) -> None:
    target = resources.bundled_dir(name) / "esd-import.ttl"
    result = CliRunner().invoke(import_group, ["ucdp-esd", str(EXCERPT), "-o", str(target)])
    assert result.exit_code == 5, result.output
    assert f"is in the bundled {name} folder" in result.output
    assert not target.exists()


def test_a_store_is_turtle_or_ntriples(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        import_group, ["ucdp-esd", str(EXCERPT), "-o", str(tmp_path / "esd.json")]
    )
    assert result.exit_code == 5
    assert "a store is a Turtle or N-Triples file" in result.output


def test_a_missing_file_is_exit_code_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        import_group, ["ucdp-esd", str(tmp_path / "nope.csv"), "-o", str(tmp_path / "s.ttl")]
    )
    assert result.exit_code == 2
    assert result.output == f"Error: {tmp_path / 'nope.csv'}: no such file\n"


def test_the_cli_prints_a_summary(tmp_path: Path) -> None:
    store = tmp_path / "esd.nt"
    result = CliRunner().invoke(import_group, ["ucdp-esd", str(EXCERPT), "-o", str(store)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"imported {EXCERPT} into {store}"
    assert any(line.split() == ["claims", str(100 + OPPOSITION)] for line in lines)
    assert any(line.split() == ["no", "known", "support", "18"] for line in lines)
    assert any(line.startswith("new actors: ") for line in lines)
    again = CliRunner().invoke(
        import_group, ["ucdp-esd", str(EXCERPT), "-o", str(store), "--format", "json"]
    )
    assert again.exit_code == 0, again.output
    body = json.loads(again.stdout)
    assert (body["claims"], body["triples_added"], body["written"]) == (
        100 + OPPOSITION,
        0,
        False,
    )
    assert body["new_actors"] == []
