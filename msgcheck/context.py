"""What every check sees: the message, its kind, one shared spaCy Doc and derived facts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from msgcheck.models import FieldName, Message
from msgcheck.parse.placeholders import Placeholder
from msgcheck.spec import Lexicon, Scope

# The opening is where stock openers live: the greeting and the first sentences after it.
OPENING_SENTENCES = 3


@dataclass(frozen=True)
class Hit:
    """A raw finding from a check; the engine turns it into a Finding."""

    field: FieldName
    start: int
    end: int
    data: dict[str, Any] = field(default_factory=dict)
    replacement: str | None = None
    # A sub-rule id ("grammar.<LanguageTool id>") or an internal id, replacing the rule's own.
    rule_id: str | None = None
    severity: str | None = None


@dataclass
class Context:
    message: Message
    kind: str
    template: bool
    doc: Any  # spacy.tokens.Doc over body[:new_text_end], placeholders masked in templates
    degraded: bool
    pipeline: Any  # msgcheck.nlp.Pipeline: parses and entities per sentence, on demand
    lexicons: dict[str, Lexicon]
    placeholders: list[Placeholder]
    subject_placeholders: list[Placeholder]
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def body(self) -> str:
        return self.message.body

    @property
    def sections(self):
        return self.message.sections

    @property
    def new_text_end(self) -> int:
        quoted = self.sections.quoted
        return quoted.start if quoted else len(self.body)

    def body_span(self, lo: int, hi: int):
        """The tokens of ``doc`` covering ``body[lo:hi]``, widened to whole tokens, or None.

        The doc's length comes from its last token: ``doc.text`` joins every token again on each
        access (~0.1 ms a message per call)."""
        doc = self.doc
        end = doc[-1].idx + len(doc[-1].text_with_ws) if len(doc) else 0
        return doc.char_span(lo, min(hi, end), alignment_mode="expand")

    def sentences(self) -> list:
        """The spaCy sentences of the new text (``doc.sents`` rescans every token each time)."""
        if "sents" not in self.cache:
            self.cache["sents"] = list(self.doc.sents)
        return self.cache["sents"]

    def prose_sentences(self) -> list:
        """spaCy sentences overlapping the prose (between greeting and sign-off)."""
        if "prose_sents" not in self.cache:
            prose = self.sections.prose
            self.cache["prose_sents"] = [] if prose.start == prose.end else [
                s for s in self.sentences()
                if s.end_char > prose.start and s.start_char < prose.end and s.text.strip()
            ]
        return self.cache["prose_sents"]

    def parsed(self, sent):
        """``sent`` as its own Doc with a dependency parse (computed once, on first request).

        Its token ``i`` is ``self.doc[sent.start + i]``; its offsets count from
        ``sent.start_char``. Without a trained pipeline it has no parse."""
        docs = self.cache.setdefault("parsed", {})
        if sent.start not in docs:
            docs[sent.start] = self.pipeline.sentence_doc(sent)
        return docs[sent.start]

    def named(self, sent):
        """:meth:`parsed` with named entities (none without a trained pipeline)."""
        return self.pipeline.add_entities(self.parsed(sent))

    def entity_type(self, token) -> str:
        """The entity label of a token of ``self.doc`` ("" outside entities)."""
        sent = self.sentence_at(token.idx) or token.sent
        return self.named(sent)[token.i - sent.start].ent_type_

    def sentence_at(self, char: int):
        for sent in self.sentences():
            if sent.start_char <= char < sent.end_char:
                return sent
        return None

    def scope_spans(self, scope: Scope) -> list[tuple[FieldName, int, int]]:
        sections = self.sections
        if scope == "subject":
            return [("subject", 0, len(self.message.subject or ""))]
        if scope == "from":
            return [("from", 0, len(self.message.field_text("from")))]
        if scope == "body":
            return [("body", 0, self.new_text_end)]
        if scope == "prose":
            return [("body", sections.prose.start, sections.prose.end)]
        if scope == "greeting":
            g = sections.greeting
            return [("body", g.start, g.end)] if g else []
        if scope == "opening":
            sents = self.prose_sentences()[:OPENING_SENTENCES]
            start = sections.greeting.start if sections.greeting else sections.prose.start
            end = sents[-1].end_char if sents else sections.prose.end
            return [("body", start, max(start, end))]
        if scope == "closing":
            start = sections.closing.start if sections.closing else sections.prose.end
            return [("body", start, self.new_text_end)]
        if scope == "asks":
            from msgcheck.checks.requests import find_asks

            return [("body", a.start, a.end) for a in find_asks(self)]
        raise ValueError(scope)

    def in_placeholder(self, field: FieldName, start: int, end: int) -> bool:
        """Whether a span lies inside a template slot (the slot is reported once, by itself)."""
        slots = {"subject": self.subject_placeholders, "body": self.placeholders}.get(field, [])
        return any(p.start <= start and end <= p.end for p in slots)
