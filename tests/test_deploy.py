"""The workflow scripts end to end, with a local bare repository standing in for GitHub."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import ROOT

SCRIPTS = ROOT / "scripts" / "ci"


class Answer(BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:
        self.send_response(type(self).status)
        self.send_header("Content-Length", "4")
        self.end_headers()
        self.wfile.write(b"SPSE")

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def service() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
    thread.join(5)
    Answer.status = 200


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def run(cwd: Path, script: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "GENERATE": f"python3 {ROOT / 'generate.py'}",
        "RETRY_SECONDS": "0",
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
        **env,
    }
    environment.pop("GITHUB_OUTPUT", None)
    environment.pop("SOURCE_DATE_EPOCH", None)
    return subprocess.run(["bash", str(SCRIPTS / script)], cwd=cwd, env=environment, capture_output=True, text=True)


@pytest.fixture
def origin(tmp_path: Path, service: str) -> Path:
    """A bare repository with a main branch holding a site whose one component probes the local service."""
    bare = tmp_path / "origin.git"
    git(tmp_path, "init", "--quiet", "--bare", "--initial-branch=main", str(bare))
    seed = tmp_path / "seed"
    git(tmp_path, "clone", "--quiet", str(bare), str(seed))
    (seed / "status.yml").write_text(
        "title: Uji\nbase_url: https://example.github.io/status/\nhistory_start: 2026-01-01\ncomponents:\n"
        f"  - id: spse\n    name: SPSE\n    probe:\n      url: {service}\n      keyword: SPSE\n      retries: 0\n"
    )
    (seed / "incidents").mkdir()
    (seed / "incidents" / ".gitkeep").write_text("")
    (seed / ".gitignore").write_text("/history/\n/site/\n")
    git(seed, "add", "-A")
    git(seed, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "--quiet", "-m", "site")
    git(seed, "push", "--quiet", "origin", "HEAD:main")
    return bare


def clone(origin: Path, name: str) -> Path:
    target = origin.parent / name
    git(origin.parent, "clone", "--quiet", str(origin), str(target))
    return target


def data_lines(origin: Path) -> list[str]:
    listing = git(origin, "ls-tree", "-r", "--name-only", "status-data")
    files = [f for f in listing.split() if f.endswith(".csv")]
    lines: list[str] = []
    for name in files:
        lines += git(origin, "show", f"status-data:{name}").splitlines()
    return lines


def test_the_first_run_creates_the_data_branch_and_pushes_a_sample(origin: Path) -> None:
    runner = clone(origin, "runner")
    result = run(runner, "probe.sh")
    assert result.returncode == 0, result.stderr
    assert "deploy=true" in result.stdout  # the first sample changes the page from "no data"
    assert git(origin, "show", "status-data:.gitattributes").splitlines()[-1] == "*.csv merge=union"
    lines = data_lines(origin)
    assert lines[0] == "time,status,http_status,latency_ms,error,cert_days"
    assert len(lines) == 2 and ",up,200," in lines[1]
    assert git(runner, "status", "--porcelain") == ""  # main stays clean: history/ is a worktree, ignored
    assert git(origin, "log", "--format=%s", "main").splitlines() == ["site"]  # nothing on main


def test_an_unchanged_status_does_not_ask_for_a_deploy_and_a_change_does(origin: Path) -> None:
    runner = clone(origin, "runner")
    assert run(runner, "probe.sh").returncode == 0
    time.sleep(1.1)  # samples are stamped to the second; real runs are minutes apart
    second = run(runner, "probe.sh")
    assert "deploy=false" in second.stdout
    Answer.status = 500
    time.sleep(1.1)
    third = run(runner, "probe.sh")
    assert "deploy=true" in third.stdout
    assert len(data_lines(origin)) == 4  # header and three samples


def test_a_racing_writer_loses_no_line(origin: Path) -> None:
    first, second = clone(origin, "first"), clone(origin, "second")
    assert run(first, "probe.sh").returncode == 0  # creates the data branch
    assert run(second, "data-branch.sh").returncode == 0  # second checks it out now…
    time.sleep(1.1)  # (samples are stamped to the second: keep the three apart)
    assert run(first, "probe.sh").returncode == 0  # …and first pushes again before second does
    time.sleep(1.1)
    mine = (second / "history").glob("*/*.csv")
    before = sum(len(p.read_text().splitlines()) for p in mine)
    result = run(second, "probe.sh")  # its push is rejected, then rebased and retried
    assert result.returncode == 0, result.stderr
    assert "rejected" in result.stderr  # the first push did fail
    lines = data_lines(origin)
    # header + first's two samples + second's one: the union merge kept every line.
    assert len(lines) == 4, lines
    assert before == 2  # second had header + first's first sample before its own run
    assert len(set(lines[1:])) == 3


def test_the_build_uses_main_and_the_data_branch(origin: Path) -> None:
    assert run(clone(origin, "runner"), "probe.sh").returncode == 0
    builder = clone(origin, "builder")
    result = run(builder, "build.sh")
    assert result.returncode == 0, result.stderr
    page = (builder / "site" / "components" / "spse" / "index.html").read_text()
    assert "Terakhir diperiksa <time" in page
    index = (builder / "site" / "index.html").read_text()
    assert 'data-component="spse" data-status="' in index
    assert 'data-status="no_data"' not in index  # a fresh sample tells the status


def test_an_unreachable_remote_stops_the_build_instead_of_publishing_no_data(origin: Path) -> None:
    assert run(clone(origin, "runner"), "probe.sh").returncode == 0
    builder = clone(origin, "builder")
    git(builder, "remote", "set-url", "origin", str(origin.parent / "missing.git"))
    result = run(builder, "build.sh")
    assert result.returncode != 0
    assert "cannot reach 'origin'" in result.stderr
    assert not (builder / "site").exists()


def test_only_components_still_probed_can_ask_for_a_deploy(origin: Path) -> None:
    runner = clone(origin, "runner")
    assert run(runner, "probe.sh").returncode == 0
    time.sleep(1.1)
    # A folder left by a component renamed since, with a single sample: it must not redeploy forever.
    stale = runner / "history" / "old-name"
    stale.mkdir()
    (stale / "2026-11.csv").write_text(
        "time,status,http_status,latency_ms,error,cert_days\n2026-11-01T00:00:00Z,up,,,,\n"
    )
    assert "deploy=false" in run(runner, "probe.sh").stdout


def test_a_run_left_in_the_middle_of_a_rebase_recovers(origin: Path) -> None:
    runner = clone(origin, "runner")
    assert run(runner, "probe.sh").returncode == 0
    history = runner / "history"
    # Fake a rebase stopped on a conflict: the next run must abort it, not commit its markers.
    git(history, "checkout", "--quiet", "-b", "other")
    (history / "conflict.txt").write_text("a\n")
    git(history, "add", "-A")
    git(history, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "--quiet", "-m", "a")
    git(history, "checkout", "--quiet", "status-data")
    (history / "conflict.txt").write_text("b\n")
    git(history, "add", "-A")
    git(history, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "--quiet", "-m", "b")
    stuck = subprocess.run(["git", "rebase", "other"], cwd=history, capture_output=True, text=True)
    assert stuck.returncode != 0  # now mid-rebase
    time.sleep(1.1)
    result = run(runner, "probe.sh")
    assert result.returncode == 0, result.stderr
    shown = git(origin, "show", "status-data:conflict.txt")
    assert "<<<<<<<" not in shown
