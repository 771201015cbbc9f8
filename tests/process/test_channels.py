"""Channels (MODEL.md §8): chat sessions, e-mails, cross-channel hand-offs, metrics by channel.

Exact event logs on tiny centres with replayed arrival times and fixed times.
"""

from __future__ import annotations

import copy
import math
from typing import Any

import numpy as np
import pytest

import simcc

CHAT: dict[str, Any] = {
    "horizon": "1h",
    "call_types": {
        "web": {"channel": "chat", "arrivals": {"times": [0, 60, 120]}, "path": ["chat"]}
    },
    "pools": {"chat": {"agents": 1, "concurrency": 2, "handle_time": 600}},
}


def centre(base: dict[str, Any], **pool: Any) -> simcc.Scenario:
    data = copy.deepcopy(base)
    next(iter(data["pools"].values())).update(pool)
    return simcc.scenario_from_dict(data)


def log(result: simcc.Result) -> list[tuple[str, int, int, str, float, float]]:
    """(pool, agent, contact, activity, start, end) of every busy interval, in time order."""
    rows = [
        (str(r.pool), int(r.agent), int(r.contact_id), str(r.activity), r.start, r.end)
        for r in result.agents.itertuples()
    ]
    return sorted(rows, key=lambda row: (row[4], row[1]))


def test_an_agent_holds_its_sessions_at_once_and_the_next_chat_waits_for_a_free_one() -> None:
    result = simcc.simulate(centre(CHAT))
    assert log(result) == [
        ("chat", 0, 0, "handle", 0, 600),
        ("chat", 0, 1, "handle", 60, 660),  # a second session beside the first
        ("chat", 0, 2, "handle", 600, 1200),  # waits for the first session to end
    ]
    assert list(result.contacts["wait"]) == [0, 0, 480]


def test_occupancy_counts_a_chat_agent_busy_while_it_holds_a_session() -> None:
    metrics = simcc.simulate(centre(CHAT)).metrics()
    # busy over [0, 1200): the overlaps count once, out of one staffed hour
    assert metrics["occupancy_chat"] == pytest.approx(1200 / 3600)
    assert metrics["aht_chat"] == pytest.approx(600)  # each session is its own handling


def test_the_concurrency_factor_stretches_a_session_by_the_sessions_in_hand() -> None:
    result = simcc.simulate(centre(CHAT, concurrency_factor=1.5))
    assert log(result) == [
        ("chat", 0, 0, "handle", 0, 600),  # alone: its own time
        ("chat", 0, 1, "handle", 60, 960),  # opened beside another: × 1.5
        ("chat", 0, 2, "handle", 600, 1500),  # opened beside session 1: × 1.5
    ]


def test_a_new_session_goes_to_the_least_loaded_agent() -> None:
    data = copy.deepcopy(CHAT)
    data["call_types"]["web"]["arrivals"]["times"] = [0, 10, 20, 30]
    result = simcc.simulate(centre(data, agents=2))
    assert [row[1] for row in log(result)] == [0, 1, 0, 1]
    staffing = result.staffing
    assert list(staffing["present"]) == [2]  # staffing is in agents, not in sessions


def test_a_pool_of_concurrency_1_is_the_plain_pool() -> None:
    data = copy.deepcopy(CHAT)
    data["call_types"]["web"]["arrivals"] = {"rate": "20/h"}
    data["customers"] = {"patience": {"dist": "exponential", "mean": "2m"}}
    plain = simcc.simulate(centre(data, concurrency=1), seed=4)
    data["pools"]["chat"].pop("concurrency")
    data["call_types"]["web"].pop("channel")
    voice = simcc.simulate(simcc.scenario_from_dict(data), seed=4)
    assert plain.metrics() == voice.metrics()
    assert log(plain) == log(voice)


def test_chat_customers_abandon_with_their_patience() -> None:
    data = copy.deepcopy(CHAT)
    data["customers"] = {"patience": 300}
    result = simcc.simulate(centre(data))
    assert list(result.contacts["outcome"]) == ["resolved", "resolved", "abandoned_queue"]
    assert result.contacts["wait"].iloc[2] == 300


