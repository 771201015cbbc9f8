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

import math
from collections import deque
from collections.abc import Callable, Sized
from enum import IntEnum
from heapq import heappop, heappush
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

import simpy
from simpy.events import NORMAL, PENDING, Event, ProcessGenerator

from simcc.model.records import AGENT_ROW, Activity, Recorder
from simcc.model.scheduling import Call, Environment, call_in, fire_now, tie

if TYPE_CHECKING:
    from simcc.model.agent_groups import AgentGroup


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
INF = math.inf
# module constants for the per-contact paths (a class attribute costs more)
_ANSWERED, _QUEUE_FULL, _HUNG_UP = Wait.ANSWERED, Wait.QUEUE_FULL, Wait.HUNG_UP
_WRAP_UP = Activity.WRAP_UP.value  # a plain int (see simcc.model.records)

O = TypeVar("O")  # noqa: E741  (the owner of a queue entry: a contact)


class Place(Generic[O]):
    """A contact's place in a pool's queue: what the pool reads and sets while it waits.

    The pool holds it in its queue and by its ``deadline`` (the reneging
    clock), and ends the wait with :meth:`settle`, which calls
    ``then(place, agent_or_ABANDONED)``.  :attr:`ended` says why the wait
    ended; ``expires`` is what the deadline means (the customer hangs up, or
    the wait times out).  An :class:`Entry` is a place that is also an event
    to wait for; a plain call type's first contact is its own place
    (:mod:`simcc.model.plain_leg`).
    """

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

    capped: bool  # a live customer's place (counts against queue_capacity)
    deadline: float
    ended: Wait
    expires: Wait
    group: list[Place[O]] | None  # the same contact's places in other queues
    owner: O
    pool: Pool
    state: int  # WAITING, SERVED or GONE
    then: Callable[[Any, int], None] | None

    def settle(self, ended: Wait, agent: int = ABANDONED) -> None:
        """The wait is over, for reason ``ended`` (with ``agent`` when answered)."""
        self.ended = ended
        assert self.then is not None, "a place that is not an Entry has a then"
        self.then(self, agent)


class Entry(Event, Place[O]):
    """A place in a pool's queue that is also an event: it succeeds with an agent, or
    ABANDONED.  An entry made with ``then`` (the first leg's callbacks) is not triggered
    as an event: the pool calls ``then(entry, agent_or_ABANDONED)`` at that moment.
    """

    __slots__ = ()

    def settle(self, ended: Wait, agent: int = ABANDONED) -> None:
        """The wait is over, for reason ``ended`` (with ``agent`` when answered)."""
        self.ended = ended
        if self.then is not None:
            self.then(self, agent)
        else:
            self.succeed(agent)

    def __init__(
        self,
        env: Environment,
        deadline: float,
        owner: O,
        pool: Pool,
        then: Callable[[Entry[O], int], None] | None = None,
        expires: Wait = _HUNG_UP,
    ) -> None:
        self.env = env
        self.pool = pool
        self.then = then
        self._value = PENDING
        if then is None:  # an event someone waits for (an entry with then is never triggered)
            self.callbacks: list[Callable[[Event], None]] = []
        self.deadline = deadline
        self.expires = expires
        self.owner = owner
        self.group = None


