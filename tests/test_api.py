"""The public Python API (DESIGN.md §3): inputs, Report shape, ordering, kinds, templates, scores."""

from __future__ import annotations

import json

import pydantic
import pytest
from helpers import FIXTURES, assert_well_formed, describe, rule_ids

import msgcheck

GOOD = (FIXTURES / "good-cold-email.txt").read_text(encoding="utf-8")
CORE_CRITERIA = {"length", "ask", "personal", "tone", "subject", "greeting", "closing", "template"}

ASK = ("Would you be willing to spare 15 minutes for a Zoom call about building a career in "
       "consultation-liaison psychiatry?")
REFERENCE = ("I attended your grand rounds on catatonia last Tuesday and was struck by your point "
             "about lorazepam challenges on medical wards.")
SUBJECT = "Subject: IMG applicant - question about your catatonia grand rounds"
THANKS = " Thank you for considering my request."
SIGNATURE = "\nSincerely,\nPriya Raman\npriya.raman.md@gmail.com\n"
BIOGRAPHY = (
    "Before that I worked for two years in a district hospital, where I rotated through medicine, "
    "surgery, pediatrics and psychiatry and saw many patients with depression and psychosis who had "
    "no follow-up care. I then joined a university lab as a research assistant, helped with chart "
    "review and data entry for a study on treatment adherence, and co-wrote a review on stigma in "
    "South Asian families. I passed Step 1 and Step 2 CK, volunteer with a mental health helpline, "
    "write for a student magazine, play cricket on weekends and am learning Spanish so that I can "
    "work with more patients."
)

# rule id -> (text in GOOD, replacement): the clean message with exactly that one problem added.
ONE_PROBLEM = {
    "tone.urgency": (THANKS, THANKS + " Please reply ASAP."),
    "tone.flattery": (REFERENCE, "You are the best psychiatrist in the world. " + REFERENCE),
    "tone.shouting": (REFERENCE, "I am VERY interested in your field. " + REFERENCE),
    "tone.entitled": (THANKS, THANKS + " I deserve this chance."),
    "tone.demanding": (THANKS, " I need you to reply by Friday." + THANKS),
    "greeting.generic": ("Dear Dr. Alvarez,", "Dear Sir/Madam,"),
    "greeting.informal": ("Dear Dr. Alvarez,", "Hey Maria,"),
    "greeting.missing": ("Dear Dr. Alvarez,\n\n", ""),
    "subject.vague": (SUBJECT, "Subject: Question"),
    "subject.missing": (SUBJECT + "\n", ""),
    "subject.shouting": (SUBJECT, SUBJECT.upper().replace("SUBJECT:", "Subject:")),
    "subject.too-long": (SUBJECT, SUBJECT + " and about observerships, research and mentoring for IMGs"),
    "template.placeholder": ("from India", "from [Country]"),
    "closing.missing-thanks": (THANKS, ""),
    "closing.missing-signature": (SIGNATURE, "\n"),
    "personal.name-mismatch": ("Dear Dr. Alvarez,", "Dear Dr. Hoffman,"),
    "personal.generic-opener": (REFERENCE, "I came across your profile and was impressed by your work. " + REFERENCE),
    "personal.missing-reference": (REFERENCE, "I am very impressed by your work and your program."),
    "ask.missing": (ASK, ""),
    "ask.vague": (ASK, "I would be grateful for any help or advice you can give me."),
    "ask.multiple": (ASK, ASK + " Could you also review my CV before I apply?"),
    "ask.transactional": (ASK, "Could you write me a letter of recommendation for my residency application?"),
    "length.too-long": (REFERENCE, REFERENCE + " " + BIOGRAPHY),
}


@pytest.fixture(scope="module")
def clean(linter):
    report = linter.check(GOOD)
    assert report.score == 100 and not report.findings, describe(report)
    return report


# -- entry points and inputs --------------------------------------------------------------------


def test_module_level_check_returns_a_report():
    report = msgcheck.check(GOOD, kind="cold-email")
    assert_well_formed(report)
    assert report.kind == "cold-email"
    assert report.score == 100


