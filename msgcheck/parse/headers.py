"""Front matter and RFC 822 header blocks at the top of a plain-text message or template."""

from __future__ import annotations

import re
from datetime import date, datetime
from email.header import decode_header, make_header
from email.utils import getaddresses, parsedate_to_datetime

import yaml

from msgcheck.models import Address

KNOWN_HEADERS = {"subject", "to", "from", "date", "cc", "bcc", "reply-to", "kind"}
_HEADER_LINE = re.compile(r"^([A-Za-z][A-Za-z0-9-]*):[ \t]?(.*)$")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*(?:\n|\Z)", re.DOTALL)
# Sanity bound: real header blocks are short; a "header" block of thousands of lines is body text.
MAX_HEADER_LINES = 200


class FrontMatterError(ValueError):
    """Front matter that is not a YAML mapping."""


def split_front_matter(text: str) -> tuple[dict, str]:
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    try:
        data = yaml.safe_load(match.group(1) or "") or {}
    except yaml.YAMLError as exc:
        raise FrontMatterError(f"front matter is not valid YAML: {exc}") from None
    except RecursionError:
        raise FrontMatterError("front matter is nested too deeply") from None
    if not isinstance(data, dict):
        raise FrontMatterError("front matter must be a YAML mapping (key: value lines)")
    return data, text[match.end():]


def split_headers(text: str) -> tuple[dict[str, str], str]:
    """Split a leading header block (at least one known header) from the body.

    The block ends at a blank line, or at the first line that is not a header (people often
    forget the blank line after ``Subject:``).
    """
    lines = text.split("\n")
    headers: dict[str, str] = {}
    last = None
    consumed = 0
    for line in lines[:MAX_HEADER_LINES]:
        if line.strip() == "":
            consumed += 1
            break
        if last and line[:1] in (" ", "\t"):
            headers[last] += " " + line.strip()
            consumed += 1
            continue
        match = _HEADER_LINE.match(line)
        if not match:
            break
        last = match.group(1).lower()
        headers[last] = match.group(2).strip()
        consumed += 1
    if not headers or not (set(headers) & KNOWN_HEADERS):
        return {}, text
    return headers, "\n".join(lines[consumed:])


def decode_value(value: str) -> str:
    """Decode RFC 2047 encoded words; undecodable input is kept as it is."""
    if "=?" not in value:
        return value
    try:
        return str(make_header(decode_header(value)))
    except (ValueError, LookupError, UnicodeError):
        return value


def parse_address(value: str | None) -> Address | None:
    if not value:
        return None
    value = decode_value(str(value)).strip()
    if "@" not in value and "<" not in value:
        # A bare display name ("To: Dr. Lena Brandt"), common in drafts and templates.
        return Address(name=value.split(",")[0].strip() or None)
    pairs = getaddresses([value])
    if not pairs:
        return None
    name, address = pairs[0]
    if not name and not address:
        return None
    return Address(name=name.strip() or None, address=address.strip() or None)


def parse_date(value) -> datetime | None:
    """A datetime from a header string, an ISO string, or a YAML date/datetime."""
    if not value:
        return None
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    try:
        return parsedate_to_datetime(str(value))
    except (TypeError, ValueError, IndexError):
        try:
            return datetime.fromisoformat(str(value))
        except ValueError:
            return None
