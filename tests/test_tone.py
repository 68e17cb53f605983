"""tone.*: what pressures, commands, assumes or flatters the reader, and the look-alikes that do not."""

from __future__ import annotations

import pytest
from helpers import assert_well_formed, describe

HEAD = "Subject: Kenyan IMG - your lithium adherence paper\n\nDear Dr. Alvarez,\n\n"
TAIL = "\n\nThank you,\nPriya Raman\n"


def flagged(linter, rule: str, prose: str, kind: str = "cold-email") -> list[str]:
    """The text of each ``rule`` finding in a message whose body prose is ``prose``."""
    report = linter.check(HEAD + prose + TAIL, kind=kind)
    assert_well_formed(report)
    body = report.message.field_text("body")
    hits = [body[f.start:f.end] for f in report.findings if f.rule == rule and f.field == "body"]
    assert all(h.strip() for h in hits), describe(report)
    return hits


@pytest.mark.parametrize(("prose", "phrase"), [
    ("Would a short call work? Please reply within the next 48 hours.", "within the next 48 hours"),
    ("Could you let me know within two days whether the slot is open?", "within two days"),
    ("My visa office needs the letter right now, so could you send it?", "right now"),
    ("Could you reply right now, before the portal closes?", "right now"),
])
def test_deadline_set_for_the_reader_is_urgency(linter, prose, phrase):
    assert flagged(linter, "tone.urgency", prose) == [phrase]


@pytest.mark.parametrize("prose", [
    "In our audit, patients who received a reminder call within three days kept their visit. "
    "Would you have 15 minutes to discuss it?",
    "I'd be grateful for whatever guidance you could offer me right now on choosing programs.",
    "Is your unit taking observers right now? I would value a short call.",
])
def test_a_finding_or_the_present_moment_is_not_urgency(linter, prose):
    assert flagged(linter, "tone.urgency", prose) == []


@pytest.mark.parametrize(("prose", "phrase"), [
    ("I flew in for your talk, so I am sure you will find some time for me.",
     "I am sure you will find some time"),
    ("I have no doubt you will make room for a short call with me.",
     "I have no doubt you will make room"),
    ("I trust you will not let such an application pass unnoticed.",
     "I trust you will not let such an application pass unnoticed"),
    ("To be honest, I feel I have more than earned a place in a US residency.",
     "I have more than earned"),
    ("It is fair to say I have earned a strong one.", "I have earned"),
    ("A physician with my training has surely earned the courtesy of a reply.",
     "has surely earned"),
    ("An interview at your program is no more than my due.", "is no more than my due"),
    ("I honestly feel I have earned a strong letter from you.", "I have earned"),
    ("Frankly, a candidate with my record is owed an interview.",
     "a candidate with my record is owed"),
    ("After three unanswered emails I'm owed at least a reply.", "I'm owed"),
])
def test_a_favour_assumed_or_claimed_as_earned_is_entitled(linter, prose, phrase):
    assert flagged(linter, "tone.entitled", prose) == [phrase]


@pytest.mark.parametrize("prose", [
    "My supervisor, who has more than earned her reputation, suggested I write to you.",
    "I think I have earned my place on the wards, and I would value your advice on next steps.",
    "I have no doubt you will find the case series useful. My due date for the report is May.",
    "The credit for the audit is owed to my supervisor; I am owed nothing for helping.",
])
def test_earned_facts_and_others_reputations_are_not_entitled(linter, prose):
    assert flagged(linter, "tone.entitled", prose) == []


def test_a_command_spliced_to_the_next_clause_is_demanding(linter):
    note = ("Your thread on the psych ED rotation was really useful. I'm an IMG applying next cycle. "
            "Tell me which away rotations helped you most, I'm locking mine in this month.")
    assert flagged(linter, "tone.demanding", note, kind="connection-note") == [
        "Tell me which away rotations helped you most"]


@pytest.mark.parametrize("prose", [
    "Could you tell me if your program accepts older graduates? Please answer me when you can.",
    "Would a short call suit you? Kindly get back to me whenever it is convenient.",
])
def test_a_softened_listed_phrase_is_not_demanding(linter, prose):
    assert flagged(linter, "tone.demanding", prose) == []


def test_a_softener_carries_over_a_joined_command_but_not_an_obligation(linter):
    softened = ("Would a short call suit you? Kindly treat this as urgent and get back to me "
                "without delay.")
    assert flagged(linter, "tone.demanding", softened) == []
    assert flagged(linter, "tone.urgency", softened) == ["urgent", "without delay"]
    obligation = "Kindly review the abstract, and I need you to reply by Friday."
    assert flagged(linter, "tone.demanding", obligation) == ["I need you to"]


def test_a_telegraphic_past_tense_is_not_a_command(linter):
    note = "Polish psychiatrist here. Read your paper on lithium monitoring. Could we talk?"
    assert flagged(linter, "tone.demanding", note) == []
    assert flagged(linter, "tone.demanding", "Read my statement tonight and mark the cuts.") == [
        "Read my statement tonight and mark the cuts"]


def test_answer_me_without_a_softener_is_still_demanding(linter):
    assert flagged(linter, "tone.demanding", "I wrote twice already. Answer me this week.") == [
        "Answer me"]


@pytest.mark.parametrize(("prose", "phrases"), [
    ("I went unmatched last March; could we talk about how you reapplied?", []),
    ("Your advice for anyone who is unmatched helped me plan my research year.", []),
    ("Your clinical judgement on the consult service is simply unmatched.",
     ["Your clinical judgement on the consult service is simply unmatched"]),
    ("I admire your unmatched expertise in perinatal psychiatry.", ["unmatched expertise"]),
])
def test_unmatched_is_flattery_only_when_it_praises_the_reader(linter, prose, phrases):
    assert flagged(linter, "tone.flattery", prose) == phrases


