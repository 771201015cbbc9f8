"""``simcc staff``: staffing.json and bad targets."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from simcc.cli import app
from simcc.cli.staff import unheld_lines
from simcc.experiments import Target
from simcc.experiments.staffing import StaffingResult
from simcc.scenario.group_staffing import apportion

TWO_TIERS = """\
name: two tiers
horizon: 3h
warmup: 20m
seed: 8
replications: 3
call_types:
  billing: {arrivals: {rate: 60/h}, path: [front, desk]}
customers:
  patience: {dist: exponential, mean: 3m}
pools:
  front: {agents: 5, handle_time: {dist: exponential, mean: 4m}, resolve: 0.7}
  desk: {tier: 2, agents: 2, handle_time: {dist: exponential, mean: 6m}}
"""

runner = CliRunner()


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    path = tmp_path / "two-tiers.yaml"
    path.write_text(TWO_TIERS)
    return path


def test_staff_writes_agents_per_policy_and_pool(scenario: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            "staff",
            str(scenario),
            "--target",
            "abandonment_rate<=0.1",
            "--pool",
            "front",
            "--pool",
            "desk",
            "--policy",
            "warm",
            "--policy",
            "cold",
            "-j",
            "1",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    staffing = json.loads((out / "staffing.json").read_text())
    assert set(staffing) == {"warm", "cold"}
    assert set(staffing["warm"]) == {"front", "desk"}
    tried = pd.read_csv(out / "evaluations.csv").set_index(["policy", "front", "desk"])
    for policy, found in staffing.items():
        front, desk = found["front"], found["desk"]
        assert tried.loc[(policy, front, desk), "met"]
        assert not tried.loc[(policy, front - 1, desk), "met"]
        assert desk == 1 or not tried.loc[(policy, front, desk - 1), "met"]
    assert "abandonment_rate ≤ 10.0%" in result.stdout


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--target", "service_levle>=0.8"], "did you mean 'service_level'"),
        (["--target", "service_level>=1.5"], "fraction"),
        (["--target", "asa<=soon"], "not a number"),
        (["--target", "service_level>=0.8", "--pool", "tier2"], "--pool tier2: unknown pool"),
        (["--target", "service_level>=0.8", "--policy", "blind"], "--policy blind"),
    ],
)
def test_bad_staff_input_exits_2(
    scenario: Path, tmp_path: Path, args: list[str], says: str
) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["staff", str(scenario), *args, "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert says in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()  # refused before any work


def test_unreachable_target_is_a_clear_error(scenario: Path) -> None:
    result = runner.invoke(
        app,
        [
            "staff",
            str(scenario),
            "--target",
            "escalation_rate<=0.1",
            "--max-agents",
            "12",
            "-j",
            "1",
        ],
    )
    assert result.exit_code == 2, result.output
    assert "no staffing up to 12 agents per pool meets every target" in result.stderr
    assert "every pool escalation_rate depends on is searched" in result.stderr
    assert "staffing alone does not reach this target" in result.stderr


@pytest.mark.parametrize(
    ("target", "searched", "says"),
    [
        (
            "abandonment_rate<=0.01",
            "front",
            [
                "abandonment_rate counts every contact lost: ",
                "in a queue after a transfer",
                "depends on every pool of the escalation paths (front, desk), and the search "
                "may not change desk (desk ",
                "add them with --pool",
            ],
        ),
        (
            "service_level>=0.95",
            "desk",
            [
                "service_level is measured in the entry queue, at front, and the search may not "
                "change front (front "
            ],
        ),
    ],
)
def test_an_unreachable_target_names_the_pools_that_limit_it(
    scenario: Path, target: str, searched: str, says: list[str]
) -> None:
    args = ["staff", str(scenario), "--target", target, "--pool", searched]
    result = runner.invoke(app, [*args, "--max-agents", "6", "-j", "1"])
    assert result.exit_code == 2, result.output
    message = " ".join(result.stderr.split())
    for fragment in says:
        assert fragment in message


def test_a_bound_written_in_words_needs_no_quoting(scenario: Path) -> None:
    args = ["staff", str(scenario), "--target", "service_level:ge:0.6", "--pool", "front"]
    result = runner.invoke(app, [*args, "-j", "1", "--max-agents", "30"])
    assert result.exit_code == 0, result.output
    assert "service_level ≥ 60.0%" in result.stdout


def test_what_a_shell_leaves_of_an_unquoted_bound_is_explained(scenario: Path) -> None:
    result = runner.invoke(app, ["staff", str(scenario), "--target", "service_level"])
    assert result.exit_code == 2
    assert "unquoted, >= and <= are shell redirections" in result.stderr
    assert "service_level:ge:0.8" in result.stderr


GROUPED = """\
name: grouped
horizon: 2h
seed: 1
replications: 3
call_types:
  a: {arrivals: {rate: 60/h}, path: [front]}
