"""Findings -> per-criterion scores -> overall score (docs/scoring.md).

Each finding costs a penalty (its rule's ``penalty``, else by severity). The overall score is
100 minus the sum of penalties; a criterion's score is 100 minus ``CRITERION_SCALE`` times the
penalties of its own findings, so a single problem is plainly visible in its criterion. Both are
clamped to 0..100.
"""

from __future__ import annotations

from collections.abc import Iterable

from msgcheck.models import CriterionScore, Finding

SEVERITY_PENALTY = {"error": 30.0, "warning": 16.0, "info": 3.0}
CRITERION_SCALE = 2.5


def penalty(finding: Finding, overrides: dict[str, float]) -> float:
    return overrides.get(finding.rule, SEVERITY_PENALTY[finding.severity])


def score(
    findings: Iterable[Finding], criteria: Iterable[str], overrides: dict[str, float]
) -> tuple[float, dict[str, CriterionScore]]:
    findings = list(findings)
    per: dict[str, list[float]] = {c: [] for c in criteria}
    for finding in findings:
        per.setdefault(finding.criterion, []).append(penalty(finding, overrides))
    total = sum(sum(v) for v in per.values())
    table = {
        name: CriterionScore(
            score=round(max(0.0, 100.0 - CRITERION_SCALE * sum(values)), 1), findings=len(values)
        )
        for name, values in sorted(per.items())
    }
    return round(max(0.0, 100.0 - total), 1), table
