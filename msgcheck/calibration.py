"""Fit the score's penalties to the annotated corpus (docs/scoring.md, "How the weights were
calibrated").

The overall score is 100 minus the penalties of a message's findings (msgcheck/score.py). This
module scores annotated messages under candidate penalties, measures how well those scores agree
with the annotations (corpus/README.md) and picks the best candidate on a small integer grid.
Every function is pure: no randomness, no I/O, and ties are broken by a fixed rule.

A candidate has four parameters: the penalty of an error, a warning and an info finding, and the
share of its penalty that a rule's second and later findings in one message cost (``repeat``,
in percent; score.py charges every finding in full, i.e. 100). There are no per-criterion
multipliers: the annotations order messages by their score ranges, which depend on how many
problems a message has and never on which criterion a problem belongs to, so a multiplier other
than 1 could only be fitted to noise.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import astuple, dataclass, fields, replace
from itertools import product

from msgcheck.evaluation import Case
from msgcheck.models import Report
from msgcheck.score import REPEAT_SHARE, SEVERITY_PENALTY

# corpus/README.md: a good message scores 85..100, a bad one at most 84.
GOOD_MIN = 85.0
SEVERITIES = ("error", "warning", "info")
LABELS = ("good", "bad")


@dataclass(frozen=True)
class Weights:
    """Penalty per severity, and the percentage of it that a rule's repeated findings cost."""

    error: float
    warning: float
    info: float
    repeat: float = 100.0

    def meets_contract(self) -> bool:
        """The product's promises (docs/scoring.md): one warning alone takes a message below
        GOOD_MIN, one info finding alone does not, and an error costs at least a warning."""
        return 100 - self.warning < GOOD_MIN <= 100 - self.info and self.error >= self.warning


SHIPPED = Weights(**SEVERITY_PENALTY, repeat=REPEAT_SHARE * 100)


@dataclass(frozen=True)
class Sample:
    """One annotated message: its label, its annotated score range and its findings."""

    label: str
    low: float
    high: float
    findings: tuple[tuple[str, str], ...]  # (rule id, severity), one per finding

    def __post_init__(self) -> None:
        if self.label not in LABELS:
            raise ValueError(f"label must be one of {LABELS}, not {self.label!r}")
        if not 0 <= self.low <= self.high <= 100:
            raise ValueError(
                f"score range must satisfy 0 <= low <= high <= 100: [{self.low}, {self.high}]")
        unknown = {severity for _, severity in self.findings} - set(SEVERITIES)
        if unknown:
            raise ValueError(f"unknown severities {sorted(unknown)}; expected {SEVERITIES}")


def sample(case: Case, report: Report) -> Sample:
    """An annotated corpus message (msgcheck.evaluation) with the engine's findings on it."""
    low, high = case.score
    return Sample(case.label, low, high, tuple((f.rule, f.severity) for f in report.findings))


@dataclass(frozen=True)
class Measures:
    """How well scores agree with the annotations; None when a measure is undefined."""

    auc: float | None        # ROC AUC of good vs bad, ties count half (as `msgcheck eval`)
    agreement: float | None  # pairs of bad messages with different ranges, ordered strictly alike
    in_range: float | None   # fraction of messages scoring inside their annotated range

    def key(self) -> tuple[float, float, float]:
        """Lexicographic objective: separate good from bad first, then rank, then hit the ranges."""
        return tuple(-1.0 if v is None else v for v in (self.auc, self.agreement, self.in_range))


# -- scoring ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Profile:
    """A message's penalty is linear in the weights: these are its coefficients."""

    first: tuple[int, int, int]  # first finding of each rule, per severity (SEVERITIES order)
    again: tuple[int, int, int]  # later findings of a rule already seen
    fixed_first: float           # rules that set their own penalty (rule file `penalty`)
    fixed_again: float


def _profile(findings: Iterable[tuple[str, str]], overrides: Mapping[str, float]) -> _Profile:
    counts: list[Counter] = [Counter(), Counter()]
    fixed = [0.0, 0.0]
    seen: set[str] = set()
    for rule, severity in findings:
        repeated = rule in seen
        seen.add(rule)
        if rule in overrides:
            fixed[repeated] += overrides[rule]
        else:
            counts[repeated][severity] += 1
    first, again = (tuple(c[s] for s in SEVERITIES) for c in counts)
    return _Profile(first, again, fixed[0], fixed[1])


def _score(profile: _Profile, weights: Weights) -> float:
    share = weights.repeat / 100
    per_severity = (weights.error, weights.warning, weights.info)
    total = profile.fixed_first + share * profile.fixed_again + sum(
        w * (f + share * a) for w, f, a in zip(per_severity, profile.first, profile.again)
    )
    # the same rounding and clamping as msgcheck.score.score
    return round(max(0.0, 100.0 - total), 1)


def candidate_score(message: Sample, weights: Weights, overrides: Mapping[str, float]) -> float:
    """The overall score msgcheck would give ``message`` with these weights; ``overrides`` maps
    rule ids to their own penalties (``Linter.penalties``), which the fit leaves alone."""
    return _score(_profile(message.findings, overrides), weights)


# -- measures ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Prepared:
    """Identical messages merged into weighted groups: a candidate costs O(groups²), not O(n²)."""

    profiles: tuple[_Profile, ...]
    ranges: tuple[tuple[float, float, int], ...]     # (low, high, count) per group
    good_bad: tuple[tuple[int, int, int], ...]       # (good group, bad group, pairs)
    ordered: tuple[tuple[int, int, int], ...]        # (bad group, bad group ranked lower, pairs)
    totals: tuple[int, int, int]                     # good×bad pairs, ordered pairs, messages


