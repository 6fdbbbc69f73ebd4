"""The demo site in both languages: every page, feed, calendar and badge exists in each, the 404 page speaks
both, every page names its language and links its other version (``hreflang``, Open Graph), the language
switch, the sitemap, robots.txt, the year calendar's weeks, and the help section (contacts and the browser
check) in each language.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree

import feedparser
import icalendar
import pytest

from statusgen import render
from statusgen.cli import main
from tests.conftest import DEMO, DEMO_NOW, Run, Site
from tests.i18nkit import (
    DEFAULT,
    DEMO_BASE,
    DEMO_PATH,
    LANGUAGE_NAME,
    LOCALE_OF,
    PREFIXES,
    SMALL,
    Cli,
    MakeSite,
    build,
    catalogue,
    main_of,
    page,
)

# --- The structure of the site in both languages (the demo) -----------------------------------------------------


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo built once for this module, for DEMO_NOW; its pages are only read."""
    root = tmp_path_factory.mktemp("i18n") / "demo"
    shutil.copytree(DEMO, root, ignore=shutil.ignore_patterns("site", "__pycache__"))
    out = root / "site"
    assert main(["build", "--config", str(root / "status.yml"), "--out", str(out), "--now", DEMO_NOW]) == 0
    return out


def files_of(out: Path, code: str) -> set[str]:
    """The files of one language, as paths inside its own prefix; shared files (API, static, sitemap) left out."""
    shared = ("api/", "static/", "sitemap.xml", "robots.txt")
    paths = {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()}
    if code == DEFAULT:
        return {p for p in paths if not p.startswith(("en/", *shared))}
    return {p.removeprefix(PREFIXES[code]) for p in paths if p.startswith(PREFIXES[code])}


def page_path(relative: str) -> str:
    """The path a page is linked by: ``history/index.html`` is ``history/``."""
    return relative.removesuffix("index.html")


def test_every_page_exists_in_both_languages(demo_site: Path) -> None:
    indonesian = {p for p in files_of(demo_site, "id") if p.endswith(".html")}
    english = {p for p in files_of(demo_site, "en") if p.endswith(".html")}
    assert "404.html" in indonesian and "404.html" not in english  # GitHub Pages serves one 404 page
    assert english == indonesian - {"404.html"}
    assert len(english) > 150  # incidents, components, years: the whole demo


def test_feeds_calendar_and_badges_exist_in_both_languages(demo_site: Path) -> None:
    indonesian = {p for p in files_of(demo_site, "id") if not p.endswith(".html")}
    english = {p for p in files_of(demo_site, "en") if not p.endswith(".html")}
    components = ["spse", "ruang-bidding", "sikap", "sirup", "internet", "listrik"]
    expected = {"feed.xml", "atom.xml", "maintenance.ics", "badge.svg"}
    expected |= {f"components/{c}/feed.xml" for c in components} | {f"badges/{c}.svg" for c in components}
    assert indonesian == english == expected
    # The demo is partly down at DEMO_NOW: its badge says so in each language.
    assert "<title>status: Gangguan sebagian</title>" in (demo_site / "badge.svg").read_text(encoding="utf-8")
    assert "<title>status: Partial outage</title>" in (demo_site / "en/badge.svg").read_text(encoding="utf-8")
    badge = (demo_site / "en/badges/listrik.svg").read_text(encoding="utf-8")
    assert "<title>Power (example): Under maintenance</title>" in badge  # the generator test is under way
    calendar = icalendar.Calendar.from_ical((demo_site / "en/maintenance.ics").read_bytes())
    assert str(calendar["X-WR-CALNAME"]) == "Maintenance · Example: LPSE Service Status (synthetic data)"
    summaries = {str(event["UID"]): str(event["SUMMARY"]) for event in calendar.walk("VEVENT")}
    # The English calendar is a calendar of its own: its UIDs differ from the Indonesian one's.
    assert (
        summaries["2026-11-29-pemeliharaan-spse.en@example.github.io"] == "Maintenance: SPSE upgrade to a new version"
    )
    feed = feedparser.parse((demo_site / "en/components/spse/feed.xml").read_bytes())
    assert (feed.feed.language, feed.feed.title) == (
        "en",
        "SPSE (contoh) · Example: LPSE Service Status (synthetic data)",
    )


def test_the_404_page_is_at_the_root_only_and_speaks_both_languages(demo_site: Path) -> None:
    document = page(demo_site, "404.html")
    assert document.one("html").attrs["lang"] == "id"
    english = document.one("section", lang="en")
    assert english.one("h2").text() == "Page not found"
    assert english.one("a").attrs["href"] == DEMO_PATH + "en/"
    indonesian = document.one("section", lang="id")
    assert indonesian.one("h1").text() == "Halaman tidak ditemukan"
    assert indonesian.one("a").attrs["href"] == DEMO_PATH
    # Served for every missing address, it names no other version of itself.
    assert document.find_all("link", hreflang="en") == []
    assert document.one("nav").find_all("a", hreflang="en") == []


