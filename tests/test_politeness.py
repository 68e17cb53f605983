"""Politeness strategies and the logistic politeness model (msgcheck.politeness).

Every sentence here is written for these tests. The benchmark test at the end reads the Stanford
Politeness Corpus from ../shared and is skipped when it is absent.
"""

from __future__ import annotations

import importlib.util
import sys

import numpy as np
import pytest
import yaml
from helpers import REPO, SHARED
from pydantic import ValidationError

from msgcheck import politeness
from msgcheck.loader import builtin_pack

YAML_PATH = REPO / "rules" / "lexicons" / "politeness.yml"
CSV = SHARED / "data" / "politeness" / "wikipedia.annotated.csv"


def _benchmark():
    name = "politeness_benchmark"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, REPO / "benchmarks" / "politeness.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture(scope="module")
def nlp(linter):
    return linter.pipeline.nlp


def fired(nlp, text: str) -> set[str]:
    return {k for k, v in politeness.features(nlp(text)).items() if v}


# -- strategies -------------------------------------------------------------------------------


@pytest.mark.parametrize("text, strategy", [
    ("Thanks so much for the quick reply.", "gratitude"),
    ("I really appreciate the time you spent on the draft.", "gratitude"),
    ("Great work on the conference talk last week.", "deference"),
    ("Nice, that settles the schedule.", "deference"),
    ("Hello Priya, the budget sheet is ready.", "greeting"),
    ("Sorry for the late answer about the venue.", "apologizing"),
    ("Could you please check the figures?", "please"),
    ("Please send the signed form by Friday.", "please_start"),
    ("By the way, the room has changed.", "indirect_btw"),
    ("Could you review the proposal?", "counterfactual_modal"),
    ("Would you share the slides?", "counterfactual_modal"),
    ("Can you review the proposal?", "indicative_modal"),
    ("Will you send me the key?", "indicative_modal"),
    ("Would it be possible to move the call to Tuesday?", "indirect_request"),
    ("I was wondering if the position is still open.", "indirect_request"),
    ("I think the second option might work better.", "hedges"),
    ("Maybe we could meet after lunch.", "hedges"),
    ("Perhaps the timeline is a bit tight.", "hedges"),
    ("Actually, the deadline was yesterday.", "factuality"),
    ("In fact the numbers do not add up.", "factuality"),
    ("Why did you cancel the meeting?", "direct_question"),
    ("What is the status of my order?", "direct_question"),
    ("So when will the parcel arrive?", "direct_start"),
    ("But the report is still missing.", "direct_start"),
    ("You forgot to attach the file.", "second_person_start"),
    ("The file you sent is empty.", "second_person"),
    ("I have updated the schedule.", "first_person_start"),
    ("My team finished the survey.", "first_person_start"),
    ("We could split the work between our groups.", "first_person_plural"),
    ("Why didn't you answer the last email?", "negative_question"),
    ("Is the office open? Who has the key?", "multiple_questions"),
    ("Your checklist was helpful on my first night shift.", "positive_lexicon"),
    ("The new schedule is a disaster for the residents.", "negative_lexicon"),
])
def test_strategy_fires(nlp, text, strategy):
    assert strategy in fired(nlp, text)


@pytest.mark.parametrize("text, strategy", [
    ("The manager said hello to everyone.", "greeting"),           # not the first word
    ("Could you please check the figures?", "please_start"),        # please is medial
    ("Please send the signed form by Friday.", "please"),           # please is first
    ("I know what you mean.", "direct_question"),                  # not a question
    ("What a lovely idea.", "direct_question"),
    ("Could you review the proposal?", "indicative_modal"),
    ("Can you review the proposal?", "counterfactual_modal"),
    ("The report and the slides are ready.", "direct_start"),       # "and" not first
    ("The file you sent is empty.", "second_person_start"),
    ("You forgot to attach the file.", "second_person"),
    ("Is the office open?", "multiple_questions"),
    ("Is the office open on Monday?", "negative_question"),
    ("The meeting went well and the notes are attached.", "negative_lexicon"),
    ("It looks like the form is attached.", "positive_lexicon"),  # "like" as a preposition
    ("Please send the form.", "positive_lexicon"),  # "please" is rated below the threshold
])
def test_strategy_does_not_fire(nlp, text, strategy):
    assert strategy not in fired(nlp, text)


def test_features_are_all_strategies_and_binary(nlp):
    feats = politeness.features(nlp("Hi Sam, thanks! Could you maybe send the notes?"))
    assert list(feats) == list(politeness.STRATEGIES)
    assert set(feats.values()) <= {0.0, 1.0}


