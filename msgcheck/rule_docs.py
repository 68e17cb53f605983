"""Rule documentation from the rule files: ``msgcheck rules`` and ``docs/rules/<id>.md``.

One source for both, so a rule page can never disagree with the data that drives the rule.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from msgcheck.models import KIND_NAMES
from msgcheck.spec import RuleSpec

HEADINGS = ("What it does", "Why it matters", "Example", "Use instead")


def kinds_of(rule: RuleSpec) -> list[str]:
    kinds = rule.kinds if rule.kinds is not None else list(KIND_NAMES)
    return [k for k in kinds if k not in rule.skip_kinds]


def rule_table(rules: Iterable[RuleSpec], fmt: str = "text") -> str:
    rules = list(rules)
    if fmt == "json":
        return json.dumps([
            {"id": r.id, "criterion": r.criterion, "severity": r.severity, "summary": r.summary,
             "kinds": kinds_of(r), "check": r.check.kind}
            for r in rules
        ], indent=2)
    width = max(len(r.id) for r in rules)
    lines = [f"{'rule'.ljust(width)}  {'severity':8}  summary"]
    for r in rules:
        kinds = kinds_of(r)
        scope = "" if len(kinds) == len(KIND_NAMES) else f" [{', '.join(kinds)}]"
        lines.append(f"{r.id.ljust(width)}  {r.severity:8}  {r.summary}{scope}")
    return "\n".join(lines)


def _block(text: str) -> str:
    return "```\n" + text.strip("\n") + "\n```"


def markdown(rule: RuleSpec) -> str:
    """The rule's page, with ruff's fixed headings."""
    docs = rule.docs
    parts = [
        f"# {rule.id}",
        "",
        f"{rule.summary}",
        "",
        f"- Criterion: `{rule.criterion}`",
        f"- Default severity: `{rule.severity}`",
        f"- Check kind: `{rule.check.kind}`",
        f"- Applies to: {', '.join(f'`{k}`' for k in kinds_of(rule))}",
        "",
        "## What it does",
        "",
        docs.what.strip(),
        "",
        "## Why it matters",
        "",
        docs.why.strip(),
        "",
        "## Example",
        "",
        _block(docs.example),
        "",
        "## Use instead",
        "",
        _block(docs.use_instead),
    ]
    if docs.references:
        parts += ["", "## References", ""] + [f"- {ref}" for ref in docs.references]
    return "\n".join(parts) + "\n"


def explain(rule: RuleSpec, fmt: str = "text") -> str:
    if fmt == "json":
        data = rule.model_dump(mode="json")
        data["kinds"] = kinds_of(rule)
        return json.dumps(data, indent=2)
    return markdown(rule)


def write_pages(rules: Iterable[RuleSpec], folder) -> list[str]:
    """Write docs/rules/<id>.md for each rule; return the file names written."""
    from pathlib import Path

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for rule in rules:
        name = f"{rule.id}.md"
        (folder / name).write_text(markdown(rule), encoding="utf-8")
        names.append(name)
    return names


if __name__ == "__main__":  # python -m msgcheck.rule_docs docs/rules
    import sys

    from msgcheck.loader import builtin_pack

    target = sys.argv[1] if len(sys.argv) > 1 else "docs/rules"
    print(f"wrote {len(write_pages(builtin_pack().rules, target))} rule pages to {target}")
