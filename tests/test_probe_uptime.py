"""Probe-era uptime and status against cases computed by hand. Times are WITA (UTC+8)."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest

from statusgen.model import Incident, ProbeSample
from statusgen.status import component_status
from statusgen.times import parse_datetime
from statusgen.uptime import component_daily

WITA = ZoneInfo("Asia/Makassar")
DAY = "2021-09-19"


def at(clock: str) -> int:
    return int(parse_datetime(f"{DAY} {clock}", WITA).timestamp())


def samples(*pairs: tuple[str, str]) -> list[ProbeSample]:
    return [
        ProbeSample(at(clock), status, 200 if status != "down" else None, 100, None, None) for clock, status in pairs
    ]


def every_5_minutes(first: str, last: str, down: tuple[str, ...] = (), status: str = "up") -> list[ProbeSample]:
    result, moment = [], at(first)
    while moment <= at(last):
        clock = parse_datetime(f"{DAY} 00:00", WITA).fromtimestamp(moment, WITA).strftime("%H:%M")
        result.append(ProbeSample(moment, "down" if clock in down else status, None, 100, None, None))
        moment += 300
    return result


def incident(severity: str, start: str, end: str | None, false_alarm: bool = False) -> Incident:
    return Incident(
        slug=f"{severity}-{start}",
        title="t",
        components=("spse",),
        severity=severity,
        cause="internal",
        started=parse_datetime(f"{DAY} {start}", WITA),
        resolved=parse_datetime(f"{DAY} {end}", WITA) if end else None,
        updates=(),
        body="",
        false_alarm=false_alarm,
    )


def day(incidents: list[Incident], probe: list[ProbeSample], now: str, first: str = DAY):
    result = component_daily(
        incidents, "spse", date.fromisoformat(first), parse_datetime(f"{DAY} {now}", WITA), WITA, probe, 15 * 60
    )
    return {d.date.isoformat(): d for d in result}


def test_samples_cover_until_the_next_and_the_rest_is_no_data() -> None:
    # Samples every 5 min from 10:00 to 10:55; 10:20 and 10:25 are down. now = 12:00.
    # Before 10:00 the record is the incident files: 600 min, all up.
    # Down: 10:20 → 10:30 = 10 min. The 10:55 sample covers to 11:10 (15 min cap);
    # 11:10 → 12:00 = 50 min no data. Day so far 720 min; measured 720 − 50 = 670.
    # uptime = 100 × (1 − 10 / 670) = 98.5074…
    found = day([], every_5_minutes("10:00", "10:55", down=("10:20", "10:25")), "12:00")[DAY]
    assert found.minutes == 720.0
    assert found.no_data_minutes == 50.0
    assert found.downtime_minutes == 10.0
    assert found.uptime == pytest.approx(100 * (1 - 10 / 670))
    assert found.source == "probes"


def test_a_gap_between_runs_is_neither_up_nor_down() -> None:
    # 10:00 covers 10:00 → 10:15 (cap); no data 10:15 → 10:40 (25 min); 10:40 covers → 10:55;
    # no data 10:55 → 11:00 (5 min). 660 min so far, 30 no data, nothing down: 100 %.
    found = day([], samples(("10:00", "up"), ("10:40", "up")), "11:00")[DAY]
    assert found.no_data_minutes == 30.0
    assert found.uptime == 100.0
    # If the runs had been down, the gap still would not count: only the covered 30 minutes are down.
    down = day([], samples(("10:00", "down"), ("10:40", "down")), "11:00")[DAY]
    assert down.downtime_minutes == 30.0
    assert down.uptime == pytest.approx(100 * (1 - 30 / 630))


def test_an_incident_vouches_for_time_the_probes_missed() -> None:
    # The same gap, with a major incident 10:20 → 10:30 inside it: those 10 minutes are measured
    # and down. No data: 10:15 → 10:20, 10:30 → 10:40 and 10:55 → 11:00 = 20 min.
    # uptime = 100 × (1 − 10 / (660 − 20)) = 98.4375
    found = day([incident("major", "10:20", "10:30")], samples(("10:00", "up"), ("10:40", "up")), "11:00")[DAY]
    assert found.no_data_minutes == 20.0
    assert found.downtime_minutes == 10.0
    assert found.uptime == pytest.approx(98.4375)


def test_the_weight_is_the_larger_of_incident_and_probe() -> None:
    # Partial incident 10:00 → 11:00 (0.3) and probes down 10:30 → 10:40 (1.0), up otherwise.
    # 10 min × 1.0 + 50 min × 0.3 = 25 min. Probes every 5 min 09:00 → 11:55, now 12:00: no gaps.
    probe = every_5_minutes("09:00", "11:55", down=("10:30", "10:35"))
    found = day([incident("partial", "10:00", "11:00")], probe, "12:00")[DAY]
    assert found.no_data_minutes == 0.0
    assert found.downtime_minutes == pytest.approx(25.0)
    assert found.uptime == pytest.approx(100 * (1 - 25 / 720))


def test_degraded_samples_weigh_nothing_but_count_as_measured() -> None:
    found = day([], every_5_minutes("00:00", "11:55", status="degraded"), "12:00")[DAY]
    assert (found.downtime_minutes, found.no_data_minutes, found.uptime) == (0.0, 0.0, 100.0)


def test_a_false_alarm_voids_probe_failures_inside_its_window_only() -> None:
    # Down samples at 10:00 and 10:05 cover 10:00 → 10:10. A false alarm 10:00 → 10:07 voids
    # 7 minutes; 10:07 → 10:10 still counts: 3 min down.
    probe = every_5_minutes("09:00", "11:55", down=("10:00", "10:05"))
    whole = day([incident("notice", "10:00", "10:10", false_alarm=True)], probe, "12:00")[DAY]
    assert whole.downtime_minutes == 0.0
    part = day([incident("notice", "10:00", "10:07", false_alarm=True)], probe, "12:00")[DAY]
    assert part.downtime_minutes == 3.0
    # A false alarm voids probe failures, not incidents: a major incident in the window still counts.
    both = day(
        [incident("notice", "10:00", "10:10", false_alarm=True), incident("major", "10:00", "10:04")], probe, "12:00"
    )[DAY]
    assert both.downtime_minutes == 4.0


def test_maintenance_still_wins_over_probe_failures() -> None:
    # Down all morning by the probes, maintenance 10:00 → 11:00: 60 min excluded, the other 660 down.
    found = day(
        [incident("maintenance", "10:00", "11:00")],
        every_5_minutes("00:00", "11:55", down=tuple(f"{h:02d}:{m:02d}" for h in range(12) for m in range(0, 60, 5))),
        "12:00",
    )[DAY]
    assert found.maintenance_minutes == 60.0
    assert found.downtime_minutes == 660.0
    assert found.uptime == 0.0


def test_days_before_the_first_sample_come_from_incidents() -> None:
    found = day([], samples(("10:00", "up")), "10:10", first="2021-09-18")
    assert found["2021-09-18"].source == "incidents"
    assert found["2021-09-18"].no_data_minutes == 0.0
    assert found[DAY].source == "probes"
    # 19th: 00:00 → 10:00 incident era (up), 10:00 → 10:10 covered: 610 min, all up.
    assert found[DAY].minutes == 610.0 and found[DAY].uptime == 100.0


NOW = parse_datetime(f"{DAY} 12:00", WITA)


@pytest.mark.parametrize(
    ("latest", "incidents", "probed", "expected"),
    [
        (("11:55", "down"), [], True, "major_outage"),
        (("11:55", "degraded"), [], True, "degraded_performance"),
        (("11:55", "up"), [], True, "operational"),
        # 30 minutes old is stale (younger than 30 min counts): no recent data, never green.
        (("11:30", "up"), [], True, "no_data"),
        (("11:31", "up"), [], True, "operational"),
        (None, [], True, "no_data"),
        (None, [], False, "operational"),
        # Worst wins between probe and incidents.
        (("11:55", "degraded"), [incident("partial", "11:00", None)], True, "partial_outage"),
        (("11:55", "down"), [incident("degraded", "11:00", None)], True, "major_outage"),
        (("11:00", "up"), [incident("partial", "11:00", None)], True, "partial_outage"),
        # A false alarm active now voids a down sample.
        (("11:55", "down"), [incident("notice", "11:50", "12:30", false_alarm=True)], True, "operational"),
        # Maintenance in progress with a stale probe: maintenance is the worse of the two.
        (("10:00", "up"), [incident("maintenance", "11:00", "13:00")], True, "under_maintenance"),
    ],
)
def test_current_status_with_probes(latest, incidents, probed, expected) -> None:
    sample = samples(latest)[0] if latest else None
    assert component_status("spse", incidents, NOW, sample, probed, 30 * 60) == expected


def test_a_notice_or_false_alarm_does_not_vouch_for_a_gap_but_a_degraded_incident_does() -> None:
    # The gap of test_a_gap_between_runs…: 30 min of no data between 10:00 and 11:00.
    probe = samples(("10:00", "up"), ("10:40", "up"))
    notice = day([incident("notice", "10:15", "10:40")], probe, "11:00")[DAY]
    assert notice.no_data_minutes == 30.0
    false_alarm = day([incident("notice", "10:15", "10:40", false_alarm=True)], probe, "11:00")[DAY]
    assert false_alarm.no_data_minutes == 30.0
    # "Degraded" says the service was up, only slow: 10:15 → 10:40 is measured, 5 min remain.
    degraded = day([incident("degraded", "10:15", "10:40")], probe, "11:00")[DAY]
    assert degraded.no_data_minutes == 5.0
    assert degraded.uptime == 100.0
