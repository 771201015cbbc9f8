"""Reference implementations of one M/M/n+M queue, for benchmarks and cross-checks.

The queue is the textbook single-pool contact centre: Poisson arrivals at rate
``arrival_rate`` per second, exponential handle times at rate ``service_rate``,
exponential patience at rate ``patience_rate`` (0 means customers never
abandon), ``agents`` interchangeable agents and one FCFS queue.

Both baselines count the customers arriving in ``[0, horizon)`` and let the
system drain afterwards, so no measured customer is cut off:

- :func:`minimal_simpy_run` is the plainest SimPy model one would write: a
  process per customer, ``req | env.timeout(patience)`` for abandonment, one
  NumPy draw per variate. It is the floor a straightforward SimPy model pays
  and is deliberately left unoptimised.
- :func:`callbacks_simpy_run` is the same queue on SimPy's scheduler with
  nothing else: no processes (a callback on each timeout), no records (counts
  and a running sum of waits), variates drawn in blocks. It is the floor of
  SimPy's event loop, the reference simcc's engine is measured against.
- :func:`ciw_run` is the same queue in Ciw, an independent engine, so that the
  two implementations check each other (and simcc) statistically.

Each returns a dict with ``offered``, ``abandoned``, ``answered``,
``mean_wait_answered`` (seconds) and ``abandonment_rate``.

Run ``python benchmarks/baselines.py`` to time them on an 8-hour day.
"""

from __future__ import annotations

import math
import time
from collections import deque
from typing import Any

import ciw
import numpy as np
import simpy


def _summary(offered: int, abandoned: int, waits_answered: list[float]) -> dict[str, Any]:
    """The common result dict from raw counts and the answered customers' waits."""
    answered = len(waits_answered)
    return {
        "offered": offered,
        "abandoned": abandoned,
        "answered": answered,
        "mean_wait_answered": float(np.mean(waits_answered)) if answered else math.nan,
        "abandonment_rate": abandoned / offered if offered else math.nan,
    }


def minimal_simpy_run(
    arrival_rate: float,
    service_rate: float,
    patience_rate: float,
    agents: int,
    horizon: float,
    seed: int,
) -> dict[str, Any]:
    """Simulate the M/M/n+M queue with the minimal idiomatic SimPy model.

    One process per customer; an agent is a unit of a ``simpy.Resource``. A
    customer waits for ``request() | timeout(patience)`` and abandons if the
    timeout wins. Arrivals stop at ``horizon``; the run continues until the
    last customer has left.
    """
    rng = np.random.default_rng(seed)
    env = simpy.Environment()
    pool = simpy.Resource(env, capacity=agents)
    waits_answered: list[float] = []
    counts = {"offered": 0, "abandoned": 0}

    def customer():
        arrived = env.now
        with pool.request() as req:
            if patience_rate > 0:
                patience = rng.exponential(1.0 / patience_rate)
                result = yield req | env.timeout(patience)
                if req not in result:
                    counts["abandoned"] += 1
                    return
            else:
                yield req
            waits_answered.append(env.now - arrived)
            yield env.timeout(rng.exponential(1.0 / service_rate))

    def arrivals():
        while True:
            gap = rng.exponential(1.0 / arrival_rate)
            if env.now + gap >= horizon:
                return
            yield env.timeout(gap)
            counts["offered"] += 1
            env.process(customer())

    env.process(arrivals())
    env.run()
    return _summary(counts["offered"], counts["abandoned"], waits_answered)


class _Exponentials:
    """Exponential variates of one mean, drawn from NumPy in blocks (one call per 4096)."""

    def __init__(self, rng: np.random.Generator, mean: float):
        self.rng, self.mean, self.block = rng, mean, []

    def __call__(self) -> float:
        if not self.block:
            self.block = self.rng.exponential(self.mean, 4096).tolist()
        return self.block.pop()


