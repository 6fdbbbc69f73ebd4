"""What the records add up to at ``now``: each component's status, uptime, windows, charts and SLA periods,
and where each incident stands. Numbers and decisions, no words and no pages.

``now`` enters here once, in ``site_figures``; ``views.py`` then only shapes these figures for the
templates. Pure: it reads nothing. With a long probe history the components' figures are worked
out by forked workers (``parallel.mapped``), a share of the components each.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from operator import attrgetter

from . import parallel, sla, status, uptime
from .charts import Chart, response_charts
from .model import Component, ComponentHistory, Config, Incident, ProbeSample, Update
from .times import local_days, midnight

BAR_DAYS = 90  # days of the status bar and of the daily response-time chart
RECENT_DAYS = 14  # an incident that ended this many days ago is still "recent"
HEAVY_HISTORY = 100_000  # samples and runs in all, from which the components' figures are worth a fork
WINDOWS = (("day", 1), ("week", 7), ("month", 30), ("quarter", 90), ("year", 365))  # message keys, days


@dataclass(frozen=True)
class Figures:
    """What one component's probe history and incidents add up to."""

    status: str  # one of status.STATUSES, at now
    days: list[uptime.DailyUptime]  # from its first day to today
    latest: ProbeSample | None  # the newest sample up to now
    runs_end: int | None  # where the compacted history ends, if it has any
    probed: dict[date, set[str]]  # the probe statuses seen on each day
    windows: tuple[tuple[str, float | None], ...]  # (message key, uptime) for 24 h … all time
    charts: tuple[Chart, ...]
    months: tuple[sla.Period, ...]  # oldest first
    years: tuple[sla.Period, ...]  # oldest first


@dataclass(frozen=True)
class IncidentFigures:
    """Where one incident stands at now."""

    phase: str  # see status.phase
    duration_seconds: int | None  # up to resolved, or up to now while ongoing; None before it starts
    updates: tuple[Update, ...]  # those dated up to now, newest first: a later one is held back until its time


@dataclass(frozen=True)
class SiteFigures:
    """The figures of every component and incident, and what the site as a whole is at ``now``."""

    now: datetime
    today: date  # in the site's time zone
    overall: str  # the worst component status
    components: dict[str, Figures]  # by component id
    incidents: dict[str, IncidentFigures]  # by slug
    newest_first: tuple[str, ...]  # every slug, by start, newest first
    active: tuple[str, ...]  # slugs of what is going on now, newest first
    upcoming: tuple[str, ...]  # announced ahead, soonest first
    recent: tuple[str, ...]  # ended in the last RECENT_DAYS days, newest first
    touching: dict[tuple[str, date], tuple[str, ...]]  # (component, day) → slugs that touched it, oldest first
    excused: dict[str, dict[str, tuple[str, ...]]]  # component → month → slugs its SLA figure leaves out


def site_figures(
    config: Config,
    incidents: list[Incident],
    now: datetime,
    history: dict[str, ComponentHistory] | None = None,
    processes: int = 1,
    vouched_from: datetime | None = None,
) -> SiteFigures:
    """Work out every figure at ``now`` from validated records (``incidents`` oldest first).

    ``config.history_start`` must be a date (build.resolve_start). With ``vouched_from``, set for a site
    that has recorded nothing before it, the time of its history before that moment is no data.
    """
    history = history or {}
    tz = config.timezone
    newest_first = sorted(incidents, key=lambda i: (i.started, i.slug), reverse=True)
    if config.history_start is None:
        raise ValueError("history_start is not resolved yet: see build.resolve_start")
    first_ever = min([config.history_start, *(config.first_day(c) for c in config.components)])
    bounds = uptime.day_bounds(first_ever, now, tz)  # every component's days are a tail of these
    own: dict[str, list[Incident]] = defaultdict(list)  # indexed once: each component looks only at its own
    for incident in incidents:
        for cid in incident.components:
            own[cid].append(incident)
    by_start: dict[str, list[Incident]] = defaultdict(list)  # the same, oldest first by start
    for incident in reversed(newest_first):
        for cid in incident.components:
            by_start[cid].append(incident)
    # The figures of each component are independent: with a long probe history they are worked out
    # by forked workers, a share of the components each, and only the numbers come back.
    heavy = sum(len(h.samples) + len(h.runs) for h in history.values()) >= HEAVY_HISTORY
    every = parallel.mapped(
        lambda component: component_figures(
            component,
            config,
            own[component.id],
            history.get(component.id, ComponentHistory()),
            now,
            bounds,
            vouched_from,
        ),
        list(config.components),
        processes if heavy else 1,
    )
    components = {c.id: figures for c, figures in zip(config.components, every, strict=True)}
    recent_since = now - timedelta(days=RECENT_DAYS)
    phases = {i.slug: incident_figures(i, now) for i in incidents}
    return SiteFigures(
        now=now,
        today=now.astimezone(tz).date(),
        overall=status.worst(figures.status for figures in components.values()),
        components=components,
        incidents=phases,
        newest_first=tuple(i.slug for i in newest_first),
        active=tuple(i.slug for i in newest_first if status.is_active(i, now)),
        upcoming=tuple(
            i.slug
            for i in sorted(newest_first, key=lambda i: (i.started, i.slug))
            if i.is_maintenance and status.is_upcoming(i, now)
        ),
        recent=tuple(
            i.slug
            for i in newest_first
            if phases[i.slug].phase in ("resolved", "completed") and (i.resolved or now) >= recent_since
        ),
        touching=_touching(reversed(newest_first), now, tz, first_ever),
        excused={c.id: _excused(c.id, by_start[c.id], components[c.id].months, now, tz) for c in config.components},
    )


