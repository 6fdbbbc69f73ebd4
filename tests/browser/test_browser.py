"""The built demo site in a real browser: Debian's Chromium driven by Playwright, served locally.

The demo site is built once per module for DEMO_NOW and served by a local http.server under
/status-demo/, the path of its base_url, so links behave as they do on GitHub Pages. Requests that
would leave 127.0.0.1 are aborted, so no test reaches the internet.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from playwright.sync_api import BrowserContext, Locator, Page

from tests.conftest import DEMO
from tests.demo_server import PREFIX, SIRUP_INCIDENT, served_demo

SANITIZED_INCIDENT = "incidents/2021-09-19-kabel-laut-contoh/"  # has a table, a <script> and a javascript: link
COMPONENT_IDS = [c["id"] for c in yaml.safe_load((DEMO / "status.yml").read_text(encoding="utf-8"))["components"]]


@pytest.fixture(scope="module")
def origin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo site served under its sub-path; yields http://127.0.0.1:<port>."""
    with served_demo(tmp_path_factory.mktemp("browser")) as (_, served):
        yield served


@pytest.fixture(scope="module")
def base(origin: str) -> str:
    """The URL of the site's home page."""
    return origin + PREFIX


@pytest.fixture
def page(new_context: Callable[..., BrowserContext]) -> Page:
    return new_context().new_page()


def open_page(page: Page, url: str) -> None:
    response = page.goto(url, wait_until="load")
    assert response is not None and response.status == 200, url


def assert_readable(locator: Locator) -> None:
    """Shown as text on screen, not only as a colour or a visually hidden label."""
    assert locator.is_visible()
    box = locator.bounding_box()
    assert box is not None and box["width"] > 1 and box["height"] > 1


def test_index_is_self_contained_and_styled(page: Page, base: str, origin: str) -> None:
    requests: list[str] = []
    responses: list[tuple[str, int]] = []
    failed: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("response", lambda response: responses.append((response.url, response.status)))
    page.on("requestfailed", lambda request: failed.append(request.url))

    open_page(page, base)

    assert [url for url in requests if not url.startswith(origin + "/")] == []
    assert f"{base}static/style.css" in requests
    assert [r for r in responses if r[1] != 200] == []
    assert failed == []
    # The icon may not be fetched by a headless browser, so every <link> to this site is fetched here.
    linked = page.eval_on_selector_all("link[href]", "links => links.map(link => link.href)")
    local = [url for url in linked if url.startswith(origin + "/")]
    assert f"{base}static/style.css" in local and f"{base}static/favicon.svg" in local
    for url in local:
        assert page.request.get(url, max_redirects=0).status == 200, url

    banner = page.locator(".banner")
    assert float(banner.evaluate("e => parseFloat(getComputedStyle(e).borderTopWidth)")) > 0
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "system-ui" in font and "serif" not in font.replace("sans-serif", "")


def test_overall_and_component_status(page: Page, base: str) -> None:
    open_page(page, base)

    banner = page.locator(".banner")
    assert banner.count() == 1
    assert banner.get_attribute("data-status") == "partial_outage"
    assert page.locator(".banner [data-status]").count() == 0  # the banner itself carries the status
    heading = banner.get_by_role("heading")
    assert heading.inner_text().strip() == "Sebagian layanan mengalami gangguan"
    assert_readable(heading)

    expected = {
        "sirup": ("partial_outage", "Gangguan sebagian"),
        "listrik": ("under_maintenance", "Sedang pemeliharaan"),
        "spse": ("operational", "Normal"),
    }
    for component, (status, text) in expected.items():
        row = page.locator(f'li[data-component="{component}"]')
        assert row.count() == 1, component
        assert row.get_attribute("data-status") == status, component
        assert text in row.inner_text(), component
        assert_readable(row.locator(".component-status").get_by_text(text, exact=True))


