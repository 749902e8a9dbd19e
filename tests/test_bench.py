"""The benchmark driver (bench/stores.py): a step past its time is reported as a timeout,
even one that no signal stops (a query in Oxigraph's Rust code), and the steps after it
still run in a new worker."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent


def test_a_stuck_step_is_killed_and_the_next_steps_run(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("bench_stores", REPO / "bench" / "stores.py")
    assert spec is not None and spec.loader is not None
    stores = importlib.util.module_from_spec(spec)
    sys.modules["bench_stores"] = stores
    spec.loader.exec_module(stores)
    data = tmp_path / "none.nt"
    data.write_text("", encoding="utf-8")
    outcomes = list(
        stores.run_engine("selftest", data, ["load", "stuck", "after"], timeout=1, grace=0)
    )
    found = {o["step"]: (o["status"], o.get("count")) for o in outcomes}
    assert found == {"load": ("ok", 1), "stuck": ("timeout", None), "after": ("ok", 2)}
    assert [o["step"] for o in outcomes] == ["load", "stuck", "after"]
    # the driver's verdict (the worker, its signal blocked, could not give one)
    assert outcomes[1]["peak_mib"] is None


def _bench_module(name: str) -> Any:
    sys.path.insert(0, str(REPO / "bench"))
    spec = importlib.util.spec_from_file_location(f"bench_{name}", REPO / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[f"bench_{name}"] = module
    spec.loader.exec_module(module)
    return module


def test_the_import_rows_run_on_small_tables(tmp_path: Path) -> None:
    """bench/imports.py: an ATOP-like table (both directions, as ATOP gives it) kept one
    way, its mapping generated from a table of state codes, and ESD's excerpt, each
    imported into a store and a file and the file loaded, every step a kg process."""
    imports = _bench_module("imports")
    atop = tmp_path / "atop"
    atop.mkdir()
    (atop / "cow-states.csv").write_text(
        "ccode,stateabb,statenme\n2,USA,United States of America\n20,CAN,Canada\n"
        "200,UKG,United Kingdom\n220,FRN,France\n",
        encoding="utf-8",
    )
    pairs = [(2, 20), (2, 200), (200, 220), (20, 220), (2, 220)]
    lines = ["ccode1,ccode2,year,atop_defense,atop_offense,atop_neutral,atop_nonagg,atop_consul"]
    for year in (1950, 1951):
        for a, b in pairs:
            lines += [f"{a},{b},{year},1,0,0,0,1", f"{b},{a},{year},1,0,0,0,1"]
    (atop / "atop-5.1-ddy.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    tables = imports.tables(
        tmp_path / "cache", esd=REPO / "tests" / "data" / "esd-excerpt.csv", atop_dir=atop
    )
    tables = [t for t in tables if t.name != "atop-quoted"]  # the same mapping, and a quote
    assert [t.name for t in tables] == ["esd", "atop"]
    table = tmp_path / "cache" / "atop-5.1-undirected.csv"
    assert len(table.read_text(encoding="utf-8").splitlines()) == 1 + 10  # header, one way
    mapping = tmp_path / "cache" / "atop-5.1.toml"
    assert '"220" = "France"' in mapping.read_text(encoding="utf-8")
    assert "quote = " in (tmp_path / "cache" / "atop-5.1-quoted.toml").read_text(encoding="utf-8")
    assert "quote = " not in mapping.read_text(encoding="utf-8")

    found = []
    for number, item in enumerate(tables):
        work = tmp_path / f"work-{number}"
        work.mkdir()
        found += list(imports.measure(item, work, timeout=120))
    steps = {(o["table"], o["step"]): o for o in found}
    every = ("store", "again", "small", "file", "load")
    assert set(steps) == {(t, s) for t in ("atop", "esd") for s in every}
    assert all(o["status"] == "ok" and o["peak_mib"] > 0 for o in found), found
    assert (steps["atop", "file"]["rows"], steps["atop", "file"]["claims"]) == (10, 10)
    assert steps["atop", "store"]["claims"] == 10
    assert steps["atop", "again"]["triples"] == 0  # nothing new
    assert steps["esd", "small"]["claims"] == 5 and steps["esd", "small"]["triples"] > 0
    assert steps["esd", "file"]["rows"] == 118
    assert steps["esd", "load"]["triples"] == steps["esd", "file"]["triples"] > 0
    text = imports.table_text(found)
    assert text.count("\n| ") == 1 + 10 and "x |" in text
