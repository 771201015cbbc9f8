"""Sanity checks of the Ciw reference network against Erlang C.

With no abandonment each pool is an M/M/n queue: pool 1 directly, and pool 2
because, by Burke's theorem, the departures of a stationary M/M/n queue are
Poisson, so the escalated stream (thinned by ``p_escalate``) is Poisson at rate
``λ p``. The mean wait of an M/M/n queue is C(n, a) / (nμ − λ).

Each check runs independent replications and accepts when theory lies in the
replication mean's 99.9 % Student-t confidence interval, so a correct model
fails about once in a thousand seed sets; the seeds derive from ``--seed``, so
the outcome is reproducible and other seeds are one option away. Warm-ups are
a few relaxation times of the slower pool.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from tests.validation.ciw_network import ciw_two_tier

HOUR = 3600.0
CONFIDENCE = 0.999
REPLICATIONS = 40


def erlang_c(agents: int, load: float) -> float:
    """Probability of waiting in M/M/n with offered load ``load`` = λ/μ (Erlang B recursion)."""
    blocking = 1.0
    for k in range(1, agents + 1):
        blocking = load * blocking / (k + load * blocking)
    return blocking / (1.0 - (load / agents) * (1.0 - blocking))


def mmn_mean_wait(arrival_rate: float, service_rate: float, agents: int) -> float:
    """Mean queue wait of all customers in a stable M/M/n queue."""
    return erlang_c(agents, arrival_rate / service_rate) / (agents * service_rate - arrival_rate)


def t_half_width(values: np.ndarray) -> float:
    """Half-width of the two-sided Student-t confidence interval for the mean."""
    n = len(values)
    return float(stats.t.ppf(0.5 + CONFIDENCE / 2, n - 1) * values.std(ddof=1) / math.sqrt(n))


def assert_matches(values: list[float], theory: float, name: str) -> None:
    sample = np.asarray(values)
    mean, half = float(sample.mean()), t_half_width(sample)
    assert abs(mean - theory) <= half, f"{name}: {mean:.2f} ± {half:.2f} vs theory {theory:.2f}"


def test_pool_1_asa_matches_erlang_c(seed: int) -> None:
    """M/M/17, λ = 180/h, AHT 300 s (ρ ≈ 0.88): ASA = C(17, 15) / (17μ − λ) ≈ 78 s."""
    arrival_rate, service_rate, agents = 0.05, 1 / 300, 17
    runs = [
        ciw_two_tier(
            arrival_rate=arrival_rate,
            service_rate_1=service_rate,
            service_rate_2=1 / 600,
            agents_1=agents,
            agents_2=1,
            patience_rate_1=0.0,
            patience_rate_2=0.0,
            p_escalate=0.0,
            horizon=10 * HOUR,
            warmup=2 * HOUR,
            seed=seed * 1000 + i,
        )
        for i in range(REPLICATIONS)
    ]
    for run in runs:
        assert run["offered"] > 0
        assert run["throughput_1"] == 1.0
        assert run["abandonment_queue_rate"] == 0.0
        assert run["escalation_rate"] == 0.0
        assert run["throughput_2"] == 0.0
    theory = mmn_mean_wait(arrival_rate, service_rate, agents)
    assert theory == pytest.approx(78.04, abs=0.01)
    assert_matches([run["asa"] for run in runs], theory, "asa")


def test_escalated_stream_is_mmn_at_pool_2(seed: int) -> None:
    """p = 0.3 to an M/M/12 pool 2 with AHT 600 s (λ₂ = 54/h, ρ₂ = 0.75)."""
    arrival_rate, p_escalate = 0.05, 0.3
    service_rate_1, agents_1 = 1 / 300, 17
    service_rate_2, agents_2 = 1 / 600, 12
    runs = [
        ciw_two_tier(
            arrival_rate=arrival_rate,
            service_rate_1=service_rate_1,
            service_rate_2=service_rate_2,
            agents_1=agents_1,
            agents_2=agents_2,
            patience_rate_1=0.0,
            patience_rate_2=0.0,
            p_escalate=p_escalate,
            horizon=10 * HOUR,
            warmup=3 * HOUR,
            seed=seed * 1000 + 500 + i,
        )
        for i in range(REPLICATIONS)
    ]
    for run in runs:
        assert run["abandonment_transfer_rate"] == 0.0
        assert run["throughput_2"] == pytest.approx(run["escalation_rate"])
    assert_matches([run["escalation_rate"] for run in runs], p_escalate, "escalation_rate")
    assert_matches(
        [run["asa"] for run in runs],
        mmn_mean_wait(arrival_rate, service_rate_1, agents_1),
        "asa",
    )
    assert_matches(
        [run["mean_wait_2"] for run in runs],
        mmn_mean_wait(arrival_rate * p_escalate, service_rate_2, agents_2),
        "mean_wait_2",
    )
