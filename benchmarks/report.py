"""Render the performance table of docs/performance.md from the results files and the peers' figures.

    python3 benchmarks/report.py            # rewrite docs/performance.md between the two marker comments
    python3 benchmarks/report.py --check    # exit 1 if docs/performance.md is not what the files make

It reads ``benchmarks/results/*.json`` (see bench_results.py) and ``benchmarks/peers.json`` (see
bench_peers.py) and writes the part of docs/performance.md (or of the file ``--readme`` names) between
``<!-- benchmarks:start -->`` and ``<!-- benchmarks:end -->``: the table, where each section's figures come
from (re-measured or carried over, when, on what machine), and every other tool's figure it compares with.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path

sys.dont_write_bytecode = True  # leave no __pycache__ in benchmarks/
sys.path.insert(0, str(Path(__file__).resolve().parent))

# The imports below come after the path is set.
from bench_peers import PEERS, PeerFigure, comparison, load_peers  # noqa: E402
from bench_results import PLACEHOLDER, RESULTS, ResultFile, ResultsError, Row, load  # noqa: E402

PAGE = Path(__file__).resolve().parent.parent / "docs" / "performance.md"
START = "<!-- benchmarks:start -->"
END = "<!-- benchmarks:end -->"
NOTICE = (
    "<!-- written by `python3 benchmarks/report.py` from benchmarks/results/*.json and benchmarks/peers.json;"
    " edit those and run it, not this -->"
)
HEADER = (
    "| | target | measured (median) | × imports floor | × imports + I/O floor | |",
    "|---|---|---|---|---|---|",
)


def fill(template: str, row: Row, peers: dict[str, PeerFigure], used: set[str], where: str) -> str:
    """``template`` with each ``{figure}`` and ``{figure vs peer}`` of ``row`` written out."""

    def one(match: re.Match[str]) -> str:
        name, other = match.group(1), match.group(2)
        if name not in row.figures:
            raise ResultsError(f"{where}: no figure {name!r}")
        ours = row.figures[name]
        if other is None:
            return ours.text()
        if other in row.figures and row.figures[other].peer is not None:
            theirs = row.figures[other]
            return comparison(ours, theirs, theirs.peer or "", None)
        if other not in peers:
            raise ResultsError(f"{where}: {other!r} is neither a peer's figure of the row nor one of peers.json")
        used.add(other)
        peer = peers[other]
        return comparison(ours, peer.figure, peer.peer, peer.date)

    text = PLACEHOLDER.sub(one, template)
    if "{" in text or "}" in text:
        raise ResultsError(f"{where}: a brace that is not a placeholder in {template!r}")
    return text.replace("|", "\\|")


def machine_text(machine: dict[str, object]) -> str:
    def get(key: str) -> str:
        value = machine.get(key)
        return "unknown" if value is None else str(value)

    return f"{get('cores')} cores ({get('cpu')}), {get('ram_gib')} GiB, {get('python')}, {get('platform')}"


def provenance(result: ResultFile) -> tuple[str, str, str]:
    """(kind, commit and machine, how) of a section's figures: what sections measured together share."""
    commit = f"commit `{result.commit}`" if result.commit else "commit unknown"
    if result.uncommitted_changes:
        commit += " with uncommitted changes"
    if result.status == "re-measured":
        kind = f"re-measured on {result.measured_on}"
        how = f"Command: `{result.how}`."
    else:
        kind = f"**not re-measured**: figures of {result.measured_on}, carried over"
        how = "Source: " + (result.how if result.how.endswith(".") else result.how + ".")
    if result.note:
        how += f" Note: {result.note}"
    return kind, f"{commit}; {machine_text(result.machine)}", how


def source_lines(results: Sequence[ResultFile]) -> list[str]:
    """Where each section's figures come from: one line for sections that share it."""
    groups: list[list[ResultFile]] = []
    for result in results:
        if groups and provenance(groups[-1][0]) == provenance(result):
            groups[-1].append(result)
        else:
            groups.append([result])
    lines = []
    for group in groups:
        kind, machine, how = provenance(group[0])
        sections = ", ".join(result.section for result in group)
        files = ", ".join(f"`{result.section.lower()}.json`" for result in group)
        if len({result.runs for result in group}) == 1:
            runs = group[0].runs
        else:
            runs = ", ".join(f"{result.section} {result.runs}" for result in group)
        loads = [
            f"{result.section} " * (len(group) > 1) + " to ".join(f"{load:.1f}" for load in result.load_average)
            for result in group
            if result.load_average
        ]
        load = f"; 1-minute load average from start to end: {', '.join(loads)}" if loads else ""
        lines.append(f"- {sections} ({files}): {kind}; runs: {runs}; {machine}{load}. {how}")
    return lines


def render(results: Sequence[ResultFile], peers: dict[str, PeerFigure]) -> str:
    """The text between the markers, each line ending in a newline."""
    lines = [NOTICE, "", *HEADER]
    used: set[str] = set()
    for result in results:
        for number, row in enumerate(result.rows):
            where = f"{result.section.lower()}.json rows[{number}]"
            cells = [
                fill(getattr(row, column), row, peers, used, f"{where}.{column}")
                for column in ("label", "target", "measured", "imports_floor", "io_floor", "verdict")
            ]
            lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "Where the figures come from (`benchmarks/results/`):", ""]
    lines += source_lines(results)
    if used:
        lines += ["", "Figures of other tools (`benchmarks/peers.json`), timed on another day, not beside ours:", ""]
        for key in sorted(used):
            peer = peers[key]
            lines.append(
                f"- {peer.peer}, {peer.what}: {peer.figure.text()} on {peer.date}. Machine: {peer.machine}. "
                f"How: {peer.how}."
            )
    return "\n".join(lines) + "\n"


def split(readme: str) -> tuple[str, str, str]:
    """(before and the start marker's line, the block, the end marker's line and after)."""
    if readme.count(START) != 1 or readme.count(END) != 1:
        raise ResultsError(f"the page must hold {START} and {END} once each")
    head, rest = readme.split(START, 1)
    block, tail = rest.split(END, 1)
    if not block.startswith("\n"):
        raise ResultsError(f"{START} must end its line")
    return head + START + "\n", block[1:], END + tail


def block_of(readme: str) -> str:
    return split(readme)[1]


def replaced(readme: str, block: str) -> str:
    head, _, tail = split(readme)
    return head + block + tail


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="exit 1 if the page is not what the files make")
    parser.add_argument("--readme", type=Path, default=PAGE, help="the page (default: docs/performance.md)")
    parser.add_argument("--results", type=Path, default=RESULTS, help="folder of the results files")
    parser.add_argument("--peers", type=Path, default=PEERS)
    args = parser.parse_args(argv)
    try:
        block = render(load(args.results), load_peers(args.peers))
        readme = args.readme.read_text(encoding="utf-8")
        if args.check:
            if block_of(readme) != block:
                print(f"{args.readme}: the benchmarks table differs from {args.results}; run benchmarks/report.py")
                return 1
            return 0
        new = replaced(readme, block)
        if new != readme:
            args.readme.write_text(new, encoding="utf-8")
            print(f"{args.readme}: benchmarks table rewritten")
    except (OSError, ResultsError) as exc:
        print(f"report: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
