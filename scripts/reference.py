"""Write the key tables of README.md from statusgen/schema.py.

    python3 scripts/reference.py            # rewrite the tables in README.md in place
    python3 scripts/reference.py --check    # exit 1, naming them, when the tables differ from the schema

Each table sits between ``<!-- reference:NAME -->`` and ``<!-- /reference:NAME -->``, each marker on a line
of its own, NAME being the name of a table in ``schema.TABLES`` (``site``, ``component``, ``probe``…). What
lies between them is ``schema.reference(table)`` with a blank line either side; the text around the blocks
is never touched. Every table of the schema has exactly one block. tests/test_docs.py runs the check.
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

README = ROOT / "README.md"

# A start marker, anything, and the end marker of the same name; each marker alone on its line.
BLOCK = re.compile(
    r"^<!-- reference:(?P<name>[a-z_]+) -->\n(?P<body>.*?)^<!-- /reference:(?P=name) -->$",
    re.MULTILINE | re.DOTALL,
)
MARKER = re.compile(r"<!-- /?reference:(?P<name>[^ ]*) -->")


class ReferenceError(Exception):
    """The README's markers are wrong: a table without a block, a block twice, an unknown or unclosed one."""


def body(table: schema.Table) -> str:
    """What lies between the two markers' lines of ``table``'s block."""
    return "\n" + schema.reference(table) + "\n"


def blocks(readme: str) -> dict[str, str]:
    """Each block's name and what lies between its markers' lines; ReferenceError when the markers are wrong."""
    tables = {table.name: table for table in schema.TABLES}
    found: dict[str, str] = {}
    for match in BLOCK.finditer(readme):
        name = match["name"]
        if name not in tables:
            raise ReferenceError(f"<!-- reference:{name} -->: no such table (known: {', '.join(tables)})")
        if name in found:
            raise ReferenceError(f"<!-- reference:{name} --> is there twice")
        found[name] = match["body"]
    markers = [match["name"] for match in MARKER.finditer(readme)]
    for name in dict.fromkeys(markers):
        if name not in found or markers.count(name) != 2:
            raise ReferenceError(f"<!-- reference:{name} -->: each marker on a line of its own, closed once")
    missing = [name for name in tables if name not in found]
    if missing:
        raise ReferenceError(f"no block for {', '.join(missing)}: add <!-- reference:NAME --> <!-- /reference:NAME -->")
    return found


def differing(readme: str) -> list[str]:
    """The names of the blocks that are not what the schema renders, in the schema's order."""
    found = blocks(readme)
    return [table.name for table in schema.TABLES if found[table.name] != body(table)]


def rendered(readme: str) -> str:
    """``readme`` with every block rewritten from the schema."""
    blocks(readme)  # the markers must be right before anything is replaced
    tables = {table.name: table for table in schema.TABLES}

    def fill(match: re.Match[str]) -> str:
        name = match["name"]
        return f"<!-- reference:{name} -->\n{body(tables[name])}<!-- /reference:{name} -->"

    return BLOCK.sub(fill, readme)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="exit 1 if a table differs from the schema")
    parser.add_argument("--readme", type=Path, default=README, help="the file (default: README.md)")
    args = parser.parse_args(argv)
    readme = args.readme.read_text(encoding="utf-8")
    try:
        stale = differing(readme)
    except ReferenceError as exc:
        print(f"{args.readme}: {exc}", file=sys.stderr)
        return 1
    if args.check:
        if stale:
            print(f"{args.readme}: not as statusgen/schema.py renders them: {', '.join(stale)}", file=sys.stderr)
            print("run: python3 scripts/reference.py", file=sys.stderr)
            return 1
        return 0
    if stale:
        args.readme.write_text(rendered(readme), encoding="utf-8")
        print(f"{args.readme}: rewritten: {', '.join(stale)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
