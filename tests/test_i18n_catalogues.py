"""The message catalogues: the same keys, kinds and placeholders in every language; every key the code and the
templates ask for is present and none goes unused; plural pairs and name lists; a catalogue that cannot be read,
or a translation with mistakes, is reported by file and line. Words to staff on a console are not here: they are
``Message``s, said from statusgen/messages/ and checked by test_messages.py.
"""

from __future__ import annotations

import ast
import inspect
import re
import shutil
import string
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest

from statusgen import charts, figures, history, i18n, incidents, notices, probe, status, uptime, views
from statusgen.i18n import Language
from tests.i18nkit import (
    BUILT_AT,
    CODES,
    DEFAULT,
    LOCALES,
    OTHER_CODES,
    PACKAGE,
    SMALL,
    TEMPLATES,
    Cli,
    MakeSite,
    catalogue,
)

# --- Message catalogues -------------------------------------------------------------------------------------------


def kind(message: i18n.Message) -> str:
    """'list' for day and month names; 'message' for text or a one/other pair.

    Text and a pair are one kind: ``Language.plural`` reads both, and Bahasa Indonesia writes "1 hari" and
    "2 hari" alike, so its counted words are plain text where English has a pair. That a pair is only ever
    read through ``plural`` is checked against the code below.
    """
    return "list" if isinstance(message, list) else "message"


def placeholders(message: i18n.Message) -> set[str]:
    """The ``{names}`` of a message; for a one/other pair, those of both forms together."""
    texts = list(message.values()) if isinstance(message, dict) else [message] if isinstance(message, str) else message
    return {name for text in texts for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_the_default_language_and_at_least_one_other_have_catalogues() -> None:
    assert DEFAULT in CODES
    assert OTHER_CODES, "no second language: the tests below would compare nothing"


@pytest.mark.parametrize("code", OTHER_CODES)
def test_a_catalogue_has_exactly_the_keys_of_the_default_one(code: str) -> None:
    default, other = catalogue(DEFAULT).keys(), catalogue(code).keys()
    assert sorted(default - other) == [], f"in {DEFAULT}.yml but missing from {code}.yml"
    assert sorted(other - default) == [], f"in {code}.yml but not in {DEFAULT}.yml"


@pytest.mark.parametrize("code", OTHER_CODES)
def test_a_key_has_the_same_kind_and_placeholders_in_every_language(code: str) -> None:
    default, other = catalogue(DEFAULT), catalogue(code)
    differences = [
        f"{key}: {kind(default[key])} {sorted(placeholders(default[key]))} in {DEFAULT}.yml, "
        f"{kind(other[key])} {sorted(placeholders(other[key]))} in {code}.yml"
        for key in sorted(default.keys() & other.keys())
        if (kind(default[key]), placeholders(default[key])) != (kind(other[key]), placeholders(other[key]))
    ]
    assert differences == []


@pytest.mark.parametrize("code", CODES)
def test_name_lists_hold_seven_days_and_twelve_months(code: str) -> None:
    lists = {key: len(value) for key, value in catalogue(code).items() if isinstance(value, list)}
    assert lists == {"names.weekdays": 7, "names.weekdays_short": 7, "names.months": 12}


@pytest.mark.parametrize("code", CODES)
def test_a_plural_pair_has_both_forms(code: str) -> None:
    # plural() takes "one" for 1 and "other" for anything else, 0 included: a pair missing either form
    # fails on some count. The loader reads {one: ...} alone as a pair too, so this is not the loader's check.
    pairs = {key: sorted(value) for key, value in catalogue(code).items() if isinstance(value, dict)}
    if code == "en":
        assert pairs, "English counts words: it should have pairs"
    assert {key: forms for key, forms in pairs.items() if forms != ["one", "other"]} == {}


# Finding the keys the code asks for. Templates call t('…'), t_html('…'), plural('…'), other.t('…') and
# lang.names('…'); Python calls lang.t("…"), .plural("…"), .html("…") and .names("…"). A key built from a
# value, 'status.' ~ item.status or f"status.{status}", is checked for every value that can reach it.

TEMPLATE_CALL = re.compile(r"(?<![\w.])(?:\w+\.)?(t|t_html|plural|names)\(\s*")
TEMPLATE_LITERAL = re.compile(r"(['\"])([^'\"]*)\1\s*(~)?")
PYTHON_CALL = re.compile(r"\.(t|plural|html|names)\(\s*")
PYTHON_LITERAL = re.compile(r"(f?)([\"'])([^\"'{}]*)(\{[^}]*\})?\2")
# The one call that is not given a key as written: Language.html passing its own argument on to Language.t.
FORWARDING = {("i18n.py", "key")}


@dataclass(frozen=True)
class Use:
    key: str  # the key, or for a dynamic key the prefix it is built on
    call: str  # "t", "html", "plural" or "names"
    dynamic: bool
    where: str  # file:line
    names: frozenset[str] | None  # the {placeholders} the call fills by name; None when it passes **values


@dataclass(frozen=True)
class Uses:
    found: tuple[Use, ...]
    unreadable: tuple[str, ...]  # file:line: argument, for calls whose key the scan cannot read

    @property
    def literal(self) -> list[Use]:
        return [use for use in self.found if not use.dynamic]

    @property
    def dynamic(self) -> list[Use]:
        return [use for use in self.found if use.dynamic]


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def passed_names(text: str, start: int) -> frozenset[str] | None:
    """The keyword names of a call whose arguments start at ``start``, just inside its parenthesis."""
    pieces: list[str] = []
    depth, quote, piece_start = 0, "", start
    for index in range(start, len(text)):
        char = text[index]
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}" and depth:
            depth -= 1
        elif char in ",)" and not depth:
            pieces.append(text[piece_start:index])
            piece_start = index + 1
            if char == ")":
                break
    if any(piece.strip().startswith("**") for piece in pieces):
        return None
    return frozenset(match.group(1) for piece in pieces if (match := re.match(r"\s*(\w+)\s*=(?!=)", piece)))


