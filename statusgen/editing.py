"""Writing and editing incident files as text, so that staff comments, key order and the body survive.

An edit changes only the lines it must: it replaces the value of ``resolved:`` on its own line (keeping
a trailing comment), or inserts an update at the top of the ``updates:`` list with the indentation the
list already uses. The result is always read back by the same validator as a build before it is
written; an edit that would make the file invalid is refused. Pure: the caller writes the text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, tzinfo

from .incidents import split_front_matter
from .problems import Message
from .yamlsrc import YamlError, YamlList, YamlMap, parse


class EditError(Exception):
    """An edit that cannot be made to this file as written; the message says why and what to do."""


@dataclass(frozen=True)
class NewUpdate:
    at: datetime
    status: str
    message: str


# Characters JSON leaves as they are but YAML reads otherwise (a line break, a control character) or refuses.
_YAML_SPECIAL = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")


def quoted(text: str) -> str:
    """A YAML scalar that reads back as exactly ``text``, whatever it holds (quotes, colons, ``#``, newlines)."""
    scalar = json.dumps(text, ensure_ascii=False)  # a JSON string is a valid double-quoted YAML scalar
    return _YAML_SPECIAL.sub(lambda match: f"\\u{ord(match.group()):04x}", scalar)


def written_time(moment: datetime, tz: tzinfo) -> str:
    """``2021-09-19 18:33`` in the site's zone, as staff write times; seconds only when there are any."""
    local = moment.astimezone(tz)
    return f"{local:%Y-%m-%d %H:%M:%S}" if local.second else f"{local:%Y-%m-%d %H:%M}"


def new_incident(
    *,
    title: str,
    components: list[str],
    severity: str,
    cause: str,
    started: datetime,
    resolved: datetime | None,
    first: NewUpdate,
    tz: tzinfo,
) -> str:
    """The text of a new incident file: front matter in the documented key order, then an empty body."""
    lines = [
        "---",
        f"title: {quoted(title)}",
        f"components: [{', '.join(components)}]",
        f"severity: {severity}",
        f"cause: {cause}",
        f"started: {written_time(started, tz)}",
    ]
    if resolved is not None:
        lines.append(f"resolved: {written_time(resolved, tz)}")
    lines += ["updates:", *_update_lines(first, "  ", tz), "---", ""]
    return "\n".join(lines)


def _update_lines(update: NewUpdate, indent: str, tz: tzinfo) -> list[str]:
    return [
        f"{indent}- at: {written_time(update.at, tz)}",
        f"{indent}  status: {update.status}",
        f"{indent}  message: {quoted(update.message)}",
    ]


def _front(text: str) -> tuple[list[str], int, YamlMap]:
    """The file's lines, the index of the closing fence, and its front matter read with line numbers."""
    lines = text.split("\n")
    parsed = split_front_matter(text)
    if isinstance(parsed[0], int):
        raise EditError(parsed[1])
    try:
        data = parse(str(parsed[0]), first_line=2)
    except YamlError as exc:
        raise EditError(Message("line {line}: {message}", line=exc.line, message=exc.message)) from None
    if not isinstance(data, YamlMap):
        raise EditError(Message("the front matter is not a mapping of keys"))
    close = next(n for n in range(1, len(lines)) if re.fullmatch(r"(?:---|\.\.\.)[ \t]*", lines[n]))
    return lines, close, data


def add_update(text: str, update: NewUpdate, tz: tzinfo) -> str:
    """Insert ``update`` as the first item of ``updates:`` (newest first), creating the list if need be."""
    lines, close, data = _front(text)
    if "updates" not in data or data["updates"] is None or data["updates"] == []:
        if "updates" in data:  # "updates:" or "updates: []": replace that line
            index = data.line_of("updates") - 1
            _own_line(lines, index, "updates")
            comment = re.search(r"[ \t]+#.*$", lines[index])  # "updates: []  # ..." keeps its comment
            lines[index : index + 1] = [
                "updates:" + (comment.group() if comment else ""),
                *_update_lines(update, "  ", tz),
            ]
        else:
            lines[close:close] = ["updates:", *_update_lines(update, "  ", tz)]
        return "\n".join(lines)
    items = data["updates"]
    if not isinstance(items, YamlList):
        raise EditError(Message("'updates' is not a list: write it as '- at: ...' items, one per update"))
    index = data.line_of("updates") - 1
    if not re.match(r"updates:\s*(#.*)?$", lines[index]):
        raise EditError(
            Message(
                "line {line}: 'updates' is written on one line ([...]); write one '- at: ...' item per update, "
                "then try again",
                line=index + 1,
            )
        )
    first = items.line_of(0) - 1
    indent = re.match(r"(\s*)-", lines[first])
    if indent is None:
        raise EditError(Message("line {line}: expected the first update to start with '- '", line=first + 1))
    lines[first:first] = _update_lines(update, indent.group(1), tz)
    return "\n".join(lines)


def set_resolved(text: str, moment: datetime, tz: tzinfo) -> str:
    """Set ``resolved:``: its value is replaced in place (a trailing comment stays), or it goes after ``started:``."""
    lines, close, data = _front(text)
    value = written_time(moment, tz)
    if "resolved" in data:
        index = data.line_of("resolved") - 1
        _own_line(lines, index, "resolved")
        match = re.match(r"resolved:[ \t]*(?:[^#\s][^#]*?)?([ \t]+#.*)?$", lines[index])
        comment = match.group(1) if match and match.group(1) else ""
        lines[index] = f"resolved: {value}{comment}"
    elif "started" in data:
        index = data.line_of("started") - 1
        _own_line(lines, index, "started", with_value=True)
        lines.insert(index + 1, f"resolved: {value}")
    else:
        lines.insert(close, f"resolved: {value}")
    return "\n".join(lines)


def _own_line(lines: list[str], index: int, key: str, with_value: bool = False) -> None:
    """Refuse keys written in a way a one-line edit would break (a block scalar, a value on the next line)."""
    pattern = rf"{key}:[ \t]+[^\s#]" if with_value else rf"{key}:(\s|$)"
    if not re.match(pattern, lines[index]):
        raise EditError(Message("line {line}: expected '{key}:' at the start of the line", line=index + 1, key=key))
