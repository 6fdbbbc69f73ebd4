"""`generate.py serve` guarded: idle connections closed, nothing under a dot-folder, only this machine's names.

The output folder may be a checkout of the Pages branch, with its `.git/` beside the site, and the server
runs on the staff's own machine. So a connection that says nothing is closed after ``IDLE_SECONDS``
(lowered here to half a second), a path through `.git/` (or any dot-name but `.well-known/`) is a 404,
and a request whose ``Host`` is not 127.0.0.1 or localhost with the server's port is refused: a page on
another site that rebinds its own name to 127.0.0.1 sends its own name as ``Host``.

The whole command runs as a subprocess on ``--port 0``; the idle timeout is tested on the very server
the command runs (``preview_server``), in this process, where the constant can be lowered.

Then what the staff see of it: the site under its sub-path, redirects and 404s, a rebuild when a file changes,
and a broken file keeping the last good site; and ``SiteHandler`` alone on a hand-made folder.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import queue
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest

from statusgen import serve as serve_module
from statusgen.serve import SiteHandler
from tests.conftest import ROOT

WITA = ZoneInfo("Asia/Makassar")
CONFIG = """\
title: Uji
base_url: https://example.github.io/status/
timezone: Asia/Makassar
languages: [id, en]
components:
  - id: spse
    name: SPSE Kalsel
"""


class Lines:
    """Lines a process prints, read by threads so the process never blocks on a full pipe."""

    def __init__(self, process: subprocess.Popen[str]):
        self.lines: queue.Queue[tuple[str, str]] = queue.Queue()
        self.seen: list[tuple[str, str]] = []
        self.threads = [
            threading.Thread(target=self._pump, args=(name, stream), daemon=True)
            for name, stream in (("out", process.stdout), ("err", process.stderr))
        ]
        for thread in self.threads:
            thread.start()

    def _pump(self, name: str, stream) -> None:
        for line in stream:
            self.lines.put((name, line.rstrip("\n")))

    def wait_for(self, wanted: Callable[[str, str], bool], timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                name, line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            self.seen.append((name, line))
            if wanted(name, line):
                return line
        raise AssertionError(f"not printed within {timeout} s; printed so far: {self.seen}")


@dataclass
class Serving:
    """A running ``generate.py serve``: its site folder, port, and what it printed up to "serving"."""

    root: Path
    port: int
    lines: Lines

    @property
    def out(self) -> Path:
        return self.root / "site"


def stop(process: subprocess.Popen[str], lines: Lines) -> None:
    """End a server started by a test: terminate it (kill it if it will not go), then let its readers finish."""
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    for thread in lines.threads:  # they end at the end of the pipes, before the pipes are closed
        thread.join(timeout=5)
    for stream in (process.stdout, process.stderr):
        assert stream is not None
        stream.close()


@contextlib.contextmanager
def serving(root: Path, *options: str) -> Iterator[Serving]:
    """``generate.py serve --port 0`` for ``root/status.yml`` into ``root/site``, run in ``root``."""
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    command = [sys.executable, str(ROOT / "generate.py"), "serve", "--port", "0", *options]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8", cwd=root, env=env
    )
    lines = Lines(process)
    try:
        # "serving http://127.0.0.1:<port>/status/ ..." in English, "situs tersedia di http://..." in Indonesian
        line = lines.wait_for(lambda name, line: name == "out" and "http://127.0.0.1:" in line)
        port = int(line.split("http://127.0.0.1:", 1)[1].split("/", 1)[0])
        yield Serving(root, port, lines)
    finally:
        stop(process, lines)


def site_folder(tmp_path: Path, config: str = CONFIG) -> Path:
    root = tmp_path / "src"
    (root / "incidents").mkdir(parents=True)
    (root / "status.yml").write_text(config, encoding="utf-8")
    return root


def request(port: int, path: str, host: str | None = None, method: str = "GET") -> tuple[int, str]:
    """Status and body of one request to 127.0.0.1:``port`` sent with ``Host: host`` (default: the usual one)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.putrequest(method, path, skip_host=host is not None)
        if host is not None:
            connection.putheader("Host", host)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


