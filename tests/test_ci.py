"""CI integrations: the pre-commit hook (.pre-commit-hooks.yaml) and the GitHub Action (action.yml).

The action's own run script is executed offline as a local shell step on a sample repository,
with its inputs as environment variables; the steps that need GitHub (setup-python, the SARIF
upload) are only checked for how they are wired. The pre-commit test runs the real
`pre-commit try-repo` against a copy of the current working tree (it builds its own virtualenv
and pip-installs msgcheck, so it takes a minute or two; it is marked `slow`).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from helpers import FIXTURES, REPO, TESTS

ACTION = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
HOOKS = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
SARIF_SCHEMA = json.loads((TESTS / "schemas" / "sarif-schema-2.1.0.json").read_text("utf-8"))
GOOD = FIXTURES / "good-cold-email.txt"
BAD = FIXTURES / "template.md"  # unfilled placeholders: template.placeholder errors
EXPRESSION = re.compile(r"^\$\{\{\s*inputs\.([\w-]+)\s*\}\}$")


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=msgcheck tests", "-c", "user.email=tests@example.org",
         "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
        cwd=cwd, check=True, capture_output=True, text=True,
    ).stdout


@pytest.fixture
def sample_repo(tmp_path: Path) -> Path:
    """A small template repository: one good message, one with unfilled placeholders."""
    root = tmp_path / "templates-repo"
    (root / "templates").mkdir(parents=True)
    shutil.copy(GOOD, root / "templates" / "good.txt")
    shutil.copy(BAD, root / "templates" / "bad.md")
    (root / "README").write_text("Outreach templates.\n", encoding="utf-8")
    return root


# -- pre-commit hook -------------------------------------------------------------------------------


def test_hook_definition():
    (hook,) = HOOKS
    assert hook["id"] == "msgcheck"
    assert hook["entry"] == "msgcheck check"
    assert hook["language"] == "python"
    files = re.compile(hook["files"])
    for name in ("a.txt", "dir/b.md", "c.eml"):
        assert files.search(name), name
    for name in ("a.txt.bak", "b.mdx", "c.py", "README"):
        assert not files.search(name), name


def _copy_working_tree(dest: Path) -> None:
    """The repository as it is now (uncommitted work included), without ignored files."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=REPO, check=True, capture_output=True,
        ).stdout.decode("utf-8", "surrogateescape").split("\0")
    except (OSError, subprocess.CalledProcessError):  # not a git checkout: copy the tree
        shutil.copytree(REPO, dest, ignore=shutil.ignore_patterns(
            ".git", ".venv", "*.egg-info", "__pycache__", ".pytest_cache", ".hypothesis",
            ".ruff_cache", "build", "dist"))
        return
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file():
            target = dest / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


NETWORK_TROUBLE = ("NewConnectionError", "Failed to establish a new connection",
                   "Temporary failure in name resolution", "Network is unreachable",
                   "ProxyError")


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pre-commit") is None, reason="pre-commit is not installed")
@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_pre_commit_try_repo(tmp_path, sample_repo):
    hook_repo = tmp_path / "msgcheck-copy"
    _copy_working_tree(hook_repo)
    git(hook_repo, "init", "-q")
    git(hook_repo, "add", "-A")
    git(hook_repo, "commit", "-q", "-m", "working tree under test")
    git(sample_repo, "init", "-q")
    git(sample_repo, "add", "-A")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
           "PIP_DISABLE_PIP_VERSION_CHECK": "1", "NO_COLOR": "1"}
    env.pop("PRE_COMMIT_COLOR", None)
    proc = subprocess.run(
        ["pre-commit", "try-repo", str(hook_repo), "msgcheck", "--color", "never", "--verbose",
         "--files", "templates/good.txt", "templates/bad.md", "README"],
        cwd=sample_repo, env=env, capture_output=True, text=True, timeout=1500, check=False,
    )
    output = proc.stdout + proc.stderr
    log = tmp_path / "pre-commit-home" / "pre-commit.log"
    if proc.returncode == 3 and log.is_file():
        output += log.read_text(encoding="utf-8", errors="replace")
    if any(marker in output for marker in NETWORK_TROUBLE):
        pytest.skip("pre-commit could not reach the package index to build its environment")
    assert proc.returncode == 1, output  # 1: a hook failed (3 would be pre-commit's own error)
    assert re.search(r"msgcheck\.+Failed", output), output
    # The failing file is named with its findings; the good one has none.
    assert re.search(r"templates/bad\.md:\d+:\d+: error template\.placeholder", output), output
    assert not re.search(r"templates/good\.txt:\d+:\d+:", output), output
    assert re.search(r"templates/good\.txt: score 100/100", output), output


# -- GitHub Action ---------------------------------------------------------------------------------


def _step(step_id_or_name: str) -> dict:
    for step in ACTION["runs"]["steps"]:
        if step.get("id") == step_id_or_name or step.get("name") == step_id_or_name:
            return step
    raise KeyError(step_id_or_name)


