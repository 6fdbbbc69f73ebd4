"""The staff commands: ``new``, ``update`` and ``resolve`` an incident, by flags or by answering prompts.

Each command reads ``status.yml`` for the component ids and the time zone, builds the new file text
(``editing``), validates it exactly as a build would, and only then writes it, atomically. Messages
and prompts are in the site's default language, or ``--lang``: like every message to staff, each is a
``Message`` in English, said in that language from ``statusgen/messages/<code>.yml``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypeVar

from . import i18n
from .editing import EditError, NewUpdate, add_update, as_read, new_incident, set_resolved
from .fields import meaning
from .incidents import (
    CAUSES,
    INCIDENT_STATUSES,
    MAINTENANCE_STATUSES,
    SEVERITIES,
    page_words,
    parse_incident,
    slugify,
    status_words,
)
from .model import ID_PATTERN, Config, Incident, Message
from .output import write_text
from .problems import InputError, Problems, translations
from .problems import say as say_message
from .times import parse_datetime, zone_label

T = TypeVar("T")
LEEWAY = timedelta(minutes=5)  # clocks differ a little; a time further ahead than this is a typo
Ask = Callable[[str], str]  # shows a prompt, returns the answer; raises EOFError when there is none

# The menus' words for each severity and cause (the words on the page are in templates/locales).
SEVERITY_WORDS = {
    "major": Message("Major outage: the service cannot be used at all"),
    "partial": Message("Partial outage: some users or functions fail"),
    "degraded": Message("Degraded performance: slow, but still usable"),
    "maintenance": Message("Scheduled maintenance: planned, with an end time"),
    "notice": Message("Notice: information only, no outage"),
}
# The cause menu's words, given the organisation's short name in the staff's language.
CAUSE_WORDS: dict[str, Callable[[str], Message]] = {
    "internal": lambda organization: Message("within {organization} itself", organization=organization),
    "external": lambda _: Message(
        "national, outside LPSE's control, e.g. an undersea cable cut or a central LKPP service"
    ),
}
PUBLISH = Message("It is published once this file is committed and pushed to the main branch.")


class StaffError(Exception):
    """A staff command that cannot go on; the message is in the staff's language and says what to do."""


@dataclass(frozen=True)
class IncidentFile:
    """An incident file's text as written (its own line breaks, without the BOM), and how to write it back."""

    path: Path
    text: str
    bom: bool
    incident: Incident  # as the build reads it

    def encoded(self, text: str) -> str:
        return ("\ufeff" if self.bom else "") + text


class Asker:
    """How a staff command asks: each answer from its flag, else from a prompt, in the staff's language.
    ``init`` asks with it too, before there is a status.yml."""

    def __init__(self, lang: i18n.Language, ask: Ask | None):
        self.lang, self.ask = lang, ask
        self.words = translations(lang.code)

    def scripted(self, *flags: object) -> None:
        """With every essential flag given, nothing is asked: the rest take their defaults."""
        if all(flags):
            self.ask = None

    def say(self, message: Message) -> str:
        """``message`` in the staff's language, as every message to staff is said (``problems.say``)."""
        return say_message(message, self.words)

    # Answers, from a flag or from a prompt.

    def answer(self, value: str | None, prompt: str, flag: str, default: str | None = None) -> str:
        """The flag's value; else the answer to ``prompt`` (or ``default`` for an empty one)."""
        if value is not None and value.strip():
            return value.strip()
        if self.ask is None:
            if default is not None:
                return default
            raise StaffError(self.say(_missing(flag)))
        suffix = f" [{default}]" if default else ""
        while True:
            try:
                reply = self.ask(f"{prompt}{suffix}: ").strip()
            except EOFError:
                if default is not None:
                    return default
                raise StaffError(self.say(_missing(flag))) from None
            if reply or default is not None:
                return reply or str(default)

    def checked(
        self,
        value: str | None,
        prompt: str,
        flag: str,
        read: Callable[[str], T],
        default: str | None = None,
    ) -> T:
        """Like ``answer``, then ``read`` it; a bad answer to a prompt is asked again, a bad flag stops."""
        while True:
            text = self.answer(value, prompt, flag, default)
            try:
                return read(text)
            except StaffError as exc:
                if value is not None or self.ask is None:
                    raise
                print(exc, file=sys.stderr)

    def menu(self, heading: str, entries: list[tuple[str, str]]) -> str:
        lines = [heading] + [f"  {n}. {key} – {words}" for n, (key, words) in enumerate(entries, 1)]
        return "\n".join(lines) + "\n"


