"""Comparisons and sweeps: grid parsing, common random numbers, paired differences."""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import simcc
from simcc.analysis.metrics import HEADLINE
from simcc.experiments import (
    Execution,
    ExperimentError,
    compare,
    parse_grid,
    parse_set,
    parse_values,
    policy_variants,
    summarize,
    sweep,
)
from simcc.experiments.grid import grid_points
from tests.conftest import SCENARIOS

ONE_POOL = """
name: one pool
horizon: 2h
warmup: 10m
replications: 4
call_types:
  general: {arrivals: {rate: 100/h}, path: [desk]}
customers:
  patience: {dist: exponential, mean: 3m}
pools:
  desk: {agents: 6, handle_time: {dist: exponential, mean: 3m}, cost_per_hour: 30}
"""


@pytest.fixture(scope="module")
def small_centre() -> simcc.Scenario:
    """The shipped mid-size centre (warm transfer) over two hours."""
    centre = simcc.load_scenario(SCENARIOS / "centre-warm.yaml")
    return centre.with_changes({"horizon": "2h", "warmup": "10m"})


@pytest.fixture(scope="module")
def one_pool() -> simcc.Scenario:
    return simcc.loads_scenario(ONE_POOL)


# --------------------------------------------------------------------------- --set parsing


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("6..9", [6, 7, 8, 9]),
        ("6..14..4", [6, 10, 14]),
        ("3..3", [3]),
        ("warm,cold", ["warm", "cold"]),
        ("5m", ["5m"]),
        ("6", [6]),
        ("0.5,1", [0.5, 1]),
        ("[30, 40],[40, 40]", [[30, 40], [40, 40]]),
        ("{dist: exponential, mean: 2m}", [{"dist": "exponential", "mean": "2m"}]),
        ("true", [True]),
    ],
)
def test_set_values_are_ranges_or_yaml_scalars(text: str, values: list) -> None:
    assert parse_values(text) == values
    assert [type(v) for v in parse_values(text)] == [type(v) for v in values]


@pytest.mark.parametrize(
    ("spec", "says"),
    [
        ("pools.desk.agents", "expected PATH=VALUES"),
        ("=3", "expected PATH=VALUES"),
        ("pools.desk.agents=", "expected PATH=VALUES"),
        ("pools.desk.agents=9..6", "empty range"),
        ("pools.desk.agents=1..9..0", "step"),
        ("pools.desk.agents=3,,4", "empty value"),
    ],
)
def test_bad_set_is_refused_naming_it(spec: str, says: str) -> None:
    with pytest.raises(ExperimentError, match=says) as caught:
        parse_set(spec)
    assert spec in str(caught.value)


def test_a_path_set_twice_is_refused() -> None:
    with pytest.raises(ExperimentError, match="set twice"):
        parse_grid(["pools.desk.agents=5", "pools.desk.agents=6"])


@pytest.mark.parametrize(
    ("specs", "says"),
    [
        (["pools.dsk.agents=5"], r"--set pools.dsk.agents: .*unknown.*did you mean 'desk'"),
        (["pools.desk.agentz=5"], r"--set pools.desk.agentz=5: .*unknown key 'agentz'"),
        (["pools.desk.agents=-1,5"], r"--set pools.desk.agents=-1: .*must be"),
        (["transfer.policy=warm,wram"], r"--set transfer.policy=wram: .*did you mean 'warm'"),
        (["horizon.x=3"], r"--set horizon.x: .*is a value"),
        (["seed=1,2"], r"--set seed: .*use --seed"),
        (["warmup=30m,3h"], r"--set warmup=3h: .*shorter than the horizon"),
        (["warmup=1h", "horizon=1h,2h"], r"grid point warmup=1h, horizon=1h"),
    ],
)
def test_every_grid_point_is_validated_before_work(
    one_pool: simcc.Scenario, specs: list[str], says: str
) -> None:
    with pytest.raises(ExperimentError, match=says):
        grid_points(one_pool, parse_grid(specs))


