"""An example msgcheck plugin: registers the ``house`` rule pack next to this file."""

from __future__ import annotations

import re
from pathlib import Path

from msgcheck.context import Context, Hit

# Pictographic emoji and the variation selector that turns symbols into emoji.
_EMOJI = re.compile("[\U0001F300-\U0001FAFF\u2600-\u27BF\uFE0F]+")


def rules_dir() -> Path:
    return Path(__file__).parent / "rules"


def no_emoji(ctx: Context, max_allowed: int = 0):
    """The Python check named by rules/house/no-emoji.yml."""
    body = ctx.body[:ctx.new_text_end]
    matches = list(_EMOJI.finditer(body))
    if len(matches) > max_allowed:
        for match in matches:
            yield Hit("body", match.start(), match.end(), {"emoji": match.group(0)})
