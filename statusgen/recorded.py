"""What the probes recorded: each component's history folder read into compacted runs and raw samples.

Besides malformed lines (``history.py`` skips those), a folder can hold lines that parse but cannot
be believed, *strays*: a sample dated outside the month its file is named for, one that reached a
month after it was compacted, one before its component's history starts, or one later than now
(beyond ``LEEWAY``). A runner with a wrong clock or a hand edit is enough to write one, and believed
it would rewrite years of figures (a sample from 1970 would start the probe era in 1970). So strays
are counted in no figure and reported at their file and line, as warnings that ``--strict`` makes
errors. Nothing is removed from the files: history is append-only; compaction keeps the lines of
compacted months that no figure counts, as they were, in ``skipped.txt``.
"""

from __future__ import annotations

import bisect
import contextlib
import hashlib
from collections.abc import Callable, Iterable
from functools import partial
from itertools import repeat
from operator import itemgetter
from pathlib import Path

from .cache import Columns, ParseCache, warm
from .history import (
    BANDWIDTH_FILES,
    COMPACTED,
    HEADER,
    LEEWAY,
    RUNS,
    RUNS_HEADER,
    SKIPPED,
    Unreadable,
    compacted_months,
    in_order,
    lines_of,
    month_span,
    parse_lines,
    parse_run_lines,
    read_bandwidth,
    read_data,
    read_runs,
    read_samples,
    run_columns,
    sample_columns,
    unique_by_time,
)
from .model import BandwidthSample, ComponentHistory, Message, ProbeSample, Run, stamp
from .problems import Problem, Problems


def read_component(folder: Path, problems: Problems, shown_root: str) -> list[ProbeSample]:
    """Every raw sample in one component's folder, sorted by time, one per time.

    Where union merges left two different lines for one time, the first in sort order wins.
    Months already compacted into runs.csv are left out.
    """
    return list(read_folder(folder, problems, shown_root).samples)


def read_folder(
    folder: Path,
    problems: Problems,
    shown_root: str,
    cache: ParseCache | None = None,
    strays: Problems | None = None,
    since: str | None = None,
) -> ComponentHistory:
    """One component's compacted runs and raw samples; ``cache`` (a cache.ParseCache) saves parsing again.

    With ``since`` (a month, "2026-11", and a cache), only the samples of that month and later are read: the
    runs and the files of the months before are only digested into ``sources``, in the order a whole reading
    puts them there, for what their figures add up to is kept (figures.Before) under a key made of them.

    A raw file holds only its own month: a sample dated outside it is a stray, counted in no figure,
    and so is a sample that reached a month after it was compacted (a late line) without being in its
    runs already. Both are reported to ``strays`` (default: ``problems``), which a strict build fails on;
    a malformed line is reported to ``problems``.
    """
    strays = problems if strays is None else strays
    done = compacted_months(folder, problems, shown_root)
    runs_path = folder / RUNS
    sources: list[tuple[str, bytes]] = []  # with a cache only: what the figures kept between builds are keyed on
    if cache is not None:
        sources.append((COMPACTED, _digest(folder / COMPACTED)))
    settled = since is not None and cache is not None
    every_run: list[Run] = []
    if settled and runs_path.is_file():
        sources.append((RUNS, _digest(runs_path)))
    elif cache is not None and runs_path.is_file():
        with contextlib.suppress(Unreadable):
            every_run = in_order(cached_runs(cache, runs_path, problems, f"{shown_root}/{RUNS}", sources))
    else:
        every_run = read_runs(runs_path, problems, f"{shown_root}/{RUNS}")
    runs = [r for r in every_run if r.month in done]
    samples: list[ProbeSample] = []
    for path in sorted(folder.glob("????-??.csv")):
        shown = f"{shown_root}/{path.name}"
        if settled and path.stem < str(since):
            sources.append((path.name, _digest(path)))
            continue
        if cache is not None and (path.stem in done or not _is_month(path.stem)):
            sources.append((path.name, _digest(path)))  # read for its warnings only, which the key must cover
        try:
            span = month_span(path.stem)
        except ValueError:
            strays.warning(
                shown, 1, Message("skipped: the file name is not a month; probe history files are YYYY-MM.csv")
            )
            continue
        with contextlib.suppress(Unreadable):
            if path.stem in done:
                _late(path, done[path.stem], [r for r in runs if r.month == path.stem], shown, strays)
                continue
            found = (
                read_samples(path, problems, shown)
                if cache is None
                else cached_samples(cache, path, problems, shown, sources)
            )
            samples += _own_month(found, span, path, shown, strays)
    measured = _measurements(folder, problems, shown_root)
    return ComponentHistory(tuple(runs), tuple(unique_by_time(samples)), measured, tuple(sources))


