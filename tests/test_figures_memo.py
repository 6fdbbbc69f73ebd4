"""What a history adds up to before the current month (its compacted runs and the months that are over), kept
between builds (figures.Before in .cache/statusgen/figures/): a build that takes it and works out only the time
since is the build that works out everything, byte for byte, and anything it is made from changing makes it
again.

The site here: two years and nine months of compacted runs (a day a run, half an hour down every seventh day)
and October and November 2026 as raw 5-minute samples, for a component of status.yml and for an instance, which only its
probes vouch for; incidents before, across and after the end of the runs, one of them external.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

import statusgen.recorded
from statusgen import uptime
from statusgen.figures import year_digests
from statusgen.uptime import DailyUptime, PackedDays
from tests.conftest import ROOT, Site
from tests.test_build import digest
from tests.test_reuse import mark, marked

CONFIG = """\
title: Uji
base_url: https://example.org/status/
timezone: Asia/Makassar
history_start: 2024-01-01
languages: [id]
components:
  - id: spse
    name: SPSE
    probe: {url: "https://spse.example.org/"}
instances:
  file: lpse.csv
  group: {id: "LPSE di {province}"}
"""
START, CUT = date(2024, 1, 1), datetime(2026, 10, 1, tzinfo=UTC)  # the runs end where October's samples start


def incident(slug: str, started: str, resolved: str, extra: str = "", components: str = "[spse, ujikab]") -> str:
    return (
        f"---\ntitle: {slug}\ncomponents: {components}\nseverity: major\nstarted: {started}\n"
        f"resolved: {resolved}\n{extra}---\nRingkasan.\n"
    )


def write_history(folder: Path) -> None:
    """Runs from 2024-01-01 to the cut (UTC days), compacted.csv naming their months, November's samples."""
    folder.mkdir(parents=True)
    runs, months, day = [], [], datetime(2024, 1, 1, tzinfo=UTC)
    while day < CUT:
        month = f"{day:%Y-%m}"
        months += [month] if month not in months else []
        stamp = "%Y-%m-%dT%H:%M:%SZ"
        if day.toordinal() % 7 == 0:  # down 01:00–01:30 UTC
            down, back = day + timedelta(hours=1), day + timedelta(hours=1, minutes=30)
            runs += [f"{month},{day:{stamp}},{down:{stamp}},up", f"{month},{down:{stamp}},{back:{stamp}},down"]
            runs += [f"{month},{back:{stamp}},{day + timedelta(days=1):{stamp}},up"]
        else:
            runs.append(f"{month},{day:{stamp}},{day + timedelta(days=1):{stamp}},up")
        day += timedelta(days=1)
    (folder / "runs.csv").write_text("month,start,end,status\n" + "\n".join(runs) + "\n", encoding="utf-8")
    counted = "".join(f"{m},{sum(r.startswith(m) for r in runs)},28\n" for m in months)
    (folder / "compacted.csv").write_text("month,runs,days\n" + counted, encoding="utf-8")
    lines: dict[str, list[str]] = {}
    moment = CUT
    while moment < datetime(2026, 11, 26, 2, 0, tzinfo=UTC):
        status = "down,503,40,status" if moment.day == 10 and moment.hour == 3 else "up,200,180,"
        if moment.day == 31 and moment.hour == 23:  # slow across the end of October (00:00 UTC is 08:00 WITA)
            status = "degraded,200,9000,"
        # None from 23:55 UTC to 00:10: the last of October covers the first ten minutes of November (max_gap).
        if not datetime(2026, 10, 31, 23, 55, tzinfo=UTC) < moment < datetime(2026, 11, 1, 0, 10, tzinfo=UTC):
            lines.setdefault(f"{moment:%Y-%m}", []).append(f"{moment:%Y-%m-%dT%H:%M:%SZ},{status},30")
        moment += timedelta(minutes=5)
    for month, found in lines.items():
        (folder / f"{month}.csv").write_text(
            "time,status,http_status,latency_ms,error,cert_days\n" + "\n".join(found) + "\n", encoding="utf-8"
        )


