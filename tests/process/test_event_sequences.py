"""Exact event logs of each transfer policy in tiny deterministic scenarios.

Like SimPy's own resource tests: one contact (arriving at t=100 from a
replayed trace) goes through a front-line agent A to a desk agent B, with
deterministic times, and the test asserts who is busy with what, when, who
waits, when A drops and how the contact ends.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest

import simcc

BASE: dict[str, Any] = {
    "horizon": "1h",
    "call_types": {"billing": {"arrivals": {"times": [100]}, "path": ["front", "desk"]}},
    "pools": {
        "front": {"agents": 1, "handle_time": 60, "wrap_up": 10, "resolve": 0.0},
        "desk": {"tier": 2, "agents": 1, "handle_time": 120, "wrap_up": 20, "resolve": 1.0},
    },
    "transfer": {
        "policy": "cold",
        "cold": {"transfer_time": 15, "rediscovery_time": 30},
        "warm": {"consult_time": 60, "conference_time": 40},
        "conference": {"consult_time": 90},
        "callback": {"transfer_time": 20, "context_factor": 0.5, "rediscovery_time": 30},
        "email": {
            "transfer_time": 120,
            "work_factor": 1.2,
            "context_factor": 0.5,
            "rediscovery_time": 30,
        },
        "self_service": {"transfer_time": 30, "success_probability": 1.0},
    },
}


def scenario(policy: str, busy_desk: bool = False, **changes: Any) -> simcc.Scenario:
    """The base centre with a policy; ``busy_desk`` keeps B busy until t=320 (300 s + wrap 20)."""
    data = copy.deepcopy(BASE)
    data["transfer"]["policy"] = policy
    if busy_desk:
        data["call_types"]["other"] = {"arrivals": {"times": [0]}, "path": ["desk"]}
        data["pools"]["desk"]["handle_time"] = {"billing": 120, "other": 300}
    s = simcc.scenario_from_dict(data)
    return s.with_changes(changes) if changes else s


def log(
    result: simcc.Result, contact: int | None = None
) -> list[tuple[str, int, str, float, float]]:
    """The agents' busy intervals as (pool, agent, activity, start, end), in time order."""
    a = result.agents
    if contact is not None:
        a = a[a.contact_id == contact]
    rows = [
        (str(r.pool), int(r.agent), str(r.activity), round(r.start, 9), round(r.end, 9))
        for r in a.itertuples()
    ]
    return sorted(rows, key=lambda row: (row[3], row[0], row[4]))


def the_contact(result: simcc.Result) -> Any:
    c = result.contacts
    return c[c.call_type == "billing"].iloc[0]


def test_cold_transfer_to_an_idle_desk() -> None:
    r = simcc.simulate(scenario("cold"))
    assert log(r) == [
        ("front", 0, "handle", 100, 160),
        ("front", 0, "transfer", 160, 175),  # A says a line ...
        ("desk", 0, "rediscovery", 175, 205),  # ... B answers at once, the customer retells
        ("front", 0, "wrap_up", 175, 185),  # A wraps up while B works
        ("desk", 0, "handle", 205, 325),
        ("desk", 0, "wrap_up", 325, 345),
    ]
    c = the_contact(r)
    assert (c.outcome, c.answer, c.end, c.escalations, c.rediscoveries) == (
        "resolved",
        100,
        325,
        1,
        1,
    )
    assert c.hold_time == 0 and c.transfer_wait == 0 and c.pools == "front>desk"
    leg = r.transfers.iloc[0]
    assert (leg.policy, leg.handoff, leg.engaged, leg.outcome) == ("cold", 175, 175, "engaged")


def test_cold_transfer_waits_in_the_desk_queue() -> None:
    r = simcc.simulate(scenario("cold", busy_desk=True))
    assert log(r, contact=1) == [
        ("front", 0, "handle", 100, 160),
        ("front", 0, "transfer", 160, 175),
        ("front", 0, "wrap_up", 175, 185),  # A is free at 185; the customer waits for B
        ("desk", 0, "rediscovery", 320, 350),
        ("desk", 0, "handle", 350, 470),
        ("desk", 0, "wrap_up", 470, 490),
    ]
    c = the_contact(r)
    assert c.transfer_wait == pytest.approx(145) and c.end == 470


def test_cold_transfer_abandoned_in_the_desk_queue() -> None:
    s = scenario("cold", busy_desk=True, **{"customers.transfer_patience": 60})
    r = simcc.simulate(s)
    c = the_contact(r)
    assert (c.outcome, c.end) == ("abandoned_transfer_queue", 235)  # queued at 175, left at 235
    assert r.transfers.iloc[0].outcome == "abandoned_transfer_queue"
    assert [row[2] for row in log(r, contact=1)] == ["handle", "transfer", "wrap_up"]


