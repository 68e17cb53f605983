"""Command line: ``msgcheck check``, ``msgcheck rules`` (click: parsing, help, exit code 2)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import click

from msgcheck import __version__
from msgcheck.models import KIND_NAMES, SEVERITY_RANK

SUFFIXES = {".txt", ".eml", ".md"}
FORMATS = ("text", "json")


def iter_inputs(paths: tuple[str, ...]) -> Iterator[tuple[str, object]]:
    """(display path, input) for each file; directories recurse (hidden entries skipped)."""
    for raw in paths:
        if raw == "-":
            yield "<stdin>", sys.stdin.buffer.read()
            continue
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                rel = child.relative_to(path).parts
                if child.is_file() and child.suffix.lower() in SUFFIXES and not any(
                    part.startswith(".") for part in rel
                ):
                    yield str(child), child
        else:
            yield str(path), path


def _linter(config_path: str | None):
    from msgcheck.config import Config, ConfigError
    from msgcheck.engine import Linter
    from msgcheck.loader import RuleLoadError

    try:
        config = Config.from_file(Path(config_path)) if config_path else Config()
        return Linter(config)
    except (ConfigError, RuleLoadError) as exc:
        raise click.UsageError(str(exc)) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(version=__version__, prog_name="msgcheck")
def main() -> None:
    """Lint outreach messages: scored findings on length, ask, personalisation, tone, subject."""


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--kind", type=click.Choice(KIND_NAMES), default=None,
              help="Message kind (default: from the message's front matter, else the config's).")
@click.option("--template", is_flag=True, help="Inputs are templates: placeholders are slots.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info"]), default="error",
              show_default=True, help="Exit 1 when a finding is at or above this severity.")
@click.option("--min-score", type=click.FloatRange(0, 100), default=0.0, show_default=True,
              help="Exit 1 when a message scores below this.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None,
              help="Settings file (msgcheck.toml or pyproject.toml).")
def check(paths, fmt, kind, template, fail_on, min_score, config_path) -> None:
    """Check messages: files (.txt, .eml, .md), directories, or - for stdin."""
    from msgcheck.engine import Linter

    from msgcheck.formatters.text_format import render_report, render_summary

    linter: Linter = _linter(config_path)
    console = _text_console() if fmt == "text" else None
    reports = []
    for display, item in iter_inputs(paths):
        report = linter.check(item, kind=kind, template=template or None, path=display)
        if console is not None:
            if reports:
                console.print()
            render_report(console, report)
        reports.append(report)
    if fmt == "json":
        from msgcheck.formatters.json_format import render

        click.echo(render(reports, __version__))
    elif len(reports) > 1:
        render_summary(console, reports)
    threshold = SEVERITY_RANK[fail_on]
    failed = any(
        SEVERITY_RANK[f.severity] >= threshold for r in reports for f in r.findings
    ) or any(r.score < min_score for r in reports)
    sys.exit(1 if failed else 0)


_console = None


def _text_console():
    global _console
    if _console is None:
        from rich.console import Console

        _console = Console(highlight=False, soft_wrap=True)
    return _console


@main.command()
@click.argument("rule_id", required=False)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
def rules(rule_id: str | None, fmt: str) -> None:
    """List every rule, or explain one: what, why, examples."""
    from msgcheck.loader import builtin_pack
    from msgcheck.rule_docs import explain, rule_table

    pack = builtin_pack()
    if rule_id is None:
        click.echo(rule_table(pack.rules, fmt))
        return
    try:
        rule = pack.rule(rule_id)
    except KeyError:
        known = ", ".join(r.id for r in pack.rules)
        raise click.UsageError(f"unknown rule {rule_id!r}; known rules: {known}") from None
    click.echo(explain(rule, fmt))


@main.command(name="eval")
@click.argument("corpus", type=click.Path(exists=True, file_okay=False))
@click.option("--split", type=click.Choice(["tune", "heldout"]), default=None,
              help="Evaluate one split only (default: all messages).")
@click.option("--show-mismatches", is_flag=True, help="List each message whose findings differ.")
def eval_command(corpus: str, split: str | None, show_mismatches: bool) -> None:
    """Precision and recall of each rule on an annotated corpus (see corpus/README.md)."""
    from msgcheck.engine import Linter
    from msgcheck.evaluation import evaluate, load_corpus, table

    cases = load_corpus(Path(corpus), split)
    if not cases:
        raise click.UsageError(f"no annotated messages (*.txt) under {corpus}")
    linter = Linter()
    reports = [linter.check(c.text, path=str(c.path)) for c in cases]
    result = evaluate(cases, reports, (r.id for r in linter.rules))
    click.echo(table(result))
    if show_mismatches:
        for line in result.mismatches + result.score_misses:
            click.echo(line)
