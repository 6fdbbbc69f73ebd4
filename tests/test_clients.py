"""What clients of the machine-readable outputs see: Statuspage v2 documents read as its client
libraries read them, the iCalendar feeds as calendar programs subscribe to them, and the RSS
channel as feed readers show it. Every figure below is worked out from the fixture by hand.
"""

from __future__ import annotations

import json
import re
from xml.etree import ElementTree

import icalendar
import pytest

NOW = "2026-11-26T10:00+08:00"

CONFIG = """\
title: Uji <b>tebal</b> & co
base_url: https://example.github.io/status/
timezone: Asia/Makassar
languages: [id, en]
components:
  - id: spse
    name: SPSE <i>miring</i>
    group: LPSE
  - id: sikap
    name: SIKaP
    group: Pusat
  - id: internet
    name: Internet
    url: https://internet.example/
    probe:
      url: https://internet.example/
"""

OUTAGE = """\
---
title: Putus
components: [internet, sikap]
severity: major
started: 2026-11-20 08:00
resolved: 2026-11-20 10:00
updates:
  - at: 2026-11-20 10:00
    status: resolved
    message: Pulih.
  - at: 2026-11-20 08:05
    status: investigating
    message: Diselidiki.
---
"""

NOTICE = """\
---
title: Pemberitahuan jadwal
components: [spse]
severity: notice
started: 2026-11-21 09:00
updates: []
---
Jadwal **tender** bergeser.
"""

MAINTENANCE = """\
---
title: Pembaruan SPSE
components: [spse]
severity: maintenance
started: 2026-11-29 22:00
resolved: 2026-11-30 02:00
updates:
  - at: 2026-11-25 09:00
    status: scheduled
    message: Dijadwalkan.
---
"""


@pytest.fixture
def site(make_site, cli):
    site = make_site(CONFIG)
    site.incident("2026-11-20-putus", OUTAGE)
    site.incident("2026-11-21-info", NOTICE)
    site.incident("2026-11-29-pembaruan", MAINTENANCE)
    assert cli("build", "--config", site.config, "--out", site.out, "--now", NOW).code == 0
    return site


def api(site, name: str) -> dict:
    return json.loads(site.file(f"api/v2/{name}"))


def test_components_inside_incidents_are_those_of_components_json(site) -> None:
    listed = {c["id"]: c for c in api(site, "components.json")["components"]}
    # By hand: group LPSE takes position 1 (id group-1), spse 2; group Pusat 3 (group-3), sikap 4;
    # internet has no group: position 5, group_id null.
    assert [(c["id"], c["position"], c["group_id"]) for c in listed.values()] == [
        ("group-1", 1, None),
        ("spse", 2, "group-1"),
        ("group-3", 3, None),
        ("sikap", 4, "group-3"),
        ("internet", 5, None),
    ]
    seen = 0
    for name, key in [
        ("incidents.json", "incidents"),
        ("summary.json", "incidents"),
        ("scheduled-maintenances.json", "scheduled_maintenances"),
        ("scheduled-maintenances/upcoming.json", "scheduled_maintenances"),
    ]:
        for incident in api(site, name)[key]:
            for component in incident["components"]:
                assert component == listed[component["id"]], (name, incident["id"])
                seen += 1
    outage = next(i for i in api(site, "incidents.json")["incidents"] if i["id"] == "2026-11-20-putus")
    # In the order of components.json, not of the file: sikap (4) before internet (5).
    assert [(c["id"], c["position"], c["group_id"]) for c in outage["components"]] == [
        ("sikap", 4, "group-3"),
        ("internet", 5, None),
    ]
    # incidents.json: the outage's two and the notice's one; summary.json: the notice (still open);
    # the maintenance's one in scheduled-maintenances.json and in upcoming.json.
    assert seen == 2 + 1 + 1 + 1 + 1


INDICATOR_OF_WORST = {  # Statuspage: the page's indicator follows its worst component
    "major_outage": "critical",
    "partial_outage": "major",
    "degraded_performance": "minor",
    "under_maintenance": "maintenance",
    "operational": "none",
}


def test_no_recent_data_gives_one_consistent_picture_in_the_standard_fields(site) -> None:
    summary = api(site, "summary.json")
    components = [c for c in summary["components"] if not c["group"]]
    # The internet probe has no sample at all: no data. Nothing else is wrong at 26 Nov 10:00.
    internet = next(c for c in components if c["id"] == "internet")
    assert internet["statusgen_status"] == "no_data"
    assert {c["status"] for c in components} == {"operational"}
    worst = "operational"
    assert summary["status"]["indicator"] == INDICATOR_OF_WORST[worst] == "none"
    # Our own words stay beside the standard ones.
    assert summary["status"]["statusgen_status"] == "no_data"
    assert summary["status"]["description"] == "No Recent Data for Some Systems"
    assert api(site, "status.json")["status"] == summary["status"]


@pytest.mark.slow
def test_an_outage_with_no_data_elsewhere_still_reads_as_the_outage(make_site, cli) -> None:
    site = make_site(CONFIG)
    ongoing = OUTAGE.replace("2026-11-20", "2026-11-26").replace("resolved: 2026-11-26 10:00\n", "")
    site.incident(
        "2026-11-26-putus", ongoing.replace("  - at: 2026-11-26 10:00\n    status: resolved\n    message: Pulih.\n", "")
    )
    assert cli("build", "--config", site.config, "--out", site.out, "--now", NOW).code == 0
    summary = api(site, "summary.json")
    statuses = {c["id"]: c["status"] for c in summary["components"] if not c["group"]}
    # A major incident on internet and sikap since 08:00, still open at 10:00.
    assert statuses == {"spse": "operational", "sikap": "major_outage", "internet": "major_outage"}
    assert summary["status"]["indicator"] == INDICATOR_OF_WORST["major_outage"] == "critical"


