"""``spelling``: words that no dictionary knows, with the likeliest correction.

Only ordinary words are checked: proper nouns, entities, words capitalised mid-sentence (names),
acronyms, numbers, URLs, email addresses, placeholders and contractions are skipped, and the
project vocabulary (the `vocabulary` lexicon's words and word classes plus the settings'
`vocabulary`), regular plurals of known words and known words behind a productive prefix
("reframed", "neuroanatomy") are known.
"""

from __future__ import annotations

from msgcheck.context import Context, Hit
from msgcheck.matching import any_regex
from msgcheck.spec import RuleSpec, SpellingCheck

# did_you_mean: "; did you mean 'X'?", or nothing when the dictionary has no close word.
PROVIDES = frozenset({"word", "suggestion", "did_you_mean"})
NEEDS = frozenset({"tags", "entities"})
# British and Commonwealth spellings (most IMGs learned them) -> the American forms the bundled
# list holds: honour -> honor, realise -> realize, programme -> program, paediatric -> pediatric.
_BRITISH = (
    ("our", "or"), ("ise", "ize"), ("ises", "izes"), ("ised", "ized"), ("ising", "izing"),
    ("isation", "ization"), ("iser", "izer"), ("isers", "izers"), ("yser", "yzer"), ("ysers", "yzers"),
    ("isations", "izations"), ("yse", "yze"), ("ysed", "yzed"), ("tre", "ter"), ("tres", "ters"),
    ("ogue", "og"), ("lled", "led"), ("lling", "ling"), ("mme", "m"), ("mmes", "ms"),
    ("ence", "ense"),
)


def american_forms(word: str) -> list[str]:
    forms = [word.replace("ae", "e").replace("oe", "e")] if ("ae" in word or "oe" in word) else []
    for british, american in _BRITISH:
        if british == "our" and "our" in word:
            forms.append(word.replace("our", "or"))
        elif word.endswith(british):
            forms.append(word[: -len(british)] + american)
    return forms


# Productive prefixes the bundled list holds only some derivations of: reframed, neuroanatomy,
# psychoeducator. The rest must be a known word of at least MIN_PREFIXED_STEM letters: then 0.07%
# of one-letter typos (a dropped or swapped letter) of the bundled list's 20,000 commonest words of
# 7+ letters split into a prefix and a word ("remining"); "co" alone made 0.2% ("comuter").
_PREFIXES = ("re", "pre", "post", "neuro", "psycho", "inter", "intra", "multi", "sub",
             "non", "over", "under", "hyper", "hypo", "micro", "tele", "bio", "trans")
MIN_PREFIXED_STEM = 6


def prefixed_stems(word: str) -> list[str]:
    """The words ``word`` may derive from by a productive prefix: reframed -> framed."""
    return [word[len(p):].lstrip("-") for p in _PREFIXES
            if word.startswith(p) and len(word[len(p):].lstrip("-")) >= MIN_PREFIXED_STEM]


_SIBILANT = ("s", "x", "z", "ch", "sh")


def singulars(word: str) -> list[str]:
    """The singulars a regular plural or third-person -s form can come from: readmissions ->
    readmission, clinics -> clinic, therapies -> therapy, approaches -> approach.

    The bundled list holds few plurals of rarer words. A form the spelling rules would not make
    ("studys", "boxs") gets no singular, so it stays unknown."""
    forms = []
    if word.endswith("ies"):
        forms.append(word[:-3] + "y")
    if word.endswith("es") and word[:-2].endswith(_SIBILANT):
        forms.append(word[:-2])
    if word.endswith("s") and not word.endswith("ss"):
        stem = word[:-1]
        if not (stem.endswith(_SIBILANT) or (stem.endswith("y") and stem[-2:-1] not in "aeiou")):
            forms.append(stem)
    return forms


def compile(spec: RuleSpec, env):
    check: SpellingCheck = spec.check
    speller = env.speller
    known = {w.lower() for w in env.lexicon_phrases("vocabulary")}
    known |= {w.lower() for w in env.lexicon_phrases("acronyms")}
    known |= {w.lower() for w in env.config.vocabulary}
    # Word classes too open to list, such as drug names by their INN stem ("prazosin").
    classes = any_regex(env.lexicon_regex("vocabulary"))
    skip_entities = set(check.skip_entities)

    def is_known(word: str) -> bool:
        if word in known or word in speller:
            return True
        forms = american_forms(word)
        forms += [singular for form in (word, *forms) for singular in singulars(form)]
        forms += [stem for form in (word, *forms) for stem in prefixed_stems(form)]
        return any(form in known or form in speller for form in forms) or bool(
            classes and classes.fullmatch(word))

    def candidate(token) -> bool:
        text = token.text
        if len(text) < check.min_length or not text.isalpha() or text.isupper():
            return False
        if token.pos_ == "PROPN":
            return False
        return not (text[0].isupper() and not token.is_sent_start)

    def run(ctx: Context):
        if ctx.degraded:
            return  # without tags and entities every surname would be "misspelled"
        prose = ctx.sections.prose
        for sent in ctx.prose_sentences():
            # "Zoom chat? Ravi": a lone capitalised word, unpunctuated, closing the prose is the
            # sender signing off on the same line, which the parser cannot split off as a signature.
            words = [t for t in sent if not t.is_space]
            if (len(words) == 1 and words[0].text[:1].isupper()
                    and not ctx.body[words[0].idx + len(words[0]):prose.end].strip()):
                continue
            for token in sent:
                if not (prose.start <= token.idx < prose.end) or not candidate(token):
                    continue
                word = token.lower_
                if is_known(word):
                    continue
                start, end = token.idx, token.idx + len(token.text)
                # Entities last: they need the sentence's NER, the costliest lookup.
                if ctx.in_placeholder("body", start, end) or ctx.entity_type(token) in skip_entities:
                    continue
                fix = speller.correction(word)
                if fix and token.text[0].isupper():
                    fix = fix.capitalize()
                yield Hit("body", start, end, {
                    "word": token.text, "suggestion": fix or "",
                    "did_you_mean": f"; did you mean '{fix}'?" if fix else ""},
                    replacement=fix or None)

    return run
