"""Sharded probe runs: ``generate.py probe --shard I/4`` against 600 local endpoints, 60 of which never answer.

    python3 benchmarks/probe_shards.py                           # 3 runs of each shard, alone, then all four at once
    python3 benchmarks/probe_shards.py --runs 5 --json shards.json
    python3 benchmarks/probe_shards.py --sequential-only         # each shard alone, as the Actions matrix runs them

A site of 600 instances (``instances:``, a CSV row each) whose addresses are local HTTP servers on 127.0.0.1:
540 answer at once, every tenth never answers (section_d.py's endpoints). The probe timeout is 2 s with one
retry, so a hanging endpoint costs two timeouts, and a shard must finish within 2 × timeout + 1 s.

Each shard is a whole process, as each is a job of its own in the probe workflow. They are timed one after
another (what a job of the matrix sees, on a runner of its own), then all four at once (the same machine's
cores shared by four shards: contention the matrix does not have, shown for comparison). A shard meets the
target when every one of its runs does. Beside them, two floors: a Python that only imports what ``probe``
imports, and one that also reads the site's settings and its CSV; the rest of a shard's time is probing.

Every run is checked against the history files it appended (``history/<code>/<month>.csv``): each shard adds
one line per component it probes, a hanging endpoint ``down`` with error ``timeout``, the others ``up``, and
the four shards together cover the 600 components exactly once.

The report goes to stdout (a Markdown table for the docs) and progress to stderr. The exit status is 0 even
when a target is missed (this is a measuring tool), and 1 when a command fails.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import yaml
from bench_common import GENERATE, BenchError, Sample, Series, git, machine, progress, run_process, say, show_machine
from section_d import RETRIES, TIMEOUT, Endpoints, hanging, history_rows, new_rows, proxy_free_env

COMPONENTS = 600
SHARDS = 4
SERVERS = 4  # local servers, an accept loop each; row n is served by server n % SERVERS
TARGET = (RETRIES + 1) * TIMEOUT + 1  # seconds a shard may take: every attempt at a hanging endpoint, and 1 s
FLOOR_IMPORTS = "import statusgen.cli, statusgen.probe"  # what ``generate.py probe`` imports
# argv: status.yml. The imports, then the settings and the instances' CSV read and checked, as probe does first.
FLOOR_LOAD = f"""{FLOOR_IMPORTS}
import sys
from pathlib import Path
from statusgen.build import load_settings
load_settings(Path(sys.argv[1]))
"""

Added = dict[str, list[dict[str, str]]]  # the lines a run appended, by component id


def code(n: int) -> str:
    """The instance code (and component id) of endpoint ``n``: its path on the local servers."""
    return f"p{n:03d}"


def is_hanging(component_id: str) -> bool:
    return hanging(int(component_id[1:]))


def write_site(root: Path, ports: Sequence[int]) -> Path:
    """A site with one written component (not probed) and COMPONENTS instances at the local servers."""
    root.mkdir(parents=True)
    rows = [
        f"{code(n)},LPSE {n:03d},Provinsi {n % 34},http://127.0.0.1:{ports[n % len(ports)]}/{code(n)}"
        for n in range(COMPONENTS)
    ]
    (root / "lpse.csv").write_text("code,name,province,url\n" + "\n".join(rows) + "\n", encoding="utf-8")
    document = {
        "title": "Sharded probe benchmark",
        "base_url": "https://example.github.io/status/",
        "components": [{"id": "inaproc", "name": "INAPROC"}],
        "instances": {"file": "lpse.csv", "timeout": TIMEOUT, "retries": RETRIES},
    }
    config = root / "status.yml"
    config.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return config


def probe_args(config: Path, shard: int) -> list[str]:
    return [str(GENERATE), "probe", "--config", str(config), "--shard", f"{shard}/{SHARDS}"]


def wrong_lines(added: Added) -> list[str]:
    """What is wrong with the lines of the components a run probed; empty when each has its one right line."""
    problems = []
    for component_id, rows in sorted(added.items()):
        got = [(row.get("status"), row.get("error") or "") for row in rows]
        expected = ("down", "timeout") if is_hanging(component_id) else ("up", "")
        if got != [expected]:
            problems.append(f"{component_id}: {got}, expected {expected}")
    return problems


def uncovered(probed: Sequence[set[str]]) -> list[str]:
    """What is wrong with the shares of the shards: each component in exactly one."""
    problems = []
    every = {code(n) for n in range(COMPONENTS)}
    seen: dict[str, int] = {}
    for index, share in enumerate(probed, start=1):
        for component_id in sorted(share):
            if component_id in seen:
                problems.append(f"{component_id} probed by shards {seen[component_id]} and {index}")
            seen.setdefault(component_id, index)
        problems += [f"shard {index}: {c} is not an instance" for c in sorted(share - every)]
    missing = sorted(every - set(seen))
    if missing:
        problems.append(f"{len(missing)} components probed by no shard: {', '.join(missing[:10])}")
    return problems


@dataclass
class Shard:
    """One shard's runs in one mode, and the components it probed."""

    series: Series = field(default_factory=Series)
    components: set[str] = field(default_factory=set)

    def as_json(self) -> dict[str, object]:
        hung = sum(is_hanging(c) for c in self.components)
        met = self.series.high <= TARGET
        return {"components": len(self.components), "hanging": hung, **self.series.as_json(), "target_met": met}


