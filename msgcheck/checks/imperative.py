"""``imperative``: commands and obligations aimed at the reader ("Send me…", "You must…").

Politeness research (Danescu-Niculescu-Mizil et al., 2013) finds indirect requests ("could you",
"would it be possible") polite and bare imperatives impolite; a "please" softens a command into a
request, so only unsoftened imperatives and explicit obligations are flagged.
"""

from __future__ import annotations

import re

from msgcheck.context import Context, Hit
from msgcheck.matching import phrase_regex
from msgcheck.spec import ImperativeCheck, RuleSpec

PROVIDES = frozenset({"phrase"})
NEEDS = frozenset({"tags", "parse"})
_SOFTENERS = {"please", "kindly", "pls", "plz"}
_LEADING = {"so", "and", "but", "also", "then", "now", "just", "simply", ",", "-", "—", "–"}
# The tagger misreads some sentence-initial verbs ("Forward my CV…" as an adverb, "Email me…" as
# a noun); before "me"/"my" such a word is a command when the parse makes it the root with an
# object, or leaves the sentence verbless and sends the thing somewhere ("Forward" hanging off a
# root "CV" that has "to the coordinator"; "Again my thanks for the call" is no command).
_MISTAGGED_VERB_TAGS = {"RB", "NN", "NNP", "JJ"}
_OBJECT_AFTER = {"me", "my", "us", "our"}
_COMMAND_TAGS = {"VB", "VBP"}
REPLY_VERBS = {"reply", "respond", "revert", "answer", "write"}
_REPLY_AFTER = {"to", "with", "by", "within"}
_NOMINAL = {"NOUN", "PROPN", "PRON"}
_SPLICES = {",", ";", "-", "—", "–"}
_COORDINATORS = {"and", "or", "then"}
_SUBJECTS = {"i", "you"}
_LIST_NUMBER = re.compile(r"\(?(?:\d{1,2}|[a-z])[.)]")
# "could you let me know … and get back to me": a question typed without its "?" is still a request.
_QUESTION_MODALS = {"could", "would", "can", "will"}


def imperative_verb(ctx: Context, sent, polite: set[str]):
    """The verb of an unsoftened imperative sentence (normally its root) that is not one of the
    ``polite`` courtesies (see `courteous`), else None.

    The verb is a token of ``ctx.parsed(sent)`` (offsets from the sentence's start): the tags
    and courtesies rule out most sentences ("Thank you…"), so only the rest are parsed."""
    tokens = [t for t in sent if not t.is_space]
    if not tokens or tokens[-1].text == "?":
        return None
    first = 0
    # A list marker ("•", "1.") is read as a verb by the tagger; the item starts after it.
    while first < len(tokens) and (tokens[first].lower_ in _LEADING
                                   or not any(c.isalnum() for c in tokens[first].text)
                                   or _LIST_NUMBER.fullmatch(tokens[first].text)):
        first += 1
    if first >= len(tokens):
        return None
    verb = tokens[first]
    if verb.lower_ in _SOFTENERS or any(t.lower_ in _SOFTENERS for t in tokens):
        return None
    following = tokens[first + 1].lower_ if first + 1 < len(tokens) else ""
    # "Reply to this email with three times": a call for a reply the tagger reads as a noun.
    reply_call = verb.lower_ in REPLY_VERBS and following in _REPLY_AFTER
    mistagged = verb.tag_ in _MISTAGGED_VERB_TAGS and (following in _OBJECT_AFTER or reply_call)
    # In context the tagger often reads a sentence-initial command as present tense ("Take a look
    # at my CV" as VBP); with no subject in the parse it is still a command.
    if (verb.tag_ not in _COMMAND_TAGS and not mistagged) or courteous(verb, polite):
        return None
    verb = ctx.parsed(sent)[verb.i - sent.start]
    if verb.dep_ == "ROOT":
        if (verb.tag_ != "VB" and not reply_call
                and not any(c.dep_ in {"dobj", "dative"} for c in verb.children)):
            return None
    elif not (mistagged and verb.head.dep_ == "ROOT"
              and verb.head.pos_ in _NOMINAL
              and any(c.lower_ == "to" for c in verb.head.children)) and not leads_splice(verb):
        return None
    if any(c.dep_ in {"nsubj", "nsubjpass", "expl"} for c in verb.children):
        return None
    return verb


def leads_splice(verb) -> bool:
    """"Tell me which rotations helped you, I'm locking mine in": the parser hangs a command with
    an object off the clause comma-spliced after it."""
    head = verb.head
    return (verb.tag_ == "VB" and verb.dep_ in {"advcl", "ccomp", "parataxis"}
            and head.dep_ == "ROOT" and head.i > verb.i
            and any(c.dep_ in {"dobj", "dative"} for c in verb.children)
            and any(c.text in _SPLICES and verb.i < c.i < head.i for c in head.children))


def softened(text: str, start: int, lo: int, phrase: str) -> bool:
    """"Please answer me": a softener just before a listed phrase makes it a request. One that
    opens the sentence also softens a command joined to it ("Kindly treat this as urgent and get
    back to me"), as does a question missing its "?" ("could you check and get back to me"), but
    not an obligation with its own subject ("…, and I need you to reply")."""
    clause = text[lo:start]
    clause = clause[max(clause.rfind(c) for c in ".?!;\n") + 1:]
    before = clause.replace(",", " ").lower().split()
    if not before:
        return False
    if before[-1] in _SOFTENERS:
        return True
    asked = before[0] in _QUESTION_MODALS and before[1:2] == ["you"]
    return (before[-1] in _COORDINATORS and phrase.split()[0].lower() not in _SUBJECTS
            and (asked or any(w in _SOFTENERS for w in before[:-1])))


def courteous(verb, entries: set[str]) -> bool:
    """An entry is a verb ("feel") or a verb and the words after it: "look forward" and "take
    your time" are courtesies, "look over the CV" and "take a look at my CV" commands."""
    words = [verb.lemma_.lower(), *(t.lower_ for t in verb.doc[verb.i + 1:verb.i + 3])]
    return any(" ".join(words[:n]) in entries for n in range(1, len(words) + 1))


def compile(spec: RuleSpec, env):
    check: ImperativeCheck = spec.check
    phrases = phrase_regex(check.phrases)
    polite = {" ".join(v.lower().split()) for v in check.courteous_verbs}

    def run(ctx: Context):
        prose = ctx.sections.prose
        flagged: list[tuple[int, int]] = []
        if phrases is not None:
            for match in phrases.finditer(ctx.body, prose.start, prose.end):
                if softened(ctx.body, match.start(), prose.start, match.group(0)):
                    continue
                flagged.append(match.span())
                yield Hit("body", match.start(), match.end(), {"phrase": match.group(0)})
        if ctx.degraded:
            return
        for sent in ctx.prose_sentences():
            if any(sent.start_char <= s < sent.end_char for s, _ in flagged):
                continue
            verb = imperative_verb(ctx, sent, polite)
            if verb is None:
                continue
            # A misread verb may hang off a verbless root; the command is the root's whole clause.
            clause = verb.head if verb.dep_ != "ROOT" and verb.head.pos_ in _NOMINAL else verb
            start = sent.start_char + verb.idx
            end = sent.start_char + max(
                (t.idx + len(t.text) for t in clause.subtree
                 if t.dep_ != "punct" and not t.is_space),
                default=verb.idx + len(verb.text))
            yield Hit("body", start, end, {"phrase": ctx.body[start:end]})

    return run
