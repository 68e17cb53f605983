"""``msgcheck check --fix``: apply the safe edits of a report to its plain-text source file.

Edits carry offsets into a field; the parser recorded where each field starts in the
newline-normalised file (``Message.source_offsets``). Each edit is applied only where the file
still holds exactly the text the finding saw, so a stale or shifted offset changes nothing.
"""

from __future__ import annotations

from pathlib import Path

from msgcheck.models import Report

FIXABLE_SUFFIXES = {".txt", ".md"}


def safe_edits(report: Report) -> list[tuple[int, int, str, str]]:
    """(file start, file end, expected text, replacement) for each safe edit."""
    message = report.message
    if message is None:
        return []
    out = []
    for finding in report.findings:
        suggestion = finding.suggestion
        base = message.source_offsets.get(finding.field)
        if suggestion is None or not suggestion.safe or base is None:
            continue
        text = message.field_text(finding.field)
        for edit in suggestion.edits:
            out.append((base + edit.start, base + edit.end, text[edit.start:edit.end],
                        edit.replacement))
    return out


def _offset_map(original: str) -> tuple[str, list[int]]:
    """The newline-normalised text and, for each of its offsets, the offset in ``original``."""
    normal: list[str] = []
    where: list[int] = []
    i = 0
    while i < len(original):
        where.append(i)
        if original[i] == "\r":
            normal.append("\n")
            i += 2 if original[i + 1:i + 2] == "\n" else 1
        else:
            normal.append(original[i])
            i += 1
    where.append(len(original))
    return "".join(normal), where


def apply_fixes(report: Report, path: Path) -> int:
    """Rewrite ``path`` with the report's safe edits; return how many were applied.

    Only the edited characters change: line endings, a byte-order mark and everything else in
    the file stay as they were.
    """
    if path.suffix.lower() not in FIXABLE_SUFFIXES:
        return 0
    edits = safe_edits(report)
    if not edits:
        return 0
    try:
        original = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return 0  # rewriting would change the file's encoding: leave it to the writer
    bom = "\ufeff" if original.startswith("\ufeff") else ""
    text, where = _offset_map(original[len(bom):])
    out = original[len(bom):]
    applied = 0
    last_start = len(text) + 1
    for start, end, expected, replacement in sorted(edits, reverse=True):
        if end > last_start or end > len(text) or text[start:end] != expected:
            continue  # overlapping an applied edit, or the text moved: leave it
        out = out[:where[start]] + replacement + out[where[end]:]
        last_start = start
        applied += 1
    if applied:
        path.write_text(bom + out, encoding="utf-8", newline="")
    return applied