class Staff(Asker):
    """One staff command's context: the site, its language, the time, and how to ask."""

    def __init__(
        self, config: Config, lang: i18n.Language, now: datetime, ask: Ask | None, shown: Callable[[Path], str]
    ):
        super().__init__(lang, ask)
        self.config, self.shown = config, shown
        # Staff write times to the minute, and so does every time these commands write: "now" in a new
        # file and the default of a later update or resolve are then alike, never seconds apart.
        self.now = now.replace(second=0, microsecond=0)

    @property
    def zone(self) -> str:
        """The site's time zone as it is named now: ``WIB``, ``CET``, ``UTC-03:00``…"""
        return zone_label(self.now.astimezone(self.config.timezone))

    @property
    def organization(self) -> str:
        """The organisation's short name in the staff's language."""
        return i18n.translated(self.config.short_name, self.lang.code)[0]

    def saved(self, path: Path) -> str:
        """What ``new`` says when it has written ``path``."""
        return self.say(Message("Saved: {path}", path=self.shown(path)))

    def updated(self, path: Path) -> str:
        """What ``update`` and ``resolve`` say when they have written ``path``."""
        return self.say(Message("Updated: {path}", path=self.shown(path)))

    def moment(self, text: str) -> datetime:
        try:
            return parse_datetime(text, self.config.timezone)
        except ValueError:
            raise StaffError(
                self.say(
                    Message(
                        "'{value}' is not a time: write YYYY-MM-DD HH:MM in {zone}, e.g. 2021-09-19 18:33",
                        value=text,
                        zone=self.zone,
                    )
                )
            ) from None

    def choice(
        self, text: str, choices: tuple[str, ...], noun: Message, labels: Callable[[], dict[str, tuple[str, ...]]]
    ) -> str:
        """One of ``choices`` by number or value; ``labels`` gives the page's words for them, for the hint."""
        text = text.strip().lower()
        if text.isdigit() and 1 <= int(text) <= len(choices):
            return choices[int(text) - 1]
        if text in choices:
            return text
        raise StaffError(
            self.say(
                Message(
                    "unknown {noun} '{value}' (choices: {choices}).", noun=noun, value=text, choices=", ".join(choices)
                )
            )
            + self.suggest(text, choices, labels())
        )

    def components(self, text: str) -> list[str]:
        ids = self.config.component_ids
        chosen: list[str] = []
        for part in text.replace(",", " ").split():
            cid = ids[int(part) - 1] if part.isdigit() and 1 <= int(part) <= len(ids) else part
            if cid not in ids:
                raise StaffError(
                    self.say(
                        Message(
                            "service '{value}' is not in status.yml (known: {known}).", value=part, known=", ".join(ids)
                        )
                    )
                    + self.suggest(part, ids)
                )
            if cid not in chosen:
                chosen.append(cid)
        if not chosen:
            raise StaffError(self.say(Message("name at least one service (known: {known})", known=", ".join(ids))))
        return chosen

    def suggest(
        self, value: str, choices: list[str] | tuple[str, ...], labels: dict[str, tuple[str, ...]] | None = None
    ) -> str:
        """The "did you mean" for the choice ``value`` stands for: one it is like, or names by a page word."""
        close = meaning(value, choices, labels or {})
        return self.say(Message(" Did you mean '{close}'?", close=close)) if close else ""

    # Files.

    def incidents_dir(self) -> Path:
        return self.config.incidents_dir

    def find(self, slug: str) -> IncidentFile:
        """The incident ``slug`` (also accepted: ``incidents/<slug>.md`` or ``<slug>.md``)."""
        slug = Path(slug.strip()).name.removesuffix(".md")
        path = self.incidents_dir() / f"{slug}.md"
        if not ID_PATTERN.fullmatch(slug) or not path.is_file():
            known = sorted(p.stem for p in self.incidents_dir().glob("*.md")) if self.incidents_dir().is_dir() else []
            close = self.suggest(slug, known)
            recent = ", ".join(known[-3:]) or "–"
            raise StaffError(
                self.say(
                    Message(
                        "no incident '{slug}' in {folder} (the newest: {recent}).",
                        slug=slug,
                        folder=self.shown(self.incidents_dir()),
                        recent=recent,
                    )
                )
                + close
            )
        try:
            raw = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            reason = Message("not UTF-8 text ({reason}): save the file as UTF-8", reason=exc.reason)
            raise StaffError(f"{self.shown(path)}: {self.say(reason)}") from None
        text = raw.removeprefix("\ufeff")
        problems = Problems()
        incident = parse_incident(slug, as_read(text), self.config, problems, self.shown(path))
        if incident is None:  # fix the file first: its problems are reported as `check` reports them
            raise InputError(problems.items)
        return IncidentFile(path, text, raw.startswith("\ufeff"), incident)

    def save(self, path: Path, slug: str, text: str, encoded: str, new: bool) -> None:
        """Validate ``text`` (the file as written, without its BOM) as a build would read it; write ``encoded``
        only when it is valid."""
        problems = Problems()
        shown = self.shown(path)
        incident = parse_incident(slug, as_read(text), self.config, problems, shown)
        if incident is None or problems.errors:
            raise InputError(problems.items)
        try:
            write_text(path, encoded, new=new)
        except FileExistsError:
            raise StaffError(self.say(Message("{path} exists already: not overwritten", path=shown))) from None
        for warning in problems.warnings:
            print(warning.said(self.words), file=sys.stderr)


