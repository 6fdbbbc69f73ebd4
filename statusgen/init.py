"""``generate.py init``: a new site, for any LPSE. It writes a commented ``status.yml`` and an empty
``incidents/`` folder (holding only ``.gitkeep``, which ``check`` passes over), and nothing else.

Every answer has a flag; what the flags leave out is asked on stdin, as ``new`` asks (``staff.Asker``).
Each answer is read by the same rules as ``check`` reads the file: a bad answer to a prompt is asked
again, bad flags are all reported at once. The file's comments are words for staff: ``Message``s,
said in ``--lang`` (Indonesian by default). The written file is read back as ``check`` reads it before
anything is written.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from . import i18n
from .build import shown_path
from .config import known_zones, load_config
from .contacts import read_help
from .fields import Fields, web_address
from .model import ID_PATTERN, Message
from .output import write_text
from .problems import InputError, Problems, did_you_mean
from .problems import say as say_message
from .schema import ORGANIZATION, SITE, Key
from .staff import Ask, Asker, StaffError
from .times import zone_label
from .yamlsrc import YamlError, YamlMap, parse

T = TypeVar("T")
EXIT_OK, EXIT_INVALID = 0, 1
KEEP = ".gitkeep"  # keeps the empty incidents/ folder in git; check passes over files starting with "."
# Indonesia's three zones, offered first; any IANA name is accepted, as check accepts it.
SUGGESTED_ZONES = ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura")
LANGUAGES: tuple[str, ...] = SITE.default("languages")  # the site's languages, as written in the file
# The site's title in each of its languages, from the organisation's name (page text, not staff words).
TITLES = {"id": "Status Layanan {name}", "en": "{name} Service Status"}
EXAMPLE_URL = "https://lpse-banjar.github.io/status/"  # an address as GitHub Pages gives one
INAPROC = "https://spse.inaproc.id/{code}/"  # an LPSE's SPSE on the national INAPROC domain
LKPP_NAME = {"id": "Call center LKPP", "en": "LKPP call centre"}
LKPP_PHONE = "144"
CONTACT_KEYS = ("email", "phone", "hours", "url")  # of the helpdesk, in the order asked and written
YES, NO = ("y", "yes", "ya"), ("n", "no", "t", "tidak")


def arguments(command: argparse.ArgumentParser) -> None:
    """The flags of ``init``: one for every question it asks."""
    command.add_argument("--name", help="the organisation's name, e.g. 'LPSE Kabupaten Banjar'")
    command.add_argument("--short-name", dest="short_name", help="its short name in running text, e.g. 'LPSE Banjar'")
    command.add_argument(
        "--base-url", dest="base_url", help="where the site is published, e.g. its GitHub Pages address"
    )
    command.add_argument(
        "--timezone", help="IANA time zone: Asia/Jakarta (WIB), Asia/Makassar (WITA), Asia/Jayapura (WIT)…"
    )
    command.add_argument(
        "--history-start", dest="history_start", help="first day of history, YYYY-MM-DD (default: today in the zone)"
    )
    command.add_argument("--helpdesk-email", dest="helpdesk_email", help="the helpdesk's e-mail address")
    command.add_argument("--helpdesk-phone", dest="helpdesk_phone", help="the helpdesk's phone number")
    command.add_argument("--helpdesk-hours", dest="helpdesk_hours", help="when the helpdesk is open")
    command.add_argument("--helpdesk-url", dest="helpdesk_url", help="the helpdesk's web address")
    command.add_argument(
        "--lkpp",
        action=argparse.BooleanOptionalAction,
        help="list the LKPP call centre (phone 144) under help (default: no, unless answered yes)",
    )
    command.add_argument(
        "--lpse-code", dest="lpse_code", help="the LPSE's code in https://spse.inaproc.id/<code>/: adds a probed SPSE"
    )
    command.add_argument("--keyword", help="text the SPSE page must hold for its probe to count it up")
    command.add_argument(
        "--component",
        nargs="+",
        action="append",
        metavar="ID [NAME [URL [probe|no-probe]]]",
        help="another service (repeat the flag for each); probed when it has a URL, unless no-probe",
    )
    command.add_argument("--force", action="store_true", help="replace an existing status.yml")


@dataclass(frozen=True)
class Service:
    """A component as ``init`` writes it."""

    id: str
    name: str
    url: str | None = None
    probe: bool = False
    keyword: str | None = None


@dataclass
class Answers:
    name: str = ""
    short_name: str = ""
    base_url: str = ""
    timezone: str = ""
    history_start: date | None = None
    helpdesk: dict[str, str] = field(default_factory=dict)
    lkpp: bool = False
    services: list[Service] = field(default_factory=list)


class Gathered:
    """The problems with the answers: with flags, every one is reported, not only the first."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def __call__(self, get: Callable[..., T], *args: Any) -> T | None:
        try:
            return get(*args)
        except StaffError as exc:
            self.problems.append(str(exc))
            return None


