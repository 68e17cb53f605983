"""Models of the rule files in ``rules/``: validated data, unknown keys rejected.

A rule picks one of a small, closed set of check kinds (``check.kind``), a discriminated union,
so a typo in a rule file gives a short, precise error naming the allowed choices.
"""

from __future__ import annotations

import re
import string
from typing import Annotated, Any, Literal, Union

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from msgcheck.models import KIND_NAMES, Kind, Severity

Scope = Literal["subject", "body", "prose", "greeting", "opening", "closing", "asks", "from"]
Metric = Literal[
    "prose_words", "message_chars", "subject_chars", "subject_words", "reading_grade"
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PerKind(_Strict):
    """A number per message kind; ``default`` applies to kinds not named; null disables."""

    model_config = ConfigDict(extra="allow", frozen=True)
    default: float | None = None

    @model_validator(mode="after")
    def _known_kinds(self) -> PerKind:
        for key, value in (self.model_extra or {}).items():
            if key not in KIND_NAMES:
                raise ValueError(f"unknown kind {key!r}; expected one of {', '.join(KIND_NAMES)}")
            if value is not None and not isinstance(value, (int, float)):
                raise ValueError(f"{key}: expected a number or null")
        return self

    def get(self, kind: str) -> float | None:
        extra = self.model_extra or {}
        return extra[kind] if kind in extra else self.default


def _valid_regexes(values: list[str]) -> list[str]:
    for value in values:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"regex {value!r} does not compile: {exc}") from None
    return values


# A spaCy Matcher token pattern: a list of token specs. Validated by spaCy when compiled.
TokenPattern = list[dict[str, Any]]


class ExistenceCheck(_Strict):
    """Flags each occurrence of a phrase, regex or token pattern in a scope."""

    kind: Literal["existence"]
    scope: Scope | list[Scope] = "body"
    phrases: list[str] = []
    regex: list[str] = []
    patterns: list[TokenPattern] = []
    # Phrase -> replacement, offered as an edit (applied by --fix when the rule's fix is safe).
    replacements: dict[str, str] = {}
    # One replacement for every match (e.g. "" to delete what the regex found).
    replace_with: str | None = None

    @field_validator("regex")
    @classmethod
    def _compiles(cls, values: list[str]) -> list[str]:
        return _valid_regexes(values)

    @model_validator(mode="after")
    def _not_empty(self) -> ExistenceCheck:
        if not (self.phrases or self.regex or self.patterns):
            raise ValueError("an existence check needs phrases, regex or patterns")
        return self


class MetricCheck(_Strict):
    """Compares a measurement with per-kind minimum and maximum."""

    kind: Literal["metric"]
    metric: Metric
    # A different measurement for some kinds (a LinkedIn note is limited in characters).
    metric_for: dict[Kind, Metric] = {}
    min: PerKind = PerKind()
    max: PerKind = PerKind()


class PresenceCheck(_Strict):
    """Fires when a section, or every one of the phrases, is absent."""

    kind: Literal["presence"]
    section: Literal["subject", "greeting", "signature"] | None = None
    scope: Scope = "body"
    phrases: list[str] = []
    regex: list[str] = []

    @model_validator(mode="after")
    def _one_target(self) -> PresenceCheck:
        if (self.section is None) == (not (self.phrases or self.regex)):
            raise ValueError("a presence check needs either `section` or `phrases`/`regex`")
        return self


class AskCheck(_Strict):
    """Judges the request sentences found with the shared `requests` lexicon."""

    kind: Literal["ask"]
    problem: Literal["missing", "vague", "multiple", "transactional"]
    # vague: nouns whose prepositional object gives the ask a topic ("advice on X").
    topic_heads: list[str] = []
    # multiple / transactional: favour name -> phrases that ask for it.
    favours: dict[str, list[str]] = {}
    # favour name -> regexes for what a phrase list cannot say ("my CV … review it").
    favour_regex: dict[str, list[str]] = {}
    max_asks: int = 2

    @field_validator("favour_regex")
    @classmethod
    def _compiles(cls, values: dict[str, list[str]]) -> dict[str, list[str]]:
        for patterns in values.values():
            _valid_regexes(patterns)
        return values