@cache
def scan() -> Uses:
    found: list[Use] = []
    unreadable: list[str] = []
    for path in sorted([*TEMPLATES.glob("*.html"), *TEMPLATES.glob("*.svg")]):
        text = path.read_text(encoding="utf-8")
        for call in TEMPLATE_CALL.finditer(text):
            where = f"templates/{path.name}:{_line(text, call.start())}"
            name = "html" if call.group(1) == "t_html" else call.group(1)
            literal = TEMPLATE_LITERAL.match(text, call.end())
            if literal is None:
                unreadable.append(f"{where}: {text[call.end() : call.end() + 30]!r}")
            else:
                names = passed_names(text, call.end())
                found.append(Use(literal.group(2), name, literal.group(3) == "~", where, names))
    for path in sorted(PACKAGE.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        for call in PYTHON_CALL.finditer(text):
            where = f"statusgen/{path.name}:{_line(text, call.start())}"
            literal = PYTHON_LITERAL.match(text, call.end())
            argument = re.match(r"[^,)]*", text[call.end() :])
            assert argument is not None
            if literal is not None and (literal.group(1) == "f") == (literal.group(4) is not None):
                names = passed_names(text, call.end())
                found.append(Use(literal.group(3), call.group(1), literal.group(1) == "f", where, names))
            elif (path.name, argument.group(0).strip()) not in FORWARDING:
                unreadable.append(f"{where}: {argument.group(0)!r}")
    return Uses(tuple(found), tuple(unreadable))


def _source_tree(thing: ModuleType | Callable[..., object]) -> ast.AST:
    return ast.parse(textwrap.dedent(inspect.getsource(thing)))


def _strings(node: ast.AST) -> set[str]:
    return {n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)}


def returned_words(function: Callable[..., str]) -> set[str]:
    """Every text a function can return: ``return "a"`` and ``return "a" if x else "b"``."""
    return {word for node in ast.walk(_source_tree(function)) if isinstance(node, ast.Return) and node.value
            for word in _strings(node.value)}  # fmt: skip


