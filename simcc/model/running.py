"""Running a replication's clock: to the end of the drain, or to a wall-clock limit.

Two guards keep a run from going on for ever:

- a *circular wait*: with no ``max_consult_wait`` and customers who never
  hang up, warm or conference hand-offs between pools that escalate to each
  other can wait for one another for ever (every agent on hold for a
  colleague who is on hold too).  When no event is left, the consult that has
  waited longest gives up and its policy's fallback applies, as if its
  ``max_consult_wait`` had run out (:func:`break_circular_wait`);
- *no progress*: contacts that call again, end at once and call again at one
  instant, a million times over, stop the run with :class:`NoProgress`
  (:class:`InstantGuard`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from typing import Any

import simpy

from simcc.model.pool import WAITING, Entry, Wait
from simcc.model.scheduling import Environment, run_until

MAX_RECONTACTS_AT_ONE_INSTANT = 1_000_000
"""Re-contacts at one simulated instant after which a run is said to make no progress."""


class NoProgress(RuntimeError):
    """A run whose clock stopped moving: contacts call again and again at one instant."""


class InstantGuard:
    """Counts the re-contacts at the latest instant; raises :class:`NoProgress` at the limit."""

    __slots__ = ("at_instant", "instant")

    def __init__(self) -> None:
        self.instant, self.at_instant = -1.0, 0

    def count(self, now: float) -> None:
        """One more re-contact at ``now``."""
        if now != self.instant:
            self.instant, self.at_instant = now, 0
            return
        self.at_instant += 1
        if self.at_instant >= MAX_RECONTACTS_AT_ONE_INSTANT:
            raise NoProgress(
                f"the simulation makes no progress: {self.at_instant:,} re-contacts at "
                f"t = {now:g}s without the clock moving (customers call again at once, "
                "end at once and call again); give customers.recontact.delay a duration, "
                "a probability below 1, or the callers a patience or agents"
            )


def break_circular_wait(consults: Mapping[Entry[Any], float]) -> bool:
    """Give up the consult request (of ``consults``: entry → time asked) that has waited
    longest, when agents wait for each other's consults and nothing else can happen.
    Returns whether one was given up."""
    waiting = [(t, e) for e, t in consults.items() if e.state == WAITING]
    if not waiting:
        return False
    _, entry = min(waiting, key=lambda item: item[0])
    entry.pool.cancel(entry)
    entry.settle(Wait.GIVEN_UP)
    return True


def run_to(env: Environment, until: float, consults: Mapping[Entry[Any], float]) -> None:
    """Run the events before ``until``, breaking circular waits when nothing else is left."""
    while True:
        run_until(env, until)
        if env.now >= until or not break_circular_wait(consults):
            break


def _reached(now: float, horizon: float) -> str:
    """How far a replication stopped early had come: ``after 3.2 h of the 8 h day``."""
    if now >= horizon:
        return "while the day's last contacts drained (the whole day was simulated)"
    unit, size = ("h", 3600.0) if horizon >= 3600 else ("min", 60.0)
    return f"after {_amount(now / size)} {unit} of the {_amount(horizon / size)} {unit} day"


def _amount(x: float) -> str:
    return f"{x:.0f}" if x >= 100 else f"{x:.3g}"


def run_with_wall_clock(
    env: simpy.Environment,
    until: float,
    wall_clock: float,
    consults: Mapping[Entry[Any], float],
    horizon: float,
) -> str | None:
    """As :func:`run_to`, looking at the wall clock between chunks of events; why the run
    stopped early (and how much of the ``horizon`` it had simulated), or None if it
    reached ``until`` (or ran out of events)."""
    deadline = time.monotonic() + wall_clock
    while True:
        for _ in range(5000):
            if env.peek() >= until:
                break
            env.step()
        else:
            if time.monotonic() > deadline:
                return f"stopped by the wall-clock limit {_reached(env.now, horizon)}"
            continue
        if env.peek() < math.inf or not break_circular_wait(consults):
            return None  # reached the drain limit, or nothing left to do
