"""Pre-run checks: offered load per pool, runaway queues capped, unstaffed pools."""

from __future__ import annotations

import pytest

from simcc.checks import check, offered_loads, policy_warnings, queue_cap
from simcc.scenario import scenario_from_dict


def centre(rate: str = "60/h", front: int = 5, desk: int = 3, **extra: object):  # type: ignore[no-untyped-def]
    data: dict[str, object] = {
        "horizon": "8h",
        "call_types": {"billing": {"arrivals": {"rate": rate}, "path": ["front", "desk"]}},
        "pools": {
            "front": {"agents": front, "handle_time": "4m", "wrap_up": "1m", "resolve": 0.75},
            "desk": {"tier": 2, "agents": desk, "handle_time": "10m"},
        },
    }
    data.update(extra)
    return scenario_from_dict(data)


def test_offered_load_follows_the_escalation_path() -> None:
    loads = offered_loads(centre(rate="60/h"))
    # front: 60/h × (4m + 1m) = 5 Erlangs; a quarter escalates: 15/h × 10m = 2.5 Erlangs
    assert loads["front"].offered == pytest.approx(5.0)
    assert loads["desk"].offered == pytest.approx(2.5)
    assert loads["desk"].arrivals * 3600 == pytest.approx(15.0)
    assert loads["desk"].call_types == ("billing",)


def test_warm_transfer_adds_consult_and_conference_to_both_sides() -> None:
    transfer = {"policy": "warm", "warm": {"consult_time": "1m", "conference_time": "1m"}}
    loads = offered_loads(centre(rate="60/h", transfer=transfer))
    assert loads["front"].offered == pytest.approx(5.0 + 0.25 * 2)  # 15/h × 2m
    assert loads["desk"].offered == pytest.approx(2.5 + 0.5)


def test_self_service_sends_nothing_downstream() -> None:
    loads = offered_loads(centre(transfer={"policy": "self_service"}))
    assert loads["desk"].offered == 0
    assert check(centre(desk=0, transfer={"policy": "self_service"})).warnings == []


def test_a_stable_centre_passes_quietly() -> None:
    checked = check(centre())
    assert checked.warnings == []
    assert checked.capped == {}


def test_overload_with_infinite_patience_caps_the_queue() -> None:
    checked = check(centre(rate="600/h"))
    assert checked.capped == {"front": queue_cap(5), "desk": queue_cap(3)}
    assert checked.scenario.pools["front"].queue_capacity == 150
    (front, desk) = checked.warnings
    assert "pool 'front' is offered about 50.0 Erlangs" in front
    assert "at most 5 agents" in front
    assert "caps its queue at 150 waiting contacts" in front
    assert "queue_capacity" in desk


def test_overload_without_capping_only_warns() -> None:
    checked = check(centre(rate="600/h"), cap_queues=False)
    assert checked.capped == {}
    assert checked.scenario.pools["front"].queue_capacity is None
    assert "give customers a patience, add agents or set queue_capacity" in checked.warnings[0]


def test_overload_with_patience_warns_of_abandonment_and_does_not_cap() -> None:
    customers = {"patience": {"dist": "exponential", "mean": "3m"}}
    checked = check(centre(rate="600/h", customers=customers))
    assert checked.capped == {}
    assert "at least 90% of that work cannot be done: expect abandonment" in checked.warnings[0]


def test_one_patient_segment_is_enough_to_cap() -> None:
    customers = {"patience": {"dist": "exponential", "mean": "3m"}}
    segments = {"standard": {"share": 0.9}, "loyal": {"share": 0.1, "patience": "inf"}}
    checked = check(centre(rate="600/h", customers=customers, segments=segments))
    assert "front" in checked.capped


def test_a_queue_capacity_given_is_kept() -> None:
    scenario = centre(rate="600/h").with_changes({"pools.front.queue_capacity": 20})
    checked = check(scenario)
    assert "front" not in checked.capped
    assert "it is capped at 20" in checked.warnings[0]


