"""``--format github``: GitHub Actions workflow commands, one annotation per finding.

``::error file=PATH,line=L,col=C,endLine=L2,endColumn=C2,title=RULE::MESSAGE`` (``warning`` for
warnings, ``notice`` for info). Escaping follows the Actions toolkit (``@actions/core``,
``command.ts``): in the message ``%``, ``\\r`` and ``\\n`` are percent-encoded; in property values
also ``:`` and ``,``.
"""

from __future__ import annotations

from collections.abc import Iterable

from msgcheck.formatters import Write, field_text, region, relative_path
from msgcheck.models import Finding, Report

COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def annotation(report: Report, finding: Finding) -> str:
    r = region(report, finding, field_text(report, finding.field))
    properties = {
        "file": relative_path(report.path),
        "line": r.start_line,
        "col": r.start_column,
        "endLine": r.end_line,
        "endColumn": r.end_column,
        "title": finding.rule,
    }
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
    message = finding.message
    if finding.suggestion is not None and finding.suggestion.text:
        message += f"\nSuggestion: {finding.suggestion.text}"
    return f"::{COMMAND[finding.severity]} {props}::{escape_data(message)}"


class GithubWriter:
    """One line per finding, as the reports come."""

    def __init__(self, write: Write):
        self._write = write

    def add(self, report: Report) -> None:
        for finding in report.findings:
            self._write(annotation(report, finding) + "\n")

    def close(self) -> None:
        pass


def render(reports: Iterable[Report]) -> str:
    return "\n".join(annotation(report, f) for report in reports for f in report.findings)
