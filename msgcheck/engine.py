"""parse -> select rules -> one NLP pass -> run checks -> score -> Report."""

from __future__ import annotations

import os
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

from msgcheck.checks import compile_rule, whole_doc_layers
from msgcheck.checks.env import Env
from msgcheck.checks.metric import MIN_WORDS_FOR_GRADE, measure
from msgcheck.checks.requests import find_asks
from msgcheck import suppression
from msgcheck.config import Config
from msgcheck.context import Context, Hit
from msgcheck.language import looks_english
from msgcheck.models import (
    KIND_NAMES,
    Edit,
    Finding,
    Message,
    Report,
    Sections,
    Span,
    Stats,
    Suggestion,
)
from msgcheck.nlp import DEGRADED_NOTE, Pipeline, load_pipeline
from msgcheck.parse import InputError, parse_bytes, parse_text
from msgcheck.parse.placeholders import Placeholder, find_placeholders, mask_placeholders
from msgcheck.ruleset import build_ruleset
from msgcheck.score import score
from msgcheck.spec import RuleSpec

INPUT_CRITERION = "input"
UNUSED_SUPPRESSION = "suppression.unused"
# Rules reported outside the per-message checks: their criterion shows only when they fire.
EXTERNAL_KINDS = {"engine", "batch"}
# A real message repeats a problem a handful of times; hostile input could repeat it thousands.
MAX_FINDINGS_PER_RULE = 25
# Zero-width characters glue or split words invisibly (input.hidden-characters reports them);
# the analysis sees a space instead, so "your study on\u200b depression" still reads as words.
_INVISIBLE = str.maketrans(dict.fromkeys("\u200b\u2060\u180e\ufeff", " "))


@dataclass
class _Prepared:
    """One input, parsed, with the text the NLP pass will see (or the error that stopped it)."""

    path: str | None
    message: Message | None = None
    kind: str = ""
    template: bool = False
    text: str = ""
    placeholders: list[Placeholder] | None = None
    error: InputError | None = None
    english: bool = True


def read_input(item: Any, max_bytes: int) -> tuple[Message, str | None]:
    """Coerce any accepted input to a Message; raise InputError when it cannot be read."""
    if isinstance(item, Message):
        if "sections" not in item.model_fields_set:
            # Built directly rather than parsed: find its parts the same way the parser does.
            from msgcheck.parse import build_message

            item = build_message(
                item.body, subject=item.subject, to=item.to, from_=item.from_, date=item.date,
                kind=item.kind, template=item.template, source_lines=item.source_lines,
                previous_contacts=item.previous_contacts,
            )
        return item, None
    if isinstance(item, str):
        return parse_text(item, max_bytes), None
    if isinstance(item, (bytes, bytearray, memoryview)):
        return parse_bytes(bytes(item), max_bytes), None
    if isinstance(item, os.PathLike):
        path = Path(item)
        try:
            size = path.stat().st_size
            if size > max_bytes:
                raise InputError("input.too-large", f"{path}: {size:,} bytes; the limit is {max_bytes:,}")
            data = path.read_bytes()
        except OSError as exc:
            raise InputError("input.unreadable", f"{path}: {exc.strerror or exc}") from None
        return parse_bytes(data, max_bytes), str(path)
    if isinstance(item, dict):
        from msgcheck.parse import build_message

        return build_message(
            item.get("body", ""), subject=item.get("subject"), to=item.get("to"),
            from_=item.get("from"), date=item.get("date"), kind=item.get("kind"),
            template=bool(item.get("template", False)),
            previous_contacts=item.get("previous_contacts") or (),
        ), None
    raise TypeError(
        f"cannot check a {type(item).__name__}; pass str, bytes, a path, a dict or a Message"
    )


