"""``replicate(..., estimator=..., precision=...)``: ratio-of-totals summaries, batches run
until a CI half-width is reached, and the control variates each replication measures."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import simcc
from simcc.analysis.controls import control_means, expected_arrivals, observed_controls
from simcc.analysis.precision import next_batch
from simcc.analysis.stats import estimate
from simcc.records import ACTIVITIES
from simcc.runner import Replications, totals_frame
from simcc.scenario import Scenario
from simcc.scenario.loading import loads_scenario

HANDLE = ACTIVITIES[0]
SMALL = Path(__file__).resolve().parents[1] / "small-centre.yaml"

ONE_POOL = """\
name: one pool
horizon: 2h
warmup: 30m
call_types:
  billing:
    arrivals: {interval: 1h, rates: [60/h, 120/h]}
    path: [front]
customers:
  patience: {dist: exponential, mean: 3m}
pools:
  front: {agents: 3, handle_time: {dist: exponential, mean: 2m}}
"""


@pytest.fixture
def small() -> Scenario:
    return simcc.load_scenario(SMALL)


def hand_built(small: Scenario, rates: list[tuple[float, float]]) -> Replications:
    """Replications whose only metric is abandonment_rate, with these (num, den)."""
    table = pd.DataFrame(
        {"replication": range(len(rates)), "abandonment_rate": [a / b for a, b in rates]}
    )
    totals = totals_frame(list(range(len(rates))), [{"abandonment_rate": r} for r in rates])
    return Replications(small, 1, table, 0.0, totals=totals)


def test_the_ratio_summary_pools_the_replications_totals(small: Scenario):
    reps = hand_built(small, [(5, 10), (100, 1000)])
    assert reps.summary(estimator="ratio")["abandonment_rate"].mean == pytest.approx(105 / 1010)
    assert reps.summary()["abandonment_rate"].mean == pytest.approx(0.3)


def test_replicate_keeps_totals_and_its_ratio_summary_uses_them_for_rates_only(small: Scenario):
    reps = simcc.replicate(small, 4, jobs=1, estimator="ratio")
    assert reps.to_json()["estimator"] == "ratio"
    ratio = reps.summary()
    plain = reps.summary(estimator="mean")
    num, den = reps.totals["service_level.num"], reps.totals["service_level.den"]
    assert ratio["service_level"].mean == pytest.approx(num.sum() / den.sum())
    assert ratio["offered"] == plain["offered"] == estimate(reps.table["offered"])
    assert plain["service_level"] == estimate(reps.table["service_level"])


def test_the_default_summary_is_the_mean_of_the_replications(small: Scenario):
    reps = simcc.replicate(small, 3, jobs=1)
    assert reps.estimator == "mean" and reps.to_json()["estimator"] == "mean"
    for name, e in reps.summary().items():
        assert e == estimate(reps.table[name]) or math.isnan(e.mean)


def test_an_unknown_estimator_or_precision_metric_is_refused(small: Scenario):
    with pytest.raises(ValueError, match="estimator must be one of"):
        simcc.replicate(small, 2, jobs=1, estimator="median")
    with pytest.raises(ValueError, match="did you mean 'abandonment_rate'"):
        simcc.replicate(small, 2, jobs=1, precision={"abandonment_rat": 0.01})
    with pytest.raises(ValueError, match="below the replications"):
        simcc.replicate(small, 4, jobs=1, precision={"asa": 1.0}, max_replications=3)


# ------------------------------------------------------------------ precision


def test_next_batch_asks_for_the_replications_the_widest_target_needs(small: Scenario):
    # 4 replications, half-width h; a target h/2 needs 4 × 4 = 16 in all, 10 % more: 18
    reps = hand_built(small, [(1, 10), (2, 10), (3, 10), (4, 10)])
    half = reps.summary()["abandonment_rate"].half_width
    assert next_batch(reps, {"abandonment_rate": half / 2}, 100) == 18 - 4
    assert next_batch(reps, {"abandonment_rate": half / 2}, 10) == 6  # capped
    assert next_batch(reps, {"abandonment_rate": half * 1.01}, 100) == 0


def test_precision_adds_batches_until_the_half_width_is_reached(small: Scenario):
    reps = simcc.replicate(small, 3, jobs=1, precision={"abandonment_rate": 0.03})
    status = reps.precision_status()["abandonment_rate"]
    assert reps.n > 3 and status["reached"]
    assert reps.summary()["abandonment_rate"].half_width <= 0.03
    # the batches only extend the range 0..n−1: the same replications as one run of n
    plain = simcc.replicate(small, reps.n, jobs=1)
    pd.testing.assert_frame_equal(reps.table, plain.table)


def test_precision_stops_at_max_replications_and_says_the_target_was_missed(small: Scenario):
    reps = simcc.replicate(small, 2, jobs=1, precision={"asa": 1e-6}, max_replications=5)
    assert reps.n == 5
    assert reps.to_json()["precision"]["asa"]["reached"] is False


def test_precision_with_the_ratio_estimator_judges_the_ratio_half_width(small: Scenario):
    reps = simcc.replicate(small, 3, jobs=1, estimator="ratio", precision={"service_level": 0.04})
    assert reps.summary(estimator="ratio")["service_level"].half_width <= 0.04


# ------------------------------------------------------------------ control variates


def test_expected_arrivals_integrate_the_rate_over_the_measured_window():
    s = loads_scenario(ONE_POOL)
    # 30 min at 60/h, then 1 h at 120/h
    assert expected_arrivals(s, "billing") == pytest.approx(30 + 120)
    assert control_means(s) == pytest.approx([150, 150 * 120])


def test_the_redrawn_handle_times_are_the_ones_the_engine_drew(small: Scenario):
    result = simcc.simulate(small, seed=5)
    contacts = result.recorder.contact_arrays()
    count, handle = observed_controls(small, 5, 0, contacts)
    first = result.contacts[result.contacts["attempt"] == 1]
    window = (first["arrival"] >= small.warmup) & (first["arrival"] < small.horizon)
    assert count == window.sum()
    # a contact answered at its entry pool and never escalated was handled for its draw
    agents = result.agents
    handle_rows = (agents["activity"] == HANDLE) & (agents["pool"] == "front")
    handled = agents[handle_rows].groupby("contact_id")
    took = handled["end"].max() - handled["start"].min()
    plain = first[(first["escalations"] == 0) & first["answer"].notna() & window]
    assert len(plain) > 10
    redrawn = _draws(small, 5, first)
    ids = plain["contact_id"]
    assert np.allclose(took.reindex(ids), redrawn.reindex(ids))
    assert handle == pytest.approx(redrawn.reindex(first["contact_id"][window]).sum())


def _draws(scenario: Scenario, seed: int, first: pd.DataFrame) -> pd.Series:
    from simcc.rng import Streams

    spec = scenario.pools["front"]
    draw = spec.for_type(spec.handle_time, "billing").sampler(
        Streams(seed, 0).generator("first_handle:billing")
    )
    ids = first.sort_values("contact_id")["contact_id"]
    return pd.Series([draw() for _ in ids], index=ids.to_numpy())


def test_a_control_variates_run_labels_its_estimator_and_gives_each_reduction(small: Scenario):
    reps = simcc.replicate(small, 8, jobs=1, estimator="control-variates")
    document = reps.to_json()
    assert document["estimator"] == "control-variates"
    assert list(reps.controls.columns) == ["arrivals", "first_handle_sum"]
    assert document["metrics"]["abandonment_rate"]["variance_reduction"] > 0
    plain = reps.summary(estimator="mean")["abandonment_rate"]
    assert reps.summary()["abandonment_rate"] != plain
