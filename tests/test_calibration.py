"""Score calibration (msgcheck/calibration.py): the scoring model, the measures, the fit."""

from __future__ import annotations

from dataclasses import replace

import pytest
from helpers import CORPUS

from msgcheck.calibration import (
    SHIPPED,
    Grid,
    Sample,
    Weights,
    candidate_score,
    fit,
    measure,
    sample,
)
from msgcheck.evaluation import load_corpus, roc_auc
from msgcheck.models import Finding
from msgcheck.score import REPEAT_SHARE, SEVERITY_PENALTY, score

WARN_A, WARN_B = ("tone.urgency", "warning"), ("tone.flattery", "warning")
WARN_C = ("ask.vague", "warning")
ERROR, INFO = ("personal.name-mismatch", "error"), ("readability.grade", "info")
PLACEHOLDER = ("template.placeholder", "error")
OVERRIDES = {"template.placeholder": 35.0}
SEVERITY_ONLY = replace(Grid(), repeat=range(100, 101))
# The fitting tests prefer these weights (the pre-calibration defaults), so that they test the
# search and not whatever the shipped weights are.
REFERENCE = Weights(30, 16, 3, 100)


def good(*findings) -> Sample:
    return Sample("good", 85.0, 100.0, findings)


def bad(*findings, high: float = 84.0) -> Sample:
    return Sample("bad", 0.0, high, findings)


# -- the scoring model ------------------------------------------------------------------------


@pytest.mark.parametrize("findings", [
    (), (WARN_A,), (INFO,), (WARN_A, WARN_A, WARN_B), (ERROR, WARN_A, INFO, INFO),
    (PLACEHOLDER,), (PLACEHOLDER, PLACEHOLDER, WARN_A), (ERROR,) * 4,
])
def test_shipped_weights_reproduce_score_py(findings):
    as_findings = [Finding(rule=r, criterion=r.split(".")[0], severity=s, message="m")
                   for r, s in findings]
    expected, _ = score(as_findings, (), OVERRIDES)
    assert candidate_score(bad(*findings), SHIPPED, OVERRIDES) == expected


def test_shipped_weights_are_score_py_penalties_and_repeat_share():
    assert (SHIPPED.error, SHIPPED.warning, SHIPPED.info) == (
        SEVERITY_PENALTY["error"], SEVERITY_PENALTY["warning"], SEVERITY_PENALTY["info"])
    assert SHIPPED.repeat == REPEAT_SHARE * 100
    assert SHIPPED.meets_contract()


def test_repeat_share_discounts_later_findings_of_the_same_rule_only():
    quarter = Weights(30, 16, 3, repeat=25)
    assert candidate_score(bad(WARN_A, WARN_A, WARN_A), quarter, {}) == 100 - 16 - 2 * 4
    assert candidate_score(bad(WARN_A, WARN_B), quarter, {}) == 68
    half = Weights(30, 16, 3, repeat=50)
    assert candidate_score(bad(PLACEHOLDER, PLACEHOLDER), half, OVERRIDES) == 100 - 35 - 17.5
    assert candidate_score(bad(ERROR, ERROR, ERROR, ERROR), Weights(30, 16, 3, repeat=0), {}) == 70


@pytest.mark.parametrize(("weights", "ok"), [
    (Weights(30, 16, 3), True), (Weights(16, 16, 15), True), (Weights(30, 15, 3), False),
    (Weights(30, 16, 16), False), (Weights(15, 16, 3), False),
])
def test_contract(weights, ok):
    assert weights.meets_contract() is ok


@pytest.mark.parametrize(("args", "message"), [
    (("fine", 0.0, 84.0, ()), "label"),
    (("bad", 50.0, 40.0, ()), "score range"),
    (("bad", 0.0, 84.0, (("tone.urgency", "fatal"),)), "severities"),
])
def test_sample_rejects_bad_input(args, message):
    with pytest.raises(ValueError, match=message):
        Sample(*args)


# -- measures ---------------------------------------------------------------------------------

MIXED = [good(), good(INFO), good(WARN_A), bad(WARN_A), bad(WARN_A, WARN_B, high=75.0),
         bad(ERROR), bad(INFO, WARN_C), bad(ERROR, PLACEHOLDER, WARN_A, WARN_B, high=65.0)]


def test_auc_is_evaluations_roc_auc_including_ties():
    weights = Weights(30, 16, 3)
    scores = [candidate_score(s, weights, OVERRIDES) for s in MIXED]
    expected = roc_auc([x for x, s in zip(scores, MIXED) if s.label == "good"],
                       [x for x, s in zip(scores, MIXED) if s.label == "bad"])
    assert 0.5 < expected < 1.0  # a tie (good WARN_A vs bad WARN_A) and no inversion elsewhere
    assert measure(MIXED, weights, OVERRIDES).auc == expected


