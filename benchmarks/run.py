"""Benchmark the status-page generator on synthetic sites and compare it with its targets.

    python benchmarks/run.py [--runs N] [--only A,B,C,D,E] [--quick] [--json FILE] [--keep DIR]

--runs N    timed runs per figure (default 5); the 5,000 and 10,000-incident builds of B use N // 2
--only      the sections to run, e.g. ``--only A,E`` (default: all)
--quick     a smoke check: 3 runs, and B only at 1,000 and 2,000 incidents
--json      also write every figure to FILE as JSON
--keep      write the sites under DIR (in a fresh ``statusgen-bench-*`` folder) and leave them there

Sections:

A  500 incidents, 10 components: cold build, warm rebuild, peak memory, output size (A2: bilingual)
B  1,000 to 10,000 incidents, 50 components: cold builds, time per 1,000 incidents, linearity
C  200 incidents, 20 components with 90 days of samples and 15 years of compacted history:
   cold build, and the rebuild after one probe run
D  ``generate.py probe`` against 200 local endpoints, 20 of which never answer
E  page weight of A's ``index.html`` and what it references; the largest page, feed and JSON file

Every timed command is a whole process (``python generate.py ...`` from the repository root),
reaped with ``os.wait4`` for its own resource usage: the peak memory shown is the largest
resident set of that process or of any process it waited for (not their sum). Each figure is
measured beside two floors, run interleaved with it so machine noise hits both: the "imports
floor" (a Python that only imports the libraries and the build modules) and the "imports + I/O
floor" (the same, then reading every input file and writing a copy of the output just built).

The report goes to stdout and progress to stderr. The exit status is 0 even when a target is
missed (this is a measuring tool), and 1 when a command fails or the benchmark cannot run.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import metadata
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import yaml

sys.dont_write_bytecode = True  # leave no __pycache__ in benchmarks/
sys.path.insert(0, str(Path(__file__).parent))

from sites import NOW, NOW_ARG, Size, add_probe_run, make_site  # noqa: E402 - after the path is set

REPO = Path(__file__).resolve().parent.parent
GENERATE = REPO / "generate.py"
SECTIONS = "ABCDE"
LIBRARIES = {"jinja2": "Jinja2", "yaml": "PyYAML", "markdown": "Markdown", "feedgen": "feedgen", "nh3": "nh3"}

FLOOR_IMPORTS = (
    "import jinja2, yaml, markdown, feedgen, nh3, icalendar; import statusgen.cli, statusgen.build, statusgen.render"
)
# argv: site root (inputs), built output, folder for the scratch copy.
IO_FLOOR = f"""{FLOOR_IMPORTS}
import shutil, sys, tempfile
from pathlib import Path
root, built = Path(sys.argv[1]), Path(sys.argv[2])
inputs = [root / "status.yml"]
for name in ("incidents", "history"):
    inputs += sorted(p for p in (root / name).rglob("*") if p.is_file())
for path in inputs:
    path.read_bytes()
scratch = Path(tempfile.mkdtemp(dir=sys.argv[3]))
for path in sorted(p for p in built.rglob("*") if p.is_file()):
    target = scratch / path.relative_to(built)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(path.read_bytes())
