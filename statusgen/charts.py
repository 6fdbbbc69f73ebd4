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


def response_charts(samples: Sequence[ProbeSample], now: datetime, tz: tzinfo, days: int) -> tuple[Chart, ...]:
    """Response times: daily median and 95th percentile over 90 days, and every sample of the last 24 hours."""
    end = int(now.timestamp())
    today = now.astimezone(tz).date()
    first_day = today - timedelta(days=days - 1)
    start = int(midnight(first_day, tz).timestamp())
    # Only the samples of the days drawn are looked at (sorted by time: found by bisection), not the months before.
    since = min(start, end - 86400)
    timed = [
        s
        for s in samples[bisect.bisect_left(samples, since, key=attrgetter("time")) :]
        if s.latency_ms is not None and s.status != "down"
    ]
    times = list(map(attrgetter("time"), timed))
    latencies: list[int] = list(map(attrgetter("latency_ms"), timed))  # none is None (left out above)
    by_day: dict[date, list[int]] = {}  # each day's latencies, in order
    low = bisect.bisect_left(times, start)
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        high = bisect.bisect_left(times, int(midnight(day + timedelta(days=1), tz).timestamp()), low)
        if high > low:
            by_day[day] = sorted(latencies[low:high])
        low = high
    recent = timed[bisect.bisect_left(times, end - 86400) : bisect.bisect_right(times, end)]
    if not by_day and not recent:
        return ()
    charts = []
    if by_day:
        medians = {d: _ranked(v, 50) for d, v in by_day.items()}
        p95s = {d: _ranked(v, 95) for d, v in by_day.items()}
        top = _nice_top(max(p95s.values()))

        def x_day(day: date) -> float:
            return (day - first_day).days * WIDTH / (days - 1)

        charts.append(
            Chart(
                "daily",
                days,
                (
                    _line("median", [(x_day(d), v) for d, v in sorted(medians.items())], top),
                    _line("p95", [(x_day(d), v) for d, v in sorted(p95s.items())], top),
                ),
                top,
                first_day,
                today,
            )
        )
    if recent:
        top = _nice_top(max(int(s.latency_ms or 0) for s in recent))
        points = [((s.time - (end - 86400)) * WIDTH / 86400, int(s.latency_ms or 0)) for s in recent]
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