def test_warm_transfer_holds_consults_conferences_then_a_drops() -> None:
    r = simcc.simulate(scenario("warm", busy_desk=True))
    assert log(r, contact=1) == [
        ("front", 0, "handle", 100, 160),
        ("front", 0, "consult_wait", 160, 320),  # A waits, busy, customer on hold
        ("desk", 0, "consult", 320, 380),  # A briefs B
        ("front", 0, "consult", 320, 380),
        ("desk", 0, "conference", 380, 420),  # three-way: A + B + customer
        ("front", 0, "conference", 380, 420),
        ("desk", 0, "handle", 420, 540),  # B handles, no rediscovery
        ("front", 0, "wrap_up", 420, 430),  # A drops and wraps up
        ("desk", 0, "wrap_up", 540, 560),
    ]
    c = the_contact(r)
    assert c.hold_time == pytest.approx(220)  # from the consult request to the conference
    assert (c.outcome, c.end, c.rediscoveries, c.escalations) == ("resolved", 540, 0, 1)
    leg = r.transfers.iloc[0]
    assert (leg.policy, leg.handoff, leg.engaged) == ("warm", 160, 320)


def test_warm_transfer_customer_hangs_up_on_hold() -> None:
    s = scenario("warm", busy_desk=True, **{"customers.hold_patience": 100})
    r = simcc.simulate(s)
    assert log(r, contact=1) == [
        ("front", 0, "handle", 100, 160),
        ("front", 0, "consult_wait", 160, 260),
        ("front", 0, "wrap_up", 260, 270),
    ]
    c = the_contact(r)
    assert (c.outcome, c.end, c.hold_time) == ("abandoned_hold", 260, 100)


def test_warm_transfer_falls_back_to_cold_after_max_consult_wait() -> None:
    s = scenario("warm", busy_desk=True, **{"transfer.warm.max_consult_wait": 60})
    r = simcc.simulate(s)
    assert log(r, contact=1) == [
        ("front", 0, "handle", 100, 160),
        ("front", 0, "consult_wait", 160, 220),  # gives up after 60 s
        ("front", 0, "transfer", 220, 235),  # cold fallback
        ("front", 0, "wrap_up", 235, 245),
        ("desk", 0, "rediscovery", 320, 350),
        ("desk", 0, "handle", 350, 470),
        ("desk", 0, "wrap_up", 470, 490),
    ]
    c = the_contact(r)
    assert (c.outcome, c.policy, c.hold_time) == ("resolved", "cold", 60)
    assert list(r.transfers.outcome) == ["fallback", "engaged"]
    # the fallback is the same hand-off, made another way: same reason, numbered on
    assert list(r.transfers.reason) == ["not_resolved", "not_resolved"]
    assert list(r.transfers.leg) == [1, 2]


def test_warm_transfer_falls_back_to_callback() -> None:
    s = scenario(
        "warm",
        busy_desk=True,
        **{"transfer.warm.max_consult_wait": 60, "transfer.warm.fallback": "callback"},
    )
    r = simcc.simulate(s)
    assert log(r, contact=1)[:4] == [
        ("front", 0, "handle", 100, 160),
        ("front", 0, "consult_wait", 160, 220),
        ("front", 0, "transfer", 220, 240),
        ("front", 0, "wrap_up", 240, 250),
    ]
    assert the_contact(r).policy == "callback"


def test_conference_a_keeps_the_contact() -> None:
    r = simcc.simulate(scenario("conference", busy_desk=True))
    assert log(r, contact=1) == [
        ("front", 0, "handle", 100, 160),
        ("front", 0, "consult_wait", 160, 320),
        ("desk", 0, "consult", 320, 410),  # B consulted, then leaves
        ("front", 0, "consult", 320, 410),
        ("front", 0, "handle", 410, 530),  # A goes on with the desk's handle time ...
        ("front", 0, "wrap_up", 530, 540),  # ... and resolves with the desk's probability
    ]
    c = the_contact(r)
    assert (c.outcome, c.end, c.last_pool, c.hold_time) == ("resolved", 530, "front", 250)
    assert c.pools == "front>desk>front"


