"""A patience distribution as the M/M/n+G formulas read it: G, its survival and ∫Ḡ.

:func:`patience_of` turns any duration distribution of a scenario
(:mod:`simcc.dists`) into a :class:`Patience`. Every function is closed form:

* ``cdf(x) = G(x) = P(τ ≤ x)`` and ``sf(x) = Ḡ(x) = 1 − G(x) = P(τ > x)``;
* ``integral(x) = H(x) = ∫_0^x Ḡ(u) du = E[min(τ, x)]``, from the partial
  expectation ``E[τ; τ ≤ x]`` as ``H(x) = E[τ; τ ≤ x] + x·Ḡ(x)``.

Deterministic and empirical patience are *step* distributions (``steps`` gives
their atoms and weights): Ḡ is constant between atoms, and
:mod:`simcc.analysis.theory.mmng` integrates them exactly, segment by segment.
The others are smooth between their ``kinks`` and are integrated by adaptive
quadrature.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.special import gammainc, ndtr

from simcc import dists

FloatArray = npt.NDArray[np.float64]
Curve = Callable[[FloatArray], FloatArray]

__all__ = ["Patience", "exponential", "patience_of"]


@dataclass(frozen=True)
class Patience:
    """One patience distribution: ``G``, ``Ḡ``, ``H`` and where they are not smooth."""

    name: str
    mean: float
    cdf: Curve
    integral: Curve
    kinks: tuple[float, ...] = ()
    """Points where G or its derivative jumps (quadrature breakpoints)."""
    steps: tuple[FloatArray, FloatArray] | None = None
    """For a step distribution: its atoms (sorted, distinct) and their probabilities."""

    def sf(self, x: FloatArray) -> FloatArray:
        return 1.0 - self.cdf(x)


def _exponential(mean: float) -> Patience:
    return Patience(
        f"exponential(mean {mean:g}s)",
        mean,
        cdf=lambda x: -np.expm1(-x / mean),
        integral=lambda x: -mean * np.expm1(-x / mean),
    )


def _gamma(name: str, mean: float, shape: float) -> Patience:
    scale = mean / shape

    def integral(x: FloatArray) -> FloatArray:
        z = x / scale
        return mean * gammainc(shape + 1.0, z) + x * (1.0 - gammainc(shape, z))

    return Patience(name, mean, cdf=lambda x: gammainc(shape, x / scale), integral=integral)


def _lognormal(mean: float, cv: float) -> Patience:
    s2 = math.log1p(cv * cv)
    s, m = math.sqrt(s2), math.log(mean) - s2 / 2.0

    def z(x: FloatArray) -> FloatArray:
        with np.errstate(divide="ignore"):
            return (np.log(x) - m) / s

    def integral(x: FloatArray) -> FloatArray:
        return mean * ndtr(z(x) - s) + x * (1.0 - ndtr(z(x)))

    return Patience(
        f"lognormal(mean {mean:g}s, cv {cv:g})", mean, cdf=lambda x: ndtr(z(x)), integral=integral
    )


def _uniform(low: float, high: float) -> Patience:
    width = high - low

    def integral(x: FloatArray) -> FloatArray:
        y = np.clip(x, low, high)
        return np.minimum(x, low) + (y - low) - (y - low) ** 2 / (2.0 * width)

    return Patience(
        f"uniform({low:g}s, {high:g}s)",
        (low + high) / 2.0,
        cdf=lambda x: np.clip((x - low) / width, 0.0, 1.0),
        integral=integral,
        kinks=(low, high),
    )


def _triangular(low: float, mode: float, high: float) -> Patience:
    width = high - low
    rise = max(mode - low, 1e-300)  # a zero-length side is never used: its numerator is 0
    fall = max(high - mode, 1e-300)

    def cdf(x: FloatArray) -> FloatArray:
        y = np.clip(x, low, high)
        up = (np.minimum(y, mode) - low) ** 2 / (width * rise)
        down = (high - np.maximum(y, mode)) ** 2 / (width * fall)
        return np.where(y <= mode, up, 1.0 - down)

    def integral(x: FloatArray) -> FloatArray:  # x − ∫_0^x G
        y = np.clip(x, low, high)
        left = (np.minimum(y, mode) - low) ** 3 / (3.0 * width * rise)
        r = np.maximum(y - mode, 0.0)
        right = r - ((high - mode) ** 3 - (high - mode - r) ** 3) / (3.0 * width * fall)
        return x - left - right - np.maximum(x - high, 0.0)

    return Patience(
        f"triangular({low:g}s, {mode:g}s, {high:g}s)",
        (low + mode + high) / 3.0,
        cdf=cdf,
        integral=integral,
        kinks=(low, mode, high),
    )


def _steps(name: str, values: FloatArray) -> Patience:
    atoms, counts = np.unique(values, return_counts=True)
    weights = counts / counts.sum()
    finite = np.isfinite(atoms)
    mass_below = np.concatenate(([0], np.cumsum(counts))) / counts.sum()  # exactly 1 at the end
    partial = np.concatenate(([0.0], np.cumsum(np.where(finite, atoms * weights, 0.0))))

    def cdf(x: FloatArray) -> FloatArray:
        return mass_below[np.searchsorted(atoms, x, side="right")]

    def integral(x: FloatArray) -> FloatArray:
        i = np.searchsorted(atoms, x, side="right")
        return partial[i] + x * (1.0 - mass_below[i])

    mean = float(np.inf if not finite.all() else partial[-1])
    return Patience(
        name,
        mean,
        cdf=cdf,
        integral=integral,
        kinks=tuple(float(a) for a in atoms[finite]),
        steps=(atoms, weights),
    )


def exponential(mean: float) -> Patience:
    """Exponential patience of the given mean; ``inf`` for customers who never abandon."""
    if math.isinf(mean):
        return _steps("never", np.array([math.inf]))
    return _exponential(mean)


def patience_of(d: object) -> Patience:
    """The :class:`Patience` of a scenario distribution (``simcc.dists``)."""
    if isinstance(d, dists.Exponential):
        return _exponential(d.mean)
    if isinstance(d, dists.Gamma):
        return _gamma(f"gamma(mean {d.mean:g}s, cv {d.cv_:g})", d.mean, 1.0 / d.cv_**2)
    if isinstance(d, dists.Erlang):
        return _gamma(f"erlang(mean {d.mean:g}s, k {d.k})", d.mean, float(d.k))
    if isinstance(d, dists.Lognormal):
        return _lognormal(d.mean, d.cv_)
    if isinstance(d, dists.Uniform):
        return _uniform(d.low, d.high)
    if isinstance(d, dists.Triangular):
        return _triangular(d.low, d.mode, d.high)
    if isinstance(d, dists.Deterministic):
        return _steps(f"deterministic({d.value:g}s)", np.array([d.value], dtype=float))
    if isinstance(d, dists.Empirical):
        values = np.asarray(d.values, dtype=float)
        return _steps(f"empirical({values.size} values)", values)
    raise TypeError(f"no patience formulas for {type(d).__name__}")