def probe_error_words() -> set[str]:
    """The error words the probe records: Outcome(..., error="x"), Outcome("down", code, ms, "x") and classify()."""
    words = returned_words(probe.classify)
    for node in ast.walk(_source_tree(probe)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Outcome":
            words |= {w for k in node.keywords if k.arg == "error" for w in _strings(k.value)}
            if len(node.args) >= 4:
                words |= _strings(node.args[3])
    return words


def source_words() -> set[str]:
    """The data sources a day's figures name: every text given to something called ``source`` in uptime.py."""
    words: set[str] = set()
    for node in ast.walk(_source_tree(uptime)):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "source" for t in node.targets):
            words |= _strings(node.value)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == "source":
            words |= _strings(node.value) if node.value else set()
        elif isinstance(node, ast.arguments):
            positional = node.posonlyargs + node.args
            defaults = dict(zip([a.arg for a in positional][-len(node.defaults) :], node.defaults, strict=False))
            defaults.update({a.arg: d for a, d in zip(node.kwonlyargs, node.kw_defaults, strict=True) if d})
            words |= _strings(defaults["source"]) if "source" in defaults else set()
    return words


def chart_line_kinds() -> set[str]:
    """The kinds of chart lines: the first argument of every ``_line("kind", ...)`` in charts.py."""
    return {
        word
        for node in ast.walk(_source_tree(charts))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_line"
        for word in _strings(node.args[0])
    }


def duration_units() -> set[str]:
    """The units Language.duration counts: ``for n, unit in ((days, "day"), ...)``."""
    return {
        word
        for node in ast.walk(_source_tree(Language.duration))
        if isinstance(node, ast.comprehension)
        and "unit" in {n.id for n in ast.walk(node.target) if isinstance(n, ast.Name)}
        for word in _strings(node.iter)
    }


def template_loop(template: str, variable: str) -> set[str]:
    """The values of ``{% for variable in ['a', 'b'] %}`` in a template."""
    text = (TEMPLATES / template).read_text(encoding="utf-8")
    loops = re.findall(r"\{%-?\s*for\s+" + variable + r"\s+in\s+\[([^\]]*)\]", text)
    assert len(loops) == 1, f"{template}: expected one loop over a literal list for '{variable}'"
    return set(re.findall(r"'([^']*)'", loops[0]))


def dynamic_values() -> dict[str, frozenset[str]]:
    """Every value a key built as prefix + value can be made of, by prefix."""
    statuses = frozenset(status.STATUSES)
    values = {
        "status.": statuses,
        "overall.": statuses,
        "severity.": incidents.SEVERITIES,
        "cause.": incidents.CAUSES,
        "update_status.": incidents.INCIDENT_STATUSES + incidents.MAINTENANCE_STATUSES,
        "phase.": returned_words(status.phase),
        "day_level.": returned_words(views.day_level),
        "probe_error.": set(history.ERRORS) | probe_error_words(),
        "window.": {key for key, _ in figures.WINDOWS} | {"all"},
        "source.": source_words(),
        "calendar_page.source.": source_words(),
        "chart.": chart_line_kinds(),
        "duration.": duration_units(),
        "help.prepare_": template_loop("_help.html", "key"),
        "notify_title.": notices.PROBE_EVENTS + notices.INCIDENT_EVENTS + notices.MAINTENANCE_EVENTS,
        "notify_probe.": set(notices.PROBE_EVENTS) - {"partial"},  # a partial outage names its places: notify.partial
        "notify_maintenance.": notices.MAINTENANCE_EVENTS,
    }
    return {prefix: frozenset(words) for prefix, words in values.items()}


def wanted_keys() -> dict[str, list[Use]]:
    """Every key the code can ask for, with where and how it is asked for."""
    wanted: dict[str, list[Use]] = {}
    for use in scan().literal:
        wanted.setdefault(use.key, []).append(use)
    for use in scan().dynamic:
        for value in dynamic_values().get(use.key, ()):
            wanted.setdefault(use.key + value, []).append(use)
    return wanted


