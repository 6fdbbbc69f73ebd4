"""What the records add up to at ``now``: each component's status, uptime, windows, charts and SLA periods,
and where each incident stands. Numbers and decisions, no words and no pages.

``now`` enters here once, in ``site_figures``; ``views.py`` then only shapes these figures for the
templates. Pure: it reads nothing. With a long probe history the components' figures are worked
out by forked workers (``parallel.mapped``), a share of the components each.
"""

from __future__ import annotations

import bisect
import hashlib
import heapq
import marshal
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from itertools import repeat
from operator import add, attrgetter, itemgetter
from typing import Protocol

from . import charts, parallel, sla, status, uptime, verdict
from .charts import Chart, response_charts
from .model import (
    HOME,
    Component,
    ComponentHistory,
    Config,
    Incident,
    ProbeSample,
    Run,
    Update,
    canonical,
    first_moment,
    place_folder,
)
from .times import local_days, midnight

BAR_DAYS = 90  # days of the status bar and of the daily response-time chart
RECENT_DAYS = 14  # an incident that ended this many days ago is still "recent"
HEAVY_HISTORY = 100_000  # samples and runs in all, from which the components' figures are worth a fork
WINDOWS = (("day", 1), ("week", 7), ("month", 30), ("quarter", 90), ("year", 365))  # message keys, days


@dataclass(frozen=True)
class PlaceFigures:
    """What one place's probes of one component add up to, on their own."""

    vantage: str
    public: bool
    status: str  # its newest sample's status, or "no_data" when stale
    latest: ProbeSample | None
    windows: tuple[tuple[str, float | None], ...]  # as Figures.windows, from this place's samples alone
    days: list[uptime.DailyUptime]  # from the component's first day; empty when it is the only place


@dataclass(frozen=True)
class Figures:
    """What one component's probe history and incidents add up to."""

    status: str  # one of status.STATUSES, at now
    days: Sequence[uptime.DailyUptime]  # from its first day to today (uptime.PackedDays from a worker)
    latest: ProbeSample | None  # the newest sample up to now
    runs_end: int | None  # where the compacted history ends, if it has any
    probed: dict[date, frozenset[str]]  # the probe statuses seen on each day (a few sets, shared by the days)
    windows: tuple[tuple[str, float | None], ...]  # (message key, uptime) for 24 h … all time
    charts: tuple[Chart, ...]
    months: tuple[sla.Period, ...]  # oldest first
    years: tuple[sla.Period, ...]  # oldest first
    # Where several places probe it (or one that is not the home place): each place's own figures, in
    # status.yml's order; the voting places that cannot reach it (a partial outage); those that do not
    # vote for want of a fresh sample; and what an inside place explains (verdict.EXPLANATIONS).
    places: tuple[PlaceFigures, ...] = ()
    down_from: tuple[str, ...] = ()
    stale_places: tuple[str, ...] = ()
    explanation: str | None = None
    bandwidth: tuple[sla.BandwidthMonth, ...] = ()  # each month, for a component whose probe measures it
    # Each year that is over: the digests of its days' figures and of its days' probe statuses (year_digests),
    # which is all that the keys of its settled pages need (views.ComponentView.year_inputs, render.daily_files).
    settled: dict[int, tuple[bytes, bytes]] = field(default_factory=dict)


def year_digests(
    days: Sequence[uptime.DailyUptime], probed: dict[date, frozenset[str]], years: Iterable[int]
) -> dict[int, tuple[bytes, bytes]]:
    """For each of ``years`` in which ``days`` (one a day, from the first) has some: a digest of those days'
    figures (the first day's ordinal, then each figure a column) and a digest of the probe statuses seen on each
    of them (ordinal, statuses sorted). Plain data through marshal's version 2, which writes no references: the
    same values give the same bytes however they are shared, from a history read whole or taken back (Before)."""
    wanted = set(years)
    if not days or not wanted:
        return {}
    first, last = days[0].date, days[-1].date
    statuses: dict[int, list[tuple[int, tuple[str, ...]]]] = defaultdict(list)
    ordered: dict[frozenset[str], tuple[str, ...]] = {}  # the days share a few sets (_shared)
    for day in sorted(day for day in probed if day.year in wanted):
        seen = probed[day]
        names = ordered.get(seen)
        if names is None:
            names = ordered[seen] = tuple(sorted(seen))
        statuses[day.year].append((day.toordinal(), names))
    found = {}
    for year in sorted(wanted):
        if not first.year <= year <= last.year:
            continue
        start = max(date(year, 1, 1), first)
        shown = days[(start - first).days : (date(year + 1, 1, 1) - first).days]
        columns = (start.toordinal(), tuple(zip(*shown, strict=True))[1:])  # each figure a column: at C speed
        found[year] = (
            hashlib.sha256(marshal.dumps(columns, 2)).digest(),
            hashlib.sha256(marshal.dumps(tuple(statuses[year]), 2)).digest(),
        )
    return found


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
    # The day each component only its probes vouch for (Component.probes_only) starts: its first probe's.
    since: dict[str, date] = field(default_factory=dict)
    # What reading each component's history found besides its records, when ``read`` read it (see site_figures).
    found: dict[str, Found] = field(default_factory=dict)
    # The first moment (seconds) of each component's history that ``read`` read: a sample's or a compacted run's.
    firsts: dict[str, int] = field(default_factory=dict)


