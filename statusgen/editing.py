"""Writing and editing incident files as text, so that staff comments, key order and the body survive.

An edit changes only the lines it must: it replaces the value of ``resolved:`` on its own line (keeping
a trailing comment), or inserts an update at the top of the ``updates:`` list with the indentation the
list already uses. Every other character stays as it was, line breaks included. The result is always
read back by the same validator as a build before it is written; an edit that would make the file
invalid is refused. Pure: the caller writes the text.

Lines are counted as the YAML reader counts them, because the line numbers of the front matter come
from it: PyYAML (YAML 1.1) ends a line at CRLF, LF and CR, and also at NEL (U+0085), LINE SEPARATOR
(U+2028) and PARAGRAPH SEPARATOR (U+2029), which a pasted text can bring into a hand-written file.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, tzinfo

from .incidents import closing_fence, split_front_matter
from .model import Message
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


# Where PyYAML's reader ends a line (its Reader.forward counts these, CRLF as one), and those of them
# that the build's reading (``as_read``) leaves in the text as they are.
_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_KEPT_BREAK = re.compile("[\x85\u2028\u2029]")
_ENDS = "\r\n\x85\u2028\u2029"


def as_read(text: str) -> str:
    """``text`` as a build reads it from the file (``yamlsrc.read_text``): CRLF and a lone CR become LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _lines(text: str) -> list[str]:
    """The lines of ``text`` as the YAML reader counts them, each with its own line break (the last may have none)."""
    lines, start = [], 0
    for match in _BREAK.finditer(text):
        lines.append(text[start : match.end()])
        start = match.end()
    lines.append(text[start:])
    return lines


def _content(line: str) -> str:
    """A line without its line break."""
    return line.rstrip(_ENDS)


def _newline(text: str) -> str:
    """The line break for added lines: the file's first ordinary one (CRLF, LF or CR), else LF."""
    found = re.search("\r\n|[\r\n]", text)
    return found.group() if found else "\n"


def _front(text: str) -> tuple[list[str], int, YamlMap]:
    """The file's lines (as YAML counts them), the index of the closing fence, and its front matter read with
    line numbers. ``text`` is the file as written (any line breaks, no BOM)."""
    normal = as_read(text)
    parsed = split_front_matter(normal)
    if isinstance(parsed[0], int):
        raise EditError(parsed[1])
    try:
        data = parse(str(parsed[0]), first_line=2)
    except YamlError as exc:
        raise EditError(Message("line {line}: {message}", line=exc.line, message=exc.message)) from None
    if not isinstance(data, YamlMap):
        raise EditError(Message("the front matter is not a mapping of keys"))
    # The fence is found as the build finds it, on LF lines; YAML counts one more line for each break
    # the build's reading keeps inside those lines.
    plain = normal.split("\n")
    fence = closing_fence(plain) or 0  # split_front_matter found it
    close = fence + sum(len(_KEPT_BREAK.findall(line)) for line in plain[:fence])
    return _lines(text), close, data


def add_update(text: str, update: NewUpdate, tz: tzinfo) -> str:
    """Insert ``update`` as the first item of ``updates:`` (newest first), creating the list if need be."""
    lines, close, data = _front(text)
    newline = _newline(text)
    if "updates" not in data or data["updates"] is None or data["updates"] == []:
        added = [line + newline for line in _update_lines(update, "  ", tz)]
        if "updates" in data:  # "updates:" or "updates: []": replace that line
            index = data.line_of("updates") - 1
            _own_line(lines, index, "updates")
            line = lines[index]
            comment = re.search(r"[ \t]+#.*$", _content(line))  # "updates: []  # ..." keeps its comment
            ending = line[len(_content(line)) :] or newline
            lines[index : index + 1] = ["updates:" + (comment.group() if comment else "") + ending, *added]
        else:
            lines[close:close] = ["updates:" + newline, *added]
        return "".join(lines)
    items = data["updates"]
    if not isinstance(items, YamlList):
        raise EditError(Message("'updates' is not a list: write it as '- at: ...' items, one per update"))
    index = data.line_of("updates") - 1
    if not re.match(r"updates:\s*(#.*)?$", _content(lines[index])):
        raise EditError(
            Message(
                "line {line}: 'updates' is written on one line ([...]); write one '- at: ...' item per update, "
                "then try again",
                line=index + 1,
            )
        )
    first = items.line_of(0) - 1
    indent = re.match(r"(\s*)-", _content(lines[first]))
    if indent is None:
        raise EditError(Message("line {line}: expected the first update to start with '- '", line=first + 1))
    lines[first:first] = [line + newline for line in _update_lines(update, indent.group(1), tz)]
    return "".join(lines)


def set_resolved(text: str, moment: datetime, tz: tzinfo) -> str:
    """Set ``resolved:``: its value is replaced in place (a trailing comment stays), or it goes after ``started:``."""
    lines, close, data = _front(text)
    value = written_time(moment, tz)
    newline = _newline(text)
    if "resolved" in data:
        index = data.line_of("resolved") - 1
        _own_line(lines, index, "resolved")
        line = _content(lines[index])
        match = re.match(r"resolved:[ \t]*(?:[^#\s][^#]*?)?([ \t]+#.*)?$", line)
        comment = match.group(1) if match and match.group(1) else ""
        lines[index] = f"resolved: {value}{comment}" + lines[index][len(line) :]
    elif "started" in data:
        index = data.line_of("started") - 1
        _own_line(lines, index, "started", with_value=True)
        lines.insert(index + 1, f"resolved: {value}" + newline)
    else:
        lines.insert(close, f"resolved: {value}" + newline)
    return "".join(lines)


def _own_line(lines: list[str], index: int, key: str, with_value: bool = False) -> None:
    """Refuse keys written in a way a one-line edit would break (a block scalar, a value on the next line)."""
    pattern = rf"{key}:[ \t]+[^\s#]" if with_value else rf"{key}:(\s|$)"
    if not re.match(pattern, _content(lines[index])):
        raise EditError(Message("line {line}: expected '{key}:' at the start of the line", line=index + 1, key=key))
