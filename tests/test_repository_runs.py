"""Repository runs: globs, --exclude, .msgcheckignore, --changed-only, ordering, the summary line,
--jobs and the progress bar."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
import threading

import pytest
from click.testing import CliRunner
from helpers import FIXTURES
from linter_cache import reuse_linters

from msgcheck import cli
from msgcheck.cli import main
from msgcheck.inputs import collect


@pytest.fixture(autouse=True)
def _reuse_linters(monkeypatch):
    reuse_linters(monkeypatch)


GOOD = (FIXTURES / "good-cold-email.txt").read_text(encoding="utf-8")
WARNINGS = (FIXTURES / "warnings-only.txt").read_text(encoding="utf-8")
LOW = (FIXTURES / "low-score.txt").read_text(encoding="utf-8")
SHORT = "Dear Dr. Lee,\n\nThank you for the talk.\n\nPriya\n"


def check(*args: str, input: bytes | None = None):
    return CliRunner().invoke(main, ["check", *args], input=input)


def paths_checked(*args: str) -> list[str]:
    """The paths `msgcheck check ARGS` would lint, in order (msgcheck.inputs, no NLP pass)."""
    exclude, changed, paths = [], None, []
    items = iter(args)
    for arg in items:
        if arg == "--exclude":
            exclude.append(next(items))
        elif arg == "--changed-only":
            changed = next(items)
        else:
            paths.append(arg)
    return [display for display, _ in collect(paths, exclude, changed)]


def cli_paths(*args: str) -> list[str]:
    # --no-batch: these folders hold copies of one email; only the selection matters here.
    result = check("--format", "json", "--no-batch", *args)
    assert result.exit_code in (0, 1), result.output
    return [r["path"] for r in json.loads(result.stdout)["results"]]


@pytest.fixture
def tree(tmp_path, monkeypatch):
    """A template repository; the current folder is its root."""
    files = [
        "templates/cold/alvarez.md", "templates/cold/chen.txt", "templates/follow-up/b.md",
        "templates/follow-up/a.md", "templates/drafts/wip.md", "templates/notes.md.bak",
        "templates/.hidden/secret.md", "templates/README", "outbox/x.eml", "outbox/y.txt",
        "top.md",
    ]
    for name in files:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(SHORT, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


# -- paths, globs, exclusions ----------------------------------------------------------------------


def test_directory_is_sorted_and_skips_hidden_and_other_suffixes(tree):
    assert paths_checked("templates") == [
        "templates/cold/alvarez.md", "templates/cold/chen.txt", "templates/drafts/wip.md",
        "templates/follow-up/a.md", "templates/follow-up/b.md",
    ]


def test_glob_patterns(tree):
    assert paths_checked("templates/**/*.md") == [
        "templates/cold/alvarez.md", "templates/drafts/wip.md", "templates/follow-up/a.md",
        "templates/follow-up/b.md",
    ]
    assert paths_checked("outbox/*") == ["outbox/x.eml", "outbox/y.txt"]
    assert paths_checked("templates/*/a.md", "top.md") == ["templates/follow-up/a.md", "top.md"]


def test_the_command_line_uses_the_selection(tree):
    (tree / ".msgcheckignore").write_text("drafts/\n", encoding="utf-8")
    assert cli_paths("--exclude", "cold/", "templates/**/*.md", "outbox") == [
        "templates/follow-up/a.md", "templates/follow-up/b.md", "outbox/x.eml", "outbox/y.txt",
    ]


def test_glob_matching_nothing_is_a_usage_error(tree):
    result = check("templates/**/*.docx")
    assert result.exit_code == 2
    assert "templates/**/*.docx" in result.output


def test_overlapping_inputs_are_checked_once(tree):
    assert paths_checked("templates/follow-up", "templates/**/*.md") == [
        "templates/follow-up/a.md", "templates/follow-up/b.md", "templates/cold/alvarez.md",
        "templates/drafts/wip.md",
    ]


def test_exclude_patterns_are_gitignore_style(tree):
    assert paths_checked("--exclude", "drafts/", "templates") == [
        "templates/cold/alvarez.md", "templates/cold/chen.txt", "templates/follow-up/a.md",
        "templates/follow-up/b.md",
    ]
    assert paths_checked("--exclude", "*.md", "--exclude", "!b.md", "templates") == [
        "templates/cold/chen.txt", "templates/follow-up/b.md",
    ]
    # Anchored to the current folder.
    assert paths_checked("--exclude", "/top.md", ".") == [
        "outbox/x.eml", "outbox/y.txt", "templates/cold/alvarez.md", "templates/cold/chen.txt",
        "templates/drafts/wip.md", "templates/follow-up/a.md", "templates/follow-up/b.md",
    ]
    assert paths_checked("--exclude", "cold", "templates/**/*.md") == [
        "templates/drafts/wip.md", "templates/follow-up/a.md", "templates/follow-up/b.md",
    ]


def test_msgcheckignore_applies_when_recursing(tree):
    (tree / ".msgcheckignore").write_text("# drafts are not sent\ndrafts/\n*.eml\n",
                                          encoding="utf-8")
    assert paths_checked(".") == [
        "outbox/y.txt", "templates/cold/alvarez.md", "templates/cold/chen.txt",
        "templates/follow-up/a.md", "templates/follow-up/b.md", "top.md",
    ]
    # A file named on the command line is always checked.
    assert paths_checked("templates/drafts/wip.md") == ["templates/drafts/wip.md"]


def test_exclude_applies_to_folders_outside_the_current_one(tree, tmp_path_factory, monkeypatch):
    monkeypatch.chdir(tmp_path_factory.mktemp("elsewhere"))
    checked = paths_checked("--exclude", "drafts/", str(tree / "templates"))
    assert [p.rsplit("templates/", 1)[1] for p in checked] == [
        "cold/alvarez.md", "cold/chen.txt", "follow-up/a.md", "follow-up/b.md",
    ]


def test_stdin_still_works_with_other_inputs(tree):
    result = check("--format", "json", "--no-batch", "top.md", "-", input=WARNINGS.encode())
    assert [r["path"] for r in json.loads(result.stdout)["results"]] == ["top.md", "<stdin>"]


# -- the summary line ------------------------------------------------------------------------------

SUMMARY = re.compile(r"^(\d+) messages? checked: (\d+) errors, (\d+) warnings, (\d+) info"
                     r"(?:; lowest scores? (.*))?$")


def test_summary_counts_and_lowest_scores(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name, text in [("a-good.txt", GOOD), ("b-low.txt", LOW), ("c-warn.txt", WARNINGS),
                       ("d-template.md", (FIXTURES / "template.md").read_text(encoding="utf-8"))]:
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = check("--no-batch", ".")
    last = result.output.rstrip().splitlines()[-1]
    match = SUMMARY.match(last)
    assert match, last
    doc = json.loads(check("--no-batch", "--format", "json", ".").stdout)
    findings = [f for r in doc["results"] for f in r["findings"]]
    assert int(match[1]) == 4
    for group, severity in ((2, "error"), (3, "warning"), (4, "info")):
        assert int(match[group]) == sum(f["severity"] == severity for f in findings)
    lows = re.findall(r"([\d.]+) \(([^)]+)\)", match[5])
    below = sorted((r["score"], i, r["path"]) for i, r in enumerate(doc["results"])
                   if r["score"] < 100)[:3]
    assert [(float(s), p) for s, p in lows] == [(s, p) for s, _, p in below]
    assert "a-good.txt" not in match[5]


def test_summary_for_an_empty_run(tmp_path):
    result = check(str(tmp_path))
    assert result.exit_code == 0
    assert SUMMARY.match(result.output.strip()).groups()[:4] == ("0", "0", "0", "0")


# -- --changed-only --------------------------------------------------------------------------------

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(cwd, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=msgcheck tests", "-c", "user.email=tests@example.org",
         "-c", "commit.gpgsign=false", *args],
        cwd=cwd, check=True, capture_output=True, text=True,
    ).stdout


@pytest.fixture
def repo(tmp_path, monkeypatch):
    for name in ("a.txt", "b.txt", "d.txt", "sub/e.md", "ignored/f.txt"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(GOOD, encoding="utf-8")
    (tmp_path / ".gitignore").write_text("ignored/\n", encoding="utf-8")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "base")
    git(tmp_path, "tag", "base")
    (tmp_path / "a.txt").write_text(WARNINGS, encoding="utf-8")  # committed after base
    (tmp_path / "d.txt").unlink()  # deleted: nothing to check
    git(tmp_path, "commit", "-q", "-am", "edit a, delete d")
    (tmp_path / "sub" / "e.md").write_text(WARNINGS, encoding="utf-8")  # uncommitted
    (tmp_path / "c.txt").write_text(GOOD, encoding="utf-8")  # untracked
    (tmp_path / "ignored" / "g.txt").write_text(GOOD, encoding="utf-8")  # git-ignored
    monkeypatch.chdir(tmp_path)
    return tmp_path


@needs_git
def test_changed_only_checks_changed_uncommitted_and_untracked_files(repo):
    assert cli_paths("--changed-only", "base", ".") == ["a.txt", "c.txt", "sub/e.md"]
    assert paths_checked("--changed-only", "base", "sub") == ["sub/e.md"]
    assert paths_checked("--changed-only", "base", "b.txt", "a.txt") == ["a.txt"]
    assert paths_checked("--changed-only", "HEAD", ".") == ["c.txt", "sub/e.md"]


@needs_git
def test_changed_only_from_a_subfolder(repo, monkeypatch):
    monkeypatch.chdir(repo / "sub")
    assert paths_checked("--changed-only", "base", ".") == ["e.md"]


@needs_git
def test_changed_only_unknown_ref_is_a_usage_error(repo):
    result = check("--changed-only", "no-such-branch", ".")
    assert result.exit_code == 2
    assert "no-such-branch" in result.output
    assert check("--changed-only", "--format", ".").exit_code == 2


@needs_git
def test_changed_only_outside_a_repository_is_a_usage_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    result = check("--changed-only", "main", ".")
    assert result.exit_code == 2
    assert "git" in result.output


# -- --jobs and the progress bar -------------------------------------------------------------------


def test_jobs_gives_the_same_reports(tmp_path):
    for name, text in [("a.txt", GOOD), ("b.txt", LOW), ("c.txt", WARNINGS)]:
        (tmp_path / name).write_text(text, encoding="utf-8")
    # --no-batch: the stdin copy of b.txt would be a near-duplicate.
    one = json.loads(check("--format", "json", "--no-batch", str(tmp_path)).stdout)
    two = check("--format", "json", "--no-batch", "--jobs", "2", str(tmp_path), "-",
                input=LOW.encode())
    assert two.exit_code == 0, two.output
    results = json.loads(two.stdout)["results"]
    assert results[:3] == one["results"]
    assert results[3]["path"] == "<stdin>"
    assert [f["rule"] for f in results[3]["findings"]] == [
        f["rule"] for f in one["results"][1]["findings"]]
    assert check("--jobs", "0", str(tmp_path)).exit_code == 2


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_for_long_runs_on_a_terminal(monkeypatch):
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with cli._progress(cli.PROGRESS_MIN_FILES + 1) as advance:
        for _ in range(cli.PROGRESS_MIN_FILES + 1):
            advance()
    assert terminal.getvalue()  # the bar was drawn (on stderr)
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with cli._progress(cli.PROGRESS_MIN_FILES) as advance:
        advance()
    assert terminal.getvalue() == ""
    pipe = io.StringIO()
    monkeypatch.setattr(sys, "stderr", pipe)
    with cli._progress(500) as advance:
        advance()
    assert pipe.getvalue() == ""


def test_progress_bar_leaves_stdout_to_the_results(monkeypatch):
    # Results are written while the bar runs: they must reach stdout, not the bar's terminal.
    terminal, out = _Terminal(), io.StringIO()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(sys, "stdout", out)
    with cli._progress(cli.PROGRESS_MIN_FILES + 1) as advance:
        print("result line")
        advance()
    assert out.getvalue() == "result line\n"
    assert terminal.getvalue() and "result line" not in terminal.getvalue()
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with cli._progress(500, enabled=False) as advance:
        advance()
    assert terminal.getvalue() == ""


def test_progress_bar_starts_no_thread(monkeypatch):
    """msgcheck.parallel forks --jobs workers only while the process has a single thread."""
    monkeypatch.setattr(sys, "stderr", _Terminal())
    before = threading.active_count()
    with cli._progress(cli.PROGRESS_MIN_FILES + 1) as advance:
        advance()
        assert threading.active_count() == before


def test_long_run_keeps_stdout_clean(tmp_path):
    for i in range(cli.PROGRESS_MIN_FILES + 2):
        (tmp_path / f"m{i:02d}.txt").write_text(f"Dear Dr. Lee,\n\nNote {i}.\n\nPriya\n",
                                                encoding="utf-8")
    result = check("--format", "json", "--no-batch", str(tmp_path))
    assert len(json.loads(result.stdout)["results"]) == cli.PROGRESS_MIN_FILES + 2
