"""The probe against real HTTP(S) servers on 127.0.0.1, and ``generate.py probe`` end to end.

Every server is started by the test itself on port 0; nothing reaches the internet (the DNS case asks the
system resolver for ``probe.invalid``, a name reserved never to exist). TLS certificates are made with the
``openssl`` command-line tool; a missing tool fails the test rather than skipping it.
"""

from __future__ import annotations

import re
import socket
import ssl
import subprocess
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests
import urllib3

from statusgen import probe as probe_module
from statusgen.history import CERT_DAYS_MAX, HEADER
from statusgen.model import Component, Probe
from statusgen.probe import BODY_CAP, GRACE, MAX_WORKERS, Outcome, cert_days, classify, probe_all, probe_component
from tests.conftest import Run, Site

PAUSE = 0.05  # seconds between a failure and its retry, instead of the real 2 s
HUGE = 50 * 1024 * 1024  # bytes the /huge endpoint offers
HANG = 3.0  # seconds the /hang endpoint waits before answering (unless the server stops first)
DRIP = 30  # pieces the /drip-* endpoints send, one every 0.1 s: 3 s in all
STAMP = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z"


# --- the test server -------------------------------------------------------------------------------------


class Server(ThreadingHTTPServer):
    """A threaded HTTP(S) server on 127.0.0.1 that counts what it is asked and what it sends."""

    daemon_threads = True
    request_queue_size = 128  # the concurrency test opens 50 connections at once

    def __init__(self, context: ssl.SSLContext | None = None) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        if context is not None:
            self.socket = context.wrap_socket(self.socket, server_side=True)
        self.base = f"{'https' if context else 'http'}://127.0.0.1:{self.server_address[1]}"
        self.stop = threading.Event()  # set in teardown: every waiting handler gives up
        self.lock = threading.Lock()
        self.hits: Counter[str] = Counter()  # requests per path
        self.methods: list[str] = []
        self.in_flight = 0  # /hang requests being held right now
        self.peak = 0  # most /hang requests held at once
        self.sent = 0  # body bytes /huge managed to write
        self.huge_done = threading.Event()

    def handle_error(self, request: object, client_address: object) -> None:
        """A probe that gave up leaves a broken pipe behind: expected, not worth a traceback."""


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Server

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        path = urllib.parse.urlsplit(self.path).path
        with self.server.lock:
            self.server.hits[path] += 1
            self.server.methods.append(self.command)
            count = self.server.hits[path]
        target = ROUTES_EXTRA.get(self.server.base, {}).get(path)
        if target is not None:
            if path == "/hop":
                self.server.stop.wait(0.5)
            self.reply(302, b"", Location=target)
            return
        route = ROUTES.get(path)
        if route is None:
            self.reply(404, b"not found")
        else:
            route(self, count)

    do_HEAD = do_POST = do_GET

    def reply(self, code: int, body: bytes = b"", **headers: str) -> None:
        self.send_response(code)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def ok(self, count: int) -> None:
        self.reply(200, b"<html><body>hello from statusgen</body></html>")

    def slow(self, count: int) -> None:
        self.server.stop.wait(0.3)
        self.ok(count)

    def error_500(self, count: int) -> None:
        self.reply(500, b"broken")

    def flaky(self, count: int) -> None:
        """500 on the first request, 200 from then on."""
        self.reply(500, b"first time broken") if count == 1 else self.ok(count)

    def hang(self, count: int) -> None:
        """Wait HANG seconds before sending anything."""
        with self.server.lock:
            self.server.in_flight += 1
            self.server.peak = max(self.server.peak, self.server.in_flight)
        try:
            self.server.stop.wait(HANG)
        finally:
            with self.server.lock:
                self.server.in_flight -= 1
        self.ok(count)

    def drip_length(self, count: int) -> None:
        """Headers at once, then a body of DRIP bytes with a Content-Length, one byte every 0.1 s."""
        self.send_response(200)
        self.send_header("Content-Length", str(DRIP))
        self.end_headers()
        self.wfile.flush()
        for _ in range(DRIP):
            if self.server.stop.wait(0.1):
                break
            self.wfile.write(b"x")
        self.close_connection = True

    def drip_chunked(self, count: int) -> None:
        """Headers at once, then a chunked body of DRIP one-byte chunks, one every 0.1 s."""
        self.send_response(200)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.wfile.flush()
        for _ in range(DRIP):
            if self.server.stop.wait(0.1):
                break
            self.wfile.write(b"1\r\nx\r\n")
        self.wfile.write(b"0\r\n\r\n")
        self.close_connection = True

    def drip_headers(self, count: int) -> None:
        """The status line at once, then DRIP header lines, one every 0.1 s: no read waits past the timeout."""
        self.wfile.write(b"HTTP/1.1 200 OK\r\n")
        for number in range(DRIP):
            if self.server.stop.wait(0.1):
                break
            self.wfile.write(f"X-Drip-{number}: x\r\n".encode())
        self.wfile.write(b"Content-Length: 2\r\nConnection: close\r\n\r\nok")
        self.close_connection = True

    def loop(self, count: int) -> None:
        self.reply(302, Location="/loop")

    def redirect(self, count: int) -> None:
        self.reply(302, Location="/ok")

    def endless(self, count: int) -> None:
        """A chunked body that never ends: 64 KiB pieces for as long as the client reads."""
        self.send_response(200)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        piece = b"y" * (64 * 1024)
        frame = b"%x\r\n" % len(piece) + piece + b"\r\n"
        while not self.server.stop.is_set():
            try:
                self.wfile.write(frame)
            except (BrokenPipeError, ConnectionResetError):
                break
            self.server.sent += len(piece)
        self.close_connection = True

    def huge(self, count: int) -> None:
        """Offer HUGE bytes, starting with a keyword; count how many got written before the client left."""
        try:
            self.send_response(200)
            self.send_header("Content-Length", str(HUGE))
            self.end_headers()
            chunk = b"x" * (64 * 1024)
            first = b"statusgen-start" + chunk[15:]
            while self.server.sent < HUGE and not self.server.stop.is_set():
                try:
                    self.wfile.write(first if self.server.sent == 0 else chunk)
                except (BrokenPipeError, ConnectionResetError):
                    break
                self.server.sent += len(chunk)
            self.close_connection = True
        finally:
            self.server.huge_done.set()


