"""``--format text``: one line per finding (path:line:col), its excerpt and suggestion, the score.

Colour comes from ``rich`` and only when stdout is a terminal.
"""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from msgcheck.formatters import location
from msgcheck.models import Finding, Report

STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
EXCERPT = 70
# The summary of a run names this many of the lowest-scoring messages.
LOWEST = 3


def _field_text(report: Report, field: str) -> str:
    return report.message.field_text(field) if report.message is not None else ""


def _excerpt(text: str, finding: Finding) -> str:
    line_start = text.rfind("\n", 0, finding.start) + 1
    line_end = text.find("\n", finding.start)
    line = text[line_start:line_end if line_end != -1 else len(text)]
    if len(line) > EXCERPT:
        left = max(0, finding.start - line_start - 20)
        line = ("…" if left else "") + line[left:left + EXCERPT] + "…"
    return line.strip()


def render_report(console: Console, report: Report) -> None:
    name = report.path or "<input>"
    for finding in report.findings:
        text = _field_text(report, finding.field)
        line, col = location(report, finding, text)
        style = STYLE[finding.severity]
        console.print(
            f"{escape(name)}:{line}:{col}: [{style}]{finding.severity}[/] "
            f"[bold]{finding.rule}[/] {escape(finding.message)}"
        )
        excerpt = _excerpt(text, finding) if text else ""
        if excerpt:
            console.print(f"    [dim]|[/] {escape(excerpt)}")
        if finding.suggestion and finding.suggestion.text:
            console.print(f"    [green]= {escape(finding.suggestion.text)}[/]")
    criteria = "  ".join(f"{k} {v.score:g}" for k, v in report.criteria.items())
    console.print(
        f"[bold]{escape(name)}[/]: score [bold]{report.score:g}[/]/100 ({report.kind})"
        + (f"  [dim]{escape(criteria)}[/]" if criteria else "")
    )
    for note in report.notes:
        console.print(f"    [dim]note: {escape(note)}[/]")


def render_summary(console: Console, reports: list[Report]) -> None:
    counts = {"error": 0, "warning": 0, "info": 0}
    for report in reports:
        for finding in report.findings:
            counts[finding.severity] += 1
    files = len(reports)
    line = (f"{files} message{'s' if files != 1 else ''} checked: {counts['error']} errors, "
            f"{counts['warning']} warnings, {counts['info']} info")
    below = [i for i in range(files) if reports[i].score < 100]
    lowest = sorted(below, key=lambda i: (reports[i].score, i))[:LOWEST]
    if lowest:
        line += f"; lowest score{'s' if len(lowest) > 1 else ''} " + ", ".join(
            f"{reports[i].score:g} ({escape(reports[i].path or '<input>')})" for i in lowest)
    console.print(line)
