"""Incident files: Markdown with YAML front matter, one file per incident."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

from . import i18n
from .fields import Fields, hidden_character
from .model import ID_PATTERN, Config, Incident, Message, Text, Update
from .parallel import shared
from .problems import Problem, Problems, did_you_mean, listing
from .schema import INCIDENT, TRANSLATION, UPDATE
from .times import zone_label
from .yamlsrc import YamlError, YamlMap, parse, read_text

SEVERITIES = ("major", "partial", "degraded", "maintenance", "notice")
CAUSES = ("internal", "external")
INCIDENT_STATUSES = ("investigating", "identified", "monitoring", "resolved")
MAINTENANCE_STATUSES = ("scheduled", "in_progress", "completed")

_FENCE = re.compile(r"---[ \t]*")
_CLOSE = re.compile(r"(?:---|\.\.\.)[ \t]*")


@cache
def page_words(kind: str) -> dict[str, tuple[str, ...]]:
    """What the pages call each value of ``kind`` (``severity``, ``update_status``, ``cause``), in every
    language: ``{'major': ('Major outage', 'Gangguan total'), ...}``. Staff write the word they read
    on the page; a message then names the value it stands for. Read only for such a message."""
    words: dict[str, tuple[str, ...]] = {}
    for code in i18n.available():
        try:
            messages = i18n.load_catalogue(code).messages
        except i18n.CatalogueError:  # reported by the build; a hint is not worth failing for
            continue
        for key, label in messages.items():
            value = key.removeprefix(f"{kind}.")
            if value != key and isinstance(label, str):
                words[value] = (*words.get(value, ()), label)
    return words


def status_words(maintenance: bool) -> dict[str, tuple[str, ...]]:
    """What the pages call each update status, with the other kind's closing status as words for this
    kind's own: 'Selesai' (completed) written for an incident means 'resolved', 'Teratasi' for a
    maintenance 'completed'."""
    words = dict(page_words("update_status"))
    own, other = ("completed", "resolved") if maintenance else ("resolved", "completed")
    words[own] = (*words.get(own, ()), *words.get(other, ()), other)
    return words


PER_WORKER = 200  # incident files below which a share is not worth a fork (a fork and its pickles cost about 20 ms)


def slugify(text: str) -> str:
    """ASCII slug: ``Kabel Laut Putus!`` → ``kabel-laut-putus``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def repository(folder: Path) -> Path:
    """The repository ``folder`` is in: the nearest folder up holding ``.git``, else ``folder`` itself."""
    return next((candidate for candidate in (folder, *folder.parents) if (candidate / ".git").exists()), folder)


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def load_incidents(config: Config, problems: Problems, shown_root: str = "", processes: int = 1) -> list[Incident]:
    """Read every ``*.md`` file in the incidents folder. Errors go to ``problems``.

    ``shown_root`` prefixes the paths in messages (the config's folder as the user wrote it).
    Returns the valid incidents, oldest first. With ``processes`` > 1 and many files, forked
    workers read a share of them each.
    """
    folder = config.incidents_dir
    shown_folder = str(Path(shown_root) / "incidents") if shown_root else str(folder)
    if not folder.exists():
        return []
    if not folder.is_dir():
        problems.error(
            shown_folder, 1, Message("'incidents' must be a folder of .md files, not a file: rename this file")
        )
        return []
    slugs = {path.stem for path in folder.iterdir()}
    root = repository(config.root.resolve())
    files = []
    for path in sorted(folder.iterdir()):
        shown = str(Path(shown_folder) / path.name)
        if path.name.startswith("."):
            continue
        if path.suffix != ".md":
            if not path.is_dir():
                problems.warning(shown, 1, Message("ignored: incident files must end in '.md'"))
            continue
        try:
            target = path.resolve()
        except (RuntimeError, OSError):  # a link that leads to itself (RuntimeError before Python 3.13)
            problems.error(shown, 1, Message("a link that leads round to itself: replace it with the incident file"))
            continue
        if not _inside(target, root):
            # A link out of the repository (of the file, or of the incidents folder itself) would
            # publish a file nobody reviewed with it, or quote in its messages one not ours to show.
            problems.error(
                shown,
                1,
                Message(
                    "a link to a file outside the repository: only files in the repository are published; "
                    "copy the incident in instead of linking to it"
                ),
            )
            continue
        files.append((path, shown))

    def read(share: Sequence[tuple[Path, str]]) -> tuple[list[Incident], list[Problem]]:
        found = Problems()
        read = [load_incident(path, config, found, shown, slugs) for path, shown in share]
        return [incident for incident in read if incident is not None], found.items

    # Many files are read by forked workers, a share each; a few are not worth a fork.
    shares = shared(read, files, processes if len(files) >= PER_WORKER * 2 else 1)
    incidents = [incident for found, _ in shares for incident in found]
    problems.items += [problem for _, found in shares for problem in found]
    return sorted(incidents, key=lambda i: (i.started, i.slug))