def slug_for(started: datetime, title: str, config: Config, taken: set[str]) -> str:
    """``YYYY-MM-DD-words-of-the-title``, in ASCII, made unique with ``-2``, ``-3``…"""
    words = slugify(title)[:60].rstrip("-") or "gangguan"
    base = f"{started.astimezone(config.timezone):%Y-%m-%d}-{words}"
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def new(staff: Staff, options: dict[str, object]) -> Path:
    """Write a new incident file; returns its path."""
    say, config, lang = staff.say, staff.config, staff.lang
    maintenance_flags = options.get("severity") != "maintenance" or options.get("maintenance_until")
    staff.scripted(options.get("title"), options.get("component"), options.get("severity"), maintenance_flags)
    title = staff.answer(
        _text(options, "title"), say(Message('Incident title (short, e.g. "SPSE cannot be reached")')), "--title"
    )
    components_flag = ",".join(options.get("component") or []) or None  # type: ignore[arg-type]
    if components_flag is None and staff.ask is not None:
        print(
            staff.menu(
                say(Message("Affected services:")),
                [(c.id, i18n.translated(c.name, lang.code)[0]) for c in config.components],
            ),
            end="",
        )
    components = staff.checked(
        components_flag,
        say(Message("Numbers or ids of the services, separated by commas")),
        "--component",
        staff.components,
    )
    severity_flag = _text(options, "severity")
    if severity_flag is None and staff.ask is not None:
        print(staff.menu(say(Message("Severity:")), [(s, say(SEVERITY_WORDS[s])) for s in SEVERITIES]), end="")
    severity = staff.checked(
        severity_flag,
        say(Message("Choose a number or word")),
        "--severity",
        lambda v: staff.choice(v, SEVERITIES, Message("severity"), lambda: page_words("severity")),
    )
    maintenance = severity == "maintenance"
    cause_flag = _text(options, "cause")
    if cause_flag is None and staff.ask is not None:
        causes = [(c, say(CAUSE_WORDS[c](staff.organization))) for c in CAUSES]
        print(staff.menu(say(Message("Cause:")), causes), end="")
    cause = staff.checked(
        cause_flag,
        say(Message("Choose a number or word")),
        "--cause",
        lambda v: staff.choice(v, CAUSES, Message("cause"), lambda: page_words("cause")),
        "internal",
    )
    started_default = None if maintenance else _written(staff.now, config)

    def start_time(text: str) -> datetime:
        start = staff.moment(text)
        if maintenance:
            return start
        if start > staff.now + LEEWAY:
            raise StaffError(say(_in_the_future(start, staff.now, config)))
        return min(start, staff.now)  # a minute or two ahead is the clocks differing: it started now

    started = staff.checked(
        _text(options, "started"),
        say(Message("Start time, {zone} (YYYY-MM-DD HH:MM)", zone=staff.zone)),
        "--started",
        start_time,
        started_default,
    )
    resolved = None
    if maintenance:

        def planned_end(text: str) -> datetime:
            end = staff.moment(text)
            if end <= started:
                planned = Message(
                    "the planned end {end} must be after the start {start}",
                    end=_written(end, config),
                    start=_written(started, config),
                )
                raise StaffError(say(planned))
            return end

        resolved = staff.checked(
            _text(options, "maintenance_until"),
            say(Message("Planned end, {zone} (YYYY-MM-DD HH:MM)", zone=staff.zone)),
            "--maintenance-until",
            planned_end,
        )
    # The first update is the moment of writing: the chronology says when LPSE said what. For maintenance
    # it says where the window stood then: announced ahead, under way, or over (recorded afterwards, as
    # "completed" with its window, which passed as planned and announced elsewhere).
    if not maintenance:
        opening, default_message = "investigating", say(Message("We are investigating this incident."))
    elif started > staff.now:
        opening, default_message = "scheduled", say(Message("Scheduled maintenance."))
    elif resolved is not None and resolved <= staff.now:
        recorded = Message("This maintenance has been completed; it was recorded after it ended.")
        opening, default_message = "completed", say(recorded)
    else:
        opening, default_message = "in_progress", say(Message("Scheduled maintenance."))
    message = staff.answer(_text(options, "message"), say(Message("Message for readers")), "--message", default_message)
    first = NewUpdate(staff.now, opening, message)
    text = new_incident(
        title=title, components=components, severity=severity, cause=cause, started=started,
        resolved=resolved, first=first, tz=config.timezone,
    )  # fmt: skip
    folder = staff.incidents_dir()
    taken = {p.stem for p in folder.glob("*.md")} if folder.is_dir() else set()
    slug = slug_for(started, title, config, taken)
    path = folder / f"{slug}.md"
    staff.save(path, slug, text, text, new=True)
    return path


