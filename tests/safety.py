"""What no published file may hold, whatever the input: the checks of the hostile corpus and the fuzz test.

Every HTML page and SVG is parsed, and so is the HTML that feed readers render from the feeds
(RSS descriptions, Atom content of type "html"). Nothing found may run or reach elsewhere:
- no event handler attribute (``on...``);
- no ``javascript:``, ``vbscript:`` or ``data:`` address in any attribute that holds one, after
  the entities are decoded and the spaces and control characters a browser ignores are removed;
- no script but the site's own file, no ``<iframe>``, ``<object>``, ``<embed>``, ``<base>``,
  ``<form>``, ``<frame>`` or ``<meta http-equiv="refresh">``;
- nothing loaded from another origin: an ``src`` or a stylesheet or icon ``href`` must be a path on
  the site;
- every page has the Content-Security-Policy ``<meta>`` before anything it governs.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "xlink:href", "poster", "srcset", "data", "background",
    "cite", "longdesc", "usemap", "manifest", "codebase", "icon", "ping", "lowsrc", "dynsrc",
}  # fmt: skip
LOADING = {"src", "srcset", "poster", "data", "background", "lowsrc", "dynsrc", "xlink:href"}
FORBIDDEN_ELEMENTS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "form", "portal"}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:")
IGNORED = re.compile(r"[\x00-\x20\x7f]+")  # what a browser strips from an address before reading its scheme


def dangerous_address(value: str) -> bool:
    cleaned = IGNORED.sub("", html.unescape(value)).lower()
    return cleaned.startswith(BAD_SCHEMES)


class Scanner(HTMLParser):
    """Collects what is wrong in one HTML document."""

    def __init__(self, where: str, page: bool):
        super().__init__(convert_charrefs=True)
        self.where = where
        self.page = page  # a whole page (not a fragment from a feed): it needs its policy
        self.found: list[str] = []
        self.policy_seen = False
        self.governed_before_policy = False

    def flag(self, what: str) -> None:
        self.found.append(f"{self.where}: {what}")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "meta" and values.get("http-equiv", "").lower() == "content-security-policy":
            self.policy_seen = True
        if tag in ("link", "script", "img", "style") and not self.policy_seen:
            self.governed_before_policy = True
        for name, value in values.items():
            if name.startswith("on"):
                self.flag(f"<{tag} {name}=...> event handler")
            if name in URL_ATTRIBUTES and dangerous_address(value):
                self.flag(f"<{tag} {name}={value!r}> runs code or embeds a document")
            if name in LOADING and re.match(r"(?i)\s*(https?:)?//", html.unescape(value)):
                self.flag(f"<{tag} {name}={value!r}> loads from another origin")
            if name == "style":
                self.flag(f"<{tag} style=...> inline style")
        if tag in FORBIDDEN_ELEMENTS:
            self.flag(f"<{tag}> element")
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            self.flag("<meta http-equiv=refresh>")
        if tag == "script":
            if "src" not in values and values.get("type") != "application/json":
                self.flag("inline <script>")
            elif "src" in values and not values["src"].startswith("/"):
                self.flag(f"<script src={values['src']!r}> not from the site")
        if tag == "style":
            self.flag("<style> element")
        if tag == "link" and {"stylesheet", "icon", "preload", "prefetch", "import"} & set(
            values.get("rel", "").lower().split()
        ):
            href = html.unescape(values.get("href", ""))
            if re.match(r"(?i)\s*(https?:)?//", href) or dangerous_address(href):
                self.flag(f"<link rel={values['rel']!r} href={href!r}> loads from elsewhere")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


def scan_html(text: str, where: str, page: bool = False) -> list[str]:
    scanner = Scanner(where, page)
    scanner.feed(text)
    scanner.close()
    if page and not scanner.policy_seen:
        scanner.flag("no Content-Security-Policy <meta>")
    if page and scanner.governed_before_policy:
        scanner.flag("a script, style or image comes before the Content-Security-Policy <meta>")
    return scanner.found


def scan_feed(path: Path, where: str) -> list[str]:
    """The HTML a feed reader renders: RSS descriptions and content, Atom content and summaries of type html."""
    found = []
    root = ElementTree.parse(path).getroot()
    for element in root.iter():
        local = element.tag.rsplit("}", 1)[-1]
        if local in ("description", "encoded") or (local in ("content", "summary") and element.get("type") == "html"):
            found += scan_html(element.text or "", f"{where} <{local}>")
    return found


def scan_site(site: Path) -> list[str]:
    """Everything wrong in a built site (an empty list when it is safe)."""
    found: list[str] = []
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        where = path.relative_to(site).as_posix()
        if path.suffix == ".html":
            found += scan_html(path.read_text(encoding="utf-8"), where, page=True)
        elif path.suffix == ".svg":
            found += scan_html(path.read_text(encoding="utf-8"), where)
        elif path.suffix == ".xml" and path.name != "sitemap.xml":
            found += scan_feed(path, where)
    return found


if __name__ == "__main__":
    # python3 -m tests.safety SITE: what check.yml runs on the site built from the real content.
    import sys

    found = scan_site(Path(sys.argv[1]))
    for problem in found:
        print(problem, file=sys.stderr)
    print(f"{sys.argv[1]}: {len(found)} unsafe things found")
    sys.exit(1 if found else 0)