def test_a_notice_without_updates_has_its_text_as_one_update(site) -> None:
    notice = next(i for i in api(site, "incidents.json")["incidents"] if i["id"] == "2026-11-21-info")
    assert notice["incident_updates"] == [
        {
            "id": "2026-11-21-info-mulai",
            "status": notice["status"],
            "body": "Jadwal **tender** bergeser.",  # the Markdown as written, as in every other update's body
            "incident_id": "2026-11-21-info",
            "created_at": "2026-11-21T09:00:00.000+08:00",  # published when it started
            "updated_at": "2026-11-21T09:00:00.000+08:00",
            "display_at": "2026-11-21T09:00:00.000+08:00",
            "affected_components": None,
            "deliver_notifications": True,
            "custom_tweet": None,
            "tweet_id": None,
        }
    ]
    for incident in api(site, "incidents.json")["incidents"]:
        assert incident["incident_updates"], incident["id"]


def calendar(site, relative: str) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical((site.out / relative).read_bytes())


def test_each_language_calendar_has_uids_of_its_own(site) -> None:
    indonesian = [str(e["UID"]) for e in calendar(site, "maintenance.ics").walk("VEVENT")]
    english = [str(e["UID"]) for e in calendar(site, "en/maintenance.ics").walk("VEVENT")]
    # The default language keeps the UIDs subscribers already have; English ones are told apart.
    assert indonesian == ["2026-11-29-pembaruan@example.github.io"]
    assert english == ["2026-11-29-pembaruan.en@example.github.io"]


def test_a_calendar_without_maintenance_still_holds_a_component(make_site, cli) -> None:
    site = make_site(CONFIG)
    assert cli("build", "--config", site.config, "--out", site.out, "--now", NOW).code == 0
    for relative in ("maintenance.ics", "en/maintenance.ics"):
        raw = (site.out / relative).read_bytes().decode()
        parsed = icalendar.Calendar.from_ical(raw)
        assert parsed.walk("VEVENT") == []
        # RFC 5545: a calendar holds at least one component. The site's time zone is that one.
        assert [c.name for c in parsed.subcomponents] == ["VTIMEZONE"]
        assert str(parsed.subcomponents[0]["TZID"]) == "Asia/Makassar"
        assert str(parsed["X-WR-TIMEZONE"]) == "Asia/Makassar"
        assert "TZOFFSETTO:+0800" in raw


def test_line_breaks_in_a_title_cannot_start_a_calendar_line(make_site, cli) -> None:
    site = make_site(CONFIG)
    forged = "BEGIN:VEVENT\\nUID:palsu\\nSUMMARY:Palsu\\nEND:VEVENT"
    for slug, brk in [("cr", "\\r"), ("nel", "\\x85"), ("ls", "\\u2028"), ("ps", "\\u2029"), ("lf", "\\n")]:
        site.incident(
            f"2026-11-2{len(slug)}-{slug}",
            MAINTENANCE.replace(
                "title: Pembaruan SPSE", f'title: "Pembaruan{brk}{forged.replace(chr(92) + "n", brk)}"'
            ),
        )
    assert cli("build", "--config", site.config, "--out", site.out, "--now", NOW).code == 0
    raw = (site.out / "maintenance.ics").read_bytes().decode()
    # However a reader splits lines (CR, LF, NEL, LS, PS), no line but the real ones starts an event.
    lines = re.split("\r\n|[\r\n\x85\u2028\u2029]", raw)
    assert sum(line == "BEGIN:VEVENT" for line in lines) == 5
    assert not any(line.startswith("UID:palsu") for line in lines)
    events = calendar(site, "maintenance.ics").walk("VEVENT")
    assert len(events) == 5
    assert all(str(e["SUMMARY"]).startswith("Pemeliharaan: Pembaruan\nBEGIN:VEVENT\nUID:palsu") for e in events)


def test_the_rss_channel_description_is_text_for_a_feed_reader(site) -> None:
    for relative, name in [
        ("feed.xml", "Uji <b>tebal</b> & co"),
        ("en/feed.xml", "Uji <b>tebal</b> & co"),
        ("components/spse/feed.xml", "SPSE <i>miring</i> · Uji <b>tebal</b> & co"),
    ]:
        channel = ElementTree.fromstring((site.out / relative).read_bytes()).find("channel")
        assert channel is not None
        description = channel.findtext("description")
        # Readers take the description as HTML: the markup arrives escaped, so it shows as the words written.
        assert (
            description is not None
            and name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") in description
        )
        assert "<b>" not in description and "<i>" not in description
    atom = ElementTree.fromstring((site.out / "atom.xml").read_bytes())
    subtitle = atom.find("{http://www.w3.org/2005/Atom}subtitle")
    # Atom's subtitle is plain text by definition: the words as written, escaped only by XML itself.
    assert subtitle is not None and subtitle.get("type") in (None, "text")
    assert "Uji <b>tebal</b> & co" in (subtitle.text or "")
