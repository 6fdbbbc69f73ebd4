"""The notify workflow keeps the channels' secrets in one step, never runs for a pull request or a fork, and
runs one at a time; scripts/ci/notify.sh pushes the record of what was sent to the data branch, where two runs
keep both their lines."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
SCRIPTS = ROOT / "scripts" / "ci"
# The channels' secrets: each is passed by name, in the same order, wherever it appears.
SECRETS = ["NOTIFY_TELEGRAM", "NOTIFY_EMAIL", "NOTIFY_WEBHOOK", "NOTIFY_NTFY", "NOTIFY_WHATSAPP"]
PASSED = {name: f"${{{{ secrets.{name} }}}}" for name in SECRETS}
HEADER = "time,channel,notice,outcome,detail"


def load(name: str) -> dict:
    # PyYAML reads the key "on" as True; BaseLoader keeps every key as text (as tests/test_workflows.py does).
    return yaml.load((WORKFLOWS / name).read_text(), Loader=yaml.BaseLoader)


def walk(node: object, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], str]]:
    """Every key and every text value of a parsed workflow, each with the path that leads to it."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*path, key), key
            yield from walk(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, (*path, str(index)))
    elif isinstance(node, str):
        yield path, node


def notify_step() -> tuple[int, dict]:
    steps = load("notify.yml")["jobs"]["notify"]["steps"]
    found = [(index, step) for index, step in enumerate(steps) if step.get("run") == "bash scripts/ci/notify.sh"]
    assert len(found) == 1
    return found[0]


# --- the workflows ----------------------------------------------------------------------------------------


def test_notify_never_runs_for_a_pull_request() -> None:
    on = load("notify.yml")["on"]
    assert set(on) == {"push", "workflow_call", "workflow_dispatch", "schedule"}
    assert "pull_request" not in on and "pull_request_target" not in on
    assert on["push"] == {"branches": ["main"], "paths": ["incidents/**", "status.yml"]}
    assert on["schedule"] == [{"cron": "*/15 * * * *"}]


def test_the_job_skips_forks_runs_alone_and_may_write_only_contents() -> None:
    workflow = load("notify.yml")
    assert list(workflow["jobs"]) == ["notify"]
    job = workflow["jobs"]["notify"]
    assert job["if"] == "github.event_name != 'pull_request' && !github.event.repository.fork"
    # Two runs never race; one waiting is replaced by the next, never cancelled while it sends.
    assert job["concurrency"] == {"group": "notify", "cancel-in-progress": "false"}
    assert "concurrency" not in workflow
    assert workflow["permissions"] == {"contents": "read"}
    assert job["permissions"] == {"contents": "write"}
    assert job["timeout-minutes"] == "10"
    checkout = job["steps"][0]
    assert checkout["uses"].startswith("actions/checkout@")
    assert checkout["with"] == {"persist-credentials": "true"}  # notify.sh pushes the record


def test_only_the_notify_step_sees_the_channels_secrets() -> None:
    workflow = load("notify.yml")
    index, step = notify_step()
    assert step["env"] == PASSED
    job = workflow["jobs"]["notify"]
    assert "env" not in workflow and "env" not in job
    for other, each in enumerate(job["steps"]):
        if other != index:
            assert not any("NOTIFY_" in text or "secrets" in text for _, text in walk(each)), each
    # A caller passes them in by name; each is declared, optional (a channel without one is off).
    assert workflow["on"]["workflow_call"] == {"secrets": {name: {"required": "false"} for name in SECRETS}}


def test_no_other_workflow_touches_a_notify_secret() -> None:
    """A secret is named only in notify.yml's step and its declaration, and in probe.yml's pass-through to
    notify.yml; no job anywhere takes every secret (``secrets: inherit``) or reads them all (``toJSON``)."""
    index, _ = notify_step()
    expected = {
        "notify.yml": {("on", "workflow_call", "secrets")}
        | {("on", "workflow_call", "secrets", name) for name in SECRETS}
        | {("jobs", "notify", "steps", str(index), "env", name) for name in SECRETS},
        "probe.yml": {("jobs", "notify", "secrets")} | {("jobs", "notify", "secrets", name) for name in SECRETS},
    }
    for path in sorted(WORKFLOWS.glob("*.yml")):
        found = {where for where, text in walk(load(path.name)) if "NOTIFY_" in text or "secrets" in text}
        assert found == expected.get(path.name, set()), path.name
        text = path.read_text()
        assert "toJSON(secrets)" not in text and "inherit" not in text, path.name


