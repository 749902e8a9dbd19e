"""`kg import csv FILE --mapping MAP`: a user's own table of claims through a mapping file.

tests/data/claims-table.csv is a made-up table (with a byte-order mark, CRLF lines and a
quote holding a newline) and tests/data/claims-table.toml its mapping. The mapping of the
ESD file shipped with the package (kg/importers/mappings/ucdp-esd.toml) is the test of the
language's power: it must give the same claims as the dedicated ESD importer.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS

from kg import reports
from kg.cli_import import import_group
from kg.errors import BadImport
from kg.graph import KnowledgeGraph
from kg.importers import ImportResult, bundled_mapping, import_csv, import_esd
from kg.vocab import CKG

TESTS = Path(__file__).resolve().parent
TABLE = TESTS / "data" / "claims-table.csv"
MAPPING = TESTS / "data" / "claims-table.toml"
EXCERPT = TESTS / "data" / "esd-excerpt.csv"
CK = "https://w3id.org/conflict-kg/id/"
SOURCE_A = URIRef(CK + "source-example-report-a")


def ck(name: str) -> URIRef:
    return URIRef(CK + name)


def claim(ref: str, source: str = "source-example-report-a") -> URIRef:
    return ck(f"{source}-{ref}")


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ImportResult]:
    store = tmp_path_factory.mktemp("table") / "mine.ttl"
    return store, import_csv(TABLE, MAPPING, store)


@pytest.fixture(scope="module")
def store_graph(imported: tuple[Path, ImportResult]) -> Graph:
    return Graph().parse(imported[0])


def table_rows() -> list[dict[str, str]]:
    with TABLE.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def write_table(path: Path, change: dict[str, dict[str, str]]) -> Path:
    """The table with cells changed ({ref: {column: value}})."""
    rows = table_rows()
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, list(rows[0]), lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, **change.get(row["ref"], {})})
    return path


# --- reading a table -----------------------------------------------------------------------


def test_claims_are_read_with_their_sources(
    imported: tuple[Path, ImportResult], store_graph: Graph
) -> None:
    result = imported[1]
    assert (result.rows, result.claims, result.skipped) == (5, 5, 0)
    t1 = claim("t1")
    assert (t1, RDF.type, CKG.SupportClaim) in store_graph
    assert store_graph.value(t1, CKG.backer) == ck("turkey")  # "Türkiye", another name
    assert store_graph.value(t1, CKG.recipient) == ck("syrian-armed-opposition")  # "rebels"
    assert set(store_graph.objects(t1, CKG.supportKind)) == {
        URIRef(str(CKG._NS) + "WeaponsSupport"),
        URIRef(str(CKG._NS) + "FundingSupport"),
    }
    assert store_graph.value(t1, CKG.start) == Literal(date(2012, 3, 1))
    assert str(store_graph.value(t1, CKG.startPrecision)).endswith("#unitMonth")
    assert store_graph.value(t1, CKG.end) == Literal(date(2016, 1, 1))
    assert str(store_graph.value(t1, CKG.endPrecision)).endswith("#unitYear")
    assert store_graph.value(t1, CKG.status) == CKG.Asserted
    assert store_graph.value(t1, CKG.source) == SOURCE_A
    assert (SOURCE_A, RDF.type, CKG.NewsArticle) in store_graph
    assert str(store_graph.value(SOURCE_A, DCTERMS.title)) == "Example report A"
    assert store_graph.value(SOURCE_A, DCTERMS.date) == Literal(date(2017, 9, 14))


def test_a_quote_keeps_its_newline_and_quotes(store_graph: Graph) -> None:
    t2 = claim("t2")
    assert str(store_graph.value(t2, CKG.quote)) == (
        'Iran is said to train\ngovernment forces, "quietly".'
    )
    assert store_graph.value(t2, CKG.status) == CKG.Alleged
    assert store_graph.value(t2, CKG.backer) == ck("iran")  # by the alias table's name
    assert store_graph.value(t2, CKG.recipient) == ck("syrian-government")  # "Damascus"


def test_the_kind_of_relation_comes_from_a_column(store_graph: Graph) -> None:
    t3 = claim("t3", "source-example-report-b")
    assert (t3, RDF.type, URIRef(str(CKG._NS) + "AllianceClaim")) in store_graph
    assert set(store_graph.objects(t3, URIRef(str(CKG._NS) + "party"))) == {
        ck("russia"),
        ck("syrian-government"),
    }
    assert store_graph.value(t3, CKG.supportKind) is None


def test_an_iri_and_esd_letters_work_too(store_graph: Graph) -> None:
    t5 = claim("t5", "source-example-report-b")
    assert store_graph.value(t5, CKG.backer) == ck("united-states")
    assert store_graph.value(t5, CKG.recipient) == ck("kurdish-led-militias")  # "SDF"
    kinds = {str(k).rsplit("#", 1)[1] for k in store_graph.objects(t5, CKG.supportKind)}
    assert kinds == {"TroopsSupport", "IntelligenceSupport"}


def test_a_name_the_data_lacks_adds_an_actor(
    imported: tuple[Path, ImportResult], store_graph: Graph
) -> None:
    new = ck("actor-liwa-al-mutasim")
    assert imported[1].new_actors == [(str(new), "Liwa al-Mutasim")]
    assert (new, RDF.type, CKG.ArmedGroup) in store_graph
    assert str(store_graph.value(new, RDFS.label)) == "Liwa al-Mutasim"


def test_reports_answer_from_the_table_and_the_articles(
    imported: tuple[Path, ImportResult],
) -> None:
    kg = KnowledgeGraph.open(add=[imported[0]])
    rows = reports.backers(kg, of="rebels", as_of=date(2014, 6, 1)).to_records()
    turkey = [r for r in rows if r["backer_label"] == "Turkey"]
    documents = {s["document"] for r in turkey for s in r["sources"]}
    assert {str(SOURCE_A), CK + "article-000"} <= documents


def test_importing_the_table_again_adds_nothing(
    imported: tuple[Path, ImportResult], tmp_path: Path
) -> None:
    store = tmp_path / "mine.ttl"
    store.write_bytes(imported[0].read_bytes())
    again = import_csv(TABLE, MAPPING, store)
    assert (again.triples_added, again.triples_removed, again.written) == (0, 0, False)
    assert isomorphic(Graph().parse(store), Graph().parse(imported[0]))


def test_without_an_id_column_a_row_is_known_by_its_content(tmp_path: Path) -> None:
    mapping = tmp_path / "no-id.toml"
    mapping.write_text(MAPPING.read_text(encoding="utf-8").replace('id = "{ref}"\n', ""))
    store = tmp_path / "mine.ttl"
    first = import_csv(TABLE, mapping, store)
    again = import_csv(TABLE, mapping, store)
    assert first.claims == 5 and again.triples_added == 0
    claims = set(Graph().parse(store).subjects(CKG.source, None))
    assert len(claims) == 5
    assert all("-claim-" in str(c) for c in claims)


# --- the mapping language against the ESD file ----------------------------------------------


def claim_facts(store: Path) -> set[tuple[object, ...]]:
    graph = Graph().parse(store)
    facts = set()
    for node in graph.subjects(RDF.type, CKG.SupportClaim):
        facts.add(
            (
                node,
                graph.value(node, CKG.backer),
                graph.value(node, CKG.recipient),
                graph.value(node, CKG.against),
                graph.value(node, CKG.start),
                graph.value(node, CKG.end),
                frozenset(graph.objects(node, CKG.supportKind)),
                graph.value(node, CKG.status),
                graph.value(node, CKG.source),
                graph.value(node, CKG.recordId),
                graph.value(node, CKG.inCoalition),
                graph.value(node, CKG.coalitionName),
                graph.value(node, CKG.supportsBothSides),
            )
        )
    return facts


def test_the_esd_mapping_gives_the_claims_of_the_esd_importer(tmp_path: Path) -> None:
    by_mapping = tmp_path / "by-mapping.ttl"
    by_importer = tmp_path / "by-importer.ttl"
    result = import_csv(EXCERPT, bundled_mapping("ucdp-esd"), by_mapping)
    import_esd(EXCERPT, by_importer)
    assert (result.claims, result.skipped) == (100, 18)  # rows without a supporter skipped
    facts = claim_facts(by_mapping)
    assert len(facts) == 100
    assert facts == claim_facts(by_importer)


# --- refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("edit", "says"),
    [
        (("recipient = ", "recepient = "), "[claim] recepient: unknown key"),
        (("recipient = ", "recepient = "), "[claim] recipient: is missing"),
        (('"{backer}"', '"{sponsor}"'), "[claim] backer name: reads the column 'sponsor'"),
        (('quote = "{quote}"', 'quote = "{quote"'), "[claim] quote: unbalanced '{'"),
        (('relation = "{relation}"', 'relation = "befriends"'), "'befriends' is no kind of"),
        (('type = "armed group"', 'type = "army"'), "'army' is no class of actor"),
        (("[claim]", "[claims]"), "[claims]: unknown section"),
        (("title =", "title"), "not valid TOML"),
    ],
)
def test_a_bad_mapping_is_refused_naming_its_key(
    tmp_path: Path, edit: tuple[str, str], says: str
) -> None:
    mapping = tmp_path / "bad.toml"
    mapping.write_text(MAPPING.read_text(encoding="utf-8").replace(*edit), encoding="utf-8")
    store = tmp_path / "mine.ttl"
    result = CliRunner().invoke(
        import_group, ["csv", str(TABLE), "--mapping", str(mapping), "-o", str(store)]
    )
    assert result.exit_code == 8, result.output
    [line] = result.output.splitlines()
    assert line.startswith(f"Error: {mapping}")
    assert says in line
    assert not store.exists()


@pytest.mark.parametrize(
    ("change", "column", "says"),
    [
        ({"t1": {"from": "2012-13"}}, "from", "'2012-13' is not a date"),
        ({"t1": {"kinds": "weapons; tanks"}}, "kinds", "'tanks' is no kind of support"),
        ({"t1": {"relation": "loves"}}, "relation", "'loves' is no kind of relation"),
        ({"t2": {"status": "rumoured"}}, "status", "'rumoured' is no status"),
        ({"t1": {"to": "2011"}}, "to", "ends (2011) before it starts (2012-03)"),
        ({"t4": {"backer": ""}}, "backer", "is empty; the claim needs a backer"),
        ({"t4": {"backer": "Syrian armed opposition"}}, "recipient", "the same actor as"),
        ({"t3": {"published": "December"}}, "published", "'December' is not a date"),
    ],
)
def test_a_bad_cell_is_refused_naming_row_and_column(
    tmp_path: Path, change: dict[str, dict[str, str]], column: str, says: str
) -> None:
    table = write_table(tmp_path / "table.csv", change)
    store = tmp_path / "mine.ttl"
    store.write_text("", encoding="utf-8")
    with pytest.raises(BadImport) as raised:
        import_csv(table, MAPPING, store)
    ref = next(iter(change))
    row = 2 + [r["ref"] for r in table_rows()].index(ref)
    # t2's quote (row 3) holds a newline: the rows after it start a line further down.
    row_text = f"row {row}" + (f" (line {row + 1})" if row > 3 else "")
    assert f"{table}, {row_text}, column {column}: " in str(raised.value)
    assert says in str(raised.value)
    assert store.read_text(encoding="utf-8") == ""


def test_a_name_of_two_actors_is_refused(tmp_path: Path) -> None:
    twins = tmp_path / "twins.ttl"
    twins.write_text(
        "@prefix ckg: <https://w3id.org/conflict-kg/ontology#> .\n"
        "@prefix ck: <https://w3id.org/conflict-kg/id/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        'ck:twin-a a ckg:RebelGroup ; rdfs:label "Twin A"@en ; skos:altLabel "Twins"@en .\n'
        'ck:twin-b a ckg:RebelGroup ; rdfs:label "Twin B"@en ; skos:altLabel "Twins"@en .\n',
        encoding="utf-8",
    )
    table = write_table(tmp_path / "table.csv", {"t4": {"backer": "twins"}})
    with pytest.raises(BadImport) as raised:
        import_csv(table, MAPPING, tmp_path / "mine.ttl", add=[twins])
    assert "column backer: 'twins' names more than one actor: Twin A" in str(raised.value)


def test_rows_can_be_kept_or_skipped_by_a_column(tmp_path: Path) -> None:
    mapping = tmp_path / "some.toml"
    text = MAPPING.read_text(encoding="utf-8")
    mapping.write_text('[rows]\nskip_if = { relation = "allied with" }\n\n' + text)
    result = import_csv(TABLE, mapping, tmp_path / "mine.ttl")
    assert (result.rows, result.claims, result.skipped) == (5, 4, 1)
    mapping.write_text('[rows]\nkeep_if = { ref = ["t1", "t2"] }\n\n' + text)
    result = import_csv(TABLE, mapping, tmp_path / "two.ttl")
    assert (result.claims, result.skipped) == (2, 3)


def test_new_actors_can_be_refused(tmp_path: Path) -> None:
    mapping = tmp_path / "strict.toml"
    mapping.write_text(
        '[actors]\nunknown = "refuse"\n\n' + MAPPING.read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    with pytest.raises(BadImport) as raised:
        import_csv(TABLE, mapping, tmp_path / "mine.ttl")
    assert "column backer: 'Liwa al-Mutasim' is no actor of the data" in str(raised.value)


def test_a_constant_source_and_flag_columns(tmp_path: Path) -> None:
    table = tmp_path / "flags.csv"
    table.write_text(
        "sponsor;group;weapons;money;year\nIran;Damascus;1;0;2016\nIran;Damascus;0;1.0;2017\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "flags.toml"
    mapping.write_text(
        '[table]\ndelimiter = ";"\n\n'
        '[source]\ntitle = "My notes"\ntype = "document"\n\n'
        '[claim]\nbacker = "{sponsor}"\nrecipient = "{group}"\nduring = "{year}"\n'
        'support = { flags = { weapons = "weapons", money = "F" } }\n',
        encoding="utf-8",
    )
    store = tmp_path / "mine.ttl"
    result = import_csv(table, mapping, store)
    assert result.claims == 2
    graph = Graph().parse(store)
    kinds = {
        str(graph.value(c, CKG.start))[:4]: {
            str(k).rsplit("#")[1] for k in graph.objects(c, CKG.supportKind)
        }
        for c in graph.subjects(RDF.type, CKG.SupportClaim)
    }
    assert kinds == {"2016": {"WeaponsSupport"}, "2017": {"FundingSupport"}}
    assert set(graph.objects(None, CKG.source)) == {ck("source-my-notes")}


def test_the_csv_command_prints_what_it_did(tmp_path: Path) -> None:
    store = tmp_path / "mine.ttl"
    result = CliRunner().invoke(
        import_group, ["csv", str(TABLE), "--mapping", str(MAPPING), "-o", str(store)]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"imported {TABLE} into {store}"
    assert "new actors: Liwa al-Mutasim (ck:actor-liwa-al-mutasim)" in lines
    reader = csv.reader(io.StringIO(TABLE.read_text(encoding="utf-8-sig")))
    assert sum(1 for _ in reader) == 6  # the header and five rows


def _with_recipient(tmp_path: Path, recipient: str) -> Path:
    mapping = tmp_path / "recipient.toml"
    text = MAPPING.read_text(encoding="utf-8")
    mapping.write_text(text.replace('recipient = "{recipient}"', recipient), encoding="utf-8")
    assert mapping.read_text(encoding="utf-8") != text
    return mapping


def _recipients(store: Path) -> dict[str, URIRef]:
    graph = Graph().parse(store)
    return {row["ref"]: graph.value(claim(row["ref"]), CKG.recipient) for row in table_rows()}


def test_a_default_is_a_template_of_the_row(tmp_path: Path) -> None:
    # Issue 15: `default = "{sponsor}"` was a constant, and an actor named "{sponsor}" got
    # 37 of 38 claims. The default reads the row, as the value does.
    from kg.actors import resolve

    mapping = _with_recipient(
        tmp_path,
        'recipient = { name = { value = "{ref}", map = { "t1" = "Damascus" }, '
        'default = "{recipient}" } }',
    )
    result = import_csv(TABLE, mapping, tmp_path / "mapped.ttl")
    assert not any("{" in label for _iri, label in result.new_actors)
    import_csv(TABLE, MAPPING, tmp_path / "plain.ttl")
    mapped, plain = _recipients(tmp_path / "mapped.ttl"), _recipients(tmp_path / "plain.ttl")
    # The rows of support claims have a recipient (the others' relations have parties).
    assert [ref for ref in plain if plain[ref] is not None] == ["t1", "t2"]
    assert {ref: mapped[ref] for ref in mapped if ref != "t1"} == {
        ref: plain[ref] for ref in plain if ref != "t1"
    }
    damascus = resolve(KnowledgeGraph.open(), "Damascus").iri
    assert mapped["t1"] == damascus != plain["t1"]


@pytest.mark.parametrize(
    ("mapped", "says"),
    [
        # A reference left in a name, from a map's text: no actor is called that.
        (
            'map = { "t3" = "{recipient}" }, default = "{recipient}"',
            "'{recipient}' still holds a {column}",
        ),
        # A default that reads a column the table lacks.
        ('map = { "t1" = "Damascus" }, default = "{sponsor}"', "default: reads the column 'sp"),
    ],
)
def test_a_default_or_map_that_names_no_actor_is_refused(
    tmp_path: Path, mapped: str, says: str
) -> None:
    mapping = _with_recipient(
        tmp_path, f'recipient = {{ name = {{ value = "{{ref}}", {mapped} }} }}'
    )
    with pytest.raises(BadImport) as raised:
        import_csv(TABLE, mapping, tmp_path / "mine.ttl")
    assert says in str(raised.value)
    assert not (tmp_path / "mine.ttl").exists()


YEARS = "sponsor;group;year\n" + "".join(
    f"Iran;Damascus;{year}\n" for year in ("2008", "2009.0", "2010", "2011", "2015", "n/a")
)


def _years_kept(tmp_path: Path, rows: str) -> list[str] | str:
    """The years whose rows a `[rows]` section keeps, or the refusal's message."""
    table = tmp_path / "years.csv"
    table.write_text(YEARS, encoding="utf-8")
    mapping = tmp_path / "years.toml"
    mapping.write_text(
        f'[table]\ndelimiter = ";"\n\n[rows]\n{rows}\n\n'
        '[source]\ntitle = "My notes"\ntype = "document"\n\n'
        '[claim]\nbacker = "{sponsor}"\nrecipient = "{group}"\nrecord = "{year}"\n',
        encoding="utf-8",
    )
    store = tmp_path / f"kept-{abs(hash(rows))}.ttl"
    try:
        import_csv(table, mapping, store)
    except BadImport as error:
        return str(error)
    graph = Graph().parse(store)
    return sorted(str(r) for r in graph.objects(None, CKG.recordId))


