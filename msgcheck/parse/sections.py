"""Find the parts of a body by layout: greeting, prose, sign-off, signature, quoted reply.

Layout only (lines, short fixed phrases); sentence-level parts (intro, asks) come from the NLP
pass in the engine.
"""

from __future__ import annotations

import re

from msgcheck.models import Sections, Span

GREETING = re.compile(
    r"^(?:(?:dear|hi|hello|hey|heya|hiya|yo|sup|howdy|greetings|good (?:morning|afternoon|evening|day)"
    r"|to whom it may concern|respected|esteemed|salutations)\b"
    # A bare "Dr. Adeyemi," opening a LinkedIn note.
    r"|(?:dr|prof|professor|mr|ms|mrs|mx)\.?\s+[^\W\d_][\w'’-]*(?:\s+[^\W\d_][\w'’-]*)?\s*,)",
    re.IGNORECASE,
)
# A greeting line longer than this holds the message too; it then ends after the salutation, a
# title and up to two capitalised names.
GREETING_MAX_WORDS = 8
GREETING_HEAD = re.compile(
    r"(?i:dear|hi|hello|hey|good (?:morning|afternoon|evening))"
    r"(?:\s+(?i:dr|prof|professor|mr|ms|mrs|mx)\b\.?)?(?:\s+[A-Z][\w'’-]*){1,2}\b"
)
SIGN_OFF = re.compile(
    r"^(?:(?:yours )?(?:sincerely|truly|faithfully|respectfully)(?: yours)?|best(?: wishes| regards)?"
    r"|(?:kind|warm|warmest|best|many) (?:regards|wishes|thanks)|regards|cheers|thanks(?: again| so much)?"
    r"|thank you(?: again| so much)?(?: for [\w' ]{1,40})?|many thanks|with (?:gratitude|appreciation|thanks)"
    r"|gratefully|warmly|all the best|respectfully yours|take care|looking forward(?: to [\w' ]{1,40})?"
    r"|with (?:best|kind|warm) regards|sent from my \w+"
    # "With respect,", "With deep respect,": "respects" alone is caught below, "respect" is not.
    r"|with (?:[\w'’]+ ){0,2}respect)[\s,.!]*$"
    # Any short line with a sign-off word: "With my best respects,", "With thanks and best regards,".
    r"|^(?:[\w'’]+ ){0,4}(?:regards|respects|thanks|wishes|sincerely|gratitude|appreciation"
    r"|cordially|yours|respectfully|warmly|gratefully)(?: [\w'’]+){0,2}\s*[,.!]?\s*$",
    re.IGNORECASE,
)
QUOTE_INTRO = re.compile(
    r"^(?:On\b.{0,300}\bwrote:\s*$|-{2,}\s*(?:Original|Forwarded) Message\s*-{2,}"
    r"|Begin forwarded message:|>)",
    re.IGNORECASE,
)
OUTLOOK_FROM = re.compile(r"^From:\s.+", re.IGNORECASE)
OUTLOOK_SENT = re.compile(r"^(?:Sent|Date):\s.+", re.IGNORECASE)
SIG_DELIMITER = re.compile(r"^-- ?$")
FORWARD_MARKER = re.compile(r"^(?:-{2,}\s*Forwarded message\s*-{2,}|Begin forwarded message:)$", re.I)
FORWARDED_HEADER = re.compile(r"^(?:From|Date|Sent|Subject|To|Cc):\s", re.I)
_NAME_WORD = re.compile(r"^(?:[A-Z][\w'.-]*|[A-Z]\.|MD|MBBS|PhD|DO|MPH|MSc|M\.D\.|,|\||[-–—])$")
# How many lines above the end a sign-off may sit (a signature block is a few lines).
TAIL_LINES = 8


def _lines(text: str) -> list[tuple[int, int, str]]:
    """(start, end, line) for each line, end excluding the newline."""
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line), line))
        pos += len(line) + 1
    return out


def _quoted_start(lines: list[tuple[int, int, str]]) -> int | None:
    for i, (start, _, line) in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("On ") and not stripped.endswith("wrote:"):
            # Mail clients wrap "On <date>, <name> <address>\nwrote:" over two lines.
            following = " ".join(ln for _, _, ln in lines[i + 1:i + 3])
            if "wrote:" in following and len(stripped) < 200:
                return start
        if QUOTE_INTRO.match(stripped):
            if stripped.startswith(">"):
                rest = [ln.strip() for _, _, ln in lines[i:] if ln.strip()]
                if sum(r.startswith(">") for r in rest) < 0.6 * len(rest):
                    continue
            return start
        if OUTLOOK_FROM.match(stripped) and any(
            OUTLOOK_SENT.match(ln.strip()) for _, _, ln in lines[i + 1:i + 5]
        ):
            return start
    return None


