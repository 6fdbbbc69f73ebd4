"""Invalid input → the exact message, with file and line, through `generate.py check`."""

from __future__ import annotations

from pathlib import Path

import pytest

FRONT = "---\ntitle: T\ncomponents: [spse]\nseverity: major\nstarted: 2021-09-19 18:33\n"

INCIDENT_CASES = [
    (
        "unknown component, with the known ids and the closest one",
        "---\ntitle: T\ncomponents: [spse2]\nseverity: major\nstarted: 2021-09-19 18:33\nupdates: []\n---\n",
        "3: unknown component 'spse2' (known: spse, sikap, internet). Did you mean 'spse'?",
    ),
    (
        "unknown component in a block list points at its own line",
        "---\ntitle: T\ncomponents:\n  - spse\n  - sikapp\n"
        "severity: major\nstarted: 2021-09-19 18:33\nupdates: []\n---\n",
        "5: unknown component 'sikapp' (known: spse, sikap, internet). Did you mean 'sikap'?",
    ),
    (
        "unknown severity",
        "---\ntitle: T\ncomponents: [spse]\nseverity: mayor\nstarted: 2021-09-19 18:33\nupdates: []\n---\n",
        "4: unknown severity 'mayor' (valid: major, partial, degraded, maintenance, notice). Did you mean 'major'?",
    ),
    (
        "unknown cause",
        FRONT + "cause: eksternal\nupdates: []\n---\n",
        "6: unknown cause 'eksternal' (valid: internal, external). Did you mean 'external'?",
    ),
    (
        "resolved before started",
        FRONT + "resolved: 2021-09-19 10:00\nupdates: []\n---\n",
        "6: 'resolved' (2021-09-19 10:00 WITA) is before 'started' (2021-09-19 18:33 WITA): "
        "correct one of the two times",
    ),
    (
        "resolved before started when written with another offset",
        # 17:00 WIB (+07:00) is 18:00 WITA, before the 18:33 WITA start.
        FRONT + "resolved: 2021-09-19T17:00+07:00\nupdates: []\n---\n",
        "6: 'resolved' (2021-09-19 18:00 WITA) is before 'started' (2021-09-19 18:33 WITA): "
        "correct one of the two times",
    ),
    (
        "unknown incident update status",
        FRONT + "updates:\n  - at: 2021-09-19 18:40\n    status: resolve\n    message: x\n---\n",
        "8: update 1: unknown incident update status 'resolve' "
        "(valid: investigating, identified, monitoring, resolved). Did you mean 'resolved'?",
    ),
    (
        "an incident status used for maintenance",
        "---\ntitle: T\ncomponents: [spse]\nseverity: maintenance\nstarted: 2021-09-19 18:33\n"
        "resolved: 2021-09-19 20:00\nupdates:\n"
        "  - at: 2021-09-19 18:40\n    status: investigating\n    message: x\n---\n",
        # line 9: ---, title, components, severity, started, resolved, updates:, - at, status
        "9: update 1: unknown maintenance update status 'investigating' (valid: scheduled, in_progress, completed).",
    ),
    (
        "maintenance without its planned end",
        "---\ntitle: T\ncomponents: [spse]\nseverity: maintenance\nstarted: 2021-09-19 18:33\nupdates: []\n---\n",
        "2: maintenance needs 'resolved', the planned end: add a line like 'resolved: 2021-09-19 22:00'",
    ),
    (
        "a time that is not a time",
        "---\ntitle: T\ncomponents: [spse]\nseverity: major\nstarted: kemarin sore\nupdates: []\n---\n",
        "5: 'started' is not a valid time: 'kemarin sore'. Write 'YYYY-MM-DD HH:MM' in Asia/Makassar, "
        "e.g. '2021-09-19 18:33', or add an offset: '2021-09-19T17:33+07:00'",
    ),
    (
        "a date that does not exist",
        "---\ntitle: T\ncomponents: [spse]\nseverity: major\nstarted: 2021-02-30 10:00\nupdates: []\n---\n",
        "5: 'started' is not a valid time: '2021-02-30 10:00' (day is out of range for month). "
        "Write 'YYYY-MM-DD HH:MM' in Asia/Makassar, e.g. '2021-09-19 18:33', "
        "or add an offset: '2021-09-19T17:33+07:00'",
    ),
    (
        "an update without its time",
        FRONT + "updates:\n  - status: identified\n    message: x\n---\n",
        "7: update 1: missing required key 'at': add a line like 'at: 2021-09-19 18:33'",
    ),
    (
        "no front matter",
        "title: T\n",
        "1: no front matter: the file must start with a line '---', then YAML keys, then a line '---'",
    ),
    (
        "front matter never closed",
        "---\ntitle: T\n",
        "1: the front matter is not closed: add a line '---' after the last YAML key",
    ),
    (
        "a YAML syntax error",
        "---\ntitle: T: x\ncomponents: [spse]\n---\n",
        "2: invalid YAML: mapping values are not allowed here. Put quotes around a value that contains ': '.",
    ),
    (
        "a duplicated key",
        "---\ntitle: T\ntitle: U\n---\n",
        "3: duplicate key 'title' (first on line 2): keep only one",
    ),
    (
        "components given as a mapping",
        "---\ntitle: T\ncomponents: {spse: 1}\nseverity: major\nstarted: 2021-09-19 18:33\nupdates: []\n---\n",
        "3: 'components' must be a list, not a mapping: write 'components: [a, b]' or one '- item' per line",
    ),
    (
        "maintenance with an empty planned end",
        "---\ntitle: T\ncomponents: [spse]\nseverity: maintenance\nstarted: 2021-09-19 18:33\n"
        "resolved:\nupdates: []\n---\n",
        "6: maintenance needs 'resolved', the planned end: add a line like 'resolved: 2021-09-19 22:00'",
    ),
    (
        "a year typed without its century",
        "---\ntitle: T\ncomponents: [spse]\nseverity: major\nstarted: 0021-09-19 18:33\nupdates: []\n---\n",
        "5: 'started' is not a valid time: '0021-09-19 18:33' (year 21 is outside 1990–2100). "
        "Write 'YYYY-MM-DD HH:MM' in Asia/Makassar, e.g. '2021-09-19 18:33', "
        "or add an offset: '2021-09-19T17:33+07:00'",
    ),
    (
        "two updates with the same time and status, written in different zones",
        FRONT
        + "updates:\n  - at: 2021-09-19 19:00\n    status: identified\n    message: a\n"
        + "  - at: 2021-09-19T11:00Z\n    status: identified\n    message: b\n---\n",
        "10: update 2: same time and status as update 1: merge the two, or correct the time",
    ),
    (
        "an alias that contains itself",
        "---\ntitle: &a [*a]\n---\n",
        "2: invalid YAML: nested more than 50 levels deep",
    ),
    (
        "a control character",
        "---\ntitle: T\x0c\n---\n",
        "2: invalid YAML: an invisible control character (code 12): retype this line",
    ),
    (
        "a tab for indentation",
        "---\ntitle: T\nupdates:\n\t- at: 2021-09-19 18:33\n---\n",
        "4: invalid YAML: found character '\\t' that cannot start any token. Indent with spaces, not tabs.",
    ),
    # The words the page shows for a value ('Gangguan total' for major, in each language), or one word of
    # them no other value's name holds, are answered with the value (templates/locales/*.yml).
    (
        "a severity written as the page's Indonesian word",
        "---\ntitle: T\ncomponents: [spse]\nseverity: total\nstarted: 2021-09-19 18:33\nupdates: []\n---\n",
        "4: unknown severity 'total' (valid: major, partial, degraded, maintenance, notice). Did you mean 'major'?",
    ),
    (
        "a severity written as the page's whole label",
        "---\ntitle: T\ncomponents: [spse]\nseverity: Gangguan sebagian\nstarted: 2021-09-19 18:33\nupdates: []\n---\n",
        "4: unknown severity 'Gangguan sebagian' (valid: major, partial, degraded, maintenance, notice). "
        "Did you mean 'partial'?",
    ),
    (
        "a severity written as the page's English label",
        "---\ntitle: T\ncomponents: [spse]\nseverity: Degraded performance\nstarted: 2021-09-19 18:33\n"
        "updates: []\n---\n",
        "4: unknown severity 'Degraded performance' (valid: major, partial, degraded, maintenance, notice). "
        "Did you mean 'degraded'?",
    ),
    (
        "a cause written as the page's word",
        FRONT + "cause: nasional\nupdates: []\n---\n",
        "6: unknown cause 'nasional' (valid: internal, external). Did you mean 'external'?",
    ),
    (
        "an incident status written as the page's word",
        FRONT + "updates:\n  - at: 2021-09-19 18:40\n    status: Teratasi\n    message: x\n---\n",
        "8: update 1: unknown incident update status 'Teratasi' "
        "(valid: investigating, identified, monitoring, resolved). Did you mean 'resolved'?",
    ),
    (
        "an incident closed with the maintenance word 'Selesai'",
        FRONT + "updates:\n  - at: 2021-09-19 18:40\n    status: selesai\n    message: x\n---\n",
        "8: update 1: unknown incident update status 'selesai' "
        "(valid: investigating, identified, monitoring, resolved). Did you mean 'resolved'?",
    ),
    (
        "a maintenance status written as the page's words",
        "---\ntitle: T\ncomponents: [spse]\nseverity: maintenance\nstarted: 2021-09-19 18:33\n"
        "resolved: 2021-09-19 20:00\nupdates:\n"
        "  - at: 2021-09-19 18:40\n    status: sedang berlangsung\n    message: x\n---\n",
        "9: update 1: unknown maintenance update status 'sedang berlangsung' (valid: scheduled, in_progress, "
        "completed). Did you mean 'in_progress'?",
    ),
    (
        "an empty title",
        "---\ntitle: ''\ncomponents: [spse]\nseverity: major\nstarted: 2021-09-19 18:33\nupdates: []\n---\n",
        "2: 'title' is empty: write a value after 'title:'",
    ),
]


