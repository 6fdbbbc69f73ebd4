"""The "is it me or LPSE?" check (static/check.js) in real Chromium, against servers on 127.0.0.1.

A small site is built whose help.check components point at local addresses: one server that
answers, one port where nothing listens, and one server that accepts the connection and never
answers. The status site itself is served by another local server under /status/. Each case sets
the probe status a component shows (through an ongoing incident), presses the button, and reads
the verdict the script writes. Requests to anything but 127.0.0.1 are aborted.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest
from playwright.sync_api import Browser, Page, Route

from statusgen.cli import main
from tests.demo_server import QuietHandler

NOW = "2026-11-26T10:00+08:00"
VISITOR_NOW = datetime(2026, 11, 26, 2, 10, tzinfo=UTC)  # the visitor's clock: ten minutes after the build
CHECK_TIMEOUT_MS = 8000  # data-timeout in templates/_browser_check.html


class Answers(BaseHTTPRequestHandler):
    """An SPSE stand-in that answers every request; it counts what it is asked."""

    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        Answers.hits.append(self.path)
        body = b"<html><body>SPSE v4.5</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve(server: ThreadingHTTPServer) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return thread


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens: connections are refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[str, int]]:
    """Ports: 'up' answers, 'refused' has no listener, 'silent' accepts and never answers."""
    up = ThreadingHTTPServer(("127.0.0.1", 0), Answers)
    serve(up)
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)  # the kernel completes the handshake; nobody ever reads or writes
    try:
        yield {"up": up.server_address[1], "refused": closed_port(), "silent": silent.getsockname()[1]}
    finally:
        up.shutdown()
        up.server_close()
        silent.close()


COMPONENTS = {  # id: (which server its url points at, what our records say)
    "terjangkau": ("up", "operational"),
    "tertolak": ("refused", "operational"),
    "terganggu": ("refused", "major"),
    "lambat-terganggu": ("up", "degraded"),
    "sunyi": ("silent", "operational"),
    "dipelihara": ("refused", "maintenance"),
    "dipelihara-terjangkau": ("up", "maintenance"),
}


def config(ports: dict[str, int]) -> str:
    # An http base_url: the targets are plain-http local servers, which an https page could not fetch.
    lines = [
        "title: Uji",
        "base_url: http://localhost/status/",
        "languages: [id, en]",
        "help:",
        "  helpdesk:",
        "    email: helpdesk@example.org",
        f"  check: [{', '.join(COMPONENTS)}]",
        "components:",
    ]
    for cid, (server, _) in COMPONENTS.items():
        url = f"http://127.0.0.1:{ports[server]}/eproc4#bagian"  # a fragment must not swallow the query
        lines += [f"  - id: {cid}", f"    name: SPSE {cid}", f"    url: {url}", f"    probe: {{url: {url}}}"]
    return "\n".join(lines) + "\n"


ONGOING = """\
---
title: {title}
components: [{component}]
severity: {severity}
started: 2026-11-26 09:00
updates:
  - at: 2026-11-26 09:05
    status: investigating
    message: Sedang diselidiki.
