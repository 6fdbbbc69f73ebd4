"""YAML reading that remembers where every key and item came from.

PyYAML's constructed values forget their source lines, so schema errors could
only point at the file. Here mappings and lists keep the line of each key and
item, and plain scalars keep their source text, so ``title: 2021`` is read as
the text "2021" rather than a number.

Timestamps are deliberately left as text: times are parsed later in the site's
time zone, where PyYAML would silently convert them to UTC or reject ``18:33``.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any

import yaml

from .model import Message
from .problems import Problems

_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class _Loader(yaml.SafeLoader):
    """SafeLoader without the implicit timestamp type."""


# libyaml's parser in C, when PyYAML was built with it: the same nodes, several times faster.
# Only documents it reads without error go through it; anything it rejects is read again by
# the pure-Python parser, whose error messages the hints and the tests know.
_FastLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", _Loader)
_RESOLVERS = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.yaml_implicit_resolvers = _RESOLVERS
if _FastLoader is not _Loader:
    _FastLoader = type("_FastLoader", (_FastLoader,), {"yaml_implicit_resolvers": _RESOLVERS})


class YamlMap(dict[str, Any]):
    """A mapping with the 1-based line of itself, of each key, and plain scalar text."""

    line: int
    key_lines: dict[str, int]
    text: dict[str, str]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class YamlList(list[Any]):
    """A sequence with the 1-based line of itself and of each item."""

    line: int
    item_lines: list[int]
    text: dict[int, str]

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class YamlError(Exception):
    """A YAML document that cannot be read, with the 1-based line of the fault."""

    def __init__(self, line: int, message: str):
        self.line = line
        self.message = message
        super().__init__(f"{line}: {message}")


# Caps against hostile input: alias bombs ("billion laughs") and runaway nesting.
MAX_NODES = 100_000
MERGE = "tag:yaml.org,2002:merge"
# The tags plain YAML gives its values; any other tag, such as '!!python/object', is refused.
PLAIN_TAGS = {
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
}
MAX_DEPTH = 50


def parse(text: str, first_line: int = 1) -> Any:
    """Parse one YAML document. ``first_line`` is the file line where ``text`` starts."""
    offset = first_line  # marks are 0-based; file lines are 1-based
    if _FastLoader is not _Loader and _plain_enough(text):
        fast = _FastLoader(text)
        try:
            node = fast.get_single_node()
            return None if node is None else _Converter(fast, offset).convert(node, 0)
        except (yaml.YAMLError, YamlError, RecursionError):
            pass  # read again below, for the message and line the pure-Python parser gives
        finally:
            fast.dispose()
    loader = None
    try:
        loader = _Loader(text)
        node = loader.get_single_node()
        if node is None:
            return None
        return _Converter(loader, offset).convert(node, 0)
    except yaml.MarkedYAMLError as exc:
        unclosed = _unclosed(text, exc)
        if unclosed is not None:
            raise YamlError(unclosed[0] + offset, unclosed[1]) from None
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + offset if mark else offset
        problem = exc.problem or exc.context or "cannot be read"
        raise YamlError(
            line, Message("invalid YAML: {problem}. {hint}", problem=problem, hint=_hint(problem))
        ) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + offset
        raise YamlError(
            line,
            Message("invalid YAML: an invisible control character (code {code}): retype this line", code=exc.character),
        ) from None
    except yaml.YAMLError as exc:
        raise YamlError(offset, Message("invalid YAML: {problem}", problem=str(exc))) from None
    except RecursionError:
        raise YamlError(offset, Message("invalid YAML: nested more than {n} levels deep", n=MAX_DEPTH)) from None
    finally:
        if loader is not None:
            loader.dispose()


# What libyaml reads differently from the pure-Python parser, found by comparing the two on a
# million generated documents: tabs, a byte-order mark or an unusual line break (NEL, U+2028/9)
# inside the text, a comment glued to a block scalar's indicator ('|#'), a tag with no name ('!'),
# and in flow collections complex keys, aliases and reserved characters ('?', '*', '&', '%', '@',
# '`'). A document with any of the first three anywhere, or with one of the others where it is not
# a scalar's text, or big enough to nest deeper than a C stack allows (libyaml's composer recurses
# without a limit), is read by the pure-Python parser only: slower, never different.
_DIFFERENT = re.compile("[\t\ufeff\x85\u2028\u2029]|[|>][-+0-9]*#")
# The characters that can start an alias, an anchor, a tag, a directive, a complex key or a reserved
# indicator. Inside a scalar's text they are text: '**tebal**' in a quoted or block-scalar update,
# '99%' or 'helpdesk@lpse' past the start of a plain one.
_INDICATORS = re.compile("[!?*&%@`]")
_OPENERS = (yaml.FlowSequenceStartToken, yaml.FlowMappingStartToken)
_CLOSERS = (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken)
_GUARDED = (yaml.AliasToken, yaml.AnchorToken, yaml.TagToken, yaml.DirectiveToken)
FAST_LIMIT = 64 * 1024  # characters


def _plain_enough(text: str) -> bool:
    """Whether libyaml reads ``text`` exactly as the pure-Python parser does, and safely."""
    nesting = text.count("[") + text.count("{")
    if len(text) > FAST_LIMIT or nesting > MAX_DEPTH or _DIFFERENT.search(text):
        return False
    return not _INDICATORS.search(text) or _indicators_are_text(text)


def _indicators_are_text(text: str) -> bool:
    """Whether every one of ``!?*&%@` `` in ``text`` is text: inside a quoted scalar, in the lines of a
    block scalar, or past the first character of a plain scalar outside brackets (in brackets libyaml
    reads reserved characters differently). An alias, anchor, tag or directive anywhere answers no:
    those take the guarded route. libyaml's scanner (C) finds the scalars, in a tenth of a pure-Python read.
    """
    outside: list[str] = []  # the text that is not a scalar's, where an indicator means something
    end = depth = 0
    try:
        for token in yaml.scan(text, Loader=_FastLoader):
            if isinstance(token, _GUARDED):
                return False
            if isinstance(token, _OPENERS):
                depth += 1
            elif isinstance(token, _CLOSERS):
                depth -= 1
            elif isinstance(token, yaml.ScalarToken) and (token.style or depth == 0):
                # A scalar's first character is kept: what starts a node is where an indicator acts.
                outside.append(text[end : token.start_mark.index + 1])
                end = token.end_mark.index
    except yaml.YAMLError:
        return False  # the pure-Python parser says what is wrong, and where
    outside.append(text[end:])
    return not _INDICATORS.search("".join(outside))


_CLOSING = {"[": "]", "{": "}"}


def _unclosed(text: str, exc: yaml.MarkedYAMLError) -> tuple[int, Message] | None:
    """(0-based line, message) when ``exc`` comes of a '[', '{' or quote never closed: the parser
    notices only where the text runs out or the next key begins, lines later, but the fix belongs
    where it was opened. None for any other fault."""
    mark = exc.context_mark
    if mark is None or mark.index >= len(text):
        return None
    opener = text[mark.index]
    if exc.context == "while scanning a quoted scalar" and opener in "'\"":
        if exc.problem not in ("found unexpected end of stream", "found unexpected document separator"):
            return None
        return mark.line, Message(
            "invalid YAML: the quotes opened with {quote} on this line are not closed: "
            "add the missing {quote} at the end of the text",
            quote=opener,
        )
    if exc.context not in ("while parsing a flow sequence", "while parsing a flow mapping"):
        return None
    if opener not in _CLOSING or _closed(text, mark.index):
        return None
    if opener == "[":
        return mark.line, Message(
            "invalid YAML: the list opened with '[' on this line is not closed: add the missing ']' after its last item"
        )
    return mark.line, Message(
        "invalid YAML: the mapping opened with '{opener}' on this line is not closed: "
        "add the missing '{closer}' after its last pair",
        opener=opener,
        closer=_CLOSING[opener],
    )


def _closed(text: str, index: int) -> bool:
    """Whether the '[' or '{' at ``index`` of ``text`` is closed by its own kind of bracket."""
    inside: list[bool] = []  # the brackets open from ``index`` on: True for a '['
    try:
        for token in yaml.scan(text, Loader=_Loader):
            if isinstance(token, _OPENERS) and (inside or token.start_mark.index == index):
                inside.append(isinstance(token, yaml.FlowSequenceStartToken))
            elif isinstance(token, _CLOSERS) and inside:
                square = inside.pop()
                if not inside:
                    return square == isinstance(token, yaml.FlowSequenceEndToken)
    except yaml.YAMLError:
        pass  # a fault after the parser's own, with the bracket still open: it was never closed
    return False


def _hint(problem: str) -> str:
    if "\\t" in problem or "tab" in problem:
        return Message("Indent with spaces, not tabs.")
    if "expected ','" in problem:
        return Message("Separate the items with a comma: [spse, sikap].")
    if "mapping values" in problem:
        return Message("Put quotes around a value that contains ': '.")
    if "indent" in problem or "block" in problem or "expected" in problem:
        return Message("Check the indentation: nested keys use the same number of spaces.")
    return Message("Check the quoting and indentation on this line.")


class _Converter:
    """Turns composed nodes into YamlMap / YamlList / values, counting what aliases expand to."""

    def __init__(self, loader: yaml.SafeLoader, offset: int):
        self.loader = loader
        self.offset = offset
        self.nodes = 0
        self.sizes: dict[int, int] = {}  # id of a mapping node → its number of pairs once merges are done
        self.top_line = 0  # the line of the top-level key being read

    def convert(self, node: yaml.Node, depth: int) -> Any:
        self.nodes += 1
        line = node.start_mark.line + self.offset
        if self.nodes > MAX_NODES:
            # An alias is the node it names, with that node's line: say instead which top-level key
            # was being read when the values ran past the cap, the one whose aliases expand too far.
            raise YamlError(
                self.top_line or line,
                Message("invalid YAML: more than {n} values (aliases expanding too far?)", n=MAX_NODES),
            )
        if node.tag not in PLAIN_TAGS:
            raise YamlError(
                line,
                Message(
                    "invalid YAML: the tag '{tag}' is not allowed: remove it, and put quotes around a value "
                    "that starts with '!'",
                    tag=node.tag.replace("tag:yaml.org,2002:", "!!"),
                ),
            )
        if depth > MAX_DEPTH:
            raise YamlError(line, Message("invalid YAML: nested more than {n} levels deep", n=MAX_DEPTH))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, depth)
        if isinstance(node, yaml.SequenceNode):
            items = YamlList()
            items.line = line
            items.item_lines = []
            items.text = {}
            for index, item in enumerate(node.value):
                items.append(self.convert(item, depth + 1))
                items.item_lines.append(item.start_mark.line + self.offset)
                if isinstance(item, yaml.ScalarNode):
                    items.text[index] = item.value
            return items
        try:
            return self.loader.construct_object(node, deep=True)
        except (ValueError, OverflowError) as exc:  # "!!int 0x", "!!float abc": a value its tag cannot make
            raise YamlError(
                line,
                Message(
                    "invalid YAML: {value} cannot be read as its tag says ({reason})",
                    value=repr(node.value)[:60],
                    reason=str(exc)[:80],
                ),
            ) from None

    def _merged_size(self, node: yaml.MappingNode) -> int:
        """How many pairs ``node`` holds once its '<<' merges are done, worked out without doing them:
        merges of merges double at each level, and doing them would take as long as they are long."""
        known = self.sizes.get(id(node))
        if known is not None:
            return known
        self.sizes[id(node)] = 0  # a merge that reaches back to this mapping adds nothing more
        size = 0
        for key, value in node.value:
            if key.tag != MERGE:
                size += 1
                continue
            for merged in value.value if isinstance(value, yaml.SequenceNode) else [value]:
                if isinstance(merged, yaml.MappingNode):
                    size += self._merged_size(merged)
        self.sizes[id(node)] = size
        return size

    def _mapping(self, node: yaml.MappingNode, depth: int) -> YamlMap:
        own = sum(key.tag != MERGE for key, _ in node.value)
        if own != len(node.value) and self.nodes + self._merged_size(node) > MAX_NODES:
            raise YamlError(
                node.start_mark.line + self.offset,
                Message("invalid YAML: more than {n} values (aliases expanding too far?)", n=MAX_NODES),
            )
        self.loader.flatten_mapping(node)
        merged = len(node.value) - own  # flatten_mapping puts '<<' pairs first
        result = YamlMap()
        result.line = node.start_mark.line + self.offset
        result.key_lines = {}
        result.text = {}
        explicit: set[str] = set()
        for index, (key_node, value_node) in enumerate(node.value):
            line = key_node.start_mark.line + self.offset
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlError(line, Message("invalid YAML: a key must be a plain word, not a list or mapping"))
            # The key's own text: 'on:' stays "on" instead of becoming True.
            key = key_node.value
            if index < merged:
                if key in result:
                    continue  # among merged mappings the first one wins
            elif key in explicit:
                first = result.key_lines[key]
                raise YamlError(
                    line, Message("duplicate key '{key}' (first on line {first}): keep only one", key=key, first=first)
                )
            else:
                explicit.add(key)  # an explicit key overrides a merged one
            if depth == 0:
                self.top_line = line
            result[key] = self.convert(value_node, depth + 1)
            result.key_lines[key] = line
            result.text.pop(key, None)
            if isinstance(value_node, yaml.ScalarNode):
                result.text[key] = value_node.value
        return result


MAX_SOURCE = 2 * 1024 * 1024  # bytes: ten thousand updates fit in half of it


def read_text(path: Path, shown: str, problems: Problems) -> str | None:
    """A source file as text, without a BOM and with LF line ends; None (and a problem) if unreadable.

    Only a regular file of at most MAX_SOURCE bytes is read: a pipe would wait for ever, a device
    such as /dev/zero never ends, and a file of many megabytes is a mistake, not an incident.
    """
    try:
        data = read_regular(path, MAX_SOURCE)
    except FileNotFoundError:
        problems.error(shown, 1, Message("file not found (a broken link?): create it, or pass the right path"))
    except IsADirectoryError:
        problems.error(shown, 1, Message("this is a folder, not a file: rename or remove it"))
    except NotRegular:
        problems.error(shown, 1, Message("not a regular file (a pipe, device or socket): replace it with a text file"))
    except TooLarge:
        problems.error(
            shown,
            1,
            Message(
                "the file is larger than {limit} MB: a source file holds text a person writes; "
                "split it, or remove what was pasted in by mistake",
                limit=MAX_SOURCE // (1024 * 1024),
            ),
        )
    except OSError as exc:
        problems.error(shown, 1, Message("cannot read the file: {reason}", reason=exc.strerror))
    else:
        try:
            return data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
        except UnicodeDecodeError as exc:
            bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0  # utf-8-sig counts from after the BOM
            line = data.count(b"\n", 0, exc.start + bom) + 1
            problems.error(shown, line, Message("not UTF-8 text ({reason}): save the file as UTF-8", reason=exc.reason))
    return None


class NotRegular(Exception):
    """A pipe, device or socket where a file was expected."""


class TooLarge(Exception):
    """A file longer than it may be."""


def read_regular(path: Path, limit: int | None = None) -> bytes:
    """The bytes of a regular file, of at most ``limit`` bytes. Opening never waits (O_NONBLOCK), so a
    pipe in a file's place is refused, not waited on; so is a device, which might never end.

    Raises IsADirectoryError for a folder, NotRegular, TooLarge, or the OSError of opening or reading.
    """
    # Windows has no O_NONBLOCK (nor pipes in a folder), and needs O_BINARY, lest CRLF and Ctrl+Z be read as text.
    handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        mode = os.fstat(handle).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(21, "Is a directory", str(path))
        if not stat.S_ISREG(mode):
            raise NotRegular(str(path))
        with os.fdopen(handle, "rb", closefd=False) as stream:
            data = stream.read() if limit is None else stream.read(limit + 1)
    finally:
        os.close(handle)
    if limit is not None and len(data) > limit:
        raise TooLarge(str(path))
    return data
