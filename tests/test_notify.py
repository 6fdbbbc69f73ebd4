"""``generate.py notify`` against real receivers on 127.0.0.1 (tests/receivers.py): a JSON webhook, an SMTP
server and a stand-in for Telegram's Bot API, reached through Apprise's own URL forms; Apprise is not mocked.

Each test builds its own site in tmp_path (status.yml, incidents/, history/) and runs the command at fixed
moments (``--now``), in this process unless two runs must race. The site's zone is WITA (UTC+08:00), so
09:00 on the site is 01:00 UTC; the notice ids carry UTC stamps. Probe samples are 5 minutes apart.

What is sent is counted twice: at the receiver, and in the record (history/_notify/<YYYY-MM>.csv), whose
``sent`` lines name each (channel, notice) at most once.
"""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest

from statusgen.cli import main
from statusgen.history import HEADER
from tests.conftest import ROOT, Run, Site
from tests.receivers import TELEGRAM_CHAT, MailServer, TelegramApi, Webhook, release_apprise_threads

SITE = """\
title: Uji
base_url: https://status.example.org/
timezone: Asia/Makassar
languages: [id, en]
history_start: 2026-01-01
components:
  - id: spse
    name: SPSE
    probe: {url: "http://127.0.0.1:1/"}
  - id: sikap
    name: SIKaP
    probe: {url: "http://127.0.0.1:1/"}
  - id: inaproc
    name: Inaproc
"""

HOOK = """\
  - name: hook
    url_env: NOTIFY_HOOK
    language: en
"""

MAIL = """\
  - name: mail
    url_env: NOTIFY_MAIL
"""

STEP = timedelta(minutes=5)  # between two probe samples
SAMPLE = {"up": "up,200,120,,", "down": "down,,,connection,"}  # a sample line after its time
# An incident's first two updates, 09:05 and 09:06 on the site (01:05 and 01:06 UTC).
TWO_UPDATES = [("2026-12-05 09:05", "investigating", "Lambat."), ("2026-12-05 09:06", "identified", "Diketahui.")]


def site_with(make_site: Callable[..., Site], *channels: str) -> Site:
    """A site with the components above and ``channels`` (entries of ``notify:``)."""
    return make_site(SITE + "notify:\n" + "".join(channels))


def utc(text: str) -> datetime:
    """``2026-12-05T01:00`` read as UTC."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def probed(site: Site, component: str, first: str, statuses: str) -> None:
    """Append samples of ``component``, one every STEP from ``first`` (UTC): ``statuses`` like "up up down"."""
    moment = utc(first)
    for status in statuses.split():
        path = site.root / "history" / component / f"{moment:%Y-%m}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            path.write_text(",".join(HEADER) + "\n", encoding="utf-8")
        with path.open("a", encoding="utf-8") as file:
            file.write(f"{moment:%Y-%m-%dT%H:%M:%SZ},{SAMPLE[status]}\n")
        moment += STEP


def incident(site: Site, slug: str, title: str, started: str, updates: list[tuple[str, str, str]],
             resolved: str | None = None, severity: str = "major", components: str = "[spse]") -> None:  # fmt: skip
    """Write ``incidents/<slug>.md`` as staff would: times in the site's zone, updates (at, status, message)."""
    lines = [
        "---",
        f"title: {quoted(title)}",
        f"components: {components}",
        f"severity: {severity}",
        f"started: {started}",
        *([f"resolved: {resolved}"] if resolved else []),
        "updates:",
    ]
    for at, status, message in updates:
        lines += [f"  - at: {at}", f"    status: {status}", f"    message: {quoted(message)}"]
    (site.root / "incidents" / f"{slug}.md").write_text("\n".join([*lines, "---", ""]), encoding="utf-8")


