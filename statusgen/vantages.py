"""The places probes run from (``vantages:`` in status.yml), and what a probe says about them: ``from``,
``targets`` and ``bandwidth``. Reading and validating them; config.py calls these.

Without ``vantages:`` there is one public place, ``github``, which is where the hosted scheduled probe
has always run: a site that declares none behaves and looks as before.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from . import schema
from .fields import Fields, web_address
from .model import HOME, ID_PATTERN, Bandwidth, Component, Message, Text, Vantage
from .problems import did_you_mean, listing
from .schema import BANDWIDTH, VANTAGE
from .yamlsrc import YamlList, YamlMap


def read_vantages(fields: Fields, languages: Sequence[str]) -> tuple[Vantage, ...]:
    """The places of ``vantages:``, in order; the home place alone when the key is absent."""
    items = fields.items("vantages")
    if items is None:
        return (HOME,)
    found: list[Vantage] = []
    seen: dict[str, int] = {}
    before = len(fields.problems.errors)
    for index, item in enumerate(items):
        if not isinstance(item, YamlMap):
            fields.problems.error(
                fields.path,
                items.line_of(index),
                Message("each vantage must be a mapping with at least 'id:' and 'kind:', e.g. '- id: kantor'"),
            )
            continue
        entry = fields.within(item, Message("vantage {n}: ", n=index + 1))
        entry.unknown_keys(VANTAGE.names)
        vid = entry.read(VANTAGE["id"])
        if vid is None:
            continue
        if not ID_PATTERN.fullmatch(vid):
            suggestion = re.sub(r"[^a-z0-9]+", "-", vid.lower()).strip("-") or "kantor"
            entry.error(
                "id",
                Message(
                    "vantage id '{vid}' may only hold a-z, 0-9 and '-': use '{suggestion}'",
                    vid=vid,
                    suggestion=suggestion,
                ),
            )
            continue
        if vid in seen:
            entry.error(
                "id",
                Message(
                    "duplicate vantage id '{vid}' (first on line {first}): ids must be unique", vid=vid, first=seen[vid]
                ),
            )
            continue
        seen[vid] = item.line_of("id")
        kind = entry.read(VANTAGE["kind"]) or VANTAGE.default("kind")
        if kind not in schema.KINDS_OF_VANTAGE:
            entry.error(
                "kind",
                Message(
                    "unknown vantage kind '{kind}' (valid: {valid}).{hint}",
                    kind=kind,
                    valid=", ".join(schema.KINDS_OF_VANTAGE),
                    hint=did_you_mean(kind, schema.KINDS_OF_VANTAGE),
                ),
            )
            continue
        uplink = entry.read(VANTAGE["uplink"])
        if uplink is not None and kind != "inside":
            entry.error("uplink", Message("only an inside vantage has an 'uplink': remove it, or write 'kind: inside'"))
            uplink = None
        name = entry.read(VANTAGE["name"], languages) or Text(vid)
        source = entry.read(VANTAGE["source"])
        if source is not None and (problem := _git_address(source)):
            message = Message("source '{url}' is not a git address: {problem}", url=source, problem=problem)
            entry.error("source", message)
            source = None
        found.append(Vantage(vid, name, kind, uplink, source))
    if not found and len(fields.problems.errors) == before:  # not when every entry was refused already
        fields.error(
            "vantages",
            Message("'vantages' is empty: list at least one place, or remove the key to probe from 'github' alone"),
        )
    if found and not any(v.public for v in found):
        fields.error(
            "vantages",
            Message(
                "no vantage is public: the public verdict needs at least one, e.g. '- {{id: github, kind: public}}'"
            ),
        )
    return tuple(found) or (HOME,)


def _git_address(url: str) -> str | None:
    """What is wrong with a repository's address, or None: an https address (read without a credential)."""
    problem = web_address(url)
    if problem:
        return problem
    return None if url.startswith("https://") else Message("write its https address, e.g. 'https://github.com/o/r.git'")