shutil.rmtree(scratch)
"""

A_TARGET = 0.45  # seconds, cold build of A
A_CSTATE = 2.35  # seconds cState takes for A
B_SIZES = (1000, 2000, 5000, 10000)
B_QUICK_SIZES = (1000, 2000)
B_BIG = 5000  # from this many incidents on, B uses half the runs
B_TARGET = 6.0  # seconds, cold build of 10,000 incidents
B_RSS_TARGET = 300.0  # MiB
B_CSTATE = {1000: 7.8, 2000: 29.4}
C_SIZE = Size(200, 20, raw_days=90, rollup_years=15)
C_TARGET = 3.0
C_PROBE_TARGET = 0.8
D_ENDPOINTS = 200
D_TIMEOUT = 2.0  # seconds, the probe timeout written in status.yml
D_RETRIES = 1
D_TARGET = 2 * D_TIMEOUT + 1
D_HANG_SECONDS = 30.0
E_GZIP_TARGET = 11 * 1024
NETWORK_CALL = re.compile(r"\bfetch\s*\(|XMLHttpRequest|EventSource|WebSocket")


class BenchError(Exception):
    """The benchmark cannot go on: a command failed or a result is missing."""


def progress(text: str) -> None:
    print(f"... {text}", file=sys.stderr, flush=True)


def say(text: str = "") -> None:
    print(text, flush=True)


# --- Measuring processes ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    """One finished process."""

    seconds: float  # wall clock
    cpu: float  # user + system seconds, its waited-for children included
    rss_kib: int  # ru_maxrss


@dataclass
class Series:
    """Several runs of the same command."""

    samples: list[Sample] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(s.seconds for s in self.samples)

    @property
    def low(self) -> float:
        return min(s.seconds for s in self.samples)

    @property
    def high(self) -> float:
        return max(s.seconds for s in self.samples)

    @property
    def cpu(self) -> float:
        return statistics.median(s.cpu for s in self.samples)

    @property
    def peak_mib(self) -> float:
        return max(s.rss_kib for s in self.samples) / 1024

    def as_json(self) -> dict[str, object]:
        return {
            "runs": len(self.samples),
            "median_s": round(self.median, 4),
            "min_s": round(self.low, 4),
            "max_s": round(self.high, 4),
            "cpu_median_s": round(self.cpu, 4),
            "peak_rss_mib": round(self.peak_mib, 1),
            "seconds": [round(s.seconds, 4) for s in self.samples],
        }


@dataclass
class Timing:
    """A measured command and the two floors measured between its runs."""

    measured: Series
    imports: Series
    io: Series

    def above_floor(self) -> float:
        return self.measured.median - self.imports.median

    def as_json(self) -> dict[str, object]:
        return {
            "measured": self.measured.as_json(),
            "imports_floor": self.imports.as_json(),
            "imports_io_floor": self.io.as_json(),
            "ratio_to_imports_floor": round(self.measured.median / self.imports.median, 2),
            "ratio_to_imports_io_floor": round(self.measured.median / self.io.median, 2),
        }


def run_process(args: Sequence[str], env: dict[str, str] | None = None) -> Sample:
    """Run ``python ARGS`` from the repository root; its output is kept only to show a failure.

    Python may keep compiled modules (``__pycache__``) as it does by default, even where the
    environment says not to: a build on a real machine does, and so does every floor.
    """
    env = {
        key: value for key, value in (os.environ if env is None else env).items() if key != "PYTHONDONTWRITEBYTECODE"
    }
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, *args], cwd=REPO, stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env
        )
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            err.seek(0)
            shown = " ".join(str(a) for a in args if "\n" not in a)
            detail = err.read().decode(errors="replace").strip()
            raise BenchError(f"python {shown} exited with {child.returncode}:\n{detail}")
    return Sample(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss)


def build_args(config: Path, out: Path, now: str = NOW_ARG) -> list[str]:
    return [str(GENERATE), "build", "--config", str(config), "--out", str(out), "--now", now]


def measure(label: str, runs: int, prepare: Callable[[int], list[str]], root: Path, out: Path) -> Timing:
    """Run ``prepare(k)``'s command ``runs`` times, each followed by both floors."""
    timing = Timing(Series(), Series(), Series())
    for k in range(runs):
        progress(f"{label}: run {k + 1}/{runs}")
        timing.measured.samples.append(run_process(prepare(k)))
        timing.imports.samples.append(run_process(["-c", FLOOR_IMPORTS]))
        timing.io.samples.append(run_process(["-c", IO_FLOOR, str(root), str(out), str(out.parent)]))
    return timing


def remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def cold(config: Path, out: Path) -> Callable[[int], list[str]]:
    """Before each run: no output folder and no build cache next to status.yml."""

    def prepare(_: int) -> list[str]:
        remove(out)
        remove(config.parent / ".cache")
        return build_args(config, out)

    return prepare


def warm(config: Path, out: Path) -> Callable[[int], list[str]]:
    """Build again into the existing output, with the same inputs."""
    return lambda _: build_args(config, out)


