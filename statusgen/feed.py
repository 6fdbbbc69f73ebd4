"""Feeds: RSS 2.0 and Atom for the whole site, and RSS per component, all made with feedgen.

There is one item per incident update, so every change reaches subscribers.
"""

from __future__ import annotations

from datetime import UTC, datetime

from feedgen.feed import FeedGenerator
from markupsafe import escape

from . import labels
from .views import IncidentView, SiteView

MAX_ITEMS = 50


def feed_items(view: SiteView, component_id: str | None = None) -> list[tuple[datetime, IncidentView, int | None]]:
    """(time, incident, update index) for every update; an incident without updates gives its start.

    Newest first, at most MAX_ITEMS, nothing after now. With ``component_id``, only that
    component's incidents. Ties are broken by slug and position, so the order is stable.
    """
    items: list[tuple[datetime, IncidentView, int | None]] = []
    for incident in view.incidents:
        if component_id is not None and component_id not in incident.incident.components:
            continue
        if incident.updates:
            items += [(u.update.at, incident, n) for n, u in enumerate(incident.updates)]
        else:
            items.append((incident.incident.started, incident, None))
    items = [item for item in items if item[0] <= view.now]
    items.sort(key=lambda item: (item[0], item[1].incident.slug, -(item[2] or 0)), reverse=True)
    return items[:MAX_ITEMS]


def build_feed(
    view: SiteView, component_id: str | None = None, own: str | None = None, atom: bool = False
) -> FeedGenerator:
    """The feed of the site, or of one component; ``own`` is the feed's path in the site."""
    config = view.config
    names = {c.id: c.name for c in config.components}
    title = config.title if component_id is None else f"{names[component_id]} · {config.title}"
    page = config.base_url if component_id is None else f"{config.base_url}components/{component_id}/"
    own = own or ("feed.xml" if component_id is None else f"components/{component_id}/feed.xml")
    feed = FeedGenerator()
    feed.id(page)
    feed.title(title)
    feed.link(href=config.base_url + own, rel="self")
    feed.link(href=page, rel="alternate")  # last: RSS takes its <link> from the last link given
    feed.description(f"Gangguan, pemeliharaan, dan pembaruannya: {title}")
    feed.subtitle(f"Gangguan, pemeliharaan, dan pembaruannya: {title}")
    feed.language("id")
    feed.generator("statusgen")
    organization = config.organization.name if config.organization else config.title
    feed.author({"name": organization})
    items = feed_items(view, component_id)
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
        entry.id(guid)
        entry.pubDate(moment)
        entry.updated(moment)
        affected = ", ".join(c.name for c in incident.components)
        kind = labels.FALSE_ALARM if incident.incident.false_alarm else labels.SEVERITY[incident.incident.severity]
        html = f"<p><strong>{kind}</strong> · {escape(affected)}</p>{summary}"
        if atom:
            entry.content(html, type="html")  # Atom's default content type is plain text
        else:
            entry.description(html)
    # The newest item's time, not the clock, so rebuilding changes nothing.
    feed.lastBuildDate(items[0][0] if items else view.now)
    return feed


def render_feed(view: SiteView, component_id: str | None = None) -> bytes:
    """RSS 2.0."""
    rss: bytes = build_feed(view, component_id).rss_str(pretty=True)
    return rss


def render_atom(view: SiteView) -> bytes:
    """Atom, with the same items as the RSS feed."""
    document: bytes = build_feed(view, own="atom.xml", atom=True).atom_str(pretty=True)
    return document
