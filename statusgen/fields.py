"""Typed reading of YAML mappings, reporting every problem with its line and a fix.

Config and incident loading share these readers so that the same mistake
reads the same way wherever it is made.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime, tzinfo
from typing import Any, TypeVar
from urllib.parse import urlsplit

from . import times
from .model import Message, Text
from .problems import Problems, closest, did_you_mean, listing
from .schema import Key
from .yamlsrc import YamlList, YamlMap


class Fields:
    """Reads the keys of one mapping of one file, and records what is wrong."""

    def __init__(self, mapping: YamlMap, path: str, problems: Problems, where: str = ""):
        self.mapping = mapping
        self.path = path
        self.problems = problems
        self.where = where  # e.g. "update 2: " to say which item of a list

    def within(self, mapping: YamlMap, where: str) -> Fields:
        """The fields of a nested mapping; messages start with this one's place, then ``where``."""
        return Fields(mapping, self.path, self.problems, Message("{outer}{inner}", outer=self.where, inner=where))

    def _placed(self, message: str) -> str:
        return Message("{where}{message}", where=self.where, message=message) if self.where else message

    def error(self, key: str | None, message: str) -> None:
        line = self.mapping.line_of(key) if key else self.mapping.line
        self.problems.error(self.path, line, self._placed(message))

    def warn(self, key: str | None, message: str) -> None:
        line = self.mapping.line_of(key) if key else self.mapping.line
        self.problems.warning(self.path, line, self._placed(message))

    def missing(self, key: str, example: str) -> None:
        self.error(
            None, Message("missing required key '{key}': add a line like '{key}: {example}'", key=key, example=example)
        )

    def unknown_keys(self, known: Iterable[str]) -> None:
        known = list(known)
        for key in self.mapping:
            if key not in known:
                self.warn(
                    key,
                    Message(
                        "unknown key '{key}' is ignored (known: {known}).{hint}",
                        key=key,
                        known=listing(known),
                        hint=did_you_mean(key, known),
                    ),
                )

    def read(self, key: Key, languages: Sequence[str] = ()) -> Any:
        """The value of a plain key, read as ``schema`` declares it: by its kind, within its bounds, else its
        default."""
        if key.kind == "number":
            assert key.low is not None and key.high is not None
            return self.number(key.name, key.default, low=key.low, high=key.high, whole=key.whole)
        if key.kind == "day":
            return self.day(key.name, default=key.default)
        if key.kind in ("text", "line"):
            value: str | None = self.text(key.name, required=key.required)
        elif key.kind in ("localized", "localized_line"):
            value = self.localized(key.name, languages, required=key.required)
        else:
            raise ValueError(f"'{key.name}' is a {key.kind}, which has a reader of its own")
        return one_line(self, key.name, value) if key.kind.endswith("line") else value

    def text(self, key: str, *, required: str | None = None) -> str | None:
        """A text value; ``required`` is an example value shown when it is missing."""
        if key not in self.mapping or self.mapping[key] is None:
            if required is not None:
                self.missing(key, required)
            return None
        value = self.mapping[key]
        if isinstance(value, (dict, list)):
            self.error(key, Message("'{key}' must be text, not a {kind}", key=key, kind=_kind(value)))
            return None
        # Plain scalars keep their source text: "title: 2021" is the text "2021".
        text = self.mapping.text.get(key, str(value)).strip()
        if not text:
            if required is not None:
                self.error(key, Message("'{key}' is empty: write a value after '{key}:'", key=key))
            return None
        problem = hidden_character(text)
        if problem is not None:
            self.error(key, Message("'{key}' {problem}", key=key, problem=problem))
            return None
        return text

    def localized(self, key: str, languages: Sequence[str], *, required: str | None = None) -> Text | None:
        """Text in the default language, or a mapping of language codes to text: ``{id: ..., en: ...}``."""
        value = self.mapping.get(key)
        if not isinstance(value, YamlMap):
            text = self.text(key, required=required)
            return None if text is None else Text(text)
        entry = self.within(value, Message("{key}: ", key=key))
        for code in value:
            if code not in languages:
                entry.error(
                    code,
                    Message(
                        "'{code}' is not one of the site's languages ({languages}): add it to 'languages' or "
                        "remove it.{hint}",
                        code=code,
                        languages=listing(languages),
                        hint=did_you_mean(str(code), languages),
                    ),
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
        labels: Callable[[], Mapping[str, Sequence[str]]] | None = None,
    ) -> str | None:
        """One of ``choices``. ``labels`` gives, only when the value is wrong, what the pages call each choice,
        so that a word staff read there ('Dijadwalkan') is answered with its value ('scheduled')."""
        choices = list(choices)
        if key not in self.mapping or self.mapping[key] is None:
            if required:
                self.missing(key, choices[0])
            return default
        value = self.text(key)
        if value is None:
            return default
        if value not in choices:
            self.error(
                key,
                Message(
                    "unknown {noun} '{value}' (valid: {valid}).{hint}",
                    noun=noun or key,
                    value=value,
                    valid=listing(choices),
                    hint=_meant(value, choices, labels() if labels else {}),
                ),
            )
            return None
        return value

    def moment(self, key: str, tz: tzinfo, zone: str, *, required: bool = False) -> datetime | None:
        if key not in self.mapping or self.mapping[key] is None:
            if required:
                self.missing(key, "2021-09-19 18:33")
            return None
        raw = self.mapping.text.get(key, self.mapping[key])
        if isinstance(raw, (dict, list)):
            self.error(key, Message("'{key}' must be a time, not a {kind}", key=key, kind=_kind(raw)))
            return None
        try:
            return times.parse_datetime(raw, tz)
        except ValueError as exc:
            reason = exc.args[0] if exc.args and isinstance(exc.args[0], Message) else str(exc)
            detail = Message(" ({reason})", reason=reason) if str(exc) != str(raw).strip() else ""
            self.error(
                key,
                Message(
                    "'{key}' is not a valid time: '{raw}'{detail}. Write 'YYYY-MM-DD HH:MM' in {zone}, "
                    "e.g. '2021-09-19 18:33', or add an offset: '2021-09-19T17:33+07:00'",
                    key=key,
                    raw=raw,
                    detail=detail,
                    zone=zone,
                ),
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
            self.error(
                key,
                Message(
                    "'{key}' is not a valid date: '{raw}'{detail}. Write 'YYYY-MM-DD', e.g. '2011-01-01'",
                    key=key,
                    raw=raw,
                    detail=detail,
                ),
            )
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
        kind = Message("a whole number") if whole else Message("a number")
        if value != value or not low <= value <= high or (whole and not value.is_integer()):
            self.error(
                key,
                Message(
                    "'{key}' must be {kind} from {low:g} to {high:g}, not '{raw}'",
                    key=key,
                    kind=kind,
                    low=low,
                    high=high,
                    raw=raw,
                ),
            )
            return None
        return int(value) if whole else value

    def flag(self, key: str) -> bool:
        """A yes/no value; absent means no."""
        value = self.mapping.get(key)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.error(
                key,
                Message(
                    "'{key}' must be true or false, not '{value}'", key=key, value=self.mapping.text.get(key, value)
                ),
            )
            return False
        return value

    def submapping(self, key: str) -> YamlMap | None:
        """A nested mapping such as ``organization:``; None when absent or not a mapping (then an error)."""
        value = self.mapping.get(key)
        if value is None:
            return None
        if not isinstance(value, YamlMap):
            self.error(
                key,
                Message("'{key}' must be a mapping: write '{key}:' and its keys indented on the lines below", key=key),
            )
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
            self.error(
                key,
                Message(
                    "'{key}' must be a list, not a mapping: write '{key}: [a, b]' or one '- item' per line", key=key
                ),
            )
            return None
        single = YamlList([value])
        single.line = single_line = self.mapping.line_of(key)
        single.item_lines = [single_line]
        single.text = {0: self.mapping.text[key]} if key in self.mapping.text else {}
        return single


# Characters no text of ours may hold: C0 control characters (but tab and line end), which are
# invisible and make the feeds invalid XML, and lone surrogates (a YAML escape such as "\ud800"),
# which are no character at all and cannot be written as UTF-8. (U+007F-U+009F are valid XML and
# come in pasted titles, such as U+0085 from Windows-1252 text: they are kept, as typed.)
_HIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Text direction controls: embeddings and overrides end with U+202C, isolates with U+2069. One left
# open runs on into whatever follows the text (the date after a title, the rest of a line of a
# feed reader) and can make it read backwards. Closed ones stay inside the text, as with a phrase
# in Arabic written between an override and its end.
_OPENERS = {"\u202a": "\u202c", "\u202b": "\u202c", "\u202d": "\u202c", "\u202e": "\u202c"}
_OPENERS |= {"\u2066": "\u2069", "\u2067": "\u2069", "\u2068": "\u2069"}
_DIRECTION = re.compile("[\u202a-\u202e\u2066-\u2069]")


def hidden_character(text: str) -> str | None:
    """What is wrong with ``text`` if it holds a character it may not, else None.

    The message continues a sentence that starts with what holds it ("'title' ...").
    """
    found = _HIDDEN.search(text)
    if found is not None:
        return Message("holds an invisible control character ({code}): remove it", code=f"U+{ord(found[0]):04X}")
    open_: list[str] = []
    for mark in _DIRECTION.findall(text):
        if mark in _OPENERS:
            open_.append(mark)
        elif not open_ or _OPENERS[open_[-1]] != mark:
            return Message(
                "holds a text direction end ({code}) that closes nothing: remove it", code=f"U+{ord(mark):04X}"
            )
        else:
            open_.pop()
    if open_:
        return Message(
            "holds a text direction control ({code}) that is never closed, which can make the text after it read "
            "backwards: close it with {close} or remove it",
            code=f"U+{ord(open_[-1]):04X}",
            close=f"U+{ord(_OPENERS[open_[-1]]):04X}",
        )
    return None


def meaning(value: str, choices: Sequence[str], labels: Mapping[str, Sequence[str]]) -> str | None:
    """The choice ``value`` most likely stands for, or None.

    First a choice's name on the page (``labels``: 'Gangguan total' or 'Major outage' for 'major'), or a
    word of it that no other choice's name holds ('total'); then a choice spelt nearly like ``value``
    ('mayor'); then a name or word spelt nearly like it ('dijadwalkn').
    """
    names: dict[str, str] = {}
    for choice in choices:
        names.setdefault(_phrase(choice), choice)  # "in progress" for 'in_progress'
        for label in labels.get(choice, ()):
            names.setdefault(_phrase(label), choice)
    owners: dict[str, set[str]] = {}
    for choice in choices:
        for label in labels.get(choice, ()):
            for word in _phrase(label).split():
                owners.setdefault(word, set()).add(choice)
    for word, owner in owners.items():
        if len(owner) == 1:
            names.setdefault(word, next(iter(owner)))
    phrase = _phrase(value)
    if phrase in names:
        return names[phrase]
    near = closest(value, choices)
    if near is not None:
        return near
    near = next(iter(difflib.get_close_matches(phrase, list(names), n=1, cutoff=0.8)), None)
    return names[near] if near is not None else None


def _phrase(text: str) -> str:
    """Lower-case words, without punctuation: 'Eksternal (nasional)' → 'eksternal nasional'."""
    return " ".join(re.findall(r"[^\W_]+", text.casefold()))


def _meant(value: str, choices: Sequence[str], labels: Mapping[str, Sequence[str]]) -> str:
    """The hint for the choice ``value`` stands for (see ``meaning``), or an empty string."""
    close = meaning(value, choices, labels)
    return Message(" Did you mean '{close}'?", close=close) if close else ""


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return Message("mapping")
    if isinstance(value, list):
        return Message("list")
    return Message("a single value")


def web_address(url: str) -> str | None:
    """Why ``url`` is not an absolute http(s) address fit for a link, or None when it is."""
    if re.search(r"[\s\"'<>`\\]", url):
        return Message("it holds a space, quote or angle bracket: percent-encode it (a space is %20)")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError as exc:
        return Message("it cannot be read ({reason})", reason=str(exc))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return Message("it must start with https:// (or http://) and name a host")
    return None


_Text = TypeVar("_Text", bound=str)
LINE_BREAK = re.compile("[\n\r\x85\u2028\u2029]")  # every break a YAML, HTML or iCalendar reader may see


def one_line(fields: Fields, key: str, value: _Text | None) -> _Text | None:
    """``value``, unless it or one of its translations spans lines: a name or a title is one line
    wherever it goes (a calendar's name, a feed's title, a page's <title>), so a break is refused here."""
    if value is None:
        return None
    texts = [value, *getattr(value, "translations", {}).values()]
    if any(LINE_BREAK.search(text) for text in texts):
        fields.error(
            key,
            Message(
                "'{key}' must be one line: write it on one line ('|' keeps line breaks; '>-' folds them into spaces)",
                key=key,
            ),
        )
        return None
    return value