class Found(Protocol):
    """What reading one component's probe history found besides its records (build.Found): its warnings."""

    @property
    def warnings(self) -> tuple[object, ...]: ...


# Reads one component's probe history, by place folder (model.place_folder), when its figures are worked out,
# and says what else it found; the build's, so that the history is never all in memory at once. With True,
# it may read only the samples of the current month (build.HistoryReader.read with recent).
Read = Callable[[Component, bool], tuple[dict[str, ComponentHistory], Found]]


def site_figures(
    config: Config,
    incidents: list[Incident],
    now: datetime,
    history: dict[str, ComponentHistory] | None = None,
    processes: int = 1,
    vouched_from: datetime | None = None,
    read: Read | None = None,
    heavy: bool = False,
    memo: Memo | None = None,
) -> SiteFigures:
    """Work out every figure at ``now`` from validated records (``incidents`` oldest first).

    ``config.history_start`` must be a date (build.resolve_start). With ``vouched_from``, set for a site
    that has recorded nothing before it, the time of its history before that moment is no data. The probe
    history is ``history`` (by place folder), or, with ``read``, each component's is read as its figures are
    worked out (``history`` then holds the inside places' uplinks only); ``heavy`` says it is long.

    A component only its probes vouch for (Component.probes_only) starts at its first probe sample or run, or
    now without any: ``since`` holds that day, and the time before that moment is no data. ``memo`` keeps
    what each component's history adds up to before the current month from one build to the next (Before).
    """
    history = history or {}
    tz = config.timezone
    newest_first = sorted(incidents, key=lambda i: (i.started, i.slug), reverse=True)
    if config.history_start is None:
        raise ValueError("history_start is not resolved yet: see build.resolve_start")
    first_ever = min([config.history_start, *(config.first_day(c) for c in config.components)])
    bounds = uptime.day_bounds(first_ever, now, tz)  # every component's days are a tail of these
    dates = [day for day, _, _ in bounds]
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
    heavy = heavy or sum(len(h.samples) + len(h.runs) for h in history.values()) >= HEAVY_HISTORY
    uplinks = _uplinks(config, history, now)

    def started(component: Component, first: int | None) -> tuple[Component, datetime | None, date | None]:
        """The component, where its time is vouched for from, and the day it starts when only its probes
        vouch for it, from the first moment of its history."""
        if not component.probes_only:
            return component, vouched_from, None
        probed = datetime.fromtimestamp(first, UTC) if first is not None else now
        since = max(probed.astimezone(tz).date(), component.since or date.min)
        return replace(component, since=since), max(vouched_from or probed, probed), since

    def worked_out(component: Component) -> tuple[Figures, date | None, Found | None, int | None]:
        quick = read is not None and memo is not None and _recent_only(config, component)
        found_quickly = recently(component) if quick else None
        if found_quickly is not None:
            return found_quickly
        folders, found = read(component, False) if read else (history, None)
        records = _records(config, component, folders)
        first = first_moment(records.values())
        component, vouched, since = started(component, first)
        clean = found is not None and not found.warnings
        figures = component_figures(
            component, config, own[component.id], records, now, bounds, vouched, uplinks, memo, clean=clean
        )
        return figures, since, found, first_moment(folders.values())

    def recently(component: Component) -> tuple[Figures, date | None, Found | None, int | None] | None:
        """The figures from the samples of the current month alone, with what the history before it adds up
        to kept by an earlier build (Before.quick), or None where that cannot be."""
        assert read is not None and memo is not None
        stored = memo.stored(component.id)
        first = Before.first_of(stored[1]) if stored is not None else None
        if stored is None or first is None:
            return None
        folders, found = read(component, True)
        records = _records(config, component, folders)
        recorded = records.get(HOME.id) or next(iter(records.values()), ComponentHistory())
        cut = _recent_cut(recorded, now)
        if cut is None or not recorded.sources:
            return None
        component, vouched, since = started(component, first)
        first_day = config.first_day(component)
        key = _before_key(memo, component, config, own[component.id], recorded, cut, first_day, vouched)
        skipped = (first_day - bounds[0][0]).days if bounds else 0
        kept = Before.of(stored[1], dates[skipped:]) if stored[0] == key else None
        if kept is None or not kept.quick or kept.cut != cut:
            return None
        figures = component_figures(
            component, config, own[component.id], records, now, bounds, vouched, uplinks, memo, before=kept
        )
        return figures, since, found, first

    if heavy and processes > 1:
        # What a worker sends back is pickled, and fifteen years of days are most of it: they go packed, and
        # come back sharing this process's dates (bounds) and figures.
        sent = parallel.mapped(lambda c: _Packed.of(*worked_out(c)), list(config.components), processes)
        every = [packed.unpacked(dates) for packed in sent]
    else:
        every = [worked_out(component) for component in config.components]
    components = {c.id: figures for c, (figures, _, _, _) in zip(config.components, every, strict=True)}
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
            i.slug for i in newest_first if phases[i.slug].phase in status.ENDED and (i.resolved or now) >= recent_since
        ),
        touching=_touching(reversed(newest_first), now, tz, first_ever),
        excused={c.id: _excused(c.id, by_start[c.id], components[c.id].months, now, tz) for c in config.components},
        since={c.id: since for c, (_, since, _, _) in zip(config.components, every, strict=True) if since is not None},
        found={c.id: found for c, (_, _, found, _) in zip(config.components, every, strict=True) if found is not None},
        firsts={
            c.id: first
            for c, (_, _, found, first) in zip(config.components, every, strict=True)
            if found is not None and first is not None
        },
    )


