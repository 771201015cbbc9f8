"""The fused first leg of a plain call type (simcc.model.plain_leg) is the general one, to the bit.

A plain call type's first contacts run through :class:`PlainLeg` instead of
the general first leg of ``Center``.  Each scenario below runs both ways
(the general way by making no call type plain) and every record table and
metric must be identical: arrivals tied with handling ends, wrap-ups,
resolution below 1, re-contacts, a full queue, a shift plan, zero handle
times, priorities by segment, a cap on contacts, and a plain call type
sharing its pool with one that is not; and for a call type whose path goes
on, the hand-on of a contact its first agent does not resolve (or whose
diagnosis reaches ``escalate_after``) under every transfer policy and rules,
with re-contacts, segments, a shift plan and a peer consult, and the shipped
warm and cold centres.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import simcc
from simcc.model import center as center_module
from simcc.model.plain_leg import is_plain

ROOT = Path(__file__).resolve().parents[2]
BASE: dict[str, Any] = {
    "horizon": "4h",
    "warmup": 0,
    "call_types": {"general": {"arrivals": {"rate": "150/h"}, "path": ["agents"]}},
    "customers": {"patience": {"dist": "exponential", "mean": "3m"}},
    "pools": {"agents": {"agents": 10, "handle_time": {"dist": "exponential", "mean": "4m"}}},
}


def scenario(**changes: Any) -> simcc.Scenario:
    data = copy.deepcopy(BASE)
    for path, value in changes.items():
        *parents, last = path.split("__")
        node = data
        for key in parents:
            node = node.setdefault(key, {})
        node[last] = value
    return simcc.scenario_from_dict(data)


CASES = {
    "erlang_a": {},
    # each handling ends at the instant of the next arrival: both due at once, in order
    "arrivals_tied_with_handling_ends": {
        "call_types__general__arrivals": {"times": [60.0 * i for i in range(200)]},
        "pools__agents__handle_time": {"dist": "deterministic", "value": "1m"},
    },
    "wrap_up": {"pools__agents__wrap_up": {"dist": "exponential", "mean": "30s"}},
    "resolve_below_1": {"pools__agents__resolve": 0.7},
    "resolve_0": {"pools__agents__resolve": 0.0},
    "recontacts": {
        "pools__agents__resolve": 0.6,
        "customers__recontact": {
            "probability": {"abandoned": 0.5, "unresolved": 0.7},
            "delay": {"dist": "exponential", "mean": "20m"},
        },
    },
    "queue_capacity": {"pools__agents__queue_capacity": 3},
    "unfinished": {"drain": "1s", "pools__agents__agents": 8},  # in the queue and in service
    "shifts": {"pools__agents__agents": {"interval": "1h", "counts": [10, 0, 12, 6]}},
    "zero_handle_time": {"pools__agents__handle_time": 0},
    "segments": {
        "segments": {
            "standard": {"share": 0.7},
            "vip": {"share": 0.3, "priority": 0, "patience": {"dist": "exponential", "mean": "9m"}},
        },
        "call_types__general__priority": 1,
    },
    "shared_pool": {  # (escalated has needs: its first leg is the general one)
        "call_types__escalated": {
            "arrivals": {"rate": "40/h"},
            "path": ["agents", "desk"],
            "needs": {"simple": {"share": 0.5}, "hard": {"share": 0.5, "resolve": {"agents": 0}}},
        },
        "pools__agents__resolve": 0.5,
        "pools__desk": {
            "tier": 2,
            "agents": 2,
            "handle_time": {"dist": "exponential", "mean": "6m"},
        },
    },
}


# a call type whose path goes on: the fused first leg hands a contact on as the general one
ONWARD: dict[str, Any] = {
    "call_types__general__path": ["agents", "desk", "experts"],
    "pools__agents__resolve": 0.6,
    "pools__agents__escalate_after": "5m",
    "pools__agents__wrap_up": {"dist": "exponential", "mean": "20s"},
    "pools__desk": {
        "tier": 2,
        "agents": 3,
        "handle_time": {"dist": "exponential", "mean": "6m"},
        "resolve": 0.7,
    },
    "pools__experts": {
        "tier": 3,
        "agents": 2,
        "handle_time": {"dist": "exponential", "mean": "8m"},
    },
    "customers__hold_patience": {"dist": "exponential", "mean": "2m"},
    "customers__transfer_patience": {"dist": "exponential", "mean": "90s"},
    "transfer__warm": {
        "consult_time": {"dist": "exponential", "mean": "40s"},
        "max_consult_wait": "1m",
        "fallback": "cold",
    },
}
ONWARD_CASES = {
    **{
        f"onward_{policy}": {"transfer__policy": policy}
        for policy in ("warm", "cold", "conference", "callback", "email", "self_service")
    },
    "onward_resolve_1": {"transfer__policy": "warm", "pools__agents__resolve": 1.0},
    "onward_recontacts_and_segments": {
        "transfer__policy": "warm",
        "customers__recontact": {
            "probability": {"abandoned": 0.5, "abandoned_hold": 0.6, "unresolved": 0.7},
            "delay": {"dist": "exponential", "mean": "20m"},
        },
        **CASES["segments"],
    },
    "onward_shifts_unfinished": {
        "transfer__policy": "warm",
        "drain": "1s",
        "pools__agents__agents": {"interval": "1h", "counts": [10, 0, 12, 6]},
    },
    "onward_peer_consult": {
        "transfer__policy": "cold",
        "pools__agents__peer": {"probability": 0.4, "consult_time": 60, "success": 0.5},
    },
    "onward_rules": {
        "transfer__policy": "rules",
        "transfer__rules": [
            {"when": {"target_idle_agents": 1}, "policy": "warm"},
            {"policy": "callback"},
        ],
    },
}


def run(s: simcc.Scenario, plain: bool, monkeypatch: pytest.MonkeyPatch, **kw: Any) -> simcc.Result:
    with monkeypatch.context() as m:
        if not plain:
            m.setattr(center_module, "is_plain", lambda center, ct: False)
        return simcc.simulate(s, seed=7, **kw)


def assert_same_records(s: simcc.Scenario, monkeypatch: pytest.MonkeyPatch) -> simcc.Result:
    fused, general = run(s, True, monkeypatch), run(s, False, monkeypatch)
    for table in ("contacts", "agents", "transfers", "staffing"):
        pd.testing.assert_frame_equal(getattr(fused, table), getattr(general, table))
    assert repr(fused.metrics()) == repr(general.metrics())
    assert len(fused.contacts) > 100
    return fused


@pytest.mark.parametrize("case", sorted(CASES))
def test_plain_leg_records_what_the_general_first_leg_records(
    case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert_same_records(scenario(**CASES[case]), monkeypatch)


@pytest.mark.parametrize("case", sorted(ONWARD_CASES))
def test_plain_leg_hands_contacts_on_as_the_general_first_leg(
    case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fused = assert_same_records(scenario(**(ONWARD | ONWARD_CASES[case])), monkeypatch)
    assert (fused.contacts["escalations"] > 0).sum() > 20  # (the hand-on was exercised)


@pytest.mark.parametrize("name", ["centre-warm.yaml", "centre-cold.yaml"])
def test_plain_leg_runs_the_shipped_centre_as_the_general_first_leg(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = simcc.load_scenario(ROOT / "scenarios" / name).with_changes({"horizon": "4h"})
    assert_same_records(s, monkeypatch)


def test_plain_leg_stops_at_max_contacts_as_the_general_first_leg(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    s = scenario()
    fused = run(s, True, monkeypatch, max_contacts=50)
    general = run(s, False, monkeypatch, max_contacts=50)
    pd.testing.assert_frame_equal(fused.contacts, general.contacts)
    assert fused.stopped_early == general.stopped_early is not None


def test_plain_leg_runs_under_simpys_own_scheduler_as_the_general_first_leg(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    s = scenario(**CASES["recontacts"])  # a wall-clock limit runs the events by env.step()
    fused = run(s, True, monkeypatch, wall_clock=600.0)
    general = run(s, False, monkeypatch, wall_clock=600.0)
    pd.testing.assert_frame_equal(fused.contacts, general.contacts)
    pd.testing.assert_frame_equal(fused.agents, general.agents)


def _plain_call_types(s: simcc.Scenario) -> list[str]:
    from simcc.model.center import Center
    from simcc.model.records import Recorder
    from simcc.rng import Streams
    from simcc.runner import names_of

    center = Center(s, Streams(1, 0), Recorder(names_of(s)))
    return [ct.name for ct in center.call_types if is_plain(center, ct)]


def test_only_call_types_whose_first_leg_has_no_feature_are_plain() -> None:
    assert _plain_call_types(scenario()) == ["general"]
    assert _plain_call_types(scenario(**CASES["shared_pool"])) == ["general"]
    overflow = {"call_types__general__overflow": {"pool": "spare", "after": "1m"}}
    spare = {"pools__spare": {"agents": 1, "handle_time": 60}}
    assert _plain_call_types(scenario(**overflow, **spare)) == []
    needs = {"call_types__general__needs": {"a": {"share": 0.5}, "b": {"share": 0.5}}}
    assert _plain_call_types(scenario(**needs)) == []
    assert _plain_call_types(scenario(**ONWARD)) == ["general"]  # (its path goes on)
