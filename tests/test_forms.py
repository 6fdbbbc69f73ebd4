"""The GitHub forms' script (scripts/ci/incident.sh) against a local bare repository, with hostile inputs.

The forms pass their inputs to the script as INCIDENT_* environment variables only. These tests run
the script as the workflow does and check that what a staff member types (or an attacker who can
run the form) is published as text and never runs as a command.
"""

from __future__ import annotations

import os
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT
from tests.test_deploy import SCRIPTS, clone, git

HOSTILE = [
    '"; rm -rf / #',
    "$(touch pwned)",
    "`touch pwned`",
    "'; touch pwned; echo '",
    "a\nb: c\n---\n<script>alert(1)</script>",
    "--help",
    "{{ 7*7 }} ${HOME} %s",
]


def epoch(wita: str) -> str:
    """SOURCE_DATE_EPOCH for a time in WITA: the "now" of a form run."""
    return str(int(datetime.fromisoformat(wita + "+08:00").timestamp()))


def run(cwd: Path, command: str, **env: str) -> subprocess.CompletedProcess[str]:
    """incident.sh as the form's step runs it: inputs in the environment, the command as the only argument."""
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(("INCIDENT_", "GITHUB_", "SOURCE_"))
    }
    environment.update(
        GENERATE=f"python3 {ROOT / 'generate.py'}", RETRY_SECONDS="0", GIT_AUTHOR_NAME="t",
        GIT_AUTHOR_EMAIL="t@example.org", GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.org", **env,
    )  # fmt: skip
    script = str(SCRIPTS / "incident.sh")
    return subprocess.run(["bash", script, command], cwd=cwd, env=environment, capture_output=True, text=True)


@pytest.fixture
def origin(tmp_path: Path) -> Path:
    """A bare repository whose main branch holds a small site with two components."""
    bare = tmp_path / "origin.git"
    git(tmp_path, "init", "--quiet", "--bare", "--initial-branch=main", str(bare))
    seed = tmp_path / "seed"
    git(tmp_path, "clone", "--quiet", str(bare), str(seed))
    (seed / "status.yml").write_text(
        "title: Uji\nbase_url: https://example.github.io/status/\nhistory_start: 2026-01-01\n"
        "timezone: Asia/Makassar\ncomponents:\n  - id: spse\n    name: SPSE\n  - id: sikap\n    name: SIKaP\n"
    )
    (seed / "incidents").mkdir()
    (seed / "incidents" / ".gitkeep").write_text("")
    git(seed, "add", "-A")
    git(seed, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "--quiet", "-m", "site")
    git(seed, "push", "--quiet", "origin", "HEAD:main")
    return bare


def front_matter(text: str) -> dict[str, object]:
    data = yaml.safe_load(text.split("---\n")[1])
    assert isinstance(data, dict)
    return data


def published(origin: Path) -> dict[str, str]:
    """The incident files on origin's main branch, by name."""
    names = git(origin, "ls-tree", "-r", "--name-only", "main", "incidents").split()
    return {name: git(origin, "show", f"main:{name}") for name in names if name.endswith(".md")}


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.slow
def test_a_hostile_title_and_message_are_published_as_text(origin: Path, text: str) -> None:
    runner = clone(origin, "runner")
    result = run(
        runner,
        "new",
        INCIDENT_TITLE=f"SPSE {text}",
        INCIDENT_COMPONENTS="spse, sikap",
        INCIDENT_SEVERITY="major",
        INCIDENT_CAUSE="internal",
        INCIDENT_MESSAGE=text,
        INCIDENT_STARTED="2026-11-26 09:00",
        INCIDENT_BRANCH="main",
        SOURCE_DATE_EPOCH=epoch("2026-11-26 09:05"),
    )
    assert result.returncode == 0, result.stderr
    files = published(origin)
    assert len(files) == 1
    ((name, content),) = files.items()
    data = front_matter(content)
    assert data["title"] == f"SPSE {text}".strip()
    assert data["components"] == ["spse", "sikap"]
    assert data["updates"][0]["message"] == text.strip()  # type: ignore[index]
    assert name.startswith("incidents/2026-11-26-spse")
    # Nothing ran: no file appeared anywhere the script could have written one.
    assert not list(runner.rglob("pwned")) and not (Path.cwd() / "pwned").exists()
    log = git(origin, "log", "-1", "--format=%B", "main")
    assert log.startswith("Incident new: SPSE ") and "From the GitHub form" in log


