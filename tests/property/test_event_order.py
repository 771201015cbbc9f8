"""Property test: the engine's event queue runs events in SimPy's own order.

A random mix of timers (``call_in``), SimPy events scheduled at four
priorities and light processes, many at the same instant and many scheduled
from a callback at the instant being run, goes once through
:func:`simcc.model.scheduling.run_until` (stopped and resumed at instants that
have events, as a warm-up cut does) and once through a plain
``simpy.Environment``'s ``run``.  Every callback and process step logs the
clock and its name: the two logs must be the same.
"""

from __future__ import annotations

import math
import random

import pytest
import simpy

from simcc.model.scheduling import Environment, call_in, run_until, start_process

STOPS = (0.5, 1.0, 2.0, 2.5, math.inf)
"""Where the engine's run stops and resumes; 1.0 and 2.0 are instants with events."""


def _story(engine: bool, seed: int, budget: int = 600) -> list[tuple[float, object]]:
    rng = random.Random(seed)
    env: simpy.Environment = Environment() if engine else simpy.Environment()
    log: list[tuple[float, object]] = []
    made = [0]

    def timer(delay: float, name: int) -> None:
        if engine:
            call_in(env, delay, fired, name)
        else:
            env.timeout(delay, name).callbacks.append(fired)

    def process(name: int, delay: float) -> None:
        def steps():  # type: ignore[no-untyped-def]
            log.append((env.now, f"p{name}"))
            yield delay if engine else env.timeout(delay)
            log.append((env.now, f"p{name}+"))

        if engine:
            start_process(env, steps())
        else:
            env.process(steps())

    def fired(event: simpy.Event) -> None:
        log.append((env.now, event._value))
        for _ in range(rng.choice([0, 1, 2]) if made[0] < budget else 0):
            made[0] += 1
            kind, delay, name = rng.random(), rng.choice([0.0, 0.0, 0.5, 1.0]), made[0]
            if kind < 0.3:
                timer(delay, name)
            elif kind < 0.6:
                ev = simpy.Event(env)
                ev._ok, ev._value = True, name
                ev.callbacks.append(fired)
                env.schedule(ev, rng.choice([-1, 0, 1, 2]), delay)
            else:
                process(name, delay)

    for _ in range(50):
        made[0] += 1
        timer(float(rng.choice([0, 1, 1, 2, 3])), made[0])
    if engine:
        for until in STOPS:
            run_until(env, until)  # type: ignore[arg-type]
    else:
        env.run()
    return log


@pytest.mark.parametrize("seed", range(40))
def test_the_engine_queue_runs_a_random_mix_of_events_in_simpys_order(seed: int) -> None:
    ours = _story(engine=True, seed=seed)
    assert len(ours) > 100
    assert ours == _story(engine=False, seed=seed)
