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
from pathlib import Path
from typing import Any

import yaml
from markupsafe import Markup, escape

from .times import zone_label

LOCALES = Path(__file__).resolve().parent.parent / "templates" / "locales"
PLURAL_FORMS = frozenset({"one", "other"})

Message = str | list[str] | dict[str, str]


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

    def __reduce__(self) -> tuple[Any, ...]:
        return (Text, (str(self), dict(self.translations)))


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


def available(folder: Path = LOCALES) -> list[str]:
    """The language codes that have a catalogue, sorted."""
    return sorted(path.stem for path in folder.glob("*.yml")) if folder.is_dir() else []


def load_catalogue(code: str, folder: Path = LOCALES) -> dict[str, Message]:
    """Read ``<folder>/<code>.yml`` into a flat mapping of dotted keys; raises CatalogueError."""
    path = folder / f"{code}.yml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        # Where the broken construct began (an unclosed list, say) is where to look; else where it was noticed.
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        reason = getattr(exc, "problem", None) or str(exc)
        raise CatalogueError(
            path, mark.line + 1 if mark else 1, f"cannot read the message catalogue: {reason}"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogueError(path, 1, f"cannot read the message catalogue: {exc}") from None
    if not isinstance(data, dict):
        raise CatalogueError(path, 1, "a message catalogue must be a mapping of keys to text")
    flat: dict[str, Message] = {}
    _flatten(data, "", flat, path)
    return flat


def catalogue_problems(codes: list[str], folder: Path = LOCALES) -> list[CatalogueError]:
    """What keeps these languages' catalogues from serving a build: unreadable files and keys one lacks."""
    problems: list[CatalogueError] = []
    catalogues: dict[str, dict[str, Message]] = {}
    for code in codes:
        try:
            catalogues[code] = load_catalogue(code, folder)
        except CatalogueError as exc:
            problems.append(exc)
    every = set().union(*catalogues.values()) if catalogues else set()
    for code, messages in catalogues.items():
        missing = sorted(every - set(messages))
        if missing:
            shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
            source = next(other for other in catalogues if missing[0] in catalogues[other])
            problems.append(
                CatalogueError(
                    folder / f"{code}.yml",
                    1,
                    f"missing messages: {shown}: copy them from {source}.yml and translate them",
                )
            )
    return problems


def _flatten(node: dict[Any, Any], prefix: str, into: dict[str, Message], path: Path) -> None:
    for key, value in node.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value and set(value) <= PLURAL_FORMS:
            into[name] = {form: str(text) for form, text in value.items()}
        elif isinstance(value, dict):
            _flatten(value, name + ".", into, path)
        elif isinstance(value, list):
            into[name] = [str(item) for item in value]
        elif isinstance(value, str):
            into[name] = value
        else:
            raise CatalogueError(path, 1, f"'{name}' must be text, a list or a one/other pair, not {value!r}")


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
        """``Minggu, 19 September 2021 pukul 18.33 WITA`` / ``Sunday, 19 September 2021 at 18:33 WITA``."""
        local = moment.astimezone(tz)
        return self.t(
            "format.datetime_long",
            date=self.long_date(local.date()),
            time=self.time_of_day(local),
            zone=zone_label(local),
        )

    def clock(self, moment: datetime, tz: tzinfo) -> str:
        """``18.33 WITA``."""
        local = moment.astimezone(tz)
        return self.t("format.clock", time=self.time_of_day(local), zone=zone_label(local))

    # Numbers and durations.

    def decimal(self, value: float, places: int) -> str:
        """``99,95`` / ``99.95``."""
        return f"{value:.{places}f}".replace(".", self.t("format.decimal_mark"))

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
        Language(code, load_catalogue(code, folder), "" if code == default else f"{code}/", default) for code in codes
    ]
