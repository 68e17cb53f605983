"""Command line: ``msgcheck check``, ``msgcheck rules`` (click: parsing, help, exit code 2)."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import click

from msgcheck import __version__
from msgcheck.constants import KIND_NAMES, SEVERITY_RANK
from msgcheck.inputs import SUFFIXES  # noqa: F401  (a public name of this module)

FORMATS = ("text", "json")
CHECK_FORMATS = ("text", "json", "sarif", "github", "junit")
# A progress bar (on stderr, when it is a terminal) from this many files on.
PROGRESS_MIN_FILES = 50
PROGRESS_REFRESH_S = 0.1


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

    near = None if no_batch else _BatchPass.for_run(inputs, similarity)
    writer = _writer(fmt, inputs, fail_on, min_score)
    threshold = SEVERITY_RANK[fail_on]
    failed = False

    def emit(report) -> None:
        nonlocal failed
        failed = failed or _fails(report, threshold, min_score)
        writer.add(report)

    # Output that appears only at the end (after the batch pass; JUnit, whose header holds the
    # counts) leaves the terminal to the progress bar; output written as files are checked
    # does not share it with one.
    deferred = near is not None or fmt == "junit"
    with _progress(len(inputs), enabled=deferred or not sys.stdout.isatty()) as advance:
        for report in _checked(inputs, jobs, fix):
            if near is not None:
                near.add(report)
            else:
                emit(report)
            advance()
    if near is not None:
        for report in near.reports():
            emit(report)
    writer.close()
    sys.exit(1 if failed else 0)


def _fails(report, threshold: int, min_score: float) -> bool:
    return report.score < min_score or any(
        SEVERITY_RANK[f.severity] >= threshold for f in report.findings)


def _checked(inputs: list, jobs: int, fix: bool) -> Iterator:
    """The report of each input, in input order, one at a time."""
    if jobs > 1 and not fix:
        yield from _check_parallel(inputs, jobs)
        return
    for display, item, resolved in inputs:
        report = _check_one(display, item, resolved)
        if fix and isinstance(item, Path):
            from msgcheck.fixes import apply_fixes

            if apply_fixes(report, item):
                report = _check_one(display, item, resolved)
        yield report


def _check_one(display, item, resolved):
    return resolved.linter.check(item, kind=resolved.kind, template=resolved.template,
                                 path=display, default_kind=resolved.default_kind)


def _check_parallel(inputs: list, jobs: int) -> Iterator:
    """Linter.check_many in ``jobs`` processes, one pass per group of files that share their
    settings, the reports given back in input order: a report that comes before its turn (from a
    later group) waits in a spool on disk."""
    groups: dict[tuple, list[int]] = {}
    for index, (_, _, resolved) in enumerate(inputs):
        key = (id(resolved.linter), resolved.kind, resolved.template, resolved.default_kind)
        groups.setdefault(key, []).append(index)
    turn = 0
    with _Spool() as early:
        for indices in groups.values():
            resolved = inputs[indices[0]][2]
            items = (inputs[i][1] for i in indices)
            many = resolved.linter.check_many(items, kind=resolved.kind, n_process=jobs,
                                              batch_size=32, template=resolved.template,
                                              default_kind=resolved.default_kind)
            for index, report in zip(indices, many, strict=True):
                display = inputs[index][0]
                if report.path != display:
                    report = report.model_copy(update={"path": display})
                if index != turn:
                    early.put(index, report)
                    continue
                yield report
                turn += 1
                while turn in early:
                    yield early.take(turn)
                    turn += 1


class _Spool:
    """Reports pickled to an anonymous temporary file and read back by index: a report that
    must wait costs about 3 KB of disk instead of about 18 KB of memory."""

    def __init__(self):
        self._file = None
        self._end = 0
        self._where: dict[int, tuple[int, int]] = {}

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        if self._file is not None:
            self._file.close()

    def __contains__(self, index: int) -> bool:
        return index in self._where

    def put(self, index: int, report) -> None:
        import pickle

        if self._file is None:
            import tempfile

            self._file = tempfile.TemporaryFile()  # noqa: SIM115  (closed by __exit__)
        data = pickle.dumps(report, pickle.HIGHEST_PROTOCOL)
        self._file.seek(self._end)
        self._file.write(data)
        self._where[index] = (self._end, len(data))
        self._end += len(data)

    def take(self, index: int):
        import pickle

        offset, size = self._where.pop(index)
        self._file.seek(offset)
        return pickle.loads(self._file.read(size))


class _BatchPass:
    """batch.near-duplicate over a whole run: every report is taken first (a compact sketch of
    it stays in memory, the report itself in a spool on disk), then the reports come back in
    input order with the pass's findings."""

    def __init__(self, rules: list, threshold: float, shingle_words: int):
        from msgcheck import batch

        self.rules = rules
        self.threshold = threshold
        self.collector = batch.Collector(shingle_words)
        self.spool = _Spool()
        self.count = 0

    @classmethod
    def for_run(cls, inputs: list, similarity: float | None):
        """None when the pass has nothing to do: fewer than two messages, or the rule selected
        for none of them. Each file gets the rule as its settings configure it."""
        from msgcheck import batch

        if len(inputs) < 2:
            return None
        rules = [next((r for r in res.linter.rules if r.id == batch.RULE_ID), None)
                 for _, _, res in inputs]
        settings = batch.settings(rules, similarity)
        return None if settings is None else cls(rules, *settings)

    def add(self, report) -> None:
        self.collector.add(report)
        self.spool.put(self.count, report)
        self.count += 1

    def reports(self) -> Iterator:
        from msgcheck import batch

        found = self.collector.findings(self.collector.clusters(self.threshold), self.rules)
        with self.spool:
            for index in range(self.count):
                report = self.spool.take(index)
                yield batch.with_finding(report, *found[index]) if index in found else report


