"""msgcheck: an offline, explainable linter for outreach messages.

    import msgcheck
    report = msgcheck.check(text, kind="cold-email")
    report.score, report.criteria["tone"].score, report.findings
"""

from __future__ import annotations

from importlib import metadata

from msgcheck.config import Config
from msgcheck.engine import Linter, check
from msgcheck.models import (
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

try:
    __version__ = metadata.version("msgcheck")
except metadata.PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0+source"

__all__ = [
    "Address",
    "Config",
    "CriterionScore",
    "Edit",
    "Finding",
    "Linter",
    "Message",
    "Report",
    "Sections",
    "Span",
    "Stats",
    "Suggestion",
    "check",
    "__version__",
]
