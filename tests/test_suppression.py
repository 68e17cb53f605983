"""Suppression comments and front-matter ignores (issue #3, docs/suppression.md).

Semantics (msgcheck/parse/suppressions.py): ``disable-next-line``, ``disable-line``, a
``disable`` … ``enable`` region, ``disable-file``; no ids or ``all`` means every rule; ids may be
comma-separated and may be criteria. Silenced findings move to ``report.suppressed``; a
suppression that silences nothing is a ``suppression.unused`` info finding on the comment.
"""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner
from helpers import FIXTURES, assert_well_formed

import msgcheck
from msgcheck.cli import main

HEAD = """Subject: IMG applicant - question about your catatonia grand rounds
To: Dr. Maria Alvarez <malvarez@univ.example.edu>

"""
BODY = """Dear Dr. Alvarez,

My name is Priya Raman, and I am an international medical graduate from India preparing to apply to psychiatry residency. I attended your grand rounds on catatonia last Tuesday and was struck by your point about lorazepam challenges on medical wards.

Would you be willing to spare 15 minutes for a Zoom call about building a career in consultation-liaison psychiatry?

{extra}
I understand you are very busy and completely understand if this is not possible. Thank you for considering my request.

Sincerely,
Priya Raman
"""
COMMENT = re.compile(r"<!--.*?-->")


def message(*lines: str, head: str = HEAD) -> str:
    """The clean message with ``lines`` added before its last paragraph."""
    return head + BODY.replace("{extra}", "".join(line + "\n" for line in lines))


def body_of(text: str) -> str:
    """The body as written (comments intact): offsets of findings must index it unchanged."""
    return text[len(HEAD):]


def spans(findings, rule: str | None = None) -> list[tuple[str, int, int]]:
    return sorted((f.rule, f.start, f.end) for f in findings if rule in (None, f.rule))


def at(body: str, needle: str, nth: int = 0) -> int:
    index = -1
    for _ in range(nth + 1):
        index = body.index(needle, index + 1)
    return index


def urgency(body: str, nth: int = 0) -> tuple[str, int, int]:
    start = at(body, "ASAP", nth)
    return ("tone.urgency", start, start + 4)


def shouting(body: str, nth: int = 0) -> tuple[str, int, int]:
    start = at(body, "!!!", nth)
    return ("tone.shouting", start, start + 3)


def comment_spans(body: str) -> list[tuple[str, int, int]]:
    return [("suppression.unused", m.start(), m.end()) for m in COMMENT.finditer(body)]


def test_baseline_the_clean_message_has_no_findings(linter):
    report = linter.check(message())
    assert (report.findings, report.suppressed, report.score) == ((), (), 100.0)


# -- the directives ----------------------------------------------------------------------------


def test_disable_next_line(linter):
    text = message("<!-- msgcheck: disable-next-line=tone.urgency -->", "Please reply ASAP!!!")
    body = body_of(text)
    report = linter.check(text)
    assert_well_formed(report)
    assert spans(report.findings) == [shouting(body)]
    assert spans(report.suppressed) == [urgency(body)]


def test_disable_next_line_skips_blank_lines_and_covers_one_line_only(linter):
    text = message("<!-- msgcheck: disable-next-line=tone.urgency -->", "", "",
                   "Please reply ASAP.", "Really, ASAP.")
    body = body_of(text)
    report = linter.check(text)
    assert spans(report.suppressed) == [urgency(body, 0)]
    assert spans(report.findings) == [urgency(body, 1)]


def test_disable_line_without_ids_covers_every_rule_on_its_line(linter):
    text = message("Please reply ASAP!!! <!-- msgcheck: disable-line -->", "Really, ASAP!!!")
    body = body_of(text)
    report = linter.check(text)
    assert spans(report.suppressed) == sorted([urgency(body, 0), shouting(body, 0)])
    assert spans(report.findings) == sorted([urgency(body, 1), shouting(body, 1)])


def test_disable_line_before_the_text_on_the_same_line(linter):
    text = message("<!-- msgcheck: disable-line=tone.urgency --> Please reply ASAP.")
    report = linter.check(text)
    assert spans(report.suppressed) == [urgency(body_of(text))]
    assert report.findings == ()


