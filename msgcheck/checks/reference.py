"""``reference``: a specific, personal reference to the recipient, and stock openers without one.

Specific means a piece of the recipient's work with its topic or occasion ("your grand rounds on
catatonia", "your 2023 paper"), a named mutual contact ("Dr. Okafor suggested I write"), a concrete
feature of their program ("your program's early psychosis clinic"), or the earlier contact
("when we spoke after the session"). "Your work" or "your program" alone is generic.
"""

from __future__ import annotations

import re
from itertools import takewhile

from msgcheck.checks.requests import find_asks
from msgcheck.context import Context, Hit
from msgcheck.matching import any_regex, phrase_regex, token_patterns
from msgcheck.spec import ReferenceCheck, RuleSpec

PROVIDES = frozenset({"phrase"})
NEEDS = frozenset({"tags", "parse", "entities"})
_SPEC_PREPS = {"on", "about", "at", "in", "regarding", "during", "with", "from", "of"}
_SPEC_DEPS = {"compound", "amod", "nummod", "npadvmod", "nmod", "acl", "ccomp", "appos"}
_CONTENT_POS = {"NOUN", "PROPN", "ADJ", "NUM", "VERB"}
_CONTACT_VERBS = {"suggest", "recommend", "refer", "mention", "introduce", "encourage", "advise", "tell", "share"}
_OWNERS = {"program", "programme", "department", "lab", "team", "clinic", "residency", "group", "division", "service"}
_YOU = re.compile(r"\b(?:you|your|yours)\b", re.I)
_READER = {"you", "your", "yours"}
_NOUNS = {"NOUN", "PROPN"}
_NOUN_PHRASE_DEPS = {"compound", "amod", "nmod", "appos", "conj"}
_OBJECT_DEPS = {"dobj", "attr", "oprd"}
_SUBJECT_DEPS = {"nsubj", "nsubjpass"}
_DEFINITE = {"the", "this", "that", "these", "those"}
# A thank-you is specific through what it thanks for: "for showing me the adolescent unit on
# Friday" names an occasion; "for your time and the conversation" names only the contact.
_THANKS_FOR = re.compile(r"\b(?:thank\s+you|thanks)\b[^.?!]*?\bfor\b", re.I)
_CONTACT_NOUNS = {"conversation", "meeting", "call", "chat", "email", "message", "note", "reply",
                  "response", "discussion", "time", "day", "week", "month", "year", "morning",
                  "afternoon", "evening", "yesterday", "today", "kindness", "generosity",
                  "patience", "support", "consideration", "attention"}
# Two things named after "thank you for" make the thanks specific.
MIN_THANKED_NOUNS = 2
# "Thanks for suggesting I publish my audit": thanking for advice that names its subject names
# the point taken away.
_ADVICE_VERBS = {"suggest", "advise", "recommend", "encourage", "remind", "explain", "show",
                 "point", "tell", "teach", "clarify", "walk"}
# "CK moves to March, as advised": a sentence reporting the advice acted on.
_AS_ADVISED = re.compile(
    r"\bas\s+(?:you\s+)?(?:advised|suggested|recommended)\b"
    r"|\b(?:following|per|taking|on)\s+your\s+(?:advice|suggestions?|recommendations?|tips?)\b",
    re.I,
)
MIN_ADVICE_NOUNS = 2
# "The point that residents keep the same patients from PGY-2 to PGY-4": what the reader said,
# by its content (group 1). Not a relative clause ("the advice that you gave me") or the writer's
# own idea ("the point that I want to make").
_SAID_THAT = re.compile(
    r"\b(?:the|your)\s+(?:[\w-]+\s+)?(?:point|advice|suggestion|tip|explanation|remark|observation"
    r"|reminder|argument)\s+that\s+(?!(?:i|we|my|our|you|he|she|they|it)\b)([^.?!]{3,80})",
    re.I,
)
# "you described the four-week consultation-liaison block": what the reader wrote, presented or
# runs, named with two nouns ("you lead a busy team" names only one).
MIN_MADE_NOUNS = 2
_BETWEEN_YOU_AND_VERB = {"AUX", "ADV", "PART"}
# "your eating disorders elective", "its refugee mental health clinic": topic words before the
# work noun. Read from tags, not the parse: the parser often takes the work noun for an adjective.
_PREMODIFIED_OWNERS = {"your", "its"}
MAX_PREMODIFIERS = 4
_PREMODIFIER_POS = {"ADJ", "NOUN", "PROPN", "NUM", "VERB", "PUNCT"}
# The object ends at a conjunction, a relative pronoun or the next finite verb: "you teach
# residents, and I hope to join the program next year" names only what follows "teach".
_OBJECT_ENDS_TAGS = {"CC", "WDT", "WP", "VBD", "VBP", "VBZ", "MD"}


# Objects of a preposition that name no topic wherever the parser attaches them: a span of time
# ("followed your department's work with great interest for several years") and the idiom
# "keep your advice in mind".
_NO_TOPIC_OBJECTS = {"year", "month", "week", "day", "decade", "time", "while", "semester", "mind"}


