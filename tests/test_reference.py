"""personal.generic-opener and personal.missing-reference: paraphrased stock openers, and the
references that make a message specific beyond a work noun and its topic."""

from __future__ import annotations

import pytest
from helpers import assert_well_formed, describe

OPENER = "personal.generic-opener"
MISSING = "personal.missing-reference"
MESSAGE = ("Subject: IMG applicant - question about residency\n\nDear Dr. Alvarez,\n\n{body}\n\n"
           "Thank you,\nPriya Raman\n")
ASK = " I am an IMG from Kenya applying to psychiatry. Would you be open to a 15-minute call?"


def findings(report, rule):
    assert_well_formed(report)
    return [report.message.body[f.start:f.end] for f in report.findings if f.rule == rule]


@pytest.mark.parametrize(("opener", "span"), [
    ("I stumbled upon your LinkedIn profile and was impressed with your career.",
     "stumbled upon your LinkedIn profile and was impressed with your career"),
    ("Your faculty page on the hospital website caught my eye.",
     "Your faculty page on the hospital website caught my eye"),
    ("I am a long-time admirer of your research.", "admirer of your research"),
    ("I have kept up with your publications for years.", "kept up with your publications"),
    ("I was amazed by everything you have accomplished.",
     "amazed by everything you have accomplished"),
    ("Your work has always inspired me.", "Your work has always inspired me"),
    ("I have heard so many great things about you.", "heard so many great things about you"),
    ("I have been following the work of your department with great interest.",
     "following the work of your department"),
    ("I was impressed by the achievements of your team.",
     "impressed by the achievements of your team"),
])
def test_paraphrased_openers_are_one_finding_over_the_stock_words(linter, opener, span):
    report = linter.check(MESSAGE.format(body=opener + ASK))
    assert findings(report, OPENER) == [span], describe(report)


@pytest.mark.parametrize("opener", [
    "I was impressed with your research on peer-led relapse prevention after first-episode psychosis.",
    "I came across your 2022 trial of lithium for suicidal ideation while preparing a journal club.",
    "I have long admired your work with refugee families in the Bronx.",
])
def test_a_stock_opener_that_names_something_specific_passes(linter, opener):
    report = linter.check(MESSAGE.format(body=opener + ASK))
    assert findings(report, OPENER) == [] and findings(report, MISSING) == [], describe(report)


@pytest.mark.parametrize(("kind", "body"), [
    # what the reader wrote, presented or runs, named in two nouns
    ("cold-email", ("On the residency site you describe the Friday case conference where interns "
                    "present new consults. Would you be open to a 15-minute call?")),
    ("cold-email", ("I read that you co-direct the refugee health partnership with Mercy Hospital. "
                    "Would you be open to a 15-minute call?")),
    # a program feature named with a work noun
    ("follow-up", "Might a short call about your addiction psychiatry rotation still be possible?"),
    ("cold-email", ("Your geriatric observership, where observers join the memory clinic on "
                    "Fridays, fits my interest in late-life depression. Would you be open to a "
                    "15-minute call?")),
    # the earlier contact, dated or as the reader's supervision
    ("follow-up", "I wrote to you on May 2 about a short call. Would next week suit you?"),
    ("follow-up", ("Thank you for supervising me on the consult service. Would next week suit you "
                   "for a short call?")),
    # a thank-you that names the advice, or reports acting on it
    ("thank-you", "Thanks for suggesting I submit my audit to the regional meeting."),
    ("thank-you", "Thank you again for Friday. I moved my Step 3 exam to June, as advised."),
])
def test_specific_references(linter, kind, body):
    report = linter.check(MESSAGE.format(body=body), kind=kind)
    assert findings(report, MISSING) == [], describe(report)


