"""Command line: ``build`` (the default), ``check``, ``probe``, ``compact``, and the staff commands
``new``, ``update``, ``resolve`` and ``serve``; ``init`` starts a new site.

Exit codes: 0 ok, 1 invalid input, 2 bad usage. Invalid input is printed as
``path:line: message`` lines, never as a traceback.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from . import build as pipeline
from . import problems
from .compaction import compaction_plan, cutoff_month, place_folders
from .config import probe_shards
from .history import LEEWAY
from .init import arguments as init_arguments
from .instances import MAX_SHARDS, shard_of
from .model import BandwidthSample, Message, ProbeSample, place_folder
from .output import MonthChanged, UnsafeOutput, append_bandwidth, append_samples, retire_month
from .problems import InputError, Problem, Problems
from .schema import HOME_VANTAGE
from .times import FIRST_YEAR, LAST_YEAR, midnight, parse_datetime, plausible, zone_label

if TYPE_CHECKING:
    from .probe import Measured  # imported where it runs only: requests is needed only by probe

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """The command line itself is wrong; said in the language of the messages (``said``)."""

    def said(self, words: Mapping[str, str]) -> str:
        return problems.say(self.args[0], words) if self.args else ""


def parser() -> argparse.ArgumentParser:
    """The command line. An option that several subcommands take is declared once, in a parent parser
    (``parents=[…]``) given to each of them."""
    config_lang = argparse.ArgumentParser(add_help=False)  # every subcommand
    config_lang.add_argument(
        "--config", default="status.yml", type=Path, help="configuration file (default: status.yml)"
    )
    config_lang.add_argument("--lang", help="language of the messages (default: the site's first language)")
    out = argparse.ArgumentParser(add_help=False)  # build, serve
    out.add_argument("--out", default="site", type=Path, help="output folder (default: site)")
    now = argparse.ArgumentParser(add_help=False)  # build, compact
    now.add_argument(
        "--now",
        help="the current time, ISO 8601 (e.g. 2021-09-20T09:00+08:00); default: SOURCE_DATE_EPOCH, else the clock",
    )
    strict = argparse.ArgumentParser(add_help=False)  # build, check
    strict.add_argument("--strict", action="store_true", help="fail on warnings too, such as an unknown key")
    message = argparse.ArgumentParser(add_help=False)  # new, update, resolve
    message.add_argument("--message", help="the text of the update it writes (resolve: a standard sentence by default)")
    incident = argparse.ArgumentParser(add_help=False)  # update, resolve
    incident.add_argument("slug", help="the incident's file name without .md")
    incident.add_argument("--at", help="time of the update (default: now)")

    main = argparse.ArgumentParser(
        prog="generate.py",
        description="Build the static status page from status.yml and incidents/.",
    )
    commands = main.add_subparsers(
        dest="command", metavar="{build,check,init,new,update,resolve,serve,probe,compact,notify}"
    )
    build = commands.add_parser(
        "build", parents=[config_lang, out, now, strict], help="validate the input and build the site (the default)"
    )
    build.add_argument(
        "--no-cache",
        dest="cache",
        action="store_false",
        help="parse all probe history again, without .cache/statusgen/ (the output is the same)",
    )
    build.add_argument(
        "--timings", action="store_true", help="say how long reading, the figures and the pages took, on stderr"
    )
    commands.add_parser(
        "check", parents=[config_lang, strict], help="validate status.yml and incidents/ without writing anything"
    )
    init_arguments(
        commands.add_parser(
            "init",
            parents=[config_lang, now],
            help="start a new site: a commented status.yml and an empty incidents/; asks for what the flags leave out",
        )
    )
    new = commands.add_parser(
        "new", parents=[config_lang, message], help="write a new incident file; asks for what the flags leave out"
    )
    new.add_argument("--title")
    new.add_argument("--component", action="append", help="a component id (repeat, or separate with commas)")
    new.add_argument("--severity", help="major, partial, degraded, maintenance or notice")
    new.add_argument("--cause", help="internal (default) or external")
    new.add_argument("--started", help="start time, YYYY-MM-DD HH:MM in the site's zone (default: now)")
    new.add_argument("--maintenance-until", dest="maintenance_until", help="planned end of a maintenance window")
    update = commands.add_parser(
        "update", parents=[config_lang, incident, message], help="add an update to an incident"
    )
    update.add_argument(
        "--status",
        help="investigating, identified, monitoring, resolved (maintenance: scheduled, in_progress, completed)",
    )
    commands.add_parser(
        "resolve",
        parents=[config_lang, incident, message],
        help="mark an incident resolved (maintenance: completed)",
    )
    serve = commands.add_parser(
        "serve", parents=[config_lang, out], help="build, serve on 127.0.0.1, and rebuild when an input changes"
    )
    serve.add_argument("--port", default=8000, type=int, help="port on 127.0.0.1 (default: 8000; 0: any free one)")
    probe = commands.add_parser(
        "probe", parents=[config_lang], help="check every component that has a probe; append to history/"
    )
    probe.add_argument(
        "--vantage",
        default=HOME_VANTAGE,
        help=f"the place this run probes from: only its components, into its folders (default: {HOME_VANTAGE})",
    )
    probe.add_argument(
        "--history", type=Path, help="the probe history folder appended to (default: history/ beside status.yml)"
    )
    probe.add_argument(
        "--shard", help="I/N: probe only the I-th of N shares of the components (stable as components are added)"
    )
    probe.add_argument(
        "--plan",
        action="store_true",
        help='print the shards the probe workflow runs, as a JSON list such as ["1/2", "2/2"]; probe nothing',
    )
    compact = commands.add_parser(
        "compact", parents=[config_lang, now], help="roll raw probe months older than --keep-months into runs.csv"
    )
    compact.add_argument(
        "--keep-months", default=3, type=int, help="raw months kept besides the current one (default: 3)"
    )
    notify = commands.add_parser(
        "notify",
        parents=[config_lang, now],
        help="send the channels of status.yml's notify: what is due and not sent yet; record what was sent",
    )
    notify.add_argument(
        "--history", type=Path, help="the probe history folder, which holds the record _notify/ (default: history/)"
    )
    notify.add_argument(
        "--dry-run", dest="dry_run", action="store_true", help="print what each channel would get; send nothing"
    )
    return main


def resolve_now(option: str | None, environ: os._Environ[str] | dict[str, str], tz: object) -> datetime:
    """``now`` from --now, else SOURCE_DATE_EPOCH, else the clock; whole seconds.

    --now may carry a fraction of a second (``date --iso-8601=ns``); it is dropped, so that a build for
    the same second is the same build.
    """
    if option:
        try:
            return parse_datetime(option, tz, fractions=True)  # type: ignore[arg-type]
        except ValueError as exc:
            reason = exc.args[0] if exc.args and str(exc) != option.strip() else None
            raise UsageError(
                Message(
                    "--now '{value}' is not a time ({reason}): use ISO 8601, e.g. 2021-09-20T09:00+08:00"
                    if reason
                    else "--now '{value}' is not a time: use ISO 8601, e.g. 2021-09-20T09:00+08:00",
                    value=option,
                    reason=reason,
                )
            ) from None
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            moment = datetime.fromtimestamp(int(epoch), UTC)
            plausible(moment)
            return moment
        except (ValueError, OverflowError, OSError):
            raise UsageError(
                Message(
                    "SOURCE_DATE_EPOCH '{epoch}' is not a whole number of seconds since 1970 "
                    "within the years {first}–{last}",
                    epoch=epoch,
                    first=FIRST_YEAR,
                    last=LAST_YEAR,
                )
            ) from None
    return datetime.now(UTC).replace(microsecond=0)


def main(argv: Sequence[str] | None = None) -> int:
    if argv is None:  # the real command line, not a caller's
        tolerant_output()
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list or (args_list[0].startswith("-") and args_list[0] not in ("-h", "--help")):
        args_list.insert(0, "build")
    try:
        args = parser().parse_args(args_list)
    except SystemExit as exit_:  # argparse has printed the usage error
        return EXIT_USAGE if exit_.code else EXIT_OK
    try:
        if args.command == "check":
            return run_check(args.config, args.strict, message_language(args))
        if args.command in ("new", "update", "resolve"):
            return run_staff(args)
        if args.command == "init":
            return run_init(args)
        if args.command == "serve":
            from .serve import serve  # the server and its watcher are needed only here

            return serve(args.config, args.out, args.port, message_language(args))
        if args.command == "probe":
            return run_probe(
                args.config, message_language(args), args.vantage, args.history, parse_shard(args.shard), args.plan
            )
        if args.command == "notify":
            return run_notify(args.config, args.history, args.now, args.dry_run, message_language(args))
        if args.command == "compact":
            return run_compact(args.config, args.keep_months, args.now, message_language(args))
        return run_build(args.config, args.out, args.now, args.strict, message_language(args), args.cache, args.timings)
    except UsageError as exc:
        said = exc.said(problems.translations(message_language(args)))
        print(f"generate.py: error: {said}", file=sys.stderr)
        return EXIT_USAGE
    except InputError as exc:
        words = problems.translations(message_language(args))
        report(exc.problems, getattr(args, "strict", False), words)
        print(exc.summary(words), file=sys.stderr)
        return EXIT_INVALID


def tolerant_output() -> None:
    """Let standard output show ``?`` for a character its encoding lacks, rather than stop the command.

    On Windows, output that is not the console itself (a pipe, a file, some terminals of Git Bash) is
    written in the ANSI code page, such as cp1252, which has no room for much that an incident title may
    hold. Standard error already replaces such characters (with ``\\uXXXX``).
    """
    if isinstance(sys.stdout, io.TextIOWrapper) and sys.stdout.errors == "strict":
        sys.stdout.reconfigure(errors="replace")


def message_language(args: argparse.Namespace) -> str:
    """The language of messages: ``--lang``, else the first of ``languages`` in status.yml, else Indonesian."""
    if getattr(args, "lang", None):
        return str(args.lang)
    from .yamlsrc import YamlError, parse, read_text

    # Read as every source is (a regular file, bounded, aliases capped): the file may be hostile,
    # and its problems are reported by the command itself, in the language found here.
    text = read_text(Path(args.config), str(args.config), Problems())
    try:
        data = parse(text) if text is not None else None
    except YamlError:
        return "id"
    languages = data.get("languages") if isinstance(data, dict) else None
    first = languages[0] if isinstance(languages, list) and languages else None
    return first if isinstance(first, str) else "id"


def report(found: Sequence[Problem], strict: bool = False, words: Mapping[str, str] | None = None) -> None:
    """Print each problem as ``path:line: message``; inside GitHub Actions also as an annotation,
    so a pull request shows it on the very line (a warning that fails a strict run as an error)."""
    annotate = os.environ.get("GITHUB_ACTIONS") == "true"
    for problem in found:
        line = problem.said(words or {})
        if annotate:
            # The runner reads workflow commands on stderr too: no line of ours may start one.
            line = line.replace("\r", " ").replace("\n", " ")
        print(line, file=sys.stderr)
        if annotate:
            print(annotation(problem, strict, words or {}))


def annotation(problem: Problem, strict: bool = False, words: Mapping[str, str] | None = None) -> str:
    """A GitHub workflow command: ``::error file=…,line=…::message``, escaped as GitHub requires."""

    def escape(text: str, property_value: bool = False) -> str:
        text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return text.replace(":", "%3A").replace(",", "%2C") if property_value else text

    kind = "warning" if problem.warning and not strict else "error"
    message = problems.visible(problems.say(problem.message, words or {}))
    return f"::{kind} file={escape(problem.path, True)},line={problem.line}::{escape(message)}"


def run_check(config: Path, strict: bool, code: str) -> int:
    inputs = pipeline.load(config, strict, with_history=False)  # history is the build's input, not the staff's
    inputs = pipeline.check_timeline(inputs, resolve_now(None, os.environ, inputs.config.timezone))
    words = problems.translations(code)
    report(inputs.warnings, words=words)
    summary = Message(
        "{path}: {components} components, {incidents} incidents, {warnings} warnings: ok",
        path=pipeline.shown_path(config),
        components=len(inputs.config.components),
        incidents=len(inputs.incidents),
        warnings=len(inputs.warnings),
    )
    print(problems.say(summary, words))
    return EXIT_OK


def run_init(args: argparse.Namespace) -> int:
    """``init``: a new site's status.yml and incidents/, in the folder of --config; prompts on stdin for what
    the flags leave out. Its messages and the file's comments are in --lang, else Indonesian."""
    from . import i18n
    from .init import init

    code = args.lang or "id"
    if code not in i18n.available():
        available = ", ".join(i18n.available())
        raise UsageError(
            Message("--lang {code}: no such language (available: {available})", code=code, available=available)
        )
    return init(args, i18n.languages([code])[0], input, lambda tz: resolve_now(args.now, os.environ, tz))