---
"""


@pytest.fixture(scope="module")
def origin(servers: dict[str, int], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("check")
    source = tmp / "src"
    (source / "incidents").mkdir(parents=True)
    (source / "status.yml").write_text(config(servers), encoding="utf-8")
    for cid, (_, state) in COMPONENTS.items():
        # Every component was checked 5 minutes before the build, and answered.
        (source / "history" / cid).mkdir(parents=True)
        (source / "history" / cid / "2026-11.csv").write_text(
            "time,status,http_status,latency_ms,error,cert_days\n2026-11-26T01:55:00Z,up,200,120,,\n", encoding="utf-8"
        )
        if state == "operational":
            continue
        text = ONGOING.format(title=f"SPSE {cid}", component=cid, severity=state)
        if state == "maintenance":
            text = text.replace("started: 2026-11-26 09:00", "started: 2026-11-26 09:00\nresolved: 2026-11-26 12:00")
            text = text.replace("status: investigating", "status: in_progress")
        (source / "incidents" / f"2026-11-26-{cid}.md").write_text(text, encoding="utf-8")
    root = tmp / "root"
    out = root / "status"
    assert main(["build", "--config", str(source / "status.yml"), "--out", str(out), "--now", NOW]) == 0
    site = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(root)))
    serve(site)
    try:
        yield f"http://127.0.0.1:{site.server_address[1]}"
    finally:
        site.shutdown()
        site.server_close()


@pytest.fixture
def open_site(browser: Browser) -> Iterator[Callable[..., Page]]:
    contexts = []

    def local_only(route: Route) -> None:
        if route.request.url.startswith("http://127.0.0.1:"):
            route.continue_()
        else:
            route.abort()

    def open_url(url: str, clock: datetime = VISITOR_NOW) -> Page:
        context = browser.new_context()
        contexts.append(context)
        context.route("**/*", local_only)
        page = context.new_page()
        page.clock.set_fixed_time(clock)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        # Console lines about the refused addresses are the browser reporting the check itself: only
        # uncaught script errors count.
        response = page.goto(url)
        assert response is not None and response.status == 200
        page.errors = errors  # type: ignore[attr-defined]
        return page

    yield open_url
    for context in contexts:
        context.close()


def run_check(page: Page) -> dict[str, str]:
    """Press the button; return each target's verdict once all are in."""
    page.locator("[data-check-start]").click()
    result = page.locator("[data-check-result]")
    result.locator("p").first.wait_for(timeout=CHECK_TIMEOUT_MS + 5000)
    lines = result.locator("p[data-verdict]")
    names = page.locator("[data-check-target]").evaluate_all("items => items.map(i => i.dataset.name)")
    verdicts = lines.evaluate_all("lines => lines.map(l => l.dataset.verdict)")
    return dict(zip(names, verdicts, strict=True))


def test_verdicts_compare_the_visitors_reach_with_the_probes(open_site: Callable[..., Page], origin: str) -> None:
    Answers.hits.clear()
    page = open_site(origin + "/status/")
    # Nothing is tried before the visitor asks: loading the page reaches no SPSE address.
    assert Answers.hits == []
    button = page.locator("[data-check-start]")
    assert button.is_visible() and button.inner_text() == "Periksa dari perangkat saya"

    verdicts = run_check(page)

    assert verdicts == {
        "SPSE terjangkau": "reachable",  # answers, and the probes say operational
        "SPSE tertolak": "yours",  # refused here while the probes say operational: the visitor's side
        "SPSE terganggu": "lpse",  # refused here and down by our records: LPSE's side
        "SPSE lambat-terganggu": "reachable_despite",  # answers, but our records say degraded
        "SPSE sunyi": "yours",  # never answers: cut off by the timeout, probes say operational
        "SPSE dipelihara": "maintenance",  # refused, in a maintenance window by our records
        "SPSE dipelihara-terjangkau": "maintenance",  # a maintenance page answers: still maintenance
    }
    assert len(Answers.hits) == 3 and all(hit.startswith("/eproc4?cek=") for hit in Answers.hits)
    text = page.locator("[data-check-result]").inner_text()
    assert "SPSE terjangkau dapat diakses dari perangkat Anda." in text
    assert "SPSE terganggu tidak dapat diakses dari perangkat Anda." in text
    assert "Masalahnya kemungkinan besar di pihak LPSE" in text
    assert "kemungkinan besar di jaringan Anda" in text
    assert page.locator("[data-check-start]").inner_text() == "Periksa lagi"
    # The button kept the keyboard focus through the check, and the result points to the help contacts.
    assert page.evaluate("document.activeElement.hasAttribute('data-check-start')")
    assert page.locator("[data-check-result] a").get_attribute("href") == "#bantuan"
    assert page.errors == []  # type: ignore[attr-defined]  # no uncaught script error