@pytest.mark.parametrize(("kind", "body"), [
    ("cold-email", ("I saw your profile, and I know you lead a busy department. Would you be open "
                    "to a 15-minute call?")),
    ("cold-email", ("I know you teach many residents every year. Would you be open to a 15-minute "
                    "call?")),
    ("thank-you", "Thank you for the call. I will keep your advice in mind as I move ahead."),
    ("thank-you", "Following your advice, I will apply to more programs this year."),
    ("thank-you", "Thank you for explaining everything so clearly during our call."),
])
def test_generic_messages_still_miss_a_reference(linter, kind, body):
    report = linter.check(MESSAGE.format(body=body), kind=kind)
    prose = report.message.sections.prose
    hits = [f for f in report.findings if f.rule == MISSING]
    assert [(f.start, f.end) for f in hits] == [(prose.start, prose.start)], describe(report)


@pytest.mark.parametrize(("body", "kind"), [
    ("Any chance of a 15-minute call about your eating disorders elective?", "follow-up"),
    ("I used your 2023 ketamine infusion protocol in my hospital audit.", "cold-email"),
    ("Following up on my 4 November email: could we have a 15-minute call?", "follow-up"),
    ("Last month I have attended your session for residents on opioid use disorder.", "cold-email"),
    ("I am applying to Riverbend, mainly for its refugee mental health clinic.", "cold-email"),
])
def test_premodified_work_dated_email_and_perfect_tense_attendance_are_specific(linter, body, kind):
    report = linter.check(MESSAGE.format(body=body), kind=kind)
    assert findings(report, MISSING) == [], describe(report)


def test_followed_your_labs_work_is_a_stock_opener_and_names_no_topic(linter):
    report = linter.check(MESSAGE.format(body="I have followed your lab's work for years." + ASK))
    assert findings(report, OPENER) == ["followed your lab's work"], describe(report)
    report = linter.check(MESSAGE.format(body="I have kept up with the work of your lab." + ASK))
    assert findings(report, MISSING) == [""], describe(report)


@pytest.mark.parametrize(("kind", "body"), [
    # the reader's work reached through a description, a clause or a definite mention
    ("cold-email", ("In the hospital newsletter I found your account of the eating disorders day "
                    "program. Would you be open to a 15-minute call?")),
    ("cold-email", ("I read that your residents now staff a weekend clinic for asylum seekers. "
                    "Would you be open to a 15-minute call?")),
    ("connection-note", "Your Q&A on the match last winter was very clear. Open to a short chat?"),
    ("cold-email", ("I read about the Lakeview program and its emphasis on collaborative care in "
                    "rural clinics. Would you be open to a 15-minute call?")),
    ("cold-email", ("Your webinar last month on gambling disorder changed my practice. Would you "
                    "be open to a 15-minute call?")),
    # a follow-up's earlier contact: an abbreviated date, or the reader's reply
    ("follow-up", "Re my Sept. 3 note: is a short Zoom still possible?"),
    ("follow-up", "Thanks so much for getting back to me. Would Friday at 5 pm work for the call?"),
    ("follow-up", ("Thanks again for answering my question during the resident Q&A. Could we "
                   "talk for 15 minutes?")),
])
def test_references_to_the_readers_work_or_the_earlier_contact(linter, kind, body):
    report = linter.check(MESSAGE.format(body=body), kind=kind)
    assert findings(report, MISSING) == [], describe(report)


@pytest.mark.parametrize(("kind", "body"), [
    # the writer's own work, interests or questions are no reference to the reader
    ("cold-email", ("I have enjoyed psychiatry since my fourth-year rotation, and your program "
                    "seems a great fit. Would you be open to a 15-minute call?")),
    ("cold-email", ("I have many questions about how residents from abroad are ranked, and you "
                    "direct a program. Would you be open to a 15-minute call?")),
    ("cold-email", ("Would you be open to a 15-minute call so I could ask your advice on how "
                    "graduates can continue trauma research during residency?")),
    ("cold-email", ("Your program is the finest of all, better than any other program in Europe. "
                    "Would you be open to a 15-minute call?")),
    ("cold-email", ("I hope to do an observership in your department this spring. Would you be "
                    "open to a 15-minute call?")),
    # an undated "earlier email" names no earlier contact
    ("follow-up", ("I am following up on my earlier email. I still hope to talk with you about "
                   "how graduates get into addiction research. Could we talk for 15 minutes?")),
])
def test_the_writers_own_topics_are_not_a_reference(linter, kind, body):
    report = linter.check(MESSAGE.format(body=body), kind=kind)
    prose = report.message.sections.prose
    hits = [f for f in report.findings if f.rule == MISSING]
    assert [(f.start, f.end) for f in hits] == [(prose.start, prose.start)], describe(report)