def head_problems(out: Path, code: str, relative: str) -> list[str]:
    """What is wrong with the language marks and links of one page, as readable lines."""
    path = page_path(relative)
    document = page(out, PREFIXES[code] + relative)
    other = next(c for c in PREFIXES if c != code)
    here = DEMO_BASE + PREFIXES[code] + path
    switches = [a for a in document.one("nav").find_all("a") if "hreflang" in a.attrs]
    found: dict[str, object] = {
        "lang": document.one("html").attrs.get("lang"),
        "canonical": document.one("link", rel="canonical").attrs["href"],
        "alternates": {
            link.attrs["hreflang"]: link.attrs["href"] for link in document.find_all("link") if "hreflang" in link.attrs
        },
        "og:url": document.one("meta", property="og:url").attrs["content"],
        "og:locale": document.one("meta", property="og:locale").attrs["content"],
        "og:locale:alternate": document.one("meta", property="og:locale:alternate").attrs["content"],
        "og:title is the title": document.one("meta", property="og:title").attrs["content"]
        == document.one("title").text(),
        "rss": document.one("link", type="application/rss+xml").attrs["href"],
        "switch": [(a.attrs["hreflang"], a.attrs["href"], a.attrs.get("lang"), a.words()) for a in switches],
    }
    expected: dict[str, object] = {
        "lang": code,
        "canonical": here,
        "alternates": {"id": DEMO_BASE + path, "en": DEMO_BASE + "en/" + path, "x-default": DEMO_BASE + path},
        "og:url": here,
        "og:locale": LOCALE_OF[code],
        "og:locale:alternate": LOCALE_OF[other],
        "og:title is the title": True,
        "rss": DEMO_BASE + PREFIXES[code] + "feed.xml",
        "switch": [(other, DEMO_PATH + PREFIXES[other] + path, other, LANGUAGE_NAME[other])],
    }
    return [
        f"{PREFIXES[code]}{relative}: {name} is {found[name]!r}, not {expected[name]!r}"
        for name in expected
        if found[name] != expected[name]
    ]


@pytest.mark.parametrize("code", ["id", "en"])
@pytest.mark.slow
def test_every_page_names_its_language_and_links_its_other_version(demo_site: Path, code: str) -> None:
    pages = sorted(p for p in files_of(demo_site, code) if p.endswith(".html") and p != "404.html")
    problems = [problem for relative in pages for problem in head_problems(demo_site, code, relative)]
    assert problems[:20] == []


def test_the_language_switch_leads_to_a_page_that_exists(demo_site: Path) -> None:
    for code in ("id", "en"):
        for relative in ["index.html", "history/2021/index.html", "incidents/2026-11-20-spse-mati/index.html"]:
            switch = (
                page(demo_site, PREFIXES[code] + relative).one("nav").one("a", hreflang="en" if code == "id" else "id")
            )
            target = switch.attrs["href"].removeprefix(DEMO_PATH)
            assert (demo_site / (target + "index.html" if target.endswith("/") or not target else target)).is_file()


def test_the_sitemap_lists_every_page_of_both_languages(demo_site: Path) -> None:
    namespace = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    urlset = ElementTree.parse(demo_site / "sitemap.xml").getroot()
    assert urlset.tag == f"{namespace}urlset"
    listed = [loc.text for loc in urlset.iter(f"{namespace}loc")]
    expected = {
        DEMO_BASE + PREFIXES[code] + page_path(relative)
        for code in ("id", "en")
        for relative in files_of(demo_site, code)
        if relative.endswith(".html") and relative != "404.html"
    }
    assert len(listed) == len(set(listed))
    assert set(listed) == expected
    assert DEMO_BASE + "en/" in listed and DEMO_BASE + "en/history/2011/" in listed


def test_a_sitemap_of_more_pages_than_one_may_list_is_an_index_of_sitemaps() -> None:
    # A sitemap may list 50,000 addresses. With a limit of 3, seven pages make three sitemaps of 3, 3 and 1,
    # in order, and sitemap.xml is the index of them.
    pages = ["index.html", "a/index.html", "b/index.html", "c/index.html", "d/index.html", "e.xml", "f/index.html"]
    made = render.sitemaps("https://example.org/s/", pages, limit=3)
    assert sorted(made) == ["sitemap-1.xml", "sitemap-2.xml", "sitemap-3.xml", "sitemap.xml"]
    namespace = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    index = ElementTree.fromstring(made["sitemap.xml"])
    assert index.tag == f"{namespace}sitemapindex"
    assert [loc.text for loc in index.iter(f"{namespace}loc")] == [
        f"https://example.org/s/sitemap-{n}.xml" for n in (1, 2, 3)
    ]
    parts = [ElementTree.fromstring(made[f"sitemap-{n}.xml"]) for n in (1, 2, 3)]
    assert all(part.tag == f"{namespace}urlset" for part in parts)
    assert [[loc.text for loc in part.iter(f"{namespace}loc")] for part in parts] == [
        ["https://example.org/s/", "https://example.org/s/a/", "https://example.org/s/b/"],
        ["https://example.org/s/c/", "https://example.org/s/d/", "https://example.org/s/e.xml"],
        ["https://example.org/s/f/"],
    ]
    # At the limit, one sitemap as before.
    alone = render.sitemaps("https://example.org/s/", pages[:3], limit=3)
    assert list(alone) == ["sitemap.xml"] and ElementTree.fromstring(alone["sitemap.xml"]).tag == f"{namespace}urlset"
    assert render.SITEMAP_URLS == 50_000  # sitemaps.org's limit


