"""Daily uptime from incident records. Pure: no I/O, no clock.

Times are whole seconds since the epoch and weights are integers per mille, so
the sums are exact and the order of incidents cannot change a result.

For each component and each day in the site time zone:

    uptime = 100 × (1 − weighted_down / (length − maintenance))

An incident weighs by severity (major 1.0, partial 0.3, degraded and notice 0).
Where incidents overlap, the weight at each instant is the maximum, never the
sum. Maintenance windows leave the denominator, and nothing inside them counts
as down. A day spent wholly in maintenance has no uptime (None).

From a component's first probe sample on (its probe era), each sample covers
the time up to the next one, at most ``max_gap``. A down sample weighs 1.0,
degraded and up 0, and the weight at each instant is the larger of the probe's
and the incidents'. Time in the probe era that neither a sample nor an
incident covers is "no data": it leaves the denominator like maintenance. A
false alarm voids probe failures inside its window. So is the time of a site
that writes no history_start and has recorded nothing yet (``unvouched``).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, tzinfo
from itertools import compress, repeat
from operator import add, attrgetter, itemgetter, ne, or_, sub
from typing import NamedTuple, overload

from . import schema
from .model import Incident, ProbeSample, Run
from .times import day_span

WEIGHTS = {"major": 1000, "partial": 300, "degraded": 0, "notice": 0}  # per mille
PROBE_WEIGHTS = {"down": 1000, "degraded": 0, "up": 0}
FULL = 1000
PLACES = 6  # decimals kept in published figures


class Outage(NamedTuple):
    """Time ``[start, end)`` that counts as down with ``weight`` per mille. A named tuple: fifteen years of
    compacted runs are thousands of them a component, made on every build that reads them."""

    start: int
    end: int
    weight: int


class Window(NamedTuple):
    """Time ``[start, end)`` excluded from the figures (maintenance)."""

    start: int
    end: int


class Segment(NamedTuple):
    """A stretch of time with one weight, no longer overlapping any other segment. A named tuple: fifteen years
    of outages make thousands, and the figures kept between builds are put back at C speed (figures.Before)."""

    start: int
    end: int
    weight: int
    maintenance: bool
    no_data: bool = False


@dataclass(frozen=True)
class ProbeRecord:
    """What the probes say about one component: covered spans and false-alarm windows."""

    era_start: int | None  # the first sample; None without samples
    until: int = 0  # now: the probe era runs to here, so uncovered time up to now is no data
    spans: tuple[Outage, ...] = ()  # covered time, weight 1000 where down
    voids: tuple[Window, ...] = ()  # false alarms: probe failures inside count as up


class DailyUptime(NamedTuple):
    """One day's figures. Minutes are exact; ``uptime`` is None when nothing is measurable.

    A named tuple: a site holds one for every component and every day of a history that may be years long.
    """

    date: date
    minutes: float
    downtime_minutes: float
    maintenance_minutes: float
    uptime: float | None
    source: str = "incidents"
    no_data_minutes: float = 0.0


class PackedDays(Sequence[DailyUptime]):
    """Days that follow each other, one a day from the ordinal ``first``, kept as each distinct set of figures
    once (``rows``, a day's figures without its date) and each day's index into them (``picks``). Fifteen years
    of days read alike on most days: a component's are a few kilobytes so, where a DailyUptime for each day would
    be hundreds. A day is made only when it is asked for, by index or slice (a rebuild shows this year's alone);
    ``dates``, when given, are the days' dates from the first, shared with other components.
    """

    __slots__ = ("dates", "first", "picks", "rows")

    def __init__(
        self, first: int, rows: list[tuple[object, ...]], picks: list[int], dates: list[date] | None = None
    ) -> None:
        self.first, self.rows, self.picks = first, rows, picks
        self.dates = dates if dates is not None and len(dates) == len(picks) else None

    @classmethod
    def of(cls, days: Sequence[DailyUptime]) -> PackedDays:
        """``days`` packed; ValueError unless they follow each other."""
        if isinstance(days, PackedDays):
            return days
        first = days[0].date.toordinal() if days else 0
        if days and days[-1].date.toordinal() - first != len(days) - 1:
            raise ValueError("the days follow each other")
        rows: dict[tuple[object, ...], int] = {}
        picks = [rows.setdefault(day[1:], len(rows)) for day in days]
        return cls(first, list(rows), picks, [day.date for day in days])

    def extended(self, later: Sequence[DailyUptime]) -> PackedDays:
        """These days and then ``later``, which follow them."""
        if not self.picks:
            return PackedDays.of(later)
        if later and later[0].date.toordinal() != self.first + len(self.picks):
            raise ValueError("the later days follow these")
        rows = {row: n for n, row in enumerate(self.rows)}
        picks = [rows.setdefault(day[1:], len(rows)) for day in later]
        dates = self.dates + [day.date for day in later] if self.dates is not None else None
        return PackedDays(self.first, list(rows), self.picks + picks, dates)

    def __len__(self) -> int:
        return len(self.picks)

    @overload
    def __getitem__(self, item: int) -> DailyUptime: ...

    @overload
    def __getitem__(self, item: slice) -> list[DailyUptime]: ...

    def __getitem__(self, item: int | slice) -> DailyUptime | list[DailyUptime]:
        if isinstance(item, slice):
            start, stop, step = item.indices(len(self.picks))
            if step != 1:
                return [self._made(n, n + 1)[0] for n in range(start, stop, step)]
            return self._made(start, max(start, stop))
        number = item + len(self.picks) if item < 0 else item
        if not 0 <= number < len(self.picks):
            raise IndexError("no such day")
        return self._made(number, number + 1)[0]

    def __iter__(self) -> Iterator[DailyUptime]:
        return iter(self._made(0, len(self.picks)))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence):
            return NotImplemented
        return len(self) == len(other) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]  # equal to a list of the same days, which has no hash

    def __repr__(self) -> str:
        return f"PackedDays({list(self)!r})"

    def _made(self, start: int, stop: int) -> list[DailyUptime]:
        dates = (
            self.dates[start:stop]
            if self.dates is not None
            else [date.fromordinal(self.first + n) for n in range(start, stop)]
        )
        figures = map(self.rows.__getitem__, self.picks[start:stop])
        return list(map(tuple.__new__, repeat(DailyUptime), map(add, zip(dates), figures)))


def seconds(moment: datetime) -> int:
    """An aware datetime as whole seconds since the epoch."""
    return int(moment.timestamp())


def component_record(
    incidents: Iterable[Incident], component_id: str, now: datetime, sla: bool = False
) -> tuple[list[Outage], list[Window], list[Window]]:
    """The incidents, maintenance windows and false-alarm windows of one component, up to ``now``.

    With ``sla``, external causes do not count: an external incident weighs 0 (it still vouches
    for its time), and probe failures inside its window, a notice's included, are voided like a
    false alarm's.

    An incident covers ``[started, resolved)``; an ongoing one ``[started, now)``.
    A degraded incident weighs 0 but is kept: it vouches for time the probes missed (the
    service was up, only slow). A notice, false alarms included, says nothing of that.
    """
    limit = seconds(now)
    outages: list[Outage] = []
    windows: list[Window] = []
    voids: list[Window] = []
    for incident in incidents:
        if component_id not in incident.components:
            continue
        start = seconds(incident.started)
        end = min(seconds(incident.resolved), limit) if incident.resolved else limit
        if end <= start:
            continue
        external = sla and incident.cause == "external"
        if incident.is_maintenance:
            windows.append(Window(start, end))
        elif incident.severity != "notice":
            outages.append(Outage(start, end, 0 if external else WEIGHTS[incident.severity]))
        if incident.false_alarm or (external and not incident.is_maintenance):
            voids.append(Window(start, end))  # probe failures inside count as up
    return outages, windows, voids


def probe_spans(samples: Sequence[ProbeSample], max_gap: int, now: int) -> list[Outage]:
    """The time each sample covers: up to the next sample, at most ``max_gap``, never past ``now``.

    Neighbouring samples of the same weight that touch are joined into one span. A run of samples in which
    the weight does not change and no sample is more than ``max_gap`` after the one before is one span, from
    the first's time to where the last's cover ends: the runs are found where either changes, compared a
    column at a time at C speed (a month of samples of every component, on every build).
    """
    count = bisect.bisect_left(samples, now, key=itemgetter(0))  # sorted by time; those from now on cover nothing
    if not count:
        return []
    times = list(map(itemgetter(0), samples[:count]))
    levels = list(map(PROBE_WEIGHTS.__getitem__, map(itemgetter(1), samples[:count])))
    after = times[1:]
    changed = map(or_, map(ne, levels, levels[1:]), map(max_gap.__lt__, map(sub, after, times)))
    spans: list[Outage] = []
    first = 0
    for stop in [*compress(range(1, count), changed), count]:
        last = stop - 1
        start, weight = times[first], levels[first]
        end = min(after[last] if stop < count else now, times[last] + max_gap, now)
        if end > start:
            if spans and spans[-1].end == start and spans[-1].weight == weight:
                spans[-1] = Outage(spans[-1].start, end, weight)  # a run between them covered no time
            else:
                spans.append(Outage(start, end, weight))
        first = stop
    return spans


def segments(
    outages: Iterable[Outage], windows: Iterable[Window], probes: ProbeRecord | None = None, since: int | None = None
) -> list[Segment]:
    """Flatten incidents, maintenance and probe coverage into sorted, disjoint segments.

    Inside maintenance nothing counts. Elsewhere the weight is the largest of the
    active incidents and the probe (unless voided by a false alarm). In the probe
    era, time covered by neither is no data. Stretches that are simply up are left out.

    With ``since``, only the segments from that moment on: what the whole would be from there, cut at it
    (joined() puts them after the segments before it).
    """
    incident, maintenance, probe, void, era, covered = 0, 1, 2, 3, 4, 5
    events: list[tuple[int, int, int, int]] = []  # (time, change, kind, weight)
    if since is not None:  # what is active at a moment from ``since`` on is the same with every start cut to it
        outages = [Outage(max(o.start, since), o.end, o.weight) for o in outages if o.end > since]
        windows = [Window(max(w.start, since), w.end) for w in windows if w.end > since]
        if probes is not None:
            spans = tuple(Outage(max(o.start, since), o.end, o.weight) for o in probes.spans if o.end > since)
            voids = tuple(Window(max(w.start, since), w.end) for w in probes.voids if w.end > since)
            probes = replace(probes, spans=spans, voids=voids)
        events.append((since, 0, era, 0))  # the sweep starts there, even with nothing active
    for outage in outages:
        if outage.end > outage.start:
            events += [(outage.start, 1, incident, outage.weight), (outage.end, -1, incident, outage.weight)]
    for window in windows:
        if window.end > window.start:
            events += [(window.start, 1, maintenance, 0), (window.end, -1, maintenance, 0)]
    era_start = probes.era_start if probes else None
    if probes is not None:
        # A probe's spans say two things: where some weight is down, and which time a sample covers (not no
        # data). Years of compacted history are thousands of spans that are simply up, side by side: their
        # time is told as the few stretches they cover together, which is the same to the sweep and a fraction
        # of the events.
        stretches: list[list[int]] = []
        for span in sorted(probes.spans, key=attrgetter("start")):
            if span.end <= span.start:
                continue
            if span.weight > 0:
                events += [(span.start, 1, probe, span.weight), (span.end, -1, probe, span.weight)]
            if stretches and span.start <= stretches[-1][1]:
                stretches[-1][1] = max(stretches[-1][1], span.end)
            else:
                stretches.append([span.start, span.end])
        for start, end in stretches:
            events += [(start, 1, covered, 0), (end, -1, covered, 0)]
        for window in probes.voids:
            events += [(window.start, 1, void, 0), (window.end, -1, void, 0)]
        if era_start is not None:
            events += [(probes.until, 0, era, 0)]
            if since is None or era_start >= since:
                events.append((era_start, 0, era, 0))
    events.sort()
    # What is active, kept so that each stretch is judged in constant time: weight → count for
    # incidents and probes (a weight leaves when its count drops to 0), counts for the rest.
    incidents: dict[int, int] = {}
    probed: dict[int, int] = {}
    maintenance_count = void_count = covered_count = 0
    result: list[Segment] = []
    previous: int | None = None
    index = 0
    total = len(events)
    while index < total:
        moment = events[index][0]
        if previous is not None and moment > previous:
            piece: tuple[int, bool, bool] | None
            if maintenance_count > 0:
                piece = (0, True, False)
            else:
                incident_weight = max(incidents) if incidents else -1
                probe_weight = max(probed) if probed else 0 if covered_count else -1
                if probe_weight > 0 and void_count > 0:
                    probe_weight = 0  # a false alarm: the failure counts as up
                if era_start is not None and previous >= era_start and incident_weight < 0 and probe_weight < 0:
                    piece = (0, False, True)
                else:
                    weight = incident_weight if incident_weight > probe_weight else probe_weight
                    piece = (weight, False, False) if weight > 0 else None
            if piece is not None:
                last = result[-1] if result else None
                if last and last.end == previous and (last.weight, last.maintenance, last.no_data) == piece:
                    result[-1] = Segment(last.start, moment, *piece)
                else:
                    result.append(Segment(previous, moment, *piece))
        while index < total and events[index][0] == moment:
            _, change, kind, weight = events[index]
            if kind in (incident, probe):
                counts = incidents if kind == incident else probed
                left = counts.get(weight, 0) + change
                if left:
                    counts[weight] = left
                else:
                    del counts[weight]
            elif kind == maintenance:
                maintenance_count += change
            elif kind == void:
                void_count += change
            elif kind == covered:
                covered_count += change
            index += 1
        previous = moment
    return result


def before(parts: Sequence[Segment], cut: int) -> list[Segment]:
    """The segments up to ``cut``, the one across it cut there."""
    return [part if part.end <= cut else part._replace(end=cut) for part in parts if part.start < cut]


def joined(earlier: Sequence[Segment], later: Sequence[Segment]) -> list[Segment]:
    """Segments that end by a moment followed by those from it (segments(..., since=...)): where one of each
    meets there alike, they are one, as segments() makes them in one sweep."""
    if earlier and later:
        last, first = earlier[-1], later[0]
        if last.end == first.start and (last.weight, last.maintenance, last.no_data) == (
            first.weight,
            first.maintenance,
            first.no_data,
        ):
            return [*earlier[:-1], last._replace(end=first.end), *later[1:]]
    return [*earlier, *later]


def unvouched(parts: list[Segment], start: int, vouched_from: datetime | None) -> list[Segment]:
    """``parts`` with the time from ``start`` to ``vouched_from`` as no data: no record vouches for it.

    The build sets ``vouched_from`` only for a site that has recorded nothing before it, so no segment
    should start before it; one that did would be cut there, to keep the segments disjoint.
    """
    if vouched_from is None or seconds(vouched_from) <= start:
        return parts
    end = seconds(vouched_from)
    later = [part if part.start >= end else part._replace(start=end) for part in parts if part.end > end]
    return [Segment(start, end, 0, False, True), *later]


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


def daily(
    days: Sequence[tuple[date, int, int]], parts: Sequence[Segment], era_start: int | None = None
) -> list[DailyUptime]:
    """Figures for each window (a day, or any span), from disjoint sorted segments.

    The windows must follow each other in time without overlapping, as days do.

    A window reaching into the probe era (from ``era_start``) has the source "probes".
    """
    result = []
    # The first segment that ends after the first window starts, found by bisection: a window
    # late in a long history (the last year of fifteen) does not walk the years before it.
    first = bisect.bisect_right(parts, days[0][1], key=attrgetter("end")) if days else 0
    whole: dict[tuple[int, str], DailyUptime] = {}  # a day nothing touched, by its length and source
    for day, start, end in days:
        while first < len(parts) and parts[first].end <= start:
            first += 1
        if first == len(parts) or parts[first].start >= end:  # most days: fully up
            source = "probes" if era_start is not None and end > era_start else "incidents"
            clean = whole.get((end - start, source))
            if clean is None:
                clean = whole[(end - start, source)] = figures(day, max(end - start, 0), 0, 0, source)
            result.append(tuple.__new__(DailyUptime, (day, *clean[1:])))
            continue
        down, maintenance, no_data = _sums(parts, first, start, end)
        length = max(end - start, 0)
        source = "probes" if era_start is not None and end > era_start else "incidents"
        result.append(figures(day, length, down, maintenance, source, no_data))
    return result


def sums(parts: Sequence[Segment], start: int, end: int) -> tuple[int, int, int]:
    """What the disjoint sorted segments add up to within ``[start, end)``: down in second-per-mille units, and
    the seconds of maintenance and without data, exactly (what daily() turns into a window's figures)."""
    return _sums(parts, bisect.bisect_right(parts, start, key=attrgetter("end")), start, end)


def _sums(parts: Sequence[Segment], index: int, start: int, end: int) -> tuple[int, int, int]:
    """sums() from ``parts[index]``, the first segment that ends after ``start``."""
    down = maintenance = no_data = 0  # down in second-per-mille units, the others in seconds
    count = len(parts)
    while index < count and parts[index].start < end:
        part = parts[index]
        # min(end, part.end) - max(start, part.start), without the calls: this runs for every segment of every day
        overlap = (end if end < part.end else part.end) - (start if start > part.start else part.start)
        if part.maintenance:
            maintenance += overlap
        elif part.no_data:
            no_data += overlap
        else:
            down += overlap * part.weight
        index += 1
    return down, maintenance, no_data


def figures(
    day: date, length: int, down: int, maintenance: int, source: str = "incidents", no_data: int = 0
) -> DailyUptime:
    """Turn exact sums (seconds; down in second-per-mille) into published figures."""
    measured = length - maintenance - no_data
    uptime = round(100 * (1 - down / (FULL * measured)), PLACES) if measured > 0 else None
    return DailyUptime(
        date=day,
        minutes=round(length / 60, PLACES),
        downtime_minutes=round(down / (FULL * 60), PLACES),
        maintenance_minutes=round(maintenance / 60, PLACES),
        uptime=uptime,
        source=source,
        no_data_minutes=round(no_data / 60, PLACES),
    )


def component_probes(
    samples: Sequence[ProbeSample],
    voids: Sequence[Window],
    max_gap: int,
    now: datetime,
    runs: Sequence[Run] = (),
) -> ProbeRecord:
    """The probe record of one component from its compacted runs and raw samples (each sorted)."""
    limit = seconds(now)
    spans = [Outage(r.start, min(r.end, limit), PROBE_WEIGHTS[r.status]) for r in runs if r.start < limit]
    spans += probe_spans(samples, max_gap, limit)
    starts = [span.start for span in spans[:1]] + [s.time for s in samples[:1] if s.time < limit]
    era = min(starts) if starts else None
    return ProbeRecord(era, limit, tuple(spans), tuple(voids))


def component_segments(
    incidents: Iterable[Incident],
    component_id: str,
    now: datetime,
    samples: Sequence[ProbeSample] = (),
    max_gap: int = schema.MAX_GAP * 60,
    runs: Sequence[Run] = (),
    sla: bool = False,
    probed: ProbeRecord | None = None,
    since: int | None = None,
) -> tuple[list[Segment], int | None]:
    """Disjoint segments of one component and the start of its probe era (``sla``: see component_record).

    ``probed``, the component's probe record made once (component_probes), spares making it again
    from ``samples`` and ``runs`` for the SLA figures; its false alarms are replaced by this record's.
    With ``since``, the segments from that moment on only (see segments).
    """
    outages, windows, voids = component_record(incidents, component_id, now, sla)
    if probed is None:
        probes = component_probes(samples, voids, max_gap, now, runs)
    else:
        probes = replace(probed, voids=tuple(voids))
    return segments(outages, windows, probes, since), probes.era_start


def component_daily(
    incidents: Iterable[Incident],
    component_id: str,
    first: date,
    now: datetime,
    tz: tzinfo,
    samples: Sequence[ProbeSample] = (),
    max_gap: int = schema.MAX_GAP * 60,
) -> list[DailyUptime]:
    """Daily uptime of one component from its first day to the day of ``now``."""
    parts, era_start = component_segments(incidents, component_id, now, samples, max_gap)
    return daily(day_bounds(first, now, tz), parts, era_start)


def overall(days: Iterable[DailyUptime]) -> float | None:
    """Uptime over several days: summed downtime over summed measurable minutes, not a mean of days."""
    down = measured = 0.0
    for day in days:
        down += day.downtime_minutes
        measured += day.minutes - day.maintenance_minutes - day.no_data_minutes
    if measured <= 0:
        return None
    return round(100 * (1 - down / measured), PLACES)
