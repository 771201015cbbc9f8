"""Statistics across replications: means with Student-t confidence intervals, paired differences."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


def stdtrit(df: float, p: float) -> float:
    """Student's t quantile: scipy.special.stdtrit, imported on first use (scipy loads slowly)."""
    from scipy.special import stdtrit as quantile

    return float(quantile(df, p))


@dataclass(frozen=True)
class Estimate:
    """A metric over replications: mean, standard deviation and a confidence interval."""

    mean: float
    std: float
    ci_low: float
    ci_high: float
    n: int

    def as_dict(self) -> dict[str, float]:
        return {"mean": self.mean, "std": self.std, "ci_low": self.ci_low, "ci_high": self.ci_high}

    @property
    def half_width(self) -> float:
        return (self.ci_high - self.ci_low) / 2

    def contains(self, value: float) -> bool:
        """Whether ``value`` lies in the confidence interval."""
        return self.ci_low <= value <= self.ci_high


def estimate(values: Sequence[float] | np.ndarray, level: float = 0.95) -> Estimate:
    """Mean, std and a two-sided Student-t CI of independent replications (NaNs left out).

    With one replication (or identical values) the interval is the point itself.
    """
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    if len(x) == 0:
        return Estimate(math.nan, math.nan, math.nan, math.nan, 0)
    return _around(float(x.mean()), x, level)


def paired_difference(
    a: Sequence[float] | np.ndarray, b: Sequence[float] | np.ndarray, level: float = 0.95
) -> Estimate:
    """The mean of ``b − a`` over replications paired by common random numbers, with its CI."""
    x = np.asarray(b, dtype=float) - np.asarray(a, dtype=float)
    return estimate(x, level)


def unpaired_difference(
    a: Sequence[float] | np.ndarray, b: Sequence[float] | np.ndarray, level: float = 0.95
) -> Estimate:
    """Welch CI for ``mean(b) − mean(a)``, ignoring any pairing (to contrast with paired)."""
    x = np.asarray(a, dtype=float)
    y = np.asarray(b, dtype=float)
    x, y = x[~np.isnan(x)], y[~np.isnan(y)]
    diff = float(y.mean() - x.mean())
    va, vb = x.var(ddof=1) / len(x), y.var(ddof=1) / len(y)
    se = math.sqrt(va + vb)
    if se == 0:
        return Estimate(diff, 0.0, diff, diff, min(len(x), len(y)))
    dof = (va + vb) ** 2 / (va**2 / (len(x) - 1) + vb**2 / (len(y) - 1))
    half = float(stdtrit(dof, 0.5 + level / 2)) * se
    return Estimate(diff, se, diff - half, diff + half, min(len(x), len(y)))


def excludes_zero(e: Estimate) -> bool:
    """Whether a difference's CI lies wholly on one side of zero (needs 2+ replications)."""
    return e.n >= 2 and (e.ci_low > 0 or e.ci_high < 0)


# ------------------------------------------------------------------ ratio estimators


def _linearised(num: np.ndarray, den: np.ndarray) -> tuple[float, np.ndarray]:
    """``R = Σnum / Σden`` and each replication's influence ``(num − R·den) / mean(den)``."""
    ratio = float(num.sum() / den.sum())
    return ratio, (num - ratio * den) / den.mean()


def _pairs(num: Sequence[float] | np.ndarray, den: Sequence[float] | np.ndarray) -> tuple:
    y, x = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    keep = ~(np.isnan(y) | np.isnan(x))
    return y[keep], x[keep]


def _around(centre: float, u: np.ndarray, level: float) -> Estimate:
    """``centre`` with the Student-t CI of a mean whose per-replication terms are ``u``."""
    n = len(u)
    if n == 1:
        return Estimate(centre, math.nan, centre, centre, 1)
    std = float(u.std(ddof=1))
    half = float(stdtrit(n - 1, 0.5 + level / 2)) * std / math.sqrt(n)
    return Estimate(centre, std, centre - half, centre + half, n)


def ratio_estimate(
    num: Sequence[float] | np.ndarray, den: Sequence[float] | np.ndarray, level: float = 0.95
) -> Estimate:
    """A ratio of totals over replications, ``Σ num / Σ den``, with a delta-method CI.

    The variance of ``R = ȳ / x̄`` is estimated by the delta method as
    ``(s²_y − 2R·s_xy + R²·s²_x) / (n·x̄²)``: the sample variance of the terms
    ``(y_i − R·x_i) / x̄``, divided by ``n``; ``std`` is their standard
    deviation, and the interval is ``R ± t(n−1) · std / √n``.  NaN when the
    denominators sum to zero.
    """
    y, x = _pairs(num, den)
    if len(y) == 0 or x.sum() == 0:
        return Estimate(math.nan, math.nan, math.nan, math.nan, 0)
    ratio, u = _linearised(y, x)
    return _around(ratio, u, level)


