"""Share Linters between in-process CLI runs of the tests that invoke `msgcheck check` often.

Each `msgcheck check` builds its Linters (loading spaCy, ~1 s). Tests about path selection,
output formats and the batch pass run the command dozens of times with the same settings, so
they reuse one Linter per distinct set of settings (``Config.linter_key()``, the key the CLI's
session itself uses to share Linters within a run). Linter construction stays covered by the
other CLI tests.
"""

from __future__ import annotations

import msgcheck.session
from msgcheck.engine import Linter

_LINTERS: dict[tuple, Linter] = {}


def _shared(config=None) -> Linter:
    key = config.linter_key() if config is not None else ()
    if key not in _LINTERS:
        _LINTERS[key] = Linter(config)
    return _LINTERS[key]


def reuse_linters(monkeypatch) -> None:
    if hasattr(msgcheck.session, "Linter"):
        monkeypatch.setattr(msgcheck.session, "Linter", _shared)
