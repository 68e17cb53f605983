"""Settings files (issue #3, docs/configuration.md): discovery, precedence, effects, errors, packs.

Every command-line run here builds its own Linter (a Session per run, as in real use); Linters
share the process's spaCy pipeline (msgcheck.nlp.load_pipeline), so only the rules are rebuilt.
Assertions are on rule ids, spans, kinds and exit codes, never on message wording.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import FIXTURES, REPO

import msgcheck
from msgcheck.cli import main
from msgcheck.config import Config, ConfigError, KindSettings, Override, find_config_file

ISSUE3 = FIXTURES / "issue3"
GOOD = (FIXTURES / "good-cold-email.txt").read_text(encoding="utf-8")  # no findings
WARNINGS = (FIXTURES / "warnings-only.txt").read_text(encoding="utf-8")  # tone.urgency on 'ASAP'
TEMPLATE = (FIXTURES / "template.md").read_text(encoding="utf-8")  # template.placeholder errors
COLD_90 = (ISSUE3 / "cold-90-words.txt").read_text(encoding="utf-8")  # 90 words, no findings
NOTE = (ISSUE3 / "connection-note.txt").read_text(encoding="utf-8")  # 214 characters, no findings
# subject.vague + tone.urgency
MIXED = WARNINGS.replace(
    "Subject: IMG applicant - question about your catatonia grand rounds", "Subject: Question")
# tone.shouting on 'OBSERVERSHIP' (a long word in capitals) and on 'VERY' (an English word)
SHOUTING = GOOD.replace(
    "Would you be willing",
    "I VERY much hope to do an OBSERVERSHIP in your service. Would you be willing")
ASAP_AT = WARNINGS.split("\n\n", 1)[1].index("ASAP")

PACK_RULE = """\
summary: The message apologises for writing
severity: warning
message: "'{phrase}' apologises for reaching out"
fix: Thank them for their time instead
check:
  kind: existence
  scope: body
  phrases: [sorry to bother you]
docs:
  what: Flags apologies for writing at all.
  why: Thanks reads better than an apology for asking.
  example: Sorry to bother you, but could we talk?
  use_instead: Thank you for considering my request.
examples:
  valid: ["Dear Dr. Lee,\\n\\nThank you for your time.\\n\\nPriya"]
  invalid: ["Dear Dr. Lee,\\n\\nSorry to bother you.\\n\\nPriya"]
