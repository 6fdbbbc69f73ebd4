"""The Content-Security-Policy at work in Chromium (the policy's text and the scans are in tests/test_csp.py).

Markup that had got past the sanitizer is put into a built page by hand: Chromium refuses it while the
site's own script still works.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Route

from tests.demo_server import PREFIX, served_demo


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    with served_demo(tmp_path_factory.mktemp("csp")) as served:
        yield served


def test_chromium_refuses_injected_script_and_handlers(demo_site: tuple[Path, str], browser: Browser) -> None:
    """Markup that had got past the sanitizer: an inline script, an event handler, a javascript: link,
    a third-party image and an inline style. None runs or loads; the page's own script still does."""
    site, origin = demo_site
    page_path = site / "incidents" / "injected" / "index.html"
    page_path.parent.mkdir(parents=True, exist_ok=True)
    html = (site / "index.html").read_text(encoding="utf-8")
    injected = (
        "<script>document.body.dataset.pwned = 'script'</script>"
        "<img id=x src='/nothing.png' onerror=\"document.body.dataset.pwned = 'handler'\">"
        "<a id=js href=\"javascript:document.body.dataset.pwned = 'link'\">klik</a>"
        "<img id=far src='http://127.0.0.2:9/pixel.png'>"
        "<p id=styled style='color: rgb(255, 0, 0)'>merah?</p>"
    )
    page_path.write_text(html.replace("<main", injected + "<main", 1), encoding="utf-8")
    context = browser.new_context()
    requests: list[str] = []

    def keep_local(route: Route) -> None:
        requests.append(route.request.url)
        if route.request.url.startswith(origin + "/"):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", keep_local)
    try:
        page = context.new_page()
        violations: list[str] = []
        page.on(
            "console",
            lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
        )
        page.goto(origin + PREFIX + "incidents/injected/", wait_until="load")
        page.click("#js")
        page.wait_for_timeout(300)
        assert page.evaluate("document.body.dataset.pwned") is None
        assert page.evaluate("getComputedStyle(document.getElementById('styled')).color") != "rgb(255, 0, 0)"
        assert not any("127.0.0.2" in url for url in requests)  # img-src 'self': never even asked for
        assert len(violations) >= 4, violations  # script, handler, javascript: link, image (and the style)
        # The site's own script (static/check.js) is from the site: it runs, and shows its button.
        assert page.locator("[data-check-start]").is_visible()
    finally:
        context.close()
