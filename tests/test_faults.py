"""Faults: a build killed with SIGKILL at any point leaves the old site or the new one, never a mix.

Each build runs as its own process group, as CI runs it, and the whole group is killed: the
main process and any worker it forked. Killing at chosen points is done by a small driver that
wraps one function of the output module; killing at random instants is done from outside.
"""

from __future__ import annotations

import contextlib
import errno
import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from statusgen import output
from tests.conftest import DEMO_NOW, ROOT
from tests.test_build import digest

pytestmark = pytest.mark.slow  # builds and writers killed with SIGKILL, several processes a test

# Stops this process group at one point of a build, then runs the build. argv: stage, then the build's arguments.
DRIVER = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from statusgen import cli, output

    stage = sys.argv[1]

    def die(*args, **kwargs):
        os.killpg(0, signal.SIGKILL)

    if stage == "writing":  # the tenth file of the new site, in whichever process writes it
        real_put = output._Writer.put
        count = []
        def put(self, relative, content):
            count.append(relative)
            if len(count) == 10:
                die()
            return real_put(self, relative, content)
        output._Writer.put = put
    elif stage == "before-swap":  # the new site is complete in staging
        output._swap = die
    elif stage == "after-exchange":  # the folders have changed places; the old one is not yet removed
        real_exchange = output._exchange
        def exchange(first, second):
            if real_exchange(first, second):
                die()
            raise SystemExit("no exchange on this system")
        output._exchange = exchange
    elif stage == "between-renames":  # the fallback without an exchange: the old site renamed aside
        output._exchange = lambda first, second: False
        real_rename = Path.rename
        def rename(self, target):
            if self.name.startswith(".site.new-"):
                die()
            return real_rename(self, target)
        Path.rename = rename
    sys.exit(cli.main(sys.argv[2:]))
    """
)


def make_two_versions(demo_root: Path) -> tuple[Path, Path]:
    """The demo's inputs, and the same with one more incident: two builds with different output."""
    second = demo_root.parent / "demo-next"
    shutil.copytree(demo_root, second)
    (second / "incidents" / "2026-11-25-gangguan-tambahan.md").write_text(
        "---\ntitle: Gangguan tambahan\ncomponents: [spse]\nseverity: major\n"
        "started: 2026-11-25 08:00\nresolved: 2026-11-25 09:00\nupdates:\n"
        "  - at: 2026-11-25 09:00\n    status: resolved\n    message: Pulih.\n---\n",
        encoding="utf-8",
    )
    return demo_root / "status.yml", second / "status.yml"


def build_args(config: Path, out: Path) -> list[str]:
    return ["build", "--config", str(config), "--out", str(out), "--now", DEMO_NOW, "--lang", "en"]


def start_build(config: Path, out: Path, workers: int = 2, **options: Any) -> subprocess.Popen[str]:
    """``generate.py build`` started in its own process, with ``workers`` processes of its own."""
    env = {**os.environ, "STATUSGEN_WORKERS": str(workers)}
    return subprocess.Popen(
        [sys.executable, str(ROOT / "generate.py"), *build_args(config, out)], cwd=ROOT, env=env, text=True, **options
    )


