"""The benchmark driver (bench/stores.py): a step past its time is reported as a timeout,
even one that no signal stops (a query in Oxigraph's Rust code), and the steps after it
still run in a new worker."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

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
