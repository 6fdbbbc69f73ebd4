"""Checking the services over HTTP, and measuring a link's throughput. The only module that imports requests.

Every component with a ``probe:`` is checked concurrently, with one session and
a bounded thread pool, so a run takes about as long as the slowest probe. A
failure is retried before it counts, to keep a runner's own network blips out
of the record. A probe with several ``targets`` tries them all at once and is
down only when every one fails. A probe with ``bandwidth:`` then measures the
link, when its last measurement is old enough (``bandwidth_due``).
"""

from __future__ import annotations

import contextlib
import os
import queue
import socket
import ssl
import threading
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
import urllib3
import urllib3.connection
from requests.adapters import HTTPAdapter
from requests.utils import DEFAULT_CA_BUNDLE_PATH

from . import __version__
from .config import PROBE_THREADS
from .history import CERT_DAYS_MAX, LEEWAY, MBPS_MAX, Unreadable, bandwidth_file, read_bandwidth
from .model import BANDWIDTH_ERRORS, GRACE, RETRY_PAUSE, Bandwidth, Component, Probe
from .problems import Problems

BODY_CAP = 1 << 20  # bytes read at most; the keyword must occur within them
MAX_WORKERS = PROBE_THREADS
USER_AGENT = f"statusgen/{__version__} (status page probe)"
EARLY = 60  # seconds before ``every`` has passed that a measurement is due: a run every 5 minutes keeps the cadence
SHORT = 1 << 20  # bytes a download must move before its body ends, to be worth a figure
MEGABYTE = 1_000_000  # bytes; and a megabit is 1,000,000 bits
PIECE = 16 * 1024  # bytes read or sent at a time while measuring
SEND_BUFFER = 64 * 1024  # the upload's socket send buffer: bytes handed over but not yet sent stay few


@dataclass(frozen=True)
class Measured:
    """What one bandwidth measurement found, in megabits per second; None: not measured, or failed (its error,
    one of model.BANDWIDTH_ERRORS)."""

    download_mbps: float | None
    upload_mbps: float | None = None
    download_error: str | None = None
    upload_error: str | None = None

    @property
    def error(self) -> str | None:
        """The word the history keeps: the download's when both failed."""
        return self.download_error or self.upload_error


@dataclass(frozen=True)
class Outcome:
    """What one probe of one component found."""

    status: str  # up | degraded | down
    http_status: int | None = None
    latency_ms: int | None = None
    error: str | None = None  # for down: timeout | dns | connection | tls | status | keyword | redirects | error
    cert_days: int | None = None
    bandwidth: Measured | None = None  # when the run measured the link too


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


def _session(adapter: HTTPAdapter) -> requests.Session:
    session = requests.Session()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = USER_AGENT
    session.max_redirects = 10
    return session


def probe_all(
    components: Sequence[Component],
    pause: float = RETRY_PAUSE,
    wall_clock: Callable[[], float] = time.time,
    measure: Collection[str] = (),
) -> dict[str, Outcome]:
    """Probe every component that has a probe; returns the outcome for each, by id. Those whose id is in
    ``measure`` and whose probe has ``bandwidth:`` then have their link measured, by the same worker."""
    # The longest first: then the run takes at most the rounds config.probe_run_length counts.
    probed = sorted((c for c in components if c.probe is not None), key=lambda c: -_worst_case(c))
    if not probed:
        return {}

    def check(session: requests.Session, component: Component) -> Outcome:
        outcome = probe_component(session, component.probe, pause, wall_clock)
        if component.id in measure and component.probe and component.probe.bandwidth:
            outcome = replace(outcome, bandwidth=measure_bandwidth(component.probe.bandwidth))
        return outcome

    adapter = _Adapter(pool_connections=len(probed), pool_maxsize=4, max_retries=0)
    with _session(adapter) as session, ThreadPoolExecutor(max_workers=min(MAX_WORKERS, len(probed))) as pool:
        outcomes = pool.map(lambda c: check(session, c), probed)
        return {c.id: outcome for c, outcome in zip(probed, outcomes, strict=True)}


def probe_component(
    session: requests.Session, probe: Probe | None, pause: float, wall_clock: Callable[[], float] = time.time
) -> Outcome:
    """Check the probe's address, or all its ``targets`` at once (see probe_targets)."""
    assert probe is not None
    if len(probe.addresses) > 1:
        return probe_targets(session, probe, pause, wall_clock)
    return probe_address(session, probe, pause, wall_clock)


