"""The records everything else works on: the configuration, incidents, probe samples, and the text types.

This is the ground floor. The readers (``config.py``, ``incidents.py``, ``recorded.py``…) make these
records from files; the arithmetic (``status.py``, ``uptime.py``, ``sla.py``, ``figures.py``) works on them;
the views and the renderers show them. This module reads nothing and imports only the standard
library and ``schema.py``, whose declarations give the defaults below.
"""

from __future__ import annotations

import io
import pickle
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from . import schema

# ---------------------------------------------------------------------------------------------------------
# Text


class Message(str):
    """Words for staff: the English text, which it is, plus its template and values, so that it can be said
    in another language (``problems.say``). The English template is the key of its translation, as in gettext."""

    template: str
    values: dict[str, Any]

    def __new__(cls, template: str, **values: Any) -> Message:
        text = super().__new__(cls, template.format(**values))
        text.template, text.values = template, values
        return text

    def __getnewargs_ex__(self) -> tuple[tuple[str], dict[str, Any]]:
        """Made again from its template and values when unpickled (a worker sends its problems back)."""
        return (self.template,), dict(self.values)


class Text(str):
    """Words written in the site's default language, with their translations, if any, by language code.

    It is the default-language string everywhere a plain string is expected, so code that has
    one language in mind (the API, messages to staff) needs nothing special.
    """

    translations: Mapping[str, str]

    def __new__(cls, value: str, translations: Mapping[str, str] | None = None) -> Text:
        text = super().__new__(cls, value)
        text.translations = dict(translations or {})
        return text


class Html(Text):
    """Sanitized HTML and its translations, each safe to put on a page as it is."""


# ---------------------------------------------------------------------------------------------------------
# The configuration (status.yml)

ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*")  # component ids and incident slugs: a letter or digit first
GRACE = 0.25  # seconds an attempt may overrun its timeout while its watchdog's shutdown takes effect
RETRY_PAUSE = 0.5  # seconds between a quick failure and its retry


@dataclass(frozen=True)
class Bandwidth:
    """How a probe measures a link's throughput: a download, and an upload when ``upload_url`` is given."""

    url: str
    target_mbps: float
    upload_url: str | None = None
    every: int = schema.BANDWIDTH.default("every") * 60  # seconds between measurements
    seconds: float = schema.BANDWIDTH.default("seconds")  # a measurement's length at most, per direction
    megabytes: int = schema.BANDWIDTH.default("megabytes")  # data moved at most, per direction

    @property
    def worst_case(self) -> float:
        """Seconds a measurement can take at most: each direction to its limit, and the grace of each."""
        directions = 2 if self.upload_url else 1
        return (self.seconds + GRACE) * directions


@dataclass(frozen=True)
class Probe:
    """How ``generate.py probe`` checks a component."""

    url: str  # the first of ``targets`` when several are given
    method: str = schema.PROBE.default("method")
    expect_status: tuple[int, ...] = ()  # empty: any 2xx or 3xx after redirects
    keyword: str | None = None
    timeout: float = schema.PROBE.default("timeout")  # seconds, per attempt
    degraded_ms: int | None = None
    retries: int = schema.PROBE.default("retries")
    targets: tuple[str, ...] = ()  # several addresses: down only when every one fails; empty: ``url`` alone
    vantages: tuple[str, ...] = (schema.HOME_VANTAGE,)  # the places that probe it (``from``)
    bandwidth: Bandwidth | None = None

    @property
    def addresses(self) -> tuple[str, ...]:
        """Every address requested: the targets, else the url."""
        return self.targets or (self.url,)

    @property
    def worst_case(self) -> float:
        """Seconds this probe can take at most: every attempt to its timeout (and grace), with a pause
        before each retry (several targets are tried at once), then the bandwidth measurement."""
        attempts = (self.timeout + GRACE) * (self.retries + 1) + RETRY_PAUSE * self.retries
        return attempts + (self.bandwidth.worst_case if self.bandwidth else 0.0)


