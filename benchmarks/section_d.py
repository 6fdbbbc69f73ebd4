"""Section D: ``generate.py probe`` against 200 local endpoints, 20 of which never answer.

Each run must add one line per endpoint: the hanging ones ``down`` with error ``timeout``, the others ``up``.
"""

from __future__ import annotations

import csv
import os
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import yaml
from bench_common import (
    FLOOR_IMPORTS,
    GENERATE,
    Bench,
    Series,
    Target,
    files_under,
    progress,
    run_process,
    say,
    series_line,
)
from bench_results import Figure, Row, sig

ENDPOINTS = 200
TIMEOUT = 2.0  # seconds, the probe timeout written in status.yml
RETRIES = 1
TARGET = 2 * TIMEOUT + 1
HANG_SECONDS = 30.0


def hanging(n: int) -> bool:
    """Every tenth endpoint never answers."""
    return n % 10 == 9


class Endpoints(ThreadingHTTPServer):
    """Answers ``/pNNN``: "OK SPSE" at once, or nothing at all for the hanging ones."""

    daemon_threads = True
    request_queue_size = 512

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), EndpointHandler)
        self.release = threading.Event()  # set at shutdown: the hanging requests end

    @property
    def port(self) -> int:
        return int(self.server_address[1])


class EndpointHandler(BaseHTTPRequestHandler):
    server: Endpoints

    def do_GET(self) -> None:
        match = re.fullmatch(r"/p(\d{3})", self.path)
        if match and hanging(int(match[1])):
            self.server.release.wait(HANG_SECONDS)
            return
        body = b"OK SPSE" if match else b"not found"
        self.send_response(200 if match else 404)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass  # quiet: the benchmark prints its own report


def probe_config(root: Path, port: int) -> Path:
    components = [
        {
            "id": f"p{n:03d}",
            "name": f"Endpoint {n:03d}",
            "probe": {"url": f"http://127.0.0.1:{port}/p{n:03d}", "timeout": TIMEOUT, "retries": RETRIES},
        }
        for n in range(ENDPOINTS)
    ]
    document = {"title": "Probe benchmark", "base_url": "https://example.github.io/status/", "components": components}
    root.mkdir(parents=True)
    config = root / "status.yml"
    config.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return config


Rows = dict[Path, list[dict[str, str]]]  # sample lines, by history file


def history_rows(history: Path) -> Rows:
    """Every sample line under ``history/``, by file."""
    rows: Rows = {}
    for path in files_under(history) if history.is_dir() else ():
        with path.open(encoding="utf-8", newline="") as handle:
            rows[path] = list(csv.DictReader(handle))
    return rows


def new_rows(before: Rows, after: Rows) -> dict[str, list[dict[str, str]]]:
    """The lines a probe run added, by component id (the folder name)."""
    added: dict[str, list[dict[str, str]]] = {}
    for path, rows in after.items():
        fresh = rows[len(before.get(path, [])) :]
        if fresh:
            added.setdefault(path.parent.name, []).extend(fresh)
    return added


def check_probe_run(added: dict[str, list[dict[str, str]]]) -> list[str]:
    """What is wrong with one probe run's new lines; empty when it is right."""
    problems = []
    lines = sum(len(rows) for rows in added.values())
    if lines != ENDPOINTS or any(len(rows) != 1 for rows in added.values()):
        problems.append(f"{lines} new lines in {len(added)} components, expected one in each of {ENDPOINTS}")
    for n in range(ENDPOINTS):
        rows = added.get(f"p{n:03d}", [])
        got = [(r.get("status"), r.get("error") or "") for r in rows]
        expected = ("down", "timeout") if hanging(n) else ("up", "")
        if got != [expected]:
            problems.append(f"p{n:03d}: {got}, expected {expected}")
    return problems


def proxy_free_env() -> dict[str, str]:
    """The environment, with the local endpoints exempt from any HTTP proxy."""
    env = dict(os.environ)
    for name in ("no_proxy", "NO_PROXY"):
        env[name] = ",".join(part for part in (env.get(name), "127.0.0.1", "localhost") if part)
    return env


def run(bench: Bench) -> None:
    hung = sum(hanging(n) for n in range(ENDPOINTS))
    say(f"D  probe {ENDPOINTS} local endpoints, {hung} of which never answer; runs: {bench.runs}")
    say(f"   probe: timeout {TIMEOUT:g} s, retries {RETRIES}")
    server = Endpoints()
    threading.Thread(target=server.serve_forever, name="endpoints", daemon=True).start()
    try:
        config = probe_config(bench.base / "D", server.port)
        probe, imports, failures = Series(), Series(), []
        for k in range(bench.runs):
            progress(f"D probe: run {k + 1}/{bench.runs}")
            before = history_rows(config.parent / "history")
            probe.samples.append(run_process([str(GENERATE), "probe", "--config", str(config)], proxy_free_env()))
            added = new_rows(before, history_rows(config.parent / "history"))
            failures += [f"run {k + 1}: {p}" for p in check_probe_run(added)]
            imports.samples.append(run_process(["-c", FLOOR_IMPORTS]))
    finally:
        server.release.set()
        server.shutdown()
        server.server_close()
    say(series_line("generate.py probe", probe))
    say(series_line("imports floor", imports))
    say(
        f"  {'':<30} a hanging endpoint takes (retries + 1) × timeout = {(RETRIES + 1) * TIMEOUT:g} s"
        " (a timeout is retried at once, without the pause a quick failure gets)"
    )
    verdict = "PASS" if not failures else "FAIL"
    say(f"  records: {verdict} (each run adds one line per endpoint: the {hung} hanging ones 'down' with error")
    say("  'timeout', the others 'up')")
    for failure in failures[:20]:
        say(f"    {failure}")
    if len(failures) > 20:
        say(f"    ... and {len(failures) - 20} more")
    bench.results["D"] = {
        "endpoints": ENDPOINTS,
        "hanging": hung,
        "timeout_s": TIMEOUT,
        "retries": RETRIES,
        "probe": probe.as_json(),
        "imports_floor": imports.as_json(),
        "record_failures": failures,
    }
    value = probe.median
    bench.targets.append(Target("D probe 200 endpoints", f"≤ {TARGET:g} s", f"{value:.3f} s", value <= TARGET))
    bench.targets.append(
        Target("D hanging recorded down/timeout", "all runs", f"{len(failures)} problems", not failures)
    )
    met = value <= TARGET
    records = "every hanging one recorded `down`/`timeout`" if not failures else f"{len(failures)} wrong records"
    bench.rows["D"] = [
        Row(
            f"D. `probe`, {ENDPOINTS} local endpoints, {hung} hanging past a {TIMEOUT:g} s timeout, "
            f"{'one retry' if RETRIES == 1 else f'{RETRIES} retries'}",
            target=f"≤ {RETRIES + 1} × {TIMEOUT:g} + 1 = {TARGET:g} s",
            measured="{probe}",
            verdict=("met" if met and not failures else "missed") + f"; {records}",
            figures={"probe": Figure(sig(value), "s")},
        )
    ]
    bench.runs_used["D"] = str(bench.runs)
    bench.discard(bench.base / "D")
