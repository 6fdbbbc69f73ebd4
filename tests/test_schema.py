"""The schema is the one declaration of the configuration: the readers take their keys, bounds and defaults
from it, and the records their defaults."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from statusgen import schema
from statusgen.config import load_config
from statusgen.model import Bandwidth, Channel, Config, Probe, Signatory, Text
from statusgen.problems import Problems

MINIMAL = """\
title: Uji
base_url: https://example.github.io/status/
components:
  - id: spse
    name: SPSE
    probe:
      url: https://spse.example.go.id/
"""

# Every key of every table of status.yml, each with a valid value: the reader must know them all.
EVERY_KEY = """\
title: Uji
base_url: https://example.github.io/status/
description: Satu kalimat.
timezone: Asia/Jakarta
history_start: 2015-01-01
max_gap: 10
stale_after: 20
sla_target: 99
organization: {name: LPSE Uji, address: Jalan Uji 1, city: Kota Uji}
signatory: {role: Kepala, name: Nama, id_number: "123"}
languages: [id, en]
help:
  helpdesk: {name: Helpdesk, email: a@example.go.id, phone: "0511 1", address: Kantor, hours: 8-16,
             url: https://example.go.id/, note: Catatan}
  bidding_room: {address: Ruang}
  lkpp: {phone: "144"}
  check: [spse]
components:
  - id: spse
    name: SPSE
    group: LPSE
    since: 2016-01-01
    description: Aplikasi.
    url: https://spse.example.go.id/
    sla_target: 98
    probe: {url: https://spse.example.go.id/, method: HEAD, expect_status: [200], keyword: SPSE, timeout: 5,
            degraded_ms: 2000, retries: 2, from: [luar]}
  - id: internet
    probe:
      targets: [https://a.example.net/, https://b.example.net/]
      from: [kantor]
      bandwidth: {url: https://speed.example.net/f.bin, upload_url: https://speed.example.net/up, target_mbps: 40,
                  every: 30, seconds: 5, megabytes: 20}
vantages:
  - {id: luar, name: Luar negeri, kind: public}
  - {id: kantor, name: Kantor, kind: inside, uplink: internet, source: https://github.com/o/kantor.git}
instances: {file: lpse.csv, url: "https://lpse.example.go.id/{code}/", keyword: SPSE, timeout: 5, retries: 0,
            group: "LPSE di {province}", group_by: province}
notify:
  - {name: telegram, url_env: NOTIFY_TELEGRAM, title: Telegram, language: en, send: [outages, updates],
     components: [spse], remind_before: 60, join: Ikuti kanal kami., join_url: https://t.me/example}
"""
READ_FROM_STATUS_YML = (
    "site", "component", "instances", "probe", "bandwidth", "vantage", "notify", "organization", "signatory", "help",
    "contact",
)  # fmt: skip


def load(tmp_path: Path, text: str) -> tuple[Config | None, Problems]:
    (tmp_path / "lpse.csv").write_text("code,name,province\nujikab,LPSE Kabupaten Uji,Uji\n", encoding="utf-8")
    path = tmp_path / "status.yml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    problems = Problems()
    return load_config(path, problems), problems


def test_a_minimal_configuration_gets_the_declared_defaults(tmp_path: Path) -> None:
    config, problems = load(tmp_path, MINIMAL)
    assert config is not None, problems.items
    # The defaults, written out by hand from the reference: 15 and 30 minutes, 99.5 %, WIB (Asia/Jakarta,
    # the capital's zone: no LPSE's own); no history_start:
    # the history then starts at the first record, worked out by the build.
    assert (config.max_gap, config.stale_after) == (15 * 60, 30 * 60)
    assert config.sla_target == 99.5
    assert config.timezone.key == "Asia/Jakarta"
    assert config.history_start is None
    assert config.languages == ("id", "en")
    assert config.signatory == Signatory(role="Kepala LPSE")
    assert config.components[0].probe == Probe("https://spse.example.go.id/", "GET", (), None, 10.0, None, 1)


def test_the_records_defaults_are_the_readers_defaults(tmp_path: Path) -> None:
    """A record made without the optional values equals one read from a file that leaves them out."""
    config, _ = load(tmp_path, MINIMAL)
    assert config is not None
    bare = Config(config.path, config.title, config.base_url, config.timezone, config.history_start, config.components)
    assert bare == config
    assert Probe("https://spse.example.go.id/") == config.components[0].probe


def test_every_declared_key_is_read(tmp_path: Path) -> None:
    """A file using every key the schema declares for status.yml is valid: no key is declared and then refused."""
    declared = {table.name for table in schema.TABLES} - {"incident", "update", "translation"}
    assert declared == set(READ_FROM_STATUS_YML)
    config, problems = load(tmp_path, EVERY_KEY)
    assert [str(p) for p in problems.items] == []
    assert config is not None
    probe = config.components[0].probe
    assert probe == Probe("https://spse.example.go.id/", "HEAD", (200,), "SPSE", 5.0, 2000, 2, vantages=("luar",))
    uplink = config.components[1].probe
    assert uplink is not None and uplink.targets == ("https://a.example.net/", "https://b.example.net/")
    assert uplink.bandwidth == Bandwidth(
        "https://speed.example.net/f.bin", 40.0, "https://speed.example.net/up", 30 * 60, 5.0, 20
    )
    assert [(v.id, v.kind, v.uplink) for v in config.vantages] == [
        ("luar", "public", None),
        ("kantor", "inside", "internet"),
    ]
    assert (config.max_gap, config.stale_after, config.sla_target) == (600, 1200, 99.0)
    assert [(c.id, c.group, c.url) for c in config.components[2:]] == [
        ("ujikab", "LPSE di Uji", "https://lpse.example.go.id/ujikab/")
    ]
    assert config.channels == (
        Channel("telegram", "NOTIFY_TELEGRAM", Text("Telegram"), "en", ("outages", "updates"), ("spse",), 3600,
                Text("Ikuti kanal kami."), "https://t.me/example"),
    )  # fmt: skip


@pytest.mark.parametrize("table", [t for t in schema.TABLES if t.name in READ_FROM_STATUS_YML], ids=str)
def test_a_key_the_schema_does_not_declare_is_refused(tmp_path: Path, table: schema.Table) -> None:
    """Unknown-key detection takes the schema's names: a key one letter off is refused, naming the right one or
    listing the known ones."""
    first = table.keys[0].name
    wrong = first[:-1] + ("x" if first[-1] != "x" else "y")
    # Put the misspelt key into the mapping the table describes.
    text = EVERY_KEY
    where = {
        "site": ("title: Uji\n", f"title: Uji\n{wrong}: 1\n"),
        "component": ("    group: LPSE\n", f"    group: LPSE\n    {wrong}: 1\n"),
        "probe": ("probe: {url:", f"probe: {{{wrong}: 1, url:"),
        "organization": ("organization: {name:", f"organization: {{{wrong}: 1, name:"),
        "signatory": ("signatory: {role:", f"signatory: {{{wrong}: 1, role:"),
        "help": ("  check: [spse]\n", f"  check: [spse]\n  {wrong}: 1\n"),
        "contact": ("lkpp: {phone:", f"lkpp: {{{wrong}: 1, phone:"),
        "bandwidth": ("bandwidth: {url:", f"bandwidth: {{{wrong}: 1, url:"),
        "vantage": ("{id: luar,", f"{{{wrong}: 1, id: luar,"),
        "notify": ("{name: telegram,", f"{{{wrong}: 1, name: telegram,"),
        "instances": ("instances: {file:", f"instances: {{{wrong}: 1, file:"),
    }[table.name]
    assert where[0] in text
    _, problems = load(tmp_path, text.replace(where[0], where[1], 1))
    said = " ".join(str(p) for p in problems.items)
    assert f"unknown key '{wrong}'" in said, said
    assert f"'{first}'" in said or f"known: {', '.join(table.names)})" in said, said


@pytest.mark.parametrize(
    ("key", "value", "bounds"),
    [
        ("max_gap", "0", "from 1 to 1440"),
        ("stale_after", "10081", "from 1 to 10080"),
        ("sla_target", "101", "from 0 to 100"),
    ],
)
def test_bounds_come_from_the_schema(tmp_path: Path, key: str, value: str, bounds: str) -> None:
    # 24 × 60 = 1440 minutes in a day; 7 × 24 × 60 = 10080 in a week.
    _, problems = load(tmp_path, MINIMAL + f"{key}: {value}\n")
    said = " ".join(str(p) for p in problems.items)
    assert f"'{key}' must be" in said and bounds in said, said
    assert (schema.SITE[key].low, schema.SITE[key].high) == tuple(float(n) for n in bounds.split()[1::2])


def test_a_number_without_bounds_cannot_be_declared() -> None:
    with pytest.raises(AssertionError):
        schema.Key("x", "number", "a number")
    with pytest.raises(AssertionError):
        schema.Key("x", "colour", "not a kind")


def test_the_reference_table_of_a_small_table() -> None:
    table = schema.Table(
        "t",
        "t",
        schema.Key("name", "text", "a name", required="x"),
        schema.Key("size", "number", "how big", default=3, low=1, high=9),
        schema.Key("share", "number", "a part", default=0.5, low=0, high=1, whole=False),
        schema.Key("tags", "list", "labels", default=("a", "b")),
        schema.Key("owner", "line", "who", shown="the name"),
        schema.Key("off", "flag", "a switch", default=False),
    )
    assert schema.reference(table) == (
        "| key | type | default | meaning |\n"
        "|---|---|---|---|\n"
        "| `name` | text | required | a name |\n"
        "| `size` | whole number, 1 to 9 | `3` | how big |\n"
        "| `share` | number, 0 to 1 | `0.5` | a part |\n"
        "| `tags` | list | `[a, b]` | labels |\n"
        "| `owner` | text on one line | the name | who |\n"
        "| `off` | true or false | `false` | a switch |\n"
    )