def init(args: argparse.Namespace, lang: i18n.Language, ask: Ask | None, clock: Callable[[tzinfo], datetime]) -> int:
    """Ask, write ``status.yml`` and ``incidents/``, and say what comes next; returns the exit status.
    ``clock`` gives the current time (``--now``, else the clock) for the default first day of history."""
    asker = Asker(lang, ask)
    config: Path = args.config
    incidents = config.parent / "incidents"
    try:
        _refuse_to_overwrite(asker, config, incidents, args.force)
        answers = ask_all(asker, vars(args), clock)
        text = status_yml(asker, answers)
        _check(text, config)
        try:
            write_text(config, text, new=not args.force)
        except FileExistsError:  # written meanwhile by someone else
            raise StaffError(asker.say(_exists(config))) from None
        if not (incidents / KEEP).exists():
            write_text(incidents / KEEP, "")
    except StaffError as exc:
        for line in str(exc).split("\n"):
            print(f"generate.py init: {line}", file=sys.stderr)
        return EXIT_INVALID
    except KeyboardInterrupt:  # Ctrl+C at a prompt: nothing was written
        print(file=sys.stderr)
        return 130
    except OSError as exc:
        where = shown_path(Path(exc.filename)) if exc.filename else shown_path(config)
        print(f"generate.py init: {where}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_INVALID
    written = Message("Written: {config} and {incidents}/", config=shown_path(config), incidents=shown_path(incidents))
    print(asker.say(written))
    print(asker.say(Message("Next: 'python3 generate.py check --strict', then 'python3 generate.py build'.")))
    return EXIT_OK


def _refuse_to_overwrite(asker: Asker, config: Path, incidents: Path, force: bool) -> None:
    """Before any question: an existing status.yml is kept (unless ``force``), and so is every incident."""
    found = []
    if (config.exists() or config.is_symlink()) and not force:
        found.append(asker.say(_exists(config)))
    if incidents.is_symlink() or (incidents.exists() and not incidents.is_dir()):
        found.append(asker.say(Message("{path} is not a folder: move it away first", path=shown_path(incidents))))
    elif incidents.is_dir() and any(entry.name != KEEP for entry in incidents.iterdir()) and not force:
        holds = Message(
            "{path} holds files already: this is not a new site (with --force, status.yml is written and "
            "they are kept)",
            path=shown_path(incidents),
        )
        found.append(asker.say(holds))
    if found:
        raise StaffError("\n".join(found))


def _exists(config: Path) -> Message:
    return Message("{path} exists already: not overwritten (--force replaces it)", path=shown_path(config))


# ---------------------------------------------------------------------------------------------------------
# The questions


def ask_all(asker: Asker, options: dict[str, Any], clock: Callable[[tzinfo], datetime]) -> Answers:
    """Every answer, from its flag or a prompt; raises StaffError with every problem of the flags."""
    say = asker.say
    asker.scripted(
        options.get("name"),
        options.get("short_name"),
        options.get("base_url"),
        options.get("timezone"),
        options.get("lpse_code") or options.get("component"),
    )
    if asker.ask is not None:
        print(say(Message("A new status page. Each question has a flag too; Enter takes the [default].")))
    gather = Gathered()
    answers = Answers()

    def line(key: Key) -> Callable[[str], str]:
        return lambda text: _as_check_reads(asker, key, text)

    prompt = say(Message("Name of the organisation (e.g. {example})", example="LPSE Kabupaten Banjar"))
    name = gather(asker.checked, options.get("name"), prompt, "--name", line(ORGANIZATION["name"]))
    answers.name = name or ""
    prompt = say(Message("Its short name in running text (e.g. {example})", example="LPSE Banjar"))
    short = gather(asker.checked, options.get("short_name"), prompt, "--short-name", line(SITE["short_name"]))
    answers.short_name = short or ""
    prompt = say(Message("Address where the site is published (e.g. {example})", example=EXAMPLE_URL))
    base_url = gather(asker.checked, options.get("base_url"), prompt, "--base-url", _base_url(asker))
    answers.base_url = base_url or ""

    if options.get("timezone") is None and asker.ask is not None:
        entries = [(zone, zone_label(clock(ZoneInfo(zone)).astimezone(ZoneInfo(zone)))) for zone in SUGGESTED_ZONES]
        print(asker.menu(say(Message("Time zone:")), entries), end="")
    prompt = say(Message("Choose a number, or write an IANA time zone name"))
    answers.timezone = gather(asker.checked, options.get("timezone"), prompt, "--timezone", _zone(asker)) or ""

    today = clock(ZoneInfo(answers.timezone or "UTC")).astimezone(ZoneInfo(answers.timezone or "UTC")).date()
    prompt = say(Message("First day of history (YYYY-MM-DD)"))
    first_day = options.get("history_start")
    answers.history_start = gather(
        asker.checked, first_day, prompt, "--history-start", line(SITE["history_start"]), today.isoformat()
    )

    if asker.ask is not None:
        print(say(Message('The helpdesk, shown under "Need help?" (Enter: leave it out):')))
    for key in CONTACT_KEYS:
        prompt = say(CONTACT_PROMPTS[key])
        flag = f"--helpdesk-{key}"
        value = gather(asker.checked, options.get(f"helpdesk_{key}"), prompt, flag, _contact(asker, key), "")
        if value:
            answers.helpdesk[key] = value

    lkpp = options.get("lkpp")
    if lkpp is None:
        prompt = say(Message("Add the LKPP call centre (phone {phone}) under help? (y/n)", phone=LKPP_PHONE))
        lkpp = gather(asker.checked, None, prompt, "--lkpp", _yes_or_no(asker), "n")
    answers.lkpp = bool(lkpp)

    answers.services = _services(asker, options, gather, answers.short_name)
    if not answers.services and not gather.problems:
        none = Message("name at least one service: --lpse-code CODE for SPSE on INAPROC, or --component ID NAME URL")
        gather.problems.append(say(none))
    if gather.problems:
        raise StaffError("\n".join(gather.problems))
    return answers


CONTACT_PROMPTS = {
    "email": Message("Helpdesk e-mail address"),
    "phone": Message("Helpdesk phone number"),
    "hours": Message("Helpdesk hours (e.g. Monday–Friday 08.00–16.00)"),
    "url": Message("Helpdesk web address"),
}


def _services(asker: Asker, options: dict[str, Any], gather: Gathered, short_name: str) -> list[Service]:
    """SPSE on INAPROC from the LPSE's code, then the services of ``--component`` or of the prompts."""
    say = asker.say
    services: list[Service] = []
    prompt = say(Message("The LPSE's code in {address} (Enter: none)", address=INAPROC.format(code="<code>")))
    code = gather(asker.checked, options.get("lpse_code"), prompt, "--lpse-code", _code(asker), "")
    if code:
        prompt = say(Message("Text the SPSE page must hold for its probe to count it up (Enter: none)"))
        keyword = gather(asker.checked, options.get("keyword"), prompt, "--keyword", _keyword(asker), "")
        address = INAPROC.format(code=code)
        services.append(Service("spse", f"SPSE {short_name}".strip(), address, True, keyword or None))
    flags: list[list[str]] | None = options.get("component")
    if flags:
        for words in flags:
            service = gather(_flagged, asker, words, services)
            if service is not None:
                services.append(service)
    elif asker.ask is not None:
        while True:
            prompt = say(Message("Another service: its id, a-z, 0-9 and '-' (Enter: no more)"))
            cid = asker.checked(None, prompt, "--component", _new_id(asker, services), "")
            if not cid:
                break
            name = asker.answer(None, say(Message("Its name on the page")), "--component", cid)
            prompt = say(Message("Its address (Enter: none)"))
            url = asker.checked(None, prompt, "--component", _url(asker), "") or None
            probe = False
            if url:
                prompt = say(Message("Check it automatically with a probe? (y/n)"))
                probe = asker.checked(None, prompt, "--component", _yes_or_no(asker), "y")
            services.append(Service(cid, name, url, probe))
    return services


def _flagged(asker: Asker, words: Sequence[str], taken: list[Service]) -> Service:
    """A service from ``--component ID [NAME [URL [probe|no-probe]]]``."""
    if len(words) > 4:
        shape = Message(
            "--component {words}: write ID [NAME [URL [probe|no-probe]]], with a name of several words in quotes",
            words=" ".join(words),
        )
        raise StaffError(asker.say(shape))
    cid = _new_id(asker, taken)(words[0])
    name = words[1].strip() if len(words) > 1 and words[1].strip() else cid
    url = _url(asker)(words[2]) if len(words) > 2 and words[2].strip() else None
    probe = bool(url)
    if len(words) > 3:
        choice = words[3].strip().lower()
        if choice not in ("probe", "no-probe"):
            raise StaffError(asker.say(Message("--component {cid}: write 'probe' or 'no-probe' last", cid=cid)))
        if choice == "probe" and not url:
            raise StaffError(asker.say(Message("--component {cid}: a probe needs the service's URL", cid=cid)))
        probe = choice == "probe"
    return Service(cid, name, url, probe)


# ---------------------------------------------------------------------------------------------------------
# Reading the answers, by the rules check reads status.yml by


def _as_check_reads(asker: Asker, key: Key, text: str) -> Any:
    """``text`` as ``check`` reads it as the value of ``key``: its problem said as check says it."""
    problems = Problems()
    data = _snippet(asker, f"{key.name}: {scalar(text)}\n")
    value = Fields(data, "", problems).read(key, LANGUAGES)
    _refuse(asker, problems)
    return value


def _snippet(asker: Asker, text: str) -> YamlMap:
    try:
        data = parse(text)
    except YamlError as exc:  # not expected: every answer is quoted where it needs to be
        raise StaffError(say_message(exc.message, asker.words)) from None
    assert isinstance(data, YamlMap)
    return data


def _refuse(asker: Asker, problems: Problems) -> None:
    """The first error ``check`` would report, as a staff error."""
    if problems.errors:
        raise StaffError(say_message(problems.errors[0].message, asker.words))


def _base_url(asker: Asker) -> Callable[[str], str]:
    def read(url: str) -> str:
        problem = web_address(url)
        if problem:
            wrong = Message(
                "base_url '{url}' is not an absolute web address: {problem}, e.g. 'https://example.github.io/status/'",
                url=url,
                problem=problem,
            )
            raise StaffError(asker.say(wrong))
        if "?" in url or "#" in url:
            raise StaffError(asker.say(Message("base_url must not have a '?query' or '#fragment': remove it")))
        if "//" in urlsplit(url).path:
            doubled = Message(
                "base_url '{url}' has '//' in its path: write one '/' between its parts, e.g. "
                "'https://example.github.io/status/'",
                url=url,
            )
            raise StaffError(asker.say(doubled))
        return url if url.endswith("/") else url + "/"

    return read


def _zone(asker: Asker) -> Callable[[str], str]:
    def read(text: str) -> str:
        if text.isdigit() and 1 <= int(text) <= len(SUGGESTED_ZONES):
            return SUGGESTED_ZONES[int(text) - 1]
        if text in known_zones():
            return text
        unknown = Message(
            "unknown time zone '{name}': use an IANA name such as {examples}.{hint}",
            name=text,
            examples=", ".join(SUGGESTED_ZONES),
            hint=did_you_mean(text, sorted(known_zones())),
        )
        raise StaffError(asker.say(unknown))

    return read


def _contact(asker: Asker, key: str) -> Callable[[str], str]:
    """A helpdesk answer, read as ``check`` reads ``help: helpdesk:``; empty: left out."""

    def read(text: str) -> str:
        if not text:
            return ""
        problems = Problems()
        data = _snippet(asker, f"help:\n  helpdesk:\n    {key}: {scalar(text)}\n")
        read_help(Fields(data, "", problems), LANGUAGES, {}, "")
        _refuse(asker, problems)
        return text

    return read


def _yes_or_no(asker: Asker) -> Callable[[str], bool]:
    def read(text: str) -> bool:
        word = text.strip().lower()
        if word in YES or word in NO:
            return word in YES
        raise StaffError(asker.say(Message("answer y (yes) or n (no), not '{value}'", value=text)))

    return read


def _code(asker: Asker) -> Callable[[str], str]:
    def read(text: str) -> str:
        code = text.strip().strip("/").lower()
        if code and not ID_PATTERN.fullmatch(code):
            wrong = Message(
                "the LPSE code '{code}' may only hold a-z, 0-9 and '-', as in {address}",
                code=text,
                address=INAPROC.format(code="banjarkab"),
            )
            raise StaffError(asker.say(wrong))
        return code

    return read


def _keyword(asker: Asker) -> Callable[[str], str]:
    def read(text: str) -> str:
        if not text:
            return ""
        problems = Problems()
        data = _snippet(asker, f"keyword: {scalar(text)}\n")
        Fields(data, "", problems).text("keyword")
        _refuse(asker, problems)
        return text

    return read


def _new_id(asker: Asker, taken: list[Service]) -> Callable[[str], str]:
    def read(cid: str) -> str:
        if not cid:
            return ""
        if not ID_PATTERN.fullmatch(cid):
            suggestion = re.sub(r"[^a-z0-9]+", "-", cid.lower()).strip("-") or "spse"
            wrong = Message(
                "component id '{cid}' may only hold a-z, 0-9 and '-': use '{suggestion}'",
                cid=cid,
                suggestion=suggestion,
            )
            raise StaffError(asker.say(wrong))
        if cid in (service.id for service in taken):
            raise StaffError(asker.say(Message("component id '{cid}' is taken already: choose another", cid=cid)))
        return cid

    return read


def _url(asker: Asker) -> Callable[[str], str]:
    def read(url: str) -> str:
        if url and (problem := web_address(url)):
            raise StaffError(
                asker.say(Message("url '{url}' is not a web address: {problem}", url=url, problem=problem))
            )
        return url

    return read


# ---------------------------------------------------------------------------------------------------------
# The file

_PLAIN = re.compile(r"[A-Za-z][\w .,/:;@()+'&=%~-]*", re.ASCII)
_WORDS = {"y", "yes", "n", "no", "true", "false", "on", "off", "null"}  # what YAML would read as not text


def scalar(text: str) -> str:
    """``text`` as a YAML value: plain where that reads back as the same text, else in double quotes."""
    plain = (
        _PLAIN.fullmatch(text)
        and ": " not in text
        and " #" not in text
        and not text.endswith(":")
        and text.lower() not in _WORDS
    )
    return text if plain else json.dumps(text, ensure_ascii=False)


def status_yml(asker: Asker, answers: Answers) -> str:
    """The text of the new status.yml: each key with a comment in the staff's language."""
    lines: list[str] = []

    def note(message: Message, indent: str = "") -> None:
        lines.append(f"{indent}# {asker.say(message)}")

    note(
        Message(
            "Status page of {name}, begun by 'generate.py init'. Every key: see the configuration reference.",
            name=answers.name,
        )
    )
    note(Message("The site's name, in each of its languages."))
    lines.append("title:")
    lines += [f"  {code}: {scalar(TITLES[code].format(name=answers.name))}" for code in LANGUAGES]
    note(Message("The organisation's short name, as running text names it."))
    lines.append(f"short_name: {scalar(answers.short_name)}")
    note(Message("Where the site is published: links and feeds are made from it."))
    lines.append(f"base_url: {scalar(answers.base_url)}")
    note(Message("The page's languages: the first is the default, at the site's root; the others get /<code>/."))
    lines.append(f"languages: [{', '.join(LANGUAGES)}]")
    note(Message("The IANA time zone of the days, and of every time shown or written without an offset."))
    lines.append(f"timezone: {answers.timezone}")
    note(Message("The first day of the uptime history; days before it are not shown."))
    lines.append(f"history_start: {answers.history_start}")
    note(Message("Where the probes run; without 'vantages:', GitHub's servers alone. See docs/vantages.md:"))
    lines += [
        "# vantages:",
        "#   - {id: github, name: GitHub, kind: public}",
        "#   - {id: kantor, name: Kantor, kind: inside}",
    ]
    note(Message("Where vendors hear of outages; each address is a repository secret. See docs/notifications.md:"))
    lines += [
        "# notify:",
        "#   - {name: telegram, url_env: NOTIFY_TELEGRAM, title: Telegram}",
        "#   - {name: surel, url_env: NOTIFY_EMAIL, send: [updates, maintenance]}",
    ]
    note(Message("Printed at the top of every outage record; 'address:' and 'city:' may be added."))
    lines += ["organization:", f"  name: {scalar(answers.name)}"]
    check = _checked(answers)
    if answers.helpdesk or answers.lkpp or check:
        note(Message('"Need help?" on the home page: list only contacts the organisation has confirmed.'))
        lines.append("help:")
        if answers.helpdesk:
            note(Message("Reporting a problem to the organisation itself."), "  ")
            lines.append("  helpdesk:")
            lines += [f"    {key}: {scalar(value)}" for key, value in answers.helpdesk.items()]
        if answers.lkpp:
            note(Message("Central help: the LKPP call centre."), "  ")
            lines += ["  lkpp:", "    name:"]
            lines += [f"      {code}: {scalar(LKPP_NAME[code])}" for code in LANGUAGES]
            lines.append(f"    phone: {scalar(LKPP_PHONE)}")
        if check:
            note(Message("The browser check: the visitor's browser tries these components' addresses."), "  ")
            lines.append(f"  check: [{', '.join(check)}]")
    note(Message("The services, in display order. Incident files name them by id: do not change an id once used."))
    lines.append("components:")
    explained = False  # the probe's comment, on the first probe only
    for service in answers.services:
        lines += [f"  - id: {service.id}", f"    name: {scalar(service.name)}"]
        if service.url:
            lines.append(f"    url: {scalar(service.url)}")
        if service.probe and service.url:
            if not explained:
                note(Message("How 'generate.py probe' checks it: the address it requests."), "    ")
                explained = True
            lines += ["    probe:", f"      url: {scalar(service.url)}"]
            if service.keyword:
                lines.append(f"      keyword: {scalar(service.keyword)}")
    return "\n".join(lines) + "\n"


def _checked(answers: Answers) -> list[str]:
    """The browser check's component: the first probed one a browser on the site may fetch as written."""
    for service in answers.services:
        url = service.url or ""
        fetchable = url.startswith("https://") or (url.startswith("http://") and answers.base_url.startswith("http:"))
        if service.probe and fetchable and urlsplit(url).username is None:
            return [service.id]
    return []


def _check(text: str, config: Path) -> None:
    """Read ``text`` back as ``check`` reads status.yml; its errors stop ``init`` before anything is written."""
    problems = Problems()
    with tempfile.TemporaryDirectory() as folder:
        trial = Path(folder) / "status.yml"
        write_text(trial, text)
        load_config(trial, problems, shown_path(config))
    if problems.errors:
        raise InputError(problems.items)
