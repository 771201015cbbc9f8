"""Overflow routing: exact event logs of a call type a second pool may answer.

``web`` calls queue at their own ``desk``; from ``after`` seconds after
arrival a ``general`` agent may take them too (``call_types.web.overflow``).
Times are deterministic and arrivals replayed, so each test knows when every
agent is free: the desk takes a web call in 100 s, a general agent in 40 s,
and a ``phone`` call keeps a general agent busy for its own handle time.
"""

from __future__ import annotations

import copy
from typing import Any

import pandas as pd
import pytest

import simcc
from simcc.scenario import ScenarioError

BASE: dict[str, Any] = {
    "horizon": "1h",
    "call_types": {
        "web": {
            "arrivals": {"times": [0, 10]},
            "path": ["desk"],
            "overflow": {"pool": "general", "after": 30},
        },
        "phone": {"arrivals": {"times": [0]}, "path": ["general"]},
    },
    "pools": {
        "desk": {"agents": 1, "handle_time": 100},
        "general": {"agents": 1, "handle_time": {"web": 40, "phone": 200}},
    },
}


def centre(**changes: Any) -> simcc.Scenario:
    data = copy.deepcopy(BASE)
    s = simcc.scenario_from_dict(data)
    return s.with_changes(changes) if changes else s


def log(result: simcc.Result) -> list[tuple[str, int, str, float, float]]:
    """(pool, contact, activity, start, end) of every busy interval, in time order."""
    rows = [
        (str(r.pool), int(r.contact_id), str(r.activity), round(r.start, 9), round(r.end, 9))
        for r in result.agents.itertuples()
    ]
    return sorted(rows, key=lambda row: (row[3], row[0]))


def contact(result: simcc.Result, cid: int) -> Any:
    c = result.contacts
    return c[c.contact_id == cid].iloc[0]


def web_ids(result: simcc.Result) -> list[int]:
    c = result.contacts
    return sorted(int(i) for i in c[c.call_type == "web"].contact_id)


def phone_id(result: simcc.Result) -> int:
    c = result.contacts
    return int(c[c.call_type == "phone"].contact_id.iloc[0])


def test_an_idle_overflow_pool_answers_when_the_wait_reaches_after() -> None:
    # the phone call ends at once, so general is idle when the second web call overflows
    r = simcc.simulate(centre(**{"pools.general.handle_time.phone": 5}))
    first, second = web_ids(r)
    assert log(r) == [
        ("desk", first, "handle", 0, 100),
        ("general", phone_id(r), "handle", 0, 5),
        ("general", second, "handle", 40, 80),  # 10 + 30: general takes it, 40 s
    ]
    c = contact(r, second)
    assert (c.answer, c.wait, c.end, c.outcome) == (40, 30, 80, "resolved")
    assert (c.entry_pool, c.pools, c.last_pool) == ("desk", "general", "general")
    assert c.answer_pool == "general"
    assert r.metrics()["overflow_rate"] == pytest.approx(1 / 3)  # of 3 answered: this one
    # the desk's queue no longer holds it: the desk is idle from 100 on
    assert [row for row in log(r) if row[0] == "desk"] == [("desk", first, "handle", 0, 100)]


def test_the_entry_pool_answers_first_when_it_frees_first() -> None:
    # general is busy with the phone call until 200; the desk frees at 100
    r = simcc.simulate(centre())
    _, second = web_ids(r)
    c = contact(r, second)
    assert (c.answer, c.wait, c.pools, c.answer_pool) == (100, 90, "desk", "desk")
    assert r.metrics()["overflow_rate"] == 0
    assert ("desk", second, "handle", 100, 200) in log(r)
    assert [row[1] for row in log(r) if row[0] == "general"] == [phone_id(r)]


def test_the_overflow_pool_answers_first_when_it_frees_first() -> None:
    # general frees at 50 (phone 50 s): the web call, in both queues since 40, goes there
    r = simcc.simulate(centre(**{"pools.general.handle_time.phone": 50}))
    _, second = web_ids(r)
    c = contact(r, second)
    assert (c.answer, c.pools, c.end) == (50, "general", 90)
    assert ("general", second, "handle", 50, 90) in log(r)
    assert all(row[1] != second for row in log(r) if row[0] == "desk")


