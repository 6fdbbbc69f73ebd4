"""Machine-readable outputs, yearly calendars, the SLA page and the printable outage record, on the demo site."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import jsonschema
import pytest
from icalendar import Calendar

from statusgen.cli import main
from tests.conftest import DEMO, DEMO_NOW

STAMP = {"type": "string", "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$"}
NULLABLE_STAMP = {"anyOf": [STAMP, {"type": "null"}]}
TEXT = {"type": "string"}
NULLABLE_TEXT = {"type": ["string", "null"]}

# Written from Statuspage's public v2 field list (page, component, incident, incident update, status).
PAGE = {
    "type": "object",
    "required": ["id", "name", "url", "time_zone", "updated_at"],
    "properties": {"id": TEXT, "name": TEXT, "url": TEXT, "time_zone": TEXT, "updated_at": STAMP},
}
COMPONENT = {
    "type": "object",
    "required": [
        "id", "name", "status", "created_at", "updated_at", "position", "description", "showcase",
        "start_date", "group_id", "page_id", "group", "only_show_if_degraded",
    ],
    "properties": {
        "id": TEXT,
        "name": TEXT,
        "status": {"enum": ["operational", "degraded_performance", "partial_outage", "major_outage",
                            "under_maintenance"]},
        "created_at": STAMP,
        "updated_at": STAMP,
        "position": {"type": "integer"},
        "description": NULLABLE_TEXT,
        "showcase": {"type": "boolean"},
        "start_date": NULLABLE_TEXT,
        "group_id": NULLABLE_TEXT,
        "page_id": TEXT,
        "group": {"type": "boolean"},
        "only_show_if_degraded": {"type": "boolean"},
        "components": {"type": "array", "items": TEXT},
    },
}  # fmt: skip
UPDATE = {
    "type": "object",
    "required": ["id", "status", "body", "incident_id", "created_at", "updated_at", "display_at",
                 "affected_components", "deliver_notifications"],
    "properties": {
        "id": TEXT, "status": TEXT, "body": TEXT, "incident_id": TEXT, "created_at": STAMP,
        "updated_at": STAMP, "display_at": STAMP, "deliver_notifications": {"type": "boolean"},
    },
}  # fmt: skip
INCIDENT = {
    "type": "object",
    "required": ["id", "name", "status", "created_at", "updated_at", "monitoring_at", "resolved_at", "impact",
                 "shortlink", "started_at", "page_id", "incident_updates", "components"],
    "properties": {
        "id": TEXT,
        "name": TEXT,
        "status": {"enum": ["investigating", "identified", "monitoring", "resolved", "postmortem",
                            "scheduled", "in_progress", "verifying", "completed"]},
        "created_at": STAMP, "updated_at": STAMP, "monitoring_at": NULLABLE_STAMP, "resolved_at": NULLABLE_STAMP,
        "impact": {"enum": ["none", "minor", "major", "critical", "maintenance"]},
        "shortlink": TEXT, "started_at": STAMP, "page_id": TEXT,
        "incident_updates": {"type": "array", "items": UPDATE},
        "components": {"type": "array", "items": COMPONENT},
        "scheduled_for": NULLABLE_STAMP, "scheduled_until": NULLABLE_STAMP,
    },
}  # fmt: skip
MAINTENANCE = {"allOf": [INCIDENT, {"required": ["scheduled_for", "scheduled_until"]}]}
STATUS = {
    "type": "object",
    "required": ["indicator", "description"],
    "properties": {"indicator": {"enum": ["none", "minor", "major", "critical", "maintenance"]}, "description": TEXT},
}


def document(required: dict[str, dict]) -> dict:
    return {
        "type": "object",
        "required": ["page", *required],
        "properties": {"page": PAGE, **required},
    }


SCHEMAS = {
    "summary.json": document(
        {
            "components": {"type": "array", "items": COMPONENT},
            "incidents": {"type": "array", "items": INCIDENT},
            "scheduled_maintenances": {"type": "array", "items": MAINTENANCE},
            "status": STATUS,
        }
    ),
    "status.json": document({"status": STATUS}),
    "components.json": document({"components": {"type": "array", "items": COMPONENT}}),
    "incidents.json": document({"incidents": {"type": "array", "items": INCIDENT}}),
    "incidents/unresolved.json": document({"incidents": {"type": "array", "items": INCIDENT}}),
    "scheduled-maintenances.json": document({"scheduled_maintenances": {"type": "array", "items": MAINTENANCE}}),
    "scheduled-maintenances/upcoming.json": document(
        {"scheduled_maintenances": {"type": "array", "items": MAINTENANCE}}
    ),
    "scheduled-maintenances/active.json": document({"scheduled_maintenances": {"type": "array", "items": MAINTENANCE}}),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("outputs") / "site"
    # --no-cache: the cache would be kept beside the demo's status.yml, in the source tree
    command = ["build", "--config", str(DEMO / "status.yml"), "--out", str(out), "--now", DEMO_NOW, "--no-cache"]
    assert main(command) == 0
    return out


def read(site: Path, relative: str) -> str:
    return (site / relative).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_statuspage_v2_documents_follow_the_schema(site: Path, name: str) -> None:
    jsonschema.validate(json.loads(read(site, f"api/v2/{name}")), SCHEMAS[name])


def test_statuspage_v2_content(site: Path) -> None:
    summary = json.loads(read(site, "api/v2/summary.json"))
    # Demo at 26 Nov 10:00: SiRUP partial outage is the worst → "major" (Statuspage's word for partial).
    assert summary["status"] == {
        "indicator": "major",
        "description": "Partial System Outage",
        "statusgen_status": "partial_outage",
    }
    assert summary["page"]["url"] == "https://example.github.io/status-demo/"
    assert summary["page"]["time_zone"] == "Asia/Makassar"
    assert summary["page"]["updated_at"] == "2026-11-26T10:00:00.000+08:00"
    assert [i["id"] for i in summary["incidents"]] == ["2026-11-26-sirup-gangguan"]
    assert summary["incidents"][0]["impact"] == "major"
    assert summary["incidents"][0]["status"] == "identified"
    assert [m["id"] for m in summary["scheduled_maintenances"]] == [
        "2026-11-26-pemeliharaan-genset",
        "2026-11-29-pemeliharaan-spse",
    ]
    upcoming = json.loads(read(site, "api/v2/scheduled-maintenances/upcoming.json"))["scheduled_maintenances"]
    assert upcoming[0]["scheduled_for"] == "2026-11-29T22:00:00.000+08:00"
    active = json.loads(read(site, "api/v2/scheduled-maintenances/active.json"))["scheduled_maintenances"]
    assert [m["status"] for m in active] == ["in_progress"]
    statuses = {c["id"]: c["status"] for c in summary["components"] if not c["group"]}
    # The stale internet probe has no Statuspage word: operational there, our own word beside it.
    assert statuses["internet"] == "operational"
    internet = next(c for c in summary["components"] if c["id"] == "internet")
    assert internet["statusgen_status"] == "no_data"
    assert statuses["sirup"] == "partial_outage" and statuses["listrik"] == "under_maintenance"
    groups = [c for c in summary["components"] if c["group"]]
    assert [g["name"] for g in groups] == ["Layanan LPSE", "Layanan pusat", "Infrastruktur"]
    assert groups[0]["components"] == ["spse", "ruang-bidding"]


def test_atom_has_the_same_items_as_rss(site: Path) -> None:
    atom = feedparser.parse((site / "atom.xml").read_bytes())
    rss = feedparser.parse((site / "feed.xml").read_bytes())
    assert not atom.bozo and not rss.bozo
    assert atom.version == "atom10"
    assert [e.title for e in atom.entries] == [e.title for e in rss.entries]
    assert [e.id for e in atom.entries] == [e.id for e in rss.entries]
    assert len(atom.entries) == 50


def test_each_component_has_its_own_feed(site: Path) -> None:
    sirup = feedparser.parse((site / "components" / "sirup" / "feed.xml").read_bytes())
    assert not sirup.bozo and sirup.version == "rss20"
    assert sirup.entries
    assert all("SiRUP (contoh)" in e.summary for e in sirup.entries)
    assert sirup.entries[0].title == "[Penyebab diketahui] SiRUP gagal memuat paket pengadaan"
    assert sirup.feed.link == "https://example.github.io/status-demo/components/sirup/"


def test_maintenance_calendar(site: Path) -> None:
    calendar = Calendar.from_ical((site / "maintenance.ics").read_bytes())
    events = calendar.walk("VEVENT")
    # Within 90 days back or ahead: the genset test (26 Nov, 09:00–12:00) and the SPSE upgrade (29 Nov).
    # The 2020 maintenance is older than 90 days.
    assert [str(e["uid"]) for e in events] == [
        "2026-11-26-pemeliharaan-genset@example.github.io",
        "2026-11-29-pemeliharaan-spse@example.github.io",
    ]
    upgrade = events[1]
    # 29 Nov 22:00 WITA is 14:00 UTC; 30 Nov 02:00 WITA is 18:00 UTC.
    assert upgrade.decoded("dtstart") == datetime(2026, 11, 29, 14, 0, tzinfo=UTC)
    assert upgrade.decoded("dtend") == datetime(2026, 11, 29, 18, 0, tzinfo=UTC)
    assert str(upgrade["summary"]) == "Pemeliharaan: Pembaruan SPSE ke versi baru"
    assert str(upgrade["url"]) == "https://example.github.io/status-demo/incidents/2026-11-29-pemeliharaan-spse/"


def test_badges_are_well_formed_svg_with_a_title(site: Path) -> None:
    namespace = "{http://www.w3.org/2000/svg}"
    overall = ET.fromstring((site / "badge.svg").read_bytes())
    assert overall.tag == f"{namespace}svg"
    assert overall.find(f"{namespace}title").text == "status: Gangguan sebagian"
    for component in ("spse", "ruang-bidding", "sikap", "sirup", "internet", "listrik"):
        badge = ET.fromstring((site / "badges" / f"{component}.svg").read_bytes())
        assert badge.find(f"{namespace}title").text.endswith(
            {"sikap": "Kinerja menurun", "sirup": "Gangguan sebagian", "internet": "Tidak ada data terbaru",
             "listrik": "Sedang pemeliharaan"}.get(component, "Normal")
        )  # fmt: skip


def test_the_outage_record_prints_from_the_print_rules_of_the_one_stylesheet(site: Path) -> None:
    css = read(site, "static/style.css")
    print_rules = css[css.index("@media print {") :]
    assert ".record { display: block !important; }" in print_rules
    page = read(site, "incidents/2021-09-19-kabel-laut-contoh/index.html")
    assert page.count('rel="stylesheet"') == 1
    # The record: letterhead, facts and chronology, then the body, then the signature.
    record = page[page.index('<section class="record"') : page.index("</article>")]
    assert record.index("Keterangan") < record.index('class="record record-sign"')
    for expected in (
        "LPSE Contoh (data sintetis)",  # organization from status.yml
        "BERITA ACARA GANGGUAN",
        "Nomor catatan: 2021-09-19-kabel-laut-contoh",
        "https://example.github.io/status-demo/incidents/2021-09-19-kabel-laut-contoh/",
        "Minggu, 19 September 2021 pukul 18.33 WITA",
        "Senin, 20 September 2021 pukul 09.00 WITA",
        "14 jam 27 menit",  # to the minute, however long
        "Internet (contoh), SPSE (contoh)",
        "Eksternal (nasional)",
        "Kepala LPSE Contoh",  # signatory from status.yml
        "Nama Pejabat Contoh",
        "NIP 000000000000000000",
        "Banjarmasin, Senin, 20 September 2021",
    ):
        assert expected in record, expected
    # The chronology runs oldest first.
    assert record.index("Penyebab diketahui") < record.index("Dalam pemantauan") < record.index("Teratasi")
    assert "penyesuaian jadwal" in page  # the on-screen note says what the record is for


def test_yearly_calendar_shows_every_day(site: Path) -> None:
    page = read(site, "components/spse/2016/index.html")
    grids = page.split('<div class="calendar">')[1].split("</div>")[0]
    assert len(re.findall(r'<td class="day-|<td>\d', grids)) == 366  # 2016 is a leap year
    # The grid tells the date (caption, column, number) and the page the source, so the day's words do not.
    february = page.split("<caption>Februari 2016")[1].split("</table>")[0]
    leap = re.search(r'<td class="day-([a-z]+)"><a href="([^"]+)">29 <span>([^<]*)</span>', february)
    assert leap is not None
    # 23:00–24:00 major: 100 × (1 − 60/1440) = 95.83 %, a bare percentage (the page says what it is); the
    # day's hour of downtime is not in its words but in the year's daily JSON, which the page links.
    assert leap.group(1) == "major"
    assert leap.group(3).startswith("Gangguan total; 95,83%; ")
    assert "sumber" not in leap.group(3) and "gangguan setara" not in leap.group(3)
    assert 'href="/status-demo/api/v1/components/spse/daily/2016.json">data harian 2016 (JSON)</a>' in page
    year = json.loads(read(site, "api/v1/components/spse/daily/2016.json"))
    # 2016 had no maintenance, no time without data, and its figures all come from incident records: those are
    # written once for the year, and each day's row is its date, uptime and minutes of downtime.
    assert year["constant"] == {"maintenance_minutes": 0, "no_data_minutes": 0, "source": "incidents"}
    assert year["columns"] == ["date", "uptime", "downtime_minutes"]
    assert ["2016-02-29", 95.833333, 60] in year["days"]
    assert "Angka setiap hari tahun ini bersumber dari catatan gangguan." in page
    assert leap.group(2) == "/status-demo/incidents/2016-02-29-hari-kabisat/"
    assert "<caption>Februari 2016" in page
    calendar = page[page.index('<div class="calendar">') : page.index("<h2>Angka per bulan")]
    rows = re.findall(r"<tr>(.*?)</tr>", calendar, re.S)
    week_rows = [r for r in rows if "<td" in r]
    assert week_rows and all(r.count("<td") == 7 for r in week_rows)  # every week row is full
    recent = read(site, "components/spse/2026/index.html")
    assert "sumber: pemeriksaan otomatis" in recent
    # 2026's days come from incident records, then from probes: the source is a column of that year's file.
    year = json.loads(read(site, "api/v1/components/spse/daily/2026.json"))
    assert "source" in year["columns"] and "source" not in year["constant"]
    assert {row[year["columns"].index("source")] for row in year["days"]} == {"incidents", "probes"}
    # Days after today are left empty: 26 November is the last cell.
    grids = recent.split('<div class="calendar">')[1].split("</div>")[0]
    assert len(re.findall(r'<td class="day-|<td>\d', grids)) == 330  # 1 Jan … 26 Nov 2026
    component = read(site, "components/spse/index.html")
    for year in range(2011, 2027):
        assert f'href="/status-demo/components/spse/{year}/"' in component


def test_sla_page_explains_and_links_the_exclusions(site: Path) -> None:
    page = read(site, "sla/index.html")
    assert "Cara menghitung" in page
    for component in ("spse", "ruang-bidding", "sikap", "sirup", "internet", "listrik"):
        assert f'id="sla-{component}"' in page
    assert "✓ Tercapai" in page
    # The report's month table holds the last 12 months (December 2025 to November 2026, the build's
    # month); earlier months are on each year's calendar page, which it links.
    spse = page[page.index('id="sla-spse"') : page.index('id="sla-ruang-bidding"')]
    months = re.findall(r'<th scope="row">(\d{4}-\d\d)</th>', spse)
    years = [m for m in months if len(m) == 4]
    monthly = [m for m in months if len(m) == 7]
    assert monthly == [f"2026-{n:02d}" for n in range(11, 0, -1)] + ["2025-12"], years
    assert 'href="/status-demo/components/spse/2021/"' in spse
    # In SPSE's 2021 and 2020 calendars, September 2021 names the external cable cut as the cause
    # of excluded minutes, with a link, and July 2020 its maintenance window; November 2026 (in the
    # report) names the coming maintenance not at all, as it has not started.
    rows = dict(re.findall(r'<th scope="row">(\d{4}-\d\d)</th>.*?<td class="causes">(.*?)</td>', spse, re.S))
    assert rows["2026-11"] == ""
    for year, month, cause in (
        ("2021", "2021-09", "Eksternal: Internet melambat akibat kabel laut putus"),
        ("2020", "2020-07", "Pemeliharaan: Pemeliharaan server SPSE"),
    ):
        calendar = read(site, f"components/spse/{year}/index.html")
        rows = dict(re.findall(r'<th scope="row">(\d{4}-\d\d)</th>.*?<td class="causes">(.*?)</td>', calendar, re.S))
        assert cause in rows[month]
    # The 2021 page lists the year's incidents: the cable cut is linked and called external.
    calendar = read(site, "components/spse/2021/index.html")
    line = re.search(r'<li data-incident="2021-09-19-kabel-laut-contoh">(.*?)</li>', calendar, re.S)
    assert line is not None
    assert '<a href="/status-demo/incidents/2021-09-19-kabel-laut-contoh/">' in line[1]
    assert "Eksternal (nasional)" in line[1]
    monthly_json = json.loads(read(site, "api/v1/components/sirup/monthly.json"))
    assert monthly_json["target"] == 99.9  # the component's own target


def test_review_fixes_on_a_small_site(make_site, cli) -> None:
    site = make_site()
    incidents = {
        # 1 day 2 h 27 min: the record gives it to the minute.
        "2021-11-01-panjang": ("major", "2021-11-01 18:33", "resolved: 2021-11-02 21:00"),
        "2021-11-03-alarm": ("notice", "2021-11-03 10:00", "resolved: 2021-11-03 11:00\nfalse_alarm: true"),
    }
    for slug, (severity, started, extra) in incidents.items():
        site.incident(
            slug,
            f"---\ntitle: {slug}\ncomponents: [spse]\nseverity: {severity}\nstarted: {started}\n{extra}\n"
            "updates: []\n---\nIsi.\n",
        )
    assert cli("build", "--config", site.config, "--out", site.out, "--now", "2021-11-30T12:00").code == 0
    record = site.file("incidents/2021-11-01-panjang/index.html")
    assert "<td>1 hari 2 jam 27 menit</td>" in record
    assert "BERITA ACARA GANGGUAN" in record
    alarm = site.file("incidents/2021-11-03-alarm/index.html")
    assert "BERITA ACARA ALARM PALSU" in alarm and "BERITA ACARA GANGGUAN" not in alarm
    ids = [i["id"] for i in json.loads(site.file("api/v2/incidents.json"))["incidents"]]
    assert "2021-11-01-panjang" in ids  # (an outage dated ahead is refused: test_build.py)
    atom = site.file("atom.xml")
    assert '<content type="html">' in atom and "<author>" in atom
