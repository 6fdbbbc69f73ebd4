"""Measuring from a place: ``probe --vantage`` and ``--history``, a probe's ``targets``, bandwidth measured against
real HTTP servers on 127.0.0.1, compaction of a place's folder, and ``status_changed.py`` seeing a place's samples.

Every server is started by the test on port 0; nothing reaches the internet. The throttled endpoints pace
themselves by an absolute schedule (piece k leaves no earlier than its time since the request came), so a
late piece delays only itself and the measured figure can only come out lower than the pace, never higher.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from statusgen.history import BANDWIDTH_HEADER, HEADER
from statusgen.model import GRACE, Bandwidth, Component, Probe
from statusgen.probe import Measured, Outcome, measure_bandwidth, probe_all
from tests.conftest import ROOT, Run, Site
from tests.localhttp import LocalServer, QuietHandler

PAUSE = 0.05  # seconds between a failure and its retry, instead of the real 0.5 s
RATE = 1_000_000  # bytes a second the throttled endpoints move: 8 megabits a second
PIECE = 64 * 1024  # bytes the throttled download sends at a time
BIG = 2 * 1024 * 1024  # bytes /big serves
CUT = 100 * 1024  # bytes /cut and /brief send before they end: under the 1 MiB a figure needs
STAMP = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z"


# --- the test server -------------------------------------------------------------------------------------


class Server(LocalServer):
    def __init__(self) -> None:
        super().__init__(Handler)
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.hits: Counter[str] = Counter()
        self.received = 0  # bytes of POST bodies /upload read


class Handler(QuietHandler):
    server: Server

    def do_GET(self) -> None:
        path = urllib.parse.urlsplit(self.path).path
        with self.server.lock:
            self.server.hits[path] += 1
        route = ROUTES.get(path)
        if route is None:
            self.reply(404, b"not found")
        else:
            route(self)

    do_POST = do_GET

    def pace(self, start: float, moved: int) -> None:
        """Wait until ``moved`` bytes are due at RATE since ``start``."""
        delay = start + moved / RATE - time.monotonic()
        if delay > 0:
            self.server.stop.wait(delay)

    def ok(self) -> None:
        self.reply(200, b"ok")

    def error_500(self) -> None:
        self.reply(500, b"broken")

    def slow(self) -> None:
        self.server.stop.wait(0.3)
        self.ok()

    def hang(self) -> None:
        self.server.stop.wait(3.0)
        self.ok()

    def big(self) -> None:
        """BIG bytes at RATE: piece k leaves once (k + 1) pieces are due."""
        start = time.monotonic()
        self.send_response(200)
        self.send_header("Content-Length", str(BIG))
        self.end_headers()
        sent = 0
        while sent < BIG and not self.server.stop.is_set():
            piece = min(PIECE, BIG - sent)
            self.pace(start, sent + piece)
            self.wfile.write(b"x" * piece)
            sent += piece
        self.close_connection = True

    def cut(self) -> None:
        """Promises BIG bytes, sends CUT and hangs up."""
        self.send_response(200)
        self.send_header("Content-Length", str(BIG))
        self.end_headers()
        self.wfile.write(b"x" * CUT)
        self.close_connection = True

    def brief(self) -> None:
        """CUT bytes and the end of the body (no length: the connection closes)."""
        self.send_response(200)
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(b"x" * CUT)
        self.close_connection = True

    def stream(self) -> None:
        """A body that never ends, at RATE."""
        start = time.monotonic()
        self.send_response(200)
        self.send_header("Connection", "close")
        self.end_headers()
        sent = 0
        while not self.server.stop.is_set():
            self.pace(start, sent + PIECE)
            try:
                self.wfile.write(b"x" * PIECE)
            except OSError:
                break
            sent += PIECE
        self.close_connection = True

    def upload(self) -> None:
        """Read a POST body (chunked, or with a length) at RATE, then answer."""
        start = time.monotonic()
        read = 0
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()  # the blank line after the last chunk
                    break
                read += len(self.rfile.read(size))
                self.rfile.readline()
                self.pace(start, read)
        else:
            read = len(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
        with self.server.lock:
            self.server.received += read
        self.reply(200, str(read).encode())


ROUTES: dict[str, Callable[[Handler], None]] = {
    "/ok": Handler.ok,
    "/status/500": Handler.error_500,
    "/slow": Handler.slow,
    "/hang": Handler.hang,
    "/big": Handler.big,
    "/cut": Handler.cut,
    "/brief": Handler.brief,
    "/stream": Handler.stream,
    "/upload": Handler.upload,
}


@pytest.fixture
def server() -> Iterator[Server]:
    started = Server()
    thread = threading.Thread(target=started.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield started
    started.stop.set()
    started.shutdown()
    started.server_close()
    thread.join(5)


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """requests honours proxy variables; a proxy must not stand between the probe and 127.0.0.1."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


