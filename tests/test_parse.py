"""Parsing: headers, front matter, encodings, addresses, sections, quoted replies, placeholders."""

from __future__ import annotations

import base64

import pytest
from helpers import FIXTURES, assert_well_formed, describe, rule_ids

from msgcheck import Message

BODY = (
    "Dear Dr. Alvarez,\n"
    "\n"
    "My name is Priya Raman, and I am an international medical graduate from India preparing to "
    "apply to psychiatry residency. I attended your grand rounds on catatonia last Tuesday and was "
    "struck by your point about lorazepam challenges on medical wards.\n"
    "\n"
    "Would you be willing to spare 15 minutes for a Zoom call about building a career in "
    "consultation-liaison psychiatry?\n"
    "\n"
    "Thank you for considering my request.\n"
    "\n"
    "Best regards,\n"
    "Priya Raman\n"
    "priya.raman.md@gmail.com\n"
)
HEADERS = (
    "Subject: IMG applicant - question about your catatonia grand rounds\n"
    "To: Dr. Maria Alvarez <malvarez@univ.example.edu>\n"
    "From: Priya Raman <priya.raman.md@gmail.com>\n"
    "Date: Tue, 4 Mar 2025 09:12:00 -0500\n"
)
QUOTED = (
    "\n"
    "On Tue, Mar 4, 2025 at 9:12 AM Dr. Maria Alvarez <malvarez@univ.example.edu> wrote:\n"
    "> Hey Priya,\n"
    ">\n"
    "> Thanks for your note!!! Send me a few times that work for you - ASAP please, I am\n"
    "> VERY busy. Dear [Name], I came across your profile. You are the best psychiatrist in the world.\n"
    ">\n"
    "> MA\n"
)


def span_text(message: Message, span) -> str:
    return message.body[span.start:span.end]


# -- headers and front matter -----------------------------------------------------------------


def test_headers_then_blank_line():
    m = Message.from_text(HEADERS + "\n" + BODY)
    assert m.subject == "IMG applicant - question about your catatonia grand rounds"
    assert m.to.name == "Dr. Maria Alvarez"
    assert m.to.address == "malvarez@univ.example.edu"
    assert m.from_.name == "Priya Raman"
    assert m.from_.address == "priya.raman.md@gmail.com"
    assert m.date is not None and (m.date.year, m.date.month, m.date.day) == (2025, 3, 4)
    assert m.body.startswith("Dear Dr. Alvarez,")
    assert "Subject:" not in m.body


def test_headers_without_blank_line():
    m = Message.from_text("Subject: Question about your catatonia grand rounds\n" + BODY)
    assert m.subject == "Question about your catatonia grand rounds"
    assert m.body.startswith("Dear Dr. Alvarez,")


def test_no_headers_means_no_subject():
    m = Message.from_text(BODY)
    assert m.subject is None
    assert m.body == BODY


def test_a_colon_in_the_first_line_is_not_a_header():
    text = "Note: I am writing about your catatonia talk.\n\nDear Dr. Alvarez,\n"
    m = Message.from_text(text)
    assert m.subject is None
    assert m.body.startswith("Note: I am writing")


def test_front_matter(linter):
    text = (
        "---\n"
        "subject: Question about your catatonia grand rounds\n"
        "kind: follow-up\n"
        "to: Dr. Maria Alvarez <malvarez@univ.example.edu>\n"
        "---\n" + BODY
    )
    m = Message.from_text(text)
    assert m.subject == "Question about your catatonia grand rounds"
    assert m.kind == "follow-up"
    assert m.to.name == "Dr. Maria Alvarez"
    assert m.to.address == "malvarez@univ.example.edu"
    assert m.body == BODY
    report = linter.check(text)
    assert report.kind == "follow-up"
    assert report.source_lines.get("body") == 6


def test_front_matter_then_headers():
    text = "---\nkind: update\n---\n" + HEADERS + "\n" + BODY
    m = Message.from_text(text)
    assert m.kind == "update"
    assert m.subject.startswith("IMG applicant")
    assert m.body == BODY


def test_kind_header(linter):
    report = linter.check("Kind: thank-you\n" + HEADERS + "\n" + BODY)
    assert report.kind == "thank-you"
    assert report.message.subject.startswith("IMG applicant")


