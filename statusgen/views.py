"""Template contexts: everything a page shows, shaped once from the records and their figures.

The figures (``figures.py``) are worked out before; this module only arranges them, with the records,
into what each template lays out: which incidents a day, a month or a page lists, the calendars,
the bar. Templates decide no status and do no arithmetic.
"""

from __future__ import annotations

import bisect
import hashlib
import marshal
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property, partial
from typing import Any

from . import schema, sla, status, uptime
from .charts import Chart
from .figures import BAR_DAYS, Figures, IncidentFigures, SiteFigures, year_digests
from .markup import to_html
from .model import Component, Config, Html, Incident, ProbeSample, Text, Update, canonical

# Caps that keep every page bounded however long the history grows: a list longer than its
# cap shows the newest and points to the pages that hold the rest.
RECENT_MAX = 10  # incidents on the index's "last 14 days"
COMPONENT_RECENT = 10  # incidents on a component's page; the rest are on its yearly pages
PAGE_SIZE = 100  # incidents on one page of a year's history
SLA_MONTHS = 12  # months in the SLA report's tables; earlier ones are on the yearly calendars
CERT_WARNING_DAYS = 14


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

    @property
    def source(self) -> str | None:
        """Where every day's figures of the year come from, when from one place (probes or incidents): the page
        says it once, and the days need not; None when the year has both (the probes began in it)."""
        found = {day.figures.source for m in self.months for day in m.days if day is not None and day.figures}
        return found.pop() if len(found) == 1 else None


@dataclass(frozen=True)
class PlaceView:
    """What one place (vantage) sees of one component."""

    id: str
    name: Text
    kind: str  # public | inside
    votes: bool  # its view counts in the component's status (an inside place only explains, unless alone)
    status: str  # one of status.STATUSES: its newest sample's, "no_data" when stale or missing
    stale: bool  # probes it but has no fresh sample: does not vote, explains nothing
    checked: datetime | None  # its newest sample's time, in the site's zone
    checked_today: bool  # that time falls on the site's today
    windows: tuple[tuple[str, float | None], ...] = ()  # (message key, uptime) for 24 h … all time


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
    target: float = schema.SITE.default("sla_target")  # percent
    months: tuple[sla.Period, ...] = ()  # oldest first
    years: tuple[sla.Period, ...] = ()  # oldest first
    # Makes the month grids of a year; called by the worker that renders that year's page, so
    # that the days of fifteen years are not all held, or all made, by one process.
    make_calendar: Callable[[int], CalendarYear] | None = None
    # What the calendar of a year is made from (days, probe statuses, incidents by day), for year_inputs.
    make_year_days: Callable[[int], bytes] | None = None
    excused: dict[str, tuple[IncidentView, ...]] = field(default_factory=dict)  # month → external or maintenance
    # Where the probes run from several places (or from one that is not the home place); empty otherwise.
    places: tuple[PlaceView, ...] = ()
    down_from: tuple[Text, ...] = ()  # a partial outage: the names of the places that cannot reach it
    stale_places: tuple[Text, ...] = ()  # the names of the places without a fresh sample
    explanation: str | None = None  # what the inside place says (verdict.EXPLANATIONS)
    bandwidth: tuple[sla.BandwidthMonth, ...] = ()  # from the first month with a measurement, oldest first
    upload: bool = False  # the probe measures the upload too

    @property
    def place_windows(self) -> list[tuple[str, tuple[float | None, ...]]]:
        """Each window (24 h … all time) with each place's uptime over it, in the order of ``places``."""
        return [(key, tuple(dict(place.windows).get(key) for place in self.places)) for key, _ in self.windows]

    @property
    def recent_bandwidth(self) -> list[sla.BandwidthMonth]:
        """The last SLA_MONTHS months of throughput, newest first: what the component page shows."""
        return list(reversed(self.bandwidth[-SLA_MONTHS:]))

    def months_in(self, year: str) -> list[sla.Period]:
        """The months of ``year`` (a label such as "2021"), oldest first: found by their place, not by looking
        at all of them (a page for each of fifteen years would look at 180 months each)."""
        labels = [period.label for period in self.months]
        start = bisect.bisect_left(labels, year)
        return list(self.months[start : bisect.bisect_left(labels, f"{year}~", start)])

    def bandwidth_in(self, year: str) -> list[sla.BandwidthMonth]:
        """The months of throughput of ``year`` (a label such as "2026"), newest first."""
        return [month for month in reversed(self.bandwidth) if month.label.startswith(year)]

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

    def month(self, label: str) -> sla.Period | None:
        """Its figures of the month ``label`` (``YYYY-MM``), if its history has it: looked for from the newest."""
        for period in reversed(self.months):
            if period.label <= label:
                return period if period.label == label else None
        return None

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

    @cached_property
    def months_met(self) -> dict[str, tuple[int, int]]:
        """By year: the months that met their target and the months with a verdict (sla.months_met)."""
        return sla.months_met(self.months)

    def year_inputs(self, label: str) -> bytes:
        """A digest of everything the page of one year (a label such as "2021") is made from, apart from
        status.yml, the language and the templates: what render.Settled.key takes to tell whether the page would
        change. Worked out once for every language."""
        found = self._year_inputs.get(label)
        if found is None:
            period = next(period for period in self.years if period.label == label)
            inputs = (
                self.component,
                self.path,
                self.target,
                period,
                tuple(self.months_in(label)),
                tuple(self.bandwidth_in(label)),
                tuple(map(incident_inputs, self.incidents_in(label))),
                self.make_year_days(int(label)) if self.make_year_days is not None else (),
            )
            found = self._year_inputs[label] = hashlib.sha256(canonical(inputs)).digest()
        return found

    @cached_property
    def _year_inputs(self) -> dict[str, bytes]:
        return {}

    def calendar(self, label: str) -> CalendarYear:
        """The month grids of a year; the last one asked for is kept, for the same page in the next language."""
        if self.make_calendar is None or not any(period.label == label for period in self.years):
            raise KeyError(f"no calendar for {label}")
        kept = self._last_calendar
        if label not in kept:
            kept.clear()
            kept[label] = self.make_calendar(int(label))
        return kept[label]

    @cached_property
    def _last_calendar(self) -> dict[str, CalendarYear]:
        return {}

    @property
    def cert_warning(self) -> bool:
        return self.cert_days is not None and self.cert_days < CERT_WARNING_DAYS

    @property
    def cert_invalid(self) -> bool:
        """The newest check failed on the certificate: expired, or not trusted."""
        return self.latest is not None and self.latest.error == "tls"


