"""``reference``: a specific, personal reference to the recipient, and stock openers without one.

Specific means a piece of the recipient's work with its topic or occasion ("your grand rounds on
catatonia", "your 2023 paper"), a named mutual contact ("Dr. Okafor suggested I write"), a concrete
feature of their program ("your program's early psychosis clinic"), or the earlier contact
("when we spoke after the session"). "Your work" or "your program" alone is generic.
"""

from __future__ import annotations

import re

from msgcheck.context import Context, Hit
from msgcheck.matching import any_regex, phrase_regex
from msgcheck.spec import ReferenceCheck, RuleSpec

PROVIDES = frozenset({"phrase"})
_SPEC_PREPS = {"on", "about", "at", "in", "regarding", "during", "with", "from", "of"}
_SPEC_DEPS = {"compound", "amod", "nummod", "npadvmod", "nmod", "acl", "ccomp", "appos"}
_CONTENT_POS = {"NOUN", "PROPN", "ADJ", "NUM", "VERB"}
_CONTACT_VERBS = {"suggest", "recommend", "refer", "mention", "introduce", "encourage", "advise", "tell", "share"}
_OWNERS = {"program", "department", "lab", "team", "clinic", "residency", "group", "division", "service"}
_YOU = re.compile(r"\b(?:you|your|yours)\b", re.I)


class Specificity:
    """Decides whether a sentence carries a specific reference (shared by both problems)."""

    def __init__(self, env, contact_not_enough: list[str]):
        self.work = {w.lower() for w in env.lexicon_phrases("work-nouns")}
        self.phrases = any_regex(env.lexicon_regex("specific-references"))
        self.contact = any_regex(env.lexicon_regex("contact-references"))
        self.contact_not_enough = set(contact_not_enough)
        self.generic = {w.lower() for w in env.lexicon_phrases("generic-nouns")}
        self._work_phrase = re.compile(
            r"\b(?:your|the)\s+(?:[\w-]+\s+){0,3}(?:%s)s?\s+(?:on|about|at|in|regarding)\s+([\w -]{3,60})"
            % "|".join(map(re.escape, sorted(self.work))) if self.work else r"(?!)",
            re.I,
        )

    def _content(self, tokens, skip=None) -> bool:
        return any(
            t is not skip and t.pos_ in _CONTENT_POS
            and t.lemma_.lower() not in self.generic and t.lower_ not in self.generic
            for t in tokens
        )

    def sentence(self, ctx: Context, sent) -> bool:
        text = sent.text
        if self.phrases is not None and self.phrases.search(text):
            return True
        if (self.contact is not None and ctx.kind not in self.contact_not_enough
                and self.contact.search(text)):
            return True
        if ctx.template and any(sent.start_char <= p.start < sent.end_char for p in ctx.placeholders):
            return True
        match = self._work_phrase.search(text)
        if match and any(
            w.lower() not in self.generic for w in re.findall(r"[A-Za-z]{3,}", match.group(1))
        ):
            return True
        if ctx.degraded:
            return False
        addressed = _YOU.search(text) is not None
        for token in sent:
            lemma = token.lemma_.lower()
            if addressed and (lemma in self.work or token.lower_ in self.work) and token.pos_ in {"NOUN", "PROPN"}:
                for child in token.children:
                    if child.dep_ == "prep" and child.lower_ in _SPEC_PREPS and self._content(child.subtree, child):
                        return True
                    if child.dep_ in _SPEC_DEPS and self._content(child.subtree):
                        return True
                    if child.dep_ == "relcl" and self._content(
                        [t for t in child.subtree if t.dep_ in {"prep", "pobj", "dobj", "compound", "amod"}]
                    ):
                        return True
            if addressed and token.pos_ in {"NOUN", "PROPN"} and lemma not in self.generic and any(
                c.dep_ == "poss" and c.lemma_.lower() in _OWNERS for c in token.children
            ):
                return True
            if lemma in _CONTACT_VERBS and any(
                e.label_ == "PERSON" and e.root.head.i == token.i for e in sent.ents
            ):
                return True
        return False


def compile(spec: RuleSpec, env):
    check: ReferenceCheck = spec.check
    specificity = Specificity(env, check.contact_not_enough)
    openers = phrase_regex(check.phrases)

    def run(ctx: Context):
        sentences = ctx.prose_sentences()
        if check.problem == "missing":
            if not any(specificity.sentence(ctx, s) for s in sentences):
                prose = ctx.sections.prose
                yield Hit("body", prose.start, prose.start, {"phrase": ""})
            return
        if openers is None:
            return
        for field, lo, hi in ctx.scope_spans("opening"):
            for match in openers.finditer(ctx.body, lo, hi):
                sent = ctx.sentence_at(match.start())
                if sent is not None and specificity.sentence(ctx, sent):
                    continue
                yield Hit(field, match.start(), match.end(), {"phrase": match.group(0)})

    return run
