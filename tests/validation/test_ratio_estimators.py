"""The ratio-of-totals estimator against the exact expected window, with volume varying.

Cases and why the reference is a ratio of expectations: :mod:`tests.validation.ratio_cases`.
"""

from __future__ import annotations

import pytest

from tests.validation.cases import describe_failures
from tests.validation.ratio_cases import RATIO_CASES, RatioCase, run_ratio


@pytest.mark.parametrize("case", RATIO_CASES, ids=lambda c: c.name)
def test_the_ratio_of_totals_ci_contains_the_exact_expected_window_value(
    case: RatioCase, seed: int
) -> None:
    rows = run_ratio(case, seed)
    checks = [row.check for row in rows]
    assert all(c.ok for c in checks), describe_failures(checks)


def test_the_short_case_has_volume_that_varies_and_the_long_one_volume_that_barely_does(
    seed: int,
) -> None:
    short, long = (run_ratio(case, seed)[0].offered_cv for case in RATIO_CASES)
    assert short > 0.15 and long < 0.1
