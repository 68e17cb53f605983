"""Politeness strategies and a small logistic politeness model.

The strategies are those of Danescu-Niculescu-Mizil et al., "A computational approach to
politeness with application to social factors" (ACL 2013), implemented from the paper's
description on a spaCy ``Doc`` or ``Span``:

    from msgcheck import politeness
    doc = nlp("Hi! Could you maybe send me the slides? Thanks a lot.")
    politeness.features(doc)   # {"gratitude": 1.0, "greeting": 1.0, "hedges": 1.0, ...}
    politeness.score(doc)      # 0..1, the logistic model's P(polite)
    politeness.explain(doc)    # [(group, weight)] of the weight groups that fired, largest first

Every feature is 0.0 or 1.0: whether the strategy occurs anywhere in the text. The model is
logistic: P(polite) = sigmoid(bias + the weights of the groups that fired), with 19 weights over
22 strategies (:data:`GROUPS`) plus the bias, 20 parameters in all.

The vocabulary of the strategies (regular expressions, one named group each) and the fitted
weights live in ``rules/lexicons/politeness.yml``. The general positive and negative words are
VADER's rated sentiment lexicon (:func:`sentiment_words`), as the paper used Liu's opinion
lexicon: a published word list, not one fitted to the data. This module adds the structure the paper
describes: where a word must stand ("please" first vs. later, a pronoun starting a sentence, a
greeting opening the text) and which sentences are questions, on spaCy's sentences, tokens, tags
and dependencies. The weights are fitted and written, deterministically, by
``python benchmarks/politeness.py --write-weights``; see ``docs/politeness.md``.

That file is also a msgcheck lexicon, a weighted one (every ``rules/lexicons/*.yml`` must validate as
:class:`msgcheck.spec.Lexicon`, which forbids extra keys), so the weights are stored in the
lexicon's ``phrases`` list as ``"weight <group> <value>"`` / ``"bias <value>"`` lines, and
:class:`PolitenessFile` validates the stricter politeness schema on top.

The model was fitted on short requests (one to three sentences). On a whole email, presence
features saturate (a long text contains some negative word, some "really"), so prefer scoring
the request sentences, or short windows, and aggregating.
"""

from __future__ import annotations

import math
import re
from importlib import resources
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, field_validator

# The strategies, in a fixed order. Every one is 0/1: whether it occurs in the text. The first
# nineteen are the paper's; the last three are msgcheck's additions (see docs/politeness.md).
STRATEGIES: tuple[str, ...] = (
    "gratitude",             # "thank", "appreciate"
    "deference",             # "great/nice/good work", "good point"
    "greeting",              # "hi", "hello", "hey" opening the text
    "positive_lexicon",      # general positive words (VADER's lexicon)
    "negative_lexicon",      # general negative words (VADER's lexicon)
    "apologizing",           # "sorry", "apologise", "excuse me", "forgive"
    "please",                # "please" inside a sentence
    "please_start",          # "please" as a sentence's first word
    "indirect_btw",          # "by the way"
    "counterfactual_modal",  # "could you", "would you"
    "indicative_modal",      # "can you", "will you"
    "hedges",                # "I think", "maybe", "perhaps", "might", "seem"
    "factuality",            # "actually", "in fact", "the point is", "really"
    "direct_question",       # a question starting with "what", "why", "who", "how"
    "direct_start",          # a sentence starting with "so", "then", "and", "but"
    "first_person_start",    # a sentence starting with "I" / "my"
    "first_person_plural",   # "we", "our", "us"
    "second_person",         # "you", "your" (not starting a sentence)
    "second_person_start",   # a sentence starting with "you" / "your"
    "indirect_request",      # "would it be possible", "would you mind", "I was wondering if"
    "negative_question",     # a question with a negation: "Why didn't you ...?", "Isn't it ...?"
    "multiple_questions",    # two or more questions
)

# The model's weights: one per group; a group's value is 1 when any of its strategies fired.
# Strategies that play the same role share a weight (the indirect forms of a request), and
# "please" as a sentence's first word gets none: it is neither polite nor impolite on its own
# (the paper finds it slightly impolite, the fitted weight on this data is ~0), and outreach
# writing uses it in neutral set phrases ("Please find attached").
GROUPS: dict[str, tuple[str, ...]] = {
    "gratitude": ("gratitude",),
    "deference": ("deference",),
    "greeting": ("greeting",),
    "positive_lexicon": ("positive_lexicon",),
    "negative_lexicon": ("negative_lexicon",),
    "apologizing": ("apologizing",),
    "please": ("please",),
    "indirect": ("counterfactual_modal", "indirect_btw", "indirect_request"),
    "indicative_modal": ("indicative_modal",),
    "hedges": ("hedges",),
    "factuality": ("factuality",),
    "direct_question": ("direct_question",),
    "direct_start": ("direct_start",),
    "first_person_start": ("first_person_start",),
    "first_person_plural": ("first_person_plural",),
    "second_person": ("second_person",),
    "second_person_start": ("second_person_start",),
    "negative_question": ("negative_question",),
    "multiple_questions": ("multiple_questions",),
}

