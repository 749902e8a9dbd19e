"""Dates known to a day, a month or a year, and whether a relation holds as of a date.

A claim's start and end are each stored as the first day of a period plus its precision
(``ckg:start "2017-07-01"^^xsd:date ; ckg:startPrecision time:unitMonth`` is "July 2017").
As of a day D, a relation

- has **not started** if its start period lies wholly after D, and **may not have started**
  if D falls inside a start period longer than a day (it is listed, flagged);
- has **ended** if its end period lies wholly before D, and **may have ended** if D falls
  inside an end period longer than a day (it is listed, flagged). The end day itself is the
  last day the relation held: a relation that ended on 2017-07-31 is current on that day;
- with the status *ended* but no end date, has ended as of its source's date, and may have
  ended before that;
- with an unknown start counts as started.

So a relation that ended "in July 2017" is current but flagged "may have ended" on
2017-07-15, and has ended on 2017-08-01.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from kg.errors import BadValue
from kg.xsd_dates import XSD_DATE, FarDate, valid_day


class Precision(StrEnum):
    """How precisely a date is known."""

    DAY = "day"
    MONTH = "month"
    YEAR = "year"


class Standing(StrEnum):
    """Where a relation stands as of a date."""

    CURRENT = "current"
    MAY_HAVE_ENDED = "may have ended"
    MAY_NOT_HAVE_STARTED = "may not have started"
    ENDED = "ended"
    NOT_STARTED = "not started"

    @property
    def listed(self) -> bool:
        """Whether a report of current relations lists it (uncertain ones are, flagged)."""
        return self in (Standing.CURRENT, Standing.MAY_HAVE_ENDED, Standing.MAY_NOT_HAVE_STARTED)


_CERTAINTY = [
    Standing.ENDED,
    Standing.MAY_HAVE_ENDED,
    Standing.MAY_NOT_HAVE_STARTED,
    Standing.CURRENT,
]


def weakest(standings: Iterable[Standing]) -> Standing:
    """The least certain of several standings: a chain of relations holds while every
    link holds."""
    return min(standings, key=_CERTAINTY.index)


@dataclass(frozen=True, order=True)
class TimePoint:
    """A period of a day, a month or a year, given by its first day.

    A valid xsd:date outside the years 1 to 9999 (``-0044-03-15``, ``12017-01-01``), which
    Python's dates cannot hold, is placed before or after every other date and keeps its
    own text (``shown``) for display.
    """

    first: date
    precision: Precision
    shown: str = field(default="", compare=False)

    @classmethod
    def of(cls, value: object, precision: object, *, where: str = "") -> TimePoint | None:
        """Build from query values (an xsd:date and a precision label); None if no date.

        A value that is not a date raises BadValue naming ``where`` (the claim).
        """
        if value is None:
            return None
        try:
            unit = Precision(str(precision)) if precision else Precision.DAY
        except ValueError:
            raise BadValue(
                f"{where or 'a claim'} has an unknown date precision ({precision!r})"
            ) from None
        if isinstance(value, FarDate):  # rdflib's value of -0044-03-15 (kg.xsd_dates)
            value = value.lexical
        elif isinstance(value, date | datetime):
            return cls(value.date() if isinstance(value, datetime) else value, unit)
        text = str(value).strip()
        m = XSD_DATE.fullmatch(text)
        if m is None or not valid_day(m):
            raise BadValue(
                f"{where or 'a claim'} has a date that is not a valid xsd:date "
                f"({text!r}); `kg validate` lists every such value"
            )
        sign, year_text, month, day = m.groups()
        year = -int(year_text) if sign else int(year_text)
        if 1 <= year <= 9999:
            return cls(date(year, int(month), int(day)), unit)
        shown = {Precision.YEAR: 0, Precision.MONTH: 1, Precision.DAY: 2}[unit]
        label = "-".join([sign + year_text, month, day][: shown + 1])
        return cls(date.min if year < 1 else date.max, unit, label)

    @property
    def last(self) -> date:
        """The last day of the period."""
        if self.shown:  # outside the years 1 to 9999: a point before or after every date
            return self.first
        if self.precision is Precision.YEAR:
            return date(self.first.year, 12, 31)
        if self.precision is Precision.MONTH:
            days = calendar.monthrange(self.first.year, self.first.month)[1]
            return date(self.first.year, self.first.month, days)
        return self.first

    def __str__(self) -> str:
        if self.shown:
            return self.shown
        text = self.first.isoformat()
        return {Precision.DAY: text, Precision.MONTH: text[:7], Precision.YEAR: text[:4]}[
            self.precision
        ]


def period_text(start: TimePoint | None, end: TimePoint | None) -> str:
    """``2016–2017-07``, ``2016–`` or ``–2017-07``; ``2012`` when both are the same period;
    empty when neither is known."""
    if start is None and end is None:
        return ""
    if start is not None and end is not None and str(start) == str(end):
        return str(start)
    return f"{start or ''}–{end or ''}"


def standing(
    start: TimePoint | None,
    end: TimePoint | None,
    *,
    ended: bool,
    source_date: date | None,
    as_of: date | None,
) -> Standing:
    """Where a relation stands as of ``as_of`` (or today's knowledge when None).

    ``ended`` is True when the source gives the status *ended*.
    """
    if as_of is None:
        # Without a date: ended when the source says so or the end is past (an end in the
        # future, as a planned withdrawal, is not yet an end).
        past = end is not None and end.last < date.today()
        return Standing.ENDED if past or ended else Standing.CURRENT
    if start is not None:
        if start.first > as_of:
            return Standing.NOT_STARTED
    if end is not None:
        if end.last < as_of:
            return Standing.ENDED
        if end.first <= as_of and end.precision is not Precision.DAY:
            return Standing.MAY_HAVE_ENDED
    elif ended:
        if source_date is None or source_date <= as_of:
            return Standing.ENDED
        return Standing.MAY_HAVE_ENDED
    if start is not None and start.last > as_of:
        return Standing.MAY_NOT_HAVE_STARTED
    return Standing.CURRENT
