"""`kg import pax`: the PA-X peace agreements, their signatories and third parties read from
prose, into agreements, claims and (only for clear names) new actors.

The excerpt tests/fixtures/pax/pax-excerpt.csv holds 11 real rows of PA-X v6 (see the README
beside it). The whole file in ../shared/data/pax is imported once into a store; its answers
are checked against what the test reads from the raw CSV with its own code.
"""

from __future__ import annotations

import csv
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from kg import reports
from kg.cli_import import import_group
from kg.errors import BadImport
from kg.graph import KnowledgeGraph, StoreSpec
from kg.importers.pax import PaxImportResult, import_pax
from kg.loading import load_store
from kg.queries import NamedQuery
from kg.stores.base import QueryRows

TESTS = Path(__file__).resolve().parent
EXCERPT = TESTS / "fixtures" / "pax" / "pax-excerpt.csv"
PAX_FILE = TESTS.parent.parent / "shared" / "data" / "pax" / "pax_all_agreements_data_v6.csv"
CK = "https://w3id.org/conflict-kg/id/"
CKG_NS = "https://w3id.org/conflict-kg/ontology#"
MEMORANDUM = URIRef(CK + "de-escalation-memorandum-2017")
UNIT_DAY = URIRef("http://www.w3.org/2006/time#unitDay")


def ck(name: str) -> URIRef:
    return URIRef(CK + name)


def o(name: str) -> URIRef:
    return URIRef(CKG_NS + name)


def number(graph: Graph, node: URIRef, prop: str) -> object:
    value = graph.value(node, o(prop))
    assert isinstance(value, Literal), (node, prop)
    return value.toPython()


def parties_of(graph: Graph, agreement: URIRef, role: str) -> set[URIRef]:
    """The actors that claims of ``role`` (signatory, guarantor, witness) name for it."""
    return {
        actor
        for claim in graph.subjects(o("agreement"), agreement)
        for actor in graph.objects(claim, o(role))
        if isinstance(actor, URIRef)
    }


# --- the excerpt --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, PaxImportResult, Graph]:
    out = tmp_path_factory.mktemp("pax") / "pax.ttl"
    result = import_pax(EXCERPT, out)
    return out, result, Graph().parse(out)


def test_each_agreement_with_its_record(imported: tuple[Path, PaxImportResult, Graph]) -> None:
    _, result, g = imported
    assert result.result.written and result.parties.agreements == 11
    babulin = ck("pax-agreement-2172")
    assert (babulin, RDF.type, o("Agreement")) in g  # stage Pre: no ceasefire
    assert str(g.value(babulin, RDFS.label)).startswith("Babulin Checkpoint Agreement")
    assert str(g.value(babulin, DCTERMS.date)) == "2018-11-27"
    assert g.value(babulin, o("datePrecision")) == UNIT_DAY
    assert number(g, babulin, "paxId") == 2172
    assert g.value(babulin, o("agreementStage")) == o("PreNegotiationStage")
    assert g.value(babulin, o("agreementType")) == o("IntraLocalAgreement")
    assert str(g.value(babulin, o("signingStatus"))) == "Multiparty signed/agreed"
    process = g.value(babulin, o("peaceProcess"))
    assert process == ck("pax-process-138")
    assert str(g.value(process, RDFS.label)) == "Syrian Local Agreements"
    assert g.value(babulin, o("conflict")) == ck("ucdp-conflict-299")
    assert (ck("ucdp-conflict-299"), RDF.type, o("ArmedConflict")) in g
    assert g.value(babulin, o("locationState")) == ck("syria")
    assert (ck("pax-agreement-1441"), RDF.type, o("Ceasefire")) in g  # stage Cea


