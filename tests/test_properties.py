"""Property tests: any input gives a well-formed, deterministic Report."""

from __future__ import annotations

from helpers import assert_well_formed
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import msgcheck

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

GREETINGS = ["Dear Dr. Alvarez,", "Hi Dr. Reyes,", "Hey Daniel,", "Dear Sir/Madam,", "Hello,",
             "To whom it may concern,", "Dear Dr. [Last Name],", "Respected Dr. Iyer,", "Dr. Chen,", ""]
SENTENCES = [
    "My name is Priya Raman, an IMG from India applying to psychiatry.",
    "I attended your grand rounds on catatonia last Tuesday.",
    "Would you be willing to spare 15 minutes for a Zoom call?",
    "Could you write me a letter of recommendation?",
    "Please reply ASAP!!!",
    "I am VERY interested in your program.",
    "You are the best psychiatrist in the world.",
    "I came across your profile and was impressed by your work.",
    "Send me the list of programs.",
    "I deserve a chance at your program.",
    "Thank you for considering my request.",
    "I loved your paper on {{topic}} at XYZ Hospital.",
    "Kindly let me know if a call is possible.",
    "I passed USMLE Step 1 and will apply through ERAS.",
    "¿Podría ayudarme?",
    "Merci beaucoup.",
    "🙏🏽 Thanks!",
    "I'm free Tuesday, March 11, 10:00–10:20.",
    "- Observership at Mass General (2024)",
    "",
]
SIGN_OFFS = ["Sincerely,", "Best regards,", "Thanks,", "Cheers,", "Thank you,", "-- ", ""]
NAMES = ["Priya Raman", "Priya", "Dr. Amara Nwosu, MBBS", "priya.raman.md@gmail.com", ""]
HEADER_LINES = [
    "Subject: IMG applicant - question about your catatonia grand rounds",
    "Subject: Question",
    "Subject: URGENT!!!",
    "Subject: =?utf-8?q?Caf=C3=A9_question?=",
    "To: Dr. Lena Brandt <lb@univ.example.edu>",
    "To: Dr. Hoffman",
    "From: Priya Raman <priya@example.org>",
    "Date: Tue, 4 Mar 2025 09:12:00 -0500",
    "Date: yesterday",
    "X-Mailer: test",
]
QUOTES = ["", "\n\nOn Tue, Mar 4, 2025 at 9:12 AM Dr. X <x@y.edu> wrote:\n> Hey!!!\n> Send it ASAP.\n",
          "\n\n-----Original Message-----\nFrom: Dr. X\nSent: Monday\n\nHello", "\n> quoted only\n"]
NEWLINES = ["\n", "\r\n", "\r"]


@st.composite
def realistic_messages(draw) -> str:
    nl = draw(st.sampled_from(NEWLINES))
    front = ""
    if draw(st.booleans()):
        kind = draw(st.sampled_from(["cold-email", "follow-up", "thank-you", "connection-note", "update"]))
        front = f"---\nkind: {kind}\n---\n"
    headers = draw(st.lists(st.sampled_from(HEADER_LINES), max_size=4))
    blank = draw(st.booleans())
    paragraphs = draw(st.lists(
        st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=5).map(" ".join),
        max_size=4))
    parts = [draw(st.sampled_from(GREETINGS)), *paragraphs,
             draw(st.sampled_from(SIGN_OFFS)) + "\n" + draw(st.sampled_from(NAMES))]
    body = "\n\n".join(parts) + draw(st.sampled_from(QUOTES))
    text = front + "\n".join(headers) + ("\n\n" if blank and headers else "\n" if headers else "") + body
    return text.replace("\n", nl)


def check_properties(linter: msgcheck.Linter, item, **kwargs) -> None:
    first = linter.check(item, **kwargs)
    assert_well_formed(first)
    message = first.message
    if message is not None:
        for f in first.findings:
            text = message.field_text(f.field)
            assert 0 <= f.start <= f.end <= len(text), (f, len(text))
    second = linter.check(item, **kwargs)
    assert second.findings == first.findings
    assert second.score == first.score
    assert second.criteria == first.criteria


@SETTINGS
@given(text=st.text(max_size=600))
def test_arbitrary_text(linter, text):
    check_properties(linter, text)


@SETTINGS
@given(text=st.text(alphabet=st.characters(codec="utf-8"), max_size=300), kind=st.sampled_from(
    ["cold-email", "follow-up", "update", "letter-request", "connection-note", "thank-you"]))
def test_arbitrary_text_any_kind(linter, text, kind):
    check_properties(linter, "Dear Dr. Alvarez,\n\n" + text + "\n\nThank you,\nPriya", kind=kind)


@SETTINGS
@given(text=realistic_messages())
def test_realistic_messages(linter, text):
    check_properties(linter, text)


@SETTINGS
@given(text=realistic_messages(), template=st.booleans())
def test_realistic_messages_as_bytes_and_templates(linter, text, template):
    check_properties(linter, text.encode("utf-8"), template=template)


@SETTINGS
@given(data=st.binary(max_size=2000))
def test_arbitrary_bytes(linter, data):
    check_properties(linter, data)


@SETTINGS
@given(data=st.binary(max_size=600))
def test_arbitrary_bytes_after_mime_headers(linter, data):
    check_properties(linter, b"MIME-Version: 1.0\r\nContent-Type: text/plain\r\nSubject: Hi\r\n\r\n" + data)


@SETTINGS
@given(body=st.text(max_size=300), subject=st.none() | st.text(max_size=80),
       to=st.none() | st.text(max_size=60))
def test_arbitrary_dict_input(linter, body, subject, to):
    check_properties(linter, {"body": body, "subject": subject, "to": to})