def test_curly_apostrophes(nlp):
    assert "indirect_request" in fired(nlp, "I\u2019m wondering if you have a minute.")


def test_span_works_like_a_doc(nlp):
    doc = nlp("Dear Ana,\n\nHello again. Could you send the agenda?\n\nBest,\nLee")
    start = doc.text.index("Hello")
    end = doc.text.index("?") + 1
    span = doc.char_span(start, end, alignment_mode="expand")
    feats = politeness.features(span)
    assert feats["greeting"] == 1.0  # "Hello" opens the span
    assert feats["counterfactual_modal"] == 1.0
    assert politeness.score(span) == pytest.approx(
        politeness.score(nlp("Hello again. Could you send the agenda?")))


def test_empty_and_degraded_pipelines():
    import spacy

    blank = spacy.blank("en")
    blank.add_pipe("sentencizer")
    assert not any(politeness.features(blank("")).values())
    feats = politeness.features(blank("Why is the form late? Don't you have it?"))
    assert feats["direct_question"] and feats["negative_question"]
    assert feats["multiple_questions"]


# -- scores -----------------------------------------------------------------------------------


def test_polite_request_scores_above_a_bare_command(nlp):
    polite = nlp("Hi Maya, thanks for the quick reply. I think the draft is close; could you "
                 "perhaps take a look at the last section when you have a moment?")
    command = nlp("Send me the draft now. Why is it late?")
    assert politeness.score(polite) > 0.8
    assert politeness.score(command) < 0.4
    assert politeness.score(polite) > politeness.score(command)


@pytest.mark.parametrize("softer, harder", [
    ("Could you send the file?", "Can you send the file?"),
    ("Thanks, could you send the file?", "Could you send the file?"),
    ("Could you send the file, please?", "Send the file."),
    ("Is the file ready?", "Why isn't the file ready?"),
])
def test_score_orders_pairs(nlp, softer, harder):
    assert politeness.score(nlp(softer)) > politeness.score(nlp(harder))


def test_score_is_a_probability_and_deterministic(nlp):
    doc = nlp("So what exactly did you change? You actually broke the build.")
    first = politeness.score(doc)
    assert 0.0 < first < 1.0
    assert politeness.score(doc) == first
    assert politeness.score(nlp(doc.text)) == first
    fresh = politeness.PolitenessModel.from_file(politeness.load_file(YAML_PATH))
    assert fresh.score(doc) == first


def test_explain_lists_fired_groups_by_weight(nlp):
    model = politeness.PolitenessModel.load()
    explained = politeness.explain(nlp("Thanks! Why didn't you reply?"))
    names = [g for g, _ in explained]
    assert {"gratitude", "negative_question", "direct_question"} <= set(names)
    assert [abs(w) for _, w in explained] == sorted((abs(w) for _, w in explained), reverse=True)
    assert all(model.weights[g] == w for g, w in explained)


# -- the YAML ---------------------------------------------------------------------------------


def test_yaml_validates_with_at_most_20_parameters():
    spec = politeness.load_file(YAML_PATH)
    weights, bias = spec.weights_and_bias()
    assert set(weights) == set(politeness.GROUPS)
    assert len(weights) + 1 <= 20  # weights plus the bias
    assert isinstance(bias, float)
    members = [s for group in politeness.GROUPS.values() for s in group]
    assert set(members) <= set(politeness.STRATEGIES)
    assert len(members) == len(set(members))


def test_yaml_is_also_a_valid_msgcheck_lexicon():
    lexicon = builtin_pack().lexicons["politeness"]
    assert lexicon.regex == politeness.load_file(YAML_PATH).regex


def test_expected_signs_of_the_fitted_weights():
    weights, _ = politeness.load_file(YAML_PATH).weights_and_bias()
    for group in ("gratitude", "deference", "greeting", "apologizing", "please", "indirect"):
        assert weights[group] > 0, group
    for group in ("negative_lexicon", "factuality", "direct_question", "direct_start",
                  "second_person_start", "negative_question"):
        assert weights[group] < 0, group


@pytest.fixture(scope="module")
def yaml_data():
    return yaml.safe_load(YAML_PATH.read_text(encoding="utf-8"))