class Linter:
    """Loads rules and the NLP pipeline once; reuse it for many messages (thread-safe)."""

    def __init__(self, config: Config | None = None):
        self.config = config or Config()
        ruleset = build_ruleset(self.config)
        self.rules: tuple[RuleSpec, ...] = ruleset.rules
        self.lexicons = ruleset.lexicons
        self.problems = tuple(ruleset.problems)
        self.penalties = {r.id: r.penalty for r in self.rules if r.penalty is not None}
        self._unused_rule = next((r for r in self.rules if r.id == UNUSED_SUPPRESSION), None)
        # What the pass over the whole text computes; parses and entities of single sentences
        # are computed later, when a check asks for them.
        self.layers = whole_doc_layers(self.rules)
        self._lock = threading.Lock()
        self._pipeline: Pipeline | None = None
        self._checks: list | None = None

    @property
    def pipeline(self) -> Pipeline:
        if self._pipeline is None:
            with self._lock:
                if self._pipeline is None:
                    pipeline = load_pipeline(self.config.spacy_model)
                    env = Env(vocab=pipeline.nlp.vocab, lexicons=self.lexicons,
                              config=self.config)
                    self._checks = [(rule, _compile_safely(rule, env)) for rule in self.rules]
                    self._pipeline = pipeline
        return self._pipeline

    # -- public API -------------------------------------------------------------------------

    def check(self, message: Any, kind: str | None = None, *, template: bool | None = None,
              path: str | None = None, default_kind: str | None = None) -> Report:
        """``kind`` forces the kind; else the message's own (front matter), else ``default_kind``,
        else the config's."""
        prepared = self._prepare(message, kind, template, path, default_kind)
        if prepared.error is not None or not prepared.english:
            return self._finish(prepared, None)
        return self._finish(prepared, self.pipeline.analyse(prepared.text, self.layers))

    def check_many(self, items: Iterable[Any], kind: str | None = None, n_process: int = 1,
                   batch_size: int = 32, *, template: bool | None = None,
                   default_kind: str | None = None) -> Iterator[Report]:
        """Lazily check many inputs, in input order; memory is bounded by ``batch_size``.

        With ``n_process`` > 1, worker processes each check chunks of ``batch_size`` inputs
        (msgcheck.parallel)."""
        if n_process > 1:
            from msgcheck.parallel import check_in_processes

            options = {"kind": kind, "batch_size": batch_size, "template": template,
                       "default_kind": default_kind}
            yield from check_in_processes(self, items, n_process, batch_size, options)
            return
        pipeline = self.pipeline
        pending: deque[_Prepared] = deque()

        def texts() -> Iterator[str]:
            for item in items:
                prepared = self._prepare(item, kind, template, None, default_kind)
                pending.append(prepared)
                yield prepared.text if prepared.error is None and prepared.english else ""

        docs = pipeline.nlp.pipe(texts(), batch_size=batch_size,
                                 disable=pipeline.skipped(self.layers))
        while True:
            with pipeline.lock:  # the pipeline runs inside next(); other threads may share it
                doc = next(docs, None)
            if doc is None:
                return
            prepared = pending.popleft()
            skip = prepared.error is not None or not prepared.english
            yield self._finish(prepared, None if skip else doc)

    # -- internals --------------------------------------------------------------------------

    def _prepare(self, item: Any, kind: str | None, template: bool | None,
                 path: str | None, default_kind: str | None) -> _Prepared:
        if isinstance(item, os.PathLike) and path is None:
            path = str(item)
        try:
            message, read_path = read_input(item, self.config.max_bytes)
        except InputError as exc:
            return _Prepared(path=path, kind=kind or default_kind or self.config.kind, error=exc)
        resolved_kind = kind or message.kind or default_kind or self.config.kind
        if resolved_kind not in KIND_NAMES:
            return _Prepared(path=path or read_path, kind=default_kind or self.config.kind, error=InputError(
                "input.unknown-kind", f"unknown kind {resolved_kind!r}"))
        is_template = message.template if template is None else template
        quoted = message.sections.quoted
        new_text = message.body[:quoted.start] if quoted else message.body
        placeholders = find_placeholders(message.body)
        prepared = _Prepared(
            path=path or read_path, message=message, kind=resolved_kind, template=is_template,
            placeholders=placeholders,
            text=(mask_placeholders(new_text, [p for p in placeholders if p.end <= len(new_text)])
                  if is_template else new_text).translate(_INVISIBLE),
        )
        if not new_text.strip():
            prepared.error = InputError("input.empty", "the message has no text to check")
        elif len(new_text) > self.config.max_chars:
            prepared.error = InputError(
                "input.too-large",
                f"the message text is {len(new_text):,} characters; the limit is "
                f"{self.config.max_chars:,} (set max_chars to change it)",
            )
        else:
            prepared.english = looks_english(new_text)
        return prepared

    def _finish(self, prepared: _Prepared, doc) -> Report:
        if prepared.error is not None:
            return self._error_report(prepared)
        message = prepared.message
        if doc is None:
            finding = Finding(
                rule="input.unsupported-language", criterion=INPUT_CRITERION, severity="info",
                message="the message does not look like English; English rules were not run",
                field="body", start=0, end=0,
            )
            return Report(path=prepared.path, kind=prepared.kind, score=100.0,
                          criteria={}, findings=(finding,), sections=message.sections,
                          message=message)
        pipeline = self.pipeline
        ctx = Context(
            message=message, kind=prepared.kind, template=prepared.template, doc=doc,
            degraded=pipeline.degraded, pipeline=pipeline, lexicons=self.lexicons,
            placeholders=prepared.placeholders or [],
            subject_placeholders=find_placeholders(message.subject or ""),
        )
        findings: list[Finding] = []
        applied: set[str] = set()
        for rule, check in self._checks:
            if not rule.applies_to(prepared.kind, prepared.template):
                continue
            if rule.check.kind not in EXTERNAL_KINDS:
                applied.add(rule.criterion)
            try:
                found = [
                    self._finding(rule, _checked(hit, message))
                    for hit in islice(check(ctx), MAX_FINDINGS_PER_RULE)
                    if rule.criterion == "template"
                    or not ctx.in_placeholder(hit.field, hit.start, hit.end)
                ]
            except Exception as exc:  # one faulty rule must not cost the user the other findings
                findings.append(Finding(
                    rule="internal.rule-failed", criterion="internal", severity="error",
                    message=f"rule {rule.id} failed: {type(exc).__name__}: {exc}",
                ))
                continue
            findings += found
        findings += [
            Finding(rule="internal.plugin-failed", criterion="internal", severity="error",
                    message=problem)
            for problem in self.problems
        ]
        findings, suppressed = self._suppress(findings, message, prepared)
        findings.sort(key=lambda f: (f.field != "subject", f.field, f.start, f.end, f.rule))
        total, criteria = score(findings, applied, self.penalties)
        notes = (DEGRADED_NOTE,) if pipeline.degraded else ()
        return Report(
            path=prepared.path, kind=prepared.kind, score=total, criteria=criteria,
            findings=tuple(findings), suppressed=tuple(suppressed), sections=self._sections(ctx),
            stats=self._stats(ctx), source_lines=message.source_lines, notes=notes,
            message=message,
        )

    def _suppress(self, findings: list[Finding], message: Message,
                  prepared: _Prepared) -> tuple[list[Finding], list[Finding]]:
        if not message.suppressions:
            return findings, []
        kept, suppressed, unused = suppression.apply(findings, message)
        rule = self._unused_rule
        if rule is not None and rule.applies_to(prepared.kind, prepared.template):
            for sup, entry in unused:
                hit = Hit("body", sup.start, sup.end, {
                    "directive": sup.directive, "rules": "all rules" if entry == "*" else entry})
                kept.append(self._finding(rule, hit))
        return kept, suppressed

    @staticmethod
    def _finding(rule: RuleSpec, hit) -> Finding:
        data = {name: "" for name in rule.placeholders()} | hit.data
        suggestion = None
        if rule.fix or hit.replacement is not None:
            edits = ()
            if hit.replacement is not None:
                edits = (Edit(start=hit.start, end=hit.end, replacement=hit.replacement),)
            text = rule.fix.format_map(data) if rule.fix else None
            safe = bool(edits) and rule.safe_fix
            suggestion = Suggestion(text=text, edits=edits, safe=safe)
        rule_id = hit.rule_id or rule.id
        return Finding(
            rule=rule_id, criterion=rule_id.split(".", 1)[0], severity=hit.severity or rule.severity,
            message=rule.message.format_map(data), field=hit.field, start=hit.start,
            end=hit.end, suggestion=suggestion,
        )

    @staticmethod
    def _sections(ctx: Context) -> Sections:
        asks = tuple(Span(start=a.start, end=a.end) for a in find_asks(ctx))
        sents = ctx.prose_sentences()
        intro = None
        if sents:
            first = sents[0]
            start = first.start_char + len(first.text) - len(first.text.lstrip())
            intro = Span(start=start, end=start + len(first.text.strip()))
        return ctx.sections.model_copy(update={"asks": asks, "intro": intro})

    @staticmethod
    def _stats(ctx: Context) -> Stats:
        words, _, _ = measure(ctx, "prose_words")
        grade = measure(ctx, "reading_grade")[0] if words >= MIN_WORDS_FOR_GRADE else None
        subject = ctx.message.subject or ""
        return Stats(
            words=int(words), characters=len(ctx.body[:ctx.new_text_end].strip()),
            sentences=len(ctx.prose_sentences()), subject_characters=len(subject),
            reading_grade=grade,
        )

    def _error_report(self, prepared: _Prepared) -> Report:
        error = prepared.error
        finding = Finding(rule=error.rule, criterion=INPUT_CRITERION, severity="error",
                          message=error.message, field="body", start=0, end=0)
        total, criteria = score([finding], [INPUT_CRITERION], {})
        sections = prepared.message.sections if prepared.message else Sections()
        return Report(path=prepared.path, kind=prepared.kind or self.config.kind, score=0.0,
                      criteria=criteria, findings=(finding,), sections=sections,
                      message=prepared.message)


