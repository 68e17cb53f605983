"""The command line (DESIGN.md §3): exit codes, JSON output, inputs, `rules`, `eval`."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import FIXTURES, REPO

import msgcheck
from msgcheck.cli import main
from msgcheck.loader import builtin_pack

GOOD = FIXTURES / "good-cold-email.txt"
WARNINGS = FIXTURES / "warnings-only.txt"  # one warning (tone.urgency), no errors, score 78
LOW = FIXTURES / "low-score.txt"  # many warnings
TEMPLATE = FIXTURES / "template.md"
EML = FIXTURES / "good-cold-email.eml"
RULE_IDS = [r.id for r in builtin_pack().rules]


def run(*args: str, input: bytes | str | None = None):
    return CliRunner().invoke(main, list(args), input=input)


def run_json(*args: str, input: bytes | None = None) -> tuple[int, dict]:
    result = run("check", "--format", "json", *args, input=input)
    try:
        return result.exit_code, json.loads(result.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"not JSON (exit {result.exit_code}): {result.output!r} {result.exception!r}")


# -- exit codes ------------------------------------------------------------------------------------


def test_clean_message_exits_0():
    result = run("check", str(GOOD))
    assert result.exit_code == 0, result.output


def test_warnings_only_default_fail_on_error_exits_0():
    result = run("check", str(WARNINGS))
    assert result.exit_code == 0, result.output
    assert "tone.urgency" in result.output


def test_warnings_only_fail_on_warning_exits_1():
    result = run("check", "--fail-on", "warning", str(WARNINGS))
    assert result.exit_code == 1, result.output


def test_fail_on_info():
    assert run("check", "--fail-on", "info", str(GOOD)).exit_code == 0
    assert run("check", "--fail-on", "info", str(WARNINGS)).exit_code == 1


def test_errors_exit_1_by_default():
    result = run("check", str(TEMPLATE))  # unfilled placeholders are errors
    assert result.exit_code == 1, result.output
    assert "template.placeholder" in result.output


@pytest.mark.parametrize("value", ["101", "-1", "abc"])
def test_min_score_out_of_range_is_a_usage_error(value):
    result = run("check", "--min-score", value, str(GOOD))
    assert result.exit_code == 2, result.output


def test_min_score():
    assert run("check", "--min-score", "90", str(LOW)).exit_code == 1
    assert run("check", "--min-score", "90", str(WARNINGS)).exit_code == 1
    assert run("check", "--min-score", "75", str(WARNINGS)).exit_code == 0  # one warning: 78
    assert run("check", "--min-score", "100", str(GOOD)).exit_code == 0


def test_min_score_applies_to_every_file():
    assert run("check", "--min-score", "90", str(GOOD), str(LOW)).exit_code == 1


def test_unknown_kind_is_a_usage_error():
    result = run("check", "--kind", "newsletter", str(GOOD))
    assert result.exit_code == 2, result.output


@pytest.mark.parametrize(
    "content",
    [
        "kind = [unclosed\n",  # invalid TOML
        'colour = "blue"\n',  # unknown setting
        'kind = "newsletter"\n',  # invalid value
        "max_bytes = \"lots\"\n",
        'rule_packs = ["no-such-folder"]\n',
    ],
    ids=["bad-toml", "unknown-key", "bad-kind", "bad-type", "missing-pack"],
)
def test_invalid_config_is_a_usage_error(tmp_path, content):
    config = tmp_path / "msgcheck.toml"
    config.write_text(content, encoding="utf-8")
    result = run("check", "--config", str(config), str(GOOD))
    assert result.exit_code == 2, result.output


def test_missing_config_file_is_a_usage_error(tmp_path):
    result = run("check", "--config", str(tmp_path / "nope.toml"), str(GOOD))
    assert result.exit_code == 2, result.output


def test_broken_rule_pack_in_config_is_a_usage_error(tmp_path):
    (tmp_path / "pack" / "tone").mkdir(parents=True)
    (tmp_path / "pack" / "tone" / "bad.yml").write_text("summary: [unclosed\n", encoding="utf-8")
    config = tmp_path / "msgcheck.toml"
    config.write_text('rule_packs = ["pack"]\n', encoding="utf-8")
    result = run("check", "--config", str(config), str(GOOD))
    assert result.exit_code == 2, result.output
    assert "bad.yml" in result.output


def test_valid_config_changes_severity_and_selection(tmp_path):
    config = tmp_path / "msgcheck.toml"
    config.write_text('[severity]\n"tone.urgency" = "error"\n', encoding="utf-8")
    assert run("check", "--config", str(config), str(WARNINGS)).exit_code == 1
    config.write_text('ignore = ["tone"]\n', encoding="utf-8")
    code, doc = run_json("--config", str(config), "--fail-on", "warning", str(WARNINGS))
    assert code == 0
    assert doc["results"][0]["findings"] == []


def test_pyproject_config(tmp_path):
    config = tmp_path / "pyproject.toml"
    config.write_text('[project]\nname = "x"\n\n[tool.msgcheck]\nignore = ["tone.urgency"]\n',
                      encoding="utf-8")
    assert run("check", "--config", str(config), "--fail-on", "warning", str(WARNINGS)).exit_code == 0


@pytest.mark.parametrize(
    "args",
    [["check", "--no-such-option", str(GOOD)], ["check"], ["check", "--format", "xml", str(GOOD)],
     ["check", "--fail-on", "never", str(GOOD)], ["no-such-command"]],
    ids=["unknown-option", "no-paths", "bad-format", "bad-fail-on", "unknown-command"],
)
def test_usage_errors_exit_2(args):
    result = run(*args)
    assert result.exit_code == 2, result.output


# -- JSON output -----------------------------------------------------------------------------------


def test_json_document_follows_the_schema():
    code, doc = run_json(str(WARNINGS))
    assert code == 0
    assert doc["schema_version"] == 1
    assert doc["tool"]["name"] == "msgcheck"
    assert doc["tool"]["version"] == msgcheck.__version__
    (result,) = doc["results"]
    assert {"path", "kind", "score", "criteria", "findings"} <= set(result)
    assert "message" not in result  # the draft itself is never serialised
    assert result["path"] == str(WARNINGS)
    assert result["kind"] == "cold-email"
    assert 0 <= result["score"] < 100
    for name, crit in result["criteria"].items():
        assert isinstance(crit["score"], (int, float)), name
    (finding,) = result["findings"]
    assert {"rule", "criterion", "severity", "message", "field", "start", "end", "suggestion"} <= set(finding)
    assert finding["rule"] == "tone.urgency"
    assert finding["criterion"] == "tone"
    assert finding["severity"] == "warning"
    assert finding["field"] == "body"
    body = msgcheck.Message.from_text(WARNINGS.read_text(encoding="utf-8")).body
    assert body[finding["start"]:finding["end"]] == "ASAP"


def test_json_results_keep_input_order():
    order = [LOW, GOOD, EML, WARNINGS, TEMPLATE, GOOD]
    # GOOD and EML are the same email: --no-batch keeps batch.near-duplicate out of the scores.
    code, doc = run_json("--no-batch", *map(str, order))
    assert code == 1
    assert [r["path"] for r in doc["results"]] == [str(p) for p in order]
    scores = [r["score"] for r in doc["results"]]
    assert scores[1] == scores[2] == scores[5] == 100
    assert scores[0] < scores[3] < 100


def test_json_matches_the_api(linter):
    _, doc = run_json(str(LOW))
    report = linter.check(LOW)
    result = doc["results"][0]
    assert result["score"] == report.score
    assert [(f["rule"], f["field"], f["start"], f["end"]) for f in result["findings"]] == [
        (f.rule, f.field, f.start, f.end) for f in report.findings]


def test_kind_option():
    _, doc = run_json("--kind", "thank-you", str(GOOD))
    assert doc["results"][0]["kind"] == "thank-you"


def test_template_option():
    code, doc = run_json("--template", str(TEMPLATE))
    assert code == 0, doc
    assert not [f for f in doc["results"][0]["findings"] if f["rule"] == "template.placeholder"]
    code, doc = run_json(str(TEMPLATE))
    assert code == 1
    assert [f for f in doc["results"][0]["findings"] if f["rule"] == "template.placeholder"]


# -- inputs ----------------------------------------------------------------------------------------


def test_stdin():
    code, doc = run_json("-", input=GOOD.read_bytes())
    assert code == 0
    (result,) = doc["results"]
    assert result["path"] in {"-", "<stdin>"}
    assert result["findings"] == [] and result["score"] == 100
    code, doc = run_json("-", input=WARNINGS.read_bytes())
    assert [f["rule"] for f in doc["results"][0]["findings"]] == ["tone.urgency"]


def test_stdin_with_files_keeps_order():
    # WARNINGS is GOOD plus one urgent line: --no-batch keeps batch.near-duplicate out.
    _, doc = run_json("--no-batch", str(LOW), "-", str(GOOD), input=WARNINGS.read_bytes())
    rules = [[f["rule"] for f in r["findings"]] for r in doc["results"]]
    assert len(rules) == 3
    assert rules[1] == ["tone.urgency"]
    assert rules[2] == []
    assert len(rules[0]) > 3


def test_directory_recursion_picks_txt_eml_md(tmp_path):
    text = GOOD.read_text(encoding="utf-8")
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "sub" / "b.eml").write_bytes(EML.read_bytes())
    (tmp_path / "sub" / "deeper" / "c.md").write_text(text, encoding="utf-8")
    for name in ("notes.json", "rules.yml", "script.py", "README"):
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / ".hidden" / "d.txt").write_text(text, encoding="utf-8")
    code, doc = run_json("--no-batch", str(tmp_path))  # three copies of one email
    assert code == 0, doc
    picked = sorted(Path(r["path"]).relative_to(tmp_path).as_posix() for r in doc["results"])
    assert picked == ["a.txt", "sub/b.eml", "sub/deeper/c.md"]
    assert all(r["findings"] == [] for r in doc["results"])


def test_text_output_locates_findings_in_the_file():
    result = run("check", str(WARNINGS))
    source = WARNINGS.read_text(encoding="utf-8").split("\n")
    line_no = next(i for i, line in enumerate(source, 1) if "ASAP" in line)
    column = source[line_no - 1].index("ASAP") + 1
    assert f"{WARNINGS}:{line_no}:{column}:" in result.output, result.output
    assert re.search(r"\b78(\.0)?\b", result.output)


def test_text_output_for_several_files_has_a_summary():
    result = run("check", str(GOOD), str(LOW))
    assert result.exit_code == 0
    assert str(GOOD) in result.output and str(LOW) in result.output


# -- rules -----------------------------------------------------------------------------------------


def test_rules_lists_every_id():
    result = run("rules")
    assert result.exit_code == 0, result.output
    for rule_id in RULE_IDS:
        assert re.search(rf"(?m)^{re.escape(rule_id)}\s", result.output), rule_id


def test_rules_json():
    result = run("rules", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert sorted(item["id"] for item in data) == sorted(RULE_IDS)


def test_rules_explains_one():
    result = run("rules", "tone.urgency")
    assert result.exit_code == 0, result.output
    for heading in ("What it does", "Why it matters", "Example", "Use instead"):
        assert heading in result.output
    assert "tone.urgency" in result.output


def test_rules_explains_one_as_json():
    result = run("rules", "tone.urgency", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["id"] == "tone.urgency"
    assert {"what", "why", "example", "use_instead"} <= set(data["docs"])


def test_rules_unknown_id_is_a_usage_error():
    result = run("rules", "tone.no-such-rule")
    assert result.exit_code == 2, result.output


# -- eval ------------------------------------------------------------------------------------------


def test_eval_corpus_table_has_every_rule(monkeypatch):
    monkeypatch.chdir(REPO)
    result = run("eval", "corpus")
    assert result.exit_code == 0, result.output
    for rule_id in RULE_IDS:
        assert re.search(rf"(?m)^{re.escape(rule_id)}\s", result.output), f"{rule_id} missing from the table"
    assert "messages:" in result.output


def test_eval_json_counts_rules_and_criteria_per_message(tmp_path):
    folder = tmp_path / "cold-email"
    folder.mkdir()
    # A bare introduction: no ask, and too short; annotated as missing only its ask.
    (folder / "001-no-ask.txt").write_text(
        "---\nlabel: bad\nkind: cold-email\nexpect: [ask.missing]\nscore: [0, 84]\n---\n"
        "Subject: Psychiatry applicant from Lima\n\nDear Dr. Lee,\n\n"
        "I am an IMG from Peru applying to psychiatry.\n\nThank you,\nAna Torres\n",
        encoding="utf-8")
    result = run("eval", str(tmp_path), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["messages"] == 1 and data["good"] == 0 and data["auc"] is None
    [mismatch] = data["mismatches"]
    assert mismatch["missing"] == [] and "length.too-short" in mismatch["extra"]
    assert data["rules"]["ask.missing"] == {
        "tp": 1, "fp": 0, "fn": 0, "precision": 1.0, "recall": 1.0, "f1": 1.0}
    # A criterion counts a message once, however many of its rules fire on it.
    for rule in mismatch["extra"]:
        assert data["criteria"][rule.split(".")[0]]["fp"] == 1
    assert data["criteria"]["ask"]["tp"] == 1
    assert data["micro"]["fp"] == len(mismatch["extra"])
    assert data["micro"]["tp"] == sum(s["tp"] for s in data["rules"].values())


def test_eval_empty_or_missing_corpus_is_a_usage_error(tmp_path):
    assert run("eval", str(tmp_path)).exit_code == 2
    assert run("eval", str(tmp_path / "missing")).exit_code == 2
    assert run("eval", str(REPO / "corpus"), "--split", "validation").exit_code == 2


@pytest.mark.parametrize("front", [
    "label: good\nnote: a note: with a colon\n",  # not YAML
    "kind: cold-email\n",  # no label
])
def test_eval_names_the_unreadable_annotation(tmp_path, front):
    (tmp_path / "cold-email").mkdir()
    bad = tmp_path / "cold-email" / "001-bad.txt"
    bad.write_text(f"---\n{front}---\nDear Dr. Lee,\n", encoding="utf-8")
    result = run("eval", str(tmp_path))
    assert result.exit_code == 1
    assert str(bad) in result.output and "Traceback" not in result.output


# -- the real entry point --------------------------------------------------------------------------


def test_python_dash_m_help():
    proc = subprocess.run(
        [sys.executable, "-m", "msgcheck", "--help"], cwd=REPO, capture_output=True, text=True,
        timeout=60, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    for command in ("check", "rules", "eval"):
        assert command in proc.stdout
