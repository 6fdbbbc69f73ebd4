"""A place on its own machine (scripts/vantage/place.py): one run probes from the place and pushes its samples
to the place's mailbox. Local bare repositories stand in for the public main repository and the mailbox, and
a local HTTP server on 127.0.0.1 for the service probed."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import ROOT
from tests.test_deploy import git, month, service  # noqa: F401  (service: a fixture)

pytestmark = pytest.mark.slow  # real repositories and a probe in a subprocess, a second or two a run

PLACE = ROOT / "scripts" / "vantage" / "place.py"
HEADER = "time,status,http_status,latency_ms,error,cert_days"


def load_place() -> ModuleType:
    spec = importlib.util.spec_from_file_location("place", PLACE)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def status_yml(url: str, ids: tuple[str, ...]) -> str:
    probe = f"    probe:\n      url: {url}\n      retries: 0\n      from: [github, kantor]\n"
    components = "".join(f"  - id: {cid}\n    name: {cid.upper()}\n{probe}" for cid in ids)
    return (
        "title: Uji\nbase_url: https://example.github.io/status/\nhistory_start: 2026-01-01\n"
        "vantages:\n  - id: github\n    kind: public\n"
        "  - id: kantor\n    kind: inside\n    source: https://git.example.org/kantor.git\n"
        "components:\n" + components
    )


def commit_all(work: Path, message: str) -> None:
    git(work, "add", "-A")
    git(work, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "--quiet", "-m", message)


@pytest.fixture
def main_repo(tmp_path: Path, service: str) -> Path:  # noqa: F811
    """A bare public main repository whose status.yml probes the local service from kantor."""
    bare = tmp_path / "main.git"
    git(tmp_path, "init", "--quiet", "--bare", "--initial-branch=main", str(bare))
    seed = tmp_path / "main-seed"
    git(tmp_path, "clone", "--quiet", bare.as_uri(), str(seed))
    (seed / "status.yml").write_text(status_yml(service, ("spse",)))
    commit_all(seed, "site")
    git(seed, "push", "--quiet", "origin", "HEAD:main")
    return bare


@pytest.fixture
def place(tmp_path: Path, main_repo: Path) -> tuple[Path, Path, Path]:
    """(the main clone, the mailbox clone, the bare mailbox) of a place set up as docs/vantages.md says."""
    mailbox_bare = tmp_path / "mailbox.git"
    git(tmp_path, "init", "--quiet", "--bare", "--initial-branch=main", str(mailbox_bare))
    main = tmp_path / "place" / "main"
    git(tmp_path, "clone", "--quiet", "--depth=1", main_repo.as_uri(), str(main))
    mailbox = tmp_path / "place" / "mailbox"
    git(tmp_path, "clone", "--quiet", mailbox_bare.as_uri(), str(mailbox))
    return main, mailbox, mailbox_bare


def start(main: Path, mailbox: Path) -> subprocess.Popen[str]:
    environment = {
        **os.environ,
        "RETRY_SECONDS": "0",
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }
    command = [sys.executable, str(PLACE), "--vantage", "kantor", "--mailbox", str(mailbox), "--main", str(main)]
    return subprocess.Popen(
        command, cwd=mailbox.parent, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def run_place(main: Path, mailbox: Path) -> tuple[int, str]:
    process = start(main, mailbox)
    said, _ = process.communicate(timeout=120)
    return process.returncode, said


def pushed(bare: Path) -> dict[str, list[str]]:
    """The files of the mailbox's main branch, as lines."""
    names = git(bare, "ls-tree", "-r", "--name-only", "main").split()
    return {name: git(bare, "show", f"main:{name}").splitlines() for name in names}


def test_one_run_updates_main_probes_and_pushes_a_sample_to_the_place_s_folder(
    tmp_path: Path,
    main_repo: Path,
    place: tuple[Path, Path, Path],
    service: str,  # noqa: F811
) -> None:
    main, mailbox, bare = place
    # The public repository moved since the place cloned it: a second component, probed from kantor too.
    seed = tmp_path / "main-seed"
    (seed / "status.yml").write_text(status_yml(service, ("spse", "sikap")))
    commit_all(seed, "sikap")
    git(seed, "push", "--quiet", "origin", "HEAD:main")
    code, said = run_place(main, mailbox)
    assert code == 0, said
    files = pushed(bare)
    assert sorted(files) == [f"history/sikap/@kantor/{month()}.csv", f"history/spse/@kantor/{month()}.csv"]
    for lines in files.values():
        assert lines[0] == HEADER and len(lines) == 2 and ",up,200," in lines[1]
    assert git(bare, "rev-list", "--count", "main") == "1\n"
    assert git(mailbox, "status", "--porcelain") == ""  # everything committed