def test_callback_b_calls_back_when_free() -> None:
    r = simcc.simulate(scenario("callback", busy_desk=True))
    assert log(r, contact=1) == [
        ("front", 0, "handle", 100, 160),
        ("front", 0, "transfer", 160, 180),  # A promises a call back; the customer hangs up
        ("front", 0, "wrap_up", 180, 190),
        ("desk", 0, "rediscovery", 320, 335),  # B dials when free: 30 s × context 0.5
        ("desk", 0, "handle", 335, 455),
        ("desk", 0, "wrap_up", 455, 475),
    ]
    c = the_contact(r)
    assert (c.outcome, c.hold_time, c.rediscoveries) == ("resolved", 0, 1)
    assert r.transfers.iloc[0].engaged == 320


def test_callback_unreached_after_all_attempts() -> None:
    s = scenario(
        "callback",
        busy_desk=True,
        **{
            "transfer.callback.reach_probability": 0.0,
            "transfer.callback.max_attempts": 2,
            "transfer.callback.retry_delay": 100,
            "transfer.callback.dial_time": 5,
        },
    )
    r = simcc.simulate(s)
    assert [row for row in log(r, contact=1) if row[0] == "desk"] == [
        ("desk", 0, "dial", 320, 325),  # first attempt fails
        ("desk", 0, "dial", 425, 430),  # retried 100 s later, fails again
    ]
    c = the_contact(r)
    assert (c.outcome, c.end) == ("callback_unreached", 430)
    assert r.transfers.iloc[0].attempts == 2


def test_email_ticket_is_back_office_work() -> None:
    r = simcc.simulate(scenario("email", busy_desk=True))
    assert log(r, contact=1) == [
        ("front", 0, "handle", 100, 160),
        ("front", 0, "transfer", 160, 280),  # A writes the ticket
        ("front", 0, "wrap_up", 280, 290),
        ("desk", 0, "rediscovery", 320, 335),
        ("desk", 0, "handle", 335, 479),  # 120 s × work factor 1.2
        ("desk", 0, "wrap_up", 479, 499),
    ]
    leg = r.transfers.iloc[0]
    assert (leg.handoff, leg.engaged) == (280, 320)


@pytest.mark.parametrize(("success", "outcome"), [(1.0, "resolved"), (0.0, "unresolved")])
def test_self_service_redirect(success: float, outcome: str) -> None:
    s = scenario("self_service", **{"transfer.self_service.success_probability": success})
    r = simcc.simulate(s)
    assert log(r) == [
        ("front", 0, "handle", 100, 160),
        ("front", 0, "transfer", 160, 190),
        ("front", 0, "wrap_up", 190, 200),
    ]
    c = the_contact(r)
    assert (c.outcome, c.end) == (outcome, 190)


def test_escalate_after_ends_the_diagnosis() -> None:
    s = scenario(
        "cold",
        **{
            "pools.front.handle_time": 600,
            "pools.front.escalate_after": 300,
            "pools.front.resolve": 1.0,
        },
    )
    r = simcc.simulate(s)
    assert log(r)[:2] == [("front", 0, "handle", 100, 400), ("front", 0, "transfer", 400, 415)]
    assert the_contact(r).escalations == 1
    assert list(r.transfers.reason) == ["handling_time"]  # resolve 1.0: only the limit hands on


def test_agent_finishes_the_contact_in_hand_after_the_shift_ends() -> None:
    data = copy.deepcopy(BASE)
    data["horizon"] = "1h"
    data["call_types"]["billing"] = {"arrivals": {"times": [1700]}, "path": ["front"]}
    data["pools"] = {
        "front": {
            "agents": {"interval": "30m", "counts": [1, 0]},
            "handle_time": 300,
            "wrap_up": 10,
        }
    }
    r = simcc.simulate(simcc.scenario_from_dict(data))
    assert log(r) == [("front", 0, "handle", 1700, 2000), ("front", 0, "wrap_up", 2000, 2010)]
    staffing = [(row.time, row.scheduled, row.present) for row in r.staffing.itertuples()]
    assert staffing == [(0, 1, 1), (1800, 0, 1), (2010, 0, 0)]


def test_a_repeated_shift_plan_goes_on_after_the_horizon_for_contacts_still_waiting() -> None:
    # one agent from 0 to 30 min, none to 60 min, repeated: a call at 3000 s waits for the
    # plan's next cycle, which starts at the horizon (3600 s)
    data = {
        "horizon": "1h",
        "call_types": {"x": {"arrivals": {"times": [3000]}, "path": ["front"]}},
        "pools": {
            "front": {
                "agents": {"interval": "30m", "counts": [1, 0], "repeat": True},
                "handle_time": 60,
            }
        },
    }
    r = simcc.simulate(simcc.scenario_from_dict(data), seed=1)
    c = r.contacts.iloc[0]
    assert (c.outcome, c.answer) == ("resolved", 3600)


