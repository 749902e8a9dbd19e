"""Dates as news sentences give them, read against the article's date (issue 17).

"In July" in an article of 14 September 2017 is July 2017; in an article of March 2018 it is
July 2017 too (news tells what has happened); "last month" is the month before the
article's, "on Thursday" the last Thursday on or before its day, "since 2013" a start known
to the year, "until March" an end known to the month. :func:`dates_in` finds every such
expression of a sentence with its character offsets, the period it names (a
:class:`kg.periods.TimePoint`: first day and precision) and whether it opens (since,
from, began), closes (until, ended in) or only places (in, on) what the sentence says.
Without an article date, relative expressions ("in July", "last month", "on Thursday")
stay undated and are listed as such; absolute ones ("in July 2017", "since 2013") need no
date.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from kg.periods import Precision, TimePoint

MONTHS = {name.lower(): n for n, name in enumerate(calendar.month_name) if name}
MONTHS |= {name.lower(): n for n, name in enumerate(calendar.month_abbr) if name}
MONTHS["sept"] = 9
DAYS = {name.lower(): n for n, name in enumerate(calendar.day_name)}

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_DAY = "|".join(DAYS)
_OPEN = r"since|from|starting|beginning"
_CLOSE = r"until|till|through"
_LEAD = rf"(?P<lead>{_OPEN}|{_CLOSE}|in|on|during|by|of)?\s*"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # 14 September 2017, September 14, 2017, 14 September, September 14
    (
        "day",
        re.compile(
            _LEAD
            + rf"(?:(?P<d1>\d{{1,2}})\s+(?P<m1>{_MONTH})\.?"
            + rf"|(?P<m2>{_MONTH})\.?\s+(?P<d2>\d{{1,2}}))"
            + r"(?:,?\s+(?P<y>\d{4}))?\b",
            re.IGNORECASE,
        ),
    ),
    # July 2017, in July
    (
        "month",
        re.compile(_LEAD + rf"(?P<m>{_MONTH})\b\.?(?:\s+(?P<y>\d{{4}}))?", re.IGNORECASE),
    ),
    ("year", re.compile(_LEAD + r"(?P<y>(?:19|20)\d{2})\b", re.IGNORECASE)),
    (
        "relative",
        re.compile(
            _LEAD + r"(?P<which>last|this|next)\s+(?P<unit>week|month|year)\b", re.IGNORECASE
        ),
    ),
    ("weekday", re.compile(_LEAD + rf"(?P<wd>{_DAY})\b", re.IGNORECASE)),
    ("deictic", re.compile(r"\b(?P<lead>)(?P<word>yesterday|today)\b", re.IGNORECASE)),
]


@dataclass(frozen=True)
class Dating:
    """A date expression of a sentence: its text and offsets, the period it names (None
    when it is relative and no article date is known), and what it does: ``start``
    (since July), ``end`` (until July) or ``point`` (in July)."""

    text: str
    begin: int
    end: int
    role: str
    when: TimePoint | None


def _role(lead: str | None) -> str:
    lead = (lead or "").lower()
    if re.fullmatch(_OPEN, lead):
        return "start"
    if re.fullmatch(_CLOSE, lead):
        return "end"
    return "point"


def _month_before(article: date, month: int, year: str | None) -> TimePoint:
    """The month named, in the year given or else the last such month up to the article's."""
    if year:
        return TimePoint(date(int(year), month, 1), Precision.MONTH)
    y = article.year if month <= article.month else article.year - 1
    return TimePoint(date(y, month, 1), Precision.MONTH)


def _resolve(kind: str, m: re.Match[str], article: date | None) -> TimePoint | None:
    groups = m.groupdict()
    if kind == "year":
        return TimePoint(date(int(groups["y"]), 1, 1), Precision.YEAR)
    if kind == "day":
        day = int(groups["d1"] or groups["d2"])
        month = MONTHS[(groups["m1"] or groups["m2"]).lower().rstrip(".")]
        if groups["y"]:
            year = int(groups["y"])
        elif article is None:
            return None
        else:
            year = (
                article.year if (month, day) <= (article.month, article.day) else article.year - 1
            )
        try:
            return TimePoint(date(year, month, day), Precision.DAY)
        except ValueError:
            return None  # 31 June: no date
    if kind == "month":
        month = MONTHS[groups["m"].lower().rstrip(".")]
        if not groups["y"] and article is None:
            return None
        assert article is not None or groups["y"]
        return _month_before(article or date.min, month, groups["y"])
    if article is None:
        return None
    if kind == "relative":
        step = {"last": -1, "this": 0, "next": 1}[groups["which"].lower()]
        unit = groups["unit"].lower()
        if unit == "year":
            return TimePoint(date(article.year + step, 1, 1), Precision.YEAR)
        if unit == "month":
            index = article.year * 12 + article.month - 1 + step
            return TimePoint(date(index // 12, index % 12 + 1, 1), Precision.MONTH)
        monday = article - timedelta(days=article.weekday()) + timedelta(weeks=step)
        return TimePoint(monday, Precision.DAY)  # a week: its Monday, as a day
    if kind == "weekday":
        back = (article.weekday() - DAYS[groups["wd"].lower()]) % 7
        return TimePoint(article - timedelta(days=back), Precision.DAY)
    word = groups["word"].lower()
    return TimePoint(article - timedelta(days=1 if word == "yesterday" else 0), Precision.DAY)


def dates_in(sentence: str, article: date | None = None) -> list[Dating]:
    """Every date expression of ``sentence``, in order, read against ``article`` (its
    publication day); an expression inside a longer one found first is not listed again."""
    found: list[Dating] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(sentence):
            begin, end = m.span()
            core_begin = begin + len(m.group(0)) - len(m.group(0).lstrip())
            if any(begin < b_end and end > b_begin for b_begin, b_end in taken):
                continue
            if sentence[end - 1] == ".":  # "April." ends a sentence; "Sept." is short
                end -= 1
            text = sentence[core_begin:end]
            if not text or text.lower() in {"in", "on", "may"}:
                continue
            if (
                kind == "month"
                and m.group("m").lower() == "may"
                and not (m.group("lead") or m.group("y"))
            ):
                continue  # "may" the verb
            taken.append((begin, end))
            found.append(
                Dating(text, core_begin, end, _role(m.group("lead")), _resolve(kind, m, article))
            )
    found.sort(key=lambda d: d.begin)
    return found
