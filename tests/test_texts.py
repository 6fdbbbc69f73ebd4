"""Every text of ``status.yml`` through every output format, and what the configuration refuses.

Each text field in turn holds hostile words (markup, quotes, a template expression, an iCalendar
line of its own); the site is built and every file read back by a reader of its format: the HTML
scanned for anything that could run (tests/safety.py), each XML document parsed, each JSON document
parsed, each calendar parsed with icalendar, and split at every kind of line break a reader might
use, without a single forged event. A name or a title that spans lines is refused at its line.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from xml.etree import ElementTree

import icalendar
import pytest

from statusgen import build as pipeline
from statusgen.render import TEMPLATES
from tests.safety import scan_site
from tests.test_build import digest
from tests.test_clients import MAINTENANCE

NOW = "2026-11-26T10:00+08:00"

# Every text field of status.yml that reaches a page, a feed, the API, a calendar or a badge.
# {x} is replaced by a YAML double-quoted string.
CONFIG = """\
title: {title}
description: {description}
base_url: https://example.github.io/status/
languages: [id, en]
organization:
  name: {organization_name}
  address: {organization_address}
  city: {organization_city}
signatory:
  role: {signatory_role}
  name: {signatory_name}
  id_number: {signatory_id_number}
help:
  helpdesk:
    name: {helpdesk_name}
    email: helpdesk@example.org
    address: {helpdesk_address}
    hours: {helpdesk_hours}
    note: {helpdesk_note}
components:
  - id: spse
    name: {component_name}
    group: {component_group}
    description: {component_description}
  - id: internet
    name: Internet
"""
FIELDS = {
    # field: (its line in CONFIG, whether it must be one line)
    "title": (1, True),
    "description": (2, False),
    "organization_name": (6, True),
    "organization_address": (7, False),
    "organization_city": (8, True),
    "signatory_role": (10, True),
    "signatory_name": (11, True),
    "signatory_id_number": (12, True),
    "helpdesk_name": (15, True),
    "helpdesk_address": (17, False),
    "helpdesk_hours": (18, False),
    "helpdesk_note": (19, False),
    "component_name": (22, True),
    "component_group": (23, True),
    "component_description": (24, False),
}
PLAIN = {field: f'"{field.replace("_", " ").title()}"' for field in FIELDS}
HOSTILE = (
    "<script>alert(1)</script><img src=x onerror=alert(2)> \"q\" 'a' & ]]> {{ 7*7 }} "
    "<a href='javascript:alert(3)'>x</a>"
)
FORGED_EVENT = "BEGIN:VEVENT\nUID:palsu\nSUMMARY:Palsu\nEND:VEVENT"
BREAKS = {"LF": "\n", "CR": "\r", "NEL": "\x85", "LS": "\u2028"}  # PS and CRLF read as these do


def quoted(text: str) -> str:
    """``text`` as a YAML double-quoted string, every break and quote escaped."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    for name, char in (("\\n", "\n"), ("\\r", "\r"), ("\\N", "\x85"), ("\\L", "\u2028"), ("\\P", "\u2029")):
        escaped = escaped.replace(char, name)
    return f'"{escaped}"'


def config_with(field: str, text: str) -> str:
    return CONFIG.format(**(PLAIN | {field: quoted(text)}))


def read_back(site: Path) -> int:
    """Read every file as its own kind of reader would; the number of calendar events found."""
    assert scan_site(site) == []
    events = 0
    for path in sorted(site.rglob("*")):
        if path.suffix == ".xml" or path.suffix == ".svg":
            ElementTree.parse(path)
        elif path.suffix == ".json":
            json.loads(path.read_bytes())
        elif path.suffix == ".ics":
            raw = path.read_bytes().decode()
            parsed = icalendar.Calendar.from_ical(raw)
            found = len(parsed.walk("VEVENT"))
            # However a reader splits lines (CRLF, CR, LF, NEL, LS, PS), only real events begin one.
            lines = re.split("\r\n|[\r\n\x85\u2028\u2029]", raw)
            assert sum(line == "BEGIN:VEVENT" for line in lines) == found, path
            assert not any(line.startswith("UID:palsu") for line in lines), path
            events += found
    return events


@pytest.mark.parametrize("field", sorted(FIELDS))
@pytest.mark.slow
def test_hostile_words_in_every_field_reach_every_format_as_words(make_site, cli, field: str) -> None:
    site = make_site(config_with(field, HOSTILE))
    site.incident("2026-11-29-pembaruan", MAINTENANCE)
    result = cli("build", "--config", site.config, "--out", site.out, "--now", NOW)
    assert result.code == 0, result.err
    assert read_back(site.out) == 2  # the one maintenance, in the Indonesian and the English calendar
    # "{{ 7*7 }}" is never evaluated anywhere.
    assert not any("49" in p.read_text(encoding="utf-8", errors="replace") for p in site.out.rglob("*.xml"))


