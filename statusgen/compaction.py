"""Compaction: old raw months of probe history rolled into runs and daily figures.

A month of samples every 5 minutes is some 8,600 lines a component; as runs of one status it is a
few dozen. ``compaction_plan`` works out what to write for each month old enough; ``output.retire_month``
writes it. Runs cover exactly what the build would have covered from the samples, so no published
figure changes. Lines that no figure counts (malformed, or strays, see ``recorded.py``) are not lost
with their month: they are kept as they were in ``skipped.txt``.
"""

from __future__ import annotations

import contextlib
import hashlib
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from .charts import percentile
from .history import (
    RUNS,
    SKIPPED,
    STATUSES,
    Unreadable,
    compacted_months,
    lines_of,
    month_span,
    parse_lines,
    read_data,
    read_runs,
    read_samples,
    unique_by_time,
)
from .model import Message, ProbeSample, Run, stamp
from .problems import Problems
from .recorded import late_lines


class MonthPlan(NamedTuple):
    """What compacting one raw month writes: its runs, its daily figure lines and the lines kept as they
    were (``file:line: text``), then the raw file goes. ``size`` is the number of bytes the plan was made
    from (None: nothing to check), so that a line appended since is seen."""

    month: str
    runs: list[Run]
    daily: list[str]
    skipped: list[str]
    size: int | None
    digest: str = ""  # SHA-256 of the bytes the plan was made from
    already: bool = False  # compacted before: only late lines to keep, and the raw file to remove


def cutoff_month(now: datetime, keep_months: int) -> str:
    """The first month kept raw, ``YYYY-MM``: raw months before it are compacted.

    The current month of ``now`` (in its own zone; ``compact`` passes UTC, the zone of the history files'
    months) is always kept, and ``keep_months`` months before it; so at 2026-12-05 with 3 the cutoff is
    2026-09, and September, October, November and December stay raw.
    """
    index = now.year * 12 + now.month - 1 - keep_months  # months since year 0, counting January 0000 as 0
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def compact_month(
    samples: list[ProbeSample], month: str, following: int | None, max_gap: int
) -> tuple[list[Run], list[str]]:
    """Runs and daily figure lines for one month's samples (sorted, one per time).

    ``following`` is the time of the first sample after the month, which bounds the
    last sample's coverage exactly as the build would; without it the cap ``max_gap`` applies.
    """
    runs: list[Run] = []
    for index, sample in enumerate(samples):
        nxt = samples[index + 1].time if index + 1 < len(samples) else following
        end = sample.time + max_gap if nxt is None else min(nxt, sample.time + max_gap)
        if runs and runs[-1].end == sample.time and runs[-1].status == sample.status:
            runs[-1] = Run(runs[-1].start, end, sample.status, month)
        else:
            runs.append(Run(sample.time, end, sample.status, month))
    by_day: dict[str, list[ProbeSample]] = {}
    for sample in samples:
        by_day.setdefault(stamp(sample.time)[:10], []).append(sample)
    lines = []
    for day, group in sorted(by_day.items()):
        counts = [sum(s.status == status for s in group) for status in STATUSES]
        timed = sorted(s.latency_ms for s in group if s.latency_ms is not None and s.status != "down")
        median = percentile(timed, 50) if timed else ""
        p95 = percentile(timed, 95) if timed else ""
        lines.append(f"{day},{len(group)},{counts[0]},{counts[1]},{counts[2]},{median},{p95}\n")
    return runs, lines


def place_folders(history: Path, component_id: str) -> list[str]:
    """The folders of one component's history, relative to ``history``: its own (the home place's) and each
    other place's ``@<vantage>`` folder in it (see model.place_folder), each compacted alike. Bandwidth files
    in them are never compacted: a few hundred lines a month."""
    folder = history / component_id
    try:
        places = sorted(p.name for p in folder.glob("@*") if p.is_dir() and not p.is_symlink())
    except OSError:  # cannot be listed: the component's own compaction says why
        places = []
    return [component_id, *(f"{component_id}/{name}" for name in places)]


