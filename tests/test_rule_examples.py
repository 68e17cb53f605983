"""Every rule's own examples: invalid ones must fire the rule, valid ones must not."""

from __future__ import annotations

import pytest
from helpers import assert_well_formed, describe

from msgcheck.loader import builtin_pack

# Rules whose findings need more than one message: their examples run in their own tests
# (the LanguageTool rule against a loopback server in test_languagetool.py).
NEEDS_MORE = {"languagetool", "batch"}
RULES = [r for r in builtin_pack().rules if r.check.kind not in NEEDS_MORE]


def _cases():
    for rule in RULES:
        for which in ("invalid", "valid"):
            for i, example in enumerate(getattr(rule.examples, which)):
                yield pytest.param(rule, which, example, id=f"{rule.id}-{which}-{i}")


@pytest.mark.parametrize(("rule", "which", "example"), list(_cases()))
def test_example(linter, rule, which, example):
    report = linter.check(example.text, kind=example.kind, template=example.template)
    assert_well_formed(report)
    hits = [f for f in report.findings if f.rule == rule.id]
    if which == "invalid":
        assert hits, f"{rule.id} did not fire on its invalid example {example.text!r}: {describe(report)}"
        for f in hits:
            assert f.criterion == rule.criterion
            assert f.severity == rule.severity
    else:
        assert not hits, f"{rule.id} fired on its valid example {example.text!r}: {describe(report)}"
