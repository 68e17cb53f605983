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
    # gratitude for an act, and a reply that names its content
    "If you could tell me how your fellows split clinic and research time, I would be grateful.",
    "I would be thankful to sit in on one of your Thursday case conferences by Zoom.",
    "Please reply with the dates your clinic accepts observers this spring.",
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
    ("Could you put my application in front of your program director?",
     "put my application in front of"),
    ("Would you say a good word to the selection committee for me?", "a good word"),
    ("Could you make sure my file is put forward for an interview?",
     "make sure my file is put forward for an interview"),
])
def test_referrals_letters_and_ways_past_selection_are_transactional(linter, ask, phrase):
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
    ("My application has earned a place on your interview list.",
     "My application has earned a place on your"),
    ("After all of this, I feel I have earned the chance to be interviewed.",
     "I have earned the chance to be interviewed"),
    ("As a fellow Ghanaian, I know you won't say no.", "I know you won't say no"),
    ("I expect your office to send me the start date.", "I expect your office to"),
    ("I expect at least a clear answer from you.", "I expect at least"),
    ("I assume my place this spring is a formality.", "I assume my place this spring is a formality"),
    ("With my scores I am honestly the ideal resident for you.",
     "I am honestly the ideal resident"),
    ("With two audits behind me, I have more than earned an interview.",
     "I have more than earned an interview"),
    ("I fully expect you will make time for me this month.", "I fully expect you will make time"),
    ("Frankly, I'd consider a place in your observership a formality.",
     "I'd consider a place in your observership a formality"),
])
def test_entitled_claims(linter, text, phrase):
    report = linter.check(_letter(text))
    hits = _findings(report, "tone.entitled")
    assert [report.message.body[f.start:f.end] for f in hits] == [phrase]


def test_an_earned_qualification_is_not_entitled(linter):
    report = linter.check(_letter("I have earned my ECFMG certification and a 250 on Step 2 CK."))
    assert not _findings(report, "tone.entitled"), describe(report)


@pytest.mark.parametrize("text", [
    "I assume nothing is guaranteed, so I would be grateful for any reply.",
    "I know you will not be able to answer everyone.",
])
def test_hedged_assumptions_are_not_entitled(linter, text):
    report = linter.check(_letter(text))
    assert not _findings(report, "tone.entitled"), describe(report)


@pytest.mark.parametrize(("text", "phrase"), [
    ("You have built the most amazing residency program in the country.",
     "the most amazing residency program"),
    ("You are an absolute legend among program directors.", "an absolute legend"),
])
def test_praise_of_program_and_legend_is_flattery(linter, text, phrase):
    report = linter.check(_letter(text))
    hits = _findings(report, "tone.flattery")
    assert [report.message.body[f.start:f.end] for f in hits] == [phrase]


def test_a_descriptive_superlative_is_not_flattery(linter):
    report = linter.check(_letter(INTRO + "Here the nearest psychiatrist is four hours away."))
    assert not _findings(report, "tone.flattery"), describe(report)


@pytest.mark.parametrize(("text", "phrase"), [
    ("Could you upload it as soon as you possibly can?", "as soon as you possibly can"),
    ("Ideally I would have it within the next 48 hours.", "within the next 48 hours"),
])
def test_reader_deadlines_are_urgency(linter, text, phrase):
    report = linter.check(_letter(text))
    hits = _findings(report, "tone.urgency")
    assert [report.message.body[f.start:f.end] for f in hits] == [phrase]


def test_distance_and_own_promise_are_not_urgency(linter):
    body = "No psychiatrist was within a day's travel. I will send my CV as soon as I can."
    report = linter.check(_letter(INTRO + body))
    assert not _findings(report, "tone.urgency"), describe(report)


def test_a_misread_command_verb_is_demanding(linter):
    command = "Forward my CV to the coordinator of your research group"
    body = (INTRO + "Would you have 20 minutes for a Zoom call in December? I would be grateful "
            f"if you could read my personal statement. {command} as well.")
    report = linter.check(_letter(body))
    hits = _findings(report, "tone.demanding")
    assert [report.message.body[f.start:f.end] for f in hits] == [f"{command} as well"]


def test_interview_secured_for_me_is_transactional(linter):
    report = linter.check(_letter(
        INTRO + "Would you be able to make sure my application is invited for an interview?"))
    [hit] = _findings(report, "ask.transactional")
    assert report.message.body[hit.start:hit.end].startswith("make sure my application is invited")


def test_a_favour_in_a_context_clause_is_not_asked(linter):
    body = ("Although we have not had the chance to meet, would you consider writing one of my "
            "letters of recommendation?")
    report = linter.check(_letter(body))
    assert not _findings(report, "ask.multiple"), describe(report)
    assert _findings(report, "ask.transactional"), describe(report)


