"""``existence``: flag each phrase, regex or token-pattern occurrence in a scope.

A regex may match context around what it flags and name the flagged part ``(?P<phrase>…)``:
"a reply within two days" is pressure and "patients called within two days" a finding, but only
"within two days" is reported."""

from __future__ import annotations

import re

from msgcheck.context import Context, Hit
from msgcheck.matching import any_regex, phrase_regex, token_patterns
from msgcheck.spec import ExistenceCheck, RuleSpec

PROVIDES = frozenset({"phrase", "replacement"})
NEEDS = frozenset()
FLAGGED_GROUP = "phrase"


def flagged_tail(pattern: str) -> re.Pattern[str] | None:
    """The regex from the flagged group to its end, when the group is at the top level and no
    top-level alternative precedes it: every match of the whole then contains a match of the tail.
    The context's words are common ("you", "reply") and the flagged ones rare ("within two days"),
    so a text without the tail skips the slow scan (0.07 ms a message for one urgency regex)."""
    start = pattern.index(f"(?P<{FLAGGED_GROUP}>")
    depth, i, in_class = 0, 0, False
    while i < start:
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch in "()":
            depth += 1 if ch == "(" else -1
        elif ch == "|" and depth == 0:
            return None
        i += 1
    return re.compile(pattern[start:], re.IGNORECASE) if depth == 0 else None


def compile(spec: RuleSpec, env):
    check: ExistenceCheck = spec.check
    phrases = phrase_regex(check.phrases)
    compiled = [re.compile(p, re.IGNORECASE) for p in check.regex]
    # Regexes naming a flagged part keep their group, so they cannot share one alternation.
    marked = [(r, flagged_tail(r.pattern)) for r in compiled if FLAGGED_GROUP in r.groupindex]
    regex = any_regex([r.pattern for r in compiled if FLAGGED_GROUP not in r.groupindex])
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
            for pattern, tail in marked:
                if tail is not None and tail.search(text, lo, hi) is None:
                    continue
                found += [(m.start(FLAGGED_GROUP) + lo, m.end(FLAGGED_GROUP) + lo)
                          for m in pattern.finditer(text[lo:hi])]
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
