"""Spelling quality: planted-typo recall on corpus messages, and findings on real writing.

    python benchmarks/spelling.py

Real writing is ../shared/data/outreach-dev (skipped when absent): every spelling finding there
is printed so a person can judge which are true typos.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import msgcheck
from msgcheck.evaluation import load_corpus
from msgcheck.matching import count_words
from msgcheck.spelling_eval import load_pairs, planted_recall

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "outreach-dev"


def main() -> None:
    linter = msgcheck.Linter()
    good = [c.text for c in load_corpus(ROOT / "corpus") if c.label == "good"]
    pairs = load_pairs(ROOT / "tests" / "fixtures" / "misspellings.tsv")
    result = planted_recall(linter, good, pairs)
    print(f"planted typos: {result.planted}  detected: {result.detected} "
          f"(recall {result.recall:.2f})  corrected to the intended word: {result.corrected}")
    if result.missed:
        print("  missed:", ", ".join(result.missed))
    if not SHARED.is_dir():
        print("real writing: ../shared/data/outreach-dev not found; skipped")
        return
    words = 0
    found: Counter = Counter()
    files = sorted(SHARED.rglob("*.txt"))
    for path in files:
        report = linter.check(path)
        if report.message is not None:
            prose = report.message.sections.prose
            words += count_words(report.message.body[prose.start:prose.end])
        for f in report.findings:
            if f.rule == "spelling.unknown-word":
                found[report.message.body[f.start:f.end]] += 1
    total = sum(found.values())
    print(f"real writing: {len(files)} messages, {words} prose words, {total} spelling findings "
          f"({1000 * total / max(words, 1):.1f} per 1,000 words)")
    for word, n in found.most_common():
        print(f"  {word} x{n}")


if __name__ == "__main__":
    main()