def test_an_offer_of_materials_is_not_another_ask(linter):
    body = ("Would you feel comfortable writing a strong letter of recommendation? If you are "
            "willing, I will send my CV and notes on the family meeting from my elective.")
    report = linter.check(_letter(body), kind="letter-request")
    assert _asks(report) == [body.split("? ")[0] + "?"]
    assert not _findings(report, "ask.multiple"), describe(report)


def test_proposing_times_for_an_agreed_call_is_not_vague(linter):
    body = ("Would Tuesday at 10:00 or Thursday at 2:00 work for you? If neither fits, please let "
            "me know what suits you.")
    report = linter.check(_letter(INTRO + body), kind="follow-up")
    assert not _findings(report, "ask.vague"), describe(report)


@pytest.mark.parametrize("ask", [
    "I would be very grateful for any help or direction you could give me at this stage.",
    "I would be really thankful for any kind of support you could offer me on this journey.",
    "Could I ask how you built your career?",
    "I would be grateful for your answer as soon as you can.",
])
def test_help_a_bare_how_or_a_call_for_an_answer_is_a_vague_ask(linter, ask):
    report = linter.check(_letter(INTRO + ask))
    assert [report.message.body[f.start:f.end] for f in _findings(report, "ask.vague")] == [ask]


def test_whether_a_named_position_is_open_is_specific(linter):
    ask = "Could you let me know whether the position is still open?"
    report = linter.check(_letter(INTRO + ask), kind="follow-up")
    assert not _findings(report, "ask.vague"), describe(report)


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


@pytest.mark.parametrize("body", [
    "Would you be open to a call? If a short reply by email is easier, that works too.",
    "Could you tell me whether the spring observership is open? I would be glad of a reply by "
    "email whenever convenient.",
])
def test_a_reply_by_email_is_not_a_command(linter, body):
    report = linter.check(_letter(INTRO + body))
    assert not _findings(report, "tone.demanding"), describe(report)


@pytest.mark.parametrize(("body", "command"), [
    ("Take a look at my draft personal statement and mark the weak paragraphs.",
     "Take a look at my draft personal statement and mark the weak paragraphs"),
    ("Respond to this message with two dates for a 20-minute Zoom call.",
     "Respond to this message with two dates for a 20-minute Zoom call"),
])
def test_commands_the_tagger_misreads_are_demanding_asks(linter, body, command):
    report = linter.check(_letter(INTRO + body))
    hits = _findings(report, "tone.demanding")
    assert [report.message.body[f.start:f.end] for f in hits] == [command]
    assert _asks(report) == [body]
    assert not _findings(report, "ask.missing"), describe(report)


def test_take_your_time_is_a_courtesy(linter):
    ask = "Would you have 15 minutes for a Zoom call about your lithium audit?"
    report = linter.check(_letter(f"{INTRO}{ask} Take your time replying."))
    assert not _findings(report, "tone.demanding"), describe(report)
    assert _asks(report) == [ask]


def test_a_yes_no_question_with_i_asks_the_reader(linter):
    ask = "Is there a recent review from your unit that I should read before our call?"
    report = linter.check(_letter(INTRO + ask), kind="follow-up")
    assert _asks(report) == [ask]
    assert not _findings(report, "ask.missing"), describe(report)


def test_i_would_consider_it_an_honour_is_not_entitled(linter):
    report = linter.check(_letter("I would consider it a privilege to observe your clinic."))
    assert not _findings(report, "tone.entitled"), describe(report)


def test_talking_for_minutes_and_a_cv_review_are_two_asks(linter):
    body = "Could we speak for 20 minutes, and would you also review my CV?"
    report = linter.check(_letter(INTRO + body))
    [hit] = _findings(report, "ask.multiple")
    assert hit.message.startswith("2 separate asks (call, cv-review)")


def test_a_wh_clause_naming_a_thing_is_a_specific_ask(linter):
    ask = "Could I ask how you got the night nurses to adopt the delirium checklist?"
    report = linter.check(_letter(INTRO + ask), kind="connection-note")
    assert not _findings(report, "ask.vague"), describe(report)


@pytest.mark.parametrize("ask", [
    "About my note of 4 May: is a short phone call next month still possible?",
    "I have a single question: do interns from the medicine program rotate on the unit?",
])
def test_a_question_after_a_colon_asks_the_reader(linter, ask):
    report = linter.check(_letter(INTRO + ask), kind="follow-up")
    assert _asks(report) == [ask]
    assert not _findings(report, "ask.missing"), describe(report)