def test_page_works_without_javascript(new_context: Callable[..., BrowserContext], base: str) -> None:
    page = new_context(java_script_enabled=False).new_page()
    open_page(page, base)

    # The only script is the optional browser check; without JavaScript its button stays hidden and
    # the same check is explained for doing by hand.
    sources = page.locator("script[src]").evaluate_all("nodes => nodes.map(n => n.getAttribute('src'))")
    assert sources == [PREFIX + "static/check.js"]
    assert page.locator("[data-check-start]").is_hidden()
    assert page.locator(".check-manual").is_visible()
    assert page.locator(".banner").is_visible()
    assert page.locator(".banner").get_by_role("heading").inner_text().strip() == "Sebagian layanan mengalami gangguan"
    rows = page.locator("li[data-component]")
    assert rows.count() == len(COMPONENT_IDS) == 6
    assert [rows.nth(i).get_attribute("data-component") for i in range(rows.count())] == COMPONENT_IDS
    for i in range(rows.count()):
        assert rows.nth(i).is_visible()
        assert_readable(rows.nth(i).locator(".component-status"))
        # Every component keeps its 90-day bar, each day with its words for screen readers.
        days = rows.nth(i).locator("ol.bar > li")
        assert days.count() == 90
        assert days.first.locator(".vh").inner_text().strip() != ""
    incidents = page.locator("article.incident")
    assert incidents.count() >= 4  # two ongoing, one upcoming, and those of the last 14 days
    assert incidents.first.get_by_role("heading").is_visible()


@pytest.mark.parametrize(
    "path", ["", SANITIZED_INCIDENT, "history/", "sla/", "components/spse/", "components/spse/2016/"]
)
def test_no_horizontal_scrolling_on_a_phone(new_context: Callable[..., BrowserContext], base: str, path: str) -> None:
    page = new_context(viewport={"width": 390, "height": 844}, is_mobile=True, device_scale_factor=2).new_page()
    open_page(page, base + path)

    assert page.evaluate("window.innerWidth") == 390
    if path == SANITIZED_INCIDENT:
        assert page.locator(".body table").count() == 1  # the incident text's own table
    widths = page.evaluate("[document.documentElement.scrollWidth, document.body.scrollWidth]")
    assert max(widths) <= 390, widths


def test_a_calendar_day_shows_its_words_on_hover_and_focus(
    new_context: Callable[..., BrowserContext], base: str
) -> None:
    # The calendar writes a day's words once, hidden but read aloud; the stylesheet shows them beside the day,
    # as a title would, on hover and, for a day that links to its incident, on keyboard focus.
    page = new_context(viewport={"width": 390, "height": 844}, is_mobile=True).new_page()
    open_page(page, base + "components/spse/2016/")
    february = page.locator("table.month").filter(has=page.locator("caption", has_text="Februari 2016"))
    leap = february.locator("td[class]").filter(has_text=re.compile(r"^29 "))
    words = leap.locator("a > span")
    assert "Gangguan total" in words.inner_text()
    # Its one class gives its level's colour, the colour of the legend's swatch for that level.
    swatch = page.locator(".legend .day-major").evaluate("s => getComputedStyle(s).backgroundColor")
    assert leap.evaluate("cell => getComputedStyle(cell).backgroundColor") == swatch != "rgba(0, 0, 0, 0)"
    # The number is underlined, as a link to the words; the words themselves, out of the flow, are not.
    assert "underline" in leap.evaluate("cell => getComputedStyle(cell).textDecorationLine")
    assert words.bounding_box()["width"] <= 1  # type: ignore[index]  # hidden until pointed at
    leap.hover()
    box = words.bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] > 10
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390  # on the screen, not past its edge
    page.mouse.move(0, 0)
    assert words.bounding_box()["width"] <= 1  # type: ignore[index]
    leap.locator("a").focus()
    assert words.bounding_box()["width"] > 100  # type: ignore[index]