def test_optional_sections_can_be_set(one_pool: simcc.Scenario) -> None:
    grid = parse_grid(["customers.recontact.probability.abandoned=0.5"])
    (point,) = grid_points(one_pool, grid)
    assert point.scenario.customers.recontact is not None
    assert point.scenario.customers.recontact.probability_of("abandoned_queue") == 0.5


# --------------------------------------------------------------------------- sweep


def test_sweep_is_one_tidy_row_per_point_and_replication(one_pool: simcc.Scenario) -> None:
    grid = {"pools.desk.agents": [5, 7], "customers.patience.mean": ["2m", "6m"]}
    table = sweep(one_pool, grid, replications=3, seed=11, jobs=1)
    assert list(table.columns[:3]) == [
        "pools.desk.agents",
        "customers.patience.mean",
        "replication",
    ]
    assert "service_level" in table.columns and "occupancy_desk" in table.columns
    assert len(table) == 2 * 2 * 3
    assert table["pools.desk.agents"].tolist() == [5] * 6 + [7] * 6
    assert table["customers.patience.mean"].tolist()[:6] == ["2m"] * 3 + ["6m"] * 3
    assert table["replication"].tolist() == [0, 1, 2] * 4
    assert table["pools.desk.agents"].dtype == np.int64


def test_sweep_uses_common_random_numbers(one_pool: simcc.Scenario) -> None:
    """Each grid point sees the same customers: agents change, arrivals do not."""
    table = sweep(one_pool, {"pools.desk.agents": [5, 6, 8]}, replications=4, seed=3, jobs=1)
    offered = table.pivot(index="replication", columns="pools.desk.agents", values="offered")
    assert (offered.nunique(axis=1) == 1).all()
    assert offered[5].nunique() > 1  # … while replications differ from each other
    # More agents, same customers: no replication answers worse (pathwise monotone here).
    level = table.pivot(index="replication", columns="pools.desk.agents", values="service_level")
    assert (level[8] >= level[5]).all()


def test_summarize_gives_a_ci_per_group_and_metric(one_pool: simcc.Scenario) -> None:
    table = sweep(one_pool, {"pools.desk.agents": [5, 7]}, replications=3, seed=1, jobs=1)
    summary = summarize(table, ["pools.desk.agents"])
    row = summary[(summary["pools.desk.agents"] == 7) & (summary["metric"] == "asa")].iloc[0]
    values = table.loc[table["pools.desk.agents"] == 7, "asa"]
    assert row["mean"] == pytest.approx(values.mean())
    assert row["ci_low"] < row["mean"] < row["ci_high"]
    assert row["n"] == 3


# --------------------------------------------------------------------------- compare


def test_identical_variants_differ_by_exactly_zero(small_centre: simcc.Scenario) -> None:
    twin = small_centre.with_changes({"name": "the same centre again"})
    result = compare([small_centre, twin], replications=4, seed=7, jobs=1)
    assert result.variants == [small_centre.display_name, "the same centre again"]
    assert list(result.table.columns[:2]) == ["variant", "replication"]
    assert len(result.table) == 2 * 4
    differences = result.differences()
    assert len(differences) == len(result.metrics)
    for metric in result.metrics:
        a = result.values(result.variants[0], metric)
        b = result.values(result.variants[1], metric)
        pd.testing.assert_series_equal(a, b, check_names=False)
        row = differences[differences["metric"] == metric].iloc[0]
        if a.notna().any():
            assert (row["mean"], row["ci_low"], row["ci_high"]) == (0.0, 0.0, 0.0), metric
        assert not row["excludes_zero"]