class ReferenceCheck(_Strict):
    """Looks for a specific, personal reference to the recipient or the earlier contact."""

    kind: Literal["reference"]
    problem: Literal["missing", "generic-opener"]
    # missing: kinds for which naming the earlier contact ("when we spoke") is not enough
    # (a thank-you needs the specific point learned). The reference vocabulary is shared by
    # both problems: lexicons work-nouns, specific-references, contact-references.
    contact_not_enough: list[Kind] = []
    # generic-opener: stock openers, as phrases and as spaCy Matcher token patterns (lemmas and
    # tags cover the paraphrases: "stumbled upon your faculty profile").
    phrases: list[str] = []
    patterns: list[TokenPattern] = []


class ImperativeCheck(_Strict):
    """Commands and obligations aimed at the reader."""

    kind: Literal["imperative"]
    phrases: list[str] = []
    # Imperative verbs that are conventional courtesy ("please let me know", "feel free"), or a verb
    # and the word after it when only that use is courteous ("look forward").
    courteous_verbs: list[str] = []


class CapitalsCheck(_Strict):
    """ALL-CAPS words (acronyms excepted) and runs of exclamation marks."""

    kind: Literal["capitals"]
    scope: Scope = "body"
    min_letters: int = 3
    max_exclamations: int = 1
    whole_field: bool = False


class GreetingCheck(_Strict):
    """Judges the greeting line's form."""

    kind: Literal["greeting"]
    problem: Literal["informal", "generic", "missing-title"]
    phrases: list[str] = []
    # informal: kinds in which a first name alone (no title) is too familiar.
    first_name_only_kinds: list[Kind] = []


class NameMatchCheck(_Strict):
    """Greeting name vs the `To:` display name."""

    kind: Literal["name-match"]


class SpellingCheck(_Strict):
    """Words no dictionary knows: pyspellchecker's list + the `vocabulary` lexicon + settings."""

    kind: Literal["spelling"]
    min_length: int = Field(default=3, ge=1)
    # Entity types whose words are names, not vocabulary.
    skip_entities: list[str] = ["PERSON", "ORG", "GPE", "NORP", "FAC", "LOC", "PRODUCT",
                                "EVENT", "WORK_OF_ART", "LANGUAGE", "LAW"]


class LanguageToolCheck(_Strict):
    """Grammar from a LanguageTool server the user runs (settings: `languagetool`)."""

    kind: Literal["languagetool"]


class CadenceCheck(_Strict):
    """How often the sender writes: earlier contacts vs this message's date (or now)."""

    kind: Literal["cadence"]
    problem: Literal["too-soon", "too-frequent"]
    min_days: float = Field(default=7, gt=0)
    max_per_year: int = Field(default=3, ge=1)


class TemplateSlotsCheck(_Strict):
    """Template-level checks (--template): the slots personalisation needs."""

    kind: Literal["template-slots"]
    problem: Literal["no-slots", "missing-name-slot"]


class PolitenessCheck(_Strict):
    """Request sentences scored by the politeness model (lexicon `politeness`)."""

    kind: Literal["politeness"]
    threshold: float = Field(default=0.35, gt=0, lt=1)


class BatchCheck(_Strict):
    """Across all messages of one run (msgcheck.batch): near-duplicate bodies, i.e. mass email.

    Per message it finds nothing; the batch pass after a run reports the clusters.
    """

    kind: Literal["batch"]
    similarity: float = Field(default=0.8, gt=0, le=1)
    shingle_words: int = Field(default=5, ge=1, le=20)


