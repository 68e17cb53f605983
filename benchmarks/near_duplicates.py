"""Benchmark the batch pass (``batch.near-duplicate``) on synthetic messages. Not a test.

    python benchmarks/near_duplicates.py            # 10,000 messages
    python benchmarks/near_duplicates.py --messages 50000 --seed 7

Builds messages from a fixed vocabulary: most are distinct (random sentences), and some are
planted clusters (one template sent to several recipients, with the greeting name, the program
and a number changed). Prints how long parsing, the batch pass and its parts take, and whether
every planted cluster was found with no false member. Parsing is reported separately: in a real
run the reports exist already, and the NLP pass costs far more than this.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from msgcheck import batch
from msgcheck.models import Report
from msgcheck.parse import build_message

WORDS = [
    "psychiatry", "residency", "program", "research", "clinic", "patients", "interest",
    "question", "call", "minutes", "zoom", "paper", "talk", "grand", "rounds", "journal", "club",
    "community", "consultation", "service", "psychosis", "depression", "addiction", "child",
    "adolescent", "geriatric", "forensic", "neuroscience", "trial", "cohort", "outcomes",
    "students", "mentor", "advice", "application", "interview", "rotation", "elective",
    "observership", "volunteer", "hospital", "department", "faculty", "director", "resident",
    "training", "curriculum", "teaching", "supervision", "therapy", "medication", "ketamine",
    "lithium", "clozapine", "catatonia", "delirium", "anxiety", "trauma", "sleep", "stigma",
    "telehealth", "access", "rural", "urban", "migrants", "language", "culture", "family", "peer",
    "support", "early", "intervention", "recovery", "quality", "improvement", "project", "poster",
    "abstract", "conference", "meeting",
]
FILLER = [
    "i", "you", "we", "the", "a", "of", "to", "and", "in", "on", "for", "with", "about", "your",
    "my", "our", "this", "that", "would", "could",
]
SURNAMES = [
    "Alvarez", "Chen", "Okafor", "Nguyen", "Patel", "Kowalski", "Haddad", "Silva", "Tanaka",
    "Moreau", "Ivanova", "Mensah", "Larsen", "Rossi", "Kim", "Hughes", "Novak", "Ortiz",
    "Fischer", "Singh",
]
PROGRAMS = [
    "Riverside", "Lakeview", "Hillcrest", "Bayside", "Northgate", "Fairview", "Westbrook",
    "Elmwood", "Summit", "Harbor",
]


def sentence(rng: random.Random, length: int) -> str:
    words = [rng.choice(WORDS) if rng.random() < 0.6 else rng.choice(FILLER)
             for _ in range(length)]
    return " ".join(words).capitalize() + "."


def body(rng: random.Random, name: str, prose: str) -> str:
    return f"Dear Dr. {name},\n\n{prose}\n\nThank you for your time,\nPriya Sharma"


def generate(n: int, cluster_share: float, cluster_size: int, seed: int):
    rng = random.Random(seed)
    texts: list[str] = []
    planted: list[list[int]] = []
    n_clustered = int(n * cluster_share) // cluster_size * cluster_size
    for _ in range(n_clustered // cluster_size):
        template = " ".join(sentence(rng, rng.randint(10, 18)) for _ in range(5))
        template += " I am very interested in the program at {program}."
        template += " Would you have {minutes} minutes for a call?"
        members = []
        for _ in range(cluster_size):
            prose = template.format(program=rng.choice(PROGRAMS),
                                    minutes=rng.choice((10, 15, 20)))
            members.append(len(texts))
            texts.append(body(rng, rng.choice(SURNAMES), prose))
        planted.append(members)
    while len(texts) < n:
        prose = " ".join(sentence(rng, rng.randint(8, 18)) for _ in range(rng.randint(3, 7)))
        texts.append(body(rng, rng.choice(SURNAMES), prose))
    order = list(range(n))
    rng.shuffle(order)
    position = {old: new for new, old in enumerate(order)}
    texts = [texts[i] for i in order]
    planted = [sorted(position[i] for i in members) for members in planted]
    return texts, planted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--cluster-share", type=float, default=0.2,
                        help="share of messages that belong to planted clusters")
    parser.add_argument("--cluster-size", type=int, default=5)
    parser.add_argument("--threshold", type=float, default=batch.DEFAULT_THRESHOLD)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    texts, planted = generate(args.messages, args.cluster_share, args.cluster_size, args.seed)
    t0 = time.perf_counter()
    reports = []
    for i, text in enumerate(texts):
        message = build_message(text)
        reports.append(Report(path=f"outbox/{i:05d}.txt", kind="cold-email", score=100.0,
                              criteria={}, findings=(), sections=message.sections,
                              message=message))
    t1 = time.perf_counter()
    sets = []
    for report in reports:
        tokens = batch.report_tokens(report)
        sets.append(batch.shingles(tokens, batch.DEFAULT_SHINGLE_WORDS))
    t2 = time.perf_counter()
    batch.cluster_shingle_sets(sets, args.threshold)
    t3 = time.perf_counter()
    clusters = batch.find_near_duplicates(reports, args.threshold)
    updated = batch.add_findings(reports, clusters)
    t4 = time.perf_counter()

    found = {tuple(c.members) for c in clusters}
    expected = {tuple(m) for m in planted}
    flagged = sum(1 for r in updated if r.findings)
    bands, rows = batch.lsh_parameters(args.threshold)
    print(f"messages: {len(texts):,} ({len(planted)} planted clusters of {args.cluster_size})")
    print(f"LSH: {batch.NUM_PERM} permutations, {bands} bands x {rows} rows, "
          f"threshold {args.threshold}")
    print(f"parse (not part of the pass):        {t1 - t0:6.2f} s")
    print(f"normalise + shingle:                 {t2 - t1:6.2f} s")
    print(f"MinHash + LSH + verify:              {t3 - t2:6.2f} s")
    print(f"batch pass (find_near_duplicates + add_findings): {t4 - t3:6.2f} s")
    print(f"clusters found: {len(found)}; planted found exactly: {len(found & expected)}/"
          f"{len(expected)}; other clusters: {len(found - expected)}; "
          f"messages flagged: {flagged}")


if __name__ == "__main__":
    main()
