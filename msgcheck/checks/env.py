"""What compiling a check may use: the pipeline's vocab, shared lexicons, the word list, settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from msgcheck.config import Config
from msgcheck.spec import Lexicon


@dataclass
class Env:
    vocab: object  # spacy Vocab, for Matcher patterns
    lexicons: dict[str, Lexicon] = field(default_factory=dict)
    config: Config = field(default_factory=Config)

    def lexicon_phrases(self, name: str) -> list[str]:
        lexicon = self.lexicons.get(name)
        return list(lexicon.phrases) if lexicon else []

    def lexicon_regex(self, name: str) -> list[str]:
        lexicon = self.lexicons.get(name)
        return list(lexicon.regex) if lexicon else []

    @cached_property
    def speller(self):
        """pyspellchecker with its bundled English frequency list (read offline, ~0.15 s)."""
        from spellchecker import SpellChecker

        return SpellChecker(language="en", distance=1)

    @cached_property
    def english_words(self) -> frozenset[str]:
        return frozenset(self.speller.word_frequency.keys())
