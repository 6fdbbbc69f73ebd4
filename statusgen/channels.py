"""The channels ``generate.py notify`` sends to (``notify:`` in status.yml): reading and validating them;
config.py calls these.

A channel names the environment variable that holds its Apprise URL (an Actions secret), never the URL
itself: a token written into a committed file is a token published. Whether that variable is set is
not a question for the configuration: a channel declared before its secret exists is simply off.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from . import schema
from .fields import Fields, web_address
from .model import ID_PATTERN, Channel, Component, Message, Text
from .problems import did_you_mean, listing
from .schema import NOTIFY
from .yamlsrc import YamlList, YamlMap

ENV_NAME = re.compile(r"[A-Z_][A-Z0-9_]*")


def read_channels(fields: Fields, languages: Sequence[str], components: Sequence[Component]) -> tuple[Channel, ...]:
    """The channels of ``notify:``, in order; none when the key is absent."""
    items = fields.items("notify")
    if items is None:
        return ()
    found: list[Channel] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        if not isinstance(item, YamlMap):
            fields.problems.error(
                fields.path,
                items.line_of(index),
                Message("each channel must be a mapping with 'name:' and 'url_env:', e.g. '- name: telegram'"),
            )
            continue
        entry = fields.within(item, Message("channel {n}: ", n=index + 1))
        entry.unknown_keys(NOTIFY.names)
        channel = _channel(entry, languages, components)
        if channel is None:
            continue
        if channel.name in seen:
            entry.error(
                "name",
                Message(
                    "duplicate channel name '{name}' (first on line {first}): names must be unique",
                    name=channel.name,
                    first=seen[channel.name],
                ),
            )
            continue
        seen[channel.name] = item.line_of("name")
        found.append(channel)
    return tuple(found)


def _channel(entry: Fields, languages: Sequence[str], components: Sequence[Component]) -> Channel | None:
    """One channel, or None when it has an error (recorded)."""
    before = len(entry.problems.errors)
    name = entry.read(NOTIFY["name"])
    if name is not None and not ID_PATTERN.fullmatch(name):
        suggestion = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "telegram"
        entry.error(
            "name",
            Message("channel name '{name}' may only hold a-z, 0-9 and '-': use '{suggestion}'", name=name,
                    suggestion=suggestion),
        )  # fmt: skip
    url_env = entry.read(NOTIFY["url_env"])
    if url_env is not None and not ENV_NAME.fullmatch(url_env):
        if "://" in url_env or web_address(url_env) is None:
            message = Message(
                "'url_env' names an environment variable, not the address: put the address in a repository "
                "secret, e.g. NOTIFY_TELEGRAM, and write 'url_env: NOTIFY_TELEGRAM' (and remove the address from "
                "this file's history: it is public)"
            )
        else:
            message = Message(
                "'url_env' '{value}' is not an environment variable name: use capitals, digits and '_', "
                "e.g. NOTIFY_TELEGRAM",
                value=url_env,
            )
        entry.error("url_env", message)
    language = entry.read(NOTIFY["language"]) or languages[0]
    if language not in languages:
        entry.error(
            "language",
            Message(
                "language '{code}' is not one of the site's languages ({languages}).{hint}",
                code=language,
                languages=listing(languages),
                hint=did_you_mean(language, languages),
            ),
        )
    send = _listed(entry, "send", schema.KINDS_OF_NOTICE, Message("kind"))
    ids = [c.id for c in components]
    chosen = _listed(entry, "components", ids, Message("component"))
    remind_before = entry.read(NOTIFY["remind_before"])
    join = entry.read(NOTIFY["join"], languages)
    join_url = entry.read(NOTIFY["join_url"])
    if join_url is not None and (problem := web_address(join_url)):
        entry.error("join_url", Message("join_url '{url}' is not a web address: {problem}", url=join_url,
                                        problem=problem))  # fmt: skip
    if len(entry.problems.errors) > before or name is None or url_env is None or remind_before is None:
        return None
    title = entry.read(NOTIFY["title"], languages) or Text(name)
    return Channel(
        name,
        url_env,
        title,
        language,
        send if send is not None else NOTIFY.default("send"),
        chosen or (),
        int(remind_before * 60),
        join,
        join_url,
    )


def _listed(entry: Fields, key: str, known: Sequence[str], what: str) -> tuple[str, ...] | None:
    """The values of the list ``key``, each one of ``known``; None when the key is absent."""
    items: YamlList | None = entry.items(key)
    if items is None:
        return None
    chosen: list[str] = []
    for index, value in enumerate(items):
        text = items.text.get(index, str(value)).strip()
        if text not in known:
            entry.problems.error(
                entry.path,
                items.line_of(index),
                Message(
                    "{where}unknown {what} '{value}' in '{key}' (known: {known}).{hint}",
                    where=entry.where,
                    what=what,
                    value=text,
                    key=key,
                    known=listing(list(known)),
                    hint=did_you_mean(text, list(known)),
                ),
            )
        elif text not in chosen:
            chosen.append(text)
    if not chosen and not items:
        entry.error(key, Message("'{key}' is empty: list at least one, or remove it for all", key=key))
    return tuple(chosen)