def load_incident(
    path: Path, config: Config, problems: Problems, shown: str, taken: set[str] | None = None
) -> Incident | None:
    """Read one incident file; ``taken`` holds the slugs in use, so a suggested new name is free."""
    slug = path.stem
    if not ID_PATTERN.fullmatch(slug):
        better = base = slugify(slug) or "YYYY-MM-DD-gangguan"
        number = 2
        while better in (taken or set()):
            better, number = f"{base}-{number}", number + 1
        problems.error(
            shown,
            1,
            Message(
                "file name '{name}' is not a valid slug (a-z, 0-9 and '-' only): rename it to '{better}.md'",
                name=path.name,
                better=better,
            ),
        )
        return None
    text = read_text(path, shown, problems)
    if text is None:
        return None
    return parse_incident(slug, text, config, problems, shown)


def parse_incident(slug: str, text: str, config: Config, problems: Problems, shown: str) -> Incident | None:
    """Validate the text of one incident file (line ends normalised, no BOM); problems go to ``problems``."""
    parsed = split_front_matter(text)
    if isinstance(parsed[0], int):
        problems.error(shown, parsed[0], parsed[1])
        return None
    front, body = parsed
    problem = hidden_character(body)
    if problem is not None:
        # The body's first line: after the opening fence, the front matter and the closing fence.
        start = 2 + front.count("\n") + 1
        lines = text.split("\n")
        line = next((n for n in range(start, len(lines) + 1) if hidden_character(lines[n - 1])), start)
        problems.error(shown, line, Message("the text {problem}", problem=problem))
    try:
        data = parse(str(front), first_line=2)
    except YamlError as exc:
        problems.error(shown, exc.line, exc.message)
        return None
    if not isinstance(data, YamlMap):
        problems.error(shown, 2, Message("the front matter must be YAML keys such as 'title:' and 'started:'"))
        return None
    incident = _read_incident(slug, data, str(body), config, problems, shown)
    return None if problem is not None else incident


def split_front_matter(text: str) -> tuple[str, str] | tuple[int, str]:
    """Split a file into (front matter, body), or return (line, message) when there is none.

    Line ends are normalised and the UTF-8 BOM removed by the caller.
    """
    lines = text.split("\n")
    if not lines or not _FENCE.fullmatch(lines[0]):
        return 1, Message("no front matter: the file must start with a line '---', then YAML keys, then a line '---'")
    index = closing_fence(lines)
    if index is None:
        return 1, Message("the front matter is not closed: add a line '---' after the last YAML key")
    return "\n".join(lines[1:index]) + "\n", "\n".join(lines[index + 1 :]).strip("\n") + "\n"


def closing_fence(lines: Sequence[str]) -> int | None:
    """The index of the line (after the first) that closes the front matter, ``---`` or ``...``; None if none does."""
    return next((index for index in range(1, len(lines)) if _CLOSE.fullmatch(lines[index])), None)