# --- Reporting ---------------------------------------------------------------------------------------


def series_line(label: str, series: Series) -> str:
    return (
        f"  {label:<30} median {series.median:7.3f} s   min {series.low:7.3f}   max {series.high:7.3f}"
        f"   cpu {series.cpu:6.2f} s   peak {series.peak_mib:6.1f} MiB"
    )


def show_timing(label: str, timing: Timing) -> None:
    say(series_line(label, timing.measured))
    say(series_line("imports floor", timing.imports))
    say(series_line("imports + I/O floor", timing.io))
    say(
        f"  {'':<30} = {timing.measured.median / timing.imports.median:.1f}× the imports floor, "
        f"{timing.measured.median / timing.io.median:.1f}× the imports + I/O floor; "
        f"{timing.above_floor():.3f} s above the imports floor"
    )


@dataclass(frozen=True)
class Target:
    """One goal of the summary; ``passed`` is None when it was not measured."""

    name: str
    goal: str
    value: str
    passed: bool | None

    @property
    def verdict(self) -> str:
        return {True: "PASS", False: "FAIL", None: "not run"}[self.passed]


def mib(kib_or_bytes: int) -> str:
    return f"{kib_or_bytes / 1024 / 1024:.1f} MiB"


# --- Files -------------------------------------------------------------------------------------------


def files_under(folder: Path) -> Iterator[Path]:
    return (p for p in sorted(folder.rglob("*")) if p.is_file())


def tree_size(folder: Path) -> tuple[int, int]:
    """(files, bytes) under ``folder``."""
    sizes = [p.stat().st_size for p in files_under(folder)] if folder.is_dir() else []
    return len(sizes), sum(sizes)


def gzipped(data: bytes) -> int:
    return len(gzip.compress(data, 9, mtime=0))


def largest(site: Path, suffix: str) -> dict[str, object]:
    """The largest file of a type in the output, by raw size, with its gzip -9 size."""
    found = [p for p in files_under(site) if p.suffix == suffix]
    if not found:
        return {"path": None, "bytes": 0, "gzip": 0}
    path = max(found, key=lambda p: (p.stat().st_size, str(p)))
    data = path.read_bytes()
    return {"path": str(path.relative_to(site)), "bytes": len(data), "gzip": gzipped(data)}


def largest_files(site: Path) -> dict[str, dict[str, object]]:
    return {kind: largest(site, suffix) for kind, suffix in (("html", ".html"), ("xml", ".xml"), ("json", ".json"))}


def show_largest(label: str, found: dict[str, dict[str, object]]) -> None:
    say(f"  largest files of {label} (xml: feeds and sitemap):")
    for kind, item in found.items():
        say(f"    {kind:<5} {item['bytes']:>10,} B raw {item['gzip']:>9,} B gzip   {item['path']}")


# --- The bench: folders, options, results --------------------------------------------------------------


@dataclass
class Bench:
    """What every section shares."""

    base: Path
    runs: int
    quick: bool
    keep: bool
    results: dict[str, object] = field(default_factory=dict)
    targets: list[Target] = field(default_factory=list)
    built: dict[str, Path] = field(default_factory=dict)  # section → output folder still on disk
    largest: dict[str, dict[str, dict[str, object]]] = field(default_factory=dict)

    def site(self, name: str, size: Size) -> tuple[Path, Path]:
        """Write a fresh synthetic site; returns (status.yml, output folder)."""
        progress(f"{name}: writing the synthetic site {size}")
        root = self.base / name
        config = make_site(root, size)
        return config, root / "site"

    def discard(self, folder: Path) -> None:
        """Free the disk of a site that is no longer needed, unless asked to keep it."""
        if not self.keep:
            shutil.rmtree(folder, ignore_errors=True)


# --- A: the everyday site ------------------------------------------------------------------------------