def test_messy_party_text(imported: tuple[Path, PaxImportResult, Graph]) -> None:
    """2172: 'Hayat Tahrir Al Sham / Represented by: / Abu Yasser Al Raubish / [Signed] ...'
    and 'Guarantor: Al Sham Legion / Represented by: / Abu Shadi Habash [Signed]'."""
    _, _, g = imported
    babulin = ck("pax-agreement-2172")
    signed = {str(g.value(a, RDFS.label)) for a in parties_of(g, babulin, "signatory")}
    assert {"Hayat Tahrir Al Sham", "Syrian Liberation Front"} <= signed
    guarantors = {str(g.value(a, RDFS.label)) for a in parties_of(g, babulin, "guarantor")}
    assert guarantors == {"Al Sham Legion", "Abu Shadi Habash"}
    assert "[Signed]" in {str(t) for t in g.objects(babulin, o("unresolvedParty"))}
    assert not parties_of(g, babulin, "witness")


def test_states_by_every_name(imported: tuple[Path, PaxImportResult, Graph]) -> None:
    _, _, g = imported
    assert parties_of(g, ck("pax-agreement-777"), "signatory") == {
        ck("syrian-government"),  # "Government of the Syrian Arab Republic"
        ck("united-nations"),  # "The United Nations."
    }
    # "Islamic Republic of Iran, the Russian Federation and the Republic of Turkey"
    assert parties_of(g, ck("pax-agreement-2095"), "signatory") == {
        ck("iran"), ck("russia"), ck("turkey")
    }  # fmt: skip
    # "The United States of American" (PA-X's typo), "The Republic of Turkey"
    assert parties_of(g, ck("pax-agreement-2344"), "signatory") == {
        ck("united-states"), ck("turkey")
    }  # fmt: skip
    assert ck("russia") in parties_of(g, ck("pax-agreement-2437"), "signatory")  # the Russian side
    # "Representative of the Russian Guarantor, [Illegible]"
    assert parties_of(g, ck("pax-agreement-1999"), "guarantor") == {ck("russia")}


def test_text_that_names_no_actor_is_kept(imported: tuple[Path, PaxImportResult, Graph]) -> None:
    _, result, g = imported
    kept = {str(t) for t in g.objects(ck("pax-agreement-2437"), o("unresolvedParty"))}
    assert kept == {"Representatives of al-Waer Neighbourhood"}
    assert "Government" in {
        str(t) for t in g.objects(ck("pax-agreement-1441"), o("unresolvedParty"))
    }
    texts = sum(1 for _ in g.triples((None, o("unresolvedParty"), None)))
    assert result.parties.text >= texts > 0
    labels = {str(label) for s in g.subjects(RDF.type, None) for label in g.objects(s, RDFS.label)}
    assert not {"[Signed]", "Government", "Represented by", "the Russian side"} & labels


def test_persons_with_their_office(imported: tuple[Path, PaxImportResult, Graph]) -> None:
    """1733: 'Mammadrafi Mammadov, Minister of Defence of Azerbaijan'."""
    _, _, g = imported
    person = ck("pax-mammadrafi-mammadov")
    assert (person, RDF.type, o("Person")) in g
    assert person in parties_of(g, ck("pax-agreement-1733"), "signatory")
    (office,) = g.subjects(o("holder"), person)
    assert (office, RDF.type, o("OfficeClaim")) in g
    assert g.value(office, o("office")) == o("DefenceMinister")
    assert g.value(office, o("organisation")) == ck("azerbaijan")
    # A witness named by title: "The first witness Sheikh Ahmed Al Khaled" (2241)
    (witness,) = (a for a in parties_of(g, ck("pax-agreement-2241"), "witness")
                  if "Khaled" in str(g.value(a, RDFS.label)))  # fmt: skip
    assert str(g.value(witness, RDFS.label)) == "Sheikh Ahmed Al Khaled"
    assert (witness, RDF.type, o("Person")) in g


