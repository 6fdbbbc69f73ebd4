"""Template contexts: everything a page shows, computed once from the loaded inputs.

Templates only lay these out; they decide no status and do no arithmetic.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from functools import cached_property, partial
from operator import attrgetter

from . import parallel, sla, status, uptime
from .charts import Chart, response_charts
from .markup import to_html
from .model import Component, ComponentHistory, Config, Html, Incident, ProbeSample, Text, Update
from .times import local_days, midnight

BAR_DAYS = 90
RECENT_DAYS = 14
# Caps that keep every page bounded however long the history grows: a list longer than its
# cap shows the newest and points to the pages that hold the rest.
RECENT_MAX = 10  # incidents on the index's "last 14 days"
COMPONENT_RECENT = 10  # incidents on a component's page; the rest are on its yearly pages
PAGE_SIZE = 100  # incidents on one page of a year's history
SLA_MONTHS = 12  # months in the SLA report's tables; earlier ones are on the yearly calendars
HEAVY_HISTORY = 100_000  # samples and runs in all, from which the components' figures are worth a fork
CERT_WARNING_DAYS = 14
WINDOWS = (("day", 1), ("week", 7), ("month", 30), ("quarter", 90), ("year", 365))  # message keys, days


@dataclass(frozen=True)
class UpdateView:
    update: Update
    anchor: str  # id of the update on the incident page

    @cached_property
    def html(self) -> Html:
        """The message as sanitized HTML, with its translations; rendered when a page or feed first shows it."""
        return _html(self.update.message)


@dataclass(frozen=True)
class IncidentView:
    incident: Incident
    path: str  # site-relative, e.g. "incidents/2021-09-19-kabel-laut/"
    year: int  # of the start, in the site time zone
    month: int  # of the start, 1-12
    phase: str
    components: tuple[Component, ...]
    duration_seconds: int | None  # up to resolved, or up to now while ongoing; None before start
    updates: tuple[UpdateView, ...]  # newest first

    @cached_property
    def body_html(self) -> Html:
        """The body as sanitized HTML, with its translations; rendered when its page or a feed first shows it.

        Rendering waits until then so that it happens in the worker that makes the page.
        """
        return _html(self.incident.body)

    @property
    def latest(self) -> UpdateView | None:
        return self.updates[0] if self.updates else None


@dataclass(frozen=True)
class DayView:
    date: date
    level: str
    figures: uptime.DailyUptime | None  # None: before the component's history
    incidents: tuple[IncidentView, ...]


@dataclass(frozen=True)
class CalendarMonth:
    month: int  # 1-12
    blanks: int  # empty cells before day 1, weeks starting on Monday
    days: tuple[DayView | None, ...]  # None: before the component's first day or after today
    period: sla.Period | None


@dataclass(frozen=True)
class CalendarYear:
    year: int
    months: tuple[CalendarMonth, ...]


@dataclass(frozen=True)
class ComponentView:
    component: Component
    status: str
    days: tuple[DayView, ...]  # the last BAR_DAYS days, oldest first
    uptime: float | None  # over the same days
    path: str = ""  # site-relative page of the component
    latest: ProbeSample | None = None  # newest probe sample
    cert_days: int | None = None  # from the newest sample
    checked_before: datetime | None = None  # when only compacted history is left: the end of its last run
    windows: tuple[tuple[str, float | None], ...] = ()  # (message key, uptime) for 24 h … all time
    charts: tuple[Chart, ...] = ()
    incidents: tuple[IncidentView, ...] = ()  # newest first
    target: float = 99.5  # SLA target, percent
    months: tuple[sla.Period, ...] = ()  # oldest first
    years: tuple[sla.Period, ...] = ()  # oldest first
    # Makes the month grids of a year; called by the worker that renders that year's page, so
    # that the days of fifteen years are not all held, or all made, by one process.
    make_calendar: Callable[[int], CalendarYear] | None = None
    excused: dict[str, tuple[IncidentView, ...]] = field(default_factory=dict)  # month → external or maintenance

    @property
    def recent_incidents(self) -> tuple[IncidentView, ...]:
        """The newest incidents, at most COMPONENT_RECENT: what the component's page lists."""
        return self.incidents[:COMPONENT_RECENT]

    def incidents_in(self, year: str) -> list[IncidentView]:
        """The incidents that started in ``year`` (a label such as "2021"), newest first."""
        return [view for view in self.incidents if str(view.year) == year]

    def listed_in(self, year: str) -> list[IncidentView]:
        """What the page of ``year`` lists: its newest PAGE_SIZE incidents (the year's history has them all)."""
        return self.incidents_in(year)[:PAGE_SIZE]

    @property
    def recent_months(self) -> list[sla.Period]:
        """The last SLA_MONTHS months, newest first: what the SLA report and the component page show."""
        return list(reversed(self.months[-SLA_MONTHS:]))

    @property
    def recent_excused(self) -> list[IncidentView]:
        """The incidents left out of the recent months' figures, newest first."""
        shown = {period.label for period in self.months[-SLA_MONTHS:]}
        seen: dict[str, IncidentView] = {}
        for month in sorted(shown & set(self.excused), reverse=True):
            for view in reversed(self.excused[month]):
                seen.setdefault(view.incident.slug, view)
        return list(seen.values())

    def calendar(self, label: str) -> CalendarYear:
        if self.make_calendar is None or not any(period.label == label for period in self.years):
            raise KeyError(f"no calendar for {label}")
        return self.make_calendar(int(label))

    @property
    def cert_warning(self) -> bool:
        return self.cert_days is not None and self.cert_days < CERT_WARNING_DAYS

    @property
    def cert_invalid(self) -> bool:
        """The newest check failed on the certificate: expired, or not trusted."""
        return self.latest is not None and self.latest.error == "tls"


