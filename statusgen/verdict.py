"""What the probes of several places add up to. Pure: samples, spans and ``now`` in, verdicts out.

The public places vote on what the public sees, each by its newest sample while it is fresh:

- every fresh place sees the service down: a major outage;
- some see it down and others up: a partial outage, naming the places that cannot reach it;
- every fresh place sees it up: operational, or degraded when one saw it slow.

A place whose newest sample is stale does not vote; with none fresh the verdict is "no data". So one
place never turns the page red while another fresh place sees the service up.

An inside place (in the organisation's own network) explains instead of voting: whether the application
answers there, and whether the organisation's link to the internet (its ``uplink``) works. Only for a
component no public place probes (the uplink itself) do the inside places vote.

Over time the same rule holds instant by instant: each place's samples cover the time up to its next one
(at most ``max_gap``), and where the covering places disagree the time counts as partial (``PARTIAL``),
as a partial incident does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .model import ProbeSample
from .status import PROBE_STATUS, worst
from .uptime import FULL, WEIGHTS, Outage

PARTIAL = WEIGHTS["partial"]  # per mille: some places could not reach the service

# What an inside place's view says about a public verdict (a key of the pages' catalogues):
# link_down     every public place sees it down; inside, it answers, and the organisation's link is down
# runs_inside   every public place sees it down; inside, it answers, and the link is up or not probed
# app_down      every public place sees it down, and so does the inside place: the application itself
# inside_only   the public can reach it; the inside place cannot (the organisation's own network)
EXPLANATIONS = ("link_down", "runs_inside", "app_down", "inside_only")


@dataclass(frozen=True)
class Reading:
    """What one place says of one component at ``now``."""

    vantage: str
    public: bool
    latest: ProbeSample | None  # its newest sample up to now
    fresh: bool  # the newest sample is younger than stale_after

    @property
    def status(self) -> str:
        """One of status.STATUSES: the newest sample's, or "no_data" when it is stale or missing."""
        return PROBE_STATUS[self.latest.status] if self.fresh and self.latest is not None else "no_data"

    @property
    def down(self) -> bool:
        return self.fresh and self.latest is not None and self.latest.status == "down"


@dataclass(frozen=True)
class Verdict:
    """What the probes tell the public about one component at ``now``."""

    status: str  # one of status.STATUSES
    down_from: tuple[str, ...] = ()  # a partial outage: the voting places that cannot reach it
    stale: tuple[str, ...] = ()  # places that probe it but have no fresh sample, so do not vote
    explanation: str | None = None  # one of EXPLANATIONS


def reading(vantage: str, public: bool, latest: ProbeSample | None, now: int, stale_after: int) -> Reading:
    """One place's reading: ``latest`` is its newest sample up to ``now`` (seconds)."""
    fresh = latest is not None and 0 <= now - latest.time < stale_after
    return Reading(vantage, public, latest, fresh)


def verdict(readings: Sequence[Reading], uplinks: dict[str, Reading] | None = None) -> Verdict:
    """The public verdict from every place that probes a component (in status.yml's order).

    ``uplinks`` holds, by inside place, that place's reading of its uplink component.
    """
    voters = [r for r in readings if r.public] or list(readings)
    fresh = [r for r in voters if r.fresh]
    stale = tuple(r.vantage for r in readings if not r.fresh)
    if not fresh:
        return Verdict("no_data", stale=stale)
    down = [r.vantage for r in fresh if r.down]
    if len(down) == len(fresh):
        status = "major_outage"
    elif down:
        status = "partial_outage"
    else:
        status = worst(r.status for r in fresh)
    inside = [r for r in readings if not r.public and r.fresh] if voters[0].public else []
    explanation = _explain(status, inside[0], (uplinks or {}).get(inside[0].vantage)) if inside else None
    return Verdict(status, tuple(down) if status == "partial_outage" else (), stale, explanation)


def _explain(status: str, inside: Reading, uplink: Reading | None) -> str | None:
    """What the inside place's fresh reading (and its uplink's) says of the public ``status``."""
    if status == "major_outage":
        if inside.down:
            return "app_down"
        return "link_down" if uplink is not None and uplink.down else "runs_inside"
    if status in ("operational", "degraded_performance") and inside.down:
        return "inside_only"
    return None


def combined_spans(places: Sequence[Sequence[Outage]]) -> list[Outage]:
    """One span list from several places' (each sorted, disjoint; weight FULL where down, 0 where up).

    At each instant the places whose samples cover it vote: all down weighs FULL, some down PARTIAL,
    none down 0; time no place covers is left out (no data). Touching spans of one weight are joined.
    """
    if len(places) == 1:
        return list(places[0])
    events: list[tuple[int, int, bool]] = []  # (time, +1 / -1, down)
    for spans in places:
        for span in spans:
            if span.end > span.start:
                down = span.weight >= FULL
                events += [(span.start, 1, down), (span.end, -1, down)]
    events.sort()
    result: list[Outage] = []
    covering = downs = 0
    previous = None
    index = 0
    while index < len(events):
        moment = events[index][0]
        if previous is not None and moment > previous and covering:
            weight = FULL if downs == covering else PARTIAL if downs else 0
            last = result[-1] if result else None
            if last is not None and last.end == previous and last.weight == weight:
                result[-1] = Outage(last.start, moment, weight)
            else:
                result.append(Outage(previous, moment, weight))
        while index < len(events) and events[index][0] == moment:
            _, change, down = events[index]
            covering += change
            downs += change if down else 0
            index += 1
        previous = moment
    return result