def test_each_claim_quotes_and_dates(imported: tuple[Path, PaxImportResult, Graph]) -> None:
    _, _, g = imported
    claim = ck("pax-2437-signatory-russia")
    assert str(g.value(claim, o("quote"))) == "The Russian side"
    assert str(g.value(claim, o("start"))) == "2017-03-13"
    assert g.value(claim, o("startPrecision")) == UNIT_DAY
    assert g.value(claim, o("source")) == ck("pax-v6")
    assert g.value(claim, o("status")) == o("Asserted")
    assert number(g, ck("pax-v6"), "coverageStart") == 1990
    assert number(g, ck("pax-v6"), "coverageEnd") == 2021


def test_an_agreement_the_data_has_is_merged(
    imported: tuple[Path, PaxImportResult, Graph],
) -> None:
    """PA-X 2093 is the bundled memorandum (data/agreement-aliases.ttl): its claims name it,
    it gains PA-X's id, and keeps its own name and date; reports list both sources' parties,
    and `kg report disputed` says that they differ."""
    out, result, g = imported
    assert result.parties.merged == [(2093, str(MEMORANDUM))]
    assert parties_of(g, MEMORANDUM, "signatory") == {ck("iran"), ck("russia"), ck("turkey")}
    assert number(g, MEMORANDUM, "paxId") == 2093
    assert g.value(MEMORANDUM, RDFS.label) is None  # the data's label stays the only one
    assert (MEMORANDUM, DCTERMS.date, None) not in g
    assert (MEMORANDUM, SKOS.altLabel, None) in g
    assert (ck("pax-agreement-2093"), None, None) not in g
    kg = KnowledgeGraph.open(add=[out])
    (row,) = (r for r in reports.agreements(kg).rows if r.agreement == str(MEMORANDUM))
    assert {"Iran", "Russia", "Turkey", "Syrian government"} <= set(row.parties)
    disputes = [r for r in reports.disputed(kg).rows if r.subject == str(MEMORANDUM)]
    assert len(disputes) == 1
    (issue,) = disputes[0].issues
    assert "parties differ" in issue and "Iran (signatory)" in issue
    assert "Syrian government (signatory)" in issue


def test_the_readmes_examples(tmp_path: Path) -> None:
    """The prose the data's README quotes: a person with an office of a state is the
    data's person holding that office; "the Syrian government" and "Witnessed by:" too."""
    with EXCERPT.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        row = next(reader)
        columns = list(reader.fieldnames or [])
    row.update(
        AgtId="9001",
        Part="Sergey Lavrov, Minister of Foreign Affairs of the Russian Federation;\n"
        "the Syrian government",
        ThrdPart="Witnessed by: Staffan de Mistura",
    )
    table = tmp_path / "pax.csv"
    with table.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerow(row)
    result = import_pax(table, tmp_path / "out.ttl")
    g = Graph().parse(tmp_path / "out.ttl")
    agreement = ck("pax-agreement-9001")
    assert parties_of(g, agreement, "signatory") == {ck("sergei-lavrov"), ck("syrian-government")}
    assert parties_of(g, agreement, "witness") == {ck("staffan-de-mistura")}
    (office,) = g.subjects(o("holder"), ck("sergei-lavrov"))
    assert g.value(office, o("office")) == o("ForeignMinister")
    assert g.value(office, o("organisation")) == ck("russia")
    assert (result.parties.known, result.parties.minted, result.parties.text) == (3, 0, 0)


def test_again_adds_nothing(imported: tuple[Path, PaxImportResult, Graph]) -> None:
    out, _, _ = imported
    again = import_pax(EXCERPT, out)
    assert again.result.triples_added == 0 and not again.result.written


