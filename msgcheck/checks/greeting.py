"""``greeting``: the form of the greeting line — informal or generic."""

from __future__ import annotations

import re

from msgcheck.context import Context, Hit
from msgcheck.matching import fold
from msgcheck.spec import GreetingCheck, RuleSpec

PROVIDES = frozenset({"phrase", "title"})
NEEDS = frozenset()
# Titles a recipient may hold that the greeting should keep ("Dr." not "Ms.").
ACADEMIC = {"dr", "doctor", "prof", "professor"}
TITLES = {"dr", "prof", "professor", "mr", "mrs", "ms", "mx", "miss", "doctor", "dean", "sir", "madam"}
# Words that name a role, not a person ("Dear Program Director").
ROLES = {"program", "programme", "director", "directors", "team", "committee", "faculty", "colleague",
         "colleagues", "all", "everyone", "coordinator", "manager", "hiring", "admissions",
         "selection", "members", "member", "there", "respected", "sirs", "friend", "friends"}
_TITLE_FIRST = re.compile(r"^(?:dr|prof|professor|mr|ms|mrs|mx)\.?\s", re.I)
_OPENERS = re.compile(r"^(?:dear|hi|hello|hey|good (?:morning|afternoon|evening))\s+", re.I)


def greeting_name(text: str) -> list[str]:
    """The name words of a greeting ("Dear Dr. Ana Patel" -> ["Ana", "Patel"]), titles dropped."""
    rest = _OPENERS.sub("", text.strip(), count=1)
    if rest == text.strip() and not _TITLE_FIRST.match(rest):
        return []
    words = re.findall(r"[^\W\d_][\w'’-]*\.?", rest)
    return [w.rstrip(".") for w in words if fold(w.rstrip(".")) not in TITLES | ROLES]


def has_title(text: str) -> bool:
    return any(fold(w.rstrip(".")) in TITLES for w in re.findall(r"[\w.]+", text))


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[^\w/ ]+", " ", fold(text)).split())


def _missing_title(ctx: Context, span, text: str):
    """The recipient is "Dr./Prof." in the To line, the greeting uses their name without it."""
    to = ctx.message.to
    if to is None or not to.name:
        return
    recipient_words = [w.strip(".,") for w in to.name.split()]
    title = next((w for w in recipient_words if fold(w) in ACADEMIC), None)
    surnames = {fold(w) for w in recipient_words} - TITLES
    names = {fold(n) for n in greeting_name(text)}
    greeting_titles = {fold(w.rstrip(".")) for w in re.findall(r"[\w.]+", text)}
    if title and names & surnames and not greeting_titles & ACADEMIC:
        if len(names) == 1 and fold(recipient_words[-1]) not in names:
            return  # a first name alone: greeting.informal's case
        yield Hit("body", span.start, span.end, {"phrase": text, "title": title})


def compile(spec: RuleSpec, env):
    check: GreetingCheck = spec.check
    phrases = {_normal(p) for p in check.phrases}

    def run(ctx: Context):
        span = ctx.sections.greeting
        if span is None:
            return
        text = ctx.body[span.start:span.end]
        normal = _normal(text)
        words = normal.split()
        if any(normal == p or (check.problem == "informal" and words[:len(p.split())] == p.split())
               for p in phrases):
            yield Hit("body", span.start, span.end, {"phrase": text})
            return
        if check.problem == "missing-title":
            yield from _missing_title(ctx, span, text)
            return
        if check.problem == "informal" and ctx.kind in check.first_name_only_kinds:
            names = greeting_name(text)
            if len(names) == 1 and not has_title(text) and not ctx.in_placeholder(
                "body", span.start + text.find(names[0]), span.start + text.find(names[0]) + 1
            ):
                yield Hit("body", span.start, span.end, {"phrase": text})

    return run
