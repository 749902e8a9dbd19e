"""`kg review`: a person accepts, rejects, edits or skips the claims `kg extract` proposed,
at the terminal or from a CSV, and the decisions go into a file or store, validated by the
shapes, all or nothing; rejected claims are remembered (kg.review.rejected_keys)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef

from kg.cli import cli
from kg.errors import BadImport
from kg.graph import KnowledgeGraph, StoreSpec
from kg.resources import reference_files
from kg.review import (
    Decision,
    Reviewer,
    ReviewRefused,
    _reference_states,
    read_candidates,
    read_decisions,
    rejected_keys,
    rejection_iri,
    review_graph,
    reviewed_keys,
    write_review,
)
from kg.vocab import CKG, ID

HERE = Path(__file__).resolve().parent / "data" / "review"
MALI = HERE / "mali.candidates.ttl"
FAULTY = HERE / "faulty.candidates.ttl"
# The roles kg's vocabulary module does not name (Python has no use for them elsewhere).
ROLE = Namespace(str(CKG.Actor).removesuffix("Actor"))

# The four candidates of mali.candidates.ttl, in the order of their sentences.
FRANCE, WAGNER, RUSSIA, ALGERIA = "3f1c0a9e2b71", "8d27e4c1b5a0", "c94b2f7d0e13", "e6a1d83f9c42"


def claim(key: str) -> URIRef:
    return ID[f"candidate-{key}"]


def review(runner: CliRunner, *args: str | Path, input: str | None = None) -> tuple[int, str]:
    result = runner.invoke(cli, ["review", *(str(a) for a in args), "--by", "tester"], input=input)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def test_terminal_review_accepts_rejects_edits_and_skips(tmp_path: Path) -> None:
    out = tmp_path / "reviewed.ttl"
    keys = [
        "a",  # France backs the Malian government: accepted as it is
        "r",  # Wagner: rejected
        "e", "s", "alleged",  # Russia: status edited,
        "e", "a", "recipient", "Syrian government",  # an actor edited by a name the graph knows,
        "a",  # then accepted
        "s",  # Algeria's mediation: skipped
    ]  # fmt: skip
    code, output = review(CliRunner(), MALI, "-o", out, input="\n".join(keys) + "\n")
    assert code == 0, output
    assert "[1/4] support claim" in output
    assert "Malian government (new: government)" in output  # a proposed actor is marked new
    assert "France (ck:france)" in output
    assert "  support    troops\n" in output  # the kinds of support are shown
    assert output.rstrip().endswith(f"2 accepted, 1 rejected, 1 skipped; written to {out}")

    graph = Graph().parse(out)
    france = claim(FRANCE)
    assert (france, RDF.type, CKG.SupportClaim) in graph
    assert (france, CKG.reviewedBy, Literal("tester")) in graph
    [at] = graph.objects(france, CKG.reviewedAt)
    assert isinstance(at, Literal) and at.datatype == XSD.dateTime
    # provenance kept
    assert (france, CKG.candidateKey, Literal(FRANCE)) in graph
    assert graph.value(france, CKG.foundBy) is not None
    assert graph.value(france, CKG.confidence) is not None
    # the edited claim: its status and recipient changed, its label made again
    russia = claim(RUSSIA)
    assert graph.value(russia, CKG.status) == CKG.Alleged
    assert graph.value(russia, CKG.recipient) == ID["syrian-government"]
    assert str(graph.value(russia, RDFS.label)) == "Russia backs Syrian government"
    # the rejection is remembered; the rejected and the skipped claims are not written
    rejection = rejection_iri(WAGNER)
    assert (rejection, RDF.type, CKG.Rejection) in graph
    assert graph.value(rejection, CKG.source) == ID["article-5a908b30b5ad"]
    assert (claim(WAGNER), None, None) not in graph
    assert (claim(ALGERIA), None, None) not in graph
    # what the accepted claims name comes with them: the new government, the article;
    # the actor of the rejected claim alone does not
    assert (ID["malian-government"], CKG.proposedActor, Literal(True)) in graph
    assert (ID["article-5a908b30b5ad"], RDF.type, CKG.NewsArticle) in graph
    assert (ID["wagner-group"], None, None) not in graph
    # a known actor is named, not copied; a state comes with the crosswalk's description of
    # it (a file is read later on top of the bundled data, which lists few states)
    assert set(graph.predicates(ID["france"], None)) <= {
        p for p, _o in _reference_states().predicate_objects(ID["france"])
    }

    assert rejected_keys(graph) == {WAGNER}
    assert reviewed_keys(graph) == {FRANCE: "accepted", RUSSIA: "accepted", WAGNER: "rejected"}

    # Reviewing the same candidates again shows only the one skipped.
    code, output = review(CliRunner(), MALI, "-o", out, input="a\n")
    assert code == 0, output
    assert "(3 candidate(s) reviewed before are not shown)" in output
    assert "[1/1] mediation claim" in output
    graph = Graph().parse(out)
    assert (claim(ALGERIA), ROLE.mediator, ID["algeria"]) in graph
    assert (claim(FRANCE), RDF.type, CKG.SupportClaim) in graph  # the file was merged into


def test_a_new_actor_named_in_an_edit_is_proposed(tmp_path: Path) -> None:
    out = tmp_path / "reviewed.ttl"
    keys = ["e", "a", "backer", "Operation Barkhane", "y", "armed group", "a", "q"]
    code, output = review(CliRunner(), MALI, "-o", out, input="\n".join(keys) + "\n")
    assert code == 0, output
    assert "no actor is called 'Operation Barkhane'" in output
    assert "Operation Barkhane (new: armed group)" in output
    assert output.rstrip().endswith("1 accepted, 0 rejected, 3 skipped; written to " + str(out))
    graph = Graph().parse(out)
    barkhane = ID["operation-barkhane"]
    assert graph.value(claim(FRANCE), CKG.backer) == barkhane
    assert (barkhane, RDF.type, CKG.ArmedGroup) in graph
    assert (barkhane, CKG.proposedActor, Literal(True)) in graph


def test_quit_writes_the_decisions_made_and_ctrl_c_nothing(tmp_path: Path) -> None:
    out = tmp_path / "reviewed.ttl"
    code, output = review(CliRunner(), MALI, "-o", out, input="r\nq\n")
    assert code == 0, output
    assert output.rstrip().endswith(f"0 accepted, 1 rejected, 3 skipped; written to {out}")
    assert rejected_keys(Graph().parse(out)) == {FRANCE}

    before = out.read_bytes()
    # The input ends (as Ctrl-C would stop it) after a decision: nothing is written.
    code, output = review(CliRunner(), MALI, "-o", out, input="a\n")
    assert code == 130
    assert "nothing was written" in output
    assert out.read_bytes() == before


def test_decisions_from_a_csv(tmp_path: Path) -> None:
    decisions = tmp_path / "decisions.csv"
    decisions.write_text(
        "key,decision,status,start,end,kind,backer\n"
        f"{WAGNER},accept,asserted,2021-12-15,,,\n"
        f"ck:candidate-{RUSSIA},reject,,,,,\n"
        f"{ALGERIA},accept,,2015,-,hosting,\n"
        f"{FRANCE},skip,,,,,\n",
        encoding="utf-8",
    )
    out = tmp_path / "reviewed.ttl"
    code, output = review(CliRunner(), MALI, "-o", out, "--decisions", decisions)
    assert code == 0, output
    assert output == f"2 accepted, 1 rejected, 1 skipped; written to {out}\n"
    graph = Graph().parse(out)
    wagner = claim(WAGNER)
    assert graph.value(wagner, CKG.status) == CKG.Asserted
    assert graph.value(wagner, CKG.start) == Literal("2021-12-15", datatype=XSD.date)
    assert graph.value(wagner, CKG.startPrecision) == URIRef("http://www.w3.org/2006/time#unitDay")
    assert (ID["wagner-group"], CKG.proposedActor, Literal(True)) in graph
    algeria = claim(ALGERIA)  # the kind edited: the mediator hosts the same talks
    assert (algeria, RDF.type, CKG.HostingClaim) in graph
    assert (algeria, RDF.type, CKG.MediationClaim) not in graph
    assert graph.value(algeria, ROLE.host) == ID["algeria"]
    assert graph.value(algeria, ROLE.talks) == ID["algiers-talks"]
    assert graph.value(algeria, ROLE.mediator) is None
    assert rejected_keys(graph) == {RUSSIA}
    assert (claim(FRANCE), None, None) not in graph


def test_accept_above_and_reject_below(tmp_path: Path) -> None:
    out = tmp_path / "reviewed.ttl"
    code, output = review(
        CliRunner(), MALI, "-o", out, "--accept-above", "0.75", "--reject-below", "0.65"
    )
    assert code == 0, output
    assert output == f"2 accepted, 1 rejected, 1 skipped; written to {out}\n"
    graph = Graph().parse(out)
    assert {str(k) for k in graph.objects(None, CKG.candidateKey)} == {FRANCE, ALGERIA, RUSSIA}
    assert rejected_keys(graph) == {RUSSIA}  # confidence 0.6; Wagner's 0.7 is left undecided


def test_a_violation_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "reviewed.ttl"
    code, _output = review(CliRunner(), MALI, "-o", out, "--accept-above", "0.85")
    assert code == 0
    before = out.read_bytes()
    result = CliRunner().invoke(
        cli, ["review", str(FAULTY), "-o", str(out), "--accept-above", "0", "--by", "tester"]
    )
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines == [
        f"Error: {FAULTY}: ck:candidate-0a0b0c0d0e0f ckg:backer: names as backer something "
        "that is not an actor: the backer must be a state, government, group, organisation "
        "or person",
        f"Error: {FAULTY}: ck:candidate-0a0b0c0d0e0f ckg:status: needs exactly one status "
        "(ckg:status): ckg:Asserted, ckg:Alleged, ckg:Denied or ckg:Ended",
        f"Error: refused: {out} would not conform (2 problem(s)); nothing was written",
    ]
    assert out.read_bytes() == before


def test_into_a_store(tmp_path: Path) -> None:
    store = tmp_path / "store"
    runner = CliRunner()
    loaded = runner.invoke(cli, ["load", "--store", str(store), "-q"])
    assert loaded.exit_code == 0, loaded.output
    decisions = tmp_path / "decisions.csv"
    decisions.write_text(f"key,decision\n{RUSSIA},accept\n{WAGNER},reject\n", encoding="utf-8")
    code, output = review(runner, MALI, "--store", store, "--decisions", decisions)
    assert code == 0, output
    assert output == f"1 accepted, 1 rejected, 2 skipped; written to {store}\n"

    kg = KnowledgeGraph.open(store=StoreSpec(folder=store))
    try:
        assert rejected_keys(kg) == {WAGNER}
        assert reviewed_keys(kg) == {RUSSIA: "accepted", WAGNER: "rejected"}
        rows = kg.select("who-backs-whom", {"backer": ID["russia"]}).rows
        assert ID["malian-government"] in {row["recipient"] for row in rows}  # derived
    finally:
        kg.close()

    # --accept-above leaves alone what was reviewed before; a CSV decides again: the
    # accepted claim rejected is gone, its rejection there instead.
    code, output = review(runner, MALI, "--store", store, "--accept-above", "0.65")
    assert code == 0, output
    assert "(2 candidate(s) reviewed before are left as they were)" in output
    decisions.write_text(f"key,decision\n{RUSSIA},reject\n", encoding="utf-8")
    code, output = review(runner, MALI, "--store", store, "--decisions", decisions)
    assert code == 0, output
    kg = KnowledgeGraph.open(store=StoreSpec(folder=store))
    try:
        assert rejected_keys(kg) == {WAGNER, RUSSIA}
        assert reviewed_keys(kg)[FRANCE] == "accepted"
        rows = kg.select("who-backs-whom", {"backer": ID["russia"]}).rows
        assert ID["malian-government"] not in {row["recipient"] for row in rows}
    finally:
        kg.close()


@pytest.fixture(scope="module")
def mali_reviewer() -> Reviewer:
    kg = review_graph(add=reference_files())
    return Reviewer(kg, read_candidates([MALI], kg))


@pytest.mark.parametrize(
    ("csv_text", "message"),
    [
        ("key,decision,colour\n", "line 1: unknown column 'colour'"),
        ("key,verdict\n", "line 1: the header needs a column 'key' (or 'claim')"),
        (f"key,decision\n{FRANCE},accept\nffffffffffff,accept\n", "line 3: no candidate has"),
        (f"key,decision\n{FRANCE},yes\n", "line 2, column decision: 'yes' is not accept"),
        (f"key,decision,start\n{FRANCE},accept,2013-13\n", "line 2, column start: '2013-13'"),
        (f"key,decision,status\n{FRANCE},accept,rumoured\n", "line 2, column status:"),
        (f"key,decision,backer\n{FRANCE},accept,Atlantis\n", "line 2, column backer: no actor"),
        (f"key,decision\n{FRANCE},accept\n{FRANCE},reject\n", "line 3: a second decision"),
        (f'key,decision\n{FRANCE},accept\n\n"{WAGNER},reject\n', "line 4: "),
    ],
)
def test_a_bad_row_of_decisions_names_its_file_and_line(
    tmp_path: Path, mali_reviewer: Reviewer, csv_text: str, message: str
) -> None:
    decisions = tmp_path / "decisions.csv"
    decisions.write_text(csv_text, encoding="utf-8")
    with pytest.raises(BadImport) as error:
        read_decisions(decisions, mali_reviewer)
    assert error.value.exit_code == 8
    assert str(error.value).startswith(f"{decisions}, line ")
    assert message in str(error.value)


def test_a_bad_row_of_decisions_is_one_line_and_writes_nothing(tmp_path: Path) -> None:
    decisions = tmp_path / "decisions.csv"
    decisions.write_text(f"key,decision\n{FRANCE},accept\n{WAGNER},maybe\n", encoding="utf-8")
    out = tmp_path / "reviewed.ttl"
    result = CliRunner().invoke(
        cli, ["review", str(MALI), "-o", str(out), "--decisions", str(decisions), "--by", "t"]
    )
    assert result.exit_code == 8, result.output
    assert result.stderr == (
        f"Error: {decisions}, line 3, column decision: 'maybe' is not accept, reject or skip\n"
    )
    assert not out.exists()


def test_where_to_write_is_checked_before_the_review(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["review", str(MALI), "--by", "t"], input="a\n")
    assert result.exit_code == 2
    assert "say where the decisions go" in result.stderr
    result = runner.invoke(cli, ["review", str(MALI), "-o", str(tmp_path / "x.csv")], input="a\n")
    assert result.exit_code == 5
    assert "[1/4]" not in result.output


def test_the_library_reviews_without_the_cli(tmp_path: Path) -> None:
    kg = review_graph(add=reference_files())
    found = read_candidates([MALI, FAULTY], kg)
    assert [c.key for c in found.claims] == [FRANCE, WAGNER, RUSSIA, ALGERIA, "0a0b0c0d0e0f"]
    reviewer = Reviewer(kg, found)
    france = found.by_key(f"ck:candidate-{FRANCE}")
    assert france is not None and reviewer.label(france.values(CKG.backer)[0]) == "France"
    assert reviewer.is_new(ID["malian-government"]) and not reviewer.is_new(ID["france"])
    at = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)
    out = tmp_path / "reviewed.ttl"
    edited = reviewer.with_dates(france, "2013", "-")
    result = write_review(
        reviewer, [Decision("accept", edited)], output=out, add=reference_files(), by="A", at=at
    )
    assert result.summary() == f"1 accepted, 0 rejected, 4 skipped; written to {out}"
    graph = Graph().parse(out)
    node = claim(FRANCE)
    assert graph.value(node, CKG.reviewedAt) == Literal(
        "2026-12-06T10:00:00Z", datatype=XSD.dateTime
    )
    assert graph.value(node, CKG.start) == Literal("2013-01-01", datatype=XSD.date)
    assert graph.value(node, CKG.end) is None

    faulty = found.by_key("0a0b0c0d0e0f")
    assert faulty is not None
    with pytest.raises(ReviewRefused) as refused:
        write_review(
            reviewer, [Decision("accept", faulty)], output=out, add=reference_files(), by="A"
        )
    assert len(refused.value.problems) == 2
    assert (node, CKG.reviewedBy, Literal("A")) in Graph().parse(out)  # left as it was


def test_a_reviewed_file_carries_the_states_it_names(tmp_path: Path) -> None:
    # The bundled data lists the states of the Astana talks only; a file of reviewed claims
    # on Libya is read on top of it later (`kg report --add reviewed.ttl`), so it brings the
    # crosswalk's description of each state its claims name.
    article = tmp_path / "libya.txt"
    article.write_text("Germany hosted the talks on Libya.\n", encoding="utf-8")
    candidates, out = tmp_path / "c.ttl", tmp_path / "reviewed.ttl"
    runner = CliRunner()
    done = runner.invoke(cli, ["extract", str(article), "-o", str(candidates)])
    assert done.exit_code == 0, done.output
    code, output = review(runner, candidates, "-o", out, "--accept-above", "0")
    assert code == 0, output
    graph = Graph().parse(out, format="turtle")
    assert (ID["germany"], RDF.type, CKG.State) in graph
    import kg

    with kg.open(add=[out]) as opened:
        assert opened.validate().conforms


def test_claims_decided_before_are_counted_apart_from_skips(tmp_path: Path) -> None:
    out = tmp_path / "reviewed.ttl"
    code, output = review(CliRunner(), MALI, "-o", out, "--accept-above", "0.85")
    assert code == 0, output
    first = output.rstrip().splitlines()[-1]
    accepted = int(first.split(" accepted")[0])
    assert accepted >= 1
    code, output = review(CliRunner(), MALI, "-o", out, "--accept-above", "0.85")
    assert code == 0, output
    assert output.rstrip().splitlines()[-1] == (
        f"0 accepted, 0 rejected, {4 - accepted} skipped, {accepted} reviewed before; "
        "nothing written"
    )


def test_an_actor_typed_by_its_capital_is_its_state(tmp_path: Path) -> None:
    # as kg extract reads "Doha" for Qatar, so does the review's edit of an actor
    out = tmp_path / "reviewed.ttl"
    keys = ["e", "a", "recipient", "Doha", "a", "q"]
    code, output = review(CliRunner(), MALI, "-o", out, input="\n".join(keys) + "\n")
    assert code == 0, output
    graph = Graph().parse(out, format="turtle")
    assert graph.value(claim(FRANCE), CKG.recipient) == ID["qatar"]


def test_quote_offsets_that_do_not_span_the_quote_are_refused(tmp_path: Path) -> None:
    text = MALI.read_text(encoding="utf-8").replace('ckg:quoteEnd "178"', 'ckg:quoteEnd "99999"', 1)
    assert "99999" in text
    broken, out = tmp_path / "broken.ttl", tmp_path / "reviewed.ttl"
    broken.write_text(text, encoding="utf-8")
    code, output = review(CliRunner(), broken, "-o", out, "--accept-above", "0")
    assert code == 1
    assert "do not span its quote" in output and str(broken) in output
    assert not out.exists()