def section_a(bench: Bench) -> None:
    say("A  500 incidents, 10 components, no probes")
    for name, size in (("A", Size(500, 10)), ("A2", Size(500, 10, languages=("id", "en")))):
        say(f"\n{name}  languages {', '.join(size.languages)}; runs: {bench.runs}")
        config, out = bench.site(name, size)
        cold_timing = measure(f"{name} cold", bench.runs, cold(config, out), config.parent, out)
        warm_timing = measure(f"{name} warm", bench.runs, warm(config, out), config.parent, out)
        show_timing("cold build", cold_timing)
        show_timing("warm rebuild, nothing changed", warm_timing)
        files, size_bytes = tree_size(out)
        say(f"  output: {files:,} files, {size_bytes:,} bytes ({mib(size_bytes)})")
        speedup = A_CSTATE / cold_timing.measured.median
        say(f"  cState {A_CSTATE} s / ours = {speedup:.1f}×")
        found = largest_files(out)
        bench.largest[name] = found
        bench.built[name] = out
        bench.results[name] = {
            "size": asdict(size),
            "cold": cold_timing.as_json(),
            "warm": warm_timing.as_json(),
            "output_files": files,
            "output_bytes": size_bytes,
            "cstate_speedup": round(speedup, 2),
            "largest": found,
        }
        if name == "A":
            value = cold_timing.measured.median
            bench.targets.append(
                Target("A cold build", f"≤ {A_TARGET} s", f"{value:.3f} s ({speedup:.1f}× cState)", value <= A_TARGET)
            )


# --- B: growth ---------------------------------------------------------------------------------------------


def least_squares(points: Sequence[tuple[float, float]]) -> tuple[float, float, float]:
    """(slope, intercept, R²) of the line fitting ``points``."""
    xs = [x for x, _ in points]
    ys = [y for _, y in points]
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / spread if spread else 0.0
    intercept = mean_y - slope * mean_x
    total = sum((y - mean_y) ** 2 for y in ys)
    residual = sum((y - (slope * x + intercept)) ** 2 for x, y in points)
    return slope, intercept, 1 - residual / total if total else 1.0


def section_b(bench: Bench) -> None:
    sizes = B_QUICK_SIZES if bench.quick else B_SIZES
    fewer = max(1, bench.runs // 2)
    say("B  growth: 50 components, cold builds")
    say(f"  runs: {bench.runs} below {B_BIG:,} incidents, {fewer} from {B_BIG:,} on (to save time)")
    series: dict[int, Timing] = {}
    for n in sizes:
        runs = bench.runs if n < B_BIG else fewer
        name = f"B-{n}"
        config, out = bench.site(name, Size(n, 50))
        timing = measure(f"{name} cold", runs, cold(config, out), config.parent, out)
        series[n] = timing
        say(f"\n{n:,} incidents (runs: {runs})")
        show_timing("cold build", timing)
        per_thousand = timing.above_floor() / (n / 1000)
        say(f"  {'':<30} {per_thousand:.3f} s per 1,000 incidents above the imports floor")
        if n in B_CSTATE:
            say(f"  {'':<30} cState {B_CSTATE[n]} s / ours = {B_CSTATE[n] / timing.measured.median:.1f}×")
        if n == sizes[-1]:
            bench.largest[name] = largest_files(out)
        bench.discard(config.parent)
    summarize_b(bench, series)


def summarize_b(bench: Bench, series: dict[int, Timing]) -> None:
    slope, intercept, r2 = least_squares([(n, t.measured.median) for n, t in series.items()])
    first, last = min(series), max(series)
    ratio = series[last].above_floor() / series[first].above_floor()
    say("\n  linearity (least squares, median seconds against incidents):")
    say(f"    slope {slope * 1000:.3f} s per 1,000 incidents, intercept {intercept:.3f} s, R² {r2:.4f}")
    say(f"    (t{last:,} − floor) / (t{first:,} − floor) = {ratio:.2f} (linear: {last / first:.1f})")
    say(f"    cState: 1,000 incidents {B_CSTATE[1000]} s, 2,000 incidents {B_CSTATE[2000]} s")
    bench.results["B"] = {
        "series": {str(n): t.as_json() for n, t in series.items()},
        "slope_s_per_1000": round(slope * 1000, 4),
        "intercept_s": round(intercept, 4),
        "r2": round(r2, 5),
        "ratio_last_first_above_floor": round(ratio, 3),
        "largest": {name: found for name, found in bench.largest.items() if name.startswith("B-")},
    }
    big = series.get(B_SIZES[-1])
    shown = f"{big.measured.median:.3f} s" if big else "not measured (--quick)"
    memory = f"{big.measured.peak_mib:.1f} MiB" if big else "not measured (--quick)"
    fast = None if big is None else big.measured.median <= B_TARGET
    small = None if big is None else big.measured.peak_mib < B_RSS_TARGET
    bench.targets.append(Target("B 10,000 incidents", f"≤ {B_TARGET} s", shown, fast))
    bench.targets.append(Target("B 10,000 peak RSS", f"< {B_RSS_TARGET:.0f} MiB", memory, small))


# --- C: probe history ----------------------------------------------------------------------------------


def after_probe_run(config: Path, out: Path) -> Callable[[int], list[str]]:
    """Before each run: one more probe sample per component, 5 minutes after the previous one."""

    def prepare(k: int) -> list[str]:
        at = NOW + timedelta(minutes=5 * (k + 1))
        add_probe_run(config.parent, C_SIZE, at)
        return build_args(config, out, at.isoformat())

    return prepare


def section_c(bench: Bench) -> None:
    say(f"C  probe history: {C_SIZE.incidents} incidents, {C_SIZE.components} components,")
    say(f"   {C_SIZE.raw_days} days of 5-minute samples, {C_SIZE.rollup_years} years compacted; runs: {bench.runs}")
    config, out = bench.site("C", C_SIZE)
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
        "size": asdict(C_SIZE),
        "history_files": files,
        "history_bytes": size_bytes,
        "cold": cold_timing.as_json(),
        "settle_warm_s": round(settle.seconds, 4),
        "after_probe_run": probe_timing.as_json(),
    }
    value, rebuild = cold_timing.measured.median, probe_timing.measured.median
    bench.targets.append(Target("C cold build", f"≤ {C_TARGET} s", f"{value:.3f} s", value <= C_TARGET))
    bench.targets.append(
        Target("C rebuild after a probe run", f"≤ {C_PROBE_TARGET} s", f"{rebuild:.3f} s", rebuild <= C_PROBE_TARGET)
    )
    bench.discard(config.parent)
    bench.discard(copy)


