"""The places a component is probed from, in headless Chromium on a 360 px phone: the component page and the home
page keep to the width of the screen (the tables of places and of bandwidth scroll inside their own box, never
the page), and each place's status is there in words.

The site is tests/test_vantage_pages.py's (a partial outage seen from Jakarta, the office stale, two months of
bandwidth), built for its NOW and served from 127.0.0.1 under /status/; every other request is aborted.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from functools import partial
from http.server import ThreadingHTTPServer

import pytest
from playwright.sync_api import BrowserContext

from tests.demo_server import QuietHandler
from tests.test_vantage_pages import built_with_places

PHONE = {"width": 360, "height": 740}  # a small phone, in CSS pixels


@pytest.fixture(scope="module")
def origin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("vantages")
    root = tmp / "root"
    built_with_places(tmp / "src", root / "status")  # base_url https://example.github.io/status/
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, name="vantage-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.mark.parametrize("path", ["components/spse/", "components/internet/", ""])
def test_places_fit_a_360_px_phone_and_say_their_status_in_words(
    new_context: Callable[..., BrowserContext], origin: str, path: str
) -> None:
    page = new_context(viewport=PHONE, is_mobile=True, device_scale_factor=2).new_page()
    response = page.goto(f"{origin}/status/{path}", wait_until="load")
    assert response is not None and response.status == 200

    assert page.evaluate("window.innerWidth") == 360
    widths = page.evaluate("[document.documentElement.scrollWidth, document.body.scrollWidth]")
    assert max(widths) <= 360, widths
    places = page.locator(".place")
    if path == "components/internet/":
        assert places.all_inner_texts() == ["Kantor LPSE: Normal, diperiksa 09.55 WITA"]
        assert page.locator("table.bandwidth").is_visible()
        return
    texts = places.all_inner_texts()
    assert texts[:2] == [
        "Server GitHub (luar negeri): Normal, diperiksa 09.55 WITA",
        "Server Jakarta: Gangguan total, diperiksa 09.55 WITA",
    ]
    assert texts[2].startswith("Kantor LPSE: Tidak ada data terbaru, data terakhir 07.55 WITA.")
    for place in places.all():
        assert place.locator("svg.icon").is_visible()  # a shape beside the words
    assert page.get_by_text("Tidak dapat diakses dari: Server Jakarta.").is_visible()