GROUP_ROWS = 20  # a group with more components is one line on the home page, its rows on a page of its own
SITE_ROWS = 60  # a site with more components shows every named group so (the nation's LPSEs by province)
PROBLEMS_SHOWN = 50  # components with a problem listed on the home page at most
PROBLEM = ("major_outage", "partial_outage", "degraded_performance", "under_maintenance")


@dataclass(frozen=True)
class GroupView:
    name: str | None
    status: str
    components: tuple[ComponentView, ...]
    slug: str = ""  # its page: groups/<slug>/ (only a folded group has one)
    # Too many components to show each with its bars on the home page (a province's LPSEs): see folding().
    folded: bool = False

    @property
    def path(self) -> str:
        return f"groups/{self.slug}/"

    @property
    def sla_path(self) -> str:
        """Its components' SLA figures (a folded group's): the SLA page lists the group as one row."""
        return f"sla/{self.slug}/"

    def met_in(self, month: str) -> tuple[int, int]:
        """How many of its components met their SLA target in ``month`` (``YYYY-MM``), of how many were judged
        (a component without data that month, or before its history, is not)."""
        judged = [found.met for item in self.components if (found := item.month(month)) and found.met is not None]
        return sum(judged), len(judged)

    @property
    def counts(self) -> list[tuple[str, int]]:
        """How many of its components are in each status, worst first; statuses none is in left out."""
        found = Counter(item.status for item in self.components)
        return [(name, found[name]) for name in status.STATUSES if found[name]]


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
    daily: dict[str, Sequence[uptime.DailyUptime]]
    # By component, each year that is over: the digests of its days and their probe statuses (Figures.settled).
    settled: dict[str, dict[int, tuple[bytes, bytes]]] = field(default_factory=dict)
    # Each place's days, by component and place, for the components several places probe.
    place_daily: dict[str, dict[str, list[uptime.DailyUptime]]] = field(default_factory=dict)

    @property
    def folded(self) -> bool:
        return any(group.folded for group in self.groups)

    @cached_property
    def troubled(self) -> list[ComponentView]:
        """The components of folded groups with a problem now, worst first."""
        found = [item for group in self.groups if group.folded for item in group.components if item.status in PROBLEM]
        return sorted(found, key=lambda item: status.STATUSES.index(item.status))

    @property
    def counts(self) -> list[tuple[str, int]]:
        """How many of all the components are in each status, worst first (told on a folded home page)."""
        found = Counter(item.status for group in self.groups for item in group.components)
        return [(name, found[name]) for name in status.STATUSES if found[name]]

    @cached_property
    def sla_paths(self) -> dict[str, str]:
        """Where each component's SLA figures are: a folded group's page of them, else the SLA page."""
        return {item.component.id: group.sla_path if group.folded else "sla/" for group in self.groups
                for item in group.components}  # fmt: skip

    @property
    def last_month(self) -> str:
        """The last calendar month that is over, in the site's zone (``YYYY-MM``): the one a folded group's
        row on the SLA page counts."""
        first = self.now.astimezone(self.config.timezone).date().replace(day=1)
        return (first - timedelta(days=1)).strftime("%Y-%m")

    @property
    def component_count(self) -> int:
        return sum(len(group.components) for group in self.groups)

    @property
    def problems(self) -> list[ComponentView]:
        """The first PROBLEMS_SHOWN of ``troubled``: listed on the home page before the groups."""
        return self.troubled[:PROBLEMS_SHOWN]

    @property
    def by_name(self) -> list[ComponentView]:
        """Every component, by name: the index a reader finds one in without JavaScript."""
        return sorted((item for group in self.groups for item in group.components),
                      key=lambda item: (str(item.component.name).casefold(), item.component.id))  # fmt: skip