MAIL: dict[str, Any] = {
    "horizon": "1h",
    "call_types": {
        "late": {"channel": "email", "arrivals": {"times": [0, 10]}, "path": ["back"]},
        "urgent": {
            "channel": "email",
            "priority": 0,
            "arrivals": {"times": [20, 30]},
            "path": ["back"],
        },
    },
    "customers": {"patience": 60},  # voice callers' patience: an e-mail has none
    "pools": {"back": {"agents": 1, "handle_time": 600}},
    "sla": {"answer_by_channel": {"email": {"threshold": "15m", "target": 0.9}}},
}


def test_an_email_never_abandons_and_is_answered_by_priority_then_age() -> None:
    result = simcc.simulate(simcc.scenario_from_dict(MAIL))
    contacts = result.contacts.sort_values("answer")
    assert list(contacts["outcome"]) == ["resolved"] * 4
    # the first e-mail takes the agent; then the urgent ones by age; then the other
    assert list(contacts["contact_id"]) == [0, 2, 3, 1]
    assert list(contacts["answer"]) == [0, 600, 1200, 1800]
    assert set(result.contacts["channel"]) == {"email"}


def test_an_email_is_measured_against_its_channel_answer_sla() -> None:
    metrics = simcc.simulate(simcc.scenario_from_dict(MAIL)).metrics()
    # waits 0, 580, 1170, 1790 s against 15 m: two of four within
    assert metrics["service_level"] == pytest.approx(0.5)
    assert metrics["abandonment_rate"] == 0.0


ESCALATE: dict[str, Any] = {
    "horizon": "1h",
    "call_types": {
        "web": {"channel": "chat", "arrivals": {"times": [0, 5]}, "path": ["chat", "phone"]},
        "call": {"arrivals": {"times": [2000]}, "path": ["phone"]},
    },
    "pools": {
        "chat": {"agents": 1, "concurrency": 2, "handle_time": 120, "resolve": 0.0},
        "phone": {"tier": 2, "agents": 1, "handle_time": 300},
    },
    "transfer": {
        "policy": "warm",
        "warm": {"consult_time": 30, "conference_time": 10},
        "cross_channel": {"chat": "voice"},
    },
}


def test_an_escalated_chat_becomes_a_call_set_up_by_a_warm_consult() -> None:
    result = simcc.simulate(simcc.scenario_from_dict(ESCALATE))
    contacts = result.contacts.set_index("contact_id")
    assert list(contacts["channel"]) == ["chat", "chat", "voice"]
    assert list(contacts["last_channel"]) == ["voice", "voice", "voice"]
    phone = [row for row in log(result) if row[0] == "phone"]
    # the call takes the whole phone agent: consult (the set-up), conference, handling; the
    # second escalated chat waits for that agent, the voice call after it
    assert [(row[2], row[3]) for row in phone[:3]] == [
        (0, "consult"),
        (0, "conference"),
        (0, "handle"),
    ]
    assert phone[0][4] == 120 and phone[2][5] == 120 + 30 + 10 + 300


def test_metrics_by_channel_split_the_contacts() -> None:
    result = simcc.simulate(simcc.scenario_from_dict(ESCALATE))
    by = result.metrics(by="channel")
    assert set(by) == {"voice", "chat"}
    assert by["chat"]["offered"] == 2 and by["voice"]["offered"] == 1
    assert by["chat"]["escalation_rate"] == 1.0 and by["voice"]["escalation_rate"] == 0.0


def test_a_chat_agents_cost_is_shared_between_its_overlapping_sessions() -> None:
    data = copy.deepcopy(CHAT)
    data["pools"]["chat"]["cost_per_hour"] = 3600  # 1 per second busy
    metrics = simcc.simulate(centre(data)).metrics()
    # 1200 busy seconds over 3 chats, whatever the overlap
    spent = metrics["cost_per_unescalated_contact"] * 3
    assert spent == pytest.approx(1200)
    assert not math.isnan(metrics["occupancy_chat"])
    assert np.isfinite(spent)


