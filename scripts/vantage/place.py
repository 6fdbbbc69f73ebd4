"""Probe from this machine, a place of its own (a vantage), and push the samples to the place's mailbox.

    python3 scripts/vantage/place.py --vantage kantor --mailbox /srv/statusgen/mailbox [--main DIR]

Run it every 5 minutes (statusgen-place.timer on Linux, install-windows.ps1 on Windows). Each run:

1. takes the place's lock, so one run at a time: a second run waits for the first to end (see below);
2. brings the clone of the public main repository (``--main``, by default the one holding this script,
   cloned over https without a credential) to its newest commit: status.yml and the code. When that
   fails (the place's internet link down, say), the run goes on with what it has: a place whose link is
   down must still record that;
3. runs ``generate.py probe --vantage ID --history <mailbox>/history``: one sample per component
   status.yml probes from this place, in ``history/<component>/@<ID>/``;
4. commits what changed in that folder of the mailbox (a clone of the place's own repository, the only
   one its deploy key can write) and pushes. A push refused because the mailbox moved is fetched and
   the run's commits put on top with a union merge (every line of both sides kept), a few times. A
   push that fails still keeps the commit here: the next run pushes it with its own. Nothing is lost.

Exit 0 when the samples reached the mailbox, 1 when the probe or the push failed (the samples then wait
here), 2 for a usage error. Needs Python 3.11 with the packages of requirements.txt, and git on PATH.

A second run waits for the lock rather than being skipped: systemd and the Task Scheduler never start the
task while it runs, so only a run started by hand can meet another, and its sample is as real as any.
Every step has a time limit, so a wait is bounded.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

CODE = Path(__file__).resolve().parents[2]  # the clone holding this script, generate.py and statusgen/
sys.path.insert(0, str(CODE))

from statusgen import output  # noqa: E402  (after the path: this script runs from any folder)

GIT_SECONDS = 120  # for one git command (a fetch or a push over a slow link)
PROBE_SECONDS = 270  # for the probe: within the 5 minutes between runs
ATTEMPTS = 4  # pushes tried, with a fetch and a rebase between two
LOG_LIMIT = 1024 * 1024  # bytes: a longer log is renamed to <log>.1 and a new one started
LOCK = "statusgen-place.lock"  # in the mailbox's .git folder (Windows)


class Place:
    """One run: the clones it works in, and where it says what it does."""

    def __init__(self, vantage: str, mailbox: Path, main: Path, log: Path | None):
        self.vantage = vantage
        self.mailbox = mailbox
        self.main = main
        self.log = log

    def say(self, text: str) -> None:
        stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        lines = [f"{stamp} {self.vantage}: {line}" for line in text.rstrip("\n").splitlines() or [""]]
        print("\n".join(lines), flush=True)
        if self.log is None:
            return
        with contextlib.suppress(OSError):
            if self.log.exists() and self.log.stat().st_size > LOG_LIMIT:
                os.replace(self.log, self.log.with_name(self.log.name + ".1"))
            with self.log.open("a", encoding="utf-8") as handle:
                handle.write("\n".join(lines) + "\n")

    def git(self, folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
        """git in ``folder``, never asking for a password, within GIT_SECONDS."""
        environment = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GCM_INTERACTIVE": "never", "GIT_EDITOR": "true"}
        try:
            return subprocess.run(
                ["git", "-C", str(folder), *args],
                env=environment,
                capture_output=True,
                text=True,
                encoding="utf-8",
                errors="replace",
                timeout=GIT_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return subprocess.CompletedProcess(args, 1, "", f"git {args[0]}: no answer within {GIT_SECONDS} s")

    def run(self, update: bool) -> int:
        with locked(self.mailbox):
            self.tidy()
            if update:
                self.update_main()
            probed = self.probe()
            self.commit()
            pushed = self.push()
        return 0 if probed and pushed else 1

    def tidy(self) -> None:
        """Holding the lock, what a killed run left in the mailbox is its own: a rebase, git's index lock."""
        git_dir = self.mailbox / ".git"
        if (git_dir / "rebase-merge").is_dir() or (git_dir / "rebase-apply").is_dir():
            self.git(self.mailbox, "rebase", "--abort")
        with contextlib.suppress(FileNotFoundError):
            (git_dir / "index.lock").unlink()

    def update_main(self) -> None:
        branch = self.git(self.main, "symbolic-ref", "--quiet", "--short", "HEAD").stdout.strip()
        fetched = self.git(self.main, "fetch", "--quiet", "--depth=1", "origin", branch or "HEAD")
        if fetched.returncode != 0:
            self.say(f"cannot update {self.main}; probing with status.yml as it is: {last(fetched.stderr)}")
            return
        self.git(self.main, "reset", "--quiet", "--hard", "FETCH_HEAD")

    def probe(self) -> bool:
        command = [
            sys.executable,
            str(CODE / "generate.py"),
            "probe",
            "--config",
            str(self.main / "status.yml"),
            "--vantage",
            self.vantage,
            "--history",
            str(self.mailbox / "history"),
        ]
        try:
            result = subprocess.run(
                command, capture_output=True, text=True, errors="replace", timeout=PROBE_SECONDS, check=False
            )
        except subprocess.TimeoutExpired:
            self.say(f"the probe did not end within {PROBE_SECONDS} s")
            return False
        if result.stdout.strip() or result.stderr.strip():
            self.say(result.stdout + result.stderr)
        return result.returncode == 0

    def commit(self) -> None:
        """Commit this place's folders of the mailbox (nothing else in it), when anything changed."""
        own = f":(glob)history/*/@{self.vantage}/**"
        self.git(self.mailbox, "add", "--all", "--", own)
        if self.git(self.mailbox, "diff", "--cached", "--quiet").returncode == 0:
            return
        identity: list[str] = []
        if self.git(self.mailbox, "config", "user.email").returncode != 0:
            identity = [
                "-c",
                f"user.name=statusgen {self.vantage}",
                "-c",
                f"user.email={self.vantage}@statusgen.invalid",
            ]
        stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        message = f"Samples from {self.vantage} {stamp}"
        committed = self.git(self.mailbox, *identity, "commit", "--quiet", "--no-verify", "-m", message)
        if committed.returncode != 0:
            self.say(f"cannot commit the samples: {last(committed.stderr)}")

    def push(self) -> bool:
        """Push the commits the mailbox lacks; True when it holds them all (or there were none)."""
        branch = self.git(self.mailbox, "symbolic-ref", "--quiet", "--short", "HEAD").stdout.strip() or "main"
        head = self.git(self.mailbox, "rev-parse", "--quiet", "--verify", "HEAD").stdout.strip()
        tracking = f"refs/remotes/origin/{branch}"
        if not head or head == self.git(self.mailbox, "rev-parse", "--quiet", "--verify", tracking).stdout.strip():
            return True  # nothing of its own to push
        for attempt in range(1, ATTEMPTS + 1):
            pushed = self.git(self.mailbox, "push", "--quiet", "origin", f"HEAD:refs/heads/{branch}")
            if pushed.returncode == 0:
                self.git(self.mailbox, "update-ref", tracking, "HEAD")
                return True
            self.say(f"push {attempt} of {ATTEMPTS} refused or failed: {last(pushed.stderr)}")
            if attempt == ATTEMPTS:
                break
            time.sleep(attempt * float(os.environ.get("RETRY_SECONDS", "2")))
            fetched = self.git(self.mailbox, "fetch", "--quiet", "origin", f"+refs/heads/{branch}:{tracking}")
            if fetched.returncode == 0 and not self.replay(tracking):
                self.say("cannot put this run's commits on the mailbox's new commits; trying again")
        self.say(f"the samples stay in {self.mailbox} and go with the next run")
        return False

    def replay(self, onto: str) -> bool:
        """Rebase the commits the mailbox lacks onto ``onto`` with a union merge: every line of both sides."""
        with tempfile.TemporaryDirectory() as folder:
            rules = Path(folder) / "attributes"
            rules.write_text("* merge=union\n", encoding="utf-8")
            union = ["-c", f"core.attributesFile={rules.as_posix()}"]
            self.git(self.mailbox, *union, "rebase", "--quiet", onto)
            for _ in range(100):
                if not (self.mailbox / ".git" / "rebase-merge").is_dir():
                    break
                # Changed here and removed there (old months trimmed from the mailbox): keep the file.
                conflicted = self.git(self.mailbox, "diff", "--name-only", "--diff-filter=U").stdout.splitlines()
                for path in conflicted:
                    if (self.mailbox / path).exists():
                        self.git(self.mailbox, "add", "--", path)
                    else:
                        self.git(self.mailbox, "rm", "--quiet", "--cached", "--", path)
                self.git(self.mailbox, *union, "rebase", "--continue")
            if (self.mailbox / ".git" / "rebase-merge").is_dir():
                self.git(self.mailbox, "rebase", "--abort")
                return False
        return self.git(self.mailbox, "merge-base", "--is-ancestor", onto, "HEAD").returncode == 0