@dataclass(frozen=True)
class GroupView:
    name: str | None
    status: str
    components: tuple[ComponentView, ...]


@dataclass(frozen=True)
class HistoryPage:
    """One page of a year's history: at most PAGE_SIZE incidents, newest first."""

    year: int
    number: int  # 1-based
    count: int  # pages the year has
    incidents: tuple[IncidentView, ...]

    @property
    def path(self) -> str:
        return f"history/{self.year}/" if self.number == 1 else f"history/{self.year}/{self.number}/"

    @property
    def months(self) -> list[tuple[int, list[IncidentView]]]:
        """The incidents grouped by the month (1-12) they started in, newest first."""
        groups: dict[int, list[IncidentView]] = {}
        for item in self.incidents:
            groups.setdefault(item.month, []).append(item)
        return list(groups.items())


@dataclass(frozen=True)
class YearView:
    year: int
    incidents: tuple[IncidentView, ...]  # newest first

    @property
    def pages(self) -> list[HistoryPage]:
        """The year's history in pages of at most PAGE_SIZE incidents; a year with none has one empty page."""
        chunks = [self.incidents[n : n + PAGE_SIZE] for n in range(0, len(self.incidents), PAGE_SIZE)] or [()]
        return [HistoryPage(self.year, n, len(chunks), chunk) for n, chunk in enumerate(chunks, start=1)]


@dataclass(frozen=True)
class SiteView:
    config: Config
    now: datetime
    overall: str
    groups: tuple[GroupView, ...]
    active: tuple[IncidentView, ...]
    upcoming: tuple[IncidentView, ...]
    recent: tuple[IncidentView, ...]  # ended in the last RECENT_DAYS days, newest first, at most RECENT_MAX
    recent_total: int  # how many ended in those days
    incidents: tuple[IncidentView, ...]  # all, newest first
    years: tuple[YearView, ...]  # newest first
    daily: dict[str, list[uptime.DailyUptime]]


@dataclass(frozen=True)
class Figures:
    """What one component's probe history and incidents add up to: numbers, no words."""

    days: list[uptime.DailyUptime]  # from its first day to today
    latest: ProbeSample | None  # the newest sample up to now
    probed: dict[date, set[str]]  # the probe statuses seen on each day
    windows: tuple[tuple[str, float | None], ...]
    charts: tuple[Chart, ...]
    months: tuple[sla.Period, ...]
    years: tuple[sla.Period, ...]


