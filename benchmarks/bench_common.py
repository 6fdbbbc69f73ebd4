"""What the benchmark's sections share: timing whole processes beside their floors, files, the machine.

Every timed command is a whole process (``python generate.py ...`` from the repository root),
reaped with ``os.wait4`` for its own resource usage: the peak memory shown is the largest
resident set of that process or of any process it waited for (not their sum). Each figure is
measured beside two floors, run interleaved with it so machine noise hits both: the "imports
floor" (a Python that only imports the libraries and the build modules) and the "imports + I/O
floor" (the same, then reading every input file and writing a copy of the output just built).
"""

from __future__ import annotations

import gzip
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from bench_peers import PeerFigure
from bench_results import Figure, Row, sig
from sites import NOW_ARG, Size, make_site

REPO = Path(__file__).resolve().parent.parent
GENERATE = REPO / "generate.py"
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

    def seconds(self) -> Figure:
        """The median, for the table of docs/performance.md."""
        return Figure(sig(self.measured.median), "s")

    def peak(self) -> Figure:
        return Figure(sig(self.measured.peak_mib), "MiB")

    def floor_ratios(self) -> dict[str, Figure]:
        """The median against each floor's median, as the row's ``imports_ratio`` and ``io_ratio``."""
        return {
            "imports_ratio": Figure(sig(self.measured.median / self.imports.median, 2), "×"),
            "io_ratio": Figure(sig(self.measured.median / self.io.median, 2), "×"),
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
    peers: dict[str, PeerFigure] = field(default_factory=dict)  # figures of other tools, from another day
    rows: dict[str, list[Row]] = field(default_factory=dict)  # section → its lines of the docs' table
    runs_used: dict[str, str] = field(default_factory=dict)  # section → runs per figure, in words
    load: dict[str, list[float]] = field(default_factory=dict)  # section → 1-minute load at its start and end

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
    # The generator's own files: a change to the benchmark alone does not change what it measures.
    changed = git("status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)benchmarks")
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
