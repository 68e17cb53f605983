"""subject.vague: a generic noun stays generic with an article and stock adjectives around it."""

from __future__ import annotations

import pytest
from helpers import assert_well_formed, describe

VAGUE = "subject.vague"
BODY = ("\n\nDear Dr. Alvarez,\n\nI am an IMG from Kenya and read your paper on lithium adherence. "
        "Would you be open to a 15-minute call?\n\nThank you,\nPriya Raman\n")


def vague_spans(report):
    assert_well_formed(report)
    return [(f.field, f.start, f.end) for f in report.findings if f.rule == VAGUE]


@pytest.mark.parametrize("subject", [
    "A humble request", "Brief update", "Exciting news!",
    "My application", "Re: A small favour", "Quick follow-up", "Kind inquiry.",
    # reminders and nudges are a follow-up's stock subjects
    "Gentle reminder", "Re: Friendly reminder!", "Just a quick nudge", "Quick check-in",
    # news by its age, and thanks by another name
    "Latest news", "The latest update", "Recent news!", "Appreciation", "A note of gratitude",
    "With sincere thanks",
])
def test_generic_nouns_with_stock_adjectives_are_vague(linter, subject):
    report = linter.check(f"Subject: {subject}{BODY}")
    assert vague_spans(report) == [("subject", 0, len(subject))], describe(report)


@pytest.mark.parametrize("subject", [
    "Brief update - Step 2 CK passed, now in addiction research",
    "A humble request from a Kenyan IMG about your lithium clinic",
    "Residency application question from a Kenyan IMG",
    "Gentle reminder - 15-minute call about your lithium clinic",
    "Latest news - matched to Riverbend psychiatry",
    "Appreciation for your advice on my lithium audit",
])
def test_a_subject_with_a_topic_is_not_vague(linter, subject):
    report = linter.check(f"Subject: {subject}{BODY}")
    assert vague_spans(report) == [], describe(report)
