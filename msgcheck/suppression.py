"""Apply a message's suppressions to its findings; report the ones that silenced nothing."""

from __future__ import annotations

from collections.abc import Iterable

from msgcheck.models import Finding, Message, Suppression


def _enables(enable: Suppression, entry: str) -> bool:
    """Whether an ``enable`` comment ends the region of a disabled id (or of "*": all rules)."""
    if not enable.rules:
        return True
    if entry == "*":
        return False
    return any(entry == e or entry.startswith(e + ".") for e in enable.rules)


def _scope(sup: Suppression, entry: str, message: Message,
           later: list[Suppression]) -> tuple[int, int] | None:
    """The body range one id of a suppression covers; None for the whole message."""
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
    # "disable": until an "enable" that names this id, its criterion, or every rule.
    end = next((o.start for o in later if o.directive == "enable" and _enables(o, entry)),
               len(body))
    return sup.start, end


def apply(
    findings: Iterable[Finding], message: Message
) -> tuple[list[Finding], list[Finding], list[tuple[Suppression, str]]]:
    """(kept, suppressed, unused) where unused lists (suppression, id) pairs that matched nothing."""
    ordered = sorted(message.suppressions, key=lambda s: s.start)
    scopes = [
        (sup, entry, _scope(sup, entry, message, [o for o in ordered if o.start > sup.start]))
        for sup in ordered if sup.directive != "enable"
        for entry in (sup.rules or ("*",))
    ]
    used: set[int] = set()
    kept, suppressed = [], []
    for finding in findings:
        hit = False
        for index, (_sup, entry, scope) in enumerate(scopes):
            if entry != "*" and not (finding.rule == entry or finding.rule.startswith(entry + ".")):
                continue
            if scope is not None and not (
                finding.field == "body" and scope[0] <= finding.start <= scope[1]
            ):
                continue
            used.add(index)
            hit = True
        (suppressed if hit else kept).append(finding)
    unused = [(sup, entry) for index, (sup, entry, _) in enumerate(scopes) if index not in used]
    return kept, suppressed, unused
