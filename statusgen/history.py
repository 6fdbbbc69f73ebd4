"""Probe history files: samples in ``history/<component>/<YYYY-MM>.csv``, and the compacted files
beside them. Their format, and parsing them line by line.

The files are append-only and merged with git's union driver, so two runs that
race can leave lines out of order, duplicated, or a last line cut short.
Readers therefore sort and de-duplicate by time, and skip a broken line with a
warning; nothing here ever rewrites a file. Reading a component's whole folder is
``recorded.py``'s work, compacting old months ``compaction.py``'s.
"""

from __future__ import annotations

import functools
import itertools
import operator
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from .model import BANDWIDTH_ERRORS, BandwidthSample, Message, ProbeSample, Run
from .problems import Problems
from .yamlsrc import NotRegular, read_regular

HEADER = ("time", "status", "http_status", "latency_ms", "error", "cert_days")
# Compacted history: a month of samples as runs of one status, and a line of figures per UTC day.
RUNS = "runs.csv"
RUNS_HEADER = ("month", "start", "end", "status")
DAILY = "daily.csv"
DAILY_HEADER = ("date", "samples", "up", "degraded", "down", "median_ms", "p95_ms")
# A month is compacted only once it is listed here, written after its runs and daily lines, with the
# length and SHA-256 of the raw file it was compacted from (an older version wrote the first three only).
COMPACTED = "compacted.csv"
COMPACTED_HEADER = ("month", "runs", "days", "bytes", "sha256")
STATUSES = ("up", "degraded", "down")
# Seconds a sample may lie ahead of ``now`` and still be believed: a runner's clock a little fast.
# Past it, a sample is a stray (a wrong clock), counted in no figure.
LEEWAY = 5 * 60
ERRORS = ("timeout", "dns", "connection", "tls", "status", "keyword", "redirects", "error")


_STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", re.ASCII)  # ASCII: \d would take any script's digits


# A well-formed sample line, all of it checked by one expression; anything else goes through
# parse_line, which says what is wrong.
_LINE = re.compile(
    r"(\d{4}-\d\d-\d\d)T(\d\d):([0-5]\d):([0-5]\d)Z,(up|degraded|down),([1-9]\d\d|),(\d{1,7}|),"
    r"(timeout|dns|connection|tls|status|keyword|redirects|error|),(\d{1,5}|)",
    re.ASCII,
)


def month_span(month: str) -> tuple[int, int]:
    """``[start, end)`` of the UTC month ``YYYY-MM`` in seconds since the epoch; ValueError if it is not one."""
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month, re.ASCII):
        raise ValueError(f"'{month}' is not a month like 2026-11")
    year, number = int(month[:4]), int(month[5:])
    start = datetime(year, number, 1, tzinfo=UTC)
    end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=UTC)
    return int(start.timestamp()), int(end.timestamp())


def _day_start(day: str, cache: dict[str, int]) -> int | None:
    """Seconds since the epoch at 00:00 UTC of ``YYYY-MM-DD``, or None for a date that does not exist."""
    start = cache.get(day)
    if start is None:
        start = _midnight(day)
        if start is not None:
            cache[day] = start
    return start


@functools.lru_cache(maxsize=1 << 16)  # the days of a history: a few thousand, met in every file of every component
def _midnight(day: str) -> int | None:
    try:
        return (date.fromisoformat(day).toordinal() - _EPOCH) * 86400
    except ValueError:
        return None


_EPOCH = date(1970, 1, 1).toordinal()


def parse_lines(lines: Iterable[tuple[int, str]], problems: Problems, shown: str) -> list[ProbeSample]:
    """Samples from numbered CSV lines; a malformed line is skipped with a warning.

    This is the loop a build spends most of its reading in, so the common case, a well-formed
    line, costs one regular expression and a dictionary lookup for its day.
    """
    found: list[ProbeSample] = []
    append = found.append
    new = tuple.__new__  # what ProbeSample(...) ends in, without its Python-level __new__
    days: dict[str, int] = {}
    match = _LINE.fullmatch
    for number, text in lines:
        fields = match(text)
        if fields is not None:
            day, hours, minutes, secs, status, http_status, latency, error, cert_days = fields.groups()
            start = days.get(day)
            if start is None:
                start = _day_start(day, days)
            if start is not None and hours < "24":
                sample = (
                    start + int(hours) * 3600 + int(minutes) * 60 + int(secs),
                    status,
                    int(http_status) if http_status else None,
                    int(latency) if latency else None,
                    error or None,
                    int(cert_days) if cert_days else None,
                )
                append(new(ProbeSample, sample))
                continue
        try:  # not well formed: say why
            append(parse_line(text.split(",")))
        except ValueError as exc:
            problems.warning(shown, number, Message("skipped a malformed probe line: {reason}", reason=_reason(exc)))
    return found


