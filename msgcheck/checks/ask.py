"""``ask``: is there one specific request, and is it appropriate at this stage?"""

from __future__ import annotations

import re
from itertools import pairwise

from msgcheck.checks.requests import SOFTENED, Ask, commands_reader, find_asks
from msgcheck.context import Context, Hit
from msgcheck.matching import any_regex, phrase_regex
from msgcheck.spec import AskCheck, RuleSpec

PROVIDES = frozenset({"count", "favour", "favours", "phrase"})
NEEDS = frozenset({"tags", "parse"})
# After these words a favour is the topic of the ask, not the ask ("a call about research",
# "a letter describing my work with the research assistants").
_TOPIC_MARKER = re.compile(
    r"\b(?:about|on|regarding|concerning|discuss|discussing|related to|around|for|ask|asking"
    r"|learn|learning|advice|how|whether|so (?:that )?i|describing|highlighting|mentioning"
    r"|covering)\b",
    re.I,
)
# "Although we have not met, would you…": a clause before the first request frame is context.
_CONTEXT_CLAUSE = re.compile(
    r"\s*(?:although|though|even\s+though|since|as|because|while|whereas|if|when|after|before"
    r"|given|now\s+that|unless)\b",
    re.I,
)
# "As I begin this long road toward residency, I would be grateful for…": the clause before a
# request frame sets the scene; only the request itself can make the ask specific.
_CLAUSE_END = re.compile(r"[,;]\s*(?:and\s+|so\s+|but\s+)?$")
# "Please find attached my paragraph. Would you tell me whether it reads well?": the pronoun
# carries the concrete thing named just before.
_PRONOUNS = {"it", "them", "this", "these"}
_OBJECT_PRONOUN = re.compile(r"\b(?:it|them)\b", re.I)
_TOPIC_PREPS = {"on", "about", "regarding", "concerning", "for", "with", "around", "into"}
_CONTENT_POS = {"NOUN", "PROPN", "VERB", "ADJ", "NUM"}
_NOUN_POS = {"NOUN", "PROPN", "NUM"}
_CLAUSE_DEPS = {"ccomp", "xcomp"}
_WH_WORDS = {"how", "whether", "what", "which", "why", "where", "when"}
# An ask naming this many specific things ("your ERAS application as an IMG") is concrete.
MIN_SPECIFIC_NOUNS = 2


def _favours_in(text: str, favours: dict[str, re.Pattern[str]],
                frames: re.Pattern[str] | None = None, request_start: int = 0) -> list[str]:
    """The favours an ask names, in order of appearance.

    With ``frames`` (the request frames), each frame starts a request clause ("Could you review
    my CV, and would you also have time for a call?"); within a clause, a favour after a topic
    marker that follows its first favour is the topic of that request ("a call about research"),
    not another favour. A favour named wholly inside a subordinate clause before the first frame is
    context, not a request ("Although we have not had the chance to meet, would you…"); so is one
    named wholly before ``request_start`` ("I spent eight weeks as an observer, and I am writing to
    ask about a letter")."""
    starts = [m.start() for m in frames.finditer(text)] if frames is not None else []
    first_frame = max(request_start, starts[0] if starts and _CONTEXT_CLAUSE.match(text) else 0)
    found = sorted(
        (m.start(), name) for name, pattern in favours.items()
        if (m := next((m for m in pattern.finditer(text) if m.end() > first_frame), None))
    )
    if frames is None:
        return [name for _, name in found]
    bounds = [0, *(s for s in starts if s > 0), len(text)]
    kept: list[tuple[int, str]] = []
    for lo, hi in pairwise(bounds):
        inside = [f for f in found if lo <= f[0] < hi]
        marker = _TOPIC_MARKER.search(text, inside[0][0] + 1, hi) if inside else None
        kept += [f for f in inside if marker is None or f[0] < marker.start()]
    return [name for _, name in kept]


def _favour_pattern(phrases: list[str], regexes: list[str]) -> re.Pattern[str] | None:
    parts = [p.pattern for p in (phrase_regex(phrases), any_regex(regexes)) if p is not None]
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


def _request_start(ctx: Context, ask: Ask, frames: re.Pattern[str] | None,
                   concrete: re.Pattern[str] | None) -> int:
    """Where the request begins in ``ask.text``: at its first frame when a clause precedes it,
    unless that clause is a command of its own ("Reply with two times for a call, and I need…").
    A softened command after a preamble starts there ("Dear Dr. Hartman, kindly guide me")."""
    frame = frames.search(ask.text) if frames is not None else None
    softened = SOFTENED.search(ask.text)
    if softened is not None and softened.start() > 0 and (frame is None
                                                          or frame.start() >= softened.start()):
        return softened.start()
    if frame is None or not _CLAUSE_END.search(ask.text, 0, frame.start()):
        return 0
    return 0 if commands_reader(ctx, ask.sent, concrete) else frame.start()


