"""Durations and rates as planners write them."""

from __future__ import annotations

import math

import pytest

from simcc.units import duration_text, format_duration, parse_duration, parse_rate, parse_share


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        (90, 90.0),
        (1.5, 1.5),
        ("45s", 45.0),
        ("45 sec", 45.0),
        ("5m", 300.0),
        ("5 min", 300.0),
        ("2h", 7200.0),
        ("1d", 86400.0),
        ("90 secs", 90.0),
        ("5 mins", 300.0),
        ("5 Minutes", 300.0),
        ("2 hours", 7200.0),
        ("2hr", 7200.0),
        ("1 day", 86400.0),
        ("1e3", 1000.0),
        ("-4m", -240.0),
        ("inf", math.inf),
        ("never", math.inf),
    ],
)
def test_durations(text: object, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("bad", ["2 hourz", "5mm", "", "h", True, None, [1], float("nan")])
def test_bad_durations_say_what_is_expected(bad: object) -> None:
    with pytest.raises(ValueError, match="expected a duration such as 90, '90s', '5m', '2h'"):
        parse_duration(bad)


@pytest.mark.parametrize(
    ("text", "per_second"),
    [
        (180, 0.05),
        ("180", 0.05),
        ("180/h", 0.05),
        ("3/m", 0.05),
        ("0.05/s", 0.05),
        ("1/d", 1 / 86400),
        ("180/hour", 0.05),
        ("3/min", 0.05),
    ],
)
def test_rates(text: object, per_second: float) -> None:
    assert parse_rate(text) == pytest.approx(per_second)


@pytest.mark.parametrize("bad", ["fast", "180/week", "nan", "inf", False, None, float("nan")])
def test_bad_rates_say_what_is_expected(bad: object) -> None:
    with pytest.raises(ValueError, match="expected a rate such as 180 \\(per hour\\), '180/h'"):
        parse_rate(bad)


@pytest.mark.parametrize(
    ("text", "share"), [("0.3", 0.3), ("30%", 0.3), (" 7.5 % ", 0.075), ("1", 1.0)]
)
def test_a_share_is_a_fraction_or_a_percentage(text: str, share: float) -> None:
    assert parse_share(text) == pytest.approx(share)


@pytest.mark.parametrize("bad", ["30 percent", "%", "nan", "0.3.1"])
def test_a_share_that_is_neither_is_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_share(bad)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(45, "45s"), (0.5, "0.5s"), (-240, "-4m"), (5400, "1.5h"), (86400, "1d"), (math.inf, "inf")],
)
def test_duration_text_reads_like_the_file(seconds: float, text: str) -> None:
    assert duration_text(seconds) == text
    if math.isfinite(seconds):
        assert parse_duration(text) == seconds


def test_format_duration_for_tables() -> None:
    assert format_duration(42) == "42.0s"
    assert format_duration(300) == "5.0m"
    assert format_duration(math.nan) == "–"
