"""Shared by the test_i18n_*.py files: the languages and their catalogues, a small HTML tree that follows the
lang attributes, and small sites built with the CLI.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

from statusgen import i18n
from tests.conftest import CONFIG, ROOT, Run, Site

Cli = Callable[..., Run]
MakeSite = Callable[..., Site]

TEMPLATES = ROOT / "templates"
LOCALES = TEMPLATES / "locales"
PACKAGE = ROOT / "statusgen"
DEFAULT = "id"
CODES = i18n.available(LOCALES)
OTHER_CODES = [code for code in CODES if code != DEFAULT]
WITA = ZoneInfo("Asia/Makassar")

# The demo's base_url (examples/demo/status.yml); robots.txt is checked to name it.
DEMO_BASE = "https://example.github.io/status-demo/"
DEMO_PATH = "/status-demo/"
PREFIXES = {"id": "", "en": "en/"}
LOCALE_OF = {"id": "id_ID", "en": "en_GB"}
LANGUAGE_NAME = {"id": "Bahasa Indonesia", "en": "English"}


@cache
def catalogue(code: str) -> dict[str, i18n.Message]:
    return i18n.load_catalogue(code, LOCALES).messages


# --- Reading HTML: a small tree, so that "which language is this text in" follows the lang attributes. ---

VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})


@dataclass(eq=False)
class Element:
    tag: str
    attrs: dict[str, str]
    parent: Element | None = None
    children: list[Element | str] = field(default_factory=list)

    def iter(self) -> Iterator[Element]:
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Element]:
        """Elements with this tag and these exact attribute values; ``class_`` matches one class among several."""
        wanted = {name.rstrip("_").replace("_", "-"): value for name, value in attrs.items()}
        found = []
        for element in self.iter():
            if tag is not None and element.tag != tag:
                continue
            if all(
                value in element.attrs.get("class", "").split() if name == "class" else element.attrs.get(name) == value
                for name, value in wanted.items()
            ):
                found.append(element)
        return found

    def one(self, tag: str | None = None, **attrs: str) -> Element:
        found = self.find_all(tag, **attrs)
        assert len(found) == 1, f"expected one <{tag} {attrs}>, found {len(found)}"
        return found[0]

    def text(self) -> str:
        return "".join(child if isinstance(child, str) else child.text() for child in self.children)

    def words(self) -> str:
        return " ".join(self.text().split())

    def lang(self) -> str | None:
        """The language this element is in: its own lang attribute, else its nearest ancestor's."""
        node: Element | None = self
        while node is not None:
            if "lang" in node.attrs:
                return node.attrs["lang"]
            node = node.parent
        return None

    def languages_of(self, needle: str) -> list[str | None]:
        """The language of every piece of text inside this element that holds ``needle``."""
        return [
            element.lang()
            for element in self.iter()
            for child in element.children
            if isinstance(child, str) and needle in child
        ]


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]

    def _add(self, tag: str, attrs: list[tuple[str, str | None]]) -> Element:
        element = Element(tag, {name: value or "" for name, value in attrs}, self.stack[-1])
        self.stack[-1].children.append(element)
        return element

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = self._add(tag, attrs)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._add(tag, attrs)  # <polyline .../> in inline SVG

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse_html(text: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


def page(folder: Path, relative: str) -> Element:
    return parse_html((folder / relative).read_text(encoding="utf-8"))


def main_of(document: Element) -> Element:
    return document.one("main")


# --- Building small sites -------------------------------------------------------------------------------------------

BUILT_AT = "2021-09-20T00:00+08:00"
# A short history keeps the build quick.
SMALL = CONFIG.replace("history_start: 2011-01-01", "history_start: 2021-09-01")


def build(cli: Cli, site: Site, now: str = BUILT_AT) -> None:
    run = cli("build", "--config", site.config, "--out", site.out, "--now", now)
    assert run.code == 0, run.err


def check_errors(cli: Cli, site: Site) -> list[str]:
    run = cli("check", "--config", site.config)
    assert run.code == 1, run.err
    assert "Traceback" not in run.err
    return run.err.splitlines()