@pytest.mark.parametrize(("case", "text", "expected"), INCIDENT_CASES, ids=[c[0] for c in INCIDENT_CASES])
def test_invalid_incident_gets_its_exact_message(make_site, cli, case: str, text: str, expected: str) -> None:
    site = make_site()
    (site.root / "incidents" / "2021-09-19-uji.md").write_text(text, encoding="utf-8")
    run = cli("check", "--config", site.config)
    assert run.code == 1
    lines = run.err.splitlines()
    assert f"{site.root / 'incidents' / '2021-09-19-uji.md'}:{expected}" in lines, run.err
    assert lines[-1].endswith("nothing was written.")
    assert "Traceback" not in run.err


def test_missing_required_keys_are_all_reported_at_once(make_site, cli) -> None:
    site = make_site()
    path = site.incident("2021-09-19-uji", "---\ncomponents: [spse]\n---\n")
    run = cli("check", "--config", site.config)
    assert run.code == 1
    assert run.err.splitlines()[:3] == [
        f"{path}:2: missing required key 'severity': add a line like 'severity: major'",
        f"{path}:2: missing required key 'started': add a line like 'started: 2021-09-19 18:33'",
        f"{path}:2: missing required key 'title': add a line like 'title: SPSE tidak dapat diakses'",
    ]


