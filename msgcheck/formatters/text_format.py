"""``--format text``: one line per finding (path:line:col), its excerpt and suggestion, the score.

Colour comes from ``rich`` and only when stdout is a terminal.
"""

from __future__ import annotations

from bisect import insort

from rich.console import Console
from rich.markup import escape

from msgcheck.formatters import field_text, location
from msgcheck.models import Finding, Report

STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
EXCERPT = 70
# The summary of a run names this many of the lowest-scoring messages.
LOWEST = 3


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
        text = field_text(report, finding.field)
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


class TextWriter:
    """Each report as it comes, a blank line between two; then, unless there was exactly one, a
    summary: the counts by severity and the lowest scores."""

    def __init__(self, console: Console):
        self.console = console
        self.count = 0
        self.counts = {"error": 0, "warning": 0, "info": 0}
        # (score, index, name) of the lowest-scoring messages below 100, lowest first.
        self.lowest: list[tuple[float, int, str]] = []

    def add(self, report: Report) -> None:
        if self.count:
            self.console.print()
        render_report(self.console, report)
        for finding in report.findings:
            self.counts[finding.severity] += 1
        if report.score < 100:
            insort(self.lowest, (report.score, self.count, report.path or "<input>"))
            del self.lowest[LOWEST:]
        self.count += 1

    def close(self) -> None:
        if self.count != 1:
            self.console.print(self.summary())

    def summary(self) -> str:
        files, counts = self.count, self.counts
        line = (f"{files} message{'s' if files != 1 else ''} checked: {counts['error']} errors, "
                f"{counts['warning']} warnings, {counts['info']} info")
        if self.lowest:
            line += f"; lowest score{'s' if len(self.lowest) > 1 else ''} " + ", ".join(
                f"{score:g} ({escape(name)})" for score, _, name in self.lowest)
        return line
