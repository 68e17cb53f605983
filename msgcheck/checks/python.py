"""``python``: a rule whose check is a Python function named in its rule file (plugins)."""

from __future__ import annotations

import importlib

from msgcheck.spec import PythonCheck, RuleSpec

# A Python check binds whatever it declares in `provides`; see provides() in checks/__init__.
PROVIDES = frozenset()
# ...and the analysis layers it declares in `needs`: see needs() in checks/__init__.
NEEDS: frozenset[str] = frozenset()


def resolve(target: str):
    module_name, _, attr = target.partition(":")
    module = importlib.import_module(module_name)
    return getattr(module, attr)


def compile(spec: RuleSpec, env):
    check: PythonCheck = spec.check
    function = resolve(check.function)
    options = dict(check.options)

    def run(ctx):
        return function(ctx, **options)

    return run