customers:
  patience: {dist: exponential, mean: 3m}
pools:
  front:
    handle_time: {dist: exponential, mean: 5m}
    groups:
      novice: {agents: 5, handle_factor: 1.2}
      senior: {agents: 4, handle_factor: 0.8}
"""


def test_staff_searches_a_grouped_pool_in_its_groups_mix(tmp_path: Path) -> None:
    path = tmp_path / "grouped.yaml"
    path.write_text(GROUPED)
    args = ["staff", str(path), "-t", "service_level>=0.5", "-j", "1", "--by-mean"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if "agents by group" in x)
    found = int(line.split("'s ")[1].split()[0])
    novice, senior = (int(part.split()[-1]) for part in line.split(": ")[-1].split(", "))
    assert [novice, senior] == apportion(found, [5, 4])  # the file's mix


def test_a_pool_no_target_holds_up_is_named_with_a_target_that_would() -> None:
    result = StaffingResult(
        agents={"warm": {"front": 48, "desk": 1}},
        estimates={"warm": {"front": 36, "desk": 11}},
        targets=[Target("service_level", ">=", 0.8)],
    )
    (line,) = unheld_lines(result)
    assert line.startswith("warm: desk ends at 1 agent, the least the search gives")
    assert "occupancy_desk:le:0.85" in line


HOLD_LOSS = (Path(__file__).resolve().parents[1] / "hold-loss.yaml").read_text()


def test_a_policy_that_cannot_be_staffed_is_reported_beside_those_that_can(
    tmp_path: Path,
) -> None:
    """Warm consults of 3 m against 1 m of patience lose customers on hold whatever the
    agents; cold transfers lose none there: cold is staffed, warm reported, exit 0."""
    path = tmp_path / "hold.yaml"
    path.write_text(HOLD_LOSS)
    out = tmp_path / "out"
    args = ["staff", str(path), "-t", "abandonment_rate:le:0.1", "-j", "1", "--max-agents", "30"]
    both = runner.invoke(app, [*args, "-p", "warm", "-p", "cold", "--out", str(out)])
    assert both.exit_code == 0, both.output
    assert "not staffed: policy warm: no staffing up to 30 agents" in both.output
    assert set(json.loads((out / "staffing.json").read_text())) == {"cold"}
    assert "warm: no staffing" in json.loads((out / "unstaffed.json").read_text())["warm"]
    assert set(pd.read_csv(out / "evaluations.csv")["policy"]) == {"warm", "cold"}
    alone = runner.invoke(app, [*args, "-p", "warm"])  # nothing staffed: a usage error
    assert alone.exit_code == 2, alone.output
    assert "policy warm: no staffing up to 30 agents" in alone.output


def test_staff_costs_the_agents_found_over_the_day(scenario: Path, tmp_path: Path) -> None:
    """cost.csv and the bottom line: agents × the 3 h horizon × each pool's cost_per_hour,
    in the file's currency."""
    text = scenario.read_text().replace("resolve: 0.7}", "resolve: 0.7, cost_per_hour: 30}")
    text = text.replace("mean: 6m}}", "mean: 6m}, cost_per_hour: 45}")
    priced = tmp_path / "priced.yaml"
    priced.write_text(text + "currency: EUR\n")
    out = tmp_path / "out"
    args = ["staff", str(priced), "-t", "service_level>=0.8", "-j", "1", "--out", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    agents = json.loads((out / "staffing.json").read_text())["cold"]
    cost = pd.read_csv(out / "cost.csv").set_index("pool")
    assert dict(cost["agent_hours"]) == {p: n * 3.0 for p, n in agents.items()}
    total = agents["front"] * 3 * 30 + agents["desk"] * 3 * 45
    assert cost["cost"].sum() == total and set(cost["currency"]) == {"EUR"}
    assert f"= {total:,.2f} EUR for the day" in " ".join(result.output.split())
