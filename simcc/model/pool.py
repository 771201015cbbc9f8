"""Pools of agents, their queues, the reneging clock and staffing changes.

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

A queue entry is *settled* once, with the reason its wait ended
(:class:`Wait`): answered, hung up, timed out, given up, or refused by a full
queue.  Whoever waits reads that reason from :attr:`Entry.ended`.
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from collections.abc import Callable, Sized
from enum import IntEnum
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

import simpy
from simpy.events import PENDING, Event, ProcessGenerator

from simcc.model.records import Activity, Recorder

if TYPE_CHECKING:
    from simcc.scenario import Pool as PoolBlock


class Wait(IntEnum):
    """Why a wait in a queue ended: what :attr:`Entry.ended` says once it is settled."""

    ANSWERED = 0  # an agent took the contact
    HUNG_UP = 1  # the customer's patience ran out
    TIMED_OUT = 2  # the wait's own limit ran out first (a consult's max_consult_wait)
    GIVEN_UP = 3  # given up to break a circular wait (agents on hold for each other)
    QUEUE_FULL = 4  # the queue was at its queue_capacity: a busy signal


ABANDONED = -1
"""Value of a settled entry's event when no agent took the contact (see :attr:`Entry.ended`)."""

WAITING, SERVED, GONE = 0, 1, 2
EPS = 1e-9
# module constants for the per-contact paths (a class attribute costs more)
_ANSWERED, _QUEUE_FULL, _HUNG_UP = Wait.ANSWERED, Wait.QUEUE_FULL, Wait.HUNG_UP
_WRAP_UP = Activity.WRAP_UP.value  # a plain int (see simcc.model.records)

O = TypeVar("O")  # noqa: E741  (the owner of a queue entry: a contact)


class Entry(Event, Generic[O]):
    """A place in a pool's queue; the event succeeds with an agent, or ABANDONED.

    :attr:`ended` says why the wait ended; ``expires`` is what the entry's
    deadline means (the customer hangs up, or the wait times out).  An entry
    made with ``then`` (the first leg's callbacks) is not triggered as an event:
    the pool calls ``then(entry, agent_or_ABANDONED)`` at that moment.
    """

    def settle(self, ended: Wait, agent: int = ABANDONED) -> None:
        """The wait is over, for reason ``ended`` (with ``agent`` when answered)."""
        self.ended = ended
        if self.then is not None:
            self.then(self, agent)
        else:
            self.succeed(agent)

    __slots__ = (
        "capped",
        "deadline",
        "ended",
        "expires",
        "group",
        "owner",
        "pool",
        "state",
        "then",
    )

    ended: Wait

    def __init__(self, env: simpy.Environment, deadline: float, owner: O, pool: Pool) -> None:
        self.env = env
        self.pool = pool
        self.then: Callable[[Entry[O], int], None] | None = None
        self.capped = False
        self.callbacks: list[Callable[[Event], None]] = []
        self._value = PENDING
        self.deadline = deadline
        self.expires = _HUNG_UP
        self.owner = owner
        self.state = WAITING
        self.group: list[Entry[O]] | None = None  # the same contact's entries in other queues


class Pool:
    """A group of interchangeable agents with one priority queue."""

    groups: list[AgentGroup] | None = None  # agent groups (a GroupedPool), or None

    def __init__(
        self,
        env: simpy.Environment,
        index: int,
        name: str,
        tier: int,
        agents: int,
        recorder: Recorder,
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
        self._queue: list[tuple[int, int, float, int, Entry[Any]]] = []
        self._deadlines: list[tuple[float, int, Entry[Any]]] = []
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
        owner: O,
        capped: bool = True,
        then: Callable[[Entry[O], int], None] | None = None,
        expires: Wait = _HUNG_UP,
    ) -> Entry[O]:
        """Join the queue; the returned event gives an agent, or ABANDONED at ``deadline``.

        At the deadline the entry is settled with ``expires`` (the customer hung
        up, unless the deadline is the wait's own limit).  A live customer
        (``capped``) who finds the queue at its ``queue_capacity`` gets a busy
        signal: the entry is settled at once with ``QUEUE_FULL``.
        """
        env = self.env
        entry = Entry(env, deadline, owner, self)
        entry.then = then
        entry.expires = expires
        if capped and self.queue_capacity is not None and self.waiting_live >= self.queue_capacity:
            entry.state = GONE
            entry.settle(_QUEUE_FULL)
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

    def _leave(self, entry: Entry[Any], state: int = GONE) -> None:
        """A waiting entry leaves the queue (answered, gone, or given up)."""
        entry.state = state
        self.waiting -= 1
        if entry.capped:
            self.waiting_live -= 1

    def cancel(self, entry: Entry[Any]) -> None:
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
                entry.settle(entry.expires)
                continue
            self.busy += 1
            self.recent_starts.append(now)
            entry.settle(_ANSWERED, agent)
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
        while clocks and clocks[0] <= now + EPS:
            heapq.heappop(clocks)
        self._clock_at = clocks[0] if clocks else math.inf
        deadlines = self._deadlines
        while deadlines and deadlines[0][0] <= now + EPS:
            entry = heapq.heappop(deadlines)[2]
            if entry.state == WAITING:
                self._leave(entry)
                entry.settle(entry.expires)
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

    def skill(self, agent: int, handle: float, resolve: float) -> tuple[float, float]:
        """The handle time and resolution probability of ``agent`` (see :class:`GroupedPool`)."""
        return handle, resolve

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


