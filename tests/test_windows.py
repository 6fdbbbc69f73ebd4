"""The staff commands as on a Windows PC, on this (POSIX) machine.

There is no Windows machine in the test run, so each command runs in a Python whose POSIX-only parts
are taken away first, as Windows lacks them (``WINDOWS`` below): the modules ``fcntl``, ``termios``,
``tty``, ``resource``, ``pwd``, ``grp`` and ``readline`` cannot be imported; ``os.fork``,
``os.O_NONBLOCK``, ``os.O_NOFOLLOW``, ``os.O_DIRECTORY``, ``os.sched_getaffinity``, ``os.getuid`` and
the like are gone, and so are ``signal.SIGKILL`` and ``SIGALRM``; ``ctypes.CDLL(None)`` raises
TypeError, as on Windows, so ``renameat2`` cannot be found. In their place there is an ``msvcrt``
whose ``locking`` holds a real byte lock (through the fcntl taken before it was hidden), so two such
processes contend for the build lock as two on Windows would.

What this cannot show: NTFS itself (its renames, hard links, 8.3 short names, path length), files held
open by other programs (a virus scanner, Explorer), a real Windows console and its code page, the
real msvcrt. Every site here is its own, in tmp_path, with a fixed clock, but for the preview
(``serve`` builds for the present: its incident, of March 2026, is in the past of any clock that
runs these tests).
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import pkgutil
import re
import signal
import subprocess
import sys
import time
import types
import urllib.request
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import statusgen
from statusgen import output, parallel, serve
from tests.conftest import ROOT, Run

# Taken away before anything else is imported, so that no module can have kept a reference.
WINDOWS = """
import ctypes, errno, os, signal, sys, types
_fcntl = __import__("fcntl")
for _name in ("fcntl", "termios", "tty", "resource", "pwd", "grp", "readline"):
    sys.modules[_name] = None
for _name in ("fork", "forkpty", "O_NONBLOCK", "O_NOFOLLOW", "O_DIRECTORY", "O_CLOEXEC", "sched_getaffinity",
              "getuid", "geteuid", "getgid", "sync", "killpg", "setsid", "getpgid", "mkfifo", "fchmod", "uname",
              "pipe2"):
    if hasattr(os, _name):
        delattr(os, _name)
for _name in ("SIGKILL", "SIGALRM", "SIGHUP", "SIGPIPE", "alarm", "setitimer"):
    if hasattr(signal, _name):
        delattr(signal, _name)

def _cdll(name, *args, **kwargs):
    raise TypeError("LoadLibrary() argument 1 must be str, not None")

ctypes.CDLL = _cdll

_msvcrt = types.ModuleType("msvcrt")
_msvcrt.LK_UNLCK, _msvcrt.LK_LOCK, _msvcrt.LK_NBLCK, _msvcrt.LK_RLCK, _msvcrt.LK_NBRLCK = 0, 1, 2, 3, 4

def _log(word):
    if os.environ.get("MSVCRT_LOG"):
        with open(os.environ["MSVCRT_LOG"], "a") as log:
            log.write(word + "\\n")

def _locking(fd, mode, nbytes):
    if mode == _msvcrt.LK_UNLCK:
        _fcntl.lockf(fd, _fcntl.LOCK_UN, nbytes, 0, os.SEEK_CUR)
        _log("unlock")
        return
    try:
        _fcntl.lockf(fd, _fcntl.LOCK_EX | _fcntl.LOCK_NB, nbytes, 0, os.SEEK_CUR)
    except OSError:
        _log("busy")
        raise OSError(errno.EACCES, "Permission denied") from None
    _log("lock")

_msvcrt.locking = _locking
sys.modules["msvcrt"] = _msvcrt
sys.path.insert(0, ROOT)
"""

RUN = """
sys.argv = ["generate.py", *sys.argv[1:]]
from statusgen.cli import main
sys.exit(main())
"""

CONFIG = """\
title: Status Uji
base_url: https://example.github.io/status/
timezone: Asia/Jakarta
history_start: 2026-01-01
components:
  - id: web
    name: Situs Web
  - id: surel
    name: Surel
