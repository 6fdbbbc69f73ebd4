"""Local stand-ins for the services ``generate.py notify`` sends to, each on 127.0.0.1 at a free port.

- ``Webhook``: an HTTP server that keeps every POST (path, headers, JSON body) and answers from a script:
  200 unless told otherwise (a status for the next N requests, a Telegram-style 429). Apprise reaches it with
  ``json://127.0.0.1:<port>/<path>``, whose body is ``{"version", "title", "message", "attachments", "type"}``.
- ``TelegramApi``: the same server answering as the Bot API does (``POST /bot<token>/sendMessage`` gets
  ``{"ok": true, "result": {...}}``). Apprise's Telegram plugin has its host fixed in
  ``NotifyTelegram.notify_url``; a test points that at ``api_url`` (see ``point_telegram_at``), and the plugin's
  own code does the rest, so this works only in the test's own process.
- ``MailServer``: an SMTP server (aiosmtpd) that keeps each message with its text/plain and text/html parts.
  Apprise reaches it without TLS or login with ``mailto://127.0.0.1:<port>?from=…&to=…&mode=insecure``
  (``mail_url``); add ``format=html`` for an HTML part, which Apprise makes by escaping the plain text.

Each is a context manager: the server runs inside the ``with`` and is stopped after it.
"""

from __future__ import annotations

import email
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from types import TracebackType
from typing import Any, Self

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from tests.localhttp import LocalServer, QuietHandler

TELEGRAM_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"  # the form of a bot token, not a real one
TELEGRAM_CHAT = "-1001234567890"
TOO_MANY = {
    "ok": False,
    "error_code": 429,
    "description": "Too Many Requests: retry after 30",
    "parameters": {"retry_after": 30},
}  # what Telegram answers a bot that sends too fast


@dataclass(frozen=True)
class Request:
    """One POST as the server got it."""

    path: str
    headers: dict[str, str]
    body: Any  # the parsed JSON, or the raw text when it was not JSON
    status: int  # what the server answered


@dataclass(frozen=True)
class Answer:
    """One scripted reply."""

    status: int
    body: Any = None  # sent as JSON; None: the server's usual body for this status
    headers: tuple[tuple[str, str], ...] = ()


class _Handler(QuietHandler):
    server: _ScriptedServer

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode("utf-8", errors="replace")
        try:
            body = json.loads(raw)
        except ValueError:
            body = raw
        answer = self.server.take(self.path, dict(self.headers.items()), body)
        if self.server.delay:
            time.sleep(self.server.delay)
        payload = json.dumps(answer.body).encode()
        self.send_response(answer.status)
        self.send_header("Content-Type", "application/json")
        for name, value in answer.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


class _ScriptedServer(LocalServer):
    """Keeps each request and answers the next scripted reply, or 200 when none is left."""

    def __init__(self) -> None:
        super().__init__(_Handler)
        self.requests: list[Request] = []
        self.script: list[Answer] = []
        self.delay = 0.0  # seconds each request waits before its answer: widens a race
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.shutdown()
        self.server_close()
        self._thread.join()

    def take(self, path: str, headers: dict[str, str], body: Any) -> Answer:
        """Keep the request and say what to answer it."""
        with self._lock:
            answer = self.script.pop(0) if self.script else Answer(200)
            request = Request(path, headers, body, answer.status)
            self.requests.append(request)
        if answer.body is None:
            answer = Answer(answer.status, self.usual(request), answer.headers)
        return answer

    def usual(self, request: Request) -> Any:
        """The body of a reply the script left to the server."""
        return {"ok": request.status == 200}

    def fail(self, times: int, status: int = 500) -> None:
        """Answer ``status`` to the next ``times`` requests."""
        with self._lock:
            self.script += [Answer(status)] * times

    def too_many(self, times: int = 1, retry_after: int = 30, in_body: bool = True) -> None:
        """Answer the next ``times`` requests as Telegram does a bot that sends too fast: 429, a JSON body with
        ``parameters.retry_after`` and a ``Retry-After`` header; ``in_body=False``: the header alone."""
        body = {**TOO_MANY, "description": f"Too Many Requests: retry after {retry_after}",
                "parameters": {"retry_after": retry_after}} if in_body else {"ok": False}  # fmt: skip
        with self._lock:
            self.script += [Answer(429, body, (("Retry-After", str(retry_after)),))] * times

    def always_fail(self, status: int = 500) -> None:
        """Answer ``status`` to every request from now on."""
        self.fail(10_000, status)

    def recover(self) -> None:
        """Answer 200 again from the next request."""
        with self._lock:
            self.script.clear()


