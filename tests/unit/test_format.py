"""How numbers read on screen: a significant difference's bounds exclude 0 as printed,
bounds of quantities that cannot be negative are clipped, labels say what they measure."""

from __future__ import annotations

import math

import pytest

from simcc.analysis import format as fmt
from simcc.analysis.stats import Estimate, excludes_zero


def est(mean: float, low: float, high: float, n: int = 10) -> Estimate:
    return Estimate(mean, math.nan, low, high, n)


def printed_bounds(text: str) -> tuple[str, str]:
    low, high = text.split(" – ")
    return low, high


@pytest.mark.parametrize(
    ("metric", "diff"),
    [
        ("cost_per_resolved_case", est(0.05, 0.0004, 0.09)),  # was "0.00 – +0.09" with a *
        ("escalation_rate", est(0.001, 0.00002, 0.003)),
        ("asa", est(-0.3, -0.6, -0.04)),
        ("offered", est(3.0, 0.2, 5.8)),
        ("customer_effort", est(-0.01, -0.02, -0.001)),
    ],
)
def test_a_significant_difference_prints_bounds_on_one_side_of_zero(
    metric: str, diff: Estimate
) -> None:
    assert excludes_zero(diff)
    low, high = printed_bounds(fmt.interval(metric, diff, signed=True))
    side = "+" if diff.mean > 0 else "−"
    assert low.startswith(side) and high.startswith(side), (low, high)


def test_an_interval_holding_zero_prints_a_bound_of_each_sign() -> None:
    low, high = printed_bounds(fmt.interval("escalation_rate", est(0.001, -0.0003, 0.003), True))
    assert (low, high) == ("−0.03 pt", "+0.30 pt")


def test_bounds_of_a_non_negative_metric_are_clipped_and_footnoted() -> None:
    wait = est(15.0, -0.2, 30.0, n=2)
    assert fmt.interval("mean_transfer_wait", wait) == "0.0s – 30s"
    assert fmt.clipped("mean_transfer_wait", wait)
    share = est(0.99, 0.97, 1.01, n=2)
    assert fmt.interval("service_level", share) == "97.0% – 100.0%"
    assert fmt.clipped("service_level", share)
    assert not fmt.clipped("service_level", est(0.5, 0.4, 0.6))
    assert "shown at that limit" in fmt.CLIPPED_NOTE
    # differences can be negative: never clipped
    assert fmt.interval("mean_transfer_wait", wait, signed=True) == "−0.2s – +30s"


def test_plus_minus_shows_a_half_width_only_where_it_stays_within_the_metrics_range() -> None:
    assert fmt.plus_minus("abandonment_rate", est(0.125, 0.113, 0.137)) == "12.5% ±1.2%"
    # two replications of a rare event: 0.8% ± 1.5% would read as a negative share
    rare = est(0.008, -0.007, 0.023, n=2)
    assert fmt.plus_minus("abandonment_rate", rare) == "0.8% (≤ 2.3%)"
    assert fmt.plus_minus("service_level", est(0.99, 0.97, 1.01, n=2)) == "99.0% (≥ 97.0%)"
    assert fmt.plus_minus("asa", est(3.0, -1.0, 7.0, n=2)) == "3.0s (≤ 7.0s)"
    assert fmt.plus_minus("fcr", est(0.5, -0.2, 1.2, n=2)) == "50.0% (0.0% – 100.0%)"
    assert fmt.plus_minus("abandonment_rate", est(0.125, 0.125, 0.125, n=1)) == "12.5%"


def test_money_carries_the_currency_when_given() -> None:
    assert fmt.value("cost_per_resolved_case", 9.66) == "9.66"
    assert fmt.value("cost_per_resolved_case", 9.66, currency="€") == "€9.66"
    assert fmt.value("cost_per_resolved_case", -0.13, True, currency="EUR") == "−0.13 EUR"
    assert fmt.value("service_level", 0.5, currency="€") == "50.0%"


def test_consult_time_label_says_it_is_agents_time_not_contacts_transferred() -> None:
    assert fmt.label("transfer_time_share_front") == "Front time in consult/conference"
    names = ["escalation_rate", "occupancy_front", "transfer_time_share_front", "answered"]
    assert fmt.display_order(names) == [
        "occupancy_front",
        "escalation_rate",
        "transfer_time_share_front",
        "answered",
    ]
    assert fmt.display_order(["escalation_rate", "asa"]) == ["escalation_rate", "asa"]


def test_titles_stand_alone() -> None:
    assert fmt.title("abandonment_queue_rate") == "Abandonment in first queue"
    assert fmt.title("fcr") == "First-contact resolution"
    assert fmt.title("resolution_time_after_escalation") == "Resolution time after escalation"


def test_clock_reads_times_since_opening_as_the_clock_shows_them() -> None:
    assert fmt.clock(5400, "08:00") == "09:30"
    assert fmt.clock(5400, 8 * 3600) == "09:30"
    assert fmt.clock(5400, None) == "1.5 h"
    with pytest.raises(ValueError, match="not HH:MM"):
        fmt.opening_seconds("eight")


def test_the_resolution_sla_per_tier_reads_as_a_share_met_at_its_pool() -> None:
    assert fmt.label("resolution_sla_rate_tier2") == "Resolution SLA met at tier2"
    assert fmt.label("resolution_sla_rate") == "Resolution SLA met"
    assert fmt.value("resolution_sla_rate_tier2", 0.25) == "25.0%"
