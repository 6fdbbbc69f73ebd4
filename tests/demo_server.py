"""The demo site built for DEMO_NOW and served by a local http.server under its sub-path (a helper, no browser).

Shared by the browser tests (tests/browser/) and by the tests that only read or fetch the built pages, so
that those never import Playwright.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from statusgen.cli import main
from tests.conftest import DEMO, DEMO_NOW

PREFIX = "/status-demo/"  # the path of the demo's base_url, https://example.github.io/status-demo/
SIRUP_INCIDENT = "incidents/2026-11-26-sirup-gangguan/"


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def served_demo(tmp: Path) -> Iterator[tuple[Path, str]]:
    """Build the demo into <tmp>/root/status-demo and serve <tmp>/root; yields (the site, http://127.0.0.1:<port>)."""
    source = tmp / "demo"
    shutil.copytree(DEMO, source, ignore=shutil.ignore_patterns("site", "__pycache__"))
    root = tmp / "root"
    out = root / PREFIX.strip("/")
    assert main(["build", "--config", str(source / "status.yml"), "--out", str(out), "--now", DEMO_NOW]) == 0
    assert (out / "index.html").is_file()

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, name="status-demo-server", daemon=True)
    thread.start()
    try:
        yield out, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