def run_staff(args: argparse.Namespace) -> int:
    """``new``, ``update`` or ``resolve``: prompts on stdin for what the flags leave out."""
    from . import i18n, staff

    config, warnings = pipeline.load_settings(args.config)
    code = args.lang or config.languages[0]
    report(warnings, words=problems.translations(code))
    if code not in i18n.available():
        available = ", ".join(i18n.available())
        raise UsageError(
            Message("--lang {code}: no such language (available: {available})", code=code, available=available)
        )
    lang = i18n.languages([code])[0]
    now = resolve_now(None, os.environ, config.timezone)
    helper = staff.Staff(config, lang, now, input, lambda path: pipeline.shown_path(path))
    options = vars(args)
    try:
        if args.command == "new":
            path = staff.new(helper, options)
            print(helper.saved(path))
        else:
            command = staff.update if args.command == "update" else staff.resolve
            path = command(helper, args.slug, options)
            print(helper.updated(path))
    except staff.StaffError as exc:
        # One line whatever the input held: a newline in a form's slug must not start a workflow command.
        said = str(exc).replace("\r", " ").replace("\n", " ")
        print(f"generate.py {args.command}: {said}", file=sys.stderr)
        return EXIT_INVALID
    except KeyboardInterrupt:  # Ctrl+C at a prompt: nothing was written
        print(file=sys.stderr)
        return 130
    except OSError as exc:  # the incidents folder cannot be written: the file is as it was
        where = pipeline.shown_path(Path(exc.filename)) if exc.filename else pipeline.shown_path(config.incidents_dir)
        print(f"generate.py {args.command}: {where}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_INVALID
    print(helper.say(staff.PUBLISH))
    return EXIT_OK


def run_build(
    config: Path,
    out: Path,
    now_option: str | None,
    strict: bool,
    code: str = "id",
    cache: bool = True,
    timings: bool = False,
) -> int:
    spent: dict[str, float] = {}
    with pipeline.collector_paused():
        start = time.perf_counter()
        inputs = pipeline.load(config, strict, cache=cache, stream=True)
        spent["read"] = time.perf_counter() - start
        # A --now without an offset is in the site time zone, known only once the config is read.
        now = resolve_now(now_option, os.environ, inputs.config.timezone)
        inputs = pipeline.check_timeline(inputs, now, strict)
        try:
            written, warnings = pipeline.build(inputs, out, now, cache=cache, timings=spent)
        except UnsafeOutput as exc:
            raise UsageError(str(exc)) from None
        except PermissionError as exc:  # on Windows, also a file or folder in the site held open by another program
            where = pipeline.shown_path(Path(exc.filename) if exc.filename else out)
            raise UsageError(
                Message(
                    "{path}: {reason}: the site folder could not be replaced; close what holds it open "
                    "(a terminal inside it, an editor) and build again",
                    path=where,
                    reason=exc.strerror or str(exc),
                )
            ) from None
    words = problems.translations(code)
    report(warnings, words=words)
    if timings:
        seconds = {name: f"{spent[name]:.3f}" for name in ("read", "figures", "pages")}
        line = Message(
            "timings: read {read} s, figures {figures} s, pages {pages} s ({files} files)",
            files=len(written),
            **seconds,
        )
        print(problems.say(line, words), file=sys.stderr)
    local = now.astimezone(inputs.config.timezone)
    built = Message(
        "built {path}/ for {time} ({zone})",
        path=pipeline.shown_path(out),
        time=local.isoformat(),
        zone=zone_label(local),
    )
    print(problems.say(built, words))
    return EXIT_OK


def parse_shard(option: str | None) -> tuple[int, int] | None:
    """``--shard I/N`` as (I, N): 1 <= I <= N <= MAX_SHARDS."""
    if option is None:
        return None
    parts = option.strip().split("/")
    if len(parts) == 2 and all(part.isdigit() for part in parts):
        index, count = int(parts[0]), int(parts[1])
        if 1 <= index <= count <= MAX_SHARDS:
            return index, count
    raise UsageError(
        Message("--shard '{value}' is not I/N with 1 <= I <= N <= {most}, e.g. 2/4", value=option, most=MAX_SHARDS)
    )


def run_probe(
    config_path: Path,
    code: str = "id",
    vantage: str = HOME_VANTAGE,
    history: Path | None = None,
    shard: tuple[int, int] | None = None,
    plan: bool = False,
) -> int:
    """Probe from one place (``vantage``) what it probes (of ``shard``, when given: (I, N)), append one sample
    per component to its folder of ``history`` (see model.place_folder), measure the links that are due, and
    say what was found. Down is data: exit 0. ``plan``: print the shards the workflow runs, and probe nothing."""
    from .probe import bandwidth_due, probe_all  # requests is needed only here

    config, warnings = pipeline.load_settings(config_path)
    if plan:
        count = probe_shards(config.components)
        print(json.dumps([f"{index}/{count}" for index in range(1, count + 1)]))
        return EXIT_OK
    words = problems.translations(code)
    report(warnings, words=words)
    known = [v.id for v in config.vantages]
    if vantage not in known:
        line = Message("--vantage '{vantage}': no such place (known: {known})", vantage=vantage, known=", ".join(known))
        print(f"generate.py: error: {problems.say(line, words)}", file=sys.stderr)
        return EXIT_INVALID
    root = config.history_dir if history is None else history
    probed = [c for c in config.components if c.probe is not None and vantage in c.probe.vantages]
    if shard is not None:
        probed = [c for c in probed if shard_of(c.id, shard[1]) == shard[0]]
    moment = int(time.time())
    found = Problems()
    due = {
        c.id
        for c in probed
        if c.probe is not None
        and c.probe.bandwidth is not None
        and bandwidth_due(
            root / place_folder(c.id, vantage),
            c.probe.bandwidth.every,
            moment,
            found,
            f"{pipeline.shown_path(root)}/{place_folder(c.id, vantage)}",
        )
    }
    report(found.warnings, words=words)
    outcomes = probe_all(probed, measure=due)
    if not outcomes:
        if not any(c.probe for c in config.components):
            nothing = Message("no component has a 'probe:'; nothing to do")
        elif shard is not None:
            nothing = Message("no component probed from '{vantage}' falls in shard {shard}; nothing to do",
                              vantage=vantage, shard=f"{shard[0]}/{shard[1]}")  # fmt: skip
        else:
            nothing = Message("no component is probed from '{vantage}'; nothing to do", vantage=vantage)
        print(problems.say(nothing, words))
        return EXIT_OK
    samples = {
        cid: ProbeSample(moment, o.status, o.http_status, o.latency_ms, o.error, o.cert_days)
        for cid, o in outcomes.items()
    }
    measured = {
        cid: BandwidthSample(moment, o.bandwidth.download_mbps, o.bandwidth.upload_mbps, o.bandwidth.error)
        for cid, o in outcomes.items()
        if o.bandwidth is not None
    }
    failed = append_samples(root, {place_folder(cid, vantage): sample for cid, sample in samples.items()})
    failed += append_bandwidth(root, {place_folder(cid, vantage): sample for cid, sample in measured.items()})
    for path, exc in failed:
        line = Message("cannot append probe history: {reason}", reason=exc.strerror or str(exc))
        where = pipeline.shown_path(Path(exc.filename) if exc.filename else path)
        print(f"{where}:1: {problems.say(line, words)}", file=sys.stderr)
    for cid, sample in sorted(samples.items()):
        print(probe_line(cid, sample, words))
        found_bandwidth = outcomes[cid].bandwidth
        if found_bandwidth is not None:
            print(bandwidth_line(cid, found_bandwidth, words))
    return EXIT_INVALID if failed else EXIT_OK


# What a probe found, in words; the history files keep the English word.
PROBE_STATUS = {"up": Message("up"), "degraded": Message("degraded"), "down": Message("down")}


def probe_line(cid: str, sample: ProbeSample, words: Mapping[str, str]) -> str:
    """``web: up 200 35 ms cert 60 d``: what one probe found, in the language of ``words``. The error
    (``timeout``, ``status``) is shown as the code the history file holds, to be looked up there."""
    status = PROBE_STATUS.get(sample.status, sample.status)
    parts = (
        sample.http_status,
        f"{sample.latency_ms} ms" if sample.latency_ms is not None else None,
        sample.error,
        Message("cert {days} d", days=sample.cert_days) if sample.cert_days is not None else None,
    )
    detail = " ".join(
        problems.say(part, words) if isinstance(part, str) else str(part) for part in parts if part is not None
    )
    return f"{cid}: {problems.say(status, words)} {detail}".rstrip()


def bandwidth_line(cid: str, measured: Measured, words: Mapping[str, str]) -> str:
    """``internet: bandwidth download 38.512 Mbps, upload failed (connection)``: one measurement, in the
    language of ``words``; a direction not measured is left out, a failed one shows its error code."""
    parts = [
        Message("download {mbps} Mbps", mbps=f"{measured.download_mbps:.3f}")
        if measured.download_mbps is not None
        else Message("download failed ({error})", error=measured.download_error)
    ]
    if measured.upload_mbps is not None:
        parts.append(Message("upload {mbps} Mbps", mbps=f"{measured.upload_mbps:.3f}"))
    elif measured.upload_error is not None:
        parts.append(Message("upload failed ({error})", error=measured.upload_error))
    said = ", ".join(problems.say(part, words) for part in parts)
    return f"{cid}: {problems.say(Message('bandwidth'), words)} {said}"


def run_notify(config_path: Path, history: Path | None, now_option: str | None, dry_run: bool, code: str) -> int:
    """Send what is due to each channel (notify.py, which Apprise is imported for only here)."""
    from .notify import run_notify as notify

    config, _ = pipeline.load_settings(config_path)
    now = resolve_now(now_option, os.environ, config.timezone).astimezone(UTC)
    return notify(config_path, history, now, dry_run, code)


def run_compact(config_path: Path, keep_months: int, now_option: str | None, code: str = "id") -> int:
    """Roll complete raw months older than ``keep_months`` into runs.csv and daily.csv.

    A component whose files cannot be written costs only itself: the others are still compacted,
    and the exit status is 1.
    """
    if keep_months < 3:
        raise UsageError(Message("--keep-months must be at least 3, so the 90-day charts keep their raw samples"))
    config, warnings = pipeline.load_settings(config_path)
    words = problems.translations(code)
    report(warnings, words=words)
    found = Problems()
    now = resolve_now(now_option, os.environ, config.timezone).astimezone(UTC)
    cutoff = cutoff_month(now, keep_months)  # months before this are compacted
    shown = pipeline.shown_path(config.history_dir)
    failed = False
    # Each component's folder, then the folder of each other place that probed it (model.place_folder).
    folders = [(c, cid) for c in config.components for cid in place_folders(config.history_dir, c.id)]
    for component, cid in folders:
        folder = config.history_dir / cid
        first = config.earliest(component)  # None: no day written, the history starts at its first record
        start = None if first is None else int(midnight(first, config.timezone).timestamp())
        try:
            plan = compaction_plan(
                folder, cutoff, config.max_gap, found, f"{shown}/{cid}", start, int(now.timestamp()) + LEEWAY
            )
            for month in plan:
                try:
                    retire_month(folder, month.month, month.runs, month.daily, month.skipped, month.size, month.digest)
                except MonthChanged:
                    late = Message("a line was appended while the month was compacted: left raw for the next run")
                    found.warning(f"{shown}/{cid}/{month.month}.csv", 1, late)
                    continue
                done = (
                    Message(
                        "{component}: {month} was compacted before: its raw file removed",
                        component=cid,
                        month=month.month,
                    )
                    if month.already
                    else Message(
                        "{component}: {month} compacted into {runs} runs",
                        component=cid,
                        month=month.month,
                        runs=len(month.runs),
                    )
                )
                print(problems.say(done, words))
        except OSError as exc:
            where = exc.filename or f"{shown}/{cid}"
            line = Message("cannot compact probe history: {reason}", reason=exc.strerror or str(exc))
            print(f"{where}:1: {problems.say(line, words)}", file=sys.stderr)
            failed = True
    report(found.warnings, words=words)
    return EXIT_INVALID if failed else EXIT_OK
