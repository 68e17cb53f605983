"""``batch`` and ``engine``: rules whose findings are reported outside the per-message checks.

``batch`` rules are judged across the messages of one run (msgcheck.batch); ``engine`` rules are
reported by the engine itself (unused suppression comments). Per message they find nothing here.
"""

from __future__ import annotations

from msgcheck.spec import RuleSpec

# batch: count, others (the other members of a cluster); engine: rules, directive.
PROVIDES = frozenset({"count", "others", "rules", "directive"})
NEEDS = frozenset()


def compile(spec: RuleSpec, env):
    def run(ctx):
        return ()

    return run
