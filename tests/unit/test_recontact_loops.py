"""The load check refuses a re-contact loop that would hold the clock at one instant.

Probability 1 of calling again after abandoning, a delay of 0 and an
abandonment that takes no time (patience 0, or a busy signal from a full
queue) make the same case call again and again at the same moment: the day
never ends.  ``check`` refuses it naming the path; a delay, a probability
below 1 or a patience lets the run go on.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from simcc.checks import check, recontact_loops
from simcc.cli import app
from simcc.scenario import ScenarioError, scenario_from_dict


def centre(
    patience: Any = 0,
    agents: int = 0,
    probability: dict[str, float] | None = None,
    delay: Any = 0,
    **pool: Any,
) -> dict[str, Any]:
    return {
        "horizon": "1h",
        "call_types": {"billing": {"arrivals": {"rate": "60/h"}, "path": ["front"]}},
        "customers": {
            "patience": patience,
            "recontact": {"probability": probability or {"abandoned": 1}, "delay": delay},
        },
        "pools": {"front": {"agents": agents, "handle_time": "4m", **pool}},
    }


def refusal(data: dict[str, Any], **options: Any) -> str:
    with pytest.raises(ScenarioError) as caught:
        check(scenario_from_dict(data), **options)
    return str(caught.value)


def test_the_issue_reproducer_is_refused_naming_the_path() -> None:
    message = refusal(centre())
    assert message.startswith("<scenario>: customers.recontact: ")
    assert "probability.abandoned 1" in message
    assert "patience of 0s" in message
    assert "the day never ends" in message


def test_patience_0_with_agents_is_refused_too() -> None:
    """A contact that finds every agent busy abandons at once; the agents never free up."""
    assert "patience of 0s" in refusal(centre(agents=5))


@pytest.mark.parametrize("key", ["abandoned", "abandoned_queue"])
def test_either_key_for_abandoning_the_queue_is_named(key: str) -> None:
    assert f"probability.{key} 1" in refusal(centre(probability={key: 1}))


def test_a_near_zero_delay_counts_as_zero() -> None:
    assert "the day never ends" in refusal(centre(delay="0.001s"))


def test_a_probability_so_near_1_that_a_case_would_call_a_million_times_counts_as_1() -> None:
    assert "probability.abandoned 0.9999999" in refusal(
        centre(probability={"abandoned": 0.9999999})
    )


@pytest.mark.parametrize(
    "change",
    [
        {"delay": "1m"},
        {"probability": {"abandoned": 0.99}},
        {"probability": {"abandoned_hold": 1}},
        {"patience": "30s"},
    ],
)
def test_a_delay_a_probability_below_1_or_a_patience_lets_it_run(change: dict[str, Any]) -> None:
    scenario = scenario_from_dict(centre(**change))
    assert recontact_loops(scenario) == []
    check(scenario)


def test_one_segment_with_patience_0_is_enough() -> None:
    data = centre(patience="5m", agents=3)
    data["segments"] = {"standard": {"share": 0.9}, "vip": {"share": 0.1, "patience": 0}}
    assert "in segment 'vip' have a patience of 0s" in refusal(data)


def test_a_busy_signal_from_a_full_queue_is_refused() -> None:
    message = refusal(centre(patience="inf", agents=3, queue_capacity=5))
    assert "finds the queue of 'front' full (pools.front.queue_capacity 5)" in message


def test_the_queue_cap_the_check_sets_is_named_and_no_cap_queues_runs() -> None:
    data = centre(patience="inf", agents=1)  # 4 Erlangs on one agent, nobody hangs up
    message = refusal(data)
    assert "the queue cap simcc run sets" in message
    assert "--no-cap-queues" in message
    checked = check(scenario_from_dict(data), cap_queues=False)
    assert any("queue would grow" in w for w in checked.warnings)


def test_a_zero_handle_time_with_certain_recontact_after_unresolved_is_warned_about() -> None:
    data = centre(patience="5m", agents=3, probability={"unresolved": 1}, resolve=0)
    data["pools"]["front"]["handle_time"] = 0
    warnings = check(scenario_from_dict(data)).warnings
    assert any("after unresolved" in w and "calls again at the same moment" in w for w in warnings)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("command", ["run", "validate"])
def test_simcc_refuses_the_loop_with_exit_code_2_instead_of_hanging(
    command: str, tmp_path: Path
) -> None:
    path = tmp_path / "loop.yaml"
    path.write_text(
        "horizon: 1h\n"
        "call_types: {billing: {arrivals: {rate: 60/h}, path: [front]}}\n"
        "customers: {patience: 0, recontact: {probability: {abandoned: 1}, delay: 0}}\n"
        "pools: {front: {agents: 0, handle_time: 4m}}\n"
    )
    result = CliRunner().invoke(app, [command, str(path)])
    assert result.exit_code == 2, result.output
    assert f"{path}: customers.recontact:" in result.output


def test_validate_says_no_ok_for_a_refused_loop_and_goes_on_to_the_next_file(
    tmp_path: Path,
) -> None:
    loop = tmp_path / "loop.yaml"
    loop.write_text(
        "horizon: 1h\n"
        "call_types: {billing: {arrivals: {rate: 60/h}, path: [front]}}\n"
        "customers: {patience: 0, recontact: {probability: {abandoned: 1}, delay: 0}}\n"
        "pools: {front: {agents: 0, handle_time: 4m}}\n"
    )
    fine = tmp_path / "fine.yaml"
    fine.write_text(
        "horizon: 1h\n"
        "call_types: {billing: {arrivals: {rate: 60/h}, path: [front]}}\n"
        "pools: {front: {agents: 2, handle_time: 1m}}\n"
    )
    result = CliRunner().invoke(app, ["validate", str(loop), str(fine)])
    assert result.exit_code == 2, result.output
    assert f"ok: {loop}" not in result.output
    assert f"ok: {fine}" in result.output


@pytest.mark.timeout(60)  # without the guard this run never ends
def test_the_engine_stops_a_run_whose_clock_no_longer_moves(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What the load check lets through (here: skipped) the engine stops, not loops on."""
    from simcc.model import running
    from simcc.model.running import NoProgress
    from simcc.runner import simulate

    monkeypatch.setattr(running, "MAX_RECONTACTS_AT_ONE_INSTANT", 1000)
    with pytest.raises(NoProgress, match="makes no progress: 1,000 re-contacts at t = "):
        simulate(scenario_from_dict(centre()), seed=1)


def test_a_run_with_recontacts_spread_over_time_is_not_stopped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from simcc.model import running
    from simcc.runner import simulate

    monkeypatch.setattr(running, "MAX_RECONTACTS_AT_ONE_INSTANT", 3)
    result = simulate(scenario_from_dict(centre(delay="1m")), seed=1)
    assert result.metrics()["recontact_rate"] > 0.5  # many re-contacts, never 3 at one instant


def test_a_run_that_makes_no_progress_is_one_message_and_exit_code_2() -> None:
    import typer

    from simcc.cli.common import user_errors
    from simcc.model.running import NoProgress

    with pytest.raises(typer.Exit) as stopped, user_errors():
        raise NoProgress("the simulation makes no progress: …")
    assert stopped.value.exit_code == 2
