"""Real email inputs: MIME/HTML layouts, quoted replies, forwards, recipients, senders, cadence."""

from __future__ import annotations

import email
from datetime import datetime
from email import policy

import pytest
from helpers import assert_well_formed

import msgcheck

GOOD_BODY = (
    "Dear Dr. Alvarez,\n\n"
    "I am an international medical graduate from Chennai preparing to apply to psychiatry "
    "residency. I attended your grand rounds on catatonia last Tuesday and was struck by your "
    "point about lorazepam challenges on medical wards.\n\n"
    "Would you be willing to spare 15 minutes for a Zoom call so I could ask your advice about "
    "consultation-liaison research for IMGs?\n\n"
    "Thank you for considering my request.\n\nSincerely,\nPriya Raman\n"
)
HEADERS = (
    "From: Priya Raman <priya.raman.md@gmail.com>\r\n"
    "To: Dr. Maria Alvarez <malvarez@univ.example.edu>\r\n"
    "Subject: IMG applicant - question about your catatonia grand rounds\r\n"
    "Date: Tue, 18 Mar 2025 09:00:00 +0000\r\n"
    "MIME-Version: 1.0\r\n"
)


def mime(parts: str, boundary: str = "b1") -> bytes:
    return (HEADERS + f'Content-Type: multipart/mixed; boundary="{boundary}"\r\n\r\n'
            + parts + f"--{boundary}--\r\n").encode("utf-8")


def html_part(html: str, boundary: str = "b1") -> str:
    return (f"--{boundary}\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{html}\r\n")


def pdf_part(boundary: str = "b1") -> str:
    return (f"--{boundary}\r\nContent-Type: application/pdf; name=\"cv.pdf\"\r\n"
            "Content-Disposition: attachment; filename*=UTF-8''Priya%20CV.pdf\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n")


def html_of(body: str) -> str:
    return "".join(f"<div>{line or '<br>'}</div>" for line in body.split("\n"))


def test_html_gmail_reply_judges_only_the_new_text(linter):
    quoted = ('<div class="gmail_quote"><div>On Mon, Mar 17, 2025 Dr. Alvarez wrote:</div>'
              "<blockquote>SEND me your CV ASAP!!! Hey Priya</blockquote></div>")
    data = mime(html_part(html_of(GOOD_BODY) + quoted) + pdf_part())
    report = linter.check(data)
    assert_well_formed(report)
    assert report.message.attachments == 1
    assert report.sections.quoted is not None
    assert not {"tone.urgency", "tone.shouting", "greeting.informal"} & report.rule_ids()
    quoted_at = report.sections.quoted.start
    assert all(f.start < quoted_at for f in report.findings if f.field == "body")
    assert report.score >= 85


def test_outlook_plain_reply_block_is_quoted(linter):
    text = (GOOD_BODY + "\n________________________________\nFrom: Dr. Maria Alvarez\n"
            "Sent: Monday, March 17, 2025 4:02 PM\nTo: Priya Raman\nSubject: RE: question\n\n"
            "Please send me your CV ASAP!!!\n")
    report = linter.check(text, kind="follow-up")
    assert report.sections.quoted is not None
    assert "tone.urgency" not in report.rule_ids()


def test_forwarded_template_is_judged_as_the_message(linter):
    text = ("Subject: Fwd: my outreach draft\n\n---------- Forwarded message ---------\n"
            "From: Priya Raman <priya.raman.md@gmail.com>\nDate: Tue, Mar 4, 2025 at 9:12 AM\n"
            "Subject: draft\n\nDear Dr. Alvarez,\n\nPlease reply ASAP.\n\nThanks,\nPriya\n")
    report = linter.check(text)
    body = report.message.body
    assert body[report.sections.greeting.start:report.sections.greeting.end] == "Dear Dr. Alvarez"
    urgency = [f for f in report.findings if f.rule == "tone.urgency"]
    assert [body[f.start:f.end] for f in urgency] == ["ASAP"]


def test_message_from_email_accepts_bytes_and_email_message():
    data = mime(html_part(html_of(GOOD_BODY)))
    from_bytes = msgcheck.Message.from_email(data)
    parsed = email.message_from_bytes(data, policy=policy.default)
    assert msgcheck.Message.from_email(parsed) == from_bytes
    assert from_bytes.subject.startswith("IMG applicant")
    assert from_bytes.to.name == "Dr. Maria Alvarez"


def test_undeclared_latin1_plain_body_is_decoded(linter):
    body = GOOD_BODY.replace("Chennai", "São Paulo").encode("latin-1")
    data = HEADERS.encode() + b"Content-Type: text/plain\r\n\r\n" + body
    report = linter.check(data)
    assert "São Paulo" in report.message.body or "S\ufffdo" in report.message.body
    assert_well_formed(report)


