"""Vantage points on the pages and in the JSON: what each place sees, the partial verdict's places, the stale
places, what the place inside the office explains, the uptime by place, and the monthly bandwidth.

Each test builds its own site in tmp_path at NOW (2026-11-26 10:00 WITA, 02:00Z) from probe history written
by hand: samples every 5 minutes from 00:00 WITA of that day, so each one covers the 5 minutes up to the next
(max_gap 15) and the last, at 09:55, covers up to NOW. stale_after is the default 30 minutes. A site without
``vantages:`` is built once too, and shows nothing of all this.
"""

from __future__ import annotations

import html
import json
import re
import textwrap
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from statusgen.cli import main
from tests.conftest import every_day

NOW = "2026-11-26T10:00+08:00"
MIDNIGHT = datetime(2026, 11, 25, 16, 0, tzinfo=UTC)  # 2026-11-26 00:00 WITA
END = 600  # minutes from MIDNIGHT to NOW (10:00 WITA)

CONFIG = """\
title: Uji titik pantau
base_url: https://example.github.io/status/
timezone: Asia/Makassar
history_start: 2026-09-01
vantages:
  - {id: github, name: {id: Server GitHub (luar negeri), en: GitHub servers (abroad)}, kind: public}
  - {id: jakarta, name: {id: Server Jakarta, en: Jakarta server}, kind: public}
  - {id: kantor, name: {id: Kantor LPSE, en: LPSE office}, kind: inside, uplink: internet}
components:
  - id: spse
    name: SPSE
    probe: {url: https://spse.example.go.id/, from: [github, jakarta, kantor]}
  - id: internet
    name: Internet kantor
    probe:
      targets: [https://a.example.net/, https://b.example.net/]
      from: [kantor]
      bandwidth: {url: https://speed.example.net/f.bin, upload_url: https://speed.example.net/up, target_mbps: 40}
"""

PLAIN = """\
title: Uji tanpa titik pantau
base_url: https://example.github.io/status/
timezone: Asia/Makassar
history_start: 2026-09-01
components:
  - id: spse
    name: SPSE
    probe: {url: https://spse.example.go.id/}
"""

SAMPLE_HEADER = "time,status,http_status,latency_ms,error,cert_days\n"
BANDWIDTH_HEADER = "time,download_mbps,upload_mbps,error\n"


def stamp(minutes: int) -> str:
    return (MIDNIGHT + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Site:
    root: Path

    def probe(self, folder: str, *spans: tuple[int, int, str]) -> None:
        """Samples every 5 minutes in history/<folder>/2026-11.csv: (from, to, status), minutes after 00:00 WITA."""
        lines = []
        for start, end, status in spans:
            for minute in range(start, end, 5):
                if status == "down":
                    lines.append(f"{stamp(minute)},down,,,timeout,\n")
                else:
                    lines.append(f"{stamp(minute)},up,200,80,,\n")
        path = self.root / "history" / folder / "2026-11.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(SAMPLE_HEADER + "".join(lines), encoding="utf-8")

    def bandwidth(self, folder: str, month: str, rows: list[str]) -> None:
        path = self.root / "history" / folder / f"bandwidth-{month}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(BANDWIDTH_HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")

    def build(self, out: Path | None = None) -> Built:
        out = out or self.root / "site"
        assert main(["build", "--config", str(self.root / "status.yml"), "--out", str(out), "--now", NOW]) == 0
        return Built(out)


