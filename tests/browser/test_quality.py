"""Accessibility of the built demo site: axe-core in headless Chromium over each kind of page at a phone and a
desktop width, in light and dark colour schemes and in each language. (The W3C Nu HTML Checker over every
generated page is in tests/test_html_validity.py.)

axe-core comes from npm into .tools/ (scripts/setup-tests.sh); nothing is skipped when it is missing. The
pages are also checked for console errors, failed or outside requests and, at phone width, horizontal
scrolling, and each is saved as a full-page screenshot under $STATUS_ARTIFACTS (default test-artifacts/ at
the repository root) for a human to look at.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Request,
    Response,
    Route,
)

from tests.conftest import ROOT
from tests.demo_server import SIRUP_INCIDENT, served_demo
from tests.test_html_validity import SETUP, TOOLS, Served, listed

AXE_JS = TOOLS / "axe-core" / "axe.min.js"
ARTIFACTS = Path(os.environ.get("STATUS_ARTIFACTS") or ROOT / "test-artifacts")

LANGUAGES = ["", "en/"]  # URL prefixes: Indonesian at the root, English under en/
PAGES = {
    "index": "",
    "incident": SIRUP_INCIDENT,
    "component": "components/spse/",
    "component-year": "components/spse/2021/",
    "history": "history/",
    "history-year": "history/2021/",
    "sla": "sla/",
    "404": "404.html",
}
SHARED = {"404"}  # one page in every language: GitHub Pages serves only the site's root 404.html
WIDTHS = {360: 780, 1280: 800}  # viewport width: height
Scheme = Literal["light", "dark"]
SCHEMES: list[Scheme] = ["light", "dark"]
PHONE = 360


def language_name(prefix: str) -> str:
    return prefix.strip("/") or "id"


VIEWS = [
    pytest.param(lang, kind, width, scheme, id=f"{language_name(lang)}-{kind}-{width}-{scheme}")
    for lang in LANGUAGES
    for kind in PAGES
    for width in WIDTHS
    for scheme in SCHEMES
    if not (lang and kind in SHARED)
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The demo built into <tmp>/root/status-demo and served under its sub-path."""
    with served_demo(tmp_path_factory.mktemp("quality")) as (out, origin):
        yield Served(out, origin)


@dataclass
class Visit:
    """What one page showed in one viewport, colour scheme and language."""

    status: int  # of the page itself
    violations: list[dict[str, Any]] = field(default_factory=list)  # axe-core's, all impact levels
    console: list[str] = field(default_factory=list)  # console errors and uncaught exceptions
    requests: list[str] = field(default_factory=list)  # failed, outside or non-2xx requests
    overflow: list[str] = field(default_factory=list)  # at phone width: what sticks out to the right


# Elements whose right edge lies beyond the given width, outermost first, as short CSS-like paths. The width is
# passed in because on a mobile viewport Chromium widens window.innerWidth to fit content that sticks out.
OVERFLOW_JS = """limit => {
  const box = {scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, elements: []};
  if (Math.max(box.scrollWidth, box.innerWidth) <= limit) return box;
  const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + [...e.classList].map(c => '.' + c).join('');
  const path = e => { const parts = []; for (; e && e !== document.body; e = e.parentElement) parts.unshift(name(e));
                      return parts.join(' > '); };
  const clipped = e => { for (let a = e.parentElement; a && a !== document.body; a = a.parentElement)
                           if (getComputedStyle(a).overflowX !== 'visible') return true;
                         return false; };
  const wide = [...document.body.querySelectorAll('*')]
    .filter(e => e.getBoundingClientRect().right > limit + 0.5 && !clipped(e));
  box.elements = wide.filter(e => !wide.includes(e.parentElement)).slice(0, 5)
    .map(e => `${path(e)} (right edge ${Math.round(e.getBoundingClientRect().right)})`);
  return box;
}"""


def inspect(page: Page, result: Visit, width: int, screenshot: Path) -> None:
    """Look for sideways scrolling on a phone, save a full-page screenshot, then run axe-core."""
    page.evaluate("document.fonts.ready.then(() => true)")
    if width == PHONE:
        box = page.evaluate(OVERFLOW_JS, width)
        if max(box["scrollWidth"], box["innerWidth"]) > width:
            result.overflow.append(
                f"scrolls sideways at {width} px: scrollWidth {box['scrollWidth']}, "
                f"innerWidth {box['innerWidth']}: " + "; ".join(box["elements"])
            )
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=screenshot, full_page=True)
    page.add_script_tag(path=AXE_JS)  # last: axe-core adds to the page
    result.violations = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")