# Vocabulary groups in the YAML (the regexes' group names). Most map 1:1 to a strategy found
# anywhere; the others count only at a position, decided here on spaCy tokens:
_MESSAGE_START = {"greeting"}  # only as the text's first word
_SENTENCE_START = {            # only as a sentence's first word -> the strategy it signals
    "praise_opener": "deference",         # "Great, ..." / "Nice!"
    "wh_word": "direct_question",         # ... and only in a question
    "direct_opener": "direct_start",
    "first_person": "first_person_start",
}
_SPLIT_AT_START = {            # (as a sentence's first word, elsewhere)
    "please": ("please_start", "please"),
    "second_person": ("second_person_start", "second_person"),
}
VOCABULARY: tuple[str, ...] = (
    "gratitude", "deference", "praise_opener", "greeting", "apologizing", "please",
    "indirect_btw", "counterfactual_modal",
    "indicative_modal", "hedges", "factuality", "wh_word", "direct_opener", "first_person",
    "first_person_plural", "second_person", "indirect_request",
)

MAX_PARAMETERS = 20  # the weights plus the bias
# VADER's words (Hutto & Gilbert, ICWSM 2014: about 7,500 words, each rated -4..+4 by ten people,
# built for social-media text) rated at least this strongly count as positive or negative words.
# Wikipedia quartile accuracy for 0.5 / 1.0 / 1.5 / 2.0: 0.803 / 0.801 / 0.805 / 0.787
# (docs/politeness.md); the weak words below 1.5 include "please", "no" and "fine".
SENTIMENT_VALENCE = 1.5
# A sentiment word used as a function word carries none: "like" as a preposition.
_FUNCTION_POS = {"ADP", "SCONJ", "DET", "PRON", "AUX", "CCONJ", "PART"}
_WH_TAGS = {"WP", "WP$", "WRB", "WDT"}
# Negation without a parse (degraded pipeline); with one, the ``neg`` dependency decides too.
_NEGATIONS = {"not", "n't", "never"}


def default_path() -> Path:
    """``politeness.yml`` in the bundled rule pack (``msgcheck/_rules`` in a wheel)."""
    from msgcheck.loader import builtin_rules_dir

    return builtin_rules_dir() / "lexicons" / "politeness.yml"


