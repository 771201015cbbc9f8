"""A ``precision`` run is the same bit for bit in one process or in two."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

import simcc

SMALL = Path(__file__).resolve().parents[1] / "small-centre.yaml"


def test_precision_batches_give_the_same_replications_at_any_jobs():
    scenario = simcc.load_scenario(SMALL)
    target = {"abandonment_rate": 0.03}
    one = simcc.replicate(scenario, 3, jobs=1, precision=target, estimator="control-variates")
    two = simcc.replicate(scenario, 3, jobs=2, precision=target, estimator="control-variates")
    assert one.n == two.n > 3
    pd.testing.assert_frame_equal(one.table, two.table)
    pd.testing.assert_frame_equal(one.controls, two.controls)
    assert one.to_json()["metrics"] == two.to_json()["metrics"]
