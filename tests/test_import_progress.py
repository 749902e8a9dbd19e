"""An import's progress bar (issue 14, item 5): on a terminal it counts the table's rows (not
its lines: a cell may hold a line break), then names the steps after them, validating and
writing, instead of sitting at 100 %; --quiet shows nothing."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import on_a_terminal

from kg.graph import StoreSpec
from kg.importers import table_rows
from kg.loading import load_store

TESTS = Path(__file__).resolve().parent
EXCERPT = TESTS / "data" / "esd-excerpt.csv"  # 118 rows on 120 lines: a cell holds a newline
STEPS = ("validating", "writing")


def test_the_bar_counts_rows_then_names_validating_and_writing(tmp_path: Path) -> None:
    store = tmp_path / "store"
    load_store(StoreSpec(folder=store), [])
    out, shown = on_a_terminal("import", "ucdp-esd", EXCERPT, "--store", store)
    assert out.startswith(f"imported {EXCERPT} into {store}\n"), out
    assert "Importing esd-excerpt.csv  [" in shown
    assert re.search(r"100%  118 rows/118 rows  [\d,]+ rows/s", shown), shown
    assert "/120 rows" not in shown and "/119 rows" not in shown
    steps = [shown.find(f"Importing esd-excerpt.csv: {step}  [") for step in STEPS]
    assert -1 < steps[0] < steps[1], shown
    out, shown = on_a_terminal("import", "ucdp-esd", EXCERPT, "--store", store, "--quiet")
    assert (out, shown) == ("", "")


def test_rows_are_counted_as_the_import_reads_them(tmp_path: Path) -> None:
    table = tmp_path / "claims.csv"
    # A cell over two lines, a blank line, a delimiter of the mapping's.
    table.write_text('id;note\n1;"two\nlines"\n\n2;x\n3;y\n', encoding="utf-8")
    mapping = tmp_path / "claims.toml"
    mapping.write_text('[table]\ndelimiter = ";"\n', encoding="utf-8")
    assert table_rows(table, mapping) == 3
    assert table_rows(EXCERPT) == 118
    assert table_rows(tmp_path / "missing.csv") == 0
    # A mapping that cannot be read (the import names it): the rows as "," splits them.
    mapping.write_text("not = [toml", encoding="utf-8")
    assert table_rows(table, mapping) == 4