def test_the_scan_finds_calls_of_every_shape() -> None:
    # If the patterns stopped matching, every other catalogue test would pass on nothing.
    literal = {(use.key, use.call) for use in scan().literal}
    for expected in [
        ("not_found.home", "t"),  # other.t('…') in 404.html
        ("names.weekdays_short", "names"),  # lang.names('…') in component_year.html
        ("subscribe.rss_html", "html"),  # t_html('…')
        ("sla.months_met", "plural"),  # plural('…', n, met=…)
        ("check.again", "t"),  # inside a {{ {…} | tojson }} mapping
        ("format.date_long", "t"),  # self.t(\n "…", in i18n.py
        ("badge.label", "t"),  # lang.t("…") in render.py
    ]:
        assert expected in literal
    dynamic = {(use.key, use.call) for use in scan().dynamic}
    assert {("status.", "t"), ("chart.", "t"), ("help.prepare_", "t"), ("duration.", "plural")} <= dynamic
    assert len(literal) > 150
    given = {use.key: use.names for use in scan().found}
    assert given["index.recent"] == frozenset({"days"})  # t('index.recent', days=14)
    assert given["check.again"] == frozenset()  # inside {…} | tojson, followed by a comma
    assert given["format.date_long"] == frozenset({"weekday", "day", "month", "year"})  # over several lines
    assert given["chart.checks"] == frozenset({"ms"})  # plural('chart.checks', line.count, ms=line.last_ms)


def test_the_values_of_dynamic_keys_are_found() -> None:
    values = dynamic_values()
    assert {prefix: words for prefix, words in values.items() if not words} == {}
    assert values["phase."] == {"scheduled", "in_progress", "completed", "ongoing", "resolved"}
    assert values["source."] == {"incidents", "probes"}
    assert values["chart."] == {"median", "p95", "each"}
    assert values["duration."] == {"day", "hour", "minute"}
    assert probe_error_words() <= set(history.ERRORS), "the probe records a word the history files refuse"


def test_the_legend_names_every_day_level() -> None:
    assert template_loop("_legend.html", "level") == returned_words(views.day_level)


def test_every_key_is_asked_for_as_written_or_by_a_known_prefix() -> None:
    # A key held in a variable could be anything: the scan could not check it against the catalogues.
    assert list(scan().unreadable) == []
    unknown = sorted({f"{use.where}: '{use.key}' ~ …" for use in scan().dynamic if use.key not in dynamic_values()})
    assert unknown == [], "a key built on a new prefix: add its values to dynamic_values()"


@pytest.mark.parametrize("code", CODES)
def test_every_key_the_code_asks_for_is_in_the_catalogue(code: str) -> None:
    messages = catalogue(code)
    missing = sorted(f"{key} ({uses[0].where})" for key, uses in wanted_keys().items() if key not in messages)
    assert missing == []


SHAPES: dict[str, type | tuple[type, ...]] = {"t": str, "html": str, "names": list, "plural": (str, dict)}


@pytest.mark.parametrize("code", CODES)
def test_every_key_is_asked_for_the_way_it_is_written(code: str) -> None:
    # t() and html() need text, names() a list; plural() takes text or a one/other pair.
    # Keys ending in _html hold markup: read with html(), which escapes the values, and only those keys.
    messages = catalogue(code)
    wrong = []
    for key, uses in sorted(wanted_keys().items()):
        message = messages.get(key)
        for use in uses:
            if message is not None and not isinstance(message, SHAPES[use.call]):
                wrong.append(f"{use.where}: {use.call}('{key}') but it is a {type(message).__name__}")
            if (use.call == "html") != key.endswith("_html"):
                wrong.append(f"{use.where}: {use.call}('{key}')")
    assert wrong == []


# Messages handed raw to static/check.js, whose fill() puts in {name} in the visitor's browser.
VERDICTS = ("offline", "reachable", "reachable_despite", "lpse", "maintenance", "yours", "unknown", "untried")
FILLED_BY_CHECK_JS = {
    key: {"name"}
    for key in ["check.reached", "check.not_reached", "check.not_tried", *(f"check.verdict_{v}" for v in VERDICTS)]
}


