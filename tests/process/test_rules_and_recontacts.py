"""Rules in the running engine, re-contacts and cases, segments."""

from __future__ import annotations

import copy

import numpy as np

import simcc

from .test_event_sequences import BASE, log


def test_rule_warm_when_b_idle_else_callback() -> None:
    data = copy.deepcopy(BASE)
    data["transfer"]["policy"] = "rules"
    data["transfer"]["rules"] = [
        {"when": {"target_idle_agents": 1}, "policy": "warm"},
        {"policy": "callback"},
    ]
    # idle desk: warm
    r = simcc.simulate(simcc.scenario_from_dict(data))
    assert r.transfers.policy.tolist() == ["warm"]
    # desk busy with another contact: callback
    data["call_types"]["other"] = {"arrivals": {"times": [0]}, "path": ["desk"]}
    data["pools"]["desk"]["handle_time"] = {"billing": 120, "other": 300}
    r = simcc.simulate(simcc.scenario_from_dict(data))
    assert r.transfers.policy.tolist() == ["callback"]
    assert ("front", 0, "transfer", 160, 180) in log(r, contact=1)


def test_rule_by_segment() -> None:
    data = copy.deepcopy(BASE)
    data["call_types"]["billing"]["arrivals"] = {"times": list(range(100, 3000, 400))}
    data["segments"] = {"standard": {"share": 0.5}, "vip": {"share": 0.5, "priority": 0}}
    data["transfer"]["policy"] = "rules"
    data["transfer"]["rules"] = [{"when": {"segment": "vip"}, "policy": "warm"}]
    r = simcc.simulate(simcc.scenario_from_dict(data), seed=3)
    merged = r.transfers.merge(r.contacts[["contact_id", "segment"]], on="contact_id")
    assert set(merged.segment) == {"vip", "standard"}
    for row in merged.itertuples():
        assert row.policy == ("warm" if row.segment == "vip" else "cold")


