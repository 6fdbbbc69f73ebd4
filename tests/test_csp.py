"""The Content-Security-Policy of every page, and the output checked as a whole.

The policy is a second wall behind the sanitizer: even markup that got past it could not run.
The browser test (tests/browser/test_csp_chromium.py) puts such markup into a built page by hand and
shows that Chromium refuses it while the site's own script still works.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from statusgen.build import load_settings
from statusgen.render import content_security_policy
from tests.conftest import DEMO, ROOT
from tests.demo_server import served_demo
from tests.safety import scan_site

DEMO_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self' https://spse.example.org; "  # the demo's help.check: [spse], url https://spse.example.org/eproc4
    "base-uri 'none'; form-action 'none'; object-src 'none'; require-trusted-types-for 'script'"
)


def test_the_policy_allows_the_site_and_the_checked_origins_only() -> None:
    config, _ = load_settings(DEMO / "status.yml")
    assert content_security_policy(config) == DEMO_POLICY


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    with served_demo(tmp_path_factory.mktemp("csp")) as served:
        yield served


@pytest.mark.slow
def test_every_page_carries_the_policy_first_and_nothing_unsafe(demo_site: tuple[Path, str]) -> None:
    site, _ = demo_site
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 70
    for path in pages:
        html = path.read_text(encoding="utf-8")
        head = html[: html.index("</head>")]
        policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', head)
        assert policy is not None, path
        assert policy[1] == DEMO_POLICY, path
        # Right after the character set: before any stylesheet, icon or script it governs.
        assert head.index("<meta charset") < policy.start() < min(head.index("<link"), len(head)), path
    assert scan_site(site) == []


@pytest.mark.slow
def test_the_scan_check_yml_runs_on_the_real_site_finds_what_is_unsafe(demo_site: tuple[Path, str]) -> None:
    """check.yml builds the site from the committed status.yml and incidents/ and scans it with
    ``python3 -m tests.safety``; the tests themselves never read those files. Here the command passes a
    safe site and fails one with a script put in."""
    site, _ = demo_site
    scan = [sys.executable, "-m", "tests.safety"]
    clean = subprocess.run([*scan, str(site)], cwd=ROOT, capture_output=True, text=True)
    assert clean.returncode == 0, clean.stderr
    assert clean.stdout.endswith(": 0 unsafe things found\n")
    spoiled = site.parent / "spoiled"
    shutil.copytree(site, spoiled)
    page = spoiled / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("</main>", "<script>alert(1)</script></main>"))
    dirty = subprocess.run([*scan, str(spoiled)], cwd=ROOT, capture_output=True, text=True)
    assert dirty.returncode == 1
    assert "index.html" in dirty.stderr and "script" in dirty.stderr
