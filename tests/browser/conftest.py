"""Fixtures for the tests in a real browser: Debian's Chromium driven by Playwright.

Only the tests in this folder import Playwright; each of them is marked ``browser`` here, so
``python3 -m pytest -m "not browser"`` runs without it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Route, sync_playwright

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test in tests/browser/ is a browser test. The hook sees the whole session's items: only
    those under this folder are marked."""
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


CHROMIUM = "/usr/bin/chromium"  # Debian's; nothing downloads a browser
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Chromium for one test module. No skip when Playwright or Chromium is missing: it fails loudly."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def new_context(browser: Browser, origin: str) -> Iterator[Callable[..., BrowserContext]]:
    """Make browser contexts that can only reach the local server (the module's ``origin`` fixture); all are
    closed after the test."""
    contexts: list[BrowserContext] = []

    def keep_local(route: Route) -> None:
        if route.request.url.startswith(origin + "/"):
            route.continue_()
        else:
            route.abort()

    def make(**options: Any) -> BrowserContext:
        context = browser.new_context(**options)
        contexts.append(context)
        context.set_default_timeout(5_000)  # everything is local: fail fast instead of after 30 s
        context.route("**/*", keep_local)
        return context

    yield make
    for context in contexts:
        context.close()