@pytest.mark.parametrize("ask", [
    ("Since I am starting to prepare for the Match, I would be deeply grateful for whatever "
     "assistance you might offer in any manner you choose."),
    "If you could support me in any way, I would be thankful.",
])
def test_the_scene_before_a_request_does_not_make_it_specific(linter, ask):
    report = linter.check(_letter("I am an IMG from Egypt hoping to train in psychiatry. " + ask))
    [vague] = _findings(report, "ask.vague")
    assert report.message.body[vague.start:vague.end] == ask


def test_a_pronoun_for_the_attached_draft_is_a_specific_ask(linter):
    body = ("My personal statement draft is attached. "
            "Would you tell me whether it sounds too general?")
    report = linter.check(_letter(INTRO + body), kind="follow-up")
    assert _asks(report) == ["Would you tell me whether it sounds too general?"]
    assert not _findings(report, "ask.vague"), describe(report)


def test_a_letter_describing_research_and_an_opt_out_are_one_ask(linter):
    ask = ("Would you write a letter of recommendation describing my role on the research "
           "project and my work with your clinical team?")
    opt_out = ("If you are too busy to take on another letter this year, I completely "
               "understand and remain thankful for the observership.")
    report = linter.check(_letter(f"{INTRO}{ask} {opt_out}"), kind="letter-request")
    assert _asks(report) == [ask]
    assert not _findings(report, "ask.multiple"), describe(report)


def test_a_ps_draft_review_and_an_introduction_are_two_asks(linter):
    body = ("Could you go through my updated PS draft before Friday? Would you also be willing "
            "to introduce me to your program coordinator?")
    report = linter.check(_letter(INTRO + body), kind="follow-up")
    [hit] = _findings(report, "ask.multiple")
    assert hit.message.startswith("2 separate asks (cv-review, referral)")
    assert (hit.start, hit.end) == (report.message.body.index("Could"),
                                    report.message.body.index("coordinator?") + 12)


@pytest.mark.parametrize(("ask", "phrase"), [
    ("Would you ensure my application is added to your interview shortlist this cycle?",
     "ensure my application is added to your interview shortlist"),
    ("Could you hand my CV over to your department chair?", "hand my CV over to your"),
])
def test_a_place_on_the_interview_list_and_passing_a_cv_on_are_transactional(linter, ask, phrase):
    report = linter.check(_letter(INTRO + ask))
    [hit] = _findings(report, "ask.transactional")
    assert report.message.body[hit.start:hit.end] == phrase


@pytest.mark.parametrize("line", ["With respect,", "With deep respect,"])
def test_with_respect_signs_the_message(linter, line):
    report = linter.check(f"Dear Dr. Haddad,\n\n{INTRO}\n\n{line}\nNadia Karimi\nnadia@mail.example.org")
    assert SIGN_OFF.match(line)
    assert not _findings(report, "closing.missing-signature"), describe(report)


def test_the_month_may_is_not_a_request_frame(linter):
    scene = "In May I heard your grand rounds talk on lithium in pregnancy."
    ask = "I would be very thankful if you could help me in some way with this."
    report = linter.check(_letter(f"{scene} {ask}"))
    assert _asks(report) == [ask]
    [vague] = _findings(report, "ask.vague")
    assert report.message.body[vague.start:vague.end] == ask


@pytest.mark.parametrize(("ask", "rule"), [
    ("I would still be grateful for any support you can give me in my circumstances.", "ask.vague"),
    ("I respectfully ask whether you might write a letter of support for my application.",
     "ask.transactional"),
])
def test_hedged_frames_find_the_ask(linter, ask, rule):
    report = linter.check(_letter(INTRO + ask))
    assert _asks(report) == [ask]
    assert not _findings(report, "ask.missing"), describe(report)
    [hit] = _findings(report, rule)
    body = report.message.body
    assert body.index(ask) <= hit.start < hit.end <= body.index(ask) + len(ask)


def test_a_softened_command_after_an_inline_greeting_is_a_vague_ask(linter):
    note = "Dear Dr. Laine, kindly support me. Omar"
    report = linter.check(note, kind="connection-note")
    assert not _findings(report, "ask.missing"), describe(report)
    [vague] = _findings(report, "ask.vague")
    assert note[vague.start:vague.end] == "Dear Dr. Laine, kindly support me."


def test_each_item_of_a_requested_list_is_an_ask(linter):
    items = ["- A 15-minute phone call about the sleep clinic.",
             "- Feedback on my personal statement draft.",
             "- Shadowing your team for one week in June."]
    body = INTRO + "Here is what I am asking for:\n" + "\n".join(items)
    report = linter.check(_letter(body))
    assert _asks(report) == ["Here is what I am asking for:", *(i[2:] for i in items)]
    assert not _findings(report, "ask.missing"), describe(report)
    [hit] = _findings(report, "ask.multiple")
    assert hit.message.startswith("3 separate asks (call, cv-review, observership)")
    text = report.message.body
    assert (hit.start, hit.end) == (text.index("A 15-minute"), text.index("June.") + 5)