def test_chat_agents_never_hold_more_sessions_than_their_concurrency_across_shifts() -> None:
    from tests.property import invariants

    data = {
        "horizon": "4h",
        "call_types": {"web": {"channel": "chat", "arrivals": {"rate": "80/h"}, "path": ["chat"]}},
        "customers": {"patience": {"dist": "exponential", "mean": "4m"}},
        "pools": {
            "chat": {
                "agents": {"interval": "1h", "counts": [3, 1, 4, 2]},
                "concurrency": 3,
                "concurrency_factor": 1.1,
                "handle_time": {"dist": "exponential", "mean": "6m"},
                "wrap_up": {"dist": "exponential", "mean": "30s"},
            }
        },
    }
    for seed in range(3):
        result = simcc.simulate(simcc.scenario_from_dict(data), seed=seed)
        agents = result.agents
        invariants.check_sessions(agents, 3)
        invariants.check_busy_within_present(agents, result.staffing, ["chat"])
        invariants.check_occupancy(result.metrics(), ["chat"])
        assert set(result.contacts["outcome"]) <= {"resolved", "abandoned_queue"}


def test_the_interval_tables_count_a_chat_agent_busy_once() -> None:
    from simcc.analysis.intervals import Grid, replication_rates

    scenario = centre(CHAT)
    rates = replication_rates(simcc.simulate(scenario), Grid.of(scenario, 1800.0))
    # busy [0, 1200) in the first half hour: 1200 s of 1800, the overlap counted once
    assert rates["busy"][0][0] == pytest.approx(1200 / 1800)
    assert rates["occupancy"][0][0] == pytest.approx(1200 / 1800)
    assert rates["occupancy"][0][1] == 0.0


@pytest.mark.parametrize("base", [CHAT, MAIL], ids=["chat", "email"])
def test_the_interval_tables_from_records_agree_with_the_recorder(base: dict[str, Any]) -> None:
    from simcc.analysis.intervals import Grid, records_interval_table, replication_rates

    scenario = simcc.scenario_from_dict(base)
    result = simcc.simulate(scenario)
    direct = replication_rates(result, Grid.of(scenario, 1800.0))
    tables = {
        "contacts": result.contacts,
        "transfers": result.transfers,
        "agents": result.agents,
        "staffing": result.staffing,
    }
    table = records_interval_table(tables, scenario, 1800.0)
    first = table.iloc[0]
    assert first["occupancy"] == pytest.approx(direct["occupancy"][0][0])
    assert first["service_level"] == pytest.approx(direct["service_level"][0][0])
    if base is MAIL:  # each e-mail against its channel's 15 m: two of four within
        assert direct["service_level"][0][0] == pytest.approx(0.5)


def test_a_misrouted_call_never_lands_in_a_chat_pool_of_the_same_tier() -> None:
    data = {
        "horizon": "4h",
        "call_types": {
            "phone": {"arrivals": {"rate": "60/h"}, "path": ["front", "desk"]},
            "web": {"channel": "chat", "arrivals": {"rate": "30/h"}, "path": ["chat"]},
        },
        "pools": {
            "front": {"tier": 1, "agents": 4, "handle_time": 120, "resolve": 0.2},
            "desk": {"tier": 2, "agents": 4, "handle_time": 60},
            "other_desk": {"tier": 2, "agents": 2, "skills": ["phone"], "handle_time": 60},
            "chat": {"tier": 2, "agents": 2, "concurrency": 3, "handle_time": 60},
        },
        "transfer": {"policy": "cold", "cold": {"misroute_probability": 1.0}},
    }
    result = simcc.simulate(simcc.scenario_from_dict(data), seed=3)
    handed = result.transfers["to_pool"].astype(str)
    assert (handed == "other_desk").sum() > 50  # misroutes land in the other call-taking desk
    assert not (handed == "chat").any()  # and never in the chat pool of the same tier
