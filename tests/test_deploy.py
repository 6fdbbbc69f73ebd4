"""The workflow scripts end to end, with a local bare repository standing in for GitHub."""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # real git repositories and the workflow scripts, a few seconds a test

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


def run(cwd: Path, script: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
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
    for name in ("GITHUB_OUTPUT", "SOURCE_DATE_EPOCH", "GITHUB_ACTIONS"):
        if name not in env:
            environment.pop(name, None)
    return subprocess.run(
        ["bash", str(SCRIPTS / script), *args], cwd=cwd, env=environment, capture_output=True, text=True
    )


def make_origin(tmp_path: Path, service: str, ids: tuple[str, ...]) -> Path:
    """A bare repository with a main branch holding a site whose components ``ids`` probe the local service."""
    bare = tmp_path / "origin.git"
    git(tmp_path, "init", "--quiet", "--bare", "--initial-branch=main", str(bare))
    # As GitHub does: a client may ask for part of the objects (a partial clone) and fetch the rest later.
    git(bare, "config", "uploadpack.allowFilter", "true")
    git(bare, "config", "uploadpack.allowAnySHA1InWant", "true")
    seed = tmp_path / "seed"
    git(tmp_path, "clone", "--quiet", bare.as_uri(), str(seed))
    probe = f"    probe:\n      url: {service}\n      keyword: SPSE\n      retries: 0\n"
    components = "".join(f"  - id: {cid}\n    name: {cid.upper()}\n{probe}" for cid in ids)
    (seed / "status.yml").write_text(
        "title: Uji\nbase_url: https://example.github.io/status/\nhistory_start: 2026-01-01\ncomponents:\n" + components
    )
    (seed / "incidents").mkdir()
    (seed / "incidents" / ".gitkeep").write_text("")
    (seed / ".gitignore").write_text("/history/\n/site/\n")
    git(seed, "add", "-A")
    git(seed, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "--quiet", "-m", "site")
    git(seed, "push", "--quiet", "origin", "HEAD:main")
    return bare


@pytest.fixture
def origin(tmp_path: Path, service: str) -> Path:
    """One probed component, spse."""
    return make_origin(tmp_path, service, ("spse",))


@pytest.fixture
def origin_two(tmp_path: Path, service: str) -> Path:
    """Two probed components, spse and sikap."""
    return make_origin(tmp_path, service, ("spse", "sikap"))


def clone(origin: Path, name: str) -> Path:
    """A checkout of main as Actions makes it: the newest commit only, over a URL (not a local path,
    with which git would ignore depth and filters)."""
    target = origin.parent / name
    git(origin.parent, "clone", "--quiet", "--depth=1", origin.as_uri(), str(target))
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


def race_hook(tmp_path: Path, other: Path) -> str:
    """A GENERATE that, right after it probes, lets ``other`` run probe.sh to its end: ``other`` then
    pushes between this run's fetch and its push, which is rejected and must be replayed."""
    hook = tmp_path / "racing-generate.sh"
    hook.write_text(
        "#!/usr/bin/env bash\n"
        f'python3 {ROOT / "generate.py"} "$@"\n'
        "status=$?\n"
        # A second later, so that the two samples differ in time (stamped to the second).
        f'if [ "$1" = probe ]; then sleep 1.1; (cd {other} && GENERATE="python3 {ROOT / "generate.py"}" '
        f"bash {SCRIPTS / 'probe.sh'} >/dev/null 2>&1); fi\n"
        "exit $status\n"
    )
    return f"bash {hook}"


def test_a_racing_writer_loses_no_line(origin: Path, tmp_path: Path) -> None:
    first, second = clone(origin, "first"), clone(origin, "second")
    assert run(first, "probe.sh").returncode == 0  # creates the data branch
    time.sleep(1.1)  # (samples are stamped to the second: keep the three apart)
    result = run(second, "probe.sh", GENERATE=race_hook(tmp_path, first))
    assert result.returncode == 0, result.stderr
    assert "rejected" in result.stderr  # its first push did fail: first pushed in between
    lines = data_lines(origin)
    # header + first's two samples + second's one: the replay kept every line.
    assert len(lines) == 4, lines
    assert len(set(lines[1:])) == 3
    # Fast-forwards only: the start, first's two runs, and second's run replayed on top of them.
    assert git(origin, "rev-list", "--count", "status-data") == "4\n"


def test_shards_probing_at_once_each_write_their_share_and_lose_no_line(tmp_path: Path, service: str) -> None:
    """The probe workflow's matrix: one runner per shard, all at once, pushing to the same branch."""
    from statusgen.instances import shard_of

    ids = tuple(f"lpse{n}" for n in range(8))
    origin = make_origin(tmp_path, service, ids)
    assert run(clone(origin, "first"), "probe.sh", SHARD="1/3").returncode == 0  # creates the data branch
    runners = [clone(origin, f"shard{index}") for index in (1, 2, 3)]
    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(lambda i: run(runners[i - 1], "probe.sh", SHARD=f"{i}/3"), (1, 2, 3)))
    assert [result.returncode for result in results] == [0, 0, 0], [r.stderr for r in results]
    listing = git(origin, "ls-tree", "-r", "--name-only", "status-data").split()
    folders = {name.split("/")[0] for name in listing if name.endswith(".csv")}
    assert folders == set(ids)  # together the shards cover every component
    # Each component's file: its header, then one sample per run of its shard (two for shard 1, one for others).
    for cid in ids:
        name = next(n for n in listing if n.startswith(f"{cid}/"))
        lines = git(origin, "show", f"status-data:{name}").splitlines()
        assert len(lines) == 1 + (2 if shard_of(cid, 3) == 1 else 1), (cid, lines)


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


