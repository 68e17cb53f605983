"""``metric``: a measurement of the message against per-kind minimum and maximum."""

from __future__ import annotations

from msgcheck.context import Context, Hit
from msgcheck.matching import count_words
from msgcheck.spec import MetricCheck, RuleSpec

PROVIDES = frozenset({"value", "limit", "unit"})
NEEDS = frozenset()
# Readability formulas are noise on a few words.
MIN_WORDS_FOR_GRADE = 40


def prose_text(ctx: Context) -> str:
    prose = ctx.sections.prose
    return ctx.body[prose.start:prose.end]


def reading_grade(text: str) -> float | None:
    if count_words(text) < MIN_WORDS_FOR_GRADE:
        return None
    import textstat

    from msgcheck.syllables import install

    install()
    return round(float(textstat.flesch_kincaid_grade(text)), 1)


def measure(ctx: Context, metric: str) -> tuple[float | None, str, tuple[str, int, int]]:
    """(value, unit, (field, start, end) to point at)."""
    prose = ctx.sections.prose
    subject = ctx.message.subject or ""
    if metric == "prose_words":
        return count_words(prose_text(ctx)), "words", ("body", prose.start, prose.end)
    if metric == "message_chars":
        text = ctx.body[:ctx.new_text_end].strip()
        return len(text), "characters", ("body", 0, ctx.new_text_end)
    if metric == "subject_chars":
        return (len(subject) if subject else None), "characters", ("subject", 0, len(subject))
    if metric == "subject_words":
        return (count_words(subject) if subject else None), "words", ("subject", 0, len(subject))
    if metric == "reading_grade":
        if "reading_grade" not in ctx.cache:
            ctx.cache["reading_grade"] = reading_grade(prose_text(ctx))
        return ctx.cache["reading_grade"], "grade", ("body", prose.start, prose.end)
    raise ValueError(metric)


def compile(spec: RuleSpec, env):
    check: MetricCheck = spec.check

    def run(ctx: Context):
        metric = check.metric_for.get(ctx.kind, check.metric)
        value, unit, (field, start, end) = measure(ctx, metric)
        if value is None:
            return
        low, high = check.min.get(ctx.kind), check.max.get(ctx.kind)
        if high is not None and value > high:
            yield Hit(field, start, end, {"value": value, "limit": _num(high), "unit": unit})
        elif low is not None and value < low:
            yield Hit(field, start, end, {"value": value, "limit": _num(low), "unit": unit})

    return run


def _num(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value
