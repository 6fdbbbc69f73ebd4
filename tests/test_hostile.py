"""The hostile corpus: inputs a hurried staff member, a stranger's pull request or a lying network
could bring, each built into a copy of a small good site.

Every case ends one of two ways, and never with a traceback or a hang:
- refused: exit 1, the message names the file and the line of the fault ("path:line: ..."),
  says what is wrong, and the old site is still there byte for byte; or
- built: exit 0, and nothing in the site can run or load from elsewhere (tests/safety.py), plus
  what the case itself must show (the text escaped, the figure computed by hand, ...).

A case that is accepted with a warning says where the warning points, too. The cases are data:
add one to CASES to extend the corpus. docs/reliability.md counts them.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import icalendar
import pytest

from tests.conftest import Run
from tests.safety import scan_site
from tests.test_build import digest

NOW = "2026-11-26T10:00+08:00"

CONFIG = """\
title: Uji
base_url: https://example.github.io/status/
history_start: 2011-01-01
help:
  check: [spse]
components:
  - id: spse
    name: SPSE Kalsel
    url: https://spse.example.org/eproc4
    probe:
      url: https://spse.example.org/eproc4
  - id: sikap
    name: SIKaP
  - id: internet
    name: Internet
timezone: Asia/Makassar
"""

GOOD = """\
---
title: Kabel laut putus
components: [internet]
severity: major
cause: external
started: 2021-09-19 18:33
resolved: 2021-09-20 09:00
updates:
  - at: 2021-09-19 18:40
    status: investigating
    message: Akses internet terputus.
  - at: 2021-09-20 09:00
    status: resolved
    message: Pulih.