def last(text: str) -> str:
    """The last line git said, which names what went wrong."""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no reason given"


@contextlib.contextmanager
def locked(mailbox: Path) -> Iterator[None]:
    """One run at a time per mailbox, with the build's lock (statusgen/output.py): an exclusive flock on the
    mailbox folder on Linux, a byte lock on a file in its .git folder on Windows. A second run waits."""
    if os.name == "nt":
        with output._byte_locked(mailbox / ".git" / LOCK):
            yield
    else:
        with output._folder_locked(mailbox):
            yield


def main(argv: Sequence[str] | None = None) -> int:
    arguments = argparse.ArgumentParser(description="Probe from this place and push the samples to its mailbox.")
    arguments.add_argument("--vantage", required=True, help="this place's id in status.yml's vantages")
    arguments.add_argument("--mailbox", required=True, type=Path, help="the clone of the place's own repository")
    arguments.add_argument("--main", type=Path, default=CODE, help="the clone of the public main repository")
    arguments.add_argument("--no-update", action="store_true", help="probe with --main as it is, without fetching")
    arguments.add_argument("--log", type=Path, help="also append what the run says to this file")
    args = arguments.parse_args(argv)
    for folder in (args.mailbox, args.main):
        if not (folder / ".git").exists():
            arguments.error(f"{folder} is not a git clone")
    place = Place(args.vantage, args.mailbox.resolve(), args.main.resolve(), args.log)
    return place.run(update=not args.no_update)


if __name__ == "__main__":
    sys.exit(main())
