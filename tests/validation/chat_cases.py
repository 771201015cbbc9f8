"""Chat pools against theory (MODEL.md §8): n agents of concurrency k are M/M/(n·k)+M.

Shared by ``tests/validation/test_chat.py`` and ``benchmarks/validation_tables.py``.

With ``concurrency: k``, ``concurrency_factor: 1``, exponential handle times and
patience, every session is a server of its own: the number of chats in the pool
is the birth–death chain of Erlang A with ``n·k`` servers, so
``abandonment_rate``, ``asa`` and ``service_level`` must match Erlang A for
``n·k`` agents (and the exact start-up bias of :mod:`tests.validation.erlang_exact`
applies as it is).

Occupancy counts an agent busy while it holds at least one session, so it is
not the Erlang A occupancy: it depends on how sessions are spread over agents.
With the engine's rule (a new chat goes to the least-loaded agent; a session
that ends frees its own agent's slot, which takes the head of the queue), the
agents' loads form a Markov chain on (agents at each load, queue length),
solved here exactly; occupancy is ``1 − E[idle agents] / n``.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

import simcc
from simcc.analysis import theory
from tests.validation.cases import (
    CONFIDENCE,
    ERLANG_A,
    Check,
    ErlangCase,
    case_seed,
    erlang_metrics,
)

QUEUE_STATES = 400  # queue lengths kept in the load chain (the tail beyond is negligible)


def busy_agents_share(lam: float, mu: float, theta: float, n: int, k: int) -> float:
    """Stationary expected share of agents holding at least one session.

    State: ``(c_0, …, c_k)`` agents at each load, plus the queue length when
    every agent is full.  An arrival opens a session at the lowest load present;
    each session ends at rate ``mu`` (an agent at load j ends one at rate jμ);
    a waiting chat leaves at rate ``theta`` and takes a freed slot at once.
    """
    configs = [c for c in itertools.product(range(n + 1), repeat=k + 1) if sum(c) == n and c[k] < n]
    index = {(c, 0): i for i, c in enumerate(configs)}
    full = tuple([0] * k + [n])
    for q in range(QUEUE_STATES):
        index[(full, q)] = len(index)
    size = len(index)
    gen = np.zeros((size, size))

    def add(src: tuple[tuple[int, ...], int], dst: tuple[tuple[int, ...], int], rate: float):
        if rate > 0 and dst in index:
            gen[index[src], index[dst]] += rate
            gen[index[src], index[src]] -= rate

    for (c, q), _ in list(index.items()):
        if c == full:
            if q + 1 < QUEUE_STATES:
                add((c, q), (c, q + 1), lam)
            if q > 0:
                add((c, q), (c, q - 1), n * k * mu + q * theta)  # a slot takes the next
                continue
        else:
            low = next(j for j in range(k) if c[j] > 0)  # the least-loaded agents' load
            after = list(c)
            after[low] -= 1
            after[low + 1] += 1
            add((c, q), (tuple(after), 0), lam)
        for j in range(1, k + 1):  # a session of an agent at load j ends
            if c[j] > 0:
                after = list(c)
                after[j] -= 1
                after[j - 1] += 1
                add((c, q), (tuple(after), 0), j * c[j] * mu)
    # π Q = 0, Σ π = 1
    a = np.vstack([gen.T, np.ones(size)])
    b = np.zeros(size + 1)
    b[-1] = 1.0
    pi = np.linalg.lstsq(a, b, rcond=None)[0]
    idle = sum(pi[i] * c[0] for (c, _q), i in index.items())
    return 1.0 - idle / n


@dataclass(frozen=True)
class ChatCase:
    """An Erlang A case whose ``n·k`` servers are ``n`` chat agents of ``k`` sessions."""

    name: str
    base: ErlangCase
    sessions: int

    @property
    def agents(self) -> int:
        assert self.base.agents % self.sessions == 0
        return self.base.agents // self.sessions

    def scenario(self) -> simcc.Scenario:
        data = self.base.data()
        data["name"] = f"validation {self.name}"
        data["call_types"]["calls"]["channel"] = "chat"
        data["pools"]["pool"]["agents"] = self.agents
        data["pools"]["pool"]["concurrency"] = self.sessions
        return simcc.scenario_from_dict(data)


CHAT = [
    ChatCase("K1", ERLANG_A[0], 3),  # 4 agents × 3 sessions, under-loaded
    ChatCase("K2", ERLANG_A[1], 3),  # 5 agents × 3 sessions, critically loaded
    ChatCase("K3", ERLANG_A[3], 2),  # 1 agent × 2 sessions, over-loaded
]


CHAT_METRICS = ("abandonment_rate", "asa", "service_level")
"""The metrics that are Erlang A's for n·k servers; occupancy is the load chain's."""


def run_chat(case: ChatCase, seed: int, jobs: int = 2) -> list[Check]:
    """Erlang A for ``n·k`` servers on :data:`CHAT_METRICS` (with the exact start-up
    bias), then occupancy against the least-loaded load chain (last)."""
    b = case.base
    reps = simcc.replicate(case.scenario(), b.replications, case_seed(seed, case.name), jobs=jobs)
    summary = reps.summary(CONFIDENCE)
    exact, window = erlang_metrics(theory.erlang_a(b.lam, b.mu, b.theta, b.agents)), b.window()
    checks = [Check(case.name, m, exact[m], summary[m], window[m] - exact[m]) for m in CHAT_METRICS]
    occupancy = busy_agents_share(b.lam, b.mu, b.theta, case.agents, case.sessions)
    checks.append(Check(case.name, "occupancy", occupancy, summary["occupancy_pool"]))
    return checks
