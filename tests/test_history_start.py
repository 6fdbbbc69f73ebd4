"""Without ``history_start``, a site's history starts at its first record, not at some year chosen for it.

The first record is the earliest of the incidents' starts, the probe samples and the compacted runs, taken
as a day in the site's time zone; a site with none starts today and claims no uptime for the time before
now. A written ``history_start`` is kept as it is, records or not.

The sites here are made up, in Asia/Jakarta (WIB, UTC+07:00) unless a test says otherwise, and every
build has a fixed ``--now``; each expected day, year and figure is worked out by hand beside it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest

import statusgen.build
from statusgen.uptime import Segment, daily, unvouched
from tests.conftest import Run, Site, every_day

NOW = "2026-12-05T10:00+07:00"  # a Saturday morning in WIB; 03:00 UTC

BARE = """\
title: Status Layanan LPSE Contoh
base_url: https://status.example.org/contoh/
timezone: {zone}
components:
  - id: spse
    name: SPSE
"""

INCIDENT = """\
---
title: SPSE tidak dapat diakses
components: [spse]
severity: major
started: {started}
resolved: {resolved}
updates:
  - at: {resolved}
    status: resolved
    message: Sudah pulih.
---
Ringkasan.
"""


def bare_site(make_site: Callable[..., Site], zone: str = "Asia/Jakarta", extra: str = "") -> Site:
    """A site with one component and no history_start (unless ``extra`` writes one)."""
    return make_site(BARE.format(zone=zone) + extra)


def build(cli: Callable[..., Run], site: Site, now: str = NOW) -> Run:
    run = cli("build", "--config", site.config, "--out", site.out, "--now", now)
    assert run.code == 0, run.err
    return run


def api(site: Site, relative: str) -> Any:
    return json.loads(site.file(relative))


def listed_years(site: Site) -> list[int]:
    """The years history/index.html links to, as it lists them (newest first)."""
    return [int(year) for year in re.findall(r'href="[^"]*history/(\d{4})/"', site.file("history/index.html"))]


def first_day(site: Site) -> str:
    """The first day of the component's published daily figures."""
    return str(site.days("spse")[0]["date"])


def write_samples(site: Site, month: str, *lines: str) -> None:
    folder = site.root / "history" / "spse"
    folder.mkdir(parents=True, exist_ok=True)
    header = "time,status,http_status,latency_ms,error,cert_days\n"
    (folder / f"{month}.csv").write_text(header + "".join(line + "\n" for line in lines), encoding="utf-8")


# ---------------------------------------------------------------------------------------------------------
# (a) No history_start and no record at all: the history starts today, and claims nothing.


def test_a_site_with_no_record_starts_today_and_claims_no_uptime(make_site, cli) -> None:
    site = bare_site(make_site)
    build(cli, site)
    # Now is 2026-12-05 10:00 WIB: the history is that one day, so one year, 2026.
    assert listed_years(site) == [2026]
    assert (site.out / "history" / "2026" / "index.html").is_file()
    for year in range(2011, 2026):  # none of the years before: no page, no link
        assert not (site.out / "history" / str(year)).exists(), year
    assert "Riwayat gangguan sejak 2026" in site.file("index.html")
    assert "Riwayat sejak 2026" in site.file("index.html")  # the footer
    assert "sejak 5 Desember 2026" in site.file("history/index.html")
    # The component's years: 2026 only.
    assert (site.out / "components" / "spse" / "2026" / "index.html").is_file()
    assert not (site.out / "components" / "spse" / "2025").exists()

    # From 00:00 to 10:00 WIB nothing vouches for the service: 600 minutes of no data, no uptime figure.
    assert site.days("spse") == [
        {
            "date": "2026-12-05",
            "uptime": None,
            "downtime_minutes": 0.0,
            "maintenance_minutes": 0.0,
            "no_data_minutes": 600.0,
            "source": "incidents",
        }
    ]
    months = api(site, "api/v1/components/spse/monthly.json")["months"]
    assert [(m["month"], m["uptime"], m["sla"], m["met"], m["no_data_minutes"]) for m in months] == [
        ("2026-12", None, None, None, 600.0)
    ]
    (component,) = api(site, "api/v2/components.json")["components"]
    assert component["start_date"] == "2026-12-05"

    # The page says so in words: every window, "Sepanjang waktu" included, is "–", never 100 %.
    page = site.file("components/spse/index.html")
    assert "100,000%" not in page and "100,00%" not in page
    windows = re.findall(r'<tr><th scope="row">([^<]+)</th><td>([^<]*)</td></tr>', page)
    assert ("Sepanjang waktu", "–") in windows
    assert {value for _, value in windows} == {"–"}
    assert "100,0" not in site.file("index.html")
    # The SLA verdict of December and the calendar's one day say "no data" too.
    assert '<span class="verdict verdict-none">– tanpa data</span>' in site.file("sla/index.html")
    cells = re.findall(r'class="day-(\w+)">(\d+) <span>([^<]+)<',
                       site.file("components/spse/2026/index.html"))  # fmt: skip
    assert cells == [("nodata", "5", "Tidak ada data")]


