"""Many LPSEs of one kind, from a CSV file (``instances:`` in status.yml): each row a component whose id is its
code, probed at the address template, grouped by province. config.py calls these.

Since SPSE moved under INAPROC every LPSE answers at ``https://spse.inaproc.id/<code>/``; a province lists its
own, a national site some 600. A code must be confirmed before the page shows a status for it: a row marked
``confirmed: no`` is left out (and ``check`` says so), never shown as an outage.
"""

from __future__ import annotations

import csv
import io
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from . import schema
from .fields import Fields, hidden_character, web_address
from .model import ID_PATTERN, Component, Message, Probe, Text, Vantage
from .problems import Problems, did_you_mean, listing
from .schema import INSTANCES
from .yamlsrc import read_text

REQUIRED = schema.INSTANCE_COLUMNS[:3]
YES, NO = ("yes", "ya", "true", ""), ("no", "tidak", "false")
SHARD_SIZE = 150  # components a probe shard takes at most: see shards()
MAX_SHARDS = 64  # shards a probe run may be split into (an Actions matrix runs up to 256 jobs)


@dataclass(frozen=True)
class Row:
    """One instance as its file gives it."""

    code: str
    name: str
    province: str
    url: str
    line: int


def read_instances(fields: Fields, root: Path, languages: Sequence[str], vantages: Sequence[Vantage],
                   components: Sequence[Component], shown: str) -> tuple[Component, ...]:  # fmt: skip
    """The components of ``instances:``, in the file's order, besides the ``components`` of status.yml (shown as
    ``shown``): a code may not repeat their ids, and a row whose address one of them probes already is left
    out, so that no address is probed twice and the component written by hand, with its history, stands for
    the row."""
    data = fields.submapping("instances")
    if data is None:
        return ()
    entry = fields.within(data, Message("instances: "))
    entry.unknown_keys(INSTANCES.names)
    before = len(entry.problems.errors)
    name = entry.read(INSTANCES["file"])
    template = entry.read(INSTANCES["url"]) or INSTANCES.default("url")
    if "{code}" not in template:
        entry.error("url", Message("url '{url}' has no '{{code}}': write where the code goes, e.g. "
                                   "'https://spse.inaproc.id/{{code}}/'", url=template))  # fmt: skip
    elif problem := web_address(template.replace("{code}", "x")):
        entry.error("url", Message("url '{url}' is not a web address: {problem}", url=template, problem=problem))
    group = entry.read(INSTANCES["group"], languages) or Text(INSTANCES.default("group"))
    group_by = entry.read(INSTANCES["group_by"]) or INSTANCES.default("group_by")
    if group_by != "province":
        entry.error("group_by", Message("can be grouped by 'province' only, not '{value}'", value=group_by))
    keyword = entry.read(INSTANCES["keyword"])
    timeout, retries = entry.read(INSTANCES["timeout"]), entry.read(INSTANCES["retries"])
    if len(entry.problems.errors) > before or name is None or timeout is None or retries is None:
        return ()
    path = root / name
    taken = {c.id: f"{shown}:{fields.mapping.line_of('components')}" for c in components}
    probed = {_address(c.probe.url) for c in components if c.probe}
    rows = [row for row in read_rows(path, _shown(fields.path, name), entry.problems, template, taken)
            if _address(row.url) not in probed]  # fmt: skip
    public = tuple(v.id for v in vantages if v.public)
    return tuple(
        Component(
            id=row.code,
            name=Text(row.name),
            group=_grouped(group, row.province),
            url=row.url,
            probe=Probe(row.url, keyword=keyword, timeout=float(timeout), retries=int(retries), vantages=public),
            probes_only=True,
        )
        for row in rows
    )


def _shown(config_shown: str, name: str) -> str:
    """The CSV file as messages show it: beside status.yml as status.yml is shown."""
    parent = str(Path(config_shown).parent)
    return name if parent in ("", ".") else f"{parent}/{name}"


def _address(url: str) -> str:
    """An address as compared for sameness: with or without its last slash."""
    return url.rstrip("/")


def _grouped(group: Text, province: str) -> Text:
    return Text(group.replace("{province}", province),
                {code: text.replace("{province}", province) for code, text in group.translations.items()})  # fmt: skip