---
Kabel laut JASUKA putus.
"""

HISTORY_HEAD = "time,status,http_status,latency_ms,error,cert_days\n"
HISTORY = HISTORY_HEAD + "".join(  # 09:30 to 09:55 WITA, each up; the newest answered in 155 ms
    f"2026-11-26T01:{minute:02d}:00Z,up,200,{100 + minute},,40\n" for minute in range(30, 60, 5)
)
LATE = "2026-11-26T01:58:00Z"  # a sample after those, 09:58 WITA


def incident(front: str, body: str = "") -> str:
    """An incident file: the front matter lines given (title, components, ...), then the body."""
    return "---\n" + front + "---\n" + body


# A valid front matter, line by line: the fence is line 1, so title is 2, components 3, severity 4, started 5.
TITLE, COMPONENTS, SEVERITY, STARTED = (
    "title: Gangguan SPSE\n",
    "components: [spse]\n",
    "severity: major\n",
    "started: 2026-11-20 10:00\n",
)
RESOLVED = "resolved: 2026-11-20 12:00\n"
UPDATES = "updates:\n  - at: 2026-11-20 10:05\n    status: investigating\n    message: Sedang diperiksa.\n"


def front(**replace: str) -> str:
    """The valid front matter with some lines replaced (by key: title, components, ...) or added."""
    lines = {"title": TITLE, "components": COMPONENTS, "severity": SEVERITY, "started": STARTED}
    lines |= {"resolved": RESOLVED, "updates": UPDATES}
    lines |= replace
    return "".join(text for text in lines.values() if text)


NEW = "incidents/2026-11-20-uji.md"


@dataclass(frozen=True)
class Case:
    name: str
    files: dict[str, str | bytes] = field(default_factory=dict)  # relative to the site's root
    refused: tuple[str, int, str] | None = None  # (file, line, words of the message): exit 1, old site kept
    warned: tuple[str, int, str] | None = None  # accepted, with this warning
    strict: bool = False  # build with --strict
    prepare: Callable[[Path], None] | None = None  # anything files cannot say: links, pipes, permissions
    verify: Callable[[Path], None] | None = None  # what the built site must show (given the site folder)


def page(site: Path, relative: str) -> str:
    return (site / relative).read_text(encoding="utf-8")


# --- what some cases must show ---------------------------------------------------------------


def shows_title_as_text(title: str, escaped: str) -> Callable[[Path], None]:
    def verify(site: Path) -> None:
        html = page(site, "incidents/2026-11-20-uji/index.html")
        assert f"<h1>{escaped}</h1>" in html
        rss = ElementTree.parse(site / "feed.xml").getroot()
        # An item's title is its update's status, then the incident's title, as given.
        assert f"[Sedang diselidiki] {title}" in [item.findtext("title") for item in rss.iter("item")]
        summary = json.loads(page(site, "api/v2/incidents.json"))["incidents"]
        assert title in [entry["name"] for entry in summary]

    return verify


def jinja_stays_text(site: Path) -> None:
    html = page(site, "incidents/2026-11-20-uji/index.html")
    assert "{{ 7*7 }}" in html and "{% raw %}" in html
    assert "49" not in html.replace("2026-11-20", "")


def written_parts(html: str) -> str:
    """What the incident's own text fills on its page: the updates' timeline and the body section."""
    parts = []
    for start in ('<section aria-labelledby="pembaruan">', '<section aria-labelledby="ringkasan" class="body">'):
        if start in html:
            opened = html.index(start)
            parts.append(html[opened : html.index("</section>", opened)])
    return "\n".join(parts)


def no_markup_from_the_body(*tags: str) -> Callable[[Path], None]:
    def verify(site: Path) -> None:
        written = written_parts(page(site, "incidents/2026-11-20-uji/index.html"))
        for tag in tags:
            assert f"<{tag}" not in written, tag
        assert "tetap terbaca" in written  # the text around the markup is kept

    return verify


def converted_to_wita(site: Path) -> None:
    # 2021-09-19T10:00+14:00 is 2021-09-18T20:00Z, which is 2021-09-19 04:00 WITA (UTC+8).
    html = page(site, "incidents/2021-09-19-uji/index.html")
    assert "2021-09-19T04:00:00+08:00" in html


def zero_length_outage(site: Path) -> None:
    day = next(
        d for d in json.loads(page(site, "api/v1/components/spse/daily.json"))["days"] if d["date"] == "2026-11-20"
    )
    assert day["downtime_minutes"] == 0


def maintenance_hides_the_overlap(site: Path) -> None:
    # Outage 10:00-12:00, maintenance 11:00-13:00 on 2026-11-20 WITA. Inside maintenance nothing counts:
    # down only 10:00-11:00 = 60 min; maintenance 11:00-13:00 = 120 min. Of the 1,440 minutes of the day,
    # 1,320 are measured, 60 of them down: 100 × (1 - 60/1320) = 95.4545...%.
    days = json.loads(page(site, "api/v1/components/spse/daily.json"))["days"]
    day = next(d for d in days if d["date"] == "2026-11-20")
    assert (day["downtime_minutes"], day["maintenance_minutes"]) == (60, 120)
    assert day["uptime"] == pytest.approx(100 * (1 - 60 / 1320), abs=1e-4)


def thousands_of_updates(site: Path) -> None:
    html = page(site, "incidents/2026-11-20-uji/index.html")
    assert "Pembaruan ke-0." in html and "Pembaruan ke-9999." in html
    assert html.count("Pembaruan ke-") >= 10_000  # every one of them, in its timeline
    items = list(ElementTree.parse(site / "feed.xml").getroot().iter("item"))
    assert len(items) == 50  # the feed stays capped at the newest 50 updates


def future_maintenance_is_announced(site: Path) -> None:
    assert "Pemeliharaan server" in page(site, "index.html")
    calendar = icalendar.Calendar.from_ical((site / "maintenance.ics").read_bytes())
    summaries = [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]
    assert "Pemeliharaan: Pemeliharaan server" in summaries


def hostile_maintenance_in_every_format(site: Path) -> None:
    title = "<script>alert(1)</script> \"Kutip\" & 'apos'"
    calendar = icalendar.Calendar.from_ical((site / "maintenance.ics").read_bytes())
    assert f"Pemeliharaan: {title}" in [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]
    atom = ElementTree.parse(site / "atom.xml").getroot()
    titles = [e.text for e in atom.iter("{http://www.w3.org/2005/Atom}title")]
    assert f"[Dijadwalkan] {title}" in titles  # the update's status, then the title, as given
    scheduled = json.loads(page(site, "api/v2/scheduled-maintenances.json"))["scheduled_maintenances"]
    assert title in [entry["name"] for entry in scheduled]
    assert "<script>" not in page(site, "index.html").replace("&lt;script&gt;", "")


def probes_say(status: str, newest_ms: int | None = None) -> Callable[[Path], None]:
    """What the probes tell of spse at 10:00 WITA: its status, and the latency of its newest sample."""

    def verify(site: Path) -> None:
        components = json.loads(page(site, "api/v2/components.json"))["components"]
        assert next(c for c in components if c["id"] == "spse")["statusgen_status"] == status
        if newest_ms is not None:
            assert f"{newest_ms} ms" in page(site, "components/spse/index.html")

    return verify


def cut_line_skipped(site: Path) -> None:
    # The last line was cut after the "4" of cert_days 40: read, it would say 4 days are left.
    assert "Sertifikat TLS berlaku 40 hari lagi." in page(site, "components/spse/index.html")


HISTORY_FILE = "history/spse/2026-11.csv"


def _symlink_outside(root: Path) -> None:
    outside = root.parent / "elsewhere.md"
    outside.write_text(incident(front()), encoding="utf-8")
    (root / "incidents" / "2026-11-20-tautan.md").symlink_to(outside)


def _incidents_outside(root: Path) -> None:
    outside = root.parent / "elsewhere"
    (root / "incidents").rename(outside)
    (root / "incidents").symlink_to(outside)


def _loop(root: Path) -> None:
    (root / "incidents" / "2026-11-20-putar.md").symlink_to("2026-11-20-putar.md")


def _fifo(root: Path) -> None:
    os.mkfifo(root / "incidents" / "2026-11-20-pipa.md")


def _dev_zero(root: Path) -> None:
    (root / "incidents" / "2026-11-20-nol.md").symlink_to("/dev/zero")


def _history_directory(root: Path) -> None:
    (root / HISTORY_FILE).unlink()
    (root / HISTORY_FILE).mkdir()


def _history_pipe(root: Path) -> None:
    (root / HISTORY_FILE).unlink()
    os.mkfifo(root / HISTORY_FILE)


def _history_read_only(root: Path) -> None:
    for folder in (root / "history", root / "history" / "spse"):
        folder.chmod(stat.S_IRUSR | stat.S_IXUSR)


def _fifty_megabytes(root: Path) -> None:
    with (root / NEW).open("w", encoding="utf-8") as stream:
        stream.write(incident(front()))
        for _ in range(50):
            stream.write("Teks yang tertempel berulang kali. " * 30_000 + "\n")  # 1 MB a line


BILLION_LAUGHS = (
    "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
    "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
    "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
    "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
)  # after the 10 lines of front(), a is line 11; e, line 15, expands to 111,111 values: past 100,000
MERGE_BOMB = "m0: &m0 {k0: v}\n" + "".join(
    f"m{i}: &m{i} {{<<: [*m{i - 1}, *m{i - 1}], k{i}: v}}\n" for i in range(1, 40)
)  # m_i holds 2^i + ... pairs, on line 11 + i of the file (after the 10 lines of front()): with the
# 2^16 - 1 values of m0..m15 already counted, m16's 2^16 pass 100,000, on line 27

THOUSANDS = "updates:\n" + "".join(
    f"  - at: 2026-11-20T{10 + n // 3600:02d}:{n // 60 % 60:02d}:{n % 60:02d}+08:00\n"
    "    status: investigating\n"
    f"    message: Pembaruan ke-{n}.\n"
    for n in range(10_000)
)

CASES = [
    # --- YAML ---------------------------------------------------------------------------------
    Case("yaml syntax", {NEW: incident(front(title="title: Gangguan: SPSE\n"))}, (NEW, 2, "invalid YAML")),
    Case(
        "yaml tab indent",
        {NEW: incident(front(updates="updates:\n\t- at: 2026-11-20 10:05\n"))},
        (NEW, 8, "Indent with spaces, not tabs"),
    ),
    Case(
        "yaml duplicate key",
        {NEW: incident(front(extra="title: Lagi\n"))},
        (NEW, 11, "duplicate key 'title' (first on line 2)"),
    ),
    Case("yaml billion laughs", {NEW: incident(front() + BILLION_LAUGHS)}, (NEW, 15, "more than 100000 values")),
    Case("yaml merge bomb", {NEW: incident(front() + MERGE_BOMB)}, (NEW, 27, "more than 100000 values")),
    Case("yaml alias loop", {NEW: incident(front(title="title: &a [*a]\n"))}, (NEW, 2, "nested more than 50")),
    Case(
        "yaml python tag",
        {NEW: incident(front(title='title: !!python/object/apply:os.system ["touch pwned"]\n'))},
        (NEW, 2, "the tag '!!python/object/apply:os.system' is not allowed"),
        verify=None,
    ),
    Case(
        "yaml value its tag cannot make",
        {NEW: incident(front(extra="x: !!int 0x\n"))},
        (NEW, 11, "cannot be read as its tag says"),
    ),
    Case("fence missing", {NEW: front()}, (NEW, 1, "no front matter")),
    Case("fence never closed", {NEW: "---\n" + front()}, (NEW, 1, "front matter is not closed")),
    Case(
        "front matter only",
        {NEW: incident(front())},
        verify=lambda site: page(site, "incidents/2026-11-20-uji/index.html"),
    ),
    Case("body only", {NEW: "Hanya isi, tanpa front matter.\n"}, (NEW, 1, "no front matter")),
    Case("empty file", {NEW: ""}, (NEW, 1, "no front matter")),
    Case("50 MB file", prepare=_fifty_megabytes, refused=(NEW, 1, "larger than 2 MB")),
    Case(
        "not UTF-8",
        {NEW: incident(front()).encode().replace(b"Gangguan SPSE", b"Gangguan caf\xe9")},
        (NEW, 2, "not UTF-8 text"),
    ),
    Case(
        "not UTF-8 after a BOM",
        {NEW: b"\xef\xbb\xbf" + incident(front()).encode().replace(b"Gangguan SPSE", b"Gangguan caf\xe9")},
        (NEW, 2, "not UTF-8 text"),  # the BOM is not counted as a line's worth of bytes
    ),
    Case(
        "BOM and CRLF",
        {NEW: ("\ufeff" + incident(front(), "Isi.\n")).replace("\n", "\r\n").encode()},
        verify=shows_title_as_text("Gangguan SPSE", "Gangguan SPSE"),
    ),
    # --- types --------------------------------------------------------------------------------
    Case("title a number", {NEW: incident(front(title="title: 2021\n"))}, verify=shows_title_as_text("2021", "2021")),
    Case("title a list", {NEW: incident(front(title="title: [a, b]\n"))}, (NEW, 2, "'title' must be text, not a list")),
    Case("title null", {NEW: incident(front(title="title:\n"))}, (NEW, 2, "missing required key 'title'")),
    Case("started a list", {NEW: incident(front(started="started: [a, b]\n"))}, (NEW, 5, "must be a time, not a list")),
    Case("date 30 February", {NEW: incident(front(started="started: 2021-02-30 10:00\n"))}, (NEW, 5, "day is out")),
    Case("hour 24:00", {NEW: incident(front(started="started: 2021-09-19 24:00\n"))}, (NEW, 5, "not a valid time")),
    Case("year 0001", {NEW: incident(front(started="started: 0001-09-19 10:00\n"))}, (NEW, 5, "outside 1990–2100")),
    Case("year 9999", {NEW: incident(front(started="started: 9999-09-19 10:00\n"))}, (NEW, 5, "outside 1990–2100")),
    Case("time without a date", {NEW: incident(front(started="started: '10:00'\n"))}, (NEW, 5, "not a valid time")),
    Case(
        "offset +14:00",
        {
            "incidents/2021-09-19-uji.md": incident(
                front(started="started: 2021-09-19T10:00+14:00\n", resolved="", updates="updates: []\n")
            )
        },
        verify=converted_to_wita,
    ),
    Case(
        "offset +99:00",
        {NEW: incident(front(started="started: 2021-09-19T10:00+99:00\n"))},
        (NEW, 5, "the offset must be between -23:59 and +23:59"),
    ),
    Case(
        "resolved equals started",
        {NEW: incident(front(resolved="resolved: 2026-11-20 10:00\n", updates="updates: []\n"))},
        verify=zero_length_outage,
    ),
    # --- meaning ------------------------------------------------------------------------------
    Case(
        "unknown component",
        {NEW: incident(front(components="components: [spse2]\n"))},
        (NEW, 3, "unknown component 'spse2'"),
    ),
    Case(
        "duplicate component",
        {NEW: incident(front(components="components: [spse, spse]\n"))},
        warned=(NEW, 3, "component 'spse' is listed twice"),
    ),
    Case("no components", {NEW: incident(front(components="components: []\n"))}, (NEW, 3, "'components' is empty")),
    Case(
        "maintenance without an end",
        {NEW: incident(front(severity="severity: maintenance\n", resolved="", updates="updates: []\n"))},
        (NEW, 2, "maintenance needs 'resolved'"),  # no 'resolved' line: the front matter's first line
    ),
    Case(
        "update before the start",
        {NEW: incident(front(updates=UPDATES.replace("2026-11-20 10:05", "2026-11-19 10:05")))},
        (NEW, 8, "is before the incident started"),
    ),
    Case("10,000 updates", {NEW: incident(front(resolved="", updates=THOUSANDS))}, verify=thousands_of_updates),
    Case(
        "maintenance overlapping an outage",
        {
            NEW: incident(front(updates="updates: []\n")),
            "incidents/2026-11-20-pemeliharaan.md": incident(
                "title: Pemeliharaan\ncomponents: [spse]\nseverity: maintenance\n"
                "started: 2026-11-20 11:00\nresolved: 2026-11-20 13:00\nupdates: []\n"
            ),
        },
        verify=maintenance_hides_the_overlap,
    ),
    Case(
        "before history_start",
        {
            "incidents/2010-05-01-lama.md": incident(
                front(
                    started="started: 2010-05-01 10:00\n",
                    resolved="resolved: 2010-05-01 11:00\n",
                    updates="updates: []\n",
                )
            )
        },
        warned=("incidents/2010-05-01-lama.md", 5, "starts before history_start"),
    ),
    Case(
        "before history_start, strict",
        {
            "incidents/2010-05-01-lama.md": incident(
                front(
                    started="started: 2010-05-01 10:00\n",
                    resolved="resolved: 2010-05-01 11:00\n",
                    updates="updates: []\n",
                )
            )
        },
        ("incidents/2010-05-01-lama.md", 5, "starts before history_start"),
        strict=True,
    ),
    Case(
        "outage in the future",
        {
            "incidents/2027-01-05-uji.md": incident(
                front(started="started: 2027-01-05 10:00\n", resolved="", updates="updates: []\n")
            )
        },
        ("incidents/2027-01-05-uji.md", 5, "starts after now"),
    ),
    Case(
        "maintenance in the future",
        {
            "incidents/2026-12-05-pemeliharaan.md": incident(
                "title: Pemeliharaan server\ncomponents: [spse]\nseverity: maintenance\n"
                "started: 2026-12-05 22:00\nresolved: 2026-12-06 02:00\nupdates:\n"
                "  - at: 2026-11-25 09:00\n    status: scheduled\n    message: Diumumkan.\n"
            )
        },
        verify=future_maintenance_is_announced,
    ),
    # --- markup -------------------------------------------------------------------------------
    Case(
        "script in the title",
        {NEW: incident(front(title="title: '<script>alert(1)</script>'\n"))},
        verify=shows_title_as_text("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ),
    Case(
        "event handler in a message",
        {
            NEW: incident(
                front(updates=UPDATES.replace("Sedang diperiksa.", "'<img src=x onerror=alert(1)> tetap terbaca'"))
            )
        },
        verify=no_markup_from_the_body("img"),
    ),
    Case(
        "javascript and data links in the body",
        {
            NEW: incident(
                front(),
                "[a](javascript:alert(1)) [b](JaVaScRiPt:alert(2)) [c](java&#x09;script:alert(3)) "
                '[d](data:text/html;base64,PHNjcmlwdD4=) <a href="vbscript:x">e</a> tetap terbaca\n',
            )
        },
        verify=no_markup_from_the_body("a "),  # every address is dropped, so every link is unwrapped
    ),
    Case(
        "frames, styles, svg and forms in the body",
        {
            NEW: incident(
                front(),
                '<iframe src="https://evil.example"></iframe>\n\n<style>body{display:none}</style>\n\n'
                "<svg><script>alert(1)</script></svg> <svg onload=alert(1)>\n\n"
                '<form action="https://evil.example"><button>x</button></form>\n\n'
                '<object data="x.swf"></object><embed src="x.swf"><base href="https://evil.example/">\n\n'
                "![pelacak](https://evil.example/p.gif) <meta http-equiv=refresh content=0> tetap terbaca\n",
            )
        },
        verify=no_markup_from_the_body("iframe", "style", "svg", "form", "object", "embed", "base", "img", "meta"),
    ),
    Case(
        "a dead link whose title holds markup",
        {NEW: incident(front(), '[x](javascript:void(0) "x><img src=x onerror=alert(1)>") tetap terbaca\n')},
        verify=no_markup_from_the_body("img"),
    ),
    Case(
        "template syntax",
        {NEW: incident(front(title="title: '{{ 7*7 }} {% raw %}'\n"), "{{ 7*7 }} {% raw %} {{ config }}\n")},
        verify=jinja_stays_text,
    ),
    Case(
        "quotes, ampersands and right-to-left text",
        {NEW: incident(front(title="title: '\"Kutip\" & ''apos'' — الخدمة غير متاحة'\n"))},
        verify=shows_title_as_text(
            "\"Kutip\" & 'apos' — الخدمة غير متاحة", "&#34;Kutip&#34; &amp; &#39;apos&#39; — الخدمة غير متاحة"
        ),
    ),
    Case(
        "hostile maintenance in feeds, JSON and calendar",
        {
            "incidents/2026-12-05-pemeliharaan.md": incident(
                "title: '<script>alert(1)</script> \"Kutip\" & ''apos'''\ncomponents: [spse]\nseverity: maintenance\n"
                "started: 2026-12-05 22:00\nresolved: 2026-12-06 02:00\nupdates:\n"
                "  - at: 2026-11-25 09:00\n    status: scheduled\n"
                "    message: '[klik](javascript:alert(1)) <img src=x onerror=alert(2)>'\n"
            )
        },
        verify=hostile_maintenance_in_every_format,
    ),
    Case(
        "an unclosed direction override",
        {NEW: incident(front(title='title: "\\u202eGangguan"\n'))},
        (NEW, 2, "never closed"),
    ),
    Case(
        "a lone surrogate in the title",
        {NEW: incident(front(title='title: "Gangguan \\ud800"\n'))},
        (NEW, 2, "invisible control character (U+D800)"),
    ),
    Case(
        "a control character in a message",
        {NEW: incident(front(updates=UPDATES.replace("Sedang diperiksa.", '"Bel \\x07 berbunyi"')))},
        (NEW, 10, "invisible control character (U+0007)"),
    ),
    # --- configuration ------------------------------------------------------------------------
    Case(
        "bad time zone",
        {"status.yml": CONFIG.replace("timezone: Asia/Makassar", "timezone: Asia/Banjarmasin")},
        ("status.yml", 16, "unknown time zone"),
    ),
    Case(
        "base_url without a scheme",
        {"status.yml": CONFIG.replace("https://example.github.io/status/", "example.github.io/status/")},
        ("status.yml", 2, "not an absolute web address"),
    ),
    Case(
        "base_url with a query",
        {"status.yml": CONFIG.replace("github.io/status/", "github.io/status/?x=1")},
        ("status.yml", 2, "must not have a '?query'"),
    ),
    Case(
        "component id with a slash",
        {"status.yml": CONFIG.replace("id: sikap", "id: si/kap")},
        ("status.yml", 12, "si/kap"),
    ),
    Case("component id ..", {"status.yml": CONFIG.replace("id: sikap", "id: '..'")}, ("status.yml", 12, "'..'")),
    Case(
        "duplicate component ids",
        {"status.yml": CONFIG.replace("id: sikap", "id: spse")},
        ("status.yml", 12, "duplicate"),
    ),
    Case(
        "probe timeout 0",
        {
            "status.yml": CONFIG.replace(
                "      url: https://spse.example.org/eproc4\n",
                "      url: https://spse.example.org/eproc4\n      timeout: 0\n",
            )
        },
        ("status.yml", 12, "'timeout' must be a number from 0.1 to 120"),
    ),
    Case(
        "probe timeout negative",
        {
            "status.yml": CONFIG.replace(
                "      url: https://spse.example.org/eproc4\n",
                "      url: https://spse.example.org/eproc4\n      timeout: -5\n",
            )
        },
        ("status.yml", 12, "'timeout' must be a number from 0.1 to 120"),
    ),
    Case(
        "probe that could outlast its job",
        {
            "status.yml": CONFIG.replace(
                "      url: https://spse.example.org/eproc4\n",
                "      url: https://spse.example.org/eproc4\n      timeout: 120\n      retries: 5\n",
            )
        },
        ("status.yml", 12, "waiting 724 s"),  # (120 + 0.25 grace) × 6 attempts + 0.5 × 5 pauses,
    ),
    Case(
        "probes that together could outlast their job",
        # 65 more probed components of 120 s × 2 attempts, beside spse's 10 s × 2: 66 probes, 64 at a time,
        # the longest first, so two rounds each led by a (120 + 0.25 grace) × 2 + 0.5 pause = 241 s probe.
        {
            "status.yml": CONFIG.replace("timezone: Asia/Makassar\n", "")
            + "".join(
                f"  - id: extra{n}\n    name: Ekstra {n}\n    probe:\n      url: https://x{n}.example.org/\n"
                "      timeout: 120\n      retries: 1\n"
                for n in range(65)
            )
            + "timezone: Asia/Makassar\n"
        },
        ("status.yml", 6, "66 probes that all fail could keep the probe run waiting 482 s, 64 at a time"),
    ),
    Case("unknown key", {"status.yml": CONFIG + "tema: gelap\n"}, warned=("status.yml", 17, "unknown key 'tema'")),
    Case(
        "unknown key, strict",
        {"status.yml": CONFIG + "tema: gelap\n"},
        ("status.yml", 17, "unknown key 'tema'"),
        strict=True,
    ),
    # --- probe history ------------------------------------------------------------------------
    Case(
        "history line cut short mid-file",
        {HISTORY_FILE: HISTORY + f"{LATE},up,2\n2026-11-26T01:59:00Z,up,200,99,,40\n"},
        warned=(HISTORY_FILE, 8, "expected 6 fields, found 3"),
    ),
    Case(
        "history line with extra fields",
        {HISTORY_FILE: HISTORY + f"{LATE},up,200,99,,40,lagi\n"},
        warned=(HISTORY_FILE, 8, "expected 6 fields, found 7"),
    ),
    Case(
        "history NUL byte",
        {HISTORY_FILE: HISTORY + f"{LATE},up,2\x0000,99,,40\n"},
        warned=(HISTORY_FILE, 8, "skipped a malformed probe line"),
    ),
    Case(
        "history unfinished last line",
        {HISTORY_FILE: HISTORY + f"{LATE},up,200,99,,4"},
        warned=(HISTORY_FILE, 8, "it has no line end"),
        verify=cut_line_skipped,
    ),
    Case(
        "history number out of range",
        {HISTORY_FILE: HISTORY + f"{LATE},up,200,99999999999999999999999999,,40\n"},
        warned=(HISTORY_FILE, 8, "latency_ms"),
    ),
    Case(
        "history number in another script",
        {HISTORY_FILE: HISTORY + f"{LATE},up,٢٠٠,99,,40\n"},
        warned=(HISTORY_FILE, 8, "digits 0-9"),
    ),
    Case(
        "history status code a server may send",
        {HISTORY_FILE: HISTORY + f"{LATE},down,999,4,status,\n"},  # http.client takes 100-999
        verify=probes_say("major_outage", None),
    ),
    Case(
        "history times in the future and far past",
        {
            HISTORY_FILE: HISTORY
            + "2099-01-01T00:00:00Z,down,500,99,status,40\n1999-01-01T00:00:00Z,down,500,99,status,40\n"
        },
        # Both lie outside the file's month: strays, counted in no figure, reported at the first.
        warned=(HISTORY_FILE, 8, "2 probe samples dated outside 2026-11 are not counted"),
        verify=probes_say("operational", 155),
    ),
    Case(
        "history unsorted and duplicated",
        {
            HISTORY_FILE: HISTORY_HEAD
            + "".join(reversed(HISTORY.splitlines(keepends=True)[1:]))
            + HISTORY[len(HISTORY_HEAD) :]
        },
        verify=probes_say("operational", 155),
    ),
    Case(
        "history without its header",
        {HISTORY_FILE: HISTORY[len(HISTORY_HEAD) :]},
        verify=probes_say("operational", 155),
    ),
    Case(
        "history header in another order",
        {HISTORY_FILE: "status,time,http_status,latency_ms,error,cert_days\n" + HISTORY[len(HISTORY_HEAD) :]},
        warned=(HISTORY_FILE, 1, "skipped a malformed probe line"),
    ),
    Case("history empty file", {HISTORY_FILE: ""}, verify=probes_say("no_data")),
    Case("history file that is a folder", prepare=_history_directory, warned=(HISTORY_FILE, 1, "not a regular file")),
    Case("history file that is a pipe", prepare=_history_pipe, warned=(HISTORY_FILE, 1, "not a regular file")),
    Case("history read-only", prepare=_history_read_only, verify=probes_say("operational", 155)),
    # --- paths --------------------------------------------------------------------------------
    Case(
        "file name with spaces",
        {"incidents/2026-11-20 kabel laut.md": incident(front())},
        ("incidents/2026-11-20 kabel laut.md", 1, "rename it to '2026-11-20-kabel-laut.md'"),
    ),
    Case(
        "file name in capitals",
        {"incidents/2026-11-20-Kabel.md": incident(front())},
        ("incidents/2026-11-20-Kabel.md", 1, "rename it to '2026-11-20-kabel.md'"),
    ),
    Case(
        "link out of the repository",
        prepare=_symlink_outside,
        refused=("incidents/2026-11-20-tautan.md", 1, "outside the repository"),
    ),
    Case("a pipe named .md", prepare=_fifo, refused=("incidents/2026-11-20-pipa.md", 1, "not a regular file")),
    Case("a link to itself", prepare=_loop, refused=("incidents/2026-11-20-putar.md", 1, "leads round to itself")),
    Case(
        "incidents folder linked out of the repository",
        prepare=_incidents_outside,
        refused=("incidents/2021-09-19-kabel-laut.md", 1, "outside the repository"),
    ),
    Case(
        "a link to /dev/zero", prepare=_dev_zero, refused=("incidents/2026-11-20-nol.md", 1, "outside the repository")
    ),
]


def write_good_site(root: Path) -> None:
    """The inputs of the small good site every case starts from: status.yml, one incident, a little history."""
    (root / "incidents").mkdir(parents=True)
    (root / "history" / "spse").mkdir(parents=True)
    (root / "status.yml").write_text(CONFIG, encoding="utf-8")
    (root / "incidents" / "2021-09-19-kabel-laut.md").write_text(GOOD, encoding="utf-8")
    (root / HISTORY_FILE).write_text(HISTORY, encoding="utf-8")


@pytest.fixture(scope="module")
def good_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The good site, built once: its inputs and its site/."""
    from statusgen.cli import main

    root = tmp_path_factory.mktemp("good") / "site-src"
    write_good_site(root)
    assert main(["build", "--config", str(root / "status.yml"), "--out", str(root / "site"), "--now", NOW]) == 0
    return root


