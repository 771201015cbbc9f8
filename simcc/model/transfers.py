"""The transfer policies of MODEL.md §3 as SimPy sub-processes.

Each function is entered by the transferring agent A (still busy with the
contact) and returns the :class:`~simcc.model.contact.Leg` the contact goes on
with — the receiving agent B, or A itself for ``conference`` — or ``None`` when
the contact ended during the hand-off.  Every step that takes time is a draw
from the scenario's distribution for it and every agent in a step is recorded
busy for it.  docs/policies.md shows each one as a timeline.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from simcc.model.center import ABANDONED
from simcc.model.contact import Contact, Leg
from simcc.model.records import Activity, HandoffOutcome, Outcome, Reason

if TYPE_CHECKING:
    from simcc.model.center import Center, Pool

NAN = math.nan
TRANSFERRED = 0  # queue rank of transferred contacts when transfer_priority is on
NEW = 1

ENGAGED = HandoffOutcome.ENGAGED
LEG_HOLD = HandoffOutcome.ABANDONED_HOLD
LEG_TRANSFER_QUEUE = HandoffOutcome.ABANDONED_TRANSFER_QUEUE
LEG_FALLBACK = HandoffOutcome.FALLBACK
LEG_UNREACHED = HandoffOutcome.CALLBACK_UNREACHED
LEG_REDIRECTED = HandoffOutcome.REDIRECTED
ABANDONED_HOLD, ABANDONED_TRANSFER = Outcome.ABANDONED_HOLD, Outcome.ABANDONED_TRANSFER_QUEUE
CALLBACK_UNREACHED, RESOLVED, UNRESOLVED = (
    Outcome.CALLBACK_UNREACHED,
    Outcome.RESOLVED,
    Outcome.UNRESOLVED,
)
CONFERENCE, CONSULT, CONSULT_WAIT = Activity.CONFERENCE, Activity.CONSULT, Activity.CONSULT_WAIT
DIAL, TRANSFER = Activity.DIAL, Activity.TRANSFER

Process = Generator[Any, Any, Leg | None]


def _handoff_step(
    center: Center, c: Contact, pool: Pool, agent: int, draw: Any
) -> Generator[Any, Any, None]:
    """A's own hand-off work (a line to the customer, a ticket, a redirect), then wrap-up."""
    env = center.env
    start = env.now
    duration = draw()
    if duration > 0.0:
        yield env.timeout(duration)
        center.recorder.agent(pool.index, agent, c.id, TRANSFER, start, env.now)
    pool.finish(agent, center.wrap(pool.index, c.ctype.index)(), c.id)


def cold(
    center: Center,
    c: Contact,
    pool: Pool,
    agent: int,
    target: Pool,
    position: int,
    misroute: bool = True,
    sla_start: float = NAN,
) -> Process:
    """Blind transfer: A says a line and queues the contact at B; B rediscovers, then handles."""
    env = center.env
    cfg = center.cold
    yield from _handoff_step(center, c, pool, agent, cfg.transfer_time)
    handoff = env.now
    receiving = target
    misrouted = (
        misroute and cfg.misroute_probability > 0 and cfg.misroute() < cfg.misroute_probability
    )
    if misrouted:
        receiving = center.wrong_pool(pool, target)
    leg_no = center.start_leg(c)
    b = receiving.seize()
    if b is None:
        b = yield receiving.join(c.priority, center.transfer_rank, handoff + c.transfer_patience, c)
    c.transfer_wait += env.now - handoff
    # the escalation SLA runs from the first hand-off to the right pool's engagement
    sla_from = handoff if math.isnan(sla_start) else sla_start
    if b == ABANDONED:
        center.leg(
            c,
            leg_no,
            center.codes["cold"],
            pool,
            receiving,
            handoff,
            NAN,
            LEG_TRANSFER_QUEUE,
            sla_from,
            sla_pool=target,  # never reached the right pool: a miss of its target
        )
        center.end(c, ABANDONED_TRANSFER)
        return None
    rediscovery = cfg.rediscovery_time()
    if misrouted:
        center.leg(
            c,
            leg_no,
            center.codes["cold"],
            pool,
            receiving,
            handoff,
            env.now,
            ENGAGED,
            sla_from,
            count_sla=False,
        )
        c.visit(receiving.index)
        start = env.now
        if rediscovery > 0.0:
            yield env.timeout(rediscovery)
            center.recorder.agent(receiving.index, b, c.id, Activity.REDISCOVERY, start, env.now)
        c.rediscoveries += 1
        c.escalations += 1
        c.reason = Reason.MISROUTE
        return (yield from cold(center, c, receiving, b, target, position, False, handoff))
    center.leg(
        c, leg_no, center.codes["cold"], pool, receiving, handoff, env.now, ENGAGED, sla_from
    )
    return Leg(receiving, b, receiving, position, rediscovery, True)


