"""The site configuration, ``status.yml``: reading and validating it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, available_timezones

from . import defaults, i18n
from .contacts import Help, read_help
from .fields import Fields, one_line, web_address
from .i18n import Text
from .problems import Message, Problems, did_you_mean
from .yamlsrc import YamlError, YamlMap, parse, read_text

PROBE_BUDGET = 300  # seconds a probe run may take at most (all targets failing): half the probe job's limit
PROBE_THREADS = 64  # components probed at once
GRACE = 0.25  # seconds an attempt may overrun its timeout while its watchdog's shutdown takes effect
RETRY_PAUSE = 0.5  # seconds between a quick failure and its retry
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*")  # component ids and incident slugs: a letter or digit first
DEFAULT_TIMEZONE = "Asia/Makassar"
DEFAULT_HISTORY_START = date(2011, 1, 1)

SITE_KEYS = (
    "title", "base_url", "description", "timezone", "history_start", "max_gap", "stale_after", "sla_target",
    "organization", "signatory", "languages", "help", "components",
)  # fmt: skip
COMPONENT_KEYS = ("id", "name", "group", "since", "description", "url", "probe", "sla_target")
ORGANIZATION_KEYS = ("name", "address", "city")
SIGNATORY_KEYS = ("name", "role", "id_number")
DEFAULT_LANGUAGES = ("id", "en")
DEFAULT_SLA_TARGET = 99.5
PROBE_KEYS = ("url", "method", "expect_status", "keyword", "timeout", "degraded_ms", "retries")
METHODS = ("GET", "HEAD", "POST")


@dataclass(frozen=True)
class Probe:
    """How ``generate.py probe`` checks a component."""

    url: str
    method: str = "GET"
    expect_status: tuple[int, ...] = ()  # empty: any 2xx or 3xx after redirects
    keyword: str | None = None
    timeout: float = 10.0  # seconds, per attempt
    degraded_ms: int | None = None
    retries: int = 1


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


@dataclass(frozen=True)
class Organization:
    """Who runs the service, as an outage record names them."""

    name: str
    address: str | None = None
    city: str | None = None


@dataclass(frozen=True)
class Signatory:
    """The officer who signs outage records; the name may be left for handwriting."""

    role: str = "Kepala LPSE"
    name: str | None = None
    id_number: str | None = None  # NIP


@dataclass(frozen=True)
class Config:
    """Everything ``status.yml`` says, with defaults filled in."""

    path: Path
    title: Text
    base_url: str  # absolute, always ending in "/"
    timezone: ZoneInfo
    history_start: date
    components: tuple[Component, ...]
    description: Text | None = None
    max_gap: int = defaults.MAX_GAP * 60  # seconds a probe sample covers at most
    stale_after: int = defaults.STALE_AFTER * 60  # seconds after which the newest sample no longer tells the status
    sla_target: float = DEFAULT_SLA_TARGET  # percent
    organization: Organization | None = None
    signatory: Signatory = Signatory()
    languages: tuple[str, ...] = DEFAULT_LANGUAGES  # the first is the default, at the site's root
    help: Help = field(default_factory=Help)

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

    def target(self, component: Component) -> float:
        """The SLA target of a component: its own, else the site's."""
        return self.sla_target if component.sla_target is None else component.sla_target

    def first_day(self, component: Component) -> date:
        """A component's history starts at the later of ``history_start`` and its ``since``."""
        return max(self.history_start, component.since or self.history_start)


