"""Dates of the earlier messages of a thread, from quoted attribution lines.

"On Tue, Mar 4, 2025 at 9:12 AM Priya Raman <priya@…> wrote:" says who wrote the quoted message
and when; the follow-up cadence rules count the sender's own earlier messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

# The date and the author share one line; each is found within it ("who" keeps the whole line).
_ATTRIBUTION = re.compile(r"^On\s+(?P<when>(?P<who>.{6,300}?))\s+wrote:\s*$", re.MULTILINE)
_OUTLOOK = re.compile(r"^From:\s*(?P<who>.+)\n(?:.*\n){0,3}?(?:Sent|Date):\s*(?P<when>.+)$",
                      re.MULTILINE)
_MONTHS = {m: i for i, m in enumerate(
    "jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)}
_DATE_PATTERNS = (
    # Tue, Mar 4, 2025 / March 4, 2025
    re.compile(r"(?P<mon>[A-Za-z]{3,9})\.?\s+(?P<day>\d{1,2}),?\s+(?P<year>\d{4})"),
    # 4 Mar 2025 / 4 March 2025
    re.compile(r"(?P<day>\d{1,2})\s+(?P<mon>[A-Za-z]{3,9})\.?,?\s+(?P<year>\d{4})"),
    # 2025-03-04
    re.compile(r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"),
)


@dataclass(frozen=True)
class Earlier:
    when: datetime
    who: str


def parse_loose_date(text: str) -> datetime | None:
    for pattern in _DATE_PATTERNS:
        match = pattern.search(text)
        if not match:
            continue
        parts = match.groupdict()
        month = int(parts["month"]) if parts.get("month") else _MONTHS.get(parts["mon"][:3].lower())
        if not month:
            continue
        try:
            return datetime(int(parts["year"]), month, int(parts["day"]))
        except ValueError:
            continue
    return None


def earlier_messages(quoted: str) -> list[Earlier]:
    found = []
    for pattern in (_ATTRIBUTION, _OUTLOOK):
        for match in pattern.finditer(quoted):
            when = parse_loose_date(match.group("when"))
            if when is not None:
                found.append(Earlier(when=when, who=match.group("who").strip()))
    return found
