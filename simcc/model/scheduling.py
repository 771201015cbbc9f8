"""Timers and light processes in SimPy's event order, without SimPy's objects around them.

The engine's events run in SimPy's order — by time, then priority, then the
order they were scheduled in — and SimPy's scheduler (``env.step``/``env.run``)
can run them.  What this module saves is the cost SimPy's general API adds
per event, which the engine pays several times per contact:

- :class:`Environment` keeps the events by time in a heap of plain floats and
  a dict of what is due at each instant, instead of SimPy's heap of
  ``(time, priority, order, event)`` tuples, whose comparisons were a seventh
  of a warm-centre replication; :func:`push` and :func:`pop` keep SimPy's
  order, ties included, and SimPy's own events use the same queue.
- :func:`call_in` schedules a plain callback: one small :class:`Call` in the
  queue instead of a :class:`simpy.Timeout` built through three constructors,
  plus a callback list appended to.
- :func:`start_process` runs a generator as a *light process*: it yields a delay in
  seconds (a float) to wait that long, or an event (a pool's queue
  :class:`~simcc.model.pool.Entry`) to wait for its value.  It is started, and
  resumed, at exactly the place in the queue a :class:`simpy.Process` would
  be (an urgent start event now, then one event per wait), so results are
  the same to the bit; what goes is the Process's per-step bookkeeping, its
  ``Timeout`` per wait and its end event (nothing waits on a contact's life).
- :func:`fire_now` runs a queue entry's waiter at once where the entry's event would be
  the very next to run (nothing else due at the instant, and the callback that ends the
  wait doing nothing after it): one event less per wait that ends at a wrap-up's end or
  at its deadline.
- :func:`run_until` is ``env.run(until)`` as a plain loop over the queue,
  without a method call and an exception handler per event.
- The :class:`Environment`'s clock ``now`` is a plain attribute: SimPy reads
  it through a property (about 100 ns a read), and the engine reads the clock
  some ten times per contact.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator
from heapq import heappop, heappush
from typing import Any

import simpy
from simpy.core import EmptySchedule, StopSimulation
from simpy.events import NORMAL, URGENT, Event, EventPriority

Pause = float | Event
"""What a light process yields: a delay in seconds, or an event whose value it waits for."""


class Environment(simpy.Environment):
    """SimPy's environment, its events kept by time in a heap of plain floats, its clock,
    :attr:`now`, a plain attribute.

    SimPy keeps every event in one heap of ``(time, priority, order, event)``
    tuples; comparing two of them (about 250 machine instructions in CPython)
    was a seventh of a warm-centre replication.  Here the heap holds each
    instant once, as a float (a comparison of about 70), and a dict gives the
    event due at it — or, when several are due at one instant or one is not of
    NORMAL priority, a :class:`_Tie` of them in SimPy's order (priority, then
    the order of scheduling).  Events run in exactly SimPy's order;
    :meth:`schedule`, :meth:`peek` and :meth:`step` are SimPy's on this queue,
    so SimPy's own events, processes and ``env.run`` work unchanged.

    SimPy's own code reads and sets the clock as ``_now``; here that is a
    property over :attr:`now`, so both always agree.  Only the schedulers set
    it (:func:`run_until`, and :meth:`step` for SimPy's ``env.run``).  At an
    instant with several events the clock holds the float the first of them
    was scheduled at (SimPy gives each its own, e.g. ``-0.0`` beside ``0.0``;
    equal, and equal in the records).

    An event must not be pushed while it is already due (SimPy would run it
    twice; here that is undefined): the engine's timers and light processes
    are pushed again only after they have run.
    """

    now: float = 0.0  # shadows SimPy's read-only property: the instance's attribute is read

    def __init__(self, initial_time: float = 0) -> None:
        super().__init__(initial_time)
        self._times: list[float] = []  # a heap of the instants some event is due at
        self._at: dict[float, Any] = {}  # instant -> its event, or a _Tie of them

    @property
    def _now(self) -> float:
        return self.now

    @_now.setter
    def _now(self, value: float) -> None:
        self.now = value

    def schedule(self, event: Event, priority: EventPriority = NORMAL, delay: float = 0) -> None:
        """Schedule ``event`` with ``priority`` in ``delay`` (SimPy's, on this queue)."""
        push(self, self.now + delay, priority, event)

    def peek(self) -> float:
        """The time of the next event, or infinity when none is left (SimPy's)."""
        return self._times[0] if self._times else math.inf

    def step(self) -> None:
        """Process the next event (SimPy's :meth:`simpy.Environment.step`, on this queue)."""
        if not self._times:
            raise EmptySchedule
        self.now, event = pop(self)
        callbacks, event.callbacks = event.callbacks, None
        try:
            for callback in callbacks:
                callback(event)
        except StopSimulation:
            event.callbacks = callbacks[callbacks.index(callback) + 1 :]
            self.schedule(event, EventPriority(-1))
            raise
        if not event._ok and not hasattr(event, "_defused"):
            exc = type(event._value)(*event._value.args)
            exc.__cause__ = event._value
            raise exc


class _Tie(list[tuple[int, Any]]):
    """The events due at one instant, as ``(priority, event)`` in SimPy's order: by
    priority, then in the order they were scheduled (made when a second one is due, or
    when one is not of NORMAL priority: a light process's start)."""

    __slots__ = ()


def push(env: Environment, at: float, priority: int, event: Any) -> None:
    """Put ``event`` in the queue, due at ``at`` with ``priority`` (it must not be due
    already: see :class:`Environment`)."""
    due = env._at
    if priority == NORMAL:
        old = due.setdefault(at, event)
        if old is event:
            heappush(env._times, at)
            return
    else:
        old = due.get(at)
        if old is None:
            due[at] = _Tie([(priority, event)])
            heappush(env._times, at)
            return
    tie(due, at, old, priority, event)


def tie(due: dict[float, Any], at: float, old: Any, priority: int, event: Any) -> None:
    """A second event due at ``at``: after those of its priority or a more urgent one
    (:func:`push`'s case of an instant already due; its callers that push inline call it)."""
    if old.__class__ is not _Tie:
        old = due[at] = _Tie([(NORMAL, old)])
    i = len(old)
    while i and old[i - 1][0] > priority:
        i -= 1
    old.insert(i, (priority, event))


def pop(env: Environment) -> tuple[float, Any]:
    """Take the next event out of the queue: its time, and it."""
    at = heappop(env._times)
    event = env._at.pop(at)
    if event.__class__ is _Tie:
        event = _first(env, at, event)
    return at, event


def _first(env: Environment, at: float, tie: _Tie) -> Any:
    """The first event of a tie; the others stay due at ``at``."""
    _, event = tie.pop(0)
    if tie:
        env._at[at] = tie
        heappush(env._times, at)
    return event


class Call:
    """A timer in the engine's queue: at its time the run loop calls ``fn`` with it.

    It holds its one callback itself, without the list of callbacks an event
    has: :func:`run_until` calls it directly.  SimPy's own scheduler
    (``env.step``, ``env.run``) may run it too: it reads :attr:`callbacks`.
    """

    __slots__ = ("_value", "fn")
    _ok = True
    _value: Any
    fn: Callable[[Any], None]

    @property
    def callbacks(self) -> list[Callable[[Any], None]]:
        """Its callback as SimPy's scheduler reads an event's (it runs once: the setter,
        which SimPy calls with None as it runs it, has nothing to clear)."""
        return [self.fn]

    @callbacks.setter
    def callbacks(self, _value: None) -> None:
        pass


def call_in(
    env: Environment, delay: float, callback: Callable[[Any], None], value: Any = None
) -> None:
    """Call ``callback(event)`` in ``delay`` seconds (``event._value`` is ``value``).

    Scheduled as a ``Timeout(env, delay, value)`` would be, at the same place
    among events of the same time.
    """
    call = Call()
    call.fn = callback
    call._value = value
    at = env.now + delay
    due = env._at
    old = due.setdefault(at, call)  # (push, inline: a few times per contact)
    if old is call:
        heappush(env._times, at)
    else:
        tie(due, at, old, NORMAL, call)


def call_again(env: Environment, delay: float, call: Call) -> None:
    """Schedule ``call``, a timer that has just run (not one still due), to run again in
    ``delay`` seconds with the same callback and value: as :func:`call_in`, without a
    new :class:`Call`."""
    at = env.now + delay
    due = env._at
    old = due.setdefault(at, call)
    if old is call:
        heappush(env._times, at)
    else:
        tie(due, at, old, NORMAL, call)


def run_until(env: Environment, until: float) -> None:
    """Run the events due before ``until`` (every finite one if it is infinite), as
    ``env.run(until)``.

    As SimPy does, the clock then reads ``until`` when it is finite.  A
    :class:`Call` is called directly; any other event is fired by :func:`fire`.
    """
    times, due = env._times, env._at
    while times:
        at = heappop(times)
        if at >= until:
            heappush(times, at)  # (not due yet: it stays, as SimPy leaves it)
            break
        event = due.pop(at)
        env.now = at
        kind = event.__class__
        if kind is Call:  # (most events: tested first)
            event.fn(event)
            continue
        if kind is _Tie:
            event = _first(env, at, event)
            if event.__class__ is Call:
                event.fn(event)
                continue
        fire(event)
    if until < math.inf:
        env.now = until


def fire(event: Event) -> None:
    """Run the callbacks of an event of SimPy's (or a pool's queue entry), as SimPy does:
    an event that failed with nobody to handle its failure raises it here."""
    callbacks = event.callbacks
    event.callbacks = None  # type: ignore[assignment]  # (as SimPy marks an event processed)
    for callback in callbacks:
        callback(event)
    if not event._ok and not hasattr(event, "_defused"):
        exc = type(event._value)(*event._value.args)
        exc.__cause__ = event._value
        raise exc


def fire_now(event: Event, value: Any) -> None:
    """Succeed ``event`` with ``value`` and run its callbacks at once, as the run loop would
    run them next: for the last step of an event's callback, when no other event is due
    at this instant (then the event ``event.succeed(value)`` schedules now is the next to
    run, and the callback does nothing after it; one event less)."""
    event._ok = True
    event._value = value
    fire(event)


def start_process(env: Environment, steps: Generator[Pause, Any, Any]) -> None:
    """Run ``steps`` as a light process, from now (where ``env.process`` would start it)."""
    _LightProcess(env, steps, False)


def start_process_last(env: Environment, steps: Generator[Pause, Any, Any]) -> None:
    """As :func:`start_process`, called as the last step of an event's callback: the first
    step runs at once, unless another start is already due at this instant.

    The start event :func:`start_process` schedules (urgent, now) runs right after the
    callback returns, before the other events of the instant, unless an urgent event is
    already due now; when none is, and the callback does nothing after this call, running
    the first step here is the same: one event, a tie and its list less per start (every
    escalated contact's).
    """
    due = env._at.get(env.now)
    if due is not None and due.__class__ is _Tie and due[0][0] < NORMAL:
        _LightProcess(env, steps, False)  # (after the urgent ones already due)
    else:
        _LightProcess(env, steps, True)


class _LightProcess:
    """Drives a generator: resumes it when the delay or the event it yielded is over.

    A light process waits for one thing at a time, so one :class:`Call` of
    its own serves every delay it waits out: pushed on the queue again at
    each wait, never twice at once.  The Call and the bound method refer back
    to the process; both go when it ends, so that its frames are freed then,
    without the cyclic collector (paused during a run).
    """

    __slots__ = ("call", "env", "resume", "steps")

    def __init__(self, env: Environment, steps: Generator[Pause, Any, Any], now: bool) -> None:
        self.env = env
        self.steps = steps
        self.resume = self._resume  # (one bound method, not one per wait)
        self.call = call = Call()
        call.fn = self.resume
        call._value = None
        if now:  # (start_process_last: the start event would run next)
            self._resume(call)
        else:
            push(env, env.now, URGENT, call)

    def _resume(self, event: Any) -> None:
        try:
            pause = self.steps.send(event._value)
        except StopIteration:
            del self.call, self.resume  # (they refer back to it: no cycle left for the GC)
            return
        if isinstance(pause, Event):
            assert pause.callbacks is not None, "a light process waits on an event already over"
            pause.callbacks.append(self.resume)
            return
        env = self.env
        at = env.now + pause
        due = env._at
        old = due.setdefault(at, self.call)  # (push, inline)
        if old is self.call:
            heappush(env._times, at)
        else:
            tie(due, at, old, NORMAL, self.call)
