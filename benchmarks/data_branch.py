"""What the probe-history branch costs as it ages: bytes fetched and seconds, against a local bare repository.

    python3 benchmarks/data_branch.py                       # 1k, 10k, 100k commits; a year; 15 years
    python3 benchmarks/data_branch.py --commits 1000 --realistic 1000,2000 --json figures.json

For each branch age it builds a bare repository whose status-data branch has that many commits on top
of fifteen years of current files (9 components: compacted runs and daily figures since 2011, three
raw months and this month so far), then, from a fresh shallow checkout of main as Actions makes it:

- a probe run: ``scripts/ci/probe.sh`` with a stand-in generator that appends one sample per
  component (the probes' own HTTP time is not the branch's cost), the change check included;
- a Pages build's fetch: ``scripts/ci/data-branch.sh`` (every current file, no history);
- for comparison, the fetch every run made before: the branch with its whole history.

Bytes fetched are the packs git received (kept as packs, ``fetch.unpackLimit=1``). The history commits
come in two kinds. *Count* commits have the shape of probe runs (one commit changing each component's
month file) but small files, so that 100,000 of them can be made; they show what the number of commits
costs. *Realistic* commits each append one sample to full month files, as probe runs do, which costs
git the square of a month's commits to make: only a few thousand are made, and the whole-history
fetch is measured on them. Before measuring, the remote is repacked, as GitHub does.

It also measures a fresh clone of the branch after a simulated year of daily squashes (the worst case:
the files of a year, and a day of probe commits since the last squash), and ``status_changed.py`` on
fifteen years of history.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sites import HEADER, rollups, samples

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts" / "ci"
COMPONENTS = 9
GIT = {"GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@example.org", "GIT_COMMITTER_NAME": "b"}
GIT |= {"GIT_COMMITTER_EMAIL": "b@example.org"}
# A probe run's generator for the benchmark: one sample per component, as `generate.py probe` appends.
STAND_IN = """#!/usr/bin/env bash
[ "$1" = probe ] || exit 0
month=$(date -u +%Y-%m); at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
for c in $(seq 0 {last}); do
  file=history/c$c/$month.csv
  [ -e "$file" ] || echo "time,status,http_status,latency_ms,error,cert_days" >"$file"
  echo "$at,up,200,$((RANDOM % 300 + 80)),,40" >>"$file"
done
"""


def git(cwd: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, env={**os.environ, **GIT}, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)}: {result.stderr}")
    return result.stdout


def current_files(now: datetime, years: int, rng: random.Random, whole_month: bool = False) -> dict[str, str]:
    """The branch's files after ``years`` of probing and compaction: runs and daily figures up to three
    months ago, then raw months up to ``now``; with ``whole_month``, this month's file is as long as on
    its last day (the most a probe run fetches)."""
    raw_start = (now.replace(day=1) - timedelta(days=80)).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = (now.replace(day=28) + timedelta(days=4)).replace(day=1, hour=0, minute=0, second=0) if whole_month else now
    files = {".gitattributes": "*.csv merge=union\n"}
    for n in range(COMPONENTS):
        if years:
            runs, daily, months = rollups(rng, raw_start.replace(year=raw_start.year - years), raw_start)
            files[f"c{n}/runs.csv"] = "month,start,end,status\n" + "".join(runs)
            files[f"c{n}/daily.csv"] = "date,samples,up,degraded,down,median_ms,p95_ms\n" + "".join(daily)
            files[f"c{n}/compacted.csv"] = "month,runs,days\n" + "".join(months)
        for month, rows in samples(rng, raw_start, end).items():
            files[f"c{n}/{month}.csv"] = HEADER + "".join(rows)
    return files


def commits(count: int, realistic: bool, now: datetime) -> Iterator[dict[str, str]]:
    """The changed files of each history commit: every component's month file, one sample longer."""
    start = now - timedelta(minutes=5 * count)
    month_lines: list[str] = []
    for number in range(count):
        moment = start + timedelta(minutes=5 * number)
        if number % 8640 == 0 or (not realistic and number % 16 == 0):
            month_lines = []  # a new month (count commits: a new small file every 16 commits)
        month_lines.append(f"{moment:%Y-%m-%dT%H:%M:%SZ},up,200,{100 + number % 300},,40\n")
        text = HEADER + "".join(month_lines)
        yield {f"c{n}/{now:%Y-%m}.csv": text for n in range(COMPONENTS)}


