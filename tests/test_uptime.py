"""Uptime math against cases computed by hand. Each case shows its arithmetic."""

from __future__ import annotations

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from statusgen.model import Incident
from statusgen.times import parse_datetime
from statusgen.uptime import DailyUptime, PackedDays, component_daily, overall

WITA = ZoneInfo("Asia/Makassar")


def incident(severity: str, started: str, resolved: str | None, components: tuple[str, ...] = ("spse",)) -> Incident:
    return Incident(
        slug=f"x-{severity}-{started[:10]}",
        title="t",
        components=components,
        severity=severity,
        cause="internal",
        started=parse_datetime(started, WITA),
        resolved=parse_datetime(resolved, WITA) if resolved else None,
        updates=(),
        body="",
    )


def days(incidents: list[Incident], first: str, now: str, tz: ZoneInfo = WITA) -> dict[str, DailyUptime]:
    result = component_daily(incidents, "spse", date.fromisoformat(first), parse_datetime(now, tz), tz)
    return {d.date.isoformat(): d for d in result}


def test_partial_incident_crossing_midnight() -> None:
    # The contract's example: partial (weight 0.3) from 18:33 to 09:00 the next day.
    found = days([incident("partial", "2021-09-19 18:33", "2021-09-20 09:00")], "2021-09-18", "2021-09-21 12:00")
    assert found["2021-09-18"].uptime == 100.0
    # 19th: 18:33 → 24:00 is 327 min; 327 × 0.3 = 98.1; 100 × (1 − 98.1 / 1440) = 93.1875
    assert found["2021-09-19"].downtime_minutes == pytest.approx(98.1)
    assert found["2021-09-19"].uptime == pytest.approx(93.1875)
    # 20th: 00:00 → 09:00 is 540 min; 540 × 0.3 = 162; 100 × (1 − 162 / 1440) = 88.75
    assert found["2021-09-20"].downtime_minutes == pytest.approx(162.0)
    assert found["2021-09-20"].uptime == pytest.approx(88.75)
    assert found["2021-09-21"].uptime == 100.0


def test_offset_other_than_wita_is_the_same_instant() -> None:
    # 17:33 WIB (+07:00) is 18:33 WITA, so the figures equal the case above.
    found = days([incident("partial", "2021-09-19T17:33+07:00", "2021-09-20T01:00Z")], "2021-09-19", "2021-09-21 00:00")
    # 01:00 UTC is 09:00 WITA.
    assert found["2021-09-19"].uptime == pytest.approx(93.1875)
    assert found["2021-09-20"].uptime == pytest.approx(88.75)


def test_major_outage_across_a_leap_day_midnight() -> None:
    found = days([incident("major", "2016-02-29 23:00", "2016-03-01 01:30")], "2016-02-28", "2016-03-02 00:00")
    assert list(found) == ["2016-02-28", "2016-02-29", "2016-03-01", "2016-03-02"]
    assert found["2016-02-28"].uptime == 100.0
    # 29 Feb: 23:00 → 24:00 = 60 min at weight 1; 100 × (1 − 60 / 1440) = 95.8333…
    assert found["2016-02-29"].downtime_minutes == 60.0
    assert found["2016-02-29"].uptime == pytest.approx(100 * (1 - 60 / 1440))
    assert found["2016-02-29"].uptime == pytest.approx(95.833333, abs=1e-6)
    # 1 Mar: 00:00 → 01:30 = 90 min; 100 × (1 − 90 / 1440) = 93.75
    assert found["2016-03-01"].uptime == pytest.approx(93.75)
    # now is exactly midnight of 2 Mar: that day has no minutes yet, so no figure.
    assert found["2016-03-02"].minutes == 0.0
    assert found["2016-03-02"].uptime is None


def test_overlapping_severities_take_the_maximum_not_the_sum() -> None:
    # partial 10:00–14:00 (240 min) and major 11:00–12:00 (60 min) on the same component.
    # Max: 60 min × 1.0 + 180 min × 0.3 = 60 + 54 = 114 min; 100 × (1 − 114 / 1440) = 92.0833…
    # (A sum would give 60 + 240 × 0.3 = 132.)
    found = days(
        [
            incident("partial", "2019-03-12 10:00", "2019-03-12 14:00"),
            incident("major", "2019-03-12 11:00", "2019-03-12 12:00"),
        ],
        "2019-03-12",
        "2019-03-13 00:00",
    )
    assert found["2019-03-12"].downtime_minutes == pytest.approx(114.0)
    assert found["2019-03-12"].uptime == pytest.approx(100 * (1 - 114 / 1440))