def component_figures(
    component: Component,
    config: Config,
    own: list[Incident],
    recorded: ComponentHistory,
    now: datetime,
    bounds: list[tuple[date, int, int]],
) -> Figures:
    """The figures of one component from its incidents (``own``) and probe history.

    ``bounds`` are the days of the whole site's history (uptime.day_bounds); the component's are a tail of them.
    """
    tz = config.timezone
    mine = recorded.samples
    probed_record = uptime.component_probes(mine, (), config.max_gap, now, recorded.runs)
    parts, era_start = uptime.component_segments(own, component.id, now, probed=probed_record)
    if any(incident.cause == "external" for incident in own):
        sla_parts, _ = uptime.component_segments(own, component.id, now, sla=True, probed=probed_record)
    else:
        sla_parts = parts  # only external causes make the SLA figure differ
    first = config.first_day(component)
    skipped = (first - bounds[0][0]).days if bounds else 0
    past = mine[: bisect.bisect_right(mine, now.timestamp(), key=attrgetter("time"))]  # sorted by time
    probed: dict[date, set[str]] = defaultdict(set)
    for day, sample in zip(local_days([sample.time for sample in past], tz), past, strict=True):
        probed[day].add(sample.status)
    target = config.target(component)
    return Figures(
        days=uptime.daily(bounds[skipped:], parts, era_start),
        latest=past[-1] if past else None,
        probed=dict(probed),
        windows=_windows(parts, era_start, first, now, tz),
        charts=response_charts(past, now, tz, BAR_DAYS),
        months=tuple(sla.periods(sla.months(first, now, tz), parts, sla_parts, era_start, target)),
        years=tuple(sla.periods(sla.years(first, now, tz), parts, sla_parts, era_start, target)),
    )


def site_view(
    config: Config,
    incidents: list[Incident],
    now: datetime,
    history: dict[str, ComponentHistory] | None = None,
    processes: int = 1,
) -> SiteView:
    """Compute every figure and label the pages need, from validated inputs and ``now``.

    With a long probe history and ``processes`` > 1, forked workers work out the components' figures.
    """
    history = history or {}
    tz = config.timezone
    views = {i.slug: incident_view(i, config, now) for i in incidents}
    newest_first = tuple(sorted(views.values(), key=lambda v: (v.incident.started, v.incident.slug), reverse=True))
    today = now.astimezone(tz).date()
    bar_start = today - timedelta(days=BAR_DAYS - 1)
    first_ever = min([config.history_start, *(config.first_day(c) for c in config.components)])
    per_day = _incidents_by_day(newest_first, config, now, first_ever)
    # Indexed once: each component's pages and figures then look only at its own incidents.
    records: dict[str, list[Incident]] = defaultdict(list)
    listed: dict[str, list[IncidentView]] = defaultdict(list)
    for item in newest_first:
        for cid in item.incident.components:
            listed[cid].append(item)
    for incident in incidents:
        for cid in incident.components:
            records[cid].append(incident)
    bounds = uptime.day_bounds(first_ever, now, tz)  # every component's days are a tail of these

    daily: dict[str, list[uptime.DailyUptime]] = {}
    statuses: dict[str, str] = {}
    groups: dict[str | None, list[ComponentView]] = {}
    # The figures of each component are independent: with a long probe history they are worked out
    # by forked workers, a share of the components each, and only the numbers come back.
    heavy = sum(len(h.samples) + len(h.runs) for h in history.values()) >= HEAVY_HISTORY
    every = parallel.mapped(
        lambda component: component_figures(
            component, config, records[component.id], history.get(component.id, ComponentHistory()), now, bounds
        ),
        list(config.components),
        processes if heavy else 1,
    )
    for component, figures in zip(config.components, every, strict=True):
        own = records[component.id]
        first = config.first_day(component)
        days = daily[component.id] = figures.days
        latest = figures.latest
        state = statuses[component.id] = status.component_status(
            component.id, own, now, latest, component.probe is not None, config.stale_after
        )
        window = [d for d in days if d.date >= bar_start]
        known = {d.date: d for d in days}
        cell = partial(_cell, known, per_day, figures.probed, component.id)
        cells = tuple(cell(bar_start + timedelta(days=n)) for n in range(BAR_DAYS))
        runs = history.get(component.id, ComponentHistory()).runs
        view = ComponentView(
            component=component,
            status=state,
            days=cells,
            uptime=uptime.overall(window),
            path=f"components/{component.id}/",
            latest=latest,
            cert_days=latest.cert_days if latest else None,
            checked_before=datetime.fromtimestamp(runs[-1].end, tz) if runs and not latest else None,
            windows=figures.windows,
            charts=figures.charts,
            incidents=tuple(listed[component.id]),
            target=config.target(component),
            months=figures.months,
            years=figures.years,
            make_calendar=partial(_calendar, first=first, today=today, cell=cell, months=figures.months),
            excused=_excused(component.id, tuple(listed[component.id]), figures.months, config, now),
        )
        groups.setdefault(component.group, []).append(view)

    overall = status.worst(statuses.values())
    recent_since = now - timedelta(days=RECENT_DAYS)
    recent = tuple(
        v for v in newest_first if v.phase in ("resolved", "completed") and (v.incident.resolved or now) >= recent_since
    )
    return SiteView(
        config=config,
        now=now,
        overall=overall,
        groups=tuple(
            GroupView(name, status.worst(v.status for v in members), tuple(members)) for name, members in groups.items()
        ),
        active=tuple(v for v in newest_first if status.is_active(v.incident, now)),
        upcoming=tuple(
            sorted(
                (v for v in newest_first if v.incident.is_maintenance and status.is_upcoming(v.incident, now)),
                key=lambda v: (v.incident.started, v.incident.slug),
            )
        ),
        recent=recent[:RECENT_MAX],
        recent_total=len(recent),
        incidents=newest_first,
        years=_years(newest_first, config, now),
        daily=daily,
    )


