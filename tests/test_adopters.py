"""Any LPSE can adopt the generator: the organisation's name and its time zone come from status.yml.

The site here is a made-up "LPSE Kabupaten Banjar" in Asia/Jakarta (WIB, UTC+07:00), so that nothing
of the first adopter (LPSE Kalsel, Asia/Makassar, WITA) can pass for it: if a page, a feed or a message
still says WITA or names Kalsel, it comes from the code. Every expected value is worked out by hand
in the comments; "now" is fixed (``--now`` for a build, SOURCE_DATE_EPOCH for the staff commands).
"""

from __future__ import annotations

import io
import re
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from statusgen.times import zone_label
from tests.conftest import ROOT

WIB = ZoneInfo("Asia/Jakarta")

BANJAR = """\
title:
  id: Status Layanan LPSE Kabupaten Banjar
  en: LPSE Banjar Regency Service Status
short_name: LPSE Kabupaten Banjar
base_url: https://status.example.org/banjar/
timezone: Asia/Jakarta
history_start: 2026-01-01
languages: [id, en]
help:
  helpdesk:
    email: helpdesk@example.org
  lkpp:
    name: Call center LKPP
    phone: "144"
components:
  - id: spse
    name: SPSE
  - id: sikap
    name: SIKaP
"""

# Words of the first adopter that must never reach another site (matched case-insensitively).
FOREIGN = re.compile(r"kalsel|kalimantan|wita|makassar", re.IGNORECASE)


def clock(monkeypatch: pytest.MonkeyPatch, wib: str) -> None:
    """The staff commands' "now": a wall-clock time in WIB, e.g. ``2026-03-10 09:00``."""
    moment = datetime.fromisoformat(wib).replace(tzinfo=WIB)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(moment.timestamp())))