def paired_ratio_difference(
    a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray], level: float = 0.95
) -> Estimate:
    """``R_b − R_a`` of two ratios of totals, ``(num, den)`` each, paired by replication.

    The delta method on the difference: replication *i* contributes
    ``(y_bi − R_b·x_bi)/x̄_b − (y_ai − R_a·x_ai)/x̄_a``, whose Student-t mean CI
    (centred on ``R_b − R_a``) is the interval.  Common random numbers make the
    two terms move together, as for a paired difference of means.
    """
    ya, xa = (np.asarray(v, dtype=float) for v in a)
    yb, xb = (np.asarray(v, dtype=float) for v in b)
    keep = ~(np.isnan(ya) | np.isnan(xa) | np.isnan(yb) | np.isnan(xb))
    ya, xa, yb, xb = ya[keep], xa[keep], yb[keep], xb[keep]
    if len(ya) == 0 or xa.sum() == 0 or xb.sum() == 0:
        return Estimate(math.nan, math.nan, math.nan, math.nan, 0)
    ra, ua = _linearised(ya, xa)
    rb, ub = _linearised(yb, xb)
    return _around(rb - ra, ub - ua, level)


# ------------------------------------------------------------------ control variates


@dataclass(frozen=True)
class Adjusted:
    """A control-variates estimate and how much it shrank the variance of the plain mean."""

    estimate: Estimate
    variance_reduction: float
    """Variance of the plain mean ÷ variance of the adjusted one (1: no gain)."""
    coefficients: tuple[float, ...]
    plain: Estimate
    """The plain mean of the same replications."""

    @property
    def width_ratio(self) -> float:
        """The adjusted CI's width ÷ the plain mean's: above 1 when the controls' lost
        degrees of freedom (a larger t-quantile) outweigh the variance they remove."""
        adjusted, plain = (e.ci_high - e.ci_low for e in (self.estimate, self.plain))
        return adjusted / plain if plain > 0 else math.nan


def control_variate_estimate(
    values: Sequence[float] | np.ndarray,
    controls: np.ndarray,
    means: Sequence[float] | np.ndarray,
    level: float = 0.95,
) -> Adjusted:
    """The regression-adjusted mean of ``values`` with controls of known ``means``.

    ``controls`` has one row per replication and one column per control.  The
    estimate is the intercept of the least-squares fit of ``Y`` on ``C − μ``:
    ``Ȳ − β̂·(C̄ − μ)`` with the estimated coefficients ``β̂``.  Its variance is
    ``s²_e · [(XᵀX)⁻¹]₀₀`` with ``s²_e`` the residual variance on
    ``n − 1 − q`` degrees of freedom, and the interval uses Student's t on those
    degrees of freedom (Lavenberg & Welch 1981; Law, *Simulation Modeling and
    Analysis*, §11.5).  Controls that do not vary are left out, as is a control
    that a kept one already determines; NaN values drop their replication.
    With fewer than ``q + 3`` replications (under two degrees of freedom) the plain
    mean is returned.
    """
    y = np.asarray(values, dtype=float)
    c = np.asarray(controls, dtype=float).reshape(len(y), -1)
    keep = ~np.isnan(y) & ~np.isnan(c).any(axis=1)
    y, c = y[keep], c[keep] - np.asarray(means, dtype=float)
    plain = estimate(y, level)
    if plain.n < 3:
        return Adjusted(plain, 1.0, (), plain)
    c = _independent_columns(c)
    n, q = c.shape
    if q == 0 or n < q + 3 or plain.std == 0:
        return Adjusted(plain, 1.0, (), plain)
    x = np.column_stack([np.ones(n), c])
    coef, *_ = np.linalg.lstsq(x, y, rcond=None)
    residual = y - x @ coef
    dof = n - 1 - q
    s2 = float(residual @ residual) / dof
    variance = s2 * float(np.linalg.inv(x.T @ x)[0, 0])
    centre = float(coef[0])
    half = float(stdtrit(dof, 0.5 + level / 2)) * math.sqrt(variance)
    std = math.sqrt(variance * n)
    adjusted = Estimate(centre, std, centre - half, centre + half, n)
    plain_variance = plain.std**2 / n
    reduction = plain_variance / variance if variance > 0 else math.inf
    return Adjusted(adjusted, reduction, tuple(float(b) for b in coef[1:]), plain)


def _independent_columns(c: np.ndarray) -> np.ndarray:
    """The columns of ``c`` that vary and are not linear combinations of earlier ones."""
    kept: list[int] = []
    centred = c - c.mean(axis=0) if len(c) else c
    for j in range(c.shape[1]):
        trial = centred[:, [*kept, j]]
        if (
            np.linalg.matrix_rank(trial, tol=1e-9 * max(1.0, float(np.abs(trial).max())))
            == len(kept) + 1
        ):
            kept.append(j)
    return c[:, kept]