@dataclass(frozen=True)
class _Packed:
    """One component's figures as a worker sends them back (site_figures): its days as the ordinal of the
    first, each distinct set of day figures once and each day's index into them; the days' probe statuses
    likewise. Pickled, that is a few kilobytes where fifteen years of days, a date and six numbers each, are
    hundreds."""

    figures: Figures  # without its days and probe statuses
    since: date | None
    found: Found | None
    began: int | None  # the first moment of its history
    first: int
    rows: list[tuple[object, ...]]
    picks: list[int]  # as uptime.PackedDays keeps them
    probed_days: list[int]
    sets: list[frozenset[str]]
    probed_index: list[int]

    @classmethod
    def of(cls, figures: Figures, since: date | None, found: Found | None, began: int | None) -> _Packed:
        days = uptime.PackedDays.of(figures.days)  # as uptime.daily makes them, or as Before keeps them
        sets: dict[frozenset[str], int] = {}
        probed_index = [sets.setdefault(seen, len(sets)) for seen in figures.probed.values()]
        return cls(
            replace(figures, days=[], probed={}),
            since,
            found,
            began,
            days.first,
            days.rows,
            days.picks,
            [day.toordinal() for day in figures.probed],
            list(sets),
            probed_index,
        )

    def unpacked(self, dates: list[date]) -> tuple[Figures, date | None, Found | None, int | None]:
        """The figures as they were made, their days dated from ``dates`` (the site's, each day once) and left
        packed: a day is made when a page asks for it."""
        offset = self.first - dates[0].toordinal() if dates else 0
        shown = dates[offset : offset + len(self.picks)] if offset >= 0 else None
        days = uptime.PackedDays(self.first, self.rows, self.picks, shown)
        start = dates[0].toordinal() if dates else 0
        known = [dates[n - start] if 0 <= n - start < len(dates) else date.fromordinal(n) for n in self.probed_days]
        probed = dict(zip(known, map(self.sets.__getitem__, self.probed_index), strict=True))
        return replace(self.figures, days=days, probed=probed), self.since, self.found, self.began


def _records(config: Config, component: Component, history: dict[str, ComponentHistory]) -> dict[str, ComponentHistory]:
    """The probe history of one component by place: each place that probes it, and the home place's folder,
    where the history always was, even when it no longer probes it."""
    found = {v.id: history.get(place_folder(component.id, v.id), ComponentHistory()) for v in config.places(component)}
    if HOME.id not in found and component.id in history:
        found[HOME.id] = history[component.id]
    return found


def _uplinks(config: Config, history: dict[str, ComponentHistory], now: datetime) -> dict[str, verdict.Reading]:
    """Each inside place's reading of its uplink component at ``now``."""
    found = {}
    for vantage in config.vantages:
        if vantage.uplink is not None:
            recorded = history.get(place_folder(vantage.uplink, vantage.id), ComponentHistory())
            latest = _newest(recorded.samples, now)
            found[vantage.id] = verdict.reading(vantage.id, False, latest, uptime.seconds(now), config.stale_after)
    return found


def _newest(samples: tuple[ProbeSample, ...] | list[ProbeSample], now: datetime) -> ProbeSample | None:
    """The newest of ``samples`` (sorted by time) up to ``now``."""
    index = bisect.bisect_right(samples, now.timestamp(), key=attrgetter("time"))
    return samples[index - 1] if index else None