def test_action_definition():
    assert ACTION["runs"]["using"] == "composite"
    inputs = ACTION["inputs"]
    for name in ("paths", "format", "fail-on", "min-score", "kind", "sarif-file"):
        assert name in inputs, name
    assert inputs["format"]["default"] == "sarif"
    steps = ACTION["runs"]["steps"]
    assert steps[0]["uses"].startswith("actions/setup-python@")
    install = _step("Install msgcheck")
    assert "pip install" in install["run"] and '"$GITHUB_ACTION_PATH"' in install["run"]
    upload = _step("Upload SARIF to code scanning")
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert "inputs.format == 'sarif'" in upload["if"]
    assert upload["with"]["sarif_file"] == "${{ steps.check.outputs.sarif-file }}"
    # Every step runs with bash, and inputs reach the scripts only through the environment.
    for step in steps:
        if "run" in step:
            assert step["shell"] == "bash"
            assert "${{" not in step["run"], step["name"]
    check = _step("check")
    used = {EXPRESSION.match(v)[1] for v in check["env"].values() if EXPRESSION.match(v)}
    assert {"paths", "format", "fail-on", "min-score", "kind", "sarif-file"} <= used


def _msgcheck_shim(tmp_path: Path) -> Path:
    """A `msgcheck` command that runs this checkout with this interpreter."""
    bin_dir = tmp_path / "bin"
    if not bin_dir.is_dir():
        bin_dir.mkdir()
        shim = bin_dir / "msgcheck"
        shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m msgcheck "$@"\n',
                        encoding="utf-8")
        shim.chmod(0o755)
        (bin_dir / "python").symlink_to(sys.executable)
    return bin_dir


def run_action(tmp_path: Path, cwd: Path, step: str = "check", **inputs: str):
    """Run one step's script as GitHub would: inputs (or defaults) through its env mapping."""
    spec = _step(step)
    values = {name: str(meta.get("default", "")) for name, meta in ACTION["inputs"].items()}
    values |= {name.replace("_", "-"): value for name, value in inputs.items()}
    outputs = tmp_path / "github-output"
    outputs.write_text("", encoding="utf-8")
    env = {**os.environ, "GITHUB_OUTPUT": str(outputs), "PYTHONPATH": str(REPO),
           "PATH": f"{_msgcheck_shim(tmp_path)}{os.pathsep}{os.environ.get('PATH', '')}"}
    for key, value in spec.get("env", {}).items():
        match = EXPRESSION.match(str(value))
        env[key] = values[match[1]] if match else str(value)
    # As GitHub runs `shell: bash`: bash --noprofile --norc -eo pipefail {0}.
    proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", spec["run"]],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=300,
                          check=False)
    written = dict(line.split("=", 1) for line in outputs.read_text().splitlines() if line)
    return proc, written


def test_action_sarif_run(tmp_path, sample_repo):
    proc, outputs = run_action(tmp_path, sample_repo, paths="templates")
    assert proc.returncode == 0, proc.stderr  # findings do not fail this step...
    assert outputs["exit-code"] == "1"  # ...the exit code is recorded for the last step
    sarif = sample_repo / outputs["sarif-file"]
    assert outputs["sarif-file"] == "msgcheck.sarif"
    doc = json.loads(sarif.read_text(encoding="utf-8"))
    assert not list(jsonschema.Draft202012Validator(SARIF_SCHEMA).iter_errors(doc))
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in doc["runs"][0]["results"]}
    assert uris == {"templates/bad.md"}
    assert {r["ruleId"] for r in doc["runs"][0]["results"]} == {"template.placeholder"}
    assert re.search(r"msgcheck: \d+ finding\(s\) written to msgcheck\.sarif", proc.stdout)


def test_action_github_format_and_globs(tmp_path, sample_repo):
    proc, outputs = run_action(tmp_path, sample_repo, format="github",
                               paths="templates/*.txt\ntemplates/**/*.md", fail_on="warning")
    assert outputs["exit-code"] == "1"
    commands = [line for line in proc.stdout.splitlines() if line.startswith("::")]
    assert commands and all(line.startswith("::error file=templates/bad.md,") for line in commands)


@pytest.mark.parametrize(("inputs", "option"), [
    ({"fail_on": "sometimes"}, "--fail-on"),
    ({"min_score": "101"}, "--min-score"),
    ({"kind": "newsletter"}, "--kind"),
    ({"format": "xml"}, "--format"),
    ({"args": "--no-such-option"}, "--no-such-option"),
])
def test_action_inputs_reach_msgcheck(tmp_path, sample_repo, inputs, option):
    # An invalid value is a usage error from msgcheck itself (exit 2, before any checking):
    # proof that the input arrived as that option. Usage errors fail the step at once.
    proc, outputs = run_action(tmp_path, sample_repo, **inputs)
    assert proc.returncode == 2, proc.stderr
    assert outputs["exit-code"] == "2"
    assert option in proc.stderr


def test_action_last_step_fails_with_the_exit_code(tmp_path, sample_repo):
    step = _step("Fail on findings")
    assert step["if"] == "${{ steps.check.outputs.exit-code != '0' }}"
    env = {**os.environ, "MSGCHECK_STATUS": "1"}
    proc = subprocess.run(["bash", "-c", step["run"]], env=env, capture_output=True, text=True,
                          check=False)
    assert proc.returncode == 1
