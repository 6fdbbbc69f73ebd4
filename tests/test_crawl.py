"""Every internal link of the demo site, followed from the home page as a crawler would, under the sub-path.

The demo site is built for DEMO_NOW and served by a local http.server (tests/demo_server.py); no browser.
"""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.error import HTTPError
from urllib.parse import urljoin
from urllib.request import urlopen

import pytest

from tests.demo_server import PREFIX, served_demo


@pytest.fixture(scope="module")
def origin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo site served under its sub-path; yields http://127.0.0.1:<port>."""
    with served_demo(tmp_path_factory.mktemp("crawl")) as (_, served):
        yield served


class LinkCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.hrefs.append(value)


def test_crawl_from_the_index_finds_no_broken_link(origin: str) -> None:
    """Follow every internal link from the home page, as a crawler would, under the sub-path."""
    start = origin + PREFIX
    queue, seen, broken = [start], {start}, []
    pages = 0
    while queue:
        url = queue.pop()
        try:
            with urlopen(url, timeout=10) as response:
                body = response.read()
                kind = response.headers.get_content_type()
        except HTTPError as error:
            broken.append((url, error.code))
            continue
        if kind != "text/html":
            continue
        pages += 1
        collector = LinkCollector()
        collector.feed(body.decode("utf-8"))
        for href in collector.hrefs:
            if href.startswith(("#", "mailto:", "tel:", "http://", "https://")):
                continue
            assert href.startswith(PREFIX), (url, href)  # every link works from any depth and from 404.html
            target = urljoin(url, href).split("#")[0]
            if target not in seen:
                seen.add(target)
                queue.append(target)
    assert broken == []
    # Both languages' pages, all reached from the Indonesian home page through links alone.
    assert start + "en/" in seen and start + "sla/" in seen and start + "en/history/2011/" in seen
    assert pages > 300
