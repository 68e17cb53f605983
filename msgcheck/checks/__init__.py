"""The closed set of check kinds. Each module compiles a rule's data into a check function.

A check module exposes ``PROVIDES`` (the message placeholders its hits bind) and
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