@pytest.fixture
def pages_checkout(tmp_path: Path) -> Iterator[Serving]:
    """``serve --lang en`` into a folder that is a checkout of the Pages branch: ``.git/`` and ``.nojekyll``."""
    root = site_folder(tmp_path)
    (root / "site" / ".git").mkdir(parents=True)
    (root / "site" / ".git" / "config").write_text('[remote "origin"]\n\turl = git@example.org:lpse/status\n')
    (root / "site" / ".nojekyll").write_text("")
    with serving(root, "--lang", "en") as server:
        yield server


def test_nothing_under_a_dot_name_is_served(pages_checkout: Serving) -> None:
    server = pages_checkout
    not_found = (server.out / "404.html").read_text(encoding="utf-8")
    # The build kept the checkout's files beside the new site: they are there, and not served.
    assert (server.out / ".git" / "config").is_file()
    assert (server.out / ".nojekyll").is_file()
    assert request(server.port, "/status/")[0] == 200
    for path in (
        "/status/.git/config",
        "/status/.git/",
        "/status/.git",  # a folder: no redirect to .git/ either
        "/status/%2egit/config",  # the dot written as an escape
        "/status/%2Egit/config",
        "/status/.nojekyll",
        "/status/static/../.git/config",
    ):
        assert request(server.port, path) == (404, not_found), path
        assert request(server.port, path, method="HEAD")[0] == 404, path


def test_only_this_machines_names_are_answered(pages_checkout: Serving) -> None:
    port = pages_checkout.port
    assert request(port, "/status/", f"127.0.0.1:{port}")[0] == 200
    assert request(port, "/status/", f"localhost:{port}")[0] == 200
    assert request(port, "/status/", f"LocalHost:{port}")[0] == 200  # a host name is case-insensitive
    refusal = f"this preview answers only at http://127.0.0.1:{port}/ and http://localhost:{port}/\n"
    for host in ("evil.example", f"evil.example:{port}", "127.0.0.1", f"127.0.0.1:{port + 1}", f"localhost.:{port}"):
        assert request(port, "/status/", host) == (403, refusal), host
        assert request(port, "/status/api/v1/status.json", host) == (403, refusal), host
    assert request(port, "/status/", "evil.example", method="HEAD") == (403, "")