def site_view(config: Config, incidents: list[Incident], figures: SiteFigures) -> SiteView:
    """Everything the pages show, shaped from validated inputs and the figures worked out from them."""
    tz = config.timezone
    views = {i.slug: incident_view(i, config, figures.incidents[i.slug]) for i in incidents}
    newest_first = tuple(views[slug] for slug in figures.newest_first)
    today = figures.today
    bar_start = today - timedelta(days=BAR_DAYS - 1)
    per_day = {key: tuple(views[slug] for slug in slugs) for key, slugs in figures.touching.items()}
    touching: dict[str, list[tuple[date, tuple[IncidentView, ...]]]] = defaultdict(list)  # by component, by day
    for (cid, day), touched in sorted(per_day.items(), key=lambda item: item[0][1]):
        touching[cid].append((day, touched))
    listed: dict[str, list[IncidentView]] = defaultdict(list)
    for item in newest_first:
        for cid in item.incident.components:
            listed[cid].append(item)
    groups: dict[str | None, list[ComponentView]] = {}
    for component in config.components:
        numbers = figures.components[component.id]
        days, latest = numbers.days, numbers.latest
        recent_days = _within(days, bar_start, today)
        window = list(recent_days.values())
        cell = partial(_cell, per_day, numbers.probed, component.id)
        view = ComponentView(
            component=component,
            status=numbers.status,
            days=tuple(cell(recent_days, bar_start + timedelta(days=n)) for n in range(BAR_DAYS)),
            uptime=uptime.overall(window),
            path=f"components/{component.id}/",
            latest=latest,
            cert_days=latest.cert_days if latest else None,
            checked_before=(
                datetime.fromtimestamp(numbers.runs_end, tz) if numbers.runs_end is not None and not latest else None
            ),
            windows=numbers.windows,
            charts=numbers.charts,
            incidents=tuple(listed[component.id]),
            target=config.target(component),
            months=numbers.months,
            years=numbers.years,
            make_calendar=partial(
                _calendar, first=config.first_day(component), today=today, cell=cell, days=days, months=numbers.months
            ),
            make_year_days=_YearDays(days, numbers.probed, touching.get(component.id, []), numbers.settled),
            excused={
                month: tuple(views[slug] for slug in slugs) for month, slugs in figures.excused[component.id].items()
            },
            **_places_of(component, config, numbers, today),
        )
        groups.setdefault(component.group, []).append(view)
    recent = tuple(views[slug] for slug in figures.recent)
    return SiteView(
        config=config,
        now=figures.now,
        overall=figures.overall,
        groups=tuple(
            GroupView(
                name,
                status.worst(v.status for v in members),
                tuple(members),
                slug,
                name is not None and folding(len(members), len(config.components)),
            )
            for (name, members), slug in zip(groups.items(), _slugs(list(groups)), strict=True)
        ),
        active=tuple(views[slug] for slug in figures.active),
        upcoming=tuple(views[slug] for slug in figures.upcoming),
        recent=recent[:RECENT_MAX],
        recent_total=len(recent),
        incidents=newest_first,
        years=_years(newest_first, config, today),
        daily={cid: numbers.days for cid, numbers in figures.components.items()},
        settled={cid: numbers.settled for cid, numbers in figures.components.items()},
        place_daily={
            cid: {place.vantage: place.days for place in numbers.places}
            for cid, numbers in figures.components.items()
            if len(numbers.places) > 1
        },
    )