def test_no_overflow_before_after() -> None:
    # after 2 min: the desk frees at 100, before the second call's 10 + 120 = 130
    r = simcc.simulate(
        centre(**{"pools.general.handle_time.phone": 5, "call_types.web.overflow.after": 120})
    )
    _, second = web_ids(r)
    assert contact(r, second).pools == "desk"


def test_after_zero_takes_an_idle_overflow_agent_at_arrival() -> None:
    r = simcc.simulate(
        centre(**{"pools.general.handle_time.phone": 5, "call_types.web.overflow.after": 0})
    )
    _, second = web_ids(r)
    c = contact(r, second)
    assert (c.answer, c.wait, c.pools) == (10, 0, "general")


def test_a_caller_in_two_queues_abandons_once() -> None:
    # both pools busy past the caller's patience (60 s from t=10)
    r = simcc.simulate(centre(**{"customers.patience": 60}))
    _, second = web_ids(r)
    c = contact(r, second)
    assert (c.outcome, c.end) == ("abandoned_queue", 70)
    assert pd.isna(c.answer_pool)
    assert len(r.contacts) == 3  # one record for it, not one per queue
    assert all(row[1] != second for row in log(r))
    # nobody answers the departed caller later: each pool ends with its own work
    assert max(row[4] for row in log(r)) == 200


def test_a_full_overflow_queue_keeps_the_caller_where_it_waits() -> None:
    # general's queue takes nobody: the caller is not given a busy signal
    r = simcc.simulate(centre(**{"pools.general.queue_capacity": 0}))
    _, second = web_ids(r)
    c = contact(r, second)
    assert (c.outcome, c.answer, c.pools) == ("resolved", 100, "desk")


def test_an_overflow_answer_escalates_on_the_path() -> None:
    data = copy.deepcopy(BASE)
    data["call_types"]["web"]["path"] = ["desk", "expert"]
    data["pools"]["general"]["handle_time"]["phone"] = 5
    data["pools"]["general"]["resolve"] = {"web": 0.0, "phone": 1.0}
    data["pools"]["expert"] = {"tier": 2, "agents": 1, "handle_time": 60}
    data["transfer"] = {"policy": "cold"}
    r = simcc.simulate(simcc.scenario_from_dict(data))
    _, second = web_ids(r)
    c = contact(r, second)
    assert (c.pools, c.escalations, c.outcome) == ("general>expert", 1, "resolved")
    assert ("general", second, "handle", 40, 80) in log(r)
    assert ("expert", second, "handle", 80, 140) in log(r)
    leg = r.transfers[r.transfers.contact_id == second].iloc[0]
    assert (leg.from_pool, leg.to_pool) == ("general", "expert")


def test_a_list_of_steps_reaches_each_pool_at_its_own_time() -> None:
    data = copy.deepcopy(BASE)
    data["call_types"]["web"]["overflow"] = [
        {"pool": "general", "after": 30},
        {"pool": "reserve", "after": 60},
    ]
    data["pools"]["reserve"] = {"agents": 1, "handle_time": 20}
    r = simcc.simulate(simcc.scenario_from_dict(data))
    _, second = web_ids(r)
    c = contact(r, second)
    assert (c.answer, c.pools, c.end) == (70, "reserve", 90)  # 10 + 60, general still busy


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"pool": "genral"}, "call_types.web.overflow.pool: unknown pool 'genral'; did you mean"),
        ({"pool": "desk"}, "call_types.web.overflow.pool: 'desk' is on the call type's path"),
        ({"after": -5}, "call_types.web.overflow.after: "),
        ({"after": "soon"}, "call_types.web.overflow.after: "),
        ({"wait": 30}, "call_types.web.overflow.wait: unknown key 'wait'"),
    ],
)
def test_bad_overflow_steps_are_named(change: dict[str, Any], message: str) -> None:
    data = copy.deepcopy(BASE)
    data["call_types"]["web"]["overflow"].update(change)
    with pytest.raises(ScenarioError) as raised:
        simcc.scenario_from_dict(data)
    assert message in str(raised.value)


