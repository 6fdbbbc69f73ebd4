"""The site configuration, ``status.yml``: reading and validating it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, available_timezones

from . import i18n, schema
from .channels import read_channels
from .contacts import read_help
from .fields import Fields, web_address
from .instances import read_instances, shard_of, shards
from .model import ID_PATTERN, Component, Config, Message, Organization, Probe, Signatory, Text, Vantage
from .problems import Problems, did_you_mean
from .schema import COMPONENT, ORGANIZATION, PROBE, SIGNATORY, SITE
from .vantages import check_uplinks, read_bandwidth, read_from, read_targets, read_vantages
from .yamlsrc import YamlError, YamlMap, parse, read_text

PROBE_BUDGET = 300  # seconds a probe run may take at most (all targets failing): half the probe job's limit
PROBE_THREADS = 64  # components probed at once
METHODS = ("GET", "HEAD", "POST")


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
    fields.unknown_keys(SITE.names)
    languages = _languages(fields)
    title = fields.read(SITE["title"], languages)
    short_name = fields.read(SITE["short_name"], languages)
    base_url = _base_url(fields)
    timezone = _timezone(fields)
    history_start = fields.read(SITE["history_start"])
    description = fields.read(SITE["description"], languages)
    max_gap = fields.read(SITE["max_gap"])
    stale_after = fields.read(SITE["stale_after"])
    sla_target = fields.read(SITE["sla_target"])
    organization = _organization(fields, title or "")
    signatory = _signatory(fields)
    vantages = read_vantages(fields, languages)
    components = _components(fields, languages, vantages)
    components += read_instances(fields, path.parent, languages, vantages, components, shown)
    check_uplinks(fields, vantages, components)
    _probe_run_length(fields, components)
    help = read_help(fields, languages, {c.id: c for c in components}, base_url or "")
    channels = read_channels(fields, languages, components)
    required = (title, base_url, timezone, max_gap, stale_after, sla_target)  # history_start None: from the records
    if len(problems.errors) > before or None in required:
        return None
    assert title and base_url and timezone and max_gap and stale_after and sla_target is not None
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
        short_name=short_name or Text(""),  # empty: the organisation's name, else the title (model.Config)
        vantages=vantages,
        channels=channels,
    )


def _languages(fields: Fields) -> tuple[str, ...]:
    """The site's languages, the default first; each needs a message catalogue."""
    known = i18n.available()
    default: tuple[str, ...] = SITE.default("languages")
    items = fields.items("languages")
    if items is None:
        _catalogues(fields, list(default))
        return default
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
        return default
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
    entry.unknown_keys(ORGANIZATION.names)
    name, address, city = (entry.read(key) for key in ORGANIZATION.keys)
    return Organization(name or title, address, city)


def _signatory(fields: Fields) -> Signatory:
    data = fields.submapping("signatory")
    if data is None:
        return Signatory()
    entry = fields.within(data, Message("signatory: "))
    entry.unknown_keys(SIGNATORY.names)
    role, name, number = (entry.read(key) for key in SIGNATORY.keys)
    return Signatory(role or Signatory.role, name, number)


def _base_url(fields: Fields) -> str | None:
    url: str | None = fields.read(SITE["base_url"])
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


@cache
def known_zones() -> frozenset[str]:
    """The IANA names a site may use: the tz database's, without 'localtime' and the like, which would differ
    from machine to machine. Scanning the database takes a while: only when asked."""
    return frozenset(available_timezones() - {"localtime", "Factory", "posixrules"})


def _timezone(fields: Fields) -> ZoneInfo | None:
    if "timezone" not in fields.mapping or fields.mapping["timezone"] is None:
        return ZoneInfo(SITE.default("timezone"))
    name = fields.text("timezone") or ""
    # Only names from the tz database: 'localtime' and the like would differ from machine to machine.
    zones = known_zones()
    if name in zones:
        return ZoneInfo(name)
    hint = did_you_mean(name, sorted(zones)) or Message(" Did you mean '{close}'?", close=SITE.default("timezone"))
    fields.error(
        "timezone",
        Message(
            "unknown time zone '{name}': use an IANA name such as 'Asia/Jakarta' (WIB).{hint}", name=name, hint=hint
        ),
    )
    return None