"""
SORRY = GOOD.replace("Would you be willing", "I am sorry to bother you. Would you be willing")


# -- helpers -----------------------------------------------------------------------------------


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def run(*args: str, input: str | bytes | None = None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input)


def check_json(*args, input: bytes | None = None) -> tuple[int, dict[str, dict]]:
    """Exit code and the JSON results keyed by path (paths as given on the command line)."""
    result = run("check", "--format", "json", *args, input=input)
    try:
        doc = json.loads(result.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"not JSON (exit {result.exit_code}): {result.output!r} {result.exception!r}")
    return result.exit_code, {r["path"]: without_batch(r) for r in doc["results"]}


def without_batch(result: dict) -> dict:
    """Drop findings of run-wide rules (near-duplicates): these tests check one text in several
    folders on purpose, to compare the settings each folder gets."""
    return {**result, "findings": [f for f in result["findings"] if f["criterion"] != "batch"]}


def only(results: dict[str, dict]) -> dict:
    assert len(results) == 1, list(results)
    return next(iter(results.values()))


def ids(result: dict) -> set[str]:
    return {f["rule"] for f in result["findings"]}


def usage_error(*args) -> str:
    result = run(*args)
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    return result.output


def pack(root: Path, rules: dict[str, str]) -> Path:
    """A rule pack folder: {"house/over-apology": yaml, ...}."""
    for name, text in rules.items():
        path = root / f"{name}.yml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


# -- discovery ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name, content", [
    ("msgcheck.toml", 'ignore = ["tone.urgency"]\n'),
    (".msgcheck.toml", 'ignore = ["tone.urgency"]\n'),
    ("msgcheck.toml", '[tool.msgcheck]\nignore = ["tone.urgency"]\n'),
    ("pyproject.toml", '[project]\nname = "x"\n\n[tool.msgcheck]\nignore = ["tone.urgency"]\n'),
], ids=["msgcheck.toml", ".msgcheck.toml", "msgcheck.toml-tool-table", "pyproject.toml"])
def test_settings_file_next_to_the_message_is_found(tmp_path, name, content):
    write(tmp_path, {name: content, "m.txt": WARNINGS})
    assert find_config_file(tmp_path / "m.txt") == tmp_path / name
    code, results = check_json("--fail-on", "warning", tmp_path / "m.txt")
    assert code == 0
    assert ids(only(results)) == set()


def test_without_settings_the_defaults_apply(tmp_path):
    write(tmp_path, {"m.txt": WARNINGS})
    assert find_config_file(tmp_path / "m.txt") is None
    code, results = check_json(tmp_path / "m.txt")
    assert code == 0
    assert [(f["rule"], f["start"], f["end"]) for f in only(results)["findings"]] == [
        ("tone.urgency", ASAP_AT, ASAP_AT + 4)]


def test_discovery_walks_up_from_the_checked_file(tmp_path):
    write(tmp_path, {"msgcheck.toml": '[severity]\n"tone.urgency" = "error"\n',
                     "drafts/2026/spring/m.txt": WARNINGS})
    path = tmp_path / "drafts/2026/spring/m.txt"
    assert find_config_file(path) == tmp_path / "msgcheck.toml"
    code, results = check_json(path)
    assert code == 1  # an error finding with the default --fail-on error
    assert [f["severity"] for f in only(results)["findings"]] == ["error"]


def test_pyproject_without_the_table_is_skipped_and_the_search_goes_on(tmp_path):
    write(tmp_path, {"msgcheck.toml": 'ignore = ["tone.urgency"]\n',
                     "sub/pyproject.toml": '[project]\nname = "unrelated"\n',
                     "sub/m.txt": WARNINGS})
    assert find_config_file(tmp_path / "sub/m.txt") == tmp_path / "msgcheck.toml"
    code, results = check_json("--fail-on", "warning", tmp_path / "sub/m.txt")
    assert (code, ids(only(results))) == (0, set())


def test_nearest_settings_file_wins_and_is_not_merged_with_outer_ones(tmp_path):
    write(tmp_path, {"msgcheck.toml": 'ignore = ["tone.urgency"]\n',
                     "sub/msgcheck.toml": 'ignore = ["subject.vague"]\n',
                     "m.txt": MIXED, "sub/m.txt": MIXED})
    _, results = check_json(tmp_path / "m.txt", tmp_path / "sub/m.txt")
    assert ids(results[str(tmp_path / "m.txt")]) == {"subject.vague"}
    assert ids(results[str(tmp_path / "sub/m.txt")]) == {"tone.urgency"}


def test_msgcheck_toml_beats_pyproject_in_the_same_folder(tmp_path):
    write(tmp_path, {"pyproject.toml": '[tool.msgcheck]\nignore = ["subject.vague"]\n',
                     "msgcheck.toml": 'ignore = ["tone.urgency"]\n', "m.txt": MIXED})
    assert find_config_file(tmp_path / "m.txt") == tmp_path / "msgcheck.toml"
    _, results = check_json(tmp_path / "m.txt")
    assert ids(only(results)) == {"subject.vague"}


def test_sibling_folders_get_their_own_settings_in_one_run(tmp_path):
    write(tmp_path, {"quiet/msgcheck.toml": 'ignore = ["tone"]\n',
                     "strict/pyproject.toml": '[tool.msgcheck]\nseverity = {"tone.urgency" = "error"}\n',
                     "plain/m.txt": WARNINGS, "quiet/m.txt": WARNINGS, "strict/m.txt": WARNINGS})
    code, results = check_json(tmp_path)  # one directory argument: one run, one Session
    by_folder = {Path(p).parent.name: r for p, r in results.items()}
    assert set(by_folder) == {"plain", "quiet", "strict"}
    assert [f["severity"] for f in by_folder["plain"]["findings"]] == ["warning"]
    assert by_folder["quiet"]["findings"] == []
    assert [(f["rule"], f["severity"]) for f in by_folder["strict"]["findings"]] == [
        ("tone.urgency", "error")]
    assert code == 1


def test_config_option_forces_one_file_for_every_input(tmp_path):
    write(tmp_path, {"a/msgcheck.toml": 'ignore = ["tone.urgency"]\n', "a/m.txt": MIXED,
                     "b/m.txt": MIXED, "elsewhere/forced.toml": 'ignore = ["subject"]\n'})
    _, results = check_json("--config", tmp_path / "elsewhere/forced.toml",
                            tmp_path / "a/m.txt", tmp_path / "b/m.txt")
    assert [ids(r) for r in results.values()] == [{"tone.urgency"}, {"tone.urgency"}]


def test_stdin_uses_the_settings_found_from_the_working_directory(tmp_path, monkeypatch):
    write(tmp_path, {"msgcheck.toml": 'ignore = ["tone.urgency"]\n'})
    monkeypatch.chdir(tmp_path)
    _, results = check_json("-", input=MIXED.encode("utf-8"))
    assert ids(results["<stdin>"]) == {"subject.vague"}


def test_relative_rule_packs_resolve_against_the_settings_folder(tmp_path, monkeypatch):
    pack(tmp_path / "project/house-rules", {"house/over-apology": PACK_RULE})
    write(tmp_path, {"project/msgcheck.toml": 'rule_packs = ["house-rules"]\n',
                     "project/drafts/m.txt": SORRY})
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")  # neither the pack's nor the settings' folder
    for args in ([tmp_path / "project/drafts/m.txt"],
                 ["--config", tmp_path / "project/msgcheck.toml", tmp_path / "project/drafts/m.txt"]):
        _, results = check_json(*args)
        findings = only(results)["findings"]
        at = SORRY.split("\n\n", 1)[1].index("sorry to bother you")
        assert [(f["rule"], f["start"], f["end"]) for f in findings] == [
            ("house.over-apology", at, at + len("sorry to bother you"))]
    config = Config.from_file(tmp_path / "project/msgcheck.toml")
    assert config.rule_packs == ((tmp_path / "project/house-rules").resolve(),)


# -- precedence: command line > settings file > defaults ---------------------------------------


def test_cli_select_replaces_the_file_select(tmp_path):
    write(tmp_path, {"msgcheck.toml": 'select = ["tone"]\n', "m.txt": MIXED})
    assert ids(only(check_json(tmp_path / "m.txt")[1])) == {"tone.urgency"}
    assert ids(only(check_json("--select", "subject", tmp_path / "m.txt")[1])) == {"subject.vague"}
    both = check_json("--select", "subject.vague", "--select", "tone", tmp_path / "m.txt")[1]
    assert ids(only(both)) == {"subject.vague", "tone.urgency"}


def test_cli_ignore_adds_to_the_file_ignore(tmp_path):
    write(tmp_path, {"msgcheck.toml": 'ignore = ["tone.urgency"]\n', "m.txt": MIXED})
    assert ids(only(check_json(tmp_path / "m.txt")[1])) == {"subject.vague"}
    assert ids(only(check_json("--ignore", "subject", tmp_path / "m.txt")[1])) == set()


def test_cli_ignore_applies_after_select(tmp_path):
    write(tmp_path, {"m.txt": MIXED})
    _, results = check_json("--select", "tone", "--select", "subject", "--ignore", "tone.urgency",
                            tmp_path / "m.txt")
    assert ids(only(results)) == {"subject.vague"}


def test_kind_precedence_cli_then_front_matter_then_override_then_file(tmp_path):
    fm = "---\nkind: thank-you\n---\n" + GOOD
    write(tmp_path, {
        "msgcheck.toml": 'kind = "follow-up"\n\n[[overrides]]\npaths = ["notes/**"]\n'
                         'kind = "update"\n',
        "plain.txt": GOOD, "front.txt": fm, "notes/plain.txt": GOOD, "notes/front.txt": fm,
    })
    paths = [tmp_path / p for p in ("plain.txt", "front.txt", "notes/plain.txt", "notes/front.txt")]
    _, results = check_json(*paths)
    assert [r["kind"] for r in results.values()] == [
        "follow-up", "thank-you", "update", "thank-you"]
    _, results = check_json("--kind", "letter-request", *paths)
    assert [r["kind"] for r in results.values()] == ["letter-request"] * 4


def test_unreadable_inputs_report_their_own_folders_kind(tmp_path):
    """Folders whose settings differ only in `kind` share one Linter: an input that cannot be
    read must still be reported with the kind of its own settings, not the other folder's."""
    write(tmp_path, {"a/msgcheck.toml": 'kind = "update"\n', "a/m.txt": GOOD,
                     "b/msgcheck.toml": 'kind = "follow-up"\n'})
    (tmp_path / "b" / "binary.txt").write_bytes(b"abc\x00\x00\x00\x01\x02 not text")
    _, results = check_json(tmp_path / "a/m.txt", tmp_path / "b/binary.txt")
    binary = results[str(tmp_path / "b/binary.txt")]
    assert [f["rule"] for f in binary["findings"]] == ["input.binary"]
    assert [r["kind"] for r in results.values()] == ["update", "follow-up"]