@pytest.mark.parametrize(
    ("rows", "kept"),
    [
        ('keep_if = { year = ">=2010" }', ["2010", "2011", "2015"]),
        ('keep_if = { year = ">2010" }', ["2011", "2015"]),
        ('keep_if = { year = "<= 2009" }', ["2008", "2009.0"]),  # the record as written
        ('keep_if = { year = "2009..2011" }', ["2009.0", "2010", "2011"]),
        ('keep_if = { year = ["<2009", "2015", "n/a"] }', ["2008", "2015", "n/a"]),
        ('skip_if = { year = "2009..2011" }', ["2008", "2015", "n/a"]),
        ("keep_if = { year = 2010 }", ["2010"]),
    ],
)
def test_rows_are_kept_by_comparing_a_column(tmp_path: Path, rows: str, kept: list[str]) -> None:
    # Issue 15: `keep_if = { year = ">=2010" }` was a literal match, and kept nothing.
    assert _years_kept(tmp_path, rows) == kept


@pytest.mark.parametrize(
    ("rows", "says"),
    [
        ('keep_if = { year = ">=twenty" }', "'twenty' is not a number to compare with"),
        ('keep_if = { year = "2015..2010" }', "runs from a larger number to a smaller one"),
    ],
)
def test_a_comparison_with_no_number_is_refused(tmp_path: Path, rows: str, says: str) -> None:
    message = _years_kept(tmp_path, rows)
    assert isinstance(message, str) and "[rows] keep_if year" in message and says in message