def closed_port() -> str:
    """An address on 127.0.0.1 where nothing listens: a connection there is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


def data_lines(folder: Path, pattern: str, header: tuple[str, ...]) -> list[str]:
    """The data lines of the files of ``folder`` whose names match ``pattern``, each file's header checked."""
    lines = []
    for path in sorted(folder.glob(pattern)):
        header_line, *data = path.read_text(encoding="utf-8").splitlines()
        assert header_line == ",".join(header)
        lines += data
    return lines


# --- probe --vantage, --history ------------------------------------------------------------------------------

PLACES = """\
title: Uji
base_url: https://example.github.io/status/
vantages:
  - id: github
    kind: public
  - id: kantor
    kind: inside
    uplink: internet
components:
  - id: spse
    name: SPSE
    probe:
      url: {base}/ok
      timeout: 1
      from: [github, kantor]
  - id: web
    name: Web
    probe:
      url: {base}/status/500
      timeout: 1
  - id: internet
    name: Internet
    probe:
      targets: [{base}/ok, {closed}]
      timeout: 1
      from: [kantor]
"""


def places_site(make_site: Callable[..., Site], server: Server) -> Site:
    return make_site(PLACES.format(base=server.base, closed=closed_port()))


def tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_a_place_probes_only_its_own_components_into_its_own_folders(
    make_site: Callable[..., Site], cli: Callable[..., Run], server: Server
) -> None:
    site = places_site(make_site, server)
    run = cli("probe", "--config", site.config, "--vantage", "kantor")
    assert run.code == 0, run.err
    assert run.err == ""
    assert re.fullmatch(r"internet: up 200 \d+ ms\nspse: up 200 \d+ ms\n", run.out), run.out
    history = site.root / "history"
    files = [re.sub(r"\d{4}-\d{2}\.csv$", "YYYY-MM.csv", name) for name in tree(history)]
    assert files == [
        "internet",
        "internet/@kantor",
        "internet/@kantor/YYYY-MM.csv",
        "spse",
        "spse/@kantor",
        "spse/@kantor/YYYY-MM.csv",
    ]
    for cid in ("spse", "internet"):
        (line,) = data_lines(history / cid / "@kantor", "????-??.csv", HEADER)
        assert re.fullmatch(rf"{STAMP},up,200,\d+,,", line), line
    assert server.hits["/status/500"] == 0  # web is github's alone


def test_the_home_place_is_as_before(make_site: Callable[..., Site], cli: Callable[..., Run], server: Server) -> None:
    site = places_site(make_site, server)
    run = cli("probe", "--config", site.config)
    assert run.code == 0, run.err
    assert re.fullmatch(r"spse: up 200 \d+ ms\nweb: down 500 \d+ ms status\n", run.out), run.out
    history = site.root / "history"
    assert sorted(p.name for p in history.iterdir()) == ["spse", "web"]  # internet is kantor's alone
    assert not list(history.rglob("@*"))
    assert len(data_lines(history / "spse", "????-??.csv", HEADER)) == 1
    same = cli("probe", "--config", site.config, "--vantage", "github")  # the default, named
    assert same.code == 0 and len(data_lines(history / "spse", "????-??.csv", HEADER)) == 2


