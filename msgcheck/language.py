"""Is this English? English rules misfire on other languages, so those are reported, not judged."""

from __future__ import annotations

import re

_WORDS = re.compile(r"[^\W\d_]+")
# An address or link splits into many "words" of no language; a signature of them swamped short notes.
# The lookbehind tries each run of non-spaces once: an unanchored \S+@ is quadratic on a long run.
_ADDRESSES = re.compile(r"(?<!\S)\S*@\S*|\b(?:https?://|www\.)\S+")
# The commonest English function words; real English prose is ~40% of these.
_FUNCTION_WORDS = frozenset(
    "the a an and or but of to in on at for with from by as is are was were be been am i you "
    "your my me we our it this that these those have has had do does did will would could can "
    "may might should not no if so about into than then there their they he she his her him "
    "what which who when where how all any some very just also".split()
)
MIN_WORDS = 20
MIN_LETTERS = 10
MIN_FUNCTION_SHARE = 0.12


def looks_english(text: str) -> bool:
    sample = _ADDRESSES.sub(" ", text[:20_000])
    letters = [c for c in sample if c.isalpha()]
    # Scripts without spaces (Chinese, Japanese) have few "words": judge them by their letters.
    if len(letters) >= MIN_LETTERS and sum(c.isascii() for c in letters) / len(letters) < 0.6:
        return False
    words = _WORDS.findall(sample)
    if len(words) < MIN_WORDS:
        return True
    share = sum(w.lower() in _FUNCTION_WORDS for w in words) / len(words)
    return share >= MIN_FUNCTION_SHARE