def read_from(probe: Fields, vantages: Sequence[Vantage]) -> tuple[str, ...]:
    """The ids a probe's ``from`` names, checked against ``vantages``; default: every public vantage."""
    public = tuple(v.id for v in vantages if v.public)
    items = probe.items("from")
    if items is None:
        return public
    known = [v.id for v in vantages]
    chosen: list[str] = []
    for index, value in enumerate(items):
        vid = items.text.get(index, str(value)).strip()
        if vid not in known:
            probe.problems.error(
                probe.path,
                items.line_of(index),
                Message(
                    "{where}unknown vantage '{vid}' in 'from' (known: {known}): declare it under 'vantages:'.{hint}",
                    where=probe.where,
                    vid=vid,
                    known=listing(known),
                    hint=did_you_mean(vid, known),
                ),
            )
        elif vid not in chosen:
            chosen.append(vid)
    if not chosen and not items:
        probe.error("from", Message("'from' is empty: name at least one vantage, or remove it for every public one"))
    return tuple(chosen)


def read_targets(probe: Fields) -> tuple[str, ...]:
    """A probe's ``targets``: web addresses, each checked."""
    items = probe.items("targets")
    if items is None:
        return ()
    found: list[str] = []
    for index, value in enumerate(items):
        url = items.text.get(index, str(value)).strip()
        problem = web_address(url)
        if problem:
            probe.problems.error(
                probe.path,
                items.line_of(index),
                Message(
                    "{where}target '{url}' is not a web address: {problem}", where=probe.where, url=url, problem=problem
                ),
            )
        elif url not in found:
            found.append(url)
    if not found and not items:
        probe.error("targets", Message("'targets' is empty: list two or more addresses, or write 'url:' instead"))
    return tuple(found)


def read_bandwidth(probe: Fields) -> Bandwidth | None:
    """A probe's ``bandwidth:`` mapping, or None."""
    data = probe.submapping("bandwidth")
    if data is None:
        return None
    entry = probe.within(data, Message("bandwidth: "))
    entry.unknown_keys(BANDWIDTH.names)
    before = len(entry.problems.errors)
    addresses = {key: entry.read(BANDWIDTH[key]) for key in ("url", "upload_url")}
    for key, url in addresses.items():
        if url is not None and (problem := web_address(url)):
            entry.error(
                key, Message("{key} '{url}' is not a web address: {problem}", key=key, url=url, problem=problem)
            )
    target, every, seconds, megabytes = (
        entry.read(BANDWIDTH[k]) for k in ("target_mbps", "every", "seconds", "megabytes")
    )
    if target is None and data.get("target_mbps") is None:  # written but out of bounds: said already
        entry.missing("target_mbps", BANDWIDTH["target_mbps"].required or "40")
    if len(entry.problems.errors) > before or addresses["url"] is None or None in (target, every, seconds, megabytes):
        return None
    return Bandwidth(
        addresses["url"], float(target), addresses["upload_url"], int(every * 60), float(seconds), int(megabytes)
    )


def check_uplinks(fields: Fields, vantages: Sequence[Vantage], components: Sequence[Component]) -> None:
    """Each inside vantage's ``uplink`` names a component that this vantage probes."""
    items = fields.items("vantages")
    by_id = {c.id: c for c in components}
    for vantage in vantages:
        if vantage.uplink is None:
            continue
        component = by_id.get(vantage.uplink)
        line = _line_of(items, vantage.id)
        if component is None:
            fields.problems.error(
                fields.path,
                line,
                Message(
                    "vantage '{vid}': uplink '{uplink}' is not a component id (known: {known}).{hint}",
                    vid=vantage.id,
                    uplink=vantage.uplink,
                    known=listing(list(by_id)),
                    hint=did_you_mean(vantage.uplink, list(by_id)),
                ),
            )
        elif component.probe is None or vantage.id not in component.probe.vantages:
            fields.problems.error(
                fields.path,
                line,
                Message(
                    "vantage '{vid}': its uplink '{uplink}' must be probed from it: give that component "
                    "'probe:' with 'from: [{vid}]' and 'targets:'",
                    vid=vantage.id,
                    uplink=vantage.uplink,
                ),
            )


def _line_of(items: YamlList | None, vid: str) -> int:
    """The line of the ``uplink`` of the vantage whose id is ``vid``."""
    for item in items or ():
        if isinstance(item, YamlMap) and str(item.get("id")) == vid:
            return item.line_of("uplink") if "uplink" in item else item.line
    return items.line if items is not None else 1
