"""Typed reading of YAML mappings, reporting every problem with its line and a fix.

Config and incident loading share these readers so that the same mistake
reads the same way wherever it is made.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime, tzinfo
from typing import Any
from urllib.parse import urlsplit

from . import times
from .i18n import Text
from .problems import Problems, did_you_mean, listing
from .yamlsrc import YamlList, YamlMap


class Fields:
    """Reads the keys of one mapping of one file, and records what is wrong."""

    def __init__(self, mapping: YamlMap, path: str, problems: Problems, where: str = ""):
        self.mapping = mapping
        self.path = path
        self.problems = problems
        self.where = where  # e.g. "update 2: " to say which item of a list

    def error(self, key: str | None, message: str) -> None:
        line = self.mapping.line_of(key) if key else self.mapping.line
        self.problems.error(self.path, line, self.where + message)

    def warn(self, key: str | None, message: str) -> None:
        line = self.mapping.line_of(key) if key else self.mapping.line
        self.problems.warning(self.path, line, self.where + message)

    def missing(self, key: str, example: str) -> None:
        self.error(None, f"missing required key '{key}': add a line like '{key}: {example}'")

    def unknown_keys(self, known: Iterable[str]) -> None:
        known = list(known)
        for key in self.mapping:
            if key not in known:
                self.warn(
                    key,
                    f"unknown key '{key}' is ignored (known: {listing(known)})." + did_you_mean(key, known),
                )

    def text(self, key: str, *, required: str | None = None) -> str | None:
        """A text value; ``required`` is an example value shown when it is missing."""
        if key not in self.mapping or self.mapping[key] is None:
            if required is not None:
                self.missing(key, required)
            return None
        value = self.mapping[key]
        if isinstance(value, (dict, list)):
            self.error(key, f"'{key}' must be text, not a {_kind(value)}")
            return None
        # Plain scalars keep their source text: "title: 2021" is the text "2021".
        text = self.mapping.text.get(key, str(value)).strip()
        if not text:
            if required is not None:
                self.error(key, f"'{key}' is empty: write a value after '{key}:'")
            return None
        return text

    def localized(self, key: str, languages: Sequence[str], *, required: str | None = None) -> Text | None:
        """Text in the default language, or a mapping of language codes to text: ``{id: ..., en: ...}``."""
        value = self.mapping.get(key)
        if not isinstance(value, YamlMap):
            text = self.text(key, required=required)
            return None if text is None else Text(text)
        entry = Fields(value, self.path, self.problems, where=f"{self.where}{key}: ")
        for code in value:
            if code not in languages:
                entry.error(
                    code,
                    f"'{code}' is not one of the site's languages ({listing(languages)}): "
                    "add it to 'languages' or remove it." + did_you_mean(str(code), languages),
                )
        default = entry.text(languages[0], required=required or "...")
        translations = {code: text for code in languages[1:] if (text := entry.text(code))}
        return None if default is None else Text(default, translations)

    def choice(
        self,
        key: str,
        choices: Iterable[str],
        *,
        default: str | None = None,
        required: bool = False,
        noun: str | None = None,
    ) -> str | None:
        choices = list(choices)
        if key not in self.mapping or self.mapping[key] is None:
            if required:
                self.missing(key, choices[0])
            return default
        value = self.text(key)
        if value is None:
            return default
        if value not in choices:
            noun = noun or key
            self.error(
                key,
                f"unknown {noun} '{value}' (valid: {listing(choices)})." + did_you_mean(value, choices),
            )
            return None
        return value

    def moment(self, key: str, tz: tzinfo, zone: str, *, required: bool = False) -> datetime | None:
        if key not in self.mapping or self.mapping[key] is None:
            if required:
                self.missing(key, "2021-09-19 18:33")
            return None
        raw = self.mapping.text.get(key, self.mapping[key])
        try:
            return times.parse_datetime(raw, tz)
        except ValueError as exc:
            detail = f" ({exc})" if str(exc) != str(raw).strip() else ""
            self.error(
                key,
                f"'{key}' is not a valid time: '{raw}'{detail}. Write 'YYYY-MM-DD HH:MM' in {zone}, "
                f"e.g. '2021-09-19 18:33', or add an offset: '2021-09-19T17:33+07:00'",
            )
            return None

    def day(self, key: str, *, default: date | None = None) -> date | None:
        if key not in self.mapping or self.mapping[key] is None:
            return default
        raw = self.mapping.text.get(key, self.mapping[key])
        try:
            return times.parse_date(raw)
        except ValueError as exc:
            detail = f" ({exc})" if str(exc) != str(raw).strip() else ""
            self.error(key, f"'{key}' is not a valid date: '{raw}'{detail}. Write 'YYYY-MM-DD', e.g. '2011-01-01'")
            return None

    def number(self, key: str, default: float | None, *, low: float, high: float, whole: bool = True) -> float | None:
        """A number in ``[low, high]``; ``whole`` asks for an integer."""
        if key not in self.mapping or self.mapping[key] is None:
            return default
        raw = self.mapping.text.get(key, str(self.mapping[key])).strip()
        try:
            value = float(raw)
        except ValueError:
            value = float("nan")
        kind = "a whole number" if whole else "a number"
        if value != value or not low <= value <= high or (whole and not value.is_integer()):
            self.error(key, f"'{key}' must be {kind} from {low:g} to {high:g}, not '{raw}'")
            return None
        return int(value) if whole else value

    def flag(self, key: str) -> bool:
        """A yes/no value; absent means no."""
        value = self.mapping.get(key)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.error(key, f"'{key}' must be true or false, not '{self.mapping.text.get(key, value)}'")
            return False
        return value

    def submapping(self, key: str) -> YamlMap | None:
        """A nested mapping such as ``organization:``; None when absent or not a mapping (then an error)."""
        value = self.mapping.get(key)
        if value is None:
            return None
        if not isinstance(value, YamlMap):
            self.error(key, f"'{key}' must be a mapping: write '{key}:' and its keys indented on the lines below")
            return None
        return value

    def items(self, key: str, *, required: str | None = None) -> YamlList | None:
        """A list value. A single scalar is accepted as a list of one."""
        if key not in self.mapping or self.mapping[key] is None:
            if required is not None:
                self.missing(key, required)
            return None
        value = self.mapping[key]
        if isinstance(value, YamlList):
            return value
        if isinstance(value, dict):
            self.error(key, f"'{key}' must be a list, not a mapping: write '{key}: [a, b]' or one '- item' per line")
            return None
        single = YamlList([value])
        single.line = single_line = self.mapping.line_of(key)
        single.item_lines = [single_line]
        single.text = {0: self.mapping.text[key]} if key in self.mapping.text else {}
        return single


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "mapping"
    if isinstance(value, list):
        return "list"
    return "a single value"


def web_address(url: str) -> str | None:
    """Why ``url`` is not an absolute http(s) address fit for a link, or None when it is."""
    if re.search(r"[\s\"'<>`\\]", url):
        return "it holds a space, quote or angle bracket: percent-encode it (a space is %20)"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError as exc:
        return f"it cannot be read ({exc})"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "it must start with https:// (or http://) and name a host"
    return None
