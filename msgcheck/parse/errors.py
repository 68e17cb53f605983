"""Input problems become ``input.*`` findings, never tracebacks."""

from __future__ import annotations


class InputError(ValueError):
    """Input that cannot be linted: carries the ``input.*`` rule id that reports it."""

    def __init__(self, rule: str, message: str):
        super().__init__(message)
        self.rule = rule
        self.message = message
