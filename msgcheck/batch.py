"""Mass email across one run: ``batch.near-duplicate`` (rules/batch/near-duplicate.yml).

The per-message checks cannot see other messages, so this pass runs after every report of a
``msgcheck check`` run exists. It compares the body prose of every pair of messages without
comparing every pair:

1. **Normalise** the prose: placeholders (``{{x}}``, ``[Name]`` …) become one token, the name in
   the greeting (and in ``To:``) becomes another, numbers become ``0``, case is folded. What is
   left is the part of the text that the sender did not personalise.
2. **Shingle**: the set of overlapping runs of ``shingle_words`` words. The similarity of two
   messages is the Jaccard index of their shingle sets (shared shingles / all shingles).
3. **MinHash + LSH banding** find the candidate pairs: each message gets a signature of
   ``NUM_PERM`` minimum hash values (one SHAKE-128 digest per shingle yields all of them); the
   signature is cut into bands, and two messages whose signatures agree on a whole band land in
   the same bucket. Bands and rows are chosen for the threshold so that a pair at the threshold
   is almost surely a candidate.
4. **Verify** each candidate pair with the exact Jaccard index and join the pairs at or above the
   threshold into clusters (union-find: a chain of near-duplicates is one cluster).

Standard library only: hashing is done by ``hashlib`` in C and the per-message minimum by
``map(min, ...)`` in C, which is fast enough (``benchmarks/near_duplicates.py``: 10,000
messages in a few seconds on a 2-core machine) without numpy or a MinHash library.

Each cluster is reported once: a finding on every member except the first (in input order)
naming the others, its span the body prose. Scores are recomputed with :mod:`msgcheck.score`.
"""

from __future__ import annotations

import hashlib
import re
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from msgcheck.models import Finding, Report, Suggestion
from msgcheck.score import penalty, score
from msgcheck.spec import RuleSpec

RULE_ID = "batch.near-duplicate"
CRITERION = "batch"
DEFAULT_THRESHOLD = 0.8
DEFAULT_SHINGLE_WORDS = 3
NUM_PERM = 64
# Messages with fewer words than this are too short to call copy-paste ("Thank you!").
MIN_WORDS = 10
# A finding names at most this many other members, then "and N more".
MAX_NAMED = 5
# Within one LSH bucket, a message is verified against at most this many cluster representatives:
# keeps a bucket of thousands of copies linear, not quadratic.
MAX_REPRESENTATIVES = 8

_PLACEHOLDER = "\x00slot"
_NAME = "\x00name"
_NUMBER = "0"
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_DIGIT = re.compile(r"\d")
_GREETING_WORDS = frozenset([
    "dear", "hi", "hello", "hey", "greetings", "good", "morning", "afternoon", "evening", "to",
    "dr", "doctor", "prof", "professor", "mr", "mrs", "ms", "miss", "mx", "sir", "madam", "team",
    "all", "colleagues",
])


@dataclass(frozen=True)
class Cluster:
    """Near-duplicate messages: indices into the reports given, in input order."""

    members: tuple[int, ...]
    paths: tuple[str | None, ...]
    # Lowest verified Jaccard similarity among the pairs that joined the cluster.
    similarity: float


# -- normalisation ----------------------------------------------------------------------------


def _name_words(report: Report) -> set[str]:
    """Lower-cased words of the recipient's name: from the greeting line and ``To:``."""
    message = report.message
    names: set[str] = set()
    greeting = message.sections.greeting
    if greeting is not None:
        for word in _WORD.findall(message.body[greeting.start:greeting.end]):
            if word[:1].isupper() and word.lower() not in _GREETING_WORDS:
                names.add(word.lower())
    if message.to is not None and message.to.name:
        names.update(w.lower() for w in _WORD.findall(message.to.name)
                     if w.lower() not in _GREETING_WORDS)
    return names


def prose_span(report: Report) -> tuple[int, int] | None:
    """The body prose of a checked message, or None when it cannot take part in the pass."""
    if report.message is None or any(
        f.rule.startswith("input.") for f in report.findings
    ):
        return None
    prose = report.message.sections.prose
    return (prose.start, prose.end) if prose.end > prose.start else None


