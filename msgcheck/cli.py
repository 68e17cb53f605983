"""Command line: ``msgcheck check``, ``msgcheck rules`` (click: parsing, help, exit code 2)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import click

from msgcheck import __version__
from msgcheck.constants import KIND_NAMES, SEVERITY_RANK
from msgcheck.inputs import SUFFIXES  # noqa: F401  (a public name of this module)

FORMATS = ("text", "json")
CHECK_FORMATS = ("text", "json", "sarif", "github", "junit")
# A progress bar (on stderr, when it is a terminal) from this many files on.
PROGRESS_MIN_FILES = 50


def iter_inputs(paths: tuple[str, ...], exclude: tuple[str, ...] = (),
                changed_since: str | None = None) -> Iterator[tuple[str, object]]:
    """(display path, input) for each message: see msgcheck.inputs (usage errors exit 2)."""
    from msgcheck.inputs import InputError, collect

    try:
        yield from collect(paths, exclude, changed_since)
    except InputError as exc:
        raise click.UsageError(str(exc)) from None


def _session(config_path: str | None, cli):
    from msgcheck.session import Session

    return Session(config_path=Path(config_path) if config_path else None, cli=cli)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(version=__version__, prog_name="msgcheck")
def main() -> None:
    """Lint outreach messages: scored findings on length, ask, personalisation, tone, subject."""


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(CHECK_FORMATS), default="text",
              show_default=True, help="text, json, sarif (code scanning), github (workflow "
              "annotations) or junit (CI test report).")
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
@click.option("--exclude", multiple=True, metavar="PATTERN",
              help="Skip files matching this gitignore-style pattern when expanding directories "
                   "and globs (repeatable; adds to .msgcheckignore).")
@click.option("--changed-only", "changed_since", metavar="BASE", default=None,
              help="Check only files changed since the git ref BASE (plus uncommitted and "
                   "untracked files).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=1, show_default=True,
              help="Processes for the language analysis.")
@click.option("--similarity", type=click.FloatRange(0, 1, min_open=True), default=None,
              help="batch.near-duplicate: how similar two messages must be (0-1; default 0.8).")
@click.option("--no-batch", is_flag=True,
              help="Do not compare the messages with each other (batch.near-duplicate).")
def check(paths, fmt, kind, template, fail_on, min_score, config_path, select, ignore,
          fix, exclude, changed_since, jobs, similarity, no_batch) -> None:
    """Check messages: files (.txt, .eml, .md), directories, glob patterns, or - for stdin."""
    from msgcheck.config import ConfigError
    from msgcheck.session import CliOptions

    session = _session(config_path, CliOptions(
        kind=kind, template=True if template else None, select=select, ignore=ignore))
    inputs = []
    for display, item in iter_inputs(paths, exclude, changed_since):
        try:
            inputs.append((display, item, session.resolve(display)))
        except ConfigError as exc:
            raise click.UsageError(str(exc)) from None

    def run(display, item, resolved):
        return resolved.linter.check(item, kind=resolved.kind, template=resolved.template,
                                     path=display, default_kind=resolved.default_kind)

    reports: list = [None] * len(inputs)
    with _progress(len(inputs)) as advance:
        if jobs > 1 and not fix:
            _check_parallel(inputs, jobs, reports, advance)
        for index, (display, item, resolved) in enumerate(inputs):
            if reports[index] is not None:
                continue
            report = run(display, item, resolved)
            if fix and isinstance(item, Path):
                from msgcheck.fixes import apply_fixes

                if apply_fixes(report, item):
                    report = run(display, item, resolved)
            reports[index] = report
            advance()
    settings = [resolved for _, _, resolved in inputs]
    if not no_batch:
        reports = _batch_pass(reports, settings, similarity)
    _emit(fmt, reports, settings, fail_on, min_score)
    threshold = SEVERITY_RANK[fail_on]
    failed = any(
        SEVERITY_RANK[f.severity] >= threshold for r in reports for f in r.findings
    ) or any(r.score < min_score for r in reports)
    sys.exit(1 if failed else 0)


def _check_parallel(inputs, jobs: int, reports: list, advance) -> None:
    """Fill ``reports`` with Linter.check_many in ``jobs`` processes, per group of files that
    share their settings."""
    groups: dict[tuple, list[int]] = {}
    for index, (_, _, resolved) in enumerate(inputs):
        key = (id(resolved.linter), resolved.kind, resolved.template, resolved.default_kind)
        groups.setdefault(key, []).append(index)
    for indices in groups.values():
        resolved = inputs[indices[0]][2]
        items = (inputs[i][1] for i in indices)
        many = resolved.linter.check_many(items, kind=resolved.kind, n_process=jobs,
                                          batch_size=32, template=resolved.template,
                                          default_kind=resolved.default_kind)
        for index, report in zip(indices, many, strict=True):
            display = inputs[index][0]
            reports[index] = report if report.path == display else report.model_copy(
                update={"path": display})
            advance()


def _batch_pass(reports: list, resolved: list, similarity: float | None) -> list:
    """batch.near-duplicate across the run, with each file's configured rule (if selected)."""
    from msgcheck import batch

    rules = [next((r for r in res.linter.rules if r.id == batch.RULE_ID), None)
             for res in resolved]
    return batch.apply(reports, similarity, rules)