def test_a_bar_day_shows_its_words_on_hover(new_context: Callable[..., BrowserContext], base: str) -> None:
    # A bar's day has no title: its words, written once and read aloud, are shown by the stylesheet on hover,
    # below the bar, and kept on the screen for the first day and for the last.
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    open_page(page, base + "components/spse/")
    days = page.locator("ol.bar > li.day")
    assert days.count() == 90
    bar = page.locator("ol.bar").bounding_box()
    assert bar is not None
    for day in (days.first, days.last):
        words = day.locator(".vh")
        assert words.bounding_box()["width"] <= 1  # type: ignore[index]  # hidden until pointed at
        day.hover()
        box = words.bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 10
        assert box["y"] >= bar["y"] + bar["height"] - 1  # below the bar, not over it
        assert box["x"] >= 0 and box["x"] + box["width"] <= 1280
        assert re.match(r"\w+, \d{1,2} \w+ \d{4}; ", words.inner_text())  # "Senin, 26 November 2026; …"
        page.mouse.move(0, 0)


def test_navigation_under_the_sub_path(page: Page, base: str, origin: str) -> None:
    open_page(page, base)

    active = page.locator("section").filter(
        has=page.get_by_role("heading", name="Sedang berlangsung", exact=True, level=2)
    )
    assert active.count() == 1
    with page.expect_navigation(wait_until="load") as navigation:
        active.locator(f'a[href$="/{SIRUP_INCIDENT}"]').click()
    assert navigation.value is not None and navigation.value.status == 200
    assert urlsplit(page.url).path == PREFIX + SIRUP_INCIDENT
    title = page.get_by_role("heading", level=1)
    assert title.inner_text().strip() == "SiRUP gagal memuat paket pengadaan"
    assert title.is_visible()

    with page.expect_navigation(wait_until="load") as navigation:
        page.get_by_role("navigation").get_by_role("link", name="Riwayat", exact=True).click()
    assert navigation.value is not None and navigation.value.status == 200
    assert urlsplit(page.url).path == PREFIX + "history/"

    open_page(page, base)
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(link => link.getAttribute('href'))")
    local = sorted({href for href in hrefs if href.startswith(PREFIX)})
    assert PREFIX + SIRUP_INCIDENT in local and PREFIX + "history/" in local and PREFIX + "feed.xml" in local
    broken = {
        href: status for href in local if (status := page.request.get(origin + href, max_redirects=0).status) != 200
    }
    assert broken == {}


def test_sanitized_incident_runs_no_script(page: Page, base: str) -> None:
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    open_page(page, base + SANITIZED_INCIDENT)
    page.wait_for_timeout(100)  # give a stray timer or handler the chance to fire

    assert page.get_by_role("heading", level=1).inner_text().strip() == "Internet melambat akibat kabel laut putus"
    assert page.get_by_text("Tautan berbahaya").is_visible()  # the text stays, only the link target goes
    assert dialogs == []
    assert page.locator('a[href^="javascript:" i]').count() == 0
    assert page.locator("script").count() == 0
    handlers = page.evaluate(
        "[...document.querySelectorAll('*')].flatMap(e => e.getAttributeNames().filter(n => n.startsWith('on')))"
    )
    assert handlers == []


def test_ninety_day_bars_have_hidden_labels_and_no_title(page: Page, base: str) -> None:
    open_page(page, base)

    bars = page.evaluate(
        """() => [...document.querySelectorAll('li[data-component]')].map(row => ({
            id: row.dataset.component,
            bars: row.querySelectorAll('ol.bar').length,
            days: [...row.querySelectorAll('ol.bar > li.day')].map(day => {
                const labels = day.querySelectorAll('.vh');
                const label = labels[0];
                const box = label ? label.getBoundingClientRect() : null;
                return {
                    title: day.getAttribute('title') || '',
                    labels: labels.length,
                    text: label ? label.textContent.trim() : '',
                    hidden: !!box && box.width <= 1 && box.height <= 1
                        && getComputedStyle(label).position === 'absolute'
                        && getComputedStyle(label).overflow === 'hidden',
                };
            }),
        }))"""
    )
    assert [bar["id"] for bar in bars] == COMPONENT_IDS
    for bar in bars:
        assert bar["bars"] == 1, bar["id"]
        assert len(bar["days"]) == 90, bar["id"]
        for n, day in enumerate(bar["days"]):
            where = f"{bar['id']} day {n}"
            assert day["title"] == "", where  # the words once, shown on hover (the test above), not twice
            assert day["labels"] == 1, where
            assert day["text"], where
            assert day["hidden"], where