@pytest.fixture
def site(make_site) -> Site:
    made = make_site(CONFIG)
    (made.root / "lpse.csv").write_text("code,name,province\nujikab,LPSE Kabupaten Uji,Uji\n", encoding="utf-8")
    for cid in ("spse", "ujikab"):
        write_history(made.root / "history" / cid)
    made.incident("2025-03-04-listrik", incident("listrik", "2025-03-04 09:00", "2025-03-04 12:00"))
    made.incident(  # external: the SLA figure leaves it out, so the SLA segments differ and are kept too
        "2026-10-31-kabel",
        incident("kabel", "2026-10-31 22:00", "2026-11-01 10:00", "cause: external\n", components="[spse]"),
    )
    made.incident("2026-11-20-lambat", incident("lambat", "2026-11-20 10:00", "2026-11-20 10:40"))
    return made


def entries(site: Site) -> dict[str, str]:
    """The kept figures, file by file, by their bytes' digest."""
    folder = site.root / ".cache" / "statusgen" / "figures"
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.bin"))}


def same_as_from_nothing(cli, site: Site, now: str, name: str) -> None:
    """A build into site/ (with the cache) and one from nothing, no cache, at the same moment: the same bytes."""
    for extra in ((), ("--no-cache",)):
        out = site.out if not extra else site.root.parent / name
        run = cli("build", "--config", site.config, "--out", out, "--now", now, *extra)
        assert run.code == 0, run.err
    kept, fresh = digest(site.out), digest(site.root.parent / name)
    assert kept == fresh, sorted(path for path in kept.keys() | fresh.keys() if kept.get(path) != fresh.get(path))


def append_sample(site: Site, moment: str, status: str = "up,200,180,") -> None:
    append_sample_in(site, "2026-11", moment, status)


def append_sample_in(site: Site, month: str, moment: str, status: str = "up,200,180,") -> None:
    for cid in ("spse", "ujikab"):
        with (site.root / "history" / cid / f"{month}.csv").open("a", encoding="utf-8") as file:
            file.write(f"{moment},{status},30\n")


def test_kept_figures_give_the_build_from_nothing_and_follow_what_they_are_made_of(cli, site) -> None:
    same_as_from_nothing(cli, site, "2026-11-26T10:00+08:00", "first")
    first = entries(site)
    assert len(first) == 2  # the component and the instance: both have runs

    # A probe run adds a sample: the kept figures are taken as they are (not written again).
    append_sample(site, "2026-11-26T02:00:00Z", "down,503,40,status")
    same_as_from_nothing(cli, site, "2026-11-26T10:05+08:00", "probed")
    assert entries(site) == first

    # An incident of 2025 edited: what the runs add up to with it changes, so it is worked out again.
    path = site.root / "incidents" / "2025-03-04-listrik.md"
    path.write_text(path.read_text(encoding="utf-8").replace("12:00", "15:00"), encoding="utf-8")
    same_as_from_nothing(cli, site, "2026-11-26T10:10+08:00", "edited")
    edited = entries(site)
    assert edited.keys() == first.keys() and all(edited[name] != first[name] for name in first)

    # A run more (a month compacted again, one run longer): worked out again.
    runs = site.root / "history" / "spse" / "runs.csv"
    runs.write_text(runs.read_text(encoding="utf-8").replace("T01:30:00Z,up", "T01:45:00Z,up", 1), encoding="utf-8")
    text = runs.read_text(encoding="utf-8")
    runs.write_text(text.replace("T01:30:00Z,down", "T01:45:00Z,down", 1), encoding="utf-8")
    same_as_from_nothing(cli, site, "2026-11-26T10:15+08:00", "compacted")
    assert sum(entries(site)[name] != edited[name] for name in edited) == 1  # spse's only

    # Another day: the same figures from what was kept (the time since is worked out), into a new day.
    append_sample(site, "2026-11-26T17:00:00Z")
    same_as_from_nothing(cli, site, "2026-11-27T01:10+08:00", "next-day")
    kept = entries(site)

    # A line that reaches October, a month that is over: its samples are part of what is kept, so worked out again.
    with (site.root / "history" / "ujikab" / "2026-10.csv").open("a", encoding="utf-8") as month:
        month.write("2026-10-15T03:02:00Z,down,503,40,status,30\n")
    same_as_from_nothing(cli, site, "2026-11-27T01:15+08:00", "late")
    assert sum(entries(site)[name] != kept[name] for name in kept) == 1  # ujikab's only

    # A new month: November is over too, and what is kept now ends where December starts.
    for cid in ("spse", "ujikab"):
        (site.root / "history" / cid / "2026-12.csv").write_text(
            "time,status,http_status,latency_ms,error,cert_days\n2026-12-01T00:05:00Z,up,200,180,,30\n",
            encoding="utf-8",
        )
    same_as_from_nothing(cli, site, "2026-12-01T08:10+08:00", "december")
    append_sample_in(site, "2026-12", "2026-12-01T00:10:00Z")
    december = entries(site)
    same_as_from_nothing(cli, site, "2026-12-01T08:15+08:00", "december-probed")
    assert entries(site) == december


