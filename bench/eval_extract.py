"""Score candidate claims against gold claims (issue 17, item 4): precision, recall and F1
per kind of claim and overall, and how often the status of a matched claim is right.

    .venv/bin/python bench/eval_extract.py GOLD.ttl CANDIDATES.ttl [GOLD2 CAND2 ...]

Each pair is one article: its gold claims (tests/data/extract/NAME.gold.ttl, or the
bundled data's claims of one article) and what an extractor proposed for it, both in the
data's own model. A candidate matches a gold claim of the same article when they have the
same class and the same actor in each role (both parties of a symmetric relation, in
either order). Two actors are the same when they have the same IRI or share a name
(rdfs:label or skos:altLabel, folded as kg.names folds names): an extractor may mint its
own IRI for an actor the gold declares (ck:houthis against ck:houthi-movement, both
"Houthis"). Each gold claim matches one candidate at most. The status is scored on the
matched pairs only: asserted against alleged, denied or ended.

The dates are scored on the matched pairs too: right when start and end (with their
precision) are those of the gold claim, both absent included.

The overall figures are over the kinds the issue scores (support, alliance, opposition,
mediation, hosting, envoy, office); the table lists every kind found.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SKOS
from rdflib.term import Node

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from kg.names import normalise  # noqa: E402

CKG = Namespace("https://w3id.org/conflict-kg/ontology#")
#: The kinds whose precision and recall the issue sets targets for.
SCORED = (
    "SupportClaim",
    "AllianceClaim",
    "OppositionClaim",
    "MediationClaim",
    "HostingClaim",
    "EnvoyClaim",
    "OfficeClaim",
)


#: Roles whose value is talks or an agreement, not an actor. They are not compared by name:
#: an extractor names the talks of an article its own way ("talks reported in ..."), and
#: what is scored is the actor's role in them. A claim without them still does not match
#: one with them.
UNNAMED = frozenset({"talks", "agreement"})


@dataclass(frozen=True)
class Found:
    """One claim of a file: its class, its actors by role, its status."""

    iri: str
    kind: str
    roles: tuple[tuple[str, frozenset[str]], ...]  # role -> the names of its actor
    symmetric: bool
    status: str
    dates: tuple[str, str] = ("", "")  # start and end as "date/precision", "" where none


@dataclass
class Score:
    """Counts of one kind of claim."""

    gold: int = 0
    found: int = 0
    matched: int = 0
    status_right: int = 0
    dates_right: int = 0

    @property
    def precision(self) -> float | None:
        return self.matched / self.found if self.found else None

    @property
    def recall(self) -> float | None:
        return self.matched / self.gold if self.gold else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if not p or not r:
            return 0.0 if p is not None and r is not None else None
        return 2 * p * r / (p + r)

    @property
    def status_share(self) -> float | None:
        return self.status_right / self.matched if self.matched else None

    @property
    def dates_share(self) -> float | None:
        return self.dates_right / self.matched if self.matched else None

    def add(self, other: Score) -> None:
        self.gold += other.gold
        self.found += other.found
        self.matched += other.matched
        self.status_right += other.status_right
        self.dates_right += other.dates_right


@dataclass
class Scores:
    """The scores of every kind, and the pairs matched (gold IRI, candidate IRI)."""

    kinds: dict[str, Score] = field(default_factory=lambda: defaultdict(Score))
    pairs: list[tuple[str, str]] = field(default_factory=list)

    def overall(self, kinds: Iterable[str] = SCORED) -> Score:
        total = Score()
        for kind in kinds:
            if kind in self.kinds:
                total.add(self.kinds[kind])
        return total


def _ontology() -> Graph:
    graph = Graph()
    for path in sorted((REPO / "ontology").glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def _roles(ontology: Graph) -> dict[str, tuple[URIRef, URIRef]]:
    """Each claim class (by local name) with its two role properties."""
    found = {}
    for kind in ontology.subjects(CKG.fromRole, None):
        from_role = ontology.value(kind, CKG.fromRole)
        to_role = ontology.value(kind, CKG.toRole)
        if isinstance(from_role, URIRef) and isinstance(to_role, URIRef):
            found[str(kind).rsplit("#", 1)[-1]] = (from_role, to_role)
    return found


def _names(graph: Graph, actor: URIRef) -> frozenset[str]:
    names = {str(actor)}
    for prop in (RDFS.label, SKOS.altLabel, SKOS.prefLabel):
        names |= {normalise(str(o)) for o in graph.objects(actor, prop) if isinstance(o, Literal)}
    return frozenset(names)


def claims_of(graph: Graph, roles: dict[str, tuple[URIRef, URIRef]]) -> list[Found]:
    """The claims of ``graph`` whose class has roles, with their actors' names."""
    found = []
    for kind, (from_role, to_role) in sorted(roles.items()):
        for claim in sorted(graph.subjects(RDF.type, CKG[kind]), key=str):
            status = graph.value(claim, CKG.status)
            if from_role == to_role:
                sides = sorted(graph.objects(claim, from_role), key=str)
                given = [("party", _names(graph, s)) for s in sides if isinstance(s, URIRef)]
            else:
                given = []
                for role in (from_role, to_role):
                    value = graph.value(claim, role)
                    name = str(role).rsplit("#", 1)[-1]
                    if name in UNNAMED:
                        # the talks or agreement is not compared by name (see UNNAMED)
                        if value is not None:
                            given.append((name, frozenset({name})))
                    elif isinstance(value, URIRef):
                        given.append((name, _names(graph, value)))
            found.append(
                Found(
                    str(claim),
                    kind,
                    tuple(given),
                    from_role == to_role,
                    str(status).rsplit("#", 1)[-1] if status is not None else "",
                    (
                        _date(graph, claim, CKG.start, CKG.startPrecision),
                        _date(graph, claim, CKG.end, CKG.endPrecision),
                    ),
                )
            )
    return found


