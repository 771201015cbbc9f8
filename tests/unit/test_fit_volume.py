"""simcc fit's uncertain volume: ``arrivals.volume_cv`` from several days' counts (MODEL.md §8)."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from simcc.fit.volume import VolumeFit, fit_volume

DAYS = [dt.date(1999, 10, d) for d in (3, 4, 5, 6)]


def calls(per_day: list[int], at: float = 10 * 3600) -> pd.DataFrame:
    """``per_day[i]`` offered calls on ``DAYS[i]``, all at clock time ``at``."""
    rows = [(day, at) for day, n in zip(DAYS, per_day, strict=True) for _ in range(n)]
    return pd.DataFrame(rows, columns=["date", "arrival"])


def test_the_cv_is_the_day_to_day_spread_beyond_poisson():
    fit = fit_volume(calls([80, 100, 120, 100]), DAYS, 8 * 3600, 8 * 3600)
    assert fit is not None and (fit.days, fit.mean) == (4, 100.0)
    variance = (20**2 + 0 + 20**2 + 0) / 3
    assert fit.variance == pytest.approx(variance)
    assert fit.cv == pytest.approx(math.sqrt(variance - 100) / 100)
    assert "volume_cv 0.129" in fit.comment() and "4 days" in fit.comment()


def test_days_that_vary_less_than_poisson_give_a_known_volume():
    fit = fit_volume(calls([99, 100, 101, 100]), DAYS, 8 * 3600, 8 * 3600)
    assert fit is not None and fit.cv == 0.0
    assert "vary no more than Poisson" in fit.comment()


def test_only_calls_in_the_fitted_span_count_and_a_day_without_any_counts_zero():
    data = pd.concat([calls([10, 10, 10, 0]), calls([50, 0, 0, 0], at=6 * 3600)])
    fit = fit_volume(data, DAYS, 8 * 3600, 8 * 3600)
    assert fit is not None and fit.mean == 7.5  # (10 + 10 + 10 + 0) / 4; 06:00 is outside


def test_one_day_says_nothing_about_day_to_day_volume():
    assert fit_volume(calls([80, 100, 120, 100]), DAYS[:1], 0, 86400) is None


def test_no_calls_at_all_give_a_cv_of_zero():
    assert VolumeFit(3, 0.0, 0.0).cv == 0.0
