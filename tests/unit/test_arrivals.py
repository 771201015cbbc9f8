"""A call type's arrival times: Poisson gaps per interval of the rate profile, or a trace."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable

import pytest

from simcc.model.arrivals import _poisson, _trace


def _by_definition(
    unit: Callable[[], float], interval: float, rates: list[float], repeat: bool, horizon: float
) -> list[float]:
    """The times as the rate profile defines them: each gap a unit draw over the interval's
    rate; a gap that crosses the interval's end is dropped, the clock restarts there."""
    times: list[float] = []
    t, start = 0.0, 0.0
    for i in itertools.count():
        end = min(start + interval, horizon) if i else interval
        rate = rates[i % len(rates)] if repeat else rates[min(i, len(rates) - 1)]
        while rate > 0:
            gap = unit() / rate
            if t + gap >= end:
                break
            t += gap
            if t >= horizon:
                return times
            times.append(t)
        if end >= horizon:
            return times
        t = start = end
    raise AssertionError  # (the loop returns)


UNITS = (0.3, 1.7, 0.05, 2.9, 0.8, 0.01, 4.2, 1.1)


def _units(seed: int) -> Callable[[], float]:
    """Unit draws, a different sequence for each seed."""
    return itertools.cycle((*UNITS[seed:], 0.6, 0.2)).__next__


@pytest.mark.parametrize(
    ("interval", "rates", "repeat", "horizon"),
    [
        (math.inf, [0.5], False, 40.0),  # one rate
        (10.0, [0.5, 0.0, 2.0], False, 47.5),  # an interval with no arrivals; the last held
        (10.0, [0.5, 0.0, 2.0], True, 65.0),  # the profile repeated
        (30.0, [1.0], False, 12.0),  # the horizon inside the first interval
    ],
)
def test_poisson_times_are_the_profiles_gaps_and_then_none(
    interval: float, rates: list[float], repeat: bool, horizon: float
) -> None:
    for seed in range(3):
        expected = _by_definition(_units(seed), interval, rates, repeat, horizon)
        times = _poisson(_units(seed), interval, rates, repeat, horizon)
        got = list(itertools.islice(times, len(expected) + 2))
        assert got == [*expected, None, None]
        assert expected and all(t < horizon for t in expected)


def test_a_trace_gives_its_times_before_the_horizon_then_none() -> None:
    times = _trace([0.0, 5.0, 5.0, 12.0, 30.0], 12.0)
    assert list(itertools.islice(times, 5)) == [0.0, 5.0, 5.0, None, None]
