"""Suppression comments in a message or template: ``<!-- msgcheck: disable=tone.urgency -->``.

- ``disable=ids`` … ``enable=ids``: a region (to the end of the message when not re-enabled);
- ``disable-line=ids``: the comment's own line; ``disable-next-line=ids``: the next non-blank line;
- ``disable-file=ids``: the whole message (as does front matter ``msgcheck: {ignore: [ids]}``).
No ids (or ``all``) means every rule. The comments are blanked out of the body (same length, so
offsets hold): they are instructions to msgcheck, not prose to judge.
"""

from __future__ import annotations

import re

from msgcheck.models import Suppression

DIRECTIVE = re.compile(
    r"<!--\s*msgcheck\s*:\s*(disable-next-line|disable-line|disable-file|disable|enable)"
    r"\s*(?:=\s*)?([^>]*?)\s*-->",
    re.IGNORECASE,
)


def _ids(text: str) -> tuple[str, ...]:
    ids = tuple(i for i in re.split(r"[\s,]+", text.strip()) if i)
    return () if ids in ((), ("all",)) else ids


def extract_suppressions(body: str) -> tuple[str, tuple[Suppression, ...]]:
    found = []
    for match in DIRECTIVE.finditer(body):
        found.append(Suppression(
            directive=match.group(1).lower(), rules=_ids(match.group(2)),
            start=match.start(), end=match.end(),
        ))
    if not found:
        return body, ()
    chars = list(body)
    for sup in found:
        chars[sup.start:sup.end] = " " * (sup.end - sup.start)
    return "".join(chars), tuple(found)


def front_matter_ignores(options: object) -> tuple[Suppression, ...]:
    """``msgcheck: {ignore: [ids]}`` in front matter: a file-level suppression."""
    if not isinstance(options, dict) or not options.get("ignore"):
        return ()
    ignore = options["ignore"]
    ids = (ignore,) if isinstance(ignore, str) else tuple(str(i) for i in ignore)
    return (Suppression(directive="disable-file", rules=ids),)
