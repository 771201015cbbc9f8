"""The charts of simcc.analysis.plots: what they compute, and that each returns a Figure.

The numbers behind the charts (CI bands, time-average counts, crossings,
queue intervals rebuilt from records) are checked against hand-computed
values; the charts themselves are drawn from a small two-policy run and
checked for their panels, titles and error bars.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.container import ErrorbarContainer
from matplotlib.figure import Figure

import simcc
from simcc.analysis import format as fmt
from simcc.analysis import plots
from simcc.analysis.plots import records as plots_records
from simcc.analysis.stats import estimate, paired_difference

SMALL = (Path(__file__).resolve().parents[1] / "small-centre.yaml").read_text()


@pytest.fixture(scope="module")
def scenario() -> simcc.Scenario:
    return simcc.loads_scenario(SMALL)


@pytest.fixture(scope="module")
def runs(scenario: simcc.Scenario) -> dict[str, simcc.Replications]:
    """Three replications of each policy, same seed (common random numbers), with records."""
    return {
        p: simcc.replicate(scenario.with_policy(p), 3, seed=5, jobs=1, keep_records=True)
        for p in ("cold", "warm")
    }


def records(runs: dict[str, simcc.Replications], name: str) -> dict[str, pd.DataFrame]:
    out = {}
    for policy, reps in runs.items():
        assert reps.records is not None
        out[policy] = reps.records[name]
    return out


@pytest.fixture(scope="module")
def comparison(runs: dict[str, simcc.Replications]) -> pd.DataFrame:
    """The comparison table shape: variant, replication, one column per metric."""
    table = pd.concat([r.table.assign(variant=p) for p, r in runs.items()], ignore_index=True)
    return table[["variant", *[c for c in table.columns if c != "variant"]]]


# ============================================================================ numbers


def test_band_matches_student_t_estimate_per_column() -> None:
    rng = np.random.default_rng(3)
    matrix = rng.normal(size=(6, 4))
    matrix[2, 1] = np.nan
    b = plots.band(matrix)
    for j in range(4):
        e = estimate(matrix[:, j])
        assert b.mean[j] == pytest.approx(e.mean)
        assert b.low[j] == pytest.approx(e.ci_low)
        assert b.high[j] == pytest.approx(e.ci_high)


def test_band_of_one_replication_is_the_line_itself() -> None:
    b = plots.band(np.array([[1.0, 2.0, 3.0]]))
    assert b.n == 1
    assert list(b.low) == list(b.mean) == list(b.high) == [1.0, 2.0, 3.0]


def test_mean_count_is_the_time_average_number_of_open_intervals() -> None:
    edges = np.array([0.0, 10.0, 20.0, 30.0])
    starts = np.array([0.0, 5.0, 12.0])
    ends = np.array([10.0, 25.0, 14.0])
    # bin 0: [0,10) open 10 s + [5,25) open 5 s → 1.5; bin 1: 10 s + 2 s → 1.2; bin 2: 5 s → 0.5
    assert plots.mean_count(starts, ends, edges) == pytest.approx([1.5, 1.2, 0.5])
    assert plots.mean_count(np.array([]), np.array([]), edges) == pytest.approx([0, 0, 0])


def test_crossings_interpolate_between_grid_points() -> None:
    # difference −1, −0.5, +1: the sign changes a third of the way from 6 to 8
    ((x, y),) = plots.crossings([4, 6, 8], [1.0, 3.0, 5.0], [2.0, 3.5, 4.0])
    assert (x, y) == pytest.approx((6 + 2 / 3, 3 + 2 / 3))
    assert plots.crossings([1, 2, 3], [0, 1, 2], [5, 6, 7]) == []
    # equal at a grid point counts once, not once per neighbouring segment
    assert plots.crossings([1, 2, 3], [0, 1, 2], [2, 1, 0]) == [(2.0, 1.0)]
    assert plots.crossings([1, 2], [0, math.nan], [1, 0]) == []


def test_staffing_plan_matches_what_the_engine_scheduled(scenario: simcc.Scenario) -> None:
    plan = plots.staffing_plan(scenario)
    engine = simcc.simulate(scenario, seed=1).staffing
    for pool in scenario.pools:
        mine = plan[plan.pool == pool].set_index("time")["scheduled"]
        theirs = engine[engine.pool == pool].drop_duplicates("time", keep="last")
        theirs = theirs[theirs.time < scenario.horizon].set_index("time")["scheduled"]
        changes = mine[mine.diff().fillna(1) != 0]
        assert changes.to_dict() == theirs[theirs.diff().fillna(1) != 0].to_dict()
    assert plan[plan.pool == "front"]["scheduled"].tolist() == [5, 7]


def trace(times: list[float], **pool: Any) -> simcc.Scenario:
    front = {"agents": 1, "handle_time": 100, "resolve": 1.0} | pool
    return simcc.scenario_from_dict(
        {
            "horizon": "1h",
            "call_types": {"billing": {"arrivals": {"times": times}, "path": ["front"]}},
            "pools": {"front": front},
        }
    )


def test_queue_intervals_rebuild_the_entry_queue_from_records() -> None:
    result = simcc.simulate(trace([0.0, 10.0, 20.0]), seed=1)
    queue = plots.queue_intervals(result.contacts, result.transfers)
    # one agent, 100 s each: the second waits 10→100, the third 20→200
    got = sorted(zip(queue.start, queue.end, strict=True))
    assert got == [(10.0, 100.0), (20.0, 200.0)]
    counts = plots.mean_count(
        queue.start.to_numpy(), queue.end.to_numpy(), np.array([0.0, 100, 200])
    )
    assert counts == pytest.approx([(90 + 80) / 100, 1.0])


def test_queue_intervals_add_the_wait_for_the_receiving_pool(runs: dict) -> None:
    contacts = records(runs, "contacts")["cold"]
    transfers = records(runs, "transfers")["cold"]
    queue = plots.queue_intervals(contacts, transfers)
    desk = queue[queue.pool == "desk"]
    waited = transfers[transfers.engaged > transfers.handoff]
    assert len(desk) >= len(waited)
    assert (desk.end >= desk.start).all()
    assert set(queue.pool) <= {"front", "desk"}


def test_busy_agents_never_exceed_the_staffing(runs: dict, scenario: simcc.Scenario) -> None:
    agents = plots.with_variant(records(runs, "agents"))
    edges = np.arange(0.0, scenario.horizon + 1, 600.0)
    for pool, cap in (("front", 7), ("desk", 2)):
        matrix = plots_records._per_replication(agents, "warm", pool, edges, "start", "end")
        assert matrix.max() <= cap + 1e-9
        assert matrix.mean() > 0


def test_activity_hours_add_up_to_the_busy_time(runs: dict) -> None:
    agents = records(runs, "agents")
    hours = plots.activity_hours(agents)
    for policy, frame in agents.items():
        mine = hours[hours.variant == policy]
        assert mine.hours.sum() == pytest.approx((frame.end - frame.start).sum() / 3600)
    warm = hours[hours.variant == "warm"].groupby("activity", observed=True).hours.sum()
    cold = hours[hours.variant == "cold"].groupby("activity", observed=True).hours.sum()
    assert warm["conference"] > 0 and cold["conference"] == 0
    assert cold["rediscovery"] > 0 and warm["consult"] > 0


def test_variant_estimates_read_a_table_and_a_summary_alike(comparison: pd.DataFrame) -> None:
    variants, from_table = plots.variant_estimates(comparison, ["fcr", "asa"])
    summary = {
        "variants": variants,
        "metrics": {
            m: {v: estimate(comparison.loc[comparison.variant == v, m]).as_dict() for v in variants}
            for m in ("fcr", "asa")
        },
    }
    _, from_summary = plots.variant_estimates(summary, ["fcr", "asa"])
    assert variants == ["cold", "warm"]
    for m in ("fcr", "asa"):
        for v in variants:
            assert from_table[m][v].mean == pytest.approx(from_summary[m][v].mean)
            assert from_table[m][v].high == pytest.approx(from_summary[m][v].high)


def test_variant_colours_are_distinct_and_follow_the_policy() -> None:
    colours = plots.variant_colours(["warm", "cold", "warm-8", "centre-cold", "x"])
    assert colours["warm"] == plots.POLICY_COLOURS["warm"]
    assert colours["cold"] == plots.POLICY_COLOURS["cold"]
    assert len(set(colours.values())) == 5


# ============================================================================ charts


def errorbars(fig: Figure) -> int:
    return sum(isinstance(c, ErrorbarContainer) for ax in fig.axes for c in ax.containers)


def bands(fig: Figure) -> int:
    return sum(isinstance(c, PolyCollection) for ax in fig.axes for c in ax.collections)


def test_comparison_chart_has_a_panel_per_metric_with_ci_error_bars(
    comparison: pd.DataFrame,
) -> None:
    fig = plots.comparison_chart(comparison)
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in panels] == [fmt.title(m) for m in plots.HEADLINE_PLOT]
    assert panels[0].get_title() == "Abandonment (all)"
    assert errorbars(fig) == len(plots.HEADLINE_PLOT)
    abandonment = panels[0]
    heights = [p.get_height() for p in abandonment.patches]
    expected = comparison.groupby("variant").abandonment_rate.mean() * 100
    assert heights == pytest.approx(expected.loc[["cold", "warm"]].tolist())
    assert "%" in abandonment.get_ylabel()
    assert "s" in panels[list(plots.HEADLINE_PLOT).index("asa")].get_ylabel()


def test_comparison_chart_rejects_unknown_metrics(comparison: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="none of the metrics"):
        plots.comparison_chart(comparison, ["no_such_metric"])


def test_wait_distributions_start_at_the_share_that_waited(runs: dict) -> None:
    contacts = records(runs, "contacts")
    fig = plots.wait_distributions(contacts, threshold=20)
    left, right = fig.axes
    assert "Entry queue" in left.get_title() and "Hold" in right.get_title()
    assert len(left.lines) == 3  # cold, warm, the SLA line
    assert bands(fig) == 4
    cold = contacts["cold"]
    cold = cold[cold.measured & cold.answer.notna()]
    share = np.mean([(g.wait > 0).mean() for _, g in cold.groupby("replication")]) * 100
    assert left.lines[0].get_ydata()[0] == pytest.approx(share)


def test_intraday_chart_draws_queue_busy_and_staffing_per_pool(
    runs: dict, scenario: simcc.Scenario
) -> None:
    fig = plots.intraday_chart(
        records(runs, "contacts"),
        records(runs, "agents"),
        records(runs, "transfers"),
        staffing=plots.staffing_plan(scenario),
        bin_size=600,
    )
    assert len(fig.axes) == 4  # two pools × (queue, busy)
    busy_front = fig.axes[1]
    staffing = [line for line in busy_front.lines if line.get_label() == "staffing"]
    assert len(staffing) == 1
    assert max(staffing[0].get_ydata()) == 7 and min(staffing[0].get_ydata()) == 5
    assert bands(fig) == 8  # a band per policy in each panel


def test_intraday_chart_reads_in_clock_time_when_given_the_opening(runs: dict) -> None:
    args = records(runs, "contacts"), records(runs, "agents")
    hours = plots.intraday_chart(*args)
    assert hours.axes[-1].get_xlabel() == "hours since opening"
    clock = plots.intraday_chart(*args, opens_at="08:00")
    axis = clock.axes[-1]
    assert axis.get_xlabel() == "time of day"
    formatter = axis.xaxis.get_major_formatter()
    assert formatter(1.5, 0) == "09:30"


def test_pool_time_chart_splits_staffed_time_per_pool_and_variant(
    comparison: pd.DataFrame,
) -> None:
    fig = plots.pool_time_chart(comparison)
    ax = fig.axes[0]
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert labels == ["consult and conference", "other work", "idle"]
    assert errorbars(fig) == 4  # occupancy CI per pool × policy
    tops: dict[float, float] = {}
    busy: dict[float, float] = {}
    for i, patch in enumerate(ax.patches):
        x = round(patch.get_x(), 6)
        tops[x] = max(tops.get(x, 0.0), patch.get_y() + patch.get_height())
        if i % 3 == 1:  # the top of "other work" is the occupancy
            busy[x] = patch.get_y() + patch.get_height()
    assert list(tops.values()) == pytest.approx([100.0] * 4)
    expected = comparison.groupby("variant")["occupancy_front"].mean() * 100
    assert list(busy.values())[:2] == pytest.approx(expected.loc[["cold", "warm"]].tolist())


def test_intraday_chart_takes_one_result(scenario: simcc.Scenario) -> None:
    result = simcc.simulate(scenario, seed=2)
    fig = plots.intraday_chart(
        result.contacts, result.agents, result.transfers, staffing=result.staffing
    )
    assert isinstance(fig, Figure)
    assert bands(fig) == 0  # one replication: no band


def test_activity_chart_stacks_every_activity(runs: dict, scenario: simcc.Scenario) -> None:
    fig = plots.activity_chart(records(runs, "agents"), window=(scenario.warmup, scenario.horizon))
    _, shares = fig.axes
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert labels == list(plots.ACTIVITY_COLOURS)
    assert errorbars(fig) == 4  # total CI per pool × policy
    tops = {}
    for patch in shares.patches:
        x = round(patch.get_x(), 6)
        tops[x] = max(tops.get(x, 0.0), patch.get_y() + patch.get_height())
    assert list(tops.values()) == pytest.approx([100.0] * 4)


def sweep_table(curves: dict[str, list[float]], xs: list[int], reps: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    rows = []
    for policy, means in curves.items():
        for x, m in zip(xs, means, strict=True):
            for r in range(reps):
                rows.append(
                    {
                        "pools.desk.agents": x,
                        "transfer.policy": policy,
                        "replication": r,
                        "abandonment_rate": m + rng.normal(0, 0.002),
                    }
                )
    return pd.DataFrame(rows)


def test_sweep_chart_marks_where_the_policies_cross() -> None:
    table = sweep_table({"cold": [0.10, 0.08, 0.06], "warm": [0.14, 0.08, 0.02]}, [2, 4, 6])
    fig = plots.sweep_chart(table, "abandonment_rate")
    title = fig.get_suptitle()
    assert "cold and warm cross at" in title
    (ax,) = fig.axes
    assert ax.get_xlabel() == "pools.desk.agents"
    assert bands(fig) == 2
    marks = [line for line in ax.lines if line.get_marker() == "X"]
    assert len(marks) >= 1
    x = float(title.split("cross at ")[1].split()[0].rstrip(","))
    assert 2 < x < 6
    assert title.startswith("Abandonment (all) against pools.desk.agents")


def test_sweep_chart_puts_ticks_at_whole_agents_only() -> None:
    table = sweep_table({"cold": [0.10, 0.08, 0.06], "warm": [0.14, 0.08, 0.02]}, [2, 3, 4])
    (ax,) = plots.sweep_chart(table, "abandonment_rate").axes
    ticks = [t for t in ax.get_xticks() if 2 <= t <= 4]
    assert ticks and all(t == int(t) for t in ticks)


def test_sweep_chart_says_no_crossing() -> None:
    table = sweep_table({"cold": [0.10, 0.08, 0.06], "warm": [0.20, 0.18, 0.16]}, [2, 4, 6])
    fig = plots.sweep_chart(table, "abandonment_rate")
    assert fig.get_suptitle().endswith("no crossing")


def test_sweep_chart_refuses_a_third_varying_field() -> None:
    table = sweep_table({"cold": [0.1, 0.2], "warm": [0.2, 0.1]}, [2, 4])
    table = pd.concat([table.assign(**{"customers.x": 1}), table.assign(**{"customers.x": 2})])
    with pytest.raises(ValueError, match="also varies"):
        plots.sweep_chart(table, "abandonment_rate")


def test_paired_differences_of_common_random_numbers_are_narrower(
    comparison: pd.DataFrame,
) -> None:
    """A sanity check of the fixture the charts use: policies share their customers."""
    cold = comparison[comparison.variant == "cold"].sort_values("replication")
    warm = comparison[comparison.variant == "warm"].sort_values("replication")
    assert cold.offered.tolist() == warm.offered.tolist()
    assert paired_difference(cold.offered, warm.offered).mean == 0


def hand_ons(rows: list[tuple[int, str, str]]) -> pd.DataFrame:
    """A transfers table: ``(replication, to_pool, reason)`` per hand-on (cold transfers)."""
    return pd.DataFrame(
        [
            {"replication": r, "to_pool": pool, "reason": reason, "policy": "cold"}
            for r, pool, reason in rows
        ]
    )


def test_reason_counts_are_hand_ons_per_replication_with_zero_days_counted() -> None:
    # the front receives 4 hand-offs in replication 0 and none in 1 and 2
    t = hand_ons(
        [(0, "front", "handling_time")] * 4
        + [(r, "desk", "not_resolved") for r in (0, 1, 2) for _ in range(10)]
        + [(1, "desk", "handling_time")] * 3
    )
    counts = plots.reason_counts(t, replications=[0, 1, 2])
    front, desk = counts.loc["front"], counts.loc["desk"]
    assert front["total"] == pytest.approx(4 / 3) and front["n"] == 4
    e = estimate([4, 0, 0])
    assert (front["total_ci_low"], front["total_ci_high"]) == pytest.approx((0.0, e.ci_high))
    assert desk["not_resolved"] == 10 and desk["handling_time"] == pytest.approx(1.0)
    assert desk["total"] == pytest.approx(11.0) and desk["replications"] == 3


def test_reasons_chart_draws_counts_with_their_ci_and_n_not_full_shares() -> None:
    t = hand_ons([(0, "front", "handling_time")] * 4 + [(0, "desk", "not_resolved")] * 40)
    t = pd.concat([t, t.assign(replication=1)])
    ax = plots.reasons_chart(t).axes[0]
    widths = {round(p.get_width(), 6) for p in ax.patches if p.get_width() > 0}
    assert widths == {4.0, 40.0}  # counts per replication, not 100 % bars
    assert any(isinstance(c, ErrorbarContainer) for c in ax.containers)
    assert [a.get_text().strip() for a in ax.texts] == [
        "n = 80 over 2 replication(s)",
        "n = 8 over 2 replication(s)",
    ]