def test_crlf_and_bom_are_read_and_lines_still_point_right(make_site, cli) -> None:
    site = make_site()
    path = site.root / "incidents" / "2021-09-19-crlf.md"
    good = "\ufeff---\r\ntitle: CRLF\r\ncomponents: [spse]\r\nseverity: major\r\nstarted: 2021-09-19 18:33\r\n"
    path.write_bytes((good + "updates: []\r\n---\r\nIsi\r\n").encode("utf-8"))
    assert cli("check", "--config", site.config).code == 0
    path.write_bytes((good + "resolved: 2021-09-19 10:00\r\nupdates: []\r\n---\r\n").encode("utf-8"))
    run = cli("check", "--config", site.config)
    assert run.code == 1
    assert f"{path}:6: 'resolved' (2021-09-19 10:00 WITA) is before 'started'" in run.err


def test_a_file_name_that_is_not_a_slug(make_site, cli) -> None:
    site = make_site()
    path = site.incident("Kabel Laut_Putus", FRONT + "updates: []\n---\n")
    run = cli("check", "--config", site.config)
    assert run.code == 1
    assert run.err.splitlines()[0] == (
        f"{path}:1: file name 'Kabel Laut_Putus.md' is not a valid slug (a-z, 0-9 and '-' only): "
        "rename it to 'kabel-laut-putus.md'"
    )


