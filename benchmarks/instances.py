"""How a site of many LPSEs (``instances:``) grows: its cold build time and peak memory, and the size, file
count and home page of what it writes, at several numbers of instances.

    python3 benchmarks/instances.py                          # 100, 300 and 600 instances, 7 days of samples
    python3 benchmarks/instances.py --days 90 --years 15     # the national target's history
    python3 benchmarks/instances.py --counts 100 --days 90 --years 15

Each instance gets the same synthetic history (benchmarks/sites.py: 5-minute samples for ``--days`` days and
``--years`` of compacted runs before them), written once and copied: the figures measure the generator, not
the making of the fixture. The instances are spread over 34 provinces, and one in ten is down at the newest
sample, so the home page lists problems. Prints a Markdown table (for docs/performance.md).
"""

from __future__ import annotations

import argparse
import gzip
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sites

ROOT = Path(__file__).resolve().parents[1]
PROVINCES = 34


def make(root: Path, count: int, days: int, years: int) -> Path:
    """A site of ``count`` instances with the same history each; returns its status.yml."""
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
    model = root / "model"
    model.mkdir()
    raw_start = (sites.NOW - timedelta(days=days)).replace(hour=0, minute=0)
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


def measure(config: Path, out: Path) -> tuple[float, float]:
    """Seconds and peak MiB of a cold build (a process of its own, no cache)."""
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, str(ROOT / "generate.py"), "build", "--config", str(config), "--out", str(out),
         "--now", sites.NOW_ARG, "--no-cache"],
        check=True, capture_output=True,
    )  # fmt: skip
    seconds = time.perf_counter() - start
    return seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--counts", default="100,300,600", help="numbers of instances, comma-separated")
    parser.add_argument("--days", type=int, default=7, help="days of raw 5-minute samples per instance")
    parser.add_argument("--years", type=int, default=0, help="years of compacted history before them")
    args = parser.parse_args(argv)
    print(f"{args.days} days of 5-minute samples and {args.years} years of compacted history per instance\n")
    print("| instances | cold build | peak memory | site size | files | home page (gzip) |")
    print("|---|---|---|---|---|---|")
    for count in (int(n) for n in args.counts.split(",")):
        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder)
            config = make(root / "src", count, args.days, args.years)
            seconds, peak = measure(config, root / "site")
            files = [p for p in (root / "site").rglob("*") if p.is_file()]
            size = sum(p.stat().st_size for p in files)
            home = len(gzip.compress((root / "site" / "index.html").read_bytes(), 9))
            print(f"| {count} | {seconds:.1f} s | {peak:.0f} MiB | {size / 2**20:.0f} MiB | {len(files)} | "
                  f"{home / 1024:.1f} KiB |", flush=True)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
