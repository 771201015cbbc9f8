"""Who wins in a sweep: the paired difference of two policies at each swept level, read in
words (simcc.analysis.sweep_verdict), on constructed results whose answer is known."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simcc.analysis.sweep_verdict import difference_table, level_differences, who_wins

X, BY = "pools.desk.agents", "transfer.policy"
LEVELS = (4, 6, 8)


def results(gap: dict[int, float], reps: int = 6) -> pd.DataFrame:
    """Abandonment per level and replication: a busy-day term shared by both policies
    (common random numbers, large), warm = cold + ``gap[level]`` exactly."""
    rng = np.random.default_rng(1)
    rows = []
    for level in LEVELS:
        for r in range(reps):
            day = 0.2 / level + rng.normal(0, 0.03)  # the same customers for both
            cold = day
            warm = day + gap[level]
            rows += [
                {X: level, BY: "cold", "replication": r, "abandonment_rate": cold},
                {X: level, BY: "warm", "replication": r, "abandonment_rate": warm},
            ]
    return pd.DataFrame(rows)


def test_the_paired_difference_per_level_is_the_known_gap() -> None:
    table = results({4: 0.03, 6: 0.02, 8: 0.01})
    diffs = level_differences(table, "abandonment_rate", X, BY, "cold", "warm")
    assert [d.level for d in diffs] == [4.0, 6.0, 8.0]
    for d, gap in zip(diffs, (0.03, 0.02, 0.01), strict=True):
        # paired by replication, the shared days (spread 0.03) cancel: the gap, exactly
        assert d.diff.mean == pytest.approx(gap)
        assert d.diff.ci_high - d.diff.ci_low == pytest.approx(0.0, abs=1e-12)


def test_who_wins_says_one_policy_is_better_at_every_level_and_by_how_much() -> None:
    table = results({4: 0.03, 6: 0.02, 8: 0.01})
    diffs = level_differences(table, "abandonment_rate", X, BY, "cold", "warm")
    text = who_wins("abandonment_rate", X, "cold", "warm", diffs)
    assert text.startswith(
        f"cold beats warm on abandonment at every level swept ({X} from 4 to 8): "
        "lower by 1.0 to 3.0 points; the paired 95 % CI of cold − warm excludes zero at "
        "each level (4: −"
    )


def test_who_wins_names_the_levels_where_each_is_better_when_they_trade_places() -> None:
    table = results({4: 0.03, 6: 0.0, 8: -0.02})
    diffs = level_differences(table, "abandonment_rate", X, BY, "cold", "warm")
    text = who_wins("abandonment_rate", X, "cold", "warm", diffs)
    assert text.startswith(
        f"abandonment: warm is better than cold at {X} = 8; worse than cold at {X} = 4; "
        f"not clearly different at {X} = 6 (warm − cold from −2.0 pt to +3.0 pt over the grid)"
    )


def test_the_difference_table_marks_the_clear_differences() -> None:
    table = results({4: 0.03, 6: 0.0, 8: 0.01})
    text = difference_table(table, ["abandonment_rate"], X, BY, "cold", "warm")
    assert "+3.0 pt*" in text and "+1.0 pt*" in text
    assert text.count("*<br>") == 2  # the level without a gap is not marked
