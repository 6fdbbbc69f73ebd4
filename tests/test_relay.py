"""The relay (scripts/ci/relay.py): the samples of places on their own machines, copied from their mailboxes.

Each mailbox is a local bare repository; status.yml names it by an https address, which git is told to read
from that repository instead (url.<base>.insteadOf, set through the environment), so nothing reaches the
network and the code runs as with the real address.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from statusgen.build import load_settings
from tests.conftest import ROOT
from tests.test_deploy import clone, data_lines, git, month, run, service  # noqa: F401  (service: a fixture)

HEADER = "time,status,http_status,latency_ms,error,cert_days\n"
BANDWIDTH = "time,download_mbps,upload_mbps,error\n"
BASE = "https://git.example.org/"
MONTH = "2026-11"


def load_relay() -> ModuleType:
    spec = importlib.util.spec_from_file_location("relay", ROOT / "scripts" / "ci" / "relay.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["relay"] = module
    spec.loader.exec_module(module)
    return module


relay = load_relay()


def config_text(url: str = "http://127.0.0.1:9/") -> str:
    return f"""\
title: Uji
base_url: https://example.github.io/status/
history_start: 2026-01-01
vantages:
  - id: github
    kind: public
  - id: kantor
    kind: inside
    source: {BASE}kantor.git
  - id: jakarta
    kind: public
    source: {BASE}jakarta.git
components:
  - id: spse
    name: SPSE
    probe:
      url: {url}
      retries: 0
      from: [github, kantor, jakarta]
  - id: sikap
    name: SIKaP
    probe:
      url: {url}
      retries: 0
      from: [github]
"""


@pytest.fixture
def mailboxes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The folder of the local mailboxes; git reads https://git.example.org/NAME from its NAME."""
    folder = tmp_path / "mailboxes"
    folder.mkdir()
    monkeypatch.setenv("GIT_CONFIG_COUNT", "1")
    monkeypatch.setenv("GIT_CONFIG_KEY_0", f"url.{folder.as_uri()}/.insteadOf")
    monkeypatch.setenv("GIT_CONFIG_VALUE_0", BASE)
    return folder


def make_mailbox(folder: Path, name: str, files: dict[str, str], links: dict[str, str] | None = None) -> Path:
    """A bare repository ``folder/name.git`` whose one commit holds ``files`` (and symbolic ``links``)."""
    bare = folder / f"{name}.git"
    git(folder, "init", "--quiet", "--bare", "--initial-branch=main", str(bare))
    git(bare, "config", "uploadpack.allowFilter", "true")  # as GitHub: a clone may leave contents for later
    git(bare, "config", "uploadpack.allowAnySHA1InWant", "true")
    work = folder / f"{name}-work"
    git(folder, "init", "--quiet", "--initial-branch=main", str(work))
    for path, text in files.items():
        (work / path).parent.mkdir(parents=True, exist_ok=True)
        (work / path).write_bytes(text.encode())
    for path, target in (links or {}).items():
        (work / path).parent.mkdir(parents=True, exist_ok=True)
        (work / path).symlink_to(target)
    git(work, "add", "-A")
    git(work, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "--quiet", "--allow-empty", "-m", "samples")
    git(work, "push", "--quiet", bare.as_uri(), "main")
    return bare


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "status.yml").write_text(config_text())
    return tmp_path / "status.yml"


def line(minute: int, status: str = "up") -> str:
    return f"{MONTH}-10T08:{minute:02d}:00Z,{status},200,120,,60\n"


def relay_now(config_path: Path, months: tuple[str, ...] = (MONTH,)):  # type: ignore[no-untyped-def]
    config, _ = load_settings(config_path)
    return relay.relay(config, config.history_dir, months)