@dataclass
class Built:
    out: Path

    def page(self, relative: str) -> str:
        return (self.out / relative).read_text(encoding="utf-8")

    def json(self, relative: str) -> Any:
        return json.loads(self.page(relative))

    def text(self, relative: str) -> str:
        """The words of a page's main part, tags left out and white space collapsed."""
        page = self.page(relative)
        main_part = page[page.index("<main") : page.index("</main>")]
        return words(main_part)

    def places(self, relative: str, component: str) -> str:
        """The words of the place lines under one component on a page ("" when it has none)."""
        page = self.page(relative)
        start = page.index(f'data-component="{component}"')
        following = page.find("data-component=", start + 1)
        block = page[start : following if following > 0 else len(page)]
        found = re.search(r'<div class="places">.*?</div>', block, re.S)
        return words(found.group(0)) if found else ""

    def component(self, relative: str, cid: str) -> dict[str, Any]:
        document = self.json(relative)
        return next(c for c in document["components"] if c["id"] == cid)

    def day(self, cid: str, day: str) -> dict[str, Any]:
        """One day as daily.json lists it; the same, vantages and all, as its year's file has it (every_day
        joins those, and checks daily.json's days are the last of them)."""
        document = self.json(f"api/v1/components/{cid}/daily.json")
        found = next(d for d in document["days"] if d["date"] == day)
        assert found == next(d for d in every_day(self.out, cid) if d["date"] == day)
        return found


def words(markup: str) -> str:
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", markup))).strip()
    return re.sub(r" ([:.,])", r"\1", text)


def make(tmp_path: Path, config: str = CONFIG) -> Site:
    root = tmp_path / "src"
    (root / "incidents").mkdir(parents=True)
    (root / "status.yml").write_text(textwrap.dedent(config), encoding="utf-8")
    return Site(root)


def office_up(site: Site) -> None:
    """The office reaches the application and its link works, all morning."""
    site.probe("spse/@kantor", (0, END, "up"))
    site.probe("internet/@kantor", (0, END, "up"))


def public_down_last_hour(site: Site) -> None:
    """Both public places up until 09:00 WITA and down since."""
    site.probe("spse", (0, 540, "up"), (540, END, "down"))
    site.probe("spse/@jakarta", (0, 540, "up"), (540, END, "down"))


# --- The verdict on the pages and in summary.json ----------------------------------------------------------


def test_down_from_one_public_place_only_is_a_partial_outage_naming_it(tmp_path: Path) -> None:
    site = make(tmp_path)
    site.probe("spse", (0, END, "up"))
    site.probe("spse/@jakarta", (0, 540, "up"), (540, END, "down"))  # down 09:00-10:00 WITA: 60 minutes
    office_up(site)
    built = site.build()

    line = built.places("index.html", "spse")
    assert "Server GitHub (luar negeri): Normal, diperiksa 09.55 WITA" in line
    assert "Server Jakarta: Gangguan total, diperiksa 09.55 WITA" in line
    assert "Kantor LPSE: Normal, diperiksa 09.55 WITA" in line
    assert "Tidak dapat diakses dari: Server Jakarta." in line
    assert "Tidak ikut menentukan status" not in line  # every place is fresh
    assert '<li class="component status-partial_outage" data-component="spse"' in built.page("index.html")
    # Each place's status has its own shape as well as its words (never colour alone).
    assert re.search(r'data-vantage="jakarta" data-status="major_outage"><svg class="icon icon-major_outage"',
                     built.page("index.html"))  # fmt: skip
    # English, under /en/.
    assert "Cannot be reached from: Jakarta server." in built.places("en/index.html", "spse")

    spse = built.component("api/v2/summary.json", "spse")
    assert spse["statusgen_status"] == "partial_outage"
    assert spse["statusgen_vantages"] == {"github": "operational", "jakarta": "major_outage", "kantor": "operational"}
    assert built.component("api/v2/components.json", "spse")["statusgen_vantages"] == spse["statusgen_vantages"]

    # 26 Nov, 600 minutes measured (00:00-10:00 WITA). The public places disagree 09:00-10:00: partial, weight
    # 0.3, so 60 × 0.3 = 18 downtime minutes and 100 × (1 − 18 / 600) = 97 %. Jakarta alone: 60 down of 600 →
    # 100 × (1 − 60 / 600) = 90 %; GitHub and the office: 100 %.
    day = built.day("spse", "2026-11-26")
    assert day["downtime_minutes"] == 18.0
    assert day["uptime"] == 97.0
    assert day["vantages"] == {"github": 100.0, "jakarta": 90.0, "kantor": 100.0}
    # A day before the probes began, without an incident: up, from every place as for the component.
    earlier = built.day("spse", "2026-11-01")
    assert (earlier["uptime"], earlier["vantages"]) == (100.0, {"github": 100.0, "jakarta": 100.0, "kantor": 100.0})
    # The internet component has one place: its days gain nothing.
    assert "vantages" not in built.day("internet", "2026-11-26")

    # The component page: the same lines, and each place's uptime over the windows. 24 hours back from NOW is
    # 25 Nov 10:00 WITA; the 840 minutes before the first sample (26 Nov 00:00) are before the probes began and
    # count as up (no incident), so Jakarta's 24 h figure is 100 × (1 − 60 / 1440) = 95.833 %.
    text = built.text("components/spse/index.html")
    assert "Titik pantau" in text
    assert "Tidak dapat diakses dari: Server Jakarta." in text
    assert "Tempat di dalam jaringan LPSE tidak ikut menentukan status" in text
    windows = re.search(r"Ketersediaan menurut tiap titik pantau (.*?) Sepanjang waktu", text)
    assert windows is not None
    assert "Periode Server GitHub (luar negeri) Server Jakarta Kantor LPSE 24 jam 100,000% 95,833% 100,000%" in (
        windows.group(1)
    )


