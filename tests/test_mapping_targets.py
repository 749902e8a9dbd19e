"""Every claim class of the ontology, and agreements and talks, as targets of a mapping;
kinds of alliance and a claim's conflict (issue 15, item 6).

Tables are read through their mappings against the bundled data (nothing written), except
one import of a PA-X-like table, which the shapes must pass.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from kg.errors import BadImport
from kg.graph import KnowledgeGraph
from kg.importers import import_csv
from kg.importers.mapping import load_mapping, read_with_mapping
from kg.importers.model import Batch
from kg.importers.resolve import ActorIndex
from kg.vocab import CKG
from kg.vocabulary import Vocabulary

CK = "https://w3id.org/conflict-kg/id/"
NS = str(CKG._NS)
SOURCE = '[source]\ntitle = "My notes"\ntype = "document"\n\n'
PAX = (
    "AgtId,Agt,Dat,Part,ThrdPart,con\n"
    "2093,Memorandum on de-escalation zones,2017-05-04,Russia; Iran; Turkey,Kazakhstan,299\n"
)
AGREEMENT = (
    '[agreement]\nid = "pax-{AgtId}"\nname = "{Agt}"\ndate = "{Dat}"\nclass = "ceasefire"\n\n'
)


def ck(name: str) -> URIRef:
    return URIRef(CK + name)


def ckg(name: str) -> URIRef:
    return URIRef(NS + name)


@pytest.fixture(scope="module")
def kg() -> KnowledgeGraph:
    return KnowledgeGraph.open()


def read(kg: KnowledgeGraph, tmp_path: Path, table: str, mapping: str) -> Batch:
    (tmp_path / "table.csv").write_text(table, encoding="utf-8")
    (tmp_path / "map.toml").write_text(mapping, encoding="utf-8")
    spec = load_mapping(tmp_path / "map.toml", Vocabulary.of(kg))
    return read_with_mapping(tmp_path / "table.csv", spec, ActorIndex.read(kg))


def refusal(kg: KnowledgeGraph, tmp_path: Path, table: str, mapping: str) -> str:
    with pytest.raises(BadImport) as raised:
        read(kg, tmp_path, table, mapping)
    return str(raised.value)


def test_an_agreement_table_gives_the_agreement_and_its_signatories(
    kg: KnowledgeGraph, tmp_path: Path
) -> None:
    # Issue 15: `relation` took support, alliance and opposition only, and an agreement
    # was "no class of actor".
    batch = read(
        kg,
        tmp_path,
        PAX,
        SOURCE + AGREEMENT + '[claim]\nid = "{AgtId}"\nrelation = "signatory"\n'
        'signatory = { name = "{Part}", split = ";" }\n',
    )
    agreement = ck("pax-2093")
    assert {(c.kind, c.from_role, c.subject, c.to_role, c.object) for c in batch.claims} == {
        (ckg("SignatoryClaim"), ckg("signatory"), ck(s), ckg("agreement"), agreement)
        for s in ("russia", "iran", "turkey")
    }
    node = batch.entities[agreement]
    assert node.types == (ckg("Ceasefire"),) and node.label == "Memorandum on de-escalation zones"
    assert (DCTERMS.date, Literal(date(2017, 5, 4))) in node.properties


def test_third_parties_of_talks_the_data_has_and_people_in_office(
    kg: KnowledgeGraph, tmp_path: Path
) -> None:
    batch = read(
        kg,
        tmp_path,
        "who,what,kind\nKazakhstan,Astana 4,hosting\nRussia,ck:astana-4,mediation\n",
        SOURCE + '[claim]\nrelation = "{kind}"\nbacker = "{who}"\ntalks = "{what}"\n',
    )
    assert {(c.kind, c.object) for c in batch.claims} == {
        (ckg("HostingClaim"), ck("astana-4")),
        (ckg("MediationClaim"), ck("astana-4")),
    }
    batch = read(
        kg,
        tmp_path,
        "person,state\nAnna Example,Russia\n",
        SOURCE + '[claim]\nrelation = "envoy"\nenvoy = "{person}"\nprincipal = "{state}"\n',
    )
    [claim] = batch.claims
    assert (claim.kind, claim.object) == (ckg("EnvoyClaim"), ck("russia"))
    assert batch.actors[claim.subject].types == {ckg("Person")}  # the role's range


def test_an_alliance_of_two_parties_with_its_kinds_and_conflict(
    kg: KnowledgeGraph, tmp_path: Path
) -> None:
    batch = read(
        kg,
        tmp_path,
        'a,b,kinds,con\nRussia,Syria,"defense, consul",299\n',
        SOURCE + '[claim]\nrelation = "alliance"\nparty = ["{a}", "{b}"]\n'
        'alliance_kind = "{kinds}"\nconflict = "{con}"\n',
    )
    [claim] = batch.claims
    assert {claim.subject, claim.object} == {ck("russia"), ck("syria")}
    assert set(claim.extra) == {
        (CKG.allianceKind, ckg("DefencePact")),
        (CKG.allianceKind, ckg("ConsultationPact")),
        (CKG.conflict, ck("ucdp-conflict-299")),
    }
    conflict = batch.entities[ck("ucdp-conflict-299")]
    assert conflict.types == (CKG.ArmedConflict,)


@pytest.mark.parametrize(
    ("claim", "says"),
    [
        # The valid relations are listed, read from the ontology (witness is in records.ttl).
        ('relation = "sponsorship"\nbacker = "{a}"\nrecipient = "{b}"', "witness"),
        ('relation = "signatory"\nsignatory = "{a}"\nmediator = "{b}"', "[claim] mediator: is no"),
        ('relation = "signatory"\nsignatory = "{a}"', "[claim] agreement: is missing"),
        ('relation = "alliance"\nparty = "{a}"', "[claim] party: must be a list of the two"),
    ],
)
def test_a_relation_and_its_roles_are_checked(
    kg: KnowledgeGraph, tmp_path: Path, claim: str, says: str
) -> None:
    message = refusal(kg, tmp_path, "a,b\nRussia,Syria\n", SOURCE + f"[claim]\n{claim}\n")
    assert says in message
    if says == "witness":
        assert "signatory" in message and "no kind of relation" in message


@pytest.mark.parametrize(
    ("table", "claim", "says"),
    [
        ("a,b,k\nRussia,Syria,defense\n", 'alliance_kind = "{k}"', "to a support claim"),
        (
            "a,b,k\nRussia,Syria,mutual love\n",
            'relation = "alliance"\nalliance_kind = "{k}"',
            "'mutual love' is no kind of alliance",
        ),
        ("a,b,k\nRussia,Syria,x\n", 'conflict = "{k}"', "'x' is not a UCDP conflict id"),
    ],
)
def test_a_bad_attribute_is_refused_naming_row_and_column(
    kg: KnowledgeGraph, tmp_path: Path, table: str, claim: str, says: str
) -> None:
    message = refusal(
        kg, tmp_path, table, SOURCE + f'[claim]\nbacker = "{{a}}"\nrecipient = "{{b}}"\n{claim}\n'
    )
    assert "row 2, column k: " in message and says in message


def test_an_agreement_section_is_checked(kg: KnowledgeGraph, tmp_path: Path) -> None:
    message = refusal(
        kg,
        tmp_path,
        PAX,
        SOURCE
        + AGREEMENT.replace('"ceasefire"', '"treaty of love"')
        + '[claim]\nrelation = "signatory"\nsignatory = "{Part}"\n',
    )
    assert "[agreement] class: 'treaty of love' is no kind of agreement" in message
    message = refusal(kg, tmp_path, PAX, SOURCE + AGREEMENT + '[claim]\nbacker = "{Part}"\n')
    assert "[agreement]: is no role of a support claim" in message


def test_a_pax_like_table_imports_and_passes_the_shapes(tmp_path: Path) -> None:
    (tmp_path / "pax.csv").write_text(PAX, encoding="utf-8")
    (tmp_path / "pax.toml").write_text(
        SOURCE + AGREEMENT + '[claim]\nid = "{AgtId}"\nrelation = "signatory"\n'
        'signatory = { name = "{Part}", split = ";" }\nconflict = "{con}"\n',
        encoding="utf-8",
    )
    result = import_csv(tmp_path / "pax.csv", tmp_path / "pax.toml", tmp_path / "out.ttl")
    assert result.claims == 3 and result.written
    graph = Graph().parse(tmp_path / "out.ttl")
    agreement = ck("pax-2093")
    assert (agreement, RDF.type, ckg("Ceasefire")) in graph
    assert str(graph.value(agreement, RDFS.label)) == "Memorandum on de-escalation zones"
    assert set(graph.subjects(ckg("agreement"), agreement)) == {
        ck(f"source-my-notes-2093-{s}") for s in ("russia", "iran", "turkey")
    }


def test_a_pax_conflict_of_na_is_none(kg: KnowledgeGraph, tmp_path: Path) -> None:
    batch = read(
        kg,
        tmp_path,
        PAX.replace(",299\n", ",NA\n"),
        SOURCE + AGREEMENT + '[claim]\nrelation = "signatory"\nsignatory = { name = "{Part}", '
        'split = ";" }\nconflict = { value = "{con}", map = { NA = "" }, default = "{con}" }\n',
    )
    assert len(batch.claims) == 3 and not any(c.extra for c in batch.claims)


def test_an_agreement_the_alias_table_merges_is_the_data_s(
    kg: KnowledgeGraph, tmp_path: Path
) -> None:
    # data/agreement-aliases.ttl: PA-X 2093 is the bundled Astana memorandum. Its claims go
    # to that agreement, which keeps its own name and date (no second node, no second date).
    batch = read(
        kg,
        tmp_path,
        PAX,
        SOURCE
        + AGREEMENT.replace('"pax-{AgtId}"', '"pax-agreement-{AgtId}"')
        + '[claim]\nrelation = "signatory"\nsignatory = { name = "{Part}", split = ";" }\n',
    )
    assert {c.object for c in batch.claims} == {ck("de-escalation-memorandum-2017")}
    assert not batch.entities


ATOP_FLAGS = (
    'alliance_kind = { flags = { atop_defense = "defense", atop_nonagg = "nonagg", '
    'atop_consul = "consultation" } }\n'
)


def test_kinds_of_alliance_from_one_column_each(kg: KnowledgeGraph, tmp_path: Path) -> None:
    # ATOP's obligations: one 0/1 column per kind (issue 15: they had no place).
    batch = read(
        kg,
        tmp_path,
        "a,b,year,atop_defense,atop_nonagg,atop_consul\nRussia,Syria,2015,1.0,0,1\n",
        SOURCE
        + '[claim]\nrelation = "alliance"\nparty = ["{a}", "{b}"]\nduring = "{year}"\n'
        + ATOP_FLAGS,
    )
    [claim] = batch.claims
    assert set(claim.extra) == {
        (CKG.allianceKind, ckg("DefencePact")),
        (CKG.allianceKind, ckg("ConsultationPact")),
    }
    message = refusal(
        kg,
        tmp_path,
        "a,b,year,atop_defense,atop_nonagg,atop_consul\nRussia,Syria,2015,1,0,1\n",
        SOURCE
        + '[claim]\nrelation = "alliance"\nparty = ["{a}", "{b}"]\n'
        + ATOP_FLAGS.replace('"consultation"', '"friendship"'),
    )
    assert "[claim] alliance_kind flags: 'friendship' is no kind of alliance" in message