def test_new_lines_are_appended_in_time_order_and_the_file_only_grows(site: Path, mailboxes: Path) -> None:
    target = site.parent / "history" / "spse" / "@kantor" / f"{MONTH}.csv"
    target.parent.mkdir(parents=True)
    old = HEADER + line(5)
    target.write_text(old)
    # Out of order, a time the history holds already (08:05), and a line twice (as a union merge leaves it).
    mailbox = HEADER + line(10) + line(0, "down") + line(5) + line(10)
    make_mailbox(mailboxes, "kantor", {f"history/spse/@kantor/{MONTH}.csv": mailbox})
    outcome = relay_now(site)
    assert outcome.appended == {f"spse/@kantor/{MONTH}.csv": 2}  # 08:00 and 08:10; 08:05 was held
    assert len(outcome.warnings) == 1 and outcome.warnings[0].startswith(f"jakarta: cannot fetch {BASE}jakarta.git: ")
    data = target.read_text()
    assert data.startswith(old)  # appended, never rewritten
    assert data == old + line(0, "down") + line(10)  # in time order after what was there
    # A second relay finds nothing new: the file is byte for byte the same.
    again = relay_now(site)
    assert again.appended == {}
    assert target.read_text() == data


def test_a_new_file_gets_its_header_and_bandwidth_lines_are_copied(site: Path, mailboxes: Path) -> None:
    files = {
        f"history/spse/@jakarta/{MONTH}.csv": HEADER + line(1),
        f"history/spse/@jakarta/bandwidth-{MONTH}.csv": BANDWIDTH
        + f"{MONTH}-10T09:00:00Z,38.512,9.1,\n"
        + f"{MONTH}-10T08:00:00Z,,,connection\n"
        + f"{MONTH}-10T10:00:00Z,fast,,\n",  # malformed: not a number
    }
    make_mailbox(mailboxes, "jakarta", files)
    make_mailbox(mailboxes, "kantor", {})  # empty: nothing to copy, nothing to say
    outcome = relay_now(site)
    history = site.parent / "history" / "spse" / "@jakarta"
    assert (history / f"{MONTH}.csv").read_text() == HEADER + line(1)
    assert (history / f"bandwidth-{MONTH}.csv").read_text() == (
        BANDWIDTH + f"{MONTH}-10T08:00:00Z,,,connection\n" + f"{MONTH}-10T09:00:00Z,38.512,9.1,\n"
    )
    assert outcome.appended == {f"spse/@jakarta/{MONTH}.csv": 1, f"spse/@jakarta/bandwidth-{MONTH}.csv": 2}
    assert len(outcome.warnings) == 1
    assert outcome.warnings[0].startswith(f"jakarta: history/spse/@jakarta/bandwidth-{MONTH}.csv:4: malformed line")


def test_a_place_writes_only_its_own_folder(site: Path, mailboxes: Path) -> None:
    own = f"history/spse/@kantor/{MONTH}.csv"
    files = {
        own: HEADER + line(1),
        "README.md": "the mailbox of the office\n",  # top level: not data, no warning
        f"history/spse/{MONTH}.csv": HEADER + line(2),  # the hosted place's folder
        f"history/spse/@jakarta/{MONTH}.csv": HEADER + line(3),  # another place's folder
        f"history/sikap/@kantor/{MONTH}.csv": HEADER + line(4),  # not probed from kantor
        f"history/ghost/@kantor/{MONTH}.csv": HEADER + line(5),  # no such component
        f"history/spse/@kantor/deep/{MONTH}.csv": HEADER + line(6),
        "history/spse/@kantor/run.sh": "echo hello\n",
        f"history/spse/@kantor/{MONTH}-02.csv": HEADER + line(7),
        "history/spse/@kantor/2026-10.csv": HEADER + "2026-10-01T00:00:00Z,up,200,1,,1\n",  # another month: quiet
        ".github/workflows/x.yml": "on: push\n",
    }
    links = {f"history/spse/@kantor/bandwidth-{MONTH}.csv": "/etc/passwd"}
    make_mailbox(mailboxes, "kantor", files, links)
    make_mailbox(mailboxes, "jakarta", {})
    outcome = relay_now(site)
    assert outcome.appended == {f"spse/@kantor/{MONTH}.csv": 1}
    held = sorted(str(p.relative_to(site.parent / "history")) for p in (site.parent / "history").rglob("*.*"))
    assert held == [f"spse/@kantor/{MONTH}.csv"]
    assert (site.parent / "history" / f"spse/@kantor/{MONTH}.csv").read_text() == HEADER + line(1)
    said = sorted(w.split(": ")[1] for w in outcome.warnings)
    assert said == sorted(
        [
            ".github/workflows/x.yml",
            f"history/spse/{MONTH}.csv",
            f"history/spse/@jakarta/{MONTH}.csv",
            f"history/sikap/@kantor/{MONTH}.csv",
            f"history/ghost/@kantor/{MONTH}.csv",
            f"history/spse/@kantor/deep/{MONTH}.csv",
            "history/spse/@kantor/run.sh",
            f"history/spse/@kantor/{MONTH}-02.csv",
            f"history/spse/@kantor/bandwidth-{MONTH}.csv",  # a symbolic link, never followed
        ]
    )


