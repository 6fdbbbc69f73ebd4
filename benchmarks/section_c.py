"""Section C: probe history. 200 incidents, 20 components with 90 days of 5-minute samples and 15 years
of compacted history: the cold build, and the rebuild after one more probe run."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path

from bench_common import (
    Bench,
    Target,
    build_args,
    cold,
    measure,
    mib,
    progress,
    run_process,
    say,
    show_timing,
    tree_size,
)
from bench_results import Row
from sites import NOW, Size, add_probe_run

SIZE = Size(200, 20, raw_days=90, rollup_years=15)
TARGET = 3.0
PROBE_TARGET = 0.8


def sample_days() -> int:
    """Days of 5-minute samples the site holds: from the first of the month ``raw_days`` before NOW."""
    start = (NOW - timedelta(days=SIZE.raw_days)).replace(day=1, hour=0, minute=0)
    return (NOW - start).days


def after_probe_run(config: Path, out: Path) -> Callable[[int], list[str]]:
    """Before each run: one more probe sample per component, 5 minutes after the previous one."""

    def prepare(k: int) -> list[str]:
        at = NOW + timedelta(minutes=5 * (k + 1))
        add_probe_run(config.parent, SIZE, at)
        return build_args(config, out, at.isoformat())

    return prepare


def run(bench: Bench) -> None:
    say(f"C  probe history: {SIZE.incidents} incidents, {SIZE.components} components,")
    say(f"   {SIZE.raw_days} days of 5-minute samples, {SIZE.rollup_years} years compacted; runs: {bench.runs}")
    config, out = bench.site("C", SIZE)
    files, size_bytes = tree_size(config.parent / "history")
    say(f"  history/ on disk: {files:,} files, {size_bytes:,} bytes ({mib(size_bytes)})")
    cold_timing = measure("C cold", bench.runs, cold(config, out), config.parent, out)
    show_timing("cold build", cold_timing)
    progress("C: copying the built site for the probe-run rebuilds")
    copy = bench.base / "C-probe"
    shutil.copytree(config.parent, copy, symlinks=True)
    copy_config, copy_out = copy / "status.yml", copy / "site"
    settle = run_process(build_args(copy_config, copy_out))
    say(f"  settling build of the copy (warm, nothing changed, 1 run): {settle.seconds:.3f} s")
    probe_timing = measure("C after a probe run", bench.runs, after_probe_run(copy_config, copy_out), copy, copy_out)
    show_timing("rebuild after one probe run", probe_timing)
    bench.results["C"] = {
        "size": asdict(SIZE),
        "history_files": files,
        "history_bytes": size_bytes,
        "cold": cold_timing.as_json(),
        "settle_warm_s": round(settle.seconds, 4),
        "after_probe_run": probe_timing.as_json(),
    }
    value, rebuild = cold_timing.measured.median, probe_timing.measured.median
    bench.targets.append(Target("C cold build", f"≤ {TARGET} s", f"{value:.3f} s", value <= TARGET))
    bench.targets.append(
        Target("C rebuild after a probe run", f"≤ {PROBE_TARGET} s", f"{rebuild:.3f} s", rebuild <= PROBE_TARGET)
    )
    bench.rows["C"] = [
        Row(
            f"C. {SIZE.components} components, {sample_days()} days of 5-minute samples (whole months: compaction "
            f"keeps months whole) and {SIZE.rollup_years} years of compacted history, {SIZE.incidents} incidents: "
            "cold build",
            target=f"≤ {TARGET:g} s",
            measured="{cold}, {peak} peak",
            imports_floor="{imports_ratio}",
            io_floor="{io_ratio}",
            verdict="met" if value <= TARGET else "missed",
            figures={"cold": cold_timing.seconds(), "peak": cold_timing.peak(), **cold_timing.floor_ratios()},
        ),
        Row(
            "C. rebuild after one more probe run",
            target=f"≤ {PROBE_TARGET:g} s",
            measured="{rebuild}",
            imports_floor="{imports_ratio}",
            io_floor="{io_ratio}",
            verdict="met" if rebuild <= PROBE_TARGET else "missed",
            figures={"rebuild": probe_timing.seconds(), **probe_timing.floor_ratios()},
        ),
    ]
    bench.runs_used["C"] = str(bench.runs)
    bench.discard(config.parent)
    bench.discard(copy)
