"""Which files ``msgcheck check PATH...`` lints: files, directories, glob patterns, ``-``.

- A file named on the command line is always checked, whatever its name.
- A directory is searched recursively, and a glob pattern (``"templates/**/*.md"``, quoted so
  the shell leaves it alone) is expanded, for files ending in ``.txt``, ``.eml`` or ``.md``;
  hidden files and folders are skipped, and so are paths matching an ``--exclude`` pattern or a
  pattern in ``.msgcheckignore`` in the current folder (gitignore syntax, via ``pathspec``).
  Each expansion is sorted; a file found twice is checked once.
- ``--changed-only BASE`` keeps only the files changed since the git ref ``BASE``
  (``git diff --name-only BASE...`` — committed on this branch since it left ``BASE`` — plus
  uncommitted and untracked files).

Patterns match the path relative to the current folder (or, for a file outside it, relative to
the directory or pattern that found it).
"""

from __future__ import annotations

import glob
import os
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

SUFFIXES = {".txt", ".eml", ".md"}
IGNORE_FILE = ".msgcheckignore"
STDIN = "<stdin>"
_GLOB_CHARS = frozenset("*?[")


class InputError(ValueError):
    """A usage problem with the paths: a pattern matching nothing, git failing, …"""


@dataclass
class Selection:
    exclude: tuple[str, ...] = ()
    cwd: Path = field(default_factory=Path.cwd)
    spec: pathspec.PathSpec = field(init=False)

    def __post_init__(self) -> None:
        lines = list(self.exclude)
        ignore_file = self.cwd / IGNORE_FILE
        if ignore_file.is_file():
            try:
                lines = ignore_file.read_text(encoding="utf-8").splitlines() + lines
            except (OSError, UnicodeDecodeError) as exc:
                raise InputError(f"{ignore_file}: cannot read: {exc}") from None
        self.spec = pathspec.GitIgnoreSpec.from_lines(lines)

    def _relative(self, path: Path, root: Path) -> str:
        absolute = Path(os.path.abspath(path))
        for base in (Path(os.path.abspath(self.cwd)), Path(os.path.abspath(root))):
            try:
                return absolute.relative_to(base).as_posix()
            except ValueError:
                continue
        return absolute.as_posix().lstrip("/")

    def excluded(self, path: Path, root: Path, is_dir: bool = False) -> bool:
        rel = self._relative(path, root)
        if not rel or rel == ".":
            return False
        return self.spec.match_file(rel + "/" if is_dir else rel)


def _lintable(path: Path) -> bool:
    return path.suffix.lower() in SUFFIXES


def _walk(root: Path, selection: Selection) -> list[Path]:
    """Lintable files under ``root``, hidden and excluded entries pruned, sorted."""
    found: list[tuple[tuple[str, ...], Path]] = []
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = [d for d in dirs if not d.startswith(".")
                   and not selection.excluded(here / d, root, is_dir=True)]
        for name in files:
            path = here / name
            if name.startswith(".") or not _lintable(path) or selection.excluded(path, root):
                continue
            found.append((path.relative_to(root).parts, path))
    return [path for _, path in sorted(found)]


def _expand_glob(pattern: str, selection: Selection) -> list[Path]:
    matches = sorted(glob.glob(pattern, recursive=True))
    if not matches:
        raise InputError(f"no file matches {pattern!r}")
    root = Path(_glob_root(pattern))
    out: list[Path] = []
    for match in matches:
        path = Path(match)
        if path.is_dir():
            if not selection.excluded(path, root, is_dir=True):
                out += _walk(path, selection)
        elif _lintable(path) and not selection.excluded(path, root):
            out.append(path)
    return out


def _glob_root(pattern: str) -> str:
    """The folder part of a pattern before its first wildcard."""
    parts = Path(pattern).parts
    fixed = []
    for part in parts:
        if _GLOB_CHARS & set(part):
            break
        fixed.append(part)
    return str(Path(*fixed)) if fixed else "."


def collect(paths: Iterable[str], exclude: Iterable[str] = (), changed_since: str | None = None,
            cwd: Path | None = None) -> list[tuple[str, object]]:
    """(display path, input) for every message to check, in command-line order.

    The input is a :class:`~pathlib.Path`, or the bytes of standard input for ``-``. Raises
    :class:`InputError` for usage problems.
    """
    selection = Selection(tuple(exclude), cwd or Path.cwd())
    out: list[tuple[str, object]] = []
    seen: set[str] = set()

    def add(path: Path, explicit: bool) -> None:
        key = os.path.abspath(path)
        if not explicit and key in seen:
            return
        seen.add(key)
        out.append((str(path), path))

    for raw in paths:
        if raw == "-":
            out.append((STDIN, sys.stdin.buffer.read()))
            continue
        path = Path(raw)
        if path.is_dir():
            for child in _walk(path, selection):
                add(child, explicit=False)
        elif not path.exists() and _GLOB_CHARS & set(raw):
            for child in _expand_glob(raw, selection):
                add(child, explicit=False)
        else:
            add(path, explicit=True)
    if changed_since is not None:
        changed = changed_files(changed_since, selection.cwd)
        out = [(display, item) for display, item in out
               if not isinstance(item, Path) or str(item.resolve()) in changed]
    return out


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                              check=False, encoding="utf-8", errors="surrogateescape")
    except OSError as exc:  # git not installed
        raise InputError(f"--changed-only needs git: {exc}") from None


def changed_files(base: str, cwd: Path) -> set[str]:
    """Resolved paths of files changed since ``base``: committed, uncommitted and untracked."""
    top = _git(["rev-parse", "--show-toplevel"], cwd)
    if top.returncode != 0:
        raise InputError(f"--changed-only: {cwd} is not inside a git repository")
    root = Path(top.stdout.strip())
    if base.startswith("-"):
        raise InputError(f"--changed-only: {base!r} is not a git ref")
    if _git(["rev-parse", "--verify", "--quiet", f"{base}^{{commit}}"], cwd).returncode != 0:
        raise InputError(f"--changed-only: unknown git ref {base!r}")
    names: set[str] = set()
    for args in (["diff", "--name-only", "-z", f"{base}...", "--"],
                 ["diff", "--name-only", "-z", "HEAD", "--"],
                 ["ls-files", "--others", "--exclude-standard", "--full-name", "-z"]):
        proc = _git(args, root)
        if proc.returncode != 0:
            message = proc.stderr.strip().splitlines()
            raise InputError(f"--changed-only: git {args[0]} failed: "
                             f"{message[-1] if message else proc.returncode}")
        names.update(name for name in proc.stdout.split("\0") if name)
    return {str((root / name).resolve()) for name in names}
