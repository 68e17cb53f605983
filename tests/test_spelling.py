"""spelling.unknown-word: planted-typo recall, and the words it must leave alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import assert_well_formed, describe

import msgcheck
from msgcheck.checks.spelling import prefixed_stems, singulars
from msgcheck.evaluation import load_corpus
from msgcheck.spelling_eval import load_pairs, planted_recall

ROOT = Path(__file__).resolve().parents[1]
RULE = "spelling.unknown-word"
MESSAGE = ("Subject: IMG applicant - question about your catatonia grand rounds\n\n"
           "Dear Dr. Alvarez,\n\n{body}\n\nThank you for your time.\n\nSincerely,\nPriya Raman\n")


def spelled(report) -> list[str]:
    return [report.message.body[f.start:f.end] for f in report.findings if f.rule == RULE]


def test_planted_typo_recall_is_at_least_ninety_percent(linter):
    good = [c.text for c in load_corpus(ROOT / "corpus") if c.label == "good"]
    pairs = load_pairs(ROOT / "tests" / "fixtures" / "misspellings.tsv")
    result = planted_recall(linter, good, pairs)
    assert result.planted == len(pairs) >= 50
    assert result.recall >= 0.9, f"missed: {result.missed}"
    assert result.corrected >= 0.8 * result.detected


def test_finding_span_and_suggestion(linter):
    report = linter.check(MESSAGE.format(body="I am very intrested in your research on catatonia."))
    assert_well_formed(report)
    finding = next(f for f in report.findings if f.rule == RULE)
    assert report.message.body[finding.start:finding.end] == "intrested"
    assert finding.suggestion.edits[0].replacement == "interested"
    assert not finding.suggestion.safe
    assert "interested" in finding.message


def test_a_word_without_a_close_correction_offers_none(linter):
    report = linter.check(MESSAGE.format(body="I read your note on the glorbixation of sleep."))
    finding = next(f for f in report.findings if f.rule == RULE)
    assert report.message.body[finding.start:finding.end] == "glorbixation"
    assert finding.suggestion.edits == ()
    assert "''" not in finding.message  # no empty "did you mean ''?"


@pytest.mark.parametrize("body", [
    "I met Dr. Oyelaran-Whitfield and Dr. Szczepański at the Kasturba Medical College meeting.",
    "I passed USMLE Step 2 CK, registered with ECFMG and NRMP, and applied through ERAS as a PGY-1.",
    "My observership in consultation-liaison psychiatry covered clozapine and lorazepam challenges.",
    "Please see https://priyaraman.example.org/cv or write to priya.raman.md@gmail.com anytime.",
    "I would be honoured to learn how your programme organises its paediatric behaviour clinic.",
    "I realised that your centre analyses outcomes in every colour of the data.",
    # drug names by INN stem, and regular plurals of known words
    "We switched from doxazosin to prazosin, then tried lemborexant and cariprazine.",
    "I surveyed prescribers about readmissions and the clerkships they supervise.",
    # street and prescription opioids by name or stem, and words of documents and messages
    "Our patients misuse tramadol, tapentadol, oxycodone and fentanyl cut with xylazine.",
    "I attached a bulleted list and a screenshot of the waitlist I texted you about.",
    # neuroscience and imaging terms
    "My thesis linked hippocampal volume and striatal dopaminergic tone on fMRI tractography.",
])
def test_words_it_leaves_alone(linter, body):
    assert spelled(linter.check(MESSAGE.format(body=body))) == []


@pytest.mark.parametrize(("word", "singular"), [
    ("readmissions", "readmission"), ("therapies", "therapy"), ("approaches", "approach"),
    ("bruises", "bruise"), ("ties", "tie"),
])
def test_singulars_of_regular_plurals(word, singular):
    assert singular in singulars(word)


@pytest.mark.parametrize("word", ["studys", "boxs", "churchs", "class"])
def test_no_singular_for_a_plural_the_rules_would_not_form(word):
    assert singulars(word) == []


def test_a_plural_the_rules_would_not_form_is_flagged(linter):
    report = linter.check(MESSAGE.format(body="I read several case studys on catatonia."))
    assert spelled(report) == ["studys"]
    finding = next(f for f in report.findings if f.rule == RULE)
    assert report.message.body[finding.start:finding.end] == "studys"


def test_placeholders_in_templates_are_not_words(linter):
    report = linter.check(MESSAGE.format(body="I enjoyed your paper on {topicz} and [Progrm]."),
                          template=True)
    assert spelled(report) == []


def test_project_vocabulary_from_settings(linter):
    body = "I volunteered with the Mindbridge helpline as a wellbeingcoach for two years."
    assert "wellbeingcoach" in spelled(linter.check(MESSAGE.format(body=body)))
    custom = msgcheck.Linter(msgcheck.Config(vocabulary=("wellbeingcoach",)))
    assert spelled(custom.check(MESSAGE.format(body=body))) == []


def test_quoted_text_is_not_spellchecked(linter):
    text = MESSAGE.format(body="Could I ask a few questions about residency?") + (
        "\nOn Tue, Mar 4, 2025 at 9:12 AM Dr. Alvarez <ma@example.edu> wrote:\n"
        "> I recieved your note.\n")
    assert spelled(linter.check(text)) == []


@pytest.mark.parametrize("word", ["stabiliser", "organisers", "analyser", "underserved"])
def test_british_agent_nouns_and_equity_words_are_known(linter, word):
    report = linter.check(MESSAGE.format(body=f"I worked with the {word} team at a district clinic."))
    assert spelled(report) == [], describe(report)


@pytest.mark.parametrize("body", [
    # clinical shorthand of ordinary applicant prose
    "As a surgery prelim I saw how med school and peds rotations differ from a neuro block.",
    # a known word behind a productive prefix
    "Your talk reframed how I teach neuroanatomy, and I rewatched it while building a dataset.",
    "I studied interoceptive exposure as a psychoeducator in a multispecialty clinic.",
])
def test_shorthand_and_prefixed_words_are_known(linter, body):
    assert spelled(linter.check(MESSAGE.format(body=body))) == []


@pytest.mark.parametrize(("word", "stem"), [
    ("reframed", "framed"), ("neuroanatomy", "anatomy"), ("post-discharge", "discharge"),
])
def test_prefixed_stems(word, stem):
    assert stem in prefixed_stems(word)


def test_a_prefix_does_not_hide_a_typo_or_a_short_stem(linter):
    # "resubmited": the stem is misspelled; "reall": the stem is too short to trust.
    assert prefixed_stems("reall") == []
    report = linter.check(MESSAGE.format(body="I resubmited the reall draft to the committee."))
    assert spelled(report) == ["resubmited", "reall"]


def test_a_name_signing_off_on_the_last_line_is_not_a_word(linter):
    text = "To: Dr. Minh Tran\n\nDr. Tran, your lithium clinic talk stayed with me. Coffee soon? {last}\n"
    report = linter.check(text.format(last="Tariq"), kind="connection-note")
    assert spelled(report) == [], describe(report)
    # Only the closing word: the same word inside the prose, or a typo before it, is still checked.
    report = linter.check(text.format(last="Thnks. Tariq"), kind="connection-note")
    assert spelled(report) == ["Thnks"], describe(report)
