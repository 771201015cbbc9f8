"""Timers and light processes on SimPy's event queue, without SimPy's objects around them.

The engine's events are SimPy's: every one sits in the environment's queue,
ordered by time, then priority, then the order it was scheduled in, and SimPy's
scheduler (``env.step``/``env.run``) runs them.  What this module saves is the
cost SimPy's general API adds per event, which the engine pays several times
per contact:

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
- :func:`run_until` is ``env.run(until)`` as a plain loop over the queue,
  without a method call and an exception handler per event.
- :class:`Environment` is SimPy's, its clock ``now`` a plain attribute: SimPy
  reads it through a property (about 100 ns a read), and the engine reads the
  clock some ten times per contact.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator
from heapq import heappop, heappush
from typing import Any

import simpy
from simpy.events import NORMAL, URGENT, Event

Pause = float | Event
"""What a light process yields: a delay in seconds, or an event whose value it waits for."""


class Environment(simpy.Environment):
    """SimPy's environment whose clock, :attr:`now`, is a plain attribute.

    SimPy's own code reads and sets the clock as ``_now``; here that is a
    property over :attr:`now`, so both always agree.  Only the engine sets it
    (:func:`run_until`), as SimPy's scheduler does.
    """

    now: float = 0.0  # shadows SimPy's read-only property: the instance's attribute is read

    @property
    def _now(self) -> float:
        return self.now

    @_now.setter
    def _now(self, value: float) -> None:
        self.now = value


class Call:
    """A timer in SimPy's queue: at its time the run loop calls ``fn`` with it.

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
    env: simpy.Environment, delay: float, callback: Callable[[Any], None], value: Any = None
) -> None:
    """Call ``callback(event)`` in ``delay`` seconds (``event._value`` is ``value``).

    Scheduled as a ``Timeout(env, delay, value)`` would be, at the same place
    among events of the same time.
    """
    call = Call()
    call.fn = callback
    call._value = value
    queue: list[Any] = env._queue  # (time, priority, order, event), as SimPy keeps it
    heappush(queue, (env.now + delay, NORMAL, next(env._eid), call))


def call_again(env: simpy.Environment, delay: float, call: Call) -> None:
    """Schedule ``call``, a timer that has just run, to run again in ``delay`` seconds with
    the same callback and value: as :func:`call_in`, without a new :class:`Call`."""
    queue: list[Any] = env._queue
    heappush(queue, (env.now + delay, NORMAL, next(env._eid), call))


def run_until(env: Environment, until: float) -> None:
    """Run the events before ``until`` (all of them if it is infinite), as ``env.run(until)``.

    As SimPy does, the clock then reads ``until`` when it is finite.  A
    :class:`Call` is called directly; any other event is fired by :func:`fire`.
    """
    queue: list[Any] = env._queue
    pop = heappop
    while queue and queue[0][0] < until:
        env.now, _, _, event = pop(queue)
        if event.__class__ is Call:
            event.fn(event)
        else:
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


def start_process(env: simpy.Environment, steps: Generator[Pause, Any, Any]) -> None:
    """Run ``steps`` as a light process, from now (where ``env.process`` would start it)."""
    _LightProcess(env, steps)


class _LightProcess:
    """Drives a generator: resumes it when the delay or the event it yielded is over.

    A light process waits for one thing at a time, so one :class:`Call` of
    its own serves every delay it waits out: pushed on the queue again at
    each wait, never twice at once.  The Call and the bound method refer back
    to the process; both go when it ends, so that its frames are freed then,
    without the cyclic collector (paused during a run).
    """

    __slots__ = ("call", "env", "resume", "steps")

    def __init__(self, env: simpy.Environment, steps: Generator[Pause, Any, Any]) -> None:
        self.env = env
        self.steps = steps
        self.resume = self._resume  # (one bound method, not one per wait)
        self.call = call = Call()
        call.fn = self.resume
        call._value = None
        queue: list[Any] = env._queue
        heappush(queue, (env.now, URGENT, next(env._eid), call))

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
        queue: list[Any] = env._queue
        heappush(queue, (env.now + pause, NORMAL, next(env._eid), self.call))