def test_kind_header_beats_the_file_kind(tmp_path):
    write(tmp_path, {"msgcheck.toml": 'kind = "follow-up"\n', "m.txt": "Kind: update\n" + GOOD})
    assert only(check_json(tmp_path / "m.txt")[1])["kind"] == "update"


def test_template_setting_cli_and_override(tmp_path):
    write(tmp_path, {"plain/t.md": TEMPLATE,
                     "file/msgcheck.toml": "template = true\n", "file/t.md": TEMPLATE,
                     "ovr/msgcheck.toml": '[[overrides]]\npaths = ["templates/**"]\n'
                                          'template = true\n',
                     "ovr/t.md": TEMPLATE, "ovr/templates/t.md": TEMPLATE})
    paths = ["plain/t.md", "file/t.md", "ovr/t.md", "ovr/templates/t.md"]
    _, results = check_json(*(tmp_path / p for p in paths))
    placeholders = ["template.placeholder" in ids(r) for r in results.values()]
    assert placeholders == [True, False, True, False]
    _, results = check_json("--template", *(tmp_path / p for p in paths))
    assert not any("template.placeholder" in ids(r) for r in results.values())


# -- what the settings change ------------------------------------------------------------------


@pytest.mark.parametrize("setting, left", [
    ('select = ["tone.urgency"]', {"tone.urgency"}),
    ('select = ["tone"]', {"tone.urgency"}),
    ('select = ["subject", "tone"]', {"subject.vague", "tone.urgency"}),
    ('ignore = ["tone.urgency"]', {"subject.vague"}),
    ('ignore = ["subject"]', {"tone.urgency"}),
    ('select = ["tone", "subject"]\nignore = ["tone"]', {"subject.vague"}),
])
def test_select_and_ignore_by_id_and_by_criterion(tmp_path, setting, left):
    write(tmp_path, {"msgcheck.toml": setting + "\n", "m.txt": MIXED})
    assert ids(only(check_json(tmp_path / "m.txt")[1])) == left


def test_a_criterion_prefix_matches_whole_segments_only():
    config = Config(ignore=("tone",), select=("tone", "ask.vague"))
    assert not config.selects("tone.urgency")
    assert config.selects("ask.vague")
    assert not config.selects("ask.vague-ish")  # "ask.vague" is an id, not a string prefix
    assert not config.selects("subject.vague")
    assert Config(ignore=("ton",)).selects("tone.urgency")


def test_select_limits_the_rules_and_criteria_a_linter_runs():
    linter = msgcheck.Linter(Config(select=("tone",), ignore=("tone.flattery",)))
    assert {r.criterion for r in linter.rules} == {"tone"}
    assert "tone.flattery" not in {r.id for r in linter.rules}
    report = linter.check(MIXED)
    assert report.rule_ids() == {"tone.urgency"}
    assert set(report.criteria) == {"tone"}


