"""Measure the engine against an annotated corpus (format: corpus/README.md).

Per rule and per criterion (the rule id's first part: a criterion fires on a message when any of
its rules does): precision, recall and F1 over messages; the false-positive rate on messages
labelled good; how well the overall score separates good from bad (ROC AUC). Only warning and
error findings count: info findings are advice, not verdicts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from msgcheck.models import SEVERITY_RANK, Report
from msgcheck.parse.headers import FrontMatterError, split_front_matter

COUNTED = SEVERITY_RANK["warning"]


@dataclass(frozen=True)
class Case:
    path: Path
    label: str
    kind: str
    split: str
    template: bool
    expect: frozenset[str]
    allow: frozenset[str]
    score: tuple[float, float]
    text: str


@dataclass
class RuleStats:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p and r else None

    def count(self, got: bool, want: bool) -> None:
        self.tp += got and want
        self.fp += got and not want
        self.fn += want and not got

    def as_dict(self) -> dict:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": self.precision,
                "recall": self.recall, "f1": self.f1}


@dataclass(frozen=True)
class Mismatch:
    path: Path
    extra: tuple[str, ...]
    missing: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.path}: extra {list(self.extra)} missing {list(self.missing)}"


@dataclass
class Result:
    cases: int = 0
    rules: dict[str, RuleStats] = field(default_factory=dict)
    criteria: dict[str, RuleStats] = field(default_factory=dict)
    good: int = 0
    good_with_findings: int = 0
    score_misses: list[str] = field(default_factory=list)
    auc: float | None = None
    mismatches: list[Mismatch] = field(default_factory=list)

    @property
    def good_fp_rate(self) -> float | None:
        return self.good_with_findings / self.good if self.good else None

    @property
    def micro(self) -> RuleStats:
        return RuleStats(tp=sum(s.tp for s in self.rules.values()),
                         fp=sum(s.fp for s in self.rules.values()),
                         fn=sum(s.fn for s in self.rules.values()))

    def as_dict(self) -> dict:
        """The JSON form of ``msgcheck eval --format json``."""
        return {
            "messages": self.cases,
            "rules": {rule: s.as_dict() for rule, s in self.rules.items()},
            "criteria": {name: s.as_dict() for name, s in self.criteria.items()},
            "micro": self.micro.as_dict(),
            "good": self.good, "good_with_findings": self.good_with_findings,
            "good_fp_rate": self.good_fp_rate, "auc": self.auc,
            "mismatches": [{"path": str(m.path), "extra": list(m.extra),
                            "missing": list(m.missing)} for m in self.mismatches],
            "score_misses": self.score_misses,
        }


class CorpusError(ValueError):
    """An annotated message that cannot be read (the message names the file)."""


def load_case(path: Path) -> Case:
    try:
        text = path.read_text(encoding="utf-8")
        meta, _ = split_front_matter(text)
        low, high = meta.get("score", [0, 100])
        return Case(
            path=path, label=meta["label"], kind=meta["kind"], split=meta.get("split", "tune"),
            template=bool(meta.get("template", False)),
            expect=frozenset(meta.get("expect") or ()), allow=frozenset(meta.get("allow") or ()),
            score=(float(low), float(high)), text=text,
        )
    except (OSError, UnicodeDecodeError, FrontMatterError) as exc:
        raise CorpusError(f"{path}: {exc}") from None
    except (KeyError, TypeError, ValueError) as exc:
        raise CorpusError(f"{path}: bad annotation ({type(exc).__name__}: {exc}); "
                          "see corpus/README.md") from None


def load_corpus(root: Path, split: str | None = None) -> list[Case]:
    cases = [load_case(p) for p in sorted(Path(root).rglob("*.txt"))]
    return [c for c in cases if split is None or c.split == split]


def fired(report: Report) -> set[str]:
    return {f.rule for f in report.findings if SEVERITY_RANK[f.severity] >= COUNTED}


def roc_auc(good: list[float], bad: list[float]) -> float | None:
    """Probability that a random good message outscores a random bad one (ties count half)."""
    if not good or not bad:
        return None
    wins = sum((g > b) + 0.5 * (g == b) for g in good for b in bad)
    return wins / (len(good) * len(bad))


def evaluate(cases: list[Case], reports: list[Report], rule_ids: Iterable[str] = ()) -> Result:
    """Compare reports with annotations; ``rule_ids`` lists rules to show even with no counts."""
    result = Result(cases=len(cases))
    stats: dict[str, RuleStats] = {rule: RuleStats() for rule in rule_ids}
    criteria: dict[str, RuleStats] = {_criterion(rule): RuleStats() for rule in stats}
    scores: dict[str, list[float]] = {"good": [], "bad": []}
    for case, report in zip(cases, reports, strict=True):
        got = fired(report) - case.allow
        want = case.expect - case.allow
        for rule in got | want:
            stats.setdefault(rule, RuleStats()).count(rule in got, rule in want)
        got_criteria, want_criteria = {_criterion(r) for r in got}, {_criterion(r) for r in want}
        for name in got_criteria | want_criteria:
            criteria.setdefault(name, RuleStats()).count(name in got_criteria,
                                                         name in want_criteria)
        if got != want:
            result.mismatches.append(Mismatch(case.path, tuple(sorted(got - want)),
                                              tuple(sorted(want - got))))
        if case.label == "good":
            result.good += 1
            result.good_with_findings += bool(got)
        low, high = case.score
        if not low <= report.score <= high:
            result.score_misses.append(f"{case.path}: score {report.score:g} not in [{low:g}, {high:g}]")
        scores.setdefault(case.label, []).append(report.score)
    result.rules = dict(sorted(stats.items()))
    result.criteria = dict(sorted(criteria.items()))
    result.auc = roc_auc(scores["good"], scores["bad"])
    return result


def _fmt(value: float | None) -> str:
    return "   -" if value is None else f"{value:.2f}"


def _criterion(rule_id: str) -> str:
    return rule_id.split(".", 1)[0]


def _rows(title: str, stats: dict[str, RuleStats]) -> list[str]:
    lines = [f"{title:30} {'tp':>3} {'fp':>3} {'fn':>3}  prec  rec   f1"]
    for name, s in stats.items():
        lines.append(f"{name:30} {s.tp:3} {s.fp:3} {s.fn:3}  "
                     f"{_fmt(s.precision)} {_fmt(s.recall)} {_fmt(s.f1)}")
    return lines


def table(result: Result) -> str:
    lines = _rows("rule", result.rules)
    lines += _rows("", {"(all rules, micro)": result.micro})[1:]
    lines += [""] + _rows("criterion (any of its rules)", result.criteria)
    lines.append(f"messages: {result.cases}; good messages with a warning/error: "
                 f"{result.good_with_findings}/{result.good} ({_fmt(result.good_fp_rate)}); "
                 f"score ROC AUC good vs bad: {_fmt(result.auc)}; "
                 f"scores outside their annotated range: {len(result.score_misses)}")
    return "\n".join(lines)
