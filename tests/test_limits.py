"""Limits that hold (issue 12, item 5): every command under a ceiling on time and memory,
a query's --limit and --timeout covering CONSTRUCT and parsing, chains of backing bounded,
long table cells and big server answers refused, each with one line and its exit code.

The ceilings of every command are kept by the process the console script starts (see
kg.limits), so those tests run the real ``kg`` in a subprocess; the rest use CliRunner.
No test asserts a time: each asserts that a runaway command stops, with its exit code.
"""

from __future__ import annotations

import csv
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.cli_common import KGGroup
from kg.importers.table import MAX_ROW_CHARS
from kg.limits import MAX_QUERY_BYTES, parse_size

TESTS = Path(__file__).resolve().parent
KG = str(Path(sys.executable).parent / "kg")  # the console script installed in the venv
CHAIN = TESTS / "data" / "chain-and-disputes.ttl"
PREFIXES = CHAIN.read_text(encoding="utf-8").split("ck:c1 ")[0]

# A cross product: 1,800 triples of bundled data give 3.2 million answers.
CROSS = "CONSTRUCT { ?a ?b ?x } WHERE { ?a ?b ?c . ?d ?e ?f . BIND(CONCAT(STR(?c),STR(?f)) AS ?x) }"


def one_error_line(output: str) -> str:
    lines = output.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), output
    return lines[0]


