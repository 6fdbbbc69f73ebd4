"""Maintenance windows as iCalendar, made with the icalendar library."""

from __future__ import annotations

import re
from datetime import UTC, date, timedelta
from urllib.parse import urlsplit

from .i18n import Language, translated
from .views import SiteView

RECENT_DAYS = 90
# Every line break Python or an iCalendar reader might split a line on. Text is written with plain
# newlines only, which the library escapes as "\n": nothing in a text can start a line of its own.
_BREAKS = re.compile("\r\n|[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def plain(text: str) -> str:
    """``text`` with every kind of line break made a newline, for the library to escape."""
    return _BREAKS.sub("\n", text)


def render_calendar(view: SiteView, lang: Language) -> bytes:
    """Upcoming maintenance, and maintenance of the last 90 days, in ``lang``. Times are UTC.

    UIDs are stable, and differ between languages: each language's calendar is a calendar of its
    own, and a reader subscribed to two must not see one event's words overwrite the other's.
    The site's time zone is always there, so that clients show local times, and so that a
    calendar with no maintenance still holds the component RFC 5545 requires.
    """
    code = lang.code
    host = urlsplit(view.config.base_url).hostname or "status"
    suffix = "" if code == lang.default else f".{code}"
    # imported by the worker that makes the calendar, not by every build step
    from icalendar import Calendar, Event, Timezone, vText

    zone = view.config.timezone
    calendar = Calendar()
    calendar.add("prodid", "-//statusgen//Status LPSE//ID")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", vText(plain(lang.t("calendar.name", title=translated(view.config.title, code)[0]))))
    calendar.add("x-wr-timezone", vText(zone.key))
    since = view.now - timedelta(days=RECENT_DAYS)
    windows = [
        item
        for item in view.incidents
        if item.incident.is_maintenance and item.incident.resolved and item.incident.resolved >= since
    ]
    # The zone's rules over the years the calendar covers (the library's own default stops at 2038).
    years = [since.year, view.now.year] + [i.incident.resolved.year for i in windows if i.incident.resolved]
    calendar.add_component(
        Timezone.from_tzinfo(zone, zone.key, first_date=date(min(years), 1, 1), last_date=date(max(years) + 1, 1, 1))
    )
    for item in sorted(windows, key=lambda i: (i.incident.started, i.incident.slug)):
        record = item.incident
        assert record.resolved is not None
        event = Event()
        event.add("uid", f"{record.slug}{suffix}@{host}")
        # The newest update (or the start), never later than now: the same input gives the same file.
        event.add(
            "dtstamp", min(item.updates[0].update.at if item.updates else record.started, view.now).astimezone(UTC)
        )
        event.add("dtstart", record.started.astimezone(UTC))
        event.add("dtend", record.resolved.astimezone(UTC))
        event.add("summary", plain(lang.t("calendar.summary", title=translated(record.title, code)[0])))
        event.add("url", view.config.base_url + lang.prefix + item.path)
        names = ", ".join(translated(c.name, code)[0] for c in item.components)
        latest = translated(item.updates[0].update.message, code)[0] if item.updates else ""
        phase = lang.t(f"phase.{item.phase}")
        description = lang.t("calendar.description", components=names, phase=phase, latest=latest).strip()
        event.add("description", plain(description))
        event.add("status", "CONFIRMED")
        calendar.add_component(event)
    ics: bytes = calendar.to_ical()
    return ics
