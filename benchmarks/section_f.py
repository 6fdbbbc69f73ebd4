"""Section F: ``generate.py probe --vantage kantor``, a place with 100 ordinary components and one link measured.

Every endpoint is local and answers at once; the link's bandwidth is measured both ways against local endpoints
(a large body to download, a POST body read to the end), each run (its earlier measurement is removed first, so
that ``every`` does not skip it). Each run must add one sample line per component in the place's folders and one
bandwidth line with both figures. The wall time is set beside the bound ``status.yml`` is checked against: the
sum, over the rounds of 64 components, of the longest Probe.worst_case of each round (config._probe_run_length).
"""

from __future__ import annotations

import csv
import re
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import yaml
from bench_common import GENERATE, REPO, Bench, Series, Target, progress, run_process, say, series_line
from bench_results import Figure, Row, sig
from section_d import proxy_free_env

if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from statusgen.config import PROBE_THREADS
from statusgen.model import Bandwidth, Probe

COMPONENTS = 100
TIMEOUT = 2.0  # seconds, each ordinary probe's timeout
RETRIES = 1
SECONDS = 2.0  # the bandwidth measurement's limit, per direction
MEGABYTES = 20  # and its cap, per direction
BODY = 64 * 1024 * 1024  # bytes /big offers: more than the cap
PLACE = "kantor"


class Endpoints(ThreadingHTTPServer):
    """``/pNNN`` answers "OK"; ``/big`` sends BODY bytes; a POST to ``/upload`` is read to its end."""

    daemon_threads = True
    request_queue_size = 256

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), EndpointHandler)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a download stopped at its cap leaves a broken pipe behind


class EndpointHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Endpoints

    def do_GET(self) -> None:
        if self.path == "/big":
            self.send_response(200)
            self.send_header("Content-Length", str(BODY))
            self.end_headers()
            piece, sent = b"x" * (256 * 1024), 0
            while sent < BODY:
                self.wfile.write(piece)
                sent += len(piece)
            return
        ok = re.fullmatch(r"/p\d{3}", self.path) is not None
        self.answer(200 if ok else 404, b"OK" if ok else b"not found")

    def do_POST(self) -> None:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                self.rfile.read(size)
                self.rfile.readline()
            self.rfile.readline()
        else:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.answer(200, b"OK")

    def answer(self, code: int, body: bytes) -> None:
        self.send_response(code)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def place_config(root: Path, base: str) -> Path:
    probe = {"timeout": TIMEOUT, "retries": RETRIES, "from": [PLACE]}
    components = [
        {"id": f"p{n:03d}", "name": f"Endpoint {n:03d}", "probe": {"url": f"{base}/p{n:03d}", **probe}}
        for n in range(COMPONENTS)
    ]
    bandwidth = {
        "url": f"{base}/big",
        "upload_url": f"{base}/upload",
        "target_mbps": 100,
        "seconds": SECONDS,
        "megabytes": MEGABYTES,
    }
    components.append({"id": "link", "name": "Link", "probe": {"url": f"{base}/p000", **probe, "bandwidth": bandwidth}})
    document = {
        "title": "Place benchmark",
        "base_url": "https://example.github.io/status/",
        "vantages": [{"id": "github"}, {"id": PLACE, "kind": "inside"}],
        "components": components,
    }
    root.mkdir(parents=True)
    config = root / "status.yml"
    config.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return config


def declared_bound() -> float:
    """The bound config._probe_run_length checks: the longest worst case of each round of PROBE_THREADS."""
    ordinary = Probe("http://x/", timeout=TIMEOUT, retries=RETRIES)
    link = Probe(
        "http://x/",
        timeout=TIMEOUT,
        retries=RETRIES,
        bandwidth=Bandwidth("http://x/", 100.0, "http://x/u", seconds=SECONDS, megabytes=MEGABYTES),
    )
    budgets = sorted([ordinary.worst_case] * COMPONENTS + [link.worst_case], reverse=True)
    return sum(budgets[index] for index in range(0, len(budgets), PROBE_THREADS))


