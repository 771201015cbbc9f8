"""The transfer policies of MODEL.md §3 as sub-processes of a contact's light process.

Each function is entered by the transferring agent A (still busy with the
contact) and returns the :class:`~simcc.model.contact.Leg` the contact goes on
with — the receiving agent B, or A itself for ``conference`` — or ``None`` when
the contact ended during the hand-off.  Every step that takes time is a draw
from the scenario's distribution for it and every agent in a step is recorded
busy for it.  docs/policies.md shows each one as a timeline; the functions
read in the same order: ``yield d`` waits ``d`` seconds, ``b = yield entry``
waits in a queue (:mod:`simcc.model.scheduling`).

Every hand-off is recorded once, by :func:`record_handoff`, when it ends
(B engaged, the customer gone, or the policy fallen back).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any

from simcc.model.contact import Contact, Leg
from simcc.model.pool import Entry, Pool, Wait
from simcc.model.records import AGENT_ROW, HANDOFF_ROW, Activity, HandoffOutcome, Outcome, Reason
from simcc.model.scheduling import Pause

if TYPE_CHECKING:
    from pydantic import BaseModel

    from simcc.dists import Distribution
    from simcc.model.center import Center
    from simcc.rng import Streams
    from simcc.scenario import Transfer

NAN = math.nan
# the codes recorded per agent interval and per contact, as plain ints (see simcc.model.records)
_TRANSFER, _REDISCOVERY, _DIAL = (
    Activity.TRANSFER.value,
    Activity.REDISCOVERY.value,
    Activity.DIAL.value,
)
_CONSULT_WAIT, _CONSULT = Activity.CONSULT_WAIT.value, Activity.CONSULT.value
_CONFERENCE = Activity.CONFERENCE.value
_ABANDONED_HOLD = Outcome.ABANDONED_HOLD.value
_ABANDONED_TRANSFER_QUEUE = Outcome.ABANDONED_TRANSFER_QUEUE.value
_CALLBACK_UNREACHED = Outcome.CALLBACK_UNREACHED.value
_RESOLVED, _UNRESOLVED = Outcome.RESOLVED.value, Outcome.UNRESOLVED.value
_ANSWERED, _HUNG_UP, _TIMED_OUT = Wait.ANSWERED, Wait.HUNG_UP, Wait.TIMED_OUT
# how a hand-off ended, as plain ints (a HandoffOutcome's value)
_ENGAGED, _HUNG_UP_ON_HOLD = HandoffOutcome.ENGAGED.value, HandoffOutcome.ABANDONED_HOLD.value
_LEFT_QUEUE = HandoffOutcome.ABANDONED_TRANSFER_QUEUE.value
_FELL_BACK, _NOT_REACHED = HandoffOutcome.FALLBACK.value, HandoffOutcome.CALLBACK_UNREACHED.value
_REDIRECTED = HandoffOutcome.REDIRECTED.value

Process = Generator[Pause, int, Leg | None]
"""A transfer policy's sub-process: it ends with the leg the contact goes on with."""


class PolicySettings:
    """A transfer policy's settings, with its distributions turned into samplers.

    Every field of the policy's scenario block is an attribute (a sampler for a
    distribution, the value otherwise), plus the uniform draws a policy may
    need (``misroute``, ``reach``, ``chase``, ``success``).
    """

    def __getattr__(self, name: str) -> Any:  # fields are set in __init__
        raise AttributeError(name)

    def __init__(
        self, name: str, spec: BaseModel, streams: Streams, fallback_rediscovery: Distribution
    ) -> None:
        self.name = name
        for field in type(spec).model_fields:
            value = getattr(spec, field)
            if hasattr(value, "sampler"):
                value = value.sampler(streams.generator(f"{name}:{field}"))
            setattr(self, field, value)
        if getattr(spec, "rediscovery_time", "absent") is None:
            self.rediscovery_time = fallback_rediscovery.sampler(
                streams.generator(f"{name}:rediscovery_time")
            )
        self.misroute = streams.uniform(f"{name}:misroute")
        self.reach = streams.uniform(f"{name}:reach")
        self.chase = streams.uniform(f"{name}:chase")
        self.success = streams.uniform(f"{name}:success")