class PythonCheck(_Strict):
    """A check written in Python, for what the data-driven kinds cannot express (plugins).

    ``function`` is ``"package.module:callable"``; it is called as ``callable(ctx, **options)``
    with the shared Context and yields ``msgcheck.context.Hit`` objects.
    """

    kind: Literal["python"]
    function: str = Field(pattern=r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$")
    options: dict[str, Any] = {}
    provides: list[str] = []
    # The analysis layers the function reads from ``ctx.doc``; the engine skips the others
    # (a parse and entities over the whole text cost ~60% of the language analysis).
    needs: list[Literal["tags", "parse", "entities"]] = ["tags", "parse", "entities"]


class EngineCheck(_Strict):
    """Findings the engine itself produces (e.g. unused suppression comments)."""

    kind: Literal["engine"]


class PlaceholderCheck(_Strict):
    """Unfilled template placeholders (the patterns live in msgcheck.parse.placeholders)."""

    kind: Literal["placeholder"]
    scopes: list[Literal["subject", "body"]] = ["subject", "body"]


Check = Annotated[
    Union[
        ExistenceCheck,
        MetricCheck,
        PresenceCheck,
        AskCheck,
        ReferenceCheck,
        ImperativeCheck,
        CapitalsCheck,
        GreetingCheck,
        NameMatchCheck,
        PlaceholderCheck,
        BatchCheck,
        CadenceCheck,
        PolitenessCheck,
        TemplateSlotsCheck,
        SpellingCheck,
        LanguageToolCheck,
        PythonCheck,
        EngineCheck,
    ],
    Field(discriminator="kind"),
]


class Docs(_Strict):
    what: str
    why: str
    example: str
    use_instead: str
    references: list[str] = []


class Example(_Strict):
    text: str
    kind: Kind | None = None
    template: bool = False


def _as_example(value: Any) -> Any:
    return {"text": value} if isinstance(value, str) else value


# An example is a message text, or {text, kind, template}; the schema says both are allowed.
ExampleItem = Annotated[
    Example, BeforeValidator(_as_example, json_schema_input_type=Union[str, Example])
]


class Examples(_Strict):
    valid: list[ExampleItem] = Field(min_length=1)
    invalid: list[ExampleItem] = Field(min_length=1)


class RuleSpec(_Strict):
    """One rule file. Its id is ``<criterion>.<name>``, taken from its path."""

    id: str
    criterion: str
    summary: str
    severity: Severity
    message: str
    fix: str | None = None
    # Whether the fix's edits may be applied without review (`msgcheck check --fix`).
    safe_fix: bool = False
    kinds: list[Kind] | None = None
    skip_kinds: list[Kind] = []
    # In --template mode: "skip" the rule (its problem is expected in a template); "only": the
    # rule is about templates and runs only in that mode.
    in_templates: Literal["apply", "skip", "only"] = "apply"
    penalty: float | None = None
    check: Check
    docs: Docs
    examples: Examples

    @field_validator("message", "fix")
    @classmethod
    def _named_placeholders(cls, value: str | None) -> str | None:
        if value is None:
            return value
        for _, name, _, _ in string.Formatter().parse(value):
            if name is not None and not name.isidentifier():
                raise ValueError(
                    f"placeholders must be named ({{name}}), got {{{name}}} in {value!r}"
                )
        return value

    def applies_to(self, kind: str, template: bool) -> bool:
        if template and self.in_templates == "skip":
            return False
        if not template and self.in_templates == "only":
            return False
        if self.kinds is not None and kind not in self.kinds:
            return False
        return kind not in self.skip_kinds

    def placeholders(self) -> set[str]:
        names = set()
        for text in (self.message, self.fix or ""):
            names |= {n for _, n, _, _ in string.Formatter().parse(text) if n}
        return names


class Lexicon(_Strict):
    """A shared, named word list or pattern set (``rules/lexicons/<name>.yml``)."""

    name: str
    description: str
    phrases: list[str] = []
    regex: list[str] = []
    patterns: list[TokenPattern] = []
    # A weighted lexicon: a logistic model over the groups its patterns name (politeness.yml).
    weights: dict[str, float] = {}
    bias: float | None = None