def test_two_major_incidents_overlapping_count_once() -> None:
    # 08:00–10:00 and 09:00–11:00 cover 08:00–11:00: 180 min, not 240.
    found = days(
        [
            incident("major", "2020-01-01 08:00", "2020-01-01 10:00"),
            incident("major", "2020-01-01 09:00", "2020-01-01 11:00"),
        ],
        "2020-01-01",
        "2020-01-02 00:00",
    )
    assert found["2020-01-01"].downtime_minutes == 180.0
    assert found["2020-01-01"].uptime == pytest.approx(87.5)  # 100 × (1 − 180 / 1440)


def test_maintenance_leaves_the_denominator_and_hides_downtime() -> None:
    # Maintenance 22:00 → 02:00. A major 21:30 → 22:30 only counts before 22:00,
    # and a major 23:00 → 23:30 inside the window does not count at all.
    found = days(
        [
            incident("maintenance", "2020-07-05 22:00", "2020-07-06 02:00"),
            incident("major", "2020-07-05 21:30", "2020-07-05 22:30"),
            incident("major", "2020-07-05 23:00", "2020-07-05 23:30"),
        ],
        "2020-07-05",
        "2020-07-07 00:00",
    )
    # 5 Jul: maintenance 120 min, down 30 min; 100 × (1 − 30 / (1440 − 120)) = 97.7272…
    assert found["2020-07-05"].maintenance_minutes == 120.0
    assert found["2020-07-05"].downtime_minutes == 30.0
    assert found["2020-07-05"].uptime == pytest.approx(100 * (1 - 30 / 1320))
    assert found["2020-07-05"].uptime == pytest.approx(97.727273, abs=1e-6)
    # 6 Jul: maintenance 00:00 → 02:00 = 120 min, nothing down: 100
    assert found["2020-07-06"].maintenance_minutes == 120.0
    assert found["2020-07-06"].uptime == 100.0


def test_a_day_entirely_in_maintenance_has_no_uptime() -> None:
    found = days([incident("maintenance", "2020-07-05 00:00", "2020-07-06 00:00")], "2020-07-05", "2020-07-06 12:00")
    assert found["2020-07-05"].maintenance_minutes == 1440.0
    assert found["2020-07-05"].uptime is None
    assert found["2020-07-06"].uptime == 100.0


def test_ongoing_incident_runs_until_now_and_today_counts_minutes_to_now() -> None:
    # Major since 22:00, no end; now is 06:00 the next day.
    found = days([incident("major", "2021-09-19 22:00", None)], "2021-09-19", "2021-09-20 06:00")
    # 19th: 120 min down of 1440: 100 × (1 − 120 / 1440) = 91.6666…
    assert found["2021-09-19"].uptime == pytest.approx(100 * (1 - 120 / 1440))
    # 20th: only 00:00 → 06:00 counts (360 min), all of it down: 0
    assert found["2021-09-20"].minutes == 360.0
    assert found["2021-09-20"].downtime_minutes == 360.0
    assert found["2021-09-20"].uptime == 0.0


def test_today_counts_only_the_minutes_up_to_now() -> None:
    # Major 08:00 → 09:00 and now 10:00: 60 down of 600 → 90
    found = days([incident("major", "2022-05-10 08:00", "2022-05-10 09:00")], "2022-05-10", "2022-05-10 10:00")
    assert found["2022-05-10"].minutes == 600.0
    assert found["2022-05-10"].uptime == pytest.approx(90.0)


def test_degraded_and_notice_weigh_nothing() -> None:
    found = days(
        [incident("degraded", "2022-05-10 08:00", "2022-05-10 20:00"), incident("notice", "2022-05-10 01:00", None)],
        "2022-05-10",
        "2022-05-11 00:00",
    )
    assert found["2022-05-10"].downtime_minutes == 0.0
    assert found["2022-05-10"].uptime == 100.0


def test_other_components_are_not_counted() -> None:
    found = days(
        [incident("major", "2022-05-10 08:00", "2022-05-10 20:00", ("sikap",))], "2022-05-10", "2022-05-11 00:00"
    )
    assert found["2022-05-10"].uptime == 100.0