ROUTES: dict[str, Callable[[Handler, int], None]] = {
    "/ok": Handler.ok,
    "/slow": Handler.slow,
    "/status/500": Handler.error_500,
    "/flaky": Handler.flaky,
    "/hang": Handler.hang,
    "/drip-length": Handler.drip_length,
    "/drip-chunked": Handler.drip_chunked,
    "/drip-headers": Handler.drip_headers,
    "/loop": Handler.loop,
    "/redirect": Handler.redirect,
    "/huge": Handler.huge,
    "/endless": Handler.endless,
    "/slow-second": lambda handler, count: (handler.server.stop.wait(1.5), handler.ok(count))[-1],
}
# Redirects to another server, by server base URL and path; "/hop" waits 0.5 s first.
ROUTES_EXTRA: dict[str, dict[str, str]] = {}


@pytest.fixture
def start_server() -> Iterator[Callable[..., Server]]:
    """Start servers on demand; stop, shut down and close every one of them afterwards."""
    started: list[tuple[Server, threading.Thread]] = []

    def start(context: ssl.SSLContext | None = None) -> Server:
        server = Server(context)
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        thread.start()
        started.append((server, thread))
        return server

    yield start
    for server, thread in started:
        server.stop.set()
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def server(start_server: Callable[..., Server]) -> Server:
    return start_server()


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """requests honours proxy variables; a proxy must not stand between the probe and 127.0.0.1."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


def probe_one(url: str, *, timeout: float = 1.0, retries: int = 0, **options: object) -> tuple[Outcome, float]:
    """Probe one component through probe_all; the outcome and the seconds it took."""
    component = Component("svc", "Service", probe=Probe(url, timeout=timeout, retries=retries, **options))  # type: ignore[arg-type]
    start = time.monotonic()
    outcomes = probe_all([component], pause=PAUSE)
    elapsed = time.monotonic() - start
    assert list(outcomes) == ["svc"]
    return outcomes["svc"], elapsed


# --- TLS certificates --------------------------------------------------------------------------------------

OPENSSL_CONFIG = """\
[req]
distinguished_name = dn
prompt = no
[dn]
CN = statusgen test
[v3_ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[v3_server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[v3_self]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1
subjectKeyIdentifier = hash
"""
NEW_KEY = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes")


def openssl(folder: Path, *args: str) -> None:
    """Run /usr/bin/openssl in ``folder``; fail loudly (never skip) when it is missing or fails."""
    result = subprocess.run(["openssl", *args], cwd=folder, capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"openssl {' '.join(args)} failed:\n{result.stderr}"


def certificates(folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "openssl.cnf").write_text(OPENSSL_CONFIG, encoding="utf-8")
    return folder


def server_context(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


@pytest.fixture
def self_signed(tmp_path: Path) -> ssl.SSLContext:
    """A server context with a self-signed certificate for IP:127.0.0.1."""
    folder = certificates(tmp_path / "self")
    openssl(folder, "req", "-x509", *NEW_KEY, "-keyout", "self.key", "-out", "self.crt", "-days", "10",
            "-subj", "/CN=127.0.0.1", "-config", "openssl.cnf", "-extensions", "v3_self")  # fmt: skip
    return server_context(folder / "self.crt", folder / "self.key")


@pytest.fixture
def signed(tmp_path: Path) -> tuple[ssl.SSLContext, Path]:
    """A server context with a 10-day certificate for IP:127.0.0.1 from a small CA; and the CA file."""
    folder = certificates(tmp_path / "ca")
    openssl(folder, "req", "-x509", *NEW_KEY, "-keyout", "ca.key", "-out", "ca.crt", "-days", "30",
            "-subj", "/CN=statusgen test CA", "-config", "openssl.cnf", "-extensions", "v3_ca")  # fmt: skip
    openssl(folder, "req", "-new", *NEW_KEY, "-keyout", "server.key", "-out", "server.csr",
            "-subj", "/CN=127.0.0.1", "-config", "openssl.cnf")  # fmt: skip
    openssl(folder, "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-set_serial", "2",
            "-days", "10", "-out", "server.crt", "-extfile", "openssl.cnf", "-extensions", "v3_server")  # fmt: skip
    return server_context(folder / "server.crt", folder / "server.key"), folder / "ca.crt"


# --- 1-4: what the answer says ---------------------------------------------------------------------------


def test_fast_200_is_up(server: Server) -> None:
    outcome, _ = probe_one(f"{server.base}/ok", degraded_ms=5000)
    assert outcome.status == "up"
    assert outcome.http_status == 200
    assert isinstance(outcome.latency_ms, int) and outcome.latency_ms >= 0
    assert outcome.error is None
    assert outcome.cert_days is None  # http has no certificate
    assert server.hits["/ok"] == 1


def test_slow_answer_is_degraded(server: Server) -> None:
    outcome, _ = probe_one(f"{server.base}/slow", degraded_ms=100, retries=2)
    assert outcome == Outcome("degraded", 200, outcome.latency_ms, None, None)
    assert outcome.latency_ms is not None and outcome.latency_ms >= 300
    assert server.hits["/slow"] == 1  # degraded is not a failure: no retry


@pytest.mark.parametrize(
    ("path", "expect_status", "status", "code", "error"),
    [
        ("/status/500", (), "down", 500, "status"),
        ("/status/500", (500,), "up", 500, None),
        ("/ok", (201, 204), "down", 200, "status"),
        ("/missing", (), "down", 404, "status"),
        ("/redirect", (), "up", 200, None),  # redirects are followed; the final answer counts
    ],
)
def test_status_codes(
    server: Server, path: str, expect_status: tuple[int, ...], status: str, code: int, error: str | None
) -> None:
    outcome, _ = probe_one(server.base + path, expect_status=expect_status)
    assert (outcome.status, outcome.http_status, outcome.error) == (status, code, error)
    assert isinstance(outcome.latency_ms, int)


@pytest.mark.parametrize(
    ("keyword", "status", "error"), [("hello from statusgen", "up", None), ("Welcome", "down", "keyword")]
)
def test_keyword(server: Server, keyword: str, status: str, error: str | None) -> None:
    outcome, _ = probe_one(f"{server.base}/ok", keyword=keyword)
    assert (outcome.status, outcome.http_status, outcome.error) == (status, 200, error)


@pytest.mark.parametrize("method", ["GET", "HEAD", "POST"])
def test_method_is_sent(server: Server, method: str) -> None:
    outcome, _ = probe_one(f"{server.base}/ok", method=method)
    assert (outcome.status, outcome.http_status) == ("up", 200)
    assert server.methods == [method]


# --- 5-10: what goes wrong -------------------------------------------------------------------------------


def test_no_headers_within_timeout_is_timeout(server: Server) -> None:
    outcome, elapsed = probe_one(f"{server.base}/hang", timeout=0.5)
    assert (outcome.status, outcome.error) == ("down", "timeout")
    assert elapsed < 1.5


@pytest.mark.parametrize("path", ["/drip-chunked", "/drip-length"])
@pytest.mark.slow
def test_body_dripping_past_the_timeout_is_timeout_at_the_deadline(server: Server, path: str) -> None:
    """Every piece arrives well within the read timeout, but the whole body takes 3 s: the deadline is 1 s."""
    outcome, elapsed = probe_one(server.base + path, timeout=1.0)
    assert (outcome.status, outcome.error) == ("down", "timeout")
    assert elapsed < 1.75, f"the probe read for {elapsed:.2f} s with a 1 s timeout"


@pytest.mark.slow
def test_headers_dripping_past_the_timeout_is_timeout_at_the_deadline(server: Server) -> None:
    """Probe.timeout bounds the whole attempt, headers included (see _Deadline), not each read."""
    outcome, elapsed = probe_one(f"{server.base}/drip-headers", timeout=1.0)
    assert (outcome.status, outcome.error) == ("down", "timeout")
    assert elapsed < 1.75, f"the probe waited {elapsed:.2f} s for the headers with a 1 s timeout"


def test_redirect_loop_is_redirects(server: Server) -> None:
    outcome, elapsed = probe_one(f"{server.base}/loop")
    assert (outcome.status, outcome.error) == ("down", "redirects")
    assert 10 <= server.hits["/loop"] <= 12  # session.max_redirects is 10
    assert elapsed < 5


def test_refused_port_is_connection() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    outcome, elapsed = probe_one(f"http://127.0.0.1:{port}/")
    assert outcome == Outcome("down", error="connection")
    assert elapsed < 1


def test_an_endless_body_is_cut_at_the_cap(server: Server) -> None:
    outcome, elapsed = probe_one(f"{server.base}/endless", timeout=2.0)
    assert (outcome.status, outcome.http_status) == ("up", 200)
    assert elapsed < 2.0
    # It stopped reading at the cap: what was sent beyond it is what the loopback socket buffers held (a few MiB).
    assert server.sent < 16 * BODY_CAP


@pytest.mark.slow
def test_a_resolver_that_never_answers_is_cut_off_at_the_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    """No socket timeout covers the name lookup; the attempt as a whole is bounded. Two attempts
    (one retry) of 1 s each: about 2 s, where the system resolver would take as long as it likes."""
    released = threading.Event()
    real = socket.getaddrinfo

    def silent(host: object, *args: object, **kwargs: object) -> object:
        if host == "never-answers.test":
            released.wait(30)
            raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
        return real(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", silent)
    try:
        outcome, elapsed = probe_one("http://never-answers.test/", timeout=1.0, retries=1)
    finally:
        released.set()
    assert outcome == Outcome("down", latency_ms=1000, error="timeout")
    assert elapsed < 2 * (1.0 + GRACE) + 0.5, f"{elapsed:.2f} s"


@pytest.mark.slow
def test_a_certificate_check_that_stalls_costs_only_the_days_left(server: Server, monkeypatch) -> None:
    """The certificate is read by a second handshake after the answer, within the attempt's deadline.
    One that stalls leaves its days unknown; the answer, which came in time, still counts."""
    released = threading.Event()

    def stalled(url: str, timeout: float, now: float) -> int | None:
        released.wait(30)
        return None

    monkeypatch.setattr(probe_module, "cert_days", stalled)
    try:
        outcome, elapsed = probe_one(f"{server.base}/ok", timeout=1.0)
    finally:
        released.set()
    assert (outcome.status, outcome.http_status, outcome.cert_days) == ("up", 200, None)
    assert elapsed < 1.0 + GRACE + 0.5, f"{elapsed:.2f} s"


def test_days_left_are_kept_within_what_the_history_reads(server: Server, monkeypatch) -> None:
    """A certificate valid until 9999 (a private CA) would give some 2.9 million days: written as
    is, the line would be refused by every reader and the sample lost. It is written as the most
    the history holds."""
    monkeypatch.setattr(probe_module, "cert_days", lambda url, timeout, now: 2_900_000)
    outcome, _ = probe_one(f"{server.base}/ok", timeout=1.0)
    assert outcome.cert_days == CERT_DAYS_MAX == 99_999


def test_unresolvable_host_is_dns() -> None:
    outcome, _ = probe_one("http://probe.invalid/")
    assert outcome == Outcome("down", error="dns")


def test_self_signed_certificate_is_tls(
    start_server: Callable[..., Server], self_signed: ssl.SSLContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    server = start_server(self_signed)
    outcome, _ = probe_one(f"{server.base}/ok")
    assert outcome == Outcome("down", error="tls")
    assert server.hits["/ok"] == 0


def test_trusted_certificate_is_up_with_days_left(
    start_server: Callable[..., Server], signed: tuple[ssl.SSLContext, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    context, ca = signed
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(ca))
    server = start_server(context)
    outcome, _ = probe_one(f"{server.base}/ok")
    assert (outcome.status, outcome.http_status, outcome.error) == ("up", 200, None)
    assert outcome.cert_days == 9  # valid for 10 days from a moment ago: 9.99… whole days left
    # The days count from the wall clock the caller passes.
    later = probe_all(
        [Component("svc", "Service", probe=Probe(f"{server.base}/ok", timeout=1.0, retries=0))],
        pause=PAUSE,
        wall_clock=lambda: time.time() + 5 * 86400,
    )
    assert later["svc"].cert_days == 4
    assert cert_days(f"{server.base}/ok", 1.0, time.time() + 11 * 86400) == -2  # expired shows as negative


def test_cert_days_is_none_without_tls_or_trust(server: Server) -> None:
    assert cert_days(f"{server.base}/ok", 1.0, time.time()) is None  # http
    assert cert_days(f"https://127.0.0.1:{server.server_address[1]}/ok", 1.0, time.time()) is None  # not TLS


def test_huge_body_is_read_only_up_to_the_cap(server: Server) -> None:
    outcome, elapsed = probe_one(f"{server.base}/huge", timeout=5.0, keyword="statusgen-start")
    assert (outcome.status, outcome.http_status, outcome.error) == ("up", 200, None)
    assert elapsed < 3
    assert server.huge_done.wait(10), "the server was still writing 10 s after the probe returned"
    # What the server wrote is what the probe read (BODY_CAP) plus what the socket buffers held.
    assert BODY_CAP <= server.sent < HUGE // 2, f"the server wrote {server.sent} bytes"


def test_keyword_beyond_the_cap_is_not_found(server: Server) -> None:
    outcome, elapsed = probe_one(f"{server.base}/huge", timeout=5.0, keyword="never-sent")
    assert (outcome.status, outcome.http_status, outcome.error) == ("down", 200, "keyword")
    assert elapsed < 3


# --- 11-12: retries and concurrency ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("retries", "status", "code", "hits"), [(1, "up", 200, 2), (0, "down", 500, 1), (3, "up", 200, 2)]
)
def test_a_failure_is_retried(server: Server, retries: int, status: str, code: int, hits: int) -> None:
    probe = Probe(f"{server.base}/flaky", timeout=1.0, retries=retries)
    start = time.monotonic()
    with requests.Session() as session:
        outcome = probe_component(session, probe, 0.2)
    elapsed = time.monotonic() - start
    assert (outcome.status, outcome.http_status) == (status, code)
    assert server.hits["/flaky"] == hits
    if hits == 2:
        assert elapsed >= 0.2  # the pause before the retry


@pytest.mark.slow
def test_a_timeout_is_retried_at_once(server: Server) -> None:
    """A target that never answers has had its wait: the retry comes without the pause. With a 0.5 s
    timeout, one retry and a 2 s pause, two attempts take 2 × 0.5 = 1 s; with the pause they would take 3 s."""
    probe = Probe(f"{server.base}/hang", timeout=0.5, retries=1)
    start = time.monotonic()
    with requests.Session() as session:
        outcome = probe_component(session, probe, 2.0)
    elapsed = time.monotonic() - start
    assert (outcome.status, outcome.error) == ("down", "timeout")
    assert server.hits["/hang"] == 2
    assert 1.0 <= elapsed < 2.0


def test_retries_stop_after_the_last_one(server: Server) -> None:
    outcome, elapsed = probe_one(f"{server.base}/status/500", retries=2)
    assert (outcome.status, outcome.error) == ("down", "status")
    assert server.hits["/status/500"] == 3
    assert elapsed >= 2 * PAUSE


@pytest.mark.slow
def test_components_are_probed_concurrently(server: Server) -> None:
    assert MAX_WORKERS >= 50
    components = [
        Component(f"c{i}", f"C {i}", probe=Probe(f"{server.base}/hang?n={i}", timeout=1.0, retries=0))
        for i in range(50)
    ]
    components.append(Component("no-probe", "Not probed"))
    start = time.monotonic()
    outcomes = probe_all(components, pause=PAUSE)
    elapsed = time.monotonic() - start
    assert sorted(outcomes) == sorted(f"c{i}" for i in range(50))
    assert all((o.status, o.error) == ("down", "timeout") for o in outcomes.values()), set(outcomes.values())
    assert elapsed < 2.5, f"50 probes with a 1 s timeout took {elapsed:.2f} s"
    assert server.peak == 50  # the server held all 50 requests at once


@pytest.mark.slow
def test_one_probe_s_deadline_never_cuts_another_probe_s_connection(start_server: Callable[..., Server]) -> None:
    # Two hosts. A: first → second/hang (A's deadline, 1 s, falls while it waits). B: first →
    # second/hop, which answers after 0.5 s with a redirect back to first/slow-second (1.5 s more).
    # When B comes back to the first host, connections from the first hops of A and B have been
    # released. Were they pooled, B could reuse A's, and A's watchdog would cut B down at 1 s.
    first, second = start_server(), start_server()
    ROUTES_EXTRA[first.base] = {"/a": f"{second.base}/hang", "/b": f"{second.base}/hop"}
    ROUTES_EXTRA[second.base] = {"/hop": f"{first.base}/slow-second"}
    components = [
        Component("a", "A", probe=Probe(f"{first.base}/a", timeout=1.0, retries=0)),
        Component("b", "B", probe=Probe(f"{first.base}/b", timeout=8.0, retries=0)),
    ]
    for _ in range(4):
        outcomes = probe_all(components, pause=PAUSE)
        assert (outcomes["a"].status, outcomes["a"].error) == ("down", "timeout")
        assert outcomes["b"].status == "up", outcomes["b"]


def test_nothing_to_probe() -> None:
    assert probe_all([Component("a", "A")], pause=PAUSE) == {}


# --- 15: error words -------------------------------------------------------------------------------------


def _cycle() -> Exception:
    first, second = ValueError("a"), ValueError("b")
    first.__context__, second.__context__ = second, first
    return first


@pytest.mark.parametrize(
    ("exc", "word"),
    [
        (requests.exceptions.TooManyRedirects("Exceeded 10 redirects."), "redirects"),
        (
            requests.exceptions.SSLError(
                urllib3.exceptions.MaxRetryError(
                    None,  # type: ignore[arg-type]
                    "/",
                    urllib3.exceptions.SSLError(ssl.SSLCertVerificationError(1, "certificate verify failed")),
                )
            ),
            "tls",
        ),
        (
            requests.exceptions.ConnectionError(
                urllib3.exceptions.MaxRetryError(
                    None,  # type: ignore[arg-type]
                    "/",
                    urllib3.exceptions.NameResolutionError(
                        "probe.invalid",
                        None,  # type: ignore[arg-type]
                        socket.gaierror(-2, "Name or service not known"),
                    ),
                )
            ),
            "dns",
        ),
        (
            requests.exceptions.ConnectionError(
                urllib3.exceptions.MaxRetryError(
                    None,  # type: ignore[arg-type]
                    "/",
                    urllib3.exceptions.NewConnectionError(None, "Connection refused"),  # type: ignore[arg-type]
                )
            ),
            "connection",
        ),
        (
            requests.exceptions.ConnectionError(
                urllib3.exceptions.ProtocolError("Connection aborted.", ConnectionResetError(104, "reset"))
            ),
            "connection",
        ),
        (
            requests.exceptions.ConnectTimeout(
                urllib3.exceptions.MaxRetryError(
                    None,  # type: ignore[arg-type]
                    "/",
                    urllib3.exceptions.ConnectTimeoutError(None, "timed out"),
                )
            ),
            "timeout",
        ),
        (requests.exceptions.ReadTimeout("read timed out"), "timeout"),
        (  # the server reset the connection in the middle of the body
            requests.exceptions.ChunkedEncodingError(
                urllib3.exceptions.ProtocolError("Connection broken", ConnectionResetError(104, "reset"))
            ),
            "connection",
        ),
        (ValueError("something else"), "error"),
        (_cycle(), "error"),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, BaseException) else value,
)
def test_classify(exc: BaseException, word: str) -> None:
    assert classify(exc) == word


# --- 13-14: generate.py probe ----------------------------------------------------------------------------

PROBED_CONFIG = """\
title: Uji
base_url: https://example.github.io/status/
components:
  - id: web
    name: Web
    probe:
      url: {base}/ok
      timeout: 1
      retries: 0
  - id: api
    name: API
    probe:
      url: {base}/status/500
      timeout: {timeout}
      retries: 0
  - id: internet
    name: Internet
"""


def history_lines(folder: Path) -> list[str]:
    """The data lines of every month file of one component, after checking each file's header and month."""
    lines = []
    for path in sorted(folder.glob("*.csv")):
        assert re.fullmatch(r"\d{4}-\d{2}\.csv", path.name)
        text = path.read_text(encoding="utf-8")
        assert text.endswith("\n")
        header, *data = text.splitlines()
        assert header == "time,status,http_status,latency_ms,error,cert_days" == ",".join(HEADER)
        for line in data:
            assert line[:7] == path.stem, f"a line for {line[:7]} in {path.name}"  # the UTC month of its time
        lines += data
    return lines


def test_cli_probe_appends_one_line_per_probed_component(
    make_site: Callable[..., Site], cli: Callable[..., Run], server: Server
) -> None:
    site = make_site(PROBED_CONFIG.format(base=server.base, timeout=1))
    before = int(time.time())
    first = cli("probe", "--config", site.config)
    assert first.code == 0, first.err  # one component down is data, not a failure
    assert first.err == ""
    assert re.fullmatch(r"api: down 500 \d+ ms status\nweb: up 200 \d+ ms\n", first.out), first.out
    history = site.root / "history"
    assert sorted(p.name for p in history.iterdir()) == ["api", "web"]

    web, api = history_lines(history / "web"), history_lines(history / "api")
    assert len(web) == len(api) == 1
    assert re.fullmatch(rf"{STAMP},up,200,\d+,,", web[0]), web[0]
    assert re.fullmatch(rf"{STAMP},down,500,\d+,status,", api[0]), api[0]
    stamp = time.mktime(time.strptime(web[0][:20], "%Y-%m-%dT%H:%M:%SZ")) - time.timezone
    assert before - 1 <= stamp <= time.time() + 1
    assert web[0][:20] == api[0][:20]  # one run, one moment

    second = cli("probe", "--config", site.config)
    assert second.code == 0, second.err
    web, api = history_lines(history / "web"), history_lines(history / "api")
    assert len(web) == len(api) == 2  # appended, header once
    assert re.fullmatch(rf"{STAMP},up,200,\d+,,", web[1]), web[1]
    assert re.fullmatch(rf"{STAMP},down,500,\d+,status,", api[1]), api[1]
    assert server.hits == Counter({"/ok": 2, "/status/500": 2})


def test_cli_probe_rejects_an_invalid_config(
    make_site: Callable[..., Site], cli: Callable[..., Run], server: Server
) -> None:
    config = PROBED_CONFIG.format(base=server.base, timeout="abc")
    site = make_site(config)
    line = config.splitlines().index("      timeout: abc") + 1
    run = cli("probe", "--config", site.config)
    assert run.code == 1
    assert "Traceback" not in run.err
    assert re.search(rf"^\S*status\.yml:{line}: .*'timeout' must be a number.*'abc'", run.err, re.M), run.err
    assert not (site.root / "history").exists()
    assert not server.hits  # nothing probed


def test_cli_probe_fails_cleanly_when_history_cannot_be_written(
    make_site: Callable[..., Site], cli: Callable[..., Run], server: Server
) -> None:
    site = make_site(PROBED_CONFIG.format(base=server.base, timeout=1))
    history = site.root / "history"
    history.mkdir()
    (history / "web").write_text("a file where the folder should be\n", encoding="utf-8")
    run = cli("probe", "--config", site.config)
    assert run.code == 1
    assert "Traceback" not in run.err
    assert re.search(r"^\S*history/web:1: cannot append probe history: .+$", run.err, re.M), run.err
    assert (history / "web").read_text(encoding="utf-8") == "a file where the folder should be\n"


def test_one_history_file_that_cannot_be_written_costs_only_its_own_sample(
    make_site: Callable[..., Site], cli: Callable[..., Run], server: Server
) -> None:
    """'api' is written first (components go in id order); its folder is blocked, and 'web' still gets its line."""
    site = make_site(PROBED_CONFIG.format(base=server.base, timeout=1))
    history = site.root / "history"
    history.mkdir()
    (history / "api").write_text("a file where the folder should be\n", encoding="utf-8")
    run = cli("probe", "--config", site.config)
    assert run.code == 1
    assert re.search(r"^\S*history/api:1: cannot append probe history: .+$", run.err, re.M), run.err
    assert len(history_lines(history / "web")) == 1
    assert "web: up 200" in run.out  # and what was found is still said, for both
    assert "api: down 500" in run.out


def test_cli_probe_without_probes(make_site: Callable[..., Site], cli: Callable[..., Run]) -> None:
    site = make_site()
    run = cli("probe", "--config", site.config)
    assert run.code == 0
    assert "nothing to do" in run.out
    assert not (site.root / "history").exists()
