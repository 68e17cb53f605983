"""``languagetool``: grammar findings ``grammar.<LanguageTool rule id>`` from the user's server.

Off unless the settings name a server. Matches inside placeholders, names, URLs and email
addresses are dropped (LanguageTool does not know them); quoted replies are never sent.
"""

from __future__ import annotations

import re

from msgcheck.context import Context, Hit
from msgcheck.spec import RuleSpec

PROVIDES = frozenset({"message", "lt_rule"})
NEEDS = frozenset({"tags", "entities"})
_URL_OR_EMAIL = re.compile(r"\b(?:https?://|www\.)\S+|\b[\w.+-]+@[\w-]+\.[\w.-]+")
_NAME_ENTITIES = {"PERSON", "ORG", "GPE", "FAC", "NORP", "PRODUCT", "WORK_OF_ART", "EVENT"}


def grammar_rule_id(lt_rule: str) -> str:
    return "grammar." + re.sub(r"[^a-z0-9]+", "-", lt_rule.lower()).strip("-")


def _skipped(ctx: Context, start: int, end: int, text: str) -> bool:
    if ctx.in_placeholder("body", start, end) or any(
        p.start < end and start < p.end for p in ctx.placeholders
    ):
        return True
    if any(m.start() < end and start < m.end() for m in _URL_OR_EMAIL.finditer(text)):
        return True
    span = ctx.doc.char_span(start, end, alignment_mode="expand")
    return span is not None and any(
        t.pos_ == "PROPN" or ctx.entity_type(t) in _NAME_ENTITIES for t in span
    )


def compile(spec: RuleSpec, env):
    settings = env.config.languagetool
    if settings is None:
        return lambda ctx: ()
    from msgcheck.grammar import GrammarUnavailable, LanguageToolClient

    client = LanguageToolClient(settings)

    def run(ctx: Context):
        text = ctx.doc.text
        try:
            matches = client.check(text)
        except GrammarUnavailable as exc:
            yield Hit("body", 0, 0, {"message": f"LanguageTool unavailable: {exc}", "lt_rule": ""},
                      rule_id="internal.grammar-unavailable", severity="info")
            return
        for match in matches:
            start = max(0, min(match.offset, len(text)))
            end = max(start, min(start + match.error_length, len(text)))
            if _skipped(ctx, start, end, text):
                continue
            replacement = match.replacements[0] if match.replacements else None
            yield Hit("body", start, end, {"message": match.message, "lt_rule": match.rule_id},
                      replacement=replacement, rule_id=grammar_rule_id(match.rule_id))

    return run