def test_down_from_every_public_place_is_a_major_outage_and_the_office_says_the_app_is_down(tmp_path: Path) -> None:
    site = make(tmp_path)
    public_down_last_hour(site)
    site.probe("spse/@kantor", (0, 540, "up"), (540, END, "down"))
    site.probe("internet/@kantor", (0, END, "up"))
    built = site.build()

    line = built.places("index.html", "spse")
    assert "Server GitHub (luar negeri): Gangguan total" in line
    assert "Server Jakarta: Gangguan total" in line
    assert "Tidak dapat diakses dari" not in line  # a major outage names no places: all of them
    assert "Aplikasinya sendiri tidak menjawab, juga dari dalam jaringan LPSE." in line
    assert built.component("api/v2/summary.json", "spse")["statusgen_status"] == "major_outage"
    # All public places down 09:00-10:00 WITA: full weight, 60 of 600 minutes → 90 %.
    day = built.day("spse", "2026-11-26")
    assert (day["downtime_minutes"], day["uptime"]) == (60.0, 90.0)


def test_the_office_link_down_explains_a_major_outage(tmp_path: Path) -> None:
    site = make(tmp_path)
    public_down_last_hour(site)
    site.probe("spse/@kantor", (0, END, "up"))
    site.probe("internet/@kantor", (0, 540, "up"), (540, END, "down"))
    built = site.build()

    line = built.places("index.html", "spse")
    assert "Jaringan internet LPSE terputus; aplikasinya sendiri tetap berjalan." in line
    assert 'data-explanation="link_down"' in built.page("index.html")
    assert "LPSE's internet link is down; the application itself is running." in built.text(
        "en/components/spse/index.html"
    )
    # The uplink itself, probed only from the office, takes its status from there.
    assert built.places("index.html", "internet") == "Kantor LPSE: Gangguan total, diperiksa 09.55 WITA"
    internet = built.component("api/v2/summary.json", "internet")
    assert (internet["statusgen_status"], internet["statusgen_vantages"]) == (
        "major_outage",
        {"kantor": "major_outage"},
    )


def test_the_app_running_inside_but_unreachable_from_outside(tmp_path: Path) -> None:
    site = make(tmp_path)
    public_down_last_hour(site)
    office_up(site)
    built = site.build()

    line = built.places("index.html", "spse")
    assert "Aplikasi berjalan di dalam jaringan LPSE, tetapi tidak dapat dijangkau dari luar" in line
    assert 'data-explanation="runs_inside"' in built.page("components/spse/index.html")