def test_the_years_that_are_over_are_kept_by_the_build_after_a_build_from_nothing(cli, site) -> None:
    # The build from nothing works out the figures of every month and year; the next takes those that end by
    # the cut from what the first kept. A history that starts within a month has its first day as the start of
    # its first month and of its first year: one date object for two fields, where the kept figures have two.
    # Equal figures must give equal page keys however their objects are shared (model.canonical); the first
    # year's pages used to be made again on every build.
    config = site.root / "status.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("2024-01-01", "2024-01-14"), encoding="utf-8")
    cli("build", "--config", site.config, "--out", site.out, "--now", "2026-11-26T10:00+08:00")
    years = sorted(site.out.glob("components/*/202[45]/index.html"))
    assert len(years) == 4  # spse and ujikab, 2024 and 2025
    for page in years:
        mark(page)
    append_sample(site, "2026-11-26T02:00:00Z")
    run = cli("build", "--config", site.config, "--out", site.out, "--now", "2026-11-26T10:05+08:00")
    assert run.code == 0, run.err
    assert [page.relative_to(site.out).as_posix() for page in years if not marked(page)] == []


def test_an_entry_of_another_key_or_unreadable_is_not_taken(cli, site) -> None:
    same_as_from_nothing(cli, site, "2026-11-26T10:00+08:00", "first")
    folder = site.root / ".cache" / "statusgen" / "figures"
    first = entries(site)
    spse, ujikab = sorted(folder.glob("*.bin"))
    spse.write_bytes(b"not marshal")
    ujikab.write_bytes(ujikab.read_bytes()[:-100])
    same_as_from_nothing(cli, site, "2026-11-26T10:05+08:00", "damaged")
    assert entries(site) == first  # written again, as they were


