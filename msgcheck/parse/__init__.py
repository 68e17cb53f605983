"""Input -> :class:`~msgcheck.models.Message`."""

from __future__ import annotations

import re

from msgcheck.models import KIND_NAMES, Message, Suppression
from msgcheck.parse.decode import DEFAULT_MAX_BYTES, check_size, decode_text
from msgcheck.parse.errors import InputError
from msgcheck.parse.headers import (
    FrontMatterError,
    decode_value,
    parse_address,
    parse_date,
    split_front_matter,
    split_headers,
)
from msgcheck.parse.mime import looks_like_mime, parse_mime, read_email
from msgcheck.parse.sections import find_sections
from msgcheck.parse.suppressions import extract_suppressions, front_matter_ignores

__all__ = ["InputError", "parse_text", "parse_bytes", "parse_email", "build_message"]


def _normalise(text: str) -> str:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # Lone surrogates (from a bad decode upstream) cannot be tokenized; keep the length.
        text = "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in text)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def build_message(
    body: str,
    subject: str | None = None,
    to=None,
    from_=None,
    date=None,
    kind: str | None = None,
    template: bool = False,
    source_lines: dict | None = None,
    source_offsets: dict | None = None,
    suppressions: tuple[Suppression, ...] = (),
    attachments: int = 0,
    previous_contacts=(),
) -> Message:
    body, inline = extract_suppressions(_normalise(body or ""))
    if kind is not None and kind not in KIND_NAMES:
        raise InputError(
            "input.unknown-kind", f"unknown kind {kind!r}; expected one of {', '.join(KIND_NAMES)}"
        )
    return Message(
        subject=_normalise(decode_value(subject)).strip() if subject is not None else None,
        body=body,
        to=to if not isinstance(to, str) else parse_address(to),
        from_=from_ if not isinstance(from_, str) else parse_address(from_),
        date=parse_date(date),
        kind=kind,
        template=template,
        sections=find_sections(body),
        source_lines=source_lines or {},
        source_offsets=source_offsets or {},
        suppressions=suppressions + inline,
        attachments=attachments,
        previous_contacts=tuple(
            d for d in (parse_date(v) for v in previous_contacts or ()) if d is not None),
    )


def parse_text(text: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Message:
    """Plain text: optional YAML front matter, optional RFC 822 headers, then the body."""
    check_size(len(text.encode("utf-8", "surrogatepass")), max_bytes)
    text = _normalise(text).lstrip("\ufeff")
    try:
        front, rest = split_front_matter(text)
    except FrontMatterError as exc:
        raise InputError("input.front-matter", str(exc)) from None
    headers, body = split_headers(rest)
    prefix = text[:len(text) - len(body)]
    lines = {"body": prefix.count("\n") + 1}
    offsets = {"body": len(prefix)}
    subject_at = re.search(r"^subject:[ \t]*", prefix, re.IGNORECASE | re.MULTILINE)
    if subject_at:
        lines["subject"] = prefix[:subject_at.start()].count("\n") + 1
        offsets["subject"] = subject_at.end()
    meta = {k.lower(): v for k, v in front.items() if isinstance(k, str)}
    meta.update({k: v for k, v in headers.items() if k not in meta})
    kind = meta.get("kind")
    return build_message(
        body,
        subject=str(meta["subject"]) if meta.get("subject") is not None else None,
        to=str(meta["to"]) if meta.get("to") else None,
        from_=str(meta["from"]) if meta.get("from") else None,
        date=meta.get("date"),
        kind=str(kind) if kind else None,
        template=bool(meta.get("template", False)),
        source_lines=lines,
        source_offsets=offsets,
        suppressions=front_matter_ignores(front.get("msgcheck")),
        previous_contacts=_as_list(meta.get("previous_contacts")),
    )


def _as_list(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def parse_bytes(data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> Message:
    """Bytes: a MIME message when it looks like one, else text in any common encoding."""
    check_size(len(data), max_bytes)
    if looks_like_mime(data):
        return _from_mime(parse_mime(data))
    return parse_text(decode_text(data, max_bytes), max_bytes)


def parse_email(msg) -> Message:
    """An ``email.message.EmailMessage`` (policy.default) already parsed by the caller."""
    try:
        return _from_mime(read_email(msg))
    except (ValueError, IndexError, TypeError, AttributeError, LookupError,
            RecursionError) as exc:
        if isinstance(exc, InputError):
            raise
        raise InputError("input.unparseable", f"cannot read this email: {exc}") from None


def _from_mime(mime) -> Message:
    headers = mime.headers
    return build_message(
        mime.text,
        subject=headers.get("subject"),
        to=headers.get("to"),
        from_=headers.get("from"),
        date=headers.get("date"),
        attachments=mime.attachments,
    )