def test_reachable_from_outside_but_not_from_inside(tmp_path: Path) -> None:
    site = make(tmp_path)
    site.probe("spse", (0, END, "up"))
    site.probe("spse/@jakarta", (0, END, "up"))
    site.probe("spse/@kantor", (0, 540, "up"), (540, END, "down"))
    site.probe("internet/@kantor", (0, END, "up"))
    built = site.build()

    line = built.places("index.html", "spse")
    assert "Kantor LPSE: Gangguan total, diperiksa 09.55 WITA" in line
    assert "Dapat diakses dari internet, tetapi tidak dari dalam jaringan LPSE" in line
    spse = built.component("api/v2/summary.json", "spse")
    assert spse["statusgen_status"] == "operational"  # the office does not vote
    assert spse["statusgen_vantages"]["kantor"] == "major_outage"
    # Its own day: 60 of 600 minutes down → 90 %; the component's is the public places': 100 %.
    day = built.day("spse", "2026-11-26")
    assert (day["uptime"], day["vantages"]["kantor"]) == (100.0, 90.0)


def test_a_stale_public_place_is_named_and_does_not_turn_the_verdict(tmp_path: Path) -> None:
    site = make(tmp_path)
    site.probe("spse", (0, END, "up"))
    # Jakarta's last sample, down, is at 08:55 WITA: 65 minutes before NOW, past stale_after (30).
    site.probe("spse/@jakarta", (0, 480, "up"), (480, 540, "down"))
    office_up(site)
    built = site.build()

    line = built.places("index.html", "spse")
    assert "Server Jakarta: Tidak ada data terbaru, data terakhir 08.55 WITA. Tidak ikut menentukan status." in line
    assert "Tidak dapat diakses dari" not in line
    spse = built.component("api/v2/summary.json", "spse")
    assert spse["statusgen_status"] == "operational"  # GitHub, fresh, sees it up: one place never turns it red
    assert spse["statusgen_vantages"]["jakarta"] == "operational"  # no_data, in the standard words
    assert "Does not count towards the status." in built.places("en/index.html", "spse")


def test_an_office_that_never_reported_leaves_its_components_without_data(tmp_path: Path) -> None:
    site = make(tmp_path)
    site.probe("spse", (0, END, "up"))
    site.probe("spse/@jakarta", (0, END, "up"))
    built = site.build()

    index = built.page("index.html")
    assert '<li class="component status-no_data" data-component="internet" data-status="no_data">' in index
    assert built.places("index.html", "internet") == (
        "Kantor LPSE: Tidak ada data terbaru, belum pernah melapor. Tidak ikut menentukan status."
    )
    assert "Kantor LPSE: Tidak ada data terbaru, belum pernah melapor. Tidak dipakai untuk menjelaskan status." in (
        built.places("index.html", "spse")
    )
    assert "Normal" not in built.places("index.html", "internet")
    internet = built.component("api/v2/summary.json", "internet")
    assert internet["statusgen_status"] == "no_data"
    spse = built.component("api/v2/summary.json", "spse")
    assert spse["statusgen_status"] == "operational"
    assert "Titik pantau" in built.text("components/internet/index.html")
    assert "Belum ada pengukuran." in built.text("components/internet/index.html")  # no bandwidth measured either


# --- Bandwidth ------------------------------------------------------------------------------------------------