def test_a_comparison_by_group_measures_the_same_replications_as_replicate(
    small_centre: simcc.Scenario,
) -> None:
    variants = policy_variants(small_centre, ["warm", "cold"])
    plain = compare(variants, replications=3, seed=5, jobs=1)
    grouped = compare(variants, replications=3, seed=5, jobs=1, by=["segment"])
    pd.testing.assert_frame_equal(grouped.table, plain.table, check_exact=True)
    by_segment = grouped.by_group("segment")
    for name, scenario in variants.items():
        alone = simcc.replicate(scenario, 3, 5, jobs=1, by=["segment"]).groups["segment"]
        assert json.dumps(by_segment[name], sort_keys=True) == json.dumps(alone, sort_keys=True)
    with pytest.raises(ExperimentError, match="not measured by 'channel'"):
        grouped.by_group("channel")


def test_variant_names_are_made_unique(small_centre: simcc.Scenario) -> None:
    result = compare(
        policy_variants(small_centre, ["warm", "warm"]), replications=2, seed=1, jobs=1
    )
    assert result.variants == ["warm", "warm (2)"]


def test_a_comparison_needs_two_variants(small_centre: simcc.Scenario) -> None:
    with pytest.raises(ExperimentError, match="two variants"):
        compare([small_centre], replications=2)
    with pytest.raises(ExperimentError, match="--policy wram"):
        policy_variants(small_centre, ["warm", "wram"])


# Metrics driven by the customers both policies share (arrivals, patience, first handle
# times): common random numbers make their paired differences far less noisy.
SHARED = (
    "offered",
    "abandoned",
    "abandonment_rate",
    "abandonment_queue_rate",
    "fcr",
    "first_touch_resolution",
    "escalation_rate",
    "service_level",
    "sla_compliance",
    "asa",
    "cost_per_contact",
    "cost_per_resolved_case",
)


def test_paired_cis_are_narrower_than_unpaired(small_centre: simcc.Scenario, seed: int) -> None:
    """Warm vs cold on the shipped centre: paired (CRN) CIs against Welch's unpaired ones.

    Where one policy makes a metric constant (no hold under cold transfer) there is
    nothing to pair and both intervals coincide; where the metrics are driven by the
    customers both policies see, the paired interval is much narrower.
    """
    result = compare(
        policy_variants(small_centre, ["warm", "cold"]), replications=10, seed=seed, jobs=1
    )
    lines, widths = [], {}
    for metric in HEADLINE:
        paired = result.difference(metric, "cold")
        welch = result.unpaired_difference(metric, "cold")
        if math.isnan(paired.half_width) or math.isnan(welch.half_width):
            continue
        widths[metric] = (paired.half_width, welch.half_width)
        lines.append(f"{metric:28} paired ±{paired.half_width:.4g}  Welch ±{welch.half_width:.4g}")
    shown = "\n".join(lines)
    print(shown)
    assert set(SHARED) <= set(widths), shown
    for metric in SHARED:
        paired_width, welch_width = widths[metric]
        assert paired_width < welch_width, f"{metric}\n{shown}"
    assert np.median([widths[m][0] / widths[m][1] for m in SHARED]) < 0.6, shown
    for metric in ("mean_hold_time", "abandonment_hold_rate"):  # zero under cold
        assert result.values("cold", metric).eq(0).all()
        paired_width, welch_width = widths[metric]
        assert paired_width == pytest.approx(welch_width, rel=1e-9), metric


def test_comparison_json_has_the_documented_shape(small_centre: simcc.Scenario) -> None:
    result = compare(
        policy_variants(small_centre, ["warm", "cold", "callback"]),
        replications=3,
        seed=2,
        jobs=1,
    )
    doc = result.to_json()
    assert doc["variants"] == ["warm", "cold", "callback"]
    assert set(doc["metrics"]["service_level"]) == {"warm", "cold", "callback"}
    assert set(doc["metrics"]["service_level"]["cold"]) == {"mean", "std", "ci_low", "ci_high"}
    assert set(doc["differences"]["service_level"]) == {"cold", "callback"}
    assert set(doc["differences"]["asa"]["cold"]) == {"mean", "ci_low", "ci_high"}
    cold = result.difference("asa", "cold")
    assert doc["differences"]["asa"]["cold"]["mean"] == cold.mean
    frame = result.differences()
    assert list(frame.columns) == [
        "metric",
        "variant",
        "mean",
        "ci_low",
        "ci_high",
        "excludes_zero",
    ]
    assert frame["excludes_zero"].dtype == bool