def run_build(config: Path, out: Path, workers: int = 2) -> subprocess.CompletedProcess[str]:
    process = start_build(config, out, workers, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out_text, err_text = process.communicate(timeout=300)
    return subprocess.CompletedProcess(process.args, process.returncode, out_text, err_text)


def killed_at(stage: str, config: Path, out: Path) -> None:
    """Run a build that kills its own process group at ``stage``; it must die of SIGKILL."""
    env = {**os.environ, "STATUSGEN_WORKERS": "2"}
    process = subprocess.run(
        [sys.executable, "-c", DRIVER, stage, *build_args(config, out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        start_new_session=True,  # its own process group, so the kill reaches no test process
    )
    assert process.returncode == -signal.SIGKILL, (process.returncode, process.stderr)


def beside(out: Path) -> list[str]:
    """Staging or retired folders next to the site."""
    return sorted(p.name for p in output.leftovers(out))


class Versions(NamedTuple):
    old_config: Path
    new_config: Path
    old: dict[str, str]  # the digest of the old site
    new: dict[str, str]  # of the new one
    live: Path  # the site folder, holding the old site


@pytest.fixture
def versions(demo, tmp_path) -> Versions:
    """Two sets of inputs with their sites built aside, and the live folder holding the old one."""
    old_config, new_config = make_two_versions(demo.root)
    for config, name in ((old_config, "expect-old"), (new_config, "expect-new")):
        assert run_build(config, tmp_path / name).returncode == 0
    old, new = digest(tmp_path / "expect-old"), digest(tmp_path / "expect-new")
    assert old != new and len(old) > 80
    live = tmp_path / "live" / "site"
    assert run_build(old_config, live).returncode == 0
    assert digest(live) == old
    return Versions(old_config, new_config, old, new, live)


@pytest.mark.parametrize(
    ("stage", "expected"),
    [
        ("writing", "old"),  # killed while the new site is half written in staging
        ("before-swap", "old"),  # the new site complete, not yet in place
        ("after-exchange", "new"),  # in place; the old one not yet removed
    ],
)
def test_a_build_killed_at_each_stage_leaves_one_whole_site(versions, stage: str, expected: str) -> None:
    v = versions
    killed_at(stage, v.new_config, v.live)
    assert digest(v.live) == (v.old if expected == "old" else v.new)
    assert beside(v.live), "the killed build left its folder behind"
    # The next build clears what the killed one left, and publishes.
    assert run_build(v.new_config, v.live).returncode == 0
    assert digest(v.live) == v.new
    assert beside(v.live) == []


def test_without_an_exchange_a_build_killed_between_the_renames_is_undone_by_the_next(versions) -> None:
    """The fallback swap (systems without renameat2) has one instant with no site: the old one
    renamed aside, the new one not yet in place. The next build puts the old one back first."""
    v = versions
    killed_at("between-renames", v.new_config, v.live)
    assert not v.live.exists()
    assert len(beside(v.live)) == 2  # the old site retired, the new one staged
    output.recover(v.live)
    assert digest(v.live) == v.old
    assert beside(v.live) == []


def test_an_empty_folder_made_in_place_of_the_missing_site_does_not_cost_the_old_one(versions) -> None:
    """`serve` makes the output folder before it builds: after a kill between the renames, that empty
    folder must not stop the old site coming back."""
    v = versions
    killed_at("between-renames", v.new_config, v.live)
    v.live.mkdir()
    output.recover(v.live)
    assert digest(v.live) == v.old
    assert beside(v.live) == []


def test_a_folder_that_cannot_be_locked_is_built_into_all_the_same(versions, monkeypatch) -> None:
    """On a network file system flock may fail (ENOLCK): the build goes on without the lock."""
    v = versions

    def no_lock(handle: int, operation: int) -> None:
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(output.fcntl, "flock", no_lock)
    output.write_site(v.live, {"index.html": b"baru", output.MARKER: b"{}"})
    assert (v.live / "index.html").read_bytes() == b"baru"


def test_a_gh_pages_repository_survives_a_build_killed_after_the_exchange(versions) -> None:
    v = versions
    (v.live / ".git").mkdir()
    (v.live / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n")
    (v.live / "CNAME").write_text("status.example.org\n")
    killed_at("after-exchange", v.new_config, v.live)
    # The CNAME file was copied before the exchange; the repository moves over afterwards, so it is
    # still in the old folder...
    assert (v.live / "CNAME").read_text() == "status.example.org\n"
    assert not (v.live / ".git").exists()
    # ...until the next build moves it back.
    assert run_build(v.new_config, v.live).returncode == 0
    assert (v.live / ".git" / "HEAD").read_text() == "ref: refs/heads/gh-pages\n"
    assert beside(v.live) == []


def test_builds_killed_at_random_instants_never_leave_a_mix(versions) -> None:
    """Twelve builds, each killed (main process and workers) at a random instant of its run.

    Each time the live folder must be exactly the site it held or exactly the one being built.
    The instants are drawn over the length of an uninterrupted build, with a fixed seed.
    """
    v = versions
    started = time.monotonic()
    assert run_build(v.new_config, v.live).returncode == 0
    length = time.monotonic() - started
    sites = {"old": (v.old_config, v.old), "new": (v.new_config, v.new)}
    holding = "new"
    chance = random.Random(20261126)
    for _ in range(12):
        target = "old" if holding == "new" else "new"
        config, _ = sites[target]
        process = start_build(
            config, v.live, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        time.sleep(chance.uniform(0.05, length * 1.1))
        with contextlib.suppress(ProcessLookupError):  # it may have finished
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=60)
        now = digest(v.live)
        assert now in (sites["old"][1], sites["new"][1]), "a mix of two sites"
        holding = "old" if now == v.old else "new"
    assert run_build(v.new_config, v.live).returncode == 0
    assert beside(v.live) == []
    assert digest(v.live) == v.new


def test_two_builds_at_once_take_turns(versions) -> None:
    """Two builds into the same folder at the same time: both succeed, one after the other."""
    v = versions
    processes = [
        start_build(config, v.live, 1, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for config in (v.new_config, v.old_config)
    ]
    for process in processes:
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
    assert digest(v.live) in (v.old, v.new)
    assert beside(v.live) == []


# --- probe history: killed writers and writers at once -------------------------------------------

APPENDER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from statusgen.history import HEADER
    from statusgen.output import append_lines

    from datetime import UTC, datetime, timedelta

    path, writer, count = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    for n in range(count):
        # writer w's n-th sample: a time of its own (n seconds into day w + 1), a latency that names it
        moment = datetime(2026, 11, 1 + writer, tzinfo=UTC) + timedelta(seconds=n)
        line = f"{moment:%Y-%m-%dT%H:%M:%SZ},up,200,{writer * 1000000 + n},,40\\n"
        append_lines(path, HEADER, [line])
    """
)
HALF_A_LINE = textwrap.dedent(
    """
    import os, signal, sys
    # A writer that is not ours, stopped in the middle of a line: half of it on disk, no line end.
    with open(sys.argv[1], "ab") as handle:
        handle.write(b"2026-11-26T09:00:00Z,up,2")
        handle.flush()
        os.fsync(handle.fileno())
        os.kill(os.getpid(), signal.SIGKILL)
    """
)


def read_month(path: Path) -> tuple[list, list[str]]:
    from statusgen.history import read_samples
    from statusgen.problems import Problems

    found = Problems()
    samples = read_samples(path, found, "2026-11.csv")
    return samples, [str(problem) for problem in found.items]


def test_probe_runs_writing_at_once_lose_no_line(tmp_path: Path) -> None:
    """Four processes append 250 samples each to the same month file, all at once."""
    path = tmp_path / "history" / "spse" / "2026-11.csv"
    writers = [subprocess.Popen([sys.executable, "-c", APPENDER, str(path), str(w), "250"], cwd=ROOT) for w in range(4)]
    for writer in writers:
        assert writer.wait(timeout=120) == 0
    samples, warnings = read_month(path)
    assert warnings == []  # a header written twice by two first writers is skipped like any header
    assert sorted(s.latency_ms for s in samples) == sorted(w * 1000000 + n for w in range(4) for n in range(250))


def test_a_probe_run_killed_mid_write_costs_only_its_own_line(tmp_path: Path) -> None:
    """A writer killed while writing leaves at most its last line unfinished; the next run ends that
    line before its own, and the next read skips only the cut line, with a warning at its line."""
    path = tmp_path / "history" / "spse" / "2026-11.csv"
    appender = subprocess.Popen([sys.executable, "-c", APPENDER, str(path), "1", "900000"], cwd=ROOT)
    deadline = time.monotonic() + 60
    while not (path.exists() and path.stat().st_size > 200_000) and time.monotonic() < deadline:
        time.sleep(0.05)  # until some thousands of lines are written: then, while it writes more
    appender.kill()
    appender.wait(timeout=60)
    whole = path.read_bytes().count(b"\n") - 1  # lines ended, but the header
    assert 1000 < whole < 900_000, "the writer was not killed while it wrote"
    # Each of our lines goes to the file in one write() to a file opened for appending: a kill
    # between two writes leaves whole lines only.
    assert path.read_bytes().endswith(b"\n")
    assert subprocess.run([sys.executable, "-c", HALF_A_LINE, str(path)], cwd=ROOT).returncode == -signal.SIGKILL
    cut = path.read_bytes().count(b"\n") + 1  # the line number of the half line
    # The next probe run appends its sample.
    output.append_lines(path, ("time", "status", "http_status", "latency_ms", "error", "cert_days"),
                        ["2026-11-26T09:05:00Z,up,200,7,,40\n"])  # fmt: skip
    samples, warnings = read_month(path)
    assert len(samples) == whole + 1  # every whole line, and the new one
    assert samples[-1].latency_ms == 7
    assert warnings == [f"2026-11.csv:{cut}: warning: skipped a malformed probe line: expected 6 fields, found 3"]