def component_figures(
    component: Component,
    config: Config,
    own: list[Incident],
    records: dict[str, ComponentHistory] | ComponentHistory,
    now: datetime,
    bounds: list[tuple[date, int, int]],
    vouched_from: datetime | None = None,
    uplinks: dict[str, verdict.Reading] | None = None,
    memo: Memo | None = None,
    clean: bool = False,
    before: Before | None = None,
) -> Figures:
    """The figures of one component from its incidents (``own``) and probe history by place (``records``; one
    history alone is the home place's).

    ``bounds`` are the days of the whole site's history (uptime.day_bounds); the component's are a tail of them.
    Time of its history before ``vouched_from``, before which nothing is recorded, is no data. ``uplinks``:
    each inside place's reading of its uplink (see _uplinks). ``memo`` keeps what the history adds up to before
    the current month from one build to the next (see Before); ``clean``: the history was read whole and nothing
    in it was amiss, so that what is kept may serve a reading of the current month alone. With ``before`` (kept
    from such a reading), ``records`` holds the samples of the current month alone.
    """
    tz = config.timezone
    if isinstance(records, ComponentHistory):
        records = {HOME.id: records}
    places = config.places(component)
    voting = [v.id for v in places if v.public] or [v.id for v in places]
    if HOME.id in records and HOME.id not in voting:
        voting.append(HOME.id)  # the history kept where it always was still counts
    series = [records.get(vid, ComponentHistory()) for vid in voting] or [ComponentHistory()]
    if before is not None:
        series = [before.joined(series[0])]
    recorded = series[0]
    mine = recorded.samples if len(series) == 1 else list(heapq.merge(*(h.samples for h in series), key=_time))
    first = config.first_day(component)
    origin = uptime.seconds(midnight(first, tz))
    skipped = (first - bounds[0][0]).days if bounds else 0
    external = any(incident.cause == "external" for incident in own)
    # What the history adds up to before the month of its newest sample was worked out by an earlier build
    # (memo): only the time since is worked out again, and joined to it (Before).
    cut: int | None
    kept: Before | None
    if before is not None:
        cut, key, kept = before.cut, "", before
    else:
        cut = _cut(recorded, now, vouched_from) if memo is not None and len(series) == 1 else None
        key = _before_key(memo, component, config, own, recorded, cut, first, vouched_from) if memo and cut else ""
        kept = None
        if memo is not None and key:
            kept = Before.of(memo.get(component.id, key), [day for day, _, _ in bounds[skipped:]])
    before_cut = bisect.bisect_left(recorded.samples, cut, key=attrgetter("time")) if cut is not None else 0
    if kept is not None and cut is not None:
        runs = recorded.runs[bisect.bisect_right(recorded.runs, cut, key=attrgetter("end")) :]
        # The last sample before the cut covers time after it, up to the next one: it is read with them.
        later_samples = recorded.samples[max(before_cut - 1, 0) :]
        since = uptime.component_probes(later_samples, (), config.max_gap, now, runs)
        probed_record = replace(since, era_start=kept.began)
        later, era_start = uptime.component_segments(own, component.id, now, probed=probed_record, since=cut)
        parts = uptime.joined(kept.parts, later)
        if external:
            later, _ = uptime.component_segments(own, component.id, now, sla=True, probed=probed_record, since=cut)
            sla_parts = uptime.joined(kept.sla_parts, later)
    else:
        each = [uptime.component_probes(h.samples, (), config.max_gap, now, h.runs) for h in series]
        probed_record = each[0] if len(each) == 1 else _combined(each, now)
        parts, era_start = uptime.component_segments(own, component.id, now, probed=probed_record)
        parts = uptime.unvouched(parts, origin, vouched_from)
        if external:
            sla_parts, _ = uptime.component_segments(own, component.id, now, sla=True, probed=probed_record)
            sla_parts = uptime.unvouched(sla_parts, origin, vouched_from)
    if not external:
        sla_parts = parts  # only external causes make the SLA figure differ
    past = mine[: bisect.bisect_right(mine, now.timestamp(), key=attrgetter("time"))]  # sorted by time
    probed: dict[date, set[str]] = defaultdict(set)
    for day, status_seen in kept.sampled if kept is not None else ():  # the days of the samples before the cut
        probed[day].add(status_seen)
    counted = past[before_cut:] if kept is not None else past
    moments, statuses = list(map(attrgetter("time"), counted)), list(map(attrgetter("status"), counted))
    for day, start, end in local_days(moments, tz):
        probed[day].update(statuses[start:end])
    # A compacted month keeps its samples as runs of one status: a day a run of failures touched is marked as
    # a day whose failed samples are (else fifteen years of compacted outages would read as normal days).
    marked = kept.marked if kept is not None else _marked((run for h in series for run in h.runs), tz)
    for day, status_seen in marked:
        probed[day].add(status_seen)
    target = config.target(component)
    month_spans, year_spans = sla.months(first, now, tz), sla.years(first, now, tz)
    seen_on = _shared(probed)
    over = range(first.year, now.astimezone(tz).year)  # the years that are over
    if kept is not None:
        days: Sequence[uptime.DailyUptime] = kept.days.extended(
            uptime.daily(bounds[skipped + len(kept.days) :], parts, era_start)
        )
        months = [*kept.months, *sla.periods(month_spans[len(kept.months) :], parts, sla_parts, era_start, target)]
        years = [*kept.years, *sla.periods(year_spans[len(kept.years) :], parts, sla_parts, era_start, target)]
        settled = {**kept.settled, **year_digests(days, seen_on, [y for y in over if y not in kept.settled])}
    else:
        days = uptime.daily(bounds[skipped:], parts, era_start)
        months = sla.periods(month_spans, parts, sla_parts, era_start, target)
        years = sla.periods(year_spans, parts, sla_parts, era_start, target)
        settled = year_digests(days, seen_on, over)
        if memo is not None and key and cut is not None:
            ended = bisect.bisect_right(bounds, cut, lo=skipped, key=itemgetter(2)) - skipped  # days over by the cut
            sampled = [
                (day, seen)
                for day, start, end in local_days(moments[:before_cut], tz)
                for seen in dict.fromkeys(statuses[start:end])
            ]
            over_months = [period for period, span in zip(months, month_spans, strict=True) if span[3] <= cut]
            over_years = [period for period, span in zip(years, year_spans, strict=True) if span[3] <= cut]
            # A year whose last day is over by the cut has all its days and probe statuses kept.
            last_over = days[ended - 1].date if ended else date.min
            runs_after = bool(recorded.runs) and recorded.runs[-1].end > cut  # in order (read_folder)
            answered = bool(recorded.runs) or any(sample.http_status != 404 for sample in past[:before_cut])
            reading = Reading(
                began=first_moment([recorded]) or 0,
                runs_end=recorded.runs[-1].end if recorded.runs else None,
                last=past[before_cut - 1] if before_cut else None,
                chart=charts.settled(past, tz, cut),
                quick=clean and answered and not runs_after,
                totals=uptime.sums(parts, origin, cut),
                settled={year: found for year, found in settled.items() if date(year, 12, 31) <= last_over},
            )
            made = Before.made(cut, parts, sla_parts if external else None, days[:ended], marked, sampled,
                               over_months, over_years, reading)  # fmt: skip
            memo.put(component.id, key, made)
    latest = past[-1] if past else None
    limit = uptime.seconds(now)
    readings = [
        verdict.reading(v.id, v.public, _newest(records.get(v.id, ComponentHistory()).samples, now), limit,
                        config.stale_after)
        for v in places
    ]  # fmt: skip
    said = verdict.verdict(readings, uplinks) if places else None
    shown = len(places) > 1 or any(v.id != HOME.id for v in places)
    runs_end = before.runs_end if before is not None else max((h.runs[-1].end for h in series if h.runs), default=None)
    return Figures(
        status=status.component_status(
            component.id,
            own,
            now,
            latest,
            component.probe is not None,
            config.stale_after,
            said.status if said is not None else None,
        ),
        days=days,
        latest=latest,
        runs_end=runs_end,
        probed=seen_on,
        windows=_windows(parts, era_start, first, now, tz, (kept.cut, kept.totals) if kept is not None else None),
        charts=response_charts(past[before_cut:], now, tz, BAR_DAYS, kept.chart)
        if kept is not None
        else response_charts(past, now, tz, BAR_DAYS),
        months=tuple(months),
        years=tuple(years),
        places=_places(readings, records, component, config, own, now, bounds[skipped:], vouched_from) if shown else (),
        down_from=said.down_from if said else (),
        stale_places=said.stale if said and shown else (),
        explanation=said.explanation if said else None,
        bandwidth=_bandwidth(component, records, first, now, tz),
        settled=settled,
    )


