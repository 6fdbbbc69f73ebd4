"""Section E: the page weight of A's ``index.html`` and what it references; the largest page, feed and JSON file."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import yaml
from bench_common import Bench, Target, build_args, gzipped, largest_files, progress, run_process, say, show_largest
from bench_results import Figure, Row, sig
from sites import Size

GZIP_TARGET = 11 * 1024
NETWORK_CALL = re.compile(r"\bfetch\s*\(|XMLHttpRequest|EventSource|WebSocket")


class References(HTMLParser):
    """The scripts, style sheets, icons and images a page loads, and its inline script text."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []  # (kind, address)
        self.inline: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        rel = set(values.get("rel", "").lower().split())
        if tag == "script":
            self._in_script = "src" not in values
            if "src" in values:
                self.found.append(("script", values["src"]))
        elif tag == "link" and rel & {"stylesheet", "icon"} and "href" in values:
            self.found.append(("stylesheet" if "stylesheet" in rel else "icon", values["href"]))
        elif tag == "img" and "src" in values:
            self.found.append(("img", values["src"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.inline.append(data)


def base_url(config: Path) -> str:
    document = yaml.safe_load(config.read_text(encoding="utf-8"))
    return str(document["base_url"])


def same_site(address: str, base: str) -> bool:
    parts = urlsplit(address)
    if address.startswith("//"):
        return False
    return not (parts.scheme in ("http", "https") and parts.netloc != urlsplit(base).netloc)


def local_file(address: str, base: str, site: Path) -> Path | None:
    """The output file a same-site address points at, if it can be found."""
    if address.startswith("data:"):
        return None
    path = urlsplit(urljoin(base, address)).path
    prefix = urlsplit(base).path
    if not path.startswith(prefix):
        return None
    target = site / path[len(prefix) :]
    return target if target.is_file() else None


def run(bench: Bench) -> None:
    if "A" not in bench.built:
        progress("E: building A once (untimed), A was not run")
        config, out = bench.site("A", Size(500, 10))
        run_process(build_args(config, out))
        bench.built["A"] = out
        bench.largest["A"] = largest_files(out)
    site = bench.built["A"]
    base = base_url(site.parent / "status.yml")
    page = (site / "index.html").read_bytes()
    parser = References()
    parser.feed(page.decode("utf-8"))
    say("E  page weight of A's index.html")
    say(f"  index.html: {len(page):,} bytes raw, {gzipped(page):,} bytes gzip -9")
    total_gzip, outside, scripts, calls = gzipped(page), 0, 0, len(NETWORK_CALL.findall("".join(parser.inline)))
    referenced = []
    for kind, address in parser.found:
        if not same_site(address, base):
            outside += 1
            say(f"  {kind:<10} NOT SAME-SITE {address}")
            continue
        target = local_file(address, base, site)
        data = target.read_bytes() if target else b""
        if kind in ("script", "stylesheet"):
            total_gzip += gzipped(data)
        if kind == "script":
            scripts += 1
            calls += len(NETWORK_CALL.findall(data.decode("utf-8", errors="replace")))
        found = "" if target else "   (no such file in the output)"
        say(f"  {kind:<10} {len(data):>9,} B raw {gzipped(data):>8,} B gzip   {address}{found}")
        referenced.append({"kind": kind, "address": address, "bytes": len(data), "gzip": gzipped(data)})
    say(f"  not same-site references: {outside}")
    say(f"  page + css + js: {total_gzip:,} bytes gzip")
    say(f"  scripts: {scripts}; fetch/XMLHttpRequest/EventSource/WebSocket in the page and its scripts: {calls}")
    say("  (scripts are not run here: that fetch calls happen only inside click handlers is checked by the tests)")
    say("")
    for name, found_files in sorted(bench.largest.items(), key=lambda item: (item[0][0] != "A", item[0])):
        show_largest(name, found_files)
    bench.results["E"] = {
        "index_bytes": len(page),
        "index_gzip": gzipped(page),
        "references": referenced,
        "not_same_site": outside,
        "page_css_js_gzip": total_gzip,
        "scripts": scripts,
        "network_calls_in_source": calls,
        "largest": bench.largest,
    }
    bench.targets.append(
        Target("E index.html gzip", f"≤ {GZIP_TARGET:,} B", f"{gzipped(page):,} B", gzipped(page) <= GZIP_TARGET)
    )
    bench.targets.append(Target("E references not same-site", "0", str(outside), outside == 0))
    words = [
        "no script" if not scripts else f"{scripts} script{'s' if scripts > 1 else ''}",
        "no fetch" if not calls else f"{calls} fetch call{'s' if calls > 1 else ''} in the source",
        "nothing from another site" if not outside else f"{outside} reference{'s' if outside > 1 else ''} elsewhere",
    ]
    met = gzipped(page) <= GZIP_TARGET and not outside
    bench.rows["E"] = [
        Row(
            "E. A's `index.html`",
            target=f"≤ {GZIP_TARGET // 1024} KiB gzip",
            measured="{gzip} gzip ({raw} raw); with its stylesheets and scripts {total} gzip; " + ", ".join(words),
            verdict="met" if met else "missed",
            figures={
                "gzip": Figure(sig(gzipped(page) / 1024, 2), "KiB"),
                "raw": Figure(sig(len(page) / 1024), "KiB"),
                "total": Figure(sig(total_gzip / 1024, 2), "KiB"),
            },
        )
    ]
    bench.runs_used["E"] = "1 (sizes do not vary)"