def test_rules_keep_an_emailed_ticket_an_email_on_its_next_hand_off() -> None:
    # the rules e-mail the hand-off to tier 2 and say warm beyond; the desk's hand-off of
    # the ticket to the supervisor stays an e-mail: the customer is not on the line
    data = {
        "horizon": "1h",
        "call_types": {"billing": {"arrivals": {"times": [100]}, "path": ["front", "desk", "sup"]}},
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
    r = simcc.simulate(simcc.scenario_from_dict(data), seed=1)
    assert r.transfers.policy.tolist() == ["email", "email"]
    assert r.contacts.hold_time.iloc[0] == 0


def test_recontacts_keep_the_case_and_number_attempts() -> None:
    data = copy.deepcopy(BASE)
    data["horizon"] = "4h"
    data["call_types"]["billing"] = {"arrivals": {"rate": "30/h"}, "path": ["front"]}
    data["pools"] = {
        "front": {"agents": 3, "handle_time": {"dist": "exponential", "mean": 60}, "resolve": 0.5}
    }
    data["customers"] = {
        "patience": {"dist": "exponential", "mean": 120},
        "recontact": {
            "probability": {"unresolved": 1.0, "abandoned": 0.5},
            "delay": {"dist": "exponential", "mean": 600},
        },
    }
    r = simcc.simulate(simcc.scenario_from_dict(data), seed=11)
    c = r.contacts
    assert c.contact_id.is_unique
    assert (c.attempt > 1).any()
    for _, case in c.groupby("case_id"):
        case = case.sort_values("arrival")
        assert case.attempt.tolist() == list(range(1, len(case) + 1))
        # a case calls again only after an unresolved or abandoned attempt
        assert not (case.outcome.iloc[:-1] == "resolved").any()
    m = r.metrics()
    measured = c[c.measured]
    assert m["recontact_rate"] == np.mean(measured.attempt > 1)
    first = measured[measured.attempt == 1]
    assert m["fcr"] == np.mean((first.outcome == "resolved") & ~first.false_resolution)


def test_a_case_keeps_its_one_chase_until_one_of_its_tickets_waits_past_chase_after() -> None:
    # ticket 1 is started at once (no chase); ticket 2 of the same case waits: it chases
    data = {
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
    r = simcc.simulate(simcc.scenario_from_dict(data), seed=1)
    case = r.contacts[r.contacts.case_id == 0].sort_values("arrival")
    # attempt 1 at 100: its ticket (handed off at 280) is started at once, so no chase;
    # it ends falsely resolved at 400 and the customer calls again at once (attempt 2);
    # that ticket, handed off at 580, waits behind the 1000 s call: it chases at 680
    assert case.arrival.tolist()[:3] == [100.0, 400.0, 680.0]
    assert case.attempt.tolist()[:3] == [1, 2, 3]


def test_same_seed_same_records_bit_for_bit() -> None:
    s = simcc.load_scenario("scenarios/centre-warm.yaml").with_changes({"horizon": "4h"})
    a, b = simcc.simulate(s, seed=5), simcc.simulate(s, seed=5)
    import pandas.testing as pdt

    pdt.assert_frame_equal(a.contacts, b.contacts)
    pdt.assert_frame_equal(a.agents, b.agents)
    pdt.assert_frame_equal(a.transfers, b.transfers)
    assert a.metrics() == b.metrics() or all(
        (x == y) or (np.isnan(x) and np.isnan(y))
        for x, y in zip(a.metrics().values(), b.metrics().values(), strict=True)
    )
    c = simcc.simulate(s, seed=6)
    assert not a.contacts.arrival.equals(c.contacts.arrival)


def test_policies_see_the_same_first_contacts() -> None:
    s = simcc.load_scenario("scenarios/centre-warm.yaml").with_changes({"horizon": "4h"})
    warm = simcc.simulate(s, seed=9).contacts  # sorted by contact_id
    cold = simcc.simulate(s.with_policy("cold"), seed=9).contacts
    first_w = warm[warm.attempt == 1][["arrival", "call_type", "segment"]].reset_index(drop=True)
    first_c = cold[cold.attempt == 1][["arrival", "call_type", "segment"]].reset_index(drop=True)
    import pandas.testing as pdt

    pdt.assert_frame_equal(first_w, first_c)


def test_patience_per_call_type_and_segment_override() -> None:
    data = copy.deepcopy(BASE)
    data["call_types"]["billing"] = {
        "arrivals": {"times": [100, 101]},
        "path": ["front"],
        "patience": 30,
    }
    data["pools"] = {"front": {"agents": 1, "handle_time": 600}}
    r = simcc.simulate(simcc.scenario_from_dict(data))
    second = r.contacts.iloc[1]
    assert (second.outcome, second.wait) == ("abandoned_queue", 30)  # the call type's patience
    data["segments"] = {"standard": {"share": 1.0, "patience": 50}}
    r = simcc.simulate(simcc.scenario_from_dict(data))
    assert r.contacts.iloc[1].wait == 50  # the segment's own patience wins


def test_multi_day_horizon_with_a_daily_profile() -> None:
    """Two days; calls and agents only from 08:00 to 20:00, the profile repeated daily."""
    day = {"interval": "4h", "repeat": True}
    data = {
        "horizon": "2d",
        "call_types": {
            "billing": {
                "arrivals": day | {"rates": [0, 0, 60, 60, 60, 0]},
                "path": ["front"],
            }
        },
        "customers": {"patience": {"dist": "exponential", "mean": "5m"}},
        "pools": {
            "front": {
                "agents": day | {"counts": [0, 0, 4, 4, 4, 0]},
                "handle_time": {"dist": "exponential", "mean": "3m"},
            }
        },
    }
    r = simcc.simulate(simcc.scenario_from_dict(data), seed=4)
    hour = (r.contacts.arrival % 86400) / 3600
    assert ((hour >= 8) & (hour < 20)).all()
    days = (r.contacts.arrival // 86400).value_counts()
    assert set(days.index) == {0, 1} and days.min() > 500  # about 720 a day
    plan = r.staffing[["time", "scheduled"]].drop_duplicates("time")
    changes = plan[plan.scheduled.diff().fillna(plan.scheduled) != 0]
    assert list(zip(changes.time / 3600, changes.scheduled, strict=True)) == [
        (8.0, 4),
        (20.0, 0),
        (32.0, 4),
        (44.0, 0),
    ]
    assert (r.contacts.outcome != "unfinished").all()
