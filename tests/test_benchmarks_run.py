"""benchmarks/run.py: a quick run reports every figure and judges every target; its helpers."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import REPO

import msgcheck

BENCHMARKS = REPO / "benchmarks"


@pytest.fixture(scope="module")
def runner():
    """benchmarks/run.py as a module; it imports its sibling benchmarks by name."""
    name = "benchmark_runner"
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(BENCHMARKS))
        spec = importlib.util.spec_from_file_location(name, BENCHMARKS / "run.py")
        module = importlib.util.module_from_spec(spec)
        patch.setitem(sys.modules, name, module)  # dataclasses look their module up there
        spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def quick_report(tmp_path_factory) -> tuple[dict, dict]:
    """(report printed, report written to --out) of one quick run (about 15 s)."""
    out = tmp_path_factory.mktemp("bench") / "report.json"
    # The runner measures the msgcheck its PYTHONPATH names: the one under test here.
    package_parent = str(Path(msgcheck.__file__).resolve().parents[1])
    env = os.environ | {"PYTHONPATH": os.pathsep.join(
        filter(None, [package_parent, os.environ.get("PYTHONPATH")]))}
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "run.py"), "--quick", "--rss-messages", "0",
         "--format", "json", "--out", str(out)],
        capture_output=True, text=True, timeout=300, check=False, env=env,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout), json.loads(out.read_text(encoding="utf-8"))


def test_quick_run_measures_the_imported_package(quick_report):
    printed, written = quick_report
    assert printed == written
    env = printed["environment"]
    here = Path(msgcheck.__file__).resolve()
    assert Path(env["msgcheck_file"]).resolve() == here
    assert Path(env["cli_msgcheck_file"]).resolve() == here
    # Bare means the model's own components, none of msgcheck's.
    assert {"tok2vec", "tagger", "parser", "ner"} <= set(env["bare_components"])
    assert not [c for c in env["bare_components"] if c.startswith("msgcheck")]


def test_quick_run_latency_figures_are_consistent(quick_report):
    latency = quick_report[0]["figures"]["latency"]
    corpus, emails = latency["corpus"], latency["email_150"]
    assert corpus["samples"] == corpus["messages"] > 0  # one round in --quick
    assert emails["samples"] == 2 * emails["messages"]
    assert 130 <= emails["words_mean"] <= 170
    assert sum(b["samples"] for b in latency["corpus_buckets"].values()) == corpus["samples"]
    for summary in [corpus, emails, *latency["corpus_buckets"].values()]:
        for timing in (summary["check_ms"], summary["bare_ms"]):
            assert 0 < timing["p50"] <= timing["p95"]
        assert summary["ratio_p50"] == pytest.approx(
            summary["check_ms"]["p50"] / summary["bare_ms"]["p50"])


def test_quick_run_throughput_cli_and_targets(quick_report, runner):
    report = quick_report[0]
    figures = report["figures"]
    many = figures["check_many"]
    assert many["messages"] == 32
    assert many["speedup"] == pytest.approx(
        many["n_process"]["1"]["seconds"] / many["n_process"]["2"]["seconds"])
    assert {name: len(c["runs_s"]) for name, c in figures["cli"].items()} == {
        "check": 1, "help": 1, "rules": 1}
    assert figures["rss"] is None
    targets = {t["key"]: t for t in report["targets"]}
    assert list(targets) == [t.key for t in runner.TARGETS]
    assert targets["rss_10000"]["value"] is None and targets["rss_10000"]["passed"] is None
    assert targets["cli_help"]["value"] == figures["cli"]["help"]["median_s"]
    for t in targets.values():
        if t["value"] is not None:
            limit_met = t["value"] <= t["limit"] if t["at_most"] else t["value"] >= t["limit"]
            assert t["passed"] is limit_met


def test_judge_limits_are_inclusive(runner):
    at_most = runner.Target("k", "n", 25.0, "ms", at_most=True)
    at_least = runner.Target("k", "n", 1.7, "x", at_most=False)
    assert runner.judge(at_most, 25.0) is True
    assert runner.judge(at_most, 25.01) is False
    assert runner.judge(at_least, 1.7) is True
    assert runner.judge(at_least, 1.69) is False
    assert runner.judge(at_least, None) is None


def test_rss_target_is_judged_only_on_ten_thousand_messages(runner):
    figures = {
        "latency": {"email_150": {"ratio_p50": 0.4, "check_ms": {"p95": 20.0}},
                    "corpus": {"ratio_p50": 0.6}},
        "check_many": {"speedup": 1.8, "n_process": {"2": {"per_second": 120.0}}},
        "cli": {"check": {"median_s": 1.2}, "help": {"median_s": 0.1}},
        "rss": {"messages": 300, "peak_rss_bytes": 250e6},
    }
    passed = {t["key"]: t["passed"] for t in runner.evaluate_targets(figures)}
    assert passed == {
        "check_ratio_150": True, "check_ratio_corpus": False, "check_p95_150": True,
        "check_many_speedup": True, "check_many_rate_2": False, "rss_10000": None,
        "cli_check": True, "cli_help": True,
    }
    figures["rss"] = {"messages": 10_000, "peak_rss_bytes": 301e6}
    rss = next(t for t in runner.evaluate_targets(figures) if t["key"] == "rss_10000")
    assert (rss["value"], rss["passed"]) == (pytest.approx(301.0), False)


@pytest.mark.parametrize("words, name", [(0, "0-49"), (49, "0-49"), (50, "50-99"),
                                         (150, "150-199"), (200, "200+"), (900, "200+")])
def test_word_buckets(runner, words, name):
    assert runner.bucket(words) == name


@pytest.mark.parametrize("argv, error", [
    (["--rss-messages", "-1"], "--rss-messages must be 0 (skip) or more"),
    (["--messages", "0"], "--messages must be at least 1"),
])
def test_bad_options_are_usage_errors(runner, capsys, argv, error):
    with pytest.raises(SystemExit) as exit_info:
        runner.parse_args(argv)
    assert exit_info.value.code == 2
    assert error in capsys.readouterr().err


def test_quick_defaults_are_small(runner):
    quick, full = runner.parse_args(["--quick"]), runner.parse_args([])
    assert (quick.messages, quick.rss_messages) == (32, 300)
    assert (full.messages, full.rss_messages) == (2000, 10_000)
    assert runner.parse_args(["--quick", "--rss-messages", "0"]).rss_messages == 0