class Webhook(_ScriptedServer):
    """A JSON webhook: ``url(path)`` is the Apprise URL that posts to it."""

    def url(self, path: str = "hook", credentials: str = "") -> str:
        """``json://[credentials@]127.0.0.1:<port>/<path>``; ``credentials`` like ``user:token``."""
        login = f"{credentials}@" if credentials else ""
        return f"json://{login}127.0.0.1:{self.server_address[1]}/{path}"

    @property
    def messages(self) -> list[dict[str, Any]]:
        """The JSON bodies it accepted (answered 200), in order; ``requests`` has every attempt."""
        return [r.body for r in self.requests if r.status == 200 and isinstance(r.body, dict)]


class TelegramApi(_ScriptedServer):
    """The Bot API's replies, enough for Apprise: sendMessage (and getMe, getUpdates, sendPhoto)."""

    @property
    def api_url(self) -> str:
        """What ``NotifyTelegram.notify_url`` becomes: the plugin appends ``<token>/<method>``."""
        return f"{self.base}/bot"

    @staticmethod
    def url(token: str = TELEGRAM_TOKEN, chat: str = TELEGRAM_CHAT, query: str = "") -> str:
        """The Apprise URL of a bot posting to one chat: ``tgram://<token>/<chat>[?query]``."""
        return f"tgram://{token}/{chat}" + (f"?{query}" if query else "")

    def usual(self, request: Request) -> Any:
        if request.status != 200:
            return {"ok": False, "error_code": request.status, "description": "Internal Server Error"}
        method = request.path.rsplit("/", 1)[-1]
        chat = {"id": int(TELEGRAM_CHAT), "type": "channel", "title": "Status"}
        if method == "getMe":
            return {"ok": True, "result": {"id": 123456789, "is_bot": True, "first_name": "status",
                                           "username": "status_bot"}}  # fmt: skip
        if method == "getUpdates":
            return {"ok": True, "result": []}
        body = request.body if isinstance(request.body, dict) else {}
        message = {"message_id": len(self.requests), "date": 0, "chat": chat, "text": body.get("text", "")}
        return {"ok": True, "result": message}

    @property
    def sent(self) -> list[dict[str, Any]]:
        """The bodies posted to sendMessage and accepted, in order."""
        return [
            r.body
            for r in self.requests
            if r.path.endswith("/sendMessage") and r.status == 200 and isinstance(r.body, dict)
        ]


@dataclass(frozen=True)
class Mail:
    """One message the SMTP server accepted."""

    sender: str
    recipients: tuple[str, ...]
    subject: str
    text: str  # the text/plain part, "" when there is none
    html: str  # the text/html part, "" when there is none


@dataclass
class _Keeper:
    """aiosmtpd's handler: parses each message and keeps it."""

    mails: list[Mail] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        message = email.message_from_bytes(content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        parts = {"text/plain": "", "text/html": ""}
        for part in message.walk():
            kind = part.get_content_type()
            if kind in parts and not parts[kind] and isinstance(part, EmailMessage):
                parts[kind] = str(part.get_content())
        mail = Mail(str(envelope.mail_from), tuple(envelope.rcpt_tos), str(message["Subject"] or ""),
                    parts["text/plain"], parts["text/html"])  # fmt: skip
        with self.lock:
            self.mails.append(mail)
        return "250 OK"


def free_port() -> int:
    """A TCP port on 127.0.0.1 nothing listens on (aiosmtpd's Controller needs one named; it cannot take 0)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class MailServer:
    """An SMTP server on 127.0.0.1 without TLS or login; ``mails`` holds what it accepted."""

    def __init__(self) -> None:
        self._keeper = _Keeper()
        self.port = free_port()
        self._controller = Controller(self._keeper, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> Self:
        self._controller.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._controller.stop()

    @property
    def mails(self) -> list[Mail]:
        with self._keeper.lock:
            return list(self._keeper.mails)

    def url(self, to: str = "vendors@example.org", html: bool = True) -> str:
        """The Apprise URL that delivers here: plain SMTP (``mode=insecure``), no login; ``html`` asks for an
        HTML part beside the plain one."""
        query = f"from=status@example.org&to={to}&mode=insecure" + ("&format=html" if html else "")
        return f"mailto://127.0.0.1:{self.port}?{query}"


def release_apprise_threads() -> None:
    """Stop the thread pools Apprise keeps for the life of a process once it has sent.

    ``generate.py notify`` sends in a process of its own, which ends; a test sends in pytest's, and a thread
    left running there keeps later tests from forking their build workers (parallel.workers). The pools are
    module globals of Apprise, made again on its next send."""
    import apprise.apprise as core

    for name in ("_coordinator_executor", "_shared_executor"):
        pool = getattr(core, name, None)
        if pool is not None:
            pool.shutdown(wait=True)
            setattr(core, name, None)
