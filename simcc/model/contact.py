"""The customer's life: arrive, queue, be served, be handed on, end (MODEL.md §2).

The contact queues at the entry pool of its call type and abandons when its
patience runs out; an agent handles it and either resolves it, closes it
unresolved (no next pool), or escalates it to the next pool on the call
type's path with the scenario's transfer policy (:mod:`simcc.model.transfers`).
The receiving agent serves it in turn (:func:`serve`), and so on.

The first leg runs as event callbacks in :class:`simcc.model.center.Center`
(most contacts never go further, and a generator per contact is the largest
cost of a SimPy model); from the first hand-off on, the life is the light
process :func:`after_escalation` (:func:`simcc.model.scheduling.start_process`):
a generator that yields a delay in seconds to wait, or a queue entry to wait for.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING

from simcc.model.pool import OverflowClock, Pool
from simcc.model.records import AGENT_ROW, Activity, Outcome, Reason

if TYPE_CHECKING:
    from simcc.model.center import Center
    from simcc.model.scheduling import Pause

NAN = math.nan
# codes as plain ints (see simcc.model.records)
_NOT_RESOLVED = Reason.NOT_RESOLVED.value
_COMPLAINT = Reason.COMPLAINT.value
_HANDLE, _REDISCOVERY = Activity.HANDLE.value, Activity.REDISCOVERY.value
_RESOLVED, _UNRESOLVED = Outcome.RESOLVED.value, Outcome.UNRESOLVED.value


def _no_need() -> int:
    return 0


class CallTypeRuntime:
    """What the engine needs of a call type, indexed for speed.

    A call type with needs (MODEL.md §7) has one more runtime per need in
    :attr:`routes`: the same call type (``index``, ``name``) with the need's
    path, resolution, priority and detection time; a contact that draws the
    need carries that runtime as its ``ctype``.
    """

    def __init__(
        self, index: int, name: str, path: list[Pool], priority: int, need: int = 0
    ) -> None:
        self.index = index
        self.name = name
        self.path = path
        self.priority = priority
        self.need = need  # code of the need in the records (0: none)
        self.channel = 0  # code of the call type's channel (0: voice)
        self.resolve: list[float] = []
        self.escalate_after: list[float] = []
        # why the contact goes on, per pool: when the limit above ran out, when resolution failed
        self.limit_reason: list[int] = []
        self.fail_reason: list[int] = []
        self.overflow_now: list[Pool] = []  # overflow pools with no wait (``after: 0``)
        self.overflow_later: list[OverflowClock[Contact]] = []
        self.routes: list[CallTypeRuntime] = []  # one per need, in the file's order
        self.complaint_to: Pool = path[0]  # where a complaint sends the contact
        self.need_draw: Callable[[], int] = _no_need  # which route a new contact takes


class Contact:
    """One call from a customer, with its draws and what happened to it."""

    __slots__ = (
        "agent",
        "answer",
        "answer_pool",
        "arrival",
        "attempt",
        "busy_since",
        "call_type",
        "case_id",
        "ctype",
        "end",
        "entry_pool",
        "escalations",
        "false_resolution",
        "first_handle",
        "first_handoff",
        "first_resolve",
        "hold_patience",
        "hold_time",
        "id",
        "jump",
        "last_pool",
        "legs",
        "need",
        "outcome",
        "patience",
        "policy",
        "pools",
        "priority",
        "queued",
        "reason",
        "rediscoveries",
        "resolved",
        "retell",
        "segment",
        "sla_legs",
        "sla_legs_met",
        "ticket",
        "transfer_patience",
        "transfer_wait",
        "virtual_hold",
        "wait",
    )

    # set at arrival by Center (its draws) and while the contact is served
    priority: int
    arrival: float
    queued: float  # when it joined the entry queue (after any front door)
    patience: float
    hold_patience: float
    transfer_patience: float
    first_handle: float
    first_resolve: float
    agent: int
    busy_since: float
    resolved: bool
    # set when the contact ends
    end: float
    outcome: int  # an Outcome's plain code

    def __init__(
        self, cid: int, case_id: int, attempt: int, ctype: CallTypeRuntime, segment: int
    ) -> None:
        self.id = cid
        self.case_id = case_id
        self.attempt = attempt
        self.ctype = ctype
        self.call_type = ctype.index
        self.need = ctype.need
        self.segment = segment
        self.entry_pool = ctype.path[0].index
        self.answer = NAN
        self.answer_pool = -1
        self.wait = NAN
        self.escalations = 0
        self.false_resolution = False
        self.last_pool = self.entry_pool
        self.policy = 0
        self.hold_time = 0.0
        self.transfer_wait = 0.0
        self.rediscoveries = 0
        self.first_handoff = NAN
        self.sla_legs = 0
        self.sla_legs_met = 0
        self.legs = 0
        self.ticket = False
        self.retell = 0.0  # a retelling before the first handling (a front door's lost context)
        self.virtual_hold = False
        self.reason = _NOT_RESOLVED  # why the contact is being handed on
        self.jump: Pool | None = None  # where a trigger sends it (not the path's next pool)
        self.pools: list[int] | int = self.entry_pool

    def visit(self, pool: int) -> None:
        """Note that an agent of ``pool`` worked on the contact."""
        if isinstance(self.pools, int):
            if self.pools == pool:
                return
            self.pools = [self.pools, pool]
        elif self.pools[-1] != pool:
            self.pools.append(pool)
        self.last_pool = pool


class Leg:
    """What the contact continues with after a hand-off: who serves it, with what."""

    __slots__ = ("agent", "agent_pool", "counts", "param_pool", "position", "rediscovery", "work")

    def __init__(
        self,
        agent_pool: Pool,
        agent: int,
        param_pool: Pool,
        position: int,
        rediscovery: float = 0.0,
        counts: bool = False,
        work: float = 1.0,
    ) -> None:
        self.agent_pool = agent_pool  # whose agent works
        self.agent = agent
        self.param_pool = param_pool  # whose handle time and resolution apply
        self.position = position  # position of param_pool on the path
        self.rediscovery = rediscovery  # time the customer spends retelling the story
        self.counts = counts  # whether that retelling counts for customer effort
        self.work = work  # handle-time factor (email back-office work)


def after_escalation(
    center: Center, c: Contact, pool: Pool, agent: int
) -> Generator[Pause, int, None]:
    """The contact's life from its first hand-off: the process that goes on leg by leg.

    Its first leg (queue, answer, handle at the entry pool) ran as event
    callbacks in :class:`~simcc.model.center.Center`; the agent of the entry
    pool has just decided to escalate it.
    """
    if center.peers[pool.index] is not None and (yield from center.consult_peer(c, pool, agent)):
        return  # a colleague's know-how resolved it
    target = c.jump or c.ctype.path[1]
    leg = yield from center.hand_on(c, pool, agent, target, position_of(c.ctype, target))
    while leg is not None:
        leg = yield from serve(center, c, leg)


def position_of(ct: CallTypeRuntime, pool: Pool) -> int:
    """Where ``pool`` is on the contact's path; a pool off the path is its last step."""
    path = ct.path
    return path.index(pool) if pool in path else len(path) - 1