def raw(port: int, data: bytes) -> bytes:
    """What the server answers to ``data`` sent as is, until it closes the connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        connection.sendall(data)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
        return answer


def test_a_request_without_one_host_is_refused(pages_checkout: Serving) -> None:
    port = pages_checkout.port
    assert raw(port, b"GET /status/ HTTP/1.0\r\n\r\n").startswith(b"HTTP/1.0 403 ")  # no Host at all
    two = f"GET /status/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nHost: evil.example\r\n\r\n".encode()
    assert raw(port, two).startswith(b"HTTP/1.0 403 ")
    one = f"GET /status/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
    assert raw(port, one).startswith(b"HTTP/1.0 200 ")


@pytest.fixture
def quick_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[int, Path]]:
    """The server ``serve`` runs, on a hand-made output folder under /status/, silent connections closed after 0.5 s."""
    monkeypatch.setattr(serve_module, "IDLE_SECONDS", 0.5)
    out = tmp_path / "out"
    (out / ".well-known").mkdir(parents=True)
    (out / "index.html").write_text("beranda", encoding="utf-8")
    (out / "404.html").write_text("halaman tidak ada", encoding="utf-8")
    (out / ".well-known" / "security.txt").write_text("Contact: mailto:helpdesk@example.org\n", encoding="utf-8")
    (out / ".env").write_text("TOKEN=rahasia\n", encoding="utf-8")
    (out / "static").mkdir()
    (out / "static" / ".DS_Store").write_text("x", encoding="utf-8")
    server = serve_module.preview_server(out, "/status/", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], out
    finally:
        server.shutdown()
        server.server_close()


def closed_after(connection: socket.socket) -> float:
    """Seconds until the server closes ``connection`` (what it sent before is read and dropped)."""
    start = time.monotonic()
    while connection.recv(65536):
        pass
    return time.monotonic() - start


def test_a_silent_connection_is_closed_after_the_idle_time(quick_server: tuple[int, Path]) -> None:
    port, _ = quick_server
    threads_before = threading.active_count()
    # 20 connections that say nothing, and one that stops in the middle of its request line.
    silent = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(20)]
    halfway = socket.create_connection(("127.0.0.1", port), timeout=5)
    halfway.sendall(b"GET /status/ HT")
    try:
        waited = [closed_after(connection) for connection in [*silent, halfway]]
    finally:
        for connection in [*silent, halfway]:
            connection.close()
    # Each is closed 0.5 s after it was opened; they were opened at once, so all are closed within
    # about 0.5 s of the first being read (the socket's own timeout, 5 s, would fail the read instead).
    assert sum(waited) < 3, waited
    assert all(0 <= seconds < 2 for seconds in waited), waited
    # Their threads are gone: the server holds none for them.
    deadline = time.monotonic() + 3
    while threading.active_count() > threads_before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert threading.active_count() <= threads_before, (threading.active_count(), threads_before, waited)
    # And the server still answers.
    assert request(port, "/status/") == (200, "beranda")


def test_well_known_is_served_and_other_dot_names_are_not(quick_server: tuple[int, Path]) -> None:
    port, _ = quick_server
    assert request(port, "/status/.well-known/security.txt") == (200, "Contact: mailto:helpdesk@example.org\n")
    assert request(port, "/status/.env") == (404, "halaman tidak ada")
    assert request(port, "/status/static/.DS_Store") == (404, "halaman tidak ada")
    assert request(port, "/status/.well-known/../.env") == (404, "halaman tidak ada")


@pytest.mark.slow
def test_a_reader_that_stops_reading_is_dropped_without_a_traceback(
    quick_server: tuple[int, Path], capfd: pytest.CaptureFixture[str]
) -> None:
    """The idle time also bounds a write: a client that asks for a large file and never reads it. And a
    client that hangs up in the middle of a file is no bug either: the terminal gets no traceback."""
    port, out = quick_server
    (out / "big.html").write_bytes(b"x" * (32 * 1024 * 1024))  # far more than the sockets' buffers hold
    ask = f"GET /status/big.html HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        connection.sendall(ask)
        time.sleep(2)  # the server's write has stalled for longer than 0.5 s and given up
        received = 0
        while chunk := connection.recv(1 << 20):
            received += len(chunk)
    assert received < 32 * 1024 * 1024  # cut off, not waited for
    for _ in range(3):
        with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
            connection.sendall(ask)
            connection.recv(65536)
            # Closed with unread data: the kernel resets the connection under the server's write.
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    time.sleep(1)
    assert request(port, "/status/") == (200, "beranda")
    assert "Traceback" not in capfd.readouterr().err


# --- Rebuilding on change, and the handler under the sub-path (moved here from test_staff.py) ---------------------


def get(base: str, path: str) -> tuple[int, dict[str, str], str]:
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def until(condition: Callable[[], bool], timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def ongoing(title: str, started: datetime) -> str:
    return (
        f"---\ntitle: {title}\ncomponents: [spse]\nseverity: major\nstarted: {started:%Y-%m-%d %H:%M}\n"
        f"updates:\n  - at: {started:%Y-%m-%d %H:%M}\n    status: investigating\n    message: Diselidiki.\n---\n"
    )


@pytest.fixture
def served_site(make_site) -> Iterator[tuple]:
    site = make_site()
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    command = [
        sys.executable, ROOT / "generate.py", "serve", "--lang", "en",
        "--config", site.config, "--out", site.out, "--port", "0",
    ]  # fmt: skip
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        cwd=site.root.parent,
        env=env,
    )
    lines = Lines(process)
    try:
        line = lines.wait_for(lambda name, line: name == "out" and line.startswith("serving "), timeout=20)
        yield site, line.split()[1], lines
    finally:
        stop(process, lines)


@pytest.mark.slow
def test_serve_rebuilds_on_change_and_keeps_the_last_good_site(served_site) -> None:
    site, url, lines = served_site
    assert url.startswith("http://127.0.0.1:") and url.endswith("/status/")
    # The output folder is shown relative to the working folder (the site's parent here).
    assert any(name == "out" and line.startswith("built site-src/site/ at ") for name, line in lines.seen)

    status, _, body = get(url, "/status/")
    assert status == 200 and "<h1" in body
    status, headers, _ = get(url, "/")
    assert (status, urlsplit(headers["Location"]).path) == (302, "/status/")
    status, _, body = get(url, "/status/tidak-ada/")
    assert (status, body) == (404, (site.out / "404.html").read_text(encoding="utf-8"))
    status, _, body = get(url, "/lain/index.html")  # outside the sub-path
    assert (status, body) == (404, (site.out / "404.html").read_text(encoding="utf-8"))

    # A new incident appears without restarting.
    started = datetime.now(WITA) - timedelta(hours=1)
    slug = f"{started:%Y-%m-%d}-kabel-laut-putus"
    page = f"/status/incidents/{slug}/"
    path = site.incident(slug, ongoing("Kabel laut putus", started))
    assert until(lambda: get(url, page)[0] == 200), lines.seen
    assert "Kabel laut putus" in get(url, "/status/")[2]

    # Broken: the problem is printed and the last good site stays.
    path.write_text("---\ntitle: [rusak\n---\n", encoding="utf-8")
    lines.wait_for(lambda name, line: name == "err" and f"site-src/incidents/{slug}.md:" in line)
    lines.wait_for(lambda name, line: name == "err")  # the summary after the problem: the build is over
    assert get(url, page)[0] == 200
    assert "Kabel laut putus" in get(url, "/status/")[2]

    # Fixed: rebuilt with the new text.
    path.write_text(ongoing("Kabel laut putus, sudah diperbaiki", started), encoding="utf-8")
    assert until(lambda: "Kabel laut putus, sudah diperbaiki" in get(url, "/status/")[2])
    assert "Kabel laut putus, sudah diperbaiki" in get(url, page)[2]


@pytest.fixture
def handler_site(tmp_path) -> Iterator[str]:
    """SiteHandler alone, on a hand-made output folder, under /status/."""
    out = tmp_path / "out"
    (out / "incidents" / "a").mkdir(parents=True)
    (out / "index.html").write_text("beranda", encoding="utf-8")
    (out / "404.html").write_text("halaman tidak ada", encoding="utf-8")
    (out / "incidents" / "a" / "index.html").write_text("gangguan a", encoding="utf-8")
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(SiteHandler, directory=str(out), base_path="/status/"))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/status/"
    finally:
        server.shutdown()
        server.server_close()


def test_serve_handler_pages_under_the_sub_path(handler_site) -> None:
    assert get(handler_site, "/status/")[::2] == (200, "beranda")
    assert get(handler_site, "/status/incidents/a/")[::2] == (200, "gangguan a")
    assert get(handler_site, "/status/incidents/a/index.html?x=1")[::2] == (200, "gangguan a")
    assert get(handler_site, "/status/incidents/")[::2] == (404, "halaman tidak ada")  # no folder listing
    assert get(handler_site, "/status/../../etc/passwd")[::2] == (404, "halaman tidak ada")
    assert get(handler_site, "/status/%2e%2e/%2e%2e/etc/passwd")[::2] == (404, "halaman tidak ada")


def test_serve_handler_adds_the_slash_under_the_sub_path(handler_site) -> None:
    # As GitHub Pages does: /status/incidents/a → /status/incidents/a/. SimpleHTTPRequestHandler builds
    # the Location from the path with the base already stripped, so it points at /incidents/a/ (a 404).
    status, headers, _ = get(handler_site, "/status/incidents/a")
    assert status in (301, 302)
    assert urlsplit(headers["Location"]).path == "/status/incidents/a/"
    status, headers, _ = get(handler_site, "/status")
    assert status in (301, 302)
    assert urlsplit(headers["Location"]).path == "/status/"