def test_cli_filter_and_summary(tmp_path: Path) -> None:
    out = tmp_path / "syria.ttl"
    result = CliRunner().invoke(
        import_group,
        ["pax", str(EXCERPT), "--conflict", "Syria", "-o", str(out), "--format", "json"],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["agreements"] == 10  # 1733 is Armenia/Azerbaijan
    assert summary["skipped"] == 1
    strings = summary["party_strings"]
    assert strings["total"] == strings["known_actor"] + strings["new_actor"] + strings["text"]
    assert strings["text"] > 0 and strings["known_actor"] > 0


def test_cli_refuses_a_filter_that_keeps_nothing(tmp_path: Path) -> None:
    out = tmp_path / "none.ttl"
    result = CliRunner().invoke(
        import_group, ["pax", str(EXCERPT), "--process", "Narnia peace process", "-o", str(out)]
    )
    assert result.exit_code != 0
    assert "no agreement matches --process 'Narnia peace process'" in result.output
    assert not out.exists()


def test_cli_refuses_a_file_of_no_rows_as_every_import_does(tmp_path: Path) -> None:
    header = tmp_path / "header.csv"
    header.write_text(EXCERPT.read_text(encoding="utf-8-sig").splitlines()[0] + "\n")
    out = tmp_path / "none.ttl"
    result = CliRunner().invoke(import_group, ["pax", str(header), "-o", str(out)])
    assert result.exit_code == 8
    said = f"Error: {header}: no row to import: 0 row(s) read; nothing was written\n"
    assert result.output == said
    assert not out.exists()


def test_bad_cells_are_refused_naming_row_and_column(tmp_path: Path) -> None:
    with EXCERPT.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        columns = list(reader.fieldnames or [])
    rows[1]["Dat"] = "2018-13-40"
    rows[2]["Stage"] = "Later"
    table = tmp_path / "bad.csv"
    with table.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    out = tmp_path / "out.ttl"
    result = CliRunner().invoke(import_group, ["pax", str(table), "-o", str(out)])
    assert result.exit_code == 8
    assert "row 3" in result.output and "column Dat: '2018-13-40' is not a date" in result.output
    assert "column Stage: 'Later' is no stage of PA-X" in result.output
    assert not out.exists()


def test_a_file_that_is_not_pax(tmp_path: Path) -> None:
    other = tmp_path / "other.csv"
    other.write_text("AgtId,Agt\n1,x\n", encoding="utf-8")
    with pytest.raises(BadImport, match="row 1, column Dat: the header has no such column"):
        import_pax(other, tmp_path / "out.ttl")


# --- the whole file -----------------------------------------------------------------------


def need_pax() -> Path:
    if not PAX_FILE.exists():
        message = f"{PAX_FILE} is not here (../shared/data/pax)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return PAX_FILE


def raw_rows() -> list[dict[str, str]]:
    with need_pax().open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@dataclass
class Whole:
    """The whole file imported into a store: where, what the import said, the store open."""

    spec: StoreSpec
    result: PaxImportResult
    kg: KnowledgeGraph


@pytest.fixture(scope="module")
def whole(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Whole]:
    path = need_pax()
    spec = StoreSpec(folder=tmp_path_factory.mktemp("pax-whole") / "store")
    load_store(spec, [], bundled=True)
    result = import_pax(path, store=spec)
    opened = Whole(spec, result, KnowledgeGraph.open(store=spec))
    yield opened
    opened.kg.close()


def ask(kg: KnowledgeGraph, text: str, **bound: str) -> list[tuple[str, ...]]:
    """The rows of a SELECT over the store, each value as text, in the order selected."""
    query = NamedQuery("test", "", PREFIX + text)
    rows = kg.answer(query, {k: Literal(v) for k, v in bound.items()})
    assert isinstance(rows, QueryRows)
    names = re.findall(r"\?(\w+)", text.split("WHERE")[0])
    return [tuple(str(row[n]) for n in names) for row in rows.rows]


PREFIX = f"PREFIX ckg: <{CKG_NS}>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"


def test_whole_every_agreement(whole: Whole) -> None:
    kg, result = whole.kg, whole.result
    rows = raw_rows()
    assert result.parties.agreements == len(rows)
    found = ask(kg, "SELECT ?id ?date WHERE { ?a ckg:paxId ?id . OPTIONAL { ?a "
                "<http://purl.org/dc/terms/date> ?date } }")  # fmt: skip
    dates = {agt_id: date for agt_id, date in found}
    assert set(dates) == {r["AgtId"].strip() for r in rows}
    for row in rows:
        if row["AgtId"] != "2093":  # the memorandum keeps the date the data gives it
            assert dates[row["AgtId"].strip()] == row["Dat"].strip()


def test_whole_syria(whole: Whole) -> None:
    kg = whole.kg
    syria = {
        r["AgtId"] for r in raw_rows() if "652" in (r["Loc1GWNO"].strip(), r["Loc2GWNO"].strip())
    }
    assert len([r for r in raw_rows() if "Syria" in r["Con"].split("/")]) == 108
    found = ask(kg, "SELECT DISTINCT ?id WHERE { ?a ckg:paxId ?id ; "
                "ckg:locationState <" + CK + "syria> }")  # fmt: skip
    assert {i for (i,) in found} == syria


def test_whole_parties_of_an_agreement(whole: Whole) -> None:
    """The signatories of each Astana joint statement (2092, 2094, 2095, 2115) and the
    memorandum 2093, as the raw cells list them, each quoted as written."""
    kg = whole.kg
    raw = {r["AgtId"]: r for r in raw_rows()}
    for agt_id in ("2092", "2093", "2094", "2115"):
        written = {p.strip() for p in re.split(r"[;\n]", raw[agt_id]["Part"]) if p.strip()}
        written = {p.rstrip(",").strip() for p in written}
        quotes = ask(
            kg,
            "SELECT ?q ?who WHERE { ?c a ckg:SignatoryClaim ; ckg:recordId ?id ; ckg:quote ?q ; "
            "ckg:signatory ?who . FILTER (STR(?id) = ?agt) }",
            agt=agt_id,
        )
        assert {q.rstrip(",").strip() for q, _ in quotes} == written, agt_id
        assert {who for _, who in quotes} == {CK + "iran", CK + "russia", CK + "turkey"}, agt_id


def test_whole_no_actor_from_prose(whole: Whole) -> None:
    """No actor the import made is named by an office, a side, a note or "the parties"."""
    kg, result = whole.kg, whole.result
    labels = ask(kg, "SELECT ?l WHERE { ?a a ?t ; rdfs:label ?l . ?t rdfs:subClassOf* "
                 'ckg:Actor . FILTER STRSTARTS(STR(?a), "' + CK + 'pax-") }')  # fmt: skip
    assert len(labels) > 1000
    bogus = re.compile(
        r"[\[\]]|\bsigned\b|\bside\b|\bparties\b|^(?:the\s+)?(?:minister|president|governor|"
        r"head|commander|representative|chairman|secretary|ambassador|delegate)s?\b",
        re.IGNORECASE,
    )
    assert [label for (label,) in labels if bogus.search(label)] == []
    assert result.parties.text > 0


def test_whole_again_adds_nothing(whole: Whole) -> None:
    """Syria's agreements imported again, into the store that holds the whole file, add
    nothing: a party resolves the same, whichever rows came first or before."""
    whole.kg.close()  # the import takes the store's lock
    again = import_pax(need_pax(), store=whole.spec, conflict="Syria")
    whole.kg = KnowledgeGraph.open(store=whole.spec)
    assert again.parties.agreements == 108
    assert again.result.triples_added == 0 and again.result.triples_removed == 0


def test_the_terms_it_writes_are_in_the_ontology() -> None:
    """kg.importers.pax names some ontology terms itself (kg.vocab.CKG lacks them)."""
    from kg import resources
    from kg.importers import pax

    ontology = Graph()
    for path in resources.ontology_files():
        ontology.parse(path)
    defined = set(ontology.subjects(RDF.type, None))
    assert [t for t in pax._T.values() if t not in defined] == []