def serve(center: Center, c: Contact, leg: Leg) -> Generator[Pause, int, Leg | None]:
    """One agent works on the contact; returns the next leg, or None when it ended."""
    env = center.env
    pool, agent, params = leg.agent_pool, leg.agent, leg.param_pool
    record = center.recorder.agent
    ct = c.ctype
    c.visit(pool.index)
    start = env.now
    if leg.rediscovery > 0.0:
        yield leg.rediscovery
        record(AGENT_ROW(pool.index, agent, c.id, _REDISCOVERY, start, env.now))
        start = env.now
    if leg.counts:
        c.rediscoveries += 1
    complained = center.complaint is not None and center.complains(c, params)
    i, t = params.index, ct.index  # (the samplers looked up inline: every escalated leg)
    handle = (center.handles[i][t] or center.handle(i, t))() * leg.work
    u = (center.resolves[i][t] or center.resolve_draw(i, t))()
    resolve = ct.resolve[i]
    if pool.adjusts:  # the working agent's group or chat load: its factors
        handle, resolve = pool.skill(agent, handle, resolve)
    context = center.context[c.policy] if center.context is not None else None
    if context is not None:  # how the briefing of the policy it came by acts on this agent
        handle *= context[0]
        resolve = min(1.0, resolve * context[1])
    resolved = u < resolve
    position = leg.position
    target = ct.path[position + 1] if position + 1 < len(ct.path) else None
    limit = ct.escalate_after[i]
    reason = ct.fail_reason[i]
    if target is not None and handle > limit:
        handle, resolved = limit, False  # the escalation trigger ends the diagnosis
        reason = ct.limit_reason[i]
    if complained:  # the customer complains: the contact goes on to the complaint pool
        resolved, target, reason = False, ct.complaint_to, _COMPLAINT
        position = position_of(ct, target) - 1
    if handle > 0.0:
        yield handle
        record(AGENT_ROW(pool.index, agent, c.id, _HANDLE, start, env.now))
    if resolved or target is None:
        at = pool.index  # (the working pool's wrap-up; i is the pool whose parameters apply)
        pool.finish(agent, (center.wraps[at][t] or center.wrap(at, t))(), c.id)
        if resolved:
            c.false_resolution = (
                c.policy != 0 and center.false_draw() < center.false_resolution[c.policy]
            )
            center.end(c, _RESOLVED)
        else:
            center.end(c, _UNRESOLVED)
        return None
    c.reason = reason
    if center.peers[pool.index] is not None and (yield from center.consult_peer(c, pool, agent)):
        return None  # a colleague's know-how resolved it
    return (yield from center.hand_on(c, pool, agent, target, position + 1))