def test_severity_override_makes_a_warning_fail_the_run(tmp_path):
    write(tmp_path, {"msgcheck.toml": '[severity]\n"tone.urgency" = "error"\n', "m.txt": WARNINGS})
    code, results = check_json(tmp_path / "m.txt")
    assert code == 1
    assert [(f["rule"], f["severity"]) for f in only(results)["findings"]] == [
        ("tone.urgency", "error")]
    default = msgcheck.Linter().check(WARNINGS).score
    assert only(results)["score"] < default  # an error costs more than a warning


def test_severity_override_can_lower_a_rule_to_info(tmp_path):
    write(tmp_path, {"msgcheck.toml": '[severity]\n"tone.urgency" = "info"\n', "m.txt": WARNINGS})
    code, results = check_json("--fail-on", "warning", tmp_path / "m.txt")
    assert code == 0
    assert [f["severity"] for f in only(results)["findings"]] == ["info"]


def test_severity_keyed_by_a_criterion_is_not_silently_ignored(tmp_path):
    """`select`/`ignore` take criteria and the name check accepts a criterion in `severity` too;
    so `tone = "error"` must either re-grade every tone rule or be refused, not do nothing."""
    write(tmp_path, {"msgcheck.toml": '[severity]\ntone = "error"\n', "m.txt": WARNINGS})
    result = run("check", "--format", "json", tmp_path / "m.txt")
    if result.exit_code == 2:  # refused as a usage error: fine
        return
    findings = json.loads(result.stdout)["results"][0]["findings"]
    assert [(f["rule"], f["severity"]) for f in findings] == [("tone.urgency", "error")]


@pytest.mark.parametrize("settings, text, rule", [
    ('[kinds.cold-email]\nmax_words = 60\n', COLD_90, "length.too-long"),
    ('[kinds.cold-email]\nmin_words = 100\n', COLD_90, "length.too-short"),
    ('[kinds.cold-email]\nmax_subject_characters = 40\n', COLD_90, "subject.too-long"),
    ('[kinds.cold-email]\nmax_reading_grade = 8\n', COLD_90, "readability.grade"),
    ('[kinds.connection-note]\nmax_characters = 150\n', NOTE, "length.too-long"),
    ('[kinds.connection-note]\nmin_words = 40\n', NOTE, "length.too-short"),
], ids=["max_words", "min_words", "max_subject_characters", "max_reading_grade",
        "max_characters", "min_words-note"])
def test_per_kind_thresholds(tmp_path, settings, text, rule):
    write(tmp_path, {"default/m.txt": text, "tuned/msgcheck.toml": settings, "tuned/m.txt": text})
    _, results = check_json(tmp_path / "default/m.txt", tmp_path / "tuned/m.txt")
    assert [ids(r) for r in results.values()] == [set(), {rule}]  # fine by default


def test_kind_thresholds_apply_to_their_kind_only(tmp_path):
    write(tmp_path, {"msgcheck.toml": "[kinds.cold-email]\nmax_words = 60\n"
                                      "[kinds.follow-up]\nmax_words = 80\n",
                     "m.txt": COLD_90})
    assert ids(only(check_json(tmp_path / "m.txt")[1])) == {"length.too-long"}
    assert "length.too-long" in ids(only(check_json("--kind", "follow-up", tmp_path / "m.txt")[1]))
    assert "length.too-long" not in ids(only(check_json("--kind", "update", tmp_path / "m.txt")[1]))


def test_per_kind_threshold_finding_spans_the_prose():
    report = msgcheck.Linter(Config(kinds={"cold-email": KindSettings(max_words=60)})).check(COLD_90)
    [finding] = [f for f in report.findings if f.rule == "length.too-long"]
    prose = report.sections.prose
    assert (finding.field, finding.start, finding.end) == ("body", prose.start, prose.end)


@pytest.mark.parametrize("settings, key", [
    ("[kinds.cold-email]\nmax_characters = 300\n", "kinds.cold-email.max_characters"),
    ("[kinds.connection-note]\nmax_words = 50\n", "kinds.connection-note.max_words"),
])
def test_a_threshold_in_the_wrong_unit_is_a_usage_error(tmp_path, settings, key):
    write(tmp_path, {"msgcheck.toml": settings, "m.txt": GOOD})
    assert key in usage_error("check", tmp_path / "m.txt")


def test_vocabulary_words_are_not_shouting(tmp_path):
    write(tmp_path, {"default/m.txt": SHOUTING,
                     "project/msgcheck.toml": 'vocabulary = ["OBSERVERSHIP", "PGY-1"]\n',
                     "project/m.txt": SHOUTING})
    body = SHOUTING.split("\n\n", 1)[1]
    _, results = check_json(tmp_path / "default/m.txt", tmp_path / "project/m.txt")
    default, project = (sorted((f["rule"], f["start"], f["end"]) for f in r["findings"]
                               if f["rule"] == "tone.shouting") for r in results.values())
    very = ("tone.shouting", body.index("VERY"), body.index("VERY") + 4)
    observership = body.index("OBSERVERSHIP")
    assert default == [very, ("tone.shouting", observership, observership + 12)]
    assert project == [very]  # other capitals are still shouting