def lines(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def check_run(history: Path, before: dict[str, int]) -> list[str]:
    """What is wrong with one run's new lines; empty when it is right."""
    problems = []
    ids = [f"p{n:03d}" for n in range(COMPONENTS)] + ["link"]
    for cid in ids:
        folder = history / cid / f"@{PLACE}"
        rows = [row for path in sorted(folder.glob("????-??.csv")) for row in lines(path)]
        fresh = rows[before.get(cid, 0) :]
        if [row["status"] for row in fresh] != ["up"]:
            problems.append(f"{cid}: {[row['status'] for row in fresh]}, expected ['up']")
    measured = [row for path in sorted((history / "link" / f"@{PLACE}").glob("bandwidth-*.csv")) for row in lines(path)]
    if len(measured) != 1 or not measured[0]["download_mbps"] or not measured[0]["upload_mbps"] or measured[0]["error"]:
        problems.append(f"bandwidth: {measured}, expected one line with both figures")
    if any((history / "p000").glob("????-??.csv")):
        problems.append("the home place's folder was written")
    return problems


def counts(history: Path) -> dict[str, int]:
    found = {}
    for folder in history.glob(f"*/@{PLACE}"):
        found[folder.parent.name] = sum(len(lines(path)) for path in folder.glob("????-??.csv"))
    return found


def run(bench: Bench) -> None:
    bound = declared_bound()
    say(
        f"F  probe --vantage {PLACE}: {COMPONENTS} local components and one link measured both ways; runs: {bench.runs}"
    )
    say(f"   probe: timeout {TIMEOUT:g} s, retries {RETRIES}; bandwidth: {SECONDS:g} s or {MEGABYTES} MB a direction")
    server = Endpoints()
    threading.Thread(target=server.serve_forever, name="endpoints", daemon=True).start()
    try:
        config = place_config(bench.base / "F", server.base)
        history = config.parent / "history"
        probe, failures = Series(), []
        for k in range(bench.runs):
            progress(f"F probe --vantage: run {k + 1}/{bench.runs}")
            for old in (history / "link" / f"@{PLACE}").glob("bandwidth-*.csv"):
                old.unlink()  # so that this run measures too
            before = counts(history)
            command = [str(GENERATE), "probe", "--config", str(config), "--vantage", PLACE]
            probe.samples.append(run_process(command, proxy_free_env()))
            failures += [f"run {k + 1}: {p}" for p in check_run(history, before)]
    finally:
        server.shutdown()
        server.server_close()
    say(series_line("generate.py probe --vantage", probe))
    say(f"  {'':<30} declared bound (rounds of {PROBE_THREADS}, all failing): {bound:.2f} s")
    verdict = "PASS" if not failures else "FAIL"
    say(f"  records: {verdict} (each run adds one 'up' line per component in @{PLACE} and one bandwidth line)")
    for failure in failures[:20]:
        say(f"    {failure}")
    value = probe.high  # the slowest run: the bound is for every run
    within = value <= bound
    bench.results["F"] = {
        "components": COMPONENTS + 1,
        "timeout_s": TIMEOUT,
        "retries": RETRIES,
        "bandwidth_seconds": SECONDS,
        "bandwidth_megabytes": MEGABYTES,
        "declared_bound_s": round(bound, 3),
        "probe": probe.as_json(),
        "record_failures": failures,
    }
    bench.targets.append(
        Target(f"F probe --vantage, {COMPONENTS} + link", f"≤ {bound:.2f} s", f"{value:.3f} s (slowest)", within)
    )
    bench.targets.append(Target("F place records", "all runs", f"{len(failures)} problems", not failures))
    bench.rows["F"] = [
        Row(
            f"F. `probe --vantage`, {COMPONENTS} local components and one link measured both ways "
            f"({SECONDS:g} s or {MEGABYTES} MB a direction)",
            target=f"≤ the declared bound, {sig(bound)} s",
            measured="{slowest} slowest run, {median} median",
            verdict=("met" if within and not failures else "missed")
            + ("; every line recorded" if not failures else f"; {len(failures)} wrong records"),
            figures={"slowest": Figure(sig(value), "s"), "median": Figure(sig(probe.median), "s")},
        )
    ]
    bench.runs_used["F"] = str(bench.runs)
    bench.discard(bench.base / "F")