def _read_incident(
    slug: str, data: YamlMap, body: str, config: Config, problems: Problems, shown: str
) -> Incident | None:
    before = len(problems.errors)
    fields = Fields(data, shown, problems)
    fields.unknown_keys(INCIDENT.names + config.languages[1:])
    zone = config.timezone.key
    title = fields.text("title", required="SPSE tidak dapat diakses")
    components = _component_ids(fields, config)
    false_alarm = fields.flag("false_alarm")
    # A false alarm only voids probe failures; it claims no outage, so it defaults to a notice.
    severity = fields.choice(
        "severity", SEVERITIES, required=not false_alarm, default="notice", labels=lambda: page_words("severity")
    )
    cause = fields.choice("cause", CAUSES, default=INCIDENT.default("cause"), labels=lambda: page_words("cause"))
    started = fields.moment("started", config.timezone, zone, required=True)
    resolved = fields.moment("resolved", config.timezone, zone)
    if started and resolved and resolved < started:
        fields.error(
            "resolved",
            Message(
                "'resolved' ({resolved}) is before 'started' ({started}): correct one of the two times",
                resolved=_plain(resolved, config),
                started=_plain(started, config),
            ),
        )
    if severity == "maintenance" and data.get("resolved") is None:
        fields.error(
            "resolved" if "resolved" in data else None,
            Message("maintenance needs 'resolved', the planned end: add a line like 'resolved: 2021-09-19 22:00'"),
        )
    if false_alarm and data.get("resolved") is None:
        fields.error(
            None, Message("a false alarm needs 'resolved', the end of the window it voids: add 'resolved: ...'")
        )
    if false_alarm and severity not in ("notice", None):
        fields.error("severity", Message("a false alarm claims no outage: remove 'severity' or set it to 'notice'"))
    # Without history_start the history starts at the first record, which no incident can be before.
    if started and config.history_start and started.astimezone(config.timezone).date() < config.history_start:
        fields.warn(
            "started",
            Message(
                "starts before history_start ({start}): it is listed in the history but counts in no uptime figure; "
                "check the year",
                start=config.history_start,
            ),
        )
    statuses = MAINTENANCE_STATUSES if severity == "maintenance" else INCIDENT_STATUSES
    updates = _updates(fields, config, statuses, severity == "maintenance", started)
    if not updates and "updates" not in data:
        fields.warn(
            None, Message("no 'updates': readers and feed subscribers see only the start; add an 'updates:' list")
        )
    elif (
        severity == "maintenance"
        and started
        and updates
        and not any(u.status == "scheduled" for u in updates)
        # Recorded once under way, or once over (its first update 'completed', not before it started):
        # there was nothing left to announce.
        and not _recorded_late(min(updates, key=lambda u: u.at), started)
    ):
        fields.warn(
            "updates",
            Message(
                "maintenance without a 'scheduled' update: feed subscribers hear of it only when it starts; "
                "add an update with 'status: scheduled' dated when you announce it"
            ),
        )
    if severity != "maintenance" and resolved is None and "resolved" not in data:
        closing = [u for u in updates if u.status == "resolved"]
        if closing:
            at = closing[-1].at.astimezone(config.timezone)
            fields.warn(
                None,
                Message(
                    "an update says 'resolved' but there is no 'resolved:' time, so the incident is still ongoing: "
                    "add a line 'resolved: {at}'",
                    at=f"{at:%Y-%m-%d %H:%M}",
                ),
            )
    translations = {
        code: _translation(fields, code, updates, config) for code in config.languages[1:] if data.get(code) is not None
    }
    if len(problems.errors) > before:
        return None
    assert title and components and severity and cause and started
    body = body.strip() + "\n" if body.strip() else ""
    return Incident(
        slug=slug,
        title=Text(title, {code: t.title for code, t in translations.items() if t.title}),
        components=components,
        severity=severity,
        cause=cause,
        started=started,
        resolved=resolved,
        updates=tuple(
            sorted(
                (
                    Update(
                        u.at,
                        u.status,
                        Text(u.message, {c: t.messages[n] for c, t in translations.items() if n in t.messages}),
                    )
                    for n, u in enumerate(updates)
                ),
                key=lambda u: u.at,
                reverse=True,
            )
        ),
        body=Text(body, {code: t.body for code, t in translations.items() if t.body}),
        false_alarm=false_alarm,
        path=shown,
        started_line=data.line_of("started"),
    )


@dataclass(frozen=True)
class _Translation:
    title: str | None
    body: str | None
    messages: dict[int, str]  # by position of the update in the file's list