class Memo(Protocol):
    """Where what a component's history adds up to before the current month is kept between builds
    (cache.FiguresCache): plain data by component and key, which a different key never returns."""

    salt: bytes  # what else the figures depend on: the code that works them out

    def get(self, component_id: str, key: str) -> object | None: ...

    def stored(self, component_id: str) -> tuple[str, object] | None: ...

    def put(self, component_id: str, key: str, value: object) -> None: ...


@dataclass(frozen=True)
class Reading:
    """What else Before keeps of the history before its cut, so that a build may read the current month alone
    (build.HistoryReader.read with recent): where the history starts, where its compacted runs end, its last
    sample before the cut, and what the response-time chart draws of the days before it. ``quick``: whether it
    may serve so, made from a whole reading in which nothing was amiss (no warning, no run after the cut, not a
    history of nothing but 404s), whose files the key covers."""

    began: int
    runs_end: int | None
    last: ProbeSample | None
    chart: charts.Settled
    quick: bool
    totals: tuple[int, int, int]  # what the segments add up to from the first day to the cut (uptime.sums)
    settled: dict[int, tuple[bytes, bytes]]  # the year_digests of each year whose days are over by the cut

    def plain(self) -> tuple[object, ...]:
        days = sorted(self.chart.days.items())
        return (
            self.began,  # first: Before.first_of reads it alone
            self.totals,
            self.runs_end,
            tuple(self.last) if self.last is not None else None,
            self.chart.cut,
            [day.toordinal() for day, _ in days],
            [figures for _, figures in days],
            self.chart.tail,
            self.quick,
            tuple((year, *found) for year, found in sorted(self.settled.items())),
        )

    @classmethod
    def of(cls, value: object) -> Reading:
        """Back from ``plain``; raises TypeError or ValueError for anything else."""
        if not isinstance(value, tuple) or len(value) != 10:
            raise ValueError("not a reading")
        began, totals, runs_end, last, cut, ordinals, figures, tail, quick, settled = value
        down, maintenance, no_data = totals
        if len(ordinals) != len(figures) or not isinstance(began, int):
            raise ValueError("days and figures differ in number")
        days = {date.fromordinal(n): (int(mid), int(p95)) for n, (mid, p95) in zip(ordinals, figures, strict=True)}
        chart = charts.Settled(int(cut), days, [(int(moment), int(ms)) for moment, ms in tail])
        last_sample = ProbeSample(*last) if last is not None else None
        digests = {int(year): (bytes(days), bytes(seen)) for year, days, seen in settled}
        totaled = (int(down), int(maintenance), int(no_data))
        return cls(began, runs_end, last_sample, chart, bool(quick), totaled, digests)


