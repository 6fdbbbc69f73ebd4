"""The figures of a component probed from several places, worked out by hand: a tmp status.yml and history files
read by ``build.load`` and ``check_timeline``, and ``figures.site_figures`` at a fixed NOW.

The site is in Asia/Makassar (WITA, UTC+8). Samples are every 5 minutes from MIDNIGHT, 2026-11-25 00:00 WITA, to
NOW, 2026-11-26 10:00 WITA: 34 hours, 2040 minutes, so each sample covers the 5 minutes up to the next (max_gap
15) and the last, at minute 2035, covers up to NOW. stale_after is the default 30 minutes.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from statusgen import status, uptime
from statusgen.build import check_timeline, load
from statusgen.figures import Figures, SiteFigures, site_figures

NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)  # 2026-11-26 10:00 WITA
MIDNIGHT = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)  # 2026-11-25 00:00 WITA
END = 2040  # minutes from MIDNIGHT to NOW
DAY = date(2026, 11, 25)
TODAY = date(2026, 11, 26)

HEAD = """\
title: Uji
base_url: https://example.github.io/status/
timezone: Asia/Makassar
history_start: 2026-11-25
"""

TWO_PUBLIC = (
    HEAD
    + """\
vantages:
  - {id: github, kind: public}
  - {id: jakarta, kind: public}
components:
  - id: spse
    probe: {url: 'https://spse.example.go.id/'}
"""
)

PLAIN = HEAD + "components:\n  - id: spse\n    probe: {url: 'https://spse.example.go.id/'}\n"
HOME_ONLY = PLAIN.replace("components:", "vantages: [{id: github}]\ncomponents:")


def write(root: Path, config: str, **folders: list[str]) -> Path:
    """status.yml, and each history folder's lines (``spse__jakarta`` is ``spse/@jakarta``)."""
    (root / "incidents").mkdir(parents=True, exist_ok=True)
    (root / "status.yml").write_text(config, encoding="utf-8")
    for name, lines in folders.items():
        folder = root / "history" / name.replace("__", "/@")
        folder.mkdir(parents=True, exist_ok=True)
        header = "time,status,http_status,latency_ms,error,cert_days\n"
        (folder / "2026-11.csv").write_text(header + "".join(lines), encoding="utf-8")
    return root / "status.yml"


def samples(start: int, end: int, down: tuple[int, int] = (0, 0), latency: int = 80) -> list[str]:
    """A sample every 5 minutes in [start, end) (minutes after MIDNIGHT), down in [down[0], down[1])."""
    lines = []
    for minute in range(start, end, 5):
        moment = (MIDNIGHT + timedelta(minutes=minute)).strftime("%Y-%m-%dT%H:%M:%SZ")
        failing = down[0] <= minute < down[1]
        lines.append(f"{moment},down,,,timeout,\n" if failing else f"{moment},up,200,{latency},,\n")
    return lines


def figures_of(path: Path) -> SiteFigures:
    inputs = check_timeline(load(path, cache=False, processes=1), NOW)
    return site_figures(inputs.config, inputs.incidents, NOW, inputs.history, 1, inputs.vouched_from)


def day(figures: Figures, when: date) -> uptime.DailyUptime:
    return next(d for d in figures.days if d.date == when)


def window(windows: tuple[tuple[str, float | None], ...], label: str) -> float | None:
    return dict(windows)[label]


def test_one_public_place_down_for_an_hour_while_the_other_sees_it_up(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        TWO_PUBLIC,
        spse=samples(0, END),
        spse__jakarta=samples(0, END, down=(600, 660)),  # 2026-11-25 10:00–11:00 WITA
    )
    spse = figures_of(path).components["spse"]
    assert spse.status == "operational"  # both fresh and up now
    # The 60 minutes the places disagree count as a partial outage: 60 × 300 / 1000 = 18 minutes of downtime.
    assert day(spse, DAY)[:5] == (DAY, 1440, 18, 0, 98.75)  # 100 × (1 − 18 / 1440) = 98.75
    assert day(spse, DAY).no_data_minutes == 0
    assert day(spse, TODAY)[:5] == (TODAY, 600, 0, 0, 100.0)  # 00:00–10:00 WITA, all up
    # The 24 hours to NOW start at 2026-11-25 10:00 WITA: the hour of disagreement is in them.
    assert window(spse.windows, "day") == 98.75  # 100 × (1 − 18 / 1440)
    # The whole history: 2040 minutes, 18 down: 100 × (1 − 18 / 2040) = 99.117647… (6 places)
    assert window(spse.windows, "all") == round(100 * (1 - 18 / 2040), 6) == 99.117647
    # Each place's own figures, from its own samples alone.
    github, jakarta = spse.places
    assert (github.vantage, github.public, github.status) == ("github", True, "operational")
    assert (jakarta.vantage, jakarta.public, jakarta.status) == ("jakarta", True, "operational")
    assert window(github.windows, "day") == 100.0
    assert window(jakarta.windows, "day") == round(100 * (1 - 60 / 1440), 6) == 95.833333
    assert window(jakarta.windows, "all") == round(100 * (1 - 60 / 2040), 6) == 97.058824
    assert day(github, DAY).downtime_minutes == 0
    assert day(jakarta, DAY).downtime_minutes == 60
    assert (spse.down_from, spse.stale_places, spse.explanation) == ((), (), None)