"""

WIB = timezone(timedelta(hours=7))  # Asia/Jakarta, which has kept UTC+07:00 since 1964
NOW = "2026-03-02T12:00+07:00"
SLUG = "2026-03-02-situs-lambat"


def epoch(local: str) -> str:
    """SOURCE_DATE_EPOCH for a wall-clock time in WIB (UTC+07:00), e.g. ``2026-03-02 10:00``."""
    return str(int(datetime.fromisoformat(local).replace(tzinfo=WIB).timestamp()))


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("SOURCE_DATE_EPOCH", "STATUSGEN_WORKERS", "MSVCRT_LOG")}
    env.update({"PYTHONIOENCODING": "utf-8", **extra})
    return env


def windows(
    *args: str, cwd: Path, stdin: str = "", start: bool = False, **extra: str
) -> subprocess.CompletedProcess[str] | subprocess.Popen[str]:
    """``generate.py ARGS`` in a Python without its POSIX-only parts (see WINDOWS); its output is read in
    the encoding PYTHONIOENCODING gives it (UTF-8 unless ``extra`` says otherwise)."""
    code = WINDOWS.replace("ROOT", repr(str(ROOT))) + RUN
    command = [sys.executable, "-c", code, *args]
    env = environment(**extra)
    encoding = env["PYTHONIOENCODING"]
    if start:
        return subprocess.Popen(
            command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, encoding=encoding
        )
    return subprocess.run(command, cwd=cwd, env=env, input=stdin, capture_output=True, encoding=encoding, timeout=180)


def ran(*args: str, cwd: Path, stdin: str = "", **extra: str) -> subprocess.CompletedProcess[str]:
    done = windows(*args, cwd=cwd, stdin=stdin, **extra)
    assert isinstance(done, subprocess.CompletedProcess)
    return done


def posix(*args: str, cwd: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    """``generate.py ARGS`` as it runs here."""
    command = [sys.executable, str(ROOT / "generate.py"), *args]
    return subprocess.run(command, cwd=cwd, env=environment(**extra), capture_output=True, text=True, timeout=180)


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes, by relative path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def beside(out: Path) -> list[str]:
    """What a build left beside the output folder: staging, retired and lock files."""
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "lpse"
    (root / "incidents").mkdir(parents=True)
    (root / "status.yml").write_text(CONFIG, encoding="utf-8")
    return root


def test_every_module_imports_without_the_posix_parts() -> None:
    """Every statusgen module, probe and compaction too, imports; the build then uses what Windows has."""
    names = sorted(f"statusgen.{m.name}" for m in pkgutil.iter_modules(statusgen.__path__))
    assert {"statusgen.output", "statusgen.parallel", "statusgen.probe", "statusgen.compaction"} <= set(names)
    code = WINDOWS.replace("ROOT", repr(str(ROOT))) + (
        "import importlib\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        "from statusgen import output, parallel\n"
        "from pathlib import Path\n"
        "print(output.fcntl, parallel.workers(), output._exchange(Path('a'), Path('b')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=environment(STATUSGEN_WORKERS="4"), capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    # No fcntl: the msvcrt lock. No fork: one process, whatever STATUSGEN_WORKERS says. No renameat2: two renames.
    assert done.stdout == "None 1 False\n"


def test_staff_commands_and_two_builds_as_on_windows(site: Path) -> None:
    """check, new, update, resolve and two builds (the second swaps over the first) succeed, and the site
    is byte for byte the one a POSIX build makes of the same files for the same moment."""
    assert ran("check", "--lang", "en", cwd=site).returncode == 0
    new = ran(
        "new", "--lang", "en", "--title", "Situs lambat", "--component", "web", "--severity", "degraded",
        "--started", "2026-03-02 09:15", "--message", "Sedang diperiksa.",
        cwd=site, SOURCE_DATE_EPOCH=epoch("2026-03-02 10:00"),
    )  # fmt: skip
    assert new.returncode == 0, new.stderr
    assert new.stdout.startswith(f"Saved: incidents{os.sep}{SLUG}.md\n")
    later = epoch("2026-03-02 12:00")
    update = ran(
        "update", SLUG, "--lang", "en", "--status", "identified", "--at", "2026-03-02 10:20",
        "--message", "Penyebab ditemukan.", cwd=site, SOURCE_DATE_EPOCH=later,
    )  # fmt: skip
    assert update.returncode == 0, update.stderr
    resolve = ran("resolve", SLUG, "--lang", "en", "--at", "2026-03-02 10:45", cwd=site, SOURCE_DATE_EPOCH=later)
    assert resolve.returncode == 0, resolve.stderr
    # new writes the flags in the documented key order with the first update at "now" (10:00; cause
    # internal, the default); update puts its update on top; resolve adds `resolved:` after `started:`
    # and the standard English sentence (--lang en) on top. LF line ends only, no CR: written as bytes.
    assert (site / "incidents" / f"{SLUG}.md").read_bytes() == (
        b"---\n"
        b'title: "Situs lambat"\n'
        b"components: [web]\n"
        b"severity: degraded\n"
        b"cause: internal\n"
        b"started: 2026-03-02 09:15\n"
        b"resolved: 2026-03-02 10:45\n"
        b"updates:\n"
        b"  - at: 2026-03-02 10:45\n"
        b"    status: resolved\n"
        b'    message: "The service is back to normal."\n'
        b"  - at: 2026-03-02 10:20\n"
        b"    status: identified\n"
        b'    message: "Penyebab ditemukan."\n'
        b"  - at: 2026-03-02 10:00\n"
        b"    status: investigating\n"
        b'    message: "Sedang diperiksa."\n'
        b"---\n"
    )
    log = site / "msvcrt.log"
    first = ran("build", "--now", NOW, "--lang", "en", cwd=site, MSVCRT_LOG=str(log))
    assert first.returncode == 0, first.stderr
    assert first.stdout == "built site/ for 2026-03-02T12:00:00+07:00 (WIB)\n"
    assert log.read_text() == "lock\nunlock\n"  # the build held the byte lock, once
    (site / "site" / "CNAME").write_text("status.example.org\n")  # kept over a swap, as on Pages
    again = ran("build", "--now", NOW, "--lang", "en", cwd=site, STATUSGEN_WORKERS="3")
    assert again.returncode == 0, again.stderr
    reference = posix("build", "--now", NOW, "--out", "reference", "--lang", "en", cwd=site)
    assert reference.returncode == 0, reference.stderr
    built = tree(site / "site")
    assert built.pop("CNAME") == b"status.example.org\n"
    assert built == tree(site / "reference")
    assert len(built) > 20  # a whole site, not an empty folder compared with another
    # Only the lock file stays beside it (hidden, and ignored by git as /.site.*): nothing half-done.
    assert beside(site / "site") == [".site.lock"]


def test_compact_as_on_windows(site: Path) -> None:
    """compact runs in GitHub Actions on Linux, but nothing in it needs POSIX: it works here too."""
    raw = "time,status,http_status,latency_ms,error,cert_days\n" + "".join(
        f"2026-01-10T{minute // 60:02d}:{minute % 60:02d}:00Z,"
        + ("down,,,timeout,\n" if minute in (60, 70) else "up,200,90,,\n")
        for minute in range(0, 90, 10)
    )
    folder = site / "history" / "web"
    folder.mkdir(parents=True)
    (folder / "2026-01.csv").write_text(raw)
    done = ran("compact", "--now", "2026-06-10T12:00+07:00", "--lang", "en", cwd=site)
    assert done.returncode == 0, done.stderr
    # June is current and March to May are kept raw: January goes. Its samples, every 10 minutes from
    # 00:00 UTC, are up to 00:50, down at 01:00 and 01:10, up at 01:20: three runs, each ending where
    # the next begins, the last 15 minutes (max_gap) after its one sample.
    assert done.stdout == "web: 2026-01 compacted into 3 runs\n"
    assert sorted(p.name for p in folder.iterdir()) == ["compacted.csv", "daily.csv", "runs.csv"]
    assert (folder / "runs.csv").read_text() == (
        "month,start,end,status\n"
        "2026-01,2026-01-10T00:00:00Z,2026-01-10T01:00:00Z,up\n"
        "2026-01,2026-01-10T01:00:00Z,2026-01-10T01:20:00Z,down\n"
        "2026-01,2026-01-10T01:20:00Z,2026-01-10T01:35:00Z,up\n"
    )
    # All nine samples fall on 10 January in WIB (07:00-08:20); seven up, two down; every latency is 90 ms.
    assert (folder / "daily.csv").read_text() == (
        "date,samples,up,degraded,down,median_ms,p95_ms\n2026-01-10,9,7,0,2,90,90\n"
    )
    # 356 bytes: the header (51 with its line end), seven up lines of 33 and two down lines of 37.
    digest = hashlib.sha256(raw.encode()).hexdigest()
    assert len(raw) == 356
    assert (folder / "compacted.csv").read_text() == f"month,runs,days,bytes,sha256\n2026-01,3,1,356,{digest}\n"


def test_an_incident_written_with_crlf_by_a_windows_editor(site: Path) -> None:
    """Notepad saves CRLF (and may add a BOM): the file is read as any other, and an update keeps its CRLF."""
    path = site / "incidents" / "2026-03-01-surel-mati.md"
    path.write_bytes(
        b"\xef\xbb\xbf---\r\n"
        b"title: Surel mati\r\n"
        b"components: [surel]\r\n"
        b"severity: major\r\n"
        b"started: 2026-03-01 08:00\r\n"
        b"updates:\r\n"
        b"  - at: 2026-03-01 08:05\r\n"
        b"    status: investigating\r\n"
        b"    message: Kami periksa.\r\n"
        b"---\r\n"
        b"Catatan staf.\r\n"
    )
    check = ran("check", "--lang", "en", cwd=site, SOURCE_DATE_EPOCH=epoch("2026-03-01 09:00"))
    assert check.returncode == 0, check.stderr
    assert check.stdout == "status.yml: 2 components, 1 incidents, 0 warnings: ok\n"
    update = ran(
        "update", "2026-03-01-surel-mati", "--lang", "en", "--status", "monitoring", "--at", "2026-03-01 08:40",
        "--message", "Sudah pulih, dipantau.", cwd=site, SOURCE_DATE_EPOCH=epoch("2026-03-01 09:00"),
    )  # fmt: skip
    assert update.returncode == 0, update.stderr
    # The new update goes on top of the list, in the file's own line end (CRLF) and indentation (two
    # spaces); the BOM, every other byte and the body stay as they were.
    assert path.read_bytes() == (
        b"\xef\xbb\xbf---\r\n"
        b"title: Surel mati\r\n"
        b"components: [surel]\r\n"
        b"severity: major\r\n"
        b"started: 2026-03-01 08:00\r\n"
        b"updates:\r\n"
        b"  - at: 2026-03-01 08:40\r\n"
        b"    status: monitoring\r\n"
        b'    message: "Sudah pulih, dipantau."\r\n'
        b"  - at: 2026-03-01 08:05\r\n"
        b"    status: investigating\r\n"
        b"    message: Kami periksa.\r\n"
        b"---\r\n"
        b"Catatan staf.\r\n"
    )
    build = ran("build", "--now", "2026-03-01T09:00+07:00", "--lang", "en", cwd=site)
    assert build.returncode == 0, build.stderr
    page = (site / "site" / "incidents" / "2026-03-01-surel-mati" / "index.html").read_text(encoding="utf-8")
    assert "Sudah pulih, dipantau." in page and "Catatan staf." in page
    assert "\r" not in page


def test_probe_history_checked_out_with_crlf_builds_the_same_site(site: Path) -> None:
    """Git for Windows, with core.autocrlf, checks the history files out with CRLF: the site built from
    them is byte for byte the one built from the same lines with LF."""
    lines = [
        "time,status,http_status,latency_ms,error,cert_days",
        "2026-03-02T01:00:00Z,up,200,90,,",
        "2026-03-02T01:10:00Z,down,,,timeout,",
        "2026-03-02T01:20:00Z,up,200,95,,30",
    ]
    (site / "history" / "web").mkdir(parents=True)
    (site / "history" / "web" / "2026-03.csv").write_bytes("\r\n".join(lines).encode() + b"\r\n")
    crlf = ran("build", "--now", NOW, "--lang", "en", "--no-cache", cwd=site)
    assert crlf.returncode == 0, crlf.stderr
    assert crlf.stderr == ""  # no line was found malformed
    (site / "history" / "web" / "2026-03.csv").write_bytes("\n".join(lines).encode() + b"\n")
    lf = posix("build", "--now", NOW, "--out", "reference", "--lang", "en", "--no-cache", cwd=site)
    assert lf.returncode == 0, lf.stderr
    assert tree(site / "site") == tree(site / "reference")
    # And the lines were read, not skipped: the samples at 08:00, 08:10 and 08:20 WIB say up, down, up.
    # Each holds until the next, the last for 15 minutes (max_gap): 10 minutes down out of 35 seen; from
    # the first sample to "now" (12:00) is 240 minutes, so 205 have no data.
    days = json.loads(tree(site / "site")["api/v1/components/web/daily.json"])["days"]
    [day] = [d for d in days if d["date"] == "2026-03-02"]
    assert (day["source"], day["downtime_minutes"], day["no_data_minutes"]) == ("probes", 10.0, 205.0)


def test_a_build_killed_between_the_two_renames_is_undone_by_the_next(site: Path) -> None:
    """Without renameat2 the swap is two renames. Killed between them, a build leaves no site folder and
    the old site retired beside it (here made by hand, as the kill would leave it, with a staging folder
    half written): the next build first puts the old site back, so the Pages checkout's .git it holds
    moves on to the new site instead of being lost."""
    assert ran("build", "--now", NOW, "--lang", "en", cwd=site).returncode == 0
    (site / "site" / ".git").mkdir()
    (site / "site" / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n")
    (site / "site").rename(site / ".site.old-x1y2z3")
    (site / ".site.new-a1b2c3" / "api").mkdir(parents=True)
    (site / ".site.new-a1b2c3" / "index.html").write_text("separuh")
    again = ran("build", "--now", NOW, "--lang", "en", cwd=site)
    assert again.returncode == 0, again.stderr
    assert (site / "site" / ".git" / "HEAD").read_text() == "ref: refs/heads/gh-pages\n"
    reference = posix("build", "--now", NOW, "--out", "reference", "--lang", "en", cwd=site)
    assert reference.returncode == 0, reference.stderr
    built = tree(site / "site")
    assert built.pop(".git/HEAD") == b"ref: refs/heads/gh-pages\n"
    assert built == tree(site / "reference")
    assert beside(site / "site") == [".site.lock"]


def test_a_second_build_waits_for_the_windows_lock(site: Path) -> None:
    """While another process holds the byte lock of .site.lock, a build waits (trying again) and writes
    nothing; once the lock is released it goes on."""
    lock = os.open(site / ".site.lock", os.O_RDWR | os.O_CREAT)
    log = site / "msvcrt.log"
    try:
        fcntl.lockf(lock, fcntl.LOCK_EX, 1, 0, os.SEEK_SET)  # what the fake msvcrt locks: the first byte
        process = windows("build", "--now", NOW, "--lang", "en", cwd=site, start=True, MSVCRT_LOG=str(log))
        assert isinstance(process, subprocess.Popen)
        deadline = time.monotonic() + 120
        while not (log.exists() and "busy" in log.read_text()):
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the build never tried the lock"
            time.sleep(0.05)
        time.sleep(0.3)  # some tries later
        assert process.poll() is None  # still waiting...
        assert not (site / "site").exists()  # ...having written nothing
        assert [n for n in os.listdir(site) if n.startswith(".site.new-")] == []
    finally:
        fcntl.lockf(lock, fcntl.LOCK_UN, 1, 0, os.SEEK_SET)
        os.close(lock)
    _, err = process.communicate(timeout=180)
    assert process.returncode == 0, err
    words = log.read_text().split()
    assert words[-2:] == ["lock", "unlock"] and set(words[:-2]) == {"busy"}
    assert (site / "site" / "index.html").is_file()


def test_a_drive_without_locks_is_built_into_all_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A network drive may refuse byte locks with an error other than "locked" (here EINVAL): the build
    goes on without the lock, as it does where flock fails."""
    calls: list[int] = []

    def locking(handle: int, mode: int, count: int) -> None:
        calls.append(mode)
        raise OSError(errno.EINVAL, "Invalid argument")

    fake = types.ModuleType("msvcrt")
    fake.LK_UNLCK, fake.LK_NBLCK = 0, 2  # type: ignore[attr-defined]
    fake.locking = locking  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "msvcrt", fake)
    monkeypatch.setattr(output, "fcntl", None)
    out = tmp_path / "site"
    output.write_site(out, {"index.html": b"baru", output.MARKER: b"{}"})
    assert (out / "index.html").read_bytes() == b"baru"
    assert calls == [2]  # tried once, not waited on, never unlocked (it was never held)


