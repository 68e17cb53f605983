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


def count_words(text: str) -> int:
    return sum(1 for _ in WORD.finditer(text))


def fold(text: str) -> str:
    """Case- and accent-insensitive form for comparing names."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
