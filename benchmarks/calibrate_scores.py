"""Calibrate the score's penalties against the annotated corpus. Not a test.

    python benchmarks/calibrate_scores.py                  # corpus/, a text table
    python benchmarks/calibrate_scores.py --corpus PATH --format json

Runs the engine once over every annotated message (in memory; nothing is cached on disk),
checks that the calibration model (msgcheck/calibration.py) reproduces the engine's scores with
the shipped penalties, fits the penalties on the `tune` split only, and prints the shipped and
fitted weights with three measures on both splits. Two fits: the severity penalties alone (with
every repeated finding charged in full, as msgcheck/score.py does), and the severity penalties
together with the share that repeated findings of one rule cost. The method is described in
docs/scoring.md; the output has no timings, so two runs print identical output.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from msgcheck.calibration import (
    SHIPPED,
    Grid,
    Measures,
    Weights,
    candidate_score,
    fit,
    measure,
    sample,
)
from msgcheck.engine import Linter
from msgcheck.evaluation import load_corpus

ROOT = Path(__file__).resolve().parents[1]
SPLITS = ("tune", "heldout")
LABELS = ("good", "bad")
# (name, grid): the severity penalties alone with every finding charged in full, as score.py
# does; then also the share that a rule's repeated findings cost.
FITS = (("fitted, repeat 100%", replace(Grid(), repeat=range(100, 101))), ("fitted", Grid()))
HEADER = (f"{'weights':20} {'error':>5} {'warning':>7} {'info':>4} {'repeat%':>7}   "
          f"{'tune: AUC':>10} {'agree':>6} {'range':>6}   "
          f"{'heldout: AUC':>13} {'agree':>6} {'range':>6}")
MEASURES = ("AUC good vs bad; agree: pairs of bad messages that the score orders strictly as "
            "their annotated ranges do; range: share of scores inside their annotated range")


def run(corpus: Path) -> dict:
    cases = load_corpus(corpus)
    if not cases:
        raise SystemExit(f"no annotated messages (*.txt) under {corpus}")
    linter = Linter()
    reports = [linter.check(c.text, path=str(c.path)) for c in cases]
    overrides = linter.penalties
    samples = [sample(c, r) for c, r in zip(cases, reports, strict=True)]
    drift = [f"{c.path}: engine {r.score:g}, model {candidate_score(s, SHIPPED, overrides):g}"
             for c, r, s in zip(cases, reports, samples)
             if candidate_score(s, SHIPPED, overrides) != r.score]
    if drift:
        raise SystemExit("the calibration model does not reproduce the engine's scores "
                         "(msgcheck/score.py changed?):\n" + "\n".join(drift))
    by_split = {name: [s for c, s in zip(cases, samples) if c.split == name] for name in SPLITS}

    def row(name: str, weights: Weights, **extra) -> dict:
        measured = {split: asdict(measure(by_split[split], weights, overrides)) for split in SPLITS}
        return {"name": name, "weights": asdict(weights), **measured, **extra}

    rows = [row("shipped", SHIPPED)]
    for name, grid in FITS:
        result = fit(by_split["tune"], overrides, grid)
        rows.append(row(name, result.weights, grid=grid.describe(), candidates=result.candidates,
                        plateau={k: list(v) for k, v in result.plateau.items()}))
    return {
        "corpus": str(corpus),
        "splits": {name: {label: sum(s.label == label for s in by_split[name]) for label in LABELS}
                   for name in SPLITS},
        "overrides": dict(sorted(overrides.items())),
        "rows": rows,
    }


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.4f}"


def text(result: dict) -> str:
    sizes = "; ".join(f"{name} {c['good'] + c['bad']} ({c['good']} good, {c['bad']} bad)"
                      for name, c in result["splits"].items())
    lines = [
        f"corpus: {result['corpus']}; {sizes}",
        f"fitted on tune only; {MEASURES}",
        f"rule penalties left as they are: {result['overrides']}",
        "",
        HEADER,
    ]
    for r in result["rows"]:
        w = r["weights"]
        t, h = (Measures(**r[split]) for split in SPLITS)
        lines.append(
            f"{r['name']:20} {w['error']:5g} {w['warning']:7g} {w['info']:4g} {w['repeat']:7g}   "
            f"{_num(t.auc):>10} {_num(t.agreement):>6} {_num(t.in_range):>6}   "
            f"{_num(h.auc):>13} {_num(h.agreement):>6} {_num(h.in_range):>6}"
        )
    fitted = [r for r in result["rows"] if "plateau" in r]
    lines += ["", "values still optimal on tune when only that parameter changes:"]
    for r in fitted:
        runs = "  ".join(f"{k} {lo:g}..{hi:g}" for k, (lo, hi) in r["plateau"].items())
        lines.append(f"{r['name']:20} {runs}")
    lines += ["", "grids (candidates meeting the contract):"]
    lines += [f"{r['name']:20} {r['grid']} ({r['candidates']:,})" for r in fitted]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus",
                        help="annotated corpus (format: corpus/README.md); default: corpus/")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        parser.error(f"--corpus {args.corpus}: not a directory")
    try:
        result = run(args.corpus)
    except ValueError as exc:  # e.g. a tune split without good or without bad messages
        raise SystemExit(f"cannot calibrate on {args.corpus}: {exc}") from exc
    print(json.dumps(result, indent=2) if args.format == "json" else text(result))


if __name__ == "__main__":
    main()
