"""Incident Markdown to safe HTML.

Staff write Markdown; what reaches the page is sanitized with nh3 so that no
script, event handler, ``javascript:`` link or third-party image gets through.
"""

from __future__ import annotations

import re
from functools import lru_cache

import markdown
import nh3
from markdown.extensions.fenced_code import FencedCodeExtension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.tables import TableExtension
from markupsafe import Markup

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h3", "h4", "h5",
    "h6", "hr", "i", "kbd", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody",
    "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align", "scope"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


@lru_cache(maxsize=1)
def _converter() -> markdown.Markdown:
    """One converter, made on first use and reset before each: making one costs more than converting a message.

    The extensions are given as objects, not names, which spares looking them up among the installed packages.
    """
    return markdown.Markdown(
        extensions=[TableExtension(), FencedCodeExtension(), SaneListExtension()], output_format="html"
    )


# One line of words and ordinary punctuation, which Markdown would only wrap in a paragraph:
# nothing that starts a list, heading, quote or code block, and no character that marks up,
# escapes or breaks a line, and no control character. Most update messages are like this, and skip
# the converter.
_PLAIN = re.compile(
    r"(?![-+*#>=]|\d+[.)])[^\s\x00-\x1f\x7f\\`*_\[\]<>&#!|~{}=]+(?: [^\s\x00-\x1f\x7f\\`*_\[\]<>&#!|~{}=]+)*"
)


@lru_cache(maxsize=4096)
def to_html(source: str) -> Markup:
    """Render Markdown and sanitize the result. Headings start at h3, under the page's own h1 and h2.

    The same text gives the same HTML, so repeated messages ("Sudah pulih.") are rendered once.
    """
    source = str(source)
    line = source.rstrip("\n")
    if _PLAIN.fullmatch(line):
        return Markup(f"<p>{line}</p>")
    html = _converter().reset().convert(source)
    html = _demote_headings(html)
    clean = _clean(html)
    unwrapped = _unwrap_dead_links(clean)
    if unwrapped != clean:
        # The unwrapping edits sanitized markup with a pattern. Whatever the sanitizer's version
        # left in an attribute, what comes out of the edit is sanitized again before it is used.
        clean = _clean(unwrapped)
    return Markup(clean.strip())


def _clean(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


# An <a> start tag: its attributes quoted or not, a quoted value may hold ">".
_ANCHOR = re.compile(r"""<a\b((?:[^>"']|"[^"]*"|'[^']*')*)>(.*?)</a>""", re.S)


def _unwrap_dead_links(html: str) -> str:
    """Keep the text of a link whose address was removed (``javascript:`` and the like), not an empty ``<a>``."""
    return _ANCHOR.sub(lambda m: m[0] if re.search(r"\shref=", _unquoted(m[1])) else m[2], html)


def _unquoted(attributes: str) -> str:
    """The attributes of a tag with their quoted values emptied: a title may say ' href='."""
    return re.sub(r""""[^"]*"|'[^']*'""", '""', attributes)


def _demote_headings(html: str) -> str:
    """Shift headings so the highest one used becomes h3, keeping their relative order (at most h6)."""
    levels = [int(level) for level in re.findall(r"<h([1-6])\b", html)]
    shift = 3 - min(levels) if levels else 0
    if shift <= 0:
        return html
    return re.sub(r"<(/?)h([1-6])\b", lambda m: f"<{m[1]}h{min(int(m[2]) + shift, 6)}", html)