def policy_settings(transfer: Transfer, streams: Streams) -> dict[str, PolicySettings]:
    """Every transfer policy's settings, by policy name."""
    default = transfer.cold.rediscovery_time
    return {
        name: PolicySettings(name, getattr(transfer, name), streams, default) for name in TRANSFERS
    }


def record_handoff(
    center: Center,
    c: Contact,
    *,
    policy: str,
    source: Pool,
    to: Pool,
    start: float,
    engaged: float,
    outcome: int,
    sla: Pool | None,
    sla_from: float = NAN,
    attempts: int = 0,
) -> None:
    """Record one hand-off of contact ``c`` (numbered in turn) with the reason it was made.

    ``sla`` is the pool whose escalation SLA target the hand-off counts against
    (``None`` when none applies: a misroute's first hop, a fallback, a
    self-service redirect), met when B engaged within the target of ``sla_from``.
    """
    c.legs += 1
    target = met = NAN
    if sla is not None:
        target = center.sla_target[sla.index]
        if target == target:  # (not NaN: the pool has a target; a NaN engaged misses it)
            c.sla_legs += 1
            met = 0.0
            if engaged - sla_from <= target:
                met = 1.0
                c.sla_legs_met += 1
    center.recorder.handoff(
        HANDOFF_ROW(  # HANDOFFS' fields, in order
            c.id,  # contact_id
            c.legs,  # leg
            c.reason,  # reason
            center.codes[policy],  # policy
            source.index,  # from_pool
            to.index,  # to_pool
            start,  # handoff
            engaged,  # engaged
            outcome,  # outcome
            target,  # sla_target
            met,  # sla_met
            attempts,  # attempts
        )
    )


def fallback(
    center: Center, policy: str, c: Contact, pool: Pool, agent: int, target: Pool, position: int
) -> Process:
    """Warm/conference fallback when no B came in time: ``cold`` or ``callback``
    (its process, to be run with ``yield from`` at once)."""
    c.policy = center.codes[policy]
    return TRANSFERS[policy](center, c, pool, agent, target, position)


def busy_for(
    center: Center, c: Contact, activity: int, duration: float, *agents: tuple[Pool, int]
) -> Generator[Pause, int, None]:
    """A step of ``duration`` seconds in which each ``(pool, agent)`` works on ``c``
    at ``activity``: wait it out and record it for each agent (nothing if it takes no time)."""
    if duration > 0.0:
        env = center.env
        start = env.now
        yield duration
        for pool, agent in agents:
            center.recorder.agent(AGENT_ROW(pool.index, agent, c.id, activity, start, env.now))


def _handoff_step(
    center: Center, c: Contact, pool: Pool, agent: int, draw: Callable[[], float]
) -> Generator[Pause, int, None]:
    """A's own hand-off work (a line to the customer, a ticket, a redirect), then wrap-up."""
    duration = draw()
    if duration > 0.0:  # (busy_for, written out: every cold, callback, e-mail hand-off)
        start = center.env.now
        yield duration
        center.recorder.agent(AGENT_ROW(pool.index, agent, c.id, _TRANSFER, start, center.env.now))
    i, t = pool.index, c.ctype.index
    pool.finish(agent, (center.wraps[i][t] or center.wrap(i, t))(), c.id)


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
    cfg = center.settings["cold"]
    # A says a line (transfer_time), then wraps up while the customer waits for B
    yield from _handoff_step(center, c, pool, agent, cfg.transfer_time)
    handoff = env.now
    receiving = target
    misrouted = (
        misroute and cfg.misroute_probability > 0 and cfg.misroute() < cfg.misroute_probability
    )
    if misrouted:
        receiving = center.wrong_pool(pool, target)
    # the customer waits in B's queue (may hang up: transfer_patience)
    b = receiving.seize()
    if b is None:
        waiting = receiving.join(c.priority, center.transfer_rank, handoff + c.transfer_patience, c)
        b = yield waiting
        answered = waiting.ended == _ANSWERED  # else hung up, or found the queue full
    else:
        answered = True
    c.transfer_wait += env.now - handoff
    record_handoff(
        center,
        c,
        policy="cold",
        source=pool,
        to=receiving,
        start=handoff,
        engaged=env.now if answered else NAN,
        outcome=_ENGAGED if answered else _LEFT_QUEUE,
        # the escalation SLA runs from the first hand-off to the right pool's engagement:
        # a misroute's first hop is not measured; a hang-up misses the right pool's target
        sla=None if answered and misrouted else target,
        sla_from=handoff if math.isnan(sla_start) else sla_start,
    )
    if not answered:
        center.end(c, _ABANDONED_TRANSFER_QUEUE)
        return None
    # B answers; the customer tells the story again (rediscovery_time)
    rediscovery = cfg.rediscovery_time()
    if misrouted:  # ... to the wrong pool's agent, who sends it on
        wrong = receiving
        return (yield from _misrouted(center, c, wrong, b, target, position, rediscovery, handoff))
    return Leg(receiving, b, receiving, position, rediscovery, True)


