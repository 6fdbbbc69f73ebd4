"""Other status-page tools' figures, and how a figure of ours compares with one.

A peer's figure is either timed in the same run as ours (a figure of the results that names its
``peer``), or one from another day, kept in ``benchmarks/peers.json`` with its date, the machine and
how it was obtained::

    {
      "schema": 1,
      "figures": {
        "cstate-a": {
          "peer": "cState", "scenario": "A", "what": "...", "value": 2.35, "unit": "s",
          "date": "2026-11-26", "machine": "...", "how": "..."
        }
      }
    }

``scenario`` is the benchmark's name for the site it was timed on ("A", "B-1000"...); the sections
compare with every peer figure of their scenario. Every comparison says which kind it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bench_results import Figure, ResultsError, as_object, figure_from, read_json, text_field

PEERS = Path(__file__).resolve().parent / "peers.json"
SAME_RUN = "in the same run"
ANOTHER_DAY = "on another day"


@dataclass(frozen=True)
class PeerFigure:
    """A peer's figure timed on another day."""

    id: str
    peer: str
    scenario: str
    what: str
    figure: Figure
    date: str
    machine: str
    how: str


def load_peers(path: Path = PEERS) -> dict[str, PeerFigure]:
    data = as_object(path.name, read_json(path))
    if data.get("schema") != 1:
        raise ResultsError(f"{path.name}: 'schema' must be 1")
    found = {}
    for key, value in as_object(f"{path.name}.figures", data.get("figures")).items():
        where = f"{path.name}.figures.{key}"
        item = as_object(where, value)
        figure = figure_from(where, {"value": item.get("value"), "unit": item.get("unit")})
        found[key] = PeerFigure(
            id=key,
            peer=text_field(where, item, "peer"),
            scenario=text_field(where, item, "scenario"),
            what=text_field(where, item, "what"),
            figure=figure,
            date=text_field(where, item, "date"),
            machine=text_field(where, item, "machine"),
            how=text_field(where, item, "how"),
        )
    return found


def for_scenario(peers: dict[str, PeerFigure], scenario: str) -> list[PeerFigure]:
    return [peer for peer in peers.values() if peer.scenario == scenario]


def speed(ours: float, theirs: float) -> str:
    """How a time of ours compares with a peer's: "1.5× faster", "1.2× slower"."""
    if ours <= 0 or theirs <= 0:
        raise ResultsError("a time to compare must be above zero")
    ratio = theirs / ours
    if round(ratio, 1) == 1.0:
        return "as fast"
    return f"{ratio:.1f}× faster" if ratio > 1 else f"{1 / ratio:.1f}× slower"


def comparison(ours: Figure, theirs: Figure, peer: str, date: str | None) -> str:
    """``theirs`` against ``ours``: ``date`` is None when the peer was timed in the same run."""
    if ours.unit != theirs.unit:
        raise ResultsError(f"cannot compare {ours.text()} with {peer}'s {theirs.text()}: units differ")
    kind = SAME_RUN if date is None else f"{ANOTHER_DAY}, {date}"
    return f"{peer} {theirs.text()} {kind}: ours {speed(float(ours.value), float(theirs.value))}"


def other_day(ours: Figure, peer: PeerFigure) -> str:
    return comparison(ours, peer.figure, peer.peer, peer.date)
