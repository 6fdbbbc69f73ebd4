"""The staff commands (`new`, `update`, `resolve`) by flags and by prompts (`generate.py serve` is in test_serve.py).

Every expected file is written out literally below and was checked by hand. "Now" comes from
SOURCE_DATE_EPOCH, set with ``clock(...)`` to a wall-clock time in WITA (UTC+08:00), so that
the files are deterministic. The commands run in the site's folder, so messages show
``incidents/<slug>.md``.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

import feedparser
import pytest
import yaml

from statusgen.config import load_config
from statusgen.incidents import load_incidents
from statusgen.problems import Problems
from tests.conftest import ROOT

WITA = ZoneInfo("Asia/Makassar")
PUBLISH_ID = "Terbit setelah file ini di-commit dan di-push ke cabang utama."
PUBLISH_EN = "It is published once this file is committed and pushed to the main branch."


def clock(monkeypatch: pytest.MonkeyPatch, wita: str) -> None:
    """Make the commands' "now" the given wall-clock time in WITA, e.g. ``2021-09-19 19:00``."""
    moment = datetime.fromisoformat(wita).replace(tzinfo=WITA)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(moment.timestamp())))


def answers(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    """What the staff member types, one answer a line; the end of the text is end of input."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))


@pytest.fixture
def desk(make_site, monkeypatch):
    """A site whose folder is the working folder; stdin is empty unless ``answers`` says otherwise."""
    site = make_site()
    monkeypatch.chdir(site.root)
    answers(monkeypatch, "")
    return site


def read(site, slug: str) -> str:
    return (site.root / "incidents" / f"{slug}.md").read_text(encoding="utf-8")


def files(site) -> dict[str, bytes]:
    """Every file in incidents/, hidden ones too, with its bytes."""
    return {p.name: p.read_bytes() for p in sorted((site.root / "incidents").iterdir())}


def front(text: str) -> dict:
    """The front matter read by PyYAML itself, independently of the product's reader."""
    head = text.removeprefix("\ufeff").replace("\r\n", "\n").split("\n---\n", 1)[0]
    return yaml.safe_load(head.removeprefix("---\n"))


def keeps_every_line(before: str, after: str, replaced: dict[str, str] | None = None) -> None:
    """Every original line is still there, unchanged and in order; only ``replaced`` lines differ."""
    old = [(replaced or {}).get(line, line) for line in before.split("\n")]
    remaining = iter(after.split("\n"))
    missing = [line for line in old if line not in remaining]
    assert not missing, f"lost or reordered: {missing}"


def check_strict(cli) -> None:
    run = cli("check", "--strict")
    assert run.code == 0, run.err
    assert run.err == ""


# 1. Scripted: every essential flag given, nothing asked.


def test_new_update_resolve_by_flags(desk, cli, monkeypatch) -> None:
    clock(monkeypatch, "2021-09-19 19:00")
    run = cli(
        "new",
        "--title", "SPSE tidak dapat diakses",
        "--component", "spse",
        "--component", "sikap,internet",
        "--severity", "partial",
        "--cause", "external",
        "--message", "Sebagian penyedia gagal masuk.",
        "--started", "2021-09-19 18:33",
    )  # fmt: skip
    assert run.code == 0, run.err
    # Nothing was asked: no prompt, no menu, only where the file went and how it is published.
    assert run.out == f"Disimpan: incidents/2021-09-19-spse-tidak-dapat-diakses.md\n{PUBLISH_ID}\n"
    assert run.err == ""
    slug = "2021-09-19-spse-tidak-dapat-diakses"
    # The first update is "now" (19:00), when LPSE first said something, not the earlier start (18:33).
    assert read(desk, slug) == (
        "---\n"
        'title: "SPSE tidak dapat diakses"\n'
        "components: [spse, sikap, internet]\n"
        "severity: partial\n"
        "cause: external\n"
        "started: 2021-09-19 18:33\n"
        "updates:\n"
        "  - at: 2021-09-19 19:00\n"
        "    status: investigating\n"
        '    message: "Sebagian penyedia gagal masuk."\n'
        "---\n"
    )
    check_strict(cli)

    clock(monkeypatch, "2021-09-19 19:05")
    run = cli("update", slug, "--status", "identified", "--message", "Sertifikat server kedaluwarsa.")
    assert run.code == 0, run.err
    assert run.out == f"Diperbarui: incidents/{slug}.md\n{PUBLISH_ID}\n"
    assert read(desk, slug) == (
        "---\n"
        'title: "SPSE tidak dapat diakses"\n'
        "components: [spse, sikap, internet]\n"
        "severity: partial\n"
        "cause: external\n"
        "started: 2021-09-19 18:33\n"
        "updates:\n"
        "  - at: 2021-09-19 19:05\n"
        "    status: identified\n"
        '    message: "Sertifikat server kedaluwarsa."\n'
        "  - at: 2021-09-19 19:00\n"
        "    status: investigating\n"
        '    message: "Sebagian penyedia gagal masuk."\n'
        "---\n"
    )

    clock(monkeypatch, "2021-09-19 19:42")
    run = cli("resolve", f"incidents/{slug}.md")  # the path is accepted as well as the slug
    assert run.code == 0, run.err
    assert run.out == f"Diperbarui: incidents/{slug}.md\n{PUBLISH_ID}\n"
    assert read(desk, slug) == (
        "---\n"
        'title: "SPSE tidak dapat diakses"\n'
        "components: [spse, sikap, internet]\n"
        "severity: partial\n"
        "cause: external\n"
        "started: 2021-09-19 18:33\n"
        "resolved: 2021-09-19 19:42\n"
        "updates:\n"
        "  - at: 2021-09-19 19:42\n"
        "    status: resolved\n"
        '    message: "Layanan kembali normal."\n'
        "  - at: 2021-09-19 19:05\n"
        "    status: identified\n"
        '    message: "Sertifikat server kedaluwarsa."\n'
        "  - at: 2021-09-19 19:00\n"
        "    status: investigating\n"
        '    message: "Sebagian penyedia gagal masuk."\n'
        "---\n"
    )
    check_strict(cli)
    problems = Problems()
    (incident,) = load_incidents(load_config(desk.config, problems), problems)
    assert not problems.items
    assert incident.components == ("spse", "sikap", "internet")
    assert [u.status for u in incident.updates] == ["resolved", "identified", "investigating"]


def test_update_at_another_offset_is_written_in_wita(desk, cli, monkeypatch) -> None:
    clock(monkeypatch, "2021-09-19 19:00")
    assert cli("new", "--title", "Lambat", "--component", "spse", "--severity", "degraded").code == 0
    # 11:30Z = 19:30 WITA; 20:15 WIB (+07:00) = 21:15 WITA. Both are written later, at 21:15 WITA:
    # a time still in the future would be refused.
    clock(monkeypatch, "2021-09-19 21:15")
    run = cli("update", "2021-09-19-lambat", "--status", "monitoring", "--message", "a", "--at", "2021-09-19T11:30Z")
    assert run.code == 0, run.err
    run = cli("resolve", "2021-09-19-lambat", "--at", "2021-09-19T20:15+07:00", "--message", "Normal lagi.")
    assert run.code == 0, run.err
    assert read(desk, "2021-09-19-lambat") == (
        "---\n"
        'title: "Lambat"\n'
        "components: [spse]\n"
        "severity: degraded\n"
        "cause: internal\n"
        "started: 2021-09-19 19:00\n"
        "resolved: 2021-09-19 21:15\n"
        "updates:\n"
        "  - at: 2021-09-19 21:15\n"
        "    status: resolved\n"
        '    message: "Normal lagi."\n'
        "  - at: 2021-09-19 19:30\n"
        "    status: monitoring\n"
        '    message: "a"\n'
        "  - at: 2021-09-19 19:00\n"
        "    status: investigating\n"
        '    message: "Kami sedang menyelidiki gangguan ini."\n'
        "---\n"
    )
    check_strict(cli)


def test_maintenance_by_flags_in_english(desk, cli, monkeypatch) -> None:
    clock(monkeypatch, "2021-09-19 19:00")
    run = cli(
        "new", "--lang", "en",
        "--title", "Pemeliharaan server basis data",
        "--component", "spse",
        "--severity", "maintenance",
        "--started", "2021-09-20 22:00",
        "--maintenance-until", "2021-09-21 02:00",
    )  # fmt: skip
    slug = "2021-09-20-pemeliharaan-server-basis-data"
    assert run.code == 0, run.err
    assert run.out == f"Saved: incidents/{slug}.md\n{PUBLISH_EN}\n"
    # Announced now (19:00 the day before), planned end as resolved; the default message follows --lang.
    assert read(desk, slug) == (
        "---\n"
        'title: "Pemeliharaan server basis data"\n'
        "components: [spse]\n"
        "severity: maintenance\n"
        "cause: internal\n"
        "started: 2021-09-20 22:00\n"
        "resolved: 2021-09-21 02:00\n"
        "updates:\n"
        "  - at: 2021-09-19 19:00\n"
        "    status: scheduled\n"
        '    message: "Scheduled maintenance."\n'
        "---\n"
    )
    check_strict(cli)

    clock(monkeypatch, "2021-09-20 22:01")
    assert cli("update", slug, "--status", "in_progress", "--message", "Dimulai.", "--at", "2021-09-20 22:00").code == 0
    clock(monkeypatch, "2021-09-21 01:15")
    run = cli("resolve", slug)
    assert run.code == 0, run.err
    assert run.out == f"Diperbarui: incidents/{slug}.md\n{PUBLISH_ID}\n"
    assert read(desk, slug) == (
        "---\n"
        'title: "Pemeliharaan server basis data"\n'
        "components: [spse]\n"
        "severity: maintenance\n"
        "cause: internal\n"
        "started: 2021-09-20 22:00\n"
        "resolved: 2021-09-21 01:15\n"
        "updates:\n"
        "  - at: 2021-09-21 01:15\n"
        "    status: completed\n"
        '    message: "Pemeliharaan selesai."\n'
        "  - at: 2021-09-20 22:00\n"
        "    status: in_progress\n"
        '    message: "Dimulai."\n'
        "  - at: 2021-09-19 19:00\n"
        "    status: scheduled\n"
        '    message: "Scheduled maintenance."\n'
        "---\n"
    )
    check_strict(cli)


def test_the_first_update_is_now_even_for_an_earlier_start(desk, cli, monkeypatch) -> None:
    # Reported ten minutes after midnight for a start the evening before: the slug and 'started' carry
    # the 19th, the first update the moment it was written, on the 20th.
    clock(monkeypatch, "2021-09-20 00:10")
    run = cli(
        "new", "--title", "Kabel", "--component", "internet", "--severity", "major", "--started", "2021-09-19 23:50"
    )
    assert run.code == 0, run.err
    assert read(desk, "2021-09-19-kabel") == (
        "---\n"
        'title: "Kabel"\n'
        "components: [internet]\n"
        "severity: major\n"
        "cause: internal\n"
        "started: 2021-09-19 23:50\n"
        "updates:\n"
        "  - at: 2021-09-20 00:10\n"
        "    status: investigating\n"
        '    message: "Kami sedang menyelidiki gangguan ini."\n'
        "---\n"
    )
    check_strict(cli)


def test_a_start_a_few_minutes_ahead_is_a_clock_difference(desk, cli, monkeypatch) -> None:
    # Clocks differ a little: up to five minutes ahead of "now" is accepted and taken as "now" (19:05 → 19:00),
    # so the first update is not before the start; one minute more is a typo (refused, see the table below).
    clock(monkeypatch, "2021-09-19 19:00")
    flags = ["--component", "internet", "--severity", "notice"]
    run = cli("new", "--title", "Kabel", *flags, "--started", "2021-09-19 19:05")
    assert run.code == 0, run.err
    assert "started: 2021-09-19 19:00\nupdates:\n  - at: 2021-09-19 19:00\n" in read(desk, "2021-09-19-kabel")
    run = cli("new", "--title", "Kabel lagi", *flags, "--started", "2021-09-19 19:06")
    assert run.code == 1
    assert sorted(files(desk)) == ["2021-09-19-kabel.md"]


@pytest.mark.slow
def test_an_update_time_a_few_minutes_ahead_is_taken_as_now(desk, cli, monkeypatch) -> None:
    # As with a start: up to five minutes ahead is the clocks differing, taken as now. Dated ahead, the
    # build would hold the update back as a future one, and the resolution would stay unseen (the incident
    # ongoing on the page) until a build after that time.
    slug = "2021-09-19-gangguan-spse"
    desk.incident(slug, EXISTING[slug])
    clock(monkeypatch, "2021-09-19 19:00")
    run = cli("update", slug, "--status", "identified", "--message", "Disk penuh.", "--at", "2021-09-19 19:04")
    assert run.code == 0, run.err
    clock(monkeypatch, "2021-09-19 19:10")
    run = cli("resolve", slug, "--at", "2021-09-19 19:15")  # 19:10 + 5 minutes: the most still accepted
    assert run.code == 0, run.err
    assert read(desk, slug) == (
        "---\n"
        "title: Gangguan SPSE\n"
        "components: [spse]\n"
        "severity: major\n"
        "started: 2021-09-19 18:33\n"
        "resolved: 2021-09-19 19:10\n"
        "updates:\n"
        "  - at: 2021-09-19 19:10\n"
        "    status: resolved\n"
        '    message: "Layanan kembali normal."\n'
        "  - at: 2021-09-19 19:00\n"
        "    status: identified\n"
        '    message: "Disk penuh."\n'
        "  - at: 2021-09-19 18:40\n"
        "    status: investigating\n"
        "    message: Diselidiki.\n"
        "---\n"
    )
    check_strict(cli)
    # Built at 19:10, when it was resolved: resolved, with the resolution in its timeline.
    run = cli("build", "--out", desk.out, "--now", "2021-09-19T19:10")
    assert run.code == 0, run.err
    (incident,) = json.loads(desk.file("api/v2/incidents.json"))["incidents"]
    assert (incident["status"], incident["resolved_at"]) == ("resolved", "2021-09-19T19:10:00.000+08:00")
    assert [u["status"] for u in incident["incident_updates"]] == ["resolved", "identified", "investigating"]


@pytest.mark.slow
def test_new_then_resolve_in_the_same_minute(desk, cli, monkeypatch) -> None:
    # Reported at 00:52:17 and resolved 23 seconds later. Every time the commands write is to the minute:
    # the first update is 00:52, not 00:52:17, so resolve's default (now, 00:52) is not "earlier" than it.
    clock(monkeypatch, "2026-12-05 00:52:17")
    run = cli("new", "--title", "SPSE mati", "--component", "spse", "--severity", "major")
    assert run.code == 0, run.err
    slug = "2026-12-05-spse-mati"
    clock(monkeypatch, "2026-12-05 00:52:40")
    run = cli("resolve", slug)
    assert run.code == 0, run.err
    assert read(desk, slug) == (
        "---\n"
        'title: "SPSE mati"\n'
        "components: [spse]\n"
        "severity: major\n"
        "cause: internal\n"
        "started: 2026-12-05 00:52\n"
        "resolved: 2026-12-05 00:52\n"
        "updates:\n"
        "  - at: 2026-12-05 00:52\n"
        "    status: resolved\n"
        '    message: "Layanan kembali normal."\n'
        "  - at: 2026-12-05 00:52\n"
        "    status: investigating\n"
        '    message: "Kami sedang menyelidiki gangguan ini."\n'
        "---\n"
    )
    check_strict(cli)
    # Two updates at one time are ordered by their place in the file, the newer on top, everywhere.
    run = cli("build", "--out", desk.out, "--now", "2026-12-05T01:00")
    assert run.code == 0, run.err
    page = desk.file(f"incidents/{slug}/index.html")
    timeline, record = page.split('class="record-chronology"')
    assert timeline.index("update-resolved") < timeline.index("update-investigating")  # newest first
    assert record.index("Sedang diselidiki") < record.index("Teratasi")  # the outage record: oldest first
    titles = [entry.title for entry in feedparser.parse(desk.file("feed.xml")).entries]
    assert titles == ["[Teratasi] SPSE mati", "[Sedang diselidiki] SPSE mati"]
    (incident,) = json.loads(desk.file("api/v2/incidents.json"))["incidents"]
    assert [u["status"] for u in incident["incident_updates"]] == ["resolved", "investigating"]


def test_a_time_in_the_same_minute_is_not_earlier(desk, cli, monkeypatch) -> None:
    # Written by hand to the second: the newest update at 18:40:30. An update at 18:40, the same minute, is
    # taken as 18:40:30 and goes on top; so is a resolution at 18:33 of an incident started at 18:33:30.
    slug = "2021-09-19-gangguan-spse"
    desk.incident(slug, EXISTING[slug].replace("at: 2021-09-19 18:40", "at: 2021-09-19 18:40:30"))
    clock(monkeypatch, "2021-09-19 18:40:45")
    run = cli("update", slug, "--status", "identified", "--message", "x")  # now, to the minute: 18:40
    assert run.code == 0, run.err
    assert "updates:\n  - at: 2021-09-19 18:40:30\n    status: identified\n" in read(desk, slug)
    # A minute earlier is earlier, and the message shows two different times.
    run = cli("resolve", slug, "--at", "2021-09-19 18:39")
    assert (run.code, run.err) == (
        1,
        "generate.py resolve: 2021-09-19 18:39 lebih awal dari pembaruan terakhir (2021-09-19 18:40): "
        "pembaruan baru harus sesudahnya\n",
    )
    desk.incident(
        "2021-09-19-singkat",
        "---\ntitle: Singkat\ncomponents: [spse]\nseverity: major\nstarted: 2021-09-19 18:33:30\nupdates: []\n---\n",
    )
    clock(monkeypatch, "2021-09-19 18:33:50")
    run = cli("resolve", "2021-09-19-singkat")
    assert run.code == 0, run.err
    assert read(desk, "2021-09-19-singkat") == (
        "---\ntitle: Singkat\ncomponents: [spse]\nseverity: major\nstarted: 2021-09-19 18:33:30\n"
        "resolved: 2021-09-19 18:33:30\nupdates:\n"
        '  - at: 2021-09-19 18:33:30\n    status: resolved\n    message: "Layanan kembali normal."\n---\n'
    )
    check_strict(cli)


# 2. Interactive: answers typed on stdin.


def test_new_by_answering_prompts(desk, cli, monkeypatch) -> None:
    clock(monkeypatch, "2021-09-19 19:00")
    answers(
        monkeypatch,
        "SPSE lambat sekali\n"  # title
        "spes\n"  # a typo: asked again
        "1, 3\n"  # numbers from the menu: spse, internet
        "9\n"  # no such severity: asked again
        "2\n"  # partial
        "\n"  # cause: Enter for the default, internal
        "19-09-2021 18.45\n"  # not a time: asked again
        "2021-09-19 18.45\n"  # Indonesian dot in the time
        "\n",  # message: the default
    )
    run = cli("new")
    assert run.code == 0, run.err
    assert run.out == (
        'Judul gangguan (singkat, mis. "SPSE tidak dapat diakses"): '
        "Layanan terdampak:\n"
        "  1. spse – SPSE Kalsel\n"
        "  2. sikap – SIKaP\n"
        "  3. internet – Internet\n"
        "Nomor atau id layanan, pisahkan dengan koma: "
        "Nomor atau id layanan, pisahkan dengan koma: "
        "Tingkat:\n"
        "  1. major – Gangguan total: layanan tidak dapat dipakai sama sekali\n"
        "  2. partial – Gangguan sebagian: sebagian pengguna atau fungsi gagal\n"
        "  3. degraded – Kinerja menurun: lambat, tetapi masih dapat dipakai\n"
        "  4. maintenance – Pemeliharaan terjadwal: direncanakan, dengan jam selesai\n"
        "  5. notice – Pemberitahuan: informasi, tanpa gangguan layanan\n"
        "Pilih nomor atau kata: Pilih nomor atau kata: "
        "Penyebab:\n"
        # The site names no short_name nor organization: the organisation is called by its title, "Uji".
        "  1. internal – di Uji sendiri\n"
        "  2. external – nasional, di luar kendali LPSE, mis. kabel laut putus atau layanan pusat LKPP\n"
        "Pilih nomor atau kata [internal]: "
        "Waktu mulai, WITA (YYYY-MM-DD HH:MM) [2021-09-19 19:00]: "
        "Waktu mulai, WITA (YYYY-MM-DD HH:MM) [2021-09-19 19:00]: "
        "Pesan untuk pembaca [Kami sedang menyelidiki gangguan ini.]: "
        "Disimpan: incidents/2021-09-19-spse-lambat-sekali.md\n"
        f"{PUBLISH_ID}\n"
    )
    assert run.err.splitlines() == [
        "layanan 'spes' tidak ada di status.yml (yang ada: spse, sikap, internet). Maksud Anda 'spse'?",
        "tingkat '9' tidak dikenal (pilihan: major, partial, degraded, maintenance, notice).",
        "'19-09-2021 18.45' bukan waktu: tulis YYYY-MM-DD HH:MM dalam WITA, mis. 2021-09-19 18:33",
    ]
    assert read(desk, "2021-09-19-spse-lambat-sekali") == (
        "---\n"
        'title: "SPSE lambat sekali"\n'
        "components: [spse, internet]\n"
        "severity: partial\n"
        "cause: internal\n"
        "started: 2021-09-19 18:45\n"
        "updates:\n"
        "  - at: 2021-09-19 19:00\n"  # the first update is "now", not the start typed at the prompt
        "    status: investigating\n"
        '    message: "Kami sedang menyelidiki gangguan ini."\n'
        "---\n"
    )
    check_strict(cli)


def test_maintenance_by_answering_prompts(desk, cli, monkeypatch) -> None:
    clock(monkeypatch, "2021-09-19 19:00")
    # Flags and answers mix: the title is a flag, the rest is asked; there is no default start for maintenance.
    answers(monkeypatch, "3\n4\nexternal\n2021-09-20 22:00\n2021-09-21 02:00\n\n")
    run = cli("new", "--title", "Pemeliharaan jaringan")
    assert run.code == 0, run.err
    assert "Waktu mulai, WITA (YYYY-MM-DD HH:MM): Rencana selesai, WITA (YYYY-MM-DD HH:MM): " in run.out
    assert "Pesan untuk pembaca [Pemeliharaan terjadwal.]: " in run.out
    assert read(desk, "2021-09-20-pemeliharaan-jaringan") == (
        "---\n"
        'title: "Pemeliharaan jaringan"\n'
        "components: [internet]\n"
        "severity: maintenance\n"
        "cause: external\n"
        "started: 2021-09-20 22:00\n"
        "resolved: 2021-09-21 02:00\n"
        "updates:\n"
        "  - at: 2021-09-19 19:00\n"
        "    status: scheduled\n"
        '    message: "Pemeliharaan terjadwal."\n'
        "---\n"
    )


def test_a_planned_end_before_the_start_is_asked_again(desk, cli, monkeypatch) -> None:
    # Staff.checked: "a bad answer to a prompt is asked again". The planned end is compared with the start
    # as soon as it is answered, so only the end is asked again and no answer is lost.
    clock(monkeypatch, "2021-09-19 19:00")
    answers(monkeypatch, "sikap\nmaintenance\n\n2021-09-20 22:00\n2021-09-20 21:00\n2021-09-21 02:00\nLibur.\n")
    run = cli("new", "--title", "Pemeliharaan SIKaP")
    assert run.code == 0, run.err
    assert run.err == "rencana selesai 2021-09-20 21:00 harus setelah waktu mulai 2021-09-20 22:00\n"
    assert run.out.count("Rencana selesai, WITA (YYYY-MM-DD HH:MM): ") == 2
    text = read(desk, "2021-09-20-pemeliharaan-sikap")
    assert "resolved: 2021-09-21 02:00\n" in text and '    message: "Libur."\n' in text


def test_update_by_answering_prompts(desk, cli, monkeypatch) -> None:
    clock(monkeypatch, "2021-09-19 19:00")
    assert cli("new", "--title", "Gangguan SPSE", "--component", "spse", "--severity", "major").code == 0
    clock(monkeypatch, "2021-09-19 19:20")
    answers(monkeypatch, "resolve\n2\nServer basis data penuh.\n\n")
    run = cli("update", "2021-09-19-gangguan-spse")
    assert run.code == 0, run.err
    assert run.out == (
        "Status pembaruan (investigating, identified, monitoring, resolved): "
        "Status pembaruan (investigating, identified, monitoring, resolved): "
        "Pesan untuk pembaca: "
        "Waktu pembaruan, WITA (YYYY-MM-DD HH:MM) [2021-09-19 19:20]: "
        "Diperbarui: incidents/2021-09-19-gangguan-spse.md\n"
        f"{PUBLISH_ID}\n"
    )
    assert run.err == (
        "status 'resolve' tidak dikenal (pilihan: investigating, identified, monitoring, resolved). "
        "Maksud Anda 'resolved'?\n"
    )
    assert read(desk, "2021-09-19-gangguan-spse") == (
        "---\n"
        'title: "Gangguan SPSE"\n'
        "components: [spse]\n"
        "severity: major\n"
        "cause: internal\n"
        "started: 2021-09-19 19:00\n"
        "updates:\n"
        "  - at: 2021-09-19 19:20\n"
        "    status: identified\n"
        '    message: "Server basis data penuh."\n'
        "  - at: 2021-09-19 19:00\n"
        "    status: investigating\n"
        '    message: "Kami sedang menyelidiki gangguan ini."\n'
        "---\n"
    )


def test_an_update_time_in_the_future_at_a_prompt_is_asked_again(desk, cli, monkeypatch) -> None:
    clock(monkeypatch, "2021-09-19 19:00")
    assert cli("new", "--title", "Gangguan SPSE", "--component", "spse", "--severity", "major").code == 0
    clock(monkeypatch, "2021-09-19 19:20")
    # 21:20 is a typo for 19:20 (refused, asked again); 18:50 is before the first update at 19:00 (asked again).
    answers(monkeypatch, "identified\nDitemukan.\n2021-09-19 21:20\n2021-09-19 18:50\n2021-09-19 19:15\n")
    run = cli("update", "2021-09-19-gangguan-spse")
    assert run.code == 0, run.err
    assert run.out.count("Waktu pembaruan, WITA (YYYY-MM-DD HH:MM) [2021-09-19 19:20]: ") == 3
    assert run.err.splitlines() == [
        "2021-09-19 21:20 masih di masa depan (sekarang 2021-09-19 19:20 WITA): periksa tanggal dan jamnya",
        "2021-09-19 18:50 lebih awal dari waktu mulai 2021-09-19 19:00: periksa tanggal dan jamnya",
    ]
    assert "  - at: 2021-09-19 19:15\n    status: identified\n" in read(desk, "2021-09-19-gangguan-spse")


def test_a_start_in_the_future_at_a_prompt_is_asked_again(desk, cli, monkeypatch) -> None:
    # Staff.checked: "a bad answer to a prompt is asked again", as for the planned end of maintenance. The
    # start is compared with "now" only after the message has been asked, and then the command stops with
    # exit 1: every answer is lost.
    clock(monkeypatch, "2021-09-19 19:00")
    answers(monkeypatch, "spse\nmajor\n\n2021-09-19 21:00\n2021-09-19 18:50\nPesan.\n")
    run = cli("new", "--title", "Judul")
    assert run.code == 0, run.err
    assert run.out.count("Waktu mulai, WITA (YYYY-MM-DD HH:MM) [2021-09-19 19:00]: ") == 2
    assert "started: 2021-09-19 18:50\n" in read(desk, "2021-09-19-judul")


def test_new_as_a_real_process_reading_its_stdin(make_site) -> None:
    site = make_site()
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1632049200"}  # 2021-09-19 11:00Z = 19:00 WITA
    done = subprocess.run(
        [sys.executable, str(ROOT / "generate.py"), "new", "--lang", "en"],
        input="Internet down\ninternet\n1\n2\n\n\n",
        capture_output=True,
        text=True,
        cwd=site.root,
        env=env,
        timeout=30,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith('Incident title (short, e.g. "SPSE cannot be reached"): Affected services:\n')
    assert "Saved: incidents/2021-09-19-internet-down.md\n" in done.stdout
    assert read(site, "2021-09-19-internet-down") == (
        "---\n"
        'title: "Internet down"\n'
        "components: [internet]\n"
        "severity: major\n"
        "cause: external\n"
        "started: 2021-09-19 19:00\n"
        "updates:\n"
        "  - at: 2021-09-19 19:00\n"
        "    status: investigating\n"
        '    message: "We are investigating this incident."\n'
        "---\n"
    )


# 3. Slugs.


def test_slug_is_ascii_dated_in_wita_and_unique(desk, cli, monkeypatch) -> None:
    clock(monkeypatch, "2021-09-20 09:00")
    flags = ["--component", "spse", "--severity", "major", "--started", "2021-09-19T23:30+07:00"]
    # 23:30 WIB on the 19th is 00:30 WITA on the 20th: the slug and 'started' carry the 20th.
    for expected in ("2021-09-20-gangguan-unggah-spse", "2021-09-20-gangguan-unggah-spse-2"):
        run = cli("new", "--title", "Gangguan Ünggah — SPSE", *flags)
        assert run.code == 0, run.err
        assert run.out.splitlines()[0] == f"Disimpan: incidents/{expected}.md"
        assert "started: 2021-09-20 00:30\n" in read(desk, expected)
    desk.incident("2021-09-20-gangguan-unggah-spse-3", "dipakai oleh berkas lain\n")
    run = cli("new", "--title", "Gangguan Ünggah — SPSE", *flags)
    assert run.out.splitlines()[0] == "Disimpan: incidents/2021-09-20-gangguan-unggah-spse-4.md"
    assert read(desk, "2021-09-20-gangguan-unggah-spse-3") == "dipakai oleh berkas lain\n"
    # Nothing left once transliterated: a generic word.
    run = cli("new", "--title", "انقطاع الخدمة", *flags)
    assert run.out.splitlines()[0] == "Disimpan: incidents/2021-09-20-gangguan.md"
    # At most 60 characters of words, without a trailing '-':
    # "server-spse-kalimantan-selatan-tidak-dapat-diakses-dari-ini-" is 60 long; "juga" is cut.
    run = cli("new", "--title", "Server SPSE Kalimantan Selatan tidak dapat diakses dari ini juga", *flags)
    assert run.out.splitlines()[0] == (
        "Disimpan: incidents/2021-09-20-server-spse-kalimantan-selatan-tidak-dapat-diakses-dari-ini.md"
    )
    assert sorted(files(desk)) == [
        "2021-09-20-gangguan-unggah-spse-2.md",
        "2021-09-20-gangguan-unggah-spse-3.md",
        "2021-09-20-gangguan-unggah-spse-4.md",
        "2021-09-20-gangguan-unggah-spse.md",
        "2021-09-20-gangguan.md",
        "2021-09-20-server-spse-kalimantan-selatan-tidak-dapat-diakses-dari-ini.md",
    ]
    desk.incident("2021-09-20-gangguan-unggah-spse-3", read(desk, "2021-09-20-gangguan-unggah-spse"))
    check_strict(cli)


# 4. Hostile titles and messages.

HOSTILE = [
    # (title, message, slug words)
    ('"; rm -rf / #', "$(touch pwned); `touch pwned`", "rm-rf"),
    ("$(touch pwned)", "Baris satu\nBaris dua: kedua # bukan komentar", "touch-pwned"),
    (
        "Kata \"kutip\" dan 'tunggal' \\ garis miring",
        "tab\tdi tengah,  dua spasi",
        "kata-kutip-dan-tunggal-garis-miring",
    ),
    ("Catatan: SPSE # bukan komentar", "---\ntitle: palsu\n---", "catatan-spse-bukan-komentar"),
    ("{{ 7*7 }}", "{% raw %}{{ config }}{% endraw %} <script>alert(1)</script>", "7-7"),
    ("key: value", "- a\n- b\n[x, y]: {z: 1}", "key-value"),
    ("&a [*a, *a]", "!!python/object/apply:os.system ['touch pwned']", "a-a-a"),
    ("\u202eغير متاح\u202c SPSE", "\u200fالخدمة متوقفة\u200f", "spse"),
    ("no", "2021-09-19 18:33", "no"),
]


@pytest.mark.slow
def test_hostile_titles_and_messages_read_back_exactly(desk, cli, monkeypatch, tmp_path) -> None:
    clock(monkeypatch, "2021-09-19 19:00")
    for title, message, words in HOSTILE:
        flags = ["--component", "spse", "--severity", "major", "--started", "2021-09-19 18:00"]
        run = cli("new", "--title", title, "--message", message, *flags)
        assert run.code == 0, (title, run.err)
        assert run.out.splitlines()[0] == f"Disimpan: incidents/2021-09-19-{words}.md"
        text = read(desk, f"2021-09-19-{words}")
        data = front(text)
        assert (data["title"], data["updates"][0]["message"]) == (title, message)
        assert text.count("\n---\n") == 1 and text.endswith("\n---\n")  # the message cannot close the front matter
    # Each first update is at 19:00 ("now"); the next two come after it, written at 19:45.
    clock(monkeypatch, "2021-09-19 19:45")
    for title, message, words in HOSTILE:
        slug = f"2021-09-19-{words}"
        run = cli("update", slug, "--status", "identified", "--message", message + " (2)", "--at", "2021-09-19 19:30")
        assert run.code == 0, run.err
        assert cli("resolve", slug, "--message", title, "--at", "2021-09-19 19:45").code == 0
    problems = Problems()
    incidents = load_incidents(load_config(desk.config, problems), problems)
    assert not problems.items
    got = {i.slug: (str(i.title), [str(u.message) for u in i.updates]) for i in incidents}
    assert got == {
        f"2021-09-19-{words}": (title, [title, message + " (2)", message]) for title, message, words in HOSTILE
    }
    check_strict(cli)
    assert not list(tmp_path.rglob("pwned")) and not (ROOT / "pwned").exists()
    build = cli("build", "--out", desk.out, "--now", "2021-09-19T20:00")
    assert build.code == 0, build.err
    assert "<h1>{{ 7*7 }}</h1>" in desk.file("incidents/2021-09-19-7-7/index.html")
    assert "<script>alert(1)</script>" not in desk.file("incidents/2021-09-19-7-7/index.html")


@pytest.mark.parametrize(
    "title",
    ["Elipsis\x85dari Windows-1252", "Tombol\x7fDEL", "C1\x9bkontrol"],
    ids=["next-line U+0085", "delete U+007F", "C1 control U+009B"],
)
def test_characters_yaml_treats_specially_still_read_back_exactly(desk, cli, monkeypatch, title: str) -> None:
    # editing.quoted promises a scalar that "reads back as exactly text, whatever it holds". JSON leaves
    # U+007F-U+009F unescaped: YAML folds a raw U+0085 (a line break to YAML) into a space, and refuses
    # the others as unprintable, so such a pasted title is either silently changed or refused.
    clock(monkeypatch, "2021-09-19 19:00")
    run = cli("new", "--title", title, "--component", "spse", "--severity", "major", "--message", title)
    assert run.code == 0, run.err
    (path,) = (desk.root / "incidents").iterdir()
    data = front(path.read_text(encoding="utf-8"))
    assert (data["title"], data["updates"][0]["message"]) == (title, title)


# 5. Surgical edits of files written by hand.

HAND_WRITTEN = """\
---
# Dicatat oleh piket malam, 19 September
title: SPSE tidak dapat diakses   # judul untuk pembaca
components:
    - spse      # utama
    - internet
severity: major
# penyebab belum pasti; ubah ke external bila dari pusat
cause: internal
started: 2021-09-19 18:33
resolved:   # isi saat pulih
updates:
    # urutan lama ke baru (ditulis tangan)
    - at: 2021-09-19 18:40
      status: investigating
      message: Tim sedang menyelidiki.
    - at: 2021-09-19 18:55
      status: identified
      message: >
        Disk server basis data penuh;
        log lama sedang dipindahkan.
en:
  title: SPSE cannot be reached
  updates:
    - at: 2021-09-19 18:40
      message: The team is investigating.
---
Catatan internal:

---

Baris di bawah garis.
---
"""


def test_hand_written_file_keeps_comments_order_indentation_and_body(desk, cli, monkeypatch) -> None:
    path = desk.incident("2021-09-19-spse", HAND_WRITTEN)
    check_strict(cli)
    clock(monkeypatch, "2021-09-19 19:00")
    assert cli("update", "2021-09-19-spse", "--status", "monitoring", "--message", "Dipantau.").code == 0
    clock(monkeypatch, "2021-09-19 19:10")  # resolved ten minutes later, when it happened
    run = cli("resolve", "2021-09-19-spse", "--at", "2021-09-19 19:10")
    assert run.code == 0, run.err
    after = path.read_text(encoding="utf-8")
    assert after == (
        "---\n"
        "# Dicatat oleh piket malam, 19 September\n"
        "title: SPSE tidak dapat diakses   # judul untuk pembaca\n"
        "components:\n"
        "    - spse      # utama\n"
        "    - internet\n"
        "severity: major\n"
        "# penyebab belum pasti; ubah ke external bila dari pusat\n"
        "cause: internal\n"
        "started: 2021-09-19 18:33\n"
        "resolved: 2021-09-19 19:10 # isi saat pulih\n"
        "updates:\n"
        "    # urutan lama ke baru (ditulis tangan)\n"
        "    - at: 2021-09-19 19:10\n"
        "      status: resolved\n"
        '      message: "Layanan kembali normal."\n'
        "    - at: 2021-09-19 19:00\n"
        "      status: monitoring\n"
        '      message: "Dipantau."\n'
        "    - at: 2021-09-19 18:40\n"
        "      status: investigating\n"
        "      message: Tim sedang menyelidiki.\n"
        "    - at: 2021-09-19 18:55\n"
        "      status: identified\n"
        "      message: >\n"
        "        Disk server basis data penuh;\n"
        "        log lama sedang dipindahkan.\n"
        "en:\n"
        "  title: SPSE cannot be reached\n"
        "  updates:\n"
        "    - at: 2021-09-19 18:40\n"
        "      message: The team is investigating.\n"
        "---\n"
        "Catatan internal:\n"
        "\n"
        "---\n"
        "\n"
        "Baris di bawah garis.\n"
        "---\n"
    )
    keeps_every_line(
        HAND_WRITTEN, after, {"resolved:   # isi saat pulih": "resolved: 2021-09-19 19:10 # isi saat pulih"}
    )
    check_strict(cli)
    # Resolving again is refused: the incident is over (see test_a_closed_incident_takes_no_more_updates).
    clock(monkeypatch, "2021-09-19 19:20")
    run = cli("resolve", "2021-09-19-spse", "--at", "2021-09-19 19:20", "--message", "Benar-benar pulih.")
    assert run.code == 1
    assert path.read_text(encoding="utf-8") == after


def test_crlf_and_bom_are_kept(desk, cli, monkeypatch) -> None:
    path = desk.root / "incidents" / "2021-09-19-koneksi.md"
    original = (
        "\ufeff---\r\n"
        "title: Koneksi ke SIKaP lambat\r\n"
        "components: [sikap]\r\n"
        "severity: degraded\r\n"
        "cause: external\r\n"
        "started: 2021-09-19 10:00   # dari laporan pengguna\r\n"
        "updates: []\r\n"
        "---\r\n"
        "Isi dengan **Markdown**.\r\n"
        "\r\n"
        "---\r\n"
        "Sesudah garis.\r\n"
    )
    path.write_bytes(original.encode("utf-8"))
    clock(monkeypatch, "2021-09-19 19:00")
    assert cli("update", "2021-09-19-koneksi", "--status", "identified", "--message", "Dari pusat.").code == 0
    clock(monkeypatch, "2021-09-19 19:30")  # resolved half an hour later
    assert cli("resolve", "2021-09-19-koneksi", "--at", "2021-09-19 19:30").code == 0
    expected = (
        "\ufeff---\r\n"
        "title: Koneksi ke SIKaP lambat\r\n"
        "components: [sikap]\r\n"
        "severity: degraded\r\n"
        "cause: external\r\n"
        "started: 2021-09-19 10:00   # dari laporan pengguna\r\n"
        "resolved: 2021-09-19 19:30\r\n"
        "updates:\r\n"
        "  - at: 2021-09-19 19:30\r\n"
        "    status: resolved\r\n"
        '    message: "Layanan kembali normal."\r\n'
        "  - at: 2021-09-19 19:00\r\n"
        "    status: identified\r\n"
        '    message: "Dari pusat."\r\n'
        "---\r\n"
        "Isi dengan **Markdown**.\r\n"
        "\r\n"
        "---\r\n"
        "Sesudah garis.\r\n"
    )
    assert path.read_bytes() == expected.encode("utf-8")
    keeps_every_line(original, expected, {"updates: []\r": "updates:\r"})
    check_strict(cli)


# The line breaks of PyYAML's reader: it also ends a line at a lone CR, NEL (U+0085), LINE SEPARATOR (U+2028)
# and PARAGRAPH SEPARATOR (U+2029), so the line numbers of its marks count them. ``{br}`` stands for the one
# tested: in a quoted title, after a comment, as the end of the 'started:' line, and in the body.
ODD_BREAKS = """\
---
title: "SPSE{br}tidak dapat diakses"
components: [spse]   # utama{br}
severity: major
started: 2021-09-19 18:33{br}resolved:   # isi saat pulih
updates:
  - at: 2021-09-19 18:40
    status: investigating
    message: Diselidiki.
---
Catatan{br}internal.
"""


@pytest.mark.parametrize(
    "br", ["\u2028", "\x85", "\u2029", "\r", "\r\n"], ids=["U+2028", "U+0085", "U+2029", "CR", "one CRLF in LF"]
)
def test_line_breaks_are_counted_as_yaml_counts_them(desk, cli, monkeypatch, br: str) -> None:
    path = desk.root / "incidents" / "2021-09-19-spse.md"
    original = ODD_BREAKS.format(br=br)
    path.write_bytes(original.encode("utf-8"))
    check_strict(cli)
    clock(monkeypatch, "2021-09-19 19:00")
    run = cli("update", "2021-09-19-spse", "--status", "monitoring", "--message", "Dipantau.")
    assert run.code == 0, run.err
    run = cli("resolve", "2021-09-19-spse", "--at", "2021-09-19 19:00")
    assert run.code == 0, run.err
    # Only the value of 'resolved:' and the two new updates (with the file's own LF) differ, byte for byte.
    expected = original.replace("resolved:   # isi saat pulih", "resolved: 2021-09-19 19:00 # isi saat pulih").replace(
        "updates:\n",
        "updates:\n"
        "  - at: 2021-09-19 19:00\n"
        "    status: resolved\n"
        '    message: "Layanan kembali normal."\n'
        "  - at: 2021-09-19 19:00\n"
        "    status: monitoring\n"
        '    message: "Dipantau."\n',
    )
    assert path.read_bytes() == expected.encode("utf-8")
    check_strict(cli)
    problems = Problems()
    (incident,) = load_incidents(load_config(desk.config, problems), problems)
    assert incident.resolved == datetime(2021, 9, 19, 19, 0, tzinfo=WITA)
    assert [u.status for u in incident.updates] == ["resolved", "monitoring", "investigating"]


def test_no_updates_key_and_maintenance_with_a_commented_end(desk, cli, monkeypatch) -> None:
    bare = "---\ntitle: Info\ncomponents: [internet]\nseverity: notice\nstarted: 2021-09-19 08:00\n---\n"
    desk.incident("2021-09-19-info", bare)
    maintenance = (
        "---\n"
        "title: Pemeliharaan\n"
        "components: [spse]\n"
        "severity: maintenance\n"
        "started: 2021-09-19 22:00\n"
        "resolved: 2021-09-20 02:00  # rencana, bisa mundur\n"
        "updates:\n"
        "- at: 2021-09-18 09:00\n"
        "  status: scheduled\n"
        "  message: Diumumkan.\n"
        "---\n"
    )
    desk.incident("2021-09-19-pemeliharaan", maintenance)
    clock(monkeypatch, "2021-09-19 19:00")
    assert cli("update", "2021-09-19-info", "--status", "monitoring", "--message", "Dipantau.").code == 0
    assert read(desk, "2021-09-19-info") == (
        "---\n"
        "title: Info\n"
        "components: [internet]\n"
        "severity: notice\n"
        "started: 2021-09-19 08:00\n"
        "updates:\n"
        "  - at: 2021-09-19 19:00\n"
        "    status: monitoring\n"
        '    message: "Dipantau."\n'
        "---\n"
    )
    keeps_every_line(bare, read(desk, "2021-09-19-info"))
    clock(monkeypatch, "2021-09-20 01:30")
    slug = "2021-09-19-pemeliharaan"
    run = cli("update", slug, "--status", "in_progress", "--message", "Mulai.", "--at", "2021-09-19 22:00")
    assert run.code == 0, run.err
    assert cli("resolve", slug).code == 0
    # An update list not indented under its key keeps that style.
    assert read(desk, "2021-09-19-pemeliharaan") == (
        "---\n"
        "title: Pemeliharaan\n"
        "components: [spse]\n"
        "severity: maintenance\n"
        "started: 2021-09-19 22:00\n"
        "resolved: 2021-09-20 01:30  # rencana, bisa mundur\n"
        "updates:\n"
        "- at: 2021-09-20 01:30\n"
        "  status: completed\n"
        '  message: "Pemeliharaan selesai."\n'
        "- at: 2021-09-19 22:00\n"
        "  status: in_progress\n"
        '  message: "Mulai."\n'
        "- at: 2021-09-18 09:00\n"
        "  status: scheduled\n"
        "  message: Diumumkan.\n"
        "---\n"
    )
    keeps_every_line(
        maintenance,
        read(desk, "2021-09-19-pemeliharaan"),
        {"resolved: 2021-09-20 02:00  # rencana, bisa mundur": "resolved: 2021-09-20 01:30  # rencana, bisa mundur"},
    )
    check_strict(cli)


def test_a_comment_after_an_empty_update_list_is_kept(desk, cli, monkeypatch) -> None:
    # set_resolved keeps the comment after 'resolved:'; add_update drops the one after 'updates: []'.
    desk.incident(
        "2021-09-19-kosong",
        "---\ntitle: T\ncomponents: [spse]\nseverity: major\nstarted: 2021-09-19 18:00\n"
        "updates: []  # terbaru di atas\n---\n",
    )
    clock(monkeypatch, "2021-09-19 19:00")
    assert cli("update", "2021-09-19-kosong", "--status", "identified", "--message", "x").code == 0
    assert read(desk, "2021-09-19-kosong") == (
        "---\ntitle: T\ncomponents: [spse]\nseverity: major\nstarted: 2021-09-19 18:00\n"
        "updates:  # terbaru di atas\n"
        '  - at: 2021-09-19 19:00\n    status: identified\n    message: "x"\n---\n'
    )


def test_a_flow_style_update_list_is_refused_and_left_alone(desk, cli, monkeypatch) -> None:
    path = desk.incident(
        "2021-09-19-flow",
        "---\ntitle: Flow\ncomponents: [spse]\nseverity: major\nstarted: 2021-09-19 08:00\n"
        "updates: [{at: 2021-09-19 08:05, status: investigating, message: Cek.}]\n---\n",
    )
    before = path.read_bytes()
    clock(monkeypatch, "2021-09-19 19:00")
    # 'updates' is on line 6 of the file, for update and for resolve alike; the staff's language is Indonesian.
    for args in (
        ["update", "2021-09-19-flow", "--status", "identified", "--message", "x"],
        ["resolve", "2021-09-19-flow"],
    ):
        run = cli(*args)
        assert run.code == 1
        assert run.out == ""
        assert path.read_bytes() == before
        assert run.err == (
            f"generate.py {args[0]}: incidents/2021-09-19-flow.md: baris 6: 'updates' ditulis dalam satu baris "
            "([...]); tulis satu butir '- at: ...' per pembaruan, lalu coba lagi\n"
        ), args[0]
    assert sorted(files(desk)) == ["2021-09-19-flow.md"]


# 6. Bad input: a clear message, exit 1, nothing written.

EXISTING = {
    "2021-09-19-gangguan-spse": (
        "---\ntitle: Gangguan SPSE\ncomponents: [spse]\nseverity: major\nstarted: 2021-09-19 18:33\n"
        "updates:\n  - at: 2021-09-19 18:40\n    status: investigating\n    message: Diselidiki.\n---\n"
    ),
    "2021-09-20-pemeliharaan": (
        "---\ntitle: Pemeliharaan\ncomponents: [spse]\nseverity: maintenance\nstarted: 2021-09-20 22:00\n"
        "resolved: 2021-09-21 02:00\n"
        "updates:\n  - at: 2021-09-19 09:00\n    status: scheduled\n    message: Diumumkan.\n---\n"
    ),
}
NEW = ["new", "--title", "Uji", "--severity", "major"]
MAINTENANCE = ["new", "--title", "Uji", "--component", "spse", "--severity", "maintenance"]
BEFORE_NEWEST = [
    "update", "2021-09-19-gangguan-spse", "--status", "identified", "--message", "x", "--at", "2021-09-19 18:35"
]  # fmt: skip
MISSING_COMPONENT = (
    'generate.py new: tidak ada jawaban untuk --component: tulis --component "..." di perintah, '
    "atau jalankan tanpa itu dan jawab pertanyaannya"
)

BAD_INPUT = [
    (
        "unknown component in a flag",
        [*NEW, "--component", "spse,spes"],
        "generate.py new: layanan 'spes' tidak ada di status.yml (yang ada: spse, sikap, internet). "
        "Maksud Anda 'spse'?",
    ),
    (
        "a component number out of range",
        [*NEW, "--component", "4"],
        "generate.py new: layanan '4' tidak ada di status.yml (yang ada: spse, sikap, internet).",
    ),
    (
        "unknown severity",
        ["new", "--title", "Uji", "--component", "spse", "--severity", "mayor"],
        "generate.py new: tingkat 'mayor' tidak dikenal (pilihan: major, partial, degraded, maintenance, notice). "
        "Maksud Anda 'major'?",
    ),
    (
        "unknown cause",
        [*NEW, "--component", "spse", "--cause", "eksternal"],
        "generate.py new: penyebab 'eksternal' tidak dikenal (pilihan: internal, external). Maksud Anda 'external'?",
    ),
    (
        "a start that is not a time",
        [*NEW, "--component", "spse", "--started", "kemarin sore"],
        "generate.py new: 'kemarin sore' bukan waktu: tulis YYYY-MM-DD HH:MM dalam WITA, mis. 2021-09-19 18:33",
    ),
    (
        "a date that does not exist",
        [*NEW, "--component", "spse", "--started", "2021-02-30 10:00"],
        "generate.py new: '2021-02-30 10:00' bukan waktu: tulis YYYY-MM-DD HH:MM dalam WITA, mis. 2021-09-19 18:33",
    ),
    (
        "maintenance ending before it starts",
        [*MAINTENANCE, "--started", "2021-09-20 22:00", "--maintenance-until", "2021-09-20 21:59"],
        "generate.py new: rencana selesai 2021-09-20 21:59 harus setelah waktu mulai 2021-09-20 22:00",
    ),
    ("missing component, stdin at its end", ["new", "--title", "Uji"], MISSING_COMPONENT),
    (
        "missing title, stdin at its end",
        ["new"],
        'generate.py new: tidak ada jawaban untuk --title: tulis --title "..." di perintah, '
        "atau jalankan tanpa itu dan jawab pertanyaannya",
    ),
    (
        "maintenance without its end, stdin at its end",
        [*MAINTENANCE, "--started", "2021-09-20 22:00"],
        'generate.py new: tidak ada jawaban untuk --maintenance-until: tulis --maintenance-until "..." di perintah, '
        "atau jalankan tanpa itu dan jawab pertanyaannya",
    ),
    (
        "unknown slug for update",
        ["update", "2021-09-19-gangguan-spes", "--status", "identified", "--message", "x"],
        "generate.py update: tidak ada gangguan '2021-09-19-gangguan-spes' di incidents "
        "(yang terbaru: 2021-09-19-gangguan-spse, 2021-09-20-pemeliharaan). Maksud Anda '2021-09-19-gangguan-spse'?",
    ),
    (
        "unknown slug for resolve, given as a path outside incidents/",
        ["resolve", "../status.yml"],
        "generate.py resolve: tidak ada gangguan 'status.yml' di incidents "
        "(yang terbaru: 2021-09-19-gangguan-spse, 2021-09-20-pemeliharaan).",
    ),
    (
        "resolved before the start",
        ["resolve", "2021-09-19-gangguan-spse", "--at", "2021-09-19 18:32"],
        "generate.py resolve: 2021-09-19 18:32 lebih awal dari waktu mulai 2021-09-19 18:33: "
        "periksa tanggal dan jamnya",
    ),
    (
        "resolved before the start, written in another zone",
        # 10:30Z is 18:30 WITA, three minutes before the start.
        ["resolve", "2021-09-19-gangguan-spse", "--at", "2021-09-19T10:30Z"],
        "generate.py resolve: 2021-09-19 18:30 lebih awal dari waktu mulai 2021-09-19 18:33: "
        "periksa tanggal dan jamnya",
    ),
    (
        "an update time with a two-digit year",
        ["update", "2021-09-19-gangguan-spse", "--status", "identified", "--message", "x", "--at", "0021-09-19 19:00"],
        "generate.py update: '0021-09-19 19:00' bukan waktu: tulis YYYY-MM-DD HH:MM dalam WITA, mis. 2021-09-19 18:33",
    ),
    (
        "an incident status for maintenance",
        ["update", "2021-09-20-pemeliharaan", "--status", "investigating", "--message", "x"],
        "generate.py update: status 'investigating' tidak dikenal (pilihan: scheduled, in_progress, completed).",
    ),
    (
        "a maintenance status for an incident",
        # An incident's closing status is 'resolved': a near 'completed' means that.
        ["update", "2021-09-19-gangguan-spse", "--status", "complete", "--message", "x"],
        "generate.py update: status 'complete' tidak dikenal (pilihan: investigating, identified, monitoring, "
        "resolved). Maksud Anda 'resolved'?",
    ),
    # The words staff read on the page (templates/locales/*.yml), in either language, get the value they stand
    # for: a whole label, or one word of it that no other value's label holds.
    (
        "a severity as one word of the page's label: 'Gangguan total'",
        ["new", "--title", "Uji", "--component", "spse", "--severity", "total"],
        "generate.py new: tingkat 'total' tidak dikenal (pilihan: major, partial, degraded, maintenance, notice). "
        "Maksud Anda 'major'?",
    ),
    (
        "a severity as the page's whole label",
        ["new", "--title", "Uji", "--component", "spse", "--severity", "Kinerja menurun"],
        "generate.py new: tingkat 'kinerja menurun' tidak dikenal (pilihan: major, partial, degraded, maintenance, "
        "notice). Maksud Anda 'degraded'?",
    ),
    (
        "a severity as the English page's label",
        ["new", "--title", "Uji", "--component", "spse", "--severity", "Partial outage"],
        "generate.py new: tingkat 'partial outage' tidak dikenal (pilihan: major, partial, degraded, maintenance, "
        "notice). Maksud Anda 'partial'?",
    ),
    (
        "a cause as the page's word",
        [*NEW, "--component", "spse", "--cause", "nasional"],
        "generate.py new: penyebab 'nasional' tidak dikenal (pilihan: internal, external). Maksud Anda 'external'?",
    ),
    (
        "a maintenance status as the page's word",
        ["update", "2021-09-20-pemeliharaan", "--status", "dijadwalkan", "--message", "x"],
        "generate.py update: status 'dijadwalkan' tidak dikenal (pilihan: scheduled, in_progress, completed). "
        "Maksud Anda 'scheduled'?",
    ),
    (
        "an incident status as the page's words",
        ["update", "2021-09-19-gangguan-spse", "--status", "Penyebab diketahui", "--message", "x"],
        "generate.py update: status 'penyebab diketahui' tidak dikenal (pilihan: investigating, identified, "
        "monitoring, resolved). Maksud Anda 'identified'?",
    ),
    (
        "an incident closed with the maintenance word 'Selesai'",
        ["update", "2021-09-19-gangguan-spse", "--status", "selesai", "--message", "x"],
        "generate.py update: status 'selesai' tidak dikenal (pilihan: investigating, identified, monitoring, "
        "resolved). Maksud Anda 'resolved'?",
    ),
    (
        "English: a severity as the Indonesian page's word",
        ["new", "--title", "Uji", "--component", "spse", "--severity", "sebagian", "--lang", "en"],
        "generate.py new: unknown severity 'sebagian' (choices: major, partial, degraded, maintenance, notice). "
        "Did you mean 'partial'?",
    ),
    (
        "missing message, stdin at its end",
        ["update", "2021-09-19-gangguan-spse", "--status", "identified"],
        'generate.py update: tidak ada jawaban untuk --message: tulis --message "..." di perintah, '
        "atau jalankan tanpa itu dan jawab pertanyaannya",
    ),
    (
        "English: unknown component",
        [*NEW, "--component", "spes", "--lang", "en"],
        "generate.py new: service 'spes' is not in status.yml (known: spse, sikap, internet). Did you mean 'spse'?",
    ),
    (
        "English: unknown slug",
        ["update", "2021-09-19-gangguan", "--status", "identified", "--message", "x", "--lang", "en"],
        "generate.py update: no incident '2021-09-19-gangguan' in incidents "
        "(the newest: 2021-09-19-gangguan-spse, 2021-09-20-pemeliharaan). Did you mean '2021-09-19-gangguan-spse'?",
    ),
    (
        "English: resolved before the start",
        ["resolve", "2021-09-19-gangguan-spse", "--at", "2021-09-19 18:00", "--lang", "en"],
        "generate.py resolve: 2021-09-19 18:00 is before the start 2021-09-19 18:33: check the date and time",
    ),
    (
        "English: missing flag",
        ["new", "--title", "Uji", "--lang", "en"],
        'generate.py new: no answer for --component: write --component "..." on the command line, '
        "or leave it out and answer the question",
    ),
    # Times checked against "now" (19:00) and against the record. Five minutes ahead is a clock difference
    # (test_a_start_a_few_minutes_ahead_is_a_clock_difference); six is refused.
    (
        "a start in the future",
        [*NEW, "--component", "spse", "--started", "2021-09-19 19:06"],
        "generate.py new: 2021-09-19 19:06 masih di masa depan (sekarang 2021-09-19 19:00 WITA): "
        "periksa tanggal dan jamnya",
    ),
    (
        "a start in the future, written in another zone",
        # 19:00 WIB (+07:00) is 20:00 WITA.
        [*NEW, "--component", "spse", "--started", "2021-09-19T19:00+07:00"],
        "generate.py new: 2021-09-19 20:00 masih di masa depan (sekarang 2021-09-19 19:00 WITA): "
        "periksa tanggal dan jamnya",
    ),
    (
        "an update time in the future",
        ["update", "2021-09-19-gangguan-spse", "--status", "identified", "--message", "x", "--at", "2021-09-19 19:06"],
        "generate.py update: 2021-09-19 19:06 masih di masa depan (sekarang 2021-09-19 19:00 WITA): "
        "periksa tanggal dan jamnya",
    ),
    (
        "a resolve time in the future: tomorrow by mistake",
        ["resolve", "2021-09-19-gangguan-spse", "--at", "2021-09-20 18:50"],
        "generate.py resolve: 2021-09-20 18:50 masih di masa depan (sekarang 2021-09-19 19:00 WITA): "
        "periksa tanggal dan jamnya",
    ),
    (
        "a maintenance update in the future",
        ["update", "2021-09-20-pemeliharaan", "--status", "in_progress", "--message", "x", "--at", "2021-09-20 22:00"],
        "generate.py update: 2021-09-20 22:00 masih di masa depan (sekarang 2021-09-19 19:00 WITA): "
        "periksa tanggal dan jamnya",
    ),
    (
        "an update before the start",
        ["update", "2021-09-19-gangguan-spse", "--status", "identified", "--message", "x", "--at", "2021-09-19 18:00"],
        "generate.py update: 2021-09-19 18:00 lebih awal dari waktu mulai 2021-09-19 18:33: periksa tanggal dan jamnya",
    ),
    (
        "an update after the start but before the newest update (18:40)",
        BEFORE_NEWEST,
        "generate.py update: 2021-09-19 18:35 lebih awal dari pembaruan terakhir (2021-09-19 18:40): "
        "pembaruan baru harus sesudahnya",
    ),
    (
        "resolved before the newest update",
        ["resolve", "2021-09-19-gangguan-spse", "--at", "2021-09-19 18:39"],
        "generate.py resolve: 2021-09-19 18:39 lebih awal dari pembaruan terakhir (2021-09-19 18:40): "
        "pembaruan baru harus sesudahnya",
    ),
    (
        "a maintenance update before its announcement",
        ["update", "2021-09-20-pemeliharaan", "--status", "scheduled", "--message", "x", "--at", "2021-09-19 08:00"],
        "generate.py update: 2021-09-19 08:00 lebih awal dari pembaruan terakhir (2021-09-19 09:00): "
        "pembaruan baru harus sesudahnya",
    ),
    (
        "maintenance ending at its start",
        [*MAINTENANCE, "--started", "2021-09-20 22:00", "--maintenance-until", "2021-09-20 22:00"],
        "generate.py new: rencana selesai 2021-09-20 22:00 harus setelah waktu mulai 2021-09-20 22:00",
    ),
    (
        "English: a start in the future",
        [*NEW, "--component", "spse", "--started", "2021-09-19 21:00", "--lang", "en"],
        "generate.py new: 2021-09-19 21:00 is in the future (it is now 2021-09-19 19:00 WITA): check the date and time",
    ),
    (
        "English: an update before the newest update",
        [*BEFORE_NEWEST, "--lang", "en"],
        "generate.py update: 2021-09-19 18:35 is before the newest update (2021-09-19 18:40): "
        "a new update comes after it",
    ),
]


@pytest.mark.parametrize(("case", "args", "expected"), BAD_INPUT, ids=[c[0] for c in BAD_INPUT])
def test_bad_input_is_refused_with_a_clear_message(desk, cli, monkeypatch, case, args, expected) -> None:
    for slug, text in EXISTING.items():
        desk.incident(slug, text)
    before = files(desk)
    clock(monkeypatch, "2021-09-19 19:00")
    run = cli(*args)
    assert run.code == 1
    assert run.err.splitlines() == [expected]
    assert "Disimpan" not in run.out and "Diperbarui" not in run.out and "Saved" not in run.out
    assert files(desk) == before


def test_an_edit_the_validator_rejects_is_not_written(desk, cli, monkeypatch) -> None:
    for slug, text in EXISTING.items():
        desk.incident(slug, text)
    before = files(desk)
    clock(monkeypatch, "2021-09-19 19:00")
    # A second 'investigating' at 18:40: the validator's "same time and status" error, on the line of the
    # original update, which the new one (lines 7-9) pushed down to line 10.
    update = ["update", "2021-09-19-gangguan-spse", "--status", "investigating", "--message", "x"]
    run = cli(*update, "--at", "2021-09-19 18:40", "--lang", "en")
    assert run.code == 1
    assert run.err.splitlines() == [
        "incidents/2021-09-19-gangguan-spse.md:10: update 2: same time and status as update 1: "
        "merge the two, or correct the time",
        "1 error, 0 warnings; nothing was written.",
    ]
    assert files(desk) == before
    run = cli(*update, "--at", "2021-09-19 18:40")  # in the site's language, at the same place
    assert run.code == 1
    assert run.err.startswith("incidents/2021-09-19-gangguan-spse.md:10: ")
    assert files(desk) == before
    # An incident file that is already invalid is not made worse, nor silently rewritten.
    broken = EXISTING["2021-09-19-gangguan-spse"].replace("[spse]", "[spes]")
    desk.incident("2021-09-19-gangguan-spse", broken)
    before = files(desk)
    run = cli("resolve", "2021-09-19-gangguan-spse", "--lang", "en")
    assert run.code == 1
    assert run.err.splitlines()[0] == (
        "incidents/2021-09-19-gangguan-spse.md:3: unknown component 'spes' (known: spse, sikap, internet). "
        "Did you mean 'spse'?"
    )
    assert files(desk) == before


def test_new_never_overwrites(desk, cli, monkeypatch) -> None:
    clock(monkeypatch, "2021-09-19 19:00")
    flags = ["--title", "Sama", "--component", "spse", "--severity", "major"]
    assert cli("new", *flags).code == 0
    first = read(desk, "2021-09-19-sama")
    assert cli("new", *flags, "--message", "kedua").code == 0
    assert read(desk, "2021-09-19-sama") == first
    assert '    message: "kedua"\n' in read(desk, "2021-09-19-sama-2")


def test_a_closed_incident_takes_no_more_updates(desk, cli, monkeypatch) -> None:
    for slug, text in EXISTING.items():
        desk.incident(slug, text)
    clock(monkeypatch, "2021-09-19 19:00")
    assert cli("resolve", "2021-09-19-gangguan-spse").code == 0
    closed = files(desk)
    refusal = (
        "gangguan 2021-09-19-gangguan-spse sudah selesai pada 2021-09-19 19:00: bila terjadi lagi, "
        "laporkan sebagai gangguan baru (generate.py new)"
    )
    # Later the same evening: a further update, a closing update, a second resolve; and at a prompt, before
    # anything is asked (the answers on stdin stay unread).
    clock(monkeypatch, "2021-09-19 20:00")
    answers(monkeypatch, "identified\nLagi.\n\n")
    for args in (
        ["update", "2021-09-19-gangguan-spse", "--status", "identified", "--message", "Kambuh."],
        ["update", "2021-09-19-gangguan-spse", "--status", "resolved", "--message", "Pulih lagi."],
        ["resolve", "2021-09-19-gangguan-spse"],
        ["resolve", "2021-09-19-gangguan-spse", "--at", "2021-09-19 19:30", "--message", "Benar-benar pulih."],
        ["update", "2021-09-19-gangguan-spse"],
    ):
        run = cli(*args)
        assert (run.code, run.out, run.err) == (1, "", f"generate.py {args[0]}: {refusal}\n"), args
        assert files(desk) == closed  # byte-identical
    run = cli("update", "2021-09-19-gangguan-spse", "--status", "identified", "--message", "x", "--lang", "en")
    assert run.err == (
        "generate.py update: incident 2021-09-19-gangguan-spse ended at 2021-09-19 19:00: if it happens again, "
        "report a new incident (generate.py new)\n"
    )

    # Maintenance is over once it has a 'completed' update.
    clock(monkeypatch, "2021-09-21 01:00")
    assert cli("resolve", "2021-09-20-pemeliharaan").code == 0
    closed = files(desk)
    for args in (
        ["update", "2021-09-20-pemeliharaan", "--status", "in_progress", "--message", "Lanjut."],
        ["resolve", "2021-09-20-pemeliharaan"],
    ):
        run = cli(*args)
        assert run.code == 1
        assert run.err == (
            f"generate.py {args[0]}: gangguan 2021-09-20-pemeliharaan sudah selesai pada 2021-09-21 01:00: "
            "bila terjadi lagi, laporkan sebagai gangguan baru (generate.py new)\n"
        )
        assert files(desk) == closed


def test_maintenance_already_under_way_opens_in_progress(desk, cli, monkeypatch) -> None:
    # Recorded at 19:00 for a window that began at 18:00: the first update says it is in progress, not that
    # it is scheduled. A start equal to "now" has begun too. `check --strict` passes: a maintenance recorded
    # once under way had nothing left to announce, so no 'scheduled' update is asked for.
    clock(monkeypatch, "2021-09-19 19:00")
    run = cli(*MAINTENANCE, "--started", "2021-09-19 18:00", "--maintenance-until", "2021-09-19 22:00")
    assert run.code == 0, run.err
    assert read(desk, "2021-09-19-uji") == (
        "---\n"
        'title: "Uji"\n'
        "components: [spse]\n"
        "severity: maintenance\n"
        "cause: internal\n"
        "started: 2021-09-19 18:00\n"
        "resolved: 2021-09-19 22:00\n"
        "updates:\n"
        "  - at: 2021-09-19 19:00\n"
        "    status: in_progress\n"
        '    message: "Pemeliharaan terjadwal."\n'
        "---\n"
    )
    run = cli(*MAINTENANCE, "--started", "2021-09-19 19:00", "--maintenance-until", "2021-09-19 20:00")
    assert run.code == 0, run.err
    assert "  - at: 2021-09-19 19:00\n    status: in_progress\n" in read(desk, "2021-09-19-uji-2")
    # One minute ahead is still announced as scheduled.
    run = cli(*MAINTENANCE, "--started", "2021-09-19 19:01", "--maintenance-until", "2021-09-19 20:00")
    assert run.code == 0, run.err
    assert "  - at: 2021-09-19 19:00\n    status: scheduled\n" in read(desk, "2021-09-19-uji-3")
    check_strict(cli)


def test_completing_maintenance_before_its_start_cancels_it(desk, cli, monkeypatch) -> None:
    for slug, text in EXISTING.items():
        desk.incident(slug, text)
    # The evening before the 22:00 window: 'resolved' moves back to the start (a window of no length, so
    # no time is taken out of the figures) and the 'completed' update is dated when it was said, 19:00.
    clock(monkeypatch, "2021-09-19 19:00")
    run = cli("resolve", "2021-09-20-pemeliharaan", "--message", "Dibatalkan.")
    assert run.code == 0, run.err
    assert read(desk, "2021-09-20-pemeliharaan") == (
        "---\n"
        "title: Pemeliharaan\n"
        "components: [spse]\n"
        "severity: maintenance\n"
        "started: 2021-09-20 22:00\n"
        "resolved: 2021-09-20 22:00\n"
        "updates:\n"
        "  - at: 2021-09-19 19:00\n"
        "    status: completed\n"
        '    message: "Dibatalkan."\n'
        "  - at: 2021-09-19 09:00\n"
        "    status: scheduled\n"
        "    message: Diumumkan.\n"
        "---\n"
    )
    check_strict(cli)
    # The same by `update --status completed`, on a copy announced at 09:00 and cancelled at 18:40 (after the
    # 18:33 outage began: an outage may not be dated after now).
    desk.incident("2021-09-20-pemeliharaan", EXISTING["2021-09-20-pemeliharaan"])
    clock(monkeypatch, "2021-09-19 18:40")
    run = cli("update", "2021-09-20-pemeliharaan", "--status", "completed", "--message", "Dibatalkan.")
    assert run.code == 0, run.err
    assert read(desk, "2021-09-20-pemeliharaan") == (
        "---\n"
        "title: Pemeliharaan\n"
        "components: [spse]\n"
        "severity: maintenance\n"
        "started: 2021-09-20 22:00\n"
        "resolved: 2021-09-20 22:00\n"
        "updates:\n"
        "  - at: 2021-09-19 18:40\n"
        "    status: completed\n"
        '    message: "Dibatalkan."\n'
        "  - at: 2021-09-19 09:00\n"
        "    status: scheduled\n"
        "    message: Diumumkan.\n"
        "---\n"
    )
    check_strict(cli)


def test_maintenance_recorded_after_it_ended(desk, cli, monkeypatch) -> None:
    # Planned and announced elsewhere, recorded here only at 19:00, after its 10:00-18:00 window: written as
    # completed, with its window, and one update dated when it was recorded, which says so.
    clock(monkeypatch, "2021-09-19 19:00")
    run = cli(*MAINTENANCE, "--started", "2021-09-19 10:00", "--maintenance-until", "2021-09-19 18:00")
    assert run.code == 0, run.err
    assert read(desk, "2021-09-19-uji") == (
        "---\n"
        'title: "Uji"\n'
        "components: [spse]\n"
        "severity: maintenance\n"
        "cause: internal\n"
        "started: 2021-09-19 10:00\n"
        "resolved: 2021-09-19 18:00\n"
        "updates:\n"
        "  - at: 2021-09-19 19:00\n"
        "    status: completed\n"
        '    message: "Pemeliharaan ini sudah selesai dan dicatat setelah berakhir."\n'
        "---\n"
    )
    check_strict(cli)
    # Shown as a completed maintenance of 8 hours (10:00 to 18:00), in the API and on its page.
    run = cli("build", "--out", desk.out, "--now", "2021-09-19T19:00")
    assert run.code == 0, run.err
    (window,) = json.loads(desk.file("api/v2/scheduled-maintenances.json"))["scheduled_maintenances"]
    assert (window["status"], window["scheduled_for"], window["scheduled_until"]) == (
        "completed",
        "2021-09-19T10:00:00.000+08:00",
        "2021-09-19T18:00:00.000+08:00",
    )
    page = desk.file("incidents/2021-09-19-uji/index.html")
    assert "<td>8 jam</td>" in page
    assert '<li id="pembaruan-1" class="update update-completed">' in page
    # It is over: nothing more can be added.
    run = cli("resolve", "2021-09-19-uji")
    assert (run.code, run.err) == (
        1,
        "generate.py resolve: gangguan 2021-09-19-uji sudah selesai pada 2021-09-19 19:00: bila terjadi lagi, "
        "laporkan sebagai gangguan baru (generate.py new)\n",
    )
    # A window ending at this very minute is over too; the default message follows --lang.
    run = cli(*MAINTENANCE, "--started", "2021-09-19 18:00", "--maintenance-until", "2021-09-19 19:00", "--lang", "en")
    assert run.code == 0, run.err
    assert read(desk, "2021-09-19-uji-2").endswith(
        "updates:\n  - at: 2021-09-19 19:00\n    status: completed\n"
        '    message: "This maintenance has been completed; it was recorded after it ended."\n---\n'
    )
    check_strict(cli)


def test_a_file_that_is_not_utf8_is_refused_cleanly(desk, cli, monkeypatch) -> None:
    # Saved as Windows-1252 by a text editor: 'é' is the single byte E9, followed by a space.
    path = desk.root / "incidents" / "2021-09-19-latin.md"
    path.write_bytes(
        b"---\ntitle: Gangguan di kantor caf\xe9 internet\ncomponents: [spse]\nseverity: major\n"
        b"started: 2021-09-19 18:33\nupdates: []\n---\n"
    )
    before = files(desk)
    clock(monkeypatch, "2021-09-19 19:00")
    answers(monkeypatch, "identified\nx\n\n")  # not read: the file is refused before anything is asked
    for args in (
        ["update", "2021-09-19-latin", "--status", "identified", "--message", "x"],
        ["resolve", "2021-09-19-latin"],
        ["update", "2021-09-19-latin"],
    ):
        run = cli(*args)
        assert (run.code, run.out) == (1, ""), args
        assert run.err == (
            f"generate.py {args[0]}: incidents/2021-09-19-latin.md: bukan teks UTF-8 (invalid continuation byte): "
            "simpan file sebagai UTF-8\n"
        )
        assert files(desk) == before
    run = cli("resolve", "2021-09-19-latin", "--lang", "en")
    assert run.err == (
        "generate.py resolve: incidents/2021-09-19-latin.md: not UTF-8 text (invalid continuation byte): "
        "save the file as UTF-8\n"
    )


def test_an_invalid_file_is_reported_as_check_reports_it(desk, cli, monkeypatch) -> None:
    # A typo in a hand-written status (line 8): the edit would be valid, but the file is not, so `update`
    # and `resolve` say what `check` says about it, before asking anything, and change nothing.
    path = desk.incident(
        "2021-09-19-typo",
        "---\ntitle: Typo\ncomponents: [spse]\nseverity: major\nstarted: 2021-09-19 18:33\nupdates:\n"
        "  - at: 2021-09-19 18:40\n    status: investigatin\n    message: Diselidiki.\n---\n",
    )
    before = path.read_bytes()
    check = cli("check", "--lang", "id")
    assert check.code == 1
    problem = check.err.splitlines()[0]
    assert problem.startswith("incidents/2021-09-19-typo.md:8: ")
    clock(monkeypatch, "2021-09-19 19:00")
    answers(monkeypatch, "identified\nx\n\n")
    for args in (
        ["update", "2021-09-19-typo", "--status", "identified", "--message", "x"],
        ["resolve", "2021-09-19-typo"],
        ["update", "2021-09-19-typo"],
    ):
        run = cli(*args)
        assert (run.code, run.out) == (1, ""), args
        assert run.err.splitlines() == [problem, "1 kesalahan, 0 peringatan; tidak ada yang ditulis."]
        assert path.read_bytes() == before


# 7. Atomic writes.


def test_a_failed_write_leaves_the_file_and_no_temporary_file(desk, cli, monkeypatch) -> None:
    path = desk.incident("2021-09-19-gangguan-spse", EXISTING["2021-09-19-gangguan-spse"])
    path.chmod(0o600)
    before = files(desk)
    clock(monkeypatch, "2021-09-19 19:00")

    def full_disk(source: object, target: object) -> None:
        raise OSError(28, "No space left on device")

    real_replace = os.replace
    monkeypatch.setattr(os, "replace", full_disk)
    commands = [
        ["update", "2021-09-19-gangguan-spse", "--status", "identified", "--message", "x"],
        ["resolve", "2021-09-19-gangguan-spse"],
        ["new", "--title", "Baru", "--component", "spse", "--severity", "major"],
    ]
    for args in commands:
        try:
            run = cli(*args)
        except OSError as exc:  # not input to report: it may stop with its traceback
            assert exc.errno == 28
        else:
            assert run.code != 0
        assert files(desk) == before  # no temporary ".<name>.xxxx" left, nothing new, nothing changed
    monkeypatch.setattr(os, "replace", real_replace)
    assert cli("update", "2021-09-19-gangguan-spse", "--status", "identified", "--message", "x").code == 0
    assert path.stat().st_mode & 0o777 == 0o600  # the file keeps its permissions
    assert sorted(files(desk)) == ["2021-09-19-gangguan-spse.md"]
