"""The docs document what the code declares and hold together; each check here is shown to fail when it should.

- Every key of ``status.yml`` and of an incident file (``schema.TABLES``) has a row in its table's block,
  ``<!-- reference:NAME -->`` … ``<!-- /reference:NAME -->``, in docs/configuration.md or docs/incidents.md.
- Those blocks are exactly what ``schema.reference`` renders (``scripts/reference.py`` writes them).
- Every subcommand of the real argparse parser has a line in the synopsis at the top of docs/commands.md (the
  one place that holds it) and is named there, every flag (and positional argument) of a subcommand is on that
  subcommand's line, and no line shows a flag its subcommand does not take.
- Every page of docs/ is listed in docs/index.md and linked from README.md, and every relative link of
  README.md and docs/*.md leads to a file that exists, and to one of its headings when it names one (the
  anchors GitHub makes of headings).
- README.md stays under 10 KB and starts with its two commands.
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
DOCS = ROOT / "docs"
README = (ROOT / "README.md").read_text(encoding="utf-8")
INDEX = (DOCS / "index.md").read_text(encoding="utf-8")
CONFIGURATION = (DOCS / "configuration.md").read_text(encoding="utf-8")
INCIDENTS = (DOCS / "incidents.md").read_text(encoding="utf-8")
COMMANDS = (DOCS / "commands.md").read_text(encoding="utf-8")
# The two files of reference tables, as one text: each block is in one of them, and nowhere twice.
REFERENCE = CONFIGURATION + "\n" + INCIDENTS
PAGES = sorted(path.name for path in DOCS.glob("*.md"))
README_LIMIT = 10 * 1024  # bytes
# The first lines after the title, exactly: what a newcomer copies before reading anything else.
FIRST_COMMANDS = (
    "    python3 -m pip install -r requirements.txt && python3 generate.py build      # set up, build site/ offline",
    "    bash scripts/setup-tests.sh && python3 -m pytest                             # set up, run the tests",
)


def load_script() -> ModuleType:
    """scripts/reference.py; scripts/ is a folder of scripts, not a package."""
    spec = importlib.util.spec_from_file_location("scripts_reference", ROOT / "scripts" / "reference.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


reference = load_script()


# --- what the docs hold -----------------------------------------------------------------------------------


def block(text: str, name: str) -> str:
    """What lies between the markers of the block ``name``; empty when there is none."""
    match = re.search(rf"<!-- reference:{name} -->\n(.*?)<!-- /reference:{name} -->", text, re.DOTALL)
    return match[1] if match else ""


def missing_keys(text: str, table: schema.Table) -> list[str]:
    """The keys of ``table`` without a row (``| `key` |``) in its block of ``text``."""
    rows = set(re.findall(r"^\| `([^`]+)` \|", block(text, table.name), re.MULTILINE))
    return [name for name in table.names if name not in rows]


def synopsis_part(page: str) -> str:
    """The part of the command-line page before its first ``## `` heading: the synopsis and each subcommand."""
    match = re.search(r"^## ", page, re.MULTILINE)
    return page[: match.start()] if match else page


def synopses(page: str) -> dict[str, str]:
    """Each subcommand's synopsis line, its continuation lines joined: ``{'check': '…'}``.

    ``python3 generate.py [build] …`` is build's line (build is the default subcommand)."""
    found: dict[str, str] = {}
    current = None
    for line in synopsis_part(page).splitlines():
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


def missing_commands(page: str) -> list[str]:
    """Subcommands without a synopsis line, or not named as `name` in the page's text."""
    lines = synopses(page)
    text = synopsis_part(page)
    return [name for name in subcommands() if name not in lines or f"`{name}`" not in text]


def missing_arguments(page: str) -> list[tuple[str, str]]:
    """(subcommand, flag) for each flag or positional argument missing from its subcommand's synopsis."""
    lines = synopses(page)
    return [
        (name, argument)
        for name, command in subcommands().items()
        for argument in arguments(command)
        if not shown(argument, lines.get(name, ""))
    ]


def unknown_flags(page: str) -> list[tuple[str, str]]:
    """(subcommand, flag) for each flag a synopsis shows that its subcommand does not take."""
    commands = subcommands()
    return [
        (name, flag)
        for name, line in synopses(page).items()
        for flag in re.findall(r"(?<![\w-])--?[a-z][a-z-]*", line)
        if flag not in arguments(commands.get(name, argparse.ArgumentParser()))
    ]


