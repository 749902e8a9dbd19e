"""Valid xsd:dates that Python's dates cannot hold: years before 1 or after 9999.

XSD 1.1 allows any year (``-0044-03-15`` is 15 March 45 BCE, ``12017-01-01`` is valid
too), but ``datetime.date`` holds only the years 1 to 9999, so rdflib marks such a literal
ill-typed and pySHACL reports it as "not a valid date". On import, kg teaches rdflib to keep
such a value as :class:`FarDate` (its text) instead; everything else about xsd:date in
rdflib is unchanged, and truly invalid dates (``2017-02-30``) stay ill-typed.
"""

from __future__ import annotations

import calendar
import logging
import re
import warnings
from collections.abc import Callable
from datetime import date
from typing import Any

# An optional minus, a year of four or more digits, a month and a day, and perhaps a time
# zone (ignored: a date is read as a day).
XSD_DATE = re.compile(r"(-?)(\d{4,})-(\d{2})-(\d{2})(?:Z|[+-]\d{2}:\d{2})?")


class FarDate(date):
    """A valid xsd:date outside the years 1 to 9999: a date, so that pySHACL and rdflib
    take it as one, standing at the first or last day Python holds (so it sorts before or
    after every other date), with its own text in ``lexical``."""

    lexical: str

    def __new__(cls, lexical: str) -> FarDate:
        early = lexical.startswith("-")
        self = super().__new__(cls, *((1, 1, 1) if early else (9999, 12, 31)))
        self.lexical = lexical
        return self

    def __str__(self) -> str:
        return self.lexical

    def isoformat(self) -> str:
        return self.lexical


def valid_day(m: re.Match[str]) -> bool:
    """Whether the month and day of an xsd:date (matched by XSD_DATE) exist in its year
    (XSD 1.1: year 0 is 1 BCE, and the proleptic Gregorian calendar's leap years run on
    through it)."""
    sign, year_text, month_text, day_text = m.groups()
    if len(year_text) > 4 and year_text.startswith("0"):
        return False  # a year of more than four digits has no leading zero
    if sign and int(year_text) == 0:
        return False  # -0000 is not a year
    year, month, day = int(year_text) * (-1 if sign else 1), int(month_text), int(day_text)
    if not 1 <= month <= 12 or day < 1:
        return False
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return day <= calendar.monthrange(2000 if leap else 2001, month)[1]


def _far_date(original: Callable[[str], Any]) -> Callable[[str], Any]:
    def convert(lexical: str) -> Any:
        try:
            return original(lexical)
        except Exception:
            m = XSD_DATE.fullmatch(lexical.strip())
            if m is None or not valid_day(m) or 1 <= int(m.group(1) + m.group(2)) <= 9999:
                raise
            return FarDate(lexical.strip())

    return convert


def install() -> None:
    """Let rdflib read valid xsd:dates outside the years 1 to 9999 (once per process)."""
    import rdflib.term
    from rdflib.namespace import XSD

    current = rdflib.term._toPythonMapping.get(XSD.date)
    if current is None or getattr(current, "kg_far_dates", False):
        return
    convert = _far_date(current)
    convert.kg_far_dates = True  # type: ignore[attr-defined]
    # rdflib says that xsd:date is bound again, as a warning or in its log, by version.
    log = logging.getLogger("rdflib.term")
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rdflib.term.bind(XSD.date, FarDate, constructor=convert, datatype_specific=True)
    finally:
        log.setLevel(level)
