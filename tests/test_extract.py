"""`kg extract` from the user's side (issue 17, items 1 and 6): candidates in the data's model
that the shapes accept, the same bytes on every run, several files and standard input; what
the rules read from short sentences of our own ("X and Y", vague actors, capitals, relative
dates); bad input refused in one line or noted, with nothing written; claims reviewed before
not proposed again; --url never fetched. The extractor's quality is measured by
bench/extract.py, not here."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import REPO, Listener
from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, SKOS

import kg
from kg import resources
from kg.cli import cli
from kg.errors import DataLoadError, OutputError, TooBig
from kg.vocab import CKG, ID

HERE = Path(__file__).resolve().parent / "data" / "extract-cli"
SENTENCES = HERE / "sentences.txt"
CRLF = HERE / "crlf-bom.txt"  # Windows line ends and a byte-order mark
MALI = Path(__file__).resolve().parent / "data" / "extract" / "mali.txt"
TIME = Namespace("http://www.w3.org/2006/time#")
# The terms kg's vocabulary module does not name (Python has no use for them elsewhere).
ONT = Namespace(str(CKG.Actor).removesuffix("Actor"))
ROLES = {
    CKG.SupportClaim: (ONT.backer, ONT.recipient),
    CKG.AllianceClaim: (ONT.party,),
    CKG.OppositionClaim: (ONT.party,),
    CKG.MediationClaim: (ONT.mediator, ONT.talks),
    CKG.HostingClaim: (ONT.host, ONT.talks),
    ONT.ParticipationClaim: (ONT.participant, ONT.talks),
    CKG.GuaranteeClaim: (ONT.guarantor, ONT.agreement),
    CKG.SignatoryClaim: (ONT.signatory, ONT.agreement),
    CKG.EnvoyClaim: (ONT.envoy, ONT.principal),
    CKG.OfficeClaim: (ONT.holder, ONT.organisation),
}
STATUSES = {CKG.Asserted, CKG.Alleged, CKG.Denied, ONT.Ended}
# The date the sentences are read against: a Monday, so "on Thursday" is 2017-09-14.
DAY = "2017-09-18"


def extract(
    runner: CliRunner, *args: str | Path, input: bytes | str | io.BytesIO | None = None
) -> Result:
    result = runner.invoke(cli, ["extract", *(str(a) for a in args)], input=input, prog_name="kg")
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def claims_of(graph: Graph) -> list[URIRef]:
    return sorted(
        claim
        for kind in ROLES
        for claim in graph.subjects(RDF.type, kind)
        if isinstance(claim, URIRef)
    )


def by_quote(graph: Graph, quote: str) -> list[URIRef]:
    return [c for c in claims_of(graph) if str(graph.value(c, CKG.quote)) == quote]


@pytest.fixture(scope="module")
def sentences_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result]:
    """sentences.txt read against DAY with everything said about the article."""
    out = tmp_path_factory.mktemp("extract") / "candidates.ttl"
    result = extract(
        CliRunner(),
        SENTENCES,
        "--date", DAY,
        "--title", "Who backs whom, in eight sentences",
        "--publisher", "The Offline Gazette",
        "--url", "https://example.org/eight-sentences",
        "-o", out,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return out, result


@pytest.fixture(scope="module")
def sentences(sentences_run: tuple[Path, Result]) -> Graph:
    return Graph().parse(sentences_run[0], format="turtle")


# --- 1. the output, in the data's model ---------------------------------------------------


def test_each_claim_has_its_kind_roles_quote_source_status_rule_and_key(
    sentences: Graph, sentences_run: tuple[Path, Result]
) -> None:
    text = SENTENCES.read_text(encoding="utf-8")
    claims = claims_of(sentences)
    assert len(claims) >= 7
    (article,) = set(sentences.subjects(RDF.type, CKG.NewsArticle))
    for claim in claims:
        (kind,) = [
            k for k in sentences.objects(claim, RDF.type) if isinstance(k, URIRef) and k in ROLES
        ]
        for role in ROLES[kind]:
            assert isinstance(sentences.value(claim, role), URIRef), (claim, role)
        start = sentences.value(claim, CKG.quoteStart)
        end = sentences.value(claim, CKG.quoteEnd)
        assert isinstance(start, Literal) and isinstance(end, Literal)
        assert str(sentences.value(claim, CKG.quote)) == text[start.toPython() : end.toPython()]
        assert sentences.value(claim, CKG.source) == article
        assert sentences.value(claim, CKG.status) in STATUSES
        assert str(sentences.value(claim, CKG.foundBy))
        confidence = sentences.value(claim, CKG.confidence)
        assert isinstance(confidence, Literal) and 0 < float(confidence) <= 1
        key = sentences.value(claim, CKG.candidateKey)
        assert claim == ID[f"candidate-{key}"]
    assert sentences.value(article, DCTERMS.date) == Literal(date(2017, 9, 18), datatype=XSD.date)
    assert str(sentences.value(article, DCTERMS.title)) == "Who backs whom, in eight sentences"
    assert sentences.value(article, RDFS.seeAlso) == URIRef("https://example.org/eight-sentences")
    publisher = sentences.value(article, DCTERMS.publisher)
    assert str(sentences.value(publisher, RDFS.label)) == "The Offline Gazette"
    summary = sentences_run[1].stderr.splitlines()[-1]
    assert summary.startswith(f"1 article, 8 sentences: {len(claims)} candidate claims, ")
    assert summary.endswith(f"-> {sentences_run[0]}")


def test_new_actors_are_proposed_with_a_label_and_a_class(sentences: Graph) -> None:
    proposed = set(sentences.subjects(CKG.proposedActor, Literal(True)))
    labels = {str(sentences.value(actor, RDFS.label)) for actor in proposed}
    assert {"Hezbollah", "Houthis", "Taliban", "The Offline Gazette"} <= labels
    for actor in proposed:
        assert sentences.value(actor, RDFS.label) is not None, actor
        (kind,) = sentences.objects(actor, RDF.type)
        assert str(kind).startswith(str(CKG)), (actor, kind)
    # Actors the graph knows are named, not proposed again.
    assert ID.russia not in proposed and (ID.russia, None, None) not in sentences


def test_candidates_with_the_bundled_data_conform_to_the_shapes(
    sentences_run: tuple[Path, Result], several: tuple[Graph, Result]
) -> None:
    states = [p for p in resources.reference_files() if p.name == "states.ttl"]
    out = sentences_run[0]
    more = out.with_name("several.ttl")
    several[0].serialize(more, format="turtle")
    with kg.open(add=[*states, out, more]) as graph:
        report = graph.validate()
    assert report.conforms, [r for r in report.results if r.severity == "Violation"][:5]


def test_two_runs_write_the_same_bytes(
    runner: CliRunner, tmp_path: Path, sentences_run: tuple[Path, Result]
) -> None:
    again = tmp_path / "again.ttl"
    args = ["--title", "Who backs whom, in eight sentences", "--publisher", "The Offline Gazette"]
    args += ["--url", "https://example.org/eight-sentences"]
    assert extract(runner, SENTENCES, "--date", DAY, *args, "-o", again).exit_code == 0
    assert again.read_bytes() == sentences_run[0].read_bytes()


@pytest.fixture(scope="module")
def several() -> tuple[Graph, Result]:
    """Three articles in one run: a file, standard input (the Mali article) and a file with
    Windows line ends, written to stdout."""
    result = extract(CliRunner(), SENTENCES, "-", CRLF, "--date", DAY, input=MALI.read_bytes())
    assert result.exit_code == 0, result.output
    return Graph().parse(data=result.stdout, format="turtle"), result


def test_several_files_and_stdin_in_one_run(several: tuple[Graph, Result]) -> None:
    graph, result = several
    texts = {  # the text as Python reads a file: line ends are "\n", the byte-order mark left out
        "sentences.txt": SENTENCES.read_text(encoding="utf-8"),
        "stdin": MALI.read_text(encoding="utf-8"),
        "crlf-bom.txt": CRLF.read_text(encoding="utf-8-sig"),
    }
    seen = set()
    for claim in claims_of(graph):
        article = graph.value(claim, CKG.source)
        name = str(graph.value(article, RDFS.comment)).removesuffix(".").rsplit("/", 1)[-1]
        name = name.removeprefix("Read by kg extract from ")
        seen.add(name)
        start, end = graph.value(claim, CKG.quoteStart), graph.value(claim, CKG.quoteEnd)
        assert isinstance(start, Literal) and isinstance(end, Literal)
        text = texts[name]
        assert str(graph.value(claim, CKG.quote)) == text[start.toPython() : end.toPython()]
    assert seen == set(texts)
    assert len(set(graph.subjects(RDF.type, CKG.NewsArticle))) == 3
    assert result.stderr.splitlines()[-1].startswith("3 articles, ")
    assert result.stderr.splitlines()[-1].endswith("-> stdout")


# --- 2. what the rules read ----------------------------------------------------------------


def test_x_and_y_as_subject_give_one_claim_each(sentences: Graph) -> None:
    claims = by_quote(sentences, "Russia and Iran back the Syrian government.")
    assert sorted(str(sentences.value(c, CKG.backer)) for c in claims) == [
        str(ID.iran),
        str(ID.russia),
    ]
    for claim in claims:
        assert sentences.value(claim, CKG.recipient) == ID["syrian-government"]


def test_vague_actors_are_not_made_into_named_ones(sentences: Graph) -> None:
    assert by_quote(sentences, "Foreign sponsors armed the rebels in the north.") == []
    (claim,) = by_quote(sentences, "Western diplomats said Iran supplies weapons to Hezbollah.")
    assert sentences.value(claim, CKG.backer) == ID.iran
    labels = [str(o).lower() for o in sentences.objects(None, RDFS.label)]
    labels += [str(o).lower() for o in sentences.objects(None, SKOS.altLabel)]
    assert not [label for label in labels if "sponsor" in label or "diplomat" in label]


def test_a_capital_stands_for_its_state_and_a_denial_is_denied(sentences: Graph) -> None:
    (claim,) = by_quote(sentences, "Moscow denies arming the Taliban.")
    assert sentences.value(claim, CKG.backer) == ID.russia
    assert sentences.value(claim, CKG.status) == CKG.Denied
    assert sentences.value(claim, CKG.supportKind) == ONT.WeaponsSupport


def test_each_actor_of_a_list_with_an_abbreviation_backs(runner: CliRunner) -> None:
    result = extract(runner, "-", input="Egypt, the UAE and Russia support Khalifa Haftar.\n")
    graph = Graph().parse(data=result.stdout, format="turtle")
    backers = {graph.value(c, CKG.backer) for c in claims_of(graph)}
    assert {ID.egypt, ID["united-arab-emirates"], ID.russia} <= backers


@pytest.mark.parametrize(
    ("quote", "start", "precision"),
    [
        ("In July, Turkey sent troops to support the Free Syrian Army.", "2017-07-01", "Month"),
        ("Last month Iran sent weapons to the Houthis.", "2017-08-01", "Month"),
        ("Saudi Arabia has funded the Yemeni government since 2015.", "2015-01-01", "Year"),
        (
            "On Thursday the United Arab Emirates began training the Southern Transitional "
            "Council.",
            "2017-09-14",
            "Day",
        ),
    ],
)
def test_relative_dates_are_read_against_the_date(
    sentences: Graph, quote: str, start: str, precision: str
) -> None:
    (claim,) = by_quote(sentences, quote)
    assert sentences.value(claim, CKG.start) == Literal(start, datatype=XSD.date)
    assert sentences.value(claim, CKG.startPrecision) == TIME[f"unit{precision}"]


def test_without_a_date_relative_dates_stay_undated_and_a_note_says_so(
    runner: CliRunner,
) -> None:
    result = extract(runner, SENTENCES)
    assert result.exit_code == 0
    graph = Graph().parse(data=result.stdout, format="turtle")
    starts = {str(graph.value(c, CKG.quote)): graph.value(c, CKG.start) for c in claims_of(graph)}
    assert starts["Last month Iran sent weapons to the Houthis."] is None
    assert starts["In July, Turkey sent troops to support the Free Syrian Army."] is None
    # A year is a date without the article's.
    since = starts["Saudi Arabia has funded the Yemeni government since 2015."]
    assert since == Literal("2015-01-01", datatype=XSD.date)
    (article,) = graph.subjects(RDF.type, CKG.NewsArticle)
    assert graph.value(article, DCTERMS.date) is None
    note = result.stderr.splitlines()[0]
    assert note.startswith(f"{SENTENCES}: 3 relative dates ('In July', 'Last month', ")
    assert note.endswith("left undated: give --date YYYY-MM-DD, the article's date")


# --- 3. bad input --------------------------------------------------------------------------


def _big(tmp_path: Path) -> Path:
    path = tmp_path / "big.txt"
    path.write_text("Iran backs Hezbollah.\n" * 100, encoding="utf-8")  # 2,200 bytes
    return path


def _huge(tmp_path: Path) -> Path:
    """100 MB of text lines, written in a few tenths of a second."""
    path = tmp_path / "huge.txt"
    block = ("a" * 99 + "\n").encode("ascii") * 10_000  # 1 MB
    with path.open("wb") as handle:
        for _ in range(100):
            handle.write(block)
    return path


def _write(name: str, data: bytes) -> object:
    def make(tmp_path: Path) -> Path:
        path = tmp_path / name
        path.write_bytes(data)
        return path

    return make


HELP = "(see 'kg extract --help')"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10"
# (case, the article or a maker of it in tmp_path, more arguments, exit code, the message)
REFUSED = [
    ("png", _write("image.png", PNG), [], DataLoadError.exit_code,
     "image.png: is a binary file (it has NUL bytes), not UTF-8 text"),
    ("latin-1", _write("latin1.txt", "Le président a été reçu à Bamako.".encode("latin-1")), [],
     DataLoadError.exit_code, "latin1.txt: is not UTF-8 text (byte 5 is 0xe9)"),
    ("over-max-size", _big, ["--max-size", "0.001"], TooBig.exit_code,
     "big.txt: 2,200 bytes is more than an article; kg extract reads files up to 1,000 bytes "
     "(--max-size MB)"),
    ("100-MB", _huge, [], TooBig.exit_code,
     "huge.txt: 100,000,000 bytes is more than an article; kg extract reads files up to "
     "5,000,000 bytes (--max-size MB)"),
    ("utf-16", _write("notepad.txt", "Iran backs Hezbollah.".encode("utf-16")), [],
     DataLoadError.exit_code,
     "notepad.txt: is UTF-16 text; kg extract reads UTF-8 (convert it: iconv -f UTF-16 -t UTF-8)"),
    ("folder", lambda tmp_path: tmp_path, [], DataLoadError.exit_code,
     ": is a folder; give the article files in it"),
    ("missing", lambda tmp_path: tmp_path / "nowhere.txt", [], DataLoadError.exit_code,
     "nowhere.txt: does not exist"),
    ("bad-month", SENTENCES, ["--date", "2017-13-01"], 2,
     f"Invalid value for '--date': '2017-13-01' is not a day as YYYY-MM-DD (2017-09-14) {HELP}"),
    ("not-a-day", SENTENCES, ["--date", "yesterday"], 2,
     f"Invalid value for '--date': 'yesterday' is not a day as YYYY-MM-DD (2017-09-14) {HELP}"),
    ("title-of-two", SENTENCES, [CRLF, "--title", "Two articles"], 2,
     "--title and --url describe one article; give one file (see 'kg extract --help')"),
    ("url-with-a-space", SENTENCES, ["--url", "https://example.org/an article"], 2,
     "Invalid value for '--url': 'https://example.org/an article' is not a URL (https://...; "
     f"spaces and <>\"{{}}|\\^` written as %20 and so on) {HELP}"),
    ("relative-url", SENTENCES, ["--url", "news/article.html"], 2,
     "Invalid value for '--url': 'news/article.html' is not a URL (https://...; "
     f"spaces and <>\"{{}}|\\^` written as %20 and so on) {HELP}"),
    ("blank-title", SENTENCES, ["--title", " "], 2,
     f"Invalid value for '--title': ' ' is blank {HELP}"),
    ("blank-publisher", SENTENCES, ["--publisher", ""], 2,
     f"Invalid value for '--publisher': '' is blank {HELP}"),
    ("stdin-twice", SENTENCES, ["-", "-"], 2,
     "- (standard input) can be read once; give it once (see 'kg extract --help')"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("article", "more", "code", "message"),
    [case[1:] for case in REFUSED],
    ids=[case[0] for case in REFUSED],
)
def test_bad_input_is_refused_in_one_line_and_nothing_is_written(
    runner: CliRunner,
    tmp_path: Path,
    article: Path | object,
    more: list[str | Path],
    code: int,
    message: str,
) -> None:
    path = article if isinstance(article, Path) else article(tmp_path)  # type: ignore[operator]
    out = tmp_path / "out" / "candidates.ttl"
    out.parent.mkdir()
    result = extract(runner, path, *more, "-o", out, input="")
    assert result.exit_code == code
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("Error: ") and line.endswith(message), line
    assert not out.exists()


def test_a_stdin_over_the_size_is_refused(runner: CliRunner) -> None:
    result = extract(runner, "-", "--max-size", "0.001", input="Iran backs Hezbollah.\n" * 50)
    assert result.exit_code == TooBig.exit_code
    assert result.stderr == (
        "Error: stdin: more than 1,000 bytes is more than an article; kg extract reads up to "
        "--max-size MB\n"
    )


@pytest.mark.parametrize(
    ("target", "message"),
    [
        (
            lambda tmp_path: tmp_path / "no-such-folder" / "c.ttl",
            "the folder {folder} does not exist",
        ),
        (
            lambda tmp_path: resources.bundled_dir("data") / "candidates.ttl",
            "is in the bundled data folder, which kg extract never writes into; name a file "
            "of your own with -o",
        ),
    ],
    ids=["missing-folder", "bundled-data"],
)
def test_an_output_kg_cannot_write_is_refused_before_reading(
    runner: CliRunner, tmp_path: Path, target: object, message: str
) -> None:
    out = target(tmp_path)  # type: ignore[operator]
    # The article does not exist: the output is refused first, without a wasted extraction.
    result = extract(runner, tmp_path / "not-read.txt", "-o", out)
    assert result.exit_code == OutputError.exit_code
    expected = f"Error: {out}: " + message.format(folder=out.parent) + "\n"
    assert result.stderr == expected
    assert not out.exists()


@pytest.mark.parametrize(
    ("content", "note"),
    [
        (b"", "is empty; no claims"),
        (b"  \n\n\t\n", "is empty; no claims"),
        ((HERE / "arabic.txt").read_bytes(), "is written in another script (Arabic); "
         "kg extract reads English, no claims"),
        ((HERE / "chinese.txt").read_bytes(), "is written in another script (Cjk); "
         "kg extract reads English, no claims"),
    ],
    ids=["empty", "blank", "arabic", "chinese"],
)  # fmt: skip
def test_nothing_to_read_is_a_note_and_nothing_is_written(
    runner: CliRunner, tmp_path: Path, content: bytes, note: str
) -> None:
    article = tmp_path / "article.txt"
    article.write_bytes(content)
    out = tmp_path / "candidates.ttl"
    out.write_text("# the candidates of an earlier run\n")
    result = extract(runner, article, "--date", DAY, "-o", out)
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        f"{article}: {note}",
        f"No article to read; nothing written to {out}",
    ]
    assert out.read_text() == "# the candidates of an earlier run\n"


class _Terminal(io.BytesIO):
    def isatty(self) -> bool:
        return True


def test_stdin_at_a_terminal_says_how_to_end_the_article(runner: CliRunner) -> None:
    result = extract(runner, "-", input=_Terminal(b"Iran backs Hezbollah.\n"))
    assert result.exit_code == 0
    assert result.stderr.splitlines()[0] == (
        "Reading the article from the terminal; end it with Ctrl-D"
    )
    assert claims_of(Graph().parse(data=result.stdout, format="turtle"))
    piped = extract(runner, "-", input=b"Iran backs Hezbollah.\n")
    assert "Ctrl-D" not in piped.stderr


def test_an_article_with_nothing_to_read_is_left_out_of_several(
    runner: CliRunner, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = extract(runner, empty, CRLF, "--date", DAY)
    assert result.exit_code == 0
    assert result.stderr.splitlines()[0] == f"{empty}: is empty; no claims"
    assert result.stderr.splitlines()[-1].startswith("1 article, 2 sentences: ")
    assert claims_of(Graph().parse(data=result.stdout, format="turtle"))


def test_the_same_text_twice_is_read_once(runner: CliRunner, tmp_path: Path) -> None:
    copy = tmp_path / "copy.txt"
    copy.write_bytes(SENTENCES.read_bytes())
    once = extract(runner, SENTENCES, "--date", DAY)
    twice = extract(runner, SENTENCES, copy, "--date", DAY)
    assert twice.exit_code == 0
    assert twice.stdout == once.stdout
    assert twice.stderr.splitlines()[0] == f"{copy}: the same text as {SENTENCES}; read once"
    assert twice.stderr.splitlines()[-1] == once.stderr.splitlines()[-1]


def test_french_is_noted_as_not_english(runner: CliRunner) -> None:
    french = HERE / "french.txt"
    result = extract(runner, french, "--date", DAY)
    assert result.stderr.splitlines()[0] == (
        f"{french}: does not read as English; kg extract reads English, no claims"
    )


def test_french_gives_no_claims(runner: CliRunner) -> None:
    # Until it is noted (above), French at least proposes nothing.
    result = extract(runner, HERE / "french.txt", "--date", DAY)
    assert result.exit_code == 0
    assert claims_of(Graph().parse(data=result.stdout, format="turtle")) == []


def test_the_readme_lists_the_exit_codes_of_kg_extract() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme.split("### Exit codes", 1)[1].split("\n\n", 2)[1]
    rows = {line.split("|")[1].strip(): line for line in table.splitlines()[2:]}
    for code in (DataLoadError.exit_code, OutputError.exit_code, TooBig.exit_code):
        assert "`extract`" in rows[str(code)], rows[str(code)]


def test_the_readme_section_uses_the_options_kg_extract_has(runner: CliRunner) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Claims proposed from news text: `kg extract`", 1)[1]
    section = section.split("\n### ", 1)[0]
    options = set(re.findall(r"(?<![\w-])--?[a-z][a-z-]*", section)) - {"-"}
    assert {"--date", "--title", "--publisher", "--url", "--max-size", "-o", "--add"} <= options
    help_text = runner.invoke(cli, ["extract", "--help"]).output
    assert [option for option in sorted(options) if option not in help_text] == []


def test_publishers_named_in_another_script_are_different_actors(runner: CliRunner) -> None:
    iris = set()
    for publisher in ("新华社", "中国日报"):
        graph = Graph().parse(
            data=extract(runner, CRLF, "--publisher", publisher).stdout, format="turtle"
        )
        (article,) = graph.subjects(RDF.type, CKG.NewsArticle)
        iris.add(graph.value(article, DCTERMS.publisher))
    assert len(iris) == 2


def test_title_and_publisher_are_kept_on_one_line(runner: CliRunner) -> None:
    result = extract(runner, CRLF, "--title", "  Talks\n in  Cairo ", "--publisher", " Le Monde")
    graph = Graph().parse(data=result.stdout, format="turtle")
    (article,) = graph.subjects(RDF.type, CKG.NewsArticle)
    assert str(graph.value(article, DCTERMS.title)) == "Talks in Cairo"
    assert str(graph.value(graph.value(article, DCTERMS.publisher), RDFS.label)) == "Le Monde"


# --- 4. claims reviewed before --------------------------------------------------------------


def test_a_rejected_claim_is_not_proposed_again(
    runner: CliRunner, tmp_path: Path, sentences_run: tuple[Path, Result], sentences: Graph
) -> None:
    (moscow,) = by_quote(sentences, "Moscow denies arming the Taliban.")
    key = str(sentences.value(moscow, CKG.candidateKey))
    decisions = tmp_path / "decisions.csv"
    decisions.write_text(f"key,decision\n{key},reject\n", encoding="utf-8")
    reviewed = tmp_path / "reviewed.ttl"
    review = runner.invoke(
        cli,
        ["review", str(sentences_run[0]), "-o", str(reviewed), "--decisions", str(decisions),
         "--by", "tester"],
    )  # fmt: skip
    assert review.exit_code == 0, review.output
    again = extract(runner, SENTENCES, "--date", DAY, "--add", reviewed)
    assert again.exit_code == 0
    graph = Graph().parse(data=again.stdout, format="turtle")
    assert by_quote(graph, "Moscow denies arming the Taliban.") == []
    assert len(claims_of(graph)) == len(claims_of(sentences)) - 1
    assert ", 1 reviewed before left out -> stdout" in again.stderr.splitlines()[-1]


def test_a_sentence_said_twice_is_not_counted_as_reviewed_before(
    runner: CliRunner, tmp_path: Path
) -> None:
    article = tmp_path / "twice.txt"
    article.write_text("Iran backs Hezbollah.\nIran backs Hezbollah.\n", encoding="utf-8")
    result = extract(runner, article)
    assert result.stderr.splitlines()[-1] == (
        "1 article, 2 sentences: 1 candidate claim, 1 proposed actor -> stdout"
    )


# --- 5. the network --------------------------------------------------------------------------


def test_the_url_is_kept_and_never_fetched(listener: Listener, tmp_path: Path) -> None:
    # A real process reading a real standard input: nothing may reach the listener.
    out = tmp_path / "candidates.ttl"
    done = subprocess.run(
        [sys.executable, "-m", "kg", "extract", "-", "--date", DAY, "--url", listener.url,
         "-o", str(out)],
        input=CRLF.read_bytes(), capture_output=True, timeout=120, check=False,
        env={k: v for k, v in os.environ.items() if not k.startswith("KG_")},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert listener.connections == 0
    graph = Graph().parse(out, format="turtle")
    (article,) = graph.subjects(RDF.type, CKG.NewsArticle)
    assert graph.value(article, RDFS.seeAlso) == URIRef(listener.url)
    assert claims_of(graph)
