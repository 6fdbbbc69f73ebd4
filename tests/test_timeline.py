"""Times typed ahead of now: a 'resolved' or an update time more than an hour after now is a warning at
its line (a typo such as 11:00 for 01:00 would show an outage ten hours longer), which --strict fails;
a maintenance window's planned end is announced ahead and is not."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from statusgen.times import parse_datetime

NOW = "2026-11-26T01:00+08:00"  # every case is built or checked at 01:00 WITA


def epoch(moment: str) -> str:
    """SOURCE_DATE_EPOCH for ``moment``: the clock ``check`` reads, fixed."""
    return str(int(datetime.fromisoformat(moment).timestamp()))


def said(err: str) -> list[str]:
    """The lines about incident files, from the file name on (the site's folder is in tmp_path)."""
    return [line.split("/incidents/", 1)[1] for line in err.splitlines() if "/incidents/" in line]


def outage(resolved: str | None = None, update_at: str = "2026-11-26 00:40") -> str:
    """An outage from 00:30 WITA; line 6 is 'resolved' when given, and the updates follow."""
    return (
        "---\ntitle: Gangguan SPSE\ncomponents: [spse]\nseverity: major\nstarted: 2026-11-26 00:30\n"
        + (f"resolved: {resolved}\n" if resolved else "")
        + f"updates:\n  - at: {update_at}\n    status: investigating\n    message: Sedang diselidiki.\n---\n"
    )


RESOLVED_AHEAD = (
    "2026-11-26-spse.md:6: warning: 'resolved' (2026-11-26 11:00 WITA) is more than an hour after now "
    "(2026-11-26 01:00 WITA): the page would show the outage lasting until then. Write the time it ended "
    "(11:00 typed for 01:00?), or remove 'resolved' while it lasts"
)


@pytest.mark.slow
def test_resolved_ten_hours_ahead_warns_at_its_line_and_fails_only_when_strict(make_site, cli) -> None:
    """11:00 typed for 01:00, built at 01:00: 11:00 − 01:00 = 10 h ahead, more than the hour allowed."""
    site = make_site()
    site.incident("2026-11-26-spse", outage(resolved="2026-11-26 11:00"))
    run = cli("build", "--config", site.config, "--out", site.out, "--now", NOW)
    assert run.code == 0, run.err
    assert said(run.err) == [RESOLVED_AHEAD]
    strict_out = site.root / "strict-site"
    strict = cli("build", "--config", site.config, "--out", strict_out, "--now", NOW, "--strict")
    assert strict.code == 1
    assert said(strict.err) == [RESOLVED_AHEAD]
    assert strict.err.endswith("0 errors, 1 warning; nothing was written.\n")
    assert not strict_out.exists()


def test_check_warns_too_with_its_clock(make_site, cli, monkeypatch) -> None:
    """``check`` has no --now: it reads SOURCE_DATE_EPOCH, else the clock. At 01:00 the same 10 hours ahead."""
    site = make_site()
    site.incident("2026-11-26-spse", outage(resolved="2026-11-26 11:00"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch(NOW))
    run = cli("check", "--config", site.config)
    assert run.code == 0
    assert said(run.err) == [RESOLVED_AHEAD]
    assert run.out.endswith(": 3 components, 1 incidents, 1 warnings: ok\n")
    strict = cli("check", "--config", site.config, "--strict")
    assert strict.code == 1
    assert said(strict.err) == [RESOLVED_AHEAD]
    assert strict.err.endswith("0 errors, 1 warning; nothing was written.\n")


def test_check_warns_in_the_sites_language(make_site, cli, monkeypatch) -> None:
    site = make_site()
    site.incident("2026-11-26-spse", outage(resolved="2026-11-26 11:00"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch(NOW))
    run = cli("check", "--config", site.config, "--lang", "id")
    assert run.code == 0
    assert said(run.err) == [
        "2026-11-26-spse.md:6: peringatan: 'resolved' (2026-11-26 11:00 WITA) lebih dari satu jam setelah saat ini "
        "(2026-11-26 01:00 WITA): halaman akan menampilkan gangguan berlangsung sampai waktu itu. Tulis waktu "
        "gangguan berakhir (11:00 terketik untuk 01:00?), atau hapus 'resolved' selama gangguan masih berlangsung"
    ]


@pytest.mark.parametrize(
    ("resolved", "warned"),
    [
        ("2026-11-26 01:59", False),  # 59 min ahead: within the hour
        ("2026-11-26 02:00", False),  # exactly 1 h ahead: not more than an hour
        ("2026-11-26 02:01", True),  # 1 h 1 min ahead
        ("2026-11-26T02:30+09:00", False),  # 02:30 WIT is 01:30 WITA: 30 min ahead
        ("2026-11-26T02:30+07:00", True),  # 02:30 WIB is 03:30 WITA: 2 h 30 min ahead
    ],
)
@pytest.mark.slow
def test_the_hour_allowed(make_site, cli, resolved: str, warned: bool) -> None:
    site = make_site()
    site.incident("2026-11-26-spse", outage(resolved=resolved))
    run = cli("build", "--config", site.config, "--out", site.out, "--now", NOW, "--strict")
    assert (run.code == 1) == warned, run.err
    assert len(said(run.err)) == warned
    assert all("is more than an hour after now" in line for line in said(run.err))


@pytest.mark.slow
def test_an_update_two_hours_ahead_warns_at_its_time(make_site, cli) -> None:
    """An update at 03:00 seen at 01:00: 2 h ahead. Its 'at' is line 7 (---, title, components, severity,
    started, updates:, - at)."""
    site = make_site()
    site.incident("2026-11-26-spse", outage(update_at="2026-11-26 03:00"))
    run = cli("build", "--config", site.config, "--out", site.out, "--now", NOW)
    assert run.code == 0
    assert said(run.err) == [
        "2026-11-26-spse.md:7: warning: update 1: 'at' (2026-11-26 03:00 WITA) is more than an hour after now "
        "(2026-11-26 01:00 WITA): an update is dated when it is posted. Correct the time (11:00 typed for 01:00?)"
    ]
    assert cli("build", "--config", site.config, "--out", site.out, "--now", NOW, "--strict").code == 1


def test_the_update_ahead_is_named_among_several(make_site, cli) -> None:
    """Three updates, the second in the file 2 h ahead (03:00 at 01:00): the warning names update 2 at line 11
    (---, title, components, severity, started, resolved, updates:, then 8: - at, status, message, 11: - at)."""
    site = make_site()
    site.incident(
        "2026-11-26-spse",
        "---\ntitle: Gangguan SPSE\ncomponents: [spse]\nseverity: major\nstarted: 2026-11-26 00:30\n"
        "resolved: 2026-11-26 00:55\nupdates:\n"
        "  - at: 2026-11-26 00:55\n    status: resolved\n    message: Pulih.\n"
        "  - at: 2026-11-26 03:00\n    status: identified\n    message: Kabel putus.\n"
        "  - at: 2026-11-26 00:40\n    status: investigating\n    message: Sedang diselidiki.\n---\n",
    )
    run = cli("build", "--config", site.config, "--out", site.out, "--now", NOW)
    assert run.code == 0
    assert said(run.err) == [
        "2026-11-26-spse.md:11: warning: update 2: 'at' (2026-11-26 03:00 WITA) is more than an hour after now "
        "(2026-11-26 01:00 WITA): an update is dated when it is posted. Correct the time (11:00 typed for 01:00?)"
    ]


def test_a_maintenance_window_ending_days_ahead_is_no_warning(make_site, cli) -> None:
    """Announced on the 25th for the night of the 28th: start and planned end are days ahead, as announced."""
    site = make_site()
    site.incident(
        "2026-11-28-pemeliharaan",
        "---\ntitle: Pemeliharaan\ncomponents: [spse]\nseverity: maintenance\nstarted: 2026-11-28 22:00\n"
        "resolved: 2026-11-29 02:00\nupdates:\n"
        "  - at: 2026-11-25 10:00\n    status: scheduled\n    message: SPSE tidak dapat diakses.\n---\n",
    )
    run = cli("build", "--config", site.config, "--out", site.out, "--now", NOW, "--strict")
    assert run.code == 0, run.err
    assert said(run.err) == []


def test_times_are_compared_as_instants() -> None:
    """The arithmetic of the cases above: 11:00 WITA is 10 h after 01:00 WITA; 02:30 WIB is 2 h 30 min after."""
    now = datetime.fromisoformat(NOW)
    tz = ZoneInfo("Asia/Makassar")
    assert (parse_datetime("2026-11-26 11:00", tz) - now).total_seconds() == 10 * 3600
    assert (parse_datetime("2026-11-26T02:30+07:00", tz) - now).total_seconds() == 2 * 3600 + 30 * 60