def _writer(fmt: str, inputs: list, fail_on: str, min_score: float):
    """The writer of ``fmt`` (see msgcheck.formatters) onto standard output."""
    write = partial(click.echo, nl=False)
    if fmt == "text":
        from msgcheck.formatters.text_format import TextWriter

        return TextWriter(_text_console())
    if fmt == "json":
        from msgcheck.formatters.json_format import JsonWriter

        return JsonWriter(write, __version__)
    if fmt == "sarif":
        from msgcheck.formatters.sarif_format import SarifWriter
        from msgcheck.loader import builtin_pack

        linters = {id(res.linter): res.linter for _, _, res in inputs}.values()
        rules = [r for linter in linters for r in linter.rules] or builtin_pack().rules
        return SarifWriter(write, __version__, rules)
    if fmt == "github":
        from msgcheck.formatters.github_format import GithubWriter

        return GithubWriter(write)
    from msgcheck.formatters.junit_format import JunitWriter

    return JunitWriter(write, fail_on, min_score)


class _progress:
    """A progress bar on stderr for long runs in a terminal; ``advance()`` after each file."""

    def __init__(self, total: int, enabled: bool = True):
        self.total = total
        self.enabled = enabled
        self.bar = None

    def __enter__(self):
        if self.enabled and self.total > PROGRESS_MIN_FILES and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import Progress

            # Standard output is not redirected into the bar's console (stderr): results
            # written while the bar runs must go where the user sent them. No refresh thread:
            # with one thread, --jobs workers can be forked (msgcheck.parallel).
            self.bar = Progress(console=Console(stderr=True), transient=True,
                                redirect_stdout=False, auto_refresh=False)
            self.bar.start()
            task = self.bar.add_task("checking", total=self.total)
            shown = [0.0]

            def advance() -> None:
                self.bar.advance(task)
                now = time.monotonic()
                if now - shown[0] >= PROGRESS_REFRESH_S:
                    shown[0] = now
                    self.bar.refresh()

            return advance
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
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="json: the counts, rates and mismatches for machines.")
def eval_command(corpus: str, split: str | None, show_mismatches: bool,
                 output_format: str) -> None:
    """Precision and recall of each rule on an annotated corpus (see corpus/README.md)."""
    from msgcheck.engine import Linter
    from msgcheck.evaluation import CorpusError, evaluate, load_corpus, table

    try:
        cases = load_corpus(Path(corpus), split)
    except CorpusError as exc:
        raise click.ClickException(str(exc)) from None
    if not cases:
        raise click.UsageError(f"no annotated messages (*.txt) under {corpus}")
    linter = Linter()
    reports = [linter.check(c.text, path=str(c.path)) for c in cases]
    result = evaluate(cases, reports, (r.id for r in linter.rules))
    if output_format == "json":
        click.echo(json.dumps(result.as_dict(), indent=2))
        return
    click.echo(table(result))
    if show_mismatches:
        for line in [*map(str, result.mismatches), *result.score_misses]:
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
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Processes checking drafts in parallel (each loads the language model, "
                   "~250 MB); 2 on a 2-core machine serves concurrent clients twice as fast.")
def serve(host, port, token, allow_origins, max_body, timeout, config_path, workers) -> None:
    """Run the local HTTP server for mail-client add-ins (see docs/server.md)."""
    from msgcheck.config import ConfigError
    from msgcheck.server import ServerSettings, SettingsError, build_linter, run

    try:
        settings = ServerSettings(host=host, port=port, token=token,
                                  allow_origins=tuple(allow_origins), max_body=max_body,
                                  timeout=timeout, workers=workers,
                                  config_path=Path(config_path) if config_path else None)
        linter, default_kind, template = build_linter(settings.config_path)
    except (SettingsError, ConfigError) as exc:
        raise click.UsageError(str(exc)) from None
    run(settings, linter, default_kind=default_kind, template=template)
