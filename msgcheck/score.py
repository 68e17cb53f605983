"""Findings -> per-criterion scores -> overall score (docs/scoring.md).

Each finding costs a penalty (its rule's ``penalty``, else by severity); a rule's second and
later findings in one message cost ``REPEAT_SHARE`` of it. The overall score is 100 minus the
sum of penalties; a criterion's score is 100 minus ``CRITERION_SCALE`` times the penalties of its
own findings, so a single problem is plainly visible in its criterion. Both are clamped to
0..100. The numbers were fitted to the annotated corpus (benchmarks/calibrate_scores.py).
"""

from __future__ import annotations

from collections.abc import Iterable

from msgcheck.models import CriterionScore, Finding

SEVERITY_PENALTY = {"error": 27.0, "warning": 22.0, "info": 3.0}
# People count a problem once, not each place it shows: five "ASAP"s are one urgency problem.
REPEAT_SHARE = 0.25
CRITERION_SCALE = 2.5


def penalty(finding: Finding, overrides: dict[str, float]) -> float:
    return overrides.get(finding.rule, SEVERITY_PENALTY[finding.severity])


def score(
    findings: Iterable[Finding], criteria: Iterable[str], overrides: dict[str, float]
) -> tuple[float, dict[str, CriterionScore]]:
    findings = list(findings)
    per: dict[str, list[float]] = {c: [] for c in criteria}
    seen: set[str] = set()
    for finding in findings:
        cost = penalty(finding, overrides)
        if finding.rule in seen:
            cost *= REPEAT_SHARE
        seen.add(finding.rule)
        per.setdefault(finding.criterion, []).append(cost)
    total = sum(sum(v) for v in per.values())
    table = {
        name: CriterionScore(
            score=round(max(0.0, 100.0 - CRITERION_SCALE * sum(values)), 1), findings=len(values)
        )
        for name, values in sorted(per.items())
    }
    return round(max(0.0, 100.0 - total), 1), table