def _topic_tokens(prep) -> list:
    """The words under ``prep`` that can name a topic: not an owner ("the work of your lab"), a
    span of time ("with interest for several years") or "in mind"."""
    dropped = {t.i for p in prep.subtree if p.dep_ == "prep"
               and any(c.dep_ == "pobj" and c.lemma_.lower() in _NO_TOPIC_OBJECTS for c in p.children)
               for t in p.subtree}
    return [t for t in prep.subtree if t.i not in dropped and t.lemma_.lower() not in _OWNERS]


def _in_object(token) -> bool:
    return token.tag_ not in _OBJECT_ENDS_TAGS and token.pos_ != "SCONJ" and (
        not token.is_punct or token.text == "-")


def _readers(token) -> bool:
    """Whether the noun phrase around ``token`` points at the reader's work: "your paper on …",
    "the talk you gave on …", "your description of the refugee family clinic", "your residents
    run a weekend consult clinic", "the June observership". Not the writer's or nobody's: "my
    third-year rotation", "every other program in America", "how physicians continue sleep
    research"."""
    top = token
    while True:
        if top.dep_ in _NOUN_PHRASE_DEPS and top.head.pos_ in _NOUNS and top.head.i != top.i:
            top = top.head
        elif top.dep_ == "pobj" and top.head.dep_ == "prep" and top.head.head.pos_ in _NOUNS:
            top = top.head.head
        else:
            break
    if any(t.lower_ in _READER for t in top.subtree):
        return True
    # "your residents run a weekend clinic", "your program launched a community track": the
    # reader or the reader's people made it. In a sentence addressed to the reader, "the
    # residents" are the reader's too ("on your website I read that the residents run a
    # buprenorphine clinic").
    if top.dep_ in _OBJECT_DEPS and any(
        c.dep_ in _SUBJECT_DEPS and any(
            t.lower_ in _READER or (t.dep_ == "det" and t.head == c and t.lower_ in _DEFINITE)
            for t in c.subtree)
        for c in top.head.children
    ):
        return True
    # "how much that one question told us": the parser sometimes takes a determiner for a mark.
    before = top.doc[top.left_edge.i - 1] if top.left_edge.i > 0 else None
    determiners = [c for c in top.children if c.dep_ == "det"]
    determiners += [before] if before is not None and before.tag_ == "DT" else []
    return any(d.lower_ in _DEFINITE for d in determiners)


def _hyphenated(token) -> str:
    """The whole hyphenated word ``token`` is part of: "world-class" for "class", which the
    tokenizer splits into "world", "-", "class"."""
    doc, first, last = token.doc, token.i, token.i
    while first >= 2 and doc[first - 1].text == "-" and not doc[first - 2].whitespace_ \
            and not doc[first - 1].whitespace_:
        first -= 2
    while last + 2 < len(doc) and doc[last + 1].text == "-" and not doc[last].whitespace_ \
            and not doc[last + 1].whitespace_:
        last += 2
    return doc[first:last + 1].text.lower()


