"""``--format sarif``: a SARIF 2.1.0 log (OASIS), e.g. for GitHub code scanning.

One run; ``tool.driver.rules`` describes every rule from the rule files (summary, what it does,
why it matters and what to write instead, a link to its page); each finding is a result with a
physical location (relative URI, 1-based region in code points) and, when the rule suggests
edits, a ``fix``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import partial
from pathlib import Path

from msgcheck.formatters import (
    REPOSITORY_URL,
    RULE_DOCS_URL,
    JsonStream,
    Write,
    field_text,
    region,
    render_all,
    uri,
)
from msgcheck.models import Finding, Report
from msgcheck.spec import RuleSpec

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
LEVEL = {"error": "error", "warning": "warning", "info": "note"}
SRCROOT = "%SRCROOT%"


def help_uri(rule_id: str) -> str:
    return f"{RULE_DOCS_URL}{rule_id}.md"


def rule_descriptor(rule: RuleSpec) -> dict:
    docs = rule.docs
    why = " ".join(docs.why.split())
    use_instead = docs.use_instead.strip("\n")
    text = f"{why}\n\nUse instead:\n{use_instead}"
    markdown = (
        f"**Why it matters**\n\n{why}\n\n**Use instead**\n\n```\n{use_instead}\n```\n\n"
        f"[Rule page]({help_uri(rule.id)})"
    )
    return {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.id.replace(".", "-").split("-")),
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": " ".join(docs.what.split())},
        "help": {"text": text, "markdown": markdown},
        "helpUri": help_uri(rule.id),
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": {"tags": ["outreach", rule.criterion]},
    }


def _region(report: Report, finding: Finding, text: str, start: int | None = None,
            end: int | None = None) -> dict:
    r = region(report, finding, text, start, end)
    return {"startLine": r.start_line, "startColumn": r.start_column,
            "endLine": r.end_line, "endColumn": r.end_column}


def _result(report: Report, finding: Finding, index: dict[str, int]) -> dict:
    text = field_text(report, finding.field)
    artifact = {"uri": uri(report.path), "uriBaseId": SRCROOT}
    if report.path is None or report.path == "<stdin>":
        artifact = {"uri": uri(report.path)}
    result: dict = {"ruleId": finding.rule}
    if finding.rule in index:
        result["ruleIndex"] = index[finding.rule]
    message = finding.message
    suggestion = finding.suggestion
    if suggestion is not None and suggestion.text:
        message += f"\nSuggestion: {suggestion.text}"
    result |= {
        "level": LEVEL[finding.severity],
        "message": {"text": message},
        "locations": [{"physicalLocation": {
            "artifactLocation": artifact,
            "region": _region(report, finding, text),
        }}],
        "properties": {"criterion": finding.criterion, "field": finding.field},
    }
    if suggestion is not None and suggestion.edits and report.message is not None:
        result["fixes"] = [{
            "description": {"text": suggestion.text or "apply the suggested edit"},
            "artifactChanges": [{
                "artifactLocation": artifact,
                "replacements": [
                    {"deletedRegion": _region(report, finding, text, e.start, e.end),
                     "insertedContent": {"text": e.replacement}}
                    for e in suggestion.edits
                ],
            }],
        }]
    return result


def _folder_uri(folder: Path) -> str:
    value = folder.as_uri()
    return value if value.endswith("/") else value + "/"


def _distinct(rules: Sequence[RuleSpec]) -> list[RuleSpec]:
    return list({r.id: r for r in rules}.values())


def document(reports: Iterable[Report], version: str, rules: Sequence[RuleSpec]) -> dict:
    rules = _distinct(rules)
    index = {rule.id: i for i, rule in enumerate(rules)}
    results = [_result(report, f, index) for report in reports for f in report.findings]
    return {
        "$schema": SCHEMA_URI,
        "version": SARIF_VERSION,
        "runs": [{
            "tool": {"driver": {
                "name": "msgcheck",
                "version": version,
                "semanticVersion": version,
                "informationUri": REPOSITORY_URL,
                "rules": [rule_descriptor(rule) for rule in rules],
            }},
            "originalUriBaseIds": {SRCROOT: {"uri": _folder_uri(Path.cwd())}},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }


class SarifWriter:
    """The log, one result (finding) at a time: ``results`` is the run's last member, so all
    the rest is written first."""

    def __init__(self, write: Write, version: str, rules: Sequence[RuleSpec]):
        rules = _distinct(rules)
        self._index = {rule.id: i for i, rule in enumerate(rules)}
        self._stream = JsonStream(write, document([], version, rules))

    def add(self, report: Report) -> None:
        for finding in report.findings:
            self._stream.add(_result(report, finding, self._index))

    def close(self) -> None:
        self._stream.close()


def render(reports: Iterable[Report], version: str, rules: Sequence[RuleSpec]) -> str:
    return render_all(partial(SarifWriter, version=version, rules=rules), reports)