@pytest.fixture(autouse=True)
def no_hang() -> Iterator[None]:
    """A case that would hang fails after two minutes instead of holding the run."""

    def stop(signum: int, frame: object) -> None:
        raise TimeoutError("the case ran for more than 120 s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(120)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def test_the_corpus_is_large_and_covers_each_kind() -> None:
    assert len(CASES) >= 40
    names = [case.name for case in CASES]
    assert len(names) == len(set(names))
    assert sum(case.refused is not None for case in CASES) >= 20
    assert sum(case.refused is None for case in CASES) >= 20


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
@pytest.mark.slow
def test_hostile_input(case: Case, good_site: Path, tmp_path: Path, cli: Callable[..., Run]) -> None:
    root = tmp_path / "site-src"
    shutil.copytree(good_site, root, symlinks=True)
    before = digest(root / "site")
    for relative, content in case.files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
    if case.prepare is not None:
        case.prepare(root)
    try:
        run = cli(
            "build",
            "--config",
            root / "status.yml",
            "--out",
            root / "site",
            "--now",
            NOW,
            *(["--strict"] if case.strict else []),
        )
    finally:
        for folder in (root / "history", root / "history" / "spse"):
            if folder.is_dir():
                folder.chmod(0o755)  # a read-only case: let tmp_path be cleaned up
    assert "Traceback" not in run.err
    lines = run.err.splitlines()
    if case.refused is not None:
        file, line, words = case.refused
        assert run.code == 1, run.err
        located = [text for text in lines if text.startswith(f"{root / file}:{line}: ")]
        assert located, f"no message at {file}:{line}:\n{run.err}"
        assert any(words in text for text in located), run.err
        assert lines[-1].endswith("nothing was written."), run.err
        assert digest(root / "site") == before, "the old site changed"
        return
    assert run.code == 0, run.err
    if case.warned is not None:
        file, line, words = case.warned
        warnings = [text for text in lines if text.startswith(f"{root / file}:{line}: warning: ")]
        assert any(words in text for text in warnings), run.err
    else:
        assert [text for text in lines if ": warning: " in text] == [], run.err
    assert scan_site(root / "site") == []
    if case.verify is not None:
        case.verify(root / "site")


def test_a_hostile_status_yml_is_refused_before_the_language_is_known(good_site: Path, tmp_path: Path) -> None:
    """Without --lang the messages' language is read from status.yml first, through the same guarded
    reader: a merge bomb or a pipe in its place is refused, never waited on."""
    from statusgen.cli import main

    for name, make in (
        ("bomb", lambda path: path.write_text(CONFIG + MERGE_BOMB.replace("m", "x"), encoding="utf-8")),
        ("pipe", lambda path: (path.unlink(), os.mkfifo(path))),
    ):
        root = tmp_path / name
        shutil.copytree(good_site, root, symlinks=True)
        make(root / "status.yml")
        assert main(["check", "--config", str(root / "status.yml")]) == 1, name


@pytest.mark.slow
def test_a_pipe_in_place_of_a_cached_history_file_is_skipped(good_site: Path, tmp_path: Path, cli) -> None:
    """The history cache checks a file before it trusts its entry: a pipe where a cached month was is
    skipped with a warning, not read (which would wait for ever)."""
    root = tmp_path / "site-src"
    shutil.copytree(good_site, root, symlinks=True)
    args = ("build", "--config", root / "status.yml", "--out", root / "site", "--now", NOW)
    assert cli(*args).code == 0  # the cache now holds the month
    _history_pipe(root)
    run = cli(*args)
    assert run.code == 0
    assert f"{root / HISTORY_FILE}:1: warning: skipped: not a regular file" in run.err


def test_incidents_linked_from_elsewhere_in_the_same_repository_are_read(good_site: Path, tmp_path: Path, cli) -> None:
    """'The repository' is the folder holding .git: a status.yml in a subfolder whose incidents/ links to
    a sibling folder of the same repository is an ordinary setup, not a link out."""
    repository = tmp_path / "repo"
    (repository / ".git").mkdir(parents=True)
    shutil.copytree(good_site, repository / "conf", symlinks=True)
    (repository / "conf" / "incidents").rename(repository / "shared-incidents")
    (repository / "conf" / "incidents").symlink_to("../shared-incidents")
    run = cli(
        "build", "--config", repository / "conf" / "status.yml", "--out", repository / "conf" / "site", "--now", NOW
    )
    assert run.code == 0, run.err
    assert "Kabel laut putus" in page(repository / "conf" / "site", "incidents/2021-09-19-kabel-laut/index.html")
