"""Section A: the everyday site, 500 incidents and 10 components, in one language (A) and two (A2).

Cold build, warm rebuild with nothing changed, peak memory and output size; the cold build is
compared with every peer figure of scenario "A" in ``peers.json`` (timed on another day).
"""

from __future__ import annotations

from dataclasses import asdict

from bench_common import Bench, Target, cold, largest_files, measure, mib, say, show_timing, tree_size, warm
from bench_peers import for_scenario, other_day
from bench_results import Figure, Row, sig
from sites import Size

TARGET = 0.45  # seconds, cold build of A
SIZES = {"A": Size(500, 10), "A2": Size(500, 10, languages=("id", "en"))}


def run(bench: Bench) -> None:
    say("A  500 incidents, 10 components, no probes")
    rows = []
    for name, size in SIZES.items():
        say(f"\n{name}  languages {', '.join(size.languages)}; runs: {bench.runs}")
        config, out = bench.site(name, size)
        cold_timing = measure(f"{name} cold", bench.runs, cold(config, out), config.parent, out)
        warm_timing = measure(f"{name} warm", bench.runs, warm(config, out), config.parent, out)
        show_timing("cold build", cold_timing)
        show_timing("warm rebuild, nothing changed", warm_timing)
        files, size_bytes = tree_size(out)
        say(f"  output: {files:,} files, {size_bytes:,} bytes ({mib(size_bytes)})")
        ours = cold_timing.seconds()
        peers = for_scenario(bench.peers, name)
        for peer in peers:
            say(f"  {other_day(ours, peer)}")
        found = largest_files(out)
        bench.largest[name] = found
        bench.built[name] = out
        bench.results[name] = {
            "size": asdict(size),
            "cold": cold_timing.as_json(),
            "warm": warm_timing.as_json(),
            "output_files": files,
            "output_bytes": size_bytes,
            "peers": {peer.id: other_day(ours, peer) for peer in peers},
            "largest": found,
        }
        figures = {
            "cold": ours,
            "warm": warm_timing.seconds(),
            "files": Figure(files, "files"),
            "output": Figure(sig(size_bytes / 1024 / 1024), "MiB"),
            "peak": cold_timing.peak(),
            **cold_timing.floor_ratios(),
        }
        versus = "".join(f" ({{cold vs {peer.id}}})" for peer in peers)
        if name == "A":
            value = cold_timing.measured.median
            shown = f"{value:.3f} s" + "".join(f" ({other_day(ours, peer)})" for peer in peers)
            bench.targets.append(Target("A cold build", f"≤ {TARGET} s", shown, value <= TARGET))
            row = Row(
                "A. 500 incidents, 10 components, history from 2011, one language: cold build",
                target=f"≤ {TARGET} s",
                measured=f"{{cold}}{versus}; {{files}}, {{output}}, {{peak}} peak; "
                "{warm} rebuilt with nothing changed",
                verdict="met" if value <= TARGET else "missed",
            )
        else:
            row = Row(
                "A2. the same in two languages (as the real site)",
                target="–",
                measured=f"{{cold}}{versus}; {{files}}",
            )
        row.imports_floor, row.io_floor, row.figures = "{imports_ratio}", "{io_ratio}", figures
        rows.append(row)
    bench.rows["A"] = rows
    bench.runs_used["A"] = str(bench.runs)