class Progress(Protocol):
    """What a repeated shift plan looks at after the horizon: is anything still going on?"""

    horizon: float
    ended: int  # contacts ended so far

    @property
    def live(self) -> Sized: ...  # contacts still in the system


class Staffed(Protocol):
    """What a shift plan changes: a pool, or one group of a pool."""

    def set_staffing(self, agents: int) -> None: ...


def staffing_process(
    env: simpy.Environment,
    pool: Staffed,
    interval: float,
    counts: list[int],
    repeat: bool,
    center: Progress,
) -> ProcessGenerator:
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


class OverflowClock(Generic[O]):
    """When contacts still waiting at a call type's entry pool reach one overflow step.

    Every entry joins at the current time and the step's ``after`` is the same
    for all, so the times are in order: one pending timeout for the oldest,
    like a pool's reneging clock, instead of one per waiting contact.
    """

    __slots__ = ("after", "armed", "due", "env", "overflow", "pool")

    def __init__(
        self,
        env: simpy.Environment,
        pool: Pool,
        after: float,
        overflow: Callable[[Entry[O], Pool], None],
    ) -> None:
        self.env = env
        self.pool = pool
        self.after = after
        self.overflow = overflow  # called with each entry still waiting when it is due
        self.due: deque[tuple[float, Entry[O]]] = deque()
        self.armed = False

    def add(self, entry: Entry[O]) -> None:
        """``entry`` (at the entry pool) overflows at ``now + after`` if still waiting."""
        self.due.append((self.env.now + self.after, entry))
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
        env = self.env
        ring = env.timeout(max(due[0][0] - env.now, 0.0))
        ring.callbacks.append(self._ring)

    def _ring(self, _event: Event) -> None:
        now = self.env.now
        due = self.due
        while due and due[0][0] <= now + EPS:
            entry = due.popleft()[1]
            if entry.state == WAITING:
                self.overflow(entry, self.pool)
        self._arm()


# ====================================================================== agent groups


class AgentGroup:
    """Agents of one proficiency inside a pool: their factors and their own staffing.

    The agents of group ``g`` of a pool with ``G`` groups are numbered
    ``g, g + G, g + 2G, …`` (each group reuses its smallest free number), so
    an agent's group is its number modulo ``G``.
    """

    __slots__ = (
        "free_ids",
        "handle_factor",
        "index",
        "name",
        "next_id",
        "present",
        "resolve_factor",
        "scheduled",
    )

    def __init__(
        self, index: int, name: str, agents: int, handle_factor: float, resolve_factor: float
    ) -> None:
        self.index = index
        self.name = name
        self.handle_factor = handle_factor
        self.resolve_factor = resolve_factor
        self.scheduled = agents
        self.present = agents
        self.free_ids: list[int] = []
        self.next_id = agents  # the next agent number within the group (k of g + kG)


class IdleAgents(Protocol):
    """The idle agents of a pool, in the order they take contacts (a ``deque`` without groups)."""

    def __len__(self) -> int: ...

    def popleft(self) -> int: ...  # the agent who takes the next contact

    def append(self, agent: int) -> None: ...  # the agent becomes idle


class LongestIdle:
    """The agent idle longest takes the contact (ties: the order they became idle)."""

    def __init__(self, agents: list[int], groups: int) -> None:
        self.idle: deque[int] = deque(agents)
        self.groups = groups
        self.popleft = self.idle.popleft
        self.append = self.idle.append

    def __len__(self) -> int:
        return len(self.idle)

    def send_home(self, group: int) -> int | None:
        """An idle agent of ``group`` whose shift ended: the one idle the shortest."""
        idle = self.idle
        for i in range(len(idle) - 1, -1, -1):
            if idle[i] % self.groups == group:
                agent = idle[i]
                del idle[i]
                return agent
        return None


