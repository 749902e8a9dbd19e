"""bench/synthetic.py: synthetic data of the size asked for, deterministic for a seed, with
every claim and actor class of the ontology, and valid against the shapes.

bench/ is not a package, so the generator is loaded from its path.
"""

from __future__ import annotations

import collections
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from click.testing import CliRunner
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from kg import resources
from kg.cli import cli
from kg.vocab import CKG

REPO = Path(__file__).resolve().parent.parent
SIZE = 3_000
ACTOR_1 = URIRef("https://w3id.org/conflict-kg/id/synthetic-actor-1")


def load_synthetic() -> ModuleType:
    spec = importlib.util.spec_from_file_location("synthetic", REPO / "bench" / "synthetic.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being made
    spec.loader.exec_module(module)
    return module


synthetic = load_synthetic()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("synthetic") / "synthetic.nt"
    figures: dict[str, Any] = synthetic.generate(SIZE, out, seed=1)
    return out, figures


@pytest.fixture(scope="module")
def graph(generated: tuple[Path, dict[str, Any]]) -> Graph:
    parsed = Graph()
    parsed.parse(generated[0], format="nt")
    return parsed


def ontology() -> Graph:
    parsed = Graph()
    for path in resources.ontology_files():
        parsed.parse(path, format="turtle")
    return parsed


def subclasses(of: URIRef) -> set[URIRef]:
    """The classes below ``of`` in the ontology (not ``of`` itself)."""
    found = set(ontology().transitive_subjects(RDFS.subClassOf, of)) - {of}
    return {c for c in found if isinstance(c, URIRef)}


def test_size_within_one_percent(generated: tuple[Path, dict[str, Any]], graph: Graph) -> None:
    path, figures = generated
    lines = path.read_text(encoding="utf-8").splitlines()
    assert abs(len(graph) - SIZE) <= SIZE / 100
    assert len(lines) == len(graph) == figures["triples"]  # every line a distinct triple


def test_same_seed_same_bytes_other_seed_other_bytes(
    generated: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    again, other = tmp_path / "again.nt", tmp_path / "other.nt"
    synthetic.generate(SIZE, again, seed=1)
    synthetic.generate(SIZE, other, seed=2)
    assert again.read_bytes() == generated[0].read_bytes()
    assert other.read_bytes() != generated[0].read_bytes()


def test_every_claim_class_and_status_occurs(graph: Graph) -> None:
    # The kinds of claim a source makes: the classes under ckg:Claim with none below them
    # (ckg:ThirdPartyClaim groups three of them).
    every = subclasses(CKG.Claim)
    claim_classes = {c for c in every if not subclasses(c)}
    assert len(claim_classes) >= 10 and CKG.ThirdPartyClaim in every - claim_classes
    assert claim_classes <= set(graph.objects(None, RDF.type))
    statuses = set(ontology().subjects(SKOS.inScheme, CKG.ClaimStatuses))
    assert len(statuses) >= 4
    assert set(graph.objects(None, CKG.status)) == statuses


def test_every_actor_class_occurs(graph: Graph) -> None:
    assert subclasses(CKG.Actor) <= set(graph.objects(None, RDF.type))


def test_actor_1_is_the_top_recipient(generated: tuple[Path, dict[str, Any]], graph: Graph) -> None:
    received = collections.Counter(
        graph.value(claim, CKG.recipient)
        for claim in graph.subjects(RDF.type, CKG.SupportClaim)
        if graph.value(claim, CKG.status) != CKG.Denied
    )
    others = [n for actor, n in received.items() if actor != ACTOR_1]
    assert received[ACTOR_1] > max(others)  # strictly the largest
    assert graph.value(ACTOR_1, RDFS.label) == Literal("Synthetic Actor 1", lang="en")
    assert generated[1]["top_recipient"] == "Synthetic Actor 1"


def test_conforms_to_the_shapes(generated: tuple[Path, dict[str, Any]]) -> None:
    result = CliRunner().invoke(cli, ["validate", "--data", str(generated[0])])
    assert result.exit_code == 0, result.output
    assert "conforms: 0 violation(s)" in result.output


def test_backers_of_actor_1_depend_on_the_date(generated: tuple[Path, dict[str, Any]]) -> None:
    def rows(*options: str) -> list[dict[str, Any]]:
        result = CliRunner().invoke(
            cli,
            ["report", "backers", "--data", str(generated[0]), "--of", "Synthetic Actor 1"]
            + ["--format", "json", *options],
        )
        assert result.exit_code == 0, result.output
        found: list[dict[str, Any]] = json.loads(result.stdout)
        return found

    now, then = rows(), rows("--as-of", "2015-06-01")
    assert now and {row["recipient_label"] for row in now} == {"Synthetic Actor 1"}
    assert len(then) < len(now)


def test_refuses_a_size_too_small_to_keep_within_one_percent(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least 1,000"):
        synthetic.generate(500, tmp_path / "small.nt")
    assert list(tmp_path.iterdir()) == []