def test_days_follow_the_site_time_zone() -> None:
    # The same major, 18:33 → 19:33 WITA, read in UTC falls on 10:33 → 11:33 UTC.
    inc = incident("major", "2021-09-19 18:33", "2021-09-19 19:33")
    utc = ZoneInfo("UTC")
    found = {
        d.date.isoformat(): d
        for d in component_daily([inc], "spse", date(2021, 9, 19), datetime(2021, 9, 20, tzinfo=utc), utc)
    }
    assert found["2021-09-19"].downtime_minutes == 60.0
    # A major 23:30 → 00:30 WITA is 15:30 → 16:30 UTC: one day in UTC, two days in WITA.
    late = incident("major", "2021-09-19 23:30", "2021-09-20 00:30")
    wita = days([late], "2021-09-19", "2021-09-21 00:00")
    assert (wita["2021-09-19"].downtime_minutes, wita["2021-09-20"].downtime_minutes) == (30.0, 30.0)
    in_utc = component_daily([late], "spse", date(2021, 9, 19), datetime(2021, 9, 21, tzinfo=utc), utc)
    # 19, 20 and 21 Sep (the last has no minutes yet, as now is its midnight)
    assert [d.downtime_minutes for d in in_utc] == [60.0, 0.0, 0.0]


def test_a_daylight_saving_day_is_23_hours_long() -> None:
    # Europe/Berlin moved to summer time on 28 March 2021: that day has 1380 minutes.
    berlin = ZoneInfo("Europe/Berlin")
    inc = incident("major", "2021-03-28T12:00+02:00", "2021-03-28T13:00+02:00")
    found = days([inc], "2021-03-28", "2021-03-29T00:00+02:00", berlin)
    assert found["2021-03-28"].minutes == 1380.0
    assert found["2021-03-28"].uptime == pytest.approx(100 * (1 - 60 / 1380))


def test_overall_sums_minutes_rather_than_averaging_days() -> None:
    # Day 1: 720 min measured (720 in maintenance), 72 down → 90 %.
    # Day 2: 1440 measured, 0 down → 100 %.
    # Mean of days would be 95; the right figure is 100 × (1 − 72 / 2160) = 96.6666…
    first = DailyUptime(date(2020, 1, 1), 1440.0, 72.0, 720.0, 90.0)
    second = DailyUptime(date(2020, 1, 2), 1440.0, 0.0, 0.0, 100.0)
    assert overall([first, second]) == pytest.approx(100 * (1 - 72 / 2160))
    assert overall([DailyUptime(date(2020, 1, 1), 1440.0, 0.0, 1440.0, None)]) is None


def test_daily_json_publishes_the_hand_computed_figures(make_site, cli) -> None:
    site = make_site()
    site.incident(
        "2021-09-19-kabel-laut",
        """
        ---
        title: SPSE lambat diakses akibat putusnya kabel laut
        components: [spse]
        severity: partial
        cause: external
        started: 2021-09-19 18:33
        resolved: 2021-09-20 09:00
        updates:
          - at: 2021-09-19 18:45
            status: investigating
            message: Sedang diselidiki.
        ---
        Ringkasan.
        """,
    )
    assert cli("build", "--config", site.config, "--out", site.out, "--now", "2021-09-21T06:00+08:00").code == 0
    document = json.loads(site.file("api/v1/components/spse/daily.json"))
    assert document["component"] == "spse"
    assert document["timezone"] == "Asia/Makassar"
    # daily.json lists the last 90 days, 2021-06-24 to 2021-09-21, and names a file for each year, 2011 to 2021.
    assert [d["date"] for d in document["days"][:: len(document["days"]) - 1]] == ["2021-06-24", "2021-09-21"]
    assert document["years"] == {str(year): f"daily/{year}.json" for year in range(2011, 2022)}
    year = json.loads(site.file("api/v1/components/spse/daily/2021.json"))
    assert (year["component"], year["year"], year["timezone"]) == ("spse", 2021, "Asia/Makassar")
    # 2021 has no maintenance, no time without data and no probe: what is the same on every day is written
    # once, and a day's row holds the rest.
    assert year["columns"] == ["date", "uptime", "downtime_minutes"]
    assert year["constant"] == {"maintenance_minutes": 0, "no_data_minutes": 0, "source": "incidents"}
    assert year["days"][0] == ["2021-01-01", 100.0, 0.0]
    # Whole figures are written without ".0" (a nation's years of them weigh less), the others as they are.
    text = site.file("api/v1/components/spse/daily/2021.json")
    assert '["2021-01-01",100,0]' in text
    assert '["2021-09-19",93.1875,98.1]' in text
    entries = site.days("spse")  # the year files joined, each row as daily.json writes a day
    # One entry per day from 2011-01-01 (history_start in CONFIG) to 2021-09-21 inclusive.
    assert len(entries) == (date(2021, 9, 21) - date(2011, 1, 1)).days + 1
    assert [e["date"] for e in entries] == sorted(e["date"] for e in entries)
    by_date = {e["date"]: e for e in entries}
    assert by_date["2021-09-19"] == {
        "date": "2021-09-19",
        "uptime": 93.1875,
        "downtime_minutes": 98.1,
        "maintenance_minutes": 0.0,
        "no_data_minutes": 0.0,
        "source": "incidents",
    }
    assert by_date["2021-09-20"]["uptime"] == 88.75
    assert by_date["2021-09-21"]["uptime"] == 100.0
    assert json.loads(site.file("api/v1/components/sikap/daily.json"))["days"][-1]["date"] == "2021-09-21"