def test_without_fork_the_work_is_shared_by_no_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without os.fork, workers() is 1 whatever STATUSGEN_WORKERS says, and a caller that asks for three
    processes all the same gets the work done here, as one share of every item."""
    monkeypatch.delattr(os, "fork")
    monkeypatch.setenv("STATUSGEN_WORKERS", "4")
    assert parallel.workers() == 1
    assert parallel.shared(lambda share: (os.getpid(), list(share)), [1, 2, 3, 4, 5], 3) == [
        (os.getpid(), [1, 2, 3, 4, 5])
    ]
    assert parallel.mapped(lambda item: item * 10, [1, 2, 3], 3) == [10, 20, 30]


def test_a_refused_rename_is_tried_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On Windows a folder with a file held open (a virus scanner) cannot be renamed for a moment: the
    swap's renames try again, up to RENAME_TRIES times, then give up with the error."""
    monkeypatch.setattr(output, "RENAME_TRIES", 3)
    monkeypatch.setattr(output, "RENAME_PAUSE", 0)
    real = Path.rename
    refusals = [2]

    def rename(self: Path, target: Path) -> Path:
        if refusals[0] > 0:
            refusals[0] -= 1
            raise PermissionError(errno.EACCES, "Access is denied", str(self))
        return real(self, target)

    monkeypatch.setattr(Path, "rename", rename)
    (tmp_path / "a").mkdir()
    output._rename(tmp_path / "a", tmp_path / "b")  # refused twice, then done on the third try
    assert (tmp_path / "b").is_dir() and not (tmp_path / "a").exists()
    refusals[0] = 3
    with pytest.raises(PermissionError):
        output._rename(tmp_path / "b", tmp_path / "c")  # refused all three times
    assert (tmp_path / "b").is_dir()


