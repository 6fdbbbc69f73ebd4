"""Response-time charts: points for inline SVG, computed from probe samples. Pure."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from operator import attrgetter

from .model import ProbeSample
from .times import midnight

WIDTH, HEIGHT = 600, 160  # the chart's box; templates/_chart.html draws in it


@dataclass(frozen=True)
class ChartLine:
    """One line of a response-time chart, as SVG points, with the figures that sum it up in words."""

    kind: str  # "median", "p95" or "each": a message key
    points: str  # "x,y x,y ..." in the chart's 0..WIDTH × 0..HEIGHT box
    last_ms: int  # the newest value
    count: int  # how many days or samples it draws


@dataclass(frozen=True)
class Chart:
    kind: str  # "daily" (one point a day over ``days``) or "recent" (every sample of the last 24 hours)
    days: int
    lines: tuple[ChartLine, ...]
    top_ms: int  # latency at the top edge
    start: date | None  # the first day drawn; None for "recent"
    end: date | None


@dataclass(frozen=True)
class Settled:
    """What the daily chart needs of the samples before ``cut``: the median and 95th percentile of each day
    that ends by then, and the timed samples (time, milliseconds) of the last TAIL seconds before it, for
    the day that spans the cut and the last 24 hours. A build that keeps them (figures.Before) draws the
    charts from the samples after the cut alone."""

    cut: int
    days: dict[date, tuple[int, int]]
    tail: list[tuple[int, int]]


TAIL = 2 * 86400  # seconds before a cut whose samples Settled keeps: a day is at most 26 hours long


def settled(samples: Sequence[ProbeSample], tz: tzinfo, cut: int) -> Settled:
    """The chart's figures of ``samples`` (sorted by time) before ``cut``: see Settled."""
    times, latencies = _timed(samples[: bisect.bisect_left(samples, cut, key=attrgetter("time"))])
    days: dict[date, tuple[int, int]] = {}
    low = 0
    while low < len(times):
        day = datetime.fromtimestamp(times[low], tz).date()
        ends = int(midnight(day + timedelta(days=1), tz).timestamp())
        high = bisect.bisect_left(times, ends, low)
        if ends <= cut:
            ordered = sorted(latencies[low:high])
            days[day] = (_ranked(ordered, 50), _ranked(ordered, 95))
        low = high
    first = bisect.bisect_left(times, cut - TAIL)
    return Settled(cut, days, list(zip(times[first:], latencies[first:], strict=True)))


def _timed(samples: Sequence[ProbeSample]) -> tuple[list[int], list[int]]:
    """The times and response times of the samples that have one (a sample that found the service down is
    not drawn: its time is how long it took to fail)."""
    timed = [s for s in samples if s.latency_ms is not None and s.status != "down"]
    return list(map(attrgetter("time"), timed)), list(map(attrgetter("latency_ms"), timed))


def response_charts(
    samples: Sequence[ProbeSample], now: datetime, tz: tzinfo, days: int, before: Settled | None = None
) -> tuple[Chart, ...]:
    """Response times: daily median and 95th percentile over 90 days, and every sample of the last 24 hours.

    With ``before``, ``samples`` are those from its cut on, and the days before it are taken from it."""
    end = int(now.timestamp())
    today = now.astimezone(tz).date()
    first_day = today - timedelta(days=days - 1)
    start = int(midnight(first_day, tz).timestamp())
    # Only the samples of the days drawn are looked at (sorted by time: found by bisection), not the months before.
    since = min(start, end - 86400)
    times, latencies = _timed(samples[bisect.bisect_left(samples, since, key=attrgetter("time")) :])
    if before is not None:
        kept = [(moment, ms) for moment, ms in before.tail if moment >= since]
        times = [moment for moment, _ in kept] + times
        latencies = [ms for _, ms in kept] + latencies
    drawn: dict[date, tuple[int, int]] = {}  # each day's median and 95th percentile
    low = bisect.bisect_left(times, start)
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        ends = int(midnight(day + timedelta(days=1), tz).timestamp())
        high = bisect.bisect_left(times, ends, low)
        if before is not None and ends <= before.cut:
            if day in before.days:
                drawn[day] = before.days[day]
        elif high > low:
            ordered = sorted(latencies[low:high])
            drawn[day] = (_ranked(ordered, 50), _ranked(ordered, 95))
        low = high
    low, high = bisect.bisect_left(times, end - 86400), bisect.bisect_right(times, end)
    recent = list(zip(times[low:high], latencies[low:high], strict=True))
    if not drawn and not recent:
        return ()
    charts = []
    if drawn:
        top = _nice_top(max(p95 for _, p95 in drawn.values()))

        def x_day(day: date) -> float:
            return (day - first_day).days * WIDTH / (days - 1)

        charts.append(
            Chart(
                "daily",
                days,
                (
                    _line("median", [(x_day(d), v[0]) for d, v in sorted(drawn.items())], top),
                    _line("p95", [(x_day(d), v[1]) for d, v in sorted(drawn.items())], top),
                ),
                top,
                first_day,
                today,
            )
        )
    if recent:
        top = _nice_top(max(ms for _, ms in recent))
        points = [((moment - (end - 86400)) * WIDTH / 86400, ms) for moment, ms in recent]
        charts.append(Chart("recent", 1, (_line("each", points, top),), top, None, None))
    return tuple(charts)


def percentile(values: list[int], percent: int) -> int:
    """Nearest-rank percentile of values: the smallest with at least ``percent`` % at or below it."""
    return _ranked(sorted(values), percent)


def _ranked(ordered: list[int], percent: int) -> int:
    """percentile() of values already in order."""
    rank = max(1, -(-percent * len(ordered) // 100))  # ceil(percent × n / 100)
    return ordered[rank - 1]


def _line(kind: str, points: list[tuple[float, int]], top: int) -> ChartLine:
    last, count = points[-1][1], len(points)
    if len(points) == 1:  # a line needs two points: draw a short dash
        points = [(max(points[0][0] - 4, 0), points[0][1]), points[0]]
    text = " ".join(f"{x:.1f},{HEIGHT - min(value, top) * HEIGHT / top:.1f}" for x, value in points)
    return ChartLine(kind, text, last, count)


def _nice_top(value: int) -> int:
    """A round number at or above ``value`` for the top of a chart."""
    for step in (100, 200, 500, 1000, 2000, 5000, 10000, 20000, 60000):
        if value <= step:
            return step
    return max(value, 1)