def _probe_run_length(fields: Fields, components: Sequence[Component]) -> None:
    """Refuse probes that, all failing at once, would keep one run waiting past PROBE_BUDGET.

    PROBE_THREADS components are probed at a time, the longest first (see probe.probe_all), so the
    run takes at most as many rounds as that makes, each as long as the probe that starts it. Each
    place runs only its own probes; the hosted place's are shared out among the shards of the probe
    workflow (instances.shards), each a run of its own.
    """
    places = sorted({v for c in components if c.probe is not None for v in c.probe.vantages})
    for place in places:
        mine = [c for c in components if c.probe is not None and place in c.probe.vantages]
        count = probe_shards(components) if place == schema.HOME_VANTAGE else 1
        for shard in range(1, count + 1):
            runs = [c for c in mine if count == 1 or shard_of(c.id, count) == shard]
            budgets = sorted((c.probe.worst_case for c in runs if c.probe is not None), reverse=True)
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
                return


def probe_shards(components: Sequence[Component]) -> int:
    """How many shards the probe workflow runs: by the number of components the hosted place probes."""
    return shards(sum(1 for c in components if c.probe is not None and schema.HOME_VANTAGE in c.probe.vantages))


def _components(fields: Fields, languages: tuple[str, ...], vantages: Sequence[Vantage]) -> tuple[Component, ...]:
    items = fields.items("components", required=SITE["components"].required)
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
        entry.unknown_keys(COMPONENT.names)
        cid = entry.read(COMPONENT["id"])
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
        url = entry.read(COMPONENT["url"])
        if url is not None and (problem := web_address(url)):
            entry.error("url", Message("url '{url}' is not a web address: {problem}", url=url, problem=problem))
            url = None
        components.append(
            Component(
                id=cid,
                name=entry.read(COMPONENT["name"], languages) or Text(cid),
                group=entry.read(COMPONENT["group"], languages),
                since=entry.read(COMPONENT["since"]),
                description=entry.read(COMPONENT["description"], languages),
                url=url,
                probe=_probe(entry, index, vantages),
                sla_target=entry.read(COMPONENT["sla_target"]),
            )
        )
    return tuple(components)


def _probe(component: Fields, index: int, vantages: Sequence[Vantage]) -> Probe | None:
    if component.mapping.get("probe") is None:
        return None
    data = component.mapping["probe"]
    if not isinstance(data, YamlMap):
        component.error("probe", Message("'probe' must be a mapping with at least 'url:'"))
        return None
    fields = Fields(data, component.path, component.problems, where=Message("component {n} probe: ", n=index + 1))
    fields.unknown_keys(PROBE.names)
    before = len(fields.problems.errors)
    targets = read_targets(fields)
    if targets and "url" in data:
        fields.error("targets", Message("write 'url:' or 'targets:', not both: 'targets' lists every address"))
    url = targets[0] if targets else fields.read(PROBE["url"])
    if url is not None and not targets and (problem := web_address(url)):
        fields.error("url", Message("url '{url}' is not a web address: {problem}", url=url, problem=problem))
    method = (fields.read(PROBE["method"]) or PROBE.default("method")).upper()
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
    keyword = fields.read(PROBE["keyword"])
    timeout, degraded_ms, retries = (fields.read(PROBE[key]) for key in ("timeout", "degraded_ms", "retries"))
    places = read_from(fields, vantages)
    bandwidth = read_bandwidth(fields)
    if len(fields.problems.errors) > before or url is None or timeout is None or retries is None:
        return None
    probe = Probe(url, method, expect, keyword, float(timeout), degraded_ms, retries, targets, places, bandwidth)
    if probe.worst_case > PROBE_BUDGET:
        # The scheduled probe job stops after 10 minutes, and a stopped run records no sample for any component.
        fields.error(
            "timeout",
            Message(
                "a target that never answers would keep the probe run waiting {total} s "
                "(timeout {timeout} s × {attempts} attempts); keep timeout × (retries + 1) within {budget} s",
                total=f"{probe.worst_case:g}",
                timeout=f"{timeout:g}",
                attempts=retries + 1,
                budget=PROBE_BUDGET,
            ),
        )
        return None
    return probe


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
