"""Load on ``msgcheck serve``: latency, errors and memory under concurrent local clients.

    python benchmarks/server_load.py                       # 10,000 requests, 8 clients
    python benchmarks/server_load.py --requests 2000 --clients 1

Starts the server on a free loopback port (empty settings, so the repository's own do not
apply), waits until /healthz says ready, sends a warm-up, then POSTs a realistic 150-word cold
email to /v1/check from N threads, each over one keep-alive ``http.client`` connection, until the
requests are used up. Every request differs a little (weekday, a number), so nothing could be
answered from a cache. Prints client-side p50/p95/p99 latency, throughput, errors, the server's
own per-request time (from its access log) and its peak RSS (VmHWM from /proc). All traffic
stays on 127.0.0.1 and the run stops by itself.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import tempfile
import threading
import time
from pathlib import Path

from msgcheck.server_process import ServerProcess

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# 150 words of body text, written for this benchmark.
EMAIL = {
    "subject": "IMG applicant - question about your catatonia grand rounds",
    "to": "Dr. Maria Alvarez <malvarez@univ.example.edu>",
    "from": "Priya Raman <priya.raman.md@gmail.com>",
    "body": (
        "Dear Dr. Alvarez,\n\n"
        "My name is Priya Raman, and I am an international medical graduate from India "
        "preparing to apply to psychiatry residency this cycle. I attended your grand rounds on "
        "catatonia last {day} and was struck by your point that lorazepam challenges are "
        "underused on medical wards, and by the case of the young woman whose symptoms "
        "resolved within a day.\n\n"
        "Over the past {months} months I have worked as a research assistant on a delirium "
        "screening project, and your talk made me want to learn more about consultation-liaison "
        "work. Would you be willing to spare 15 minutes for a Zoom call at your convenience, "
        "so I could ask how you would recommend an IMG build experience in this area?\n\n"
        "I understand how busy you are, and I completely understand if this is not possible. "
        "Thank you for considering my request.\n\n"
        "Sincerely,\nPriya Raman\npriya.raman.md@gmail.com"
    ),
}


def email(i: int) -> bytes:
    draft = dict(EMAIL, body=EMAIL["body"].format(day=WEEKDAYS[i % 7], months=3 + i % 9))
    return json.dumps(draft).encode()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p / 100
    lower = int(k)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (k - lower)


def proc_kib(pid: int, field: str) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def tree_kib(pid: int, field: str) -> int | None:
    """``field`` summed over the server and its worker processes (--workers N)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    values = [proc_kib(p, field) for p in [pid, *map(int, children)]]
    return sum(v for v in values if v is not None) if values[0] is not None else None


class Load:
    def __init__(self, port: int, total: int):
        self.port = port
        self.total = total
        self.next = 0
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.errors: list[str] = []

    def take(self) -> int | None:
        with self.lock:
            if self.next >= self.total:
                return None
            self.next += 1
            return self.next - 1

    def client(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        latencies, errors = [], []
        while (i := self.take()) is not None:
            body = email(i)
            started = time.perf_counter()
            try:
                connection.request("POST", "/v1/check", body=body,
                                   headers={"Content-Type": "application/json"})
                response = connection.getresponse()
                data = response.read()
                elapsed = time.perf_counter() - started
                if response.status != 200 or b'"findings"' not in data:
                    errors.append(f"HTTP {response.status}: {data[:120]!r}")
                else:
                    latencies.append(elapsed)
            except (OSError, http.client.HTTPException) as exc:
                errors.append(f"{type(exc).__name__}: {exc}")
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        connection.close()
        with self.lock:
            self.latencies += latencies
            self.errors += errors


def server_durations(log: Path) -> list[float]:
    durations = []
    for line in log.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("event") == "request" and entry.get("path") == "/v1/check":
            durations.append(entry["duration_ms"])
    return durations


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--workers", type=int, default=1, help="msgcheck serve --workers")
    args = parser.parse_args()

    words = len(EMAIL["body"].format(day="Tuesday", months=3).split())
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        (folder / "msgcheck.toml").write_text("")
        log = folder / "server.log"
        started = time.perf_counter()
        with ServerProcess("--config", str(folder / "msgcheck.toml"),
                           "--workers", str(args.workers), cwd=folder,
                           log_path=log) as server:
            ready_s = time.perf_counter() - started
            pid = server.process.pid
            rss_ready = tree_kib(pid, "VmRSS")
            warm = Load(server.port, args.warmup)
            warm.client()
            skip = len(server_durations(log))
            load = Load(server.port, args.requests)
            threads = [threading.Thread(target=load.client) for _ in range(args.clients)]
            began = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            wall = time.perf_counter() - began
            peak = tree_kib(pid, "VmHWM")
            time.sleep(0.5)  # the last access-log lines
            inside = server_durations(log)[skip:]
            health = server.health()

    ms = [x * 1000 for x in load.latencies]
    print(f"msgcheck serve --workers {args.workers} load: {args.requests:,} requests, "
          f"{args.clients} clients, "
          f"a {words}-word email ({health.get('pipeline')}); server ready in {ready_s:.1f} s")
    print(f"  ok {len(ms):,}  errors {len(load.errors)}  wall {wall:.1f} s  "
          f"throughput {len(ms) / wall:.1f} req/s")
    print(f"  client latency ms: p50 {percentile(ms, 50):.1f}  p95 {percentile(ms, 95):.1f}  "
          f"p99 {percentile(ms, 99):.1f}  max {max(ms, default=float('nan')):.1f}  "
          f"mean {statistics.fmean(ms) if ms else float('nan'):.1f}")
    if inside:
        print(f"  server time ms (access log): p50 {percentile(inside, 50):.1f}  "
              f"p95 {percentile(inside, 95):.1f}  p99 {percentile(inside, 99):.1f}")
    if peak is not None:
        print(f"  server RSS: {rss_ready / 1024:.0f} MiB when ready, peak {peak / 1024:.0f} MiB")
    for error in load.errors[:5]:
        print(f"  error: {error}")


if __name__ == "__main__":
    main()
