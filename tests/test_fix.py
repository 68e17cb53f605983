"""``msgcheck check --fix`` (issue #3, docs/fixes.md): only safe edits, applied in place.

Safe edits today: tone.urgency replacements ("ASAP" -> "when convenient") and tone.shouting's
"!!!" -> "!". Assertions are on file bytes, rule ids and spans.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import FIXTURES

import msgcheck
from msgcheck.cli import main
from msgcheck.fixes import apply_fixes, safe_edits

WARNINGS = (FIXTURES / "warnings-only.txt").read_text(encoding="utf-8")  # "Please reply ASAP."
GOOD_EML = (FIXTURES / "good-cold-email.eml").read_bytes()


def with_tail(tail: str) -> str:
    """The one-warning fixture with its 'Please reply ASAP.' replaced by ``tail``."""
    assert "Please reply ASAP." in WARNINGS
    return WARNINGS.replace("Please reply ASAP.", tail)


def fix(*args, input: bytes | None = None) -> tuple[int, list[dict]]:
    result = CliRunner().invoke(main, ["check", "--fix", "--format", "json",
                                       *(str(a) for a in args)], input=input)
    assert result.exit_code in (0, 1), (result.output, result.exception)
    return result.exit_code, json.loads(result.stdout)["results"]


def rules(result: dict) -> list[tuple[str, str]]:
    """(rule, the text it points at) for each finding of a JSON result."""
    return [(f["rule"], f["start"], f["end"]) for f in result["findings"]]


def write(path: Path, text: str) -> Path:
    path.write_bytes(text.encode("utf-8"))
    return path


# -- what is applied ---------------------------------------------------------------------------


def test_safe_fixes_are_applied_and_unsafe_ones_left(tmp_path):
    path = write(tmp_path / "m.txt", with_tail("Please reply ASAP!!! I am VERY keen, it is urgent."))
    _, [result] = fix(path)
    expected = with_tail("Please reply when convenient! I am VERY keen, it is urgent.")
    assert path.read_text(encoding="utf-8") == expected
    # The report printed is of the fixed file: only the findings without a safe edit remain.
    body = expected.split("\n\n", 1)[1]
    assert sorted(rules(result)) == sorted([
        ("tone.shouting", body.index("VERY"), body.index("VERY") + 4),
        ("tone.urgency", body.index("urgent"), body.index("urgent") + 6),
    ])


@pytest.mark.parametrize("before, after", [
    ("Please reply as soon as possible.", "Please reply when convenient."),
    ("Please reply a.s.a.p. if you can.", "Please reply when convenient if you can."),
    ("Please reply right away.", "Please reply when you have a moment."),
    ("Please answer immediately!!", "Please answer when you have a moment!"),
    ("Thank you so much!!!!!", "Thank you so much!"),
])
def test_each_safe_replacement(tmp_path, before, after):
    path = write(tmp_path / "m.txt", with_tail(before))
    _, [result] = fix(path)
    assert path.read_text(encoding="utf-8") == with_tail(after)
    assert not {"tone.urgency", "tone.shouting"} & {f["rule"] for f in result["findings"]}


def test_several_fixes_in_one_file_including_adjacent_ones(tmp_path):
    path = write(tmp_path / "m.txt", with_tail(
        "Please reply ASAP!!! Or as soon as possible!! Right away!!!"))
    fix(path)
    assert path.read_text(encoding="utf-8") == with_tail(
        "Please reply when convenient! Or when convenient! when you have a moment!")


def test_a_second_run_has_nothing_left_to_fix(tmp_path):
    path = write(tmp_path / "m.txt", with_tail("Please reply ASAP!!!"))
    fix(path)
    fixed = path.read_bytes()
    code, [result] = fix(path)
    assert path.read_bytes() == fixed
    assert result["findings"] == []
    assert code == 0
    plain = CliRunner().invoke(main, ["check", "--format", "json", str(path)])
    assert json.loads(plain.stdout)["results"][0]["findings"] == []


def test_without_fix_nothing_is_written(tmp_path):
    path = write(tmp_path / "m.txt", with_tail("Please reply ASAP!!!"))
    before = path.read_bytes()
    CliRunner().invoke(main, ["check", str(path)])
    assert path.read_bytes() == before


def test_suppressed_and_ignored_findings_are_not_fixed(tmp_path):
    text = with_tail("Please reply ASAP!!! <!-- msgcheck: disable-line=tone.urgency -->")
    path = write(tmp_path / "m.txt", text)
    _, [result] = fix(path)
    assert path.read_text(encoding="utf-8") == text.replace("!!!", "!")
    assert [f["rule"] for f in result["suppressed"]] == ["tone.urgency"]

    (tmp_path / "quiet").mkdir()
    write(tmp_path / "quiet/msgcheck.toml", 'ignore = ["tone.shouting"]\n')
    path = write(tmp_path / "quiet/m.txt", with_tail("Please reply ASAP!!!"))
    fix(path)
    assert path.read_text(encoding="utf-8") == with_tail("Please reply when convenient!!!")
    path = write(tmp_path / "n.txt", with_tail("Please reply ASAP!!!"))
    fix("--select", "tone.shouting", path)
    assert path.read_text(encoding="utf-8") == with_tail("Please reply ASAP!")


def test_quoted_replies_are_not_touched(tmp_path):
    text = with_tail("Please reply ASAP.") + (
        "\nOn Mon, 3 Mar 2026, Dr. Maria Alvarez wrote:\n> Please send it ASAP!!!\n")
    path = write(tmp_path / "m.txt", text)
    fix(path)
    assert path.read_text(encoding="utf-8") == text.replace(
        "Please reply ASAP.", "Please reply when convenient.")


# -- the file keeps its form -------------------------------------------------------------------


def test_crlf_line_endings_are_preserved(tmp_path):
    text = with_tail("Please reply ASAP!!!").replace("\n", "\r\n")
    path = tmp_path / "m.txt"
    path.write_bytes(text.encode("utf-8"))
    fix(path)
    data = path.read_bytes()
    assert data == with_tail("Please reply when convenient!").replace("\n", "\r\n").encode("utf-8")
    assert data.count(b"\n") == data.count(b"\r\n")


@pytest.mark.parametrize("newlines", [
    ["\r"] * 20,  # classic Mac: CR only
    ["\r\n", "\n", "\r\n"] * 7,  # mixed, as after pasting between editors
], ids=["cr-only", "mixed"])
def test_only_the_edited_text_changes(tmp_path, newlines):
    """A fix rewrites the text it replaces, not the line endings of lines it never touched."""
    lines = with_tail("Please reply ASAP.").split("\n")
    assert len(lines) <= len(newlines) + 1
    original = "".join(line + end for line, end in zip(lines, newlines, strict=False))
    original += lines[-1] if len(lines) > len(newlines) else ""
    path = tmp_path / "m.txt"
    path.write_bytes(original.encode("utf-8"))
    fix(path)
    assert path.read_bytes() == original.replace("ASAP", "when convenient").encode("utf-8")


def test_a_utf8_byte_order_mark_is_preserved(tmp_path):
    path = tmp_path / "m.txt"
    path.write_bytes(b"\xef\xbb\xbf" + with_tail("Please reply ASAP.").encode("utf-8"))
    fix(path)
    assert path.read_bytes() == b"\xef\xbb\xbf" + with_tail(
        "Please reply when convenient.").encode("utf-8")


def test_bom_and_crlf_together(tmp_path):
    path = tmp_path / "m.txt"
    path.write_bytes(b"\xef\xbb\xbf" + with_tail("Reply ASAP!!!").replace("\n", "\r\n").encode())
    fix(path)
    assert path.read_bytes() == b"\xef\xbb\xbf" + with_tail(
        "Reply when convenient!").replace("\n", "\r\n").encode()


def test_non_ascii_text_before_the_fix(tmp_path):
    text = with_tail("Merci, très gentil — please reply ASAP.")
    path = write(tmp_path / "m.txt", text)
    fix(path)
    assert path.read_text(encoding="utf-8") == text.replace("ASAP", "when convenient")


def test_eml_files_are_left_unchanged(tmp_path):
    data = GOOD_EML.replace(b"Thank you for considering my request.",
                            b"Thank you for considering my request. Please reply ASAP!!!")
    assert data != GOOD_EML
    path = tmp_path / "m.eml"
    path.write_bytes(data)
    _, [result] = fix(path)
    assert path.read_bytes() == data
    assert {"tone.urgency", "tone.shouting"} <= {f["rule"] for f in result["findings"]}


def test_non_utf8_files_are_left_unchanged(tmp_path):
    data = with_tail("Merci, très gentil. Please reply ASAP!!!").encode("cp1252")
    path = tmp_path / "m.txt"
    path.write_bytes(data)
    _, [result] = fix(path)
    assert path.read_bytes() == data
    assert {"tone.urgency", "tone.shouting"} <= {f["rule"] for f in result["findings"]}


def test_other_suffixes_are_left_unchanged(tmp_path):
    text = with_tail("Please reply ASAP.")
    path = write(tmp_path / "m.text", text)
    fix(path)
    assert path.read_text(encoding="utf-8") == text


def test_a_folder_fixes_its_txt_and_md_files_only(tmp_path):
    write(tmp_path / "a.txt", with_tail("Reply ASAP."))
    write(tmp_path / "b.md", "---\nkind: follow-up\n---\n" + with_tail("Reply ASAP."))
    eml = GOOD_EML.replace(b"my request.", b"my request. Reply ASAP.")
    (tmp_path / "c.eml").write_bytes(eml)
    fix(tmp_path)
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == with_tail("Reply when convenient.")
    assert (tmp_path / "b.md").read_text(encoding="utf-8") == (
        "---\nkind: follow-up\n---\n" + with_tail("Reply when convenient."))
    assert (tmp_path / "c.eml").read_bytes() == eml


def test_stdin_with_fix_is_harmless(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = with_tail("Please reply ASAP!!!")
    code, [result] = fix("-", input=text.encode("utf-8"))
    assert code == 0
    assert result["path"] == "<stdin>"
    assert {f["rule"] for f in result["findings"]} == {"tone.urgency", "tone.shouting"}
    assert list(tmp_path.iterdir()) == []


# -- subject lines -----------------------------------------------------------------------------


SUBJECT_RULE = """\
summary: Urgency in the subject line
severity: warning
message: "'{phrase}' in the subject pressures the reader"
fix: "Write '{replacement}' instead"
safe_fix: true
check:
  kind: existence
  scope: subject
  phrases: [urgent, asap]
  replacements: {urgent: question, asap: question}
