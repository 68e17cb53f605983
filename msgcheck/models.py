"""Public result and input models.

Spans are character offsets into the field they belong to (``subject``, ``body``, ``to``,
``from``), after line endings are normalised to ``\\n``; line:column is computed only for display.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

# KIND_NAMES and SEVERITY_RANK are re-exported: other modules and users import them from here.
from msgcheck.constants import (  # noqa: F401
    DEFAULT_KIND,
    KIND_NAMES,
    SEVERITY_RANK,
    Kind,
    Severity,
)

FieldName = Literal["subject", "body", "to", "from"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Address(_Frozen):
    name: str | None = None
    address: str | None = None


class Span(_Frozen):
    start: int
    end: int


class Sections(_Frozen):
    """Where the parts of the body are (char offsets into ``body``)."""

    greeting: Span | None = None
    intro: Span | None = None
    asks: tuple[Span, ...] = ()
    closing: Span | None = None
    signature: Span | None = None
    quoted: Span | None = None
    prose: Span = Span(start=0, end=0)


class Suppression(_Frozen):
    """An inline ``<!-- msgcheck: disable… -->`` comment or a front-matter ``msgcheck.ignore``."""

    directive: Literal["disable", "enable", "disable-line", "disable-next-line", "disable-file"]
    rules: tuple[str, ...] = ()  # empty: every rule
    start: int = 0  # the comment's span in the body
    end: int = 0


class Message(_Frozen):
    """One outreach message. Build it with :meth:`parse` or :meth:`from_text`."""

    subject: str | None = None
    body: str = ""
    to: Address | None = None
    from_: Address | None = Field(default=None, alias="from")
    date: datetime | None = None
    kind: Kind | None = None
    template: bool = False
    sections: Sections = Sections()
    # 1-based line of the source file where a field starts, when the source is plain text.
    source_lines: dict[FieldName, int] = Field(default_factory=dict)
    # Character offset in the (newline-normalised) source text where a field starts: --fix uses it.
    source_offsets: dict[FieldName, int] = Field(default_factory=dict)
    suppressions: tuple[Suppression, ...] = ()
    # MIME attachments (counted, never read).
    attachments: int = 0
    # When the sender last wrote to this recipient (the API's or front matter's record of earlier
    # contacts); quoted earlier messages by the sender are counted too.
    previous_contacts: tuple[datetime, ...] = ()

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    @classmethod
    def from_text(cls, text: str) -> Message:
        """Parse plain text, optionally starting with front matter and RFC 822 headers."""
        from msgcheck.parse import parse_text

        return parse_text(text)

    @classmethod
    def from_email(cls, source: bytes | object) -> Message:
        """Parse a MIME message: raw bytes or an ``email.message.EmailMessage``."""
        from msgcheck.parse import parse_bytes, parse_email

        if isinstance(source, (bytes, bytearray)):
            return parse_bytes(bytes(source))
        return parse_email(source)

    def field_text(self, field: FieldName) -> str:
        if field == "subject":
            return self.subject or ""
        if field == "body":
            return self.body
        party = self.to if field == "to" else self.from_
        if party is None:
            return ""
        return party.address or party.name or ""


class Edit(_Frozen):
    """Replace ``field[start:end]`` with ``replacement``."""

    start: int
    end: int
    replacement: str


class Suggestion(_Frozen):
    text: str | None = None
    edits: tuple[Edit, ...] = ()
    safe: bool = False


class Finding(_Frozen):
    rule: str
    criterion: str
    severity: Severity
    message: str
    field: FieldName = "body"
    start: int = 0
    end: int = 0
    suggestion: Suggestion | None = None


class CriterionScore(_Frozen):
    score: float
    findings: int = 0


class Stats(_Frozen):
    words: int = 0
    characters: int = 0
    sentences: int = 0
    subject_characters: int = 0
    reading_grade: float | None = None


class Report(_Frozen):
    path: str | None = None
    kind: Kind
    score: float = Field(ge=0, le=100)
    criteria: dict[str, CriterionScore]
    findings: tuple[Finding, ...]
    # Findings silenced by suppression comments or front matter: counted, not dropped.
    suppressed: tuple[Finding, ...] = ()
    sections: Sections = Sections()
    stats: Stats = Stats()
    source_lines: dict[FieldName, int] = Field(default_factory=dict)
    notes: tuple[str, ...] = ()
    # The checked message, for callers that show excerpts; not serialised (drafts are private).
    message: Message | None = Field(default=None, exclude=True, repr=False)

    def worst_severity(self) -> Severity | None:
        if not self.findings:
            return None
        return max((f.severity for f in self.findings), key=SEVERITY_RANK.__getitem__)

    def rule_ids(self) -> set[str]:
        return {f.rule for f in self.findings}