def test_a_site_folder_held_open_stops_the_build_with_a_message(
    site: Path, cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    """On Windows a terminal whose working folder is inside site/ keeps it from being renamed: after the
    tries, the build stops with a line saying what to do (no traceback), and the old site stays whole."""
    monkeypatch.chdir(site)
    assert cli("build", "--now", NOW).code == 0
    before = tree(site / "site")
    monkeypatch.setattr(output, "_exchange", lambda first, second: False)  # the two renames, as on Windows
    monkeypatch.setattr(output, "RENAME_PAUSE", 0)
    real = Path.rename

    def rename(self: Path, target: Path) -> Path:
        if self.name == "site":
            raise PermissionError(errno.EACCES, "Access is denied", str(self))
        return real(self, target)

    monkeypatch.setattr(Path, "rename", rename)
    run = cli("build", "--now", "2026-03-02T12:30+07:00")
    assert run.code == 2
    assert run.err == (
        "generate.py: error: site: Access is denied: the site folder could not be replaced; "
        "close what holds it open (a terminal inside it, an editor) and build again\n"
    )
    assert tree(site / "site") == before
    assert beside(site / "site") == []  # the new site, written aside, was removed


def test_the_preview_serves_and_rebuilds_as_on_windows(site: Path) -> None:
    """serve builds, answers on 127.0.0.1, and rebuilds (a swap under a running server) when an incident
    is added; Ctrl+C (SIGINT) ends it with status 0."""
    process = windows("serve", "--port", "0", "--lang", "en", cwd=site, start=True)
    assert isinstance(process, subprocess.Popen) and process.stdout is not None
    try:
        lines = [process.stdout.readline() for _ in range(2)]
        assert lines[0].startswith("built site/ at "), lines
        found = re.fullmatch(r"serving (http://127\.0\.0\.1:\d+/status/) \(Ctrl\+C to stop\)\n", lines[1])
        assert found, lines
        with urllib.request.urlopen(found.group(1), timeout=30) as answer:
            assert answer.status == 200
            assert b"Status Uji" in answer.read()
        (site / "incidents" / "2026-03-01-surel-mati.md").write_text(
            "---\ntitle: Surel mati\ncomponents: [surel]\nseverity: major\nstarted: 2026-03-01 08:00\n"
            "updates:\n  - at: 2026-03-01 08:05\n    status: investigating\n    message: Kami periksa.\n---\n",
            encoding="utf-8",
        )
        assert process.stdout.readline().startswith("built site/ at ")  # the rebuild, swapped in
        with urllib.request.urlopen(found.group(1) + "incidents/2026-03-01-surel-mati/", timeout=30) as answer:
            assert b"Kami periksa." in answer.read()
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert "Traceback" not in err


def test_a_console_that_cannot_show_a_character_does_not_stop_a_command(site: Path) -> None:
    """A Windows console in cp1252 has no "→" or "✓". The menu of services shows a name with them: each
    becomes "?" instead of a UnicodeEncodeError, and the file (UTF-8) keeps the title whole."""
    (site / "status.yml").write_text(CONFIG.replace("name: Situs Web", "name: Situs → Web ✓"), encoding="utf-8")
    done = ran(
        "new", "--lang", "en", "--title", "Gangguan ✓", "--severity", "degraded", "--started", "2026-03-02 09:15",
        "--message", "x", "--cause", "internal",
        cwd=site, stdin="1\n", PYTHONIOENCODING="cp1252", SOURCE_DATE_EPOCH=epoch("2026-03-02 10:00"),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    # The menu line of the first service: the number, its id, the en dash (cp1252 has it, at 0x96) and
    # the name with "?" for each of the two characters cp1252 lacks (read back here as cp1252).
    assert "\n  1. web – Situs ? Web ?\n" in done.stdout
    written = (site / "incidents" / "2026-03-02-gangguan.md").read_text(encoding="utf-8")
    assert 'title: "Gangguan ✓"' in written


def test_short_names_are_hidden_on_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    """NTFS may give .git the short name GIT~1: on Windows the preview refuses any name with "~"."""
    assert not serve.hidden("/status/GIT~1/config")  # here a "~" is an ordinary character
    monkeypatch.setattr(serve, "SHORT_NAMES", True)
    assert serve.hidden("/status/GIT~1/config")
    assert serve.hidden("/status/NOJEKY%7E1")
    assert not serve.hidden("/status/incidents/")