# --- D: probing ------------------------------------------------------------------------------------------


def hanging(n: int) -> bool:
    """Every tenth endpoint never answers."""
    return n % 10 == 9


class Endpoints(ThreadingHTTPServer):
    """Answers ``/pNNN``: "OK SPSE" at once, or nothing at all for the hanging ones."""

    daemon_threads = True
    request_queue_size = 512

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), EndpointHandler)
        self.release = threading.Event()  # set at shutdown: the hanging requests end

    @property
    def port(self) -> int:
        return int(self.server_address[1])


class EndpointHandler(BaseHTTPRequestHandler):
    server: Endpoints

    def do_GET(self) -> None:
        match = re.fullmatch(r"/p(\d{3})", self.path)
        if match and hanging(int(match[1])):
            self.server.release.wait(D_HANG_SECONDS)
            return
        body = b"OK SPSE" if match else b"not found"
        self.send_response(200 if match else 404)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass  # quiet: the benchmark prints its own report


def probe_config(root: Path, port: int) -> Path:
    components = [
        {
            "id": f"p{n:03d}",
            "name": f"Endpoint {n:03d}",
            "probe": {"url": f"http://127.0.0.1:{port}/p{n:03d}", "timeout": D_TIMEOUT, "retries": D_RETRIES},
        }
        for n in range(D_ENDPOINTS)
    ]
    document = {"title": "Probe benchmark", "base_url": "https://example.github.io/status/", "components": components}
    root.mkdir(parents=True)
    config = root / "status.yml"
    config.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return config


Rows = dict[Path, list[dict[str, str]]]  # sample lines, by history file


def history_rows(history: Path) -> Rows:
    """Every sample line under ``history/``, by file."""
    rows: Rows = {}
    for path in files_under(history) if history.is_dir() else ():
        with path.open(encoding="utf-8", newline="") as handle:
            rows[path] = list(csv.DictReader(handle))
    return rows


