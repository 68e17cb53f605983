"""Throughput of ``msgcheck check --jobs N`` on a large template repository.

    python benchmarks/throughput.py [--messages 10000] [--jobs 1 2] [--batch]

Writes N messages (the annotated corpus, cycled, each with a distinct name and number so no two
are identical) into a temporary folder, runs the real CLI (``--format json --no-batch``; with
``--batch``, the near-duplicate pass too) once per --jobs value and reports wall time, messages
per second, the speed-up over the first value, the peak RSS of the process tree (the CLI and
its --jobs workers, sampled every 50 ms) and the CLI process's own peak (its ``VmHWM``).
On-demand only: never part of the test run.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]


def write_messages(folder: Path, count: int) -> None:
    from msgcheck.evaluation import load_corpus

    texts = [c.text for c in load_corpus(ROOT / "corpus")]
    for i in range(count):
        text = texts[i % len(texts)].replace("Dear Dr.", f"Dear Dr. Num{i}", 1)
        (folder / f"m{i:05d}.txt").write_text(text, encoding="utf-8")


def status(pid: int, field: str) -> int:
    """A memory field of /proc/PID/status (``VmRSS``, ``VmHWM``) in bytes; 0 once it is gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8") as lines:
            for line in lines:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def tree_rss(pid: int) -> int:
    """Resident memory (bytes) of a process and its children, from /proc."""
    total = 0
    pids = [pid]
    while pids:
        current = pids.pop()
        total += status(current, "VmRSS")
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        pids += [int(c) for c in children]
    return total


class Measured(NamedTuple):
    seconds: float
    tree_peak: int  # bytes: the CLI and its --jobs workers
    own_peak: int  # bytes: the CLI process alone
    results: int  # messages in the JSON output


def run(folder: Path, jobs: int, batch: bool = False) -> tuple[float, int, int]:
    """(seconds, peak RSS of the process tree, messages in the output)."""
    measured = measure(folder, jobs, batch)
    return measured.seconds, measured.tree_peak, measured.results


def measure(folder: Path, jobs: int, batch: bool = False) -> Measured:
    command = [sys.executable, "-m", "msgcheck", "check", "--format", "json",
               *(() if batch else ("--no-batch",)), "--jobs", str(jobs), str(folder)]
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.DEVNULL)
        peak = own = 0
        while process.poll() is None:
            peak = max(peak, tree_rss(process.pid))
            # The high-water mark is read while the process exists: it goes with it.
            own = max(own, status(process.pid, "VmHWM"))
            time.sleep(0.05)
        elapsed = time.perf_counter() - start
        out.seek(0)
        checked = len(json.load(out)["results"])
    return Measured(elapsed, peak, own, checked)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--batch", action="store_true",
                        help="Run the near-duplicate pass too (leave out --no-batch).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_messages(folder, args.messages)
        first = None
        for jobs in args.jobs:
            elapsed, peak, own, checked = measure(folder, jobs, args.batch)
            first = first or elapsed
            print(f"--jobs {jobs}: {checked} messages in {elapsed:.1f} s = "
                  f"{checked / elapsed:.1f} msg/s; speed-up {first / elapsed:.2f}x; "
                  f"peak RSS {peak / 2**20:.0f} MiB (process tree), "
                  f"{own / 2**20:.0f} MiB (msgcheck process)")


if __name__ == "__main__":
    main()
