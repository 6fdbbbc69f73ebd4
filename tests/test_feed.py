"""The RSS feed, read back with a real feed parser."""

from __future__ import annotations

import calendar
from email.utils import parsedate_to_datetime

import feedparser
import pytest

from statusgen.build import load
from tests.conftest import DEMO_NOW

BASE = "https://example.github.io/status/"
HEAD = "---\ntitle: {title}\ncomponents: [spse]\nseverity: major\nstarted: 2021-09-19 18:33\n"


def parse(path):
    feed = feedparser.parse(path.read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


@pytest.mark.slow
def test_demo_feed_is_the_newest_50_updates(cli, demo) -> None:
    assert cli("build", "--config", demo.config, "--out", demo.out, "--now", DEMO_NOW).code == 0
    feed = parse(demo.out / "feed.xml")
    assert feed.version == "rss20"
    assert feed.feed.link == "https://example.github.io/status-demo/"
    # One item per update, or one for the start of an incident without updates.
    incidents = load(demo.config).incidents
    expected_total = sum(len(i.updates) or 1 for i in incidents)
    assert expected_total > 50
    assert len(feed.entries) == 50
    times = [calendar.timegm(e.published_parsed) for e in feed.entries]
    assert times == sorted(times, reverse=True)
    # The newest 50 of all update times (and start times of incidents without updates).
    every_time = [int(u.at.timestamp()) for i in incidents for u in i.updates]
    every_time += [int(i.started.timestamp()) for i in incidents if not i.updates]
    every_time.sort(reverse=True)
    assert times == every_time[:50]
    guids = [e.id for e in feed.entries]
    assert len(set(guids)) == len(guids)
    for entry in feed.entries:
        assert entry.link.startswith("https://example.github.io/status-demo/incidents/")
        slug = entry.link.split("/incidents/")[1].split("/")[0]
        assert (demo.out / "incidents" / slug / "index.html").is_file()
    # lastBuildDate is the newest item's time, not the build clock (10:00 on 26 Nov).
    last_build = parsedate_to_datetime(feed.feed.updated)
    assert calendar.timegm(last_build.utctimetuple()) == times[0]
    assert last_build.isoformat() == "2026-11-26T09:05:00+08:00"


@pytest.mark.slow
def test_each_update_is_an_item_and_guids_are_stable(cli, make_site) -> None:
    site = make_site()
    text = HEAD.format(title="SPSE mati") + (
        "updates:\n"
        "  - at: 2021-09-19 18:40\n    status: investigating\n    message: Diselidiki.\n"
        "  - at: 2021-09-19 19:00\n    status: identified\n    message: Server **mati**.\n"
    )
    path = site.incident("2021-09-19-mati", text + "---\n")
    assert cli("build", "--config", site.config, "--out", site.out, "--now", "2021-09-19T19:30").code == 0
    first = parse(site.out / "feed.xml")
    assert [e.title for e in first.entries] == ["[Penyebab diketahui] SPSE mati", "[Sedang diselidiki] SPSE mati"]
    assert first.entries[0].link == BASE + "incidents/2021-09-19-mati/#pembaruan-2"
    assert "<strong>mati</strong>" in first.entries[0].summary
    assert first.entries[0].published == "Sun, 19 Sep 2021 19:00:00 +0800"

    # The incident resolves: a new item appears on top, the earlier items keep their guids.
    path.write_text(
        text + "  - at: 2021-09-19 20:15\n    status: resolved\n    message: Pulih.\nresolved: 2021-09-19 20:15\n---\n",
        encoding="utf-8",
    )
    assert cli("build", "--config", site.config, "--out", site.out, "--now", "2021-09-19T21:00").code == 0
    second = parse(site.out / "feed.xml")
    assert second.entries[0].title == "[Teratasi] SPSE mati"
    assert [e.id for e in second.entries][1:] == [e.id for e in first.entries]
    assert second.feed.updated == "Sun, 19 Sep 2021 20:15:00 +0800"


def test_incident_without_updates_gets_one_item_for_its_start(cli, make_site) -> None:
    site = make_site()
    site.incident("2021-09-19-tanpa", HEAD.format(title="Tanpa pembaruan") + "---\nIsi ringkas.\n")
    assert cli("build", "--config", site.config, "--out", site.out, "--now", "2021-09-20T00:00").code == 0
    feed = parse(site.out / "feed.xml")
    assert len(feed.entries) == 1
    entry = feed.entries[0]
    assert entry.title == "[Gangguan total] Tanpa pembaruan"
    assert entry.link == BASE + "incidents/2021-09-19-tanpa/"
    assert entry.published == "Sun, 19 Sep 2021 18:33:00 +0800"
    assert "Isi ringkas." in entry.summary


def test_titles_with_markup_characters_stay_text(cli, make_site) -> None:
    site = make_site()
    site.incident("2021-09-19-kutip", HEAD.format(title="'SPSE <b>\"mati\"</b> & lambat'") + "updates: []\n---\n")
    assert cli("build", "--config", site.config, "--out", site.out, "--now", "2021-09-20T00:00").code == 0
    feed = parse(site.out / "feed.xml")
    assert feed.entries[0].title == '[Gangguan total] SPSE <b>"mati"</b> & lambat'
    html = site.file("incidents/2021-09-19-kutip/index.html")
    assert "<h1>SPSE &lt;b&gt;&#34;mati&#34;&lt;/b&gt; &amp; lambat</h1>" in html
