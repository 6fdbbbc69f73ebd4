"""Current status of components and of the whole site. Pure: ``now`` is passed in."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from . import schema
from .model import Incident, ProbeSample

# Worst first. The overall status is the worst component status. "no_data": the component is
# probed but its newest sample is stale, so nothing recent vouches for it; it is never shown as green.
STATUSES = ("major_outage", "partial_outage", "degraded_performance", "under_maintenance", "no_data", "operational")
PROBE_STATUS = {"down": "major_outage", "degraded": "degraded_performance", "up": "operational"}
ENDED = ("resolved", "completed")  # the phases of an incident, or a maintenance, that is over
SEVERITY_STATUS = {
    "major": "major_outage",
    "partial": "partial_outage",
    "degraded": "degraded_performance",
    "maintenance": "under_maintenance",
}


def is_active(incident: Incident, now: datetime) -> bool:
    """True while ``now`` is inside ``[started, resolved)``; an ongoing incident has no end."""
    return incident.started <= now and (incident.resolved is None or now < incident.resolved)


def is_upcoming(incident: Incident, now: datetime) -> bool:
    """Announced ahead, not started yet: scheduled maintenance, or a notice of planned work."""
    return now < incident.started


def worst(statuses: Iterable[str]) -> str:
    """The worst of several statuses; ``operational`` when there are none."""
    return min(statuses, key=STATUSES.index, default="operational")


def component_status(
    component_id: str,
    incidents: Iterable[Incident],
    now: datetime,
    latest: ProbeSample | None = None,
    probed: bool = False,
    stale_after: int = schema.STALE_AFTER * 60,
    observed: str | None = None,
) -> str:
    """The worst of the component's active incidents and, when probed, its newest sample.

    A notice changes nothing. A sample older than ``stale_after`` seconds says nothing, and a
    probed component without a fresh sample is "no_data", never operational. A false alarm
    active at ``now`` voids a down sample. ``observed``, when given, is what the probes of several
    places say (verdict.py), in place of ``latest``.
    """
    mine = [i for i in incidents if component_id in i.components and is_active(i, now)]
    statuses = [SEVERITY_STATUS[i.severity] for i in mine if i.severity in SEVERITY_STATUS]
    fresh = latest is not None and 0 <= now.timestamp() - latest.time < stale_after
    if observed is not None:
        failing = observed in ("major_outage", "partial_outage")
        statuses.append("operational" if failing and any(i.false_alarm for i in mine) else observed)
    elif fresh and latest is not None:
        voided = latest.status == "down" and any(i.false_alarm for i in mine)
        statuses.append("operational" if voided else PROBE_STATUS[latest.status])
    elif probed:
        statuses.append("no_data")
    return worst(statuses)


def phase(incident: Incident, now: datetime) -> str:
    """Where an incident stands at ``now``.

    ``scheduled`` before it starts; then for maintenance ``in_progress`` or
    ``completed``, for other incidents ``ongoing`` or ``resolved``.
    """
    if is_upcoming(incident, now):
        return "scheduled"
    if incident.is_maintenance:
        return "in_progress" if is_active(incident, now) else "completed"
    return "ongoing" if is_active(incident, now) else "resolved"
