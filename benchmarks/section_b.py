"""Section B: growth, 1,000 to 10,000 incidents on 50 components.

Cold builds, time per 1,000 incidents, linearity (least squares), and the peak memory of the largest;
each size is compared with every peer figure of scenario "B-<incidents>" in ``peers.json``.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence

from bench_common import Bench, Target, Timing, cold, largest_files, measure, say, show_timing
from bench_peers import for_scenario, other_day
from bench_results import Figure, Row, sig
from sites import Size

SIZES = (1000, 2000, 5000, 10000)
QUICK_SIZES = (1000, 2000)
BIG = 5000  # from this many incidents on, B uses half the runs
TARGET = 6.0  # seconds, cold build of 10,000 incidents
RSS_TARGET = 300.0  # MiB
LINEAR_R2 = 0.98  # the least R² called linear


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


def run(bench: Bench) -> None:
    sizes = QUICK_SIZES if bench.quick else SIZES
    fewer = max(1, bench.runs // 2)
    say("B  growth: 50 components, cold builds")
    say(f"  runs: {bench.runs} below {BIG:,} incidents, {fewer} from {BIG:,} on (to save time)")
    series: dict[int, Timing] = {}
    for n in sizes:
        runs = bench.runs if n < BIG else fewer
        name = f"B-{n}"
        config, out = bench.site(name, Size(n, 50))
        timing = measure(f"{name} cold", runs, cold(config, out), config.parent, out)
        series[n] = timing
        say(f"\n{n:,} incidents (runs: {runs})")
        show_timing("cold build", timing)
        per_thousand = timing.above_floor() / (n / 1000)
        say(f"  {'':<30} {per_thousand:.3f} s per 1,000 incidents above the imports floor")
        for peer in for_scenario(bench.peers, name):
            say(f"  {'':<30} {other_day(timing.seconds(), peer)}")
        if n == sizes[-1]:
            bench.largest[name] = largest_files(out)
        bench.discard(config.parent)
    summarize(bench, series)
    bench.runs_used["B"] = f"{bench.runs} ({fewer} for {', '.join(f'{n:,}' for n in sizes if n >= BIG)})"
    if not any(n >= BIG for n in sizes):
        bench.runs_used["B"] = str(bench.runs)


def summarize(bench: Bench, series: dict[int, Timing]) -> None:
    slope, intercept, r2 = least_squares([(n, t.measured.median) for n, t in series.items()])
    first, last = min(series), max(series)
    ratio = series[last].above_floor() / series[first].above_floor()
    say("\n  linearity (least squares, median seconds against incidents):")
    say(f"    slope {slope * 1000:.3f} s per 1,000 incidents, intercept {intercept:.3f} s, R² {r2:.4f}")
    say(f"    (t{last:,} − floor) / (t{first:,} − floor) = {ratio:.2f} (linear: {last / first:.1f})")
    bench.results["B"] = {
        "series": {str(n): t.as_json() for n, t in series.items()},
        "slope_s_per_1000": round(slope * 1000, 4),
        "intercept_s": round(intercept, 4),
        "r2": round(r2, 5),
        "ratio_last_first_above_floor": round(ratio, 3),
        "peers": {
            peer.id: other_day(t.seconds(), peer)
            for n, t in series.items()
            for peer in for_scenario(bench.peers, f"B-{n}")
        },
        "largest": {name: found for name, found in bench.largest.items() if name.startswith("B-")},
    }
    big = series.get(SIZES[-1])
    shown = f"{big.measured.median:.3f} s" if big else "not measured (--quick)"
    memory = f"{big.measured.peak_mib:.1f} MiB" if big else "not measured (--quick)"
    fast = None if big is None else big.measured.median <= TARGET
    small = None if big is None else big.measured.peak_mib < RSS_TARGET
    bench.targets.append(Target("B 10,000 incidents", f"≤ {TARGET} s", shown, fast))
    bench.targets.append(Target("B 10,000 peak RSS", f"< {RSS_TARGET:.0f} MiB", memory, small))
    rows = []
    if big is not None:
        verdict = {(True, True): "met", (False, True): "time missed, memory met", (True, False): "memory missed"}
        row = Row(
            f"B. {SIZES[-1]:,} incidents, 50 components",
            target=f"≤ {TARGET:g} s, < {RSS_TARGET:.0f} MiB",
            measured="{cold}, {peak} peak",
            imports_floor="{imports_ratio}",
            io_floor="{io_ratio}",
            verdict=verdict.get((bool(fast), bool(small)), "missed"),
            figures={"cold": big.seconds(), "peak": big.peak(), **big.floor_ratios()},
        )
        rows.append(row)
    figures = {f"b{n}": t.seconds() for n, t in series.items()}
    figures |= {
        "slope": Figure(sig(slope * 1000), "s"),
        "r2": Figure(round(r2, 3), ""),
        "intercept": Figure(sig(intercept, 2), "s"),
    }
    versus = [f"{n:,}: {{b{n} vs {peer.id}}}" for n in series for peer in for_scenario(bench.peers, f"B-{n}")]
    rows.append(
        Row(
            "B series: " + " / ".join(f"{n:,}" for n in series),
            target="linear",
            measured=" / ".join(f"{{b{n}}}" for n in series) + (f" ({'; '.join(versus)})" if versus else ""),
            verdict=("linear" if r2 >= LINEAR_R2 else "not linear")
            + ": {slope} per 1,000 incidents (R² {r2}) on a fixed {intercept}",
            figures=figures,
        )
    )
    bench.rows["B"] = rows
