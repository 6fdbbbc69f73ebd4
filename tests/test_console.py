"""What the commands print speaks the site's language and tells time in the site's zone.

The language is ``--lang``, else the first of ``languages`` in status.yml; the zone is ``timezone``, named
by its label (WITA for Asia/Makassar, UTC+08:00; WIB for Asia/Jakarta, UTC+07:00). ``--now`` also takes
the fraction of a second that machines write (``date --iso-8601=ns``); it is dropped.

These tests call ``main`` themselves rather than the ``cli`` fixture, which adds ``--lang=en``.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from statusgen.cli import main, probe_line
from statusgen.history import HEADER
from statusgen.model import ProbeSample
from statusgen.problems import translations
from statusgen.times import parse_datetime
from tests.test_serve import serving

WITA = ZoneInfo("Asia/Makassar")
CONFIG = """\
title: Uji
base_url: https://example.github.io/status/
timezone: {zone}
languages: [{languages}]
history_start: 2020-01-01
components:
  - id: spse
    name: SPSE Kalsel
"""


def site(tmp_path: Path, zone: str = "Asia/Makassar", languages: str = "id, en", extra: str = "") -> Path:
    """A site folder ``tmp_path/src`` with its status.yml; returns the folder."""
    root = tmp_path / "src"
    (root / "incidents").mkdir(parents=True)
    (root / "status.yml").write_text(CONFIG.format(zone=zone, languages=languages) + extra, encoding="utf-8")
    return root


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., tuple[int, str, str]]:
    """``main`` as typed, in the site's folder: (exit status, stdout, stderr)."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)

    def call(root: Path, *args: str) -> tuple[int, str, str]:
        monkeypatch.chdir(root)
        code = main(list(args))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return call


# build speaks the site's language, in its zone.


def test_build_speaks_the_first_site_language_in_the_site_zone(tmp_path: Path, run) -> None:
    root = site(tmp_path)
    # 02:00 UTC + 8 h = 10:00 WITA.
    code, out, err = run(root, "build", "--now", "2026-11-26T02:00:00Z")
    assert (code, err) == (0, "")
    assert out == "situs site/ dibuat untuk 2026-11-26T10:00:00+08:00 (WITA)\n"


def test_build_speaks_english_with_lang_en(tmp_path: Path, run) -> None:
    root = site(tmp_path)
    code, out, err = run(root, "build", "--lang", "en", "--now", "2026-11-26T02:00:00Z")
    assert (code, err) == (0, "")
    assert out == "built site/ for 2026-11-26T10:00:00+08:00 (WITA)\n"


def test_build_follows_an_english_first_site_and_another_zone(tmp_path: Path, run) -> None:
    root = site(tmp_path, zone="Asia/Jakarta", languages="en, id")
    # 02:00 UTC + 7 h = 09:00 WIB.
    code, out, _ = run(root, "build", "--now", "2026-11-26T02:00:00Z")
    assert (code, out) == (0, "built site/ for 2026-11-26T09:00:00+07:00 (WIB)\n")


def test_a_usage_error_speaks_the_site_language(tmp_path: Path, run) -> None:
    root = site(tmp_path)
    code, out, err = run(root, "build", "--now", "kemarin")
    assert (code, out) == (2, "")
    assert err == "generate.py: error: --now 'kemarin' bukan waktu: gunakan ISO 8601, mis. 2021-09-20T09:00+08:00\n"
    code, _, err = run(root, "build", "--lang", "en", "--now", "kemarin")
    assert err == "generate.py: error: --now 'kemarin' is not a time: use ISO 8601, e.g. 2021-09-20T09:00+08:00\n"
    code, _, err = run(root, "compact", "--keep-months", "2")
    assert (code, err) == (
        2,
        "generate.py: error: --keep-months paling sedikit 3, agar grafik 90 hari tetap memiliki sampel mentahnya\n",
    )


# --now with a fraction of a second.


@pytest.mark.parametrize(
    "written",
    [
        "2026-12-04T16:46:49.061347+00:00",  # Python's isoformat()
        "2026-12-04T16:46:49,061347123+00:00",  # date --iso-8601=ns: a comma and nanoseconds
        "2026-12-04T16:46:49.999999999Z",  # dropped, not rounded up to :50
        "2026-12-05 00:46:49.5",  # without an offset: in the site's zone (WITA)
    ],
)
@pytest.mark.slow
def test_now_takes_a_fraction_of_a_second_and_drops_it(tmp_path: Path, run, written: str) -> None:
    root = site(tmp_path)
    code, out, err = run(root, "build", "--lang", "en", "--now", written)
    assert (code, err) == (0, "")
    # 16:46:49 UTC + 8 h = 24:46:49, i.e. 00:46:49 WITA on the next day, the 5th.
    assert out == "built site/ for 2026-12-05T00:46:49+08:00 (WITA)\n"


@pytest.mark.slow
def test_a_fraction_changes_nothing_in_the_site(tmp_path: Path, run) -> None:
    root = site(tmp_path)
    builds = {}
    for name, written in (("whole", "2026-12-04T16:46:49+00:00"), ("ns", "2026-12-04T16:46:49,061347123+00:00")):
        assert run(root, "build", "--now", written, "--out", name)[0] == 0
        builds[name] = {
            str(path.relative_to(root / name)): path.read_bytes()
            for path in sorted((root / name).rglob("*"))
            if path.is_file()
        }
    assert builds["whole"] == builds["ns"]