# The data branch over years: what a run fetches, squashing, races, kills and broken parts.

HEADER_LINE = "time,status,http_status,latency_ms,error,cert_days\n"


def month(offset: int = 0) -> str:
    """YYYY-MM of this month (UTC) moved by ``offset`` months: the month files probe.sh checks out."""
    today = datetime.now(UTC)
    index = today.year * 12 + today.month - 1 + offset
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def seed(origin: Path, files: dict[str, str], commits: int = 1) -> None:
    """Give origin a status-data branch holding ``files``, reached through ``commits`` commits that each
    append a line to this month's file of spse, as probe runs would."""
    work = origin.parent / "seeder"
    git(origin.parent, "init", "--quiet", "--initial-branch=status-data", str(work))
    for name, text in {".gitattributes": "*.csv merge=union\n", **files}.items():
        (work / name).parent.mkdir(parents=True, exist_ok=True)
        (work / name).write_text(text)
    current = work / "spse" / f"{month()}.csv"
    current.parent.mkdir(exist_ok=True)
    if not current.exists():
        current.write_text(HEADER_LINE)
    for number in range(commits):
        if number:
            with current.open("a") as handle:
                handle.write(f"{month()}-01T00:{number // 60:02d}:{number % 60:02d}Z,up,200,{number},,40\n")
        git(work, "add", "-A")
        git(work, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "--quiet", "-m", f"seed {number}")
    git(work, "push", "--quiet", origin.as_uri(), "status-data")


def old_files() -> dict[str, str]:
    """What compaction leaves after years: an old raw month, runs and daily figures."""
    old = month(-5)
    return {
        f"spse/{old}.csv": HEADER_LINE + "".join(f"{old}-02T00:{m:02d}:00Z,up,200,{m},,40\n" for m in range(60)),
        "spse/runs.csv": "month,start,end,status\n"
        + "".join(f"2015-{m:02d},2015-{m:02d}-01T00:00:00Z,2015-{m:02d}-02T00:00:00Z,up\n" for m in range(1, 13)),
        "spse/daily.csv": "date,samples,up,degraded,down,median_ms,p95_ms\n2015-01-01,288,288,0,0,100,200\n",
        "spse/compacted.csv": "month,runs,days\n" + "".join(f"2015-{m:02d},1,1\n" for m in range(1, 13)),
    }


