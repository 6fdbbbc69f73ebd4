"""Benchmark the status-page generator on synthetic sites and compare it with its targets.

    python benchmarks/run.py [--runs N] [--only A,B,C,D,E,F] [--quick] [--json FILE] [--keep DIR] [--results DIR]

--runs N       timed runs per figure (default 5); the 5,000 and 10,000-incident builds of B use N // 2
--only         the sections to run, e.g. ``--only A,E`` (default: all)
--quick        a smoke check: 3 runs, and B only at 1,000 and 2,000 incidents
--json         also write every figure to FILE as JSON
--keep         write the sites under DIR (in a fresh ``statusgen-bench-*`` folder) and leave them there
--results DIR  write each section run to DIR/<section>.json (``benchmarks/results`` holds the figures
               docs/performance.md shows: ``python3 benchmarks/report.py`` renders them); not with --quick

Sections, one module each:

A  section_a.py  500 incidents, 10 components: cold build, warm rebuild, peak memory, output size (A2: bilingual)
B  section_b.py  1,000 to 10,000 incidents, 50 components: cold builds, time per 1,000 incidents, linearity
C  section_c.py  200 incidents, 20 components with 90 days of samples and 15 years of compacted history:
                 cold build, and the rebuild after one probe run
D  section_d.py  ``generate.py probe`` against 200 local endpoints, 20 of which never answer
E  section_e.py  page weight of A's ``index.html`` and what it references; the largest page, feed and JSON file
F  section_f.py  ``generate.py probe --vantage`` for a place: 100 local components and one link's bandwidth, against
                 the declared bound

What they share (timing whole processes beside the imports floor and the imports + I/O floor, output
sizes, the machine) is in bench_common.py; the results files in bench_results.py; other tools' figures,
from ``peers.json``, in bench_peers.py. A comparison with another tool says whether that tool was timed
in the same run or on another day (the date is printed); the benchmark times no other tool itself.

The report goes to stdout and progress to stderr. The exit status is 0 even when a target is
missed (this is a measuring tool), and 1 when a command fails or the benchmark cannot run.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import sys
import tempfile
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

sys.dont_write_bytecode = True  # leave no __pycache__ in benchmarks/
sys.path.insert(0, str(Path(__file__).resolve().parent))

# The imports below come after the path is set.
import bench_results  # noqa: E402
import section_a  # noqa: E402
import section_b  # noqa: E402
import section_c  # noqa: E402
import section_d  # noqa: E402
import section_e  # noqa: E402
import section_f  # noqa: E402
from bench_common import (  # noqa: E402
    FLOOR_IMPORTS,
    Bench,
    BenchError,
    Target,
    machine,
    progress,
    run_process,
    say,
    show_machine,
)
from bench_peers import load_peers  # noqa: E402
from bench_results import ResultFile, ResultsError  # noqa: E402

SECTIONS = "ABCDEF"
SECTION_RUNNERS: dict[str, Callable[[Bench], None]] = {
    "A": section_a.run,
    "B": section_b.run,
    "C": section_c.run,
    "D": section_d.run,
    "E": section_e.run,
    "F": section_f.run,
}


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
    parser.add_argument("--results", type=Path, help="write each section run to this folder as <section>.json")
    args = parser.parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)
    args.sections = [s.strip().upper() for s in args.only.split(",") if s.strip()]
    if not args.sections or any(s not in SECTIONS for s in args.sections):
        parser.error(f"--only takes letters among {', '.join(SECTIONS)}, e.g. --only A,E")
    if args.runs is None:
        args.runs = 3 if args.quick else 5
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if args.results and args.quick:
        parser.error("--results keeps figures for docs/performance.md: not with --quick")
    return args


def run(args: argparse.Namespace) -> dict[str, object]:
    info = machine()
    show_machine(info)
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    base = Path(tempfile.mkdtemp(prefix="statusgen-bench-", dir=args.keep))
    bench = Bench(base, args.runs, args.quick, keep=args.keep is not None, peers=load_peers())
    try:
        run_process(["-c", FLOOR_IMPORTS])  # compiles any changed module before the first timing
        for letter in SECTIONS:
            if letter in args.sections:
                say()
                start_load = os.getloadavg()[0]
                SECTION_RUNNERS[letter](bench)
                bench.load[letter] = [round(start_load, 2), round(os.getloadavg()[0], 2)]
                if args.results:  # at once: a later section's failure does not lose it
                    progress(f"wrote {write_result(args, info, bench, letter)}")
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


def machine_described(info: dict[str, object]) -> dict[str, object]:
    """What a results file says of the machine."""
    keys = {"cores": "cpus", "cpu": "cpu", "ram_gib": "ram_gib", "python": "python", "platform": "platform"}
    return {key: info[name] for key, name in keys.items()} | {"libraries": info["libraries"]}


def write_result(args: argparse.Namespace, info: dict[str, object], bench: Bench, section: str) -> Path:
    """The results file of one section just run."""
    commit, dirty = info["commit"], info["uncommitted_changes"]
    result = ResultFile(
        section=section,
        status="re-measured",
        measured_on=datetime.now(UTC).date().isoformat(),
        how=shlex.join(["python3", "benchmarks/run.py", *args.argv]),
        runs=bench.runs_used[section],
        commit=commit if isinstance(commit, str) else None,
        uncommitted_changes=dirty if isinstance(dirty, bool) else None,
        machine=machine_described(info),
        rows=bench.rows[section],
        load_average=bench.load.get(section),
    )
    return bench_results.write(args.results, result)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        figures = run(args)
    except (BenchError, ResultsError) as exc:
        print(f"benchmark stopped: {exc}", file=sys.stderr)
        return 1
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