def _misrouted(
    center: Center,
    c: Contact,
    wrong: Pool,
    b: int,
    target: Pool,
    position: int,
    rediscovery: float,
    handoff: float,
) -> Process:
    """The wrong pool's agent hears the story, then cold-transfers it on (no second misroute).

    The escalation SLA still runs from the first hand-off (at ``handoff``).
    """
    env = center.env
    c.visit(wrong.index)
    start = env.now
    if rediscovery > 0.0:
        yield rediscovery
        center.recorder.agent(AGENT_ROW(wrong.index, b, c.id, _REDISCOVERY, start, env.now))
    c.rediscoveries += 1
    c.escalations += 1
    c.reason = Reason.MISROUTE.value
    return (yield from cold(center, c, wrong, b, target, position, False, handoff))


def _attended(
    center: Center, c: Contact, pool: Pool, agent: int, target: Pool, position: int, policy: str
) -> Process:
    """``warm`` and ``conference``: hold the customer and seize a B, consult, then go on as
    the policy says (one generator for both: the consult's waits resume it directly, not
    through a sub-process of its own)."""
    env = center.env
    cfg = center.settings[policy]
    record = center.recorder.agent
    # A puts the customer on hold (may hang up: hold_patience) and waits for a B
    t0 = env.now
    hold_deadline = t0 + c.hold_patience
    b = target.seize()
    if b is None:
        request = _ask_for_b(center, c, target, t0, hold_deadline, cfg.max_consult_wait)
        b = yield request
        del center.consults[request]
        if env.now > t0:
            record(AGENT_ROW(pool.index, agent, c.id, _CONSULT_WAIT, t0, env.now))
        if request.ended == _HUNG_UP:
            _hung_up_on_hold(center, c, policy, pool, agent, target, t0, NAN)
            return None
        if request.ended != _ANSWERED:  # timed out, or given up in a circular wait
            return (yield from _fall_back(center, c, policy, pool, agent, target, position, t0))
    # A and B consult (consult_time), the customer still on hold
    engaged = env.now
    c.visit(target.index)
    duration = cfg.consult_time()
    if hold_deadline < engaged + duration:  # the customer hangs up during the consult
        yield max(hold_deadline - engaged, 0.0)
        record(AGENT_ROW(pool.index, agent, c.id, _CONSULT, engaged, env.now))
        record(AGENT_ROW(target.index, b, c.id, _CONSULT, engaged, env.now))
        target.release(b)
        c.last_pool = pool.index
        _hung_up_on_hold(center, c, policy, pool, agent, target, t0, engaged)
        return None
    if duration > 0.0:  # (busy_for, written out: this is every escalated contact's path)
        yield duration
        now = env.now
        record(AGENT_ROW(pool.index, agent, c.id, _CONSULT, engaged, now))
        record(AGENT_ROW(target.index, b, c.id, _CONSULT, engaged, now))
    if policy == "conference":  # B leaves; A goes on with B's know-how
        return _keep(center, c, pool, agent, target, position, b, t0, engaged)
    # warm: the three-way conference (conference_time), then A drops and wraps up
    start = env.now
    c.hold_time += start - t0  # the hold ends when the conference starts
    duration = cfg.conference_time()
    if duration > 0.0:  # (busy_for, written out)
        yield duration
        now = env.now
        record(AGENT_ROW(pool.index, agent, c.id, _CONFERENCE, start, now))
        record(AGENT_ROW(target.index, b, c.id, _CONFERENCE, start, now))
    return _drop(center, c, pool, agent, target, position, b, t0, engaged)


