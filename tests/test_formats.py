"""`msgcheck check --format sarif|github|junit` against their specifications.

SARIF: validated against the official SARIF 2.1.0 JSON schema (tests/schemas/, vendored), and
its regions are checked against the files. GitHub: workflow commands parsed with a regex, with
escaping that round-trips. JUnit: parsed with xml.etree.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from helpers import FIXTURES, REPO, TESTS
from linter_cache import reuse_linters

import msgcheck
from msgcheck.cli import main
from msgcheck.formatters import RULE_DOCS_URL, github_format, junit_format, region
from msgcheck.models import Finding, Message, Report


@pytest.fixture(autouse=True)
def _reuse_linters(monkeypatch):
    reuse_linters(monkeypatch)


GOOD = FIXTURES / "good-cold-email.txt"
WARNINGS = FIXTURES / "warnings-only.txt"  # one tone.urgency warning
LOW = FIXTURES / "low-score.txt"
TEMPLATE = FIXTURES / "template.md"  # template.placeholder errors
SCHEMA = json.loads((TESTS / "schemas" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def run(*args: str):
    return CliRunner().invoke(main, ["check", *args])


def json_doc(*args: str) -> dict:
    result = run("--format", "json", *args)
    return json.loads(result.stdout)


def rel(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


@pytest.fixture
def in_repo(monkeypatch):
    monkeypatch.chdir(REPO)


def text_at(path: Path, r: dict) -> str:
    """The text a SARIF/GitHub region covers in the file (columns are code points)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    start_line, start_col = r["startLine"], r["startColumn"]
    end_line, end_col = r["endLine"], r["endColumn"]
    if start_line == end_line:
        return lines[start_line - 1][start_col - 1:end_col - 1]
    parts = [lines[start_line - 1][start_col - 1:]]
    parts += lines[start_line:end_line - 1]
    parts.append(lines[end_line - 1][:end_col - 1])
    return "\n".join(parts)


# -- SARIF -----------------------------------------------------------------------------------------


def validate_sarif(doc: dict) -> None:
    # The schema's `language` pattern uses a mid-pattern inline flag Python's `re` rejects, so
    # check_schema() is not called; validation compiles only the patterns an instance reaches.
    errors = sorted(jsonschema.Draft202012Validator(SCHEMA).iter_errors(doc), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])


def sarif(*args: str) -> tuple[int, dict]:
    result = run("--format", "sarif", *args)
    return result.exit_code, json.loads(result.stdout)


def test_the_validator_rejects_broken_sarif():
    # The vendored schema really constrains documents (guards against a vacuous schema).
    validator = jsonschema.Draft202012Validator(SCHEMA)
    assert not list(validator.iter_errors({"version": "2.1.0", "runs": []}))
    assert list(validator.iter_errors({"version": "2.0.0", "runs": []}))
    assert list(validator.iter_errors({"version": "2.1.0", "runs": [{"tool": {}}]}))
    bad_region = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [
        {"message": {"text": "m"}, "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": "a.txt"}, "region": {"startLine": 0}}}]}]}]}
    assert list(validator.iter_errors(bad_region))


def test_sarif_is_valid_and_describes_the_tool_and_rules(in_repo, linter):
    code, doc = sarif(rel(WARNINGS), rel(TEMPLATE), rel(LOW))
    assert code == 1  # template.placeholder errors
    validate_sarif(doc)
    assert doc["version"] == "2.1.0"
    (run_,) = doc["runs"]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "msgcheck"
    assert driver["version"] == msgcheck.__version__
    assert driver["informationUri"].startswith("https://")
    rules = {r["id"]: r for r in driver["rules"]}
    assert set(rules) == {r.id for r in linter.rules}
    for spec in linter.rules:
        rule = rules[spec.id]
        assert rule["shortDescription"]["text"] == spec.summary
        assert rule["fullDescription"]["text"] == " ".join(spec.docs.what.split())
        assert " ".join(spec.docs.why.split()) in rule["help"]["text"]
        assert spec.docs.use_instead.strip() in rule["help"]["markdown"]
        assert rule["helpUri"] == f"{RULE_DOCS_URL}{spec.id}.md"
        assert rule["defaultConfiguration"]["level"] == LEVEL[spec.severity]
    # The help URI names the rule's page in this repository (test_rule_meta checks them all).
    assert "batch.near-duplicate" in rules
    assert (REPO / "docs" / "rules" / "batch.near-duplicate.md").is_file()


