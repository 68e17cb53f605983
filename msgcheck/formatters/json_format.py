"""``--format json``: one document, results in input order (schema in docs/json-output.md)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from msgcheck.formatters import JsonStream, Write, render_all
from msgcheck.models import Report

SCHEMA_VERSION = 1


def result(report: Report) -> dict:
    return report.model_dump(mode="json", by_alias=True)


class JsonWriter:
    """The document, one result at a time."""

    def __init__(self, write: Write, version: str):
        self._stream = JsonStream(write, {
            "schema_version": SCHEMA_VERSION,
            "tool": {"name": "msgcheck", "version": version},
            "results": [],
        })

    def add(self, report: Report) -> None:
        self._stream.add(result(report))

    def close(self) -> None:
        self._stream.close()


def render(reports: Iterable[Report], version: str) -> str:
    return render_all(partial(JsonWriter, version=version), reports)