@dataclass(frozen=True)
class Before:
    """What one component's history adds up to before ``cut``, where the month of its newest sample starts
    (_cut): its compacted runs and the raw months that are over. Its segments up to then (uptime.before), with
    those of its SLA figure where an external incident makes them differ; its days that end by then; the days
    its runs of failures mark; each day of its samples before then with the statuses seen; and the figures of
    its months and years that end by then.

    A probe run adds to the current month only, so the next build takes these as they were, works out the
    segments from ``cut`` on alone (uptime.segments with since) and joins them: the same figures, without
    going over fifteen years of runs and months of samples again. The key (_before_key) holds everything they
    are made from; a new month moves the cut, and they are made again once.
    """

    cut: int
    parts: list[uptime.Segment]
    sla_parts: list[uptime.Segment]
    days: uptime.PackedDays
    marked: list[tuple[date, str]]
    sampled: list[tuple[date, str]]  # each day of the samples before the cut with each status, as first seen
    months: list[sla.Period]
    years: list[sla.Period]
    reading: Reading

    @property
    def began(self) -> int:
        return self.reading.began

    @property
    def runs_end(self) -> int | None:
        return self.reading.runs_end

    @property
    def chart(self) -> charts.Settled:
        return self.reading.chart

    @property
    def quick(self) -> bool:
        return self.reading.quick

    @property
    def totals(self) -> tuple[int, int, int]:
        return self.reading.totals

    @property
    def settled(self) -> dict[int, tuple[bytes, bytes]]:
        return self.reading.settled

    def joined(self, recent: ComponentHistory) -> ComponentHistory:
        """The samples of the current month (``recent``, read alone), after the last sample before the cut."""
        last = () if self.reading.last is None else (self.reading.last,)
        return replace(recent, samples=(*last, *recent.samples))

    @staticmethod
    def first_of(value: object) -> int | None:
        """Where the history of what ``made`` gave starts (seconds), without taking the rest back; None for
        anything else."""
        if isinstance(value, tuple) and len(value) == 9 and isinstance(value[8], tuple) and value[8]:
            first = value[8][0]
            return first if isinstance(first, int) else None
        return None

    @staticmethod
    def made(
        cut: int,
        parts: list[uptime.Segment],
        sla_parts: list[uptime.Segment] | None,
        ended: list[uptime.DailyUptime],
        marked: list[tuple[date, str]],
        sampled: list[tuple[date, str]],
        months: list[sla.Period],
        years: list[sla.Period],
        reading: Reading,
    ) -> object:
        """The plain data a Memo keeps (tuples, numbers and text; days as ordinals), from the segments, the days
        that end by ``cut``, the days marked and the periods that end by ``cut``.

        Most days read alike (up all day): the days are kept as the first day's ordinal, each distinct set of
        figures once, and each day's index into them."""

        def plain(found: list[uptime.Segment]) -> list[tuple[int, int, int, bool, bool]]:
            return [(p.start, p.end, p.weight, p.maintenance, p.no_data) for p in uptime.before(found, cut)]

        def dated(found: list[tuple[date, str]]) -> tuple[list[int], list[str]]:
            return [day.toordinal() for day, _ in found], [status_seen for _, status_seen in found]

        def periods(found: list[sla.Period]) -> list[tuple[object, ...]]:
            return [(p.label, p.start.toordinal(), *_period_figures(p)) for p in found]

        alike: dict[tuple[object, ...], int] = {}
        index = [alike.setdefault(tuple(day[1:]), len(alike)) for day in ended]
        return (
            cut,
            plain(parts),
            plain(sla_parts) if sla_parts is not None else None,
            (ended[0].date.toordinal() if ended else 0, list(alike), index),
            dated(marked),
            dated(sampled),
            periods(months),
            periods(years),
            reading.plain(),
        )

    @classmethod
    def of(cls, value: object, dates: list[date]) -> Before | None:
        """Back from what ``made`` gave, for a component whose days are ``dates`` (those of uptime.day_bounds);
        None for anything else (an entry of another version, or of other days).

        The days are kept packed (uptime.PackedDays), dated from ``dates`` as uptime.daily dates them; the days
        its runs and samples mark take their dates from there too."""
        if not isinstance(value, tuple) or len(value) != 9:
            return None
        try:
            first, alike, index = value[3]
            if len(index) > len(dates) or (index and first != dates[0].toordinal()):
                return None
            rows = [tuple(row) for row in alike]
            if any(not 0 <= n < len(rows) for n in (min(index, default=0), max(index, default=0))):
                return None
            days = uptime.PackedDays(first, rows, list(index), dates[: len(index)])
            segments = _segments(value[1])
            return cls(
                int(value[0]),
                segments,
                _segments(value[2]) if value[2] is not None else segments,
                days,
                _undated(value[4], dates),
                _undated(value[5], dates),
                [_period(row) for row in value[6]],
                [_period(row) for row in value[7]],
                Reading.of(value[8]),
            )
        except (TypeError, ValueError, IndexError):
            return None


