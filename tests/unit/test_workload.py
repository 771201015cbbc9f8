"""The work each call type brings to each pool (simcc.scenario.workload): paths, needs,
front doors and agent groups, from mean rates and mean times."""

from __future__ import annotations

import pytest

from simcc.analysis.intervals import Grid
from simcc.checks import check, offered_loads
from simcc.experiments.interval_staffing import pool_loads
from simcc.experiments.staffing import offered_load
from simcc.scenario import scenario_from_dict
from simcc.scenario.workload import paths


def centre(front: dict[str, object] | None = None, **call_type: object):  # type: ignore[no-untyped-def]
    pool: dict[str, object] = {"agents": 8, "handle_time": "6m", "resolve": 0.5}
    pool.update(front or {})
    return scenario_from_dict(
        {
            "horizon": "8h",
            "call_types": {
                "billing": {"arrivals": {"rate": "60/h"}, "path": ["front", "desk"], **call_type}
            },
            "pools": {"front": pool, "desk": {"tier": 2, "agents": 4, "handle_time": "10m"}},
        }
    )


NOVICES_AND_SENIORS = {
    "groups": {
        "novices": {"agents": 4, "handle_factor": 2.0, "resolve_factor": 2.0},
        "seniors": {"agents": 4},
    }
}


def test_slow_groups_scale_the_handle_time_as_all_busy_agents_serve() -> None:
    """4 agents at factor 2 serve as 2 at factor 1: 8 agents do the work of 6, so each
    contact costs 8/6 of the handle time; novices take 2 of every 6 contacts."""
    (path,) = paths(centre(NOVICES_AND_SENIORS))["billing"]
    front, desk = path.stages
    assert front.busy == pytest.approx(360 * 8 / 6)
    # resolve 0.5: seniors 0.5, novices min(1, 0.5 × 2) = 1; served 4/6 and 2/6
    assert front.escalated == pytest.approx(1 - (4 * 0.5 + 2 * 1.0) / 6)
    assert desk.busy == pytest.approx(600)


def test_a_pool_without_groups_keeps_its_handle_time_and_resolution_exactly() -> None:
    (path,) = paths(centre())["billing"]
    assert path.stages[0].busy == 360.0
    assert path.stages[0].escalated == 0.5


def test_the_load_check_warns_of_a_pool_that_only_its_slow_groups_overload() -> None:
    busy = {"groups": {"novices": {"agents": 6, "handle_factor": 1.5}, "seniors": {"agents": 2}}}
    plain = centre({"agents": 8}, arrivals={"rate": "70/h"})
    slow = centre(busy, arrivals={"rate": "70/h"})
    assert offered_loads(plain)["front"].offered == pytest.approx(7.0)  # 70/h × 6m < 8 agents
    # 8 agents serve as 6 / 1.5 + 2 = 6 at factor 1: 70/h × 6m × 8/6 = 9.33 Erlangs
    assert offered_loads(slow)["front"].offered == pytest.approx(7.0 * 8 / 6)
    assert not [w for w in check(plain).warnings if "pool 'front'" in w]
    assert [w for w in check(slow).warnings if "pool 'front'" in w]


def test_each_need_follows_its_own_path_and_resolution_for_its_share() -> None:
    needs = {
        "routine": {"share": 0.7},
        "expert": {"share": 0.2, "resolve": {"front": 0}},
        "direct": {"share": 0.1, "path": ["desk"]},
    }
    scenario = centre(needs=needs)
    routine, expert, direct = paths(scenario)["billing"]
    assert (routine.share, expert.share, direct.share) == (0.7, 0.2, 0.1)
    assert expert.stages[0].escalated == 1.0
    assert [stage.pool for stage in direct.stages] == ["desk"]
    rate, _ = offered_load(scenario)["desk"]
    assert rate * 3600 == pytest.approx(60 * (0.7 * 0.5 + 0.2 * 1.0 + 0.1))


def test_the_staffing_estimates_count_only_what_the_front_door_does_not_settle() -> None:
    door = {"time": "1m", "containment": 0.25, "context": "kept"}
    scenario = centre(front_door=door)
    rate, busy = offered_load(scenario)["front"]
    assert rate * 3600 == pytest.approx(45.0)
    assert busy == pytest.approx(360.0)
    per_interval = pool_loads(scenario, Grid.of(scenario, 3600.0), lag=False)["front"]
    assert per_interval == pytest.approx([45 * 360 / 3600] * 8)


def test_after_a_front_door_that_lost_the_context_the_first_agent_hears_the_story_again() -> None:
    door = {"time": "1m", "containment": 0.0, "context": "lost"}
    scenario = centre(front_door=door).with_changes({"transfer.cold.rediscovery_time": "2m"})
    front, desk = paths(scenario)["billing"][0].stages
    assert front.busy == pytest.approx(360 + 120)
    assert desk.busy == pytest.approx(600 + 120)  # the desk's own rediscovery, as before


def test_the_policys_briefing_acts_on_the_receiving_agent_only() -> None:
    briefing = {"cold": {"handle_factor": 0.5, "resolve_factor": 2.0}}
    scenario = scenario_from_dict(
        {
            "horizon": "8h",
            "call_types": {"billing": {"arrivals": {"rate": "60/h"}, "path": ["a", "b", "c"]}},
            "pools": {
                "a": {"agents": 8, "handle_time": "6m", "resolve": 0.5},
                "b": {"tier": 2, "agents": 4, "handle_time": "10m", "resolve": 0.4},
                "c": {"tier": 3, "agents": 4, "handle_time": "10m"},
            },
            "transfer": {"policy": "cold", "context": briefing},
        }
    )
    a, b, c = paths(scenario)["billing"][0].stages
    assert c.busy == pytest.approx(300.0)  # c is reached by a transfer too
    assert (a.busy, a.escalated) == (360.0, 0.5)
    assert b.busy == pytest.approx(300.0)
    assert b.escalated == pytest.approx(1 - 0.8)


def test_the_staffing_estimate_holds_the_warm_consult_on_both_sides() -> None:
    scenario = centre().with_changes(
        {"transfer": {"policy": "warm", "warm": {"consult_time": "1m", "conference_time": "2m"}}}
    )
    loads = offered_load(scenario)
    # front: 6m, plus 3m for the half it escalates; desk: 10m plus the 3m it shares
    assert loads["front"][1] == pytest.approx(360 + 0.5 * 180)
    assert loads["desk"][1] == pytest.approx(600 + 180)
