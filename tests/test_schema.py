"""``msgcheck schema rule|report|config`` (issue #3): JSON schemas for editors and other tools.

The published copies in docs/schemas/ must equal the command's output, and the schemas must
accept what msgcheck itself accepts (every built-in rule file, every report, the documented
settings). Validation with ``jsonschema`` is skipped when it is not installed.
"""

from __future__ import annotations

import json
import re
import tomllib

import pytest
import yaml
from click.testing import CliRunner
from helpers import FIXTURES, REPO

from msgcheck.cli import main
from msgcheck.loader import builtin_rules_dir

SCHEMAS = REPO / "docs" / "schemas"
WHAT = ("rule", "report", "config")


def schema(what: str) -> dict:
    result = CliRunner().invoke(main, ["schema", what])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def jsonschema():
    return pytest.importorskip("jsonschema")


def validator(jsonschema, what: str):
    document = schema(what)
    cls = jsonschema.validators.validator_for(document, default=jsonschema.Draft202012Validator)
    return cls(document)


def errors(validator, instance) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message[:160]}"
            for e in validator.iter_errors(instance)]


def rule_files(root) -> list:
    return sorted(p for p in root.glob("*/*.yml") if p.parent.name != "lexicons")


# -- the command -------------------------------------------------------------------------------


@pytest.mark.parametrize("what", WHAT)
def test_schema_prints_one_json_object(what):
    document = schema(what)
    assert document["type"] == "object"
    assert document["properties"]


def test_schema_rejects_an_unknown_name():
    result = CliRunner().invoke(main, ["schema", "settings"])
    assert result.exit_code == 2


@pytest.mark.parametrize("what", WHAT)
def test_schemas_are_valid_json_schemas(jsonschema, what):
    document = schema(what)
    cls = jsonschema.validators.validator_for(document, default=jsonschema.Draft202012Validator)
    cls.check_schema(document)


def test_rule_schema_leaves_out_what_the_path_gives():
    document = schema("rule")
    assert not {"id", "criterion"} & set(document["properties"])
    assert not {"id", "criterion"} & set(document["required"])
    assert {"summary", "severity", "message", "check", "docs", "examples"} <= set(
        document["required"])
    assert document.get("additionalProperties") is False


def test_config_schema_lists_every_setting():
    from msgcheck.config import Config

    document = schema("config")
    assert set(document["properties"]) == {k for k, f in Config.model_fields.items() if not f.exclude}
    assert document.get("additionalProperties") is False


@pytest.mark.parametrize("what", WHAT)
def test_published_schemas_are_current(what):
    """docs/schemas/<what>.schema.json is `msgcheck schema <what>` (regenerate it when not):

        python -m msgcheck schema rule > docs/schemas/rule.schema.json
    """
    published = json.loads((SCHEMAS / f"{what}.schema.json").read_text(encoding="utf-8"))
    assert published == schema(what), (
        f"docs/schemas/{what}.schema.json is stale: "
        f"python -m msgcheck schema {what} > docs/schemas/{what}.schema.json")


# -- the schemas accept what msgcheck accepts --------------------------------------------------


def test_every_rule_file_validates_against_the_rule_schema(jsonschema):
    """The built-in rules and the example plugin's: what the loader accepts, the schema must."""
    check = validator(jsonschema, "rule")
    plugin = REPO / "examples/plugin/msgcheck_example_plugin/rules"
    paths = rule_files(builtin_rules_dir()) + rule_files(plugin)
    assert len(paths) > 25
    failures = {}
    for path in paths:
        problems = errors(check, yaml.safe_load(path.read_text(encoding="utf-8")))
        if problems:
            failures[f"{path.parent.name}/{path.name}"] = problems[:2]
    assert not failures, f"{len(failures)} of {len(paths)} rule files: " + json.dumps(
        failures, indent=1)[:3000]


def test_rule_schema_is_not_vacuous(jsonschema):
    check = validator(jsonschema, "rule")
    rule = yaml.safe_load((builtin_rules_dir() / "tone" / "urgency.yml").read_text("utf-8"))
    assert errors(check, {**rule, "colour": "blue"})
    assert errors(check, {**rule, "severity": "loud"})
    assert errors(check, {**rule, "check": {"kind": "telepathy"}})
    assert errors(check, {k: v for k, v in rule.items() if k != "docs"})


def test_real_reports_validate_against_the_report_schema(jsonschema):
    check = validator(jsonschema, "report")
    paths = [FIXTURES / "low-score.txt", FIXTURES / "template.md", FIXTURES / "good-cold-email.eml"]
    result = CliRunner().invoke(main, ["check", "--format", "json", *map(str, paths)])
    reports = json.loads(result.stdout)["results"]
    assert len(reports) == 3 and any(r["findings"] for r in reports)
    for report in reports:
        assert errors(check, report) == [], report["path"]


def test_report_with_suppressed_findings_validates(jsonschema, tmp_path):
    check = validator(jsonschema, "report")
    text = (FIXTURES / "warnings-only.txt").read_text(encoding="utf-8").replace(
        "Please reply ASAP.", "Please reply ASAP. <!-- msgcheck: disable-line=tone -->")
    (tmp_path / "m.txt").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--format", "json", str(tmp_path / "m.txt")])
    [report] = json.loads(result.stdout)["results"]
    assert report["suppressed"]
    assert errors(check, report) == []


def test_documented_settings_validate_against_the_config_schema(jsonschema):
    check = validator(jsonschema, "config")
    text = (REPO / "docs" / "configuration.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```toml\n(.*?)```", text, re.DOTALL)
    assert blocks
    for block in blocks:
        data = tomllib.loads(block)
        data = data.get("tool", {}).get("msgcheck", data)
        assert errors(check, data) == [], block


def test_config_schema_rejects_bad_settings(jsonschema):
    check = validator(jsonschema, "config")
    assert errors(check, {"colour": "blue"})
    assert errors(check, {"kinds": {"cold-mail": {"max_words": 60}}})
    assert errors(check, {"kinds": {"cold-email": {"max_wrds": 60}}})
    assert errors(check, {"severity": {"tone.urgency": "fatal"}})
    assert errors(check, {"overrides": [{"kind": "update"}]})
    assert errors(check, {"overrides": [{"paths": ["x/**"], "colour": 1}]})
