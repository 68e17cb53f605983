"""Report formatters: ``text`` for people, ``json`` for programs, ``sarif`` for code scanning,
``github`` for workflow annotations, ``junit`` for CI test reports.

Positions: a finding is a span of character offsets into one field; :func:`region` turns it into
1-based lines and columns (columns count Unicode code points; the end column is exclusive), in
the source file for plain-text input (``report.source_lines``), else within the field.

Output streams: each format has a writer that ``msgcheck check`` feeds one report at a time
(``add``) and then closes (``close``), so a run never holds all its reports; what a writer
writes is byte for byte what rendering all reports at once gives (``render`` in each module).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath
from typing import NamedTuple, Protocol
from urllib.parse import quote

from msgcheck.models import Finding, Report

FORMATS = ("text", "json", "sarif", "github", "junit")
# Where the project lives; rule pages are docs/rules/<id>.md in it.
REPOSITORY_URL = "https://github.com/msgcheck/msgcheck"
RULE_DOCS_URL = f"{REPOSITORY_URL}/blob/main/docs/rules/"


class Region(NamedTuple):
    start_line: int
    start_column: int
    end_line: int
    end_column: int


def field_text(report: Report, field: str) -> str:
    return report.message.field_text(field) if report.message is not None else ""


def position(report: Report, field: str, offset: int, text: str) -> tuple[int, int]:
    """1-based (line, column) of a character offset into a field."""
    before = text[:offset]
    line = before.count("\n")
    column = offset - (before.rfind("\n") + 1) + 1
    return report.source_lines.get(field, 1) + line, column


def location(report: Report, finding: Finding, source: str | None = None) -> tuple[int, int]:
    """1-based (line, column) of a finding in its source file when known, else in its field."""
    return position(report, finding.field, finding.start, source if source is not None else "")


def region(report: Report, finding: Finding, source: str | None = None,
           start: int | None = None, end: int | None = None) -> Region:
    """Start and end (exclusive) line:column of a finding, or of ``start:end`` in its field.

    ``source`` is the field's text (default: from the report's message). A point (``start ==
    end``, something missing) is an empty region: end column = start column.
    """
    text = field_text(report, finding.field) if source is None else source
    start = finding.start if start is None else start
    end = finding.end if end is None else end
    start_line, start_column = position(report, finding.field, start, text)
    end_line, end_column = position(report, finding.field, max(start, end), text)
    return Region(start_line, start_column, end_line, end_column)


def relative_path(path: str | None) -> str:
    """The report's path relative to the current folder, with forward slashes, when inside it."""
    if path is None:
        return "<input>"
    if path == "<stdin>":
        return path
    candidate = Path(path)
    if candidate.is_absolute():
        try:
            candidate = Path(os.path.relpath(candidate, Path.cwd()))
        except ValueError:  # another drive (Windows)
            return candidate.as_posix()
        if candidate.parts[:1] == ("..",):
            return Path(path).as_posix()
    return PurePosixPath(*candidate.parts).as_posix() if candidate.parts else "."


def uri(path: str | None) -> str:
    """A URI reference for the path: relative (percent-encoded) or an absolute ``file:`` URI."""
    rel = relative_path(path)
    if Path(rel).is_absolute():
        return Path(rel).as_uri()
    return quote(rel, safe="/")


Write = Callable[[str], object]


class Writer(Protocol):
    def add(self, report: Report) -> None: ...

    def close(self) -> None: ...


def render_all(writer: Callable[[Write], Writer], reports: Iterable[Report]) -> str:
    """Everything ``writer(write)`` writes for ``reports``, as one string without the final
    newline."""
    chunks: list[str] = []
    out = writer(chunks.append)
    for report in reports:
        out.add(report)
    out.close()
    return "".join(chunks).removesuffix("\n")


class JsonStream:
    """Writes ``json.dumps(document, indent=2, ensure_ascii=False)`` and a newline, filling the
    document's one ``key`` list item by item, so the items never exist all at once.

    The document around the list is ``document`` rendered with the list empty, cut where the list
    is; each item is rendered alone and indented as ``json.dumps`` nests it (exact, because a
    JSON string never holds a raw newline). The head is written at once.
    """

    def __init__(self, write: Write, document: dict, key: str = "results"):
        text = json.dumps(document, indent=2, ensure_ascii=False)
        marker = f"{json.dumps(key)}: []"
        if text.count(marker) != 1:
            raise ValueError(f"the document needs exactly one empty {key!r} list")
        head, self._tail = text.split(marker)
        self._indent = head[head.rfind("\n") + 1:]
        self._write = write
        self._count = 0
        write(f"{head}{marker[:-1]}")

    def add(self, item: object) -> None:
        indent = self._indent + "  "
        text = json.dumps(item, indent=2, ensure_ascii=False).replace("\n", "\n" + indent)
        self._write(f"{',' if self._count else ''}\n{indent}{text}")
        self._count += 1

    def close(self) -> None:
        end = f"\n{self._indent}]" if self._count else "]"
        self._write(f"{end}{self._tail}\n")