def read_rows(path: Path, shown: str, problems: Problems, template: str, taken: dict[str, str]) -> list[Row]:
    """The confirmed rows of an instances file, each checked; a problem is an error at its file and line."""
    text = read_text(path, shown, problems)
    if text is None:
        return []
    reader = csv.reader(io.StringIO(text))
    try:
        header = [column.strip() for column in next(reader)]
    except StopIteration:
        problems.error(shown, 1, Message("the file is empty: its first line names the columns, e.g. "
                                         "'code,name,province'"))  # fmt: skip
        return []
    except csv.Error as exc:
        problems.error(shown, 1, Message("not CSV: {reason}", reason=str(exc)))
        return []
    known = schema.INSTANCE_COLUMNS
    for column in header:
        if column not in known:
            message = Message("unknown column '{column}' (known: {known}).{hint}", column=column,
                              known=listing(list(known)), hint=did_you_mean(column, list(known)))  # fmt: skip
            problems.error(shown, 1, message)
    missing = [column for column in REQUIRED if column not in header]
    if missing:
        problems.error(shown, 1, Message("missing column(s) {columns}: the first line must name at least "
                                         "'code,name,province'", columns=", ".join(missing)))  # fmt: skip
    if missing or len(set(header)) != len(header) or any(column not in known for column in header):
        if len(set(header)) != len(header):
            problems.error(shown, 1, Message("a column is named twice: name each once"))
        return []
    rows: list[Row] = []
    try:
        for values in reader:
            line = reader.line_num
            if not any(value.strip() for value in values):
                continue
            if len(values) != len(header):
                problems.error(shown, line, Message("{n} values for {columns} columns: quote a value that holds a "
                                                    "comma", n=len(values), columns=len(header)))  # fmt: skip
                continue
            row = dict(zip(header, (value.strip() for value in values), strict=True))
            found = _row(row, line, shown, problems, template, taken)
            if found is not None:
                rows.append(found)
    except csv.Error as exc:
        problems.error(shown, reader.line_num, Message("not CSV: {reason}", reason=str(exc)))
    return rows


def _row(row: dict[str, str], line: int, shown: str, problems: Problems, template: str,
         taken: dict[str, str]) -> Row | None:  # fmt: skip
    """One row checked; None when it is wrong (an error) or not confirmed (left out)."""
    code = row["code"]
    for column in ("code", "name", "province"):
        if not row[column]:
            problems.error(shown, line, Message("'{column}' is empty: every row needs a code, a name and a province",
                                                column=column))  # fmt: skip
            return None
    for column, value in row.items():
        if problem := hidden_character(value):
            problems.error(shown, line, Message("'{column}' {problem}", column=column, problem=problem))
            return None
    if not ID_PATTERN.fullmatch(code):
        problems.error(shown, line, Message("code '{code}' may only hold a-z, 0-9 and '-' (it becomes a component "
                                            "id and a folder name)", code=code))  # fmt: skip
        return None
    if code in taken:
        problems.error(shown, line, Message("duplicate code '{code}' (first at {first}): ids must be unique",
                                            code=code, first=taken[code]))  # fmt: skip
        return None
    taken[code] = f"{shown}:{line}"
    confirmed = row.get("confirmed", "").lower()
    if confirmed not in YES + NO:
        problems.error(shown, line, Message("confirmed '{value}' is neither 'yes' nor 'no'", value=row["confirmed"]))
        return None
    if confirmed in NO:
        return None  # a code not confirmed shows nothing rather than a status that may be false
    url = row.get("url") or template.replace("{code}", code)
    if problem := web_address(url):
        problems.error(shown, line, Message("url '{url}' is not a web address: {problem}", url=url, problem=problem))
        return None
    return Row(code, row["name"], row["province"], url, line)


def shard_of(component_id: str, shards: int) -> int:
    """The shard (1 to ``shards``) that probes a component: by a checksum of its id alone, so that a component
    stays in its shard when others are added or removed."""
    return zlib.crc32(component_id.encode()) % shards + 1


def shards(probed: int) -> int:
    """How many shards the probe workflow runs for ``probed`` components: one per SHARD_SIZE begun."""
    return max(1, -(-probed // SHARD_SIZE))
