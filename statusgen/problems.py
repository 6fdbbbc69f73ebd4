"""Problems found in user input, and the one exception that carries them.

Bad input is not a bug: it is reported as ``path:line: message`` lines, with
exit status 1 and no traceback. Anything else that goes wrong is a bug and
keeps its traceback.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one place in one file."""

    path: str
    line: int
    message: str
    warning: bool = False

    def __str__(self) -> str:
        kind = "warning: " if self.warning else ""
        return f"{self.path}:{self.line}: {kind}{self.message}"


class InputError(Exception):
    """Raised when input is invalid; carries every problem found (warnings too), not just the first."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def summary(self) -> str:
        errors = sum(not p.warning for p in self.problems)
        warnings = len(self.problems) - errors
        return f"{_count(errors, 'error')}, {_count(warnings, 'warning')}; nothing was written."


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


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
    return f" Did you mean '{close}'?" if close else ""


def listing(choices: Iterable[str]) -> str:
    return ", ".join(choices)
