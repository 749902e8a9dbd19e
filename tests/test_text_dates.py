"""Dates as news sentences give them (kg.text_dates, issue 17): read against the article's
day, with their offsets and role; the sentences are those of the gold articles of
tests/data/extract and of the bundled Astana articles."""

from __future__ import annotations

from datetime import date

import pytest

from kg.text_dates import dates_in

BERLIN = date(2020, 1, 20)  # a Monday


@pytest.mark.parametrize(
    ("sentence", "article", "expected"),
    [
        (
            "Turkey began sending troops to support the Tripoli government this month.",
            BERLIN,
            [("this month", "point", "2020-01")],
        ),
        (
            "Haftar's army has been trying to seize Tripoli since April.",
            BERLIN,
            [("since April", "start", "2019-04")],  # read back from January 2020
        ),
        (
            "The United States ended its covert programme in July.",
            date(2017, 9, 14),
            [("in July", "point", "2017-07")],
        ),
        (
            "Rebels have fought the army since 2013, and on Thursday they took the town.",
            date(2022, 11, 24),  # a Thursday: that day
            [("since 2013", "start", "2013"), ("on Thursday", "point", "2022-11-24")],
        ),
        (
            "Talks began last month and ran until 15 September 2017.",
            date(2017, 10, 2),
            [("last month", "point", "2017-09"), ("until 15 September 2017", "end", "2017-09-15")],
        ),
        (
            "Leaders met on Sunday; from March 2018 the talks stalled.",
            BERLIN,
            [("on Sunday", "point", "2020-01-19"), ("from March 2018", "start", "2018-03")],
        ),
        ("The ceasefire may hold, officials said.", BERLIN, []),  # "may", the verb
        ("Envoys met in Geneva on 31 June.", BERLIN, [("on 31 June", "point", None)]),
    ],
)
def test_dates_are_read_against_the_article(
    sentence: str, article: date, expected: list[tuple[str, str, str | None]]
) -> None:
    found = dates_in(sentence, article)
    assert [(d.text, d.role, str(d.when) if d.when else None) for d in found] == expected
    for d in found:
        assert sentence[d.begin : d.end] == d.text


def test_without_an_article_date_relative_dates_stay_undated() -> None:
    found = dates_in("In July the envoy met them, as in March 2016 and since 2013.", None)
    assert [(d.text, str(d.when) if d.when else None) for d in found] == [
        ("In July", None),
        ("in March 2016", "2016-03"),
        ("since 2013", "2013"),
    ]