def pushed_lines(runner: Path) -> set[str]:
    """The samples the last run in ``runner`` pushed: the lines its commit added to this month's files.
    (A squash commit has no parent and adds nothing of its own.)"""
    parent = subprocess.run(["git", "rev-parse", "--quiet", "--verify", "HEAD~1"], cwd=runner / "history")
    if parent.returncode != 0:  # a squash, or the run's lines were on the branch already (its commit fell away)
        return set()
    diff = git(runner / "history", "diff", "--unified=0", "HEAD~1", "HEAD")
    return {line[1:] for line in diff.splitlines() if line.startswith(f"+{month()}-")}


def test_a_probe_run_fetches_only_the_newest_commit_and_the_files_it_appends_to(origin: Path) -> None:
    seed(origin, old_files(), commits=40)
    runner = clone(origin, "runner")
    result = run(runner, "probe.sh", GITHUB_ACTIONS="true")  # (elsewhere, a kept clone is made whole again)
    assert result.returncode == 0, result.stderr
    history = runner / "history"
    # The worktree holds the merge rule and this month's file, nothing older.
    held = sorted(str(p.relative_to(history)) for p in history.rglob("*") if p.is_file() and ".git" not in p.parts)
    assert held == [".gitattributes", f"spse/{month()}.csv"]
    # Of the branch's 40 commits only the newest came (then this run's own on top), and not one
    # byte of the old files: their contents are not in the clone at all.
    assert git(runner, "rev-list", "--count", "refs/remotes/origin/status-data") == "2\n"
    for name in old_files():
        blob = git(origin, "rev-parse", f"status-data:{name}").strip()
        missing = subprocess.run(
            ["git", "cat-file", "-e", blob], cwd=runner, env={**os.environ, "GIT_NO_LAZY_FETCH": "1"}
        )
        assert missing.returncode != 0, name
    # The new sample is on the branch, appended; the old files are exactly as they were.
    lines = git(origin, "show", f"status-data:spse/{month()}.csv").splitlines()
    assert len(lines) == 1 + 39 + 1 and ",up,200," in lines[-1]
    for name, text in old_files().items():
        assert git(origin, "show", f"status-data:{name}") == text


def test_a_build_fetches_the_current_files_and_none_of_their_history(origin: Path) -> None:
    seed(origin, old_files(), commits=40)
    builder = clone(origin, "builder")
    result = run(builder, "build.sh")
    assert result.returncode == 0, result.stderr
    assert git(builder, "rev-list", "--count", "refs/remotes/origin/status-data") == "1\n"
    for name, text in old_files().items():
        assert (builder / "history" / name).read_text() == text
    assert (builder / "site" / "index.html").is_file()


def test_compaction_then_a_squash_leave_one_commit_with_every_line(origin: Path) -> None:
    seed(origin, old_files(), commits=40)
    runner = clone(origin, "runner")
    assert run(runner, "probe.sh").returncode == 0
    before = set(data_lines(origin))
    keeper = clone(origin, "keeper")
    result = run(keeper, "compact.sh")
    assert result.returncode == 0, result.stderr
    assert "squashed status-data into one commit" in result.stdout
    assert git(origin, "rev-list", "--count", "status-data") == "1\n"
    after = set(data_lines(origin))
    old = month(-5)
    # The old raw month is now runs: its 60 sample lines left the raw files, one run took their place.
    compacted = {line for line in before if line.startswith(f"{old}-02T")}
    assert len(compacted) == 60 and not compacted & after
    assert f"{old},{old}-02T00:00:00Z,{old}-02T01:14:00Z,up" in after  # 00:00 to 00:59 + max_gap (15 minutes)
    assert before - compacted <= after  # every other line is still there
    # Squashing again has nothing to do; the probe run carries on from the new root.
    assert "one commit already" in run(keeper, "compact.sh").stdout
    time.sleep(1.1)
    assert run(runner, "probe.sh").returncode == 0
    assert git(origin, "rev-list", "--count", "status-data") == "2\n"


