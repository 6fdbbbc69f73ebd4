"""The pipeline: load and validate everything, compute, render, then write."""

from __future__ import annotations

import contextlib
import gc
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from . import __version__
from .cache import FOLDER as CACHE
from .cache import FiguresCache, ParseCache
from .config import load_config
from .figures import SiteFigures, site_figures
from .history import LEEWAY, month_span
from .incidents import load_incidents, split_front_matter
from .model import Component, ComponentHistory, Config, Incident, Message, first_moment
from .output import MARKER, check_output, marker, read_reuse, remember, write_reuse, write_site
from .parallel import workers
from .problems import InputError, Problem, Problems
from .recorded import first_times, read_folder, read_history, screened
from .render import TEMPLATES, site_jobs
from .times import FIRST_YEAR, iso, midnight, parse_datetime, zone_label
from .views import site_view
from .yamlsrc import YamlError, YamlList, YamlMap, parse, read_text


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a build runs.

    What a build makes lives until it ends, so the collector's passes find almost nothing to free,
    yet they walk every object each time: hundreds of thousands of history samples and day figures.
    Paused, a build with years of probe history is about a quarter faster, with the same peak memory.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass(frozen=True)
class Inputs:
    config: Config
    incidents: list[Incident]
    warnings: list[Problem]
    # Probe history by folder under history/: a component's id, or its id and a vantage (model.place_folder).
    history: dict[str, ComponentHistory] = field(default_factory=dict)
    strays: list[Problem] = field(default_factory=list)  # warnings about history no figure counts (in warnings too)
    strict: bool = False  # loaded for a strict run: check_timeline's warnings fail it too
    # Set by resolve_start for a site without history_start that has recorded nothing before now: no time
    # before this moment is vouched for, so the figures show no data rather than a clean record.
    vouched_from: datetime | None = None
    # Set when the probe history is left to the build to read, a component at a time (load with ``stream``).
    reader: HistoryReader | None = None


def shown_path(path: Path) -> str:
    """A path as messages show it: relative to the working folder when it is inside it."""
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative


def load_settings(config_path: Path) -> tuple[Config, list[Problem]]:
    """Only ``status.yml``, for commands that need no incidents; returns its warnings too.

    Raises InputError when it has errors.
    """
    problems = Problems()
    config = load_config(config_path, problems, shown_path(config_path))
    if config is None or problems.errors:
        raise InputError(problems.items)
    return config, sorted(problems.warnings)


def load(
    config_path: Path,
    strict: bool = False,
    with_history: bool = True,
    cache: bool = True,
    processes: int | None = None,
    stream: bool = False,
) -> Inputs:
    """Read and validate the configuration and every incident, and (for a build) the probe history; with
    ``stream``, the probe history is left to the build, which reads it a component at a time (never all of it
    in memory: a nation's LPSEs have fifteen years each).

    Raises InputError with every problem found when anything is invalid
    (warnings too, when ``strict``). Many incident files, and history the cache lacks, are read by
    ``processes`` forked workers (default: one per core). With ``cache``, parsed history is kept in
    ``.cache/statusgen/`` beside ``status.yml``.
    """
    processes = workers() if processes is None else processes
    problems = Problems()
    config = load_config(config_path, problems, shown_path(config_path))
    incidents: list[Incident] = []
    if config is not None:
        incidents = load_incidents(config, problems, shown_path(config.root), processes)
    if problems.failing(strict) or config is None:
        raise InputError(problems.items)
    if not with_history:
        return Inputs(config, incidents, sorted(problems.warnings), strict=strict)
    if stream:
        parsed_in = config.root / CACHE if cache else None
        reader = HistoryReader(config.history_dir, shown_path(config.history_dir), parsed_in)
        return Inputs(config, incidents, sorted(problems.warnings), strict=strict, reader=reader)
    # Probe history is append-only, so a malformed line (a run killed while writing it) is skipped
    # with a warning that never fails a run, not even a strict one. A stray line, which parses but
    # cannot be believed (recorded.py), is a warning that a strict build fails on (check_timeline).
    history, strays = Problems(), Problems()
    parsed = ParseCache(config.root / CACHE) if cache else None
    recorded = read_history(
        config.history_dir,
        list(config.history_folders),
        history,
        shown_path(config.history_dir),
        parsed,
        processes,
        strays,
    )
    warnings = sorted(problems.warnings + history.warnings + strays.warnings)
    return Inputs(config, incidents, warnings, recorded, strays.warnings, strict)


