"""``generate.py serve``: build, serve the site on 127.0.0.1 under its own path, and rebuild on change.

The watcher polls the modification times of ``status.yml``, ``incidents/`` and ``templates/`` twice a
second (no extra dependency, and it works on every file system). A change that makes the input invalid
prints the problems and leaves the last good site in place, as every build does.

The output folder may be a checkout of the Pages branch, so the server guards what a browser can reach:
nothing under a name that begins with a dot (``.git/``, ``.nojekyll``) except ``.well-known/`` (on Windows,
nor a name with ``~``, which may be the short name of one); only the
``Host`` names of this machine, so that a page elsewhere cannot rebind its own name to 127.0.0.1 and read
the folder; and a connection that stays silent for ``IDLE_SECONDS`` is closed, so idle ones cannot hold
a thread each for ever.
"""

from __future__ import annotations

import os
import sys
import threading
import time
import traceback
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from . import build as pipeline
from .model import Message
from .output import UnsafeOutput
from .problems import InputError, say, translations
from .render import TEMPLATES
from .times import zone_label

POLL_SECONDS = 0.5
IDLE_SECONDS = 10.0  # a connection silent this long (before or within a request) is closed
PUBLIC_DOT_NAMES = frozenset({".well-known"})  # RFC 8615 addresses, which GitHub Pages publishes
SHORT_NAMES = os.name == "nt"  # Windows may give each long name a short one too, which reaches the same file


class SiteHandler(SimpleHTTPRequestHandler):
    """Serves ``out`` at ``base_path``, and ``404.html`` for anything missing, as GitHub Pages does.

    Only to a request whose ``Host`` is this server by the name 127.0.0.1 or localhost, and never a
    path with a part that begins with a dot (but ``.well-known``).
    """

    base_path = "/"

    def __init__(self, *args: Any, base_path: str, words: Mapping[str, str] | None = None, **kwargs: Any):
        self.base_path = base_path
        self.words = words or {}
        super().__init__(*args, **kwargs)

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(IDLE_SECONDS)  # read at each connection: the module's value is the one used

    def parse_request(self) -> bool:
        if not super().parse_request():
            return False
        if self._host_allowed():
            return True
        port = self._port()
        refusal = Message(
            "this preview answers only at http://127.0.0.1:{port}/ and http://localhost:{port}/", port=port
        )
        body = (say(refusal, self.words) + "\n").encode()
        self.send_response(403)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.close_connection = True
        return False

    def _host_allowed(self) -> bool:
        """Whether the one ``Host`` header names this server as 127.0.0.1 or localhost, with its port.

        A DNS-rebinding page reaches 127.0.0.1 under its own name, which its browser sends as ``Host``.
        """
        hosts = self.headers.get_all("Host") or []
        if len(hosts) != 1:
            return False
        port = self._port()
        names = ("127.0.0.1", "localhost")
        allowed = {f"{name}:{port}" for name in names} | (set(names) if port == 80 else set())
        return hosts[0].strip().lower() in allowed

    def _port(self) -> int:
        """The port this connection came to: the server's."""
        return int(self.connection.getsockname()[1])

    def send_head(self) -> Any:
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if hidden(path):
            return self._not_found()
        if path in ("", "/") and self.base_path != "/":
            return self._redirect(self.base_path, 302)
        if path == self.base_path.rstrip("/"):
            return self._redirect(self.base_path, 301)
        if not path.startswith(self.base_path):
            return self._not_found()
        local = Path(self.translate_path("/" + path[len(self.base_path) :]))
        if local.is_dir() and not path.endswith("/"):
            return self._redirect(path + "/", 301)  # as GitHub Pages does, under the site's own path
        if not local.exists() or (local.is_dir() and not (local / "index.html").is_file()):
            return self._not_found()
        self.path = "/" + self.path[len(self.base_path) :]
        return super().send_head()

    def _redirect(self, location: str, status: int) -> None:
        self.send_response(status)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _not_found(self) -> Any:
        page = Path(self.directory) / "404.html"
        body = page.read_bytes() if page.is_file() else b"404\n"
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        return None

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the terminal is for build results


def hidden(path: str) -> bool:
    """Whether a request path names anything under a dot-name (``/.git/config``, ``/%2egit/``, ``/..``).

    Such files are the folder's own (a Pages checkout's ``.git/``, ``.nojekyll``), not the site;
    ``.well-known/`` is the exception, as GitHub Pages publishes it.
    """
    parts = unquote(path).split("/")
    if SHORT_NAMES and any("~" in part for part in parts):
        return True  # NTFS's 8.3 short names: GIT~1 is .git, NOJEKY~1 is .nojekyll
    return any(part.startswith(".") and part not in PUBLIC_DOT_NAMES for part in parts)


