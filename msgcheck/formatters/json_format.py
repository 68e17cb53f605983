"""``--format json``: one document, results in input order (schema in docs/json-output.md)."""

from __future__ import annotations

import json
from collections.abc import Iterable

from msgcheck.models import Report

SCHEMA_VERSION = 1


def result(report: Report) -> dict:
    return report.model_dump(mode="json", by_alias=True)


def render(reports: Iterable[Report], version: str) -> str:
    document = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "msgcheck", "version": version},
        "results": [result(r) for r in reports],
    }
    return json.dumps(document, indent=2, ensure_ascii=False)
