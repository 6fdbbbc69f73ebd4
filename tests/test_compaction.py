"""Compaction: old raw months become runs, and the published figures do not change."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from statusgen import cli as cli_module
from statusgen import output
from statusgen.compaction import cutoff_month
from statusgen.history import HEADER, RUNS_HEADER

# Compaction runs in January 2022: keeping three months besides January, October is the first kept.
LATER = "2022-01-15T12:00+08:00"

CONFIG = """\
title: Uji
base_url: https://example.github.io/status/
history_start: 2021-07-01
timezone: Asia/Makassar
components:
  - id: spse
    name: SPSE
    probe:
      url: https://spse.example.org/
"""


def write_history(site) -> None:
    """Aug–Oct 2021 every 10 minutes, with down spells, slow spells and a missed day."""
    folder = site.root / "history" / "spse"
    folder.mkdir(parents=True)
    moment = datetime(2021, 8, 1, tzinfo=UTC)
    files: dict[str, list[str]] = {}
    while moment < datetime(2021, 11, 1, tzinfo=UTC):
        if moment.date() != datetime(2021, 9, 12).date():  # a day with no runs at all
            minute = int(moment.timestamp()) // 60
            status = (
                "down,,,timeout,"
                if minute % 997 < 30
                else ("degraded,200,4000,," if minute % 611 < 20 else "up,200,90,,")
            )
            files.setdefault(moment.strftime("%Y-%m"), []).append(f"{moment:%Y-%m-%dT%H:%M:%SZ},{status}")
        moment += timedelta(minutes=10)
    for month, lines in files.items():
        (folder / f"{month}.csv").write_text(",".join(HEADER) + "\n" + "\n".join(lines) + "\n")


def figures(site) -> dict:
    """daily.json, with ``days`` every day of the history (the year files joined)."""
    return {**json.loads(site.file("api/v1/components/spse/daily.json")), "days": site.days("spse")}


def levels(site) -> list[str]:
    """The level of each day of 2021 as the calendar shows it: a class, or none for a day up all day."""
    page = site.file("components/spse/2021/index.html")
    grids = page.split('<div class="calendar">')[1].split("</div>")[0]
    return [found or "plain" for found in re.findall(r'<td(?: class="day-(\w+)")?>(?=<b>|<a|\d)', grids)]


@pytest.mark.slow
def test_compaction_keeps_every_published_figure(make_site, cli) -> None:
    site = make_site(CONFIG)
    write_history(site)
    now = "2021-11-15T12:00+08:00"
    assert cli("build", "--config", site.config, "--out", site.out, "--now", now).code == 0
    before = figures(site)
    windows_before = site.file("components/spse/index.html").split('<table class="figures">')[1].split("</table>")[0]
    levels_before = levels(site)
    assert levels_before.count("major") > 20  # the down spells' days, from their samples

    run = cli("compact", "--config", site.config, "--keep-months", "3", "--now", LATER)
    assert run.code == 0, run.err
    folder = site.root / "history" / "spse"
    # Cutoff: January 2022 minus three months = October; August and September are rolled up.
    assert sorted(p.name for p in folder.iterdir()) == ["2021-10.csv", "compacted.csv", "daily.csv", "runs.csv"]
    assert (folder / "compacted.csv").read_text().splitlines()[0] == "month,runs,days,bytes,sha256"
    runs = (folder / "runs.csv").read_text().splitlines()
    assert runs[0] == ",".join(RUNS_HEADER)
    assert 10 < len(runs) < 1000  # far fewer lines than the ~8600 samples
    daily = (folder / "daily.csv").read_text().splitlines()
    assert daily[0] == "date,samples,up,degraded,down,median_ms,p95_ms"
    assert "2021-09-12" not in "".join(daily)  # the missed day has no samples
    assert len(daily) == 1 + 31 + 29

    assert cli("build", "--config", site.config, "--out", site.out, "--now", now).code == 0
    assert figures(site) == before
    windows_after = site.file("components/spse/index.html").split('<table class="figures">')[1].split("</table>")[0]
    assert windows_after == windows_before
    # The calendar reads the same from runs as from samples: a day a run of failures touched is an outage day.
    assert levels(site) == levels_before
    assert "Terakhir diperiksa <time" in site.file("components/spse/index.html")
    sep12 = next(d for d in before["days"] if d["date"] == "2021-09-12")
    assert sep12["no_data_minutes"] > 0 and sep12["source"] == "probes"

    # With every raw month compacted, the page still says when the probe last looked.
    october = (folder / "2021-10.csv").read_bytes()
    (folder / "2021-10.csv").unlink()
    assert cli("build", "--config", site.config, "--out", site.out, "--now", now).code == 0
    page = site.file("components/spse/index.html")
    # The last compacted run ends at the next sample after 30 Sep 23:50 UTC: 1 Oct 00:00 UTC, 08:00 WITA.
    assert 'Terakhir diperiksa sebelum <time datetime="2021-10-01T08:00:00+08:00">' in page
    (folder / "2021-10.csv").write_bytes(october)

    # Running it again changes nothing.
    again = cli("compact", "--config", site.config, "--keep-months", "3", "--now", LATER)
    assert again.code == 0 and again.out == ""
    assert (folder / "runs.csv").read_text().splitlines() == runs


@pytest.mark.slow
def test_an_interrupted_compaction_counts_nothing_twice(make_site, cli) -> None:
    site = make_site(CONFIG)
    write_history(site)
    now = "2021-11-15T12:00+08:00"
    assert cli("build", "--config", site.config, "--out", site.out, "--now", now).code == 0
    before = figures(site)
    folder = site.root / "history" / "spse"
    august = (folder / "2021-08.csv").read_bytes()
    assert cli("compact", "--config", site.config, "--keep-months", "3", "--now", LATER).code == 0
    assert not (folder / "2021-08.csv").exists()
    runs, daily, marks = ((folder / n).read_text() for n in ("runs.csv", "daily.csv", "compacted.csv"))

    # Stopped after the mark, before the raw file was removed: readers ignore the raw file.
    (folder / "2021-08.csv").write_bytes(august)
    assert cli("build", "--config", site.config, "--out", site.out, "--now", now).code == 0
    assert figures(site) == before
    assert cli("compact", "--config", site.config, "--keep-months", "3", "--now", LATER).code == 0
    assert not (folder / "2021-08.csv").exists()
    assert (folder / "runs.csv").read_text() == runs  # nothing appended twice

    # Stopped before the mark, with only part of the runs written: the raw file stays in charge.
    # September's compaction finished; August's stopped after five of its runs.
    def keep(text: str, month: str, limit: int | None = None) -> str:
        lines = text.splitlines()
        august = [line for line in lines[1:] if line.startswith(month)][:limit]
        return "\n".join([lines[0], *august, *(line for line in lines[1:] if line.startswith("2021-09"))]) + "\n"

    (folder / "2021-08.csv").write_bytes(august)
    (folder / "compacted.csv").write_text(keep(marks, "none"))
    (folder / "runs.csv").write_text(keep(runs, "2021-08", 5))
    (folder / "daily.csv").write_text(keep(daily, "none"))
    assert cli("build", "--config", site.config, "--out", site.out, "--now", now).code == 0
    assert figures(site) == before
    assert cli("compact", "--config", site.config, "--keep-months", "3", "--now", LATER).code == 0
    assert sorted((folder / "compacted.csv").read_text().splitlines()) == sorted(marks.splitlines())
    assert not (folder / "2021-08.csv").exists()
    assert cli("build", "--config", site.config, "--out", site.out, "--now", now).code == 0
    assert figures(site) == before


def test_a_month_with_broken_lines_is_compacted_and_its_broken_lines_kept(make_site, cli) -> None:
    """A broken line (bytes that are not UTF-8; the unfinished last line of a run that was killed) is
    skipped by every reader. Compaction keeps it, as it was, in skipped.txt, and the month's figures
    are those of its sound lines, as before compaction."""
    site = make_site(CONFIG)
    write_history(site)
    folder = site.root / "history" / "spse"
    now = "2021-12-20T10:00+08:00"
    august = folder / "2021-08.csv"
    lines = august.read_bytes().count(b"\n")
    with august.open("ab") as handle:
        handle.write(b"2021-08-31T23:59:00Z,up,200,9\xe9,,\n2021-08-31T23:59:30Z,up,2")
    assert cli("build", "--config", site.config, "--out", site.out, "--now", now).code == 0
    before = figures(site)
    run = cli("compact", "--config", site.config, "--keep-months", "3", "--now", LATER)
    assert run.code == 0, run.err
    assert "2 malformed lines kept as they were in skipped.txt" in run.err
    assert not august.exists()
    kept = (
        "file:line: the line as it was\n"
        f"2021-08.csv:{lines + 1}: 2021-08-31T23:59:00Z,up,200,9\\xe9,,\n"
        f"2021-08.csv:{lines + 2}: 2021-08-31T23:59:30Z,up,2\n"
    )
    assert (folder / "skipped.txt").read_text() == kept
    # A compaction stopped before it marked the month does it again: the lines are not kept twice.
    august.write_text("")
    output.retire_month(folder, "2021-08", [], [], kept.splitlines(keepends=True)[1:])
    assert (folder / "skipped.txt").read_text() == kept
    assert cli("build", "--config", site.config, "--out", site.out, "--now", now).code == 0
    assert figures(site) == before


def test_a_line_appended_while_a_month_is_compacted_is_not_lost(make_site, cli, monkeypatch) -> None:
    """A probe run with a wrong clock appends to an old month after compaction read it: the month is
    left raw, nothing marked, and the next compaction takes the late line in."""
    site = make_site(CONFIG)
    write_history(site)
    folder = site.root / "history" / "spse"
    late = "2021-08-31T23:59:00Z,down,500,9,status,\n"
    real = output.retire_month

    def appended_meanwhile(folder: Path, month: str, *rest) -> None:
        if month == "2021-08" and late not in (folder / "2021-08.csv").read_text():
            with (folder / "2021-08.csv").open("a") as handle:
                handle.write(late)
        real(folder, month, *rest)

    monkeypatch.setattr(cli_module, "retire_month", appended_meanwhile)
    run = cli("compact", "--config", site.config, "--keep-months", "3", "--now", LATER)
    assert run.code == 0, run.err
    assert "2021-08.csv:1: warning: a line was appended while the month was compacted: left raw" in run.err
    assert (folder / "2021-08.csv").read_text().endswith(late)
    assert "2021-08" not in (folder / "compacted.csv").read_text()
    monkeypatch.undo()
    assert cli("compact", "--config", site.config, "--keep-months", "3", "--now", LATER).code == 0
    assert not (folder / "2021-08.csv").exists()
    runs = (folder / "runs.csv").read_text().splitlines()
    assert any(line.startswith("2021-08,2021-08-31T23:59:00Z,") and line.endswith(",down") for line in runs)


def test_keeping_fewer_than_three_months_is_refused(make_site, cli) -> None:
    site = make_site(CONFIG)
    run = cli("compact", "--config", site.config, "--keep-months", "2")
    assert run.code == 2
    assert "at least 3" in run.err


@pytest.mark.parametrize(
    ("now", "keep", "cutoff"),
    [
        # December is kept, and the 3 months before it: November, October, September. August and older go.
        (datetime(2026, 12, 5, 8, 0, tzinfo=UTC), 3, "2026-09"),
        # Across new year: January 2026, then December, November and October 2025 are kept.
        (datetime(2026, 1, 15, 12, 0, tzinfo=UTC), 3, "2025-10"),
        # The last minute of March: March, February, January, and December 2025.
        (datetime(2026, 3, 31, 23, 59, tzinfo=UTC), 3, "2025-12"),
        # A year besides the current month: December 2026 and all twelve months from December 2025.
        (datetime(2026, 12, 5, tzinfo=UTC), 12, "2025-12"),
        # December kept, and 11 months before it (January to November): one month less than a year back.
        (datetime(2026, 12, 31, tzinfo=UTC), 11, "2026-01"),
        # Two years and one month back from January: December 2023 is the first kept.
        (datetime(2026, 1, 1, tzinfo=UTC), 25, "2023-12"),
    ],
)
def test_the_cutoff_keeps_the_current_month_and_keep_months_before_it(now: datetime, keep: int, cutoff: str) -> None:
    assert cutoff_month(now, keep) == cutoff


def test_the_cutoff_is_the_month_of_now_in_its_own_zone() -> None:
    """``compact`` passes now in UTC, the zone of the history files' months: 1 January 00:30 WITA is still
    31 December 16:30 in UTC, so December is the current month there and September the first kept with 3."""
    now = datetime(2027, 1, 1, 0, 30, tzinfo=ZoneInfo("Asia/Makassar"))
    assert cutoff_month(now, 3) == "2026-10"
    assert cutoff_month(now.astimezone(UTC), 3) == "2026-09"
