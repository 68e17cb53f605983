"""Unfilled template slots: ``{{first_name}}``, ``{first_name}``, ``[Name]``, ``<Name>``, ``Dr. X``."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Tags that look like <Name> slots but are HTML left in a plain-text template.
_HTML_TAGS = {
    "a", "b", "i", "u", "p", "br", "hr", "em", "strong", "div", "span", "ul", "ol", "li",
    "html", "body", "head", "table", "tr", "td", "th", "img", "small", "sup", "sub", "code",
    "pre", "blockquote", "font", "center", "title", "style", "script", "meta", "link",
}

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("mustache", re.compile(r"\{\{\s*[^{}\n]{1,60}?\s*\}\}")),
    ("brace", re.compile(r"(?<!\{)\{[A-Za-z_][\w .-]{0,40}\}(?!\})")),
    # [Name], [Your Name], [e.g., addiction psychiatry]; not markdown links "[x](url)" or "[1]".
    ("bracket", re.compile(r"\[(?!\d+\])[^\[\]\n]{1,60}\](?![(:])")),
    ("angle", re.compile(r"<([A-Za-z][A-Za-z _/]{0,40})>")),
    (
        "title-letter",
        re.compile(
            r"\b(?:Dr|Prof|Professor|Mr|Ms|Mrs|Mx)\.?\s+"
            r"(?:X|Y|Z|XX|XYZ|Last ?[Nn]ame|Surname|Name|Lastname|LASTNAME|NAME)\b"
        ),
    ),
    ("filler", re.compile(r"\b(?:XYZ|XXX+|Lorem ipsum)\b|_{3,}")),
)


@dataclass(frozen=True)
class Placeholder:
    start: int
    end: int
    text: str
    style: str


def find_placeholders(text: str) -> list[Placeholder]:
    found: list[Placeholder] = []
    taken = bytearray(len(text))  # 1 where a slot was already found: overlaps lose
    for style, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if style == "angle" and (
                match.group(1).lower() in _HTML_TAGS or "@" in match.group(0)
            ):
                continue
            if style == "bracket" and not re.search(r"[A-Za-z]", match.group(0)):
                continue
            if any(taken[start:end]):
                continue
            taken[start:end] = b"\x01" * (end - start)
            found.append(Placeholder(start, end, match.group(0), style))
    return sorted(found, key=lambda p: p.start)


def mask_placeholders(text: str, placeholders: list[Placeholder]) -> str:
    """Replace each slot with a neutral proper-noun-like word of the same length.

    Offsets are kept, so findings still point into the original text, and the NLP sees
    "your paper on Slot" instead of brackets (a slot stands for a specific reference).
    """
    if not placeholders:
        return text
    out = []
    pos = 0
    for ph in placeholders:
        out.append(text[pos:ph.start])
        width = ph.end - ph.start
        out.append(("Slot" + " " * width)[:width] if width >= 4 else "S" * width)
        pos = ph.end
    out.append(text[pos:])
    return "".join(out)
