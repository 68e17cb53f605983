"""``cadence``: follow-ups and updates sent too soon or too often.

Earlier contacts are the message's ``previous_contacts`` (API, front matter) plus quoted earlier
messages whose author is the sender. The message's own date is its ``Date:`` header, else now
(a pre-send check runs just before sending).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from msgcheck.context import Context, Hit
from msgcheck.matching import fold
from msgcheck.parse.thread import earlier_messages
from msgcheck.spec import CadenceCheck, RuleSpec

PROVIDES = frozenset({"days", "count", "limit"})
NEEDS = frozenset()


def _naive_utc(when: datetime) -> datetime:
    if when.tzinfo is not None:
        when = when.astimezone(timezone.utc).replace(tzinfo=None)
    return when


def _by_sender(who: str, ctx: Context) -> bool:
    sender = ctx.message.from_
    if sender is None:
        return False
    who = fold(who)
    return any(part and fold(part) in who for part in (sender.address, sender.name))


def earlier_contacts(ctx: Context) -> list[datetime]:
    contacts = [_naive_utc(d) for d in ctx.message.previous_contacts]
    quoted = ctx.sections.quoted
    if quoted is not None:
        text = ctx.body[quoted.start:quoted.end]
        contacts += [e.when for e in earlier_messages(text) if _by_sender(e.who, ctx)]
    return sorted(contacts)


def compile(spec: RuleSpec, env):
    check: CadenceCheck = spec.check

    def run(ctx: Context):
        now = _naive_utc(ctx.message.date or datetime.now(timezone.utc))
        contacts = [c for c in earlier_contacts(ctx) if c <= now]
        if not contacts:
            return
        where = ctx.sections.prose
        if check.problem == "too-soon":
            days = (now - contacts[-1]) / timedelta(days=1)
            if days < check.min_days:
                yield Hit("body", where.start, where.start,
                          {"days": round(days, 1), "limit": int(check.min_days)})
            return
        within_year = [c for c in contacts if now - c <= timedelta(days=365)]
        if len(within_year) + 1 > check.max_per_year:
            yield Hit("body", where.start, where.start,
                      {"count": len(within_year) + 1, "limit": check.max_per_year})

    return run
