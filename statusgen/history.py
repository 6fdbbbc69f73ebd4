"""Probe history: samples in ``history/<component>/<YYYY-MM>.csv``, read back for the build.

The files are append-only and merged with git's union driver, so two runs that
race can leave lines out of order, duplicated, or a last line cut short.
Readers therefore sort and de-duplicate by time, and skip a broken line with a
warning; nothing here ever rewrites a file.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from .problems import Problems

HEADER = ("time", "status", "http_status", "latency_ms", "error", "cert_days")
STATUSES = ("up", "degraded", "down")
ERRORS = ("timeout", "dns", "connection", "tls", "status", "keyword", "redirects", "error")


@dataclass(frozen=True, order=True)
class ProbeSample:
    """One check of one component. ``time`` is whole seconds since the epoch (UTC)."""

    time: int
    status: str
    http_status: int | None = None
    latency_ms: int | None = None
    error: str | None = None
    cert_days: int | None = None

    def csv_line(self) -> str:
        """The sample as one CSV line, empty fields left empty."""
        stamp = datetime.fromtimestamp(self.time, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        fields = [stamp, self.status, self.http_status, self.latency_ms, self.error, self.cert_days]
        return ",".join("" if f is None else str(f) for f in fields) + "\n"

    @property
    def month(self) -> str:
        """``YYYY-MM`` of the UTC time: the file the sample belongs in."""
        return datetime.fromtimestamp(self.time, UTC).strftime("%Y-%m")


def parse_line(fields: list[str]) -> ProbeSample:
    """One CSV row as a sample; raises ValueError saying what is wrong."""
    if len(fields) != len(HEADER):
        raise ValueError(f"expected {len(HEADER)} fields, found {len(fields)}")
    stamp, status, http_status, latency, error, cert_days = fields
    if not (len(stamp) == 20 and stamp.endswith("Z")):
        raise ValueError(f"time '{stamp}' is not UTC ISO 8601 like 2026-11-26T02:00:00Z")
    moment = int(datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp())
    if status not in STATUSES:
        raise ValueError(f"status '{status}' is not one of {', '.join(STATUSES)}")
    if error and error not in ERRORS:
        raise ValueError(f"error '{error}' is not one of {', '.join(ERRORS)}")
    return ProbeSample(moment, status, _number(http_status), _number(latency), error or None, _number(cert_days))


def _number(text: str) -> int | None:
    if text == "":
        return None
    return int(text)


def read_component(folder: Path, problems: Problems, shown_root: str) -> list[ProbeSample]:
    """Every sample in one component's folder, sorted by time, one per time.

    Where union merges left two different lines for one time, the first in sort order wins.
    """
    samples: dict[int, ProbeSample] = {}
    for path in sorted(folder.glob("*.csv")):
        shown = f"{shown_root}/{path.name}"
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.warning(shown, 1, f"skipped: cannot read the file ({exc})")
            continue
        for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
            if not row or tuple(row) == HEADER:
                continue
            try:
                sample = parse_line(row)
            except ValueError as exc:
                problems.warning(shown, number, f"skipped a malformed probe line: {exc}")
                continue
            kept = samples.get(sample.time)
            if kept is None or sample < kept:
                samples[sample.time] = sample
    return [samples[t] for t in sorted(samples)]


def read_history(
    history: Path, component_ids: list[str], problems: Problems, shown: str
) -> dict[str, list[ProbeSample]]:
    """Samples of each component that has a folder under ``history/``."""
    result: dict[str, list[ProbeSample]] = {}
    for cid in component_ids:
        folder = history / cid
        if folder.is_dir():
            result[cid] = read_component(folder, problems, f"{shown}/{cid}")
    return result