@dataclass(frozen=True)
class Consulted:
    """A consult that happened: B's agent, when the hold began, when B was seized."""

    b: int
    hold_start: float
    engaged: float


def _consult(
    center: Center, c: Contact, pool: Pool, agent: int, target: Pool, position: int, policy: str
) -> Generator[Any, Any, Consulted | Leg | None]:
    """Hold the customer and seize a B, then consult (warm and conference alike).

    Returns :class:`Consulted` when A and B have consulted; ``None`` when the
    customer hung up on hold (the contact has ended); or, when no B came within
    ``max_consult_wait``, what the policy's fallback returns.
    """
    env = center.env
    cfg = getattr(center, policy)
    consult_time, max_wait = cfg.consult_time, cfg.max_consult_wait
    record = center.recorder.agent
    t0 = env.now
    hold_deadline = t0 + c.hold_patience
    b = target.seize()
    if b is None:
        deadline = min(hold_deadline, t0 + max_wait)
        request = target.join(c.priority, center.transfer_rank, deadline, c, capped=False)
        center.consults[request] = t0
        b = yield request
        del center.consults[request]
        if env.now > t0:
            record(pool.index, agent, c.id, CONSULT_WAIT, t0, env.now)
        if b == ABANDONED:
            c.hold_time += env.now - t0
            leg_no = center.start_leg(c)
            timed_out = env.now >= deadline - 1e-9  # else given up (a circular wait): fall back
            if timed_out and hold_deadline <= t0 + max_wait:  # the customer hung up on hold
                center.leg(c, leg_no, center.codes[policy], pool, target, t0, NAN, LEG_HOLD, t0)
                pool.finish(agent, center.wrap(pool.index, c.ctype.index)(), c.id)
                center.end(c, ABANDONED_HOLD)
                return None
            center.leg(
                c,
                leg_no,
                center.codes[policy],
                pool,
                target,
                t0,
                NAN,
                LEG_FALLBACK,
                t0,
                count_sla=False,
            )
            return (yield from center.fallback(cfg.fallback, c, pool, agent, target, position))
    engaged = env.now
    c.visit(target.index)
    start = env.now
    duration = consult_time()
    if hold_deadline < start + duration:  # hangs up during the consult
        yield env.timeout(max(hold_deadline - start, 0.0))
        record(pool.index, agent, c.id, CONSULT, start, env.now)
        record(target.index, b, c.id, CONSULT, start, env.now)
        target.release(b)
        c.hold_time += env.now - t0
        leg_no = center.start_leg(c)
        center.leg(c, leg_no, center.codes[policy], pool, target, t0, engaged, LEG_HOLD, t0)
        c.last_pool = pool.index
        pool.finish(agent, center.wrap(pool.index, c.ctype.index)(), c.id)
        center.end(c, ABANDONED_HOLD)
        return None
    if duration > 0.0:
        yield env.timeout(duration)
        record(pool.index, agent, c.id, CONSULT, start, env.now)
        record(target.index, b, c.id, CONSULT, start, env.now)
    return Consulted(b, t0, engaged)


def warm(
    center: Center, c: Contact, pool: Pool, agent: int, target: Pool, position: int
) -> Process:
    """Attended transfer: hold, consult A+B, three-way conference, A drops; B handles."""
    env = center.env
    consulted = yield from _consult(center, c, pool, agent, target, position, "warm")
    if not isinstance(consulted, Consulted):
        return consulted  # the customer hung up on hold, or the fallback's leg
    b, t0, engaged = consulted.b, consulted.hold_start, consulted.engaged
    c.hold_time += env.now - t0  # the hold ends when the conference starts
    start = env.now
    duration = center.warm.conference_time()
    if duration > 0.0:
        yield env.timeout(duration)
        center.recorder.agent(pool.index, agent, c.id, CONFERENCE, start, env.now)
        center.recorder.agent(target.index, b, c.id, CONFERENCE, start, env.now)
    pool.finish(agent, center.wrap(pool.index, c.ctype.index)(), c.id)
    leg_no = center.start_leg(c)
    center.leg(c, leg_no, center.codes["warm"], pool, target, t0, engaged, ENGAGED, t0)
    return Leg(target, b, target, position)


