"""simcc against exact Erlang A (M/M/n+M) and Erlang C (M/M/n) values, MODEL.md §5.

One pool, one call type, Poisson arrivals, exponential handle time and patience
(infinite for Erlang C), no transfers, no re-contacts. For each case of the grid
in :mod:`tests.validation.cases` (under-loaded, critically loaded, over-loaded
with abandonment, a two-agent pool, a case with short abandons excluded from the
service level; Erlang C at ρ = 0.5, 0.8, 0.9) the replications' 99.9 % Student-t
interval of ``abandonment_rate``, ``asa``, ``service_level`` and
``occupancy_pool`` must contain the exact stationary value, and the exact
start-up bias of the simulated window must be below a tenth of its half-width.

Overflow routing with no wait (``after: 0``) between two pools of one call type
makes them one M/M/n+M system: split cases must give the Erlang A values of
their agents together.

Seeds derive from ``--seed``; ``pytest tests/validation --seed N`` re-runs the
whole family on other random numbers.
"""

from __future__ import annotations

import math

import pytest

from simcc.analysis import theory
from tests.validation import erlang_exact
from tests.validation.cases import (
    BIAS_SHARE,
    ERLANG_A,
    ERLANG_C,
    OVERFLOW,
    ErlangCase,
    OverflowCase,
    describe_failures,
    run_erlang,
    run_overflow,
)


@pytest.mark.parametrize("case", ERLANG_A + ERLANG_C, ids=lambda c: c.name)
def test_exact_window_helper_agrees_with_theory(case: ErlangCase) -> None:
    """The bias helper's stationary values equal simcc.analysis.theory (another route)."""
    ours = erlang_exact.stationary(
        case.lam, case.mu, case.theta, case.agents, case.threshold, case.short_abandon
    ).as_dict()
    exact = case.exact()
    for metric, value in exact.items():
        assert ours[metric] == pytest.approx(value, rel=1e-9, abs=1e-12), metric


def test_grid_covers_the_loads_the_issue_asks_for() -> None:
    loads_a = [c.load for c in ERLANG_A]
    assert min(loads_a) < 0.8 and any(math.isclose(x, 1.0) for x in loads_a) and max(loads_a) > 1
    assert any(c.short_abandon > 0 for c in ERLANG_A)
    assert all(math.isinf(c.patience) and c.load <= 0.9 for c in ERLANG_C)
    for case in ERLANG_A:  # real abandonment and real waiting in every Erlang A case
        m = theory.erlang_a(case.lam, case.mu, case.theta, case.agents)
        assert m.abandonment_rate > 0.01 and m.p_wait > 0.1


def _check_case(case: ErlangCase, seed: int) -> None:
    checks = run_erlang(case, seed)
    assert all(c.ok for c in checks), describe_failures(checks)
    for c in checks:
        assert c.bias_ok, f"start-up bias above {BIAS_SHARE:.0%} of the half-width: {c.line()}"


@pytest.mark.parametrize("case", ERLANG_A, ids=lambda c: f"{c.name}-{c.label}")
def test_erlang_a(case: ErlangCase, seed: int) -> None:
    _check_case(case, seed)


@pytest.mark.slow
@pytest.mark.parametrize("case", ERLANG_C, ids=lambda c: f"{c.name}-{c.label}")
def test_erlang_c(case: ErlangCase, seed: int) -> None:
    _check_case(case, seed)


@pytest.mark.parametrize("case", OVERFLOW, ids=lambda c: f"{c.name}-{c.label}")
def test_overflow_with_no_wait_pools_the_agents(case: OverflowCase, seed: int) -> None:
    checks = run_overflow(case, seed)
    assert all(c.ok for c in checks), describe_failures(checks)
