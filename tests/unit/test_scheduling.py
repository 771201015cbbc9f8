"""The engine's timers, light processes and run loop keep SimPy's event order exactly."""

from __future__ import annotations

import gc
import math
from collections.abc import Callable, Generator
from typing import Any

import pytest
import simpy

from simcc.model.scheduling import (
    Environment,
    call_in,
    run_until,
    start_process,
    start_process_last,
)


def _story(env: simpy.Environment, log: list[tuple[float, str]], light: bool) -> None:
    """Timers and two processes with ties at every instant, run with SimPy's own
    objects (``light=False``) or with the engine's (``light=True``)."""

    def wait(delay: float) -> Any:
        return delay if light else env.timeout(delay)

    def process(name: str, delays: list[float]) -> Generator[Any, Any, None]:
        log.append((env.now, f"{name} starts"))
        for d in delays:
            yield wait(d)
            log.append((env.now, f"{name} after {d:g}"))

    def timer(name: str) -> Callable[[Any], None]:
        return lambda event: log.append((env.now, f"timer {name} ({event._value})"))

    def launch(name: str, delays: list[float]) -> None:
        if light:
            start_process(env, process(name, delays))
        else:
            env.process(process(name, delays))

    for name, delay in (("a", 1.0), ("b", 0.0), ("c", 1.0)):
        if light:
            call_in(env, delay, timer(name), name)
        else:
            env.timeout(delay, name).callbacks.append(timer(name))
        launch(f"p{name}", [1.0, 0.0, 1.0])

    def at_one(_event: Any) -> None:  # started at t = 1, between the others of that instant
        launch("late", [0.0, 1.0])
        log.append((env.now, "at one"))

    if light:
        call_in(env, 1.0, at_one)
    else:
        env.timeout(1.0).callbacks.append(at_one)


def test_timers_and_light_processes_run_in_simpys_order_at_ties() -> None:
    simpy_log: list[tuple[float, str]] = []
    env = simpy.Environment()
    _story(env, simpy_log, light=False)
    env.run()
    light_log: list[tuple[float, str]] = []
    engine_env = Environment()
    _story(engine_env, light_log, light=True)
    run_until(engine_env, float("inf"))
    assert light_log == simpy_log
    assert len(simpy_log) == 19  # 15 process steps, 3 timers, "at one": ties at t = 0, 1 and 2


def test_a_light_process_waits_for_a_queue_entry_value() -> None:
    env = Environment()
    got: list[tuple[float, int]] = []
    entry = simpy.Event(env)

    def waiter() -> Generator[Any, Any, None]:
        value = yield entry
        got.append((env.now, value))

    start_process(env, waiter())
    call_in(env, 3.0, lambda _e: entry.succeed(7))
    run_until(env, float("inf"))
    assert got == [(3.0, 7)]


@pytest.mark.parametrize("until", [2.5, 10.0])
def test_run_until_stops_before_until_and_leaves_the_clock_there_as_simpy_does(
    until: float,
) -> None:
    logs, clocks = [], []
    for env in (simpy.Environment(), Environment()):
        log: list[float] = []
        for t in (1.0, 2.0, 2.5, 3.0):
            env.timeout(t).callbacks.append(lambda _e, env=env, log=log: log.append(env.now))
        if isinstance(env, Environment):
            run_until(env, until)
        else:
            env.run(until=until)
        logs.append(log)
        clocks.append(env.now)
    assert logs[0] == logs[1]
    assert clocks == [until, until]