def _date(graph: Graph, claim: Node, prop: URIRef, precision: URIRef) -> str:
    value = graph.value(claim, prop)
    if value is None:
        return ""
    unit = graph.value(claim, precision)
    return f"{value}/{str(unit).rsplit('#', 1)[-1] if unit is not None else 'unitDay'}"


def _same(a: Found, b: Found) -> bool:
    if a.kind != b.kind or len(a.roles) != len(b.roles):
        return False
    if a.symmetric:
        x, y = [n for _r, n in a.roles], [n for _r, n in b.roles]
        return len(x) == 2 and (
            (bool(x[0] & y[0]) and bool(x[1] & y[1])) or (bool(x[0] & y[1]) and bool(x[1] & y[0]))
        )
    return all(
        ra == rb and bool(na & nb) for (ra, na), (rb, nb) in zip(a.roles, b.roles, strict=True)
    )


def score(gold: Sequence[Found], candidates: Sequence[Found], into: Scores | None = None) -> Scores:
    """Match ``candidates`` to ``gold`` (one article's) and count, per kind."""
    result = into if into is not None else Scores()
    for claim in gold:
        result.kinds[claim.kind].gold += 1
    taken: set[int] = set()
    for candidate in candidates:
        result.kinds[candidate.kind].found += 1
        same = [i for i, claim in enumerate(gold) if i not in taken and _same(claim, candidate)]
        if not same:
            continue
        # A source may state one relation twice (the UAE backs the LNA; the UAE denies
        # supplying drones to it): a candidate takes the gold claim of its own status first.
        wanted = _status_class(candidate.status)
        index = next((i for i in same if _status_class(gold[i].status) == wanted), same[0])
        claim = gold[index]
        taken.add(index)
        result.kinds[claim.kind].matched += 1
        if _status_class(claim.status) == wanted:
            result.kinds[claim.kind].status_right += 1
        if claim.dates == candidate.dates:
            result.kinds[claim.kind].dates_right += 1
        result.pairs.append((claim.iri, candidate.iri))
    return result


def _status_class(status: str) -> str:
    """Asserted against alleged, denied or ended: each is its own class."""
    return status or "Asserted"


def evaluate(pairs: Sequence[tuple[Path, Path]]) -> Scores:
    """Score each (gold, candidates) pair of files, one article each."""
    roles = _roles(_ontology())
    result = Scores()
    for gold_path, candidate_path in pairs:
        gold, candidates = Graph(), Graph()
        gold.parse(gold_path, format="turtle")
        candidates.parse(candidate_path, format="turtle")
        score(claims_of(gold, roles), claims_of(candidates, roles), result)
    return result


def _cell(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def table(result: Scores) -> str:
    """The scores as a Markdown table, a row per kind, then the scored kinds overall."""
    lines = [
        "| kind | gold | found | matched | precision | recall | F1 | status right | dates right |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    rows = sorted(result.kinds.items()) + [("overall (scored kinds)", result.overall())]
    for kind, s in rows:
        lines.append(
            f"| {kind} | {s.gold} | {s.found} | {s.matched} | {_cell(s.precision)} | "
            f"{_cell(s.recall)} | {_cell(s.f1)} | {_cell(s.status_share)} | "
            f"{_cell(s.dates_share)} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str]) -> int:
    if len(argv) < 2 or len(argv) % 2:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    files = [Path(a) for a in argv]
    for path in files:
        if not path.is_file():
            print(f"Error: {path}: no such file", file=sys.stderr)
            return 2
    print(table(evaluate(list(zip(files[::2], files[1::2], strict=True)))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
