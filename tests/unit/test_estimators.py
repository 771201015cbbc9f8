"""Ratio-of-totals (delta method) and control-variates estimators, on hand-built replications.

Each formula is checked against hand arithmetic or an independent route
(the textbook delta-method variance, the covariance of the four means, the
scalar regression formulas of one control).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import t as student

from simcc.analysis.stats import (
    control_variate_estimate,
    estimate,
    paired_ratio_difference,
    ratio_estimate,
)


def test_ratio_estimate_is_the_ratio_of_totals_with_the_textbook_delta_method_variance():
    num, den = [1.0, 2.0, 3.0], [2.0, 2.0, 4.0]
    e = ratio_estimate(num, den)
    assert e.mean == pytest.approx(6 / 8)
    # by hand: s²_y = 1, s²_x = 4/3, s_xy = 1, x̄ = 8/3, R = 3/4
    var = (1 - 2 * 0.75 * 1 + 0.75**2 * 4 / 3) / (3 * (8 / 3) ** 2)
    assert var == pytest.approx(0.01171875)
    half = student.ppf(0.975, 2) * math.sqrt(var)
    assert e.ci_low == pytest.approx(0.75 - half)
    assert e.ci_high == pytest.approx(0.75 + half)
    assert e.n == 3


def test_ratio_estimate_differs_from_the_mean_of_ratios_when_volumes_differ():
    # a quiet day at 50 % and a busy day at 10 %: pooled, the busy day weighs more
    num, den = [5.0, 100.0], [10.0, 1000.0]
    assert ratio_estimate(num, den).mean == pytest.approx(105 / 1010)
    assert estimate([0.5, 0.1]).mean == pytest.approx(0.3)


def test_ratio_estimate_equals_the_mean_when_every_denominator_is_the_same():
    num, den = np.array([3.0, 5.0, 4.0, 8.0]), np.full(4, 20.0)
    r, m = ratio_estimate(num, den), estimate(num / den)
    assert (r.mean, r.ci_low, r.ci_high) == pytest.approx((m.mean, m.ci_low, m.ci_high))


def test_ratio_estimate_is_nan_when_nothing_was_in_any_denominator():
    assert math.isnan(ratio_estimate([0.0, 0.0], [0.0, 0.0]).mean)


def test_paired_ratio_difference_matches_the_delta_method_on_the_four_means():
    rng = np.random.default_rng(3)
    xa = rng.integers(80, 120, 12).astype(float)
    ya = rng.binomial(xa.astype(int), 0.2).astype(float)
    xb = xa + rng.integers(-5, 5, 12)
    yb = rng.binomial(xb.astype(int), 0.15).astype(float)
    e = paired_ratio_difference((ya, xa), (yb, xb))
    means = np.array([ya.mean(), xa.mean(), yb.mean(), xb.mean()])
    ra, rb = means[0] / means[1], means[2] / means[3]
    gradient = np.array([-1 / means[1], ra / means[1], 1 / means[3], -rb / means[3]])
    cov = np.cov(np.vstack([ya, xa, yb, xb]))  # ddof 1
    var = gradient @ cov @ gradient / 12
    half = student.ppf(0.975, 11) * math.sqrt(var)
    assert e.mean == pytest.approx(rb - ra)
    assert (e.ci_low, e.ci_high) == pytest.approx((rb - ra - half, rb - ra + half))


def test_paired_ratio_difference_of_a_ratio_with_itself_is_exactly_zero():
    num, den = np.array([1.0, 4.0, 2.0]), np.array([10.0, 30.0, 20.0])
    e = paired_ratio_difference((num, den), (num, den))
    assert (e.mean, e.ci_low, e.ci_high) == (0.0, 0.0, 0.0)


Y = np.array([1.0, 3.0, 2.0, 5.0, 4.0, 6.0])
C = np.array([1.0, 2.0, 2.0, 4.0, 3.0, 4.0])
MU = 2.5


def test_one_control_gives_the_scalar_regression_formulas():
    a = control_variate_estimate(Y, C[:, None], [MU])
    n = len(Y)
    sxx = ((C - C.mean()) ** 2).sum()
    beta = ((C - C.mean()) * (Y - Y.mean())).sum() / sxx
    centre = Y.mean() - beta * (C.mean() - MU)
    residual = Y - Y.mean() - beta * (C - C.mean())
    s2 = (residual**2).sum() / (n - 2)  # n − 1 − q degrees of freedom, q = 1
    var = s2 * (1 / n + (C.mean() - MU) ** 2 / sxx)
    half = student.ppf(0.975, n - 2) * math.sqrt(var)
    assert a.coefficients == pytest.approx((beta,))
    assert a.estimate.mean == pytest.approx(centre)
    assert (a.estimate.ci_low, a.estimate.ci_high) == pytest.approx((centre - half, centre + half))
    assert a.variance_reduction == pytest.approx(Y.var(ddof=1) / n / var)


def test_a_control_known_exactly_at_its_mean_leaves_the_mean_unchanged():
    c = C - C.mean() + MU  # its sample mean is its true mean: nothing to correct
    a = control_variate_estimate(Y, c[:, None], [MU])
    assert a.estimate.mean == pytest.approx(Y.mean())


def test_controls_that_do_not_vary_or_repeat_another_are_left_out():
    controls = np.column_stack([C, np.full(len(C), 7.0), 2 * C])
    a = control_variate_estimate(Y, controls, [MU, 7.0, 2 * MU])
    b = control_variate_estimate(Y, C[:, None], [MU])
    assert a.estimate == b.estimate
    assert len(a.coefficients) == 1


def test_a_metric_that_the_control_explains_has_a_large_variance_reduction():
    rng = np.random.default_rng(1)
    c = rng.normal(100, 10, 30)
    y = 0.5 * c + rng.normal(0, 0.5, 30)
    a = control_variate_estimate(y, c[:, None], [100.0])
    assert a.variance_reduction > 50
    assert a.estimate.contains(50.0)


def test_the_width_ratio_weighs_the_variance_removed_against_the_degrees_of_freedom_lost():
    # controls at their means and orthogonal to the metric: nothing to remove, and the
    # residual variance is on 5 − 1 − 2 = 2 degrees of freedom instead of 4, so the
    # variance "reduction" is 2 / 4 and the CI is t(2) / t(4) ÷ √(2 / 4) as wide
    y = 5.0 + np.array([1.0, -1.0, 0.0, 0.0, 0.0])
    controls = 100.0 + np.array([[0, 1], [0, 1], [1, -1], [-1, -1], [0, 0]], dtype=float)
    a = control_variate_estimate(y, controls, [100.0, 100.0])
    assert a.variance_reduction == pytest.approx(0.5)
    expected = student.ppf(0.975, 2) / student.ppf(0.975, 4) / math.sqrt(0.5)
    assert a.width_ratio == pytest.approx(expected)  # 2.19: the adjusted CI is wider
    assert a.plain == estimate(y)


def test_too_few_replications_for_the_controls_give_the_plain_mean():
    a = control_variate_estimate(Y[:3], C[:3, None], [MU])
    assert a.estimate == estimate(Y[:3])
    assert a.variance_reduction == 1.0


def test_a_metric_missing_from_every_replication_stays_nan_under_control_variates():
    a = control_variate_estimate(np.full(6, np.nan), C[:, None], [MU])
    assert math.isnan(a.estimate.mean) and a.estimate.n == 0
