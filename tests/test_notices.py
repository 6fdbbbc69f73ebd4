"""What ``notify`` tells, worked out by hand: the turns of a probe verdict (one place, several, gaps, maintenance,
false alarms), the notices of an incident and of a maintenance, each channel's reminder and filter, the words
of a message, the record's backoff, and the channels on the page. Sending is tested in test_notify.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from statusgen.i18n import languages
from statusgen.model import (
    Channel,
    Component,
    ComponentHistory,
    Config,
    Incident,
    Probe,
    ProbeSample,
    Text,
    Update,
    Vantage,
)
from statusgen.notices import DAY, Notice, notices, reminders, turns, words
from statusgen.notify import BACKOFF, Line, Record, read_record

from .conftest import Run, Site

WITA = ZoneInfo("Asia/Makassar")
T0 = datetime(2026, 12, 5, 0, 0, tzinfo=UTC)  # 08.00 WITA
SPSE = Component("spse", Text("SPSE"), probe=Probe("https://spse.example.go.id/"))


def config(*components: Component, vantages: tuple[Vantage, ...] | None = None) -> Config:
    made = Config(Path("status.yml"), Text("Uji"), "https://example.org/status/", WITA, None, components,
                  languages=("id", "en"), short_name=Text("LPSE Uji"))  # fmt: skip
    return made if vantages is None else replace(made, vantages=vantages)


def series(statuses: str, start: datetime = T0, step: int = 5) -> tuple[ProbeSample, ...]:
    """Samples every ``step`` minutes from ``start``: 'u' up, 'd' down, '.' no sample."""
    return tuple(
        ProbeSample(int((start + timedelta(minutes=step * i)).timestamp()), {"u": "up", "d": "down"}[c])
        for i, c in enumerate(statuses)
        if c != "."
    )


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def told(found: list[Notice]) -> list[tuple[str, str, datetime, datetime]]:
    return [(n.id, n.event, n.at, n.until) for n in found]


def incident(slug: str = "gangguan", severity: str = "major", started: datetime = T0,
             resolved: datetime | None = None, updates: tuple[Update, ...] = (), false_alarm: bool = False,
             components: tuple[str, ...] = ("spse",)) -> Incident:  # fmt: skip
    return Incident(slug, Text("SPSE lambat"), components, severity, "internal", started, resolved, updates,
                    Text(""), false_alarm)  # fmt: skip


# --- the turns of the probes' verdict -----------------------------------------------------------------------


def test_one_place_down_then_up_is_one_outage_and_one_recovery() -> None:
    # 00:00-00:15 up (where things stood: no notice), 00:20 and 00:25 down, 00:30 up.
    history = {"spse": ComponentHistory(samples=series("uuuuddu"))}
    found = turns(config(SPSE), SPSE, [], history, at(60))
    assert told(found) == [
        # The outage is of no use once it is over: its until is the recovery's time.
        ("outage:spse:20261205T002000Z", "outage", at(20), at(30)),
        ("recovery:spse:20261205T003000Z", "recovery", at(30), at(30) + DAY),
    ]
    assert found[1].since == at(20)  # so the message can say: after an outage of 10 minutes


def test_where_things_stood_at_the_start_is_no_turn() -> None:
    # Down from the first sample read: only its end is a turn, and when it began is not known.
    history = {"spse": ComponentHistory(samples=series("dddu"))}
    found = turns(config(SPSE), SPSE, [], history, at(60))
    assert told(found) == [("recovery:spse:20261205T001500Z", "recovery", at(15), at(15) + DAY)]
    assert found[0].since is None


def test_an_outage_still_on_is_due_until_a_day_has_passed() -> None:
    history = {"spse": ComponentHistory(samples=series("uudd"))}
    (outage,) = turns(config(SPSE), SPSE, [], history, at(15))
    assert (outage.at, outage.until) == (at(10), at(10) + DAY)
    assert outage.due(at(15)) and outage.due(at(10) + DAY - timedelta(seconds=1))
    assert not outage.due(at(10) + DAY) and not outage.due(at(9))


def test_a_gap_in_the_samples_changes_nothing() -> None:
    # up at 00:00-00:10; nothing for an hour (stale_after is 30 min: "no data"); down at 01:15 and 01:20;
    # nothing again; down at 02:30. The verdict went up → down once: one outage, at 01:15.
    samples = series("uuu") + series("dd", at(75)) + series("d", at(150))
    found = turns(config(SPSE), SPSE, [], {"spse": ComponentHistory(samples=samples)}, at(160))
    assert told(found) == [("outage:spse:20261205T011500Z", "outage", at(75), at(75) + DAY)]


def test_a_down_sample_from_one_place_of_two_is_a_partial_outage_naming_it() -> None:
    places = (Vantage("github", Text("GitHub")), Vantage("jakarta", Text("Jakarta")))
    spse = Component("spse", Text("SPSE"), probe=Probe("https://spse.example.go.id/", vantages=("github", "jakarta")))
    history = {
        "spse": ComponentHistory(samples=series("uuddu")),  # github: down at 00:10 and 00:15
        "spse/@jakarta": ComponentHistory(samples=series("uuudu", at(1))),  # jakarta: down at 00:16 only
    }
    found = turns(config(spse, vantages=places), spse, [], history, at(60))
    # 00:10 github down, jakarta up (00:06): partial. 00:11 jakarta up: still partial. 00:15 both down: major, but
    # still failing: no notice. 00:16 jakarta down: the same. 00:20 github up, jakarta down: partial, failing.
    # 00:21 jakarta up: both up: the recovery.
    assert [(n.event, n.at, n.places) for n in found] == [("partial", at(10), ("github",)), ("recovery", at(21), ())]


def test_a_maintenance_explains_a_failure_and_a_false_alarm_voids_it() -> None:
    history = {"spse": ComponentHistory(samples=series("uudduu"))}
    window = incident("pemeliharaan", "maintenance", at(5), at(25))
    assert turns(config(SPSE), SPSE, [window], history, at(60)) == []
    void = incident("salah", "notice", at(5), at(25), false_alarm=True)
    assert turns(config(SPSE), SPSE, [void], history, at(60)) == []
    elsewhere = incident("lain", "maintenance", at(5), at(25), components=("web",))
    assert [n.event for n in turns(config(SPSE), SPSE, [elsewhere], history, at(60))] == ["outage", "recovery"]


def test_samples_after_now_are_not_read() -> None:
    history = {"spse": ComponentHistory(samples=series("uuuud"))}  # down at 00:20
    assert turns(config(SPSE), SPSE, [], history, at(19)) == []


# --- incidents, maintenance, reminders ----------------------------------------------------------------------


def test_an_incident_is_new_then_each_update_then_resolved() -> None:
    updates = (
        Update(at(10), "resolved", Text("Pulih.")),  # written in any order
        Update(at(0), "investigating", Text("Diselidiki.")),
        Update(at(5), "identified", Text("Penyebab diketahui.")),
    )
    found = notices(config(SPSE), [incident(resolved=at(10), updates=updates)], {}, at(60))
    assert told(found) == [
        ("incident:gangguan:new", "new", at(0), at(0) + DAY),
        ("incident:gangguan:update:20261205T000500Z", "update", at(5), at(5) + DAY),
        ("incident:gangguan:resolved", "resolved", at(10), at(10) + DAY),
    ]


def test_an_incident_without_updates_is_new_at_its_start_and_resolved_at_its_end() -> None:
    found = notices(config(SPSE), [incident(resolved=at(45))], {}, at(60))
    assert told(found) == [
        ("incident:gangguan:new", "new", at(0), at(0) + DAY),
        ("incident:gangguan:resolved", "resolved", at(45), at(45) + DAY),
    ]


def test_an_incident_of_2011_is_no_news() -> None:
    old = incident(started=datetime(2011, 3, 1, 2, 0, tzinfo=UTC), resolved=datetime(2011, 3, 1, 5, 0, tzinfo=UTC))
    assert [n for n in notices(config(SPSE), [old], {}, at(0)) if n.due(at(0))] == []


def test_a_maintenance_starts_and_ends_and_each_channel_reminds_of_it_ahead() -> None:
    window = incident("pemeliharaan", "maintenance", at(24 * 60), at(27 * 60))  # 6 Dec 08.00-11.00 WITA
    found = notices(config(SPSE), [window], {}, at(0))
    assert told(found) == [
        ("maintenance:pemeliharaan:start", "start", at(24 * 60), at(27 * 60)),  # no use after it ended
        ("maintenance:pemeliharaan:end", "end", at(27 * 60), at(27 * 60) + DAY),
    ]
    day_ahead = Channel("telegram", "T", Text("Telegram"), "id")  # remind_before: 1440 minutes
    assert told(reminders(day_ahead, [window])) == [
        ("maintenance:pemeliharaan:reminder", "reminder", at(0), at(24 * 60)),
    ]
    hour_ahead = Channel("surel", "E", Text("Surel"), "id", remind_before=3600)
    assert [n.at for n in reminders(hour_ahead, [window])] == [at(23 * 60)]
    assert reminders(Channel("x", "X", Text("x"), "id", remind_before=0), [window]) == []
    # A reminder is due from its time until the start: after that it is never sent late.
    (reminder,) = reminders(day_ahead, [window])
    assert reminder.due(at(0)) and reminder.due(at(24 * 60 - 1)) and not reminder.due(at(24 * 60))


def test_a_channel_takes_the_kinds_and_components_it_lists() -> None:
    every = Channel("a", "A", Text("a"), "id")
    outages_of_spse = Channel("b", "B", Text("b"), "id", send=("outages",), components=("spse",))
    assert every.wants("updates", ("web",)) and every.wants("outages", ("spse",))
    assert outages_of_spse.wants("outages", ("spse",)) and outages_of_spse.wants("outages", ("web", "spse"))
    assert not outages_of_spse.wants("outages", ("web",)) and not outages_of_spse.wants("updates", ("spse",))


# --- the words ------------------------------------------------------------------------------------------------


def test_the_words_of_an_outage_and_its_recovery_in_both_languages() -> None:
    history = {"spse": ComponentHistory(samples=series("uuuuddu"))}
    site = config(SPSE)
    outage, recovery = turns(site, SPSE, [], history, at(60))
    id_, en = languages(["id", "en"])
    # 00:20 UTC is 08.20 WITA; the outage lasted from 00:20 to 00:30: 10 minutes.
    assert words(outage, site, id_) == (
        "Gangguan: SPSE",
        "SPSE tidak dapat dijangkau sejak Sabtu, 5 Desember 2026 pukul 08.20 WITA.\n"
        "Menurut pemeriksaan otomatis halaman status LPSE Uji.\n"
        "https://example.org/status/components/spse/",
    )
    assert words(recovery, site, en) == (
        "Recovered: SPSE",
        "SPSE can be reached again since Saturday, 5 December 2026 at 08:30 WITA, after an outage of 10 minutes.\n"
        "As the automatic checks of the LPSE Uji status page see it.\n"
        "https://example.org/status/en/components/spse/",
    )


def test_the_words_of_an_incident_update_quote_it_in_the_channels_language() -> None:
    update = Update(at(5), "identified", Text("Kabel putus.", {"en": "A cable was cut."}))
    found = notices(config(SPSE), [incident(updates=(Update(at(0), "investigating", Text("Diselidiki.")), update))],
                    {}, at(60))  # fmt: skip
    _, en = languages(["id", "en"])
    assert words(found[1], config(SPSE), en) == (
        "Update: SPSE lambat",
        "Identified · Saturday, 5 December 2026 at 08:05 WITA\nA cable was cut.\nServices: SPSE\n"
        "https://example.org/status/en/incidents/gangguan/",
    )


def test_a_long_update_is_cut_short() -> None:
    long = Update(at(0), "investigating", Text("kata " * 300))
    (new,) = notices(config(SPSE), [incident(updates=(long,))], {}, at(60))
    _, body = words(new, config(SPSE), languages(["id"])[0])
    quoted = body.splitlines()[1]
    assert len(quoted) == 600 and quoted.endswith("…")


# --- the record -------------------------------------------------------------------------------------------------


def test_a_channel_that_fails_waits_longer_after_each_failure_in_a_row() -> None:
    t = int(at(0).timestamp())
    failed = [Line(t + 60 * m, "hook", "x", "failed", "http-500") for m in (0, 5, 15)]
    # Three failures in a row: the third waits BACKOFF[2] = 20 minutes from the last, at minute 15.
    assert BACKOFF[:3] == (5, 10, 20)
    assert Record(failed).held_until("hook") == t + 15 * 60 + 20 * 60
    assert Record(failed[:1]).held_until("hook") == t + 5 * 60
    # A retry_after longer than the backoff wins; a sent line ends the row; another channel is not held.
    assert Record([Line(t, "hook", "x", "failed", "http-429 retry_after=900")]).held_until("hook") == t + 900
    assert Record([*failed, Line(t + 3600, "hook", "y", "sent")]).held_until("hook") is None
    assert Record(failed).held_until("surel") is None
    # Eight failures in a row: the wait stops growing at an hour.
    eight = [Line(t + i, "hook", "x", "failed") for i in range(8)]
    assert Record(eight).held_until("hook") == t + 7 + 60 * 60


def test_the_record_is_read_from_this_month_and_the_last_skipping_cut_lines(tmp_path: Path) -> None:
    (tmp_path / "2026-11.csv").write_text(
        "time,channel,notice,outcome,detail\n2026-11-30T23:00:00Z,hook,a,sent,\n", encoding="utf-8"
    )
    (tmp_path / "2026-12.csv").write_text(
        "time,channel,notice,outcome,detail\n2026-12-05T00:00:00Z,hook,b,failed,http-500\n2026-12-05T00:0",
        encoding="utf-8",
    )
    (tmp_path / "2026-10.csv").write_text("time,channel,notice,outcome,detail\n2026-10-01T00:00:00Z,hook,c,sent,\n")
    record = read_record(tmp_path, at(0))
    assert record.done == {("hook", "a")}
    assert [line.detail for line in record.failures["hook", "b"]] == ["http-500"]


# --- the page -----------------------------------------------------------------------------------------------------


def test_the_subscribe_section_lists_the_channels_a_reader_can_join(
    make_site: Callable[..., Site], cli: Callable[..., Run]
) -> None:
    site = make_site(
        """\
        title: Uji
        base_url: https://example.github.io/status/
        timezone: Asia/Makassar
        history_start: 2026-01-01
        languages: [id, en]
        components:
          - id: spse
            name: SPSE
        notify:
          - name: telegram
            url_env: NOTIFY_TELEGRAM
            title: Telegram
            join: {id: "Ikuti kanal <b>@uji</b>.", en: "Follow the channel <b>@uji</b>."}
            join_url: https://t.me/uji
          - name: staf
            url_env: NOTIFY_STAFF
            send: [outages]
        """
    )
    run = cli("build", "--config", site.config, "--out", site.out, "--now", "2026-12-05T10:00+08:00")
    assert run.code == 0, run.err
    index, english = site.file("index.html"), site.file("en/index.html")
    assert '<li><strong>Telegram</strong>: Ikuti kanal &lt;b&gt;@uji&lt;/b&gt;. <a href="https://t.me/uji">' in index
    assert "Follow the channel &lt;b&gt;@uji&lt;/b&gt;." in english
    assert "staf" not in index.split('id="langganan"')[1]  # a staff channel, without join, is not offered


@pytest.mark.parametrize(
    ("entry", "line", "expected"),
    [
        ("{name: tele gram, url_env: T}", 8, "channel name 'tele gram' may only hold a-z, 0-9 and '-'"),
        ("{name: t, url_env: 'tgram://123:abc/@chan'}", 8, "'url_env' names an environment variable, not the"),
        ("{name: t, url_env: T, send: [outage]}", 8, "unknown kind 'outage' in 'send'"),
        ("{name: t, url_env: T, components: [web]}", 8, "unknown component 'web' in 'components'"),
        ("{name: t, url_env: T, language: fr}", 8, "language 'fr' is not one of the site's languages"),
        ("{name: t, url_env: T, remind_before: -5}", 8, "remind_before"),
    ],
)
def test_a_wrong_channel_is_an_error_on_its_line(
    make_site: Callable[..., Site], cli: Callable[..., Run], entry: str, line: int, expected: str
) -> None:
    site = make_site(
        f"""\
        title: Uji
        base_url: https://example.github.io/status/
        components:
          - id: spse
            name: SPSE
        notify:
          - {{name: ok, url_env: OK}}
          - {entry}
        """
    )
    run = cli("check", "--strict", "--config", site.config)
    assert run.code == 1
    said = [text for text in run.err.splitlines() if text.startswith(f"{site.config}:{line}:")]
    assert said and expected in said[0], run.err
    assert "123:abc" not in run.err  # a token written by mistake is not echoed back
