"""Copy the samples of the places that probe from their own machines into the probe history.

    python3 scripts/ci/relay.py status.yml [MONTH ...] [--history DIR]

A place on its own machine (a vantage with ``source:``) pushes its samples to a repository of its own,
its mailbox. The hosted probe run calls this after its own probe: for each such place it clones the
mailbox (newest commit only, no file contents but those it reads, no credential), and for each month
given (default: the months a probe run checks out, as data-lib.sh's probe_months) copies into
``history/<component>/@<place>/`` every well-formed line of the mailbox's
``history/<component>/@<place>/<month>.csv`` and ``bandwidth-<month>.csv`` whose time the history's file
does not hold yet, in time order, by appending (statusgen.output.append_lines): nothing is ever rewritten.

A place can write only its own folder: anything else in its mailbox is ignored with a warning, as are
components status.yml does not probe from that place, malformed lines, and lines dated outside their
file's month. Git reads the mailbox as data only (no checkout, no hooks, no code run). A mailbox that
cannot be fetched costs only itself: a warning, and the other places are still copied.

Exit 0, also after warnings; 1 when status.yml is invalid or a history file cannot be written.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from statusgen import schema
from statusgen.build import load_settings
from statusgen.history import BANDWIDTH_HEADER, HEADER, bandwidth_file, month_span, parse_bandwidth, parse_line
from statusgen.model import BandwidthSample, Config, ProbeSample, Vantage, place_folder
from statusgen.output import append_lines
from statusgen.problems import InputError

MAILBOX_HISTORY = "history"  # the folder of a mailbox that holds the place's samples, laid out as history/
FILE_LIMIT = 16 * 1024 * 1024  # bytes: a month of one-minute samples is some 2 MB
GIT_SECONDS = 120  # for cloning a mailbox, or reading one file of it
Parser = Callable[[list[str]], ProbeSample | BandwidthSample]
MONTH_FILE = re.compile(r"(?:bandwidth-)?\d{4}-\d\d\.csv", re.ASCII)


@dataclass
class Outcome:
    """What a relay did: lines appended per history file (relative to history/), and the warnings."""

    appended: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def default_months(now: datetime) -> list[str]:
    """This month and the next (UTC), and on the 1st the last: the months probe.sh checks out."""

    def shifted(offset: int) -> str:
        index = now.year * 12 + now.month - 1 + offset
        return f"{index // 12:04d}-{index % 12 + 1:02d}"

    return [shifted(0), shifted(1)] + ([shifted(-1)] if now.day == 1 else [])


def relay(config: Config, history: Path, months: Sequence[str]) -> Outcome:
    """Copy every place's new lines of ``months`` from its mailbox into ``history``."""
    outcome = Outcome()
    for vantage in config.vantages:
        if vantage.source is None:
            continue
        if vantage.id == schema.HOME_VANTAGE:
            outcome.warnings.append(f"{vantage.id}: the hosted place probes itself; its source is ignored")
            continue
        with tempfile.TemporaryDirectory(prefix="statusgen-mailbox-") as temporary:
            clone = Path(temporary) / "mailbox"
            problem = _clone(vantage.source, clone)
            if problem:
                outcome.warnings.append(f"{vantage.id}: cannot fetch {vantage.source}: {problem}")
                continue
            _relay_place(config, vantage, Mailbox(clone), history, months, outcome)
    return outcome


class Mailbox:
    """A clone of a mailbox without a worktree: its files are read as git objects, never checked out."""

    def __init__(self, clone: Path):
        self.clone = clone

    def files(self) -> Iterator[tuple[str, str, str]]:
        """(mode, object id, path) of every entry of the newest commit; an empty mailbox has none."""
        listing = _git(self.clone, "ls-tree", "-r", "-z", "--full-tree", "HEAD")
        if listing.returncode != 0:
            return
        for entry in listing.stdout.split(b"\0"):
            if not entry:
                continue
            meta, _, path = entry.partition(b"\t")
            mode, _, rest = meta.decode("ascii", "replace").partition(" ")
            object_id = rest.partition(" ")[2]
            yield mode, object_id, path.decode("utf-8", "replace")

    def read(self, object_id: str) -> bytes | None:
        """The bytes of a file, or None when it is larger than FILE_LIMIT or cannot be had."""
        size = _git(self.clone, "cat-file", "-s", object_id)
        if size.returncode != 0 or int(size.stdout or b"0") > FILE_LIMIT:
            return None
        blob = _git(self.clone, "cat-file", "blob", object_id)
        return blob.stdout if blob.returncode == 0 else None


