"""Daily uptime from incident records. Pure: no I/O, no clock.

Times are whole seconds since the epoch and weights are integers per mille, so
the sums are exact and the order of incidents cannot change a result.

For each component and each day in the site time zone:

    uptime = 100 × (1 − weighted_down / (length − maintenance))

An incident weighs by severity (major 1.0, partial 0.3, degraded and notice 0).
Where incidents overlap, the weight at each instant is the maximum, never the
sum. Maintenance windows leave the denominator, and nothing inside them counts
as down. A day spent wholly in maintenance has no uptime (None).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from .incidents import Incident
from .times import day_span

WEIGHTS = {"major": 1000, "partial": 300, "degraded": 0, "notice": 0}  # per mille
FULL = 1000
PLACES = 6  # decimals kept in published figures


@dataclass(frozen=True)
class Outage:
    """Time ``[start, end)`` that counts as down with ``weight`` per mille."""

    start: int
    end: int
    weight: int


@dataclass(frozen=True)
class Window:
    """Time ``[start, end)`` excluded from the figures (maintenance)."""

    start: int
    end: int


@dataclass(frozen=True)
class Segment:
    """A stretch of time with one weight, no longer overlapping any other segment."""

    start: int
    end: int
    weight: int
    maintenance: bool


@dataclass(frozen=True)
class DailyUptime:
    """One day's figures. Minutes are exact; ``uptime`` is None when nothing is measurable."""

    date: date
    minutes: float
    downtime_minutes: float
    maintenance_minutes: float
    uptime: float | None
    source: str = "incidents"


def seconds(moment: datetime) -> int:
    """An aware datetime as whole seconds since the epoch."""
    return int(moment.timestamp())


def component_record(
    incidents: Iterable[Incident], component_id: str, now: datetime
) -> tuple[list[Outage], list[Window]]:
    """The outages and maintenance windows of one component, up to ``now``.

    An incident covers ``[started, resolved)``; an ongoing one ``[started, now)``.
    """
    limit = seconds(now)
    outages: list[Outage] = []
    windows: list[Window] = []
    for incident in incidents:
        if component_id not in incident.components:
            continue
        start = seconds(incident.started)
        end = min(seconds(incident.resolved), limit) if incident.resolved else limit
        if end <= start:
            continue
        if incident.is_maintenance:
            windows.append(Window(start, end))
        elif WEIGHTS[incident.severity]:
            outages.append(Outage(start, end, WEIGHTS[incident.severity]))
    return outages, windows


def segments(outages: Iterable[Outage], windows: Iterable[Window]) -> list[Segment]:
    """Flatten overlapping outages and windows into sorted, disjoint segments.

    Inside a maintenance window the weight is 0. Stretches with no weight and
    no maintenance are left out.
    """
    events: list[tuple[int, int, int]] = []  # (time, change, weight); weight -1 marks maintenance
    for outage in outages:
        if outage.end > outage.start and outage.weight > 0:
            events += [(outage.start, 1, outage.weight), (outage.end, -1, outage.weight)]
    for window in windows:
        if window.end > window.start:
            events += [(window.start, 1, -1), (window.end, -1, -1)]
    events.sort()
    active: Counter[int] = Counter()
    result: list[Segment] = []
    previous: int | None = None
    index = 0
    while index < len(events):
        moment = events[index][0]
        if previous is not None and moment > previous:
            maintenance = active[-1] > 0
            weight = 0 if maintenance else max((w for w, n in active.items() if n > 0 and w > 0), default=0)
            if maintenance or weight:
                last = result[-1] if result else None
                if last and last.end == previous and (last.weight, last.maintenance) == (weight, maintenance):
                    result[-1] = Segment(last.start, moment, weight, maintenance)
                else:
                    result.append(Segment(previous, moment, weight, maintenance))
        while index < len(events) and events[index][0] == moment:
            _, change, weight = events[index]
            active[weight] += change
            index += 1
        previous = moment
    return result


def day_bounds(first: date, now: datetime, tz: tzinfo) -> list[tuple[date, int, int]]:
    """Each day from ``first`` to the day of ``now`` in ``tz``, as (date, start, end) seconds.

    The last day ends at ``now``.
    """
    today = now.astimezone(tz).date()
    limit = seconds(now)
    result = []
    day = first
    while day <= today:
        start, end = day_span(day, tz)
        result.append((day, seconds(start), min(seconds(end), limit)))
        day += timedelta(days=1)
    return result


def daily(days: Sequence[tuple[date, int, int]], parts: Sequence[Segment]) -> list[DailyUptime]:
    """Figures for each day window, from disjoint sorted segments."""
    result = []
    first = 0
    for day, start, end in days:
        while first < len(parts) and parts[first].end <= start:
            first += 1
        down = maintenance = 0  # down in second-per-mille units, maintenance in seconds
        index = first
        while index < len(parts) and parts[index].start < end:
            part = parts[index]
            overlap = min(end, part.end) - max(start, part.start)
            if part.maintenance:
                maintenance += overlap
            else:
                down += overlap * part.weight
            index += 1
        length = max(end - start, 0)
        result.append(figures(day, length, down, maintenance))
    return result


def figures(day: date, length: int, down: int, maintenance: int, source: str = "incidents") -> DailyUptime:
    """Turn exact sums (seconds; down in second-per-mille) into published figures."""
    measured = length - maintenance
    uptime = round(100 * (1 - down / (FULL * measured)), PLACES) if measured > 0 else None
    return DailyUptime(
        date=day,
        minutes=round(length / 60, PLACES),
        downtime_minutes=round(down / (FULL * 60), PLACES),
        maintenance_minutes=round(maintenance / 60, PLACES),
        uptime=uptime,
        source=source,
    )


def component_daily(
    incidents: Iterable[Incident], component_id: str, first: date, now: datetime, tz: tzinfo
) -> list[DailyUptime]:
    """Daily uptime of one component from its first day to the day of ``now``."""
    outages, windows = component_record(incidents, component_id, now)
    return daily(day_bounds(first, now, tz), segments(outages, windows))


def overall(days: Iterable[DailyUptime]) -> float | None:
    """Uptime over several days: summed downtime over summed measurable minutes, not a mean of days."""
    down = measured = 0.0
    for day in days:
        down += day.downtime_minutes
        measured += day.minutes - day.maintenance_minutes
    if measured <= 0:
        return None
    return round(100 * (1 - down / measured), PLACES)