def normalise(text: str, names: Iterable[str] = (), placeholders: Sequence = ()) -> list[str]:
    """Word tokens of ``text`` with placeholders, names and numbers replaced, case folded.

    ``placeholders`` are spans (objects with ``start``/``end``) into ``text``.
    """
    names = {n.lower() for n in names}
    tokens: list[str] = []
    position = 0
    for slot in sorted(placeholders, key=lambda p: p.start):
        if slot.start < position:
            continue
        tokens += _tokens(text[position:slot.start], names)
        tokens.append(_PLACEHOLDER)
        position = slot.end
    tokens += _tokens(text[position:], names)
    return tokens


def _tokens(text: str, names: set[str]) -> list[str]:
    out = []
    for word in _WORD.findall(text.lower()):
        if word in names:
            out.append(_NAME)
        elif not word.isalpha() and _DIGIT.search(word):
            out.append(_NUMBER)
        else:
            out.append(word)
    return out


def report_tokens(report: Report) -> list[str] | None:
    """Normalised prose tokens of a report, or None when it does not take part."""
    span = prose_span(report)
    if span is None:
        return None
    from msgcheck.parse.placeholders import find_placeholders

    start, end = span
    text = report.message.body[start:end]
    return normalise(text, _name_words(report), find_placeholders(text))


def shingles(tokens: Sequence[str], size: int) -> frozenset[str]:
    if len(tokens) <= size:
        return frozenset([" ".join(tokens)]) if tokens else frozenset()
    return frozenset(" ".join(tokens[i:i + size]) for i in range(len(tokens) - size + 1))


# -- MinHash + LSH ------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _unpacker(num_perm: int):
    """Little-endian 32-bit values: the same signature on every platform."""
    return struct.Struct(f"<{num_perm}I").unpack


def signature(shingle_set: Iterable[str], num_perm: int = NUM_PERM) -> tuple[int, ...]:
    """MinHash signature: the minimum of each of ``num_perm`` 32-bit hash functions.

    One SHAKE-128 digest of ``4 * num_perm`` bytes per shingle gives ``num_perm`` independent
    hash values at once; ``map(min, *rows)`` takes the column minima in C.
    """
    size = 4 * num_perm
    unpack = _unpacker(num_perm)
    rows = [unpack(hashlib.shake_128(s.encode("utf-8")).digest(size)) for s in shingle_set]
    if not rows:
        return ()
    if len(rows) == 1:
        return rows[0]
    return tuple(map(min, *rows))


def _false_positive(threshold: float, bands: int, rows: int, steps: int = 60) -> float:
    width = threshold / steps
    return sum(1 - (1 - ((i + 0.5) * width) ** rows) ** bands for i in range(steps)) * width


def _false_negative(threshold: float, bands: int, rows: int, steps: int = 60) -> float:
    width = (1 - threshold) / steps
    return sum((1 - (threshold + (i + 0.5) * width) ** rows) ** bands
               for i in range(steps)) * width


@lru_cache(maxsize=32)
def lsh_parameters(threshold: float, num_perm: int = NUM_PERM,
                   fn_weight: float = 0.95) -> tuple[int, int]:
    """(bands, rows) minimising the weighted chance of missed pairs and wasted candidates.

    Missed pairs cost more (``fn_weight``): a candidate that is not similar only costs one
    exact comparison, a missed pair is a missed mass email.
    """
    best: tuple[float, int, int] | None = None
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            cost = ((1 - fn_weight) * _false_positive(threshold, bands, rows)
                    + fn_weight * _false_negative(threshold, bands, rows))
            if best is None or cost < best[0]:
                best = (cost, bands, rows)
    return best[1], best[2]


class _UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # The lower index stays the root: the first member in input order.
            if rb < ra:
                ra, rb = rb, ra
            self.parent[rb] = ra


