"""The languages of the site: message catalogues, translated text, and dates and numbers in each language's style.

Every word a reader sees comes from ``templates/locales/<code>.yml``. A catalogue maps dotted keys to
text with ``{name}`` placeholders, to a list (month and day names), or to a ``one``/``other`` pair for
words that change with a count in that language. Keys ending in ``_html`` hold trusted markup; the
values put into them are escaped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from functools import cached_property
from pathlib import Path
from string import Formatter

from markupsafe import Markup, escape

from .model import Html
from .times import zone_label
from .yamlsrc import YamlError, YamlList, YamlMap, parse

LOCALES = Path(__file__).resolve().parent.parent / "templates" / "locales"
PLURAL_FORMS = frozenset({"one", "other"})

Message = str | list[str] | dict[str, str]


def translated(value: str, code: str) -> tuple[str, bool]:
    """The text in language ``code`` and True, or the default-language text and False when none is written."""
    translations = getattr(value, "translations", {})
    if code in translations:
        return translations[code], True
    return str(value), False


class CatalogueError(Exception):
    """A catalogue file that cannot be used: where, and what is wrong."""

    def __init__(self, path: Path, line: int, message: str):
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.message = path, line, message


@dataclass(frozen=True)
class Catalogue:
    """One language's messages by dotted key, and the line each is written on."""

    path: Path
    messages: dict[str, Message]
    lines: dict[str, int]


def available(folder: Path = LOCALES) -> list[str]:
    """The language codes that have a catalogue, sorted."""
    return sorted(path.stem for path in folder.glob("*.yml")) if folder.is_dir() else []


_READ: dict[tuple[Path, int, int, int], Catalogue] = {}  # by path and the file's inode, size and time


def load_catalogue(code: str, folder: Path = LOCALES) -> Catalogue:
    """Read ``<folder>/<code>.yml``; raises CatalogueError naming the file and line.

    A build needs each catalogue twice (checked with the configuration, then for the pages): it is
    parsed once, and again only when the file changes (``serve`` rebuilds while it is edited).
    Callers must not change what they get.
    """
    path = folder / f"{code}.yml"
    try:
        info = path.stat()
    except OSError as exc:
        raise CatalogueError(path, 1, f"cannot read the message catalogue: {exc}") from None
    key = (path.resolve(), info.st_ino, info.st_size, info.st_mtime_ns)
    if key not in _READ:
        for older in [known for known in _READ if known[0] == key[0]]:
            del _READ[older]  # only a file's newest version is worth keeping
        _READ[key] = _read_catalogue(path)
    return _READ[key]


