"""Every performance figure of issue #9 in one run, each next to its target.

    python benchmarks/run.py                        # 8-18 minutes; 3-7 without the RSS part
    python benchmarks/run.py --quick --rss-messages 0
    python benchmarks/run.py --format json --out after.json

Measures, on realistic messages:

1. warm ``Linter.check`` latency (p50, p95, mean) on the annotated corpus, per word bucket,
   and on a set of ~150-word emails;
2. a bare ``nlp(text)`` of a pristine ``spacy.load`` of the same model, on the same texts,
   interleaved with (1) in the same run, and the ratio check / bare;
3. ``Linter.check_many`` throughput with 1 and 2 processes on the same N messages;
4. fresh-process CLI times: ``msgcheck check examples/cold-email.txt``, ``--help``, ``rules``;
5. peak RSS of ``msgcheck check --format json --no-batch`` on 10,000 messages (optional).

Code comes from the imported ``msgcheck`` (set PYTHONPATH to measure another checkout; CLI
subprocesses use the same package); messages come from this file's checkout, so two runs
compare code, not data. On-demand only: never part of the test run. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import spacy
from server_load import email, percentile
from throughput import ROOT, write_messages
from throughput import run as run_cli_with_rss

import msgcheck
from msgcheck.engine import Linter, read_input
from msgcheck.evaluation import load_corpus

COLD_EMAIL = ROOT / "examples" / "cold-email.txt"
# Prose words of the text spaCy analyses; the last bucket is open-ended.
BUCKET_EDGES = (50, 100, 150, 200)
# The "150-word email" set: corpus messages of about that length, plus the server benchmark's.
EMAIL_WORDS = (130, 170)
SEED = 9


@dataclass(frozen=True)
class Target:
    key: str
    name: str
    limit: float
    unit: str
    at_most: bool  # False: the value must be at least the limit


TARGETS = (
    Target("check_ratio_150", "warm check / bare nlp, p50, 150-word emails", 0.5, "x", True),
    Target("check_ratio_corpus", "warm check / bare nlp, p50, corpus", 0.5, "x", True),
    Target("check_p95_150", "warm check p95, 150-word emails", 25.0, "ms", True),
    Target("check_many_speedup", "check_many speed-up, 2 processes vs 1", 1.7, "x", False),
    Target("check_many_rate_2", "check_many messages/s, 2 processes", 150.0, "msg/s", False),
    Target("rss_10000", "peak RSS, check --format json --no-batch, 10,000 messages", 300.0,
           "MB", True),
    Target("cli_check", "cold CLI: check examples/cold-email.txt", 1.5, "s", True),
    Target("cli_help", "cold CLI: --help", 0.3, "s", True),
)
RSS_TARGET_MESSAGES = 10_000


def judge(target: Target, value: float | None) -> bool | None:
    """Pass or fail; None when the figure was not measured."""
    if value is None:
        return None
    return value <= target.limit if target.at_most else value >= target.limit


@dataclass(frozen=True)
class Sample:
    """One message: what Linter.check gets and the text the engine's spaCy pass sees."""

    name: str
    item: str | dict
    text: str
    words: int


def analysed_text(item: str | dict, max_bytes: int) -> str:
    """The new part of the message (without a quoted thread): what the engine gives spaCy."""
    message, _ = read_input(item, max_bytes)
    quoted = message.sections.quoted
    return message.body[:quoted.start] if quoted else message.body


def sample(name: str, item: str | dict, max_bytes: int) -> Sample:
    text = analysed_text(item, max_bytes)
    return Sample(name=name, item=item, text=text, words=len(text.split()))


def corpus_samples(max_bytes: int) -> list[Sample]:
    corpus = ROOT / "corpus"
    return [sample(str(c.path.relative_to(corpus)), c.text, max_bytes) for c in load_corpus(corpus)]


def email_samples(corpus: list[Sample], max_bytes: int) -> list[Sample]:
    low, high = EMAIL_WORDS
    chosen = [s for s in corpus if low <= s.words <= high]
    written = sample("server_load.EMAIL", json.loads(email(0)), max_bytes)
    if len(chosen) < 3 or not low <= written.words <= high:
        raise SystemExit(f"run.py: the 150-word set needs 3 or more corpus messages of {low}-{high} "
                         f"words (found {len(chosen)}) and server_load's email in that range "
                         f"({written.words} words); adjust EMAIL_WORDS")
    return [*chosen, written]


def bucket(words: int) -> str:
    lower = 0
    for edge in BUCKET_EDGES:
        if words < edge:
            return f"{lower}-{edge - 1}"
        lower = edge
    return f"{lower}+"


# -- 1 + 2: warm latency, check vs bare ----------------------------------------------------------


