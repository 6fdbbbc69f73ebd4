"""Stray probe samples: lines that parse but cannot be believed are counted in no figure and reported
at their line, and a strict build fails on them. The history files are never changed by a build.

The site: history from 2020-01-01, one major incident on 1 May 2021 from 10:00 to 22:00 WITA, and
normal probe samples in November 2026. May 2021 has 31 × 1440 = 44,640 minutes, 720 of them down:
its uptime is 100 × (1 − 720 / 44,640) = 98.3871 %. Every month from the probe era's start back to
2020 that has no incident is 100.0; the probe era starts on 20 November 2026.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from statusgen.history import HEADER

NOW = "2026-11-26T10:00+08:00"  # 02:00 UTC
CONFIG = """\
title: Uji
base_url: https://example.github.io/status/
timezone: Asia/Makassar
history_start: 2020-01-01
components:
  - id: spse
    name: SPSE
    probe:
      url: https://spse.example.org/
"""
INCIDENT = """\
---
title: SPSE mati
components: [spse]
severity: major
started: 2021-05-01 10:00
resolved: 2021-05-01 22:00
updates:
  - at: 2021-05-01 22:00
    status: resolved
    message: Pulih.
---
"""
# Every 5 minutes from 20 November 2026 00:00 UTC to 26 November 01:55 UTC, all up.
NORMAL = "".join(
    f"2026-11-{day:02d}T{minute // 60:02d}:{minute % 60:02d}:00Z,up,200,100,,40\n"
    for day in range(20, 27)
    for minute in range(0, 24 * 60 if day < 26 else 2 * 60, 5)
)


@pytest.fixture
def site(make_site):
    site = make_site(CONFIG)
    site.incident("2021-05-01-spse-mati", INCIDENT)
    folder = site.root / "history" / "spse"
    folder.mkdir(parents=True)
    (folder / "2026-11.csv").write_text(",".join(HEADER) + "\n" + NORMAL)
    return site


def monthly(site) -> dict[str, float | None]:
    document = json.loads(site.file("api/v1/components/spse/monthly.json"))
    return {month["month"]: month["uptime"] for month in document["months"]}


def write_july(path: Path, minutes: int) -> None:
    """A raw file of July 2026: "up" every 5 minutes from 00:00 UTC on the 1st, for ``minutes`` minutes."""
    path.write_text(
        ",".join(HEADER) + "\n" + "".join(f"2026-07-01T00:{m:02d}:00Z,up,200,100,,40\n" for m in range(0, minutes, 5))
    )


def lines_in(path: Path) -> int:
    return len(path.read_text().splitlines())


def built(cli, site, *extra: str):
    run = cli("build", "--config", site.config, "--out", site.out, "--now", NOW, *extra)
    return run


def test_the_site_as_it_should_be(cli, site) -> None:
    run = built(cli, site)
    assert run.code == 0, run.err
    assert "warning" not in run.err
    months = monthly(site)
    assert months["2021-05"] == 98.3871  # 100 × (1 − 720 / 44,640)
    assert months["2020-01"] == months["2023-03"] == months["2026-10"] == 100.0
    # November 2026: the probes say up from the 20th; before it, no incident: 100.
    assert months["2026-11"] == 100.0


def test_a_sample_in_the_wrong_month_file_is_not_believed(cli, site) -> None:
    """Before: every month from 2023-03 to 2026-10 became null (the probe era started in 2023, with no
    sample to vouch for the years after)."""
    november = site.root / "history" / "spse" / "2026-11.csv"
    with november.open("a") as handle:
        handle.write("2023-03-10T01:00:00Z,up,200,100,,40\n")
    before = november.read_bytes()
    run = built(cli, site)
    assert run.code == 0, run.err
    months = monthly(site)
    assert months["2023-03"] == months["2026-10"] == 100.0
    assert months["2021-05"] == 98.3871
    line = lines_in(november)  # the stray is the last line
    assert f"history/spse/2026-11.csv:{line}: warning: 1 probe samples dated outside 2026-11 are not counted" in run.err
    assert november.read_bytes() == before  # nothing is removed from history

    strict = built(cli, site, "--strict")
    assert strict.code == 1
    assert f"2026-11.csv:{line}: warning: 1 probe samples dated outside 2026-11" in strict.err
    assert "nothing was written" in strict.err


def test_a_sample_from_1970_does_not_start_the_probe_era(cli, site) -> None:
    """Before: 2021-05 dropped to 0.0 %, the only measured time of the month being the incident's."""
    ancient = site.root / "history" / "spse" / "1970-01.csv"
    ancient.write_text(",".join(HEADER) + "\n" + "1970-01-01T00:00:00Z,up,200,100,,40\n")
    run = built(cli, site)
    assert run.code == 0, run.err
    assert monthly(site)["2021-05"] == 98.3871
    assert monthly(site)["2020-01"] == 100.0
    assert (
        "history/spse/1970-01.csv:2: warning: 1 probe samples are dated before the component's history starts "
        "(2020-01-01T00:00:00+08:00) and are not counted" in run.err
    )
    assert built(cli, site, "--strict").code == 1