def incident_view(incident: Incident, config: Config, now: datetime) -> IncidentView:
    phase = status.phase(incident, now)
    end = incident.resolved if incident.resolved and incident.resolved <= now else now
    duration = int((end - incident.started).total_seconds()) if incident.started <= now else None
    if incident.is_maintenance and phase == "scheduled" and incident.resolved:
        duration = int((incident.resolved - incident.started).total_seconds())  # the planned length
    count = len(incident.updates)
    components = {c.id: c for c in config.components}
    started = incident.started.astimezone(config.timezone)
    return IncidentView(
        incident=incident,
        path=f"incidents/{incident.slug}/",
        year=started.year,
        month=started.month,
        phase=phase,
        components=tuple(components[cid] for cid in incident.components),
        duration_seconds=duration,
        # An update dated after now is held back until its time, like a post scheduled ahead.
        updates=tuple(UpdateView(u, f"pembaruan-{count - n}") for n, u in enumerate(incident.updates) if u.at <= now),
    )


def _html(markdown: Text) -> Html:
    """Markdown and its translations, each rendered to sanitized HTML."""
    return Html(to_html(markdown), {code: to_html(text) for code, text in markdown.translations.items()})


def day_level(
    figures: uptime.DailyUptime | None, incidents: tuple[IncidentView, ...], probed: frozenset[str] = frozenset()
) -> str:
    """The bar class of one day: the worst that touched it, by incidents or probes; always shown with words too.

    ``probed`` holds the probe statuses seen that day. A down sample that counted is a total outage.
    """
    if figures is None or (figures.uptime is None and not figures.maintenance_minutes):
        return "nodata"
    if not incidents and not probed:  # most days of a long history
        return "maintenance" if figures.maintenance_minutes else "ok"
    severities = {view.incident.severity for view in incidents}
    if "major" in severities or ("down" in probed and figures.downtime_minutes > 0):
        return "major"
    if "partial" in severities:
        return "partial"
    if "degraded" in severities or "degraded" in probed:
        return "degraded"
    if figures.maintenance_minutes:
        return "maintenance"
    return "notice" if incidents else "ok"


