"""Write the key tables of the docs from statusgen/schema.py.

    python3 scripts/reference.py            # rewrite the tables in docs/configuration.md and docs/incidents.md
    python3 scripts/reference.py --check    # exit 1, naming them, when the tables differ from the schema
    python3 scripts/reference.py --file A.md --file B.md    # other files (the tables may be spread over them)

Each table sits between ``<!-- reference:NAME -->`` and ``<!-- /reference:NAME -->``, each marker on a line
of its own, NAME being the name of a table in ``schema.TABLES`` (``site``, ``component``, ``probe``…). What
lies between them is ``schema.reference(table)`` with a blank line either side; the text around the blocks
is never touched. Every table of the schema has exactly one block among the files: the tables of status.yml
are in docs/configuration.md, those of an incident file in docs/incidents.md. tests/test_docs.py runs the
check.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from statusgen import schema  # noqa: E402  (after the path that finds it)

FILES = (ROOT / "docs" / "configuration.md", ROOT / "docs" / "incidents.md")

# A start marker, anything, and the end marker of the same name; each marker alone on its line.
BLOCK = re.compile(
    r"^<!-- reference:(?P<name>[a-z_]+) -->\n(?P<body>.*?)^<!-- /reference:(?P=name) -->$",
    re.MULTILINE | re.DOTALL,
)
MARKER = re.compile(r"<!-- /?reference:(?P<name>[^ ]*) -->")


class ReferenceError(Exception):
    """The markers are wrong: a table without a block, a block twice, an unknown or unclosed one."""


def body(table: schema.Table) -> str:
    """What lies between the two markers' lines of ``table``'s block."""
    return "\n" + schema.reference(table) + "\n"


def blocks_of(text: str) -> dict[str, str]:
    """The blocks of one file: each one's name and what lies between its markers' lines.

    ReferenceError when a marker in it is wrong: an unknown name, a block twice, a marker not paired."""
    tables = {table.name for table in schema.TABLES}
    found: dict[str, str] = {}
    for match in BLOCK.finditer(text):
        name = match["name"]
        if name not in tables:
            raise ReferenceError(f"<!-- reference:{name} -->: no such table (known: {', '.join(tables)})")
        if name in found:
            raise ReferenceError(f"<!-- reference:{name} --> is there twice")
        found[name] = match["body"]
    markers = [match["name"] for match in MARKER.finditer(text)]
    for name in dict.fromkeys(markers):
        if name not in found or markers.count(name) != 2:
            raise ReferenceError(f"<!-- reference:{name} -->: each marker on a line of its own, closed once")
    return found


def blocks(*texts: str) -> dict[str, str]:
    """The blocks of all the files together; every table of the schema must have one, in one file only."""
    found: dict[str, str] = {}
    for text in texts:
        for name, inside in blocks_of(text).items():
            if name in found:
                raise ReferenceError(f"<!-- reference:{name} --> is there twice")
            found[name] = inside
    missing = [table.name for table in schema.TABLES if table.name not in found]
    if missing:
        raise ReferenceError(f"no block for {', '.join(missing)}: add <!-- reference:NAME --> <!-- /reference:NAME -->")
    return found


def differing(*texts: str) -> list[str]:
    """The names of the blocks that are not what the schema renders, in the schema's order."""
    found = blocks(*texts)
    return [table.name for table in schema.TABLES if found[table.name] != body(table)]


def rendered(text: str) -> str:
    """``text`` (one file) with each of its blocks rewritten from the schema."""
    blocks_of(text)  # the markers must be right before anything is replaced
    tables = {table.name: table for table in schema.TABLES}

    def fill(match: re.Match[str]) -> str:
        name = match["name"]
        return f"<!-- reference:{name} -->\n{body(tables[name])}<!-- /reference:{name} -->"

    return BLOCK.sub(fill, text)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="exit 1 if a table differs from the schema")
    parser.add_argument(
        "--file",
        dest="files",
        action="append",
        type=Path,
        help="a file holding blocks; repeat for each (default: docs/configuration.md and docs/incidents.md)",
    )
    args = parser.parse_args(argv)
    paths: list[Path] = args.files or list(FILES)
    texts = [path.read_text(encoding="utf-8") for path in paths]
    where = ", ".join(str(path) for path in paths)
    try:
        stale = differing(*texts)
    except ReferenceError as exc:
        print(f"{where}: {exc}", file=sys.stderr)
        return 1
    if args.check:
        if stale:
            print(f"{where}: not as statusgen/schema.py renders them: {', '.join(stale)}", file=sys.stderr)
            print("run: python3 scripts/reference.py", file=sys.stderr)
            return 1
        return 0
    for path, text in zip(paths, texts, strict=True):
        names = [name for name in blocks_of(text) if name in stale]
        if names:
            path.write_text(rendered(text), encoding="utf-8")
            print(f"{path}: rewritten: {', '.join(names)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
