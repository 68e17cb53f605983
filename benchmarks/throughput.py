"""Throughput of ``msgcheck check --jobs N`` on a large template repository.

    python benchmarks/throughput.py [--messages 10000] [--jobs 1 2]

Writes N messages (the annotated corpus, cycled, each with a distinct name and number so no two
are identical) into a temporary folder, runs the real CLI once per --jobs value and reports
wall time, messages per second, the speed-up over the first value and the peak RSS of the
process tree (sampled every 50 ms). On-demand only: never part of the test run.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def write_messages(folder: Path, count: int) -> None:
    from msgcheck.evaluation import load_corpus

    texts = [c.text for c in load_corpus(ROOT / "corpus")]
    for i in range(count):
        text = texts[i % len(texts)].replace("Dear Dr.", f"Dear Dr. Num{i}", 1)
        (folder / f"m{i:05d}.txt").write_text(text, encoding="utf-8")


def tree_rss(pid: int) -> int:
    """Resident memory (bytes) of a process and its children, from /proc."""
    total = 0
    pids = [pid]
    while pids:
        current = pids.pop()
        try:
            with open(f"/proc/{current}/status", encoding="utf-8") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        pids += [int(c) for c in children]
    return total


def run(folder: Path, jobs: int) -> tuple[float, int, int]:
    command = [sys.executable, "-m", "msgcheck", "check", "--format", "json", "--no-batch",
               "--jobs", str(jobs), str(folder)]
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.DEVNULL)
        peak = 0
        while process.poll() is None:
            peak = max(peak, tree_rss(process.pid))
            time.sleep(0.05)
        elapsed = time.perf_counter() - start
        out.seek(0)
        checked = len(json.load(out)["results"])
    return elapsed, peak, checked


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_messages(folder, args.messages)
        first = None
        for jobs in args.jobs:
            elapsed, peak, checked = run(folder, jobs)
            first = first or elapsed
            print(f"--jobs {jobs}: {checked} messages in {elapsed:.1f} s = "
                  f"{checked / elapsed:.1f} msg/s; speed-up {first / elapsed:.2f}x; "
                  f"peak RSS {peak / 2**20:.0f} MiB")


if __name__ == "__main__":
    main()
