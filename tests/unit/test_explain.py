"""The bottom line, the mechanism sentence and the target checks, from hand-built numbers.

Each case builds the estimates and paired differences a comparison would
hold, with chosen means and intervals, and checks the words: who wins in
either direction, what a tie or an unclear difference says, which pool
numbers the mechanism names.
"""

from __future__ import annotations

import math

from simcc.analysis.explain import Numbers, bottom_line, mechanism, target_checks
from simcc.analysis.stats import Estimate

N = 10


def est(mean: float, half: float = 0.0) -> Estimate:
    return Estimate(mean, math.nan, mean - half, mean + half, N)


def numbers(values: dict[str, tuple[float, float]], clear: set[str] = frozenset()) -> Numbers:
    """Baseline ``warm`` and variant ``cold``: ``{metric: (warm, cold)}``; the difference of a
    metric in ``clear`` has a tight interval (excludes zero), any other one holds zero."""
    estimates, differences = {}, {}
    for metric, (warm, cold) in values.items():
        estimates[metric] = {"warm": est(warm, 0.01), "cold": est(cold, 0.01)}
        d = cold - warm
        half = abs(d) / 4 if metric in clear else abs(d) + 0.01
        differences[metric] = {"cold": est(d, half)}
    return Numbers(["warm", "cold"], estimates, differences)


CENTRE = {
    "abandonment_rate": (0.148, 0.122),
    "abandonment_queue_rate": (0.082, 0.049),
    "service_level": (0.66, 0.78),
    "fcr": (0.847, 0.859),
    "customer_effort": (1.04, 1.31),
    "cost_per_resolved_case": (9.66, 9.52),
    "occupancy_front": (0.90, 0.866),
    "occupancy_desk": (0.78, 0.79),
    "transfer_time_share_front": (0.079, 0.0),
    "aht_front": (462.0, 430.0),
    "mean_hold_time": (82.0, 0.0),
    "mean_transfer_wait": (15.0, 41.0),
}


def test_bottom_line_names_the_variant_that_wins_on_the_outcomes_and_its_cost() -> None:
    line = bottom_line(numbers(CENTRE, clear=set(CENTRE)), "cold")
    assert line.winner == "cold"
    assert line.text.startswith(
        "cold beats warm: abandonment 12.2% against 14.8% (2.6 points lower), "
        "service level 78.0% against 66.0% (12.0 points higher)"
    )
    assert "cold is cheaper by 0.14 per resolved case (9.52 against 9.66)" in line.text
    assert "In return it does worse on customer effort (1.31 against 1.04)" in line.text


def test_bottom_line_names_the_baseline_when_the_variant_is_worse() -> None:
    flipped = {m: (b, a) for m, (a, b) in CENTRE.items()}
    line = bottom_line(numbers(flipped, clear=set(CENTRE)), "cold", currency="€")
    assert line.winner == "warm"
    assert line.text.startswith("warm beats cold: abandonment 12.2% against 14.8%")
    assert "warm is cheaper by €0.14 per resolved case (€9.52 against €9.66)" in line.text


def test_bottom_line_calls_a_split_a_trade_off() -> None:
    values = {"abandonment_rate": (0.15, 0.12), "service_level": (0.80, 0.75), "fcr": (0.8, 0.8)}
    line = bottom_line(numbers(values, clear={"abandonment_rate", "service_level"}), "cold")
    assert line.winner is None
    assert line.text.startswith("Neither wins outright: cold is better on abandonment")
    assert "but worse on service level 75.0% against 80.0%" in line.text


def test_bottom_line_without_clear_differences_names_no_winner() -> None:
    line = bottom_line(numbers(CENTRE, clear=set()), "cold")
    assert line.winner is None
    assert line.text.startswith(
        "No clear winner: abandonment, service level and FCR do not differ clearly "
        "between cold and warm over 10 replication(s)."
    )
    assert "The cost per resolved case does not differ clearly (9.52 against 9.66)." in line.text