def test_crlf_is_normalised_and_findings_match_lf(linter):
    lf = HEADERS + "\n" + BODY.replace("Thank you for considering my request.", "Please reply ASAP.")
    crlf = lf.replace("\n", "\r\n")
    m = Message.from_text(crlf)
    assert "\r" not in m.body and "\r" not in (m.subject or "")
    assert m.body == Message.from_text(lf).body
    a, b = linter.check(lf), linter.check(crlf)
    assert_well_formed(b)
    assert [(f.rule, f.field, f.start, f.end) for f in a.findings] == [
        (f.rule, f.field, f.start, f.end) for f in b.findings]
    assert "tone.urgency" in rule_ids(b)
    assert a.score == b.score


def test_old_mac_line_endings():
    m = Message.from_text((HEADERS + "\n" + BODY).replace("\n", "\r"))
    assert m.subject.startswith("IMG applicant")
    assert m.body == BODY


def test_rfc2047_subject_in_plain_text():
    m = Message.from_text("Subject: =?utf-8?q?Caf=C3=A9_question_for_Dr=2E_M=C3=BCller?=\n\n" + BODY)
    assert m.subject == "Café question for Dr. Müller"


def test_rfc2047_subject_and_to_in_eml(linter):
    subject = base64.b64encode("Question about your café talk – Dr. Müller".encode()).decode()
    eml = (
        "MIME-Version: 1.0\r\n"
        f"Subject: =?UTF-8?B?{subject}?=\r\n"
        "To: =?utf-8?q?Dr=2E_J=C3=BCrgen_M=C3=BCller?= <jm@univ.example.edu>\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "\r\n" + BODY.replace("\n", "\r\n")
    ).encode("utf-8")
    report = linter.check(eml)
    assert_well_formed(report)
    assert report.message.subject == "Question about your café talk – Dr. Müller"
    assert report.message.to.name == "Dr. Jürgen Müller"
    assert report.message.to.address == "jm@univ.example.edu"
    assert "\r" not in report.message.body


def test_eml_fixture_prefers_plain_text_part(linter):
    report = linter.check(FIXTURES / "good-cold-email.eml")
    assert report.message.subject == "IMG applicant – question about your catatonia grand rounds"
    assert report.message.to.name == "Dr. María Alvarez"
    assert report.message.body.startswith("Dear Dr. Alvarez,")
    assert "HTML part" not in report.message.body


def test_html_only_eml_becomes_text(linter):
    eml = (
        b"MIME-Version: 1.0\nSubject: Question about your catatonia grand rounds\n"
        b"Content-Type: text/html; charset=utf-8\n\n"
        b"<html><head><style>p {color: red}</style></head><body><p>Dear Dr. Alvarez,</p>"
        b"<p>I attended your grand rounds on catatonia.<br>Would you have 15 minutes?</p>"
        b"<p>Thank you,<br>Priya Raman</p></body></html>"
    )
    m = linter.check(eml).message
    assert "<p>" not in m.body and "color" not in m.body
    assert m.body.startswith("Dear Dr. Alvarez,")


@pytest.mark.parametrize(
    ("header", "name", "address"),
    [
        ("Dr. Maria Alvarez <malvarez@univ.example.edu>", "Dr. Maria Alvarez", "malvarez@univ.example.edu"),
        ('"Alvarez, Maria" <malvarez@univ.example.edu>', "Alvarez, Maria", "malvarez@univ.example.edu"),
        ("Dr. Lena Brandt", "Dr. Lena Brandt", None),
        ("malvarez@univ.example.edu", None, "malvarez@univ.example.edu"),
        ("<malvarez@univ.example.edu>", None, "malvarez@univ.example.edu"),
    ],
)
def test_to_display_name(header, name, address):
    m = Message.from_text(f"To: {header}\n\n" + BODY)
    assert m.to is not None
    assert m.to.name == name
    assert m.to.address == address


@pytest.mark.parametrize(
    ("to", "greeting", "mismatch"),
    [
        ("Dr. Lena Brandt <lb@univ.example.edu>", "Dear Dr. Brandt,", False),
        ("Dr. Lena Brandt <lb@univ.example.edu>", "Dear Dr. Hoffman,", True),
        ("Dr. José Álvarez <ja@univ.example.edu>", "Dear Dr. Alvarez,", False),
        ('"Brandt, Lena" <lb@univ.example.edu>', "Dear Dr. Brandt,", False),
        ("lb@univ.example.edu", "Dear Dr. Hoffman,", False),  # no display name: nothing to compare
    ],
)
def test_name_mismatch_uses_the_to_display_name(linter, to, greeting, mismatch):
    text = f"To: {to}\n\n" + BODY.replace("Dear Dr. Alvarez,", greeting)
    report = linter.check(text)
    assert ("personal.name-mismatch" in rule_ids(report)) == mismatch, describe(report)
    if mismatch:
        (f,) = [f for f in report.findings if f.rule == "personal.name-mismatch"]
        assert f.field == "body"
        assert report.message.body[f.start:f.end] == greeting.rstrip(",")