def test_region_disable_until_enable(linter):
    text = message("<!-- msgcheck: disable=tone.urgency -->", "Please reply ASAP.",
                   "Or ASAP, really.", "<!-- msgcheck: enable=tone.urgency -->", "Reply ASAP.")
    body = body_of(text)
    report = linter.check(text)
    assert spans(report.suppressed) == [urgency(body, 0), urgency(body, 1)]
    assert spans(report.findings) == [urgency(body, 2)]


def test_region_without_enable_runs_to_the_end(linter):
    text = message("Reply ASAP.", "<!-- msgcheck: disable=tone.urgency -->", "Please reply ASAP.")
    body = body_of(text)
    report = linter.check(text)
    assert spans(report.findings) == [urgency(body, 0)]
    assert spans(report.suppressed) == [urgency(body, 1)]


def test_region_ends_at_an_enable_for_all_rules(linter):
    text = message("<!-- msgcheck: disable=tone.urgency -->", "Please reply ASAP.",
                   "<!-- msgcheck: enable -->", "Reply ASAP.")
    body = body_of(text)
    report = linter.check(text)
    assert spans(report.suppressed) == [urgency(body, 0)]
    assert spans(report.findings) == [urgency(body, 1)]


def test_enable_naming_a_criterion_ends_a_region_of_its_rules(linter):
    """`tone` names every tone rule in `disable=`; it must in `enable=` too."""
    text = message("<!-- msgcheck: disable=tone.urgency -->", "Please reply ASAP.",
                   "<!-- msgcheck: enable=tone -->", "Reply ASAP.")
    body = body_of(text)
    report = linter.check(text)
    assert spans(report.suppressed) == [urgency(body, 0)]
    assert spans(report.findings) == [urgency(body, 1)]


def test_partial_enable_keeps_the_other_rules_disabled(linter):
    """`enable=tone.urgency` re-enables that rule only; tone.shouting stays off to the end."""
    text = message("<!-- msgcheck: disable=tone.urgency,tone.shouting -->", "Please reply ASAP!!!",
                   "<!-- msgcheck: enable=tone.urgency -->", "Reply ASAP!!!")
    body = body_of(text)
    report = linter.check(text)
    assert spans(report.findings) == [urgency(body, 1)]
    assert spans(report.suppressed) == sorted([urgency(body, 0), shouting(body, 0),
                                               shouting(body, 1)])


@pytest.mark.parametrize("ids", ["tone.urgency,tone.shouting", "tone.urgency, tone.shouting",
                                 "tone.urgency tone.shouting", "tone", "", "all"])
def test_disable_file_with_ids_lists_criteria_and_all(linter, ids):
    comment = f"<!-- msgcheck: disable-file={ids} -->" if ids else "<!-- msgcheck: disable-file -->"
    text = message("Please reply ASAP!!!", comment, "Reply ASAP!!!")
    body = body_of(text)
    report = linter.check(text)
    assert report.findings == ()
    assert spans(report.suppressed) == sorted(
        [urgency(body, 0), urgency(body, 1), shouting(body, 0), shouting(body, 1)])


def test_disable_file_covers_the_subject_but_line_directives_do_not(linter):
    head = HEAD.replace("IMG applicant - question about your catatonia grand rounds", "Question")
    report = linter.check(message("<!-- msgcheck: disable-file=subject.vague -->", head=head))
    assert [(f.rule, f.field) for f in report.suppressed] == [("subject.vague", "subject")]
    assert report.findings == ()
    report = linter.check(message("<!-- msgcheck: disable-line=subject.vague -->", head=head))
    assert {f.rule for f in report.findings} == {"subject.vague", "suppression.unused"}


def test_directives_are_case_insensitive(linter):
    text = message("<!-- MSGCHECK: Disable-Next-Line = tone.urgency -->", "Please reply ASAP.")
    report = linter.check(text)
    assert spans(report.suppressed) == [urgency(body_of(text))]
    assert report.findings == ()


def test_an_error_finding_can_be_silenced(linter):
    text = message("I loved your paper on [topic]. <!-- msgcheck: disable-line=template -->")
    report = linter.check(text)
    assert report.findings == ()
    assert [f.rule for f in report.suppressed] == ["template.placeholder"]
    assert report.score == 100.0


# -- suppressed findings are kept, and cost nothing --------------------------------------------


