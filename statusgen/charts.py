"""Response-time charts: points for inline SVG, computed from probe samples. Pure."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from . import times
from .history import ProbeSample, percentile

WIDTH, HEIGHT = 600, 160  # the chart's box; templates/_chart.html draws in it


@dataclass(frozen=True)
class ChartLine:
    """One line of a response-time chart, as SVG points, with what it shows in words."""

    name: str
    points: str  # "x,y x,y ..." in the chart's 0..WIDTH × 0..HEIGHT box
    summary: str


@dataclass(frozen=True)
class Chart:
    title: str
    lines: tuple[ChartLine, ...]
    top_ms: int  # latency at the top edge
    start_label: str
    end_label: str


def response_charts(samples: Sequence[ProbeSample], now: datetime, tz: tzinfo, days: int) -> tuple[Chart, ...]:
    """Response times: daily median and 95th percentile over 90 days, and every sample of the last 24 hours."""
    timed = [s for s in samples if s.latency_ms is not None and s.status != "down"]
    if not timed:
        return ()
    end = int(now.timestamp())
    today = now.astimezone(tz).date()
    first_day = today - timedelta(days=days - 1)
    by_day: dict[date, list[int]] = defaultdict(list)
    for sample in timed:
        day = datetime.fromtimestamp(sample.time, tz).date()
        if day >= first_day:
            by_day[day].append(int(sample.latency_ms or 0))
    recent = [s for s in timed if end - 86400 <= s.time <= end]
    charts = []
    if by_day:
        medians = {d: percentile(v, 50) for d, v in by_day.items()}
        p95s = {d: percentile(v, 95) for d, v in by_day.items()}
        top = _nice_top(max(p95s.values()))

        def x_day(day: date) -> float:
            return (day - first_day).days * WIDTH / (days - 1)

        charts.append(
            Chart(
                f"Waktu respons harian, {days} hari",
                (
                    _line(
                        "Median",
                        [(x_day(d), v) for d, v in sorted(medians.items())],
                        top,
                        f"hari terakhir {medians[max(medians)]} ms",
                    ),
                    _line(
                        "Persentil ke-95",
                        [(x_day(d), v) for d, v in sorted(p95s.items())],
                        top,
                        f"hari terakhir {p95s[max(p95s)]} ms",
                    ),
                ),
                top,
                times.short_date(first_day),
                times.short_date(today),
            )
        )
    if recent:
        top = _nice_top(max(int(s.latency_ms or 0) for s in recent))
        points = [((s.time - (end - 86400)) * WIDTH / 86400, int(s.latency_ms or 0)) for s in recent]
        charts.append(
            Chart(
                "Waktu respons, 24 jam terakhir",
                (
                    _line(
                        "Setiap pemeriksaan",
                        points,
                        top,
                        f"{len(recent)} pemeriksaan, terakhir {recent[-1].latency_ms} ms",
                    ),
                ),
                top,
                "24 jam lalu",
                "sekarang",
            )
        )
    return tuple(charts)


def _line(name: str, points: list[tuple[float, int]], top: int, summary: str) -> ChartLine:
    if len(points) == 1:  # a line needs two points: draw a short dash
        points = [(max(points[0][0] - 4, 0), points[0][1]), points[0]]
    text = " ".join(f"{x:.1f},{HEIGHT - min(value, top) * HEIGHT / top:.1f}" for x, value in points)
    return ChartLine(name, text, summary)


def _nice_top(value: int) -> int:
    """A round number at or above ``value`` for the top of a chart."""
    for step in (100, 200, 500, 1000, 2000, 5000, 10000, 20000, 60000):
        if value <= step:
            return step
    return max(value, 1)
