"""Shared fixtures: small sites written into tmp_path, the demo site, and the CLI.

The browser fixtures are in tests/browser/conftest.py, so that no other test imports Playwright.
"""

from __future__ import annotations

import json
import re
import shutil
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from statusgen.cli import main

ROOT = Path(__file__).resolve().parent.parent


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """With ``-m "not browser and …"`` the browser folder is not even collected, so Playwright is not imported
    (deselecting its tests would import it first). Any other expression collects it as usual."""
    expression = config.getoption("markexpr") or ""
    excluded = re.fullmatch(r"not browser( and .*)?|.* and not browser( and .*)?", expression.strip())
    if collection_path == ROOT / "tests" / "browser" and excluded and " or " not in expression:
        return True
    return None


DEMO = ROOT / "examples" / "demo"
DEMO_NOW = "2026-11-26T10:00+08:00"  # the moment the demo site and its golden files are built for

CONFIG = """\
title: Uji
base_url: https://example.github.io/status/
timezone: Asia/Makassar
history_start: 2011-01-01
components:
  - id: spse
    name: SPSE Kalsel
    group: LPSE
  - id: sikap
    name: SIKaP
    group: Pusat
  - id: internet
    name: Internet
"""


@dataclass
class Site:
    """A site folder in tmp_path: status.yml plus incidents/."""

    root: Path

    @property
    def config(self) -> Path:
        return self.root / "status.yml"

    @property
    def out(self) -> Path:
        return self.root / "site"

    def incident(self, slug: str, text: str) -> Path:
        path = self.root / "incidents" / f"{slug}.md"
        path.parent.mkdir(exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def file(self, relative: str) -> str:
        return (self.out / relative).read_text(encoding="utf-8")

    def days(self, component_id: str) -> list[dict[str, Any]]:
        """Every day of a component's history, as daily.json lists its recent ones: joined from the year files
        daily.json names. Checks on the way that daily.json's days are the last of them, as they are."""
        return every_day(self.out, component_id)


def every_day(out: Path, component_id: str) -> list[dict[str, Any]]:
    """Every day of a component's history in the site ``out`` (see Site.days)."""
    folder = out / "api" / "v1" / "components" / component_id
    recent = json.loads((folder / "daily.json").read_text(encoding="utf-8"))
    days: list[dict[str, Any]] = []
    for year, name in recent["years"].items():
        document = json.loads((folder / name).read_text(encoding="utf-8"))
        assert name == f"daily/{year}.json" and document["year"] == int(year)
        # A figure the same on every day of the year is written once, in "constant"; a column is in one or the
        # other, never both, and the date is always a column.
        assert not set(document["constant"]) & set(document["columns"]) and document["columns"][0] == "date"
        days += [document["constant"] | dict(zip(document["columns"], row, strict=True)) for row in document["days"]]
    assert [d["date"] for d in days] == sorted({d["date"] for d in days})  # in order, each once
    assert recent["days"] == days[-90:]
    return days


@pytest.fixture
def make_site(tmp_path: Path) -> Callable[..., Site]:
    def make(config: str = CONFIG, name: str = "site-src") -> Site:
        root = tmp_path / name
        (root / "incidents").mkdir(parents=True)
        (root / "status.yml").write_text(textwrap.dedent(config), encoding="utf-8")
        return Site(root)

    return make


@pytest.fixture
def demo(tmp_path: Path) -> Site:
    """A copy of the synthetic demo site."""
    root = tmp_path / "demo"
    shutil.copytree(DEMO, root, ignore=shutil.ignore_patterns("site", "__pycache__"))
    return Site(root)


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., Run]:
    """Run the command line in-process and capture what it prints."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)

    def run(*args: str | Path) -> Run:
        words = [str(a) for a in args]
        # The tables of exact messages are written in English; Indonesian ones are tested on their own
        # (test_messages.py), with an explicit --lang, as is the default that follows status.yml.
        english_by_default = not words or words[0] in ("check", "build", "probe", "compact") or words[0][0] == "-"
        if english_by_default and "--lang" not in words:
            words.append("--lang=en")
        code = main(words)
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run