# -- sections -------------------------------------------------------------------------------------


def test_sections_of_a_plain_message():
    m = Message.from_text(HEADERS + "\n" + BODY)
    s = m.sections
    assert span_text(m, s.greeting) == "Dear Dr. Alvarez"
    assert span_text(m, s.closing) == "Best regards"
    assert span_text(m, s.signature) == "Priya Raman\npriya.raman.md@gmail.com"
    assert s.quoted is None
    prose = span_text(m, s.prose)
    assert prose.startswith("My name is Priya Raman")
    assert prose.endswith("Thank you for considering my request.")
    assert s.greeting.end <= s.prose.start <= s.prose.end <= s.closing.start < s.signature.start


def test_greeting_with_placeholder_name():
    m = Message.from_text("Dear Dr. X,\n\nThank you for your time.\n\nSincerely,\nPriya")
    assert span_text(m, m.sections.greeting) == "Dear Dr. X"


def test_inline_greeting_ends_at_the_comma():
    m = Message.from_text("Hi Dr. Chen, I'm an IMG applying to psychiatry this year.")
    assert span_text(m, m.sections.greeting) == "Hi Dr. Chen"


@pytest.mark.parametrize(("text", "greeting"), [
    # Typed on a phone: no comma, the whole note on one line.
    ("hi Dr. Mensah i am an IMG from Ghana and your panel last week was really useful would you "
     "be open to a 10 minute call", "hi Dr. Mensah"),
    ("Hello Maria Lopez thanks so much for the tips on the match they helped a lot", "Hello Maria Lopez"),
    ("Dear Professor Okafor", "Dear Professor Okafor"),  # a greeting line of its own
    ("Good morning Dr. Chen", "Good morning Dr. Chen"),
])
def test_a_greeting_without_punctuation_ends_at_the_name(text, greeting):
    m = Message.from_text(text)
    assert span_text(m, m.sections.greeting) == greeting
    assert m.sections.prose.start > m.sections.greeting.end or len(text) == len(greeting)


def test_signature_without_sign_off():
    m = Message.from_text("Dear Dr. Alvarez,\n\nWould you have 15 minutes for a Zoom call next week?\n\nPriya Raman")
    assert m.sections.closing is None
    assert span_text(m, m.sections.signature) == "Priya Raman"


def test_signature_delimiter():
    m = Message.from_text(
        "Dear Dr. Alvarez,\n\nThank you for considering my request.\n\nBest,\nPriya\n-- \n"
        "Priya Raman, MBBS\nhttps://linkedin.example.org/priya\n")
    assert span_text(m, m.sections.signature).startswith("Priya Raman, MBBS")


def test_report_sections_have_intro_and_asks(linter):
    report = linter.check(HEADERS + "\n" + BODY)
    m, s = report.message, report.sections
    assert span_text(m, s.greeting) == "Dear Dr. Alvarez"
    assert span_text(m, s.intro).startswith("My name is Priya Raman")
    assert [span_text(m, a) for a in s.asks] == [
        ("Would you be willing to spare 15 minutes for a Zoom call about building a career in "
         "consultation-liaison psychiatry?")
    ]


def test_quoted_reply_is_separated():
    m = Message.from_text(HEADERS + "\n" + BODY + QUOTED)
    s = m.sections
    assert s.quoted is not None
    quoted = span_text(m, s.quoted)
    assert quoted.startswith("On Tue, Mar 4, 2025 at 9:12 AM")
    assert "> Hey Priya," in quoted and quoted.rstrip().endswith("> MA")
    assert s.quoted.end == len(m.body)
    assert span_text(m, s.signature) == "Priya Raman\npriya.raman.md@gmail.com"
    for span in (s.greeting, s.prose, s.closing, s.signature):
        assert span.end <= s.quoted.start


