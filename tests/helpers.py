"""Constants and assertion helpers shared by the test modules (import as ``helpers``)."""

from __future__ import annotations

from pathlib import Path

import msgcheck

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
FIXTURES = TESTS / "fixtures"
CORPUS = REPO / "corpus"
DOCS_RULES = REPO / "docs" / "rules"
# ../shared relative to the repository root (development data; may be absent).
SHARED = Path(__file__).resolve().parents[2] / "shared"

# The core rule ids that DESIGN.md §3 publishes as a stable contract.
CONTRACT_IDS = (
    "length.too-long", "length.too-short",
    "ask.missing", "ask.vague", "ask.multiple", "ask.transactional",
    "personal.missing-reference", "personal.generic-opener", "personal.name-mismatch",
    "tone.demanding", "tone.entitled", "tone.urgency", "tone.flattery", "tone.shouting",
    "subject.missing", "subject.vague", "subject.too-long", "subject.shouting",
    "greeting.missing", "greeting.informal", "greeting.generic",
    "closing.missing-thanks", "closing.missing-signature",
    "template.placeholder",
)
INPUT_RULES = (
    "input.empty", "input.binary", "input.too-large", "input.unreadable", "input.front-matter",
    "input.unknown-kind", "input.unparseable",
)
# input.* rules with a rule file: findings on a message that was read (never stop the others).
INPUT_CONTENT_RULES = ("input.hidden-characters",)


# -- helpers ----------------------------------------------------------------------------------


def rule_ids(report) -> set[str]:
    return {f.rule for f in report.findings}


def describe(report) -> str:
    """A short, readable summary of a report for assertion messages."""
    items = ", ".join(f"{f.rule}[{f.severity} {f.field}:{f.start}-{f.end}]" for f in report.findings)
    return f"score={report.score} kind={report.kind} findings=[{items}]"


def assert_well_formed(report) -> None:
    """Invariants every Report must satisfy, whatever the input."""
    assert isinstance(report, msgcheck.Report)
    assert 0 <= report.score <= 100, describe(report)
    for name, crit in report.criteria.items():
        assert 0 <= crit.score <= 100, (name, crit)
    input_findings = [f for f in report.findings if f.rule.startswith("input.")]
    for f in input_findings:
        assert f.rule in (*INPUT_RULES, *INPUT_CONTENT_RULES, "input.unsupported-language"), f.rule
    if any(f.rule in INPUT_RULES for f in input_findings):
        assert len(report.findings) == 1, describe(report)
    message = report.message
    for f in report.findings:
        assert f.start <= f.end, describe(report)
        assert f.start >= 0, describe(report)
        if message is not None:
            text = message.field_text(f.field)
            assert f.end <= len(text), (f, len(text))


def only_input_error(report, rule: str) -> None:
    assert_well_formed(report)
    assert [f.rule for f in report.findings] == [rule], describe(report)
    assert report.findings[0].severity == "error"
    assert report.findings[0].criterion == "input"
