"""A pool's queue entries are settled once, with the reason their wait ended."""

from __future__ import annotations

import math
from collections.abc import Generator

from simcc.model.pool import ABANDONED, Pool, Wait
from simcc.model.records import Names, Recorder
from simcc.model.scheduling import Environment, Pause, run_until, start_process


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


def test_each_wrap_up_frees_its_own_agent_when_it_ends_also_on_a_reused_timer() -> None:
    """A wrap-up's timer, once run, serves a later wrap-up: it frees that one's agent."""
    env, pool = a_pool(3)
    agents = [pool.seize() for _ in range(3)]
    freed: list[tuple[float, int]] = []
    dispatch = pool._dispatch

    def noting(agent: int, last: bool = False) -> None:  # a freed agent takes its next
        freed.append((env.now, agent))
        dispatch(agent, last)

    pool._dispatch = noting  # type: ignore[method-assign]
    for agent, wrap_up in zip(agents, (5.0, 3.0, 4.0), strict=True):
        pool.finish(agent, wrap_up, contact=agent)

    def again(_e: object) -> None:  # at 4: the timers of agents 1 and 2 have run
        for wrap_up in (2.0, 0.5):
            agent = pool.seize()
            assert agent is not None
            pool.finish(agent, wrap_up, contact=agent)

    env.timeout(4.0).callbacks.append(again)
    env.run()
    assert freed == [(3.0, 1), (4.0, 2), (4.5, 2), (5.0, 0), (6.0, 1)]
    assert sorted(pool.idle) == [0, 1, 2] and pool.busy == 0


def test_a_reused_wrap_up_timer_due_with_another_event_runs_after_it() -> None:
    """A reused timer due at an instant something else is already due at keeps SimPy's
    order (scheduled later, it runs later), and neither is lost."""
    env, pool = a_pool(1)
    order: list[tuple[str, float]] = []
    dispatch = pool._dispatch

    def noting(agent: int, last: bool = False) -> None:  # a freed agent takes its next
        order.append(("freed", env.now))
        dispatch(agent, last)

    pool._dispatch = noting  # type: ignore[method-assign]
    agent = pool.seize()
    assert agent is not None
    pool.finish(agent, 1.0, contact=0)  # its timer runs at 1, then waits for reuse
    env.timeout(3.0).callbacks.append(lambda _e: order.append(("timeout", env.now)))

    def again(_e: object) -> None:  # at 2: the reused timer is due at 3, beside the timeout
        agent = pool.seize()
        assert agent is not None
        pool.finish(agent, 1.0, contact=1)

    env.timeout(2.0).callbacks.append(again)
    env.run()
    assert order == [("freed", 1.0), ("timeout", 3.0), ("freed", 3.0)]


def _waiter(
    env: Environment,
    pool: Pool,
    order: list[tuple[str, float]],
    deadline: float = math.inf,
    name: str = "",
) -> Generator[Pause, int, None]:
    """A light process that waits in the pool's queue, then notes how and when it ended."""
    entry = pool.join(0, 1, deadline, "customer")
    agent = yield entry
    order.append(
        (f"{name}answered by {agent}" if agent != ABANDONED else f"{name}gave up", env.now)
    )


def test_a_wait_answered_at_a_wrap_ups_end_goes_on_then_with_its_agent() -> None:
    """An agent whose wrap-up ends takes the waiting contact: its waiter goes on at that
    instant with that agent (at once, when nothing else is due then)."""
    env, pool = a_pool(1)
    order: list[tuple[str, float]] = []
    agent = pool.seize()
    assert agent is not None
    start_process(env, _waiter(env, pool, order))
    pool.finish(agent, 5.0, contact=0)
    env.timeout(7.0).callbacks.append(lambda _e: order.append(("timeout", env.now)))
    run_until(env, math.inf)
    assert order == [("answered by 0", 5.0), ("timeout", 7.0)]
    assert pool.busy == 1 and pool.waiting == 0


def test_a_wait_answered_at_a_wrap_ups_end_goes_on_after_what_is_already_due_then() -> None:
    """With another event due at the wrap-up's end, scheduled after the wrap-up, the waiter
    goes on after it, as the answered entry's event would (SimPy's order)."""
    env, pool = a_pool(1)
    order: list[tuple[str, float]] = []
    agent = pool.seize()
    assert agent is not None
    start_process(env, _waiter(env, pool, order))
    pool.finish(agent, 5.0, contact=0)
    env.timeout(5.0).callbacks.append(lambda _e: order.append(("timeout", env.now)))
    run_until(env, math.inf)
    assert order == [("timeout", 5.0), ("answered by 0", 5.0)]


def test_waits_that_end_at_their_deadline_go_on_then_in_the_order_they_joined() -> None:
    """Two waits ending at one deadline go on in the order they joined; the last one at
    once, when nothing else is due then."""
    env, pool = a_pool(0)
    order: list[tuple[str, float]] = []
    start_process(env, _waiter(env, pool, order, 40.0, "first "))
    start_process(env, _waiter(env, pool, order, 40.0, "second "))
    env.timeout(50.0).callbacks.append(lambda _e: order.append(("timeout", env.now)))
    run_until(env, math.inf)
    assert order == [("first gave up", 40.0), ("second gave up", 40.0), ("timeout", 50.0)]
    assert pool.waiting == 0


def test_a_wait_that_ends_at_its_deadline_goes_on_after_what_is_already_due_then() -> None:
    """With another event due at the deadline, scheduled after the wait began, the waiter
    goes on after it, as its entry's event would (SimPy's order)."""
    env, pool = a_pool(0)
    order: list[tuple[str, float]] = []
    start_process(env, _waiter(env, pool, order, 40.0))
    env.timeout(0.0).callbacks.append(
        lambda _e: env.timeout(40.0).callbacks.append(lambda _e: order.append(("timeout", env.now)))
    )
    run_until(env, math.inf)
    assert order == [("timeout", 40.0), ("gave up", 40.0)]


def test_a_pool_with_its_own_release_frees_a_wrapped_up_agent_through_it() -> None:
    """A wrap-up's end frees its agent inline only for a plain pool; a pool whose release is
    its own (agent groups, chat sessions: whose shift is over) frees it through that."""
    freed: list[tuple[float, int, bool]] = []

    class OwnRelease(Pool):
        def release(self, agent: int, last: bool = False) -> None:
            freed.append((self.env.now, agent, last))
            super().release(agent, last)

    env = Environment()
    names = Names(("desk",), ("t",), ("s",), ("",))
    pool = OwnRelease(env, 0, "desk", 1, 1, Recorder(names), 60)
    agent = pool.seize()
    assert agent is not None
    pool.finish(agent, 5.0, contact=0)
    run_until(env, math.inf)
    assert freed == [(5.0, 0, True)] and list(pool.idle) == [0]
