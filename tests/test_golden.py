"""Golden files: the demo site's index, one incident page and the feed, byte for byte.

A difference is reviewed like code. To accept an intended change, refresh them with:

    UPDATE_GOLDEN=1 python3 -m pytest tests/test_golden.py

and read `git diff tests/golden/` before committing.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import DEMO_NOW

GOLDEN = Path(__file__).resolve().parent / "golden"
FILES = ["index.html", "incidents/2021-09-19-kabel-laut-contoh/index.html", "feed.xml"]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    from statusgen.cli import main
    from tests.conftest import DEMO

    out = tmp_path_factory.mktemp("golden") / "site"
    # --no-cache: the cache would be kept beside the demo's status.yml, in the source tree
    command = ["build", "--config", str(DEMO / "status.yml"), "--out", str(out), "--now", DEMO_NOW, "--no-cache"]
    assert main(command) == 0
    return out


@pytest.mark.parametrize("relative", FILES)
def test_matches_golden(built: Path, relative: str) -> None:
    actual = (built / relative).read_bytes()
    golden = GOLDEN / relative.replace("/", "__")
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_bytes(actual)
    assert golden.is_file(), f"missing {golden}: run UPDATE_GOLDEN=1 python3 -m pytest tests/test_golden.py"
    assert actual.decode() == golden.read_text(encoding="utf-8")