def _emit(fmt: str, reports: list, resolved: list, fail_on: str, min_score: float) -> None:
    if fmt == "text":
        from msgcheck.formatters.text_format import render_report, render_summary

        console = _text_console()
        for i, report in enumerate(reports):
            if i:
                console.print()
            render_report(console, report)
        if len(reports) != 1:
            render_summary(console, reports)
    elif fmt == "json":
        from msgcheck.formatters.json_format import render

        click.echo(render(reports, __version__))
    elif fmt == "sarif":
        from msgcheck.formatters.sarif_format import render
        from msgcheck.loader import builtin_pack

        linters = {id(res.linter): res.linter for res in resolved}.values()
        rules = [r for linter in linters for r in linter.rules] or builtin_pack().rules
        click.echo(render(reports, __version__, rules))
    elif fmt == "github":
        from msgcheck.formatters.github_format import render

        output = render(reports)
        if output:
            click.echo(output)
    else:
        from msgcheck.formatters.junit_format import render

        click.echo(render(reports, fail_on, min_score))


class _progress:
    """A progress bar on stderr for long runs in a terminal; ``advance()`` after each file."""

    def __init__(self, total: int):
        self.total = total
        self.bar = None

    def __enter__(self):
        if self.total > PROGRESS_MIN_FILES and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import Progress

            self.bar = Progress(console=Console(stderr=True), transient=True)
            self.bar.start()
            task = self.bar.add_task("checking", total=self.total)
            return lambda: self.bar.advance(task)
        return lambda: None

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()


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
    # Rule and settings files are inputs (what may be written); a report is an output.
    schema = model.model_json_schema(mode="serialization" if what == "report" else "validation")
    # Not keys of the file: a rule's id and criterion come from its path, a config's source is
    # where it was read from.
    for key in {"rule": ("id", "criterion"), "config": ("source",)}.get(what, ()):
        schema["properties"].pop(key)
        if key in schema.get("required", []):
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


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but loopback requires --token.")
@click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True)
@click.option("--token", envvar="MSGCHECK_TOKEN", default=None,
              help="Require 'Authorization: Bearer TOKEN' on every request (or set MSGCHECK_TOKEN).")
@click.option("--allow-origin", "allow_origins", multiple=True, metavar="ORIGIN",
              help="Also accept requests from this browser origin (repeatable); "
                   "moz-extension:// origins (the Thunderbird add-in) are always accepted.")
@click.option("--max-body", type=click.IntRange(min=1), default=1024 * 1024, show_default=True,
              metavar="BYTES", help="Largest request body (413 beyond).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=10.0,
              show_default=True, metavar="SECONDS", help="Per-request time limit (504 beyond).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None,
              help="Settings file (default: the nearest msgcheck.toml or pyproject.toml "
                   "with [tool.msgcheck] above the current folder).")
def serve(host, port, token, allow_origins, max_body, timeout, config_path) -> None:
    """Run the local HTTP server for mail-client add-ins (see docs/server.md)."""
    from msgcheck.config import ConfigError
    from msgcheck.server import ServerSettings, SettingsError, build_linter, run

    try:
        settings = ServerSettings(host=host, port=port, token=token,
                                  allow_origins=tuple(allow_origins), max_body=max_body,
                                  timeout=timeout,
                                  config_path=Path(config_path) if config_path else None)
        linter, default_kind, template = build_linter(settings.config_path)
    except (SettingsError, ConfigError) as exc:
        raise click.UsageError(str(exc)) from None
    run(settings, linter, default_kind=default_kind, template=template)