@dataclass(frozen=True)
class Component:
    """A service whose status the page reports."""

    id: str
    name: Text
    group: Text | None = None
    since: date | None = None
    description: Text | None = None
    url: str | None = None
    probe: Probe | None = None
    sla_target: float | None = None  # None: the site's
    # Only its probes vouch for it (an instance of a list, whose incidents nobody has kept): its history
    # starts at its first probe, and no incident record makes the years before look clean (build.resolve_start).
    probes_only: bool = False


@dataclass(frozen=True)
class Vantage:
    """A place probes run from. A public one votes on what the public sees; an inside one (in the organisation's
    own network) explains it: whether the application runs and whether the organisation's link is up."""

    id: str
    name: Text
    kind: str = schema.VANTAGE.default("kind")  # public | inside
    uplink: str | None = None  # inside: the component whose probe tells whether this place's link works
    source: str | None = None  # the repository a place on its own machine pushes to (see scripts/vantage/)

    @property
    def public(self) -> bool:
        return self.kind == "public"


HOME = Vantage(schema.HOME_VANTAGE, Text("GitHub"))  # the one place of a site that declares none


def place_folder(component_id: str, vantage_id: str) -> str:
    """The folder, under history/, of one component's samples from one vantage: the home vantage's are where
    they always were, each other's in a folder of its own beside them."""
    return component_id if vantage_id == schema.HOME_VANTAGE else f"{component_id}/@{vantage_id}"


@dataclass(frozen=True)
class Channel:
    """Where ``generate.py notify`` sends: an Apprise URL read from the environment variable ``url_env``, never
    from a file."""

    name: str
    url_env: str
    title: Text
    language: str
    send: tuple[str, ...] = schema.NOTIFY.default("send")  # of schema.KINDS_OF_NOTICE
    components: tuple[str, ...] = ()  # empty: every component
    remind_before: int = schema.NOTIFY.default("remind_before") * 60  # seconds; 0: no reminder
    join: Text | None = None  # how a reader joins; None: a channel not offered to readers
    join_url: str | None = None

    def wants(self, kind: str, components: tuple[str, ...]) -> bool:
        """True when this channel takes notices of ``kind`` about any of ``components``."""
        return kind in self.send and (not self.components or any(c in self.components for c in components))


@dataclass(frozen=True)
class Organization:
    """Who runs the service, as an outage record names them."""

    name: str
    address: str | None = None
    city: str | None = None


@dataclass(frozen=True)
class Signatory:
    """The officer who signs outage records; the name may be left for handwriting."""

    role: str = schema.SIGNATORY.default("role")
    name: str | None = None
    id_number: str | None = None  # NIP


@dataclass(frozen=True)
class Contact:
    """One place a reader can turn to for help; every part is optional."""

    name: Text | None = None
    email: str | None = None
    phone: str | None = None
    address: Text | None = None
    hours: Text | None = None
    url: str | None = None
    note: Text | None = None


@dataclass(frozen=True)
class Help:
    """The "need help?" section: the organisation's helpdesk, the Bidding Room, central LKPP help, the browser
    check."""

    helpdesk: Contact | None = None
    bidding_room: Contact | None = None
    lkpp: Contact | None = None
    check: tuple[str, ...] = ()  # components whose address the visitor's browser tries to reach