def _starts_at_ties(start_last: Callable[[Environment, Any], None]) -> list[tuple[float, str]]:
    """Timers at t = 1 that start processes as their last step, with an urgent start
    already due (``first`` starts one just before) and plain timers due too."""
    env = Environment()
    log: list[tuple[float, str]] = []

    def process(name: str) -> Generator[Any, Any, None]:
        log.append((env.now, f"{name} starts"))
        yield 0.0
        log.append((env.now, f"{name} after 0"))

    def first(_event: Any) -> None:
        log.append((env.now, "first"))
        start_process(env, process("p1"))  # (urgent: due before every other event now)
        start_last(env, process("p2"))  # (after p1's start)

    def second(_event: Any) -> None:
        log.append((env.now, "second"))

    def third(_event: Any) -> None:
        log.append((env.now, "third"))
        start_last(env, process("p3"))

    for fn in (first, second, lambda _e: log.append((env.now, "plain")), third):
        call_in(env, 1.0, fn)
    call_in(env, 2.0, lambda _e: start_last(env, process("p4")))
    run_until(env, math.inf)
    return log


def test_a_light_process_started_last_in_a_callback_runs_where_start_process_runs_it() -> None:
    """At once when nothing urgent is due, after an urgent start already due otherwise."""
    expected = _starts_at_ties(start_process)
    assert _starts_at_ties(start_process_last) == expected
    names = [what for _, what in expected]
    assert names.index("p1 starts") < names.index("p2 starts") < names.index("second")


def test_the_engine_clock_is_simpys_clock() -> None:
    env = Environment(initial_time=5.0)
    assert env.now == env._now == 5.0
    env.timeout(2.0)
    env.run()  # SimPy's own scheduler sets the clock through _now
    assert env.now == env._now == 7.0


def test_a_finished_light_process_leaves_no_cyclic_garbage() -> None:
    """A light process's timer refers back to it; once it ends, reference counting alone
    frees it (the cyclic collector is paused during a run)."""
    env = Environment()

    def steps() -> Generator[Any, Any, None]:
        for _ in range(3):
            yield 1.0

    gc.collect()
    gc.disable()
    try:
        for _ in range(100):
            start_process(env, steps())
        run_until(env, math.inf)
        assert gc.collect() == 0
    finally:
        gc.enable()


def test_simpys_own_scheduler_runs_the_engines_timers() -> None:
    env = Environment()
    log: list[tuple[float, Any]] = []
    call_in(env, 2.0, lambda event: log.append((env.now, event._value)), "b")
    call_in(env, 1.0, lambda event: log.append((env.now, event._value)), "a")
    env.run()
    assert log == [(1.0, "a"), (2.0, "b")]


def test_simpys_own_objects_run_on_the_engines_queue_in_simpys_order() -> None:
    logs = []
    for env in (simpy.Environment(), Environment()):
        log: list[tuple[float, str]] = []
        _story(env, log, light=False)  # Timeouts, Processes (urgent starts) and env.run
        env.run(until=2.5)
        env.run()
        logs.append(log)
    assert logs[0] == logs[1]
    assert len(logs[0]) > 10


def test_events_due_at_one_instant_run_by_priority_then_in_scheduling_order() -> None:
    """Many events at a few instants, at three priorities, some scheduled while others
    of their instant run: the engine's queue gives SimPy's order."""
    import random

    logs = []
    for env in (simpy.Environment(), Environment()):
        rng = random.Random(5)
        log: list[int] = []

        def event(n: int, env: simpy.Environment = env, log: list[int] = log) -> simpy.Event:
            e = simpy.Event(env)
            e._ok, e._value = True, n
            e.callbacks.append(lambda ev: log.append(ev._value))
            return e

        def spawn(ev: Any, env: simpy.Environment = env, rng: random.Random = rng) -> None:
            if ev._value % 3 == 0 and ev._value < 400:  # a new event now or soon, in its turn
                more = event(ev._value + 1000)
                env.schedule(more, rng.choice([0, 1, 2]), rng.choice([0.0, 0.0, 1.0]))

        for n in range(300):
            e = event(n)
            e.callbacks.append(spawn)
            env.schedule(e, rng.choice([0, 1, 2]), float(rng.choice([0, 1, 1, 2, 5])))
        env.run()
        logs.append(log)
    assert logs[0] == logs[1]
    assert len(logs[0]) > 300