def load_config(path: Path, problems: Problems, shown: str | None = None) -> Config | None:
    """Read and validate ``status.yml``. Returns None when it has errors (recorded in ``problems``)."""
    shown = shown or str(path)
    if not path.exists() and not path.is_symlink():
        problems.error(shown, 1, Message("configuration file not found: create it, or pass --config PATH"))
        return None
    text = read_text(path, shown, problems)
    if text is None:
        return None
    try:
        data = parse(text)
    except YamlError as exc:
        problems.error(shown, exc.line, exc.message)
        return None
    if not isinstance(data, YamlMap):
        problems.error(
            shown, 1, Message("the configuration must be a mapping of keys such as 'title:' and 'components:'")
        )
        return None

    before = len(problems.errors)
    fields = Fields(data, shown, problems)
    fields.unknown_keys(SITE_KEYS)
    languages = _languages(fields)
    title = one_line(
        fields,
        "title",
        fields.localized("title", languages, required="Status Layanan LPSE Provinsi Kalimantan Selatan"),
    )
    base_url = _base_url(fields)
    timezone = _timezone(fields)
    history_start = fields.day("history_start", default=DEFAULT_HISTORY_START)
    description = fields.localized("description", languages)
    max_gap = fields.number("max_gap", defaults.MAX_GAP, low=1, high=24 * 60)
    stale_after = fields.number("stale_after", defaults.STALE_AFTER, low=1, high=7 * 24 * 60)
    sla_target = fields.number("sla_target", DEFAULT_SLA_TARGET, low=0, high=100, whole=False)
    organization = _organization(fields, title or "")
    signatory = _signatory(fields)
    components = _components(fields, languages)
    _probe_run_length(fields, components)
    help = read_help(fields, languages, {c.id: c for c in components}, base_url or "")
    required = (title, base_url, timezone, history_start, max_gap, stale_after, sla_target)
    if len(problems.errors) > before or None in required:
        return None
    assert title and base_url and timezone and history_start and max_gap and stale_after and sla_target is not None
    return Config(
        path,
        title,
        base_url,
        timezone,
        history_start,
        components,
        description,
        max_gap=int(max_gap * 60),
        stale_after=int(stale_after * 60),
        sla_target=float(sla_target),
        organization=organization,
        signatory=signatory,
        languages=languages,
        help=help,
    )


def _languages(fields: Fields) -> tuple[str, ...]:
    """The site's languages, the default first; each needs a message catalogue."""
    known = i18n.available()
    items = fields.items("languages")
    if items is None:
        _catalogues(fields, list(DEFAULT_LANGUAGES))
        return DEFAULT_LANGUAGES
    codes: list[str] = []
    for index, value in enumerate(items):
        code = items.text.get(index, str(value)).strip()
        if code not in known:
            fields.problems.error(
                fields.path,
                items.line_of(index),
                Message(
                    "no message catalogue for language '{code}' (available: {known}): use one of them, or add "
                    "templates/locales/{code}.yml.{hint}",
                    code=code,
                    known=", ".join(known),
                    hint=did_you_mean(code, known),
                ),
            )
        elif code in codes:
            fields.problems.error(
                fields.path, items.line_of(index), Message("language '{code}' is listed twice: remove one", code=code)
            )
        else:
            codes.append(code)
    if not codes:
        if not fields.problems.errors:
            fields.error("languages", Message("'languages' is empty: list at least one, e.g. 'languages: [id, en]'"))
        return DEFAULT_LANGUAGES
    _catalogues(fields, codes)
    return tuple(codes)


def _catalogues(fields: Fields, codes: list[str]) -> None:
    """A build in these languages needs their catalogues readable and complete: say so now, not mid-build."""
    for problem in i18n.catalogue_problems(codes):
        fields.problems.error(str(problem.path), problem.line, problem.message)


def _organization(fields: Fields, title: str) -> Organization | None:
    data = fields.submapping("organization")
    if data is None:
        return None
    entry = fields.within(data, Message("organization: "))
    entry.unknown_keys(ORGANIZATION_KEYS)
    name, city = one_line(entry, "name", entry.text("name")), one_line(entry, "city", entry.text("city"))
    return Organization(name or title, entry.text("address"), city)


def _signatory(fields: Fields) -> Signatory:
    data = fields.submapping("signatory")
    if data is None:
        return Signatory()
    entry = fields.within(data, Message("signatory: "))
    entry.unknown_keys(SIGNATORY_KEYS)
    role, name, number = (one_line(entry, key, entry.text(key)) for key in ("role", "name", "id_number"))
    return Signatory(role or Signatory.role, name, number)


