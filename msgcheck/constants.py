"""Names shared by the models and the command line, importable without pydantic (fast --help)."""

from __future__ import annotations

from typing import Literal

KIND_NAMES = ("cold-email", "follow-up", "update", "letter-request", "connection-note", "thank-you")
Kind = Literal["cold-email", "follow-up", "update", "letter-request", "connection-note", "thank-you"]
DEFAULT_KIND: Kind = "cold-email"
Severity = Literal["error", "warning", "info"]
SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}
