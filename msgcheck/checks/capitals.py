"""``capitals``: shouting — ALL-CAPS words that are not acronyms, and runs of "!"."""

from __future__ import annotations

import re

from msgcheck.context import Context, Hit
from msgcheck.spec import CapitalsCheck, RuleSpec

PROVIDES = frozenset({"phrase"})
NEEDS = frozenset()
_CAPS_WORD = re.compile(r"(?<![\w-])[^\W\d_a-z]{2,}(?:['’][^\W\d_a-z]+)?(?![\w-])")
# A word this long in capitals is shouting even when no dictionary knows it ("PLEEEASE").
_LONG = 7


def compile(spec: RuleSpec, env):
    check: CapitalsCheck = spec.check
    acronyms = {a.upper() for a in env.lexicon_phrases("acronyms")}
    bangs = re.compile(r"[!¡]{%d,}" % (check.max_exclamations + 1))

    def shouted(word: str) -> bool:
        if word.upper() != word or word in acronyms or len(word) < check.min_letters:
            return False
        return len(word) >= _LONG or word.lower() in env.english_words

    def run(ctx: Context):
        for field, lo, hi in ctx.scope_spans(check.scope):
            text = ctx.message.field_text(field)
            if check.whole_field:
                letters = [c for c in text[lo:hi] if c.isalpha()]
                upper = sum(c.isupper() for c in letters)
                if len(letters) >= 8 and upper / len(letters) > 0.7:
                    yield Hit(field, lo, hi, {"phrase": text[lo:hi]})
                    continue
            # A signature sets names, units and footer labels ("CONFIDENTIALITY:") in capitals by
            # convention; only a run of "!" there is still shouting.
            sig = ctx.sections.signature if field == "body" else None
            hits: list[tuple[int, int, str | None]] = [
                (*m.span(), None) for m in _CAPS_WORD.finditer(text, lo, hi)
                if shouted(m.group(0)) and not (sig and sig.start <= m.start() < sig.end)
            ]
            # A run of "!" collapses to the most the rule allows (none in a subject).
            collapse = "!" * check.max_exclamations or None
            hits += [(*m.span(), collapse) for m in bangs.finditer(text, lo, hi)]
            taken: list[tuple[int, int]] = []
            for start, end, replacement in sorted(hits, key=lambda h: h[:2]):
                if any(s <= start < e for s, e in taken):
                    continue
                taken.append((start, end))
                yield Hit(field, start, end, {"phrase": text[start:end]}, replacement=replacement)

    return run
