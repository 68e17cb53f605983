"""``reference``: a specific, personal reference to the recipient, and stock openers without one.

Specific means a piece of the recipient's work with its topic or occasion ("your grand rounds on
catatonia", "your 2023 paper"), a named mutual contact ("Dr. Okafor suggested I write"), a concrete
feature of their program ("your program's early psychosis clinic"), or the earlier contact
("when we spoke after the session"). "Your work" or "your program" alone is generic.
"""

from __future__ import annotations

import re

from msgcheck.checks.requests import find_asks
from msgcheck.context import Context, Hit
from msgcheck.matching import any_regex, phrase_regex
from msgcheck.spec import ReferenceCheck, RuleSpec

PROVIDES = frozenset({"phrase"})
NEEDS = frozenset({"tags", "parse", "entities"})
_SPEC_PREPS = {"on", "about", "at", "in", "regarding", "during", "with", "from", "of"}
_SPEC_DEPS = {"compound", "amod", "nummod", "npadvmod", "nmod", "acl", "ccomp", "appos"}
_CONTENT_POS = {"NOUN", "PROPN", "ADJ", "NUM", "VERB"}
_CONTACT_VERBS = {"suggest", "recommend", "refer", "mention", "introduce", "encourage", "advise", "tell", "share"}
_OWNERS = {"program", "programme", "department", "lab", "team", "clinic", "residency", "group", "division", "service"}
_YOU = re.compile(r"\b(?:you|your|yours)\b", re.I)
# A thank-you is specific through what it thanks for: "for showing me the adolescent unit on
# Friday" names an occasion; "for your time and the conversation" names only the contact.
_THANKS_FOR = re.compile(r"\b(?:thank\s+you|thanks)\b[^.?!]*?\bfor\b", re.I)
_CONTACT_NOUNS = {"conversation", "meeting", "call", "chat", "email", "message", "note", "reply",
                  "response", "discussion", "time", "day", "week", "morning", "afternoon",
                  "evening", "yesterday", "today", "kindness", "generosity", "patience",
                  "support", "consideration", "attention"}
# Two things named after "thank you for" make the thanks specific.
MIN_THANKED_NOUNS = 2


def _work_phrase(nouns: set[str]) -> re.Pattern[str]:
    """"your 2023 paper on clozapine adherence": a work noun, then its topic (group 1)."""
    return re.compile(
        r"\b(?:your|the)\s+(?:[\w-]+\s+){0,3}(?:%s)s?\s+(?:on|about|at|in|regarding)\s+([\w -]{3,60})"
        % "|".join(map(re.escape, sorted(nouns))) if nouns else r"(?!)",
        re.I,
    )


class Specificity:
    """Decides whether a sentence carries a specific reference (shared by both problems)."""

    def __init__(self, env, contact_not_enough: list[str]):
        self.work = {w.lower() for w in env.lexicon_phrases("work-nouns")}
        # In a request, "your advice on X" names the favour, not the reader's work.
        self.work_when_asking = self.work - {w.lower() for w in env.lexicon_phrases("requested-nouns")}
        self.phrases = any_regex(env.lexicon_regex("specific-references"))
        self.contact = any_regex(env.lexicon_regex("contact-references"))
        self.contact_not_enough = set(contact_not_enough)
        self.generic = {w.lower() for w in env.lexicon_phrases("generic-nouns")}
        self._work_phrase = _work_phrase(self.work)
        self._work_phrase_when_asking = _work_phrase(self.work_when_asking)

    def _content(self, tokens, skip=None) -> bool:
        return any(
            t is not skip and t.pos_ in _CONTENT_POS
            and t.lemma_.lower() not in self.generic and t.lower_ not in self.generic
            for t in tokens
        )

    def _thanks_for_something(self, sent) -> bool:
        match = _THANKS_FOR.search(sent.text)
        if match is None:
            return False
        after = sent.start_char + match.end()
        named = {
            t.lemma_.lower() for t in sent
            if t.idx >= after and t.pos_ in {"NOUN", "PROPN"}
            and t.lemma_.lower() not in self.generic and t.lemma_.lower() not in _CONTACT_NOUNS
        }
        return len(named) >= MIN_THANKED_NOUNS

    def sentence(self, ctx: Context, sent) -> bool:
        text = sent.text
        if self.phrases is not None and self.phrases.search(text):
            return True
        if (self.contact is not None and ctx.kind not in self.contact_not_enough
                and self.contact.search(text)):
            return True
        if ctx.template and any(sent.start_char <= p.start < sent.end_char for p in ctx.placeholders):
            return True
        asking = any(ask.sent.start == sent.start for ask in find_asks(ctx))
        work = self.work_when_asking if asking else self.work
        match = (self._work_phrase_when_asking if asking else self._work_phrase).search(text)
        if match and any(
            w.lower() not in self.generic for w in re.findall(r"[A-Za-z]{3,}", match.group(1))
        ):
            return True
        if ctx.degraded:
            return False
        if ctx.kind in self.contact_not_enough and self._thanks_for_something(sent):
            return True
        addressed = _YOU.search(text) is not None
        contacts = [t.i - sent.start for t in sent if t.lemma_.lower() in _CONTACT_VERBS]
        if not (addressed or contacts):
            return False  # nothing below can hold: leave the sentence unparsed
        parsed = ctx.parsed(sent)
        if addressed:
            for token in parsed:
                lemma = token.lemma_.lower()
                if token.pos_ not in {"NOUN", "PROPN"}:
                    continue
                if lemma in work or token.lower_ in work:
                    for child in token.children:
                        if child.dep_ == "prep" and child.lower_ in _SPEC_PREPS and self._content(child.subtree, child):
                            return True
                        if child.dep_ in _SPEC_DEPS and self._content(child.subtree):
                            return True
                        if child.dep_ == "relcl" and self._content(
                            [t for t in child.subtree if t.dep_ in {"prep", "pobj", "dobj", "compound", "amod"}]
                        ):
                            return True
                if lemma not in self.generic and any(
                    c.dep_ == "poss" and c.lemma_.lower() in _OWNERS for c in token.children
                ):
                    return True
        if contacts:
            # "Dr. Okafor suggested I write": a person who is the subject of a contact verb.
            named = ctx.named(sent)
            return any(
                e.label_ == "PERSON" and e.root.head.i in contacts for e in named.ents
            )
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
