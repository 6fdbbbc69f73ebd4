"""Parsing times as staff write them, in the site's time zone; writing them for machines.

Dates in words are each language's business: see ``i18n.Language``.

Everything here is pure: the clock is read only by the command line.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence
from datetime import date, datetime, time, timedelta, tzinfo

from .model import Message

# "2021-09-19 18:33", "2021-09-19T17:33+07:00", "2021-09-19 18:33:05Z", "2021-09-19".
_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}"
    r"(?:[T ]\d{1,2}[:.]\d{2}(?:[:.]\d{2})?(?:\s*(?:Z|[+-]\d{2}:?\d{2}))?)?",
    re.ASCII,  # \d would also take the digits of other scripts
)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_OFFSET = re.compile(r"[+-](\d{2}):?(\d{2})$", re.ASCII)
# The fraction of a second after hh:mm:ss, with ISO 8601's point or comma: ``16:46:49.061347``,
# ``16:46:49,061347123`` (``date --iso-8601=ns``).
_FRACTION = re.compile(r"(?<=\d:\d{2}:\d{2})[.,]\d+(?=\s*(?:Z|[+-]\d{2}:?\d{2})?$)", re.ASCII)

# Years a status record can plausibly hold; anything else is a typo such as 0021 for 2021.
FIRST_YEAR, LAST_YEAR = 1990, 2100


def plausible(day: date) -> None:
    """Raise ValueError for a year outside FIRST_YEAR..LAST_YEAR."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(f"year {day.year} is outside {FIRST_YEAR}–{LAST_YEAR}")


def parse_datetime(value: object, tz: tzinfo, *, fractions: bool = False) -> datetime:
    """Read a time written in a file; without an offset it is in ``tz``.

    Accepts text such as ``2021-09-19 18:33`` or ``2021-09-19T17:33+07:00``; with ``fractions`` also a
    fraction of a second, as machines write it (``2026-12-04T16:46:49,061347123+00:00``).
    Raises ValueError when the text is not such a time. Seconds below one are dropped, not rounded:
    the result is in whole seconds, so what is built for it is the same for every fraction.
    """
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time())
    else:
        text = written = str(value).strip()
        if fractions:
            text = _FRACTION.sub("", text, count=1)
        if not _DATETIME.fullmatch(text):
            raise ValueError(written)
        # Indonesian writing uses 18.33; ISO wants 18:33.
        text = re.sub(r"(?<=[T ])(\d{1,2})\.(\d{2})(?:\.(\d{2}))?", _colon_time, text)
        text = re.sub(r"^(\d{4}-\d{2}-\d{2})[T ](\d):", r"\1T0\2:", text)
        text = re.sub(r"\s+(?=(?:Z|[+-]\d{2}:?\d{2})$)", "", text)
        offset = _OFFSET.search(text) if len(text) > 10 else None
        if offset and (int(offset[1]) > 23 or int(offset[2]) > 59):
            raise ValueError(Message("the offset must be between -23:59 and +23:59, e.g. +07:00 for WIB"))
        moment = datetime.fromisoformat(text.replace(" ", "T", 1))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    plausible(moment)
    return moment.replace(microsecond=0)


def _colon_time(match: re.Match[str]) -> str:
    hours, minutes, seconds = match.groups()
    return f"{hours}:{minutes}" + (f":{seconds}" if seconds else "")


def parse_date(value: object) -> date:
    """Read a calendar date (``2011-01-01``). Raises ValueError otherwise."""
    if isinstance(value, date):
        day = value.date() if isinstance(value, datetime) else value
        plausible(day)
        return day
    text = str(value).strip()
    if not _DATE.fullmatch(text):
        raise ValueError(text)
    day = date.fromisoformat(text)
    plausible(day)
    return day


def midnight(day: date, tz: tzinfo) -> datetime:
    """The first instant of ``day`` in ``tz``."""
    return datetime.combine(day, time(), tzinfo=tz)


def day_span(day: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """Start and end of a calendar day in ``tz``, as instants (a DST day may not be 24 h)."""
    return midnight(day, tz), midnight(day + timedelta(days=1), tz)


def zone_label(moment: datetime) -> str:
    """The zone's abbreviation at ``moment`` (``WIB``, ``CET`` or ``CEST``, ``UTC``), or ``UTC-03:00`` when the
    time zone database gives it none, only an offset such as ``-03``."""
    name = moment.tzname() or ""
    if name.isalpha():
        return name
    offset = moment.utcoffset() or timedelta()
    sign = "-" if offset < timedelta() else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def iso(moment: datetime, tz: tzinfo) -> str:
    """Machine-readable time with its offset: ``2021-09-19T18:33:00+08:00``."""
    return moment.astimezone(tz).isoformat(timespec="seconds")


def local_days(moments: Sequence[int], tz: tzinfo) -> Iterator[tuple[date, int, int]]:
    """Each calendar date in ``tz`` of the instants of a time-sorted sequence (seconds since the epoch), with
    where its instants start and end in it: ``moments[start:end]`` are that day's.

    A day is found by bisection from its first instant to the next midnight, so a day's worth of probe samples
    costs one lookup of the zone, not one each.
    """
    start = 0
    while start < len(moments):
        day = datetime.fromtimestamp(moments[start], tz).date()
        end = bisect.bisect_left(moments, int(midnight(day + timedelta(days=1), tz).timestamp()), start)
        yield day, start, end
        start = end