class PolitenessFile(BaseModel):
    """``rules/lexicons/politeness.yml``: a weighted msgcheck lexicon with a stricter meaning.

    ``regex``: one pattern per vocabulary group, each with exactly one named group naming it
    (several patterns may share a group). ``weights``: one log-odds weight per group in
    :data:`GROUPS`; ``bias``: the intercept.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    description: str
    regex: list[str]
    weights: dict[str, float]
    bias: float

    @field_validator("regex")
    @classmethod
    def _one_named_group(cls, patterns: list[str]) -> list[str]:
        seen = set()
        for pattern in patterns:
            try:
                compiled = re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"invalid regex {pattern!r}: {exc}") from None
            names = list(compiled.groupindex)
            if len(names) != 1 or names[0] not in VOCABULARY:
                raise ValueError(
                    f"{pattern!r}: needs exactly one named group, one of {', '.join(VOCABULARY)}")
            seen.add(names[0])
        missing = [v for v in VOCABULARY if v not in seen]
        if missing:
            raise ValueError(f"no pattern for: {', '.join(missing)}")
        return patterns

    @field_validator("weights")
    @classmethod
    def _one_weight_per_group(cls, weights: dict[str, float]) -> dict[str, float]:
        unknown = [g for g in weights if g not in GROUPS]
        if unknown:
            raise ValueError(f"weights for unknown groups {unknown}; expected {', '.join(GROUPS)}")
        missing = [g for g in GROUPS if g not in weights]
        if missing:
            raise ValueError(f"no weight for: {', '.join(missing)}")
        if len(weights) + 1 > MAX_PARAMETERS:
            raise ValueError(f"{len(weights)} weights + bias; at most {MAX_PARAMETERS} in all")
        return weights

    def weights_and_bias(self) -> tuple[dict[str, float], float]:
        return dict(self.weights), self.bias


def load_file(path: Path | str | None = None) -> PolitenessFile:
    path = Path(path) if path is not None else default_path()
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise TypeError(f"{path}: expected a mapping, got {type(data).__name__}")
    return PolitenessFile.model_validate(data)


@cache
def sentiment_words() -> tuple[frozenset[str], frozenset[str]]:
    """(positive, negative): the single words of VADER's lexicon rated at least
    :data:`SENTIMENT_VALENCE` either way, read from the installed ``vaderSentiment`` package."""
    lexicon = resources.files("vaderSentiment").joinpath("vader_lexicon.txt")
    positive, negative = set(), set()
    for line in lexicon.read_text(encoding="utf-8", errors="replace").splitlines():
        word, _, ratings = line.partition("\t")
        try:
            valence = float(ratings.split("\t", 1)[0])
        except ValueError:
            continue
        if " " in word:
            continue
        if valence >= SENTIMENT_VALENCE:
            positive.add(word)
        elif valence <= -SENTIMENT_VALENCE:
            negative.add(word)
    return frozenset(positive), frozenset(negative)


def _sentences(doc) -> Iterable:
    try:
        sents = list(doc.sents)
    except ValueError:  # no sentence boundaries (a pipeline without parser or sentencizer)
        sents = [doc[:]]
    return sents or [doc[:]]


def _first_word(tokens) -> object | None:
    """The first token that is a word (not punctuation, space, quote or bullet)."""
    for token in tokens:
        if not (token.is_punct or token.is_space or token.is_quote or token.is_bracket):
            return token
    return None


def _is_question(sent) -> bool:
    return any(t.text == "?" or t.text.endswith("?") for t in sent)


@dataclass(frozen=True)
class PolitenessModel:
    """Strategy patterns + logistic weights; build with :meth:`load` (cached per path)."""

    patterns: tuple[tuple[str, re.Pattern], ...]
    weights: dict[str, float]
    bias: float

    @classmethod
    def from_file(cls, spec: PolitenessFile) -> PolitenessModel:
        compiled = []
        for pattern in spec.regex:
            rx = re.compile(pattern, re.IGNORECASE)
            compiled.append((next(iter(rx.groupindex)), rx))
        weights, bias = spec.weights_and_bias()
        return cls(patterns=tuple(compiled), weights=weights, bias=bias)

    @classmethod
    def load(cls, path: Path | str | None = None) -> PolitenessModel:
        return _load_cached(str(Path(path).resolve()) if path is not None else None)

    # -- features ---------------------------------------------------------------------------

    def features(self, doc) -> dict[str, float]:
        """0/1 per strategy in :data:`STRATEGIES` for a spaCy Doc or Span."""
        found = dict.fromkeys(STRATEGIES, 0.0)
        opening = _first_word(doc)
        questions = 0
        for sent in _sentences(doc):
            first = _first_word(sent)
            # One string per sentence, curly apostrophes made straight (same length).
            text = sent.text.replace("\u2019", "'").replace("\u2018", "'")
            base = sent.start_char
            first_at = first.idx - base if first is not None else -1
            question = _is_question(sent)
            for group, rx in self.patterns:
                for m in rx.finditer(text):
                    at_start = m.start() == first_at
                    if group in _MESSAGE_START:
                        if opening is not None and m.start() + base == opening.idx:
                            found[group] = 1.0
                    elif group in _SENTENCE_START:
                        if not at_start:
                            continue
                        if group == "wh_word" and not (
                                question and (not first.tag_ or first.tag_ in _WH_TAGS)):
                            continue  # "What a nice idea." / "How" as a non-wh word
                        found[_SENTENCE_START[group]] = 1.0
                    elif group in _SPLIT_AT_START:
                        start_name, medial_name = _SPLIT_AT_START[group]
                        found[start_name if at_start else medial_name] = 1.0
                    else:
                        found[group] = 1.0
            if question:
                questions += 1
                if any(t.dep_ == "neg" or t.lower_ in _NEGATIONS for t in sent):
                    found["negative_question"] = 1.0
        if questions >= 2:
            found["multiple_questions"] = 1.0
        positive, negative = sentiment_words()
        for token in doc:
            if token.pos_ not in _FUNCTION_POS:
                if token.lower_ in positive:
                    found["positive_lexicon"] = 1.0
                elif token.lower_ in negative:
                    found["negative_lexicon"] = 1.0
        return found

    # -- scoring ----------------------------------------------------------------------------

    def logit(self, feats: dict[str, float]) -> float:
        """bias + the weights of the groups that fired (log-odds of polite)."""
        values = group_values(feats)
        return self.bias + sum(self.weights[g] * values[g] for g in GROUPS)

    def probability(self, feats: dict[str, float]) -> float:
        return _sigmoid(self.logit(feats))

    def score(self, doc) -> float:
        """P(polite) in 0..1 for a spaCy Doc or Span."""
        return self.probability(self.features(doc))

    def explain(self, doc) -> list[tuple[str, float]]:
        """The weight groups that fired and their weights (log-odds), largest magnitude first."""
        values = group_values(self.features(doc))
        fired = [(g, self.weights[g]) for g in GROUPS if values[g]]
        return sorted(fired, key=lambda item: (-abs(item[1]), item[0]))


def group_values(feats: dict[str, float]) -> dict[str, float]:
    """The model's inputs: per group of :data:`GROUPS`, the largest of its strategies' values."""
    return {g: max(feats.get(s, 0.0) for s in members) for g, members in GROUPS.items()}


@cache
def _load_cached(path: str | None) -> PolitenessModel:
    return PolitenessModel.from_file(load_file(path))


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def features(doc) -> dict[str, float]:
    """The politeness strategies (0/1 each, keys :data:`STRATEGIES`) of a spaCy Doc or Span."""
    return PolitenessModel.load().features(doc)


def score(doc) -> float:
    """P(polite) in 0..1 from the bundled logistic model, for a spaCy Doc or Span."""
    return PolitenessModel.load().score(doc)


def explain(doc) -> list[tuple[str, float]]:
    """The strategies that fired in ``doc`` with their weights, largest magnitude first."""
    return PolitenessModel.load().explain(doc)
