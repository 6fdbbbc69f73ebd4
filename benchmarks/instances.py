"""How a site of many LPSEs (``instances:``) grows: its cold build time and peak memory, its rebuild after one
more run of every probe shard (and the rebuild after that, which writes over the site the one before retired),
and the size, file count and home page of what it writes, at several numbers of instances.

    python3 benchmarks/instances.py                          # 100, 300 and 600 instances, 7 days of samples
    python3 benchmarks/instances.py --days 90 --years 15 --incidents 200     # the national target
    python3 benchmarks/instances.py --counts 100 --days 90 --years 15

Each instance gets the same synthetic history (benchmarks/sites.py: 5-minute samples for ``--days`` days and
``--years`` of compacted runs before them), written once and copied: the figures measure the generator, not
the making of the fixture. The instances are spread over 34 provinces, and one in ten is down at the newest
sample, so the home page lists problems. Prints a Markdown table (for docs/performance.md).
"""

from __future__ import annotations

import argparse
import gzip
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sites

ROOT = Path(__file__).resolve().parents[1]
PROVINCES = 34


def make(root: Path, count: int, days: int, years: int, incidents: int = 0) -> Path:
    """A site of ``count`` instances with the same history each, and ``incidents`` records; returns its status.yml."""
    (root / "incidents").mkdir(parents=True)
    (root / "status.yml").write_text(
        "title: Uji\nbase_url: https://example.org/status/\ntimezone: Asia/Makassar\nlanguages: [id, en]\n"
        "components:\n  - id: inaproc\n    name: INAPROC\n"
        'instances:\n  file: lpse.csv\n  group: {id: "LPSE di {province}", en: "LPSEs in {province}"}\n',
        encoding="utf-8",
    )
    rows = [f"lpse{n}kab,LPSE Kabupaten {n},Provinsi {n % PROVINCES}" for n in range(count)]
    (root / "lpse.csv").write_text("code,name,province\n" + "\n".join(rows) + "\n", encoding="utf-8")
    rng = random.Random(2011)
    size = sites.Size(incidents=incidents, components=count, languages=("id", "en"))
    for number in range(incidents):  # spread over the years, each naming one to three instances
        name, text = sites.incident_text(rng, number, size)
        text = re.sub(r"^- c(\d+)$", lambda m: f"- lpse{int(m.group(1))}kab", text, flags=re.M)
        (root / "incidents" / name).write_text(text, encoding="utf-8")
    model = root / "model"
    model.mkdir()
    # Raw samples from the first of the month ``days`` ago (compaction keeps months whole), runs before it.
    raw_start = (sites.NOW - timedelta(days=days)).replace(day=1, hour=0, minute=0)
    if years:
        runs, daily, months = sites.rollups(rng, raw_start.replace(year=raw_start.year - years, day=1), raw_start)
        (model / "runs.csv").write_text("month,start,end,status\n" + "".join(runs))
        (model / "daily.csv").write_text("date,samples,up,degraded,down,median_ms,p95_ms\n" + "".join(daily))
        counts: dict[str, int] = {}
        for line in runs:
            counts[line[:7]] = counts.get(line[:7], 0) + 1
        listed = "".join(f"{m[:7]},{counts.get(m[:7], 0)},0\n" for m in months)
        (model / "compacted.csv").write_text("month,runs,days\n" + listed)
    for month, lines in sites.samples(rng, raw_start, sites.NOW).items():
        (model / f"{month}.csv").write_text(sites.HEADER + "".join(lines))
    newest = sorted(model.glob("????-??.csv"))[-1]
    for n in range(count):
        folder = root / "history" / f"lpse{n}kab"
        shutil.copytree(model, folder)
        if n % 10 == 0:  # down at the newest sample
            with (folder / newest.name).open("a") as handle:
                handle.write(f"{sites.NOW:%Y-%m-%dT%H:%M:%SZ},down,503,40,status,\n")
    shutil.rmtree(model)
    return root / "status.yml"


def measure(config: Path, out: Path, now: str) -> tuple[float, float]:
    """Seconds and peak MiB of one build (a process of its own; its parsed history kept in the site's cache)."""
    start = time.perf_counter()
    command = [sys.executable, str(ROOT / "generate.py"), "build", "--config", str(config), "--out", str(out),
               "--now", now]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"build failed: {process.stderr.read().decode() if process.stderr else ''}")
    return seconds, usage.ru_maxrss / 1024


def probe_run(root: Path, count: int, moment: datetime) -> None:
    """One more run of every probe shard: a sample appended to each instance's newest month."""
    line = f"{moment:%Y-%m-%dT%H:%M:%SZ},up,200,180,,\n"
    for n in range(count):
        folder = root / "history" / f"lpse{n}kab"
        with sorted(folder.glob("????-??.csv"))[-1].open("a") as handle:
            handle.write(line)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--counts", default="100,300,600", help="numbers of instances, comma-separated")
    parser.add_argument("--days", type=int, default=7, help="days of raw 5-minute samples per instance")
    parser.add_argument("--years", type=int, default=0, help="years of compacted history before them")
    parser.add_argument("--incidents", type=int, default=0, help="incident records, spread over the years")
    args = parser.parse_args(argv)
    print(f"{args.days} days of 5-minute samples (from the first of that month) and {args.years} years of "
          f"compacted history per instance; {args.incidents} incidents\n")  # fmt: skip
    print("| instances | cold build | peak memory | rebuild after one more probe run | its peak memory "
          "| the next rebuild, over the spare site | site size | files | home page (gzip) |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|")
    later, next_run = sites.NOW + timedelta(minutes=5), sites.NOW + timedelta(minutes=10)
    for count in (int(n) for n in args.counts.split(",")):
        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder)
            config = make(root / "src", count, args.days, args.years, args.incidents)
            seconds, peak = measure(config, root / "site", sites.NOW_ARG)
            files = [p for p in (root / "site").rglob("*") if p.is_file()]
            size = sum(p.stat().st_size for p in files)
            home = len(gzip.compress((root / "site" / "index.html").read_bytes(), 9))
            probe_run(root / "src", count, later)
            again, again_peak = measure(config, root / "site", later.astimezone(UTC).isoformat())
            # The first rebuild has no spare site to write over (the cold build retired none); it leaves one,
            # as every later build does: the build after it is the one a machine that keeps its cache makes.
            probe_run(root / "src", count, next_run)
            steady, _ = measure(config, root / "site", next_run.astimezone(UTC).isoformat())
            print(f"| {count} | {seconds:.1f} s | {peak:.0f} MiB | {again:.1f} s | {again_peak:.0f} MiB "
                  f"| {steady:.1f} s | {size / 2**20:.0f} MiB | {len(files):,} | {home / 1024:.1f} KiB |",
                  flush=True)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