def test_linter_check_accepts_every_input_type(linter, clean):
    path = FIXTURES / "good-cold-email.txt"
    message = msgcheck.Message.from_text(GOOD)
    as_dict = {
        "subject": message.subject,
        "body": message.body,
        "to": "Dr. Maria Alvarez <malvarez@univ.example.edu>",
        "from": "Priya Raman <priya.raman.md@gmail.com>",
        "kind": "cold-email",
    }
    inputs = {
        "str": GOOD,
        "bytes": GOOD.encode("utf-8"),
        "bom-bytes": GOOD.encode("utf-8-sig"),
        "path": path,
        "message": message,
        "dict": as_dict,
    }
    for name, item in inputs.items():
        report = linter.check(item)
        assert_well_formed(report)
        assert [(f.rule, f.start, f.end) for f in report.findings] == [], (name, describe(report))
        assert report.score == clean.score, name
        assert report.message.subject == message.subject, name
    assert linter.check(path).path == str(path)
    assert linter.check(GOOD, path="draft.txt").path == "draft.txt"


def test_eml_bytes_and_path(linter):
    eml = FIXTURES / "good-cold-email.eml"
    for item in (eml, eml.read_bytes()):
        report = linter.check(item)
        assert_well_formed(report)
        assert not report.findings, describe(report)
        assert report.message.subject.startswith("IMG applicant")
        assert report.message.to.address == "malvarez@univ.example.edu"


def test_kind_argument_overrides_metadata(linter):
    text = "---\nkind: thank-you\n---\n" + GOOD
    assert linter.check(text).kind == "thank-you"
    assert linter.check(text, kind="follow-up").kind == "follow-up"
    assert linter.check(GOOD).kind == "cold-email"  # the config default


def test_unsupported_input_type_is_a_type_error(linter):
    with pytest.raises(TypeError):
        linter.check(12345)


# -- check_many ----------------------------------------------------------------------------------


def test_check_many_is_lazy(linter):
    consumed = []

    def messages():
        for i in range(500):
            consumed.append(i)
            if i > 100:
                raise AssertionError("check_many consumed far more input than one batch")
            yield GOOD.replace("15 minutes", f"{10 + i % 10} minutes")

    reports = linter.check_many(messages(), batch_size=4)
    assert consumed == []  # nothing happens until the first result is asked for
    first = next(reports)
    assert_well_formed(first)
    assert len(consumed) < 50
    second = next(reports)
    assert_well_formed(second)


def test_check_many_preserves_order_including_errors(linter, tmp_path):
    missing = tmp_path / "missing.txt"
    items = [
        GOOD,
        b"\x00\x01\x02\x03binary\x00",
        GOOD.replace(THANKS, " Please reply ASAP." + THANKS),
        "",
        ("Bonjour Docteur Martin, je suis un médecin diplômé à l'étranger et je voudrais vous poser "
         "quelques questions sur votre programme de psychiatrie. Merci beaucoup pour votre temps."),
        missing,
        FIXTURES / "low-score.txt",
        {"body": "Dear Dr. Lee,\n\nHello.", "kind": "newsletter"},
        GOOD,
    ]
    many = list(linter.check_many(iter(items), batch_size=3))
    assert len(many) == len(items)
    one_by_one = [linter.check(item) for item in items]
    for i, (a, b) in enumerate(zip(many, one_by_one, strict=True)):
        assert_well_formed(a)
        assert a.findings == b.findings, (i, describe(a), describe(b))
        assert a.score == b.score, i
        assert a.kind == b.kind, i
    assert rule_ids(many[0]) == set()
    assert rule_ids(many[1]) == {"input.binary"}
    assert "tone.urgency" in rule_ids(many[2])
    assert rule_ids(many[3]) == {"input.empty"}
    assert rule_ids(many[4]) == {"input.unsupported-language"}
    assert rule_ids(many[5]) == {"input.unreadable"}
    assert many[5].path == str(missing)
    assert many[6].score < 50
    assert rule_ids(many[7]) == {"input.unknown-kind"}
    assert rule_ids(many[8]) == set()


def test_check_many_kind_applies_to_all(linter):
    reports = list(linter.check_many([GOOD, GOOD], kind="follow-up"))
    assert [r.kind for r in reports] == ["follow-up", "follow-up"]


# -- Report shape ----------------------------------------------------------------------------------


def test_report_criteria(linter, clean):
    assert CORE_CRITERIA <= set(clean.criteria)
    for name, crit in clean.criteria.items():
        assert isinstance(crit, msgcheck.CriterionScore)
        assert crit.score == 100 and crit.findings == 0, name
    bad = linter.check(GOOD.replace(THANKS, THANKS + " Please reply ASAP."))
    assert bad.criteria["tone"].findings == 1
    assert bad.criteria["tone"].score < 100