def test_every_broken_file_is_reported_not_only_the_first(make_site, cli) -> None:
    site = make_site()
    site.incident("2021-01-01-a", FRONT.replace("major", "mayor") + "updates: []\n---\n")
    site.incident("2021-01-02-b", FRONT.replace("[spse]", "[spes]") + "updates: []\n---\n")
    run = cli("check", "--config", site.config)
    assert run.code == 1
    assert "2021-01-01-a.md:4: unknown severity 'mayor'" in run.err
    assert "2021-01-02-b.md:3: unknown component 'spes'" in run.err
    assert run.err.splitlines()[-1] == "2 errors, 0 warnings; nothing was written."


CONFIG_CASES = [
    (
        "title missing",
        "base_url: https://example.github.io/status/\ncomponents:\n  - id: spse\n",
        "1: missing required key 'title': add a line like 'title: Status Layanan LPSE'",
    ),
    (
        "base_url that is not absolute",
        "title: T\nbase_url: /status/\ncomponents:\n  - id: spse\n",
        "2: base_url '/status/' is not an absolute web address: it must start with https:// (or http://) "
        "and name a host, e.g. 'https://example.github.io/status/'",
    ),
    (
        "base_url with a space",
        "title: T\nbase_url: https://example.github.io/status lpse/\ncomponents:\n  - id: spse\n",
        "2: base_url 'https://example.github.io/status lpse/' is not an absolute web address: it holds a space, "
        "quote or angle bracket: percent-encode it (a space is %20), e.g. 'https://example.github.io/status/'",
    ),
    (
        "base_url that cannot be parsed",
        "title: T\nbase_url: https://[::1/s/\ncomponents:\n  - id: spse\n",
        "2: base_url 'https://[::1/s/' is not an absolute web address: it cannot be read (Invalid IPv6 URL), "
        "e.g. 'https://example.github.io/status/'",
    ),
    (
        "an empty time zone",
        "title: T\nbase_url: https://example.github.io/s/\ntimezone: ''\ncomponents:\n  - id: spse\n",
        "3: unknown time zone '': use an IANA name such as 'Asia/Jakarta' (WIB). Did you mean 'Asia/Jakarta'?",
    ),
    (
        "a machine-dependent time zone",
        "title: T\nbase_url: https://example.github.io/s/\ntimezone: localtime\ncomponents:\n  - id: spse\n",
        "3: unknown time zone 'localtime': use an IANA name such as 'Asia/Jakarta' (WIB). Did you mean 'Asia/Jakarta'?",
    ),
    (
        "a misspelt time zone",
        "title: T\nbase_url: https://example.github.io/s/\ntimezone: Asia/Makasar\ncomponents:\n  - id: spse\n",
        "3: unknown time zone 'Asia/Makasar': use an IANA name such as 'Asia/Jakarta' (WIB). "
        "Did you mean 'Asia/Makassar'?",
    ),
    (
        "a history_start that is not a date",
        "title: T\nbase_url: https://example.github.io/s/\nhistory_start: 2011\ncomponents:\n  - id: spse\n",
        "3: 'history_start' is not a valid date: '2011'. Write 'YYYY-MM-DD', e.g. '2011-01-01'",
    ),
    (
        "no components",
        "title: T\nbase_url: https://example.github.io/s/\ncomponents: []\n",
        "3: 'components' is empty: list at least one service, e.g. '- id: spse'",
    ),
    (
        "a component id with capitals and spaces",
        "title: T\nbase_url: https://example.github.io/s/\ncomponents:\n  - id: SPSE Kalsel\n",
        "4: component 1: component id 'SPSE Kalsel' may only hold a-z, 0-9 and '-': use 'spse-kalsel'",
    ),
    (
        "two components with one id",
        "title: T\nbase_url: https://example.github.io/s/\ncomponents:\n  - id: spse\n  - id: spse\n",
        "5: component 2: duplicate component id 'spse' (first on line 4): ids must be unique",
    ),
    (
        "a component without an id",
        "title: T\nbase_url: https://example.github.io/s/\ncomponents:\n  - name: SPSE\n",
        "4: component 1: missing required key 'id': add a line like 'id: spse'",
    ),
    (
        "a component url that is not a web address",
        "title: T\nbase_url: https://example.github.io/s/\ncomponents:\n  - id: spse\n    url: javascript:alert(1)\n",
        "5: component 1: url 'javascript:alert(1)' is not a web address: "
        "it must start with https:// (or http://) and name a host",
    ),
    (
        "the config is not a mapping",
        "- title\n",
        "1: the configuration must be a mapping of keys such as 'title:' and 'components:'",
    ),
]


