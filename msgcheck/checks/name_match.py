"""``name-match``: the greeting names the person in the ``To:`` header."""

from __future__ import annotations

from msgcheck.checks.greeting import TITLES, greeting_name
from msgcheck.context import Context, Hit
from msgcheck.matching import fold
from msgcheck.spec import RuleSpec

PROVIDES = frozenset({"greeting_name", "recipient"})
NEEDS = frozenset()


def compile(spec: RuleSpec, env):
    def run(ctx: Context):
        span, to = ctx.sections.greeting, ctx.message.to
        if span is None or to is None or not to.name:
            return
        if any(p.start < span.end and span.start < p.end for p in ctx.placeholders):
            return
        names = greeting_name(ctx.body[span.start:span.end])
        recipient = {fold(w.strip(".,")) for w in to.name.replace(",", " ").split()} - TITLES
        if names and recipient and not ({fold(n) for n in names} & recipient):
            yield Hit("body", span.start, span.end,
                      {"greeting_name": " ".join(names), "recipient": to.name})

    return run