def compaction_plan(
    folder: Path,
    cutoff: str,
    max_gap: int,
    problems: Problems,
    shown: str,
    start: int | None = None,
    limit: int | None = None,
) -> list[MonthPlan]:
    """What to write for each raw month of ``folder`` before ``cutoff`` (YYYY-MM).

    Pure apart from reading: the caller writes. Only samples inside their month and inside
    ``[start, limit]`` (the component's history start, and now plus LEEWAY) are compacted. The lines
    that no figure counts come back as skipped lines, ``<file>:<line>: <text>``, with a warning:
    malformed lines, strays, and in a month already compacted, the lines its runs do not hold (late
    lines; a raw file an interrupted compaction left behind holds none). A month whose file cannot be
    read is left raw.
    """
    if not folder.is_dir():
        return []
    done = compacted_months(folder, problems, shown)
    raw = sorted(p for p in folder.glob("????-??.csv") if p.is_file())
    runs_done: list[Run] | None = None
    plan: list[MonthPlan] = []
    for index, path in enumerate(raw):
        month = path.stem
        if month >= cutoff:
            break
        name = f"{shown}/{path.name}"
        try:
            span = month_span(month)
        except ValueError:
            continue  # not a month file: the build says so; nothing to compact
        found = Problems()
        try:
            data = read_data(path, name, found)
        except Unreadable:
            problems.items += found.items
            problems.warning(name, 1, Message("left raw: the file cannot be read"))
            continue
        if month in done:
            if runs_done is None:
                runs_done = read_runs(folder / RUNS, Problems(), "")
            late = late_lines(data, done[month], [run for run in runs_done if run.month == month])
            skipped = _as_they_were(data, path.name, late)
            if skipped:
                problems.warning(
                    name,
                    late[0],
                    Message(
                        "{n} lines reached {month} after it was compacted; kept as they were in {file}",
                        n=len(skipped),
                        month=month,
                        file=SKIPPED,
                    ),
                )
            plan.append(MonthPlan(month, [], [], skipped, len(data), already=True))
            continue
        low = max(span[0], span[0] if start is None else start)
        high = min(span[1] - 1, span[1] if limit is None else limit)
        # Each line parsed alone, so that every sample keeps the number of its line.
        numbered = [(n, s) for n, text in lines_of(data, name, found) for s in parse_lines([(n, text)], found, name)]
        strays = [number for number, sample in numbered if not low <= sample.time <= high]
        believed = [(number, sample) for number, sample in numbered if low <= sample.time <= high]
        broken = [problem.line for problem in found.items if problem.warning]
        problems.items += found.items
        if broken:
            problems.warning(
                name,
                1,
                Message(
                    "{n} malformed lines kept as they were in {file}; the month is compacted without them",
                    n=len(broken),
                    file=SKIPPED,
                ),
            )
        if strays:
            problems.warning(
                name,
                strays[0],
                Message(
                    "{n} stray probe samples (dated outside the month, before the component's history or after "
                    "now) kept as they were in {file}; the month is compacted without them",
                    n=len(strays),
                    file=SKIPPED,
                ),
            )
        skipped = _as_they_were(data, path.name, broken + strays)
        kept = unique_by_time([sample for _, sample in believed])
        runs, daily = compact_month(kept, month, _following(raw[index + 1 :], start, limit), max_gap)
        plan.append(MonthPlan(month, runs, daily, skipped, len(data), hashlib.sha256(data).hexdigest()))
    return plan


def _as_they_were(data: bytes, name: str, numbers: list[int]) -> list[str]:
    """Lines of a file as ``<name>:<line>: <text>`` for SKIPPED, in file order, each once."""
    lines = data.split(b"\n")
    return [
        f"{name}:{number}: {lines[number - 1].decode('utf-8', 'backslashreplace').rstrip()}\n"
        for number in sorted(set(numbers))
        if 0 < number <= len(lines)
    ]


def _following(later: list[Path], start: int | None, limit: int | None) -> int | None:
    """The time of the first believable sample after a month: in the first later file that has one."""
    for path in later:
        with contextlib.suppress(Unreadable, ValueError):
            low, high = month_span(path.stem)
            low = max(low, start if start is not None else low)
            high = min(high - 1, limit if limit is not None else high)
            times = [s.time for s in read_samples(path, Problems(), "") if low <= s.time <= high]
            if times:
                return min(times)
    return None