@pytest.mark.slow
def test_a_sample_later_than_now_is_not_believed_but_a_little_ahead_is(cli, site) -> None:
    november = site.root / "history" / "spse" / "2026-11.csv"
    # NOW is 02:00:00 UTC. LEEWAY is 5 minutes: 02:05:00 is still believed, 02:05:01 is not.
    with november.open("a") as handle:
        handle.write("2026-11-26T02:05:00Z,up,200,100,,40\n")
    run = built(cli, site)
    assert run.code == 0 and "warning" not in run.err
    with november.open("a") as handle:
        handle.write("2026-11-29T00:00:00Z,down,,,timeout,\n")
    run = built(cli, site)
    assert run.code == 0, run.err
    assert (
        f"history/spse/2026-11.csv:{lines_in(november)}: warning: 1 probe samples are dated after now "
        "(2026-11-26T10:00:00+08:00) and are not counted" in run.err
    )
    # The newest believable sample tells the status: the one from 01:55 UTC is 5 minutes old, fresh and up.
    index = site.file("index.html")
    assert 'data-component="spse" data-status="operational"' in index
    assert built(cli, site, "--strict").code == 1


@pytest.mark.slow
def test_a_line_for_a_month_already_compacted_is_reported_then_kept(cli, site) -> None:
    """Before: the build ignored it without a word, and `compact` removed the file ("compacted into 0 runs")."""
    folder = site.root / "history" / "spse"
    july = folder / "2026-07.csv"
    write_july(july, 60)
    assert cli("compact", "--config", site.config, "--now", NOW).code == 0  # July is four months before November
    assert not july.exists()
    built(cli, site)
    before = json.loads(site.file("api/v1/components/spse/daily.json"))

    late = "2026-07-02T00:00:00Z,down,,,timeout,\n"  # a run whose clock said July
    july.write_text(",".join(HEADER) + "\n" + late)
    run = built(cli, site)
    assert run.code == 0, run.err
    assert (
        "history/spse/2026-07.csv:2: warning: 1 lines reached 2026-07 after it was compacted and are not "
        "counted; the next 'compact' keeps them as they were in skipped.txt" in run.err
    )
    assert json.loads(site.file("api/v1/components/spse/daily.json")) == before
    assert built(cli, site, "--strict").code == 1

    compacted = cli("compact", "--config", site.config, "--now", NOW)
    assert compacted.code == 0, compacted.err
    assert "2026-07.csv:2: warning: 1 lines reached 2026-07 after it was compacted; kept as they were" in compacted.err
    assert "spse: 2026-07 was compacted before: its raw file removed" in compacted.out
    assert not july.exists()
    assert (folder / "skipped.txt").read_text().splitlines()[1:] == ["2026-07.csv:2: " + late.strip()]
    assert built(cli, site, "--strict").code == 0


def test_what_an_interrupted_compaction_left_is_not_a_late_line(cli, site) -> None:
    folder = site.root / "history" / "spse"
    july = folder / "2026-07.csv"
    write_july(july, 60)
    raw = july.read_bytes()
    assert cli("compact", "--config", site.config, "--now", NOW).code == 0
    july.write_bytes(raw)  # stopped after the month was marked, before the raw file was removed
    run = built(cli, site, "--strict")
    assert run.code == 0, run.err
    again = cli("compact", "--config", site.config, "--now", NOW)
    assert again.code == 0 and "warning" not in again.err
    assert not july.exists() and not (folder / "skipped.txt").exists()


