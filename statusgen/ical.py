"""Maintenance windows as iCalendar, made with the icalendar library."""

from __future__ import annotations

from datetime import UTC, timedelta
from urllib.parse import urlsplit

from .i18n import Language, translated
from .views import SiteView

RECENT_DAYS = 90


def render_calendar(view: SiteView, lang: Language) -> bytes:
    """Upcoming maintenance, and maintenance of the last 90 days, in ``lang``. UIDs are stable; times are UTC."""
    code = lang.code
    host = urlsplit(view.config.base_url).hostname or "status"
    from icalendar import Calendar, Event  # imported by the worker that makes the calendar, not by every build step

    calendar = Calendar()
    calendar.add("prodid", "-//statusgen//Status LPSE//ID")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", lang.t("calendar.name", title=translated(view.config.title, code)[0]))
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
        event.add("summary", lang.t("calendar.summary", title=translated(record.title, code)[0]))
        event.add("url", view.config.base_url + lang.prefix + item.path)
        names = ", ".join(translated(c.name, code)[0] for c in item.components)
        latest = translated(item.updates[0].update.message, code)[0] if item.updates else ""
        phase = lang.t(f"phase.{item.phase}")
        event.add("description", lang.t("calendar.description", components=names, phase=phase, latest=latest).strip())
        event.add("status", "CONFIRMED")
        calendar.add_component(event)
    ics: bytes = calendar.to_ical()
    return ics
