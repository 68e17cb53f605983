"""Mass email across one run: ``batch.near-duplicate`` (rules/batch/near-duplicate.yml).

The per-message checks cannot see other messages, so this pass runs once every message of a
``msgcheck check`` run is checked. It compares the body prose of every pair of messages without
comparing every pair, and without keeping the messages: a :class:`Collector` keeps a compact
:class:`Sketch` of each (its MinHash signature and its shingles' 64-bit hashes).

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
4. **Verify** each candidate pair with the Jaccard index of the shingles' 64-bit hashes (the
   exact index unless two shingles collide) and join the pairs at or above the threshold into
   clusters (union-find: a chain of near-duplicates is one cluster).

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
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from typing import NamedTuple

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
def _packing(num_perm: int) -> struct.Struct:
    """Little-endian 32-bit values: the same signature on every platform."""
    return struct.Struct(f"<{num_perm}I")


def signature(shingle_set: Iterable[str], num_perm: int = NUM_PERM) -> tuple[int, ...]:
    """MinHash signature: the minimum of each of ``num_perm`` 32-bit hash functions.

    One SHAKE-128 digest of ``4 * num_perm`` bytes per shingle gives ``num_perm`` independent
    hash values at once; ``map(min, *rows)`` takes the column minima in C.
    """
    size = 4 * num_perm
    unpack = _packing(num_perm).unpack
    rows = [unpack(hashlib.shake_128(s.encode("utf-8")).digest(size)) for s in shingle_set]
    return _minima(rows)


def _minima(rows: list[tuple[int, ...]]) -> tuple[int, ...]:
    if not rows:
        return ()
    if len(rows) == 1:
        return rows[0]
    return tuple(map(min, *rows))


class Sketch(NamedTuple):
    """What clustering keeps of one message: about 1.5 KB for 150 words of prose, a tenth of its
    set of shingle strings, so that a run of any size need not keep its messages.

    ``signature`` is the :func:`signature`, packed as ``num_perm`` little-endian 32-bit values;
    ``hashes`` the sorted 64-bit hashes of the shingles, packed. The Jaccard index of two hash
    sets is that of the shingle sets unless two different shingles of the pair share a 64-bit
    hash (odds below 1 in 10^14 for two 150-word messages).
    """

    signature: bytes
    hashes: bytes


def sketch(shingle_set: Iterable[str], num_perm: int = NUM_PERM) -> Sketch:
    """The :class:`Sketch` of a shingle set, from one digest per shingle.

    SHAKE-128 is an extendable-output function: the first ``4 * num_perm`` bytes of a longer
    digest are the digest :func:`signature` uses, and the next 8 hash the shingle itself.
    """
    size = 4 * num_perm
    packing = _packing(num_perm)
    rows: list[tuple[int, ...]] = []
    hashes: list[int] = []
    for s in shingle_set:
        digest = hashlib.shake_128(s.encode("utf-8")).digest(size + 8)
        rows.append(packing.unpack_from(digest))
        hashes.append(int.from_bytes(digest[size:], "little"))
    minima = _minima(rows)
    return Sketch(packing.pack(*minima) if minima else b"", array("Q", sorted(hashes)).tobytes())


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


def _jaccard(a: bytes, b: bytes) -> float:
    """Jaccard index of two packed hash sets (:attr:`Sketch.hashes`)."""
    if not a and not b:
        return 1.0
    x, y = memoryview(a).cast("Q"), memoryview(b).cast("Q")
    inter = len(set(x).intersection(y))
    return inter / (len(x) + len(y) - inter)


def cluster_sketches(sketches: Sequence[Sketch | None], threshold: float = DEFAULT_THRESHOLD,
                     num_perm: int = NUM_PERM) -> list[tuple[tuple[int, ...], float]]:
    """Clusters (member indices, lowest joining similarity) among ``sketches``; None never
    joins."""
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    n = len(sketches)
    uf = _UnionFind(n)
    lowest: dict[int, float] = {}

    def join(a: int, b: int, similarity: float) -> None:
        ra, rb = uf.find(a), uf.find(b)
        low = min(similarity, lowest.pop(ra, 1.0), lowest.pop(rb, 1.0))
        uf.union(a, b)
        lowest[uf.find(a)] = low

    # Identical shingle sets (the same text, differently addressed) join without banding.
    first_of: dict[bytes, int] = {}
    distinct: list[int] = []
    for i, s in enumerate(sketches):
        if s is None:
            continue
        if s.hashes in first_of:
            join(first_of[s.hashes], i, 1.0)
        else:
            first_of[s.hashes] = i
            distinct.append(i)

    bands, rows = lsh_parameters(threshold, num_perm)
    width = 4 * rows  # bytes of one band of a packed signature
    tables: list[dict[bytes, list[int]]] = [{} for _ in range(bands)]
    for i in distinct:
        sig = sketches[i].signature
        for b in range(bands):
            tables[b].setdefault(sig[b * width:(b + 1) * width], []).append(i)

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
                    similarity = _jaccard(sketches[rep].hashes, sketches[i].hashes)
                    if similarity >= threshold:
                        join(rep, i, similarity)
                        joined = True
                        break
                if not joined and len(representatives) < MAX_REPRESENTATIVES:
                    representatives.append(i)

    groups: dict[int, list[int]] = {}
    for i, s in enumerate(sketches):
        if s is not None:
            groups.setdefault(uf.find(i), []).append(i)
    return [(tuple(members), lowest.get(root, 1.0))
            for root, members in sorted(groups.items()) if len(members) > 1]


def cluster_shingle_sets(sets: Sequence[frozenset[str] | None],
                         threshold: float = DEFAULT_THRESHOLD,
                         num_perm: int = NUM_PERM) -> list[tuple[tuple[int, ...], float]]:
    """Clusters (member indices, lowest joining similarity) among ``sets``; None never joins."""
    return cluster_sketches([None if s is None else sketch(s, num_perm) for s in sets],
                            threshold, num_perm)


# -- reports ------------------------------------------------------------------------------------


class Collector:
    """What the pass needs of each report of a run, taken as the reports go by in input order:
    its path, its prose span and a :class:`Sketch` of its normalised prose.

    ``msgcheck check`` writes reports out as they come, so it keeps only this (about 1.5 KB a
    message) until every message is known; then :meth:`clusters` and :meth:`findings`.
    """

    def __init__(self, shingle_words: int = DEFAULT_SHINGLE_WORDS, num_perm: int = NUM_PERM):
        self.shingle_words = shingle_words
        self.num_perm = num_perm
        self.paths: list[str | None] = []
        self.spans: list[tuple[int, int] | None] = []
        self.sketches: list[Sketch | None] = []
        self._seen_paths: set[str] = set()

    def add(self, report: Report) -> None:
        """Take the next report. Reports that cannot take part (unreadable input, no message
        text, fewer than ``MIN_WORDS`` words of prose) are never members. The same path given
        twice is one message: only its first report is compared."""
        path = report.path
        tokens = None
        if path is None or path not in self._seen_paths:
            tokens = report_tokens(report)
            if path is not None:
                self._seen_paths.add(path)
        usable = tokens is not None and sum(not t.startswith("\x00") for t in tokens) >= MIN_WORDS
        self.sketches.append(
            sketch(shingles(tokens, self.shingle_words), self.num_perm) if usable else None)
        self.paths.append(path)
        self.spans.append(prose_span(report))

    def clusters(self, threshold: float = DEFAULT_THRESHOLD) -> list[Cluster]:
        """Clusters of near-duplicate messages among those taken, in input order."""
        return [
            Cluster(members=members, paths=tuple(self.paths[i] for i in members),
                    similarity=round(similarity, 3))
            for members, similarity in cluster_sketches(self.sketches, threshold, self.num_perm)
        ]

    def findings(self, clusters: Iterable[Cluster],
                 rules: Sequence[RuleSpec | None]) -> NearDuplicateFindings:
        """The finding to add to each report (by index) and the rule it comes from: see
        :func:`add_findings`; apply one with :func:`with_finding`."""
        return NearDuplicateFindings(self.paths, self.spans, clusters, rules)


def find_near_duplicates(reports: Sequence[Report], threshold: float = DEFAULT_THRESHOLD,
                         shingle_words: int = DEFAULT_SHINGLE_WORDS) -> list[Cluster]:
    """Clusters of reports whose body prose is a near-duplicate, in input order (see
    :meth:`Collector.add` for which reports take part)."""
    collector = Collector(shingle_words)
    for report in reports:
        collector.add(report)
    return collector.clusters(threshold)


def _describe(path: str | None, index: int) -> str:
    return path if path is not None else f"message {index + 1}"


def _others(names: list[str], total: int) -> str:
    """``names``: the first (at most ``MAX_NAMED``) of ``total`` other members."""
    if total <= MAX_NAMED:
        return ", ".join(names)
    return ", ".join(names) + f" and {total - MAX_NAMED} more"


def builtin_rule() -> RuleSpec:
    from msgcheck.loader import builtin_pack

    return builtin_pack().rule(RULE_ID)


def _per_report(rule: RuleSpec | Sequence[RuleSpec | None] | None,
                count: int) -> list[RuleSpec | None]:
    if rule is None:
        rule = builtin_rule()
    rules = [rule] * count if isinstance(rule, RuleSpec) else list(rule)
    if len(rules) != count:
        raise ValueError(f"{len(rules)} rules for {count} reports")
    return rules


def settings(rules: Sequence[RuleSpec | None],
             threshold: float | None = None) -> tuple[float, int] | None:
    """(similarity threshold, shingle size) of a run: the ``check`` settings of the rule as
    configured for the first message that selects it, ``threshold`` (``--similarity``) first.
    None when no message selects the rule."""
    spec = next((r for r in rules if r is not None), None)
    if spec is None:
        return None
    if threshold is None:
        threshold = getattr(spec.check, "similarity", DEFAULT_THRESHOLD)
    return threshold, getattr(spec.check, "shingle_words", DEFAULT_SHINGLE_WORDS)


class NearDuplicateFindings(Mapping[int, tuple[RuleSpec, Finding]]):
    """The ``batch.near-duplicate`` finding of each cluster member but the first, by report
    index, with its rule; from each report's path and prose span (:func:`prose_span`) only.

    A finding is built when it is looked up: in a run of mass email most messages get one
    (about 2 KB each), and ``msgcheck check`` needs one at a time.
    """

    def __init__(self, paths: Sequence[str | None], spans: Sequence[tuple[int, int] | None],
                 clusters: Iterable[Cluster], rules: Sequence[RuleSpec | None]):
        self._paths, self._spans, self._rules = paths, spans, rules
        # Report index -> (the index whose finding it gets, that one's cluster).
        self._targets: dict[int, tuple[int, tuple[int, ...]]] = {}
        for cluster in clusters:
            for index in cluster.members[1:]:
                if rules[index] is not None and spans[index] is not None:
                    self._targets[index] = (index, cluster.members)
        # Later reports of the same path share the first one's finding.
        first_index: dict[str, int] = {}
        for i, path in enumerate(paths):
            if path is not None:
                first = first_index.setdefault(path, i)
                if first != i and first in self._targets:
                    self._targets[i] = self._targets[first]

    def __len__(self) -> int:
        return len(self._targets)

    def __iter__(self) -> Iterator[int]:
        return iter(self._targets)

    def __getitem__(self, index: int) -> tuple[RuleSpec, Finding]:
        source, members = self._targets[index]
        spec, span = self._rules[source], self._spans[source]
        others = islice((j for j in members if j != source), MAX_NAMED)
        names = [_describe(self._paths[j], j) for j in others]
        data = {"others": _others(names, len(members) - 1), "count": str(len(members))}
        data = {name: "" for name in spec.placeholders()} | data
        suggestion = Suggestion(text=spec.fix.format_map(data)) if spec.fix else None
        return spec, Finding(
            rule=spec.id, criterion=spec.criterion, severity=spec.severity,
            message=spec.message.format_map(data), field="body",
            start=span[0], end=span[1], suggestion=suggestion,
        )


def add_findings(reports: Sequence[Report], clusters: Iterable[Cluster],
                 rule: RuleSpec | Sequence[RuleSpec | None] | None = None) -> list[Report]:
    """The reports with a ``batch.near-duplicate`` finding on each cluster member but the first.

    ``rule`` is the rule as configured (severity overrides applied), or one per report (None:
    the rule is not selected for that report, which gets no finding); default: the built-in
    rule. A report given twice (same path) gets the same finding both times. Scores are
    recomputed by :func:`with_finding`.
    """
    rules = _per_report(rule, len(reports))
    new = NearDuplicateFindings([r.path for r in reports], [prose_span(r) for r in reports],
                                clusters, rules)
    return [with_finding(r, *new[i]) if i in new else r for i, r in enumerate(reports)]


def with_finding(report: Report, spec: RuleSpec, finding: Finding) -> Report:
    """The report with the pass's finding added: each new finding costs its penalty
    (:func:`msgcheck.score.penalty`) in the overall score, and the ``batch`` criterion is scored
    with :func:`msgcheck.score.score`."""
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

    ``threshold`` and the shingle size default to the rule's ``check`` settings (:func:`settings`).
    """
    rules = _per_report(rule, len(reports))
    run = settings(rules, threshold)
    if run is None or len(reports) < 2:
        return list(reports)
    clusters = find_near_duplicates(reports, *run)
    return add_findings(reports, clusters, rules) if clusters else list(reports)


__all__ = [
    "RULE_ID",
    "Cluster",
    "Collector",
    "NearDuplicateFindings",
    "Sketch",
    "add_findings",
    "apply",
    "cluster_shingle_sets",
    "cluster_sketches",
    "find_near_duplicates",
    "normalise",
    "settings",
    "shingles",
    "signature",
    "sketch",
    "with_finding",
]