def probe_targets(
    session: requests.Session, probe: Probe, pause: float, wall_clock: Callable[[], float] = time.time
) -> Outcome:
    """Every address at once, each in a thread of its own and bounded as one address is (probe_address).

    Up as soon as one answers as expected: with the lowest latency of those that have answered by then (so
    degraded only when that one was slower than ``degraded_ms``). Down only when every one failed, with what
    the first address found. The others are left to end by themselves, each within its own bound.
    """
    addresses = probe.addresses
    finished: queue.SimpleQueue[tuple[int, Outcome]] = queue.SimpleQueue()

    def run(index: int, single: Probe) -> None:
        finished.put((index, probe_address(session, single, pause, wall_clock)))

    for index, address in enumerate(addresses):
        single = replace(probe, url=address, targets=())
        threading.Thread(target=run, args=(index, single), name="probe-target", daemon=True).start()
    # What one address takes at most (probe_address): its attempts and the pauses between them, as
    # Probe.worst_case counts them; an address still running then is timing out.
    bound = (probe.timeout + GRACE) * (probe.retries + 1) + pause * probe.retries
    limit = time.monotonic() + bound
    found: dict[int, Outcome] = {}
    while len(found) < len(addresses):
        try:
            index, outcome = finished.get(timeout=max(limit - time.monotonic(), 0.0))
        except queue.Empty:
            break
        found[index] = outcome
        if outcome.status != "down":
            with contextlib.suppress(queue.Empty):
                while True:  # any other answer already in
                    index, outcome = finished.get_nowait()
                    found[index] = outcome
            answered = [o for o in found.values() if o.status != "down"]
            return min(answered, key=lambda o: o.latency_ms if o.latency_ms is not None else float("inf"))
    return found.get(0) or Outcome("down", latency_ms=round(probe.timeout * 1000), error="timeout")


def probe_address(
    session: requests.Session, probe: Probe, pause: float, wall_clock: Callable[[], float] = time.time
) -> Outcome:
    """Check ``probe.url`` once, and again on failure, up to ``probe.retries`` times.

    A failure that came quickly (refused, reset, an error page) is tried again after ``pause``,
    to let a blip pass. One that took the whole timeout has waited long enough: it is tried again
    at once, so a target that never answers costs ``retries + 1`` timeouts and nothing more.
    """
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


# ---------------------------------------------------------------------------------------------------------
# Bandwidth: a link's throughput, downloading a large file and sending generated data


def bandwidth_due(folder: Path, every: int, moment: int, problems: Problems, shown: str) -> bool:
    """Whether a place's link is due a measurement at ``moment``: its newest one in ``folder`` (this month's file
    and the month before's, both UTC) is at least ``every`` less EARLY seconds old, or there is none. One dated
    after ``moment`` by more than LEEWAY (a wrong clock) is not believed."""
    this = datetime.fromtimestamp(moment, UTC)
    before = datetime(this.year - (this.month == 1), (this.month - 2) % 12 + 1, 1, tzinfo=UTC)
    newest: int | None = None
    for month in (before.strftime("%Y-%m"), this.strftime("%Y-%m")):
        path = folder / bandwidth_file(month)
        if not path.is_file():
            continue
        with contextlib.suppress(Unreadable):  # said in ``problems``; measured, as with no file
            for sample in read_bandwidth(path, problems, f"{shown}/{path.name}"):
                if sample.time <= moment + LEEWAY and (newest is None or sample.time > newest):
                    newest = sample.time
    return newest is None or moment - newest >= every - EARLY


class _Transfer:
    """One direction of a measurement under way: when it started, its deadline, the bytes moved so far."""

    def __init__(self, seconds: float) -> None:
        self.start = time.monotonic()
        self.deadline = self.start + seconds
        self.moved = 0
        self.answered = False  # the server's headers came

    @property
    def over(self) -> bool:
        return time.monotonic() >= self.deadline

    def figure(self, until: float) -> tuple[float | None, str | None]:
        """Megabits per second moved from the start until ``until``; nothing measurable is a timeout."""
        mbps = round(min(self.moved * 8 / max(until - self.start, 1e-6) / MEGABYTE, MBPS_MAX), 3)
        return (mbps, None) if mbps > 0 else (None, "timeout")

    def cut(self) -> tuple[float | None, str | None]:
        """The figure of a direction its watchdog ended: what moved within the time allowed."""
        return self.figure(self.deadline)


def measure_bandwidth(bandwidth: Bandwidth) -> Measured:
    """Download ``url``, then send data to ``upload_url`` when given; each direction for at most ``seconds`` or
    ``megabytes``, and bounded as a whole by ``seconds`` and GRACE (bandwidth.worst_case), as an attempt is."""
    adapter = _Adapter(pool_connections=1, pool_maxsize=1, max_retries=0)
    with _session(adapter) as session:
        session.headers["Accept-Encoding"] = "identity"  # the bytes on the wire, not what they decompress to
        down, down_error = _bounded(lambda t: _download(session, bandwidth, t), bandwidth.seconds)
        up: float | None = None
        up_error: str | None = None
        if bandwidth.upload_url:
            with _session(_UploadAdapter(pool_connections=1, pool_maxsize=1, max_retries=0)) as sending:
                up, up_error = _bounded(lambda t: _upload(sending, bandwidth, t), bandwidth.seconds)
    return Measured(down, up, down_error, up_error)


