"""``placeholder``: unfilled template slots left in a message about to be sent."""

from __future__ import annotations

from msgcheck.context import Context, Hit
from msgcheck.spec import PlaceholderCheck, RuleSpec

PROVIDES = frozenset({"phrase"})
NEEDS = frozenset()


def compile(spec: RuleSpec, env):
    check: PlaceholderCheck = spec.check

    def run(ctx: Context):
        if "subject" in check.scopes:
            for p in ctx.subject_placeholders:
                yield Hit("subject", p.start, p.end, {"phrase": p.text})
        if "body" in check.scopes:
            for p in ctx.placeholders:
                if p.start < ctx.new_text_end:
                    yield Hit("body", p.start, p.end, {"phrase": p.text})

    return run
