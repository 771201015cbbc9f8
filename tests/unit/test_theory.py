"""Exact Erlang A / Erlang C measures against closed forms and an independent method."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import quad

from simcc.analysis.theory import (
    QueueMeasures,
    erlang_a,
    erlang_c,
    erlang_c_formula,
    min_agents,
    service_level_sla,
)

AHT = 300.0  # seconds
MU = 1.0 / AHT


# --- Erlang C against the textbook closed forms -------------------------------------


@pytest.mark.parametrize(
    ("lam", "mu", "n", "threshold"),
    [
        (0.5 / 300, 1 / 300, 1, 20.0),
        (0.95 / 60, 1 / 60, 1, 30.0),
        (8.0 / 300, 1 / 300, 10, 20.0),
        (1.0 / 3.0, 1 / 180, 70, 15.0),
        (95.0 / 300, 1 / 300, 100, 20.0),
        (80.0 / 300, 1 / 300, 100, 60.0),
        (450.0 / 240, 1 / 240, 480, 20.0),
    ],
)
def test_erlang_c_matches_closed_forms(lam: float, mu: float, n: int, threshold: float) -> None:
    m = erlang_c(lam, mu, n, threshold=threshold)
    c = erlang_c_formula(lam, mu, n)
    gap = n * mu - lam
    assert m.p_wait == pytest.approx(c, rel=1e-9)
    assert m.service_level == pytest.approx(1 - c * math.exp(-gap * threshold), rel=1e-9)
    assert m.asa == pytest.approx(c / gap, rel=1e-9)
    assert m.mean_wait == pytest.approx(m.asa, rel=1e-12)
    assert m.mean_queue == pytest.approx(lam * c / gap, rel=1e-9)
    assert m.occupancy == pytest.approx(lam / (n * mu), rel=1e-12)
    assert m.abandonment_rate == 0.0
    assert m.short_abandon == 0.0
    assert m.offered_load == pytest.approx(lam / mu)
    assert service_level_sla(m) == m.service_level


@pytest.mark.parametrize("rho", [0.1, 0.5, 0.9, 0.99])
def test_mm1(rho: float) -> None:
    mu = 1 / 120
    lam = rho * mu
    m = erlang_c(lam, mu, 1, threshold=45.0)
    assert m.p_wait == pytest.approx(rho, rel=1e-9)
    assert m.asa == pytest.approx(rho / (mu - lam), rel=1e-9)
    assert m.service_level == pytest.approx(1 - rho * math.exp(-(mu - lam) * 45.0), rel=1e-9)


def test_erlang_c_formula_known_value() -> None:
    # Textbook example: 2 Erlangs on 3 agents gives C = 4/9.
    assert erlang_c_formula(2.0, 1.0, 3) == pytest.approx(4 / 9, rel=1e-14)


def test_threshold_zero_means_answered_at_once() -> None:
    m = erlang_c(90 / 300, MU, 100, threshold=0.0)
    assert m.service_level == pytest.approx(1 - m.p_wait, abs=1e-13)
    a = erlang_a(1.0, MU, 1 / 60, 280, threshold=0.0, short_abandon=0.0)
    assert a.service_level == pytest.approx(1 - a.p_wait, abs=1e-13)
    assert a.short_abandon == 0.0


@pytest.mark.parametrize(("lam", "n"), [(1 / 300, 1), (100 / 300, 100), (2.0, 500)])
def test_erlang_c_unstable_raises(lam: float, n: int) -> None:
    with pytest.raises(ValueError):
        erlang_c(lam, MU, n)
    with pytest.raises(ValueError):
        erlang_a(lam, MU, 0.0, n)


@pytest.mark.parametrize(
    "args",
    [
        (0.0, MU, 1 / 60, 10),
        (1.0, -MU, 1 / 60, 10),
        (1.0, MU, -1.0, 10),
        (1.0, MU, 1 / 60, 0),
        (1.0, MU, math.nan, 10),
    ],
)
def test_bad_inputs_raise(args: tuple[float, float, float, int]) -> None:
    with pytest.raises(ValueError):
        erlang_a(*args)


# --- Erlang A ---------------------------------------------------------------------


@pytest.mark.parametrize(("lam", "n"), [(0.5 / 300, 1), (8.0 / 300, 10), (95.0 / 300, 100)])
def test_erlang_a_tends_to_erlang_c(lam: float, n: int) -> None:
    c = erlang_c(lam, MU, n)
    a = erlang_a(lam, MU, 1e-10, n, short_abandon=5.0)
    assert a.p_wait == pytest.approx(c.p_wait, rel=1e-5)
    assert a.service_level == pytest.approx(c.service_level, rel=1e-5)
    assert a.asa == pytest.approx(c.asa, rel=1e-5)
    assert a.occupancy == pytest.approx(c.occupancy, rel=1e-5)
    assert a.abandonment_rate < 1e-5
    assert a.short_abandon < 1e-8


@pytest.mark.parametrize(
    ("lam", "theta", "n"),
    [
        (1.0, 1 / 180, 290),  # 300 Erlangs, understaffed
        (1.0, 1 / 180, 320),
        (0.05, 1 / 30, 12),  # overloaded, impatient
        (0.01, 1 / 600, 1),  # one agent, overloaded
        (10.0, 1 / 120, 3000),  # large pool
    ],
)
def test_erlang_a_flow_identities(lam: float, theta: float, n: int) -> None:
    m = erlang_a(lam, MU, theta, n, short_abandon=5.0)
    # Waiting customers abandon at rate θ each: abandonments per second = θ·E[Q].
    assert m.abandonment_rate == pytest.approx(theta * m.mean_queue / lam, rel=1e-9)
    # Little's law on the queue, abandoners included.
    assert m.mean_wait == pytest.approx(m.mean_queue / lam, rel=1e-9)
    # Answered contacts per second = busy agents × μ.
    assert m.occupancy * n * MU == pytest.approx(lam * (1 - m.abandonment_rate), rel=1e-9)
    # Mean wait splits into answered and abandoned contacts; the second part is positive.
    assert m.asa * (1 - m.abandonment_rate) < m.mean_wait
    assert 0.0 <= m.short_abandon <= m.abandonment_rate <= m.p_wait <= 1.0
    assert m.service_level <= 1 - m.abandonment_rate


def _virtual_wait_reference(
    lam: float, mu: float, theta: float, n: int, t: float, t_short: float
) -> dict[str, float]:
    """M/M/n+M by the offered-wait density (Baccelli–Hébuterne), integrated with quad.

    The offered wait V (what a contact of infinite patience would wait) has an atom
    P(V = 0) = P(an agent is free) and density λ·π_{n−1}·exp(λ·H(x) − nμx) on x > 0,
    where H(x) = (1 − e^{−θx}) / θ. A contact is answered iff its patience exceeds V.
    """
    a = lam / mu

    def kernel(x: float) -> float:
        return math.exp(lam * (1 - math.exp(-theta * x)) / theta - n * mu * x)

    # Σ_{k<n} π_k / π_{n−1}, by the backward ratio π_{k−1}/π_k = k / a.
    term, free = 1.0, 1.0
    for k in range(n - 1, 0, -1):
        term *= k / a
        free += term
    mass, _ = quad(kernel, 0, math.inf, epsabs=0, epsrel=1e-12, limit=200)
    pi_last = 1.0 / (free + lam * mass)

    def integral(f, lo: float, hi: float) -> float:  # type: ignore[no-untyped-def]
        value, _ = quad(lambda x: lam * pi_last * kernel(x) * f(x), lo, hi, epsrel=1e-12)
        return float(value)

    answered_late = integral(lambda x: math.exp(-theta * x), 0, t)
    short_ab = integral(lambda x: 1 - math.exp(-theta * x), 0, t_short) + integral(
        lambda x: 1 - math.exp(-theta * t_short), t_short, math.inf
    )
    abandoned = integral(lambda x: 1 - math.exp(-theta * x), 0, math.inf)
    # E[W; answered] = ∫ x e^{−θx} f(x) dx.
    answered_wait = integral(lambda x: x * math.exp(-theta * x), 0, math.inf)
    return {
        "p_wait": lam * pi_last * mass,
        "service_level": free * pi_last + answered_late,
        "short_abandon": short_ab,
        "abandonment_rate": abandoned,
        "asa": answered_wait / (1 - abandoned),
    }


@pytest.mark.parametrize(
    ("lam", "mu", "theta", "n", "t", "t_short"),
    [
        (10 * 1.1 / 240, 1 / 240, 1 / 120, 10, 20.0, 5.0),  # overloaded by 10 %
        (0.3, 1 / 60, 1 / 90, 16, 15.0, 3.0),  # under-loaded
        (0.02, 1 / 100, 1 / 50, 1, 30.0, 10.0),  # one agent, twice overloaded
        (1.0, 1 / 30, 1 / 40, 30, 10.0, 5.0),  # critically loaded
    ],
)
def test_erlang_a_against_offered_wait_density(
    lam: float, mu: float, theta: float, n: int, t: float, t_short: float
) -> None:
    m = erlang_a(lam, mu, theta, n, threshold=t, short_abandon=t_short)
    ref = _virtual_wait_reference(lam, mu, theta, n, t, t_short)
    for name, value in ref.items():
        assert getattr(m, name) == pytest.approx(value, rel=1e-7), name


def test_erlang_a_positions_match_product_form() -> None:
    # P(answered | j ahead) = ∏ (nμ + iθ)/(nμ + iθ + θ) telescopes to nμ / (nμ + (j+1)θ);
    # check the abandonment rate both ways on the stationary queue.
    lam, theta, n = 0.2, 1 / 45, 40
    m = erlang_a(lam, MU, theta, n)
    j = np.arange(5000)
    log_w = np.concatenate(([0.0], np.cumsum(np.log(lam / (n * MU + j[1:] * theta)))))
    w = np.exp(log_w)
    ratios = (n * MU + j * theta) / (n * MU + j * theta + theta)
    p_ans = np.cumprod(ratios)
    cond_abandon = float(w @ (1 - p_ans) / w.sum())
    assert m.abandonment_rate / m.p_wait == pytest.approx(cond_abandon, rel=1e-9)


def test_more_agents_is_better() -> None:
    lam, theta = 1.0, 1 / 120
    previous: QueueMeasures | None = None
    for n in range(250, 341, 6):
        m = erlang_a(lam, MU, theta, n, short_abandon=5.0)
        if previous is not None:
            assert m.service_level > previous.service_level
            assert service_level_sla(m) > service_level_sla(previous)
            assert m.abandonment_rate < previous.abandonment_rate
            assert m.asa < previous.asa
            assert m.p_wait < previous.p_wait
            assert m.occupancy < previous.occupancy
        previous = m


def test_more_patience_means_less_abandonment_and_longer_waits() -> None:
    impatient = erlang_a(1.0, MU, 1 / 60, 295)
    patient = erlang_a(1.0, MU, 1 / 600, 295)
    assert patient.abandonment_rate < impatient.abandonment_rate
    assert patient.asa > impatient.asa
    assert patient.occupancy > impatient.occupancy


def test_overloaded_pool_stays_finite() -> None:
    lam, theta, n = 2.0, 1 / 90, 400  # 600 Erlangs offered to 400 agents
    m = erlang_a(lam, MU, theta, n, short_abandon=5.0)
    # Fluid limit: agents all busy, the excess λ − nμ abandons.
    assert m.abandonment_rate == pytest.approx(1 - n * MU / lam, abs=0.01)
    assert m.occupancy == pytest.approx(1.0, abs=1e-6)
    assert m.p_wait == pytest.approx(1.0, abs=1e-6)
    assert m.mean_queue == pytest.approx((lam - n * MU) / theta, rel=0.02)
    assert all(math.isfinite(v) for v in (m.asa, m.mean_wait, m.service_level))
    assert 0.0 < m.short_abandon < m.abandonment_rate


def test_service_level_sla_drops_short_abandons() -> None:
    m = erlang_a(1.0, MU, 1 / 60, 290, threshold=20.0, short_abandon=5.0)
    assert m.short_abandon > 0.0
    assert service_level_sla(m) == pytest.approx(m.service_level / (1 - m.short_abandon))
    assert service_level_sla(m) > m.service_level
    # Short-abandon within the answer threshold behaves consistently with a later one.
    later = erlang_a(1.0, MU, 1 / 60, 290, threshold=20.0, short_abandon=30.0)
    assert later.service_level == pytest.approx(m.service_level, rel=1e-12)
    assert later.short_abandon > m.short_abandon


# --- staffing ------------------------------------------------------------------------


def _brute_force(lam: float, theta: float, **targets: float) -> int:
    sl = targets.get("target_service_level")
    ab = targets.get("max_abandonment")
    threshold = targets.get("threshold", 20.0)
    short = targets.get("short_abandon", 0.0)
    for n in range(1, 2000):
        if theta == 0 and lam >= n * MU:
            continue
        m = erlang_a(lam, MU, theta, n, threshold=threshold, short_abandon=short)
        if (sl is None or service_level_sla(m) >= sl) and (ab is None or m.abandonment_rate <= ab):
            return n
    raise AssertionError("not found")


@pytest.mark.parametrize(
    ("lam", "theta", "targets"),
    [
        (0.1, 0.0, {"target_service_level": 0.8}),
        (0.1, 0.0, {"target_service_level": 0.9, "threshold": 60.0}),
        (0.1, 1 / 120, {"target_service_level": 0.8}),
        (0.1, 1 / 120, {"max_abandonment": 0.03}),
        (0.1, 1 / 60, {"target_service_level": 0.7, "max_abandonment": 0.01}),
        (0.1, 1 / 60, {"target_service_level": 0.8, "short_abandon": 5.0}),
        (0.002, 1 / 300, {"target_service_level": 0.5}),
    ],
)
def test_min_agents_matches_brute_force(
    lam: float, theta: float, targets: dict[str, float]
) -> None:
    n = min_agents(lam, MU, theta, **targets)  # type: ignore[arg-type]
    assert n == _brute_force(lam, theta, **targets)


def test_min_agents_large_pool_is_tight() -> None:
    n = min_agents(1.0, MU, 1 / 180, target_service_level=0.8, threshold=20.0)
    assert service_level_sla(erlang_a(1.0, MU, 1 / 180, n)) >= 0.8
    assert service_level_sla(erlang_a(1.0, MU, 1 / 180, n - 1)) < 0.8
    # Abandonment lets Erlang A staff no more than Erlang C.
    assert n <= min_agents(1.0, MU, 0.0, target_service_level=0.8)


def test_min_agents_errors() -> None:
    with pytest.raises(ValueError):
        min_agents(1.0, MU, 1 / 180)
    with pytest.raises(ValueError):
        min_agents(1.0, MU, 1 / 180, target_service_level=1.5)
    with pytest.raises(ValueError):
        min_agents(1.0, MU, 1 / 180, target_service_level=0.8, max_agents=100)


# --- M/M/n+G: any patience, from the virtual-waiting-time density ----------------------

MMNG_FIELDS = (
    "p_wait",
    "abandonment_rate",
    "asa",
    "mean_wait",
    "service_level",
    "short_abandon",
    "occupancy",
    "mean_queue",
)


def _dist(**spec: object) -> object:
    from pydantic import TypeAdapter

    from simcc.dists import Distribution

    return TypeAdapter(Distribution).validate_python(spec)


def _same(a: QueueMeasures, b: QueueMeasures, rel: float) -> None:
    for name in MMNG_FIELDS:
        assert getattr(a, name) == pytest.approx(getattr(b, name), rel=rel, abs=1e-13), name


@pytest.mark.parametrize(
    ("lam", "mu", "theta", "n", "threshold", "short"),
    [
        (48 / 60, 1 / 60, 1 / 120, 50, 20.0, 0.0),
        (240 / 3600, MU, 1 / 240, 16, 20.0, 5.0),
        (28.8 / 3600, MU, 1 / 120, 2, 20.0, 0.0),
        (96 / 3600, MU, 1 / 180, 12, 30.0, 10.0),
        (2000 / 3600, MU, 1 / 60, 150, 20.0, 3.0),
    ],
)
def test_mmng_with_exponential_patience_is_erlang_a(
    lam: float, mu: float, theta: float, n: int, threshold: float, short: float
) -> None:
    """The correctness anchor: exp(λ∫Ḡ − nμx) with Ḡ = e^{−θx} gives Erlang A to 1e-9."""
    from simcc.analysis.theory import mmng

    patience = _dist(dist="exponential", mean=1 / theta)
    _same(
        mmng(lam, mu, n, patience, threshold, short),
        erlang_a(lam, mu, theta, n, threshold, short),
        1e-9,
    )


def test_mmng_with_infinite_patience_is_erlang_c() -> None:
    from simcc.analysis.theory import mmng

    m = mmng(216 / 3600, MU, 20, _dist(dist="deterministic", value=math.inf))
    _same(m, erlang_c(216 / 3600, MU, 20), 1e-9)
    assert m.abandonment_rate == 0.0


def test_mmng_with_zero_patience_is_erlang_b() -> None:
    """Patience 0: a caller who finds every agent busy leaves at once (M/M/n/n)."""
    from simcc.analysis.theory import mmng

    lam, n = 240 / 3600, 16
    a, blocking = lam / MU, 1.0
    for k in range(1, n + 1):
        blocking = a * blocking / (k + a * blocking)
    m = mmng(lam, MU, n, _dist(dist="deterministic", value=0))
    assert m.abandonment_rate == pytest.approx(blocking, rel=1e-12)
    assert m.p_wait == pytest.approx(blocking, rel=1e-12)
    assert m.asa == 0.0 and m.mean_wait == 0.0
    assert m.service_level == pytest.approx(1.0 - blocking, rel=1e-12)
    assert m.short_abandon == 0.0  # they left with wait 0: not short abandons (metrics.md)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ({"dist": "gamma", "mean": 240, "cv": 1.0}, {"dist": "exponential", "mean": 240}),
        ({"dist": "erlang", "mean": 240, "k": 4}, {"dist": "gamma", "mean": 240, "cv": 0.5}),
        ({"dist": "empirical", "values": [150, 150]}, {"dist": "deterministic", "value": 150}),
        (  # the closed-form step route against quadrature on a nearly-deterministic uniform
            {"dist": "deterministic", "value": 240},
            {"dist": "uniform", "low": 239.9999, "high": 240.0001},
        ),
        (  # a triangular with its mode at the top against its mirror image's complement
            {"dist": "triangular", "low": 60, "mode": 420, "high": 420},
            {
                "dist": "empirical",
                "values": list(60 + 360 * np.sqrt((np.arange(20000) + 0.5) / 20000)),
            },
        ),
    ],
)
def test_mmng_agrees_across_equal_patience(a: dict, b: dict) -> None:
    """Equal distributions written two ways (two code paths) give the same measures."""
    from simcc.analysis.theory import mmng

    rel = 1e-4 if b["dist"] in ("uniform", "empirical") and a["dist"] != "empirical" else 1e-9
    _same(
        mmng(240 / 3600, MU, 16, _dist(**a), 20.0, 5.0),
        mmng(240 / 3600, MU, 16, _dist(**b), 20.0, 5.0),
        rel,
    )


@pytest.mark.parametrize(
    "spec",
    [
        {"dist": "exponential", "mean": 90},
        {"dist": "lognormal", "mean": 240, "cv": 0.8},
        {"dist": "gamma", "mean": 240, "cv": 2.5},
        {"dist": "erlang", "mean": 100, "k": 3},
        {"dist": "uniform", "low": 60, "high": 420},
        {"dist": "triangular", "low": 60, "mode": 240, "high": 420},
        {"dist": "triangular", "low": 0, "mode": 0, "high": 300},
        {"dist": "deterministic", "value": 120},
        {"dist": "empirical", "values": [0, 5, 5, 100, 300]},
    ],
)
def test_patience_integral_is_the_integral_of_the_survival(spec: dict) -> None:
    """H(x) = ∫_0^x Ḡ in closed form equals the quadrature of Ḡ; H(∞) is the mean."""
    from simcc.analysis.theory import patience_of

    p = patience_of(_dist(**spec))
    sf = p.sf
    for x in (0.0, 1.0, 30.0, 60.0, 100.0, 240.0, 419.0, 420.0, 2000.0):
        breaks = [k for k in p.kinks if 0 < k < x] or None
        want = quad(lambda u: float(sf(np.array([u]))[0]), 0, x, points=breaks, limit=500)[0]
        assert float(p.integral(np.array([x]))[0]) == pytest.approx(want, abs=1e-8), x
    assert float(p.integral(np.array([1e7]))[0]) == pytest.approx(p.mean, rel=1e-9)


def test_mandelbaum_zeltyn_worked_case() -> None:
    """n = 50, λ = 48/min, AHT 1 min, exponential patience of mean 2 min (published rounding)."""
    from simcc.analysis.theory import mmng

    m = mmng(48 / 60, 1 / 60, 50, _dist(dist="exponential", mean=120))
    assert round(100 * m.abandonment_rate, 1) == 3.1
    assert round(m.mean_wait, 1) == 3.7
    assert round(100 * m.occupancy) == 93


def test_overloaded_abandonment_tends_to_the_fluid_limit() -> None:
    """At load 1.25, P(abandon) → 1 − nμ/λ = 0.2 from above, monotonically in n."""
    from simcc.analysis.theory import mmng

    patience = _dist(dist="lognormal", mean=120, cv=0.8)
    gaps = []
    for n in (10, 40, 160, 640):
        m = mmng(1.25 * n / 300, 1 / 300, n, patience)
        gaps.append(m.abandonment_rate - 0.2)
    assert all(g > 0 for g in gaps)
    assert gaps == sorted(gaps, reverse=True)
    assert gaps[-1] < 0.01


def test_no_agents_everyone_abandons() -> None:
    from simcc.analysis.theory import mmng

    m = mmng(0.05, MU, 0, _dist(dist="uniform", low=10, high=50), short_abandon=20)
    assert m.abandonment_rate == 1.0 and m.service_level == 0.0
    assert m.mean_wait == 30.0 and m.short_abandon == pytest.approx(0.25)
    assert math.isnan(m.asa) and math.isnan(m.occupancy)


def test_mmng_refuses_a_queue_without_bound() -> None:
    from simcc.analysis.theory import mmng

    with pytest.raises(ValueError, match="without bound"):
        mmng(0.1, MU, 10, _dist(dist="deterministic", value=math.inf))
    with pytest.raises(ValueError, match="without bound"):  # no agents, nobody abandons
        mmng(0.1, MU, 0, _dist(dist="deterministic", value=math.inf))


def test_very_impatient_customers_need_no_huge_chain() -> None:
    """Patience 1e-9 s once asked uniformization for ~10^10 steps; now Erlang B, at once."""
    m = erlang_a(240 / 3600, MU, 1e9, 16)
    a, blocking = 240 / 3600 / MU, 1.0
    for k in range(1, 17):
        blocking = a * blocking / (k + a * blocking)
    assert m.abandonment_rate == pytest.approx(blocking, rel=1e-6)
    assert m.service_level == pytest.approx(1.0 - blocking, rel=1e-6)