def quoted(text: str) -> str:
    """A YAML double-quoted scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def record(site: Site) -> list[dict[str, str]]:
    """Every line of the record, all months, in file order."""
    lines: list[dict[str, str]] = []
    for path in sorted((site.root / "history" / "_notify").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as file:
            lines += list(csv.DictReader(file))
    return lines


def sent(site: Site, channel: str) -> list[str]:
    """The notices the record says went to ``channel``, in order."""
    return [line["notice"] for line in record(site) if line["channel"] == channel and line["outcome"] == "sent"]


@pytest.fixture
def notify(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., Run]:
    """Run ``generate.py notify`` in this process at ``now`` (the site's time, or with an offset)."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)

    def run(site: Site, now: str, *extra: str) -> Run:
        moment = now if re.search(r"[+-]\d\d:\d\d$|Z$", now) else now + "+08:00"
        code = main(["notify", "--config", str(site.config), "--now", moment, "--lang=en", *extra])
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


@pytest.fixture
def hook(monkeypatch: pytest.MonkeyPatch) -> Iterator[Webhook]:
    """A JSON webhook, in NOTIFY_HOOK."""
    with Webhook() as server:
        monkeypatch.setenv("NOTIFY_HOOK", server.url())
        yield server


@pytest.fixture
def mail(monkeypatch: pytest.MonkeyPatch) -> Iterator[MailServer]:
    """An SMTP server, in NOTIFY_MAIL (with an HTML part)."""
    with MailServer() as server:
        monkeypatch.setenv("NOTIFY_MAIL", server.url())
        yield server


@pytest.fixture
def telegram(monkeypatch: pytest.MonkeyPatch) -> Iterator[TelegramApi]:
    """The Bot API stand-in. Apprise's Telegram plugin has api.telegram.org fixed in a class attribute; it is
    pointed here, and everything else (the payload, parse_mode, escaping, reading the reply) is the plugin's own."""
    from apprise.plugins.telegram import NotifyTelegram

    with TelegramApi() as server:
        monkeypatch.setattr(NotifyTelegram, "notify_url", server.api_url)
        yield server


@pytest.fixture(autouse=True)
def no_thread_left() -> Iterator[None]:
    """Each test leaves no Apprise thread behind in pytest's process (see release_apprise_threads)."""
    yield
    release_apprise_threads()


# --- each kind of event, once however often notify runs ---------------------------------------------------


def test_an_outage_is_sent_once(make_site: Callable[..., Site], notify: Callable[..., Run], hook: Webhook) -> None:
    site = site_with(make_site, HOOK)
    # 00:50, 00:55, 01:00 up; 01:05, 01:10 down: the verdict turns at 01:05 UTC, 09:05 on the site.
    probed(site, "spse", "2026-12-05T00:50", "up up up down down")
    for _ in range(3):
        assert notify(site, "2026-12-05T09:12").code == 0
    probed(site, "spse", "2026-12-05T01:15", "down down")
    assert notify(site, "2026-12-05T09:21").code == 0
    assert notify(site, "2026-12-05T10:00").code == 0

    assert sent(site, "hook") == ["outage:spse:20261205T010500Z"]
    [message] = hook.messages
    assert "SPSE" in message["title"]
    assert message["message"].rstrip().endswith("https://status.example.org/en/components/spse/")
    assert "09:05" in message["message"]  # the turn in the site's time, not 01:05 UTC
    assert message["type"] == "failure"


def test_a_recovery_is_sent_once(make_site: Callable[..., Site], notify: Callable[..., Run], hook: Webhook) -> None:
    site = site_with(make_site, HOOK)
    # 00:50 and 00:55 down is where things stood when the record starts, no turn; up again at 01:00 UTC.
    probed(site, "spse", "2026-12-05T00:50", "down down up up")
    for _ in range(3):
        assert notify(site, "2026-12-05T09:11").code == 0
    probed(site, "spse", "2026-12-05T01:10", "up")
    assert notify(site, "2026-12-05T09:16").code == 0

    assert sent(site, "hook") == ["recovery:spse:20261205T010000Z"]
    [message] = hook.messages
    assert "SPSE" in message["title"]
    assert message["message"].rstrip().endswith("https://status.example.org/en/components/spse/")
    assert message["type"] == "success"


def test_an_outage_over_before_the_first_run_is_not_told(
    make_site: Callable[..., Site], notify: Callable[..., Run], hook: Webhook
) -> None:
    site = site_with(make_site, HOOK)
    # Down at 01:00, up at 01:05 UTC: the outage's `until` is its recovery, so at 01:07 only the recovery goes.
    probed(site, "spse", "2026-12-05T00:55", "up down up")
    assert notify(site, "2026-12-05T09:07").code == 0
    assert sent(site, "hook") == ["recovery:spse:20261205T010500Z"]


def test_an_incident_new_each_update_and_resolved_once_each(
    make_site: Callable[..., Site], notify: Callable[..., Run], hook: Webhook
) -> None:
    site = site_with(make_site, HOOK)
    slug = "2026-12-05-spse-lambat"
    updates = [("2026-12-05 09:05", "investigating", "SPSE lambat diakses.")]
    incident(site, slug, "SPSE lambat", "2026-12-05 09:00", updates)
    for _ in range(3):
        assert notify(site, "2026-12-05T09:10").code == 0
    updates.append(("2026-12-05 09:30", "identified", "Penyebabnya diketahui."))
    incident(site, slug, "SPSE lambat", "2026-12-05 09:00", updates)
    for now in ("2026-12-05T09:31", "2026-12-05T09:31", "2026-12-05T09:50"):
        assert notify(site, now).code == 0
    updates.append(("2026-12-05 10:00", "resolved", "Sudah normal."))
    incident(site, slug, "SPSE lambat", "2026-12-05 09:00", updates, resolved="2026-12-05 10:00")
    for now in ("2026-12-05T10:01", "2026-12-05T10:01", "2026-12-05T10:01", "2026-12-05T18:00"):
        assert notify(site, now).code == 0

    # 09:30 on the site is 01:30 UTC.
    assert sent(site, "hook") == [
        f"incident:{slug}:new",
        f"incident:{slug}:update:20261205T013000Z",
        f"incident:{slug}:resolved",
    ]
    assert len(hook.messages) == 3
    for message in hook.messages:
        assert "SPSE lambat" in message["title"]
        assert message["message"].rstrip().endswith(f"https://status.example.org/en/incidents/{slug}/")


def test_maintenance_reminder_start_and_end_once_each(
    make_site: Callable[..., Site], notify: Callable[..., Run], hook: Webhook
) -> None:
    site = site_with(make_site, HOOK)
    slug = "2026-12-06-pemeliharaan"
    incident(site, slug, "Pemeliharaan server", "2026-12-06 10:00",
             [("2026-12-04 10:00", "scheduled", "Server diperbarui.")], resolved="2026-12-06 12:00",
             severity="maintenance")  # fmt: skip
    # The reminder is due 1440 minutes (a day) before the start: 2026-12-05 10:00 on the site.
    assert notify(site, "2026-12-05T09:59").code == 0
    assert sent(site, "hook") == []
    for now in ("2026-12-05T10:00", "2026-12-05T10:00", "2026-12-05T10:05", "2026-12-06T09:00"):
        assert notify(site, now).code == 0
    for now in ("2026-12-06T10:00", "2026-12-06T10:00", "2026-12-06T11:00"):
        assert notify(site, now).code == 0
    for now in ("2026-12-06T12:00", "2026-12-06T12:05", "2026-12-06T20:00"):
        assert notify(site, now).code == 0

    assert sent(site, "hook") == [
        f"maintenance:{slug}:reminder",
        f"maintenance:{slug}:start",
        f"maintenance:{slug}:end",
    ]
    assert len(hook.messages) == 3
    assert all("Pemeliharaan server" in m["title"] for m in hook.messages)


def test_a_reminder_whose_time_has_passed_is_not_sent(
    make_site: Callable[..., Site], notify: Callable[..., Run], hook: Webhook
) -> None:
    site = site_with(make_site, HOOK)
    slug = "2026-12-05-pemeliharaan"
    incident(site, slug, "Pemeliharaan jaringan", "2026-12-05 09:00",
             [("2026-12-04 09:00", "scheduled", "Jaringan diperbarui.")], resolved="2026-12-05 11:00",
             severity="maintenance")  # fmt: skip
    # notify first runs at 09:30, after the start: the reminder's `until` (the start) has passed; the start is
    # fresh until min(end 11:00, start + 1 day).
    assert notify(site, "2026-12-05T09:30").code == 0
    assert notify(site, "2026-12-05T09:35").code == 0
    assert sent(site, "hook") == [f"maintenance:{slug}:start"]
    assert not [line for line in record(site) if line["notice"].endswith(":reminder")]
    assert len(hook.messages) == 1


def test_a_message_sent_last_month_is_not_sent_again(
    make_site: Callable[..., Site], notify: Callable[..., Run], hook: Webhook
) -> None:
    site = site_with(make_site, HOOK)
    slug = "2026-12-01-spse-lambat"
    # 07:55 on 1 December on the site is 23:55 UTC on 30 November: the first run's line goes to 2026-11.csv,
    # the second run (00:05 UTC on 1 December) reads last month's file too.
    incident(site, slug, "SPSE lambat", "2026-12-01 07:50", [("2026-12-01 07:55", "investigating", "Lambat.")])
    assert notify(site, "2026-12-01T07:58").code == 0
    assert notify(site, "2026-12-01T08:05").code == 0
    folder = site.root / "history" / "_notify"
    assert sorted(path.name for path in folder.glob("*.csv")) == ["2026-11.csv"]
    assert (folder / "2026-11.csv").read_text().splitlines() == [
        "time,channel,notice,outcome,detail",
        f"2026-11-30T23:58:00Z,hook,incident:{slug}:new,sent,",
    ]
    assert len(hook.requests) == 1


def test_invalid_input_sends_nothing(make_site: Callable[..., Site], notify: Callable[..., Run], hook: Webhook) -> None:
    site = site_with(make_site, HOOK)
    incident(site, "2026-12-05-spse-lambat", "SPSE lambat", "2026-12-05 09:00", TWO_UPDATES)
    incident(site, "2026-12-05-salah", "Salah", "2026-12-05 09:00", TWO_UPDATES, components="[lpse]")
    result = notify(site, "2026-12-05T09:10")
    assert result.code == 1
    assert re.search(r"2026-12-05-salah\.md:3: .*lpse", result.err), result.err  # components: is line 3
    assert hook.requests == []
    assert record(site) == []


def test_a_record_that_cannot_be_written_sends_nothing(
    make_site: Callable[..., Site], notify: Callable[..., Run], hook: Webhook
) -> None:
    # What was sent could not be kept, so it would be sent again by every run: better none.
    site = site_with(make_site, HOOK)
    incident(site, "2026-12-05-spse-lambat", "SPSE lambat", "2026-12-05 09:00", TWO_UPDATES)
    (site.root / "history").mkdir()
    (site.root / "history" / "_notify").write_text("a file where the record's folder belongs", encoding="utf-8")
    result = notify(site, "2026-12-05T09:10")
    assert result.code == 1
    assert "_notify" in result.err and "cannot be written" in result.err and "Traceback" not in result.err
    assert hook.requests == []


# --- the whole story, to two channels ----------------------------------------------------------------------


def test_every_message_reaches_each_channel_once_however_often_notify_runs(
    make_site: Callable[..., Site], notify: Callable[..., Run], hook: Webhook, mail: MailServer
) -> None:
    site = site_with(make_site, HOOK, MAIL)
    slug = "2026-12-05-spse-gangguan"
    maintenance = "2026-12-06-pemeliharaan"
    incident(site, maintenance, "Pemeliharaan server", "2026-12-06 12:00",
             [("2026-12-04 10:00", "scheduled", "Server diperbarui.")], resolved="2026-12-06 14:00",
             severity="maintenance")  # fmt: skip
    probed(site, "spse", "2026-12-05T00:40", "up up up up up")  # 00:40 … 01:00 UTC
    probed(site, "sikap", "2026-12-05T00:40", "up up up up up")  # stays up, then its samples go stale

    def runs(*moments: str) -> None:
        for now in moments:
            result = notify(site, now)
            assert result.code == 0, result.out + result.err

    runs("2026-12-05T09:00", "2026-12-05T09:01")  # nothing due: the first verdict is where things stood
    probed(site, "spse", "2026-12-05T01:05", "down")  # the outage, 09:05 on the site
    runs("2026-12-05T09:06", "2026-12-05T09:06", "2026-12-05T09:08")
    probed(site, "spse", "2026-12-05T01:10", "down")
    runs("2026-12-05T09:11")
    updates = [("2026-12-05 09:12", "investigating", "SPSE tidak dapat diakses.")]
    incident(site, slug, "SPSE tidak dapat diakses", "2026-12-05 09:05", updates)  # staff report it
    runs("2026-12-05T09:13", "2026-12-05T09:14")
    probed(site, "spse", "2026-12-05T01:15", "up")  # the recovery, 09:15 on the site
    runs("2026-12-05T09:16", "2026-12-05T09:16", "2026-12-05T09:19")
    updates.append(("2026-12-05 09:20", "identified", "Gangguan jaringan pusat data."))
    incident(site, slug, "SPSE tidak dapat diakses", "2026-12-05 09:05", updates)
    probed(site, "spse", "2026-12-05T01:20", "up up")
    runs("2026-12-05T09:21", "2026-12-05T09:26")
    updates.append(("2026-12-05 09:30", "monitoring", "Dipantau."))
    incident(site, slug, "SPSE tidak dapat diakses", "2026-12-05 09:05", updates)
    runs("2026-12-05T09:30", "2026-12-05T09:31", "2026-12-05T10:30")
    # The reminder: a day (1440 minutes) before 2026-12-06 12:00, so from 2026-12-05 12:00 on the site.
    runs("2026-12-05T11:59", "2026-12-05T12:00", "2026-12-05T12:00", "2026-12-05T18:00", "2026-12-06T11:00")

    # Stamps in UTC: the outage at 01:05, the recovery at 01:15, the updates at 09:20 and 09:30 WITA.
    expected = [
        "outage:spse:20261205T010500Z",
        f"incident:{slug}:new",
        "recovery:spse:20261205T011500Z",
        f"incident:{slug}:update:20261205T012000Z",
        f"incident:{slug}:update:20261205T013000Z",
        f"maintenance:{maintenance}:reminder",
    ]
    assert sent(site, "hook") == expected
    assert sent(site, "mail") == expected
    assert len(hook.messages) == 6
    assert len(mail.mails) == 6
    assert len({(m["title"], m["message"]) for m in hook.messages}) == 6  # six different messages
    assert len({(m.subject, m.text) for m in mail.mails}) == 6
    assert all(m.recipients == ("vendors@example.org",) for m in mail.mails)
    # The mail channel is in the site's first language, Indonesian: its links have no /en/.
    assert mail.mails[1].text.rstrip().endswith(f"https://status.example.org/incidents/{slug}/")
    assert hook.messages[1]["message"].rstrip().endswith(f"https://status.example.org/en/incidents/{slug}/")
    assert [line["outcome"] for line in record(site)] == ["sent"] * 12


# --- two runs at once ---------------------------------------------------------------------------------------


@pytest.mark.slow
def test_two_runs_at_once_send_each_message_once(make_site: Callable[..., Site], hook: Webhook) -> None:
    site = site_with(make_site, HOOK)
    slug = "2026-12-05-spse-lambat"
    incident(site, slug, "SPSE lambat", "2026-12-05 09:00",
             [("2026-12-05 09:01", "investigating", "Lambat."), ("2026-12-05 09:02", "identified", "Diketahui."),
              ("2026-12-05 09:03", "monitoring", "Dipantau.")])  # fmt: skip
    probed(site, "spse", "2026-12-05T00:50", "up up down")
    hook.delay = 0.5  # each message takes half a second: the runs overlap
    command = [sys.executable, str(ROOT / "generate.py"), "notify", "--config", str(site.config),
               "--now", "2026-12-05T09:06+08:00", "--lang=en"]  # fmt: skip
    environment = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    runs = [subprocess.Popen(command, cwd=site.root, env=environment, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for _ in range(2)]  # fmt: skip
    results = [run.communicate(timeout=60) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], results

    # The outage at 01:00 UTC, the new incident and its updates at 09:02 and 09:03 (01:02, 01:03 UTC).
    expected = {
        "outage:spse:20261205T010000Z",
        f"incident:{slug}:new",
        f"incident:{slug}:update:20261205T010200Z",
        f"incident:{slug}:update:20261205T010300Z",
    }
    assert Counter(sent(site, "hook")) == Counter(expected)
    assert len(hook.requests) == 4
    printed = "".join(out for out, _ in results)
    assert sorted(re.findall(r"notify: sent (\S+) to hook", printed)) == sorted(expected)


# --- failures ----------------------------------------------------------------------------------------------


def test_a_failing_channel_is_tried_again_after_the_backoff_and_the_others_go_on(
    make_site: Callable[..., Site], notify: Callable[..., Run], hook: Webhook, mail: MailServer
) -> None:
    site = site_with(make_site, HOOK, MAIL)
    slug = "2026-12-05-spse-lambat"
    incident(site, slug, "SPSE lambat", "2026-12-05 09:00", [("2026-12-05 09:05", "investigating", "Lambat.")])
    notice = f"incident:{slug}:new"
    hook.always_fail(500)

    first = notify(site, "2026-12-05T09:10")
    assert first.code == 1
    assert len(hook.requests) == 1
    assert len(mail.mails) == 1  # the other channel got its message regardless
    assert sent(site, "mail") == [notice]
    assert re.search(rf"notify: hook failed on {notice} \(.*500.*\); next try after .*09:15", first.out + first.err)
    [failed] = [line for line in record(site) if line["channel"] == "hook"]
    assert (failed["outcome"], failed["notice"], failed["time"]) == ("failed", notice, "2026-12-05T01:10:00Z")

    hook.recover()
    # Backoff after one failure: 5 minutes, so not at 09:11 nor 09:14:59, and at 09:15.
    for now in ("2026-12-05T09:11", "2026-12-05T09:14:59"):
        notify(site, now)
        assert len(hook.requests) == 1, now
    assert notify(site, "2026-12-05T09:15").code == 0
    assert len(hook.requests) == 2
    assert notify(site, "2026-12-05T09:20").code == 0
    assert len(hook.requests) == 2
    assert sent(site, "hook") == [notice]
    assert len(mail.mails) == 1


def test_a_channel_down_for_a_day_is_given_up(
    make_site: Callable[..., Site], notify: Callable[..., Run], hook: Webhook
) -> None:
    site = site_with(make_site, HOOK)
    slug = "2026-12-05-spse-lambat"
    incident(site, slug, "SPSE lambat", "2026-12-05 09:00", [("2026-12-05 09:05", "investigating", "Lambat.")])
    notice = f"incident:{slug}:new"
    hook.always_fail(500)
    start = datetime.fromisoformat("2026-12-05T09:10+08:00")
    # Minutes after the first run. The backoff after 1, 2, 3, 4 failures in a row is 5, 10, 20, 40 minutes,
    # then 60: attempts at 0, 5, 15, 35, 75, 135, 195, …, 195 + 60 k; the runs a minute after an attempt are
    # held. 195 + 60 * 20 = 1395 is the last attempt under a day; 1455 is a day (1440) past the first failure.
    schedule = [0, 1, 5, 6, 15, 16, 35, 36, 75, 76, 135, *range(195, 1456, 60), 1456, 1500]
    attempts = [0, 5, 15, 35, 75, 135, *range(195, 1396, 60)]  # 6 + 21 = 27
    tried: list[int] = []
    said: dict[int, Run] = {}
    for minutes in schedule:
        before = len(hook.requests)
        said[minutes] = notify(site, (start + timedelta(minutes=minutes)).isoformat())
        if len(hook.requests) > before:
            tried.append(minutes)
    assert tried == attempts
    assert re.search(rf"notify: gave up on {notice} for hook after a day of failures \(.*500.*\)", said[1455].err)
    assert "gave up" not in said[1456].err + said[1500].err  # said once
    outcomes = Counter(line["outcome"] for line in record(site))
    assert outcomes == {"failed": 27, "gave_up": 1}


@pytest.mark.parametrize("service", ["webhook", "telegram"])
def test_a_429_keeps_the_channel_waiting_for_retry_after(
    service: str,
    make_site: Callable[..., Site],
    notify: Callable[..., Run],
    hook: Webhook,
    telegram: TelegramApi,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    site = site_with(make_site, HOOK)
    server = telegram if service == "telegram" else hook
    if service == "telegram":
        monkeypatch.setenv("NOTIFY_HOOK", telegram.url())
    slug = "2026-12-05-spse-lambat"
    incident(site, slug, "SPSE lambat", "2026-12-05 09:00", TWO_UPDATES)
    # 1200 s (20 minutes), longer than the 5 minutes' backoff after one failure, so the wait is the service's.
    # Telegram says it in the body (parameters.retry_after) and a Retry-After header.
    server.too_many(1, retry_after=1200)

    first = notify(site, "2026-12-05T09:10")
    assert first.code == 1
    assert len(server.requests) == 1  # left alone for the rest of this run: the update waits too
    for now in ("2026-12-05T09:16", "2026-12-05T09:29:59"):
        notify(site, now)
        assert len(server.requests) == 1, now
    assert notify(site, "2026-12-05T09:30").code == 0
    assert notify(site, "2026-12-05T09:35").code == 0
    # 09:06 on the site is 01:06 UTC.
    assert sent(site, "hook") == [f"incident:{slug}:new", f"incident:{slug}:update:20261205T010600Z"]
    assert len(server.requests) == 3


def test_a_429_with_a_retry_after_header_alone_gets_the_backoff(
    make_site: Callable[..., Site], notify: Callable[..., Run], hook: Webhook
) -> None:
    """Apprise passes on a reply's body, not its headers (docs/notifications.md): the usual 5 minutes."""
    site = site_with(make_site, HOOK)
    incident(site, "2026-12-05-spse-lambat", "SPSE lambat", "2026-12-05 09:00", TWO_UPDATES)
    hook.too_many(1, retry_after=1200, in_body=False)
    assert notify(site, "2026-12-05T09:10").code == 1
    assert notify(site, "2026-12-05T09:14:59").code == 0 and len(hook.requests) == 1
    assert notify(site, "2026-12-05T09:15").code == 0 and len(hook.requests) == 3


# --- what the messages hold ---------------------------------------------------------------------------------

HOSTILE_TITLE = "<script>alert(1)</script> <b>SPSE</b> *bold* _x_"
HOSTILE_TEXT = "[link](javascript:alert(1)) <script>alert(1)</script> *bold* _x_ <b>tebal</b>"


def test_hostile_text_arrives_escaped(
    make_site: Callable[..., Site],
    notify: Callable[..., Run],
    mail: MailServer,
    telegram: TelegramApi,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    site = site_with(make_site, MAIL, "  - name: tg-html\n    url_env: NOTIFY_TG_HTML\n",
                     "  - name: tg-md\n    url_env: NOTIFY_TG_MD\n")  # fmt: skip
    monkeypatch.setenv("NOTIFY_TG_HTML", telegram.url(chat=TELEGRAM_CHAT))
    monkeypatch.setenv("NOTIFY_TG_MD", telegram.url(chat="-1009876543210", query="format=markdown"))
    incident(site, "2026-12-05-hostile", HOSTILE_TITLE, "2026-12-05 09:00",
             [("2026-12-05 09:05", "investigating", HOSTILE_TEXT)])  # fmt: skip
    result = notify(site, "2026-12-05T09:10")
    assert result.code == 0, result.out + result.err

    [message] = mail.mails
    assert "<script" not in message.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in message.html
    assert "&lt;b&gt;tebal&lt;/b&gt;" in message.html
    assert 'href="javascript' not in message.html
    assert "<script>alert(1)</script>" in message.text  # plain text stays as written

    by_mode = {payload["parse_mode"]: payload["text"] for payload in telegram.sent}
    assert set(by_mode) == {"HTML", "MARKDOWN"}
    html = by_mode["HTML"]
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;SPSE&lt;/b&gt;" in html and "&lt;b&gt;tebal&lt;/b&gt;" in html
    assert "<a " not in html
    markdown = by_mode["MARKDOWN"]
    # Each control character of the hostile text is escaped with a backslash, so it shows as written.
    assert "\\*bold\\*" in markdown and "\\_x\\_" in markdown and "\\[link\\]" in markdown
    assert " *bold* " not in markdown and " _x_ " not in markdown and " [link](" not in markdown


SECRET = "S3cretT0ken999"
BOT_SECRET = "S3cretB0tT0kenXYZ"


def test_a_channel_url_never_reaches_the_output(
    make_site: Callable[..., Site],
    notify: Callable[..., Run],
    hook: Webhook,
    telegram: TelegramApi,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    site = site_with(make_site, HOOK, "  - name: tg\n    url_env: NOTIFY_TG\n")
    hook_url = hook.url(credentials=f"user:{SECRET}")
    bot_url = telegram.url(token=f"987654321:{BOT_SECRET}")
    monkeypatch.setenv("NOTIFY_HOOK", hook_url)
    monkeypatch.setenv("NOTIFY_TG", bot_url)
    slug = "2026-12-05-spse-lambat"
    incident(site, slug, "SPSE lambat", "2026-12-05 09:00", TWO_UPDATES)
    telegram.always_fail(500)
    hook.fail(1, 500)

    said = [notify(site, "2026-12-05T09:10", "--dry-run")]
    said.append(notify(site, "2026-12-05T09:10"))  # both fail
    assert said[-1].code == 1
    said.append(notify(site, "2026-12-05T09:15"))  # the webhook sends, Telegram fails again
    assert sent(site, "hook") == [f"incident:{slug}:new", f"incident:{slug}:update:20261205T010600Z"]
    assert hook.requests[-1].headers["Authorization"].startswith("Basic ")  # the token was used, not shown
    telegram.recover()
    said.append(notify(site, "2026-12-05T09:30"))
    assert sent(site, "tg") == [f"incident:{slug}:new", f"incident:{slug}:update:20261205T010600Z"]

    text = "".join(run.out + run.err for run in said)
    text += "".join(path.read_text() for path in (site.root / "history" / "_notify").glob("*.csv"))
    for secret in (SECRET, BOT_SECRET, hook_url, bot_url, "json://", "tgram://"):
        assert secret not in text


def test_a_channel_without_its_variable_is_off(
    make_site: Callable[..., Site], notify: Callable[..., Run], hook: Webhook, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = site_with(make_site, HOOK, MAIL)
    monkeypatch.delenv("NOTIFY_MAIL", raising=False)
    incident(site, "2026-12-05-spse-lambat", "SPSE lambat", "2026-12-05 09:00",
             [("2026-12-05 09:05", "investigating", "Lambat.")])  # fmt: skip
    result = notify(site, "2026-12-05T09:10")
    assert result.code == 0
    [off] = [line for line in (result.out + result.err).splitlines() if "mail" in line]
    assert "NOTIFY_MAIL" in off
    assert sent(site, "hook") == ["incident:2026-12-05-spse-lambat:new"]
    assert not [line for line in record(site) if line["channel"] == "mail"]

    monkeypatch.setenv("NOTIFY_MAIL", "  ")  # set but empty: off as well
    assert notify(site, "2026-12-05T09:11").code == 0
    assert not [line for line in record(site) if line["channel"] == "mail"]


def test_a_dry_run_prints_and_sends_nothing(
    make_site: Callable[..., Site], notify: Callable[..., Run], hook: Webhook, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = site_with(make_site, HOOK, MAIL)
    monkeypatch.delenv("NOTIFY_MAIL", raising=False)
    slug = "2026-12-05-spse-lambat"
    incident(site, slug, "SPSE lambat", "2026-12-05 09:00", [("2026-12-05 09:05", "investigating", "Lambat.")])
    result = notify(site, "2026-12-05T09:10", "--dry-run")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    heads = [i for i, line in enumerate(lines) if line.startswith("[hook]") and "SPSE lambat" in line]
    assert heads, result.out
    assert lines[heads[0] + 1].startswith("    ")  # the body, indented
    assert f"https://status.example.org/en/incidents/{slug}/" in result.out
    assert any(line.startswith("[mail]") and re.search(r"off|disabled|not set", line) for line in lines)
    # The mail channel, in Indonesian, would get the message too.
    assert f"https://status.example.org/incidents/{slug}/" in result.out
    assert hook.requests == []
    assert not (site.root / "history" / "_notify").exists() or record(site) == []

    # A dry run changes nothing: the real run afterwards still sends.
    assert notify(site, "2026-12-05T09:10").code == 0
    assert sent(site, "hook") == [f"incident:{slug}:new"]


# --- check --strict on bad channels -------------------------------------------------------------------------

# SITE has 14 lines: "notify:" is line 15, the first entry's "- name:" line 16, its next key line 17.
BAD_CHANNELS = [
    ("  - name: hook\n    url_env: NOTIFY_HOOK\n    colour: red\n", 18, "colour"),
    ("  - name: hook\n    url_env: NOTIFY_HOOK\n  - name: hook\n    url_env: NOTIFY_OTHER\n", 18, "duplicate"),
    ("  - name: hook\n    url_env: NOTIFY_HOOK\n    components: [spse, lpse]\n", 18, "lpse"),
    ("  - name: hook\n    url_env: NOTIFY_HOOK\n    send: [outages, tweets]\n", 18, "tweets"),
    ("  - name: hook\n    url_env: tgram://123456789:abcdef/-100123\n", 17, "environment variable"),
    ("  - name: Hook Kanal\n    url_env: NOTIFY_HOOK\n", 16, "a-z"),
    ("  - name: hook\n    url_env: NOTIFY_HOOK\n    language: fr\n", 18, "fr"),
]


@pytest.mark.parametrize(("entries", "line", "words"), BAD_CHANNELS)
def test_check_strict_names_a_bad_channel_at_its_line(
    make_site: Callable[..., Site],
    cli: Callable[..., Run],
    monkeypatch: pytest.MonkeyPatch,
    entries: str,
    line: int,
    words: str,
) -> None:
    monkeypatch.chdir(site_with(make_site, entries).root)
    assert len(SITE.splitlines()) == 14
    result = cli("check", "--config", "status.yml", "--strict")
    assert result.code == 1
    errors = [text for text in result.err.splitlines() if text.startswith("status.yml:")]
    assert any(text.startswith(f"status.yml:{line}:") and words in text for text in errors), result.err
    assert "abcdef" not in result.out + result.err  # an address written by mistake is not echoed: its token


def test_check_accepts_good_channels(make_site: Callable[..., Site], cli: Callable[..., Run]) -> None:
    site = site_with(
        make_site,
        "  - name: telegram\n"
        "    url_env: NOTIFY_TELEGRAM\n"
        "    title: {id: Kanal Telegram, en: Telegram channel}\n"
        "    language: en\n"
        "    send: [outages, updates]\n"
        "    components: [spse, sikap]\n"
        "    remind_before: 60\n"
        "    join: Ikuti kanal Telegram kami\n"
        "    join_url: https://t.me/example\n",
        HOOK,
    )
    result = cli("check", "--config", site.config, "--strict")
    assert result.code == 0, result.err