def test_probe_passes_the_secrets_to_notify_and_its_own_job_never_sees_them() -> None:
    probe = load("probe.yml")
    notify = probe["jobs"]["notify"]
    assert notify == {
        "needs": "probe",
        "if": "${{ !cancelled() }}",  # also after a probe run red for one broken part
        "uses": "./.github/workflows/notify.yml",
        "permissions": {"contents": "write"},
        "secrets": PASSED,
    }
    assert list(notify["secrets"]) == list(load("notify.yml")["on"]["workflow_call"]["secrets"])
    # The probe job, which runs the probes and relay.py, has no secret in its environment or anywhere else.
    assert "env" not in probe
    job = probe["jobs"]["probe"]
    assert not any("secrets" in text or "NOTIFY_" in text for _, text in walk(job))
    pages = probe["jobs"]["pages"]
    assert "secrets" not in pages


# --- scripts/ci/notify.sh against a local bare repository --------------------------------------------------


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def month(offset: int = 0) -> str:
    """YYYY-MM of this month (UTC) moved by ``offset`` months."""
    today = datetime.now(UTC)
    index = today.year * 12 + today.month - 1 + offset
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@pytest.fixture
def origin(tmp_path: Path) -> Path:
    """A bare repository standing in for GitHub, with a main branch holding a small site."""
    bare = tmp_path / "origin.git"
    git(tmp_path, "init", "--quiet", "--bare", "--initial-branch=main", str(bare))
    git(bare, "config", "uploadpack.allowFilter", "true")  # partial clones, as GitHub allows
    git(bare, "config", "uploadpack.allowAnySHA1InWant", "true")
    seed = tmp_path / "seed"
    git(tmp_path, "clone", "--quiet", bare.as_uri(), str(seed))
    (seed / "status.yml").write_text("title: Uji\nbase_url: https://example.github.io/status/\ncomponents: []\n")
    (seed / ".gitignore").write_text("/history/\n/site/\n")
    git(seed, "add", "-A")
    git(seed, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "--quiet", "-m", "site")
    git(seed, "push", "--quiet", "origin", "HEAD:main")
    return bare


def clone(origin: Path, name: str) -> Path:
    """A checkout of main as Actions makes it: the newest commit only, over a URL."""
    target = origin.parent / name
    git(origin.parent, "clone", "--quiet", "--depth=1", origin.as_uri(), str(target))
    return target


def fake(tmp_path: Path, notice: str, status: int = 0, then: str = "") -> str:
    """A GENERATE whose ``notify`` appends one record line for ``notice`` to this month's record (with the
    header when it starts the file), runs ``then``, and exits ``status``."""
    script = tmp_path / f"fake-{notice}.sh"
    script.write_text(
        "#!/usr/bin/env bash\n"
        '[ "$1" = notify ] || exit 2\n'
        'file="history/_notify/$(date -u +%Y-%m).csv"\n'
        "mkdir -p history/_notify\n"
        f'[ -e "$file" ] || echo "{HEADER}" >"$file"\n'
        f'echo "$(date -u +%Y-%m-%dT%H:%M:%SZ),telegram,{notice},sent," >>"$file"\n'
        f"{then}\n"
        f"exit {status}\n"
    )
    return f"bash {script}"


def run(cwd: Path, generate: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "GENERATE": generate,
        "RETRY_SECONDS": "0",
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
        **env,
    }
    for name in ("GITHUB_ACTIONS", "GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY", "STATUSGEN_DATA_TURN"):
        if name not in env:
            environment.pop(name, None)
    return subprocess.run(
        ["bash", str(SCRIPTS / "notify.sh")], cwd=cwd, env=environment, capture_output=True, text=True
    )


def record(origin: Path, which: str | None = None) -> list[str]:
    return git(origin, "show", f"status-data:_notify/{which or month()}.csv").splitlines()


def notices(lines: list[str]) -> list[str]:
    return sorted(line.split(",")[2] for line in lines[1:])


def test_a_run_pushes_its_record_to_the_data_branch_and_prints_no_secret(origin: Path, tmp_path: Path) -> None:
    secret = "tgram://123456:AAHsecret-token/@kanal"
    result = run(clone(origin, "runner"), fake(tmp_path, "outage:spse:x"), NOTIFY_TELEGRAM=secret)
    assert result.returncode == 0, result.stderr
    lines = record(origin)
    assert lines[0] == HEADER and notices(lines) == ["outage:spse:x"]
    assert git(origin, "log", "--format=%s", "-1", "status-data").startswith("Notifications ")
    assert git(origin, "log", "--format=%s", "main").splitlines() == ["site"]  # nothing on main
    assert "AAHsecret" not in result.stdout + result.stderr