def run_kg(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [KG, *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


# --- kg query: --limit on CONSTRUCT, parsing under --timeout, the size of a query --------

two_stores = pytest.mark.parametrize("any_store", ["memory", "oxigraph"], indirect=True)


@two_stores
def test_construct_stops_one_triple_past_the_limit(any_store: str) -> None:
    result = CliRunner().invoke(cli, ["query", "-e", CROSS, "--limit", "10"])
    assert result.exit_code == 10, result.output
    line = one_error_line(result.output)
    assert "more than 10 rows or triples (--limit)" in line


@two_stores
def test_construct_within_the_limit_is_printed(any_store: str) -> None:
    query = "CONSTRUCT { ?s a ?t } WHERE { ?s a ?t } LIMIT 5"
    result = CliRunner().invoke(cli, ["query", "-e", query, "--limit", "5"])
    assert result.exit_code == 0, result.output
    assert result.output.count(" a ") + result.output.count(",") >= 1


def _slow_to_parse(tmp_path: Path) -> Path:
    # 170 KB: rdflib took 66 s to parse a query like it, outside the time limit.
    items = ",".join(str(i) for i in range(30_000))
    path = tmp_path / "slow.rq"
    path.write_text(f"SELECT ?x WHERE {{ VALUES ?x {{ 1 }} FILTER(?x IN ({items})) }}\n")
    return path


@two_stores
def test_parsing_is_under_the_timeout(any_store: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["query", str(_slow_to_parse(tmp_path)), "--timeout", "1"])
    assert result.exit_code == 9, result.output
    assert "stopped after 1 s (--timeout)" in one_error_line(result.output)


def test_a_query_text_over_the_limit_is_refused_unread(tmp_path: Path) -> None:
    big = tmp_path / "big.rq"
    literal = "a" * MAX_QUERY_BYTES
    big.write_text(f'SELECT * WHERE {{ BIND("{literal}" AS ?x) }}\n')
    result = CliRunner().invoke(cli, ["query", str(big)])
    assert result.exit_code == 10, result.output
    assert "the query file is longer than 1 MiB" in one_error_line(result.output)
    result = CliRunner().invoke(cli, ["query", "-e", big.read_text()])
    assert result.exit_code == 10, result.output
    assert "query (-e): the query text is longer than 1 MiB" in one_error_line(result.output)
    # Just under the limit is read and run.
    small = f'SELECT (STRLEN(?x) AS ?n) WHERE {{ BIND("{literal[:100_000]}" AS ?x) }}'
    result = CliRunner().invoke(cli, ["query", "-e", small, "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["n", "100000"]


# --- kg report backers --indirect -------------------------------------------------------


def _claim(a: str, b: str, kind: str = "WeaponsSupport", when: str = "") -> str:
    return (
        f"ck:{a}-{b}-{kind} a ckg:SupportClaim ; "
        f"ckg:backer ck:{a} ; ckg:recipient ck:{b} ; ckg:supportKind ckg:{kind} ; "
        f'ckg:status ckg:Asserted ; ckg:source ck:paper-a ; ckg:quote "q" {when}.'
    )


def _actors(names: list[str]) -> list[str]:
    return [f'ck:{n} a ckg:State ; rdfs:label "{n}"@en .' for n in names]


@pytest.fixture(scope="module")
def everyone_backs_everyone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """20 actors that all back each other: 380 claims, 62 KB of Turtle, almost 2 million
    chains of at most 4 links (the old code passed 4 GB at 70 s)."""
    names = [f"n{i:02d}" for i in range(20)]
    lines = [PREFIXES, *_actors(names)]
    lines += [_claim(a, b) for a in names for b in names if a != b]
    path = tmp_path_factory.mktemp("dense") / "everyone.ttl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _report(*args: str) -> Any:
    result = CliRunner().invoke(cli, ["report", "backers", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@two_stores
def test_too_many_chains_are_refused_not_listed(
    any_store: str, everyone_backs_everyone: Path
) -> None:
    result = CliRunner().invoke(
        cli, ["report", "backers", "--indirect", "--data", str(everyone_backs_everyone)]
    )
    assert result.exit_code == 10, result.output
    line = one_error_line(result.output)
    assert "more than 10,000 chains of backing of at most 4 links (--max-chains)" in line


@two_stores
def test_chains_within_the_bounds_are_listed_once(
    any_store: str, everyone_backs_everyone: Path
) -> None:
    rows = _report(
        "--indirect", "--data", str(everyone_backs_everyone), "--of", "n05", "--max-hops", "2"
    )
    # 19 direct backers and 19 * 18 chains of two links, each path once.
    assert [sum(r["hops"] == h for r in rows) for h in (1, 2, 3)] == [19, 19 * 18, 0]
    assert len({tuple(r["path"]) for r in rows}) == len(rows)
    assert all(r["path"][-1] == "n05" for r in rows)


@pytest.fixture(scope="module")
def chains_in_time(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """a backs b in 2011-2012 (with two kinds of support: two relations), b backs c in
    2014-2015 (never at the same time), b backs d in 2012-2013 (overlapping in 2012)."""

    def period(start: str, end: str) -> str:
        return (
            f'; ckg:start "{start}-01-01"^^xsd:date ; ckg:startPrecision time:unitYear '
            f'; ckg:end "{end}-01-01"^^xsd:date ; ckg:endPrecision time:unitYear '
        )

    lines = [PREFIXES, *_actors(["a", "b", "c", "d"])]
    lines += [
        _claim("a", "b", "WeaponsSupport", period("2011", "2012")),
        _claim("a", "b", "FundingSupport", period("2011", "2012")),
        _claim("b", "c", "WeaponsSupport", period("2014", "2015")),
        _claim("b", "d", "WeaponsSupport", period("2012", "2013")),
    ]
    path = tmp_path_factory.mktemp("time") / "chains.ttl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@two_stores
def test_chain_links_overlap_in_time_and_paths_are_not_repeated(
    any_store: str, chains_in_time: Path
) -> None:
    rows = _report("--indirect", "--include-ended", "--data", str(chains_in_time), "--by", "a")
    chains = [r for r in rows if r["hops"] > 1]
    assert [(r["path"], r["period"]) for r in chains] == [(["a", "b", "d"], "2012")]
    # Both relations of a -> b back the one chain, with their sources.
    assert len(chains[0]["sources"]) == 3
    result = CliRunner().invoke(
        cli,
        ["report", "backers", "--indirect", "--include-ended", "--data", str(chains_in_time)]
        + ["--max-chains", "3"],
    )
    # 3 direct relations (a -> b's two years join into one span, though their kinds of
    # support differ) and one chain
    assert result.exit_code == 10, result.output
    assert "more than 3 chains" in one_error_line(result.output)
    rows = _report("--indirect", "--include-ended", "--data", str(chains_in_time))
    paths = sorted(" → ".join(r["path"]) for r in rows)
    assert paths == ["a → b", "a → b → d", "b → c", "b → d"]


# --- kg import csv: a row too long ------------------------------------------------------

MAPPING = TESTS / "data" / "claims-table.toml"
TABLE = TESTS / "data" / "claims-table.csv"


def _table_with(tmp_path: Path, quote: str) -> Path:
    with TABLE.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header, first = rows[0], rows[1]
    long_row = list(first)
    long_row[header.index("quote")] = quote
    path = tmp_path / "long.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, first, long_row, first])
    return path


@pytest.mark.parametrize(
    "quote",
    ["x" * (MAX_ROW_CHARS + 10), "a line\n" * (MAX_ROW_CHARS // 7 + 10)],
    ids=["one-line", "many-lines"],
)
def test_a_row_too_long_is_refused_naming_row_and_column(tmp_path: Path, quote: str) -> None:
    table = _table_with(tmp_path, quote)
    out = tmp_path / "out.ttl"
    result = CliRunner().invoke(
        cli, ["import", "csv", str(table), "--mapping", str(MAPPING), "-o", str(out)]
    )
    assert result.exit_code == 8, result.output
    line = one_error_line(result.output)
    assert f"{table}, row 3, column quote: the row is longer than 1,048,576" in line
    assert not out.exists()


def test_a_row_too_long_in_the_esd_file_is_refused(tmp_path: Path) -> None:
    with (TESTS / "data" / "esd-excerpt.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header, long_row = rows[0], list(rows[1])
    column = header[3]
    long_row[3] = "x" * (MAX_ROW_CHARS + 1)
    table = tmp_path / "esd.csv"
    with table.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, rows[1], long_row])
    out = tmp_path / "esd.ttl"
    result = CliRunner().invoke(cli, ["import", "ucdp-esd", str(table), "-o", str(out)])
    assert result.exit_code == 8, result.output
    line = one_error_line(result.output)
    assert f"{table}, row 3, column {column}: the row is longer than" in line
    assert not out.exists()


# --- a SPARQL server's answers: too big, or not what was asked ---------------------------


class FakeServer:
    """A SPARQL server on 127.0.0.1 that sends ``body`` to every request, or with ``every``,
    one row holding that value for every variable the query names."""

    def __init__(self) -> None:
        self.body = b""
        self.every: Any = None
        self.content_type = "application/sparql-results+json"
        self.length = True
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (the name http.server calls)
                asked = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                body = owner.body
                if owner.every is not None:
                    # this request's own answer: validation asks two queries at once
                    form = urllib.parse.parse_qs(asked.decode("utf-8"))
                    names = sorted(set(re.findall(r"[?$](\w+)", form["query"][0])))
                    body = owner.render(names, [dict.fromkeys(names, owner.every)])
                self.send_response(200)
                self.send_header("Content-Type", owner.content_type)
                if owner.length:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    for at in range(0, len(body), 1 << 16):
                        self.wfile.write(body[at : at + (1 << 16)])
                except OSError:
                    pass  # the client stopped reading: what the test wants

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/sparql"

    @staticmethod
    def render(variables: list[str], rows: list[dict[str, Any]]) -> bytes:
        body = {"head": {"vars": variables}, "results": {"bindings": rows}}
        return json.dumps(body).encode("utf-8")

    def answer(self, variables: list[str], rows: list[dict[str, Any]]) -> None:
        self.body = self.render(variables, rows)


@pytest.fixture
def fake_server() -> Iterator[FakeServer]:
    server = FakeServer()
    yield server
    server.server.shutdown()
    server.server.server_close()


def _uri(value: str) -> dict[str, str]:
    return {"type": "uri", "value": value}


def test_an_answer_bigger_than_its_ceiling_is_refused(fake_server: FakeServer) -> None:
    # --max-memory 32M lets a server's answer take 2 MiB; this one is 3 MB.
    fake_server.answer(["s"], [{"s": _uri(f"http://x/{i:020d}")} for i in range(60_000)])
    args = ["--max-memory", "32M", "query", "-e", "SELECT ?s WHERE { ?s ?p ?o }"]
    for length in (True, False):  # announced, or sent in chunks without a length
        fake_server.length = length
        result = CliRunner().invoke(cli, [*args, "--endpoint", fake_server.url])
        assert result.exit_code == 10, result.output
        line = one_error_line(result.output)
        assert "the server's answer is larger than 2 MiB (a sixteenth of --max-memory)" in line
    # Within the ceiling it is read.
    result = CliRunner().invoke(
        cli, [*args[2:], "--endpoint", fake_server.url, "--format", "csv", "--limit", "100000"]
    )
    assert result.exit_code == 0, result.output
    assert len(result.output.splitlines()) == 60_001


# Each bad value is sent for every variable of every query; "missing" sends another.
BAD_ANSWERS = {
    "missing-variables": (None, "lacks the variable(s)"),
    "lone-surrogate": ({"type": "literal", "value": "\ud800"}, "(a lone surrogate)"),
    "not-a-term": ({"type": "uri"}, "not an RDF term"),
    "unknown-type": ({"type": "wat", "value": "v"}, "of unknown type 'wat'"),
    "value-not-a-term": (7, "not an RDF term"),
    "bad-language": ({"type": "literal", "value": "v", "xml:lang": "e n"}, "bad language tag"),
}


@pytest.mark.parametrize("case", BAD_ANSWERS, ids=list(BAD_ANSWERS))
@pytest.mark.parametrize(
    "command",
    [
        ["query", "-e", "SELECT ?s WHERE { ?s ?p ?o }"],
        ["report", "backers"],
        ["stats"],
        ["validate"],
    ],
    ids=["query", "report-backers", "stats", "validate"],
)
def test_a_bad_answer_is_one_line(fake_server: FakeServer, case: str, command: list[str]) -> None:
    value, message = BAD_ANSWERS[case]
    if value is None:
        fake_server.answer(["nothing"], [{"nothing": _uri("http://x/a")}])
    else:
        fake_server.every = value
    result = CliRunner().invoke(cli, [*command, "--endpoint", fake_server.url])
    assert result.exit_code == 11, result.output
    line = one_error_line(result.output)
    assert fake_server.url in line and message in line


def test_a_row_that_is_not_an_object_is_one_line(fake_server: FakeServer) -> None:
    fake_server.answer(["s"], [["s"]])
    query = ["query", "-e", "SELECT ?s WHERE { ?s ?p ?o }", "--endpoint", fake_server.url]
    result = CliRunner().invoke(cli, query)
    assert result.exit_code == 11, result.output
    assert "row 1 of the answer is not a JSON object" in one_error_line(result.output)


def test_an_ask_answer_that_is_not_a_boolean_is_one_line(fake_server: FakeServer) -> None:
    fake_server.body = b'{"head": {}, "boolean": "yes"}'
    result = CliRunner().invoke(
        cli, ["query", "-e", "ASK { ?s ?p ?o }", "--endpoint", fake_server.url]
    )
    assert result.exit_code == 11, result.output
    assert "not true or false" in one_error_line(result.output)


# --- every command: --time-limit and --max-memory ---------------------------------------


def test_sizes_read_as_written() -> None:
    assert parse_size("4G") == 4 << 30
    assert parse_size("512m") == 512 << 20
    assert parse_size("1.5GiB") == 3 << 29
    assert parse_size("0") is None
    for bad in ("lots", "-1G", "100", "1Q"):
        with pytest.raises(ValueError):
            parse_size(bad)


def test_a_bad_ceiling_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["--max-memory", "lots", "stats"])
    assert result.exit_code == 2
    assert "--max-memory" in one_error_line(result.output)
    result = CliRunner().invoke(cli, ["--time-limit", "nan", "stats"])
    assert result.exit_code == 2
    assert "--time-limit" in one_error_line(result.output)


def test_a_command_past_its_time_limit_stops_with_one_line() -> None:
    # --timeout of the query itself is far off: the command's own limit stops it.
    done = run_kg(
        "query", "-e", CROSS, "--limit", "100000000", "--timeout", "600",
        env={"KG_TIME_LIMIT": "1"},
    )  # fmt: skip
    assert done.returncode == 9, done.stderr
    assert "ran longer than 1 s (--time-limit or KG_TIME_LIMIT)" in one_error_line(done.stderr)
    assert done.stdout == ""


def test_native_code_past_the_time_limit_is_killed() -> None:
    # Python code busy in one long C call cannot be interrupted by SIGALRM: the watcher
    # kills it after the grace period and says why.
    script = (
        "import kg.limits as limits\n"
        "limits.GRACE_SECONDS = 0.5\n"
        "limits.supervise(limits.Ceiling(seconds=1, memory=None))\n"
        "sum(range(10 ** 12))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 9, done.stderr
    assert "ran longer than 1 s" in one_error_line(done.stderr)


# A string that doubles 32 times: 64 GiB if nothing stopped it.
_DOUBLINGS = " ".join(f"BIND(CONCAT(?x{i},?x{i}) AS ?x{i + 1})" for i in range(32))
DOUBLING = f'SELECT (STRLEN(?x32) AS ?n) WHERE {{ BIND("aaaaaaaaaaaaaaaa" AS ?x0) {_DOUBLINGS} }}'


@pytest.mark.parametrize("kind", ["memory", "oxigraph"])
def test_a_command_past_its_memory_ceiling_stops_with_one_line(kind: str, tmp_path: Path) -> None:
    store: list[str] = []
    if kind == "oxigraph":
        store = ["--store", str(tmp_path / "store")]
        assert run_kg("load", str(TESTS / "data" / "tiny.ttl"), *store).returncode == 0
    done = run_kg("--max-memory", "150M", "query", "-e", DOUBLING, "--timeout", "600", *store)
    assert done.returncode == 10, done.stderr
    line = one_error_line(done.stderr)
    assert "needed more than 150 MiB of memory (--max-memory or KG_MAX_MEMORY)" in line
    assert done.stdout == ""


def test_a_memory_error_is_one_line() -> None:
    @click.group(cls=KGGroup)
    def group() -> None:
        pass

    @group.command()
    def greedy() -> None:
        raise MemoryError

    result = CliRunner().invoke(group, ["greedy"])
    assert result.exit_code == 10
    assert "of memory (--max-memory or KG_MAX_MEMORY)" in one_error_line(result.output)


def test_real_work_passes_under_the_ceilings() -> None:
    done = run_kg("--time-limit", "120", "--max-memory", "1G", "report", "backers")
    assert done.returncode == 0, done.stderr
    assert "United States" in done.stdout


# --- a bad option: one line --------------------------------------------------------------


def _commands(group: click.Group, path: list[str]) -> Iterator[list[str]]:
    for name, command in sorted(group.commands.items()):
        yield [*path, name]
        if isinstance(command, click.Group):
            yield from _commands(command, [*path, name])


@pytest.mark.parametrize("path", list(_commands(cli, [])), ids=" ".join)
def test_a_bad_option_is_one_error_line(path: list[str]) -> None:
    result = CliRunner().invoke(cli, [*path, "--no-such-option"])
    assert result.exit_code == 2, result.output
    line = one_error_line(result.output)
    assert "No such option" in line and f"'kg {' '.join(path)} --help'" in line.replace(
        "'cli ", "'kg "
    )


def test_bad_usage_from_the_console_script_is_one_line() -> None:
    done = run_kg("report", "backers", "--max-hops", "0")
    assert done.returncode == 2
    line = one_error_line(done.stderr)
    assert line.startswith("Error: Invalid value for '--max-hops'")
    assert line.endswith("(see 'kg report backers --help')")


WRONG_KINDS = {
    "an IRI": {"type": "uri", "value": "http://x/a"},
    "an ill-typed integer": {
        "type": "literal",
        "value": "x",
        "datatype": "http://www.w3.org/2001/XMLSchema#integer",
    },
}
EVERY_READER = [
    ["report", "backers"],
    ["report", "allies", "x"],
    ["report", "adversaries"],
    ["report", "mediators"],
    ["report", "agreements"],
    ["report", "timeline"],
    ["report", "disputed"],
    ["report", "proxies"],
    ["report", "profile", "x"],
    ["stats"],
    ["validate"],
    ["metrics"],
    ["export"],
    ["export", "--format", "graphml"],
]


def test_answers_of_the_wrong_kind_are_never_a_traceback(fake_server: FakeServer) -> None:
    # Every variable of every query gets the same well-formed term of one kind: the
    # commands may find nothing, violations or a bad value, but say so in one line.
    for kind, value in WRONG_KINDS.items():
        fake_server.every = value
        for command in EVERY_READER:
            result = CliRunner().invoke(cli, [*command, "--endpoint", fake_server.url])
            assert result.exception is None or isinstance(result.exception, SystemExit), (
                kind,
                command,
                repr(result.exception),
            )
            if result.exit_code not in (0, 1) or command[0] != "validate":
                assert result.exit_code == 0 or one_error_line(result.output), (kind, command)


def test_killing_the_kg_process_stops_the_command() -> None:
    # `kill -9` of the process the user started (a test killing a load half-way) must
    # stop the command the watcher runs, not leave it running alone.
    from kg.limits import _family

    command = [KG, "query", "-e", CROSS, "--limit", "100000000", "--timeout", "600"]
    watcher = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(600):
            family = _family(watcher.pid)
            if len(family) >= 3:  # the watcher, the command, its query process
                break
            time.sleep(0.05)
        assert len(family) >= 3, family
    finally:
        os.kill(watcher.pid, signal.SIGKILL)
        watcher.wait()
    for _ in range(600):
        alive = [pid for pid in family[1:] if Path(f"/proc/{pid}").exists() and _running(pid)]
        if not alive:
            break
        time.sleep(0.05)
    assert alive == []


def _running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except (OSError, IndexError):
        return False


@pytest.mark.parametrize("path", [[], ["report"], ["import"]], ids=["kg", "report", "import"])
def test_a_group_alone_still_shows_its_help(path: list[str]) -> None:
    result = CliRunner().invoke(cli, path)
    assert result.output.startswith("Usage: "), result.output
    assert "Commands:" in result.output


def test_a_construct_answer_with_a_lone_surrogate_is_one_line(fake_server: FakeServer) -> None:
    fake_server.content_type = "application/n-triples"
    fake_server.body = b'<http://x/a> <http://x/p> "bad \\uD800 value" .\n'
    query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    result = CliRunner().invoke(cli, ["query", "-e", query, "--endpoint", fake_server.url])
    assert result.exit_code == 11, result.output
    assert "not Unicode text (a lone surrogate" in one_error_line(result.output)
    fake_server.body = b'<http://x/a> <http://x/p> "a backslash \\\\uD800" .\n'
    result = CliRunner().invoke(cli, ["query", "-e", query, "--endpoint", fake_server.url])
    assert result.exit_code == 0, result.output
    assert "\\\\uD800" in result.output