def callbacks_simpy_run(
    arrival_rate: float,
    service_rate: float,
    patience_rate: float,
    agents: int,
    horizon: float,
    seed: int,
) -> dict[str, Any]:
    """Simulate the M/M/n+M queue on SimPy's scheduler alone: timeouts and callbacks.

    An arrival takes a free agent or joins a FIFO queue and arms a patience
    timeout; a finished service takes the first customer still waiting (those
    who abandoned are skipped); a patience timeout of a customer still waiting
    counts an abandonment. Nothing is recorded but counts and the waits' sum.
    """
    rng = np.random.default_rng(seed)
    env = simpy.Environment()
    gap, handle = _Exponentials(rng, 1.0 / arrival_rate), _Exponentials(rng, 1.0 / service_rate)
    patience = _Exponentials(rng, 1.0 / patience_rate) if patience_rate > 0 else None
    queue: deque[list[Any]] = deque()  # [arrival time, still waiting]
    state = {"free": agents, "offered": 0, "abandoned": 0, "answered": 0, "waits": 0.0}

    def serve(arrived: float) -> None:
        state["answered"] += 1
        state["waits"] += env.now - arrived
        env.timeout(handle()).callbacks.append(done)

    def done(_: object) -> None:
        while queue:
            waiting = queue.popleft()
            if waiting[1]:
                waiting[1] = False
                serve(waiting[0])
                return
        state["free"] += 1

    def give_up(event: simpy.Timeout) -> None:
        waiting = event.value
        if waiting[1]:
            waiting[1] = False
            state["abandoned"] += 1

    def arrive(_: object) -> None:
        state["offered"] += 1
        if state["free"]:
            state["free"] -= 1
            serve(env.now)
        else:
            waiting = [env.now, True]
            queue.append(waiting)
            if patience is not None:
                env.timeout(patience(), waiting).callbacks.append(give_up)
        next_arrival()

    def next_arrival() -> None:
        wait = gap()
        if env.now + wait < horizon:
            env.timeout(wait).callbacks.append(arrive)

    next_arrival()
    env.run()
    offered, answered = state["offered"], state["answered"]
    return {
        "offered": offered,
        "abandoned": state["abandoned"],
        "answered": answered,
        "mean_wait_answered": state["waits"] / answered if answered else math.nan,
        "abandonment_rate": state["abandoned"] / offered if offered else math.nan,
    }


class _PoissonUntil(ciw.dists.Distribution):
    """Exponential inter-arrival times that stop at ``horizon``.

    Ciw calls ``sample(t)`` at the current arrival; if the next arrival would
    fall at or after ``horizon`` it returns infinity, so the arrival stream
    is a Poisson process on ``[0, horizon)`` and the network then drains.
    """

    def __init__(self, rate: float, horizon: float):
        self.gap = ciw.dists.Exponential(rate)
        self.horizon = horizon

    def __repr__(self) -> str:
        return f"PoissonUntil(rate={self.gap.rate}, horizon={self.horizon})"

    def sample(self, t=None, ind=None):
        gap = self.gap.sample(t, ind)
        return gap if t + gap < self.horizon else math.inf


def ciw_run(
    arrival_rate: float,
    service_rate: float,
    patience_rate: float,
    agents: int,
    horizon: float,
    seed: int,
) -> dict[str, Any]:
    """Simulate the M/M/n+M queue in Ciw.

    Reneging uses Ciw's ``reneging_time_distributions`` (none when
    ``patience_rate`` is 0). Ciw draws from the global ``random`` module, so
    this seeds it with ``ciw.seed(seed)``.
    """
    ciw.seed(seed)
    network = ciw.create_network(
        arrival_distributions=[_PoissonUntil(arrival_rate, horizon)],
        service_distributions=[ciw.dists.Exponential(service_rate)],
        number_of_servers=[agents],
        reneging_time_distributions=[
            ciw.dists.Exponential(patience_rate) if patience_rate > 0 else None
        ],
    )
    sim = ciw.Simulation(network)
    # No events remain once the last customer leaves, so Ciw stops there.
    sim.simulate_until_max_time(math.inf)
    assert all(node.number_of_individuals == 0 for node in sim.transitive_nodes)
    records = sim.get_all_records()
    waits = [r.waiting_time for r in records if r.record_type == "service"]
    abandoned = sum(r.record_type == "renege" for r in records)
    return _summary(len(waits) + abandoned, abandoned, waits)


def _benchmark(run, params: dict[str, Any], seeds: range) -> tuple[float, float]:
    """Mean abandonment rate and contacts per wall-clock second over ``seeds``."""
    offered, rates, seconds = 0, [], 0.0
    for seed in seeds:
        start = time.perf_counter()
        result = run(**params, seed=seed)
        seconds += time.perf_counter() - start
        offered += result["offered"]
        rates.append(result["abandonment_rate"])
    return float(np.mean(rates)), offered / seconds


if __name__ == "__main__":
    day = {
        "arrival_rate": 180 / 3600,
        "service_rate": 1 / 300,
        "patience_rate": 1 / 240,
        "agents": 16,
        "horizon": 8 * 3600,
    }
    seeds = range(1, 11)
    print(f"M/M/16+M: 180/h, AHT 300 s, mean patience 240 s, 8 h, {len(seeds)} replications")
    contenders = [
        ("minimal SimPy", minimal_simpy_run),
        ("callbacks SimPy", callbacks_simpy_run),
        ("Ciw", ciw_run),
    ]
    for name, run in contenders:
        rate, throughput = _benchmark(run, day, seeds)
        print(f"{name:>14}: abandonment_rate {rate:.4f}  {throughput:8.0f} contacts/s")
