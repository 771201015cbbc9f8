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
    n = len(x)
    if n == 0:
        return Estimate(math.nan, math.nan, math.nan, math.nan, 0)
    mean = float(x.mean())
    if n == 1:
        return Estimate(mean, math.nan, mean, mean, 1)
    std = float(x.std(ddof=1))
    half = float(stdtrit(n - 1, 0.5 + level / 2)) * std / math.sqrt(n)
    return Estimate(mean, std, mean - half, mean + half, n)


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