def test_bandwidth_months_on_the_pages_and_in_monthly_json(tmp_path: Path) -> None:
    site = make(tmp_path)
    site.probe("spse", (0, END, "up"))
    site.probe("spse/@jakarta", (0, END, "up"))
    office_up(site)
    # September: downloads 20 and 35, no upload. Median of two: (20 + 35) / 2 = 27.5; 10th percentile by
    # nearest rank: ceil(10 × 2 / 100) = 1st → 20. 27.5 < 40: not met.
    site.bandwidth("internet/@kantor", "2026-09", ["2026-09-10T02:00:00Z,20,,", "2026-09-11T02:00:00Z,35,,"])
    # October: nothing measured → no data, never met.
    # November: downloads 30, 50, 45, 38, 42 → sorted 30 38 42 45 50, median 42, p10 ceil(0.5) = 1st → 30;
    # uploads 41 and 44 → median 42.5, p10 41; one measurement moved nothing (failed). 42 ≥ 40 and 42.5 ≥ 40: met.
    site.bandwidth(
        "internet/@kantor",
        "2026-11",
        [
            "2026-11-20T02:00:00Z,30,41,",
            "2026-11-21T02:00:00Z,50,44,",
            "2026-11-22T02:00:00Z,45,,",
            "2026-11-23T02:00:00Z,38,,",
            "2026-11-24T02:00:00Z,42,,",
            "2026-11-25T02:00:00Z,,,timeout",
        ],
    )
    built = site.build()

    months = {m["month"]: m for m in built.json("api/v1/components/internet/monthly.json")["months"]}
    assert {label: (m["bandwidth_mbps"], m["upload_mbps"], m["bandwidth_target_mbps"], m["bandwidth_met"])
            for label, m in months.items()} == {
        "2026-09": ({"median": 27.5, "p10": 20.0, "samples": 2}, None, 40.0, False),
        "2026-10": (None, None, 40.0, None),
        "2026-11": ({"median": 42.0, "p10": 30.0, "samples": 5}, {"median": 42.5, "p10": 41.0, "samples": 2}, 40.0,
                    True),
    }  # fmt: skip
    # A component whose probe measures no bandwidth gains none of these fields.
    spse_months = built.json("api/v1/components/spse/monthly.json")["months"]
    assert not any("bandwidth_mbps" in m or "bandwidth_met" in m for m in spse_months)

    text = built.text("components/internet/index.html")
    rows = re.search(r"Kecepatan internet .*? Hasil (.*?) Waktu respons", text)
    assert rows is not None
    # month, download median and p10, upload median and p10, measurements, target, verdict; newest first.
    assert rows.group(1) == (
        "2026-11 42 30 42,5 41 5 (1 gagal) 40 ✓ Tercapai "
        "2026-10 – – – – 0 40 – tanpa data "
        "2026-09 27,5 20 – – 2 40 ✗ Tidak tercapai"
    )
    # The SLA report and the year's calendar page show the same months.
    assert "2026-10 – – – – 0 40 – tanpa data" in built.text("sla/index.html")
    assert "2026-11 42 30 42,5 41 5 (1 gagal) 40 ✓ Tercapai" in built.text("components/internet/2026/index.html")
    assert "2026-09 27.5 20 – – 2 40 ✗ Missed" in built.text("en/sla/index.html")
    assert "Kecepatan internet" not in built.text("components/spse/index.html")


# --- Without vantages: nothing changes -----------------------------------------------------------------------


def test_a_site_without_vantages_shows_no_places(tmp_path: Path) -> None:
    site = make(tmp_path, PLAIN)
    site.probe("spse", (0, 540, "up"), (540, END, "down"))
    built = site.build()

    assert 'class="places"' not in built.page("index.html")
    assert "Titik pantau" not in built.text("components/spse/index.html")
    assert 'data-vantage="' not in built.page("components/spse/index.html")
    spse = built.component("api/v2/summary.json", "spse")
    assert spse["statusgen_status"] == "major_outage"
    assert "statusgen_vantages" not in spse
    assert "vantages" not in built.day("spse", "2026-11-26")
    assert not any("bandwidth_mbps" in m for m in built.json("api/v1/components/spse/monthly.json")["months"])


# --- For the browser test --------------------------------------------------------------------------------------


def built_with_places(root: Path, out: Path) -> None:
    """A site with a partial outage, a stale place and bandwidth months, its sources in ``root``, built into
    ``out``."""
    site = make(root)
    site.probe("spse", (0, END, "up"))
    site.probe("spse/@jakarta", (0, 540, "up"), (540, END, "down"))
    site.probe("spse/@kantor", (0, 480, "up"))  # stale since 08:00
    site.probe("internet/@kantor", (0, END, "up"))
    site.bandwidth("internet/@kantor", "2026-11", ["2026-11-20T02:00:00Z,30,41,", "2026-11-21T02:00:00Z,,,dns"])
    site.build(out)