def test_auc_edge_cases():
    weights = Weights(30, 16, 3)
    assert measure([good(WARN_A, WARN_B), bad()], weights, {}).auc == 0.0
    assert measure([good(WARN_A), bad(WARN_B)], weights, {}).auc == 0.5
    assert measure([good(), bad(WARN_A)], weights, {}).auc == 1.0
    only_good = measure([good(), good(INFO)], weights, {})
    assert only_good.auc is None and only_good.agreement is None and only_good.in_range == 1.0


def test_agreement_counts_ties_as_failures_and_ignores_pairs_with_the_same_range():
    samples = [bad(WARN_A), bad(WARN_B, WARN_B, high=75.0), bad(WARN_C)]
    assert measure(samples, Weights(30, 16, 3), {}).agreement == 1.0
    # counted once, the repeated rule scores like a single warning: both ordered pairs tie
    assert measure(samples, Weights(30, 16, 3, repeat=0), {}).agreement == 0.0
    assert measure([bad(WARN_A), bad(WARN_B, WARN_C)], Weights(30, 16, 3), {}).agreement is None


def test_in_range_fraction():
    samples = [good(), good(WARN_A), bad(WARN_A), bad(WARN_A, high=75.0)]
    assert measure(samples, Weights(30, 16, 3), {}).in_range == 0.5
    assert measure(samples, Weights(30, 25, 3), {}).in_range == 0.75


# -- fitting ----------------------------------------------------------------------------------


def test_fit_recovers_weights_that_separate_a_constructed_set():
    # One error must rank below two warnings and score at most 65:
    # error > 2 × warning and error >= 35.
    samples = [good(), good(INFO), bad(WARN_A, WARN_B), bad(ERROR, high=65.0)]
    result = fit(samples, {}, SEVERITY_ONLY, prefer=REFERENCE)
    assert result.weights == Weights(35, 16, 3, 100)  # the nearest such weights to REFERENCE
    assert result.measures.key() == (1.0, 1.0, 1.0)
    assert result.plateau == {
        "error": (35, 60), "warning": (16, 17), "info": (0, 15), "repeat": (100, 100)}
    assert result.candidates == sum(1 for _ in SEVERITY_ONLY.candidates())


def test_fit_with_nothing_to_learn_keeps_the_preferred_weights():
    samples = [good(), bad(WARN_A)]
    assert fit(samples, {}, SEVERITY_ONLY, prefer=REFERENCE).weights == REFERENCE
    preferred = Weights(40, 20, 5)
    assert fit(samples, {}, SEVERITY_ONLY, prefer=preferred).weights == preferred


def test_ties_are_broken_by_distance_then_smallest_weights():
    grid = Grid(error=range(20, 41, 20), warning=range(16, 17), info=range(3, 4),
                repeat=range(100, 101))
    samples = [good(), bad(WARN_A), bad(WARN_B, WARN_C, high=75.0)]  # nothing here prices an error
    assert fit(samples, {}, grid, prefer=REFERENCE).weights.error == 20  # 20, 40: both 10 from 30
    assert fit(samples[::-1], {}, grid, prefer=REFERENCE).weights.error == 20
    assert fit(samples, {}, grid, prefer=replace(REFERENCE, error=35)).weights.error == 40


def test_fit_keeps_the_contract_even_against_the_data():
    # The annotation calls a message with a warning good; only warning <= 15 would agree.
    samples = [good(WARN_A), bad(WARN_B, WARN_C)]
    result = fit(samples, {}, SEVERITY_ONLY, prefer=REFERENCE)
    assert result.weights.warning == 16
    assert result.measures.in_range == 0.5


def test_fit_needs_both_labels_and_a_feasible_grid():
    with pytest.raises(ValueError, match="both good and bad"):
        fit([bad(WARN_A), bad(WARN_B)], {})
    with pytest.raises(ValueError, match="meets the contract"):
        fit([good(), bad(WARN_A)], {}, replace(SEVERITY_ONLY, warning=range(1, 16)))


def test_grid_description():
    assert Grid().describe() == "error 1..60, warning 1..40, info 0..20, repeat 0..100 step 25"
    assert SEVERITY_ONLY.describe().endswith("repeat 100")


# -- the corpus -------------------------------------------------------------------------------


def test_the_shipped_penalties_are_what_the_tune_split_selects(linter):
    cases = load_corpus(CORPUS, "tune")
    reports = [linter.check(c.text, path=str(c.path)) for c in cases]
    samples = [sample(c, r) for c, r in zip(cases, reports)]
    drift = [str(c.path) for c, r, s in zip(cases, reports, samples)
             if candidate_score(s, SHIPPED, linter.penalties) != r.score]
    assert not drift, "the calibration model no longer reproduces the engine's scores"
    assert fit(samples, linter.penalties).weights == SHIPPED