def test_a_second_run_waits_for_the_first(place: tuple[Path, Path, Path]) -> None:
    """It waits rather than being skipped: a run started by hand beside the timer's still records its sample."""
    main, mailbox, bare = place
    with load_place().locked(mailbox):  # a run in progress, as far as the lock tells
        waiting = start(main, mailbox)
        time.sleep(2)
        assert waiting.poll() is None  # still waiting for the lock
        assert git(bare, "for-each-ref") == ""  # and has pushed nothing
    said, _ = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, said
    assert len(pushed(bare)[f"history/spse/@kantor/{month()}.csv"]) == 2


def test_a_push_refused_because_the_mailbox_moved_is_rebased_and_tried_again(
    tmp_path: Path, place: tuple[Path, Path, Path]
) -> None:
    main, mailbox, bare = place
    assert run_place(main, mailbox)[0] == 0
    # Another writer of the mailbox (the same place's key on a second machine) appends to the same file.
    other = tmp_path / "other"
    git(tmp_path, "clone", "--quiet", bare.as_uri(), str(other))
    theirs = f"{month()}-01T00:00:00Z,down,,,connection,"
    with (other / "history" / "spse" / "@kantor" / f"{month()}.csv").open("a") as handle:
        handle.write(theirs + "\n")
    commit_all(other, "elsewhere")
    git(other, "push", "--quiet", "origin", "HEAD:main")
    time.sleep(1.1)  # samples are stamped to the second
    code, said = run_place(main, mailbox)
    assert code == 0, said
    assert "push 1 of 4 refused or failed" in said  # the first push was refused
    lines = pushed(bare)[f"history/spse/@kantor/{month()}.csv"]
    # The header, the first run's sample, the other writer's line and this run's sample: every line, once.
    assert lines[0] == HEADER and len(lines) == 4 and len(set(lines)) == 4 and theirs in lines
    # Fast-forwards only: the first run, the other writer, and this run's commit on top.
    assert git(bare, "rev-list", "--count", "main") == "3\n"
    assert git(bare, "log", "--format=%s", "-1", "main~1") == "elsewhere\n"


def test_a_push_that_fails_keeps_the_samples_for_the_next_run(place: tuple[Path, Path, Path]) -> None:
    main, mailbox, bare = place
    assert run_place(main, mailbox)[0] == 0
    git(mailbox, "remote", "set-url", "--push", "origin", str(bare.parent / "unreachable.git"))
    time.sleep(1.1)
    code, said = run_place(main, mailbox)
    assert code == 1
    assert "the samples stay in" in said
    assert git(bare, "rev-list", "--count", "main") == "1\n"  # the mailbox did not get it
    assert git(mailbox, "rev-list", "--count", "HEAD") == "2\n"  # kept here, committed
    git(mailbox, "config", "--unset", "remote.origin.pushurl")
    time.sleep(1.1)
    code, said = run_place(main, mailbox)
    assert code == 0, said
    assert git(bare, "rev-list", "--count", "main") == "3\n"  # both commits went
    lines = pushed(bare)[f"history/spse/@kantor/{month()}.csv"]
    assert lines[0] == HEADER and len(lines) == 4 and len(set(lines)) == 4


def test_a_place_cut_off_from_the_main_repository_still_records(place: tuple[Path, Path, Path]) -> None:
    """A place whose link is down must record it: the probe runs with the status.yml the clone has."""
    main, mailbox, bare = place
    git(main, "remote", "set-url", "origin", str(bare.parent / "gone.git"))
    code, said = run_place(main, mailbox)
    assert code == 0, said
    assert "cannot update" in said
    assert len(pushed(bare)[f"history/spse/@kantor/{month()}.csv"]) == 2


def test_only_the_place_s_own_folder_is_committed(place: tuple[Path, Path, Path]) -> None:
    main, mailbox, bare = place
    (mailbox / "notes.txt").write_text("left by hand\n")
    (mailbox / "history" / "spse" / "@jakarta").mkdir(parents=True)
    (mailbox / "history" / "spse" / "@jakarta" / f"{month()}.csv").write_text(HEADER + "\n")
    code, said = run_place(main, mailbox)
    assert code == 0, said
    assert sorted(pushed(bare)) == [f"history/spse/@kantor/{month()}.csv"]
