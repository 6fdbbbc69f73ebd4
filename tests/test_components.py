"""Component pages and probe data on the index, built from a site with probe history."""

from __future__ import annotations

import re
from datetime import date

from statusgen.history import HEADER

CONFIG = """\
title: Uji
base_url: https://example.github.io/status/
timezone: Asia/Makassar
history_start: 2011-01-01
components:
  - id: spse
    name: SPSE Kalsel
    probe:
      url: https://spse.example.org/eproc4
  - id: sikap
    name: SIKaP
"""


def history(site, component: str, month: str, lines: list[str]) -> None:
    folder = site.root / "history" / component
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{month}.csv").write_text(",".join(HEADER) + "\n" + "".join(line + "\n" for line in lines))


def test_component_page_figures_chart_and_certificate_warning(make_site, cli) -> None:
    site = make_site(CONFIG)
    # Every 5 minutes on 19 Sep 2021 from 00:00 to 11:55 WITA (16:00–03:55 UTC); down 10:00 → 10:10.
    lines = []
    for n in range(144):
        minute = n * 5
        hour, rest = divmod(minute, 60)
        utc_hour = (hour - 8) % 24
        day = 18 if hour < 8 else 19
        down = 600 <= minute < 610
        status = "down,,,timeout," if down else f"up,200,{100 + n},,"
        lines.append(f"2021-09-{day:02d}T{utc_hour:02d}:{rest:02d}:00Z,{status}{'' if down else 9}")
    history(site, "spse", "2021-09", lines)
    run = cli("build", "--config", site.config, "--out", site.out, "--now", "2021-09-19T12:00")
    assert run.code == 0, run.err
    page = site.file("components/spse/index.html")
    figures = dict(re.findall(r'<th scope="row">([^<]+)</th><td>([^<]+)</td>', page))
    # 24 h: [18 Sep 12:00, 19 Sep 12:00). Probe era from 19 Sep 00:00: 720 min, 10 down.
    # Before it, 18 Sep 12:00 → 24:00 comes from incident records: 720 min up.
    # 100 × (1 − 10 / 1440) = 99.306 %
    assert figures["24 jam"] == "99,306%"
    # All time: 2011-01-01 → now: 3914 whole days (2011-01-01 … 2021-09-18) + 720 min; 10 down.
    minutes = (date(2021, 9, 19) - date(2011, 1, 1)).days * 1440 + 720
    assert minutes == 3914 * 1440 + 720
    assert figures["Sepanjang waktu"] == f"{100 * (1 - 10 / minutes):.3f}".replace(".", ",") + "%"
    assert "Perhatian:</strong> Sertifikat TLS berlaku 9 hari lagi." in page
    assert 'data-component="spse" data-status="operational"' in page
    assert (
        'Terakhir diperiksa <time datetime="2021-09-19T11:55:00+08:00">Minggu, 19 September 2021 pukul 11.55 WITA'
        in page
    )
    # Charts: 90-day daily median/95th and the last 24 hours, in SVG with words.
    assert page.count('<svg viewBox="0 0 600 160"') == 2
    # 19 Sep WITA holds all 144 samples, n = 0 … 143 with latency 100 + n, except the two down
    # ones (n = 120, 121): 142 values, 100 … 219 then 222 … 243. Nearest rank:
    # median = value 71 (ceil(0.5 × 142)) = 170; 95th = value 135 (ceil(0.95 × 142)) = 222 + 14 = 236.
    assert "Median: hari terakhir 170 ms" in page
    assert "Persentil ke-95: hari terakhir 236 ms" in page
    index = site.file("index.html")
    assert 'href="/status/components/spse/"' in index and 'href="/status/components/sikap/"' in index
    assert "sertifikat TLS habis dalam 9 hari" in index
    assert (site.out / "components" / "sikap" / "index.html").is_file()


def test_history_warnings_never_fail_a_strict_run(make_site, cli) -> None:
    site = make_site(CONFIG)
    history(site, "spse", "2021-09", ["2021-09-19T03:00:00Z,up,200,100,,", "2021-09-19T03:0"])
    run = cli("build", "--config", site.config, "--out", site.out, "--now", "2021-09-19T12:00", "--strict")
    assert run.code == 0, run.err
    assert "2021-09.csv:3: warning: skipped a malformed probe line" in run.err


def test_a_probed_component_without_history_is_never_green(make_site, cli) -> None:
    site = make_site(CONFIG)
    assert cli("build", "--config", site.config, "--out", site.out, "--now", "2021-09-19T12:00").code == 0
    index = site.file("index.html")
    assert 'data-component="spse" data-status="no_data"' in index
    assert 'data-component="sikap" data-status="operational"' in index
    assert "Belum pernah diperiksa" in index


def test_the_bar_shows_probe_failures_and_slowness_without_any_incident(make_site, cli) -> None:
    site = make_site(CONFIG)
    # 19 Sep (WITA): down 10:00 → 10:10 by the probes; 20 Sep: one slow sample; 21 Sep: all up.
    lines = []
    for day, hour, status in [(19, 1, "up"), (19, 2, "down"), (20, 2, "degraded"), (21, 2, "up")]:
        for minute in (0, 5):
            row = "down,,,timeout," if status == "down" else f"{status},200,100,,"
            lines.append(f"2021-09-{day:02d}T{hour:02d}:{minute:02d}:00Z,{row}30")
    history(site, "spse", "2021-09", lines)
    assert cli("build", "--config", site.config, "--out", site.out, "--now", "2021-09-21T12:00").code == 0
    page = site.file("components/spse/index.html")
    levels = re.findall(r'<li class="day day-([a-z]+)"><span class="vh">([^;]+)', page)
    assert levels[-3:] == [
        ("major", "Minggu, 19 September 2021"),
        ("degraded", "Senin, 20 September 2021"),
        ("ok", "Selasa, 21 September 2021"),
    ]


def test_a_failed_certificate_is_warned_about_and_not_called_valid(make_site, cli) -> None:
    site = make_site(CONFIG)
    history(site, "spse", "2021-09", ["2021-09-19T03:00:00Z,up,200,100,,1", "2021-09-19T03:05:00Z,down,,,tls,"])
    assert cli("build", "--config", site.config, "--out", site.out, "--now", "2021-09-19T11:10").code == 0
    page = site.file("components/spse/index.html")
    assert "sertifikat TLS tidak sah (kedaluwarsa atau tidak dipercaya)" in page
    assert "berlaku 1 hari lagi" not in page
    assert "(gagal: sertifikat TLS tidak sah)" in page
    assert 'data-component="spse" data-status="major_outage"' in page