def test_suppressed_findings_keep_their_data_and_do_not_lower_the_score(linter):
    plain = linter.check(message("Please reply ASAP."))
    text = message("<!-- msgcheck: disable-next-line=tone.urgency -->", "Please reply ASAP.")
    report = linter.check(text)
    [original] = plain.findings
    [silenced] = report.suppressed
    assert (silenced.rule, silenced.severity, silenced.field, silenced.end - silenced.start) == (
        original.rule, original.severity, original.field, original.end - original.start)
    assert silenced.suggestion.safe and silenced.suggestion.edits[0].replacement == \
        original.suggestion.edits[0].replacement
    assert report.findings == ()
    assert report.score == 100.0 and plain.score < 100.0
    assert report.criteria["tone"].score == 100.0
    assert report.criteria["tone"].findings == 0


def test_json_output_lists_suppressed_findings_apart(tmp_path):
    text = message("<!-- msgcheck: disable-next-line=tone.urgency -->", "Please reply ASAP.")
    (tmp_path / "m.txt").write_text(text, encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["check", "--format", "json", "--fail-on", "warning",
                                  str(tmp_path / "m.txt")])
    assert result.exit_code == 0, result.output
    [doc] = json.loads(result.stdout)["results"]
    assert doc["findings"] == []
    rule, start, end = urgency(body_of(text))
    assert [(f["rule"], f["start"], f["end"]) for f in doc["suppressed"]] == [(rule, start, end)]
    assert doc["score"] == 100.0


def test_suppressing_an_error_changes_the_exit_code(tmp_path):
    runner = CliRunner()
    (tmp_path / "bad.txt").write_text(message("I loved your paper on [topic]."), encoding="utf-8")
    (tmp_path / "ok.txt").write_text(
        message("<!-- msgcheck: disable-next-line=template.placeholder -->",
                "I loved your paper on [topic]."), encoding="utf-8")
    assert runner.invoke(main, ["check", str(tmp_path / "bad.txt")]).exit_code == 1
    assert runner.invoke(main, ["check", str(tmp_path / "ok.txt")]).exit_code == 0


# -- unused suppressions -----------------------------------------------------------------------


def test_unused_suppression_is_an_info_finding_on_the_comment(linter):
    text = message("<!-- msgcheck: disable-next-line=tone.urgency -->",
                   "I would be glad of your advice.")
    body = body_of(text)
    report = linter.check(text)
    assert spans(report.findings) == comment_spans(body)
    [unused] = report.findings
    assert (unused.severity, unused.criterion, unused.field) == ("info", "suppression", "body")
    assert report.suppressed == ()


def test_each_unused_id_of_a_comment_is_reported(linter):
    text = message("Please reply ASAP. <!-- msgcheck: disable-line=tone.urgency,tone.shouting -->")
    body = body_of(text)
    report = linter.check(text)
    assert spans(report.suppressed) == [urgency(body)]
    assert spans(report.findings) == comment_spans(body)  # once: for tone.shouting only


def test_a_misspelt_id_silences_nothing_and_is_reported(linter):
    text = message("<!-- msgcheck: disable-next-line=tone.urgncy -->", "Please reply ASAP.")
    body = body_of(text)
    report = linter.check(text)
    assert spans(report.findings) == sorted([urgency(body), *comment_spans(body)])
    assert report.suppressed == ()


def test_unused_region_and_file_suppressions_are_reported(linter):
    text = message("<!-- msgcheck: disable=tone.flattery -->", "Thank you.",
                   "<!-- msgcheck: enable=tone.flattery -->",
                   "<!-- msgcheck: disable-file -->")
    body = body_of(text)
    report = linter.check(text)
    disable, _enable, disable_file = comment_spans(body)
    assert spans(report.findings) == [disable, disable_file]  # an enable is never "unused"


def test_unused_suppressions_can_be_turned_off_in_the_settings():
    linter = msgcheck.Linter(msgcheck.Config(ignore=("suppression.unused",)))
    text = message("<!-- msgcheck: disable-next-line=tone.urgency -->", "Thank you.")
    assert linter.check(text).findings == ()


# -- front matter ------------------------------------------------------------------------------


FRONT = "---\nsubject: Question\nkind: cold-email\nmsgcheck:\n  ignore: {ids}\n---\n"


@pytest.mark.parametrize("ids", ["[tone.urgency, subject.vague]", "[tone, subject]"])
def test_front_matter_ignore_in_a_markdown_template(linter, tmp_path, ids):
    path = tmp_path / "template.md"
    path.write_text(FRONT.format(ids=ids) + BODY.replace("{extra}", "Please reply ASAP.\n"),
                    encoding="utf-8")
    report = linter.check(path, template=True)
    assert not {"subject.vague", "tone.urgency"} & report.rule_ids()
    assert sorted((f.rule, f.field) for f in report.suppressed) == [
        ("subject.vague", "subject"), ("tone.urgency", "body")]