def test_history_names_the_folder_written(
    make_site: Callable[..., Site], cli: Callable[..., Run], server: Server, tmp_path: Path
) -> None:
    site = places_site(make_site, server)
    clone = tmp_path / "clone" / "history"
    run = cli("probe", "--config", site.config, "--vantage", "kantor", "--history", clone)
    assert run.code == 0, run.err
    assert not (site.root / "history").exists()
    assert len(data_lines(clone / "spse" / "@kantor", "????-??.csv", HEADER)) == 1
    assert len(data_lines(clone / "internet" / "@kantor", "????-??.csv", HEADER)) == 1


def test_an_unknown_place_is_refused_naming_the_known_ones(
    make_site: Callable[..., Site], cli: Callable[..., Run], server: Server
) -> None:
    site = places_site(make_site, server)
    run = cli("probe", "--config", site.config, "--vantage", "rumah")
    assert run.code == 1
    assert run.err == "generate.py: error: --vantage 'rumah': no such place (known: github, kantor)\n"
    assert "Traceback" not in run.err and run.out == ""
    assert not (site.root / "history").exists()
    assert not server.hits


def test_a_place_that_probes_nothing_says_so(
    make_site: Callable[..., Site], cli: Callable[..., Run], server: Server
) -> None:
    config = PLACES.format(base=server.base, closed=closed_port()).replace(
        "  - id: kantor\n    kind: inside\n    uplink: internet\n",
        "  - id: kantor\n    kind: inside\n  - id: kota\n    kind: inside\n",
    )
    site = make_site(config)
    run = cli("probe", "--config", site.config, "--vantage", "kota")
    assert run.code == 0, run.err
    assert run.out == "no component is probed from 'kota'; nothing to do\n"
    assert not (site.root / "history").exists()


# --- targets ------------------------------------------------------------------------------------------


def probe_targets(*targets: str, timeout: float = 1.0, retries: int = 0, **options: object) -> tuple[Outcome, float]:
    probe = Probe(targets[0], timeout=timeout, retries=retries, targets=targets, **options)  # type: ignore[arg-type]
    start = time.monotonic()
    outcome = probe_all([Component("uplink", "Uplink", probe=probe)], pause=PAUSE)["uplink"]
    return outcome, time.monotonic() - start


def test_one_target_answering_is_up(server: Server) -> None:
    for targets in ((f"{server.base}/ok", closed_port()), (closed_port(), f"{server.base}/ok")):
        outcome, _ = probe_targets(*targets, retries=1)
        assert (outcome.status, outcome.http_status, outcome.error) == ("up", 200, None)


def test_every_target_failing_is_down_with_the_first_one_s_error(server: Server) -> None:
    outcome, _ = probe_targets(f"{server.base}/status/500", closed_port())
    assert (outcome.status, outcome.http_status, outcome.error) == ("down", 500, "status")
    outcome, _ = probe_targets(closed_port(), f"{server.base}/status/500")
    assert (outcome.status, outcome.http_status, outcome.error) == ("down", None, "connection")
    assert server.hits["/status/500"] == 2  # each tried, though the other failed


def test_targets_are_tried_at_once_and_the_first_answer_ends_the_wait(server: Server) -> None:
    """/hang holds its answer 3 s, past the 2 s timeout; /ok answers at once. Tried one after the other, the
    probe would take the whole timeout; at once, it is up as soon as /ok answers (well under 1 s when the machine
    is idle; the bound leaves room for a loaded one, and is still well under the 2 s one after the other takes)."""
    outcome, elapsed = probe_targets(f"{server.base}/hang", f"{server.base}/ok", timeout=2.0)
    assert outcome.status == "up"
    assert elapsed < 1.5, elapsed
    # /hang's thread was started with /ok's and is left to end by itself: on a fast machine /ok can answer
    # before the server has read /hang's request, so the request is awaited (it comes within moments).
    deadline = time.monotonic() + 2.0
    while server.hits["/hang"] == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.hits["/hang"] == 1


