"""The scorer of issue 17's extraction benchmark (bench/eval_extract.py), on the gold set of
tests/data/extract: gold against itself scores 1, and a candidate file with known faults
scores exactly what they cost."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, XSD

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

import eval_extract  # noqa: E402

CKG = Namespace("https://w3id.org/conflict-kg/ontology#")
CK = Namespace("https://w3id.org/conflict-kg/id/")
GOLD = sorted((REPO / "tests" / "data" / "extract").glob("*.gold.ttl"))
LIBYA = REPO / "tests" / "data" / "extract" / "libya.gold.ttl"


def test_gold_against_itself_scores_one_everywhere() -> None:
    assert len(GOLD) >= 8
    result = eval_extract.evaluate([(g, g) for g in GOLD])
    for kind, found in result.kinds.items():
        assert (found.precision, found.recall, found.status_share, found.dates_share) == (
            1.0,
            1.0,
            1.0,
            1.0,
        ), kind
    overall = result.overall()
    assert overall.gold == overall.matched > 50


def test_known_faults_cost_what_they_should(tmp_path: Path) -> None:
    gold = Graph().parse(LIBYA, format="turtle")
    candidates = Graph().parse(LIBYA, format="turtle")
    support = sorted(candidates.subjects(RDF.type, CKG.SupportClaim), key=str)
    # 1. one support claim missed
    candidates.remove((support[0], None, None))
    # 2. one support claim with the wrong status
    candidates.set((support[1], CKG.status, CKG.Alleged))
    # 3. the LNA under an IRI of the extractor's own, named by one of the gold's names
    lna, minted = CK["libyan-national-army"], CK["lna-candidate"]
    for s, p, o in list(candidates.triples((None, None, lna))):
        candidates.remove((s, p, o))
        candidates.add((s, p, minted))
    candidates.add((minted, RDF.type, CKG.ArmedGroup))
    candidates.add((minted, RDFS.label, Literal("LNA", lang="en")))
    # 5. one support claim with a start the gold does not give it
    dated = next(c for c in support[2:] if candidates.value(c, CKG.start) is None)
    candidates.add((dated, CKG.start, Literal("2019-01-01", datatype=XSD.date)))
    # 4. one support claim the text does not make
    false = CK["false-claim"]
    for triple in (
        (false, RDF.type, CKG.SupportClaim),
        (false, CKG.backer, CK["egypt"]),
        (false, CKG.recipient, CK["turkey"]),
        (false, CKG.status, CKG.Asserted),
    ):
        candidates.add(triple)
    path = tmp_path / "candidates.ttl"
    candidates.serialize(path, format="turtle")
    result = eval_extract.evaluate([(LIBYA, path)])
    n = len(list(gold.subjects(RDF.type, CKG.SupportClaim)))
    found = result.kinds["SupportClaim"]
    assert (found.gold, found.found, found.matched) == (n, n, n - 1)
    assert found.status_right == n - 2
    assert found.dates_right == n - 2  # the missed claim, and the one dated wrongly
    assert found.precision == pytest.approx((n - 1) / n)
    assert found.recall == pytest.approx((n - 1) / n)


def test_the_parties_of_a_symmetric_claim_match_in_either_order() -> None:
    a, b, c = URIRef("urn:a"), URIRef("urn:b"), URIRef("urn:c")
    names = {a: frozenset({"urn:a"}), b: frozenset({"urn:b"}), c: frozenset({"urn:c"})}

    def claim(iri: str, one: URIRef, two: URIRef) -> eval_extract.Found:
        return eval_extract.Found(
            iri, "OppositionClaim", (("party", names[one]), ("party", names[two])), True, "Asserted"
        )

    result = eval_extract.score([claim("g", a, b)], [claim("x", b, a), claim("y", a, c)])
    found = result.kinds["OppositionClaim"]
    assert (found.gold, found.found, found.matched) == (1, 2, 1)
    assert result.pairs == [("g", "x")]


def test_the_command_prints_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert eval_extract.main([str(LIBYA), str(LIBYA)]) == 0
    out = capsys.readouterr().out
    assert "| overall (scored kinds) |" in out and "| 1.00 | 1.00 | 1.00 | 1.00 | 1.00 |" in out
    assert eval_extract.main([str(LIBYA)]) == 2