def test_front_matter_ignore_as_one_string(linter):
    text = "---\nmsgcheck:\n  ignore: tone.urgency\n---\n" + message("Please reply ASAP.")
    report = linter.check(text)
    assert [f.rule for f in report.suppressed] == ["tone.urgency"]
    assert report.findings == ()


def test_unused_front_matter_ignore_is_reported(linter):
    text = "---\nmsgcheck:\n  ignore: [tone.flattery]\n---\n" + message()
    report = linter.check(text)
    assert [(f.rule, f.severity) for f in report.findings] == [("suppression.unused", "info")]


def test_front_matter_ignore_through_the_cli(tmp_path):
    path = tmp_path / "template.md"
    path.write_text(FRONT.format(ids="[template.placeholder]") + BODY.replace(
        "{extra}", "I loved your paper on {{topic}}.\n"), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--format", "json", str(path)])
    assert result.exit_code == 0, result.output  # the placeholder error is silenced
    [doc] = json.loads(result.stdout)["results"]
    assert {f["rule"] for f in doc["suppressed"]} == {"template.placeholder"}
    assert "subject.vague" in {f["rule"] for f in doc["findings"]}  # not listed: still reported


# -- the comment is an instruction, not prose ---------------------------------------------------


def test_comment_words_are_not_judged(linter):
    # "urgency" and "URGENT" are tone.urgency / tone.shouting words; the comments hold them.
    text = message("<!-- msgcheck: enable=tone.urgency -->",
                   "<!-- msgcheck: disable-next-line=tone.shouting --> URGENT",
                   "I would be glad of your advice.")
    body = body_of(text)
    report = linter.check(text)
    comments = [(m.start(), m.end()) for m in COMMENT.finditer(body)]
    for finding in report.findings + report.suppressed:
        if finding.rule != "suppression.unused":  # the one finding that points at a comment
            assert not any(s <= finding.start < e for s, e in comments), finding
    # URGENT sits on the commented line, after the comment: the disable-next-line does not
    # cover its own line, so it is reported.
    start = at(body, "URGENT")
    assert ("tone.shouting", start, start + 6) in spans(report.findings)


def test_comments_do_not_count_as_words_or_placeholders(linter):
    plain = linter.check(message("Please reply ASAP."))
    commented = linter.check(message(
        "<!-- msgcheck: disable-next-line=tone.urgency and some more words in here -->",
        "Please reply ASAP."))
    assert commented.stats.words == plain.stats.words
    assert "template.placeholder" not in commented.rule_ids()
    template = linter.check(message("<!-- msgcheck: disable-line --> Dear <Name>"), template=True)
    assert "template.placeholder" not in template.rule_ids()


def test_offsets_of_other_findings_are_unchanged(linter):
    text = message("Reply ASAP!!! <!-- msgcheck: disable-line=tone.urgency -->",
                   "<!-- msgcheck: disable-next-line=tone.shouting -->", "Reply ASAP!!!")
    body = body_of(text)
    report = linter.check(text)
    # The comments are blanked to spaces of the same length: the body keeps its size, and
    # every span indexes the text as written.
    assert len(report.message.body) == len(body)
    assert COMMENT.sub(lambda m: " " * len(m.group(0)), body) == report.message.body
    assert spans(report.findings) == sorted([shouting(body, 0), urgency(body, 1)])
    assert spans(report.suppressed) == sorted([urgency(body, 0), shouting(body, 1)])
    for finding in report.findings + report.suppressed:
        assert body[finding.start:finding.end] in ("ASAP", "!!!")


def test_text_output_points_at_the_right_line_and_column(tmp_path):
    text = message("<!-- msgcheck: disable-next-line=tone.shouting -->", "Reply ASAP!!!")
    (tmp_path / "m.txt").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(tmp_path / "m.txt")])
    line = text[:text.index("Reply ASAP")].count("\n") + 1
    assert f"m.txt:{line}:7: warning tone.urgency" in result.output


def test_fixture_template_with_front_matter_still_parses(linter):
    """A template with front matter but no `msgcheck` key has no suppressions."""
    report = linter.check(FIXTURES / "template.md", template=True)
    assert report.message.suppressions == ()
    assert report.suppressed == ()