def test_the_fastest_answer_gives_the_latency_and_degraded_follows_it(server: Server) -> None:
    """/slow answers after 300 ms, /ok at once: the latency is /ok's, under the 200 ms degraded_ms."""
    outcome, _ = probe_targets(f"{server.base}/slow", f"{server.base}/ok", degraded_ms=200)
    assert outcome.status == "up" and outcome.latency_ms < 200
    outcome, _ = probe_targets(f"{server.base}/slow", f"{server.base}/status/500", degraded_ms=200)
    assert outcome.status == "degraded" and outcome.latency_ms >= 300


def test_targets_that_all_hang_stay_within_the_declared_bound(server: Server) -> None:
    """Two targets that never answer within 0.5 s, one retry: each costs (0.5 + GRACE) × 2 plus a pause (none
    after a timeout), and the two run side by side, so the probe takes one such bound, which
    Probe.worst_case declares: (0.5 + 0.25) × 2 + 0.5 × 1 = 2.0 s."""
    hanging = (f"{server.base}/hang", f"{server.base}/hang?again")
    probe = Probe(hanging[0], timeout=0.5, retries=1, targets=hanging)
    assert probe.worst_case == (0.5 + GRACE) * 2 + 0.5 == 2.0
    outcome, elapsed = probe_targets(*probe.targets, timeout=0.5, retries=1)
    assert (outcome.status, outcome.error) == ("down", "timeout")
    assert 1.0 <= elapsed <= probe.worst_case, elapsed  # two timeouts of 0.5 s at least, the bound at most


# --- bandwidth -------------------------------------------------------------------------------------------

BANDWIDTH = """\
title: Uji
base_url: https://example.github.io/status/
vantages:
  - id: github
  - id: kantor
    kind: inside
components:
  - id: internet
    name: Internet
    probe:
      url: {base}/ok
      timeout: 1
      from: [kantor]
      bandwidth:
        url: {base}/{download}
        upload_url: {base}/upload
        target_mbps: 8
        megabytes: 2
"""


