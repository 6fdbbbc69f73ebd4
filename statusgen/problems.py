"""Problems found in user input, and the one exception that carries them.

Bad input is not a bug: it is reported as ``path:line: message`` lines, with
exit status 1 and no traceback. Anything else that goes wrong is a bug and
keeps its traceback.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .model import Message

MESSAGES = Path(__file__).resolve().parent / "messages"


def translations(code: str) -> dict[str, str]:
    """The messages in language ``code`` (``messages/<code>.yml``), keyed by their English text; empty for English."""
    path = MESSAGES / f"{code}.yml"
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {str(key): str(value) for key, value in data.items()} if isinstance(data, dict) else {}


def say(text: str, translations: Mapping[str, str]) -> str:
    """``text`` in the language of ``translations`` (English template → template); English when it has none."""
    if not isinstance(text, Message):
        return text
    template = translations.get(text.template, text.template)
    values = {
        name: say(value, translations) if isinstance(value, str) else value for name, value in text.values.items()
    }
    return template.format(**values)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one place in one file."""

    path: str
    line: int
    message: str
    warning: bool = False

    def __str__(self) -> str:
        return self.said({})

    def said(self, translations: Mapping[str, str]) -> str:
        """``path:line: message``, in the language of ``translations``.

        A message may quote what a file holds: its control characters are shown as escapes
        (``\\x1b``), so that a hostile file cannot move the cursor, recolour or hide lines of the
        terminal or the CI log it is shown in.
        """
        kind = say(Message("warning: "), translations) if self.warning else ""
        return visible(f"{self.path}:{self.line}: {kind}{say(self.message, translations)}")


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def visible(text: str) -> str:
    """``text`` with its control characters written as escapes (``\\x07``, ``\\u202e``)."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}", text)


class InputError(Exception):
    """Raised when input is invalid; carries every problem found (warnings too), not just the first."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def summary(self, translations: Mapping[str, str] | None = None, kept: bool = False) -> str:
        """How many errors and warnings; ``kept``: said by a preview that keeps serving its last good site."""
        errors = sum(not p.warning for p in self.problems)
        warnings = len(self.problems) - errors
        counted = Message(
            "{errors}, {warnings}; the last good site stays." if kept else "{errors}, {warnings}; nothing was written.",
            errors=_count(errors, "{n} error", "{n} errors"),
            warnings=_count(warnings, "{n} warning", "{n} warnings"),
        )
        return say(counted, translations or {})


def _count(number: int, one: str, other: str) -> Message:
    return Message(one if number == 1 else other, n=number)


@dataclass
class Problems:
    """Collects problems while loading, so that all of them are reported at once."""

    items: list[Problem] = field(default_factory=list)

    def error(self, path: str, line: int, message: str) -> None:
        self.items.append(Problem(path, line, message))

    def warning(self, path: str, line: int, message: str) -> None:
        self.items.append(Problem(path, line, message, warning=True))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if not p.warning]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.warning]

    def failing(self, strict: bool) -> bool:
        """Whether the problems stop a run: any error, or any warning when ``strict``."""
        return bool(self.items if strict else self.errors)


def closest(value: object, choices: Iterable[str]) -> str | None:
    """The choice most like ``value``, if one is close enough to be a likely typo."""
    close = difflib.get_close_matches(str(value).lower(), list(choices), n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(value: object, choices: Iterable[str]) -> str:
    """Return " Did you mean 'x'?" for the closest choice, or an empty string."""
    close = closest(value, choices)
    return Message(" Did you mean '{close}'?", close=close) if close else ""


def listing(choices: Iterable[str]) -> str:
    return ", ".join(choices)