def test_two_runs_racing_keep_both_records(origin: Path, tmp_path: Path) -> None:
    """The second run's push is rejected because the first pushed in between; replayed with the union
    merge, the record keeps every line of both."""
    first, second = clone(origin, "first"), clone(origin, "second")
    assert run(first, fake(tmp_path, "incident:a:new")).returncode == 0  # starts the data branch
    # Right after the second run writes its line, the first runs again to its end and pushes first.
    again = fake(tmp_path, "incident:a:resolved")
    racer = f"(cd {first} && GENERATE='{again}' bash {SCRIPTS / 'notify.sh'}) >/dev/null 2>&1"
    result = run(second, fake(tmp_path, "maintenance:b:reminder", then=racer))
    assert result.returncode == 0, result.stderr
    assert "rejected" in result.stderr  # its first push did fail
    lines = record(origin)
    assert lines[0] == HEADER and lines.count(HEADER) == 1
    assert notices(lines) == ["incident:a:new", "incident:a:resolved", "maintenance:b:reminder"]
    # Fast-forwards only: the start, the first's two runs, the second's replayed on top.
    assert git(origin, "rev-list", "--count", "status-data") == "4\n"


def seed(origin: Path, files: dict[str, str]) -> None:
    """Give origin a status-data branch holding ``files`` (and the union-merge rule)."""
    work = origin.parent / "seeder"
    git(origin.parent, "init", "--quiet", "--initial-branch=status-data", str(work))
    for name, text in {".gitattributes": "*.csv merge=union\n", **files}.items():
        (work / name).parent.mkdir(parents=True, exist_ok=True)
        (work / name).write_text(text)
    git(work, "add", "-A")
    git(work, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "--quiet", "-m", "seed")
    git(work, "push", "--quiet", origin.as_uri(), "status-data")


SAMPLES = "time,status,http_status,latency_ms,error,cert_days\n"


def branch_files() -> dict[str, str]:
    now, last, old = month(), month(-1), month(-5)
    line = f"{HEADER}\n{{}}-01T00:00:00Z,telegram,incident:x:new,sent,\n"
    return {
        f"spse/{now}.csv": SAMPLES,
        f"spse/{last}.csv": SAMPLES,
        f"spse/{old}.csv": SAMPLES,
        "spse/runs.csv": "month,start,end,status\n",
        f"spse/@kantor/{now}.csv": SAMPLES,
        f"spse/@kantor/bandwidth-{now}.csv": "time\n",
        f"_notify/{now}.csv": line.format(now),
        f"_notify/{last}.csv": line.format(last),
        f"_notify/{old}.csv": line.format(old),
    }


def test_a_run_holds_only_this_and_last_month_and_appends_to_the_record(origin: Path, tmp_path: Path) -> None:
    seed(origin, branch_files())
    runner = clone(origin, "runner")
    result = run(runner, fake(tmp_path, "recovery:spse:y"), GITHUB_ACTIONS="true")
    assert result.returncode == 0, result.stderr
    history = runner / "history"
    held = sorted(str(p.relative_to(history)) for p in history.rglob("*") if p.is_file() and ".git" not in p.parts)
    now, last = month(), month(-1)
    expected = [".gitattributes", f"_notify/{last}.csv", f"_notify/{now}.csv", f"spse/@kantor/{now}.csv"]
    assert held == sorted([*expected, f"spse/{last}.csv", f"spse/{now}.csv"])
    assert notices(record(origin)) == ["incident:x:new", "recovery:spse:y"]
    for name, text in branch_files().items():
        if not name.startswith("_notify/" + now):
            assert git(origin, "show", f"status-data:{name}") == text, name


def test_a_failed_send_is_recorded_all_the_same_and_the_run_fails(origin: Path, tmp_path: Path) -> None:
    result = run(clone(origin, "runner"), fake(tmp_path, "outage:spse:z", status=1))
    assert result.returncode == 1
    assert "failed: notify:" in result.stderr
    assert notices(record(origin)) == ["outage:spse:z"]


def test_a_record_line_for_a_month_outside_the_checkout_joins_the_branch_s_file(origin: Path, tmp_path: Path) -> None:
    seed(origin, branch_files())
    old = month(-5)
    late = f"{old}-03T00:00:00Z,telegram,incident:x:update,sent,"
    write = f'printf "%s\\n%s\\n" "{HEADER}" "{late}" > history/_notify/{old}.csv'
    result = run(clone(origin, "runner"), fake(tmp_path, "outage:spse:w", then=write))
    assert result.returncode == 0, result.stderr
    assert record(origin, old) == [*branch_files()[f"_notify/{old}.csv"].splitlines(), late]


def test_without_the_data_branch_nothing_is_sent(origin: Path, tmp_path: Path) -> None:
    marker = tmp_path / "sent"
    result = run(
        clone(origin, "runner"), fake(tmp_path, "outage:spse:v", then=f"touch {marker}"), DATA_REMOTE="nowhere"
    )
    assert result.returncode == 1
    assert "nothing was sent" in result.stderr
    assert not marker.exists()