@dataclass
class Figures:
    """Everything measured."""

    alone: list[Shard] = field(default_factory=lambda: [Shard() for _ in range(SHARDS)])
    together: list[Shard] = field(default_factory=lambda: [Shard() for _ in range(SHARDS)])
    together_span: Series = field(default_factory=Series)  # the first start to the last end
    imports: Series = field(default_factory=Series)
    load: Series = field(default_factory=Series)
    load_together: Series = field(default_factory=Series)  # four load floors at once: start-up under contention
    failures: list[str] = field(default_factory=list)


def run_together(commands: Sequence[list[str]], env: dict[str, str] | None = None) -> tuple[list[Sample], float]:
    """Start every command at once; each one's own figures, and the seconds from the first start to the last end."""
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(commands)) as pool:
        samples = list(pool.map(lambda args: run_process(args, env), commands))
    return samples, time.perf_counter() - start


def measure(config: Path, runs: int, together: bool) -> Figures:
    """``runs`` rounds of: each shard alone, the floors, then (``together``) the four shards and floors at once."""
    figures = Figures()
    history = config.parent / "history"
    env = proxy_free_env()
    for k in range(runs):
        probed = []
        for index, shard in enumerate(figures.alone, start=1):
            progress(f"run {k + 1}/{runs}: shard {index}/{SHARDS} alone")
            before = history_rows(history)
            shard.series.samples.append(run_process(probe_args(config, index), env))
            added = new_rows(before, history_rows(history))
            figures.failures += [f"run {k + 1}, shard {index} alone: {p}" for p in wrong_lines(added)]
            if shard.components and set(added) != shard.components:
                figures.failures.append(f"run {k + 1}: shard {index} probed other components than before")
            shard.components |= set(added)
            probed.append(set(added))
        figures.failures += [f"run {k + 1}, shards alone: {p}" for p in uncovered(probed)]
        figures.imports.samples.append(run_process(["-c", FLOOR_IMPORTS]))
        figures.load.samples.append(run_process(["-c", FLOOR_LOAD, str(config)]))
        if not together:
            continue
        progress(f"run {k + 1}/{runs}: the four shards at once")
        before = history_rows(history)
        samples, span = run_together([probe_args(config, index) for index in range(1, SHARDS + 1)], env)
        added = new_rows(before, history_rows(history))
        figures.failures += [f"run {k + 1}, shards at once: {p}" for p in wrong_lines(added)]
        # Together, a component probed by two shards has two lines (wrong_lines); one by none, none.
        figures.failures += [f"run {k + 1}, shards at once: {p}" for p in uncovered([set(added)])]
        for shard, alone, sample in zip(figures.together, figures.alone, samples, strict=True):
            shard.series.samples.append(sample)
            shard.components = alone.components  # the same shares: no history tells them apart when run at once
        figures.together_span.samples.append(Sample(span, sum(s.cpu for s in samples), max(s.rss_kib for s in samples)))
        loads, _ = run_together([["-c", FLOOR_LOAD, str(config)]] * SHARDS)
        figures.load_together.samples += loads
    return figures