def _jaccard(a: frozenset, b: frozenset) -> float:
    if not a and not b:
        return 1.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def cluster_shingle_sets(sets: Sequence[frozenset[str] | None],
                         threshold: float = DEFAULT_THRESHOLD,
                         num_perm: int = NUM_PERM) -> list[tuple[tuple[int, ...], float]]:
    """Clusters (member indices, lowest joining similarity) among ``sets``; None never joins."""
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    n = len(sets)
    uf = _UnionFind(n)
    lowest: dict[int, float] = {}

    def join(a: int, b: int, similarity: float) -> None:
        ra, rb = uf.find(a), uf.find(b)
        low = min(similarity, lowest.pop(ra, 1.0), lowest.pop(rb, 1.0))
        uf.union(a, b)
        lowest[uf.find(a)] = low

    # Identical shingle sets (the same text, differently addressed) join without hashing.
    first_of: dict[frozenset, int] = {}
    distinct: list[int] = []
    for i, s in enumerate(sets):
        if s is None:
            continue
        if s in first_of:
            join(first_of[s], i, 1.0)
        else:
            first_of[s] = i
            distinct.append(i)

    bands, rows = lsh_parameters(threshold, num_perm)
    tables: list[dict[tuple[int, ...], list[int]]] = [{} for _ in range(bands)]
    for i in distinct:
        sig = signature(sets[i], num_perm)
        for b in range(bands):
            tables[b].setdefault(sig[b * rows:(b + 1) * rows], []).append(i)

    checked: set[tuple[int, int]] = set()
    for table in tables:
        for bucket in table.values():
            if len(bucket) < 2:
                continue
            representatives: list[int] = []
            for i in bucket:
                joined = False
                for rep in representatives:
                    if uf.find(rep) == uf.find(i):
                        joined = True
                        break
                    pair = (rep, i)
                    if pair in checked:
                        continue
                    checked.add(pair)
                    similarity = _jaccard(sets[rep], sets[i])
                    if similarity >= threshold:
                        join(rep, i, similarity)
                        joined = True
                        break
                if not joined and len(representatives) < MAX_REPRESENTATIVES:
                    representatives.append(i)

    groups: dict[int, list[int]] = {}
    for i, s in enumerate(sets):
        if s is not None:
            groups.setdefault(uf.find(i), []).append(i)
    return [(tuple(members), lowest.get(root, 1.0))
            for root, members in sorted(groups.items()) if len(members) > 1]


# -- reports ------------------------------------------------------------------------------------


def find_near_duplicates(reports: Sequence[Report], threshold: float = DEFAULT_THRESHOLD,
                         shingle_words: int = DEFAULT_SHINGLE_WORDS) -> list[Cluster]:
    """Clusters of reports whose body prose is a near-duplicate, in input order.

    Reports that cannot take part (unreadable input, no message text, fewer than ``MIN_WORDS``
    words of prose) are never members. The same path given twice is one message: only its first
    report is compared.
    """
    seen_paths: set[str] = set()
    sets: list[frozenset[str] | None] = []
    for report in reports:
        tokens = None
        if report.path is None or report.path not in seen_paths:
            tokens = report_tokens(report)
            if report.path is not None:
                seen_paths.add(report.path)
        usable = tokens is not None and sum(not t.startswith("\x00") for t in tokens) >= MIN_WORDS
        sets.append(shingles(tokens, shingle_words) if usable else None)
    return [
        Cluster(members=members, paths=tuple(reports[i].path for i in members),
                similarity=round(similarity, 3))
        for members, similarity in cluster_shingle_sets(sets, threshold)
    ]


def _describe(report: Report, index: int) -> str:
    return report.path if report.path is not None else f"message {index + 1}"


def _others(names: list[str]) -> str:
    if len(names) <= MAX_NAMED:
        return ", ".join(names)
    return ", ".join(names[:MAX_NAMED]) + f" and {len(names) - MAX_NAMED} more"


def builtin_rule() -> RuleSpec:
    from msgcheck.loader import builtin_pack

    return builtin_pack().rule(RULE_ID)


