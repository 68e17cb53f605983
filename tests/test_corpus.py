"""The annotated corpus (corpus/README.md) is the ground truth for the engine."""

from __future__ import annotations

from statistics import mean

import pytest
from helpers import CORPUS, assert_well_formed, describe

from msgcheck.evaluation import evaluate, fired, load_corpus
from msgcheck.loader import builtin_pack
from msgcheck.models import KIND_NAMES, SEVERITY_RANK

CASES = load_corpus(CORPUS)
RULES = {r.id: r for r in builtin_pack().rules}


def case_id(case) -> str:
    return f"{case.path.parent.name}/{case.path.stem}"


by_case = pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])


@pytest.fixture(scope="session")
def corpus_reports(linter) -> dict:
    """path -> Report for every corpus message, computed once."""
    return {case.path: linter.check(case.text, path=str(case.path)) for case in CASES}


def test_corpus_is_not_empty():
    assert len(CASES) >= 30
    assert {c.kind for c in CASES} <= set(KIND_NAMES)
    assert {c.label for c in CASES} == {"good", "bad"}


@by_case
def test_annotation_is_well_formed(case):
    assert case.label in {"good", "bad"}
    assert case.kind == case.path.parent.name, "the folder must equal the annotated kind"
    assert case.split in {"tune", "heldout"}
    unknown = sorted((case.expect | case.allow) - set(RULES))
    assert not unknown, f"annotation names rules that do not exist: {unknown}"
    low, high = case.score
    assert 0 <= low <= high <= 100
    if case.label == "good":
        assert not case.expect, "good messages expect no findings"
        assert (low, high) == (85, 100)
    else:
        assert case.expect, "a bad message has at least one expected rule"
        assert high <= 84
    for rule_id in case.expect:
        rule = RULES.get(rule_id)
        if rule is not None:
            assert rule.applies_to(case.kind, case.template), f"{rule_id} does not apply to {case.kind}"
            assert SEVERITY_RANK[rule.severity] >= SEVERITY_RANK["warning"], (
                f"{rule_id} is info-only and never counts as fired"
            )


@by_case
def test_no_false_positives(case, corpus_reports):
    report = corpus_reports[case.path]
    assert_well_formed(report)
    extra = fired(report) - case.expect - case.allow
    assert not extra, f"unexpected {sorted(extra)}; {describe(report)}"


@by_case
def test_no_false_negatives(case, corpus_reports):
    report = corpus_reports[case.path]
    missing = (case.expect - case.allow) - fired(report)
    assert not missing, f"missing {sorted(missing)}; {describe(report)}"


@by_case
def test_score_in_annotated_range(case, corpus_reports):
    report = corpus_reports[case.path]
    low, high = case.score
    assert low <= report.score <= high, describe(report)


@by_case
def test_kind_comes_from_front_matter(case, corpus_reports):
    assert corpus_reports[case.path].kind == case.kind


def test_good_messages_outscore_bad_ones(corpus_reports):
    good = [corpus_reports[c.path].score for c in CASES if c.label == "good"]
    bad = [corpus_reports[c.path].score for c in CASES if c.label == "bad"]
    assert good and bad
    assert mean(good) > mean(bad), (mean(good), mean(bad))


def test_every_good_message_is_clean(corpus_reports):
    offenders = []
    for case in CASES:
        if case.label != "good":
            continue
        report = corpus_reports[case.path]
        if report.score < 85 or fired(report):
            offenders.append(f"{case_id(case)}: {describe(report)}")
    assert not offenders, "good messages with a warning/error or a score below 85:\n" + "\n".join(offenders)


def test_evaluate_matches_the_per_message_view(corpus_reports):
    result = evaluate(CASES, [corpus_reports[c.path] for c in CASES])
    assert result.cases == len(CASES)
    assert result.good == sum(c.label == "good" for c in CASES)
    assert result.auc is not None and result.auc > 0.5