class _UploadAdapter(_Adapter):
    """Connections with a small send buffer: the data counted as sent has mostly left the machine."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        options = [*urllib3.connection.HTTPConnection.default_socket_options]
        kwargs["socket_options"] = [*options, (socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER)]
        super().init_poolmanager(*args, **kwargs)


def _bounded(
    work: Callable[[_Transfer], tuple[float | None, str | None]], seconds: float
) -> tuple[float | None, str | None]:
    """One direction in its own thread, with a watchdog that shuts its sockets at ``seconds``; joined after
    ``seconds`` and GRACE at most. A direction still running then (a name lookup that never ends) counts what
    it moved in time, or is a timeout."""
    transfer = _Transfer(seconds)
    done: list[tuple[float | None, str | None]] = []

    def run() -> None:
        sockets: list[socket.socket] = []
        _attempt.sockets = sockets
        _attempt.deadline = transfer.deadline
        watchdog = threading.Timer(max(transfer.deadline - time.monotonic(), 0.0), _shut, args=(sockets,))
        watchdog.daemon = True
        watchdog.start()
        try:
            done.append(work(transfer))
        except Exception:  # a measurement must never stop the run
            done.append((None, "error"))
        finally:
            watchdog.cancel()
            _attempt.sockets = None

    worker = threading.Thread(target=run, name="bandwidth", daemon=True)
    worker.start()
    worker.join(seconds + GRACE)
    if done:
        return done[0]
    return transfer.cut() if transfer.moved else (None, "timeout")


def _failed(exc: BaseException, transfer: _Transfer) -> tuple[float | None, str | None]:
    """A direction that raised: cut by its watchdog at the time limit (a figure), or failed (a word)."""
    if transfer.over:
        return transfer.cut() if transfer.moved else (None, "timeout")
    word = classify(exc)
    return None, word if word in BANDWIDTH_ERRORS else "error"


def _download(session: requests.Session, bandwidth: Bandwidth, transfer: _Transfer) -> tuple[float | None, str | None]:
    """Read ``url``'s body until ``seconds`` or ``megabytes``; bits moved over the seconds since the request.

    A body that ends (or breaks off) before either limit is measured when it moved at least SHORT bytes, and
    is ``short`` otherwise."""
    cap = bandwidth.megabytes * MEGABYTE
    try:
        with session.get(
            bandwidth.url, stream=True, timeout=(bandwidth.seconds, bandwidth.seconds), allow_redirects=True
        ) as response:
            if not 200 <= response.status_code < 300:
                return None, "status"
            transfer.answered = True
            for chunk in response.iter_content(chunk_size=PIECE):
                transfer.moved += len(chunk)
                now = time.monotonic()
                if transfer.moved >= cap or now >= transfer.deadline:
                    return transfer.figure(now)
    except Exception as exc:  # classified; a measurement must never stop the run
        if transfer.answered and not transfer.over:  # the body broke off
            return transfer.figure(time.monotonic()) if transfer.moved >= SHORT else (None, "short")
        return _failed(exc, transfer)
    if transfer.over:
        return transfer.cut()
    return transfer.figure(time.monotonic()) if transfer.moved >= SHORT else (None, "short")


def _upload(session: requests.Session, bandwidth: Bandwidth, transfer: _Transfer) -> tuple[float | None, str | None]:
    """POST generated data to ``upload_url`` until ``seconds`` or ``megabytes``; bytes sent over the seconds since
    the request: until the server's answer when every byte went before the time limit (it has read them all
    then), else until the limit."""
    assert bandwidth.upload_url is not None
    cap = bandwidth.megabytes * MEGABYTE
    piece = os.urandom(PIECE)  # not compressible on the way

    def body() -> Iterator[bytes]:
        while transfer.moved < cap and not transfer.over:
            chunk = piece[: cap - transfer.moved]
            yield chunk
            transfer.moved += len(chunk)  # the data was handed to the connection

    try:
        with session.post(
            bandwidth.upload_url, data=body(), timeout=(bandwidth.seconds, bandwidth.seconds), stream=True
        ) as response:
            now = time.monotonic()
            code = response.status_code
    except Exception as exc:  # classified; a measurement must never stop the run
        return _failed(exc, transfer)
    if not 200 <= code < 300:
        return None, "status"
    return transfer.figure(now) if transfer.moved >= cap else transfer.cut()