# --- links and anchors ------------------------------------------------------------------------------------

FENCE = re.compile(r"^```.*?^```[^\n]*$", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"!?\[(?:[^\]\\]|\\.)*\]\(([^)\s]+)\)")
SCHEME = re.compile(r"[a-z][a-z0-9+.-]*:", re.IGNORECASE)


def prose(text: str) -> str:
    """``text`` without fenced code blocks and code spans, where brackets are not links."""
    return CODE_SPAN.sub("", FENCE.sub("", text))


def links(text: str) -> list[str]:
    """The target of every Markdown link and image in ``text``, as written."""
    return LINK.findall(prose(text))


def anchor(heading: str) -> str:
    """The anchor GitHub makes of a heading's text: the rendered text in lower case, every character but a
    letter, digit, space, hyphen or underscore dropped, each space a hyphen.

    ``Outage records (berita acara gangguan)`` → ``outage-records-berita-acara-gangguan``;
    ``Configuration: `status.yml``` → ``configuration-statusyml``."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link: its text
    text = text.replace("`", "").replace("*", "").strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(text: str) -> set[str]:
    """The anchors of every heading of ``text``; a repeated one gets ``-1``, ``-2``… as on GitHub."""
    found: set[str] = set()
    seen: dict[str, int] = {}
    for match in re.finditer(r"^#{1,6} +(.+?) *#*$", FENCE.sub("", text), re.MULTILINE):
        name = anchor(match[1])
        count = seen.get(name, 0)
        seen[name] = count + 1
        found.add(name if count == 0 else f"{name}-{count}")
    return found


def broken_links(path: Path, text: str) -> list[str]:
    """The relative links of ``text`` (the file ``path``) that lead to no file, or to no heading of it."""
    broken = []
    for target in links(text):
        if SCHEME.match(target):
            continue  # https:, mailto:: not a file of the repository
        name, _, fragment = target.partition("#")
        destination = (path.parent / name).resolve() if name else path
        if not destination.exists():
            broken.append(f"{target}: no such file")
        elif fragment and destination.suffix == ".md":
            other = text if destination == path else destination.read_text(encoding="utf-8")
            if fragment not in anchors(other):
                broken.append(f"{target}: no such heading")
    return broken


def linked_pages(path: Path, text: str) -> set[str]:
    """The names of the pages of docs/ that ``text`` (the file ``path``) links to."""
    pages = set()
    for target in links(text):
        name = target.partition("#")[0]
        if name and not SCHEME.match(target):
            destination = (path.parent / name).resolve()
            if destination.parent == DOCS.resolve():
                pages.add(destination.name)
    return pages


def unlisted(index: str) -> list[str]:
    """Pages of docs/ that docs/index.md (``index``) does not link to."""
    listed = linked_pages(DOCS / "index.md", index)
    return [page for page in PAGES if page != "index.md" and page not in listed]


def not_linked_from_readme(readme: str) -> list[str]:
    """Pages of docs/ (the index too) that README.md (``readme``) does not link to."""
    linked = linked_pages(ROOT / "README.md", readme)
    return [page for page in PAGES if page not in linked]


def readme_problems(readme: str) -> list[str]:
    """What is wrong with the README's size and its first lines."""
    problems = []
    size = len(readme.encode("utf-8"))
    if size >= README_LIMIT:
        problems.append(f"README.md is {size} bytes, at least {README_LIMIT}: move text to docs/")
    lines = readme.splitlines()
    if not (lines and lines[0].startswith("# ") and tuple(lines[1:4]) == ("", *FIRST_COMMANDS)):
        problems.append("README.md: the two commands are not the first lines after the title")
    return problems


# --- the docs as they are ---------------------------------------------------------------------------------

KEYS = [pytest.param(table, key.name, id=f"{table.name}.{key.name}") for table in schema.TABLES for key in table.keys]
ARGUMENTS = [
    pytest.param(name, argument, id=f"{name} {argument}")
    for name, command in subcommands().items()
    for argument in arguments(command)
]
LINKED = ["README.md", *(f"docs/{page}" for page in PAGES)]


@pytest.mark.parametrize(("table", "key"), KEYS)
def test_every_key_is_documented(table: schema.Table, key: str) -> None:
    assert key not in missing_keys(REFERENCE, table), f"docs: no row for `{key}` in <!-- reference:{table.name} -->"