@pytest.mark.slow
def test_update_and_resolve_through_the_forms(origin: Path) -> None:
    runner = clone(origin, "runner")
    created = run(
        runner, "new", INCIDENT_TITLE="SPSE lambat", INCIDENT_COMPONENTS="spse",
        INCIDENT_SEVERITY="degraded", INCIDENT_STARTED="2026-11-26 09:00", INCIDENT_BRANCH="main",
        SOURCE_DATE_EPOCH=epoch("2026-11-26 09:05"),
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    slug = Path(next(iter(published(origin)))).stem
    assert slug == "2026-11-26-spse-lambat"

    # A second runner, as a later form run would be: a fresh checkout.
    later = clone(origin, "later")
    updated = run(
        later, "update", INCIDENT_SLUG=slug, INCIDENT_STATUS="identified", INCIDENT_MESSAGE="`touch pwned`",
        INCIDENT_AT="2026-11-26 09:30", INCIDENT_BRANCH="main", SOURCE_DATE_EPOCH=epoch("2026-11-26 09:35"),
    )  # fmt: skip
    assert updated.returncode == 0, updated.stderr
    resolved = run(
        later, "resolve", INCIDENT_SLUG=slug, INCIDENT_AT="2026-11-26 10:00", INCIDENT_BRANCH="main",
        SOURCE_DATE_EPOCH=epoch("2026-11-26 10:05"),
    )  # fmt: skip
    assert resolved.returncode == 0, resolved.stderr

    data = front_matter(published(origin)[f"incidents/{slug}.md"])
    assert [u["status"] for u in data["updates"]] == ["resolved", "identified", "investigating"]  # type: ignore[index]
    assert data["updates"][1]["message"] == "`touch pwned`"  # type: ignore[index]
    assert str(data["resolved"]) == "2026-11-26 10:00"
    assert not list(later.rglob("pwned"))


@pytest.mark.parametrize("slug", ["--help", "../status", "$(touch pwned)", "nope"])
@pytest.mark.slow
def test_a_bad_slug_changes_nothing(origin: Path, slug: str) -> None:
    runner = clone(origin, "runner")
    before = git(origin, "rev-parse", "main")
    result = run(
        runner, "update", INCIDENT_SLUG=slug, INCIDENT_STATUS="identified", INCIDENT_MESSAGE="x",
        INCIDENT_BRANCH="main",
    )  # fmt: skip
    assert result.returncode == 1
    assert "tidak ada gangguan" in result.stderr  # the staff's language: Bahasa Indonesia, the site's default
    assert git(origin, "rev-parse", "main") == before
    assert not list(runner.rglob("pwned"))


def test_invalid_form_input_is_refused_with_a_message(origin: Path) -> None:
    runner = clone(origin, "runner")
    before = git(origin, "rev-parse", "main")
    result = run(
        runner, "new", INCIDENT_TITLE="SPSE mati", INCIDENT_COMPONENTS="spes", INCIDENT_SEVERITY="major",
        INCIDENT_BRANCH="main",
    )  # fmt: skip
    assert result.returncode == 1
    assert "layanan 'spes' tidak ada di status.yml" in result.stderr and "Maksud Anda 'spse'?" in result.stderr
    assert git(origin, "rev-parse", "main") == before
    assert git(runner, "status", "--porcelain") == ""


def test_the_forms_pass_every_input_through_the_environment() -> None:
    for name, command in [("report-incident.yml", "new"), ("update-incident.yml", "update"),
                          ("resolve-incident.yml", "resolve")]:  # fmt: skip
        workflow = yaml.load((ROOT / ".github" / "workflows" / name).read_text(), Loader=yaml.BaseLoader)
        inputs = workflow["on"]["workflow_dispatch"]["inputs"]
        step = workflow["jobs"]["write"]["steps"][-1]
        assert step["run"] == f"bash scripts/ci/incident.sh {command}"
        passed = {value for value in step["env"].values() if value.startswith("${{ inputs.")}
        assert passed == {f"${{{{ inputs.{key} }}}}" for key in inputs}, name
        assert "concurrency" not in workflow  # a waiting run would be cancelled by a third: no report may be lost
        assert workflow["jobs"]["deploy"]["steps"][0]["run"].splitlines() == [
            'gh workflow run pages.yml --ref "$DEFAULT_BRANCH"',
            'gh workflow run notify.yml --ref "$DEFAULT_BRANCH"',
        ]


@pytest.mark.slow
def test_two_forms_racing_for_the_same_incident_both_land(origin: Path) -> None:
    """A second writer pushes between our fetch and our push: the retry starts again from the remote."""
    runner = clone(origin, "runner")
    created = run(
        runner, "new", INCIDENT_TITLE="SPSE lambat", INCIDENT_COMPONENTS="spse", INCIDENT_SEVERITY="degraded",
        INCIDENT_STARTED="2026-11-26 09:00", INCIDENT_BRANCH="main", SOURCE_DATE_EPOCH=epoch("2026-11-26 09:05"),
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    slug = "2026-11-26-spse-lambat"
    # A hook that lets another checkout push an update to the same file just before our first push.
    other = clone(origin, "other")
    hook = runner / ".git" / "hooks" / "pre-push"
    hook.write_text(
        "#!/bin/sh\n"
        f"[ -f {runner}/.raced ] && exit 0\ntouch {runner}/.raced\n"
        f"cd {other} && git pull --quiet origin main && "
        f"python3 {ROOT / 'generate.py'} update {slug} --status identified --message 'dari tempat lain' "
        "--at '2026-11-26 09:10' >/dev/null && git add -A && "
        "git -c user.name=o -c user.email=o@example.org commit --quiet -m other && git push --quiet origin HEAD:main\n"
    )
    hook.chmod(0o755)
    updated = run(
        runner, "update", INCIDENT_SLUG=slug, INCIDENT_STATUS="monitoring", INCIDENT_MESSAGE="dipantau",
        INCIDENT_AT="2026-11-26 09:20", INCIDENT_BRANCH="main", SOURCE_DATE_EPOCH=epoch("2026-11-26 09:25"),
    )  # fmt: skip
    assert updated.returncode == 0, updated.stderr
    data = front_matter(published(origin)[f"incidents/{slug}.md"])
    assert [u["status"] for u in data["updates"]] == ["monitoring", "identified", "investigating"]  # type: ignore[index]
    assert (runner / ".raced").exists()  # the other writer did push first: the retry is what landed ours
    assert git(origin, "log", "--format=%s", "main").splitlines()[:2] == [
        "Incident update: monitoring: " + slug,
        "other",
    ]
