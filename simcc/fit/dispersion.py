"""How bursty a day's arrivals are within the fitted intervals: the index of dispersion.

The fit draws arrivals as Poisson with one rate per interval (half hours,
``FitOptions.interval``). Within an interval a Poisson process spreads its
calls uniformly, so the counts per shorter *bin* (5 minutes) vary about
their mean as much as the mean: Σ (n − n̄)² / ((k − 1) n̄) ≈ 1 over the k
bins of an interval, whatever its rate. Pooled over intervals (and days),
the index of dispersion

    D = Σ_intervals Σ_bins (n − n̄)² / ((k − 1) · Σ_intervals n̄)

is above 1 when the log's calls come in bursts, below when they come more
evenly. An interval without calls adds nothing. Poisson days drawn at the
intervals' own counts have a spread of their own: :func:`poisson_reference`
computes D on such days, the same way, to set beside the log's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

__all__ = ["bin_counts", "dispersion_index", "poisson_reference"]


def bin_counts(times: Iterable[float], horizon: float, interval: float, bin_: float) -> np.ndarray:
    """Arrivals per bin, one row per interval of ``[0, horizon)`` (``bin_`` divides ``interval``).

    ``times`` are seconds from 0; those outside ``[0, horizon)`` are left out.
    """
    per = round(interval / bin_)
    if per < 2 or abs(per * bin_ - interval) > 1e-9:
        raise ValueError(
            f"a bin of {bin_:g} s must divide the interval of {interval:g} s twice or more"
        )
    intervals = int(np.ceil(horizon / interval - 1e-9))
    t = np.asarray(list(times), dtype=float)
    t = t[(t >= 0) & (t < horizon)]
    counts = np.bincount((t // bin_).astype(int), minlength=intervals * per)
    return counts[: intervals * per].reshape(intervals, per)


def dispersion_index(counts: np.ndarray | Sequence[np.ndarray]) -> float:
    """The pooled index of dispersion of per-bin counts (rows: intervals; see the module).

    A sequence of arrays (one per day or group) is pooled as one.
    """
    c = _rows(counts)
    c = c[c.sum(axis=1) > 0]
    if c.size == 0:
        return float("nan")
    mean = c.mean(axis=1, keepdims=True)
    return float(((c - mean) ** 2).sum() / ((c.shape[1] - 1) * mean.sum()))


def poisson_reference(
    counts: np.ndarray | Sequence[np.ndarray], draws: int, rng: np.random.Generator
) -> np.ndarray:
    """:func:`dispersion_index` of ``draws`` Poisson days: each bin Poisson with its
    interval's mean count (the fitted rate), independently."""
    c = _rows(counts)
    mean = np.repeat(c.mean(axis=1, keepdims=True), c.shape[1], axis=1)
    return np.array([dispersion_index(rng.poisson(mean)) for _ in range(draws)])


def _rows(counts: np.ndarray | Sequence[np.ndarray]) -> np.ndarray:
    """One array of per-bin counts, a row per interval, from one or several (days)."""
    return counts if isinstance(counts, np.ndarray) else np.vstack(counts)