def _base_url(fields: Fields) -> str | None:
    url = fields.text("base_url", required="https://example.github.io/status/")
    if url is None:
        return None
    problem = web_address(url)
    if problem:
        fields.error(
            "base_url",
            Message(
                "base_url '{url}' is not an absolute web address: {problem}, e.g. 'https://example.github.io/status/'",
                url=url,
                problem=problem,
            ),
        )
        return None
    if "?" in url or "#" in url:  # even a bare "?" or "#", whose query or fragment is empty
        fields.error("base_url", Message("base_url must not have a '?query' or '#fragment': remove it"))
        return None
    if "//" in urlsplit(url).path:
        # Links are written from the path: one starting "//" would lead to the host named after it.
        fields.error(
            "base_url",
            Message(
                "base_url '{url}' has '//' in its path: write one '/' between its parts, e.g. "
                "'https://example.github.io/status/'",
                url=url,
            ),
        )
        return None
    return url if url.endswith("/") else url + "/"


def _timezone(fields: Fields) -> ZoneInfo | None:
    if "timezone" not in fields.mapping or fields.mapping["timezone"] is None:
        return ZoneInfo(DEFAULT_TIMEZONE)
    name = fields.text("timezone") or ""
    # Only names from the tz database: 'localtime' and the like would differ from machine to machine.
    zones = available_timezones() - {"localtime", "Factory", "posixrules"}
    if name in zones:
        return ZoneInfo(name)
    hint = did_you_mean(name, sorted(zones)) or Message(" Did you mean '{close}'?", close=DEFAULT_TIMEZONE)
    fields.error(
        "timezone",
        Message(
            "unknown time zone '{name}': use an IANA name such as 'Asia/Makassar' (WITA).{hint}", name=name, hint=hint
        ),
    )
    return None


def worst_case(probe: Probe | None) -> float:
    """Seconds one component's probe can take at most: every attempt to its timeout (and grace),
    with a pause before each retry."""
    if probe is None:
        return 0.0
    return (probe.timeout + GRACE) * (probe.retries + 1) + RETRY_PAUSE * probe.retries


def _probe_run_length(fields: Fields, components: Sequence[Component]) -> None:
    """Refuse probes that, all failing at once, would keep one run waiting past PROBE_BUDGET.

    PROBE_THREADS components are probed at a time, the longest first (see probe.probe_all), so the
    run takes at most as many rounds as that makes, each as long as the probe that starts it.
    """
    budgets = sorted((worst_case(c.probe) for c in components if c.probe is not None), reverse=True)
    total = sum(budgets[index] for index in range(0, len(budgets), PROBE_THREADS))
    if total > PROBE_BUDGET:
        fields.error(
            "components",
            Message(
                "{n} probes that all fail could keep the probe run waiting {total} s, {threads} at a time; "
                "keep it within {budget} s: shorter timeouts or fewer retries",
                n=len(budgets),
                total=f"{total:g}",
                threads=PROBE_THREADS,
                budget=PROBE_BUDGET,
            ),
        )