def _is_month(name: str) -> bool:
    try:
        month_span(name)
    except ValueError:
        return False
    return True


def _digest(path: Path) -> bytes:
    """The SHA-256 of a small file's bytes; of nothing when it cannot be read (so of no file)."""
    try:
        return hashlib.sha256(read_data(path, "", Problems())).digest()
    except Unreadable:
        return hashlib.sha256().digest()


GUESS_BYTES = 4096  # of the head of a file read to guess where a folder's history starts


def first_times(folder: Path) -> list[int]:
    """The times of the first run of a folder's runs.csv and of the first sample of its oldest month, from the
    first few kilobytes of each: where its history seems to start. Only a guess (a file is not always in
    order, and strays are not screened out), which a reading of the whole folder confirms or corrects."""

    def first_run(lines: Iterable[tuple[int, str]]) -> list[int]:
        return [run.start for run in parse_run_lines(lines, Problems(), "")[:1]]

    def first_sample(lines: Iterable[tuple[int, str]]) -> list[int]:
        return [sample.time for sample in parse_lines(lines, Problems(), "")[:1]]

    months = sorted(path for path in folder.glob("????-??.csv") if path.is_file())
    heads = [(folder / RUNS, RUNS_HEADER, first_run), *((path, HEADER, first_sample) for path in months[:1])]
    found: list[int] = []
    for path, header, first in heads:
        try:
            with path.open("rb") as stream:
                head = stream.read(GUESS_BYTES)
        except OSError:
            continue
        whole = head[: head.rfind(b"\n") + 1]  # the lines read whole
        found += first(lines_of(whole, "", Problems(), 0, header))
    return found


def _measurements(folder: Path, problems: Problems, shown_root: str) -> tuple[BandwidthSample, ...]:
    """Every throughput measurement of one folder, sorted by time, one per time; those dated outside their file's
    month are left out (a wrong clock)."""
    found: dict[int, BandwidthSample] = {}
    for path in sorted(folder.glob(BANDWIDTH_FILES)):
        try:
            start, end = month_span(path.stem.removeprefix("bandwidth-"))
        except ValueError:
            continue
        with contextlib.suppress(Unreadable):
            for sample in read_bandwidth(path, problems, f"{shown_root}/{path.name}"):
                kept = found.get(sample.time)
                if start <= sample.time < end and (kept is None or sample.csv_line() < kept.csv_line()):
                    found[sample.time] = sample
    return tuple(found[moment] for moment in sorted(found))


def cached_samples(
    cache: ParseCache, path: Path, problems: Problems, shown: str, sources: list[tuple[str, bytes]] | None = None
) -> list[ProbeSample]:
    """What ``history.read_samples`` returns for ``path``, from the cache where it can be; the digest of the
    bytes read is added to ``sources`` (see ComponentHistory.sources)."""
    data = read_data(path, shown, problems)  # raises Unreadable, with a warning
    if sources is not None:
        sources.append((path.name, hashlib.sha256(data).digest()))
    columns = cache.columns(path, "samples", data, _sample_columns, problems, shown)
    return list(map(tuple.__new__, repeat(ProbeSample), zip(*columns, strict=True))) if columns[0] else []


def cached_runs(
    cache: ParseCache, path: Path, problems: Problems, shown: str, sources: list[tuple[str, bytes]] | None = None
) -> list[Run]:
    """The runs of a ``runs.csv`` in file order, malformed lines skipped with a warning, from the cache where it
    can be; the digest of the bytes read is added to ``sources``."""
    data = read_data(path, shown, problems)
    if sources is not None:
        sources.append((path.name, hashlib.sha256(data).digest()))
    columns = cache.columns(path, "runs", data, _run_columns, problems, shown)
    return list(map(tuple.__new__, repeat(Run), zip(*columns, strict=True))) if columns[0] else []


def _sample_columns(data: bytes, before: int, shown: str, problems: Problems) -> Columns:
    whole = sample_columns(data)  # every line well formed: all at once
    if whole is not None:
        return whole
    samples = parse_lines(lines_of(data, shown, problems, before), problems, shown)
    return [list(column) for column in zip(*samples, strict=True)] if samples else [[] for _ in range(6)]


def _run_columns(data: bytes, before: int, shown: str, problems: Problems) -> Columns:
    whole = run_columns(data)
    if whole is not None:
        return whole
    runs = parse_run_lines(lines_of(data, shown, problems, before, RUNS_HEADER), problems, shown)
    return [list(column) for column in zip(*runs, strict=True)] if runs else [[] for _ in range(4)]


