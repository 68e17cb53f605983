"""Apply a message's suppressions to its findings; report the ones that silenced nothing."""

from __future__ import annotations

from collections.abc import Iterable

from msgcheck.models import Finding, Message, Suppression


def _covers(sup: Suppression, rule: str) -> str | None:
    """The id of ``sup`` that covers ``rule`` ("*" for all rules), else None."""
    if not sup.rules:
        return "*"
    for entry in sup.rules:
        if rule == entry or rule.startswith(entry + "."):
            return entry
    return None


def _scope(sup: Suppression, message: Message, later: list[Suppression]) -> tuple[int, int] | None:
    """The body range a suppression covers; None for the whole message (every field)."""
    body = message.body
    if sup.directive == "disable-file":
        return None
    line_start = body.rfind("\n", 0, sup.start) + 1
    line_end = body.find("\n", sup.end)
    line_end = len(body) if line_end == -1 else line_end
    if sup.directive == "disable-line":
        return line_start, line_end
    if sup.directive == "disable-next-line":
        pos = line_end + 1
        while pos < len(body):
            nxt = body.find("\n", pos)
            nxt = len(body) if nxt == -1 else nxt
            if body[pos:nxt].strip():
                return pos, nxt
            pos = nxt + 1
        return len(body), len(body)
    # "disable": until an "enable" naming the same rules (or all), else the end.
    end = len(body)
    for other in later:
        if other.directive == "enable" and (not other.rules or set(other.rules) & set(sup.rules)
                                            or not sup.rules):
            end = other.start
            break
    return sup.start, end


def apply(
    findings: Iterable[Finding], message: Message
) -> tuple[list[Finding], list[Finding], list[tuple[Suppression, str]]]:
    """(kept, suppressed, unused) where unused lists (suppression, id) pairs that matched nothing."""
    sups = [s for s in message.suppressions if s.directive != "enable"]
    ordered = sorted(message.suppressions, key=lambda s: s.start)
    scopes = [
        _scope(s, message, [o for o in ordered if o.start > s.start]) for s in sups
    ]
    used: set[tuple[int, str]] = set()
    kept, suppressed = [], []
    for finding in findings:
        hit = False
        for index, (sup, scope) in enumerate(zip(sups, scopes, strict=True)):
            entry = _covers(sup, finding.rule)
            if entry is None:
                continue
            if scope is not None and not (
                finding.field == "body" and scope[0] <= finding.start <= scope[1]
            ):
                continue
            used.add((index, entry))
            hit = True
        (suppressed if hit else kept).append(finding)
    unused = []
    for index, sup in enumerate(sups):
        for entry in sup.rules or ("*",):
            if (index, entry) not in used:
                unused.append((sup, entry))
    return kept, suppressed, unused