def new_rows(before: Rows, after: Rows) -> dict[str, list[dict[str, str]]]:
    """The lines a probe run added, by component id (the folder name)."""
    added: dict[str, list[dict[str, str]]] = {}
    for path, rows in after.items():
        fresh = rows[len(before.get(path, [])) :]
        if fresh:
            added.setdefault(path.parent.name, []).extend(fresh)
    return added


def check_probe_run(added: dict[str, list[dict[str, str]]]) -> list[str]:
    """What is wrong with one probe run's new lines; empty when it is right."""
    problems = []
    lines = sum(len(rows) for rows in added.values())
    if lines != D_ENDPOINTS or any(len(rows) != 1 for rows in added.values()):
        problems.append(f"{lines} new lines in {len(added)} components, expected one in each of {D_ENDPOINTS}")
    for n in range(D_ENDPOINTS):
        rows = added.get(f"p{n:03d}", [])
        got = [(r.get("status"), r.get("error") or "") for r in rows]
        expected = ("down", "timeout") if hanging(n) else ("up", "")
        if got != [expected]:
            problems.append(f"p{n:03d}: {got}, expected {expected}")
    return problems


def proxy_free_env() -> dict[str, str]:
    """The environment, with the local endpoints exempt from any HTTP proxy."""
    env = dict(os.environ)
    for name in ("no_proxy", "NO_PROXY"):
        env[name] = ",".join(part for part in (env.get(name), "127.0.0.1", "localhost") if part)
    return env


def section_d(bench: Bench) -> None:
    hung = sum(hanging(n) for n in range(D_ENDPOINTS))
    say(f"D  probe {D_ENDPOINTS} local endpoints, {hung} of which never answer; runs: {bench.runs}")
    say(f"   probe: timeout {D_TIMEOUT:g} s, retries {D_RETRIES}")
    server = Endpoints()
    threading.Thread(target=server.serve_forever, name="endpoints", daemon=True).start()
    try:
        config = probe_config(bench.base / "D", server.port)
        probe, imports, failures = Series(), Series(), []
        for k in range(bench.runs):
            progress(f"D probe: run {k + 1}/{bench.runs}")
            before = history_rows(config.parent / "history")
            probe.samples.append(run_process([str(GENERATE), "probe", "--config", str(config)], proxy_free_env()))
            added = new_rows(before, history_rows(config.parent / "history"))
            failures += [f"run {k + 1}: {p}" for p in check_probe_run(added)]
            imports.samples.append(run_process(["-c", FLOOR_IMPORTS]))
    finally:
        server.release.set()
        server.shutdown()
        server.server_close()
    say(series_line("generate.py probe", probe))
    say(series_line("imports floor", imports))
    say(
        f"  {'':<30} a hanging endpoint takes (retries + 1) × timeout = {(D_RETRIES + 1) * D_TIMEOUT:g} s"
        " (a timeout is retried at once, without the pause a quick failure gets)"
    )
    verdict = "PASS" if not failures else "FAIL"
    say(f"  records: {verdict} (each run adds one line per endpoint: the {hung} hanging ones 'down' with error")
    say("  'timeout', the others 'up')")
    for failure in failures[:20]:
        say(f"    {failure}")
    if len(failures) > 20:
        say(f"    ... and {len(failures) - 20} more")
    bench.results["D"] = {
        "endpoints": D_ENDPOINTS,
        "hanging": hung,
        "timeout_s": D_TIMEOUT,
        "retries": D_RETRIES,
        "probe": probe.as_json(),
        "imports_floor": imports.as_json(),
        "record_failures": failures,
    }
    value = probe.median
    bench.targets.append(Target("D probe 200 endpoints", f"≤ {D_TARGET:g} s", f"{value:.3f} s", value <= D_TARGET))
    bench.targets.append(
        Target("D hanging recorded down/timeout", "all runs", f"{len(failures)} problems", not failures)
    )
    bench.discard(bench.base / "D")


# --- E: page weight ----------------------------------------------------------------------------------------


