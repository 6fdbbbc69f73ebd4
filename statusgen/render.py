"""Turning a SiteView into the files of the site: HTML pages, feed, JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from . import api, labels, sla, times
from .config import Config
from .feed import render_atom, render_feed
from .ical import render_calendar
from .uptime import DailyUptime
from .views import ComponentView, SiteView

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def environment(config: Config, templates: Path = TEMPLATES) -> Environment:
    """A Jinja environment with autoescaping and the filters the templates use."""
    env = Environment(
        loader=FileSystemLoader(templates),
        autoescape=select_autoescape(["html", "xml", "svg"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    tz = config.timezone
    env.filters.update(
        long_datetime=lambda m: times.long_datetime(m, tz),
        long_date=_date_filter(times.long_date, tz),
        short_date=_date_filter(times.short_date, tz),
        clock=lambda m: times.clock(m, tz),
        zone=lambda m: times.zone_label(m.astimezone(tz)),
        epoch=lambda t: datetime.fromtimestamp(t, tz),
        iso=lambda m: times.iso(m, tz),
        duration=times.duration,
        exact_duration=lambda seconds: times.duration(seconds, exact=True),
        percent=times.percent,
        minutes=lambda value: f"{value:.1f}".replace(".", ","),
    )
    env.globals.update(
        url=lambda path="": config.base_path + path,
        absolute_url=lambda path="": config.base_url + path,
        labels=labels,
        sla_months_met=sla.months_met,
    )
    return env


def _date_filter(format_date: Callable[[date], str], tz: object) -> Callable[[date | datetime], str]:
    def apply(value: date | datetime) -> str:
        if isinstance(value, datetime):
            value = value.astimezone(tz).date()  # type: ignore[arg-type]
        return format_date(value)

    return apply


def render_site(view: SiteView, templates: Path = TEMPLATES) -> dict[str, bytes]:
    """Every file of the site, keyed by its path inside the output folder."""
    env = environment(view.config, templates)
    files: dict[str, bytes] = {}

    def page(path: str, template: str, **context: object) -> None:
        html = env.get_template(template).render(site=view, page_path=path, **context)
        files[path + "index.html" if path.endswith("/") or not path else path] = html.encode("utf-8")

    page("", "index.html")
    for incident in view.incidents:
        page(incident.path, "incident.html", incident=incident)
    for group in view.groups:
        for component in group.components:
            page(component.path, "component.html", item=component)
    page("history/", "history.html")
    for year in view.years:
        page(f"history/{year.year}/", "history_year.html", year=year)
    page("404.html", "404.html")
    page("sla/", "sla.html")
    files["feed.xml"] = render_feed(view)
    files["atom.xml"] = render_atom(view)
    files["maintenance.ics"] = render_calendar(view)
    for path, document in api.documents(view).items():
        files[f"api/v2/{path}"] = to_json(document)
    badge = env.get_template("badge.svg")
    files["badge.svg"] = badge.render(badge=Badge.of("status", view.overall)).encode()
    for component_id, days in view.daily.items():
        files[f"api/v1/components/{component_id}/daily.json"] = daily_json(view, component_id, days)
    for group in view.groups:
        for item in group.components:
            cid = item.component.id
            files[f"api/v1/components/{cid}/monthly.json"] = monthly_json(item)
            files[f"components/{cid}/feed.xml"] = render_feed(view, cid)
            files[f"badges/{cid}.svg"] = badge.render(badge=Badge.of(item.component.name, item.status)).encode()
            for period in item.years:
                page(f"components/{cid}/{period.label}/", "component_year.html", item=item, year=period)
    for asset in sorted((templates / "static").iterdir()):
        if asset.is_file():
            files[f"static/{asset.name}"] = asset.read_bytes()
    return files


def daily_json(view: SiteView, component_id: str, days: list[DailyUptime]) -> bytes:
    document = {
        "component": component_id,
        "timezone": view.config.timezone.key,
        "days": [
            {
                "date": d.date.isoformat(),
                "uptime": d.uptime,
                "downtime_minutes": d.downtime_minutes,
                "maintenance_minutes": d.maintenance_minutes,
                "no_data_minutes": d.no_data_minutes,
                "source": d.source,
            }
            for d in days
        ],
    }
    return to_json(document)


# Badge colours pass WCAG AA for white text; the status is also in words.
BADGE_COLOURS = {
    "operational": "#1e7a3c",
    "degraded_performance": "#8a5a00",
    "partial_outage": "#b5400a",
    "major_outage": "#b42318",
    "under_maintenance": "#1d5fb4",
    "no_data": "#5f6b76",
}


@dataclass(frozen=True)
class Badge:
    label: str
    text: str
    colour: str
    left: int
    width: int

    @classmethod
    def of(cls, label: str, status: str) -> Badge:
        text = labels.STATUS[status]
        left, right = 12 + 7 * len(label), 12 + 7 * len(text)  # about 7 px a character at 11 px
        return cls(label, text, BADGE_COLOURS[status], left, left + right)


def monthly_json(item: ComponentView) -> bytes:
    document = {
        "component": item.component.id,
        "target": item.target,
        "months": [
            {
                "month": m.label,
                "uptime": m.uptime,
                "sla": m.sla,
                "downtime_minutes": m.downtime_minutes,
                "external_minutes": m.external_minutes,
                "maintenance_minutes": m.maintenance_minutes,
                "no_data_minutes": m.no_data_minutes,
                "met": m.met,
            }
            for m in item.months
        ],
    }
    return to_json(document)


def to_json(document: object) -> bytes:
    """Compact, sorted, UTF-8 JSON with a final newline: the same input gives the same bytes."""
    return (json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
