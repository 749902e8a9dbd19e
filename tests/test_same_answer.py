"""The same bad value gets the same one-line answer on every store.

Each of these passed on one store and failed on the other (issue 12, item 8): an empty IRI
bound with --param, bytes that are not UTF-8 in --of or --param; and a mapping nested
5,000 deep ended in a traceback (item 7).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.graph import StoreSpec
from kg.loading import load_store
from tests.conftest import TESTS

STORES = ["memory", "oxigraph"]
QUERY = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"


@pytest.fixture(scope="module")
def bundled_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("same") / "store"
    load_store(StoreSpec(folder=folder), [])
    return folder


def _kg(store: str, folder: Path, args: list[str]) -> tuple[int, str]:
    env = {"KG_STORE": str(folder)} if store == "oxigraph" else {}
    result = CliRunner().invoke(cli, args, env=env)
    return result.exit_code, result.output


@pytest.mark.parametrize("store", STORES)
@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ["query", "-e", QUERY, "--param", "s=<>"],
            3,
            "--param <>: not an absolute IRI (write <scheme:...>)",
        ),
        (
            ["query", "-e", QUERY, "--param", "s=<a/b>"],
            3,
            "--param <a/b>: not an absolute IRI (write <scheme:...>)",
        ),
        (
            ["query", "-e", QUERY, "--param", "s=\udcff\udcfe"],
            3,
            "--param \\xff\\xfe: the value is not valid UTF-8 text",
        ),
        (
            ["report", "backers", "--of", "Ira\udcffn"],
            6,
            "no actor is called 'Ira\\xffn': the name is not valid UTF-8 text",
        ),
        (
            ["report", "actor", "\udcc3"],
            6,
            "no actor is called '\\xc3': the name is not valid UTF-8 text",
        ),
    ],
)
def test_a_bad_value_gets_one_answer_everywhere(
    store: str, bundled_store: Path, args: list[str], code: int, message: str
) -> None:
    exit_code, output = _kg(store, bundled_store, args)
    assert (exit_code, output) == (code, f"Error: {message}\n")


@pytest.mark.parametrize(
    "nested",
    ["a = " + "[" * 5000 + "]" * 5000, "a = " + "{b=" * 5000 + "1" + "}" * 5000],
    ids=["arrays", "inline tables"],
)
def test_a_mapping_nested_5000_deep_is_one_line(tmp_path: Path, nested: str) -> None:
    mapping = tmp_path / "deep.toml"
    mapping.write_text(nested + "\n", encoding="utf-8")
    out = tmp_path / "out.ttl"
    result = CliRunner().invoke(
        cli,
        [
            "import",
            "csv",
            str(TESTS / "data" / "claims-table.csv"),
            "--mapping",
            str(mapping),
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 8, result.output
    assert result.output == (
        f"Error: {mapping}: not a mapping (arrays or tables nested too deep to read)\n"
    )
    assert not out.exists()


@pytest.mark.parametrize(
    ("lexical", "precision", "shown"),
    [
        ("-0044-03-15", "day", "-0044-03-15"),
        ("12017-01-01", "month", "12017-01"),
        ("0000-02-29", "year", "0000"),  # year 0 is 1 BCE, a leap year
        ("2017-07-01Z", "day", "2017-07-01"),
    ],
)
def test_valid_xsd_dates_outside_python_years_are_read(
    lexical: str, precision: str, shown: str
) -> None:
    from kg.periods import TimePoint

    point = TimePoint.of(lexical, precision)
    assert point is not None and str(point) == shown


@pytest.mark.parametrize("lexical", ["2017-02-29", "-0001-02-29", "012017-01-01", "2017-13-01"])
def test_invalid_xsd_dates_are_still_refused(lexical: str) -> None:
    from kg.errors import BadValue
    from kg.periods import TimePoint

    with pytest.raises(BadValue, match="not a valid xsd:date"):
        TimePoint.of(lexical, "day", where="ck:c")


@pytest.mark.parametrize("store", STORES)
def test_far_dates_sort_before_and_after_every_other(store: str, tmp_path: Path) -> None:
    far = TESTS / "data" / "far-dates.ttl"
    if store == "oxigraph":
        load_store(StoreSpec(folder=tmp_path / "s"), [far])
        args = ["report", "backers", "--include-ended", "--format", "json"]
    else:
        args = ["report", "backers", "--include-ended", "--format", "json", "--data", str(far)]
    env = {"KG_STORE": str(tmp_path / "s")} if store == "oxigraph" else {}
    result = CliRunner().invoke(cli, args, env=env)
    assert result.exit_code == 0, result.output
    rows = {row["backer_label"]: row for row in json.loads(result.stdout)}
    assert (rows["Alpha"]["end"], rows["Alpha"]["period"]) == ("12017-01", "–12017-01")
    # began in 44 BCE and has not ended: current on every day
    assert (rows["Gamma"]["start"], rows["Gamma"]["standing"]) == ("-0044-03-15", "current")


@pytest.mark.parametrize("fmt", ["ttl", "jsonld", "trig", "nt", "nq"])
def test_deeply_nested_blank_nodes_export_from_memory(tmp_path: Path, fmt: str) -> None:
    # rdflib's Turtle writer recursed into 5,000 nested blank nodes: a RecursionError
    # traceback. The export is whole: it reads back to as many triples, with the same names
    # and values (rdflib's isomorphism test takes minutes on 5,000 chained blank nodes).
    from rdflib import BNode, Dataset

    from kg.graph import DATA_GRAPH, KnowledgeGraph

    nested = TESTS / "bad_inputs" / "nested-5000.ttl"
    out = tmp_path / f"out.{fmt}"
    result = CliRunner().invoke(
        cli, ["export", "--data", str(nested), "--no-derived", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    written = Dataset()
    written.parse(out, format={"ttl": "turtle", "jsonld": "json-ld", "nq": "nquads"}.get(fmt, fmt))
    whole = written.graph(DATA_GRAPH) if fmt in ("trig", "nq") else written.default_graph
    if fmt not in ("trig", "nq"):
        for graph in written.graphs():
            whole += graph
    source = KnowledgeGraph.open([nested]).graph(DATA_GRAPH)

    def named(graph: object) -> set[object]:
        return {t for triple in graph for t in triple if not isinstance(t, BNode)}  # type: ignore[attr-defined]

    assert len(whole) == len(source) == 5001
    assert named(whole) == named(source)


@pytest.mark.parametrize("store", STORES)
def test_far_dates_are_valid_dates_to_validate(store: str, tmp_path: Path) -> None:
    # pySHACL took them for "not a valid date" (rdflib could not hold them), and the
    # precision shape read the month by position, which a five-digit year moves.
    far = TESTS / "data" / "far-dates.ttl"
    wrong = tmp_path / "wrong.ttl"
    wrong.write_text(far.read_text(encoding="utf-8").replace("-0044-03-15", "2017-02-30"))
    for data, expected in ((far, "conforms: 0 violation(s)"), (wrong, "1 violation(s)")):
        if store == "oxigraph":
            load_store(StoreSpec(folder=tmp_path / data.stem), [data])
            args = ["validate", "--store", str(tmp_path / data.stem)]
        else:
            args = ["validate", str(data)]
        exit_code, output = _kg(store, tmp_path, args)
        assert expected in output, output
        assert exit_code == (0 if data == far else 1)


@pytest.mark.parametrize("store", STORES)
def test_a_short_construct_with_a_limit_runs_everywhere(store: str, bundled_store: Path) -> None:
    # In memory it failed ("'NoneType' object is not iterable", exit 3); on a store it ran.
    query = "CONSTRUCT WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 2"
    exit_code, output = _kg(store, bundled_store, ["query", "-e", query])
    assert exit_code == 0, output
    from rdflib import Graph

    assert len(Graph().parse(data=output, format="turtle")) == 2


@pytest.mark.parametrize("folder", ["data", "ontology", "shapes"])
def test_no_output_goes_into_the_bundled_folders(folder: str) -> None:
    from kg import resources

    target = resources.bundled_dir(folder) / "actors.ttl"
    before = target.read_bytes() if target.exists() else None
    for args in (["export", "-o", str(target)], ["plot", "-o", str(target.with_suffix(".html"))]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 5, result.output
        assert f"is in the bundled {folder} folder" in result.output
    assert (target.read_bytes() if target.exists() else None) == before
    assert not target.with_suffix(".html").exists()
