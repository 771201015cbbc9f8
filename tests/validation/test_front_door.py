"""MODEL.md §8 before the queue against known answers: front door, uncertain volume, virtual hold.

Cases, runners and why each reference is exact: :mod:`tests.validation.front_door_cases`.
"""

from __future__ import annotations

import pytest

from tests.validation.cases import CONFIDENCE, ErlangCase, describe_claims, describe_failures
from tests.validation.front_door_cases import (
    DOOR,
    HOURS,
    RATE_PER_HOUR,
    VOLUME_CVS,
    VOLUME_REPLICATIONS,
    run_door,
    run_hold_counts,
    run_hold_crn,
    run_volume,
    variance_interval,
)


@pytest.mark.parametrize("base", DOOR, ids=lambda c: f"{c.name}-{c.label}")
def test_a_front_door_before_an_erlang_a_pool_leaves_erlang_a_at_the_thinned_rate(
    base: ErlangCase, seed: int
) -> None:
    checks, thinned = run_door(base, seed)
    assert all(c.ok for c in checks), describe_failures(checks)
    assert thinned.ok, thinned.line()


# ---------------------------------------------------------------------------- uncertain volume


@pytest.mark.parametrize("cv", VOLUME_CVS)
def test_the_variance_of_offered_over_replications_is_poisson_plus_the_volume_factor(
    cv: float, seed: int
) -> None:
    checks = run_volume(cv, seed)
    assert all(c.ok for c in checks), describe_failures(checks)


def test_the_chi_square_interval_is_narrow_enough_to_tell_the_volume_factor_from_poisson():
    mean = RATE_PER_HOUR * HOURS
    lo, _ = variance_interval(mean + (0.15 * mean) ** 2, VOLUME_REPLICATIONS, CONFIDENCE)
    _, hi = variance_interval(mean, VOLUME_REPLICATIONS, CONFIDENCE)
    assert hi < lo  # the smallest cv tested is told apart from none


# ---------------------------------------------------------------------------- virtual hold


def test_when_every_call_back_is_accepted_nobody_abandons_and_every_waiting_caller_is_dialled(
    seed: int,
) -> None:
    claims = run_hold_counts(seed)
    assert all(c.ok for c in claims), describe_claims(claims)


def test_virtual_hold_lowers_queue_abandonment_at_equal_staffing(seed: int) -> None:
    """Directional, on common random numbers: the same callers, some of whom now wait
    off the line for a call back instead of hanging up."""
    claims = run_hold_crn(seed)
    assert all(c.ok for c in claims), describe_claims(claims)