def _work_phrase(nouns: set[str]) -> re.Pattern[str]:
    """"your 2023 paper on clozapine adherence": a work noun, then its topic (group 1)."""
    return re.compile(
        # "your webinar last month on gambling disorder": the occasion may come before the topic.
        r"\b(?:your|its|the)\s+(?:[\w-]+\s+){0,3}(?:%s)s?\s+(?:(?:last|this|earlier\s+this)\s+"
        r"(?:week|month|year|spring|summer|fall|autumn|winter)\s+|yesterday\s+)?"
        # "keep your advice in mind" is an idiom, not a topic.
        r"(?:on|about|at|in|regarding)\s+(?!mind\b)"
        r"([\w -]{3,60})"
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
        self.verbs = {w.lower() for w in env.lexicon_phrases("work-verbs")}
        self._work_phrase = _work_phrase(self.work)
        self._work_phrase_when_asking = _work_phrase(self.work_when_asking)

    def _content(self, tokens, skip=None) -> bool:
        return any(
            t is not skip and t.pos_ in _CONTENT_POS
            and t.lemma_.lower() not in self.generic and t.lower_ not in self.generic
            and _hyphenated(t) not in self.generic
            for t in tokens
        )

    def _named(self, tokens) -> set[str]:
        """The things ``tokens`` name, beyond generic words and the contact itself."""
        return {
            t.lemma_.lower() for t in tokens
            if t.pos_ in {"NOUN", "PROPN"}
            and t.lemma_.lower() not in self.generic and t.lemma_.lower() not in _CONTACT_NOUNS
        }

    def _thanks_for_something(self, sent) -> bool:
        match = _THANKS_FOR.search(sent.text)
        if match is None:
            return False
        after = [t for t in sent if t.idx >= sent.start_char + match.end() and t.pos_ != "ADV"]
        if after and after[0].lemma_.lower() in _ADVICE_VERBS:
            return bool(self._named(after[1:]))
        return len(self._named(after)) >= MIN_THANKED_NOUNS

    def _acted_on_advice(self, sent) -> bool:
        match = _AS_ADVISED.search(sent.text)
        if match is None:
            return False
        lo, hi = sent.start_char + match.start(), sent.start_char + match.end()
        return len(self._named(t for t in sent if not lo <= t.idx < hi)) >= MIN_ADVICE_NOUNS

    def _premodified_work(self, sent, work: set[str]) -> bool:
        tokens = list(sent)
        for i, token in enumerate(tokens):
            if token.lower_ not in _PREMODIFIED_OWNERS:
                continue
            modifiers = []
            for nxt in tokens[i + 1:i + 2 + MAX_PREMODIFIERS]:
                if modifiers and nxt.lower_ in work and self._content(modifiers):
                    return True
                # "your hospital's addiction consult service": the words before "'s" name the
                # owner, not the topic.
                if nxt.tag_ == "POS":
                    modifiers = []
                    continue
                if nxt.pos_ not in _PREMODIFIER_POS or (nxt.is_punct and nxt.text != "-"):
                    break
                modifiers.append(nxt)
        return False

    def _reader_made(self, sent) -> bool:
        """"you co-chair the resident wellness committee", "the rotation you described at the
        Prairie open house": the reader wrote, presented or runs something named."""
        tokens = list(sent)
        for i, token in enumerate(tokens):
            if token.lower_ != "you":
                continue
            j = i + 1
            # "you have also co-authored": auxiliaries, adverbs and a "co-" prefix come between.
            while j < len(tokens) and (tokens[j].pos_ in _BETWEEN_YOU_AND_VERB
                                       or tokens[j].lower_ in {"co", "-"}):
                j += 1
            if j == len(tokens) or tokens[j].lemma_.lower() not in self.verbs:
                continue
            if len(self._named(takewhile(_in_object, tokens[j + 1:]))) >= MIN_MADE_NOUNS:
                return True
        return False

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
        for match in (match, _SAID_THAT.search(text)):
            if match and any(
                w.lower() not in self.generic for w in re.findall(r"[A-Za-z]{3,}", match.group(1))
            ):
                return True
        if ctx.degraded:
            return False
        if ctx.kind in self.contact_not_enough and self._thanks_for_something(sent):
            return True
        if (self._acted_on_advice(sent) or self._premodified_work(sent, work)
                or (not asking and self._reader_made(sent))):
            return True
        addressed = _YOU.search(text) is not None
        contacts = [t.i - sent.start for t in sent if t.lemma_.lower() in _CONTACT_VERBS]
        if not (addressed or contacts):
            return False  # nothing below can hold: leave the sentence unparsed
        parsed = ctx.parsed(sent)
        if addressed:
            for token in parsed:
                lemma = token.lemma_.lower()
                # "[value proposition summary]": an unfilled slot names nothing yet.
                if token.pos_ not in {"NOUN", "PROPN"} or ctx.in_placeholder(
                        "body", sent.start_char + token.idx, sent.start_char + token.idx + len(token)):
                    continue
                # "your advice on how physicians continue sleep research": only the reader's
                # work noun ("your paper on …", "the talk you gave on …") is a reference.
                if (lemma in work or token.lower_ in work) and _readers(token):
                    for child in token.children:
                        if child.dep_ == "prep" and child.lower_ in _SPEC_PREPS and self._content(
                            _topic_tokens(child), child
                        ):
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
    tokens = token_patterns(env.vocab, spec.id, check.patterns)

    def stock_phrases(ctx: Context, lo: int, hi: int) -> list[tuple[int, int]]:
        found = [(m.start(), m.end()) for m in openers.finditer(ctx.body, lo, hi)] if openers else []
        return found + (tokens.spans(ctx, lo, hi) if tokens is not None else [])

    def run(ctx: Context):
        sentences = ctx.prose_sentences()
        if check.problem == "missing":
            if not any(specificity.sentence(ctx, s) for s in sentences):
                prose = ctx.sections.prose
                yield Hit("body", prose.start, prose.start, {"phrase": ""})
            return
        for field, lo, hi in ctx.scope_spans("opening"):
            # One finding per sentence, from its first stock phrase to the end of its last:
            # "came across your profile and was impressed by your work" is one opener.
            spans: dict[int, tuple[int, int, object]] = {}
            for start, end in stock_phrases(ctx, lo, hi):
                sent = ctx.sentence_at(start)
                key = sent.start_char if sent is not None else start
                first, last, _ = spans.get(key, (start, end, sent))
                spans[key] = (min(first, start), max(last, end), sent)
            for start, end, sent in sorted(spans.values(), key=lambda span: span[0]):
                if sent is None or not specificity.sentence(ctx, sent):
                    yield Hit(field, start, end, {"phrase": ctx.body[start:end]})

    return run
