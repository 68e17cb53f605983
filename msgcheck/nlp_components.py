"""msgcheck's spaCy components: sentence starts at line breaks, a faster attribute ruler, a memo
in front of the lemmatizer, and a tokenizer whose cache learns every line.

Line breaks: emails put the greeting, each paragraph and each signature line on its own line; the parser,
which was trained on running text, would otherwise glue "Dear Dr. Patel," to the next sentence.
Hard-wrapped paragraphs (lines of ~70 characters that end mid-sentence) are left joined.
"""

from __future__ import annotations

import re

from spacy.language import Language

from msgcheck.nlp import Pipeline

NAME = "msgcheck_line_breaks"
# A line shorter than this is a line of its own (greeting, sign-off, name), not a wrapped one.
SHORT_LINE = 45
_ENDERS = {".", "!", "?", ",", ":", ";"}


@Language.component(NAME)
def line_breaks(doc):
    text = doc.text
    for i in range(1, len(doc) - 1):
        token = doc[i]
        if not (token.is_space and "\n" in token.text):
            continue
        prev, nxt = doc[i - 1], doc[i + 1]
        line_start = text.rfind("\n", 0, prev.idx) + 1
        if (
            "\n\n" in token.text.replace(" ", "")
            or prev.text in _ENDERS
            or prev.idx + len(prev.text) - line_start < SHORT_LINE
        ):
            nxt.is_sent_start = True
    return doc


def add_line_breaks(pipeline: Pipeline) -> None:
    nlp = pipeline.nlp
    if NAME in nlp.pipe_names:
        return
    if "parser" in nlp.pipe_names:
        nlp.add_pipe(NAME, before="parser")
    else:
        nlp.add_pipe(NAME, last=True)


ATTRIBUTES = "msgcheck_attributes"
_PREDICATES = {"IN", "NOT_IN", "REGEX"}


class TokenAttributes:
    """spaCy's ``attribute_ruler`` (tag -> POS, morphology, lemma exceptions), applied by lookup.

    The trained pipelines' ruler holds ~180 patterns on TAG, LOWER, DEP and IS_SPACE; spaCy runs
    them through its Matcher, which costs about as much as the parser (~3 ms a message). The same
    patterns, applied in the same order, depend only on those four attributes of a token (and of
    its neighbour, for the few two-token patterns), so the result per combination is computed
    once and reused. tests/test_nlp_layers.py checks the result is identical to the ruler's.
    """

    def __init__(self, ruler):
        from spacy.tokens._retokenize import set_token_attrs

        self._set = set_token_attrs
        self.single: list[tuple[int, dict, dict]] = []
        self.multi: list[tuple[int, list[dict], int, dict]] = []
        for number, entry in enumerate(ruler.patterns):
            for pattern in entry["patterns"]:
                for spec in pattern:
                    _check_spec(spec)
                if len(pattern) == 1 and entry["index"] in (0, -1):
                    self.single.append((number, pattern[0], ruler.attrs[number]))
                else:
                    self.multi.append((number, pattern, entry["index"], ruler.attrs[number]))
        self._memo: dict[tuple, tuple[list[tuple[int, dict]], list[int]]] = {}

    def __call__(self, doc):
        found: list[list[tuple[int, dict]]] = []
        starts: list[tuple[int, int]] = []  # (token, multi-token pattern) whose first token holds
        for token in doc:
            rules, first_of = self._lookup(token)
            found.append(rules)
            starts += [(token.i, m) for m in first_of]
        for start, m in starts:
            number, pattern, index, attrs = self.multi[m]
            end = start + len(pattern)
            if end <= len(doc) and all(
                _holds(spec, doc[start + k]) for k, spec in enumerate(pattern[1:], 1)
            ):
                target = (start if index >= 0 else end) + index
                found[target] = sorted(found[target] + [(number, attrs)], key=lambda r: r[0])
        for token, rules in zip(doc, found):
            for _, attrs in rules:
                self._set(token, attrs)
        return doc

    def _lookup(self, token) -> tuple[list[tuple[int, dict]], list[int]]:
        """The one-token patterns that hold for this token, and the longer ones it may start."""
        key = (token.tag_, token.lower_, token.dep_, token.is_space)
        entry = self._memo.get(key)
        if entry is None:
            entry = (
                [(number, attrs) for number, spec, attrs in self.single if _holds(spec, token)],
                [m for m, (_, pattern, _, _) in enumerate(self.multi) if _holds(pattern[0], token)],
            )
            self._memo[key] = entry
        return entry