def test_transferred_contacts_go_ahead_of_new_ones() -> None:
    # the desk is busy until 320; a new contact enters the desk's queue at 170, before the
    # transferred one (175); with transfer_priority the transferred one is answered first
    data = copy.deepcopy(BASE)
    data["call_types"]["other"] = {"arrivals": {"times": [0, 170]}, "path": ["desk"]}
    data["pools"]["desk"]["handle_time"] = {"billing": 120, "other": 300}
    for priority, first in ((True, "billing"), (False, "other")):
        data["transfer"]["transfer_priority"] = priority
        r = simcc.simulate(simcc.scenario_from_dict(data))
        c = r.contacts
        after = c[c.arrival > 0]
        desk = r.agents[(r.agents.pool == "desk") & (r.agents.start >= 320)]
        served_first = desk.sort_values("start").iloc[0].contact_id
        assert after.set_index("contact_id").loc[served_first, "call_type"] == first


def test_a_full_queue_gives_busy_signals_that_stay_in_the_service_level_denominator() -> None:
    # no room to wait: the first call is answered at once, the next three get a busy signal
    data = {
        "horizon": "1h",
        "call_types": {"billing": {"arrivals": {"times": [0, 10, 20, 30]}, "path": ["front"]}},
        "pools": {"front": {"agents": 1, "handle_time": 100, "queue_capacity": 0}},
    }
    r = simcc.simulate(simcc.scenario_from_dict(data), seed=1)
    assert r.contacts.outcome.tolist()[1:] == ["abandoned_queue"] * 3
    assert r.contacts.wait.tolist()[1:] == [0.0] * 3
    m = r.metrics()
    assert (m["offered"], m["abandoned"]) == (4, 3)
    assert m["service_level"] == 0.25  # 1 answered at once out of 4 offered


def test_queue_capacity_counts_waiting_customers_not_callbacks_or_tickets() -> None:
    # the desk may hold one waiting customer; a callback or ticket from front (at 70) waits
    # there too, and the caller at 100 still finds room
    for policy in ("email", "callback"):
        data = {
            "horizon": "1h",
            "call_types": {
                "x": {"arrivals": {"times": [10]}, "path": ["front", "desk"]},
                "y": {"arrivals": {"times": [0, 100]}, "path": ["desk"]},
            },
            "pools": {
                "front": {"agents": 1, "handle_time": 60, "resolve": 0.0},
                "desk": {"agents": 1, "handle_time": 1000, "queue_capacity": 1},
            },
            "transfer": {"policy": policy},
        }
        r = simcc.simulate(simcc.scenario_from_dict(data), seed=1)
        late = r.contacts[r.contacts.arrival == 100].iloc[0]
        assert late.outcome == "resolved", policy  # it queued behind the task, no busy signal


def test_cold_misroute_lands_in_the_wrong_desk_then_goes_on() -> None:
    data = copy.deepcopy(BASE)
    data["pools"]["other_desk"] = {
        "tier": 2,
        "agents": 1,
        "handle_time": 99,
        "wrap_up": 5,
        "skills": ["billing"],
    }
    data["transfer"]["cold"]["misroute_probability"] = 1.0
    data["sla"] = {"escalation": {"desk": 200}}
    r = simcc.simulate(simcc.scenario_from_dict(data))
    assert log(r) == [
        ("front", 0, "handle", 100, 160),
        ("front", 0, "transfer", 160, 175),
        ("front", 0, "wrap_up", 175, 185),
        ("other_desk", 0, "rediscovery", 175, 205),  # the wrong desk hears the story ...
        ("other_desk", 0, "transfer", 205, 220),  # ... and passes it on (no second misroute)
        ("desk", 0, "rediscovery", 220, 250),
        ("other_desk", 0, "wrap_up", 220, 225),
        ("desk", 0, "handle", 250, 370),
        ("desk", 0, "wrap_up", 370, 390),
    ]
    c = the_contact(r)
    assert (c.escalations, c.rediscoveries, c.pools) == (2, 2, "front>other_desk>desk")
    legs = r.transfers
    assert legs.to_pool.tolist() == ["other_desk", "desk"]
    assert legs.reason.tolist() == ["not_resolved", "misroute"]
    # the escalation SLA runs from the first hand-off (175) to the right desk's answer (220)
    assert np.isnan(legs.sla_met.iloc[0]) and legs.sla_met.iloc[1] == 1
    assert (c.sla_legs, c.sla_legs_met) == (1, 1)