def test_sarif_results_match_the_findings(in_repo):
    paths = [rel(WARNINGS), rel(TEMPLATE), rel(LOW)]
    _, doc = sarif(*paths)
    findings = [(r["path"], f) for r in json_doc(*paths)["results"] for f in r["findings"]]
    results = doc["runs"][0]["results"]
    rules = doc["runs"][0]["tool"]["driver"]["rules"]
    assert len(results) == len(findings)
    for result, (path, finding) in zip(results, findings, strict=True):
        assert result["ruleId"] == finding["rule"]
        assert rules[result["ruleIndex"]]["id"] == finding["rule"]
        assert result["level"] == LEVEL[finding["severity"]]
        assert result["message"]["text"].startswith(finding["message"])
        (location,) = result["locations"]
        artifact = location["physicalLocation"]["artifactLocation"]
        assert artifact["uri"] == path  # relative, forward slashes
        assert "\\" not in artifact["uri"]


def test_sarif_regions_point_at_the_text(in_repo, linter):
    _, doc = sarif(rel(WARNINGS), rel(TEMPLATE), rel(LOW))
    checked = 0
    for result in doc["runs"][0]["results"]:
        if result["properties"]["field"] != "body":
            continue  # a subject's columns count from the start of the subject text
        physical = result["locations"][0]["physicalLocation"]
        path = REPO / physical["artifactLocation"]["uri"]
        report = linter.check(path)
        covered = text_at(path, physical["region"])
        assert any(f.rule == result["ruleId"] and report.message.body[f.start:f.end] == covered
                   for f in report.findings), (result["ruleId"], covered)
        checked += 1
    assert checked >= 5
    urgency = next(r for r in doc["runs"][0]["results"] if r["ruleId"] == "tone.urgency")
    region_ = urgency["locations"][0]["physicalLocation"]["region"]
    assert text_at(WARNINGS, region_) == "ASAP"
    lines = WARNINGS.read_text(encoding="utf-8").split("\n")
    line = next(i for i, text in enumerate(lines, 1) if "ASAP" in text)
    assert region_ == {"startLine": line, "startColumn": lines[line - 1].index("ASAP") + 1,
                       "endLine": line, "endColumn": lines[line - 1].index("ASAP") + 5}
    # tone.urgency suggests a safe edit: a SARIF fix replacing exactly that region.
    (fix,) = urgency["fixes"]
    (replacement,) = fix["artifactChanges"][0]["replacements"]
    assert replacement["deletedRegion"] == region_
    assert replacement["insertedContent"]["text"]