def test_an_unreachable_status_site_means_the_visitor_is_offline(open_site: Callable[..., Page], origin: str) -> None:
    page = open_site(origin + "/status/en/")
    # The status site's own file stands for "the internet": make it fail, as it would offline.
    page.route("**/api/v1/build.json*", lambda route: route.abort())

    verdicts = run_check(page)

    assert set(verdicts.values()) == {"offline"}
    assert "your internet connection seems to be down" in page.locator("[data-check-result]").inner_text()


def test_the_result_is_announced_and_in_the_pages_language(open_site: Callable[..., Page], origin: str) -> None:
    page = open_site(origin + "/status/en/")
    result = page.locator("[data-check-result]")
    assert result.get_attribute("role") == "status" and result.get_attribute("aria-live") == "polite"

    verdicts = run_check(page)

    assert verdicts["SPSE terjangkau"] == "reachable"
    text = result.inner_text()
    assert "SPSE terjangkau can be reached from your device." in text
    assert "The problem is most likely on LPSE's side" in text


def test_an_old_page_compares_with_nothing(open_site: Callable[..., Page], origin: str) -> None:
    """A page (or the probe result on it) more than stale_after + 1 hour old cannot say whose side it is."""
    page = open_site(origin + "/status/", clock=VISITOR_NOW + timedelta(minutes=30 + 60))

    verdicts = run_check(page)

    # The visitor's clock says 03:40 UTC; the probes' sample is from 01:55, 105 minutes before, past 30 + 60.
    # What answered still answered; for what did not, there is nothing fresh to compare with.
    assert verdicts == {
        "SPSE terjangkau": "reachable",
        "SPSE tertolak": "unknown",
        "SPSE terganggu": "unknown",
        "SPSE lambat-terganggu": "reachable",
        "SPSE sunyi": "unknown",
        "SPSE dipelihara": "unknown",
        "SPSE dipelihara-terjangkau": "reachable",
    }


def test_an_address_a_security_policy_blocks_gets_no_verdict(browser: Browser, origin: str) -> None:
    """A Content-Security-Policy without the SPSE hosts in connect-src stops the fetch before it leaves the
    browser: that says nothing about the visitor's network, so the verdict is "we cannot tell"."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.clock.set_fixed_time(VISITOR_NOW)

        def with_policy(route: Route) -> None:
            response = route.fetch()
            headers = {**response.headers, "content-security-policy": "connect-src 'self'"}
            route.fulfill(response=response, headers=headers)

        page.route(origin + "/status/", with_policy)
        page.goto(origin + "/status/")

        verdicts = run_check(page)

        assert verdicts["SPSE terjangkau"] == "unknown"  # it answers, but the policy kept the browser from asking
        assert verdicts["SPSE tertolak"] == "unknown"  # not "yours": the visitor's network was never tried
        assert verdicts["SPSE dipelihara"] == "maintenance"  # what our records say still stands
    finally:
        context.close()


def test_an_address_the_browser_refuses_to_ask_gets_no_verdict(open_site: Callable[..., Page], origin: str) -> None:
    """An address with a user name or password is refused by fetch() itself, before anything is sent: a
    verdict of "your network" would blame the visitor for a request that never left the browser.
    (status.yml refuses such an address for help.check; a page edited by hand, or an old one, may hold it.)"""
    Answers.hits.clear()
    page = open_site(origin + "/status/")
    target = page.locator("[data-check-target]").first  # SPSE terjangkau, operational by our records
    address = str(target.get_attribute("data-check-target"))
    target.evaluate("(item, url) => item.setAttribute('data-check-target', url)", address.replace("//", "//u:p@", 1))

    verdicts = run_check(page)

    assert verdicts["SPSE terjangkau"] == "unknown"  # not "yours": the server was never asked
    assert verdicts["SPSE tertolak"] == "yours"  # the others are judged as before
    assert len(Answers.hits) == 2  # lambat-terganggu and dipelihara-terjangkau, not terjangkau
    line = page.locator("[data-check-result] p[data-verdict]").first.inner_text()
    assert line.startswith("SPSE terjangkau tidak dicoba dari perangkat Anda.")
    assert "Peramban Anda tidak akan mengirim permintaan ini" in line
    assert page.errors == []  # type: ignore[attr-defined]