@pytest.mark.parametrize("table", schema.TABLES, ids=str)
def test_the_reference_tables_are_what_the_schema_renders(table: schema.Table) -> None:
    assert block(REFERENCE, table.name) == reference.body(table), "run: python3 scripts/reference.py"


def test_the_script_finds_the_docs_as_the_schema_renders_them() -> None:
    assert reference.FILES == (DOCS / "configuration.md", DOCS / "incidents.md")
    assert reference.differing(CONFIGURATION, INCIDENTS) == []
    assert reference.rendered(CONFIGURATION) == CONFIGURATION
    assert reference.rendered(INCIDENTS) == INCIDENTS
    assert reference.main(["--check"]) == 0  # the default files
    # The tables of status.yml on the configuration page, those of an incident file on the incidents page.
    assert set(reference.blocks_of(INCIDENTS)) == {"incident", "update", "translation"}
    assert "reference:" not in README


@pytest.mark.parametrize("name", list(subcommands()))
def test_every_subcommand_is_documented(name: str) -> None:
    assert name not in missing_commands(COMMANDS), f"docs/commands.md: no synopsis line or text for `{name}`"


@pytest.mark.parametrize(("name", "argument"), ARGUMENTS)
def test_every_flag_is_documented(name: str, argument: str) -> None:
    assert (name, argument) not in missing_arguments(COMMANDS), f"docs/commands.md: {argument} missing from {name}"


def test_no_synopsis_shows_a_flag_its_subcommand_does_not_take() -> None:
    assert unknown_flags(COMMANDS) == []


def test_every_page_is_listed_in_the_index_and_linked_from_the_readme() -> None:
    assert "index.md" in PAGES and "commands.md" in PAGES  # the glob found the pages
    assert unlisted(INDEX) == []
    assert not_linked_from_readme(README) == []


@pytest.mark.parametrize("name", LINKED)
def test_every_relative_link_leads_somewhere(name: str) -> None:
    path = ROOT / name
    assert broken_links(path, path.read_text(encoding="utf-8")) == []


def test_the_readme_is_short_and_starts_with_its_commands() -> None:
    assert readme_problems(README) == []


# --- each check fails when it should ----------------------------------------------------------------------


def without(text: str, part: str) -> str:
    assert text.count(part) == 1, part
    return text.replace(part, "")


def row(text: str, table: str, key: str) -> str:
    """The line of ``key`` in the block of ``table``, with its line break."""
    match = re.search(rf"^\| `{key}` \|.*\n", block(text, table), re.MULTILINE)
    assert match, (table, key)
    return match[0]


def without_row(text: str, table: str, key: str) -> str:
    start = text.index(f"<!-- reference:{table} -->")
    end = text.index(f"<!-- /reference:{table} -->")
    return text[:start] + without(text[start:end], row(text, table, key)) + text[end:]


def synopsis_line(page: str, command: str) -> str:
    """The first line of ``command``'s synopsis, as the page has it."""
    match = re.search(rf"^ {{4}}python3 generate\.py \[?{command}\b.*\n", page, re.MULTILINE)
    assert match, command
    return match[0]


def test_the_parser_is_walked_not_a_list() -> None:
    commands = subcommands()
    assert list(commands) == [
        "build",
        "check",
        "init",
        "new",
        "update",
        "resolve",
        "serve",
        "probe",
        "compact",
        "notify",
    ]
    assert arguments(commands["resolve"]) == ["--config", "--lang", "SLUG", "--at", "--message"]
    assert {"--no-cache", "--timings", "--out", "--now", "--strict"} <= set(arguments(commands["build"]))


def test_a_key_left_out_is_reported() -> None:
    assert missing_keys(without_row(REFERENCE, "site", "max_gap"), schema.SITE) == ["max_gap"]
    # A component's url gone: reported for the component only, though probe and contact have a `url` too.
    text = without_row(REFERENCE, "component", "url")
    assert [table.name for table in schema.TABLES if missing_keys(text, table)] == ["component"]
    assert missing_keys(text, schema.COMPONENT) == ["url"]
    # The row moved into another table's block does not count.
    moved = text.replace("<!-- /reference:probe -->", row(REFERENCE, "component", "url") + "<!-- /reference:probe -->")
    assert missing_keys(moved, schema.COMPONENT) == ["url"]
    # A key of an incident, on the other page, likewise.
    assert missing_keys(without_row(REFERENCE, "incident", "false_alarm"), schema.INCIDENT) == ["false_alarm"]