def _translation(fields: Fields, code: str, updates: list[Update], config: Config) -> _Translation:
    """The ``en:`` block (or another language's): title, body and update messages, each optional."""
    data = fields.mapping[code]
    if not isinstance(data, YamlMap):
        fields.error(
            code, Message("'{code}' must be a mapping with 'title:', 'updates:' and 'body:', each optional", code=code)
        )
        return _Translation(None, None, {})
    block = fields.within(data, Message("{code}: ", code=code))
    block.unknown_keys(TRANSLATION.names)
    body = block.text("body")
    messages: dict[int, str] = {}
    items = block.items("updates")
    for index, item in enumerate(items or ()):
        assert items is not None
        if not isinstance(item, YamlMap):
            block.problems.error(
                block.path,
                items.line_of(index),
                Message("{code}: each update must be a mapping with 'at:' and 'message:'", code=code),
            )
            continue
        entry = block.within(item, Message("update {n}: ", n=index + 1))
        entry.unknown_keys(("at", "status", "message"))
        at = entry.moment("at", config.timezone, config.timezone.key, required=True)
        status = entry.text("status")
        message = entry.text("message", required="The team is investigating.")
        if at is None or message is None:
            continue
        matches = [n for n, u in enumerate(updates) if u.at == at and status in (None, u.status)]
        if len(matches) != 1:
            times = ", ".join(_plain(u.at, config) for u in updates) or "none"
            entry.error(
                "at",
                Message(
                    "no update at {at} to translate (updates: {times}): copy 'at:' from the update",
                    at=_plain(at, config),
                    times=times,
                )
                if not matches
                else Message(
                    "{n} updates at {at}: add 'status:' to say which one", n=len(matches), at=_plain(at, config)
                ),
            )
            continue
        if matches[0] in messages:
            entry.error(
                "at",
                Message(
                    "this update is already translated above: remove one of the two (at {at})", at=_plain(at, config)
                ),
            )
            continue
        messages[matches[0]] = message
    return _Translation(block.text("title"), body.strip() + "\n" if body else None, messages)


def _recorded_late(first: Update, started: datetime) -> bool:
    """Whether a maintenance's first update says it was recorded when already under way or over."""
    return first.status == "in_progress" or (first.status == "completed" and first.at >= started)


def _plain(moment: datetime, config: Config) -> str:
    local = moment.astimezone(config.timezone)
    return f"{local:%Y-%m-%d %H:%M} {zone_label(local)}"


def _component_ids(fields: Fields, config: Config) -> tuple[str, ...]:
    items = fields.items("components", required="[spse]")
    if items is None:
        return ()
    if not items:
        fields.error(
            "components",
            Message("'components' is empty: name at least one of {known}", known=listing(config.component_ids)),
        )
        return ()
    ids: list[str] = []
    for index, value in enumerate(items):
        cid = items.text.get(index, str(value)).strip()
        line = items.line_of(index)
        if cid not in config.component_ids:
            fields.problems.error(
                fields.path,
                line,
                Message(
                    "unknown component '{cid}' (known: {known}).{hint}",
                    cid=cid,
                    known=listing(config.component_ids),
                    hint=did_you_mean(cid, config.component_ids),
                ),
            )
        elif cid in ids:
            fields.problems.warning(
                fields.path, line, Message("component '{cid}' is listed twice: remove one of the two", cid=cid)
            )
        else:
            ids.append(cid)
    return tuple(ids)


def _updates(
    fields: Fields, config: Config, statuses: tuple[str, ...], maintenance: bool, started: datetime | None
) -> list[Update]:
    """The updates of an incident. None may come before it started, but a maintenance's
    announcement ('scheduled'), made ahead of it, and its cancellation ('completed' before it began)."""
    items = fields.items("updates")
    if items is None:
        return []
    noun = Message("maintenance update status") if maintenance else Message("incident update status")
    updates: list[Update] = []
    first: dict[tuple[datetime, str], int] = {}  # (time, status) → the 1-based position in the file of the update kept
    for index, item in enumerate(items):
        if not isinstance(item, YamlMap):
            fields.problems.error(
                fields.path,
                items.line_of(index),
                Message("each update must be a mapping with 'at:', 'status:' and 'message:'"),
            )
            continue
        entry = fields.within(item, Message("update {n}: ", n=index + 1))
        entry.unknown_keys(UPDATE.names)
        at = entry.moment("at", config.timezone, config.timezone.key, required=True)
        status = entry.choice("status", statuses, required=True, noun=noun, labels=lambda: status_words(maintenance))
        message = entry.text("message", required="Tim sedang menyelidiki penyebabnya.")
        # Before the start only a maintenance's announcement or cancellation may be; with its status
        # unknown (reported above) whether the time is wrong cannot be told.
        early = maintenance and status in (None, "scheduled", "completed")
        if at and started and at < started and not early:
            entry.error(
                "at",
                Message(
                    "'at' ({at}) is before the incident started ({started}): correct the time of the update, "
                    "or 'started'",
                    at=_plain(at, config),
                    started=_plain(started, config),
                ),
            )
            continue
        if at and status and message:
            twin = first.get((at, status))
            if twin is not None:
                entry.error(
                    "at",
                    Message("same time and status as update {n}: merge the two, or correct the time", n=twin),
                )
                continue
            updates.append(Update(at, status, Text(message)))
            first[(at, status)] = index + 1
    return updates