def test_malformed_and_foreign_lines_are_never_copied(site: Path, mailboxes: Path) -> None:
    bad = [
        f"{MONTH}-10T08:01:00Z,up,200,120,,60,extra\n",  # 2: seven fields
        f"{MONTH}-10T08:02:00Z,fine,200,120,,60\n",  # 3: no such status
        f"{MONTH}-10T08:03:00Z,up,200,<script>,,60\n",  # 4: not a number
        f"{MONTH}-10 08:04:00,up,200,120,,60\n",  # 5: not the time format
        "2026-12-01T00:00:00Z,up,200,120,,60\n",  # 6: next month, in this month's file
        f"{MONTH}-31T00:00:00Z,up,200,120,,60\n",  # 7: November has 30 days
    ]
    good = line(9)  # 8
    make_mailbox(mailboxes, "kantor", {f"history/spse/@kantor/{MONTH}.csv": HEADER + "".join(bad) + good})
    make_mailbox(mailboxes, "jakarta", {})
    outcome = relay_now(site)
    assert (site.parent / "history" / f"spse/@kantor/{MONTH}.csv").read_text() == HEADER + good
    numbers = [w.split(": ")[1].rsplit(":", 1)[1] for w in outcome.warnings]
    assert numbers == ["2", "3", "4", "5", "6", "7"]


def test_an_unreachable_mailbox_costs_only_itself(site: Path, mailboxes: Path) -> None:
    make_mailbox(mailboxes, "jakarta", {f"history/spse/@jakarta/{MONTH}.csv": HEADER + line(1)})
    # kantor's mailbox does not exist: a warning, and jakarta's lines still come.
    outcome = relay_now(site)
    assert outcome.appended == {f"spse/@jakarta/{MONTH}.csv": 1}
    assert len(outcome.warnings) == 1 and outcome.warnings[0].startswith(f"kantor: cannot fetch {BASE}kantor.git: ")
    assert outcome.failed == []


def test_only_the_months_asked_for_are_copied(site: Path, mailboxes: Path) -> None:
    files = {
        f"history/spse/@kantor/{MONTH}.csv": HEADER + line(1),
        "history/spse/@kantor/2026-12.csv": HEADER + "2026-12-01T00:00:00Z,up,200,1,,1\n",
    }
    make_mailbox(mailboxes, "kantor", files)
    make_mailbox(mailboxes, "jakarta", {})
    outcome = relay_now(site, ("2026-12",))
    assert outcome.appended == {"spse/@kantor/2026-12.csv": 1}
    assert not (site.parent / "history" / f"spse/@kantor/{MONTH}.csv").exists()