def test_a_block_left_out_reports_every_key_of_its_table() -> None:
    start = INCIDENTS.index("<!-- reference:update -->")
    end = INCIDENTS.index("<!-- /reference:update -->") + len("<!-- /reference:update -->")
    incidents = INCIDENTS[:start] + INCIDENTS[end:]
    assert missing_keys(CONFIGURATION + incidents, schema.UPDATE) == ["at", "status", "message"]
    with pytest.raises(reference.ReferenceError, match="no block for update"):
        reference.differing(CONFIGURATION, incidents)
    # Each page alone lacks the other's tables.
    with pytest.raises(reference.ReferenceError, match="no block for incident, update, translation"):
        reference.differing(CONFIGURATION)


def test_a_key_the_schema_gains_is_reported() -> None:
    grown = schema.Table("probe", "a probe", *schema.PROBE.keys, schema.Key("headers", "mapping", "sent with it"))
    assert missing_keys(REFERENCE, grown) == ["headers"]


def test_an_edited_reference_table_is_reported(tmp_path: Path) -> None:
    retries = row(CONFIGURATION, "probe", "retries")
    edited = CONFIGURATION.replace(retries, retries.replace(" | `1` | ", " | `2` | "))
    assert edited != CONFIGURATION
    assert reference.differing(edited, INCIDENTS) == ["probe"]
    configuration, incidents = tmp_path / "configuration.md", tmp_path / "incidents.md"
    configuration.write_text(edited, encoding="utf-8")
    incidents.write_text(INCIDENTS, encoding="utf-8")
    files = ["--file", str(configuration), "--file", str(incidents)]
    assert reference.main(["--check", *files]) == 1
    assert configuration.read_text(encoding="utf-8") == edited  # --check writes nothing
    assert reference.main(files) == 0
    assert configuration.read_text(encoding="utf-8") == CONFIGURATION  # rewritten: only the block changed back
    assert incidents.read_text(encoding="utf-8") == INCIDENTS
    assert reference.main(["--check", *files]) == 0


def test_wrong_markers_are_refused(tmp_path: Path) -> None:
    twice = CONFIGURATION + "\n<!-- reference:help -->\n<!-- /reference:help -->\n"
    with pytest.raises(reference.ReferenceError, match="twice"):
        reference.differing(twice, INCIDENTS)
    # A block on both pages is there twice too.
    with pytest.raises(reference.ReferenceError, match="twice"):
        reference.differing(CONFIGURATION, INCIDENTS + "\n<!-- reference:site -->\n<!-- /reference:site -->\n")
    unknown = CONFIGURATION + "\n<!-- reference:nothing -->\n<!-- /reference:nothing -->\n"
    with pytest.raises(reference.ReferenceError, match="no such table"):
        reference.rendered(unknown)
    unclosed = without(CONFIGURATION, "<!-- /reference:signatory -->")
    with pytest.raises(reference.ReferenceError, match="signatory"):
        reference.differing(unclosed, INCIDENTS)
    configuration, incidents = tmp_path / "configuration.md", tmp_path / "incidents.md"
    configuration.write_text(unclosed, encoding="utf-8")
    incidents.write_text(INCIDENTS, encoding="utf-8")
    assert reference.main(["--file", str(configuration), "--file", str(incidents)]) == 1
    assert configuration.read_text(encoding="utf-8") == unclosed


def test_a_flag_left_out_is_reported() -> None:
    compact = synopsis_line(COMMANDS, "compact")
    page = COMMANDS.replace(compact, compact.replace(" [--lang id|en]", ""))
    assert page != COMMANDS
    assert missing_arguments(page) == [("compact", "--lang")]
    resolve = synopsis_line(COMMANDS, "resolve")
    page = COMMANDS.replace(resolve, resolve.replace(" SLUG", ""))
    assert missing_arguments(page) == [("resolve", "SLUG")]
    # On a continuation line it counts; left out of one, it is missing there only.
    page = without(COMMANDS, " [--maintenance-until …]")
    assert missing_arguments(page) == [("new", "--maintenance-until")]
    # One spelling of a pair is missing on its own.
    page = without(COMMANDS, "[--lkpp|--no-lkpp]").replace("[--lpse-code", "[--lkpp] [--lpse-code")
    assert missing_arguments(page) == [("init", "--no-lkpp")]


