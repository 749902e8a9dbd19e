"""The bundled data says what the two seed articles say (answers written from reading them)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from rdflib import Literal

from kg import queries
from kg.graph import KnowledgeGraph
from kg.vocab import ID

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def labels(kg: KnowledgeGraph, text: str, **bindings: object) -> list[tuple[str, ...]]:
    rows = kg.select(queries.from_text(text), bindings)  # type: ignore[arg-type]
    return sorted(tuple(str(row[c]) for c in rows.columns) for row in rows.rows)


def test_who_backs_whom(astana_graph: KnowledgeGraph) -> None:
    rows = astana_graph.select("who-backs-whom").rows
    found = sorted(
        (
            str(r["backer_label"]),
            str(r["recipient_label"]),
            str(r["status"]),
            str(r["end"] or ""),
            str(r["source"]).rsplit("/", 1)[-1],
        )
        for r in rows
    )
    assert found == [
        ("Turkey", "Syrian armed opposition", "asserted", "", "article-000"),
        ("Turkey", "Syrian armed opposition", "asserted", "", "article-004"),
        ("United States", "Kurdish-led militias", "asserted", "", "article-000"),
        ("United States", "Syrian armed opposition", "ended", "2017-07-01", "article-000"),
    ]


def test_us_support_to_rebels_ended_in_july_2017(astana_graph: KnowledgeGraph) -> None:
    [row] = astana_graph.select(
        "who-backs-whom",
        {"backer": ID["united-states"], "recipient": ID["syrian-armed-opposition"]},
    ).rows
    assert (str(row["end"]), str(row["end_precision"])) == ("2017-07-01", "month")
    assert "ended CIA support to rebel groups" in str(row["quote"])


def test_allies_of_the_syrian_government(astana_graph: KnowledgeGraph) -> None:
    assert labels(
        astana_graph,
        """
        SELECT ?name WHERE { ?ally ckg:alliedWith ck:syrian-government ; rdfs:label ?name }
    """,
    ) == [("Iran",), ("Russia",)]


def test_mediators_by_source(astana_graph: KnowledgeGraph) -> None:
    found = labels(
        astana_graph,
        """
        SELECT ?mediator ?talks ?source WHERE {
            ?c a ckg:MediationClaim ; ckg:mediator/rdfs:label ?mediator ;
               ckg:talks/rdfs:label ?talks ; ckg:source ?s .
            BIND (STRAFTER(STR(?s), "/id/") AS ?source)
        }""",
    )
    mediators = {(m, s) for m, _t, s in found}
    # 000: "Iran and Turkey are also present at the meetings to mediate"
    assert {("Iran", "article-000"), ("Turkey", "article-000")} <= mediators
    # 004: "Iran, Russia, Turkey-brokered talks"; "UN-sponsored talks"
    assert {
        ("Iran", "article-004"),
        ("Russia", "article-004"),
        ("Turkey", "article-004"),
        ("United Nations", "article-004"),
    } <= mediators
    assert ("Russia", "article-000") not in mediators


def test_sochi_initiative(astana_graph: KnowledgeGraph) -> None:
    found = labels(
        astana_graph,
        """
        SELECT ?proposer ?round ?place WHERE {
            ?a a ckg:Initiative ; ckg:proposedBy/rdfs:label ?proposer ;
               ckg:producedBy/ckg:roundNumber ?round ; ckg:place/rdfs:label ?place }""",
    )
    assert found == [("Russia", "7", "Sochi")]
    signatories = labels(
        astana_graph,
        """
        SELECT ?name WHERE { ?a a ckg:Initiative . ?who ckg:signatoryOf ?a ; rdfs:label ?name }""",
    )
    assert signatories == [("Iran",), ("Russia",), ("Turkey",)]


def test_astana_rounds_and_dates(astana_graph: KnowledgeGraph) -> None:
    found = labels(
        astana_graph,
        """
        SELECT ?n ?start ?precision WHERE {
            ?r a ckg:TalksRound ; ckg:partOfProcess ck:astana-process ; ckg:roundNumber ?n ;
               ckg:start ?start ; ckg:startPrecision/rdfs:label ?precision }""",
    )
    by_round = {int(n): (start, precision) for n, start, precision in found}
    assert by_round[1] == ("2017-01-01", "month")  # "began in January"
    assert by_round[4] == ("2017-05-01", "month")  # "The fourth round ... in May"
    assert by_round[8] == ("2017-12-21", "day")  # "kicked off on Thursday"


def test_damascus_names_the_syrian_government(astana_graph: KnowledgeGraph) -> None:
    found = labels(
        astana_graph,
        "SELECT ?actor WHERE { ?actor skos:altLabel ?name }",
        name=Literal("Damascus", lang="en"),
    )
    assert found == [(str(ID["syrian-government"]),)]


def test_every_quote_is_verbatim_in_its_seed(astana_graph: KnowledgeGraph) -> None:
    if not SEEDS.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"the seed articles are missing: {SEEDS}")
        pytest.skip(f"the seed articles are not beside the repository ({SEEDS})")
    rows = astana_graph.select(
        queries.from_text("""
        SELECT ?claim ?quote ?seed WHERE {
            ?claim a/rdfs:subClassOf* ckg:Claim ; ckg:quote ?quote ; ckg:source/ckg:seedFile ?seed
        }""")
    ).rows
    assert len(rows) == 58
    texts = {
        path.name: " ".join(path.read_text(encoding="utf-8").split()) for path in SEEDS.iterdir()
    }
    missing = [
        str(r["claim"])
        for r in rows
        if " ".join(str(r["quote"]).split()) not in texts[str(r["seed"])]
    ]
    assert missing == []
    assert all(re.fullmatch(r"\d{3}_[0-9a-f]{16}\.txt", str(r["seed"])) for r in rows)
