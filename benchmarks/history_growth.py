"""Measure probe-history growth and build time, raw and compacted.

    python3 benchmarks/history_growth.py [--components 9] [--years 1]

Writes a synthetic site into a temporary folder: samples every 5 minutes, mostly up, with a
failure about once a day and a slow spell about twice a day. Prints sizes and build times.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sites import HEADER, samples  # the header line probes write

from statusgen.cli import main

NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)


def make_site(root: Path, components: int, years: int) -> None:
    lines = ["title: Bench", "base_url: https://example.github.io/status/", "components:"]
    for n in range(components):
        lines += [f"  - id: c{n}", f"    name: Layanan {n}", "    probe:", f"      url: https://c{n}.example.org/"]
    (root / "status.yml").write_text("\n".join(lines) + "\n")
    (root / "incidents").mkdir()
    rng = random.Random(1)
    for n in range(components):
        folder = root / "history" / f"c{n}"
        folder.mkdir(parents=True)
        for month, rows in samples(rng, NOW - timedelta(days=365 * years), NOW).items():
            (folder / f"{month}.csv").write_text(HEADER + "".join(rows))


def size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def timed_build(root: Path) -> float:
    start = time.perf_counter()
    code = main(["build", "--config", str(root / "status.yml"), "--out", str(root / "site"), "--now", NOW.isoformat()])
    assert code == 0
    return time.perf_counter() - start


def run() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--components", type=int, default=9)
    parser.add_argument("--years", type=int, default=1)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-history-"))
    try:
        make_site(root, args.components, args.years)
        raw = size(root / "history")
        raw_build = timed_build(root)
        assert main(["compact", "--config", str(root / "status.yml"), "--now", NOW.isoformat()]) == 0
        compacted = size(root / "history")
        compact_build = timed_build(root)
        per = args.components * args.years
        print(f"components={args.components} years={args.years}")
        print(f"raw history: {raw / 1e6:.1f} MB ({raw / per / 1e6:.2f} MB per component-year)")
        print(f"after compaction (3 raw months kept): {compacted / 1e6:.2f} MB")
        print(f"build with raw history: {raw_build:.2f} s; after compaction: {compact_build:.2f} s")
    finally:
        shutil.rmtree(root)


if __name__ == "__main__":
    run()