def test_check_needs_no_history_start(make_site, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """``check`` reads no probe history: it goes by the incidents, and a site without any is valid."""
    site = bare_site(make_site)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1796439600")  # 2026-12-05T03:00:00Z, NOW
    run = cli("check", "--config", site.config)
    assert run.code == 0, run.err
    assert run.err == ""
    assert "1 components, 0 incidents, 0 warnings: ok" in run.out


# ---------------------------------------------------------------------------------------------------------
# (b) The first incident's start, as a day in the site's zone.


@pytest.mark.parametrize(
    ("zone", "started", "resolved", "day"),
    [
        # 22:30 WIB is 22:30 in Asia/Jakarta: 2019-03-04.
        ("Asia/Jakarta", "2019-03-04 22:30 +07:00", "2019-03-04 23:00 +07:00", "2019-03-04"),
        # The same moment in Asia/Makassar (UTC+08:00) is 23:30 WITA: still 2019-03-04.
        ("Asia/Makassar", "2019-03-04 22:30 +07:00", "2019-03-04 23:00 +07:00", "2019-03-04"),
        # 23:30 WIB is 23:30 in Jakarta, 2019-03-04, but 00:30 WITA in Makassar: 2019-03-05.
        ("Asia/Jakarta", "2019-03-04 23:30 +07:00", "2019-03-05 00:00 +07:00", "2019-03-04"),
        ("Asia/Makassar", "2019-03-04 23:30 +07:00", "2019-03-05 00:00 +07:00", "2019-03-05"),
    ],
)
def test_the_history_starts_on_the_day_of_the_first_incident(make_site, cli, zone, started, resolved, day) -> None:
    site = bare_site(make_site, zone)
    site.incident("2019-03-04-gangguan", INCIDENT.format(started=started, resolved=resolved))
    build(cli, site)
    assert first_day(site) == day
    (component,) = api(site, "api/v2/components.json")["components"]
    assert component["start_date"] == day
    # The years from 2026 down to 2019, eight of them; nothing before.
    assert listed_years(site) == list(range(2026, 2018, -1))
    assert not (site.out / "history" / "2018").exists()
    assert (site.out / "components" / "spse" / "2019" / "index.html").is_file()
    assert not (site.out / "components" / "spse" / "2018").exists()
    assert "Riwayat gangguan sejak 2019" in site.file("index.html")


def test_the_first_day_counts_whole_and_the_rest_as_before(make_site, cli) -> None:
    """The history starts at the day, as a written history_start would: the first day is counted whole."""
    site = bare_site(make_site)
    site.incident(
        "2019-03-04-gangguan", INCIDENT.format(started="2019-03-04 22:30 +07:00", resolved="2019-03-04 23:00 +07:00")
    )
    build(cli, site)
    days = {d["date"]: d for d in site.days("spse")}
    # 30 minutes down out of 1440: 100 × (1 − 30/1440) = 97.916666… → 97.916667.
    assert days["2019-03-04"]["uptime"] == 97.916667
    assert days["2019-03-04"]["downtime_minutes"] == 30.0
    # The next day nothing happened: 100 %. From 2019-03-04 to 2026-12-05: 2834 days.
    assert days["2019-03-05"]["uptime"] == 100.0
    assert len(days) == 2834  # 2019-03-04 → 2026-03-04 is 2557 days (2020 and 2024 leap), + 276 to 12-05, + 1


def test_since_still_applies_on_top(make_site, cli) -> None:
    """A component's history starts at the later of the site's start and its own ``since``."""
    site = make_site(
        BARE.format(zone="Asia/Jakarta")
        + "  - id: sikap\n    name: SIKaP\n    since: 2025-06-01\n"
        + "  - id: lama\n    name: Lama\n    since: 2015-01-01\n"
    )
    site.incident(
        "2019-03-04-gangguan", INCIDENT.format(started="2019-03-04 22:30 +07:00", resolved="2019-03-04 23:00 +07:00")
    )
    build(cli, site)
    starts = {c["id"]: c["start_date"] for c in api(site, "api/v2/components.json")["components"]}
    # spse: the site's start 2019-03-04; sikap: its since, later; lama: its since is earlier, so the site's start.
    assert starts == {"spse": "2019-03-04", "sikap": "2025-06-01", "lama": "2019-03-04"}
    assert listed_years(site)[-1] == 2019


# ---------------------------------------------------------------------------------------------------------
# (c) and (d): probe history earlier than the first incident.


def test_a_probe_sample_earlier_than_the_first_incident_starts_the_history(make_site, cli) -> None:
    site = bare_site(make_site)
    site.incident(
        "2024-06-10-gangguan", INCIDENT.format(started="2024-06-10 09:00 +07:00", resolved="2024-06-10 10:00 +07:00")
    )
    # 2024-05-19T18:30:00Z is 2024-05-20 01:30 WIB: the history starts on 2024-05-20 (in UTC it is still the 19th).
    write_samples(site, "2024-05", "2024-05-19T18:30:00Z,up,200,120,,60")
    build(cli, site)
    assert first_day(site) == "2024-05-20"
    assert listed_years(site) == [2026, 2025, 2024]
    first = site.days("spse")[0]
    # Before 01:30 the incidents count (none: up, 90 min); the sample covers 15 min (max_gap); the rest of
    # the day, in the probe era with neither sample nor incident, is no data: 1440 − 90 − 15 = 1335 min.
    assert (first["uptime"], first["no_data_minutes"], first["source"]) == (100.0, 1335.0, "probes")


def test_compacted_runs_alone_start_the_history(make_site, cli) -> None:
    site = bare_site(make_site)
    folder = site.root / "history" / "spse"
    folder.mkdir(parents=True)
    # A run from 2023-02-28T17:00Z, which is 2023-03-01 00:00 WIB: the history starts on 2023-03-01.
    (folder / "runs.csv").write_text(
        "month,start,end,status\n2023-02,2023-02-28T17:00:00Z,2023-02-28T18:00:00Z,up\n", encoding="utf-8"
    )
    (folder / "compacted.csv").write_text("month,runs,days\n2023-02,1,1\n", encoding="utf-8")
    run = build(cli, site)
    assert "history/spse" not in run.err  # nothing set aside
    assert first_day(site) == "2023-03-01"
    assert listed_years(site) == [2026, 2025, 2024, 2023]
    (component,) = api(site, "api/v2/components.json")["components"]
    assert component["start_date"] == "2023-03-01"
    assert "Riwayat gangguan sejak 2023" in site.file("index.html")


def test_the_start_a_build_found_is_kept_and_checked_by_the_next(make_site, cli, tmp_path) -> None:
    """A build finds where the history starts and keeps it (.cache/statusgen/start.json), so that the next need
    not read the history twice; that build checks it against what it reads, and works the figures out again
    from the start it finds when the kept one no longer stands: the site is then the one a build without the
    cache makes."""
    site = bare_site(make_site)
    write_samples(site, "2024-05", "2024-05-19T18:30:00Z,up,200,120,,60")  # 2024-05-20 01:30 WIB
    kept = site.root / ".cache" / "statusgen" / "start.json"
    build(cli, site)
    assert json.loads(kept.read_text(encoding="utf-8")) == {"start": "2024-05-20", "now": False}

    def same_as_without_cache(name: str) -> None:
        build(cli, site, "2026-12-05T10:05+07:00")
        run = cli("build", "--config", site.config, "--out", tmp_path / name, "--now", "2026-12-05T10:05+07:00",
                  "--no-cache")  # fmt: skip
        assert run.code == 0, run.err
        for relative in ("api/v1/components/spse/daily/2024.json", "history/index.html", "sla/index.html"):
            assert site.file(relative) == (tmp_path / name / relative).read_text(encoding="utf-8"), relative

    # A kept start that is wrong (written by hand, or by an older history): checked, and put right.
    kept.write_text('{"start": "2025-01-01", "now": false}', encoding="utf-8")
    same_as_without_cache("wrong")
    assert first_day(site) == "2024-05-20" and listed_years(site) == [2026, 2025, 2024]
    assert json.loads(kept.read_text(encoding="utf-8"))["start"] == "2024-05-20"
    # History older than any before (a month's file restored): the start moves back, the figures follow.
    write_samples(site, "2023-11", "2023-11-30T17:00:00Z,down,503,40,status,60")  # 2023-12-01 00:00 WIB
    same_as_without_cache("older")
    assert first_day(site) == "2023-12-01" and listed_years(site) == [2026, 2025, 2024, 2023]
    assert json.loads(kept.read_text(encoding="utf-8"))["start"] == "2023-12-01"
    # Unreadable: the history is read twice, as without it.
    kept.write_text("{", encoding="utf-8")
    same_as_without_cache("unreadable")
    assert first_day(site) == "2023-12-01"


def test_compact_needs_no_history_start(make_site, cli) -> None:
    """``compact`` reads only status.yml: without history_start no sample is before the history, none is set aside."""
    site = bare_site(make_site)
    write_samples(site, "2024-05", "2024-05-19T18:30:00Z,up,200,120,,60", "2024-05-19T18:45:00Z,down,,,timeout,")
    run = cli("compact", "--config", site.config, "--now", NOW)
    assert run.code == 0, run.err
    assert "spse: 2024-05 compacted into 2 runs" in run.out
    build(cli, site)
    assert first_day(site) == "2024-05-20"


# ---------------------------------------------------------------------------------------------------------
# (e) A written history_start is kept.


def test_a_written_history_start_is_kept_without_records(make_site, cli) -> None:
    site = bare_site(make_site, extra="history_start: 2011-01-01\n")
    build(cli, site)
    # 2026 down to 2011: sixteen years, each with its page.
    assert listed_years(site) == list(range(2026, 2010, -1))
    assert (site.out / "history" / "2011" / "index.html").is_file()
    assert "Riwayat gangguan sejak 2011" in site.file("index.html")
    assert first_day(site) == "2011-01-01"
    (component,) = api(site, "api/v2/components.json")["components"]
    assert component["start_date"] == "2011-01-01"
    # What the staff wrote vouches for the time: no incident since 2011, so 100 %, as before.
    page = site.file("components/spse/index.html")
    assert '<tr><th scope="row">Sepanjang waktu</th><td>100,000%</td></tr>' in page


def test_a_written_history_start_is_kept_after_an_earlier_record(make_site, cli) -> None:
    """A written start later than the first record stays: the earlier incident is listed, and warned about."""
    site = bare_site(make_site, extra="history_start: 2020-01-01\n")
    site.incident(
        "2019-03-04-gangguan", INCIDENT.format(started="2019-03-04 22:30 +07:00", resolved="2019-03-04 23:00 +07:00")
    )
    run = build(cli, site)
    assert "starts before history_start (2020-01-01)" in run.err
    assert first_day(site) == "2020-01-01"
    assert listed_years(site)[-1] == 2019  # the incident's year is still listed, as before
    assert "Riwayat gangguan sejak 2020" in site.file("index.html")


def test_a_sample_from_a_wrong_clock_does_not_start_the_history(make_site, cli) -> None:
    """A probe whose clock said 1970 wrote a sample no record could hold (times before 1990 are refused
    everywhere else): it is set aside with a warning, and the history starts at the first believable record."""
    site = bare_site(make_site)
    site.incident(
        "2019-03-04-gangguan", INCIDENT.format(started="2019-03-04 22:30 +07:00", resolved="2019-03-04 23:00 +07:00")
    )
    write_samples(site, "1970-01", "1970-01-01T00:00:00Z,up,200,100,,40")
    run = build(cli, site)
    # Line 2, under the header; the bound is 1990-01-01 00:00 in WIB.
    assert (
        "history/spse/1970-01.csv:2: warning: 1 probe samples are dated before the component's history starts "
        "(1990-01-01T00:00:00+07:00) and are not counted" in run.err
    )
    assert first_day(site) == "2019-03-04"
    assert listed_years(site)[-1] == 2019


def test_time_no_record_vouches_for_is_no_data() -> None:
    """uptime.unvouched, by hand: from the start of the history to the moment before which nothing is recorded."""
    down = Segment(150, 200, 1000, False)
    # Nothing to mark: as it was.
    assert unvouched([down], 0, None) == [down]
    assert unvouched([down], 0, datetime.fromtimestamp(0, UTC)) == [down]  # the moment is the start itself
    # [0, 100) becomes no data; the outage after it is kept.
    assert unvouched([down], 0, datetime.fromtimestamp(100, UTC)) == [Segment(0, 100, 0, False, True), down]
    # A segment across the moment is cut there, so the segments stay disjoint: [150, 200) → [180, 200).
    assert unvouched([down], 0, datetime.fromtimestamp(180, UTC)) == [
        Segment(0, 180, 0, False, True),
        Segment(180, 200, 1000, False),
    ]
    # A whole day of it (86 400 s) is a day with no uptime figure, all its minutes no data.
    (day,) = daily([(date(2026, 12, 5), 0, 86400)], unvouched([], 0, datetime.fromtimestamp(86400, UTC)))
    assert (day.uptime, day.no_data_minutes) == (None, 1440.0)


def test_a_build_from_nothing_guesses_the_start_from_the_first_lines_and_checks_the_guess(
    make_site, cli, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a kept start, a build takes where the history starts from the first line of runs.csv and of the
    oldest month's file, and reads each history once; a file out of order makes that guess wrong, which the
    reading finds and puts right (that history is read again): the site is the one the files in order make."""
    reads: list[str] = []
    read = statusgen.build.HistoryReader.read

    def counted(self, config, component, now, recent=False):  # type: ignore[no-untyped-def]
        reads.append(component.id)
        return read(self, config, component, now, recent)

    monkeypatch.setattr(statusgen.build.HistoryReader, "read", counted)
    # 2024-05-09T17:00Z is 2024-05-10 00:00 WIB; 2024-05-20T05:00Z is 2024-05-20 12:00 WIB.
    earliest, later = "2024-05-09T17:00:00Z,down,503,40,status,60", "2024-05-20T05:00:00Z,up,200,120,,60"
    site = bare_site(make_site)
    for name, lines, expected in (("in-order", (earliest, later), ["spse"]),
                                  ("out-of-order", (later, earliest), ["spse", "spse"])):  # fmt: skip
        write_samples(site, "2024-05", *lines)  # out of order, the first line says 2024-05-20: a wrong guess
        reads.clear()
        run = cli("build", "--config", site.config, "--out", tmp_path / name, "--now", NOW, "--no-cache")
        assert run.code == 0, run.err
        assert reads == expected, name
    for relative in ("api/v1/components/spse/daily/2024.json", "history/index.html", "sla/index.html",
                     "components/spse/index.html", "index.html"):  # fmt: skip
        ours, theirs = (tmp_path / "out-of-order" / relative), (tmp_path / "in-order" / relative)
        assert ours.read_bytes() == theirs.read_bytes(), relative
    assert every_day(tmp_path / "out-of-order", "spse")[0]["date"] == "2024-05-10"  # not the guess, 2024-05-20
