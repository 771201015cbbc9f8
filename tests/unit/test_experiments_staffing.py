"""The staffing search: targets, the Erlang starting point, and agreement with Erlang C."""

from __future__ import annotations

import pytest

import simcc
from simcc.analysis.stats import Estimate
from simcc.analysis.theory import erlang_c
from simcc.experiments import ExperimentError, Target, parse_target, staff
from simcc.experiments.staffing import StaffingResult, _Search, erlang_estimate, offered_load

RATE, AHT, THRESHOLD = 120 / 3600, 120.0, 20.0  # 4 Erlangs of work, 20 s answer threshold
TARGET = 0.84

ERLANG_C = f"""
name: Erlang C staffing
horizon: 8h
warmup: 1h
replications: 10
call_types:
  general: {{arrivals: {{rate: 120/h}}, path: [desk]}}
pools:
  desk: {{agents: 5, handle_time: {{dist: exponential, mean: {AHT:g}}}}}
sla:
  answer: {{threshold: {THRESHOLD:g}, target: {TARGET}}}
"""


def erlang_c_staffing(target: float) -> int:
    """The smallest n whose exact Erlang C service level reaches ``target``."""
    n = int(RATE * AHT) + 1
    while erlang_c(RATE, 1 / AHT, n, THRESHOLD).service_level < target:
        n += 1
    return n


@pytest.mark.parametrize("start", [None, 3, 12], ids=["erlang", "from-below", "from-above"])
def test_search_agrees_with_erlang_c(seed: int, start: int | None) -> None:
    """Single pool, no transfers, customers who never hang up: the answer is Erlang C's."""
    expected = erlang_c_staffing(TARGET)
    below = erlang_c(RATE, 1 / AHT, expected - 1, THRESHOLD).service_level
    at = erlang_c(RATE, 1 / AHT, expected, THRESHOLD).service_level
    assert below < TARGET - 0.04 and at > TARGET + 0.07  # not a borderline case

    scenario = simcc.loads_scenario(ERLANG_C)
    result = staff(
        scenario,
        [f"service_level>={TARGET}"],
        replications=10,
        seed=seed,
        jobs=1,
        start=None if start is None else {"desk": start},
    )
    assert result.to_json() == {"cold": {"desk": expected}}
    assert result.estimates["cold"]["desk"] == expected  # Erlang C is where it starts
    tried = {e.staffing["desk"]: e for e in result.tried}
    # The simulation agrees with the exact values at n−1 and n (within twice the CI
    # half-width, so that two checks together rarely fail by chance), either side of target.
    for n, exact in ((expected - 1, below), (expected, at)):
        e = tried[n].estimates["service_level"]
        assert abs(e.mean - exact) < 2 * e.half_width, (n, e, exact)
    assert tried[expected].met and not tried[expected - 1].met


def test_a_target_is_met_by_its_ci_bound_or_by_the_mean() -> None:
    e = Estimate(mean=0.82, std=0.03, ci_low=0.79, ci_high=0.85, n=10)
    at_least = Target("service_level", ">=", 0.8)
    at_most = Target("abandonment_rate", "<=", 0.84)
    assert not at_least.met(e) and at_least.met(e, conservative=False)
    assert not at_most.met(e) and at_most.met(e, conservative=False)
    nan = Estimate(float("nan"), float("nan"), float("nan"), float("nan"), 0)
    assert not at_least.met(nan, conservative=False)


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("service_level>=0.8", Target("service_level", ">=", 0.8)),
        ("service_level >= 80%", Target("service_level", ">=", 0.8)),
        ("abandonment_rate<=0.05", Target("abandonment_rate", "<=", 0.05)),
        ("asa<=30s", Target("asa", "<=", 30.0)),
        ("asa=<1m", Target("asa", "<=", 60.0)),
        ("service_level:ge:0.8", Target("service_level", ">=", 0.8)),
        ("abandonment_rate:le:5%", Target("abandonment_rate", "<=", 0.05)),
        ("asa:le:30s", Target("asa", "<=", 30.0)),
        ("occupancy_desk<=0.9", Target("occupancy_desk", "<=", 0.9)),
    ],
)
def test_targets_are_parsed(text: str, target: Target) -> None:
    assert parse_target(text, simcc.analysis.metrics.metric_names(["desk"])) == target


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("servce_level>=0.8", "unknown metric 'servce_level'; did you mean 'service_level'"),
        ("service_level>=80", r"fraction; give a value in \[0, 1\]"),
        ("service_level=0.8", "use >= or <="),
        ("service_level>=high", "not a number"),
        ("service level at least 0.8", "expected METRIC:ge:VALUE or METRIC:le:VALUE"),
        ("service_level:gte:0.8", "unknown bound ':gte:'; use :ge: .* or :le:"),
        ("service_level", "unquoted, >= and <= are shell redirections"),
        (
            "service_level[channel=chat]:ge:0.8",
            r"a metric of one group cannot be a staffing target .*: --target service_level:ge:0.8",
        ),
    ],
)
def test_bad_targets_are_refused(text: str, says: str) -> None:
    with pytest.raises(ExperimentError, match=says):
        parse_target(text, simcc.analysis.metrics.metric_names(["desk"]))