def test_a_subcommand_left_out_is_reported() -> None:
    page = without(COMMANDS, synopsis_line(COMMANDS, "probe"))
    assert missing_commands(page) == ["probe"]
    assert missing_arguments(page) == [
        ("probe", "--config"),
        ("probe", "--lang"),
        ("probe", "--vantage"),
        ("probe", "--history"),
        ("probe", "--shard"),
        ("probe", "--plan"),
    ]
    # Named only below the first ## heading, it is not documented where the synopsis is.
    moved = COMMANDS.replace("`compact`", "compact") + "\n## Elsewhere\n\n`compact` rolls months up.\n"
    assert missing_commands(moved) == ["compact"]


def test_a_synopsis_line_elsewhere_does_not_count() -> None:
    line = synopsis_line(COMMANDS, "serve")
    page = without(COMMANDS, line) + "\n## Serving\n\n" + line
    assert missing_commands(page) == ["serve"]


def test_a_flag_no_subcommand_takes_is_reported() -> None:
    check = synopsis_line(COMMANDS, "check")
    page = COMMANDS.replace(check, check.replace("\n", " [--verbose]\n"))
    assert unknown_flags(page) == [("check", "--verbose")]


def test_anchors_are_made_as_github_makes_them() -> None:
    # Worked out by hand from GitHub's rule: lower case, punctuation dropped, spaces to hyphens.
    assert anchor("Outage records (berita acara gangguan)") == "outage-records-berita-acara-gangguan"
    assert anchor("The data branch, for fifteen years") == "the-data-branch-for-fifteen-years"
    assert anchor("Configuration: `status.yml`") == "configuration-statusyml"
    assert anchor("Without git: the GitHub forms") == "without-git-the-github-forms"
    assert anchor("This repository's `status.yml` (LPSE Kalsel)") == "this-repositorys-statusyml-lpse-kalsel"
    assert anchors("# A\n## A\n```\n# not a heading\n```\n## B\n") == {"a", "a-1", "b"}


def test_a_broken_link_is_reported() -> None:
    readme = ROOT / "README.md"
    assert broken_links(readme, README + "\nSee [gone](docs/gone.md).\n") == ["docs/gone.md: no such file"]
    wrong = "\nSee [the forms](docs/operations.md#no-such-heading).\n"
    assert broken_links(readme, README + wrong) == ["docs/operations.md#no-such-heading: no such heading"]
    here = DOCS / "deploy.md"
    text = here.read_text(encoding="utf-8")
    assert broken_links(here, text + "\n[up](#the-workflow)\n") == ["#the-workflow: no such heading"]
    assert broken_links(here, text + "\n[up](#the-workflows)\n") == []
    # Addresses with a scheme, and brackets in code, are not links to check.
    assert broken_links(readme, README + "\n[x](https://example.org/y.md) `[a](b.md)`\n\n```\n[c](d.md)\n```\n") == []


def test_a_page_left_out_of_the_index_or_the_readme_is_reported() -> None:
    line = next(line for line in INDEX.splitlines() if "(figures-and-sla.md)" in line)
    assert unlisted(without(INDEX, line + "\n")) == ["figures-and-sla.md"]
    line = next(line for line in README.splitlines() if "(docs/reliability.md)" in line)
    assert not_linked_from_readme(without(README, line + "\n")) == ["reliability.md"]
    # A link to a page of another folder with the same name does not count.
    assert not_linked_from_readme(README.replace("(docs/index.md)", "(index.md)")) == ["index.md"]


def test_a_long_readme_or_one_not_starting_with_its_commands_is_reported() -> None:
    grown = README + "x" * (README_LIMIT - len(README.encode("utf-8")))
    assert len(grown.encode("utf-8")) == README_LIMIT
    assert readme_problems(grown) == [f"README.md is {README_LIMIT} bytes, at least {README_LIMIT}: move text to docs/"]
    assert readme_problems(grown[:-1]) == []  # one byte less is under the limit
    pushed = README.replace(FIRST_COMMANDS[0], "    python3 -m venv .venv\n" + FIRST_COMMANDS[0], 1)
    assert readme_problems(pushed) == ["README.md: the two commands are not the first lines after the title"]