def test_bandwidth_is_measured_both_ways_then_not_again_within_every(
    make_site: Callable[..., Site], cli: Callable[..., Run], server: Server
) -> None:
    """Download: /big sends its first 2,000,000 bytes (megabytes: 2) in 64 KiB pieces at 1,000,000 bytes a second;
    the read stops at the first 16 KiB read past the cap, 2,015,232 bytes (123 reads), which the server sent
    within its first 31 pieces (2,031,616 bytes), no earlier than 2.031616 s after the request came: at most
    2,015,232 × 8 / 2.031616 s = 7.935 Mbit/s. Upload: 2,000,000 bytes that the server reads at 1,000,000 bytes a
    second, answering after the last: at least 2.0 s, at most 8.000 Mbit/s. Neither can come out higher; the
    lower bound, 6 Mbit/s, leaves a loaded machine 0.6 s of delay in each."""
    site = make_site(BANDWIDTH.format(base=server.base, download="big"))
    run = cli("probe", "--config", site.config, "--vantage", "kantor")
    assert run.code == 0, run.err
    found = re.fullmatch(
        r"internet: up 200 \d+ ms\ninternet: bandwidth download (\d+\.\d{3}) Mbps, upload (\d+\.\d{3}) Mbps\n", run.out
    )
    assert found, run.out
    download, upload = float(found[1]), float(found[2])
    assert 6.0 <= download <= 7.935, download
    assert 6.0 <= upload <= 8.0, upload
    assert server.received == 2_000_000
    folder = site.root / "history" / "internet" / "@kantor"
    (line,) = data_lines(folder, "bandwidth-????-??.csv", BANDWIDTH_HEADER)
    assert re.fullmatch(rf"{STAMP},{found[1]},{found[2]},", line), line
    assert len(data_lines(folder, "????-??.csv", HEADER)) == 1

    # Within 'every' (60 minutes): probed again, not measured again.
    again = cli("probe", "--config", site.config, "--vantage", "kantor")
    assert again.code == 0, again.err
    assert re.fullmatch(r"internet: up 200 \d+ ms\n", again.out), again.out
    assert data_lines(folder, "bandwidth-????-??.csv", BANDWIDTH_HEADER) == [line]
    assert len(data_lines(folder, "????-??.csv", HEADER)) == 2
    assert server.hits["/big"] == 1 and server.hits["/upload"] == 1

    # A measurement 59 minutes old is due (every 60 minutes less a minute's slack): the next run measures.
    path = next(folder.glob("bandwidth-*.csv"))
    earlier = datetime.fromtimestamp(time.time() - 59 * 60, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    moved = earlier[:7]
    path.unlink()
    (folder / f"bandwidth-{moved}.csv").write_text(
        ",".join(BANDWIDTH_HEADER) + "\n" + earlier + line[20:] + "\n", encoding="utf-8"
    )
    third = cli("probe", "--config", site.config, "--vantage", "kantor")
    assert third.code == 0, third.err
    assert "internet: bandwidth download" in third.out
    assert len(data_lines(folder, "bandwidth-????-??.csv", BANDWIDTH_HEADER)) == 2
    assert server.hits["/big"] == 2


def test_a_place_that_does_not_probe_the_link_does_not_measure_it(
    make_site: Callable[..., Site], cli: Callable[..., Run], server: Server
) -> None:
    site = make_site(BANDWIDTH.format(base=server.base, download="big"))
    run = cli("probe", "--config", site.config)
    assert run.code == 0 and run.out == "no component is probed from 'github'; nothing to do\n"
    assert not server.hits


def measure(url: str, upload: str | None = None, **limits: float) -> tuple[Measured, float]:
    start = time.monotonic()
    found = measure_bandwidth(Bandwidth(url, 8.0, upload, **limits))  # type: ignore[arg-type]
    return found, time.monotonic() - start


@pytest.mark.parametrize("path", ["cut", "brief"])
def test_a_body_that_ends_before_a_mebibyte_is_short(server: Server, path: str) -> None:
    found, _ = measure(f"{server.base}/{path}")
    assert (found.download_mbps, found.upload_mbps, found.error) == (None, None, "short")


def test_an_unreachable_server_is_connection_never_zero(server: Server) -> None:
    found, _ = measure(closed_port(), closed_port())
    assert (found.download_mbps, found.upload_mbps, found.error) == (None, None, "connection")
    assert found.upload_error == "connection"


def test_an_error_page_is_status(server: Server) -> None:
    found, _ = measure(f"{server.base}/status/500", f"{server.base}/ok")
    assert (found.download_mbps, found.error) == (None, "status")
    assert found.upload_mbps is not None  # the upload is measured all the same (/ok answers a POST)


def test_a_body_that_never_ends_is_measured_for_seconds_and_no_longer(server: Server) -> None:
    """/stream never ends, at 1,000,000 bytes a second. With seconds: 1 the read is cut by its watchdog at 1 s:
    what came in by then (at most 16 pieces of 64 KiB, 1,048,576 bytes) over 1 s, at most 8.389 Mbit/s; at least
    6 Mbit/s on a loaded machine. The whole direction ends within its bound, 1 s and GRACE."""
    found, elapsed = measure(f"{server.base}/stream", seconds=1.0)
    assert found.error is None, found
    assert 6.0 <= found.download_mbps <= 8.389, found
    assert elapsed <= Bandwidth("x", 1.0, seconds=1.0).worst_case == 1.0 + GRACE, elapsed


def test_the_bound_counts_bandwidth() -> None:
    bandwidth = Bandwidth("https://a.example/", 10.0, "https://a.example/up", seconds=5.0)
    probe = Probe("https://a.example/", timeout=2.0, retries=1, bandwidth=bandwidth)
    # Attempts: (2 + 0.25) × 2 + 0.5 = 5.0 s; bandwidth: (5 + 0.25) × 2 directions = 10.5 s.
    assert probe.worst_case == 5.0 + 10.5


# --- compaction and status_changed ---------------------------------------------------------------------------

COMPACT = """\
title: Uji
base_url: https://example.github.io/status/
history_start: 2021-07-01
vantages:
  - id: github
  - id: kantor
    kind: inside
components:
  - id: spse
    name: SPSE
    probe:
      url: https://spse.example.org/
      from: [github, kantor]
"""


def test_compact_rolls_a_place_s_folder_and_leaves_its_bandwidth_files(
    make_site: Callable[..., Site], cli: Callable[..., Run]
) -> None:
    """August 2021, one sample every 10 minutes (31 × 24 × 6 = 4,464), all up: one run from 1 Aug 00:00 to the end
    of the last sample's coverage, with no later sample: 31 Aug 23:50 plus max_gap, 15 minutes: 1 Sep 00:05."""
    site = make_site(COMPACT)
    folder = site.root / "history" / "spse" / "@kantor"
    folder.mkdir(parents=True)
    start = int(datetime(2021, 8, 1, tzinfo=UTC).timestamp())
    lines = [
        datetime.fromtimestamp(start + step * 600, UTC).strftime("%Y-%m-%dT%H:%M:%SZ") + ",up,200,90,,"
        for step in range(31 * 24 * 6)
    ]
    (folder / "2021-08.csv").write_text(",".join(HEADER) + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    bandwidth = ",".join(BANDWIDTH_HEADER) + "\n2021-08-01T00:00:00Z,38.512,,\n"
    (folder / "bandwidth-2021-08.csv").write_text(bandwidth, encoding="utf-8")
    run = cli("compact", "--config", site.config, "--keep-months", "3", "--now", "2022-01-15T12:00+08:00")
    assert run.code == 0, run.err
    assert run.out == "spse/@kantor: 2021-08 compacted into 1 runs\n"
    assert sorted(p.name for p in folder.iterdir()) == [
        "bandwidth-2021-08.csv",
        "compacted.csv",
        "daily.csv",
        "runs.csv",
    ]
    assert (folder / "runs.csv").read_text(encoding="utf-8").splitlines()[1:] == [
        "2021-08,2021-08-01T00:00:00Z,2021-09-01T00:05:00Z,up"
    ]
    assert (folder / "bandwidth-2021-08.csv").read_text(encoding="utf-8") == bandwidth
    assert not (site.root / "history" / "spse" / "runs.csv").exists()  # the home folder had nothing to roll


def status_changed(config: Path, now: int) -> str:
    script = ROOT / "scripts" / "ci" / "status_changed.py"
    result = subprocess.run(
        [sys.executable, str(script), str(config), "--now", str(now)], capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_status_changed_sees_a_change_in_a_place_s_folder(make_site: Callable[..., Site]) -> None:
    """Home: up, up (no change). kantor: up, then down: a change, so the page must be built at once."""
    site = make_site(COMPACT.replace("history_start: 2021-07-01\n", ""))
    home = site.root / "history" / "spse"
    place = home / "@kantor"
    place.mkdir(parents=True)
    header = ",".join(HEADER) + "\n"
    (home / "2026-12.csv").write_text(header + "2026-12-05T01:00:00Z,up,200,90,,\n2026-12-05T01:05:00Z,up,200,90,,\n")
    now = int(datetime(2026, 12, 5, 1, 6, tzinfo=UTC).timestamp())
    (place / "2026-12.csv").write_text(header + "2026-12-05T01:00:00Z,up,200,90,,\n2026-12-05T01:05:00Z,up,200,90,,\n")
    assert status_changed(site.config, now) == "false"
    (place / "2026-12.csv").write_text(
        header + "2026-12-05T01:00:00Z,up,200,90,,\n2026-12-05T01:05:00Z,down,,,timeout,\n"
    )
    assert status_changed(site.config, now) == "true"
