"""Small text-matching helpers shared by the checks."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

WORD = re.compile(r"[^\W_](?:[\w'’-]*[^\W_])?")


def phrase_regex(phrases: Iterable[str]) -> re.Pattern[str] | None:
    """One case-insensitive regex matching any phrase on word boundaries.

    Spaces in a phrase match any run of whitespace; the longest phrase wins at a position.
    """
    return _phrase_regex(tuple(phrases))


@lru_cache(maxsize=256)
def _phrase_regex(phrases: tuple[str, ...]) -> re.Pattern[str] | None:
    items = sorted({p.strip() for p in phrases if p.strip()}, key=len, reverse=True)
    if not items:
        return None
    parts = [r"\s+".join(re.escape(w) for w in p.split()) for p in items]
    return re.compile(r"(?<![\w])(?:" + "|".join(parts) + r")(?![\w])", re.IGNORECASE)


def any_regex(patterns: Iterable[str]) -> re.Pattern[str] | None:
    return _any_regex(tuple(patterns))


@lru_cache(maxsize=256)
def _any_regex(items: tuple[str, ...]) -> re.Pattern[str] | None:
    if not items:
        return None
    return re.compile("|".join(f"(?:{p})" for p in items), re.IGNORECASE)


class TokenPatterns:
    """A rule's spaCy Matcher token patterns, matched over a stretch of the message body."""

    def __init__(self, vocab, key: str, patterns: list):
        from spacy.matcher import Matcher

        self._matcher = Matcher(vocab, validate=True)
        self._matcher.add(key, patterns)

    def spans(self, ctx, lo: int, hi: int) -> list[tuple[int, int]]:
        """Body offsets (start, end) of the matches within ``body[lo:hi]``.

        None without a trained pipeline, as the patterns read lemmas and tags, which a degraded
        (blank) pipeline does not assign."""
        if ctx.degraded:
            return []
        span = ctx.body_span(lo, hi)
        if span is None:
            return []
        return [(span[s].idx, span[e - 1].idx + len(span[e - 1].text))
                for _, s, e in self._matcher(span)]


def token_patterns(vocab, key: str, patterns: list) -> TokenPatterns | None:
    return TokenPatterns(vocab, key, patterns) if patterns else None


def count_words(text: str) -> int:
    return sum(1 for _ in WORD.finditer(text))


def fold(text: str) -> str:
    """Case- and accent-insensitive form for comparing names."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