def test_unstaffed_pool_that_receives_contacts() -> None:
    checked = check(centre(desk=0))
    (warning,) = checked.warnings
    assert "pool 'desk' has no agents in any interval, but call type(s) billing reach it" in warning
    assert "caps its queue at 100" in warning
    assert checked.capped == {"desk": queue_cap(0)}


def test_callbacks_never_give_up_and_cannot_be_capped() -> None:
    checked = check(centre(rate="600/h", desk=1, transfer={"policy": "callback"}))
    assert "desk" not in checked.capped
    assert any(
        "pool 'desk'" in w and "tickets in its queue never give up" in w for w in checked.warnings
    )


def test_a_huge_run_is_flagged() -> None:
    checked = check(centre(rate="10000/h", front=5000, desk=5000, horizon="1500h"))
    assert any("contacts per replication" in w and "--max-contacts" in w for w in checked.warnings)


def test_a_slight_overload_with_patience_is_not_flagged() -> None:
    """Erlang A at 107 % load is a normal, stable centre: abandonment balances it."""
    customers = {"patience": {"dist": "exponential", "mean": "3m"}}
    assert check(centre(rate="64/h", front=5, customers=customers)).warnings == []


def test_a_call_types_own_patience_counts_like_the_engine_uses_it() -> None:
    # customers never hang up, but billing callers do (call_types.billing.patience)
    scenario = scenario_from_dict(
        {
            "horizon": "8h",
            "call_types": {
                "billing": {
                    "arrivals": {"rate": "600/h"},
                    "path": ["front", "desk"],
                    "patience": "3m",
                }
            },
            "pools": {
                "front": {"agents": 5, "handle_time": "4m", "wrap_up": "1m", "resolve": 0.75},
                "desk": {"tier": 2, "agents": 3, "handle_time": "10m"},
            },
        }
    )
    checked = check(scenario)
    assert checked.capped == {}  # nobody waits forever: a warning, no cap
    assert any("expect abandonment" in w for w in checked.warnings)


@pytest.mark.parametrize(
    ("transfer", "defaulted"),
    [
        ({"policy": "warm", "warm": {"consult_time": "1m"}}, []),
        ({"policy": "warm", "warm": {"max_consult_wait": "1m"}}, ["cold"]),  # its fallback
        (
            {"policy": "warm", "warm": {"max_consult_wait": "1m", "fallback": "callback"}},
            ["callback"],
        ),
        (
            {
                "policy": "rules",
                "rules": [{"when": {"segment": "standard"}, "policy": "email"}, {"policy": "cold"}],
                "cold": {"transfer_time": "10s"},
            },
            ["email"],
        ),
        ({}, ["cold"]),  # no transfer block: cold, every step 0 s
    ],
)
def test_a_policy_in_use_without_its_block_is_said_to_run_on_defaults(
    transfer: dict[str, object], defaulted: list[str]
) -> None:
    scenario = centre(transfer=transfer) if transfer else centre()
    assert scenario.transfer.defaulted() == defaulted
    warnings = policy_warnings(scenario)
    assert [w.split(" has no ")[0] for w in warnings] == [f"policy {p}" for p in defaulted]


def test_offered_load_follows_each_needs_path_for_its_share() -> None:
    s = centre(rate="60/h")
    needs = {
        "routine": {"share": 0.5},  # the call type's path: a quarter goes on to the desk
        "authority": {"share": 0.5, "path": ["front", "boss"], "resolve": {"front": 0.0}},
    }
    s = s.with_changes(
        {
            "call_types.billing.needs": needs,
            "pools.boss": {"tier": 3, "agents": 1, "handle_time": "6m"},
        }
    )
    loads = offered_loads(s)
    assert loads["front"].offered == pytest.approx(5.0)  # every contact starts at the front
    assert loads["desk"].offered == pytest.approx(30 * 0.25 / 60 * 10)  # 7.5/h × 10m
    assert loads["boss"].offered == pytest.approx(30 / 60 * 6)  # 30/h × 6m