def test_overrides_apply_to_matching_paths_only(tmp_path):
    write(tmp_path, {
        "msgcheck.toml": '[[overrides]]\npaths = ["linkedin/**"]\nkind = "connection-note"\n',
        "linkedin/note.txt": COLD_90, "emails/note.txt": COLD_90,
    })
    _, results = check_json(tmp_path)
    by_folder = {Path(p).parent.name: r for p, r in results.items()}
    assert by_folder["linkedin"]["kind"] == "connection-note"
    assert "length.too-long" in ids(by_folder["linkedin"])  # 586 characters > 300
    assert (by_folder["emails"]["kind"], ids(by_folder["emails"])) == ("cold-email", set())


@pytest.mark.parametrize("override, strict_ids, strict_code", [
    ('ignore = ["tone.urgency"]', {"subject.vague"}, 0),
    ('extend_ignore = ["subject"]', {"tone.urgency"}, 0),
    ('select = ["subject"]', {"subject.vague"}, 0),
    ('severity = {"tone.urgency" = "error"}', {"subject.vague", "tone.urgency"}, 1),
])
def test_override_settings_for_matching_paths(tmp_path, override, strict_ids, strict_code):
    write(tmp_path, {
        "msgcheck.toml": f'[[overrides]]\npaths = ["strict/*.txt"]\n{override}\n',
        "strict/m.txt": MIXED, "loose/m.txt": MIXED,
    })
    code, results = check_json(tmp_path / "strict/m.txt")
    assert (ids(only(results)), code) == (strict_ids, strict_code)
    code, results = check_json(tmp_path / "loose/m.txt")
    assert (ids(only(results)), code) == ({"subject.vague", "tone.urgency"}, 0)


def test_overrides_add_to_the_top_level_settings_in_order(tmp_path):
    write(tmp_path, {
        "msgcheck.toml": 'ignore = ["subject.vague"]\n'
                         '[[overrides]]\npaths = ["*.md"]\nseverity = {"tone.urgency" = "error"}\n'
                         '[[overrides]]\npaths = ["drafts/**"]\nseverity = {"tone.urgency" = "info"}\n',
        "drafts/m.md": MIXED, "m.md": MIXED, "drafts/m.txt": MIXED,
    })
    _, results = check_json(tmp_path / "m.md", tmp_path / "drafts/m.md", tmp_path / "drafts/m.txt")
    assert [[(f["rule"], f["severity"]) for f in r["findings"]] for r in results.values()] == [
        [("tone.urgency", "error")], [("tone.urgency", "info")], [("tone.urgency", "info")]]


def test_override_globs_are_relative_to_the_settings_file(tmp_path, monkeypatch):
    write(tmp_path, {
        "project/msgcheck.toml": '[[overrides]]\npaths = ["linkedin/**"]\nignore = ["tone"]\n',
        "project/linkedin/m.txt": WARNINGS,
    })
    monkeypatch.chdir(tmp_path / "project/linkedin")
    assert ids(only(check_json("m.txt")[1])) == set()
    monkeypatch.chdir(tmp_path)
    assert ids(only(check_json("project/linkedin/m.txt")[1])) == set()


def test_override_matching_in_python():
    config = Config(source=Path("/p/msgcheck.toml"), ignore=("readability",), overrides=(
        Override(paths=("linkedin/**",), kind="connection-note", extend_ignore=("tone",)),
        Override(paths=("*.md",), template=True, severity={"tone.urgency": "error"}),
    ))
    note = config.for_path("/p/linkedin/sub/a.md")
    assert (note.kind, note.template) == ("connection-note", True)
    assert note.ignore == ("readability", "tone")
    assert note.severity == {"tone.urgency": "error"}
    plain = config.for_path("/p/emails/a.txt")
    assert (plain.kind, plain.template, plain.ignore) == ("cold-email", False, ("readability",))
    assert config.for_path(None) is config


def test_settings_file_created_after_an_earlier_run_is_found(tmp_path):
    """Each run (Session) looks for settings afresh: a long-lived process (an editor plugin, a
    server, this test suite) must see a msgcheck.toml written after its first check."""
    write(tmp_path, {"m.txt": WARNINGS})
    assert ids(only(check_json(tmp_path / "m.txt")[1])) == {"tone.urgency"}
    write(tmp_path, {"msgcheck.toml": 'ignore = ["tone.urgency"]\n'})
    assert find_config_file(tmp_path / "m.txt") == tmp_path / "msgcheck.toml"
    assert ids(only(check_json(tmp_path / "m.txt")[1])) == set()


@pytest.mark.parametrize("pattern, path, matches", [
    ("*.md", "notes/a.md", True),
    ("*.md", "notes/a.txt", False),
    ("drafts", "x/drafts/a.txt", True),  # no "/": any part of the path
    ("linkedin/**", "linkedin/2026/a.txt", True),
    ("linkedin/**", "emails/linkedin.txt", False),
    ("linkedin/*.txt", "linkedin/a.txt", True),
    ("**/archive/**", "archive/a.txt", True),
    ("**/archive/**", "x/archive/a.txt", True),
    ("/linkedin/**", "linkedin/a.txt", True),
    ("emails/*.txt", "linkedin/emails.txt", False),
])
def test_override_glob_patterns(pattern, path, matches):
    """The pattern rules of docs/configuration.md#per-path-settings-overrides."""
    config = Config(source=Path("/p/msgcheck.toml"), overrides=(Override(paths=(pattern,), kind="update"),))
    assert (config.for_path(f"/p/{path}").kind == "update") is matches