def test_a_probe_run_reads_the_current_month_alone_while_what_is_before_it_is_kept(cli, site, monkeypatch) -> None:
    """What the runs and October add up to is kept by the first build: after a probe run, the next reads
    November's samples alone (October's file and the runs are only digested for the key), and makes the site
    a build from nothing makes, the response-time chart across the end of October included (slow samples on
    both sides of 00:00 UTC, 08:00 WITA, the cut). A line out of place in either month is found and named."""
    monkeypatch.setenv("STATUSGEN_WORKERS", "1")  # read in this process, where the reading is counted
    same_as_from_nothing(cli, site, "2026-11-26T10:00+08:00", "first")
    parsed: list[str] = []
    samples, runs = statusgen.recorded.cached_samples, statusgen.recorded.cached_runs

    def counted_samples(cache, path, *rest):  # type: ignore[no-untyped-def]
        parsed.append(f"{path.parent.name}/{path.name}")
        return samples(cache, path, *rest)

    def counted_runs(cache, path, *rest):  # type: ignore[no-untyped-def]
        parsed.append(f"{path.parent.name}/{path.name}")
        return runs(cache, path, *rest)

    monkeypatch.setattr(statusgen.recorded, "cached_samples", counted_samples)
    monkeypatch.setattr(statusgen.recorded, "cached_runs", counted_runs)
    append_sample(site, "2026-11-26T02:00:00Z", "degraded,200,7000,")
    same_as_from_nothing(cli, site, "2026-11-26T10:05+08:00", "probed")
    assert sorted(parsed) == ["spse/2026-11.csv", "ujikab/2026-11.csv"]

    # A malformed line in November is read, and named, by the build that reads November alone.
    with (site.root / "history" / "spse" / "2026-11.csv").open("a", encoding="utf-8") as month:
        month.write("2026-11-26T02:05:00Z,up,200\n")
    parsed.clear()
    run = cli("build", "--config", site.config, "--out", site.out, "--now", "2026-11-26T10:10+08:00")
    assert run.code == 0 and "history/spse/2026-11.csv:" in run.err and "warning" in run.err, run.err
    assert sorted(parsed) == ["spse/2026-11.csv", "ujikab/2026-11.csv"]

    # One in October changes a file the key is made of: that history is read whole again, and the line named.
    with (site.root / "history" / "ujikab" / "2026-10.csv").open("a", encoding="utf-8") as month:
        month.write("2026-10-15T03:02:00Z,down\n")
    parsed.clear()
    run = cli("build", "--config", site.config, "--out", site.out, "--now", "2026-11-26T10:15+08:00")
    assert run.code == 0 and "history/ujikab/2026-10.csv:" in run.err, run.err
    # (November first, by the reading that finds the key changed, then everything.)
    whole = ["ujikab/2026-10.csv", "ujikab/2026-11.csv", "ujikab/runs.csv"]
    assert sorted(parsed) == sorted(["spse/2026-11.csv", "ujikab/2026-11.csv", *whole])


def test_segments_from_a_moment_joined_to_those_before_it_are_the_segments() -> None:
    """By hand: down 10–20 (probe), an incident 15–40 at 300‰, covered 0–50 then no data 50–60 (until 60).
    Cut anywhere, the segments before it joined to those from it are the segments of one sweep."""
    probes = uptime.ProbeRecord(0, 60, (uptime.Outage(0, 10, 0), uptime.Outage(10, 20, 1000), uptime.Outage(20, 50, 0)))
    outages = [uptime.Outage(15, 40, 300)]
    whole = uptime.segments(outages, [], probes)
    assert [(p.start, p.end, p.weight, p.no_data) for p in whole] == [
        (10, 20, 1000, False),
        (20, 40, 300, False),
        (50, 60, 0, True),
    ]
    for cut in range(61):
        assert uptime.joined(uptime.before(whole, cut), uptime.segments(outages, [], probes, since=cut)) == whole
    # Cut inside the no-data stretch: before it, 50–55; from it, 55–60, one segment again once joined.
    assert uptime.segments(outages, [], probes, since=55) == [uptime.Segment(55, 60, 0, False, True)]