def test_a_field_the_file_writes_differently_can_still_be_swept(
    one_pool: simcc.Scenario,
) -> None:
    """``handle_time: {dist: …, mean: …}`` is one distribution for every call type."""
    points = grid_points(one_pool, {"pools.desk.handle_time.mean": ["2m", "4m"]})
    means = [
        p.scenario.pools["desk"].for_type(p.scenario.pools["desk"].handle_time, "general").mean
        for p in points
    ]
    assert means == [120.0, 240.0]


def test_progress_bar_shows_replications_rate_and_time_left(one_pool: simcc.Scenario) -> None:
    import io

    from rich.console import Console

    from simcc.experiments.progress import progress_bar

    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=100, color_system=None)
    with progress_bar("sweep", console=console) as update:
        assert update is not None
        sweep(one_pool, {"pools.desk.agents": [5, 6]}, 3, seed=1, jobs=1, progress=update)
    shown = screen.getvalue()
    assert "6/6 replications" in shown
    assert "rep/s" in shown and "left" in shown


# --------------------------------------------------------------------------- Execution


def test_an_execution_runs_a_sweep_as_its_fields_given_as_keywords(
    one_pool: simcc.Scenario, tmp_path: Path
) -> None:
    grid = {"pools.desk.agents": [5, 6]}
    seen: dict[str, list[tuple[int, int]]] = {"value": [], "keywords": []}

    def heard(name: str) -> Callable[[int, int], None]:
        return lambda done, total: seen[name].append((done, total))

    by_value = sweep(
        one_pool,
        grid,
        3,
        seed=1,
        execution=Execution(jobs=1, journal=tmp_path / "a.jsonl", progress=heard("value")),
    )
    by_keywords = sweep(
        one_pool, grid, 3, seed=1, jobs=1, journal=tmp_path / "b.jsonl", progress=heard("keywords")
    )
    pd.testing.assert_frame_equal(by_value, by_keywords, check_exact=True)
    assert seen["value"] == seen["keywords"]
    assert seen["value"][-1] == (6, 6)
    journals = [(tmp_path / name).read_text().splitlines()[1:] for name in ("a.jsonl", "b.jsonl")]
    assert journals[0] == journals[1]
    assert len(journals[0]) == 6 + 1  # a line per replication, then {"complete": true}


def test_keywords_override_the_fields_of_an_execution() -> None:
    base = Execution(jobs=4, resume=True)
    assert Execution.of(base, jobs=1) == Execution(jobs=1, resume=True)
    assert Execution.of(None) == Execution()
    assert Execution.of(base) == base
    with pytest.raises(dataclasses.FrozenInstanceError):
        base.jobs = 2  # type: ignore[misc]


@pytest.mark.parametrize("experiment", ["compare", "sweep", "staff"])
def test_every_experiment_takes_its_execution(one_pool: simcc.Scenario, experiment: str) -> None:
    """``resume`` without a journal is refused before any work: the value reached the engine."""
    execution = Execution(jobs=1, resume=True)
    run: dict[str, Callable[[], object]] = {
        "compare": lambda: compare([one_pool, one_pool], 2, execution=execution),
        "sweep": lambda: sweep(one_pool, {"pools.desk.agents": [5]}, 2, execution=execution),
        "staff": lambda: simcc.staff(one_pool, ["service_level>=0.5"], execution=execution),
    }
    with pytest.raises(ExperimentError, match="--resume needs --out"):
        run[experiment]()
