"""docs/python-api.md is run as written: every example in it, with the output it shows.

The library's reports on every store are tested in tests/test_library.py; here, the page a
notebook user reads must stay true.
"""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

PAGE = Path(__file__).resolve().parent.parent / "docs" / "python-api.md"


def test_every_example_of_the_python_api_page_runs_as_shown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for variable in ("KG_STORE", "KG_ENDPOINT", "KG_ENDPOINT_TIMEOUT"):
        monkeypatch.delenv(variable, raising=False)  # the page opens the bundled data
    found = doctest.testfile(
        str(PAGE),
        module_relative=False,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
        raise_on_error=False,
        verbose=False,
    )
    assert found.attempted >= 30, "the page lost its examples"
    assert found.failed == 0, f"{found.failed} example(s) of {PAGE.name} do not hold"