def test_input_limits_come_from_the_settings(tmp_path):
    write(tmp_path, {"bytes/msgcheck.toml": "max_bytes = 100\n", "bytes/m.txt": GOOD,
                     "chars/msgcheck.toml": "max_chars = 100\n", "chars/m.txt": GOOD})
    code, results = check_json(tmp_path / "bytes/m.txt", tmp_path / "chars/m.txt")
    assert code == 1
    assert [[f["rule"] for f in r["findings"]] for r in results.values()] == [
        ["input.too-large"], ["input.too-large"]]


def test_spacy_model_blank_runs_degraded(tmp_path):
    write(tmp_path, {"msgcheck.toml": 'spacy_model = "blank"\n', "m.txt": WARNINGS})
    _, results = check_json(tmp_path / "m.txt")
    assert only(results)["notes"]  # the degraded-mode note
    assert "tone.urgency" in ids(only(results))


def test_defaults_are_used_when_the_settings_say_nothing(tmp_path):
    write(tmp_path, {"msgcheck.toml": "", "m.txt": MIXED})
    _, results = check_json(tmp_path / "m.txt")
    assert ids(only(results)) == {"subject.vague", "tone.urgency"}
    assert Config.from_file(tmp_path / "msgcheck.toml").model_dump(exclude={"root"}) == \
        Config().model_dump(exclude={"root"})


# -- settings that do not validate: usage error (exit 2) naming file and key -------------------


@pytest.mark.parametrize("content, names", [
    ("colour = 'blue'\n", ["colour", "select", "ignore", "severity", "kinds", "overrides"]),
    ("[kinds.cold-email]\nmax_wrds = 60\n", ["kinds.cold-email.max_wrds", "max_words"]),
    ("[kinds.cold-mail]\nmax_words = 60\n", ["kinds", "cold-mail"]),
    ("[kinds.cold-email]\nmin_words = -1\n", ["kinds.cold-email.min_words"]),
    ("select = 'tone'\n", ["select"]),
    ("max_bytes = 'lots'\n", ["max_bytes"]),
    ("plugins = 'perhaps'\n", ["plugins"]),
    ("vocabulary = 'ERAS'\n", ["vocabulary"]),
    ("kind = 'newsletter'\n", ["kind"]),
    ("[severity]\n'tone.urgency' = 'fatal'\n", ["severity", "tone.urgency"]),
    ("[[overrides]]\nignore = ['tone']\n", ["overrides", "paths"]),
    ("[[overrides]]\npaths = ['x/**']\ncolour = 1\n", ["overrides", "colour", "extend_ignore"]),
    ("[[overrides]]\npaths = ['x/**']\nkind = 'memo'\n", ["overrides", "kind"]),
    ("select = [\n", ["TOML"]),
], ids=["unknown-key", "unknown-kind-key", "unknown-kind", "negative", "not-a-list", "not-int",
        "not-bool", "vocabulary-not-list", "bad-kind", "bad-severity", "override-no-paths",
        "override-unknown-key", "override-bad-kind", "invalid-toml"])
def test_invalid_settings_name_the_file_and_key(tmp_path, content, names):
    write(tmp_path, {"msgcheck.toml": content, "m.txt": GOOD})
    for args in (["--config", tmp_path / "msgcheck.toml"], []):  # given, then discovered
        output = usage_error("check", *args, tmp_path / "m.txt")
        assert "msgcheck.toml" in output
        for name in names:
            assert name in output


def test_invalid_pyproject_settings_name_the_file(tmp_path):
    write(tmp_path, {"pyproject.toml": "[tool.msgcheck]\nignore = 'tone'\n", "m.txt": GOOD})
    output = usage_error("check", tmp_path / "m.txt")
    assert "pyproject.toml" in output and "ignore" in output


def test_discovered_pyproject_with_broken_toml_is_not_silently_skipped(tmp_path):
    """A pyproject.toml holding [tool.msgcheck] that is not valid TOML must not be replaced by
    the defaults (or an outer file) without a word: the user's settings would be ignored."""
    write(tmp_path, {"msgcheck.toml": "",  # an outer file the search could fall back to
                     "p/pyproject.toml": '[project]\nname = "x\n\n[tool.msgcheck]\n'
                                         'ignore = ["tone.urgency"]\n',
                     "p/m.txt": WARNINGS})
    output = usage_error("check", tmp_path / "p/m.txt")
    assert "pyproject.toml" in output


def test_unreadable_settings_files(tmp_path):
    (tmp_path / "latin1.toml").write_bytes("kind = 'cold-email' # caf\xe9\n".encode("latin-1"))
    write(tmp_path, {"m.txt": GOOD})
    assert "latin1.toml" in usage_error("check", "--config", tmp_path / "latin1.toml",
                                        tmp_path / "m.txt")
    assert "missing.toml" in usage_error("check", "--config", tmp_path / "missing.toml",
                                         tmp_path / "m.txt")
    usage_error("check", "--config", tmp_path, tmp_path / "m.txt")  # a folder
    assert "missing.toml" in usage_error("rules", "--config", tmp_path / "missing.toml")


