"""Rule metadata: docs, examples, placeholders, ids, generated pages and corpus coverage."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from helpers import CONTRACT_IDS, CORPUS, DOCS_RULES

from msgcheck import rule_docs
from msgcheck.checks import provides
from msgcheck.evaluation import load_corpus
from msgcheck.loader import builtin_pack
from msgcheck.models import SEVERITY_RANK

RULES = builtin_pack().rules
RULE_IDS = [r.id for r in RULES]
ID_FORMAT = re.compile(r"^[a-z]+\.[a-z0-9]+(?:-[a-z0-9]+)*$")


def by_rule(fn):
    return pytest.mark.parametrize("rule", RULES, ids=RULE_IDS)(fn)


def _field_names(template: str | None) -> list[str | None]:
    if not template:
        return []
    return [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]


def test_rules_exist_and_ids_are_unique():
    assert len(RULES) >= len(CONTRACT_IDS)
    assert len(RULE_IDS) == len(set(RULE_IDS)), sorted(i for i in RULE_IDS if RULE_IDS.count(i) > 1)


@by_rule
def test_docs_are_complete(rule):
    docs = rule.docs
    for part in ("what", "why", "example", "use_instead"):
        assert getattr(docs, part).strip(), f"{rule.id}: docs.{part} is empty"
    assert rule.summary.strip(), f"{rule.id}: summary is empty"
    assert rule.message.strip(), f"{rule.id}: message is empty"


@by_rule
def test_has_valid_and_invalid_examples(rule):
    assert len(rule.examples.valid) >= 1
    assert len(rule.examples.invalid) >= 1
    for example in (*rule.examples.valid, *rule.examples.invalid):
        assert example.text.strip()


@by_rule
def test_message_placeholders_are_provided_by_the_check(rule):
    available = provides(rule)
    for name in ("message", "fix"):
        fields = _field_names(getattr(rule, name))
        assert None not in fields
        for field in fields:
            assert field and field.isidentifier(), f"{rule.id}.{name}: positional placeholder {field!r}"
        unknown = set(fields) - set(available)
        assert not unknown, (
            f"{rule.id}.{name} uses {sorted(unknown)}; the {rule.check.kind!r} check provides "
            f"{sorted(available)}"
        )


@by_rule
def test_id_is_criterion_dot_kebab_name(rule):
    assert ID_FORMAT.match(rule.id), rule.id
    criterion, name = rule.id.split(".", 1)
    assert criterion == rule.criterion
    assert not name.startswith("-") and "--" not in name


def test_design_contract_ids_exist():
    missing = sorted(set(CONTRACT_IDS) - set(RULE_IDS))
    assert not missing, f"contract rule ids missing from rules/: {missing}"


@by_rule
def test_docs_page_is_generated_from_the_rule(rule):
    page = DOCS_RULES / f"{rule.id}.md"
    assert page.is_file(), f"{page} is missing; run: python -m msgcheck.rule_docs docs/rules"
    assert page.read_text(encoding="utf-8") == rule_docs.markdown(rule), (
        f"{page} is stale; regenerate with: python -m msgcheck.rule_docs docs/rules"
    )


def test_no_docs_page_for_a_nonexistent_rule():
    pages = {p.name[: -len(".md")] for p in DOCS_RULES.glob("*.md")}
    orphans = sorted(pages - set(RULE_IDS))
    assert not orphans, f"docs/rules has pages for rules that do not exist: {orphans}"


def test_docs_page_headings():
    for rule in RULES:
        page = rule_docs.markdown(rule)
        assert page.startswith(f"# {rule.id}\n")
        for heading in ("## What it does", "## Why it matters", "## Example", "## Use instead"):
            assert heading in page, (rule.id, heading)


# Only warning and error findings are judged by the corpus (msgcheck.evaluation.fired); an info
# rule can therefore never be listed in an annotation's `expect`, so it is not required there.
# Nor are rules that one message cannot exercise: across a batch (batch.*), or against a
# LanguageTool server (their tests: test_batch*.py, test_languagetool.py).
COUNTED_RULES = [
    r for r in RULES
    if SEVERITY_RANK[r.severity] >= SEVERITY_RANK["warning"]
    and r.check.kind not in {"batch", "languagetool"}
]


@pytest.fixture(scope="module")
def expected_anywhere() -> set[str]:
    return {rule for case in load_corpus(CORPUS) for rule in case.expect}


@pytest.mark.parametrize("rule", COUNTED_RULES, ids=[r.id for r in COUNTED_RULES])
def test_rule_is_expected_somewhere_in_the_corpus(rule, expected_anywhere):
    assert rule.id in expected_anywhere, (
        f"no corpus annotation expects {rule.id}; add a bad message that exercises it"
    )


def test_readme_rules_table_lists_every_rule():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    missing = [r.id for r in RULES if f"| `{r.id}` |" not in readme]
    assert not missing, f"README's rules table lacks {missing}"