def _components(fields: Fields, languages: tuple[str, ...]) -> tuple[Component, ...]:
    items = fields.items("components", required="[{id: spse, name: SPSE Kalsel}]")
    if items is None:
        return ()
    if not items:
        fields.error("components", Message("'components' is empty: list at least one service, e.g. '- id: spse'"))
        return ()
    components: list[Component] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        line = items.line_of(index)
        if not isinstance(item, YamlMap):
            fields.problems.error(
                fields.path, line, Message("each component must be a mapping with at least 'id:' and 'name:'")
            )
            continue
        entry = fields.within(item, Message("component {n}: ", n=index + 1))
        entry.unknown_keys(COMPONENT_KEYS)
        cid = entry.text("id", required="spse")
        if cid is None:
            continue
        if not ID_PATTERN.fullmatch(cid):
            suggestion = re.sub(r"[^a-z0-9]+", "-", cid.lower()).strip("-") or "spse"
            entry.error(
                "id",
                Message(
                    "component id '{cid}' may only hold a-z, 0-9 and '-': use '{suggestion}'",
                    cid=cid,
                    suggestion=suggestion,
                ),
            )
            continue
        if cid in seen:
            entry.error(
                "id",
                Message(
                    "duplicate component id '{cid}' (first on line {first}): ids must be unique",
                    cid=cid,
                    first=seen[cid],
                ),
            )
            continue
        seen[cid] = item.line_of("id")
        url = entry.text("url")
        if url is not None and (problem := web_address(url)):
            entry.error("url", Message("url '{url}' is not a web address: {problem}", url=url, problem=problem))
            url = None
        components.append(
            Component(
                id=cid,
                name=one_line(entry, "name", entry.localized("name", languages)) or Text(cid),
                group=one_line(entry, "group", entry.localized("group", languages)),
                since=entry.day("since"),
                description=entry.localized("description", languages),
                url=url,
                probe=_probe(entry, index),
                sla_target=entry.number("sla_target", None, low=0, high=100, whole=False),
            )
        )
    return tuple(components)


def _probe(component: Fields, index: int) -> Probe | None:
    if component.mapping.get("probe") is None:
        return None
    data = component.mapping["probe"]
    if not isinstance(data, YamlMap):
        component.error("probe", Message("'probe' must be a mapping with at least 'url:'"))
        return None
    fields = Fields(data, component.path, component.problems, where=Message("component {n} probe: ", n=index + 1))
    fields.unknown_keys(PROBE_KEYS)
    before = len(fields.problems.errors)
    url = fields.text("url", required="https://lpse.kalselprov.go.id/eproc4")
    if url is not None and (problem := web_address(url)):
        fields.error("url", Message("url '{url}' is not a web address: {problem}", url=url, problem=problem))
    method = (fields.text("method") or "GET").upper()
    if method not in METHODS:
        fields.error(
            "method",
            Message(
                "unknown method '{method}' (valid: {valid}).{hint}",
                method=method,
                valid=", ".join(METHODS),
                hint=did_you_mean(method, METHODS),
            ),
        )
    expect = _status_codes(fields)
    keyword = fields.text("keyword")
    timeout = fields.number("timeout", 10, low=0.1, high=120, whole=False)
    degraded_ms = fields.number("degraded_ms", None, low=1, high=600_000)
    retries = fields.number("retries", 1, low=0, high=5)
    if len(fields.problems.errors) > before or url is None or timeout is None or retries is None:
        return None
    longest = (timeout + GRACE) * (retries + 1) + RETRY_PAUSE * retries  # worst_case of this probe
    if longest > PROBE_BUDGET:
        # The scheduled probe job stops after 10 minutes, and a stopped run records no sample for any component.
        fields.error(
            "timeout",
            Message(
                "a target that never answers would keep the probe run waiting {total} s "
                "(timeout {timeout} s × {attempts} attempts); keep timeout × (retries + 1) within {budget} s",
                total=f"{longest:g}",
                timeout=f"{timeout:g}",
                attempts=int(retries) + 1,
                budget=PROBE_BUDGET,
            ),
        )
        return None
    return Probe(
        url, method, expect, keyword, float(timeout), None if degraded_ms is None else int(degraded_ms), int(retries)
    )


def _status_codes(fields: Fields) -> tuple[int, ...]:
    items = fields.items("expect_status")
    if items is None:
        return ()
    codes = []
    for index, value in enumerate(items):
        text = items.text.get(index, str(value)).strip()
        if not (text.isdigit() and 100 <= int(text) <= 599):
            fields.problems.error(
                fields.path,
                items.line_of(index),
                Message(
                    "{where}expect_status holds '{text}', not an HTTP status code from 100 to 599: write e.g. "
                    "'expect_status: [200]'",
                    where=fields.where,
                    text=text,
                ),
            )
            continue
        codes.append(int(text))
    return tuple(codes)