def time_interleaved(linter, bare, samples: list[Sample], rounds: int,
                     seed: int) -> list[tuple[Sample, float, float]]:
    """(sample, check seconds, bare seconds) per message per round, after one warm-up pass.

    Each round shuffles the messages and alternates which of the two goes first, so drift in
    machine load and cache effects fall on both alike."""
    for s in samples:
        linter.check(s.item)
        bare(s.text)
    rng = random.Random(seed)
    timings = []
    for r in range(rounds):
        order = samples[:]
        rng.shuffle(order)
        for i, s in enumerate(order):
            if (r + i) % 2 == 0:
                check_s, bare_s = timed(linter.check, s.item), timed(bare, s.text)
            else:
                bare_s, check_s = timed(bare, s.text), timed(linter.check, s.item)
            timings.append((s, check_s, bare_s))
    return timings


def timed(call, argument) -> float:
    start = time.perf_counter()
    call(argument)
    return time.perf_counter() - start


def summary_ms(seconds: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in seconds]
    return {"p50": percentile(ms, 50), "p95": percentile(ms, 95), "mean": statistics.fmean(ms)}


def latency_summary(timings: list[tuple[Sample, float, float]]) -> dict[str, Any]:
    check = summary_ms([c for _, c, _ in timings])
    bare = summary_ms([b for _, _, b in timings])
    return {
        "messages": len({s.name for s, _, _ in timings}),
        "samples": len(timings),
        "words_mean": statistics.fmean(s.words for s, _, _ in timings),
        "check_ms": check,
        "bare_ms": bare,
        "ratio_p50": check["p50"] / bare["p50"],
        "ratio_mean": check["mean"] / bare["mean"],
    }


def measure_latency(linter, bare, corpus: list[Sample], emails: list[Sample],
                    corpus_rounds: int, email_rounds: int) -> dict[str, Any]:
    timings = time_interleaved(linter, bare, corpus, corpus_rounds, SEED)
    buckets: dict[str, list] = {}
    for entry in sorted(timings, key=lambda t: t[0].words):
        buckets.setdefault(bucket(entry[0].words), []).append(entry)
    return {
        "corpus": latency_summary(timings),
        "corpus_buckets": {name: latency_summary(part) for name, part in buckets.items()},
        "email_150": latency_summary(time_interleaved(linter, bare, emails, email_rounds, SEED)),
    }


# -- 3: check_many throughput ------------------------------------------------------------------