def _places_of(component: Component, config: Config, numbers: Figures, today: date) -> dict[str, Any]:
    """The fields of a ComponentView that tell what each place sees, and the throughput by month."""
    tz = config.timezone
    name = {v.id: v.name for v in config.vantages}
    public = any(place.public for place in numbers.places)
    places = []
    for place in numbers.places:
        vantage = config.vantage(place.vantage)
        checked = datetime.fromtimestamp(place.latest.time, tz) if place.latest is not None else None
        places.append(
            PlaceView(
                id=vantage.id,
                name=vantage.name,
                kind=vantage.kind,
                votes=place.public or not public,
                status=place.status,
                stale=place.vantage in numbers.stale_places,
                checked=checked,
                checked_today=checked is not None and checked.date() == today,
                windows=place.windows,
            )
        )
    measured = [n for n, month in enumerate(numbers.bandwidth) if month.download or month.upload or month.failed]
    probe = component.probe
    return {
        "places": tuple(places),
        "down_from": tuple(name[vid] for vid in numbers.down_from),
        "stale_places": tuple(name[vid] for vid in numbers.stale_places),
        "explanation": numbers.explanation,
        "bandwidth": numbers.bandwidth[measured[0] :] if measured else (),
        "upload": probe is not None and probe.bandwidth is not None and probe.bandwidth.upload_url is not None,
    }


def folding(members: int, total: int) -> bool:
    """Whether a named group of ``members`` components, on a site of ``total``, is one line on the home page:
    when it has more than GROUP_ROWS, or the site more than SITE_ROWS (then every named group is)."""
    return members > GROUP_ROWS or total > SITE_ROWS


def _slugs(names: list[str | None]) -> list[str]:
    """A folder name for each group, from its name in the default language; unique."""
    found: list[str] = []
    for name in names:
        base = re.sub(r"[^a-z0-9]+", "-", str(name or "").casefold()).strip("-") or "grup"
        slug, n = base, 1
        while slug in found:
            n += 1
            slug = f"{base}-{n}"
        found.append(slug)
    return found


def incident_inputs(item: IncidentView) -> tuple[object, ...]:
    """What an incident's view is made of, without what was rendered from it on the way (its HTML): for a
    digest of the inputs of a page that shows it (render.page_key)."""
    return (
        item.incident,
        item.path,
        item.year,
        item.month,
        item.phase,
        item.components,
        item.duration_seconds,
        tuple((update.update, update.anchor) for update in item.updates),
    )


def history_page_inputs(year: YearView, page: HistoryPage) -> tuple[object, ...]:
    """What a page of a year's history is made of (see incident_inputs)."""
    return (year.year, bool(year.incidents), page.number, page.count, tuple(map(incident_inputs, page.incidents)))