def test_mechanism_ties_the_first_queue_to_the_entry_pool_occupancy() -> None:
    text = mechanism(numbers(CENTRE, clear=set(CENTRE)), "cold", ["front"])
    assert text == (
        "Under cold, front agents spend 0.0% of their busy time in consult and conference "
        "(warm: 7.9%); front AHT is 7.2m (warm: 7.7m); front occupancy falls from 90.0% "
        "to 86.6%: the service level rises by 12.0 points (95 % CI 9.0 to 15.0 points) and "
        "abandonment in the first queue falls by 3.3 points (95 % CI 2.5 to 4.1 points)."
    )


def test_mechanism_reads_the_other_direction_too() -> None:
    flipped = {m: (b, a) for m, (a, b) in CENTRE.items()}
    text = mechanism(numbers(flipped, clear=set(CENTRE)), "cold", ["front"])
    assert text.startswith("Under cold, front agents spend 7.9% of their busy time")
    assert "front occupancy rises from 86.6% to 90.0%: the service level falls by 12.0" in text


def test_mechanism_says_when_the_pools_do_not_explain_the_change() -> None:
    clear = set(CENTRE) - {"occupancy_front"}
    text = mechanism(numbers(CENTRE, clear=clear), "cold", ["front"])
    assert text == (
        "Under cold, the service level rises by 12.0 points (95 % CI 9.0 to 15.0 points) and "
        "abandonment in the first queue falls by 3.3 points (95 % CI 2.5 to 4.1 points) "
        "against warm; the pool numbers show no clear change that explains it."
    )


def test_mechanism_of_a_hand_off_share_names_the_hold_and_the_next_queue() -> None:
    values = {
        "abandonment_transfer_rate": (0.025, 0.072),
        "mean_hold_time": (82.0, 0.0),
        "mean_transfer_wait": (15.0, 41.0),
        "occupancy_front": (0.9, 0.9),
        "occupancy_desk": (0.78, 0.80),
    }
    text = mechanism(numbers(values, clear=set(values) - {"occupancy_front"}), "cold")
    assert text == (
        "Under cold, escalated customers hold with the agent for 0.0s on average (warm: 82s); "
        "escalated customers wait after the hand-off for 41s on average (warm: 15s); "
        "desk occupancy is 80.0% (warm: 78.0%): abandonment in the queue after a transfer "
        "rises by 4.7 points (95 % CI 3.5 to 5.9 points)."
    )


TWO_TIER = {  # the parts sum to the total: 0.011 + 0.074 + 0.005 = 0.090, 0.009 + 0 + 0.050
    "abandonment_rate": (0.090, 0.059),
    "abandonment_queue_rate": (0.011, 0.009),
    "abandonment_hold_rate": (0.074, 0.0),
    "abandonment_transfer_rate": (0.005, 0.050),
    "fcr": (0.910, 0.941),
    "transfer_success_rate": (0.80, 0.94),
    "customer_effort": (1.01, 1.21),
    "mean_hold_time": (53.0, 0.0),
    "occupancy_tier1": (0.559, 0.546),
    "occupancy_tier2": (0.576, 0.704),
}


def test_mechanism_explains_the_outcome_by_its_largest_part_not_the_largest_share() -> None:
    # transfer success moves most (14 points) but decides no outcome; abandonment (3.1
    # points) carries the win, and of its parts the hold (7.4 points) carries it
    text = mechanism(numbers(TWO_TIER, clear=set(TWO_TIER)), "cold", ["tier1"])
    assert text == (
        "Under cold, escalated customers hold with the agent for 0.0s on average (warm: 53s); "
        "tier2 occupancy is 70.4% (warm: 57.6%): abandonment on hold falls by 7.4 points "
        "(95 % CI 5.5 to 9.2 points), which carries the change of abandonment: abandonment "
        "falls by 3.1 points (95 % CI 2.3 to 3.9 points); abandonment in the queue after a "
        "transfer rises by 4.5 points (95 % CI 3.4 to 5.6 points) against it."
    )