def _read_catalogue(path: Path) -> Catalogue:
    try:
        data = parse(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogueError(path, 1, f"cannot read the message catalogue: {exc}") from None
    except YamlError as exc:
        raise CatalogueError(path, exc.line, f"cannot read the message catalogue: {exc.message}") from None
    if not isinstance(data, YamlMap):
        raise CatalogueError(path, 1, "a message catalogue must be a mapping of keys to text")
    catalogue = Catalogue(path, {}, {})
    _flatten(data, "", catalogue)
    return catalogue


def _flatten(node: YamlMap, prefix: str, into: Catalogue) -> None:
    for key, value in node.items():
        name, line = f"{prefix}{key}", node.line_of(key)
        into.lines[name] = line
        if isinstance(value, YamlMap) and value and set(value) <= PLURAL_FORMS:
            into.messages[name] = {form: _text(value, form) for form in value}
        elif isinstance(value, YamlMap):
            _flatten(value, name + ".", into)
        elif isinstance(value, YamlList):
            into.messages[name] = [value.text.get(n, str(item)) for n, item in enumerate(value)]
        elif value is not None and not isinstance(value, (dict, list)):
            into.messages[name] = _text(node, key)
        else:
            raise CatalogueError(into.path, line, f"'{name}' must be text, a list or a one/other pair")


def _text(node: YamlMap, key: str) -> str:
    """A scalar as written: ``2021`` and ``yes`` stay text."""
    value = node[key]
    return value if isinstance(value, str) else node.text.get(key, str(value))


def placeholders(message: Message) -> set[str]:
    """The ``{names}`` a message fills in; for a one/other pair, those of both forms."""
    texts = message if isinstance(message, list) else list(message.values()) if isinstance(message, dict) else [message]
    return {name for text in texts for _, name, _, _ in Formatter().parse(text) if name}


def catalogue_problems(codes: list[str], folder: Path = LOCALES) -> list[CatalogueError]:
    """What keeps these languages' catalogues from serving a build, compared with the first (the default).

    Unreadable files; keys a language lacks or the default lacks; a placeholder the default does not
    fill (a typo such as ``{dayz}``); a list where the default has text, or one of another length.
    """
    problems: list[CatalogueError] = []
    catalogues: dict[str, Catalogue] = {}
    for code in codes:
        try:
            catalogues[code] = load_catalogue(code, folder)
        except CatalogueError as exc:
            problems.append(exc)
    if codes[0] not in catalogues:
        return problems
    reference = catalogues[codes[0]]
    for catalogue in list(catalogues.values())[1:]:
        missing = sorted(set(reference.messages) - set(catalogue.messages))
        if missing:
            shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
            problems.append(
                CatalogueError(catalogue.path, 1, f"missing messages: {shown}: copy them from {codes[0]}.yml")
            )
        for key, message in catalogue.messages.items():
            line = catalogue.lines[key]
            if key not in reference.messages:
                problems.append(CatalogueError(catalogue.path, line, f"'{key}' is not in {codes[0]}.yml: remove it"))
                continue
            original = reference.messages[key]
            if isinstance(message, list) != isinstance(original, list) or (
                isinstance(message, list) and len(message) != len(original)
            ):
                count = f"a list of {len(original)}" if isinstance(original, list) else "text"
                problems.append(CatalogueError(catalogue.path, line, f"'{key}' must be {count}, as in {codes[0]}.yml"))
                continue
            unknown = placeholders(message) - placeholders(original) - {"n"}
            if unknown:
                known = ", ".join(f"{{{name}}}" for name in sorted(placeholders(original))) or "none"
                problems.append(
                    CatalogueError(
                        catalogue.path,
                        line,
                        f"'{key}' uses {', '.join(f'{{{n}}}' for n in sorted(unknown))}, which is never filled "
                        f"(it may use: {known})",
                    )
                )
    return problems


@dataclass(frozen=True)
class Language:
    """One language of the site: its messages, where its pages live, and how it writes dates and numbers."""

    code: str
    messages: Mapping[str, Message]
    prefix: str  # "" for the default language, "en/" for the others
    default: str  # the code of the default language, the one incident text is written in

    def message(self, key: str) -> Message:
        try:
            return self.messages[key]
        except KeyError:
            raise KeyError(f"message '{key}' is missing from the '{self.code}' catalogue") from None

    def t(self, key: str, /, **values: object) -> str:
        """The message ``key`` with its ``{placeholders}`` filled; values are numbers or plain text."""
        message = self.message(key)
        if not isinstance(message, str):
            raise TypeError(f"message '{key}' is not plain text")
        return message.format_map(values) if values else message

    def html(self, key: str, /, **values: object) -> Markup:
        """A ``*_html`` message: trusted markup with the values escaped."""
        return Markup(self.t(key)).format(**{name: escape(value) for name, value in values.items()})

    def plural(self, key: str, count: int, /, **values: object) -> str:
        """The message for ``count`` things: ``{n}`` is the count."""
        message = self.message(key)
        if isinstance(message, dict):
            message = message["one" if count == 1 else "other"]
        if not isinstance(message, str):
            raise TypeError(f"message '{key}' is not text")
        return message.format_map({"n": count, **values})

    def names(self, key: str) -> list[str]:
        names = self.message(key)
        if not isinstance(names, list):
            raise TypeError(f"message '{key}' is not a list")
        return names

    # Text written in the default language, on this language's pages.

    def mark(self, value: str | None) -> Markup:
        """Text in this language; untranslated text in its own language, marked so for screen readers."""
        text, found = translated(value or "", self.code)
        if found or self.code == self.default or not text:
            return escape(text)
        return Markup('<span lang="{}">{}</span>').format(self.default, text)

    def mark_html(self, value: Html) -> Markup:
        """Sanitized HTML in this language, or in the default language inside a block marked with it."""
        if not isinstance(value, Html):
            raise TypeError("only sanitized HTML (i18n.Html) goes onto a page unescaped")
        html, found = translated(value, self.code)
        if found or self.code == self.default or not html:
            return Markup(html)
        return Markup('<div lang="{}">').format(self.default) + Markup(html) + Markup("</div>")

    # Dates and times, in the site's time zone, with the zone named.

    def long_date(self, day: date) -> str:
        """``Minggu, 19 September 2021`` / ``Sunday, 19 September 2021``."""
        return self.t(
            "format.date_long",
            weekday=self.names("names.weekdays")[day.weekday()],
            day=day.day,
            month=self.names("names.months")[day.month - 1],
            year=day.year,
        )

    def short_date(self, day: date) -> str:
        """``19 September 2021``."""
        return self.t("format.date_short", day=day.day, month=self.names("names.months")[day.month - 1], year=day.year)

    def month_year(self, year: int, month: int) -> str:
        """``September 2021``."""
        return self.t("format.month_year", month=self.names("names.months")[month - 1], year=year)

    def time_of_day(self, moment: datetime) -> str:
        """``18.33`` / ``18:33``."""
        return self.t("format.time", hour=f"{moment.hour:02d}", minute=f"{moment.minute:02d}")

    def long_datetime(self, moment: datetime, tz: tzinfo) -> str:
        """``Minggu, 19 September 2021 pukul 18.33 WIB`` / ``Sunday, 19 September 2021 at 18:33 WIB``."""
        local = moment.astimezone(tz)
        return self.t(
            "format.datetime_long",
            date=self.long_date(local.date()),
            time=self.time_of_day(local),
            zone=zone_label(local),
        )

    def clock(self, moment: datetime, tz: tzinfo) -> str:
        """``18.33 WIB``."""
        local = moment.astimezone(tz)
        return self.t("format.clock", time=self.time_of_day(local), zone=zone_label(local))

    # Numbers and durations.

    def decimal(self, value: float, places: int) -> str:
        """``99,95`` / ``99.95``. Each figure is written once a build (a nation's SLA tables write the same few
        figures, 100 and 0, tens of thousands of times)."""
        # -0.0 equals 0.0 and is written "-0": a zero is kept by its text. NaN equals nothing: not kept.
        key = (value if value else repr(value), places)
        written = self._decimals.get(key)
        if written is None:
            written = f"{value:.{places}f}".replace(".", self.t("format.decimal_mark"))
            if value == value:
                self._decimals[key] = written
        return written

    @cached_property
    def _decimals(self) -> dict[tuple[float | str, int], str]:
        return {}

    def percent(self, value: float | None, places: int = 2) -> str:
        """``99,95%``; ``–`` when there is no figure."""
        return "–" if value is None else self.decimal(value, places) + "%"

    def duration(self, seconds: float, exact: bool = False) -> str:
        """``14 jam 27 menit`` / ``14 hours 27 minutes``: two units at most, or to the minute when ``exact``."""
        minutes = int(seconds // 60)
        if minutes < 1:
            return self.t("duration.under_a_minute")
        days, rest = divmod(minutes, 24 * 60)
        hours, minutes = divmod(rest, 60)
        words = [
            self.plural(f"duration.{unit}", n) for n, unit in ((days, "day"), (hours, "hour"), (minutes, "minute")) if n
        ]
        return " ".join(words if exact else words[:2])


def languages(codes: list[str], folder: Path = LOCALES) -> list[Language]:
    """The site's languages, the default first; raises CatalogueError for a catalogue that cannot be read."""
    default = codes[0]
    return [
        Language(code, load_catalogue(code, folder).messages, "" if code == default else f"{code}/", default)
        for code in codes
    ]