def _looks_like_name(line: str) -> bool:
    words = line.replace(",", " , ").split()
    if not 1 <= len(words) <= 6 or len(line) > 60 or line.rstrip().endswith((".", "?", "!", ":")):
        if not (line.rstrip().endswith(".") and re.search(r"\b(?:M\.D|D\.O|Ph\.D|Jr|Sr)\.$", line)):
            return False
    words = [w for w in words if w not in "-–—"]
    return bool(words) and all(_NAME_WORD.match(w) for w in words)


def _trim(text: str, start: int, end: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start=start, end=end)


def _forwarded_origin(lines: list[tuple[int, int, str]]) -> int:
    """Where a forwarded message starts when nothing was written above the forward marker.

    Forwarding a template to yourself (or a colleague) is how many people share drafts; then the
    forwarded text, after its own header lines, is the message to judge.
    """
    for i, (_, _, line) in enumerate(lines):
        if not line.strip():
            continue
        if not FORWARD_MARKER.match(line.strip()):
            return 0
        j = i + 1
        while j < len(lines) and (FORWARDED_HEADER.match(lines[j][2].strip()) or not lines[j][2].strip()):
            if not lines[j][2].strip() and j > i + 1:
                break
            j += 1
        return lines[j][0] if j < len(lines) else lines[-1][1]
    return 0


def find_sections(body: str) -> Sections:
    lines = _lines(body)
    origin = _forwarded_origin(lines)
    lines = [ln for ln in lines if ln[0] >= origin]
    quoted_at = _quoted_start(lines)
    new_end = quoted_at if quoted_at is not None else len(body)
    new_lines = [ln for ln in lines if ln[0] < new_end]
    content = [ln for ln in new_lines if ln[2].strip()]

    greeting = None
    if content:
        start, end, line = content[0]
        lead = len(line) - len(line.lstrip())
        if GREETING.match(line.strip()):
            text = line.strip()
            cut = re.search(r"[,:!\u2014\u2013]|\s-\s", text)
            # An inline greeting ("Hi Dr. Lee, I'm ...") ends at its comma; one typed without
            # punctuation ("hi Dr. Mensah i am an IMG ...") at the name, when a sentence follows.
            if cut and len(text[:cut.start()].split()) <= 6:
                g_end = cut.start()
            elif len(text.split()) > GREETING_MAX_WORDS and (head := GREETING_HEAD.match(text)):
                g_end = head.end()
            else:
                g_end = len(text.rstrip(".,:;!"))
            greeting = Span(start=start + lead, end=start + lead + g_end)

    sig_delim = next((ln for ln in new_lines if SIG_DELIMITER.match(ln[2])), None)
    text_end = sig_delim[0] if sig_delim else new_end
    tail = [ln for ln in content if ln[0] < text_end][-TAIL_LINES:]
    closing = signature = None
    for idx in range(len(tail) - 1, -1, -1):
        start, end, line = tail[idx]
        if greeting and start <= greeting.start:
            break
        if SIGN_OFF.match(line.strip()):
            lead = len(line) - len(line.lstrip())
            closing = Span(start=start + lead, end=start + lead + len(line.strip().rstrip(",.!")))
            after = tail[idx + 1:]
            if after:
                signature = _trim(body, after[0][0], after[-1][1])
            break
    if sig_delim is not None:
        sig_lines = [ln for ln in content if sig_delim[1] < ln[0] < new_end]
        if sig_lines:
            signature = _trim(body, sig_lines[0][0], sig_lines[-1][1])
    if signature is None and closing is None and len(content) >= 2:
        # No sign-off word: a final line that is a bare name still signs the message.
        start, end, line = content[-1]
        if _looks_like_name(line.strip().lstrip("-–— ")):
            signature = _trim(body, start, end)

    prose_start = greeting.end if greeting else origin
    ends = [s.start for s in (closing, signature) if s is not None] + [text_end]
    prose = _trim(body, prose_start, min(ends))
    if prose.start < prose_start:
        prose = Span(start=prose_start, end=prose_start)
    if body[prose.start:prose.start + 1] in {",", ":", "!"}:
        prose = _trim(body, prose.start + 1, prose.end)
    quoted = Span(start=quoted_at, end=len(body)) if quoted_at is not None else None
    return Sections(
        greeting=greeting, closing=closing, signature=signature, quoted=quoted, prose=prose
    )
