"""Invariants of the uptime math, checked on generated incidents."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statusgen import uptime
from statusgen.charts import response_charts, settled
from statusgen.model import Incident, ProbeSample
from statusgen.uptime import WEIGHTS, Outage, ProbeRecord, Window, component_daily, segments

WITA = ZoneInfo("Asia/Makassar")
FIRST = date(2020, 2, 27)  # the window crosses a leap day
NOW = datetime(2020, 3, 4, 15, 20, tzinfo=WITA)
START = datetime(2020, 2, 26, 12, 0, tzinfo=WITA)  # incidents may begin before the first day
SPAN_MINUTES = int((NOW - START).total_seconds() // 60) + 600  # and may end after now


@st.composite
def incidents(
    draw: st.DrawFn, severities: tuple[str, ...] = ("major", "partial", "degraded", "notice", "maintenance")
) -> Incident:
    start = START + timedelta(minutes=draw(st.integers(0, SPAN_MINUTES)))
    length = draw(st.integers(0, 3 * 24 * 60))
    severity = draw(st.sampled_from(severities))
    ongoing = severity != "maintenance" and draw(st.booleans())
    return Incident(
        slug=f"i{draw(st.integers(0, 10**6))}",
        title="t",
        components=("spse",),
        severity=severity,
        cause="internal",
        started=start,
        resolved=None if ongoing else start + timedelta(minutes=length),
        updates=(),
        body="",
    )


def daily(items: list[Incident], tz: ZoneInfo = WITA, first: date = FIRST, now: datetime = NOW):
    return component_daily(items, "spse", first, now, tz)


def total_down(items: list[Incident], tz: ZoneInfo = WITA) -> float:
    return sum(d.downtime_minutes for d in daily(items, tz))


@settings(max_examples=150, deadline=None)
@given(st.lists(incidents(), max_size=8))
def test_uptime_stays_between_0_and_100(items: list[Incident]) -> None:
    for day in daily(items):
        assert day.uptime is None or 0.0 <= day.uptime <= 100.0
        assert 0.0 <= day.maintenance_minutes <= day.minutes
        assert 0.0 <= day.downtime_minutes <= day.minutes - day.maintenance_minutes + 1e-6


@settings(max_examples=150, deadline=None)
@given(incidents(("major", "partial")), st.data())
def test_splitting_an_incident_in_two_adjacent_halves_changes_nothing(whole: Incident, data: st.DataObject) -> None:
    end = whole.resolved or NOW
    if end - whole.started < timedelta(minutes=2):
        return
    cut_minutes = data.draw(st.integers(1, int((end - whole.started).total_seconds() // 60) - 1))
    cut = whole.started + timedelta(minutes=cut_minutes)
    first = Incident(**{**whole.__dict__, "slug": "a", "resolved": cut})
    second = Incident(**{**whole.__dict__, "slug": "b", "started": cut})
    assert daily([first, second]) == daily([whole])


@settings(max_examples=150, deadline=None)
@given(st.lists(incidents(), min_size=1, max_size=6))
def test_repeating_incidents_never_counts_them_twice(items: list[Incident]) -> None:
    assert daily(items + items) == daily(items)


@settings(max_examples=150, deadline=None)
@given(st.lists(incidents(), max_size=6), st.randoms())
def test_the_order_of_incidents_does_not_matter(items: list[Incident], rng) -> None:
    shuffled = list(items)
    rng.shuffle(shuffled)
    assert daily(shuffled) == daily(items)


@settings(max_examples=150, deadline=None)
@given(st.lists(incidents(("major", "partial", "degraded")), max_size=6))
@pytest.mark.slow
def test_overlapping_down_never_exceeds_the_union_of_the_incidents(items: list[Incident]) -> None:
    # Downtime is at most the time covered by at least one weighted incident.
    window_start = datetime.combine(FIRST, datetime.min.time(), WITA)
    covered = set()
    for item in items:
        if WEIGHTS[item.severity] == 0:
            continue
        start = max(item.started, window_start)
        end = min(item.resolved or NOW, NOW)
        minute = start
        while minute < end:
            covered.add(minute)
            minute += timedelta(minutes=1)
    assert total_down(items) <= len(covered) + 1e-6


@settings(max_examples=100, deadline=None)
@given(st.lists(incidents(), max_size=6), st.sampled_from(["UTC", "Asia/Jakarta", "Asia/Jayapura", "America/New_York"]))
def test_another_time_zone_moves_downtime_between_days_but_keeps_the_total(items: list[Incident], zone: str) -> None:
    # Cover the same instants in both zones: from a midnight early enough for both, to NOW.
    tz = ZoneInfo(zone)
    first = (START - timedelta(days=2)).date()
    in_wita = component_daily(items, "spse", first, NOW, WITA)
    in_other = component_daily(items, "spse", first, NOW, tz)
    # Trim to the same instants: the zones' first midnights differ, so drop downtime
    # before the later of the two (no incident starts before START anyway).
    assert datetime.combine(first, datetime.min.time(), tz).astimezone(UTC) < START
    assert datetime.combine(first, datetime.min.time(), WITA).astimezone(UTC) < START
    wita_down = sum(d.downtime_minutes for d in in_wita)
    other_down = sum(d.downtime_minutes for d in in_other)
    assert abs(wita_down - other_down) < 1e-4
    wita_maintenance = sum(d.maintenance_minutes for d in in_wita)
    other_maintenance = sum(d.maintenance_minutes for d in in_other)
    assert abs(wita_maintenance - other_maintenance) < 1e-4


@st.composite
def probe_spans(draw: st.DrawFn) -> list[Outage]:
    """Disjoint probe spans in time order, some touching, some with gaps (no data) between them."""
    spans, moment = [], draw(st.integers(0, 50))
    for _ in range(draw(st.integers(0, 20))):
        moment += draw(st.sampled_from([0, 0, 0, 7]))
        length = draw(st.integers(1, 40))
        spans.append(Outage(moment, moment + length, draw(st.sampled_from([0, 0, 300, 1000]))))
        moment += length
    return spans


def _cut(spans: list[Outage], where: list[int]) -> list[Outage]:
    """Each span cut in two touching pieces of its weight at the offsets drawn (as days of compacted runs are)."""
    pieces = []
    for span, offset in zip(spans, where, strict=False):
        middle = span.start + offset % (span.end - span.start)
        pieces += [Outage(span.start, middle, span.weight), Outage(middle, span.end, span.weight)]
    return [piece for piece in pieces + spans[len(where) :] if piece.end > piece.start]


@given(
    probe_spans(),
    st.lists(st.integers(0, 100), max_size=20),
    st.lists(st.tuples(st.integers(0, 600), st.integers(0, 90), st.sampled_from([0, 300, 1000])), max_size=4),
    st.lists(st.tuples(st.integers(0, 600), st.integers(0, 60)), max_size=2),
)
def test_probe_spans_cut_into_touching_pieces_give_the_same_segments(spans, where, outages, voids) -> None:
    """segments() reads the time the probes cover as the stretches their spans make together: a span of up time
    given as one or as many touching pieces (a day each, as compacted runs are) is the same to it. Checked
    against the spans as they come, and against their pieces."""
    incidents = [Outage(start, start + length, weight) for start, length, weight in outages]
    void = tuple(Window(start, start + length) for start, length in voids)
    era = spans[0].start if spans else None
    whole = segments(incidents, [], ProbeRecord(era, 700, tuple(spans), void))
    assert segments(incidents, [], ProbeRecord(era, 700, tuple(_cut(spans, where)), void)) == whole
    # No data is exactly the era's time no span covers, where no incident vouches for it either.
    covered = {t for span in spans for t in range(span.start, span.end)}
    vouched = {t for o in incidents for t in range(o.start, o.end)}
    empty = {t for part in whole if part.no_data for t in range(part.start, part.end)}
    assert empty == ({t for t in range(era, 700)} - covered - vouched if era is not None else set())


def _naive_charts(samples: list[ProbeSample], now: datetime, zone: ZoneInfo, days: int) -> dict[date, tuple[int, int]]:
    """Each drawn day's median and 95th percentile, the plain way: every sample's own day, by nearest rank."""
    today = now.astimezone(zone).date()
    found: dict[date, list[int]] = {}
    for sample in samples:
        day = datetime.fromtimestamp(sample.time, zone).date()
        if sample.latency_ms is not None and sample.status != "down" and today - timedelta(days=days - 1) <= day:
            found.setdefault(day, []).append(sample.latency_ms)

    def ranked(values: list[int], percent: int) -> int:
        ordered = sorted(values)
        return ordered[max(1, -(-percent * len(ordered) // 100)) - 1]

    return {day: (ranked(values, 50), ranked(values, 95)) for day, values in found.items()}


@given(
    st.lists(
        st.tuples(st.integers(0, 15 * 86400), st.sampled_from(["up", "degraded", "down"]), st.integers(1, 5000)),
        max_size=60,
    ),
    st.sampled_from(["Asia/Makassar", "Europe/Berlin", "America/New_York", "UTC"]),
    st.integers(0, 86400),
)
def test_the_daily_response_chart_is_each_day_s_median_and_95th_percentile(raw, zone_name: str, offset: int) -> None:
    """Around a change of summer time (Berlin on 25 October 2026, New York on 1 November), in 10-day charts."""
    zone = ZoneInfo(zone_name)
    base = int(datetime(2026, 10, 20, tzinfo=UTC).timestamp())
    now = datetime.fromtimestamp(base + 14 * 86400 + offset, UTC)
    samples = sorted(  # those up to now, as the figures give it
        {t: ProbeSample(base + t, status, 200, latency, None, None) for t, status, latency in raw}.values(),
        key=lambda s: s.time,
    )
    samples = [sample for sample in samples if sample.time <= now.timestamp()]
    charts = response_charts(samples, now, zone, 10)
    expected = _naive_charts(samples, now, zone, 10)
    daily = [chart for chart in charts if chart.kind == "daily"]
    if not expected:
        assert not daily
        return
    (chart,) = daily
    median, p95 = chart.lines
    assert (median.count, p95.count) == (len(expected), len(expected))
    newest = max(expected)
    assert (median.last_ms, p95.last_ms) == expected[newest]
    # Each point's place across the chart is its day's: 600 px over the 9 gaps between 10 days.
    first = now.astimezone(zone).date() - timedelta(days=9)
    if len(expected) > 1:
        drawn = [float(point.split(",")[0]) for point in median.points.split()]
        assert drawn == [round((day - first).days * 600 / 9, 1) for day in sorted(expected)]


@given(
    st.lists(
        st.tuples(st.integers(0, 15 * 86400), st.sampled_from(["up", "degraded", "down"]), st.integers(1, 5000)),
        min_size=20,
        max_size=200,
    ),
    st.sampled_from(["Asia/Makassar", "Europe/Berlin", "America/New_York", "UTC"]),
    st.integers(0, 86400),
    st.integers(4 * 86400, 14 * 86400),
)
def test_the_charts_from_the_days_kept_before_a_cut_and_the_samples_after_it_are_the_charts(
    raw, zone_name: str, offset: int, cut_after: int
) -> None:
    """A build that keeps what the samples before a cut draw (charts.settled, figures.Before) and reads the
    samples from the cut on alone draws the charts a build of every sample draws: cut anywhere in 14 days
    around changes of summer time, up to now (the cut of a build is never after its newest sample)."""
    zone = ZoneInfo(zone_name)
    base = int(datetime(2026, 10, 20, tzinfo=UTC).timestamp())
    now = datetime.fromtimestamp(base + 14 * 86400 + offset, UTC)
    samples = sorted(
        {t: ProbeSample(base + t, status, 200, latency, None, None) for t, status, latency in raw}.values(),
        key=lambda s: s.time,
    )
    samples = [sample for sample in samples if sample.time <= now.timestamp()]
    cut = min(base + cut_after, int(now.timestamp()))
    after = [sample for sample in samples if sample.time >= cut]
    assert response_charts(after, now, zone, 10, settled(samples, zone, cut)) == response_charts(samples, now, zone, 10)


def test_the_day_across_a_cut_keeps_its_samples_from_before_the_cut() -> None:
    """By hand, in UTC: 30 October has samples at 01:00 (100 ms) and 06:00 (900 ms), the cut is at 08:00, and
    1 November has one at 00:00 (5 ms). The 30th spans the cut: its median is 100 and its 95th percentile 900
    (the nearest rank of 2 values: the 2nd), though both samples come from what was kept before the cut."""
    base = int(datetime(2026, 10, 20, tzinfo=UTC).timestamp())
    samples = [
        ProbeSample(base + t, "up", 200, ms, None, None)
        for t, ms in ((10 * 86400 + 3600, 100), (10 * 86400 + 6 * 3600, 900), (12 * 86400, 5))
    ]
    now, cut = datetime.fromtimestamp(base + 14 * 86400, UTC), base + 10 * 86400 + 8 * 3600
    kept = settled(samples, ZoneInfo("UTC"), cut)
    assert kept.days == {} and [ms for _, ms in kept.tail] == [100, 900]  # the 30th does not end by the cut
    charts = response_charts(samples[2:], now, ZoneInfo("UTC"), 10, kept)
    median, p95 = charts[0].lines
    assert charts == response_charts(samples, now, ZoneInfo("UTC"), 10)
    assert (median.count, median.last_ms, p95.last_ms) == (2, 5, 5)
    # The 30th is the 6th of the 10 days drawn (25 October to 3 November): x = 5 × 600 / 9 = 333.3, and
    # y = 160 − 900 × 160 / 1000 = 16.0 under a top of 1000 ms.
    assert p95.points.split()[0] == "333.3,16.0" and median.points.split()[0] == "333.3,144.0"


def test_a_day_of_25_hours_keeps_its_last_hour_in_the_chart() -> None:
    """Berlin, 25 October 2026: summer time ends, the day lasts 25 hours, from 22:00 UTC the day before to 23:00
    UTC. A sample at 22:30 UTC is 23:30 on the 25th there, not the 26th: the 25th has two samples (100 and 300
    ms: median 100, 95th percentile 300) and the 26th one (200)."""
    zone = ZoneInfo("Europe/Berlin")
    at = [datetime(2026, 10, 25, 10, 0, tzinfo=UTC), datetime(2026, 10, 25, 22, 30, tzinfo=UTC)]
    at.append(datetime(2026, 10, 26, 9, 0, tzinfo=UTC))
    samples = [
        ProbeSample(int(t.timestamp()), "up", 200, ms, None, None) for t, ms in zip(at, (100, 300, 200), strict=True)
    ]
    (daily, _) = response_charts(samples, datetime(2026, 10, 26, 12, 0, tzinfo=UTC), zone, 10)
    median, p95 = daily.lines
    assert (median.count, median.last_ms, p95.last_ms) == (2, 200, 200)
    assert _naive_charts(samples, datetime(2026, 10, 26, 12, 0, tzinfo=UTC), zone, 10) == {
        date(2026, 10, 25): (100, 300),
        date(2026, 10, 26): (200, 200),
    }
    heights = [float(point.split(",")[1]) for point in p95.points.split()]
    assert heights == [160 - 300 * 160 / 500, 160 - 200 * 160 / 500]  # top 500 ms: 300 and 200 drawn


def spans_one_sample_at_a_time(samples: list[ProbeSample], max_gap: int, now: int) -> list[Outage]:
    """What probe_spans means, sample by sample: each covers from its time to the next sample's, at most
    max_gap, never past now; pieces of the same weight that touch are one."""
    found: list[Outage] = []
    for n, sample in enumerate(samples):
        if sample.time >= now:
            break
        following = samples[n + 1].time if n + 1 < len(samples) else now
        end = min(following, sample.time + max_gap, now)
        weight = 1000 if sample.status == "down" else 0
        if end <= sample.time:
            continue
        if found and found[-1].end == sample.time and found[-1].weight == weight:
            found[-1] = Outage(found[-1].start, end, weight)
        else:
            found.append(Outage(sample.time, end, weight))
    return found


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 900), st.sampled_from(["up", "degraded", "down"])), max_size=40),
    st.integers(1, 400),
    st.integers(0, 30_000),
)
def test_probe_spans_are_each_samples_cover_joined(steps, max_gap, now) -> None:
    # Steps of 0 to 900 s between samples: the same moment twice, samples closer than the gap and further.
    moment, samples = 0, []
    for step, status in steps:
        moment += step
        samples.append(ProbeSample(moment, status, 200, 100, None, None))
    assert uptime.probe_spans(samples, max_gap, now) == spans_one_sample_at_a_time(samples, max_gap, now)


def test_probe_spans_by_hand() -> None:
    # Up at 0 and 300, down at 600, up at 1500 (a gap of 900 > 600), now 1700: [0, 600) up joined,
    # [600, 1200) down (cut at 600 + the gap), [1500, 1700) up (cut at now).
    samples = [
        ProbeSample(t, s, 200, 100, None, None) for t, s in ((0, "up"), (300, "up"), (600, "down"), (1500, "up"))
    ]
    assert uptime.probe_spans(samples, 600, 1700) == [Outage(0, 600, 0), Outage(600, 1200, 1000), Outage(1500, 1700, 0)]