def test_a_favour_in_a_clause_before_the_request_is_context(linter):
    ask = ("I joined your team for an elective last spring, and I am writing to ask whether you "
           "would write a letter for my residency application.")
    report = linter.check(_letter(ask + " I completely understand if you cannot."),
                          kind="letter-request")
    assert _asks(report) == [ask]
    assert not _findings(report, "ask.multiple"), describe(report)


def test_reading_a_cv_and_a_research_volunteer_place_are_two_favours(linter):
    body = ("Could you read through my CV before September, and I also wanted to ask whether "
            "your lab has room for a research volunteer.")
    report = linter.check(_letter(INTRO + body), kind="follow-up")
    [hit] = _findings(report, "ask.multiple")
    assert hit.message.startswith("2 separate asks (cv-review, research)")


def test_an_interview_picked_by_the_committee_is_transactional(linter):
    ask = ("Would it be possible for you to make sure my file is chosen by the program director "
           "for an interview?")
    report = linter.check(_letter(INTRO + ask))
    [hit] = _findings(report, "ask.transactional")
    assert report.message.body[hit.start:hit.end] == (
        "make sure my file is chosen by the program director for an interview")


def test_a_hedged_refusal_is_an_opt_out(linter):
    body = ("Would you write one of my letters for this cycle? If you truly are unable to, a "
            "one-line reply is perfectly fine.")
    report = linter.check(_letter(body), kind="letter-request")
    assert not _findings(report, "ask.missing-opt-out"), describe(report)


@pytest.mark.parametrize(("ask", "phrase"), [
    ("Could your hospital sponsor an H-1B visa for me next July?", "sponsor an H-1B visa"),
    ("Could you put my name forward to your PD for an interview?", "put my name forward"),
    ("Could you accept me into your residency program this year?", "accept me"),
])
def test_visas_names_put_forward_and_places_are_transactional(linter, ask, phrase):
    report = linter.check(_letter(INTRO + ask), kind="cold-email")
    [hit] = _findings(report, "ask.transactional")
    assert report.message.body[hit.start:hit.end] == phrase


def test_accepted_as_an_observer_is_no_way_in(linter):
    report = linter.check(_letter(INTRO + "Would you accept me as an observer for four weeks?"),
                          kind="cold-email")
    assert _findings(report, "ask.transactional") == []


def test_a_question_naming_a_favour_asks_even_when_it_mentions_the_writer(linter):
    ask = "Is the 20-minute Zoom from my November 2 note still possible?"
    report = linter.check(_letter(ask), kind="follow-up")
    assert _asks(report) == [ask]
    assert _findings(report, "ask.missing") == []


def test_a_wish_in_a_relative_clause_asks_for_nothing(linter):
    body = ("I wrote on October 12 about your family group, which I would like to learn from. "
            "I simply wish to remind you of that note.")
    report = linter.check(_letter(body), kind="follow-up")
    [hit] = _findings(report, "ask.missing")
    assert (hit.start, hit.end) == (len("Dear Dr. Haddad,\n\n" + body),) * 2


def test_a_favour_as_subject_with_its_worth_is_a_vague_ask(linter):
    ask = "Any help you could give me would be a blessing."
    report = linter.check(_letter(INTRO + ask), kind="cold-email")
    assert _findings(report, "ask.missing") == []
    [hit] = _findings(report, "ask.vague")
    assert report.message.body[hit.start:hit.end] == ask


def test_an_inline_sign_off_is_not_part_of_the_ask(linter):
    ask = "I would be grateful for any guidance you can share when you have a moment 🙏"
    text = f"Hello Dr. Brennan, I am an IMG hoping to match in psychiatry. {ask} Thank you, Yusuf Demir"
    report = linter.check(text, kind="connection-note")
    [hit] = _findings(report, "ask.vague")
    assert text[hit.start:hit.end] == ask


def test_a_favour_named_by_a_pronoun_in_the_sentence_before_counts(linter):
    body = ("I permit myself to send my CV in attachment. Take a look at it and tell me what to "
            "change. Would you also have 20 minutes for a Zoom call next month?")
    report = linter.check(_letter(body), kind="follow-up")
    [hit] = _findings(report, "ask.multiple")
    assert "cv-review, call" in hit.message
    assert report.message.body[hit.start:hit.end] == body[body.index("Take"):]
