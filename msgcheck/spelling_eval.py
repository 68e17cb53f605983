"""Planted-typo recall of ``spelling.unknown-word`` (used by tests and benchmarks/spelling.py).

Each misspelling is planted mid-sentence in the prose of a good corpus message; a hit is a
``spelling.unknown-word`` finding on exactly the planted span, and a correction when its
suggestion is the intended word.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

CARRIER = " I noted the word {typo} in my draft."


@dataclass
class TypoResult:
    planted: int
    detected: int
    corrected: int
    missed: list[str]

    @property
    def recall(self) -> float:
        return self.detected / self.planted if self.planted else 0.0


def load_pairs(path: Path) -> list[tuple[str, str]]:
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            typo, correct = line.split("\t")[:2]
            pairs.append((typo.strip(), correct.strip()))
    return pairs


def planted_recall(linter, good_texts: list[str], pairs: list[tuple[str, str]]) -> TypoResult:
    result = TypoResult(planted=0, detected=0, corrected=0, missed=[])
    for index, (typo, correct) in enumerate(pairs):
        text = good_texts[index % len(good_texts)]
        message = linter.check(text).message
        prose_end = message.sections.prose.end
        body = message.body[:prose_end] + CARRIER.format(typo=typo) + message.body[prose_end:]
        start = prose_end + CARRIER.index("{typo}")
        report = linter.check(_with_body(text, message.body, body))
        result.planted += 1
        hits = [f for f in report.findings
                if f.rule == "spelling.unknown-word" and f.start == start
                and f.end == start + len(typo)]
        if not hits:
            result.missed.append(typo)
            continue
        result.detected += 1
        edits = hits[0].suggestion.edits if hits[0].suggestion else ()
        result.corrected += bool(edits and edits[0].replacement.lower() == correct)
    return result


def _with_body(text: str, old_body: str, new_body: str) -> str:
    """The original file text with its body replaced (headers and front matter kept)."""
    head = text.replace("\r\n", "\n")
    return head[: len(head) - len(old_body)] + new_body
