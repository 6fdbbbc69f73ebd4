"""Feeds: RSS 2.0 and Atom for the whole site, and RSS per component, all made with feedgen.

There is one item per incident update, so every change reaches subscribers.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from markupsafe import escape

from .i18n import Language, translated
from .times import midnight
from .views import IncidentView, SiteView

if TYPE_CHECKING:
    from feedgen.feed import FeedGenerator

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
    view: SiteView, lang: Language, component_id: str | None = None, own: str | None = None, atom: bool = False
) -> FeedGenerator:
    """The feed of the site, or of one component, in ``lang``; ``own`` is the feed's path in that language's pages."""
    config = view.config
    code = lang.code
    site_title = translated(config.title, code)[0]
    title = site_title
    if component_id is not None:  # only the names a feed shows are put into words: a nation has 600
        component = next(c for c in config.components if c.id == component_id)
        title = f"{translated(component.name, code)[0]} · {site_title}"
    home = config.base_url + lang.prefix
    page = home if component_id is None else f"{home}components/{component_id}/"
    own = own or ("feed.xml" if component_id is None else f"components/{component_id}/feed.xml")
    from feedgen.feed import FeedGenerator  # imported by the worker that makes the feeds, not by every build step

    feed = FeedGenerator()
    feed.id(page)
    feed.title(title)
    feed.link(href=home + own, rel="self")
    feed.link(href=page, rel="alternate")  # last: RSS takes its <link> from the last link given
    description = lang.t("feed.description", title=title)
    # One field in feedgen: Atom's subtitle is plain text, while readers take RSS's description as
    # HTML, so there it is escaped once more, as item descriptions are: markup in a name stays words.
    feed.description(description if atom else str(escape(description)))
    feed.language(code)
    feed.generator("statusgen")
    organization = config.organization.name if config.organization else config.title
    feed.author({"name": organization})
    items = feed_items(view, component_id)
    for moment, incident, index in reversed(items):  # feedgen prepends: add oldest first
        entry = feed.add_entry()
        url = home + incident.path
        severity = lang.t(f"severity.{incident.incident.severity}")
        if index is None:
            status_label = severity
            anchor = ""
            summary = str(lang.mark_html(incident.body_html)) or str(escape(severity))
            guid = f"{url}#mulai"
        else:
            update = incident.updates[index]
            status_label = lang.t(f"update_status.{update.update.status}")
            anchor = f"#{update.anchor}"
            summary = str(lang.mark_html(update.html))
            # Status and UTC time identify an update however its time is written.
            stamp = update.update.at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
            guid = f"{url}#{update.update.status}-{stamp}"
        entry.title(f"[{status_label}] {translated(incident.incident.title, code)[0]}")
        entry.link(href=url + anchor)
        entry.guid(guid, permalink=False)
        entry.id(guid)
        entry.pubDate(moment)
        entry.updated(moment)
        affected = ", ".join(translated(c.name, code)[0] for c in incident.components)
        kind = lang.t("incident.false_alarm") if incident.incident.false_alarm else severity
        html = f"<p><strong>{kind}</strong> · {escape(affected)}</p>{summary}"
        if atom:
            entry.content(html, type="html")  # Atom's default content type is plain text
        else:
            entry.description(html)
    # The newest item's time, not the clock, so rebuilding changes nothing; a feed without items has been as
    # it is since the history began.
    begun = view.config.history_start or view.now.astimezone(view.config.timezone).date()
    feed.lastBuildDate(items[0][0] if items else midnight(begun, view.config.timezone))
    return feed


def render_feed(view: SiteView, lang: Language, component_id: str | None = None) -> bytes:
    """RSS 2.0."""
    rss: bytes = build_feed(view, lang, component_id).rss_str(pretty=True)
    return rss


def render_atom(view: SiteView, lang: Language) -> bytes:
    """Atom, with the same items as the RSS feed."""
    document: bytes = build_feed(view, lang, own="atom.xml", atom=True).atom_str(pretty=True)
    return document
