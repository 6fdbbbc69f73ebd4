"""`generate.py init`: a new site for any LPSE, by flags and by answering prompts.

Each test runs in its own folder under tmp_path (the working folder, so messages show ``status.yml``)
with a fixed clock (``--now``). The expected files are written out literally below and were worked
out by hand from the answers given; `check --strict` and `build` then run on what was written.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
import yaml

NOW = "2026-12-05T10:00+07:00"  # 10:00 WIB on 5 December 2026: "today" in Asia/Jakarta is 2026-12-05

# LPSE Kabupaten Banjar in Asia/Jakarta, with a helpdesk, the LKPP call centre, SPSE on INAPROC and two more.
BANJAR = (
    "--name", "LPSE Kabupaten Banjar",
    "--short-name", "LPSE Banjar",
    "--base-url", "https://lpse-banjar.github.io/status",
    "--timezone", "Asia/Jakarta",
    "--helpdesk-email", "helpdesk@lpse.banjarkab.go.id",
    "--helpdesk-phone", "(0511) 4721234",
    "--lkpp",
    "--lpse-code", "banjarkab",
    "--component", "internet", "Koneksi internet",
    "--component", "sirup", "SiRUP", "https://sirup.lkpp.go.id/",
)  # fmt: skip

# What BANJAR writes with --lang en. By hand: the title is "Status Layanan <name>" / "<name> Service Status";
# base_url gains its final "/"; history_start is today in Asia/Jakarta (NOW is 10:00 there, so 2026-12-05);
# the phone starts with "(" and is quoted, as is "144", which YAML would read as a number; the SPSE component
# is "spse", named "SPSE " + the short name, at https://spse.inaproc.id/<code>/, probed there without a keyword;
# "internet" has no URL, so no probe; "sirup" has one, so it is probed; the browser check takes the first probed
# https component, spse; the probe's comment is written once, above the first probe.
BANJAR_EN = """\
# Status page of LPSE Kabupaten Banjar, begun by 'generate.py init'. Every key: see the configuration reference.
# The site's name, in each of its languages.
title:
  id: Status Layanan LPSE Kabupaten Banjar
  en: LPSE Kabupaten Banjar Service Status
# The organisation's short name, as running text names it.
short_name: LPSE Banjar
# Where the site is published: links and feeds are made from it.
base_url: https://lpse-banjar.github.io/status/
# The page's languages: the first is the default, at the site's root; the others get /<code>/.
languages: [id, en]
# The IANA time zone of the days, and of every time shown or written without an offset.
timezone: Asia/Jakarta
# The first day of the uptime history; days before it are not shown.
history_start: 2026-12-05
# Where the probes run; without 'vantages:', GitHub's servers alone. See docs/vantages.md:
# vantages:
#   - {id: github, name: GitHub, kind: public}
#   - {id: kantor, name: Kantor, kind: inside}
# Where vendors hear of outages; each address is a repository secret. See docs/notifications.md:
# notify:
#   - {name: telegram, url_env: NOTIFY_TELEGRAM, title: Telegram}
#   - {name: surel, url_env: NOTIFY_EMAIL, send: [updates, maintenance]}
# Printed at the top of every outage record; 'address:' and 'city:' may be added.
organization:
  name: LPSE Kabupaten Banjar
# "Need help?" on the home page: list only contacts the organisation has confirmed.
help:
  # Reporting a problem to the organisation itself.
  helpdesk:
    email: helpdesk@lpse.banjarkab.go.id
    phone: "(0511) 4721234"
  # Central help: the LKPP call centre.
  lkpp:
    name:
      id: Call center LKPP
      en: LKPP call centre
    phone: "144"
  # The browser check: the visitor's browser tries these components' addresses.
  check: [spse]
# The services, in display order. Incident files name them by id: do not change an id once used.
components:
  - id: spse
    name: SPSE LPSE Banjar
    url: https://spse.inaproc.id/banjarkab/
    # How 'generate.py probe' checks it: the address it requests.
    probe:
      url: https://spse.inaproc.id/banjarkab/
  - id: internet
    name: Koneksi internet
  - id: sirup
    name: SiRUP
    url: https://sirup.lkpp.go.id/
    probe:
      url: https://sirup.lkpp.go.id/