# The same lines as _LINE and _RUN_LINE, a whole file of them checked by one match. Nothing is captured: the
# fields are then found by splitting the text, which makes one string a field where a match with groups makes a
# tuple and a string a field (a build reads tens of millions of lines). A stamp's "T" and "Z" split it too, into
# its day and its clock: no other field holds an upper-case letter.
_CLOCK = r"\d{4}-\d\d-\d\dT(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\dZ"
_EVERY_LINE = re.compile(
    rf"(?:{_CLOCK},(?:up|degraded|down),(?:[1-9]\d\d)?,\d{{0,7}},"
    r"(?:timeout|dns|connection|tls|status|keyword|redirects|error)?,\d{0,5}\n)*",
    re.ASCII,
)
_EVERY_RUN = re.compile(rf"(?:\d{{4}}-\d\d,{_CLOCK},{_CLOCK},(?:up|degraded|down)\n)*", re.ASCII)


def _whole_fields(data: bytes, pattern: re.Pattern[str], header: tuple[str, ...]) -> list[str] | None:
    """Every field of every line of ``data`` in one list, each stamp as its day and its clock (a header line
    first is left out), when every line is plain ASCII, ends with a line feed and is well formed by ``pattern``;
    else None, and the lines are read one at a time. The list ends with an empty string after the last line."""
    if not data.isascii():
        return None
    text = data.decode("ascii")
    heading = ",".join(header) + "\n"
    if text.startswith(heading):
        text = text[len(heading) :]
    if pattern.fullmatch(text) is None:
        return None
    return text.replace("T", ",").replace("Z,", ",").replace("\n", ",").split(",")


def _clock_seconds(clocks: Iterable[str]) -> dict[str, int]:
    """Seconds since midnight of each distinct ``HH:MM:SS`` (its hour 00 to 23, as the patterns allow)."""
    return {clock: int(clock[:2]) * 3600 + int(clock[3:5]) * 60 + int(clock[6:]) for clock in set(clocks)}


def _day_starts(days: Iterable[str]) -> dict[str, int] | None:
    """Seconds since the epoch at 00:00 UTC of each distinct day; None if one does not exist."""
    found: dict[str, int] = {}
    for day in set(days):
        start = _day_start(day, found)
        if start is None:
            return None
    return found


def _moments(days: Sequence[str], clocks: Sequence[str]) -> list[int] | None:
    """Seconds since the epoch of each day and clock side by side; None if a day does not exist."""
    starts, seconds = _day_starts(days), _clock_seconds(clocks)
    if starts is None:
        return None
    return list(map(operator.add, map(starts.__getitem__, days), map(seconds.__getitem__, clocks)))


def _numbers(texts: Sequence[str]) -> list[int | None]:
    """Each text as its number, "" as None (each distinct text converted once)."""
    found = {text: int(text) if text else None for text in set(texts)}
    return list(map(found.__getitem__, texts))


def sample_columns(data: bytes) -> list[list[Any]] | None:
    """The columns of the samples (time, status, http_status, latency_ms, error, cert_days) of a file whose
    every line is well formed, found at once: what parse_lines gives line by line; None for anything else
    (a malformed or cut-short line, another line end), which parse_lines then reads and reports."""
    fields = _whole_fields(data, _EVERY_LINE, HEADER)
    if fields is None:
        return None
    # Seven fields a line (the stamp is two): day, clock, status, http_status, latency, error, cert_days.
    times = _moments(fields[0:-1:7], fields[1::7])
    if times is None:
        return None
    errors = [text or None for text in fields[5::7]]
    return [times, fields[2::7], _numbers(fields[3::7]), _numbers(fields[4::7]), errors, _numbers(fields[6::7])]


