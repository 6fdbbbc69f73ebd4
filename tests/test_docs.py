"""The README documents what the code declares, and each check here is shown to fail when it should.

- Every key of ``status.yml`` and of an incident file (``schema.TABLES``) has a row in its table's block,
  ``<!-- reference:NAME -->`` … ``<!-- /reference:NAME -->``.
- Those blocks are exactly what ``schema.reference`` renders (``scripts/reference.py`` writes them).
- Every subcommand of the real argparse parser has a line in the synopsis under "Command line" and is named in
  that section, every flag (and positional argument) of a subcommand is on that subcommand's line, and no line
  shows a flag its subcommand does not take.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

from statusgen import cli, schema

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def load_script() -> ModuleType:
    """scripts/reference.py; scripts/ is a folder of scripts, not a package."""
    spec = importlib.util.spec_from_file_location("scripts_reference", ROOT / "scripts" / "reference.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


reference = load_script()


# --- what the docs hold -----------------------------------------------------------------------------------


def block(readme: str, name: str) -> str:
    """What lies between the markers of the block ``name``; empty when there is none."""
    match = re.search(rf"<!-- reference:{name} -->\n(.*?)<!-- /reference:{name} -->", readme, re.DOTALL)
    return match[1] if match else ""


def missing_keys(readme: str, table: schema.Table) -> list[str]:
    """The keys of ``table`` without a row (``| `key` |``) in its block of ``readme``."""
    rows = set(re.findall(r"^\| `([^`]+)` \|", block(readme, table.name), re.MULTILINE))
    return [name for name in table.names if name not in rows]


def section(readme: str, heading: str) -> str:
    """The text under ``## heading``, up to the next heading of that level."""
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", readme, re.MULTILINE | re.DOTALL)
    return match[1] if match else ""


def synopses(readme: str) -> dict[str, str]:
    """Each subcommand's synopsis under "Command line", its continuation lines joined: ``{'check': '…'}``.

    ``python3 generate.py [build] …`` is build's line (build is the default subcommand)."""
    found: dict[str, str] = {}
    current = None
    for line in section(readme, "Command line").splitlines():
        start = re.match(r" {4}python3 generate\.py(?: \[?([a-z]+)\]?)?(?= |$)", line)
        if start:
            current = start[1] or "build"
            found[current] = line.strip()
        elif current is not None and line.startswith(" " * 8) and line.lstrip().startswith("["):
            found[current] += " " + line.strip()
        else:
            current = None
    return found


def subcommands() -> dict[str, argparse.ArgumentParser]:
    """The subcommands of the real parser, by name."""
    for action in cli.parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    raise AssertionError("the command line has no subcommands")


def arguments(command: argparse.ArgumentParser) -> list[str]:
    """A subcommand's flags (every spelling) and its positional arguments, upper case as a synopsis writes them."""
    names: list[str] = []
    for action in command._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        names += action.option_strings or [action.dest.upper()]
    return names


def shown(argument: str, line: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(argument)}(?![\w-])", line) is not None


def missing_commands(readme: str) -> list[str]:
    """Subcommands without a synopsis line, or not named as `name` in the section's text."""
    lines = synopses(readme)
    text = section(readme, "Command line")
    return [name for name in subcommands() if name not in lines or f"`{name}`" not in text]


def missing_arguments(readme: str) -> list[tuple[str, str]]:
    """(subcommand, flag) for each flag or positional argument missing from its subcommand's synopsis."""
    lines = synopses(readme)
    return [
        (name, argument)
        for name, command in subcommands().items()
        for argument in arguments(command)
        if not shown(argument, lines.get(name, ""))
    ]


def unknown_flags(readme: str) -> list[tuple[str, str]]:
    """(subcommand, flag) for each flag a synopsis shows that its subcommand does not take."""
    commands = subcommands()
    return [
        (name, flag)
        for name, line in synopses(readme).items()
        for flag in re.findall(r"(?<![\w-])--?[a-z][a-z-]*", line)
        if flag not in arguments(commands.get(name, argparse.ArgumentParser()))
    ]


# --- the README as it is ----------------------------------------------------------------------------------

KEYS = [pytest.param(table, key.name, id=f"{table.name}.{key.name}") for table in schema.TABLES for key in table.keys]
ARGUMENTS = [
    pytest.param(name, argument, id=f"{name} {argument}")
    for name, command in subcommands().items()
    for argument in arguments(command)
]


@pytest.mark.parametrize(("table", "key"), KEYS)
def test_every_key_is_documented(table: schema.Table, key: str) -> None:
    assert key not in missing_keys(README, table), f"README.md: no row for `{key}` in <!-- reference:{table.name} -->"


@pytest.mark.parametrize("table", schema.TABLES, ids=str)
def test_the_reference_tables_are_what_the_schema_renders(table: schema.Table) -> None:
    assert block(README, table.name) == reference.body(table), "run: python3 scripts/reference.py"


def test_the_script_finds_the_readme_as_the_schema_renders_it() -> None:
    assert reference.differing(README) == []
    assert reference.rendered(README) == README


@pytest.mark.parametrize("name", list(subcommands()))
def test_every_subcommand_is_documented(name: str) -> None:
    assert name not in missing_commands(README), f"README.md, Command line: no synopsis line or text for `{name}`"


@pytest.mark.parametrize(("name", "argument"), ARGUMENTS)
def test_every_flag_is_documented(name: str, argument: str) -> None:
    assert (name, argument) not in missing_arguments(README), f"README.md: {argument} missing from {name}'s synopsis"