class PreviewServer(ThreadingHTTPServer):
    """One thread per connection, each closed after ``IDLE_SECONDS`` of silence by its handler."""

    request_queue_size = 64  # socketserver's 5 makes a browser's burst of connections wait a second for a retry

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away or fell silent mid-answer is no bug: no traceback for it."""
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)


def preview_server(out: Path, base_path: str, port: int, words: Mapping[str, str] | None = None) -> PreviewServer:
    """The server of ``out`` under ``base_path`` on 127.0.0.1:``port`` (0: any free port), not yet started.

    Raises OSError or OverflowError when the port cannot be used.
    """
    handler = partial(SiteHandler, directory=os.fspath(out.resolve()), base_path=base_path, words=words or {})
    return PreviewServer(("127.0.0.1", port), handler)


def snapshot(roots: list[Path]) -> dict[str, tuple[int, int]]:
    """(modification time, size) of every file under ``roots``: what a change is measured against."""
    seen: dict[str, tuple[int, int]] = {}
    for root in roots:
        paths = [root] if root.is_file() else sorted(root.rglob("*")) if root.is_dir() else []
        for path in paths:
            try:
                info = path.stat()
            except OSError:
                continue
            if path.is_file():
                seen[str(path)] = (info.st_mtime_ns, info.st_size)
    return seen


def rebuild(config_path: Path, out: Path, words: Mapping[str, str]) -> bool:
    """Build for now; print the result. False when the input is invalid (the old site stays)."""
    try:
        return _rebuild(config_path, out, words)
    except UnsafeOutput:
        raise
    except Exception:  # a template being edited must not stop the preview: show it, keep serving
        traceback.print_exc()
        print(say(Message("the build failed; the last good site stays"), words), file=sys.stderr, flush=True)
        return False


def _rebuild(config_path: Path, out: Path, words: Mapping[str, str]) -> bool:
    try:
        # One process: this one also runs the server's thread, and a thread does not survive a fork.
        with pipeline.collector_paused():
            inputs = pipeline.load(config_path, processes=1)
            now = datetime.now(UTC).replace(microsecond=0)  # a preview is of the present
            inputs = pipeline.check_timeline(inputs, now)
            pipeline.build(inputs, out, now, processes=1)
    except InputError as exc:
        for problem in exc.problems:
            print(problem.said(words), file=sys.stderr, flush=True)
        print(exc.summary(words, kept=True), file=sys.stderr, flush=True)
        return False
    for warning in inputs.warnings:
        print(warning.said(words), file=sys.stderr, flush=True)
    local = now.astimezone(inputs.config.timezone)  # the staff's clock, which the site shows too
    built = Message(
        "built {path}/ at {time} {zone}",
        path=pipeline.shown_path(out),
        time=local.strftime("%H:%M:%S"),
        zone=zone_label(local),
    )
    print(say(built, words), flush=True)
    return True


def serve(config_path: Path, out: Path, port: int, code: str = "id") -> int:
    """Serve until interrupted; exit status 0 (2 when the port cannot be used or the output folder is not ours)."""
    config, _ = pipeline.load_settings(config_path)
    words = translations(code)
    base_path = config.base_path
    out.mkdir(parents=True, exist_ok=True)
    try:  # the port first: a busy one is said at once, before a whole build
        server = preview_server(out, base_path, port, words)
    except (OSError, OverflowError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        message = Message(
            "port {port} cannot be used ({reason}): choose another with --port, or --port 0 for any free one",
            port=port, reason=reason,
        )  # fmt: skip
        print(f"generate.py serve: {say(message, words)}", file=sys.stderr)
        return 2
    try:
        rebuild(config_path, out, words)
    except UnsafeOutput as exc:
        server.server_close()
        print(f"generate.py: error: {exc}", file=sys.stderr)
        return 2
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}{base_path}"
    print(say(Message("serving {url} (Ctrl+C to stop)", url=url), words), flush=True)
    roots = [config_path, config.incidents_dir, TEMPLATES]
    before = snapshot(roots)
    try:
        while True:
            time.sleep(POLL_SECONDS)
            now = snapshot(roots)
            if now != before:
                before = now
                rebuild(config_path, out, words)
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        server.server_close()
    return 0