def update(staff: Staff, slug: str, options: dict[str, object]) -> Path:
    """Add an update to an incident; returns its path."""
    found = staff.find(slug)
    say = staff.say
    staff.scripted(options.get("status"), options.get("message"))
    maintenance = found.incident.is_maintenance
    _refuse_closed(staff, found)
    statuses = MAINTENANCE_STATUSES if maintenance else INCIDENT_STATUSES
    status = staff.checked(
        _text(options, "status"),
        say(Message("Update status ({choices})", choices=", ".join(statuses))),
        "--status",
        lambda v: staff.choice(v, statuses, Message("status"), lambda: status_words(maintenance)),
    )
    message = staff.answer(_text(options, "message"), say(Message("Message for readers")), "--message")
    default_at = _written(staff.now, staff.config)
    at = staff.checked(
        _text(options, "at"),
        say(Message("Time of the update, {zone} (YYYY-MM-DD HH:MM)", zone=staff.zone)),
        "--at",
        lambda v: _update_time(staff, found, v),
        default_at,
    )
    tz = staff.config.timezone
    if status == ("completed" if maintenance else "resolved"):
        # The closing update closes the incident too: the same as `resolve`, so it cannot stay "ongoing".
        return _close(staff, found, at, message, status)
    return _edit(staff, found, lambda text: add_update(text, NewUpdate(at, status, message), tz))


def resolve(staff: Staff, slug: str, options: dict[str, object]) -> Path:
    """Set ``resolved`` and add the closing update; returns the path."""
    found = staff.find(slug)
    say, config = staff.say, staff.config
    maintenance = found.incident.is_maintenance
    _refuse_closed(staff, found)
    at = _update_time(staff, found, _text(options, "at") or _written(staff.now, config))
    message = _text(options, "message") or say(
        Message("Maintenance completed.") if maintenance else Message("The service is back to normal.")
    )
    return _close(staff, found, at, message, "completed" if maintenance else "resolved")