@pytest.mark.parametrize(("case", "text", "expected"), CONFIG_CASES, ids=[c[0] for c in CONFIG_CASES])
def test_invalid_config_gets_its_exact_message(make_site, cli, case: str, text: str, expected: str) -> None:
    site = make_site(text)
    run = cli("check", "--config", site.config)
    assert run.code == 1
    assert f"{site.config}:{expected}" in run.err.splitlines(), run.err


def test_an_unreadable_incident_file(make_site, cli) -> None:
    site = make_site()
    (site.root / "incidents" / "2021-09-19-hilang.md").symlink_to(site.root / "nowhere.md")
    (site.root / "incidents" / "2021-09-20-folder.md").mkdir()
    (site.root / "incidents" / "2021-09-21-biner.md").write_bytes(b"---\ntitle: \xff\xfe\n---\n")
    run = cli("check", "--config", site.config)
    assert run.code == 1
    folder = site.root / "incidents"
    assert run.err.splitlines()[:3] == [
        f"{folder / '2021-09-19-hilang.md'}:1: file not found (a broken link?): create it, or pass the right path",
        f"{folder / '2021-09-20-folder.md'}:1: this is a folder, not a file: rename or remove it",
        # The bad bytes are on line 2, after "---".
        f"{folder / '2021-09-21-biner.md'}:2: not UTF-8 text (invalid start byte): save the file as UTF-8",
    ]


def test_incidents_that_is_a_file(make_site, cli) -> None:
    site = make_site()
    (site.root / "incidents").rmdir()
    (site.root / "incidents").write_text("")
    run = cli("check", "--config", site.config)
    assert run.code == 1
    assert f"{site.root / 'incidents'}:1: 'incidents' must be a folder of .md files, not a file" in run.err


def test_a_suggested_slug_that_is_taken_gets_a_number(make_site, cli) -> None:
    site = make_site()
    site.incident("kabel-laut", FRONT + "updates: []\n---\n")
    path = site.incident("Kabel-Laut", FRONT + "updates: []\n---\n")
    run = cli("check", "--config", site.config)
    if (site.root / "incidents" / "kabel-laut.md").read_text() != FRONT + "updates: []\n---\n":
        return  # a case-insensitive file system holds only one of the two
    assert f"{path}:1: file name 'Kabel-Laut.md' is not a valid slug (a-z, 0-9 and '-' only): " in run.err
    assert "rename it to 'kabel-laut-2.md'" in run.err


def test_warnings_about_likely_mistakes(make_site, cli) -> None:
    site = make_site(
        "title: T\nbase_url: https://example.github.io/s/\nhistory_start: 2015-01-01\ncomponents:\n  - id: spse\n"
    )
    early = site.incident("2013-05-01-lama", FRONT.replace("2021-09-19", "2013-05-01") + "updates: []\n---\n")
    forgot = site.incident(
        "2021-09-19-lupa",
        FRONT + "updates:\n  - at: 2021-09-19 20:05\n    status: resolved\n    message: Pulih.\n---\n",
    )
    run = cli("check", "--config", site.config)
    assert run.code == 0
    assert run.err.splitlines() == [
        f"{early}:5: warning: starts before history_start (2015-01-01): it is listed in the history but counts in "
        "no uptime figure; check the year",
        f"{forgot}:2: warning: an update says 'resolved' but there is no 'resolved:' time, so the incident is still "
        "ongoing: add a line 'resolved: 2021-09-19 20:05'",
    ]


def test_missing_config_file(tmp_path, cli) -> None:
    run = cli("check", "--config", tmp_path / "nope.yml")
    assert run.code == 1
    assert f"{tmp_path / 'nope.yml'}:1: configuration file not found: create it, or pass --config PATH" in run.err