def check_timeline(inputs: Inputs, now: datetime, strict: bool = False) -> Inputs:
    """The inputs as of ``now``: raise InputError (with the inputs' warnings) on an incident, not a
    maintenance, that starts in the future; warn at its line of a 'resolved' or an update time more
    than AHEAD after ``now``; and set aside probe history from before a component's history starts
    or after ``now`` (beyond LEEWAY), with a warning at its line. With ``strict`` (or inputs loaded
    for a strict run), these warnings and any stray line found while reading raise InputError too.

    Only maintenance is announced ahead; an outage dated ahead is a typo (most often the year),
    and published it would claim an outage that has not happened. A 'resolved' typed ahead (11:00
    for 01:00) would show an outage hours longer than it was. A probe sample dated ahead, or
    one from 1970, comes from a wrong clock: believed, it would rewrite years of figures.
    """
    strict = strict or inputs.strict
    tz = inputs.config.timezone
    ahead = [problem for incident in inputs.incidents for problem in _times_ahead(incident, inputs.config, now)]
    late = [
        Problem(
            incident.path,
            incident.started_line,
            Message(
                "starts after now ({at} is in the future): only maintenance may be announced ahead "
                "(severity: maintenance); otherwise correct the date",
                at=f"{incident.started.astimezone(tz):%Y-%m-%d %H:%M}",
            ),
        )
        for incident in inputs.incidents
        if incident.started > now and not incident.is_maintenance
    ]
    if late:
        raise InputError(inputs.warnings + ahead + late)
    if inputs.reader is not None:  # the build screens each component's history as it reads it
        if strict and ahead:
            raise InputError(inputs.warnings + ahead)
        return replace(inputs, warnings=sorted(inputs.warnings + ahead))
    history: dict[str, ComponentHistory] = {}
    strays: list[Problem] = []
    unanswered: list[Problem] = []
    for component in inputs.config.components:
        recorded = {key: inputs.history[key] for key in inputs.config.folders(component) if key in inputs.history}
        kept, early_or_late, none_found = screen_component(inputs.config, component, recorded, now)
        history.update(kept)
        strays += early_or_late
        unanswered += none_found
    if strict and (strays or inputs.strays or ahead):
        raise InputError(inputs.warnings + strays + ahead)
    warnings = sorted(inputs.warnings + strays + ahead + unanswered)
    return resolve_start(replace(inputs, history=history, warnings=warnings, strays=inputs.strays + strays), now)


def screen_component(
    config: Config, component: Component, history: dict[str, ComponentHistory], now: datetime, whole: bool = True
) -> tuple[dict[str, ComponentHistory], list[Problem], list[Problem]]:
    """One component's probe history (by folder) as the figures may count it: without what lies before its
    history starts or after ``now`` (the strays, a warning at the line of the first in each file), and without
    a history of nothing but 404s (_never_found; only of a ``whole`` history, not of its current month alone).
    Returns it, the strays' warnings and the 404s'."""
    start = _screen_start(config, component)
    tz = config.timezone
    kept, strays = screened(
        history,
        dict.fromkeys(history, start),
        int(now.timestamp()) + LEEWAY,
        config.history_dir,
        shown_path(config.history_dir),
        lambda moment: iso(datetime.fromtimestamp(moment, UTC), tz),
    )
    kept, unanswered = _never_found(config, component, kept) if whole else (kept, [])
    return kept, strays, unanswered


def _never_found(
    config: Config, component: Component, history: dict[str, ComponentHistory]
) -> tuple[dict[str, ComponentHistory], list[Problem]]:
    """Probe history in which every sample so far found nothing at the address (HTTP 404), set aside with a
    warning: a wrong code or address, most likely (an LPSE's code mistyped in an instances file), not an
    outage to show the public. The component shows "no data" until a probe finds the page."""
    recorded = history.get(component.id)
    if component.probe is None or recorded is None or recorded.runs or not recorded.samples:
        return history, []
    if not all(sample.http_status == 404 for sample in recorded.samples):
        return history, []
    message = Message(
        "every probe of '{cid}' so far found nothing at {url} (HTTP 404, {n} times): its code or "
        "address is likely wrong; the page shows no data for it until a probe finds the page",
        cid=component.id,
        url=component.probe.url,
        n=len(recorded.samples),
    )
    problem = Problem(f"{shown_path(config.history_dir)}/{component.id}", 1, message, warning=True)
    return {**history, component.id: replace(recorded, samples=(), sources=())}, [problem]


@dataclass(frozen=True)
class Found:
    """What reading one component's probe history found besides its records (figures.Found)."""

    warnings: tuple[Problem, ...] = ()  # malformed lines skipped, strays, a history of nothing but 404s
    strays: tuple[Problem, ...] = ()  # the strays among them, which a strict build fails on