class References(HTMLParser):
    """The scripts, style sheets, icons and images a page loads, and its inline script text."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []  # (kind, address)
        self.inline: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        rel = set(values.get("rel", "").lower().split())
        if tag == "script":
            self._in_script = "src" not in values
            if "src" in values:
                self.found.append(("script", values["src"]))
        elif tag == "link" and rel & {"stylesheet", "icon"} and "href" in values:
            self.found.append(("stylesheet" if "stylesheet" in rel else "icon", values["href"]))
        elif tag == "img" and "src" in values:
            self.found.append(("img", values["src"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.inline.append(data)


def base_url(config: Path) -> str:
    document = yaml.safe_load(config.read_text(encoding="utf-8"))
    return str(document["base_url"])


def same_site(address: str, base: str) -> bool:
    parts = urlsplit(address)
    if address.startswith("//"):
        return False
    return not (parts.scheme in ("http", "https") and parts.netloc != urlsplit(base).netloc)


def local_file(address: str, base: str, site: Path) -> Path | None:
    """The output file a same-site address points at, if it can be found."""
    if address.startswith("data:"):
        return None
    path = urlsplit(urljoin(base, address)).path
    prefix = urlsplit(base).path
    if not path.startswith(prefix):
        return None
    target = site / path[len(prefix) :]
    return target if target.is_file() else None


def section_e(bench: Bench) -> None:
    if "A" not in bench.built:
        progress("E: building A once (untimed), A was not run")
        config, out = bench.site("A", Size(500, 10))
        run_process(build_args(config, out))
        bench.built["A"] = out
        bench.largest["A"] = largest_files(out)
    site = bench.built["A"]
    base = base_url(site.parent / "status.yml")
    page = (site / "index.html").read_bytes()
    parser = References()
    parser.feed(page.decode("utf-8"))
    say("E  page weight of A's index.html")
    say(f"  index.html: {len(page):,} bytes raw, {gzipped(page):,} bytes gzip -9")
    total_gzip, outside, scripts, calls = gzipped(page), 0, 0, len(NETWORK_CALL.findall("".join(parser.inline)))
    referenced = []
    for kind, address in parser.found:
        if not same_site(address, base):
            outside += 1
            say(f"  {kind:<10} NOT SAME-SITE {address}")
            continue
        target = local_file(address, base, site)
        data = target.read_bytes() if target else b""
        if kind in ("script", "stylesheet"):
            total_gzip += gzipped(data)
        if kind == "script":
            scripts += 1
            calls += len(NETWORK_CALL.findall(data.decode("utf-8", errors="replace")))
        found = "" if target else "   (no such file in the output)"
        say(f"  {kind:<10} {len(data):>9,} B raw {gzipped(data):>8,} B gzip   {address}{found}")
        referenced.append({"kind": kind, "address": address, "bytes": len(data), "gzip": gzipped(data)})
    say(f"  not same-site references: {outside}")
    say(f"  page + css + js: {total_gzip:,} bytes gzip")
    say(f"  scripts: {scripts}; fetch/XMLHttpRequest/EventSource/WebSocket in the page and its scripts: {calls}")
    say("  (scripts are not run here: that fetch calls happen only inside click handlers is checked by the tests)")
    say("")
    for name, found_files in sorted(bench.largest.items(), key=lambda item: (item[0][0] != "A", item[0])):
        show_largest(name, found_files)
    bench.results["E"] = {
        "index_bytes": len(page),
        "index_gzip": gzipped(page),
        "references": referenced,
        "not_same_site": outside,
        "page_css_js_gzip": total_gzip,
        "scripts": scripts,
        "network_calls_in_source": calls,
        "largest": bench.largest,
    }
    bench.targets.append(
        Target("E index.html gzip", f"≤ {E_GZIP_TARGET:,} B", f"{gzipped(page):,} B", gzipped(page) <= E_GZIP_TARGET)
    )
    bench.targets.append(Target("E references not same-site", "0", str(outside), outside == 0))


# --- The machine ----------------------------------------------------------------------------------------------


def proc_field(path: str, name: str) -> str | None:
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    match = re.search(rf"^{re.escape(name)}\s*:\s*(.+)$", text, re.MULTILINE)
    return match[1].strip() if match else None


def git(*args: str) -> str | None:
    try:
        done = subprocess.run(["git", "--no-optional-locks", *args], cwd=REPO, capture_output=True, text=True)
    except OSError:
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def machine() -> dict[str, object]:
    memory = proc_field("/proc/meminfo", "MemTotal")
    kib = int(memory.split()[0]) if memory else None
    versions = {}
    for module, distribution in LIBRARIES.items():
        try:
            versions[module] = metadata.version(distribution)
        except metadata.PackageNotFoundError:
            versions[module] = "not installed"
    commit = git("rev-parse", "--short", "HEAD")
    changed = git("status", "--porcelain", "--untracked-files=no")
    return {
        "cpu": proc_field("/proc/cpuinfo", "model name") or platform.processor() or "unknown",
        "cpus": os.cpu_count(),
        "ram_gib": round(kib / 1024 / 1024, 1) if kib else None,
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "platform": platform.platform(),
        "libraries": versions,
        "commit": commit,
        "uncommitted_changes": bool(changed) if changed is not None else None,
    }


def show_machine(info: dict[str, object]) -> None:
    say("Machine")
    say(f"  CPU       {info['cpu']} × {info['cpus']}")
    say(f"  RAM       {info['ram_gib']} GiB")
    say(f"  Python    {info['python']} ({sys.executable})")
    say(f"  platform  {info['platform']}")
    libraries = info["libraries"]
    assert isinstance(libraries, dict)
    say("  libraries " + ", ".join(f"{name} {version}" for name, version in libraries.items()))
    dirty = " + uncommitted changes" if info["uncommitted_changes"] else ""
    say(f"  commit    {info['commit'] or 'unknown'}{dirty}")


# --- Main -----------------------------------------------------------------------------------------------------


def show_summary(targets: Sequence[Target]) -> None:
    say("Summary")
    width = max((len(t.name) for t in targets), default=10)
    for target in targets:
        say(f"  {target.name:<{width}}  {target.goal:<14} {target.value:<32} {target.verdict}")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=None, help="timed runs per figure (default 5; 3 with --quick)")
    parser.add_argument("--only", default=",".join(SECTIONS), help="sections to run, e.g. A,E (default: all)")
    parser.add_argument("--quick", action="store_true", help="smoke check: 3 runs, B at 1,000 and 2,000 only")
    parser.add_argument("--json", type=Path, help="also write every figure to this JSON file")
    parser.add_argument("--keep", type=Path, help="write the sites under this folder and keep them")
    args = parser.parse_args(argv)
    args.sections = [s.strip().upper() for s in args.only.split(",") if s.strip()]
    if not args.sections or any(s not in SECTIONS for s in args.sections):
        parser.error(f"--only takes letters among {', '.join(SECTIONS)}, e.g. --only A,E")
    if args.runs is None:
        args.runs = 3 if args.quick else 5
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    return args


SECTION_RUNNERS: dict[str, Callable[[Bench], None]] = {
    "A": section_a,
    "B": section_b,
    "C": section_c,
    "D": section_d,
    "E": section_e,
}


def run(args: argparse.Namespace) -> dict[str, object]:
    info = machine()
    show_machine(info)
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    base = Path(tempfile.mkdtemp(prefix="statusgen-bench-", dir=args.keep))
    bench = Bench(base, args.runs, args.quick, keep=args.keep is not None)
    try:
        run_process(["-c", FLOOR_IMPORTS])  # compiles any changed module before the first timing
        for letter in SECTIONS:
            if letter in args.sections:
                say()
                SECTION_RUNNERS[letter](bench)
    finally:
        if bench.keep:
            say(f"\nsites kept in {base}")
        else:
            shutil.rmtree(base, ignore_errors=True)
    say()
    show_summary(bench.targets)
    return {
        "machine": info,
        "runs": args.runs,
        "quick": args.quick,
        "sections": args.sections,
        "results": bench.results,
        "targets": [{"name": t.name, "goal": t.goal, "value": t.value, "verdict": t.verdict} for t in bench.targets],
    }


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        figures = run(args)
    except BenchError as exc:
        print(f"benchmark stopped: {exc}", file=sys.stderr)
        return 1
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
