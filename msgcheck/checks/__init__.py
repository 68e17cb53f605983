"""The closed set of check kinds. Each module compiles a rule's data into a check function.

A check module exposes ``PROVIDES`` (the message placeholders its hits bind), ``NEEDS`` (the
analysis layers it reads: ``tags``, ``parse``, ``entities``; see msgcheck.nlp) and
``compile(spec, env)`` returning ``check(ctx) -> iterable of Hit``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from types import ModuleType

from msgcheck.checks import (
    ask,
    cadence,
    capitals,
    existence,
    external,
    greeting,
    imperative,
    languagetool,
    metric,
    name_match,
    placeholder,
    politeness,
    presence,
    python,
    reference,
    requests,
    spelling,
    template_slots,
)
from msgcheck.checks.env import Env
from msgcheck.context import Context, Hit
from msgcheck.spec import RuleSpec

CheckFn = Callable[[Context], Iterable[Hit]]

KINDS: dict[str, ModuleType] = {
    "existence": existence,
    "metric": metric,
    "presence": presence,
    "ask": ask,
    "reference": reference,
    "imperative": imperative,
    "capitals": capitals,
    "greeting": greeting,
    "name-match": name_match,
    "placeholder": placeholder,
    "batch": external,
    "engine": external,
    "python": python,
    "spelling": spelling,
    "languagetool": languagetool,
    "cadence": cadence,
    "template-slots": template_slots,
    "politeness": politeness,
}


def compile_rule(spec: RuleSpec, env: Env) -> CheckFn:
    return KINDS[spec.check.kind].compile(spec, env)


def provides(spec: RuleSpec) -> frozenset[str]:
    if spec.check.kind == "python":
        return frozenset(spec.check.provides)
    return KINDS[spec.check.kind].PROVIDES


def needs(spec: RuleSpec) -> frozenset[str]:
    """The analysis layers a rule reads. Built-in kinds take a parse and entities per sentence,
    on demand (``ctx.parsed``, ``ctx.named``); a python check gets its ``needs`` over the whole
    ``ctx.doc``."""
    check = spec.check
    if check.kind == "python":
        return frozenset(check.needs)
    found = set(KINDS[check.kind].NEEDS)
    scopes = getattr(check, "scope", None)
    if "asks" in (scopes if isinstance(scopes, list) else [scopes]):
        found |= requests.NEEDS
    if getattr(check, "patterns", None):
        found.add("tags")  # token patterns match tags, POS and lemmas
    return frozenset(found)


def whole_doc_layers(specs: Iterable[RuleSpec]) -> frozenset[str]:
    """What the one pass over the whole text must compute for these rules (see msgcheck.nlp)."""
    layers: set[str] = set()
    for spec in specs:
        found = needs(spec)
        layers |= found if spec.check.kind == "python" else found & {"tags"}
    return frozenset(layers)
