"""A pipeline component that starts sentences at line breaks that end a line of their own.

Emails put the greeting, each paragraph and each signature line on its own line; the parser,
which was trained on running text, would otherwise glue "Dear Dr. Patel," to the next sentence.
Hard-wrapped paragraphs (lines of ~70 characters that end mid-sentence) are left joined.
"""

from __future__ import annotations

from spacy.language import Language

from msgcheck.nlp import Pipeline

NAME = "msgcheck_line_breaks"
# A line shorter than this is a line of its own (greeting, sign-off, name), not a wrapped one.
SHORT_LINE = 45
_ENDERS = {".", "!", "?", ",", ":", ";"}


@Language.component(NAME)
def line_breaks(doc):
    text = doc.text
    for i in range(1, len(doc) - 1):
        token = doc[i]
        if not (token.is_space and "\n" in token.text):
            continue
        prev, nxt = doc[i - 1], doc[i + 1]
        line_start = text.rfind("\n", 0, prev.idx) + 1
        if (
            "\n\n" in token.text.replace(" ", "")
            or prev.text in _ENDERS
            or prev.idx + len(prev.text) - line_start < SHORT_LINE
        ):
            nxt.is_sent_start = True
    return doc


def add_line_breaks(pipeline: Pipeline) -> None:
    nlp = pipeline.nlp
    if NAME in nlp.pipe_names:
        return
    if "parser" in nlp.pipe_names:
        nlp.add_pipe(NAME, before="parser")
    else:
        nlp.add_pipe(NAME, last=True)