def _has_topic(ctx: Context, ask: Ask, heads: set[str], generic: set[str], lo: int) -> bool:
    """"advice on how to prioritize programs": a topic head with a specific object, at or after
    ``lo`` (an offset into ``ask.text``)."""
    if ctx.degraded:
        match = re.search(
            r"\b(?:%s)\s+(?:on|about|regarding|for)\s+(.{3,})" % "|".join(map(re.escape, heads)),
            ask.text[lo:], re.I,
        )
        return bool(match) and any(w.lower() not in generic for w in re.findall(r"\w+", match.group(1)))
    candidates = [t.i - ask.sent.start for t in ask.sent
                  if ask.start + lo <= t.idx < ask.end
                  and (t.lemma_.lower() in heads or t.lower_ in heads)]
    if not candidates:
        return False
    parsed = ctx.parsed(ask.sent)

    def specific(tokens, pos) -> bool:
        return any(t.pos_ in pos and t.lemma_.lower() not in generic and t.lower_ not in generic
                   for t in tokens)

    for token in (parsed[i] for i in candidates):
        for child in token.children:
            if child.dep_ == "prep" and child.lower_ in _TOPIC_PREPS:
                if specific((t for t in child.subtree if t is not child), _CONTENT_POS):
                    return True
            # "ask how you got residents to use it": a wh-clause is a topic when it names a
            # thing; its verbs are only the clause's frame ("ask how you built your career").
            elif (child.dep_ in _CLAUSE_DEPS
                  and any(t.lower_ in _WH_WORDS for t in child.children)
                  and specific(child.subtree, _NOUN_POS)):
                return True
    return False


def _specific_nouns(ask: Ask, generic: set[str], lo: int) -> int:
    return sum(
        1 for t in ask.sent
        if ask.start + lo <= t.idx < ask.end and t.pos_ in {"NOUN", "PROPN", "NUM"}
        and t.lemma_.lower() not in generic and t.lower_ not in generic
    )


def compile(spec: RuleSpec, env):
    check: AskCheck = spec.check
    concrete = phrase_regex(env.lexicon_phrases("concrete-asks"))
    favours = {
        name: pattern
        for name in {**check.favours, **check.favour_regex}
        if (pattern := _favour_pattern(check.favours.get(name, []),
                                       check.favour_regex.get(name, [])))
    }
    heads = {h.lower() for h in check.topic_heads}
    generic = {w.lower() for w in env.lexicon_phrases("generic-nouns")}
    frames = any_regex(env.lexicon_regex("requests"))

    def sentence_before(ctx: Context, ask: Ask):
        before = [s for s in ctx.prose_sentences() if s.end_char <= ask.start]
        return before[-1] if before else None

    def refers_back(ctx: Context, ask: Ask) -> bool:
        """The ask points ("it") at a concrete thing named in the sentence before it."""
        if concrete is None or not any(t.pos_ == "PRON" and t.lower_ in _PRONOUNS
                                       for t in ask.sent):
            return False
        before = sentence_before(ctx, ask)
        return before is not None and concrete.search(before.text) is not None

    def favours_of(ctx: Context, ask: Ask) -> list[str]:
        """The favours ``ask`` names, including one it names by a pronoun whose noun is in the
        sentence before ("I send my CV in attachment. Take a look at it…"): read as one sentence,
        a pattern that reaches into the ask counts, one wholly before it does not."""
        lo = _request_start(ctx, ask, frames, concrete)
        names = _favours_in(ask.text, favours, frames, lo)
        before = sentence_before(ctx, ask) if _OBJECT_PRONOUN.search(ask.text) else None
        if before is not None:
            joined = before.text.strip().rstrip(".!") + "; " + ask.text
            offset = len(joined) - len(ask.text)
            names += [n for n in _favours_in(joined, favours, frames, offset + lo)
                      if n not in names]
        return names

    def is_specific(ctx: Context, ask: Ask) -> bool:
        lo = _request_start(ctx, ask, frames, concrete)
        if concrete is not None and concrete.search(ask.text, lo):
            return True
        if ctx.template and any(
            ask.start <= p.start < ask.end for p in ctx.placeholders
        ):
            return True
        if _has_topic(ctx, ask, heads, generic, lo) or refers_back(ctx, ask):
            return True
        return not ctx.degraded and _specific_nouns(ask, generic, lo) >= MIN_SPECIFIC_NOUNS

    def run(ctx: Context):
        asks = find_asks(ctx)
        prose = ctx.sections.prose
        if check.problem == "missing":
            if not asks:
                yield Hit("body", prose.end, prose.end, {"count": 0})
            return
        if check.problem == "vague":
            main = [a for a in asks if not a.logistics]
            if main and not any(is_specific(ctx, a) for a in main):
                for ask in main:
                    yield Hit("body", ask.start, ask.end, {"phrase": ask.text})
            return
        if check.problem == "multiple":
            main = [a for a in asks if not a.logistics]
            seen: list[str] = []
            for ask in main:
                for name in favours_of(ctx, ask):
                    if name not in seen:
                        seen.append(name)
            if len(seen) > 1 or len(main) > check.max_asks:
                last = main[-1]
                data = {"count": max(len(seen), len(main)), "favours": ", ".join(seen)}
                yield Hit("body", main[0].start, last.end, data)
            return
        if check.problem == "transactional":
            for ask in asks:
                for name in _favours_in(ask.text, favours):
                    match = favours[name].search(ask.text)
                    start = ask.start + match.start()
                    yield Hit("body", start, start + len(match.group(0)),
                              {"favour": name, "phrase": match.group(0)})
                    break

    return run