def test_bad_pools_and_policies_are_refused() -> None:
    scenario = simcc.loads_scenario(ERLANG_C)
    with pytest.raises(ExperimentError, match="--pool dsk: unknown pool; did you mean 'desk'"):
        staff(scenario, ["service_level>=0.8"], pools=["dsk"])
    with pytest.raises(ExperimentError, match="--policy wram"):
        staff(scenario, ["service_level>=0.8"], policies=["wram"])
    with pytest.raises(ExperimentError, match="at least one --target"):
        staff(scenario, [])


TWO_TIERS = """
horizon: 4h
call_types:
  billing: {arrivals: {rate: 60/h}, path: [front, desk]}
  tech: {arrivals: {rate: 30/h}, path: [front, desk]}
pools:
  front:
    agents: 5
    handle_time: {billing: 4m, tech: 6m}
    wrap_up: 1m
    resolve: {billing: 0.75, tech: 0.5}
  desk: {agents: 3, handle_time: 10m, resolve: 1.0}
"""


def test_downstream_pools_get_the_unresolved_flow() -> None:
    scenario = simcc.loads_scenario(TWO_TIERS)
    loads = offered_load(scenario)
    front_rate, front_busy = loads["front"]
    assert front_rate * 3600 == pytest.approx(90)
    assert front_rate * front_busy == pytest.approx((60 * 300 + 30 * 420) / 3600)
    desk_rate, desk_busy = loads["desk"]
    assert desk_rate * 3600 == pytest.approx(60 * 0.25 + 30 * 0.5)
    assert desk_busy == pytest.approx(600)
    estimate = erlang_estimate(scenario, ["front", "desk"], [Target("service_level", ">=", 0.8)])
    assert estimate["front"] > front_rate * front_busy
    assert estimate["desk"] > desk_rate * desk_busy


def test_search_over_two_pools_meets_every_target_and_is_minimal() -> None:
    """Removing one agent from either pool breaks a target (what coordinate descent gives)."""
    scenario = simcc.loads_scenario(TWO_TIERS).with_changes(
        {"customers.patience": {"dist": "exponential", "mean": "3m"}}
    )
    targets = ["abandonment_rate<=0.08", "service_level>=0.6"]
    result = staff(scenario, targets, replications=4, seed=1, jobs=1)
    found = result.agents["cold"]
    tried = {tuple(e.staffing.values()): e for e in result.tried}
    assert tried[(found["front"], found["desk"])].met
    assert not tried[(found["front"] - 1, found["desk"])].met
    assert not tried[(found["front"], found["desk"] - 1)].met
    assert list(result.table.columns) == ["policy", "pool", "erlang", "agents"]
    assert {"policy", "front", "desk", "met"} <= set(result.evaluations.columns)


class _Region(_Search):
    """The search over a known feasible region instead of simulations: met iff
    3 × front + desk ≥ 30 and desk ≥ 1 (a front agent does what three desk agents do)."""

    def __init__(self) -> None:
        super().__init__(None, None, "cold", [], 1, 1, True, 1000)  # type: ignore[arg-type]

    def ok(self, staffing: dict[str, int]) -> bool:
        return 3 * staffing["front"] + staffing["desk"] >= 30 and staffing["desk"] >= 1


def test_lowering_pool_by_pool_alone_stops_at_a_corner() -> None:
    assert _Region()._descend({"front": 20, "desk": 20}) == {"front": 4, "desk": 18}


def test_trading_agents_between_pools_reaches_the_fewest_in_all() -> None:
    """From the corner, one front agent more lets the desk lose three; trades repeat
    until none saves an agent: 10 + 1, the fewest agents meeting the target."""
    assert _Region().run({"front": 20, "desk": 20}) == {"front": 10, "desk": 1}


def test_a_pool_ending_at_one_agent_against_its_estimate_is_held_by_no_target() -> None:
    result = StaffingResult(
        agents={"warm": {"front": 48, "desk": 1, "supervisor": 1}},
        estimates={"warm": {"front": 36, "desk": 11, "supervisor": 1}},
        targets=[Target("service_level", ">=", 0.8)],
    )
    assert result.held_by_no_target() == [("warm", "desk")]
