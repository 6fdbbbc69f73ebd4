"""Checking the services over HTTP. The only module that imports requests.

Every component with a ``probe:`` is checked concurrently, with one session and
a bounded thread pool, so a run takes about as long as the slowest probe. A
failure is retried before it counts, to keep a runner's own network blips out
of the record.
"""

from __future__ import annotations

import contextlib
import os
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

import requests
import urllib3
import urllib3.connection
from requests.adapters import HTTPAdapter
from requests.utils import DEFAULT_CA_BUNDLE_PATH

from . import __version__
from .config import PROBE_THREADS
from .history import CERT_DAYS_MAX
from .model import GRACE, RETRY_PAUSE, Component, Probe

BODY_CAP = 1 << 20  # bytes read at most; the keyword must occur within them
MAX_WORKERS = PROBE_THREADS
USER_AGENT = f"statusgen/{__version__} (status page probe)"


@dataclass(frozen=True)
class Outcome:
    """What one probe of one component found."""

    status: str  # up | degraded | down
    http_status: int | None = None
    latency_ms: int | None = None
    error: str | None = None  # for down: timeout | dns | connection | tls | status | keyword | redirects | error
    cert_days: int | None = None


class _Deadline(Exception):
    """The whole attempt (headers and body) took longer than the timeout."""


# Per-read socket timeouts cannot bound a server that drips a byte at a time, so each attempt
# also has a watchdog that shuts its sockets down at the deadline. The sockets an attempt opens
# are collected here, per thread, by the connection classes below; no connection is reused.
_attempt = threading.local()


def _track(sock: socket.socket | None) -> None:
    sockets = getattr(_attempt, "sockets", None)
    if sockets is not None and sock is not None:
        sockets.append(sock)
        if time.monotonic() >= getattr(_attempt, "deadline", float("inf")):
            # Connected after the watchdog fired (a name lookup that took the whole timeout): shut
            # it now, or a server that drips would keep this abandoned attempt's thread for ever.
            _shut([sock])


class _Tracked:
    sock: socket.socket | None

    def connect(self) -> None:
        super().connect()  # type: ignore[misc]
        _track(self.sock)


class _HTTPConnection(_Tracked, urllib3.connection.HTTPConnection):
    pass


class _HTTPSConnection(_Tracked, urllib3.connection.HTTPSConnection):
    pass


class _Unpooled:
    """Never hands a connection back for reuse: an attempt's watchdog may shut down every
    socket the attempt used, so none of them may pass to another attempt."""

    def _put_conn(self, conn: Any) -> None:
        if conn is not None:
            conn.close()


