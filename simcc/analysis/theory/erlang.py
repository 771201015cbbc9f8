"""Exact steady-state measures of one pool answering one call type: Erlang A and Erlang C.

These are the "truths" of MODEL.md §5 that the simulator must reproduce. One pool of
``agents`` interchangeable agents answers contacts that arrive as a Poisson stream
(``arrival_rate`` per second). Handle times are exponential (``service_rate`` = 1 / AHT,
per second) and the queue is first come, first served. In **Erlang A** (M/M/n+M) every
waiting customer has an exponential patience (``patience_rate`` = 1 / mean patience, per
second) and abandons when it runs out; in **Erlang C** (M/M/n) customers never abandon.

How the numbers are obtained
----------------------------
Nothing here is an approximation except one: the number of contacts in the system is a
birth–death chain whose state space we cut off where the neglected tail holds less than
``1e-13`` of the probability of waiting (so less than ``1e-12`` of all probability).
The stationary distribution is computed in logarithms, so pools of thousands of agents
are safe.

By PASTA an arriving contact sees the stationary distribution. One that finds a free
agent is answered at once. One that finds ``j`` contacts already waiting takes position
``j`` in the queue. While at position ``j`` the next event comes at rate
``n·μ + j·θ + θ``: an agent frees up or one of the ``j`` customers ahead abandons (the
contact moves forward), or the contact's own patience runs out (it abandons). How long
it waits for that event does not depend on which event it is. So

* ``P(answered | j) = ∏_{i=0..j} (nμ + iθ) / (nμ + iθ + θ) = nμ / (nμ + (j+1)θ)``;
* ``E[wait | answered, j] = Σ_{i=0..j} 1 / (nμ + (i+1)θ)``.

Service level and short abandonment need the *distribution* of the wait: we evolve the
absorbing Markov chain on queue positions (absorbed at "answered" or "abandoned") for
``threshold`` seconds by uniformization (a Poisson-weighted sum of jump-chain steps).

With ``θ = 0`` everything reduces to the textbook Erlang C formulas:
``P(wait) = C(n, a)``, ``service level = 1 − C·exp(−(nμ − λ)t)``, ``ASA = C / (nμ − λ)``;
:func:`erlang_c_formula` gives ``C(n, a)`` by the classic route as a cross-check.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.special import gammaln, logsumexp

from simcc.analysis.theory.measures import (
    QueueMeasures,
    check_agents,
    check_rate,
    service_level_sla,
)
from simcc.analysis.theory.mmng import mmng_patience
from simcc.analysis.theory.patience import exponential

__all__ = [
    "erlang_a",
    "erlang_c",
    "erlang_c_formula",
    "min_agents",
]

FloatArray = npt.NDArray[np.float64]

TAIL_TOLERANCE = 1e-13
"""Upper bound on the probability of the queue lengths left out, relative to P(wait)."""

_MAX_QUEUE_STATES = 1 << 21
"""Refuse to build a queue-length chain longer than this (memory guard)."""

_MAX_UNIFORMIZED_WORK = 5e7
"""Above this many (jump × queue position) steps, the service level comes from the
M/M/n+G integral with exponential patience instead (exact as well, and its cost does
not grow with the rates: very impatient customers made uniformization need billions)."""


@dataclass(frozen=True)
class _Chain:
    """Stationary distribution seen by an arrival, split at the number of agents."""

    p_free: FloatArray  # π_k for k = 0..n-1 (an agent is free)
    p_queue: FloatArray  # π_{n+j} for j = 0..J (queue position j on arrival)


def _stationary(lam: float, mu: float, theta: float, n: int) -> _Chain:
    """Stationary distribution of the number in system, truncated adaptively.

    Unnormalised log weights: ``k·log a − log k!`` for ``k ≤ n``, then each extra
    waiting contact multiplies by ``λ / (nμ + iθ)``. Those ratios never increase, so if
    the ratio ``r`` into the first state left out is below one, the whole left-out tail
    is at most ``w_last · r / (1 − r)``. We keep the shortest queue for which that bound
    is below ``TAIL_TOLERANCE`` times the kept mass of the queueing states (so below
    ``TAIL_TOLERANCE`` of the probability of waiting, and a fortiori of the total).
    """
    a = lam / mu
    k = np.arange(n + 1, dtype=np.float64)
    log_free = k * math.log(a) - gammaln(k + 1.0)  # k = 0..n
    log_free_total = float(logsumexp(log_free[:-1]))
    log_lam = math.log(lam)
    log_tol = math.log(TAIL_TOLERANCE)
    size = 256
    if theta == 0:
        # Geometric queue: the cut-off is known in advance, ρ^(J+1) / (1 − ρ^(J+1)) < tol.
        needed = math.ceil(log_tol / math.log(lam / (n * mu))) + 2
        if needed > _MAX_QUEUE_STATES:
            raise ValueError(
                f"load {lam / (n * mu):.12f} per agent is too close to 100 % for Erlang C"
            )
        size = max(size, needed)
    while True:
        j = np.arange(size, dtype=np.float64)
        steps = log_lam - np.log(n * mu + j[1:] * theta)
        log_queue = np.concatenate(([log_free[-1]], log_free[-1] + np.cumsum(steps)))
        log_kept_queue = np.logaddexp.accumulate(log_queue)  # cut after position J
        r_next = lam / (n * mu + (j + 1.0) * theta)
        with np.errstate(divide="ignore", invalid="ignore"):
            log_tail = log_queue + np.log(r_next) - np.log1p(-np.minimum(r_next, 1.0))
        good = np.flatnonzero((r_next < 1.0) & (log_tail - log_kept_queue < log_tol))
        if good.size:
            last = int(good[0])
            break
        if size >= _MAX_QUEUE_STATES:
            raise ValueError(
                "the queue is too long to compute exactly "
                f"(more than {_MAX_QUEUE_STATES} waiting contacts needed); "
                "is the pool overloaded with almost no abandonment?"
            )
        size = min(2 * size, _MAX_QUEUE_STATES)
    log_total = float(np.logaddexp(log_free_total, log_kept_queue[last]))
    return _Chain(
        p_free=np.exp(log_free[:-1] - log_total),
        p_queue=np.exp(log_queue[: last + 1] - log_total),
    )


def _still_waiting(p0: FloatArray, exit_rate: FloatArray, times: list[float]) -> list[FloatArray]:
    """Distribution over queue positions after each of ``times`` (sorted, seconds).

    Position ``i`` is left at rate ``exit_rate[i] = nμ + (i+1)θ``; the contact at
    position ``i + 1`` moves to ``i`` at rate ``nμ + (i+1)θ = exit_rate[i]``. Mass that
    leaves position 0 forward is answered; the rest has abandoned.

    Solved by uniformization: with ``Λ = max exit rate`` the chain jumps at the events
    of a Poisson(Λ) clock, each a step of the substochastic matrix ``I + G/Λ``. Every
    term is non-negative, so there is no cancellation; the Poisson tail left out is
    below 1e-15.
    """
    uniform_rate = float(exit_rate.max())
    stay = 1.0 - exit_rate / uniform_rate
    move = exit_rate[:-1] / uniform_rate
    out: list[FloatArray] = []
    state, now = p0, 0.0
    for t in times:
        if t > now:
            state = _uniformized_step(state, stay, move, uniform_rate * (t - now))
            now = t
        out.append(state)
    return out


def _uniformized_step(
    state: FloatArray, stay: FloatArray, move: FloatArray, mean_jumps: float
) -> FloatArray:
    """``Σ_k Poisson(k; mean_jumps) · P^k state`` for the bidiagonal step matrix ``P``."""
    last = math.ceil(mean_jumps + 12.0 * math.sqrt(mean_jumps) + 40.0)
    k = np.arange(last + 1, dtype=np.float64)
    weights = np.exp(k * math.log(mean_jumps) - mean_jumps - gammaln(k + 1.0))
    first = int(np.argmax(weights > 1e-300))  # earlier weights underflow to zero anyway
    total = np.zeros_like(state)
    current = state.copy()
    for step in range(last + 1):
        if step >= first:
            total += weights[step] * current
        nxt = stay * current
        nxt[:-1] += move * current[1:]
        current = nxt
    return total


def _measures(
    lam: float,
    mu: float,
    theta: float,
    n: int,
    threshold: float,
    short_abandon: float,
) -> QueueMeasures:
    chain = _stationary(lam, mu, theta, n)
    p_free, p_queue = chain.p_free, chain.p_queue
    j = np.arange(p_queue.size, dtype=np.float64)
    exit_rate = n * mu + (j + 1.0) * theta  # leave position j: move forward or abandon
    p_answer = (n * mu) / exit_rate  # P(answered | position j), telescoped product

    answered_now = float(p_free.sum())
    p_wait = float(p_queue.sum())
    answered_later = float(p_queue @ p_answer)
    abandoned = float(p_queue @ (1.0 - p_answer))
    answered = answered_now + answered_later

    # ASA: E[wait | answered, j] is the sum of mean stage times 1/exit_rate over 0..j.
    wait_if_answered = np.cumsum(1.0 / exit_rate)
    asa = float(p_queue @ (p_answer * wait_if_answered)) / answered

    # Mean wait of all arrivals: stage i is visited from position j >= i with
    # probability p_answer[j] / p_answer[i]; sum the mean stage times over visits.
    visits = np.cumsum((p_queue * p_answer)[::-1])[::-1] / p_answer
    mean_wait = float(visits @ (1.0 / exit_rate))

    times = sorted({threshold, short_abandon})
    if float(exit_rate.max()) * times[-1] * p_queue.size > _MAX_UNIFORMIZED_WORK:
        patience = exponential(1.0 / theta if theta > 0 else math.inf)
        other = mmng_patience(lam, mu, n, patience, threshold, short_abandon)
        service_level, short = other.service_level, other.short_abandon
    else:
        waiting = dict(zip(times, _still_waiting(p_queue, exit_rate, times), strict=True))
        left = waiting[threshold]
        service_level = answered_now + answered_later - float(left @ p_answer)
        if short_abandon > 0 and theta > 0:
            left = waiting[short_abandon]
            short = abandoned - float(left @ (1.0 - p_answer))
        else:
            short = 0.0

    busy = float(p_free @ np.arange(n, dtype=np.float64)) + n * p_wait
    return QueueMeasures(
        agents=n,
        offered_load=lam / mu,
        p_wait=p_wait,
        abandonment_rate=abandoned,
        asa=asa,
        mean_wait=mean_wait,
        service_level=min(max(service_level, 0.0), 1.0),
        short_abandon=min(max(short, 0.0), 1.0),
        occupancy=busy / n,
        mean_queue=float(p_queue @ j),
        threshold=threshold,
        short_abandon_threshold=short_abandon,
    )


def erlang_a(
    arrival_rate: float,
    service_rate: float,
    patience_rate: float,
    agents: int,
    threshold: float = 20.0,
    short_abandon: float = 0.0,
) -> QueueMeasures:
    """Exact Erlang A (M/M/n+M) measures for one pool.

    Args:
        arrival_rate: contacts offered per second (λ).
        service_rate: 1 / mean handle time, per second (μ).
        patience_rate: 1 / mean patience, per second (θ). ``0`` means customers never
            abandon, i.e. Erlang C, which needs ``arrival_rate < agents·service_rate``.
        agents: agents staffed (n ≥ 1).
        threshold: answer threshold for the service level, seconds.
        short_abandon: abandonments within this many seconds are reported separately
            (``QueueMeasures.short_abandon``) so :func:`service_level_sla` can drop them.

    Returns:
        The steady-state :class:`QueueMeasures`. The pool may be overloaded
        (``λ > nμ``) when ``patience_rate > 0``: abandonment keeps the queue finite.

    Raises:
        ValueError: on a non-positive rate, a negative threshold, or an unstable
            Erlang C case.
    """
    lam = check_rate("arrival_rate", arrival_rate)
    mu = check_rate("service_rate", service_rate)
    theta = check_rate("patience_rate", patience_rate, allow_zero=True)
    n = check_agents(agents)
    threshold = check_rate("threshold", threshold, allow_zero=True)
    short_abandon = check_rate("short_abandon", short_abandon, allow_zero=True)
    if theta == 0 and (lam >= n * mu or lam / mu >= n):
        raise ValueError(
            f"without abandonment the queue grows without bound: arrival_rate {lam} "
            f">= agents × service_rate {n * mu}"
        )
    return _measures(lam, mu, theta, n, threshold, short_abandon)


def erlang_c(
    arrival_rate: float, service_rate: float, agents: int, threshold: float = 20.0
) -> QueueMeasures:
    """Exact Erlang C (M/M/n, nobody abandons) measures for one pool.

    Requires ``arrival_rate < agents × service_rate`` (otherwise the queue grows without
    bound) and raises ``ValueError`` if not. ``abandonment_rate`` and ``short_abandon``
    are 0 and ``asa == mean_wait``.
    """
    return erlang_a(arrival_rate, service_rate, 0.0, agents, threshold=threshold)


def erlang_c_formula(arrival_rate: float, service_rate: float, agents: int) -> float:
    """Probability of waiting ``C(n, a)`` by the classic Erlang B recursion.

    ``B(0) = 1``, ``B(k) = a·B(k−1) / (k + a·B(k−1))`` and
    ``C = B(n) / (1 − ρ·(1 − B(n)))`` with ``ρ = a/n``. Independent of the birth–death
    computation in :func:`erlang_c`, so the two check each other.
    """
    lam = check_rate("arrival_rate", arrival_rate)
    mu = check_rate("service_rate", service_rate)
    n = check_agents(agents)
    a = lam / mu
    if a >= n:
        raise ValueError(f"offered load {a} Erlangs needs more than {n} agents")
    blocking = 1.0
    for k in range(1, n + 1):
        blocking = a * blocking / (k + a * blocking)
    return blocking / (1.0 - (a / n) * (1.0 - blocking))


def min_agents(
    arrival_rate: float,
    service_rate: float,
    patience_rate: float,
    *,
    target_service_level: float | None = None,
    max_abandonment: float | None = None,
    threshold: float = 20.0,
    short_abandon: float = 0.0,
    max_agents: int = 10000,
) -> int:
    """Smallest number of agents that meets every target given.

    Uses Erlang A, or Erlang C when ``patience_rate == 0``.

    Args:
        target_service_level: minimum :func:`service_level_sla` (answered within
            ``threshold`` over offered minus abandoned within ``short_abandon``).
        max_abandonment: maximum ``abandonment_rate``.
        threshold: answer threshold, seconds.
        short_abandon: short-abandon threshold, seconds (0: every contact counts).
        max_agents: give up above this staffing.

    The search starts from a staffing that provably cannot do better (answered contacts
    never exceed ``agents / offered_load``), gallops up and bisects; it relies on the
    measures improving as agents are added, which holds for these queues.

    Raises:
        ValueError: if no target is given, a target is outside [0, 1], or no staffing up
            to ``max_agents`` meets the targets.
    """
    if target_service_level is None and max_abandonment is None:
        raise ValueError("give target_service_level and/or max_abandonment")
    for name, value in (
        ("target_service_level", target_service_level),
        ("max_abandonment", max_abandonment),
    ):
        if value is not None and not 0.0 <= value <= 1.0:
            raise ValueError(f"{name} must be in [0, 1], got {value!r}")
    lam = check_rate("arrival_rate", arrival_rate)
    mu = check_rate("service_rate", service_rate)
    theta = check_rate("patience_rate", patience_rate, allow_zero=True)
    max_agents = check_agents(max_agents)
    load = lam / mu

    def meets(n: int) -> bool:
        m = erlang_a(lam, mu, theta, n, threshold=threshold, short_abandon=short_abandon)
        if target_service_level is not None and service_level_sla(m) < target_service_level:
            return False
        return max_abandonment is None or m.abandonment_rate <= max_abandonment

    # Necessary conditions: answered fraction <= n / load, so abandonment >= 1 - n / load
    # and (without short-abandon exclusion) service level < n / load.
    if theta == 0:
        low = math.floor(load) + 1
    else:
        bound = 0.0
        if max_abandonment is not None:
            bound = max(bound, 1.0 - max_abandonment)
        if target_service_level is not None and short_abandon == 0:
            bound = max(bound, target_service_level)
        low = max(1, math.floor(load * bound))
    if low > max_agents:
        raise ValueError(f"more than max_agents={max_agents} agents are needed")

    if meets(low):
        return low
    failing, step = low, 1
    while True:
        candidate = min(low + step, max_agents)
        if meets(candidate):
            break
        if candidate == max_agents:
            raise ValueError(f"no staffing up to max_agents={max_agents} meets the targets")
        failing, step = candidate, 2 * step
    while candidate - failing > 1:
        middle = (failing + candidate) // 2
        if meets(middle):
            candidate = middle
        else:
            failing = middle
    return candidate
