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
    # The phrases as a tree of words ("you are" -> "amazing" | "the best"), so that at each
    # position the engine tries only the phrases that start there: a flat alternation of 50
    # phrases tries all 50 at every character (2-3x slower on a 150-word email).
    tree: dict[str, dict] = {}
    for phrase in phrases:
        node = tree
        for word in phrase.lower().split():
            node = node.setdefault(word, {})
        if node is not tree:
            node[_END] = {}
    if not tree:
        return None
    return re.compile(r"(?<![\w])(?:" + _alternatives(tree) + r")(?![\w])", re.IGNORECASE)


_END = ""  # a phrase ends at this node of the word tree


def _alternatives(node: dict[str, dict]) -> str:
    # Longer words first, and a phrase's longer continuations before its end (greedy ``?``):
    # the longest phrase wins, as the flat alternation sorted by length did.
    words = sorted((w for w in node if w != _END), key=lambda w: (-len(w), w))
    return "|".join(re.escape(w) + _continuations(node[w]) for w in words)


def _continuations(node: dict[str, dict]) -> str:
    if not any(w != _END for w in node):
        return ""
    group = r"(?:\s+(?:" + _alternatives(node) + "))"
    return group + "?" if _END in node else group


def any_regex(patterns: Iterable[str]) -> re.Pattern[str] | None:
    return _any_regex(tuple(patterns))


@lru_cache(maxsize=256)
def _any_regex(items: tuple[str, ...]) -> re.Pattern[str] | None:
    if not items:
        return None
    return re.compile("|".join(f"(?:{p})" for p in items), re.IGNORECASE)


# Pattern keys whose plain or IN values a token's text, lower-case form or lemma must equal.
_WORD_KEYS = {"ORTH": 0, "TEXT": 0, "LOWER": 1, "LEMMA": 2}
# Each call builds Matchers only for the pattern subsets messages produce; a handful in practice.
MAX_CACHED_MATCHERS = 128


class TokenPatterns:
    """A rule's spaCy Matcher token patterns, matched over a stretch of the message body.

    The Matcher pays for every pattern at every token, most for patterns that may start
    anywhere (a leading optional token): 0.45 ms for ``personal.generic-opener`` on a 150-word
    email. Most patterns need a word the message lacks ("catch ... my eye"), so each call runs a
    Matcher holding only the patterns whose required words all occur in the stretch, built on
    first use and kept. The matches are the same (tests/test_matching.py)."""

    def __init__(self, vocab, key: str, patterns: list):
        from spacy.matcher import Matcher

        Matcher(vocab, validate=True).add(key, patterns)  # a bad pattern fails here, with its rule
        self._vocab, self._key, self._patterns = vocab, key, patterns
        self._needs = [required_words(pattern, vocab.strings) for pattern in patterns]
        self._matchers: dict[tuple[int, ...], object] = {}

    def spans(self, ctx, lo: int, hi: int) -> list[tuple[int, int]]:
        """Body offsets (start, end) of the matches within ``body[lo:hi]``, in order.

        None without a trained pipeline, as the patterns read lemmas and tags, which a degraded
        (blank) pipeline does not assign."""
        if ctx.degraded:
            return []
        span = ctx.body_span(lo, hi)
        if span is None:
            return []
        present = _word_ids(ctx, span)
        chosen = tuple(i for i, needs in enumerate(self._needs)
                       if all(not ids.isdisjoint(present[column]) for column, ids in needs))
        if not chosen:
            return []
        return sorted({(span[s].idx, span[e - 1].idx + len(span[e - 1].text))
                       for _, s, e in self._matcher(chosen)(span)})

    def _matcher(self, chosen: tuple[int, ...]):
        from spacy.matcher import Matcher

        matcher = self._matchers.get(chosen)
        if matcher is None:
            if len(self._matchers) >= MAX_CACHED_MATCHERS:
                self._matchers.clear()
            matcher = Matcher(self._vocab)
            matcher.add(self._key, [self._patterns[i] for i in chosen])
            self._matchers[chosen] = matcher
        return matcher


def required_words(pattern: list[dict], strings) -> list[tuple[int, frozenset[int]]]:
    """For each token of ``pattern`` that must occur, the word column (text, lower case, lemma)
    and the string ids it accepts; tokens matched on tags or shapes only add nothing."""
    needs = []
    for token in pattern:
        spec = {key.upper(): value for key, value in token.items()}
        op = str(spec.get("OP", "1"))
        if op in {"?", "*", "!"} or op.startswith(("{0", "{,")):
            continue
        for key, value in spec.items():
            column = _WORD_KEYS.get(key)
            words = value.get("IN") if isinstance(value, dict) else [value]
            if column is None or not isinstance(words, list) \
                    or not all(isinstance(w, str) for w in words):
                continue
            needs.append((column, frozenset(strings.add(w) for w in words)))
    return needs


def _word_ids(ctx, span) -> list[set[int]]:
    """The text, lower-case and lemma ids of the span's tokens, one set per column."""
    from spacy.attrs import LEMMA, LOWER, ORTH

    ids = ctx.cache.get("word_ids")
    if ids is None:
        ids = ctx.cache["word_ids"] = span.doc.to_array([ORTH, LOWER, LEMMA])
    rows = ids[span.start:span.end]
    return [set(rows[:, column].tolist()) for column in range(3)]


def token_patterns(vocab, key: str, patterns: list) -> TokenPatterns | None:
    return TokenPatterns(vocab, key, patterns) if patterns else None


def count_words(text: str) -> int:
    return sum(1 for _ in WORD.finditer(text))


def fold(text: str) -> str:
    """Case- and accent-insensitive form for comparing names."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