def test_wrapped_attribution_line():
    quoted = QUOTED.replace(" wrote:\n", "\nwrote:\n", 1)
    m = Message.from_text(BODY + quoted)
    assert m.sections.quoted is not None
    assert span_text(m, m.sections.quoted).startswith("On Tue, Mar 4, 2025")


def test_findings_never_point_into_quoted_text(linter):
    clean = linter.check(HEADERS + "\n" + BODY)
    report = linter.check(HEADERS + "\n" + BODY + QUOTED, kind="follow-up")
    assert_well_formed(report)
    quoted = report.sections.quoted
    assert quoted is not None
    for f in report.findings:
        if f.field == "body":
            assert f.end <= quoted.start, (f, describe(report))
    problems = {"tone.urgency", "tone.shouting", "tone.flattery", "tone.demanding",
                "greeting.informal", "template.placeholder", "personal.generic-opener"}
    assert not rule_ids(report) & problems, describe(report)
    assert not rule_ids(clean) & problems


def test_thanks_in_quoted_text_do_not_count(linter):
    body = BODY.replace("Thank you for considering my request.", "I look forward to hearing from you.")
    quoted = "\nOn Mon, Mar 3, 2025 at 8:00 AM Dr. Maria Alvarez <m@x.edu> wrote:\n> Thank you for writing.\n"
    report = linter.check(HEADERS + "\n" + body + quoted)
    assert "closing.missing-thanks" in rule_ids(report), describe(report)


# -- placeholders ---------------------------------------------------------------------------------

PLACEHOLDER_BODY = (
    "Dear Dr. Alvarez,\n\nMy name is Priya Raman, an IMG from India applying to psychiatry. "
    "I attended your grand rounds on catatonia at {slot} last Tuesday.\n\n"
    "Would you have 15 minutes for a Zoom call about consultation-liaison psychiatry?\n\n"
    "Thank you,\nPriya Raman"
)


@pytest.mark.parametrize(
    "slot",
    ["{{hospital_name}}", "{hospital}", "[Hospital Name]", "<Hospital>", "XYZ Hospital", "____",
     "[e.g., Mass General]", "{{ hospital }}"],
)
def test_placeholder_styles_are_found(linter, slot):
    report = linter.check(PLACEHOLDER_BODY.replace("{slot}", slot))
    hits = [f for f in report.findings if f.rule == "template.placeholder"]
    assert hits, describe(report)
    texts = [report.message.body[f.start:f.end] for f in hits]
    expected = slot.split(" Hospital")[0] if slot == "XYZ Hospital" else slot
    assert texts == [expected], texts
    assert all(f.severity == "error" for f in hits)


def test_title_letter_placeholder(linter):
    report = linter.check(PLACEHOLDER_BODY.replace("Dear Dr. Alvarez", "Dear Dr. X").replace(" at {slot}", ""))
    hits = [report.message.body[f.start:f.end] for f in report.findings if f.rule == "template.placeholder"]
    assert hits == ["Dr. X"], describe(report)


def test_placeholder_in_subject(linter):
    report = linter.check("Subject: Question for Dr. {{last_name}}\n\n" + PLACEHOLDER_BODY.replace(" at {slot}", ""))
    hits = [f for f in report.findings if f.rule == "template.placeholder"]
    assert [(f.field, report.message.subject[f.start:f.end]) for f in hits] == [("subject", "{{last_name}}")]


@pytest.mark.parametrize(
    "text",
    [
        "the [clinic website](https://clinic.example.org/psychosis)",
        "the clinic described in your 2023 review [1]",
        "the clinic<br>",
        "the clinic <maria.alvarez@univ.example.edu>",
        "the clinic (<a>)",
        "the clinic [2, 3]",
        "Dr. Xavier's clinic",
        "the XYZA trial",
        "the clinic_site_2023",
    ],
)
def test_not_placeholders(linter, text):
    report = linter.check(PLACEHOLDER_BODY.replace("{slot}", text))
    assert "template.placeholder" not in rule_ids(report), describe(report)


def test_template_mode_accepts_every_style(linter):
    body = PLACEHOLDER_BODY.replace("Dear Dr. Alvarez", "Dear Dr. {{last_name}}").replace(
        "{slot}", "[Hospital Name]").replace("Thank you,\nPriya Raman", "Thank you,\n{sender}")
    report = linter.check(body, template=True)
    assert "template.placeholder" not in rule_ids(report), describe(report)
