"""Compaction: old raw months become runs, and the published figures do not change."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from statusgen.history import HEADER, RUNS_HEADER

CONFIG = """\
title: Uji
base_url: https://example.github.io/status/
history_start: 2021-07-01
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
    return json.loads(site.file("api/v1/components/spse/daily.json"))


def test_compaction_keeps_every_published_figure(make_site, cli) -> None:
    site = make_site(CONFIG)
    write_history(site)
    now = "2021-11-15T12:00+08:00"
    assert cli("build", "--config", site.config, "--out", site.out, "--now", now).code == 0
    before = figures(site)
    windows_before = site.file("components/spse/index.html").split('<table class="figures">')[1].split("</table>")[0]

    run = cli("compact", "--config", site.config, "--keep-months", "1", "--now", now)
    assert run.code == 0, run.err
    folder = site.root / "history" / "spse"
    # Cutoff: November minus one month = October; August and September are rolled up.
    assert sorted(p.name for p in folder.iterdir()) == ["2021-10.csv", "daily.csv", "runs.csv"]
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
    sep12 = next(d for d in before["days"] if d["date"] == "2021-09-12")
    assert sep12["no_data_minutes"] > 0 and sep12["source"] == "probes"

    # Running it again changes nothing.
    again = cli("compact", "--config", site.config, "--keep-months", "1", "--now", now)
    assert again.code == 0 and again.out == ""
    assert (folder / "runs.csv").read_text().splitlines() == runs


def test_an_interrupted_compaction_counts_nothing_twice(make_site, cli) -> None:
    site = make_site(CONFIG)
    write_history(site)
    now = "2021-11-15T12:00+08:00"
    assert cli("build", "--config", site.config, "--out", site.out, "--now", now).code == 0
    before = figures(site)
    folder = site.root / "history" / "spse"
    august = (folder / "2021-08.csv").read_bytes()
    assert cli("compact", "--config", site.config, "--keep-months", "2", "--now", now).code == 0
    assert not (folder / "2021-08.csv").exists()
    # As if the run had stopped after writing runs.csv but before removing the raw file:
    (folder / "2021-08.csv").write_bytes(august)
    assert cli("build", "--config", site.config, "--out", site.out, "--now", now).code == 0
    assert figures(site) == before
    run = cli("compact", "--config", site.config, "--keep-months", "2", "--now", now)
    assert run.code == 0
    assert not (folder / "2021-08.csv").exists()
    assert sum(line.startswith("2021-08,") for line in (folder / "runs.csv").read_text().splitlines()) > 0
    assert cli("build", "--config", site.config, "--out", site.out, "--now", now).code == 0
    assert figures(site) == before