@pytest.mark.parametrize(("prose", "phrases"), [
    ("You are an absolute star of American psychiatry.", ["an absolute star"]),
    ("I think you are the most inspiring woman in all of American psychiatry.",
     ["the most inspiring woman"]),
    ("I watched your keynote. Nobody else in the field comes close.",
     ["Nobody else in the field comes close"]),
    ("Her poster earned a star rating, and a giant cohort study later confirmed it.", []),
    ("Nobody in my district comes to clinic on Fridays.", []),
])
def test_ranking_the_reader_above_a_field_is_flattery(linter, prose, phrases):
    assert flagged(linter, "tone.flattery", prose) == phrases


@pytest.mark.parametrize(("prose", "phrases"), [
    ("Could you put in a good word today if at all possible, because every day counts now?",
     ["today if at all possible", "every day counts"]),
    ("Could you look at my statement tonight, if you can?", ["tonight, if you can"]),
    ("I passed Step 2 CK today, if you can believe it. Could we talk next month?", []),
])
def test_the_readers_day_set_for_them_is_urgency(linter, prose, phrases):
    assert flagged(linter, "tone.urgency", prose) == phrases


@pytest.mark.parametrize(("pattern", "tail"), [
    (r"\b(?:reply|know)\b[^.?!]{0,80}?(?P<phrase>\bwithin\s+two\s+days\b)(?!')",
     r"(?P<phrase>\bwithin\s+two\s+days\b)(?!')"),
    (r"[(|]\(x\)\s+(?P<phrase>now)", r"(?P<phrase>now)"),
    (r"\(x|y\)\s+(?P<phrase>now)", None),
    (r"reply|(?P<phrase>now)", None),
    (r"(?:reply\s+(?P<phrase>now))", None),
])
def test_a_regex_is_prefiltered_by_its_flagged_tail_only_when_the_tail_is_top_level(pattern, tail):
    from msgcheck.checks.existence import flagged_tail

    probe = flagged_tail(pattern)
    assert (probe.pattern if probe else None) == tail


@pytest.mark.parametrize(("prose", "phrase"), [
    ("I wrote twice, so I am quite sure you will find 15 minutes for me.",
     "I am quite sure you will find 15 minutes"),
    ("I have no doubt you will spare an hour for my draft this week.",
     "I have no doubt you will spare an hour"),
    ("After twenty years in practice, a consultant of my seniority deserves an answer.",
     "a consultant of my seniority deserves"),
    ("After the weekends I gave the lab, a strong letter is the least I can expect.",
     "the least I can expect"),
    ("Since I covered your consults in July, a strong letter is only fair.", "letter is only fair"),
    ("Frankly, an observership slot is something I have earned.",
     "slot is something I have earned"),
])
def test_a_favour_counted_out_deserved_or_owed_in_return_is_entitled(linter, prose, phrase):
    assert flagged(linter, "tone.entitled", prose) == [phrase]


@pytest.mark.parametrize("prose", [
    "I am sure you will find an hour well spent at the regional meeting.",
    "The least I can do is send you the cleaned data set before we talk.",
    "It is only fair to mention that my Step 2 score is lower than I hoped.",
    "A patient like my uncle deserves the best care a clinic can give.",
    "My ECFMG certificate is something I have earned through three hard years.",
])
def test_offers_candour_and_facts_are_not_entitled(linter, prose):
    assert flagged(linter, "tone.entitled", prose) == []


@pytest.mark.parametrize(("prose", "phrases"), [
    ("I need the letter this week; the matter is extremely pressing.",
     ["the matter is extremely pressing"]),
    ("The most pressing question in my district is clozapine access.", []),
    ("On the scan the cyst is large, and it is pressing on the optic chiasm.", []),
])
def test_a_need_declared_pressing_is_urgency(linter, prose, phrases):
    assert flagged(linter, "tone.urgency", prose) == phrases


def test_a_bulleted_list_is_not_read_as_commands(linter):
    prose = ("Three things stayed with me:\n"
             "• the way you opened the family meeting before any talk of medication\n"
             "• your habit of reading the night notes before each patient\n\n"
             "I have already started a notebook of questions.")
    assert flagged(linter, "tone.demanding", prose, kind="thank-you") == []
    numbered = "Before our call:\n1. Send me the list of programs that take observers.\n\nThanks."
    assert flagged(linter, "tone.demanding", numbered) == [
        "Send me the list of programs that take observers"]


def test_a_question_typed_without_its_mark_is_not_demanding(linter):
    prose = "could you check whether a spot is open and get back to me when you can"
    assert flagged(linter, "tone.demanding", prose) == []
    assert flagged(linter, "tone.demanding", "I wrote twice, so get back to me this week.") == [
        "get back to me"]


def test_capitals_in_the_signature_are_not_shouting(linter):
    message = (HEAD + "Could we talk about your audit for 15 minutes?\n\nBest regards,\n"
               "Marta Kowal\nREGIONAL HOSPITAL\n\nCONFIDENTIALITY: This e-mail is confidential.\n")
    report = linter.check(message)
    assert [f for f in report.findings if f.rule == "tone.shouting"] == []
    assert flagged(linter, "tone.shouting", "I am EXTREMELY keen to join your clinic.") == [
        "EXTREMELY"]
