"""The row types of kg.results: each declares its columns and table once, and they agree
with its fields; a Result renders every format from them."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from kg import results
from kg.claims import Source

ROW_TYPES = sorted(
    (
        kind
        for kind in vars(results).values()
        if isinstance(kind, type) and issubclass(kind, results.Row) and kind.COLUMNS
    ),
    key=lambda kind: kind.__name__,
)


def test_every_report_row_type_is_found() -> None:
    names = {kind.__name__ for kind in ROW_TYPES}
    assert names == {
        "Agreement",
        "Alias",
        "Alliance",
        "ActorRelation",
        "Backing",
        "Dispute",
        "Event",
        "Office",
        "Opposition",
        "Proxy",
        "ThirdParty",
    }


@pytest.mark.parametrize("kind", ROW_TYPES, ids=lambda kind: kind.__name__)
def test_columns_and_table_name_fields_and_every_field_is_a_column(kind: type) -> None:
    assert dataclasses.is_dataclass(kind) and kind.__dataclass_params__.frozen  # type: ignore[attr-defined]
    fields = {f.name for f in dataclasses.fields(kind)}
    shown = {name for name, _heading in kind.TABLE}
    properties = {name for name in dir(kind) if isinstance(getattr(kind, name), property)}
    assert len(set(kind.COLUMNS)) == len(kind.COLUMNS)
    assert set(kind.COLUMNS) <= fields
    assert shown <= fields | properties
    # A field that JSON never shows would be data a user of the CLI cannot see.
    extra = fields - set(kind.COLUMNS)
    assert extra <= set(getattr(kind, "CHAIN_COLUMNS", ())), extra


def _row(**changes: object) -> results.Alliance:
    source = Source("https://w3id.org/conflict-kg/id/a", "A title", "2017-09-14", "Q.", "c")
    values: dict[str, object] = {
        "actor": "https://w3id.org/conflict-kg/id/x",
        "actor_label": "X",
        "ally": "https://w3id.org/conflict-kg/id/y",
        "ally_label": "=Y",
        "start": "2017-07",
        "start_precision": "month",
        "end": None,
        "end_precision": None,
        "period": "2017-07–",
        "status": "asserted",
        "standing": "current",
        "sources": (source,),
    }
    values.update(changes)
    return results.Alliance(**values)  # type: ignore[arg-type]


def test_a_result_renders_each_format_from_the_declared_columns() -> None:
    result = results.Result.of([_row()], results.Alliance, ["as of 2017-09-01"])
    record = result.to_records()[0]
    assert list(record) == list(results.Alliance.COLUMNS)
    assert record["sources"][0] == {
        "label": "ck:a (2017-09-14)",
        "document": "https://w3id.org/conflict-kg/id/a",
        "title": "A title",
        "date": "2017-09-14",
        "quote": "Q.",
        "claim": "c",
    }
    assert json.loads(result.render("json")) == result.to_records()
    table = result.render("table", width=200).splitlines()
    assert table[0].split() == ["actor", "ally", "period", "status", "as", "of", "sources"]
    assert table[-1] == "(as of 2017-09-01)"
    assert "ck:a (2017-09-14)" in table[2]
    csv_lines = result.render("csv").splitlines()
    assert csv_lines[0] == ",".join(results.Alliance.COLUMNS)
    assert ",'=Y," in csv_lines[1]  # a cell a spreadsheet would run is defused
    assert "(as of" not in result.render("csv")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.rows[0].ally = "z"  # type: ignore[misc]


def test_without_pandas_to_dataframe_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(__import__("sys").modules, "pandas", None)
    result = results.Result.of([_row()], results.Alliance)
    with pytest.raises(results.MissingExtra, match=r"conflict-kg\[pandas\]"):
        result.to_dataframe()


def test_an_empty_result_renders_and_makes_an_empty_frame() -> None:
    empty = results.Result.of([], results.Backing, ["as of 2017-09-01"])
    assert empty.render("table") == "(no rows)\n(as of 2017-09-01)\n"
    assert empty.render("json") == "[]\n"
    assert empty.render("csv") == ",".join(results.Backing.COLUMNS) + "\n"
    assert empty.to_records() == []
    frame = empty.to_dataframe()
    assert len(frame) == 0 and list(frame.columns) == list(results.Backing.COLUMNS)


def test_a_file_that_does_not_open_is_the_clis_error(tmp_path: Path) -> None:
    import kg

    with pytest.raises(kg.DataLoadError, match=r"nope\.ttl: no such file"):
        kg.open(tmp_path / "nope.ttl")
    bad = tmp_path / "bad.ttl"
    bad.write_text("ck:a ck:b .\n", encoding="utf-8")
    with pytest.raises(kg.DataLoadError, match=r"bad\.ttl, line 1"):
        kg.open(bad)
    with kg.open() as graph:
        assert len(graph.backers(of="Turkey", as_of="1990-01-01")) == 0