def add_findings(reports: Sequence[Report], clusters: Iterable[Cluster],
                 rule: RuleSpec | Sequence[RuleSpec | None] | None = None) -> list[Report]:
    """The reports with a ``batch.near-duplicate`` finding on each cluster member but the first.

    ``rule`` is the rule as configured (severity overrides applied), or one per report (None:
    the rule is not selected for that report, which gets no finding); default: the built-in
    rule. A report given twice (same path) gets the same finding both times. Scores are
    recomputed: each new finding costs its penalty (:func:`msgcheck.score.penalty`) in the
    overall score, and the ``batch`` criterion is scored with :func:`msgcheck.score.score`.
    """
    if rule is None:
        rule = builtin_rule()
    rules = [rule] * len(reports) if isinstance(rule, RuleSpec) else list(rule)
    if len(rules) != len(reports):
        raise ValueError(f"{len(rules)} rules for {len(reports)} reports")
    out = list(reports)
    first_index: dict[str, int] = {}
    for i, report in enumerate(reports):
        if report.path is not None:
            first_index.setdefault(report.path, i)
    new: dict[int, tuple[RuleSpec, Finding]] = {}
    for cluster in clusters:
        members = list(cluster.members)
        for position, index in enumerate(members):
            if position == 0:
                continue
            report = reports[index]
            spec = rules[index]
            span = prose_span(report)
            if spec is None or span is None:
                continue
            names = [_describe(reports[j], j) for j in members if j != index]
            data = {"others": _others(names), "count": str(len(members))}
            data = {name: "" for name in spec.placeholders()} | data
            suggestion = Suggestion(text=spec.fix.format_map(data)) if spec.fix else None
            new[index] = (spec, Finding(
                rule=spec.id, criterion=spec.criterion, severity=spec.severity,
                message=spec.message.format_map(data), field="body",
                start=span[0], end=span[1], suggestion=suggestion,
            ))
    # Later reports of the same path share the first one's finding.
    for i, report in enumerate(reports):
        if report.path is not None and first_index[report.path] != i:
            found = new.get(first_index[report.path])
            if found is not None:
                new[i] = found
    for index, (spec, finding) in new.items():
        out[index] = _with_finding(reports[index], spec, finding)
    return out


def _with_finding(report: Report, spec: RuleSpec, finding: Finding) -> Report:
    overrides = {spec.id: spec.penalty} if spec.penalty is not None else {}
    findings = sorted(
        (*report.findings, finding),
        key=lambda f: (f.field != "subject", f.field, f.start, f.end, f.rule),
    )
    # The other findings may carry penalties of rules (and rule packs) this pass cannot see, so
    # the overall score is the old one less this finding's penalty: exactly what score() gives
    # for all findings together (the sum is clamped at 0 either way).
    _, criteria = score([f for f in findings if f.criterion == finding.criterion],
                        [finding.criterion], overrides)
    total = round(max(0.0, report.score - penalty(finding, overrides)), 1)
    return report.model_copy(update={
        "findings": tuple(findings),
        "score": total,
        "criteria": dict(sorted({**report.criteria, **criteria}.items())),
    })


def apply(reports: Sequence[Report], threshold: float | None = None,
          rule: RuleSpec | Sequence[RuleSpec | None] | None = None) -> list[Report]:
    """The whole batch pass in one call: find the clusters and add their findings.

    ``threshold`` and the shingle size default to the rule's ``check`` settings.
    """
    if rule is None:
        rule = builtin_rule()
    specs = [rule] if isinstance(rule, RuleSpec) else [r for r in rule if r is not None]
    if not specs or len(reports) < 2:
        return list(reports)
    check = specs[0].check
    if threshold is None:
        threshold = getattr(check, "similarity", DEFAULT_THRESHOLD)
    words = getattr(check, "shingle_words", DEFAULT_SHINGLE_WORDS)
    clusters = find_near_duplicates(reports, threshold, words)
    return add_findings(reports, clusters, rule) if clusters else list(reports)


__all__ = [
    "RULE_ID",
    "Cluster",
    "add_findings",
    "apply",
    "cluster_shingle_sets",
    "find_near_duplicates",
    "normalise",
    "shingles",
    "signature",
]