class MostProficient:
    """An idle agent of the most proficient group takes it; in a group, the longest idle."""

    def __init__(self, agents: list[int], groups: int, rank: list[int]) -> None:
        self.groups = groups
        self.by_group: list[deque[int]] = [deque() for _ in range(groups)]
        self.order = [self.by_group[g] for g in rank]  # most proficient first
        self.count = 0
        for agent in agents:
            self.append(agent)

    def __len__(self) -> int:
        return self.count

    def popleft(self) -> int:
        self.count -= 1
        for idle in self.order:
            if idle:
                return idle.popleft()
        raise IndexError("no idle agent")

    def append(self, agent: int) -> None:
        self.count += 1
        self.by_group[agent % self.groups].append(agent)

    def send_home(self, group: int) -> int | None:
        idle = self.by_group[group]
        if not idle:
            return None
        self.count -= 1
        return idle.pop()


class RandomIdle:
    """Any idle agent, each as likely, drawn from the pool's own stream."""

    def __init__(self, agents: list[int], groups: int, draw: Callable[[], float]) -> None:
        self.idle = list(agents)
        self.groups = groups
        self.draw = draw

    def __len__(self) -> int:
        return len(self.idle)

    def popleft(self) -> int:
        idle = self.idle
        return idle.pop(min(int(self.draw() * len(idle)), len(idle) - 1))

    def append(self, agent: int) -> None:
        self.idle.append(agent)

    def send_home(self, group: int) -> int | None:
        idle = self.idle
        for i in range(len(idle) - 1, -1, -1):
            if idle[i] % self.groups == group:
                return idle.pop(i)
        return None


class GroupedPool(Pool):
    """A pool whose agents are in groups of different proficiency (MODEL.md §9).

    The queue is the pool's, shared by every group; the idle agents are kept
    in the order ``agent_selection`` picks them.  Each group has its own
    staffing; the pool's ``scheduled`` and ``present`` are their sums.  A pool
    without groups is a plain :class:`Pool` and pays nothing for this.
    """

    groups: list[AgentGroup]

    def __init__(
        self,
        env: simpy.Environment,
        index: int,
        name: str,
        tier: int,
        groups: list[AgentGroup],
        recorder: Recorder,
        mean_handle: float,
        selection: str,
        draw: Callable[[], float] | None = None,
    ) -> None:
        super().__init__(
            env, index, name, tier, sum(g.scheduled for g in groups), recorder, mean_handle
        )
        self.groups = groups
        n = len(groups)
        # the agents on duty at the start, in agent-number order (ties of longest_idle)
        on_duty = sorted(g.index + n * k for g in groups for k in range(g.scheduled))
        rank = sorted(range(n), key=lambda i: (*_proficiency(groups[i]), i))
        self.selection: LongestIdle | MostProficient | RandomIdle
        if selection == "most_proficient":
            self.selection = MostProficient(on_duty, n, rank)
        elif selection == "random":
            assert draw is not None, "agent_selection: random needs its stream"
            self.selection = RandomIdle(on_duty, n, draw)
        else:
            self.selection = LongestIdle(on_duty, n)
        # an IdleAgents, as the plain pool's deque is
        self.idle = self.selection  # type: ignore[assignment]

    def skill(self, agent: int, handle: float, resolve: float) -> tuple[float, float]:
        """The handle time and resolution probability of ``agent`` (its group's factors)."""
        group = self.groups[agent % len(self.groups)]
        return handle * group.handle_factor, min(1.0, resolve * group.resolve_factor)

    def release(self, agent: int) -> None:
        """The agent is free: it leaves if its group's shift is over, else serves on."""
        self.busy -= 1
        group = self.groups[agent % len(self.groups)]
        if group.present > group.scheduled:
            group.present -= 1
            self.present -= 1
            heapq.heappush(group.free_ids, agent)
            self._record_staffing()
            return
        self._dispatch(agent)

    def set_staffing(self, agents: int) -> None:
        raise TypeError(f"pool {self.name!r} has agent groups: staff each group")

    def set_group_staffing(self, group: AgentGroup, agents: int) -> None:
        """Change the scheduled number of agents of one group (a shift boundary)."""
        n = len(self.groups)
        self.scheduled += agents - group.scheduled
        group.scheduled = agents
        if group.present < agents:
            for _ in range(agents - group.present):
                group.present += 1
                self.present += 1
                if group.free_ids:
                    agent = heapq.heappop(group.free_ids)
                else:
                    agent = group.index + n * group.next_id
                    group.next_id += 1
                self._dispatch(agent)
        else:
            while group.present > agents:
                home = self.selection.send_home(group.index)
                if home is None:
                    break
                heapq.heappush(group.free_ids, home)
                group.present -= 1
                self.present -= 1
        self._record_staffing()