def _relay_place(
    config: Config, vantage: Vantage, mailbox: Mailbox, history: Path, months: Sequence[str], outcome: Outcome
) -> None:
    probed = {c.id for c in config.components for v in config.places(c) if v.id == vantage.id}
    wanted = {f"{m}.csv" for m in months} | {bandwidth_file(m) for m in months}
    own = f"@{vantage.id}"
    for mode, object_id, path in mailbox.files():
        parts = path.split("/")
        if len(parts) == 1:
            continue  # a file at the top of the mailbox (README.md, .gitattributes): not data, and harmless
        if len(parts) != 4 or parts[0] != MAILBOX_HISTORY or parts[2] != own:
            outcome.warnings.append(f"{vantage.id}: {path}: not in this place's folder: ignored")
            continue
        component, name = parts[1], parts[3]
        if component not in probed:
            outcome.warnings.append(f"{vantage.id}: {path}: status.yml does not probe '{component}' from here: ignored")
            continue
        if not MONTH_FILE.fullmatch(name):
            outcome.warnings.append(f"{vantage.id}: {path}: not a month's samples or bandwidth: ignored")
            continue
        if name not in wanted:
            continue  # another month: copied while it was current, or not held by this run
        if mode not in ("100644", "100755"):
            outcome.warnings.append(f"{vantage.id}: {path}: not a regular file: ignored")
            continue
        data = mailbox.read(object_id)
        if data is None:
            outcome.warnings.append(f"{vantage.id}: {path}: cannot be read, or larger than {FILE_LIMIT} bytes: ignored")
            continue
        relative = f"{place_folder(component, vantage.id)}/{name}"
        _copy(data, f"{vantage.id}: {path}", name, history / relative, relative, outcome)


def _copy(data: bytes, shown: str, name: str, target: Path, relative: str, outcome: Outcome) -> None:
    """Append to ``target`` the well-formed lines of ``data`` whose time it lacks, in time order."""
    bandwidth = name.startswith("bandwidth-")
    header = BANDWIDTH_HEADER if bandwidth else HEADER
    parse: Parser = parse_bandwidth if bandwidth else parse_line
    start, end = month_span(name.removeprefix("bandwidth-").removesuffix(".csv"))
    found: dict[str, str] = {}  # time → line: the first line of each time
    for number, raw in enumerate(data.split(b"\n"), 1):
        text = raw.decode("utf-8", "replace").rstrip("\r")
        if not text or (number == 1 and tuple(text.split(",")) == header):
            continue
        try:
            moment = parse(text.split(",")).time
        except ValueError as exc:
            outcome.warnings.append(f"{shown}:{number}: malformed line skipped: {exc}")
            continue
        if not start <= moment < end:
            outcome.warnings.append(f"{shown}:{number}: a time outside the file's month: skipped")
            continue
        found.setdefault(text.split(",", 1)[0], text)
    try:
        held = _times(target, parse)
        new = [found[stamp] + "\n" for stamp in sorted(found) if stamp not in held]
        if not new:
            return
        append_lines(target, header, new)
    except OSError as exc:
        outcome.failed.append(f"{relative}: cannot append: {exc.strerror or exc}")
        return
    outcome.appended[relative] = len(new)


def _times(path: Path, parse: Parser) -> set[str]:
    """The times of the well-formed lines of a history file (none when it does not exist); OSError when it
    cannot be read."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return set()
    held = set()
    for raw in data.split(b"\n"):
        text = raw.decode("utf-8", "replace").rstrip("\r")
        try:
            parse(text.split(","))
        except ValueError:
            continue  # the header, or a line cut short: its time is not held
        held.add(text.split(",", 1)[0])
    return held


def _clone(source: str, target: Path) -> str | None:
    """Clone the newest commit of ``source`` without a worktree or file contents; None, or what went wrong."""
    result = _git(
        target.parent,
        "clone",
        "--quiet",
        "--depth=1",
        "--no-checkout",
        "--no-tags",
        "--filter=blob:none",  # contents come on demand, for the files read (ignored by a server without it)
        "--",
        source,
        str(target),
    )
    if result.returncode != 0:
        said = result.stderr.decode("utf-8", "replace").strip().splitlines()
        return said[-1] if said else f"git clone exit {result.returncode}"
    return None


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    """Run git without asking anyone for anything (no prompt for a password), within a time limit."""
    environment = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GCM_INTERACTIVE": "never"}
    try:
        return subprocess.run(
            ["git", *args],
            cwd=cwd,
            env=environment,
            capture_output=True,
            timeout=GIT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(args, 1, b"", f"no answer within {GIT_SECONDS} s".encode())


def main(argv: Sequence[str] | None = None) -> int:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    arguments.add_argument("config", type=Path, help="status.yml")
    arguments.add_argument("months", nargs="*", help="YYYY-MM (default: the months a probe run checks out)")
    arguments.add_argument("--history", type=Path, help="the probe history (default: history/ beside status.yml)")
    args = arguments.parse_args(argv)
    for month in args.months:
        try:
            month_span(month)
        except ValueError as exc:
            arguments.error(str(exc))
    try:
        config, _ = load_settings(args.config)
    except InputError as exc:
        print(exc, file=sys.stderr)
        return 1
    months = args.months or default_months(datetime.now(UTC))
    outcome = relay(config, args.history or config.history_dir, months)
    for relative, count in sorted(outcome.appended.items()):
        print(f"relayed {count} line{'s' * (count != 1)} into history/{relative}")
    for line in [*outcome.warnings, *outcome.failed]:
        print(f"relay: {line}", file=sys.stderr)
    return 1 if outcome.failed else 0


if __name__ == "__main__":
    sys.exit(main())
