"""Dates known to a day, a month or a year, and whether a relation holds as of a date.

A claim's start and end are each stored as the first day of a period plus its precision
(``ckg:start "2017-07-01"^^xsd:date ; ckg:startPrecision time:unitMonth`` is "July 2017").
A date asked about (``--as-of``) is a period too, a :class:`When`: a day, a month, a year
or a span of them (``--during 2011..2014``), and the question is whether the relation held
at some time in it. As of a period Q, a relation

- has **not started** if its start period lies wholly after Q, and **may not have
  started** if its start period reaches past the end of Q (it is listed, flagged);
- has **ended** if its end period lies wholly before Q, and **may have ended** if its end
  period begins before Q and reaches into it (it is listed, flagged). The end day itself
  is the last day the relation held: a relation that ended on 2017-07-31 is current on
  that day;
- with the status *ended* but no end date, has ended as of its source's date, and may have
  ended before that;
- with an unknown start counts as started.

So a relation that ended "in July 2017" is current but flagged "may have ended" on
2017-07-15, has ended on 2017-08-01, and is current "as of 2017" (it held during 2017):
yearly data asked about a year gives no flags.

A relation still recorded in the last year its dataset covers (``ckg:openAtCoverageEnd``)
has not ended there: its dataset stopped looking. Without a date it is **last recorded**
that year (listed, neither current nor ended); as of a period within the coverage it
holds as if it had no end; as of a period after the coverage it is **not known after**
that year (listed, flagged).
"""

from __future__ import annotations

import calendar
import re
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
    #: Recorded in the last year of its dataset's coverage, asked without a date.
    LAST_RECORDED = "last recorded"
    #: Asked about a period after the last year of its dataset's coverage.
    NOT_KNOWN_AFTER = "not known after"

    @property
    def listed(self) -> bool:
        """Whether a report of current relations lists it (uncertain ones are, flagged)."""
        return self not in (Standing.ENDED, Standing.NOT_STARTED)

    def text(self, end: TimePoint | None) -> str:
        """The standing as a report shows it: the coverage standings name the year
        (``last recorded 2017 (end of coverage)``, ``not known after 2017``)."""
        year = end.first.year if end is not None and not end.shown else None
        if self is Standing.LAST_RECORDED and year is not None:
            return f"last recorded {year} (end of coverage)"
        if self is Standing.NOT_KNOWN_AFTER and year is not None:
            return f"not known after {year}"
        return self.value


CERTAINTY = [
    Standing.ENDED,
    Standing.NOT_KNOWN_AFTER,
    Standing.MAY_HAVE_ENDED,
    Standing.MAY_NOT_HAVE_STARTED,
    Standing.LAST_RECORDED,
    Standing.CURRENT,
]


def weakest(standings: Iterable[Standing]) -> Standing:
    """The least certain of several standings: a chain of relations holds while every
    link holds."""
    return min(standings, key=CERTAINTY.index)


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


_WHEN = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


@dataclass(frozen=True)
class When:
    """A period asked about: a day, a month, a year (``--as-of``) or the days from one to
    another (``--during``), from its ``first`` to its ``last`` day; ``text`` as given."""

    first: date
    last: date
    text: str

    @classmethod
    def day(cls, day: date) -> When:
        """One day."""
        return cls(day, day, day.isoformat())

    @classmethod
    def parse(cls, text: str) -> When:
        """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; BadValue naming the text otherwise."""
        point = cls._point(text)
        return cls(point.first, point.last, str(point))

    @classmethod
    def between(cls, text: str) -> When:
        """``FROM..TO``, each a year, month or day (``2011..2014``, ``2016-03..2017``); an
        open side (``2011..``, ``..2014``) reaches to any date."""
        start, dots, end = text.partition("..")
        if not dots or not (start.strip() or end.strip()):
            raise BadValue(f"{text!r} is not a period FROM..TO (such as 2011..2014)")
        first = cls._point(start.strip()).first if start.strip() else date.min
        last = cls._point(end.strip()).last if end.strip() else date.max
        if first > last:
            raise BadValue(f"{text!r} ends before it begins")
        return cls(first, last, f"{start.strip()}..{end.strip()}")

    @staticmethod
    def _point(text: str) -> TimePoint:
        m = _WHEN.fullmatch(text.strip())
        try:
            if m is None:
                raise ValueError
            year, month, day = m.groups()
            unit = Precision.DAY if day else Precision.MONTH if month else Precision.YEAR
            return TimePoint(date(int(year), int(month or 1), int(day or 1)), unit)
        except ValueError:
            raise BadValue(f"{text!r} is not a date YYYY, YYYY-MM or YYYY-MM-DD") from None

    @property
    def phrase(self) -> str:
        """How a note says it: ``as of 2016``, ``as of 2017-09-01``, ``during 2011..2014``."""
        return f"during {self.text}" if ".." in self.text else f"as of {self.text}"

    def __str__(self) -> str:
        return self.text


def as_when(value: When | date | str | None) -> When | None:
    """A period asked about, from a When, a day or text (``2016``, ``2016-03-01``)."""
    if value is None or isinstance(value, When):
        return value
    if isinstance(value, datetime):
        return When.day(value.date())
    if isinstance(value, date):
        return When.day(value)
    text = str(value)
    return When.between(text) if ".." in text else When.parse(text)


def standing(
    start: TimePoint | None,
    end: TimePoint | None,
    *,
    ended: bool,
    source_date: date | None,
    as_of: When | date | None,
    open_at_coverage_end: bool = False,
) -> Standing:
    """Where a relation stands as of ``as_of`` (a day or a :class:`When`), or by today's
    knowledge when None.

    ``ended`` is True when the source gives the status *ended*; ``open_at_coverage_end``
    when ``end`` is the last year its dataset covers, where it was still recorded.
    """
    when = as_when(as_of)
    if when is None:
        if open_at_coverage_end and not ended:
            return Standing.LAST_RECORDED
        # Without a date: ended when the source says so or the end is past (an end in the
        # future, as a planned withdrawal, is not yet an end).
        past = end is not None and end.last < date.today()
        return Standing.ENDED if past or ended else Standing.CURRENT
    if start is not None and start.first > when.last:
        return Standing.NOT_STARTED
    if open_at_coverage_end and not ended and end is not None:
        if end.last < when.first:
            return Standing.NOT_KNOWN_AFTER
        end = None  # within the coverage the relation has not ended
    if end is not None:
        if end.last < when.first:
            return Standing.ENDED
        if end.first < when.first:
            return Standing.MAY_HAVE_ENDED
    elif ended:
        if source_date is None or source_date <= when.first:
            return Standing.ENDED
        return Standing.MAY_HAVE_ENDED
    if start is not None and start.last > when.last:
        return Standing.MAY_NOT_HAVE_STARTED
    return Standing.CURRENT