def _segments(found: list[tuple[int, int, int, bool, bool]]) -> list[uptime.Segment]:
    """Segments back from their plain tuples, at C speed: fifteen years of outages are thousands of them."""
    if set(map(len, found)) - {len(uptime.Segment._fields)}:
        raise ValueError("a segment of another shape")
    return list(map(tuple.__new__, repeat(uptime.Segment), found))


def _period_figures(period: sla.Period) -> tuple[object, ...]:
    """A period's figures after its label and first day, in the order of its fields."""
    return tuple(getattr(period, name.name) for name in fields(sla.Period)[2:])


def _period(row: tuple[object, ...]) -> sla.Period:
    label, ordinal, *rest = row
    if not isinstance(ordinal, int):
        raise TypeError("a period's first day is an ordinal")
    return sla.Period(str(label), date.fromordinal(ordinal), *rest)  # type: ignore[arg-type]  # plain data


def _undated(found: tuple[list[int], list[str]], dates: list[date]) -> list[tuple[date, str]]:
    """Days and statuses back from ordinals, each day the date of ``dates`` (which follow each other) where it
    has one: shared, not made again."""
    ordinals, statuses = found
    if len(ordinals) != len(statuses):
        raise ValueError("days and statuses differ in number")
    base = dates[0].toordinal() if dates else 0
    inside = bool(ordinals) and base <= min(ordinals) and max(ordinals) < base + len(dates)
    days = [dates[n - base] for n in ordinals] if inside else list(map(date.fromordinal, ordinals))
    return list(zip(days, map(str, statuses), strict=True))


def _shared(probed: dict[date, set[str]]) -> dict[date, frozenset[str]]:
    """Each day's probe statuses as one of the few sets they make: fifteen years of days, one set each, would
    cost more memory than all their other figures."""
    alike: dict[frozenset[str], frozenset[str]] = {}
    shared = {}
    for day, found in probed.items():
        seen = frozenset(found)
        shared[day] = alike.setdefault(seen, seen)
    return shared


def _cut(recorded: ComponentHistory, now: datetime, vouched_from: datetime | None) -> int | None:
    """Where the month of a component's newest sample starts (UTC), or its compacted history ends when it has
    no sample: what is before it does not change when a probe run adds a sample (see Before). None with
    nothing before it, with a clock before it, or with time not vouched for after it."""
    limit = uptime.seconds(now)
    cut = _recent_cut(recorded, now)
    if cut is None and recorded.runs:
        cut = recorded.runs[-1].end
    if cut is None:
        return None
    first = first_moment([recorded])
    if first is None or first >= cut:
        return None
    if vouched_from is not None and uptime.seconds(vouched_from) > cut:
        return None
    return cut if cut < limit else None


def _recent_cut(recorded: ComponentHistory, now: datetime) -> int | None:
    """Where the month of the newest sample by ``now`` starts (UTC seconds), or None without one."""
    newest = bisect.bisect_right(recorded.samples, uptime.seconds(now), key=attrgetter("time"))
    if not newest:
        return None
    moment = datetime.fromtimestamp(recorded.samples[newest - 1].time, UTC)
    return uptime.seconds(moment.replace(day=1, hour=0, minute=0, second=0))


def _recent_only(config: Config, component: Component) -> bool:
    """Whether the figures of ``component`` may be worked out from its current month read alone (see Before):
    one folder of history, probed from home alone, so that no other place's figures are shown."""
    places = config.places(component)
    return len(config.folders(component)) == 1 and all(v.id == HOME.id for v in places)


def _marked(runs: Iterable[Run], tz: tzinfo) -> list[tuple[date, str]]:
    """Each day a run of failures touched, with its status, in the order of the runs."""
    found = []
    for run in runs:
        if run.status == "up":
            continue
        day, last = (datetime.fromtimestamp(moment, tz).date() for moment in (run.start, max(run.start, run.end - 1)))
        while day <= last:
            found.append((day, run.status))
            day += timedelta(days=1)
    return found


def _before_key(
    memo: Memo,
    component: Component,
    config: Config,
    own: list[Incident],
    recorded: ComponentHistory,
    cut: int | None,
    first: date,
    vouched_from: datetime | None,
) -> str:
    """A digest of everything Before is made from: the code, the component as configured, the site's zone,
    gap and target, its first day, the cut, where its time is vouched for from, its incidents, its runs and its
    samples before the cut.

    The runs and samples are those of the files they were read from when the history says which
    (ComponentHistory.sources): the runs' files and each month's file that ends by the cut, whose samples are
    all before it. Digests of a few files cost far less than going over months of samples."""
    digest = hashlib.sha256(memo.salt)
    vouched = uptime.seconds(vouched_from) if vouched_from is not None else None
    settings = (component, config.timezone.key, config.max_gap, config.target(component), first, cut, vouched, own)
    digest.update(canonical(settings))
    if recorded.sources and cut is not None:
        digest.update(b"files\0")
        for name, found in recorded.sources:
            ends = _month_end(name)
            if ends is None or ends <= cut:
                digest.update(name.encode() + b"\0" + found)
        return digest.hexdigest()
    digest.update(marshal.dumps(tuple(zip(*recorded.runs, strict=True))))
    before = bisect.bisect_left(recorded.samples, cut, key=attrgetter("time")) if cut is not None else 0
    digest.update(marshal.dumps(tuple(zip(*recorded.samples[:before], strict=True))))  # the months that are over
    return digest.hexdigest()