def run_columns(data: bytes) -> list[list[Any]] | None:
    """The columns of the runs (start, end, status, month) of a runs file whose every line is well formed and
    ends after it starts, found at once; None for anything else (see sample_columns)."""
    fields = _whole_fields(data, _EVERY_RUN, RUNS_HEADER)
    if fields is None:
        return None
    # Six fields a line: month, start day, start clock, end day, end clock, status.
    starts, ends = _moments(fields[1::6], fields[2::6]), _moments(fields[3::6], fields[4::6])
    if starts is None or ends is None or not all(map(operator.lt, starts, ends)):
        return None
    return [starts, ends, fields[5::6], fields[0:-1:6]]


def _moment(stamp: str, days: dict[str, int] | None = None) -> int:
    """Seconds since the epoch of ``YYYY-MM-DDTHH:MM:SSZ``; ``days`` caches the start of each date seen."""
    if not _STAMP.fullmatch(stamp) or stamp[11:13] >= "24" or stamp[14] > "5" or stamp[17] > "5":
        raise ValueError(f"time '{stamp}' is not UTC ISO 8601 like 2026-11-26T02:00:00Z")
    start = _day_start(stamp[:10], {} if days is None else days)
    if start is None:
        raise ValueError(f"time '{stamp}' is not UTC ISO 8601 like 2026-11-26T02:00:00Z")
    return start + int(stamp[11:13]) * 3600 + int(stamp[14:16]) * 60 + int(stamp[17:19])


def parse_line(fields: list[str]) -> ProbeSample:
    """One CSV row as a sample; raises ValueError saying what is wrong."""
    if len(fields) != len(HEADER):
        raise ValueError(f"expected {len(HEADER)} fields, found {len(fields)}")
    stamp, status, http_status, latency, error, cert_days = fields
    moment = _moment(stamp)
    if status not in STATUSES:
        raise ValueError(f"status '{status}' is not one of {', '.join(STATUSES)}")
    if error and error not in ERRORS:
        raise ValueError(f"error '{error}' is not one of {', '.join(ERRORS)}")
    return ProbeSample(
        moment,
        status,
        _number(http_status, "http_status", 100, 999),  # what http.client accepts
        _number(latency, "latency_ms", 0, LATENCY_MAX),
        error or None,
        _number(cert_days, "cert_days", 0, CERT_DAYS_MAX),
    )


# What a probe can have written: _LINE takes these as numbers of at most 7 and 5 digits.
LATENCY_MAX = 9_999_999  # milliseconds, some 2.8 hours: far past any timeout
CERT_DAYS_MAX = 99_999


def _reason(exc: ValueError) -> str:
    """What a ValueError says: its Message (which can be translated), else its text."""
    return exc.args[0] if exc.args and isinstance(exc.args[0], Message) else str(exc)


def _number(text: str, name: str, low: int, high: int) -> int | None:
    if text == "":
        return None
    # int() would also take "+200", "2_00", " 200" and other scripts' digits.
    if not (text.isascii() and text.isdigit()):
        raise ValueError(
            Message("{name} '{text}' is not a whole number written with the digits 0-9", name=name, text=text)
        )
    if not low <= int(text) <= high:
        raise ValueError(Message("{name} {text} is outside {low}-{high}", name=name, text=text, low=low, high=high))
    return int(text)


class Unreadable(Exception):
    """A history file that cannot be read at all (as opposed to a line that is malformed)."""


def read_data(path: Path, shown: str, problems: Problems) -> bytes:
    """The bytes of a history file; raises Unreadable, with a warning, when it cannot be read.

    Only a regular file is read: a pipe in its place would wait for ever, a device never end.
    """
    try:
        return read_regular(path)
    except (IsADirectoryError, NotRegular):
        problems.warning(shown, 1, Message("skipped: not a regular file (a folder, pipe or device)"))
    except OSError as exc:
        problems.warning(shown, 1, Message("skipped: cannot read the file ({reason})", reason=exc.strerror or str(exc)))
    raise Unreadable(shown)