def _day_view(
    day: date, figures: uptime.DailyUptime | None, incidents: tuple[IncidentView, ...], probed: frozenset[str]
) -> DayView:
    return DayView(day, day_level(figures, incidents, probed), figures, incidents)


def _incidents_by_day(
    views: tuple[IncidentView, ...], config: Config, now: datetime, first: date
) -> dict[tuple[str, date], tuple[IncidentView, ...]]:
    """For each (component, day) from ``first`` to today, the incidents touching that day."""
    tz = config.timezone
    today = now.astimezone(tz).date()
    found: dict[tuple[str, date], list[IncidentView]] = defaultdict(list)
    for view in reversed(views):  # oldest first, so each day lists them in order
        incident = view.incident
        if incident.started > now:
            continue
        end = min(incident.resolved or now, now)
        day = max(incident.started.astimezone(tz).date(), first)
        last = min((end - timedelta(seconds=1) if end > incident.started else end).astimezone(tz).date(), today)
        while day <= last:
            for cid in incident.components:
                found[(cid, day)].append(view)
            day += timedelta(days=1)
    return {key: tuple(value) for key, value in found.items()}


def _years(views: tuple[IncidentView, ...], config: Config, now: datetime) -> tuple[YearView, ...]:
    tz = config.timezone
    by_year: dict[int, list[IncidentView]] = defaultdict(list)
    for view in views:
        by_year[view.year].append(view)
    last = max([now.astimezone(tz).year, *by_year])
    first = min([config.history_start.year, *by_year])
    return tuple(YearView(year, tuple(by_year.get(year, ()))) for year in range(last, first - 1, -1))


def _windows(
    parts: list[uptime.Segment], era_start: int | None, first: date, now: datetime, tz: tzinfo
) -> tuple[tuple[str, float | None], ...]:
    """Uptime over the last 24 hours, 7, 30 and 90 days, a year, and all time, each ending at now."""
    end = uptime.seconds(now)
    origin = uptime.seconds(midnight(first, tz))
    spans = [(label, max(end - days * 86400, origin)) for label, days in WINDOWS] + [("all", origin)]
    # One window at a time: daily() walks windows that follow each other, and these overlap.
    return tuple((label, uptime.daily([(first, start, end)], parts, era_start)[0].uptime) for label, start in spans)


def _cell(
    known: dict[date, uptime.DailyUptime],
    per_day: dict[tuple[str, date], tuple[IncidentView, ...]],
    probed: dict[date, set[str]],
    component_id: str,
    day: date,
) -> DayView:
    return _day_view(day, known.get(day), per_day.get((component_id, day), ()), frozenset(probed.get(day, ())))


def _calendar(
    year: int, first: date, today: date, cell: Callable[[date], DayView], months: tuple[sla.Period, ...]
) -> CalendarYear:
    """Twelve month grids of one year; days outside the component's history are left empty."""
    periods = {p.label: p for p in months}
    grids = []
    for month in range(1, 13):
        start = date(year, month, 1)
        length = (date(year + month // 12, month % 12 + 1, 1) - start).days
        days = tuple(
            cell(day) if first <= day <= today else None for day in (start + timedelta(days=n) for n in range(length))
        )
        grids.append(CalendarMonth(month, start.weekday(), days, periods.get(f"{year:04d}-{month:02d}")))
    return CalendarYear(year, tuple(grids))


def _excused(
    component_id: str, views: tuple[IncidentView, ...], months: tuple[sla.Period, ...], config: Config, now: datetime
) -> dict[str, tuple[IncidentView, ...]]:
    """For each month, the incidents whose minutes its SLA figure leaves out: external ones and maintenance."""
    tz = config.timezone
    labels_by_month: dict[str, list[IncidentView]] = defaultdict(list)
    external = {p.label for p in months if p.external_minutes}
    known = {p.label for p in months}
    for view in reversed(views):  # oldest first
        record = view.incident
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
                labels_by_month[label].append(view)
            month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return {label: tuple(items) for label, items in labels_by_month.items()}