def component_figures(
    component: Component,
    config: Config,
    own: list[Incident],
    recorded: ComponentHistory,
    now: datetime,
    bounds: list[tuple[date, int, int]],
    vouched_from: datetime | None = None,
) -> Figures:
    """The figures of one component from its incidents (``own``) and probe history.

    ``bounds`` are the days of the whole site's history (uptime.day_bounds); the component's are a tail of them.
    Time of its history before ``vouched_from``, before which nothing is recorded, is no data.
    """
    tz = config.timezone
    mine = recorded.samples
    first = config.first_day(component)
    origin = uptime.seconds(midnight(first, tz))
    probed_record = uptime.component_probes(mine, (), config.max_gap, now, recorded.runs)
    parts, era_start = uptime.component_segments(own, component.id, now, probed=probed_record)
    parts = uptime.unvouched(parts, origin, vouched_from)
    if any(incident.cause == "external" for incident in own):
        sla_parts, _ = uptime.component_segments(own, component.id, now, sla=True, probed=probed_record)
        sla_parts = uptime.unvouched(sla_parts, origin, vouched_from)
    else:
        sla_parts = parts  # only external causes make the SLA figure differ
    skipped = (first - bounds[0][0]).days if bounds else 0
    past = mine[: bisect.bisect_right(mine, now.timestamp(), key=attrgetter("time"))]  # sorted by time
    probed: dict[date, set[str]] = defaultdict(set)
    for day, sample in zip(local_days([sample.time for sample in past], tz), past, strict=True):
        probed[day].add(sample.status)
    target = config.target(component)
    latest = past[-1] if past else None
    return Figures(
        status=status.component_status(component.id, own, now, latest, component.probe is not None, config.stale_after),
        days=uptime.daily(bounds[skipped:], parts, era_start),
        latest=latest,
        runs_end=recorded.runs[-1].end if recorded.runs else None,
        probed=dict(probed),
        windows=_windows(parts, era_start, first, now, tz),
        charts=response_charts(past, now, tz, BAR_DAYS),
        months=tuple(sla.periods(sla.months(first, now, tz), parts, sla_parts, era_start, target)),
        years=tuple(sla.periods(sla.years(first, now, tz), parts, sla_parts, era_start, target)),
    )


def incident_figures(incident: Incident, now: datetime) -> IncidentFigures:
    phase = status.phase(incident, now)
    end = incident.resolved if incident.resolved and incident.resolved <= now else now
    duration = int((end - incident.started).total_seconds()) if incident.started <= now else None
    if incident.is_maintenance and phase == "scheduled" and incident.resolved:
        duration = int((incident.resolved - incident.started).total_seconds())  # the planned length
    return IncidentFigures(phase, duration, tuple(u for u in incident.updates if u.at <= now))


def _windows(
    parts: list[uptime.Segment], era_start: int | None, first: date, now: datetime, tz: tzinfo
) -> tuple[tuple[str, float | None], ...]:
    """Uptime over the last 24 hours, 7, 30 and 90 days, a year, and all time, each ending at now."""
    end = uptime.seconds(now)
    origin = uptime.seconds(midnight(first, tz))
    spans = [(label, max(end - days * 86400, origin)) for label, days in WINDOWS] + [("all", origin)]
    # One window at a time: daily() walks windows that follow each other, and these overlap.
    return tuple((label, uptime.daily([(first, start, end)], parts, era_start)[0].uptime) for label, start in spans)


def _touching(
    oldest_first: Iterable[Incident], now: datetime, tz: tzinfo, first: date
) -> dict[tuple[str, date], tuple[str, ...]]:
    """For each (component, day) from ``first`` to today, the incidents touching that day, oldest first."""
    today = now.astimezone(tz).date()
    found: dict[tuple[str, date], list[str]] = defaultdict(list)
    for incident in oldest_first:
        if incident.started > now:
            continue
        end = min(incident.resolved or now, now)
        day = max(incident.started.astimezone(tz).date(), first)
        last = min((end - timedelta(seconds=1) if end > incident.started else end).astimezone(tz).date(), today)
        while day <= last:
            for cid in incident.components:
                found[(cid, day)].append(incident.slug)
            day += timedelta(days=1)
    return {key: tuple(value) for key, value in found.items()}


def _excused(
    component_id: str, oldest_first: Iterable[Incident], months: tuple[sla.Period, ...], now: datetime, tz: tzinfo
) -> dict[str, tuple[str, ...]]:
    """For each month, the incidents whose minutes its SLA figure leaves out: external ones and maintenance."""
    by_month: dict[str, list[str]] = defaultdict(list)
    external = {p.label for p in months if p.external_minutes}
    known = {p.label for p in months}
    for record in oldest_first:
        if component_id not in record.components or not (record.is_maintenance or record.cause == "external"):
            continue
        if record.started > now:
            continue
        start = record.started.astimezone(tz).date().replace(day=1)
        # The last instant covered, not the end: an incident ending at midnight stays in its month.
        end = (min(record.resolved or now, now) - timedelta(seconds=1)).astimezone(tz).date()
        month = start
        while month <= end:
            label = f"{month.year:04d}-{month.month:02d}"
            # A notice leaves minutes out only where probes failed inside it.
            if label in known and (record.severity != "notice" or label in external):
                by_month[label].append(record.slug)
            month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return {label: tuple(slugs) for label, slugs in by_month.items()}