def measure_check_many(linter, messages: int, batch_size: int = 32) -> dict[str, Any]:
    """Both process counts check the same files and must agree on every score."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_messages(folder, messages)
        paths = sorted(folder.iterdir())
        list(linter.check_many(paths[:batch_size], batch_size=batch_size))  # warm-up
        runs, scores = {}, {}
        for n_process in (1, 2):
            start = time.perf_counter()
            scores[n_process] = [r.score for r in linter.check_many(
                paths, n_process=n_process, batch_size=batch_size)]
            elapsed = time.perf_counter() - start
            runs[str(n_process)] = {"seconds": elapsed, "per_second": len(paths) / elapsed}
    if scores[1] != scores[2] or len(scores[1]) != messages:
        raise SystemExit("run.py: check_many with 2 processes gave other scores than with 1")
    return {"messages": messages, "batch_size": batch_size, "n_process": runs,
            "speedup": runs["1"]["seconds"] / runs["2"]["seconds"]}


# -- 4: CLI in a fresh process -----------------------------------------------------------------


def cli(args: list[str], cwd: Path) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "msgcheck", *args], cwd=cwd,
                          capture_output=True, text=True, check=False)
    return time.perf_counter() - start, done


def measure_cli(runs: int, cwd: Path) -> dict[str, Any]:
    """Median wall time of each command; exit status 1 means findings, or a crash, which the
    missing expected output tells apart."""
    commands = {  # name: (arguments, text the output must contain)
        "check": (["check", str(COLD_EMAIL)], "score"),
        "help": (["--help"], "Usage"),
        "rules": (["rules"], "tone.urgency"),
    }
    result = {}
    for name, (args, expected) in commands.items():
        times = []
        for _ in range(runs):
            elapsed, done = cli(args, cwd)
            if done.returncode not in (0, 1) or expected not in done.stdout:
                raise SystemExit(f"run.py: msgcheck {' '.join(args)} exited {done.returncode}:\n"
                                 f"{done.stderr}")
            times.append(elapsed)
        result[name] = {"command": "msgcheck " + " ".join(args), "runs_s": times,
                        "median_s": statistics.median(times)}
    return result


def same_package_in_subprocess(cwd: Path) -> str:
    """The msgcheck a CLI subprocess imports; must be the one this process measures."""
    done = subprocess.run([sys.executable, "-c", "import msgcheck; print(msgcheck.__file__)"],
                          cwd=cwd, capture_output=True, text=True, check=True)
    child = done.stdout.strip()
    if Path(child).resolve() != Path(msgcheck.__file__).resolve():
        raise SystemExit(f"run.py: CLI subprocesses would import {child}, not "
                         f"{msgcheck.__file__}; check PYTHONPATH")
    return child


# -- 5: peak RSS ---------------------------------------------------------------------------------


def measure_rss(messages: int, cwd: Path) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_messages(folder, messages)
        # throughput.run starts the CLI in the current folder (see main).
        with contextlib.chdir(cwd):
            elapsed, peak, checked = run_cli_with_rss(folder, 1)
    if checked != messages:
        raise SystemExit(f"run.py: the RSS run reported {checked} results for {messages} files")
    return {"messages": messages, "seconds": elapsed, "peak_rss_bytes": peak}


# -- report ------------------------------------------------------------------------------------


def target_values(figures: dict[str, Any]) -> dict[str, float | None]:
    latency, many, cli_times, rss = (figures[k] for k in ("latency", "check_many", "cli", "rss"))
    full_rss = rss is not None and rss["messages"] >= RSS_TARGET_MESSAGES
    return {
        "check_ratio_150": latency["email_150"]["ratio_p50"],
        "check_ratio_corpus": latency["corpus"]["ratio_p50"],
        "check_p95_150": latency["email_150"]["check_ms"]["p95"],
        "check_many_speedup": many["speedup"],
        "check_many_rate_2": many["n_process"]["2"]["per_second"],
        "rss_10000": rss["peak_rss_bytes"] / 1e6 if full_rss else None,
        "cli_check": cli_times["check"]["median_s"],
        "cli_help": cli_times["help"]["median_s"],
    }


def evaluate_targets(figures: dict[str, Any]) -> list[dict[str, Any]]:
    values = target_values(figures)
    return [asdict(t) | {"value": values[t.key], "passed": judge(t, values[t.key])}
            for t in TARGETS]


LATENCY_HEADER = (f"{'set':22} {'msgs':>5} {'samples':>7} {'words':>6}  "
                  f"{'check p50':>9} {'p95':>6} {'mean':>6}  {'bare p50':>8} {'p95':>6} {'mean':>6}  "
                  f"{'ratio p50':>9} {'mean':>5}")


def _latency_row(label: str, s: dict[str, Any]) -> str:
    c, b = s["check_ms"], s["bare_ms"]
    return (f"{label:22} {s['messages']:5} {s['samples']:7} {s['words_mean']:6.0f}  "
            f"{c['p50']:9.1f} {c['p95']:6.1f} {c['mean']:6.1f}  "
            f"{b['p50']:8.1f} {b['p95']:6.1f} {b['mean']:6.1f}  "
            f"{s['ratio_p50']:9.2f} {s['ratio_mean']:5.2f}")


def text_report(report: dict[str, Any]) -> str:
    env, fig = report["environment"], report["figures"]
    lines = [
        "msgcheck benchmark runner" + (" (--quick: a smoke run, not for targets)"
                                       if report["options"]["quick"] else ""),
        f"msgcheck {env['msgcheck_version']} from {env['msgcheck_file']}",
        f"  CLI subprocesses import {env['cli_msgcheck_file']}",
        f"python {env['python']}, spaCy {env['spacy']}, "
        + f"pipeline {env['model']} {env['model_version']}",
        f"  msgcheck's pipeline: {', '.join(env['check_components'])} (it may run fewer)",
        f"  bare pipeline:       {', '.join(env['bare_components'])}",
        f"messages from {env['data_root']}; {env['cpus']} CPUs; "
        + f"load average {env['load_start']:.2f} at start, {env['load_end']:.2f} at end",
        "",
        "Warm latency (ms): Linter.check vs bare nlp(text), interleaved",
        LATENCY_HEADER,
        _latency_row("corpus", fig["latency"]["corpus"]),
        *(_latency_row(f"  words {name}", s) for name, s in fig["latency"]["corpus_buckets"].items()),
        _latency_row("150-word emails", fig["latency"]["email_150"]),
        "",
    ]
    many = fig["check_many"]
    lines.append(f"Linter.check_many on {many['messages']} messages (batch size {many['batch_size']})")
    for n, run in many["n_process"].items():
        lines.append(f"  n_process={n}: {run['seconds']:7.1f} s  {run['per_second']:7.1f} msg/s")
    lines += [f"  speed-up: {many['speedup']:.2f}x", ""]
    runs = len(fig["cli"]["check"]["runs_s"])
    lines.append(f"CLI in a fresh process (median of {runs})")
    lines += [f"  {c['command']:50} {c['median_s']:6.2f} s" for c in fig["cli"].values()]
    lines.append("")
    rss = fig["rss"]
    if rss is None:
        lines.append("Peak RSS: skipped (--rss-messages 0)")
    else:
        peak = rss["peak_rss_bytes"]
        lines.append(f"Peak RSS of check --format json --no-batch on {rss['messages']:,} messages: "
                     f"{peak / 2**20:.0f} MiB ({peak / 1e6:.0f} MB), {rss['seconds']:.1f} s")
    lines += ["", "Targets"]
    for t in report["targets"]:
        status = {True: "PASS", False: "FAIL", None: "n/a "}[t["passed"]]
        value = "-" if t["value"] is None else f"{t['value']:.2f} {t['unit']}"
        limit = f"{'<=' if t['at_most'] else '>='} {t['limit']:g} {t['unit']}"
        lines.append(f"  {status}  {t['name']:58} {value:>14}  (target {limit})")
    return "\n".join(lines)


def environment(pipeline, bare) -> dict[str, Any]:
    return {
        "msgcheck_version": msgcheck.__version__, "msgcheck_file": msgcheck.__file__,
        "python": platform.python_version(), "spacy": spacy.__version__,
        "model": pipeline.name, "model_version": bare.meta.get("version", "?"),
        "check_components": list(pipeline.nlp.pipe_names), "bare_components": list(bare.pipe_names),
        "data_root": str(ROOT), "cpus": os.cpu_count(), "load_start": os.getloadavg()[0],
    }


def progress(step: str) -> None:
    print(f"run.py: {step}", file=sys.stderr, flush=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true",
                        help="small sets and one CLI run: a smoke run (about 15 s)")
    parser.add_argument("--messages", type=int, help="check_many messages (default 2000; 32 quick)")
    parser.add_argument("--rss-messages", type=int,
                        help="messages for the peak-RSS run; 0 skips it (default 10000; 300 quick)")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--out", type=Path, help="also write the report to this file")
    args = parser.parse_args(argv)
    defaults = {"messages": (2000, 32), "rss_messages": (10_000, 300)}
    for name, (full, quick) in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, quick if args.quick else full)
    if args.messages < 1:
        parser.error("--messages must be at least 1")
    if args.rss_messages < 0:
        parser.error("--rss-messages must be 0 (skip) or more")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    # Subprocesses run in an empty folder: `python -m` puts the current folder first on the
    # path, and a checkout's own msgcheck/ there would shadow the package measured here. A
    # relative PYTHONPATH (PYTHONPATH=../before) must then still name the same folders.
    if os.environ.get("PYTHONPATH"):
        os.environ["PYTHONPATH"] = os.pathsep.join(
            str(Path(entry).resolve()) for entry in os.environ["PYTHONPATH"].split(os.pathsep))
    with tempfile.TemporaryDirectory() as neutral:
        cwd = Path(neutral)
        cli_package = same_package_in_subprocess(cwd)
        linter = Linter()
        pipeline = linter.pipeline
        if pipeline.degraded:
            raise SystemExit("run.py: no trained spaCy pipeline is installed; nothing to compare")
        # The whole model as spacy.load gives it, whatever components the engine runs.
        bare = spacy.load(pipeline.name)
        env = environment(pipeline, bare) | {"cli_msgcheck_file": cli_package}
        corpus = corpus_samples(linter.config.max_bytes)
        emails = email_samples(corpus, linter.config.max_bytes)
        if args.quick:
            corpus = corpus[::12]
        progress("latency: check vs bare")
        figures: dict[str, Any] = {"latency": measure_latency(
            linter, bare, corpus, emails, corpus_rounds=1 if args.quick else 3,
            email_rounds=2 if args.quick else 30)}
        del bare  # the check_many workers fork this process: no second model in them
        progress(f"check_many on {args.messages} messages")
        figures["check_many"] = measure_check_many(linter, args.messages)
        progress("CLI in fresh processes")
        figures["cli"] = measure_cli(1 if args.quick else 5, cwd)
        figures["rss"] = None
        if args.rss_messages:
            progress(f"peak RSS on {args.rss_messages} messages")
            figures["rss"] = measure_rss(args.rss_messages, cwd)
    env["load_end"] = os.getloadavg()[0]
    report = {"schema_version": 1, "environment": env,
              "options": {"quick": args.quick, "messages": args.messages,
                          "rss_messages": args.rss_messages, "seed": SEED},
              "figures": figures, "targets": evaluate_targets(figures)}
    output = json.dumps(report, indent=2) if args.format == "json" else text_report(report)
    print(output)
    if args.out:
        args.out.write_text(output + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