@dataclass(frozen=True)
class HistoryReader:
    """The probe history under ``folder``, read a component at a time as the build works out its figures (in
    forked workers with a long history), so that it is never all in memory: read, screened (screen_component),
    counted, and let go. ``cache``: the folder of the parse cache, or None."""

    folder: Path
    shown: str
    cache: Path | None

    def read(
        self, config: Config, component: Component, now: datetime, recent: bool = False
    ) -> tuple[dict[str, ComponentHistory], Found]:
        """The component's history by folder, screened, and what reading it found. ``recent`` (with a cache, for
        a component of one folder): only the samples of the month of its newest file that starts by ``now``
        are read, the files before only digested (recorded.read_folder with since); figures.site_figures
        takes that for the current month when what the months before add up to is kept, else reads it all."""
        problems, strays = Problems(), Problems()
        parsed = ParseCache(self.cache) if self.cache is not None else None
        folders = [key for key in config.folders(component) if (self.folder / key).is_dir()]
        since = _current_month(self.folder / folders[0], now) if recent and parsed and len(folders) == 1 else None
        raw = {
            key: read_folder(self.folder / key, problems, f"{self.shown}/{key}", parsed, strays, since)
            for key in folders
        }
        kept, early_or_late, unanswered = screen_component(config, component, raw, now, whole=since is None)
        return kept, Found(
            tuple(problems.warnings + strays.warnings + early_or_late + unanswered),
            tuple(strays.warnings + early_or_late),
        )

    def first_guess(self, config: Config, component: Component, now: datetime) -> int | None:
        """Where the history of one component seems to start (recorded.first_times), without reading it; a time
        that screening would set aside (before its start may be, or after now) is no guess."""
        low, high = _screen_start(config, component), int(now.timestamp()) + LEEWAY
        times = [t for key in config.folders(component) for t in first_times(self.folder / key) if low <= t <= high]
        return min(times, default=None)

    def size(self) -> int:
        """Bytes of history on disk: whether the figures are worth forking workers for."""
        return sum(entry.stat().st_size for entry in _files(self.folder))


def _current_month(folder: Path, now: datetime) -> str | None:
    """The newest month of ``folder``'s history files that starts by ``now`` ("2026-11"), or None."""
    limit = int(now.timestamp())
    months = sorted(path.stem for path in folder.glob("????-??.csv"))
    for month in reversed(months):
        with contextlib.suppress(ValueError):
            if month_span(month)[0] <= limit:
                return month
    return None


def _screen_start(config: Config, component: Component) -> int:
    """Seconds from which ``component``'s probe history is believed: the midnight its history starts. When
    no day is written for it (no history_start, no since), the history starts at its first record, so only
    a sample no record could hold is early: one dated before FIRST_YEAR, the first year a time written in
    an incident or in status.yml may have (times.plausible), which a probe's wrong clock (1970) writes."""
    first = config.earliest(component) or date(FIRST_YEAR, 1, 1)
    return int(midnight(first, config.timezone).timestamp())


def resolve_start(inputs: Inputs, now: datetime, firsts: list[int] | None = None) -> Inputs:
    """The inputs with ``history_start`` a date: as written, or, when status.yml leaves it out, the day (in
    the site's zone) of the first record: the earliest start of an incident and of a probe sample or
    compacted run (``firsts``, seconds, when the build reads the history itself; else those of the inputs'
    history). Nothing recorded before ``now`` starts the history today, and sets ``vouched_from``
    to ``now``: a site that has recorded nothing claims no uptime for the time before.

    check_timeline calls it on the history it keeps (probe history is left out of ``check``, which
    then goes by the incidents alone). A component's ``since`` still applies on top (Config.first_day).
    """
    config = inputs.config
    if config.history_start is not None:
        return inputs
    if firsts is None:
        firsts = [t for h in inputs.history.values() if (t := first_moment([h])) is not None]
    moments = [incident.started for incident in inputs.incidents]
    moments += [datetime.fromtimestamp(moment, UTC) for moment in firsts]
    first = min([*moments, now])
    start = first.astimezone(config.timezone).date()
    return replace(inputs, config=replace(config, history_start=start), vouched_from=now if first >= now else None)


AHEAD = timedelta(hours=1)  # clocks differ, and a time typed a little early is harmless; hours ahead is a typo


