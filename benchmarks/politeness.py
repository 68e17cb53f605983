"""Politeness: msgcheck's strategy model against human ratings (Stanford Politeness Corpus).

    python benchmarks/politeness.py                   # measure (10-fold CV, baseline, transfer)
    python benchmarks/politeness.py --write-weights   # also refit on all quartile data and write
                                                      # the weights to rules/lexicons/politeness.yml

Data: ../shared/data/politeness/wikipedia.annotated.csv (development data, never copied into the
repository; the benchmark skips cleanly when it is absent). The binary task is the paper's:
the top quartile of `Normalized Score` is polite, the bottom quartile impolite.

Everything is deterministic: features are 0/1 strategy indicators from msgcheck.politeness, the
model is L2-regularised logistic regression fitted with Newton's method (no random start), and
the folds come from a fixed seed. The same command prints the same numbers and writes the same
weights.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CSV = ROOT.parent / "shared" / "data" / "politeness" / "wikipedia.annotated.csv"
YAML = ROOT / "rules" / "lexicons" / "politeness.yml"
COMMAND = "python benchmarks/politeness.py"

L2 = 1.0          # penalty on the weights (not the bias): objective = NLL + L2/2 * |w|^2
FOLDS = 10
SEED = 13

# Zero-training baseline: +1 / -1 per weight group, nothing learnt from this data. For the
# paper's strategies the sign is that of the strategy's politeness in the paper's Table 3
# (Danescu-Niculescu-Mizil et al., 2013); for msgcheck's additions it is the expected one
# (indirect requests polite; negative questions and strings of questions impolite).
PRIOR_SIGNS: dict[str, int] = {
    "gratitude": 1, "deference": 1, "greeting": 1, "positive_lexicon": 1,
    "negative_lexicon": -1, "apologizing": 1, "please": 1, "indirect": 1,
    "indicative_modal": 1, "hedges": 1, "factuality": -1, "direct_question": -1,
    "direct_start": -1, "first_person_start": 1, "first_person_plural": 1, "second_person": 1,
    "second_person_start": -1, "negative_question": -1, "multiple_questions": -1,
}


# -- data -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Task:
    texts: list[str]
    y: np.ndarray  # 1 = polite


def load_rows(path: Path = CSV) -> list[tuple[str, float]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [(r["Request"], float(r["Normalized Score"])) for r in csv.DictReader(fh)]


def quartile_task(rows: list[tuple[str, float]]) -> Task:
    """The paper's task: bottom quartile (impolite, 0) vs top quartile (polite, 1)."""
    scores = np.array([s for _, s in rows])
    q1, q3 = np.percentile(scores, [25, 75])
    keep = [(t, 1 if s >= q3 else 0) for t, s in rows if s <= q1 or s >= q3]
    return Task([t for t, _ in keep], np.array([y for _, y in keep], dtype=float))


def middle_task(rows: list[tuple[str, float]]) -> Task:
    """The middle half (strictly between the quartiles), polite = above the median."""
    scores = np.array([s for _, s in rows])
    q1, q2, q3 = np.percentile(scores, [25, 50, 75])
    keep = [(t, 1 if s > q2 else 0) for t, s in rows if q1 < s < q3 and s != q2]
    return Task([t for t, _ in keep], np.array([y for _, y in keep], dtype=float))


# -- features ---------------------------------------------------------------------------------


def analysed(pipeline, texts: list[str]):
    """The texts analysed as tone.impolite sees them: the layers its check kind needs (tags and
    sentences, no parse), in batches of 64."""
    from msgcheck.checks.politeness import NEEDS

    return pipeline.nlp.pipe(texts, batch_size=64, disable=pipeline.skipped(NEEDS))


def strategy_rows(pipeline, texts: list[str], model=None) -> list[dict[str, float]]:
    """politeness.features of each text."""
    from msgcheck import politeness

    model = model or politeness.PolitenessModel.load()
    return [model.features(doc) for doc in analysed(pipeline, texts)]


def group_matrix(rows: list[dict[str, float]]) -> np.ndarray:
    """The model's inputs: one row per text, one 0/1 column per group of politeness.GROUPS."""
    from msgcheck.politeness import GROUPS, group_values

    return np.array([list(group_values(r).values()) for r in rows], dtype=float).reshape(
        len(rows), len(GROUPS))


def feature_matrix(pipeline, texts: list[str], model=None) -> np.ndarray:
    return group_matrix(strategy_rows(pipeline, texts, model))


# -- the model --------------------------------------------------------------------------------


def _sigmoid(z: np.ndarray) -> np.ndarray:
    e = np.exp(-np.abs(z))  # never overflows
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def fit_logistic(X: np.ndarray, y: np.ndarray, l2: float = L2,
                 iterations: int = 50) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression by Newton's method; returns (weights, bias)."""
    n, d = X.shape
    A = np.hstack([X, np.ones((n, 1))])
    theta = np.zeros(d + 1)
    penalty = np.full(d + 1, l2)
    penalty[-1] = 0.0  # the bias is not shrunk
    for _ in range(iterations):
        p = _sigmoid(A @ theta)
        grad = A.T @ (p - y) + penalty * theta
        hess = (A * (p * (1 - p))[:, None]).T @ A + np.diag(penalty) + 1e-9 * np.eye(d + 1)
        step = np.linalg.solve(hess, grad)
        theta -= step
        if np.max(np.abs(step)) < 1e-10:
            break
    return theta[:-1], float(theta[-1])