docs:
  what: Flags urgency in the subject.
  why: Pressure reads badly.
  example: "Subject: Urgent request"
  use_instead: "Subject: Question"
examples:
  valid: ["Subject: Question about your talk\\n\\nDear Dr. Lee,"]
  invalid: ["Subject: Urgent question about your talk\\n\\nDear Dr. Lee,"]
"""


@pytest.fixture
def subject_pack(tmp_path) -> Path:
    (tmp_path / "pack/house").mkdir(parents=True)
    (tmp_path / "pack/house/urgent-subject.yml").write_text(SUBJECT_RULE, encoding="utf-8")
    (tmp_path / "msgcheck.toml").write_text('rule_packs = ["pack"]\n', encoding="utf-8")
    return tmp_path


def test_subject_fixes_land_in_the_subject(subject_pack):
    text = with_tail("Please reply ASAP.").replace("Subject: IMG applicant",
                                                   "Subject: Urgent: IMG applicant")
    path = write(subject_pack / "m.txt", text)
    fix(path)
    assert path.read_text(encoding="utf-8") == text.replace(
        "Subject: Urgent:", "Subject: question:").replace("reply ASAP.", "reply when convenient.")


def test_subject_fix_with_front_matter_and_crlf(subject_pack):
    text = ("---\nkind: follow-up\n---\nSubject:   ASAP - IMG applicant\nTo: Dr. Maria Alvarez"
            " <malvarez@univ.example.edu>\n\n" + WARNINGS.split("\n\n", 1)[1]).replace("\n", "\r\n")
    path = subject_pack / "m.md"
    path.write_bytes(text.encode("utf-8"))
    _, [result] = fix(path)
    assert path.read_bytes() == text.replace("Subject:   ASAP", "Subject:   question").replace(
        "reply ASAP.", "reply when convenient.").encode("utf-8")
    assert result["kind"] == "follow-up"
    assert "house.urgent-subject" not in {f["rule"] for f in result["findings"]}


# -- in Python ---------------------------------------------------------------------------------


def test_safe_edits_are_file_offsets(linter, tmp_path):
    text = "---\nkind: cold-email\n---\n" + with_tail("Please reply ASAP!!! I am VERY keen.")
    path = write(tmp_path / "m.md", text)
    report = linter.check(path)
    edits = sorted(safe_edits(report))
    assert [(text[s:e], expected, new) for s, e, expected, new in edits] == [
        ("ASAP", "ASAP", "when convenient"), ("!!!", "!!!", "!")]
    assert all(f.suggestion.safe for f in report.findings
               if f.suggestion and f.suggestion.edits)
    assert apply_fixes(report, path) == 2


def test_stale_reports_change_nothing(linter, tmp_path):
    path = write(tmp_path / "m.txt", with_tail("Please reply ASAP!!!"))
    report = linter.check(path)
    moved = with_tail("Well. Please reply ASAP!!!")  # the text shifted since the check
    write(path, moved)
    assert apply_fixes(report, path) == 0
    assert path.read_text(encoding="utf-8") == moved


def test_reports_without_a_source_apply_nothing(linter, tmp_path):
    report = linter.check(with_tail("Please reply ASAP!!!"))
    assert len(safe_edits(report)) == 2  # offsets into the text it was given
    assert apply_fixes(report, tmp_path / "absent.txt") == 0
    assert safe_edits(msgcheck.Report(kind="cold-email", score=100, criteria={},
                                      findings=())) == []


def test_the_docs_list_exactly_the_rules_with_safe_fixes():
    from helpers import REPO

    from msgcheck.loader import builtin_pack

    text = (REPO / "docs" / "fixes.md").read_text(encoding="utf-8")
    table = text.split("## Rules with safe fixes", 1)[1].split("\n## ", 1)[0]
    documented = {line.split("`")[1] for line in table.splitlines() if line.startswith("| `")}
    safe = {rule.id for rule in builtin_pack().rules if rule.safe_fix}
    assert documented == safe