def test_component_history_starts_at_its_since_date(make_site, cli) -> None:
    site = make_site(
        """\
        title: Uji
        base_url: https://example.github.io/status/
        history_start: 2020-01-01
        components:
          - id: spse
            name: SPSE
          - id: baru
            name: Baru
            since: 2021-06-01
          - id: lama
            name: Lama
            since: 2015-01-01
        """
    )
    assert cli("build", "--config", site.config, "--out", site.out, "--now", "2021-06-03T12:00").code == 0
    first = {cid: site.days(cid)[0]["date"] for cid in ("spse", "baru", "lama")}
    # max(history_start, since): 2020-01-01, 2021-06-01, and 2020-01-01 (since is earlier)
    assert first == {"spse": "2020-01-01", "baru": "2021-06-01", "lama": "2020-01-01"}


def test_packed_days_keep_each_distinct_figure_once_and_make_a_day_only_when_asked() -> None:
    # Four days from 1 March 2024 (ordinal 738946): up, up, 72 minutes down (95 %), up. Two distinct rows of
    # figures: the up day's (index 0) and the 95 % day's (index 1); the days pick 0, 0, 1, 0.
    up, bad = (1440.0, 0.0, 0.0, 100.0, "probes", 0.0), (1440.0, 72.0, 0.0, 95.0, "probes", 0.0)
    days = [DailyUptime(date(2024, 3, d), *figures) for d, figures in ((1, up), (2, up), (3, bad), (4, up))]
    packed = PackedDays.of(days)
    assert (packed.first, packed.rows, packed.picks) == (date(2024, 3, 1).toordinal(), [up, bad], [0, 0, 1, 0])
    assert packed.first == 738946
    assert len(packed) == 4 and packed == days and list(packed) == days
    assert packed[2] == DailyUptime(date(2024, 3, 3), 1440.0, 72.0, 0.0, 95.0, "probes", 0.0)
    assert packed[-1].date == date(2024, 3, 4) and packed[1:3] == days[1:3] and packed[::2] == days[::2]
    assert packed[3:1] == [] and packed[-2:] == days[-2:]
    with pytest.raises(IndexError):
        packed[4]
    # Without dates of its own, a day's date is its ordinal's.
    assert PackedDays(packed.first, packed.rows, packed.picks)[2].date == date(2024, 3, 3)
    # 5 March, at 99 % (14.4 minutes down), is a third row; 6 March reads as the up days.
    worse = (1440.0, 14.4, 0.0, 99.0, "probes", 0.0)
    later = packed.extended([DailyUptime(date(2024, 3, 5), *worse), DailyUptime(date(2024, 3, 6), *up)])
    assert (later.rows, later.picks) == ([up, bad, worse], [0, 0, 1, 0, 2, 0])
    assert later[4].uptime == 99.0 and later[5].date == date(2024, 3, 6) and packed.picks == [0, 0, 1, 0]
    assert PackedDays.of([]).extended(days) == days and PackedDays.of(later) is later


def test_packed_days_refuse_days_that_do_not_follow_each_other() -> None:
    up = (1440.0, 0.0, 0.0, 100.0)
    with pytest.raises(ValueError, match="follow"):
        PackedDays.of([DailyUptime(date(2024, 3, 1), *up), DailyUptime(date(2024, 3, 3), *up)])
    with pytest.raises(ValueError, match="follow"):
        PackedDays.of([DailyUptime(date(2024, 3, 1), *up)]).extended([DailyUptime(date(2024, 3, 5), *up)])
