"""The gold set for the extraction benchmark (issue 17, item 4b): short articles on other
conflicts in tests/data/extract/, each with its hand-made gold claims. These tests keep the
gold honest before any extractor reads it: every gold file is valid data in the project's
model, every quote is a sentence of its article, and the set covers the claim kinds and
statuses the benchmark scores."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS

import kg
from kg import resources

CKG = Namespace("https://w3id.org/conflict-kg/ontology#")
EXTRACT_DIR = Path(__file__).parent / "data" / "extract"
ARTICLES = sorted(EXTRACT_DIR.glob("*.txt"))
GOLD_FILES = sorted(EXTRACT_DIR.glob("*.gold.ttl"))
CLAIM_KINDS = {
    CKG.SupportClaim,
    CKG.AllianceClaim,
    CKG.OppositionClaim,
    CKG.MediationClaim,
    CKG.HostingClaim,
    CKG.ParticipationClaim,
    CKG.SignatoryClaim,
    CKG.GuaranteeClaim,
    CKG.EnvoyClaim,
    CKG.OfficeClaim,
}
STATUSES = {CKG.Asserted, CKG.Alleged, CKG.Denied, CKG.Ended}


def _gold_path(article: Path) -> Path:
    return article.with_name(article.name.removesuffix(".txt") + ".gold.ttl")


def _claims(graph: Graph) -> list[tuple[URIRef, URIRef]]:
    """(claim, its class) for every claim node of a gold graph."""
    return sorted(
        (s, o)
        for s, o in graph.subject_objects(RDF.type)
        if isinstance(s, URIRef) and isinstance(o, URIRef) and o in CLAIM_KINDS
    )


def test_the_set_has_at_least_eight_articles_each_with_its_gold() -> None:
    assert len(ARTICLES) >= 8
    assert [_gold_path(a) for a in ARTICLES] == GOLD_FILES


@pytest.mark.parametrize("article", ARTICLES, ids=lambda p: p.stem)
def test_article_is_short_plain_news_text(article: Path) -> None:
    text = article.read_text(encoding="utf-8")
    assert 150 <= len(text.split()) <= 300


@pytest.mark.parametrize("article", ARTICLES, ids=lambda p: p.stem)
def test_gold_quotes_are_sentences_of_the_article(article: Path) -> None:
    text = article.read_text(encoding="utf-8")
    gold = Graph().parse(_gold_path(article), format="turtle")
    claims = _claims(gold)
    assert len(claims) >= 6
    documents = set(gold.subjects(RDF.type, CKG.NewsArticle))
    assert len(documents) == 1
    (document,) = documents
    assert isinstance(gold.value(document, DCTERMS.date), Literal)
    for claim, _kind in claims:
        quotes = list(gold.objects(claim, CKG.quote))
        assert len(quotes) == 1, claim
        assert str(quotes[0]) in text, claim
        assert gold.value(claim, CKG.source) == document, claim
        assert gold.value(claim, CKG.status) in STATUSES, claim


@pytest.mark.parametrize("gold", GOLD_FILES, ids=lambda p: p.name.removesuffix(".gold.ttl"))
def test_gold_conforms_to_the_shapes_with_the_bundled_data(gold: Path) -> None:
    # The states the gold names (ck:sweden, ck:rwanda...) are those of the bundled crosswalk.
    states = [p for p in resources.reference_files() if p.name == "states.ttl"]
    with kg.open(add=[*states, gold]) as graph:
        report = graph.validate()
    violations = [r for r in report.results if r.severity == "Violation"]
    assert report.conforms, violations[:5]


def test_the_set_covers_six_kinds_and_every_status() -> None:
    kinds: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    for path in GOLD_FILES:
        gold = Graph().parse(path, format="turtle")
        for claim, kind in _claims(gold):
            kinds[kind.fragment] += 1
            statuses[str(gold.value(claim, CKG.status)).rsplit("#", 1)[-1]] += 1
    assert len(kinds) >= 6, kinds
    assert set(statuses) == {s.fragment for s in STATUSES}, statuses