def test_a_late_line_that_the_runs_seem_to_cover_is_kept_too(cli, site) -> None:
    """compacted.csv records the length and SHA-256 of what each month was compacted from, so a late line is
    told from what an interrupted compaction left even when its time and status fall inside a run."""
    folder = site.root / "history" / "spse"
    july = folder / "2026-07.csv"
    write_july(july, 35)
    raw = july.read_bytes()
    assert cli("compact", "--config", site.config, "--now", NOW).code == 0
    mark = (folder / "compacted.csv").read_text().splitlines()
    assert mark[0] == "month,runs,days,bytes,sha256"
    assert mark[1] == f"2026-07,1,1,{len(raw)},{hashlib.sha256(raw).hexdigest()}"
    # Left behind by a compaction stopped before it removed the file, then a late "up" at 00:07, inside
    # the run of "up" from 00:00 to 00:45.
    late = "2026-07-01T00:07:00Z,up,200,9999,,40"
    july.write_bytes(raw + late.encode() + b"\n")
    run = built(cli, site)
    assert "history/spse/2026-07.csv:9: warning: 1 lines reached 2026-07 after it was compacted" in run.err
    again = cli("compact", "--config", site.config, "--now", NOW)
    assert "2026-07.csv:9: warning: 1 lines reached 2026-07 after it was compacted; kept as they were" in again.err
    assert (folder / "skipped.txt").read_text().splitlines()[1:] == [f"2026-07.csv:9: {late}"]
    assert not july.exists()


def test_a_month_compacted_by_an_older_version_tells_late_lines_by_its_runs(cli, site) -> None:
    """Before the length and digest were recorded, compacted.csv held three columns; such a month's raw
    file holds late lines where no run of their status covers them."""
    folder = site.root / "history" / "spse"
    (folder / "runs.csv").write_text("month,start,end,status\n2026-07,2026-07-01T00:00:00Z,2026-07-01T00:45:00Z,up\n")
    (folder / "compacted.csv").write_text("month,runs,days\n2026-07,1,1\n")
    (folder / "2026-07.csv").write_text(
        ",".join(HEADER) + "\n2026-07-01T00:10:00Z,up,200,100,,40\n2026-07-01T00:20:00Z,down,,,timeout,\n"
    )
    run = built(cli, site)
    assert "history/spse/2026-07.csv:3: warning: 1 lines reached 2026-07 after it was compacted" in run.err


def test_compaction_keeps_strays_out_of_its_runs(cli, site) -> None:
    folder = site.root / "history" / "spse"
    july = folder / "2026-07.csv"
    july.write_text(
        ",".join(HEADER)
        + "\n"
        + "2026-07-01T00:00:00Z,up,200,100,,40\n"
        + "2026-08-15T00:00:00Z,down,,,timeout,\n"  # line 3: August's, in July's file
        + "2026-07-01T00:05:00Z,up,200,100,,40\n"
    )
    run = cli("compact", "--config", site.config, "--now", NOW)
    assert run.code == 0, run.err
    assert "2026-07.csv:3: warning: 1 stray probe samples (dated outside the month" in run.err
    assert (folder / "skipped.txt").read_text().splitlines()[1:] == [
        "2026-07.csv:3: 2026-08-15T00:00:00Z,down,,,timeout,"
    ]
    # One run of "up" from 00:00 to 00:05 + max_gap (15 minutes) = 00:20: the August line is not in it.
    assert (folder / "runs.csv").read_text().splitlines()[1:] == [
        "2026-07,2026-07-01T00:00:00Z,2026-07-01T00:20:00Z,up"
    ]


def test_a_file_whose_name_is_not_a_month_is_skipped_with_a_warning(cli, site) -> None:
    odd = site.root / "history" / "spse" / "2026-13.csv"
    odd.write_text(",".join(HEADER) + "\n" + "2026-11-26T01:00:00Z,down,,,timeout,\n")
    run = built(cli, site)
    assert run.code == 0
    assert "history/spse/2026-13.csv:1: warning: skipped: the file name is not a month" in run.err
    assert 'data-component="spse" data-status="operational"' in site.file("index.html")
