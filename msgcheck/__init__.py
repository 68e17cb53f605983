"""msgcheck: an offline, explainable linter for outreach messages.

    import msgcheck
    report = msgcheck.check(text, kind="cold-email")
    report.score, report.criteria["tone"].score, report.findings

Names are imported on first use, so ``msgcheck --help`` and ``import msgcheck`` stay fast; the
spaCy pipeline loads only when a Linter checks its first message.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from msgcheck._version import __version__

_EXPORTS = {
    "Address": "msgcheck.models",
    "CriterionScore": "msgcheck.models",
    "Edit": "msgcheck.models",
    "Finding": "msgcheck.models",
    "Message": "msgcheck.models",
    "Report": "msgcheck.models",
    "Sections": "msgcheck.models",
    "Span": "msgcheck.models",
    "Stats": "msgcheck.models",
    "Suggestion": "msgcheck.models",
    "Config": "msgcheck.config",
    "ConfigError": "msgcheck.config",
    "Linter": "msgcheck.engine",
    "check": "msgcheck.engine",
}

__all__ = [*_EXPORTS, "__version__"]

if TYPE_CHECKING:  # for type checkers and editors; at run time __getattr__ imports on use
    from msgcheck.config import Config, ConfigError  # noqa: F401
    from msgcheck.engine import Linter, check  # noqa: F401
    from msgcheck.models import (  # noqa: F401
        Address,
        CriterionScore,
        Edit,
        Finding,
        Message,
        Report,
        Sections,
        Span,
        Stats,
        Suggestion,
    )


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'msgcheck' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