def _proficiency(group: AgentGroup) -> tuple[float, float]:
    """Sort key of ``most_proficient``: higher resolve factor first, then faster handling."""
    return (-group.resolve_factor, group.handle_factor)


class GroupStaffing:
    """One group of a pool, as a shift plan sees it."""

    def __init__(self, pool: GroupedPool, group: AgentGroup) -> None:
        self.pool = pool
        self.group = group

    def set_staffing(self, agents: int) -> None:
        self.pool.set_group_staffing(self.group, agents)


# ====================================================================== contact selection


class WeightedWait(Pool):
    """A freed agent takes the waiting contact with the longest weighted wait.

    The score of a waiting entry is ``weight × (now − time it joined this
    queue)``, the weight its call type's (``weights``, 1 when not given);
    priority and ``transfer_priority`` play no part.  Ties go to the entry that
    joined first.  The queue is scanned at each pick (a pool serving several
    call types has few waiting contacts to compare).
    """

    weights: list[float]  # by call type index

    def _dispatch(self, agent: int) -> None:
        queue = self._queue
        now = self.env.now
        weights = self.weights
        while queue:
            queue[:] = [item for item in queue if item[4].state == WAITING]
            if not queue:
                break
            best, best_score, best_seq = 0, -math.inf, 0
            for i, (_p, _r, joined, seq, entry) in enumerate(queue):
                score = weights[entry.owner.call_type] * (now - joined)
                if score > best_score or (score == best_score and seq < best_seq):
                    best, best_score, best_seq = i, score, seq
            entry = queue[best][4]
            queue[best] = queue[-1]
            queue.pop()
            self._leave(entry, SERVED)
            if entry.deadline <= now:
                entry.state = GONE
                entry.settle(entry.expires)
                continue
            self.busy += 1
            self.recent_starts.append(now)
            entry.settle(_ANSWERED, agent)
            return
        self.idle.append(agent)


class GroupedWeightedWait(WeightedWait, GroupedPool):
    """Agent groups, and the longest weighted wait picks the contact."""


# ====================================================================== building


def build_pool(
    env: simpy.Environment,
    index: int,
    name: str,
    spec: PoolBlock,
    recorder: Recorder,
    mean_handle: float,
    draw: Callable[[], float] | None = None,
) -> Pool:
    """The pool a scenario block describes: plain, with agent groups, with weighted waits.

    ``draw`` is the pool's uniform stream for ``agent_selection: random``.
    """
    weighted = spec.contact_selection == "longest_weighted_wait"
    if spec.groups is None:
        pool: Pool = (WeightedWait if weighted else Pool)(
            env, index, name, spec.tier, spec.agents.counts[0], recorder, mean_handle
        )
    else:
        groups = [
            AgentGroup(i, g, group.agents.counts[0], group.handle_factor, group.resolve_factor)
            for i, (g, group) in enumerate(spec.groups.items())
        ]
        pool = (GroupedWeightedWait if weighted else GroupedPool)(
            env, index, name, spec.tier, groups, recorder, mean_handle, spec.agent_selection, draw
        )
    if weighted:
        table = spec.weights or {}
        assert isinstance(pool, WeightedWait)
        pool.weights = [table.get(ct, 1.0) for ct in recorder.names.call_types]
    return pool


def start_shift_plans(
    env: simpy.Environment, pool: Pool, spec: PoolBlock, center: Progress
) -> None:
    """Start the shift plan of the pool, or of each of its groups."""
    if isinstance(pool, GroupedPool):
        assert spec.groups is not None
        plans = [
            (GroupStaffing(pool, group), g.agents)
            for group, g in zip(pool.groups, spec.groups.values(), strict=True)
        ]
    else:
        plans = [(pool, spec.agents)]  # type: ignore[list-item]
    for target, plan in plans:
        if len(plan.counts) > 1 and plan.interval is not None:
            env.process(
                staffing_process(env, target, plan.interval, plan.counts, plan.repeat, center)
            )
