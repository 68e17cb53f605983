"""``presence``: fire when a section, or every listed phrase, is absent."""

from __future__ import annotations

from msgcheck.context import Context, Hit
from msgcheck.matching import any_regex, phrase_regex
from msgcheck.spec import PresenceCheck, RuleSpec

PROVIDES = frozenset({"section"})
NEEDS = frozenset()


def _where(ctx: Context, section: str | None) -> tuple[str, int, int]:
    """A zero-width point where the missing part belongs."""
    sections = ctx.sections
    if section == "subject":
        return "subject", 0, 0
    if section == "greeting":
        return "body", sections.prose.start, sections.prose.start
    if section == "signature":
        end = len(ctx.body[:ctx.new_text_end].rstrip())
        return "body", end, end
    at = sections.closing.start if sections.closing else sections.prose.end
    return "body", at, at


def compile(spec: RuleSpec, env):
    check: PresenceCheck = spec.check
    phrases = phrase_regex(check.phrases)
    regex = any_regex(check.regex)

    def present(ctx: Context) -> bool:
        if check.section == "subject":
            return bool((ctx.message.subject or "").strip())
        if check.section == "greeting":
            return ctx.sections.greeting is not None
        if check.section == "signature":
            return ctx.sections.signature is not None
        for field, lo, hi in ctx.scope_spans(check.scope):
            text = ctx.message.field_text(field)[lo:hi]
            if any(p is not None and p.search(text) for p in (phrases, regex)):
                return True
        return False

    def run(ctx: Context):
        if not present(ctx):
            field, start, end = _where(ctx, check.section)
            yield Hit(field, start, end, {"section": check.section or "phrase"})

    return run
