"""What compiling a check may use: the pipeline's vocab, shared lexicons, the word list, settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from msgcheck.config import Config
from msgcheck.spec import Lexicon


@lru_cache(maxsize=1)
def _speller():
    """pyspellchecker with its bundled English frequency list (read offline, ~0.15 s), shared by
    every Linter of the process: it is only read."""
    from spellchecker import SpellChecker

    return SpellChecker(language="en", distance=1)


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

    @property
    def speller(self):
        return _speller()

    @cached_property
    def english_words(self) -> frozenset[str]:
        return frozenset(self.speller.word_frequency.keys())
