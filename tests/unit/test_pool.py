"""A pool's queue entries are settled once, with the reason their wait ended."""

from __future__ import annotations

import math

from simcc.model.pool import ABANDONED, Pool, Wait
from simcc.model.records import Names, Recorder
from simcc.model.scheduling import Environment


def a_pool(agents: int, queue_capacity: int | None = None) -> tuple[Environment, Pool]:
    env = Environment()
    pool = Pool(env, 0, "desk", 1, agents, Recorder(Names(("desk",), ("t",), ("s",), ("",))), 60)
    pool.queue_capacity = queue_capacity
    return env, pool


def test_an_answered_wait_ends_answered_with_the_agent() -> None:
    env, pool = a_pool(1)
    agent = pool.seize()
    assert agent == 0
    entry = pool.join(0, 1, math.inf, "customer")
    env.timeout(30).callbacks.append(lambda _e: pool.release(agent))
    env.run()
    assert (entry.ended, entry.value, env.now) == (Wait.ANSWERED, 0, 30)


def test_a_wait_past_the_deadline_ends_as_the_deadline_says() -> None:
    env, pool = a_pool(0)
    patience = pool.join(0, 1, 40.0, "customer")
    limit = pool.join(0, 1, 50.0, "consult", capped=False, expires=Wait.TIMED_OUT)
    env.run()
    assert (patience.ended, patience.value) == (Wait.HUNG_UP, ABANDONED)
    assert (limit.ended, limit.value) == (Wait.TIMED_OUT, ABANDONED)
    assert pool.waiting == 0


def test_a_full_queue_refuses_a_live_customer_at_once() -> None:
    _env, pool = a_pool(0, queue_capacity=0)
    refused = pool.join(0, 1, math.inf, "customer")
    consult = pool.join(0, 1, math.inf, "consult", capped=False)  # not a live customer
    assert refused.ended == Wait.QUEUE_FULL and refused.triggered
    assert not consult.triggered and pool.waiting == 1


def test_the_then_callback_is_told_instead_of_the_event() -> None:
    env, pool = a_pool(0)
    seen: list[tuple[Wait, int]] = []
    pool.join(0, 1, 10.0, "customer", then=lambda entry, agent: seen.append((entry.ended, agent)))
    env.run()
    assert seen == [(Wait.HUNG_UP, ABANDONED)]