def answers(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    """What the staff member types, one answer a line."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))


@pytest.fixture
def banjar(make_site, monkeypatch):
    site = make_site(BANJAR)
    monkeypatch.chdir(site.root)  # staff messages then show incidents/<slug>.md
    answers(monkeypatch, "")
    return site


def foreign_words(text: str) -> list[str]:
    return sorted({match.lower() for match in FOREIGN.findall(text)})


# 1. A whole site, built and edited through the command line.


def test_a_site_of_another_lpse_names_neither_kalsel_nor_wita(banjar, cli, monkeypatch) -> None:
    printed: list[str] = []

    def run(*args: str):
        result = cli(*args)
        assert result.code == 0, result.err
        printed.extend([result.out, result.err])
        return result

    # 09:00 WIB: an outage that began at 08:30 is reported; 10:15 WIB: it is resolved.
    clock(monkeypatch, "2026-03-10 09:00")
    run("new", "--title", "SPSE tidak dapat diakses", "--component", "spse", "--severity", "major",
        "--started", "2026-03-10 08:30", "--message", "Sedang diperiksa.")  # fmt: skip
    clock(monkeypatch, "2026-03-10 10:15")
    run("resolve", "2026-03-10-spse-tidak-dapat-diakses")
    built = run("build", "--out", "site", "--now", "2026-03-10T11:00+07:00")
    # The build names its moment with the site's zone: 11:00 at UTC+07:00 is WIB.
    assert built.out.endswith(" for 2026-03-10T11:00:00+07:00 (WIB)\n"), built.out

    files = sorted(path for path in banjar.out.rglob("*") if path.is_file())
    assert len(files) > 40  # pages in two languages, feeds, the API: the scan below has something to read
    named = {
        str(path.relative_to(banjar.out)): words
        for path in files
        if (words := foreign_words(path.read_bytes().decode("utf-8", errors="replace")))
    }
    assert named == {}
    assert foreign_words("".join(printed)) == []

    # Where a zone is named, it is WIB. 10 March 2026 was a Tuesday (1 March 2026 was a Sunday).
    page = banjar.file("incidents/2026-03-10-spse-tidak-dapat-diakses/index.html")
    assert '<time datetime="2026-03-10T08:30:00+07:00">Selasa, 10 Maret 2026 pukul 08.30 WIB</time>' in page
    assert "Semua waktu dalam WIB (Asia/Jakarta)." in page
    english = banjar.file("en/incidents/2026-03-10-spse-tidak-dapat-diakses/index.html")
    assert '<time datetime="2026-03-10T10:15:00+07:00">Tuesday, 10 March 2026 at 10:15 WIB</time>' in english
    assert "All times in WIB (Asia/Jakarta)." in english
    # The feed's items carry the offset of WIB: the first update was written at 09:00 WIB.
    feed = banjar.file("feed.xml")
    assert "<pubDate>Tue, 10 Mar 2026 09:00:00 +0700</pubDate>" in feed
    assert "<pubDate>Tue, 10 Mar 2026 10:15:00 +0700</pubDate>" in feed
    # The help section names this organisation, from short_name.
    assert "layanan pusat lain yang tidak dikelola LPSE Kabupaten Banjar, hubungi LKPP." in banjar.file("index.html")


def test_the_staff_prompts_name_the_sites_zone_and_organisation(banjar, cli, monkeypatch) -> None:
    clock(monkeypatch, "2026-03-10 09:00")
    answers(
        monkeypatch,
        "SPSE lambat\n"  # title
        "1\n"  # spse
        "3\n"  # degraded
        "\n"  # cause: the default, internal
        "\n"  # start: the default, now
        "\n",  # message: the default
    )
    made = cli("new")
    assert made.code == 0, made.err
    # Indonesian, the site's first language: the organisation is short_name, the zone that of 09:00 in Jakarta.
    assert "  1. internal – di LPSE Kabupaten Banjar sendiri\n" in made.out
    assert "Waktu mulai, WIB (YYYY-MM-DD HH:MM) [2026-03-10 09:00]: " in made.out

    clock(monkeypatch, "2026-03-10 09:20")
    answers(monkeypatch, "monitoring\nSudah membaik.\n\n")  # status, message, time: the default, now
    updated = cli("update", "2026-03-10-spse-lambat")
    assert updated.code == 0, updated.err
    assert "Waktu pembaruan, WIB (YYYY-MM-DD HH:MM) [2026-03-10 09:20]: " in updated.out

    # English prompts for a maintenance window: the planned end is asked for in WIB too.
    answers(monkeypatch, "\n2026-03-12 22:00\n2026-03-13 01:00\n\n")  # cause, start, planned end, message
    planned = cli("new", "--lang", "en", "--title", "Pemeliharaan server", "--component", "spse",
                  "--severity", "maintenance")  # fmt: skip
    assert planned.code == 0, planned.err
    assert "Start time, WIB (YYYY-MM-DD HH:MM): " in planned.out
    assert "Planned end, WIB (YYYY-MM-DD HH:MM): " in planned.out
    assert foreign_words(made.out + updated.out + planned.out + made.err + updated.err + planned.err) == []


def test_a_time_in_the_future_is_refused_in_the_sites_zone(banjar, cli, monkeypatch) -> None:
    clock(monkeypatch, "2026-03-10 09:00")
    flags = ("--title", "SPSE mati", "--component", "spse", "--severity", "major", "--started", "2026-03-10 12:00")
    # 12:00 is three hours after 09:00 WIB, past the five minutes clocks may differ by.
    said = cli("new", *flags)
    assert said.code == 1
    assert said.err == (
        "generate.py new: 2026-03-10 12:00 masih di masa depan (sekarang 2026-03-10 09:00 WIB): "
        "periksa tanggal dan jamnya\n"
    )
    said = cli("new", "--lang", "en", *flags)
    assert said.err == (
        "generate.py new: 2026-03-10 12:00 is in the future (it is now 2026-03-10 09:00 WIB): check the date and time\n"
    )


def test_the_cause_menu_names_the_organisation_in_english_too(banjar, cli, monkeypatch) -> None:
    clock(monkeypatch, "2026-03-10 09:00")
    answers(monkeypatch, "SPSE slow\n1\n3\n\n\n\n")
    made = cli("new", "--lang", "en")
    assert made.code == 0, made.err
    assert "  1. internal – within LPSE Kabupaten Banjar itself\n" in made.out


# 2. short_name on the page, and its default.

HELP_TAIL = """\
base_url: https://status.example.org/banjar/
timezone: Asia/Jakarta
history_start: 2026-01-01
languages: [id, en]
help:
  lkpp:
    phone: "144"
components:
  - id: spse
"""
TITLE = "title: {id: Status LPSE Kabupaten Banjar, en: Banjar Regency LPSE Status}\n"


def help_sentences(make_site, cli, config: str) -> tuple[str, str]:
    """The LKPP paragraph of the help section, on the Indonesian and the English home page."""
    site = make_site(config)
    run = cli("build", "--config", site.config, "--out", site.out, "--now", "2026-03-10T11:00+07:00")
    assert run.code == 0, run.err
    found = []
    for page in ("index.html", "en/index.html"):
        sentences = re.findall(r"<p>((?:Untuk akun|For INAPROC accounts)[^<]*)</p>", site.file(page))
        assert len(sentences) == 1, page
        found.append(sentences[0])
    return found[0], found[1]


@pytest.mark.parametrize(
    ("config", "indonesian", "english"),
    [
        (  # short_name per language: each page takes its own
            TITLE + "short_name: {id: LPSE Kabupaten Banjar, en: Banjar Regency LPSE}\n" + HELP_TAIL,
            "LPSE Kabupaten Banjar",
            "Banjar Regency LPSE",
        ),
        (  # one short_name: the same words in both
            TITLE + "short_name: LPSE Banjar\n" + HELP_TAIL,
            "LPSE Banjar",
            "LPSE Banjar",
        ),
        (  # without short_name: the organisation's name (one line, not per language)
            TITLE + "organization:\n  name: Pemerintah Kabupaten Banjar\n" + HELP_TAIL,
            "Pemerintah Kabupaten Banjar",
            "Pemerintah Kabupaten Banjar",
        ),
        (  # without either: the title, in each page's language
            TITLE + HELP_TAIL,
            "Status LPSE Kabupaten Banjar",
            "Banjar Regency LPSE Status",
        ),
        (  # an organization without a name takes the title too
            TITLE + "organization:\n  city: Banjar\n" + HELP_TAIL,
            "Status LPSE Kabupaten Banjar",
            "Banjar Regency LPSE Status",
        ),
        (  # text, not markup: an ampersand is escaped like any other text
            TITLE + "short_name: LPSE Kota & Kabupaten Banjar\n" + HELP_TAIL,
            "LPSE Kota &amp; Kabupaten Banjar",
            "LPSE Kota &amp; Kabupaten Banjar",
        ),
    ],
    ids=["per-language", "one-line", "organization", "title", "organization-without-name", "escaped"],
)
def test_short_name_reaches_the_help_section(make_site, cli, config, indonesian, english) -> None:
    found = help_sentences(make_site, cli, config)
    assert found == (
        f"Untuk akun INAPROC, SIKaP, e-Katalog dan layanan pusat lain yang tidak dikelola {indonesian}, hubungi LKPP.",
        f"For INAPROC accounts, SIKaP, e-Katalog and other central services that {english} does not run, contact LKPP.",
    )


def test_short_name_on_two_lines_is_refused(make_site, cli) -> None:
    site = make_site(TITLE + 'short_name: "LPSE\\nBanjar"\n' + HELP_TAIL)
    run = cli("check", "--config", site.config)
    assert run.code == 1
    assert f"{site.config}:2:" in run.err
    assert "Traceback" not in run.err


# 3. The zone's name.


@pytest.mark.parametrize(
    ("zone", "moment", "label"),
    [
        ("Asia/Jakarta", "2026-01-15 12:00", "WIB"),  # UTC+07:00, named by the tz database
        ("Asia/Makassar", "2026-01-15 12:00", "WITA"),  # UTC+08:00
        ("Asia/Jayapura", "2026-01-15 12:00", "WIT"),  # UTC+09:00
        ("Europe/Amsterdam", "2026-01-15 12:00", "CET"),  # winter, UTC+01:00
        ("Europe/Amsterdam", "2026-07-15 12:00", "CEST"),  # summer time, UTC+02:00
        # The database gives Sao Paulo no abbreviation, only "-03" (no summer time since 2019): the offset is spelt out.
        ("America/Sao_Paulo", "2026-01-15 12:00", "UTC-03:00"),
        ("Asia/Kathmandu", "2026-01-15 12:00", "UTC+05:45"),  # "+0545": minutes are kept
        ("UTC", "2026-01-15 12:00", "UTC"),
    ],
)
def test_zone_label(zone: str, moment: str, label: str) -> None:
    assert zone_label(datetime.fromisoformat(moment).replace(tzinfo=ZoneInfo(zone))) == label


# 4. Nothing of the first adopter in the code.

# Folders that every site shares. tests/ is not scanned: its shared sample site (conftest.CONFIG, "SPSE Kalsel")
# and many exact-message tables were written for the first adopter and assume its default zone; the golden
# files and examples/demo/ are its demo, and status.yml and incidents/ its own content.
SHARED = ("statusgen", "templates", ".github", "scripts")


def shared_files() -> dict[str, str]:
    """Every file of SHARED by its path from the repository's root, as text."""
    found = {}
    for folder in SHARED:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and "node_modules" not in path.parts:
                found[path.relative_to(ROOT).as_posix()] = path.read_bytes().decode("utf-8", errors="replace")
    return found


def test_the_shared_code_names_no_one_lpse() -> None:
    files = shared_files()
    assert "templates/locales/id.yml" in files and "statusgen/staff.py" in files  # the scan reads what it should
    named = {name: words for name, text in files.items() if (words := re.findall(r"kalsel|kalimantan", text, re.I))}
    assert named == {}


def test_a_zone_is_named_only_beside_the_other_zones_of_indonesia() -> None:
    # A list of examples may name WITA (Asia/Makassar) beside WIB and WIT; a file naming it alone has it as
    # the zone, which must come from status.yml instead.
    alone = sorted(
        name
        for name, text in shared_files().items()
        if re.search(r"wita|makassar", text, re.I) and not (re.search(r"\bWIB\b", text) and re.search(r"\bWIT\b", text))
    )
    assert alone == []


def test_the_scan_can_fail() -> None:
    assert foreign_words("Minggu, 19 September 2021 pukul 18.33 Wita") == ["wita"]
    assert foreign_words("https://lpse.kalselprov.go.id/eproc4 · Kalimantan Selatan") == ["kalimantan", "kalsel"]
    assert foreign_words("LPSE Kabupaten Banjar, WIB") == []


def test_an_unknown_zone_is_explained_with_a_neutral_example(make_site, cli) -> None:
    # The error names a neutral example; only the "did you mean" may point at the default.
    site = make_site(
        "title: T\nbase_url: https://example.github.io/s/\ntimezone: Asia/Jakrta\ncomponents:\n  - id: x\n"
    )
    run = cli("check", "--config", site.config)
    assert run.code == 1
    assert run.err.startswith(
        f"{site.config}:3: unknown time zone 'Asia/Jakrta': use an IANA name such as 'Asia/Jakarta' (WIB). "
        "Did you mean 'Asia/Jakarta'?"
    )