def test_findings_are_ordered_by_field_then_position(linter):
    report = linter.check((FIXTURES / "low-score.txt").read_text(encoding="utf-8"))
    assert len(report.findings) >= 5
    fields = [f.field for f in report.findings]
    # each field's findings are contiguous, the subject's come first
    groups = [f for i, f in enumerate(fields) if i == 0 or fields[i - 1] != f]
    assert len(groups) == len(set(groups)), fields
    if "subject" in fields:
        assert fields[0] == "subject"
    for field in set(fields):
        starts = [(f.start, f.end) for f in report.findings if f.field == field]
        assert starts == sorted(starts), (field, starts)


def test_models_are_frozen(clean):
    with pytest.raises((pydantic.ValidationError, TypeError, AttributeError)):
        clean.score = 0
    finding = msgcheck.Finding(rule="tone.urgency", criterion="tone", severity="warning", message="m")
    with pytest.raises((pydantic.ValidationError, TypeError, AttributeError)):
        finding.start = 3
    assert isinstance(clean.findings, tuple)
    with pytest.raises((pydantic.ValidationError, TypeError, AttributeError)):
        clean.message.body = "changed"


def test_json_schemas_are_published():
    for model in (msgcheck.Report, msgcheck.Finding, msgcheck.Message):
        schema = model.model_json_schema()
        assert schema["type"] == "object"
        assert schema["properties"]
    props = msgcheck.Report.model_json_schema()["properties"]
    assert {"score", "kind", "criteria", "findings"} <= set(props)
    finding_props = msgcheck.Finding.model_json_schema()["properties"]
    assert {"rule", "criterion", "severity", "message", "field", "start", "end", "suggestion"} <= set(finding_props)


def test_json_round_trip(linter):
    report = linter.check((FIXTURES / "low-score.txt").read_text(encoding="utf-8"), path="x.txt")
    dumped = report.model_dump_json()
    assert "message" not in json.loads(dumped)  # drafts are private: never serialised
    back = msgcheck.Report.model_validate_json(dumped)
    assert back.message is None
    assert back == report.model_copy(update={"message": None})
    assert back.findings == report.findings
    assert back.score == report.score


def test_worst_severity_and_rule_ids(linter, clean):
    assert clean.worst_severity() is None
    report = linter.check(GOOD.replace("from India", "from [Country]"))
    assert report.worst_severity() == "error"
    assert report.rule_ids() == {"template.placeholder"}


def test_suggestion_edit_for_urgency(linter):
    report = linter.check(GOOD.replace(THANKS, THANKS + " Please reply ASAP."))
    (finding,) = [f for f in report.findings if f.rule == "tone.urgency"]
    assert report.message.body[finding.start:finding.end] == "ASAP"
    assert finding.suggestion is not None
    for edit in finding.suggestion.edits:
        assert (edit.start, edit.end) == (finding.start, finding.end)


# -- kinds ------------------------------------------------------------------------------------------


THANK_YOU = (
    "Subject: Thank you for the call about your catatonia research\n\n"
    "Dear Dr. Alvarez,\n\n"
    "Thank you for taking the time to speak with me on Tuesday. Your advice about choosing programs "
    "with strong consultation-liaison training was exactly what I needed, and I have already started "
    "reading the review you recommended.\n\n"
    "With gratitude,\nPriya Raman\n"
)


def test_thank_you_needs_no_ask(linter):
    as_thanks = linter.check(THANK_YOU, kind="thank-you")
    assert "ask.missing" not in rule_ids(as_thanks), describe(as_thanks)
    as_cold = linter.check(THANK_YOU, kind="cold-email")
    assert "ask.missing" in rule_ids(as_cold), describe(as_cold)


def test_connection_note_has_no_subject_rules(linter):
    note = (
        "Subject: Hello\n\n"
        "Dr. Chen, I'm an IMG applying to psychiatry and enjoyed your grand rounds on first-episode "
        "psychosis. Would you be open to a 15-minute call about your early psychosis clinic?"
    )
    as_note = linter.check(note, kind="connection-note")
    assert not {r for r in rule_ids(as_note) if r.startswith("subject.")}, describe(as_note)
    assert "subject" not in as_note.criteria or as_note.criteria["subject"].score == 100
    as_cold = linter.check(note, kind="cold-email")
    assert "subject.vague" in rule_ids(as_cold), describe(as_cold)
    no_subject = linter.check(note.split("\n\n", 1)[1], kind="connection-note")
    assert "subject.missing" not in rule_ids(no_subject)