def _own_month(
    samples: list[ProbeSample], span: tuple[int, int], path: Path, shown: str, strays: Problems
) -> list[ProbeSample]:
    """The samples of a month file that lie in its month; the others are reported, once for the file."""
    start, end = span
    if not samples or (min(map(itemgetter(0), samples)) >= start and max(map(itemgetter(0), samples)) < end):
        return samples  # the common case, checked at C speed
    kept = [sample for sample in samples if start <= sample.time < end]
    outside = {stamp(sample.time) for sample in samples if not start <= sample.time < end}
    strays.warning(
        shown,
        first_line(path, outside),
        Message(
            "{n} probe samples dated outside {month} are not counted (a probe run with a wrong clock, or a "
            "line put into the wrong file): move them to the file of their own month, or remove them",
            n=len(samples) - len(kept),
            month=path.stem,
        ),
    )
    return kept


def _late(path: Path, source: tuple[int, str] | None, runs: list[Run], shown: str, strays: Problems) -> None:
    """Report the lines that reached a month after it was compacted (``source``: what it was compacted from;
    ``runs``: the month's runs). None of them counts; the next compaction keeps them in SKIPPED."""
    data = read_data(path, shown, Problems())
    numbers = late_lines(data, source, runs)
    if numbers:
        strays.warning(
            shown,
            numbers[0],
            Message(
                "{n} lines reached {month} after it was compacted and are not counted; the next 'compact' keeps "
                "them as they were in {file}",
                n=len(numbers),
                month=path.stem,
                file=SKIPPED,
            ),
        )


def late_lines(data: bytes, source: tuple[int, str] | None, runs: list[Run]) -> list[int]:
    """The numbers of the lines of a compacted month's raw file ``data`` that came after its compaction.

    ``source`` is the length and SHA-256 of the bytes the month was compacted from. A raw file that a
    compaction stopped before removing it is those bytes exactly; lines appended since follow them; a
    file that does not begin with them was written afresh, after the compaction, and is late as a
    whole. A month compacted by an older version, which did not record them, has only its runs to tell:
    a sample no run of its status covers is late.
    """
    if source is None:
        numbered = [
            (n, s) for n, text in lines_of(data, "", Problems()) for s in parse_lines([(n, text)], Problems(), "")
        ]
        late = set(uncovered([sample for _, sample in numbered], runs))
        return [number for number, sample in numbered if sample in late]
    length, digest = source
    start = length if len(data) >= length and hashlib.sha256(data[:length]).hexdigest() == digest else 0
    before = data.count(b"\n", 0, start)
    heading = ",".join(HEADER).encode()
    return [
        before + index
        for index, line in enumerate(data[start:].split(b"\n"), start=1)
        if line.rstrip(b"\r") and line.rstrip(b"\r") != heading  # an unfinished last line is late too
    ]


def uncovered(samples: Iterable[ProbeSample], runs: list[Run]) -> list[ProbeSample]:
    """The samples that no run of their status covers. ``runs`` are one month's, sorted and disjoint.

    Every sample compaction read lies inside the run it made; what a raw file left by an interrupted
    compaction holds is therefore covered, and only lines that came later are not.
    """
    starts = [run.start for run in runs]
    found = []
    for sample in samples:
        index = bisect.bisect_right(starts, sample.time) - 1
        if index < 0 or runs[index].end <= sample.time or runs[index].status != sample.status:
            found.append(sample)
    return found


def first_line(path: Path, stamps: set[str], column: int = 0) -> int:
    """The number of the first line of ``path`` whose time at ``column`` is one of ``stamps`` (1 if none is).

    Only used to point at a stray line, which is rare, so the file is simply read again.
    """
    with contextlib.suppress(Unreadable):
        for number, text in lines_of(read_data(path, "", Problems()), "", Problems(), 0, ()):
            if text[column : column + 20] in stamps:
                return number
    return 1


def screen(history: ComponentHistory, start: int, limit: int) -> tuple[ComponentHistory, ComponentHistory]:
    """What of ``history`` lies in ``[start, limit]``, and what does not (the strays).

    ``start`` is where the component's history starts, ``limit`` now plus LEEWAY. A run that begins
    before ``start`` keeps only its part from ``start`` on. Pure.
    """
    samples, runs = history.samples, history.runs
    measured = history.bandwidth
    if (
        (not samples or (samples[0].time >= start and samples[-1].time <= limit))
        and (not runs or (runs[0].start >= start and runs[-1].start <= limit))
        and (not measured or (measured[0].time >= start and measured[-1].time <= limit))
    ):
        return history, ComponentHistory()  # the common case
    times = [sample.time for sample in samples]
    low, high = bisect.bisect_left(times, start), bisect.bisect_right(times, limit)
    kept_runs, stray_runs = [], []
    for run in runs:
        if run.start > limit or run.end <= start:
            stray_runs.append(run)
        elif run.start < start:
            stray_runs.append(run._replace(end=start))
            kept_runs.append(run._replace(start=start))
        else:
            kept_runs.append(run)
    kept = ComponentHistory(tuple(kept_runs), samples[low:high], tuple(m for m in measured if start <= m.time <= limit))
    return kept, ComponentHistory(tuple(stray_runs), samples[:low] + samples[high:])


