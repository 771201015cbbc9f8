"""The contact centre in SimPy: pools of agents, their queues and their shifts.

A :class:`Pool` is a SimPy resource made for contact centres.  Its capacity is
a number of interchangeable agents that changes with the shift plan; its queue
is ordered by priority (lower first), then by whether the contact was
transferred (when ``transfer_priority`` is on), then first come, first served.

Waiting customers abandon when their patience runs out.  Instead of one
timeout event per waiting customer (``request | timeout(patience)``), each
queue entry carries its deadline and the pool keeps a *reneging clock*: a
single pending timeout at the earliest deadline of the customers still waiting.
When it rings, every customer whose deadline has passed leaves the queue at
exactly that deadline, and the clock is set for the next one.  Customers who
are answered before their deadline cost no event at all, and the queue length
seen by routing rules never counts a customer who has already hung up.

An agent is busy from the moment it picks a contact (or is seized for a
consult) until its wrap-up ends; :meth:`Pool.finish` starts the wrap-up and
frees the agent when it ends, without a process of its own.  An agent whose
shift has ended finishes the contact in hand, then leaves.
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from collections.abc import Callable
from typing import Any

import simpy
from simpy.events import PENDING, Event, Timeout

from simcc.model.contact import Contact, after_escalation
from simcc.model.records import OUTCOMES, Activity, Outcome, Reason

# module constants for the first leg, run for every contact (a class attribute costs more)
_HANDLE, _WRAP_UP = Activity.HANDLE, Activity.WRAP_UP
_RESOLVED, _UNRESOLVED, _ABANDONED_QUEUE = (
    Outcome.RESOLVED,
    Outcome.UNRESOLVED,
    Outcome.ABANDONED_QUEUE,
)
_HANDLING_TIME = Reason.HANDLING_TIME

ABANDONED = -1
"""Value of a queue entry's event when the customer's deadline passed first."""

WAITING, SERVED, GONE = 0, 1, 2
_EPS = 1e-9


class Entry(Event):
    """A place in a pool's queue; the event succeeds with an agent or ABANDONED.

    An entry made with ``then`` (the first leg's callbacks) is not triggered as
    an event: the pool calls ``then(entry, agent_or_ABANDONED)`` at that moment.
    """

    def settle(self, value: int) -> None:
        """The wait is over: an agent, or ABANDONED."""
        if self.then is not None:
            self.then(self, value)
        else:
            self.succeed(value)

    __slots__ = ("capped", "deadline", "group", "owner", "pool", "state", "then")

    def __init__(self, env: simpy.Environment, deadline: float, owner: Any, pool: Pool) -> None:
        self.env = env
        self.pool = pool
        self.then: Callable[[Entry, int], None] | None = None
        self.capped = False
        self.callbacks: list[Callable[[Event], None]] = []
        self._value = PENDING
        self.deadline = deadline
        self.owner = owner
        self.state = WAITING
        self.group: list[Entry] | None = None  # the same contact's entries in other queues


class Pool:
    """A group of interchangeable agents with one priority queue."""

    def __init__(
        self,
        env: simpy.Environment,
        index: int,
        name: str,
        tier: int,
        agents: int,
        recorder: Any,
        mean_handle: float,
    ) -> None:
        self.env = env
        self.index = index
        self.name = name
        self.tier = tier
        self.recorder = recorder
        self.mean_handle = mean_handle
        self.scheduled = agents
        self.present = agents
        self.busy = 0
        self.idle: deque[int] = deque(range(agents))
        self._free_ids: list[int] = []
        self._next_id = agents
        self._queue: list[tuple[int, int, float, int, Entry]] = []
        self._deadlines: list[tuple[float, int, Entry]] = []
        self._seq = 0
        self.waiting = 0
        self.waiting_live = 0  # waiting live customers (not callbacks, tickets or consults)
        self._clock_at = math.inf
        self._clocks: list[float] = []
        self.recent_starts: deque[float] = deque(maxlen=20)
        self.when_unstaffed: str | None = None
        self.fallback_pool: Pool | None = None
        self.queue_capacity: int | None = None
        recorder.staffing(pool=index, time=env.now, scheduled=agents, present=agents)

    # -------------------------------------------------------------- seizing

    def seize(self) -> int | None:
        """An idle agent at once, if there is one and nobody is waiting; else None."""
        if self.idle and not self.waiting:
            self.busy += 1
            self.recent_starts.append(self.env.now)
            return self.idle.popleft()
        return None

    def join(
        self,
        priority: int,
        rank: int,
        deadline: float,
        owner: Any,
        capped: bool = True,
        then: Callable[[Entry, int], None] | None = None,
    ) -> Entry:
        """Join the queue; the returned event gives an agent, or ABANDONED at ``deadline``.

        A live customer (``capped``) who finds the queue at its ``queue_capacity``
        gets a busy signal: the event gives ABANDONED at once.
        """
        env = self.env
        entry = Entry(env, deadline, owner, self)
        entry.then = then
        if capped and self.queue_capacity is not None and self.waiting_live >= self.queue_capacity:
            entry.state = GONE
            entry.settle(ABANDONED)
            return entry
        self._seq += 1
        heapq.heappush(self._queue, (priority, rank, env.now, self._seq, entry))
        self.waiting += 1
        if capped:
            entry.capped = True
            self.waiting_live += 1
        if deadline < math.inf:
            heapq.heappush(self._deadlines, (deadline, self._seq, entry))
            if deadline < self._clock_at:
                self._arm()
        if self.idle:  # only possible for an entry ahead of nobody at a shift start
            self._dispatch(self.idle.popleft())
        return entry

    def _leave(self, entry: Entry, state: int = GONE) -> None:
        """A waiting entry leaves the queue (answered, gone, or given up)."""
        entry.state = state
        self.waiting -= 1
        if entry.capped:
            self.waiting_live -= 1

    def cancel(self, entry: Entry) -> None:
        """Take a still-waiting entry out of the queue (e.g. a consult request given up)."""
        if entry.state == WAITING:
            self._leave(entry)

    # -------------------------------------------------------------- freeing

    def release(self, agent: int) -> None:
        """The agent is free: it leaves if its shift is over, else takes the next contact."""
        self.busy -= 1
        if self.present > self.scheduled:
            self.present -= 1
            heapq.heappush(self._free_ids, agent)
            self._record_staffing()
            return
        self._dispatch(agent)

    def finish(self, agent: int, wrap_up: float, contact: int) -> None:
        """Start the agent's wrap-up (after-call work) and free it when it ends."""
        if wrap_up > 0.0:
            now = self.env.now
            self.recorder.agent(self.index, agent, contact, _WRAP_UP, now, now + wrap_up)
            done = self.env.timeout(wrap_up)
            done.callbacks.append(lambda _event: self.release(agent))
        else:
            self.release(agent)

    def _dispatch(self, agent: int) -> None:
        queue = self._queue
        now = self.env.now
        while queue:
            entry = heapq.heappop(queue)[4]
            if entry.state != WAITING:
                continue
            self._leave(entry, SERVED)
            if entry.deadline <= now:
                entry.state = GONE
                entry.settle(ABANDONED)
                continue
            self.busy += 1
            self.recent_starts.append(now)
            entry.settle(agent)
            return
        self.idle.append(agent)

    # -------------------------------------------------------------- reneging clock

    def _arm(self) -> None:
        deadlines = self._deadlines
        while deadlines and deadlines[0][2].state != WAITING:
            heapq.heappop(deadlines)
        if not deadlines:
            return
        at = deadlines[0][0]
        if at >= self._clock_at:
            return
        self._clock_at = at
        heapq.heappush(self._clocks, at)
        ring = self.env.timeout(max(at - self.env.now, 0.0))
        ring.callbacks.append(self._ring)

    def _ring(self, _event: Event) -> None:
        now = self.env.now
        clocks = self._clocks
        while clocks and clocks[0] <= now + _EPS:
            heapq.heappop(clocks)
        self._clock_at = clocks[0] if clocks else math.inf
        deadlines = self._deadlines
        while deadlines and deadlines[0][0] <= now + _EPS:
            entry = heapq.heappop(deadlines)[2]
            if entry.state == WAITING:
                self._leave(entry)
                entry.settle(ABANDONED)
        self._arm()

    # -------------------------------------------------------------- shifts

    def set_staffing(self, agents: int) -> None:
        """Change the scheduled number of agents (a shift boundary)."""
        self.scheduled = agents
        if self.present < agents:
            for _ in range(agents - self.present):
                self.present += 1
                if self._free_ids:
                    agent = heapq.heappop(self._free_ids)
                else:
                    agent = self._next_id
                    self._next_id += 1
                self._dispatch(agent)
        else:
            while self.present > agents and self.idle:
                heapq.heappush(self._free_ids, self.idle.pop())
                self.present -= 1
        self._record_staffing()

    def _record_staffing(self) -> None:
        self.recorder.staffing(
            pool=self.index, time=self.env.now, scheduled=self.scheduled, present=self.present
        )

    # -------------------------------------------------------------- what rules see

    @property
    def idle_agents(self) -> int:
        return len(self.idle)

    @property
    def queue_length(self) -> int:
        """Customers waiting now (those past their deadline already left)."""
        return self.waiting

    def expected_wait(self) -> float:
        """Expected wait of a newcomer, from the queue and the recent answer rate.

        ``(waiting − idle + 1) / rate``, where ``rate`` is the answers per second
        over the last 20 answers; with fewer than two recent answers, the
        rate of present agents working at the pool's mean handle time.
        """
        ahead = self.waiting - len(self.idle) + 1
        if ahead <= 0:
            return 0.0
        starts = self.recent_starts
        span = starts[-1] - starts[0] if len(starts) >= 2 else 0.0
        if span > 0:
            rate = (len(starts) - 1) / span
        elif self.present > 0 and self.mean_handle > 0:
            rate = self.present / self.mean_handle
        else:
            return math.inf
        return ahead / rate


def staffing_process(
    env: simpy.Environment,
    pool: Pool,
    interval: float,
    counts: list[int],
    repeat: bool,
    center: Center,
) -> Any:
    """Apply a shift plan: one count per interval, the last held (or the plan repeated).

    A repeated plan goes on after the horizon while contacts are still in the
    system, so that those waiting for a later shift are served; it stops when
    a whole cycle of the plan passes without any contact ending (nothing the
    plan could still change).
    """
    i = 1
    ended_at_cycle = -1
    while True:
        at = i * interval
        if not repeat and (i >= len(counts) or at >= center.horizon):
            return
        yield env.timeout(at - env.now)
        if repeat and at >= center.horizon:
            if not center.live:
                return
            if i % len(counts) == 0:
                if center.ended == ended_at_cycle:
                    return
                ended_at_cycle = center.ended
        pool.set_staffing(counts[i % len(counts)] if repeat else counts[i])
        i += 1


class OverflowClock:
    """When contacts still waiting at a call type's entry pool reach one overflow step.

    Every entry joins at the current time and the step's ``after`` is the same
    for all, so the times are in order: one pending timeout for the oldest,
    like a pool's reneging clock, instead of one per waiting contact.
    """

    __slots__ = ("after", "armed", "center", "due", "pool")

    def __init__(self, center: Center, pool: Pool, after: float) -> None:
        self.center = center
        self.pool = pool
        self.after = after
        self.due: deque[tuple[float, Entry]] = deque()
        self.armed = False

    def add(self, entry: Entry) -> None:
        """``entry`` (at the entry pool) overflows at ``now + after`` if still waiting."""
        self.due.append((self.center.env.now + self.after, entry))
        if not self.armed:
            self._arm()

    def _arm(self) -> None:
        due = self.due
        while due and due[0][1].state != WAITING:
            due.popleft()
        if not due:
            self.armed = False
            return
        self.armed = True
        env = self.center.env
        ring = env.timeout(max(due[0][0] - env.now, 0.0))
        ring.callbacks.append(self._ring)

    def _ring(self, _event: Event) -> None:
        now = self.center.env.now
        due = self.due
        while due and due[0][0] <= now + _EPS:
            entry = due.popleft()[1]
            if entry.state == WAITING:
                self.center.overflow(entry, self.pool)
        self._arm()


def _no_wrap_up() -> float:
    return 0.0


# ============================================================================ the centre


class _PolicyDraws:
    """A transfer policy's settings with its distributions turned into samplers.

    Every field of the policy's scenario block is an attribute (a sampler for a
    distribution, the value otherwise).
    """

    def __getattr__(self, name: str) -> Any:  # fields are set in __init__
        raise AttributeError(name)

    def __init__(self, name: str, spec: Any, streams: Any, fallback_rediscovery: Any) -> None:
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


class ArrivalStream:
    """The arrival times of one call type: Poisson with a piecewise-constant rate, or a trace.

    Gaps are unit exponential draws divided by the rate of the current
    interval; at an interval boundary the clock restarts with the next rate
    (exact for a Poisson process, by memorylessness; no thinning).
    """

    def __init__(
        self, ct: CallTypeRuntime, spec: Any, streams: Any, horizon: float, prepare: Any
    ) -> None:
        self.ct = ct
        self.prepare = prepare
        self.horizon = horizon
        self.times = sorted(spec.times) if spec.times is not None else None
        self._i = 0
        self.interval, self.rates, self.repeat = spec.profile()
        self.unit = streams.exponential(f"arrivals:{ct.name}")
        self.t = 0.0
        self.index = 0
        self.end = self.interval
        self.rate = self.rates[0]

    def next_time(self) -> float | None:
        """The next arrival time before the horizon, or None when there is none."""
        if self.times is not None:
            if self._i < len(self.times) and self.times[self._i] < self.horizon:
                self._i += 1
                return self.times[self._i - 1]
            return None
        rates, horizon = self.rates, self.horizon
        while True:
            gap = self.unit() / self.rate if self.rate > 0 else math.inf
            if self.t + gap >= self.end:
                if self.end >= horizon:
                    return None
                self.t = self.end
                self.index += 1
                i = self.index
                self.rate = rates[i % len(rates)] if self.repeat else rates[min(i, len(rates) - 1)]
                self.end = min(self.end + self.interval, horizon)
                continue
            self.t += gap
            return self.t if self.t < horizon else None


class CallTypeRuntime:
    """What the engine needs of a call type, indexed for speed."""

    def __init__(self, index: int, name: str, path: list[Pool], priority: int) -> None:
        self.index = index
        self.name = name
        self.path = path
        self.priority = priority
        self.resolve: list[float] = []
        self.escalate_after: list[float] = []
        self.overflow_now: list[Pool] = []  # overflow pools with no wait (``after: 0``)
        self.overflow_later: list[OverflowClock] = []


class Center:
    """One replication's contact centre: pools, arrivals, streams and records.

    Built from a validated scenario; :meth:`run` simulates it to the end of the
    drain and leaves the records in :attr:`recorder`.
    """

    def __init__(
        self, scenario: Any, streams: Any, recorder: Any, max_contacts: int | None = None
    ) -> None:
        from simcc.model.policies import needs_expected_wait

        self.env = env = simpy.Environment()
        self.scenario = s = scenario
        self.streams = streams
        self.recorder = recorder
        self.horizon = s.horizon
        self.warmup = s.warmup
        self.max_contacts = max_contacts
        self.stopped_early: str | None = None
        names = recorder.names
        self.codes = {name: i for i, name in enumerate(names.policies)}
        self.pool_index = {name: i for i, name in enumerate(names.pools)}
        call_type_names = list(names.call_types)

        self.pools: list[Pool] = []
        for i, (name, spec) in enumerate(s.pools.items()):
            means = [d.mean for d in spec.handle_time.values()]
            pool = Pool(
                env, i, name, spec.tier, spec.agents.counts[0], recorder, sum(means) / len(means)
            )
            self.pools.append(pool)
        for pool, spec in zip(self.pools, s.pools.values(), strict=True):
            pool.when_unstaffed = spec.when_unstaffed
            pool.queue_capacity = spec.queue_capacity
            if spec.when_unstaffed in self.pool_index:
                pool.fallback_pool = self.pools[self.pool_index[spec.when_unstaffed]]
            if len(spec.agents.counts) > 1 and spec.agents.interval is not None:
                env.process(
                    staffing_process(
                        env,
                        pool,
                        spec.agents.interval,
                        spec.agents.counts,
                        spec.agents.repeat,
                        self,
                    )
                )

        self.call_types: list[CallTypeRuntime] = []
        for i, (name, spec) in enumerate(s.call_types.items()):
            ct = CallTypeRuntime(
                i, name, [self.pools[self.pool_index[p]] for p in spec.path], spec.priority
            )
            for pool_spec in s.pools.values():
                resolve = pool_spec.for_type(pool_spec.resolve, name)
                ct.resolve.append(1.0 if resolve is None else resolve)
                after = pool_spec.escalate_after
                ct.escalate_after.append(math.inf if after is None else after)
            for step in spec.overflow:
                pool = self.pools[self.pool_index[step.pool]]
                if step.after > 0:
                    ct.overflow_later.append(OverflowClock(self, pool, step.after))
                else:
                    ct.overflow_now.append(pool)
            self.call_types.append(ct)
        self._call_type_names = call_type_names

        customers = s.customers
        self.segment_names = list(names.segments)
        self.segment_priority = [seg.priority for seg in s.segments.values()]
        self._recontact_draws: dict[int, Callable[[Any, int], None]] = {}
        self._last_attempt: dict[int, int] = {}
        self._chased: set[int] = set()  # cases that have had their e-mail chase
        self.ended = 0  # contacts ended so far
        self.consults: dict[Entry, float] = {}  # consult requests waiting for a B
        self.segment_draw = streams.choice("segment", [seg.share for seg in s.segments.values()])

        t = s.transfer
        self.policy = t.policy
        self.rules = t.rules
        self.rules_need_wait = needs_expected_wait(t.rules)
        self.transfer_rank = 0 if t.transfer_priority else 1
        self.cold = _PolicyDraws("cold", t.cold, streams, t.cold.rediscovery_time)
        self.warm = _PolicyDraws("warm", t.warm, streams, t.cold.rediscovery_time)
        self.conference = _PolicyDraws("conference", t.conference, streams, t.cold.rediscovery_time)
        self.callback = _PolicyDraws("callback", t.callback, streams, t.cold.rediscovery_time)
        self.email = _PolicyDraws("email", t.email, streams, t.cold.rediscovery_time)
        self.self_service = _PolicyDraws(
            "self_service", t.self_service, streams, t.cold.rediscovery_time
        )
        self.false_resolution = [0.0] * len(names.policies)
        for policy, p in t.false_resolution.items():
            self.false_resolution[self.codes[policy]] = p
        self.false_draw = streams.uniform("false_resolution")
        self.wrong_draw = streams.uniform("misroute_pool")
        self.sla_target = [s.sla.escalation.get(p.name, math.nan) for p in self.pools]

        recontact = customers.recontact
        self.recontact = recontact
        if recontact is not None:
            self.recontact_draw = streams.uniform("recontact")
            self.recontact_delay = recontact.delay.sampler(streams.generator("recontact_delay"))

        self._samplers: dict[tuple[str, int, int], Callable[[], float]] = {}
        self.next_contact = 0
        self.next_case = 0
        self.live: dict[int, Any] = {}
        from simcc.model import transfers

        self._transfers = transfers.TRANSFERS
        for ct in self.call_types:
            self._start_arrivals(ct, s.call_types[ct.name].arrivals)

    # ------------------------------------------------------------------ samplers

    def handle(self, pool: int, call_type: int) -> Callable[[], float]:
        """Handle-time sampler of a pool for a call type."""
        return self._sampler("handle", pool, call_type)

    def wrap(self, pool: int, call_type: int) -> Callable[[], float]:
        """Wrap-up sampler of a pool for a call type."""
        return self._sampler("wrap_up", pool, call_type)

    def resolve_draw(self, pool: int, call_type: int) -> Callable[[], float]:
        """Uniform draws deciding resolution at a pool for a call type."""
        return self._sampler("resolve", pool, call_type)

    def _sampler(self, kind: str, pool: int, call_type: int) -> Callable[[], float]:
        key = (kind, pool, call_type)
        sampler = self._samplers.get(key)
        if sampler is None:
            pool_name = self.pools[pool].name
            ct_name = self._call_type_names[call_type]
            stream = f"{kind}:{pool_name}:{ct_name}"
            if kind == "resolve":
                sampler = self.streams.uniform(stream)
            elif kind == "wrap_up":
                spec = self.scenario.pools[pool_name]
                dist = spec.for_type(spec.wrap_up, ct_name)
                if dist is None:  # no wrap-up given for this call type
                    return _no_wrap_up
                sampler = dist.sampler(self.streams.generator(stream))
            else:  # handle times: "handle", or "overflow_handle" / "overflow_recontact_handle"
                spec = self.scenario.pools[pool_name]
                dist = spec.for_type(spec.handle_time, ct_name)
                if dist is None:  # a pool standing in for another (when_unstaffed)
                    dist = spec.for_type(spec.handle_time, next(iter(spec.handle_time)))
                sampler = dist.sampler(self.streams.generator(stream))
            self._samplers[key] = sampler
        return sampler

    # ------------------------------------------------------------------ arrivals

    def _start_arrivals(self, ct: CallTypeRuntime, spec: Any) -> None:
        stream = ArrivalStream(ct, spec, self.streams, self.horizon, self._draws(ct, "first"))
        self._schedule_arrival(stream)

    def _schedule_arrival(self, stream: ArrivalStream) -> None:
        at = stream.next_time()
        if at is not None:
            event = Timeout(self.env, at - self.env.now, stream)
            event.callbacks.append(self._on_arrival)

    def _on_arrival(self, event: Event) -> None:
        """A first contact arrives: give it its draws, queue or serve it, book the next."""
        stream: ArrivalStream = event._value
        segment = self.segment_draw()
        c = Contact(self.next_contact, self.next_case, 1, stream.ct, segment)
        self.next_contact += 1
        self.next_case += 1
        stream.prepare(c, segment)
        self.live[c.id] = c
        self.arrive(c)
        if self.max_contacts is not None and self.next_contact >= self.max_contacts:
            self.stopped_early = f"stopped at --max-contacts {self.max_contacts}"
            return
        self._schedule_arrival(stream)

    # ------------------------------------------------------------------ the first leg

    # The first leg of every contact (queue at the entry pool, answer, handle,
    # resolve or escalate) runs as callbacks on the same SimPy events a process
    # would wait on, without a generator frame per contact; the contact's life
    # becomes a SimPy process (simcc.model.contact.after_escalation) at its
    # first hand-off.  This keeps the common path cheap; the event times are
    # the same as a process's (tests/process/test_event_sequences.py).

    def arrive(self, c: Any) -> None:
        """Contact ``c`` asks for an agent of its entry pool (or of an overflow pool)."""
        ct = c.ctype
        entry = ct.path[0]
        agent = entry.seize()
        if agent is not None:
            self._answer(c, entry, agent)
            return
        for pool in ct.overflow_now:
            agent = pool.seize()
            if agent is not None:
                self._answer(c, pool, agent)
                return
        waiting = entry.join(c.priority, 1, c.arrival + c.patience, c, then=self._on_answer)
        if waiting.state == WAITING:
            for pool in ct.overflow_now:
                self.overflow(waiting, pool)
            for clock in ct.overflow_later:
                clock.add(waiting)

    def overflow(self, entry: Entry, pool: Pool) -> None:
        """The contact waiting in ``entry`` (its entry pool) may now be answered by ``pool``.

        An idle agent of ``pool`` answers at once; otherwise the contact joins
        ``pool``'s queue too (unless it is full) with the same deadline, and
        stays in every queue it is in until one of them answers it.
        """
        c = entry.owner
        if entry.deadline <= self.env.now + _EPS:
            return  # patience runs out now: the reneging clock, due now too, lets the caller go
        agent = pool.seize()
        if agent is not None:
            for other in entry.group or (entry,):
                other.pool.cancel(other)
            self._answer(c, pool, agent)
            return
        if pool.queue_capacity is not None and pool.waiting_live >= pool.queue_capacity:
            return  # no room there: the contact stays where it waits
        if entry.group is None:
            entry.group = [entry]
        # join() hands out no agent here (seize() found none idle), so the group
        # is in place before this entry can be answered
        second = pool.join(c.priority, 1, entry.deadline, c, then=self._on_answer)
        second.group = entry.group
        entry.group.append(second)

    def _on_answer(self, entry: Entry, agent: int) -> None:
        c = entry.owner
        if entry.group is not None:  # waiting in other queues too: leave them
            for other in entry.group:
                other.pool.cancel(other)  # (no-op for this entry, no longer waiting)
        if agent == ABANDONED:
            c.wait = self.env.now - c.arrival
            self.end(c, _ABANDONED_QUEUE)
        else:
            self._answer(c, entry.pool, agent)

    def _answer(self, c: Any, pool: Pool, agent: int) -> None:
        """An agent of ``pool`` answers the contact: the entry pool, or an overflow pool."""
        now = self.env.now
        c.answer = now
        c.answer_pool = pool.index
        c.wait = now - c.arrival
        c.agent = agent
        ct = c.ctype
        handle = c.first_handle
        if pool is not ct.path[0]:  # answered by an overflow pool: its own handle time
            c.pools = c.last_pool = pool.index
            # streams of their own, first contacts apart from re-contacts (as in _draws)
            kind = "overflow_handle" if c.attempt == 1 else "overflow_recontact_handle"
            handle = self._sampler(kind, pool.index, ct.index)()
        resolved = c.first_resolve < ct.resolve[pool.index]
        if len(ct.path) > 1 and handle > ct.escalate_after[pool.index]:
            handle, resolved = ct.escalate_after[pool.index], False
            c.reason = _HANDLING_TIME
        c.resolved = resolved
        c.busy_since = now
        # an event even for a zero handle time: an agent freed at once must not
        # serve the next waiting contact inside this call (no unbounded recursion)
        done = Timeout(self.env, max(handle, 0.0), c)
        done.callbacks.append(self._on_first_handled)

    def _on_first_handled(self, event: Event) -> None:
        c = event._value
        if self.env.now > c.busy_since:
            self.recorder.agent(c.answer_pool, c.agent, c.id, _HANDLE, c.busy_since, self.env.now)
        self._first_handled(c)

    def _first_handled(self, c: Any) -> None:
        ct = c.ctype
        pool = self.pools[c.answer_pool]  # the entry pool, or the overflow pool that answered
        if c.resolved or len(ct.path) == 1:
            pool.finish(c.agent, self.wrap(pool.index, ct.index)(), c.id)
            self.end(c, _RESOLVED if c.resolved else _UNRESOLVED)
        else:
            self.env.process(after_escalation(self, c, pool, c.agent))

    def _draws(self, ct: CallTypeRuntime, kind: str) -> Callable[[Any, int], None]:
        """A function giving a new contact its arrival-time draws.

        First contacts and re-contacts draw from separate streams, so that
        re-contacts (whose timing depends on the policy) never shift the draws
        of first contacts: with common random numbers every policy sees the
        same first contacts, with the same patience and first handle time.
        """
        streams = self.streams
        entry = ct.path[0]
        spec = self.scenario.pools[entry.name]
        handle = spec.for_type(spec.handle_time, ct.name).sampler(
            streams.generator(f"{kind}_handle:{ct.name}")
        )
        resolve = streams.uniform(f"{kind}_resolve:{ct.name}")
        customers = self.scenario.customers
        patience, hold, transfer = [], [], []
        for name, seg in self.scenario.segments.items():
            p = seg.patience or self.scenario.call_types[ct.name].patience or customers.patience
            h = seg.hold_patience or customers.hold_patience or p
            x = seg.transfer_patience or customers.transfer_patience or p
            key = f"{kind}:{ct.name}:{name}"
            patience.append(p.sampler(streams.generator(f"patience:{key}")))
            hold.append(h.sampler(streams.generator(f"hold_patience:{key}")))
            transfer.append(x.sampler(streams.generator(f"transfer_patience:{key}")))
        seg_priority = self.segment_priority
        env = self.env

        def prepare(c: Any, segment: int) -> None:
            c.arrival = env.now
            own = seg_priority[segment]
            c.priority = ct.priority if own is None else min(own, ct.priority)
            c.first_handle = handle()
            c.first_resolve = resolve()
            c.patience = patience[segment]()
            c.hold_patience = hold[segment]()
            c.transfer_patience = transfer[segment]()

        return prepare

    # ------------------------------------------------------------------ hand-offs

    def hand_on(self, c: Any, pool: Pool, agent: int, target: Pool, position: int) -> Any:
        """Hand contact ``c`` from ``agent`` of ``pool`` on to ``target`` (next on its path)."""
        policy = self.policy
        if policy == "rules":
            policy = self._decide(c, pool, target)
        if target.present == 0 and target.when_unstaffed not in (None, "queue"):
            if target.when_unstaffed == "callback":
                policy = "callback"
            elif target.fallback_pool is not None and target.fallback_pool is not pool:
                target = target.fallback_pool  # (never back to the transferring pool)
        if c.ticket:
            policy = "email"  # a ticket's customer is not on the line: it stays a ticket
        c.escalations += 1
        c.policy = self.codes[policy]
        if c.legs == 0:
            c.first_handoff = self.env.now
        return (yield from self._transfers[policy](self, c, pool, agent, target, position))

    def fallback(
        self, policy: str, c: Any, pool: Pool, agent: int, target: Pool, position: int
    ) -> Any:
        """Warm/conference fallback when no B came in time: ``cold`` or ``callback``."""
        c.policy = self.codes[policy]
        return (yield from self._transfers[policy](self, c, pool, agent, target, position))

    def _decide(self, c: Any, pool: Pool, target: Pool) -> str:
        from simcc.model.policies import Situation, choose

        situation = Situation(
            call_type=c.ctype.name,
            segment=self.segment_names[c.segment],
            source_tier=pool.tier,
            target_pool=target.name,
            target_tier=target.tier,
            target_idle_agents=target.idle_agents,
            target_queue_length=target.queue_length,
            expected_wait=target.expected_wait() if self.rules_need_wait else 0.0,
        )
        return choose(self.rules, situation)

    def wrong_pool(self, source: Pool, target: Pool) -> Pool:
        """Where a misrouted cold transfer lands: another pool of the target's tier, else back."""
        same_tier = [
            p for p in self.pools if p.tier == target.tier and p is not target and p is not source
        ]
        if not same_tier:
            return source
        return same_tier[min(int(self.wrong_draw() * len(same_tier)), len(same_tier) - 1)]

    def start_leg(self, c: Any) -> int:
        c.legs += 1
        return c.legs

    def leg(
        self,
        c: Any,
        leg_no: int,
        policy: int,
        src: Pool,
        dst: Pool,
        handoff: float,
        engaged: float,
        outcome: int,
        sla_start: float,
        attempts: int = 0,
        count_sla: bool = True,
        sla_pool: Pool | None = None,
    ) -> None:
        """Record one hand-off and count it against an escalation SLA.

        The target is the receiving pool's (or ``sla_pool``'s), counted from
        ``sla_start``; ``count_sla=False`` for hand-offs no SLA applies to (a
        misroute's first hop, a warm fallback, a self-service redirect).
        """
        target = self.sla_target[(sla_pool or dst).index] if count_sla else math.nan
        met = math.nan
        if not math.isnan(target):
            met = float(not math.isnan(engaged) and engaged - sla_start <= target)
            c.sla_legs += 1
            c.sla_legs_met += int(met)
        self.recorder.handoff(
            contact_id=c.id,
            leg=leg_no,
            reason=c.reason,
            policy=policy,
            from_pool=src.index,
            to_pool=dst.index,
            handoff=handoff,
            engaged=engaged,
            outcome=outcome,
            sla_target=target,
            sla_met=met,
            attempts=attempts,
        )

    def schedule_chase(self, c: Any, at: float, started: list[bool]) -> None:
        """An e-mailed customer chases (calls again) if B has not started by ``at``.

        A case chases at most once: the chase call may itself be e-mailed on,
        but that ticket does not chase again (no cascade of chases).
        """
        if at >= self.horizon:
            return
        event = self.env.timeout(at - self.env.now)

        def chase(_event: Event) -> None:
            if not started[0] and c.case_id not in self._chased:
                self._chased.add(c.case_id)
                self._new_attempt(c)

        event.callbacks.append(chase)

    # ------------------------------------------------------------------ endings

    def end(self, c: Any, outcome: Outcome) -> None:
        """Contact ``c`` ends with ``outcome``; record it and maybe schedule a re-contact."""
        now = self.env.now
        c.outcome = outcome
        c.end = now
        self.recorder.contact(c)
        self.live.pop(c.id, None)
        self.ended += 1
        recontact = self.recontact
        if recontact is None or (outcome == 0 and not c.false_resolution):
            return
        key = "false_resolution" if outcome == 0 else OUTCOMES[outcome]
        p = recontact.probability_of(key)
        if p > 0 and self.recontact_draw() < p:
            delay = self.recontact_delay()
            if now + delay < self.horizon:
                timer = self.env.timeout(delay)
                timer.callbacks.append(lambda _event: self._new_attempt(c))

    def _new_attempt(self, old: Any) -> None:
        """The customer calls again about the same case."""
        ct = old.ctype
        # attempts of a case are numbered in the order they arrive (a chase and a
        # re-contact of the same contact are two attempts)
        attempt = self._last_attempt.get(old.case_id, 1) + 1
        self._last_attempt[old.case_id] = attempt
        c = Contact(self.next_contact, old.case_id, attempt, ct, old.segment)
        self.next_contact += 1
        prepare = self._recontact_draws.get(ct.index)
        if prepare is None:
            prepare = self._recontact_draws[ct.index] = self._draws(ct, "recontact")
        prepare(c, old.segment)
        self.live[c.id] = c
        self.arrive(c)

    # ------------------------------------------------------------------ running

    def _break_circular_wait(self) -> bool:
        """Nothing can happen any more, yet agents wait for each other's consults: give up one.

        With no ``max_consult_wait`` and customers who never hang up, warm or
        conference hand-offs between pools that escalate to each other can wait
        for one another for ever (every agent on hold for a colleague who is
        on hold too).  When the simulation has no event left, the consult that
        has waited longest gives up and its policy's fallback applies, as if its
        ``max_consult_wait`` had run out.  Returns whether one was given up.
        """
        waiting = [(t, e) for e, t in self.consults.items() if e.state == WAITING]
        if not waiting:
            return False
        _, entry = min(waiting, key=lambda item: item[0])
        entry.pool.cancel(entry)
        entry.settle(ABANDONED)
        return True

    def run(self, drain: float = math.inf, wall_clock: float | None = None) -> None:
        """Simulate to the end: arrivals stop at the horizon, then contacts drain."""
        env = self.env
        until = self.horizon + drain
        if wall_clock is None:
            while True:
                env.run(until=None if math.isinf(until) else until)
                if env.now >= until or not self._break_circular_wait():
                    break
        else:
            import time

            deadline = time.monotonic() + wall_clock
            while True:
                # events in chunks, looking at the wall clock between chunks
                for _ in range(5000):
                    if env.peek() >= until:
                        break
                    env.step()
                else:
                    if time.monotonic() > deadline:
                        self.stopped_early = f"stopped at the wall-clock limit of {wall_clock:g}s"
                        break
                    continue
                if env.peek() < math.inf or not self._break_circular_wait():
                    break  # reached the drain limit, or nothing left to do
        for c in list(self.live.values()):
            c.outcome = Outcome.UNFINISHED
            c.end = env.now
            self.recorder.contact(c)
        self.live.clear()