def test_an_actor_known_by_another_name_only_is_found_and_shown_by_it(tmp_path: Path) -> None:
    from kg.importers.resolve import ActorIndex

    data = tmp_path / "zeta.ttl"
    data.write_text(
        "@prefix ckg: <https://w3id.org/conflict-kg/ontology#> .\n"
        "@prefix ck: <https://w3id.org/conflict-kg/id/> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        'ck:zeta a ckg:RebelGroup ; skos:altLabel "Zeta Front"@en .\n',
        encoding="utf-8",
    )
    index = ActorIndex.read(KnowledgeGraph.open([data]))
    assert index.find("zeta front") == {ck("zeta")}
    assert index.label(ck("zeta")) == "Zeta Front"  # not the folded key "zeta front"
    assert index.in_graph(ck("zeta")) and not index.in_graph(ck("nobody"))
    assert index.find("Nobody at all") == set()


def test_a_new_actor_with_a_known_name_is_flagged_with_the_merge_to_run(tmp_path: Path) -> None:
    table = tmp_path / "own-ids.csv"
    table.write_text("sponsor;group\nIran;Damascus\n", encoding="utf-8")
    mapping = tmp_path / "own-ids.toml"
    mapping.write_text(
        '[table]\ndelimiter = ";"\n\n[source]\ntitle = "My notes"\ntype = "document"\n\n'
        '[claim]\nbacker = { name = "{sponsor}", iri = "ck:my-iran" }\nrecipient = "{group}"\n',
        encoding="utf-8",
    )
    out = tmp_path / "mine.ttl"
    result = CliRunner().invoke(
        import_group, ["csv", str(table), "--mapping", str(mapping), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert (
        "check: the new actor ck:my-iran has the name 'Iran' of ck:iran; if they are one "
        "actor: kg actors merge ck:my-iran ck:iran"
    ) in result.output.splitlines()