def test_runs_racing_a_squash_and_each_other_lose_no_pushed_line(origin: Path) -> None:
    seed(origin, old_files(), commits=5)
    runners = [clone(origin, f"runner{n}") for n in range(3)]
    keeper = clone(origin, "keeper")
    pushed: set[str] = set()
    failures: list[str] = []
    rejected = squashed = 0

    def probe_loop(runner: Path) -> None:
        nonlocal rejected
        for _ in range(4):
            result = run(runner, "probe.sh")
            rejected += "rejected" in result.stderr
            if result.returncode != 0:
                failures.append(result.stderr)
                continue
            pushed.update(pushed_lines(runner))

    def squash_loop() -> None:
        nonlocal squashed
        for _ in range(4):
            result = run(keeper, "compact.sh")
            squashed += "squashed status-data into one commit" in result.stdout
            if result.returncode != 0 and "kept changing" not in result.stderr:
                failures.append(result.stderr)

    threads = [threading.Thread(target=probe_loop, args=(r,)) for r in runners] + [threading.Thread(target=squash_loop)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert failures == []
    assert rejected > 0 and squashed > 0  # the runs did race each other and the squashes
    assert len(pushed) >= 6  # 12 runs; two in the same second with the same latency push one line
    final = set(data_lines(origin))
    assert pushed <= final, pushed - final
    assert not any("<<<<<<<" in line or ">>>>>>>" in line for line in final)


def test_runs_killed_at_random_instants_lose_no_pushed_line(origin: Path) -> None:
    seed(origin, old_files(), commits=5)
    victim, other = clone(origin, "victim"), clone(origin, "other")
    pushed: set[str] = set()
    chance = random.Random(15)
    for round_ in range(6):
        environment = {**os.environ, "GENERATE": f"python3 {ROOT / 'generate.py'}", "RETRY_SECONDS": "0"}
        environment.pop("GITHUB_OUTPUT", None)
        started = subprocess.Popen(
            ["bash", str(SCRIPTS / "probe.sh")], cwd=victim, env=environment, start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        racer = run(other, "probe.sh")  # meanwhile, another run pushes
        assert racer.returncode == 0, racer.stderr
        pushed.update(pushed_lines(other))
        time.sleep(chance.uniform(0.0, 1.5))
        with contextlib.suppress(ProcessLookupError):
            os.killpg(started.pid, signal.SIGKILL)
        started.wait()
        time.sleep(1.1)
        again = run(victim, "probe.sh")  # the next run in the same clone recovers whatever was left
        assert again.returncode == 0, (round_, again.stderr)
        pushed.update(pushed_lines(victim))
        if round_ == 3:
            assert run(other, "compact.sh").returncode == 0  # and a squash in the middle
    final = set(data_lines(origin))
    assert pushed <= final, pushed - final
    assert not any("<<<<<<<" in line for line in final)


def test_one_history_file_that_cannot_be_written_costs_only_its_own_sample(origin_two: Path) -> None:
    runner = clone(origin_two, "runner")
    assert run(runner, "data-branch.sh", "probe").returncode == 0
    (runner / "history" / "sikap" / f"{month()}.csv").mkdir(parents=True)  # a folder in the month file's place
    result = run(runner, "probe.sh")
    # Before, `set -e` stopped the script at probe's exit 1: no sample of any component was kept, every run.
    lines = git(origin_two, "show", f"status-data:spse/{month()}.csv").splitlines()
    assert len(lines) == 2 and ",up,200," in lines[1]  # spse's sample was committed and pushed
    assert result.returncode == 1  # and the job ends red, saying what failed
    assert "failed: probe: a history file could not be written" in result.stderr


def test_a_failing_change_check_costs_only_itself(origin: Path, tmp_path: Path) -> None:
    broken = tmp_path / "bin"
    broken.mkdir()
    (broken / "python3").write_text(
        "#!/usr/bin/env bash\n"
        'case "$1" in *status_changed.py) echo "broken" >&2; exit 3;; esac\n'
        f'exec {sys.executable} "$@"\n'
    )
    (broken / "python3").chmod(0o755)
    runner = clone(origin, "runner")
    result = run(runner, "probe.sh", PATH=f"{broken}:{os.environ['PATH']}")
    assert result.returncode == 1
    assert "failed: the change check failed: deploying to be safe" in result.stderr
    assert "deploy=true" in result.stdout
    assert len(git(origin, "show", f"status-data:spse/{month()}.csv").splitlines()) == 2


def test_a_failing_compaction_still_squashes(origin: Path, tmp_path: Path) -> None:
    seed(origin, old_files(), commits=5)
    failing = tmp_path / "failing-generate.sh"
    failing.write_text(
        f'#!/usr/bin/env bash\npython3 {ROOT / "generate.py"} "$@"\n[ "$1" = compact ] && exit 1\nexit 0\n'
    )
    result = run(clone(origin, "keeper"), "compact.sh", GENERATE=f"bash {failing}")
    assert result.returncode == 1
    assert "failed: compact: some history could not be compacted" in result.stderr
    assert git(origin, "rev-list", "--count", "status-data") == "1\n"


def test_a_sample_from_a_wrong_clock_neither_deploys_every_run_nor_hides_a_recovery(origin: Path) -> None:
    """Before: one future sample made every run answer deploy=true, and hid the real status behind it."""
    runner = clone(origin, "runner")
    assert run(runner, "probe.sh").returncode == 0
    ahead = runner / "history" / "spse" / f"{month(1)}.csv"
    ahead.write_text(HEADER_LINE + f"{month(1)}-15T00:00:00Z,down,,,timeout,\n")
    time.sleep(1.1)
    assert "deploy=false" in run(runner, "probe.sh").stdout  # up after up; the future line is not believed
    time.sleep(1.1)
    assert "deploy=false" in run(runner, "probe.sh").stdout
    Answer.status = 500
    time.sleep(1.1)
    assert "deploy=true" in run(runner, "probe.sh").stdout  # the real change is seen


def test_a_line_written_to_a_month_not_checked_out_joins_the_branch_s_file(origin: Path, tmp_path: Path) -> None:
    """A run whose clock jumps into a month outside its checkout writes a new file there: it must be
    merged with the branch's file of that month, not replace it."""
    seed(origin, old_files(), commits=2)
    old = month(-5)
    late = f"{old}-03T00:00:00Z,down,,,timeout,\n"
    hook = tmp_path / "wrong-clock.sh"
    hook.write_text(
        f'#!/usr/bin/env bash\npython3 {ROOT / "generate.py"} "$@" || exit $?\n'
        f'if [ "$1" = probe ]; then printf "%s\\n%s\\n" "{HEADER_LINE.strip()}" "{late.strip()}" '
        f"> history/spse/{old}.csv; fi\n"
    )
    result = run(clone(origin, "runner"), "probe.sh", GENERATE=f"bash {hook}")
    assert result.returncode == 0, result.stderr
    assert git(origin, "show", f"status-data:spse/{old}.csv") == old_files()[f"spse/{old}.csv"] + late


def failing_git(tmp_path: Path, when: str, once: bool = False) -> str:
    """A PATH whose ``git`` fails when its arguments contain ``when`` (only the first time, with ``once``)."""
    folder = tmp_path / "failing-git"
    folder.mkdir(exist_ok=True)
    real = shutil.which("git")
    marker = folder / "failed-once"
    guard = f"[ -e {marker} ] || {{ touch {marker}; exit 1; }}" if once else "exit 1"
    (folder / "git").write_text(f'#!/usr/bin/env bash\ncase "$*" in *"{when}"*) {guard};; esac\nexec {real} "$@"\n')
    (folder / "git").chmod(0o755)
    return f"{folder}:{os.environ['PATH']}"


def test_a_month_outside_the_checkout_that_cannot_be_had_is_never_replaced(origin: Path, tmp_path: Path) -> None:
    """The branch's file of a month outside the checkout is fetched only when a line must join it: if that
    fails, the run leaves the file as the branch has it (and says so), and still pushes its other samples."""
    seed(origin, old_files(), commits=2)
    old = month(-5)
    hook = tmp_path / "wrong-clock.sh"
    hook.write_text(
        f'#!/usr/bin/env bash\npython3 {ROOT / "generate.py"} "$@" || exit $?\n'
        f'if [ "$1" = probe ]; then printf "%s\\n%s\\n" "{HEADER_LINE.strip()}" "{old}-03T00:00:00Z,down,,,timeout," '
        f"> history/spse/{old}.csv; fi\n"
    )
    result = run(
        clone(origin, "runner"),
        "probe.sh",
        GENERATE=f"bash {hook}",
        PATH=failing_git(tmp_path, f"show HEAD:spse/{old}"),
    )
    assert result.returncode == 1
    assert f"failed: spse/{old}.csv: a line for a month outside the checkout could not be joined" in result.stderr
    assert git(origin, "show", f"status-data:spse/{old}.csv") == old_files()[f"spse/{old}.csv"]
    assert len(git(origin, "show", f"status-data:spse/{month()}.csv").splitlines()) == 3  # header, seed, this run


def test_a_replay_that_fails_is_tried_again_from_where_the_commit_sits(origin: Path, tmp_path: Path) -> None:
    """Another run compacts and squashes the branch between this run's fetch and its push; this run's first
    replay fails. The next must still replay only this run's commit, not bring back the compacted month."""
    seed(origin, old_files(), commits=2)
    old = month(-5)
    keeper = clone(origin, "keeper")
    hook = tmp_path / "compacting-meanwhile.sh"
    hook.write_text(
        f'#!/usr/bin/env bash\npython3 {ROOT / "generate.py"} "$@"\nstatus=$?\n'
        f'if [ "$1" = probe ]; then (cd {keeper} && GENERATE="python3 {ROOT / "generate.py"}" '
        f"bash {SCRIPTS / 'compact.sh'} >/dev/null 2>&1); fi\nexit $status\n"
    )
    result = run(
        clone(origin, "runner"), "probe.sh", GENERATE=f"bash {hook}", PATH=failing_git(tmp_path, "rebase --quiet", True)
    )
    assert result.returncode == 0, result.stderr
    assert "could not replay onto the new tip" in result.stderr  # the first replay did fail
    files = git(origin, "ls-tree", "-r", "--name-only", "status-data").split()
    assert f"spse/{old}.csv" not in files  # compacted away, and not brought back
    assert len(git(origin, "show", f"status-data:spse/{month()}.csv").splitlines()) == 3
    # The squash and this run's commit on it: nothing from before the squash came back.
    assert git(origin, "rev-list", "--count", "status-data") == "2\n"


def test_locks_a_killed_run_left_in_a_kept_clone_are_cleared(origin: Path) -> None:
    runner = clone(origin, "runner")
    assert run(runner, "probe.sh").returncode == 0
    common = runner / ".git"
    left = [common / "worktrees" / "history" / name for name in ("index.lock", "config.worktree.lock")]
    left += [common / "worktrees" / "history" / "info" / "sparse-checkout.lock", common / "shallow.lock"]
    for path in left:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("")
    time.sleep(1.1)
    result = run(runner, "probe.sh")
    assert result.returncode == 0, result.stderr
    assert not any(path.exists() for path in left)


def test_a_kept_clone_holds_every_file_again_after_a_probe_run(origin: Path) -> None:
    """Only a runner, which is thrown away, keeps the narrow checkout: a build in a kept clone must not
    read a history cut down to this month."""
    seed(origin, old_files(), commits=2)
    runner = clone(origin, "runner")
    assert run(runner, "probe.sh").returncode == 0
    for name, text in old_files().items():
        assert (runner / "history" / name).read_text() == text
