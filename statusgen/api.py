"""Statuspage-compatible documents (public API v2 field names and shapes), built from a SiteView.

Widgets and aggregators written for Statuspage read these as they are. Ids are our own stable
ones (component ids and incident slugs), not Statuspage's random strings.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from .sla import Spread
from .status import ENDED
from .uptime import DailyUptime
from .views import ComponentView, IncidentView, SiteView

# Statuspage's fields say what is known to be wrong; it has no word for "unknown". A component
# without recent probe data has no known problem, so its standard status is "operational" and the
# page's indicator is "none" when that is all there is: a client reading only the standard fields
# sees one consistent picture. Our own word stays beside them ("statusgen_status": "no_data") and
# in the description, for clients that want to tell "up" from "not measured lately".
COMPONENT_STATUS = {"no_data": "operational"}
INDICATOR = {
    "operational": "none",
    "no_data": "none",
    "degraded_performance": "minor",
    "partial_outage": "major",
    "major_outage": "critical",
    "under_maintenance": "maintenance",
}
DESCRIPTION = {
    "operational": "All Systems Operational",
    "no_data": "No Recent Data for Some Systems",
    "degraded_performance": "Degraded System Performance",
    "partial_outage": "Partial System Outage",
    "major_outage": "Major System Outage",
    "under_maintenance": "Service Under Maintenance",
}
IMPACT = {"major": "critical", "partial": "major", "degraded": "minor", "notice": "none", "maintenance": "maintenance"}
MAX_INCIDENTS = 50


def documents(view: SiteView) -> dict[str, Any]:
    """Every v2 document, by its path under ``api/v2/``."""
    page = _page(view)
    components = _components(view)
    # An incident names its components as components.json describes them: the same group and position.
    by_id = {document["id"]: document for document in components if not document["group"]}

    def incident(item: IncidentView) -> dict[str, Any]:
        return _incident(view, item, by_id)

    # An incident that starts after now is held back, as on the pages (most likely a mistyped date).
    ordinary = [i for i in view.incidents if not i.incident.is_maintenance and i.incident.started <= view.now]
    maintenance = [i for i in view.incidents if i.incident.is_maintenance]
    unresolved = [incident(i) for i in ordinary if i.phase == "ongoing"]
    upcoming = [incident(i) for i in reversed(maintenance) if i.phase == "scheduled"]
    active = [incident(i) for i in maintenance if i.phase == "in_progress"]
    status = {
        "indicator": INDICATOR[view.overall],
        "description": DESCRIPTION[view.overall],
        "statusgen_status": view.overall,
    }
    return {
        "summary.json": {
            "page": page,
            "components": components,
            "incidents": unresolved,
            "scheduled_maintenances": active + upcoming,
            "status": status,
        },
        "status.json": {"page": page, "status": status},
        "components.json": {"page": page, "components": components},
        "incidents.json": {"page": page, "incidents": [incident(i) for i in ordinary[:MAX_INCIDENTS]]},
        "incidents/unresolved.json": {"page": page, "incidents": unresolved},
        "scheduled-maintenances.json": {
            "page": page,
            "scheduled_maintenances": [incident(i) for i in maintenance[:MAX_INCIDENTS]],
        },
        "scheduled-maintenances/upcoming.json": {"page": page, "scheduled_maintenances": upcoming},
        "scheduled-maintenances/active.json": {"page": page, "scheduled_maintenances": active},
    }


def page_id(view: SiteView) -> str:
    parts = urlsplit(view.config.base_url)
    return (parts.hostname or "status") + parts.path.rstrip("/").replace("/", "-")


def _stamp(moment: datetime | None, view: SiteView) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(view.config.timezone).isoformat(timespec="milliseconds")


def _page(view: SiteView) -> dict[str, Any]:
    return {
        "id": page_id(view),
        "name": view.config.title,
        "url": view.config.base_url,
        "time_zone": view.config.timezone.key,
        "updated_at": _stamp(view.now, view),
    }


def _components(view: SiteView) -> list[dict[str, Any]]:
    result = []
    position = 0
    for group in view.groups:
        group_id = None
        if group.name:
            position += 1
            group_id = f"group-{position}"
            result.append(
                _component(view, group_id, group.name, group.status, position, None, True)
                | {"components": [item.component.id for item in group.components]}
            )
        for item in group.components:
            position += 1
            result.append(_component_of(view, item, position, group_id))
    return result


def _component_of(view: SiteView, item: ComponentView, position: int, group_id: str | None) -> dict[str, Any]:
    document = _component(view, item.component.id, item.component.name, item.status, position, group_id, False)
    document["description"] = item.component.description
    document["start_date"] = view.config.first_day(item.component).isoformat()
    document["statusgen_status"] = item.status
    if item.places:
        # What each place that probes it sees, in the standard words (no_data as the component's own).
        document["statusgen_vantages"] = {
            place.id: COMPONENT_STATUS.get(place.status, place.status) for place in item.places
        }
    return document


def _component(
    view: SiteView, cid: str, name: str, status: str, position: int, group_id: str | None, group: bool
) -> dict[str, Any]:
    return {
        "id": cid,
        "name": name,
        "status": COMPONENT_STATUS.get(status, status),
        "created_at": _stamp(view.now, view),
        "updated_at": _stamp(view.now, view),
        "position": position,
        "description": None,
        "showcase": True,
        "start_date": None,
        "group_id": group_id,
        "page_id": page_id(view),
        "group": group,
        "only_show_if_degraded": False,
    }


def _incident(view: SiteView, item: IncidentView, components: dict[str, dict[str, Any]]) -> dict[str, Any]:
    record = item.incident
    updates = item.updates  # newest first, as Statuspage lists them
    url = view.config.base_url + item.path
    if record.is_maintenance:
        status = item.phase  # scheduled | in_progress | completed
    elif item.phase == "resolved":
        status = "resolved"
    else:
        status = next((u.update.status for u in updates if u.update.status != "resolved"), "investigating")
    monitoring = next((u.update.at for u in reversed(updates) if u.update.status == "monitoring"), None)
    resolved = record.resolved if item.phase in ENDED else None
    announced = min(updates[-1].update.at if updates else record.started, view.now)
    latest = max([u.update.at for u in updates] + [announced] + ([resolved] if resolved else []))
    timeline = [
        _update(view, record.slug, f"{record.slug}-{u.anchor}", u.update.status, u.update.message, u.update.at)
        for u in updates
    ]
    if not timeline:
        # A Statuspage incident always has an update: a record written without any (a notice, say)
        # is announced by its text, as the page and the feeds show it, at the time it was published.
        text = record.body.strip() or record.title
        timeline = [_update(view, record.slug, f"{record.slug}-mulai", status, text, announced)]
    document = {
        "id": record.slug,
        "name": record.title,
        "status": status,
        "created_at": _stamp(announced, view),
        "updated_at": _stamp(latest, view),
        "monitoring_at": _stamp(monitoring, view),
        "resolved_at": _stamp(resolved, view),
        "impact": IMPACT[record.severity],
        "shortlink": url,
        "started_at": _stamp(record.started, view),
        "page_id": page_id(view),
        "incident_updates": timeline,
        "components": [document for cid, document in components.items() if cid in record.components],
    }
    if record.is_maintenance:
        document["scheduled_for"] = _stamp(record.started, view)
        document["scheduled_until"] = _stamp(record.resolved, view)
    return document


def _update(view: SiteView, slug: str, uid: str, status: str, body: str, at: datetime) -> dict[str, Any]:
    return {
        "id": uid,
        "status": status,
        "body": body,
        "incident_id": slug,
        "created_at": _stamp(at, view),
        "updated_at": _stamp(at, view),
        "display_at": _stamp(at, view),
        "affected_components": None,
        "deliver_notifications": True,
        "custom_tweet": None,
        "tweet_id": None,
    }


# The figures of the v1 documents (daily.json, monthly.json) that only a site with places, or a probe that
# measures throughput, has; a site without them gets the documents exactly as before.


def day_vantages(document: dict[str, Any], places: dict[str, list[DailyUptime]]) -> None:
    """Each day of daily.json gains ``vantages``: each place's own uptime that day (None: no data), when several
    places probe the component."""
    if len(places) < 2:
        return
    by_date = {vid: {d.date.isoformat(): d.uptime for d in own} for vid, own in places.items()}
    for day in document["days"]:
        day["vantages"] = {vid: own.get(day["date"]) for vid, own in by_date.items()}


def row_vantages(document: dict[str, Any], places: dict[str, list[DailyUptime]]) -> None:
    """Each row of a year's daily file gains a last column ``vantages`` (as day_vantages), when several places
    probe the component."""
    if len(places) < 2:
        return
    by_date = {vid: {d.date.isoformat(): d.uptime for d in own} for vid, own in places.items()}
    document["columns"].append("vantages")
    for row in document["days"]:
        row.append({vid: own.get(row[0]) for vid, own in by_date.items()})


def month_bandwidth(document: dict[str, Any], item: ComponentView) -> None:
    """Each month of monthly.json gains its throughput, when the component's probe measures it: the download's
    median, 10th percentile and count (None: no measurement that month), the upload's likewise when measured,
    the target, and whether it was met (None: no measurement, never a pass)."""
    probe = item.component.probe
    if probe is None or probe.bandwidth is None:
        return
    measured = {month.label: month for month in item.bandwidth}
    for month in document["months"]:
        found = measured.get(month["month"])
        month["bandwidth_mbps"] = _spread(found.download if found else None)
        if item.upload:
            month["upload_mbps"] = _spread(found.upload if found else None)
        month["bandwidth_target_mbps"] = probe.bandwidth.target_mbps
        month["bandwidth_met"] = found.met if found else None


def _spread(spread: Spread | None) -> dict[str, Any] | None:
    if spread is None:
        return None
    return {"median": spread.median, "p10": spread.p10, "samples": spread.samples}