def _month_end(name: str) -> int | None:
    """Where the month of a month's file ("2026-11.csv") ends (UTC seconds); None for any other file."""
    try:
        start = datetime.strptime(name.removesuffix(".csv"), "%Y-%m").replace(tzinfo=UTC)
    except ValueError:
        return None
    return uptime.seconds(start.replace(year=start.year + start.month // 12, month=start.month % 12 + 1))


def _time(sample: ProbeSample) -> int:
    return sample.time


def _combined(each: list[uptime.ProbeRecord], now: datetime) -> uptime.ProbeRecord:
    """One probe record from several places' (verdict.combined_spans)."""
    eras = [record.era_start for record in each if record.era_start is not None]
    spans = verdict.combined_spans([record.spans for record in each])
    return uptime.ProbeRecord(min(eras) if eras else None, uptime.seconds(now), tuple(spans))


def _places(
    readings: list[verdict.Reading],
    records: dict[str, ComponentHistory],
    component: Component,
    config: Config,
    own: list[Incident],
    now: datetime,
    days: list[tuple[date, int, int]],
    vouched_from: datetime | None,
) -> tuple[PlaceFigures, ...]:
    """Each place's own figures, with its days only when there are several places."""
    return tuple(
        _place(r, records.get(r.vantage, ComponentHistory()), component, config, own, now, days, vouched_from,
               len(readings) > 1)
        for r in readings
    )  # fmt: skip


def _place(
    reading: verdict.Reading,
    recorded: ComponentHistory,
    component: Component,
    config: Config,
    own: list[Incident],
    now: datetime,
    days: list[tuple[date, int, int]],
    vouched_from: datetime | None,
    daily: bool,
) -> PlaceFigures:
    """One place's own figures: its samples alone, with the component's incidents (maintenance, false alarms)."""
    tz = config.timezone
    first = config.first_day(component)
    record = uptime.component_probes(recorded.samples, (), config.max_gap, now, recorded.runs)
    parts, era_start = uptime.component_segments(own, component.id, now, probed=record)
    parts = uptime.unvouched(parts, uptime.seconds(midnight(first, tz)), vouched_from)
    return PlaceFigures(
        vantage=reading.vantage,
        public=reading.public,
        status=reading.status,
        latest=reading.latest,
        windows=_windows(parts, era_start, first, now, tz),
        days=uptime.daily(days, parts, era_start) if daily else [],
    )


def _bandwidth(
    component: Component, records: dict[str, ComponentHistory], first: date, now: datetime, tz: tzinfo
) -> tuple[sla.BandwidthMonth, ...]:
    """The monthly throughput of a component whose probe measures it, from every place that did."""
    if component.probe is None or component.probe.bandwidth is None:
        return ()
    measured = sorted((m for h in records.values() for m in h.bandwidth), key=attrgetter("time"))
    months = sla.months(first, now, tz)
    return tuple(sla.bandwidth_months(months, measured, component.probe.bandwidth.target_mbps))


def incident_figures(incident: Incident, now: datetime) -> IncidentFigures:
    phase = status.phase(incident, now)
    end = incident.resolved if incident.resolved and incident.resolved <= now else now
    duration = int((end - incident.started).total_seconds()) if incident.started <= now else None
    if incident.is_maintenance and phase == "scheduled" and incident.resolved:
        duration = int((incident.resolved - incident.started).total_seconds())  # the planned length
    return IncidentFigures(phase, duration, tuple(u for u in incident.updates if u.at <= now))


def _windows(
    parts: list[uptime.Segment],
    era_start: int | None,
    first: date,
    now: datetime,
    tz: tzinfo,
    before: tuple[int, tuple[int, int, int]] | None = None,
) -> tuple[tuple[str, float | None], ...]:
    """Uptime over the last 24 hours, 7, 30 and 90 days, a year, and all time, each ending at now. ``before``:
    a moment and what the segments add up to from the first day to it (uptime.sums; Before.totals), so that
    all time walks only the segments after it."""
    end = uptime.seconds(now)
    origin = uptime.seconds(midnight(first, tz))
    spans = [(label, max(end - days * 86400, origin)) for label, days in WINDOWS]
    # One window at a time: daily() walks windows that follow each other, and these overlap.
    found = [(label, uptime.daily([(first, start, end)], parts, era_start)[0].uptime) for label, start in spans]
    if before is None or not origin <= before[0] <= end:
        return (*found, ("all", uptime.daily([(first, origin, end)], parts, era_start)[0].uptime))
    cut, kept = before
    down, maintenance, no_data = map(add, kept, uptime.sums(parts, cut, end))
    source = "probes" if era_start is not None and end > era_start else "incidents"
    return (*found, ("all", uptime.figures(first, max(end - origin, 0), down, maintenance, source, no_data).uptime))


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
