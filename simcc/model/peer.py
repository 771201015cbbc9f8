"""Peer consult (MODEL.md §7): before escalating, an agent asks a colleague of its own pool.

With the pool's ``peer.probability`` the agent, about to hand the contact on,
asks a colleague instead.  A colleague who is free at that moment is seized;
both are busy for ``consult_time`` (activity ``peer_consult``), the customer
stays on the line, and the agent keeps the contact: with ``success`` it
resolves it, else it escalates as it would have.  When no colleague is free
the agent escalates at once (it does not wait for one).  Each consult is
recorded as a hand-off with policy ``peer`` from the pool to itself; the
contact's ``escalations`` do not count it.  A complaint is handed on without
a peer consult.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import TYPE_CHECKING

from simcc.model.contact import Contact
from simcc.model.pool import Pool
from simcc.model.records import Activity, HandoffOutcome, Outcome, Reason
from simcc.model.transfers import busy_for, record_handoff

if TYPE_CHECKING:
    from simcc.model.center import Center
    from simcc.model.scheduling import Pause
    from simcc.rng import Streams
    from simcc.scenario import Peer

_PEER_CONSULT = Activity.PEER_CONSULT.value
_COMPLAINT = Reason.COMPLAINT.value
_RESOLVED = Outcome.RESOLVED.value


class PeerSettings:
    """A pool's peer consult with its draws (streams of their own, named after the pool)."""

    def __init__(self, pool: str, spec: Peer, streams: Streams) -> None:
        self.probability = spec.probability
        self.success = spec.success
        self.ask: Callable[[], float] = streams.uniform(f"peer:{pool}")
        self.succeeds: Callable[[], float] = streams.uniform(f"peer_success:{pool}")
        self.consult_time = spec.consult_time.sampler(streams.generator(f"peer_consult:{pool}"))


def consult_peer(center: Center, c: Contact, pool: Pool, agent: int) -> Generator[Pause, int, bool]:
    """The agent of ``pool`` may consult a colleague before escalating; whether that resolved it.

    When it did, the agent has wrapped up and the contact has ended resolved.
    """
    peer = center.peers[pool.index]
    if peer is None or c.reason == _COMPLAINT or peer.ask() >= peer.probability:
        return False
    colleague = pool.seize()
    if colleague is None:
        return False
    start = center.env.now
    duration = peer.consult_time()
    yield from busy_for(center, c, _PEER_CONSULT, duration, (pool, agent), (pool, colleague))
    pool.release(colleague)
    record_handoff(
        center,
        c,
        policy="peer",
        source=pool,
        to=pool,
        start=start,
        engaged=start,
        outcome=HandoffOutcome.ENGAGED,
        sla=None,
    )
    if peer.succeeds() >= peer.success:
        return False
    pool.finish(agent, center.wrap(pool.index, c.ctype.index)(), c.id)
    c.false_resolution = c.policy != 0 and center.false_draw() < center.false_resolution[c.policy]
    center.end(c, _RESOLVED)
    return True
