"""Between arrival and the entry queue (MODEL.md §8): the IVR or bot, and the call back offered.

A call type's **front door** holds each of its contacts for a ``time`` draw
before any agent queue; with probability ``containment`` the door settles
the contact (outcome ``self_served``, a true resolution), otherwise the
contact joins its entry pool's queue from that moment, its patience starting
there.  With ``context: lost`` the first agent who answers hears the story
once more (one retelling, ``transfer.cold.rediscovery_time`` long, counted
in ``customer_effort``).  The door's draws come from streams of their own,
first contacts apart from re-contacts, so that every policy sees the same
door outcomes (common random numbers).

**Virtual hold**: a caller who would queue at its entry pool while the
pool's expected wait (:meth:`~simcc.model.pool.Pool.expected_wait`, the
estimator the ``expected_wait`` rule reads) exceeds ``offer_when_wait_over``
is offered a call back, and accepts with probability ``accept``.  An accepted
caller keeps its place in the queue without patience; the agent who takes it
dials it with the ``transfer.callback`` block's ``dial_time``,
``reach_probability``, ``max_attempts`` and ``retry_delay`` (draws of its
own); once reached, its first leg goes on as any answered contact's.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING

from simcc.model.records import Activity, Outcome
from simcc.model.scheduling import Pause, call_in
from simcc.model.transfers import PolicySettings, busy_for

if TYPE_CHECKING:
    from simpy.events import Event

    from simcc.model.center import Center
    from simcc.model.contact import Contact
    from simcc.model.pool import Pool
    from simcc.rng import Streams
    from simcc.scenario import FrontDoor, Scenario, VirtualHold

NAN = math.nan
_SELF_SERVED = Outcome.SELF_SERVED.value
_CALLBACK_UNREACHED = Outcome.CALLBACK_UNREACHED.value
_DIAL = Activity.DIAL.value


def _no_retelling() -> float:
    return 0.0


class Door:
    """One call type's front door, with the draws of one kind of contact (first or re-contact)."""

    def __init__(
        self, call_type: str, spec: FrontDoor, scenario: Scenario, streams: Streams, kind: str
    ) -> None:
        key = f"front_door:{kind}:{call_type}"
        self.time = spec.time.sampler(streams.generator(f"{key}:time"))
        self.containment = spec.containment
        self.contained = streams.uniform(f"{key}:containment")
        self.lost = spec.context == "lost"
        self.retelling: Callable[[], float] = (
            scenario.transfer.cold.rediscovery_time.sampler(
                streams.generator(f"{key}:rediscovery_time")
            )
            if self.lost
            else _no_retelling
        )

    def enter(self, center: Center, c: Contact, then: Callable[[Contact], None]) -> None:
        """Contact ``c`` arrives at the door; when it leaves it ends ``self_served`` or goes on
        with ``then(c)`` (towards its entry queue)."""
        settled = self.contained() < self.containment
        retell = 0.0 if settled else self.retelling()
        c.queued = NAN  # not in an agent queue (yet)

        def leave(_event: Event) -> None:
            if settled:
                c.pools, c.last_pool = [], -1  # no agent worked on it
                center.end(c, _SELF_SERVED)
                return
            c.queued = center.env.now
            if self.lost:
                c.rediscoveries += 1
                c.retell = retell
            then(c)

        call_in(center.env, self.time(), leave, c)


def doors(scenario: Scenario, streams: Streams, kind: str) -> list[Door | None]:
    """Each call type's front door (None without one), in the file's order, for ``kind``
    (``"first"`` or ``"recontact"``) contacts."""
    return [
        None if ct.front_door is None else Door(name, ct.front_door, scenario, streams, kind)
        for name, ct in scenario.call_types.items()
    ]


class Hold:
    """One call type's virtual hold: when to offer a call back, and the draws it needs."""

    def __init__(self, call_type: str, spec: VirtualHold, scenario: Scenario, streams: Streams):
        self.threshold = spec.offer_when_wait_over
        self.accept = spec.accept
        self.accepts = streams.uniform(f"virtual_hold:{call_type}:accept")
        # the callback block's settings, with draws of the virtual hold's own
        self.dial = PolicySettings(
            f"virtual_hold:{call_type}",
            scenario.transfer.callback,
            streams,
            scenario.transfer.cold.rediscovery_time,
        )

    def offered(self, pool: Pool) -> bool:
        """Whether a caller about to queue at ``pool`` is offered a call back and accepts."""
        if pool.queue_capacity is not None and pool.waiting_live >= pool.queue_capacity:
            return False  # the queue is full: the caller gets a busy signal, not an offer
        return pool.expected_wait() > self.threshold and self.accepts() < self.accept


def holds(scenario: Scenario, streams: Streams) -> list[Hold | None]:
    """Each call type's virtual hold (None without one), in the file's order."""
    return [
        None if ct.virtual_hold is None else Hold(name, ct.virtual_hold, scenario, streams)
        for name, ct in scenario.call_types.items()
    ]


def call_back(center: Center, c: Contact, pool: Pool, hold: Hold) -> Generator[Pause, int, None]:
    """The accepted caller waits in ``pool``'s queue without patience; the agent who takes it
    dials; reached, its first leg goes on; never reached, it ends ``callback_unreached``.

    An unreached attempt frees the agent; after ``retry_delay`` the call back
    joins the queue again, at the back of its priority.
    """
    env = center.env
    cfg = hold.dial
    attempts = 0
    while True:
        attempts += 1
        agent = pool.seize()
        if agent is None:
            agent = yield pool.join(c.priority, 1, math.inf, c, capped=False)
        yield from busy_for(center, c, _DIAL, cfg.dial_time(), (pool, agent))
        if cfg.reach() < cfg.reach_probability:
            break
        pool.release(agent)
        if attempts >= cfg.max_attempts:
            c.wait = env.now - c.queued
            center.end(c, _CALLBACK_UNREACHED)
            return
        if cfg.retry_delay > 0:
            yield cfg.retry_delay
    center._answer(c, pool, agent)