def test_mechanism_names_the_first_queue_when_it_carries_the_abandonment() -> None:
    values = {
        "abandonment_rate": (0.10, 0.07),
        "abandonment_queue_rate": (0.08, 0.04),
        "abandonment_hold_rate": (0.02, 0.03),
        "transfer_success_rate": (0.5, 0.9),
        "occupancy_front": (0.92, 0.88),
    }
    text = mechanism(numbers(values, clear=set(values)), "cold", ["front"])
    assert text.startswith(
        "Under cold, front occupancy falls from 92.0% to 88.0%: abandonment in the first "
        "queue falls by 4.0 points (95 % CI 3.0 to 5.0 points), which carries the change of "
        "abandonment: abandonment falls by 3.0 points"
    )
    assert "abandonment on hold rises by 1.0 points (95 % CI 0.7 to 1.2 points) against it" in text
    assert "transfer success" not in text


def test_mechanism_reads_fcr_mirrored_by_abandonment_as_abandonment() -> None:
    values = {
        "abandonment_rate": (0.10, 0.07),
        "abandonment_hold_rate": (0.08, 0.05),
        "fcr": (0.85, 0.88),
        "customer_effort": (1.0, 1.2),
        "mean_hold_time": (60.0, 20.0),
    }
    text = mechanism(numbers(values, clear=set(values)), "cold")
    assert "abandonment on hold falls by 3.0 points" in text
    assert "tell their story" not in text


def test_mechanism_with_nothing_clear_says_there_is_nothing_to_explain() -> None:
    assert mechanism(numbers(CENTRE), "cold") == (
        "No share of contacts differs clearly between cold and warm: there is no change to explain."
    )


def test_target_checks_read_the_mean_and_say_when_the_interval_holds_the_target() -> None:
    values = Numbers(
        ["warm", "cold"],
        {"service_level": {"warm": est(0.66, 0.03), "cold": est(0.79, 0.03)}},
        {},
    )
    warm, cold = target_checks(values, 0.8)
    assert (warm.status, cold.status) == ("missed", "unclear")
    assert (
        warm.text == "warm misses the service-level target of 80.0%: 66.0% (95 % CI 63.0% – 69.0%)"
    )
    assert cold.text.startswith("cold misses the service-level target of 80.0%: 79.0%")
    assert "the interval holds the target" in cold.text
    assert target_checks(values, None) == []


def test_a_sub_metric_is_named_in_full_in_a_sentence() -> None:
    from simcc.analysis.explain import noun, verdict

    assert noun("resolution_time_after_escalation") == "resolution time after escalation"
    assert noun("resolution_sla_rate") == "resolution SLA met"  # not "resolution sla met"
    assert noun("penalty_cost_per_contact") == "SLA penalty per contact"
    text = verdict("resolution_time_after_escalation", "cold", "warm", est(75.0, 8.0)).text
    assert text.startswith("cold raises resolution time after escalation by 75 s")


def test_a_small_clear_change_never_reads_as_if_its_interval_held_zero() -> None:
    values = dict(
        CENTRE,
        service_level=(0.800, 0.806),
        abandonment_rate=(0.148, 0.148),
        abandonment_queue_rate=(0.08, 0.08),
        fcr=(0.85, 0.85),
    )
    unchanged = {"abandonment_rate", "abandonment_queue_rate", "fcr"}
    n = numbers(values, clear=set(CENTRE) - unchanged)
    n.differences["service_level"]["cold"] = Estimate(0.006, math.nan, 0.0004, 0.0116, N)
    text = mechanism(n, "cold", ["front"])
    assert "the service level rises by 0.6 points (95 % CI 0.04 to 1.16 points)" in text