def _ask_for_b(
    center: Center, c: Contact, target: Pool, t0: float, hold_deadline: float, max_wait: float
) -> Entry[Contact]:
    """A's request for a B in ``target``'s queue, from ``t0``: it ends when the customer
    hangs up on hold or at ``max_consult_wait``, whichever comes first."""
    limit = t0 + max_wait
    request = target.join(
        c.priority,
        center.transfer_rank,
        min(hold_deadline, limit),
        c,
        capped=False,
        expires=_HUNG_UP if hold_deadline <= limit else _TIMED_OUT,
    )
    center.consults[request] = t0
    return request


def _fall_back(
    center: Center,
    c: Contact,
    policy: str,
    pool: Pool,
    agent: int,
    target: Pool,
    position: int,
    t0: float,
) -> Process:
    """No B came within ``max_consult_wait`` (or the wait was given up): A applies the fallback."""
    c.hold_time += center.env.now - t0
    record_handoff(
        center,
        c,
        policy=policy,
        source=pool,
        to=target,
        start=t0,
        engaged=NAN,
        outcome=_FELL_BACK,
        sla=None,
    )
    then = center.settings[policy].fallback
    return (yield from fallback(center, then, c, pool, agent, target, position))


def _hung_up_on_hold(
    center: Center,
    c: Contact,
    policy: str,
    pool: Pool,
    agent: int,
    target: Pool,
    t0: float,
    engaged: float,
) -> None:
    """The customer hung up on hold (before or during the consult): A wraps up; it ends."""
    c.hold_time += center.env.now - t0
    record_handoff(
        center,
        c,
        policy=policy,
        source=pool,
        to=target,
        start=t0,
        engaged=engaged,
        outcome=_HUNG_UP_ON_HOLD,
        sla=target,
        sla_from=t0,
    )
    pool.finish(agent, center.wrap(pool.index, c.ctype.index)(), c.id)
    center.end(c, _ABANDONED_HOLD)


def warm(
    center: Center, c: Contact, pool: Pool, agent: int, target: Pool, position: int
) -> Process:
    """Attended transfer: hold, consult A+B, three-way conference, A drops; B handles."""
    return _attended(center, c, pool, agent, target, position, "warm")


def conference(
    center: Center, c: Contact, pool: Pool, agent: int, target: Pool, position: int
) -> Process:
    """Consult and keep: hold, consult A+B, B leaves, A goes on with B's know-how."""
    return _attended(center, c, pool, agent, target, position, "conference")


def _drop(
    center: Center,
    c: Contact,
    pool: Pool,
    agent: int,
    target: Pool,
    position: int,
    b: int,
    t0: float,
    engaged: float,
) -> Leg:
    """A warm transfer's conference is over: A drops and wraps up; B goes on with it."""
    i, t = pool.index, c.ctype.index
    pool.finish(agent, (center.wraps[i][t] or center.wrap(i, t))(), c.id)
    record_handoff(
        center,
        c,
        policy="warm",
        source=pool,
        to=target,
        start=t0,
        engaged=engaged,
        outcome=_ENGAGED,
        sla=target,
        sla_from=t0,
    )
    return Leg(target, b, target, position)


def _keep(
    center: Center,
    c: Contact,
    pool: Pool,
    agent: int,
    target: Pool,
    position: int,
    b: int,
    t0: float,
    engaged: float,
) -> Leg:
    """A conference's consult is over: B leaves, the hold ends; A goes on with B's know-how."""
    target.release(b)
    c.hold_time += center.env.now - t0
    c.visit(pool.index)
    record_handoff(
        center,
        c,
        policy="conference",
        source=pool,
        to=target,
        start=t0,
        engaged=engaged,
        outcome=_ENGAGED,
        sla=target,
        sla_from=t0,
    )
    return Leg(pool, agent, target, position)


