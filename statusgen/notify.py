"""``generate.py notify``: send each channel the notices due (notices.py) that it has not had, through Apprise,
and record what was sent.

The record is ``history/_notify/<YYYY-MM>.csv``: one line per attempt, appended, never rewritten, so that
it lives on the probe-history branch with the samples and merges as they do (every line of both sides
kept). A run holds the lock of ``_notify/`` from reading the record to its last line: two runs on one
machine take turns, and the second finds what the first sent. (Runs on separate machines are kept apart by
the workflow's concurrency group: docs/notifications.md.)

A channel that fails is left alone for a while, longer after each failure in a row (BACKOFF), or as long as
the service asked (a 429's ``retry_after``); the other channels go on. A notice that could not be sent for a
day is given up, and one whose time has passed is not sent late: either with a warning, recorded once.

A channel's URL holds its token. It is read from the environment, handed to Apprise, and never printed:
what Apprise logs is read only for the HTTP status and a ``retry_after``, and kept from the console.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from . import build as pipeline
from .cache import FOLDER as CACHE
from .cache import ParseCache
from .i18n import Language, languages
from .model import Channel, Config, Incident, Message, stamp
from .notices import DAY, Notice, notices, reminders, words
from .output import append_lines, check_writable, taking_turns
from .parallel import workers
from .problems import Problems, say, translations
from .recorded import read_history
from .times import iso

RECORD = "_notify"  # under history/; not an id a component can have
HEADER = ("time", "channel", "notice", "outcome", "detail")
OUTCOMES = ("sent", "failed", "gave_up", "expired")
BACKOFF = (5, 10, 20, 40, 60)  # minutes a channel is left alone after 1, 2, 3… failures in a row
GIVE_UP = DAY  # a notice that failed for this long is given up

Teller = Callable[..., None]  # told(text, warning=False): a line for staff, in their language

_STATUS = re.compile(r"error=(\d{3})")
_RETRY = re.compile(r"retry[_ -]after\W{0,4}(\d{1,6})", re.IGNORECASE)


@dataclass(frozen=True)
class Line:
    """One line of the record."""

    time: int
    channel: str
    notice: str
    outcome: str
    detail: str = ""

    def csv_line(self) -> str:
        return f"{stamp(self.time)},{self.channel},{self.notice},{self.outcome},{self.detail}\n"

    @property
    def retry_after(self) -> int:
        match = re.fullmatch(r".*retry_after=(\d+)", self.detail)
        return int(match.group(1)) if match else 0


@dataclass(frozen=True)
class Outcome:
    """What one attempt came to: sent, or why not (an HTTP status, "connection"…), and a wait asked for."""

    sent: bool
    detail: str = ""
    retry_after: int = 0


class Record:
    """What the record says of each channel: what is done, and what failed."""

    def __init__(self, lines: Sequence[Line]):
        self.lines = sorted(lines, key=lambda line: line.time)
        self.done = {(line.channel, line.notice) for line in self.lines if line.outcome != "failed"}
        self.failures: dict[tuple[str, str], list[Line]] = defaultdict(list)
        for line in self.lines:
            if line.outcome == "failed":
                self.failures[line.channel, line.notice].append(line)

    def held_until(self, channel: str) -> int | None:
        """Until when (seconds) ``channel`` is left alone: its failures in a row, each waiting longer, or the
        ``retry_after`` of the last; None: it is not."""
        mine = [line for line in self.lines if line.channel == channel and line.outcome in ("sent", "failed")]
        row = 0
        for line in reversed(mine):
            if line.outcome != "failed":
                break
            row += 1
        if not row:
            return None
        last = mine[-1]
        wait = BACKOFF[min(row, len(BACKOFF)) - 1] * 60
        return last.time + max(wait, last.retry_after)

    def add(self, line: Line) -> None:
        self.lines.append(line)
        if line.outcome == "failed":
            self.failures[line.channel, line.notice].append(line)
        else:
            self.done.add((line.channel, line.notice))


def record_files(folder: Path, now: datetime) -> list[Path]:
    """The record's files a run reads: this month's and the last (notices are at most a day or two old)."""
    last = now.replace(day=1) - timedelta(days=1)
    return [folder / f"{last:%Y-%m}.csv", folder / f"{now:%Y-%m}.csv"]


def read_record(folder: Path, now: datetime) -> Record:
    """The lines of the record around ``now``; a line that cannot be read (cut short by a killed run) is
    skipped."""
    lines: list[Line] = []
    for path in record_files(folder, now.astimezone(UTC)):
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            continue
        for row in text.splitlines()[1:]:
            parts = row.split(",", 4)
            if len(parts) < 4 or parts[3] not in OUTCOMES:
                continue
            try:
                moment = int(datetime.strptime(parts[0], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp())
            except ValueError:
                continue
            lines.append(Line(moment, parts[1], parts[2], parts[3], parts[4] if len(parts) > 4 else ""))
    return Record(lines)


TONE = {"outage": "failure", "partial": "warning", "recovery": "success", "resolved": "success", "end": "success"}


def send(url: str, title: str, body: str, tone: str = "info") -> Outcome:
    """Send one message through Apprise as plain text, which Apprise escapes for each service (HTML e-mail,
    Telegram's HTML or Markdown); ``tone`` is Apprise's notify type (info, success, warning, failure), which
    some services show as a colour or an icon. Raises ValueError when Apprise does not read ``url``."""
    import apprise  # only this command needs it

    sender = apprise.Apprise()
    if not sender.add(url):
        raise ValueError("not an Apprise URL")
    with apprise.LogCapture(level=logging.DEBUG) as log:  # type: ignore[no-untyped-call]
        try:
            sent = bool(
                sender.notify(
                    title=title, body=body, body_format=apprise.NotifyFormat.TEXT, notify_type=apprise.NotifyType(tone)
                )
            )
        except Exception:  # a plugin's own failure: the channel failed, the run goes on
            sent = False
        said = log.getvalue()
    if sent:
        return Outcome(True)
    status = _STATUS.findall(said)
    retry = _RETRY.findall(said)
    detail = f"http-{status[-1]}" if status else "connection" if re.search(r"connect|socket", said, re.I) else "error"
    return Outcome(False, detail, int(retry[-1]) if retry and status and status[-1] == "429" else 0)


def quiet_apprise() -> None:
    """Keep Apprise's own log off the console: it may hold a channel's URL, and so its token."""
    logger = logging.getLogger("apprise")
    logger.propagate = False
    if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
        logger.addHandler(logging.NullHandler())


def teller(code: str) -> Teller:
    """Print a line for staff in language ``code``: on standard output, a warning on standard error."""
    words = translations(code)

    def told(text: str, warning: bool = False) -> None:
        print(say(text, words), file=sys.stderr if warning else sys.stdout, flush=True)

    return told


def run_notify(
    config_path: Path,
    history: Path | None,
    now: datetime,
    dry_run: bool,
    code: str,
    environ: Mapping[str, str] = os.environ,
) -> int:
    """Send what is due; 0 when nothing failed, 1 when a channel failed (recorded, and tried again later)."""
    inputs = pipeline.load(config_path, with_history=False)
    config = inputs.config
    told = teller(code)
    for problem in inputs.warnings:
        told(problem.said(translations(code)), warning=True)
    folder = history if history is not None else config.history_dir
    recorded = read_history(
        folder, list(config.history_folders), Problems(), pipeline.shown_path(folder),
        ParseCache(config.root / CACHE), workers(),
    )  # fmt: skip
    found = notices(config, inputs.incidents, recorded, now)
    langs = {lang.code: lang for lang in languages(list(config.languages))}
    if dry_run:
        record = read_record(folder / RECORD, now)
        return _rehearse(config, found, inputs.incidents, record, now, langs, environ, told)
    quiet_apprise()
    failed = False
    path = folder / RECORD / f"{now.astimezone(UTC):%Y-%m}.csv"
    try:
        with taking_turns(folder / RECORD):
            check_writable(folder / RECORD)  # else nothing is sent: unrecorded, it would go again next run
            record = read_record(folder / RECORD, now)  # read holding the lock: what a run before this one sent
            for channel in config.channels:
                url = environ.get(channel.url_env, "").strip()
                if not url:
                    told(Message("notify: {channel} is off: {variable} is not set", channel=channel.name,
                                 variable=channel.url_env))  # fmt: skip
                    continue
                failed |= _serve(channel, url, config, _due(channel, found, inputs.incidents), record, folder,
                                 now, langs[channel.language], told)  # fmt: skip
    except OSError as exc:
        told(Message("notify: the record {path} cannot be written ({reason}): nothing more is sent until it can",
                     path=pipeline.shown_path(path), reason=exc.strerror or str(exc)), warning=True)  # fmt: skip
        return 1
    return 1 if failed else 0


def _due(channel: Channel, found: Sequence[Notice], incidents: Sequence[Incident]) -> list[Notice]:
    """The notices ``channel`` wants, oldest first: the common ones and its own reminders."""
    mine = [n for n in [*found, *reminders(channel, incidents)] if channel.wants(n.kind, n.components)]
    return sorted(mine, key=lambda n: (n.at, n.id))


def _serve(
    channel: Channel,
    url: str,
    config: Config,
    wanted: Sequence[Notice],
    record: Record,
    folder: Path,
    now: datetime,
    lang: Language,
    told: Teller,
) -> bool:
    """Send ``channel`` what is due and unsent, give up what failed too long; True when an attempt failed."""
    moment = int(now.timestamp())
    tz = config.timezone

    def note(notice: Notice, outcome: str, detail: str = "") -> None:
        line = Line(moment, channel.name, notice.id, outcome, detail)
        append_lines(folder / RECORD / f"{now.astimezone(UTC):%Y-%m}.csv", HEADER, [line.csv_line()])
        record.add(line)

    held = record.held_until(channel.name)
    for notice in wanted:
        if (channel.name, notice.id) in record.done:
            continue
        tries = record.failures.get((channel.name, notice.id), [])
        if tries and moment - tries[0].time >= GIVE_UP.total_seconds():
            note(notice, "gave_up", tries[-1].detail)
            told(Message("notify: gave up on {notice} for {channel} after a day of failures ({detail})",
                         notice=notice.id, channel=channel.name, detail=tries[-1].detail), warning=True)  # fmt: skip
            continue
        if tries and now >= notice.until:
            note(notice, "expired", tries[-1].detail)
            told(Message("notify: {notice} was not sent to {channel} before it went stale ({detail}): left out",
                         notice=notice.id, channel=channel.name, detail=tries[-1].detail), warning=True)  # fmt: skip
            continue
        if not notice.due(now):
            continue
        if held is not None and moment < held:
            told(Message("notify: {notice} waits for {channel} until {time}", notice=notice.id,
                         channel=channel.name, time=iso(datetime.fromtimestamp(held, UTC), tz)))  # fmt: skip
            continue
        title, body = words(notice, config, lang)
        try:
            outcome = send(url, title, body, TONE.get(notice.event, "info"))
        except ValueError:
            told(Message("notify: {channel}: the address in {variable} is not one Apprise reads: see "
                         "docs/notifications.md for the forms", channel=channel.name, variable=channel.url_env),
                 warning=True)  # fmt: skip
            return True
        if outcome.sent:
            note(notice, "sent")
            told(Message("notify: sent {notice} to {channel}", notice=notice.id, channel=channel.name))
            continue
        detail = outcome.detail + (f" retry_after={outcome.retry_after}" if outcome.retry_after else "")
        note(notice, "failed", detail)
        held = record.held_until(channel.name)
        told(Message("notify: {channel} failed on {notice} ({detail}); next try after {time}", channel=channel.name,
                     notice=notice.id, detail=detail, time=iso(datetime.fromtimestamp(held or moment, UTC), tz)),
             warning=True)  # fmt: skip
        return True  # the rest wait: the channel is held
    return False


def _rehearse(
    config: Config,
    found: Sequence[Notice],
    incidents: Sequence[Incident],
    record: Record,
    now: datetime,
    langs: Mapping[str, Language],
    environ: Mapping[str, str],
    told: Teller,
) -> int:
    """``--dry-run``: print what each channel would get now, and send and write nothing."""
    for channel in config.channels:
        state = "on" if environ.get(channel.url_env, "").strip() else "off"
        told(Message("[{channel}] ({variable}: {state})", channel=channel.name, variable=channel.url_env,
                     state=Message("set") if state == "on" else Message("not set: off")))  # fmt: skip
        for notice in _due(channel, found, incidents):
            if not notice.due(now) or (channel.name, notice.id) in record.done:
                continue
            title, body = words(notice, config, langs[channel.language])
            told(f"[{channel.name}] {notice.id}: {title}")
            told("\n".join("    " + line for line in body.splitlines()))
    return 0
