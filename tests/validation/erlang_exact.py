"""What a finite simulation of one Erlang A / Erlang C pool should report, exactly.

The validation tests compare simcc's replications with the *stationary* values of
:mod:`simcc.analysis.theory`. A simulation starts empty, though, and measures only
the contacts arriving in ``[warmup, horizon)``, so its expected value differs from
the stationary one by a start-up bias. This module computes that expected value
exactly, so each test can show that the bias is negligible next to its confidence
interval instead of assuming it.

How
---
The number of contacts in the pool is a birth–death chain (births at ``λ``, deaths
at ``min(k, n)·μ + max(k − n, 0)·θ``), truncated where the stationary tail is below
``1e-14``. Under FCFS an arriving contact's fate depends only on the number it
finds in the pool (later arrivals queue behind it), so each metric is the arrival
state's distribution weighted by a per-state value:

* ``k < n``: answered at once;
* ``k = n + j`` (``j`` waiting ahead): with ``r_i = nμ + (i + 1)θ`` the rate of
  leaving position ``i``, answered with probability ``nμ / r_j`` after a mean
  wait of ``Σ_{i≤j} 1/r_i``; the chance of being answered (or of abandoning)
  within ``t`` comes from the absorbing chain on queue positions, via ``expm``.

Arrivals are Poisson at a constant rate, so an arrival at time ``t`` sees the
transient distribution ``p(t)`` (PASTA) and the expected window metrics use the
time average of ``p(t)`` over ``[warmup, horizon)``, from one matrix exponential
of an augmented generator. With the stationary distribution instead, the same
weights give the values of :func:`simcc.analysis.theory.erlang_a` (a cross-check
of that module by another route).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.linalg import expm

TAIL = 1e-14
MAX_STATES = 4000


@dataclass(frozen=True)
class WindowValues:
    """Metrics of MODEL.md §4 for one pool, as expected values."""

    abandonment_rate: float
    asa: float
    service_level: float
    occupancy: float

    def as_dict(self) -> dict[str, float]:
        return {
            "abandonment_rate": self.abandonment_rate,
            "asa": self.asa,
            "service_level": self.service_level,
            "occupancy": self.occupancy,
        }


@dataclass(frozen=True)
class _PerState:
    """Per arrival state: P(answered), E[wait·answered], P(answered ≤ t), P(abandoned ≤ s)."""

    answered: np.ndarray
    wait_answered: np.ndarray
    within: np.ndarray
    short: np.ndarray
    busy: np.ndarray
    agents: int


def _size(lam: float, mu: float, theta: float, n: int) -> int:
    """States 0..size-1 hold all but ``TAIL`` of the stationary probability."""
    log_w, log_total, k = 0.0, 0.0, 0
    best = -math.inf
    while k < MAX_STATES:
        k += 1
        log_w += math.log(lam) - math.log(min(k, n) * mu + max(k - n, 0) * theta)
        log_total = float(np.logaddexp(log_total, log_w))
        best = max(best, log_w)
        ratio = lam / (min(k + 1, n) * mu + max(k + 1 - n, 0) * theta)
        if (
            k > n
            and ratio < 1
            and log_w + math.log(ratio / (1 - ratio)) < log_total + math.log(TAIL)
        ):
            return k + 1
    raise ValueError("queue too long to truncate; is the pool unstable?")


def _generator(lam: float, mu: float, theta: float, n: int, size: int) -> np.ndarray:
    k = np.arange(size, dtype=float)
    death = np.minimum(k, n) * mu + np.maximum(k - n, 0.0) * theta
    q = np.zeros((size, size))
    idx = np.arange(size - 1)
    q[idx, idx + 1] = lam
    q[idx + 1, idx] = death[1:]
    q[np.arange(size), np.arange(size)] = -q.sum(axis=1)
    return q


def _per_state(
    mu: float, theta: float, n: int, size: int, threshold: float, short_abandon: float
) -> _PerState:
    waiting = size - n  # queue positions j = 0..size-n-1
    j = np.arange(waiting, dtype=float)
    exit_rate = n * mu + (j + 1.0) * theta
    p_answer = n * mu / exit_rate
    mean_wait = np.cumsum(1.0 / exit_rate)

    # absorbing chain on queue positions: i -> i-1 at n·mu + i·theta, out at exit_rate
    t = np.diag(-exit_rate)
    t[np.arange(1, waiting), np.arange(waiting - 1)] = n * mu + j[1:] * theta

    def answered_by(time: float) -> np.ndarray:
        left = expm(t * time) if time > 0 else np.eye(waiting)
        return p_answer - left @ p_answer

    def abandoned_by(time: float) -> np.ndarray:
        left = expm(t * time) if time > 0 else np.eye(waiting)
        return (1.0 - p_answer) - left @ (1.0 - p_answer)

    ones = np.ones(n)
    zeros = np.zeros(n)
    short = abandoned_by(short_abandon) if theta > 0 else np.zeros(waiting)
    return _PerState(
        answered=np.concatenate([ones, p_answer]),
        wait_answered=np.concatenate([zeros, p_answer * mean_wait]),
        within=np.concatenate([ones, answered_by(threshold)]),
        short=np.concatenate([zeros, short]),
        busy=np.minimum(np.arange(size, dtype=float), n),
        agents=n,
    )


def _weigh(p: np.ndarray, s: _PerState) -> WindowValues:
    p = p / p.sum()
    answered = float(p @ s.answered)
    return WindowValues(
        abandonment_rate=1.0 - answered,
        asa=float(p @ s.wait_answered) / answered,
        service_level=float(p @ s.within) / (1.0 - float(p @ s.short)),
        occupancy=float(p @ s.busy) / s.agents,
    )


def _check(lam: float, mu: float, theta: float, n: int) -> None:
    if theta == 0 and lam >= n * mu:
        raise ValueError("Erlang C needs arrival_rate < agents × service_rate")


def states_needed(lam: float, mu: float, theta: float, n: int) -> int:
    """How many states (0, 1, … contacts in the pool) hold all but ``1e-14`` of the mass."""
    _check(lam, mu, theta, n)
    return _size(lam, mu, theta, n)


def stationary_distribution(lam: float, mu: float, theta: float, n: int, size: int) -> np.ndarray:
    """Stationary probabilities of 0..size-1 contacts in the pool."""
    k = np.arange(size, dtype=float)
    death = np.minimum(k, n) * mu + np.maximum(k - n, 0.0) * theta
    log_p = np.concatenate([[0.0], np.cumsum(math.log(lam) - np.log(death[1:]))])
    p = np.exp(log_p - log_p.max())
    return p / p.sum()


def stationary(
    lam: float,
    mu: float,
    theta: float,
    n: int,
    threshold: float = 20.0,
    short_abandon: float = 0.0,
) -> WindowValues:
    """Stationary metrics (rates per second; ``theta = 0`` is Erlang C)."""
    size = states_needed(lam, mu, theta, n)
    p = stationary_distribution(lam, mu, theta, n, size)
    return _weigh(p, _per_state(mu, theta, n, size, threshold, short_abandon))


def expected_window(
    lam: float,
    mu: float,
    theta: float,
    n: int,
    warmup: float,
    horizon: float,
    threshold: float = 20.0,
    short_abandon: float = 0.0,
    initial: np.ndarray | None = None,
) -> WindowValues:
    """Expected metrics of the contacts arriving in ``[warmup, horizon)``.

    The pool starts at time 0 empty, or with ``initial`` (probabilities of 0, 1, …
    contacts present; e.g. the stationary distribution of the previous interval of
    an intraday profile).
    """
    size = states_needed(lam, mu, theta, n)
    if initial is not None:
        size = max(size, len(initial))
    start = np.zeros(size)
    if initial is None:
        start[0] = 1.0
    else:
        start[: len(initial)] = initial
    q = _generator(lam, mu, theta, n, size)
    at_warmup = start @ expm(q * warmup) if warmup > 0 else start
    # [[Q, I], [0, 0]] exponentiated holds ∫_0^s exp(Q u) du in its upper-right block
    aug = np.zeros((2 * size, 2 * size))
    aug[:size, :size] = q
    aug[:size, size:] = np.eye(size)
    integral = expm(aug * (horizon - warmup))[:size, size:]
    mean_p = np.clip(at_warmup @ integral, 0.0, None)
    return _weigh(mean_p, _per_state(mu, theta, n, size, threshold, short_abandon))