def roc_auc(scores: np.ndarray, y: np.ndarray) -> float:
    """Area under the ROC curve (Mann-Whitney U with average ranks for ties)."""
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores))
    sorted_scores = scores[order]
    i = 0
    while i < len(scores):
        j = i
        while j + 1 < len(scores) and sorted_scores[j + 1] == sorted_scores[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    pos = y == 1
    n_pos, n_neg = pos.sum(), (~pos).sum()
    return float((ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def accuracy(scores: np.ndarray, y: np.ndarray, threshold: float) -> float:
    """Share right when predicting polite above ``threshold``; a tie counts as half right."""
    right = np.where(scores > threshold, y == 1, y == 0).astype(float)
    right[scores == threshold] = 0.5
    return float(right.mean())


def folds(y: np.ndarray, k: int = FOLDS, seed: int = SEED) -> list[np.ndarray]:
    """Stratified folds from a fixed permutation: fold i gets every k-th of each class."""
    rng = np.random.default_rng(seed)
    out: list[list[int]] = [[] for _ in range(k)]
    for label in (0.0, 1.0):
        members = rng.permutation(np.flatnonzero(y == label))
        for i, idx in enumerate(members):
            out[i % k].append(int(idx))
    return [np.array(sorted(f)) for f in out]


@dataclass(frozen=True)
class CVResult:
    accuracy: float       # mean over folds
    accuracy_sd: float
    auc: float            # mean over folds
    baseline_accuracy: float
    baseline_auc: float


def baseline_scores(X: np.ndarray) -> np.ndarray:
    from msgcheck.politeness import GROUPS

    return X @ np.array([PRIOR_SIGNS[g] for g in GROUPS], dtype=float)


def cross_validate(X: np.ndarray, y: np.ndarray, k: int = FOLDS, seed: int = SEED,
                   l2: float = L2, baseline: np.ndarray | None = None) -> CVResult:
    """Mean accuracy / AUC over ``k`` stratified folds; ``baseline``: fixed scores to compare
    on the same folds (default: :func:`baseline_scores` of ``X``)."""
    accs, aucs, b_accs, b_aucs = [], [], [], []
    base = baseline_scores(X) if baseline is None else baseline
    for test in folds(y, k, seed):
        train = np.setdiff1d(np.arange(len(y)), test)
        w, b = fit_logistic(X[train], y[train], l2)
        p = _sigmoid(X[test] @ w + b)
        accs.append(accuracy(p, y[test], 0.5))
        aucs.append(roc_auc(p, y[test]))
        b_accs.append(accuracy(base[test], y[test], 0.0))
        b_aucs.append(roc_auc(base[test], y[test]))
    return CVResult(float(np.mean(accs)), float(np.std(accs)), float(np.mean(aucs)),
                    float(np.mean(b_accs)), float(np.mean(b_aucs)))


# -- writing the weights ----------------------------------------------------------------------


def weights_block(weights: np.ndarray, bias: float) -> str:
    from msgcheck.politeness import GROUPS

    lines = ["weights:"]
    lines += [f"  {g}: {w:+.4f}" for g, w in zip(GROUPS, weights, strict=True)]
    lines.append(f"bias: {bias:+.4f}")
    return "\n".join(lines) + "\n"


def write_weights(weights: np.ndarray, bias: float, path: Path = YAML) -> None:
    """Replace the ``weights:`` and ``bias:`` keys (the last of the file) and validate the result."""
    from msgcheck import politeness

    text = path.read_text(encoding="utf-8")
    m = re.search(r"^weights:\n", text, flags=re.MULTILINE)
    if m is None:
        raise SystemExit(f"{path}: no 'weights:' block to replace")
    new = text[:m.start()] + weights_block(weights, bias)
    path.write_text(new, encoding="utf-8")
    politeness.load_file(path)  # raises if the result does not validate
    politeness._load_cached.cache_clear()


# -- main -------------------------------------------------------------------------------------


def paper_matrix(rows: list[dict[str, float]]) -> np.ndarray:
    """Ablation: the paper's nineteen strategies, one column each (no msgcheck additions)."""
    from msgcheck.politeness import STRATEGIES

    return np.array([[r[s] for s in STRATEGIES[:19]] for r in rows], dtype=float)


def outreach_sanity(linter, root: Path, model) -> None:
    """Scores on real outreach messages (no ratings: a look at the range, not a measurement)."""
    files = sorted(root.rglob("*.txt"))
    if not files:
        return
    proses = []
    for path in files:
        report = linter.check(path)
        message = report.message
        proses.append("" if message is None else message.body[:message.sections.prose.end])
    scored = []
    for path, doc in zip(files, analysed(linter.pipeline, proses), strict=True):
        scored.append((model.score(doc), str(path.relative_to(root)), [g for g, _ in model.explain(doc)][:4]))
    values = np.array([s for s, _, _ in scored])
    print(f"\noutreach-dev ({len(files)} real outreach messages, greeting + prose, unrated): "
          f"P(polite) median {np.median(values):.2f}, min {values.min():.2f}, "
          f"max {values.max():.2f}; {np.mean(values >= 0.5):.0%} at or above 0.5")
    for value, name, groups in sorted(scored)[:3]:
        print(f"  lowest: {name} {value:.2f} ({', '.join(groups) or 'no strategy'})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write-weights", action="store_true",
                        help=f"refit on all quartile data and write {YAML.relative_to(ROOT)}")
    parser.add_argument("--csv", type=Path, default=CSV)
    args = parser.parse_args(argv)
    if not args.csv.is_file():
        print(f"politeness: {args.csv} not found (development data only); skipped")
        return 0

    import msgcheck
    from msgcheck import politeness

    started = time.perf_counter()
    rows = load_rows(args.csv)
    task = quartile_task(rows)
    middle = middle_task(rows)
    linter = msgcheck.Linter()
    pipeline = linter.pipeline
    pipeline.nlp("warm-up")
    t0 = time.perf_counter()
    strategies = strategy_rows(pipeline, task.texts)
    t_features = time.perf_counter() - t0
    X = group_matrix(strategies)
    Xm = feature_matrix(pipeline, middle.texts)
    groups = list(politeness.GROUPS)

    print(f"Stanford Politeness Corpus, Wikipedia: {len(rows)} requests; quartile task: "
          f"{int((task.y == 1).sum())} polite + {int((task.y == 0).sum())} impolite")
    print(f"model: {len(politeness.STRATEGIES)} strategies -> {len(groups)} weights + 1 bias; "
          f"pipeline {linter.pipeline.name}")
    print(f"features: {len(task.texts)} requests parsed and scored in {t_features:.1f} s "
          f"({1000 * t_features / len(task.texts):.1f} ms each)")

    cv = cross_validate(X, task.y)
    paper = cross_validate(paper_matrix(strategies), task.y, baseline=baseline_scores(X))
    print(f"\n{FOLDS}-fold cross-validation (stratified, seed {SEED}), quartiles:")
    print(f"  logistic model, {len(groups)} weights (L2 {L2:g}):  accuracy {cv.accuracy:.3f} "
          f"(sd over folds {cv.accuracy_sd:.3f})  ROC AUC {cv.auc:.3f}")
    print(f"  baseline, unit weights with prior signs, no training:  accuracy "
          f"{cv.baseline_accuracy:.3f}  ROC AUC {cv.baseline_auc:.3f}")
    print(f"  lift over the baseline: accuracy {cv.accuracy - cv.baseline_accuracy:+.3f}, "
          f"AUC {cv.auc - cv.baseline_auc:+.3f}")
    print(f"  ablation, the paper's 19 strategies alone, one weight each:  accuracy "
          f"{paper.accuracy:.3f}  ROC AUC {paper.auc:.3f}")

    w, b = fit_logistic(X, task.y)
    pm = _sigmoid(Xm @ w + b)
    bm = baseline_scores(Xm)
    print(f"\ntransfer: fitted on all quartile data, scored on the middle half "
          f"({len(middle.y)} requests, polite = above the median):")
    print(f"  logistic model:  accuracy {accuracy(pm, middle.y, 0.5):.3f}  "
          f"ROC AUC {roc_auc(pm, middle.y):.3f}")
    print(f"  baseline:        accuracy {accuracy(bm, middle.y, 0.0):.3f}  "
          f"ROC AUC {roc_auc(bm, middle.y):.3f}")

    print("\nweights fitted on all quartile data (log-odds) and how often each group fires "
          "(polite / impolite quartile):")
    for j in np.argsort(-w, kind="mergesort"):
        pol, imp = X[task.y == 1, j].mean(), X[task.y == 0, j].mean()
        print(f"  {groups[j]:22s} {w[j]:+.3f}   {pol:5.1%} / {imp:5.1%}")
    print(f"  {'bias':22s} {b:+.3f}")

    outreach = args.csv.parents[1] / "outreach-dev"
    if outreach.is_dir():
        fitted = dataclasses.replace(politeness.PolitenessModel.load(),
                                     weights=dict(zip(groups, map(float, w), strict=True)),
                                     bias=b)
        outreach_sanity(linter, outreach, fitted)

    if args.write_weights:
        write_weights(w, b)
        print(f"\nwrote {YAML.relative_to(ROOT)}")
    else:
        sw, sb = politeness.load_file(YAML).weights_and_bias()
        same = (all(abs(sw[g] - round(float(v), 4)) <= 1e-4 for g, v in zip(groups, w, strict=True))
                and abs(sb - round(b, 4)) <= 1e-4)
        print(f"\nshipped weights in {YAML.relative_to(ROOT)}: "
              f"{'identical to this fit' if same else 'DIFFER from this fit (run --write-weights)'}")
    print(f"\nruntime {time.perf_counter() - started:.1f} s")
    print(f"reproduce: {COMMAND}{' --write-weights' if args.write_weights else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
