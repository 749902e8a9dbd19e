"""``kg extract``: candidate claims from news articles, for ``kg review`` (kg.extract)."""

from __future__ import annotations

import re
import sys
from datetime import date
from pathlib import Path

import click

from kg import crosswalk
from kg.cli_common import GraphSource, data_options, quiet_option
from kg.errors import DataLoadError, OutputError, TooBig
from kg.export import output_target, refuse_bundled, write_atomically
from kg.extract import Article, extract, gazetteer_of
from kg.extract_text import MAX_BYTES, article_text


class _Day(click.ParamType[date]):
    name = "YYYY-MM-DD"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r} is not a day as YYYY-MM-DD (2017-09-14)", param, ctx)


class _Url(click.ParamType[str]):
    """An absolute URL, as an IRI can hold it: with a scheme, no spaces or <>"{}|\\^`."""

    name = "URL"
    _IRI = re.compile(
        r"https?://[^\x00-\x20<>\"{}|\\^`\x7f%]*(?:%[0-9A-Fa-f]{2}[^\x00-\x20<>\"{}|\\^`\x7f%]*)*"
    )

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> str:
        # http(s) only, and every % an escape: a javascript: or file: link, or a bad %ZZ
        # (which no Turtle reader takes back), is refused here, not after the extraction
        if not self._IRI.fullmatch(str(value)) or len(str(value)) < 10:
            self.fail(
                f'{value!r} is not a URL (https://...; spaces and <>"{{}}|\\^` written as '
                "%20 and so on)",
                param,
                ctx,
            )
        return str(value)


class _Name(click.ParamType[str]):
    """Text that is not blank; a run of white space (a line end too) becomes one space."""

    name = "TEXT"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> str:
        text = " ".join(str(value).split())
        if not text:
            self.fail(f"{value!r} is blank", param, ctx)
        return text


@click.command("extract")
@click.argument("articles", nargs=-1, required=True, metavar="ARTICLE.txt... (- for stdin)")
@click.option(
    "--date",
    "day",
    type=_Day(),
    help="The articles' date: 'in July', 'last month' and 'on Thursday' are read against it. "
    "Without it they stay undated (a note says how many).",
)
@click.option(
    "--title", type=_Name(), help="The article's title (one article; default: its file name)."
)
@click.option(
    "--publisher",
    type=_Name(),
    help="Who published it: an actor the graph knows by this name, or a new one.",
)
@click.option(
    "--url", type=_Url(), help="Where the article is (kept as rdfs:seeAlso; never fetched)."
)
@click.option(
    "-o",
    "--output",
    "output_path",
    type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
    default="-",
    show_default=True,
    metavar="FILE.ttl",
    help="Write the candidates here as Turtle, replaced in one step; - for stdout.",
)
@click.option(
    "--max-size",
    type=click.FloatRange(min=0.001),
    default=MAX_BYTES / 1e6,
    show_default=True,
    metavar="MB",
    help="Refuse an article file larger than this many megabytes.",
)
@quiet_option
@data_options
def extract_command(
    articles: tuple[str, ...],
    day: date | None,
    title: str | None,
    publisher: str | None,
    url: str | None,
    output_path: Path,
    max_size: float,
    quiet: bool,
    source: GraphSource,
) -> None:
    """Propose claims from news ARTICLE files (UTF-8 text, English) for `kg review`.

    Each claim is in the data's own model (ckg:SupportClaim with backer and recipient, ...)
    with its sentence, the sentence's place in the article, its status and dates as the text
    gives them, the rule that found it and a confidence. Actors are the graph's, found by any
    of their names, capitals and demonyms ("Damascus", "the Rwandan army"); names the graph
    does not know are proposed as new actors. Claims reviewed before (accepted or rejected,
    in the graph or store) are not proposed again.

    An empty article, or one not in English, is left out with a note. Exit 2: an article
    that is missing, a folder, binary or not UTF-8, or a bad option; 5: -o cannot be written
    (nothing is read); 10: an article over --max-size.

    \b
    Examples:
      kg extract article.txt --date 2017-09-14 -o candidates.ttl
      curl -s URL | kg extract - --date 2017-09-14 --url URL -o candidates.ttl
      kg extract a.txt b.txt --store kg-store -o candidates.ttl
    """
    if (title or url) and len(articles) > 1:
        raise click.UsageError("--title and --url describe one article; give one file")
    if articles.count("-") > 1:
        raise click.UsageError("- (standard input) can be read once; give it once")
    to_stdout = str(output_path) == "-"
    if not to_stdout:
        # Refused before the articles are read: a wrong -o should not cost a whole extraction.
        refuse_bundled(output_target(output_path), "kg extract")
        target = output_target(output_path).resolve()
        for name in articles:
            if name != "-" and Path(name).resolve() == target:
                raise OutputError(
                    f"{output_path}: is one of the articles; -o would replace it with the "
                    "candidates: name another file"
                )
    max_bytes = int(max_size * 1e6)
    texts: list[Article] = []
    notes: list[str] = []
    first_with: dict[str, str] = {}
    for name in articles:
        label = "stdin" if name == "-" else name
        text, note = article_text(_read(name, max_bytes), label, max_bytes)
        if note is None and text in first_with:
            # One text is one article (its IRI comes from the text): read twice, its claims
            # would be counted twice and its node given both files' titles.
            note = f"{label}: the same text as {first_with[text]}; read once"
        if note is not None:
            notes.append(note)
            continue
        first_with[text] = label
        texts.append(Article(text, label, day, title, publisher, url))
    where = "stdout" if to_stdout else str(output_path)
    if not texts:
        # Every article was empty or not English: an empty candidates file would pass for a
        # result, and would replace the candidates of an earlier run at -o.
        for note in notes:
            click.echo(note, err=True)
        click.echo(f"No article to read; nothing written to {where}", err=True)
        return
    from kg.review import reviewed_keys

    kg = source.open()
    try:
        names: list[dict[str, object]] = [dict(row) for row in kg.select("extract-names").rows]
        reviewed = reviewed_keys(kg)
    finally:
        kg.close()  # a store is not held while the rules run
    gazetteer, governments = gazetteer_of(names, crosswalk.bundled().states)
    result = extract(texts, gazetteer, governments, rejected=reviewed)
    notes.extend(result.notes)
    content = result.graph.serialize(format="turtle").encode("utf-8")
    if to_stdout:
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
    else:
        write_atomically(output_path, content, rdf_format="turtle")
    if not quiet:
        for note in notes:
            click.echo(note, err=True)
        skipped = (
            f", {result.skipped_rejected} reviewed before left out"
            if result.skipped_rejected
            else ""
        )
        click.echo(
            f"{_count(len(texts), 'article')}, {_count(result.sentences, 'sentence')}: "
            f"{_count(result.claims, 'candidate claim')}, "
            f"{_count(result.proposed, 'proposed actor')}{skipped} -> {where}",
            err=True,
        )