def lines_of(
    data: bytes, shown: str, problems: Problems, before: int = 0, header: tuple[str, ...] = HEADER
) -> Iterator[tuple[int, str]]:
    """(line number, text) of each data line: not blank, not the header; ``before`` lines precede ``data``.

    Lines are decoded one at a time (the format has no quoting), so one bad byte costs one
    line, with a warning, never the rest of the file.
    """
    heading = ",".join(header)
    pieces = data.split(b"\n")
    if pieces[-1].rstrip(b"\r"):
        # Every write ends its lines, so a last line without its end was being written when this
        # was read, or its writer was stopped: what is there may be a cut-short number that would
        # read as another (cert_days 4 of 40). It is skipped until it is whole; the next append
        # starts a new line after it.
        problems.warning(
            shown,
            before + len(pieces),
            Message(
                "skipped the last line: it has no line end, so it may be cut short (a probe run stopped while "
                "writing it)"
            ),
        )
    pieces.pop()  # after the last line end: nothing, or the unfinished line
    for number, raw in enumerate(pieces, start=before + 1):
        line = raw.rstrip(b"\r")
        if not line:
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            problems.warning(shown, number, Message("skipped a line that is not UTF-8 text"))
            continue
        if text != heading:
            yield number, text


def _lines(path: Path, shown: str, problems: Problems, header: tuple[str, ...]) -> Iterator[tuple[int, str]]:
    """(line number, text) of each data line of a file; raises Unreadable when it cannot be opened."""
    return lines_of(read_data(path, shown, problems), shown, problems, 0, header)


