"""Turning a SiteView into the files of the site: HTML pages, feed, JSON."""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache, partial
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

from jinja2 import (
    BytecodeCache,
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    select_autoescape,
)
from markupsafe import Markup, escape

from . import __version__, api, i18n, status, times
from .cache import folder_digest
from .feed import render_atom, render_feed
from .figures import year_digests
from .i18n import Language, translated
from .ical import render_calendar
from .model import Config, Message, canonical
from .problems import InputError, Problem
from .uptime import DailyUptime
from .views import (
    CalendarMonth,
    ComponentView,
    DayView,
    IncidentView,
    SiteView,
    history_page_inputs,
    incident_inputs,
)

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def environment(
    config: Config,
    lang: Language,
    languages: list[Language],
    templates: Path = TEMPLATES,
    compiled: BytecodeCache | None = None,
) -> Environment:
    """A Jinja environment for the pages of one language: autoescaping, its messages, and its date style.

    ``compiled`` keeps the compiled templates between builds; Jinja checks each against its source. A template
    is read once a build: Jinja is not asked to look at its file's time again on every page it renders (a
    nation's site renders thousands).
    """
    env = Environment(
        auto_reload=False,
        bytecode_cache=compiled,
        loader=FileSystemLoader(templates),
        autoescape=select_autoescape(["html", "xml", "svg"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.do"],
    )
    tz = config.timezone
    code = lang.code

    def local_date(value: date | datetime) -> date:
        return value.astimezone(tz).date() if isinstance(value, datetime) else value

    env.filters.update(
        # A page shows the same few moments several times (start and end in its facts, its record and
        # its timeline), and the site the same days on many pages: each is put into words once.
        long_datetime=lru_cache(maxsize=65536)(lambda m: lang.long_datetime(m, tz)),
        long_date=lru_cache(maxsize=65536)(lambda value: lang.long_date(local_date(value))),
        short_date=lambda value: lang.short_date(local_date(value)),
        clock=lambda m: lang.clock(m, tz),
        zone=lambda m: times.zone_label(m.astimezone(tz)),
        epoch=lambda t: datetime.fromtimestamp(t, tz),
        iso=lru_cache(maxsize=65536)(lambda m: times.iso(m, tz)),
        duration=lang.duration,
        exact_duration=lambda seconds: lang.duration(seconds, exact=True),
        percent=lang.percent,
        minutes=lambda value: lang.decimal(value, 1),
        mbps=lambda value: lang.decimal(value, 3).rstrip("0").rstrip(lang.t("format.decimal_mark")),  # 40,25; 40
        plain=lambda value: translated(value or "", code)[0],
        tel=lambda phone: re.sub(r"[^0-9+]", "", phone),  # "(0511) 3350215" → "05113350215" for a tel: link
    )

    def url(path: str = "") -> str:
        return config.base_path + lang.prefix + path

    env.globals["content_security_policy"] = Markup(content_security_policy(config))  # origins checked: no quote or "<"

    cells = DayCells(lang, url)
    env.filters.update(bar_cell=cells.bar, calendar_weeks=cells.weeks)
    env.globals.update(
        url=url,
        shared_url=lambda path="": config.base_path + path,
        absolute_url=lambda path="": config.base_url + lang.prefix + path,
        shared_absolute_url=lambda path="": config.base_url + path,
        lang=lang,
        languages=languages,
        t=lang.t,
        t_html=lang.html,
        plural=lang.plural,
        tr=lang.mark,
        tr_html=lang.mark_html,
        month_year=lang.month_year,
    )
    return env


# What every page may load and do. Scripts and styles come from the site itself, and nothing
# else: no inline script or event handler, no inline style, no plugin, no frame, no form, no
# <base>. The one script (static/check.js) fetches the site's own build.json and, when the visitor
# asks, the addresses of the components in help.check: those origins, and only those, are allowed
# to be reached. (A policy in a <meta> cannot forbid framing; GitHub Pages sends no headers.)
CSP_FIXED = (
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "object-src 'none'",
    "require-trusted-types-for 'script'",
)
_ORIGIN = re.compile(r"https?://[a-z0-9.-]+(?::\d+)?")


def content_security_policy(config: Config) -> str:
    """The page's Content-Security-Policy, with the origins the browser check reaches in connect-src."""
    by_id = {component.id: component for component in config.components}
    origins = []
    for cid in config.help.check:
        address = by_id[cid].url if cid in by_id else None
        parts = urlsplit(address or "")
        origin = f"{parts.scheme}://{parts.netloc}".lower()
        if _ORIGIN.fullmatch(origin) and origin not in origins:
            origins.append(origin)
    connect = " ".join(["connect-src 'self'", *origins])
    return "; ".join([*CSP_FIXED[:4], connect, *CSP_FIXED[4:]])


def day_label(lang: Language, day: DayView, dated: bool = True, sourced: bool = True) -> Markup:
    """A day in words, marked up: its date (unless ``dated`` is false: a calendar's grid tells it), its level,
    its figures, where they come from (unless ``sourced`` is false: the page says it) and the titles of its
    incidents (one in another language marked with its ``lang``).
    A calendar's day (not ``dated``) gives its uptime as a bare percentage, which its page explains once, and
    not its downtime: a day's uptime says it, and the year's daily JSON, which the page links, gives the minutes."""
    words = [lang.long_date(day.date)] if dated else []
    words.append(lang.t(f"day_level.{day.level}"))
    figures = day.figures
    if figures is not None and day.level != "nodata":
        uptime = lang.percent(figures.uptime)
        words.append(lang.t("day.uptime", value=uptime) if dated else uptime)
        if figures.downtime_minutes and dated:
            words.append(lang.t("day.downtime", duration=lang.duration(figures.downtime_minutes * 60)))
        if figures.maintenance_minutes:
            words.append(lang.t("day.maintenance", duration=lang.duration(figures.maintenance_minutes * 60)))
        if sourced:
            words.append(lang.t(f"source.{figures.source}"))
    html = [escape(word) for word in words]
    html += [lang.mark(view.incident.title) for view in day.incidents]
    return Markup("; ").join(html)


class DayCells:
    """The markup of each day in the bars and calendars of one language.

    A site has a cell for every component and every day since its history began, and most
    read alike: the same date, level and figures on every component. Each distinct day is
    put into words and markup once, and the pages reuse it.
    """

    def __init__(self, lang: Language, url: Callable[[str], str]):
        self.lang = lang
        self.url = url
        self._cells: dict[tuple[object, ...], Markup] = {}
        self.made = 0  # distinct cells put into words: the work done, for the tests

    def bar(self, day: DayView) -> Markup:
        """One ``<li>`` of a 90-day bar."""
        return self._cell("bar", day)

    def weeks(self, month: CalendarMonth, source: str | None = None) -> Markup:
        """The rows of a month grid, a week (Monday first) to a row; empty cells before day 1 and after the last.
        ``source``: where the page says every day's figures come from, so that no day says it again."""
        kind = "calendar" if source is None else f"calendar:{source}"
        cells = ["<td></td>"] * month.blanks + [
            "<td></td>" if day is None else self._cell(kind, day) for day in month.days
        ]
        cells += ["<td></td>"] * (-len(cells) % 7)
        rows = ("<tr>" + "".join(cells[n : n + 7]) + "</tr>" for n in range(0, len(cells), 7))
        return Markup("\n".join(rows))

    def _cell(self, kind: str, day: DayView) -> Markup:
        if kind.startswith("calendar") and plain(day):
            # The grid gives the date; a day that was simply up needs only its number (the page says that
            # days without words were operational all day), and no class: the stylesheet colours a calendar's
            # cell with a number and no class as such a day, most days of a long history.
            return Markup(f"<td>{day.date.day}</td>")
        key = (kind, day.date, day.level, day.figures, tuple(view.path for view in day.incidents))
        cell = self._cells.get(key)
        if cell is None:
            cell = self._cells[key] = self._make(kind, day)
        return cell

    def _make(self, kind: str, day: DayView) -> Markup:
        self.made += 1
        if not kind.startswith("calendar"):
            words = day_label(self.lang, day)
            # The words are written once, hidden but read aloud; the stylesheet shows them on hover, as a
            # title would (90 days of a few hundred bytes each, twice, were a fifth of a component's page).
            return Markup(f'<li class="day day-{day.level}"><span class="vh">{words}</span></li>')
        # A calendar's day: its grid tells the date (the caption the month, the column the weekday, the cell
        # the number), so its words do not, nor the source the page names once. The words are written once,
        # not twice: the stylesheet shows them on hover and focus, as a title would, and underlines the number
        # (the words, placed out of the flow, are not). A year of days in words is the weight of a calendar
        # page, and a nation's LPSEs have thousands of them: no byte of a cell is spent on what a stylesheet
        # can say once (the words' span is known by its place, not by a class).
        _, _, source = kind.partition(":")
        words = day_label(self.lang, day, dated=False, sourced=not source or day.figures is None
                          or day.figures.source != source)  # fmt: skip
        inner = f"{day.date.day} <span>{words}</span>"
        if day.incidents:
            # A bar's day is a few pixels wide on a phone, too small to tap: the bar is a picture, and
            # its days with a record are links of their own beneath it (_bar_days.html).
            inner = f'<a href="{escape(self.url(day.incidents[-1].path))}">{inner}</a>'
        # Its one class names its level: the stylesheet knows a calendar's day that is not simply up as a
        # cell with a class.
        return Markup(f'<td class="day-{day.level}">{inner}</td>')


def plain(day: DayView) -> bool:
    """A day that was simply up all day: no incident, nothing unmeasured, nothing left out."""
    figures = day.figures
    return (
        day.level == "ok"
        and not day.incidents
        and figures is not None
        and figures.uptime == 100
        and not figures.no_data_minutes
        and not figures.maintenance_minutes
    )


# A file made: (relative path, content), or for a settled page (relative path, content, key), where content
# None keeps the last build's file (output.write_site).
Made = tuple[str, bytes] | tuple[str, bytes | None, str | None]
Job = Callable[[], Sequence[Made]]
# A page to make: its path, its template, what the template is given, and, for a settled page, what
# its key is made from (Settled.key).
Page = tuple[str, str, dict[str, object], Callable[[], object] | None]
Render = Callable[[list[Page]], list[Made]]  # makes some pages of one language (language_jobs)
PAGES_PER_JOB = 25  # small enough to share out evenly, large enough to cost little to hand out


def site_jobs(
    view: SiteView,
    templates: Path = TEMPLATES,
    cache: Path | None = None,
    kept: Callable[[str, str], bool] | None = None,
) -> tuple[list[Job], Callable[[list[str]], dict[str, bytes]]]:
    """The work of making the site: jobs that each make some files, and a last step that makes
    the sitemap from the paths they wrote.

    Each language has the same pages under its prefix (none for the default); the API, the
    figures and the static files are shared. Jobs run in any order and in any process. A settled
    page is made with the key of its inputs (Settled.key), and kept from the last build when
    ``kept(relative path, key)`` says the file it left there has that key (output.Reuse).
    """
    _inside_templates(templates)
    languages = i18n.languages(list(view.config.languages), templates / "locales")
    site = site_key(view, languages, templates)
    compiled = None
    if cache is not None:
        try:
            (cache / "templates").mkdir(parents=True, exist_ok=True)
            compiled = FileSystemBytecodeCache(str(cache / "templates"))
        except OSError:
            pass  # a folder that cannot be written: compile the templates each time
    settled = Settled(site, kept)
    made = [language_jobs(view, lang, languages, templates, compiled, settled) for lang in languages]
    jobs: list[Job] = [feeds for feeds, _, _ in made]
    # Each job makes its pages in every language, one language after the other: what a page's languages share
    # (a year's calendar, a year page's key) is worked out once, by the process that makes them.
    longest = max(len(pages) for _, _, pages in made)
    jobs += [partial(_in_every_language, made, n, n + PAGES_PER_JOB) for n in range(0, longest, PAGES_PER_JOB)]
    jobs.append(lambda: shared_files(view, templates))
    # Each component's figures (daily, by year, monthly): shared out like the pages, not one job for them all.
    items = [item for group in view.groups for item in group.components]
    for n in range(0, len(items), PAGES_PER_JOB):
        jobs.append(partial(figure_files, view, items[n : n + PAGES_PER_JOB], settled))

    def finish(written: list[str]) -> dict[str, bytes]:
        pages = sorted(path for path in written if path.endswith(".html") and path != "404.html")
        return {
            **sitemaps(view.config.base_url, pages, SITEMAP_URLS),
            "robots.txt": f"User-agent: *\nAllow: /\nSitemap: {view.config.base_url}sitemap.xml\n".encode(),
        }

    return jobs, finish


def _inside_templates(templates: Path) -> None:
    """Refuse a link in ``templates/`` that leads out of it.

    What the templates folder holds is published (the static files byte for byte), so a link to
    ``/proc/self/environ`` or to ``.git/config`` would put the build's secrets on the public site.
    """
    root = templates.resolve()
    found = []
    for path in sorted(templates.rglob("*")):
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):  # a dangling link, or one that leads round to itself
            target = None
        if target is None or (target != root and root not in target.parents):
            found.append(
                Problem(
                    str(Path(templates.name) / path.relative_to(templates)),
                    1,
                    Message(
                        "a link that leads out of the templates folder: everything in it is published, so "
                        "replace the link with the file itself"
                    ),
                )
            )
    if found:
        raise InputError(found)


LIBRARIES = ("jinja2", "markupsafe", "markdown", "nh3")  # what else shapes a page's bytes


def site_key(view: SiteView, languages: list[Language], templates: Path) -> bytes:
    """A digest of what every settled page is made from besides its own records: the generator's code and
    the libraries that render, the templates and messages, status.yml as read, the languages, and the
    name of the zone at now (a zone with summer time names it otherwise half the year)."""
    digest = hashlib.sha256(f"{__version__} {sys.version_info[:2]}".encode())
    for library in LIBRARIES:
        with contextlib.suppress(metadata.PackageNotFoundError):
            digest.update(f"{library} {metadata.version(library)}\0".encode())
    digest.update(folder_digest(Path(__file__).resolve().parent) + folder_digest(templates))
    zone = times.zone_label(view.now.astimezone(view.config.timezone))
    digest.update(canonical((view.config, [lang.code for lang in languages], zone)))
    return digest.digest()


@dataclass(frozen=True)
class Settled:
    """How the settled pages are made: ``site`` is site_key; ``kept``, whether the last build left a page
    with a key (see site_jobs)."""

    site: bytes
    kept: Callable[[str, str], bool] | None = None

    def key(self, *inputs: object) -> str:
        """The key of what one file is made from: a change to any of it changes the key (the same inputs, the
        same key). A page's: its language, path, template and records (views.year_inputs and the like)."""
        return hashlib.sha256(self.site + canonical(inputs)).hexdigest()

    def made(self, relative: str, key: str, make: Callable[[], bytes]) -> Made:
        """The file at ``relative`` whose inputs have ``key``: kept from the last build if it left it with that
        key, else made."""
        if self.kept is not None and self.kept(relative, key):
            return (relative, None, key)
        return (relative, make(), key)


def shared_files(view: SiteView, templates: Path) -> list[tuple[str, bytes]]:
    """The files every language shares, apart from each component's figures (figure_files): the API and the
    static files."""
    files = [(f"api/v2/{path}", to_json(document)) for path, document in api.documents(view).items()]
    for asset in sorted((templates / "static").iterdir()):
        if asset.is_file():
            files.append((f"static/{asset.name}", asset.read_bytes()))
    return files


def figure_files(view: SiteView, items: list[ComponentView], settled: Settled | None = None) -> list[Made]:
    """The figures of some components, which every language shares: their days and their months."""
    files: list[Made] = []
    for item in items:
        cid = item.component.id
        files += daily_files(view, cid, view.daily[cid], settled)
        files.append((f"api/v1/components/{cid}/monthly.json", monthly_json(item)))
    return files


def _in_every_language(made: list[tuple[Job, Render, list[Page]]], start: int, end: int) -> list[Made]:
    """The pages from ``start`` to ``end`` of each language's list (language_jobs), each in every language
    before the next."""
    files: list[Made] = []
    for number in range(start, end):
        for _, render, pages in made:
            files += render(pages[number : number + 1])
    return files


def language_jobs(
    view: SiteView,
    lang: Language,
    languages: list[Language],
    templates: Path,
    compiled: BytecodeCache | None = None,
    settled: Settled | None = None,
) -> tuple[Job, Render, list[Page]]:
    """The work of one language: the job that makes its feeds, calendar and badges, what makes some of its
    pages, and its pages; with ``settled``, each settled page is made with its key, and kept from the last build
    where that is the same (see site_jobs)."""
    env = environment(view.config, lang, languages, templates, compiled)
    for name in env.list_templates(filter_func=lambda name: name.endswith((".html", ".svg"))):
        env.get_template(name)  # compiled once, here, before any worker is forked
    prefix = lang.prefix
    # A page whose content no longer depends on the clock (an ended incident, a year that is over with its
    # incidents ended) is "stable": its footer does not print the build time, so that it stays byte for byte
    # as it was until its records change. A site of many components has thousands of them.
    # Each settled page comes with what it is made from (views.year_inputs and the like), its key's inputs.
    this_year = view.now.astimezone(view.config.timezone).year
    pages: list[Page] = [("", "index.html", {}, None)]
    for item in view.incidents:
        inputs = partial(incident_inputs, item) if ended(item) else None
        pages.append((item.path, "incident.html", {"incident": item, "stable": ended(item)}, inputs))
    for group in view.groups:
        for component in group.components:
            pages.append((component.path, "component.html", {"item": component}, None))
            cid = component.component.id
            for period in component.years:
                stable = int(period.label) < this_year and all(map(ended, component.incidents_in(period.label)))
                context = {"item": component, "year": period, "stable": stable}
                year_inputs = partial(component.year_inputs, period.label) if stable else None
                pages.append((f"components/{cid}/{period.label}/", "component_year.html", context, year_inputs))
    pages += [(group.path, "group.html", {"group": group}, None) for group in view.groups if group.folded]
    if view.folded:
        pages.append(("components/", "components.html", {}, None))
    pages.append(("history/", "history.html", {}, None))
    for year in view.years:
        for page in year.pages:
            stable = page.year < this_year and all(map(ended, year.incidents))
            inputs = partial(history_page_inputs, year, page) if stable else None
            pages.append((page.path, "history_year.html", {"year": year, "page": page, "stable": stable}, inputs))
    if not prefix:
        pages.append(("404.html", "404.html", {}, None))  # GitHub Pages serves one 404 for the whole site
    pages.append(("sla/", "sla.html", {}, None))
    # A folded group is one row of the SLA page, and its components' figures a page of their own: the nation's
    # LPSEs on one SLA page were 5 MB of tables.
    pages += [(group.sla_path, "sla_group.html", {"group": group}, None) for group in view.groups if group.folded]

    def render(chunk: list[Page]) -> list[Made]:
        files: list[Made] = []
        for path, template, context, inputs in chunk:
            relative = prefix + (path + "index.html" if path.endswith("/") or not path else path)
            key = None
            if settled is not None and inputs is not None:
                key = settled.key(lang.code, path, template, inputs())
                if settled.kept is not None and settled.kept(relative, key):
                    files.append((relative, None, key))  # as the last build made it
                    continue
            html = env.get_template(template).render(site=view, page_path=path, **{"stable": False, **context})
            files.append((relative, html.encode(), key))
        return files

    def feeds() -> list[tuple[str, bytes]]:
        files = [
            (prefix + "feed.xml", render_feed(view, lang)),
            (prefix + "atom.xml", render_atom(view, lang)),
            (prefix + "maintenance.ics", render_calendar(view, lang)),
        ]
        badge = env.get_template("badge.svg")
        overall = Badge.of(lang.t("badge.label"), view.overall, lang)
        files.append((prefix + "badge.svg", badge.render(badge=overall).encode()))
        for group in view.groups:
            for item in group.components:
                cid = item.component.id
                files.append((f"{prefix}components/{cid}/feed.xml", render_feed(view, lang, cid)))
                name = translated(item.component.name, lang.code)[0]
                own = Badge.of(name, item.status, lang)
                files.append((f"{prefix}badges/{cid}.svg", badge.render(badge=own).encode()))
        return files

    return feeds, render, pages


def ended(item: IncidentView) -> bool:
    """An incident or maintenance over: nothing about it changes with the clock any more."""
    return item.phase in status.ENDED


# A sitemap lists at most 50,000 addresses (sitemaps.org). A nation's LPSEs with 15 years have some 34,000 pages
# and gain 1,200 a year: past the limit, sitemap.xml becomes an index of sitemaps of at most this many each.
SITEMAP_URLS = 50_000


def sitemaps(base_url: str, pages: list[str], limit: int = SITEMAP_URLS) -> dict[str, bytes]:
    """The sitemap of every page (``index.html`` written as its folder), made with ElementTree: ``sitemap.xml``
    alone, or, with more than ``limit`` pages, ``sitemap.xml`` as the index of ``sitemap-1.xml``,
    ``sitemap-2.xml``, … of ``limit`` pages each, in order."""
    addresses = [base_url + path.removesuffix("index.html") for path in pages]
    if len(addresses) <= limit:
        return {"sitemap.xml": _sitemap_document("urlset", "url", addresses)}
    chunks = [addresses[start : start + limit] for start in range(0, len(addresses), limit)]
    parts = {f"sitemap-{n}.xml": _sitemap_document("urlset", "url", chunk) for n, chunk in enumerate(chunks, start=1)}
    return {"sitemap.xml": _sitemap_document("sitemapindex", "sitemap", [base_url + name for name in parts]), **parts}


def _sitemap_document(root: str, entry: str, addresses: list[str]) -> bytes:
    top = ElementTree.Element(root, xmlns="http://www.sitemaps.org/schemas/sitemap/0.9")
    for address in addresses:
        ElementTree.SubElement(ElementTree.SubElement(top, entry), "loc").text = address
    ElementTree.indent(top)
    document: bytes = ElementTree.tostring(top, encoding="utf-8", xml_declaration=True)
    return document + b"\n"


RECENT_DAILY = 90  # days daily.json lists (the page's bar); every day of the history is in the year files
DAY_COLUMNS = ("date", "uptime", "downtime_minutes", "maintenance_minutes", "no_data_minutes", "source")


def daily_files(
    view: SiteView, component_id: str, days: Sequence[DailyUptime], settled: Settled | None = None
) -> list[Made]:
    """A component's days: ``daily.json``, the last RECENT_DAILY of them as objects, with the address of each
    year's file; and ``daily/<year>.json``, every day of the year as a row of DAY_COLUMNS (less those the same
    on every day, written once in ``constant``). A list that grew by
    a day forever would weigh most of a national site; each year's file is bounded, and one closed stays as
    it is: with ``settled``, a year that is over is made with the key of its days, and kept when that is
    the same."""
    folder = f"api/v1/components/{component_id}"
    places = view.place_daily.get(component_id, {})
    # The days follow each other from the first (uptime.daily): a year's are found by their place.
    first = days[0].date if days else date.min
    years = range(first.year, days[-1].date.year + 1) if days else range(0)

    def own(year: int) -> list[DailyUptime]:
        return list(days[max((date(year, 1, 1) - first).days, 0) : (date(year + 1, 1, 1) - first).days])

    recent = {
        "component": component_id,
        "timezone": view.config.timezone.key,
        "years": {str(year): f"daily/{year}.json" for year in years},
        "days": [dict(zip(DAY_COLUMNS, _day_row(d), strict=True)) for d in days[-RECENT_DAILY:]],
    }
    api.day_vantages(recent, places)
    files: list[Made] = [(f"{folder}/daily.json", to_json(recent))]
    this_year = view.now.astimezone(view.config.timezone).year

    def year_file(year: int, own: list[DailyUptime]) -> bytes:
        rows = [_day_row(d) for d in own]
        # A figure the same on every day of the year (most years: no maintenance, no time without data, one
        # source) is written once, in "constant", not on each of the year's rows: a nation's years of it
        # would weigh a tenth of the site. The date is never one of them.
        constant = {
            name: rows[0][n]
            for n, name in enumerate(DAY_COLUMNS)
            if n and all(row[n] == rows[0][n] and type(row[n]) is type(rows[0][n]) for row in rows)
        }
        kept = [n for n, name in enumerate(DAY_COLUMNS) if name not in constant]
        document: dict[str, object] = {
            "component": component_id,
            "timezone": view.config.timezone.key,
            "year": year,
            "columns": [DAY_COLUMNS[n] for n in kept],
            "constant": constant,
            "days": [[row[n] for n in kept] for row in rows],
        }
        api.row_vantages(document, places)
        return to_json(document)

    digests = view.settled.get(component_id, {})
    for year in years:
        relative = f"{folder}/daily/{year}.json"
        if settled is None or year >= this_year:
            files.append((relative, year_file(year, own(year))))
            continue
        placed = {vid: [tuple(d) for d in found if d.date.year == year] for vid, found in places.items()}
        # The digest of the year's days, worked out with the figures (figures.year_digests), which covers its
        # first day and every figure of every day.
        found = digests.get(year) or year_digests(days, {}, [year])[year]
        key = settled.key("daily", relative, found[0], placed)
        files.append(settled.made(relative, key, partial(year_file, year, own(year))))
    return files


def _day_row(day: DailyUptime) -> list[object]:
    """A day's figures as written in the API; a whole number without its ``.0`` (most of a long history's
    figures are 100 and 0, and a nation's sites hold millions of them: a JSON number is a number either way)."""
    return [day.date.isoformat(), _whole(day.uptime), _whole(day.downtime_minutes), _whole(day.maintenance_minutes),
            _whole(day.no_data_minutes), day.source]  # fmt: skip


def _whole(value: float | None) -> float | int | None:
    return int(value) if value is not None and value.is_integer() else value


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
    def of(cls, label: str, status: str, lang: Language) -> Badge:
        text = lang.t(f"status.{status}")
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
    api.month_bandwidth(document, item)
    return to_json(document)


def to_json(document: object) -> bytes:
    """Compact, sorted, UTF-8 JSON with a final newline: the same input gives the same bytes."""
    return (json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