def _times_ahead(incident: Incident, config: Config, now: datetime) -> list[Problem]:
    """Warnings, at their lines, for an incident's 'resolved' and update times more than AHEAD after ``now``.

    A maintenance window's planned end is announced ahead, so its 'resolved' may be; its updates,
    like every other, are written when they happen.
    """
    limit = now + AHEAD
    resolved = incident.resolved is not None and incident.resolved > limit and not incident.is_maintenance
    updates = [update for update in incident.updates if update.at > limit]
    if not resolved and not updates:
        return []
    resolved_line, update_places = _time_lines(incident, config)
    tz = config.timezone

    def plain(moment: datetime) -> str:
        local = moment.astimezone(tz)
        return f"{local:%Y-%m-%d %H:%M} {zone_label(local)}"

    found = []
    if resolved:
        assert incident.resolved is not None
        message = Message(
            "'resolved' ({at}) is more than an hour after now ({now}): the page would show the outage lasting "
            "until then. Write the time it ended (11:00 typed for 01:00?), or remove 'resolved' while it lasts",
            at=plain(incident.resolved),
            now=plain(now),
        )
        found.append(Problem(incident.path, resolved_line, message, warning=True))
    for update in updates:
        position, line = update_places.get((update.at, update.status), (0, incident.started_line))
        message = Message(
            "'at' ({at}) is more than an hour after now ({now}): an update is dated when it is posted. "
            "Correct the time (11:00 typed for 01:00?)",
            at=plain(update.at),
            now=plain(now),
        )
        if position:
            message = Message("{where}{message}", where=Message("update {n}: ", n=position), message=message)
        found.append(Problem(incident.path, line, message, warning=True))
    return found


def _time_lines(incident: Incident, config: Config) -> tuple[int, dict[tuple[datetime, str], tuple[int, int]]]:
    """Where an incident's file writes 'resolved', and each update's (time, status): its 1-based position
    among the updates and the line of its 'at'. An incident keeps only the line of 'started', so its file
    is read again, which only an incident with a time ahead costs. What cannot be found is at 'started'."""
    places: dict[tuple[datetime, str], tuple[int, int]] = {}
    text = read_text(config.incidents_dir / f"{incident.slug}.md", incident.path, Problems())
    parsed = split_front_matter(text) if text is not None else (0, "")
    if isinstance(parsed[0], int):
        return incident.started_line, places
    try:
        data = parse(parsed[0], first_line=2)
    except YamlError:
        return incident.started_line, places
    if not isinstance(data, YamlMap):
        return incident.started_line, places
    items = data.get("updates")
    for index, item in enumerate(items if isinstance(items, YamlList) else ()):
        if not isinstance(item, YamlMap) or item.get("at") is None:
            continue
        try:
            at = parse_datetime(item.text.get("at", item["at"]), config.timezone)
        except (ValueError, TypeError):
            continue
        places.setdefault((at, str(item.get("status"))), (index + 1, item.line_of("at")))
    return data.line_of("resolved") if "resolved" in data else incident.started_line, places


def build(
    inputs: Inputs,
    out: Path,
    now: datetime,
    processes: int | None = None,
    cache: bool = True,
    timings: dict[str, float] | None = None,
) -> tuple[list[str], list[Problem]]:
    """Render the site from validated inputs into a new folder, then swap it into ``out``; returns its paths,
    and the inputs' warnings with those reading the probe history found (when the build read it, see load).

    The figures (with a long probe history) and the pages are shared out among ``processes`` (default:
    one per core, see parallel.workers). With ``cache``, compiled templates are kept in
    ``.cache/statusgen/`` beside ``status.yml``. ``timings`` gets the seconds spent on the figures and on the pages.
    Raises InputError when the inputs were loaded for a strict run and reading found a stray line.
    """
    spent = {} if timings is None else timings
    start = time.perf_counter()
    package = Path(__file__).resolve().parent
    check_output(out, [inputs.config.root, inputs.config.incidents_dir, Path.cwd(), TEMPLATES, package, package.parent])
    compiled = inputs.config.root / CACHE if cache else None
    processes = workers() if processes is None else processes
    memo = FiguresCache(compiled) if compiled is not None else None
    if inputs.reader is None:
        inputs = resolve_start(inputs, now)  # done already when check_timeline made the inputs
        history, vouched = inputs.history, inputs.vouched_from
        numbers = site_figures(inputs.config, inputs.incidents, now, history, processes, vouched, memo=memo)
    else:
        inputs, numbers = _read_and_figured(inputs, inputs.reader, now, processes, compiled, memo)
    # The components only their probes vouch for start where their first probe does (figures.site_figures).
    starts = [replace(c, since=numbers.since[c.id]) if c.id in numbers.since else c for c in inputs.config.components]
    inputs = replace(inputs, config=replace(inputs.config, components=tuple(starts)))
    view = site_view(inputs.config, inputs.incidents, numbers)
    spent["figures"] = time.perf_counter() - start
    start = time.perf_counter()
    # A settled page whose inputs are as they were at the last build into ``out`` is kept, not made again.
    reuse = read_reuse(compiled, out) if compiled is not None else None
    jobs, finish = site_jobs(view, TEMPLATES, compiled, reuse.kept if reuse is not None else None)
    built = marker(iso(now, inputs.config.timezone), __version__)

    def last(written: list[str]) -> dict[str, bytes]:
        return {**finish(written), MARKER: built}

    keys: dict[str, str] = {}
    written = write_site(out, jobs, processes, last, keys, compiled / SPARE if compiled is not None else None)
    if compiled is not None:
        write_reuse(compiled, out, keys)
    spent["pages"] = time.perf_counter() - start
    return written, inputs.warnings


