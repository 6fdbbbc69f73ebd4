"""Current status of components and of the whole site. Pure: ``now`` is passed in."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from .incidents import Incident

# Worst first. The overall status is the worst component status.
STATUSES = ("major_outage", "partial_outage", "degraded_performance", "under_maintenance", "operational")
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


def component_status(component_id: str, incidents: Iterable[Incident], now: datetime) -> str:
    """The worst status among the component's active incidents. A notice changes nothing."""
    return worst(
        SEVERITY_STATUS[i.severity]
        for i in incidents
        if component_id in i.components and i.severity in SEVERITY_STATUS and is_active(i, now)
    )


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