class Pool:
    """A group of interchangeable agents with one priority queue."""

    groups: list[AgentGroup] | None = None  # agent groups (a GroupedPool), or None
    adjusts = False  # whether skill() changes anything (agent groups, chat sessions)

    def __init__(
        self,
        env: Environment,
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
        self._queue: list[tuple[int, int, float, int, Place[Any]]] = []
        self._deadlines: list[tuple[float, int, Place[Any]]] = []
        self._seq = 0
        self.waiting = 0
        self.waiting_live = 0  # waiting live customers (not callbacks, tickets or consults)
        self._clock_at = math.inf
        self._clocks: list[float] = []
        self.recent_starts: deque[float] = deque(maxlen=20)
        self.when_unstaffed: str | None = None
        self.fallback_pool: Pool | None = None
        self.queue_capacity: int | None = None
        # one bound method each for every wrap-up and clock, not one per use; wrap-up
        # timers that have run, free for the next wrap-up (see finish)
        self._on_wrapped_up, self._on_ring = self._wrapped_up, self._ring
        self._spare: list[Call] = []
        # a wrap-up's end frees its agent inline when release is this class's (see _wrapped_up)
        self._release_inline = type(self).release is Pool.release
        self._record_staffing()

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
        entry = Entry(self.env, deadline, owner, self, then, expires)
        self.queue_up(entry, priority, rank, capped)
        return entry

    def queue_up(self, place: Place[Any], priority: int, rank: int, capped: bool = True) -> None:
        """Put ``place``, its ``deadline``, ``expires``, ``then`` and ``pool`` set, in the
        queue: :meth:`join`'s steps for a place its owner made (a plain first contact)."""
        if capped and self.queue_capacity is not None and self.waiting_live >= self.queue_capacity:
            place.state = GONE
            place.capped = False
            place.settle(_QUEUE_FULL)
            return
        place.state = WAITING
        place.capped = capped
        self._seq = seq = self._seq + 1
        heappush(self._queue, (priority, rank, self.env.now, seq, place))
        self.waiting += 1
        if capped:
            self.waiting_live += 1
        deadline = place.deadline
        if deadline < INF:
            heappush(self._deadlines, (deadline, seq, place))
            if deadline < self._clock_at:
                self._arm()
        if self.idle:  # only possible for an entry ahead of nobody at a shift start
            self._dispatch(self.idle.popleft())

    def _leave(self, entry: Place[Any], state: int = GONE) -> None:
        """A waiting entry leaves the queue (answered, gone, or given up)."""
        entry.state = state
        self.waiting -= 1
        if entry.capped:
            self.waiting_live -= 1

    def cancel(self, entry: Place[Any]) -> None:
        """Take a still-waiting entry out of the queue (e.g. a consult request given up)."""
        if entry.state == WAITING:
            self._leave(entry)

    # -------------------------------------------------------------- freeing

    def release(self, agent: int, last: bool = False) -> None:
        """The agent is free: it leaves if its shift is over, else takes the next contact
        (``last``: as the last step of an event's callback, see :meth:`_dispatch`)."""
        self.busy -= 1
        if self.present > self.scheduled:
            self.present -= 1
            heappush(self._free_ids, agent)
            self._record_staffing()
            return
        self._dispatch(agent, last)

    def finish(self, agent: int, wrap_up: float, contact: int) -> None:
        """Start the agent's wrap-up (after-call work) and free it when it ends."""
        if wrap_up > 0.0:
            now = self.env.now
            self.recorder.agent(AGENT_ROW(self.index, agent, contact, _WRAP_UP, now, now + wrap_up))
            spare = self._spare
            if spare:  # (scheduled as call_in schedules a new timer)
                call = spare.pop()
                call._value = agent
                env = self.env
                at = now + wrap_up
                due = env._at
                old = due.setdefault(at, call)  # (call_again, inline: most wrap-ups)
                if old is call:
                    heappush(env._times, at)
                else:
                    tie(due, at, old, NORMAL, call)
            else:
                call_in(self.env, wrap_up, self._on_wrapped_up, agent)
        else:
            self.release(agent)

    def _wrapped_up(self, event: Call) -> None:
        agent = event._value
        if self._release_inline and self.present <= self.scheduled:
            self.busy -= 1  # (release, inline: every wrap-up's end)
            self._dispatch(agent, True)  # (the wrap-up's end does nothing after it)
        else:
            self.release(agent, True)
        self._spare.append(event)  # (it has run: the next wrap-up may reuse it)

    def _dispatch(self, agent: int, last: bool = False) -> None:
        """The free ``agent`` takes the first contact still waiting, or goes idle.

        ``last``: this is the last step of the event's callback, so that the event an
        answered :class:`Entry` is due at now would be the next to run when no other event
        is due now: then its waiter goes on at once (one event less; a wrap-up's end)."""
        queue = self._queue
        now = self.env.now
        while queue:
            entry = heappop(queue)[4]
            if entry.state != WAITING:
                continue
            self.waiting -= 1  # (_leave, inline: once per answered contact)
            if entry.capped:
                self.waiting_live -= 1
            if entry.deadline <= now:
                entry.state = GONE
                last = False  # (what it schedules now runs before the answer's event)
                entry.settle(entry.expires)
                continue
            entry.state = SERVED
            self.busy += 1
            self.recent_starts.append(now)
            entry.ended = _ANSWERED  # (settle, inline)
            then = entry.then
            if then is not None:
                then(entry, agent)
            elif last and self.env._at.get(now) is None:  # its event would run next
                fire_now(entry, agent)  # type: ignore[arg-type]
            else:  # an Entry waited for as an event: it succeeds (its ended is set above)
                entry.succeed(agent)  # type: ignore[attr-defined]
            return
        self.idle.append(agent)

    # -------------------------------------------------------------- reneging clock

    def _arm(self) -> None:
        deadlines = self._deadlines
        while deadlines and deadlines[0][2].state != WAITING:
            heappop(deadlines)
        if not deadlines:
            return
        at = deadlines[0][0]
        if at >= self._clock_at:
            return
        self._clock_at = at
        heappush(self._clocks, at)
        call_in(self.env, max(at - self.env.now, 0.0), self._on_ring)

    def _ring(self, _event: Event) -> None:
        now = self.env.now
        clocks = self._clocks
        while clocks and clocks[0] <= now + EPS:
            heappop(clocks)
        self._clock_at = clocks[0] if clocks else math.inf
        deadlines = self._deadlines
        last: Entry[Any] | None = None  # an Entry whose wait just ended, its event not yet due
        while deadlines and deadlines[0][0] <= now + EPS:
            entry = heappop(deadlines)[2]
            if entry.state == WAITING:
                if last is not None:
                    last.succeed(ABANDONED)
                    last = None
                self._leave(entry)
                if entry.then is None:  # (settle, deferred: the last one may go on at once)
                    entry.ended = entry.expires
                    last = entry  # type: ignore[assignment]
                else:
                    entry.settle(entry.expires)
        self._arm()
        if last is not None:  # its event would be due now, after those already due now
            if self.env._at.get(now) is None:  # ... none: it would run next
                fire_now(last, ABANDONED)
            else:
                last.succeed(ABANDONED)

    # -------------------------------------------------------------- shifts

    def set_staffing(self, agents: int) -> None:
        """Change the scheduled number of agents (a shift boundary)."""
        self.scheduled = agents
        if self.present < agents:
            for _ in range(agents - self.present):
                self.present += 1
                if self._free_ids:
                    agent = heappop(self._free_ids)
                else:
                    agent = self._next_id
                    self._next_id += 1
                self._dispatch(agent)
        else:
            while self.present > agents and self.idle:
                heappush(self._free_ids, self.idle.pop())
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
        env: Environment,
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
        call_in(env, max(due[0][0] - env.now, 0.0), self._ring)

    def _ring(self, _event: Event) -> None:
        now = self.env.now
        due = self.due
        while due and due[0][0] <= now + EPS:
            entry = due.popleft()[1]
            if entry.state == WAITING:
                self.overflow(entry, self.pool)
        self._arm()