def make_origin(folder: Path, history: int, realistic: bool, tip: dict[str, str], now: datetime) -> Path:
    """A bare repository: main with a site of COMPONENTS probed components, status-data with ``history``
    commits and then ``tip``'s files."""
    bare = folder / "origin.git"
    git(folder, "init", "--quiet", "--bare", "--initial-branch=main", str(bare))
    for key, value in (("uploadpack.allowFilter", "true"), ("uploadpack.allowAnySHA1InWant", "true")):
        git(bare, "config", key, value)
    seed = folder / "seed"
    git(folder, "init", "--quiet", "--initial-branch=main", str(seed))
    components = "".join(
        f"  - id: c{n}\n    name: C{n}\n    probe:\n      url: http://127.0.0.1:9/\n" for n in range(COMPONENTS)
    )
    (seed / "status.yml").write_text(f"title: B\nbase_url: https://example.org/\ncomponents:\n{components}")
    (seed / ".gitignore").write_text("/history/\n/site/\n")
    git(seed, "add", "-A")
    git(seed, "commit", "--quiet", "-m", "site")
    git(seed, "push", "--quiet", bare.as_uri(), "main")
    importer = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=bare, stdin=subprocess.PIPE)
    assert importer.stdin is not None
    stamp = int(now.timestamp()) - 300 * (history + 1)
    for number, changed in enumerate([*commits(history, realistic, now), tip]):
        head = f"commit refs/heads/status-data\ncommitter b <b@example.org> {stamp + 300 * number} +0000\n"
        importer.stdin.write(f"{head}data 6\nprobe\n".encode())
        if number == history:
            importer.stdin.write(b"deleteall\n")  # the tip: exactly the current files
        for path, text in changed.items():
            data = text.encode()
            importer.stdin.write(f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n")
    importer.stdin.close()
    if importer.wait() != 0:
        raise RuntimeError("git fast-import failed")
    git(bare, "repack", "-a", "-d", "-f", "--quiet")  # deltas worked out afresh, as GitHub's repacks do
    return bare


def packs(repository: Path) -> int:
    folder = repository / ".git" / "objects" / "pack"
    return sum(p.stat().st_size for p in folder.glob("*.pack")) if folder.is_dir() else 0


def checkout(origin: Path, target: Path) -> Path:
    """A checkout of main as actions/checkout makes it: the newest commit only."""
    git(origin.parent, "clone", "--quiet", "--depth=1", origin.as_uri(), str(target))
    git(target, "config", "fetch.unpackLimit", "1")  # keep what is fetched as packs, to be counted
    return target


def timed(cwd: Path, script: str, *args: str, env: dict[str, str] | None = None) -> float:
    environment = {**os.environ, **GIT, "RETRY_SECONDS": "0", "GITHUB_ACTIONS": "true", **(env or {})}
    for name in ("GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY"):
        environment.pop(name, None)
    start = time.perf_counter()
    result = subprocess.run(["bash", str(SCRIPTS / script), *args], cwd=cwd, env=environment, capture_output=True)
    if result.returncode != 0:
        raise RuntimeError(f"{script}: {result.stderr.decode()}")
    return time.perf_counter() - start


def measure_age(folder: Path, history: int, realistic: bool, tip: dict[str, str], now: datetime) -> dict[str, float]:
    origin = make_origin(folder, history, realistic, tip, now)
    stand_in = folder / "stand-in.sh"
    stand_in.write_text(STAND_IN.replace("{last}", str(COMPONENTS - 1)))
    figures: dict[str, float] = {"commits": history + 1}

    runner = checkout(origin, folder / "runner")
    before = packs(runner)
    figures["probe_s"] = timed(runner, "probe.sh", env={"GENERATE": f"bash {stand_in}"})
    figures["probe_bytes"] = packs(runner) - before  # what the fetch and the files checked out brought
    figures["probe_again_s"] = timed(runner, "probe.sh", env={"GENERATE": f"bash {stand_in}"})

    builder = checkout(origin, folder / "builder")
    before = packs(builder)
    figures["build_fetch_s"] = timed(builder, "data-branch.sh")
    figures["build_bytes"] = packs(builder) - before

    whole = checkout(origin, folder / "whole")
    before = packs(whole)
    start = time.perf_counter()
    git(whole, "fetch", "--quiet", "origin", "+refs/heads/status-data:refs/remotes/origin/status-data")
    figures["whole_fetch_s"] = time.perf_counter() - start
    figures["whole_bytes"] = packs(whole) - before
    return figures


def year_clone(folder: Path, now: datetime, rng: random.Random) -> dict[str, float]:
    """A fresh clone of the branch a year in, just before the day's squash: a year's files and 288 probe
    commits since the last squash (each rewriting this month's full files, one sample longer)."""
    tip = current_files(now, 1, rng, whole_month=True)
    origin = make_origin(folder, 0, True, tip, now)
    parent = git(origin, "rev-parse", "status-data").strip()
    importer = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=origin, stdin=subprocess.PIPE)
    assert importer.stdin is not None
    texts = {path: text for path, text in tip.items() if path.endswith(f"{now:%Y-%m}.csv")}
    for number in range(288):
        moment = now + timedelta(minutes=5 * (number + 1))
        head = f"commit refs/heads/status-data\ncommitter b <b@example.org> {int(moment.timestamp())} +0000\n"
        importer.stdin.write(f"{head}data 6\nprobe\n".encode())
        if number == 0:
            importer.stdin.write(f"from {parent}\n".encode())  # on top of the squashed year
        for path in texts:
            texts[path] += f"{moment:%Y-%m-%dT%H:%M:%SZ},up,200,{100 + number},,40\n"
            data = texts[path].encode()
            importer.stdin.write(f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n")
    importer.stdin.close()
    if importer.wait() != 0:
        raise RuntimeError("git fast-import failed")
    git(origin, "repack", "-a", "-d", "-f", "--quiet")
    clone = folder / "clone"
    start = time.perf_counter()
    git(folder, "clone", "--quiet", "--bare", "--single-branch", "--branch=status-data", origin.as_uri(), str(clone))
    seconds = time.perf_counter() - start
    size = sum(p.stat().st_size for p in (clone / "objects" / "pack").glob("*.pack"))
    return {"year_clone_bytes": size, "year_clone_s": seconds, "year_commits": 290}


def change_check(folder: Path, tip: dict[str, str]) -> float:
    """Seconds of status_changed.py on fifteen years of history (median of 5)."""
    for path, text in tip.items():
        (folder / "history" / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / "history" / path).write_text(text)
    components = "".join(f"  - id: c{n}\n    probe:\n      url: http://127.0.0.1:9/\n" for n in range(COMPONENTS))
    (folder / "status.yml").write_text(f"title: B\nbase_url: https://example.org/\ncomponents:\n{components}")
    times = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([sys.executable, str(SCRIPTS / "status_changed.py"), str(folder / "status.yml")], check=True,
                       capture_output=True)  # fmt: skip
        times.append(time.perf_counter() - start)
    return sorted(times)[2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--commits", default="1000,10000,100000", help="branch ages of count commits")
    parser.add_argument("--realistic", default="1000,2000", help="branch ages of realistic commits")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    now = datetime.now(UTC).replace(microsecond=0)
    rng = random.Random(15)
    tip = current_files(now, 15, rng, whole_month=True)
    print(f"fifteen years of current files, {COMPONENTS} components: {sum(map(len, tip.values())) / 1e6:.1f} MB")
    results: dict[str, object] = {"now": now.isoformat(), "components": COMPONENTS}
    rows = []
    ages = [(int(n), False) for n in args.commits.split(",") if n] + [
        (int(n), True) for n in args.realistic.split(",") if n
    ]
    for history, realistic in ages:
        with tempfile.TemporaryDirectory(prefix="bench-branch-") as scratch:
            figures = measure_age(Path(scratch), history, realistic, tip, now)
        figures["realistic"] = realistic
        rows.append(figures)
        kind = "realistic" if realistic else "count"
        print(
            f"{history + 1:>7} commits ({kind:9}): probe run {figures['probe_s']:.2f} s "
            f"(again {figures['probe_again_s']:.2f} s), fetched {figures['probe_bytes'] / 1e6:.2f} MB; "
            f"build fetch {figures['build_fetch_s']:.2f} s, {figures['build_bytes'] / 1e6:.2f} MB; "
            f"whole history {figures['whole_fetch_s']:.2f} s, {figures['whole_bytes'] / 1e6:.2f} MB",
            flush=True,
        )
    results["ages"] = rows
    with tempfile.TemporaryDirectory(prefix="bench-year-") as scratch:
        year = year_clone(Path(scratch), now, random.Random(1))
    print(
        f"fresh clone after a year of daily squashes: {year['year_clone_bytes'] / 1e6:.2f} MB "
        f"in {year['year_clone_s']:.2f} s"
    )
    with tempfile.TemporaryDirectory(prefix="bench-check-") as scratch:
        check = change_check(Path(scratch), current_files(now, 15, rng))
    print(f"status_changed.py on fifteen years of history: {check:.3f} s (median of 5)")
    results |= year | {"change_check_s": check}
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
