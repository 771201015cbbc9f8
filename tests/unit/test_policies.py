"""Rule decisions (transfer.policy: rules) are pure code: one test per condition."""

from __future__ import annotations

import math

import pytest

from simcc.model.policies import Situation, choose, matches
from simcc.scenario import Condition, Rule

SITUATION = Situation(
    call_type="billing",
    segment="standard",
    source_tier=1,
    target_pool="billing_desk",
    target_tier=2,
    target_idle_agents=0,
    target_queue_length=4,
    expected_wait=120.0,
)


def with_(**changes: object) -> Situation:
    return Situation(**(SITUATION.__dict__ | changes))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("condition", "yes", "no"),
    [
        ({"call_type": "billing"}, {}, {"call_type": "technical"}),
        ({"call_type": ["technical", "billing"]}, {}, {"call_type": "legal"}),
        ({"segment": "vip"}, {"segment": "vip"}, {}),
        ({"target_pool": "billing_desk"}, {}, {"target_pool": "supervisor"}),
        ({"target_tier": 3}, {"target_tier": 3}, {}),
        ({"escalation": "hierarchical"}, {}, {"source_tier": 2}),
        ({"escalation": "functional"}, {"source_tier": 2}, {}),
        ({"target_idle_agents": 1}, {"target_idle_agents": 1}, {"target_idle_agents": 0}),
        ({"target_queue_length": 4}, {}, {"target_queue_length": 5}),
        ({"expected_wait": "2m"}, {}, {"expected_wait": 121.0}),
        ({"expected_wait": "2m"}, {"expected_wait": 0.0}, {"expected_wait": math.inf}),
    ],
)
def test_each_condition(condition: dict, yes: dict, no: dict) -> None:
    c = Condition.model_validate(condition)
    assert matches(c, with_(**yes))
    assert not matches(c, with_(**no))


def test_all_conditions_of_a_rule_must_hold() -> None:
    c = Condition.model_validate({"segment": "vip", "target_idle_agents": 1})
    assert matches(c, with_(segment="vip", target_idle_agents=2))
    assert not matches(c, with_(segment="vip"))
    assert not matches(c, with_(target_idle_agents=2))


def test_first_match_wins_and_empty_condition_always_matches() -> None:
    rules = [
        Rule.model_validate({"when": {"segment": "vip"}, "policy": "warm"}),
        Rule.model_validate({"when": {"target_idle_agents": 1}, "policy": "warm"}),
        Rule.model_validate({"policy": "callback"}),
    ]
    assert choose(rules, with_(segment="vip")) == "warm"
    assert choose(rules, with_(target_idle_agents=3)) == "warm"
    assert choose(rules, SITUATION) == "callback"


def test_no_match_is_cold() -> None:
    rules = [Rule.model_validate({"when": {"segment": "vip"}, "policy": "warm"})]
    assert choose(rules, SITUATION) == "cold"
