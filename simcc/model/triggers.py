"""Where a re-contact goes (MODEL.md §7): triggers on the case's history, and case memory.

With ``escalation.repeat_contact`` a case's k-th or later contact, and with
``escalation.case_age`` a re-contact of a case first seen long enough ago,
goes straight to another pool's queue instead of its entry pool's.  No agent
hands it on: the skip is recorded as a hand-off with no policy, from the
entry pool of its path to the pool it skips to, asked for at arrival and
engaged when an agent of that pool answers; the contact's ``entry_pool`` is
the pool it skipped to.  From that answer on it lives as any escalated
contact (:func:`simcc.model.contact.serve`).

Case memory (``customers.recontact.route: last_pool``) uses the same path
without a hand-off: the re-contact goes back to the pool that last worked on
the case, and with ``context: lost`` the customer tells the story again there.

The other triggers act inside an agent's handling and live where it does:
``need`` and ``handling_time`` in the handle-time limits, ``complaint`` in
:meth:`simcc.model.center.Center.complains`.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import TYPE_CHECKING

from simcc.model.contact import Contact, Leg, position_of, serve
from simcc.model.pool import Pool, Wait
from simcc.model.records import HandoffOutcome, Outcome
from simcc.model.transfers import record_handoff

if TYPE_CHECKING:
    from simcc.model.center import Center
    from simcc.model.scheduling import Pause

NAN = math.nan
_ABANDONED_QUEUE = Outcome.ABANDONED_QUEUE.value


def skip_to(
    center: Center, c: Contact, pool: Pool, reason: int | None, rediscovery: float = 0.0
) -> Generator[Pause, int, None]:
    """Re-contact ``c`` waits in ``pool``'s queue (with its patience), then is served there.

    With a ``reason`` the skip is a hand-off (a trigger); without, the case's
    owner takes it back (case memory): no hand-off, and the agent first spends
    ``rediscovery`` (the customer retells the story unless the context was kept).
    """
    env = center.env
    entry = c.ctype.path[0]
    c.entry_pool = c.last_pool = pool.index
    c.pools = pool.index
    if reason is not None:
        c.reason = reason
        c.escalations += 1
        c.first_handoff = env.now
    b = pool.seize()
    answered = True
    if b is None:
        waiting = pool.join(c.priority, 1, c.queued + c.patience, c)
        b = yield waiting
        answered = waiting.ended == Wait.ANSWERED  # else hung up, or found the queue full
    c.wait = env.now - c.queued
    if reason is not None:
        _record_skip(center, c, entry, pool, answered)
    if not answered:
        center.end(c, _ABANDONED_QUEUE)
        return
    c.answer, c.answer_pool = env.now, pool.index
    position = position_of(c.ctype, pool)
    # (a front door's lost context, counted there, adds its retelling time)
    leg: Leg | None = Leg(pool, b, pool, position, rediscovery + c.retell, rediscovery > 0.0)
    while leg is not None:
        leg = yield from serve(center, c, leg)


def _record_skip(center: Center, c: Contact, entry: Pool, pool: Pool, answered: bool) -> None:
    """The skip as a hand-off with no policy, asked for at arrival."""
    env = center.env
    record_handoff(
        center,
        c,
        policy="",
        source=entry,
        to=pool,
        start=c.queued,
        engaged=env.now if answered else NAN,
        outcome=HandoffOutcome.ENGAGED if answered else HandoffOutcome.ABANDONED_TRANSFER_QUEUE,
        sla=pool,
        sla_from=c.queued,
    )
