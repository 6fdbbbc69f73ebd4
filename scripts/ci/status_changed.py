"""Print "true" when a probed component's newest sample, from any place, tells another status than the page may
show.

    python3 scripts/ci/status_changed.py status.yml [--now EPOCH-SECONDS]

That is: its newest sample differs in status from the one before, is its first, or ends a gap longer
than ``stale_after`` (the published page may say "no data" since). Each place's samples are looked at apart:
the component's own folder (the home place) and each ``@<vantage>`` folder in it, where the samples relayed
from another place land. The probe workflow then builds and deploys the site at once; otherwise the hourly
build suffices.

It runs after every probe, so it reads only what it needs: ``status.yml`` (without validating it:
``probe`` just did), and the last few kilobytes of each component's newest month file, or of the month
before when the newest holds a single sample. A sample dated outside its file's month or later than
now (beyond LEEWAY) is a stray and is ignored: one sample from a runner with a wrong clock must neither
ask for a deploy on every run nor hide a real recovery.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from statusgen import schema
from statusgen.history import LEEWAY, month_span, parse_lines
from statusgen.model import ProbeSample
from statusgen.problems import Problems
from statusgen.yamlsrc import YamlError, parse, read_text

TAIL = 8192  # bytes read from the end of a month file: some 200 lines


def changed(config_path: Path, now: int) -> bool:
    """True when a probed component's newest believable sample changed its status, is its first, or
    ends a gap longer than stale_after."""
    text = read_text(config_path, str(config_path), Problems())  # a regular file, bounded, as every source
    try:
        settings = parse(text) if text is not None else None
    except YamlError:
        settings = None
    if not isinstance(settings, dict) or not isinstance(settings.get("components"), list):
        return True  # cannot tell: a deploy costs less than a page that stays wrong
    stale_after = settings.get("stale_after", schema.STALE_AFTER)
    stale_after = stale_after * 60 if isinstance(stale_after, int | float) else schema.STALE_AFTER * 60
    history = config_path.parent / "history"
    for component in settings["components"]:
        if not isinstance(component, dict) or not component.get("probe") or not isinstance(component.get("id"), str):
            continue
        for folder in place_folders(history / component["id"]):
            newest = newest_samples(folder, now + LEEWAY)
            if len(newest) == 1:
                return True
            if len(newest) == 2:
                before, last = newest
                if last.status != before.status or last.time - before.time > stale_after:
                    return True
    return False


def place_folders(folder: Path) -> list[Path]:
    """A component's folder and each ``@<vantage>`` folder in it: the samples of each place."""
    try:
        places = sorted(p for p in folder.glob("@*") if p.is_dir())
    except OSError:
        places = []
    return [folder, *places]


def newest_samples(folder: Path, limit: int) -> list[ProbeSample]:
    """The two newest samples of a component up to ``limit`` (fewer when there are not two), oldest first."""
    try:
        months = sorted((p for p in folder.glob("????-??.csv") if p.is_file()), reverse=True)
    except OSError:
        return []
    found: dict[int, ProbeSample] = {}
    for path in months:
        try:
            start, end = month_span(path.stem)
        except ValueError:
            continue
        if start > limit:
            continue  # a month ahead of now: only a wrong clock writes there
        for sample in _tail(path):
            if start <= sample.time < end and sample.time <= limit:
                kept = found.get(sample.time)
                if kept is None or sample.csv_line() < kept.csv_line():  # as the build picks between racing lines
                    found[sample.time] = sample
        if len(found) >= 2:
            break
    return [found[moment] for moment in sorted(found)[-2:]]


def _tail(path: Path) -> list[ProbeSample]:
    """The samples in the last TAIL bytes of a month file; malformed and cut lines are skipped."""
    try:
        with path.open("rb") as handle:
            size = handle.seek(0, 2)
            handle.seek(max(0, size - TAIL))
            data = handle.read(TAIL)
    except OSError:
        return []
    lines = data.split(b"\n")
    if size > TAIL:
        lines = lines[1:]  # the first line read may be cut: it starts before the tail
    lines = lines[:-1]  # after the last line end: nothing, or a line still being written
    text = [(number, line.rstrip(b"\r").decode("utf-8", "replace")) for number, line in enumerate(lines, 1)]
    return parse_lines([(number, line) for number, line in text if line[:1].isdigit()], Problems(), str(path))


def main(argv: list[str]) -> int:
    now = int(argv[argv.index("--now") + 1]) if "--now" in argv else int(time.time())
    print("true" if changed(Path(argv[0]), now) else "false")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