def test_no_synopsis_shows_a_flag_its_subcommand_does_not_take() -> None:
    assert unknown_flags(README) == []


# --- each check fails when it should ----------------------------------------------------------------------


def without(text: str, part: str) -> str:
    assert text.count(part) == 1, part
    return text.replace(part, "")


def row(readme: str, table: str, key: str) -> str:
    """The line of ``key`` in the block of ``table``, with its line break."""
    match = re.search(rf"^\| `{key}` \|.*\n", block(readme, table), re.MULTILINE)
    assert match, (table, key)
    return match[0]


def without_row(readme: str, table: str, key: str) -> str:
    start = readme.index(f"<!-- reference:{table} -->")
    end = readme.index(f"<!-- /reference:{table} -->")
    return readme[:start] + without(readme[start:end], row(readme, table, key)) + readme[end:]


def synopsis_line(readme: str, command: str) -> str:
    """The first line of ``command``'s synopsis, as the README has it."""
    match = re.search(rf"^ {{4}}python3 generate\.py \[?{command}\b.*\n", readme, re.MULTILINE)
    assert match, command
    return match[0]


def test_the_parser_is_walked_not_a_list() -> None:
    commands = subcommands()
    assert list(commands) == ["build", "check", "new", "update", "resolve", "serve", "probe", "compact"]
    assert arguments(commands["resolve"]) == ["--config", "--lang", "SLUG", "--at", "--message"]
    assert {"--no-cache", "--timings", "--out", "--now", "--strict"} <= set(arguments(commands["build"]))


def test_a_key_left_out_is_reported() -> None:
    assert missing_keys(without_row(README, "site", "max_gap"), schema.SITE) == ["max_gap"]
    # A component's url gone: reported for the component only, though probe and contact have a `url` too.
    readme = without_row(README, "component", "url")
    assert [table.name for table in schema.TABLES if missing_keys(readme, table)] == ["component"]
    assert missing_keys(readme, schema.COMPONENT) == ["url"]
    # The row moved into another table's block does not count.
    moved = readme.replace("<!-- /reference:probe -->", row(README, "component", "url") + "<!-- /reference:probe -->")
    assert missing_keys(moved, schema.COMPONENT) == ["url"]


def test_a_block_left_out_reports_every_key_of_its_table() -> None:
    start = README.index("<!-- reference:update -->")
    end = README.index("<!-- /reference:update -->") + len("<!-- /reference:update -->")
    readme = README[:start] + README[end:]
    assert missing_keys(readme, schema.UPDATE) == ["at", "status", "message"]
    with pytest.raises(reference.ReferenceError, match="no block for update"):
        reference.differing(readme)


def test_a_key_the_schema_gains_is_reported() -> None:
    grown = schema.Table("probe", "a probe", *schema.PROBE.keys, schema.Key("headers", "mapping", "sent with it"))
    assert missing_keys(README, grown) == ["headers"]


def test_an_edited_reference_table_is_reported(tmp_path: Path) -> None:
    retries = row(README, "probe", "retries")
    edited = README.replace(retries, retries.replace(" | `1` | ", " | `2` | "))
    assert edited != README
    assert reference.differing(edited) == ["probe"]
    path = tmp_path / "README.md"
    path.write_text(edited, encoding="utf-8")
    assert reference.main(["--check", "--readme", str(path)]) == 1
    assert path.read_text(encoding="utf-8") == edited  # --check writes nothing
    assert reference.main(["--readme", str(path)]) == 0
    assert path.read_text(encoding="utf-8") == README  # rewritten: only the block changed back
    assert reference.main(["--check", "--readme", str(path)]) == 0


def test_wrong_markers_are_refused(tmp_path: Path) -> None:
    twice = README + "\n<!-- reference:help -->\n<!-- /reference:help -->\n"
    with pytest.raises(reference.ReferenceError, match="twice"):
        reference.differing(twice)
    unknown = README + "\n<!-- reference:nothing -->\n<!-- /reference:nothing -->\n"
    with pytest.raises(reference.ReferenceError, match="no such table"):
        reference.rendered(unknown)
    unclosed = without(README, "<!-- /reference:signatory -->")
    with pytest.raises(reference.ReferenceError, match="signatory"):
        reference.differing(unclosed)
    path = tmp_path / "README.md"
    path.write_text(unclosed, encoding="utf-8")
    assert reference.main(["--readme", str(path)]) == 1
    assert path.read_text(encoding="utf-8") == unclosed


def test_a_flag_left_out_is_reported() -> None:
    compact = synopsis_line(README, "compact")
    readme = README.replace(compact, compact.replace(" [--lang id|en]", ""))
    assert readme != README
    assert missing_arguments(readme) == [("compact", "--lang")]
    resolve = synopsis_line(README, "resolve")
    readme = README.replace(resolve, resolve.replace(" SLUG", ""))
    assert missing_arguments(readme) == [("resolve", "SLUG")]
    # On a continuation line it counts; left out of one, it is missing there only.
    readme = without(README, " [--maintenance-until …]")
    assert missing_arguments(readme) == [("new", "--maintenance-until")]


def test_a_subcommand_left_out_is_reported() -> None:
    readme = without(README, synopsis_line(README, "probe"))
    assert missing_commands(readme) == ["probe"]
    assert missing_arguments(readme) == [("probe", "--config"), ("probe", "--lang")]


def test_a_flag_no_subcommand_takes_is_reported() -> None:
    check = synopsis_line(README, "check")
    readme = README.replace(check, check.replace("\n", " [--verbose]\n"))
    assert unknown_flags(readme) == [("check", "--verbose")]
