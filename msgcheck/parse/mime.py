"""RFC 822 / MIME messages (``.eml``) through the standard library's ``email`` package.

The body is the part a mail client shows: ``text/plain``, else ``text/html`` converted to text
with inscriptis (a maintained HTML-to-text converter that keeps paragraphs, lists and tables).
Quoted replies in HTML (``<blockquote>``, Gmail's ``gmail_quote``, Outlook's reply header) are
marked with an "Original Message" line so the section finder treats them as quoted, as it does
for ``>`` lines in plain text. Attachments are counted, never read.
"""

from __future__ import annotations

import email
import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage, Message as LegacyMessage

from msgcheck.parse.decode import decode_text
from msgcheck.parse.errors import InputError

_MIME_MARKERS = re.compile(
    rb"^(?:MIME-Version|Content-Type|Received|Return-Path|Message-ID|X-[\w-]+):", re.I | re.M
)
QUOTE_MARKER = "-----Original Message-----"
# Where HTML mail clients put the quoted thread.
_QUOTE_XPATH = (
    "//blockquote[not(ancestor::blockquote)]"
    " | //div[contains(concat(' ', normalize-space(@class), ' '), ' gmail_quote ')]"
    " | //div[@id='divRplyFwdMsg'] | //div[@id='appendonsend']"
)
# Multipart trees deeper than this are hostile, not mail.
MAX_DEPTH = 30
MAX_PARTS = 500


def looks_like_mime(data: bytes) -> bool:
    head = data[:4096].split(b"\n\n", 1)[0].split(b"\r\n\r\n", 1)[0]
    return bool(_MIME_MARKERS.search(head))


def html_to_text(html: str) -> str:
    """Visible text of an HTML body, with quoted threads marked as quoted."""
    import lxml.html
    from inscriptis import get_text
    from lxml import etree

    try:
        tree = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return ""
    first_quote = next(iter(tree.xpath(_QUOTE_XPATH)), None)
    if first_quote is not None:
        marker = lxml.html.Element("p")
        marker.text = QUOTE_MARKER
        first_quote.addprevious(marker)
    text = get_text(lxml.html.tostring(tree, encoding="unicode"))
    lines = [line.strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _part_text(part: EmailMessage) -> str:
    try:
        content = part.get_content()
        if isinstance(content, str):
            return content
    except (LookupError, ValueError, AssertionError, UnicodeError):
        pass
    payload = part.get_payload(decode=True) or b""
    if isinstance(payload, str):
        return payload
    try:
        return decode_text(payload)
    except InputError:
        return ""


@dataclass
class MimeBody:
    headers: dict[str, str] = field(default_factory=dict)
    text: str = ""
    attachments: int = 0


def _walk(msg: LegacyMessage, depth: int = 0):
    """Every leaf part, bounded in depth and count."""
    if depth > MAX_DEPTH:
        raise InputError("input.unparseable", f"MIME parts nested deeper than {MAX_DEPTH}")
    if msg.is_multipart():
        for sub in msg.get_payload() or []:
            if isinstance(sub, LegacyMessage):
                yield from _walk(sub, depth + 1)
    else:
        yield msg


def _shown_part(msg: EmailMessage) -> tuple[EmailMessage | None, int]:
    """The text part a client shows (plain preferred) and the number of attachments."""
    plain = html = None
    attachments = 0
    for count, part in enumerate(_walk(msg)):
        if count > MAX_PARTS:
            raise InputError("input.unparseable", f"more than {MAX_PARTS} MIME parts")
        if part.get_content_disposition() == "attachment" or part.get_filename():
            attachments += 1
        elif part.get_content_type() == "text/plain" and plain is None:
            plain = part
        elif part.get_content_type() == "text/html" and html is None:
            html = part
        elif part.get_content_maintype() != "multipart":
            attachments += part.get_content_maintype() not in ("text", "message")
    return (plain if plain is not None else html), attachments


def parse_mime(data: bytes) -> MimeBody:
    """Headers, the shown body text and the attachment count of a MIME message."""
    try:
        msg = email.message_from_bytes(data, policy=policy.default)
        return read_email(msg)
    except InputError:
        raise
    except (email.errors.MessageError, ValueError, IndexError, TypeError, AttributeError,
            LookupError, RecursionError) as exc:
        raise InputError("input.unparseable", f"cannot parse this email: {exc}") from None


def read_email(msg: EmailMessage) -> MimeBody:
    headers = {}
    for name in ("subject", "to", "from", "date", "in-reply-to"):
        try:
            value = msg.get(name)
        except (ValueError, IndexError, TypeError, AttributeError):
            value = None
        if value is not None:
            headers[name] = str(value)
    part, attachments = _shown_part(msg)
    text = ""
    if part is not None:
        text = _part_text(part)
        if part.get_content_type() == "text/html":
            text = html_to_text(text)
    return MimeBody(headers=headers, text=text, attachments=attachments)
