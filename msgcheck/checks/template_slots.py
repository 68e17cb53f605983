"""``template-slots``: a template must leave room for what personalisation needs.

A template with no slot at all is a mass email; one whose greeting has no slot greets everyone
alike. (A missing slot for a personal reference is ``personal.missing-reference``: in a template a
slot in the prose counts as the reference.)
"""

from __future__ import annotations

from msgcheck.context import Context, Hit
from msgcheck.spec import RuleSpec, TemplateSlotsCheck

PROVIDES = frozenset()
NEEDS = frozenset()


def compile(spec: RuleSpec, env):
    check: TemplateSlotsCheck = spec.check

    def run(ctx: Context):
        slots = [p for p in ctx.placeholders if p.start < ctx.new_text_end]
        if check.problem == "no-slots":
            if not slots and not ctx.subject_placeholders:
                yield Hit("body", 0, 0)
            return
        greeting = ctx.sections.greeting
        if slots and greeting is not None and not any(
            greeting.start <= p.start < greeting.end + 2 for p in slots
        ):
            yield Hit("body", greeting.start, greeting.end)

    return run