def _checked(hit: Hit, message: Message) -> Hit:
    """A hit from a (plugin) check must point inside its field."""
    if not isinstance(hit, Hit):
        raise TypeError(f"a check yielded {type(hit).__name__}, not msgcheck.context.Hit")
    if hit.field not in ("subject", "body", "to", "from"):
        raise ValueError(f"unknown field {hit.field!r}")
    size = len(message.field_text(hit.field))
    if not (isinstance(hit.start, int) and isinstance(hit.end, int) and 0 <= hit.start <= hit.end <= size):
        raise ValueError(f"span {hit.start!r}..{hit.end!r} is not inside the {hit.field} (0..{size})")
    return hit


def _compile_safely(rule: RuleSpec, env: Env):
    """A rule that cannot compile (a plugin's missing function) fails alone, when it runs."""
    try:
        return compile_rule(rule, env)
    except Exception as exc:
        def failed(ctx, exc=exc):
            raise exc

        return failed


_default: Linter | None = None
_default_lock = threading.Lock()


def check(message: Any, kind: str | None = None, **kwargs) -> Report:
    """One-shot convenience: check with a shared default Linter (loaded on first use)."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = Linter()
    return _default.check(message, kind=kind, **kwargs)


__all__ = ["Linter", "check", "read_input"]
