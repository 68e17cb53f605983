"""RFC 822 / MIME messages (``.eml``) through the standard library's ``email`` package."""

from __future__ import annotations

import email
import re
from email import policy
from email.message import EmailMessage
from html.parser import HTMLParser

from msgcheck.parse.decode import decode_text
from msgcheck.parse.errors import InputError

_MIME_MARKERS = re.compile(
    rb"^(?:MIME-Version|Content-Type|Received|Return-Path|Message-ID|X-[\w-]+):", re.I | re.M
)


def looks_like_mime(data: bytes) -> bool:
    head = data[:4096].split(b"\n\n", 1)[0].split(b"\r\n\r\n", 1)[0]
    return bool(_MIME_MARKERS.search(head))


class _TextExtractor(HTMLParser):
    _BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "blockquote", "table"}
    _SKIP = {"script", "style", "head", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self._SKIP:
            self._skipping += 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self._SKIP and self._skipping:
            self._skipping -= 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._skipping:
            self.parts.append(re.sub(r"[ \t\r\n]+", " ", data))


def html_to_text(html: str) -> str:
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts)
    text = re.sub(r"[ \t]*\n[ \t]*", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


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


def parse_mime(data: bytes) -> tuple[dict[str, str], str]:
    """Return (headers, body text) of the part a mail client would show."""
    try:
        msg = email.message_from_bytes(data, policy=policy.default)
        headers = {}
        for name in ("subject", "to", "from", "date"):
            try:
                value = msg.get(name)
            except (ValueError, IndexError, TypeError, AttributeError):
                value = None
            if value is not None:
                headers[name] = str(value)
        part = msg.get_body(preferencelist=("plain", "html")) if msg.is_multipart() else msg
        if part is None:
            return headers, ""
        text = _part_text(part)
        if part.get_content_type() == "text/html":
            text = html_to_text(text)
        elif not part.get_content_maintype() == "text":
            text = ""
        return headers, text
    except (email.errors.MessageError, ValueError, IndexError, TypeError, AttributeError,
            LookupError, RecursionError) as exc:
        raise InputError("input.unparseable", f"cannot parse this email: {exc}") from None