# Names that match no rule: each is a typo, refused with the name (and the file it is in).
TYPO_SETTINGS = {
    "select": ('select = ["tone.urgncy"]\n', "tone.urgncy"),
    "select-criterion": ('select = ["tones"]\n', "tones"),
    "ignore": ('ignore = ["tone.urgncy"]\n', "tone.urgncy"),
    "severity": ('[severity]\n"tone.urgncy" = "error"\n', "tone.urgncy"),
    "override-select": ('[[overrides]]\npaths = ["x/**"]\nselect = ["subjct"]\n', "subjct"),
    "override-ignore": ('[[overrides]]\npaths = ["x/**"]\nignore = ["tone.urgncy"]\n',
                        "tone.urgncy"),
    "override-extend_ignore": ('[[overrides]]\npaths = ["x/**"]\nextend_ignore = ["tonne"]\n',
                               "tonne"),
    "override-severity": ('[[overrides]]\npaths = ["x/**"]\nseverity = {"ask.vauge" = "error"}\n',
                          "ask.vauge"),
}


@pytest.mark.parametrize("case", sorted(TYPO_SETTINGS))
def test_unknown_rule_names_in_settings_are_usage_errors(tmp_path, case):
    content, typo = TYPO_SETTINGS[case]
    write(tmp_path, {"msgcheck.toml": content, "m.txt": GOOD})
    assert typo in usage_error("check", tmp_path / "m.txt")


# Errors found while building the rules: the message must say which settings file to fix
# (with discovery, several may be in play in one run).
RULESET_ERRORS = {
    "unknown-name": TYPO_SETTINGS["override-severity"][0],
    "threshold-unit": "[kinds.cold-email]\nmax_characters = 300\n",
    "missing-pack": 'rule_packs = ["no-such-pack"]\n',
    "duplicate-id": 'rule_packs = ["dupe"]\n',
}


@pytest.mark.parametrize("case", sorted(RULESET_ERRORS))
def test_rule_set_errors_name_the_settings_file(tmp_path, case):
    pack(tmp_path / "proj/dupe", {"tone/urgency": PACK_RULE})
    write(tmp_path, {"proj/outreach.toml": RULESET_ERRORS[case], "proj/m.txt": GOOD})
    output = usage_error("check", "--config", tmp_path / "proj/outreach.toml",
                         tmp_path / "proj/m.txt")
    assert "outreach.toml" in output


def test_unknown_rule_on_the_command_line_is_a_usage_error(tmp_path):
    write(tmp_path, {"m.txt": GOOD})
    assert "tone.urgncy" in usage_error("check", "--select", "tone.urgncy", tmp_path / "m.txt")
    assert "tonne" in usage_error("check", "--ignore", "tonne", tmp_path / "m.txt")


def test_missing_rule_pack_is_a_usage_error(tmp_path):
    write(tmp_path, {"msgcheck.toml": 'rule_packs = ["no-such-pack"]\n', "m.txt": GOOD})
    assert "no-such-pack" in usage_error("check", tmp_path / "m.txt")
    assert "no-such-pack" in usage_error("rules", "--config", tmp_path / "msgcheck.toml")


def test_invalid_rule_file_in_a_pack_names_file_and_line(tmp_path):
    bad = PACK_RULE.replace("severity: warning", "severity: loud")
    pack(tmp_path / "pack", {"house/over-apology": bad})
    write(tmp_path, {"msgcheck.toml": 'rule_packs = ["pack"]\n', "m.txt": GOOD})
    output = usage_error("check", tmp_path / "m.txt")
    assert re.search(r"over-apology\.yml:2\b", output), output
    assert "severity" in output


def test_rule_file_in_the_wrong_place_is_a_usage_error(tmp_path):
    pack(tmp_path / "pack", {"house/nested/over-apology": PACK_RULE})
    write(tmp_path, {"msgcheck.toml": 'rule_packs = ["pack"]\n', "m.txt": GOOD})
    assert "over-apology.yml" in usage_error("check", tmp_path / "m.txt")


def test_pack_rule_with_the_id_of_a_built_in_is_a_usage_error(tmp_path):
    pack(tmp_path / "pack", {"tone/urgency": PACK_RULE})
    write(tmp_path, {"msgcheck.toml": 'rule_packs = ["pack"]\n', "m.txt": GOOD})
    assert "tone.urgency" in usage_error("check", tmp_path / "m.txt")
    assert "tone.urgency" in usage_error("rules", "--config", tmp_path / "msgcheck.toml")


# -- in Python ---------------------------------------------------------------------------------


def test_config_rejects_invalid_values_when_built():
    for bad in ({"kind": "newsletter"}, {"colour": "blue"}, {"severity": {"tone.urgency": "loud"}},
                {"kinds": {"cold-email": {"max_words": 0}}}, {"overrides": ({"kind": "update"},)}):
        with pytest.raises(ValueError):
            Config(**bad)


@pytest.mark.parametrize("config, name", [
    (Config(select=("tone.urgncy",)), "tone.urgncy"),
    (Config(ignore=("tonne",)), "tonne"),
    (Config(severity={"ask.vauge": "error"}), "ask.vauge"),
    (Config(overrides=(Override(paths=("x",), extend_ignore=("subjct",)),)), "subjct"),
    (Config(kinds={"cold-email": KindSettings(max_characters=300)}), "max_characters"),
    (Config(rule_packs=(Path("/no/such/pack"),)), "/no/such/pack"),
], ids=["select", "ignore", "severity", "override", "threshold-unit", "missing-pack"])
def test_linter_raises_config_error(config, name):
    with pytest.raises(ConfigError, match=re.escape(name)):
        msgcheck.Linter(config)