def test_the_same_overflow_pool_twice_is_refused() -> None:
    data = copy.deepcopy(BASE)
    data["call_types"]["web"]["overflow"] = [{"pool": "general"}, {"pool": "general", "after": 9}]
    with pytest.raises(ScenarioError, match=r"overflow\.1\.pool: 'general' is already"):
        simcc.scenario_from_dict(data)


def test_an_overflow_pool_needs_the_skill_and_a_handle_time() -> None:
    data = copy.deepcopy(BASE)
    data["pools"]["general"]["skills"] = ["phone"]
    with pytest.raises(ScenarioError, match=r"overflow\.pool: pool 'general' lists skills"):
        simcc.scenario_from_dict(data)
    data = copy.deepcopy(BASE)
    data["pools"]["general"]["handle_time"] = {"phone": 200}
    with pytest.raises(
        ScenarioError,
        match=r"pools\.general\.handle_time: no handle time for .*'web' \(it is an overflow",
    ):
        simcc.scenario_from_dict(data)


def test_an_overflow_pool_without_wrap_up_for_the_type_wraps_up_for_0_s() -> None:
    # general's wrap-up table names only phone: the web call has none (not a handle time)
    r = simcc.simulate(
        centre(**{"pools.general.handle_time.phone": 5, "pools.general.wrap_up": {"phone": 3}})
    )
    _, second = web_ids(r)
    assert [row[2] for row in log(r) if row[1] == second] == ["handle"]
    assert ("general", phone_id(r), "wrap_up", 5, 8) in log(r)


@pytest.mark.parametrize("others", [[0], [0, 0]])
def test_a_caller_whose_patience_ends_as_it_overflows_abandons(others: list[float]) -> None:
    # patience 30 = after: at 35 the caller leaves, whatever else was scheduled first
    data = copy.deepcopy(BASE)
    data["call_types"] = {
        "web": {
            "arrivals": {"times": [5]},
            "path": ["desk"],
            "patience": 30,
            "overflow": {"pool": "general", "after": 30},
        },
        "x": {"arrivals": {"times": others}, "path": ["desk"], "patience": 20},
    }
    data["pools"] = {
        "desk": {"agents": 1, "handle_time": 1000},
        "general": {"agents": 1, "handle_time": 40},
    }
    r = simcc.simulate(simcc.scenario_from_dict(data))
    c = r.contacts[r.contacts.call_type == "web"].iloc[0]
    assert (c.outcome, c.end) == ("abandoned_queue", 35)


def test_a_single_pool_name_is_not_an_overflow_step() -> None:
    data = copy.deepcopy(BASE)
    data["call_types"]["web"]["overflow"] = "general"
    with pytest.raises(ScenarioError, match=r"expected one overflow step such as \{pool: general"):
        simcc.scenario_from_dict(data)


def test_the_load_check_counts_overflow_at_the_overflow_pool() -> None:
    from simcc.checks import check

    data = {
        "horizon": "8h",
        "call_types": {
            "web": {
                "arrivals": {"rate": "300/h"},
                "path": ["desk"],
                "overflow": {"pool": "general", "after": 0},
            },
            "phone": {"arrivals": {"rate": "570/h"}, "path": ["general"]},
        },
        "pools": {
            "desk": {"agents": 1, "handle_time": "1m"},
            "general": {"agents": 10, "handle_time": "1m"},
        },
    }
    checked = check(simcc.scenario_from_dict(data))
    general = checked.loads["general"]
    # desk: 5 Erlangs for 1 agent; its excess of 4 adds to general's own 9.5
    assert general.offered == pytest.approx(13.5) and general.overflow == pytest.approx(4.0)
    assert "web" in general.call_types
    assert set(checked.capped) == {"desk", "general"}
    assert any("'general'" in w and "overflowing from other pools" in w for w in checked.warnings)
    data["pools"]["general"]["agents"] = 15  # room for the overflow: no word about general
    checked = check(simcc.scenario_from_dict(data))
    assert not any("'general'" in w for w in checked.warnings)