def _read_and_figured(
    inputs: Inputs,
    reader: HistoryReader,
    now: datetime,
    processes: int,
    cache: Path | None = None,
    memo: FiguresCache | None = None,
) -> tuple[Inputs, SiteFigures]:
    """The figures, each component's probe history read, screened and let go as they are worked out; and the
    inputs with what reading found among their warnings.

    A site without history_start must learn where its history starts (resolve_start) before its figures. The
    start the last build found, kept in ``cache``, is taken as it stands, and the figures' own reading tells
    whether it still does: when it does not (history older than any before), they are worked out again from
    the start found. Without a start kept, where the first lines of each folder's oldest files say it starts
    is taken so, and checked the same way: a folder out of order costs the figures worked out twice."""
    # Read and screened as the inputs stand (history_start perhaps not yet known), as check_timeline does.
    unresolved = inputs.config
    heavy = reader.size() >= HEAVY_BYTES
    known = None
    if unresolved.history_start is None:
        known = _kept_start(cache, inputs, now) if cache is not None else None
        if known is None:
            # Without a start kept, a guess from the first lines of each folder's oldest files: the figures'
            # reading below confirms it, or works them out again from the start it finds.
            guesses = [reader.first_guess(unresolved, component, now) for component in unresolved.components]
            known = resolve_start(inputs, now, [first for first in guesses if first is not None])
    by_id = {c.id: c for c in unresolved.components}
    uplinks: dict[str, ComponentHistory] = {}  # what each inside place's verdict draws on: its uplink's samples
    for vantage in unresolved.vantages:
        if vantage.uplink is not None and vantage.uplink in by_id:
            uplinks.update(reader.read(unresolved, by_id[vantage.uplink], now)[0])

    def figured(resolved: Inputs) -> SiteFigures:
        return site_figures(
            resolved.config,
            resolved.incidents,
            now,
            uplinks,
            processes,
            resolved.vouched_from,
            read=lambda component, recent: reader.read(unresolved, component, now, recent),
            heavy=heavy,
            memo=memo,
        )

    numbers = figured(known or inputs)
    if known is not None:
        seen = list(numbers.firsts.values())
        found_start = resolve_start(inputs, now, seen)
        kept = (known.config.history_start, known.vouched_from)
        if (found_start.config.history_start, found_start.vouched_from) != kept:
            numbers = figured(found_start)  # the start kept no longer stands
        known = found_start
        if cache is not None:
            start = str(found_start.config.history_start)
            remember(cache, START, {"start": start, "now": found_start.vouched_from is not None})
    inputs = known or inputs
    found = [item for item in numbers.found.values() if isinstance(item, Found)]
    warnings = sorted(inputs.warnings + [problem for item in found for problem in item.warnings])
    if inputs.strict and any(item.strays for item in found):
        raise InputError(warnings)
    return replace(inputs, warnings=warnings), numbers


SPARE = "spare"  # in the cache folder: the site the last build retired, which the next writes over (write_site)
START = "start.json"  # in the cache folder: where the history of a site without history_start was found to start


def _kept_start(cache: Path, inputs: Inputs, now: datetime) -> Inputs | None:
    """The inputs with the history start the last build found (see _read_and_figured), or None without one."""
    try:
        kept = json.loads((cache / START).read_text(encoding="utf-8"))
        start = date.fromisoformat(kept["start"])
        unvouched = kept["now"] is True
    except (OSError, ValueError, TypeError, KeyError):
        return None
    return replace(inputs, config=replace(inputs.config, history_start=start), vouched_from=now if unvouched else None)


HEAVY_BYTES = 4 << 20  # bytes of probe history from which the figures are worth forking workers for


def _files(folder: Path) -> Iterator[os.DirEntry[str]]:
    """Every file under ``folder``, at any depth (none when it does not exist)."""
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                yield from _files(Path(entry.path))
            elif entry.is_file(follow_symlinks=False):
                yield entry
