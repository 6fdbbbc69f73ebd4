"""Monthly and yearly SLA figures. Pure: segments and ``now`` in, figures out.

For each calendar month in the site time zone:

- ``uptime`` is the month's weighted downtime over its measurable minutes (not a mean of days);
- ``sla`` is the same with external causes left out: downtime of ``cause: external`` incidents,
  and probe failures inside their windows, count as up;
- maintenance and no-data time leave both denominators; ``met`` is ``sla >= target``, or None
  when nothing was measurable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from functools import lru_cache

from . import uptime
from .model import BandwidthSample
from .times import midnight

PLACES = 4


@dataclass(frozen=True)
class Period:
    """The figures of one month or one year of one component."""

    label: str  # "2021-09" or "2021"
    start: date
    uptime: float | None
    sla: float | None
    downtime_minutes: float
    external_minutes: float
    maintenance_minutes: float
    no_data_minutes: float
    target: float
    exact_sla: float | None = None  # unrounded: the verdict must not round 99.49996 up to 99.5

    @property
    def met(self) -> bool | None:
        return None if self.exact_sla is None else self.exact_sla >= self.target


@lru_cache(maxsize=64)
def months(first: date, now: datetime, tz: tzinfo) -> tuple[tuple[str, date, int, int], ...]:
    """(label, first day, start, end) of each month from the month of ``first`` to the month of ``now``.

    The first month starts at ``first``; the last ends at ``now``. Kept for the next call: a site's components
    mostly share their first day, and fifteen years of months cost a zone lookup each.
    """
    today = now.astimezone(tz).date()
    limit = uptime.seconds(now)
    result = []
    year, month = first.year, first.month
    while (year, month) <= (today.year, today.month):
        begin = max(date(year, month, 1), first)
        following = date(year + month // 12, month % 12 + 1, 1)
        start = uptime.seconds(midnight(begin, tz))
        end = min(uptime.seconds(midnight(following, tz)), limit)
        result.append((f"{year:04d}-{month:02d}", begin, start, end))
        year, month = following.year, following.month
    return tuple(result)


@lru_cache(maxsize=64)
def years(first: date, now: datetime, tz: tzinfo) -> tuple[tuple[str, date, int, int], ...]:
    """(label, first day, start, end) of each year from the year of ``first`` to the year of ``now`` (kept, as
    months)."""
    limit = uptime.seconds(now)
    result = []
    for year in range(first.year, now.astimezone(tz).year + 1):
        begin = max(date(year, 1, 1), first)
        start = uptime.seconds(midnight(begin, tz))
        end = min(uptime.seconds(midnight(date(year + 1, 1, 1), tz)), limit)
        result.append((str(year), begin, start, end))
    return tuple(result)


def periods(
    spans: Sequence[tuple[str, date, int, int]],
    parts: Sequence[uptime.Segment],
    sla_parts: Sequence[uptime.Segment],
    era_start: int | None,
    target: float,
) -> list[Period]:
    """Figures for each period from the ordinary segments and the SLA ones (external left out)."""
    windows = [(begin, start, end) for _, begin, start, end in spans]
    plain = uptime.daily(windows, parts, era_start)
    agreed = uptime.daily(windows, sla_parts, era_start)
    result = []
    for (label, begin, _, _), figures, sla_figures in zip(spans, plain, agreed, strict=True):
        result.append(
            Period(
                label=label,
                start=begin,
                uptime=_round(figures.uptime),
                sla=_round(sla_figures.uptime),
                downtime_minutes=round(figures.downtime_minutes, PLACES),
                external_minutes=round(figures.downtime_minutes - sla_figures.downtime_minutes, PLACES),
                maintenance_minutes=round(figures.maintenance_minutes, PLACES),
                no_data_minutes=round(figures.no_data_minutes, PLACES),
                target=target,
                exact_sla=_exact(sla_figures),
            )
        )
    return result


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, PLACES)


def _exact(figures: uptime.DailyUptime) -> float | None:
    """The uptime of a window from its (6-decimal) minute figures, before rounding to PLACES."""
    measured = figures.minutes - figures.maintenance_minutes - figures.no_data_minutes
    return None if measured <= 0 else 100 * (1 - figures.downtime_minutes / measured)


def months_met(months: Sequence[Period]) -> dict[str, tuple[int, int]]:
    """For each year ("2026") with a month that has a verdict: (months that met their target, months with a
    verdict). Months are labelled "2026-11"."""
    found: dict[str, tuple[int, int]] = {}
    for month in months:
        if month.met is not None:
            met, judged = found.get(month.label[:4], (0, 0))
            found[month.label[:4]] = (met + month.met, judged + 1)
    return found


@dataclass(frozen=True)
class Spread:
    """Throughput measured in one direction over a month, in megabits per second."""

    median: float
    p10: float  # the 10th percentile: nine measurements in ten were at least this fast
    samples: int


@dataclass(frozen=True)
class BandwidthMonth:
    """One month of a link's throughput against its target.

    ``met`` is whether the median reached the target, in each direction measured (both, when the upload is
    measured too); None for a month without a measurement, which is never a pass.
    """

    label: str
    download: Spread | None
    upload: Spread | None
    target: float
    failed: int  # measurements that moved no data (the link down, the server gone): in no spread

    @property
    def met(self) -> bool | None:
        if self.download is None:
            return None
        return all(spread.median >= self.target for spread in (self.download, self.upload) if spread is not None)


def bandwidth_months(
    spans: Sequence[tuple[str, date, int, int]], measured: Sequence[BandwidthSample], target: float
) -> list[BandwidthMonth]:
    """Each period of ``spans`` (see months) with the throughput measured in it (``measured`` sorted by time)."""
    result = []
    for label, _, start, end in spans:
        inside = [m for m in measured if start <= m.time < end]
        failed = sum(1 for m in inside if m.download_mbps is None and m.upload_mbps is None)
        download = _spread([m.download_mbps for m in inside if m.download_mbps is not None])
        upload = _spread([m.upload_mbps for m in inside if m.upload_mbps is not None])
        result.append(BandwidthMonth(label, download, upload, target, failed))
    return result


def _spread(values: list[float]) -> Spread | None:
    """Median (the mean of the two middle values of an even count) and nearest-rank 10th percentile."""
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    median = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    rank = max(1, -(-10 * len(ordered) // 100))  # ceil(10 × n / 100)
    return Spread(round(median, 3), ordered[rank - 1], len(ordered))