def _check_spec(spec: dict) -> None:
    for key, value in spec.items():
        if key not in {"TAG", "LOWER", "DEP", "IS_SPACE"} or (
            isinstance(value, dict) and not set(value) <= _PREDICATES
        ):
            raise ValueError(f"unsupported attribute_ruler pattern {spec!r}")


def _holds(spec: dict, token) -> bool:
    for key, wanted in spec.items():
        value = token.is_space if key == "IS_SPACE" else (
            token.tag_ if key == "TAG" else token.lower_ if key == "LOWER" else token.dep_)
        if isinstance(wanted, dict):
            if "IN" in wanted and value not in wanted["IN"]:
                return False
            if "NOT_IN" in wanted and value in wanted["NOT_IN"]:
                return False
            if "REGEX" in wanted and not re.search(wanted["REGEX"], value):
                return False
        elif value != wanted:
            return False
    return True


@Language.factory(ATTRIBUTES)
def make_attributes(nlp, name):
    return TokenAttributes(nlp.get_pipe("attribute_ruler"))


def use_fast_attributes(pipeline: Pipeline) -> None:
    """Put :class:`TokenAttributes` in place of the attribute_ruler, when its patterns allow."""
    _stand_in(pipeline, ATTRIBUTES, "attribute_ruler")


def _stand_in(pipeline: Pipeline, name: str, replaced: str) -> None:
    """Put msgcheck's component ``name`` before spaCy's ``replaced`` and disable that one (kept,
    so tests can compare the two). A factory that raises ValueError keeps spaCy's component."""
    nlp = pipeline.nlp
    if replaced not in nlp.pipe_names or name in nlp.component_names:
        return
    try:
        nlp.add_pipe(name, before=replaced)
    except ValueError:
        return
    nlp.disable_pipe(replaced)


LEMMAS = "msgcheck_lemmas"


class Lemmas:
    """spaCy's lemmatizer with each result remembered as a string id.

    The lemma depends only on the token's text, coarse tag and morphology (the key spaCy's own
    cache uses), so it is looked up once per distinct key and then set as an integer: 0.09 ms a
    message instead of 0.55 ms, where spaCy calls into the lemmatizer and stores the string again
    for every token. A miss asks spaCy's lemmatizer, so the result is the same by construction
    (tests/test_nlp_layers.py checks it)."""

    def __init__(self, lemmatizer):
        self.lemmatizer = lemmatizer
        self._memo: dict[tuple[int, int, int], int] = {}

    def __call__(self, doc):
        strings, memo, overwrite = doc.vocab.strings, self._memo, self.lemmatizer.overwrite
        for token in doc:
            if overwrite or token.lemma == 0:
                key = (token.orth, token.pos, token.morph.key)
                lemma = memo.get(key)
                if lemma is None:
                    lemma = memo[key] = strings.add(self.lemmatizer.lemmatize(token)[0])
                token.lemma = lemma
        return doc


@Language.factory(LEMMAS)
def make_lemmas(nlp, name):
    return Lemmas(nlp.get_pipe("lemmatizer"))


def use_fast_lemmas(pipeline: Pipeline) -> None:
    """Put :class:`Lemmas` in place of spaCy's lemmatizer."""
    _stand_in(pipeline, LEMMAS, "lemmatizer")


_LINES = re.compile(r"[^\n]+")


class CachingTokenizer:
    """spaCy's tokenizer, with a pass that lets its cache learn the words of each line.

    spaCy 3.8 stops caching for the rest of a text after the first special case ("Dr.", "I'm"),
    because a flag is never reset (spaCy issue 13950). Emails open with "Dear Dr. …", so their
    words were never cached and every message was split from scratch: 0.75 ms for 150 words.
    Tokenizing each line on its own afterwards caches the words of lines without a special case;
    once the common words are cached, a message takes 0.1 ms, this pass included. The Doc is the
    tokenizer's own: its cache holds what it would compute (tests/test_nlp_layers.py)."""

    def __init__(self, tokenizer):
        self.tokenizer = tokenizer

    def __call__(self, text: str):
        doc = self.tokenizer(text)
        if "\n" in text:
            for line in _LINES.findall(text):
                self.tokenizer(line)
        return doc

    def __getattr__(self, name: str):
        return getattr(self.tokenizer, name)


def use_caching_tokenizer(pipeline: Pipeline) -> None:
    nlp = pipeline.nlp
    if not isinstance(nlp.tokenizer, CachingTokenizer):
        nlp.tokenizer = CachingTokenizer(nlp.tokenizer)