def _refuse_closed(staff: Staff, found: IncidentFile) -> None:
    """An incident that is over takes no more updates: a recurrence is a new incident."""
    incident = found.incident
    closing = [u for u in incident.updates if u.status in ("resolved", "completed")]
    closed = closing if incident.is_maintenance else incident.resolved is not None and closing
    if closed:
        at = _written(closing[0].at, staff.config)
        closed_at = Message(
            "incident {slug} ended at {at}: if it happens again, report a new incident (generate.py new)",
            slug=incident.slug,
            at=at,
        )
        raise StaffError(staff.say(closed_at))


def _update_time(staff: Staff, found: IncidentFile, text: str) -> datetime:
    """The time of a new update: not in the future, not before the start, not before the newest update.

    A few minutes ahead is the clocks differing: it is taken as now, as ``new`` takes a start, since
    the build holds back an update dated ahead and the page would not show it until the next build.
    A time in the same minute as the start or the newest update is taken as that moment: written to
    the minute it is not earlier, and an update at the same time as the newest comes after it in the
    file's order, which the page, the feeds and the API keep.
    """
    at, config = staff.moment(text), staff.config
    if at > staff.now + LEEWAY:
        raise StaffError(staff.say(_in_the_future(at, staff.now, config)))
    at = min(at, staff.now)
    incident = found.incident
    if not incident.is_maintenance:
        at = _within_the_minute(at, incident.started)
        if at < incident.started:
            raise StaffError(staff.say(_before_start(at, incident.started, config)))
    if incident.updates:
        at = _within_the_minute(at, incident.updates[0].at)
        if at < incident.updates[0].at:
            newest = _written(incident.updates[0].at, config)
            early = Message(
                "{at} is before the newest update ({newest}): a new update comes after it",
                at=_written(at, config),
                newest=newest,
            )
            raise StaffError(staff.say(early))
    return at


def _within_the_minute(at: datetime, floor: datetime) -> datetime:
    """``floor`` when ``at`` is earlier but in the same minute, else ``at``: 18:40 after 18:40:17 is 18:40:17."""
    return floor if floor.replace(second=0) <= at < floor else at


def _close(staff: Staff, found: IncidentFile, at: datetime, message: str, status: str) -> Path:
    """Set ``resolved: at`` and add the closing update; a maintenance window ends at ``at`` or is cancelled."""
    config = staff.config
    started = found.incident.started
    if at < started and not found.incident.is_maintenance:
        raise StaffError(staff.say(_before_start(at, started, config)))
    # Completing maintenance before it starts cancels it: the window shrinks to nothing at its start.
    end = max(at, started)
    tz = config.timezone
    # The update first: a file the edit must refuse is then reported with its own line numbers.
    return _edit(staff, found, lambda text: set_resolved(add_update(text, NewUpdate(at, status, message), tz), end, tz))


def _edit(staff: Staff, found: IncidentFile, change: Callable[[str], str]) -> Path:
    try:
        text = change(found.text)
    except EditError as exc:
        raise StaffError(f"{staff.shown(found.path)}: {staff.say(exc.args[0])}") from None
    staff.save(found.path, found.path.stem, text, found.encoded(text), new=False)
    return found.path


def _text(options: dict[str, object], key: str) -> str | None:
    value = options.get(key)
    return value if isinstance(value, str) else None


def _written(moment: datetime, config: Config) -> str:
    return f"{moment.astimezone(config.timezone):%Y-%m-%d %H:%M}"


def _missing(flag: str) -> Message:
    return Message(
        'no answer for {flag}: write {flag} "..." on the command line, or leave it out and answer the question',
        flag=flag,
    )


def _in_the_future(at: datetime, now: datetime, config: Config) -> Message:
    return Message(
        "{at} is in the future (it is now {now} {zone}): check the date and time",
        at=_written(at, config),
        now=_written(now, config),
        zone=zone_label(now.astimezone(config.timezone)),
    )


def _before_start(at: datetime, start: datetime, config: Config) -> Message:
    return Message(
        "{at} is before the start {start}: check the date and time",
        at=_written(at, config),
        start=_written(start, config),
    )