def test_deeply_nested_multipart_is_bounded(linter):
    depth = 60
    inner = "Content-Type: text/plain\r\n\r\nHello\r\n"
    for level in range(depth):
        inner = (f'Content-Type: multipart/mixed; boundary="n{level}"\r\n\r\n--n{level}\r\n'
                 + inner + f"--n{level}--\r\n")
    report = linter.check((HEADERS + inner).encode())
    assert_well_formed(report)
    assert report.findings and report.score <= 100


def test_hidden_characters_are_found_and_safely_removed(linter):
    body = GOOD_BODY.replace("grand rounds", "grand\u200b rounds").replace("Zoom", "\u202eZoom")
    report = linter.check(body)
    hidden = [f for f in report.findings if f.rule == "input.hidden-characters"]
    assert [report.message.body[f.start:f.end] for f in hidden] == ["\u200b", "\u202e"]
    assert all(f.suggestion.safe and f.suggestion.edits[0].replacement == "" for f in hidden)


@pytest.mark.parametrize(("address", "flagged"), [
    ("priya.raman.md@gmail.com", False),
    ("kingsley.angelo@univ.example.edu", False),
    ("p.raman2@gmail.com", False),
    ("cutie_1998@gmail.com", True),
    ("priya1998@gmail.com", True),
    ("party.girl@gmail.com", True),
    ("xxgamerxx@gmail.com", False),
])
def test_sender_address(linter, address, flagged):
    report = linter.check(f"From: Priya Raman <{address}>\n\n" + GOOD_BODY)
    assert ("sender.unprofessional-address" in report.rule_ids()) is flagged
    for f in report.findings:
        if f.rule == "sender.unprofessional-address":
            assert f.field == "from" and 0 <= f.start < f.end <= len(address)


@pytest.mark.parametrize(("to", "greeting", "flagged"), [
    ("Dr. Maria Alvarez", "Dear Dr. Alvarez,", False),
    ("Dr. Maria Alvarez", "Dear Professor Alvarez,", False),
    ("Dr. Maria Alvarez", "Dear Ms. Alvarez,", True),
    ("Dr. Maria Alvarez", "Dear Maria Alvarez,", True),
    ("Maria Alvarez", "Dear Ms. Alvarez,", False),
])
def test_titles_are_kept(linter, to, greeting, flagged):
    text = f"To: {to} <ma@univ.example.edu>\n\n" + GOOD_BODY.replace("Dear Dr. Alvarez,", greeting)
    assert ("greeting.missing-title" in linter.check(text).rule_ids()) is flagged


def follow_up(date: str, quoted_by: str, quoted_date: str) -> str:
    return (f"From: Priya Raman <priya.raman.md@gmail.com>\nDate: {date}\n\n" + GOOD_BODY
            + f"\nOn {quoted_date} at 9:12 AM {quoted_by} wrote:\n> Earlier message.\n")


@pytest.mark.parametrize(("date", "quoted_by", "quoted_date", "flagged"), [
    ("Thu, 6 Mar 2025 09:00:00 +0000", "Priya Raman <priya.raman.md@gmail.com>", "Tue, Mar 4, 2025", True),
    ("Thu, 20 Mar 2025 09:00:00 +0000", "Priya Raman <priya.raman.md@gmail.com>", "Tue, Mar 4, 2025", False),
    ("Thu, 6 Mar 2025 09:00:00 +0000", "Dr. Maria Alvarez <ma@univ.example.edu>", "Tue, Mar 4, 2025", False),
])
def test_follow_up_too_soon_from_the_quoted_thread(linter, date, quoted_by, quoted_date, flagged):
    report = linter.check(follow_up(date, quoted_by, quoted_date), kind="follow-up")
    assert ("followup.too-soon" in report.rule_ids()) is flagged


def test_cadence_from_previous_contacts_in_the_api(linter):
    item = {"body": GOOD_BODY, "subject": "Update", "kind": "update",
            "date": "Tue, 20 May 2025 09:00:00 +0000",
            "previous_contacts": [datetime(2025, 1, 10), "2025-03-02", "Sun, 20 Apr 2025 10:00:00 +0000"]}
    assert "followup.too-frequent" in linter.check(item).rule_ids()
    item["previous_contacts"] = ["2025-03-02"]
    assert "followup.too-frequent" not in linter.check(item).rule_ids()


def test_template_slot_rules_run_only_in_template_mode(linter):
    text = "Subject: IMG applicant\n\nDear Doctor,\n\nI enjoyed your talk on {{topic}}.\n\nThanks,\nPriya"
    assert "template.missing-name-slot" in linter.check(text, template=True).rule_ids()
    plain = linter.check(text).rule_ids()
    assert "template.missing-name-slot" not in plain and "template.placeholder" in plain
    assert "template.no-slots" in linter.check(GOOD_BODY, template=True).rule_ids()
