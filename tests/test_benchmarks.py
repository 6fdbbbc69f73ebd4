"""The benchmarks' report: results files rendered into the table of docs/performance.md, peers' figures
labelled by kind.

Nothing here runs a benchmark. The renderer is checked on small hand-written files, and the table of
docs/performance.md against what it makes of the committed files in benchmarks/results/ and benchmarks/peers.json.
"""

from __future__ import annotations

import ast
import importlib
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "benchmarks"
PAGE = ROOT / "docs" / "performance.md"  # the page that holds the table


@pytest.fixture
def report(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """benchmarks/report.py, imported afresh; benchmarks/ is a folder of scripts, not a package."""
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    for name in ("report", "bench_peers", "bench_results"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    return importlib.import_module("report")


def machine() -> dict[str, object]:
    return {"cores": 2, "cpu": "Test CPU", "ram_gib": 8.0, "python": "CPython 3.11.0", "platform": "Linux 6.0"}


def result(section: str, status: str, rows: list[dict[str, object]]) -> dict[str, object]:
    return {
        "schema": 1,
        "section": section,
        "status": status,
        "measured_on": "2026-12-01",
        "how": "python3 benchmarks/run.py --only X",
        "runs": "5",
        "commit": "abc1234",
        "uncommitted_changes": False,
        "machine": machine(),
        "rows": rows,
    }


def seconds(value: float) -> dict[str, object]:
    return {"value": value, "unit": "s"}


PEERS = {
    "schema": 1,
    "figures": {
        "other-x": {
            "peer": "Other",
            "scenario": "X",
            "what": "site X",
            "value": 3.0,
            "unit": "s",
            "date": "2026-11-20",
            "machine": "a laptop",
            "how": "by hand",
        }
    },
}


def write_files(folder: Path, results: list[dict[str, object]], peers: dict[str, object] = PEERS) -> tuple[Path, Path]:
    folder.mkdir()
    for item in results:
        (folder / f"{str(item['section']).lower()}.json").write_text(json.dumps(item), encoding="utf-8")
    peers_path = folder.parent / "peers.json"
    peers_path.write_text(json.dumps(peers), encoding="utf-8")
    return folder, peers_path


def small_results() -> list[dict[str, object]]:
    x = {
        "label": "X. a site",
        "target": "≤ 1 s",
        "measured": "{cold} ({cold vs other-x}); {files}, {peak} peak",
        "imports_floor": "{ratio}",
        "io_floor": "",
        "verdict": "missed",
        "figures": {
            "cold": seconds(2.0),
            "files": {"value": 1461, "unit": "files"},
            "peak": {"value": 59.5, "unit": "MiB"},
            "ratio": {"value": 14, "unit": "×"},
        },
    }
    y = {
        "label": "Y. beside another tool",
        "target": "–",
        "measured": "{cold} ({cold vs theirs})",
        "imports_floor": "",
        "io_floor": "",
        "verdict": "",
        "figures": {"cold": seconds(4.0), "theirs": {"value": 2.0, "unit": "s", "peer": "Other"}},
    }
    carried = result("X", "carried over", [x])
    carried["measured_on"] = "2026-11-26"
    carried["how"] = "copied from README.md"
    carried["uncommitted_changes"] = True
    return [carried, result("Y", "re-measured", [y])]


EXPECTED = """\
<!-- written by `python3 benchmarks/report.py` from benchmarks/results/*.json and benchmarks/peers.json; \
edit those and run it, not this -->

| | target | measured (median) | × imports floor | × imports + I/O floor | |
|---|---|---|---|---|---|
| X. a site | ≤ 1 s | 2.0 s (Other 3.0 s on another day, 2026-11-20: ours 1.5× faster); 1,461 files, 59.5 MiB peak \
| 14× |  | missed |
| Y. beside another tool | – | 4.0 s (Other 2.0 s in the same run: ours 2.0× slower) |  |  |  |

Where the figures come from (`benchmarks/results/`):

- X (`x.json`): **not re-measured**: figures of 2026-11-26, carried over; runs: 5; commit `abc1234` with \
uncommitted changes; 2 cores (Test CPU), 8.0 GiB, CPython 3.11.0, Linux 6.0. Source: copied from README.md.
- Y (`y.json`): re-measured on 2026-12-01; runs: 5; commit `abc1234`; 2 cores (Test CPU), 8.0 GiB, \
CPython 3.11.0, Linux 6.0. Command: `python3 benchmarks/run.py --only X`.

Figures of other tools (`benchmarks/peers.json`), timed on another day, not beside ours:

- Other, site X: 3.0 s on 2026-11-20. Machine: a laptop. How: by hand.
"""


def test_renders_a_small_hand_written_set_into_the_expected_table(report: ModuleType, tmp_path: Path) -> None:
    folder, peers = write_files(tmp_path / "results", small_results())
    rendered = report.render(report.load(folder), report.load_peers(peers))
    assert rendered == EXPECTED


def test_a_peer_figure_from_another_day_is_labelled_so_and_one_of_the_same_run_too(
    report: ModuleType, tmp_path: Path
) -> None:
    folder, peers = write_files(tmp_path / "results", small_results())
    rendered = report.render(report.load(folder), report.load_peers(peers))
    x_row, y_row = (line for line in rendered.splitlines() if line.startswith(("| X.", "| Y.")))
    assert "Other 3.0 s on another day, 2026-11-20: ours 1.5× faster" in x_row
    assert "same run" not in x_row
    assert "Other 2.0 s in the same run: ours 2.0× slower" in y_row
    assert "another day" not in y_row


def test_a_row_naming_a_figure_it_lacks_is_refused(report: ModuleType, tmp_path: Path) -> None:
    results = small_results()
    rows = results[0]["rows"]
    assert isinstance(rows, list)
    rows[0]["measured"] = "{cold vs nobody}"
    folder, peers = write_files(tmp_path / "results", results)
    with pytest.raises(report.ResultsError, match="nobody"):
        report.render(report.load(folder), report.load_peers(peers))


def test_comparing_figures_of_different_units_is_refused(report: ModuleType, tmp_path: Path) -> None:
    results = small_results()
    rows = results[0]["rows"]
    assert isinstance(rows, list)
    rows[0]["measured"] = "{files vs other-x}"
    folder, peers = write_files(tmp_path / "results", results)
    with pytest.raises(report.ResultsError, match="units differ"):
        report.render(report.load(folder), report.load_peers(peers))


def test_the_table_is_what_the_committed_files_make(report: ModuleType) -> None:
    readme = PAGE.read_text(encoding="utf-8")
    expected = report.render(report.load(BENCHMARKS / "results"), report.load_peers(BENCHMARKS / "peers.json"))
    assert report.block_of(readme) == expected, "docs/performance.md: the table was edited by hand: run report.py"


def test_the_script_writes_docs_performance_by_default(report: ModuleType) -> None:
    assert report.PAGE == PAGE
    assert report.main(["--check"]) == 0  # the default page, results and peers
    # The table is in one place: the README links to the page and holds no copy.
    assert report.START not in (ROOT / "README.md").read_text(encoding="utf-8")


def test_a_page_without_the_markers_is_refused(report: ModuleType, tmp_path: Path) -> None:
    page = tmp_path / "performance.md"
    page.write_text(PAGE.read_text(encoding="utf-8").replace(report.END, ""), encoding="utf-8")
    assert report.main(["--check", "--readme", str(page)]) == 1
    assert report.main(["--readme", str(page)]) == 1


def test_a_hand_edit_of_the_table_is_caught(report: ModuleType, tmp_path: Path) -> None:
    readme = PAGE.read_text(encoding="utf-8")
    block = report.block_of(readme)
    row = next(line for line in block.splitlines() if line.startswith("| A."))
    edited = tmp_path / "performance.md"
    edited.write_text(readme.replace(row, row.replace(" s ", " s (faster) ", 1)), encoding="utf-8")
    assert edited.read_text(encoding="utf-8") != readme
    arguments = ["--check", "--readme", str(edited)]
    assert report.main([*arguments, "--results", str(BENCHMARKS / "results")]) == 1
    assert report.main(["--readme", str(edited)]) == 0  # rewriting it restores the rendered table
    assert edited.read_text(encoding="utf-8") == readme
    assert report.main(arguments) == 0


def test_every_peer_figure_in_the_table_is_dated(report: ModuleType) -> None:
    peers = report.load_peers(BENCHMARKS / "peers.json")
    block = report.block_of(PAGE.read_text(encoding="utf-8"))
    for peer in peers.values():
        for line in block.splitlines():
            if line.startswith("| ") and f"{peer.peer} " in line:
                assert "on another day" in line or "in the same run" in line
        assert peer.date and peer.machine and peer.how


def test_no_peer_figure_is_written_in_the_benchmarks_code(report: ModuleType) -> None:
    figures = {peer.figure.value for peer in report.load_peers(BENCHMARKS / "peers.json").values()}
    assert figures
    for path in BENCHMARKS.glob("*.py"):
        numbers = {
            node.value
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Constant) and type(node.value) in (int, float)
        }
        assert not numbers & figures, f"{path.name} holds a peer's figure: {numbers & figures}"


def test_sections_measured_together_share_one_line_with_each_ones_runs_and_load(
    report: ModuleType, tmp_path: Path
) -> None:
    rows = small_results()[1]["rows"]
    assert isinstance(rows, list)
    results = [result("X", "re-measured", rows), result("Y", "re-measured", rows)]
    results[0]["load_average"] = [0.3, 1.2]
    results[1]["load_average"] = [1.2, 2.0]
    results[1]["runs"] = "1"
    folder, _ = write_files(tmp_path / "results", results)
    lines = report.source_lines(report.load(folder))
    assert lines == [
        "- X, Y (`x.json`, `y.json`): re-measured on 2026-12-01; runs: X 5, Y 1; commit `abc1234`; 2 cores "
        "(Test CPU), 8.0 GiB, CPython 3.11.0, Linux 6.0; 1-minute load average from start to end: X 0.3 to 1.2, "
        "Y 1.2 to 2.0. Command: `python3 benchmarks/run.py --only X`."
    ]


def test_the_benchmark_keeps_its_command_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    monkeypatch.delitem(sys.modules, "run", raising=False)
    run = importlib.import_module("run")
    args = run.parse_args(["--only", "a,e", "--runs", "3", "--json", "figures.json", "--keep", "sites"])
    assert (args.sections, args.runs, args.json, args.keep, args.quick) == (
        ["A", "E"],
        3,
        Path("figures.json"),
        Path("sites"),
        False,
    )
    assert run.parse_args(["--quick"]).runs == 3
    for wrong in (["--only", "X"], ["--runs", "0"], ["--quick", "--results", "out"]):
        with pytest.raises(SystemExit):
            run.parse_args(wrong)


def test_section_f_runs_a_place_and_checks_its_records(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A smoke run of section F, once: every line recorded in the place's folders; its time is reported, not
    judged here."""
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    for name in ("section_f", "section_d", "bench_common"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    section_f = importlib.import_module("section_f")
    bench_common = importlib.import_module("bench_common")
    bench = bench_common.Bench(tmp_path, 1, True, keep=False)
    section_f.run(bench)
    records = next(t for t in bench.targets if t.name == "F place records")
    assert records.passed, capsys.readouterr().out
    assert bench.results["F"]["record_failures"] == []
    assert bench.results["F"]["declared_bound_s"] == 14.5  # (2.25 × 2 + 0.5) + (2.25 × 2) for the link, then 5.0
    assert bench.rows["F"][0].label.startswith("F. `probe --vantage`")