def test_a_build_past_the_sitemap_limit_writes_the_index_and_every_page_once(
    make_site: Callable[..., Site], cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site()
    assert cli("build", "--config", site.config, "--out", site.out, "--now", "2021-09-21T06:00+08:00").code == 0
    namespace = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    every = [loc.text for loc in ElementTree.parse(site.out / "sitemap.xml").getroot().iter(f"{namespace}loc")]
    assert len(every) > 20
    monkeypatch.setattr(render, "SITEMAP_URLS", 10)
    assert cli("build", "--config", site.config, "--out", site.out, "--now", "2021-09-21T06:00+08:00").code == 0
    index = ElementTree.parse(site.out / "sitemap.xml").getroot()
    names = [loc.text.removeprefix("https://example.github.io/status/") for loc in index.iter(f"{namespace}loc")]
    assert names == [f"sitemap-{n}.xml" for n in range(1, (len(every) + 9) // 10 + 1)]
    listed = [
        loc.text for name in names for loc in ElementTree.parse(site.out / name).getroot().iter(f"{namespace}loc")
    ]
    assert listed == every
    assert "Sitemap: https://example.github.io/status/sitemap.xml" in (site.out / "robots.txt").read_text()


def test_robots_txt_names_the_sitemap(demo_site: Path) -> None:
    robots = (demo_site / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert f"Sitemap: {DEMO_BASE}sitemap.xml" in robots
    assert (demo_site / "sitemap.xml").is_file()


def test_the_year_calendar_heads_its_weeks_in_each_language(demo_site: Path) -> None:
    for code, names in [("id", "Sen Sel Rab Kam Jum Sab Min"), ("en", "Mon Tue Wed Thu Fri Sat Sun")]:
        calendar = page(demo_site, PREFIXES[code] + "components/spse/2021/index.html")
        first_month = calendar.find_all("table", class_="month")[0]
        assert " ".join(th.text() for th in first_month.one("thead").find_all("th")) == names
        caption = "Januari 2021" if code == "id" else "January 2021"
        assert first_month.one("caption").text().startswith(caption)


# --- Help: the contacts and the browser check ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "title", "nav", "hours", "not_hours"),
    [
        ("id", "Butuh bantuan?", "Bantuan", "Senin–Jumat 08.00–16.00 WITA", "Monday–Friday 08:00–16:00 WITA"),
        ("en", "Need help?", "Help", "Monday–Friday 08:00–16:00 WITA", "Senin–Jumat 08.00–16.00 WITA"),
    ],
)
def test_the_help_section_in_each_language(
    demo_site: Path, code: str, title: str, nav: str, hours: str, not_hours: str
) -> None:
    index = page(demo_site, PREFIXES[code] + "index.html")
    help_ = main_of(index).one("section", class_="help")
    assert help_.attrs["aria-labelledby"] == "bantuan"
    assert help_.one("h2", id="bantuan").text() == title
    links = {a.attrs["href"]: a.text() for a in help_.find_all("a")}
    # "(0511) 000-0000" dials as 05110000000: the brackets, space and hyphen are dropped.
    assert links["tel:05110000000"] == "(0511) 000-0000"
    assert links["tel:144"] == "144"
    assert links["mailto:helpdesk@example.org"] == "helpdesk@example.org"
    assert set(help_.languages_of(hours)) == {code}
    assert len(help_.languages_of(hours)) == 2  # the helpdesk's and the Bidding Room's
    assert not_hours not in help_.text()
    assert [(a.attrs["href"], a.text()) for a in index.one("nav").find_all("a") if "#" in a.attrs["href"]] == [
        (DEMO_PATH + PREFIXES[code] + "#bantuan", nav)
    ]
    check = main_of(index).one("section", class_="check")
    assert [li.attrs["data-check-target"] for li in check.find_all("li")] == ["https://spse.example.org/eproc4"]
    messages = json.loads(check.one("script", type="application/json").text())
    assert messages["again"] == catalogue(code)["check.again"]
    assert [s.attrs["src"] for s in index.find_all("script") if "src" in s.attrs] == [DEMO_PATH + "static/check.js"]


def test_a_site_without_help_has_no_help_section_link_or_script(make_site: MakeSite, cli: Cli) -> None:
    site = make_site(SMALL)
    build(cli, site)
    for code in ("id", "en"):
        index = page(site.out, PREFIXES[code] + "index.html")
        assert index.find_all(id="bantuan") == [] and index.find_all(class_="help") == []
        assert [a.attrs["href"] for a in index.find_all("a") if "#bantuan" in a.attrs.get("href", "")] == []
        assert index.find_all("script") == []
        assert index.find_all(class_="check") == []
        assert ("Bantuan" if code == "id" else "Help") not in index.one("nav").words()
