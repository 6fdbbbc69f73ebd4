"""A local HTTP server for the probe tests: on 127.0.0.1 at a free port, nothing logged.

Each test file subclasses both with the routes it needs.
"""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class LocalServer(ThreadingHTTPServer):
    """Serves ``handler`` at ``base`` (``http://127.0.0.1:<port>``) with daemon threads."""

    daemon_threads = True

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(("127.0.0.1", 0), handler)
        self.base = f"http://127.0.0.1:{self.server_address[1]}"

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that stopped at its limit leaves a broken pipe behind: expected, not worth a traceback."""


class QuietHandler(BaseHTTPRequestHandler):
    """HTTP/1.1 without a log line per request, and ``reply`` for a whole answer."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def reply(self, code: int, body: bytes = b"") -> None:
        self.send_response(code)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
