"""The language analysis runs only what the rules need (msgcheck.nlp, issue #9).

Tags over the whole text; a parse and entities per sentence, on demand; spaCy's attribute_ruler
replaced by a lookup that must give the same result.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import msgcheck
from msgcheck.evaluation import load_corpus
from msgcheck.nlp import Pipeline, use_blis

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


@pytest.fixture(scope="module")
def pipeline(linter) -> Pipeline:
    if linter.pipeline.degraded:
        pytest.skip("needs the trained English pipeline")
    return linter.pipeline


@pytest.fixture(scope="module")
def bodies(linter) -> list[str]:
    cases = load_corpus(CORPUS)
    return [msgcheck.engine.read_input(c.text, 10**7)[0].body for c in cases]


def _annotations(doc) -> list[tuple]:
    return [(t.tag_, t.pos_, str(t.morph), t.lemma_) for t in doc]


@pytest.mark.parametrize("with_parse", [False, True], ids=["tagged", "parsed"])
def test_token_attributes_equal_spacys_attribute_ruler(pipeline, bodies, with_parse):
    nlp = pipeline.nlp
    ruler, fast = nlp.get_pipe("attribute_ruler"), nlp.get_pipe("msgcheck_attributes")
    before = ["tok2vec", "tagger", "msgcheck_line_breaks", "senter"] + (["parser"] * with_parse)
    compared = 0
    for body in bodies:
        doc = nlp.make_doc(body)
        for name in before:
            doc = nlp.get_pipe(name)(doc)
        ours, theirs = fast(doc.copy()), ruler(doc.copy())
        assert _annotations(ours) == _annotations(theirs), body[:60]
        compared += len(doc)
    assert compared > 10_000


def test_remembered_lemmas_equal_spacys_lemmatizer(pipeline, bodies):
    nlp = pipeline.nlp
    spacys, ours = nlp.get_pipe("lemmatizer"), nlp.get_pipe("msgcheck_lemmas")
    compared = 0
    for body in bodies:
        doc = nlp(body, disable=["msgcheck_lemmas", "parser", "ner"])
        assert doc.has_annotation("POS")  # the attribute ruler has set a few lemmas already
        theirs = [t.lemma_ for t in spacys(doc.copy())]
        assert [t.lemma_ for t in ours(doc.copy())] == theirs, body[:60]
        compared += len(doc)
    assert compared > 10_000


def test_a_sentence_parsed_alone_equals_the_whole_text_parse(pipeline, bodies):
    """The tensor is copied and the boundaries are fixed, so the parse is the same."""
    parser = pipeline.nlp.get_pipe("parser")
    same = total = 0
    for body in bodies:
        doc = pipeline.analyse(body, frozenset({"tags"}))
        assert not doc.has_annotation("DEP") and not doc.has_annotation("ENT_IOB")
        whole = parser(doc.copy())
        for sent in doc.sents:
            alone = pipeline.sentence_doc(sent)
            expected = [(t.dep_, t.head.i - sent.start) for t in whole[sent.start:sent.end]]
            total += 1
            same += [(t.dep_, t.head.i) for t in alone] == expected
    assert total > 1000
    assert same / total >= 0.99, f"{same}/{total}"


def test_the_whole_text_pass_skips_what_no_rule_needs(pipeline):
    assert set(pipeline.skipped(frozenset({"tags"}))) == {"parser", "ner"}
    skipped = set(pipeline.skipped(frozenset()))
    assert {"tok2vec", "tagger", "msgcheck_attributes", "msgcheck_lemmas", "parser",
            "ner"} <= skipped
    assert pipeline.skipped(frozenset({"tags", "parse", "entities"})) == []
    doc = pipeline.analyse("Dear Dr. Lee,\n\nI read your paper. Thank you.", frozenset())
    assert [s.text.strip() for s in doc.sents] == ["Dear Dr. Lee,", "I read your paper.",
                                                   "Thank you."]
    assert not doc.has_annotation("TAG")


def test_regex_only_rules_need_no_tags():
    linter = msgcheck.Linter(msgcheck.Config(select=("subject", "length")))
    assert linter.layers == frozenset()
    assert msgcheck.Linter().layers == frozenset({"tags"})


MESSAGE = """Subject: Question about the CL psychiatry elective

Dear Dr. Rao,

I am a fourth-year medical graduate from Lahore. I read your 2023 paper on delirium in the ICU.
Would you be willing to share how students usually join the consultation-liaison service?

Thank you for your time.

Best regards,
Amna Tariq
Research assistant, Lahore General Hospital
Tel: +92 300 1234567
"""


def test_only_the_sentences_a_check_asks_about_are_parsed(linter, pipeline, monkeypatch):
    parsed, named = [], []
    sentence_doc, add_entities = Pipeline.sentence_doc, Pipeline.add_entities

    def spy_parse(self, sent):
        parsed.append(sent.text.strip())
        return sentence_doc(self, sent)

    def spy_entities(self, doc):
        named.append(doc.text.strip())
        return add_entities(self, doc)

    monkeypatch.setattr(Pipeline, "sentence_doc", spy_parse)
    monkeypatch.setattr(Pipeline, "add_entities", spy_entities)
    report = linter.check(MESSAGE)
    assert [f.rule for f in report.findings if f.severity != "info"] == []
    # The greeting, the signature and the writer's own statements are never parsed.
    assert not any(text.startswith(("Dear", "Amna", "Research", "Tel", "I am")) for text in parsed)
    assert named == []  # no unknown word and no referral: no entity recognition at all
    # A bare command is: tone.demanding reads its root and subject from the parse.
    command = "Tell me how students usually join the consultation-liaison service."
    ask = "Would you be willing to share how students usually join the consultation-liaison service?"
    linter.check(MESSAGE.replace(ask, command))
    assert command in parsed


def test_numpy_matmul_gives_the_same_analysis_as_thincs_blis(pipeline, bodies):
    """msgcheck multiplies with numpy's BLAS because it is faster; BLIS is thinc's default."""
    def analysis() -> list[list[tuple]]:
        with pipeline.lock:
            docs = pipeline.nlp.pipe(bodies[::3])
            return [[(t.tag_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_, t.is_sent_start)
                     for t in doc] for doc in docs]

    ours = analysis()
    use_blis(pipeline.nlp, True)
    try:
        blis = analysis()
    finally:
        use_blis(pipeline.nlp, False)
    assert len(ours) > 90
    assert ours == blis


def test_the_caching_tokenizer_splits_as_a_fresh_spacy_tokenizer(pipeline, bodies):
    """Its line pass only fills spaCy's cache; a warm cache must not change a single token."""
    import spacy

    from msgcheck.nlp_components import CachingTokenizer

    ours = pipeline.nlp.tokenizer
    assert isinstance(ours, CachingTokenizer)
    fresh = spacy.load(pipeline.name).tokenizer
    for body in bodies + bodies:  # the second round runs on a cache the first one filled
        assert [(t.text, t.whitespace_) for t in ours(body)] == [
            (t.text, t.whitespace_) for t in fresh(body)], body[:60]
