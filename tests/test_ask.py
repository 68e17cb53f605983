"""Requests, favours and the tone of asking: the ask, tone and closing rules on new phrasings."""

from __future__ import annotations

import pytest
from helpers import describe

from msgcheck.parse.sections import SIGN_OFF

INTRO = "I am an IMG from Egypt who read your audit of lithium monitoring. "


def _letter(body: str) -> str:
    return f"Dear Dr. Haddad,\n\n{body}\n\nThank you,\nNadia Karimi"


def _asks(report) -> list[str]:
    return [report.message.body[a.start:a.end] for a in report.sections.asks]


def _findings(report, rule: str):
    return [f for f in report.findings if f.rule == rule]


@pytest.mark.parametrize("ask", [
    "May we talk for 15 minutes by phone about the lithium audit?",
    "I shall be highly obliged if you can tell me how the team screens for delirium.",
    "It would be a real honour if you can meet me for 15 minutes on Zoom.",
    "I also wanted to ask whether your clinic takes observers in the spring.",
    "Kindly spare me 15 minutes on the phone to discuss your telepsychiatry pilot.",
    "Kindly revert about the 15-minute call on your clozapine clinic audit.",
])
def test_request_frames_find_the_ask(linter, ask):
    report = linter.check(_letter(INTRO + ask))
    assert _asks(report) == [ask]
    assert not _findings(report, "ask.missing"), describe(report)


@pytest.mark.parametrize("line", [
    "Please find attached my CV.",
    "Please do not feel obliged to answer.",
    "Please reply soon.",
    "Kindly note that I passed Step 2 CK.",
])
def test_courtesy_and_bare_reply_lines_ask_for_nothing(linter, line):
    report = linter.check(_letter(INTRO + line))
    assert _asks(report) == []
    body = report.message.body
    [missing] = _findings(report, "ask.missing")
    assert missing.start == missing.end == body.index(line) + len(line)


def test_an_honour_to_be_guided_is_a_vague_ask(linter):
    ask = "It would be a great honour if you can guide me in my career."
    report = linter.check(_letter("I am an IMG from Egypt hoping to train in psychiatry. " + ask))
    [vague] = _findings(report, "ask.vague")
    assert report.message.body[vague.start:vague.end] == ask
    assert not _findings(report, "ask.missing")


def test_guide_me_on_a_topic_is_specific(linter):
    report = linter.check(_letter("Could you guide me on preparing for the Match?"))
    assert not _findings(report, "ask.vague"), describe(report)


@pytest.mark.parametrize(("body", "favours"), [
    # A topic marker ("on Zoom", "for a call") ends at the next request frame.
    ("Could we also meet on Zoom, and would you review my CV?", "call, cv-review"),
    (("Could you please look over my personal statement, and would you also have time for a short "
      "call this week?"), "cv-review, call"),
    # The CV is named once and reviewed as "it".
    (("I have attached my CV, and I would be grateful if you could read it. I would also love to "
      "observe your consult team for a week."), "cv-review, observership"),
    (("Could you ask Dr. Whitfield to write my letter, and could you also pass my name to the "
      "program director?"), "letter, referral"),
])
def test_multiple_favours_in_one_sentence(linter, body, favours):
    report = linter.check(_letter(body))
    [multiple] = _findings(report, "ask.multiple")
    assert multiple.message.startswith(f"{favours.count(',') + 1} separate asks ({favours})")
    assert multiple.start == report.message.body.index(body[:20])


@pytest.mark.parametrize("body", [
    "Would you have 15 minutes on Zoom to talk about observerships for IMGs?",
    "Could you spare 20 minutes for a call, so I could ask how residents join your research team?",
])
def test_a_favour_named_as_the_topic_is_not_a_second_ask(linter, body):
    report = linter.check(_letter(body))
    assert not _findings(report, "ask.multiple"), describe(report)


@pytest.mark.parametrize(("ask", "phrase"), [
    ("Could you put in a word with your program director for me?", "put in a word"),
    ("Would you pass my name on to the selection committee?", "pass my name"),
    ("Could you write my letter for this Match cycle?", "write my letter"),
])
def test_transactional_referrals_and_letters(linter, ask, phrase):
    report = linter.check(_letter("I am an IMG from Egypt who read your paper on lithium. " + ask))
    [hit] = _findings(report, "ask.transactional")
    assert report.message.body[hit.start:hit.end] == phrase


def test_look_over_is_a_command_and_look_forward_a_courtesy(linter):
    command = "Look over the CV and send me your comments by Friday"
    report = linter.check(_letter(f"{command}. Look forward to hearing from you."))
    hits = _findings(report, "tone.demanding")
    assert [report.message.body[f.start:f.end] for f in hits] == [command]


@pytest.mark.parametrize(("text", "phrase"), [
    ("After four years of work, I have earned this call.", "I have earned this call"),
    ("I'm sure you will make time for me.", "I'm sure you will make time"),
])
def test_entitled_claims(linter, text, phrase):
    report = linter.check(_letter(text))
    hits = _findings(report, "tone.entitled")
    assert [report.message.body[f.start:f.end] for f in hits] == [phrase]


def test_an_earned_qualification_is_not_entitled(linter):
    report = linter.check(_letter("I have earned my ECFMG certification and a 250 on Step 2 CK."))
    assert not _findings(report, "tone.entitled"), describe(report)


def test_superlative_chief_resident_is_flattery(linter):
    report = linter.check(_letter("You are hands down the best chief resident I have met."))
    [hit] = _findings(report, "tone.flattery")
    assert report.message.body[hit.start:hit.end] == "the best chief resident"


@pytest.mark.parametrize("line", ["With thanks and best regards,",
                                  "With gratitude and kind regards,"])
def test_long_sign_off_lines_sign_the_message(linter, line):
    assert SIGN_OFF.match(line)
    report = linter.check(f"Dear Dr. Haddad,\n\nThank you for your time.\n\n{line}\nNadia Karimi\n"
                          "nadia.karimi.md@mail.example.org")
    signature = report.sections.signature
    assert report.message.body[signature.start:signature.end].startswith("Nadia Karimi")
    assert not _findings(report, "closing.missing-signature")