class _YearDays:
    """What the calendar of each year of one component is made from, as a digest: its days' figures and probe
    statuses (figures.year_digests: worked out with the figures, or here for a year they do not hold) and the
    incidents touching each day (by slug, each incident's inputs once). Worked out once a year for all the
    languages (ComponentView.year_inputs)."""

    def __init__(
        self,
        days: Sequence[uptime.DailyUptime],
        probed: dict[date, frozenset[str]],
        touching: list[tuple[date, tuple[IncidentView, ...]]],
        settled: dict[int, tuple[bytes, bytes]],
    ):
        self.days = days
        self.probed = probed
        self.touching = touching
        self.settled = settled
        self._digests: dict[int, bytes] = {}

    def __call__(self, year: int) -> bytes:
        digest = self._digests.get(year)
        if digest is None:
            found = self.settled.get(year) or year_digests(self.days, self.probed, [year]).get(year, (b"", b""))
            touching = [(day, views) for day, views in self.touching if day.year == year]
            by_day = tuple((day.toordinal(), tuple(v.incident.slug for v in views)) for day, views in touching)
            incidents = {v.incident.slug: v for _, views in touching for v in views}
            # Plain data: marshal's version 2, which writes no references (the same values give the same bytes
            # however they are shared), and faster than a pickle.
            inputs = tuple(incident_inputs(incidents[slug]) for slug in sorted(incidents))
            data = marshal.dumps((*found, by_day), 2) + canonical(inputs)
            digest = self._digests[year] = hashlib.sha256(data).digest()
        return digest


def incident_view(incident: Incident, config: Config, figures: IncidentFigures) -> IncidentView:
    count = len(incident.updates)
    components = {c.id: c for c in config.components}
    started = incident.started.astimezone(config.timezone)
    return IncidentView(
        incident=incident,
        path=f"incidents/{incident.slug}/",
        year=started.year,
        month=started.month,
        phase=figures.phase,
        components=tuple(components[cid] for cid in incident.components),
        duration_seconds=figures.duration_seconds,
        updates=tuple(
            UpdateView(u, f"pembaruan-{count - n}") for n, u in enumerate(incident.updates) if u in figures.updates
        ),
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


def _years(views: tuple[IncidentView, ...], config: Config, today: date) -> tuple[YearView, ...]:
    """Each year from the one the history starts in (or an earlier incident's) to this one, or a later
    maintenance's, newest first."""
    if config.history_start is None:
        raise ValueError("history_start is not resolved yet: see build.resolve_start")
    by_year: dict[int, list[IncidentView]] = defaultdict(list)
    for view in views:
        by_year[view.year].append(view)
    last = max([today.year, *by_year])
    first = min([config.history_start.year, *by_year])
    return tuple(YearView(year, tuple(by_year.get(year, ()))) for year in range(last, first - 1, -1))


def _cell(
    per_day: dict[tuple[str, date], tuple[IncidentView, ...]],
    probed: dict[date, frozenset[str]],
    component_id: str,
    known: dict[date, uptime.DailyUptime],
    day: date,
) -> DayView:
    return _day_view(day, known.get(day), per_day.get((component_id, day), ()), frozenset(probed.get(day, ())))


def _within(days: Sequence[uptime.DailyUptime], start: date, end: date) -> dict[date, uptime.DailyUptime]:
    """The figures of each day from ``start`` to ``end`` among ``days``, which follow each other: only those
    are made (uptime.PackedDays), not fifteen years of them."""
    if not days:
        return {}
    first = days[0].date
    return {day.date: day for day in days[max((start - first).days, 0) : max((end - first).days + 1, 0)]}


def _calendar(
    year: int,
    first: date,
    today: date,
    cell: Callable[[dict[date, uptime.DailyUptime], date], DayView],
    days: Sequence[uptime.DailyUptime],
    months: tuple[sla.Period, ...],
) -> CalendarYear:
    """Twelve month grids of one year; days outside the component's history are left empty."""
    known = _within(days, date(year, 1, 1), date(year, 12, 31))
    periods = {p.label: p for p in months}
    grids = []
    for month in range(1, 13):
        start = date(year, month, 1)
        length = (date(year + month // 12, month % 12 + 1, 1) - start).days
        grid = tuple(
            cell(known, day) if first <= day <= today else None
            for day in (start + timedelta(days=n) for n in range(length))
        )
        grids.append(CalendarMonth(month, start.weekday(), grid, periods.get(f"{year:04d}-{month:02d}")))
    return CalendarYear(year, tuple(grids))
