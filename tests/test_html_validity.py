"""HTML validity of the built demo site: the W3C Nu HTML Checker (vnu.jar) over every generated page.

vnu.jar comes from npm into .tools/ (scripts/setup-tests.sh); nothing is skipped when it or Java is missing.
axe-core over the same pages, in headless Chromium, is in tests/browser/test_quality.py.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from tests.conftest import ROOT
from tests.demo_server import PREFIX, served_demo

SETUP = "run `bash scripts/setup-tests.sh` to install it"
TOOLS = ROOT / ".tools" / "node_modules"
VNU_JAR = TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"
MAX_LISTED = 30  # problems printed in a failure message


@dataclass
class Served:
    out: Path  # the built site, <tmp>/root/status-demo
    origin: str  # http://127.0.0.1:<port>, serving <tmp>/root

    @property
    def base(self) -> str:
        return self.origin + PREFIX


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The demo built into <tmp>/root/status-demo and served under its sub-path."""
    with served_demo(tmp_path_factory.mktemp("quality")) as (out, origin):
        yield Served(out, origin)


def listed(problems: list[str]) -> str:
    more = f"\n... and {len(problems) - MAX_LISTED} more" if len(problems) > MAX_LISTED else ""
    return "\n".join(problems[:MAX_LISTED]) + more


# --- HTML validity -------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_html_is_valid(site: Served) -> None:
    java = shutil.which("java")
    assert java, f"java is not on PATH: {SETUP}"
    assert VNU_JAR.is_file(), f"{VNU_JAR} is missing: {SETUP}"
    files = sorted(site.out.rglob("*.html"))
    assert len(files) > 100, files  # the index, incidents, components, calendars, history, SLA, 404

    # One JVM for every file: vnu.jar takes them all at once. --errors-only drops warnings and info; --stdout
    # puts the JSON report on stdout, and --verbose names each checked file on stderr, because vnu.jar
    # passes over a file it cannot read without a word.
    result = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--errors-only", "--stdout", "--verbose", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    try:
        messages: list[dict[str, Any]] = json.loads(result.stdout)["messages"]
    except (ValueError, KeyError) as error:
        raise AssertionError(
            f"vnu.jar gave no JSON report (exit {result.returncode}): {error}\n{result.stdout}\n{result.stderr}"
        ) from error
    unchecked = sorted(set(map(str, files)) - set(result.stderr.splitlines()))
    assert unchecked == [], f"vnu.jar did not check {len(unchecked)} files:\n{listed(unchecked)}\n{result.stderr}"

    problems = []
    for message in messages:
        url = str(message.get("url", ""))
        path = Path(unquote(url.removeprefix("file:")))
        name = path.relative_to(site.out).as_posix() if path.is_relative_to(site.out) else url
        line = message.get("lastLine", message.get("firstLine", "?"))
        problems.append(f"{name}:{line}: {message.get('type')}: {message.get('message')}")
    assert problems == [] and result.returncode == 0, (
        f"vnu.jar found {len(problems)} errors in {len(files)} files (exit {result.returncode}):\n" + listed(problems)
    )