def test_the_keys_are_the_same_in_every_process(site) -> None:
    """Two builds in processes of their own, with different string hashing: the second takes what the first kept
    (its entries are not written again), so nothing in a key depends on the process."""
    command = [sys.executable, str(ROOT / "generate.py"), "build", "--config", str(site.config), "--out", str(site.out)]
    times = []
    for seed, now in (("1", "2026-11-26T10:00+08:00"), ("2", "2026-11-26T10:05+08:00")):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([*command, "--now", now], env=env, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
        folder = site.root / ".cache" / "statusgen" / "figures"
        times.append({path.name: path.stat().st_mtime_ns for path in folder.glob("*.bin")})
    assert len(times[0]) == 2 and times[1] == times[0]


def test_a_year_digest_follows_that_years_days_and_probe_statuses_alone() -> None:
    # Two years of days from 30 December 2024: 30 and 31 December in 2024, 1 and 2 January in 2025.
    up = (1440.0, 0.0, 0.0, 100.0, "probes", 0.0)
    days = [DailyUptime(date(2024, 12, 30) + timedelta(days=n), *up) for n in range(4)]
    probed = {date(2024, 12, 31): frozenset({"up"}), date(2025, 1, 2): frozenset({"up", "down"})}
    found = year_digests(days, probed, [2024, 2025, 2026])
    assert set(found) == {2024, 2025}  # 2026 has no day
    # 2025's own bytes, by hand: its first day's ordinal and each figure a column; each probed day's statuses.
    columns = (date(2025, 1, 1).toordinal(), ((1440.0, 1440.0), (0.0, 0.0), (0.0, 0.0), (100.0, 100.0),
                                               ("probes", "probes"), (0.0, 0.0)))  # fmt: skip
    statuses = ((date(2025, 1, 2).toordinal(), ("down", "up")),)
    assert found[2025] == (
        hashlib.sha256(marshal.dumps(columns, 2)).digest(),
        hashlib.sha256(marshal.dumps(statuses, 2)).digest(),
    )
    # A day of 2025 down for 72 minutes changes 2025's days alone; a status seen in 2024, 2024's statuses alone.
    worse = [*days[:3], DailyUptime(date(2025, 1, 2), 1440.0, 72.0, 0.0, 95.0, "probes", 0.0)]
    changed = year_digests(worse, probed, [2024, 2025])
    assert changed[2024] == found[2024] and changed[2025][0] != found[2025][0]
    assert changed[2025][1] == found[2025][1]
    seen = year_digests(days, {**probed, date(2024, 12, 30): frozenset({"degraded"})}, [2024, 2025])
    assert seen[2024][0] == found[2024][0] and seen[2024][1] != found[2024][1] and seen[2025] == found[2025]
    assert year_digests(PackedDays.of(days), probed, [2024, 2025]) == {y: found[y] for y in (2024, 2025)}


def test_a_year_that_is_over_is_made_again_when_its_history_changes(cli, site) -> None:
    """The digests of the years over by the cut are kept with the figures (Reading.settled): a change to the
    runs of 2025 makes that history be read whole, and 2025's pages are made again; 2024's are kept. The change
    is an hour of slow answers: degraded counts as up, so 2025's uptime, its months and its year are as they
    were, and only the probe statuses of one of its days say so (the calendar's cell)."""
    cli("build", "--config", site.config, "--out", site.out, "--now", "2026-11-26T10:00+08:00")
    pages = {year: site.out / f"components/ujikab/{year}/index.html" for year in (2024, 2025)}
    for page in pages.values():
        mark(page)
    runs = site.root / "history" / "ujikab" / "runs.csv"
    text = runs.read_text(encoding="utf-8")
    # 2025-06-10, a day up all day (its ordinal is not a multiple of 7): degraded from 01:00 to 02:00 UTC now.
    day = "2025-06-10T00:00:00Z,2025-06-11T00:00:00Z,up"
    assert day in text
    split = ("2025-06-10T00:00:00Z,2025-06-10T01:00:00Z,up\n"
             "2025-06,2025-06-10T01:00:00Z,2025-06-10T02:00:00Z,degraded\n"
             "2025-06,2025-06-10T02:00:00Z,2025-06-11T00:00:00Z,up")  # fmt: skip
    runs.write_text(text.replace(day, split), encoding="utf-8")
    compacted = site.root / "history" / "ujikab" / "compacted.csv"
    compacted.write_text(compacted.read_text(encoding="utf-8").replace("2025-06,40,", "2025-06,42,"), encoding="utf-8")
    append_sample(site, "2026-11-26T02:00:00Z")
    run = cli("build", "--config", site.config, "--out", site.out, "--now", "2026-11-26T10:05+08:00")
    assert run.code == 0, run.err
    assert {year: marked(page) for year, page in pages.items()} == {2024: True, 2025: False}
    page = pages[2025].read_text(encoding="utf-8")
    assert 'class="day-degraded">10 <span>' in page, "the calendar's 10 June says so"