@pytest.mark.parametrize("change, message", [
    (lambda d: d.update(extra=1), "extra"),
    (lambda d: d["weights"].update(kindness=1.0), "unknown group"),
    (lambda d: d["weights"].pop("gratitude"), "no weight for"),
    (lambda d: d.pop("bias"), "bias"),
    (lambda d: d["weights"].update(gratitude="lots"), "weights.gratitude"),
    (lambda d: d["regex"].append(r"\bthanks\b"), "named group"),
    (lambda d: d["regex"].append(r"(?P<kindness>\bkind\b)"), "named group"),
    (lambda d: d["regex"].append(r"(?P<hedges>[unclosed)"), "invalid regex"),
    (lambda d: d.update(regex=[r for r in d["regex"] if "<wh_word>" not in r]), "wh_word"),
])
def test_yaml_schema_rejects(yaml_data, change, message):
    data = {k: (list(v) if isinstance(v, list) else dict(v) if isinstance(v, dict) else v)
            for k, v in yaml_data.items()}
    change(data)
    with pytest.raises(ValidationError, match=message):
        politeness.PolitenessFile.model_validate(data)


# -- the benchmark's numerics (synthetic data) ------------------------------------------------


def test_logistic_fit_is_deterministic_and_sensible():
    bench = _benchmark()
    rng = np.random.default_rng(0)
    X = (rng.random((400, 3)) < 0.4).astype(float)
    logits = 2.0 * X[:, 0] - 1.5 * X[:, 1] + 0.2
    y = (rng.random(400) < 1 / (1 + np.exp(-logits))).astype(float)
    w1, b1 = bench.fit_logistic(X, y)
    w2, b2 = bench.fit_logistic(X, y)
    assert np.array_equal(w1, w2) and b1 == b2
    assert w1[0] > 1.0 and w1[1] < -0.8 and abs(w1[2]) < 0.6
    first = bench.cross_validate(X, y, baseline=X[:, 0] - X[:, 1])
    assert first == bench.cross_validate(X, y, baseline=X[:, 0] - X[:, 1])
    assert first.accuracy > 0.6


def test_auc_accuracy_and_folds():
    bench = _benchmark()
    y = np.array([0, 0, 1, 1], dtype=float)
    assert bench.roc_auc(np.array([0.1, 0.2, 0.3, 0.4]), y) == 1.0
    assert bench.roc_auc(np.array([0.4, 0.3, 0.2, 0.1]), y) == 0.0
    assert bench.roc_auc(np.array([0.5, 0.5, 0.5, 0.5]), y) == 0.5
    assert bench.accuracy(np.array([0.1, 0.6, 0.7, 0.5]), y, 0.5) == pytest.approx(0.625)
    labels = np.array([0] * 25 + [1] * 25, dtype=float)
    folds = bench.folds(labels, 10)
    assert sorted(np.concatenate(folds).tolist()) == list(range(50))
    assert all(labels[f].sum() in (2, 3) for f in folds)
    assert [f.tolist() for f in folds] == [f.tolist() for f in bench.folds(labels, 10)]


def test_quartile_and_middle_tasks():
    bench = _benchmark()
    rows = [(f"request {i}", float(i)) for i in range(20)]
    task = bench.quartile_task(rows)
    assert int(task.y.sum()) == 5 and int((task.y == 0).sum()) == 5
    middle = bench.middle_task(rows)
    assert len(middle.y) == 10 and int(middle.y.sum()) == 5


def test_benchmark_skips_without_data(tmp_path, capsys):
    assert _benchmark().main(["--csv", str(tmp_path / "missing.csv")]) == 0
    assert "skipped" in capsys.readouterr().out


# -- against human ratings (development data only) --------------------------------------------


@pytest.mark.slow
@pytest.mark.skipif(not CSV.is_file(), reason=f"{CSV} is not present (development data only)")
def test_cross_validated_accuracy_on_stanford_politeness(linter):
    """10-fold CV on the paper's quartile task (2,178 requests, analysed as tone.impolite does)."""
    bench = _benchmark()
    task = bench.quartile_task(bench.load_rows(CSV))
    X = bench.feature_matrix(linter.pipeline, task.texts)
    cv = bench.cross_validate(X, task.y)
    assert cv.accuracy >= 0.75
    assert cv.auc >= 0.83
    assert cv.accuracy > cv.baseline_accuracy
    # The shipped weights are this data's fit (rerun --write-weights after changing patterns).
    w, b = bench.fit_logistic(X, task.y)
    shipped, shipped_bias = politeness.load_file(YAML_PATH).weights_and_bias()
    for group, value in zip(politeness.GROUPS, w, strict=True):
        assert shipped[group] == pytest.approx(value, abs=0.01), group
    assert shipped_bias == pytest.approx(b, abs=0.01)
