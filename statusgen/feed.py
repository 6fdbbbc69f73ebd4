"""The RSS 2.0 feed: one item per incident update, so every change reaches subscribers."""

from __future__ import annotations

from datetime import UTC, datetime

from feedgen.feed import FeedGenerator
from markupsafe import escape

from . import labels
from .views import IncidentView, SiteView

MAX_ITEMS = 50


def feed_items(view: SiteView) -> list[tuple[datetime, IncidentView, int | None]]:
    """(time, incident, update index) for every update; an incident without updates gives its start.

    Newest first, at most MAX_ITEMS. Ties are broken by slug and position, so the order is stable.
    """
    items: list[tuple[datetime, IncidentView, int | None]] = []
    for incident in view.incidents:
        if incident.updates:
            items += [(u.update.at, incident, n) for n, u in enumerate(incident.updates)]
        else:
            items.append((incident.incident.started, incident, None))
    items = [item for item in items if item[0] <= view.now]  # nothing from the future
    items.sort(key=lambda item: (item[0], item[1].incident.slug, -(item[2] or 0)), reverse=True)
    return items[:MAX_ITEMS]


def render_feed(view: SiteView) -> bytes:
    config = view.config
    feed = FeedGenerator()
    feed.title(config.title)
    feed.link(href=config.base_url, rel="alternate")
    feed.description(f"Gangguan, pemeliharaan, dan pembaruannya: {config.title}")
    feed.language("id")
    feed.generator("statusgen")
    items = feed_items(view)
    for moment, incident, index in reversed(items):  # feedgen prepends: add oldest first
        entry = feed.add_entry()
        url = config.base_url + incident.path
        if index is None:
            status_label = incident.severity_label
            anchor = ""
            summary = incident.body_html or incident.severity_label
            guid = f"{url}#mulai"
        else:
            update = incident.updates[index]
            status_label = update.label
            anchor = f"#{update.anchor}"
            summary = update.html
            # Status and UTC time identify an update however its time is written.
            stamp = update.update.at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
            guid = f"{url}#{update.update.status}-{stamp}"
        entry.title(f"[{status_label}] {incident.incident.title}")
        entry.link(href=url + anchor)
        entry.guid(guid, permalink=False)
        entry.pubDate(moment)
        names = ", ".join(c.name for c in incident.components)
        kind = labels.FALSE_ALARM if incident.incident.false_alarm else labels.SEVERITY[incident.incident.severity]
        entry.description(f"<p><strong>{kind}</strong> · {escape(names)}</p>{summary}")
    # The newest item's time, not the clock, so rebuilding changes nothing.
    feed.lastBuildDate(items[0][0] if items else view.now)
    rss: bytes = feed.rss_str(pretty=True)
    return rss