@dataclass(frozen=True)
class Config:
    """Everything ``status.yml`` says, with defaults filled in."""

    path: Path
    title: Text
    base_url: str  # absolute, always ending in "/"
    timezone: ZoneInfo
    # None: not written, the history starts at the first record; the build works that day out once
    # (build.resolve_start), and everything after it sees a date.
    history_start: date | None
    components: tuple[Component, ...]
    description: Text | None = None
    max_gap: int = schema.MAX_GAP * 60  # seconds a probe sample covers at most
    stale_after: int = schema.STALE_AFTER * 60  # seconds after which the newest sample no longer tells the status
    sla_target: float = schema.SITE.default("sla_target")  # percent
    organization: Organization | None = None
    signatory: Signatory = Signatory()
    languages: tuple[str, ...] = schema.SITE.default("languages")  # the first is the default, at the site's root
    help: Help = field(default_factory=Help)
    # The organisation in running text; left empty, it is organization.name, else the title.
    short_name: Text = field(default_factory=lambda: Text(""))
    vantages: tuple[Vantage, ...] = (HOME,)
    channels: tuple[Channel, ...] = ()  # notify:

    def __post_init__(self) -> None:
        if not self.short_name:
            named = self.organization.name if self.organization else self.title
            object.__setattr__(self, "short_name", named if isinstance(named, Text) else Text(named))

    @property
    def root(self) -> Path:
        """The folder of ``status.yml``; ``incidents/`` and ``history/`` sit here."""
        return self.path.parent

    @property
    def incidents_dir(self) -> Path:
        return self.root / "incidents"

    @property
    def history_dir(self) -> Path:
        return self.root / "history"

    @property
    def base_path(self) -> str:
        """The site's path on its host, e.g. ``/status/``."""
        return urlsplit(self.base_url).path

    @property
    def component_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.components)

    def vantage(self, vantage_id: str) -> Vantage:
        return next(v for v in self.vantages if v.id == vantage_id)

    def places(self, component: Component) -> tuple[Vantage, ...]:
        """The vantages that probe ``component``, in the order status.yml lists them."""
        listed = component.probe.vantages if component.probe else ()
        return tuple(v for v in self.vantages if v.id in listed)

    @property
    def history_folders(self) -> tuple[str, ...]:
        """Every folder of probe history a build reads, relative to history/ (see place_folder)."""
        found = list(self.component_ids)
        for component in self.components:
            found += self.folders(component)[1:]
        return tuple(found)

    def folders(self, component: Component) -> list[str]:
        """The folders of probe history of one component, relative to history/: its own, then each other place's
        that probes it (see place_folder)."""
        return [component.id] + [
            place_folder(component.id, v.id) for v in self.places(component) if v.id != schema.HOME_VANTAGE
        ]

    def target(self, component: Component) -> float:
        """The SLA target of a component: its own, else the site's."""
        return self.sla_target if component.sla_target is None else component.sla_target

    def first_day(self, component: Component) -> date:
        """A component's history starts at the later of ``history_start`` and its ``since``.

        Only once ``history_start`` is known: written, or worked out from the records (build.resolve_start).
        """
        if self.history_start is None:
            raise ValueError("history_start is not resolved yet: the build works it out from the records")
        return max(self.history_start, component.since or self.history_start)

    def earliest(self, component: Component) -> date | None:
        """The first day a record of ``component`` may lie on: its first day when ``history_start`` is written,
        else its ``since``; None: any day, since the history starts at the first record."""
        return component.since if self.history_start is None else self.first_day(component)


# ---------------------------------------------------------------------------------------------------------
# Incidents (incidents/<slug>.md)


@dataclass(frozen=True)
class Update:
    """One entry of an incident's timeline."""

    at: datetime
    status: str
    message: Text  # Markdown, with its translations


@dataclass(frozen=True)
class Incident:
    """An incident or a maintenance window, as written in ``incidents/<slug>.md``."""

    slug: str
    title: Text  # with its translations
    components: tuple[str, ...]
    severity: str
    cause: str
    started: datetime
    resolved: datetime | None  # None: still ongoing. For maintenance: the planned end.
    updates: tuple[Update, ...]  # newest first
    body: Text  # Markdown, with its translations
    false_alarm: bool = False  # voids probe failures of its components in [started, resolved)
    path: str = ""  # as shown in messages
    started_line: int = 1  # where 'started' is written, for messages

    @property
    def is_maintenance(self) -> bool:
        return self.severity == "maintenance"


