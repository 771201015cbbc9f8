"""The out-of-sample scores of docs/calibration.md, on hand-made per-day errors."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from simcc.fit.calibrate import CHOICE, SCORED, half_of, meets_goal, scores, summary_lines


def _days(abandonment: list[float], asa: list[float], weeks: str = SCORED) -> pd.DataFrame:
    rows = [
        {
            "weeks": weeks,
            "abandonment_err": a,
            "asa_err": s,
            "pass": abs(a) <= 0.35 and abs(s) <= 0.4,
        }
        for a, s in zip(abandonment, asa, strict=True)
    ]
    return pd.DataFrame(rows)


def test_october_is_split_into_the_choice_weeks_and_the_scored_weeks():
    assert half_of(dt.date(1999, 10, 3)) == half_of(dt.date(1999, 10, 14)) == CHOICE
    assert half_of(dt.date(1999, 10, 17)) == half_of(dt.date(1999, 10, 31)) == SCORED
    assert half_of(dt.date(1999, 11, 1)) == "other"


def test_scores_count_days_within_the_bar_and_on_each_side():
    table = _days([0.10, -0.20, 0.40, 0.05], [-0.10, -0.50, -0.20, 0.30])
    got = scores(table)
    assert got["days"] == 4 and got["passed"] == 2
    ab, asa = got["abandonment_rate"], got["asa"]
    assert (ab["within"], ab["over"], ab["under"]) == (3, 3, 1)
    assert ab["median_abs"] == pytest.approx(0.15)  # |errors| 0.05, 0.10, 0.20, 0.40
    assert (asa["within"], asa["over"], asa["under"]) == (3, 1, 3)
    assert asa["median_abs"] == pytest.approx(0.25)


def test_the_goal_needs_both_sides_balanced_and_small_median_errors():
    balanced = scores(_days([0.05, -0.05, 0.10, -0.10, 0.02], [0.1, -0.1, 0.1, -0.1, 0.0]))
    assert meets_goal(balanced) == {"abandonment_rate": True, "asa": True}
    one_sided = scores(_days([0.05, 0.05, 0.10, 0.10, 0.02], [0.1, -0.1, 0.3, -0.3, 0.2]))
    assert meets_goal(one_sided) == {"abandonment_rate": False, "asa": False}


def test_the_summary_has_one_row_per_half_with_its_role():
    table = pd.concat([_days([0.1], [0.1], CHOICE), _days([0.2, -0.1], [0.0, 0.1], SCORED)])
    lines = summary_lines(table)
    assert lines[2].startswith(f"| {CHOICE} (choices made) | 1 of 1 |")
    assert lines[3].startswith(f"| {SCORED} (scored only) | 2 of 2 |")