def test_sarif_multiline_region(in_repo, linter):
    # batch.near-duplicate (WARNINGS is GOOD plus one line) spans the body prose: many lines.
    _, doc = sarif(rel(GOOD), rel(WARNINGS))
    validate_sarif(doc)
    (dup,) = [r for r in doc["runs"][0]["results"] if r["ruleId"] == "batch.near-duplicate"]
    physical = dup["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == rel(WARNINGS)
    region_ = physical["region"]
    assert region_["endLine"] > region_["startLine"]
    message = linter.check(WARNINGS).message
    prose = message.sections.prose
    assert text_at(WARNINGS, region_) == message.body[prose.start:prose.end]


def test_sarif_absolute_paths_become_relative_uris(in_repo):
    _, doc = sarif(str(WARNINGS))
    (result,) = doc["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == rel(WARNINGS)


def test_sarif_path_outside_the_folder_is_a_file_uri(tmp_path, monkeypatch):
    target = tmp_path / "outbox" / "draft one.txt"
    target.parent.mkdir()
    target.write_bytes(WARNINGS.read_bytes())
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    _, doc = sarif(str(target))
    validate_sarif(doc)
    location = doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    uri = location["artifactLocation"]["uri"]
    assert uri == target.as_uri()


def test_sarif_for_clean_and_empty_runs(in_repo, tmp_path):
    code, doc = sarif(rel(GOOD))
    assert code == 0
    validate_sarif(doc)
    assert doc["runs"][0]["results"] == []
    code, doc = sarif(str(tmp_path))  # a folder with nothing to check
    assert code == 0
    validate_sarif(doc)
    assert doc["runs"][0]["results"] == []
    assert doc["runs"][0]["tool"]["driver"]["rules"]


def test_sarif_unreadable_file_and_stdin(in_repo, tmp_path):
    result = CliRunner().invoke(main, ["check", "--format", "sarif", str(tmp_path / "missing.txt"),
                                       "-"], input=WARNINGS.read_bytes())
    doc = json.loads(result.stdout)
    validate_sarif(doc)
    rules = [r["ruleId"] for r in doc["runs"][0]["results"]]
    assert rules == ["input.unreadable", "tone.urgency"]
    first = doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert first["startLine"] == 1 and first["startColumn"] == 1


# -- GitHub workflow commands ---------------------------------------------------------------------

COMMAND = re.compile(r"^::(?P<level>error|warning|notice) (?P<props>[^:]*)::(?P<message>.*)$")


def unescape_data(value: str) -> str:
    return value.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def unescape_property(value: str) -> str:
    return unescape_data(value.replace("%3A", ":").replace("%2C", ","))


def parse_commands(output: str) -> list[dict]:
    commands = []
    for line in output.splitlines():
        match = COMMAND.match(line)
        assert match, f"not a workflow command: {line!r}"
        props = dict(item.split("=", 1) for item in match["props"].split(","))
        commands.append({
            "level": match["level"],
            "props": {k: unescape_property(v) for k, v in props.items()},
            "message": unescape_data(match["message"]),
        })
    return commands


def test_github_annotations(in_repo):
    paths = [rel(WARNINGS), rel(TEMPLATE)]
    result = run("--format", "github", *paths)
    assert result.exit_code == 1
    commands = parse_commands(result.stdout)
    findings = [(r["path"], f) for r in json_doc(*paths)["results"] for f in r["findings"]]
    assert len(commands) == len(findings)
    level = {"error": "error", "warning": "warning", "info": "notice"}
    for command, (path, finding) in zip(commands, findings, strict=True):
        assert command["level"] == level[finding["severity"]]
        assert command["props"]["file"] == path
        assert command["props"]["title"] == finding["rule"]
        assert command["message"].startswith(finding["message"])
        assert set(command["props"]) == {"file", "line", "col", "endLine", "endColumn", "title"}
    urgency = next(c for c in commands if c["props"]["title"] == "tone.urgency")
    r = {key: int(urgency["props"][name]) for key, name in (
        ("startLine", "line"), ("startColumn", "col"), ("endLine", "endLine"),
        ("endColumn", "endColumn"))}
    assert text_at(WARNINGS, r) == "ASAP"


def test_github_escaping_round_trips():
    tricky_message = "100% sure: a, b\r\nnext line %0A literal"
    tricky_path = "out,box/a:b%c.txt"
    message = Message.from_text("Subject: Hi\n\nDear Dr. Lee,\n\nSee you.\n")
    finding = Finding(rule="tone.urgency", criterion="tone", severity="info",
                      message=tricky_message, field="body", start=0, end=4)
    report = Report(path=tricky_path, kind="cold-email", score=97, criteria={},
                    findings=(finding,), source_lines=message.source_lines, message=message)
    output = github_format.render([report])
    assert "\n" not in output and "\r" not in output
    (command,) = parse_commands(output)
    assert command["level"] == "notice"
    assert command["message"] == tricky_message
    assert command["props"]["file"] == tricky_path
    assert command["props"]["title"] == "tone.urgency"
    assert github_format.escape_property(":,%\n") == "%3A%2C%25%0A"
    assert github_format.escape_data(":,%\r") == ":,%25%0D"


def test_github_clean_run_prints_nothing(in_repo):
    result = run("--format", "github", rel(GOOD))
    assert result.exit_code == 0
    assert result.stdout.strip() == ""


# -- JUnit XML -------------------------------------------------------------------------------------


def junit(*args: str) -> tuple[int, ET.Element]:
    result = run("--format", "junit", *args)
    return result.exit_code, ET.fromstring(result.stdout.encode("utf-8"))


def test_junit_structure(in_repo):
    paths = [rel(GOOD), rel(WARNINGS), rel(TEMPLATE)]
    code, root = junit("--no-batch", *paths)
    assert code == 1
    suites = root.findall("testsuite") if root.tag == "testsuites" else [root]
    (suite,) = suites
    assert suite.get("name") == "msgcheck"
    cases = suite.findall("testcase")
    assert [(c.get("classname"), c.get("name")) for c in cases] == [(p, p) for p in paths]
    assert suite.get("tests") == "3"
    # Default --fail-on error: only TEMPLATE's placeholder errors are failures.
    assert [len(c.findall("failure")) for c in cases[:2]] == [0, 0]
    errors = [f for r in json_doc(rel(TEMPLATE))["results"] for f in r["findings"]
              if f["severity"] == "error"]
    failures = cases[2].findall("failure")
    assert [f.get("type") for f in failures] == [f["rule"] for f in errors]
    assert [f.get("message") for f in failures] == [f["message"] for f in errors]
    assert suite.get("failures") == "1"
    for failure in failures:
        assert re.match(rf"{re.escape(rel(TEMPLATE))}:\d+:\d+: error template\.placeholder ",
                        failure.text)


def test_junit_fail_on_and_min_score(in_repo):
    _, root = junit("--no-batch", "--fail-on", "warning", rel(GOOD), rel(WARNINGS))
    cases = root.iter("testcase")
    good, warnings = list(cases)
    assert good.findall("failure") == []
    (failure,) = warnings.findall("failure")
    assert failure.get("type") == "tone.urgency"
    lines = WARNINGS.read_text(encoding="utf-8").split("\n")
    line = next(i for i, text in enumerate(lines, 1) if "ASAP" in text)
    assert f":{line}:{lines[line - 1].index('ASAP') + 1}:" in failure.text
    code, root = junit("--no-batch", "--min-score", "90", rel(GOOD), rel(WARNINGS))
    assert code == 1
    good, warnings = list(root.iter("testcase"))
    assert good.findall("failure") == []
    assert [f.get("type") for f in warnings.findall("failure")] == ["min-score"]


def test_junit_survives_characters_xml_cannot_carry():
    message = Message.from_text("Dear Dr. Lee,\n\nSee you.\n")
    finding = Finding(rule="tone.shouting", criterion="tone", severity="error",
                      message="bad \x0b char \x00 and \ud800 surrogate", field="body",
                      start=0, end=4)
    report = Report(path="a\x01.txt", kind="cold-email", score=70, criteria={},
                    findings=(finding,), message=message)
    root = ET.fromstring(junit_format.render([report]).encode("utf-8", "surrogatepass"))
    (failure,) = root.iter("failure")
    assert failure.get("type") == "tone.shouting"
    assert failure.get("message").startswith("bad ")


# -- shared location code --------------------------------------------------------------------------


def test_region_of_points_and_spans():
    message = Message.from_text("Subject: Hi\n\nDear Dr. Lee,\n\nLine one.\nLine two.\n")
    report = Report(path="x.txt", kind="cold-email", score=100, criteria={}, findings=(),
                    source_lines=message.source_lines, message=message)
    body = message.body
    start = body.index("one")
    span = Finding(rule="r.x", criterion="r", severity="info", message="m", field="body",
                   start=start, end=body.index("two") + 3)
    r = region(report, span)
    first = message.source_lines["body"]
    assert (r.start_line, r.start_column) == (first + 2, 6)
    assert (r.end_line, r.end_column) == (first + 3, 9)
    point = span.model_copy(update={"start": start, "end": start})
    r = region(report, point)
    assert (r.start_line, r.start_column) == (r.end_line, r.end_column) == (first + 2, 6)
