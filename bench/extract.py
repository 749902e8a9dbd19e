"""How well and how fast `kg extract` reads news (issue 17, items 4 and 5).

    .venv/bin/python bench/extract.py [--quality] [--speed] [--sentences N] [--show]

Quality: runs the extractor on each gold set and prints precision, recall and F1 per kind
of claim and over the scored kinds, and the share of matched claims whose status is right
(bench/eval_extract.py scores):

- (a) the two bundled articles, ../shared/seeds/, against the hand-made claims of data/
  (claims-000.ttl, claims-004.ttl), each read with the date data/sources.ttl gives it;
- (b) the eight articles of tests/data/extract/, each against NAME.gold.ttl, read with the
  date its gold gives;
- (c) the held-out articles of tests/data/extract-heldout/, the same way, written by
  someone who did not see the extractor, and read by its author only once its rules
  were frozen.

Speed: the articles of (a), (b) and (c) read again and again in one process on one core
until N sentences (default 5,000) are read; prints sentences a second and the process's
peak memory. The graph is opened and the gazetteer built before the clock starts (a row of
its own), as `kg extract` does once per run.

``--show`` prints each article's missed and wrong claims, for whoever improves the rules.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from datetime import date
from pathlib import Path
from tempfile import TemporaryDirectory

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import eval_extract  # noqa: E402

from kg import crosswalk  # noqa: E402
from kg.extract import Article, extract, gazetteer_of  # noqa: E402
from kg.extract_text import Gazetteer  # noqa: E402
from kg.graph import KnowledgeGraph  # noqa: E402
from kg.vocab import CKG  # noqa: E402

SEEDS = REPO.parent / "shared" / "seeds"
SETS = {
    "b": REPO / "tests" / "data" / "extract",
    "c": REPO / "tests" / "data" / "extract-heldout",
    "d": REPO / "tests" / "data" / "extract-heldout2",
}


def _gold_day(gold: Path) -> date | None:
    graph = Graph()
    graph.parse(gold, format="turtle")
    for article in graph.subjects(RDF.type, CKG.NewsArticle):
        value = graph.value(article, DCTERMS.date)
        if isinstance(value, Literal):
            return date.fromisoformat(str(value))
    return None


def articles_of(name: str) -> list[tuple[Path, Article]]:
    """The (gold file, article) pairs of set ``name``; none where its files are absent."""
    if name == "a":
        if not SEEDS.is_dir():
            return []
        sources = Graph()
        sources.parse(REPO / "data" / "sources.ttl", format="turtle")
        found = []
        for article, seed in sorted(sources.subject_objects(CKG._NS.seedFile)):
            assert isinstance(article, URIRef)
            day = sources.value(article, DCTERMS.date)
            number = str(article).rsplit("-", 1)[-1]
            text = (SEEDS / str(seed)).read_text(encoding="utf-8")
            found.append(
                (
                    REPO / "data" / f"claims-{number}.ttl",
                    Article(text, str(seed), date.fromisoformat(str(day))),
                )
            )
        return found
    folder = SETS[name]
    return [
        (
            gold,
            Article(
                gold.with_name(gold.name.replace(".gold.ttl", ".txt")).read_text(encoding="utf-8"),
                gold.name.replace(".gold.ttl", ".txt"),
                _gold_day(gold),
            ),
        )
        for gold in sorted(folder.glob("*.gold.ttl"))
    ]


def gazetteer(store: str | None = None) -> tuple[Gazetteer, dict[str, str]]:
    """The gazetteer `kg extract` builds: of the bundled data, or of an Oxigraph store."""
    from kg.graph import StoreSpec

    spec = StoreSpec(folder=Path(store)) if store else None
    kg = KnowledgeGraph.open(store=spec)
    return gazetteer_of(
        [dict(r) for r in kg.select("extract-names").rows], crosswalk.bundled().states
    )


def quality(name: str, show: bool) -> eval_extract.Scores | None:
    pairs = articles_of(name)
    if not pairs:
        return None
    names, governments = gazetteer()
    with TemporaryDirectory() as folder:
        files = []
        for gold, article in pairs:
            out = Path(folder) / f"{article.name}.ttl"
            extract([article], names, governments).graph.serialize(out, format="turtle")
            files.append((gold, out))
        result = eval_extract.evaluate(files)
        if show:
            _show(files)
    return result


def _show(files: list[tuple[Path, Path]]) -> None:
    roles = eval_extract._roles(eval_extract._ontology())
    for gold_path, candidate_path in files:
        gold, found = Graph(), Graph()
        gold.parse(gold_path)
        found.parse(candidate_path)
        g = eval_extract.claims_of(gold, roles)
        c = eval_extract.claims_of(found, roles)
        scores = eval_extract.score(g, c)
        matched_gold = {a for a, _b in scores.pairs}
        matched_found = {b for _a, b in scores.pairs}
        print(f"\n## {candidate_path.name}")
        for claim in g:
            if claim.iri not in matched_gold:
                print("  missed", _line(claim))
        for claim in c:
            if claim.iri not in matched_found:
                print("  wrong ", _line(claim))


def _line(claim: eval_extract.Found) -> str:
    roles = "; ".join(
        f"{r}=" + min((n for n in names if not n.startswith("http")), default=min(names))
        for r, names in claim.roles
    )
    return f"{claim.kind[:-5]} {claim.status} {roles}"


def speed(sentences: int, store: str | None) -> None:
    started = time.perf_counter()
    names, governments = gazetteer(store)
    ready = time.perf_counter() - started
    texts = [a for n in ("a", "b", "c", "d") for _g, a in articles_of(n)]
    read = claims = 0
    started = time.perf_counter()
    while read < sentences:
        for article in texts:
            result = extract([article], names, governments)
            read += result.sentences
            claims += result.claims
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("| what | sentences | claims | seconds | sentences/s | peak memory |")
    print("|---|---|---|---|---|---|")
    where = f"the store {store}" if store else "the bundled graph"
    print(
        f"| open {where}, build the gazetteer ({len(names.names):,} names) | - | - | "
        f"{ready:.2f} | - | - |"
    )
    print(
        f"| kg extract, {len(texts)} articles read again and again | {read:,} | {claims:,} | "
        f"{seconds:.1f} | {read / seconds:,.0f} | {peak:,.0f} MiB |"
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quality", action="store_true")
    parser.add_argument("--speed", action="store_true")
    parser.add_argument("--sentences", type=int, default=5000)
    parser.add_argument("--show", action="store_true")
    parser.add_argument("--sets", default="abcd")
    parser.add_argument("--store", help="build the gazetteer of this Oxigraph store (speed)")
    args = parser.parse_args(argv)
    both = not (args.quality or args.speed)
    if args.quality or both:
        for name in args.sets:
            title = {
                "a": "(a) the two bundled articles",
                "b": "(b) eight articles",
                "c": "(c) held-out articles",
                "d": "(d) second held-out articles",
            }[name]
            result = quality(name, args.show)
            if result is None:
                print(f"\n{title}: files absent, not measured")
                continue
            print(f"\n{title}\n")
            print(eval_extract.table(result))
    if args.speed or both:
        print()
        speed(args.sentences, args.store)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
