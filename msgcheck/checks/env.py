"""What compiling a check may use: the pipeline's vocab, shared lexicons, the word list."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from msgcheck.spec import Lexicon


@dataclass
class Env:
    vocab: object  # spacy Vocab, for Matcher patterns
    lexicons: dict[str, Lexicon] = field(default_factory=dict)

    def lexicon_phrases(self, name: str) -> list[str]:
        lexicon = self.lexicons.get(name)
        return list(lexicon.phrases) if lexicon else []

    def lexicon_regex(self, name: str) -> list[str]:
        lexicon = self.lexicons.get(name)
        return list(lexicon.regex) if lexicon else []

    @cached_property
    def english_words(self) -> frozenset[str]:
        """Known English words (pyspellchecker's bundled frequency list, read offline)."""
        from spellchecker import SpellChecker

        return frozenset(SpellChecker(language="en", distance=1).word_frequency.keys())