def test_every_tab_stop_shows_where_the_focus_is(page: Page, base: str) -> None:
    open_page(page, base)
    skip = page.locator("a.skip")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    assert skip.is_visible() and skip.bounding_box()["x"] >= 0  # type: ignore[index]  # shown when focused
    stops = 0
    for _ in range(500):
        page.keyboard.press("Tab")
        focus = page.evaluate(
            """() => {
                const e = document.activeElement, style = getComputedStyle(e);
                const box = e.getBoundingClientRect();
                return {tag: e.tagName, name: (e.innerText || e.getAttribute('aria-label') || '').trim(),
                        outline: style.outlineStyle, width: parseFloat(style.outlineWidth),
                        visible: box.width > 0 && box.height > 0};
            }"""
        )
        if focus["tag"] == "BODY":
            break
        stops += 1
        assert focus["outline"] != "none" and focus["width"] >= 2, focus  # a visible focus ring
        assert focus["visible"] and focus["name"], focus  # something to see, and a name to hear
    # Tabbing went all the way round: every link and button on the page was a stop, none was skipped.
    reachable = page.evaluate(
        "[...document.querySelectorAll('a[href], button, [tabindex]')].filter(e => e.offsetParent !== null).length"
    )
    assert stops + 1 == reachable > 30  # + the skip link


def test_printing_an_incident_gives_its_outage_record(page: Page, base: str) -> None:
    open_page(page, base + SANITIZED_INCIDENT)
    assert page.locator("section.record").is_hidden()
    page.emulate_media(media="print")
    assert page.locator("section.record").is_visible()
    assert page.locator(".record-title").inner_text().strip() == "BERITA ACARA GANGGUAN"
    assert page.locator(".site-header").is_hidden()
    assert page.locator(".record-note").is_hidden()


def test_language_switch_keeps_the_page(page: Page, base: str) -> None:
    open_page(page, base + SIRUP_INCIDENT)
    assert page.locator("html").get_attribute("lang") == "id"
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("navigation").get_by_role("link", name="English").click()
    assert urlsplit(page.url).path == PREFIX + "en/" + SIRUP_INCIDENT
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text().strip() == "SiRUP fails to load procurement packages"
    # The update without an English text is shown in Indonesian, marked as such for screen readers.
    assert page.locator('.update-body > div[lang="id"]').inner_text().strip() == "Sebagian paket tidak tampil."
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("navigation").get_by_role("link", name="Bahasa Indonesia").click()
    assert urlsplit(page.url).path == PREFIX + SIRUP_INCIDENT


def test_the_404_page_works_at_any_depth_under_the_sub_path(page: Page, base: str, origin: str) -> None:
    """GitHub Pages answers a missing address with the site's 404.html, whatever the address's depth."""
    not_found = page.request.get(base + "404.html").body()
    page.route(
        f"{base}en/incidents/no-such-incident/",
        lambda route: route.fulfill(status=404, body=not_found, content_type="text/html"),
    )
    response = page.goto(base + "en/incidents/no-such-incident/")
    assert response is not None and response.status == 404
    assert page.get_by_role("heading", level=1).inner_text().strip() == "Halaman tidak ditemukan"
    assert page.locator('section[lang="en"] h2').inner_text().strip() == "Page not found"
    # The stylesheet loaded: the skip link is moved off screen by it.
    assert page.locator("a.skip").bounding_box()["x"] < 0  # type: ignore[index]
    with page.expect_navigation(wait_until="load"):
        page.locator('section[lang="en"] a').click()
    assert urlsplit(page.url).path == PREFIX + "en/"
