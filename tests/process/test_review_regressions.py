"""Regressions found in review: each a tiny deterministic scenario with the exact outcome."""

from __future__ import annotations

import time
from typing import Any

import simcc


def run(data: dict[str, Any], **kwargs: Any) -> simcc.Result:
    return simcc.simulate(simcc.scenario_from_dict(data), seed=1, **kwargs)


def test_a_ticket_stays_a_ticket_whatever_the_rules_say() -> None:
    r = run(
        {
            "horizon": "1h",
            "call_types": {
                "billing": {"arrivals": {"times": [100]}, "path": ["front", "desk", "sup"]}
            },
            "pools": {
                "front": {"agents": 1, "handle_time": 60, "resolve": 0.0},
                "desk": {"tier": 2, "agents": 1, "handle_time": 120, "resolve": 0.0},
                "sup": {"tier": 3, "agents": 1, "handle_time": 100},
            },
            "transfer": {
                "policy": "rules",
                "warm": {"consult_time": 60, "conference_time": 40},
                "rules": [{"when": {"target_tier": 2}, "policy": "email"}, {"policy": "warm"}],
            },
        }
    )
    assert r.transfers.policy.tolist() == ["email", "email"]  # the customer is not on the line
    assert r.contacts.hold_time.iloc[0] == 0


def test_busy_signals_stay_in_the_service_level_denominator() -> None:
    r = run(
        {
            "horizon": "1h",
            "call_types": {"billing": {"arrivals": {"times": [0, 10, 20, 30]}, "path": ["front"]}},
            "pools": {"front": {"agents": 1, "handle_time": 100, "queue_capacity": 0}},
        }
    )
    m = r.metrics()
    assert (m["offered"], m["abandoned"]) == (4, 3)
    assert m["service_level"] == 0.25  # 1 answered at once out of 4 offered


def test_queue_capacity_counts_waiting_customers_not_callbacks_or_tickets() -> None:
    for policy in ("email", "callback"):
        r = run(
            {
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
        )
        late = r.contacts[r.contacts.arrival == 100].iloc[0]
        assert late.outcome == "resolved", policy  # it queued behind the task, no busy signal


def test_a_repeated_shift_plan_serves_contacts_waiting_past_the_horizon() -> None:
    r = run(
        {
            "horizon": "1h",
            "call_types": {"x": {"arrivals": {"times": [3000]}, "path": ["front"]}},
            "pools": {
                "front": {
                    "agents": {"interval": "30m", "counts": [1, 0], "repeat": True},
                    "handle_time": 60,
                }
            },
        }
    )
    c = r.contacts.iloc[0]
    assert (c.outcome, c.answer) == ("resolved", 3600)  # the next day's shift, in effect


def test_a_wall_clock_limit_is_not_spent_on_an_empty_simulation() -> None:
    data = {
        "horizon": "1h",
        "call_types": {"x": {"arrivals": {"times": [10, 20]}, "path": ["front"]}},
        "pools": {"front": {"agents": 1, "handle_time": 60}},
    }
    start = time.perf_counter()
    r = run(data, wall_clock=5.0)
    assert time.perf_counter() - start < 2.0
    assert r.stopped_early is None
    assert list(r.contacts.outcome) == ["resolved", "resolved"]


def test_a_chase_is_spent_only_when_it_happens() -> None:
    # ticket 1 is started at once (no chase); ticket 2 of the same case waits: it chases
    r = run(
        {
            "horizon": "1h",
            "call_types": {
                "billing": {"arrivals": {"times": [100]}, "path": ["front", "desk"]},
                "other": {"arrivals": {"times": [500]}, "path": ["desk"]},
            },
            "customers": {"recontact": {"probability": {"false_resolution": 1.0}, "delay": 0}},
            "pools": {
                "front": {"agents": 1, "handle_time": 60, "resolve": 0.0, "skills": ["billing"]},
                "desk": {"agents": 1, "handle_time": {"billing": 120, "other": 1000}},
            },
            "transfer": {
                "policy": "email",
                "email": {"transfer_time": 120, "chase_after": 100, "chase_probability": 1.0},
                "false_resolution": {"email": 1.0},
            },
        }
    )
    case = r.contacts[r.contacts.case_id == 0].sort_values("arrival")
    # attempt 1 at 100: its ticket (handed off at 280) is started at once, so no chase;
    # it ends falsely resolved at 400 and the customer calls again at once (attempt 2);
    # that ticket, handed off at 580, waits behind the 1000 s call: it chases at 680
    assert case.arrival.tolist()[:3] == [100.0, 400.0, 680.0]
    assert case.attempt.tolist()[:3] == [1, 2, 3]