def read_history(
    history: Path,
    folders: list[str],
    problems: Problems,
    shown: str,
    cache: ParseCache | None = None,
    processes: int = 1,
    strays: Problems | None = None,
) -> dict[str, ComponentHistory]:
    """The history of each of ``folders`` (relative to ``history/``: a component's, or a component's from one
    vantage, model.place_folder) that exists, by that name (see read_folder).

    With a ``cache`` and more than one process, forked workers first parse what the cache lacks,
    a share of the components each; this process then reads it all from the cache.
    """
    present = [(key, history / key) for key in folders if (history / key).is_dir()]
    missing = [(key, folder) for key, folder in present if cache is not None and not _cached(folder, cache)]
    if cache is not None and processes > 1 and len(missing) > 1:
        warm([partial(read_folder, folder, Problems(), f"{shown}/{cid}", cache) for cid, folder in missing], processes)
    return {key: read_folder(folder, problems, f"{shown}/{key}", cache, strays) for key, folder in present}


def screened(
    history: dict[str, ComponentHistory],
    starts: dict[str, int],
    limit: int,
    folder: Path,
    shown: str,
    said: Callable[[int], str] = stamp,
) -> tuple[dict[str, ComponentHistory], list[Problem]]:
    """Each component's history from its start (``starts``, seconds) to ``limit`` (now plus LEEWAY), and a
    warning for each file that holds strays outside, at the line of the first (``folder``: history/).
    ``said`` writes a moment for the messages (in the site's zone)."""
    kept: dict[str, ComponentHistory] = {}
    found = Problems()
    for cid, recorded in history.items():
        kept[cid], strays = screen(recorded, starts[cid], limit)
        for early in (True, False):
            by_month: dict[str, list[ProbeSample]] = {}
            for sample in strays.samples:
                if (sample.time < starts[cid]) == early:
                    by_month.setdefault(sample.month, []).append(sample)
            for month, samples in sorted(by_month.items()):
                path = folder / cid / f"{month}.csv"
                line = first_line(path, {stamp(sample.time) for sample in samples})
                found.warning(
                    f"{shown}/{cid}/{month}.csv",
                    line,
                    _stray_message(len(samples), early, said(starts[cid] if early else limit - LEEWAY)),
                )
        for early in (True, False):
            runs = [run for run in strays.runs if (run.start < starts[cid]) == early]
            if runs:
                line = first_line(folder / cid / RUNS, {stamp(run.start) for run in runs}, len("YYYY-MM,"))
                found.warning(
                    f"{shown}/{cid}/{RUNS}",
                    line,
                    _stray_message(len(runs), early, said(starts[cid] if early else limit - LEEWAY), True),
                )
    return kept, found.items


def _stray_message(n: int, early: bool, at: str, runs: bool = False) -> Message:
    if early and runs:
        return Message(
            "{n} compacted runs begin before the component's history starts ({at}); that part is not counted: "
            "check history_start and since in status.yml",
            n=n,
            at=at,
        )
    if early:
        return Message(
            "{n} probe samples are dated before the component's history starts ({at}) and are not counted: "
            "check history_start and since in status.yml, or remove the lines",
            n=n,
            at=at,
        )
    if runs:
        return Message(
            "{n} compacted runs begin after now ({at}) and are not counted: a probe run's clock was ahead", n=n, at=at
        )
    return Message(
        "{n} probe samples are dated after now ({at}) and are not counted: a probe run's clock was ahead; "
        "remove the lines",
        n=n,
        at=at,
    )


def _cached(folder: Path, cache: ParseCache) -> bool:
    """Whether every history file of ``folder`` is in ``cache``, but perhaps for lines appended since."""
    runs = folder / RUNS
    if runs.is_file() and not _held(cache, runs, "runs"):
        return False
    return all(_held(cache, path, "samples") for path in folder.glob("????-??.csv"))


def _held(cache: ParseCache, path: Path, kind: str) -> bool:
    try:
        data = read_data(path, "", Problems())  # a regular file only: a pipe would wait for ever
    except Unreadable:
        return False
    return cache.holds(path, kind, data)