# ---------------------------------------------------------------------------------------------------------
# Probe history (history/<component>/)


def stamp(moment: int) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ`` of seconds since the epoch: how a history line writes its time."""
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class ProbeSample(NamedTuple):
    """One check of one component. ``time`` is whole seconds since the epoch (UTC).

    A named tuple rather than a dataclass: a history holds hundreds of thousands of them.
    """

    time: int
    status: str
    http_status: int | None = None
    latency_ms: int | None = None
    error: str | None = None
    cert_days: int | None = None

    def csv_line(self) -> str:
        """The sample as one CSV line, empty fields left empty."""
        fields = [stamp(self.time), self.status, self.http_status, self.latency_ms, self.error, self.cert_days]
        return ",".join("" if f is None else str(f) for f in fields) + "\n"

    @property
    def month(self) -> str:
        """``YYYY-MM`` of the UTC time: the file the sample belongs in."""
        return datetime.fromtimestamp(self.time, UTC).strftime("%Y-%m")


class Run(NamedTuple):
    """Compacted samples: ``[start, end)`` covered by samples that all had ``status``."""

    start: int
    end: int
    status: str
    month: str = ""  # the raw file it came from, YYYY-MM

    def csv_line(self) -> str:
        return f"{self.month},{stamp(self.start)},{stamp(self.end)},{self.status}\n"


BANDWIDTH_ERRORS = ("timeout", "dns", "connection", "tls", "status", "short", "error")


class BandwidthSample(NamedTuple):
    """One throughput measurement of a link, in megabits per second; None: that direction was not measured
    or failed (``error`` says why)."""

    time: int
    download_mbps: float | None = None
    upload_mbps: float | None = None
    error: str | None = None

    def csv_line(self) -> str:
        fields = [stamp(self.time), _mbps(self.download_mbps), _mbps(self.upload_mbps), self.error]
        return ",".join("" if f is None else str(f) for f in fields) + "\n"

    @property
    def month(self) -> str:
        return datetime.fromtimestamp(self.time, UTC).strftime("%Y-%m")


def _mbps(value: float | None) -> str | None:
    return None if value is None else f"{value:.3f}"


@dataclass(frozen=True)
class ComponentHistory:
    """What the probes of one place recorded for one component: compacted runs, raw samples, and throughput
    measurements."""

    runs: tuple[Run, ...] = ()
    samples: tuple[ProbeSample, ...] = ()
    bandwidth: tuple[BandwidthSample, ...] = ()
    # The files its runs and samples were read from, as (name, SHA-256 of the bytes parsed), while they are
    # exactly what those files parse to (recorded.read_folder with a cache); empty once anything is taken out
    # or added. It keys what the figures keep between builds (figures.Before) without going over the samples.
    sources: tuple[tuple[str, bytes], ...] = field(default=(), compare=False)


def first_moment(histories: Iterable[ComponentHistory]) -> int | None:
    """The first moment (seconds) any of ``histories`` holds: a compacted run's start or a sample's time (each
    is sorted by time)."""
    times = [t for h in histories for t in [run.start for run in h.runs[:1]] + [s.time for s in h.samples[:1]]]
    return min(times, default=None)


def canonical(value: object) -> bytes:
    """``value`` pickled without the memo: the same values give the same bytes however their objects are shared.

    Pickle writes an object met twice as a reference to the first, so two equal values can pickle apart: a
    figure worked out afresh shares one date between two fields, the same figure kept from the last build has
    two. What keys a cache (figures.Before, render.Settled) must not tell them apart. Values with a cycle are
    refused (ValueError); those keys hold none.
    """
    stream = io.BytesIO()
    pickler = pickle.Pickler(stream, protocol=5)
    pickler.fast = True  # no memo: every object is written out where it is met
    pickler.dump(value)
    return stream.getvalue()