"""


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working folder; stdin is empty (end of input) unless ``answers`` says otherwise."""
    monkeypatch.chdir(tmp_path)
    answers(monkeypatch, "")
    return tmp_path


def answers(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    """What the officer types, one answer a line; the end of the text is the end of input."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))


def listing(root: Path) -> list[str]:
    """Every file and folder under ``root``, hidden ones too."""
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def builds(cli, root: Path) -> None:
    """`check --strict` passes with no warning, and `build` writes the site."""
    run = cli("check", "--strict", "--config", root / "status.yml")
    assert run.code == 0, run.err
    assert run.err == ""
    run = cli("build", "--config", root / "status.yml", "--out", root / "site", "--now", NOW)
    assert run.code == 0, run.err
    assert (root / "site" / "index.html").is_file()


# 1. By flags: nothing asked.


def test_init_by_flags_writes_a_site_that_checks_and_builds(folder, cli) -> None:
    run = cli("init", *BANJAR, "--now", NOW, "--lang", "en")
    assert run.code == 0, run.err
    assert run.err == ""
    # Nothing asked (no prompt on stdout), only what was written and what comes next.
    assert run.out == (
        "Written: status.yml and incidents/\n"
        "Next: 'python3 generate.py check --strict', then 'python3 generate.py build'.\n"
    )
    assert (folder / "status.yml").read_text(encoding="utf-8") == BANJAR_EN
    # status.yml and an empty incidents/ kept in git by .gitkeep: nothing else.
    assert listing(folder) == ["incidents", "incidents/.gitkeep", "status.yml"]
    assert (folder / "incidents" / ".gitkeep").read_bytes() == b""
    builds(cli, folder)


def test_the_written_file_is_the_yaml_it_looks_like(folder, cli) -> None:
    # Read by PyYAML itself, not by the product's reader: the quoted values are text.
    assert cli("init", *BANJAR, "--now", NOW).code == 0
    data = yaml.safe_load((folder / "status.yml").read_text(encoding="utf-8"))
    assert data["help"]["lkpp"]["phone"] == "144"
    assert data["help"]["helpdesk"]["phone"] == "(0511) 4721234"
    assert [c["id"] for c in data["components"]] == ["spse", "internet", "sirup"]
    assert data["components"][0]["probe"] == {"url": "https://spse.inaproc.id/banjarkab/"}


def test_a_keyword_and_hours_with_dashes_are_written_and_read_back(folder, cli) -> None:
    # "Senin–Jumat 08.00–16.00 WIB" holds en dashes, so it is quoted; the keyword goes under the SPSE probe.
    run = cli(
        "init", "--name", "LPSE Kota Contoh", "--short-name", "LPSE Contoh", "--base-url", "https://contoh.example/",
        "--timezone", "Asia/Jayapura", "--lpse-code", "contohkota", "--keyword", "SPSE",
        "--helpdesk-hours", "Senin–Jumat 08.00–16.00 WIB", "--now", NOW,
    )  # fmt: skip
    assert run.code == 0, run.err
    text = (folder / "status.yml").read_text(encoding="utf-8")
    assert '    hours: "Senin–Jumat 08.00–16.00 WIB"\n' in text
    assert "    probe:\n      url: https://spse.inaproc.id/contohkota/\n      keyword: SPSE\n" in text
    # No --lkpp: the call centre is listed only when the officer agrees.
    assert "lkpp" not in text
    # NOW is 10:00 UTC+07:00, which is 12:00 in Asia/Jayapura (UTC+09:00): still 2026-12-05 there.
    assert "history_start: 2026-12-05\n" in text
    builds(cli, folder)


def test_today_is_the_day_in_the_sites_zone(folder, cli) -> None:
    # 2026-12-05T23:30+07:00 is 2026-12-06 01:30 in Asia/Jayapura (UTC+09:00): the history starts on the 6th.
    run = cli(*init_args("Asia/Jayapura"), "--now", "2026-12-05T23:30+07:00")
    assert run.code == 0, run.err
    assert "history_start: 2026-12-06\n" in (folder / "status.yml").read_text(encoding="utf-8")


def init_args(zone: str = "Asia/Jakarta", *more: str) -> tuple[str, ...]:
    """The least ``init`` needs to ask nothing."""
    return (
        "init", "--name", "LPSE Kabupaten Banjar", "--short-name", "LPSE Banjar",
        "--base-url", "https://lpse-banjar.github.io/status/", "--timezone", zone, "--lpse-code", "banjarkab", *more,
    )  # fmt: skip


def test_the_config_option_names_the_folder(folder, cli) -> None:
    run = cli(*init_args(), "--config", "banjar/status.yml", "--now", NOW, "--history-start", "2026-01-01")
    assert run.code == 0, run.err
    assert run.out.startswith("Ditulis: banjar/status.yml dan banjar/incidents/\n")
    assert listing(folder / "banjar") == ["incidents", "incidents/.gitkeep", "status.yml"]
    assert "history_start: 2026-01-01\n" in (folder / "banjar" / "status.yml").read_text(encoding="utf-8")
    builds(cli, folder / "banjar")


# 2. The language of the comments.


def test_comments_are_in_indonesian_by_default_and_english_with_lang_en(folder, cli) -> None:
    assert cli(*init_args(), "--config", "id/status.yml", "--now", NOW).code == 0
    assert cli(*init_args(), "--config", "en/status.yml", "--now", NOW, "--lang", "en").code == 0
    indonesian = (folder / "id" / "status.yml").read_text(encoding="utf-8")
    english = (folder / "en" / "status.yml").read_text(encoding="utf-8")
    assert (
        "# Zona waktu IANA untuk hari, dan untuk setiap waktu yang ditampilkan atau ditulis tanpa selisih UTC.\n"
        in indonesian
    )
    assert "# The IANA time zone of the days, and of every time shown or written without an offset.\n" in english

    # Only the comments differ: the same keys and values, line for line.
    def values(text: str) -> list[str]:
        return [line for line in text.splitlines() if not line.lstrip().startswith("#")]

    assert values(indonesian) == values(english)
    assert [line for line in indonesian.splitlines() if line.startswith("#")] != [
        line for line in english.splitlines() if line.startswith("#")
    ]


def test_nothing_of_another_lpse_is_written(folder, cli) -> None:
    # A site for LPSE Kabupaten Banjar in Asia/Jakarta names neither Kalsel nor WITA, in either language.
    for lang in ("id", "en"):
        assert cli("init", *BANJAR, "--config", f"{lang}/status.yml", "--now", NOW, "--lang", lang).code == 0
        text = (folder / lang / "status.yml").read_text(encoding="utf-8")
        for word in ("Kalsel", "Kalimantan", "kalselprov", "WITA", "Makassar"):
            assert word.lower() not in text.lower(), (lang, word)


# 3. By prompts.


def test_init_by_prompts(folder, cli, monkeypatch) -> None:
    # Each line answers one question, in order: name, short name, a bad address then a good one, an unknown
    # zone then number 3 (Asia/Jayapura), Enter for today, a bad e-mail then a good one, Enter for the phone,
    # hours and URL, "maybe" then "y" for LKPP, a bad code then a good one, Enter for no keyword, then the
    # services: a bad id, then "internet" with its name and no address, "web" with its default name, an
    # address and "n" for no probe, and Enter for no more.
    answers(
        monkeypatch,
        "LPSE Kota Contoh\nLPSE Contoh\nftp://x\nhttps://contoh.example/status\nMars/Base\n3\n\n"
        "not-an-email\nhelp@contoh.go.id\n\n\n\nmaybe\ny\nContoh Kota\ncontohkota\n\n"
        "Bad Id\ninternet\nKoneksi internet\n\nweb\n\nhttps://contoh.example/\nn\n\n",
    )
    run = cli("init", "--now", NOW, "--lang", "en")
    assert run.code == 0, run.err
    # The zones offered, labelled as they are named at NOW.
    assert "Time zone:\n  1. Asia/Jakarta – WIB\n  2. Asia/Makassar – WITA\n  3. Asia/Jayapura – WIT\n" in run.out
    # Today in Asia/Jayapura is offered as the default first day.
    assert "First day of history (YYYY-MM-DD) [2026-12-05]: " in run.out
    # Every bad answer was said, as check says it, and asked again.
    assert run.err == (
        "base_url 'ftp://x' is not an absolute web address: it must start with https:// (or http://) and name a "
        "host, e.g. 'https://example.github.io/status/'\n"
        "unknown time zone 'Mars/Base': use an IANA name such as Asia/Jakarta, Asia/Makassar, Asia/Jayapura.\n"
        "help: helpdesk: email 'not-an-email' is not an e-mail address such as 'helpdesk@example.go.id'\n"
        "answer y (yes) or n (no), not 'maybe'\n"
        "the LPSE code 'Contoh Kota' may only hold a-z, 0-9 and '-', as in https://spse.inaproc.id/banjarkab/\n"
        "component id 'Bad Id' may only hold a-z, 0-9 and '-': use 'bad-id'\n"
    )
    text = (folder / "status.yml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert data["base_url"] == "https://contoh.example/status/"
    assert data["timezone"] == "Asia/Jayapura"
    assert data["history_start"].isoformat() == "2026-12-05"  # PyYAML reads a date
    assert data["help"] == {
        "helpdesk": {"email": "help@contoh.go.id"},
        "lkpp": {"name": {"id": "Call center LKPP", "en": "LKPP call centre"}, "phone": "144"},
        "check": ["spse"],
    }
    assert data["components"] == [
        {
            "id": "spse",
            "name": "SPSE LPSE Contoh",
            "url": "https://spse.inaproc.id/contohkota/",
            "probe": {"url": "https://spse.inaproc.id/contohkota/"},
        },
        {"id": "internet", "name": "Koneksi internet"},
        {"id": "web", "name": "web", "url": "https://contoh.example/"},
    ]
    builds(cli, folder)


def test_without_answers_each_missing_one_is_named_by_its_flag(folder, cli) -> None:
    # No terminal, no input: every required answer is missing, and each error names its flag.
    run = cli("init", "--base-url", "https://contoh.example/", "--now", NOW, "--lang", "en")
    assert run.code == 1
    missing = [line for line in run.err.splitlines() if "no answer for" in line]
    assert missing == [
        f'generate.py init: no answer for {flag}: write {flag} "..." on the command line, or leave it out and '
        "answer the question"
        for flag in ("--name", "--short-name", "--timezone")
    ]
    assert "generate.py init: name at least one service" not in run.err  # said only once the rest is right
    assert listing(folder) == []


def test_without_a_service_it_says_how_to_name_one(folder, cli) -> None:
    run = cli(
        "init", "--name", "LPSE Kabupaten Banjar", "--short-name", "LPSE Banjar", "--timezone", "Asia/Jakarta",
        "--base-url", "https://contoh.example/", "--now", NOW, "--lang", "en",
    )  # fmt: skip
    assert run.code == 1
    assert run.err.endswith(
        "generate.py init: name at least one service: --lpse-code CODE for SPSE on INAPROC, or --component ID "
        "NAME URL\n"
    )
    assert listing(folder) == []


# 4. Bad flags: all reported at once, nothing written.


def test_bad_flags_are_all_reported_and_nothing_is_written(folder, cli) -> None:
    run = cli(
        "init", "--name", "LPSE Kabupaten Banjar", "--short-name", "LPSE Banjar",
        "--base-url", "lpse-banjar.github.io/status", "--timezone", "Asia/Jakrta", "--lpse-code", "banjarkab",
        "--component", "Internet Kantor", "Internet", "--lang", "en", "--now", NOW,
    )  # fmt: skip
    assert run.code == 1
    # One line each, in the order asked; the zone's hint is the closest IANA name.
    assert run.err == (
        "generate.py init: base_url 'lpse-banjar.github.io/status' is not an absolute web address: it must start "
        "with https:// (or http://) and name a host, e.g. 'https://example.github.io/status/'\n"
        "generate.py init: unknown time zone 'Asia/Jakrta': use an IANA name such as Asia/Jakarta, Asia/Makassar, "
        "Asia/Jayapura. Did you mean 'Asia/Jakarta'?\n"
        "generate.py init: component id 'Internet Kantor' may only hold a-z, 0-9 and '-': use 'internet-kantor'\n"
    )
    assert run.out == ""
    assert listing(folder) == []


def test_bad_flags_are_said_in_indonesian_by_default(folder, cli) -> None:
    run = cli(*init_args("WITA"), "--now", NOW)
    assert run.code == 1
    assert run.err == (
        "generate.py init: zona waktu 'WITA' tidak dikenal: pakai nama IANA seperti Asia/Jakarta, Asia/Makassar, "
        "Asia/Jayapura.\n"
    )


@pytest.mark.parametrize(
    ("flags", "error"),
    [
        (("--helpdesk-phone", "call us"),
         "help: helpdesk: phone 'call us' must be a number: digits, spaces, '+', '-', '(' and ')' only"),
        (("--helpdesk-url", "www.example"),
         "help: helpdesk: url 'www.example' is not a web address: it must start with https:// (or http://) and "
         "name a host"),
        (("--history-start", "2026-13-01"),
         "'history_start' is not a valid date: '2026-13-01' (month must be in 1..12). Write 'YYYY-MM-DD', e.g. "
         "'2011-01-01'"),
        (("--component", "spse", "SPSE lama"), "component id 'spse' is taken already: choose another"),
        (("--component", "web", "Web", "https://contoh.example/", "maybe"),
         "--component web: write 'probe' or 'no-probe' last"),
        (("--component", "web", "Web", "", "probe"), "--component web: a probe needs the service's URL"),
        (("--component", "web", "Web", "https://contoh.example/", "probe", "x"),
         "--component web Web https://contoh.example/ probe x: write ID [NAME [URL [probe|no-probe]]], with a name "
         "of several words in quotes"),
        (("--base-url", "https://contoh.example/status?x=1"),
         "base_url must not have a '?query' or '#fragment': remove it"),
    ],
)  # fmt: skip
def test_each_bad_flag_is_said_as_check_says_it(folder, cli, flags, error) -> None:
    run = cli(*init_args(), *flags, "--now", NOW, "--lang", "en")
    assert run.code == 1
    assert run.err == f"generate.py init: {error}\n"
    assert listing(folder) == []


# 5. An existing site is kept.


def test_an_existing_status_yml_is_not_overwritten_unless_forced(folder, cli) -> None:
    (folder / "status.yml").write_text("title: lama\n", encoding="utf-8")
    run = cli(*init_args(), "--now", NOW, "--lang", "en")
    assert run.code == 1
    assert run.err == "generate.py init: status.yml exists already: not overwritten (--force replaces it)\n"
    assert run.out == ""  # refused before any question
    assert (folder / "status.yml").read_text(encoding="utf-8") == "title: lama\n"
    assert listing(folder) == ["status.yml"]

    run = cli(*init_args(), "--now", NOW, "--force")
    assert run.code == 0, run.err
    assert (folder / "status.yml").read_text(encoding="utf-8").startswith("# Halaman status LPSE Kabupaten Banjar")
    assert listing(folder) == ["incidents", "incidents/.gitkeep", "status.yml"]


def test_incidents_are_kept_even_when_forced(folder, cli) -> None:
    incident = folder / "incidents" / "2026-01-02-spse.md"
    incident.parent.mkdir()
    incident.write_text("---\ntitle: x\n---\n", encoding="utf-8")
    run = cli(*init_args(), "--now", NOW, "--lang", "en")
    assert run.code == 1
    assert run.err == (
        "generate.py init: incidents holds files already: this is not a new site (with --force, status.yml is "
        "written and they are kept)\n"
    )
    assert listing(folder) == ["incidents", "incidents/2026-01-02-spse.md"]
    run = cli(*init_args(), "--now", NOW, "--force")
    assert run.code == 0, run.err
    assert incident.read_text(encoding="utf-8") == "---\ntitle: x\n---\n"
    assert listing(folder) == ["incidents", "incidents/.gitkeep", "incidents/2026-01-02-spse.md", "status.yml"]


def test_an_empty_incidents_folder_is_fine(folder, cli) -> None:
    # incidents/ with only its .gitkeep is what init itself writes: a second folder of that kind is no site yet.
    (folder / "incidents").mkdir()
    (folder / "incidents" / ".gitkeep").write_bytes(b"")
    run = cli(*init_args(), "--now", NOW)
    assert run.code == 0, run.err
    assert listing(folder) == ["incidents", "incidents/.gitkeep", "status.yml"]