@pytest.mark.parametrize("brk", sorted(BREAKS))
@pytest.mark.parametrize("field", sorted(FIELDS))
@pytest.mark.slow
def test_a_line_break_is_refused_in_a_name_and_harmless_in_a_description(make_site, cli, field, brk) -> None:
    line, one_line = FIELDS[field]
    site = make_site(config_with(field, f"Baris satu{BREAKS[brk]}{FORGED_EVENT}"))
    site.incident("2026-11-29-pembaruan", MAINTENANCE)
    result = cli("check", "--config", site.config, "--strict")
    key = (
        field.split("_", 1)[1]
        if field.startswith(("organization_", "signatory_", "helpdesk_", "component_"))
        else field
    )
    if one_line:
        assert result.code == 1
        assert f"status.yml:{line}: " in result.err and f"'{key}' must be one line" in result.err, result.err
        assert cli("build", "--config", site.config, "--out", site.out, "--now", NOW).code == 1
        assert not site.out.exists()
    else:
        assert result.code == 0, result.err
        assert cli("build", "--config", site.config, "--out", site.out, "--now", NOW).code == 0
        assert read_back(site.out) == 2


BASE_URL_CASES = [
    "https://x.github.io//evil.example/",
    "https://lpse.example.go.id//status/",
    "https://lpse.example.go.id/status//",
]


@pytest.mark.parametrize("url", BASE_URL_CASES)
def test_a_base_url_with_an_empty_path_segment_is_refused(make_site, cli, url: str) -> None:
    site = make_site(f"title: Uji\nbase_url: {url}\ncomponents:\n  - id: spse\n")
    result = cli("check", "--config", site.config)
    assert result.code == 1
    assert f"status.yml:2: base_url '{url}' has '//' in its path: write one '/' between its parts" in result.err


@pytest.mark.slow
def test_a_link_out_of_the_templates_folder_is_refused(make_site, cli, tmp_path, monkeypatch) -> None:
    site = make_site("title: Uji\nbase_url: https://example.github.io/status/\ncomponents:\n  - id: spse\n")
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    monkeypatch.setattr(pipeline, "TEMPLATES", templates)
    assert cli("build", "--config", site.config, "--out", site.out, "--now", NOW).code == 0
    before = digest(site.out)
    secret = tmp_path / "config"
    secret.write_text("[http]\n\textraheader = AUTHORIZATION: basic rahasia\n", encoding="utf-8")
    for link, target in [("static/env.txt", "/proc/self/environ"), ("static/config", secret), ("static", None)]:
        path = templates / link
        if target is None:  # the whole static folder a link out of the templates
            shutil.move(templates / "static", tmp_path / "static-out")
            path.symlink_to(tmp_path / "static-out")
        else:
            path.symlink_to(target)
        result = cli("build", "--config", site.config, "--out", site.out, "--now", NOW)
        assert result.code == 1
        assert f"templates/{link}:1: a link that leads out of the templates folder" in result.err
        assert digest(site.out) == before  # the last good site stays, without the secret
        path.unlink()
        if target is None:
            shutil.move(tmp_path / "static-out", templates / "static")
    # A link inside the folder to another file of it is fine.
    (templates / "static" / "icon.svg").symlink_to(templates / "static" / "favicon.svg")
    assert cli("build", "--config", site.config, "--out", site.out, "--now", NOW).code == 0
    assert (site.out / "static" / "icon.svg").read_bytes() == (TEMPLATES / "static" / "favicon.svg").read_bytes()


CHECK_CONFIG = """\
title: Uji
base_url: https://example.github.io/status/
help:
  check: [spse]
components:
  - id: spse
    name: SPSE
    url: {url}
    probe:
      url: https://spse.example.org/eproc4
"""


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("HTTPS://spse.example.org/eproc4", "has a url whose scheme is not written in lower case"),
        ("Https://spse.example.org/eproc4", "has a url whose scheme is not written in lower case"),
        ("https://u:p@spse.example.org/eproc4", "has a url with a user name or password"),
        ("https://u@spse.example.org/eproc4", "has a url with a user name or password"),
    ],
)
def test_the_browser_check_refuses_an_address_no_browser_would_fetch(make_site, cli, url: str, reason: str) -> None:
    site = make_site(CHECK_CONFIG.format(url=url))
    result = cli("check", "--config", site.config)
    assert result.code == 1
    assert f"status.yml:4: help: check: component 'spse' {reason}" in result.err, result.err
    good = make_site(CHECK_CONFIG.format(url="https://spse.example.org/eproc4"), name="good")
    assert cli("check", "--config", good.config).code == 0