def test_the_command_line(site: Path, mailboxes: Path, capsys: pytest.CaptureFixture[str]) -> None:
    make_mailbox(mailboxes, "kantor", {f"history/spse/@kantor/{MONTH}.csv": HEADER + line(1) + line(2)})
    assert relay.main([str(site), MONTH]) == 0  # jakarta cannot be fetched: a warning, not a failure
    out, err = capsys.readouterr()
    assert out == f"relayed 2 lines into history/spse/@kantor/{MONTH}.csv\n"
    assert err.startswith(f"relay: jakarta: cannot fetch {BASE}jakarta.git: ")
    # A history file that cannot be written fails the run (exit 1), saying which.
    blocked = site.parent / "history" / "spse" / "@jakarta"
    blocked.parent.mkdir(parents=True, exist_ok=True)
    blocked.write_text("a file where the folder goes")
    make_mailbox(mailboxes, "jakarta", {f"history/spse/@jakarta/{MONTH}.csv": HEADER + line(1)})
    assert relay.main([str(site), MONTH]) == 1
    assert f"relay: spse/@jakarta/{MONTH}.csv: cannot append: " in capsys.readouterr().err
    (site.parent / "status.yml").write_text("title: [\n")
    assert relay.main([str(site), MONTH]) == 1


def test_default_months_are_those_a_probe_run_checks_out() -> None:
    from datetime import UTC, datetime

    assert relay.default_months(datetime(2026, 12, 15, tzinfo=UTC)) == ["2026-12", "2027-01"]
    assert relay.default_months(datetime(2026, 12, 1, tzinfo=UTC)) == ["2026-12", "2027-01", "2026-11"]
    assert relay.default_months(datetime(2027, 1, 1, tzinfo=UTC)) == ["2027-01", "2027-02", "2026-12"]


@pytest.mark.slow
def test_probe_sh_brings_a_place_s_samples_into_the_data_branch(
    tmp_path: Path,
    mailboxes: Path,
    service: str,  # noqa: F811
) -> None:
    """End to end: the hosted run checks out the places' month files and pushes what the relay copied."""
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "--quiet", "--bare", "--initial-branch=main", str(origin))
    git(origin, "config", "uploadpack.allowFilter", "true")
    git(origin, "config", "uploadpack.allowAnySHA1InWant", "true")
    seed = tmp_path / "seed"
    git(tmp_path, "clone", "--quiet", origin.as_uri(), str(seed))
    (seed / "status.yml").write_text(config_text(service))
    (seed / "incidents").mkdir()
    (seed / "incidents" / ".gitkeep").write_text("")
    (seed / ".gitignore").write_text("/history/\n/site/\n")
    git(seed, "add", "-A")
    git(seed, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "--quiet", "-m", "site")
    git(seed, "push", "--quiet", "origin", "HEAD:main")
    sample = f"{month()}-01T00:00:00Z,up,200,80,,60\n"
    make_mailbox(mailboxes, "kantor", {f"history/spse/@kantor/{month()}.csv": HEADER + sample})
    make_mailbox(mailboxes, "jakarta", {})
    environment = {"GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": f"url.{mailboxes.as_uri()}/.insteadOf"}
    environment["GIT_CONFIG_VALUE_0"] = BASE
    first = run(clone(origin, "runner"), "probe.sh", **environment)
    assert first.returncode == 0, first.stderr
    assert f"relayed 1 line into history/spse/@kantor/{month()}.csv" in first.stdout
    assert git(origin, "show", f"status-data:spse/@kantor/{month()}.csv") == HEADER + sample
    # The next run (a fresh runner, a sparse checkout of this month's files) finds the line held already.
    second = run(clone(origin, "runner2"), "probe.sh", GITHUB_ACTIONS="true", **environment)
    assert second.returncode == 0, second.stderr
    assert "relayed" not in second.stdout
    assert git(origin, "show", f"status-data:spse/@kantor/{month()}.csv") == HEADER + sample
    assert sum(1 for text in data_lines(origin) if text == sample.rstrip("\n")) == 1
    assert subprocess.run(["git", "diff", "--quiet"], cwd=tmp_path / "runner").returncode == 0