@pytest.fixture(scope="module")
def visit(browser: Browser, site: Served) -> Iterator[Callable[[str, str, int, Scheme], Visit]]:
    """Open a page once per (language, kind, width, scheme); test_axe and test_page_health share the visit.

    One browser context per (width, scheme), kept for the module; a fresh page per visit.
    """
    assert AXE_JS.is_file(), f"{AXE_JS} is missing: {SETUP}"
    contexts: dict[tuple[int, str], BrowserContext] = {}
    visits: dict[tuple[str, str, int, str], Visit] = {}

    def context_for(width: int, scheme: Scheme) -> BrowserContext:
        if (width, scheme) not in contexts:
            phone = width == PHONE
            context = browser.new_context(
                viewport={"width": width, "height": WIDTHS[width]},
                is_mobile=phone,
                has_touch=phone,
                color_scheme=scheme,
                bypass_csp=True,  # axe is injected as a script, whatever Content-Security-Policy the site sends
            )
            context.set_default_timeout(10_000)  # everything is local: fail fast instead of after 30 s
            contexts[(width, scheme)] = context
        return contexts[(width, scheme)]

    def load(lang: str, kind: str, width: int, scheme: Scheme) -> Visit:
        key = (lang, kind, width, scheme)
        if key in visits:
            return visits[key]
        result = Visit(status=0)
        page = context_for(width, scheme).new_page()
        blocked: set[str] = set()

        def keep_local(route: Route) -> None:
            if route.request.url.startswith(site.origin + "/"):
                route.continue_()
            else:
                blocked.add(route.request.url)
                result.requests.append(f"outside request aborted: {route.request.url}")
                route.abort()

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                result.console.append(f"console.error: {message.text} ({message.location.get('url')})")

        def on_failed(request: Request) -> None:
            if request.url not in blocked:
                result.requests.append(f"request failed: {request.url} ({request.failure})")

        def on_response(response: Response) -> None:
            if response.status >= 400:
                result.requests.append(f"HTTP {response.status}: {response.url}")

        page.route("**/*", keep_local)
        page.on("console", on_console)
        page.on("pageerror", lambda error: result.console.append(f"uncaught: {error}"))
        page.on("requestfailed", on_failed)
        page.on("response", on_response)
        try:
            response = page.goto(site.base + lang + PAGES[kind], wait_until="load")
            result.status = response.status if response else 0
            if result.status == 200:  # else test_axe fails on the status and test_page_health on the HTTP error
                name = f"{language_name(lang)}-{kind}-{width}-{scheme}.png"
                inspect(page, result, width, ARTIFACTS / "screenshots" / name)
        finally:
            page.close()
        visits[key] = result  # only a complete visit: after an exception, the next test tries again
        return result

    yield load
    for context in contexts.values():
        context.close()


def describe(violation: dict[str, Any]) -> str:
    nodes = violation["nodes"]
    targets = ", ".join(" ".join(map(str, node["target"])) for node in nodes[:3])
    more = f" (+{len(nodes) - 3} more)" if len(nodes) > 3 else ""
    return (
        f"{violation['id']} [{violation['impact']}] {violation['help']}\n"
        f"    {len(nodes)} elements: {targets}{more}\n    {nodes[0]['html'] if nodes else ''}"
    )


@pytest.mark.parametrize(("lang", "kind", "width", "scheme"), VIEWS)
def test_axe(visit: Callable[[str, str, int, Scheme], Visit], lang: str, kind: str, width: int, scheme: Scheme) -> None:
    seen = visit(lang, kind, width, scheme)
    assert seen.status == 200, f"{lang}{PAGES[kind]}: HTTP {seen.status}"
    violations = seen.violations
    assert violations == [], f"axe-core found {len(violations)} violations:\n" + listed(
        [describe(violation) for violation in violations]
    )


@pytest.mark.parametrize(("lang", "kind", "width", "scheme"), VIEWS)
def test_page_health(
    visit: Callable[[str, str, int, Scheme], Visit], lang: str, kind: str, width: int, scheme: Scheme
) -> None:
    """No console error, no failed or outside request, and no horizontal scrolling on a phone."""
    seen = visit(lang, kind, width, scheme)
    problems = seen.console + seen.requests + seen.overflow
    assert problems == [], listed(problems)
