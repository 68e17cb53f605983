"""Report formatters: ``text`` for people, ``json`` for machines."""

from __future__ import annotations

from msgcheck.models import Finding, Report


def location(report: Report, finding: Finding, source: str | None = None) -> tuple[int, int]:
    """1-based (line, column) of a finding in its source file when known, else in its field."""
    text = source if source is not None else ""
    before = text[:finding.start]
    line = before.count("\n")
    column = finding.start - (before.rfind("\n") + 1) + 1
    return report.source_lines.get(finding.field, 1) + line, column