@pytest.mark.parametrize(("kind", "body"), [
    # an owner's possessive before the topic words
    ("cold-email", ("Your department's eating disorders service, which admits adolescents from "
                    "three counties, is the model I hope to learn from. Could we talk for 15 "
                    "minutes?")),
    # "the fellows" of a sentence that names the reader's program are the reader's
    ("cold-email", ("On your program's website I read that the fellows run a lithium clinic for "
                    "older adults. Could we talk for 15 minutes?")),
    ("connection-note", "I enjoyed your overview on delirium prevention. Open to a short chat?"),
    ("cold-email", ("When I read about the perinatal unit you opened last year, I knew I had to "
                    "write. Could we talk for 15 minutes?")),
    # the earlier exchange by its date
    ("follow-up", "Is the 20-minute call we discussed on 3 May still possible? Thank you."),
    # a thank-you that names the point the reader made, in a sentence of its own
    ("thank-you", ("Thank you for your reply. The tip that observers should log every case in a "
                   "diary was new to me, and I have started one.")),
])
def test_owners_definite_groups_dated_exchanges_and_points_made(linter, kind, body):
    report = linter.check(MESSAGE.format(body=body), kind=kind)
    assert findings(report, MISSING) == [], describe(report)


@pytest.mark.parametrize(("kind", "body"), [
    # praise is no topic, and "would you kindly" asks rather than recalls a kindness
    ("cold-email", ("Your incredible, world-class work is known to every young doctor. Would you "
                    "kindly spare 15 minutes for a call about a career in addiction psychiatry?")),
    # a possessive owner alone names no topic, nor does a relative "the advice that you gave"
    ("cold-email", ("I hope to see your hospital's service one day. Could we talk for 15 "
                    "minutes?")),
    ("thank-you", "Thank you for the call. The advice that you gave me was very helpful."),
])
def test_praise_requests_and_bare_owners_are_not_a_reference(linter, kind, body):
    report = linter.check(MESSAGE.format(body=body), kind=kind)
    prose = report.message.sections.prose
    hits = [f for f in report.findings if f.rule == MISSING]
    assert [(f.start, f.end) for f in hits] == [(prose.start, prose.start)], describe(report)


def test_an_unfilled_slot_is_not_a_reference(linter):
    body = "We help [type of customers you help] to [value proposition summary]. Could we talk?"
    report = linter.check(MESSAGE.format(body=body))
    prose = report.message.sections.prose
    hits = [f for f in report.findings if f.rule == MISSING]
    assert [(f.start, f.end) for f in hits] == [(prose.start, prose.start)], describe(report)


def test_a_span_of_time_after_admired_work_names_no_topic(linter):
    # The parser hangs "for several years" under "interest", inside the "with" phrase of "work".
    body = ("I have long admired your research and followed your lab's work with great interest "
            "for several years. Would you be open to a 15-minute call?")
    report = linter.check(MESSAGE.format(body=body))
    assert findings(report, OPENER) == [
        "admired your research and followed your lab's work"], describe(report)
    assert findings(report, MISSING) == [""], describe(report)


@pytest.mark.parametrize("adjective", ["precious", "invaluable", "wise"])
def test_praised_advice_kept_in_mind_is_no_point_learned(linter, adjective):
    body = f"Thank you for the call. I will keep your {adjective} advice in mind."
    report = linter.check(MESSAGE.format(body=body), kind="thank-you")
    assert findings(report, MISSING) == [""], describe(report)


def test_a_journal_club_the_reader_started_is_specific(linter):
    body = ("The trainee journal club on collaborative care that you founded at Riverside is the "
            "teaching I hope to find. Would you be open to a 15-minute call?")
    report = linter.check(MESSAGE.format(body=body))
    assert findings(report, MISSING) == [], describe(report)