def table(figures: Figures) -> list[str]:
    """The figures as a Markdown table, a row per shard and mode, then the floors."""
    lines = [
        "| shards run | shard | components | hanging | median | min | max | CPU (median) | target | verdict |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    modes = [("one after another", figures.alone)]
    if figures.together[0].series.samples:
        modes.append(("all four at once", figures.together))
    for mode, shards in modes:
        for index, shard in enumerate(shards, start=1):
            series, hung = shard.series, sum(is_hanging(c) for c in shard.components)
            late = sum(s.seconds > TARGET for s in series.samples)
            verdict = "met" if not late else f"missed in {late} of {len(series.samples)} runs"
            lines.append(
                f"| {mode} | {index}/{SHARDS} | {len(shard.components)} | {hung} | {series.median:.2f} s"
                f" | {series.low:.2f} s | {series.high:.2f} s | {series.cpu:.2f} s"
                f" | ≤ {RETRIES + 1} × {TIMEOUT:g} + 1 = {TARGET:g} s | {verdict} |"
            )
    floors = [(f"start-up: `python3 -c '{FLOOR_IMPORTS}'`", figures.imports)]
    floors.append(("start-up + reading status.yml and the 600-row CSV", figures.load))
    if figures.load_together.samples:
        floors.append(("the same, four at once (each)", figures.load_together))
    lines += ["", "| floor | median | min | max |", "|---|---|---|---|"]
    for label, series in floors:
        lines.append(f"| {label} | {series.median:.3f} s | {series.low:.3f} s | {series.high:.3f} s |")
    return lines


def report(figures: Figures, runs: int) -> None:
    """Print the table, the checks, and whether the target is met."""
    hung = sum(hanging(n) for n in range(COMPONENTS))
    say()
    say(f"`probe --shard I/{SHARDS}`: {COMPONENTS} local endpoints, {hung} of which never answer;")
    say(f"timeout {TIMEOUT:g} s, {RETRIES} retry; {runs} runs of each shard. Times are whole processes, start to exit.")
    say()
    for line in table(figures):
        say(line)
    say()
    probing = figures.alone[0].series.median - figures.load.median
    say(
        f"A hanging endpoint costs (retries + 1) × timeout = {(RETRIES + 1) * TIMEOUT:g} s; shard 1 alone spends "
        f"{probing:.2f} s past the start-up + reading floor."
    )
    if figures.together_span.samples:
        say(f"All four at once: {figures.together_span.median:.2f} s from the first start to the last exit (median).")
    if figures.failures:
        say(f"Records: {len(figures.failures)} problems")
        for failure in figures.failures[:20]:
            say(f"  {failure}")
        if len(figures.failures) > 20:
            say(f"  ... and {len(figures.failures) - 20} more")
    else:
        say(
            f"Records: every run recorded each hanging endpoint `down`/`timeout` and the others `up`; the {SHARDS} "
            f"shards together covered the {COMPONENTS} components exactly once."
        )
    met = all(shard.series.high <= TARGET for shard in figures.alone)
    say(f"Target (each shard alone within {TARGET:g} s in every run): {'met' if met else 'missed'}.")


def as_json(figures: Figures, command: str) -> dict[str, object]:
    info = machine()
    result: dict[str, object] = {
        "date": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "commit": git("rev-parse", "--short", "HEAD"),
        "cores": info["cpus"],
        "python": info["python"],
        "command": command,
        "probe_command": f"python3 generate.py probe --config <site>/status.yml --shard I/{SHARDS}",
        "machine": info,
        "endpoints": COMPONENTS,
        "hanging": sum(hanging(n) for n in range(COMPONENTS)),
        "shards": SHARDS,
        "timeout_s": TIMEOUT,
        "retries": RETRIES,
        "target_s": TARGET,
        "alone": {f"{i}/{SHARDS}": shard.as_json() for i, shard in enumerate(figures.alone, start=1)},
        "imports_floor": figures.imports.as_json(),
        "load_floor": figures.load.as_json(),
        "record_failures": figures.failures,
    }
    if figures.together_span.samples:
        result["together"] = {f"{i}/{SHARDS}": shard.as_json() for i, shard in enumerate(figures.together, start=1)}
        result["together_span"] = figures.together_span.as_json()
        result["load_floor_together"] = figures.load_together.as_json()
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each shard (default: 3)")
    parser.add_argument("--sequential-only", action="store_true", help="do not also run the four shards at once")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    command = " ".join(["python3 benchmarks/probe_shards.py", *(sys.argv[1:] if argv is None else argv)])
    show_machine(machine())
    servers = [Endpoints() for _ in range(SERVERS)]
    for server in servers:
        threading.Thread(target=server.serve_forever, name="endpoints", daemon=True).start()
    try:
        with tempfile.TemporaryDirectory(prefix="statusgen-shards-") as folder:
            config = write_site(Path(folder) / "site", [server.port for server in servers])
            figures = measure(config, args.runs, not args.sequential_only)
    except BenchError as exc:
        print(f"benchmark stopped: {exc}", file=sys.stderr)
        return 1
    finally:
        for server in servers:
            server.release.set()
            server.shutdown()
            server.server_close()
    report(figures, args.runs)
    if args.json:
        args.json.write_text(json.dumps(as_json(figures, command), indent=2, ensure_ascii=False) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