def _count(n: int, what: str) -> str:
    return f"{n:,} {what}{'' if n == 1 else 's'}"


def _read(name: str, max_bytes: int) -> bytes:
    """The bytes of an article file, or of standard input for ``-``; TooBig, unread, for a
    file over ``max_bytes``, DataLoadError for one that is missing, a folder, unreadable or
    UTF-16."""
    if name == "-":
        if sys.stdin.isatty():
            # Else a user who typed `kg extract -` sees a command that seems to hang.
            click.echo("Reading the article from the terminal; end it with Ctrl-D", err=True)
        data = sys.stdin.buffer.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise TooBig(
                f"stdin: more than {max_bytes:,} bytes is more than an article; kg extract "
                "reads up to --max-size MB"
            )
        return _not_utf16("stdin", data)
    path = Path(name)
    try:
        if path.is_dir():
            raise DataLoadError(f"{name}: is a folder; give the article files in it")
        if not path.exists():
            raise DataLoadError(f"{name}: does not exist")
        size = path.stat().st_size
        if path.is_file() and size > max_bytes:
            raise TooBig(
                f"{name}: {size:,} bytes is more than an article; kg extract reads files up "
                f"to {max_bytes:,} bytes (--max-size MB)"
            )
        # Not only regular files: a pipe such as <(curl ...) is read as far as the limit.
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as error:
        raise DataLoadError(f"{name}: cannot be read ({error.strerror})") from None
    if len(data) > max_bytes:
        raise TooBig(
            f"{name}: more than {max_bytes:,} bytes is more than an article; kg extract reads "
            "up to --max-size MB"
        )
    return _not_utf16(name, data)


def _not_utf16(name: str, data: bytes) -> bytes:
    # Without this, a file saved as "Unicode" by Windows Notepad is called binary (its NULs).
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise DataLoadError(
            f"{name}: is UTF-16 text; kg extract reads UTF-8 (convert it: iconv -f UTF-16 -t UTF-8)"
        )
    return data
