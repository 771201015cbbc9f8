"""Exact M/M/n+G: one pool, Poisson arrivals, exponential handle time, *any* patience.

The model of Baccelli & Hébuterne (1981), in the form of Zeltyn & Mandelbaum
("Call centers with impatient customers: many-server asymptotics of the M/M/n+G
queue", 2005; "The M/M/n+G queue: summary of performance measures"). Customers
are served first come, first served; each has a patience ``τ ~ G`` drawn
independently and abandons when it runs out before an agent takes it.

The virtual waiting time
------------------------
Let ``V`` be the *offered* wait of an arrival: how long it would wait if it had
infinite patience. An arrival is answered exactly when ``τ > V`` (simcc lets a
customer whose patience ends at the very moment an agent frees go: a tie
abandons), and then waits ``V``; otherwise it waits ``τ`` and abandons. With
``a = λ/μ``, ``H(x) = ∫_0^x Ḡ(u) du`` and ``ψ(x) = λ·H(x) − nμ·x``:

* ``P(V = 0) = π0 · Σ_{j<n} a^j / j!`` (an agent is free);
* ``V`` has density ``f(x) = π0 · λ · a^(n−1)/(n−1)! · exp(ψ(x))`` on ``(0, ∞)``;
* ``π0`` normalises the two to one.

Why: while all agents are busy the offered wait ``v`` of the customer at the
head of the line decreases at unit speed and jumps by an Exp(nμ) amount at each
arrival that will be served, i.e. at rate ``λ·Ḡ(v)`` (an arrival who sees wait
``v`` stays with probability ``Ḡ(v)``). The level-crossing balance of that
process gives ``f'(x) = (λ·Ḡ(x) − nμ)·f(x)``, i.e. ``f ∝ exp(ψ)``; its constant
follows from the flow balance at 0 with the birth–death chain of busy agents.
With ``Ḡ(x) = e^{−θx}`` the formulas reduce to Erlang A and with ``Ḡ = 1`` to
Erlang C (both checked to 1e-9 against :mod:`simcc.analysis.theory.erlang`).

The measures, over all offered contacts (``served`` = ``P(τ > V)``):

* ``P(wait > 0) = P(V > 0) = ∫ f``;
* ``P(abandon) = ∫ f·G``;
* ``ASA = ∫ x·f·Ḡ / P(served)``;
* mean wait of all ``= E[min(V, τ)] = ∫ f·(x·Ḡ + E[τ; τ ≤ x])`` with
  ``E[τ; τ ≤ x] = H(x) − x·Ḡ(x)``;
* service level ``= P(V = 0) + ∫_0^t f·Ḡ``;
* short abandons ``= ∫ f(x)·(G(min(x, s)) − G(0)) dx``: abandons after a wait of at
  most ``s`` and more than 0, as the metrics count them (a caller who leaves at once,
  patience 0, waited nothing: not a short abandon);
* occupancy ``= λ·P(served) / (nμ)`` (Little's law on the agents).

How the integrals are computed
------------------------------
In logarithms, relative to ``M = max ψ`` (reached where ``λ·Ḡ(x) = nμ``), so
that loads of thousands of Erlangs do not overflow. A *step* patience
(deterministic, empirical) has Ḡ constant between atoms, so ψ is linear there
and each integrand is ``(p + q·x)·exp(linear)``: integrated in closed form,
segment by segment, which is exact for any number of atoms. A smooth patience is
integrated by :func:`scipy.integrate.quad_vec` with its kinks, the answer
threshold, the short-abandon threshold and the peak of ψ as breakpoints, over the
interval where ``exp(ψ − M) > e^−80`` (ψ is concave, so nothing outside counts).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import numpy.typing as npt
from scipy.integrate import quad_vec
from scipy.special import gammaln, logsumexp

from simcc.analysis.theory.measures import QueueMeasures, check_rate
from simcc.analysis.theory.patience import Patience, patience_of

__all__ = ["mmng", "mmng_patience"]

FloatArray = npt.NDArray[np.float64]

# components of the integral vector: f, f·G, x·f·Ḡ, f·E[τ; τ≤x], f·Ḡ·[x≤t], f·G(min(x,s))
_N_PARTS = 6


def mmng(
    arrival_rate: float,
    service_rate: float,
    agents: int,
    patience: object,
    threshold: float = 20.0,
    short_abandon: float = 0.0,
) -> QueueMeasures:
    """Exact M/M/n+G measures; ``patience`` is a :mod:`simcc.dists` distribution.

    ``Deterministic(inf)`` patience is Erlang C (needs ``arrival_rate <
    agents × service_rate``); ``Deterministic(0)`` is Erlang B (a busy pool turns
    every caller away). ``agents = 0`` is allowed: everyone with finite patience
    abandons.

    Raises:
        ValueError: on a bad rate or threshold, or a queue that grows without bound.
    """
    return mmng_patience(
        arrival_rate, service_rate, agents, patience_of(patience), threshold, short_abandon
    )


def mmng_patience(
    arrival_rate: float,
    service_rate: float,
    agents: int,
    patience: Patience,
    threshold: float = 20.0,
    short_abandon: float = 0.0,
) -> QueueMeasures:
    """:func:`mmng` for a :class:`~simcc.analysis.theory.patience.Patience`."""
    lam = check_rate("arrival_rate", arrival_rate)
    mu = check_rate("service_rate", service_rate)
    t = check_rate("threshold", threshold, allow_zero=True)
    s = check_rate("short_abandon", short_abandon, allow_zero=True)
    if isinstance(agents, bool) or int(agents) != agents or agents < 0:
        raise ValueError(f"agents must be a whole number ≥ 0, got {agents!r}")
    n = int(agents)
    with np.errstate(all="ignore"):
        never = bool(patience.sf(np.array([1e300]))[0] > 0)  # some customers never give up
    if never and lam >= n * mu:
        raise ValueError(
            f"the queue grows without bound: some customers never abandon and the offered "
            f"load {lam / mu:.4g} Erlangs is at least the {n} agents"
        )
    if n == 0:
        return _nobody(lam, mu, patience, t, s)
    peak = _peak(lam, n * mu, patience)
    psi_max = float(lam * patience.integral(np.array([peak]))[0] - n * mu * peak)
    if patience.steps is not None:
        parts = _step_integrals(lam, n * mu, patience, t, s, psi_max)
    else:
        parts = _smooth_integrals(lam, n * mu, patience, t, s, peak, psi_max)
    a = lam / mu
    j = np.arange(n, dtype=np.float64)
    log_free = float(logsumexp(j * math.log(a) - gammaln(j + 1.0)))
    log_scale = math.log(lam) + (n - 1) * math.log(a) - float(gammaln(n)) + psi_max
    if parts[0] <= 0.0:  # numerically nobody ever waits
        log_total = log_free
    else:
        log_total = float(np.logaddexp(log_free, log_scale + math.log(parts[0])))
    p_free = math.exp(log_free - log_total)
    k = math.exp(log_scale - log_total)
    i_all, i_ab, i_wait_served, i_wait_ab, i_within, i_short = (float(k * v) for v in parts)
    i_short -= _at_once(patience) * i_all  # those whose patience is 0 waited 0: not short
    abandoned = min(max(i_ab, 0.0), 1.0)
    served = 1.0 - abandoned
    mean_wait = i_wait_served + i_wait_ab
    return QueueMeasures(
        agents=n,
        offered_load=a,
        p_wait=min(i_all, 1.0),
        abandonment_rate=abandoned,
        asa=i_wait_served / served if served > 0 else math.nan,
        mean_wait=mean_wait,
        service_level=min(max(p_free + i_within, 0.0), 1.0),
        short_abandon=min(max(i_short, 0.0), 1.0),
        occupancy=min(lam * served / (n * mu), 1.0),
        mean_queue=lam * mean_wait,
        threshold=t,
        short_abandon_threshold=s,
    )


def _nobody(lam: float, mu: float, patience: Patience, t: float, s: float) -> QueueMeasures:
    """No agents: every caller waits out its (finite) patience and abandons."""
    return QueueMeasures(
        agents=0,
        offered_load=lam / mu,
        p_wait=1.0,
        abandonment_rate=1.0,
        asa=math.nan,
        mean_wait=patience.mean,
        service_level=0.0,
        short_abandon=float(patience.cdf(np.array([s]))[0]) - _at_once(patience),
        occupancy=math.nan,
        mean_queue=lam * patience.mean,
        threshold=t,
        short_abandon_threshold=s,
    )


def _at_once(patience: Patience) -> float:
    """``G(0)``: the share of callers whose patience is 0, who leave with wait 0."""
    return float(patience.cdf(np.array([0.0]))[0])


def _peak(lam: float, capacity: float, patience: Patience) -> float:
    """Where ψ is largest: the first x with ``λ·Ḡ(x) ≤ nμ`` (Ḡ never increases)."""

    def below(x: float) -> bool:
        return bool(lam * patience.sf(np.array([x]))[0] <= capacity)

    if below(0.0):
        return 0.0
    high = max(patience.mean if math.isfinite(patience.mean) else 1.0, 1e-300)
    while not below(high):
        high *= 2.0
    low = 0.0
    for _ in range(200):
        middle = 0.5 * (low + high)
        if middle in (low, high):
            break
        if below(middle):
            high = middle
        else:
            low = middle
    return high


def _integrand(
    lam: float, capacity: float, patience: Patience, t: float, s: float, psi_max: float
) -> object:
    def f(x: float) -> FloatArray:
        xs = np.array([x])
        g = float(patience.cdf(xs)[0])
        h = float(patience.integral(xs)[0])
        e = math.exp(min(lam * h - capacity * x - psi_max, 0.0))
        sf = 1.0 - g
        short_g = g if x <= s else float(patience.cdf(np.array([s]))[0])
        return e * np.array([1.0, g, x * sf, h - x * sf, sf if x <= t else 0.0, short_g])

    return f


def _support(
    lam: float, capacity: float, patience: Patience, peak: float, psi_max: float
) -> tuple[float, float]:
    """Where ``exp(ψ − M)`` exceeds ``e^−80``: an interval around the peak.

    ψ is concave (ψ' = λḠ − nμ never increases), so it falls monotonically on either
    side of its peak, at least linearly: what lies outside holds less than ``e^−80``
    of the peak's height per unit of the interval's width.
    """

    def low(x: float) -> bool:
        return float(lam * patience.integral(np.array([x]))[0] - capacity * x - psi_max) < -80.0

    width = 1.0 / capacity
    while not low(peak + width):
        width *= 2.0
    right = peak + width
    width = 1.0 / capacity
    while peak - width > 0.0 and not low(peak - width):
        width *= 2.0
    return max(peak - width, 0.0), right


def _smooth_integrals(
    lam: float,
    capacity: float,
    patience: Patience,
    t: float,
    s: float,
    peak: float,
    psi_max: float,
) -> FloatArray:
    f = _integrand(lam, capacity, patience, t, s, psi_max)
    left, right = _support(lam, capacity, patience, peak, psi_max)
    points = sorted({p for p in (*patience.kinks, t, s, peak) if left < p < right})
    options = {"epsabs": 0.0, "epsrel": 1e-12, "norm": "max", "limit": 20000}
    total, _ = quad_vec(f, left, right, points=points or None, **options)  # type: ignore[arg-type]
    return np.asarray(total, dtype=np.float64)


def _segment(
    p: FloatArray, q: FloatArray, x0: float, x1: float, psi0: float, psi1: float, slope: float
) -> FloatArray:
    """``∫_{x0}^{x1} (p + q·x)·exp(ψ(x)) dx`` for linear ψ (``psi`` already minus its max)."""
    if math.isinf(x1):  # slope < 0 on the last segment
        r = -slope
        return math.exp(psi0) * ((p + q * x0) / r + q / (r * r))
    length = x1 - x0
    if slope > 0:  # integrate from the higher end, so nothing overflows
        start, direction, e0 = x1, -1.0, psi1
    else:
        start, direction, e0 = x0, 1.0, psi0
    z = -abs(slope) * length
    if abs(z) < 1e-6:
        phi1, phi2 = 1.0 + z / 2.0 + z * z / 6.0, 0.5 + z / 3.0 + z * z / 8.0
    else:
        phi1 = math.expm1(z) / z
        phi2 = (math.exp(z) * (z - 1.0) + 1.0) / (z * z)
    return math.exp(e0) * ((p + q * start) * length * phi1 + direction * q * length**2 * phi2)


def _step_integrals(
    lam: float, capacity: float, patience: Patience, t: float, s: float, psi_max: float
) -> FloatArray:
    """The integrals for a step patience, exactly: ψ is linear between atoms."""
    assert patience.steps is not None
    atoms = patience.steps[0]
    cuts = sorted({0.0, *(x for x in (*atoms, t, s) if 0.0 < x < math.inf)})
    edges = [*cuts, math.inf]
    short_g = float(patience.cdf(np.array([s]))[0])
    total = np.zeros(_N_PARTS)
    for x0, x1 in itertools.pairwise(edges):
        probe = np.array([x0])  # Ḡ is constant on [x0, x1) (right-continuous G)
        g = float(patience.cdf(probe)[0])
        sf = 1.0 - g
        h0 = float(patience.integral(probe)[0])
        slope = lam * sf - capacity
        if math.isinf(x1) and slope >= 0:
            raise ValueError("the queue grows without bound: nobody abandons and λ ≥ nμ")
        psi0 = lam * h0 - capacity * x0 - psi_max
        psi1 = psi0 + slope * (x1 - x0) if math.isfinite(x1) else -math.inf
        partial = h0 - x0 * sf  # E[τ; τ ≤ x] is constant on the segment
        p = np.array([1.0, g, 0.0, partial, sf if x1 <= t else 0.0, g if x1 <= s else short_g])
        q = np.array([0.0, 0.0, sf, 0.0, 0.0, 0.0])
        total += _segment(p, q, x0, x1, psi0, psi1, slope)
    return total
