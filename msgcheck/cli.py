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


def _session(config_path: str | None, cli):
    from msgcheck.session import Session

    return Session(config_path=Path(config_path) if config_path else None, cli=cli)


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
              help="Settings file (default: the nearest msgcheck.toml or pyproject.toml "
                   "with [tool.msgcheck] above each file).")
@click.option("--select", multiple=True, metavar="ID",
              help="Run only these rules or criteria (repeatable); replaces the settings' select.")
@click.option("--ignore", multiple=True, metavar="ID",
              help="Skip these rules or criteria (repeatable); adds to the settings' ignore.")
@click.option("--fix", is_flag=True,
              help="Apply safe fixes to .txt/.md files, then report what remains.")
def check(paths, fmt, kind, template, fail_on, min_score, config_path, select, ignore,
          fix) -> None:
    """Check messages: files (.txt, .eml, .md), directories, or - for stdin."""
    from msgcheck.config import ConfigError
    from msgcheck.formatters.text_format import render_report, render_summary
    from msgcheck.session import CliOptions

    session = _session(config_path, CliOptions(
        kind=kind, template=True if template else None, select=select, ignore=ignore))
    console = _text_console() if fmt == "text" else None
    reports = []
    for display, item in iter_inputs(paths):
        try:
            resolved = session.resolve(display)
        except ConfigError as exc:
            raise click.UsageError(str(exc)) from None

        def run(resolved=resolved, display=display, item=item):
            return resolved.linter.check(item, kind=resolved.kind, template=resolved.template,
                                         path=display, default_kind=resolved.default_kind)

        report = run()
        if fix and isinstance(item, Path):
            from msgcheck.fixes import apply_fixes

            if apply_fixes(report, item):
                report = run()
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
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None,
              help="Settings file naming extra rule packs (default: found from this folder).")
def rules(rule_id: str | None, fmt: str, config_path: str | None) -> None:
    """List every rule (built-in, rule packs, plugins), or explain one: what, why, examples."""
    from msgcheck.config import ConfigError
    from msgcheck.rule_docs import explain, rule_table
    from msgcheck.ruleset import build_ruleset
    from msgcheck.session import Session

    try:
        config = Session(config_path=Path(config_path) if config_path else None).base_config(None)
        ruleset = build_ruleset(config.model_copy(update={"select": (), "ignore": ()}))
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None
    for problem in ruleset.problems:
        click.echo(f"warning: {problem}", err=True)
    if rule_id is None:
        click.echo(rule_table(ruleset.rules, fmt))
        return
    rule = next((r for r in ruleset.rules if r.id == rule_id), None)
    if rule is None:
        known = ", ".join(r.id for r in ruleset.rules)
        raise click.UsageError(f"unknown rule {rule_id!r}; known rules: {known}")
    click.echo(explain(rule, fmt))


@main.command()
@click.argument("what", type=click.Choice(["rule", "report", "config"]))
def schema(what: str) -> None:
    """Print the JSON schema of a rule file, a report, or the settings (for editors)."""
    import json

    from msgcheck.config import Config
    from msgcheck.models import Report
    from msgcheck.spec import RuleSpec

    model = {"rule": RuleSpec, "report": Report, "config": Config}[what]
    schema = model.model_json_schema(mode="serialization")
    if what == "rule":
        # `id` and `criterion` come from the file's path, so a rule file must not carry them.
        for key in ("id", "criterion"):
            schema["properties"].pop(key)
            schema["required"].remove(key)
    click.echo(json.dumps(schema, indent=2))


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