def _rows(path: Path, shown: str, problems: Problems, header: tuple[str, ...]) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) of each data line; see lines_of."""
    for number, text in _lines(path, shown, problems, header):
        yield number, text.split(",")


def read_samples(path: Path, problems: Problems, shown: str) -> list[ProbeSample]:
    """The samples of one raw file, in file order; malformed lines are skipped with a warning.

    Raises Unreadable when the file cannot be opened.
    """
    return parse_lines(_lines(path, shown, problems, HEADER), problems, shown)


_RUN_STAMP = r"((\d{4}-\d\d-\d\d)T(\d\d):([0-5]\d):([0-5]\d)Z)"
_RUN_LINE = re.compile(rf"(\d{{4}}-\d\d),{_RUN_STAMP},{_RUN_STAMP},(up|degraded|down)", re.ASCII)


def read_runs(path: Path, problems: Problems, shown: str) -> list[Run]:
    """Compacted runs, sorted and de-duplicated; malformed lines are skipped with a warning."""
    if not path.is_file():
        return []
    try:
        lines = list(_lines(path, shown, problems, RUNS_HEADER))
    except Unreadable:
        return []
    return in_order(parse_run_lines(lines, problems, shown))


def in_order(runs: list[Run]) -> list[Run]:
    """Runs sorted, each once; those that compaction wrote alone are so already and are returned as they are."""
    if all(map(operator.lt, runs, itertools.islice(runs, 1, None))):  # at C speed: years of runs
        return runs
    return sorted(set(runs))


def parse_run_lines(lines: Iterable[tuple[int, str]], problems: Problems, shown: str) -> list[Run]:
    """Runs from numbered CSV lines, in file order; a malformed line is skipped with a warning."""
    runs: list[Run] = []
    days: dict[str, int] = {}
    match = _RUN_LINE.fullmatch
    new = tuple.__new__
    for number, text in lines:
        fields = match(text)
        if fields is not None:
            month, _, day, hours, minutes, secs, _, end_day, end_hours, end_minutes, end_secs, status = fields.groups()
            start = days.get(day)
            if start is None:
                start = _day_start(day, days)
            end = days.get(end_day)
            if end is None:
                end = _day_start(end_day, days)
            if start is not None and end is not None and hours < "24" and end_hours < "24":
                start += int(hours) * 3600 + int(minutes) * 60 + int(secs)
                end += int(end_hours) * 3600 + int(end_minutes) * 60 + int(end_secs)
                if end > start:
                    runs.append(new(Run, (start, end, status, month)))
                    continue
        try:  # not well formed: say why
            row = text.split(",")
            if len(row) != len(RUNS_HEADER):
                raise ValueError(f"expected {len(RUNS_HEADER)} fields, found {len(row)}")
            month, start_text, end_text, status = row
            if status not in STATUSES:
                raise ValueError(f"status '{status}' is not one of {', '.join(STATUSES)}")
            run = Run(_moment(start_text, days), _moment(end_text, days), status, month)
            if run.end <= run.start:
                raise ValueError("the run ends before it starts")
            runs.append(run)
        except ValueError as exc:
            problems.warning(shown, number, Message("skipped a malformed run line: {reason}", reason=_reason(exc)))
    return runs


def compacted_months(folder: Path, problems: Problems, shown: str) -> dict[str, tuple[int, str] | None]:
    """The months whose compaction finished (their runs and daily lines are complete), each with the
    length and SHA-256 of the raw file it was compacted from; None where compacted.csv does not say."""
    path = folder / COMPACTED
    if not path.is_file():
        return {}
    done: dict[str, tuple[int, str] | None] = {}
    try:
        for _, row in _rows(path, f"{shown}/{COMPACTED}", problems, COMPACTED_HEADER):
            if not row or row[0] == "month":  # the header an older version wrote
                continue
            source = None
            if len(row) == len(COMPACTED_HEADER) and row[3].isascii() and row[3].isdigit():
                source = (int(row[3]), row[4])
            if done.get(row[0]) is None:
                done[row[0]] = source
    except Unreadable:
        return {}
    return done


def unique_by_time(samples: list[ProbeSample]) -> list[ProbeSample]:
    """Sorted by time, one sample per time.

    Of two different lines for one time (two racing runs), the one whose text sorts first wins,
    so every reader picks the same one.
    """
    times = list(map(operator.itemgetter(0), samples))
    if all(map(operator.lt, times, itertools.islice(times, 1, None))):  # at C speed: months of samples
        return samples  # already in order, one per time: what a history that no race touched holds
    kept: dict[int, ProbeSample] = {}
    for sample in samples:
        other = kept.get(sample.time)
        if other is None or sample.csv_line() < other.csv_line():
            kept[sample.time] = sample
    return [kept[t] for t in sorted(kept)]


# Throughput measurements (model.BandwidthSample), a file a month beside the samples: few lines, never compacted.
BANDWIDTH_HEADER = ("time", "download_mbps", "upload_mbps", "error")
BANDWIDTH_FILES = "bandwidth-????-??.csv"
MBPS_MAX = 1_000_000.0


def bandwidth_file(month: str) -> str:
    return f"bandwidth-{month}.csv"


def read_bandwidth(path: Path, problems: Problems, shown: str) -> list[BandwidthSample]:
    """The measurements of one bandwidth file, in file order; a malformed line is skipped with a warning.

    Raises Unreadable when the file cannot be opened.
    """
    found = []
    for number, text in _lines(path, shown, problems, BANDWIDTH_HEADER):
        try:
            found.append(parse_bandwidth(text.split(",")))
        except ValueError as exc:
            problems.warning(
                shown, number, Message("skipped a malformed bandwidth line: {reason}", reason=_reason(exc))
            )
    return found


def parse_bandwidth(fields: list[str]) -> BandwidthSample:
    """One bandwidth CSV row; raises ValueError saying what is wrong."""
    if len(fields) != len(BANDWIDTH_HEADER):
        raise ValueError(f"expected {len(BANDWIDTH_HEADER)} fields, found {len(fields)}")
    stamp, download, upload, error = fields
    if error and error not in BANDWIDTH_ERRORS:
        raise ValueError(f"error '{error}' is not one of {', '.join(BANDWIDTH_ERRORS)}")
    return BandwidthSample(
        _moment(stamp), _mbps(download, "download_mbps"), _mbps(upload, "upload_mbps"), error or None
    )


def _mbps(text: str, name: str) -> float | None:
    if text == "":
        return None
    if not re.fullmatch(r"\d{1,7}(\.\d{1,3})?", text, re.ASCII):
        raise ValueError(Message("{name} '{text}' is not a number like 38.512", name=name, text=text))
    value = float(text)
    if value > MBPS_MAX:
        raise ValueError(Message("{name} {text} is outside 0-{high}", name=name, text=text, high=f"{MBPS_MAX:g}"))
    return value


SKIPPED = "skipped.txt"  # lines of compacted months that no figure counts, kept as they were; no build reads it
