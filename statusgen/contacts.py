"""The "Butuh bantuan? / Need help?" part of ``status.yml``: who to contact, and what the browser check tries."""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from .fields import Fields, web_address
from .model import Component, Contact, Help, Message
from .problems import did_you_mean
from .schema import CONTACT, HELP


def read_help(fields: Fields, languages: tuple[str, ...], components: Mapping[str, Component], base_url: str) -> Help:
    data = fields.submapping("help")
    if data is None:
        return Help()
    entry = fields.within(data, Message("help: "))
    entry.unknown_keys(HELP.names)
    check: list[str] = []
    items = entry.items("check")
    # The browser check compares the visitor's reach with the probes: it needs a probed component whose
    # address a browser may fetch from this page (an https page may not fetch http).
    fit = [c.id for c in components.values() if c.url and c.probe and _fetchable(c.url, base_url) and _plain(c.url)]
    for index, value in enumerate(items or ()):
        assert items is not None
        cid = items.text.get(index, str(value)).strip()
        component = components.get(cid)
        if component is None:
            reason = Message("unknown component '{cid}'", cid=cid)
        elif not component.url:
            reason = Message("component '{cid}' has no 'url'", cid=cid)
        elif not component.probe:
            reason = Message(
                "component '{cid}' has no 'probe', so there is nothing to compare the visitor's view with", cid=cid
            )
        elif not component.url.startswith(("https://", "http://")):
            reason = Message(
                "component '{cid}' has a url whose scheme is not written in lower case ('https://'), which the "
                "page's security policy would not let a browser fetch",
                cid=cid,
            )
        elif urlsplit(component.url).username is not None:
            reason = Message(
                "component '{cid}' has a url with a user name or password, which a browser refuses to fetch "
                "(and which the page would publish)",
                cid=cid,
            )
        elif not _fetchable(component.url, base_url):
            reason = Message(
                "component '{cid}' has an http:// url, which a browser will not fetch from an https page", cid=cid
            )
        else:
            if cid not in check:
                check.append(cid)
            continue
        fields.problems.error(
            fields.path,
            items.line_of(index),
            Message(
                "help: check: {reason}: the browser check needs a probed component with an https 'url' "
                "(candidates: {fit}).{hint}",
                reason=reason,
                fit=", ".join(fit) or Message("none"),
                hint=did_you_mean(cid, fit),
            ),
        )
    return Help(
        _contact(entry, "helpdesk", languages),
        _contact(entry, "bidding_room", languages),
        _contact(entry, "lkpp", languages),
        tuple(check),
    )


def _plain(url: str) -> bool:
    """A lower-case scheme and no credentials: what the browser check can fetch as the config wrote it."""
    return url.startswith(("https://", "http://")) and urlsplit(url).username is None


def _fetchable(url: str, page: str) -> bool:
    """Whether a page at ``page`` may fetch ``url``: browsers block http from https ("mixed content")."""
    return not (page.startswith("https:") and url.startswith("http:"))


def _contact(fields: Fields, key: str, languages: tuple[str, ...]) -> Contact | None:
    data = fields.submapping(key)
    if data is None:
        return None
    entry = fields.within(data, Message("{key}: ", key=key))
    entry.unknown_keys(CONTACT.names)
    url = entry.read(CONTACT["url"])
    if url is not None and (problem := web_address(url)):
        entry.error("url", Message("url '{url}' is not a web address: {problem}", url=url, problem=problem))
        url = None
    email = entry.read(CONTACT["email"])
    if email is not None and not re.fullmatch(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", email, flags=re.ASCII):
        entry.error(
            "email", Message("email '{email}' is not an e-mail address such as 'helpdesk@example.go.id'", email=email)
        )
        email = None
    phone = entry.read(CONTACT["phone"])
    if phone is not None and not re.fullmatch(r"\+?[0-9 ()./-]*[0-9][0-9 ()./-]*", phone):
        entry.error(
            "phone",
            Message("phone '{phone}' must be a number: digits, spaces, '+', '-', '(' and ')' only", phone=phone),
        )
        phone = None
    return Contact(
        name=entry.read(CONTACT["name"], languages),
        email=email,
        phone=phone,
        address=entry.read(CONTACT["address"], languages),
        hours=entry.read(CONTACT["hours"], languages),
        url=url,
        note=entry.read(CONTACT["note"], languages),
    )
