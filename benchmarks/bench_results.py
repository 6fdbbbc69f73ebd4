"""Benchmark results as JSON: one file per section, each figure with its unit, and where it was measured.

``benchmarks/results/<section>.json`` (written by ``run.py --results``, read by ``report.py``)::

    {
      "schema": 1,
      "section": "A",
      "status": "re-measured",               # or "carried over": figures copied, not measured again
      "measured_on": "2026-12-05",           # the day the figures were measured
      "how": "python3 benchmarks/run.py ...", # the command, or where carried-over figures come from
      "runs": "5",
      "commit": "9b60064",
      "uncommitted_changes": false,
      "machine": {"cores": 2, "cpu": "...", "ram_gib": 23.5, "python": "CPython 3.11.7", "platform": "..."},
      "load_average": [2.1, 2.9],            # optional: the 1-minute load average at the start and the end
      "note": "...",                          # optional: anything else about the conditions
      "rows": [
        {
          "label": "A. 500 incidents ...: cold build",
          "target": "≤ 0.45 s",
          "measured": "{cold} ({cold vs cstate-a}); {files}",
          "imports_floor": "{imports_ratio}",
          "io_floor": "{io_ratio}",
          "verdict": "missed",
          "figures": {"cold": {"value": 1.62, "unit": "s"}, "files": {"value": 748, "unit": "files"}}
        }
      ]
    }

The texts of a row are templates. ``{name}`` is the row's figure ``name`` with its unit ("1.62 s",
"7.0×"). ``{name vs other}`` compares figure ``name`` with a peer's figure: ``other`` is either a figure of
the same row that names its ``peer`` (timed in the same run), or the id of a figure in
``benchmarks/peers.json`` (timed on another day); the text says which.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
SCHEMA = 1
STATUSES = ("re-measured", "carried over")
COLUMNS = ("label", "target", "measured", "imports_floor", "io_floor", "verdict")
PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_]+)(?: vs ([A-Za-z0-9_.-]+))?\}")

Number = int | float


class ResultsError(Exception):
    """A results or peers file is missing, malformed, or refers to a figure that is not there."""


def sig(value: float, digits: int = 3) -> Number:
    """``value`` rounded to ``digits`` significant digits; an int when no decimal is left (14.2 → 14)."""
    if value == 0 or not math.isfinite(value):
        return 0 if value == 0 else value
    decimals = digits - 1 - math.floor(math.log10(abs(value)))
    if decimals <= 0:
        return int(round(value, decimals))
    return round(value, decimals)


def format_number(value: Number) -> str:
    """As stored: 1.62 → "1.62", 6.0 → "6.0", 1461 → "1,461"."""
    return f"{value:,}"


@dataclass(frozen=True)
class Figure:
    """One measured figure. ``peer`` names the tool it was measured of, when not this one."""

    value: Number
    unit: str
    peer: str | None = None

    def text(self) -> str:
        number = format_number(self.value)
        if self.unit == "×":
            return f"{number}×"
        return f"{number} {self.unit}" if self.unit else number

    def as_json(self) -> dict[str, object]:
        found: dict[str, object] = {"value": self.value, "unit": self.unit}
        if self.peer is not None:
            found["peer"] = self.peer
        return found


@dataclass
class Row:
    """One line of the table in docs/performance.md."""

    label: str
    target: str = ""
    measured: str = ""
    imports_floor: str = ""
    io_floor: str = ""
    verdict: str = ""
    figures: dict[str, Figure] = field(default_factory=dict)

    def as_json(self) -> dict[str, object]:
        found: dict[str, object] = {column: getattr(self, column) for column in COLUMNS}
        found["figures"] = {name: figure.as_json() for name, figure in self.figures.items()}
        return found


@dataclass
class ResultFile:
    """The figures of one section, as measured together."""

    section: str
    status: str
    measured_on: str
    how: str
    runs: str
    commit: str | None
    uncommitted_changes: bool | None
    machine: dict[str, object]
    rows: list[Row]
    load_average: list[float] | None = None  # the 1-minute load average as the section began and ended
    note: str | None = None  # what else a reader should know of the conditions

    def as_json(self) -> dict[str, object]:
        found: dict[str, object] = {
            "schema": SCHEMA,
            "section": self.section,
            "status": self.status,
            "measured_on": self.measured_on,
            "how": self.how,
            "runs": self.runs,
            "commit": self.commit,
            "uncommitted_changes": self.uncommitted_changes,
            "machine": self.machine,
        }
        if self.load_average is not None:
            found["load_average"] = self.load_average
        if self.note is not None:
            found["note"] = self.note
        found["rows"] = [row.as_json() for row in self.rows]
        return found


def path_for(folder: Path, section: str) -> Path:
    return folder / f"{section.lower()}.json"


def write(folder: Path, result: ResultFile) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = path_for(folder, result.section)
    path.write_text(json.dumps(result.as_json(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


# --- Reading, with the file named in every error ------------------------------------------------------------


def text_field(where: str, data: dict[str, object], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str):
        raise ResultsError(f"{where}: {key!r} must be text")
    return value


def as_object(where: str, value: object) -> dict[str, object]:
    if not isinstance(value, dict) or not all(isinstance(key, str) for key in value):
        raise ResultsError(f"{where}: expected an object")
    return value


def figure_from(where: str, value: object) -> Figure:
    data = as_object(where, value)
    number = data.get("value")
    if isinstance(number, bool) or not isinstance(number, int | float):
        raise ResultsError(f"{where}: 'value' must be a number")
    peer = data.get("peer")
    if peer is not None and not isinstance(peer, str):
        raise ResultsError(f"{where}: 'peer' must be text")
    return Figure(number, text_field(where, data, "unit"), peer)


def row_from(where: str, value: object) -> Row:
    data = as_object(where, value)
    figures = as_object(f"{where}.figures", data.get("figures", {}))
    label, target, measured, imports_floor, io_floor, verdict = (text_field(where, data, c) for c in COLUMNS)
    found = {name: figure_from(f"{where}.figures.{name}", item) for name, item in figures.items()}
    return Row(label, target, measured, imports_floor, io_floor, verdict, found)


def result_from(where: str, value: object) -> ResultFile:
    data = as_object(where, value)
    if data.get("schema") != SCHEMA:
        raise ResultsError(f"{where}: 'schema' must be {SCHEMA}")
    status = text_field(where, data, "status")
    if status not in STATUSES:
        raise ResultsError(f"{where}: 'status' must be one of {', '.join(STATUSES)}")
    commit = data.get("commit")
    dirty = data.get("uncommitted_changes")
    rows = data.get("rows")
    if not isinstance(rows, list) or not rows:
        raise ResultsError(f"{where}: 'rows' must be a list of at least one row")
    return ResultFile(
        section=text_field(where, data, "section"),
        status=status,
        measured_on=text_field(where, data, "measured_on"),
        how=text_field(where, data, "how"),
        runs=text_field(where, data, "runs"),
        commit=commit if isinstance(commit, str) else None,
        uncommitted_changes=dirty if isinstance(dirty, bool) else None,
        machine=as_object(f"{where}.machine", data.get("machine")),
        rows=[row_from(f"{where}.rows[{n}]", item) for n, item in enumerate(rows)],
        load_average=load_from(where, data.get("load_average")),
        note=None if data.get("note") is None else text_field(where, data, "note"),
    )


def load_from(where: str, value: object) -> list[float] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value):
        raise ResultsError(f"{where}: 'load_average' must be a list of numbers")
    return [float(v) for v in value]


def read_json(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ResultsError(f"{path}: {exc}") from exc


def load(folder: Path = RESULTS) -> list[ResultFile]:
    """Every ``*.json`` of ``folder``, in the order of their names."""
    paths = sorted(folder.glob("*.json"))
    if not paths:
        raise ResultsError(f"{folder}: no results (*.json)")
    return [result_from(path.name, read_json(path)) for path in paths]
