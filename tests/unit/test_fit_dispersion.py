"""The index of dispersion of arrivals within the fitted intervals (simcc.fit.dispersion)."""

from __future__ import annotations

import numpy as np
import pytest

from simcc.fit.dispersion import bin_counts, dispersion_index, poisson_reference

HALF_HOUR, FIVE_MIN = 1800.0, 300.0


def poisson_day(rates_per_hour: list[float], rng: np.random.Generator) -> np.ndarray:
    """Poisson arrival times with one rate per half hour."""
    times = []
    for i, rate in enumerate(rates_per_hour):
        n = rng.poisson(rate / 2)
        times.append(i * HALF_HOUR + rng.uniform(0, HALF_HOUR, n))
    return np.concatenate(times)


def test_a_poisson_day_has_an_index_near_1_however_its_rate_varies_between_intervals():
    rng = np.random.default_rng(11)
    rates = [20.0, 200.0, 60.0, 300.0, 10.0, 120.0] * 40  # varies 30-fold between half hours
    counts = bin_counts(poisson_day(rates, rng), len(rates) * HALF_HOUR, HALF_HOUR, FIVE_MIN)
    reference = poisson_reference(counts, 400, rng)
    assert reference.mean() == pytest.approx(1.0, abs=0.02)
    spread = reference.std()
    assert abs(dispersion_index(counts) - 1.0) < 4 * spread
    # one mean for the whole day instead of one per interval would read the profile as bursts
    whole_day = counts.reshape(1, -1)
    assert dispersion_index(whole_day) > 1.0 + 10 * spread


def test_calls_that_come_in_pairs_have_an_index_near_2():
    # a compound Poisson process of pairs: variance / mean = E[X²] / E[X] = 2
    rng = np.random.default_rng(12)
    first = poisson_day([100.0] * 200, rng)
    times = np.concatenate([first, first + 1.0])
    counts = bin_counts(times, 200 * HALF_HOUR, HALF_HOUR, FIVE_MIN)
    spread = 2 * poisson_reference(counts, 200, rng).std()
    assert dispersion_index(counts) == pytest.approx(2.0, abs=4 * spread)


def test_evenly_spaced_calls_have_an_index_near_0():
    times = np.arange(0.0, 10 * HALF_HOUR, 60.0)  # one a minute
    counts = bin_counts(times, 10 * HALF_HOUR, HALF_HOUR, FIVE_MIN)
    assert counts.shape == (10, 6) and (counts == 5).all()
    assert dispersion_index(counts) == 0.0


def test_bin_counts_keep_the_horizon_and_need_a_bin_that_divides_the_interval():
    counts = bin_counts([-1.0, 0.0, 299.0, 300.0, 1799.0, 1800.0], 1800.0, HALF_HOUR, FIVE_MIN)
    assert counts.tolist() == [[2, 1, 0, 0, 0, 1]]
    with pytest.raises(ValueError, match="must divide the interval"):
        bin_counts([], 1800.0, HALF_HOUR, 700.0)
    assert np.isnan(dispersion_index(np.zeros((3, 6))))