def test_both_places_down_the_same_hour_is_an_hour_down(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        TWO_PUBLIC,
        spse=samples(0, END, down=(600, 660)),
        spse__jakarta=samples(0, END, down=(600, 660)),
    )
    spse = figures_of(path).components["spse"]
    assert day(spse, DAY)[:5] == (DAY, 1440, 60, 0, round(100 * (1 - 60 / 1440), 6))  # 95.833333
    assert window(spse.windows, "day") == 95.833333


def test_down_now_from_one_place_is_partial_and_from_both_major(tmp_path: Path) -> None:
    # jakarta down for the last 20 minutes (samples at minutes 2020, 2025, 2030, 2035)
    path = write(tmp_path / "one", TWO_PUBLIC, spse=samples(0, END), spse__jakarta=samples(0, END, down=(2020, END)))
    spse = figures_of(path).components["spse"]
    assert (spse.status, spse.down_from) == ("partial_outage", ("jakarta",))
    assert day(spse, TODAY).downtime_minutes == pytest.approx(20 * 0.3)  # 6 minutes
    path = write(
        tmp_path / "both",
        TWO_PUBLIC,
        spse=samples(0, END, down=(2020, END)),
        spse__jakarta=samples(0, END, down=(2020, END)),
    )
    spse = figures_of(path).components["spse"]
    assert (spse.status, spse.down_from) == ("major_outage", ())
    assert day(spse, TODAY).downtime_minutes == 20


def test_a_stale_place_does_not_vote_and_is_named(tmp_path: Path) -> None:
    # jakarta's newest sample, at minute 2000 (09:20 WITA), is 40 minutes old at NOW, and says down.
    path = write(tmp_path, TWO_PUBLIC, spse=samples(0, END), spse__jakarta=samples(0, 2005, down=(1990, 2005)))
    spse = figures_of(path).components["spse"]
    assert spse.status == "operational"  # github, fresh, sees it up
    assert (spse.stale_places, spse.down_from) == (("jakarta",), ())
    github, jakarta = spse.places
    assert (github.status, jakarta.status) == ("operational", "no_data")
    assert jakarta.latest is not None
    assert jakarta.latest.time == int((MIDNIGHT + timedelta(minutes=2000)).timestamp())
    assert jakarta.latest.status == "down"
    # Over time: jakarta down 1990–2015 (its last sample covers max_gap, 15 minutes, to 2015) while github is up:
    # 25 minutes of disagreement, 25 × 0.3 = 7.5 minutes down today.
    assert day(spse, TODAY).downtime_minutes == pytest.approx(7.5)


def test_a_site_without_vantages_has_the_figures_it_had(tmp_path: Path) -> None:
    history = samples(0, END, down=(600, 660))
    plain = figures_of(write(tmp_path / "plain", PLAIN, spse=history)).components["spse"]
    home = figures_of(write(tmp_path / "home", HOME_ONLY, spse=history)).components["spse"]
    # The same history with `vantages: [{id: github}]` written out: the same figures.
    for name in ("status", "days", "latest", "runs_end", "probed", "windows", "charts", "months", "years"):
        assert getattr(home, name) == getattr(plain, name), name
    assert (plain.places, plain.down_from, plain.stale_places, plain.explanation, plain.bandwidth) == (
        (),
        (),
        (),
        None,
        (),
    )
    # And what a single place worked out before there were places: the daily uptime and the status of its samples.
    inputs = check_timeline(load(tmp_path / "plain" / "status.yml", cache=False, processes=1), NOW)
    recorded = inputs.history["spse"].samples
    config = inputs.config
    before = uptime.component_daily([], "spse", DAY, NOW, config.timezone, recorded, config.max_gap)
    assert plain.days == before
    assert day(plain, DAY).downtime_minutes == 60
    assert plain.status == status.component_status("spse", [], NOW, recorded[-1], True, config.stale_after)
    assert replace(home, places=()) == replace(plain, places=())


def test_the_home_folder_still_counts_when_github_no_longer_probes(tmp_path: Path) -> None:
    moved = TWO_PUBLIC.replace(
        "probe: {url: 'https://spse.example.go.id/'}", "probe: {url: 'https://spse.example.go.id/', from: [jakarta]}"
    )
    # github probed it on the 25th (down 10:00–11:00 WITA); jakarta took over at 00:00 WITA on the 26th.
    path = write(tmp_path, moved, spse=samples(0, 1440, down=(600, 660)), spse__jakarta=samples(1440, END))
    inputs = check_timeline(load(path, cache=False, processes=1), NOW)
    assert "spse" in inputs.config.history_folders and "spse" in inputs.history
    spse = site_figures(inputs.config, inputs.incidents, NOW, inputs.history).components["spse"]
    assert day(spse, DAY)[:5] == (DAY, 1440, 60, 0, round(100 * (1 - 60 / 1440), 6))  # github alone covered it
    assert day(spse, TODAY)[:5] == (TODAY, 600, 0, 0, 100.0)  # jakarta alone covers today
    assert spse.status == "operational"  # jakarta's fresh sample; github does not vote
    assert [p.vantage for p in spse.places] == ["jakarta"]
    assert spse.stale_places == ()
