"""``existence``: flag each phrase, regex or token-pattern occurrence in a scope."""

from __future__ import annotations

from msgcheck.context import Context, Hit
from msgcheck.matching import any_regex, phrase_regex, token_patterns
from msgcheck.spec import ExistenceCheck, RuleSpec

PROVIDES = frozenset({"phrase", "replacement"})
NEEDS = frozenset()


def compile(spec: RuleSpec, env):
    check: ExistenceCheck = spec.check
    phrases = phrase_regex(check.phrases)
    regex = any_regex(check.regex)
    tokens = token_patterns(env.vocab, spec.id, check.patterns)
    replacements = {k.lower(): v for k, v in check.replacements.items()}

    scopes = check.scope if isinstance(check.scope, list) else [check.scope]

    def run(ctx: Context):
        spans = [span for scope in scopes for span in ctx.scope_spans(scope)]
        for field, lo, hi in spans:
            text = ctx.message.field_text(field)
            found: list[tuple[int, int]] = []
            for pattern in (phrases, regex):
                if pattern is not None:
                    found += [(m.start() + lo, m.end() + lo) for m in pattern.finditer(text[lo:hi])]
            if tokens is not None and field == "body":
                found += tokens.spans(ctx, lo, hi)
            taken: list[tuple[int, int]] = []
            for start, end in sorted(found, key=lambda x: (x[0], -x[1])):
                if any(s <= start and end <= e for s, e in taken):
                    continue
                taken.append((start, end))
                phrase = text[start:end]
                replacement = replacements.get(" ".join(phrase.lower().split()), check.replace_with)
                yield Hit(
                    field, start, end,
                    {"phrase": phrase, "replacement": replacement or ""},
                    replacement=replacement,
                )

    return run
