"""Bytes -> text, bounded, with a clear error for what is not text."""

from __future__ import annotations

import codecs

from msgcheck.parse.errors import InputError

# An outreach message is a few KB; MIME with attachments a few MB. Larger input is refused
# before any parsing so memory and time stay bounded.
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
# Longest first: the UTF-32-LE mark starts with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROL = set(range(0, 9)) | {11, 12} | set(range(14, 32))


def check_size(size: int, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
    if size > max_bytes:
        raise InputError(
            "input.too-large",
            f"input is {size:,} bytes; the limit is {max_bytes:,} (set max_bytes to change it)",
        )


def looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    if not sample:
        return False
    control = sum(b in _CONTROL for b in sample)
    return control / len(sample) > 0.1


def decode_text(data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    check_size(len(data), max_bytes)
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                break
    if looks_binary(data):
        raise InputError("input.binary", "input looks like a binary file, not a text message")
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")
