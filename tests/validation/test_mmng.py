"""simcc against exact M/M/n+G values: patience that is not exponential.

One pool, Poisson arrivals, exponential handle time, and deterministic, uniform,
lognormal or empirical patience (:mod:`tests.validation.mmng_cases`): the
replications' 99.9 % interval of abandonment, ASA, mean wait, service level,
P(wait > 0) and occupancy must contain the exact values of
:func:`simcc.analysis.theory.mmng`. Then the Mandelbaum–Zeltyn worked case, and
an over-loaded pool growing at fixed load, whose abandonment tends to the fluid
limit 1 − nμ/λ.
"""

from __future__ import annotations

import pytest

from tests.validation.cases import describe_failures
from tests.validation.mmng_cases import (
    FLUID,
    FLUID_LIMIT,
    MMNG,
    MZ,
    MZ_PUBLISHED,
    MmngCase,
    fluid_gaps,
    is_decreasing,
    run_mmng,
)


def _check(case: MmngCase, seed: int) -> None:
    checks = run_mmng(case, seed)
    assert all(c.ok for c in checks), describe_failures(checks)


def test_cases_have_real_abandonment_and_waiting() -> None:
    for case in MMNG:
        m = case.measures()
        assert m.abandonment_rate > 0.01 and m.p_wait > 0.1, case.name
    assert {c.patience["dist"] for c in MMNG} == {
        "deterministic",
        "uniform",
        "lognormal",
        "empirical",
    }


@pytest.mark.parametrize("case", MMNG, ids=lambda c: f"{c.name}-{c.label}")
def test_mmng(case: MmngCase, seed: int) -> None:
    _check(case, seed)


def test_mandelbaum_zeltyn_case_matches_the_published_values() -> None:
    m = MZ.measures()
    assert round(m.abandonment_rate, 3) == MZ_PUBLISHED["abandonment_rate"]
    assert round(m.mean_wait, 1) == MZ_PUBLISHED["mean_wait"]
    assert round(m.occupancy, 2) == MZ_PUBLISHED["occupancy"]


@pytest.mark.slow
def test_mandelbaum_zeltyn_case_simulated(seed: int) -> None:
    _check(MZ, seed)


def test_overloaded_abandonment_approaches_the_fluid_limit() -> None:
    gaps = fluid_gaps()
    assert all(g > 0 for g in gaps) and is_decreasing(gaps)
    assert FLUID_LIMIT + gaps[-1] < FLUID_LIMIT * 1.1


@pytest.mark.slow
@pytest.mark.parametrize("case", FLUID, ids=lambda c: c.name)
def test_overloaded_pool_simulated(case: MmngCase, seed: int) -> None:
    _check(case, seed)