@pytest.mark.parametrize("code", CODES)
def test_every_call_fills_exactly_the_placeholders_of_its_message(code: str) -> None:
    # A message given no values at all comes out raw, "{days}" and all; a missing one is a KeyError at build
    # time; an extra one means the message lost a placeholder the code still fills. plural() fills {n} itself.
    script = (TEMPLATES / "static" / "check.js").read_text(encoding="utf-8")
    assert "untried ? messages.not_tried : reached ? messages.reached : messages.not_reached;" in script
    assert "fill(said, { name: name })" in script
    assert 'var text = untried && kind === "unknown" ? messages.untried : messages[kind];' in script
    assert "fill(text, { name: name })" in script
    messages = catalogue(code)
    wrong = []
    for key, uses in sorted(wanted_keys().items()):
        message = messages.get(key)
        for use in uses:
            if message is None or use.names is None or use.call == "names":
                continue
            expected = placeholders(message) - ({"n"} if use.call == "plural" else set())
            expected -= FILLED_BY_CHECK_JS.get(key, set())
            if use.names != expected:
                wrong.append(f"{use.where}: '{key}' is given {sorted(use.names)}, its message has {sorted(expected)}")
    assert wrong == []


def test_no_catalogue_key_goes_unused() -> None:
    assert sorted(catalogue(DEFAULT).keys() - wanted_keys().keys()) == []


def test_a_catalogue_that_cannot_be_read_is_reported_not_a_traceback(
    make_site: MakeSite, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # PRODUCT BUG: i18n.CatalogueError is raised by render.site_jobs and caught nowhere (cli.main catches
    # InputError and UsageError only), so a typo in a catalogue - docs/output.md's way to add a language is to copy
    # en.yml and translate it - passes 'check' and makes 'build' end in a traceback. statusgen/problems.py:
    # "Bad input ... is reported as path:line: message lines, with exit status 1 and no traceback".
    broken = tmp_path / "locales"
    broken.mkdir()
    shutil.copy(LOCALES / "id.yml", broken / "id.yml")
    (broken / "en.yml").write_text("nav:\n  status: [Status\n", encoding="utf-8")
    real = i18n.load_catalogue
    monkeypatch.setattr(i18n, "load_catalogue", lambda code, folder=LOCALES: real(code, broken))
    site = make_site(SMALL)
    run = cli("build", "--config", site.config, "--out", site.out, "--now", BUILT_AT)
    assert run.code == 1
    # The list opened on line 2 is never closed: the reader points at the line that opened it and names the
    # missing ']', the same way as for status.yml.
    assert f"{broken / 'en.yml'}:2: cannot read the message catalogue" in run.err
    assert "add the missing ']'" in run.err
    assert not site.out.exists()


def test_a_translated_catalogue_with_mistakes_is_reported_by_line(tmp_path: Path) -> None:
    """What a translator may get wrong, each found before a build with the file and line to fix."""
    folder = tmp_path / "locales"
    folder.mkdir()
    shutil.copy(LOCALES / "id.yml", folder / "id.yml")
    english = (LOCALES / "en.yml").read_text(encoding="utf-8").splitlines()
    lines = {n + 1: text for n, text in enumerate(english)}

    def line_of(start: str) -> int:
        return next(n for n, text in lines.items() if text.startswith(start))

    day = line_of("  day: {one:")  # duration.day
    months = line_of("  months: [")
    lines[day] = '  day: "{dayz} days"'  # a placeholder nothing fills
    lines[months] = "  months: [January, February]"  # 2 names where 12 are needed
    lines[len(lines) + 1] = "extra:\n  key: 2021"  # a key the default language does not have
    (folder / "en.yml").write_text("\n".join(lines.values()) + "\n", encoding="utf-8")

    found = sorted((p.line, p.message) for p in i18n.catalogue_problems(["id", "en"], folder))

    assert found == sorted(
        [
            (day, "'duration.day' uses {dayz}, which is never filled (it may use: {n})"),
            (months, "'names.months' must be a list of 12, as in id.yml"),
            (len(english) + 2, "'extra.key' is not in id.yml: remove it"),
        ]
    )
    assert i18n.catalogue_problems(["id", "en"]) == []  # the shipped catalogues are clean
