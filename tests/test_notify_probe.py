"""The whole path, as the workflows run it: ``probe`` checks a service on 127.0.0.1 that goes down and comes
back, staff write an incident and a maintenance, and ``notify`` runs after each step, twice, into a webhook and
an SMTP server through Apprise. Each channel gets each message exactly once: the outage, its recovery, the new
incident, its update, and the maintenance reminder.

The probe writes its samples at the real clock's time, so notify runs at the real clock too (no --now); the
incident's and the maintenance's times are written relative to it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from statusgen.cli import main
from tests.conftest import Site
from tests.localhttp import LocalServer, QuietHandler
from tests.receivers import MailServer, Webhook, release_apprise_threads

WITA = ZoneInfo("Asia/Makassar")


@pytest.fixture(autouse=True)
def no_thread_left() -> Iterator[None]:
    """Each test leaves no Apprise thread behind in pytest's process (see release_apprise_threads)."""
    yield
    release_apprise_threads()


class Service(LocalServer):
    """The service probed: answers 200 with its keyword while ``up``, else 503."""

    up = True

    def __init__(self) -> None:
        service = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:
                self.reply(200, b"<title>SPSE</title>") if service.up else self.reply(503, b"down")

        super().__init__(Handler)


@pytest.fixture
def service() -> Iterator[Service]:
    server = Service()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def site_text(service: Service) -> str:
    return f"""\
title: Uji
base_url: https://status.example.org/
timezone: Asia/Makassar
languages: [id, en]
history_start: 2026-01-01
components:
  - id: spse
    name: SPSE
    probe: {{url: "{service.base}/eproc4", keyword: SPSE, timeout: 2, retries: 0}}
notify:
  - name: hook
    url_env: NOTIFY_HOOK
  - name: mail
    url_env: NOTIFY_MAIL
    language: en
"""


def wita(moment: datetime) -> str:
    return moment.astimezone(WITA).strftime("%Y-%m-%d %H:%M")


def test_probe_then_notify_delivers_each_message_once_to_each_channel(
    make_site: Callable[..., Site],
    service: Service,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    site = make_site(site_text(service))
    with Webhook() as hook, MailServer() as mail:
        monkeypatch.setenv("NOTIFY_HOOK", hook.url())
        monkeypatch.setenv("NOTIFY_MAIL", mail.url())

        def probe() -> None:
            assert main(["probe", "--config", str(site.config)]) == 0
            time.sleep(1.1)  # the next sample is a second later at least: its own moment

        def notify_twice() -> None:
            for _ in range(2):
                assert main(["notify", "--config", str(site.config)]) == 0, capsys.readouterr().err

        def titles() -> list[str]:
            return [message["title"] for message in hook.messages]

        probe()  # up: where things stand, nothing to tell
        notify_twice()
        assert titles() == []
        service.up = False
        probe()
        notify_twice()
        assert titles() == ["Gangguan: SPSE"]
        service.up = True
        probe()
        notify_twice()
        assert titles() == ["Gangguan: SPSE", "Pulih: SPSE"]

        now = datetime.now(WITA)
        started = now - timedelta(minutes=3)
        lines = [
            "---",
            "title: SPSE lambat",
            "components: [spse]",
            "severity: degraded",
            f"started: {wita(started)}",
            "updates:",
            f"  - {{at: {wita(started)}, status: investigating, message: Sedang diselidiki.}}",
            "---",
            "",
        ]
        site.incident("spse-lambat", "\n".join(lines))
        notify_twice()
        assert titles()[2:] == ["Gangguan baru: SPSE lambat"]
        lines.insert(7, f"  - {{at: {wita(now - timedelta(minutes=1))}, status: identified, message: Diketahui.}}")
        site.incident("spse-lambat", "\n".join(lines))
        notify_twice()
        assert titles()[3:] == ["Pembaruan: SPSE lambat"]

        begins = now + timedelta(hours=2)
        site.incident(
            "pemeliharaan",
            f"---\ntitle: Pemeliharaan server\ncomponents: [spse]\nseverity: maintenance\n"
            f"started: {wita(begins)}\nresolved: {wita(begins + timedelta(hours=1))}\n"
            f"updates:\n  - {{at: {wita(now - timedelta(minutes=1))}, status: scheduled, message: Dijadwalkan.}}\n"
            "---\n",
        )
        notify_twice()
        assert titles()[4:] == ["Pengingat pemeliharaan: Pemeliharaan server"]
        notify_twice()

        # Five messages to each channel, each once, in the channel's language.
        assert len(hook.messages) == 5 and len(hook.requests) == 5
        assert [m.subject for m in mail.mails] == [
            "Outage: SPSE",
            "Recovered: SPSE",
            "New incident: SPSE lambat",
            "Update: SPSE lambat",
            "Maintenance reminder: Pemeliharaan server",
        ]
        assert "https://status.example.org/en/incidents/spse-lambat/" in mail.mails[2].text