def _prepare(samples: Sequence[Sample], overrides: Mapping[str, float]) -> _Prepared:
    counts = Counter((_profile(s.findings, overrides), s.label, s.low, s.high) for s in samples)
    groups = sorted(counts.items(), key=lambda item: repr(item[0]))
    indexed = list(enumerate(groups))
    good_bad = tuple((i, j, n * m) for i, ((_, la, _, _), n) in indexed if la == "good"
                     for j, ((_, lb, _, _), m) in indexed if lb == "bad")
    # Good vs bad pairs are the AUC's; these rank bad messages by the midpoint of their range.
    ordered = tuple((i, j, n * m) for i, ((_, la, lo_a, hi_a), n) in indexed if la == "bad"
                    for j, ((_, lb, lo_b, hi_b), m) in indexed
                    if lb == "bad" and lo_a + hi_a > lo_b + hi_b)
    return _Prepared(
        profiles=tuple(p for (p, _, _, _), _ in groups),
        ranges=tuple((lo, hi, n) for (_, _, lo, hi), n in groups),
        good_bad=good_bad, ordered=ordered,
        totals=(sum(n for *_, n in good_bad), sum(n for *_, n in ordered), len(samples)),
    )


def _concordance(scores: list[float], pairs: Iterable[tuple[int, int, int]], total: int,
                 tie: float) -> float | None:
    """Weighted share of (should-be-higher, should-be-lower) pairs that the scores order so."""
    if not total:
        return None
    won = sum(n * (1.0 if scores[a] > scores[b] else tie if scores[a] == scores[b] else 0.0)
              for a, b, n in pairs)
    return won / total


def _measure(prepared: _Prepared, weights: Weights) -> Measures:
    scores = [_score(p, weights) for p in prepared.profiles]
    good_bad, ordered, messages = prepared.totals
    inside = sum(n for s, (lo, hi, n) in zip(scores, prepared.ranges) if lo <= s <= hi)
    return Measures(
        auc=_concordance(scores, prepared.good_bad, good_bad, tie=0.5),
        # A tie is a failure here: otherwise heavy penalties that clamp many bad messages to 0
        # would "agree" with the annotation half of the time for free.
        agreement=_concordance(scores, prepared.ordered, ordered, tie=0.0),
        in_range=inside / messages if messages else None,
    )


def measure(samples: Sequence[Sample], weights: Weights,
            overrides: Mapping[str, float]) -> Measures:
    return _measure(_prepare(samples, overrides), weights)


# -- fitting ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Grid:
    """Candidate values per parameter; only candidates meeting the contract are tried."""

    error: range = range(1, 61)
    warning: range = range(1, 41)
    info: range = range(21)
    repeat: range = range(0, 101, 25)

    def candidates(self) -> Iterator[Weights]:
        for values in product(self.error, self.warning, self.info, self.repeat):
            weights = Weights(*values)
            if weights.meets_contract():
                yield weights

    def distance(self, a: Weights, b: Weights) -> float:
        """L1 distance counted in grid steps, so no parameter's unit dominates."""
        return sum(abs(getattr(a, f.name) - getattr(b, f.name)) / getattr(self, f.name).step
                   for f in fields(Weights))

    def describe(self) -> str:
        def axis(r: range) -> str:
            step = f" step {r.step}" if r.step != 1 else ""
            return f"{r[0]}..{r[-1]}{step}" if len(r) > 1 else f"{r[0]}"
        return ", ".join(f"{f.name} {axis(getattr(self, f.name))}" for f in fields(Weights))


@dataclass(frozen=True)
class Fit:
    """The chosen weights, and how firmly the samples pin each parameter down."""

    weights: Weights
    measures: Measures                         # on the samples it was fitted to
    plateau: dict[str, tuple[float, float]]    # per parameter: values that stay optimal alone
    candidates: int                            # how many candidates met the contract


def fit(samples: Sequence[Sample], overrides: Mapping[str, float], grid: Grid = Grid(),
        prefer: Weights = SHIPPED) -> Fit:
    """The grid candidate with the best ``Measures.key`` on ``samples``.

    Among equally good candidates the one closest to ``prefer`` wins (``Grid.distance``), then
    the smallest (error, warning, info, repeat): the corpus leaves most parameters free within
    a wide range, and a change should be made only where the annotations ask for it.
    """
    if {s.label for s in samples} != set(LABELS):
        raise ValueError("fitting needs both good and bad messages")
    prepared = _prepare(samples, overrides)
    best: tuple[float, float, float] | None = None
    optimal: list[Weights] = []
    tried = 0
    for weights in grid.candidates():
        tried += 1
        key = _measure(prepared, weights).key()
        if best is None or key > best:
            best, optimal = key, [weights]
        elif key == best:
            optimal.append(weights)
    if not optimal:
        raise ValueError(f"no candidate in the grid ({grid.describe()}) meets the contract")
    chosen = min(optimal, key=lambda w: (grid.distance(w, prefer), astuple(w)))
    return Fit(chosen, _measure(prepared, chosen), _plateau(chosen, set(optimal), grid), tried)


def _plateau(chosen: Weights, optimal: set[Weights], grid: Grid) -> dict[str, tuple[float, float]]:
    """For each parameter, the contiguous run of grid values around the chosen one that are
    still optimal when only that parameter changes: how firmly the corpus pins it down."""
    runs = {}
    for f in fields(Weights):
        axis = getattr(grid, f.name)
        at = axis.index(getattr(chosen, f.name))
        low = high = at
        while low > 0 and replace(chosen, **{f.name: axis[low - 1]}) in optimal:
            low -= 1
        while high < len(axis) - 1 and replace(chosen, **{f.name: axis[high + 1]}) in optimal:
            high += 1
        runs[f.name] = (axis[low], axis[high])
    return runs
