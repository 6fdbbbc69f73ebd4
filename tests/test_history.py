"""Probe history files: append-only writing, and reading what union merges leave behind."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from statusgen.history import (
    HEADER,
    RUNS_HEADER,
    lines_of,
    parse_lines,
    parse_run_lines,
    run_columns,
    sample_columns,
)
from statusgen.model import ProbeSample
from statusgen.output import append_samples
from statusgen.problems import Problems
from statusgen.recorded import read_component

HEAD = ",".join(HEADER) + "\n"
T0 = 1795658400  # 2026-11-26T02:00:00Z


def test_the_header_is_exactly_the_contract() -> None:
    assert HEAD == "time,status,http_status,latency_ms,error,cert_days\n"


def test_a_sample_line_leaves_empty_fields_empty() -> None:
    assert ProbeSample(T0, "down", None, None, "timeout", None).csv_line() == "2026-11-26T02:00:00Z,down,,,timeout,\n"
    assert ProbeSample(T0, "up", 200, 153, None, 41).csv_line() == "2026-11-26T02:00:00Z,up,200,153,,41\n"


def test_append_only_header_once_and_the_utc_month_names_the_file(tmp_path: Path) -> None:
    history = tmp_path / "history"
    # 2026-11-30T23:59:00Z is already 1 December in WITA, but the file is named by the UTC month.
    late = ProbeSample(T0 + 4 * 86400 + 21 * 3600 + 59 * 60, "up", 200, 10, None, None)
    append_samples(history, {"spse": ProbeSample(T0, "up", 200, 12, None, None)})
    before = (history / "spse" / "2026-11.csv").read_bytes()
    append_samples(history, {"spse": late})
    after = (history / "spse" / "2026-11.csv").read_bytes()
    assert after.startswith(before)  # nothing rewritten
    assert after.decode() == HEAD + "2026-11-26T02:00:00Z,up,200,12,,\n" + "2026-11-30T23:59:00Z,up,200,10,,\n"
    append_samples(history, {"spse": ProbeSample(T0 + 5 * 86400, "up", 200, 9, None, None)})
    assert (history / "spse" / "2026-12.csv").read_text() == HEAD + "2026-12-01T02:00:00Z,up,200,9,,\n"


def test_a_cut_off_last_line_is_ended_before_appending(tmp_path: Path) -> None:
    folder = tmp_path / "history" / "spse"
    folder.mkdir(parents=True)
    cut = HEAD + "2026-11-26T01:55:00Z,up,200,11,,\n2026-11-26T01:5"
    (folder / "2026-11.csv").write_text(cut)
    append_samples(tmp_path / "history", {"spse": ProbeSample(T0, "up", 200, 12, None, None)})
    text = (folder / "2026-11.csv").read_text()
    assert text == cut + "\n2026-11-26T02:00:00Z,up,200,12,,\n"
    problems = Problems()
    found = read_component(folder, problems, "history/spse")
    # The broken line 3 is skipped with a warning; both whole lines are read.
    assert [s.time for s in found] == [T0 - 300, T0]
    assert [str(p) for p in problems.items] == [
        "history/spse/2026-11.csv:3: warning: skipped a malformed probe line: expected 6 fields, found 1"
    ]


def test_a_union_merged_file_reads_sorted_and_once(tmp_path: Path) -> None:
    # Two runs raced: git's union merge kept both sides' lines, out of order, one line on both
    # sides, and the same time once more with a different result (the first in sort order wins).
    folder = tmp_path / "spse"
    folder.mkdir()
    (folder / "2026-11.csv").write_text(
        HEAD
        + "2026-11-26T01:50:00Z,up,200,10,,\n"
        + "2026-11-26T02:00:00Z,up,200,12,,\n"
        + "2026-11-26T01:55:00Z,down,,,timeout,\n"
        + "2026-11-26T01:50:00Z,up,200,10,,\n"
        + "2026-11-26T02:00:00Z,down,,,timeout,\n"
        + "2026-11-26T02:05:00Z,degraded,200,4000,,\n"
    )
    (folder / "2026-10.csv").write_text(HEAD + "2026-10-31T23:55:00Z,up,200,9,,\n")
    problems = Problems()
    found = read_component(folder, problems, "history/spse")
    assert problems.items == []
    assert [(s.time - T0, s.status) for s in found] == [
        (-(25 * 86400 + 2 * 3600 + 5 * 60), "up"),  # 2026-10-31T23:55Z is 25 days 2 h 5 min before T0
        (-600, "up"),
        (-300, "down"),
        (0, "down"),  # ("down" < "up": the first in sort order)
        (300, "degraded"),
    ]


def test_malformed_lines_are_skipped_with_their_line_numbers(tmp_path: Path) -> None:
    folder = tmp_path / "spse"
    folder.mkdir()
    (folder / "2026-11.csv").write_text(
        HEAD
        + "2026-11-26 02:00:00,up,200,12,,\n"  # 2: not UTC ISO with Z
        + "2026-11-26T02:05:00Z,sideways,200,12,,\n"  # 3: unknown status
        + "2026-11-26T02:10:00Z,down,,,gremlins,\n"  # 4: unknown error word
        + "2026-11-26T02:15:00Z,up,abc,12,,\n"  # 5: not a number
        + "<<<<<<< HEAD\n"  # 6: a conflict marker
        + "2026-11-26T02:20:00Z,up,200,12,,\n"  # 7: fine
        + "2026-11-26T0\u0662:\u0660\u0660:00Z,up,200,12,,\n"  # 8: Arabic-Indic digits in the time
    )
    problems = Problems()
    found = read_component(folder, problems, "history/spse")
    assert [s.time for s in found] == [T0 + 1200]
    lines = [(p.line, p.warning) for p in problems.items]
    assert lines == [(2, True), (3, True), (4, True), (5, True), (6, True), (8, True)]
    assert "status 'sideways' is not one of up, degraded, down" in problems.items[1].message


def test_racing_lines_with_empty_fields_for_one_time_pick_one_and_never_crash(tmp_path: Path) -> None:
    folder = tmp_path / "spse"
    folder.mkdir()
    (folder / "2026-11.csv").write_text(
        HEAD
        + "2026-11-26T02:00:00Z,down,,10000,timeout,\n"
        + "2026-11-26T02:00:00Z,down,500,120,status,\n"
        + "2026-11-26T02:00:00Z,down,,,dns,\n"  # a third run's line, merged in by git's union driver
    )
    problems = Problems()
    found = read_component(folder, problems, "history/spse")
    # Three lines for one time; the one whose text sorts first wins: ",,,dns" < ",,10000" < ",500".
    assert found == [ProbeSample(T0, "down", None, None, "dns", None)]
    assert problems.items == []


def test_one_bad_byte_or_quote_costs_one_line_only(tmp_path: Path) -> None:
    folder = tmp_path / "spse"
    folder.mkdir()
    (folder / "2026-11.csv").write_bytes(
        HEAD.encode()
        + b"2026-11-26T02:00:00Z,up,200,12,,\n"
        + b'2026-11-26T02:05:00Z,up,200,1\xe9,,"\n'
        + b"2026-11-26T02:10:00Z,up,200,14,,\n"
        + b'"2026-11-26T02:15:00Z,up,200,15,,\n'
        + b"2026-11-26T02:20:00Z,up,200,16,,\n"
    )
    problems = Problems()
    found = read_component(folder, problems, "history/spse")
    assert [s.time - T0 for s in found] == [0, 600, 1200]
    assert [(p.line, p.message[:30]) for p in problems.items] == [
        (3, "skipped a line that is not UTF"),
        (5, "skipped a malformed probe line"),
    ]


# --- a file read at once gives what reading it line by line gives ------------------------------------------

SAMPLE_LINES = st.sampled_from(
    [
        "2026-11-26T02:00:00Z,up,200,180,,40",
        "2026-11-26T23:59:59Z,degraded,301,2400,,",
        "2026-11-27T00:05:00Z,down,,,timeout,",
        "2026-11-27T00:10:00Z,down,503,40,status,12",
        "2024-02-29T12:00:00Z,up,200,0,,99999",
        "2026-11-26T24:00:00Z,up,200,180,,40",  # hour 24: malformed
        "2026-02-30T01:00:00Z,up,200,180,,40",  # no such day
        "2026-11-26T02:00:00Z,fine,200,180,,40",
        "2026-11-26T02:00:00Z,up,200,180,,40,extra",
        "2026-11-26T02:00:00Z,up,099,180,,40",
        "time,status,http_status,latency_ms,error,cert_days",  # a header, first or not
        "",
        "2026-11-26T02:00:00Z,up,200,١٨٠,,40",  # other digits
    ]
)
RUN_LINES = st.sampled_from(
    [
        "2025-01,2025-01-01T00:00:00Z,2025-01-02T00:00:00Z,up",
        "2025-01,2025-01-02T00:00:00Z,2025-01-02T01:30:00Z,down",
        "2025-01,2025-01-02T01:30:00Z,2025-01-02T01:30:00Z,up",  # ends as it starts: malformed
        "2025-01,2025-01-03T05:00:00Z,2025-01-03T04:00:00Z,degraded",  # ends before it starts
        "2025-02,2025-02-29T00:00:00Z,2025-03-01T00:00:00Z,up",  # no such day
        "2025-01,2025-01-04T00:00:00Z,2025-01-04T24:00:00Z,up",
        "month,start,end,status",
        "2025-01,2025-01-05T00:00:00Z,2025-01-06T00:00:00Z,fine",
    ]
)


def files(lines: st.SearchStrategy[str]) -> st.SearchStrategy[bytes]:
    ends = st.sampled_from(["\n", "\n", "\n", "\r\n"])
    body = st.lists(st.tuples(lines, ends), max_size=12).map(lambda pairs: "".join(a + b for a, b in pairs))
    return st.tuples(body, st.sampled_from(["", "", "2026-11-26T03:00:0"])).map(lambda t: (t[0] + t[1]).encode())


def plain(data: bytes, slow: Problems, header: tuple[str, ...]) -> bool:
    """Whether a file is one read at once: read line by line without a warning, every line ending with a line
    feed alone, no blank line, and a header, if any, only as its first line."""
    lines = data.split(b"\n")[:-1]
    return (
        not slow.items
        and (not data or data.endswith(b"\n"))
        and all(line and not line.endswith(b"\r") for line in lines)
        and ",".join(header).encode() not in lines[1:]
    )


@given(files(SAMPLE_LINES))
def test_samples_read_at_once_are_those_read_line_by_line(data: bytes) -> None:
    slow = Problems()
    by_line = parse_lines(lines_of(data, "x.csv", slow), slow, "x.csv")
    at_once = sample_columns(data)
    if at_once is not None:  # taken only for a file read line by line without a warning
        assert not slow.items
        assert at_once == ([list(column) for column in zip(*by_line, strict=True)] or [[] for _ in HEADER])
    assert (at_once is not None) == plain(data, slow, HEADER)


@given(files(RUN_LINES))
def test_runs_read_at_once_are_those_read_line_by_line(data: bytes) -> None:
    slow = Problems()
    by_line = parse_run_lines(lines_of(data, "runs.csv", slow, 0, RUNS_HEADER), slow, "runs.csv")
    at_once = run_columns(data)
    if at_once is not None:
        assert not slow.items
        assert at_once == ([list(column) for column in zip(*by_line, strict=True)] or [[] for _ in RUNS_HEADER])
    assert (at_once is not None) == plain(data, slow, RUNS_HEADER)
