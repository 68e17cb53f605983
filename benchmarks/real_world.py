"""Sanity run on real outreach writing: score distribution and the most frequent findings.

    python benchmarks/real_world.py [--template] [FOLDER]   # default: ../shared/data/outreach-dev

The messages were not written for msgcheck (job-search and sales cold emails, academic cold
emails, LinkedIn notes, many with {placeholders}), so false positives show up here first.
"""

from __future__ import annotations

import statistics
import sys
from collections import Counter
from pathlib import Path

import msgcheck

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "outreach-dev"


def main() -> None:
    args = sys.argv[1:]
    template = "--template" in args
    args = [a for a in args if a != "--template"]
    folder = Path(args[0]) if args else DEFAULT
    if not folder.is_dir():
        print(f"{folder} not found; nothing to run")
        return
    linter = msgcheck.Linter()
    files = sorted(folder.rglob("*.txt"))
    reports = list(linter.check_many(files, template=template or None))
    scores = sorted(r.score for r in reports)
    print(f"{len(reports)} messages from {folder}" + (" (as templates)" if template else ""))
    quartiles = statistics.quantiles(scores, n=4) if len(scores) > 1 else scores
    print("score: min {:g}  q1 {:g}  median {:g}  q3 {:g}  max {:g}".format(
        scores[0], quartiles[0], statistics.median(scores), quartiles[-1], scores[-1]))
    per_rule = Counter(f.rule for r in reports for f in r.findings)
    messages_with = Counter(rule for r in reports for rule in r.rule_ids())
    print(f"{'rule':32} {'findings':>8} {'messages':>8}")
    for rule, count in per_rule.most_common():
        print(f"{rule:32} {count:8} {messages_with[rule]:8}")


if __name__ == "__main__":
    main()