def conference(
    center: Center, c: Contact, pool: Pool, agent: int, target: Pool, position: int
) -> Process:
    """Consult and keep: hold, consult A+B, B leaves, A goes on with B's know-how."""
    env = center.env
    consulted = yield from _consult(center, c, pool, agent, target, position, "conference")
    if not isinstance(consulted, Consulted):
        return consulted  # the customer hung up on hold, or the fallback's leg
    b, t0, engaged = consulted.b, consulted.hold_start, consulted.engaged
    target.release(b)
    c.hold_time += env.now - t0
    c.visit(pool.index)
    leg_no = center.start_leg(c)
    center.leg(c, leg_no, center.codes["conference"], pool, target, t0, engaged, ENGAGED, t0)
    return Leg(pool, agent, target, position)


def callback(
    center: Center, c: Contact, pool: Pool, agent: int, target: Pool, position: int
) -> Process:
    """The customer hangs up with a promise; B dials from its queue when free."""
    env = center.env
    cfg = center.callback
    yield from _handoff_step(center, c, pool, agent, cfg.transfer_time)
    handoff = env.now
    leg_no = center.start_leg(c)
    priority = c.priority if cfg.priority is None else cfg.priority
    attempts = 0
    while True:
        attempts += 1
        queued = env.now
        b = target.seize()
        if b is None:
            b = yield target.join(priority, center.transfer_rank, math.inf, c, capped=False)
        c.transfer_wait += env.now - queued
        start = env.now
        duration = cfg.dial_time()
        if duration > 0.0:
            yield env.timeout(duration)
            center.recorder.agent(target.index, b, c.id, DIAL, start, env.now)
        if cfg.reach() < cfg.reach_probability:
            break
        target.release(b)
        if attempts >= cfg.max_attempts:
            center.leg(
                c,
                leg_no,
                center.codes["callback"],
                pool,
                target,
                handoff,
                NAN,
                LEG_UNREACHED,
                handoff,
                attempts=attempts,
            )
            center.end(c, CALLBACK_UNREACHED)
            return None
        if cfg.retry_delay > 0:
            yield env.timeout(cfg.retry_delay)
    center.leg(
        c,
        leg_no,
        center.codes["callback"],
        pool,
        target,
        handoff,
        start,
        ENGAGED,
        handoff,
        attempts=attempts,
    )
    rediscovery = cfg.rediscovery_time() * cfg.context_factor
    return Leg(target, b, target, position, rediscovery, cfg.context_factor > 0)


def email(
    center: Center, c: Contact, pool: Pool, agent: int, target: Pool, position: int
) -> Process:
    """A writes a ticket; B works it as back-office work from its queue."""
    env = center.env
    cfg = center.email
    c.ticket = True  # from now on the customer is not on the line: it stays a ticket
    yield from _handoff_step(center, c, pool, agent, cfg.transfer_time)
    handoff = env.now
    leg_no = center.start_leg(c)
    state = [False]  # whether B has started, for the chase
    if cfg.chase_probability > 0 and cfg.chase_after < math.inf:
        chase = cfg.chase()
        if chase < cfg.chase_probability:
            center.schedule_chase(c, handoff + cfg.chase_after, state)
    priority = c.priority if cfg.priority is None else cfg.priority
    b = target.seize()
    if b is None:
        b = yield target.join(priority, center.transfer_rank, math.inf, c, capped=False)
    state[0] = True
    c.transfer_wait += env.now - handoff
    center.leg(c, leg_no, center.codes["email"], pool, target, handoff, env.now, ENGAGED, handoff)
    rediscovery = cfg.rediscovery_time() * cfg.context_factor
    return Leg(target, b, target, position, rediscovery, cfg.context_factor > 0, cfg.work_factor)


def self_service(
    center: Center, c: Contact, pool: Pool, agent: int, target: Pool, position: int
) -> Process:
    """A points the customer to self-service, where it succeeds alone or not."""
    cfg = center.self_service
    yield from _handoff_step(center, c, pool, agent, cfg.transfer_time)
    leg_no = center.start_leg(c)
    center.leg(
        c,
        leg_no,
        center.codes["self_service"],
        pool,
        target,
        center.env.now,
        NAN,
        LEG_REDIRECTED,
        NAN,
        count_sla=False,
    )
    if cfg.success() < cfg.success_probability:
        c.false_resolution = center.false_draw() < center.false_resolution[c.policy]
        center.end(c, RESOLVED)
    else:
        center.end(c, UNRESOLVED)
    return None


TRANSFERS = {
    "cold": cold,
    "warm": warm,
    "conference": conference,
    "callback": callback,
    "email": email,
    "self_service": self_service,
}
