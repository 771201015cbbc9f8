"""simcc's warm, conference and callback hand-offs against an exact Markov chain.

:mod:`tests.validation.ctmc_transfer` is an independent engine: a two-pool
centre written as a continuous-time Markov chain, its generator built
explicitly and solved with scipy's sparse solver. For each policy
(:data:`tests.validation.ctmc_cases.TRANSFER_CASES`) simcc's 99.9 % interval of
abandonment by kind, mean hold time, mean wait in the desk queue, escalation
rate and both pools' occupancy must contain the chain's value. The first tests
check the chain itself where other theory gives its answer.
"""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from simcc.analysis import theory
from tests.validation import ctmc_transfer
from tests.validation.cases import describe_failures
from tests.validation.ctmc_cases import CENTRE, TRANSFER_CASES, TransferCase, run_transfer


def _centre(policy: str, **changes: float) -> ctmc_transfer.Centre:
    return replace(ctmc_transfer.Centre(policy, **CENTRE), **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize("policy", ctmc_transfer.POLICIES)
def test_chain_without_escalations_is_erlang_a_at_the_front(policy: str) -> None:
    """No escalation, no direct calls, a cap nobody reaches: the front is M/M/2+M."""
    m = _centre(policy, r1=1.0 - 1e-12, lam2=0.0, cap1=80)  # (one escalation in 1e12)
    exact = ctmc_transfer.metrics(m)
    erlang = theory.erlang_a(m.lam1, m.mu1, m.theta, m.n1)
    assert exact["abandonment_queue_rate"] == pytest.approx(erlang.abandonment_rate, rel=1e-8)
    assert exact["occupancy_front"] == pytest.approx(erlang.occupancy, rel=1e-8)
    assert exact["occupancy_desk"] == pytest.approx(0.0, abs=1e-9)


def test_chain_desk_alone_is_erlang_a() -> None:
    """Direct calls only at the desk (nobody escalates): M/M/1+M there."""
    m = _centre("warm", r1=1.0 - 1e-12, cap2=80)
    exact = ctmc_transfer.metrics(m)
    erlang = theory.erlang_a(m.lam2, m.mu2, m.theta, m.n2)
    assert exact["occupancy_desk"] == pytest.approx(erlang.occupancy, rel=1e-8)


def test_chain_with_patient_holders_has_no_hold_abandonment() -> None:
    exact = ctmc_transfer.metrics(_centre("warm", theta_hold=0.0))
    assert exact["abandonment_hold_rate"] == 0.0
    assert exact["mean_hold_time"] > 0


def test_chain_callback_queue_cut_is_negligible() -> None:
    """Callbacks are never capped: the chain cuts their queue where no mass is left."""
    solution = ctmc_transfer.solve(_centre("callback"))
    assert solution.top_level < 1e-12


@pytest.mark.parametrize("case", TRANSFER_CASES, ids=lambda c: c.name)
def test_every_kind_of_event_happens(case: TransferCase) -> None:
    """The centre is loaded so that each checked metric is far from 0."""
    exact = case.exact()
    for metric in ("abandonment_queue_rate", "escalation_rate", "occupancy_desk"):
        assert exact[metric] > 0.05, metric
    if case.policy != "callback":
        assert exact["abandonment_hold_rate"] > 0.02 and exact["mean_hold_time"] > 10
    if case.policy == "warm_cold_fallback":
        assert exact["abandonment_transfer_rate"] > 0.02
    if case.policy == "callback":
        assert exact["callback_unreached_rate"] > 0.05
    assert not any(math.isnan(v) for v in exact.values())


@pytest.mark.slow
@pytest.mark.parametrize("case", TRANSFER_CASES, ids=lambda c: f"{c.name}-{c.policy}")
def test_simcc_matches_the_exact_chain(case: TransferCase, seed: int) -> None:
    checks = run_transfer(case, seed)
    assert all(c.ok for c in checks), describe_failures(checks)
