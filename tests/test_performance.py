"""The properties that make builds fast, and the proof that they leave the output correct.

Every speed-up of the build rests on a property that can be checked without a clock: the history
cache parses each line once and gives what a full parse gives; forked workers make the same bytes
as one process; an unchanged file is hard-linked, not written again; every page lists a bounded
number of incidents; the helpers that run over every day or sample do work in proportion to what
they are asked about. This file checks those properties by comparing outputs and by counting
operations. The benchmarks live in benchmarks/ and are never timed here: nothing in this file
measures wall time.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import select
import shutil
import string
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import partial
from pathlib import Path
from typing import ClassVar

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

import statusgen.cache
from statusgen import build as pipeline
from statusgen import i18n, markup, output, parallel, times, uptime, views
from statusgen.cache import ParseCache
from statusgen.cli import main
from statusgen.model import ComponentHistory, stamp
from statusgen.problems import Problems
from statusgen.recorded import read_history
from statusgen.render import DayCells, plain
from statusgen.views import COMPONENT_RECENT, PAGE_SIZE, RECENT_MAX, SLA_MONTHS, CalendarMonth, DayView

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import sites  # benchmarks/ is a folder of scripts, not a package

NOW_5 = "2026-11-26T10:05+08:00"  # sites.NOW_ARG plus five minutes


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes, by relative path."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def build(cli, config: Path, out: Path, now: str, *extra: str) -> None:
    run = cli("build", "--config", config, "--out", out, "--now", now, *extra)
    assert run.code == 0, run.err


def staging_left(out: Path) -> list[str]:
    """Staging or retired folders of ``out`` left beside it."""
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith((f".{out.name}.new-", f".{out.name}.old-")))


# 1. The history cache changes nothing a build outputs.


class _Recorded(ParseCache):
    """The caches a build makes (one for each component it reads), kept so the test can read how many lines
    they parsed."""

    made: ClassVar[list[ParseCache]] = []

    def __init__(self, folder: Path):
        super().__init__(folder)
        _Recorded.made.append(self)

    @classmethod
    def parsed_by(cls, run: Callable[[], None]) -> int:
        """The lines the caches made while ``run`` ran parsed in all."""
        before = len(cls.made)
        run()
        return sum(cache.parsed for cache in cls.made[before:])


def data_lines(history: Path) -> int:
    """The lines a full parse reads: every line of runs.csv and of the raw month files, but headers and blanks."""
    files = [*history.glob("*/runs.csv"), *history.glob("*/????-??.csv")]
    return sum(1 for path in files for line in path.read_text().splitlines()[1:] if line)


@pytest.mark.slow
def test_the_history_cache_gives_the_bytes_of_a_full_parse(cli, tmp_path, monkeypatch) -> None:
    """A build from the cache is byte for byte a build with --no-cache, before and after the probes append
    a run; the cache is really used (a warm build parses no line, an appended run costs one line per
    component), and the appended run reaches the pages."""
    monkeypatch.setenv("STATUSGEN_WORKERS", "1")  # the parent parses every line, so the counts are exact
    monkeypatch.setattr("statusgen.build.ParseCache", _Recorded)
    _Recorded.made.clear()
    size = sites.Size(20, 3, raw_days=40, rollup_years=1)
    config = sites.make_site(tmp_path / "src", size)
    history = tmp_path / "src" / "history"
    every_line = data_lines(history)
    # Raw samples every 5 minutes from 1 October 00:00Z to NOW, 26 November 02:00Z (exclusive): 56 days
    # and 2 hours, 56 × 288 + 24 = 16,152 a component; then a year (365 days) of runs, one to three a day.
    raw = sum(len(path.read_text().splitlines()) - 1 for path in history.glob("*/????-??.csv"))
    assert raw == 3 * 16_152
    assert 3 * 365 <= every_line - raw <= 3 * 3 * 365

    cold = _Recorded.parsed_by(lambda: build(cli, config, tmp_path / "cached", sites.NOW_ARG))
    assert cold == every_line  # a cold cache: every line parsed once
    assert _Recorded.parsed_by(lambda: build(cli, config, tmp_path / "warm", sites.NOW_ARG)) == 0  # nothing again
    build(cli, config, tmp_path / "full", sites.NOW_ARG, "--no-cache")
    cached, full = tree(tmp_path / "cached"), tree(tmp_path / "full")
    assert len(cached) > 100
    assert cached == full
    assert tree(tmp_path / "warm") == full

    # The same moment five minutes on, before the probes append anything: the newest sample is
    # 01:55Z (samples run up to NOW = 02:00Z, exclusive), 09:55 WITA.
    build(cli, config, tmp_path / "before", NOW_5)
    before = tree(tmp_path / "before")

    sites.add_probe_run(tmp_path / "src", size, sites.NOW + timedelta(minutes=5))
    appended = _Recorded.parsed_by(lambda: build(cli, config, tmp_path / "after", NOW_5))
    assert appended == 3  # one appended line for each of the 3 components
    build(cli, config, tmp_path / "after-full", NOW_5, "--no-cache")
    after = tree(tmp_path / "after")
    assert after == tree(tmp_path / "after-full")

    # A changed input changes the output: the run appended at 02:05Z (10:05 WITA) is now the last check.
    assert after != before
    assert after != cached
    # The site speaks Indonesian: "Terakhir diperiksa" is "Last checked".
    index_before, index_after = before["index.html"].decode(), after["index.html"].decode()
    assert index_before.count('Terakhir diperiksa <time datetime="2026-11-26T09:55:00+08:00">') == 3
    assert index_after.count('Terakhir diperiksa <time datetime="2026-11-26T10:05:00+08:00">') == 3
    assert 'datetime="2026-11-26T09:55:00+08:00"' not in index_after


# 2. The cache parses only what was appended, and falls back to a full parse when it must.

HEADER = "time,status,http_status,latency_ms,error,cert_days\n"
SPSE_10 = [  # history/spse/2026-10.csv: 4 data lines
    "2026-10-31T23:45:00Z,up,200,120,,40\n",
    "2026-10-31T23:50:00Z,up,200,130,,40\n",
    "2026-10-31T23:55:00Z,down,,,timeout,\n",
    "2026-10-31T23:58:00Z,degraded,200,6100,,40\n",
]
SPSE_11 = [  # history/spse/2026-11.csv: 3 data lines
    "2026-11-01T00:00:00Z,up,200,110,,40\n",
    "2026-11-01T00:05:00Z,up,200,115,,40\n",
    "2026-11-01T00:10:00Z,up,200,118,,40\n",
]
SIKAP_RUNS = [  # history/sikap/runs.csv: 2 data lines, of September, which compacted.csv lists as done
    "2026-09,2026-09-01T00:00:00Z,2026-09-15T00:00:00Z,up\n",
    "2026-09,2026-09-15T00:00:00Z,2026-09-15T00:30:00Z,down\n",
]
SIKAP_11 = [  # history/sikap/2026-11.csv: 2 data lines
    "2026-11-01T00:00:00Z,up,200,90,,12\n",
    "2026-11-01T00:05:00Z,down,,,dns,\n",
]
IDS = ["spse", "sikap", "internet"]  # internet has no folder: nothing to read


def write_history(history: Path) -> None:
    (history / "spse").mkdir(parents=True)
    (history / "sikap").mkdir()
    (history / "spse" / "2026-10.csv").write_text(HEADER + "".join(SPSE_10))
    (history / "spse" / "2026-11.csv").write_text(HEADER + "".join(SPSE_11))
    (history / "sikap" / "runs.csv").write_text("month,start,end,status\n" + "".join(SIKAP_RUNS))
    (history / "sikap" / "compacted.csv").write_text("month,runs,days\n2026-09,2,0\n")
    (history / "sikap" / "2026-11.csv").write_text(HEADER + "".join(SIKAP_11))


def read(history: Path, cache: ParseCache | None) -> tuple[dict[str, ComponentHistory], list[str]]:
    """What read_history returns, and the warnings it gives, in one process."""
    problems = Problems()
    found = read_history(history, IDS, problems, "history", cache, processes=1)
    return found, [str(p) for p in problems.items]


def parses(cache: ParseCache, history: Path) -> tuple[int, dict[str, ComponentHistory], list[str]]:
    """Lines parsed by one read from ``cache``, with its result and warnings."""
    before = cache.parsed
    found, warnings = read(history, cache)
    return cache.parsed - before, found, warnings


def test_lines_appended_gather_before_the_entry_is_written_again(tmp_path) -> None:
    """A probe run appends one line to a month's file, and the build after it parses that line, not the month:
    the entry is written again only once STORE_LINES (288, a day of 5-minute samples) have gathered after it,
    so until then each read parses those lines again (1, 1, then 2), and after, none. Each time the result is
    what a read without cache gives."""
    history = tmp_path / "history"
    write_history(history)
    cache = ParseCache(tmp_path / ".cache" / "statusgen")
    assert parses(cache, history)[0] == 11  # cold: every line, each file's entry written
    november = history / "spse" / "2026-11.csv"
    start = int(datetime(2026, 11, 2, tzinfo=UTC).timestamp())

    def append(count: int, first: int) -> None:
        with november.open("a") as handle:
            handle.writelines(f"{stamp(start + 300 * n)},up,200,150,,\n" for n in range(first, first + count))

    append(1, 0)
    assert [parses(cache, history)[0] for _ in range(2)] == [1, 1]
    append(1, 1)
    assert parses(cache, history)[0] == 2
    append(statusgen.cache.STORE_LINES - 2, 2)
    count, found, warnings = parses(cache, history)
    assert count == statusgen.cache.STORE_LINES == 288
    assert (found, warnings) == read(history, None) and len(found["spse"].samples) == 7 + 288
    assert parses(cache, history)[0] == 0  # written again with them


def test_the_cache_parses_each_line_once_and_what_changed_again(tmp_path, monkeypatch) -> None:
    """Counted in lines parsed: a cold read parses every line, a warm one none, an appended line alone;
    a line rewritten in the middle of a file makes that file (and only it) be parsed again; a corrupt
    entry is a miss. After every step the result is what a read without cache gives. (Every line appended
    is written to the entry here; the test below counts lines that gather before they are.)"""
    monkeypatch.setattr(statusgen.cache, "STORE_LINES", 1)
    history = tmp_path / "history"
    write_history(history)
    cache = ParseCache(tmp_path / ".cache" / "statusgen")

    # Cold: 4 (spse October) + 3 (spse November) + 2 (sikap runs) + 2 (sikap November) = 11 lines.
    count, found, warnings = parses(cache, history)
    assert count == 4 + 3 + 2 + 2 == 11
    assert (found, warnings) == read(history, None)
    assert warnings == []
    assert sorted(found) == ["sikap", "spse"]
    assert len(found["spse"].samples) == 7 and len(found["sikap"].runs) == 2

    # Warm: nothing parsed, the same result.
    count, again, _ = parses(cache, history)
    assert count == 0
    assert again == found

    # One line appended to one file: exactly that line is parsed.
    november = history / "spse" / "2026-11.csv"
    with november.open("a") as handle:
        handle.write("2026-11-01T00:15:00Z,down,,,connection,\n")
    count, found, warnings = parses(cache, history)
    assert count == 1
    assert (found, warnings) == read(history, None)
    assert found["spse"].samples[-1].error == "connection"

    # A line in the middle of a file rewritten with the same length (130 → 131 ms): the bytes the
    # entry covers changed, so the whole file, its 4 lines, is parsed again, and no other file.
    october = history / "spse" / "2026-10.csv"
    october.write_text(HEADER + "".join(SPSE_10).replace(",130,", ",131,"))
    count, found, warnings = parses(cache, history)
    assert count == 4
    assert (found, warnings) == read(history, None)
    assert found["spse"].samples[1].latency_ms == 131

    # And with another length (131 → 1310 ms): again the 4 lines of that file.
    october.write_text(HEADER + "".join(SPSE_10).replace(",130,", ",1310,"))
    count, found, warnings = parses(cache, history)
    assert count == 4
    assert (found, warnings) == read(history, None)
    assert found["spse"].samples[1].latency_ms == 1310

    # A line in the middle of a file made malformed ("up" → "upp" on line 3, the second sample):
    # the file is parsed again from its first line, so the warning names line 3, as without cache.
    october.write_text(HEADER + "".join(SPSE_10).replace(",up,200,130,", ",upp,200,130,"))
    count, found, warnings = parses(cache, history)
    assert count == 3  # the 3 lines left well formed
    assert (found, warnings) == read(history, None)
    assert len(warnings) == 1 and "2026-10.csv:3:" in warnings[0], warnings
    # A parse with a warning was not stored, so the entry of the file as it was (1310 ms) still holds:
    # put back, the file needs no parsing at all.
    october.write_text(HEADER + "".join(SPSE_10).replace(",130,", ",1310,"))
    assert parses(cache, history)[0] == 0

    # A file cut shorter than its entry (its last line removed): parsed whole again, 3 lines.
    november.write_text(HEADER + "".join(SPSE_11))
    count, found, warnings = parses(cache, history)
    assert count == 3
    assert (found, warnings) == read(history, None)
    assert len(found["spse"].samples) == 7

    # Corrupt entries are misses, never errors: each variant makes every file parse again,
    # 4 + 3 + 2 + 2 = 11 lines, and the result is the full parse's.
    entries = sorted((tmp_path / ".cache" / "statusgen").rglob("*.bin"))
    assert len(entries) == 4  # one per file: spse October and November, sikap runs and November
    garbage = [
        b"",  # empty
        b"garbage",  # too short for its own header
        bytes(range(256)),  # a length field past the end, then no marshal data
        b"\x00\x00\x00\x02N.",  # a header that reads as None
    ]
    for junk in [*garbage, "truncated"]:
        for entry in entries:
            if junk == "truncated":  # the header whole, the parsed columns cut in half
                whole = entry.read_bytes()
                entry.write_bytes(whole[: len(whole) // 2])
            else:
                entry.write_bytes(junk)
        count, found, warnings = parses(cache, history)
        assert count == 11, junk
        assert (found, warnings) == read(history, None), junk
        assert warnings == []
        assert parses(cache, history)[0] == 0  # and the entries were written again


def test_a_line_cut_short_is_never_stored(tmp_path, monkeypatch) -> None:
    """A last line without its line end may be half written: it gives the same warning with and without
    the cache on every read, and once completed it is read as completed, not as the half the cache saw.
    (Every whole line is written to the entry here, as soon as it is read.)"""
    monkeypatch.setattr(statusgen.cache, "STORE_LINES", 1)
    history = tmp_path / "history"
    write_history(history)
    cache = ParseCache(tmp_path / ".cache" / "statusgen")
    read(history, cache)
    november = history / "spse" / "2026-11.csv"

    # Cut inside the third field. Header is line 1, the 3 data lines 2-4, the cut one 5.
    cut = "history/spse/2026-11.csv:5: warning: skipped the last line: it has no line end, so it may be cut short (a probe run stopped while writing it)"  # noqa: E501
    november.write_text(HEADER + "".join(SPSE_11) + "2026-11-01T00:15:00Z,up,2")
    full = read(history, None)
    assert full[1] == [cut]
    for _ in range(3):  # on every read, not only the first
        count, found, warnings = parses(cache, history)
        assert count == 0  # the 3 whole lines come from the entry; the cut one is skipped unread
        assert (found, warnings) == full

    # Cut so that what is there would read as a whole line: cert_days 4 of what will be 40. It is
    # skipped all the same, never read as a certificate with 4 days left.
    november.write_text(HEADER + "".join(SPSE_11) + "2026-11-01T00:15:00Z,up,200,150,,4")
    for _ in range(2):
        count, found, warnings = parses(cache, history)
        assert count == 0
        assert (found, warnings) == read(history, None)
        assert warnings == [cut]
        assert found["spse"].samples[-1].time == int(datetime(2026, 11, 1, 0, 10, tzinfo=UTC).timestamp())
    with november.open("a") as handle:
        handle.write("0\n")
    count, found, warnings = parses(cache, history)
    assert count == 1
    assert (found, warnings) == read(history, None)
    assert found["spse"].samples[-1].cert_days == 40
    assert warnings == []
    assert parses(cache, history)[0] == 0  # a whole line is stored


# 3. Forked workers make what one process makes.


@pytest.mark.slow
def test_parallel_build_is_byte_identical_to_sequential(cli, demo, tmp_path, monkeypatch) -> None:
    """Two workers (forked to parse the history into a cold cache, to work out the components' figures,
    then to render) give the bytes of one process without the cache."""
    monkeypatch.setenv("STATUSGEN_WORKERS", "1")
    build(cli, demo.config, tmp_path / "one", sites.NOW_ARG, "--no-cache")
    monkeypatch.setenv("STATUSGEN_WORKERS", "2")
    assert parallel.workers() == 2
    monkeypatch.setattr(pipeline, "HEAVY_BYTES", 0)  # the components' figures (and reading) are shared out too
    shutil.rmtree(demo.root / ".cache", ignore_errors=True)  # a cold cache, whatever the example folder held
    build(cli, demo.config, tmp_path / "two", sites.NOW_ARG)
    assert len(list((demo.root / ".cache" / "statusgen" / "history").glob("*.bin"))) == 3  # the 3 components
    one = tree(tmp_path / "one")
    assert len(one) > 80
    assert tree(tmp_path / "two") == one


@pytest.mark.slow
@pytest.mark.parametrize("history_start", [True, False])
def test_reading_a_component_at_a_time_gives_the_bytes_of_reading_all_first(
    cli, demo, tmp_path, monkeypatch, history_start: bool
) -> None:
    """The build reads each component's history as it works out its figures (HistoryReader); the preview
    server reads all of it first (load, check_timeline). Both give the same site, with history_start written
    and without it (then a first pass finds where the history starts), and the same warnings: the demo gets a
    sample from a wrong clock (1970) and one dated ahead of now, each a stray set aside."""
    config = demo.config.read_text(encoding="utf-8")
    if not history_start:
        demo.config.write_text(re.sub(r"(?m)^history_start:.*\n", "", config), encoding="utf-8")
    month = demo.root / "history" / "spse" / "2026-11.csv"
    with month.open("a", encoding="utf-8") as handle:
        handle.write("1970-01-01T00:00:00Z,up,200,100,,40\n2026-11-26T09:00:00Z,up,200,100,,40\n")
    monkeypatch.setenv("STATUSGEN_WORKERS", "2")
    monkeypatch.setattr(pipeline, "HEAVY_BYTES", 0)
    run = cli("build", "--config", demo.config, "--out", tmp_path / "streamed", "--now", sites.NOW_ARG)
    assert run.code == 0, run.err
    now = sites.NOW  # = sites.NOW_ARG
    inputs = pipeline.check_timeline(pipeline.load(demo.config, processes=1), now)
    _, warnings = pipeline.build(inputs, tmp_path / "whole", now, processes=1)
    assert tree(tmp_path / "streamed") == tree(tmp_path / "whole")
    said = [line for line in run.err.splitlines() if "warning" in line]
    assert len(said) == len(warnings) >= 2 and all("history/spse/2026-11.csv" in line for line in said)


@pytest.mark.slow
def test_instances_read_a_component_at_a_time_are_as_read_all_first(cli, make_site, tmp_path, monkeypatch) -> None:
    """Without history_start, the build reads the history twice, a component at a time: a first pass finds where
    it starts, then the figures; the preview server reads it all first. The sites are the same, byte for byte:
    an instance probed for two months, one probed since a compacted January, one with a sample from a wrong
    clock, one never probed, beside a component of incident records whose first incident starts the history."""
    site = make_site(
        """\
        title: Uji
        base_url: https://example.github.io/status/
        timezone: Asia/Makassar
        languages: [id, en]
        components:
          - id: spse
            name: SPSE
        instances:
          file: lpse.csv
        """
    )
    (site.root / "lpse.csv").write_text(
        "code,name,province\nakab,LPSE A,P\nbkab,LPSE B,P\nckab,LPSE C,Q\ndkab,LPSE D,Q\n", encoding="utf-8"
    )
    history = site.root / "history"
    header = "time,status,http_status,latency_ms,error,cert_days\n"
    for code, months in (("akab", ("2026-10", "2026-11")), ("ckab", ("2026-11",))):
        (history / code).mkdir(parents=True)
        for month in months:
            lines = "".join(
                f"{month}-{day:02d}T0{hour}:00:00Z,"
                + ("down,,,timeout,\n" if day % 7 == 0 and hour == 3 else "up,200,120,,\n")
                for day in range(1, 28)
                for hour in range(6)
            )
            (history / code / f"{month}.csv").write_text(header + lines, encoding="utf-8")
    with (history / "ckab" / "2026-11.csv").open("a", encoding="utf-8") as month:
        month.write("1970-01-01T00:00:00Z,up,200,100,,\n")  # a wrong clock: a stray, set aside
    (history / "bkab").mkdir(parents=True)
    (history / "bkab" / "runs.csv").write_text(
        "month,start,end,status\n2026-01,2026-01-05T00:00:00Z,2026-01-20T00:00:00Z,up\n"
        "2026-01,2026-01-20T00:00:00Z,2026-01-20T01:00:00Z,down\n", encoding="utf-8")  # fmt: skip
    (history / "bkab" / "compacted.csv").write_text("month,runs,days\n2026-01,2,0\n", encoding="utf-8")
    site.incident("2025-06-01-gangguan", """\
        ---
        title: SPSE mati
        components: [spse]
        severity: major
        started: 2025-06-01 10:00
        resolved: 2025-06-01 12:00
        updates:
          - at: 2025-06-01 12:00
            status: resolved
            message: Pulih.
        ---
        Uji.
        """)  # fmt: skip
    now = "2026-11-28T12:00+08:00"
    monkeypatch.setenv("STATUSGEN_WORKERS", "2")
    monkeypatch.setattr(pipeline, "HEAVY_BYTES", 0)
    run = cli("build", "--config", site.config, "--out", tmp_path / "streamed", "--now", now)
    assert run.code == 0, run.err
    moment = datetime.fromisoformat(now)
    inputs = pipeline.check_timeline(pipeline.load(site.config, processes=1), moment)
    _, warnings = pipeline.build(inputs, tmp_path / "whole", moment, processes=1)
    streamed = tree(tmp_path / "streamed")
    assert streamed == tree(tmp_path / "whole")
    assert len([line for line in run.err.splitlines() if "warning" in line]) == len(warnings) == 1  # the 1970 line
    start = {c["id"]: c["start_date"] for c in json.loads(streamed["api/v2/components.json"])["components"]
             if not c["group"]}  # fmt: skip
    # The history starts with the first incident (1 June 2025); each instance at its own first record.
    assert start == {"spse": "2025-06-01", "akab": "2026-10-01", "bkab": "2026-01-05", "ckab": "2026-11-01",
                     "dkab": "2026-11-28"}  # fmt: skip


def test_a_process_with_another_thread_does_not_fork(monkeypatch) -> None:
    """A thread does not survive a fork (and a lock it holds stays held in the copy): while one runs,
    the build keeps to one process, whatever STATUSGEN_WORKERS asks."""
    monkeypatch.setenv("STATUSGEN_WORKERS", "2")
    assert parallel.workers() == 2
    release = threading.Event()
    thread = threading.Thread(target=release.wait)
    thread.start()
    try:
        assert parallel.workers() == 1
    finally:
        release.set()
        thread.join()
    assert parallel.workers() == 2


def _failing(text: str):
    def job() -> list[tuple[str, bytes]]:
        raise RuntimeError(text)

    return job


@contextlib.contextmanager
def _met(in_worker: bool, text: str) -> Iterator[list]:  # type: ignore[type-arg]
    """Two jobs that run at once, in two processes: each says it started (a byte to the other's pipe) and waits
    up to 10 s for the other to. Then the one in a forked worker (``in_worker``) or the one in this process
    raises RuntimeError(text); the other makes index.html."""
    here = os.getpid()
    pipes = [os.pipe(), os.pipe()]

    def job(number: int) -> list[tuple[str, bytes]]:
        os.write(pipes[1 - number][1], b"x")
        select.select([pipes[number][0]], [], [], 10)
        if (os.getpid() != here) == in_worker:
            raise RuntimeError(text)
        return [("index.html", b"new")]

    try:
        yield [partial(job, 0), partial(job, 1)]
    finally:
        for end in (end for pipe in pipes for end in pipe):
            os.close(end)


def test_dealt_items_go_to_whichever_process_is_free() -> None:
    """Item 0 waits until items 1 to 9 are done (each writes a byte to a pipe it reads, up to 10 s). Dealt out
    every other item (shared), its process would have to do items 2, 4, 6 and 8 after it: it would wait in
    vain. Dealt one at a time, the other process takes items 1 to 9 while it waits. The results come back in
    the items' order, each item done once."""
    gate, done = os.pipe()

    def work(item: int) -> tuple[int, int, bool]:
        if item == 0:
            seen = b""
            while len(seen) < 9 and select.select([gate], [], [], 10)[0]:
                seen += os.read(gate, 9 - len(seen))
            return item, os.getpid(), len(seen) == 9
        os.write(done, b"x")
        return item, os.getpid(), True

    try:
        results = parallel.dealt(work, list(range(10)), 2)
    finally:
        os.close(gate)
        os.close(done)
    assert [item for item, _, _ in results] == list(range(10))
    assert all(waited for _, _, waited in results)
    first = results[0][1]
    assert [item for item, pid, _ in results if pid == first] == [0]


def test_more_items_than_a_pipe_holds_are_shared_every_n_th(monkeypatch) -> None:
    """Past DEALT items (their numbers would not fit in a pipe before any reader), dealt() shares them out every
    other one (mapped): the same results, in order, from both processes."""
    monkeypatch.setattr(parallel, "DEALT", 3)
    results = parallel.dealt(lambda item: (item * 10, os.getpid()), list(range(10)), 2)
    assert [value for value, _ in results] == [item * 10 for item in range(10)]
    assert results[0][1] == os.getpid() and {pid for _, pid in results[1::2]} == {results[1][1]} != {os.getpid()}


def test_a_failing_worker_fails_the_build_and_keeps_the_old_site(tmp_path) -> None:
    """An exception in a forked worker reaches the caller as WorkerFailed with the worker's traceback;
    one in this process's own share propagates as itself. Either way the old site stays as it was and
    no staging folder is left behind."""
    out = tmp_path / "site"
    old = {output.MARKER: output.marker("2026-11-26T10:00:00+08:00", "0"), "index.html": b"old"}
    output.write_site(out, old)
    assert tree(out) == old

    def fine() -> list[tuple[str, bytes]]:
        return [("index.html", b"new"), ("a.html", b"a")]

    # Each job is taken by the next process free (parallel.dealt): two that wait for each other run in both.
    with _met(True, "boom in the worker") as jobs, pytest.raises(parallel.WorkerFailed) as raised:
        output.write_site(out, jobs, processes=2)
    assert "RuntimeError: boom in the worker" in str(raised.value)
    assert tree(out) == old
    assert staging_left(out) == []

    with _met(False, "boom in this process") as jobs, pytest.raises(RuntimeError, match="boom in this process"):
        output.write_site(out, jobs, processes=2)
    assert tree(out) == old
    assert staging_left(out) == []

    # The same jobs without a failure do replace it.
    output.write_site(out, [fine, fine], processes=2)
    assert tree(out) == {"index.html": b"new", "a.html": b"a"}


# 4. Unchanged files are linked to the old ones, not written again.


@pytest.mark.slow
def test_unchanged_files_keep_their_inode_and_mtime(cli, demo, tmp_path) -> None:
    out = tmp_path / "site"

    def stats() -> dict[str, tuple[int, int, bytes]]:
        return {
            str(p.relative_to(out)): (p.stat().st_ino, p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted(out.rglob("*"))
            if p.is_file()
        }

    build(cli, demo.config, out, sites.NOW_ARG)
    first = stats()
    build(cli, demo.config, out, sites.NOW_ARG)
    second = stats()
    # The same --now: every file has the same bytes, so every file is the old one, linked.
    assert second.keys() == first.keys()
    assert second == first

    # An hour later: the files whose bytes changed are new files, the others are still the old ones.
    # The old site is there while the new one is written, so a new file cannot reuse an old inode.
    build(cli, demo.config, out, "2026-11-26T11:00+08:00")
    third = stats()
    changed = {path for path in third if path not in second or third[path][2] != second[path][2]}
    kept = set(third) - changed
    assert {"index.html", output.MARKER} <= changed
    # The pages of the present say when they were built, and change; the settled ones (years that are over,
    # ended incidents), the year files of past years, the static files and the badges without news do not.
    assert {path for path in third if path.startswith("static/")} <= kept
    assert {
        "components/spse/2015/index.html",
        "en/history/2015/index.html",
        "api/v1/components/spse/daily/2015.json",
    } <= kept
    assert "components/spse/index.html" in changed and "components/spse/2026/index.html" in changed
    assert len(kept) > 3 * len(changed) > 60
    for path in kept:
        assert third[path][:2] == second[path][:2], path
    for path in changed & set(second):
        assert third[path][0] != second[path][0], path


# 5. Every page lists a bounded number of incidents.

YEAR_CONFIG = """\
title: Uji
base_url: https://example.github.io/status/
languages: [en]
timezone: Asia/Makassar
history_start: 2024-01-01
components:
  - id: spse
    name: SPSE
  - id: sikap
    name: SIKaP
"""
YEAR_NOW = "2025-12-31T12:00+08:00"
LAST_START = datetime(2025, 12, 30, 10, 0)  # WITA; incident i starts 8 h × i before it


def year_site(root: Path, count: int) -> list[str]:
    """A site whose ``count`` incidents all start in 2025 (8 hours apart, newest first); returns their slugs.

    The oldest of 750 starts 5992 h = 249 days 16 h before 30 December: on 24 April 2025.
    """
    (root / "incidents").mkdir(parents=True)
    (root / "status.yml").write_text(YEAR_CONFIG, encoding="utf-8")
    slugs = []
    for n in range(count):
        start = LAST_START - timedelta(hours=8 * n)
        started, resolved = f"{start:%Y-%m-%d %H:%M}", f"{start + timedelta(minutes=30):%Y-%m-%d %H:%M}"
        slug = f"{start:%Y-%m-%d}-gangguan-{n:04d}"
        slugs.append(slug)
        (root / "incidents" / f"{slug}.md").write_text(
            "---\n"
            f"title: Gangguan nomor {n}\n"
            "components: [spse]\n"
            "severity: partial\n"
            f"started: {started}\n"
            f"resolved: {resolved}\n"
            "updates:\n"
            f"  - at: {resolved}\n"
            "    status: resolved\n"
            f"    message: Layanan pulih kembali, nomor {n}.\n"
            f"  - at: {started}\n"
            "    status: investigating\n"
            "    message: Layanan SPSE tidak dapat diakses, sedang diperiksa.\n"
            "---\n"
            f"Catatan singkat untuk gangguan nomor {n}.\n",
            encoding="utf-8",
        )
    return slugs


def test_incident_files_read_by_workers_give_what_one_process_reads(tmp_path) -> None:
    """450 incident files (more than the PER_WORKER × 2 = 400 worth a fork), 3 of them broken: two
    processes return the same incidents, in the same order, and the same problems as one."""
    from statusgen.build import load
    from statusgen.incidents import PER_WORKER
    from statusgen.problems import InputError

    count = 450
    assert count >= PER_WORKER * 2
    year_site(tmp_path, count)
    config = tmp_path / "status.yml"
    one, two = load(config, processes=1), load(config, processes=2)
    assert len(one.incidents) == count
    assert [repr(i) for i in two.incidents] == [repr(i) for i in one.incidents]
    # Broken files: an unknown severity, a bad date, and a name that is not a slug. Each is reported
    # once, with its file and line, by either way of reading.
    folder = tmp_path / "incidents"
    first = sorted(folder.iterdir())[0]
    first.write_text(first.read_text().replace("severity: partial", "severity: parsial"))
    second = sorted(folder.iterdir())[1]
    second.write_text(second.read_text().replace("started: 2025-", "started: 2025-13-"))
    (folder / "Salah Nama.md").write_text(first.read_text())
    errors = []
    for processes in (1, 2):
        with pytest.raises(InputError) as raised:
            load(config, processes=processes)
        errors.append([str(problem) for problem in raised.value.problems])
    assert errors[0] == errors[1]
    assert len(errors[0]) == 3, errors[0]


@pytest.fixture(scope="module")
def year_sites(tmp_path_factory) -> dict[int, tuple[Path, list[str]]]:
    """Sites of 250 and 750 incidents in 2025, built for YEAR_NOW: (output folder, slugs newest first)."""
    built = {}
    for count in (250, 750):
        root = tmp_path_factory.mktemp(f"year-{count}")
        slugs = year_site(root / "src", count)
        out = root / "site"
        code = main(["build", "--config", str(root / "src" / "status.yml"), "--out", str(out), "--now", YEAR_NOW])
        assert code == 0
        built[count] = (out, slugs)
    return built


def listed(html: str) -> list[str]:
    return re.findall(r'data-incident="([^"]+)"', html)


def year_pages(out: Path, year: int) -> list[Path]:
    """The pages of a year's history in order: history/<year>/, then history/<year>/2/, …"""
    pages = [out / "history" / str(year) / "index.html"]
    while (page := out / "history" / str(year) / str(len(pages) + 1) / "index.html").exists():
        pages.append(page)
    return pages


def test_a_years_history_is_paged_and_every_list_is_capped(year_sites) -> None:
    out, slugs = year_sites[250]
    assert (PAGE_SIZE, RECENT_MAX, COMPONENT_RECENT, SLA_MONTHS) == (100, 10, 10, 12)

    # 250 incidents in 2025: ceil(250 / 100) = 3 pages of 100, 100 and 50, newest first.
    pages = year_pages(out, 2025)
    assert len(pages) == math.ceil(250 / PAGE_SIZE) == 3
    on_pages = [listed(page.read_text()) for page in pages]
    assert [len(found) for found in on_pages] == [100, 100, 50]
    assert all(len(found) <= PAGE_SIZE for found in on_pages)
    everywhere = [slug for found in on_pages for slug in found]
    assert sorted(everywhere) == sorted(slugs)  # each incident of the year on exactly one page
    assert on_pages[0] == slugs[:100]

    # Each page links the one before and after it (the links are above and below the list).
    def links(page: Path, rel: str) -> set[str]:
        return set(re.findall(rf'<a href="([^"]+)" rel="{rel}">', page.read_text()))

    assert [links(page, "prev") for page in pages] == [set(), {"/status/history/2025/"}, {"/status/history/2025/2/"}]
    assert [links(page, "next") for page in pages] == [{"/status/history/2025/2/"}, {"/status/history/2025/3/"}, set()]
    assert "(page 2 of 3)" in pages[1].read_text()

    # The component page: its 10 newest of 250, and says so; the rest are on its year page.
    component = (out / "components" / "spse" / "index.html").read_text()
    assert listed(component) == slugs[:COMPONENT_RECENT]
    assert "Showing the newest 10 of 250 records; older ones are on the page of each year." in component
    # Its 2025 page lists the newest PAGE_SIZE of them and points to the year's history for all 250.
    calendar = (out / "components" / "spse" / "2025" / "index.html").read_text()
    assert listed(calendar) == slugs[:PAGE_SIZE]
    assert "Showing the newest 100 of 250 records; all of them are in" in calendar
    assert '<a href="/status/history/2025/">' in calendar

    # The index: incidents that ended in the last 14 days, from 17 December 12:00. Incident n ended at
    # 30 December 10:30 − 8 h × n, which is after that while 8 n ≤ 12 days 22 h 30 min = 310.5 h,
    # that is n ≤ 38: 39 recent incidents, of which the 10 newest are listed.
    index = (out / "index.html").read_text()
    assert listed(index) == slugs[:RECENT_MAX]
    assert "Showing the newest 10 of 39 records; the rest are in the history." in index

    # The SLA report: months from January 2024 to December 2025 are 24; each component's month
    # table shows the last 12, newest first, and its year table both years.
    report = (out / "sla" / "index.html").read_text()
    sections = report.split('<section aria-labelledby="sla-')[1:]
    assert len(sections) == 2
    for section in sections:
        months = re.findall(r'<th scope="row">(\d{4}-\d\d)</th>', section)
        assert months == [f"2025-{m:02d}" for m in range(12, 0, -1)]
        assert len(months) == SLA_MONTHS
        assert re.findall(r'<th scope="row">(\d{4})</th>', section) == ["2025", "2024"]


def test_more_incidents_in_a_year_add_pages_not_page_size(year_sites) -> None:
    """Three times the incidents in a year: ceil(750 / 100) = 8 pages instead of 3, and no larger page.

    Every page but a component's year page lists a capped number of incidents (PAGE_SIZE on a page of
    a year's history, RECENT_MAX, COMPONENT_RECENT, SLA_MONTHS months); what else is on it does not
    depend on how many incidents there are, but for the numbers in words ("750 records", "page 7 of 8")
    and the links between a year's pages: 5 more of them, each about 60 bytes, above and below the list.
    The incidents of both sites are written alike, so the largest page of the larger site may differ from
    the largest of the smaller only by those, and by date words of other lengths: far less than the 5 %
    allowed here, where listing every incident on one page would make it about three times larger.

    A component's year page is left out of the comparison: its calendar labels every day something
    happened, and three times the incidents touch more of the year's 365 days. Its list of the year's
    incidents is capped like the others, at PAGE_SIZE lines, and points to the year's history for the rest.
    """
    small, large = year_sites[250][0], year_sites[750][0]
    assert len(year_pages(small, 2025)) == 3
    assert len(year_pages(large, 2025)) == math.ceil(750 / PAGE_SIZE) == 8

    def sizes(out: Path) -> dict[str, int]:
        return {
            str(p.relative_to(out)): p.stat().st_size
            for p in out.rglob("*.html")
            if not re.fullmatch(r"components/[^/]+/\d{4}/index\.html", str(p.relative_to(out)))
        }

    small_sizes, large_sizes = sizes(small), sizes(large)
    largest = max(small_sizes.values())
    assert largest == max(p.stat().st_size for p in year_pages(small, 2025))  # a full page of the year
    assert max(large_sizes.values()) <= largest * 1.05
    for page in year_pages(large, 2025):
        assert page.stat().st_size <= largest * 1.05, page
        assert len(listed(page.read_text())) <= PAGE_SIZE
    calendar = (large / "components/spse/2025/index.html").read_text()
    assert len(re.findall(r'<li data-incident="', calendar)) == PAGE_SIZE
    assert "Showing the newest 100 of 750 records; all of them are in" in calendar
    # The capped pages hold what they held: the same page of the larger site is no larger.
    for path in ("index.html", "components/spse/index.html", "sla/index.html", "history/index.html"):
        assert large_sizes[path] <= small_sizes[path] * 1.05, path


# 6. The helpers that run over every day and sample do work in proportion to what they are asked.


def test_day_cells_are_put_into_words_once_per_distinct_day() -> None:
    """Five components with the same 90 days, each simply up: 90 cells made for the bars, not 5 × 90;
    the calendar shows such a day by its number alone and makes none."""
    lang = i18n.languages(["en"])[0]
    cells = DayCells(lang, lambda path: "/status/" + path)
    first = date(2026, 8, 29)
    days = [first + timedelta(days=n) for n in range(90)]  # to 26 November 2026
    up = [DayView(d, "ok", uptime.figures(d, 86400, 0, 0, "probes"), ()) for d in days]
    assert all(plain(day) for day in up)
    bars = [[cells.bar(day) for day in up] for _ in range(5)]
    assert cells.made == 90
    assert all(bar == bars[0] for bar in bars)

    # November's grid: 1 November 2026 is a Sunday, 6 blanks before it; days 1-26, then 4 after today.
    def november(last: DayView) -> CalendarMonth:
        return CalendarMonth(11, date(2026, 11, 1).weekday(), (*up[-26:-1], last, None, None, None, None), None)

    grids = [cells.weeks(november(up[-1])) for _ in range(5)]
    assert cells.made == 90
    assert len(re.findall(r"<td>\d+</td>", grids[0])) == 26  # a day up all day: its number alone

    # A day with 10 minutes down on one component is another cell: one more for its bar, one for its
    # calendar, however often each is shown.
    down = DayView(days[-1], "major", uptime.figures(days[-1], 86400, 600 * 1000, 0, "probes"), ())
    assert not plain(down)
    for _ in range(3):
        cells.bar(down)
        cells.weeks(november(down))
    assert cells.made == 92


class Counted(Sequence[uptime.Segment]):
    """A sequence that counts the segments read from it, by index, by slice or by iterating."""

    def __init__(self, items: list[uptime.Segment]):
        self.items = items
        self.visits = 0

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index):
        found = self.items[index]
        self.visits += len(found) if isinstance(index, slice) else 1
        return found

    def __iter__(self) -> Iterator[uptime.Segment]:
        for item in self.items:
            self.visits += 1
            yield item


def test_daily_reads_only_the_segments_near_its_windows() -> None:
    """10,000 segments, an hour down every two hours (833 days): one day at the end overlaps 12 of them.

    Finding the first one by bisection reads about log2(10,000) ≈ 14 segments, then the day reads its 12
    and one past them: a few dozen, bounded here by 100, where a walk from the start reads 10,000.
    """
    parts = [uptime.Segment(n * 7200, n * 7200 + 3600, 1000, False) for n in range(10_000)]
    end = parts[-1].end
    window = [(date(2013, 4, 13), end - 86400, end)]
    counted = Counted(parts)
    result = uptime.daily(window, counted)
    # 24 hours hold 12 segments of 1 hour down: 720 minutes, 50 %.
    assert result == uptime.daily(window, parts)
    assert (result[0].downtime_minutes, result[0].uptime) == (720.0, 50.0)
    assert counted.visits <= 100


class CountingWita(tzinfo):
    """UTC+08:00, counting how often it is asked: fromutc converts an instant, utcoffset a wall time."""

    def __init__(self) -> None:
        self.calls: dict[str, int] = {}

    def _count(self, name: str) -> None:
        self.calls[name] = self.calls.get(name, 0) + 1

    def utcoffset(self, dt: datetime | None) -> timedelta:
        self._count("utcoffset")
        return timedelta(hours=8)

    def dst(self, dt: datetime | None) -> timedelta:
        self._count("dst")
        return timedelta(0)

    def tzname(self, dt: datetime | None) -> str:
        self._count("tzname")
        return "WITA"

    def fromutc(self, dt: datetime) -> datetime:
        self._count("fromutc")
        return dt + timedelta(hours=8)


def test_local_days_asks_the_time_zone_once_a_day() -> None:
    """288 samples a day (every 5 minutes) for 3 days from midnight WITA: 864 instants, 3 days.

    Each new day costs one conversion of an instant (fromutc) and one of a wall time (the next day's start,
    utcoffset): 3 × 1 fromutc and 3 × 1 utcoffset, at most 9 calls, not one per sample.
    """
    tz = CountingWita()
    start = int(datetime(2026, 11, 22, 16, 0, tzinfo=UTC).timestamp())  # 23 November 00:00 WITA
    moments = [start + 300 * n for n in range(3 * 288)]
    found = list(times.local_days(moments, tz))
    assert found == [(date(2026, 11, 23), 0, 288), (date(2026, 11, 24), 288, 576), (date(2026, 11, 25), 576, 864)]
    assert tz.calls.get("fromutc") == 3
    assert sum(tz.calls.values()) <= 3 * 3


# 7. The plain-line shortcut of the Markdown converter gives what the converter gives.

PLAIN_CHARACTERS = string.ascii_letters + string.digits + ".,;:'\"()/%-+@?" + "éüñßÄçøŁΩжİı"
OTHER_CHARACTERS = "=#*_\n\t\xa0 "


def converted(text: str) -> str:
    """What to_html gives by the full converter: the shortcut's pattern replaced by one that never matches."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(markup, "_PLAIN", re.compile(r"(?!)"))
        return str(markup.to_html.__wrapped__(text))


words = st.text(alphabet=PLAIN_CHARACTERS, min_size=1, max_size=12)
plain_lines = st.builds(
    lambda parts, end: " ".join(parts) + end,
    st.lists(words, min_size=1, max_size=8),
    st.sampled_from(["", "\n", "\n\n"]),
)
any_text = st.text(alphabet=PLAIN_CHARACTERS + OTHER_CHARACTERS, max_size=40)


def test_the_shortcut_is_taken_for_a_plain_line() -> None:
    assert markup._PLAIN.fullmatch("Sudah pulih.")
    for text in ("- a", "1. a", "# a", "a  b", "a *b*", "a\nb", "a\xa0b", "a_b", "a=b", " a", "a "):
        assert not markup._PLAIN.fullmatch(text), text
    assert converted("Sudah pulih.") == "<p>Sudah pulih.</p>" == markup.to_html("Sudah pulih.")


@settings(max_examples=2000, deadline=None)
@given(st.one_of(plain_lines, plain_lines, any_text))
@pytest.mark.slow
def test_the_plain_shortcut_gives_what_the_converter_gives(text: str) -> None:
    taken = markup._PLAIN.fullmatch(text.rstrip("\n")) is not None
    event("shortcut" if taken else "converter")
    assert str(markup.to_html(text)) == converted(text)


# 8. libyaml reads what the pure-Python parser reads, the same way, or is not used.

YAML_TOKENS = [
    "a", "b", ":", ": ", " ", "  ", "\n", "\n  ", "\n- ", "- ", "[", "]", "{", "}", ",", "'", '"', "#",
    "&x ", "*x", "? ", "|", ">", "!!str ", "\t", "\x85", "\u2028", "\ufeff", "\\", "1", "-1", "~", "%",
    "<<", "---", "...", "é", "\U0001f600", "!", "@", "`",
]  # fmt: skip


def _read_yaml(text: str, fast: bool) -> object:
    from statusgen import yamlsrc

    def shape(value: object) -> object:
        if isinstance(value, yamlsrc.YamlMap):
            return ("map", value.line, {k: shape(v) for k, v in value.items()}, dict(value.key_lines))
        if isinstance(value, yamlsrc.YamlList):
            return ("list", value.line, [shape(v) for v in value], list(value.item_lines))
        return (type(value).__name__, value)

    saved = yamlsrc._FastLoader
    yamlsrc._FastLoader = saved if fast else yamlsrc._Loader
    try:
        return shape(yamlsrc.parse(text))
    except yamlsrc.YamlError as exc:
        return ("error", exc.line, str(exc.message))
    finally:
        yamlsrc._FastLoader = saved


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(YAML_TOKENS), min_size=1, max_size=14).map("".join))
@pytest.mark.slow
def test_libyaml_and_the_python_parser_read_alike(text: str) -> None:
    """Whether PyYAML was built with libyaml must not change what a file means or which line an
    error names: documents libyaml reads differently are given to the pure-Python parser (yamlsrc)."""
    assert _read_yaml(text, fast=True) == _read_yaml(text, fast=False)


@pytest.mark.slow
def test_deep_nesting_is_refused_not_crashed() -> None:
    """100,000 nested brackets: libyaml's composer would recurse in C until the process dies; the
    text goes to the pure-Python parser, which stops at MAX_DEPTH with a message."""
    from statusgen import yamlsrc

    with pytest.raises(yamlsrc.YamlError, match="nested more than 50 levels"):
        yamlsrc.parse("a: " + "[" * 100_000 + "]" * 100_000)


@pytest.mark.slow
def test_timings_say_where_a_build_spent_its_time(cli, demo, tmp_path) -> None:
    """``build --timings`` names the three steps with their seconds, and counts the files it wrote."""
    out = tmp_path / "site"
    run = cli("build", "--config", demo.config, "--out", out, "--now", sites.NOW_ARG, "--timings")
    assert run.code == 0
    seconds = r"(\d+\.\d{3}) s"
    found = re.search(rf"timings: read {seconds}, figures {seconds}, pages {seconds} \((\d+) files\)", run.err)
    assert found is not None, run.err
    assert int(found[4]) == sum(1 for path in out.rglob("*") if path.is_file())
    assert all(float(found[n]) > 0 for n in (1, 2, 3))
    quiet = cli("build", "--config", demo.config, "--out", out, "--now", sites.NOW_ARG)
    assert "timings" not in quiet.err


def test_each_language_catalogue_is_parsed_once_per_build(make_site, cli, monkeypatch) -> None:
    # A build reads each catalogue twice: with the configuration (are they complete?) and for the pages.
    # The second reading must be the first one's result, not another parse.
    site = make_site()  # languages: id and en, the default
    parsed: list[str] = []
    real = i18n.parse

    def counting(text: str) -> object:
        parsed.append(text)
        return real(text)

    monkeypatch.setattr(i18n, "parse", counting)
    monkeypatch.setattr(i18n, "_READ", {}, raising=False)  # none read yet
    assert cli("build", "--config", site.config, "--out", site.out, "--now", "2026-11-26T10:00+08:00").code == 0
    assert len(parsed) == 2  # id.yml and en.yml, once each
    # A changed catalogue is read again (serve rebuilds while it is edited); here: a copy, newer.
    folder = site.root / "locales"
    shutil.copytree(i18n.LOCALES, folder)
    assert i18n.load_catalogue("id", folder) is i18n.load_catalogue("id", folder)
    assert len(parsed) == 3
    (folder / "id.yml").write_text((folder / "id.yml").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    i18n.load_catalogue("id", folder)
    assert len(parsed) == 4


def test_a_year_page_in_every_language_is_made_from_one_calendar(cli, demo, tmp_path, monkeypatch) -> None:
    """Each job makes its pages in every language, one after the other (render._in_every_language), and a
    component keeps the last calendar asked for: the demo's two languages make each year's calendar once."""
    monkeypatch.setenv("STATUSGEN_WORKERS", "1")  # made in this process, where they are counted
    made: list[tuple[str, int]] = []
    calendar = views._calendar

    def counted(year: int, **named):  # type: ignore[no-untyped-def]
        made.append((named["cell"].args[2], year))  # the component's id, bound to its cells (views.site_view)
        return calendar(year, **named)

    monkeypatch.setattr(views, "_calendar", counted)
    build(cli, demo.config, tmp_path / "site", sites.NOW_ARG, "--no-cache")
    pages = sorted(tmp_path.glob("site/components/*/[0-9][0-9][0-9][0-9]/index.html"))
    english = sorted(tmp_path.glob("site/en/components/*/[0-9][0-9][0-9][0-9]/index.html"))
    assert len(pages) == len(english) > 10
    assert len(made) == len(set(made)) == len(pages)  # once a component's year, not once a language