def test_config_from_file_raises_config_error(tmp_path):
    (tmp_path / "msgcheck.toml").write_text("colour = 'blue'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="msgcheck.toml"):
        Config.from_file(tmp_path / "msgcheck.toml")
    with pytest.raises(ConfigError, match="nope.toml"):
        Config.from_file(tmp_path / "nope.toml")


def test_pyproject_without_table_given_explicitly_means_defaults(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    config = Config.from_file(tmp_path / "pyproject.toml")
    assert config.model_dump(exclude={"root"}) == Config().model_dump(exclude={"root"})
    assert config.root == tmp_path.resolve()


# -- user rule packs ---------------------------------------------------------------------------


@pytest.fixture
def house(tmp_path) -> Path:
    """A project whose settings add a YAML-only rule pack."""
    pack(tmp_path / "rules", {"house/over-apology": PACK_RULE})
    write(tmp_path, {"msgcheck.toml": 'rule_packs = ["rules"]\n', "m.txt": SORRY})
    return tmp_path


def test_user_pack_rule_fires_with_its_span(house):
    code, results = check_json(house / "m.txt")
    body = SORRY.split("\n\n", 1)[1]
    at = body.index("sorry to bother you")
    [finding] = only(results)["findings"]
    assert (finding["rule"], finding["criterion"], finding["severity"]) == (
        "house.over-apology", "house", "warning")
    assert (finding["field"], finding["start"], finding["end"]) == ("body", at, at + 19)
    assert "house" in only(results)["criteria"]
    assert code == 0


def test_user_pack_rules_obey_select_ignore_and_severity(house):
    (house / "msgcheck.toml").write_text(
        'rule_packs = ["rules"]\n[severity]\n"house.over-apology" = "error"\n', encoding="utf-8")
    code, results = check_json(house / "m.txt")
    assert (code, [f["severity"] for f in only(results)["findings"]]) == (1, ["error"])
    assert ids(only(check_json("--ignore", "house", house / "m.txt")[1])) == set()
    assert ids(only(check_json("--select", "house.over-apology", house / "m.txt")[1])) == {
        "house.over-apology"}


def test_user_pack_rule_is_suppressible(house):
    body = SORRY.replace("I am sorry", "<!-- msgcheck: disable-line=house.over-apology --> I am sorry")
    write(house, {"m.txt": body})
    _, results = check_json(house / "m.txt")
    assert ids(only(results)) == set()
    assert [f["rule"] for f in only(results)["suppressed"]] == ["house.over-apology"]


def test_rules_lists_pack_rules_from_the_working_directory(house, monkeypatch):
    monkeypatch.chdir(house)
    result = run("rules")
    assert result.exit_code == 0, result.output
    assert "house.over-apology" in result.output
    assert "tone.urgency" in result.output  # the built-ins too
    listed = json.loads(run("rules", "--format", "json").stdout)
    assert "house.over-apology" in {r["id"] for r in listed}


def test_rules_lists_pack_rules_with_config_option(house, tmp_path_factory, monkeypatch):
    monkeypatch.chdir(tmp_path_factory.mktemp("elsewhere"))
    assert "house.over-apology" not in run("rules").output
    result = run("rules", "--config", house / "msgcheck.toml")
    assert result.exit_code == 0, result.output
    assert "house.over-apology" in result.output


def test_rules_explains_a_pack_rule(house, monkeypatch):
    monkeypatch.chdir(house)
    result = run("rules", "house.over-apology")
    assert result.exit_code == 0, result.output
    assert "house.over-apology" in result.output
    assert "Thanks reads better than an apology" in result.output  # its docs.why
    spec = json.loads(run("rules", "house.over-apology", "--format", "json").stdout)
    assert (spec["id"], spec["criterion"], spec["check"]["kind"]) == (
        "house.over-apology", "house", "existence")


def test_rules_lists_every_rule_even_when_settings_select_few(house, monkeypatch):
    (house / "msgcheck.toml").write_text('rule_packs = ["rules"]\nselect = ["house"]\n',
                                         encoding="utf-8")
    monkeypatch.chdir(house)
    output = run("rules").output
    assert "house.over-apology" in output and "tone.urgency" in output


# -- the documentation stays complete and correct ----------------------------------------------


CONFIG_DOC = REPO / "docs" / "configuration.md"


@pytest.mark.parametrize("model", [Config, KindSettings, Override])
def test_every_setting_is_documented(model):
    text = CONFIG_DOC.read_text(encoding="utf-8")
    # Fields excluded from serialisation (Config.source) record where settings came from.
    missing = [key for key, field in model.model_fields.items()
               if not field.exclude and f"`{key}`" not in text]
    assert not missing, f"docs/configuration.md does not document {missing}"


def test_settings_examples_in_the_docs_are_valid(tmp_path):
    text = CONFIG_DOC.read_text(encoding="utf-8")
    blocks = re.findall(r"```toml\n(.*?)```", text, re.DOTALL)
    assert len(blocks) >= 5
    for number, block in enumerate(blocks):
        tomllib.loads(block)  # valid TOML at all
        name = "pyproject.toml" if "[tool.msgcheck" in block else "msgcheck.toml"
        folder = tmp_path / str(number)
        folder.mkdir()
        (folder / name).write_text(block, encoding="utf-8")
        try:
            config = Config.from_file(folder / name)
        except ConfigError as exc:
            pytest.fail(f"docs/configuration.md toml block {number} does not validate: {exc}")
        # Rule names in the examples must exist (packs are the docs' own folders: leave them out).
        msgcheck.Linter(config.model_copy(update={"rule_packs": (), "plugins": False}))