def test_unknown_keys_warn_and_fail_only_when_strict(make_site, cli) -> None:
    site = make_site("title: T\nbase_url: https://example.github.io/s/\ntitel: x\ncomponents:\n  - id: spse\n")
    path = site.incident("2021-09-19-uji", FRONT + "resolvd: 2021-09-19 20:00\nupdates: []\n---\n")
    relaxed = cli("check", "--config", site.config)
    assert relaxed.code == 0
    assert f"{site.config}:3: warning: unknown key 'titel' is ignored" in relaxed.err
    strict = cli("check", "--config", site.config, "--strict")
    assert strict.code == 1
    assert (
        f"{path}:6: warning: unknown key 'resolvd' is ignored "
        "(known: title, components, severity, cause, started, resolved, updates, false_alarm, en). "
        "Did you mean 'resolved'?"
    ) in strict.err.splitlines()
    assert strict.err.splitlines()[-1] == "0 errors, 2 warnings; nothing was written."


def test_an_incident_without_updates_is_a_warning(make_site, cli) -> None:
    site = make_site()
    path = site.incident("2021-09-19-uji", FRONT + "---\n")
    assert cli("check", "--config", site.config).code == 0
    strict = cli("check", "--config", site.config, "--strict")
    assert strict.code == 1
    assert (
        f"{path}:2: warning: no 'updates': readers and feed subscribers see only the start; add an 'updates:' list"
        in strict.err
    )


def test_build_refuses_invalid_input_the_same_way(make_site, cli) -> None:
    site = make_site()
    path = site.incident("2021-09-19-uji", FRONT.replace("major", "mayor") + "updates: []\n---\n")
    run = cli("build", "--config", site.config, "--out", site.out, "--now", "2021-09-20T00:00")
    assert run.code == 1
    assert f"{path}:4: unknown severity 'mayor'" in run.err
    assert not site.out.exists()


def test_values_are_read_as_text_not_yaml_types(make_site, cli) -> None:
    # 'no' would be a boolean and 2021 a number in plain YAML; here both are titles.
    site = make_site()
    site.incident("2021-09-19-a", FRONT.replace("title: T", "title: no") + "updates: []\n---\n")
    site.incident("2021-09-19-b", FRONT.replace("title: T", "title: 2021") + "updates: []\n---\n")
    run = cli("build", "--config", site.config, "--out", site.out, "--now", "2021-09-20T00:00")
    assert run.code == 0, run.err
    assert "<h1>no</h1>" in site.file("incidents/2021-09-19-a/index.html")
    assert "<h1>2021</h1>" in site.file("incidents/2021-09-19-b/index.html")


def test_github_annotations_point_at_the_line(make_site, cli, monkeypatch) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.chdir(make_site().root)
    site_dir = Path.cwd()
    (site_dir / "incidents" / "2021-09-19-uji.md").write_text(
        "---\ntitle: T\ncomponents: [spse2]\nseverity: major\nstarted: 2021-09-19 18:33\n---\n", encoding="utf-8"
    )
    run = cli("check", "--strict")
    assert run.code == 1
    # Sorted by place, as the plain lines are; under --strict the warning fails the run, so it is an error too.
    assert run.out.splitlines() == [
        "::error file=incidents/2021-09-19-uji.md,line=2::no 'updates': readers and feed subscribers see only "
        "the start; add an 'updates:' list",
        "::error file=incidents/2021-09-19-uji.md,line=3::unknown component 'spse2' "
        "(known: spse, sikap, internet). Did you mean 'spse'?",
    ]
    relaxed = cli("check")
    assert relaxed.out.splitlines()[0].startswith("::warning file=incidents/2021-09-19-uji.md,line=2::")


def test_no_plain_line_can_start_a_workflow_command(make_site, cli, monkeypatch) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    site = make_site()
    site.incident(
        "2021-09-19-uji",
        '---\ntitle: T\ncomponents: ["spse\\n::warning file=README.md,line=1::injected"]\nseverity: major\n'
        "started: 2021-09-19 18:33\nupdates: []\n---\n",
    )
    run = cli("check", "--config", site.config)
    assert run.code == 1
    assert not any(line.startswith("::") for line in run.err.splitlines())
    assert all(line.startswith("::error ") for line in run.out.splitlines())