def test_connection_note_length_is_measured_in_characters(linter):
    """corpus/README.md: a connection note is too long above 300 characters (LinkedIn's limit)."""
    long_note = (
        "Dr. Chen, I am an IMG from Nigeria who has just finished an observership in Boston and I am "
        "applying to psychiatry this year. I have read several of your papers on first-episode "
        "psychosis, attended your grand rounds last spring, and would love to connect, stay in touch "
        "and maybe ask you some questions about your program when you have some time to spare."
    )
    assert len(long_note) > 300 and len(long_note.split()) < 150
    report = linter.check(long_note, kind="connection-note")
    assert "length.too-long" in rule_ids(report), describe(report)
    assert "length.too-long" not in rule_ids(linter.check(long_note, kind="cold-email"))


# -- templates -------------------------------------------------------------------------------------


def test_template_placeholders_are_not_findings(linter):
    path = FIXTURES / "template.md"
    as_message = linter.check(path)
    assert "template.placeholder" in rule_ids(as_message)
    assert as_message.worst_severity() == "error"
    as_template = linter.check(path, template=True)
    assert "template.placeholder" not in rule_ids(as_template), describe(as_template)
    assert as_template.score == 100, describe(as_template)


def test_template_front_matter_flag(linter):
    text = (FIXTURES / "template.md").read_text(encoding="utf-8").replace(
        "kind: cold-email", "kind: cold-email\ntemplate: true")
    assert "template.placeholder" not in rule_ids(linter.check(text))
    assert "template.placeholder" in rule_ids(linter.check(text, template=False))


def test_template_slot_is_not_a_vague_reference(linter):
    text = GOOD.replace(REFERENCE, "I read your paper on [paper topic] and was struck by [specific point].")
    # A template names its recipient through a slot too (template.missing-name-slot otherwise).
    text = text.replace("Dear Dr. Alvarez,", "Dear Dr. {{last_name}},")
    report = linter.check(text, template=True)
    assert "personal.missing-reference" not in rule_ids(report), describe(report)
    assert not rule_ids(report), describe(report)


def test_placeholder_text_is_not_judged_as_prose_in_templates(linter):
    text = GOOD.replace(REFERENCE, REFERENCE + " {{OPTIONAL_PARAGRAPH_ABOUT_SHARED_INTEREST}}")
    report = linter.check(text, template=True)
    assert "tone.shouting" not in rule_ids(report), describe(report)


# -- scoring ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("rule_id", sorted(ONE_PROBLEM))
def test_one_problem_lowers_its_criterion_and_the_score(linter, clean, rule_id):
    old, new = ONE_PROBLEM[rule_id]
    assert old in GOOD, f"test bug: {old!r} not in the clean message"
    report = linter.check(GOOD.replace(old, new, 1))
    assert rule_id in rule_ids(report), describe(report)
    criterion = rule_id.split(".")[0]
    assert clean.criteria[criterion].score == 100
    assert report.criteria[criterion].score < 100, describe(report)
    assert report.criteria[criterion].findings >= 1
    assert report.score < clean.score, describe(report)


def test_more_problems_score_lower(linter, clean):
    one = linter.check(GOOD.replace(THANKS, THANKS + " Please reply ASAP."))
    two = linter.check(GOOD.replace(THANKS, THANKS + " Please reply ASAP.").replace(
        "Dear Dr. Alvarez,", "Dear Sir/Madam,"))
    assert clean.score > one.score > two.score


def test_an_ask_that_mentions_convenience_is_still_a_favour(linter):
    """'…a Zoom call at your convenience…' is the ask, not a logistics line arranging it."""
    ask = ASK.replace("Zoom call", "Zoom call at your convenience, so I could ask your advice")
    text = GOOD.replace(ASK, ask + " Could you also review my CV before I apply?")
    report = linter.check(text)
    assert "ask.multiple" in rule_ids(report), describe(report)


def test_check_many_uses_the_default_kind_like_check(linter):
    text = "Dear Dr. Patel,\n\nI passed Step 2 CK.\n\nBest regards,\nArjun"
    framed = "---\nkind: thank-you\n---\n" + text
    many = list(linter.check_many([text, framed], default_kind="update"))
    assert [r.kind for r in many] == ["update", "thank-you"]
    assert [r.kind for r in many] == [linter.check(t, default_kind="update").kind for t in (text, framed)]