def callback(
    center: Center, c: Contact, pool: Pool, agent: int, target: Pool, position: int
) -> Process:
    """The customer hangs up with a promise; B dials from its queue when free."""
    env = center.env
    cfg = center.settings["callback"]
    # A promises a call back (transfer_time), then wraps up; the promise waits in B's queue
    yield from _handoff_step(center, c, pool, agent, cfg.transfer_time)
    handoff = env.now
    priority = c.priority if cfg.priority is None else cfg.priority
    attempts = 0
    while True:
        attempts += 1
        queued = env.now
        b = target.seize()
        if b is None:
            b = yield target.join(priority, center.transfer_rank, math.inf, c, capped=False)
        c.transfer_wait += env.now - queued
        # B dials (dial_time); the customer answers with reach_probability
        start = env.now
        yield from busy_for(center, c, _DIAL, cfg.dial_time(), (target, b))
        if cfg.reach() < cfg.reach_probability:
            break
        target.release(b)
        if attempts >= cfg.max_attempts:
            _record_callback(center, c, pool, target, handoff, NAN, attempts)
            center.end(c, _CALLBACK_UNREACHED)
            return None
        if cfg.retry_delay > 0:
            yield cfg.retry_delay
    _record_callback(center, c, pool, target, handoff, start, attempts)
    rediscovery = cfg.rediscovery_time() * cfg.context_factor
    return Leg(target, b, target, position, rediscovery, cfg.context_factor > 0)


def _record_callback(
    center: Center,
    c: Contact,
    pool: Pool,
    target: Pool,
    handoff: float,
    reached: float,
    attempts: int,
) -> None:
    """A callback hand-off: the customer reached at ``reached``, or never (NaN)."""
    record_handoff(
        center,
        c,
        policy="callback",
        source=pool,
        to=target,
        start=handoff,
        engaged=reached,
        outcome=_NOT_REACHED if math.isnan(reached) else _ENGAGED,
        sla=target,
        sla_from=handoff,
        attempts=attempts,
    )


def email(
    center: Center, c: Contact, pool: Pool, agent: int, target: Pool, position: int
) -> Process:
    """A writes a ticket; B works it as back-office work from its queue."""
    env = center.env
    cfg = center.settings["email"]
    c.ticket = True  # from now on the customer is not on the line: it stays a ticket
    yield from _handoff_step(center, c, pool, agent, cfg.transfer_time)
    handoff = env.now
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
    record_handoff(
        center,
        c,
        policy="email",
        source=pool,
        to=target,
        start=handoff,
        engaged=env.now,
        outcome=_ENGAGED,
        sla=target,
        sla_from=handoff,
    )
    rediscovery = cfg.rediscovery_time() * cfg.context_factor
    return Leg(target, b, target, position, rediscovery, cfg.context_factor > 0, cfg.work_factor)


def self_service(
    center: Center, c: Contact, pool: Pool, agent: int, target: Pool, position: int
) -> Process:
    """A points the customer to self-service, where it succeeds alone or not."""
    cfg = center.settings["self_service"]
    yield from _handoff_step(center, c, pool, agent, cfg.transfer_time)
    record_handoff(
        center,
        c,
        policy="self_service",
        source=pool,
        to=target,
        start=center.env.now,
        engaged=NAN,
        outcome=_REDIRECTED,
        sla=None,
    )
    if cfg.success() < cfg.success_probability:
        c.false_resolution = center.false_draw() < center.false_resolution[c.policy]
        center.end(c, _RESOLVED)
    else:
        center.end(c, _UNRESOLVED)
    return None


TransferPolicy = Callable[["Center", Contact, Pool, int, Pool, int], Process]
"""A transfer policy: (centre, contact, A's pool, A, B's pool, position on the path) → leg."""

TRANSFERS: dict[str, TransferPolicy] = {
    "cold": cold,
    "warm": warm,
    "conference": conference,
    "callback": callback,
    "email": email,
    "self_service": self_service,
}