def test_maintenance_without_an_announcement_is_a_warning(make_site, cli) -> None:
    site = make_site()
    # Completed (cancelled) at 20:00, before its 22:00 start, and never announced.
    path = site.incident(
        "2021-09-19-pemeliharaan",
        "---\ntitle: T\ncomponents: [spse]\nseverity: maintenance\nstarted: 2021-09-19 22:00\n"
        "resolved: 2021-09-19 22:00\nupdates:\n  - at: 2021-09-19 20:00\n    status: completed\n"
        "    message: Dibatalkan.\n---\n",
    )
    assert cli("check", "--config", site.config).code == 0
    strict = cli("check", "--config", site.config, "--strict")
    assert strict.code == 1
    assert (
        f"{path}:7: warning: maintenance without a 'scheduled' update: feed subscribers hear of it only when it "
        "starts; add an update with 'status: scheduled' dated when you announce it"
    ) in strict.err.splitlines()
    # Recorded once it was under way (its first update is in_progress), or once it was over (its first update
    # 'completed', at or after the start: the window as planned and announced elsewhere), there was nothing
    # left to announce.
    recorded = {
        "under way": ("2021-09-20 02:00", "2021-09-19 22:00\n    status: in_progress"),
        "at its end": ("2021-09-20 02:00", "2021-09-20 02:00\n    status: completed"),
        "the next morning": ("2021-09-20 02:00", "2021-09-20 09:00\n    status: completed"),
        "at its start": ("2021-09-20 02:00", "2021-09-19 22:00\n    status: completed"),
    }
    original = path.read_text()
    for case, (end, first) in recorded.items():
        text = original.replace("resolved: 2021-09-19 22:00", f"resolved: {end}")
        path.write_text(text.replace("2021-09-19 20:00\n    status: completed", first))
        run = cli("check", "--config", site.config, "--strict")
        assert (run.code, run.err) == (0, ""), case


def test_a_page_word_for_a_status_gets_one_message_with_the_value(make_site, cli) -> None:
    # 'Dijadwalkan' is what the page shows for 'scheduled'. The update (18 September) is before the 22:00
    # start, which only an announcement may be: with the status unknown, no second error says the time is wrong.
    site = make_site()
    path = site.incident(
        "2021-09-19-pemeliharaan",
        "---\ntitle: T\ncomponents: [spse]\nseverity: maintenance\nstarted: 2021-09-19 22:00\n"
        "resolved: 2021-09-20 02:00\nupdates:\n  - at: 2021-09-18 09:00\n    status: dijadwalkan\n"
        "    message: Diumumkan.\n---\n",
    )
    run = cli("check", "--config", site.config)
    assert (run.code, run.out) == (1, "")
    # Line 9: ---, title, components, severity, started, resolved, updates:, - at, status.
    assert run.err.splitlines() == [
        f"{path}:9: update 1: unknown maintenance update status 'dijadwalkan' (valid: scheduled, in_progress, "
        "completed). Did you mean 'scheduled'?",
        "1 error, 0 warnings; nothing was written.",
    ]
    run = cli("check", "--config", site.config, "--lang", "id")
    assert run.err.splitlines() == [
        f"{path}:9: pembaruan ke-1: status pembaruan pemeliharaan 'dijadwalkan' tidak dikenal (yang sah: scheduled, "
        "in_progress, completed). Maksud Anda 'scheduled'?",
        "1 kesalahan, 0 peringatan; tidak ada yang ditulis.",
    ]
    # Written as the value, the file is valid: the announcement may come before the start.
    path.write_text(path.read_text().replace("dijadwalkan", "scheduled"))
    run = cli("check", "--config", site.config, "--strict")
    assert (run.code, run.err) == (0, "")


def test_annotations_show_control_characters_as_escapes(make_site, cli, monkeypatch) -> None:
    """A value quoted in a message may hold terminal escapes; on stderr and in the GitHub annotation
    alike they are written out (\\x1b), so they cannot clear or colour lines of the log."""
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    site = make_site()
    site.incident(
        "2021-09-19-a", FRONT.replace("components: [spse]", 'components: ["\\e[2K\\e[1Aspse"]') + "updates: []\n---\n"
    )
    run = cli("check", "--config", site.config)
    assert run.code == 1
    assert "\x1b" not in run.out + run.err
    assert "unknown component '\\x1b[2K\\x1b[1Aspse'" in run.err
    assert "unknown component '\\x1b[2K\\x1b[1Aspse'" in run.out  # the ::error annotation
