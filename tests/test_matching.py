"""Phrase regexes and token patterns (msgcheck.matching): fast forms that match what the plain
forms match."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from msgcheck.evaluation import load_corpus
from msgcheck.matching import TokenPatterns, phrase_regex, required_words

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


class _Stretch:
    """What TokenPatterns.spans reads of a Context."""

    degraded = False

    def __init__(self, doc):
        self.doc, self.cache = doc, {}

    def body_span(self, lo: int, hi: int):
        return self.doc.char_span(lo, hi, alignment_mode="expand")


@pytest.fixture(scope="module")
def docs(linter) -> list:
    if linter.pipeline.degraded:
        pytest.skip("needs the trained English pipeline")
    bodies = [linter._prepare(c.text, None, None, None, None).text for c in load_corpus(CORPUS)]
    return [linter.pipeline.analyse(body, linter.layers) for body in bodies if body]


@pytest.fixture(scope="module")
def pattern_rules(linter) -> list:
    rules = [r for r in linter.rules if getattr(r.check, "patterns", None)]
    assert {"personal.generic-opener", "tone.flattery"} <= {r.id for r in rules}
    return rules


def test_required_words_are_the_literal_words_of_tokens_that_must_occur(linter):
    strings = linter.pipeline.nlp.vocab.strings
    pattern = [
        {"LOWER": "your", "OP": "?"}, {"POS": "ADJ"}, {"LEMMA": {"IN": ["catch", "grab"]}},
        {"LOWER": "my", "OP": "+"}, {"ORTH": "eye", "OP": "{0,1}"}, {"LOWER": "the", "OP": "!"},
        {"TEXT": "Zoom", "OP": "{1,2}"}, {"LOWER": {"REGEX": "^x"}}, {"lower": {"IN": ["a", "an"]}},
    ]
    ids = {word: strings[word] for word in ("catch", "grab", "my", "Zoom", "a", "an")}
    assert required_words(pattern, strings) == [
        (2, frozenset({ids["catch"], ids["grab"]})), (1, frozenset({ids["my"]})),
        (0, frozenset({ids["Zoom"]})), (1, frozenset({ids["a"], ids["an"]})),
    ]


def test_matches_equal_one_matcher_holding_every_pattern(linter, docs, pattern_rules):
    from spacy.matcher import Matcher

    vocab = linter.pipeline.nlp.vocab
    compared = found = 0
    for rule in pattern_rules:
        ours = TokenPatterns(vocab, rule.id, rule.check.patterns)
        everything = Matcher(vocab)
        everything.add(rule.id, rule.check.patterns)
        for doc in docs:
            end = len(doc.text)
            # The whole body and a stretch that starts and ends inside it (a scope).
            for lo, hi in ((0, end), (end // 3, 2 * end // 3)):
                span = doc.char_span(lo, hi, alignment_mode="expand")
                if span is None:
                    continue
                expected = sorted({(span[s].idx, span[e - 1].idx + len(span[e - 1].text))
                                   for _, s, e in everything(span)})
                assert ours.spans(_Stretch(doc), lo, hi) == expected, (rule.id, doc.text[:60])
                compared += 1
                found += len(expected)
    assert compared > 2000 and found > 50


def test_most_messages_run_few_of_a_rules_patterns(linter, docs):
    rule = next(r for r in linter.rules if r.id == "personal.generic-opener")
    ours = TokenPatterns(linter.pipeline.nlp.vocab, rule.id, rule.check.patterns)
    runs: list[int] = []
    original = ours._matcher
    ours._matcher = lambda chosen: runs.append(len(chosen)) or original(chosen)
    for doc in docs:
        ours.spans(_Stretch(doc), 0, len(doc.text))
    # Every message that ran a Matcher ran at most half of the 16 patterns; most ran none.
    assert len(runs) < len(docs) / 2
    assert max(runs) <= len(rule.check.patterns) // 2


def _flat_regex(phrases: list[str]) -> re.Pattern[str]:
    """The plain form of phrase_regex: one alternation, longest phrase first."""
    items = sorted({p.strip() for p in phrases if p.strip()}, key=len, reverse=True)
    body = "|".join(r"\s+".join(re.escape(w) for w in p.split()) for p in items)
    return re.compile(rf"(?<![\w])(?:{body})(?![\w])", re.IGNORECASE)


def test_phrase_regex_matches_what_one_alternation_of_the_phrases_matches(linter):
    lists = [r.check.phrases for r in linter.rules if getattr(r.check, "phrases", None)]
    lists += [lexicon.phrases for lexicon in linter.lexicons.values() if lexicon.phrases]
    texts = [case.text for case in load_corpus(CORPUS)]
    found = 0
    for phrases in lists:
        ours, flat = phrase_regex(phrases), _flat_regex(phrases)
        for text in texts:
            expected = [m.span() for m in flat.finditer(text)]
            assert [m.span() for m in ours.finditer(text)] == expected, phrases[:3]
            found += len(expected)
    assert len(lists) > 15 and found > 500


@pytest.mark.parametrize(("phrases", "text", "expected"), [
    (["you are", "you are the best"], "You are the best!", ["You are the best"]),
    (["you are", "you are the best"], "you  are\nthe bestest", ["you  are"]),
    (["best psychiatrist", "best psychiatrist in the world"], "best psychiatrists", []),
    (["world", "world's best"], "the world's best doctor", ["world's best"]),
    (["Dr. Lee", "dr. lee said"], "DR. LEE SAID so", ["DR. LEE SAID"]),
])
def test_phrase_regex_prefers_the_longest_phrase_on_word_boundaries(phrases, text, expected):
    assert [m.group() for m in phrase_regex(phrases).finditer(text)] == expected