@pytest.mark.parametrize(
    "written",
    [
        "2026-12-04T16:46.5+00:00",  # a fraction of a minute
        "2026-12-04T16:46:49.+00:00",  # a point without digits
        "2026-12-04T16:46:49.5.5+00:00",
        "2026-12-04T16:46:49,٥+00:00",  # Arabic-Indic digit five
    ],
)
def test_now_refuses_other_fractions(tmp_path: Path, run, written: str) -> None:
    code, _, err = run(site(tmp_path), "build", "--lang", "en", "--now", written)
    assert code == 2
    assert err == f"generate.py: error: --now '{written}' is not a time: use ISO 8601, e.g. 2021-09-20T09:00+08:00\n"


def test_a_time_in_an_incident_file_keeps_refusing_a_fraction() -> None:
    """Only the command line takes a fraction: incident files are written by hand, to the minute."""
    with pytest.raises(ValueError):
        parse_datetime("2026-12-04 16:46:49.5", WITA)
    assert parse_datetime("2026-12-04 16:46:49.5", WITA, fractions=True) == datetime(
        2026, 12, 4, 16, 46, 49, tzinfo=WITA
    )


# serve speaks the site's language; its clock is the site's.


def served_at(line: str, pattern: str) -> str:
    match = re.fullmatch(pattern, line)
    assert match, line
    return match[1]


def wall_clock_seconds(before: datetime, after: datetime) -> list[str]:
    """Every ``HH:MM:SS`` in WITA between two UTC instants, worked out by hand as UTC + 8 h."""
    shown = []
    moment = before.replace(microsecond=0)
    while moment <= after:
        shown.append(f"{(moment.hour + 8) % 24:02d}:{moment.minute:02d}:{moment.second:02d}")
        moment += timedelta(seconds=1)
    return shown


@pytest.mark.slow
def test_serve_speaks_indonesian_with_the_time_in_wita(tmp_path: Path) -> None:
    root = site(tmp_path)
    before = datetime.now(UTC)
    with serving(root) as server:
        after = datetime.now(UTC)
        outs = [line for name, line in server.lines.seen if name == "out"]
    assert len(outs) == 2, server.lines.seen
    shown = served_at(outs[0], r"situs site/ dibuat pukul (\d\d:\d\d:\d\d) WITA")
    assert shown in wall_clock_seconds(before, after), (shown, before, after)
    assert outs[1] == f"situs tersedia di http://127.0.0.1:{server.port}/status/ (Ctrl+C untuk berhenti)"


@pytest.mark.slow
def test_serve_with_lang_en(tmp_path: Path) -> None:
    root = site(tmp_path)
    before = datetime.now(UTC)
    with serving(root, "--lang", "en") as server:
        after = datetime.now(UTC)
        outs = [line for name, line in server.lines.seen if name == "out"]
    shown = served_at(outs[0], r"built site/ at (\d\d:\d\d:\d\d) WITA")
    assert shown in wall_clock_seconds(before, after), (shown, before, after)
    assert outs[1] == f"serving http://127.0.0.1:{server.port}/status/ (Ctrl+C to stop)"


# probe and compact speak the site's language.


def test_a_probe_line_in_each_language() -> None:
    sample = ProbeSample(1764115200, "up", 200, 35, None, 60)
    assert probe_line("spse", sample, {}) == "spse: up 200 35 ms cert 60 d"
    indonesian = translations("id")
    assert probe_line("spse", sample, indonesian) == "spse: normal 200 35 ms sertifikat 60 hari"
    down = ProbeSample(1764115200, "down", None, 1000, "timeout", None)
    assert probe_line("spse", down, indonesian) == "spse: gangguan 1000 ms timeout"  # the code as in the file
    slow = ProbeSample(1764115200, "degraded", 200, 4000, None, None)
    assert probe_line("spse", slow, indonesian) == "spse: kinerja menurun 200 4000 ms"


@pytest.fixture
def answering() -> Iterator[str]:
    """A local page that answers 200."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/ok"
    finally:
        server.shutdown()
        server.server_close()


def test_probe_speaks_the_site_language(tmp_path: Path, run, answering: str) -> None:
    probed = f"  - id: web\n    name: Web\n    probe:\n      url: {answering}\n      timeout: 1\n      retries: 0\n"
    root = site(tmp_path, extra=probed)
    code, out, err = run(root, "probe")
    assert (code, err) == (0, "")
    assert re.fullmatch(r"web: normal 200 \d+ ms\n", out), out
    code, out, err = run(root, "probe", "--lang", "en")
    assert re.fullmatch(r"web: up 200 \d+ ms\n", out), out


def test_probe_without_probes_in_each_language(tmp_path: Path, run) -> None:
    root = site(tmp_path)
    assert run(root, "probe") == (0, "tidak ada komponen yang memiliki 'probe:'; tidak ada yang dikerjakan\n", "")
    assert run(root, "probe", "--lang", "en") == (0, "no component has a 'probe:'; nothing to do\n", "")


def test_compact_speaks_the_site_language(tmp_path: Path, run) -> None:
    root = site(tmp_path)
    folder = root / "history" / "spse"
    folder.mkdir(parents=True)
    # July 2026, "up" every 5 minutes for the first hour of the 1st (UTC): one run. November is the
    # current month of --now, and July is four months before it: with --keep-months 3 it is compacted.
    july = ",".join(HEADER) + "\n" + "".join(f"2026-07-01T00:{m:02d}:00Z,up,200,100,,40\n" for m in range(0, 60, 5))
    (folder / "2026-07.csv").write_text(july)
    code, out, err = run(root, "compact", "--now", "2026-11-26T10:00+08:00")
    assert (code, err) == (0, "")
    assert out == "spse: 2026-07 dipadatkan menjadi 1 rentang\n"
    (folder / "2026-07.csv").write_text(july)  # the raw file again, as a run that was stopped leaves it
    code, out, err = run(root, "compact", "--lang", "en", "--now", "2026-11-26T10:00+08:00")
    assert out == "spse: 2026-07 was compacted before: its raw file removed\n"
