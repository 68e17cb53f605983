"""Find the request sentences ("asks") of a message, shared by every ask rule.

A sentence is a request when it matches a request frame of the `requests` lexicon ("would you be
willing", "could we", "I was wondering if") or is a question addressed to the reader. Social
questions ("how are you?") and courtesy lines ("feel free to…") are not requests; logistics lines
that follow an ask ("please let me know what time suits you") are requests but not new favours.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from msgcheck.context import Context
from msgcheck.matching import any_regex, phrase_regex

# Imperatives that are courtesies, not requests ("Have a good weekend", "Feel free to…").
# "Take a look at my CV" asks; "take care" does not.
_NOT_ASKING = {"have", "enjoy", "feel", "excuse", "forgive", "pardon", "find", "see", "note",
               "thank", "take care", "take your time", "keep", "stay", "be", "allow", "bear",
               "rest", "speak", "talk", "chat"}
# What find_asks reads (rules with scope "asks" need it too).
NEEDS = frozenset({"tags", "parse"})
_YOU = re.compile(r"\b(?:you|your|yours)\b", re.IGNORECASE)
_FIRST_PERSON = re.compile(r"\b(?:i|me|my|we|our)\b", re.IGNORECASE)
# "Reply with the available dates": what the reply must carry is what is asked for.
_REPLY_WITH = re.compile(r"\bwith\s+(?:the|your|a|an|some|two|three|a\s+few|\d+)\s+\w",
                         re.IGNORECASE)
_AFTER_COLON = re.compile(r":\s+")
_LIST_MARKER = re.compile(r"(?:\d{1,2}[.)]|[-*•–])")
_LIST_ITEM = re.compile(r"[ \t]*(?:\d{1,2}[.)]|[-*•–])[ \t]+\S")
_LEADING_MARKER = re.compile(r"(?:\d{1,2}[.)]|[-*•–])\s+")
# A one-paragraph note often runs its sign-off into the ask ("…when you have a moment 🙏 Thank
# you, Yusuf Demir"); the sign-off and name are not part of the request.
_INLINE_SIGN_OFF = re.compile(
    r"\s+(?i:thank\s+you(?:\s+so\s+much)?|thanks|best(?:\s+regards)?|regards|cheers|warmly|sincerely)"
    r"\s*[,!.]?\s+(?:[A-Z][\w'’.-]*\s*){1,4}$",
)
# "Is there a paper I should read?" asks the reader whether something exists.
_IS_THERE = re.compile(r"(?:is|are|was|were|would|could|can|will|do|does|should)\s+there\b", re.I)
# "Please do not feel obliged" is a courtesy, not a request. The softener may open a clause after
# an inline greeting or a preamble ("Dear Dr. Hartman, kindly guide me.").
SOFTENED = re.compile(
    r"(?:^|(?<=[,;:]))\s*(?:please|kindly),?\s+(?:also\s+)?(?!do\s+not\b|don'?t\b)(?:do\s+)?([a-z]+)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Ask:
    start: int
    end: int
    text: str
    logistics: bool
    sent: object  # spacy Span


def _lexicon_regex(ctx: Context, name: str) -> re.Pattern[str] | None:
    lexicon = ctx.lexicons.get(name)
    return any_regex(lexicon.regex) if lexicon else None


def commands_reader(ctx: Context, sent, concrete: re.Pattern[str] | None) -> bool:
    """A bare imperative ("Send me the details.") is a request, however badly phrased; so is a
    softened one ("Kindly consider me…"), whose verb the tagger often misreads after "kindly".
    A call for a reply, softened or not, asks for something only when it names it ("Kindly revert
    about the call", "Reply with times for a Zoom call", "Reply with the available dates");
    "Please reply soon" alone asks for nothing."""
    from msgcheck.checks.imperative import REPLY_VERBS, imperative_verb

    def names_it() -> bool:
        return (bool(concrete and concrete.search(sent.text))
                or _REPLY_WITH.search(sent.text) is not None)

    softened = SOFTENED.search(sent.text.lstrip())
    if softened:
        verb = softened.group(1).lower()
        if verb in REPLY_VERBS:
            return names_it()
        return verb not in _NOT_ASKING
    verb = imperative_verb(ctx, sent, _NOT_ASKING)
    if verb is None:
        return False
    return verb.lower_ not in REPLY_VERBS or names_it()


def find_asks(ctx: Context) -> list[Ask]:
    if "asks" in ctx.cache:
        return ctx.cache["asks"]
    frames = _lexicon_regex(ctx, "requests")
    social = _lexicon_regex(ctx, "not-requests")
    logistics = _lexicon_regex(ctx, "logistics")
    lexicon = ctx.lexicons.get("concrete-asks")
    concrete = phrase_regex(lexicon.phrases) if lexicon else None
    asks = []
    # "I list what I am asking for:" then "1. A 20-minute Zoom call…": each item of a list that a
    # request introduces is a request of its own.
    listing = False
    for sent in ctx.prose_sentences():
        text = sent.text.strip()
        if listing and _LIST_MARKER.fullmatch(text):
            continue
        line_start = ctx.body.rfind("\n", 0, sent.start_char) + 1
        listing = listing and _LIST_ITEM.match(ctx.body, line_start) is not None
        if listing:
            # The line that introduces the list only frames the items; it is no favour of its own.
            if asks[-1].text.endswith(":"):
                asks[-1] = replace(asks[-1], logistics=True)
            marker = _LEADING_MARKER.match(text)
            asks.append(_ask(sent, text, logistics, concrete, marker.end() if marker else 0))
            continue
        if social and social.search(text):
            continue
        # A question asks the reader something unless it is the writer asking themselves
        # ("Why psychiatry? Because…"). After a colon only the question itself counts: "Re my
        # Oct 2 note: still open to a quick Zoom?" asks the reader. A question that names a
        # concrete favour asks the reader for it, even when it mentions the writer ("Is the Zoom
        # from my May note still possible?").
        question = _AFTER_COLON.split(text)[-1]
        is_question = text.endswith("?") and (
            _YOU.search(question) is not None or _FIRST_PERSON.search(question) is None
            or _IS_THERE.match(question) is not None
            or (concrete is not None and concrete.search(question) is not None)
        )
        if not (is_question or (frames and frames.search(text))
                or commands_reader(ctx, sent, concrete)):
            continue
        asks.append(_ask(sent, text, logistics, concrete))
        listing = text.endswith(":")
    ctx.cache["asks"] = asks
    return asks


def _ask(sent, text: str, logistics: re.Pattern[str] | None,
         concrete: re.Pattern[str] | None, skip: int = 0) -> Ask:
    """The ask ``text`` (``sent`` stripped) without its first ``skip`` characters (a list marker)."""
    text = text[skip:]
    sign_off = _INLINE_SIGN_OFF.search(text)
    if sign_off is not None:
        text = text[:sign_off.start()]
    # "…a call at your convenience" names a favour, so it is the ask, not logistics.
    is_logistics = bool(
        logistics and logistics.search(text) and not (concrete and concrete.search(text))
    )
    start = sent.start_char + len(sent.text) - len(sent.text.lstrip()) + skip
    return Ask(start, start + len(text), text, is_logistics, sent)