class _HTTPPool(_Unpooled, urllib3.HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(_Unpooled, urllib3.HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


class _Adapter(HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}


def _shut(sockets: list[socket.socket]) -> None:
    """Watchdog: end the attempt's connections; its blocked read then fails at once."""
    for sock in list(sockets):
        with contextlib.suppress(OSError):  # already closed
            sock.shutdown(socket.SHUT_RDWR)


def _worst_case(component: Component) -> float:
    return component.probe.worst_case if component.probe else 0.0


def probe_all(
    components: Sequence[Component], pause: float = RETRY_PAUSE, wall_clock: Callable[[], float] = time.time
) -> dict[str, Outcome]:
    """Probe every component that has a probe; returns the outcome for each, by id."""
    # The longest first: then the run takes at most the rounds config.probe_run_length counts.
    probed = sorted((c for c in components if c.probe is not None), key=lambda c: -_worst_case(c))
    if not probed:
        return {}
    with requests.Session() as session:
        adapter = _Adapter(pool_connections=len(probed), pool_maxsize=4, max_retries=0)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        session.headers["User-Agent"] = USER_AGENT
        session.max_redirects = 10
        with ThreadPoolExecutor(max_workers=min(MAX_WORKERS, len(probed))) as pool:
            outcomes = pool.map(lambda c: probe_component(session, c.probe, pause, wall_clock), probed)
            return {c.id: outcome for c, outcome in zip(probed, outcomes, strict=True)}


def probe_component(
    session: requests.Session, probe: Probe | None, pause: float, wall_clock: Callable[[], float] = time.time
) -> Outcome:
    """Check once, and again on failure, up to ``probe.retries`` times.

    A failure that came quickly (refused, reset, an error page) is tried again after ``pause``,
    to let a blip pass. One that took the whole timeout has waited long enough: it is tried again
    at once, so a target that never answers costs ``retries + 1`` timeouts and nothing more.
    """
    assert probe is not None
    outcome = attempt(session, probe, wall_clock)
    for _ in range(probe.retries):
        if outcome.status != "down":
            break
        if outcome.error != "timeout":
            time.sleep(pause)
        outcome = attempt(session, probe, wall_clock)
    return outcome


def attempt(session: requests.Session, probe: Probe, wall_clock: Callable[[], float] = time.time) -> Outcome:
    """One request, bounded as a whole by ``probe.timeout``: the name lookup and the certificate's
    handshake included, which no socket timeout covers (a resolver that never answers would
    otherwise hold the run for as long as the system's resolver retries).

    The request runs in its own thread. One still running at the timeout is left to end by
    itself (its sockets are shut by the watchdog; a lookup ends when the resolver gives up) and
    counts as a timeout. An answer that came in time counts even if the certificate's separate
    handshake after it did not finish: its days left are then unknown, never an outage.
    """
    judged: list[Outcome] = []  # the answer, judged, before the certificate is read
    done: list[Outcome] = []  # the same with the certificate's days left

    def run() -> None:
        try:
            outcome, start = _attempt_once(session, probe)
            judged.append(outcome)
            remaining = probe.timeout - (time.monotonic() - start)
            if outcome.http_status is not None and remaining > 0:
                days = cert_days(probe.url, remaining, wall_clock())
                outcome = replace(outcome, cert_days=None if days is None else min(max(days, 0), CERT_DAYS_MAX))
            done.append(outcome)
        except Exception:  # a probe must never stop the run
            done.append(Outcome("down", error="error"))

    worker = threading.Thread(target=run, name="probe-attempt", daemon=True)
    worker.start()
    worker.join(probe.timeout + GRACE)
    if done:
        return done[0]
    if judged:
        return judged[0]
    return Outcome("down", latency_ms=round(probe.timeout * 1000), error="timeout")


def _attempt_once(session: requests.Session, probe: Probe) -> tuple[Outcome, float]:
    """One request: follow redirects, read at most BODY_CAP bytes, judge the answer. Returns the
    outcome (without the certificate's days) and the monotonic time the attempt started."""
    start = time.monotonic()
    sockets: list[socket.socket] = []
    _attempt.sockets = sockets
    _attempt.deadline = start + probe.timeout
    watchdog = threading.Timer(probe.timeout, _shut, args=(sockets,))
    watchdog.daemon = True
    watchdog.start()
    timed_out = Outcome("down", latency_ms=round(probe.timeout * 1000), error="timeout")
    try:
        with session.request(
            probe.method, probe.url, timeout=(probe.timeout, probe.timeout), stream=True, allow_redirects=True
        ) as response:
            body = b"".join(_capped(response, start, probe.timeout))
            latency = round((time.monotonic() - start) * 1000)
            code = response.status_code
    except Exception as exc:  # classified below; a probe must never stop the run
        if isinstance(exc, _Deadline) or time.monotonic() - start >= probe.timeout:
            return timed_out, start
        return Outcome("down", error=classify(exc)), start
    finally:
        watchdog.cancel()
        _attempt.sockets = None
    if time.monotonic() - start > probe.timeout:
        return timed_out, start
    expected = code in probe.expect_status if probe.expect_status else 200 <= code < 400
    if not expected:
        return Outcome("down", code, latency, "status"), start
    if probe.keyword and probe.keyword.encode() not in body:
        return Outcome("down", code, latency, "keyword"), start
    slow = probe.degraded_ms is not None and latency > probe.degraded_ms
    return Outcome("degraded" if slow else "up", code, latency, None), start


def _capped(response: requests.Response, start: float, timeout: float) -> Iterator[bytes]:
    """The body up to BODY_CAP bytes, stopping when the attempt passes its timeout."""
    read = 0
    for chunk in response.iter_content(chunk_size=64 * 1024):
        if time.monotonic() - start > timeout:
            raise _Deadline
        yield chunk[: BODY_CAP - read]
        read += len(chunk)
        if read >= BODY_CAP:
            return
    if time.monotonic() - start > timeout:
        raise _Deadline


def cert_days(url: str, timeout: float, now: float) -> int | None:
    """Whole days until the certificate of an https URL's host expires; None for http or on failure.

    A separate handshake: the probe's own connection may already be closed once its headers are read.
    """
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        return None
    bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or DEFAULT_CA_BUNDLE_PATH
    try:
        context = ssl.create_default_context(cafile=bundle)
        with (
            socket.create_connection((parts.hostname, parts.port or 443), timeout=timeout) as raw,
            context.wrap_socket(raw, server_hostname=parts.hostname) as tls,
        ):
            certificate = tls.getpeercert()
    except (OSError, ValueError):
        return None
    if not certificate or "notAfter" not in certificate:
        return None
    return int((ssl.cert_time_to_seconds(str(certificate["notAfter"])) - now) // 86400)


def classify(exc: BaseException) -> str:
    """The error word for an exception raised while probing."""
    causes = list(_chain(exc))
    if any(isinstance(c, requests.exceptions.TooManyRedirects) for c in causes):
        return "redirects"
    if any(isinstance(c, (ssl.SSLError, requests.exceptions.SSLError, urllib3.exceptions.SSLError)) for c in causes):
        return "tls"
    if any(isinstance(c, (socket.gaierror, urllib3.exceptions.NameResolutionError)) for c in causes):
        return "dns"
    # urllib3 makes a refused connection a subclass of its connect timeout: look for it first.
    refused = (urllib3.exceptions.NewConnectionError, ConnectionRefusedError, ConnectionResetError)
    if any(isinstance(c, refused) and not isinstance(c, urllib3.exceptions.NameResolutionError) for c in causes):
        return "connection"
    timeouts = (TimeoutError, socket.timeout, requests.exceptions.Timeout, urllib3.exceptions.TimeoutError)
    if any(isinstance(c, timeouts) for c in causes):
        return "timeout"
    if any(isinstance(c, (ConnectionError, requests.exceptions.ConnectionError)) for c in causes):
        return "connection"
    return "error"


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """The exception and everything it wraps: causes, contexts, urllib3 reasons, and exception arguments."""
    seen: set[int] = set()
    stack: list[object] = [exc]
    while stack:
        item = stack.pop()
        if not isinstance(item, BaseException) or id(item) in seen:
            continue
        seen.add(id(item))
        yield item
        stack += [item.__cause__, item.__context__, getattr(item, "reason", None), *item.args]
