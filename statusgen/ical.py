"""Maintenance windows as iCalendar, made with the icalendar library."""

from __future__ import annotations

from datetime import UTC, timedelta
from urllib.parse import urlsplit

from icalendar import Calendar, Event

from .views import SiteView

RECENT_DAYS = 90


def render_calendar(view: SiteView) -> bytes:
    """Upcoming maintenance, and maintenance of the last 90 days. UIDs are stable; times are UTC."""
    host = urlsplit(view.config.base_url).hostname or "status"
    calendar = Calendar()
    calendar.add("prodid", "-//statusgen//Status LPSE//ID")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"Pemeliharaan · {view.config.title}")
    since = view.now - timedelta(days=RECENT_DAYS)
    windows = [
        item
        for item in view.incidents
        if item.incident.is_maintenance and item.incident.resolved and item.incident.resolved >= since
    ]
    for item in sorted(windows, key=lambda i: (i.incident.started, i.incident.slug)):
        record = item.incident
        assert record.resolved is not None
        event = Event()
        event.add("uid", f"{record.slug}@{host}")
        # The newest update (or the start), never later than now: the same input gives the same file.
        event.add(
            "dtstamp", min(item.updates[0].update.at if item.updates else record.started, view.now).astimezone(UTC)
        )
        event.add("dtstart", record.started.astimezone(UTC))
        event.add("dtend", record.resolved.astimezone(UTC))
        event.add("summary", f"Pemeliharaan: {record.title}")
        event.add("url", view.config.base_url + item.path)
        names = ", ".join(c.name for c in item.components)
        latest = item.updates[0].update.message if item.updates else ""
        event.add("description", f"Layanan terdampak: {names}. {item.phase_label}. {latest}".strip())
        event.add("status", "CONFIRMED")
        calendar.add_component(event)
    ics: bytes = calendar.to_ical()
    return ics
